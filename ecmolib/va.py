"""Veno-arterial ECMO at steady state: two sources of arterial blood.

The model
---------
Blood is drained from the right atrium at the pump flow :math:`Q_{ec}`,
oxygenated (:func:`ecmolib.oxygenator.exchange`) and returned to an artery.
The venous return that is not drained, the native output :math:`Q_n`, goes
through the right heart and the native lungs (:mod:`ecmolib.lungs`) and is
ejected by the left ventricle: the **pulmonary blood flow equals the native
output**. Systemic flow is :math:`Q_s = Q_n + Q_{ec}`.

**The aorta** is a chain of :data:`SEGMENTS` from the root to the
bifurcation, each with the branch that leaves it (:data:`BRANCH_FLOW_FRACTIONS`,
fractions of the systemic flow :math:`Q_s`). The left-ventricular blood
fills branches from the root; the ECMO blood fills them from its entry point:

* ``"femoral"``: return to the femoral/iliac artery, retrograde up the
  aorta from the bifurcation. The two streams meet at the first branch the
  native output cannot fill alone: that branch gets both, mixed by content,
  and its segment is the **mixing zone**. Branches above get native blood,
  branches below ECMO blood (differential, "north-south" or Harlequin
  hypoxia when the native lungs fail).
* ``"central"``: return to the ascending aorta, above the coronary ostia.
  The coronaries get native blood first; what is left of the native output
  mixes with the ECMO flow in the ascending aorta and every other branch
  gets the same mixed blood (no upper/lower body difference).
* ``"axillary"``: return to the right axillary/subclavian artery. The ECMO
  blood feeds the brachiocephalic territory (right arm, right carotid and
  vertebral) first and enters the aorta at its origin, where it mixes with
  the native output left after the coronaries; downstream branches get the
  mixture. The right radial artery then shows ECMO blood, not the heart's.
* ``"carotid"``: the neonatal neck circuit, return through the right common
  carotid artery into the brachiocephalic trunk and the arch; filled as
  for axillary return.

The meeting point is also given as a continuous position along the aorta,
``mixing_zone_position`` (0 at the aortic valve, 1 at the iliac
bifurcation; :data:`SEGMENT_STARTS`).

If the heart ejects less than the coronaries take, ECMO blood reaches the
root too (the coronaries get a mixture).

**Closing the loop.** Each region consumes a share of VO2 and adds a share
of VCO2 in proportion to its blood flow (an assumption; see below), and the
regional venous returns mix by content into the mixed venous blood, which
is drained by the ECMO and returned to the lungs. :func:`steady_state`
solves for the mixed venous state that closes

.. math::

    \\dot V_{ML}O_2 + \\dot V_{lung}O_2 = \\dot V O_2,\\qquad
    \\dot V_{ML}CO_2 + \\dot V_{lung}CO_2 = \\dot V CO_2

Because mixing is linear in content, the mixed venous content,

.. math::

    C_{\\bar v} = \\frac{\\sum_k Q_k C_k - \\dot V O_2/10}{Q_s}
              = \\frac{Q_n C_n + Q_{ec} C_{post}}{Q_s} - \\frac{\\dot V O_2}{10\\,Q_s},

does not depend on how VO2 is shared between regions; only the regional
venous saturations would (they are not reported).

References
----------
.. [1] Williams LR, Leggett RW. Reference values for resting blood flow to
   organs of man. Clin Phys Physiol Meas 1989;10:187-217.
   doi:10.1088/0143-0815/10/3/001
.. [2] Zarrinkoob L, Ambarki K, Wahlin A, Birgander R, Eklund A, Malm J.
   Blood flow distribution in cerebral arteries. J Cereb Blood Flow Metab
   2015. doi:10.1038/jcbfm.2014.241
.. [3] Ahlborg G, Jensen-Urstad M. Arm blood flow at rest and during arm
   exercise. J Appl Physiol 1991;70:928-933. doi:10.1152/jappl.1991.70.2.928
.. [4] Prisco AR, Aguado-Sierra J, Butakoff C, et al. Concomitant
   respiratory failure can impair myocardial oxygenation in patients with
   acute cardiogenic shock supported by VA-ECMO. J Cardiovasc Transl Res
   (online 2021). doi:10.1007/s12265-021-10110-2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecmolib import blood, lungs, patients, tissues, vv
from ecmolib import oxygenator as _oxy
from ecmolib._validation import checked, choice, fraction, result

__all__ = [
    "SEGMENTS",
    "BRANCHES",
    "BRANCH_FLOW_FRACTIONS",
    "REGIONS",
    "CANNULATIONS",
    "SEGMENT_STARTS",
    "DEFAULT_SHUNT_FRACTION",
    "DEFAULT_FIO2",
    "VASteadyState",
    "steady_state",
]

#: Aortic segments, root to bifurcation. Each is named for the stretch of
#: aorta at which its branch (:data:`BRANCHES`, same order) leaves; the
#: ascending aorta gives off no branch (it is where central cannulation
#: returns).
SEGMENTS = (
    "aortic_root",
    "ascending_aorta",
    "proximal_arch",
    "mid_arch",
    "distal_arch",
    "descending_thoracic",
    "abdominal_aorta",
    "aortic_bifurcation",
)

#: The branch leaving each segment of :data:`SEGMENTS` (``None``: no branch).
BRANCHES = (
    "coronary",
    None,
    "brachiocephalic",
    "left_carotid",
    "left_subclavian",
    "thoracic",
    "visceral",
    "lower_limbs",
)

# Reference flows used to build the branch fractions (fractions of resting
# cardiac output; sources in BRANCH_FLOW_FRACTIONS).
_HEART = 0.04
_BRAIN = 0.12
_CAROTID_SHARE = 0.72  # internal carotids; vertebrals 0.28
_ARM = 0.21 / 5.0
_BRONCHIAL = 0.025
_VISCERAL = 0.01 + 0.10 + 0.02 + 0.02 + 0.01 + 0.03 + 0.003 + 0.065 + 0.19
# The same flows by the artery that carries them (mixing_zone_position):
# coeliac trunk (hepatic artery 6.5, stomach 1, spleen 3, pancreas 1), superior
# mesenteric (small intestine 10, half the large intestine 2), renal and
# adrenal arteries (19 + 0.3) and inferior mesenteric (the other half of the
# large intestine, 2).
_COELIAC = 0.065 + 0.01 + 0.03 + 0.01
_SUPERIOR_MESENTERIC = 0.10 + 0.02
_RENAL = 0.19 + 0.003

# Chest wall and spinal cord fed by the posterior intercostal and subcostal
# arteries of the descending thoracic aorta: ASSUMPTION 0.05 (see
# BRANCH_FLOW_FRACTIONS), taken from the lower-body remainder.
_INTERCOSTAL = 0.05

_RIGHT_BRAIN_BCA = _BRAIN / 2.0  # right internal carotid + right vertebral
_LEFT_CAROTID = _BRAIN * _CAROTID_SHARE / 2.0
_LEFT_VERTEBRAL = _BRAIN * (1.0 - _CAROTID_SHARE) / 2.0

#: Branch flows as fractions of the systemic flow (native + ECMO), by
#: branch name. ASSUMPTION (built by this library from reference organ
#: flows; the same fractions at every body size):
#:
#: * ``coronary`` 0.04: heart 4 % of cardiac output (Williams & Leggett 1989,
#:   adult male reference, doi:10.1088/0143-0815/10/3/001).
#: * brain 12 % of cardiac output (same source), 72 % through the internal
#:   carotids and 28 % through the vertebral arteries (Zarrinkoob et al.
#:   2015, doi:10.1038/jcbfm.2014.241), half on each side. The vertebrals
#:   arise from the subclavian arteries. External carotid flow (face, scalp)
#:   is not assigned to the carotids (it is in the lower-body remainder).
#: * each arm 0.21 L/min at rest (Ahlborg & Jensen-Urstad 1991,
#:   doi:10.1152/jappl.1991.70.2.928) over a resting output of 5.0 L/min,
#:   0.042.
#: * ``brachiocephalic`` 0.102 = right arm 0.042 + right half of the brain
#:   0.06 (right carotid and right vertebral).
#: * ``left_carotid`` 0.0432 = 0.12 x 0.72 / 2.
#: * ``left_subclavian`` 0.0588 = left arm 0.042 + left vertebral
#:   0.12 x 0.28 / 2.
#: * ``thoracic`` 0.075: bronchial flow 2.5 % (the "lung tissue" reference
#:   flow), which arises from the descending thoracic aorta, plus 5 % for
#:   the intercostal, subcostal and spinal branches of the thoracic aorta
#:   (chest wall muscle, skin and bone, spinal cord). ASSUMPTION: no
#:   measured total was found; 5 % is the thoracic wall's share of resting
#:   muscle, skin and bone flow (together about a third of cardiac output
#:   in the same reference tables) taken as one part in six or seven.
#: * ``visceral`` 0.448: stomach 1, small intestine 10, large intestine
#:   2 + 2, pancreas 1, spleen 3, adrenals 0.3, hepatic artery 6.5,
#:   kidneys 19 % (reference regional flows, % of cardiac output, of the
#:   adult male in the biokinetic model of National Research Council, Risk
#:   Assessment of Radon in Drinking Water, National Academy Press 1999,
#:   Table A-1, http://www.nap.edu/openbook.php?record_id=6287&page=239; the
#:   same reference values as Williams & Leggett).
#: * ``lower_limbs`` the remainder, 0.233 (legs, pelvis, trunk wall, skin,
#:   fat and bone not counted above).
#:
#: With the intercostal flow the descending thoracic aorta carries 7.5 %:
#: the mixing zone (femoral return) lies in it while the native share of
#: systemic flow is 24.4-31.9 % (ECMO share 68-76 %). At an ECMO share of
#: 50 % the native blood fills every branch above the diaphragm (31.9 %)
#: and part of the coeliac and superior mesenteric flow: the watershed lies
#: just below the diaphragm (``mixing_zone_position`` 0.79, the visceral
#: arteries leaving near the top of the abdominal aorta), not in the
#: descending thoracic aorta as this library's design expected from CFD. By
#: mass balance a watershed above the diaphragm at 50 % would need the
#: branches above it to take half the systemic flow; resting reference
#: flows give them a third.
#:
#: Coronary flow close to 4-5 % and a supra-aortic share near 20 % of
#: output agree with the textbook picture; the split is approximate
#: (regional flows vary widely between people and with state).
BRANCH_FLOW_FRACTIONS = {
    "coronary": _HEART,
    "brachiocephalic": _ARM + _RIGHT_BRAIN_BCA,
    "left_carotid": _LEFT_CAROTID,
    "left_subclavian": _ARM + _LEFT_VERTEBRAL,
    "thoracic": _BRONCHIAL + _INTERCOSTAL,
    "visceral": _VISCERAL,
}
BRANCH_FLOW_FRACTIONS["lower_limbs"] = 1.0 - sum(BRANCH_FLOW_FRACTIONS.values())

#: Regions reported by :func:`steady_state` and the branches (with flow
#: fractions of systemic flow) that supply them. ``brain`` mixes the right
#: half from the brachiocephalic trunk, the left carotid and the left
#: vertebral from the left subclavian; ``lower_body`` everything beyond the
#: left subclavian.
REGIONS = {
    "coronary": {"coronary": _HEART},
    "right_arm": {"brachiocephalic": _ARM},
    "brain": {"brachiocephalic": _RIGHT_BRAIN_BCA, "left_carotid": _LEFT_CAROTID,
              "left_subclavian": _LEFT_VERTEBRAL},
    "left_arm": {"left_subclavian": _ARM},
    "lower_body": {"thoracic": _BRONCHIAL + _INTERCOSTAL, "visceral": _VISCERAL,
                   "lower_limbs": BRANCH_FLOW_FRACTIONS["lower_limbs"]},
}

#: Where each segment of :data:`SEGMENTS` starts along the aorta, as a
#: fraction of the centreline from the aortic valve (0) to the iliac
#: bifurcation (1); the last segment ends at 1. ASSUMPTION, round adult
#: proportions of a centreline of about 45 cm: root 2 cm, ascending aorta
#: 5 cm, arch 6 cm in three parts, descending thoracic aorta 20 cm,
#: abdominal aorta 12 cm (of which the last 2 cm are counted as the
#: bifurcation segment).
SEGMENT_STARTS = (0.0, 0.045, 0.155, 0.2, 0.245, 0.29, 0.735, 0.955)

#: Cannulation sites accepted by :func:`steady_state`. ``"carotid"``: the
#: neonatal neck circuit, return through the right common carotid artery
#: into the brachiocephalic trunk and the arch (Extracorporeal Life Support
#: Organization, neonatal respiratory guideline).
CANNULATIONS = ("femoral", "central", "axillary", "carotid")

#: Default shunt fraction of the native lungs on VA ECMO:
#: :data:`ecmolib.lungs.NORMAL_SHUNT_FRACTION` (0.05, healthy lungs; VA is
#: support for the heart). Raise it to model lung injury and differential
#: hypoxia.
DEFAULT_SHUNT_FRACTION = lungs.NORMAL_SHUNT_FRACTION

#: Default inspired O2 fraction, 0.21: ASSUMPTION (air), as in
#: :data:`ecmolib.vv.DEFAULT_FIO2`.
DEFAULT_FIO2 = vv.DEFAULT_FIO2

_NODE = {name: i for i, name in enumerate(BRANCHES) if name is not None}
_FRACTIONS = np.array([0.0 if b is None else BRANCH_FLOW_FRACTIONS[b] for b in BRANCHES])
_NATIVE_MAX_L_MIN = 40.0


@dataclass(frozen=True)
class VASteadyState:
    """Steady state of a patient on VA ECMO (:func:`steady_state`).

    Scalars for scalar input, arrays (broadcast shape) otherwise.

    Attributes
    ----------
    mixing_zone : str or numpy.ndarray of str
        The segment of :data:`SEGMENTS` where native and ECMO blood meet.
    mixing_zone_position : float or numpy.ndarray
        Where they meet along the aorta, fraction from the aortic valve (0)
        to the iliac bifurcation (1) (:data:`SEGMENT_STARTS`): within the
        mixing segment, in proportion to the share of its branch flow the
        native blood fills (its branches spread along it; the root's
        coronary flow over root and ascending aorta). Continuous in the
        flows.
    region_so2 : dict of str to float or numpy.ndarray
        Arterial O2 saturation supplied to ``"coronary"``, ``"right_arm"``,
        ``"brain"``, ``"left_arm"`` and ``"lower_body"`` (fraction).
    region_po2_mmhg : dict of str to float or numpy.ndarray
        Arterial PO2 supplied to the same regions [mmHg].
    region_native_fraction : dict of str to float or numpy.ndarray
        Fraction of each region's arterial blood that comes from the left
        ventricle.
    region_flow_l_min : dict of str to float or numpy.ndarray
        Arterial blood flow to each region [L/min].
    sao2_right_radial : float or numpy.ndarray
        Saturation of right radial arterial blood (the right arm), fraction.
    do2_ml_min : float or numpy.ndarray
        Total systemic O2 delivery :math:`10(Q_n C_n + Q_{ec} C_{post})` [mL/min].
    native_arterial : ecmolib.blood.BloodGas
        Blood ejected by the left ventricle (pulmonary-venous blood).
    native_pco2_mmhg : float or numpy.ndarray
        Its PCO2 [mmHg]: low when little blood crosses lungs that keep the
        patient's ventilation (hypocapnic native blood).
    post_oxygenator, venous, end_capillary : ecmolib.blood.BloodGas
        Blood leaving the oxygenator; mixed venous blood (drained by the
        ECMO and sent to the lungs; also :attr:`mixed_venous`); end-capillary blood of ventilated lung
        units (the venous blood where none is perfused).
    svo2 : float or numpy.ndarray
        Mixed venous O2 saturation, fraction.
    ecmo_flow_l_min, native_output_l_min, systemic_flow_l_min : float or numpy.ndarray
        Pump flow, native (left-ventricular) output and their sum [L/min].
    pulmonary_blood_flow_l_min : float or numpy.ndarray
        Pulmonary blood flow, equal to the native output [L/min].
    cannulation : str
        Arterial return site.
    sweep_l_min : float or numpy.ndarray
        Sweep gas flow [L/min].
    vo2_ml_min, vo2_demand_ml_min, supply_limited, o2_deficit_ml_min : float, bool or numpy.ndarray
        Actual and demanded O2 consumption [mL/min], whether delivery
        limits it, and the O2 deficit [mL/min] (as in
        :class:`ecmolib.vv.VVSteadyState`).
    vco2_ml_min, co2_accumulation_ml_min, paco2_rise_mmhg_min : float or numpy.ndarray
        CO2 production and the part not cleared [mL/min], and the PaCO2
        rise it causes [mmHg/min] (as in :class:`ecmolib.vv.VVSteadyState`).
    o2_transfer_ml_min, co2_removal_ml_min : float or numpy.ndarray
        Membrane lung O2 transfer and CO2 removal [mL/min].
    lung_o2_uptake_ml_min, lung_co2_output_ml_min : float or numpy.ndarray
        Native lung O2 uptake and CO2 output [mL/min].
    alveolar_po2_mmhg, alveolar_pco2_mmhg, alveolar_ventilation_l_min : float or numpy.ndarray
        Alveolar gas [mmHg] and ventilation [L/min] of the native lungs.
    o2_balance_residual_ml_min, co2_balance_residual_ml_min : float or numpy.ndarray
        (membrane + lungs) minus the tissues' exchange computed from the
        reported arterial streams and mixed venous state [mL/min]; zero to
        solver precision.
    membrane_pressure_drop_mmhg : float or numpy.ndarray
        Blood-side pressure drop across the oxygenator [mmHg].
    oxygenator : ecmolib.oxygenator.Oxygenator
        The device used.
    """

    mixing_zone: str | np.ndarray
    mixing_zone_position: float | np.ndarray
    region_so2: dict
    region_po2_mmhg: dict
    region_native_fraction: dict
    region_flow_l_min: dict
    sao2_right_radial: float | np.ndarray
    do2_ml_min: float | np.ndarray
    native_arterial: blood.BloodGas
    native_pco2_mmhg: float | np.ndarray
    post_oxygenator: blood.BloodGas
    venous: blood.BloodGas
    end_capillary: blood.BloodGas
    svo2: float | np.ndarray
    ecmo_flow_l_min: float | np.ndarray
    native_output_l_min: float | np.ndarray
    systemic_flow_l_min: float | np.ndarray
    pulmonary_blood_flow_l_min: float | np.ndarray
    cannulation: str
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
        """The mixed venous blood (alias of :attr:`venous`)."""
        return self.venous


# --------------------------------------------------------------------------
# The aorta
# --------------------------------------------------------------------------


def _native_fractions(qn, qec, cannulation):
    """Fraction of native blood in each branch node (n, 8) and the mixing-zone index (n,)."""
    qs = qn + qec
    n = qn.size
    if cannulation == "femoral":
        # First branch the native output cannot fill (strictly), from the
        # cumulative branch fractions and the native share of systemic flow;
        # the last one if the ECMO flow is too small to tell (below 1e-12 of
        # the output).
        share = qn / qs
        k = np.minimum(np.searchsorted(_CUMULATIVE, share * (1.0 + 1e-12), side="right"), _FRACTIONS.size - 1)
        before = _CUMULATIVE[k] - _FRACTIONS[k]
        phi = (np.arange(_FRACTIONS.size)[None, :] < k[:, None]).astype(float)
        phi[np.arange(n), k] = np.clip((share - before) / _FRACTIONS[k], 0.0, 1.0)
        return phi, k
    d = _FRACTIONS[None, :] * qs[:, None]  # branch flows [L/min]
    phi = np.zeros((n, d.shape[1]))
    # Return above the valve (central, axillary, carotid).
    entry = 1 if cannulation == "central" else _NODE["brachiocephalic"]
    ecmo = qec.copy()
    if cannulation in ("axillary", "carotid"):
        d_bca = d[:, entry]
        # ECMO fills the brachiocephalic territory first
        fills = qec >= d_bca
        phi[:, entry] = np.where(fills, 0.0, (d_bca - qec) / d_bca)
        ecmo = np.where(fills, qec - d_bca, 0.0)
    d0 = d[:, 0]
    reach = qn >= d0  # the native output covers the coronaries
    r = np.where(reach, qn - d0, 0.0)
    phi[:, 0] = np.where(reach, 1.0, qn / d0)
    mixed = np.where(r + ecmo > 0, r / np.where(r + ecmo > 0, r + ecmo, 1.0), 1.0)
    down = np.arange(d.shape[1]) > entry
    phi[:, down] = np.where(reach[:, None], mixed[:, None], 0.0)
    if cannulation != "central":
        short = ~fills  # ECMO less than the brachiocephalic flow: all else native
        phi[short] = np.where(np.arange(d.shape[1]) == entry, phi[short], 1.0)
    zone = np.where(reach, entry, 0)
    return phi, zone


# Where each branch's outflow is spread along the aorta (fractions of the
# centreline): its segment, the coronaries over root and ascending aorta
# (which has no branch), so that the position moves without a jump.
_SPAN_START = np.array(SEGMENT_STARTS)
_SPAN_END = np.append(_SPAN_START[1:], 1.0)
_SPAN_END[0] = _SPAN_END[1]

#: How the visceral outflow leaves along the abdominal aorta segment (hiatus
#: at T12 to 2 cm above the bifurcation at L4, 10 cm, :data:`SEGMENT_STARTS`):
#: (fraction of the segment, fraction of the visceral flow that has left by
#: then), linear in between. The coeliac trunk arises at T12-L1, the superior
#: mesenteric artery at L1, the renal arteries at L1-L2 and the inferior
#: mesenteric artery at L3 (SUNY Downstate radiology atlas, abdominal
#: aortogram, http://ect.downstate.edu/courseware/rad-atlas/Abdomen/13abdart.html);
#: with about 2.4 cm per vertebral level, ASSUMPTION: coeliac flow leaves in
#: the first 2 cm, superior mesenteric in the next 1 cm, renal by 4.5 cm,
#: inferior mesenteric over the rest. So 96 % of the visceral flow leaves in
#: the upper 45 % of the segment, where a watershed that reaches the visceral
#: arteries therefore stays (just below the diaphragm) rather than spreading
#: over the whole abdominal aorta as with an even outflow.
_VISCERAL_OUTFLOW = (
    (0.0, 0.0),
    (0.2, _COELIAC / _VISCERAL),
    (0.3, (_COELIAC + _SUPERIOR_MESENTERIC) / _VISCERAL),
    (0.45, (_COELIAC + _SUPERIOR_MESENTERIC + _RENAL) / _VISCERAL),
    (1.0, 1.0),
)
_VISCERAL_AT, _VISCERAL_LEFT = (np.array(v) for v in zip(*_VISCERAL_OUTFLOW))
_VISCERAL_NODE = BRANCHES.index("visceral")
_CUMULATIVE = np.cumsum(_FRACTIONS)  # branch flow upstream of and at each node, fraction of systemic flow


def _position(phi, zone, cannulation):
    """Continuous mixing-zone position (0 valve .. 1 bifurcation) from the branch fractions."""
    rows = np.arange(zone.size)
    if cannulation == "femoral":
        # The native blood fills the mixing branch's share of its span: along
        # the span in proportion for every branch but the visceral arteries,
        # which leave mostly at its top (_VISCERAL_OUTFLOW).
        start, end = _SPAN_START[zone], _SPAN_END[zone]
        filled = phi[rows, zone]
        at = np.where(zone == _VISCERAL_NODE, np.interp(filled, _VISCERAL_LEFT, _VISCERAL_AT), filled)
        return start + at * (end - start)
    # Return above the valve: the streams meet at the entry (ascending aorta
    # or brachiocephalic origin), or in the root if the heart ejects less
    # than the coronaries take (the native blood then reaches phi of them).
    entry = _SPAN_START[zone] + 0.5 * (_SPAN_END[zone] - _SPAN_START[zone])
    root = phi[rows, 0] * _SPAN_START[1]
    return np.where(zone == 0, root, entry)


# --------------------------------------------------------------------------
# Steady state
# --------------------------------------------------------------------------


def _limits(P, shape, max_o2_extraction):
    """:func:`ecmolib.vv._limits`, solved once where Hb and base excess are the same everywhere.

    The PCO2 bounds and the pH at them depend on Hb and base excess only; a
    grid over flows has one value of each, so the root findings run on one
    element and the results are repeated.
    """
    hb, be = P["hb"], P["be"]
    if hb.size < 2 or np.any(hb != hb[0]) or np.any(be != be[0]):
        vv._limits(P, shape, max_o2_extraction)
        return
    one = {"hb": hb[:1], "be": be[:1]}
    vv._limits(one, shape, max_o2_extraction)
    P["emax"] = one.pop("emax")
    for key, value in one.items():
        if key not in ("hb", "be"):
            P[key] = np.full(hb.size, value[0])


def _va_evaluate(ox, P):
    def evaluate(x, idx):
        po2, pco2 = x
        ph, so2, cv_o2, cv_co2 = lungs._blood_props(po2, pco2, P["hb"][idx], P["p50"][idx],
                                                    P["be"][idx], P["t"][idx])
        t_o2, t_co2, post_po2, post_pco2, dp = vv._exchange_points(
            ox, (po2, pco2, ph, so2, cv_o2, cv_co2), P, idx)
        qn = P["qn"][idx]
        l_o2, l_co2, cn_o2, cn_co2, u, qv = vv._lung_terms(cv_o2, cv_co2, qn, P, idx)
        do2 = 10.0 * (qn * cn_o2 + P["qec"][idx] * cv_o2) + t_o2  # native + post-oxygenator blood
        F = np.stack(vv._residuals(t_o2 + l_o2, t_co2 + l_co2, do2, po2, cv_co2, so2, cv_co2, P, idx))
        aux = {
            "t_o2": t_o2, "t_co2": t_co2, "post_po2": post_po2, "post_pco2": post_pco2, "dp": dp,
            "l_o2": l_o2, "l_co2": l_co2, "cv_o2": cv_o2, "cv_co2": cv_co2, "cn_o2": cn_o2,
            "cn_co2": cn_co2, "ec_po2": u["po2"], "ec_pco2": u["pco2"], "pao2": u["pao2"],
            "paco2": u["paco2"], "balance": u["balance"], "qv": qv,
        }
        return F, aux

    return evaluate


def _numpy_solution(ox, P, x0, region_phi):
    """The steady state by the vectorised numpy solver (the reference path).

    Returns a dict of flat arrays named as the compiled solver's outputs
    (:data:`ecmolib._vv_compiled.OUTPUTS`: ``pre_*`` the mixed venous blood,
    ``art_*`` the native arterial blood, ``region{k}_*`` the regions).
    """
    x, aux = vv._solve_or_raise(_va_evaluate(ox, P), x0, P, "va")  # lung units as in vv._check_solution
    ((_, cp_o2, cp_co2),) = vv._props([(aux["post_po2"], aux["post_pco2"])], P)
    names = ["native arterial"] + list(REGIONS)
    fr = [np.ones_like(cp_o2)] + list(region_phi.values())
    o2c = [f * aux["cn_o2"] + (1.0 - f) * cp_o2 for f in fr]
    co2c = [f * aux["cn_co2"] + (1.0 - f) * cp_co2 for f in fr]
    po2s, pco2s = vv._invert(o2c, co2c, P, names)
    sol = dict(aux, pre_po2=x[0], pre_pco2=x[1], art_po2=po2s[0], art_pco2=pco2s[0])
    for i in range(len(REGIONS)):
        sol[f"region{i}_po2"], sol[f"region{i}_pco2"] = po2s[i + 1], pco2s[i + 1]
    # SO2 and contents recomputed from the reported pressures (as the
    # compiled solver does).
    props = vv._props([(sol["art_po2"], sol["art_pco2"]), x, (aux["post_po2"], aux["post_pco2"])]
                      + [(po2s[i + 1], pco2s[i + 1]) for i in range(len(REGIONS))], P)
    for name, values in zip(("a", "v", "post"), props[:3]):
        sol[f"{name}_so2"], sol[f"{name}_o2c"], sol[f"{name}_co2c"] = values
    for i, values in enumerate(props[3:]):
        sol[f"region{i}_so2"] = values[0]
    return sol


def steady_state(patient, ecmo_flow_l_min, *, native_output_l_min=None, cannulation="femoral",
                 shunt_fraction=DEFAULT_SHUNT_FRACTION, fio2=DEFAULT_FIO2, fdo2=1.0,
                 sweep_l_min=None, oxygenator=None, hb_g_dl=None, vo2_ml_min=None, vco2_ml_min=None,
                 alveolar_ventilation_l_min=None, base_excess_mmol_l=0.0,
                 barometric_pressure_mmhg=_oxy.STANDARD_BAROMETRIC_PRESSURE_MMHG,
                 max_o2_extraction=tissues.MAX_O2_EXTRACTION) -> VASteadyState:
    r"""Steady state of a patient on veno-arterial ECMO, region by region.

    .. math::

        Q_s = Q_n + Q_{ec}, \qquad C_n = s\,C_{\bar v} + (1-s)\,C_{c'}

        C_k = \varphi_k C_n + (1 - \varphi_k)\,C_{post} \quad\text{(branch } k\text{)}

        C_{\bar v} = \frac{Q_n C_n + Q_{ec} C_{post}}{Q_s}
                     - \frac{\dot V O_2}{10\,Q_s}

        \dot V_{ML}O_2 + \dot V_{lung}O_2 = \dot V O_2,\qquad
        \dot V_{ML}CO_2 + \dot V_{lung}CO_2 = \dot V CO_2

    with :math:`\varphi_k` the native fraction of branch :math:`k` from the
    filling of the aorta described in the module docstring, branch flows
    :data:`BRANCH_FLOW_FRACTIONS` times :math:`Q_s`, the membrane lung from
    :func:`ecmolib.oxygenator.exchange` (inlet: the mixed venous blood) and
    the native lungs from :func:`ecmolib.lungs.exchange` at the native
    output. Solved as in :func:`ecmolib.vv.steady_state` (vectorised Newton
    on the mixed venous PO2 and PCO2).

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient: Hb, P50, temperature, VO2, VCO2 unless overridden.
    ecmo_flow_l_min : float or array_like
        Pump flow [L/min]; valid (0, 1.5 x the oxygenator's maximum flow].
    native_output_l_min : float or array_like, optional
        Left-ventricular (native) output, equal to the pulmonary blood flow
        [L/min]; valid [0, 40]. Default: the patient's resting cardiac output
        minus the ECMO flow, at least 0 (total systemic flow equal to the
        resting output; an assumption of this library).
    cannulation : {"femoral", "central", "axillary", "carotid"}, optional
        Arterial return: femoral (retrograde up the aorta), ascending aorta,
        right axillary/subclavian artery, or right common carotid artery
        (the neonatal neck circuit: the return reaches the arch through the
        brachiocephalic trunk; its territory is filled as for axillary
        return, ASSUMPTION that the ligated carotid's hemisphere is supplied
        across the circle of Willis by the same blood). Default
        ``"femoral"``.
    shunt_fraction : float or array_like, optional
        Shunt fraction of the native lungs; valid [0, 1]. Default 0.05
        (:data:`DEFAULT_SHUNT_FRACTION`, healthy lungs).
    fio2 : float or array_like, optional
        Inspired O2 fraction; valid [0.21, 1]. Default 0.21.
    fdo2 : float or array_like, optional
        Sweep gas O2 fraction; valid [0.21, 1]. Default 1.0.
    sweep_l_min : float or array_like, optional
        Sweep gas flow [L/min]; valid [0, 20]. Default equal to the ECMO
        flow (as in :func:`ecmolib.vv.steady_state`).
    oxygenator : ecmolib.oxygenator.Oxygenator, optional
        The membrane lung. Default by patient size
        (:func:`ecmolib.vv.default_oxygenator` with ``mode="va"``).
    hb_g_dl, vo2_ml_min, vco2_ml_min : optional
        As in :func:`ecmolib.vv.steady_state`.
    max_o2_extraction : float or array_like, optional
        As in :func:`ecmolib.vv.steady_state` (supply-limited consumption).
    alveolar_ventilation_l_min, base_excess_mmol_l, barometric_pressure_mmhg : optional
        As in :func:`ecmolib.vv.steady_state`; the default ventilation is
        the patient's own (healthy V/Q times resting cardiac output times
        :math:`1 - s`), whatever the native output: the blood that still
        crosses the lungs is over-ventilated (``native_pco2_mmhg``).

    Returns
    -------
    VASteadyState
        ``.mixing_zone``, ``.region_so2``, ``.sao2_right_radial``,
        ``.do2_ml_min``, ``.pulmonary_blood_flow_l_min``, the blood states
        and balance residuals (see :class:`VASteadyState`).

    Raises
    ------
    ValueError
        If an argument is of the wrong type, NaN, infinite or out of range,
        ``cannulation`` is unknown or the arrays do not broadcast (inside
        the ranges consumption becomes supply-limited and uncleared CO2 is
        reported as accumulating, as in :func:`ecmolib.vv.steady_state`).

    Notes
    -----
    Assumptions: complete mixing by content where the streams meet (a
    mixing *point*; computational studies show a mixing region that moves
    and streams that layer, Prisco et al. 2021); the same branch flow
    fractions at any size and any support; VO2 and VCO2 shared between
    regions in proportion to flow (which leaves the mixed venous blood as
    the content-weighted mean, whatever the sharing); drainage of mixed
    venous blood (in reality the drainage cannula sits in the inferior vena
    cava or right atrium and may take more lower-body blood); no
    bronchial-to-pulmonary venous admixture other than the shunt fraction.

    Examples
    --------
    Peripheral VA ECMO, failing heart and lungs: the coronaries and the
    right arm get the native (hypoxic) blood, the lower body ECMO blood.

    >>> from ecmolib import patients, va
    >>> r = va.steady_state(patients.ADULT, 4.0, native_output_l_min=0.5,
    ...                     shunt_fraction=0.8, fio2=0.5)
    >>> r.mixing_zone
    'proximal_arch'
    >>> round(float(r.region_so2["coronary"]), 3), round(float(r.sao2_right_radial), 3)
    (0.814, 0.893)
    >>> round(float(r.region_so2["brain"]), 3), round(float(r.region_so2["lower_body"]), 3)
    (0.979, 1.0)

    References
    ----------
    .. [1] Williams LR, Leggett RW. Clin Phys Physiol Meas 1989;10:187-217.
       doi:10.1088/0143-0815/10/3/001
    .. [2] Zarrinkoob L, et al. J Cereb Blood Flow Metab 2015.
       doi:10.1038/jcbfm.2014.241
    .. [3] Ahlborg G, Jensen-Urstad M. J Appl Physiol 1991;70:928-933.
       doi:10.1152/jappl.1991.70.2.928
    .. [4] Prisco AR, et al. J Cardiovasc Transl Res (online 2021).
       doi:10.1007/s12265-021-10110-2
    """
    p = patients._checked(patient)
    cannulation = choice("cannulation", cannulation, CANNULATIONS)
    ox = vv.default_oxygenator(p, "va") if oxygenator is None else vv._check_oxygenator(oxygenator)
    qec = checked("ecmo_flow_l_min", ecmo_flow_l_min, "L/min", low=0.0,
                  high=1.5 * ox.max_blood_flow_l_min, low_inclusive=False)
    if native_output_l_min is None:
        qn = np.maximum(p.cardiac_output_l_min - qec, 0.0)
    else:
        qn = checked("native_output_l_min", native_output_l_min, "L/min", low=0.0, high=_NATIVE_MAX_L_MIN)
    s = fraction("shunt_fraction", shunt_fraction)
    sweep = (np.asarray(qec * _oxy.RATED_SWEEP_TO_BLOOD_FLOW_RATIO) if sweep_l_min is None
             else checked("sweep_l_min", sweep_l_min, "L/min", low=0.0, high=vv._SWEEP_MAX))
    hb, vo2, vco2, be, pb, f_i, f_d = vv._patient_inputs(
        p, hb_g_dl=hb_g_dl, vo2_ml_min=vo2_ml_min, vco2_ml_min=vco2_ml_min,
        base_excess_mmol_l=base_excess_mmol_l, barometric_pressure_mmhg=barometric_pressure_mmhg,
        fio2=fio2, fdo2=fdo2,
    )
    va_in = None if alveolar_ventilation_l_min is None else checked(
        "alveolar_ventilation_l_min", alveolar_ventilation_l_min, "L/min", low=0.0, high=lungs._VA_MAX_L_MIN)
    arrays = dict(ecmo_flow_l_min=qec, native_output_l_min=qn, shunt_fraction=s, sweep_l_min=sweep,
                  hb_g_dl=hb, vo2_ml_min=vo2, vco2_ml_min=vco2, base_excess_mmol_l=be,
                  barometric_pressure_mmhg=pb, fio2=f_i, fdo2=f_d)
    if va_in is not None:
        arrays["alveolar_ventilation_l_min"] = va_in
    shape = lungs._broadcast(**arrays)
    P = vv._flat(shape, qec=qec, qn=qn, shunt=s, sweep=sweep, hb=hb, vo2=vo2, vco2=vco2, be=be, pb=pb,
                 fio2=f_i, fdo2=f_d, p50=p.p50_mmhg, t=p.temperature_c)
    P["va"] = vv._ventilation(p, P, shape, va_in)
    _limits(P, shape, max_o2_extraction)

    # Initial guess: linear O2 balance with a saturated oxygenator outlet and
    # end-capillary blood at PACO2 40; PCO2 50 mmHg.
    qv = (1.0 - P["shunt"]) * P["qn"]
    c_ec = vv._end_capillary_guess(P)
    c_post = vv._post_guess(P)
    cv = (10.0 * P["qec"] * c_post + 10.0 * qv * c_ec - P["vo2"]) / (10.0 * (P["qec"] + qv))
    sv = np.clip(cv / (blood.HUFNER_ML_PER_G * P["hb"]), 0.05, 0.95)
    pco2_0 = np.clip(np.full(sv.size, 50.0), P["pco2_lo"], P["pco2_hi"])

    phi, zone = _native_fractions(P["qn"], P["qec"], cannulation)
    qs = P["qn"] + P["qec"]
    region_phi = {}
    for region, parts in REGIONS.items():
        w = sum(parts.values())
        region_phi[region] = sum(f * phi[:, _NODE[b]] for b, f in parts.items()) / w
    sol = vv._compiled_solution(ox, dict(P, co=P["qn"], qeff=P["qec"], reff=np.zeros(qs.size)), sv, pco2_0,
                                region_phi=list(region_phi.values()))
    if sol is None:
        x0 = np.stack([vv._guess_po2(sv, P["hb"], P["p50"], pco2_0, P["be"], P["t"]), pco2_0])
        sol = _numpy_solution(ox, P, x0, region_phi)
    else:
        sol["dp"] = vv._pressure_drop(ox, P)
    x = (sol["pre_po2"], sol["pre_pco2"])
    cp_o2, cp_co2 = sol["post_o2c"], sol["post_co2c"]
    post = vv._state(sol["post_po2"], sol["post_pco2"], P, shape)
    native = vv._state(sol["art_po2"], sol["art_pco2"], P, shape)
    regions = {k: vv._state(sol[f"region{i}_po2"], sol[f"region{i}_pco2"], P, shape)
               for i, k in enumerate(REGIONS)}
    venous = vv._state(x[0], x[1], P, shape)
    perfused = sol["qv"] > lungs._QV_MIN_L_MIN
    end_cap = vv._state(np.where(perfused, sol["ec_po2"], x[0]), np.where(perfused, sol["ec_pco2"], x[1]),
                        P, shape)
    aux = sol

    def r(a):
        return result(np.asarray(a, dtype=float).reshape(shape))

    # Tissue exchange recomputed from the reported streams (native and ECMO
    # arterial blood, mixed venous blood).
    n_o2, n_co2 = sol["a_o2c"], sol["a_co2c"]
    v_so2, v_o2, v_co2 = sol["v_so2"], sol["v_o2c"], sol["v_co2c"]
    region_so2 = {k: r(sol[f"region{i}_so2"]) for i, k in enumerate(REGIONS)}
    tissue_o2 = 10.0 * (P["qn"] * n_o2 + P["qec"] * cp_o2 - qs * v_o2)
    tissue_co2 = 10.0 * (qs * v_co2 - P["qn"] * n_co2 - P["qec"] * cp_co2)
    zone_names = np.array(SEGMENTS)[zone].reshape(shape)
    region_flows = {k: sum(parts.values()) * qs for k, parts in REGIONS.items()}
    return VASteadyState(
        mixing_zone=str(zone_names[()]) if not shape else zone_names,
        mixing_zone_position=r(_position(phi, zone, cannulation)),
        region_so2=region_so2,
        region_po2_mmhg={k: g.po2_mmhg for k, g in regions.items()},
        region_native_fraction={k: r(v) for k, v in region_phi.items()},
        region_flow_l_min={k: r(v) for k, v in region_flows.items()},
        sao2_right_radial=region_so2["right_arm"],
        do2_ml_min=r(10.0 * (P["qn"] * n_o2 + P["qec"] * cp_o2)),
        native_arterial=native,
        native_pco2_mmhg=native.pco2_mmhg,
        post_oxygenator=post,
        venous=venous,
        end_capillary=end_cap,
        svo2=r(v_so2),
        ecmo_flow_l_min=r(P["qec"]),
        native_output_l_min=r(P["qn"]),
        systemic_flow_l_min=r(qs),
        pulmonary_blood_flow_l_min=r(P["qn"]),
        cannulation=cannulation,
        **vv._gas_exchange_fields(P, aux, tissue_o2, tissue_co2, aux["dp"], ox, r),
    )
