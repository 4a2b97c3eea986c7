"""Lesson 00: an adult on peripheral VA ECMO, the circuit coloured by saturation."""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np

from ecmolib import circuit as _circuit
from ecmolib import patients as _patients
from ecmolib import plotting, va
from ecmolib.widgets import Explorer, SliderSpec, live_artists

#: The lesson's scenario, each value a typical one for a patient on
#: peripheral VA ECMO for cardiogenic shock with injured lungs (a teaching
#: scenario, not a patient): mean systemic filling pressure [mmHg] (the
#: drainage model's venous pressure, see :func:`ecmolib.circuit.operating_point`),
#: mean arterial pressure [mmHg] (a MAP of 65-70 mmHg is the usual adult
#: target on VA ECMO), the failing heart's own output as a share of the
#: patient's resting cardiac output (1 L/min of the 70 kg adult's 5 L/min),
#: shunt fraction and FiO2 of the injured lungs, the sweep gas flow as a
#: multiple of the patient's target ECMO flow (1:1, the ratio at which
#: oxygenators are rated) and FdO2 of the oxygenator gas. Shares and ratios
#: rather than litres, so that the scenario fits every patient.
SCENARIO = {
    "venous_pressure_mmhg": 10.0,
    "arterial_pressure_mmhg": 70.0,
    "native_output_fraction": 0.2,
    "shunt_fraction": 0.5,
    "fio2": 0.5,
    "sweep_to_target_flow": 1.0,
    "fdo2": 1.0,
}


@dataclass(frozen=True)
class CircuitScene:
    """Everything the circuit picture shows, from the models.

    Fields may be arrays (one element per pump speed); :meth:`at` picks one.

    Attributes
    ----------
    rpm : float or numpy.ndarray
        Pump speed [rev/min].
    point : ecmolib.circuit.OperatingPoint
        Flow [L/min] and pressures [mmHg] where the pump meets the circuit.
    steady : ecmolib.va.VASteadyState
        The patient's steady state at that ECMO flow.
    sweep_l_min, fdo2 : float
        Sweep gas flow [L/min] and O2 fraction of the oxygenator gas.
    """

    rpm: float | np.ndarray
    point: _circuit.OperatingPoint
    steady: va.VASteadyState
    sweep_l_min: float
    fdo2: float

    @property
    def drainage_so2(self):
        """Saturation of the drained (mixed venous) blood [fraction 0..1]."""
        return self.steady.venous.so2

    @property
    def return_so2(self):
        """Saturation of the returned (post-oxygenator) blood [fraction 0..1]."""
        return self.steady.post_oxygenator.so2


def va_circuit_scene(patient, circuit, rpm, **scenario) -> CircuitScene:
    """Operating point of ``circuit`` at ``rpm`` and the patient's VA steady state.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient (Hb sets the blood viscosity in the circuit too).
    circuit : ecmolib.circuit.Circuit
        The ECMO circuit; its oxygenator is the membrane lung.
    rpm : float or array_like
        Pump speed [rev/min]; an array gives one scene per speed.
    **scenario
        Overrides of :data:`SCENARIO` (pressures [mmHg], native output
        as a share of the resting cardiac output, shunt fraction, FiO2,
        sweep as a multiple of the target ECMO flow, FdO2).

    Returns
    -------
    CircuitScene
    """
    s = _scenario(scenario)
    point = _circuit.operating_point(
        circuit, rpm, venous_pressure_mmhg=s["venous_pressure_mmhg"],
        arterial_pressure_mmhg=s["arterial_pressure_mmhg"], hb_g_dl=patient.hb_g_dl)
    sweep = s["sweep_to_target_flow"] * _patients.target_ecmo_flow_l_min(patient, circuit.mode)
    steady = va.steady_state(
        patient, point.flow_l_min, native_output_l_min=s["native_output_fraction"] * patient.cardiac_output_l_min,
        cannulation="femoral", shunt_fraction=s["shunt_fraction"], fio2=s["fio2"], fdo2=s["fdo2"],
        sweep_l_min=sweep, oxygenator=circuit.oxygenator)
    return CircuitScene(rpm=rpm, point=point, steady=steady, sweep_l_min=sweep, fdo2=s["fdo2"])


#: Highest ECMO flow :func:`ecmolib.va.steady_state` accepts, as a multiple
#: of the oxygenator's maximum blood flow (0.1 % inside it).
_OXYGENATOR_FLOW_LIMIT = 1.5 * 0.999


