"""The VV and VA steady states solved element by element in compiled code.

(VA mode, ``I_MODE`` = :data:`VA`: the same unknowns and balances with the
mixed venous blood entering the oxygenator and the lungs, the ECMO blood
going to the arteries, supply-limited delivery counting both arterial
sources, and the five regions' arterial blood inverted from their
contents; used by :func:`ecmolib.va.steady_state`.)

:func:`ecmolib.vv.steady_state` solves, for every element of its broadcast
inputs, two balances (whole-body O2 and CO2) in two unknowns (the state of
the blood entering the oxygenator). The vectorised numpy solver
(:func:`ecmolib.lungs._solve_balances`) pays for its generality: every pass
runs each nested one-dimensional root finding until its slowest element
converges, and every element starts from the same rough guess, so a 200 x
200 grid costs about eight oxygenator evaluations per element (0.4-0.6 s).
This module runs the same equations one element at a time, compiled with
numba (``cache=True``), so that

* an element whose inputs lie within 5 % of the last solved element's
  starts from that solution and Jacobian; along a grid line (inputs at
  nearly even steps) from the quadratic extrapolation of the last three
  solutions, the linear extrapolation of the last two Jacobians and of
  every inner root. Most elements of a grid then close both balances to
  1e-9 in two evaluations (one at the predicted point, one after a Newton
  step), about 2.2 on average;
* the unknowns are the PO2 and the pH of the pre-oxygenator blood (its
  PCO2 follows from the pH on the Van Slyke line, so a trial point needs no
  pH root finding);
* where the elements form a grid row by row (a broadcast (rows, columns)
  array), the prediction along a row is corrected by the prediction error
  of the elements one and two rows back, and a row starts from the rows
  before it instead of the cold guess, and so do the inner roots: on the
  200 x 200 VA grid of ``benchmarks/va_grid.py`` 2.2 evaluations per
  element instead of 2.7, on the dead-lungs VV grid of ``benchmarks/run.py``
  1.3 instead of 2.2. The time falls much less (5-10 %): most of it goes to
  each element's first evaluation, whose inner root findings need their
  few iterations from any close start, and to the content inversions of
  the streams (about 30 % on the VA grid);
* each inner root finding starts from its own last root and slope;
* blood of known contents (post-oxygenator, arterial, venous, pulmonary
  arterial) is inverted by one secant iteration in pH, each step finding
  the PO2 with the O2 content at that pH: the state that
  :func:`ecmolib.oxygenator._outlet_from_contents` reaches by alternating
  the CO2 and O2 solves;
* the elements are split into chunks (four per processor core), each
  solved in order by compiled code that releases Python's global
  interpreter lock, the chunks in parallel threads. (Plain threads rather
  than numba's parallel loops: no threading layer to choose, and safe in a
  process that forks.)

**One set of equations.** The formulas are not restated here: the blood,
oxygenator and lung kernels of :mod:`ecmolib.blood`,
:mod:`ecmolib.oxygenator` and :mod:`ecmolib.lungs` are registered with
:func:`numba.extending.register_jitable`, which leaves them plain numpy
functions for every other caller and lets numba compile the very same
functions for scalars here (they are written without ``np.where`` and
array methods for this). What this module adds is the order of the work: the root findings
(safeguarded Newton and secant steps inside a bracket, to the tolerances of
the numpy path) and the balance iteration (Newton with a forward-difference
Jacobian, kept and corrected by Broyden's rank-one update, with the step
limits and bounds of :func:`ecmolib.lungs._solve_balances`).

**The numpy path stays the reference.** An element that this solver cannot
settle (no steady state, a trial point outside a submodel's range, no
convergence) is reported as failed, and :func:`ecmolib.vv.steady_state`
then solves the call with the numpy path, which raises the explanatory
errors. The tests check that both paths agree to 1e-7 relative, on random
inputs and along random lines of inputs.

**Cost** (this project's 2-core test machine, two threads): 64-75 ms for
the 200 x 200 grid of ``benchmarks/run.py`` (dead lungs), 78-86 ms with a
shunt fraction of 0.5; 123-134 ms for the first on one thread; 0.5-0.6 ms
for a single state. Compiling takes about 8 s, once: numba caches the machine
code next to this file. Numba's cache notices changes to this file only,
not to the modules whose kernels it compiles, so :func:`solve` keeps a
digest of all of them next to the cache and clears the cache when the
digest changes. ``benchmarks/va_grid.py`` splits the VA grid's time
between this solver and the rest.
"""

import hashlib
import math
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numba
import numpy as np
from numba.extending import register_jitable

from . import blood, lungs, tissues
from . import oxygenator as _oxy

# Let numba compile these numpy kernels for scalars when the functions below
# call them (register_jitable leaves them unchanged for Python callers).
for _kernel in (
    blood._shift_factor, blood._sev, blood._sev_inv, blood._sat, blood._hco3_van_slyke,
    blood._pco2_at_ph, blood._acid_base_residual, blood._acid_base_slope, blood._co2_douglas, blood._o2c,
    _oxy._co2_line, _oxy._co2_on_line, _oxy._effectiveness_crossflow, _oxy._co2_terms,
    _oxy._sev_slope, _oxy._o2c_slope, _oxy._phi_coefficients, _oxy._phi, _oxy._gas_po2,
    lungs._alveolar_factor, lungs._ph_upper, lungs._capillary_state, lungs._lung_balance,
    tissues._supply_limited_vo2, tissues._balance_residuals,
):
    register_jitable(_kernel)

_sev = blood._sev
_sev_inv = blood._sev_inv
_shift = blood._shift_factor
_o2c = blood._o2c
_o2c_slope = _oxy._o2c_slope
_pco2_at_ph = blood._pco2_at_ph
_co2_douglas = blood._co2_douglas
_co2_line = _oxy._co2_line
_co2_on_line = _oxy._co2_on_line
_co2_terms = _oxy._co2_terms
_phi = _oxy._phi
_phi_coefficients = _oxy._phi_coefficients
_gas_po2 = _oxy._gas_po2
_capillary_state = lungs._capillary_state
_lung_balance = lungs._lung_balance
_balance_residuals = tissues._balance_residuals

_HUF = blood.HUFNER_ML_PER_G
_SOL = blood.O2_SOLUBILITY_ML_DL_MMHG
_PH_MIN = blood._PH_MIN
_PH_MAX = blood._PH_MAX
_PO2_MAX = blood._PO2_MAX
_PCO2_MAX = blood._PCO2_MAX
_WATER = _oxy.WATER_VAPOUR_PRESSURE_MMHG
_RER = lungs.RESPIRATORY_EXCHANGE_RATIO
_QV_MIN = lungs._QV_MIN_L_MIN
_PO2_FLOOR = lungs._PO2_FLOOR_MMHG
_QEC_MIN = lungs._QEC_MIN_L_MIN
_RTOL = lungs._BALANCE_RTOL
_FD_STEP = lungs._FD_STEP
_REFRESH_RATIO = lungs._REFRESH_RATIO
_MAX_ITER = lungs._MAX_ITER
_LN10 = math.log(10.0)
#: Step below which an inner root finding stops (pH units, mmHg, and the
#: log-distance w of the O2 path). Newton and secant steps converge faster
#: than linearly, so the root returned after such a step is accurate to far
#: better than the step; the states agree with the numpy solver's (inner
#: roots to 1e-13) to about 1e-9 relative, the balance tolerance. Tighter
#: steps cost one more evaluation per root finding (15 % more time).
_XTOL_PH = 1e-10
_XTOL_PO2 = 1e-8
_XTOL_W = 1e-10

