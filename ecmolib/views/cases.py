"""Troubleshooting cases as data, and the monitor values the models give for them.

A :class:`Case` is a story, the settings of the patient and the circuit
(as a function of the patient, so that every preset works), the candidate
causes with the right one, and the candidate actions, each a change of
settings, with the right one. Nothing a monitor shows is typed in: it is
computed by one of two pathways,

* :func:`evaluate_vv`: the VV circuit (:func:`ecmolib.circuit.operating_point`:
  pump speed, flow, drainage pressure, suction) and the VV steady state
  (:func:`ecmolib.vv.steady_state`: saturations, gases, membrane lung);
* :func:`evaluate_va`: the beat-by-beat circulation
  (:func:`ecmolib.hemodynamics.simulate`: pressures, native output, ECMO
  flow, backwards through a stopped pump) and the VA steady state
  (:func:`ecmolib.va.steady_state`: right radial and lower-body
  saturations) for the native output and ECMO flow it gives.

Both return a dict of monitor values with their units in the keys
(:data:`MONITOR_KEYS`). :data:`CASES` holds the lesson's cases in order;
:data:`CORE` names those of the lesson's core path. Adding a case is
adding one :class:`Case` (see EDUCATORS.md).

Views hold no physiology: every number here comes from the model modules;
this module only composes them.
"""

from __future__ import annotations

import dataclasses
import functools
import types
from typing import Callable, Mapping, Optional

import numpy as np

from ecmolib import _validation as _v
from ecmolib import circuit as _circuit
from ecmolib import hemodynamics, va, vv
from ecmolib import oxygenator as _oxygenator
from ecmolib import patients as _patients
from ecmolib.views import circuit_pressures as _circuit_pressures
from ecmolib.views.va_ecmo import heart_settings
from ecmolib.views.vv_ecmo import HYPERDYNAMIC_OUTPUT_FACTOR, SCENARIO_HB_G_DL

__all__ = ["Action", "Case", "MODES", "MONITOR_KEYS", "checked_case", "defaults", "settings", "evaluate_vv",
           "evaluate_va",
           "monitor", "trace", "outcomes", "CASES", "CORE"]

MODES = ("vv", "va")

#: Haemoglobin of every case [g/dL]: the lessons' scenario Hb, defined and
#: sourced in lesson 04 (:data:`ecmolib.views.vv_ecmo.SCENARIO_HB_G_DL`, 12).
HB_G_DL = SCENARIO_HB_G_DL
#: Filling pressure of the veins the drainage cannula draws from [mmHg]
#: (:func:`ecmolib.circuit.operating_point`'s ``venous_pressure_mmhg``):
#: 10, as in lesson 03 (an assumption of a volume-resuscitated patient).
VENOUS_PRESSURE_MMHG = _circuit_pressures.SCENARIO["venous_pressure_mmhg"]
#: Right-atrial pressure the VV return cannula pumps into [mmHg] (an assumption).
RIGHT_ATRIAL_PRESSURE_MMHG = 8.0
# Simulated time per VA state [s], after the periodic steady state (as lesson 05's lv_loading).
_VA_RUN_S = 3.0
# Smallest ECMO flow handed to the VA steady state [L/min] (a stopped or clamped circuit).
_NO_FLOW_L_MIN = 1e-3

#: Monitor values of each pathway, in the order a console shows them.
MONITOR_KEYS = types.MappingProxyType({
    "vv": ("sao2", "paco2_mmhg", "pre_oxygenator_so2", "post_oxygenator_po2_mmhg", "membrane_pressure_drop_mmhg",
           "ecmo_flow_l_min", "cardiac_output_l_min", "rpm", "drainage_pressure_mmhg", "venous_pressure_mmhg"),
    "va": ("map_mmhg", "pulse_pressure_mmhg", "right_radial_so2", "left_radial_so2", "lower_body_so2",
           "post_oxygenator_po2_mmhg", "ecmo_flow_l_min", "lv_edp_mmhg", "mean_pulmonary_venous_pressure_mmhg",
           "aortic_valve_open_fraction"),
})


