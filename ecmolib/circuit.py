r"""The ECMO circuit: pump, cannulae, tubing, oxygenator and pressures.

The model
---------
Blood leaves a venous reservoir (pressure :math:`P_v`), passes a venous
resistance :math:`R_v` to the tip of the drainage cannula, then the drainage
cannula and tubing, the centrifugal pump, the oxygenator, the return tubing
and cannula, and enters the patient at the return cannula tip (pressure
:math:`P_r`). Flow is an **output**: at a pump speed :math:`N` it is the flow
:math:`Q` at which the pump head equals everything the circuit asks for
(:func:`operating_point`):

.. math::

    \Delta P_\mathrm{pump}(N, Q) = R_v Q + \sum_i \Delta P_i(Q) + (P_r - P_v)

* **Pump** (:class:`CentrifugalPump`): :math:`\Delta P = aN^2 - bNQ - cQ^2`
  with :math:`N` in krpm (1000 rev/min), :math:`Q` in L/min and
  :math:`\Delta P` in mmHg. The preset :data:`CENTRIMAG` is fitted with
  ``scipy.optimize.least_squares`` to the published operating points shipped
  in ``data/pump_centrimag.csv`` (see :data:`CENTRIMAG` for what could and
  could not be fitted).
* **Cannulae** (:class:`Cannula`): Poiseuille friction plus a minor
  (entrance/exit and side-hole) loss :math:`K\rho v^2/2`, with :math:`K`
  fitted to a published cannula pressure-flow chart in blood
  (``data/cannula_pressure_flow.csv``).
* **Tubing** (:class:`Tubing`): Poiseuille.
* **Oxygenator**: :func:`ecmolib.oxygenator.pressure_drop_mmhg`.
* **Blood viscosity**: :func:`ecmolib.blood.viscosity_mpa_s` (high-shear
  value from haematocrit, 37 C).
* **Venous collapse** (suction, "chatter"): the drained vein behaves as a
  Starling resistor; it collapses when the pressure at the cannula tip,
  :math:`P_v - R_v Q`, falls below a collapse pressure :math:`P_c`
  (default 0 mmHg). Drainage therefore cannot exceed
  :math:`Q_\max = (P_v - P_c)/R_v`; a pump that asks for more gets
  :math:`Q_\max` and pulls the drainage pressure down instead
  (``OperatingPoint.suction``).

Pressures follow the ELSO nomenclature (Conrad et al. 2018): drainage
(pre-pump, :math:`P_\mathrm{ven}`), pre-oxygenator (:math:`P_\mathrm{int}`),
post-oxygenator (:math:`P_\mathrm{art}`) and the membrane-lung pressure drop.

Units: flows in L/min, pressures in mmHg (gauge, relative to atmosphere at
the level of the patient's heart unless stated), speeds in rev/min, lengths
in the unit named in each parameter.

Simplifications, stated plainly
-------------------------------
* Steady, non-pulsatile flow; blood Newtonian at its high-shear viscosity.
* Tubing is laminar (Poiseuille); at adult flows in 3/8" tubing the
  Reynolds number is about 3000-4000, so the tubing drop is underestimated.
* A centrifugal pump turning too slowly to overcome the back-pressure lets
  blood flow *backwards* through the circuit in reality; this model reports
  zero flow and sets ``OperatingPoint.retrograde_risk`` instead.
* The pump and oxygenator sit at one height, ``pump_height_below_patient_cm``
  below the patient's heart; the hydrostatic column adds to every pressure
  measured at the pump but cancels around the loop, so it does not change
  the flow.

References
----------
.. [1] Conrad SA, Broman LM, Taccone FS, et al. The Extracorporeal Life
   Support Organization Maastricht Treaty for Nomenclature in Extracorporeal
   Life Support. Am J Respir Crit Care Med 2018;198:447-451.
   doi:10.1164/rccm.201710-2130CP
.. [2] Permutt S, Riley RL. Hemodynamics of collapsible vessels with tone:
   the vascular waterfall. J Appl Physiol 1963;18:924-932.
   doi:10.1152/jappl.1963.18.5.924
.. [3] Guyton AC, Lindsey AW, Abernathy B, Richardson T. Venous return at
   various right atrial pressures and the normal venous return curve.
   Am J Physiol 1957;189:609-615. doi:10.1152/ajplegacy.1957.189.3.609
.. [4] Beard DA, Feigl EO. Understanding Guyton's venous return curves.
   Am J Physiol Heart Circ Physiol 2011;301:H629-H633.
   doi:10.1152/ajpheart.00228.2011
"""

from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np
from scipy.optimize import brentq, elementwise, least_squares

from ecmolib import blood, oxygenator, patients
from ecmolib._validation import broadcast, checked, choice, result, scalar

__all__ = [
    "CentrifugalPump",
    "Cannula",
    "Tubing",
    "Circuit",
    "OperatingPoint",
    "operating_point",
    "hemodilution",
    "prime_ml",
    "venous_return_resistance_mmhg_min_l",
    "for_patient",
    "va_return_site",
    "speed_for_flow",
    "speed_for_target_flow_rpm",
    "fit_head_curve",
    "pump_data",
    "cannula_data",
    "fit_cannula_loss_coefficient",
    "CENTRIMAG",
    "ADULT_VV",
    "ADULT_VA",
    "NEONATAL_VA",
]

# --------------------------------------------------------------------------
# Physical constants and unit conversions
# --------------------------------------------------------------------------

#: One mmHg in pascal (conventional millimetre of mercury).
PA_PER_MMHG = 133.322387415

#: Whole-blood density [kg/m^3]. Assumption of this library: a typical
#: value for whole blood at normal haematocrit (about 1050-1060 kg/m^3);
#: it enters only the minor-loss and hydrostatic terms.
BLOOD_DENSITY_KG_M3 = 1050.0

#: Standard gravity [m/s^2].
STANDARD_GRAVITY_M_S2 = 9.80665

#: Hydrostatic pressure of a 1 cm blood column [mmHg/cm].
HYDROSTATIC_MMHG_PER_CM = BLOOD_DENSITY_KG_M3 * STANDARD_GRAVITY_M_S2 * 0.01 / PA_PER_MMHG

_M3_S_PER_L_MIN = 1.0e-3 / 60.0
_M_PER_IN = 0.0254

#: Driving pressure of the normal venous return, mean systemic filling
#: pressure minus right-atrial pressure [mmHg]: about 7 mmHg with a right
#: atrial pressure near 0 (Guyton et al. 1957; reviewed by Beard & Feigl
#: 2011). Used to scale the venous resistance to a patient's size:
#: :math:`R_v = 7\,\mathrm{mmHg} / CO` (:func:`venous_return_resistance_mmhg_min_l`).
VENOUS_RETURN_GRADIENT_MMHG = 7.0

#: Venous collapse pressure [mmHg]: a collapsible vein (Starling resistor)
#: closes when its inside pressure falls below the surrounding pressure
#: (Permutt & Riley 1963); taken as 0 mmHg (atmospheric / tissue pressure),
#: an assumption appropriate to the abdominal and neck veins drained.
DEFAULT_COLLAPSE_PRESSURE_MMHG = 0.0

#: Default cannula wall thickness [mm] when no inner diameter is given.
#: Assumption of this library (thin-walled, wire-reinforced polyurethane
#: cannulae); no published wall thickness covering all sizes was found.
#: Give ``wall_thickness_mm`` explicitly for a specific product.
DEFAULT_WALL_THICKNESS_MM = 0.3

# Ranges (checked by every public function)
_RPM_MAX_ANY = 20000.0
_FLOW_MAX_L_MIN = 15.0
_PRESSURE_RANGE_MMHG = (-50.0, 300.0)   # patient-side pressures accepted
_FRENCH_RANGE = (4.0, 40.0)
_CANNULA_LENGTH_RANGE_CM = (1.0, 100.0)
_TUBING_ID_RANGE_IN = (0.0625, 1.0)
_TUBING_LENGTH_RANGE_M = (0.0, 10.0)
_PUMP_HEIGHT_RANGE_CM = (-100.0, 200.0)
_KINDS = ("drainage", "return")
_MODES = ("va", "vv")


_hb = blood._hb  # (0, 25] g/dL, the range of ecmolib.blood


def _flow(value, name="flow_l_min", high=_FLOW_MAX_L_MIN):
    return checked(name, value, "L/min", low=0.0, high=high)


_scalar_field = scalar


def _name_field(value, field="name"):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} must be a non-empty string; got {value!r}")
    return value


def _viscosity_pa_s(hb_g_dl):
    """High-shear blood viscosity at 37 C [Pa s] (unchecked Hb array)."""
    return np.asarray(blood.viscosity_mpa_s(hb_g_dl)) * 1.0e-3


def _poiseuille_mmhg(q_l_min, diameter_m, length_m, mu_pa_s):
    """Hagen-Poiseuille pressure drop [mmHg] (unchecked)."""
    q = q_l_min * _M3_S_PER_L_MIN
    return 128.0 * mu_pa_s * length_m * q / (math.pi * diameter_m**4) / PA_PER_MMHG


def _velocity_head_mmhg(q_l_min, diameter_m):
    r"""Dynamic pressure :math:`\rho v|v|/2` [mmHg] of a flow in a bore (signed with the flow)."""
    v = q_l_min * _M3_S_PER_L_MIN / (math.pi * diameter_m**2 / 4.0)
    return BLOOD_DENSITY_KG_M3 * v * np.abs(v) / 2.0 / PA_PER_MMHG


# --------------------------------------------------------------------------
# Published data shipped with the package
# --------------------------------------------------------------------------


def _read_csv(filename):
    text = resources.files("ecmolib").joinpath("data", filename).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(rows))


@functools.cache
def _pump_rows(name):
    return tuple(_read_csv(f"pump_{name}.csv"))


