r"""Beat-by-beat closed-loop circulation with ECMO support, arrest and CPR.

A lumped-parameter ("0-D") model of the whole circulation, integrated beat
by beat, so that a lesson can show what veno-arterial (VA) ECMO does to a
failing heart (mean pressure up, pulse pressure narrowed, the left ventricle
distended, the aortic valve closing), what cardiac arrest and chest
compressions do, and how a circuit behaves when its pump slows or stops.

Structure (after the minimal model of Smith et al. 2004, with the thorax
and the venous valves of Babbs' CPR models)::

      +------------------------- VA ECMO (pump) ----------------------+
      |                                                               v
    central veins + RA -> RV -> pulmonary arteries -> pulmonary veins + LA -> LV -> thoracic aorta -> arteries
      ^   (thorax)                                         ^                 |vent    |bronchial     |
      |                                                    +-----------------|--------+              | R_sys
      +--- venous valves <-- peripheral veins <------------------------------+-----------------------+

* Ventricles with time-varying elastance whose activation only raises
  pressure above the passive curve; valves as diodes, the aortic one
  optionally leaking; six linear vascular compartments; bronchial and
  Thebesian return to the left heart; venous valves at the thoracic inlet.
  All the equations: :mod:`ecmolib.hemodynamics.model`.
* Parameters: the adult reference and similarity scaling to any patient,
  with pressures falling with size (a day-1 neonate about 65/45):
  :mod:`ecmolib.hemodynamics.parameters`.
* Named conditions (cardiogenic shock, chronic heart failure) with their
  compensation: :data:`CONDITIONS`.
* What a run returns: :mod:`ecmolib.hemodynamics.trace`.

Neglected: valve inertance, atrial contraction (the atria belong to the
venous compartments), ventricular interdependence, baroreflexes and
autoregulation, ventilation, a transitional (fetal) circulation, vessel
collapse except around a drainage cannula or vent, and the transit time
of blood through the circuit. Blood volume is conserved to round-off.

References
----------
.. [1] Smith BW, Chase JG, Nokes RI, Shaw GM, Wake G. Minimal haemodynamic
   system model including ventricular interaction and valve dynamics. Med
   Eng Phys 2004;26:131-139. doi:10.1016/j.medengphy.2003.10.001
.. [2] Burkhoff D, Sayer G, Doshi D, Uriel N. Hemodynamics of mechanical
   circulatory support. J Am Coll Cardiol 2015;66:2663-2674.
   doi:10.1016/j.jacc.2015.10.017
.. [3] Babbs CF, Ralston SH, Geddes LA. Ann Emerg Med 1984;13:660-671.
   doi:10.1016/S0196-0644(84)80722-2
"""

from __future__ import annotations

import dataclasses
import functools
import math
from types import SimpleNamespace

import numpy as np

from ecmolib import _validation, patients
from ecmolib import circuit as _circuit
from ecmolib.hemodynamics import model
from ecmolib.hemodynamics.conditions import CONDITION_TARGETS, CONDITIONS
from ecmolib.hemodynamics.parameters import (
    ADULT_HEART_RATE_BPM,
    ADULT_PARAMETERS,
    BRONCHIAL_FLOW_FRACTION,
    HEART_RATE_MASS_EXPONENT,
    PRESSURE_MASS_EXPONENT,
    SYSTOLE_PERIOD_EXPONENT,
    CirculationParameters,
    default_heart_rate_bpm,
    parameters_for,
    pressure_scale,
    with_heart_rate,
)
from ecmolib.hemodynamics.trace import SUMMARY_KEYS, CirculationState, Trace, series, summary

__all__ = [
    "ADULT_HEART_RATE_BPM",
    "ADULT_PARAMETERS",
    "BRONCHIAL_FLOW_FRACTION",
    "COLLAPSE_PRESSURE_MMHG",
    "COMPRESSION_DUTY_CYCLE",
    "COMPRESSION_PRESSURE_MMHG",
    "COMPRESSION_RATE_PER_MIN",
    "CONDITIONS",
    "CONDITION_TARGETS",
    "HEART_RATE_MASS_EXPONENT",
    "PRESSURE_MASS_EXPONENT",
    "STEPS_PER_CYCLE",
    "SUMMARY_KEYS",
    "SYSTOLE_PERIOD_EXPONENT",
    "CirculationParameters",
    "CirculationState",
    "Trace",
    "default_heart_rate_bpm",
    "parameters_for",
    "pressure_scale",
    "simulate",
]

