"""Lesson 04: veno-venous ECMO at the bedside.

Every number drawn here comes from :func:`ecmolib.vv.steady_state` (and
:func:`ecmolib.vv.recirculation_fraction`); nothing is re-derived. Each
explorer computes its whole slider grid once, in one vectorised call, when
it is built (and caches it), so a slider move only moves markers, recolours
the picture and changes labels.

The pictures:

* :func:`draw_vv_circuit`: the patient and the VV circuit as a loop of
  coloured segments (blue desaturated, red saturated): venous return,
  drainage, pump, oxygenator, return into the right heart, pulmonary
  artery, lungs, arterial blood, the body; with a recirculation arrow whose
  width follows the recirculation fraction.
* :func:`draw_flow_ratio`: the classic curve, arterial saturation against
  ECMO flow / cardiac output, with the 0.6 ratio and the 90 % line.
* :func:`draw_recirculation`: venous, pre-oxygenator, post-oxygenator and
  arterial saturation against the recirculation fraction.
* :func:`draw_haemoglobin`: O2 delivery and saturations against haemoglobin,
  with the line of equal arterial saturation (85 %).
* :func:`draw_co2`: the two knobs (sweep, blood flow) against the two
  outputs (SaO2, PaCO2).

The explorers (:data:`EXPLORERS`): flow and cardiac output, recirculation,
haemoglobin, CO2 and sweep. The scenario follows the patient
(:func:`default_scenario`: the flows, the cardiac output and the
oxygenator scale with the patient's size), and so does every slider range
and axis: flows are multiples of the scenario's, so a neonate's 0.35 L/min
is drawn on its own scale. Where the ECMO flow cannot carry the body's O2
consumption the model's consumption becomes supply-limited rather than
failing, so every combination of the sliders has a steady state; a
scenario outside the model's ranges raises a ``ValueError`` from the
factory, with the model's message.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import PercentFormatter

from ecmolib import _validation as _v
from ecmolib import patients as _patients
from ecmolib import plotting, vv, widgets
from ecmolib.views._readout import flow_text
from ecmolib.widgets import Explorer, SliderSpec

__all__ = [
    "HYPERDYNAMIC_OUTPUT_FACTOR",
    "SCENARIO_HB_G_DL",
    "default_scenario",
    "SCENARIO",
    "SAO2_REFERENCE",
    "FLOW_RATIO_REFERENCE",
    "scenario_state",
    "report",
    "VVReadout",
    "readout",
    "draw_vv_circuit",
    "update_vv_circuit",
    "FlowTable",
    "flow_table",
    "draw_flow_ratio",
    "update_flow_ratio",
    "flow_explorer",
    "RecirculationTable",
    "recirculation_table",
    "draw_recirculation",
    "update_recirculation",
    "recirculation_explorer",
    "HaemoglobinTable",
    "haemoglobin_table",
    "draw_haemoglobin",
    "update_haemoglobin",
    "haemoglobin_explorer",
    "SweepTable",
    "sweep_table",
    "draw_co2",
    "update_co2",
    "co2_explorer",
    "EXPLORERS",
]

#: Cardiac output of the scenario's patient as a multiple of the preset's
#: resting output: 1.2, a critically ill patient with a hyperdynamic
#: circulation (ASSUMPTION: 6.0 L/min for the 70 kg adult's 5.0 L/min).
HYPERDYNAMIC_OUTPUT_FACTOR = 1.2

#: Haemoglobin of the scenario [g/dL]: 12, the same for every patient
#: (ASSUMPTION: a value between the adult reference of 14 g/dL and common
#: transfusion thresholds, and the Hb of the ISO 7199 oxygenator test blood).
SCENARIO_HB_G_DL = 12.0


def default_scenario(patient=_patients.ADULT) -> dict:
    """The lesson's scenario for a patient: severe respiratory failure on VV ECMO.

    A teaching scenario, not a patient. Every flow follows the patient:

    * ``ecmo_flow_l_min``: the typical full-support VV flow for the
      patient's size (:func:`ecmolib.patients.target_ecmo_flow_l_min`; 4.2
      L/min, 60 mL/kg/min, for the 70 kg adult; values attributed to ELSO,
      see the verification note of :data:`ecmolib.patients.ELSO_FLOW_ML_KG_MIN`).
    * ``cardiac_output_l_min``: :data:`HYPERDYNAMIC_OUTPUT_FACTOR` times the
      patient's resting output (6.0 L/min for the adult).
    * ``recirculation`` 0: an ideally placed cannula pair; typical values by
      configuration are in :data:`ecmolib.vv.TYPICAL_RECIRCULATION`.
    * ``hb_g_dl``: :data:`SCENARIO_HB_G_DL`.
    * ``sweep_l_min`` equal to the ECMO flow, of ``fdo2`` 1.0: sweep:blood
      1:1, the ratio of the ISO 7199 / AAMI test
      (:data:`ecmolib.oxygenator.RATED_SWEEP_TO_BLOOD_FLOW_RATIO`); an
      assumption that this is where the bedside starts.
    * ``shunt_fraction`` 1.0 and ``fio2`` 0.21: lungs that exchange no gas
      (:data:`ecmolib.vv.DEFAULT_SHUNT_FRACTION`, Bartlett 2017,
      doi:10.1177/0885066616641383), the worst case, in which the ECMO flow
      relative to the cardiac output sets the arterial saturation; FiO2 then
      has no effect.
    * ``oxygenator``: the one sized for the patient
      (:func:`ecmolib.vv.default_oxygenator`).

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient (size, resting cardiac output).

    Returns
    -------
    dict
        The settings, keyed as :func:`scenario_state` takes them.

    Raises
    ------
    ValueError
        If ``patient`` is not a :class:`~ecmolib.patients.Patient`.

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.views.vv_ecmo import default_scenario
    >>> s = default_scenario(patients.ADULT)
    >>> round(s["ecmo_flow_l_min"], 2), round(s["cardiac_output_l_min"], 2), s["oxygenator"].max_blood_flow_l_min
    (4.2, 6.0, 7.0)
    >>> round(default_scenario(patients.NEONATE)["ecmo_flow_l_min"], 2)
    0.35
    """
    p = _patients._checked(patient)
    flow = _patients.target_ecmo_flow_l_min(p, "vv")
    return {
        "ecmo_flow_l_min": flow,
        "cardiac_output_l_min": HYPERDYNAMIC_OUTPUT_FACTOR * p.cardiac_output_l_min,
        "recirculation": 0.0,
        "hb_g_dl": SCENARIO_HB_G_DL,
        "sweep_l_min": flow,
        "fdo2": 1.0,
        "shunt_fraction": 1.0,
        "fio2": 0.21,
        "oxygenator": vv.default_oxygenator(p),
    }


#: The lesson's default scenario: :func:`default_scenario` of the 70 kg adult
#: (:data:`ecmolib.patients.ADULT`, VO2 250 mL/min).
SCENARIO = default_scenario(_patients.ADULT)

#: Arterial saturation drawn as a reference line [fraction]: 90 %, the level
#: an ECMO flow / cardiac output ratio above about 0.6 kept the SaO2 above
#: in adults with severe ARDS on VV ECMO (Schmidt M, Tachon G, Devilliers C,
#: et al. Blood oxygenation and decarboxylation determinants during
#: venovenous ECMO for respiratory failure in adults. Intensive Care Med
#: 2013;39:838-846, PMID 23291732, DOI not verified; a cut-off read from
#: scattered patient data).
SAO2_REFERENCE = 0.90

#: ECMO flow / cardiac output ratio drawn as a reference line: 0.6 (Schmidt
#: et al. 2013, as above).
FLOW_RATIO_REFERENCE = 0.6

# Colours: the current setting, reference lines and background curves, and
# one colour per blood sample in the saturation plots (from the lessons'
# blue-to-red saturation scale, so each sample is drawn in "its" colour).
_CURRENT = "#762a83"  # plum
_REFERENCE = "0.45"
_BACKGROUND = "0.78"
_SAMPLE_COLORS = {
    "venous": "#2166ac",
    "pre": "#4393c3",
    "post": "#b2182b",
    "arterial": "#762a83",
}
_SAMPLE_LABELS = {
    "venous": "venous return (SvO₂)",
    "pre": "pre-oxygenator",
    "post": "post-oxygenator",
    "arterial": "arterial (SaO₂)",
}


# --------------------------------------------------------------------------
# Scenario and readouts
# --------------------------------------------------------------------------


def _scenario(patient, scenario):
    """The patient's :func:`default_scenario` with the given settings changed (keys checked)."""
    unknown = set(scenario) - set(SCENARIO)
    if unknown:
        raise ValueError(f"unknown scenario keys {sorted(unknown)}; valid keys are {sorted(SCENARIO)}")
    return {**default_scenario(patient), **scenario}