def pump_data(name="centrimag"):
    r"""Published pump operating points shipped with ecmolib.

    Parameters
    ----------
    name : str, optional
        Pump data set; only ``"centrimag"`` is shipped. Default
        ``"centrimag"``.

    Returns
    -------
    dict
        ``"rpm"`` [rev/min], ``"flow_l_min"`` [L/min] and ``"head_mmhg"``
        [mmHg] as numpy arrays, and ``"source"`` (list of citations, one per
        point).

    Raises
    ------
    ValueError
        If ``name`` is not a shipped data set.

    Notes
    -----
    The file holds only published values, one row per reported operating
    point, with its source (authors, year, journal, DOI or PMID), test fluid
    and temperature.

    Examples
    --------
    >>> from ecmolib import circuit
    >>> d = circuit.pump_data("centrimag")
    >>> [float(x) for x in d["head_mmhg"]]
    [352.0, 250.0]

    References
    ----------
    See ``ecmolib/data/pump_centrimag.csv``.
    """
    choice("name", name, ("centrimag",))
    rows = _pump_rows(name)
    return {
        "rpm": np.array([float(r["rpm"]) for r in rows]),
        "flow_l_min": np.array([float(r["flow_l_min"]) for r in rows]),
        "head_mmhg": np.array([float(r["head_mmhg"]) for r in rows]),
        "source": [r["source"] for r in rows],
    }


@functools.cache
def _cannula_rows():
    return tuple(_read_csv("cannula_pressure_flow.csv"))


def cannula_data():
    r"""Published cannula pressure-flow points in blood shipped with ecmolib.

    Returns
    -------
    dict
        ``"french"`` [Fr], ``"flow_l_min"`` [L/min], ``"pressure_drop_mmhg"``
        [mmHg], ``"hematocrit"`` [fraction], ``"temperature_c"`` [C] as numpy
        arrays, and ``"cannula"`` and ``"source"`` (lists of str).

    Examples
    --------
    >>> from ecmolib import circuit
    >>> [float(x) for x in circuit.cannula_data()["pressure_drop_mmhg"]]
    [10.1, 114.3]

    References
    ----------
    See ``ecmolib/data/cannula_pressure_flow.csv``.
    """
    rows = _cannula_rows()
    return {
        "cannula": [r["cannula"] for r in rows],
        "french": np.array([float(r["french"]) for r in rows]),
        "flow_l_min": np.array([float(r["flow_l_min"]) for r in rows]),
        "pressure_drop_mmhg": np.array([float(r["pressure_drop_mmhg"]) for r in rows]),
        "hematocrit": np.array([float(r["hematocrit"]) for r in rows]),
        "temperature_c": np.array([float(r["temperature_c"]) for r in rows]),
        "source": [r["source"] for r in rows],
    }


# --------------------------------------------------------------------------
# Pump
# --------------------------------------------------------------------------


def fit_head_curve(rpm, flow_l_min, head_mmhg, *, b_mmhg_per_krpm_lpm=None, c_mmhg_per_lpm2=None):
    r"""Least-squares fit of :math:`\Delta P = aN^2 - bNQ - cQ^2` to H-Q points.

    Parameters
    ----------
    rpm : array_like
        Pump speeds of the points [rev/min]; valid (0, 20000].
    flow_l_min : array_like
        Flows of the points [L/min]; valid [0, 15].
    head_mmhg : array_like
        Pressure rise across the pump at each point [mmHg]; valid [0, 2000].
    b_mmhg_per_krpm_lpm : float, optional
        Hold :math:`b` [mmHg/(krpm L/min)] fixed at this value (valid
        [0, 1000]) instead of fitting it. Default: fitted.
    c_mmhg_per_lpm2 : float, optional
        Hold :math:`c` [mmHg/(L/min)^2] fixed at this value (valid [0, 1000])
        instead of fitting it. Default: fitted.

    Returns
    -------
    tuple of float
        ``(a, b, c)`` in mmHg/krpm^2, mmHg/(krpm L/min) and mmHg/(L/min)^2.

    Raises
    ------
    ValueError
        If an input is out of range, the arrays do not have one point each,
        or there are fewer points than free coefficients.

    Notes
    -----
    :math:`N` is in krpm. All coefficients are constrained to be >= 0 (head
    never rises with flow). The fit is ``scipy.optimize.least_squares`` on
    the head residuals in mmHg.

    Examples
    --------
    >>> from ecmolib import circuit
    >>> d = circuit.pump_data()
    >>> a, b, c = circuit.fit_head_curve(d["rpm"], d["flow_l_min"], d["head_mmhg"],
    ...                                  b_mmhg_per_krpm_lpm=0.0,
    ...                                  c_mmhg_per_lpm2=circuit.CENTRIMAG.c_mmhg_per_lpm2)
    >>> round(a, 3)
    22.092
    """
    n = checked("rpm", rpm, "rev/min", low=0.0, high=_RPM_MAX_ANY, low_inclusive=False).ravel() / 1000.0
    q = _flow(flow_l_min).ravel()
    h = checked("head_mmhg", head_mmhg, "mmHg", low=0.0, high=2000.0).ravel()
    if not (n.size == q.size == h.size):
        raise ValueError(
            f"rpm [rev/min], flow_l_min [L/min] and head_mmhg [mmHg] must have one value per point; "
            f"got sizes {n.size}, {q.size}, {h.size}"
        )
    fixed = {}
    if b_mmhg_per_krpm_lpm is not None:
        fixed["b"] = _scalar_field("b_mmhg_per_krpm_lpm", b_mmhg_per_krpm_lpm, "mmHg/(krpm L/min)", 0.0, 1000.0)
    if c_mmhg_per_lpm2 is not None:
        fixed["c"] = _scalar_field("c_mmhg_per_lpm2", c_mmhg_per_lpm2, "mmHg/(L/min)^2", 0.0, 1000.0)
    free = [k for k in ("a", "b", "c") if k not in fixed]
    if n.size < len(free):
        raise ValueError(
            f"head_mmhg [mmHg] needs at least {len(free)} points to fit {', '.join(free)}; got {n.size}"
        )

    def coefficients(p):
        vals = dict(fixed)
        vals.update(zip(free, p))
        return vals["a"], vals["b"], vals["c"]

    def residual(p):
        a, b, c = coefficients(p)
        return a * n**2 - b * n * q - c * q**2 - h

    x0 = np.full(len(free), 1.0)
    x0[0] = float(np.max(h / n**2))
    fit = least_squares(residual, x0, bounds=(0.0, np.inf), x_scale="jac")
    return tuple(float(v) for v in coefficients(fit.x))


@dataclass(frozen=True)
class CentrifugalPump:
    r"""A centrifugal blood pump described by its head-flow (H-Q) curve.

    .. math::

        \Delta P(N, Q) = a N^2 - b N Q - c Q|Q|

    with :math:`N` the speed in krpm (thousands of rev/min), :math:`Q` the
    flow in L/min and :math:`\Delta P` the pressure rise across the pump in
    mmHg. For forward flow this is the usual quadratic fit; continued to
    negative (backward) flow, the :math:`Q|Q|` loss keeps opposing the flow,
    so that a stopped pump (:math:`N = 0`) is a resistance
    :math:`\Delta P = cQ^2` to blood running backwards, and a slow one
    still adds its shut-off head :math:`aN^2` against it (the shape of
    published four-quadrant curves of centrifugal pumps; the backward
    branch is an extrapolation of the forward fit, not a fit of its own).

    Parameters
    ----------
    name : str
        Device name (non-empty).
    a_mmhg_per_krpm2 : float
        Shut-off coefficient :math:`a` [mmHg/krpm^2]; valid (0, 1000].
    b_mmhg_per_krpm_lpm : float
        Linear (Euler slip) coefficient :math:`b` [mmHg/(krpm L/min)];
        valid [0, 1000].
    c_mmhg_per_lpm2 : float
        Quadratic loss coefficient :math:`c` [mmHg/(L/min)^2]; valid
        [0, 1000].
    rpm_max : float
        Highest speed of the device [rev/min]; valid (0, 20000].
    max_flow_l_min : float
        Highest flow the model is used for [L/min]; valid (0, 15].
    prime_ml : float
        Priming volume of the pump head [mL]; valid [0, 500].

    Raises
    ------
    ValueError
        If a field is of the wrong type, not finite or out of range.

    Examples
    --------
    >>> from ecmolib.circuit import CENTRIMAG
    >>> round(float(CENTRIMAG.head_mmhg(4000, 5.0)), 1)
    348.1

    References
    ----------
    Data and fit: :data:`CENTRIMAG`, :func:`fit_head_curve` and
    ``ecmolib/data/pump_centrimag.csv``.
    """

    name: str
    a_mmhg_per_krpm2: float
    b_mmhg_per_krpm_lpm: float
    c_mmhg_per_lpm2: float
    rpm_max: float
    max_flow_l_min: float
    prime_ml: float

    def __post_init__(self):
        _name_field(self.name)
        s = object.__setattr__
        s(self, "a_mmhg_per_krpm2", _scalar_field("a_mmhg_per_krpm2", self.a_mmhg_per_krpm2,
                                                  "mmHg/krpm^2", 0.0, 1000.0, low_inclusive=False))
        s(self, "b_mmhg_per_krpm_lpm", _scalar_field("b_mmhg_per_krpm_lpm", self.b_mmhg_per_krpm_lpm,
                                                     "mmHg/(krpm L/min)", 0.0, 1000.0))
        s(self, "c_mmhg_per_lpm2", _scalar_field("c_mmhg_per_lpm2", self.c_mmhg_per_lpm2,
                                                 "mmHg/(L/min)^2", 0.0, 1000.0))
        s(self, "rpm_max", _scalar_field("rpm_max", self.rpm_max, "rev/min", 0.0, _RPM_MAX_ANY,
                                         low_inclusive=False))
        s(self, "max_flow_l_min", _scalar_field("max_flow_l_min", self.max_flow_l_min, "L/min", 0.0,
                                                _FLOW_MAX_L_MIN, low_inclusive=False))
        s(self, "prime_ml", _scalar_field("prime_ml", self.prime_ml, "mL", 0.0, 500.0))

    def _head(self, n_krpm, q):
        return (self.a_mmhg_per_krpm2 * n_krpm**2 - self.b_mmhg_per_krpm_lpm * n_krpm * q
                - self.c_mmhg_per_lpm2 * q * np.abs(q))

    def head_mmhg(self, rpm, flow_l_min):
        r"""Pressure rise across the pump [mmHg] at a speed and a flow.

        .. math::

            \Delta P = a N^2 - b N Q - c Q|Q|, \qquad N = \mathrm{rpm}/1000

        Parameters
        ----------
        rpm : float or array_like
            Pump speed [rev/min]; valid [0, ``rpm_max``].
        flow_l_min : float or array_like
            Flow through the pump [L/min], negative when backwards; valid
            [-``max_flow_l_min``, ``max_flow_l_min``].

        Returns
        -------
        float or numpy.ndarray
            Pump head [mmHg], broadcast shape of the inputs; negative where
            the pump, beyond its run-out flow, acts as a resistance.

        Raises
        ------
        ValueError
            If an argument is not a finite number in range.

        Examples
        --------
        >>> from ecmolib.circuit import CENTRIMAG
        >>> [round(float(h), 1) for h in CENTRIMAG.head_mmhg([3000, 3500], 4.0)]
        [195.4, 267.2]

        References
        ----------
        See :data:`CENTRIMAG` for the data and the fit.
        """
        n = checked("rpm", rpm, "rev/min", low=0.0, high=self.rpm_max) / 1000.0
        q = checked("flow_l_min", flow_l_min, "L/min", low=-self.max_flow_l_min, high=self.max_flow_l_min)
        return result(self._head(n, q))