def defaults(mode, patient) -> dict:
    """Settings every case of a mode starts from, for a patient.

    VV: the typical full-support flow (:func:`ecmolib.patients.target_ecmo_flow_l_min`)
    set on the pump of the patient's VV circuit (:func:`ecmolib.circuit.for_patient`),
    a cardiac output of lesson 04's hyperdynamic factor (1.2) times rest,
    dead native lungs (shunt 1, FiO2 0.21), sweep equal to the flow of O2,
    recirculation rising with flow (:class:`ecmolib.vv.FlowDependentRecirculation`
    at its defaults), a new oxygenator. VA: the shocked heart of lesson 05
    (``heart_recovery`` 0, :func:`ecmolib.views.va_ecmo.heart_settings`) on
    the typical full VA flow with femoral return, lungs with a 30 % shunt
    ventilated with 50 % O2 (ASSUMPTION of these cases: injured but not
    dead lungs, so the heart's own blood is bluer than the ECMO blood and a
    differential saturation can show; lesson 05's scenario takes 70 %).

    Setting keys (units in the names; fractions 0..1):

    * both: ``hb_g_dl``, ``fdo2``, ``fio2``, ``shunt_fraction``,
      ``sweep_to_blood_flow_ratio`` (sweep gas flow over ECMO blood flow; 0
      is the sweep turned off), ``oxygenator_health``,
      ``oxygenator_clot_fraction``;
    * VV: ``pump_flow_l_min`` (the flow the pump speed is set for) or
      ``rpm`` (a fixed speed; the flow follows), ``venous_pressure_mmhg``,
      ``right_atrial_pressure_mmhg``, ``cardiac_output_l_min``,
      ``reference_recirculation``, ``cannula_distance_cm``,
      ``alveolar_ventilation_l_min`` (None: the patient's);
    * VA: ``va_flow_l_min`` (set flow) or ``rpm`` (pump speed on the
      patient's VA circuit; 0 is a stopped pump), ``clamped`` (no flow
      either way), ``heart_recovery``, ``lv_vent_flow_l_min``,
      ``added_volume_ml_per_kg``, ``cannulation``.

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.views import cases
    >>> s = cases.defaults("vv", patients.ADULT)
    >>> s["pump_flow_l_min"], s["cardiac_output_l_min"], s["shunt_fraction"]
    (4.2, 6.0, 1.0)
    """
    p = _patients._checked(patient)
    mode = _v.choice("mode", mode, MODES)
    common = {"hb_g_dl": HB_G_DL, "fdo2": 1.0, "sweep_to_blood_flow_ratio": 1.0, "oxygenator_health": 1.0,
              "oxygenator_clot_fraction": 0.0}
    if mode == "vv":
        return {**common, "pump_flow_l_min": round(_patients.target_ecmo_flow_l_min(p, "vv"), 6), "rpm": None,
                "venous_pressure_mmhg": VENOUS_PRESSURE_MMHG,
                "right_atrial_pressure_mmhg": RIGHT_ATRIAL_PRESSURE_MMHG,
                "cardiac_output_l_min": round(HYPERDYNAMIC_OUTPUT_FACTOR * p.cardiac_output_l_min, 6),
                "reference_recirculation": vv.FlowDependentRecirculation.reference_recirculation,
                "cannula_distance_cm": vv.FlowDependentRecirculation.cannula_distance_cm,
                "shunt_fraction": 1.0, "fio2": 0.21, "alveolar_ventilation_l_min": None}
    return {**common, "va_flow_l_min": round(_patients.target_ecmo_flow_l_min(p, "va"), 6), "rpm": None,
            "clamped": False, "heart_recovery": 0.0, "lv_vent_flow_l_min": 0.0, "added_volume_ml_per_kg": 0.0,
            "cannulation": "femoral", "shunt_fraction": 0.3, "fio2": 0.5}


def per_patient(rule):
    """Mark ``rule(settings, patient)`` as an action value that needs the patient (see :class:`Action`)."""
    rule.per_patient = True
    return rule


@dataclasses.dataclass(frozen=True)
class Action:
    """One thing the learner may do: a change of settings.

    Parameters
    ----------
    key : str
        Its letter in the list (``"a"``).
    text : str
        What is done, in words.
    set : mapping, optional
        Settings given new values (keys of :func:`defaults`); a value may
        be a function of the settings before the action
        (``lambda s: 0.25 * s["va_flow_l_min"]``), or of the settings and
        the patient (:func:`per_patient`).
    scale : mapping, optional
        Settings multiplied by a factor (numeric settings only).

    Examples
    --------
    >>> Action("a", "lower the flow", scale={"pump_flow_l_min": 0.8}).apply({"pump_flow_l_min": 5.0})
    {'pump_flow_l_min': 4.0}
    """

    key: str
    text: str
    set: Mapping = dataclasses.field(default_factory=dict)
    scale: Mapping = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        _text("key", self.key)
        _text("text", self.text)
        for name in ("set", "scale"):
            if not isinstance(getattr(self, name), Mapping):
                raise ValueError(f"action {self.key!r}: {name} must be a mapping of setting names to values; "
                                 f"got {type(getattr(self, name)).__name__}")

    def apply(self, settings: dict, patient=None) -> dict:
        """The settings after this action (a new dict); ``patient`` for :func:`per_patient` values."""
        unknown = (set(self.set) | set(self.scale)) - set(settings)
        if unknown:
            raise ValueError(f"action {self.key!r} changes unknown settings {sorted(unknown)}; "
                             f"valid settings are {sorted(settings)}")

        def value(v):
            if getattr(v, "per_patient", False):
                if patient is None:
                    raise ValueError(f"action {self.key!r} needs the patient (a per_patient value)")
                return v(settings, patient)
            return v(settings) if callable(v) else v

        out = {**settings, **{k: value(v) for k, v in self.set.items()}}
        for name, factor in self.scale.items():
            if not isinstance(out[name], (int, float)) or isinstance(out[name], bool):
                raise ValueError(f"action {self.key!r} scales {name}, which is {out[name]!r}, not a number")
            out[name] = round(float(out[name]) * float(factor), 9)
        return out