def scenario_state(patient=_patients.ADULT, **settings) -> vv.VVSteadyState:
    """The patient's VV steady state for the lesson's scenario with some settings changed.

    A thin wrapper of :func:`ecmolib.vv.steady_state`: the keyword arguments
    are those of :func:`default_scenario` (any number may be an array; they
    broadcast).

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient (VO2, VCO2, P50, temperature; size for the default
        flows and devices).
    **settings
        Overrides of the patient's :func:`default_scenario`:
        ``ecmo_flow_l_min`` [L/min], ``cardiac_output_l_min`` [L/min],
        ``recirculation`` [fraction], ``hb_g_dl`` [g/dL], ``sweep_l_min``
        [L/min], ``fdo2``, ``shunt_fraction`` and ``fio2`` [fractions],
        ``oxygenator`` (an :class:`ecmolib.oxygenator.Oxygenator`); valid
        as for :func:`ecmolib.vv.steady_state`.

    Returns
    -------
    ecmolib.vv.VVSteadyState

    Raises
    ------
    ValueError
        For an unknown setting, or from :func:`ecmolib.vv.steady_state`
        (values outside their ranges).

    Examples
    --------
    >>> from ecmolib.views import vv_ecmo
    >>> r = vv_ecmo.scenario_state()
    >>> round(float(r.flow_ratio), 3)
    0.7
    """
    patient = _patients._checked(patient)
    s = _scenario(patient, settings)
    return vv.steady_state(
        patient, s["ecmo_flow_l_min"], recirculation=s["recirculation"],
        shunt_fraction=s["shunt_fraction"], fio2=s["fio2"], fdo2=s["fdo2"], sweep_l_min=s["sweep_l_min"],
        cardiac_output_l_min=s["cardiac_output_l_min"], hb_g_dl=s["hb_g_dl"], oxygenator=s["oxygenator"])


def report(label, patient=_patients.ADULT, **settings) -> vv.VVSteadyState:
    """Print one line of the blood gases and the O2 delivery of a scenario state, and return the state.

    Parameters
    ----------
    label : str
        What the line describes (printed first, padded to 34 characters).
    patient : ecmolib.patients.Patient
        The patient, as for :func:`scenario_state`.
    **settings
        Overrides of the patient's :func:`default_scenario`, as for
        :func:`scenario_state`; scalars (one state).

    Returns
    -------
    ecmolib.vv.VVSteadyState
        The state :func:`scenario_state` computed.

    Raises
    ------
    ValueError
        As :func:`scenario_state`, or if a setting is an array (more than one
        state).

    Examples
    --------
    >>> from ecmolib.views import vv_ecmo
    >>> state = vv_ecmo.report("scenario")  # doctest: +ELLIPSIS
    scenario                           SaO2 ...%  PaO2 ... mmHg  SvO2 ...%  PaCO2 ... mmHg  DO2 ... mL/min (... x VO2)
    """
    state = scenario_state(patient, **settings)
    if np.ndim(state.sao2):
        raise ValueError(f"report prints one state; got settings of shape {np.shape(state.sao2)}")
    r = readout(state)
    print(f"{str(label):<34s} SaO2 {r.sao2:5.1%}  PaO2 {r.pao2_mmhg:3.0f} mmHg  SvO2 {r.svo2:5.1%}  "
          f"PaCO2 {r.paco2_mmhg:4.1f} mmHg  DO2 {r.do2_ml_min:4.0f} mL/min ({r.do2_ml_min / r.vo2_ml_min:.1f} x VO2)")
    return state


@dataclass(frozen=True)
class VVReadout:
    """The numbers one picture shows, taken from a VV steady state (arrays for a grid).

    Attributes
    ----------
    sao2, svo2, pre_so2, post_so2, pa_so2 : float or numpy.ndarray
        O2 saturation [fraction] of the arterial blood, the venous return
        (true mixed venous), the blood entering and leaving the oxygenator
        and the pulmonary-arterial blood.
    paco2_mmhg, pao2_mmhg : float or numpy.ndarray
        Arterial PCO2 and PO2 [mmHg].
    post_po2_mmhg : float or numpy.ndarray
        Post-oxygenator PO2 [mmHg].
    do2_ml_min, vo2_ml_min : float or numpy.ndarray
        Systemic O2 delivery and consumption [mL/min].
    ecmo_flow_l_min, cardiac_output_l_min, effective_flow_l_min : float or numpy.ndarray
        Pump flow, cardiac output and effective ECMO flow [L/min].
    recirculation : float or numpy.ndarray
        Recirculation fraction in effect.
    sweep_l_min : float or numpy.ndarray
        Sweep gas flow [L/min].
    shunt_fraction : float
        Shunt fraction of the native lungs.
    """

    sao2: float | np.ndarray
    svo2: float | np.ndarray
    pre_so2: float | np.ndarray
    post_so2: float | np.ndarray
    pa_so2: float | np.ndarray
    paco2_mmhg: float | np.ndarray
    pao2_mmhg: float | np.ndarray
    post_po2_mmhg: float | np.ndarray
    do2_ml_min: float | np.ndarray
    vo2_ml_min: float | np.ndarray
    ecmo_flow_l_min: float | np.ndarray
    cardiac_output_l_min: float | np.ndarray
    effective_flow_l_min: float | np.ndarray
    recirculation: float | np.ndarray
    sweep_l_min: float | np.ndarray
    shunt_fraction: float

    def at(self, index) -> VVReadout:
        """The readout of one grid element (``index`` a tuple of ints), as floats."""
        def pick(x):
            a = np.asarray(x)
            return float(a[index]) if a.ndim else float(a)
        return VVReadout(**{k: pick(getattr(self, k)) for k in self.__dataclass_fields__})

    def numbers(self) -> dict[str, float]:
        """The readout as a dict of floats (what a view returns)."""
        return {k: float(getattr(self, k)) for k in self.__dataclass_fields__}


def readout(state: vv.VVSteadyState, *, shunt_fraction=SCENARIO["shunt_fraction"]) -> VVReadout:
    """The numbers of a VV steady state that the pictures show.

    Reads each derived saturation once (the blood states compute them on
    access), so a grid can be indexed cheaply afterwards.

    Parameters
    ----------
    state : ecmolib.vv.VVSteadyState
        Result of :func:`ecmolib.vv.steady_state` (scalar or grid).
    shunt_fraction : float, optional
        Shunt fraction the state was computed with (shown in the picture);
        valid [0, 1].

    Returns
    -------
    VVReadout
    """
    if not isinstance(state, vv.VVSteadyState):
        raise ValueError(f"state must be an ecmolib.vv.VVSteadyState; got {type(state).__name__}")
    s = float(_v.fraction("shunt_fraction", shunt_fraction))
    return VVReadout(
        sao2=np.asarray(state.sao2), svo2=np.asarray(state.svo2),
        pre_so2=np.asarray(state.pre_oxygenator.so2), post_so2=np.asarray(state.post_oxygenator.so2),
        pa_so2=np.asarray(state.pulmonary_arterial.so2), paco2_mmhg=np.asarray(state.paco2_mmhg),
        pao2_mmhg=np.asarray(state.pao2_mmhg), post_po2_mmhg=np.asarray(state.post_oxygenator.po2_mmhg),
        do2_ml_min=np.asarray(state.do2_ml_min), vo2_ml_min=np.asarray(state.vo2_ml_min),
        ecmo_flow_l_min=np.asarray(state.ecmo_flow_l_min),
        cardiac_output_l_min=np.asarray(state.cardiac_output_l_min),
        effective_flow_l_min=np.asarray(state.effective_flow_l_min),
        recirculation=np.asarray(state.recirculation), sweep_l_min=np.asarray(state.sweep_l_min),
        shunt_fraction=s)


