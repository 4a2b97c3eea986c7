"""Lesson 06: the same failing patient on VV and on VA ECMO, side by side.

A *failure* is a pair: the native lungs (failing: a shunt fraction of
:data:`FAILING_SHUNT_FRACTION`; working: :data:`HEALTHY_SHUNT_FRACTION`)
and the heart (a named condition of :data:`ecmolib.hemodynamics.CONDITIONS`:
``"cardiogenic_shock"`` or ``"healthy"``). The lesson's three failures are
:data:`FAILURES`: lungs only, heart only, both.

Every number comes from the models, composed here and nowhere derived:

1. The circulation, beat by beat (:func:`ecmolib.hemodynamics.simulate`),
   once per heart condition without ECMO (VV ECMO takes blood from the
   veins and gives it back to them: it has no haemodynamic effect in the
   model, the heart pumps everything) and once per heart condition and VA
   flow on the slider's grid (VA adds flow into the arteries and afterload
   to the left ventricle). It gives the mean arterial pressure, the LV
   filling pressure and volume, whether the aortic valve opens, the flow
   the circuit actually drains, and the **native output**.
2. The gases: :func:`ecmolib.vv.steady_state` with that cardiac output, and
   :func:`ecmolib.va.steady_state` with that native output and drained flow,
   so the regional saturations (and the mixing zone) follow the heart the
   beat-by-beat model gives for the same settings. Both report O2 delivery
   and the consumption, which falls below the demand where delivery cannot
   meet it (supply-limited).

The whole grid (three failures x two modes x the flow slider's positions)
is computed once per scenario, when the explorer is built, and cached
(:func:`comparison_table`), so a slider move is a lookup and a redraw. The
flow slider is kept short (about eight positions) because each VA position
costs one beat-by-beat run (about 0.02-0.2 s each).

:func:`recommended_mode` reads the table with the four criteria of the
lesson (:data:`CRITERIA`: no supply-limited consumption,
:func:`map_target_mmhg`, :data:`UPPER_BODY_SO2_TARGET`, and an LV that
still ejects with a visible pulse, :func:`pulse_pressure_min_mmhg`) and
answers the decision table's question.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.patches import Circle, FancyBboxPatch
from matplotlib.ticker import PercentFormatter

from ecmolib import hemodynamics, lungs, plotting, va, vv, widgets
from ecmolib import _validation as _v
from ecmolib import patients as _patients
from ecmolib.views import vv_ecmo as _vv_ecmo
from ecmolib.widgets import Explorer, SliderSpec

__all__ = [
    "FAILURES",
    "FAILURE_LABELS",
    "FAILING_SHUNT_FRACTION",
    "HEALTHY_SHUNT_FRACTION",
    "FAILING_HEART",
    "SCENARIO_HB_G_DL",
    "DEFAULT_FLOW_FRACTION",
    "ADULT_MAP_TARGET_MMHG",
    "UPPER_BODY_SO2_TARGET",
    "MODES",
    "default_scenario",
    "SCENARIO",
    "map_target_mmhg",
    "flow_slider",
    "ModeReadout",
    "ComparisonTable",
    "comparison_table",
    "AORTIC_VALVE_OPEN_MIN",
    "ADULT_PULSE_PRESSURE_MIN_MMHG",
    "pulse_pressure_min_mmhg",
    "CRITERIA",
    "criteria",
    "working_flows",
    "recommended_mode",
    "DECISIONS",
    "report",
    "draw_comparison",
    "update_comparison",
    "failure_slider",
    "comparison_explorer",
    "EXPLORERS",
]

#: The lesson's failures, in the order of the failure slider (1, 2, 3).
FAILURES = ("lungs", "heart", "both")
#: How the lesson names them.
FAILURE_LABELS = {"lungs": "lungs only", "heart": "heart only", "both": "lungs and heart"}

#: Shunt fraction of failing lungs: 1.0, lungs that exchange no gas
#: (:data:`ecmolib.vv.DEFAULT_SHUNT_FRACTION`, the worst case; Bartlett 2017,
#: doi:10.1177/0885066616641383), as in lesson 04.
FAILING_SHUNT_FRACTION = vv.DEFAULT_SHUNT_FRACTION
#: Shunt fraction of working lungs: :data:`ecmolib.lungs.NORMAL_SHUNT_FRACTION` (0.05).
HEALTHY_SHUNT_FRACTION = lungs.NORMAL_SHUNT_FRACTION
#: The failing heart: the named condition ``"cardiogenic_shock"`` of
#: :data:`ecmolib.hemodynamics.CONDITIONS` (acute biventricular failure with
#: full compensation, fitted to MAP 55-65 mmHg and cardiac output 2-2.5
#: L/min in the adult; van Diepen et al. 2017, doi:10.1161/CIR.0000000000000525).
FAILING_HEART = "cardiogenic_shock"
_HEALTHY_HEART = "healthy"

#: Haemoglobin of the scenario [g/dL]: lesson 04's for every patient,
#: defined and sourced there (:data:`ecmolib.views.vv_ecmo.SCENARIO_HB_G_DL`, 12).
SCENARIO_HB_G_DL = _vv_ecmo.SCENARIO_HB_G_DL

#: Default ECMO flow as a fraction of the patient's typical full VA flow
#: (:func:`ecmolib.patients.target_ecmo_flow_l_min`): 0.75. ASSUMPTION of
#: this lesson: partial support, at which the failing adult heart of the
#: model still opens its aortic valve (0.33 L/min, in 12 % of the cycle;
#: at full flow the valve stays shut), so every default state is a steady
#: state, though one that fails the lesson's "LV ejects" criterion; the
#: slider reaches 1.25 times full flow.
DEFAULT_FLOW_FRACTION = 0.75
_FLOW_RANGE_FRACTIONS = (0.25, 1.25)
#: Slider steps per full flow (a round step, :func:`ecmolib.widgets.nice_step`).
_FLOW_STEPS = 6.0

#: Mean arterial pressure target of the adult [mmHg]: 65, the usual initial
#: target in cardiogenic shock (van Diepen et al. 2017,
#: doi:10.1161/CIR.0000000000000525). Other patients: :func:`map_target_mmhg`.
ADULT_MAP_TARGET_MMHG = 65.0

#: Lowest acceptable saturation of the blood reaching the heart and the brain
#: [fraction]: 0.85. ASSUMPTION of this lesson: the low end of the arterial
#: saturation accepted on VV ECMO when delivery is adequate (lesson 04;
#: permissive hypoxaemia has no defined threshold, Gilbert-Kawai et al. 2014,
#: doi:10.1002/14651858.CD009931.pub2).
UPPER_BODY_SO2_TARGET = 0.85

#: The two modes, in the order drawn (VV left, VA right).
MODES = ("vv", "va")
_MODE_TITLES = {"vv": "VV ECMO", "va": "VA ECMO"}
#: Regions of the body picture (keys of :attr:`ecmolib.va.VASteadyState.region_so2`).
_REGIONS = ("brain", "right_arm", "left_arm", "coronary", "lower_body")
#: The upper-body regions whose worst saturation is judged.
_UPPER_BODY = ("coronary", "brain", "right_arm")

#: Largest ECMO flow [L/min]: the VA flow range of :func:`ecmolib.hemodynamics.simulate` (0-15 L/min).
_MAX_FLOW_L_MIN = 15.0

#: Duration of each beat-by-beat run after its warm-up [s]: at least five
#: beats (the summary's window) at any heart rate of the presets.
_DURATION_S = 5.0


# --------------------------------------------------------------------------
# Scenario
# --------------------------------------------------------------------------


def default_scenario(patient=_patients.ADULT) -> dict:
    """The lesson's settings for a patient.

    * ``ecmo_flow_l_min``: :data:`DEFAULT_FLOW_FRACTION` of the patient's
      typical full VA flow, rounded to the flow slider's step (3.0 L/min
      for the 70 kg adult, whose full flow is 4.2 L/min; the same flow for
      both modes).
    * ``hb_g_dl``: :data:`SCENARIO_HB_G_DL`.
    * ``failing_shunt_fraction``: :data:`FAILING_SHUNT_FRACTION`.
    * ``fio2`` 0.21: air (what working lungs breathe; no effect on lungs
      that exchange no gas).
    * ``cannulation`` ``"femoral"``: VA return up the aorta from the groin,
      the usual peripheral configuration.

    Parameters
    ----------
    patient : ecmolib.patients.Patient

    Returns
    -------
    dict

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.views.vv_vs_va import default_scenario
    >>> default_scenario(patients.ADULT)["ecmo_flow_l_min"], default_scenario(patients.NEONATE)["ecmo_flow_l_min"]
    (3.0, 0.25)
    """
    p = _patients._checked(patient)
    full = _patients.target_ecmo_flow_l_min(p, "va")
    step = widgets.nice_step(full, _FLOW_STEPS)
    return {
        "ecmo_flow_l_min": round(step * round(DEFAULT_FLOW_FRACTION * full / step), 10),
        "hb_g_dl": SCENARIO_HB_G_DL,
        "failing_shunt_fraction": FAILING_SHUNT_FRACTION,
        "fio2": 0.21,
        "cannulation": "femoral",
    }


#: The lesson's default scenario: :func:`default_scenario` of the 70 kg adult.
SCENARIO = default_scenario(_patients.ADULT)


def _scenario(patient, scenario):
    unknown = set(scenario) - set(SCENARIO)
    if unknown:
        raise ValueError(f"unknown scenario keys {sorted(unknown)}; valid keys are {sorted(SCENARIO)}")
    s = {**default_scenario(patient), **scenario}
    _v.scalar("ecmo_flow_l_min", s["ecmo_flow_l_min"], "L/min", 0.0, _MAX_FLOW_L_MIN, low_inclusive=False)
    _v.scalar("hb_g_dl", s["hb_g_dl"], "g/dL", 2.0, 25.0)
    _v.scalar("failing_shunt_fraction", s["failing_shunt_fraction"], "fraction 0..1", 0.0, 1.0)
    _v.scalar("fio2", s["fio2"], "fraction 0..1", 0.21, 1.0)
    _v.choice("cannulation", s["cannulation"], va.CANNULATIONS)
    return s


def map_target_mmhg(patient=_patients.ADULT) -> float:
    """Mean arterial pressure target for a patient [mmHg].

    :data:`ADULT_MAP_TARGET_MMHG` scaled by the circulation model's pressure
    scale for the patient's size (:func:`ecmolib.hemodynamics.pressure_scale`;
    ASSUMPTION that the target scales as the normal pressure does).

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.views.vv_vs_va import map_target_mmhg
    >>> map_target_mmhg(patients.ADULT)
    65.0
    """
    return ADULT_MAP_TARGET_MMHG * float(hemodynamics.pressure_scale(_patients._checked(patient)))


def flow_slider(patient=_patients.ADULT, **scenario) -> SliderSpec:
    """The ECMO flow slider: 0.25 to 1.25 times the patient's full VA flow, through the scenario's flow.

    Its step is a round number giving about six steps per full flow (0.5
    L/min for the adult, 0.05 L/min for the neonate), so the grid has about
    eight positions; it always reaches the scenario's flow.
    """
    p = _patients._checked(patient)
    s = _scenario(p, scenario)
    full = _patients.target_ecmo_flow_l_min(p, "va")
    q = float(s["ecmo_flow_l_min"])
    low, high = min(_FLOW_RANGE_FRACTIONS[0] * full, q), max(_FLOW_RANGE_FRACTIONS[1] * full, q)
    return SliderSpec.anchored("ECMO flow", "L/min", q, low, high, widgets.nice_step(full, _FLOW_STEPS))


# --------------------------------------------------------------------------
# The table: circulation, then gases
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ModeReadout:
    """What one mode gives for each failure and flow: arrays of shape (3 failures, n flows).

    Attributes
    ----------
    region_so2 : dict of str to numpy.ndarray
        Arterial saturation reaching ``"brain"``, ``"right_arm"``,
        ``"left_arm"``, ``"coronary"`` and ``"lower_body"`` [fraction]
        (VV: the one arterial saturation everywhere).
    upper_body_so2 : numpy.ndarray
        The lowest of the coronary, brain and right-arm saturations [fraction].
    do2_ml_min, vo2_ml_min, vo2_demand_ml_min : numpy.ndarray
        O2 delivery, actual consumption and the tissues' demand [mL/min].
    supply_limited : numpy.ndarray of bool
        Consumption below demand.
    map_mmhg, pulse_pressure_mmhg, lv_edp_mmhg, lv_edv_ml : numpy.ndarray
        Mean arterial and pulse pressure, LV end-diastolic pressure [mmHg]
        and volume [mL].
    aortic_valve_open_fraction : numpy.ndarray
        Share of the cardiac cycle with forward flow through the aortic valve.
    native_output_l_min : numpy.ndarray
        What the heart ejects [L/min] (VV: the whole cardiac output).
    ecmo_flow_l_min : numpy.ndarray
        ECMO flow the circuit delivers [L/min]: VA, what the beat-by-beat
        model drains (less than set when the venous return runs short);
        VV, the set flow.
    mixing_zone : numpy.ndarray of str
        VA: the aortic segment where the two streams meet; VV: ``""``.
    """

    region_so2: dict
    upper_body_so2: np.ndarray
    do2_ml_min: np.ndarray
    vo2_ml_min: np.ndarray
    vo2_demand_ml_min: np.ndarray
    supply_limited: np.ndarray
    map_mmhg: np.ndarray
    pulse_pressure_mmhg: np.ndarray
    lv_edp_mmhg: np.ndarray
    lv_edv_ml: np.ndarray
    aortic_valve_open_fraction: np.ndarray
    native_output_l_min: np.ndarray
    ecmo_flow_l_min: np.ndarray
    mixing_zone: np.ndarray


@dataclass(frozen=True)
class ComparisonTable:
    """Both modes over the three failures and the flow grid.

    Attributes
    ----------
    flows_l_min : numpy.ndarray
        The set ECMO flows [L/min].
    vv, va : ModeReadout
        Shape (3, len(flows_l_min)), failures in the order of :data:`FAILURES`.
    no_ecmo : ModeReadout
        The three failures without ECMO, shape (3, 1).
    map_target_mmhg : float
        :func:`map_target_mmhg` of the patient.
    cannulation : str
        The VA return site.
    pulse_pressure_min_mmhg : float
        :func:`pulse_pressure_min_mmhg` of the patient.
    """

    flows_l_min: np.ndarray
    vv: ModeReadout
    va: ModeReadout
    no_ecmo: ModeReadout
    map_target_mmhg: float
    cannulation: str
    pulse_pressure_min_mmhg: float

    def mode(self, name) -> ModeReadout:
        """The readout of ``"vv"``, ``"va"`` or ``"none"``."""
        return {"vv": self.vv, "va": self.va, "none": self.no_ecmo}[_v.choice("mode", name, (*MODES, "none"))]


_HEMO_KEYS = ("map_mmhg", "pulse_pressure_mmhg", "lv_edp_mmhg", "lv_edv_ml", "aortic_valve_open_fraction",
              "native_output_l_min", "ecmo_flow_l_min")


@functools.lru_cache(maxsize=32)
def _circulation(patient, condition, va_flow_l_min):
    """One beat-by-beat run's summary (the keys of ``_HEMO_KEYS``), cached."""
    s = hemodynamics.simulate(patient, _DURATION_S, va_flow_l_min=va_flow_l_min,
                              **hemodynamics.CONDITIONS[condition]).summary
    return {k: float(s[k]) for k in _HEMO_KEYS}


