"""Tests for ecmolib.oxygenator: rated flow, published O2 and CO2 figures,
the physics of the exchange (hypothesis), mass balances, membrane health,
vectorisation and bad input.

Every published value names its source; every tolerance says why.
"""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from ecmolib import blood, oxygenator, patients
from ecmolib.blood import BloodGas
from ecmolib.oxygenator import (
    ADULT,
    NEONATAL,
    PAEDIATRIC,
    ExchangeResult,
    Oxygenator,
    co2_conductance_ml_min_mmhg,
    exchange,
    o2_diffusing_capacity_ml_min_mmhg,
    pressure_drop_mmhg,
    rated_flow_inlet,
    sweep_gas_po2_mmhg,
)

PRESETS = (ADULT, PAEDIATRIC, NEONATAL)
IDS = ("adult", "paediatric", "neonatal")
FAST = settings(max_examples=40, deadline=None)

device = st.sampled_from(PRESETS)
fractions_of_rated = st.floats(min_value=0.1, max_value=1.5, allow_nan=False)


def standard_inlet(pco2_mmhg=45.0, so2=0.65, hb_g_dl=12.0):
    """Venous blood of given SO2 at its own pH (for the CO2 reference figures).

    Defaults: the ISO 7199 / AAMI test blood (SvO2 65 %, Hb 12 g/dL, PCO2
    45 mmHg), the blood the module assumes for its CO2 calibration.
    """
    ph = blood.ph_from_pco2(pco2_mmhg, hb_g_dl=hb_g_dl)
    po2 = float(blood.po2_from_saturation(so2, ph=ph, pco2_mmhg=pco2_mmhg))
    return BloodGas(po2_mmhg=po2, pco2_mmhg=pco2_mmhg, hb_g_dl=hb_g_dl)


def at_rated(ox, fraction=1.0, **kwargs):
    """The rated-flow test: standard inlet, FdO2 1.0, sweep = blood flow (V/Q 1)."""
    q = fraction * ox.rated_flow_l_min
    kwargs.setdefault("sweep_l_min", q)
    kwargs.setdefault("fdo2", 1.0)
    return exchange(ox, rated_flow_inlet(), q, **kwargs)


# ---------------------------------------------------------------------------
# Presets against their cited data
# ---------------------------------------------------------------------------
class TestPresetData:
    def test_blood_flow_ranges_from_fda_510k(self):
        # FDA 510(k) K150267: QUADROX-iD Adult "blood flow rate is defined from
        # 0.5 - 7 l/min"; K100278: QUADROX-iD Pediatric "0.2 - 2.8 l/min".
        assert ADULT.max_blood_flow_l_min == 7.0
        assert PAEDIATRIC.max_blood_flow_l_min == 2.8

    def test_data_sheet_values(self):
        # Manufacturer data-sheet values (marked as assumptions in the
        # module: not re-verified against the primary document).
        assert (ADULT.membrane_area_m2, ADULT.prime_ml) == (1.8, 250.0)
        assert (PAEDIATRIC.membrane_area_m2, PAEDIATRIC.prime_ml) == (0.8, 81.0)
        assert (NEONATAL.membrane_area_m2, NEONATAL.prime_ml) == (0.38, 38.0)
        assert NEONATAL.max_blood_flow_l_min == 1.5

    @pytest.mark.parametrize("ox", PRESETS, ids=IDS)
    def test_reserve_at_the_labelled_maximum_flow(self, ox):
        # The presets' rated flows (Notes [d] of Oxygenator, an assumption)
        # are solved so that the ISO 7199 test blood (SO2 65 %, Hb 12 g/dL,
        # PCO2 45 mmHg, FdO2 1.0, V/Q 1) still leaves at 99 % saturation at
        # the labelled maximum flow, then rounded to 0.1 L/min. Tolerance
        # 0.002: the rounding moves the outlet SO2 by at most 0.0012.
        assert ox.rated_flow_l_min > ox.max_blood_flow_l_min
        q = ox.max_blood_flow_l_min
        r = exchange(ox, rated_flow_inlet(), q, sweep_l_min=q, fdo2=1.0)
        assert float(r.outlet.so2) == pytest.approx(0.99, abs=0.002)
        # On the flat top of the ODC: a post-oxygenator PO2 above the
        # ~150 mmHg that ELSO asks to aim for by turning the FdO2 down would
        # need a still lower flow; at the maximum it is 120-150 mmHg.
        assert 120.0 < float(r.outlet.po2_mmhg) < 150.0

    def test_co2_references(self):
        # Intensive Care Med Exp 2019, doi:10.1186/s40635-019-0244-3, CO2
        # elimination normalised to inlet PCO2 45 mmHg: 0.8 m2 lung 101 mL/min
        # at 1.8 L/min blood, 8 L/min sweep; 0.4 m2 lung 41 mL/min at 0.9 L/min,
        # 8 L/min sweep.
        for ox in (ADULT, PAEDIATRIC):
            assert (ox.co2_reference_removal_ml_min, ox.co2_reference_blood_flow_l_min,
                    ox.co2_reference_sweep_l_min, ox.co2_reference_pco2_mmhg,
                    ox.co2_reference_membrane_area_m2) == (101.0, 1.8, 8.0, 45.0, 0.8)
        assert (NEONATAL.co2_reference_removal_ml_min, NEONATAL.co2_reference_blood_flow_l_min,
                NEONATAL.co2_reference_sweep_l_min, NEONATAL.co2_reference_pco2_mmhg,
                NEONATAL.co2_reference_membrane_area_m2) == (41.0, 0.9, 8.0, 45.0, 0.4)

    def test_pressure_drop_references_respect_published_bounds(self):
        # Karagiannidis 2017 (doi:10.1186/s40635-017-0147-0), 1 L/min: a 0.4 m2
        # lung "more than 50 mmHg", a 1.3 m2 lung "< 10 mmHg". The presets lie
        # on the power law through those two bounds (hand-derived below).
        exponent = np.log(5.0) / np.log(1.3 / 0.4)
        for ox in PRESETS:
            assert ox.pressure_drop_reference_flow_l_min == 1.0
            expected = 50.0 * (0.4 / ox.membrane_area_m2) ** exponent
            assert ox.pressure_drop_reference_mmhg == pytest.approx(expected, abs=0.05)  # rounded to 0.1
        assert NEONATAL.pressure_drop_reference_mmhg > 50.0  # smaller than the 0.4 m2 lung
        assert ADULT.pressure_drop_reference_mmhg < 10.0  # larger than the 1.3 m2 lung

    def test_presets_are_healthy_and_frozen(self):
        for ox in PRESETS:
            assert ox.health == 1.0
            with pytest.raises(dataclasses.FrozenInstanceError):
                ox.health = 0.5


