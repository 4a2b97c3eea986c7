"""Patients from neonate to adult: size, blood, circulation and metabolism.

A :class:`Patient` is a frozen dataclass holding the resting physiology the
other models need (weight, blood volume, haemoglobin and its P50, cardiac
output, VO2, VCO2, temperature). Four presets cover the ECMO age groups
(:data:`NEONATE`, :data:`INFANT`, :data:`CHILD`, :data:`ADULT`) and
:func:`for_weight` builds a patient of any weight from 2 to 120 kg with cited
size rules. :func:`target_ecmo_flow_l_min` gives the full-support blood flow commonly
attributed to ELSO for a patient (the per-kg values are not yet confirmed
against the guideline text; see :data:`ELSO_FLOW_SOURCES`).

Variants are made with :func:`dataclasses.replace`, e.g. an anaemic adult::

    >>> import dataclasses
    >>> from ecmolib import patients
    >>> anaemic = dataclasses.replace(patients.ADULT, hb_g_dl=8.0)
    >>> float(anaemic.hb_g_dl)
    8.0

Every number below names its source; where a value is a choice or a fit of
this module rather than a published number, the docstring says so.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from ecmolib import _validation, blood

__all__ = [
    "Patient",
    "NEONATE",
    "INFANT",
    "CHILD",
    "ADULT",
    "AGE_GROUPS",
    "KLEIBER_EXPONENT",
    "ELSO_FLOW_ML_KG_MIN",
    "ELSO_FLOW_SOURCES",
    "SIZE_ANCHORS",
    "for_weight",
    "age_group_for_weight",
    "body_surface_area_m2",
    "target_ecmo_flow_l_min",
    "ecmo_flow_range_l_min",
]

#: Age groups, smallest first. ELSO guidelines are written per group.
AGE_GROUPS = ("neonate", "infant", "child", "adult")

# ---------------------------------------------------------------------------
# Validity ranges of Patient fields (physiological, deliberately wide so that
# teaching scenarios such as severe anaemia or hypothermia remain possible).
# ---------------------------------------------------------------------------
_WEIGHT_RANGE_KG = (0.4, 250.0)          # extremely preterm to morbidly obese adult
_BLOOD_VOLUME_ML_KG_RANGE = (20.0, 200.0)  # sanity check on mL/kg (catches L vs mL)
_HB_RANGE_G_DL = (2.0, 25.0)             # profound anaemia to neonatal polycythaemia
_P50_RANGE_MMHG = (10.0, 50.0)           # high-affinity Hb variants to severe right shift
_CO_RANGE_L_MIN = (0.0, 40.0)            # > 0; 40 L/min exceeds elite-athlete maxima
_GAS_RANGE_ML_MIN = (0.0, 6000.0)        # > 0; 6 L/min exceeds elite-athlete VO2max
_RQ_RANGE = (0.6, 1.3)                   # fat oxidation to net lipogenesis
_TEMPERATURE_RANGE_C = (20.0, 42.0)      # the range of ecmolib.blood's temperature corrections

#: Adult reference values (70 kg): VO2 250 mL/min, VCO2 200 mL/min (RQ 0.8),
#: cardiac output 5.0 L/min. Standard textbook resting values, e.g. Hall JE,
#: Guyton and Hall Textbook of Medical Physiology (Elsevier), and West JB,
#: Respiratory Physiology: The Essentials (Wolters Kluwer).
_ADULT_WEIGHT_KG = 70.0
_ADULT_VO2_ML_MIN = 250.0
_ADULT_CO_L_MIN = 5.0
_RQ = 0.8

#: Kleiber's exponent for resting metabolic rate versus body mass (Kleiber
#: 1932, doi:10.3733/hilg.v06n11p315); used in paediatric size scaling with a
#: 70 kg reference by Anderson & Holford 2008, doi:10.1146/annurev.pharmtox.48.113006.094708.
KLEIBER_EXPONENT = 0.75

#: Left-ventricular output per kg in healthy infants over the first year of
#: life, 204 +/- 45 mL/min/kg, roughly constant per kg (Alverson et al. 1987,
#: doi:10.7863/jum.1987.6.9.519).
_INFANT_CO_ML_KG_MIN = 204.0
#: Weight up to which cardiac output is taken as proportional to weight
#: (about the weight at 1 year, the end of Alverson's series). Assumption.
_CO_LINEAR_UP_TO_KG = 10.0

# ---------------------------------------------------------------------------
# Size anchors: (weight_kg, blood volume mL/kg, Hb g/dL, P50 mmHg) per group.
# ---------------------------------------------------------------------------
#: Anchor values per age group, ``(weight_kg, blood volume mL/kg, Hb g/dL,
#: P50 mmHg)``, used by the presets and interpolated by :func:`for_weight`.
#: Sources:
#:
#: * weight: term neonate 3.5 kg and adult 70 kg (reference values of the
#:   design); infant 7.5 kg and child 23 kg are close to the WHO median
#:   weights at 6 months (Child Growth Standards 2006) and 7 years (growth
#:   reference 2007, de Onis et al., doi:10.2471/BLT.07.043497).
#: * blood volume: Linderkamp et al. 1977 (doi:10.1007/BF00493567), Table 1:
#:   2-30 days 84.4 +/- 7.5 mL/kg; 3-6 months 76.6 +/- 9.0 mL/kg; 7-10 years
#:   79.6 (boys) and 72.7 (girls), mean 76.2 mL/kg. Adult 70 mL/kg, between
#:   the ICRP Publication 89 reference man (5.3 L, 73 kg: 72.6 mL/kg) and
#:   woman (3.9 L, 60 kg: 65 mL/kg), doi:10.1016/S0146-6453(03)00002-2.
#: * haemoglobin: means from Dallman's reference table (Dallman PR, in
#:   Rudolph AM, ed., Pediatrics, 16th ed., Appleton-Century-Crofts 1977,
#:   p. 1111; reproduced in Nathan and Oski's Hematology of Infancy and
#:   Childhood): cord blood 16.5, 0.5-2 years 12.0, 6-12 years 13.5, adult
#:   women 14.0 (men 15.5) g/dL. The adult preset uses 14.0, the design's
#:   sex-neutral round value, at the lower end of the male range.
#: * P50: term newborn on day 1, 19.4 +/- 1.8 mmHg (Delivoria-Papadopoulos,
#:   Roncevic & Oski 1971, doi:10.1203/00006450-197106000-00001; the same
#:   constant as :data:`ecmolib.blood.FETAL_P50_MMHG`). By about 4-6 months
#:   the infant P50 has risen to the adult value and then slightly above it
#:   during later infancy (same authors); this module uses the adult
#:   standard 26.8 mmHg (Severinghaus 1979, doi:10.1152/jappl.1979.46.3.599)
#:   from the infant anchor on and does not model that transient right shift.
SIZE_ANCHORS = {
    #            weight  BV mL/kg  Hb    P50
    "neonate": (3.5, 84.4, 16.5, blood.FETAL_P50_MMHG),
    "infant": (7.5, 76.6, 12.0, blood.P50_STANDARD_MMHG),
    "child": (23.0, 76.2, 13.5, blood.P50_STANDARD_MMHG),
    "adult": (70.0, 70.0, 14.0, blood.P50_STANDARD_MMHG),
}

# ---------------------------------------------------------------------------
# ELSO flows
# ---------------------------------------------------------------------------
#: Full-support ECMO blood flow per kg, ``(low, typical, high)`` in
#: mL/kg/min, keyed by ``(age_group, mode)``.
#:
#: **Verification status: no entry of this table has yet been checked
#: against the wording of an ELSO guideline.** Every number is a value
#: commonly attributed to ELSO and is to be treated as an assumption of this
#: module until it is; :data:`ELSO_FLOW_SOURCES` gives, entry by entry, the
#: intended source, what was (and was not) found, and any discrepancy.
#:
#: * typical: neonates 100, paediatric patients 80, adults 60 mL/kg/min, the
#:   full-support flows attributed to the ELSO General Guidelines for all
#:   ECLS Cases (v1.4, 2017; no DOI). Not confirmed from the guideline text.
#: * low-high spans: neonates 100-150, children 80-100, adults 60-80 (VV)
#:   and 50-80 (VA) mL/kg/min. Assumptions of this module, to be read
#:   against the current ELSO guidelines: neonatal respiratory (Wild et al.
#:   2020, doi:10.1097/MAT.0000000000001153), paediatric respiratory
#:   (Maratta et al. 2020, doi:10.1097/MAT.0000000000001223), paediatric
#:   cardiac (Brown et al. 2021, ASAIO J 67(5)), adult VV (Tonna et al. 2021,
#:   doi:10.1097/MAT.0000000000001432) and adult VA (Lorusso et al. 2021,
#:   doi:10.1097/MAT.0000000000001510).
#: * infants (beyond 28 days, under about 10 kg) are paediatric patients for
#:   ELSO but are given the neonatal per-kg flows here, because their
#:   cardiac output per kg equals the neonatal one (Alverson et al. 1987);
#:   an assumption of this module.
#:
#: Two secondary sources, neither an ELSO guideline, agree with the table in
#: part (details in :data:`ELSO_FLOW_SOURCES`): a paper on neonatal VV ECMO
#: (doi:10.3233/NPM-171692) writes that neonatal VV ECMO "aims for an oxygen
#: delivery rate of 6 cc/kg/min which usually equates to a pump flow of
#: 120 mL/kg/min" (inside the neonatal 100-150); the University of Iowa
#: children's hospital teaching page "ECMO basics"
#: (https://uichildrens.org/health-library/ecmo-basics) gives "VA
#: Goal Flow Rates: Infants 100 cc/kg/min, Children 75 cc/kg/min, Adults
#: 50 cc/kg/min" and "VV Goal Flow 120% VA" (i.e. 120, 90 and
#: 60 mL/kg/min), which puts its child VA goal (75) below this table's child
#: low (80) and its adult VA goal (50) below this table's typical (60).
#:
#: VV and VA share the per-kg values except in adults; in practice VV flow is
#: titrated to oxygenation and VA flow to perfusion.
ELSO_FLOW_ML_KG_MIN = {
    # UNCONFIRMED (assumption): typical 100 attributed to ELSO General
    # Guidelines v1.4; span 100-150 not checked against Wild 2020.
    ("neonate", "va"): (100.0, 100.0, 150.0),
    # UNCONFIRMED (assumption); the 120 mL/kg/min usual neonatal VV pump flow
    # of doi:10.3233/NPM-171692 lies inside the span.
    ("neonate", "vv"): (100.0, 100.0, 150.0),
    # ASSUMPTION of this module: neonatal per-kg flows for infants.
    ("infant", "va"): (100.0, 100.0, 150.0),
    ("infant", "vv"): (100.0, 100.0, 150.0),
    # UNCONFIRMED (assumption): typical 80 attributed to ELSO General
    # Guidelines v1.4 ("pediatrics"); Iowa teaching page VA goal is 75.
    ("child", "va"): (80.0, 80.0, 100.0),
    # UNCONFIRMED (assumption); Iowa VV goal 120 % of 75 = 90 lies inside.
    ("child", "vv"): (80.0, 80.0, 100.0),
    # UNCONFIRMED (assumption): span 50-80 not checked against Lorusso 2021;
    # Iowa teaching page VA goal is 50 (this table's low).
    ("adult", "va"): (50.0, 60.0, 80.0),
    # UNCONFIRMED (assumption): span 60-80 attributed to Tonna 2021, not
    # checked against its text; Iowa VV goal 120 % of 50 = 60 lies inside.
    ("adult", "vv"): (60.0, 60.0, 80.0),
}

#: Provenance of each entry of :data:`ELSO_FLOW_ML_KG_MIN`: for every key,
#: ``(status, note)`` where ``status`` is ``"unconfirmed"`` (a value
#: attributed to ELSO whose guideline wording has not been checked) or
#: ``"assumption"`` (a choice of this module with no ELSO number behind it).
#: No entry is ``"confirmed"`` yet; an entry should become so only with the
#: guideline's exact wording quoted in its note.
ELSO_FLOW_SOURCES = {
    ("neonate", "va"): (
        "unconfirmed",
        "Typical 100 mL/kg/min attributed to the ELSO General Guidelines for "
        "all ECLS Cases v1.4 (2017) ('neonates 100'); span 100-150 attributed "
        "to ELSO neonatal respiratory guidance (Wild et al. 2020, "
        "doi:10.1097/MAT.0000000000001153). Neither wording checked. "
        "Secondary: University of Iowa 'ECMO basics' VA goal for infants "
        "100 cc/kg/min (agrees).",
    ),
    ("neonate", "vv"): (
        "unconfirmed",
        "As the neonatal VA row. Secondary: doi:10.3233/NPM-171692, 'VV ECMO "
        "for neonates aims for an oxygen delivery rate of 6 cc/kg/min which "
        "usually equates to a pump flow of 120 mL/kg/min' (inside 100-150); "
        "University of Iowa 'ECMO basics': 'VV Goal Flow 120% VA', i.e. "
        "120 mL/kg/min (inside 100-150, above the typical 100).",
    ),
    ("infant", "va"): (
        "assumption",
        "Neonatal per-kg flows applied to infants (ELSO groups them with "
        "paediatric patients) because infant cardiac output per kg equals "
        "the neonatal one (Alverson et al. 1987, doi:10.7863/jum.1987.6.9.519). "
        "University of Iowa 'ECMO basics' VA goal for infants: 100 cc/kg/min.",
    ),
    ("infant", "vv"): (
        "assumption",
        "As the infant VA row; University of Iowa 'ECMO basics' VV goal "
        "120 % of VA = 120 mL/kg/min (inside 100-150).",
    ),
    ("child", "va"): (
        "unconfirmed",
        "Typical 80 mL/kg/min attributed to the ELSO General Guidelines v1.4 "
        "('pediatrics 80'); span 80-100 attributed to ELSO paediatric "
        "guidance (Maratta et al. 2020, doi:10.1097/MAT.0000000000001223; "
        "Brown et al. 2021, ASAIO J 67(5)). Wording not checked. DISCREPANCY: "
        "University of Iowa 'ECMO basics' gives a VA goal of 75 cc/kg/min for "
        "children, below this row's low of 80.",
    ),
    ("child", "vv"): (
        "unconfirmed",
        "As the child VA row. University of Iowa 'ECMO basics' VV goal "
        "120 % of 75 = 90 mL/kg/min (inside 80-100).",
    ),
    ("adult", "va"): (
        "unconfirmed",
        "Typical 60 mL/kg/min attributed to the ELSO General Guidelines v1.4 "
        "('adults 60'); span 50-80 attributed to ELSO adult VA guidance "
        "(Lorusso et al. 2021, doi:10.1097/MAT.0000000000001510). Wording "
        "not checked. University of Iowa 'ECMO basics' VA goal for adults "
        "50 cc/kg/min (this row's low, below its typical 60).",
    ),
    ("adult", "vv"): (
        "unconfirmed",
        "Span 60-80 mL/kg/min attributed to the ELSO adult VV guideline "
        "(Tonna et al. 2021, doi:10.1097/MAT.0000000000001432); wording not "
        "checked. University of Iowa 'ECMO basics' VV goal 120 % of the adult "
        "VA 50 = 60 mL/kg/min (this row's low and typical).",
    ),
}

_MODES = ("vv", "va")


_scalar = _validation.scalar


def body_surface_area_m2(weight_kg):
    r"""Body surface area from weight alone (Costeff 1966).

    .. math::

        \mathrm{BSA} = \frac{4W + 7}{W + 90}

    with :math:`W` the weight in kg and BSA in m^2.

    Parameters
    ----------
    weight_kg : float or array_like
        Body weight [kg]; valid [0.4, 250].

    Returns
    -------
    float or numpy.ndarray
        Body surface area [m^2], same shape as ``weight_kg``.

    Raises
    ------
    ValueError
        If ``weight_kg`` is not a finite number in range.

    Notes
    -----
    Costeff derived the formula from published height-weight surface areas
    of children from 1.5 to 100 kg; it needs no height, which suits
    :func:`for_weight`. At 70 kg it gives 1.79 m^2 (Du Bois for 70 kg, 175 cm:
    1.85 m^2); at 3.5 kg 0.225 m^2 (Haycock for 3.5 kg, 50 cm: 0.224 m^2).

    Examples
    --------
    >>> from ecmolib.patients import body_surface_area_m2
    >>> round(float(body_surface_area_m2(70.0)), 3)
    1.794

    References
    ----------
    Costeff H. A simple empirical formula for calculating approximate surface
    area in children. Arch Dis Child 1966;41:681-683.
    doi:10.1136/adc.41.220.681
    """
    w = _validation.checked("weight_kg", weight_kg, "kg", low=_WEIGHT_RANGE_KG[0], high=_WEIGHT_RANGE_KG[1])
    return _validation.result((4.0 * w + 7.0) / (w + 90.0))


@dataclass(frozen=True)
class Patient:
    r"""Resting physiology of one patient.

    Parameters
    ----------
    name : str
        Label shown in plots and tables (non-empty).
    age_group : str
        One of ``"neonate"``, ``"infant"``, ``"child"``, ``"adult"``; selects
        the ELSO flow band in :func:`target_ecmo_flow_l_min`.
    weight_kg : float
        Body weight [kg]; valid [0.4, 250].
    blood_volume_ml : float
        Circulating blood volume [mL]; valid > 0 with 20 to 200 mL per kg of
        weight (a check that catches litres typed for millilitres).
    hb_g_dl : float
        Haemoglobin concentration [g/dL]; valid [2, 25].
    p50_mmhg : float
        Standard P50 of the patient's haemoglobin (pH 7.40, PCO2 40 mmHg,
        37 C) [mmHg]; valid [10, 50] (as in :mod:`ecmolib.blood`). Adult
        26.8 (Severinghaus 1979); term newborn 19.4 (Delivoria-Papadopoulos
        et al. 1971).
    cardiac_output_l_min : float
        Resting cardiac output [L/min]; valid (0, 40].
    vo2_ml_min : float
        Resting whole-body oxygen consumption [mL/min, STPD]; valid (0, 6000].
    vco2_ml_min : float
        Resting carbon dioxide production [mL/min, STPD]; valid (0, 6000],
        and VCO2/VO2 (the respiratory quotient) in [0.6, 1.3].
    temperature_c : float, optional
        Core temperature [C]; valid [20, 42], the range of the temperature
        corrections in :mod:`ecmolib.blood`. Default 37.0.

    Raises
    ------
    ValueError
        If any field is of the wrong type, not finite or out of range; the
        message names the field, its units, the value and the valid range.

    Notes
    -----
    Derived quantities are properties, never stored twice:
    :attr:`respiratory_quotient`, :attr:`blood_volume_ml_kg`,
    :attr:`body_surface_area_m2`, :attr:`cardiac_index_l_min_m2`,
    :attr:`vo2_ml_kg_min`, :attr:`cardiac_output_ml_kg_min` and
    :attr:`avdo2_ml_dl` (Fick).

    Examples
    --------
    >>> from ecmolib.patients import ADULT
    >>> float(ADULT.respiratory_quotient)
    0.8
    >>> round(ADULT.vo2_ml_kg_min, 2)
    3.57
    """

    name: str
    age_group: str
    weight_kg: float
    blood_volume_ml: float
    hb_g_dl: float
    p50_mmhg: float
    cardiac_output_l_min: float
    vo2_ml_min: float
    vco2_ml_min: float
    temperature_c: float = 37.0

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name must be a non-empty string; got {self.name!r}")
        _validation.choice("age_group", self.age_group, AGE_GROUPS)
        set_ = object.__setattr__
        set_(self, "weight_kg", _scalar("weight_kg", self.weight_kg, "kg", *_WEIGHT_RANGE_KG))
        set_(self, "blood_volume_ml", _scalar(
            "blood_volume_ml", self.blood_volume_ml, "mL", 0.0, None, low_inclusive=False))
        lo, hi = _BLOOD_VOLUME_ML_KG_RANGE
        per_kg = self.blood_volume_ml / self.weight_kg
        if not lo <= per_kg <= hi:
            raise ValueError(
                f"blood_volume_ml [mL] must be {lo:g} to {hi:g} mL per kg of weight_kg "
                f"({lo * self.weight_kg:g} to {hi * self.weight_kg:g} mL for "
                f"{self.weight_kg:g} kg); got {self.blood_volume_ml!r} ({per_kg:.3g} mL/kg)"
            )
        set_(self, "hb_g_dl", _scalar("hb_g_dl", self.hb_g_dl, "g/dL", *_HB_RANGE_G_DL))
        set_(self, "p50_mmhg", _scalar("p50_mmhg", self.p50_mmhg, "mmHg", *_P50_RANGE_MMHG))
        set_(self, "cardiac_output_l_min", _scalar(
            "cardiac_output_l_min", self.cardiac_output_l_min, "L/min", *_CO_RANGE_L_MIN,
            low_inclusive=False))
        set_(self, "vo2_ml_min", _scalar(
            "vo2_ml_min", self.vo2_ml_min, "mL/min", *_GAS_RANGE_ML_MIN, low_inclusive=False))
        set_(self, "vco2_ml_min", _scalar(
            "vco2_ml_min", self.vco2_ml_min, "mL/min", *_GAS_RANGE_ML_MIN, low_inclusive=False))
        rq = self.vco2_ml_min / self.vo2_ml_min
        lo, hi = _RQ_RANGE
        if not lo <= rq <= hi:
            raise ValueError(
                f"vco2_ml_min [mL/min] must give a respiratory quotient vco2/vo2 in "
                f"[{lo:g}, {hi:g}] ({lo * self.vo2_ml_min:g} to {hi * self.vo2_ml_min:g} "
                f"mL/min for vo2_ml_min {self.vo2_ml_min:g}); got {self.vco2_ml_min!r} (RQ {rq:.3g})"
            )
        set_(self, "temperature_c", _scalar(
            "temperature_c", self.temperature_c, "C", *_TEMPERATURE_RANGE_C))

    # -- derived quantities -------------------------------------------------
    @property
    def respiratory_quotient(self) -> float:
        """VCO2 / VO2 [dimensionless]."""
        return self.vco2_ml_min / self.vo2_ml_min

    @property
    def blood_volume_ml_kg(self) -> float:
        """Blood volume per kg of body weight [mL/kg]."""
        return self.blood_volume_ml / self.weight_kg

    @property
    def body_surface_area_m2(self) -> float:
        """Body surface area from weight by Costeff's formula [m^2]; see :func:`body_surface_area_m2`."""
        return float(body_surface_area_m2(self.weight_kg))

    @property
    def cardiac_index_l_min_m2(self) -> float:
        """Cardiac output per m^2 of (Costeff) body surface area [L/min/m^2]."""
        return self.cardiac_output_l_min / self.body_surface_area_m2

    @property
    def cardiac_index(self) -> float:
        """Alias of :attr:`cardiac_index_l_min_m2` [L/min/m^2]."""
        return self.cardiac_index_l_min_m2

    @property
    def cardiac_output_ml_kg_min(self) -> float:
        """Cardiac output per kg [mL/kg/min]."""
        return 1000.0 * self.cardiac_output_l_min / self.weight_kg

    @property
    def vo2_ml_kg_min(self) -> float:
        """Oxygen consumption per kg [mL/kg/min]."""
        return self.vo2_ml_min / self.weight_kg

    @property
    def avdo2_ml_dl(self) -> float:
        r"""Arteriovenous O2 content difference by the Fick principle [mL O2/dL blood].

        .. math:: C_aO_2 - C_{\bar v}O_2 = \frac{\dot V O_2}{10\,\dot Q}

        with VO2 in mL/min and cardiac output Q in L/min (10 dL per L).
        """
        return self.vo2_ml_min / (10.0 * self.cardiac_output_l_min)


