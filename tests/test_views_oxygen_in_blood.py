"""Lesson 01 (oxygen in blood): the claims the lesson's figures and text rest on.

tests/test_views.py already drives every slider of every explorer to both
ends with the others at their defaults; here: hand-derived and textbook
values of the O2 budget, the physics each figure is meant to show (so a
model change that breaks a sentence of the lesson breaks a test), every
corner of the delivery explorer's slider box, the fast update path (frozen
background, precomputed slider lines) agreeing with a fresh draw, and bad
input for every public function.
"""

import io
import itertools
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ecmolib import blood, patients, plotting  # noqa: E402
from ecmolib.views import oxygen_in_blood as L  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------
# Hand-derived values
# ---------------------------------------------------------------------------


def test_delivery_fick_and_extraction_hand_derived():
    # DO2 = 10 x 5 L/min x 20 mL/dL = 1000 mL/min; VO2 = 10 x 5 x (20 - 15)
    # = 250 mL/min; ER = 250/1000. Exact arithmetic; only float round-off.
    assert L.o2_delivery_ml_min(5.0, 20.0) == pytest.approx(1000.0, rel=1e-12)
    assert L.fick_vo2_ml_min(5.0, 20.0, 15.0) == pytest.approx(250.0, rel=1e-12)
    assert L.extraction_ratio(250.0, 1000.0) == pytest.approx(0.25, rel=1e-12)


def test_functions_broadcast_arrays():
    do2 = L.o2_delivery_ml_min(np.array([2.0, 4.0]), 20.0)
    np.testing.assert_allclose(do2, [400.0, 800.0])
    assert isinstance(L.o2_delivery_ml_min(5.0, 20.0), float)


def test_dissolved_oxygen_after_the_oxygenator_hand_derived():
    # The lesson's claim: 0.9-1.5 mL/dL dissolved at 300-500 mmHg
    # (0.003 mL/dL/mmHg x PO2, exact), against 1.34 x 12 = 16.08 mL/dL bound
    # when Hb 12 g/dL is full (SO2 > 0.999 above 300 mmHg, so within 0.1 %).
    n = L.content_numbers(np.array([300.0, 500.0]), hb_g_dl=12.0)
    np.testing.assert_allclose(n["dissolved_ml_dl"], [0.9, 1.5], rtol=1e-12)
    np.testing.assert_allclose(n["bound_ml_dl"], 1.34 * 12.0, rtol=1e-3)
    np.testing.assert_allclose(n["total_ml_dl"], n["bound_ml_dl"] + n["dissolved_ml_dl"], rtol=1e-12)


def test_raising_post_oxygenator_po2_150_to_450_adds_about_one_ml_dl():
    # Hand-derived bound: the dissolved gain is exactly 0.003 x 300 = 0.9
    # mL/dL; the bound gain is at most 1.34 x 12 x (1 - S(150)) with
    # S(150) > 0.99 (Severinghaus), i.e. below 0.17 mL/dL. The lesson says
    # "about 1 mL/dL".
    low = L.content_numbers(150.0, hb_g_dl=12.0)
    high = L.content_numbers(450.0, hb_g_dl=12.0)
    gain = high["total_ml_dl"] - low["total_ml_dl"]
    assert 0.9 < gain < 0.9 + 1.34 * 12.0 * 0.01


def test_anaemia_lowers_content_more_than_moderate_hypoxaemia():
    # Halving Hb at PaO2 100 halves the bound O2 (hand-derived: the content
    # falls by more than 45 %); PaO2 60 mmHg keeps SO2 near 0.90 on the
    # textbook curve (West: about 90 %), a fall of about 10 %.
    normal = L.content_numbers(100.0, hb_g_dl=14.0)["total_ml_dl"]
    anaemia = L.content_numbers(100.0, hb_g_dl=7.0)["total_ml_dl"]
    hypox = L.content_numbers(60.0, hb_g_dl=14.0)
    assert anaemia < 0.55 * normal
    assert hypox["so2"] == pytest.approx(0.90, abs=0.01)
    assert hypox["total_ml_dl"] > 0.88 * normal > anaemia