def _failure_settings(s):
    """(shunt fractions, heart conditions) of :data:`FAILURES`."""
    shunt = {"lungs": s["failing_shunt_fraction"], "heart": HEALTHY_SHUNT_FRACTION,
             "both": s["failing_shunt_fraction"]}
    heart = {"lungs": _HEALTHY_HEART, "heart": FAILING_HEART, "both": FAILING_HEART}
    return np.array([shunt[f] for f in FAILURES], float), [heart[f] for f in FAILURES]


def _hemo_grid(patient, conditions, flows):
    """Summaries as arrays (3, len(flows)): one run per (condition, flow), reused across failures."""
    rows = [[_circulation(patient, c, float(q)) for q in flows] for c in conditions]
    return {k: np.array([[r[k] for r in row] for row in rows]) for k in _HEMO_KEYS}


def _vv_readout(patient, s, shunt, hemo, flows):
    co = np.maximum(hemo["native_output_l_min"][:, :1], 1e-3)
    state = vv.steady_state(patient, np.asarray(flows, float)[None, :], shunt_fraction=shunt[:, None],
                            fio2=s["fio2"], hb_g_dl=s["hb_g_dl"], cardiac_output_l_min=co,
                            oxygenator=vv.default_oxygenator(patient, "vv"))
    shape = (len(FAILURES), np.size(flows))
    sao2 = np.broadcast_to(np.asarray(state.sao2, float), shape)
    regions = {k: sao2 for k in _REGIONS}
    return _readout(regions, state, {k: np.broadcast_to(v, shape) for k, v in hemo.items()},
                    ecmo_flow=np.broadcast_to(np.asarray(flows, float), shape), mixing=np.full(shape, ""))


