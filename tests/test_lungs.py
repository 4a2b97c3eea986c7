"""Tests for ecmolib.lungs: alveolar gas equation, shunt, ventilated units.

Published or hand-derived values only; each tolerance says why.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecmolib import blood, lungs, patients
from ecmolib.blood import BloodGas

FAST = settings(max_examples=30, deadline=None)
BAD_NUMBERS = (-1.0, float("nan"), float("inf"), "0.5", None)

# West's textbook mixed venous blood (PO2 40, PCO2 46 mmHg) with adult Hb.
VENOUS = BloodGas(po2_mmhg=40.0, pco2_mmhg=46.0, hb_g_dl=14.0)


def _raises_named(call, name, units):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert name in message and units in message, message


# ---------------------------------------------------------------------------
# Alveolar gas equation
# ---------------------------------------------------------------------------


class TestAlveolarGasEquation:
    def test_room_air_by_hand(self):
        # PIO2 = 0.21 x (760 - 47) = 149.73; factor 0.21 + 0.79/0.8 = 1.1975;
        # PAO2 = 149.73 - 40 x 1.1975 = 101.83 mmHg (Curran-Everett 2006 form).
        assert float(lungs.alveolar_po2_mmhg(0.21, 40.0)) == pytest.approx(101.83, abs=1e-9)

    def test_pure_oxygen_subtracts_paco2_only(self):
        # With FiO2 1 the bracket is exactly 1: PAO2 = 713 - PACO2.
        assert float(lungs.alveolar_po2_mmhg(1.0, 40.0)) == pytest.approx(673.0, abs=1e-9)

    def test_textbook_value_near_100_mmhg(self):
        # West: alveolar PO2 about 100 mmHg breathing air at sea level with
        # PaCO2 40 mmHg; within 5 mmHg (the textbook rounds).
        assert abs(float(lungs.alveolar_po2_mmhg(0.21, 40.0)) - 100.0) < 5.0

    def test_altitude_lowers_pao2(self):
        # Same formula by hand at 500 mmHg: 0.21 x 453 - 40 x 1.1975 = 47.23.
        assert float(lungs.alveolar_po2_mmhg(0.21, 40.0, barometric_pressure_mmhg=500.0)) == pytest.approx(
            0.21 * 453.0 - 40.0 * 1.1975, abs=1e-9)

    def test_vectorised(self):
        out = lungs.alveolar_po2_mmhg(np.array([0.21, 0.5, 1.0]), np.array([[30.0], [40.0]]))
        assert out.shape == (2, 3)
        assert np.all(np.diff(out, axis=1) > 0) and np.all(np.diff(out, axis=0) < 0)

    def test_scalar_in_scalar_out(self):
        assert np.ndim(lungs.alveolar_po2_mmhg(0.5, 40.0)) == 0


class TestNormalVentilation:
    def test_adult_by_hand(self):
        # 0.863 x 200 / (40 x 5.0) = 0.863 (alveolar ventilation equation).
        assert lungs.normal_ventilation_perfusion_ratio(patients.ADULT) == pytest.approx(0.863, abs=1e-12)
        assert lungs.DEFAULT_VENTILATION_PERFUSION_RATIO == pytest.approx(0.863, abs=1e-12)

    def test_alveolar_ventilation_of_adult_is_textbook(self):
        # 0.863 x 200 / 40 = 4.3 L/min; West gives alveolar ventilation of
        # about 4-5 L/min at rest (tolerance: the textbook range).
        va = lungs.normal_ventilation_perfusion_ratio(patients.ADULT) * patients.ADULT.cardiac_output_l_min
        assert 4.0 <= va <= 5.0


# ---------------------------------------------------------------------------
# Exchange
# ---------------------------------------------------------------------------


class TestExchange:
    def test_dead_lungs_change_nothing(self):
        r = lungs.exchange(VENOUS, 5.0, shunt_fraction=1.0, fio2=1.0)
        assert float(r.o2_uptake_ml_min) == 0.0 and float(r.co2_output_ml_min) == 0.0
        assert float(r.arterial.po2_mmhg) == pytest.approx(40.0, abs=1e-6)
        assert float(r.arterial.pco2_mmhg) == pytest.approx(46.0, abs=1e-6)
        # Ventilated but unperfused alveoli hold inspired gas.
        assert float(r.alveolar_po2_mmhg) == pytest.approx(713.0) and float(r.alveolar_pco2_mmhg) == 0.0

    def test_healthy_lungs_give_normal_arterial_gases(self):
        # West's normal resting values: PaO2 about 90-100 mmHg, PaCO2 about
        # 40 mmHg, SaO2 about 97 %. Tolerances: +-10 mmHg PO2 (venous
        # admixture of 5 % lowers it below PAO2), +-3 mmHg PCO2, 0.95-0.99 S.
        r = lungs.exchange(VENOUS, 5.0, shunt_fraction=lungs.NORMAL_SHUNT_FRACTION)
        assert 80.0 <= float(r.arterial.po2_mmhg) <= 100.0
        assert abs(float(r.arterial.pco2_mmhg) - 40.0) < 3.0
        assert 0.95 <= float(r.arterial.so2) <= 0.99

    def test_end_capillary_in_equilibrium_with_alveolar_gas(self):
        r = lungs.exchange(VENOUS, 5.0, shunt_fraction=0.2, fio2=0.4)
        assert float(r.end_capillary.po2_mmhg) == pytest.approx(float(r.alveolar_po2_mmhg), rel=1e-12)
        assert float(r.end_capillary.pco2_mmhg) == pytest.approx(float(r.alveolar_pco2_mmhg), rel=1e-12)
        # and the alveolar gas equation holds between them
        assert float(r.alveolar_po2_mmhg) == pytest.approx(
            float(lungs.alveolar_po2_mmhg(0.4, float(r.alveolar_pco2_mmhg))), rel=1e-12)

    def test_alveolar_co2_balance(self):
        # CO2 carried off by ventilation (VA x PACO2 / 0.863) equals the CO2
        # the blood gives up (alveolar ventilation equation), to the root
        # finder's precision.
        r = lungs.exchange(VENOUS, 5.0, shunt_fraction=0.3, alveolar_ventilation_l_min=3.0)
        out = 3.0 * float(r.alveolar_pco2_mmhg) / lungs.ALVEOLAR_VENTILATION_CONSTANT
        assert out == pytest.approx(float(r.co2_output_ml_min), rel=1e-8)

    @FAST
    @given(s=st.floats(0.0, 0.95), fio2=st.floats(0.21, 1.0), q=st.floats(0.3, 8.0),
           vq=st.floats(0.4, 1.5))
    def test_shunt_equation_recovers_shunt(self, s, fio2, q, vq):
        # Berggren's shunt equation Qs/Qt = (Cc' - Ca)/(Cc' - Cv) (West),
        # exact for a two-compartment lung; relative 1e-9 for the content
        # to pressure round trip.
        r = lungs.exchange(VENOUS, q, shunt_fraction=s, fio2=fio2, alveolar_ventilation_l_min=vq * (1 - s) * q)
        cc = float(r.end_capillary.o2_content_ml_dl)
        ca = float(r.arterial.o2_content_ml_dl)
        cv = float(VENOUS.o2_content_ml_dl)
        assert (cc - ca) / (cc - cv) == pytest.approx(s, abs=1e-9)

    @FAST
    @given(s=st.floats(0.0, 1.0), fio2=st.floats(0.21, 1.0), q=st.floats(0.0, 8.0))
    def test_mass_balance(self, s, fio2, q):
        # O2 and CO2 taken from the blood = flow x content change (by content).
        r = lungs.exchange(VENOUS, q, shunt_fraction=s, fio2=fio2)
        d_o2 = 10.0 * q * (float(r.arterial.o2_content_ml_dl) - float(VENOUS.o2_content_ml_dl))
        d_co2 = 10.0 * q * (float(VENOUS.co2_content_ml_dl) - float(r.arterial.co2_content_ml_dl))
        assert d_o2 == pytest.approx(float(r.o2_uptake_ml_min), abs=1e-8 * max(1.0, abs(d_o2)))
        assert d_co2 == pytest.approx(float(r.co2_output_ml_min), abs=1e-8 * max(1.0, abs(d_co2)))

    def test_more_shunt_less_oxygen_and_fio2_cannot_fix_a_big_shunt(self):
        # The classic teaching: with a large shunt, raising FiO2 helps little
        # (the shunted blood never sees the gas). PaO2 falls monotonically
        # with shunt. At 50 % shunt, FiO2 0.5 -> 1.0 can add at most the
        # extra dissolved O2 of the ventilated half plus the last percent of
        # its saturation: 0.5 x (0.003 x 356 + 1.34 x 14 x 0.01) = 0.63
        # mL/dL (hand bound; PAO2 rises by at most 0.5 x 713 mmHg).
        shunts = np.array([0.05, 0.2, 0.35, 0.5])
        r = lungs.exchange(VENOUS, 5.0, shunt_fraction=shunts, fio2=1.0)
        assert np.all(np.diff(r.arterial.po2_mmhg) < 0)
        half = lungs.exchange(VENOUS, 5.0, shunt_fraction=0.5, fio2=np.array([0.5, 1.0]))
        gain = float(np.diff(half.arterial.o2_content_ml_dl)[0])
        assert 0.0 < gain < 0.63

    def test_blood_arriving_above_pao2_gives_o2_to_the_alveoli(self):
        hyperoxic = BloodGas(po2_mmhg=400.0, pco2_mmhg=40.0, hb_g_dl=14.0)
        r = lungs.exchange(hyperoxic, 5.0, shunt_fraction=0.0, fio2=0.21)
        assert float(r.o2_uptake_ml_min) < 0.0

    def test_arrays_broadcast(self):
        r = lungs.exchange(VENOUS, np.array([2.0, 5.0]), shunt_fraction=np.array([[0.1], [0.5]]))
        assert r.arterial.so2.shape == (2, 2)
        one = lungs.exchange(VENOUS, 5.0, shunt_fraction=0.5)
        assert float(r.arterial.so2[1, 1]) == pytest.approx(float(one.arterial.so2), rel=1e-12)

    def test_excessive_ventilation_refused_not_clipped(self):
        # 50 L/min over 0.5 L/min of blood would push the end-capillary PCO2
        # below the blood model's range.
        with pytest.raises(ValueError, match="alveolar_ventilation_l_min"):
            lungs.exchange(VENOUS, 0.5, shunt_fraction=0.0, alveolar_ventilation_l_min=50.0)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


class TestBadInput:
    @pytest.mark.parametrize("bad", BAD_NUMBERS + (0.1, 1.5))
    def test_alveolar_fio2(self, bad):
        _raises_named(lambda: lungs.alveolar_po2_mmhg(bad, 40.0), "fio2", "fraction")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (300.0,))
    def test_alveolar_paco2(self, bad):
        _raises_named(lambda: lungs.alveolar_po2_mmhg(0.21, bad), "paco2_mmhg", "mmHg")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (0.3, 2.0))
    def test_alveolar_rer(self, bad):
        _raises_named(lambda: lungs.alveolar_po2_mmhg(0.21, 40.0, respiratory_exchange_ratio=bad),
                      "respiratory_exchange_ratio", "1")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (100.0, 1000.0))
    def test_alveolar_barometric(self, bad):
        _raises_named(lambda: lungs.alveolar_po2_mmhg(0.21, 40.0, barometric_pressure_mmhg=bad),
                      "barometric_pressure_mmhg", "mmHg")

    @pytest.mark.parametrize("bad", (None, "ADULT", 70.0))
    def test_normal_vq_patient(self, bad):
        with pytest.raises(ValueError, match="patient"):
            lungs.normal_ventilation_perfusion_ratio(bad)

    @pytest.mark.parametrize("bad", (None, "venous", 40.0))
    def test_exchange_mixed_venous(self, bad):
        _raises_named(lambda: lungs.exchange(bad, 5.0, shunt_fraction=0.1), "mixed_venous", "mmHg")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (50.0,))
    def test_exchange_flow(self, bad):
        _raises_named(lambda: lungs.exchange(VENOUS, bad, shunt_fraction=0.1), "pulmonary_flow_l_min", "L/min")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (1.5,))
    def test_exchange_shunt(self, bad):
        _raises_named(lambda: lungs.exchange(VENOUS, 5.0, shunt_fraction=bad), "shunt_fraction", "fraction")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (0.1, 1.2))
    def test_exchange_fio2(self, bad):
        _raises_named(lambda: lungs.exchange(VENOUS, 5.0, shunt_fraction=0.1, fio2=bad), "fio2", "fraction")

    @pytest.mark.parametrize("bad", (-1.0, float("nan"), float("inf"), "4", 200.0))
    def test_exchange_ventilation(self, bad):
        _raises_named(lambda: lungs.exchange(VENOUS, 5.0, shunt_fraction=0.1, alveolar_ventilation_l_min=bad),
                      "alveolar_ventilation_l_min", "L/min")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (2.0,))
    def test_exchange_rer(self, bad):
        _raises_named(lambda: lungs.exchange(VENOUS, 5.0, shunt_fraction=0.1, respiratory_exchange_ratio=bad),
                      "respiratory_exchange_ratio", "1")

    @pytest.mark.parametrize("bad", BAD_NUMBERS + (900.0,))
    def test_exchange_barometric(self, bad):
        _raises_named(lambda: lungs.exchange(VENOUS, 5.0, shunt_fraction=0.1, barometric_pressure_mmhg=bad),
                      "barometric_pressure_mmhg", "mmHg")

    def test_shapes_must_broadcast(self):
        with pytest.raises(ValueError, match="broadcast"):
            lungs.exchange(VENOUS, np.array([1.0, 2.0]), shunt_fraction=np.array([0.1, 0.2, 0.3]))


def test_no_nan_leaves_the_module():
    r = lungs.exchange(VENOUS, np.linspace(0.0, 10.0, 7), shunt_fraction=np.linspace(0.0, 1.0, 7)[:, None])
    for x in (r.arterial.po2_mmhg, r.arterial.pco2_mmhg, r.o2_uptake_ml_min, r.co2_output_ml_min,
              r.alveolar_po2_mmhg, r.alveolar_pco2_mmhg):
        assert np.all(np.isfinite(x))
    assert isinstance(r.arterial, blood.BloodGas)


# ---------------------------------------------------------------------------
# Fast kernels of the balance solver agree with the checked blood model
# ---------------------------------------------------------------------------
class TestSolverKernels:
    def test_ph_and_contents_equal_bloodgas(self):
        # The solver's unchecked pH / SO2 / contents (Newton on the Van
        # Slyke line) against BloodGas (bracketing root finding): the same
        # equations, so 1e-12 relative (both converge to machine precision).
        rng = np.random.default_rng(3)
        n = 200
        hb = rng.uniform(4.0, 20.0, n)
        be = rng.uniform(-10.0, 10.0, n)
        lo, hi = lungs._pco2_bounds(hb, be)
        pco2 = lo + rng.uniform(0.0, 1.0, n) * (hi - lo)
        po2 = rng.uniform(5.0, 600.0, n)
        p50 = rng.uniform(20.0, 32.0, n)
        t = rng.uniform(30.0, 40.0, n)
        ph, so2, o2c, co2c = lungs._blood_props(po2, pco2, hb, p50, be, t)
        g = BloodGas(po2_mmhg=po2, pco2_mmhg=pco2, hb_g_dl=hb, p50_mmhg=p50, base_excess_mmol_l=be,
                     temperature_c=t)
        np.testing.assert_allclose(ph, g.ph, rtol=1e-12)
        np.testing.assert_allclose(so2, g.so2, rtol=1e-11)
        np.testing.assert_allclose(o2c, g.o2_content_ml_dl, rtol=1e-11)
        np.testing.assert_allclose(co2c, g.co2_content_ml_dl, rtol=1e-11)