def _exit_loss_c(port_diameter_in):
    """Quadratic coefficient of one velocity head lost at a port [mmHg/(L/min)^2]."""
    return float(_velocity_head_mmhg(1.0, port_diameter_in * _M_PER_IN))


#: Quadratic loss coefficient of the CentriMag model [mmHg/(L/min)^2]: one
#: velocity head lost at the 3/8-inch outlet (Borda-Carnot exit loss, K = 1).
#: A physical estimate of this library, not a fit.
_CENTRIMAG_C = _exit_loss_c(0.375)

#: Fitted shut-off coefficient of the CentriMag model [mmHg/krpm^2]; the
#: test suite refits it from ``data/pump_centrimag.csv``.
_CENTRIMAG_A = 22.091570329802572

#: Abbott (Levitronix/Thoratec) CentriMag centrifugal pump.
#:
#: What is published and used: two in-vitro operating points, 352 mmHg at
#: 5.0 L/min and 4000 rpm (Zhang J et al., Artif Organs 2006;30:168-177,
#: PMID 16480391) and 250 mmHg at 4.2 L/min and 3425 rpm in bovine blood,
#: Hct 25 %, 25 C ("Blood trauma testing of CentriMag and RotaFlow
#: centrifugal flow devices: a pilot study", Artif Organs 2012;36:677-682,
#: doi:10.1111/j.1525-1594.2012.01514.x), shipped in
#: ``data/pump_centrimag.csv``. No complete published H-Q table of a
#: clinical ECMO pump could be found for this release; the two points lie at
#: almost the same flow coefficient Q/N (1.23-1.25 L/min per krpm), so they
#: fix the *height* of the curve, not its *shape*.
#:
#: How the coefficients were obtained: ``b = 0`` (assumption: no linear slip
#: term; head per N^2 is equal at the two points within 3 %), ``c`` = one
#: velocity head lost at the 3/8-inch outlet (physical estimate, 0.215
#: mmHg/(L/min)^2), and ``a`` fitted by least squares to the two points
#: (22.09 mmHg/krpm^2, residuals -3.9 and +5.3 mmHg, RMS 4.7 mmHg). The
#: curve is therefore flat: reliable near 3400-4000 rpm and 4-5 L/min, an
#: extrapolation elsewhere (shut-off head and the fall of head with flow are
#: not measured values). ``rpm_max`` 5500 rev/min is the manufacturer's
#: stated maximum speed (not re-verified for this release);
#: ``max_flow_l_min`` 10 L/min is the upper end of adult ECMO flows, an
#: assumption; prime 31 mL (CentriMag reference manual: "low priming volume
#: (31 cc)").
CENTRIMAG = CentrifugalPump(
    name="CentriMag (Abbott)",
    a_mmhg_per_krpm2=_CENTRIMAG_A,
    b_mmhg_per_krpm_lpm=0.0,
    c_mmhg_per_lpm2=_CENTRIMAG_C,
    rpm_max=5500.0,
    max_flow_l_min=10.0,
    prime_ml=31.0,
)


# --------------------------------------------------------------------------
# Cannulae and tubing
# --------------------------------------------------------------------------

# Geometry assumed for the 8 Fr neonatal arterial cannula of the calibration
# data (not reported in the abstract): 10 cm long, default wall thickness.
_CALIBRATION_LENGTH_CM = 10.0


def fit_cannula_loss_coefficient():
    r"""Fit the cannula minor-loss coefficient :math:`K` to the shipped data.

    .. math::

        \min_K \sum_j \left[\Delta P_\mathrm{Poiseuille}(Q_j) +
        K \tfrac{1}{2}\rho v_j^2 - \Delta P_j\right]^2

    Returns
    -------
    tuple of float
        ``(K, rms_mmhg)``: the loss coefficient (dimensionless) and the RMS
        residual [mmHg] over the data points.

    Notes
    -----
    The calibration cannula (8 Fr neonatal arterial, blood Hct 35 %, 36 C;
    Spencer et al. 2017) is modelled 10 cm long with the default wall
    thickness (0.3 mm, inner diameter 2.07 mm). Both are assumptions: the
    abstract reports neither, so :math:`K` absorbs any error in them.

    Examples
    --------
    >>> from ecmolib import circuit
    >>> k, rms = circuit.fit_cannula_loss_coefficient()
    >>> round(k, 3), round(rms, 2)
    (1.815, 0.09)

    References
    ----------
    .. [1] Spencer SB, Wang S, Woitas K, Glass K, Kunselman AR, Undar A.
       In vitro evaluation of an alternative neonatal extracorporeal life
       support circuit on hemodynamic performance and bubble trap.
       Artif Organs 2017;41(1):17-24. PMID 27735070.
    """
    d = cannula_data()
    q = d["flow_l_min"]
    dp = d["pressure_drop_mmhg"]
    hb = d["hematocrit"] * blood.MCHC_G_DL
    mu = np.asarray(blood.viscosity_mpa_s(hb, temperature_c=d["temperature_c"])) * 1e-3
    diam = (d["french"] / 3.0 - 2.0 * DEFAULT_WALL_THICKNESS_MM) * 1e-3
    lam = _poiseuille_mmhg(q, diam, _CALIBRATION_LENGTH_CM * 1e-2, mu)
    vh = _velocity_head_mmhg(q, diam)
    fit = least_squares(lambda k: lam + k[0] * vh - dp, [1.0], bounds=(0.0, np.inf))
    return float(fit.x[0]), float(np.sqrt(np.mean(fit.fun**2)))


#: Minor-loss coefficient of a cannula (entrance, exit and side holes),
#: fitted by :func:`fit_cannula_loss_coefficient` to Spencer et al. (2017);
#: the test suite refits it from ``data/cannula_pressure_flow.csv``.
CANNULA_LOSS_COEFFICIENT = 1.8153011152846719


