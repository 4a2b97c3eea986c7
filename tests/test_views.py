"""Every lesson widget at both ends of every slider: no exception, no NaN, no
warning (pytest turns warnings into errors), and the same view function the
widget calls. Also the plotting helpers' own contracts."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from ecmolib import circuit, plotting, views, widgets  # noqa: E402

EXPLORERS = {name: factory for name, factory in views.EXPLORERS.items()}
CASES = [
    (name, settings)
    for name, factory in EXPLORERS.items()
    for settings in [factory().defaults(), *factory().extreme_settings()]
]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(("name", "settings"), CASES, ids=[f"{n}-{sorted(s.items())}" for n, s in CASES])
def test_view_at_slider_extremes_draws_finite_numbers(name, settings):
    explorer = EXPLORERS[name]()
    fig = plt.figure()
    numbers = explorer.draw(fig, **settings)
    assert numbers, "a view must return the numbers it showed"
    for key, value in numbers.items():
        assert math.isfinite(float(value)), f"{name}: {key} is {value} at {settings}"
    assert fig.axes, "the view drew nothing"


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_widget_builds_with_sliders_matching_specs(name):
    explorer = EXPLORERS[name]()
    box = explorer.widget()
    assert len(explorer.sliders) == len(explorer.specs)
    for key, spec in explorer.specs.items():
        s = explorer.sliders[key]
        assert (s.min, s.max, s.value) == (spec.low, spec.high, spec.value)
        assert spec.units in s.description
    assert box.children[-1] is not None


def test_slider_spec_rejects_inverted_range():
    with pytest.raises(ValueError, match="low < high"):
        widgets.SliderSpec("x", "mmHg", 10.0, 5.0, 7.0, 1.0)


def test_so2_color_runs_blue_to_red():
    low, high = plotting.so2_color(0.5), plotting.so2_color(1.0)
    assert low[2] > low[0]  # bluish
    assert high[0] > high[2]  # reddish


@pytest.mark.parametrize("bad", [-0.1, 1.2, float("nan"), "0.9"])
def test_so2_color_rejects_bad_input(bad):
    with pytest.raises(ValueError, match=r"so2 \[fraction"):
        plotting.so2_color(bad)


def test_draw_circuit_flags_suction():
    point = circuit.operating_point(circuit.ADULT_VA, 5500.0, venous_pressure_mmhg=10.0,
                                    arterial_pressure_mmhg=70.0)
    assert point.suction
    fig, ax = plt.subplots()
    plotting.draw_circuit(ax, point, drainage_so2=0.6, return_so2=1.0, rpm=5500.0)
    assert any("SUCTION" in t.get_text() for t in ax.texts)