# ---------------------------------------------------------------------------
# Rated flow and O2 transfer
# ---------------------------------------------------------------------------
class TestRatedFlow:
    def test_inlet_is_the_rated_flow_blood(self):
        # ISO 7199 / AAMI in-vitro test blood (as quoted in the Terumo Capiox
        # FX25 instructions for use): SvO2 65 +/- 5 %, Hb 12 +/- 1 g/dL, PvCO2
        # 45 +/- 5 mmHg; the module uses the centre values.
        inlet = rated_flow_inlet()
        assert oxygenator.RATED_INLET_SO2 == 0.65
        assert float(inlet.so2) == pytest.approx(0.65, abs=1e-9)
        assert float(inlet.hb_g_dl) == 12.0 and float(inlet.pco2_mmhg) == 45.0

    @pytest.mark.parametrize("ox", PRESETS, ids=IDS)
    def test_outlet_so2_is_95_percent_at_rated_flow(self, ox):
        # Definition of rated flow (Fernando et al. 2017, ISO 7199): 95 % out.
        # +/-0.5 % is the tolerance the calibration must meet (it is solved to
        # ~1e-12; the tolerance allows for the blood module's own solvers).
        assert float(at_rated(ox).outlet.so2) == pytest.approx(0.95, abs=0.005)

    @pytest.mark.parametrize("ox", PRESETS, ids=IDS)
    def test_outlet_so2_falls_above_rated_flow(self, ox):
        assert float(at_rated(ox, 1.2).outlet.so2) < 0.95 - 0.005
        assert float(at_rated(ox, 1.5).outlet.so2) < float(at_rated(ox, 1.2).outlet.so2)

    @pytest.mark.parametrize("ox", PRESETS, ids=IDS)
    def test_o2_transfer_at_rated_flow(self, ox):
        # Hand derivation from the ISO 7199 definition (65 % in, 95 % out):
        # Q * 10 dL/L * (1.34 * Hb * (0.95 - 0.65) + 0.003 * dPO2).
        # The bound part is Q * 10 * 1.34 * 12 * 0.30 (338 mL/min at 7 L/min);
        # the dissolved part, with PO2 rising from ~35 to ~75 mmHg, adds
        # Q * 10 * 0.003 * ~40 (about 1.2 mL/min per L/min). Bounds: the bound
        # part (less the +/-0.5 % SO2 tolerance) and the bound part plus the
        # dissolved O2 of a PO2 rise of at most 100 mmHg.
        q = ox.rated_flow_l_min
        bound = q * 10 * 1.34 * 12 * 0.30
        r = at_rated(ox)
        transfer = float(r.o2_transfer_ml_min)
        assert bound * (1 - 0.005 / 0.30) <= transfer <= bound + q * 10 * 0.003 * 100
        dissolved = q * 10 * 0.003 * (float(r.outlet.po2_mmhg) - float(rated_flow_inlet().po2_mmhg))
        so2_gain = float(r.outlet.so2) - 0.65
        assert transfer == pytest.approx(q * 10 * 1.34 * 12 * so2_gain + dissolved, rel=1e-9)

    @pytest.mark.parametrize("ox", PRESETS, ids=IDS)
    def test_o2_transfer_per_area_near_published_range(self, ox):
        # Fernando et al. 2017 (doi:10.1097/MAT.0000000000000616): the
        # hollow-fibre lungs of their reference exchange 100-200 mL
        # O2/min/m2 at rated flow. The presets' assumed rated flows (chosen
        # for a reserve at the labelled maximum flow, Notes [d]) put them
        # 2-17 % above the top of that range; the test bounds the excess at
        # 20 % so that a larger departure must be argued anew.
        per_m2 = float(at_rated(ox).o2_transfer_ml_min) / ox.membrane_area_m2
        assert 100.0 <= per_m2 <= 1.2 * 200.0

    @pytest.mark.parametrize("ox", PRESETS, ids=IDS)
    def test_outlet_po2_is_several_hundred_at_ordinary_flow(self, ox):
        # Below rated flow the haemoglobin saturates early and the dissolved
        # O2 approaches the gas PO2 (713 mmHg): at half rated flow the outlet
        # PO2 is hundreds of mmHg, and never above the gas PO2.
        r = at_rated(ox, 0.5)
        assert 300.0 < float(r.outlet.po2_mmhg) <= float(r.gas_po2_mmhg) + 1e-6

    @pytest.mark.parametrize("ox", PRESETS, ids=IDS)
    def test_diffusing_capacity_bounded_by_hand(self, ox):
        # Q dC = D (Pg - P) dx with Pg - P between Pg - P_in and Pg - P_out
        # along the path, so D lies between VO2 / (Pg - P_in) and
        # VO2 / (Pg - P_out) (mean-value theorem). Hand values for the
        # ISO 7199 rated-flow test: Pg = 713 mmHg (FdO2 1.0, 760 mmHg),
        # P_in about 35 mmHg (SvO2 65 %), P_out about 75 mmHg (SO2 95 %),
        # VO2 from test_o2_transfer_at_rated_flow. Margins: P_in taken as
        # 25 mmHg (the Bohr shift of the CO2 removal lowers the starting PO2
        # on the outlet ODC), P_out as 100 mmHg, and the dissolved O2 of a
        # 100 mmHg rise. With the 75 % inlet of the first design, D fell below
        # the lower bound (0.351 for the adult lung, bound 0.49).
        q = ox.rated_flow_l_min
        vo2_low = q * 10 * 1.34 * 12 * 0.30
        vo2_high = vo2_low + q * 10 * 0.003 * 100
        d = o2_diffusing_capacity_ml_min_mmhg(ox)
        assert vo2_low / (713.0 - 25.0) <= d <= vo2_high / (713.0 - 100.0)

    def test_adult_post_oxygenator_po2_is_high_at_ordinary_flow(self):
        # ELSO advises turning the sweep FdO2 down to aim for a post-
        # oxygenator PO2 around 150 mmHg because on FdO2 1.0 a working
        # oxygenator gives more (Winiszewski et al. 2022,
        # doi:10.1186/s13054-022-04102-0). A new adult lung at 4.5 L/min with
        # ordinary venous blood (PO2 35, PCO2 48 mmHg, Hb 12 g/dL; SO2 ~63 %)
        # must therefore exceed 150 mmHg, and stay below the gas PO2
        # (713 mmHg). The 75 % calibration of the first design gave ~76 mmHg.
        inlet = BloodGas(po2_mmhg=35.0, pco2_mmhg=48.0, hb_g_dl=12.0)
        r = exchange(ADULT, inlet, 4.5, sweep_l_min=4.5, fdo2=1.0)
        assert 150.0 < float(r.outlet.po2_mmhg) < 713.0
        assert float(r.outlet.so2) > 0.99  # PO2 > 150 mmHg is on the flat top of the ODC

    def test_calibrated_capacity_positive_and_scales_with_health(self):
        d = o2_diffusing_capacity_ml_min_mmhg(ADULT)
        assert d > 0
        half = dataclasses.replace(ADULT, health=0.5)
        assert o2_diffusing_capacity_ml_min_mmhg(half) == pytest.approx(0.5 * d, rel=1e-12)


