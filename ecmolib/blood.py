"""Oxygen and carbon dioxide in blood.

The model
---------
Blood is described by a state (:class:`BloodGas`): PO2, PCO2, haemoglobin
concentration, the P50 of its haemoglobin, base excess and temperature.
Everything else is derived from that state, never stored twice:

* **O2 saturation** from the Severinghaus (1979) equation, applied to a
  "virtual" PO2 that removes the effects of temperature, pH and PCO2 with
  Kelman's (1966) shift factors, and of a non-standard P50 by scaling PO2
  (:func:`saturation`, inverted exactly by :func:`po2_from_saturation`).
* **O2 content** = bound (1.34 mL/g Hb) + dissolved (0.003 mL/dL/mmHg)
  (:func:`o2_content`).
* **pH** from PCO2 at constant base excess: the whole-blood (in-vitro) CO2
  titration line given by the Van Slyke equation (Siggaard-Andersen 1977)
  with Henderson-Hasselbalch (:func:`ph_from_pco2`).
* **CO2 content** of whole blood, with the Haldane effect, from Douglas,
  Jones & Reed (1988) (:func:`co2_content`).
* **Mixing** of streams by flow-weighted *content* (:func:`mix`), and
  recovery of PO2 and PCO2 from contents (:meth:`BloodGas.from_contents`).
* Haematocrit and high-shear whole-blood viscosity
  (:func:`hematocrit_from_hb`, :func:`viscosity_mpa_s`) for pressure drops.

Every function is vectorised with numpy broadcasting: scalars in give a
scalar out, arrays in give arrays out.

Validity range
--------------
The equations are empirical fits to human blood near 37 C. Inputs are
accepted, and checked, in these ranges (a value outside raises
``ValueError``):

======================  ==================  ====================================
quantity                accepted range      note
======================  ==================  ====================================
``po2_mmhg``            (0, 1000] mmHg      oxygenator gas PO2 at FdO2 1 ~713
``pco2_mmhg``           (0, 200] mmHg       and the pH must lie in [6.8, 7.8]
``ph``                  [6.8, 7.8]          the range compatible with life
``hb_g_dl``             (0, 25] g/dL
``p50_mmhg``            [10, 50] mmHg       term newborn 19.4, adult 26.8
``base_excess_mmol_l``  [-30, 30] mmol/L
``temperature_c``       [20, 42] C          ODC and CO2 fits extrapolated
                                            far from 37 C
``so2``                 [0, 1]              (0, 1) for the inverse
======================  ==================  ====================================

The acid-base part (pH, CO2 content) is only used where the pH lies in
[6.8, 7.8]: the Douglas whole-blood factor changes sign near pH 8.1. A PCO2
that, with the given haemoglobin and base excess, gives a pH outside that
interval raises ``ValueError`` naming ``pco2_mmhg``; :func:`pco2_from_ph`
gives the PCO2 limits for any blood (about 8 to 270 mmHg at Hb 15 g/dL and
base excess 0, the upper one capped at 200 mmHg).

Simplifications, stated plainly: one Bohr factor (0.40) at all PO2 (the
PO2-dependent Bohr coefficient of Severinghaus 1979 is not used); the pH is
the 37 C value of the titration line (no temperature correction of pH); the
P50 of mixed blood is a weighted mean (see :func:`mix`); COHb and MetHb are
ignored; haemoglobin is taken as having one ODC shape (adult) shifted by its
P50.

References
----------
.. [1] Severinghaus JW. Simple, accurate equations for human blood O2
   dissociation computations. J Appl Physiol 1979;46:599-602.
   doi:10.1152/jappl.1979.46.3.599
.. [2] Kelman GR. Digital computer subroutine for the conversion of oxygen
   tension into saturation. J Appl Physiol 1966;21:1375-1376.
   doi:10.1152/jappl.1966.21.4.1375
.. [3] Ellis RK. Determination of PO2 from saturation. J Appl Physiol
   1989;67:902. doi:10.1152/jappl.1989.67.2.902
.. [4] Siggaard-Andersen O. The Van Slyke equation. Scand J Clin Lab Invest
   Suppl 1977;146:15-20. doi:10.3109/00365517709098927
.. [5] Douglas AR, Jones NL, Reed JW. Calculation of whole blood CO2
   content. J Appl Physiol 1988;65:473-477.
   doi:10.1152/jappl.1988.65.1.473
.. [6] Kelman GR. Digital computer procedure for the conversion of PCO2 into
   blood CO2 content. Respir Physiol 1967;3:111-115.
.. [7] Pries AR, Neuhaus D, Gaehtgens P. Blood viscosity in tube flow:
   dependence on diameter and hematocrit. Am J Physiol 1992;263:H1770-H1778.
   doi:10.1152/ajpheart.1992.263.6.H1770
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np
from scipy.optimize import elementwise

from ecmolib._validation import checked, fraction, result

__all__ = [
    "HUFNER_ML_PER_G",
    "O2_SOLUBILITY_ML_DL_MMHG",
    "P50_STANDARD_MMHG",
    "P50_SEVERINGHAUS_MMHG",
    "FETAL_P50_MMHG",
    "MCHC_G_DL",
    "PLASMA_VISCOSITY_MPA_S",
    "CO2_SOLUBILITY_MMOL_L_MMHG",
    "PK_CARBONIC_ACID",
    "saturation",
    "po2_from_saturation",
    "p50",
    "o2_content",
    "ph_from_pco2",
    "pco2_from_ph",
    "co2_content",
    "co2_content_at_ph",
    "hematocrit_from_hb",
    "viscosity_mpa_s",
    "BloodGas",
    "mix",
]

# --------------------------------------------------------------------------
# Constants (each with its source)
# --------------------------------------------------------------------------

#: O2 bound per gram of haemoglobin at full saturation [mL O2 (STPD) / g].
#: The theoretical value from the molecular mass of Hb is 1.39 mL/g; the
#: measured O2 capacity of blood is lower (1.31-1.33 mL/g in Gregory's
#: direct measurements, significantly below 1.39) because part of the
#: haemoglobin measured by the cyanmethaemoglobin method does not bind O2.
#: 1.34 mL/g, the conventional clinical value, lies between the two and is
#: chosen for that reason (it is what clinicians and most physiology texts
#: use). Gregory IC. The oxygen and carbon monoxide capacities of fetal and
#: adult blood. J Physiol 1974;236:625-634.
HUFNER_ML_PER_G = 1.34

#: Solubility of O2 in blood at 37 C [mL O2 (STPD) / dL / mmHg]. 0.003 is
#: the conventional rounded value; Siggaard-Andersen et al. give
#: 0.0105 mmol/L/kPa, i.e. 0.00314 mL/dL/mmHg (Siggaard-Andersen O,
#: Wimberley PD, Gothgen I, Siggaard-Andersen M. A mathematical model of the
#: hemoglobin-oxygen dissociation curve of human blood and of the oxygen
#: partial pressure as a function of temperature. Clin Chem
#: 1984;30:1646-1651).
O2_SOLUBILITY_ML_DL_MMHG = 0.003

#: P50 of adult human blood at 37 C, pH 7.40, PCO2 40 mmHg [mmHg], the
#: standard curve of Severinghaus (1979), doi:10.1152/jappl.1979.46.3.599.
P50_STANDARD_MMHG = 26.8

#: Exact P50 of the Severinghaus equation itself [mmHg]: the real root of
#: P^3 + 150 P - 23400 = 0 (Cardano), 26.8568 mmHg.
P50_SEVERINGHAUS_MMHG = float(
    np.cbrt(11700.0 + np.sqrt(11700.0**2 + 125000.0))
    + np.cbrt(11700.0 - np.sqrt(11700.0**2 + 125000.0))
)

#: P50 of term newborn blood in the first days of life [mmHg]: 19.4 mmHg
#: (Delivoria-Papadopoulos M, Roncevic NP, Oski FA. Postnatal changes in
#: oxygen transport of term, premature, and sick infants: the role of red
#: cell 2,3-diphosphoglycerate and adult hemoglobin. Pediatr Res
#: 1971;5:235-245). Cord-blood P50 "slightly above 20 torr" (CO-free) was
#: found in 82 normal newborns by Tosetti et al., Boll Soc Ital Biol Sper
#: 1985;61:99-106.
FETAL_P50_MMHG = 19.4

#: Mean corpuscular haemoglobin concentration used to turn Hb into
#: haematocrit [g/dL]. MCHC = Hb / Hct by definition; an almost constant
#: 33 g/dL was found in normal subjects and in iron deficiency and
#: thalassaemia trait (Habibzadeh F et al. Derivation of blood hemoglobin
#: concentration from hematocrit: a simple method for rural areas. Arch
#: Iran Med 2001;4:120-122). It is the clinical threefold conversion
#: (Hct ~ 3 x Hb), which is known to be biased in some populations
#: (Carneiro IA et al. Malar J 2007;6:67, doi:10.1186/1475-2875-6-67).
MCHC_G_DL = 33.0

#: Plasma viscosity at 37 C [mPa s]. An assumption of this library, in the
#: range of published normal values: clinical capillary-viscometer reference
#: range 1.50-1.72 mPa s at 25 C (Chanarin I, Laboratory Haematology, 1989),
#: which is 1.16-1.33 mPa s at 37 C if plasma scales with temperature like
#: water; 1.39 +/- 0.08 mPa s at 37 C by coaxial-cylinder viscometry in 126
#: healthy adults (Rosenson RS, McCormick A, Uretz EF. Distribution of blood
#: viscosity values and biochemical correlates in healthy adults. Clin Chem
#: 1996;42:1189-1195).
PLASMA_VISCOSITY_MPA_S = 1.2

#: CO2 solubility in plasma at 37 C [mmol/L/mmHg] (Kelman GR. Digital
#: computer procedure for the conversion of PCO2 into blood CO2 content.
#: Respir Physiol 1967;3:111-115; the value used by Douglas et al. 1988).
CO2_SOLUBILITY_MMOL_L_MMHG = 0.0307

#: pK of the carbonic acid-bicarbonate system in plasma at 37 C
#: (Henderson-Hasselbalch, as used with the Van Slyke equation).
PK_CARBONIC_ACID = 6.1

# Internal kernel API. The private names below are imported by other
# ecmolib modules (oxygenator, lungs, vv, circuit, _vv_compiled) and by
# tests, which need the unchecked, vectorised kernels on their hot paths. Do
# not rename or change their signatures without updating those callers. The
# kernels are also compiled for scalars by ecmolib._vv_compiled (numba), so
# they use only arithmetic and numpy functions numba supports for scalars
# (no np.where, no array methods):
#   constants  _SEV_A, _SEV_B, _LN10, _VS_HCO3_NORMAL, _VS_HB_FACTOR,
#              _VS_BUFFER_HB, _VS_BUFFER_PLASMA, _PO2_MAX, _PCO2_MAX,
#              _PH_MIN, _PH_MAX, _HB_MAX
#   checks     _hb
#   kernels    _shift_factor, _sev, _sev_inv, _sat, _hco3_van_slyke,
#              _pco2_at_ph, _acid_base_residual, _acid_base_slope,
#              _ph_solve, _co2_douglas, _o2c

# Severinghaus (1979) equation constants.
_SEV_A = 23400.0
_SEV_B = 150.0

# ln 10: the kernels compute 10**x as exp(ln(10) x), which is about twice as
# fast as a power, in numpy and in the compiled VV solver alike.
_LN10 = float(np.log(10.0))

# Kelman (1966) virtual-PO2 shift factors (log10 units).
_KELMAN_TEMPERATURE = 0.024  # per C
_KELMAN_BOHR = 0.40  # per pH unit
_KELMAN_CO2 = 0.06  # per log10 unit of PCO2

# Van Slyke equation, original 1977 form (Siggaard-Andersen 1977):
#   cHCO3 - 24.4 = -(2.3 ctHb + 7.7)(pH - 7.40) + cBase/(1 - 0.023 ctHb)
# with ctHb the haemoglobin (monomer) concentration in mmol/L,
# ctHb [mmol/L] = 0.6206 x Hb [g/dL] (monomer molar mass 16.1 kg/mol).
_HB_MMOL_L_PER_G_DL = 0.6206
_VS_HCO3_NORMAL = 24.4
_VS_HB_FACTOR = 0.023 * _HB_MMOL_L_PER_G_DL  # per g/dL (0.01427)
_VS_BUFFER_HB = 2.3 * _HB_MMOL_L_PER_G_DL  # mmol/L per pH per g/dL (1.427)
_VS_BUFFER_PLASMA = 7.7  # mmol/L per pH

# Ranges (documented in the module docstring).
_PO2_MAX = 1000.0
_PCO2_MAX = 200.0
_PH_MIN, _PH_MAX = 6.8, 7.8
_HB_MAX = 25.0
_P50_MIN, _P50_MAX = 10.0, 50.0
_BE_MIN, _BE_MAX = -30.0, 30.0
_T_MIN, _T_MAX = 20.0, 42.0


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------


def _po2(value, name="po2_mmhg"):
    return checked(name, value, "mmHg", low=0.0, high=_PO2_MAX, low_inclusive=False)


def _pco2(value, name="pco2_mmhg"):
    return checked(name, value, "mmHg", low=0.0, high=_PCO2_MAX, low_inclusive=False)


def _ph(value, name="ph"):
    return checked(name, value, "pH units", low=_PH_MIN, high=_PH_MAX)


def _hb(value, name="hb_g_dl"):
    return checked(name, value, "g/dL", low=0.0, high=_HB_MAX, low_inclusive=False)


def _p50(value, name="p50_mmhg"):
    return checked(name, value, "mmHg", low=_P50_MIN, high=_P50_MAX)


def _be(value, name="base_excess_mmol_l"):
    return checked(name, value, "mmol/L", low=_BE_MIN, high=_BE_MAX)


def _temp(value, name="temperature_c"):
    return checked(name, value, "C", low=_T_MIN, high=_T_MAX)


def _broadcast(**arrays):
    """Check that the arrays broadcast together; name them if they do not."""
    try:
        return np.broadcast_shapes(*(np.shape(a) for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(f"array arguments do not broadcast together: {shapes}") from None


# --------------------------------------------------------------------------
# O2 dissociation (unchecked kernels)
# --------------------------------------------------------------------------


_LOG10_40 = float(np.log10(40.0))


def _shift_factor(p50_mmhg, ph, pco2_mmhg, temperature_c):
    """Multiplier turning a real PO2 into the Severinghaus 'virtual' PO2."""
    log_shift = (
        _KELMAN_TEMPERATURE * (37.0 - temperature_c)
        + _KELMAN_BOHR * (ph - 7.40)
        + _KELMAN_CO2 * (_LOG10_40 - np.log10(pco2_mmhg))   # log10(40/PCO2), no overflow at tiny PCO2
    )
    return (P50_SEVERINGHAUS_MMHG / p50_mmhg) * np.exp(_LN10 * log_shift)


def _sev(pv):
    """Severinghaus (1979) equation, written without a division by zero at 0."""
    u = pv * (pv * pv + _SEV_B)
    return u / (u + _SEV_A)


def _sev_inv(s):
    """Real root of P^3 + 150 P - 23400 s/(1-s) = 0 (Cardano), cancellation-free.

    With y = 23400 s/(1-s) and A = cbrt(y/2 + sqrt(y^2/4 + 50^3)), Cardano
    gives P = A - 50/A, rewritten as P = y / (A^2 + 50 + 2500/A^2), which
    has no subtraction.
    """
    y = _SEV_A * s / (1.0 - s)
    a = np.cbrt(0.5 * y + np.sqrt(0.25 * y * y + 125000.0))
    a2 = a * a
    return y / (a2 + 50.0 + 2500.0 / a2)


def _sat(po2, p50_mmhg, ph, pco2, temperature_c):
    return _sev(po2 * _shift_factor(p50_mmhg, ph, pco2, temperature_c))


# --------------------------------------------------------------------------
# Acid-base (unchecked kernels)
# --------------------------------------------------------------------------


def _hco3_van_slyke(ph, hb, be):
    """Plasma bicarbonate [mmol/L] on the Van Slyke line for given pH."""
    return (
        _VS_HCO3_NORMAL
        + be / (1.0 - _VS_HB_FACTOR * hb)
        - (_VS_BUFFER_HB * hb + _VS_BUFFER_PLASMA) * (ph - 7.40)
    )


def _pco2_at_ph(ph, hb, be):
    """PCO2 [mmHg] on the Van Slyke line (may be <= 0 where HCO3 <= 0)."""
    return _hco3_van_slyke(ph, hb, be) / (
        CO2_SOLUBILITY_MMOL_L_MMHG * np.exp(_LN10 * (ph - PK_CARBONIC_ACID))
    )


def _check_acid_base(pco2, hb, be):
    """Raise ValueError unless pH(pco2) lies in [6.8, 7.8]."""
    lo = np.maximum(_pco2_at_ph(_PH_MAX, hb, be), 0.0)
    hi = _pco2_at_ph(_PH_MIN, hb, be)
    bad = (pco2 < lo) | (pco2 > hi)
    if np.any(bad):
        p, lo_b, hi_b, hb_b, be_b = (
            float(np.broadcast_to(a, bad.shape)[bad].flat[0]) for a in (pco2, lo, hi, hb, be)
        )
        raise ValueError(
            f"pco2_mmhg [mmHg] must give a pH in [{_PH_MIN}, {_PH_MAX}] with "
            f"hb_g_dl={hb_b:g} g/dL and base_excess_mmol_l={be_b:g} mmol/L, i.e. lie "
            f"in [{lo_b:.3g}, {hi_b:.3g}] mmHg; got {p!r}"
        )


def _acid_base_residual(ph, pco2, hb, be):
    """Henderson-Hasselbalch minus Van Slyke HCO3 [mmol/L] at pH ``ph``; 0 at the blood's pH.

    Increasing and convex in pH.
    """
    return CO2_SOLUBILITY_MMOL_L_MMHG * pco2 * np.exp(_LN10 * (ph - PK_CARBONIC_ACID)) - _hco3_van_slyke(
        ph, hb, be)


def _acid_base_slope(ph, pco2, hb, be):
    """d/dpH of :func:`_acid_base_residual` (``be`` unused: the same arguments)."""
    return (_LN10 * CO2_SOLUBILITY_MMOL_L_MMHG * pco2 * np.exp(_LN10 * (ph - PK_CARBONIC_ACID))
            + _VS_BUFFER_HB * hb + _VS_BUFFER_PLASMA)


def _ph_solve(pco2, hb, be):
    """pH where the Henderson-Hasselbalch HCO3 meets the Van Slyke line."""
    res = elementwise.find_root(_acid_base_residual, (_PH_MIN, _PH_MAX), args=(pco2, hb, be))
    return res.x


def _co2_douglas(pco2, ph, so2, hb, temperature_c):
    """Douglas, Jones & Reed (1988) whole-blood CO2 content [mL/dL]."""
    dt = 37.0 - temperature_c
    s = 0.0307 + 0.00057 * dt + 0.00002 * dt * dt
    dph = 7.40 - ph
    pk = 6.086 + 0.042 * dph + (38.0 - temperature_c) * (0.00472 + 0.00139 * dph)
    plasma = 2.226 * s * pco2 * (1.0 + np.exp(_LN10 * (ph - pk)))
    return plasma * (1.0 - 0.0289 * hb / ((3.352 - 0.456 * so2) * (8.142 - ph)))


# --------------------------------------------------------------------------
# Public functions: O2
# --------------------------------------------------------------------------


def saturation(po2_mmhg, *, p50_mmhg=P50_STANDARD_MMHG, ph=7.40, pco2_mmhg=40.0, temperature_c=37.0):
    r"""Haemoglobin O2 saturation from PO2 (Severinghaus 1979, Kelman shifts).

    .. math::

        P_v = P_{O_2}\,\frac{P_{50,S}}{P_{50}}\,
              10^{\,0.024(37-T) + 0.40(\mathrm{pH}-7.40)
              + 0.06\log_{10}(40/P_{CO_2})}

        S = \left(\frac{23400}{P_v^3 + 150 P_v} + 1\right)^{-1}

    :math:`P_{50,S}` is the exact P50 of the Severinghaus equation
    (:data:`P50_SEVERINGHAUS_MMHG`, the real root of
    :math:`P^3 + 150P - 23400 = 0`, 26.856 mmHg). Scaling PO2 by
    :math:`P_{50,S}/P_{50}` makes ``saturation(p50_mmhg) == 0.5`` exactly at
    standard conditions for any ``p50_mmhg`` (fetal blood, stored blood), with
    the curve shape unchanged. (Scaling by 26.8/P50 instead would leave the
    standard curve's P50 at 26.86 mmHg.) With the default 26.8 mmHg the curve
    lies 0.2 % (in PO2) left of the bare Severinghaus equation, which moves S
    by less than 0.0015; against Severinghaus' Table 1 the maximum error
    stays 0.0055 and the mean error 0.0025.

    A non-adult P50 (fetal haemoglobin) is modelled as the adult curve
    shifted along log PO2; the shape of the fetal curve is not modelled.

    Parameters
    ----------
    po2_mmhg : float or array_like
        Partial pressure of O2 [mmHg]; valid (0, 1000].
    p50_mmhg : float or array_like, optional
        P50 of the haemoglobin at 37 C, pH 7.40, PCO2 40 mmHg [mmHg]; valid
        [10, 50]. Default 26.8 (adult, Severinghaus 1979); fetal blood
        :data:`FETAL_P50_MMHG`.
    ph : float or array_like, optional
        Blood pH; valid [6.8, 7.8]. Default 7.40 (standard).
    pco2_mmhg : float or array_like, optional
        Partial pressure of CO2 [mmHg]; valid (0, 200]. Default 40
        (standard).
    temperature_c : float or array_like, optional
        Blood temperature [C]; valid [20, 42]. Default 37 (standard).

    Returns
    -------
    so2 : float or numpy.ndarray
        Functional O2 saturation, fraction in [0, 1).

    Raises
    ------
    ValueError
        If any argument is NaN, infinite, not a number or out of range, or
        the arrays do not broadcast.

    Notes
    -----
    The shift factors 0.024 per C, 0.40 per pH unit (Bohr) and 0.06 per
    decade of PCO2 are Kelman's (1966) virtual-PO2 correction; they are
    constants, whereas Severinghaus (1979, Eq. 4) also gives a Bohr
    coefficient that varies with PO2, not used here. The Severinghaus
    equation fits the standard human ODC to within +/-0.0055 in S over
    0 < S < 1 [1]_. The temperature term shifts the curve of blood at
    temperature T (in vivo); it is not the correction of a PO2 measured at
    37 C to body temperature.

    Examples
    --------
    >>> from ecmolib import blood
    >>> round(float(blood.saturation(100.0)), 4)
    0.9776
    >>> round(float(blood.saturation(26.8)), 6)
    0.5
    >>> round(float(blood.saturation(40.0, ph=7.2)), 3)
    0.643

    References
    ----------
    .. [1] Severinghaus JW. J Appl Physiol 1979;46:599-602.
       doi:10.1152/jappl.1979.46.3.599
    .. [2] Kelman GR. J Appl Physiol 1966;21:1375-1376.
       doi:10.1152/jappl.1966.21.4.1375
    """
    po2 = _po2(po2_mmhg)
    p50v, phv, pco2, t = _p50(p50_mmhg), _ph(ph), _pco2(pco2_mmhg), _temp(temperature_c)
    _broadcast(po2_mmhg=po2, p50_mmhg=p50v, ph=phv, pco2_mmhg=pco2, temperature_c=t)
    return result(_sat(po2, p50v, phv, pco2, t))


def po2_from_saturation(so2, *, p50_mmhg=P50_STANDARD_MMHG, ph=7.40, pco2_mmhg=40.0, temperature_c=37.0):
    r"""PO2 from O2 saturation: the exact inverse of :func:`saturation`.

    The Severinghaus equation solved for the virtual PO2 is the depressed
    cubic :math:`P_v^3 + 150 P_v - y = 0` with :math:`y = 23400\,S/(1-S)`,
    which has exactly one real root (Cardano; Ellis 1989):

    .. math::

        A = \sqrt[3]{y/2 + \sqrt{y^2/4 + 50^3}}, \qquad
        P_v = A - \frac{50}{A} = \frac{y}{A^2 + 50 + 2500/A^2}

    (the last form avoids cancellation at low S). The shifts of
    :func:`saturation` are then undone: :math:`P_{O_2} = P_v / f` with the
    same factor :math:`f`.

    Parameters
    ----------
    so2 : float or array_like
        Functional O2 saturation, fraction; valid in the open interval (0, 1).
    p50_mmhg : float or array_like, optional
        P50 at standard conditions [mmHg]; valid [10, 50]. Default 26.8
        (Severinghaus 1979).
    ph : float or array_like, optional
        Blood pH; valid [6.8, 7.8]. Default 7.40.
    pco2_mmhg : float or array_like, optional
        Partial pressure of CO2 [mmHg]; valid (0, 200]. Default 40.
    temperature_c : float or array_like, optional
        Blood temperature [C]; valid [20, 42]. Default 37.

    Returns
    -------
    po2_mmhg : float or numpy.ndarray
        Partial pressure of O2 [mmHg]. Near S = 1 it grows without bound
        (and may exceed the 1000 mmHg accepted by :func:`saturation`).

    Raises
    ------
    ValueError
        If ``so2`` is not in (0, 1), or any argument is NaN, infinite, not a
        number or out of range.

    Examples
    --------
    >>> from ecmolib import blood
    >>> round(float(blood.po2_from_saturation(0.5)), 6)
    26.8
    >>> round(float(blood.po2_from_saturation(0.75)), 2)
    39.96

    References
    ----------
    .. [1] Ellis RK. Determination of PO2 from saturation. J Appl Physiol
       1989;67:902. doi:10.1152/jappl.1989.67.2.902
    .. [2] Severinghaus JW. J Appl Physiol 1979;46:599-602.
       doi:10.1152/jappl.1979.46.3.599
    """
    s = fraction("so2", so2, low_inclusive=False, high_inclusive=False)
    p50v, phv, pco2, t = _p50(p50_mmhg), _ph(ph), _pco2(pco2_mmhg), _temp(temperature_c)
    _broadcast(so2=s, p50_mmhg=p50v, ph=phv, pco2_mmhg=pco2, temperature_c=t)
    return result(_sev_inv(s) / _shift_factor(p50v, phv, pco2, t))


def p50(*, p50_mmhg=P50_STANDARD_MMHG, ph=7.40, pco2_mmhg=40.0, temperature_c=37.0):
    r"""In-vivo P50: the PO2 at 50 % saturation for the given conditions.

    .. math::

        P_{50}^{\mathrm{in\,vivo}} = P_{50}\,
            10^{-[0.024(37-T) + 0.40(\mathrm{pH}-7.40)
            + 0.06\log_{10}(40/P_{CO_2})]}

    Parameters
    ----------
    p50_mmhg : float or array_like, optional
        P50 at 37 C, pH 7.40, PCO2 40 mmHg [mmHg]; valid [10, 50].
        Default 26.8 (Severinghaus 1979).
    ph : float or array_like, optional
        Blood pH; valid [6.8, 7.8]. Default 7.40.
    pco2_mmhg : float or array_like, optional
        Partial pressure of CO2 [mmHg]; valid (0, 200]. Default 40.
    temperature_c : float or array_like, optional
        Blood temperature [C]; valid [20, 42]. Default 37.

    Returns
    -------
    p50_mmhg : float or numpy.ndarray
        P50 under the given conditions [mmHg].

    Raises
    ------
    ValueError
        If any argument is NaN, infinite, not a number or out of range.

    Examples
    --------
    >>> from ecmolib import blood
    >>> round(float(blood.p50(ph=7.2)), 2)
    32.22
    >>> round(float(blood.p50(temperature_c=32.0)), 2)
    20.33

    References
    ----------
    .. [1] Kelman GR. J Appl Physiol 1966;21:1375-1376.
       doi:10.1152/jappl.1966.21.4.1375
    """
    p50v, phv, pco2, t = _p50(p50_mmhg), _ph(ph), _pco2(pco2_mmhg), _temp(temperature_c)
    _broadcast(p50_mmhg=p50v, ph=phv, pco2_mmhg=pco2, temperature_c=t)
    return result(P50_SEVERINGHAUS_MMHG / _shift_factor(p50v, phv, pco2, t))


def o2_content(hb_g_dl, so2, po2_mmhg):
    r"""O2 content of blood: bound to haemoglobin plus dissolved.

    .. math::

        C_{O_2} = 1.34\,\mathrm{Hb}\,S_{O_2} + 0.003\,P_{O_2}

    Parameters
    ----------
    hb_g_dl : float or array_like
        Haemoglobin concentration [g/dL]; valid (0, 25].
    so2 : float or array_like
        O2 saturation, fraction; valid [0, 1].
    po2_mmhg : float or array_like
        Partial pressure of O2 [mmHg]; valid (0, 1000].

    Returns
    -------
    float or numpy.ndarray
        O2 content [mL O2 (STPD) per dL blood].

    Raises
    ------
    ValueError
        If any argument is NaN, infinite, not a number or out of range.

    Notes
    -----
    1.34 mL/g (:data:`HUFNER_ML_PER_G`) rather than the theoretical 1.39:
    the O2 capacity measured in blood is lower than the theoretical one
    (1.31-1.33 mL/g in Gregory 1974) because part of the measured Hb does
    not bind O2; 1.34 is the conventional clinical value. 0.003 mL/dL/mmHg
    (:data:`O2_SOLUBILITY_ML_DL_MMHG`) is the solubility at 37 C
    (0.00314 in Siggaard-Andersen et al. 1984). After an oxygenator
    (PO2 400-500 mmHg) the dissolved O2, 1.2-1.5 mL/dL, is not negligible.
    Temperature is not applied to the solubility.

    Examples
    --------
    >>> from ecmolib import blood
    >>> round(float(blood.o2_content(15.0, 0.98, 100.0)), 3)
    19.998

    References
    ----------
    .. [1] Gregory IC. The oxygen and carbon monoxide capacities of fetal and
       adult blood. J Physiol 1974;236:625-634.
    .. [2] Siggaard-Andersen O, Wimberley PD, Gothgen I, Siggaard-Andersen M.
       A mathematical model of the hemoglobin-oxygen dissociation curve of
       human blood and of the oxygen partial pressure as a function of
       temperature. Clin Chem 1984;30:1646-1651.
    """
    hb, s, po2 = _hb(hb_g_dl), fraction("so2", so2), _po2(po2_mmhg)
    _broadcast(hb_g_dl=hb, so2=s, po2_mmhg=po2)
    return result(HUFNER_ML_PER_G * hb * s + O2_SOLUBILITY_ML_DL_MMHG * po2)


# --------------------------------------------------------------------------
# Public functions: acid-base and CO2
# --------------------------------------------------------------------------


def ph_from_pco2(pco2_mmhg, *, hb_g_dl, base_excess_mmol_l=0.0):
    r"""pH of whole blood equilibrated to a PCO2 at constant base excess.

    The pH at which the Henderson-Hasselbalch bicarbonate meets the Van
    Slyke equation in its original form (Siggaard-Andersen 1977):

    .. math::

        [\mathrm{HCO_3^-}] = s\,P_{CO_2}\,10^{\,\mathrm{pH}-pK}

        [\mathrm{HCO_3^-}] - 24.4 = -(2.3\,c_{Hb} + 7.7)(\mathrm{pH} - 7.40)
            + \frac{\mathrm{BE}}{1 - 0.023\,c_{Hb}}

    with :math:`s = 0.0307` mmol/L/mmHg, :math:`pK = 6.1`, and
    :math:`c_{Hb} = 0.6206\,\mathrm{Hb}` the haemoglobin (monomer)
    concentration in mmol/L for Hb in g/dL (so, per g/dL: 1.427 and
    0.01427). The residual is monotone in pH; it is solved elementwise with
    :func:`scipy.optimize.elementwise.find_root` on [6.8, 7.8].

    This is the *in-vitro* (whole-blood) CO2 titration line: blood that
    changes its PCO2 without exchanging bicarbonate with interstitial fluid.
    That is the right model for blood crossing an oxygenator in seconds; it
    is steeper than the in-vivo (whole-body, extracellular-fluid) line.

    At base excess 0 and PCO2 40 mmHg it gives pH 7.398, not exactly 7.400,
    because the equation's 24.4 mmol/L differs slightly from
    :math:`0.0307 \cdot 40 \cdot 10^{1.3} = 24.5` mmol/L.

    Parameters
    ----------
    pco2_mmhg : float or array_like
        Partial pressure of CO2 [mmHg]; valid (0, 200], and such that the
        pH lies in [6.8, 7.8] (see :func:`pco2_from_ph` for the limits).
    hb_g_dl : float or array_like
        Haemoglobin concentration [g/dL]; valid (0, 25]. No default: the
        buffer value depends on it.
    base_excess_mmol_l : float or array_like, optional
        Base excess of whole blood [mmol/L]; valid [-30, 30]. Default 0
        (normal).

    Returns
    -------
    ph : float or numpy.ndarray
        pH at 37 C.

    Raises
    ------
    ValueError
        If any argument is NaN, infinite, not a number or out of range, or
        the resulting pH is outside [6.8, 7.8].

    Examples
    --------
    >>> from ecmolib import blood
    >>> round(float(blood.ph_from_pco2(40.0, hb_g_dl=15.0)), 3)
    7.399
    >>> round(float(blood.ph_from_pco2(60.0, hb_g_dl=15.0)), 3)
    7.28

    References
    ----------
    .. [1] Siggaard-Andersen O. The Van Slyke equation. Scand J Clin Lab
       Invest Suppl 1977;146:15-20. doi:10.3109/00365517709098927
    """
    pco2, hb, be = _pco2(pco2_mmhg), _hb(hb_g_dl), _be(base_excess_mmol_l)
    _broadcast(pco2_mmhg=pco2, hb_g_dl=hb, base_excess_mmol_l=be)
    _check_acid_base(pco2, hb, be)
    return result(_ph_solve(pco2, hb, be))


def pco2_from_ph(ph, *, hb_g_dl, base_excess_mmol_l=0.0):
    r"""PCO2 at which whole blood has a given pH (inverse of :func:`ph_from_pco2`).

    Explicit on the Van Slyke line (no root finding):

    .. math::

        P_{CO_2} = \frac{24.4 + \mathrm{BE}/(1-0.023\,c_{Hb})
                   - (2.3\,c_{Hb} + 7.7)(\mathrm{pH}-7.40)}
                   {0.0307 \cdot 10^{\,\mathrm{pH}-6.1}},
        \qquad c_{Hb} = 0.6206\,\mathrm{Hb}

    ``pco2_from_ph(7.8, ...)`` and ``pco2_from_ph(6.8, ...)`` are the
    lowest and highest PCO2 the acid-base model accepts for that blood.

    Parameters
    ----------
    ph : float or array_like
        pH; valid [6.8, 7.8].
    hb_g_dl : float or array_like
        Haemoglobin concentration [g/dL]; valid (0, 25].
    base_excess_mmol_l : float or array_like, optional
        Base excess [mmol/L]; valid [-30, 30]. Default 0.

    Returns
    -------
    pco2_mmhg : float or numpy.ndarray
        Partial pressure of CO2 [mmHg].

    Raises
    ------
    ValueError
        If any argument is out of range, or no positive PCO2 gives that pH
        (the Van Slyke bicarbonate would be <= 0).

    Examples
    --------
    >>> from ecmolib import blood
    >>> round(float(blood.pco2_from_ph(7.4, hb_g_dl=15.0)), 2)
    39.83

    References
    ----------
    .. [1] Siggaard-Andersen O. The Van Slyke equation. Scand J Clin Lab
       Invest Suppl 1977;146:15-20. doi:10.3109/00365517709098927
    """
    phv, hb, be = _ph(ph), _hb(hb_g_dl), _be(base_excess_mmol_l)
    _broadcast(ph=phv, hb_g_dl=hb, base_excess_mmol_l=be)
    p = _pco2_at_ph(phv, hb, be)
    if np.any(p <= 0):
        bad = float(np.broadcast_to(phv, np.shape(p))[p <= 0].flat[0])
        raise ValueError(
            f"ph [pH units] = {bad!r} cannot be reached at any PCO2 with this "
            "hb_g_dl [g/dL] and base_excess_mmol_l [mmol/L] (Van Slyke bicarbonate <= 0)"
        )
    return result(p)


def co2_content_at_ph(pco2_mmhg, *, ph, so2, hb_g_dl, temperature_c=37.0):
    r"""Whole-blood CO2 content for a measured pH (Douglas, Jones & Reed 1988).

    .. math::

        C_{CO_2,pl} = 2.226\,s\,P_{CO_2}\left(1 + 10^{\,\mathrm{pH}-pK'}\right)

        C_{CO_2} = C_{CO_2,pl}\left[1 - \frac{0.0289\,\mathrm{Hb}}
                   {(3.352 - 0.456\,S_{O_2})(8.142 - \mathrm{pH})}\right]

    with Kelman's (1967) plasma CO2 solubility
    :math:`s = 0.0307 + 0.00057(37-T) + 0.00002(37-T)^2` [mmol/L/mmHg] and
    apparent pK
    :math:`pK' = 6.086 + 0.042(7.4-\mathrm{pH}) + (38-T)(0.00472 + 0.00139(7.4-\mathrm{pH}))`.
    The SO2 term is the Haldane effect: less saturated blood holds more CO2
    at the same PCO2.

    Parameters
    ----------
    pco2_mmhg : float or array_like
        Partial pressure of CO2 [mmHg]; valid (0, 200].
    ph : float or array_like
        Blood pH; valid [6.8, 7.8].
    so2 : float or array_like
        O2 saturation, fraction; valid [0, 1].
    hb_g_dl : float or array_like
        Haemoglobin concentration [g/dL]; valid (0, 25].
    temperature_c : float or array_like, optional
        Blood temperature [C]; valid [20, 42]. Default 37.

    Returns
    -------
    float or numpy.ndarray
        CO2 content [mL CO2 (STPD) per dL blood].

    Raises
    ------
    ValueError
        If any argument is NaN, infinite, not a number or out of range.

    Examples
    --------
    >>> from ecmolib import blood
    >>> round(float(blood.co2_content_at_ph(40.0, ph=7.40, so2=0.97, hb_g_dl=15.0)), 2)
    46.72

    References
    ----------
    .. [1] Douglas AR, Jones NL, Reed JW. J Appl Physiol 1988;65:473-477.
       doi:10.1152/jappl.1988.65.1.473
    .. [2] Kelman GR. Digital computer procedure for the conversion of PCO2
       into blood CO2 content. Respir Physiol 1967;3:111-115.
    """
    pco2, phv, s, hb, t = (
        _pco2(pco2_mmhg), _ph(ph), fraction("so2", so2), _hb(hb_g_dl), _temp(temperature_c)
    )
    _broadcast(pco2_mmhg=pco2, ph=phv, so2=s, hb_g_dl=hb, temperature_c=t)
    return result(_co2_douglas(pco2, phv, s, hb, t))


def co2_content(pco2_mmhg, *, so2, hb_g_dl, base_excess_mmol_l=0.0, temperature_c=37.0):
    r"""Whole-blood CO2 content from PCO2, with the Haldane effect.

    The pH comes from :func:`ph_from_pco2` (the Van Slyke titration line at
    the given base excess), then the Douglas, Jones & Reed (1988) equation
    (:func:`co2_content_at_ph`):

    .. math::

        C_{CO_2} = 2.226\,s\,P_{CO_2}\left(1 + 10^{\,\mathrm{pH}-pK'}\right)
                   \left[1 - \frac{0.0289\,\mathrm{Hb}}
                   {(3.352 - 0.456\,S_{O_2})(8.142 - \mathrm{pH})}\right]

    It is curved (not a straight line): the buffer slope and pK' depend on
    pH.

    Parameters
    ----------
    pco2_mmhg : float or array_like
        Partial pressure of CO2 [mmHg]; valid (0, 200], and such that the pH
        lies in [6.8, 7.8].
    so2 : float or array_like
        O2 saturation, fraction; valid [0, 1].
    hb_g_dl : float or array_like
        Haemoglobin concentration [g/dL]; valid (0, 25].
    base_excess_mmol_l : float or array_like, optional
        Base excess [mmol/L]; valid [-30, 30]. Default 0 (normal).
    temperature_c : float or array_like, optional
        Blood temperature [C]; valid [20, 42]. Default 37. It enters the
        solubility and pK' only; the pH is the 37 C titration value.

    Returns
    -------
    float or numpy.ndarray
        CO2 content [mL CO2 (STPD) per dL blood].

    Raises
    ------
    ValueError
        If any argument is NaN, infinite, not a number or out of range, or
        the PCO2 gives a pH outside [6.8, 7.8] (the message names
        ``pco2_mmhg`` and gives the valid PCO2 interval for this blood).

    Examples
    --------
    >>> from ecmolib import blood
    >>> round(float(blood.co2_content(40.0, so2=0.97, hb_g_dl=15.0)), 2)
    46.61
    >>> round(float(blood.co2_content(46.0, so2=0.75, hb_g_dl=15.0)), 2)
    49.9

    References
    ----------
    .. [1] Douglas AR, Jones NL, Reed JW. J Appl Physiol 1988;65:473-477.
       doi:10.1152/jappl.1988.65.1.473
    .. [2] Siggaard-Andersen O. The Van Slyke equation. Scand J Clin Lab
       Invest Suppl 1977;146:15-20. doi:10.3109/00365517709098927
    """
    pco2, s, hb, be, t = (
        _pco2(pco2_mmhg), fraction("so2", so2), _hb(hb_g_dl), _be(base_excess_mmol_l),
        _temp(temperature_c),
    )
    _broadcast(pco2_mmhg=pco2, so2=s, hb_g_dl=hb, base_excess_mmol_l=be, temperature_c=t)
    _check_acid_base(pco2, hb, be)
    phv = _ph_solve(pco2, hb, be)
    return result(_co2_douglas(pco2, phv, s, hb, t))


# --------------------------------------------------------------------------
# Haematocrit and viscosity
# --------------------------------------------------------------------------


def hematocrit_from_hb(hb_g_dl):
    r"""Haematocrit from haemoglobin with a normal MCHC of 33 g/dL.

    .. math::

        \mathrm{Hct} = \mathrm{Hb} / \mathrm{MCHC}, \qquad
        \mathrm{MCHC} = 33\ \mathrm{g/dL}

    MCHC (mean corpuscular haemoglobin concentration) is Hb/Hct by
    definition; 33 g/dL was found almost constant in normal subjects and in
    iron deficiency and thalassaemia trait (Habibzadeh et al. 2001) and is
    the clinical threefold conversion Hct ~ 3 x Hb. A fixed MCHC is an
    assumption; the threefold conversion is biased in some populations
    (Carneiro et al. 2007).

    Parameters
    ----------
    hb_g_dl : float or array_like
        Haemoglobin concentration [g/dL]; valid (0, 25].

    Returns
    -------
    float or numpy.ndarray
        Haematocrit, fraction (e.g. 0.45).

    Raises
    ------
    ValueError
        If ``hb_g_dl`` is NaN, infinite, not a number or out of range.

    Examples
    --------
    >>> from ecmolib import blood
    >>> round(float(blood.hematocrit_from_hb(15.0)), 4)
    0.4545

    References
    ----------
    .. [1] Habibzadeh F, Yadollahie M, Roshanipoor M, Haghshenas M.
       Derivation of blood hemoglobin concentration from hematocrit: a
       simple method for rural areas. Arch Iran Med 2001;4:120-122.
    .. [2] Carneiro IA, Drakeley CJ, Owusu-Agyei S, Mmbando B, Chandramohan D.
       Haemoglobin and haematocrit: is the threefold conversion valid for
       assessing anaemia in malaria-endemic settings? Malar J 2007;6:67.
       doi:10.1186/1475-2875-6-67
    """
    return result(_hb(hb_g_dl) / MCHC_G_DL)


def _water_viscosity_ratio(temperature_c):
    """Viscosity of water at T relative to 37 C.

    Vogel-type correlation mu = A 10^(B / (T - C)) with the commonly
    tabulated constants B = 247.8 K, C = 140 K (A cancels in the ratio);
    within 1 % of the International Critical Tables values for water over
    20-42 C (checked in the tests).
    """
    tk = temperature_c + 273.15
    return 10.0 ** (247.8 / (tk - 140.0) - 247.8 / (310.15 - 140.0))


def viscosity_mpa_s(hb_g_dl, *, temperature_c=37.0):
    r"""High-shear (Newtonian) whole-blood viscosity from haematocrit.

    Pries, Neuhaus & Gaehtgens (1992) relative apparent viscosity in tubes,
    in its large-diameter limit (tube diameter above about 1 mm, where the
    Fahraeus-Lindqvist terms vanish: :math:`\eta_{0.45} = 3.2`,
    :math:`C = -0.8`):

    .. math::

        \eta_\mathrm{rel} = 1 + (\eta_{0.45} - 1)
            \frac{(1 - H)^C - 1}{(1 - 0.45)^C - 1}

        \eta = \eta_\mathrm{plasma}(T)\,\eta_\mathrm{rel}

    with :math:`H` = :func:`hematocrit_from_hb` and the plasma viscosity
    :data:`PLASMA_VISCOSITY_MPA_S` (1.2 mPa s at 37 C, an assumption within
    the published normal range) scaled with temperature like water
    (Vogel-type correlation :math:`\mu \propto 10^{247.8/(T-140)}`, T in K).
    :math:`\eta_{0.45} = 3.2` is the relative viscosity at H = 0.45 in large
    tubes (Pries 1992: :math:`220e^{-1.3D} + 3.2 - 2.44e^{-0.06D^{0.645}}`,
    D in um, tends to 3.2) and :math:`C = -0.8` the large-tube limit of their
    shape exponent. Pries' data are at high shear rates (>= 50 1/s), at
    haematocrits up to 0.9, in tubes up to 2 mm.

    Parameters
    ----------
    hb_g_dl : float or array_like
        Haemoglobin concentration [g/dL]; valid (0, 25].
    temperature_c : float or array_like, optional
        Blood temperature [C]; valid [20, 42]. Default 37.

    Returns
    -------
    float or numpy.ndarray
        Dynamic viscosity [mPa s].

    Raises
    ------
    ValueError
        If any argument is NaN, infinite, not a number or out of range.

    Notes
    -----
    Blood is shear-thinning; this is the high-shear (Newtonian) value
    appropriate for cannulae, tubing, pumps and oxygenators at clinical
    flows. At Hct 0.40-0.45 it gives 3.4-3.8 mPa s at 37 C. Assumptions of
    this library: the fixed plasma viscosity, its water-like temperature
    dependence, and a temperature-independent relative viscosity.

    Examples
    --------
    >>> from ecmolib import blood
    >>> round(float(blood.viscosity_mpa_s(15.0)), 2)
    3.89

    References
    ----------
    .. [1] Pries AR, Neuhaus D, Gaehtgens P. Blood viscosity in tube flow:
       dependence on diameter and hematocrit. Am J Physiol
       1992;263:H1770-H1778. doi:10.1152/ajpheart.1992.263.6.H1770
    """
    hb, t = _hb(hb_g_dl), _temp(temperature_c)
    _broadcast(hb_g_dl=hb, temperature_c=t)
    h = hb / MCHC_G_DL
    c = -0.8
    rel = 1.0 + (3.2 - 1.0) * ((1.0 - h) ** c - 1.0) / ((1.0 - 0.45) ** c - 1.0)
    return result(PLASMA_VISCOSITY_MPA_S * _water_viscosity_ratio(t) * rel)


# --------------------------------------------------------------------------
# Solvers for contents -> pressures (unchecked)
# --------------------------------------------------------------------------


# Stop a content solve when the content matches to 1e-15 mL/dL (absolute;
# contents are 0.01-100 mL/dL) or the root is pinned to near machine precision.
_CONTENT_TOLERANCES = {"fatol": 1e-15, "xrtol": 1e-15}


def _o2c(po2, hb, factor):
    """O2 content [mL/dL] on the ODC with virtual-PO2 multiplier ``factor``."""
    return HUFNER_ML_PER_G * hb * _sev(po2 * factor) + O2_SOLUBILITY_ML_DL_MMHG * po2


def _solve_po2(o2c, hb, factor):
    """PO2 with the given O2 content; content is increasing in PO2."""
    top = _o2c(_PO2_MAX, hb, factor)
    if np.any(o2c > top):
        bad = o2c > top
        raise ValueError(
            f"o2_content_ml_dl [mL/dL] must be at most the content at PO2 {_PO2_MAX:g} mmHg "
            f"({top[bad].flat[0]:.4g} mL/dL for this blood); got {float(o2c[bad].flat[0])!r}"
        )

    def f(p, o2c, hb, factor):
        return _o2c(p, hb, factor) - o2c

    res = elementwise.find_root(
        f, (0.0, _PO2_MAX), args=(o2c, hb, factor), tolerances=_CONTENT_TOLERANCES
    )
    return res.x


def _solve_ph_co2(co2c, so2, hb, be, t):
    """pH (hence PCO2) with the given CO2 content; content decreases with pH."""
    hco3_top = _hco3_van_slyke(_PH_MAX, hb, be)
    # Upper end: pH 7.8, or the pH at which the Van Slyke HCO3 reaches 0.
    ph_zero = 7.40 + (_VS_HCO3_NORMAL + be / (1.0 - _VS_HB_FACTOR * hb)) / (
        _VS_BUFFER_HB * hb + _VS_BUFFER_PLASMA
    )
    ph_hi = np.where(hco3_top > 0, _PH_MAX, ph_zero)

    def content(ph):
        pco2 = np.maximum(_pco2_at_ph(ph, hb, be), 0.0)
        return _co2_douglas(pco2, ph, so2, hb, t)

    c_lo, c_hi = content(ph_hi), content(_PH_MIN)
    if np.any(co2c < c_lo):
        bad = co2c < c_lo
        raise ValueError(
            f"co2_content_ml_dl [mL/dL] is below the range of the model (pH > {_PH_MAX}): "
            f"minimum {c_lo[bad].flat[0]:.4g} mL/dL for this blood; got {float(co2c[bad].flat[0])!r}"
        )
    if np.any(co2c > c_hi):
        bad = co2c > c_hi
        raise ValueError(
            f"co2_content_ml_dl [mL/dL] is above the range of the model (pH < {_PH_MIN}): "
            f"maximum {c_hi[bad].flat[0]:.4g} mL/dL for this blood; got {float(co2c[bad].flat[0])!r}"
        )

    def f(ph, co2c, so2, hb, be, t):
        pco2 = np.maximum(_pco2_at_ph(ph, hb, be), 0.0)
        return _co2_douglas(pco2, ph, so2, hb, t) - co2c

    res = elementwise.find_root(
        f, (_PH_MIN, ph_hi), args=(co2c, so2, hb, be, t), tolerances=_CONTENT_TOLERANCES
    )
    ph = res.x
    pco2 = _pco2_at_ph(ph, hb, be)
    if np.any(pco2 > _PCO2_MAX):
        bad = pco2 > _PCO2_MAX
        raise ValueError(
            f"co2_content_ml_dl [mL/dL] = {float(co2c[bad].flat[0])!r} needs PCO2 above "
            f"{_PCO2_MAX:g} mmHg (the model's range) for this blood"
        )
    return ph, pco2


_MAX_OUTER_ITERATIONS = 50
_CONTENT_RTOL = 1e-13  # relative match of both contents at exit


def _from_contents(o2c, co2c, hb, p50v, be, t):
    """Alternate the CO2 (Haldane) and O2 (Bohr) solves until both contents match.

    Each pass solves the CO2 content for pH (hence PCO2) at the current SO2,
    then the O2 content for PO2 at that pH and PCO2. The O2 content then
    matches exactly; the pass ends when the CO2 content, recomputed with the
    new SO2, matches to ``_CONTENT_RTOL``.
    """
    o2c, co2c, hb, p50v, be, t = np.broadcast_arrays(o2c, co2c, hb, p50v, be, t)
    so2 = np.clip(o2c / (HUFNER_ML_PER_G * hb), 0.0, 1.0)
    for _ in range(_MAX_OUTER_ITERATIONS):
        ph, pco2 = _solve_ph_co2(co2c, so2, hb, be, t)
        factor = _shift_factor(p50v, ph, pco2, t)
        po2 = _solve_po2(o2c, hb, factor)
        so2 = _sev(po2 * factor)
        mismatch = np.abs(_co2_douglas(pco2, ph, so2, hb, t) - co2c)
        if np.all(mismatch <= _CONTENT_RTOL * co2c):
            return po2, pco2
    raise RuntimeError(  # pragma: no cover - the coupling is weak; never seen
        "BloodGas.from_contents did not converge"
    )


# --------------------------------------------------------------------------
# The blood state
# --------------------------------------------------------------------------


def _frozen(arr):
    arr = np.array(arr, dtype=float)  # a private copy
    if arr.ndim == 0:
        return arr[()]
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True)
class BloodGas:
    r"""The state of a blood sample or stream.

    Stored: PO2, PCO2, Hb, P50, base excess, temperature. Derived (computed
    on first access, never stored as fields): :attr:`ph`, :attr:`so2`,
    :attr:`o2_content_ml_dl`, :attr:`co2_content_ml_dl`,
    :attr:`p50_in_vivo_mmhg`. Fields may be floats or numpy arrays that
    broadcast together (one state per element). Arrays are copied and made
    read-only.

    Parameters
    ----------
    po2_mmhg : float or array_like
        Partial pressure of O2 [mmHg]; valid (0, 1000].
    pco2_mmhg : float or array_like
        Partial pressure of CO2 [mmHg]; valid (0, 200], giving a pH in
        [6.8, 7.8] with this Hb and base excess.
    hb_g_dl : float or array_like
        Haemoglobin concentration [g/dL]; valid (0, 25].
    p50_mmhg : float or array_like, optional
        P50 of the haemoglobin at standard conditions [mmHg]; valid [10, 50].
        Default 26.8 (adult, Severinghaus 1979).
    base_excess_mmol_l : float or array_like, optional
        Base excess [mmol/L]; valid [-30, 30]. Default 0.
    temperature_c : float or array_like, optional
        Temperature [C]; valid [20, 42]. Default 37.

    Raises
    ------
    ValueError
        If a field is NaN, infinite, not a number, out of range, the fields
        do not broadcast, or PCO2 gives a pH outside [6.8, 7.8].

    Examples
    --------
    >>> from ecmolib.blood import BloodGas
    >>> a = BloodGas(po2_mmhg=100.0, pco2_mmhg=40.0, hb_g_dl=15.0)
    >>> round(float(a.so2), 4), round(float(a.o2_content_ml_dl), 2)
    (0.9775, 19.95)
    >>> b = BloodGas.from_contents(a.o2_content_ml_dl, a.co2_content_ml_dl, hb_g_dl=15.0)
    >>> round(float(b.po2_mmhg), 6), round(float(b.pco2_mmhg), 6)
    (100.0, 40.0)

    Notes
    -----
    Equality (``==``) compares the fields and is meant for scalar states;
    compare array states with :func:`numpy.allclose` on the fields.

    References
    ----------
    See the module references: Severinghaus 1979
    (doi:10.1152/jappl.1979.46.3.599), Kelman 1966
    (doi:10.1152/jappl.1966.21.4.1375), Siggaard-Andersen 1977
    (doi:10.3109/00365517709098927), Douglas et al. 1988
    (doi:10.1152/jappl.1988.65.1.473).
    """

    po2_mmhg: float | np.ndarray
    pco2_mmhg: float | np.ndarray
    hb_g_dl: float | np.ndarray
    p50_mmhg: float | np.ndarray = P50_STANDARD_MMHG
    base_excess_mmol_l: float | np.ndarray = 0.0
    temperature_c: float | np.ndarray = 37.0

    def __post_init__(self):
        checks = {
            "po2_mmhg": _po2,
            "pco2_mmhg": _pco2,
            "hb_g_dl": _hb,
            "p50_mmhg": _p50,
            "base_excess_mmol_l": _be,
            "temperature_c": _temp,
        }
        values = {name: check(getattr(self, name)) for name, check in checks.items()}
        _broadcast(**values)
        _check_acid_base(values["pco2_mmhg"], values["hb_g_dl"], values["base_excess_mmol_l"])
        for name, value in values.items():
            object.__setattr__(self, name, _frozen(value))

    @property
    def shape(self) -> tuple:
        """Broadcast shape of the fields (``()`` for a scalar state)."""
        return np.broadcast_shapes(*(np.shape(getattr(self, f.name)) for f in fields(self)))

    @cached_property
    def ph(self):
        """pH from PCO2, Hb and base excess (:func:`ph_from_pco2`)."""
        return result(_ph_solve(self.pco2_mmhg, self.hb_g_dl, self.base_excess_mmol_l))

    @cached_property
    def so2(self):
        """O2 saturation with this blood's pH, PCO2, temperature and P50."""
        return result(_sat(self.po2_mmhg, self.p50_mmhg, self.ph, self.pco2_mmhg, self.temperature_c))

    @cached_property
    def o2_content_ml_dl(self):
        """O2 content [mL/dL] (:func:`o2_content`)."""
        return result(
            HUFNER_ML_PER_G * self.hb_g_dl * self.so2 + O2_SOLUBILITY_ML_DL_MMHG * self.po2_mmhg
        )

    @cached_property
    def co2_content_ml_dl(self):
        """CO2 content [mL/dL] with the Haldane effect (:func:`co2_content`)."""
        return result(
            _co2_douglas(self.pco2_mmhg, self.ph, self.so2, self.hb_g_dl, self.temperature_c)
        )

    @cached_property
    def p50_in_vivo_mmhg(self):
        """P50 at this blood's pH, PCO2 and temperature [mmHg] (:func:`p50`)."""
        return result(
            P50_SEVERINGHAUS_MMHG
            / _shift_factor(self.p50_mmhg, self.ph, self.pco2_mmhg, self.temperature_c)
        )

    @classmethod
    def from_contents(
        cls,
        o2_content_ml_dl,
        co2_content_ml_dl,
        *,
        hb_g_dl,
        p50_mmhg=P50_STANDARD_MMHG,
        base_excess_mmol_l=0.0,
        temperature_c=37.0,
    ) -> "BloodGas":
        r"""The state with given O2 and CO2 contents (PO2 and PCO2 recovered).

        O2 content is increasing in PO2 at fixed pH and PCO2; CO2 content is
        decreasing in pH (so increasing in PCO2) at fixed SO2. They are
        coupled (Bohr, Haldane), so the two 1-D problems are solved
        alternately, each elementwise with
        :func:`scipy.optimize.elementwise.find_root`:

        1. start from :math:`S = C_{O_2}/(1.34\,\mathrm{Hb})` (clipped to
           [0, 1]);
        2. solve the CO2 content for pH on the Van Slyke line at this S
           (PCO2 is explicit in pH there, :func:`pco2_from_ph`; the content
           decreases with pH);
        3. solve the O2 content for PO2 at that pH and PCO2, giving a new S
           (the O2 content now matches exactly);
        4. stop when the CO2 content recomputed with the new S matches to
           1e-13 relative, else go to 2.

        The coupling is weak: at fixed O2 content S can change only through
        the dissolved-O2 term, so each pass shrinks the error about
        2000-fold and 4-5 passes suffice. The elementwise solves use
        ``fatol=1e-15`` mL/dL and ``xrtol=1e-15``.

        Parameters
        ----------
        o2_content_ml_dl : float or array_like
            O2 content [mL/dL]; valid > 0 and at most the content at PO2
            1000 mmHg.
        co2_content_ml_dl : float or array_like
            CO2 content [mL/dL]; valid > 0 and within the contents at pH 7.8
            and pH 6.8 (and PCO2 <= 200 mmHg) for this blood.
        hb_g_dl : float or array_like
            Haemoglobin [g/dL]; valid (0, 25].
        p50_mmhg, base_excess_mmol_l, temperature_c : float or array_like, optional
            As for :class:`BloodGas`.

        Returns
        -------
        BloodGas

        Raises
        ------
        ValueError
            If an argument is NaN, infinite, not a number or out of range,
            or a content cannot be reached within the model's range (the
            message names ``o2_content_ml_dl`` or ``co2_content_ml_dl``).
        """
        o2c = checked("o2_content_ml_dl", o2_content_ml_dl, "mL/dL", low=0.0, low_inclusive=False)
        co2c = checked("co2_content_ml_dl", co2_content_ml_dl, "mL/dL", low=0.0, low_inclusive=False)
        hb, p50v, be, t = _hb(hb_g_dl), _p50(p50_mmhg), _be(base_excess_mmol_l), _temp(temperature_c)
        _broadcast(
            o2_content_ml_dl=o2c, co2_content_ml_dl=co2c, hb_g_dl=hb, p50_mmhg=p50v,
            base_excess_mmol_l=be, temperature_c=t,
        )
        po2, pco2 = _from_contents(o2c, co2c, hb, p50v, be, t)
        # Guard the exact range edges against round-off of the solver.
        po2 = np.minimum(po2, _PO2_MAX)
        return cls(
            po2_mmhg=result(po2), pco2_mmhg=result(pco2), hb_g_dl=result(hb), p50_mmhg=result(p50v),
            base_excess_mmol_l=result(be), temperature_c=result(t),
        )


def mix(flows_l_min, states) -> BloodGas:
    r"""Mix blood streams by flow-weighted content.

    Contents (never saturations or partial pressures) are averaged with the
    volume flows as weights, then PO2 and PCO2 are recovered with
    :meth:`BloodGas.from_contents`:

    .. math::

        C_{mix} = \frac{\sum_i Q_i C_i}{\sum_i Q_i}, \qquad
        \mathrm{Hb}_{mix} = \frac{\sum_i Q_i \mathrm{Hb}_i}{\sum_i Q_i}

    Base excess and temperature are flow-weighted too (both are amounts
    per litre of blood; equal heat capacity per volume is assumed). The P50
    of the mixture is the mean of the streams' P50s weighted by haemoglobin
    flow :math:`Q_i \mathrm{Hb}_i`: an approximation (the mixture of two
    haemoglobins is not exactly a single curve with a mean P50; for an
    adult-fetal mixture the error in S is a fraction of a percent) chosen
    because P50 is a property of the haemoglobin, so a stream without
    haemoglobin should not shift it. For equal Hb it is plain flow
    weighting.

    Total O2 and CO2 flux (:math:`\sum Q_i C_i`) are conserved to solver
    precision (about 1e-14 relative).

    Parameters
    ----------
    flows_l_min : sequence of float or array_like
        Blood flow of each stream [L/min]; each >= 0, total > 0. Each entry
        may be an array (broadcast with the states' fields).
    states : sequence of BloodGas
        The streams, same length as ``flows_l_min``.

    Returns
    -------
    BloodGas
        The mixed stream.

    Raises
    ------
    ValueError
        If the sequences differ in length or are empty, an entry of
        ``states`` is not a :class:`BloodGas`, a flow is negative, NaN,
        infinite or not a number, the total flow is 0, or the arrays do not
        broadcast.

    Examples
    --------
    >>> from ecmolib.blood import BloodGas, mix
    >>> arterial = BloodGas(po2_mmhg=100.0, pco2_mmhg=40.0, hb_g_dl=15.0)
    >>> venous = BloodGas(po2_mmhg=40.0, pco2_mmhg=46.0, hb_g_dl=15.0)
    >>> m = mix([1.0, 1.0], [arterial, venous])
    >>> round(float(m.so2), 4), round(float(m.po2_mmhg), 2)
    (0.8541, 51.69)
    """
    if isinstance(flows_l_min, (str, bytes)) or not hasattr(flows_l_min, "__len__"):
        raise ValueError(
            f"flows_l_min [L/min] must be a sequence of flows, one per stream; got {flows_l_min!r}"
        )
    if isinstance(states, (str, bytes, BloodGas)) or not hasattr(states, "__len__"):
        raise ValueError(
            f"states must be a sequence of BloodGas, one per flow in flows_l_min [L/min]; got {states!r}"
        )
    if len(flows_l_min) != len(states):
        raise ValueError(
            f"flows_l_min [L/min] and states must have the same length; got "
            f"{len(flows_l_min)} flows and {len(states)} states"
        )
    if len(states) == 0:
        raise ValueError("flows_l_min [L/min] and states must not be empty")
    flows = []
    for i, (q, s) in enumerate(zip(flows_l_min, states)):
        if not isinstance(s, BloodGas):
            raise ValueError(f"states[{i}] must be a BloodGas (flow in flows_l_min [L/min]); got {s!r}")
        flows.append(checked(f"flows_l_min[{i}]", q, "L/min", low=0.0))
    total = sum(flows)
    if np.any(total <= 0):
        raise ValueError("flows_l_min [L/min] must have a total > 0; got a total of 0")
    _broadcast(**{f"flows_l_min[{i}]": q for i, q in enumerate(flows)},
               **{f"states[{i}]": np.empty(s.shape) for i, s in enumerate(states)})

    def mean(attr, weights, wsum):
        values = [getattr(s, attr) for s in states]
        m = sum(w * v for w, v in zip(weights, values)) / wsum
        # A weighted mean lies between the extremes; keep round-off from
        # pushing it an ulp outside them (e.g. past a range limit).
        return np.clip(m, np.minimum.reduce(values), np.maximum.reduce(values))

    hb = mean("hb_g_dl", flows, total)
    o2c = mean("o2_content_ml_dl", flows, total)
    co2c = mean("co2_content_ml_dl", flows, total)
    be = mean("base_excess_mmol_l", flows, total)
    t = mean("temperature_c", flows, total)
    hb_flows = [q * s.hb_g_dl for q, s in zip(flows, states)]
    p50v = mean("p50_mmhg", hb_flows, sum(hb_flows))
    return BloodGas.from_contents(
        result(o2c), result(co2c), hb_g_dl=result(hb), p50_mmhg=result(p50v),
        base_excess_mmol_l=result(be), temperature_c=result(t),
    )