# ---------------------------------------------------------------------------
# Textbook values
# ---------------------------------------------------------------------------


def test_textbook_arterial_and_venous_points():
    # West (Respiratory Physiology): arterial PO2 100 mmHg at about 97.5 %,
    # mixed venous PO2 40 mmHg at about 75 %; the Severinghaus fit is within
    # 0.0055 of the standard curve, so 0.01 covers fit plus textbook rounding.
    n = L.dissociation_numbers()
    assert n["arterial_so2"] == pytest.approx(0.975, abs=0.01)
    assert n["venous_so2"] == pytest.approx(0.75, abs=0.01)
    assert n["p50_in_vivo_mmhg"] == pytest.approx(blood.P50_STANDARD_MMHG, abs=1e-9)


def test_adult_budget_gives_the_textbook_venous_point():
    # With the adult preset (Hb 14, CO 5 L/min, VO2 250 mL/min) the Fick
    # principle must land near the textbook mixed venous point: PvO2 40 mmHg
    # (West; 3 mmHg covers Hb 14 vs the textbook's 15 g/dL and the Bohr
    # shift of venous blood) and an SvO2 in the normal range 68-77 % (Vallet
    # et al. 2010, doi:10.1186/cc8854).
    b = L.oxygen_budget(patients.ADULT)
    assert float(b.venous.po2_mmhg) == pytest.approx(40.0, abs=3.0)
    assert 0.68 <= float(b.venous.so2) <= 0.77
    assert float(b.venous.pco2_mmhg) > 40.0  # venous blood carries the tissues' CO2
    assert float(b.venous.ph) < float(b.arterial.ph)


def test_fetal_blood_is_more_saturated_at_venous_po2():
    # Delivoria-Papadopoulos 1971: P50 19.4 mmHg in term newborns; with the
    # curve shifted to that P50, S(P50) = 0.5 exactly and S(40) is higher
    # than the adult value at every PO2 below full saturation.
    fetal = L.dissociation_numbers(p50_mmhg=blood.FETAL_P50_MMHG)
    adult = L.dissociation_numbers()
    assert fetal["p50_in_vivo_mmhg"] == pytest.approx(19.4, abs=1e-9)
    assert fetal["venous_so2"] > adult["venous_so2"]
    assert fetal["unloaded_so2"] < adult["unloaded_so2"]


# ---------------------------------------------------------------------------
# Physics of the figures (property tests)
# ---------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(ph=st.floats(7.0, 7.39), pco2=st.floats(41.0, 80.0), t=st.floats(37.5, 40.0))
def test_acid_co2_and_heat_shift_right_and_unload_more(ph, pco2, t):
    # Each of acid, CO2 and heat raises the P50 (Kelman's factors are all
    # positive) and, since S(100) > S(40) moves less on the flat top, the
    # saturation unloaded between 100 and 40 mmHg grows.
    standard = L.dissociation_numbers()
    for shifted in (L.dissociation_numbers(ph=ph), L.dissociation_numbers(pco2_mmhg=pco2),
                    L.dissociation_numbers(temperature_c=t)):
        assert shifted["p50_in_vivo_mmhg"] > standard["p50_in_vivo_mmhg"]
        assert shifted["venous_so2"] < standard["venous_so2"]
        assert shifted["unloaded_so2"] > standard["unloaded_so2"]


@settings(max_examples=40, deadline=None)
@given(hb=st.floats(5.0, 20.0), frac_co=st.floats(0.2, 1.6), pao2=st.floats(35.0, 150.0),
       frac_vo2=st.floats(0.5, 2.0))