def _va_readout(patient, s, shunt, hemo):
    qec = np.maximum(hemo["ecmo_flow_l_min"], 1e-3)
    qn = np.maximum(hemo["native_output_l_min"], 0.0)
    state = va.steady_state(patient, qec, native_output_l_min=qn, cannulation=s["cannulation"],
                            shunt_fraction=shunt[:, None], fio2=s["fio2"], hb_g_dl=s["hb_g_dl"])
    regions = {k: np.asarray(state.region_so2[k], float) for k in _REGIONS}
    return _readout(regions, state, hemo, ecmo_flow=qec, mixing=np.asarray(state.mixing_zone))


def _readout(regions, state, hemo, *, ecmo_flow, mixing):
    shape = np.shape(ecmo_flow)

    def arr(x):
        return np.broadcast_to(np.asarray(x, float), shape).copy()

    return ModeReadout(
        region_so2={k: arr(v) for k, v in regions.items()},
        upper_body_so2=arr(np.min([regions[k] for k in _UPPER_BODY], axis=0)),
        do2_ml_min=arr(state.do2_ml_min), vo2_ml_min=arr(state.vo2_ml_min),
        vo2_demand_ml_min=arr(state.vo2_demand_ml_min),
        supply_limited=np.broadcast_to(np.asarray(state.supply_limited, bool), shape).copy(),
        map_mmhg=arr(hemo["map_mmhg"]), pulse_pressure_mmhg=arr(hemo["pulse_pressure_mmhg"]),
        lv_edp_mmhg=arr(hemo["lv_edp_mmhg"]), lv_edv_ml=arr(hemo["lv_edv_ml"]),
        aortic_valve_open_fraction=arr(hemo["aortic_valve_open_fraction"]),
        native_output_l_min=arr(hemo["native_output_l_min"]), ecmo_flow_l_min=arr(ecmo_flow),
        mixing_zone=np.broadcast_to(mixing, shape).copy(),
    )