# Rows of the input table (one column per element).
(I_QEC, I_QEFF, I_REFF, I_SHUNT, I_SWEEP, I_CO, I_HB, I_P50, I_BE, I_T, I_VO2, I_VCO2, I_PB,
 I_FIO2, I_FDO2, I_VA, I_EMAX, I_PCO2_CEIL, I_PH_CEIL, I_PCO2_FLOOR, I_PH_FLOOR, I_X0_SO2, I_X0_PCO2,
 I_MODE) = range(24)
#: VA mode (I_MODE = 1): I_CO holds the native output (the lungs' blood
#: flow), no recirculation, and rows I_PHI + k the native fraction of the
#: arterial blood of region k (ecmolib.va.REGIONS order).
N_REGIONS = 5
I_PHI = 24
N_IN = I_PHI + N_REGIONS
VV, VA = 0.0, 1.0
#: Inputs compared between neighbours for a warm start (all but the cold guess).
_N_COMPARED = I_PH_FLOOR + 1

#: Rows of the output table: the solution's streams (contents in mL/dL,
#: pressures in mmHg, flows of gas in mL/min), the element's status
#: (:data:`OK` or :data:`FAILED`) and its number of balance evaluations.
#: Each stream's PO2 and PCO2 rows follow each other, and so do its SO2,
#: O2 and CO2 content rows (:func:`_invert` and :func:`_streams` rely on it).
OUTPUTS = (
    "status", "evaluations", "pre_po2", "pre_pco2", "t_o2", "t_co2", "post_po2", "post_pco2",
    "l_o2", "l_co2", "v_o2", "v_co2", "pa_o2", "pa_co2", "ca_o2", "ca_co2", "ec_po2", "ec_pco2",
    "pao2", "paco2", "balance", "qv", "art_po2", "art_pco2", "ven_po2", "ven_pco2", "pa_po2",
    "pa_pco2", "a_so2", "a_o2c", "a_co2c", "v_so2", "v_o2c", "v_co2c",
    # intermediate values of the last evaluation
    "pre_ph", "pre_so2", "pre_o2c", "pre_co2c", "post_so2", "post_o2c", "post_co2c", "post_ph",
    # VA mode: each region's PO2, PCO2 and SO2, and the O2 and CO2 contents
    # of its arterial blood (scratch for the inversion)
    *(f"region{k}_{q}" for k in range(N_REGIONS) for q in ("po2", "pco2", "so2", "o2c", "co2c")),
)
(O_STATUS, O_EVALS, O_PRE_PO2, O_PRE_PCO2, O_T_O2, O_T_CO2, O_POST_PO2, O_POST_PCO2,
 O_L_O2, O_L_CO2, O_V_O2, O_V_CO2, O_PA_O2, O_PA_CO2, O_CA_O2, O_CA_CO2, O_EC_PO2, O_EC_PCO2,
 O_PAO2, O_PACO2, O_BALANCE, O_QV, O_ART_PO2, O_ART_PCO2, O_VEN_PO2, O_VEN_PCO2, O_PA_PO2,
 O_PA_PCO2, O_A_SO2, O_A_O2C, O_A_CO2C, O_V_SO2, O_V_O2C, O_V_CO2C,
 O_PRE_PH, O_PRE_SO2, O_PRE_O2C, O_PRE_CO2C, O_POST_SO2, O_POST_O2C, O_POST_CO2C, O_POST_PH) = range(42)
_N_OUT = len(OUTPUTS)
O_REGION = O_POST_PH + 1  # region k's rows start at O_REGION + 5 k

# Warm starts of the inner root findings (carried from one evaluation, and
# one element, to the next): roots and the secant slopes at them, and for
# each content inversion (post-oxygenator, arterial, venous, pulmonary
# arterial) its pH, PO2 and slope.
(G_PH_CO2X, G_SL_CO2X, G_PH_EST, G_SL_PH_EST, G_PH_LUNG, G_SL_LUNG) = range(6)
G_PATH_1, G_PATH_2 = 6, 8  # start and outlet PO2 of the two O2 path passes
G_INV_POST, G_INV_ART, G_INV_VEN, G_INV_PA = 10, 13, 16, 19
G_INV_REGION = 22  # region k at G_INV_REGION + 3 k
_N_GUESS = G_INV_REGION + 3 * N_REGIONS

# Element status codes.
OK, FAILED = 0, 1


# --------------------------------------------------------------------------
# Scalar root finding
# --------------------------------------------------------------------------


@register_jitable
def _end_side(x, lo, hi, xtol):
    """-1 or +1 if x lies within 2 xtol of the lower or upper end of [lo, hi], else 0."""
    if x - lo <= 2.0 * xtol:
        return -1
    if hi - x <= 2.0 * xtol:
        return 1
    return 0


@register_jitable
def _beyond(f_end, side, increasing):
    """Whether the root lies beyond the end ``side`` at which ``f`` is ``f_end``.

    A one-sided iteration (secant or Newton) that approaches an end it has
    not evaluated stops there whether or not the root lies inside: the sign
    of ``f`` at that end decides.
    """
    return (f_end > 0.0) == increasing if side < 0 else (f_end < 0.0) == increasing


def _secant_solver(f):
    """A root finder for the monotone residual ``f(x, args)`` (compiled inline).

    ``root(args, x0, lo, hi, increasing, xtol, slope0) -> (x, ok, slope)``:
    secant steps kept inside a bracket that every evaluation narrows (the
    sign of ``f`` tells on which side of the root a point lies), bisection
    when a step leaves it; the first step uses ``slope0`` (the slope at the
    last root, a warm start) or a small trial step. Stops when a step is
    below ``xtol`` or ``f`` is 0. ``ok`` is False if the root lies beyond an
    end (``x`` then next to it) or the iteration did not converge;
    ``slope`` is the last secant slope.
    """

    @register_jitable
    def root(args, x0, lo, hi, increasing, xtol, slope0):
        a, b = lo, hi
        x = min(max(x0, lo), hi)
        fx = f(x, args)
        if fx == 0.0:
            return x, True, slope0
        if (fx < 0.0) == increasing:  # the root lies above x
            a = x
        else:
            b = x
        if slope0 != 0.0 and (slope0 > 0.0) == increasing:
            x_new = x - fx / slope0
        else:
            x_new = x + 1e-4 * max(abs(x), 1.0) * (1.0 if a == x else -1.0)
        if not (a < x_new < b):
            x_new = 0.5 * (a + b)
        slope = slope0
        for _ in range(100):
            if x_new == x:  # the bracket has shrunk onto a point
                side = _end_side(x, lo, hi, xtol)
                return x, side == 0 or not _beyond(f(lo if side < 0 else hi, args), side, increasing), slope
            x_old, f_old = x, fx
            x = x_new
            fx = f(x, args)
            if fx == 0.0:
                return x, True, slope
            if (fx < 0.0) == increasing:
                a = x
            else:
                b = x
            slope = (fx - f_old) / (x - x_old)
            x_new = x - fx / slope if slope != 0.0 else 0.5 * (a + b)
            if abs(x_new - x) <= xtol:  # converged (a last step may graze the bracket)
                x_new = min(max(x_new, lo), hi)
                side = _end_side(x_new, lo, hi, xtol)
                return x_new, side == 0 or not _beyond(f(lo if side < 0 else hi, args), side, increasing), slope
            if not (a < x_new < b):
                x_new = 0.5 * (a + b)
        return x, False, slope

    return root