#: Venous collapse pressure around a drainage cannula or vent [mmHg]: 0, as
#: in :data:`ecmolib.circuit.DEFAULT_COLLAPSE_PRESSURE_MMHG` (Permutt & Riley
#: 1963, doi:10.1152/jappl.1963.18.5.924), on the transmural pressure.
COLLAPSE_PRESSURE_MMHG = 0.0

#: Peak intrathoracic pressure of a chest compression ("depth as pressure")
#: [mmHg]. Fitted by this library so that compressions at the default rate
#: and duty cycle give, in the adult, the arterial pressures recorded in
#: patients during CPR, 107 +/- 30 / 14 +/- 12 mmHg, mean 44 (invasive
#: recordings of Hoppu et al. 2011, doi:10.1016/j.resuscitation.2011.06.005;
#: range 25-225 / 2-59 mmHg in Sainio et al. 2015,
#: doi:10.1016/j.resuscitation.2015.08.004), with forward flow 20-35 % of
#: normal; with the venous valves' leak (see ``CirculationParameters``) the
#: only CPR-specific values fitted. Deeper compressions: a higher value.
COMPRESSION_PRESSURE_MMHG = 90.0

#: Default compression rate [1/min]: 110, the middle of the 100-120/min of
#: the 2021 ERC and 2020 AHA guidelines (Olasveengen et al. 2021,
#: doi:10.1016/j.resuscitation.2021.02.009).
COMPRESSION_RATE_PER_MIN = 110.0

#: Default compressed fraction of each compression cycle [1]: 0.5, as the
#: guidelines recommend (equal compression and release); Fitzgerald et al.
#: 1981 (doi:10.1152/ajpheart.1981.241.3.H442) found output within 90-100 %
#: of its maximum for duty cycles 0.3-0.5.
COMPRESSION_DUTY_CYCLE = 0.5

#: Integration steps per cycle (heart period, or compression period during
#: arrest with compressions). Chosen by the convergence test in
#: ``tests/test_hemodynamics.py`` (halving the step changes the summary by
#: far less than its stated tolerances).
STEPS_PER_CYCLE = 500

_DURATION_RANGE_S = (0.0, 3600.0)
_FLOW_RANGE_L_MIN = (0.0, 15.0)
_RPM_RANGE = (0.0, 20000.0)
_ML_S_PER_L_MIN = 1000.0 / 60.0

#: Grid of the pump-driven flow table: central venous and peripheral
#: arterial pressure [mmHg] (wide enough for compressions).
_GRID_VENOUS_MMHG = np.arange(-20.0, 160.0 + 0.5, 1.0)
_GRID_ARTERIAL_MMHG = np.arange(-20.0, 260.0 + 1.0, 2.0)


def _number(name, value, units, low, high, *, low_inclusive=True):
    return _validation.scalar(name, value, units, low, high, low_inclusive=low_inclusive)


def _factor(name, value, low, high):
    return _number(name, value, "1 (factor)", low, high)


def _flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


# ---------------------------------------------------------------------------
# The steps of simulate
# ---------------------------------------------------------------------------


def _circulation(patient, parameters, o):
    """Parameters of the run: the patient's (or given ones) with every option applied."""
    if parameters is None:
        params = parameters_for(patient)
    elif isinstance(parameters, CirculationParameters):
        params = parameters
    else:
        raise ValueError(f"parameters must be a CirculationParameters; got {type(parameters).__name__}")
    if o.heart_rate_bpm is not None or o.heart_rate_factor != 1.0:
        hr = o.heart_rate_bpm if o.heart_rate_bpm is not None else params.heart_rate_bpm * o.heart_rate_factor
        params = with_heart_rate(params, _number("heart_rate_bpm (after heart_rate_factor)", hr,
                                                 "beats/min", 20.0, 250.0))
    # Dilation takes its blood from the peripheral veins' unstressed volume;
    # venoconstriction recruits a share of what is left into stressed volume.
    reservoir = params.venous_unstressed_volume_ml
    shift = o.lv_dilation_ml_per_kg * patient.weight_kg
    if shift >= reservoir:
        raise ValueError(f"lv_dilation_ml_per_kg [mL/kg] must move less than this patient's venous reservoir "
                         f"({reservoir / patient.weight_kg:.3g} mL/kg); got {o.lv_dilation_ml_per_kg!r}")
    recruited = o.venoconstriction_fraction * (reservoir - shift)
    stressed = params.stressed_volume_ml + recruited + o.added_volume_ml
    if stressed <= 0.0:
        raise ValueError(f"added_volume_ml [mL] must be > {-(params.stressed_volume_ml + recruited):g} "
                         f"(minus the stressed volume of this patient); got {o.added_volume_ml!r}")
    params = dataclasses.replace(
        params,
        systemic_resistance_mmhg_s_ml=params.systemic_resistance_mmhg_s_ml * o.systemic_resistance_factor,
        lv_dead_volume_ml=params.lv_dead_volume_ml + shift,
        blood_volume_ml=params.blood_volume_ml + o.added_volume_ml,
        stressed_volume_ml=stressed,
    )
    return params