@functools.lru_cache(maxsize=16)
def _comparison_table(patient, flows, scenario):
    s = dict(scenario)
    q = np.array(flows)
    shunt, conditions = _failure_settings(s)
    no_flow = _hemo_grid(patient, conditions, [0.0])
    on_va = _hemo_grid(patient, conditions, q)
    return ComparisonTable(
        flows_l_min=q,
        vv=_vv_readout(patient, s, shunt, no_flow, q),
        va=_va_readout(patient, s, shunt, on_va),
        no_ecmo=_vv_readout(patient, s, shunt, no_flow, [0.0]),
        map_target_mmhg=map_target_mmhg(patient),
        cannulation=s["cannulation"],
        pulse_pressure_min_mmhg=pulse_pressure_min_mmhg(patient),
    )


def comparison_table(patient=_patients.ADULT, flows_l_min=None, **scenario) -> ComparisonTable:
    """Both modes for the three failures over a grid of ECMO flows (cached per scenario).

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient.
    flows_l_min : array_like, optional
        1-D grid of set ECMO flows [L/min]; valid (0, 15]. Default the flow
        slider's grid (:func:`flow_slider`).
    **scenario
        Overrides of the patient's :func:`default_scenario`.

    Returns
    -------
    ComparisonTable

    Raises
    ------
    ValueError
        For an unknown scenario key or a value out of its model's range.
    """
    p = _patients._checked(patient)
    s = _scenario(p, scenario)
    grid = flow_slider(p, **s).grid() if flows_l_min is None else flows_l_min
    q = _v.grid("flows_l_min", grid, "L/min", 0.0, _MAX_FLOW_L_MIN, low_inclusive=False)
    return _comparison_table(p, tuple(float(x) for x in np.ravel(q)), tuple(sorted(s.items())))


# --------------------------------------------------------------------------
# The decision
# --------------------------------------------------------------------------

#: The decision table's answers: key -> what it means.
DECISIONS = {
    "vv": "VV",
    "va": "VA",
    "v-va": "VA plus oxygenated blood for the upper body (V-VA)",
    "more": "neither mode is enough at any flow of the slider",
}


#: Least share of the cardiac cycle with the aortic valve open for the
#: heart to count as ejecting [fraction]: 0.05. ASSUMPTION of this lesson:
#: in the model a failing heart that ejects in every beat keeps the valve
#: open 8-30 % of the cycle; below 0.05 the LV ejects only now and then,
#: after it has distended (the LV distension VA can cause; Burkhoff et al.
#: 2015, doi:10.1016/j.jacc.2015.10.017). Necessary, not sufficient: see
#: :data:`ADULT_PULSE_PRESSURE_MIN_MMHG`.
AORTIC_VALVE_OPEN_MIN = 0.05