@dataclass(frozen=True)
class Cannula:
    r"""A vascular cannula: a straight tube with minor losses.

    .. math::

        \Delta P = \frac{128\,\mu L Q}{\pi D_i^4} + K\,\frac{\rho v^2}{2},
        \qquad v = \frac{4Q}{\pi D_i^2}

    Parameters
    ----------
    name : str
        Label (non-empty).
    french : float
        Outer size [Fr]; outer diameter = Fr/3 mm; valid [4, 40].
    length_cm : float
        Length of the flow path [cm]; valid [1, 100].
    kind : str
        ``"drainage"`` (venous, blood leaves the patient) or ``"return"``.
    wall_thickness_mm : float, optional
        Wall thickness [mm]; valid [0.05, outer diameter / 2). Default
        :data:`DEFAULT_WALL_THICKNESS_MM` (0.3 mm, an assumption; give the
        manufacturer's value when known). The inner diameter
        (:attr:`inner_diameter_mm`) is derived from it, so
        ``dataclasses.replace(cannula, french=...)`` gives a consistent
        cannula of the new size.
    loss_coefficient : float, optional
        Minor-loss coefficient :math:`K` (dimensionless); valid [0, 20].
        Default :data:`CANNULA_LOSS_COEFFICIENT` (1.82, fitted to Spencer et
        al. 2017).

    Raises
    ------
    ValueError
        If a field is of the wrong type, not finite or out of range.

    Notes
    -----
    Cannula charts are usually measured with water; Ganushchak et al.
    (2020) showed that water charts (described by Montoya's M-number or by
    dynamic similarity) predict pressure drops at blood-like viscosity well
    once viscosity is accounted for, which the Poiseuille term here does
    through :func:`ecmolib.blood.viscosity_mpa_s`. The single :math:`K` was
    fitted to one small (8 Fr) cannula in blood; for adult cannulae it is an
    extrapolation, and the default inner diameter is an assumption.

    Examples
    --------
    >>> from ecmolib.circuit import Cannula
    >>> c = Cannula("femoral venous 25 Fr", 25, 55, "drainage")
    >>> round(c.inner_diameter_mm, 2), round(c.prime_ml, 1)
    (7.73, 25.8)
    >>> round(float(c.pressure_drop_mmhg(4.5)), 1)
    29.1

    References
    ----------
    .. [1] Spencer SB et al. Artif Organs 2017;41(1):17-24. PMID 27735070.
    .. [2] Ganushchak YM, Kurniawati ER, Maessen JG, Weerwind PW. Peripheral
       cannulae selection for veno-arterial extracorporeal life support: a
       paradox. Perfusion 2020;35(4):331-337. doi:10.1177/0267659119885586
    """

    name: str
    french: float
    length_cm: float
    kind: str
    wall_thickness_mm: float = DEFAULT_WALL_THICKNESS_MM
    loss_coefficient: float = CANNULA_LOSS_COEFFICIENT

    def __post_init__(self):
        _name_field(self.name)
        s = object.__setattr__
        s(self, "french", _scalar_field("french", self.french, "Fr", *_FRENCH_RANGE))
        s(self, "length_cm", _scalar_field("length_cm", self.length_cm, "cm", *_CANNULA_LENGTH_RANGE_CM))
        choice("kind", self.kind, _KINDS)
        s(self, "wall_thickness_mm", _scalar_field("wall_thickness_mm", self.wall_thickness_mm, "mm",
                                                   0.05, self.french / 6.0, high_inclusive=False))
        s(self, "loss_coefficient", _scalar_field("loss_coefficient", self.loss_coefficient, "1", 0.0, 20.0))

    @property
    def outer_diameter_mm(self) -> float:
        """Outer diameter [mm] = French / 3."""
        return self.french / 3.0

    @property
    def inner_diameter_mm(self) -> float:
        """Inner diameter [mm] = outer diameter - 2 x wall thickness."""
        return self.french / 3.0 - 2.0 * self.wall_thickness_mm

    @property
    def prime_ml(self) -> float:
        """Internal volume [mL]."""
        r_cm = self.inner_diameter_mm / 20.0
        return math.pi * r_cm**2 * self.length_cm

    def _drop(self, q, mu_pa_s):
        """Pressure drop [mmHg] at flow q [L/min] and viscosity mu_pa_s [Pa s] (unchecked)."""
        d = self.inner_diameter_mm * 1e-3
        return (_poiseuille_mmhg(q, d, self.length_cm * 1e-2, mu_pa_s)
                + self.loss_coefficient * _velocity_head_mmhg(q, d))

    def pressure_drop_mmhg(self, flow_l_min, *, hb_g_dl=12.0):
        r"""Pressure drop along the cannula [mmHg].

        .. math::

            \Delta P = \frac{128\,\mu(\mathrm{Hb}) L Q}{\pi D_i^4}
            + K\,\frac{\rho}{2}\left(\frac{4Q}{\pi D_i^2}\right)^2

        Parameters
        ----------
        flow_l_min : float or array_like
            Blood flow [L/min]; valid [0, 15].
        hb_g_dl : float or array_like, optional
            Haemoglobin concentration [g/dL], which sets the viscosity
            (:func:`ecmolib.blood.viscosity_mpa_s`, 37 C); valid (0, 25].
            Default 12.

        Returns
        -------
        float or numpy.ndarray
            Pressure drop [mmHg], >= 0, broadcast shape of the inputs.

        Raises
        ------
        ValueError
            If an argument is not a finite number in range.

        Examples
        --------
        >>> from ecmolib.circuit import Cannula
        >>> c = Cannula("arterial 8 Fr", 8, 10, "return")
        >>> round(float(c.pressure_drop_mmhg(0.6, hb_g_dl=11.55)), 1)
        113.3

        References
        ----------
        .. [1] Spencer SB et al. Artif Organs 2017;41(1):17-24. PMID 27735070.
        """
        q = _flow(flow_l_min)
        hb = _hb(hb_g_dl)
        return result(self._drop(q, _viscosity_pa_s(hb)))


@dataclass(frozen=True)
class Tubing:
    r"""Circuit tubing: a straight tube with laminar (Poiseuille) flow.

    .. math::

        \Delta P = \frac{128\,\mu L Q}{\pi D^4}

    Parameters
    ----------
    inner_diameter_in : float
        Inner diameter [inch]; valid [1/16, 1] (ECMO tubing is 1/4, 3/8 or
        1/2 inch).
    length_m : float
        Length [m]; valid [0, 10].
    name : str, optional
        Label. Default ``"tubing"``.

    Raises
    ------
    ValueError
        If a field is of the wrong type, not finite or out of range.

    Notes
    -----
    Laminar flow is assumed; the Reynolds number in 3/8-inch tubing at
    5 L/min is about 3500, so the real drop there is somewhat higher.

    Examples
    --------
    >>> from ecmolib.circuit import Tubing
    >>> t = Tubing(3 / 8, 1.5)
    >>> round(t.prime_ml, 1), round(float(t.pressure_drop_mmhg(5.0)), 1)
    (106.9, 14.3)

    References
    ----------
    .. [1] Sutera SP, Skalak R. The history of Poiseuille's law. Annu Rev
       Fluid Mech 1993;25:1-19. doi:10.1146/annurev.fl.25.010193.000245
    """

    inner_diameter_in: float
    length_m: float
    name: str = "tubing"

    def __post_init__(self):
        s = object.__setattr__
        s(self, "inner_diameter_in", _scalar_field("inner_diameter_in", self.inner_diameter_in, "inch",
                                                   *_TUBING_ID_RANGE_IN))
        s(self, "length_m", _scalar_field("length_m", self.length_m, "m", *_TUBING_LENGTH_RANGE_M))
        _name_field(self.name)

    @property
    def inner_diameter_mm(self) -> float:
        """Inner diameter [mm]."""
        return self.inner_diameter_in * 25.4

    @property
    def prime_ml(self) -> float:
        """Internal volume [mL]."""
        r_cm = self.inner_diameter_in * 2.54 / 2.0
        return math.pi * r_cm**2 * self.length_m * 100.0

    def _drop(self, q, mu_pa_s):
        """Pressure drop [mmHg] at flow q [L/min] and viscosity mu_pa_s [Pa s] (unchecked)."""
        return _poiseuille_mmhg(q, self.inner_diameter_in * _M_PER_IN, self.length_m, mu_pa_s)

    def pressure_drop_mmhg(self, flow_l_min, *, hb_g_dl=12.0):
        r"""Laminar pressure drop along the tubing [mmHg].

        .. math::

            \Delta P = \frac{128\,\mu(\mathrm{Hb}) L Q}{\pi D^4}

        Parameters
        ----------
        flow_l_min : float or array_like
            Blood flow [L/min]; valid [0, 15].
        hb_g_dl : float or array_like, optional
            Haemoglobin concentration [g/dL]; valid (0, 25]. Default 12.

        Returns
        -------
        float or numpy.ndarray
            Pressure drop [mmHg].

        Raises
        ------
        ValueError
            If an argument is not a finite number in range.

        Examples
        --------
        >>> from ecmolib.circuit import Tubing
        >>> round(float(Tubing(1 / 4, 1.0).pressure_drop_mmhg(0.5)), 2)
        4.82

        References
        ----------
        .. [1] Sutera SP, Skalak R. Annu Rev Fluid Mech 1993;25:1-19.
           doi:10.1146/annurev.fl.25.010193.000245
        """
        q = _flow(flow_l_min)
        hb = _hb(hb_g_dl)
        return result(self._drop(q, _viscosity_pa_s(hb)))


# --------------------------------------------------------------------------
# Venous resistance
# --------------------------------------------------------------------------


def venous_return_resistance_mmhg_min_l(patient):
    r"""Resistance between the venous reservoir and the drainage cannula tip.

    Guyton's resistance to venous return scaled to the patient's resting
    cardiac output:

    .. math::

        R_v = \frac{P_\mathrm{msf} - P_\mathrm{ra}}{CO}
            = \frac{7\ \mathrm{mmHg}}{CO}

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient; its ``cardiac_output_l_min`` is used.

    Returns
    -------
    float
        :math:`R_v` [mmHg min/L].

    Raises
    ------
    ValueError
        If ``patient`` is not a :class:`ecmolib.patients.Patient`.

    Notes
    -----
    The 7 mmHg gradient is Guyton's normal mean systemic filling pressure
    with a right-atrial pressure near zero; taking the *whole-body*
    resistance to venous return as the resistance upstream of the drainage
    cannula is a simplification of this library (the cannula drains all of
    the venous return that reaches the cava it sits in).

    Examples
    --------
    >>> from ecmolib import circuit, patients
    >>> round(circuit.venous_return_resistance_mmhg_min_l(patients.ADULT), 2)
    1.4

    References
    ----------
    .. [1] Guyton AC et al. Am J Physiol 1957;189:609-615.
       doi:10.1152/ajplegacy.1957.189.3.609
    .. [2] Beard DA, Feigl EO. Am J Physiol Heart Circ Physiol
       2011;301:H629-H633. doi:10.1152/ajpheart.00228.2011
    """
    patients._checked(patient)
    return VENOUS_RETURN_GRADIENT_MMHG / patient.cardiac_output_l_min