@dataclasses.dataclass(frozen=True)
class Case:
    """A troubleshooting case: a story, settings, causes and actions.

    Parameters
    ----------
    key : str
        Short name (a key of :data:`CASES`).
    title : str
        Heading.
    story : str
        What the bedside team tells you (no numbers: the monitor gives them).
    mode : {"vv", "va"}
        Which pathway computes the monitor (:func:`evaluate_vv`, :func:`evaluate_va`).
    baseline : callable
        ``baseline(patient) -> dict``: the settings that differ from
        :func:`defaults` for this case.
    causes : mapping of str to str
        Candidate causes (or, for a weaning trial, what is being tested), by letter.
    cause : str
        Key of the right cause.
    actions : tuple of Action
        Candidate actions.
    action : str
        Key of the right action.
    watch : tuple of str
        Monitor keys (:data:`MONITOR_KEYS`) that tell the story; framed on
        the monitor after an action (never before: the frame would give the
        answer away).
    hint : str, optional
        Shown when a choice is wrong.
    also_right : mapping of str to str, optional
        Other actions that are also right, by key, with a note shown when
        one is chosen (e.g. a quick step while the first-line fix is set up).
    question : str, optional
        The question above the causes: "What is the cause?" by default; a
        weaning trial asks "What do you watch?".
    earlier : Action, optional
        An earlier state of the same patient (its ``text`` says when), as a
        change of the case's settings; the lesson prints its chart line
        (a trend the bedside team has seen).
    """

    key: str
    title: str
    story: str
    mode: str
    baseline: Callable[[_patients.Patient], dict]
    causes: Mapping[str, str]
    cause: str
    actions: tuple
    action: str
    watch: tuple
    hint: str = ""
    also_right: Mapping[str, str] = dataclasses.field(default_factory=dict)
    question: str = "What is the cause?"
    earlier: Optional[Action] = None

    def __post_init__(self):
        for name in ("key", "title", "story", "cause", "action", "hint", "question"):
            _text(name, getattr(self, name), empty=name == "hint")
        _v.choice("mode", self.mode, MODES)
        if not callable(self.baseline):
            raise ValueError(f"case {self.key!r}: baseline must be a function of the patient returning settings; "
                             f"got {type(self.baseline).__name__}")
        if not isinstance(self.causes, Mapping) or not all(isinstance(a, Action) for a in self.actions):
            raise ValueError(f"case {self.key!r}: causes must be a mapping of letters to text and actions a "
                             f"tuple of Action")
        if self.cause not in self.causes:
            raise ValueError(f"case {self.key!r}: cause must be one of {sorted(self.causes)}; got {self.cause!r}")
        keys = [a.key for a in self.actions]
        if len(set(keys)) != len(keys) or self.action not in keys:
            raise ValueError(f"case {self.key!r}: actions need distinct keys and action one of them; "
                             f"got keys {keys}, action {self.action!r}")
        if set(self.also_right) - (set(keys) - {self.action}):
            raise ValueError(f"case {self.key!r}: also_right must name other actions of {keys}; "
                             f"got {sorted(self.also_right)}")
        bad = set(self.watch) - set(MONITOR_KEYS[self.mode])
        if bad:
            raise ValueError(f"case {self.key!r}: watch keys {sorted(bad)} are not monitor values of "
                             f"{self.mode!r}; valid: {MONITOR_KEYS[self.mode]}")

    def find_action(self, key) -> Action:
        """The action with this key (ValueError naming the valid keys otherwise)."""
        for a in self.actions:
            if a.key == key:
                return a
        raise ValueError(f"case {self.key!r}: action must be one of {[a.key for a in self.actions]}; got {key!r}")

    @property
    def options(self) -> dict:
        """Actions as key -> text (for :func:`ecmolib.selfcheck.choice`)."""
        return {a.key: a.text for a in self.actions}


def _text(name, value, *, empty=False):
    """``value`` if it is text (non-empty unless ``empty``), else a ValueError naming ``name``."""
    if not isinstance(value, str) or not (empty or value.strip()):
        raise ValueError(f"{name} must be {'' if empty else 'non-empty '}text; got {value!r}")
    return value


def checked_case(case) -> "Case":
    """``case`` if it is a :class:`Case`, else a ValueError saying what was given."""
    if not isinstance(case, Case):
        raise ValueError(f"case must be a cases.Case (for example cases.CASES['recirculation']); "
                         f"got {type(case).__name__}")
    return case


def settings(case, patient, action=None) -> dict:
    """Full settings of a case for a patient: defaults, the case's baseline, then an action (a key or None)."""
    case = checked_case(case)
    p = _patients._checked(patient)
    base = defaults(case.mode, p)
    changed = case.baseline(p)
    unknown = set(changed) - set(base)
    if unknown:
        raise ValueError(f"case {case.key!r}: baseline sets unknown settings {sorted(unknown)}; "
                         f"valid settings are {sorted(base)}")
    s = {**base, **changed}
    return s if action is None else case.find_action(action).apply(s, p)


def _frozen(s):
    """Settings as a hashable key for the cached evaluations (a ValueError for a value that cannot be one)."""
    try:
        key = tuple(sorted(s.items()))
        hash(key)
    except TypeError:
        bad = [k for k, v in s.items() if not isinstance(v, (int, float, str, type(None)))]
        raise ValueError(f"settings must be numbers, text or None; got {bad} of another kind") from None
    return key