def _support(patient, params, o, rpm, circuit):
    """ECMO mode (0 none, 1 set flow, 2 pump-driven) and the pump's flow table."""
    gv = ga = np.zeros(2)
    gq = np.zeros((2, 2))
    if rpm is None and circuit is None:
        return (1 if o.va_flow_l_min > 0.0 else 0), gv, ga, gq
    if rpm is None:
        raise ValueError("circuit was given without rpm [rev/min]: give the pump speed for pump-driven VA flow")
    rpm_v = _number("rpm", rpm, "rev/min", *_RPM_RANGE)
    if circuit is None:
        raise ValueError(f"rpm [rev/min] = {rpm_v:g} needs a circuit (ecmolib.circuit.Circuit) to drive VA flow")
    if o.va_flow_l_min > 0.0:
        raise ValueError("give either va_flow_l_min [L/min] (set flow) or rpm with circuit (pump-driven), not both")
    if not isinstance(circuit, _circuit.Circuit):
        raise ValueError(f"circuit must be an ecmolib.circuit.Circuit; got {type(circuit).__name__}")
    if circuit.mode != "va":
        raise ValueError(f"circuit must be a VA circuit (mode 'va') for pump-driven support; got mode {circuit.mode!r}")
    # The central veins are the circuit's venous reservoir; the model's
    # drainage resistance replaces the circuit's own R_v.
    coupled = dataclasses.replace(
        circuit, venous_resistance_mmhg_min_l=params.drainage_resistance_mmhg_s_ml * _ML_S_PER_L_MIN)
    table = _circuit_flow_table(coupled, rpm_v, patient.hb_g_dl)
    return 2, _GRID_VENOUS_MMHG, _GRID_ARTERIAL_MMHG, np.array(table)  # writable, as the kernel was compiled for


def _circuit_flow_table(circ, rpm, hb_g_dl):
    """Circuit flow [mL/s] over the (central venous, arterial) pressure grid at one rpm (cached)."""
    try:
        return _flow_table_cached(circ, float(rpm), float(hb_g_dl))
    except TypeError:  # unhashable circuit: compute without the cache
        return _flow_table(circ, float(rpm), float(hb_g_dl))


def _flow_table(circ, rpm, hb):
    pv, pa = np.meshgrid(_GRID_VENOUS_MMHG, _GRID_ARTERIAL_MMHG, indexing="ij")
    op = _circuit.operating_point(circ, rpm, venous_pressure_mmhg=pv, arterial_pressure_mmhg=pa, hb_g_dl=hb)
    table = np.asarray(op.flow_l_min, dtype=float) * _ML_S_PER_L_MIN
    table.setflags(write=False)
    return table


_flow_table_cached = functools.lru_cache(maxsize=64)(_flow_table)


