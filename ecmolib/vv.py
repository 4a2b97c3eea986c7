"""Veno-venous ECMO at steady state.

The model
---------
Blood is drained from the venae cavae at the pump flow :math:`Q_{ec}`,
passes the membrane lung (:func:`ecmolib.oxygenator.exchange`) and returns
to the right atrium. A fraction :math:`R` of the returned blood is drawn
straight back into the drainage cannula (**recirculation**), so the blood
entering the oxygenator is, by content,

.. math::

    C_{pre} = (1-R)\\,C_{\\bar v} + R\\,C_{post}

and only the **effective flow** :math:`Q_{eff} = (1-R)\\,Q_{ec}` of
oxygenated blood reaches the right ventricle. There it mixes, by content,
with the venous return that was not drained, :math:`Q - Q_{eff}`
(:math:`Q` the cardiac output):

.. math::

    C_{pa} = \\frac{(Q - Q_{eff})\\,C_{\\bar v} + Q_{eff}\\,C_{post}}{Q}
           = C_{\\bar v} + \\frac{\\dot V_{ML}}{10\\,Q}

(:math:`\\dot V_{ML}` the membrane's O2 transfer, or minus its CO2 removal,
in mL/min). The native lungs (:mod:`ecmolib.lungs`: a shunt fraction and
ideal ventilated units at the inspired FiO2) turn pulmonary-arterial into
arterial blood, and the tissues consume VO2 and produce VCO2:

.. math::

    C_{\\bar v} = C_a - \\frac{\\dot V O_2}{10\\,Q}, \\qquad
    C_{\\bar v}CO_2 = C_aCO_2 + \\frac{\\dot V CO_2}{10\\,Q}

:func:`steady_state` **solves** for the state of the blood entering the
oxygenator (PO2, PCO2) that closes both balances,

.. math::

    \\dot V_{ML}O_2 + \\dot V_{lung}O_2 = \\dot V O_2, \\qquad
    \\dot V_{ML}CO_2 + \\dot V_{lung}CO_2 = \\dot V CO_2

so PaO2, SaO2, PaCO2 and SvO2 all come out of the membrane, the sweep, the
lungs and the mixing; none is typed in.

**Effective flow above cardiac output.** The drainage cannula cannot take
more venous blood than returns to the heart. If :math:`(1-R)Q_{ec}` would
exceed :math:`Q`, the excess pump flow can only be returned blood drawn
back: the model caps the effective flow at :math:`Q` and raises the
recirculation to :math:`R = 1 - Q/Q_{ec}` (reported in ``.recirculation``,
with ``.flow_limited`` True). The whole venous return then passes the
oxygenator and the pulmonary artery receives only post-oxygenator blood.
(At the bedside such drainage also causes suction and chatter: see
:func:`ecmolib.circuit.operating_point`.)

References
----------
.. [1] Messai E, Bouguerra A, Harmelin G, Di Lascio G, Cianchi G,
   Bonacchi M. A new formula for determining arterial oxygen saturation
   during venovenous extracorporeal oxygenation. Intensive Care Med
   2013;39:327-334. doi:10.1007/s00134-012-2756-0
.. [2] Bartlett RH. Physiology of gas exchange during ECMO for respiratory
   failure. J Intensive Care Med (published online 2016).
   doi:10.1177/0885066616641383
.. [3] Abrams D, Bacchetta M, Brodie D. Recirculation in venovenous
   extracorporeal membrane oxygenation. ASAIO J 2015;61:115-121.
   doi:10.1097/MAT.0000000000000179
.. [4] Palmer O, Palmer K, Hultman J, Broman M. Cannula design and
   recirculation during venovenous extracorporeal membrane oxygenation.
   ASAIO J 2016;62:737-742. doi:10.1097/MAT.0000000000000440
.. [5] Schmidt M, Tachon G, Devilliers C, et al. Blood oxygenation and
   decarboxylation determinants during venovenous ECMO for respiratory
   failure in adults. Intensive Care Med 2013.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecmolib import _jit, blood, lungs, patients, tissues
from ecmolib import oxygenator as _oxy
from ecmolib._validation import checked, fraction, result

__all__ = [
    "TYPICAL_RECIRCULATION",
    "MAX_RECIRCULATION",
    "DEFAULT_SHUNT_FRACTION",
    "DEFAULT_FIO2",
    "recirculation_fraction",
    "FlowDependentRecirculation",
    "default_oxygenator",
    "VVSteadyState",
    "steady_state",
]

#: Typical recirculation fraction by cannula configuration, as
#: ``(low, typical, high)`` fractions of the pump flow.
#:
#: * ``"jugulo_femoral"`` (atrio-femoral: drainage near the right atrium
#:   from the jugular, return to the femoral vein): 0.19 +/- 0.12 with a
#:   multistage drainage cannula and 0.38 +/- 0.14 with a conventional mesh
#:   cannula, ultrasound dilution, 108 measurements in 14 patients (Palmer et
#:   al. 2016, doi:10.1097/MAT.0000000000000440). Values (0.07, 0.19, 0.38).
#: * ``"femoro_jugular"`` (drainage from the inferior vena cava via the
#:   femoral vein, return to the right atrium via the jugular vein): lower
#:   than the reverse direction; a bicentric ultrasound-dilution study
#:   comparing the two directions (595 femoro-jugular measurements)
#:   reported a median of 5 % (interquartile range 0-11 %) against 19 %
#:   (13-28 %) jugulo-femoral. Values (0.0, 0.05, 0.11). The full reference
#:   of that study could not be verified by the author; the ordering agrees
#:   with Abrams et al. 2015 (doi:10.1097/MAT.0000000000000179).
#: * ``"dual_lumen_bicaval"`` (one jugular cannula draining both cavae and
#:   returning towards the tricuspid valve): ASSUMPTION (0.0, 0.05, 0.30).
#:   Well positioned it recirculates little (Abrams et al. 2015 list
#:   dual-lumen cannulae among the means to minimise recirculation); a
#:   malpositioned or rotated cannula can recirculate much more. The numbers
#:   are this library's teaching values, not a cited measurement.
#: * ``"bifemoral"`` (femoro-femoral: drainage and return both in the
#:   inferior vena cava / iliac veins): ASSUMPTION (0.1, 0.25, 0.5). Both
#:   tips lie in the same vessel, so recirculation depends strongly on the
#:   distance between them (Abrams et al. 2015); the numbers are teaching
#:   values, not a cited measurement.
TYPICAL_RECIRCULATION = {
    "dual_lumen_bicaval": (0.0, 0.05, 0.30),
    "femoro_jugular": (0.0, 0.05, 0.11),
    "jugulo_femoral": (0.07, 0.19, 0.38),
    "bifemoral": (0.1, 0.25, 0.5),
}

#: Largest recirculation fraction :func:`steady_state` accepts. Above about
#: 0.5 the support is clinically ineffective; 0.9 leaves room for teaching
#: extremes while keeping the pre-oxygenator mixing well conditioned.
MAX_RECIRCULATION = 0.9

#: Default shunt fraction of the native lungs in VV ECMO: 1.0, lungs that
#: exchange no gas ("all the gas exchange occurs in the membrane lung",
#: Bartlett 2016, doi:10.1177/0885066616641383). The situation in which the
#: ratio of ECMO flow to cardiac output sets the arterial saturation.
DEFAULT_SHUNT_FRACTION = 1.0

#: Default inspired O2 fraction, 0.21: ASSUMPTION (air; ventilator FiO2 is
#: lowered on ECMO to rest the lung). It has no effect with the default
#: shunt fraction of 1.
DEFAULT_FIO2 = 0.21

_FIO2_MIN = 0.21
_CO_RANGE = (0.0, 40.0)
_HB_RANGE = (2.0, 25.0)
_GAS_RANGE = (0.0, 6000.0)
_RQ_RANGE = (0.6, 1.3)
_SWEEP_MAX = 20.0
_BE_RANGE = (-30.0, 30.0)
_PB_RANGE = (400.0, 800.0)


# --------------------------------------------------------------------------
# Recirculation and device choice
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowDependentRecirculation:
    r"""Recirculation that rises with pump flow relative to venous return.

    Pass an instance as ``recirculation=`` to :func:`steady_state` instead
    of a fixed fraction. With :math:`x = Q_{ec}/Q` (pump flow over cardiac
    output, the venous return the drainage cannula competes for) and
    :math:`d` the distance between the drainage and return cannula tips:

    .. math::

        R = 1 - (1 - R_{ref})^{\,x^{n}\,e^{-(d - d_{ref})/\lambda}}

    so :math:`R = R_{ref}` at :math:`x = 1`, :math:`d = d_{ref}`; it rises
    steeply with :math:`x` (the drainage cannula takes more of the returned
    jet as it asks for more than the caval return), falls with distance,
    and stays below 1 (then limited to :data:`MAX_RECIRCULATION`). Because
    :math:`R` rises faster than :math:`Q_{ec}`, the effective flow
    :math:`(1 - R)Q_{ec}` has a maximum: beyond it more pump flow lowers
    SaO2 (the "more flow, lower SaO2" paradox; Abrams et al. 2015).

    Parameters
    ----------
    reference_recirculation : float
        :math:`R_{ref}`, recirculation at pump flow = cardiac output and the
        reference distance, fraction; valid [0, 0.9]. Default 0.3357:
        a CFD study (Sci Rep 2022, "Blood flow
        but not cannula positioning influences the efficacy of veno-venous
        ECMO therapy", doi:10.1038/s41598-022-23159-z) found a mean
        recirculation of 33.57 % at 5 L/min and 7.66 % at 3 L/min;
        ASSUMPTION: a cardiac output of 5 L/min in that model (not
        verified from the figure caption).
    flow_exponent : float
        :math:`n`; valid [0, 10]. Default 3.20: the exponent through both
        CFD points, :math:`\ln(\ln(1-0.3357)/\ln(1-0.0766))/\ln(5/3)`.
    cannula_distance_cm : float
        Intravascular distance between the cannula tips [cm]; valid
        (0, 60]. Default 15 (the reference).
    reference_distance_cm : float
        :math:`d_{ref}` [cm]; valid (0, 60]. Default 15 (ASSUMPTION: the
        CFD geometry's distance is not given in the figure caption).
    distance_scale_cm : float
        :math:`\lambda` [cm]; valid (0, 1000]. Default 81: in pigs
        (Antonsen et al. 2024, doi:10.1186/s40635-024-00636-5) a short
        distance (10-14 cm) recirculated 16 % more than a long one
        (20-26 cm), read as a relative change over 12 cm,
        :math:`12/\ln 1.16`.

    Notes
    -----
    The same porcine study reports the recirculation rising by 49 % (long
    distance) and 28 % (short distance) from 3.5 to 5.0 L/min ("median
    delta RF"; the abstract does not say whether relative or in points,
    and gives no absolute values): a shallower rise than the CFD's
    (exponent about 0.7-1.1 if relative). It is *not* "28 % to 49 %" in
    absolute terms, as sometimes quoted. Clinical recirculation varies
    widely with cannula design and position (Palmer et al. 2016, 19-38 %
    on average); set ``reference_recirculation`` to the configuration
    (:data:`TYPICAL_RECIRCULATION`).

    Examples
    --------
    >>> from ecmolib import vv
    >>> model = vv.FlowDependentRecirculation()
    >>> [round(float(model.fraction(q, 5.0)), 3) for q in (3.0, 5.0)]
    [0.077, 0.336]
    >>> round(float(vv.FlowDependentRecirculation(cannula_distance_cm=8.0).fraction(5.0, 5.0)), 3)
    0.36

    References
    ----------
    .. [1] Abrams D, Bacchetta M, Brodie D. Recirculation in venovenous
       extracorporeal membrane oxygenation. ASAIO J 2015;61:115-121.
       doi:10.1097/MAT.0000000000000179
    .. [2] Antonsen LP, Espinoza A, Halvorsen PS, et al. The impact of
       hypovolemia and PEEP on recirculation in venovenous ECMO: an
       experimental porcine model. Intensive Care Med Exp 2024;12:51.
       doi:10.1186/s40635-024-00636-5
    .. [3] Blood flow but not cannula positioning influences the efficacy of
       veno-venous ECMO therapy. Sci Rep 2022.
       doi:10.1038/s41598-022-23159-z
    .. [4] Palmer O, et al. ASAIO J 2016;62:737-742.
       doi:10.1097/MAT.0000000000000440
    """

    reference_recirculation: float = 0.3357
    flow_exponent: float = 3.20
    cannula_distance_cm: float = 15.0
    reference_distance_cm: float = 15.0
    distance_scale_cm: float = 81.0

    def __post_init__(self):
        spec = (("reference_recirculation", "fraction 0..1", 0.0, MAX_RECIRCULATION, True),
                ("flow_exponent", "1", 0.0, 10.0, True), ("cannula_distance_cm", "cm", 0.0, 60.0, False),
                ("reference_distance_cm", "cm", 0.0, 60.0, False), ("distance_scale_cm", "cm", 0.0, 1000.0, False))
        for name, units, low, high, low_inclusive in spec:
            v = checked(name, getattr(self, name), units, low=low, high=high, low_inclusive=low_inclusive)
            if v.ndim:
                raise ValueError(f"{name} [{units}] must be a single number; got {v!r}")
            object.__setattr__(self, name, float(v))

    def fraction(self, ecmo_flow_l_min, cardiac_output_l_min):
        """Recirculation fraction for pump flow and cardiac output [L/min] (broadcast).

        Pump flow valid [0, 40], cardiac output (0, 40] [L/min]; the result
        lies in [0, :data:`MAX_RECIRCULATION`].
        """
        qec = checked("ecmo_flow_l_min", ecmo_flow_l_min, "L/min", low=0.0, high=_CO_RANGE[1])
        co = checked("cardiac_output_l_min", cardiac_output_l_min, "L/min", low=_CO_RANGE[0],
                     high=_CO_RANGE[1], low_inclusive=False)
        return result(self._fraction(qec, co))

    def _fraction(self, qec, co):
        shift = np.exp(-(self.cannula_distance_cm - self.reference_distance_cm) / self.distance_scale_cm)
        k = -np.log1p(-self.reference_recirculation)
        return np.minimum(-np.expm1(-k * (qec / co) ** self.flow_exponent * shift), MAX_RECIRCULATION)


def recirculation_fraction(pre_so2, post_so2, venous_so2):
    r"""Recirculation fraction from three saturations (the saturation method).

    .. math::

        R = \frac{S_{pre} - S_{\bar v}}{S_{post} - S_{\bar v}}

    with :math:`S_{pre}` the saturation of the blood entering the
    oxygenator (drainage line), :math:`S_{post}` of the blood leaving it and
    :math:`S_{\bar v}` of the patient's true mixed venous blood. It follows
    from :math:`C_{pre} = (1-R)C_{\bar v} + R\,C_{post}` when the dissolved
    O2 is neglected (after the oxygenator it is not negligible; Walker et al.
    2009 add a correction) and the haemoglobin is equal in the three samples.

    Parameters
    ----------
    pre_so2 : float or array_like
        Pre-oxygenator O2 saturation, fraction; valid [0, 1], between
        ``venous_so2`` and ``post_so2``.
    post_so2 : float or array_like
        Post-oxygenator O2 saturation, fraction; valid [0, 1], greater than
        ``venous_so2``.
    venous_so2 : float or array_like
        True mixed venous O2 saturation, fraction; valid [0, 1].

    Returns
    -------
    float or numpy.ndarray
        Recirculation fraction in [0, 1].

    Raises
    ------
    ValueError
        If a saturation is NaN, infinite, not a number, outside [0, 1],
        ``post_so2 <= venous_so2`` (the formula is undefined) or
        ``pre_so2`` lies outside [venous_so2, post_so2] (R outside [0, 1]).

    Notes
    -----
    In a living patient the true mixed venous saturation is not measurable
    on VV ECMO (the pulmonary artery already holds returned blood); the
    formula is exact inside :func:`steady_state`, where all three are known.

    Examples
    --------
    >>> from ecmolib import vv
    >>> round(float(vv.recirculation_fraction(0.75, 1.0, 0.65)), 4)
    0.2857

    References
    ----------
    .. [1] Messai E, et al. Intensive Care Med 2013;39:327-334.
       doi:10.1007/s00134-012-2756-0
    .. [2] Walker JL, Gelfond J, Zarzabal LA, Darling E. Calculating mixed
       venous saturation during veno-venous extracorporeal membrane
       oxygenation. Perfusion 2009;24:333-339. doi:10.1177/0267659109354790
    """
    pre = fraction("pre_so2", pre_so2)
    post = fraction("post_so2", post_so2)
    ven = fraction("venous_so2", venous_so2)
    lungs._broadcast(pre_so2=pre, post_so2=post, venous_so2=ven)
    if np.any(post <= ven):
        p, v = (float(np.broadcast_to(a, np.broadcast_shapes(post.shape, ven.shape))[
            np.broadcast_to(post <= ven, np.broadcast_shapes(post.shape, ven.shape))].flat[0])
            for a in (post, ven))
        raise ValueError(
            f"post_so2 [fraction 0..1] must be greater than venous_so2 for the recirculation "
            f"formula; got post_so2={p!r}, venous_so2={v!r}"
        )
    bad = (pre < ven) | (pre > post)
    if np.any(bad):
        shape = np.broadcast_shapes(pre.shape, post.shape, ven.shape)
        m = np.broadcast_to(bad, shape)
        pv, lo, hi = (float(np.broadcast_to(a, shape)[m].flat[0]) for a in (pre, ven, post))
        raise ValueError(
            f"pre_so2 [fraction 0..1] must lie between venous_so2 ({lo!r}) and post_so2 "
            f"({hi!r}) for a recirculation in [0, 1]; got {pv!r}"
        )
    return result((pre - ven) / (post - ven))


def default_oxygenator(patient, mode="vv") -> _oxy.Oxygenator:
    r"""The oxygenator preset chosen by patient size (:func:`ecmolib.oxygenator.for_patient`).

    The smallest of :data:`ecmolib.oxygenator.NEONATAL`,
    :data:`~ecmolib.oxygenator.PAEDIATRIC` and :data:`~ecmolib.oxygenator.ADULT`
    whose rated flow covers the patient's typical ELSO full-support flow
    (:func:`ecmolib.patients.target_ecmo_flow_l_min`):

    .. math:: Q_{rated} \ge Q_{ELSO}(\text{patient}, \text{mode})

    so that full support runs at or below rated flow (the flow at which the
    device still delivers 95 % saturated blood). A rule of this library, not
    a published selection chart.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient.
    mode : {"vv", "va"}
        ECMO mode (selects the ELSO flow band). Default ``"vv"``.

    Returns
    -------
    ecmolib.oxygenator.Oxygenator

    Raises
    ------
    ValueError
        If ``patient`` is not a Patient or ``mode`` is not "vv" or "va".

    Examples
    --------
    >>> from ecmolib import patients, vv
    >>> vv.default_oxygenator(patients.ADULT).name
    'QUADROX-iD Adult (Maquet/Getinge)'
    >>> vv.default_oxygenator(patients.CHILD).name
    'QUADROX-iD Pediatric (Maquet/Getinge)'
    >>> vv.default_oxygenator(patients.NEONATE).name
    'QUADROX-i Neonatal (Maquet/Getinge)'

    References
    ----------
    .. [1] ELSO General Guidelines for all ECLS Cases, v1.4, 2017 (flows per
       kg; see :data:`ecmolib.patients.ELSO_FLOW_ML_KG_MIN`).
    """
    return _oxy.for_patient(patients._checked(patient), mode)


# --------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class VVSteadyState:
    """Steady state of a patient on VV ECMO (:func:`steady_state`).

    Scalars for scalar input, arrays (broadcast shape) otherwise.

    Attributes
    ----------
    sao2, pao2_mmhg, paco2_mmhg : float or numpy.ndarray
        Systemic arterial O2 saturation (fraction), PO2 and PCO2 [mmHg].
    svo2 : float or numpy.ndarray
        Saturation of the true mixed venous blood (the systemic venous
        return, before any ECMO blood is added), fraction.
    do2_ml_min : float or numpy.ndarray
        Systemic O2 delivery :math:`10\\,Q\\,C_aO_2` [mL/min].
    arterial, venous, pulmonary_arterial, pre_oxygenator, post_oxygenator, end_capillary : ecmolib.blood.BloodGas
        Blood states: systemic arterial; true mixed venous (tissue
        outflow; also :attr:`mixed_venous`); pulmonary artery (venous return plus ECMO return);
        entering and leaving the oxygenator; end-capillary blood of the
        ventilated lung units (equal to the pulmonary arterial blood where
        no unit is perfused).
    ecmo_flow_l_min, cardiac_output_l_min, effective_flow_l_min : float or numpy.ndarray
        Pump flow, cardiac output and effective flow
        :math:`\\min((1-R)Q_{ec}, Q)` [L/min].
    flow_ratio : float or numpy.ndarray
        :math:`Q_{ec}/Q`.
    recirculation : float or numpy.ndarray
        Recirculation fraction in effect (the given one, or
        :math:`1 - Q/Q_{ec}` where the effective flow was capped).
    flow_limited : bool or numpy.ndarray
        True where :math:`(1-R)Q_{ec}` exceeded the cardiac output.
    sweep_l_min : float or numpy.ndarray
        Sweep gas flow used [L/min].
    vo2_ml_min : float or numpy.ndarray
        Actual tissue O2 consumption [mL/min]: the demand, or less where
        delivery is below critical (supply-limited; equal to the O2 taken
        up by membrane and lungs).
    vo2_demand_ml_min : float or numpy.ndarray
        The tissues' O2 demand (the ``vo2_ml_min`` argument) [mL/min].
    supply_limited : bool or numpy.ndarray
        True where consumption fell below the demand (delivery below
        VO2 demand / maximum extraction, :mod:`ecmolib.tissues`).
    o2_deficit_ml_min : float or numpy.ndarray
        Demand minus actual consumption [mL/min]: the rate at which O2 debt
        accumulates (lactate).
    vco2_ml_min : float or numpy.ndarray
        Tissue CO2 production [mL/min] (the argument; not reduced when
        consumption is supply-limited, see
        :func:`ecmolib.tissues._balance_residuals`).
    co2_accumulation_ml_min : float or numpy.ndarray
        CO2 produced but not cleared by membrane and lungs [mL/min]; 0 at a
        steady state. Where it is positive there is no steady state: the
        state is reported with the mixed venous blood's CO2 content at that of
        blood at :data:`ecmolib.tissues.PCO2_CEILING_MMHG`, and PCO2 keeps rising.
    paco2_rise_mmhg_min : float or numpy.ndarray
        Rate at which PaCO2 rises [mmHg/min]:
        :data:`ecmolib.tissues.APNOEIC_PACO2_RISE_MMHG_MIN` times the
        uncleared share of the CO2 production; 0 at a steady state.
    o2_transfer_ml_min, co2_removal_ml_min : float or numpy.ndarray
        O2 added and CO2 removed by the membrane lung [mL/min].
    lung_o2_uptake_ml_min, lung_co2_output_ml_min : float or numpy.ndarray
        O2 taken up and CO2 given off by the native lungs [mL/min].
    alveolar_po2_mmhg, alveolar_pco2_mmhg : float or numpy.ndarray
        Alveolar gas of the ventilated units [mmHg].
    alveolar_ventilation_l_min : float or numpy.ndarray
        Alveolar ventilation used [L/min].
    o2_balance_residual_ml_min, co2_balance_residual_ml_min : float or numpy.ndarray
        (membrane + lungs) minus the tissues' exchange computed from the
        reported arterial and venous states,
        :math:`10\\,Q\\,(C_a - C_{\\bar v})` [mL/min]; zero to solver
        precision (about 1e-9 of VO2).
    membrane_pressure_drop_mmhg : float or numpy.ndarray
        Blood-side pressure drop across the oxygenator [mmHg] (0 without
        ECMO flow).
    oxygenator : ecmolib.oxygenator.Oxygenator
        The device used.
    """

    sao2: float | np.ndarray
    pao2_mmhg: float | np.ndarray
    paco2_mmhg: float | np.ndarray
    svo2: float | np.ndarray
    do2_ml_min: float | np.ndarray
    arterial: blood.BloodGas
    venous: blood.BloodGas
    pulmonary_arterial: blood.BloodGas
    pre_oxygenator: blood.BloodGas
    post_oxygenator: blood.BloodGas
    end_capillary: blood.BloodGas
    ecmo_flow_l_min: float | np.ndarray
    cardiac_output_l_min: float | np.ndarray
    effective_flow_l_min: float | np.ndarray
    flow_ratio: float | np.ndarray
    recirculation: float | np.ndarray
    flow_limited: bool | np.ndarray
    sweep_l_min: float | np.ndarray
    vo2_ml_min: float | np.ndarray
    vo2_demand_ml_min: float | np.ndarray
    supply_limited: bool | np.ndarray
    o2_deficit_ml_min: float | np.ndarray
    vco2_ml_min: float | np.ndarray
    co2_accumulation_ml_min: float | np.ndarray
    paco2_rise_mmhg_min: float | np.ndarray
    o2_transfer_ml_min: float | np.ndarray
    co2_removal_ml_min: float | np.ndarray
    lung_o2_uptake_ml_min: float | np.ndarray
    lung_co2_output_ml_min: float | np.ndarray
    alveolar_po2_mmhg: float | np.ndarray
    alveolar_pco2_mmhg: float | np.ndarray
    alveolar_ventilation_l_min: float | np.ndarray
    o2_balance_residual_ml_min: float | np.ndarray
    co2_balance_residual_ml_min: float | np.ndarray
    membrane_pressure_drop_mmhg: float | np.ndarray
    oxygenator: _oxy.Oxygenator

    @property
    def mixed_venous(self) -> blood.BloodGas:
        """The true mixed venous blood (alias of :attr:`venous`)."""
        return self.venous


# --------------------------------------------------------------------------
# Shared input handling (also used by ecmolib.va)
# --------------------------------------------------------------------------


def _check_oxygenator(ox):
    if not isinstance(ox, _oxy.Oxygenator):
        raise ValueError(
            "oxygenator must be an ecmolib.oxygenator.Oxygenator (e.g. oxygenator.ADULT); "
            f"got {type(ox).__name__}"
        )
    return ox


def _patient_inputs(patient, *, hb_g_dl, vo2_ml_min, vco2_ml_min, base_excess_mmol_l,
                    barometric_pressure_mmhg, fio2, fdo2):
    """Checked arrays of the inputs common to VV and VA."""
    hb = checked("hb_g_dl", patient.hb_g_dl if hb_g_dl is None else hb_g_dl, "g/dL",
                 low=_HB_RANGE[0], high=_HB_RANGE[1])
    vo2 = checked("vo2_ml_min", patient.vo2_ml_min if vo2_ml_min is None else vo2_ml_min, "mL/min",
                  low=_GAS_RANGE[0], high=_GAS_RANGE[1], low_inclusive=False)
    vco2 = checked("vco2_ml_min", patient.vco2_ml_min if vco2_ml_min is None else vco2_ml_min,
                   "mL/min", low=_GAS_RANGE[0], high=_GAS_RANGE[1], low_inclusive=False)
    rq = vco2 / vo2
    if np.any((rq < _RQ_RANGE[0]) | (rq > _RQ_RANGE[1])):
        bad = np.broadcast_to(rq, np.broadcast_shapes(vo2.shape, vco2.shape))
        first = float(bad[(bad < _RQ_RANGE[0]) | (bad > _RQ_RANGE[1])].flat[0])
        raise ValueError(
            f"vco2_ml_min [mL/min] must give a respiratory quotient vco2/vo2 in "
            f"[{_RQ_RANGE[0]:g}, {_RQ_RANGE[1]:g}]; got a ratio of {first:.3g}"
        )
    be = checked("base_excess_mmol_l", base_excess_mmol_l, "mmol/L", low=_BE_RANGE[0], high=_BE_RANGE[1])
    pb = checked("barometric_pressure_mmhg", barometric_pressure_mmhg, "mmHg",
                 low=_PB_RANGE[0], high=_PB_RANGE[1])
    f_i = checked("fio2", fio2, "fraction 0..1", low=_FIO2_MIN, high=1.0)
    f_d = checked("fdo2", fdo2, "fraction 0..1", low=_FIO2_MIN, high=1.0)
    return hb, vo2, vco2, be, pb, f_i, f_d


def _ventilation(patient, P, shape, given):
    r"""Alveolar ventilation of the native lungs [L/min], flat.

    The given one, or the patient's own: the healthy V/Q times the
    patient's resting cardiac output, times the share of the lung still
    ventilated, :math:`\dot V_A = (V/Q)_{normal}\,Q_{rest}\,(1 - s)`. It
    does not follow the pulmonary blood flow (the patient or the ventilator
    sets it): on VA ECMO the little blood that crosses the lungs is
    over-ventilated (low end-capillary PCO2).
    """
    if given is not None:
        return _flat(shape, va=given)["va"]
    normal = lungs.normal_ventilation_perfusion_ratio(patient) * patient.cardiac_output_l_min
    return normal * (1.0 - P["shunt"])


def _limits(P, shape, max_o2_extraction):
    """Add the solver's PCO2 bounds, the CO2 ceiling and the maximum O2 extraction to ``P``."""
    emax = checked("max_o2_extraction", max_o2_extraction, "fraction 0..1", low=0.0,
                   high=tissues._MAX_EXTRACTION_HIGH, low_inclusive=False)
    P["emax"] = _flat(shape, emax=emax)["emax"]
    P["pco2_lo"], P["pco2_hi"] = lungs._pco2_bounds(P["hb"], P["be"])
    P["pco2_ceil"] = np.minimum(tissues.PCO2_CEILING_MMHG, 0.9 * P["pco2_hi"])
    P["ph_ceil"] = lungs._ph_from_pco2(P["pco2_ceil"], P["hb"], P["be"])
    # The alkaline edge, a little inside the solvers' bound (tissues._balance_residuals).
    P["pco2_floor"] = 1.001 * P["pco2_lo"]
    P["ph_floor"] = lungs._ph_from_pco2(P["pco2_floor"], P["hb"], P["be"])


def _flat(shape, **arrays):
    return {k: np.array(np.broadcast_to(np.asarray(v, dtype=float), shape), dtype=float).reshape(-1)
            for k, v in arrays.items()}


def _guess_po2(so2, hb, p50, pco2, be, t):
    """PO2 [mmHg] with saturation so2 at the given PCO2 (pH on the Van Slyke line)."""
    ph = lungs._ph_from_pco2(pco2, hb, be)
    return blood._sev_inv(so2) / blood._shift_factor(p50, ph, pco2, t)


def _end_capillary_guess(P):
    """O2 content [mL/dL] of ventilated-unit blood at a PACO2 of 40 mmHg (initial guess)."""
    pao2 = np.maximum(P["fio2"] * (P["pb"] - _oxy.WATER_VAPOUR_PRESSURE_MMHG)
                      - 40.0 * lungs._alveolar_factor(P["fio2"], lungs.RESPIRATORY_EXCHANGE_RATIO), 5.0)
    s = blood._sat(pao2, P["p50"], 7.40, 40.0, P["t"])
    return blood.HUFNER_ML_PER_G * P["hb"] * s + blood.O2_SOLUBILITY_ML_DL_MMHG * pao2


def _post_guess(P):
    po2 = 0.5 * P["fdo2"] * (P["pb"] - _oxy.WATER_VAPOUR_PRESSURE_MMHG)
    return blood.HUFNER_ML_PER_G * P["hb"] + blood.O2_SOLUBILITY_ML_DL_MMHG * po2


def _exchange_points(ox, inlet, P, idx):
    """Oxygenator exchange at trial inlet states for elements ``idx``.

    ``inlet`` is a tuple of flat arrays ``(po2, pco2, ph, so2, o2c, co2c)``
    (from :func:`ecmolib.lungs._blood_props`). Calls the oxygenator's
    unchecked core directly: the points lie inside the ranges by
    construction. Returns O2 transfer, CO2 removal, outlet PO2 and PCO2 and
    pressure drop; points without pump flow exchange nothing (outlet =
    inlet).
    """
    po2, pco2, ph, so2, o2c, co2c = inlet
    m = idx.size
    q = P["qec"][idx]
    o2 = np.zeros(m)
    co2 = np.zeros(m)
    po2_out = np.array(po2, dtype=float)
    pco2_out = np.array(pco2, dtype=float)
    dp = np.zeros(m)
    on = q > lungs._QEC_MIN_L_MIN
    if np.any(on):
        sel = (lambda a: a) if np.all(on) else (lambda a: a[on])
        ex = _oxy._exchange_flat(
            ox, _oxy._diffusing_capacity(_oxy._healthy(ox)), _oxy._conductance(_oxy._healthy(ox)),
            sel(pco2), sel(P["hb"][idx]), sel(P["p50"][idx]), sel(P["be"][idx]), sel(P["t"][idx]),
            sel(ph), sel(so2), sel(o2c), sel(co2c), sel(q), sel(P["sweep"][idx]), sel(P["fdo2"][idx]),
            sel(P["pb"][idx]), hold=True,  # outlet held at pH 7.8 rather than refused
        )
        o2[on] = ex["o2"]
        co2[on] = ex["co2"]
        po2_out[on] = ex["po2"]
        pco2_out[on] = ex["pco2"]
        dp[on] = _oxy.pressure_drop_mmhg(ox, ex["q"], hb_g_dl=ex["hb"], temperature_c=ex["temp"])
    return o2, co2, po2_out, pco2_out, dp


def _lung_terms(pa_o2, pa_co2, qlung, P, idx):
    """Native lung exchange for pulmonary-arterial contents (flat arrays)."""
    s = P["shunt"][idx]
    qv = (1.0 - s) * qlung
    u = lungs._ventilated_units(
        pa_co2, qv, P["va"][idx], P["fio2"][idx],
        P["pb"][idx], np.full(idx.size, lungs.RESPIRATORY_EXCHANGE_RATIO), P["hb"][idx],
        P["p50"][idx], P["be"][idx], P["t"][idx],
    )
    perfused = u["perfused"]
    ec_o2 = np.where(perfused, u["o2c"], pa_o2)
    ec_co2 = np.where(perfused, u["co2c"], pa_co2)
    l_o2 = 10.0 * qv * (ec_o2 - pa_o2)
    l_co2 = 10.0 * qv * (pa_co2 - ec_co2)
    ca_o2 = s * pa_o2 + (1.0 - s) * ec_o2
    ca_co2 = s * pa_co2 + (1.0 - s) * ec_co2
    return l_o2, l_co2, ca_o2, ca_co2, u, qv


def _solve_or_raise(evaluate, x0, P, mode):
    """Run the balance solver; turn a failure into a ValueError that explains it."""
    lower = np.stack([np.full(x0.shape[1], lungs._PO2_FLOOR_MMHG), P["pco2_lo"]])
    upper = np.stack([np.full(x0.shape[1], blood._PO2_MAX), P["pco2_hi"]])
    x0 = np.clip(x0, lower, upper)
    scale = np.stack([P["vo2"], P["vco2"]])
    x, aux, failed, f_last = lungs._solve_balances(evaluate, x0, lower, upper, scale)
    if np.any(failed):
        i = np.flatnonzero(failed)[0]
        where = f"(first failing element: ecmo_flow_l_min={P['qec'][i]:g} L/min"
        where += (f", cardiac_output_l_min={P['co'][i]:g} L/min)" if mode == "vv"
                  else f", native_output_l_min={P['qn'][i]:g} L/min)")
        if f_last[0, i] < 0 and x[0, i] <= 5.0:
            raise ValueError(_no_o2_message(P["vo2"][i], where))
        if f_last[0, i] > 0 and x[0, i] <= lower[0, i]:  # pragma: no cover - needs SvO2 ~ 1e-7
            raise ValueError(
                "no steady state within the blood model: the venous blood would have to be fully "
                f"desaturated (PO2 below {lungs._PO2_FLOOR_MMHG:g} mmHg) {where}")
        if f_last[1, i] < 0 and x[1, i] >= upper[1, i] * 0.98:
            raise ValueError(
                "no steady state within the blood model's range: the sweep gas and the native "
                f"lungs cannot remove the CO2 production (vco2_ml_min [mL/min] = {P['vco2'][i]:g}) "
                "at a venous PCO2 up to the model's limit (200 mmHg, pH 6.8); raise sweep_l_min "
                f"[L/min] or ecmo_flow_l_min [L/min] {where}"
            )
        raise ValueError(  # pragma: no cover - not seen in the tests
            f"the steady-state solve did not converge {where}; residuals "
            f"{f_last[0, i]:.3g} mL/min O2 and {f_last[1, i]:.3g} mL/min CO2"
        )
    return x, aux


def _no_o2_message(vo2, where=""):
    return (
        "no steady state: the membrane lung and the native lungs cannot take up the tissues' "
        f"O2 consumption (vo2_ml_min [mL/min] = {vo2:g}) even from fully desaturated venous "
        "blood; raise ecmo_flow_l_min [L/min], fdo2 or fio2, or lower recirculation or "
        f"shunt_fraction {where}"
    ).rstrip()


def _invert(o2c, co2c, P, rows, skip=None):
    """PO2 and PCO2 for several content pairs in one stacked from_contents call.

    ``o2c`` and ``co2c`` are lists of flat arrays (one per stream); returns
    lists of flat PO2 and PCO2 arrays in the same order. ``skip``: optional
    dict {stream number: boolean mask} of elements whose pressures the
    caller does not need (returned as NaN).
    """
    k = len(o2c)
    n = o2c[0].size
    for i in range(k):
        if np.any(o2c[i] <= 0.0):
            # The balances close only with a negative venous O2 content: the
            # O2 uptake at a fully desaturated venous return falls short of VO2.
            j = np.flatnonzero(o2c[i] <= 0.0)[0]
            raise ValueError(_no_o2_message(P["vo2"][j]))
        if np.any(co2c[i] <= 0.0):  # pragma: no cover - CO2 contents stay far from 0
            raise ValueError(f"no physical steady state: the {rows[i]} blood would need a "
                             "non-positive CO2 content; lower sweep_l_min [L/min]")

    keep = [np.ones(n, dtype=bool) if skip is None or i not in skip else ~skip[i] for i in range(k)]
    every = all(np.all(m) for m in keep)

    def pick(arrays):
        return arrays if every else [a[m] for a, m in zip(arrays, keep)]

    def tile(a):
        return np.tile(a, k) if every else np.concatenate([a[m] for m in keep])

    def spread(flat):
        if every:
            return list(flat.reshape(k, n))
        out = np.full((k, n), np.nan)
        out[np.stack(keep)] = flat
        return list(out)

    o2c, co2c = pick(o2c), pick(co2c)
    o2_all, co2_all = np.concatenate(o2c), np.concatenate(co2c)
    hb, p50, be, t = tile(P["hb"]), tile(P["p50"]), tile(P["be"]), tile(P["t"])
    try:
        # Fast path: the oxygenator's unchecked content inversion (the same
        # equations and 1e-13 match as BloodGas.from_contents, Newton instead
        # of bracketing); anything unusual goes to the checked path below,
        # which raises the explanatory errors.
        with np.errstate(all="ignore"):
            so2 = np.clip(o2_all / (blood.HUFNER_ML_PER_G * hb), 0.0, 1.0)
            po2, pco2 = _oxy._outlet_from_contents(o2_all, co2_all, so2, hb, p50, be, t)
        fast_ok = bool(np.all(np.isfinite(po2) & np.isfinite(pco2) & (po2 > 0.0) & (po2 <= blood._PO2_MAX)
                              & (pco2 > 0.0) & (pco2 <= blood._PCO2_MAX)))
    except (ValueError, RuntimeError):
        fast_ok = False
    if fast_ok:
        return spread(po2), spread(pco2)
    # Blood beyond the blood model's pH range is shown at its edge, as the
    # lungs hold their ventilated units there: a mixture of over-ventilated
    # native blood and strongly decarboxylated ECMO blood (pH above 7.8: CO2
    # content raised to the edge's content of deoxygenated blood, the
    # highest for any saturation), or venous blood while CO2 accumulates
    # (pH below 6.8 or PCO2 above 200 mmHg: content lowered to the edge's
    # content of oxygenated blood, the lowest for any saturation).
    low = blood._co2_douglas(np.maximum(blood._pco2_at_ph(blood._PH_MAX, hb, be), 0.0), blood._PH_MAX,
                             0.0, hb, t)
    pco2_top = np.minimum(blood._pco2_at_ph(blood._PH_MIN, hb, be), blood._PCO2_MAX) * (1.0 - 1e-9)
    high = blood._co2_douglas(pco2_top, lungs._ph_from_pco2(pco2_top, hb, be), 1.0, hb, t)
    co2_all = np.clip(co2_all, low * (1.0 + 1e-9), high * (1.0 - 1e-9))
    try:
        g = blood.BloodGas.from_contents(
            o2_all, co2_all, hb_g_dl=hb, p50_mmhg=p50, base_excess_mmol_l=be, temperature_c=t,
        )
    except ValueError as err:
        raise ValueError(
            f"the steady state leaves the blood model's range ({err}); "
            "change ecmo_flow_l_min [L/min], sweep_l_min [L/min] or the lung settings"
        ) from None
    return spread(np.asarray(g.po2_mmhg, dtype=float).reshape(-1)), spread(
        np.asarray(g.pco2_mmhg, dtype=float).reshape(-1))


def _props(pairs, P):
    """SO2, O2 and CO2 contents of several (PO2, PCO2) streams, one stacked call.

    ``pairs`` is a list of (flat PO2, flat PCO2) arrays; returns a list of
    (so2, o2c, co2c) flat arrays: the derived properties of
    :class:`ecmolib.blood.BloodGas`, computed by the solver's fast kernel
    (:func:`ecmolib.lungs._blood_props`) instead of one pH root finding per
    state.
    """
    k = len(pairs)
    n = P["hb"].size

    def tile(a):
        return np.tile(a, k)

    po2 = np.concatenate([np.asarray(p, dtype=float).reshape(-1) for p, _ in pairs])
    pco2 = np.concatenate([np.asarray(c, dtype=float).reshape(-1) for _, c in pairs])
    _, so2, o2c, co2c = lungs._blood_props(po2, pco2, tile(P["hb"]), tile(P["p50"]), tile(P["be"]),
                                           tile(P["t"]))
    return [(so2[i * n:(i + 1) * n], o2c[i * n:(i + 1) * n], co2c[i * n:(i + 1) * n]) for i in range(k)]


def _state(po2, pco2, P, shape):
    def r(a):
        return result(np.asarray(a, dtype=float).reshape(shape))

    def compact(a):  # one number where the field is the same everywhere (cheaper checks)
        return float(a[0]) if a.size and np.all(a == a[0]) else r(a)

    return blood.BloodGas(po2_mmhg=r(po2), pco2_mmhg=r(pco2), hb_g_dl=compact(P["hb"]),
                          p50_mmhg=compact(P["p50"]), base_excess_mmol_l=compact(P["be"]),
                          temperature_c=compact(P["t"]))


# --------------------------------------------------------------------------
# Steady state
# --------------------------------------------------------------------------


def _vv_evaluate(ox, P):
    def evaluate(x, idx):
        po2, pco2 = x
        ph, so2, cpre_o2, cpre_co2 = lungs._blood_props(po2, pco2, P["hb"][idx], P["p50"][idx],
                                                        P["be"][idx], P["t"][idx])
        t_o2, t_co2, post_po2, post_pco2, dp = _exchange_points(
            ox, (po2, pco2, ph, so2, cpre_o2, cpre_co2), P, idx)
        co, qeff, reff = P["co"][idx], P["qeff"][idx], P["reff"][idx]
        on = qeff > lungs._QEC_MIN_L_MIN  # below it nothing is exchanged
        back = np.where(on, reff / (10.0 * np.where(on, qeff, 1.0)), 0.0)
        v_o2 = cpre_o2 - back * t_o2
        v_co2 = cpre_co2 + back * t_co2
        pa_o2 = v_o2 + t_o2 / (10.0 * co)
        pa_co2 = v_co2 - t_co2 / (10.0 * co)
        l_o2, l_co2, ca_o2, ca_co2, u, qv = _lung_terms(pa_o2, pa_co2, co, P, idx)
        F = np.stack(_residuals(t_o2 + l_o2, t_co2 + l_co2, 10.0 * co * ca_o2, po2, v_co2, so2, cpre_co2, P,
                                idx))
        aux = {
            "t_o2": t_o2, "t_co2": t_co2, "post_po2": post_po2, "post_pco2": post_pco2, "dp": dp,
            "l_o2": l_o2, "l_co2": l_co2, "v_o2": v_o2, "v_co2": v_co2, "pa_o2": pa_o2,
            "pa_co2": pa_co2, "ca_o2": ca_o2, "ca_co2": ca_co2, "ec_po2": u["po2"],
            "ec_pco2": u["pco2"], "pao2": u["pao2"], "paco2": u["paco2"], "balance": u["balance"],
            "qv": qv,
        }
        return F, aux

    return evaluate


def _residuals(o2_uptake, co2_output, do2, po2, co2_venous, so2, co2_unknown, P, idx):
    """O2 and CO2 balance residuals [mL/min] (supply-limited VO2; see tissues._balance_residuals).

    ``so2`` and ``co2_unknown``: saturation and CO2 content of the solver's
    unknown blood, for the CO2 contents at the ceiling and floor PCO2
    (Haldane effect).
    """
    hb, t = P["hb"][idx], P["t"][idx]
    ceiling = blood._co2_douglas(P["pco2_ceil"][idx], P["ph_ceil"][idx], so2, hb, t)
    floor = blood._co2_douglas(P["pco2_floor"][idx], P["ph_floor"][idx], so2, hb, t)
    return tissues._balance_residuals(o2_uptake, co2_output, do2, P["vo2"][idx], P["vco2"][idx],
                                      P["emax"][idx], po2, lungs._PO2_FLOOR_MMHG, co2_venous, ceiling,
                                      co2_unknown, floor)


def _check_solution(sol, P):
    """Raise ValueError where a solved state lies outside the model (either solver)."""
    if np.any(sol["v_o2"] <= 0.0):
        # The balances close only with a negative venous O2 content (high
        # recirculation): the O2 uptake at a fully desaturated venous return
        # falls short of VO2.
        raise ValueError(_no_o2_message(P["vo2"][np.flatnonzero(sol["v_o2"] <= 0.0)[0]]))
    # Ventilated units whose end-capillary blood would leave the blood
    # model's pH range (a V/Q far from normal: little blood under the
    # patient's ventilation) are held at its edge, pH 7.8 or 6.8, rather than
    # refused: their blood balance holds, their alveolar CO2 balance is off
    # by .balance (the private lungs._ventilated_units), and an alveolar PO2
    # below 0 counts as 0 (lungs._capillary_state). lungs.exchange, which
    # takes one V/Q at a time, still refuses such units.


def _numpy_solution(ox, P, x0):
    """The steady state by the vectorised numpy solver (the reference path).

    Returns a dict of flat arrays named as :data:`ecmolib._vv_compiled.OUTPUTS`;
    raises the explanatory ValueError where no steady state exists.
    """
    x, aux = _solve_or_raise(_vv_evaluate(ox, P), x0, P, "vv")
    sol = {"pre_po2": x[0], "pre_pco2": x[1]}
    sol.update({k: aux[k] for k in ("t_o2", "t_co2", "post_po2", "post_pco2", "l_o2", "l_co2", "v_o2",
                                    "v_co2", "pa_o2", "pa_co2", "ca_o2", "ca_co2", "ec_po2", "ec_pco2",
                                    "pao2", "paco2", "balance", "qv")})
    _check_solution(sol, P)

    # Blood states: arterial always; venous where recirculation makes it
    # differ from the pre-oxygenator blood; pulmonary arterial where the
    # lungs change it.
    streams = {"arterial": (aux["ca_o2"], aux["ca_co2"]), "venous": (aux["v_o2"], aux["v_co2"]),
               "pulmonary arterial": (aux["pa_o2"], aux["pa_co2"])}
    names = list(streams)
    no_rec = P["reff"] == 0.0  # venous = pre-oxygenator blood, known
    # All blood shunted: arterial = pulmonary arterial contents, one inversion.
    same_pa = (aux["ca_o2"] == aux["pa_o2"]) & (aux["ca_co2"] == aux["pa_co2"])
    po2s, pco2s = _invert([streams[k][0] for k in names], [streams[k][1] for k in names], P, names,
                          skip={1: no_rec, 2: same_pa})
    art_po2, ven_po2, pa_po2 = po2s
    art_pco2, ven_pco2, pa_pco2 = pco2s
    sol["art_po2"], sol["art_pco2"] = art_po2, art_pco2
    sol["pa_po2"] = np.where(same_pa, art_po2, pa_po2)
    sol["pa_pco2"] = np.where(same_pa, art_pco2, pa_pco2)
    sol["ven_po2"] = np.where(no_rec, x[0], ven_po2)
    sol["ven_pco2"] = np.where(no_rec, x[1], ven_pco2)
    (sol["a_so2"], sol["a_o2c"], sol["a_co2c"]), (sol["v_so2"], sol["v_o2c"], sol["v_co2c"]) = _props(
        [(art_po2, art_pco2), (sol["ven_po2"], sol["ven_pco2"])], P)
    return sol


#: Solve with the compiled per-element solver (:mod:`ecmolib._vv_compiled`)
#: first; the numpy solver takes over wherever it fails. False: numpy only
#: (for comparison in the tests and benchmarks).
_USE_COMPILED = True

#: Smallest problem (number of states) for which the compiled solver is
#: loaded when numba is not in memory yet. Loading numba and the cached
#: machine code costs about 0.55 s and about 100 MB of memory (lesson 00's
#: kernel: 264 MB with it, 153 MB without); the compiled solver saves about
#: 30 us per state against the numpy solver (33 us against 3 us per state,
#: measured on 10^4 states), so it pays from about 18,000 states on: a
#: 150 x 150 grid. Smaller problems use the numpy solver unless numba is
#: already loaded, when the compiled solver is faster at any size.
COMPILED_MIN_STATES = 20000


def _pressure_drop(ox, P):
    """Membrane pressure drop [mmHg] at the pump flows of ``P`` (0 without flow)."""
    on = P["qec"] > 0
    dp = np.zeros(P["qec"].size)
    if np.any(on):
        dp[on] = _oxy.pressure_drop_mmhg(ox, P["qec"][on], hb_g_dl=P["hb"][on], temperature_c=P["t"][on])
    return dp


def _compiled_solution(ox, P, so2_0, pco2_0, region_phi=None):
    """The steady state by :mod:`ecmolib._vv_compiled`, or None if any element failed.

    ``region_phi``: for :mod:`ecmolib.va`, the native fractions of the
    regions' arterial blood (list of flat arrays); ``P["co"]`` then holds the
    native output and there is no recirculation.
    """
    n = P["qec"].size
    if not _USE_COMPILED or (n < COMPILED_MIN_STATES and not _jit.loaded()) or not _jit.AVAILABLE:
        return None                               # the numpy solver
    from ecmolib import _vv_compiled as vc

    va = P["va"]
    rows = {vc.I_QEC: P["qec"], vc.I_QEFF: P["qeff"], vc.I_REFF: P["reff"], vc.I_SHUNT: P["shunt"],
            vc.I_SWEEP: P["sweep"], vc.I_CO: P["co"], vc.I_HB: P["hb"], vc.I_P50: P["p50"],
            vc.I_BE: P["be"], vc.I_T: P["t"], vc.I_VO2: P["vo2"], vc.I_VCO2: P["vco2"], vc.I_PB: P["pb"],
            vc.I_FIO2: P["fio2"], vc.I_FDO2: P["fdo2"], vc.I_VA: va, vc.I_EMAX: P["emax"],
            vc.I_PCO2_CEIL: P["pco2_ceil"], vc.I_PH_CEIL: P["ph_ceil"], vc.I_PCO2_FLOOR: P["pco2_floor"],
            vc.I_PH_FLOOR: P["ph_floor"], vc.I_X0_SO2: so2_0,
            vc.I_X0_PCO2: pco2_0, vc.I_MODE: vc.VV if region_phi is None else vc.VA}
    for k, phi in enumerate(region_phi or ()):
        rows[vc.I_PHI + k] = phi
    inputs = np.zeros((vc.N_IN, n))
    for row, values in rows.items():
        inputs[row] = values
    healthy = _oxy._healthy(ox)
    sol = vc.solve(inputs, _oxy._diffusing_capacity(healthy), _oxy._conductance(healthy),
                   _oxy._capacity_factor(ox), ox.rated_flow_l_min, ox.o2_flow_exponent,
                   _oxy.device_shunt_fraction(ox))
    if np.any(sol["status"] != vc.OK):
        return None
    return sol


def steady_state(patient, ecmo_flow_l_min, *, recirculation=0.0,
                 shunt_fraction=DEFAULT_SHUNT_FRACTION, fio2=DEFAULT_FIO2, fdo2=1.0,
                 sweep_l_min=None, oxygenator=None, cardiac_output_l_min=None, hb_g_dl=None,
                 vo2_ml_min=None, vco2_ml_min=None, alveolar_ventilation_l_min=None,
                 base_excess_mmol_l=0.0,
                 barometric_pressure_mmhg=_oxy.STANDARD_BAROMETRIC_PRESSURE_MMHG,
                 max_o2_extraction=tissues.MAX_O2_EXTRACTION) -> VVSteadyState:
    r"""Steady state of a patient on veno-venous ECMO.

    Solves for the blood entering the oxygenator such that the whole-body
    O2 and CO2 balances close (see the module docstring for the circuit):

    .. math::

        C_{pre} = (1-R)C_{\bar v} + R\,C_{post},\quad
        Q_{eff} = \min\bigl((1-R)Q_{ec},\,Q\bigr)

        C_{pa} = C_{\bar v} + \frac{\dot V_{ML}}{10\,Q},\quad
        C_a = s\,C_{pa} + (1-s)\,C_{c'},\quad
        C_{\bar v} = C_a - \frac{\dot V O_2}{10\,Q}

        \dot V_{ML}O_2 + \dot V_{lung}O_2 = \dot V O_2,\qquad
        \dot V_{ML}CO_2 + \dot V_{lung}CO_2 = \dot V CO_2

    with :math:`\dot V_{ML}` from :func:`ecmolib.oxygenator.exchange`
    (membrane O2 transfer and CO2 removal for the pre-oxygenator blood at
    pump flow, sweep and FdO2) and the lungs from :func:`ecmolib.lungs.exchange`
    (end-capillary PO2 = PAO2 by the alveolar gas equation, PACO2 from the
    alveolar ventilation). PaCO2 therefore comes from the sweep, the
    membrane and the lungs.

    **Numerics.** Unknowns: the state of the pre-oxygenator blood of each
    element (PO2 and PCO2, or PO2 and pH); both balances are closed to 1e-9
    of VO2 and VCO2 by Newton iteration with a forward-difference Jacobian,
    kept and corrected by Broyden's rank-one update. Two solvers do this.
    First, a compiled one (:mod:`ecmolib._vv_compiled`, numba) solves
    element by element, each element of a grid starting from the
    extrapolated solution of its neighbours: about 2.2 oxygenator
    evaluations per element, 0.6 ms for a single state and 65-90 ms for a
    200 x 200 grid on two cores, about 130 ms on one (compiled once, about 8
    s, then cached). It is used when numba is already in memory or the
    problem has at least :data:`COMPILED_MIN_STATES` elements; smaller
    problems in a process without numba go to the numpy solver (about 30 ms
    for a single state), which spares a lesson's kernel about 100 MB.
    Where it does not settle an element (no steady state,
    or a submodel's range left), the call is solved by the vectorised numpy
    solver (the private ``lungs._solve_balances``: all elements and
    difference points in one oxygenator call, about 8 oxygenator evaluations
    per element, 0.4-0.6 s for the same grid; its docstring says why no
    ``scipy.optimize`` multivariate routine fits 40 000 independent 2x2
    systems), which raises the explanatory errors. Both use the same blood,
    oxygenator and lung equations. In the numpy solver the one-dimensional
    root findings inside (oxygenator, lungs, content to pressure) use
    vectorised :func:`scipy.optimize.newton` from close first guesses, with
    :func:`scipy.optimize.elementwise.find_root` on a bracket for any
    element that does not converge.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient: Hb, P50, temperature, cardiac output, VO2 and VCO2
        unless overridden below.
    ecmo_flow_l_min : float or array_like
        Pump (ECMO blood) flow [L/min]; valid [0, 1.5 x the oxygenator's
        maximum flow]. 0 means no ECMO (the native lungs alone).
    recirculation : float, array_like or FlowDependentRecirculation, optional
        Fraction of the returned blood drawn straight back into the
        drainage cannula; valid [0, 0.9]. Default 0. Typical values by
        cannula configuration: :data:`TYPICAL_RECIRCULATION`. Or a
        :class:`FlowDependentRecirculation`, whose fraction rises with the
        pump flow relative to the cardiac output (reported in
        ``.recirculation``).
    shunt_fraction : float or array_like, optional
        Shunt fraction of the native lungs; valid [0, 1]. Default 1.0
        (:data:`DEFAULT_SHUNT_FRACTION`, no native gas exchange).
    fio2 : float or array_like, optional
        Inspired O2 fraction; valid [0.21, 1]. Default 0.21
        (:data:`DEFAULT_FIO2`).
    fdo2 : float or array_like, optional
        O2 fraction of the sweep gas; valid [0.21, 1]. Default 1.0.
    sweep_l_min : float or array_like, optional
        Sweep gas flow [L/min]; valid [0, 20]. Default: equal to the
        ECMO blood flow (sweep:blood 1:1, the ratio of the ISO 7199 / AAMI
        oxygenator test, :data:`ecmolib.oxygenator.RATED_SWEEP_TO_BLOOD_FLOW_RATIO`;
        ASSUMPTION that this is the starting ratio at the bedside).
    oxygenator : ecmolib.oxygenator.Oxygenator, optional
        The membrane lung. Default: by patient size
        (:func:`default_oxygenator`).
    cardiac_output_l_min : float or array_like, optional
        Cardiac output [L/min]; valid (0, 40]. Default the patient's.
    hb_g_dl : float or array_like, optional
        Haemoglobin [g/dL]; valid [2, 25]. Default the patient's.
    vo2_ml_min, vco2_ml_min : float or array_like, optional
        Tissue O2 consumption and CO2 production [mL/min]; valid (0, 6000]
        with VCO2/VO2 in [0.6, 1.3]. Default the patient's.
    alveolar_ventilation_l_min : float or array_like, optional
        Alveolar ventilation of the native lungs [L/min BTPS]; valid
        [0, 100]. Default: the patient's own, the healthy V/Q
        (:func:`ecmolib.lungs.normal_ventilation_perfusion_ratio`, 0.863 for
        the adult) times the patient's resting cardiac output times the
        ventilated share of the lung :math:`1 - s` (not scaled by the
        pulmonary blood flow); 0 when the shunt fraction is 1.
    base_excess_mmol_l : float or array_like, optional
        Base excess of the blood [mmol/L]; valid [-30, 30]. Default 0.
    barometric_pressure_mmhg : float or array_like, optional
        Barometric pressure [mmHg]; valid [400, 800]. Default 760.
    max_o2_extraction : float or array_like, optional
        Largest whole-body O2 extraction (consumption / delivery), fraction;
        valid (0, 0.9]. Default :data:`ecmolib.tissues.MAX_O2_EXTRACTION`
        (0.7).

    Returns
    -------
    VVSteadyState
        ``.sao2``, ``.pao2_mmhg``, ``.svo2``, ``.paco2_mmhg``,
        ``.effective_flow_l_min``, ``.do2_ml_min``, ``.flow_ratio``, the
        blood states and the balance residuals (see :class:`VVSteadyState`).

    Raises
    ------
    ValueError
        If an argument is of the wrong type, NaN, infinite or out of range,
        or the arrays do not broadcast. Inside the ranges there is always an
        answer: O2 that cannot be delivered lowers the consumption
        (``supply_limited``, ``o2_deficit_ml_min``) and CO2 that cannot be
        cleared is reported as accumulating (``co2_accumulation_ml_min``,
        ``paco2_rise_mmhg_min``). Blood that would leave the blood model's
        pH range (a sweep far above a small blood flow, over-ventilated
        native lungs) is held at its edge, pH 7.8 or 6.8 / PCO2 200 mmHg.

    Notes
    -----
    Assumptions: complete mixing by content in the right atrium and
    ventricle; recirculation a fixed fraction of pump flow unless a
    :class:`FlowDependentRecirculation` is given (in reality it rises with
    pump flow and with cannula proximity, Abrams et al. 2015);
    the same Hb in all streams (no haemodilution by the circuit, see
    :func:`ecmolib.circuit.hemodilution`); tissue VO2 is the demand until
    delivery :math:`10\,Q\,C_a` falls below the critical value
    :math:`\dot V O_2/E_{max}`, then :math:`E_{max}` times delivery (the rule
    of :func:`ecmolib.tissues.oxygen_budget`, maximum extraction
    ``max_o2_extraction``, default :data:`ecmolib.tissues.MAX_O2_EXTRACTION`
    0.7; Ronco et al. 1993); a state that cannot clear the CO2 production
    is reported with the mixed venous CO2 content at that of blood at
    :data:`ecmolib.tissues.PCO2_CEILING_MMHG`, and its accumulation. Validity: the ranges of the blood
    model (PO2 up to 1000 mmHg, PCO2 up to 200 mmHg, pH 6.8-7.8) and of the
    oxygenator (blood flow up to 1.5 times the larger of its maximum and rated flow).

    Examples
    --------
    Adult with dead lungs, ECMO flow 60 % of cardiac output:

    >>> from ecmolib import patients, vv
    >>> r = vv.steady_state(patients.ADULT, 3.0)
    >>> round(float(r.sao2), 3), round(float(r.svo2), 3)
    (0.896, 0.634)
    >>> round(float(r.pao2_mmhg), 1), round(float(r.paco2_mmhg), 1)
    (64.8, 56.4)

    Recirculation costs oxygenation:

    >>> round(float(vv.steady_state(patients.ADULT, 3.0, recirculation=0.3).sao2), 3)
    0.709

    References
    ----------
    .. [1] Messai E, et al. Intensive Care Med 2013;39:327-334.
       doi:10.1007/s00134-012-2756-0
    .. [2] Bartlett RH. J Intensive Care Med (online 2016).
       doi:10.1177/0885066616641383
    .. [3] Abrams D, Bacchetta M, Brodie D. ASAIO J 2015;61:115-121.
       doi:10.1097/MAT.0000000000000179
    .. [4] Curran-Everett D. Adv Physiol Educ 2006;30:58-62.
       doi:10.1152/advan.00076.2005
    """
    p = patients._checked(patient)
    ox = default_oxygenator(p, "vv") if oxygenator is None else _check_oxygenator(oxygenator)
    qec = checked("ecmo_flow_l_min", ecmo_flow_l_min, "L/min", low=0.0,
                  high=1.5 * ox.max_blood_flow_l_min)
    s = fraction("shunt_fraction", shunt_fraction)
    sweep = (np.asarray(qec * _oxy.RATED_SWEEP_TO_BLOOD_FLOW_RATIO) if sweep_l_min is None
             else checked("sweep_l_min", sweep_l_min, "L/min", low=0.0, high=_SWEEP_MAX))
    co = checked("cardiac_output_l_min",
                 p.cardiac_output_l_min if cardiac_output_l_min is None else cardiac_output_l_min,
                 "L/min", low=_CO_RANGE[0], high=_CO_RANGE[1], low_inclusive=False)
    if isinstance(recirculation, FlowDependentRecirculation):
        try:
            rec = recirculation._fraction(*np.broadcast_arrays(qec, co))
        except ValueError:  # shapes that do not broadcast: reported below, by name
            rec = np.asarray(0.0)
    else:
        rec = checked("recirculation", recirculation, "fraction 0..1", low=0.0, high=MAX_RECIRCULATION)
    hb, vo2, vco2, be, pb, f_i, f_d = _patient_inputs(
        p, hb_g_dl=hb_g_dl, vo2_ml_min=vo2_ml_min, vco2_ml_min=vco2_ml_min,
        base_excess_mmol_l=base_excess_mmol_l, barometric_pressure_mmhg=barometric_pressure_mmhg,
        fio2=fio2, fdo2=fdo2,
    )
    va = None if alveolar_ventilation_l_min is None else checked(
        "alveolar_ventilation_l_min", alveolar_ventilation_l_min, "L/min", low=0.0, high=lungs._VA_MAX_L_MIN)
    arrays = dict(ecmo_flow_l_min=qec, recirculation=rec, shunt_fraction=s, sweep_l_min=sweep,
                  cardiac_output_l_min=co, hb_g_dl=hb, vo2_ml_min=vo2, vco2_ml_min=vco2,
                  base_excess_mmol_l=be, barometric_pressure_mmhg=pb, fio2=f_i, fdo2=f_d)
    if va is not None:
        arrays["alveolar_ventilation_l_min"] = va
    shape = lungs._broadcast(**arrays)

    P = _flat(shape, qec=qec, rec=rec, shunt=s, sweep=sweep, co=co, hb=hb, vo2=vo2, vco2=vco2,
              be=be, pb=pb, fio2=f_i, fdo2=f_d, p50=p.p50_mmhg, t=p.temperature_c)
    P["va"] = _ventilation(p, P, shape, va)
    P["qeff"] = np.minimum((1.0 - P["rec"]) * P["qec"], P["co"])
    with np.errstate(divide="ignore", invalid="ignore"):
        P["reff"] = np.where(P["qec"] > 0, 1.0 - P["qeff"] / np.where(P["qec"] > 0, P["qec"], 1.0), 0.0)
    _limits(P, shape, max_o2_extraction)

    # Initial guess: linear O2 balance with a saturated oxygenator outlet and
    # end-capillary blood at PACO2 40 (the oxygenator and lungs at their
    # simplest); PCO2 50 mmHg.
    qv = (1.0 - P["shunt"]) * P["co"]
    c_ec = _end_capillary_guess(P)
    c_post = _post_guess(P)
    w_ml = P["qeff"] * P["shunt"]
    denom = 10.0 * (w_ml + qv)
    flowing = denom > 1e-9   # vanishing flows (a subnormal number would overflow here)
    cv = np.where(flowing, (10.0 * w_ml * c_post + 10.0 * qv * c_ec - P["vo2"]) / np.where(
        flowing, denom, 1.0), 0.6 * blood.HUFNER_ML_PER_G * P["hb"])
    sv = np.clip(cv / (blood.HUFNER_ML_PER_G * P["hb"]), 0.05, 0.95)
    s_pre = np.minimum((1.0 - P["reff"]) * sv + P["reff"], 0.97)
    pco2_0 = np.clip(np.full(sv.size, 50.0), P["pco2_lo"], P["pco2_hi"])

    sol = _compiled_solution(ox, P, s_pre, pco2_0)
    if sol is None:
        x0 = np.stack([_guess_po2(s_pre, P["hb"], P["p50"], pco2_0, P["be"], P["t"]), pco2_0])
        sol = _numpy_solution(ox, P, x0)
    else:
        _check_solution(sol, P)

    arterial = _state(sol["art_po2"], sol["art_pco2"], P, shape)
    venous = _state(sol["ven_po2"], sol["ven_pco2"], P, shape)
    pulm = _state(sol["pa_po2"], sol["pa_pco2"], P, shape)
    pre = _state(sol["pre_po2"], sol["pre_pco2"], P, shape)
    post = _state(sol["post_po2"], sol["post_pco2"], P, shape)
    perfused = sol["qv"] > lungs._QV_MIN_L_MIN
    end_cap = _state(np.where(perfused, sol["ec_po2"], sol["pa_po2"]),
                     np.where(perfused, sol["ec_pco2"], sol["pa_pco2"]), P, shape)
    tissue_o2 = 10.0 * P["co"] * (sol["a_o2c"] - sol["v_o2c"])
    tissue_co2 = 10.0 * P["co"] * (sol["v_co2c"] - sol["a_co2c"])
    dp = _pressure_drop(ox, P)

    def r(a):
        return result(np.asarray(a, dtype=float).reshape(shape))

    limited = (1.0 - P["rec"]) * P["qec"] > P["co"]
    return VVSteadyState(
        sao2=r(sol["a_so2"]),
        pao2_mmhg=arterial.po2_mmhg,
        paco2_mmhg=arterial.pco2_mmhg,
        svo2=r(sol["v_so2"]),
        do2_ml_min=r(10.0 * P["co"] * sol["a_o2c"]),
        arterial=arterial,
        venous=venous,
        pulmonary_arterial=pulm,
        pre_oxygenator=pre,
        post_oxygenator=post,
        end_capillary=end_cap,
        ecmo_flow_l_min=r(P["qec"]),
        cardiac_output_l_min=r(P["co"]),
        effective_flow_l_min=r(P["qeff"]),
        flow_ratio=r(P["qec"] / P["co"]),
        recirculation=r(P["reff"]),
        flow_limited=limited.reshape(shape)[()] if not shape else limited.reshape(shape),
        **_gas_exchange_fields(P, sol, tissue_o2, tissue_co2, dp, ox, r),
    )


def _flag(values):
    """Boolean of a reshaped 0/1 result: a bool for a scalar, else an array."""
    flag = np.asarray(values) > 0.5
    return bool(flag) if flag.ndim == 0 else flag


def _gas_exchange_fields(P, sol, tissue_o2, tissue_co2, dp, ox, r):
    """The result fields VV and VA share: gas flows, lungs, balances, membrane.

    ``sol``: the solution's flat arrays (``t_o2``, ``t_co2``, ``l_o2``,
    ``l_co2``, ``pao2``, ``paco2``, ``qv``); ``tissue_o2``/``tissue_co2``:
    the tissue exchange recomputed from the arterial and venous states;
    ``r`` reshapes a flat array to the result's shape.
    """
    va_used = P["va"]
    # Actual consumption: the O2 taken up where delivery limits it, else the
    # demand (equal to the uptake to the solver's 1e-9).
    uptake = sol["t_o2"] + sol["l_o2"]
    limited = uptake < P["vo2"] * (1.0 - 1e-6)
    vo2 = np.where(limited, uptake, P["vo2"])
    accumulation = P["vco2"] - (sol["t_co2"] + sol["l_co2"])
    accumulation = np.where(accumulation > 1e-6 * P["vco2"], accumulation, 0.0)
    produced = P["vco2"]
    return dict(
        sweep_l_min=r(P["sweep"]),
        vo2_ml_min=r(vo2),
        vo2_demand_ml_min=r(P["vo2"]),
        supply_limited=_flag(r(limited.astype(float))),
        o2_deficit_ml_min=r(np.maximum(P["vo2"] - vo2, 0.0)),
        vco2_ml_min=r(produced),
        co2_accumulation_ml_min=r(accumulation),
        paco2_rise_mmhg_min=r(tissues.APNOEIC_PACO2_RISE_MMHG_MIN * accumulation / P["vco2"]),
        o2_transfer_ml_min=r(sol["t_o2"]),
        co2_removal_ml_min=r(sol["t_co2"]),
        lung_o2_uptake_ml_min=r(sol["l_o2"]),
        lung_co2_output_ml_min=r(sol["l_co2"]),
        alveolar_po2_mmhg=r(sol["pao2"]),
        alveolar_pco2_mmhg=r(sol["paco2"]),
        alveolar_ventilation_l_min=r(va_used),
        o2_balance_residual_ml_min=r(sol["t_o2"] + sol["l_o2"] - tissue_o2),
        co2_balance_residual_ml_min=r(sol["t_co2"] + sol["l_co2"] - tissue_co2),
        membrane_pressure_drop_mmhg=r(dp),
        oxygenator=ox,
    )