def _newton_solver(f):
    """A root finder for the monotone ``f(x, args) -> (value, slope)`` (compiled inline).

    ``root(args, x0, lo, hi, increasing, xtol) -> (x, ok)``: Newton steps
    kept inside a bracket that every evaluation narrows, bisection when a
    step leaves it; ``ok`` as for :func:`_secant_solver`.
    """

    @register_jitable
    def root(args, x0, lo, hi, increasing, xtol):
        a, b = lo, hi
        x = min(max(x0, lo), hi)
        for _ in range(100):
            fx, dfx = f(x, args)
            if fx == 0.0:
                return x, True
            if (fx < 0.0) == increasing:
                a = x
            else:
                b = x
            x_new = x - fx / dfx if dfx != 0.0 else 0.5 * (a + b)
            if abs(x_new - x) <= xtol:  # converged (a last step may graze the bracket)
                x_new = min(max(x_new, lo), hi)
                side = _end_side(x_new, lo, hi, xtol)
                return x_new, side == 0 or not _beyond(f(lo if side < 0 else hi, args)[0], side, increasing)
            if not (a < x_new < b):
                x_new = 0.5 * (a + b)
            x = x_new
        return x, False

    return root


# --------------------------------------------------------------------------
# Blood
# --------------------------------------------------------------------------


@register_jitable
def _ph_residual(ph, args):
    """Henderson-Hasselbalch minus Van Slyke HCO3 and its slope (as lungs._ph_from_pco2)."""
    pco2, hb, be = args
    return blood._acid_base_residual(ph, pco2, hb, be), blood._acid_base_slope(ph, pco2, hb, be)


_ph_from_pco2 = _newton_solver(_ph_residual)


@register_jitable
def _o2_residual(p, args):
    o2c, hb, k = args
    return _o2c(p, hb, k) - o2c, _o2c_slope(p, hb, k)


_po2_for_o2_content = _newton_solver(_o2_residual)


@register_jitable
def _co2_content_residual(x, args):
    co2c, a, beta, s, k1, k0, g = args
    return _co2_on_line(x, a, beta, s, k1, k0, g)[1] - co2c


_ph_on_line = _secant_solver(_co2_content_residual)


@register_jitable
def _ph_for_co2_content(co2c, so2, hb, be, t, guess, slope0):
    """pH on the titration line with CO2 content co2c (oxygenator._ph_for_co2_content)."""
    a, beta, s, k1, k0, g = _co2_line(so2, hb, be, t)
    return _ph_on_line((co2c, a, beta, s, k1, k0, g), guess, _PH_MIN, _PH_MAX, False, _XTOL_PH, slope0)


@register_jitable
def _contents_residual(ph, args):
    """CO2 content at pH ``ph`` of the blood whose O2 content is ``o2c``, minus ``co2c`` [mL/dL].

    At each pH the PO2 with the O2 content (Bohr: the ODC at that pH and
    PCO2) gives the SO2, which sets the CO2 content (Haldane). Decreasing in
    pH. ``box`` holds the warm start of the PO2 solve and, in ``box[1]``, a
    failure flag.
    """
    o2c, co2c, hb, p50, be, t, box = args
    pco2 = _pco2_at_ph(ph, hb, be)
    factor = _shift(p50, ph, pco2, t)
    if box[0] <= 0.0:
        box[0] = _sev_inv(min(max(o2c / (_HUF * hb), 1e-12), 1.0 - 1e-12)) / factor
    po2, ok = _po2_for_o2_content((o2c, hb, factor), box[0], 0.0, _PO2_MAX, True, _XTOL_PO2)
    if not ok or po2 <= 0.0:
        box[1] = 1.0
    box[0] = po2
    return _co2_douglas(pco2, ph, _sev(po2 * factor), hb, t) - co2c


_ph_for_contents = _secant_solver(_contents_residual)


@register_jitable
def _from_contents(o2c, co2c, hb, p50, be, t, guesses, slot, box):
    """PO2, PCO2, pH and SO2 of the blood with the given contents; ok flag.

    The state :func:`ecmolib.oxygenator._outlet_from_contents` (and
    ``BloodGas.from_contents``) find by alternating the CO2 and O2 solves,
    found here by one secant iteration in pH on :func:`_contents_residual`
    (both contents then match). Warm starts in ``guesses[slot:slot + 3]``
    (pH, PO2, slope; 0 for none), updated; ``box``: a scratch array of 2.
    """
    if o2c <= 0.0 or co2c <= 0.0:
        return 0.0, 0.0, 0.0, 0.0, False
    box[0], box[1] = guesses[slot + 1], 0.0
    ph0 = guesses[slot] if guesses[slot] > 0.0 else 7.40
    args = (o2c, co2c, hb, p50, be, t, box)
    ph, ok, slope = _ph_for_contents(args, ph0, _PH_MIN, _PH_MAX, False, _XTOL_PH, guesses[slot + 2])
    _contents_residual(ph, args)  # the PO2 at the root
    po2 = box[0]
    pco2 = _pco2_at_ph(ph, hb, be)
    if not ok or box[1] != 0.0 or pco2 <= 0.0 or pco2 > _PCO2_MAX or po2 > _PO2_MAX:
        return 0.0, 0.0, 0.0, 0.0, False
    guesses[slot], guesses[slot + 1], guesses[slot + 2] = ph, po2, slope
    return po2, pco2, ph, _sev(po2 * _shift(p50, ph, pco2, t)), True


# --------------------------------------------------------------------------
# Oxygenator (oxygenator._exchange_block for one element)
# --------------------------------------------------------------------------


@register_jitable
def _co2_balance(x, args):
    """Blood-side CO2 loss minus exchanger removal [mL/min] at outlet pH x."""
    ph_in, q, g, k, p_in, c_in, a, beta, s, k1, k0, gg = args
    loss, removed = _co2_terms(x, ph_in, q, g, k, p_in, c_in, a, beta, s, k1, k0, gg)
    return loss - removed


_co2_outlet_ph = _secant_solver(_co2_balance)