# --------------------------------------------------------------------------
# Circuit
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Circuit:
    r"""An ECMO circuit from the drained vein to the return cannula tip.

    Parameters
    ----------
    pump : CentrifugalPump
        The blood pump.
    drainage_cannula : Cannula
        Venous (drainage) cannula; ``kind`` must be ``"drainage"``.
    return_cannula : Cannula
        Return cannula (arterial for VA, venous for VV); ``kind`` must be
        ``"return"``.
    drainage_tubing : Tubing
        Tubing from drainage cannula to pump.
    return_tubing : Tubing
        Tubing from oxygenator to return cannula.
    oxygenator : ecmolib.oxygenator.Oxygenator
        The membrane lung.
    venous_resistance_mmhg_min_l : float
        Resistance :math:`R_v` between the venous reservoir and the drainage
        cannula tip [mmHg min/L]; valid (0, 100]. Presets use
        :func:`venous_return_resistance_mmhg_min_l`.
    collapse_pressure_mmhg : float, optional
        Pressure at the cannula tip below which the drained vein collapses
        [mmHg]; valid [-20, 20]. Default 0 (Permutt & Riley 1963).
    pump_height_below_patient_cm : float, optional
        Height of pump and oxygenator below the patient's heart [cm]
        (negative: above); valid [-100, 200]. Default 0.
    mode : str, optional
        ``"va"`` (return into an artery) or ``"vv"`` (return into the right
        atrium). Default ``"va"``. Informative only: it tells what
        ``arterial_pressure_mmhg`` means in :func:`operating_point`.
    name : str, optional
        Label. Default ``"circuit"``.

    Raises
    ------
    ValueError
        If a component is of the wrong type or kind, or a number is out of
        range.

    Examples
    --------
    >>> from ecmolib.circuit import ADULT_VA, prime_ml
    >>> round(prime_ml(ADULT_VA))
    524
    """

    pump: CentrifugalPump
    drainage_cannula: Cannula
    return_cannula: Cannula
    drainage_tubing: Tubing
    return_tubing: Tubing
    oxygenator: oxygenator.Oxygenator
    venous_resistance_mmhg_min_l: float
    collapse_pressure_mmhg: float = DEFAULT_COLLAPSE_PRESSURE_MMHG
    pump_height_below_patient_cm: float = 0.0
    mode: str = "va"
    name: str = "circuit"

    def __post_init__(self):
        for field, cls in (("pump", CentrifugalPump), ("drainage_cannula", Cannula),
                           ("return_cannula", Cannula), ("drainage_tubing", Tubing),
                           ("return_tubing", Tubing), ("oxygenator", oxygenator.Oxygenator)):
            value = getattr(self, field)
            if not isinstance(value, cls):
                raise ValueError(f"{field} must be a {cls.__module__}.{cls.__name__}; got {type(value).__name__}")
        if self.drainage_cannula.kind != "drainage":
            raise ValueError(f"drainage_cannula must have kind 'drainage'; got {self.drainage_cannula.kind!r}")
        if self.return_cannula.kind != "return":
            raise ValueError(f"return_cannula must have kind 'return'; got {self.return_cannula.kind!r}")
        s = object.__setattr__
        s(self, "venous_resistance_mmhg_min_l", _scalar_field(
            "venous_resistance_mmhg_min_l", self.venous_resistance_mmhg_min_l, "mmHg min/L", 0.0, 100.0,
            low_inclusive=False))
        s(self, "collapse_pressure_mmhg", _scalar_field(
            "collapse_pressure_mmhg", self.collapse_pressure_mmhg, "mmHg", -20.0, 20.0))
        s(self, "pump_height_below_patient_cm", _scalar_field(
            "pump_height_below_patient_cm", self.pump_height_below_patient_cm, "cm", *_PUMP_HEIGHT_RANGE_CM))
        choice("mode", self.mode, _MODES)
        _name_field(self.name)


def prime_ml(circuit):
    r"""Priming volume of a circuit [mL].

    .. math::

        V = V_\mathrm{pump} + V_\mathrm{oxygenator} + \sum V_\mathrm{tubing}
            + \sum V_\mathrm{cannula}

    Parameters
    ----------
    circuit : Circuit
        The circuit.

    Returns
    -------
    float
        Priming volume [mL]: pump (:attr:`CentrifugalPump.prime_ml`),
        oxygenator (``Oxygenator.prime_ml``), tubing and cannula lumens
        (:math:`\pi r^2 L`).

    Raises
    ------
    ValueError
        If ``circuit`` is not a :class:`Circuit`.

    Examples
    --------
    >>> from ecmolib import circuit
    >>> round(circuit.prime_ml(circuit.NEONATAL_VA))
    134

    References
    ----------
    Component volumes: see :data:`CENTRIMAG` and :mod:`ecmolib.oxygenator`.
    """
    if not isinstance(circuit, Circuit):
        raise ValueError(f"circuit must be an ecmolib.circuit.Circuit; got {type(circuit).__name__}")
    return float(circuit.pump.prime_ml + circuit.oxygenator.prime_ml
                 + circuit.drainage_tubing.prime_ml + circuit.return_tubing.prime_ml
                 + circuit.drainage_cannula.prime_ml + circuit.return_cannula.prime_ml)


def hemodilution(patient, prime_ml, *, prime_hb_g_dl=0.0):
    r"""Haemoglobin after the patient's blood mixes with the circuit prime.

    Volume and haemoglobin mass are conserved:

    .. math::

        \mathrm{Hb} = \frac{\mathrm{Hb}_p V_b + \mathrm{Hb}_\mathrm{prime}
                      V_\mathrm{prime}}{V_b + V_\mathrm{prime}}

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        Supplies ``blood_volume_ml`` (:math:`V_b`) and ``hb_g_dl``.
    prime_ml : float or array_like
        Priming volume [mL]; valid [0, 10000].
    prime_hb_g_dl : float or array_like, optional
        Haemoglobin of the prime [g/dL]; valid [0, 25]; 0 for a crystalloid
        ("clear") prime, about 10-15 for a blood prime. Default 0.

    Returns
    -------
    float or numpy.ndarray
        Haemoglobin after mixing [g/dL].

    Raises
    ------
    ValueError
        If ``patient`` is not a Patient or a number is out of range.

    Notes
    -----
    A neonatal extracorporeal circuit is of the order of a term baby's whole
    blood volume (about 300 mL; compare :func:`prime_ml` of
    :data:`NEONATAL_VA`), so a clear prime dilutes a neonate far more than
    an adult; neonatal cardiopulmonary-bypass circuits of 190-300 mL cause
    significant haemodilution unless blood-primed (Perfusion 2004). Fluid
    shifts, transfusion and bleeding during cannulation are ignored.

    Examples
    --------
    >>> from ecmolib import circuit, patients
    >>> round(float(circuit.hemodilution(patients.NEONATE, 300.0)), 2)
    8.19
    >>> round(float(circuit.hemodilution(patients.ADULT, 600.0)), 2)
    12.47

    References
    ----------
    .. [1] Perfusion technique for nonhaemic cardiopulmonary bypass prime in
       neonates and infants under 6 kg body weight. Perfusion
       2004;19(4):229-237. PMID 15376767.
    """
    patients._checked(patient)
    v = checked("prime_ml", prime_ml, "mL", low=0.0, high=10000.0)
    hb_prime = checked("prime_hb_g_dl", prime_hb_g_dl, "g/dL", low=0.0, high=blood._HB_MAX)
    v, hb_prime = broadcast(prime_ml=v, prime_hb_g_dl=hb_prime)
    vb = patient.blood_volume_ml
    return result((patient.hb_g_dl * vb + hb_prime * v) / (vb + v))


@dataclass(frozen=True)
class OperatingPoint:
    r"""Flow and monitored pressures of a circuit at one setting.

    All values are floats (scalar call) or arrays of the broadcast shape of
    the inputs of :func:`operating_point`. Pressures are gauge [mmHg]; those
    named *drainage*, *pre-/post-oxygenator* are measured at the pump, i.e.
    include the hydrostatic column of ``pump_height_below_patient_cm``.

    Attributes
    ----------
    rpm : float or numpy.ndarray
        Pump speed [rev/min].
    flow_l_min : float or numpy.ndarray
        Circuit blood flow [L/min] (the output); negative when blood runs
        backwards (``retrograde``).
    pump_head_mmhg : float or numpy.ndarray
        Pressure rise across the pump [mmHg].
    drainage_pressure_mmhg : float or numpy.ndarray
        Pre-pump ("venous line", ELSO :math:`P_\mathrm{ven}`) pressure [mmHg].
    pre_oxygenator_pressure_mmhg : float or numpy.ndarray
        Pump outlet / membrane-lung inlet (:math:`P_\mathrm{int}`) [mmHg].
    post_oxygenator_pressure_mmhg : float or numpy.ndarray
        Membrane-lung outlet (:math:`P_\mathrm{art}`) [mmHg].
    transmembrane_pressure_mmhg : float or numpy.ndarray
        Pre minus post oxygenator pressure [mmHg] (ELSO calls this the
        membrane-lung pressure drop, :math:`\Delta P`).
    oxygenator_pressure_drop_mmhg : float or numpy.ndarray
        Same as ``transmembrane_pressure_mmhg``.
    drainage_cannula_drop_mmhg, return_cannula_drop_mmhg : float or numpy.ndarray
        Pressure drops along the cannulae [mmHg].
    cannula_tip_pressure_mmhg : float or numpy.ndarray
        Pressure inside the drainage cannula tip, at patient level [mmHg];
        below ``collapse_pressure_mmhg`` when ``suction``.
    max_drainage_flow_l_min : float or numpy.ndarray
        Venous-collapse limit :math:`Q_\max=(P_v-P_c)/R_v` [L/min] (0 if
        :math:`P_v \le P_c`).
    venous_pressure_mmhg, arterial_pressure_mmhg : float or numpy.ndarray
        The inputs [mmHg].
    suction : bool or numpy.ndarray
        True where the pump asks for more than the vein can give: flow held
        at ``max_drainage_flow_l_min``, drainage pressure pulled down,
        chatter at the bedside.
    retrograde : bool or numpy.ndarray
        True where blood runs backwards through the circuit (``flow_l_min``
        negative): the pump's head cannot hold the back-pressure
        :math:`P_r - P_v` (a stopped or slow pump on VA ECMO).
    retrograde_risk : bool or numpy.ndarray
        Same as ``retrograde`` (the name of earlier versions, which
        reported zero flow there).
    within_pump_rating : bool or numpy.ndarray
        True where the flow is within ``pump.max_flow_l_min``.
    within_oxygenator_rating : bool or numpy.ndarray
        True where the flow is within the oxygenator's labelled maximum
        blood flow (``max_blood_flow_l_min``; its rated flow, above which
        the outlet saturation of the ISO test blood falls below 95 %, lies
        higher: see :mod:`ecmolib.oxygenator`).
    """

    rpm: object
    flow_l_min: object
    pump_head_mmhg: object
    drainage_pressure_mmhg: object
    pre_oxygenator_pressure_mmhg: object
    post_oxygenator_pressure_mmhg: object
    transmembrane_pressure_mmhg: object
    oxygenator_pressure_drop_mmhg: object
    drainage_cannula_drop_mmhg: object
    return_cannula_drop_mmhg: object
    cannula_tip_pressure_mmhg: object
    max_drainage_flow_l_min: object
    venous_pressure_mmhg: object
    arterial_pressure_mmhg: object
    suction: object
    retrograde: object
    retrograde_risk: object
    within_pump_rating: object
    within_oxygenator_rating: object