def test_budget_conserves_o2_and_co2_and_respects_limits(hb, frac_co, pao2, frac_vo2):
    # O2 and CO2 mass balance across the body (Fick), consumption never above
    # demand nor extraction above its maximum, and the venous blood lower in
    # O2 and higher in CO2 than the arterial blood.
    p = patients.ADULT
    co, demand = frac_co * p.cardiac_output_l_min, frac_vo2 * p.vo2_ml_min
    b = L.oxygen_budget(p, hb_g_dl=hb, cardiac_output_l_min=co, pao2_mmhg=pao2, vo2_demand_ml_min=demand)
    vo2 = float(b.vo2_ml_min)
    assert L.fick_vo2_ml_min(co, b.arterial.o2_content_ml_dl, b.venous.o2_content_ml_dl) == pytest.approx(
        vo2, rel=1e-9)
    co2_out = 10.0 * co * (float(b.venous.co2_content_ml_dl) - float(b.arterial.co2_content_ml_dl))
    assert co2_out == pytest.approx(p.respiratory_quotient * vo2, rel=1e-9)
    assert vo2 <= demand * (1 + 1e-12)
    assert float(b.extraction_ratio) <= b.max_extraction * (1 + 1e-12)
    assert float(b.venous.po2_mmhg) < pao2
    assert float(b.venous.pco2_mmhg) > float(b.arterial.pco2_mmhg)
    if bool(b.supply_limited):
        # Below the critical delivery the tissues take exactly E_max x DO2.
        assert vo2 == pytest.approx(b.max_extraction * float(b.do2_ml_min), rel=1e-12)
        assert float(b.do2_ml_min) < float(b.critical_do2_ml_min)
    else:
        assert vo2 == pytest.approx(demand, rel=1e-12)


def test_halving_flow_or_haemoglobin_halves_delivery_and_lowers_svo2():
    # The lesson's Q5 and section 5: at fixed VO2, halving CO doubles the
    # a-v difference (VO2 / 10 CO, hand-derived 5.0 -> 10.0 mL/dL) and
    # halving Hb halves DO2 (within 2 %: only the dissolved O2 does not halve).
    base = L.oxygen_budget(patients.ADULT)
    low_co = L.oxygen_budget(patients.ADULT, cardiac_output_l_min=2.5)
    low_hb = L.oxygen_budget(patients.ADULT, hb_g_dl=7.0)
    assert float(base.avdo2_ml_dl) == pytest.approx(5.0, rel=1e-9)
    assert float(low_co.avdo2_ml_dl) == pytest.approx(10.0, rel=1e-9)
    assert float(low_hb.do2_ml_min) == pytest.approx(0.5 * float(base.do2_ml_min), rel=0.02)
    for b in (low_co, low_hb):
        assert float(b.vo2_ml_min) == pytest.approx(250.0)
        assert float(b.venous.so2) < float(base.venous.so2) - 0.2


def test_array_budget_matches_scalar_budgets():
    hbs = np.array([7.0, 14.0])
    arr = L.budget_numbers(L.oxygen_budget(patients.ADULT, hb_g_dl=hbs))
    for i, hb in enumerate(hbs):
        one = L.budget_numbers(L.oxygen_budget(patients.ADULT, hb_g_dl=float(hb)))
        for key, value in one.items():
            assert arr[key][i] == pytest.approx(value, rel=1e-9, abs=1e-12), key


# ---------------------------------------------------------------------------
# The explorers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("patient", [patients.ADULT, patients.NEONATE, patients.CHILD])
def test_delivery_explorer_every_corner_is_valid_model_input(patient):
    # The factory's docstring promises that no combination of slider ends
    # leaves the range of ecmolib.blood (test_views.py moves one slider at a
    # time only).
    ex = L.delivery_explorer(patient)
    keys = list(ex.specs)
    for combo in itertools.product(*[(ex.specs[k].low, ex.specs[k].high) for k in keys]):
        n = L.budget_numbers(L.oxygen_budget(patient, **dict(zip(keys, combo))))
        assert all(math.isfinite(float(v)) for v in n.values())
    for spec in ex.specs.values():
        # Slider grids pass through the patient's own values.
        k = (spec.value - spec.low) / spec.step
        assert k == pytest.approx(round(k), abs=1e-6)


def _png(fig):
    buf = io.BytesIO()
    fig.canvas.print_png(buf)
    return plt.imread(io.BytesIO(buf.getvalue()))