@register_jitable
def _w_residual(w, args):
    """The O2 path equation in w = ln|Pg - P| and its slope (oxygenator._o2_path)."""
    pg, sign, b, k, e1, f1, e2r, e2i, f2r, f2i, phi_s, a, ws, tau, hb = args
    p = pg - sign * math.exp(w)
    h = b * (_phi(k * p, e1, f1, e2r, e2i, f2r, f2i) - phi_s) - a * (w - ws) - tau
    return h, -10.0 * _o2c_slope(p, hb, k)


_o2_path_w = _newton_solver(_w_residual)


@register_jitable
def _o2_path(o2c_in, k, hb, pg, tau, guesses, slot):
    """Start and outlet PO2 of the O2 path integral (oxygenator._o2_path); ok flag.

    Warm starts in ``guesses[slot:slot + 2]`` (start and outlet PO2; 0 for none), updated.
    """
    p0 = guesses[slot]
    if p0 <= 0.0:
        s0 = min(max(o2c_in / (_HUF * hb), 1e-12), 1.0 - 1e-12)
        p0 = min(_sev_inv(s0) / k, 1100.0)
    p_start, ok = _po2_for_o2_content((o2c_in, hb, k), p0, 0.0, 1100.0, True, _XTOL_PO2)
    if not ok or p_start <= 0.0:
        return 0.0, 0.0, False
    guesses[slot] = p_start
    d0 = abs(pg - p_start)
    if not d0 > 1e-9 * pg:
        return p_start, p_start, True
    e1, f1, e2r, e2i, f2r, f2i = _phi_coefficients(k * pg)
    b = 10.0 * _HUF * hb * k
    a = 10.0 * _o2c_slope(pg, hb, k)
    sign = 1.0 if pg > p_start else -1.0
    ws = math.log(d0)
    phi_s = _phi(k * p_start, e1, f1, e2r, e2i, f2r, f2i)
    w0 = ws
    p_guess = guesses[slot + 1]
    if p_guess > 0.0 and (pg > p_guess) == (sign > 0.0) and 0.0 < abs(pg - p_guess) < d0:
        w0 = math.log(abs(pg - p_guess))
    lo = ws - tau / (10.0 * _SOL) - 1.0
    args = (pg, sign, b, k, e1, f1, e2r, e2i, f2r, f2i, phi_s, a, ws, tau, hb)
    w, ok = _o2_path_w(args, w0, lo, ws, False, _XTOL_W)
    if not ok:
        return 0.0, 0.0, False
    p_end = pg - sign * math.exp(w)
    guesses[slot + 1] = p_end
    return p_start, p_end, True


@register_jitable
def _exchange(pco2_in, ph_in, so2_in, o2c_in, co2c_in, hb, p50, be, t, q, sweep, fdo2, pb,
              d_cap, k_cond, health, rated, exponent, shunt, guesses, col):
    """O2 transfer and CO2 removal [mL/min] of the membrane lung; ok flag.

    ``health``: the share of capacity left (oxygenator._capacity_factor);
    ``shunt``: the device shunt (the fibres see (1 - shunt) q). Writes the
    outlet contents and the first guesses of their inversion to ``col``
    (rows O_POST_*).
    """
    qx = q * (1.0 - shunt)
    # CO2: effectiveness-NTU.
    k_eff = k_cond * health
    g = 1000.0 * sweep / (pb - _WATER)
    a, beta, s, k1, k0, gg = _co2_line(so2_in, hb, be, t)
    p_in, c_in = _co2_on_line(ph_in, a, beta, s, k1, k0, gg)
    removal = 0.0
    ph_est = ph_in
    pco2_est = pco2_in
    if g > 1e-12:
        args = (ph_in, qx, g, k_eff, p_in, c_in, a, beta, s, k1, k0, gg)
        x0 = guesses[G_PH_CO2X]
        if not ph_in < x0 < _PH_MAX:
            x0 = min(ph_in + 0.02, 0.5 * (ph_in + _PH_MAX))
        x, ok, slope = _co2_outlet_ph(args, x0, ph_in, _PH_MAX, True, _XTOL_PH, guesses[G_SL_CO2X])
        beyond = not ok and _co2_balance(_PH_MAX, args) < 0.0
        if not ok and not beyond:
            return 0.0, 0.0, False
        if beyond:  # outlet held at pH 7.8 (oxygenator._co2_exchange with hold)
            x = _PH_MAX
        else:
            guesses[G_PH_CO2X], guesses[G_SL_CO2X] = x, slope
        loss, removed = _co2_terms(x, *args)
        removal = loss if beyond else removed
        ph_est = x
        pco2_est = max(_pco2_at_ph(ph_est, hb, be), 0.0)

    # O2: two passes of the path integral (the second on the outlet's ODC).
    pg = _gas_po2(fdo2, pb, sweep, removal)
    tau = d_cap * health * (q / rated) ** exponent / qx
    co2c_out = co2c_in - removal / (10.0 * qx)
    factor = _shift(p50, ph_est, pco2_est, t)
    p_start, p_end, ok = _o2_path(o2c_in, factor, hb, pg, tau, guesses, G_PATH_1)
    if not ok:
        return 0.0, 0.0, False
    guess = guesses[G_PH_EST] if guesses[G_PH_EST] > 0.0 else ph_est
    ph_est, ok, slope = _ph_for_co2_content(co2c_out, _sev(p_end * factor), hb, be, t, guess,
                                            guesses[G_SL_PH_EST])
    if not ok:
        return 0.0, 0.0, False
    guesses[G_PH_EST], guesses[G_SL_PH_EST] = ph_est, slope
    pco2_est = max(_pco2_at_ph(ph_est, hb, be), 0.0)
    factor = _shift(p50, ph_est, pco2_est, t)
    p_start, p_end, ok = _o2_path(o2c_in, factor, hb, pg, tau, guesses, G_PATH_2)
    if not ok:
        return 0.0, 0.0, False
    uptake = 10.0 * qx * (_o2c(p_end, hb, factor) - o2c_in)
    supply = 1000.0 * sweep * fdo2
    carry = -1000.0 * sweep / (pb - _WATER) * max(p_start - pg, 0.0)
    o2 = min(max(uptake, carry), supply)
    # The shunted blood joins at the outlet (contents mix).
    col[O_POST_O2C] = o2c_in + o2 / (10.0 * q)
    col[O_POST_CO2C] = co2c_in - removal / (10.0 * q)
    col[O_POST_PH] = ph_est
    col[O_POST_PO2] = p_end if shunt == 0.0 else 0.0
    return o2, removal, True


# --------------------------------------------------------------------------
# Native lungs (lungs._ventilated_units for one element)
# --------------------------------------------------------------------------


@register_jitable
def _lung_residual(ph, args):
    cv_co2, qv, va, pio2, a, hb, p50, be, t = args
    return _lung_balance(ph, cv_co2, qv, va, pio2, a, hb, p50, be, t)


_lung_ph = _secant_solver(_lung_residual)


