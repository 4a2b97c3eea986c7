"""Lesson 01 (oxygen in blood): the claims the lesson's figures and text rest on.

tests/test_views.py already drives every slider of every explorer to both
ends with the others at their defaults, and tests/test_tissues.py checks the
O2 budget itself (ecmolib.tissues); here: hand-derived and textbook values
of the lesson's numbers, the physics each figure is meant to show (so a
model change that breaks a sentence of the lesson breaks a test), every
corner of the delivery explorer's slider box, the fast update path (only
the moving artists redrawn, precomputed slider lines) agreeing with a fresh
draw, and bad input for every public function of the views module.
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

from ecmolib import blood, patients, plotting, tissues  # noqa: E402
from ecmolib.views import oxygen_in_blood as L  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------
# Hand-derived values
# ---------------------------------------------------------------------------


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


def test_halving_flow_or_haemoglobin_halves_delivery_and_lowers_svo2():
    # The lesson's Q5 and section 5: at fixed VO2, halving CO doubles the
    # a-v difference (VO2 / 10 CO, hand-derived 5.0 -> 10.0 mL/dL) and
    # halving Hb halves DO2 (within 2 %: only the dissolved O2 does not halve).
    base = tissues.oxygen_budget(patients.ADULT)
    low_co = tissues.oxygen_budget(patients.ADULT, cardiac_output_l_min=2.5)
    low_hb = tissues.oxygen_budget(patients.ADULT, hb_g_dl=7.0)
    assert float(base.avdo2_ml_dl) == pytest.approx(5.0, rel=1e-9)
    assert float(low_co.avdo2_ml_dl) == pytest.approx(10.0, rel=1e-9)
    assert float(low_hb.do2_ml_min) == pytest.approx(0.5 * float(base.do2_ml_min), rel=0.02)
    for b in (low_co, low_hb):
        assert float(b.vo2_ml_min) == pytest.approx(250.0)
        assert float(b.venous.so2) < float(base.venous.so2) - 0.2


def test_array_budget_matches_scalar_budgets():
    hbs = np.array([7.0, 14.0])
    arr = L.budget_numbers(tissues.oxygen_budget(patients.ADULT, hb_g_dl=hbs))
    for i, hb in enumerate(hbs):
        one = L.budget_numbers(tissues.oxygen_budget(patients.ADULT, hb_g_dl=float(hb)))
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
        n = L.budget_numbers(tissues.oxygen_budget(patient, **dict(zip(keys, combo))))
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
    # over the cached background (ecmolib.widgets.live_artists) and, for the
    # delivery view, reads a precomputed slider line. The picture and the numbers must match a
    # fresh draw of the same state: numbers to round-off, pixels apart from
    # anti-aliasing where a moving artist overlaps a frozen one.
    plotting.use_lesson_style()
    live = factory()
    live.refresh()
    for values in moves:
        got = live.refresh(**values)
        fig = Figure(figsize=live.figsize, dpi=live.figure.dpi)
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
    direct = L.budget_numbers(tissues.oxygen_budget(patients.ADULT, pao2_mmhg=grid_value))
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

def test_budget_functions_of_tissues_are_re_exported_for_the_notebook():
    # The lesson's notebook calls them as lesson.oxygen_budget etc.
    for name in ("o2_delivery_ml_min", "fick_vo2_ml_min", "extraction_ratio", "OxygenBudget", "oxygen_budget"):
        assert getattr(L, name) is getattr(tissues, name)


def test_delivery_explorer_and_budget_numbers_reject_bad_input():
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
    budget = tissues.oxygen_budget(patients.ADULT, hb_g_dl=np.array([7.0, 14.0]))
    with pytest.raises(ValueError, match="one state"):
        L.draw_budget(plt.figure(), budget, do2_max_ml_min=2000.0, vo2_max_ml_min=500.0)


def test_delivery_explorer_rejects_values_off_its_sliders():
    ex = L.delivery_explorer()
    fig = Figure(figsize=ex.figsize)
    FigureCanvasAgg(fig)
    with pytest.raises(ValueError, match=r"cardiac_output_l_min \[L/min\]"):
        ex.draw(fig, **{**ex.defaults(), "cardiac_output_l_min": 50.0})