class TestO2PathNumerics:
    @pytest.mark.parametrize(
        "o2c_in, pg, tau",
        [(12.5, 713.0, 0.05), (12.5, 713.0, 0.03), (8.0, 713.0, 0.06), (12.5, 713.0, 0.2),
         (10.0, 150.0, 0.1), (17.0, 150.0, 0.05)],
    )
    def test_quadrature_matches_an_ode_solution(self, o2c_in, pg, tau):
        # The closed-form path integral against a tight DOP853 solution of
        # dw/dx = -tau / C'(P), w = ln|Pg - P|, on the same ODC. The closed
        # form is exact up to the Newton tolerance (1e-12 in w); the ODE
        # reference has rtol 1e-11 and a central-difference C' (relative
        # error ~1e-10), so 1e-6 relative on the uptake leaves a wide margin
        # while catching any error in the algebra (the former quadrature
        # was off by up to ~1e-3).
        hb, f = 12.0, float(blood._shift_factor(26.8, 7.45, 35.0, 37.0))
        ps, pe = oxygenator._o2_path(np.array([o2c_in]), np.array([f]), np.array([hb]),
                                     np.array([pg]), np.array([tau]))
        p0 = float(ps[0])
        sign = np.sign(pg - p0)

        def cprime(p):
            h = 1e-5 * max(p, 1.0)
            return 10 * (oxygenator._o2c(p + h, hb, f) - oxygenator._o2c(p - h, hb, f)) / (2 * h)

        sol = solve_ivp(lambda x, w: [-tau / cprime(pg - sign * np.exp(w[0]))], (0, 1),
                        [np.log(abs(pg - p0))], rtol=1e-11, atol=1e-12, method="DOP853")
        p_ref = pg - sign * np.exp(sol.y[0, -1])
        uptake_ref = 10 * float(oxygenator._o2c(p_ref, hb, f)) - 10 * o2c_in
        uptake = 10 * float(oxygenator._o2c(pe[0], hb, f)) - 10 * o2c_in
        assert uptake == pytest.approx(uptake_ref, rel=1e-6)


def _reference_o2_path(o2c_in, factor, hb, pg, tau, n_grid=4000):
    """The former quadrature of the O2 path, kept here as an independent reference.

    Stieltjes sum on a geometric PO2 grid with the log singularity at Pg
    subtracted analytically, then linear interpolation of the cumulative
    integral in the node interval holding tau (solved with brentq per
    element). With 4000 intervals its own error is ~1e-8 in content.
    """
    from scipy.optimize import brentq

    def o2c(p):
        return oxygenator._o2c(p, hb, factor)

    ps = brentq(lambda p: o2c(p) - o2c_in, 0.0, 1100.0, xtol=1e-14, rtol=1e-15)
    if abs(pg - ps) <= 1e-9 * pg:
        return ps
    k = np.arange(n_grid + 1) / n_grid
    grid = ps * (pg / ps) ** k
    grid[-1] = pg
    c = 10.0 * o2c(grid)
    h = 1e-4 * pg
    a = 10.0 * (o2c(pg + h) - o2c(pg - h)) / (2.0 * h)
    mid = 0.5 * (grid[1:] + grid[:-1])
    incr = (np.diff(c) - a * np.diff(grid)) / (pg - mid)
    r = np.concatenate([[0.0], np.cumsum(incr)])
    d0 = abs(pg - ps)
    with np.errstate(divide="ignore"):
        hcum = a * np.log(d0 / np.abs(pg - grid)) + r
    hcum[-1] = np.inf
    i = int(np.argmax(hcum >= tau))
    sign = np.sign(pg - ps)

    def g(w):
        p = pg - sign * np.exp(w)
        return a * (np.log(d0) - w) + r[i - 1] + (r[i] - r[i - 1]) * (p - grid[i - 1]) / (grid[i] - grid[i - 1]) - tau

    w_hi = np.log(abs(pg - grid[i - 1]))
    w_lo = np.log(abs(pg - grid[i])) if i < n_grid else np.log(d0) - (tau - min(r[i - 1], r[i])) / a - 1.0
    w_lo = min(w_lo, w_hi - 1e-12) if i < n_grid else min(w_lo, w_hi - 1.0)
    return pg - sign * np.exp(brentq(g, w_lo, w_hi, xtol=1e-15, rtol=1e-15))