#: Least arterial pulse pressure for the LV to count as ejecting enough on
#: VA [mmHg], adult: 5. A valve that opens in a few per cent of each beat
#: is not enough: at 0.04 L/min of ejection the LV is near stasis and
#: distends (pulse pressure near 0, LVEDP above 30 mmHg in the model's
#: shocked adult), the state where a vent is considered (loss of arterial
#: pulsatility and a closed aortic valve are the signs of LV distension on
#: VA; Burkhoff et al. 2015, doi:10.1016/j.jacc.2015.10.017; Cevasco et al.
#: 2019, J Thorac Dis, LV distension and venting on VA ECMO). ASSUMPTION of
#: this lesson: the threshold. No guideline number was found to cite; 10
#: mmHg, a figure often quoted, cannot be used with this model, whose
#: shocked adult heart has a pulse pressure of 14 mmHg before any support
#: and 9 at the lowest VA flow, so 10 would reject VA at every flow. 5 mmHg
#: keeps the low VA flows at which the adult heart still ejects 0.9 L/min
#: or more (pulse 6.8-8.7 mmHg) and rejects those where it ejects 0.6 L/min
#: or less (4.8 mmHg and below). Other patients: :func:`pulse_pressure_min_mmhg`.
ADULT_PULSE_PRESSURE_MIN_MMHG = 5.0

#: The four criteria of the lesson, in the order drawn: key -> short label.
CRITERIA = {"delivery": "delivery", "pressure": "MAP", "upper_body": "upper body", "ejects": "LV ejects"}


def pulse_pressure_min_mmhg(patient=_patients.ADULT) -> float:
    """Least pulse pressure for the lesson's "LV ejects" criterion [mmHg].

    :data:`ADULT_PULSE_PRESSURE_MIN_MMHG` scaled as :func:`map_target_mmhg`
    is (:func:`ecmolib.hemodynamics.pressure_scale`; ASSUMPTION).

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.views.vv_vs_va import pulse_pressure_min_mmhg
    >>> pulse_pressure_min_mmhg(patients.ADULT)
    5.0
    """
    return ADULT_PULSE_PRESSURE_MIN_MMHG * float(hemodynamics.pressure_scale(_patients._checked(patient)))


def _checked_table(table) -> ComparisonTable:
    if not isinstance(table, ComparisonTable):
        raise ValueError(f"table must be a ComparisonTable (from comparison_table); got {type(table).__name__}")
    return table


def _flow_index(table, i_flow) -> int:
    """``i_flow`` as an index of the table's flows, or a ValueError naming it and the valid range."""
    n = len(table.flows_l_min)
    if isinstance(i_flow, bool) or not isinstance(i_flow, (int, np.integer)) or not 0 <= i_flow < n:
        raise ValueError(f"i_flow must be an index of the table's {n} flows, an integer in [0, {n - 1}]; "
                         f"got {i_flow!r}")
    return int(i_flow)


def criteria(table: ComparisonTable, mode, failure, i_flow) -> dict:
    """The lesson's four criteria for one mode, failure and flow index.

    Returns
    -------
    dict of str to bool
        ``"delivery"``: consumption meets the demand (not supply-limited);
        ``"pressure"``: mean arterial pressure at least
        :attr:`ComparisonTable.map_target_mmhg`; ``"upper_body"``: heart,
        brain and right arm get blood of at least
        :data:`UPPER_BODY_SO2_TARGET`; ``"ejects"``: the aortic valve opens
        at least :data:`AORTIC_VALVE_OPEN_MIN` of the cycle and the pulse
        pressure is at least :attr:`ComparisonTable.pulse_pressure_min_mmhg`
        (no LV stasis).
    """
    r = _checked_table(table).mode(mode)
    i = FAILURES.index(_v.choice("failure", failure, FAILURES))
    j = _flow_index(table, i_flow)
    return {"delivery": not bool(r.supply_limited[i, j]),
            "pressure": bool(r.map_mmhg[i, j] >= table.map_target_mmhg),
            "upper_body": bool(r.upper_body_so2[i, j] >= UPPER_BODY_SO2_TARGET),
            "ejects": bool(r.aortic_valve_open_fraction[i, j] >= AORTIC_VALVE_OPEN_MIN
                           and r.pulse_pressure_mmhg[i, j] >= table.pulse_pressure_min_mmhg)}


def working_flows(table: ComparisonTable, mode, failure, needed=("delivery", "pressure", "upper_body", "ejects")):
    """The set flows [L/min] of the table at which ``mode`` meets every criterion in ``needed``."""
    _checked_table(table)
    if isinstance(needed, str) or not set(needed) <= {"delivery", "pressure", "upper_body", "ejects"}:
        raise ValueError(f"needed must be a collection of 'delivery', 'pressure', 'upper_body', 'ejects'; "
                         f"got {needed!r}")
    return [float(q) for j, q in enumerate(table.flows_l_min)
            if all(criteria(table, mode, failure, j)[k] for k in needed)]


def recommended_mode(table: ComparisonTable, failure) -> str:
    """The decision table's answer (a key of :data:`DECISIONS`), from the model's numbers.

    A mode is *enough* for a failure if at some flow of the table it meets
    all four :func:`criteria`. VV when it is enough (it needs no arterial
    cannula; VV is the mode for respiratory failure with adequate cardiac
    function, Tonna et al. 2021, doi:10.1097/MAT.0000000000001432); else VA
    when it is; else ``"v-va"`` when VA meets every criterion but the upper
    body's at some flow; else ``"more"``.
    """
    if working_flows(table, "vv", failure):
        return "vv"
    if working_flows(table, "va", failure):
        return "va"
    if working_flows(table, "va", failure, needed=("delivery", "pressure", "ejects")):
        return "v-va"
    return "more"