@register_jitable
def _lungs(pa_o2, pa_co2, shunt, co, va, fio2, pb, hb, p50, be, t, guesses, col, ph_lo):
    """Native lungs for pulmonary-arterial contents: O2 uptake and CO2 output [mL/min].

    Writes the end-capillary, alveolar and arterial values to ``col``.
    """
    qv = (1.0 - shunt) * co
    pio2 = fio2 * (pb - _WATER)
    a = lungs._alveolar_factor(fio2, _RER)
    perfused = qv > _QV_MIN
    ph = 7.40
    if perfused:
        lo = ph_lo  # pH 6.8 or PCO2 200 mmHg (lungs._ph_lower)
        hi = lungs._ph_upper(hb, be)
        args = (pa_co2, qv, va, pio2, a, hb, p50, be, t)
        x0 = guesses[G_PH_LUNG]
        if not lo < x0 < hi:
            x0 = min(max(7.40, lo + 1e-3 * (hi - lo)), hi - 1e-3 * (hi - lo))
        ph, ok, slope = _lung_ph(args, x0, lo, hi, True, _XTOL_PH, guesses[G_SL_LUNG])
        balance = 0.0  # solved inside the bracket, to 1e-13 in pH
        if ok:
            guesses[G_SL_LUNG] = slope
        else:  # the root lies beyond an end: that end, and its imbalance (lungs._ventilated_units)
            balance = _lung_residual(hi, args)
            ph = hi
            if balance > 0.0:
                ph = lo
                balance = _lung_residual(lo, args)
        guesses[G_PH_LUNG] = ph
    pao2, po2, pco2, so2, ec_o2, ec_co2 = _capillary_state(ph, pio2, a, hb, p50, be, t)
    col[O_EC_PO2], col[O_EC_PCO2] = po2, pco2
    if perfused:
        col[O_PAO2], col[O_PACO2], col[O_BALANCE] = pao2, pco2, balance
    else:
        col[O_PAO2], col[O_PACO2], col[O_BALANCE] = pio2, 0.0, 0.0
        ec_o2, ec_co2 = pa_o2, pa_co2
    col[O_QV] = qv
    col[O_CA_O2] = shunt * pa_o2 + (1.0 - shunt) * ec_o2
    col[O_CA_CO2] = shunt * pa_co2 + (1.0 - shunt) * ec_co2
    return 10.0 * qv * (ec_o2 - pa_o2), 10.0 * qv * (pa_co2 - ec_co2)


# --------------------------------------------------------------------------
# One element
# --------------------------------------------------------------------------


@register_jitable
def _evaluate(po2, ph, e, ox, guesses, col, ph_lo):
    """O2 and CO2 balance residuals [mL/min] with pre-oxygenator blood (po2, ph); ok flag.

    ``e``: the element's inputs (rows I_*); ``ox``: the oxygenator's
    (diffusing capacity, CO2 conductance, health, rated flow, flow
    exponent). Writes the streams of this state to ``col`` (rows O_*).
    """
    hb, p50, be, t = e[I_HB], e[I_P50], e[I_BE], e[I_T]
    pco2 = _pco2_at_ph(ph, hb, be)
    so2 = blood._sat(po2, p50, ph, pco2, t)
    c_o2 = _HUF * hb * so2 + _SOL * po2
    c_co2 = _co2_douglas(pco2, ph, so2, hb, t)
    col[O_PRE_PO2], col[O_PRE_PCO2], col[O_PRE_PH] = po2, pco2, ph
    col[O_PRE_SO2], col[O_PRE_O2C], col[O_PRE_CO2C] = so2, c_o2, c_co2
    q = e[I_QEC]
    if q > _QEC_MIN:
        t_o2, t_co2, ok = _exchange(pco2, ph, so2, c_o2, c_co2, hb, p50, be, t, q, e[I_SWEEP], e[I_FDO2],
                                    e[I_PB], ox[0], ox[1], ox[2], ox[3], ox[4], ox[5], guesses, col)
        if not ok:
            return 0.0, 0.0, False
    else:
        t_o2, t_co2 = 0.0, 0.0
    co, qeff, reff = e[I_CO], e[I_QEFF], e[I_REFF]
    back = reff / (10.0 * qeff) if qeff > _QEC_MIN else 0.0
    v_o2 = c_o2 - back * t_o2
    v_co2 = c_co2 + back * t_co2
    if e[I_MODE] == VA:  # the venous blood goes to the lungs; ECMO blood to the arteries
        pa_o2, pa_co2 = v_o2, v_co2
    else:  # ECMO blood joins the venous return before the lungs
        pa_o2 = v_o2 + t_o2 / (10.0 * co)
        pa_co2 = v_co2 - t_co2 / (10.0 * co)
    l_o2, l_co2 = _lungs(pa_o2, pa_co2, e[I_SHUNT], co, e[I_VA], e[I_FIO2], e[I_PB], hb, p50, be, t,
                         guesses, col, ph_lo)
    col[O_T_O2], col[O_T_CO2], col[O_L_O2], col[O_L_CO2] = t_o2, t_co2, l_o2, l_co2
    col[O_V_O2], col[O_V_CO2], col[O_PA_O2], col[O_PA_CO2] = v_o2, v_co2, pa_o2, pa_co2
    do2 = 10.0 * co * col[O_CA_O2]
    if e[I_MODE] == VA:  # plus the post-oxygenator blood
        do2 += 10.0 * q * c_o2 + t_o2
    ceiling = _co2_douglas(e[I_PCO2_CEIL], e[I_PH_CEIL], so2, hb, t)  # as vv._residuals
    floor = _co2_douglas(e[I_PCO2_FLOOR], e[I_PH_FLOOR], so2, hb, t)
    f_o2, f_co2 = _balance_residuals(t_o2 + l_o2, t_co2 + l_co2, do2, e[I_VO2],
                                     e[I_VCO2], e[I_EMAX], po2, _PO2_FLOOR, v_co2, ceiling, c_co2, floor)
    return f_o2, f_co2, True


#: Broyden weight of a pH step relative to a relative PO2 step: a pH step
#: of d changes PCO2 by about ln(10) d relative.
_W_PH = _LN10 * _LN10
#: Largest pH step of one Newton iteration (PCO2 by about 30 %, as the numpy solver).
_PH_STEP_MAX = 0.3 / _LN10


@register_jitable
def _ph_range(hb, be, ph_range):
    """pH range of the pre-oxygenator blood: PCO2 within the blood model's (lungs._pco2_bounds)."""
    ph_range[1] = lungs._ph_upper(hb, be)
    lo = _PH_MIN
    if _pco2_at_ph(_PH_MIN, hb, be) > _PCO2_MAX:
        lo, _ = _ph_from_pco2((_PCO2_MAX, hb, be), _PH_MAX, _PH_MIN, _PH_MAX, True, 1e-13)
    ph_range[0] = lo + 1e-9