class TestO2PathClosedForm:
    @FAST
    @given(
        so2_in=st.floats(0.05, 0.99), hb=st.floats(5.0, 20.0), ph=st.floats(7.0, 7.7),
        pco2=st.floats(25.0, 80.0), fdo2=st.floats(0.21, 1.0), tau=st.floats(0.005, 2.0),
    )
    def test_matches_the_reference_quadrature(self, so2_in, hb, ph, pco2, fdo2, tau):
        # The vectorised closed form against the former quadrature with 4000
        # intervals (its discretisation error ~1e-8): outlet O2 content to
        # 1e-6 relative, the tolerance set for the speed-up.
        factor = float(blood._shift_factor(26.8, ph, pco2, 37.0))
        o2c_in = blood.HUFNER_ML_PER_G * hb * so2_in + 0.003 * 30.0
        pg = fdo2 * 713.0
        _, p_out = oxygenator._o2_path(np.array([o2c_in]), np.array([factor]), np.array([hb]),
                                       np.array([pg]), np.array([tau]))
        p_ref = _reference_o2_path(o2c_in, factor, hb, pg, tau)
        c_out = float(oxygenator._o2c(p_out[0], hb, factor))
        c_ref = float(oxygenator._o2c(p_ref, hb, factor))
        assert c_out == pytest.approx(c_ref, rel=1e-6)

    def test_vectorised_equals_elementwise(self):
        # The same numbers whether solved one by one or as one array (the
        # array path and the single-element path of the Newton helper);
        # 1e-12: both converge to the Newton tolerance.
        rng = np.random.default_rng(7)
        n = 50
        hb = rng.uniform(6.0, 16.0, n)
        factor = rng.uniform(0.5, 2.0, n)
        o2c = rng.uniform(0.3, 0.99, n) * blood.HUFNER_ML_PER_G * hb
        pg = rng.uniform(150.0, 713.0, n)
        tau = rng.uniform(0.01, 1.0, n)
        ps, pe = oxygenator._o2_path(o2c, factor, hb, pg, tau)
        for i in range(0, n, 7):
            a = [np.array([v[i]]) for v in (o2c, factor, hb, pg, tau)]
            ps1, pe1 = oxygenator._o2_path(*a)
            assert ps1[0] == pytest.approx(ps[i], rel=1e-12)
            assert pe1[0] == pytest.approx(pe[i], rel=1e-12)

    def test_bracketed_fallback_gives_the_same_root(self):
        # _solve1d: a secant start on a flat stretch (f = x^3 - 2 at 0, where
        # scipy's secant stops on a tiny step far from the root) must still
        # end on the bracketed root 2^(1/3) of [0, 5]; 1e-12 relative.
        def f(x, c):
            return x**3 - c

        x = oxygenator._solve1d(f, np.array([0.0, 1.5]), np.array([0.0, 0.0]), np.array([5.0, 5.0]),
                                (np.array([2.0, 2.0]),))
        assert x == pytest.approx(np.full(2, 2.0 ** (1 / 3)), rel=1e-12)


# ---------------------------------------------------------------------------
# CO2 removal against published figures
# ---------------------------------------------------------------------------
class TestCO2Published:
    def test_paediatric_reference_point(self):
        # Calibration point (regression check, not independent): 0.8 m2 lung,
        # 101 +/- 12 mL/min at 1.8 L/min blood, 8 L/min sweep, PCO2 45 mmHg.
        r = exchange(PAEDIATRIC, standard_inlet(), 1.8, sweep_l_min=8.0, fdo2=1.0)
        assert float(r.co2_removal_ml_min) == pytest.approx(101.0, rel=1e-6)

    def test_neonatal_within_published_sd(self):
        # 0.4 m2 lung: 41 +/- 6 mL/min at 0.9 L/min, sweep 8 (calibration,
        # scaled to the 0.38 m2 device by area), and 35 +/- 5 at sweep 2 L/min
        # (NOT used in the calibration: an independent check). Tolerance: the
        # published SD.
        inlet = standard_inlet()
        r8 = exchange(NEONATAL, inlet, 0.9, sweep_l_min=8.0, fdo2=1.0)
        r2 = exchange(NEONATAL, inlet, 0.9, sweep_l_min=2.0, fdo2=1.0)
        assert float(r8.co2_removal_ml_min) == pytest.approx(41.0, abs=6.0)
        assert float(r2.co2_removal_ml_min) == pytest.approx(35.0, abs=5.0)

    def test_sweep_effect_at_high_blood_flow(self):
        # Same study, 0.8 m2 lung: raising sweep from 2 to 8 L/min added
        # 26 +/- 7 mL/min at the highest blood flow (1800 mL/min; the abstract
        # gives the range of this delta as blood flow rises). Tolerance: SD.
        inlet = standard_inlet()
        lo = exchange(PAEDIATRIC, inlet, 1.8, sweep_l_min=2.0, fdo2=1.0)
        hi = exchange(PAEDIATRIC, inlet, 1.8, sweep_l_min=8.0, fdo2=1.0)
        delta = float(hi.co2_removal_ml_min) - float(lo.co2_removal_ml_min)
        assert delta == pytest.approx(26.0, abs=7.0)

    def test_small_lung_levels_out_at_low_blood_flow(self):
        # Same study, 0.4 m2 lung: at low blood flow more sweep "was less
        # effective, levelling out at 4 L sweep gas flow/min". Model: going
        # from 4 to 8 L/min adds under 5 % at 300 mL/min.
        inlet = standard_inlet()
        r4 = exchange(NEONATAL, inlet, 0.3, sweep_l_min=4.0, fdo2=1.0)
        r8 = exchange(NEONATAL, inlet, 0.3, sweep_l_min=8.0, fdo2=1.0)
        assert float(r8.co2_removal_ml_min) < 1.05 * float(r4.co2_removal_ml_min)

    def test_conductance_scales_with_area_and_health(self):
        # The adult conductance is the paediatric one (same 0.8 m2 reference)
        # scaled by area 1.8/0.8 (documented assumption).
        k_p = co2_conductance_ml_min_mmhg(PAEDIATRIC)
        assert co2_conductance_ml_min_mmhg(ADULT) == pytest.approx(k_p * 1.8 / 0.8, rel=1e-9)
        sick = dataclasses.replace(PAEDIATRIC, health=0.25)
        assert co2_conductance_ml_min_mmhg(sick) == pytest.approx(0.25 * k_p, rel=1e-12)

    def test_removal_rises_with_inlet_pco2(self):
        q = 4.0
        r = [float(exchange(ADULT, standard_inlet(p), q, sweep_l_min=4.0, fdo2=1.0).co2_removal_ml_min)
             for p in (35.0, 45.0, 60.0)]
        assert r[0] < r[1] < r[2]

    def test_removal_depends_little_on_blood_flow_at_ordinary_sweep(self):
        # Gas-limited at sweep 4 L/min: doubling blood flow 3 -> 6 L/min
        # changes removal by under 15 %, and by less than half as much as
        # doubling the sweep 4 -> 8 L/min does.
        inlet = standard_inlet()
        r3 = float(exchange(ADULT, inlet, 3.0, sweep_l_min=4.0, fdo2=1.0).co2_removal_ml_min)
        r6 = float(exchange(ADULT, inlet, 6.0, sweep_l_min=4.0, fdo2=1.0).co2_removal_ml_min)
        s8 = float(exchange(ADULT, inlet, 3.0, sweep_l_min=8.0, fdo2=1.0).co2_removal_ml_min)
        assert abs(r6 - r3) / r3 < 0.15
        assert s8 - r3 > 2.0 * abs(r6 - r3)