def _checked_settings(mode, patient, settings_):
    """``settings_`` if it holds exactly the keys of :func:`defaults` for ``mode``, else a ValueError."""
    if not isinstance(settings_, Mapping):
        raise ValueError(f"settings_ must be a mapping of setting names to values (see cases.defaults); "
                         f"got {type(settings_).__name__}")
    expected = set(defaults(mode, patient))
    if set(settings_) != expected:
        raise ValueError(f"settings_ for {mode!r} must have the keys of cases.defaults({mode!r}, patient); "
                         f"missing {sorted(expected - set(settings_))}, unknown {sorted(set(settings_) - expected)}")
    return settings_


def _oxygenator_for(patient, mode, s):
    return dataclasses.replace(_oxygenator.for_patient(patient, mode), health=s["oxygenator_health"],
                               clot_fraction=s["oxygenator_clot_fraction"])


@functools.lru_cache(maxsize=256)
def _vv(patient, frozen):
    s = dict(frozen)
    ox = _oxygenator_for(patient, "vv", s)
    c = dataclasses.replace(_circuit.for_patient(patient, "vv"), oxygenator=ox)
    pressures = {"venous_pressure_mmhg": s["venous_pressure_mmhg"],
                 "arterial_pressure_mmhg": s["right_atrial_pressure_mmhg"]}
    rpm = s["rpm"]
    if rpm is None:
        rpm = _circuit.speed_for_flow(c, s["pump_flow_l_min"], hb_g_dl=s["hb_g_dl"], **pressures)
        rpm = c.pump.rpm_max if rpm is None else float(rpm)
    op = _circuit.operating_point(c, rpm, hb_g_dl=s["hb_g_dl"], **pressures)
    flow = float(op.flow_l_min)
    recirculation = vv.FlowDependentRecirculation(reference_recirculation=s["reference_recirculation"],
                                                  cannula_distance_cm=s["cannula_distance_cm"])
    r = vv.steady_state(patient, flow, recirculation=recirculation, shunt_fraction=s["shunt_fraction"],
                        fio2=s["fio2"], fdo2=s["fdo2"], sweep_l_min=s["sweep_to_blood_flow_ratio"] * flow,
                        oxygenator=ox, cardiac_output_l_min=s["cardiac_output_l_min"], hb_g_dl=s["hb_g_dl"],
                        alveolar_ventilation_l_min=s["alveolar_ventilation_l_min"])
    f = float
    return types.MappingProxyType({
        "sao2": f(r.sao2), "paco2_mmhg": f(r.paco2_mmhg), "pre_oxygenator_so2": f(r.pre_oxygenator.so2),
        "post_oxygenator_po2_mmhg": f(r.post_oxygenator.po2_mmhg),
        "membrane_pressure_drop_mmhg": f(op.transmembrane_pressure_mmhg), "ecmo_flow_l_min": flow,
        "cardiac_output_l_min": f(s["cardiac_output_l_min"]),
        "rpm": f(rpm), "drainage_pressure_mmhg": f(op.drainage_pressure_mmhg),
        "venous_pressure_mmhg": f(s["venous_pressure_mmhg"]), "suction": f(bool(op.suction)),
        "recirculation_fraction": f(r.recirculation), "svo2": f(r.svo2),
        "paco2_rise_mmhg_min": f(r.paco2_rise_mmhg_min), "o2_deficit_ml_min": f(r.o2_deficit_ml_min),
    })


def evaluate_vv(patient, settings_: dict) -> dict:
    """Monitor values of a VV setting (see :func:`defaults` for the keys).

    The pump speed is the one that gives ``pump_flow_l_min`` on the
    patient's VV circuit (:func:`ecmolib.circuit.speed_for_flow`, or the
    pump's maximum if none does) unless ``rpm`` is given; the flow is the
    circuit's at that speed (:func:`ecmolib.circuit.operating_point`: less
    than asked where the veins collapse, ``suction``), and the gases are
    :func:`ecmolib.vv.steady_state`'s at that flow.

    Returns
    -------
    dict
        :data:`MONITOR_KEYS` ``["vv"]`` and ``suction`` (1.0 or 0.0),
        ``recirculation_fraction``, ``svo2``, ``paco2_rise_mmhg_min`` [mmHg/min],
        ``o2_deficit_ml_min`` [mL/min].

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.views import cases
    >>> m = cases.evaluate_vv(patients.ADULT, cases.defaults("vv", patients.ADULT))
    >>> round(m["ecmo_flow_l_min"], 2), m["suction"]
    (4.2, 0.0)
    """
    p = _patients._checked(patient)
    return dict(_vv(p, _frozen(_checked_settings("vv", p, settings_))))