# ---------------------------------------------------------------------------
# Size rules
# ---------------------------------------------------------------------------
def _vo2_ml_min(w):
    """Kleiber scaling anchored at the adult reference (70 kg, 250 mL/min)."""
    return _ADULT_VO2_ML_MIN * (w / _ADULT_WEIGHT_KG) ** KLEIBER_EXPONENT


_CO_EXPONENT_ABOVE_INFANCY = math.log(
    _ADULT_CO_L_MIN / (_INFANT_CO_ML_KG_MIN * _CO_LINEAR_UP_TO_KG / 1000.0)
) / math.log(_ADULT_WEIGHT_KG / _CO_LINEAR_UP_TO_KG)


def _cardiac_output_l_min(w):
    """Proportional to weight to 10 kg (Alverson 1987), then a power law to the adult 5 L/min."""
    co_10 = _INFANT_CO_ML_KG_MIN * _CO_LINEAR_UP_TO_KG / 1000.0
    if w <= _CO_LINEAR_UP_TO_KG:
        return _INFANT_CO_ML_KG_MIN * w / 1000.0
    return co_10 * (w / _CO_LINEAR_UP_TO_KG) ** _CO_EXPONENT_ABOVE_INFANCY


def _anchor_interp(w, column):
    """Piecewise-linear interpolation in ln(weight) between SIZE_ANCHORS, flat outside."""
    ws = np.log([SIZE_ANCHORS[g][0] for g in AGE_GROUPS])
    ys = [SIZE_ANCHORS[g][column] for g in AGE_GROUPS]
    return float(np.interp(math.log(w), ws, ys))