# ---------------------------------------------------------------------------
# Physics: hypothesis properties
# ---------------------------------------------------------------------------
class TestProperties:
    @FAST
    @given(ox=device, frac=st.floats(min_value=0.1, max_value=1.0))
    def test_at_or_below_rated_flow_reaches_95(self, ox, frac):
        # 1e-6: the calibration root is solved to ~1e-12.
        assert float(at_rated(ox, frac).outlet.so2) >= 0.95 - 1e-6

    @FAST
    @given(ox=device, frac=st.floats(min_value=1.02, max_value=1.5))
    def test_above_rated_flow_falls_short(self, ox, frac):
        assert float(at_rated(ox, frac).outlet.so2) < 0.95

    @FAST
    @given(ox=device, a=fractions_of_rated, b=fractions_of_rated, sweep=st.floats(0.5, 8.0))
    def test_outlet_so2_falls_with_flow(self, ox, a, b, sweep):
        lo, hi = sorted((a, b))
        s_lo = at_rated(ox, lo, sweep_l_min=sweep).outlet.so2
        s_hi = at_rated(ox, hi, sweep_l_min=sweep).outlet.so2
        assert float(s_lo) >= float(s_hi) - 1e-9

    @FAST
    @given(ox=device, frac=fractions_of_rated, f1=st.floats(0.21, 1.0), f2=st.floats(0.21, 1.0),
           sweep=st.floats(0.2, 10.0))
    def test_fdo2_does_not_change_co2_removal(self, ox, frac, f1, f2, sweep):
        q = frac * ox.rated_flow_l_min
        sweep = min(sweep, 3.0 * q + 0.5)  # keep the outlet pH in the blood model's range
        a = exchange(ox, rated_flow_inlet(), q, sweep_l_min=sweep, fdo2=f1).co2_removal_ml_min
        b = exchange(ox, rated_flow_inlet(), q, sweep_l_min=sweep, fdo2=f2).co2_removal_ml_min
        assert float(a) == pytest.approx(float(b), rel=1e-9)

    @FAST
    @given(ox=device, frac=st.floats(min_value=0.2, max_value=1.3))
    def test_sweep_barely_changes_o2_transfer(self, ox, frac):
        # Sweep acts on O2 only through the Bohr shift of the CO2 it removes
        # and the dilution of the gas by that CO2: from sweep = blood flow
        # (at least 1 L/min) to 10 L/min (the same sweep above 10 L/min of
        # blood) the dilution falls from at most VCO2 / (2 x 1000 x sweep)
        # (about 3-4 % here) to almost nothing.
        q = frac * ox.rated_flow_l_min
        low = max(q, 1.0)
        a = float(exchange(ox, rated_flow_inlet(), q, sweep_l_min=low, fdo2=1.0).o2_transfer_ml_min)
        b = float(exchange(ox, rated_flow_inlet(), q, sweep_l_min=max(10.0, low), fdo2=1.0).o2_transfer_ml_min)
        assert 0.0 <= (b - a) / a < 0.05

    @FAST
    @given(ox=device, frac=st.floats(min_value=0.3, max_value=1.5), s=st.floats(0.5, 6.0))
    def test_co2_removal_rises_with_sweep_and_is_concave(self, ox, frac, s):
        q = frac * ox.rated_flow_l_min
        s = min(s, 1.5 * q + 0.3)
        r = [float(exchange(ox, rated_flow_inlet(), q, sweep_l_min=x, fdo2=1.0).co2_removal_ml_min)
             for x in (s, 2 * s, 3 * s)]
        assert r[0] < r[1] < r[2]
        assert r[1] - r[0] >= r[2] - r[1] - 1e-9  # diminishing returns (plateau)

    @FAST
    @given(ox=device, frac=fractions_of_rated, sweep=st.floats(0.0, 10.0), fdo2=st.floats(0.21, 1.0),
           po2=st.floats(20.0, 300.0), pco2=st.floats(30.0, 70.0), hb=st.floats(7.0, 17.0))
    def test_mass_balances(self, ox, frac, sweep, fdo2, po2, pco2, hb):
        q = frac * ox.rated_flow_l_min
        sweep = min(sweep, 3.0 * q + 0.5)
        inlet = BloodGas(po2_mmhg=po2, pco2_mmhg=pco2, hb_g_dl=hb)
        r = exchange(ox, inlet, q, sweep_l_min=sweep, fdo2=fdo2)
        o2 = q * 10 * (float(r.outlet.o2_content_ml_dl) - float(inlet.o2_content_ml_dl))
        co2 = q * 10 * (float(inlet.co2_content_ml_dl) - float(r.outlet.co2_content_ml_dl))
        # 1e-6 relative (1e-6 mL/min absolute near zero transfer).
        assert o2 == pytest.approx(float(r.o2_transfer_ml_min), rel=1e-6, abs=1e-6)
        assert co2 == pytest.approx(float(r.co2_removal_ml_min), rel=1e-6, abs=1e-6)
        assert np.isfinite([r.outlet.po2_mmhg, r.outlet.pco2_mmhg, r.outlet.so2,
                            r.pressure_drop_mmhg]).all()

    @FAST
    @given(ox=device, frac=fractions_of_rated, h=st.floats(0.05, 0.95))
    def test_lower_health_less_transfer_same_pressure_drop(self, ox, frac, h):
        sick = dataclasses.replace(ox, health=h)
        a, b = at_rated(ox, frac), at_rated(sick, frac)
        # Far below rated flow both saturate the blood; the sick membrane
        # removes less CO2, dilutes the gas less and may then add a little
        # more dissolved O2: at most the new membrane's dilution of the gas
        # PO2, removal / (2 x 1000 x sweep) (sweep = blood flow here).
        dilution = float(a.co2_removal_ml_min) / (2000.0 * frac * ox.rated_flow_l_min)
        assert float(b.o2_transfer_ml_min) < (1.0 + dilution) * float(a.o2_transfer_ml_min)
        assert float(b.co2_removal_ml_min) < float(a.co2_removal_ml_min)
        assert float(b.pressure_drop_mmhg) == float(a.pressure_drop_mmhg)

    @FAST
    @given(ox=device, frac=fractions_of_rated, c=st.floats(0.05, 0.95))
    def test_clot_less_transfer_more_pressure_drop(self, ox, frac, c):
        clotted = dataclasses.replace(ox, clot_fraction=c)
        a, b = at_rated(ox, frac), at_rated(clotted, frac)
        assert float(b.o2_transfer_ml_min) < float(a.o2_transfer_ml_min)
        assert float(b.outlet.po2_mmhg) < float(a.outlet.po2_mmhg)
        assert float(b.pressure_drop_mmhg) == pytest.approx(float(a.pressure_drop_mmhg) / (1.0 - c), rel=1e-12)

    @FAST
    @given(ox=device, frac=st.floats(0.1, 1.2), fdo2=st.floats(0.3, 1.0), so2=st.floats(0.4, 0.85),
           pco2=st.floats(35.0, 60.0), kind=st.sampled_from(["health", "clot_fraction"]),
           worse=st.floats(0.0, 0.9), step=st.floats(1e-3, 0.5))
    def test_post_oxygenator_po2_never_rises_as_the_membrane_fails(self, ox, frac, fdo2, so2, pco2, kind,
                                                                   worse, step):
        # Less diffusing capacity (health) or more blocked fibres (clot) can
        # only lower the post-oxygenator PO2, up to two second-order effects
        # of the CO2 the failing membrane no longer removes: the sweep gas is
        # diluted less (its mean PO2 rises by Pg x removal lost / (2 x 1000 x
        # sweep), oxygenator._gas_po2) and the outlet is more acid, so the
        # same O2 content sits at a higher PO2 (Bohr). Where the blood leaves
        # saturated they can win by a hair: the largest rise found in 400
        # random cases was 0.43 % of the PO2. Tolerance 1 %.
        inlet = standard_inlet(pco2, so2)
        q = frac * ox.rated_flow_l_min
        sweep = max(q, 1.0)
        if kind == "health":
            better, poorer = 1.0 - worse, 1.0 - min(worse + step, 0.95)
        else:
            better, poorer = worse, min(worse + step, 0.95)
        a = exchange(dataclasses.replace(ox, **{kind: better}), inlet, q, sweep_l_min=sweep, fdo2=fdo2)
        b = exchange(dataclasses.replace(ox, **{kind: poorer}), inlet, q, sweep_l_min=sweep, fdo2=fdo2)
        assert float(b.outlet.po2_mmhg) <= 1.01 * float(a.outlet.po2_mmhg)
        assert float(b.o2_transfer_ml_min) <= 1.01 * float(a.o2_transfer_ml_min)

    @FAST
    @given(ox=device, frac=st.floats(0.05, 1.5), sweep=st.floats(0.0, 20.0), fdo2=st.floats(0.21, 1.0),
           po2=st.floats(15.0, 600.0), pco2=st.floats(25.0, 90.0), hb=st.floats(5.0, 20.0),
           pb=st.floats(500.0, 780.0), h=st.floats(0.1, 1.0))
    def test_outlet_never_nan(self, ox, frac, sweep, fdo2, po2, pco2, hb, pb, h):
        # Over the whole accepted input space the result is finite, or the
        # call refuses with a ValueError that names the sweep (outlet pH
        # beyond the blood model) -- never a NaN.
        inlet = BloodGas(po2_mmhg=po2, pco2_mmhg=pco2, hb_g_dl=hb)
        q = frac * ox.max_blood_flow_l_min
        try:
            r = exchange(dataclasses.replace(ox, health=h), inlet, q, sweep_l_min=sweep, fdo2=fdo2,
                         barometric_pressure_mmhg=pb)
        except ValueError as err:
            assert "sweep_l_min" in str(err) and "L/min" in str(err)
            return
        values = [r.outlet.po2_mmhg, r.outlet.pco2_mmhg, r.outlet.so2, r.outlet.ph,
                  r.o2_transfer_ml_min, r.co2_removal_ml_min, r.pressure_drop_mmhg]
        assert np.isfinite(values).all()
        assert 0.0 < float(r.outlet.po2_mmhg) <= max(float(r.gas_po2_mmhg), po2) + 1e-6