def _readout_line(r: VVReadout) -> str:
    return (f"SaO₂ {r.sao2:.0%}    SvO₂ {r.svo2:.0%}    PaCO₂ {r.paco2_mmhg:.0f} mmHg    "
            f"DO₂ {r.do2_ml_min:.0f} mL/min ({r.do2_ml_min / r.vo2_ml_min:.1f} x VO₂)")


# --------------------------------------------------------------------------
# Slider ranges from the scenario
# --------------------------------------------------------------------------


def _flow_slider(s, low_factor, high_factor, *, per=30.0) -> SliderSpec:
    """ECMO flow slider from ``low_factor`` to ``high_factor`` times the scenario's flow.

    Capped at the scenario oxygenator's maximum blood flow (or at the
    scenario's flow, where an educator set it above that maximum); the step
    is a round number giving about ``per`` steps up to the scenario's flow
    (0.1 L/min for the adult's 4.2 L/min, 0.01 L/min for the neonate's 0.35).
    """
    q = float(s["ecmo_flow_l_min"])
    high = max(min(high_factor * q, float(s["oxygenator"].max_blood_flow_l_min)), q)
    return SliderSpec.anchored("ECMO flow", "L/min", q, low_factor * q, high, widgets.nice_step(q, per))


# --------------------------------------------------------------------------
# Fast redraws
# --------------------------------------------------------------------------


#: What each number label of the circuit picture shows (fields of
#: :class:`VVReadout`) where an explorer may hold it fixed; the saturation
#: labels change with every slider.
_CIRCUIT_LABEL_FIELDS = {
    "body_text": ("vo2_ml_min",),
    "lungs_text": ("shunt_fraction",),
    "sweep_text": ("sweep_l_min",),
    "co_text": ("cardiac_output_l_min",),
    "flow_text": ("ecmo_flow_l_min",),
    "recirculation": ("recirculation",),
    "recirculation_text": ("recirculation", "effective_flow_l_min"),
}

def _constant_labels(r: VVReadout) -> tuple[str, ...]:
    """The circuit labels whose numbers are the same at every slider position of a table's readout ``r``."""
    return tuple(k for k, fields in _CIRCUIT_LABEL_FIELDS.items()
                 if all(np.ptp(np.asarray(getattr(r, f), dtype=float)) == 0.0 for f in fields))


def _live(fig, artists, *, constant=()):
    """Mark what the update functions change, so a live widget figure redraws only that.

    The labels of a circuit picture (``artists["circuit"]``) named in
    ``constant`` (those whose numbers the explorer's sliders do not change,
    see :func:`_constant_labels`) stay in the static background: a text
    costs about as much to draw as its glyphs, so fewer moving labels make
    a faster slider. (The body's box stays moving although no update
    recolours it: the segments that end under it must be drawn below it.
    Its label is then redrawn with it.)
    """
    moving = dict(artists)
    if "circuit" in moving:
        moving["circuit"] = {k: v for k, v in moving["circuit"].items() if k not in set(constant)}
    widgets.live_artists(fig, moving)
    return artists


# --------------------------------------------------------------------------
# The picture: the patient and the VV circuit
# --------------------------------------------------------------------------

# Geometry in axes data units (x 0..10, y 0..6.2).
_BODY = (0.2, 2.35, 1.5, 1.5)  # x, y, width, height
_HEART = (5.8, 2.35, 1.2, 1.5)
_LUNGS = (8.3, 2.35, 1.5, 1.5)
_DRAIN_X = 2.9
_PUMP_XY = (3.9, 5.1)
_OXY = (4.75, 4.7, 1.0, 0.8)
_RETURN_X = 6.4
_SEGMENTS = {
    # name: (polyline, which saturation colours it)
    "venous": ([(1.7, 3.1), (5.8, 3.1)], "svo2"),
    "drainage": ([(_DRAIN_X, 3.1), (_DRAIN_X, 5.1), (_PUMP_XY[0] - 0.35, 5.1)], "pre_so2"),
    "pre_oxygenator": ([(_PUMP_XY[0] + 0.35, 5.1), (_OXY[0], 5.1)], "pre_so2"),
    "return": ([(_OXY[0] + _OXY[2], 5.1), (_RETURN_X, 5.1), (_RETURN_X, 3.85)], "post_so2"),
    "pulmonary": ([(7.0, 3.1), (8.3, 3.1)], "pa_so2"),
    "arterial": ([(9.05, 2.35), (9.05, 1.2), (0.95, 1.2), (0.95, 2.35)], "sao2"),
}


def draw_vv_circuit(ax, r: VVReadout, *, title=None, colorbar=True):
    """Draw the patient on VV ECMO, each segment coloured by its O2 saturation.

    A schematic, not anatomy: the venous return from the body passes the
    drainage cannula (part of it is drawn into the circuit), the pump and
    the oxygenator send the blood back into the right heart, where it mixes
    with the venous return that was not drained; the pulmonary artery
    carries the mixture through the lungs (grey: no gas exchange at a shunt
    fraction of 100 %) to the left heart and the arteries. The dashed arrow
    is the recirculation: returned blood drawn straight back into the
    drainage cannula; its width follows the recirculation fraction. Every
    colour is also written as a number.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    r : VVReadout
        The state to show (scalar; use :meth:`VVReadout.at` for a grid).
    title : str, optional
        Axes title.
    colorbar : bool
        Draw the saturation colour bar beside the axes.

    Returns
    -------
    dict
        The artists by name; pass them to :func:`update_vv_circuit`.
    """
    ax.set_xlim(0, 10)
    ax.set_ylim(0.3, 6.2)
    ax.set_aspect("equal")
    ax.axis("off")
    a = {}
    for name, (pts, _key) in _SEGMENTS.items():
        xs, ys = zip(*pts)
        (a[name],) = ax.plot(xs, ys, lw=8, solid_capstyle="butt", solid_joinstyle="round", zorder=1)
    box = {"boxstyle": "round,pad=0.08", "edgecolor": "0.3", "zorder": 2}
    x, y, w, h = _BODY
    a["body"] = ax.add_patch(FancyBboxPatch((x, y), w, h, facecolor="0.93", **box))
    a["body_text"] = ax.text(x + w / 2, y + h / 2, "", ha="center", va="center", fontsize=8.5, zorder=3)
    x, y, w, h = _HEART
    a["heart"] = ax.add_patch(FancyBboxPatch((x, y), w, h, **box))
    ax.text(x + w / 2, y + h / 2, "right\nheart", ha="center", va="center", fontsize=9, color="white", zorder=3)
    x, y, w, h = _LUNGS
    ax.add_patch(FancyBboxPatch((x, y), w, h, facecolor="0.80", **box))
    a["lungs_text"] = ax.text(x + w / 2, y + h / 2, "", ha="center", va="center", fontsize=8.5, zorder=3)
    a["pump"] = ax.add_patch(Circle(_PUMP_XY, 0.35, edgecolor="0.2", zorder=2))
    ax.text(*_PUMP_XY, "pump", ha="center", va="center", fontsize=7, color="white", zorder=3)
    x, y, w, h = _OXY
    a["oxygenator"] = plotting.draw_oxygenator(ax, x, y, w, h, inlet="left")
    ax.text(x + w / 2, y + h / 2, "oxy-\ngenator", ha="center", va="center", fontsize=7.5, color="white",
            zorder=3)
    # Recirculation: returned blood drawn straight back into the drainage cannula.
    a["recirculation"] = ax.add_patch(FancyArrowPatch(
        (_RETURN_X - 0.15, 3.95), (_DRAIN_X + 0.15, 3.35), connectionstyle="arc3,rad=-0.25",
        arrowstyle="-|>", mutation_scale=14, linestyle=(0, (3, 2)), color=_REFERENCE, zorder=4))
    a["recirculation_text"] = ax.text(4.55, 3.95, "", ha="center", va="bottom", fontsize=8, color="0.25",
                                      zorder=5)
    # Labels (numbers say what the colours say).
    a["venous_text"] = ax.text(3.9, 2.95, "", ha="center", va="top", fontsize=8.5)
    a["pre_text"] = ax.text(_DRAIN_X - 0.15, 4.3, "", ha="right", va="center", fontsize=8.5)
    a["flow_text"] = ax.text(_PUMP_XY[0] + 0.1, 5.55, "", ha="right", va="bottom", fontsize=8.5)
    a["post_text"] = ax.text(_RETURN_X + 0.15, 4.5, "", ha="left", va="center", fontsize=8.5)
    a["sweep_text"] = ax.text(_OXY[0] + _OXY[2] / 2, _OXY[1] + _OXY[3] + 0.12, "", ha="center", va="bottom",
                              fontsize=8, color="0.3")
    a["co_text"] = ax.text(_HEART[0] + _HEART[2] / 2, _HEART[1] - 0.12, "", ha="center", va="top", fontsize=8.5)
    a["pa_text"] = ax.text(7.65, 3.3, "", ha="center", va="bottom", fontsize=8.5)
    a["arterial_text"] = ax.text(4.9, 1.05, "", ha="center", va="top", fontsize=9.5)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(mpl.cm.ScalarMappable(norm=plotting.SO2_NORM, cmap=plotting.SO2_CMAP), ax=ax,
                           fraction=0.03, pad=0.01, shrink=0.75, label="O₂ saturation",
                           format=PercentFormatter(1.0, decimals=0))
    update_vv_circuit(a, r)
    return a