def _scenario(overrides):
    unknown = sorted(set(overrides) - set(SCENARIO))
    if unknown:
        raise ValueError(f"unknown scenario setting(s) {', '.join(unknown)}; valid: {', '.join(SCENARIO)}")
    return {**SCENARIO, **overrides}


def draw_va_circuit(ax, scene: CircuitScene, *, index=None, colorbar=True):
    """Draw ``scene`` (element ``index`` of an array scene) with :func:`ecmolib.plotting.draw_circuit`."""
    pick = (lambda x: np.asarray(x)[index]) if index is not None else (lambda x: np.asarray(x)[()])
    return plotting.draw_circuit(
        ax, scene.point, drainage_so2=pick(scene.drainage_so2), return_so2=pick(scene.return_so2),
        rpm=pick(scene.rpm), sweep_l_min=scene.sweep_l_min, fdo2=scene.fdo2, index=index, colorbar=colorbar)


def va_circuit_explorer(patient=_patients.ADULT, circuit=_circuit.ADULT_VA, *, rpm=None, **scenario) -> Explorer:
    """Pump-speed slider over the circuit picture.

    The slider runs from the speed at which the circuit delivers a quarter
    of the patient's target ECMO flow (the 70 kg adult's circuit: 2000
    rev/min and about 1 L/min), rounded down to the slider's 50 rev/min
    step, to the pump's maximum speed, where the drainage collapses
    (suction), or to the speed at which the flow reaches 1.5 times the
    oxygenator's maximum blood flow (the most the VA model accepts) if that
    comes first. It starts at ``rpm`` (default: the speed that gives the
    target flow, :func:`ecmolib.circuit.speed_for_target_flow_rpm`). The
    scene is computed once for every slider position in one vectorised
    call, so a slider move only recolours the picture (and redraws only the
    coloured parts and labels, :func:`ecmolib.widgets.live_artists`).
    """
    s = _scenario(scenario)
    pressures = {k: s[k] for k in ("venous_pressure_mmhg", "arterial_pressure_mmhg")}
    # Top: the pump's maximum, or the speed at which the flow reaches the
    # highest the VA model accepts through this oxygenator (1.5 times its
    # maximum blood flow), whichever is lower.
    highest = _circuit.speed_for_flow(circuit, _OXYGENATOR_FLOW_LIMIT * circuit.oxygenator.max_blood_flow_l_min,
                                      hb_g_dl=patient.hb_g_dl, **pressures)
    high = float(circuit.pump.rpm_max) if highest is None else 50.0 * math.floor(highest / 50.0)
    target = _patients.target_ecmo_flow_l_min(patient, circuit.mode)
    lowest = _circuit.speed_for_flow(circuit, 0.25 * target, hb_g_dl=patient.hb_g_dl, **pressures)
    low = 50.0 * math.floor((lowest if lowest is not None else 0.5 * high) / 50.0)
    if rpm is None:
        rpm = _circuit.speed_for_target_flow_rpm(circuit, patient, **pressures)
    start = min(max(low + 50.0 * round((float(rpm) - low) / 50.0), low), high)
    spec = SliderSpec("pump speed", "rpm", low, high, start, 50.0, ".0f")
    grid = spec.grid()
    table = va_circuit_scene(patient, circuit, grid, **scenario)
    artists = weakref.WeakKeyDictionary()

    def numbers(i):
        p = table.point
        return {
            "rpm": float(grid[i]),
            "flow_l_min": float(p.flow_l_min[i]),
            "drainage_pressure_mmhg": float(p.drainage_pressure_mmhg[i]),
            "pre_oxygenator_pressure_mmhg": float(p.pre_oxygenator_pressure_mmhg[i]),
            "drainage_so2": float(table.drainage_so2[i]),
            "return_so2": float(table.return_so2[i]),
        }

    def draw(fig, rpm):
        i = spec.index(rpm, name="rpm", units="rev/min")
        artists[fig] = live_artists(fig, draw_va_circuit(fig.add_subplot(), table, index=i))
        return numbers(i)

    def update(fig, rpm):
        i = spec.index(rpm, name="rpm", units="rev/min")
        plotting.update_circuit(artists[fig], table.point, drainage_so2=table.drainage_so2[i],
                                return_so2=table.return_so2[i], rpm=grid[i], index=i)
        return numbers(i)

    return Explorer(draw=draw, update=update, specs={"rpm": spec}, figsize=(8.0, 4.5))


#: This lesson's explorers, gathered by :data:`ecmolib.views.EXPLORERS`.
EXPLORERS = {"00 circuit": va_circuit_explorer}