# ---------------------------------------------------------------------------
# Special cases and vectorisation
# ---------------------------------------------------------------------------
class TestBehaviour:
    def test_zero_sweep_means_no_exchange(self):
        inlet = rated_flow_inlet()
        r = exchange(ADULT, inlet, 4.0, sweep_l_min=0.0, fdo2=1.0)
        assert float(r.o2_transfer_ml_min) == 0.0 and float(r.co2_removal_ml_min) == 0.0
        assert float(r.outlet.po2_mmhg) == pytest.approx(float(inlet.po2_mmhg), rel=1e-9)
        assert float(r.outlet.pco2_mmhg) == pytest.approx(float(inlet.pco2_mmhg), rel=1e-9)
        assert bool(r.o2_supply_limited)

    def test_zero_sweep_no_exchange_even_above_gas_po2(self):
        # Stagnant gas cannot carry O2 away either.
        inlet = BloodGas(po2_mmhg=400.0, pco2_mmhg=40.0, hb_g_dl=12.0)
        r = exchange(ADULT, inlet, 3.0, sweep_l_min=0.0, fdo2=0.21)
        assert float(r.o2_transfer_ml_min) == 0.0 and float(r.co2_removal_ml_min) == 0.0
        assert float(r.outlet.po2_mmhg) == pytest.approx(400.0, rel=1e-9)

    def test_o2_transfer_capped_by_sweep_supply(self):
        # 0.05 L/min of O2 delivers 50 mL/min: the transfer cannot exceed it.
        r = exchange(ADULT, rated_flow_inlet(), 4.0, sweep_l_min=0.05, fdo2=1.0)
        assert float(r.o2_transfer_ml_min) == pytest.approx(50.0, rel=1e-12)
        assert bool(r.o2_supply_limited)

    def test_o2_leaves_blood_when_gas_po2_is_lower(self):
        inlet = BloodGas(po2_mmhg=300.0, pco2_mmhg=40.0, hb_g_dl=12.0)
        r = exchange(ADULT, inlet, 3.0, sweep_l_min=3.0, fdo2=0.21)
        assert float(r.o2_transfer_ml_min) < 0
        assert float(r.gas_po2_mmhg) < float(r.outlet.po2_mmhg) < 300.0

    def test_gas_po2(self):
        # FdO2 * (760 - 47): 713 mmHg for pure O2 (hand-computed).
        assert float(sweep_gas_po2_mmhg(1.0)) == pytest.approx(713.0)
        assert float(sweep_gas_po2_mmhg(0.5, barometric_pressure_mmhg=600.0)) == pytest.approx(276.5)
        r = exchange(ADULT, rated_flow_inlet(), 4.0, sweep_l_min=4.0, fdo2=0.6)
        assert float(r.gas_po2_mmhg) == pytest.approx(0.6 * 713.0)

    def test_vectorised_equals_elementwise(self):
        flows = np.array([1.0, 3.0, 6.0])
        sweeps = np.array([[1.0], [5.0]])
        r = exchange(ADULT, rated_flow_inlet(), flows, sweep_l_min=sweeps, fdo2=0.8)
        assert isinstance(r, ExchangeResult)
        assert np.shape(r.o2_transfer_ml_min) == (2, 3)
        assert r.outlet.shape == (2, 3)
        for i, s in enumerate(sweeps[:, 0]):
            for j, q in enumerate(flows):
                one = exchange(ADULT, rated_flow_inlet(), q, sweep_l_min=s, fdo2=0.8)
                assert np.ndim(one.o2_transfer_ml_min) == 0
                assert float(one.o2_transfer_ml_min) == pytest.approx(r.o2_transfer_ml_min[i, j], rel=1e-9)
                assert float(one.outlet.po2_mmhg) == pytest.approx(r.outlet.po2_mmhg[i, j], rel=1e-9)

    def test_array_inlet(self):
        inlet = BloodGas(po2_mmhg=np.array([30.0, 40.0, 50.0]), pco2_mmhg=45.0, hb_g_dl=12.0)
        r = exchange(PAEDIATRIC, inlet, 1.5, sweep_l_min=1.5, fdo2=1.0)
        assert np.shape(r.outlet.so2) == (3,)
        assert np.all(np.diff(r.outlet.so2) > 0)  # better-saturated inlet, better outlet

    def test_pressure_drop_model(self):
        # Reference drop at the reference flow and Hb; linear in flow; scales
        # with viscosity; divided by health (all exact by construction of the
        # documented equation).
        for ox in PRESETS:
            assert float(pressure_drop_mmhg(ox, 1.0)) == pytest.approx(ox.pressure_drop_reference_mmhg)
            assert float(pressure_drop_mmhg(ox, 1.4)) == pytest.approx(1.4 * ox.pressure_drop_reference_mmhg)
        mu = blood.viscosity_mpa_s(8.0) / blood.viscosity_mpa_s(12.0)
        assert float(pressure_drop_mmhg(ADULT, 4.0, hb_g_dl=8.0)) == pytest.approx(
            float(pressure_drop_mmhg(ADULT, 4.0)) * mu)
        assert float(pressure_drop_mmhg(ADULT, 4.0, temperature_c=30.0)) > float(pressure_drop_mmhg(ADULT, 4.0))
        clotted = dataclasses.replace(ADULT, clot_fraction=0.6)
        assert float(pressure_drop_mmhg(clotted, 4.0)) == pytest.approx(float(pressure_drop_mmhg(ADULT, 4.0)) / 0.4)
        wet = dataclasses.replace(ADULT, health=0.4)
        assert float(pressure_drop_mmhg(wet, 4.0)) == float(pressure_drop_mmhg(ADULT, 4.0))
        assert np.shape(pressure_drop_mmhg(ADULT, np.array([1.0, 2.0]))) == (2,)

    def test_clot_signs(self):
        # Lubnow et al. 2014 (doi:10.1371/journal.pone.0112316): clot in the
        # membrane lung -> higher pressure drop, lower post-oxygenator PO2,
        # higher post-oxygenator PCO2.
        good = at_rated(ADULT, 0.7)
        bad = at_rated(dataclasses.replace(ADULT, clot_fraction=0.5), 0.7)
        assert float(bad.pressure_drop_mmhg) > float(good.pressure_drop_mmhg)
        assert float(bad.outlet.po2_mmhg) < float(good.outlet.po2_mmhg)
        assert float(bad.outlet.pco2_mmhg) > float(good.outlet.pco2_mmhg)

    def test_excessive_sweep_refused_not_clipped(self):
        with pytest.raises(ValueError, match=r"sweep_l_min \[L/min\]"):
            exchange(ADULT, rated_flow_inlet(), 0.2, sweep_l_min=20.0, fdo2=1.0)