def update_vv_circuit(artists, r: VVReadout):
    """Show another state on a picture made by :func:`draw_vv_circuit` (colours and labels only)."""
    a = artists
    for name, (_pts, key) in _SEGMENTS.items():
        a[name].set_color(plotting.so2_color(getattr(r, key)))
    a["pump"].set_facecolor(plotting.so2_color(r.pre_so2))
    plotting.set_oxygenator_so2(a["oxygenator"], r.pre_so2, r.post_so2)
    a["heart"].set_facecolor(plotting.so2_color(r.pa_so2))
    a["body_text"].set_text(f"body\nVO₂ {r.vo2_ml_min:.0f}\nmL/min")
    a["lungs_text"].set_text(f"lungs\nshunt {r.shunt_fraction:.0%}")
    a["venous_text"].set_text(f"venous return  SvO₂ {r.svo2:.0%}")
    a["pre_text"].set_text(f"pre-oxy\nSO₂ {r.pre_so2:.0%}")
    a["flow_text"].set_text(f"ECMO {flow_text(r.ecmo_flow_l_min)} L/min")
    a["post_text"].set_text(f"post-oxy\nSO₂ {r.post_so2:.0%}")
    a["sweep_text"].set_text(f"sweep {flow_text(r.sweep_l_min)} L/min")
    a["co_text"].set_text(f"cardiac output\n{flow_text(r.cardiac_output_l_min)} L/min")
    a["pa_text"].set_text(f"SO₂ {r.pa_so2:.0%}")
    a["arterial_text"].set_text(f"arterial  SaO₂ {r.sao2:.0%}   PaCO₂ {r.paco2_mmhg:.0f} mmHg\n"
                                f"DO₂ {r.do2_ml_min:.0f} mL/min")
    rec = float(r.recirculation)
    a["recirculation"].set_visible(rec > 0.005)
    a["recirculation"].set_linewidth(1.0 + 8.0 * rec)
    a["recirculation_text"].set_text(
        f"recirculation {rec:.0%}\neffective flow {flow_text(r.effective_flow_l_min)} L/min" if rec > 0.005 else "")
    return a


# --------------------------------------------------------------------------
# Grids shared by the explorers
# --------------------------------------------------------------------------


def _frozen(patient, scenario):
    """The patient's whole scenario as a hashable key for the cached tables."""
    return tuple(sorted(_scenario(patient, scenario).items()))


# --------------------------------------------------------------------------
# 1. ECMO flow and cardiac output: the classic curve
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowTable:
    """Steady states over (cardiac output) x (ECMO flow).

    Attributes
    ----------
    flows_l_min, cardiac_outputs_l_min : numpy.ndarray
        The grids [L/min].
    readout : VVReadout
        Shape (len(cardiac_outputs_l_min), len(flows_l_min)).
    """

    flows_l_min: np.ndarray
    cardiac_outputs_l_min: np.ndarray
    readout: VVReadout


@functools.lru_cache(maxsize=16)
def _flow_table(patient, flows, outputs, scenario):
    s = dict(scenario)
    q, co = np.array(flows), np.array(outputs)
    state = scenario_state(patient, **{**s, "ecmo_flow_l_min": q[None, :], "cardiac_output_l_min": co[:, None]})
    return FlowTable(flows_l_min=q, cardiac_outputs_l_min=co, readout=readout(state, shunt_fraction=s["shunt_fraction"]))


def flow_table(patient, flows_l_min, cardiac_outputs_l_min, **scenario) -> FlowTable:
    """VV steady states over a grid of ECMO flows and cardiac outputs (cached).

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient.
    flows_l_min, cardiac_outputs_l_min : array_like
        1-D grids [L/min]; valid as for :func:`ecmolib.vv.steady_state`.
    **scenario
        Overrides of :data:`SCENARIO` (its flow and cardiac output are
        replaced by the grids).

    Returns
    -------
    FlowTable
    """
    return _flow_table(_patients._checked(patient),
                       tuple(_v.grid("flows_l_min", flows_l_min, "L/min", 0.0)),
                       tuple(_v.grid("cardiac_outputs_l_min", cardiac_outputs_l_min, "L/min", 0.1)),
                       _frozen(patient, scenario))