@pytest.mark.parametrize(("factory", "moves"), [
    (L.dissociation_explorer, [{"ph": 7.1}, {"ph": 7.1, "temperature_c": 33.0}]),
    (L.content_explorer, [{"hb_g_dl": 6.0}, {"hb_g_dl": 6.0, "po2_mmhg": 150.0}]),
    (L.delivery_explorer, [{"cardiac_output_l_min": 1.5}, {"cardiac_output_l_min": 1.5, "hb_g_dl": 9.0}]),
])
def test_fast_update_path_draws_what_a_fresh_draw_draws(factory, moves):
    # After the first draw, a slider move only redraws the changing artists
    # over a frozen background (and, for the delivery view, reads a
    # precomputed slider line). The picture and the numbers must match a
    # fresh draw of the same state: numbers to round-off, pixels apart from
    # anti-aliasing where a moving artist overlaps a frozen one.
    plotting.use_lesson_style()
    live = factory()
    live.refresh()
    for values in moves:
        got = live.refresh(**values)
        fig = Figure(figsize=live.figsize)
        FigureCanvasAgg(fig)
        want = live.draw(fig, **{**live.defaults(), **values})
        for key in want:
            assert got[key] == pytest.approx(want[key], rel=1e-9, abs=1e-12), key
        a, b = _png(live.figure), _png(fig)
        assert a.shape == b.shape
        differing = np.abs(a - b).max(axis=2) > 0.2
        assert differing.mean() < 0.002  # fewer than 0.2 % of pixels


def test_precomputed_line_equals_direct_model_call():
    ex = L.delivery_explorer()
    fig = Figure(figsize=ex.figsize)
    FigureCanvasAgg(fig)
    grid_value = ex.specs["pao2_mmhg"].low + 7 * ex.specs["pao2_mmhg"].step
    shown = ex.draw(fig, **{**ex.defaults(), "pao2_mmhg": grid_value})
    direct = L.budget_numbers(L.oxygen_budget(patients.ADULT, pao2_mmhg=grid_value))
    for key, value in direct.items():
        assert shown[key] == pytest.approx(float(value), rel=1e-9, abs=1e-12), key


def test_explorers_are_registered_for_lesson_01():
    assert set(L.EXPLORERS) == {"01 dissociation curve", "01 oxygen content", "01 delivery and consumption"}
    for factory in L.EXPLORERS.values():
        ex = factory()
        assert ex.update is not None


# ---------------------------------------------------------------------------
# Bad input: every public function
# ---------------------------------------------------------------------------

BAD_NUMBERS = [-1.0, float("nan"), float("inf"), "5", None]


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_o2_delivery_rejects_bad_input(bad):
    with pytest.raises(ValueError, match=r"cardiac_output_l_min \[L/min\]"):
        L.o2_delivery_ml_min(bad, 20.0)
    with pytest.raises(ValueError, match=r"cao2_ml_dl \[mL/dL\]"):
        L.o2_delivery_ml_min(5.0, bad)


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_fick_rejects_bad_input(bad):
    with pytest.raises(ValueError, match=r"cardiac_output_l_min \[L/min\]"):
        L.fick_vo2_ml_min(bad, 20.0, 15.0)
    with pytest.raises(ValueError, match=r"cao2_ml_dl \[mL/dL\]"):
        L.fick_vo2_ml_min(5.0, bad, 15.0)
    with pytest.raises(ValueError, match=r"cvo2_ml_dl \[mL/dL\]"):
        L.fick_vo2_ml_min(5.0, 20.0, bad)


def test_fick_rejects_venous_above_arterial_and_out_of_range():
    with pytest.raises(ValueError, match=r"cvo2_ml_dl \[mL/dL\] must not exceed cao2_ml_dl"):
        L.fick_vo2_ml_min(5.0, 15.0, 20.0)
    with pytest.raises(ValueError, match=r"cao2_ml_dl \[mL/dL\]"):
        L.fick_vo2_ml_min(5.0, 41.0, 15.0)
    with pytest.raises(ValueError, match=r"cardiac_output_l_min \[L/min\]"):
        L.fick_vo2_ml_min(0.0, 20.0, 15.0)


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_extraction_ratio_rejects_bad_input(bad):
    with pytest.raises(ValueError, match=r"vo2_ml_min \[mL/min\]"):
        L.extraction_ratio(bad, 1000.0)
    with pytest.raises(ValueError, match=r"do2_ml_min \[mL/min\]"):
        L.extraction_ratio(250.0, bad)