@functools.lru_cache(maxsize=128)
def _va(patient, frozen):
    s = dict(frozen)
    ox = _oxygenator_for(patient, "va", s)
    if s["clamped"]:
        drive = {"va_flow_l_min": 0.0}
    elif s["rpm"] is not None:
        drive = {"rpm": float(s["rpm"]), "circuit": dataclasses.replace(_circuit.for_patient(patient, "va"),
                                                                        oxygenator=ox)}
    else:
        drive = {"va_flow_l_min": s["va_flow_l_min"]}
    tr = hemodynamics.simulate(patient, _VA_RUN_S, lv_vent_flow_l_min=s["lv_vent_flow_l_min"],
                               added_volume_ml=s["added_volume_ml_per_kg"] * patient.weight_kg, **drive,
                               **heart_settings(s["heart_recovery"]))
    q = float(tr.summary["ecmo_flow_l_min"])
    forward = max(q, _NO_FLOW_L_MIN)  # blood running backwards is not oxygenated on its way to the body
    # The native output, not the (smaller) systemic flow, goes to the steady
    # state even when blood runs back through a stopped pump: that arterial
    # blood joins the venous return, so the lungs see the content of the
    # whole native output less VO2, Ca - VO2 / (10 Qn), which is what the
    # steady state computes; the body's loss shows in the pressures.
    r = va.steady_state(patient, forward, native_output_l_min=max(float(tr.summary["native_output_l_min"]), 0.0),
                        cannulation=s["cannulation"], shunt_fraction=s["shunt_fraction"], fio2=s["fio2"],
                        fdo2=s["fdo2"], sweep_l_min=s["sweep_to_blood_flow_ratio"] * forward,
                        hb_g_dl=s["hb_g_dl"], oxygenator=ox)
    f = float
    numbers = {k: f(tr.summary[k]) for k in ("map_mmhg", "pulse_pressure_mmhg", "lv_edp_mmhg",
                                              "mean_pulmonary_venous_pressure_mmhg", "aortic_valve_open_fraction",
                                              "native_output_l_min")}
    numbers["drainage_limited_fraction"] = f(tr.summary["ecmo_drainage_limited_fraction"])
    numbers.update({"right_radial_so2": f(r.sao2_right_radial), "left_radial_so2": f(r.region_so2["left_arm"]),
                    "brain_so2": f(r.region_so2["brain"]), "coronary_so2": f(r.region_so2["coronary"]),
                    "lower_body_so2": f(r.region_so2["lower_body"]),
                    "post_oxygenator_po2_mmhg": f(r.post_oxygenator.po2_mmhg), "ecmo_flow_l_min": q,
                    "retrograde": f(bool(tr.summary["ecmo_retrograde"])),
                    "right_radial_pco2_mmhg": f(r.native_pco2_mmhg), "mixing_zone_position": f(r.mixing_zone_position)})
    return types.MappingProxyType(numbers), tr


def evaluate_va(patient, settings_: dict) -> dict:
    """Monitor values of a VA setting (see :func:`defaults` for the keys).

    Three seconds of :func:`ecmolib.hemodynamics.simulate` at the periodic
    steady state of the heart :func:`ecmolib.views.va_ecmo.heart_settings`
    gives the pressures, the native output and the ECMO flow (negative:
    backwards through a stopped or slow pump, ``rpm`` on the patient's VA
    circuit); :func:`ecmolib.va.steady_state` for that native output and
    forward ECMO flow gives the saturations. Cached by setting.

    Returns
    -------
    dict
        :data:`MONITOR_KEYS` ``["va"]`` and ``native_output_l_min`` [L/min],
        ``retrograde`` (1.0 or 0.0), ``right_radial_pco2_mmhg``,
        ``mixing_zone_position`` (0 valve .. 1 bifurcation), ``brain_so2``
        and ``coronary_so2`` (the blood reaching them),
        ``drainage_limited_fraction`` (share of the time the veins collapse
        around the drainage cannula, so the flow falls short of the set one).
    """
    p = _patients._checked(patient)
    return dict(_va(p, _frozen(_checked_settings("va", p, settings_)))[0])


def monitor(case, patient, action=None) -> dict:
    """Monitor values of a case for a patient, before (``action`` None) or after an action (its key).

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.views import cases
    >>> case = cases.CASES["recirculation"]
    >>> before = cases.monitor(case, patients.ADULT)
    >>> after = cases.monitor(case, patients.ADULT, case.action)
    >>> after["sao2"] > before["sao2"]
    True
    """
    s = settings(case, patient, action)
    return (evaluate_vv if checked_case(case).mode == "vv" else evaluate_va)(patient, s)


def trace(case, patient, action=None):
    """The beat-by-beat trace of a VA case (None for a VV case), as :func:`monitor` ran it."""
    if checked_case(case).mode != "va":
        return None
    p = _patients._checked(patient)
    return _va(p, _frozen(settings(case, p, action)))[1]


def outcomes(case, patient) -> dict:
    """Monitor values before and after every action: ``{"before": ..., key: ...}``."""
    found = {"before": monitor(case, patient)}
    found.update({a.key: monitor(case, patient, a.key) for a in case.actions})
    return found



# --------------------------------------------------------------------------
# The lesson's cases. Each baseline is a function of the patient, so that
# every preset works; flows follow the patient's size and cardiac output.
# --------------------------------------------------------------------------

_VV_CAUSES = {"a": "returned blood drawn back into the drainage cannula",
              "b": "a cardiac output too large for the ECMO flow",
              "c": "oxygen transfer failing inside the oxygenator",
              "d": "a pneumothorax collapsing what is left of the lung",
              "e": "venous blood drawn by mistake into the arterial sample"}