def draw_flow_ratio(ax, table: FlowTable, *, i_co, i_flow, background_outputs_l_min=None):
    """Arterial saturation against ECMO flow / cardiac output, the current point marked.

    The bold curve is the current cardiac output, moved along by the flow
    slider; thin grey curves are other cardiac outputs. Reference lines: a
    ratio of 0.6 and an SaO2 of 90 % (:data:`FLOW_RATIO_REFERENCE`,
    :data:`SAO2_REFERENCE`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    table : FlowTable
        The grid.
    i_co, i_flow : int
        Current grid indices.
    background_outputs_l_min : sequence of float, optional
        Cardiac outputs [L/min] of the grey curves (the nearest grid rows);
        default the lowest and the highest of the grid.

    Returns
    -------
    dict
        The artists by name.
    """
    r = table.readout
    q, co = table.flows_l_min, table.cardiac_outputs_l_min
    if background_outputs_l_min is None:
        background_outputs_l_min = (co[0], co[-1])
    # Axes from the grid: from a ratio of 0 (room for the grey curves' labels)
    # to every ratio the sliders can make; every SaO2 they give.
    x_lo, x_hi = 0.0, 1.03 * float(q[-1] / co[0])
    # Room under the lowest curve for its label (drawn below the curve's start).
    y_lo = min(0.6, np.floor(20.0 * (float(np.min(r.sao2)) - 0.04)) / 20.0)
    a = {"xlim": (x_lo, x_hi)}
    ax.axvline(FLOW_RATIO_REFERENCE, color=_REFERENCE, ls=":", lw=1.2)
    ax.axhline(SAO2_REFERENCE, color=_REFERENCE, ls="--", lw=1.0)
    ax.text(FLOW_RATIO_REFERENCE + 0.015 * (x_hi - x_lo), y_lo + 0.015, "ratio 0.6", color=_REFERENCE, fontsize=8,
            va="bottom")
    ax.text(x_hi - 0.015 * (x_hi - x_lo), SAO2_REFERENCE - 0.01, "90 %", color=_REFERENCE, fontsize=8, ha="right",
            va="top")
    for c in background_outputs_l_min:
        k = int(np.argmin(np.abs(co - c)))
        ax.plot(q / co[k], r.sao2[k], color=_BACKGROUND, lw=1.2, zorder=1)
        # Below and right of the curve's start, where no curve runs (the curves
        # rise to the right), on a white box above any curve that comes close.
        ax.annotate(f"CO {flow_text(co[k])} L/min", (q[0] / co[k], r.sao2[k, 0]), xytext=(3, -3),
                    textcoords="offset points", fontsize=7.5, color="0.5", ha="left", va="top", zorder=3.5,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"})
    (a["curve"],) = ax.plot([], [], color=_CURRENT, lw=2.2, zorder=3)
    (a["marker"],) = ax.plot([], [], "o", color=_CURRENT, ms=9, mec="white", mew=1.5, zorder=4)
    a["label"] = ax.text(0, 0, "", fontsize=9, color=_CURRENT, ha="left", va="top", zorder=5,
                         bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("ECMO flow / cardiac output")
    ax.set_ylabel("arterial saturation SaO₂")
    ax.set_title("lungs exchanging no gas: SaO₂ is set by the flow ratio", fontsize=10)
    update_flow_ratio(a, table, i_co=i_co, i_flow=i_flow)
    return a


def update_flow_ratio(artists, table: FlowTable, *, i_co, i_flow):
    """Show another (cardiac output, flow) on a plot made by :func:`draw_flow_ratio`."""
    r = table.readout
    q, co = table.flows_l_min, table.cardiac_outputs_l_min[i_co]
    x = q[i_flow] / co
    y = float(r.sao2[i_co, i_flow])
    artists["curve"].set_data(q / co, r.sao2[i_co])
    artists["marker"].set_data([x], [y])
    x_lo, x_hi = artists["xlim"]
    artists["label"].set_position((min(x + 0.035 * (x_hi - x_lo), x_hi - 0.36 * (x_hi - x_lo)), y - 0.03))
    artists["label"].set_text(f"{flow_text(q[i_flow])} / {flow_text(co)} L/min = {x:.2f}\nSaO₂ {y:.0%}")
    return artists


def flow_explorer(patient=_patients.ADULT, **scenario) -> Explorer:
    """ECMO flow and cardiac output sliders over the classic curve and the circuit picture.

    Both ranges follow the scenario (:func:`default_scenario` of
    ``patient`` with ``scenario``'s changes): the ECMO flow from 0.6 to 1.7
    times the scenario's flow (at most the oxygenator's maximum; 2.6-7.0
    L/min for the adult), the cardiac output from 0.75 to 1.5 times the
    scenario's (4.6-9.0 L/min). Where the delivery falls below what the body
    consumes, the model's consumption becomes supply-limited, so every
    combination has a steady state.
    """
    patient = _patients._checked(patient)
    s = _scenario(patient, scenario)
    co = float(s["cardiac_output_l_min"])
    specs = {
        "ecmo_flow_l_min": _flow_slider(s, 0.6, 1.7),
        "cardiac_output_l_min": SliderSpec.anchored("cardiac output", "L/min", co, 0.75 * co, 1.5 * co,
                                                    widgets.nice_step(co, 24.0)),
    }
    qg, cg = specs["ecmo_flow_l_min"].grid(), specs["cardiac_output_l_min"].grid()
    table = flow_table(patient, qg, cg, **s)
    artists = weakref.WeakKeyDictionary()

    def indices(ecmo_flow_l_min, cardiac_output_l_min):
        return (specs["cardiac_output_l_min"].index(cardiac_output_l_min, name="cardiac_output_l_min"),
                specs["ecmo_flow_l_min"].index(ecmo_flow_l_min, name="ecmo_flow_l_min"))

    def draw(fig, ecmo_flow_l_min, cardiac_output_l_min):
        i, j = indices(ecmo_flow_l_min, cardiac_output_l_min)
        r = table.readout.at((i, j))
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.45]})
        fig.subplots_adjust(left=0.07, right=0.915, bottom=0.12, top=0.9, wspace=0.08)  # room for the colour-bar label
        a = {"curve": draw_flow_ratio(ax1, table, i_co=i, i_flow=j), "circuit": draw_vv_circuit(ax2, r)}
        artists[fig] = _live(fig, a, constant=_constant_labels(table.readout))
        return r.numbers()

    def update(fig, ecmo_flow_l_min, cardiac_output_l_min):
        i, j = indices(ecmo_flow_l_min, cardiac_output_l_min)
        r = table.readout.at((i, j))
        a = artists[fig]
        update_flow_ratio(a["curve"], table, i_co=i, i_flow=j)
        update_vv_circuit(a["circuit"], r)
        return r.numbers()

    return Explorer(draw=draw, update=update, specs=specs, figsize=(11.0, 4.4))


# --------------------------------------------------------------------------
# 2. Recirculation
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RecirculationTable:
    """Steady states over (recirculation) x (ECMO flow).

    Attributes
    ----------
    recirculation, flows_l_min : numpy.ndarray
        The grids (fraction; L/min).
    readout : VVReadout
        Shape (len(recirculation), len(flows_l_min)).
    estimated_recirculation : numpy.ndarray
        :func:`ecmolib.vv.recirculation_fraction` from the pre-oxygenator,
        post-oxygenator and venous saturations of each state (the
        saturation method a bedside team would use), same shape.
    """

    recirculation: np.ndarray
    flows_l_min: np.ndarray
    readout: VVReadout
    estimated_recirculation: np.ndarray


@functools.lru_cache(maxsize=16)
def _recirculation_table(patient, fractions, flows, scenario):
    s = dict(scenario)
    rg, q = np.array(fractions), np.array(flows)
    state = scenario_state(patient, **{**s, "recirculation": rg[:, None], "ecmo_flow_l_min": q[None, :]})
    r = readout(state, shunt_fraction=s["shunt_fraction"])
    # The saturation method: pre must lie between venous and post; it does,
    # but clip the rounding noise at R = 0 (pre equals venous exactly there).
    pre = np.clip(r.pre_so2, r.svo2, r.post_so2)
    est = vv.recirculation_fraction(pre, r.post_so2, r.svo2)
    return RecirculationTable(recirculation=rg, flows_l_min=q, readout=r, estimated_recirculation=np.asarray(est))


def recirculation_table(patient, fractions, flows_l_min, **scenario) -> RecirculationTable:
    """VV steady states over a grid of recirculation fractions and ECMO flows (cached).

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient.
    fractions : array_like
        1-D grid of recirculation fractions; valid [0, 0.9].
    flows_l_min : array_like
        1-D grid of ECMO flows [L/min].
    **scenario
        Overrides of :data:`SCENARIO`.

    Returns
    -------
    RecirculationTable
    """
    return _recirculation_table(_patients._checked(patient), tuple(np.asarray(fractions, float).ravel()),
                                tuple(np.asarray(flows_l_min, float).ravel()), _frozen(patient, scenario))


def draw_recirculation(ax, table: RecirculationTable, *, i_rec, i_flow):
    """Venous, pre-oxygenator, post-oxygenator and arterial saturation against recirculation.

    At a fixed pump flow and O2 consumption the membrane lung must add the
    whole VO2 (lungs exchanging no gas), so the pre-oxygenator saturation
    hardly moves with recirculation; what changes is the patient: the
    venous return and the arterial blood desaturate, and the
    pre-oxygenator blood ends up *better* oxygenated than the arterial
    blood. The brackets at the current setting show where the
    pre-oxygenator saturation sits between the venous and the
    post-oxygenator saturation: that position is the recirculation by the
    saturation method (:func:`ecmolib.vv.recirculation_fraction`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    table : RecirculationTable
        The grid.
    i_rec, i_flow : int
        Current grid indices.

    Returns
    -------
    dict
        The artists by name.
    """
    a = {"lines": {}, "markers": {}}
    for key in ("post", "pre", "arterial", "venous"):
        (a["lines"][key],) = ax.plot([], [], color=_SAMPLE_COLORS[key], lw=2.0, label=_SAMPLE_LABELS[key])
        (a["markers"][key],) = ax.plot([], [], "o", color=_SAMPLE_COLORS[key], ms=7, mec="white", mew=1.2,
                                       zorder=4)
    a["span"] = ax.annotate("", xy=(0, 0), xytext=(0, 0), zorder=5,
                            arrowprops={"arrowstyle": "<->", "color": "0.55", "lw": 1.0, "shrinkA": 0, "shrinkB": 0})
    a["part"] = ax.annotate("", xy=(0, 0), xytext=(0, 0), zorder=6,
                            arrowprops={"arrowstyle": "<->", "color": "0.1", "lw": 2.0, "shrinkA": 0, "shrinkB": 0})
    a["text"] = ax.set_title("", fontsize=9)
    span = table.recirculation[-1] - table.recirculation[0]
    ax.set_xlim(table.recirculation[0] - 0.02 * span, table.recirculation[-1] + 0.02 * span)
    ax.set_ylim(0.0, 1.03)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("recirculation (fraction of the pump flow drawn back)")
    ax.set_ylabel("O₂ saturation")
    ax.legend(loc="lower left", fontsize=8)
    update_recirculation(a, table, i_rec=i_rec, i_flow=i_flow)
    return a