def _vector(params, o, ecmo_mode):
    """The kernel's parameter vector (names: ``model.PARAMETER_NAMES``)."""
    a = params
    g_sys = 1.0 / a.systemic_resistance_mmhg_s_ml
    f = o.aortic_regurgitation_fraction
    values = {
        "period": a.heart_period_s, "ts": a.systole_duration_s, "arrest": float(o.arrest),
        "lv_ees": a.lv_end_systolic_elastance_mmhg_ml * o.lv_contractility, "lv_vd": a.lv_dead_volume_ml,
        "lv_p0": a.lv_diastolic_pressure_scale_mmhg, "lv_lam": a.lv_diastolic_stiffness_per_ml,
        "rv_ees": a.rv_end_systolic_elastance_mmhg_ml * o.rv_contractility, "rv_vd": a.rv_dead_volume_ml,
        "rv_p0": a.rv_diastolic_pressure_scale_mmhg, "rv_lam": a.rv_diastolic_stiffness_per_ml,
        "e_ao": a.aortic_elastance_mmhg_ml, "vu_ao": a.aortic_unstressed_volume_ml,
        "e_a": a.arterial_elastance_mmhg_ml, "vu_a": a.arterial_unstressed_volume_ml,
        "e_v": a.venous_elastance_mmhg_ml, "vu_v": a.venous_unstressed_volume_ml,
        "e_cv": a.central_venous_elastance_mmhg_ml, "vu_cv": a.central_venous_unstressed_volume_ml,
        "e_pa": a.pulmonary_arterial_elastance_mmhg_ml, "vu_pa": a.pulmonary_arterial_unstressed_volume_ml,
        "e_pv": a.pulmonary_venous_elastance_mmhg_ml, "vu_pv": a.pulmonary_venous_unstressed_volume_ml,
        "r_mt": a.mitral_resistance_mmhg_s_ml, "r_av": a.aortic_valve_resistance_mmhg_s_ml,
        # The leak's share f of the run-off conductance: G_ar/(G_ar + G_sys) = f.
        "g_ar": g_sys * f / (1.0 - f),
        "r_tc": a.tricuspid_resistance_mmhg_s_ml, "r_pvv": a.pulmonary_valve_resistance_mmhg_s_ml,
        "r_ao": a.aortic_resistance_mmhg_s_ml, "r_sys": a.systemic_resistance_mmhg_s_ml,
        "r_vr": a.venous_return_resistance_mmhg_s_ml,
        "g_vr_back": a.venous_valve_leak_fraction / a.venous_return_resistance_mmhg_s_ml,
        "r_pul": a.pulmonary_resistance_mmhg_s_ml,
        "r_br": a.bronchial_resistance_mmhg_s_ml, "r_drain": a.drainage_resistance_mmhg_s_ml,
        "comp": float(o.compressions), "comp_period": 60.0 / o.compression_rate_per_min,
        "comp_duty": o.compression_duty_cycle, "comp_p": o.compression_pressure_mmhg,
        "ecmo_mode": float(ecmo_mode), "ecmo_q": o.va_flow_l_min * _ML_S_PER_L_MIN,
        "vent_q": o.lv_vent_flow_l_min * _ML_S_PER_L_MIN, "collapse": COLLAPSE_PRESSURE_MMHG,
    }
    return np.array([values[name] for name in model.PARAMETER_NAMES], dtype=float)


def _resting_state(params):
    """Every compartment at the mean circulatory filling pressure (no flow)."""
    pm = params.mean_circulatory_filling_pressure_mmhg
    v = {k: getattr(params, k) + pm / e for k, e in params.vessel_elastances_mmhg_ml.items()}
    return np.array([params.passive_ventricle_volume_ml("lv", pm), v["aortic_unstressed_volume_ml"],
                     v["arterial_unstressed_volume_ml"], v["venous_unstressed_volume_ml"],
                     v["central_venous_unstressed_volume_ml"], params.passive_ventricle_volume_ml("rv", pm),
                     v["pulmonary_arterial_unstressed_volume_ml"], v["pulmonary_venous_unstressed_volume_ml"]])


def _start(params, initial_state, added_volume_ml, pvec, grid, cycle, dt):
    """Initial state, model time, warm-up time and convergence of the recorded run."""
    if initial_state is None:
        tol = 2e-7 * params.blood_volume_ml
        max_cycles = max(3, math.ceil(600.0 / cycle))
        y, n_cycles, converged = model.warm_up(_resting_state(params), 0.0, pvec, *grid, dt,
                                               STEPS_PER_CYCLE, max_cycles, tol, 3)
        t0 = n_cycles * STEPS_PER_CYCLE * dt
        return y, t0, t0, bool(converged)
    if not isinstance(initial_state, CirculationState):
        raise ValueError(f"initial_state must be a CirculationState; got {type(initial_state).__name__}")
    y = initial_state.vector()
    y[3] += added_volume_ml                       # a bolus into the peripheral veins
    if y[3] < 0.0:
        raise ValueError(f"added_volume_ml [mL] must be > {-initial_state.venous_volume_ml:g} "
                         f"(minus the venous volume of initial_state); got {added_volume_ml!r}")
    return y, initial_state.time_s, 0.0, False