#: Distance between the cannula tips after repositioning in the VV cases [cm] (an assumption; the
#: explorer's range is 5-40 cm).
REPOSITIONED_DISTANCE_CM = 30.0

RECIRCULATION = Case(
    key="recirculation", title="VV: the saturation is falling overnight",
    story=("Day 3 of VV ECMO (femoral drainage, jugular return) for ARDS; the lungs still exchange almost no gas. "
           "Overnight the saturation drifted down, so the night team raised the pump speed in steps. The "
           "saturation is now lower than before the first step."),
    mode="vv",
    baseline=lambda p: {"pump_flow_l_min": round(HYPERDYNAMIC_OUTPUT_FACTOR * p.cardiac_output_l_min, 6),
                        "reference_recirculation": 0.5, "cannula_distance_cm": 10.0},
    causes=_VV_CAUSES, cause="a",
    actions=(Action("a", "raise the pump flow by another 15 %", scale={"pump_flow_l_min": 1.15}),
             Action("b", "lower the pump flow by a quarter", scale={"pump_flow_l_min": 0.75}),
             Action("c", "change the oxygenator for a new one", set={"oxygenator_health": 1.0}),
             Action("d", "reposition the cannulae under echo", set={"cannula_distance_cm": REPOSITIONED_DISTANCE_CM}),
             Action("e", "double the sweep gas flow", scale={"sweep_to_blood_flow_ratio": 2.0})),
    action="d", watch=("sao2", "pre_oxygenator_so2", "ecmo_flow_l_min", "cardiac_output_l_min"),
    also_right={"b": "Lowering the flow also cuts the recirculation, at the cost of support; it is the quick step "
                     "while echo is brought to the bedside. Compare both after-monitors."},
    hint="Look at the chart line: what did the pre-oxygenator saturation do each time the flow went up?",
    earlier=Action("earlier", "22:00, before the speed was raised", scale={"pump_flow_l_min": 0.75}))

#: Cardiac output of the feverish patient of :data:`HIGH_OUTPUT` as a
#: multiple of the preset's resting output: 2.0. ASSUMPTION (a septic,
#: hyperdynamic circulation; no single source). The case keeps the resting
#: VO2, a simplification: fever raises it by roughly a tenth per degree,
#: which would lower the saturation further and not change the answer.
FEVER_OUTPUT_FACTOR = 2.0

HIGH_OUTPUT = Case(
    key="high_output", title="VV: a lower saturation on day 5",
    story=("Day 5 of VV ECMO for pneumonia, with a new fever overnight. The saturation is lower than yesterday at "
           "the same pump speed."),
    mode="vv",
    baseline=lambda p: {"cardiac_output_l_min": round(FEVER_OUTPUT_FACTOR * p.cardiac_output_l_min, 6),
                        "cannula_distance_cm": 25.0},
    causes=_VV_CAUSES, cause="b",
    actions=(Action("a", "reposition the cannulae under echo", set={"cannula_distance_cm": 35.0}),
             Action("b", "raise the pump flow by 30 %", scale={"pump_flow_l_min": 1.3}),
             Action("c", "change the oxygenator for a new one", set={"oxygenator_health": 1.0}),
             Action("d", "raise the sweep gas flow by 50 %", scale={"sweep_to_blood_flow_ratio": 1.5})),
    action="b", watch=("sao2", "pre_oxygenator_so2", "ecmo_flow_l_min", "cardiac_output_l_min"),
    hint="The oxygenator output is fine and the pre-oxygenator blood is dark: how much of the venous return does "
         "the circuit take?",
    earlier=Action("earlier", "yesterday, before the fever", set={"cardiac_output_l_min": lambda s: round(
        0.6 * s["cardiac_output_l_min"], 6)}))

OXYGENATOR_FAILURE = Case(
    key="oxygenator_failure", title="VV: a slow decline over two days",
    story=("Day 12 of VV ECMO. Over two days the saturation has fallen slowly at an unchanged pump flow, and the "
           "sweep gas was raised twice to keep the PaCO2 in range."),
    mode="vv",
    baseline=lambda p: {"oxygenator_clot_fraction": 0.25, "cannula_distance_cm": 25.0},
    causes=_VV_CAUSES, cause="c",
    actions=(Action("a", "raise the pump flow by 30 %", scale={"pump_flow_l_min": 1.3}),
             Action("b", "double the sweep gas flow to clear the CO2", scale={"sweep_to_blood_flow_ratio": 2.0}),
             Action("c", "change the oxygenator for a new one",
                    set={"oxygenator_health": 1.0, "oxygenator_clot_fraction": 0.0}),
             Action("d", "reposition the cannulae under echo", set={"cannula_distance_cm": 35.0})),
    action="c", watch=("post_oxygenator_po2_mmhg", "membrane_pressure_drop_mmhg", "paco2_mmhg", "sao2"),
    hint="Which number is the oxygenator's own report card, and which one rises when its fibres block?")


def _vv_speed_rpm(patient):
    """Pump speed [rev/min] that gives the typical VV flow at the default pressures (new oxygenator)."""
    c = _circuit.for_patient(patient, "vv")
    rpm = _circuit.speed_for_flow(c, _patients.target_ecmo_flow_l_min(patient, "vv"), hb_g_dl=HB_G_DL,
                                  venous_pressure_mmhg=VENOUS_PRESSURE_MMHG,
                                  arterial_pressure_mmhg=RIGHT_ATRIAL_PRESSURE_MMHG)
    return round(float(rpm), 0)