@register_jitable
def _solve_element(e, x, jac, warm, ph_range, ox, guesses, col):
    """Close both balances of one element; the streams of the solution end in ``col``.

    Unknowns: PO2 and pH of the pre-oxygenator blood (PCO2 follows on the
    Van Slyke line, so no inner pH solve). Starts from ``x`` with Jacobian
    ``jac`` (row-major 2x2) if ``warm``, else from the element's cold guess
    with a forward-difference Jacobian; Newton steps limited as the numpy
    solver's (PO2 by half, PCO2 by about 30 %), Jacobian kept and corrected
    by Broyden's update while the residual falls at least twofold per step.
    On success ``x`` and ``jac`` hold the solution and its Jacobian.
    Returns the number of balance evaluations, negative on failure.
    """
    hb, be = e[I_HB], e[I_BE]
    lo0, hi0 = _PO2_FLOOR, _PO2_MAX
    lo1, hi1 = ph_range[0], ph_range[1]
    s0, s1 = e[I_VO2], e[I_VCO2]
    if warm:
        x0, x1 = x[0], x[1]
        j11, j12, j21, j22 = jac[0], jac[1], jac[2], jac[3]
        fresh = False
    else:
        # The cold guess (from ecmolib.vv): PCO2 and the saturation of the
        # pre-oxygenator blood; its PO2 on the ODC at that PCO2.
        x1, ok = _ph_from_pco2((e[I_X0_PCO2], hb, be), _PH_MAX, _PH_MIN, _PH_MAX, True, 1e-13)
        x0 = _sev_inv(e[I_X0_SO2]) / _shift(e[I_P50], x1, e[I_X0_PCO2], e[I_T])
        j11 = j12 = j21 = j22 = 0.0
        fresh = True
    x0 = min(max(x0, lo0), hi0)
    x1 = min(max(x1, lo1), hi1)
    evals = 0
    have_prev = False
    px0 = px1 = pf0 = pf1 = 0.0
    norm_prev = np.inf
    pinned = 0
    retries = 0
    for _ in range(_MAX_ITER):
        f0, f1, ok = _evaluate(x0, x1, e, ox, guesses, col, lo1)
        evals += 1
        if not ok:
            # A trial point left a submodel's range: halve the step back.
            retries += 1
            if not have_prev or retries > 30:
                return -evals
            x0, x1 = 0.5 * (x0 + px0), 0.5 * (x1 + px1)
            continue
        if have_prev and not fresh:
            # Broyden's rank-one update with a weighted step (as the numpy solver).
            dx0, dx1 = x0 - px0, x1 - px1
            w0 = dx0 / max(px0, 1e-12) ** 2
            w1 = dx1 * _W_PH
            den = dx0 * w0 + dx1 * w1
            if den > 0.0:
                r0 = (f0 - pf0) - (j11 * dx0 + j12 * dx1)
                r1 = (f1 - pf1) - (j21 * dx0 + j22 * dx1)
                j11 += r0 * w0 / den
                j12 += r0 * w1 / den
                j21 += r1 * w0 / den
                j22 += r1 * w1 / den
        rel = max(abs(f0) / s0, abs(f1) / s1)
        if rel <= _RTOL:
            x[0], x[1] = x0, x1
            jac[0], jac[1], jac[2], jac[3] = j11, j12, j21, j22
            return evals
        if fresh:
            h0 = _FD_STEP * x0
            if x0 + h0 > hi0:
                h0 = -h0
            h1 = _FD_STEP * x1
            if x1 + h1 > hi1:
                h1 = -h1
            g0, g1, ok_a = _evaluate(x0 + h0, x1, e, ox, guesses, col, lo1)
            k0, k1, ok_b = _evaluate(x0, x1 + h1, e, ox, guesses, col, lo1)
            evals += 2
            if not (ok_a and ok_b):
                return -evals
            j11, j21 = (g0 - f0) / h0, (g1 - f1) / h0
            j12, j22 = (k0 - f0) / h1, (k1 - f1) / h1
        fresh = rel > _REFRESH_RATIO * norm_prev
        norm_prev = rel
        det = j11 * j22 - j12 * j21
        if det != 0.0:
            d0 = -(j22 * f0 - j12 * f1) / det
            d1 = -(-j21 * f0 + j11 * f1) / det
        else:  # singular: step the way each residual points (as lungs._solve_balances)
            d0 = -x0 if f0 < 0.0 else x0
            d1 = -1.0 if f1 < 0.0 else 1.0
            fresh = True
        factor = min(1.0, 0.5 * x0 / max(abs(d0), 1e-300), _PH_STEP_MAX / max(abs(d1), 1e-300))
        if (x0 <= lo0 and d0 < 0.0) or (x1 <= lo1 and d1 < 0.0):
            pinned += 1  # the solution lies beyond a bound
            if pinned >= 3:
                return -evals
        else:
            pinned = 0
        px0, px1, pf0, pf1 = x0, x1, f0, f1
        have_prev = True
        x0 = min(max(x0 + factor * d0, lo0), hi0)
        x1 = min(max(x1 + factor * d1, lo1), hi1)
    return -evals


@register_jitable
def _invert(col, o2_row, co2_row, po2_row, props_row, e, guesses, slot, box):
    """PO2 and PCO2 of the stream with contents ``col[o2_row]``, ``col[co2_row]``; ok flag.

    Writes them to ``col[po2_row]`` and ``col[po2_row + 1]``, and, if
    ``props_row`` >= 0, the SO2 and the O2 and CO2 contents recomputed from
    them to ``col[props_row:props_row + 3]``.
    """
    hb, p50, be, t = e[I_HB], e[I_P50], e[I_BE], e[I_T]
    co2c = col[co2_row]
    po2, pco2, ph, so2, ok = _from_contents(col[o2_row], co2c, hb, p50, be, t, guesses, slot, box)
    if not ok or pco2 > _PCO2_MAX:
        # Beyond the blood model's range: shown at its edge, as
        # ecmolib.vv._invert does (CO2 content between the alkaline edge's
        # content of deoxygenated blood and the acidic edge's of oxygenated
        # blood).
        low = _co2_douglas(max(_pco2_at_ph(_PH_MAX, hb, be), 0.0), _PH_MAX, 0.0, hb, t) * (1.0 + 1e-9)
        top = min(_pco2_at_ph(_PH_MIN, hb, be), _PCO2_MAX) * (1.0 - 1e-9)
        ph_top, ok_top = _ph_from_pco2((top, hb, be), _PH_MAX, _PH_MIN, _PH_MAX, True, 1e-13)
        high = _co2_douglas(top, ph_top, 1.0, hb, t) * (1.0 - 1e-9)
        co2c = min(max(co2c, low), high)
        guesses[slot] = 0.0
        po2, pco2, ph, so2, ok = _from_contents(col[o2_row], co2c, hb, p50, be, t, guesses, slot, box)
        ok = ok and ok_top and pco2 <= _PCO2_MAX
    if ok:
        col[po2_row], col[po2_row + 1] = po2, pco2
        if props_row >= 0:
            col[props_row], col[props_row + 1] = so2, _HUF * hb * so2 + _SOL * po2
            col[props_row + 2] = _co2_douglas(pco2, ph, so2, hb, t)
    return ok


