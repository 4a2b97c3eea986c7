"""Lesson 00: an adult on peripheral VA ECMO, the circuit coloured by saturation."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from ecmolib import circuit as _circuit
from ecmolib import patients as _patients
from ecmolib import plotting, va
from ecmolib.widgets import Explorer, SliderSpec, live_artists

#: The lesson's scenario, each value a typical one for an adult on
#: peripheral VA ECMO for cardiogenic shock with injured lungs (a teaching
#: scenario, not a patient): mean systemic filling pressure [mmHg] (the
#: drainage model's venous pressure, see :func:`ecmolib.circuit.operating_point`),
#: mean arterial pressure [mmHg] (a MAP of 65-70 mmHg is the usual target on
#: VA ECMO), native left-ventricular output [L/min], shunt fraction and FiO2
#: of the injured lungs, sweep [L/min] and FdO2 of the oxygenator gas.
SCENARIO = {
    "venous_pressure_mmhg": 10.0,
    "arterial_pressure_mmhg": 70.0,
    "native_output_l_min": 1.0,
    "shunt_fraction": 0.5,
    "fio2": 0.5,
    "sweep_l_min": 4.0,
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
        [L/min], shunt fraction, FiO2, sweep [L/min], FdO2).

    Returns
    -------
    CircuitScene
    """
    s = {**SCENARIO, **scenario}
    point = _circuit.operating_point(
        circuit, rpm, venous_pressure_mmhg=s["venous_pressure_mmhg"],
        arterial_pressure_mmhg=s["arterial_pressure_mmhg"], hb_g_dl=patient.hb_g_dl)
    steady = va.steady_state(
        patient, point.flow_l_min, native_output_l_min=s["native_output_l_min"], cannulation="femoral",
        shunt_fraction=s["shunt_fraction"], fio2=s["fio2"], fdo2=s["fdo2"], sweep_l_min=s["sweep_l_min"],
        oxygenator=circuit.oxygenator)
    return CircuitScene(rpm=rpm, point=point, steady=steady, sweep_l_min=s["sweep_l_min"], fdo2=s["fdo2"])


def draw_va_circuit(ax, scene: CircuitScene, *, index=None, colorbar=True):
    """Draw ``scene`` (element ``index`` of an array scene) with :func:`ecmolib.plotting.draw_circuit`."""
    pick = (lambda x: np.asarray(x)[index]) if index is not None else (lambda x: np.asarray(x)[()])
    return plotting.draw_circuit(
        ax, scene.point, drainage_so2=pick(scene.drainage_so2), return_so2=pick(scene.return_so2),
        rpm=pick(scene.rpm), sweep_l_min=scene.sweep_l_min, fdo2=scene.fdo2, index=index, colorbar=colorbar)


def va_circuit_explorer(patient=_patients.ADULT, circuit=_circuit.ADULT_VA, **scenario) -> Explorer:
    """Pump-speed slider over the circuit picture.

    The slider runs from 2000 rev/min (the adult circuit then just
    overcomes the arterial pressure and delivers about 1 L/min) to the
    pump's maximum speed, where the drainage collapses (suction). The scene
    is computed once for every slider position in one vectorised call, so a
    slider move only recolours the picture (and redraws only the coloured
    parts and labels, :func:`ecmolib.widgets.live_artists`).
    """
    high = float(circuit.pump.rpm_max)
    spec = SliderSpec("pump speed", "rpm", 2000.0, high, min(3500.0, high), 50.0, ".0f")
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