def age_group_for_weight(weight_kg) -> str:
    r"""Age group assumed for a weight when the age is not given.

    .. math::

        \text{group}(W) = \begin{cases}
            \text{neonate} & W < 5 \\
            \text{infant} & 5 \le W < 10 \\
            \text{child} & 10 \le W < 40 \\
            \text{adult} & W \ge 40 \end{cases}

    with W in kg. The thresholds are an assumption of this module (weight
    does not fix age): 5 kg is about the WHO median weight at 2 months, 10 kg
    at 12-16 months (WHO Child Growth Standards 2006), and 40 kg about the
    median at 12 years (CDC 2000 growth charts). Pass ``age_group`` to
    :func:`for_weight` to override, e.g. a 50 kg adolescent on paediatric
    flows.

    Parameters
    ----------
    weight_kg : float
        Body weight [kg]; valid [0.4, 250].

    Returns
    -------
    str
        One of :data:`AGE_GROUPS`.

    Raises
    ------
    ValueError
        If ``weight_kg`` is not a single finite number in range.

    Examples
    --------
    >>> from ecmolib.patients import age_group_for_weight
    >>> age_group_for_weight(3.5), age_group_for_weight(70)
    ('neonate', 'adult')

    References
    ----------
    WHO Multicentre Growth Reference Study Group. WHO Child Growth
    Standards: Length/height-for-age, weight-for-age ... Geneva: WHO; 2006.

    Kuczmarski RJ et al. 2000 CDC Growth Charts for the United States:
    methods and development. Vital Health Stat 11 2002;(246).
    """
    w = _scalar("weight_kg", weight_kg, "kg", *_WEIGHT_RANGE_KG)
    if w < 5.0:
        return "neonate"
    if w < 10.0:
        return "infant"
    if w < 40.0:
        return "child"
    return "adult"