# ---------------------------------------------------------------------------
# Bad input: every public function and the dataclass
# ---------------------------------------------------------------------------
BAD_NUMBERS = (-1.0, float("nan"), float("inf"), "2", None)


def _raises_named(call, name, units):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert name in message and units in message, message


class TestBadInput:
    @pytest.mark.parametrize("bad", BAD_NUMBERS + (13.0,))  # 13 > 1.5 x 8.3 L/min (rated > maximum)
    def test_exchange_blood_flow(self, bad):
        _raises_named(lambda: exchange(ADULT, rated_flow_inlet(), bad, sweep_l_min=4.0, fdo2=1.0),
                      "blood_flow_l_min", "L/min")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (25.0,))
    def test_exchange_sweep(self, bad):
        _raises_named(lambda: exchange(ADULT, rated_flow_inlet(), 4.0, sweep_l_min=bad, fdo2=1.0),
                      "sweep_l_min", "L/min")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (0.1, 1.2))
    def test_exchange_fdo2(self, bad):
        _raises_named(lambda: exchange(ADULT, rated_flow_inlet(), 4.0, sweep_l_min=4.0, fdo2=bad),
                      "fdo2", "fraction")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (300.0, 900.0))
    def test_exchange_barometric(self, bad):
        _raises_named(lambda: exchange(ADULT, rated_flow_inlet(), 4.0, sweep_l_min=4.0, fdo2=1.0,
                                       barometric_pressure_mmhg=bad),
                      "barometric_pressure_mmhg", "mmHg")

    @pytest.mark.parametrize("bad", (None, "venous", 40.0, {"po2_mmhg": 40.0}))
    def test_exchange_inlet(self, bad):
        _raises_named(lambda: exchange(ADULT, bad, 4.0, sweep_l_min=4.0, fdo2=1.0), "inlet", "mmHg")

    @pytest.mark.parametrize("bad", (None, "ADULT", 7.0))
    def test_oxygenator_argument(self, bad):
        for call in (lambda: exchange(bad, rated_flow_inlet(), 4.0, sweep_l_min=4.0, fdo2=1.0),
                     lambda: pressure_drop_mmhg(bad, 4.0),
                     lambda: o2_diffusing_capacity_ml_min_mmhg(bad),
                     lambda: co2_conductance_ml_min_mmhg(bad)):
            with pytest.raises(ValueError, match="oxygenator"):
                call()

    def test_exchange_shapes_must_broadcast(self):
        with pytest.raises(ValueError, match="broadcast"):
            exchange(ADULT, rated_flow_inlet(), np.array([1.0, 2.0]), sweep_l_min=np.array([1.0, 2.0, 3.0]),
                     fdo2=1.0)

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (0.0, 13.0))
    def test_pressure_drop_flow(self, bad):
        _raises_named(lambda: pressure_drop_mmhg(ADULT, bad), "blood_flow_l_min", "L/min")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (0.0, 30.0))
    def test_pressure_drop_hb(self, bad):
        _raises_named(lambda: pressure_drop_mmhg(ADULT, 4.0, hb_g_dl=bad), "hb_g_dl", "g/dL")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (10.0, 50.0))
    def test_pressure_drop_temperature(self, bad):
        _raises_named(lambda: pressure_drop_mmhg(ADULT, 4.0, temperature_c=bad), "temperature_c", "C")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (0.0, 1.5))
    def test_sweep_gas_po2_fdo2(self, bad):
        _raises_named(lambda: sweep_gas_po2_mmhg(bad), "fdo2", "fraction")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (100.0, 2000.0))
    def test_sweep_gas_po2_barometric(self, bad):
        _raises_named(lambda: sweep_gas_po2_mmhg(1.0, barometric_pressure_mmhg=bad),
                      "barometric_pressure_mmhg", "mmHg")

    @pytest.mark.parametrize(
        "field, units, bad",
        [(f, u, b) for f, u in [
            ("rated_flow_l_min", "L/min"), ("max_blood_flow_l_min", "L/min"),
            ("membrane_area_m2", "m^2"), ("prime_ml", "mL"),
            ("pressure_drop_reference_mmhg", "mmHg"), ("pressure_drop_reference_flow_l_min", "L/min"),
            ("pressure_drop_reference_hb_g_dl", "g/dL"), ("co2_reference_removal_ml_min", "mL/min"),
            ("co2_reference_blood_flow_l_min", "L/min"), ("co2_reference_sweep_l_min", "L/min"),
            ("co2_reference_pco2_mmhg", "mmHg"), ("co2_reference_membrane_area_m2", "m^2"),
            ("o2_flow_exponent", "1"), ("health", "fraction"),
        ] for b in (-1.0, 0.0, float("nan"), float("inf"), "1", np.array([1.0, 2.0]))
         if not (f == "o2_flow_exponent" and isinstance(b, float) and b == 0.0)],
    )
    def test_dataclass_fields(self, field, units, bad):
        _raises_named(lambda: dataclasses.replace(PAEDIATRIC, **{field: bad}), field, units)

    @pytest.mark.parametrize("field, units, bad", [
        ("health", "fraction", 1.5), ("o2_flow_exponent", "1", 1.0), ("co2_reference_pco2_mmhg", "mmHg", 150.0),
        ("membrane_area_m2", "m^2", 50.0), ("rated_flow_l_min", "L/min", 25.0),
    ])
    def test_dataclass_ranges(self, field, units, bad):
        _raises_named(lambda: dataclasses.replace(PAEDIATRIC, **{field: bad}), field, units)

    @pytest.mark.parametrize("bad", ("", "   ", None, 3))
    def test_dataclass_name(self, bad):
        with pytest.raises(ValueError, match="name"):
            dataclasses.replace(PAEDIATRIC, name=bad)

    def test_unreachable_co2_reference(self):
        # 1500 mL/min from 0.5 L/min of blood is impossible (the blood carries
        # ~250 mL/min of CO2 in total).
        impossible = dataclasses.replace(NEONATAL, co2_reference_removal_ml_min=1500.0,
                                         co2_reference_blood_flow_l_min=0.5)
        _raises_named(lambda: co2_conductance_ml_min_mmhg(impossible), "co2_reference_removal_ml_min", "mL/min")

    def test_oxygenator_is_a_dataclass_with_documented_fields(self):
        names = {f.name for f in dataclasses.fields(Oxygenator)}
        assert {"name", "rated_flow_l_min", "membrane_area_m2", "prime_ml", "health",
                "max_blood_flow_l_min"} <= names


@pytest.mark.parametrize("mode", ["vv", "va"])
def test_for_patient_is_the_smallest_device_rated_for_the_target_flow(mode):
    for p in (patients.NEONATE, patients.INFANT, patients.CHILD, patients.ADULT):
        chosen = oxygenator.for_patient(p, mode)
        target = patients.target_ecmo_flow_l_min(p, mode)
        assert chosen.rated_flow_l_min >= target
        smaller = [ox for ox in (oxygenator.NEONATAL, oxygenator.PAEDIATRIC, oxygenator.ADULT)
                   if ox.rated_flow_l_min < chosen.rated_flow_l_min]
        assert all(ox.rated_flow_l_min < target for ox in smaller)


def test_for_patient_rejects_bad_input():
    with pytest.raises(ValueError, match="patient"):
        oxygenator.for_patient("adult")
    with pytest.raises(ValueError, match="mode"):
        oxygenator.for_patient(patients.ADULT, "ecmo")