@per_patient
def _speed_without_suction(s, patient):
    """The highest pump speed [rev/min], in steps of 10 below the set one, at which the veins no longer collapse."""
    ox = _oxygenator_for(patient, "vv", s)
    c = dataclasses.replace(_circuit.for_patient(patient, "vv"), oxygenator=ox)
    speeds = np.arange(float(s["rpm"]), 0.0, -10.0)
    op = _circuit.operating_point(c, speeds, hb_g_dl=s["hb_g_dl"], venous_pressure_mmhg=s["venous_pressure_mmhg"],
                                  arterial_pressure_mmhg=s["right_atrial_pressure_mmhg"])
    free = np.flatnonzero(~np.asarray(op.suction, bool))
    return float(speeds[free[0]]) if free.size else float(speeds[-1])


DRAINAGE = Case(
    key="drainage", title="VV: the drainage line shakes",
    story=("Day 2 of VV ECMO. The drainage line shakes and the flow has dropped although nobody touched the pump "
           "speed; the saturation is falling."),
    mode="vv",
    baseline=lambda p: {"rpm": _vv_speed_rpm(p), "venous_pressure_mmhg": 3.0, "right_atrial_pressure_mmhg": 2.0,
                        "cannula_distance_cm": 25.0},
    causes={"a": "cardiac tamponade squeezing the right atrium",
            "b": "a kink or a clot in the drainage line",
            "c": "too little blood in the veins (hypovolaemia)",
            "d": "the cannula tip sucked against the vein wall",
            "e": "a raised abdominal pressure squeezing the cava"},
    cause="c",
    actions=(Action("a", "raise the pump speed by 15 % to win back the flow", scale={"rpm": 1.15}),
             Action("b", "lower the pump speed until the chatter stops", set={"rpm": _speed_without_suction}),
             Action("c", "give volume in small boluses, watching the lungs",
                    set={"venous_pressure_mmhg": VENOUS_PRESSURE_MMHG,
                         "right_atrial_pressure_mmhg": RIGHT_ATRIAL_PRESSURE_MMHG}),
             Action("d", "change the oxygenator for a new one", set={"oxygenator_health": 1.0})),
    action="c", watch=("drainage_pressure_mmhg", "venous_pressure_mmhg", "ecmo_flow_l_min", "sao2"),
    also_right={"b": "Right as the first step: it stops the suction (and the haemolysis) but does not bring the "
                     "flow back. Then treat the cause."},
    hint="What is the venous filling pressure (CVP), and does more pump speed bring more flow?")

DIFFERENTIAL_HYPOXIA = Case(
    key="differential_hypoxia", title="VA: a low saturation on the right hand",
    story=("Day 4 of femoral VA ECMO for cardiogenic shock with pulmonary oedema. The oximeter on the right hand "
           "reads low and the nurse asks whether it matters. (In a baby on a neck circuit the ECMO blood enters the "
           "arch; the case keeps femoral return at every size to show the physiology.)"),
    mode="va",
    baseline=lambda p: {"heart_recovery": 0.25, "shunt_fraction": 0.8},
    causes={"a": "oxygen transfer failing inside the oxygenator",
            "b": "an oximeter artefact on a cold, poorly perfused hand",
            "c": "blood from shunting lungs ejected by the heart",
            "d": "too little ECMO flow for the body's oxygen needs"},
    cause="c",
    actions=(Action("a", "double the sweep gas flow through the oxygenator", scale={"sweep_to_blood_flow_ratio": 2.0}),
             Action("b", "raise the ventilator FiO2 to 1.0", set={"fio2": 1.0}),
             Action("c", "move the return to the right axillary artery", set={"cannulation": "axillary"}),
             Action("d", "raise the ECMO flow by 25 % to lift the saturation", scale={"va_flow_l_min": 1.25})),
    action="c", watch=("right_radial_so2", "left_radial_so2", "lower_body_so2", "post_oxygenator_po2_mmhg"),
    hint="Whose blood reaches the right radial artery: the heart's or the circuit's?")

LV_DISTENSION = Case(
    key="lv_distension", title="VA: a flat arterial line six hours on",
    story=("Six hours after femoral VA ECMO was started for cardiogenic shock after a large infarction. The mean "
           "pressure looks good; the ventilator needs more oxygen than at the start."),
    mode="va",
    baseline=lambda p: {},
    causes={"a": "oxygen transfer failing inside the oxygenator",
            "b": "hypovolaemia: too little blood to eject",
            "c": "cardiac tamponade compressing the heart",
            "d": "severe aortic regurgitation filling the LV",
            "e": "an LV too weak to open the aortic valve"},
    cause="e",
    actions=(Action("a", "raise the ECMO flow by 25 % to support the pressure", scale={"va_flow_l_min": 1.25}),
             Action("b", "vent the LV (a quarter of the ECMO flow)",
                    set={"lv_vent_flow_l_min": lambda s: round(0.25 * s["va_flow_l_min"], 6)}),
             Action("c", "give a fluid bolus of 10 mL/kg", set={"added_volume_ml_per_kg": 10.0}),
             Action("d", "double the sweep gas flow", scale={"sweep_to_blood_flow_ratio": 2.0})),
    action="b", watch=("pulse_pressure_mmhg", "lv_edp_mmhg", "mean_pulmonary_venous_pressure_mmhg",
                       "aortic_valve_open_fraction"),
    hint="A flat trace on VA: does the aortic valve still open? Where does the blood reaching the left heart go?")