def _oxy_drop(circuit, q, mu_pa_s):
    """Membrane-lung pressure drop at flow q [mmHg] (unchecked; signed with q)."""
    return oxygenator._pressure_drop_at_viscosity(circuit.oxygenator, q, mu_pa_s * 1.0e3)


def _circuit_losses(circuit, q, mu_pa_s):
    """Sum of component pressure drops at flow q [mmHg] and blood viscosity mu_pa_s [Pa s] (unchecked)."""
    return (circuit.drainage_cannula._drop(q, mu_pa_s) + circuit.drainage_tubing._drop(q, mu_pa_s)
            + _oxy_drop(circuit, q, mu_pa_s) + circuit.return_tubing._drop(q, mu_pa_s)
            + circuit.return_cannula._drop(q, mu_pa_s))


def operating_point(circuit, rpm, *, venous_pressure_mmhg, arterial_pressure_mmhg, hb_g_dl=12.0):
    r"""Flow and pressures of a circuit at a pump speed: where pump meets circuit.

    The flow :math:`Q` solves the monotone loop equation

    .. math::

        F(Q) = \Delta P_\mathrm{pump}(N, Q) - R_v Q - \sum_i \Delta P_i(Q)
               - (P_r - P_v) = 0

    with ``scipy.optimize.elementwise.find_root`` (vectorised over all
    inputs). Every pressure drop keeps the sign of the flow (laminar terms
    :math:`\propto Q`, turbulent ones :math:`\propto Q|Q|`), so :math:`F`
    falls monotonically over all flows and has one root:

    * :math:`F(0) < 0`: the pump cannot hold the back-pressure and blood
      runs **backwards** through the circuit, from the artery to the vein
      (:math:`Q < 0`, ``retrograde``): a stopped pump is only a resistance;
    * :math:`F(0) > 0`: forward flow, limited by venous collapse: if
      :math:`Q > Q_\max = (P_v - P_c)/R_v`, then :math:`Q = Q_\max`,
      ``suction = True`` and the drainage pressure is what the pump pulls,
      :math:`P_\mathrm{pre\,oxy} - \Delta P_\mathrm{pump}(N, Q_\max)`.

    Pressures at the pump (with :math:`\rho g h` for a pump
    :math:`h` below the patient):

    .. math::

        P_\mathrm{post} = P_r + \Delta P_\mathrm{return\ cannula}
                          + \Delta P_\mathrm{return\ tubing} + \rho g h,\quad
        P_\mathrm{pre} = P_\mathrm{post} + \Delta P_\mathrm{oxy},\quad
        P_\mathrm{drain} = P_\mathrm{pre} - \Delta P_\mathrm{pump}

    Parameters
    ----------
    circuit : Circuit
        The circuit.
    rpm : float or array_like
        Pump speed [rev/min]; valid [0, ``circuit.pump.rpm_max``].
    venous_pressure_mmhg : float or array_like
        Pressure of the venous reservoir that feeds the drainage cannula
        [mmHg] (in Guyton's terms the mean systemic filling pressure, about
        7 normally, higher with volume loading); valid [-50, 300].
    arterial_pressure_mmhg : float or array_like
        Pressure at the return cannula tip [mmHg]: mean systemic arterial
        pressure for VA ECMO, right-atrial pressure for VV ECMO; valid
        [-50, 300].
    hb_g_dl : float or array_like, optional
        Haemoglobin [g/dL] setting blood viscosity; valid (0, 25]. Default 12.

    Returns
    -------
    OperatingPoint
        Flow and pressures, broadcast shape of the inputs.

    Raises
    ------
    ValueError
        If ``circuit`` is not a Circuit, a number is out of range, or the
        solution would exceed 3 times the pump's rated flow in either
        direction (outside the model).

    Examples
    --------
    >>> from ecmolib import circuit
    >>> op = circuit.operating_point(circuit.ADULT_VA, 3500, venous_pressure_mmhg=10.0,
    ...                              arterial_pressure_mmhg=70.0)
    >>> round(float(op.flow_l_min), 2), bool(op.suction)
    (4.48, False)
    >>> round(float(op.drainage_pressure_mmhg)), round(float(op.pre_oxygenator_pressure_mmhg))
    (-38, 228)

    References
    ----------
    .. [1] Conrad SA et al. Am J Respir Crit Care Med 2018;198:447-451.
       doi:10.1164/rccm.201710-2130CP
    .. [2] Permutt S, Riley RL. J Appl Physiol 1963;18:924-932.
       doi:10.1152/jappl.1963.18.5.924
    """
    if not isinstance(circuit, Circuit):
        raise ValueError(f"circuit must be an ecmolib.circuit.Circuit; got {type(circuit).__name__}")
    pump = circuit.pump
    n = checked("rpm", rpm, "rev/min", low=0.0, high=pump.rpm_max) / 1000.0
    pv = checked("venous_pressure_mmhg", venous_pressure_mmhg, "mmHg",
                 low=_PRESSURE_RANGE_MMHG[0], high=_PRESSURE_RANGE_MMHG[1])
    pa = checked("arterial_pressure_mmhg", arterial_pressure_mmhg, "mmHg",
                 low=_PRESSURE_RANGE_MMHG[0], high=_PRESSURE_RANGE_MMHG[1])
    hb = _hb(hb_g_dl)
    n, pv, pa, hb = broadcast(rpm=n, venous_pressure_mmhg=pv, arterial_pressure_mmhg=pa, hb_g_dl=hb)
    shape = n.shape
    n, pv, pa, hb = (np.array(x, dtype=float).ravel() for x in (n, pv, pa, hb))

    rv = circuit.venous_resistance_mmhg_min_l
    pc = circuit.collapse_pressure_mmhg
    q_cap = 3.0 * pump.max_flow_l_min
    q_max = np.maximum((pv - pc) / rv, 0.0)

    mu = _viscosity_pa_s(hb)  # once: the viscosity does not change with the trial flows

    def loop(q, n_, pv_, pa_, mu_):
        return pump._head(n_, q) - rv * q - _circuit_losses(circuit, q, mu_) - (pa_ - pv_)

    zero = np.zeros_like(n)
    f0 = loop(zero, n, pv, pa, mu)
    forward = f0 > 0.0
    backward = f0 < 0.0
    q_top = np.minimum(q_max, q_cap)
    f_top = loop(q_top, n, pv, pa, mu)
    suction = forward & (f_top > 0.0)
    f_bottom = loop(-np.full_like(n, q_cap), n, pv, pa, mu)
    if np.any((suction & (q_max > q_cap)) | (backward & (f_bottom < 0.0))):
        raise ValueError(
            f"rpm [rev/min] gives a flow beyond {q_cap:g} L/min (3 x the pump's rated flow) in one direction, "
            "outside this model; change rpm or the pressures")
    q = np.where(suction, q_max, 0.0)
    for solve, low, high in ((forward & ~suction, zero, q_top), (backward, -np.full_like(n, q_cap), zero)):
        if np.any(solve):
            res = elementwise.find_root(
                loop, (low[solve], high[solve]), args=(n[solve], pv[solve], pa[solve], mu[solve]),
                tolerances={"xatol": 1e-9, "xrtol": 1e-12},
            )
            q[solve] = res.x

    head = pump._head(n, q)
    d_rc = circuit.return_cannula._drop(q, mu)
    d_rt = circuit.return_tubing._drop(q, mu)
    d_oxy = _oxy_drop(circuit, q, mu)
    d_dc = circuit.drainage_cannula._drop(q, mu)
    d_dt = circuit.drainage_tubing._drop(q, mu)
    rgh = HYDROSTATIC_MMHG_PER_CM * circuit.pump_height_below_patient_cm
    post = pa + d_rc + d_rt + rgh
    pre = post + d_oxy
    drain = pre - head
    tip = drain + d_dt + d_dc - rgh

    def out(x, dtype=float):
        return result(np.asarray(x, dtype=dtype).reshape(shape))

    return OperatingPoint(
        rpm=out(n * 1000.0),
        flow_l_min=out(q),
        pump_head_mmhg=out(head),
        drainage_pressure_mmhg=out(drain),
        pre_oxygenator_pressure_mmhg=out(pre),
        post_oxygenator_pressure_mmhg=out(post),
        transmembrane_pressure_mmhg=out(pre - post),
        oxygenator_pressure_drop_mmhg=out(pre - post),
        drainage_cannula_drop_mmhg=out(d_dc),
        return_cannula_drop_mmhg=out(d_rc),
        cannula_tip_pressure_mmhg=out(tip),
        max_drainage_flow_l_min=out(q_max),
        venous_pressure_mmhg=out(pv),
        arterial_pressure_mmhg=out(pa),
        suction=out(suction, bool),
        retrograde=out(q < 0.0, bool),
        retrograde_risk=out(q < 0.0, bool),
        within_pump_rating=out(q <= pump.max_flow_l_min, bool),
        within_oxygenator_rating=out(q <= circuit.oxygenator.max_blood_flow_l_min, bool),
    )


# --------------------------------------------------------------------------
# Presets
# --------------------------------------------------------------------------
# Cannula sizes follow common practice as reviewed by Kohler et al. 2013
# (doi:10.1177/0267659112468014) and the ELSO neonatal guideline (Wild et al.
# 2020, doi:10.1097/MAT.0000000000001153). Cannula and tubing LENGTHS are
# assumptions of this library (typical values), stated at each preset.

_ADULT_R_V = venous_return_resistance_mmhg_min_l(patients.ADULT)
_NEONATE_R_V = venous_return_resistance_mmhg_min_l(patients.NEONATE)

_FEMORAL_VENOUS_25 = Cannula("femoral venous 25 Fr, 55 cm", 25.0, 55.0, "drainage")

