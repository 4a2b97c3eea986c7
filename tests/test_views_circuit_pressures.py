"""Lesson 03's views: the claims the lesson's pictures rest on.

The generic checks (every slider at both ends, no NaN, no warning) are in
test_views.py; here: the fast path (only the moving artists redrawn over a
cached background) draws the same picture as a full redraw, the system curve is a proper curve through the operating
point, and the compositions (cannula variant, speed for a flow, profile)
agree with the model they wrap.
"""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mimage  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ecmolib import circuit, patients, plotting  # noqa: E402
from ecmolib.views import circuit_pressures as cp  # noqa: E402

ADULT = dict(venous_pressure_mmhg=10.0, arterial_pressure_mmhg=70.0, hb_g_dl=patients.ADULT.hb_g_dl)
GRID = np.arange(1500.0, 5501.0, 50.0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _png(explorer, **values):
    explorer.refresh(**values)
    buf = io.BytesIO()
    explorer.figure.canvas.print_png(buf)
    return mimage.imread(io.BytesIO(buf.getvalue()))


def test_fast_path_draws_the_same_picture_as_a_full_draw():
    with plotting.lesson_style():
        state = {"rpm": 5200.0, "french": 21.0, "venous_pressure_mmhg": 8.0, "arterial_pressure_mmhg": 80.0}
        full = cp.circuit_explorer()
        reference = _png(full, **state)  # first refresh: a full draw of this state
        fast = cp.circuit_explorer()
        fast.refresh()  # full draw of the default state
        fast.refresh(rpm=4000.0)  # an update; the background is cached since the first refresh
        image = _png(fast, **state)  # update drawn on the cached background
    assert image.shape == reference.shape
    differs = np.any(np.abs(image - reference) > 2.0 / 255.0, axis=-1)
    # Only anti-aliased edges where a moving line crosses a static one may
    # differ (the moving artists are painted over, not between, the static
    # ones); 0.5 % of the pixels is far below any visible change.
    assert differs.mean() < 0.005


def test_system_curve_rises_and_passes_through_every_operating_point():
    sweep = cp.speed_sweep(circuit.ADULT_VA, GRID, **ADULT)
    q, head = cp._system_curve(sweep)
    assert np.all(np.diff(q) > 0) and np.all(np.diff(head) > 0)
    # It passes through the static back-pressure (arterial minus venous) at
    # zero flow; below it (slow speeds) blood runs backwards.
    zero = int(np.flatnonzero(q == 0.0)[0])
    assert head[zero] == pytest.approx(70.0 - 10.0)
    assert np.all(head[:zero] < 70.0 - 10.0) and np.all(q[:zero] < 0.0)
    i = int(np.argmin(np.abs(GRID - 3500.0)))
    assert np.any(np.isclose(q, sweep.flow_l_min[i]) & np.isclose(head, sweep.pump_head_mmhg[i]))


def test_drainage_variant_recomputes_the_inner_diameter():
    small = cp.with_drainage_cannula(circuit.ADULT_VA, 19.0).drainage_cannula
    large = cp.with_drainage_cannula(circuit.ADULT_VA, 29.0).drainage_cannula
    # Outer diameter Fr/3 minus twice the library's default wall (0.3 mm).
    assert small.inner_diameter_mm == pytest.approx(19.0 / 3.0 - 0.6)
    assert large.inner_diameter_mm == pytest.approx(29.0 / 3.0 - 0.6)
    assert large.length_cm == circuit.ADULT_VA.drainage_cannula.length_cm


@settings(max_examples=30, deadline=None)
@given(f1=st.integers(15, 29), df=st.integers(1, 6), rpm=st.sampled_from([2500.0, 3500.0, 4500.0]))
def test_bigger_drainage_cannula_gives_less_negative_drainage_pressure(f1, df, rpm):
    """The lesson's claim: at the same speed a bigger drainage cannula drains
    at least as much with a drainage pressure no more negative."""
    small = circuit.operating_point(cp.with_drainage_cannula(circuit.ADULT_VA, f1), rpm, **ADULT)
    big = circuit.operating_point(cp.with_drainage_cannula(circuit.ADULT_VA, f1 + df), rpm, **ADULT)
    assert big.flow_l_min >= small.flow_l_min - 1e-9
    assert big.drainage_pressure_mmhg >= small.drainage_pressure_mmhg - 1e-6


def test_speed_for_flow_round_trips_and_reports_unreachable_flows():
    rpm = cp.speed_for_flow(circuit.ADULT_VA, 4.0, **ADULT)
    assert float(circuit.operating_point(circuit.ADULT_VA, rpm, **ADULT).flow_l_min) == pytest.approx(4.0, abs=1e-3)
    # Q_max = 10 mmHg / 1.4 mmHg min/L = 7.14 L/min: 8 L/min is beyond the vein.
    assert cp.speed_for_flow(circuit.ADULT_VA, 8.0, **ADULT) is None


def test_profile_rises_only_across_the_pump():
    point = circuit.operating_point(circuit.ADULT_VA, 3500.0, **ADULT)
    prof = cp.pressure_profile(point)
    p = np.array([prof[n] for n in cp.PROFILE_NODES])
    steps = np.diff(p)
    pump = cp.PROFILE_NODES.index("drainage")
    assert steps[pump] == pytest.approx(float(point.pump_head_mmhg))
    assert np.all(np.delete(steps, pump) < 0)


@pytest.mark.parametrize("bad", [float("nan"), -1.0, 41.0, "25", None])
def test_drainage_variant_rejects_bad_french(bad):
    with pytest.raises(ValueError, match=r"french \[Fr\]"):
        cp.with_drainage_cannula(circuit.ADULT_VA, bad)


@pytest.mark.parametrize("bad", [0.0, -2.0, float("inf"), "4"])
def test_speed_for_flow_rejects_bad_flow(bad):
    with pytest.raises(ValueError, match=r"flow_l_min \[L/min\]"):
        cp.speed_for_flow(circuit.ADULT_VA, bad, **ADULT)


def test_lesson_imports_load_no_other_lessons_models():
    # Lesson 03's imports must not load lesson 04's VV model and numba
    # (about 100 MB of kernel memory the lesson never uses).
    import subprocess
    import sys

    code = ("import sys\n"
            "from ecmolib import circuit, patients, plotting\n"
            "from ecmolib.views import circuit_pressures, scenario\n"
            "print(sorted(m for m in ('numba', 'ecmolib.vv', 'ecmolib.views.vv_ecmo') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_explorer_sliders_hold_a_scenario_outside_their_usual_range():
    explorer = cp.circuit_explorer(patients.NEONATE, circuit.NEONATAL_VA, rpm=1000.0,
                                   venous_pressure_mmhg=18.0, arterial_pressure_mmhg=25.0)
    specs = explorer.specs
    assert specs["rpm"].low <= specs["rpm"].value == 1500.0
    assert specs["venous_pressure_mmhg"].high >= 18.0 == specs["venous_pressure_mmhg"].value
    assert specs["arterial_pressure_mmhg"].low <= 25.0 == specs["arterial_pressure_mmhg"].value