def update_recirculation(artists, table: RecirculationTable, *, i_rec, i_flow):
    """Show another (recirculation, flow) on a plot made by :func:`draw_recirculation`."""
    r, x = table.readout, table.recirculation
    series = {"post": r.post_so2, "pre": r.pre_so2, "arterial": r.sao2, "venous": r.svo2}
    for key, y in series.items():
        artists["lines"][key].set_data(x, y[:, i_flow])
        artists["markers"][key].set_data([x[i_rec]], [y[i_rec, i_flow]])
    xr = float(x[i_rec])
    ven, pre, post = (float(v[i_rec, i_flow]) for v in (r.svo2, r.pre_so2, r.post_so2))
    dx = 0.012 * (x[-1] - x[0]) / 0.5
    if xr > x[0] + 0.85 * (x[-1] - x[0]):
        dx = -dx  # near the right edge: brackets on the left of the markers
    artists["span"].xy, artists["span"].xyann = (xr + dx, ven), (xr + dx, post)
    artists["part"].xy, artists["part"].xyann = (xr + 2 * dx, ven), (xr + 2 * dx, pre)
    visible = pre - ven > 0.005
    artists["part"].set_visible(visible)
    artists["span"].set_visible(visible)
    est = float(table.estimated_recirculation[i_rec, i_flow])
    artists["text"].set_text(f"from the saturations: ({pre:.0%} - {ven:.0%}) / ({post:.0%} - {ven:.0%}) = {est:.0%}")
    return artists


def recirculation_explorer(patient=_patients.ADULT, **scenario) -> Explorer:
    """Recirculation and ECMO flow sliders over the saturation plot and the circuit picture.

    Recirculation runs from 0 to 50 % of the pump flow, the ECMO flow from
    0.7 to 1.7 times the scenario's flow (at most the oxygenator's maximum;
    2.9-7.0 L/min for the adult). The worst corner, the lowest flow with
    half of it recirculating, leaves the venous blood very desaturated and
    the consumption supply-limited.
    """
    patient = _patients._checked(patient)
    s = _scenario(patient, scenario)
    specs = {
        "recirculation": SliderSpec("recirculation", "fraction", 0.0, 0.5, s["recirculation"], 0.01, ".0%"),
        "ecmo_flow_l_min": _flow_slider(s, 0.7, 1.7),
    }
    rg, qg = specs["recirculation"].grid(), specs["ecmo_flow_l_min"].grid()
    table = recirculation_table(patient, rg, qg, **s)
    artists = weakref.WeakKeyDictionary()

    def indices(recirculation, ecmo_flow_l_min):
        return (specs["recirculation"].index(recirculation, name="recirculation"),
                specs["ecmo_flow_l_min"].index(ecmo_flow_l_min, name="ecmo_flow_l_min"))

    def numbers(i, j):
        r = table.readout.at((i, j))
        return {**r.numbers(), "estimated_recirculation": float(table.estimated_recirculation[i, j])}, r

    def draw(fig, recirculation, ecmo_flow_l_min):
        i, j = indices(recirculation, ecmo_flow_l_min)
        out, r = numbers(i, j)
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.45]})
        fig.subplots_adjust(left=0.07, right=0.915, bottom=0.12, top=0.9, wspace=0.08)  # room for the colour-bar label
        a = {"plot": draw_recirculation(ax1, table, i_rec=i, i_flow=j), "circuit": draw_vv_circuit(ax2, r)}
        artists[fig] = _live(fig, a, constant=_constant_labels(table.readout))
        return out

    def update(fig, recirculation, ecmo_flow_l_min):
        i, j = indices(recirculation, ecmo_flow_l_min)
        out, r = numbers(i, j)
        a = artists[fig]
        update_recirculation(a["plot"], table, i_rec=i, i_flow=j)
        update_vv_circuit(a["circuit"], r)
        return out

    return Explorer(draw=draw, update=update, specs=specs, figsize=(11.0, 4.4))


# --------------------------------------------------------------------------
# 3. Haemoglobin and O2 delivery
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class HaemoglobinTable:
    """Steady states over (haemoglobin) x (ECMO flow).

    Attributes
    ----------
    hb_g_dl, flows_l_min : numpy.ndarray
        The grids [g/dL; L/min].
    readout : VVReadout
        Shape (len(hb_g_dl), len(flows_l_min)).
    iso_sao2 : float
        The arterial saturation of the equal-saturation line [fraction].
    iso_flow_l_min, iso_do2_ml_min : numpy.ndarray
        For each Hb, the ECMO flow that gives ``iso_sao2`` and the O2
        delivery there, interpolated along the flow grid (NaN where the
        flow grid does not reach that saturation).
    """

    hb_g_dl: np.ndarray
    flows_l_min: np.ndarray
    readout: VVReadout
    iso_sao2: float
    iso_flow_l_min: np.ndarray
    iso_do2_ml_min: np.ndarray


def _iso_line(sao2, values, target):
    """Per row, ``values`` interpolated where ``sao2`` (rising along the row) crosses ``target``."""
    out = np.full(sao2.shape[0], np.nan)
    for k, (s, v) in enumerate(zip(sao2, values)):
        if s[0] <= target <= s[-1]:
            out[k] = np.interp(target, s, v)
    return out


@functools.lru_cache(maxsize=16)
def _haemoglobin_table(patient, hbs, flows, iso_sao2, scenario):
    s = dict(scenario)
    h, q = np.array(hbs), np.array(flows)
    state = scenario_state(patient, **{**s, "hb_g_dl": h[:, None], "ecmo_flow_l_min": q[None, :]})
    r = readout(state, shunt_fraction=s["shunt_fraction"])
    # The equal-saturation line on a finer flow grid reaching beyond the
    # slider's flows: up to 1 L/min (at most half the flow) below the lowest
    # and above the highest (every state exists: low flows are supply-limited).
    fine = np.linspace(max(q[0] - 1.0, 0.5 * q[0]), q[-1] + min(1.0, 0.5 * q[-1]), 121)
    fine_state = scenario_state(patient, **{**s, "hb_g_dl": h[:, None], "ecmo_flow_l_min": fine[None, :]})
    sat = np.maximum.accumulate(np.asarray(fine_state.sao2), axis=1)  # monotone for interpolation
    iso_q = _iso_line(sat, np.broadcast_to(fine, sat.shape), iso_sao2)
    iso_do2 = _iso_line(sat, np.asarray(fine_state.do2_ml_min), iso_sao2)
    return HaemoglobinTable(hb_g_dl=h, flows_l_min=q, readout=r, iso_sao2=iso_sao2, iso_flow_l_min=iso_q,
                            iso_do2_ml_min=iso_do2)


def haemoglobin_table(patient, hbs_g_dl, flows_l_min, *, iso_sao2=0.85, **scenario) -> HaemoglobinTable:
    """VV steady states over a grid of haemoglobin and ECMO flow (cached), with an equal-SaO2 line.

    The equal-saturation line comes from a second grid reaching up to 1
    L/min beyond the lowest and the highest flow.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient.
    hbs_g_dl : array_like
        1-D grid of haemoglobin [g/dL]; valid [2, 25].
    flows_l_min : array_like
        1-D grid of ECMO flows [L/min].
    iso_sao2 : float, optional
        Arterial saturation of the equal-saturation line; valid (0, 1).
        Default 0.85.
    **scenario
        Overrides of :data:`SCENARIO`.

    Returns
    -------
    HaemoglobinTable
    """
    iso = float(_v.checked("iso_sao2", iso_sao2, "fraction 0..1", low=0.0, high=1.0, low_inclusive=False,
                           high_inclusive=False))
    return _haemoglobin_table(_patients._checked(patient), tuple(np.asarray(hbs_g_dl, float).ravel()),
                              tuple(np.asarray(flows_l_min, float).ravel()), iso, _frozen(patient, scenario))


