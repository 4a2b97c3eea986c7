r"""Heat: what the body makes and what an unheated ECMO circuit carries away.

Two numbers, both from mechanisms:

* :func:`metabolic_heat_w`: the body's heat production from its O2
  consumption and CO2 production (Weir 1949). Because VO2 scales with
  body mass to the 3/4 power (:func:`ecmolib.patients.for_weight`, Kleiber
  1932), a 3.5 kg neonate makes about 9 W and a 70 kg adult about 84 W.
* :func:`circuit_heat_loss`: the heat the extracorporeal blood gives off
  to the room along the uncovered tubing. Blood at body temperature flows
  through a tube whose wall conducts heat to the room air, which takes it
  by free convection and radiation. Along the tube the blood temperature
  falls exponentially towards room temperature (the standard result for a
  tube with a constant outside temperature, Holman 2010):

  .. math::

      T_{out} = T_{room} + (T_{in} - T_{room})\,
                \exp\!\left(-\frac{U' L}{\dot m c}\right),\qquad
      \dot Q_{loss} = \dot m c\,(T_{in} - T_{out})

  with :math:`\dot m c` the heat-capacity flow of the blood (flow times
  density times specific heat) and :math:`U'` the conductance per metre of
  tube, the wall's conduction resistance in series with the outside film
  (free convection plus radiation to the room).

A neonatal circuit's tubing is a large surface for a small body: the heat
it loses is of the order of the baby's whole metabolic heat, against about
a quarter for an adult. That is why neonatal circuits are always heated
(in practice through the heat exchanger built into the oxygenator).

Where it simplifies: the tubing only (the pump head, the oxygenator's shell
and the evaporation into the sweep gas add to the loss); still air; the
outer film coefficient is taken at the blood-to-room temperature difference
(the outer wall is a little cooler, so the loss is slightly overestimated);
steady state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ecmolib import _validation
from ecmolib import circuit as _circuit
from ecmolib import patients as _patients

__all__ = [
    "BLOOD_SPECIFIC_HEAT_J_KG_K",
    "BLOOD_DENSITY_KG_M3",
    "TUBING_WALL_TO_BORE",
    "PVC_CONDUCTIVITY_W_M_K",
    "TUBING_EMISSIVITY",
    "ROOM_TEMPERATURE_C",
    "STEFAN_BOLTZMANN_W_M2_K4",
    "metabolic_heat_w",
    "HeatLossResult",
    "circuit_heat_loss",
    "heat_loss_share",
]

#: Specific heat of whole blood [J/(kg K)]: about 3600, the order of the
#: values collected by McIntosh & Anderson (2010, doi:10.1142/S1793048010001184);
#: the exact average of their table was not verified here.
BLOOD_SPECIFIC_HEAT_J_KG_K = 3600.0

#: Density of blood [kg/m^3], as used for the hydrostatic pressures of
#: :mod:`ecmolib.circuit` (:data:`ecmolib.circuit.BLOOD_DENSITY_KG_M3`).
BLOOD_DENSITY_KG_M3 = _circuit.BLOOD_DENSITY_KG_M3

#: Wall thickness of perfusion tubing as a fraction of its bore: 1/4, the
#: common "1/4 x 1/16 inch" and "3/8 x 3/32 inch" sizes (ASSUMPTION: standard
#: perfusion tubing sizes; the model's circuits name only the bore).
TUBING_WALL_TO_BORE = 0.25

#: Thermal conductivity of flexible PVC tubing [W/(m K)] (ASSUMPTION: a
#: value within the 0.14-0.19 usually listed for plasticised PVC; not
#: checked against a datasheet).
PVC_CONDUCTIVITY_W_M_K = 0.17

#: Emissivity of the tubing's outer surface (ASSUMPTION: 0.9, the order of
#: most non-metallic surfaces in heat-transfer tables, e.g. Holman 2010,
#: Appendix A).
TUBING_EMISSIVITY = 0.9

#: Temperature of the room [C] (ASSUMPTION: an intensive-care room, 22 C).
ROOM_TEMPERATURE_C = 22.0

#: Stefan-Boltzmann constant [W/(m^2 K^4)] (CODATA).
STEFAN_BOLTZMANN_W_M2_K4 = 5.670374419e-8

# Weir (1949): energy [kcal] = 3.941 VO2 [L] + 1.106 VCO2 [L] (protein term neglected).
_WEIR_O2_KCAL_L = 3.941
_WEIR_CO2_KCAL_L = 1.106
_J_PER_KCAL = 4184.0
_M_PER_IN = 0.0254


def metabolic_heat_w(vo2_ml_min, vco2_ml_min):
    r"""Heat produced by the body at rest [W], from its gas exchange (Weir 1949).

    .. math:: \dot Q_{met} = \frac{4184}{60}\,
              \frac{3.941\,\dot V O_2 + 1.106\,\dot V CO_2}{1000}

    with VO2 and VCO2 in mL/min (STPD) and 4184 J per kcal. At rest, all
    the energy of metabolism leaves the body as heat.

    Parameters
    ----------
    vo2_ml_min : float or array_like
        O2 consumption [mL/min]; valid (0, 6000].
    vco2_ml_min : float or array_like
        CO2 production [mL/min]; valid (0, 6000].

    Returns
    -------
    float or numpy.ndarray
        Heat production [W].

    Raises
    ------
    ValueError
        If an argument is not a finite number in its range, or the shapes do
        not broadcast.

    Notes
    -----
    The protein (urinary nitrogen) term of Weir's equation is left out; it
    changes the result by about 1 % (Weir 1949). Valid for a resting,
    normothermic body; fever, shivering and cooling change VO2 itself.

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.thermal import metabolic_heat_w
    >>> round(float(metabolic_heat_w(patients.ADULT.vo2_ml_min, patients.ADULT.vco2_ml_min)), 1)
    84.1

    References
    ----------
    Weir JB de V. New methods for calculating metabolic rate with special
    reference to protein metabolism. J Physiol 1949;109(1-2):1-9.
    doi:10.1113/jphysiol.1949.sp004363
    """
    vo2 = _validation.checked("vo2_ml_min", vo2_ml_min, "mL/min", low=0.0, high=6000.0, low_inclusive=False)
    vco2 = _validation.checked("vco2_ml_min", vco2_ml_min, "mL/min", low=0.0, high=6000.0, low_inclusive=False)
    vo2, vco2 = _validation.broadcast(vo2_ml_min=vo2, vco2_ml_min=vco2)
    kcal_min = (_WEIR_O2_KCAL_L * vo2 + _WEIR_CO2_KCAL_L * vco2) / 1000.0
    return _validation.result(kcal_min * _J_PER_KCAL / 60.0)


@dataclass(frozen=True)
class HeatLossResult:
    """Result of :func:`circuit_heat_loss` (fields broadcast to the flow's shape).

    Attributes
    ----------
    heat_loss_w : float or numpy.ndarray
        Heat the blood gives to the room along the tubing [W].
    temperature_drop_c : float or numpy.ndarray
        Blood temperature at the patient's inlet minus at the return [C].
    conductance_w_k : float
        Conductance of the whole tubing to the room, U'L [W/K].
    """

    heat_loss_w: object
    temperature_drop_c: object
    conductance_w_k: float


def _film_w_m2_k(outer_diameter_m, t_blood_c, t_room_c):
    """Outside film coefficient [W/(m^2 K)]: free convection plus radiation."""
    dt = t_blood_c - t_room_c
    # Holman (2010), Table 7-2: horizontal cylinder in air, laminar: h = 1.32 (dT/d)^(1/4).
    h_conv = 1.32 * (dt / outer_diameter_m) ** 0.25
    ts, tr = t_blood_c + 273.15, t_room_c + 273.15
    h_rad = TUBING_EMISSIVITY * STEFAN_BOLTZMANN_W_M2_K4 * (ts ** 2 + tr ** 2) * (ts + tr)
    return h_conv + h_rad


def _tube_conductance_w_k(tubing, t_blood_c, t_room_c):
    """U'L of one tube [W/K]: wall conduction in series with the outside film."""
    r_in = 0.5 * tubing.inner_diameter_in * _M_PER_IN
    r_out = r_in * (1.0 + 2.0 * TUBING_WALL_TO_BORE)
    wall = math.log(r_out / r_in) / (2.0 * math.pi * PVC_CONDUCTIVITY_W_M_K)  # K m / W
    film = 1.0 / (_film_w_m2_k(2.0 * r_out, t_blood_c, t_room_c) * 2.0 * math.pi * r_out)
    return tubing.length_m / (wall + film)


def circuit_heat_loss(circuit, flow_l_min, *, blood_temperature_c=37.0,
                      room_temperature_c=ROOM_TEMPERATURE_C) -> HeatLossResult:
    r"""Heat the blood loses along a circuit's uncovered tubing, with no heater.

    .. math::

        \dot Q_{loss} = \dot m c\,(T_b - T_{room})
                        \left[1 - \exp\!\left(-\frac{U'L}{\dot m c}\right)\right],
        \qquad \dot m c = \rho\,c\,Q

        \frac{1}{U'} = \frac{\ln(r_o/r_i)}{2\pi k} + \frac{1}{2\pi r_o h},
        \qquad h = 1.32\left(\frac{\Delta T}{d_o}\right)^{1/4}
                 + \varepsilon\sigma (T_s^2 + T_\infty^2)(T_s + T_\infty)

    for the drainage and return lines together (same bore, in series), with
    :math:`\rho` :data:`BLOOD_DENSITY_KG_M3`, :math:`c`
    :data:`BLOOD_SPECIFIC_HEAT_J_KG_K`, the wall
    (:data:`TUBING_WALL_TO_BORE`, :data:`PVC_CONDUCTIVITY_W_M_K`) and the
    outside film: free convection from a horizontal cylinder in air
    (Holman 2010, Table 7-2, laminar) plus radiation
    (:data:`TUBING_EMISSIVITY`), both at the blood-to-room temperature
    difference.

    Parameters
    ----------
    circuit : ecmolib.circuit.Circuit
        The circuit (its drainage and return tubing: bore and length).
    flow_l_min : float or array_like
        Blood flow [L/min]; valid (0, 15].
    blood_temperature_c : float, optional
        Temperature of the blood leaving the patient [C]; valid [30, 42].
        Default 37.
    room_temperature_c : float, optional
        Room air temperature [C]; valid [10, ``blood_temperature_c``).
        Default :data:`ROOM_TEMPERATURE_C`.

    Returns
    -------
    HeatLossResult
        ``heat_loss_w`` and ``temperature_drop_c`` in the shape of
        ``flow_l_min``; ``conductance_w_k``.

    Raises
    ------
    ValueError
        If ``circuit`` is not a :class:`ecmolib.circuit.Circuit` or a number
        is out of range.

    Notes
    -----
    The loss grows with the tubing's surface and, at low flow, is capped by
    the heat the blood carries (at very low flow the blood reaches room
    temperature before it returns). Valid for still room air, tubing not
    covered or heated, and the pump head, oxygenator and sweep gas ignored
    (they add to the loss). The film coefficient is of the order of 10
    W/(m^2 K), half of it radiation.

    Examples
    --------
    >>> from ecmolib import circuit
    >>> from ecmolib.thermal import circuit_heat_loss
    >>> round(float(circuit_heat_loss(circuit.NEONATAL_VA, 0.35).temperature_drop_c), 2)
    0.48

    References
    ----------
    Holman JP. Heat Transfer. 10th ed. New York: McGraw-Hill; 2010.
    Chapter 7 (free convection; Table 7-2, simplified equations for air)
    and Chapter 8 (radiation). ISBN 978-0-07-352936-3.

    McIntosh RL, Anderson V. A comprehensive tissue properties database
    provided for the thermal assessment of a human at rest. Biophys Rev
    Lett 2010;5(3):129-151. doi:10.1142/S1793048010001184
    """
    if not isinstance(circuit, _circuit.Circuit):
        raise ValueError(f"circuit must be an ecmolib.circuit.Circuit; got {type(circuit).__name__}")
    q = _validation.checked("flow_l_min", flow_l_min, "L/min", low=0.0, high=15.0, low_inclusive=False)
    tb = _validation.scalar("blood_temperature_c", blood_temperature_c, "C", 30.0, 42.0)
    tr = _validation.scalar("room_temperature_c", room_temperature_c, "C", 10.0, tb, high_inclusive=False)
    ua = sum(_tube_conductance_w_k(t, tb, tr) for t in (circuit.drainage_tubing, circuit.return_tubing))
    mc = BLOOD_DENSITY_KG_M3 * BLOOD_SPECIFIC_HEAT_J_KG_K * q / 60000.0  # W/K
    with np.errstate(over="ignore", divide="ignore"):  # a vanishing flow: ua/mc -> inf, the exact limit
        drop = (tb - tr) * -np.expm1(-ua / mc)
    return HeatLossResult(heat_loss_w=_validation.result(mc * drop), temperature_drop_c=_validation.result(drop),
                       conductance_w_k=float(ua))


def heat_loss_share(patient, circuit, flow_l_min=None, **kwargs):
    """Circuit heat loss as a fraction of the patient's metabolic heat [fraction, may exceed 1].

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        Supplies VO2, VCO2 (:func:`metabolic_heat_w`) and the temperature of
        the blood leaving the body.
    circuit : ecmolib.circuit.Circuit
        The circuit (:func:`circuit_heat_loss`).
    flow_l_min : float or array_like, optional
        Blood flow [L/min]; default the patient's VA target flow
        (:func:`ecmolib.patients.target_ecmo_flow_l_min`).
    **kwargs
        ``room_temperature_c`` for :func:`circuit_heat_loss`.

    Returns
    -------
    float or numpy.ndarray

    Raises
    ------
    ValueError
        As :func:`circuit_heat_loss`, or if ``patient`` is not a Patient.

    Examples
    --------
    >>> from ecmolib import circuit, patients
    >>> from ecmolib.thermal import heat_loss_share
    >>> round(float(heat_loss_share(patients.NEONATE, circuit.NEONATAL_VA)), 1)
    1.2
    """
    _patients._checked(patient)
    q = _patients.target_ecmo_flow_l_min(patient, "va") if flow_l_min is None else flow_l_min
    loss = circuit_heat_loss(circuit, q, blood_temperature_c=patient.temperature_c, **kwargs).heat_loss_w
    return _validation.result(np.asarray(loss) / float(metabolic_heat_w(patient.vo2_ml_min, patient.vco2_ml_min)))