#: Adult veno-venous circuit: femoral 25 Fr multistage drainage cannula
#: (55 cm), right internal jugular 21 Fr return (15 cm, length assumed),
#: 2 x 1.5 m of 3/8-inch tubing (assumed), CentriMag pump, adult oxygenator
#: (:data:`ecmolib.oxygenator.ADULT`), :math:`R_v` of the 70 kg adult
#: (1.4 mmHg min/L). ``arterial_pressure_mmhg`` is the right-atrial pressure.
ADULT_VV = Circuit(
    pump=CENTRIMAG,
    drainage_cannula=_FEMORAL_VENOUS_25,
    return_cannula=Cannula("jugular return 21 Fr, 15 cm", 21.0, 15.0, "return"),
    drainage_tubing=Tubing(0.375, 1.5, "3/8 inch drainage line"),
    return_tubing=Tubing(0.375, 1.5, "3/8 inch return line"),
    oxygenator=oxygenator.ADULT,
    venous_resistance_mmhg_min_l=_ADULT_R_V,
    mode="vv",
    name="Adult VV (femoral 25 Fr -> jugular 21 Fr)",
)

#: Adult peripheral veno-arterial circuit: femoral venous 25 Fr (55 cm),
#: femoral arterial 17 Fr (18 cm, length assumed), 2 x 1.5 m of 3/8-inch
#: tubing (assumed), CentriMag, adult oxygenator, :math:`R_v` of the 70 kg
#: adult. ``arterial_pressure_mmhg`` is the mean arterial pressure.
ADULT_VA = Circuit(
    pump=CENTRIMAG,
    drainage_cannula=_FEMORAL_VENOUS_25,
    return_cannula=Cannula("femoral arterial 17 Fr, 18 cm", 17.0, 18.0, "return"),
    drainage_tubing=Tubing(0.375, 1.5, "3/8 inch drainage line"),
    return_tubing=Tubing(0.375, 1.5, "3/8 inch return line"),
    oxygenator=oxygenator.ADULT,
    venous_resistance_mmhg_min_l=_ADULT_R_V,
    mode="va",
    name="Adult VA (femoral 25 Fr -> femoral 17 Fr)",
)

#: Neonatal veno-arterial circuit (3.5 kg): right internal jugular venous
#: 12 Fr, right common carotid arterial 10 Fr (both 10 cm, assumed),
#: 2 x 1.0 m of 1/4-inch tubing (assumed), CentriMag, neonatal oxygenator
#: (:data:`ecmolib.oxygenator.NEONATAL`), :math:`R_v` of the term neonate
#: (7 mmHg / 0.714 L/min = 9.8 mmHg min/L).
NEONATAL_VA = Circuit(
    pump=CENTRIMAG,
    drainage_cannula=Cannula("RIJ venous 12 Fr, 10 cm", 12.0, 10.0, "drainage"),
    return_cannula=Cannula("carotid arterial 10 Fr, 10 cm", 10.0, 10.0, "return"),
    drainage_tubing=Tubing(0.25, 1.0, "1/4 inch drainage line"),
    return_tubing=Tubing(0.25, 1.0, "1/4 inch return line"),
    oxygenator=oxygenator.NEONATAL,
    venous_resistance_mmhg_min_l=_NEONATE_R_V,
    mode="va",
    name="Neonatal VA (RIJ 12 Fr -> carotid 10 Fr)",
)


# --------------------------------------------------------------------------
# A circuit for any patient
# --------------------------------------------------------------------------
# Sizing rules of this library, by weight band. The sizes are typical ones
# of common practice (reviewed by Kohler et al. 2013); they are not a
# published chart, and a team chooses by the vessels it finds (the ELSO
# neonatal guideline, Wild et al. 2020, takes a cannula whose diameter is
# about 80 % of the vessel's). Each row: upper weight limit [kg] (exclusive),
# drainage French size, VA return (arterial) French size, VV return French
# size (two-site VV) or the size of a double-lumen cannula (neck VV).

#: Below this weight [kg] cannulation is in the neck: right internal jugular
#: vein and right common carotid artery on VA (the neonatal standard, Wild
#: et al. 2020), a double-lumen right-jugular cannula on VV. From this weight
#: on, peripheral cannulation is femoral (venous drainage, arterial return
#: on VA; jugular return on VV). Kurkluoglu et al. compared neck and groin
#: cannulation "for patients over 15 kg", the weight above which the option
#: of the groin exists; the threshold is an assumption of this library
#: taken from that paper's population.
NECK_CANNULATION_BELOW_KG = 15.0

#: Below this weight [kg] the circuit uses 1/4-inch tubing, from it on
#: 3/8-inch tubing. An assumption of this library (common neonatal and
#: infant practice; 1/4-inch tubing keeps the prime small, and its
#: Poiseuille drop stays below about 15 mmHg/m up to 1.5 L/min).
QUARTER_INCH_TUBING_BELOW_KG = 10.0

#: Share of a double-lumen cannula's inner cross-section taken by the
#: drainage lumen (the rest returns). An assumption of this library.
DOUBLE_LUMEN_DRAINAGE_SHARE = 0.6

_SIZE_BANDS_KG = (
    # up to kg, drainage Fr, VA return Fr, VV return (or double-lumen) Fr
    (5.0, 12.0, 10.0, 13.0),
    (10.0, 14.0, 10.0, 16.0),
    (15.0, 17.0, 12.0, 19.0),
    (25.0, 19.0, 14.0, 17.0),
    (40.0, 21.0, 15.0, 19.0),
    (60.0, 23.0, 17.0, 21.0),
    (90.0, 25.0, 17.0, 21.0),
    (math.inf, 27.0, 19.0, 23.0),
)

_GROUP_LABEL = {"neonate": "Neonatal", "infant": "Infant", "child": "Child", "adult": "Adult"}


def _sizes(weight_kg):
    for limit, drainage, va_return, vv_return in _SIZE_BANDS_KG:
        if weight_kg < limit:
            return drainage, va_return, vv_return
    raise AssertionError("unreachable: the last band has no upper limit")


def _round_lumen(name, inner_diameter_mm, length_cm, kind):
    """A cannula whose round lumen has the given inner diameter (default wall)."""
    french = 3.0 * (inner_diameter_mm + 2.0 * DEFAULT_WALL_THICKNESS_MM)
    return Cannula(name, french, length_cm, kind)


def va_return_site(patient) -> str:
    """Where a VA circuit sized for ``patient`` returns its blood: ``"carotid"`` or ``"femoral"``.

    The right common carotid artery below :data:`NECK_CANNULATION_BELOW_KG`
    (the neck circuit of :func:`for_patient`), the femoral artery from it
    on; the names are those of :data:`ecmolib.va.CANNULATIONS`.

    Parameters
    ----------
    patient : ecmolib.patients.Patient

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``patient`` is not a Patient.

    Examples
    --------
    >>> from ecmolib import circuit, patients
    >>> circuit.va_return_site(patients.NEONATE), circuit.va_return_site(patients.ADULT)
    ('carotid', 'femoral')
    """
    return "carotid" if patients._checked(patient).weight_kg < NECK_CANNULATION_BELOW_KG else "femoral"


def _cannulae(patient, mode):
    drainage_fr, va_fr, vv_fr = _sizes(patient.weight_kg)
    neck = va_return_site(patient) == "carotid"
    if mode == "va" and neck:
        return (Cannula(f"RIJ venous {drainage_fr:g} Fr, 10 cm", drainage_fr, 10.0, "drainage"),
                Cannula(f"carotid arterial {va_fr:g} Fr, 10 cm", va_fr, 10.0, "return"),
                f"RIJ {drainage_fr:g} Fr -> carotid {va_fr:g} Fr")
    if mode == "vv" and neck:
        inner = vv_fr / 3.0 - 2.0 * DEFAULT_WALL_THICKNESS_MM
        share = DOUBLE_LUMEN_DRAINAGE_SHARE
        return (_round_lumen(f"double-lumen {vv_fr:g} Fr, drainage lumen, 10 cm",
                             inner * math.sqrt(share), 10.0, "drainage"),
                _round_lumen(f"double-lumen {vv_fr:g} Fr, return lumen, 10 cm",
                             inner * math.sqrt(1.0 - share), 10.0, "return"),
                f"RIJ double-lumen {vv_fr:g} Fr")
    drainage_cm = 55.0 if patient.weight_kg >= 40.0 else 38.0
    drainage = Cannula(f"femoral venous {drainage_fr:g} Fr, {drainage_cm:g} cm", drainage_fr, drainage_cm,
                       "drainage")
    if mode == "va":
        return (drainage, Cannula(f"femoral arterial {va_fr:g} Fr, 18 cm", va_fr, 18.0, "return"),
                f"femoral {drainage_fr:g} Fr -> femoral {va_fr:g} Fr")
    return (drainage, Cannula(f"jugular return {vv_fr:g} Fr, 15 cm", vv_fr, 15.0, "return"),
            f"femoral {drainage_fr:g} Fr -> jugular {vv_fr:g} Fr")


def _tubing(patient):
    if patient.weight_kg < QUARTER_INCH_TUBING_BELOW_KG:
        return (Tubing(0.25, 1.0, "1/4 inch drainage line"), Tubing(0.25, 1.0, "1/4 inch return line"))
    return (Tubing(0.375, 1.5, "3/8 inch drainage line"), Tubing(0.375, 1.5, "3/8 inch return line"))