def draw_haemoglobin(axes, table: HaemoglobinTable, *, i_hb, i_flow, background_flows_l_min=None):
    """O2 delivery (left) and arterial and venous saturation (right) against haemoglobin.

    Left: DO2 against Hb at the current ECMO flow (bold, coloured by the
    arterial saturation along it), at other flows (grey), and along the
    line of equal arterial saturation (:attr:`HaemoglobinTable.iso_sao2`,
    dashed): at the same SaO2 the delivery is proportional to Hb. The
    dotted line is the body's O2 consumption. Right: SaO2 and SvO2 against
    Hb at the current flow.

    Parameters
    ----------
    axes : sequence of two matplotlib.axes.Axes
        Axes to draw into.
    table : HaemoglobinTable
        The grid.
    i_hb, i_flow : int
        Current grid indices.
    background_flows_l_min : sequence of float, optional
        ECMO flows [L/min] of the grey lines (the nearest grid columns);
        default the lowest of the grid and the one 40 % above the grid's
        first quarter.

    Returns
    -------
    dict
        The artists by name.
    """
    ax, ax2 = axes
    r, h, q = table.readout, table.hb_g_dl, table.flows_l_min
    a = {}
    if background_flows_l_min is None:
        background_flows_l_min = (q[0], 1.4 * q[len(q) // 4])
    top = 1.08 * float(np.nanmax(r.do2_ml_min))
    vo2 = float(np.asarray(r.vo2_ml_min).flat[0])
    ax.axhline(vo2, color=_REFERENCE, ls=":", lw=1.2)
    ax.text(h[-1], vo2 + 0.015 * top, f"O₂ consumption {vo2:.0f} mL/min", fontsize=8, color=_REFERENCE,
            ha="right", va="bottom")
    for f in background_flows_l_min:
        j = int(np.argmin(np.abs(q - f)))
        ax.plot(h, r.do2_ml_min[:, j], color=_BACKGROUND, lw=1.2, zorder=1)
        # Under the line's start, clear of the rising line, on a white box above
        # any other line that comes close.
        ax.annotate(f"{flow_text(q[j])} L/min", (h[0], r.do2_ml_min[0, j]), xytext=(9, -4), textcoords="offset points",
                    fontsize=7.5, color="0.5", ha="left", va="top", zorder=3.5,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"})
    ok = np.isfinite(table.iso_do2_ml_min)
    ax.plot(h[ok], table.iso_do2_ml_min[ok], color="0.2", ls="--", lw=1.5, zorder=2,
            label=f"at SaO₂ {table.iso_sao2:.0%} (flow adjusted)")
    a["curve"] = LineCollection([], cmap=plotting.SO2_CMAP, norm=plotting.SO2_NORM, lw=3.0, zorder=3)
    ax.add_collection(a["curve"])
    (a["marker"],) = ax.plot([], [], "o", color=_CURRENT, ms=9, mec="white", mew=1.5, zorder=4)
    a["label"] = ax.text(0, 0, "", fontsize=8.5, color=_CURRENT, ha="right", va="bottom", zorder=5,
                         bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    ax.set_xlim(h[0], h[-1])
    ax.set_ylim(0.0, top)
    ax.set_xlabel("haemoglobin [g/dL]")
    ax.set_ylabel("O₂ delivery DO₂ [mL/min]")
    ax.legend(loc="upper left", fontsize=8)

    (a["sao2"],) = ax2.plot([], [], color=_SAMPLE_COLORS["arterial"], label=_SAMPLE_LABELS["arterial"])
    (a["svo2"],) = ax2.plot([], [], color=_SAMPLE_COLORS["venous"], label=_SAMPLE_LABELS["venous"])
    (a["sao2_marker"],) = ax2.plot([], [], "o", color=_SAMPLE_COLORS["arterial"], ms=7, mec="white", zorder=4)
    (a["svo2_marker"],) = ax2.plot([], [], "o", color=_SAMPLE_COLORS["venous"], ms=7, mec="white", zorder=4)
    ax2.set_xlim(h[0], h[-1])
    ax2.set_ylim(0.0, 1.02)
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax2.set_xlabel("haemoglobin [g/dL]")
    ax2.set_ylabel("O₂ saturation")
    ax2.legend(loc="lower right", fontsize=8)
    update_haemoglobin(a, table, i_hb=i_hb, i_flow=i_flow)
    return a


def update_haemoglobin(artists, table: HaemoglobinTable, *, i_hb, i_flow):
    """Show another (Hb, flow) on plots made by :func:`draw_haemoglobin`."""
    r, h, q = table.readout, table.hb_g_dl, table.flows_l_min
    do2, sao2 = r.do2_ml_min[:, i_flow], r.sao2[:, i_flow]
    pts = np.column_stack([h, do2])
    artists["curve"].set_segments(np.stack([pts[:-1], pts[1:]], axis=1))
    artists["curve"].set_array(0.5 * (sao2[:-1] + sao2[1:]))
    artists["marker"].set_data([h[i_hb]], [do2[i_hb]])
    left = h[i_hb] < 0.5 * (h[0] + h[-1])
    # Below-right of the marker on the left half, above-left on the right half: off the rising line.
    dy = 0.04 * artists["label"].axes.get_ylim()[1]
    artists["label"].set_position((h[i_hb] + 0.25, do2[i_hb] - dy) if left else (h[i_hb] - 0.25, do2[i_hb] + dy))
    artists["label"].set_ha("left" if left else "right")
    artists["label"].set_va("top" if left else "bottom")
    artists["label"].set_text(f"{flow_text(q[i_flow])} L/min, Hb {h[i_hb]:g}\nSaO₂ {sao2[i_hb]:.0%}, "
                              f"DO₂ {do2[i_hb]:.0f} mL/min")
    artists["sao2"].set_data(h, sao2)
    artists["svo2"].set_data(h, r.svo2[:, i_flow])
    artists["sao2_marker"].set_data([h[i_hb]], [sao2[i_hb]])
    artists["svo2_marker"].set_data([h[i_hb]], [r.svo2[i_hb, i_flow]])
    return artists


def haemoglobin_explorer(patient=_patients.ADULT, **scenario) -> Explorer:
    """Haemoglobin and ECMO flow sliders over O2 delivery and the saturations.

    Hb runs from 7 to 15 g/dL (clinical values, the same for every
    patient), the ECMO flow from 0.85 to 2 times the scenario's flow (at
    most the oxygenator's maximum; 3.1-7.0 L/min for the adult at 3.6
    L/min); every combination has a steady state at the scenario's
    cardiac output.
    """
    patient = _patients._checked(patient)
    s = _scenario(patient, scenario)
    specs = {
        "hb_g_dl": SliderSpec.anchored("haemoglobin", "g/dL", s["hb_g_dl"], 7.0, 15.0, 0.25, ".2f"),
        "ecmo_flow_l_min": _flow_slider(s, 0.85, 2.0),
    }
    hg, qg = specs["hb_g_dl"].grid(), specs["ecmo_flow_l_min"].grid()
    table = haemoglobin_table(patient, hg, qg, **s)
    artists = weakref.WeakKeyDictionary()

    def indices(hb_g_dl, ecmo_flow_l_min):
        return (specs["hb_g_dl"].index(hb_g_dl, name="hb_g_dl"),
                specs["ecmo_flow_l_min"].index(ecmo_flow_l_min, name="ecmo_flow_l_min"))

    def draw(fig, hb_g_dl, ecmo_flow_l_min):
        i, j = indices(hb_g_dl, ecmo_flow_l_min)
        axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1.0]})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.88, wspace=0.28)
        a = {"plots": draw_haemoglobin(axes, table, i_hb=i, i_flow=j),
             "title": fig.suptitle("", fontsize=10)}
        artists[fig] = _live(fig, a)
        return update(fig, hb_g_dl, ecmo_flow_l_min, _redraw=False)

    def update(fig, hb_g_dl, ecmo_flow_l_min, _redraw=True):
        i, j = indices(hb_g_dl, ecmo_flow_l_min)
        r = table.readout.at((i, j))
        a = artists[fig]
        if _redraw:
            update_haemoglobin(a["plots"], table, i_hb=i, i_flow=j)
        a["title"].set_text(_readout_line(r))
        return r.numbers()

    return Explorer(draw=draw, update=update, specs=specs, figsize=(11.0, 4.2))