@register_jitable
def _copy(col, src, dst, n):
    for k in range(n):
        col[dst + k] = col[src + k]


@register_jitable
def _streams(e, guesses, col, box):
    """Post-oxygenator, arterial, venous and pulmonary-arterial pressures from their contents."""
    if e[I_QEC] > _QEC_MIN:
        # Without device shunt the fibres' outlet is the post-oxygenator
        # blood: start from it. With shunt, from the last element's roots
        # (carried and extrapolated as the other inner roots), which lie much
        # closer than the fibres' outlet pH with no PO2 guess.
        if col[O_POST_PO2] > 0.0 or guesses[G_INV_POST + 1] <= 0.0:
            guesses[G_INV_POST], guesses[G_INV_POST + 1] = col[O_POST_PH], col[O_POST_PO2]
        if not _invert(col, O_POST_O2C, O_POST_CO2C, O_POST_PO2, O_POST_SO2, e, guesses, G_INV_POST, box):
            return False
    else:
        _copy(col, O_PRE_PO2, O_POST_PO2, 2)
        _copy(col, O_PRE_SO2, O_POST_SO2, 3)
    if not _invert(col, O_CA_O2, O_CA_CO2, O_ART_PO2, O_A_SO2, e, guesses, G_INV_ART, box):
        return False
    if e[I_REFF] == 0.0:  # venous = pre-oxygenator blood
        _copy(col, O_PRE_PO2, O_VEN_PO2, 2)
        _copy(col, O_PRE_SO2, O_V_SO2, 3)
    elif not _invert(col, O_V_O2, O_V_CO2, O_VEN_PO2, O_V_SO2, e, guesses, G_INV_VEN, box):
        return False
    if col[O_CA_O2] == col[O_PA_O2] and col[O_CA_CO2] == col[O_PA_CO2]:  # all blood shunted
        _copy(col, O_ART_PO2, O_PA_PO2, 2)
    elif e[I_MODE] == VA:  # the lungs get venous blood
        _copy(col, O_VEN_PO2, O_PA_PO2, 2)
    elif not _invert(col, O_PA_O2, O_PA_CO2, O_PA_PO2, -1, e, guesses, G_INV_PA, box):
        return False
    if e[I_MODE] == VA:  # each region: native and post-oxygenator blood mixed by content
        for k in range(N_REGIONS):
            row = O_REGION + 5 * k
            phi = e[I_PHI + k]
            if phi == 1.0 or phi == 0.0:  # all native or all ECMO blood: known
                src_p, src_s = (O_ART_PO2, O_A_SO2) if phi == 1.0 else (O_POST_PO2, O_POST_SO2)
                _copy(col, src_p, row, 2)
                _copy(col, src_s, row + 2, 3)
                continue
            col[row + 3] = phi * col[O_CA_O2] + (1.0 - phi) * col[O_POST_O2C]
            col[row + 4] = phi * col[O_CA_CO2] + (1.0 - phi) * col[O_POST_CO2C]
            # (the SO2 and the contents recomputed from the inverted state land
            # in rows + 2 .. + 4)
            if not _invert(col, row + 3, row + 4, row, row + 2, e, guesses, G_INV_REGION + 3 * k, box):
                return False
    return True


@register_jitable
def _close(e, prev):
    """Whether element inputs ``e`` lie close to ``prev`` (warm start allowed).

    Within 5 % of each other, or 0.02 apart (fractions near 0).
    """
    for r in range(_N_COMPARED):
        u, v = e[r], prev[r]
        if abs(u - v) > 0.05 * max(abs(u), abs(v)) + 0.02:
            return False
    return True


@register_jitable
def _even_steps(e, prev, prev2):
    """Whether ``e``, ``prev`` and ``prev2`` follow each other at nearly even steps (a grid line).

    Each input's second difference must stay within a tenth of its step.
    """
    for r in range(_N_COMPARED):
        if abs(e[r] - 2.0 * prev[r] + prev2[r]) > 0.1 * abs(e[r] - prev[r]) + 1e-12 * abs(e[r]):
            return False
    return True