def test_extraction_ratio_rejects_consumption_above_delivery():
    with pytest.raises(ValueError, match=r"vo2_ml_min \[mL/min\] must not exceed do2_ml_min"):
        L.extraction_ratio(300.0, 200.0)


@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"hb_g_dl": -1.0}, r"hb_g_dl \[g/dL\]"),
    ({"hb_g_dl": float("nan")}, r"hb_g_dl \[g/dL\]"),
    ({"cardiac_output_l_min": 0.0}, r"cardiac_output_l_min \[L/min\]"),
    ({"cardiac_output_l_min": "5"}, r"cardiac_output_l_min \[L/min\]"),
    ({"pao2_mmhg": 1200.0}, r"pao2_mmhg \[mmHg\]"),
    ({"paco2_mmhg": -5.0}, r"paco2_mmhg \[mmHg\]"),
    ({"vo2_demand_ml_min": float("inf")}, r"vo2_demand_ml_min \[mL/min\]"),
    ({"vo2_demand_ml_min": "250"}, r"vo2_demand_ml_min \[mL/min\]"),
    ({"max_extraction": 0.95}, r"max_extraction \[fraction 0..1\]"),
    ({"max_extraction": 0.0}, r"max_extraction \[fraction 0..1\]"),
])
def test_oxygen_budget_rejects_bad_input(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        L.oxygen_budget(patients.ADULT, **kwargs)


def test_oxygen_budget_and_delivery_explorer_reject_a_non_patient():
    with pytest.raises(ValueError, match="patient must be"):
        L.oxygen_budget("adult")
    with pytest.raises(ValueError, match="patient must be"):
        L.delivery_explorer(None)
    with pytest.raises(ValueError, match="budget must be an OxygenBudget"):
        L.budget_numbers({"do2_ml_min": 1.0})


@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"ph": 6.5}, r"ph \[pH units\]"),
    ({"pco2_mmhg": -1.0}, r"pco2_mmhg \[mmHg\]"),
    ({"temperature_c": float("nan")}, r"temperature_c \[C\]"),
    ({"p50_mmhg": "26.8"}, r"p50_mmhg \[mmHg\]"),
    ({"arterial_po2_mmhg": 0.0}, r"arterial_po2_mmhg \[mmHg\]"),
    ({"venous_po2_mmhg": float("nan")}, r"venous_po2_mmhg \[mmHg\]"),
])
def test_dissociation_numbers_rejects_bad_input(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        L.dissociation_numbers(**kwargs)


@pytest.mark.parametrize(("args", "kwargs", "pattern"), [
    ((-10.0,), {"hb_g_dl": 12.0}, r"po2_mmhg \[mmHg\]"),
    ((float("nan"),), {"hb_g_dl": 12.0}, r"po2_mmhg \[mmHg\]"),
    ((100.0,), {"hb_g_dl": 0.0}, r"hb_g_dl \[g/dL\]"),
    ((100.0,), {"hb_g_dl": None}, r"hb_g_dl \[g/dL\]"),
])
def test_content_numbers_rejects_bad_input(args, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        L.content_numbers(*args, **kwargs)


def test_drawing_functions_reject_bad_marker_input():
    _fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"po2_mmhg \[mmHg\]"):
        L.draw_content(ax, po2_mmhg=700.0)
    with pytest.raises(ValueError, match=r"venous_po2_mmhg \[mmHg\]"):
        L.draw_dissociation(ax, venous_po2_mmhg=-4.0)
    budget = L.oxygen_budget(patients.ADULT, hb_g_dl=np.array([7.0, 14.0]))
    with pytest.raises(ValueError, match="one state"):
        L.draw_budget(plt.figure(), budget, do2_max_ml_min=2000.0, vo2_max_ml_min=500.0)


def test_delivery_explorer_rejects_values_off_its_sliders():
    ex = L.delivery_explorer()
    fig = Figure(figsize=ex.figsize)
    FigureCanvasAgg(fig)
    with pytest.raises(ValueError, match=r"cardiac_output_l_min \[L/min\]"):
        ex.draw(fig, **{**ex.defaults(), "cardiac_output_l_min": 50.0})
