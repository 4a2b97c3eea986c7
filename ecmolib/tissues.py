r"""Oxygen delivery and consumption by the tissues.

The systemic capillaries seen as one exchanger: arterial blood arrives at a
flow :math:`\dot Q`, the tissues take up O2 at a rate :math:`\dot V_{O_2}` and
add CO2 at a rate :math:`\dot V_{CO_2}`, and mixed venous blood leaves. At
steady state mass is conserved for each gas (the Fick principle), so with
contents in mL/dL and flow in L/min (10 dL per L)

.. math::

    \dot D_{O_2} &= 10\,\dot Q\,C_{aO_2}

    \dot V_{O_2} &= 10\,\dot Q\,(C_{aO_2} - C_{\bar vO_2})

    \dot V_{CO_2} &= 10\,\dot Q\,(C_{\bar vCO_2} - C_{aCO_2})

    E_{O_2} &= \dot V_{O_2} / \dot D_{O_2}

* :func:`o2_delivery_ml_min`, :func:`fick_vo2_ml_min` and
  :func:`extraction_ratio` are these relations;
* :func:`venous_blood` is the blood leaving the tissues: its O2 and CO2
  contents from the two balances, its PO2, PCO2, pH and SO2 recovered from
  the contents (:meth:`ecmolib.blood.BloodGas.from_contents`, with the Bohr
  and Haldane effects), never from averaged saturations;
* :func:`oxygen_budget` is the whole body of a patient: delivery, a
  consumption that is the demand until delivery falls below the critical
  value :math:`\dot V_{O_2}^{demand}/E_{max}` and then proportional to
  delivery (supply-limited), and the mixed venous blood that results;
* :data:`MAX_O2_EXTRACTION` is the largest whole-body extraction ratio the
  model allows (:mod:`ecmolib.ecpr` uses the same value).

Flows are whole-body (cardiac output) or of one organ; the functions do not
care which. All functions are vectorised (scalar in, scalar out; arrays
broadcast) and check their input: bad input raises ``ValueError`` naming
the parameter, its units and the valid range.

References
----------
.. [1] Dunn J-OC, Mythen MG, Grocott MP. Physiology of oxygen transport.
   BJA Educ 2016;16(10):341-348. doi:10.1093/bjaed/mkw012
.. [2] Douglas AR, Jones NL, Reed JW. Calculation of whole blood CO2
   content. J Appl Physiol 1988;65:473-477. doi:10.1152/jappl.1988.65.1.473
.. [3] Ronco JJ, Fenwick JC, Tweeddale MG, et al. Identification of the
   critical oxygen delivery for anaerobic metabolism in critically ill
   septic and nonseptic humans. JAMA 1993;270(14):1724-1730. PMID 8411504.
.. [4] Lieberman JA, Weiskopf RB, Kelley SD, et al. Critical oxygen
   delivery in conscious humans is less than 7.3 ml O2 x kg-1 x min-1.
   Anesthesiology 2000;92(2):407-413. PMID 10691227.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecmolib import _validation as _v
from ecmolib import blood, patients

__all__ = [
    "MAX_O2_EXTRACTION",
    "NORMAL_PAO2_MMHG",
    "NORMAL_PACO2_MMHG",
    "o2_delivery_ml_min",
    "fick_vo2_ml_min",
    "extraction_ratio",
    "venous_blood",
    "OxygenBudget",
    "oxygen_budget",
]

#: Largest whole-body O2 extraction ratio (consumption / delivery) when
#: delivery falls: 0.7. **An assumption of this library**, a round value
#: between the extraction at which consumption began to fall (critical O2
#: extraction ratio 0.61 +/- 0.05 in septic and 0.59 +/- 0.16 in nonseptic
#: critically ill patients) and the largest extraction reached below it
#: (maximal O2 extraction ratio 0.74 +/- 0.08 and 0.80 +/- 0.11) measured by
#: Ronco et al. 1993 (JAMA 270:1724, PMID 8411504) while life support was
#: withdrawn; and well above the extraction of about 0.44 (VO2 3.2 at a
#: delivery of 7.3 mL/kg/min) that healthy conscious volunteers tolerated
#: without a rise in lactate (Lieberman et al. 2000, Anesthesiology 92:407,
#: PMID 10691227). Change it with the ``max_extraction`` arguments.
MAX_O2_EXTRACTION = 0.7

#: Default arterial PO2 and PCO2 of :func:`oxygen_budget` [mmHg]: 100 and
#: 40, a healthy adult breathing air at sea level (West JB, Respiratory
#: Physiology: The Essentials, chapter 6; PCO2 40 mmHg is also the standard
#: condition of the Severinghaus curve, doi:10.1152/jappl.1979.46.3.599).
NORMAL_PAO2_MMHG = 100.0
NORMAL_PACO2_MMHG = 40.0

# Blood flows [L/min]: above zero (a microlitre a minute at least: the
# balances divide by the flow) up to the largest cardiac output of
# ecmolib.patients.Patient.
_FLOW_RANGE_L_MIN = (1e-6, 40.0)
_GAS_RANGE_ML_MIN = (0.0, 6000.0)  # as ecmolib.patients.Patient.vo2_ml_min and vco2_ml_min
_CONTENT_MAX_ML_DL = 40.0  # above any blood (Hb 25 g/dL at PO2 1000 mmHg holds 36.5 mL/dL)
_MAX_EXTRACTION_HIGH = 0.9  # no whole body extracts more (Ronco 1993: maximal 0.74-0.80)


def _flow(name, value):
    return _v.checked(name, value, "L/min", low=_FLOW_RANGE_L_MIN[0], high=_FLOW_RANGE_L_MIN[1])


def _content(name, value):
    return _v.checked(name, value, "mL/dL", low=0.0, high=_CONTENT_MAX_ML_DL)


def _gas(name, value, *, low_inclusive=True):
    return _v.checked(name, value, "mL/min", low=_GAS_RANGE_ML_MIN[0], high=_GAS_RANGE_ML_MIN[1],
                      low_inclusive=low_inclusive)


def _first_bad(mask, *arrays):
    """Values of ``arrays`` at the first True element of ``mask`` (for error messages)."""
    i = np.flatnonzero(np.ravel(mask))[0]
    return [np.broadcast_to(a, np.shape(mask)).ravel()[i] for a in arrays]


def _not_above(small, large, names, units, why):
    """Raise unless ``small <= large`` everywhere; ``names`` and ``units`` as the caller spells them."""
    above = np.broadcast_to(small > large, np.broadcast_shapes(np.shape(small), np.shape(large)))
    if np.any(above):
        s, g = _first_bad(above, small, large)
        raise ValueError(f"{names[0]} [{units}] must not exceed {names[1]} [{units}] ({why}); got {s:g} > {g:g}")


def _supply_limited_vo2(demand_ml_min, do2_ml_min, max_extraction):
    """O2 consumption [mL/min]: the demand, or ``max_extraction`` x delivery when that is less (unchecked)."""
    return np.minimum(demand_ml_min, max_extraction * do2_ml_min)


#: Rate at which PaCO2 rises when none of the CO2 production is cleared
#: [mmHg/min]: 6 mmHg/min, the sustained rise (after the first 20 s) in
#: awake apnoeic adults breathing at functional residual capacity (Stock
#: MC, Downs JB, McDonald JS, et al. The carbon dioxide rate of rise in
#: awake apneic humans. J Clin Anesth 1988;1(2):96-103,
#: doi:10.1016/0952-8180(88)90028-1). A steady state that clears only part
#: of the CO2 production reports the same rate scaled by the uncleared
#: share (ASSUMPTION: the body's CO2 stores fill linearly, as in the
#: apnoea data, whatever the size).
APNOEIC_PACO2_RISE_MMHG_MIN = 6.0

#: PCO2 [mmHg] at which a whole-body solve that cannot clear the CO2
#: production is stopped and reported with its accumulation rate (there is
#: no steady state to report). A choice of this library inside the blood
#: model's range (PCO2 up to 200 mmHg), not a physiological limit.
PCO2_CEILING_MMHG = 150.0


def _balance_residuals(o2_uptake, co2_output, do2, vo2_demand, vco2, max_extraction,
                       po2, po2_floor, co2_venous, co2_ceiling, co2_unknown, co2_floor):
    r"""Whole-body O2 and CO2 balance residuals [mL/min] with supply-limited consumption (unchecked).

    The rule of :func:`oxygen_budget`: the tissues consume their demand
    unless delivery is below the critical value, then
    :math:`E_{max}\,\dot D_{O_2}`. The CO2 production stays the given one
    (ASSUMPTION: below critical delivery the fall in aerobic CO2 production
    is offset by CO2 released from bicarbonate buffering the lactic acid;
    unlike :func:`oxygen_budget`, whose venous CO2 follows the respiratory
    quotient):

    .. math::

        \dot V_{O_2} = \min(\dot V_{O_2}^{demand}, E_{max}\dot D_{O_2})

        F_{O_2} = \max\bigl(U_{O_2} - \dot V_{O_2},\ \dot V_{O_2}^{demand}(P_{floor} - P_{O_2})/P_{floor}\bigr)

        F_{CO_2} = \max\bigl(U_{CO_2} - \dot V_{CO_2},\ \dot V_{CO_2}(C_{\bar v} - C_{ceil})/C_{ceil}\bigr)

    with :math:`U` the uptake of O2 and output of CO2 by membrane and lungs,
    :math:`P_{O_2}` the solver's unknown PO2 (pre-oxygenator or mixed venous
    blood), :math:`C_{\bar v}` the CO2 content of the mixed venous blood
    and :math:`C_{ceil}` that of blood at :data:`PCO2_CEILING_MMHG`. Each
    first term moves towards zero as the solver's unknowns move, so each
    residual has one root: where the balance closes, or at the floor or
    ceiling when it cannot (no O2 uptake at all; CO2 that cannot be cleared,
    which then accumulates, reported with the venous blood at the ceiling).
    A third term holds the unknown blood (CO2 content ``co2_unknown``) at
    ``co2_floor``, the content of blood at the blood model's alkaline edge,
    where membrane and lungs would clear more CO2 than is produced even
    there (the real PCO2 would fall further):

    .. math::

        F_{CO_2} \leftarrow \min\bigl(F_{CO_2},\ \dot V_{CO_2}(C_x - C_{floor})/C_{floor}\bigr) Written for
    scalars and arrays alike (also compiled by :mod:`ecmolib._vv_compiled`).
    """
    vo2 = _supply_limited_vo2(vo2_demand, do2, max_extraction)
    f_o2 = np.maximum(o2_uptake - vo2, vo2_demand * (po2_floor - po2) / po2_floor)
    f_co2 = np.maximum(co2_output - vco2, vco2 * (co2_venous - co2_ceiling) / co2_ceiling)
    f_co2 = np.minimum(f_co2, vco2 * (co2_unknown - co2_floor) / co2_floor)
    return f_o2, f_co2


def o2_delivery_ml_min(cardiac_output_l_min, cao2_ml_dl):
    r"""O2 delivery: the O2 that a blood flow brings to the tissues each minute.

    .. math::

        \dot D_{O_2} = 10\,\dot Q\,C_{aO_2}

    with the flow :math:`\dot Q` in L/min, the arterial O2 content in mL/dL
    and 10 dL per L.

    Parameters
    ----------
    cardiac_output_l_min : float or array_like
        Cardiac output (or any blood flow) [L/min]; valid [1e-6, 40].
    cao2_ml_dl : float or array_like
        Arterial O2 content [mL O2/dL]; valid [0, 40].

    Returns
    -------
    float or numpy.ndarray
        O2 delivery [mL O2/min].

    Raises
    ------
    ValueError
        If ``cardiac_output_l_min`` or ``cao2_ml_dl`` is NaN, infinite, not
        a number or out of range.

    Examples
    --------
    A healthy adult at rest delivers about 1000 mL/min:

    >>> from ecmolib import tissues
    >>> round(float(tissues.o2_delivery_ml_min(5.0, 20.0)), 1)
    1000.0

    References
    ----------
    Global O2 delivery as the product of cardiac output and arterial O2
    content: Dunn et al. 2016 (module reference [1]), doi:10.1093/bjaed/mkw012.
    """
    q, ca = _v.broadcast(cardiac_output_l_min=_flow("cardiac_output_l_min", cardiac_output_l_min),
                         cao2_ml_dl=_content("cao2_ml_dl", cao2_ml_dl))
    return _v.result(10.0 * q * ca)


def fick_vo2_ml_min(cardiac_output_l_min, cao2_ml_dl, cvo2_ml_dl):
    r"""O2 consumption by the Fick principle (O2 mass balance across the tissues).

    .. math::

        \dot V_{O_2} = 10\,\dot Q\,(C_{aO_2} - C_{\bar vO_2})

    with the flow in L/min and contents in mL/dL. At steady state the O2 the
    blood loses between the arteries and the mixed venous blood is the O2
    the tissues consume.

    Parameters
    ----------
    cardiac_output_l_min : float or array_like
        Cardiac output (or any blood flow) [L/min]; valid [1e-6, 40].
    cao2_ml_dl : float or array_like
        Arterial O2 content [mL/dL]; valid [0, 40].
    cvo2_ml_dl : float or array_like
        Mixed venous O2 content [mL/dL]; valid [0, 40] and not above
        ``cao2_ml_dl``.

    Returns
    -------
    float or numpy.ndarray
        O2 consumption [mL O2/min].

    Raises
    ------
    ValueError
        If an argument is NaN, infinite, not a number or out of range, or
        the venous content exceeds the arterial content.

    Examples
    --------
    >>> from ecmolib import tissues
    >>> round(float(tissues.fick_vo2_ml_min(5.0, 20.0, 15.0)), 1)
    250.0

    References
    ----------
    The Fick equation for O2 consumption: Dunn et al. 2016 (module
    reference [1]), doi:10.1093/bjaed/mkw012.
    """
    q, ca, cv = _v.broadcast(cardiac_output_l_min=_flow("cardiac_output_l_min", cardiac_output_l_min),
                             cao2_ml_dl=_content("cao2_ml_dl", cao2_ml_dl),
                             cvo2_ml_dl=_content("cvo2_ml_dl", cvo2_ml_dl))
    _not_above(cv, ca, ("cvo2_ml_dl", "cao2_ml_dl"), "mL/dL", "the tissues take O2 out, they do not add it")
    return _v.result(10.0 * q * (ca - cv))


def extraction_ratio(vo2_ml_min, do2_ml_min):
    r"""O2 extraction ratio: the fraction of the delivered O2 that is consumed.

    .. math::

        E_{O_2} = \dot V_{O_2} / \dot D_{O_2}

    About 0.25 in a healthy adult at rest (Dunn et al. 2016).

    Parameters
    ----------
    vo2_ml_min : float or array_like
        O2 consumption [mL/min]; valid [0, 6000].
    do2_ml_min : float or array_like
        O2 delivery [mL/min]; valid > 0 and not below ``vo2_ml_min``.

    Returns
    -------
    float or numpy.ndarray
        Extraction ratio, fraction 0..1.

    Raises
    ------
    ValueError
        If ``vo2_ml_min`` or ``do2_ml_min`` is NaN, infinite, not a number
        or out of range, or consumption exceeds delivery.

    Examples
    --------
    >>> from ecmolib import tissues
    >>> round(float(tissues.extraction_ratio(250.0, 1000.0)), 2)
    0.25

    References
    ----------
    Resting whole-body extraction of about 25 % of the delivered O2: Dunn
    et al. 2016 (module reference [1]), doi:10.1093/bjaed/mkw012.
    """
    vo2, do2 = _v.broadcast(vo2_ml_min=_gas("vo2_ml_min", vo2_ml_min),
                            do2_ml_min=_v.checked("do2_ml_min", do2_ml_min, "mL/min", low=0.0,
                                                  low_inclusive=False))
    _not_above(vo2, do2, ("vo2_ml_min", "do2_ml_min"), "mL/min", "no tissue consumes more O2 than it receives")
    return _v.result(vo2 / do2)


def venous_blood(arterial, flow_l_min, *, vo2_ml_min, vco2_ml_min) -> blood.BloodGas:
    r"""The blood leaving the tissues after they take up O2 and add CO2.

    Contents by mass balance of each gas (Fick principle), then PO2, PCO2,
    pH and SO2 recovered from the two contents:

    .. math::

        C_{\bar vO_2} = C_{aO_2} - \frac{\dot V_{O_2}}{10\,\dot Q}, \qquad
        C_{\bar vCO_2} = C_{aCO_2} + \frac{\dot V_{CO_2}}{10\,\dot Q}

    with contents in mL/dL, flow in L/min and 10 dL per L. The venous state
    is :meth:`ecmolib.blood.BloodGas.from_contents` of these contents with
    the arterial blood's Hb, P50, base excess and temperature, so its point
    sits on a dissociation curve shifted right by its own lower pH and
    higher PCO2 (Bohr effect), and its CO2 content includes the Haldane
    effect (Douglas et al. 1988). Valid wherever the venous contents are
    within the range of :mod:`ecmolib.blood` (pH 6.8-7.8, PCO2 up to 200
    mmHg).

    Parameters
    ----------
    arterial : ecmolib.blood.BloodGas
        Blood entering the tissues (scalar or array state).
    flow_l_min : float or array_like
        Blood flow through the tissues (cardiac output for the whole body)
        [L/min]; valid [1e-6, 40].
    vo2_ml_min : float or array_like
        O2 the tissues take up [mL/min]; valid [0, 6000] and below the O2
        delivered, ``10 * flow_l_min * arterial.o2_content_ml_dl``.
    vco2_ml_min : float or array_like
        CO2 the tissues add [mL/min]; valid [0, 6000].

    Returns
    -------
    ecmolib.blood.BloodGas
        The venous blood (shape: the broadcast of the inputs).

    Raises
    ------
    ValueError
        If an argument is NaN, infinite, not a number or out of range, if
        ``arterial`` is not a BloodGas, if the tissues would take up all the
        O2 delivered (the message names ``vo2_ml_min``), or if the venous
        blood would leave the range of :mod:`ecmolib.blood` (the message
        names ``vo2_ml_min`` and ``vco2_ml_min`` and the content that
        cannot be reached).

    Examples
    --------
    >>> from ecmolib import blood, tissues
    >>> a = blood.BloodGas(po2_mmhg=100.0, pco2_mmhg=40.0, hb_g_dl=15.0)
    >>> v = tissues.venous_blood(a, 5.0, vo2_ml_min=250.0, vco2_ml_min=200.0)
    >>> round(float(a.o2_content_ml_dl - v.o2_content_ml_dl), 6)
    5.0
    >>> round(float(v.po2_mmhg), 1), round(float(v.so2), 3), round(float(v.pco2_mmhg), 1)
    (41.3, 0.738, 47.5)

    References
    ----------
    .. [1] Dunn J-OC, Mythen MG, Grocott MP. Physiology of oxygen
       transport. BJA Educ 2016;16:341-348. doi:10.1093/bjaed/mkw012
    .. [2] Douglas AR, Jones NL, Reed JW. Calculation of whole blood CO2
       content. J Appl Physiol 1988;65:473-477.
       doi:10.1152/jappl.1988.65.1.473
    """
    if not isinstance(arterial, blood.BloodGas):
        raise ValueError(f"arterial must be an ecmolib.blood.BloodGas; got {type(arterial).__name__}")
    q, vo2, vco2, _ = _v.broadcast(flow_l_min=_flow("flow_l_min", flow_l_min),
                                   vo2_ml_min=_gas("vo2_ml_min", vo2_ml_min),
                                   vco2_ml_min=_gas("vco2_ml_min", vco2_ml_min),
                                   arterial=np.asarray(arterial.o2_content_ml_dl))
    ca = np.asarray(arterial.o2_content_ml_dl)
    flow_dl_min = 10.0 * q
    cv = ca - vo2 / flow_dl_min
    empty = cv <= 0.0
    if np.any(empty):
        v, f, c = _first_bad(empty, vo2, q, ca)
        raise ValueError(
            f"vo2_ml_min [mL/min] must be below the O2 delivered, 10 x flow_l_min [L/min] x arterial "
            f"O2 content [mL/dL] = {10.0 * f * c:g} mL/min; got {v:g}"
        )
    cvco2 = np.asarray(arterial.co2_content_ml_dl) + vco2 / flow_dl_min
    try:
        return blood.BloodGas.from_contents(
            _v.result(cv), _v.result(cvco2), hb_g_dl=arterial.hb_g_dl, p50_mmhg=arterial.p50_mmhg,
            base_excess_mmol_l=arterial.base_excess_mmol_l, temperature_c=arterial.temperature_c)
    except ValueError as err:
        raise ValueError(
            f"vo2_ml_min [mL/min] and vco2_ml_min [mL/min] at this flow_l_min [L/min] give venous blood "
            f"outside the range of ecmolib.blood: {err}"
        ) from None


@dataclass(frozen=True)
class OxygenBudget:
    """Whole-body O2 budget at steady state (result of :func:`oxygen_budget`).

    Attributes
    ----------
    arterial : ecmolib.blood.BloodGas
        Arterial blood.
    venous : ecmolib.blood.BloodGas
        Mixed venous blood, recovered from its O2 and CO2 contents.
    cardiac_output_l_min : float or numpy.ndarray
        Cardiac output [L/min].
    do2_ml_min : float or numpy.ndarray
        O2 delivery [mL/min].
    vo2_ml_min : float or numpy.ndarray
        O2 consumption [mL/min] (the demand, or less when delivery is too
        low).
    vo2_demand_ml_min : float or numpy.ndarray
        O2 the tissues would consume with enough delivery [mL/min].
    max_extraction : float
        Largest extraction ratio the model allows (fraction).
    weight_kg : float
        Body weight [kg] (for per-kg figures).
    """

    arterial: blood.BloodGas
    venous: blood.BloodGas
    cardiac_output_l_min: float | np.ndarray
    do2_ml_min: float | np.ndarray
    vo2_ml_min: float | np.ndarray
    vo2_demand_ml_min: float | np.ndarray
    max_extraction: float
    weight_kg: float

    @property
    def extraction_ratio(self):
        """VO2 / DO2 (fraction 0..1)."""
        return _v.result(np.asarray(self.vo2_ml_min) / np.asarray(self.do2_ml_min))

    @property
    def avdo2_ml_dl(self):
        """Arterial minus mixed venous O2 content [mL/dL]."""
        return _v.result(np.asarray(self.arterial.o2_content_ml_dl) - np.asarray(self.venous.o2_content_ml_dl))

    @property
    def supply_limited(self):
        """True where consumption is below demand (delivery below the critical value)."""
        return _v.result(np.asarray(self.vo2_ml_min) < np.asarray(self.vo2_demand_ml_min))

    @property
    def critical_do2_ml_min(self):
        """Delivery below which consumption falls: demand / maximum extraction [mL/min]."""
        return _v.result(np.asarray(self.vo2_demand_ml_min) / self.max_extraction)

    @property
    def do2_ml_kg_min(self):
        """O2 delivery per kg [mL/kg/min]."""
        return _v.result(np.asarray(self.do2_ml_min) / self.weight_kg)

    @property
    def vo2_ml_kg_min(self):
        """O2 consumption per kg [mL/kg/min]."""
        return _v.result(np.asarray(self.vo2_ml_min) / self.weight_kg)


def oxygen_budget(patient=patients.ADULT, *, hb_g_dl=None, cardiac_output_l_min=None,
                  pao2_mmhg=NORMAL_PAO2_MMHG, paco2_mmhg=NORMAL_PACO2_MMHG, vo2_demand_ml_min=None,
                  max_extraction=MAX_O2_EXTRACTION, p50_mmhg=None) -> OxygenBudget:
    r"""O2 delivery, consumption and the mixed venous blood that results.

    The arterial blood is a :class:`~ecmolib.blood.BloodGas` at the given
    PaO2 and PaCO2 (base excess 0) with the patient's Hb, P50 and
    temperature. Then

    .. math::

        \dot D_{O_2} &= 10\,\dot Q\,C_{aO_2}

        \dot V_{O_2} &= \min\left(\dot V_{O_2}^{demand},\;
                         E_{max}\,\dot D_{O_2}\right)

        \dot V_{CO_2} &= R\,\dot V_{O_2}

    with R the patient's respiratory quotient, and the mixed venous blood
    is :func:`venous_blood` of the arterial blood at the cardiac output with
    this uptake of O2 and output of CO2 (Fick principle for each gas).

    Parameters
    ----------
    patient : ecmolib.patients.Patient, optional
        Supplies Hb [g/dL], P50 [mmHg], cardiac output [L/min], VO2 and
        VCO2 [mL/min], temperature [C] and weight [kg]. Default
        :data:`ecmolib.patients.ADULT`.
    hb_g_dl : float or array_like, optional
        Haemoglobin [g/dL] instead of the patient's; valid (0, 25].
    cardiac_output_l_min : float or array_like, optional
        Cardiac output [L/min] instead of the patient's; valid [1e-6, 40].
    pao2_mmhg : float or array_like, optional
        Arterial PO2 [mmHg]; valid (0, 1000]. Default 100
        (:data:`NORMAL_PAO2_MMHG`, a healthy adult breathing air).
    paco2_mmhg : float or array_like, optional
        Arterial PCO2 [mmHg]; valid (0, 200] with an arterial pH in
        [6.8, 7.8] at base excess 0. Default 40 (:data:`NORMAL_PACO2_MMHG`).
    vo2_demand_ml_min : float or array_like, optional
        O2 consumption with enough delivery [mL/min] instead of the
        patient's resting VO2; valid (0, 6000].
    max_extraction : float, optional
        Largest whole-body extraction ratio; valid (0, 0.9]. Default
        :data:`MAX_O2_EXTRACTION` (0.7, an assumption between the critical
        and the maximal extraction ratios measured by Ronco et al. 1993).
    p50_mmhg : float or array_like, optional
        P50 of the patient's haemoglobin [mmHg] instead of the patient's
        (e.g. fetal or adult Hb in the same body); valid [10, 50].

    Returns
    -------
    OxygenBudget

    Raises
    ------
    ValueError
        If an argument is NaN, infinite, not a number or out of range, if
        ``patient`` is not a Patient, or if the venous blood falls outside
        the range of :mod:`ecmolib.blood` (the message names
        ``co2_content_ml_dl`` when the venous PCO2 or pH would leave it).

    Notes
    -----
    A teaching model, stated plainly: whole-body averages only; consumption
    equals the demand until delivery falls below
    :math:`\dot V_{O_2}^{demand}/E_{max}` (the "critical" delivery) and
    then falls in proportion to delivery (the biphasic supply-dependency
    relation that Ronco et al. 1993 measured; the real critical point varies
    between patients and is not a sharp corner); base excess 0 in arterial
    blood; the respiratory quotient stays the patient's when consumption is
    supply-limited (no anaerobic CO2 from buffered lactate).

    Examples
    --------
    >>> from ecmolib import tissues
    >>> b = tissues.oxygen_budget()
    >>> round(float(b.do2_ml_min)), round(float(b.extraction_ratio), 3)
    (932, 0.268)
    >>> round(float(b.venous.po2_mmhg), 1), round(float(b.venous.so2), 3)
    (40.2, 0.721)

    References
    ----------
    .. [1] Dunn J-OC, Mythen MG, Grocott MP. Physiology of oxygen
       transport. BJA Educ 2016;16:341-348. doi:10.1093/bjaed/mkw012
    .. [2] Ronco JJ, Fenwick JC, Tweeddale MG, et al. Identification of the
       critical oxygen delivery for anaerobic metabolism in critically ill
       septic and nonseptic humans. JAMA 1993;270(14):1724-1730. PMID
       8411504.
    .. [3] Lieberman JA, Weiskopf RB, Kelley SD, et al. Critical oxygen
       delivery in conscious humans is less than 7.3 ml O2 x kg-1 x min-1.
       Anesthesiology 2000;92:407-413. PMID 10691227.
    .. [4] Douglas AR, Jones NL, Reed JW. Calculation of whole blood CO2
       content. J Appl Physiol 1988;65:473-477.
       doi:10.1152/jappl.1988.65.1.473
    """
    patients._checked(patient)
    hb = patient.hb_g_dl if hb_g_dl is None else hb_g_dl
    q = _flow("cardiac_output_l_min",
              patient.cardiac_output_l_min if cardiac_output_l_min is None else cardiac_output_l_min)
    demand = _gas("vo2_demand_ml_min", patient.vo2_ml_min if vo2_demand_ml_min is None else vo2_demand_ml_min,
                  low_inclusive=False)
    e_max = _v.scalar("max_extraction", max_extraction, "fraction 0..1", 0.0, _MAX_EXTRACTION_HIGH,
                      low_inclusive=False)
    pao2 = _v.checked("pao2_mmhg", pao2_mmhg, "mmHg", low=0.0, high=1000.0, low_inclusive=False)
    paco2 = _v.checked("paco2_mmhg", paco2_mmhg, "mmHg", low=0.0, high=200.0, low_inclusive=False)
    p50 = patient.p50_mmhg if p50_mmhg is None else _v.checked("p50_mmhg", p50_mmhg, "mmHg", low=10.0, high=50.0)
    _v.broadcast(cardiac_output_l_min=q, vo2_demand_ml_min=demand, pao2_mmhg=pao2, paco2_mmhg=paco2,
                 hb_g_dl=hb, p50_mmhg=p50)
    arterial = blood.BloodGas(po2_mmhg=pao2, pco2_mmhg=paco2, hb_g_dl=hb, p50_mmhg=p50,
                              temperature_c=patient.temperature_c)
    do2 = np.asarray(o2_delivery_ml_min(q, arterial.o2_content_ml_dl))
    vo2 = _supply_limited_vo2(demand, do2, e_max)
    venous = venous_blood(arterial, q, vo2_ml_min=vo2, vco2_ml_min=patient.respiratory_quotient * vo2)
    return OxygenBudget(arterial=arterial, venous=venous, cardiac_output_l_min=_v.result(q),
                        do2_ml_min=_v.result(do2), vo2_ml_min=_v.result(vo2),
                        vo2_demand_ml_min=_v.result(np.broadcast_to(demand, np.shape(vo2))),
                        max_extraction=e_max, weight_kg=patient.weight_kg)