def for_patient(patient, mode="va") -> Circuit:
    r"""An ECMO circuit sized for a patient.

    Parts chosen by the patient's weight :math:`W` (rules of this library
    after common practice; the constants below name each threshold):

    * **Cannulation site.** :math:`W <` :data:`NECK_CANNULATION_BELOW_KG`
      (15 kg): the neck. VA drains the right internal jugular vein and
      returns to the right common carotid artery (the neonatal standard,
      Wild et al. 2020); VV uses one double-lumen right-jugular cannula
      (the neonatal and infant VV practice), modelled as two round lumens
      sharing its bore, :data:`DOUBLE_LUMEN_DRAINAGE_SHARE` (60 %) of the
      cross-section draining. From 15 kg on: femoral venous drainage, and
      femoral arterial return on VA or jugular return on VV (Kurkluoglu et
      al.: the groin becomes an option above 15 kg).
    * **Cannula sizes** by weight band (typical sizes of common practice,
      Kohler et al. 2013; not a chart):

      ==============  ==========  ==========  =====================
      weight [kg]     drainage    VA return   VV return (neck: DL)
      ==============  ==========  ==========  =====================
      < 5             12 Fr       10 Fr       13 Fr double-lumen
      5-10            14 Fr       10 Fr       16 Fr double-lumen
      10-15           17 Fr       12 Fr       19 Fr double-lumen
      15-25           19 Fr       14 Fr       17 Fr
      25-40           21 Fr       15 Fr       19 Fr
      40-60           23 Fr       17 Fr       21 Fr
      60-90           25 Fr       17 Fr       21 Fr
      >= 90           27 Fr       19 Fr       23 Fr
      ==============  ==========  ==========  =====================

      Lengths (assumptions, typical values): neck cannulae 10 cm; femoral
      drainage 38 cm below 40 kg, 55 cm (reaching the right atrium) from
      40 kg; femoral arterial 18 cm; jugular return 15 cm.
    * **Tubing**: 1/4 inch, 2 x 1.0 m, below
      :data:`QUARTER_INCH_TUBING_BELOW_KG` (10 kg); 3/8 inch, 2 x 1.5 m,
      from it on (assumptions).
    * **Oxygenator**: :func:`ecmolib.oxygenator.for_patient` (the smallest
      preset whose rated flow covers the ELSO target flow).
    * **Pump**: :data:`CENTRIMAG` for every size (its pump head is used from
      neonates to adults).
    * **Venous resistance**: :func:`venous_return_resistance_mmhg_min_l`.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient; its weight, age group and cardiac output are used.
    mode : {"va", "vv"}
        Veno-arterial or veno-venous. Default ``"va"``.

    Returns
    -------
    Circuit
        Equal to :data:`ADULT_VA`, :data:`ADULT_VV` and :data:`NEONATAL_VA`
        for :data:`ecmolib.patients.ADULT` (VA, VV) and
        :data:`ecmolib.patients.NEONATE` (VA).

    Raises
    ------
    ValueError
        If ``patient`` is not a :class:`ecmolib.patients.Patient` or ``mode``
        is not ``"va"`` or ``"vv"``.

    Notes
    -----
    Each circuit delivers the patient's ELSO target flow
    (:func:`ecmolib.patients.target_ecmo_flow_l_min`) at an ordinary pump
    speed (:func:`speed_for_target_flow_rpm`); the test suite checks this
    from 2 to 120 kg. A double-lumen cannula's lumens are D-shaped; the
    round lumens of equal area used here have a larger hydraulic diameter,
    so the model underestimates their pressure drop.

    Examples
    --------
    >>> from ecmolib import circuit, patients
    >>> circuit.for_patient(patients.ADULT, "va") == circuit.ADULT_VA
    True
    >>> circuit.for_patient(patients.CHILD, "va").name
    'Child VA (femoral 19 Fr -> femoral 14 Fr)'
    >>> circuit.for_patient(patients.INFANT, "vv").name
    'Infant VV (RIJ double-lumen 16 Fr)'

    References
    ----------
    .. [1] Kohler K, Valchanov K, Nias G, Vuylsteke A. ECMO cannula review.
       Perfusion 2013;28(2):114-124. doi:10.1177/0267659112468014
    .. [2] Wild KT, Rintoul N, Kattan J, Gray B. Extracorporeal Life Support
       Organization (ELSO): guidelines for neonatal respiratory failure.
       ASAIO J 2020;66(5):463-470. doi:10.1097/MAT.0000000000001153
    .. [3] Kurkluoglu M, Hynes CF, Alfares FA, El-Sayed Ahmed MM, Peer SM,
       Zurakowski D, Jonas RA, Nath DS. Choice of peripheral venoarterial
       extra-corporeal membrane oxygenation cannulation site in patients
       above 15 kilograms. (Journal and DOI not verified for this release.)
    """
    patients._checked(patient)
    choice("mode", mode, _MODES)
    drainage, ret, label = _cannulae(patient, mode)
    drainage_tubing, return_tubing = _tubing(patient)
    return Circuit(
        pump=CENTRIMAG,
        drainage_cannula=drainage,
        return_cannula=ret,
        drainage_tubing=drainage_tubing,
        return_tubing=return_tubing,
        oxygenator=oxygenator.for_patient(patient, mode),
        venous_resistance_mmhg_min_l=venous_return_resistance_mmhg_min_l(patient),
        mode=mode,
        name=f"{_GROUP_LABEL[patient.age_group]} {mode.upper()} ({label})",
    )


def speed_for_flow(circuit, flow_l_min, *, venous_pressure_mmhg, arterial_pressure_mmhg, hb_g_dl=12.0):
    r"""Pump speed [rev/min] at which ``circuit`` delivers ``flow_l_min``.

    Solves :math:`Q(N) = Q_\mathrm{wanted}` for the speed :math:`N`, with
    :math:`Q(N)` from :func:`operating_point`, by
    :func:`scipy.optimize.brentq` (the flow rises monotonically with speed
    up to the venous limit).

    Parameters
    ----------
    circuit : Circuit
        The circuit.
    flow_l_min : float
        Wanted flow [L/min]; valid (0, 15].
    venous_pressure_mmhg, arterial_pressure_mmhg : float
        As in :func:`operating_point` [mmHg]; valid [-50, 300].
    hb_g_dl : float, optional
        Haemoglobin [g/dL] (blood viscosity); valid (0, 25]. Default 12.

    Returns
    -------
    float or None
        The speed [rev/min], or ``None`` if no speed up to the pump's
        maximum delivers that flow (the cannula, the vein or the pump
        cannot).

    Raises
    ------
    ValueError
        If ``circuit`` is not a Circuit or a number is out of range.

    Examples
    --------
    >>> from ecmolib import circuit
    >>> round(circuit.speed_for_flow(circuit.ADULT_VA, 4.29, venous_pressure_mmhg=10.0,
    ...                              arterial_pressure_mmhg=70.0, hb_g_dl=14.0), -1)
    3500.0
    """
    if not isinstance(circuit, Circuit):
        raise ValueError(f"circuit must be an ecmolib.circuit.Circuit; got {type(circuit).__name__}")
    target = scalar("flow_l_min", flow_l_min, "L/min", 0.0, _FLOW_MAX_L_MIN, low_inclusive=False)
    kw = {"venous_pressure_mmhg": scalar("venous_pressure_mmhg", venous_pressure_mmhg, "mmHg",
                                         *_PRESSURE_RANGE_MMHG),
          "arterial_pressure_mmhg": scalar("arterial_pressure_mmhg", arterial_pressure_mmhg, "mmHg",
                                           *_PRESSURE_RANGE_MMHG),
          "hb_g_dl": scalar("hb_g_dl", hb_g_dl, "g/dL", 0.0, blood._HB_MAX, low_inclusive=False)}

    def excess(rpm):
        return float(operating_point(circuit, rpm, **kw).flow_l_min) - target

    top = float(circuit.pump.rpm_max)
    if excess(top) < 0.0:
        return None
    return float(brentq(excess, 0.0, top, xtol=0.01))


#: Pump speeds are rounded up to this step [rev/min] by
#: :func:`speed_for_target_flow_rpm` (the resolution a team sets a speed to).
SPEED_STEP_RPM = 100.0


def speed_for_target_flow_rpm(circuit, patient, *, venous_pressure_mmhg, arterial_pressure_mmhg):
    r"""The pump speed that gives the patient's target flow, rounded up to 100 rev/min.

    .. math::

        N = 100 \left\lceil \frac{N^*}{100} \right\rceil, \qquad
        Q(N^*) = Q_\mathrm{ELSO}(\text{patient}, \text{circuit mode})

    with :math:`Q(N)` from :func:`operating_point` at the patient's
    haemoglobin and :math:`Q_\mathrm{ELSO}` from
    :func:`ecmolib.patients.target_ecmo_flow_l_min`. Rounding up gives at
    least the target flow.

    Parameters
    ----------
    circuit : Circuit
        The circuit (its ``mode`` selects the ELSO flow band).
    patient : ecmolib.patients.Patient
        The patient (target flow and haemoglobin).
    venous_pressure_mmhg, arterial_pressure_mmhg : float
        As in :func:`operating_point` [mmHg]; valid [-50, 300].

    Returns
    -------
    float
        Pump speed [rev/min], at most the pump's maximum.

    Raises
    ------
    ValueError
        If an argument is invalid, or no speed up to the pump's maximum
        delivers the target flow (a circuit too small for the patient).

    Examples
    --------
    >>> from ecmolib import circuit, patients
    >>> circuit.speed_for_target_flow_rpm(circuit.ADULT_VA, patients.ADULT,
    ...                                   venous_pressure_mmhg=10.0, arterial_pressure_mmhg=70.0)
    3500.0
    """
    if not isinstance(circuit, Circuit):
        raise ValueError(f"circuit must be an ecmolib.circuit.Circuit; got {type(circuit).__name__}")
    patients._checked(patient)
    target = patients.target_ecmo_flow_l_min(patient, circuit.mode)
    rpm = speed_for_flow(circuit, target, venous_pressure_mmhg=venous_pressure_mmhg,
                         arterial_pressure_mmhg=arterial_pressure_mmhg, hb_g_dl=patient.hb_g_dl)
    if rpm is None:
        raise ValueError(
            f"circuit {circuit.name!r} cannot deliver the target flow of {patient.name} "
            f"({target:.2f} L/min) at any pump speed up to {circuit.pump.rpm_max:g} rev/min; "
            "choose a larger circuit (circuit.for_patient) or other pressures")
    return float(min(SPEED_STEP_RPM * math.ceil(rpm / SPEED_STEP_RPM - 1e-9), circuit.pump.rpm_max))