def _options(duration_s, kw):
    """Check every numeric and boolean option of :func:`simulate` (a namespace)."""
    o = SimpleNamespace()
    o.duration_s = _number("duration_s", duration_s, "s", *_DURATION_RANGE_S, low_inclusive=False)
    o.va_flow_l_min = _number("va_flow_l_min", kw["va_flow_l_min"], "L/min", *_FLOW_RANGE_L_MIN)
    o.vv_flow_l_min = _number("vv_flow_l_min", kw["vv_flow_l_min"], "L/min", *_FLOW_RANGE_L_MIN)
    o.lv_vent_flow_l_min = _number("lv_vent_flow_l_min", kw["lv_vent_flow_l_min"], "L/min", 0.0, 5.0)
    o.lv_contractility = _factor("lv_contractility", kw["lv_contractility"], 0.0, 2.0)
    o.rv_contractility = _factor("rv_contractility", kw["rv_contractility"], 0.0, 2.0)
    o.heart_rate_bpm = (None if kw["heart_rate_bpm"] is None else
                        _number("heart_rate_bpm", kw["heart_rate_bpm"], "beats/min", 20.0, 250.0))
    o.heart_rate_factor = _factor("heart_rate_factor", kw["heart_rate_factor"], 0.35, 1.45)
    if o.heart_rate_bpm is not None and o.heart_rate_factor != 1.0:
        raise ValueError("give heart_rate_bpm [beats/min] or heart_rate_factor [1 (factor)], not both")
    o.arrest = _flag("arrest", kw["arrest"])
    o.compressions = _flag("compressions", kw["compressions"])
    o.compression_rate_per_min = _number("compression_rate_per_min", kw["compression_rate_per_min"],
                                         "1/min", 10.0, 250.0)
    o.compression_pressure_mmhg = _number("compression_pressure_mmhg", kw["compression_pressure_mmhg"],
                                          "mmHg", 0.0, 200.0)
    o.compression_duty_cycle = _number("compression_duty_cycle", kw["compression_duty_cycle"],
                                       "fraction 0..1", 0.0, 1.0, low_inclusive=False)
    if o.compression_duty_cycle >= 1.0:
        raise ValueError(f"compression_duty_cycle [fraction 0..1] must be in (0, 1); "
                         f"got {o.compression_duty_cycle!r}")
    o.systemic_resistance_factor = _factor("systemic_resistance_factor", kw["systemic_resistance_factor"],
                                           0.1, 10.0)
    o.venoconstriction_fraction = _number("venoconstriction_fraction", kw["venoconstriction_fraction"],
                                          "fraction of the venous unstressed volume", -0.5, 0.9)
    o.added_volume_ml = _number("added_volume_ml", kw["added_volume_ml"], "mL", -1e4, 1e4)
    o.lv_dilation_ml_per_kg = _number("lv_dilation_ml_per_kg", kw["lv_dilation_ml_per_kg"], "mL/kg", 0.0, 3.0)
    o.aortic_regurgitation_fraction = _number("aortic_regurgitation_fraction",
                                              kw["aortic_regurgitation_fraction"], "fraction 0..1", 0.0, 0.9)
    summary_beats = kw["summary_beats"]
    if isinstance(summary_beats, (bool, np.bool_)) or not isinstance(summary_beats, (int, np.integer)) \
            or not 1 <= summary_beats <= 100:
        raise ValueError(f"summary_beats [cycles] must be an integer in [1, 100]; got {summary_beats!r}")
    o.summary_beats = int(summary_beats)
    interval = kw["sample_interval_s"]
    o.sample_interval_s = (max(0.005, o.duration_s / 120000.0) if interval is None else
                           _number("sample_interval_s", interval, "s", 0.0005, 1.0))
    return o


# ---------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------