@numba.njit(cache=True, nogil=True)
def _solve_range(inputs, ox, out, start, stop, row):
    """Elements ``start`` to ``stop`` - 1, in order with warm starts, into ``out``.

    An element whose inputs lie close to the last solved element's starts
    from its solution and Jacobian; where the last three (or two) lie on a
    straight line with it at even steps, as along a grid line, from their
    quadratic (or linear) extrapolation, the Jacobian extrapolated linearly.

    ``row`` > 0: the elements form rows of ``row`` elements (a grid, row by
    row, as a broadcast (rows, columns) array lies in memory). The element
    one row back, ``i - row``, was then predicted the same way from its own
    row; the error of that prediction, its solution minus its prediction,
    changes little from one row to the next and is added to this element's
    prediction (both predictions of the same order, the element one row
    back close to this one). The first element of a row, which has no
    neighbour along its row, starts from the element one row back. The
    starting point only saves evaluations: every element still closes its
    balances to the same tolerance.

    Runs without Python's global interpreter lock, so that ranges can be
    solved in parallel threads.
    """
    e = np.empty(N_IN)
    hist = np.empty((3, N_IN))  # inputs of the last three solved elements, newest first
    xh = np.zeros((3, 2))  # their solutions
    jh = np.zeros((2, 4))  # the last two Jacobians
    gh = np.zeros((2, _N_GUESS))  # the last two sets of inner roots
    x = np.zeros(2)
    jac = np.zeros(4)
    guesses = np.zeros(_N_GUESS)
    col = np.zeros(_N_OUT)
    box = np.zeros(2)
    hb_be = np.full(2, np.nan)  # the Hb and BE of ph_range
    ph_range = np.zeros(2)
    # Per element of the range (row > 0): the order of its own-row prediction
    # (-1: not solved, 0: none, 1 linear, 2 quadratic), that prediction, its
    # solution and Jacobian.
    m = stop - start if row > 0 else 0
    order = np.full(m, -1)
    pred = np.zeros((m, 2))
    xs = np.zeros((m, 2))
    js = np.zeros((m, 4))
    gp = np.zeros((m, _N_GUESS))  # predicted inner roots
    gs = np.zeros((m, _N_GUESS))  # inner roots at the solution
    solved = 0  # consecutive solved elements before this one (at most 3 counted)
    for i in range(start, stop):
        for r in range(N_IN):
            e[r] = inputs[r, i]
        warm = solved > 0 and _close(e, hist[0])
        kind = 0
        if warm:
            x[:] = xh[0]
            jac[:] = jh[0]
            guesses[:] = gh[0]
            if solved > 1 and _even_steps(e, hist[0], hist[1]):
                for k in range(4):
                    jac[k] = 2.0 * jh[0, k] - jh[1, k]
                for k in range(_N_GUESS):  # the inner roots too (0: none yet)
                    if gh[0, k] != 0.0 and gh[1, k] != 0.0:
                        guesses[k] = 2.0 * gh[0, k] - gh[1, k]
                if solved > 2 and _even_steps(hist[0], hist[1], hist[2]):
                    kind = 2
                    for k in range(2):
                        x[k] = 3.0 * xh[0, k] - 3.0 * xh[1, k] + xh[2, k]
                else:
                    kind = 1
                    for k in range(2):
                        x[k] = 2.0 * xh[0, k] - xh[1, k]
        else:
            guesses[:] = 0.0
        if m > 0:
            a = i - start
            if a >= 0:
                pred[a, 0], pred[a, 1] = x[0], x[1]
                gp[a, :] = guesses
            b = a - row
            if b >= 0 and order[b] >= 0 and _close(e, inputs[:, i - row]):
                c = b - row  # two rows back: extrapolated linearly across rows
                across = c >= 0 and order[c] >= 0 and _even_steps(e, inputs[:, i - row], inputs[:, i - 2 * row])
                if warm and order[b] == kind:
                    if across and order[c] == kind:
                        for k in range(2):
                            x[k] += 2.0 * (xs[b, k] - pred[b, k]) - (xs[c, k] - pred[c, k])
                    else:
                        for k in range(2):
                            x[k] += xs[b, k] - pred[b, k]
                    for k in range(_N_GUESS):  # the inner roots too, where all are known
                        if guesses[k] != 0.0 and gs[b, k] != 0.0 and gp[b, k] != 0.0:
                            guesses[k] += gs[b, k] - gp[b, k]
                elif not warm:  # first of its row: from the elements one (and two) rows back
                    if across:
                        for k in range(2):
                            x[k] = 2.0 * xs[b, k] - xs[c, k]
                        for k in range(4):
                            jac[k] = 2.0 * js[b, k] - js[c, k]
                    else:
                        x[:] = xs[b]
                        jac[:] = js[b]
                    warm = True
        if e[I_HB] != hb_be[0] or e[I_BE] != hb_be[1]:
            hb_be[0], hb_be[1] = e[I_HB], e[I_BE]
            _ph_range(e[I_HB], e[I_BE], ph_range)
        evals = _solve_element(e, x, jac, warm, ph_range, ox, guesses, col)
        if evals < 0 and warm:  # retry from the cold guess
            guesses[:] = 0.0
            evals = _solve_element(e, x, jac, False, ph_range, ox, guesses, col) - abs(evals)
        ok = evals > 0 and _streams(e, guesses, col, box)
        if ok:
            hist[2], hist[1], hist[0] = hist[1], hist[0], e
            xh[2], xh[1], xh[0] = xh[1], xh[0], x
            jh[1], jh[0] = jh[0], jac
            gh[1], gh[0] = gh[0], guesses
            solved = min(solved + 1, 3)
            for r in range(_N_OUT):
                out[r, i] = col[r]
            out[O_STATUS, i] = OK
            if m > 0:
                a = i - start
                order[a] = kind
                xs[a, 0], xs[a, 1] = x[0], x[1]
                for k in range(4):
                    js[a, k] = jac[k]
                gs[a, :] = guesses
        else:
            solved = 0
            out[O_STATUS, i] = FAILED
        out[O_EVALS, i] = abs(evals)


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------

_CACHE_CHECKED = False


def _check_cache():
    """Clear numba's cache of this module if a module it compiles has changed."""
    here = Path(__file__).resolve()
    sources = [here] + [Path(m.__file__).resolve() for m in (blood, _oxy, lungs, tissues)]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()
    cache = here.parent / "__pycache__"
    stamp = cache / f"{here.stem}.sources"
    try:
        if stamp.read_text() == digest:
            return
    except OSError:
        pass
    try:
        for f in cache.glob(f"{here.stem}.*.nb[ic]"):
            f.unlink()
        cache.mkdir(exist_ok=True)
        stamp.write_text(digest)
    except OSError:  # a read-only install: numba then caches elsewhere, keyed by this file
        pass


#: Most threads :func:`solve` uses (benchmarks set 1 to time one core).
_MAX_WORKERS = 8

#: Whether :func:`solve` starts the elements of a grid from the row before
#: (:func:`_row_length`, :func:`_solve_range`); benchmarks set False to
#: compare.
_ROW_PREDICTION = True


def _workers():
    """Threads to use: the processors this process may run on, at most :data:`_MAX_WORKERS`."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, _MAX_WORKERS))


def _row_length(inputs):
    """Length of the rows if the elements form a grid row by row, else 0.

    A row ends at the first element that is not a close neighbour of the one
    before it (the inputs jump back, as from the end of one row of a
    broadcast (rows, columns) grid to the start of the next); the elements
    form rows of that length if there are at least three whole rows and
    every such jump falls at the end of a row. Only a hint for the starting
    points of :func:`_solve_range` (each element still checks that the one
    a row back is a close neighbour).
    """
    n = inputs.shape[1]
    if n < 9:
        return 0
    a, b = inputs[:_N_COMPARED, :-1], inputs[:_N_COMPARED, 1:]
    near = np.all(np.abs(b - a) <= 0.05 * np.maximum(np.abs(a), np.abs(b)) + 0.02, axis=0)
    jumps = np.flatnonzero(~near) + 1  # first elements after a jump
    if jumps.size == 0:
        return 0
    row = int(jumps[0])
    if row < 3 or n % row or n < 3 * row or np.any(jumps % row):
        return 0
    return row


def solve(inputs, d_cap, k_cond, health, rated_flow_l_min, o2_flow_exponent, shunt):
    """Solve every element of ``inputs`` (rows I_*, float array (N_IN, n)).

    The oxygenator enters as its calibrated O2 diffusing capacity and CO2
    conductance (healthy device), health, rated flow [L/min] and O2 flow
    exponent. Returns a dict of flat arrays named as :data:`OUTPUTS`;
    ``status`` is :data:`OK` (0) where the element was solved.
    """
    global _CACHE_CHECKED
    if not _CACHE_CHECKED:
        _check_cache()
        _CACHE_CHECKED = True
    inputs = np.ascontiguousarray(inputs, dtype=float)
    n = inputs.shape[1]
    ox = np.array([d_cap, k_cond, health, rated_flow_l_min, o2_flow_exponent, shunt], dtype=float)
    out = np.full((_N_OUT, n), np.nan)
    workers = _workers()
    row = _row_length(inputs) if _ROW_PREDICTION else 0
    # Chunks of at least 256 elements, four per worker (they take unequal
    # times), made of whole rows where the elements form a grid.
    n_chunks = max(1, min(n // 256, 4 * workers))
    unit = row if row > 0 else 1
    edges = [((c * (n // unit)) // n_chunks) * unit for c in range(n_chunks)] + [n]
    ranges = [(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]
    if workers == 1 or len(ranges) == 1:
        for start, stop in ranges:
            _solve_range(inputs, ox, out, start, stop, row)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for done in [pool.submit(_solve_range, inputs, ox, out, start, stop, row)
                         for start, stop in ranges]:
                done.result()
    return dict(zip(OUTPUTS, out))