def report(table: ComparisonTable, i_flow, *, failures=FAILURES, modes=("vv", "va")) -> None:
    """Print one line per failure and mode: saturations, delivery, consumption, pressures.

    Parameters
    ----------
    table : ComparisonTable
    i_flow : int
        Index of the set flow in :attr:`ComparisonTable.flows_l_min` (0 for
        ``"none"``).
    failures : sequence of str
        Keys of :data:`FAILURES`.
    modes : sequence of str
        ``"vv"``, ``"va"`` or ``"none"``.
    """
    j_flow = _flow_index(_checked_table(table), i_flow)
    print(f"{'failure':<16s}{'mode':<5s}{'upper/lower SO2':>16s}{'DO2':>6s}{'VO2/demand':>12s}"
          f"{'MAP':>5s}{'LVEDP':>6s}{'heart':>6s}{'ECMO':>6s}  [mL/min, mmHg, L/min]")
    for f in failures:
        i = FAILURES.index(_v.choice("failure", f, FAILURES))
        for m in modes:
            r = table.mode(m)
            j = 0 if m == "none" else j_flow
            upper, lower = r.upper_body_so2[i, j], r.region_so2["lower_body"][i, j]
            print(f"{FAILURE_LABELS[f]:<16s}{m.upper() if m != 'none' else '-':<5s}"
                  f"{upper:>9.0%} /{lower:>4.0%}{r.do2_ml_min[i, j]:6.0f}"
                  f"{r.vo2_ml_min[i, j]:7.0f}/{r.vo2_demand_ml_min[i, j]:<4.0f}{r.map_mmhg[i, j]:5.0f}"
                  f"{r.lv_edp_mmhg[i, j]:6.0f}{r.native_output_l_min[i, j]:6.2f}{r.ecmo_flow_l_min[i, j]:6.2f}")


# --------------------------------------------------------------------------
# The picture: two bodies (VV, VA) and three bar charts on shared axes
# --------------------------------------------------------------------------

# The modes are told apart by grey, never by a hue: no mode colour may be read as a saturation of the
# body picture's scale, and the dark consumption bar (0.15) stays visible inside both. (Hatching would
# tell them apart too, but redrawing it costs about 5 ms a slider move.)
_MODE_STYLES = {"vv": {"facecolor": "white"}, "va": {"facecolor": "0.65"}}
# Body picture, axes data units (x 0..4, y 0..6): region -> (shape, geometry); each region's
# name and saturation are one text beside it (position, alignment).
_BODY_SHAPES = {
    "brain": ("circle", (2.0, 5.25, 0.55)),
    "right_arm": ("box", (0.35, 2.3, 0.5, 2.0)),   # the patient's right: the viewer's left
    "left_arm": ("box", (3.15, 2.3, 0.5, 2.0)),
    "coronary": ("circle", (1.55, 3.7, 0.38)),
    "lower_body": ("box", (1.45, 0.15, 1.1, 2.0)),
}
_LABELS = {
    "brain": ("brain", (2.7, 5.25), "left", "center"),
    "right_arm": ("right arm", (0.6, 2.12), "center", "top"),
    "left_arm": ("left arm", (3.4, 2.12), "center", "top"),
    "coronary": ("heart", (2.05, 3.7), "left", "center"),
    "lower_body": ("lower\nbody", (1.35, 0.75), "right", "center"),
}


def _draw_body(ax, title):
    """A schematic body whose five regions :func:`_update_body` colours by saturation."""
    ax.set_xlim(0.0, 4.0)
    ax.set_ylim(0.0, 6.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((0.95, 2.3), 2.1, 2.3, boxstyle="round,pad=0.08", facecolor="0.93",
                                edgecolor="0.5", zorder=1))  # the chest
    a = {"patches": {}, "numbers": {}}
    for region, (kind, geom) in _BODY_SHAPES.items():
        if kind == "circle":
            patch = Circle(geom[:2], geom[2], edgecolor="0.25", zorder=2)
        else:
            patch = FancyBboxPatch(geom[:2], geom[2], geom[3], boxstyle="round,pad=0.06", edgecolor="0.25", zorder=2)
        a["patches"][region] = ax.add_patch(patch)
        # The name is drawn once; only the number below it moves (text is the costly part of a redraw).
        words, (x, y), ha, va_ = _LABELS[region]
        lines = words.count("\n") + 1
        top = {"top": y, "center": y + 0.16 * (lines + 1), "bottom": y + 0.32 * (lines + 1)}[va_]
        ax.text(x, top, words, ha=ha, va="top", fontsize=8.5, zorder=4, linespacing=1.1)
        a["numbers"][region] = ax.annotate("", (x, top), xytext=(0.0, -11.0 * lines), textcoords="offset points",
                                           ha=ha, va="top", fontsize=8.5, zorder=4)
    ax.set_title(title, fontsize=10.5)
    a["note"] = ax.text(2.0, -0.2, "", ha="center", va="top", fontsize=8.5, zorder=4)
    return a


def _draw_criteria(ax, labels):
    """The lesson's four criteria left of a body: names drawn once, the ✓/✗ column moves."""
    x, y, style = -3.0, 6.0, {"va": "top", "fontsize": 8, "zorder": 4, "linespacing": 1.3, "clip_on": False}
    ax.text(x, y, "criteria\n" + "\n".join(labels), ha="left", **style)
    return ax.text(x - 0.1, y, "", ha="right", **style)


def _update_body(a, r: ModeReadout, i, j, *, mode):
    for region in _REGIONS:
        so2 = float(r.region_so2[region][i, j])
        a["patches"][region].set_facecolor(plotting.so2_color(so2))
        a["numbers"][region].set_text(f"{so2:.0%}")
    if mode == "vv":
        a["note"].set_text(f"one arterial blood everywhere\nheart pumps {r.native_output_l_min[i, j]:.2f} L/min")
    else:
        zone = str(r.mixing_zone[i, j]).replace("_", " ")
        a["note"].set_text(f"heart ejects {r.native_output_l_min[i, j]:.2f} L/min\nstreams meet: {zone}")