def simulate(patient, duration_s, *, va_flow_l_min=0.0, lv_contractility=1.0, heart_rate_bpm=None,
             rpm=None, circuit=None, vv_flow_l_min=0.0, arrest=False, compressions=False,
             compression_rate_per_min=COMPRESSION_RATE_PER_MIN,
             compression_pressure_mmhg=COMPRESSION_PRESSURE_MMHG,
             compression_duty_cycle=COMPRESSION_DUTY_CYCLE, rv_contractility=1.0,
             systemic_resistance_factor=1.0, added_volume_ml=0.0, venoconstriction_fraction=0.0,
             heart_rate_factor=1.0, lv_dilation_ml_per_kg=0.0, aortic_regurgitation_fraction=0.0,
             lv_vent_flow_l_min=0.0, parameters=None, initial_state=None, sample_interval_s=None,
             summary_beats=5):
    r"""Simulate the circulation beat by beat, with or without ECMO, arrest or CPR.

    The equations are those of :mod:`ecmolib.hemodynamics.model`; this
    function checks the options, builds the parameters, reaches the
    periodic steady state (unless ``initial_state`` is given) and records
    the run. A named condition is a set of these keywords:
    ``simulate(patient, 10, **CONDITIONS["cardiogenic_shock"], va_flow_l_min=4)``.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient; sets the scaled parameters (:func:`parameters_for`),
        the haemoglobin for the circuit's blood viscosity and the weight for
        ``lv_dilation_ml_per_kg``.
    duration_s : float
        Recorded duration [s]; valid (0, 3600]; rounded to a whole number
        of integration steps (:attr:`Trace.time_step_s`).
    va_flow_l_min : float, optional
        Set VA ECMO flow [L/min], drained from the central veins and
        returned to the peripheral (femoral) arteries; valid [0, 15].
        Default 0.
    lv_contractility, rv_contractility : float, optional
        Factor on the end-systolic elastance [1]; valid [0, 2]. Default 1;
        0 is a ventricle that does not contract at all.
    heart_rate_bpm : float, optional
        Heart rate [beats/min]; valid [20, 250]. Default
        :func:`default_heart_rate_bpm` (70/min in the adult).
    heart_rate_factor : float, optional
        Factor on the default heart rate [1]; valid [0.35, 1.45] (a
        tachycardia that follows the patient's size; the ends keep every
        patient from 2 to 120 kg within 20-250/min). Default 1. Not with
        ``heart_rate_bpm``.
    rpm : float, optional
        Pump speed [rev/min] for pump-driven VA flow; valid [0, 20000] and
        within the pump's range; 0 is a stopped pump (blood runs backwards
        through the circuit). Needs ``circuit``; excludes ``va_flow_l_min``.
    circuit : ecmolib.circuit.Circuit, optional
        A VA circuit (``mode == "va"``); needs ``rpm``.
    vv_flow_l_min : float, optional
        VV ECMO flow [L/min]; valid [0, 15]. Default 0. Drained from and
        returned to the central veins: recorded, no haemodynamic effect.
    lv_vent_flow_l_min : float, optional
        Flow drawn from the LV to the drainage side of the circuit by a vent
        [L/min]; valid [0, 5]. Default 0. Limited by LV collapse like the
        drainage cannula.
    arrest : bool, optional
        Cardiac arrest: no ventricular activation. Default False.
    compressions : bool, optional
        Chest compressions (usually with ``arrest``). Default False.
    compression_rate_per_min : float, optional
        Compression rate [1/min]; valid [10, 250]. Default
        :data:`COMPRESSION_RATE_PER_MIN`.
    compression_pressure_mmhg : float, optional
        Peak intrathoracic pressure of a compression, the compression depth
        expressed as pressure [mmHg]; valid [0, 200]. Default
        :data:`COMPRESSION_PRESSURE_MMHG`.
    compression_duty_cycle : float, optional
        Compressed fraction of each compression cycle [1]; valid (0, 1).
        Default :data:`COMPRESSION_DUTY_CYCLE`.
    systemic_resistance_factor : float, optional
        Factor on the systemic vascular resistance (afterload) [1]; valid
        [0.1, 10]. Default 1.
    venoconstriction_fraction : float, optional
        Share of the peripheral veins' unstressed volume recruited into the
        stressed volume [fraction], blood volume unchanged: the sympathetic
        venoconstriction of heart failure and shock (Gelman 2008,
        doi:10.1097/ALN.0b013e318168c0cd); negative values are
        venodilation; valid [-0.5, 0.9]. Default 0.
    added_volume_ml : float, optional
        Blood or fluid given (positive) or lost (negative) [mL], all of it
        stressed volume; valid [-10000, 10000] and leaving a positive
        stressed volume. Default 0. With ``initial_state`` it is added to
        the peripheral veins at the start (a bolus).
    lv_dilation_ml_per_kg : float, optional
        Eccentric remodelling: both LV pressure-volume relations moved to
        larger volumes by this much per kg of body weight [mL/kg], blood
        volume unchanged (Burkhoff et al. 2005,
        doi:10.1152/ajpheart.00138.2005), the blood coming from the
        peripheral veins' unstressed volume; valid [0, 3] (and less than
        that reservoir holds). Default 0.
    aortic_regurgitation_fraction : float, optional
        A leaking aortic valve, as the leak's share of the conductance
        through which the closed aorta empties, :math:`G_{ar}/(G_{ar} +
        1/R_{sys})` [1]; valid [0, 0.9]. Default 0. In the resting adult
        0.3 gives a regurgitant fraction of 0.16 and 0.5 of 0.29 (mild to
        moderate); the summary reports the actual one
        (``aortic_regurgitant_fraction``).
    parameters : CirculationParameters, optional
        Use these instead of :func:`parameters_for` (``patient`` then only
        supplies the haemoglobin and weight). Every option above is applied
        to them.
    initial_state : CirculationState, optional
        Start here (e.g. ``previous_trace.final_state``) instead of at the
        periodic steady state; the total volume of this state is the blood
        volume of the run.
    sample_interval_s : float, optional
        Spacing of the recorded samples [s]; valid [0.0005, 1], rounded to
        a whole number of integration steps. Default 0.005 s for runs up to
        600 s, longer runs ``duration_s``/120000.
    summary_beats : int, optional
        Number of cycles at the end of the run averaged in the summary;
        valid 1-100. Default 5.

    Returns
    -------
    Trace
        Time series, ``summary`` and ``final_state``. Summary keys
        (:data:`SUMMARY_KEYS` and more): ``map_mmhg`` (time-mean thoracic
        aortic pressure), ``pulse_pressure_mmhg``, ``systolic_pressure_mmhg``,
        ``diastolic_pressure_mmhg``, ``peripheral_map_mmhg``,
        ``lv_edv_ml`` / ``lv_esv_ml`` (max / min LV volume), ``lv_edp_mmhg``
        (LV pressure at the onset of activation; at maximum volume in
        arrest), ``lv_stroke_volume_ml``,
        ``lv_ejection_fraction``, ``lv_peak_pressure_mmhg``,
        ``aortic_valve_open_fraction`` (share of time with forward aortic
        flow), ``native_output_l_min`` (mean net aortic valve flow),
        ``aortic_regurgitant_fraction``, ``systemic_flow_l_min`` (through
        the systemic resistance: native plus ECMO), ``bronchial_flow_l_min``,
        ``coronary_perfusion_pressure_mmhg`` (mean aortic minus
        right-atrial pressure while neither the heart nor the rescuer
        compresses: diastole, or the decompression phase of CPR),
        ``ecmo_flow_l_min`` (negative if retrograde), ``ecmo_retrograde``,
        ``lv_vent_flow_l_min``, ``mean_venous_pressure_mmhg`` (central
        venous), ``peak_venous_pressure_mmhg``,
        ``mean_pulmonary_artery_pressure_mmhg``,
        ``mean_pulmonary_venous_pressure_mmhg`` (wedge), ``rv_edv_ml``,
        ``rv_esv_ml``, ``ecmo_drainage_limited_fraction``,
        ``heart_rate_bpm``, ``window_s``.

    Raises
    ------
    ValueError
        For bad input: a number out of range, NaN or of the wrong type,
        ``rpm`` without ``circuit`` (or the reverse), ``rpm`` together with
        a set ``va_flow_l_min``, ``heart_rate_bpm`` with
        ``heart_rate_factor``, a circuit that is not VA, a ``patient`` that
        is not a Patient, ``parameters`` or ``initial_state`` of the wrong
        type, an ``added_volume_ml`` that would leave no stressed volume,
        or an ``rpm`` beyond the pump's range (raised by
        :func:`ecmolib.circuit.operating_point`).

    Notes
    -----
    *Steady state.* Unless ``initial_state`` is given, the model is first
    integrated from rest (every compartment at the mean circulatory filling
    pressure) cycle by cycle until the state at the start of a cycle
    changes by less than :math:`2\times10^{-7}` of the blood volume on three
    cycles running (at most 600 s), and the recorded run starts there. The
    summary covers the last ``summary_beats`` cycles (heart beats;
    compression cycles during arrest with compressions), or the whole run
    if shorter. A ventricle that cannot eject while its bronchial return
    goes on has no steady state: it distends for as long as it is
    simulated (start such runs from ``initial_state``).

    *Validation* (``tests/test_hemodynamics.py``): adult normals; the named
    :data:`CONDITIONS` against their cited targets; VA flow on cardiogenic
    shock and chronic heart failure against Ostadal et al. 2015 and Hala et
    al. 2020 (pigs). Hala's rise of LV end-diastolic volume and pressure is
    reproduced only on a stated condition: fluid holding the central venous
    pressure as the flow goes up (841 mL in a 45 kg pig of the model; how
    the animals' filling was handled is not known here). At constant blood
    volume the extra drainage empties the right heart and the LV shrinks
    instead, as in Ostadal's pigs. Also: arrest without compressions against
    Guyton's mean circulatory filling pressure; CPR against human arterial
    pressures and the 20-35 % of normal forward flow; the neonate against
    day-1 blood pressure (Kent et al. 2007).

    *CPR* has both mechanisms: the compression raises the pressure of every
    intrathoracic compartment (thoracic pump; the venous valves at the
    thoracic inlet stop backflow into the peripheral veins) and the heart's
    valves direct the flow (cardiac pump). Right-atrial pressure therefore
    peaks with aortic pressure, as in patients.

    *Limits.* No reflexes: after a change the model shows the mechanical
    response only (e.g. a mean pressure well above normal at full VA flow,
    where a patient's vessels would dilate).

    Performance: about 3000-4300 simulated seconds per wall-clock second
    for an adult on one core, warm-up included (numba-compiled RK4 with 500
    steps per cycle; ``benchmarks/results.txt``); about 100 times slower
    as plain Python without numba. The first call in a fresh environment
    compiles the model (a few seconds; cached on disk afterwards).

    Examples
    --------
    >>> from ecmolib import hemodynamics, patients
    >>> tr = hemodynamics.simulate(patients.ADULT, 5.0)
    >>> round(tr.summary["map_mmhg"]), round(tr.summary["native_output_l_min"], 1)
    (93, 5.0)
    >>> shock = hemodynamics.CONDITIONS["cardiogenic_shock"]
    >>> on_va = hemodynamics.simulate(patients.ADULT, 5.0, **shock, va_flow_l_min=4.0)
    >>> on_va.summary["ecmo_drainage_limited_fraction"]
    0.0

    References
    ----------
    .. [1] Ostadal P et al. J Transl Med 2015;13:266.
       doi:10.1186/s12967-015-0634-6
    .. [2] Hala P et al. J Transl Med 2020;18:75.
       doi:10.1186/s12967-020-02250-x
    .. [3] Guyton AC et al. Am J Physiol 1954;179:261-267.
       doi:10.1152/ajplegacy.1954.179.2.261
    .. [4] Hoppu S, Sainio M, Huhtala H, Eilevstjonn J, Tenhunen J, Olkkola KT.
       Blood pressure during resuscitation in man - the effect of pause
       during rhythm analysis revisited. Resuscitation 2011;82:1460-1463.
       doi:10.1016/j.resuscitation.2011.06.005
    """
    patients._checked(patient)
    o = _options(duration_s, dict(
        va_flow_l_min=va_flow_l_min, vv_flow_l_min=vv_flow_l_min, lv_vent_flow_l_min=lv_vent_flow_l_min,
        lv_contractility=lv_contractility, rv_contractility=rv_contractility, heart_rate_bpm=heart_rate_bpm,
        heart_rate_factor=heart_rate_factor, arrest=arrest, compressions=compressions,
        compression_rate_per_min=compression_rate_per_min, compression_pressure_mmhg=compression_pressure_mmhg,
        compression_duty_cycle=compression_duty_cycle, systemic_resistance_factor=systemic_resistance_factor,
        venoconstriction_fraction=venoconstriction_fraction, added_volume_ml=added_volume_ml,
        lv_dilation_ml_per_kg=lv_dilation_ml_per_kg, aortic_regurgitation_fraction=aortic_regurgitation_fraction,
        summary_beats=summary_beats, sample_interval_s=sample_interval_s))
    params = _circulation(patient, parameters, o)
    ecmo_mode, *grid = _support(patient, params, o, rpm, circuit)
    pvec = _vector(params, o, ecmo_mode)
    cycle = 60.0 / o.compression_rate_per_min if (o.arrest and o.compressions) else params.heart_period_s
    dt = cycle / STEPS_PER_CYCLE
    y, t0, warm, converged = _start(params, initial_state, o.added_volume_ml, pvec, grid, cycle, dt)

    n_steps = max(1, round(o.duration_s / dt))
    whole_cycles = min(o.summary_beats, n_steps // STEPS_PER_CYCLE)
    n_tail = whole_cycles * STEPS_PER_CYCLE + 1 if whole_cycles > 0 else n_steps + 1
    rec, tail, y_end = model.run(y, t0, pvec, *grid, dt, n_steps, max(1, round(o.sample_interval_s / dt)),
                                 n_tail)
    final = CirculationState(*(float(v) for v in y_end), time_s=float(t0 + n_steps * dt))
    return Trace(**series(rec, t0, o.vv_flow_l_min), summary=summary(tail, params), final_state=final,
                 parameters=params, warmup_s=float(warm), steady_state=converged, time_step_s=float(dt))