_FOR_WEIGHT_RANGE_KG = (2.0, 120.0)


def for_weight(weight_kg=None, /, **overrides) -> Patient:
    r"""A patient of the given weight, scaled by cited size rules.

    .. math::

        \dot V O_2 &= 250\,\mathrm{mL/min}\;(W/70)^{0.75}

        \dot V CO_2 &= 0.8\,\dot V O_2

        \dot Q &= \begin{cases} 0.204\,W & W \le 10 \\
                  2.04\,(W/10)^{b} & W > 10 \end{cases},\quad
                  b = \frac{\ln(5.0/2.04)}{\ln 7} \approx 0.461

    with W in kg, VO2 in mL/min and cardiac output Q in L/min. Blood volume
    per kg, haemoglobin and P50 are interpolated linearly in ln(W) between
    the anchors in :data:`SIZE_ANCHORS` (3.5, 7.5, 23 and 70 kg) and held
    constant outside them.

    Parameters
    ----------
    weight_kg : float
        Body weight [kg]; valid [2, 120]. Positional or keyword
        (``for_weight(weight_kg=20.0)``). A single number: an array raises
        ``ValueError`` (a Patient holds scalars; build one patient per weight,
        e.g. in a list comprehension).
    **overrides
        Any :class:`Patient` field except ``weight_kg`` to replace the scaled
        value (e.g. ``hb_g_dl=9.0``, ``age_group="child"``, ``name="Baby A"``);
        the result is validated like any Patient.

    Returns
    -------
    Patient

    Raises
    ------
    ValueError
        If ``weight_kg`` is not a single finite number in [2, 120], if an
        override names no Patient field or tries to change ``weight_kg``, or
        if an override value is invalid.

    Notes
    -----
    * VO2: Kleiber's 3/4-power law (Kleiber 1932), anchored at the adult
      250 mL/min for 70 kg as in the paediatric allometry of Anderson &
      Holford (2008). It gives 7.5 mL/kg/min at 3.5 kg, 6.2 at 7.5 kg, 4.8 at
      23 kg and 3.6 at 70 kg (250/70), close to the neonatal 6-8 and adult
      3-3.5 mL/kg/min usually quoted. Lindahl et al. (1984) measured
      7.8 +/- 2.0 mL/kg/min in mechanically ventilated infants and children
      of 2.8-20.5 kg. Weight alone misses the postnatal rise: minimal VO2 is
      about 5 mL/kg/min in the first 12 hours, 7 at 7-14 days and 9 at about
      2 months (Hill & Robinson 1968, serial measurements in 19 infants,
      17 of whom weighed under 2.5 kg), so the rule fits a neonate of one to
      two weeks and underestimates a 2-month-old.
    * VCO2: RQ 0.8, the adult resting value; Lindahl et al. (1984) also used
      0.8 for children.
    * Cardiac output: proportional to weight, 204 mL/kg/min, through the
      first year (Alverson et al. 1987 found left-ventricular output per kg
      constant from birth to 1 year), then a power law to the adult
      5.0 L/min at 70 kg. The exponent b is fixed by those two anchors (a fit
      of this module, not a published exponent); it gives a cardiac index of
      about 3.4 L/min/m^2 at 23 kg and 2.8 at 70 kg.
    * Blood volume per kg, Hb and P50 from :data:`SIZE_ANCHORS`; the
      interpolation in ln(weight) is this module's choice (weight roughly
      doubles from birth to 6 months and triples again by 7 years, so
      log-weight spreads the anchors evenly).
    * Age group from :func:`age_group_for_weight` unless overridden.

    Examples
    --------
    >>> from ecmolib.patients import for_weight
    >>> p = for_weight(3.5)
    >>> p.age_group, round(p.vo2_ml_kg_min, 2), round(p.cardiac_output_l_min, 3)
    ('neonate', 7.55, 0.714)
    >>> for_weight(20.0, hb_g_dl=9.0).hb_g_dl
    9.0

    References
    ----------
    Kleiber M. Body size and metabolism. Hilgardia 1932;6:315-353.
    doi:10.3733/hilg.v06n11p315

    Anderson BJ, Holford NHG. Mechanism-based concepts of size and maturity
    in pharmacokinetics. Annu Rev Pharmacol Toxicol 2008;48:303-332.
    doi:10.1146/annurev.pharmtox.48.113006.094708

    Hill JR, Robinson DC. Oxygen consumption in normally grown,
    small-for-dates and large-for-dates new-born infants. J Physiol 1968.

    Lindahl SGE, Hulse MG, Hatch DJ. Metabolic correlates in infants and
    children during anaesthesia and surgery. Acta Anaesthesiol Scand
    1984;28:52-56. doi:10.1111/j.1399-6576.1984.tb02010.x

    Alverson DC, Aldrich M, Angelus P, Backstrom C, Werner S. Longitudinal
    trends in left ventricular cardiac output in healthy infants in the
    first year of life. J Ultrasound Med 1987;6:519-524.
    doi:10.7863/jum.1987.6.9.519

    Linderkamp O, Versmold HT, Riegel KP, Betke K. Estimation and prediction
    of blood volume in infants and children. Eur J Pediatr 1977;125:227-234.
    doi:10.1007/BF00493567
    """
    if weight_kg is None and "weight_kg" in overrides:
        weight_kg = overrides.pop("weight_kg")  # for_weight(weight_kg=...) spelling
    lo_w, hi_w = _FOR_WEIGHT_RANGE_KG
    arr = _validation.checked("weight_kg", weight_kg, "kg", low=lo_w, high=hi_w)
    if arr.ndim != 0:
        raise ValueError(
            f"weight_kg [kg] must be a single real number in [{lo_w:g}, {hi_w:g}] "
            f"(for_weight builds one Patient; call it once per weight); got an array "
            f"of shape {arr.shape}"
        )
    w = float(arr)
    fields = {f.name for f in dataclasses.fields(Patient)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ValueError(
            f"for_weight overrides must be Patient fields {sorted(fields - {'weight_kg'})}; "
            f"got unknown {unknown}"
        )
    if "weight_kg" in overrides:
        raise ValueError(
            "weight_kg [kg] was given twice (positionally and as a keyword); pass it "
            "once, e.g. for_weight(20.0) or for_weight(weight_kg=20.0)"
        )
    vo2 = _vo2_ml_min(w)
    values = dict(
        name=f"{w:g} kg patient",
        age_group=age_group_for_weight(w),
        weight_kg=w,
        blood_volume_ml=w * _anchor_interp(w, 1),
        hb_g_dl=_anchor_interp(w, 2),
        p50_mmhg=_anchor_interp(w, 3),
        cardiac_output_l_min=_cardiac_output_l_min(w),
        vo2_ml_min=vo2,
        vco2_ml_min=_RQ * vo2,
        temperature_c=37.0,
    )
    values.update(overrides)
    return Patient(**values)


def _preset(name, group):
    w, bv_kg, hb, p50 = SIZE_ANCHORS[group]
    vo2 = _vo2_ml_min(w)
    return Patient(
        name=name,
        age_group=group,
        weight_kg=w,
        blood_volume_ml=w * bv_kg,
        hb_g_dl=hb,
        p50_mmhg=p50,
        cardiac_output_l_min=_cardiac_output_l_min(w),
        vo2_ml_min=vo2,
        vco2_ml_min=_RQ * vo2,
        temperature_c=37.0,
    )


#: Term neonate, 3.5 kg: blood volume 84.4 mL/kg (295 mL; Linderkamp 1977,
#: 2-30 days), Hb 16.5 g/dL (cord blood, Dallman 1977), P50 19.4 mmHg
#: (day 1, Delivoria-Papadopoulos 1971), cardiac output 204 mL/kg/min
#: (0.714 L/min; Alverson 1987), VO2 7.5 mL/kg/min (Kleiber scaling, see
#: :func:`for_weight`; Hill & Robinson 1968 measured 7 mL/kg/min at 7-14
#: days), RQ 0.8, 37 C. Sources in :data:`SIZE_ANCHORS` and :func:`for_weight`.
NEONATE = _preset("Term neonate (3.5 kg)", "neonate")

#: Infant of about 6 months, 7.5 kg: blood volume 76.6 mL/kg (Linderkamp
#: 1977, 3-6 months), Hb 12.0 g/dL (Dallman 1977, 0.5-2 years), adult P50
#: 26.8 mmHg (reached by 4-6 months, Delivoria-Papadopoulos 1971), cardiac
#: output 204 mL/kg/min (Alverson 1987), VO2 6.2 mL/kg/min (Kleiber
#: scaling), RQ 0.8, 37 C.
INFANT = _preset("Infant, 6 months (7.5 kg)", "infant")

#: Child of about 7 years, 23 kg: blood volume 76.2 mL/kg (Linderkamp 1977,
#: 7-10 years, mean of boys and girls), Hb 13.5 g/dL (Dallman 1977, 6-12
#: years), adult P50 26.8 mmHg, cardiac output 3.0 L/min and VO2 4.7
#: mL/kg/min by the size rules of :func:`for_weight`, RQ 0.8, 37 C.
CHILD = _preset("Child, 7 years (23 kg)", "child")

#: Adult, 70 kg: blood volume 70 mL/kg (4900 mL; ICRP 89), Hb 14.0 g/dL,
#: P50 26.8 mmHg (Severinghaus 1979, doi:10.1152/jappl.1979.46.3.599),
#: cardiac output 5.0 L/min, VO2 250 mL/min, VCO2 200 mL/min (RQ 0.8),
#: the textbook resting values (e.g. Guyton and Hall, Textbook of Medical
#: Physiology), 37 C.
ADULT = _preset("Adult (70 kg)", "adult")


# ---------------------------------------------------------------------------
# ELSO target flows
# ---------------------------------------------------------------------------
def _checked(patient):
    """``patient`` if it is a :class:`Patient`; else ValueError (every module's check)."""
    if not isinstance(patient, Patient):
        raise ValueError(
            "patient must be an ecmolib.patients.Patient (e.g. patients.ADULT or "
            f"patients.for_weight(weight_kg)); got {type(patient).__name__}"
        )
    return patient


def _flow_row(patient, mode):
    _checked(patient)
    _validation.choice("mode", mode, _MODES)
    return ELSO_FLOW_ML_KG_MIN[(patient.age_group, mode)]


def target_ecmo_flow_l_min(patient, mode="vv") -> float:
    r"""Typical full-support ECMO blood flow for a patient (ELSO).

    .. math:: Q_{\mathrm{ECMO}} = q_{\mathrm{ELSO}}(\text{age group}, \text{mode})
              \cdot W / 1000

    with :math:`q_{\mathrm{ELSO}}` the typical flow per kg in mL/kg/min from
    :data:`ELSO_FLOW_ML_KG_MIN` and W the weight in kg.

    Parameters
    ----------
    patient : Patient
        The patient; its ``age_group`` selects the ELSO band and its
        ``weight_kg`` scales the flow.
    mode : {"vv", "va"}
        Veno-venous or veno-arterial support. Default ``"vv"``.

    Returns
    -------
    float
        Target blood flow [L/min].

    Raises
    ------
    ValueError
        If ``patient`` is not a :class:`Patient` or ``mode`` is not one of
        ``"vv"``, ``"va"``.

    Notes
    -----
    The flow steps where the age group changes (ELSO writes per group); the
    guideline flows are starting points, titrated clinically to oxygen
    delivery, venous saturation and perfusion. The per-kg values are
    commonly attributed to ELSO but have not been confirmed against the
    guideline wording; :data:`ELSO_FLOW_SOURCES` records the status of each.

    Examples
    --------
    >>> from ecmolib.patients import ADULT, NEONATE, target_ecmo_flow_l_min
    >>> round(target_ecmo_flow_l_min(ADULT, "va"), 2)
    4.2
    >>> round(target_ecmo_flow_l_min(NEONATE, "va"), 2)
    0.35

    References
    ----------
    See :data:`ELSO_FLOW_ML_KG_MIN`.
    """
    low, typical, high = _flow_row(patient, mode)
    return typical * patient.weight_kg / 1000.0


def ecmo_flow_range_l_min(patient, mode="vv") -> tuple[float, float]:
    r"""ELSO range (low, high) of full-support ECMO blood flow [L/min].

    .. math:: (Q_{low}, Q_{high}) = (q_{low}, q_{high}) \cdot W / 1000

    Parameters
    ----------
    patient : Patient
        The patient (age group and weight).
    mode : {"vv", "va"}
        Veno-venous or veno-arterial support. Default ``"vv"``.

    Returns
    -------
    tuple of float
        (low, high) blood flow [L/min].

    Raises
    ------
    ValueError
        If ``patient`` is not a :class:`Patient` or ``mode`` is invalid.

    Examples
    --------
    >>> from ecmolib.patients import ADULT, ecmo_flow_range_l_min
    >>> tuple(round(q, 2) for q in ecmo_flow_range_l_min(ADULT, "vv"))
    (4.2, 5.6)

    References
    ----------
    See :data:`ELSO_FLOW_ML_KG_MIN`.
    """
    low, typical, high = _flow_row(patient, mode)
    return (low * patient.weight_kg / 1000.0, high * patient.weight_kg / 1000.0)
