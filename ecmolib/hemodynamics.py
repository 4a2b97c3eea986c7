r"""Beat-by-beat closed-loop circulation with ECMO support.

A lumped-parameter ("0-D") model of the whole circulation, integrated beat by
beat, so that a lesson can show what veno-arterial (VA) ECMO does to a weak
heart (mean pressure up, pulse pressure narrowed, the left ventricle
distended, the aortic valve closing), and what cardiac arrest and chest
compressions do, as pressure traces and pressure-volume loops.

Structure (after the minimal model of Smith et al. 2004 [2]_)::

                 +-------------------- ECMO (VA) ---------------------+
                 |                                                    v
    systemic veins -> tricuspid -> RV -> pulmonary valve -> pulmonary arteries
         ^                                                         |
         |                                                     R_pul
      R_sys                                                        v
         |                                                  pulmonary veins
    systemic arteries <- aortic valve <- LV <- mitral valve <------+

* Two ventricles with time-varying elastance (Suga & Sagawa 1974 [1]_):
  end-systolic elastance times an activation :math:`e(t)\in[0,1]` plus an
  exponential end-diastolic pressure-volume relation (Smith 2004 [2]_).
* Four valves as ideal diodes with a small forward resistance (Smith 2004
  values). Neglected: valve inertance and the "close-on-flow" dynamics of
  Smith's valve law, regurgitation, atrial contraction (the atria are part
  of the venous compartments), ventricular interdependence through the
  septum and pericardium, baroreflexes and autoregulation, bronchial and
  Thebesian flow to the left heart, vessel collapse (vessels are linear;
  only the drained veins collapse, around an ECMO cannula).
* Four vascular compartments (systemic arteries and veins, pulmonary
  arteries and veins), each a linear compliance with an unstressed volume,
  joined by the systemic and pulmonary resistances.
* ECMO: VA support draws from the systemic venous compartment (right atrium
  and great veins) and returns into the systemic arterial compartment, at a
  set flow or at the flow where the pump curve meets the circuit
  (:mod:`ecmolib.circuit`). VV support drains and returns within the same
  venous compartment and therefore shifts no volume: in this model it has no
  haemodynamic effect at all (its effect on oxygenation and recirculation is
  the business of :mod:`ecmolib.vv`). The circuit holds a constant volume
  (its prime), outside the patient's blood volume; flow through it is
  instantaneous (no circuit compliance or transit delay).
* Cardiac arrest (the activation stays at 0: diastolic ventricles) and chest
  compressions (an external pressure pulse applied to both ventricles,
  "cardiac pump" mechanism, Maier et al. 1984 [7]_).

The model is integrated with a fixed-step classical Runge-Kutta scheme
(1000 steps per cardiac cycle) compiled with numba (``cache=True``: the
first call in a new environment compiles for a few seconds); the step was
chosen by a convergence test (``tests/test_hemodynamics.py``). Blood volume
is conserved to round-off. Patients other than the 70 kg adult are the
adult model rescaled (:func:`parameters_for`).

Everything below names its source. Several adult values are a fit of this
library to published normal values (said so where they appear).

References
----------
.. [1] Suga H, Sagawa K. Instantaneous pressure-volume relationships and
   their ratio in the excised, supported canine left ventricle. Circ Res
   1974;35:117-126. doi:10.1161/01.RES.35.1.117
.. [2] Smith BW, Chase JG, Nokes RI, Shaw GM, Wake G. Minimal haemodynamic
   system model including ventricular interaction and valve dynamics. Med
   Eng Phys 2004;26:131-139. doi:10.1016/j.medengphy.2003.10.001
.. [3] Burkhoff D, Sayer G, Doshi D, Uriel N. Hemodynamics of mechanical
   circulatory support. J Am Coll Cardiol 2015;66:2663-2674.
   doi:10.1016/j.jacc.2015.10.017
.. [4] Ostadal P, Mlcek M, et al. Increasing venoarterial
   extracorporeal membrane oxygenation flow negatively affects left
   ventricular performance in a porcine model of cardiogenic shock. J Transl
   Med 2015;13:266. doi:10.1186/s12967-015-0634-6
.. [5] Hala P, Mlcek M, Ostadal P, et al. Increasing venoarterial
   extracorporeal membrane oxygenation flow puts higher demands on left
   ventricular work in a porcine model of chronic heart failure. J Transl
   Med 2020;18:75. doi:10.1186/s12967-020-02250-x
.. [6] Guyton AC, Polizo D, Armstrong GG. Mean circulatory filling pressure
   measured immediately after cessation of heart pumping. Am J Physiol
   1954;179:261-267. doi:10.1152/ajplegacy.1954.179.2.261
.. [7] Maier GW, Tyson GS, Olsen CO, et al. The physiology of external
   cardiac massage: high-impulse cardiopulmonary resuscitation. Circulation
   1984;70:86-101. doi:10.1161/01.CIR.70.1.86
.. [8] Fitzgerald KR, Babbs CF, Frissora HA, Davis RW, Silver DI. Cardiac
   output during cardiopulmonary resuscitation at various compression rates
   and durations. Am J Physiol 1981;241:H442-H448.
   doi:10.1152/ajpheart.1981.241.3.H442
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
from dataclasses import dataclass

import numba
import numpy as np
from scipy.optimize import brentq

from ecmolib import _validation, patients

__all__ = [
    "ADULT_HEART_RATE_BPM",
    "ADULT_PARAMETERS",
    "COLLAPSE_PRESSURE_MMHG",
    "COMPRESSION_PRESSURE_MMHG",
    "HEART_RATE_MASS_EXPONENT",
    "STEPS_PER_CYCLE",
    "SUMMARY_KEYS",
    "SYSTOLE_PERIOD_EXPONENT",
    "CirculationParameters",
    "CirculationState",
    "Trace",
    "default_heart_rate_bpm",
    "parameters_for",
    "simulate",
]

# ---------------------------------------------------------------------------
# Adult reference values (70 kg, blood volume 4900 mL, CO 5.0 L/min)
# ---------------------------------------------------------------------------

#: Resting heart rate of the adult reference [beats/min]. Assumption of this
#: library: a typical resting value inside the 60-100 normal range; with the
#: adult cardiac output of :data:`ecmolib.patients.ADULT` (5.0 L/min) it
#: gives a stroke volume of 71 mL.
ADULT_HEART_RATE_BPM = 70.0

#: Exponent of heart rate on body mass, :math:`HR \propto M^{-1/4}` (Stahl
#: 1967, doi:10.1152/jappl.1967.22.3.453, interspecies allometry), anchored
#: at the adult reference; used for the default heart rate of smaller
#: patients. It gives 148/min at 3.5 kg, 122/min at 7.5 kg and 93/min at
#: 23 kg, close to the median heart rates of Fleming et al. 2011 (127/min at
#: birth rising to 145/min at 1 month; doi:10.1016/S0140-6736(10)62226-X).
HEART_RATE_MASS_EXPONENT = -0.25

# Values taken unchanged from Smith et al. 2004 (Table 1 and 2 of the paper;
# free-wall values). Units mmHg, mL, s.
_SMITH = {
    "lv_end_systolic_elastance_mmhg_ml": 2.8798,
    "lv_diastolic_pressure_scale_mmhg": 0.1203,
    "lv_diastolic_stiffness_per_ml": 0.033,
    "rv_end_systolic_elastance_mmhg_ml": 0.585,
    "rv_diastolic_pressure_scale_mmhg": 0.2157,
    "rv_diastolic_stiffness_per_ml": 0.023,
    "pulmonary_arterial_elastance_mmhg_ml": 0.369,
    "mitral_resistance_mmhg_s_ml": 0.0158,
    "aortic_valve_resistance_mmhg_s_ml": 0.018,
    "tricuspid_resistance_mmhg_s_ml": 0.0237,
    "pulmonary_valve_resistance_mmhg_s_ml": 0.0055,
}

# Values fitted by this library (least squares, the model at steady state)
# to adult normals: cardiac output 5.0 L/min, mean arterial pressure 93 mmHg
# and pulse pressure 40 mmHg (120/80), LV end-diastolic volume 120 mL and
# end-systolic volume 50 mL (ejection fraction 58 %; echocardiographic
# normals of Lang et al. 2015, doi:10.1016/j.echo.2014.10.003, men: EDV
# 106 +/- 22 mL, EF 62 +/- 5 %), LV ejection time 294 ms at 70/min (Weissler
# et al. 1968, LVET = 413 - 1.7 HR ms, doi:10.1161/01.CIR.37.2.149), mean
# pulmonary artery pressure 14 mmHg (Kovacs et al. 2009,
# doi:10.1183/09031936.00145608), mean left atrial pressure 8 mmHg and mean
# circulatory filling pressure 7 mmHg (Guyton et al. 1954); the stressed
# volume and systemic resistance were then refined to put CO and MAP exactly
# on target. The model gives CO 5.00, MAP 93.0, PP 39.6 (111/71), EDV 120,
# ESV 48.5, EF 60 %, LVET 318 ms, mPAP 14.0, LAP 6.9 and a mean circulatory
# filling pressure of 6.5 mmHg.
_FITTED = {
    "systole_duration_s": 0.4425,                   # time to peak activation at 70/min
    "lv_dead_volume_ml": 11.0,                      # Smith: 0 (stressed volumes only)
    "rv_dead_volume_ml": 6.0,                       # Smith: 0
    "systemic_resistance_mmhg_s_ml": 1.037,         # Smith: 1.0889
    "pulmonary_resistance_mmhg_s_ml": 0.086,        # Smith: 0.1552 (gave mPAP > 20)
    "arterial_elastance_mmhg_ml": 0.85,             # Smith: 0.6913
    "venous_elastance_mmhg_ml": 0.0092,             # Smith: 0.0059
}

#: Pulmonary venous (plus left atrial) elastance [mmHg/mL]: 1/50.4, the
#: reciprocal of the summed compliances of the pulmonary peripheral and
#: venous compartments and left atrium of Ursino 1998
#: (5.8 + 25.37 + 19.23 mL/mmHg; doi:10.1152/ajpheart.1998.275.5.H1733).
_PULMONARY_VENOUS_ELASTANCE = 1.0 / 50.4

#: Stressed blood volume of the adult [mL]: 1333 mL, 27 % of the blood
#: volume (fitted, see above; the commonly quoted stressed fraction is about
#: 30 %, Gelman 2008, doi:10.1097/ALN.0b013e318168c0cd).
_ADULT_STRESSED_ML = 1333.0
# The adult the values above were fitted to: ecmolib.patients.ADULT (blood
# volume 4900 mL, cardiac output 5.0 L/min; sources there).
_ADULT_BLOOD_VOLUME_ML = patients.ADULT.blood_volume_ml
_ADULT_CO_L_MIN = patients.ADULT.cardiac_output_l_min

# Unstressed volumes of the vessels other than the systemic veins [mL].
# Assumption of this library, of the magnitude of the zero-pressure filling
# volumes used in published closed-loop models (e.g. Heldt et al. 2002,
# doi:10.1152/japplphysiol.00241.2001); they change no pressure or flow,
# only the absolute volumes reported. The systemic veins hold the rest.
_UNSTRESSED = {
    "arterial_unstressed_volume_ml": 700.0,
    "pulmonary_arterial_unstressed_volume_ml": 90.0,
    "pulmonary_venous_unstressed_volume_ml": 490.0,
}

#: Venous collapse pressure around a drainage cannula [mmHg]: 0, as in
#: :data:`ecmolib.circuit.DEFAULT_COLLAPSE_PRESSURE_MMHG` (Permutt & Riley
#: 1963, doi:10.1152/jappl.1963.18.5.924).
COLLAPSE_PRESSURE_MMHG = 0.0

#: Peak external pressure of a chest compression applied to both ventricles
#: [mmHg]. Fitted by this library so that compressions at 100/min with a
#: 50 % duty cycle in the adult give 25 % of the model's resting cardiac
#: output, the middle of the 20-30 % usually quoted for manual CPR (see
#: :func:`simulate`, Notes). Not a measured pressure: it stands for the part
#: of the sternal force that reaches the ventricles.
COMPRESSION_PRESSURE_MMHG = 18.5

#: Integration steps per cycle (heart period, or compression period during
#: arrest with compressions). Chosen by the convergence test in
#: ``tests/test_hemodynamics.py`` (halving the step changes the summary by
#: far less than its stated tolerances).
STEPS_PER_CYCLE = 1000

#: Keys every :attr:`Trace.summary` has (more are present).
SUMMARY_KEYS = (
    "map_mmhg",
    "pulse_pressure_mmhg",
    "lv_edv_ml",
    "lv_esv_ml",
    "lv_edp_mmhg",
    "aortic_valve_open_fraction",
    "native_output_l_min",
)

#: Exponent of the systolic duration on the heart period when the heart rate
#: is changed, :math:`T_s \propto T^{0.75}`. Choice of this library: Bazett's
#: square root (Bazett 1920, for the QT interval) leaves this raised-cosine
#: activation no time to fill above about 130/min, proportional scaling (1)
#: makes output rise steadily with rate; 0.75 keeps the output within 4 %
#: from 60 to 110/min and lets it fall above, as when the right atrium is
#: paced at rest (Ross et al. 1965, doi:10.1161/01.CIR.32.4.549: cardiac
#: index 3.67 L/min/m2 at 80/min, 3.72 at 121/min, 3.21 at 148/min).
SYSTOLE_PERIOD_EXPONENT = 0.75

_HR_RANGE_BPM = (20.0, 250.0)
_DURATION_RANGE_S = (0.0, 3600.0)
_FLOW_RANGE_L_MIN = (0.0, 15.0)
_RPM_RANGE = (0.0, 20000.0)
_ML_S_PER_L_MIN = 1000.0 / 60.0


# ---------------------------------------------------------------------------
# Parameters and state
# ---------------------------------------------------------------------------


def _pos(name, value, units, low=0.0, high=None, low_inclusive=False):
    arr = _validation.checked(name, value, units, low=low, high=high, low_inclusive=low_inclusive)
    if arr.ndim != 0:
        raise ValueError(f"{name} [{units}] must be a single real number; got an array of shape {arr.shape}")
    return float(arr)


@dataclass(frozen=True)
class CirculationParameters:
    r"""Parameters of the closed-loop circulation (one patient, one heart rate).

    Units: pressure mmHg, volume mL, time s; elastance mmHg/mL, resistance
    mmHg s/mL.

    Parameters
    ----------
    heart_rate_bpm : float
        Heart rate [beats/min]; valid [20, 250].
    systole_duration_s : float
        Time from the onset of activation to peak elastance :math:`T_s` [s];
        relaxation takes :math:`T_s/2` more; valid (0, 2].
    lv_end_systolic_elastance_mmhg_ml, rv_end_systolic_elastance_mmhg_ml : float
        :math:`E_{es}` of the left and right ventricle [mmHg/mL]; valid > 0.
    lv_dead_volume_ml, rv_dead_volume_ml : float
        Volume at zero end-systolic pressure :math:`V_d` [mL] (also the
        zero of the diastolic relation); valid >= 0.
    lv_diastolic_pressure_scale_mmhg, rv_diastolic_pressure_scale_mmhg : float
        :math:`P_0` of the end-diastolic relation [mmHg]; valid > 0.
    lv_diastolic_stiffness_per_ml, rv_diastolic_stiffness_per_ml : float
        :math:`\lambda` of the end-diastolic relation [1/mL]; valid > 0.
    arterial_elastance_mmhg_ml, venous_elastance_mmhg_ml : float
        Elastance of the systemic arterial and venous compartments
        [mmHg/mL]; valid > 0.
    pulmonary_arterial_elastance_mmhg_ml, pulmonary_venous_elastance_mmhg_ml : float
        Elastance of the pulmonary arterial and venous (with left atrium)
        compartments [mmHg/mL]; valid > 0.
    arterial_unstressed_volume_ml, pulmonary_arterial_unstressed_volume_ml, pulmonary_venous_unstressed_volume_ml : float
        Unstressed volumes [mL]; valid >= 0.
    mitral_resistance_mmhg_s_ml, aortic_valve_resistance_mmhg_s_ml, tricuspid_resistance_mmhg_s_ml, pulmonary_valve_resistance_mmhg_s_ml : float
        Forward resistance of each open valve [mmHg s/mL]; valid > 0.
    systemic_resistance_mmhg_s_ml, pulmonary_resistance_mmhg_s_ml : float
        Systemic and pulmonary vascular resistance [mmHg s/mL]; valid > 0.
    drainage_resistance_mmhg_s_ml : float
        Resistance between the venous compartment and the tip of an ECMO
        drainage cannula, :math:`R_d` [mmHg s/mL]; valid > 0. The drained
        veins collapse when the tip pressure falls below 0 mmHg, so VA flow
        cannot exceed :math:`P_v/R_d`. Default (all presets): the tricuspid
        inflow resistance, i.e. the cannula drains the venous compartment as
        easily as the right heart does (assumption of this library).
    blood_volume_ml : float
        Total blood volume [mL]; valid > 0 and at least the stressed volume
        plus the other unstressed and dead volumes.
    stressed_volume_ml : float
        Blood volume above all unstressed and dead volumes [mL]; valid > 0.
        It sets the mean circulatory filling pressure.

    Raises
    ------
    ValueError
        If a field is not a finite number in its range; the message names
        the field, its units, the value and the range.

    Notes
    -----
    The systemic venous unstressed volume is not a field but a property
    (:attr:`venous_unstressed_volume_ml`): what the blood volume leaves
    after the stressed volume and the other unstressed and dead volumes. So
    changing ``blood_volume_ml`` alone (``dataclasses.replace``) changes the
    venous reservoir, not the pressures; change ``stressed_volume_ml`` too to
    model a bleed or a transfusion that the veins do not buffer.

    Examples
    --------
    >>> from ecmolib.hemodynamics import ADULT_PARAMETERS
    >>> round(ADULT_PARAMETERS.stressed_volume_ml)
    1333
    >>> round(ADULT_PARAMETERS.mean_circulatory_filling_pressure_mmhg, 2)
    6.52
    """

    heart_rate_bpm: float
    systole_duration_s: float
    lv_end_systolic_elastance_mmhg_ml: float
    lv_dead_volume_ml: float
    lv_diastolic_pressure_scale_mmhg: float
    lv_diastolic_stiffness_per_ml: float
    rv_end_systolic_elastance_mmhg_ml: float
    rv_dead_volume_ml: float
    rv_diastolic_pressure_scale_mmhg: float
    rv_diastolic_stiffness_per_ml: float
    arterial_elastance_mmhg_ml: float
    venous_elastance_mmhg_ml: float
    pulmonary_arterial_elastance_mmhg_ml: float
    pulmonary_venous_elastance_mmhg_ml: float
    arterial_unstressed_volume_ml: float
    pulmonary_arterial_unstressed_volume_ml: float
    pulmonary_venous_unstressed_volume_ml: float
    mitral_resistance_mmhg_s_ml: float
    aortic_valve_resistance_mmhg_s_ml: float
    tricuspid_resistance_mmhg_s_ml: float
    pulmonary_valve_resistance_mmhg_s_ml: float
    systemic_resistance_mmhg_s_ml: float
    pulmonary_resistance_mmhg_s_ml: float
    drainage_resistance_mmhg_s_ml: float
    blood_volume_ml: float
    stressed_volume_ml: float

    def __post_init__(self):
        set_ = object.__setattr__
        for f in dataclasses.fields(self):
            name = f.name
            value = getattr(self, name)
            if name == "heart_rate_bpm":
                v = _pos(name, value, "beats/min", *_HR_RANGE_BPM, low_inclusive=True)
            elif name == "systole_duration_s":
                v = _pos(name, value, "s", 0.0, 2.0)
            elif name.endswith("_ml") and ("volume" in name):
                v = _pos(name, value, "mL", 0.0, 1e5, low_inclusive=True)
            elif name.endswith("_mmhg_ml"):
                v = _pos(name, value, "mmHg/mL", 0.0, 1e3)
            elif name.endswith("_mmhg_s_ml"):
                v = _pos(name, value, "mmHg s/mL", 0.0, 1e4)
            elif name.endswith("_per_ml"):
                v = _pos(name, value, "1/mL", 0.0, 10.0)
            else:  # pressure scales
                v = _pos(name, value, "mmHg", 0.0, 100.0)
            set_(self, name, v)
        if self.stressed_volume_ml <= 0.0:
            raise ValueError(f"stressed_volume_ml [mL] must be > 0; got {self.stressed_volume_ml!r}")
        if self.venous_unstressed_volume_ml < 0.0:
            need = self.blood_volume_ml - self.venous_unstressed_volume_ml
            raise ValueError(
                f"blood_volume_ml [mL] must be at least {need:g} (stressed volume plus the other "
                f"unstressed and dead volumes); got {self.blood_volume_ml!r}")

    # -- derived ------------------------------------------------------------
    @property
    def heart_period_s(self) -> float:
        """Duration of one beat, 60/heart rate [s]."""
        return 60.0 / self.heart_rate_bpm

    @property
    def venous_unstressed_volume_ml(self) -> float:
        """Unstressed volume of the systemic veins: what the blood volume leaves over [mL]."""
        return (self.blood_volume_ml - self.stressed_volume_ml - self.arterial_unstressed_volume_ml
                - self.pulmonary_arterial_unstressed_volume_ml - self.pulmonary_venous_unstressed_volume_ml
                - self.lv_dead_volume_ml - self.rv_dead_volume_ml)

    @property
    def mean_circulatory_filling_pressure_mmhg(self) -> float:
        r"""Pressure everywhere when the heart stops and flow ceases [mmHg].

        Solves :math:`P\sum_i C_i + V_{LV}^{ed}(P) + V_{RV}^{ed}(P) = V_s`
        with the passive ventricles of the end-diastolic relation and
        :math:`V_s` the stressed volume.
        """
        c = (1.0 / self.arterial_elastance_mmhg_ml + 1.0 / self.venous_elastance_mmhg_ml
             + 1.0 / self.pulmonary_arterial_elastance_mmhg_ml
             + 1.0 / self.pulmonary_venous_elastance_mmhg_ml)

        def f(p):
            return (p * c
                    + math.log1p(p / self.lv_diastolic_pressure_scale_mmhg) / self.lv_diastolic_stiffness_per_ml
                    + math.log1p(p / self.rv_diastolic_pressure_scale_mmhg) / self.rv_diastolic_stiffness_per_ml
                    - self.stressed_volume_ml)

        return float(brentq(f, 0.0, 1000.0, xtol=1e-10))


def _adult_parameters():
    return CirculationParameters(
        heart_rate_bpm=ADULT_HEART_RATE_BPM,
        systole_duration_s=_FITTED["systole_duration_s"],
        lv_end_systolic_elastance_mmhg_ml=_SMITH["lv_end_systolic_elastance_mmhg_ml"],
        lv_dead_volume_ml=_FITTED["lv_dead_volume_ml"],
        lv_diastolic_pressure_scale_mmhg=_SMITH["lv_diastolic_pressure_scale_mmhg"],
        lv_diastolic_stiffness_per_ml=_SMITH["lv_diastolic_stiffness_per_ml"],
        rv_end_systolic_elastance_mmhg_ml=_SMITH["rv_end_systolic_elastance_mmhg_ml"],
        rv_dead_volume_ml=_FITTED["rv_dead_volume_ml"],
        rv_diastolic_pressure_scale_mmhg=_SMITH["rv_diastolic_pressure_scale_mmhg"],
        rv_diastolic_stiffness_per_ml=_SMITH["rv_diastolic_stiffness_per_ml"],
        arterial_elastance_mmhg_ml=_FITTED["arterial_elastance_mmhg_ml"],
        venous_elastance_mmhg_ml=_FITTED["venous_elastance_mmhg_ml"],
        pulmonary_arterial_elastance_mmhg_ml=_SMITH["pulmonary_arterial_elastance_mmhg_ml"],
        pulmonary_venous_elastance_mmhg_ml=_PULMONARY_VENOUS_ELASTANCE,
        arterial_unstressed_volume_ml=_UNSTRESSED["arterial_unstressed_volume_ml"],
        pulmonary_arterial_unstressed_volume_ml=_UNSTRESSED["pulmonary_arterial_unstressed_volume_ml"],
        pulmonary_venous_unstressed_volume_ml=_UNSTRESSED["pulmonary_venous_unstressed_volume_ml"],
        mitral_resistance_mmhg_s_ml=_SMITH["mitral_resistance_mmhg_s_ml"],
        aortic_valve_resistance_mmhg_s_ml=_SMITH["aortic_valve_resistance_mmhg_s_ml"],
        tricuspid_resistance_mmhg_s_ml=_SMITH["tricuspid_resistance_mmhg_s_ml"],
        pulmonary_valve_resistance_mmhg_s_ml=_SMITH["pulmonary_valve_resistance_mmhg_s_ml"],
        systemic_resistance_mmhg_s_ml=_FITTED["systemic_resistance_mmhg_s_ml"],
        pulmonary_resistance_mmhg_s_ml=_FITTED["pulmonary_resistance_mmhg_s_ml"],
        drainage_resistance_mmhg_s_ml=_SMITH["tricuspid_resistance_mmhg_s_ml"],
        blood_volume_ml=_ADULT_BLOOD_VOLUME_ML,
        stressed_volume_ml=_ADULT_STRESSED_ML,
    )


#: Parameters of the 70 kg adult at 70 beats/min (Smith et al. 2004 values
#: where unchanged, the rest fitted to adult normals; see the module source
#: for each value and its source).
ADULT_PARAMETERS = _adult_parameters()


def default_heart_rate_bpm(patient) -> float:
    r"""Default resting heart rate of a patient, by quarter-power size scaling.

    .. math::

        HR = 70\ \mathrm{min^{-1}}\,(W / 70\ \mathrm{kg})^{-1/4}

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient (its ``weight_kg`` is used).

    Returns
    -------
    float
        Heart rate [beats/min].

    Raises
    ------
    ValueError
        If ``patient`` is not a Patient.

    Notes
    -----
    Valid for any patient weight; the exponent is interspecies (Stahl 1967)
    and the adult anchor an assumption (see :data:`ADULT_HEART_RATE_BPM`).
    At 3.5 kg it gives 148/min against a median of 127-145/min in the first
    month (Fleming et al. 2011).

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.hemodynamics import default_heart_rate_bpm
    >>> round(default_heart_rate_bpm(patients.NEONATE))
    148

    References
    ----------
    .. [1] Stahl WR. Scaling of respiratory variables in mammals. J Appl
       Physiol 1967;22:453-460. doi:10.1152/jappl.1967.22.3.453
    .. [2] Fleming S, Thompson M, Stevens R, et al. Normal ranges of heart
       rate and respiratory rate in children from birth to 18 years of age.
       Lancet 2011;377:1011-1018. doi:10.1016/S0140-6736(10)62226-X
    """
    patients._checked(patient)
    return ADULT_HEART_RATE_BPM * (patient.weight_kg / 70.0) ** HEART_RATE_MASS_EXPONENT




def _with_heart_rate(params, heart_rate_bpm):
    """Change the heart rate; systolic duration scales as period**SYSTOLE_PERIOD_EXPONENT."""
    ratio = (60.0 / heart_rate_bpm) / params.heart_period_s
    return dataclasses.replace(params, heart_rate_bpm=heart_rate_bpm,
                               systole_duration_s=params.systole_duration_s * ratio ** SYSTOLE_PERIOD_EXPONENT)


def parameters_for(patient, *, heart_rate_bpm=None):
    r"""Circulation parameters of a patient, scaled from the adult.

    The adult model is copied with its units of volume, time and pressure
    changed (similarity scaling), so that the scaled model is exactly the
    adult model seen at another size and pace:

    .. math::

        s_V = \frac{SV}{SV_\mathrm{adult}} = \frac{CO/HR}{CO_a/HR_a},\qquad
        s_t = \frac{HR_a}{HR}

    volumes (dead, unstressed and stressed) :math:`\times s_V`, elastances and
    the diastolic stiffness :math:`\lambda` :math:`\div s_V`, resistances
    :math:`\times s_t/s_V`, the systolic duration :math:`\times s_t`; pressures
    are unchanged. The blood volume is then set to the patient's, the
    difference going to the venous unstressed volume.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient: ``weight_kg`` (default heart rate),
        ``cardiac_output_l_min`` and ``blood_volume_ml`` are used.
    heart_rate_bpm : float, optional
        Heart rate [beats/min]; valid [20, 250]. Default
        :func:`default_heart_rate_bpm`. A rate other than the default is
        applied after the scaling, with the systolic duration scaled as
        (period ratio) ** :data:`SYSTOLE_PERIOD_EXPONENT`; the cardiac
        output then follows from the model (no force-frequency relation, no
        reflexes).

    Returns
    -------
    CirculationParameters

    Raises
    ------
    ValueError
        If ``patient`` is not a Patient, ``heart_rate_bpm`` is out of
        range, or the patient's blood volume is too small to hold the
        scaled stressed and unstressed volumes.

    Notes
    -----
    Assumptions of this library: stroke volume sets the size of the heart
    and of the stressed circulation (so the resting cardiac output equals
    ``patient.cardiac_output_l_min`` at the default heart rate), and
    pressures do not scale with size, as across adult mammals. Real
    neonatal arterial pressure is lower than the adult's, so neonatal
    pressures from this model are those of a small adult.

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.hemodynamics import parameters_for
    >>> p = parameters_for(patients.NEONATE)
    >>> round(p.heart_rate_bpm), round(p.stressed_volume_ml)
    (148, 90)

    References
    ----------
    .. [1] Stahl WR. J Appl Physiol 1967;22:453-460.
       doi:10.1152/jappl.1967.22.3.453
    """
    patients._checked(patient)
    hr0 = default_heart_rate_bpm(patient)
    a = ADULT_PARAMETERS
    sv = (patient.cardiac_output_l_min / hr0) / (_ADULT_CO_L_MIN / ADULT_HEART_RATE_BPM)
    st = ADULT_HEART_RATE_BPM / hr0
    vol = ("lv_dead_volume_ml", "rv_dead_volume_ml", "arterial_unstressed_volume_ml",
           "pulmonary_arterial_unstressed_volume_ml", "pulmonary_venous_unstressed_volume_ml",
           "stressed_volume_ml")
    ela = ("lv_end_systolic_elastance_mmhg_ml", "rv_end_systolic_elastance_mmhg_ml",
           "arterial_elastance_mmhg_ml", "venous_elastance_mmhg_ml",
           "pulmonary_arterial_elastance_mmhg_ml", "pulmonary_venous_elastance_mmhg_ml",
           "lv_diastolic_stiffness_per_ml", "rv_diastolic_stiffness_per_ml")
    res = ("mitral_resistance_mmhg_s_ml", "aortic_valve_resistance_mmhg_s_ml",
           "tricuspid_resistance_mmhg_s_ml", "pulmonary_valve_resistance_mmhg_s_ml",
           "systemic_resistance_mmhg_s_ml", "pulmonary_resistance_mmhg_s_ml",
           "drainage_resistance_mmhg_s_ml")
    changes = {k: getattr(a, k) * sv for k in vol}
    changes.update({k: getattr(a, k) / sv for k in ela})
    changes.update({k: getattr(a, k) * st / sv for k in res})
    changes["heart_rate_bpm"] = hr0
    changes["systole_duration_s"] = a.systole_duration_s * st
    changes["blood_volume_ml"] = patient.blood_volume_ml
    p = dataclasses.replace(a, **changes)
    if heart_rate_bpm is not None:
        hr = _pos("heart_rate_bpm", heart_rate_bpm, "beats/min", *_HR_RANGE_BPM, low_inclusive=True)
        p = _with_heart_rate(p, hr)
    return p


@dataclass(frozen=True)
class CirculationState:
    """Volumes of the six compartments at one instant, to continue a run.

    Parameters
    ----------
    lv_volume_ml, arterial_volume_ml, venous_volume_ml, rv_volume_ml, pulmonary_arterial_volume_ml, pulmonary_venous_volume_ml : float
        Compartment volumes [mL]; valid [0, 1e5].
    time_s : float
        Model time [s] (sets the phase of the beat and of compressions);
        valid >= 0.

    Raises
    ------
    ValueError
        If a field is out of range.

    Examples
    --------
    >>> from ecmolib import hemodynamics, patients
    >>> tr = hemodynamics.simulate(patients.ADULT, 2.0)
    >>> round(tr.final_state.total_volume_ml)
    4900
    """

    lv_volume_ml: float
    arterial_volume_ml: float
    venous_volume_ml: float
    rv_volume_ml: float
    pulmonary_arterial_volume_ml: float
    pulmonary_venous_volume_ml: float
    time_s: float = 0.0

    def __post_init__(self):
        for f in dataclasses.fields(self):
            units = "s" if f.name == "time_s" else "mL"
            object.__setattr__(self, f.name, _pos(f.name, getattr(self, f.name), units, 0.0, 1e5,
                                                  low_inclusive=True))

    @property
    def total_volume_ml(self) -> float:
        """Sum of the six compartment volumes [mL]."""
        return float(self._vector().sum())

    def _vector(self):
        return np.array([self.lv_volume_ml, self.arterial_volume_ml, self.venous_volume_ml,
                         self.rv_volume_ml, self.pulmonary_arterial_volume_ml,
                         self.pulmonary_venous_volume_ml], dtype=float)


@dataclass(frozen=True, eq=False)
class Trace:
    r"""Result of :func:`simulate`: time series, a steady-state summary, the final state.

    All arrays have the same length (one sample every
    ``sample_interval_s``) and are read-only.

    Attributes
    ----------
    t_s : numpy.ndarray
        Time from the start of the recorded run [s].
    lv_pressure_mmhg, rv_pressure_mmhg : numpy.ndarray
        Ventricular pressures [mmHg] (including any compression pressure).
    lv_volume_ml, rv_volume_ml : numpy.ndarray
        Ventricular volumes [mL]; with ``lv_pressure_mmhg`` the LV
        pressure-volume loop.
    aortic_pressure_mmhg : numpy.ndarray
        Systemic arterial pressure [mmHg].
    venous_pressure_mmhg : numpy.ndarray
        Systemic venous (great veins and right atrium) pressure [mmHg].
    pulmonary_artery_pressure_mmhg, pulmonary_venous_pressure_mmhg : numpy.ndarray
        Pulmonary arterial and pulmonary venous (with left atrium)
        pressures [mmHg].
    aortic_valve_flow_l_min, mitral_valve_flow_l_min, tricuspid_valve_flow_l_min, pulmonary_valve_flow_l_min : numpy.ndarray
        Instantaneous valve flows [L/min].
    systemic_flow_l_min : numpy.ndarray
        Flow through the systemic resistance [L/min] (native plus ECMO).
    ecmo_flow_l_min : numpy.ndarray
        VA ECMO flow [L/min].
    vv_flow_l_min : numpy.ndarray
        VV ECMO flow [L/min] (constant; no haemodynamic effect here).
    lv_activation : numpy.ndarray
        Ventricular activation :math:`e(t)` [0..1].
    compression_pressure_mmhg : numpy.ndarray
        External pressure on the ventricles from chest compressions [mmHg].
    total_volume_ml : numpy.ndarray
        Sum of all compartment volumes [mL] (constant to round-off).
    summary : mapping
        Averages over the last ``summary_beats`` cycles; keys
        :data:`SUMMARY_KEYS` and more (see :func:`simulate`).
    final_state : CirculationState
        State at the end, to continue with another :func:`simulate` call.
    parameters : CirculationParameters
        The parameters used (after ``heart_rate_bpm`` and
        ``systemic_resistance_factor``).
    warmup_s : float
        Simulated time spent reaching the periodic steady state before
        ``t_s = 0`` [s] (0 when ``initial_state`` was given).
    steady_state : bool
        Whether the warm-up converged (False when ``initial_state`` was
        given or the conditions are not periodic).
    time_step_s : float
        Integration step [s].
    """

    t_s: np.ndarray
    lv_pressure_mmhg: np.ndarray
    lv_volume_ml: np.ndarray
    rv_pressure_mmhg: np.ndarray
    rv_volume_ml: np.ndarray
    aortic_pressure_mmhg: np.ndarray
    venous_pressure_mmhg: np.ndarray
    pulmonary_artery_pressure_mmhg: np.ndarray
    pulmonary_venous_pressure_mmhg: np.ndarray
    aortic_valve_flow_l_min: np.ndarray
    mitral_valve_flow_l_min: np.ndarray
    tricuspid_valve_flow_l_min: np.ndarray
    pulmonary_valve_flow_l_min: np.ndarray
    systemic_flow_l_min: np.ndarray
    ecmo_flow_l_min: np.ndarray
    vv_flow_l_min: np.ndarray
    lv_activation: np.ndarray
    compression_pressure_mmhg: np.ndarray
    total_volume_ml: np.ndarray
    summary: types.MappingProxyType
    final_state: CirculationState
    parameters: CirculationParameters
    warmup_s: float
    steady_state: bool
    time_step_s: float


# ---------------------------------------------------------------------------
# The compiled model
# ---------------------------------------------------------------------------

# Indices into the parameter vector of the kernel.
(_P_PERIOD, _P_TS, _P_LV_EES, _P_LV_VD, _P_LV_P0, _P_LV_LAM, _P_RV_EES, _P_RV_VD, _P_RV_P0,
 _P_RV_LAM, _P_E_A, _P_VU_A, _P_E_V, _P_VU_V, _P_E_PA, _P_VU_PA, _P_E_PV, _P_VU_PV,
 _P_R_MT, _P_R_AV, _P_R_TC, _P_R_PV, _P_R_SYS, _P_R_PUL, _P_R_DRAIN, _P_ARREST, _P_COMP,
 _P_COMP_T, _P_COMP_DUTY, _P_COMP_P, _P_ECMO_MODE, _P_ECMO_Q) = range(32)
_NP = 32
# Columns of the auxiliary output of the right-hand side.
(_A_PLV, _A_PAO, _A_PV, _A_PRV, _A_PPA, _A_PPV, _A_QMT, _A_QAV, _A_QTC, _A_QPV, _A_QSYS,
 _A_QE, _A_E, _A_PEXT, _A_LIM) = range(6, 21)
_NAUX = 21
_NCOL = 1 + _NAUX   # time + 6 volumes + 15 auxiliaries


_COLLAPSE = COLLAPSE_PRESSURE_MMHG


@numba.njit(cache=True)
def _activation(tm, ts):
    # Raised-cosine activation: rise over ts, relaxation over ts/2.
    if tm < 0.0:
        return 0.0
    if tm < ts:
        return 0.5 * (1.0 - math.cos(math.pi * tm / ts))
    if tm < 1.5 * ts:
        return 0.5 * (1.0 + math.cos(2.0 * math.pi * (tm - ts) / ts))
    return 0.0


@numba.njit(cache=True)
def _rhs(t, y, p, gv, ga, gq, out):
    if p[_P_ARREST] > 0.5:
        e = 0.0
    else:
        per = p[_P_PERIOD]
        tm = t - per * math.floor(t / per)
        e = _activation(tm, p[_P_TS]) + _activation(tm + per, p[_P_TS])
        e = min(e, 1.0)
    pext = 0.0
    if p[_P_COMP] > 0.5:
        tc = p[_P_COMP_T]
        tt = t - tc * math.floor(t / tc)
        d = p[_P_COMP_DUTY] * tc
        if tt < d:
            pext = p[_P_COMP_P] * math.sin(math.pi * tt / d)
    vlv = y[0]
    va = y[1]
    vv = y[2]
    vrv = y[3]
    vpa = y[4]
    vpv = y[5]
    # An emptied chamber (below its dead volume) takes up less and less of
    # the compression: none at zero volume, so it cannot eject blood it
    # does not hold.
    flv = 1.0
    if vlv < p[_P_LV_VD]:
        flv = vlv / p[_P_LV_VD] if vlv > 0.0 else 0.0
    frv = 1.0
    if vrv < p[_P_RV_VD]:
        frv = vrv / p[_P_RV_VD] if vrv > 0.0 else 0.0
    plv = (e * p[_P_LV_EES] * (vlv - p[_P_LV_VD])
           + (1.0 - e) * p[_P_LV_P0] * (math.exp(p[_P_LV_LAM] * (vlv - p[_P_LV_VD])) - 1.0) + flv * pext)
    prv = (e * p[_P_RV_EES] * (vrv - p[_P_RV_VD])
           + (1.0 - e) * p[_P_RV_P0] * (math.exp(p[_P_RV_LAM] * (vrv - p[_P_RV_VD])) - 1.0) + frv * pext)
    pa = p[_P_E_A] * (va - p[_P_VU_A])
    pv = p[_P_E_V] * (vv - p[_P_VU_V])
    ppa = p[_P_E_PA] * (vpa - p[_P_VU_PA])
    ppv = p[_P_E_PV] * (vpv - p[_P_VU_PV])
    qmt = (ppv - plv) / p[_P_R_MT] if ppv > plv else 0.0
    qav = (plv - pa) / p[_P_R_AV] if plv > pa else 0.0
    qtc = (pv - prv) / p[_P_R_TC] if pv > prv else 0.0
    qpv = (prv - ppa) / p[_P_R_PV] if prv > ppa else 0.0
    qsys = (pa - pv) / p[_P_R_SYS]
    qpul = (ppa - ppv) / p[_P_R_PUL]
    mode = p[_P_ECMO_MODE]
    lim = 0.0
    if mode < 0.5:
        qe = 0.0
    elif mode < 1.5:
        # Set flow, limited by venous collapse (0 mmHg) behind R_d.
        qe = p[_P_ECMO_Q]
        qmax = (pv - _COLLAPSE) / p[_P_R_DRAIN]
        qmax = max(qmax, 0.0)
        if qe > qmax:
            qe = qmax
            lim = 1.0
    else:
        # Pump-driven flow: bilinear interpolation on a precomputed grid of
        # the circuit's operating point over (venous, arterial) pressure.
        nv = gv.shape[0]
        na = ga.shape[0]
        x = (pv - gv[0]) / (gv[1] - gv[0])
        z = (pa - ga[0]) / (ga[1] - ga[0])
        x = max(x, 0.0)
        x = min(x, nv - 1.0)
        z = max(z, 0.0)
        z = min(z, na - 1.0)
        i = int(x)
        i = min(i, nv - 2)
        j = int(z)
        j = min(j, na - 2)
        fx = x - i
        fz = z - j
        qe = ((1.0 - fx) * ((1.0 - fz) * gq[i, j] + fz * gq[i, j + 1])
              + fx * ((1.0 - fz) * gq[i + 1, j] + fz * gq[i + 1, j + 1]))
    out[0] = qmt - qav
    out[1] = qav - qsys + qe
    out[2] = qsys - qtc - qe
    out[3] = qtc - qpv
    out[4] = qpv - qpul
    out[5] = qpul - qmt
    out[_A_PLV] = plv
    out[_A_PAO] = pa
    out[_A_PV] = pv
    out[_A_PRV] = prv
    out[_A_PPA] = ppa
    out[_A_PPV] = ppv
    out[_A_QMT] = qmt
    out[_A_QAV] = qav
    out[_A_QTC] = qtc
    out[_A_QPV] = qpv
    out[_A_QSYS] = qsys
    out[_A_QE] = qe
    out[_A_E] = e
    out[_A_PEXT] = pext
    out[_A_LIM] = lim


@numba.njit(cache=True)
def _rk4_step(t, y, dt, p, gv, ga, gq, k1, k2, k3, k4, tmp):
    _rhs(t, y, p, gv, ga, gq, k1)
    for i in range(6):
        tmp[i] = y[i] + 0.5 * dt * k1[i]
    _rhs(t + 0.5 * dt, tmp, p, gv, ga, gq, k2)
    for i in range(6):
        tmp[i] = y[i] + 0.5 * dt * k2[i]
    _rhs(t + 0.5 * dt, tmp, p, gv, ga, gq, k3)
    for i in range(6):
        tmp[i] = y[i] + dt * k3[i]
    _rhs(t + dt, tmp, p, gv, ga, gq, k4)
    for i in range(6):
        y[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])


@numba.njit(cache=True)
def _warmup(y0, t0, p, gv, ga, gq, dt, steps_per_cycle, max_cycles, tol, n_stable):
    # Integrate whole cycles until the state at the cycle start repeats.
    y = y0.copy()
    prev = y0.copy()
    k1 = np.empty(_NAUX)
    k2 = np.empty(_NAUX)
    k3 = np.empty(_NAUX)
    k4 = np.empty(_NAUX)
    tmp = np.empty(6)
    stable = 0
    for c in range(max_cycles):
        for i in range(6):
            prev[i] = y[i]
        base = t0 + c * steps_per_cycle * dt
        for s in range(steps_per_cycle):
            _rk4_step(base + s * dt, y, dt, p, gv, ga, gq, k1, k2, k3, k4, tmp)
        d = 0.0
        for i in range(6):
            a = abs(y[i] - prev[i])
            d = max(d, a)
        if d < tol:
            stable += 1
            if stable >= n_stable:
                return y, c + 1, True
        else:
            stable = 0
    return y, max_cycles, False


@numba.njit(cache=True)
def _run(y0, t0, p, gv, ga, gq, dt, n_steps, rec_every, n_tail):
    n_rec = n_steps // rec_every + 1
    rec = np.empty((n_rec, _NCOL))
    tail = np.empty((n_tail, _NCOL))
    k1 = np.empty(_NAUX)
    k2 = np.empty(_NAUX)
    k3 = np.empty(_NAUX)
    k4 = np.empty(_NAUX)
    aux = np.empty(_NAUX)
    tmp = np.empty(6)
    y = y0.copy()
    ir = 0
    tail_start = n_steps + 1 - n_tail
    for s in range(n_steps + 1):
        t = t0 + s * dt
        keep = s % rec_every == 0
        in_tail = s >= tail_start
        if keep or in_tail:
            _rhs(t, y, p, gv, ga, gq, aux)
            if keep:
                rec[ir, 0] = t
                for i in range(6):
                    rec[ir, 1 + i] = y[i]
                for i in range(6, _NAUX):
                    rec[ir, 1 + i] = aux[i]
                ir += 1
            if in_tail:
                j = s - tail_start
                tail[j, 0] = t
                for i in range(6):
                    tail[j, 1 + i] = y[i]
                for i in range(6, _NAUX):
                    tail[j, 1 + i] = aux[i]
        if s < n_steps:
            _rk4_step(t, y, dt, p, gv, ga, gq, k1, k2, k3, k4, tmp)
    return rec[:ir], tail, y


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _initial_state(params):
    """All compartments at the mean circulatory filling pressure (no flow)."""
    pm = params.mean_circulatory_filling_pressure_mmhg
    vlv = params.lv_dead_volume_ml + math.log1p(pm / params.lv_diastolic_pressure_scale_mmhg) \
        / params.lv_diastolic_stiffness_per_ml
    vrv = params.rv_dead_volume_ml + math.log1p(pm / params.rv_diastolic_pressure_scale_mmhg) \
        / params.rv_diastolic_stiffness_per_ml
    va = params.arterial_unstressed_volume_ml + pm / params.arterial_elastance_mmhg_ml
    vpa = params.pulmonary_arterial_unstressed_volume_ml + pm / params.pulmonary_arterial_elastance_mmhg_ml
    vpv = params.pulmonary_venous_unstressed_volume_ml + pm / params.pulmonary_venous_elastance_mmhg_ml
    vv = params.blood_volume_ml - (vlv + va + vrv + vpa + vpv)
    return np.array([vlv, va, vv, vrv, vpa, vpv], dtype=float)


def _vector(params, *, lv_contractility, rv_contractility, arrest, compressions,
            compression_period_s, compression_duty_cycle, compression_pressure_mmhg,
            ecmo_mode, ecmo_flow_ml_s):
    p = np.zeros(_NP)
    p[_P_PERIOD] = params.heart_period_s
    p[_P_TS] = params.systole_duration_s
    p[_P_LV_EES] = params.lv_end_systolic_elastance_mmhg_ml * lv_contractility
    p[_P_LV_VD] = params.lv_dead_volume_ml
    p[_P_LV_P0] = params.lv_diastolic_pressure_scale_mmhg
    p[_P_LV_LAM] = params.lv_diastolic_stiffness_per_ml
    p[_P_RV_EES] = params.rv_end_systolic_elastance_mmhg_ml * rv_contractility
    p[_P_RV_VD] = params.rv_dead_volume_ml
    p[_P_RV_P0] = params.rv_diastolic_pressure_scale_mmhg
    p[_P_RV_LAM] = params.rv_diastolic_stiffness_per_ml
    p[_P_E_A] = params.arterial_elastance_mmhg_ml
    p[_P_VU_A] = params.arterial_unstressed_volume_ml
    p[_P_E_V] = params.venous_elastance_mmhg_ml
    p[_P_VU_V] = params.venous_unstressed_volume_ml
    p[_P_E_PA] = params.pulmonary_arterial_elastance_mmhg_ml
    p[_P_VU_PA] = params.pulmonary_arterial_unstressed_volume_ml
    p[_P_E_PV] = params.pulmonary_venous_elastance_mmhg_ml
    p[_P_VU_PV] = params.pulmonary_venous_unstressed_volume_ml
    p[_P_R_MT] = params.mitral_resistance_mmhg_s_ml
    p[_P_R_AV] = params.aortic_valve_resistance_mmhg_s_ml
    p[_P_R_TC] = params.tricuspid_resistance_mmhg_s_ml
    p[_P_R_PV] = params.pulmonary_valve_resistance_mmhg_s_ml
    p[_P_R_SYS] = params.systemic_resistance_mmhg_s_ml
    p[_P_R_PUL] = params.pulmonary_resistance_mmhg_s_ml
    p[_P_R_DRAIN] = params.drainage_resistance_mmhg_s_ml
    p[_P_ARREST] = 1.0 if arrest else 0.0
    p[_P_COMP] = 1.0 if compressions else 0.0
    p[_P_COMP_T] = compression_period_s
    p[_P_COMP_DUTY] = compression_duty_cycle
    p[_P_COMP_P] = compression_pressure_mmhg
    p[_P_ECMO_MODE] = float(ecmo_mode)
    p[_P_ECMO_Q] = ecmo_flow_ml_s
    return p


#: Grid of the pump-driven flow table: venous and arterial pressure [mmHg].
_GRID_VENOUS_MMHG = np.arange(-10.0, 50.0 + 0.5, 1.0)
_GRID_ARTERIAL_MMHG = np.arange(-10.0, 250.0 + 1.0, 2.0)


def _circuit_flow_table(circ, rpm, hb_g_dl):
    """Circuit flow [mL/s] over the (venous, arterial) pressure grid at one rpm.

    Computed once per (circuit, rpm, Hb) with :func:`ecmolib.circuit.operating_point`
    (vectorised); rows the circuit model rejects (flows beyond its range,
    e.g. very high venous with very low arterial pressure) are filled from
    the nearest valid arterial pressure of the same row.
    """
    try:
        return _circuit_flow_table_cached(circ, float(rpm), float(hb_g_dl))
    except TypeError:  # unhashable circuit: compute without the cache
        return _circuit_flow_table_uncached(circ, float(rpm), float(hb_g_dl))


def _circuit_flow_table_uncached(circ, rpm, hb):
    from ecmolib import circuit as circuit_module

    gv, ga = _GRID_VENOUS_MMHG, _GRID_ARTERIAL_MMHG
    pv, pa = np.meshgrid(gv, ga, indexing="ij")
    try:
        op = circuit_module.operating_point(circ, rpm, venous_pressure_mmhg=pv,
                                            arterial_pressure_mmhg=pa, hb_g_dl=hb)
        q = np.asarray(op.flow_l_min, dtype=float)
    except ValueError:
        q = np.full(pv.shape, np.nan)
        for i, v in enumerate(gv):
            try:
                op = circuit_module.operating_point(circ, rpm, venous_pressure_mmhg=v,
                                                    arterial_pressure_mmhg=ga, hb_g_dl=hb)
                q[i] = op.flow_l_min
                continue
            except ValueError:
                pass
            for j, a in enumerate(ga):
                try:
                    q[i, j] = float(circuit_module.operating_point(
                        circ, rpm, venous_pressure_mmhg=v, arterial_pressure_mmhg=a,
                        hb_g_dl=hb).flow_l_min)
                except ValueError:
                    pass
            good = np.isfinite(q[i])
            if not np.any(good):
                raise
            first = np.argmax(good)
            q[i, :first] = q[i, first]
            q[i] = np.where(np.isfinite(q[i]), q[i], 0.0)
    table = q * _ML_S_PER_L_MIN
    table.setflags(write=False)
    return table


_circuit_flow_table_cached = functools.lru_cache(maxsize=64)(_circuit_flow_table_uncached)


def _read_only(a):
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


def _flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def _summary(tail, params):
    t = tail[:, 0]
    vlv = tail[:, 1]
    plv = tail[:, 1 + _A_PLV]
    pao = tail[:, 1 + _A_PAO]
    qav = tail[:, 1 + _A_QAV]
    span = t[-1] - t[0]

    def mean(x):
        # Time average by the trapezoidal rule (the samples are equispaced).
        if span <= 0.0:
            return float(x[-1])
        return float(np.trapezoid(x, t) / span)

    i_ed = int(np.argmax(vlv))
    edv = float(vlv.max())
    esv = float(vlv.min())
    # Open fraction: share of the window's steps with forward flow (the
    # last sample closes the window and is not counted).
    open_fraction = float(np.mean(qav[:-1] > 0.0)) if len(qav) > 1 else float(qav[0] > 0.0)
    to_l_min = 1.0 / _ML_S_PER_L_MIN
    s = {
        "map_mmhg": mean(pao),
        "pulse_pressure_mmhg": float(pao.max() - pao.min()),
        "lv_edv_ml": edv,
        "lv_esv_ml": esv,
        "lv_edp_mmhg": float(plv[i_ed]),
        "aortic_valve_open_fraction": open_fraction,
        "native_output_l_min": mean(qav) * to_l_min,
        "systolic_pressure_mmhg": float(pao.max()),
        "diastolic_pressure_mmhg": float(pao.min()),
        "lv_stroke_volume_ml": edv - esv,
        "lv_ejection_fraction": (edv - esv) / edv if edv > 0 else 0.0,
        "lv_peak_pressure_mmhg": float(plv.max()),
        "ecmo_flow_l_min": mean(tail[:, 1 + _A_QE]) * to_l_min,
        "systemic_flow_l_min": mean(tail[:, 1 + _A_QSYS]) * to_l_min,
        "mean_venous_pressure_mmhg": mean(tail[:, 1 + _A_PV]),
        "mean_pulmonary_artery_pressure_mmhg": mean(tail[:, 1 + _A_PPA]),
        "mean_pulmonary_venous_pressure_mmhg": mean(tail[:, 1 + _A_PPV]),
        "rv_edv_ml": float(tail[:, 4].max()),
        "rv_esv_ml": float(tail[:, 4].min()),
        "ecmo_drainage_limited_fraction": float(np.mean(tail[:, 1 + _A_LIM] > 0.5)),
        "heart_rate_bpm": params.heart_rate_bpm,
        "window_s": float(span),
    }
    return types.MappingProxyType(s)


# ---------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------


def simulate(patient, duration_s, *, va_flow_l_min=0.0, lv_contractility=1.0, heart_rate_bpm=None,
             rpm=None, circuit=None, vv_flow_l_min=0.0, arrest=False, compressions=False,
             compression_rate_per_min=100.0, compression_pressure_mmhg=COMPRESSION_PRESSURE_MMHG,
             compression_duty_cycle=0.5, rv_contractility=1.0, systemic_resistance_factor=1.0,
             added_volume_ml=0.0, parameters=None, initial_state=None, sample_interval_s=None,
             summary_beats=5):
    r"""Simulate the circulation beat by beat, with or without ECMO, arrest or CPR.

    Six volumes :math:`V_i` (LV, systemic arteries, systemic veins, RV,
    pulmonary arteries, pulmonary veins) obey mass balance,
    :math:`\dot V_i = \sum Q_\mathrm{in} - \sum Q_\mathrm{out}`, with

    .. math::

        P_{LV} &= e(t)\,k_c E_{es}(V_{LV}-V_d)
               + (1-e(t))\,P_0\left(e^{\lambda(V_{LV}-V_d)}-1\right) + P_{cc}(t)\\
        P_j &= E_j\,(V_j - V_{u,j})\quad\text{(vessels)}\\
        Q_\mathrm{valve} &= \max(P_\mathrm{up}-P_\mathrm{down}, 0)/R_\mathrm{valve},\qquad
        Q_\mathrm{sys} = (P_a - P_v)/R_\mathrm{sys}\\
        e(t) &= \tfrac12\left(1-\cos\frac{\pi\tau}{T_s}\right)\ (\tau<T_s),\quad
                \tfrac12\left(1+\cos\frac{2\pi(\tau-T_s)}{T_s}\right)\ (T_s\le\tau<1.5T_s),
                \quad 0\ \text{otherwise}

    (the RV likewise), :math:`\tau` the time since the beat began, :math:`k_c`
    the contractility factor and :math:`P_{cc}` the compression pressure, a
    half-sine of peak ``compression_pressure_mmhg`` during the first
    ``compression_duty_cycle`` of each compression period. VA ECMO moves
    :math:`Q_E` from the venous to the arterial compartment: either the set
    flow, limited by venous collapse to
    :math:`Q_E \le \max(P_v - P_c, 0)/R_d` (:math:`P_c` =
    :data:`COLLAPSE_PRESSURE_MMHG`, :math:`R_d` the drainage resistance of
    :class:`CirculationParameters`), or, with ``rpm`` and ``circuit``, the
    flow where the pump curve meets the circuit plus
    :math:`P_a - P_v` (:func:`ecmolib.circuit.operating_point` with the
    model's venous compartment as the venous reservoir, :math:`R_d` in
    place of the circuit's venous resistance and the instantaneous venous
    and arterial pressures; tabulated once per run on a grid of venous
    [-10, 50] and arterial [-10, 250] mmHg and interpolated bilinearly,
    held at the edge value outside it). Pump-driven flow therefore falls
    when afterload rises or preload falls.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient; sets the scaled parameters (:func:`parameters_for`)
        and the haemoglobin for the circuit's blood viscosity.
    duration_s : float
        Recorded duration [s]; valid (0, 3600]; rounded to a whole number
        of integration steps (:attr:`Trace.time_step_s`).
    va_flow_l_min : float, optional
        Set VA ECMO flow [L/min]; valid [0, 15]. Default 0.
    lv_contractility : float, optional
        Factor on the LV end-systolic elastance [1]; valid [0, 2]. Default
        1 (normal); about 0.3 gives cardiogenic shock.
    heart_rate_bpm : float, optional
        Heart rate [beats/min]; valid [20, 250]. Default
        :func:`default_heart_rate_bpm` (70/min in the adult).
    rpm : float, optional
        Pump speed [rev/min] for pump-driven VA flow; valid (0, 20000] and
        within the pump's range. Needs ``circuit``; excludes
        ``va_flow_l_min``.
    circuit : ecmolib.circuit.Circuit, optional
        A VA circuit (``mode == "va"``); needs ``rpm``.
    vv_flow_l_min : float, optional
        VV ECMO flow [L/min]; valid [0, 15]. Default 0. Drained from and
        returned to the venous compartment: recorded, no haemodynamic
        effect in this model.
    arrest : bool, optional
        Cardiac arrest: no ventricular activation. Default False.
    compressions : bool, optional
        Chest compressions. Default False.
    compression_rate_per_min : float, optional
        Compression rate [1/min]; valid [10, 250]. Default 100 (the lower
        end of the 100-120/min of current guidelines).
    compression_pressure_mmhg : float, optional
        Peak external pressure on the ventricles [mmHg]; valid [0, 200].
        Default :data:`COMPRESSION_PRESSURE_MMHG`.
    compression_duty_cycle : float, optional
        Compressed fraction of each compression cycle [1]; valid (0, 1).
        Default 0.5 (Fitzgerald et al. 1981 found output within 90-100 % of
        its maximum for duty cycles 0.3-0.5).
    rv_contractility : float, optional
        Factor on the RV end-systolic elastance [1]; valid [0, 2].
        Default 1.
    systemic_resistance_factor : float, optional
        Factor on the systemic vascular resistance (afterload) [1]; valid
        [0.1, 10]. Default 1.
    added_volume_ml : float, optional
        Blood or fluid given (positive) or lost (negative) [mL], all of it
        stressed volume; valid [-10000, 10000] and leaving a positive
        stressed volume. Default 0. With ``initial_state`` it is added to
        the venous compartment at the start (a bolus).
    parameters : CirculationParameters, optional
        Use these instead of :func:`parameters_for` (``patient`` then only
        supplies the haemoglobin). ``heart_rate_bpm``, if given, is applied
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
        Time series, ``summary`` and ``final_state``. Summary keys:
        ``map_mmhg`` (time-mean arterial pressure), ``pulse_pressure_mmhg``
        (max - min), ``lv_edv_ml`` / ``lv_esv_ml`` (max / min LV volume),
        ``lv_edp_mmhg`` (LV pressure at maximum volume),
        ``aortic_valve_open_fraction`` (share of time with forward aortic
        flow), ``native_output_l_min`` (mean aortic valve flow), and also
        ``systolic_pressure_mmhg``, ``diastolic_pressure_mmhg``,
        ``lv_stroke_volume_ml``, ``lv_ejection_fraction``,
        ``lv_peak_pressure_mmhg``, ``ecmo_flow_l_min``,
        ``systemic_flow_l_min``, ``mean_venous_pressure_mmhg``,
        ``mean_pulmonary_artery_pressure_mmhg``,
        ``mean_pulmonary_venous_pressure_mmhg``, ``rv_edv_ml``,
        ``rv_esv_ml``, ``ecmo_drainage_limited_fraction``,
        ``heart_rate_bpm``, ``window_s``.

    Raises
    ------
    ValueError
        For bad input: a number out of range, NaN or of the wrong type,
        ``rpm`` without ``circuit`` (or the reverse), ``rpm`` together with
        a set ``va_flow_l_min``, a circuit that is not VA, a
        ``patient`` that is not a Patient, ``parameters`` or
        ``initial_state`` of the wrong type, an ``added_volume_ml`` that
        would leave no stressed volume, or an ``rpm`` beyond the pump's
        range (raised by :func:`ecmolib.circuit.operating_point`).

    Notes
    -----
    *Steady state.* Unless ``initial_state`` is given, the model is first
    integrated from rest (every compartment at the mean circulatory filling
    pressure) cycle by cycle until the state at the start of a cycle
    changes by less than :math:`2\times10^{-7}` of the blood volume on three
    cycles running (at most 600 s), and the recorded run starts there. The
    summary covers the last ``summary_beats`` cycles (heart beats;
    compression cycles during arrest with compressions), or the whole run
    if shorter.

    *Validation against published values* (``tests/test_hemodynamics.py``):
    adult normals (see the module source); on a weak heart, VA flow raises
    mean pressure, narrows pulse pressure, distends the LV (EDV and EDP up)
    and lowers native output, as in pigs in cardiogenic shock (Ostadal et
    al. 2015: output 2.8 to 1.9 L/min, ESV 64 to 83 mL from 1 to 5 L/min;
    Hala et al. 2020: LVEDP 7 to 15 mmHg) and as reviewed by Burkhoff et al.
    2015; at high flow the aortic valve stops opening. Arrest without
    compressions brings arterial and venous pressure together at the mean
    circulatory filling pressure (6.5 mmHg here; 7 mmHg in Guyton's dogs).
    A set VA flow is delivered while the venous pressure allows it; beyond
    that the veins collapse on the cannula ("chatter",
    ``ecmo_drainage_limited_fraction`` > 0) and ``added_volume_ml`` (fluid)
    is the remedy, as at the bedside.

    *CPR.* Compressions act on the ventricles only ("cardiac pump"; direct
    compression was the main determinant of stroke volume in Maier et al.
    1984), with perfect valves. The output fraction is calibrated (25 % of
    normal at 100/min); its dependence on rate follows from the model and is
    tested against Fitzgerald et al. 1981. Because the rise of
    intrathoracic and right-atrial pressure with each compression, vascular
    tone and tricuspid regurgitation are not modelled, arterial pressures
    during CPR are lower (about 28/20 mmHg in the adult) than those recorded
    in patients.

    *Limits.* No reflexes: after a change the model shows the mechanical
    response only (e.g. a mean pressure of 115 mmHg at 5 L/min of VA flow in
    a weak heart, where a patient's vessels would dilate). A
    non-ejecting LV under VA support stops filling once left atrial
    pressure balances the RV (bronchial and Thebesian return, which keep
    distending it in patients, are not modelled).

    Performance: about 1500-2000 simulated seconds per wall-clock second
    for an adult on one core (numba-compiled RK4, 1000 steps per beat;
    measured in the tests, which require at least 200). The first call in a
    fresh environment compiles the model (a few seconds; cached on disk
    afterwards).

    Examples
    --------
    >>> from ecmolib import hemodynamics, patients
    >>> tr = hemodynamics.simulate(patients.ADULT, 5.0)
    >>> round(tr.summary["map_mmhg"]), round(tr.summary["native_output_l_min"], 1)
    (93, 5.0)
    >>> weak = hemodynamics.simulate(patients.ADULT, 5.0, lv_contractility=0.35, va_flow_l_min=4.0)
    >>> round(weak.summary["lv_edp_mmhg"], 1) > round(tr.summary["lv_edp_mmhg"], 1)
    True

    References
    ----------
    .. [1] Smith BW et al. Med Eng Phys 2004;26:131-139.
       doi:10.1016/j.medengphy.2003.10.001
    .. [2] Burkhoff D et al. J Am Coll Cardiol 2015;66:2663-2674.
       doi:10.1016/j.jacc.2015.10.017
    .. [3] Ostadal P et al. J Transl Med 2015;13:266.
       doi:10.1186/s12967-015-0634-6
    .. [4] Guyton AC et al. Am J Physiol 1954;179:261-267.
       doi:10.1152/ajplegacy.1954.179.2.261
    .. [5] Fitzgerald KR et al. Am J Physiol 1981;241:H442-H448.
       doi:10.1152/ajpheart.1981.241.3.H442
    """
    patients._checked(patient)
    duration = _pos("duration_s", duration_s, "s", *_DURATION_RANGE_S)
    q_va = _pos("va_flow_l_min", va_flow_l_min, "L/min", *_FLOW_RANGE_L_MIN, low_inclusive=True)
    q_vv = _pos("vv_flow_l_min", vv_flow_l_min, "L/min", *_FLOW_RANGE_L_MIN, low_inclusive=True)
    k_lv = _pos("lv_contractility", lv_contractility, "1 (factor)", 0.0, 2.0, low_inclusive=True)
    k_rv = _pos("rv_contractility", rv_contractility, "1 (factor)", 0.0, 2.0, low_inclusive=True)
    hr = None if heart_rate_bpm is None else _pos("heart_rate_bpm", heart_rate_bpm, "beats/min",
                                                  *_HR_RANGE_BPM, low_inclusive=True)
    arrest = _flag("arrest", arrest)
    compressions = _flag("compressions", compressions)
    rate = _pos("compression_rate_per_min", compression_rate_per_min, "1/min", 10.0, 250.0,
                low_inclusive=True)
    p_cc = _pos("compression_pressure_mmhg", compression_pressure_mmhg, "mmHg", 0.0, 200.0,
                low_inclusive=True)
    duty = _validation.fraction("compression_duty_cycle", compression_duty_cycle,
                                low_inclusive=False, high_inclusive=False)
    if duty.ndim != 0:
        raise ValueError("compression_duty_cycle [fraction 0..1] must be a single real number")
    duty = float(duty)
    svr = _pos("systemic_resistance_factor", systemic_resistance_factor, "1 (factor)", 0.1, 10.0,
               low_inclusive=True)
    added = _pos("added_volume_ml", added_volume_ml, "mL", -1e4, 1e4, low_inclusive=True)
    if isinstance(summary_beats, (bool, np.bool_)) or not isinstance(summary_beats, (int, np.integer)) \
            or not 1 <= summary_beats <= 100:
        raise ValueError(f"summary_beats [cycles] must be an integer in [1, 100]; got {summary_beats!r}")
    if sample_interval_s is None:
        interval = 0.005 if duration <= 600.0 else duration / 120000.0
    else:
        interval = _pos("sample_interval_s", sample_interval_s, "s", 0.0005, 1.0, low_inclusive=True)

    # ECMO mode
    if rpm is None and circuit is not None:
        raise ValueError("circuit was given without rpm [rev/min]: give the pump speed for pump-driven VA flow")
    if rpm is not None:
        rpm_v = _pos("rpm", rpm, "rev/min", *_RPM_RANGE)
        if circuit is None:
            raise ValueError(f"rpm [rev/min] = {rpm_v:g} needs a circuit (ecmolib.circuit.Circuit) to drive VA flow")
        if q_va > 0.0:
            raise ValueError("give either va_flow_l_min [L/min] (set flow) or rpm with circuit (pump-driven), not both")
        from ecmolib import circuit as circuit_module

        if not isinstance(circuit, circuit_module.Circuit):
            raise ValueError(f"circuit must be an ecmolib.circuit.Circuit; got {type(circuit).__name__}")
        if circuit.mode != "va":
            raise ValueError(f"circuit must be a VA circuit (mode 'va') for pump-driven support; got mode {circuit.mode!r}")
        ecmo_mode = 2
    else:
        gv = ga = np.zeros(2)
        gq = np.zeros((2, 2))
        ecmo_mode = 1 if q_va > 0.0 else 0

    # Parameters
    if parameters is None:
        params = parameters_for(patient, heart_rate_bpm=hr)
    else:
        if not isinstance(parameters, CirculationParameters):
            raise ValueError(f"parameters must be a CirculationParameters; got {type(parameters).__name__}")
        params = parameters if hr is None else _with_heart_rate(parameters, hr)
    if svr != 1.0:
        params = dataclasses.replace(params, systemic_resistance_mmhg_s_ml=params.systemic_resistance_mmhg_s_ml * svr)
    if added != 0.0:
        if params.stressed_volume_ml + added <= 0.0:
            raise ValueError(
                f"added_volume_ml [mL] must be > {-params.stressed_volume_ml:g} (minus the stressed volume "
                f"of this patient); got {added!r}")
        params = dataclasses.replace(params, blood_volume_ml=params.blood_volume_ml + added,
                                     stressed_volume_ml=params.stressed_volume_ml + added)

    if ecmo_mode == 2:
        # The venous compartment is the circuit's venous reservoir; the
        # drainage resistance of the model replaces the circuit's own R_v
        # (the model already contains the native venous return).
        coupled = dataclasses.replace(
            circuit, venous_resistance_mmhg_min_l=params.drainage_resistance_mmhg_s_ml * _ML_S_PER_L_MIN)
        gq = _circuit_flow_table(coupled, rpm_v, patient.hb_g_dl)
        gv, ga = _GRID_VENOUS_MMHG, _GRID_ARTERIAL_MMHG

    comp_period = 60.0 / rate
    pvec = _vector(params, lv_contractility=k_lv, rv_contractility=k_rv, arrest=arrest,
                   compressions=compressions, compression_period_s=comp_period,
                   compression_duty_cycle=duty, compression_pressure_mmhg=p_cc,
                   ecmo_mode=ecmo_mode, ecmo_flow_ml_s=q_va * _ML_S_PER_L_MIN)
    cycle = comp_period if (arrest and compressions) else params.heart_period_s
    dt = cycle / STEPS_PER_CYCLE

    if initial_state is None:
        y0 = _initial_state(params)
        tol = 2e-7 * params.blood_volume_ml
        max_cycles = max(3, math.ceil(600.0 / cycle))
        y, n_cycles, converged = _warmup(y0, 0.0, pvec, gv, ga, gq, dt, STEPS_PER_CYCLE,
                                         max_cycles, tol, 3)
        t0 = n_cycles * STEPS_PER_CYCLE * dt
        warm = t0
    else:
        if not isinstance(initial_state, CirculationState):
            raise ValueError(f"initial_state must be a CirculationState; got {type(initial_state).__name__}")
        y = initial_state._vector()
        y[2] += added
        if y[2] < 0.0:
            raise ValueError(f"added_volume_ml [mL] must be > {-initial_state.venous_volume_ml:g} "
                             f"(minus the venous volume of initial_state); got {added!r}")
        t0 = initial_state.time_s
        warm = 0.0
        converged = False

    n_steps = max(1, round(duration / dt))
    rec_every = max(1, round(interval / dt))
    whole_cycles = min(summary_beats, n_steps // STEPS_PER_CYCLE)
    n_tail = whole_cycles * STEPS_PER_CYCLE + 1 if whole_cycles > 0 else n_steps + 1
    rec, tail, y_end = _run(y, t0, pvec, gv, ga, gq, dt, n_steps, rec_every, n_tail)

    to_l_min = 1.0 / _ML_S_PER_L_MIN

    def col(k):
        return _read_only(rec[:, 1 + k])

    def flow(k):
        return _read_only(rec[:, 1 + k] * to_l_min)

    final = CirculationState(*(float(v) for v in y_end), time_s=float(t0 + n_steps * dt))
    return Trace(
        t_s=_read_only(rec[:, 0] - t0),
        lv_pressure_mmhg=col(_A_PLV),
        lv_volume_ml=_read_only(rec[:, 1]),
        rv_pressure_mmhg=col(_A_PRV),
        rv_volume_ml=_read_only(rec[:, 4]),
        aortic_pressure_mmhg=col(_A_PAO),
        venous_pressure_mmhg=col(_A_PV),
        pulmonary_artery_pressure_mmhg=col(_A_PPA),
        pulmonary_venous_pressure_mmhg=col(_A_PPV),
        aortic_valve_flow_l_min=flow(_A_QAV),
        mitral_valve_flow_l_min=flow(_A_QMT),
        tricuspid_valve_flow_l_min=flow(_A_QTC),
        pulmonary_valve_flow_l_min=flow(_A_QPV),
        systemic_flow_l_min=flow(_A_QSYS),
        ecmo_flow_l_min=flow(_A_QE),
        vv_flow_l_min=_read_only(np.full(rec.shape[0], q_vv)),
        lv_activation=col(_A_E),
        compression_pressure_mmhg=col(_A_PEXT),
        total_volume_ml=_read_only(rec[:, 1:7].sum(axis=1)),
        summary=_summary(tail, params),
        final_state=final,
        parameters=params,
        warmup_s=float(warm),
        steady_state=bool(converged),
        time_step_s=float(dt),
    )