# --------------------------------------------------------------------------
# 4. CO2: sweep against blood flow
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepTable:
    """Steady states over (sweep) x (ECMO flow).

    Attributes
    ----------
    sweeps_l_min, flows_l_min : numpy.ndarray
        The grids [L/min].
    readout : VVReadout
        Shape (len(sweeps_l_min), len(flows_l_min)).
    """

    sweeps_l_min: np.ndarray
    flows_l_min: np.ndarray
    readout: VVReadout


@functools.lru_cache(maxsize=16)
def _sweep_table(patient, sweeps, flows, scenario):
    s = dict(scenario)
    v, q = np.array(sweeps), np.array(flows)
    state = scenario_state(patient, **{**s, "sweep_l_min": v[:, None], "ecmo_flow_l_min": q[None, :]})
    return SweepTable(sweeps_l_min=v, flows_l_min=q, readout=readout(state, shunt_fraction=s["shunt_fraction"]))


def sweep_table(patient, sweeps_l_min, flows_l_min, **scenario) -> SweepTable:
    """VV steady states over a grid of sweep gas flows and ECMO flows (cached).

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient.
    sweeps_l_min, flows_l_min : array_like
        1-D grids [L/min]; valid as for :func:`ecmolib.vv.steady_state`.
    **scenario
        Overrides of :data:`SCENARIO`.

    Returns
    -------
    SweepTable
    """
    return _sweep_table(_patients._checked(patient), tuple(_v.grid("sweeps_l_min", sweeps_l_min, "L/min", 0.0)),
                        tuple(_v.grid("flows_l_min", flows_l_min, "L/min", 0.0)), _frozen(patient, scenario))


def draw_co2(axes, table: SweepTable, *, i_sweep, i_flow):
    """The two knobs against the two outputs: SaO2 and PaCO2 against sweep and against blood flow.

    Columns: sweep (left), ECMO blood flow (right); rows: arterial
    saturation (top), arterial PCO2 (bottom). Each panel holds the other
    knob at its current value; the current point is marked in all four.

    Parameters
    ----------
    axes : 2 x 2 array of matplotlib.axes.Axes
        Axes to draw into (rows SaO2, PaCO2; columns sweep, flow).
    table : SweepTable
        The grid.
    i_sweep, i_flow : int
        Current grid indices.

    Returns
    -------
    dict
        The artists by name.
    """
    r, v, q = table.readout, table.sweeps_l_min, table.flows_l_min
    a = {"lines": {}, "markers": {}}
    pco2_top = float(np.ceil(np.nanmax(r.paco2_mmhg) / 10.0) * 10.0)
    pco2_bottom = min(20.0, float(np.floor(np.nanmin(r.paco2_mmhg) / 10.0) * 10.0))
    sao2_bottom = min(0.5, float(np.floor(20.0 * np.nanmin(r.sao2)) / 20.0))
    for row, (key, label) in enumerate([("sao2", "SaO₂"), ("paco2_mmhg", "PaCO₂ [mmHg]")]):
        for col, (x, xlabel) in enumerate([(v, "sweep gas flow [L/min]"), (q, "ECMO blood flow [L/min]")]):
            ax = axes[row][col]
            (a["lines"][row, col],) = ax.plot([], [], color=_CURRENT if col == 0 else "#2166ac")
            (a["markers"][row, col],) = ax.plot([], [], "o", color=_CURRENT, ms=8, mec="white", mew=1.3, zorder=4)
            ax.set_xlim(x[0], x[-1])
            if key == "sao2":
                ax.set_ylim(sao2_bottom, 1.02)
                ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
                ax.axhline(SAO2_REFERENCE, color=_REFERENCE, ls="--", lw=1.0)
            else:
                ax.set_ylim(pco2_bottom, pco2_top)
                ax.set_xlabel(xlabel)
            if col == 0:
                ax.set_ylabel(label)
    axes[0][0].set_title("turn the sweep (flow fixed)", fontsize=10)
    axes[0][1].set_title("turn the blood flow (sweep fixed)", fontsize=10)
    update_co2(a, table, i_sweep=i_sweep, i_flow=i_flow)
    return a


def update_co2(artists, table: SweepTable, *, i_sweep, i_flow):
    """Show another (sweep, flow) on plots made by :func:`draw_co2`."""
    r, v, q = table.readout, table.sweeps_l_min, table.flows_l_min
    for row, y in enumerate([r.sao2, r.paco2_mmhg]):
        artists["lines"][row, 0].set_data(v, y[:, i_flow])
        artists["lines"][row, 1].set_data(q, y[i_sweep, :])
        artists["markers"][row, 0].set_data([v[i_sweep]], [y[i_sweep, i_flow]])
        artists["markers"][row, 1].set_data([q[i_flow]], [y[i_sweep, i_flow]])
    return artists


def co2_explorer(patient=_patients.ADULT, **scenario) -> Explorer:
    """Sweep and ECMO flow sliders over SaO2 and PaCO2.

    The sweep runs from 0.35 to 2.4 times the scenario's sweep (1.6-10.0
    L/min for the adult's 4.2 L/min; at most the model's 20 L/min), the ECMO flow from 0.6 to 1.7 times
    the scenario's flow (at most the oxygenator's maximum; 2.6-7.0 L/min).
    With lungs that exchange no gas the membrane must remove all the CO2,
    so the lowest sweep leaves a high PaCO2; every combination has a steady
    state.
    """
    patient = _patients._checked(patient)
    s = _scenario(patient, scenario)
    v = float(s["sweep_l_min"])
    v_high = max(min(2.4 * v, vv._SWEEP_MAX), v)
    specs = {
        "sweep_l_min": SliderSpec.anchored("sweep gas flow", "L/min", v, 0.35 * v, v_high, widgets.nice_step(v, 16.0)),
        "ecmo_flow_l_min": _flow_slider(s, 0.6, 1.7),
    }
    vg, qg = specs["sweep_l_min"].grid(), specs["ecmo_flow_l_min"].grid()
    table = sweep_table(patient, vg, qg, **s)
    artists = weakref.WeakKeyDictionary()

    def indices(sweep_l_min, ecmo_flow_l_min):
        return (specs["sweep_l_min"].index(sweep_l_min, name="sweep_l_min"),
                specs["ecmo_flow_l_min"].index(ecmo_flow_l_min, name="ecmo_flow_l_min"))

    def draw(fig, sweep_l_min, ecmo_flow_l_min):
        i, j = indices(sweep_l_min, ecmo_flow_l_min)
        axes = fig.subplots(2, 2, sharex="col", sharey="row")
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.1, top=0.86, wspace=0.08, hspace=0.12)
        a = {"plots": draw_co2(axes, table, i_sweep=i, i_flow=j), "title": fig.suptitle("", fontsize=10)}
        artists[fig] = _live(fig, a)
        return update(fig, sweep_l_min, ecmo_flow_l_min, _redraw=False)

    def update(fig, sweep_l_min, ecmo_flow_l_min, _redraw=True):
        i, j = indices(sweep_l_min, ecmo_flow_l_min)
        r = table.readout.at((i, j))
        a = artists[fig]
        if _redraw:
            update_co2(a["plots"], table, i_sweep=i, i_flow=j)
        a["title"].set_text(f"sweep {flow_text(r.sweep_l_min)} L/min, ECMO flow {flow_text(r.ecmo_flow_l_min)} L/min:   "
                            + _readout_line(r))
        return r.numbers()

    return Explorer(draw=draw, update=update, specs=specs, figsize=(9.0, 5.6))


#: This lesson's explorers, gathered by :data:`ecmolib.views.EXPLORERS`.
EXPLORERS = {
    "04 flow and cardiac output": flow_explorer,
    "04 recirculation": recirculation_explorer,
    "04 haemoglobin": haemoglobin_explorer,
    "04 CO2 and sweep": co2_explorer,
}