PUMP_STOP = Case(
    key="pump_stop", title="VA: the console alarms",
    story=("Day 2 of femoral VA ECMO, the heart partly recovered. The console alarms and the pump display reads "
           "0 rev/min (a controller failure)."),
    mode="va",
    baseline=lambda p: {"rpm": 0.0, "heart_recovery": 0.25},
    causes={"a": "the heart failing again with a lower output",
            "b": "blood running backwards through the pump",
            "c": "the return cannula pulled out of the artery",
            "d": "a clot that has blocked the oxygenator"},
    cause="b",
    actions=(Action("a", "restart at 1000 rev/min with the lines open", set={"rpm": 1000.0}),
             Action("b", "clamp the return line, then hand-crank", set={"clamped": True}),
             Action("c", "give a fluid bolus of 10 mL/kg", set={"added_volume_ml_per_kg": 10.0}),
             Action("d", "double the sweep gas flow", scale={"sweep_to_blood_flow_ratio": 2.0})),
    action="b", watch=("ecmo_flow_l_min", "map_mmhg", "pulse_pressure_mmhg"),
    hint="Which way does blood go through a stopped centrifugal pump between an artery and a vein?")

#: Sweep gas over blood flow of the VV weaning case before the trial: a low sweep that leaves the
#: PaCO2 near 40 mmHg with the recovered lungs (the sweep is weaned in steps before the trial off).
WEANING_SWEEP_RATIO = 0.1

WEANING_VV = Case(
    key="weaning_vv", title="VV: are the lungs ready?",
    story=("Day 16 of VV ECMO. The chest X-ray has cleared, the tidal volumes have grown, and the ventilator is "
           "at FiO2 0.4 and ordinary settings. The sweep gas has been weaned step by step over the day. The team "
           "plans a trial off."),
    mode="vv",
    baseline=lambda p: {"shunt_fraction": 0.15, "fio2": 0.4, "cannula_distance_cm": 25.0,
                        "sweep_to_blood_flow_ratio": WEANING_SWEEP_RATIO},
    causes={"a": "the pulse pressure and the LV filling pressure",
            "b": "the SaO2 and PaCO2 on the native lungs",
            "c": "the post-oxygenator PO2 and the ΔP"},
    cause="b", question="What do you watch?",
    actions=(Action("a", "turn the sweep gas off, flow unchanged", set={"sweep_to_blood_flow_ratio": 0.0}),
             Action("b", "turn the pump flow down to a quarter", scale={"pump_flow_l_min": 0.25}),
             Action("c", "raise the FiO2 to 1.0 with ECMO unchanged", set={"fio2": 1.0})),
    action="a", watch=("sao2", "paco2_mmhg", "post_oxygenator_po2_mmhg"),
    hint="On VV the circuit adds nothing once the sweep gas is off, whatever the flow.")

WEANING_VA = Case(
    key="weaning_va", title="VA: is the heart ready?",
    story=("Day 6 of femoral VA ECMO, the flow already at half. The arterial trace has grown pulsatile and the "
           "lungs are clear. The team plans a trial of lower flow."),
    mode="va",
    baseline=lambda p: {"heart_recovery": 0.75, "shunt_fraction": 0.1, "fio2": 0.4,
                        "va_flow_l_min": round(0.5 * _patients.target_ecmo_flow_l_min(p, "va"), 6)},
    causes={"a": "pulse and mean pressure, LV filling, echo",
            "b": "the SaO2 and PaCO2 on the native lungs",
            "c": "the post-oxygenator PO2 and the oxygenator ΔP"},
    cause="a", question="What do you watch?",
    actions=(Action("a", "turn the ECMO flow down by half", scale={"va_flow_l_min": 0.5}),
             Action("b", "turn the sweep gas off, flow kept", set={"sweep_to_blood_flow_ratio": 0.0}),
             Action("c", "raise the ECMO flow by 25 %", scale={"va_flow_l_min": 1.25})),
    action="a", watch=("pulse_pressure_mmhg", "map_mmhg", "lv_edp_mmhg", "aortic_valve_open_fraction",
                       "lower_body_so2"),
    hint="Which mode carries the circulation, and what would a failing heart do when the flow comes down?")

#: The lesson's cases by key, in the lesson's order.
CASES = types.MappingProxyType({c.key: c for c in (RECIRCULATION, HIGH_OUTPUT, OXYGENATOR_FAILURE, DRAINAGE,
                                                    DIFFERENTIAL_HYPOXIA, LV_DISTENSION, PUMP_STOP, WEANING_VV,
                                                    WEANING_VA)})
#: The cases of the lesson's core path (the rest are under "Going further").
CORE = ("recirculation", "high_output", "oxygenator_failure", "drainage", "differential_hypoxia", "lv_distension")