def _bar_axes(ax, title, units, top):
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(0.0, top)
    ax.set_xticks([0, 1], ["VV", "VA"])
    ax.set_title(title, fontsize=9.5)
    ax.set_ylabel(units, fontsize=9)
    ax.grid(axis="x", visible=False)
    bars = ax.bar([0, 1], [0.0, 0.0], width=0.6, edgecolor="0.2", zorder=2)
    for bar, m in zip(bars, MODES):
        bar.set_facecolor(_MODE_STYLES[m]["facecolor"])
    labels = [ax.text(k, 0.0, "", ha="center", va="bottom", fontsize=8, zorder=4, linespacing=1.1,
                      bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"}) for k in (0, 1)]
    return {"bars": list(bars), "labels": labels}


def _limits(table: ComparisonTable):
    """Axis tops over the whole table, so that bars compare across failures and flows."""
    both = (table.vv, table.va)
    do2 = max(float(np.max(r.do2_ml_min)) for r in both)
    pressure = max(float(np.max(r.map_mmhg)) for r in both)
    edp = max(float(np.max(r.lv_edp_mmhg)) for r in both)
    return 1.45 * do2, 1.45 * max(pressure, table.map_target_mmhg), 1.5 * edp


def draw_comparison(fig, table: ComparisonTable, *, i_failure, i_flow):
    """VV (left) and VA (right) for one failure and flow: bodies coloured by saturation, then three bar charts.

    Top: each mode's body, its five regions coloured by the saturation of
    the arterial blood that reaches them (also written as numbers). Bottom,
    on axes shared by both modes and fixed over every failure and flow: O2
    delivery with the consumption (dark inner bar) and the demand (dotted
    line); mean arterial pressure with the target (dashed line) and the
    pulse pressure; LV end-diastolic pressure, with the share of the cycle
    the aortic valve opens. Beside each body, the lesson's four
    :func:`criteria` for that mode, ticked or crossed. The modes' bars
    differ in grey (VV white, VA mid grey), never in a colour of the
    saturation scale.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Empty figure to draw into.
    table : ComparisonTable
    i_failure, i_flow : int
        Indices in :data:`FAILURES` and :attr:`ComparisonTable.flows_l_min`.

    Returns
    -------
    dict
        The artists by name; pass them to :func:`update_comparison`.
    """
    grid = fig.add_gridspec(2, 6, height_ratios=[1.55, 1.0], left=0.08, right=0.93, bottom=0.07, top=0.9,
                            hspace=0.42, wspace=1.7)
    a = {"bodies": {}, "title": fig.suptitle("", fontsize=10.5)}
    for k, m in enumerate(MODES):
        ax = fig.add_subplot(grid[0, 3 * k:3 * k + 3])
        title = _MODE_TITLES[m] + (f" ({table.cannulation} return)" if m == "va" else " (return to the right atrium)")
        a["bodies"][m] = _draw_body(ax, title)
        a["bodies"][m]["criteria"] = _draw_criteria(ax, (
            CRITERIA["delivery"], f'{CRITERIA["pressure"]} ≥ {table.map_target_mmhg:.0f}',
            f'{CRITERIA["upper_body"]} ≥ {UPPER_BODY_SO2_TARGET:.0%}',
            f'{CRITERIA["ejects"]} (pulse ≥ {table.pulse_pressure_min_mmhg:.0f})'))
    fig.colorbar(mpl.cm.ScalarMappable(norm=plotting.SO2_NORM, cmap=plotting.SO2_CMAP),
                 ax=[fig.axes[0], fig.axes[1]], fraction=0.025, pad=0.01, label="O₂ saturation",
                 format=PercentFormatter(1.0, decimals=0))
    do2_top, map_top, edp_top = _limits(table)
    ax = fig.add_subplot(grid[1, 0:2])
    a["do2"] = _bar_axes(ax, "O₂ delivery, consumption", "[mL/min]", do2_top)
    a["vo2"] = list(ax.bar([0, 1], [0.0, 0.0], width=0.28, color="0.15", zorder=3))
    demand = float(table.vv.vo2_demand_ml_min[0, 0])
    ax.axhline(demand, color="0.3", ls=":", lw=1.3, zorder=3)
    ax.text(0.02, 0.98, f"dotted: O₂ demand {demand:.0f}\ndark bar: consumption", transform=ax.transAxes,
            ha="left", va="top", fontsize=7.5, color="0.3")
    ax = fig.add_subplot(grid[1, 2:4])
    a["map"] = _bar_axes(ax, "mean arterial pressure", "[mmHg]", map_top)
    ax.axhline(table.map_target_mmhg, color="0.3", ls="--", lw=1.2, zorder=3)
    ax.text(0.02, 0.98, f"dashed: target {table.map_target_mmhg:.0f} mmHg", transform=ax.transAxes, ha="left",
            va="top", fontsize=7.5, color="0.3")
    ax = fig.add_subplot(grid[1, 4:6])
    a["edp"] = _bar_axes(ax, "LV end-diastolic pressure", "[mmHg]", edp_top)
    ax.text(0.02, 0.98, "open: share of each beat with\nthe aortic valve open", transform=ax.transAxes, ha="left",
            va="top", fontsize=7.5, color="0.3")
    update_comparison(a, table, i_failure=i_failure, i_flow=i_flow)
    return a


def update_comparison(artists, table: ComparisonTable, *, i_failure, i_flow):
    """Show another failure and flow on a figure made by :func:`draw_comparison`; returns its numbers."""
    i, j = int(i_failure), int(i_flow)
    a = artists
    for k, m in enumerate(MODES):
        r = table.mode(m)
        _update_body(a["bodies"][m], r, i, j, mode=m)
        do2, vo2 = float(r.do2_ml_min[i, j]), float(r.vo2_ml_min[i, j])
        a["do2"]["bars"][k].set_height(do2)
        a["vo2"][k].set_height(vo2)
        short = " (short)" if r.supply_limited[i, j] else ""
        a["do2"]["labels"][k].set_position((k, do2))
        a["do2"]["labels"][k].set_text(f"{do2:.0f}\nVO₂ {vo2:.0f}{short}")
        pressure = float(r.map_mmhg[i, j])
        a["map"]["bars"][k].set_height(pressure)
        a["map"]["labels"][k].set_position((k, pressure))
        a["map"]["labels"][k].set_text(f"{pressure:.0f}\npulse {r.pulse_pressure_mmhg[i, j]:.1f}")
        ok = criteria(table, m, FAILURES[i], j)
        a["bodies"][m]["criteria"].set_text(f"{sum(ok.values())}/4\n" + "\n".join("✓" if ok[k] else "✗" for k in CRITERIA))
        edp = float(r.lv_edp_mmhg[i, j])
        a["edp"]["bars"][k].set_height(edp)
        a["edp"]["labels"][k].set_position((k, edp))
        a["edp"]["labels"][k].set_text(f"{edp:.0f}\nopen {r.aortic_valve_open_fraction[i, j]:.0%}")
    q_set, q_va = float(table.flows_l_min[j]), float(table.va.ecmo_flow_l_min[i, j])
    drained = "" if abs(q_va - q_set) < 0.005 * q_set else f" (VA drains only {q_va:.2f})"
    a["title"].set_text(f"Failure: {FAILURE_LABELS[FAILURES[i]]}.  ECMO flow {q_set:g} L/min{drained}")
    return _numbers(table, i, j)


def _numbers(table: ComparisonTable, i, j) -> dict:
    """The key numbers of a state, named with their units (read by :func:`ecmolib.widgets.format_readout`)."""
    out = {}
    for m in MODES:
        r, name = table.mode(m), m.upper()
        out[f"{name}_upper_body_so2"] = float(r.upper_body_so2[i, j])
        out[f"{name}_lower_body_so2"] = float(r.region_so2["lower_body"][i, j])
    for m in MODES:
        r, name = table.mode(m), m.upper()
        out[f"{name}_MAP_mmhg"] = float(r.map_mmhg[i, j])
        out[f"{name}_LVEDP_mmhg"] = float(r.lv_edp_mmhg[i, j])
        out[f"{name}_pulse_pressure_mmhg"] = float(r.pulse_pressure_mmhg[i, j])
    for m in MODES:
        r, name = table.mode(m), m.upper()
        out[f"{name}_DO2_ml_min"] = float(r.do2_ml_min[i, j])
        out[f"{name}_VO2_ml_min"] = float(r.vo2_ml_min[i, j])
    out["failure"] = float(i + 1)
    return out


# --------------------------------------------------------------------------
# The explorer
# --------------------------------------------------------------------------


def failure_slider(value="lungs") -> SliderSpec:
    """The failure slider: 1 lungs only, 2 heart only, 3 both (its label says so)."""
    k = FAILURES.index(_v.choice("failure", value, FAILURES)) + 1
    return SliderSpec("failure (1 lungs, 2 heart, 3 both)", "", 1.0, float(len(FAILURES)), float(k), 1.0, ".0f")


def comparison_explorer(patient=_patients.ADULT, *, failure="lungs", **scenario) -> Explorer:
    """The failure and the ECMO flow over VV and VA side by side (:func:`draw_comparison`).

    The grid (:func:`comparison_table`) is computed when the explorer is
    built: one beat-by-beat run per heart condition and VA flow (0.5-1.5 s
    for the presets on one core), then each move is a lookup.
    """
    p = _patients._checked(patient)
    s = _scenario(p, scenario)
    # The flow first: the slider a learner moves most (and the one that does
    # not start at an end).
    specs = {"ecmo_flow_l_min": flow_slider(p, **s), "failure": failure_slider(failure)}
    table = comparison_table(p, **s)
    artists = weakref.WeakKeyDictionary()

    def indices(failure, ecmo_flow_l_min):
        return (specs["failure"].index(failure, name="failure"),
                specs["ecmo_flow_l_min"].index(ecmo_flow_l_min, name="ecmo_flow_l_min"))

    def draw(fig, failure, ecmo_flow_l_min):
        i, j = indices(failure, ecmo_flow_l_min)
        a = draw_comparison(fig, table, i_failure=i, i_flow=j)
        moving = {"title": a["title"], "vo2": a["vo2"],
                  "bodies": {m: {"patches": b["patches"], "numbers": b["numbers"], "note": b["note"],
                                 "criteria": b["criteria"]}
                             for m, b in a["bodies"].items()},
                  "bars": [a[k] for k in ("do2", "map", "edp")]}
        artists[fig] = a
        widgets.live_artists(fig, moving)
        return _numbers(table, i, j)

    def update(fig, failure, ecmo_flow_l_min):
        i, j = indices(failure, ecmo_flow_l_min)
        return update_comparison(artists[fig], table, i_failure=i, i_flow=j)

    return Explorer(draw=draw, update=update, specs=specs, figsize=(8.8, 5.6))


#: This lesson's explorers, gathered by :data:`ecmolib.views.EXPLORERS`.
EXPLORERS = {
    "06 VV and VA side by side": comparison_explorer,
}
