"""Every lesson widget at both ends of every slider: no exception, no NaN, no
warning (pytest turns warnings into errors), and the same view function the
widget calls. Also the contracts of the shared helpers: the plotting
helpers, the slider grids and the live figure that redraws only what moves
(ecmolib.widgets.live_artists)."""

import io
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

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
        if spec.log_scale:  # a FloatLogSlider: its ends in decades
            assert (10.0 ** s.min, 10.0 ** s.max, s.value) == pytest.approx((spec.low, spec.high, spec.value))
        else:
            assert (s.min, s.max, s.value) == (spec.low, spec.high, spec.value)
        assert widgets.shown_units(spec) in s.description
        assert s.tooltip == s.description  # the full label on hover, not "null"
        # The label is as wide as the longest of the explorer's labels needs.
        assert s.style.description_width.endswith("ch")
        assert int(s.style.description_width[:-2]) > len(s.description)
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


# ---------------------------------------------------------------------------
# ecmolib.widgets: draw only what moves (live_artists)
# ---------------------------------------------------------------------------


class _CountingLine(Line2D):
    """A static line that counts how often it is drawn."""

    draws = 0

    def draw(self, renderer):
        type(self).draws += 1
        super().draw(renderer)


def _live_figure(dpi=80):
    fig = Figure(figsize=(4.0, 3.0), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _CountingLine.draws = 0
    ax.add_line(_CountingLine([0, 1], [1, 0], color="0.6", lw=3))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    (moving,) = ax.plot([0, 1], [0, 0.5], color="tab:red", lw=2)
    label = fig.text(0.5, 0.95, "start", ha="center")
    return fig, {"line": moving, "label": label, "note": 3.0}


def _pixels(fig, **kwargs):
    buf = io.BytesIO()
    fig.canvas.print_png(buf, **kwargs)
    return plt.imread(io.BytesIO(buf.getvalue()))


def _full_draw_pixels(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return plt.imread(io.BytesIO(buf.getvalue()))


def test_live_artists_does_nothing_on_pyplot_figures():
    fig = plt.figure()
    (line,) = fig.add_subplot().plot([0, 1], [0, 1])
    canvas = fig.canvas
    assert widgets.live_artists(fig, {"line": line})["line"] is line
    assert fig.canvas is canvas and not line.get_animated()
    bare = Figure()  # no Agg canvas at all
    (line,) = bare.add_subplot().plot([0, 1], [0, 1])
    widgets.live_artists(bare, [line])
    assert not line.get_animated()


def test_live_figure_redraws_only_the_moving_artists_and_shows_the_full_picture():
    fig, moving = _live_figure()
    widgets.live_artists(fig, moving)
    first = _pixels(fig)
    assert _CountingLine.draws == 1
    moving["line"].set_ydata([0.5, 1.0])
    moving["label"].set_text("moved")
    fast = _pixels(fig, pil_kwargs={"compress_level": 1})
    assert _CountingLine.draws == 1  # the static line came from the cached background
    assert np.abs(fast - first).max() > 0.1  # the moving artists did move
    full = _full_draw_pixels(fig)
    assert _CountingLine.draws == 2  # savefig draws everything, moving artists included
    assert fast.shape == full.shape
    # Moving artists are painted over the static ones rather than between
    # them; here nothing overlaps but anti-aliased edges, far below 0.5 %.
    assert (np.abs(fast - full).max(axis=2) > 0.1).mean() < 0.005
    assert moving["line"].get_animated()  # savefig leaves the live figure live
    _pixels(fig)
    assert _CountingLine.draws == 2


def test_live_figure_background_is_redrawn_after_a_dpi_or_size_change():
    fig, moving = _live_figure(dpi=80)
    widgets.live_artists(fig, moving)
    assert _pixels(fig).shape[:2] == (240, 320)
    fig.set_dpi(100)
    image = _pixels(fig)
    assert image.shape[:2] == (300, 400) and _CountingLine.draws == 2
    fig.set_size_inches(5.0, 3.0)
    assert _pixels(fig).shape[:2] == (300, 500) and _CountingLine.draws == 3
    _pixels(fig)
    assert _CountingLine.draws == 3


def test_live_figure_svg_and_rebuilt_figures_show_every_artist():
    fig, moving = _live_figure()
    widgets.live_artists(fig, moving)
    _pixels(fig)
    moving["label"].set_text("moved label")
    buf = io.BytesIO()
    with plt.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg")
    assert moving["line"].get_animated()
    svg = buf.getvalue().decode()
    assert "#d62728" in svg and "moved label" in svg  # the moving line and figure text were drawn
    # A figure rebuilt without live_artists is drawn whole again.
    fig.clear()
    (line,) = fig.add_subplot().plot([0, 1], [1, 1], color="tab:blue", lw=6)
    widgets.live_artists(plt.figure(), [line])  # another figure: no effect here
    before = _pixels(fig)
    assert np.any(np.all(np.abs(before[..., :3] - to_rgba("tab:blue")[:3]) < 0.02, axis=-1))


# ---------------------------------------------------------------------------
# ecmolib.widgets: slider grids
# ---------------------------------------------------------------------------


def test_slider_grid_index_and_anchored_specs():
    spec = widgets.SliderSpec("FdO2", "", 0.21, 1.0, 0.6, 0.01)
    grid = spec.grid()
    assert len(grid) == 80 and grid[0] == 0.21 and grid[-1] == 1.0
    assert grid[spec.index(0.3, name="fdo2", units="fraction 0..1")] == 0.3  # 10 decimals, not 0.30000000000000004
    s = widgets.SliderSpec.anchored("VO2 demand", "mL/min", 21.0, 10.5, 42.0, widgets.nice_step(21.0))
    assert s.step == 0.5 and s.value in s.grid() and (s.low, s.high, s.fmt) == (10.5, 42.0, ".1f")


@settings(max_examples=300, deadline=None)
@given(low=st.floats(0.5, 10.0), ratio=st.floats(2.0, 100.0), where=st.floats(0.0, 1.0),
       step=st.floats(0.005, 0.1))
def test_log_slider_grid_runs_from_end_to_end(low, ratio, where, step):
    # The ends of an anchored log slider are rounded to 9 significant
    # digits; its grid must still reach both (it once stopped a step short
    # of the top in about 4 specs of 10, e.g. lesson 07's weight slider for
    # a 33.3 kg patient ended at 38.2 kg, not 40.0).
    high = low * ratio
    spec = widgets.SliderSpec.anchored("weight", "kg", low * ratio ** where, low, high, step, log_scale=True)
    grid = spec.grid()
    assert grid[0] == pytest.approx(spec.low, rel=1e-8) and grid[-1] == pytest.approx(spec.high, rel=1e-8)
    assert grid[spec.index(spec.value, name="weight")] == pytest.approx(spec.value, rel=1e-8)


@pytest.mark.parametrize("bad", [1.2, -0.1, float("nan"), "0.5", None])
def test_slider_index_rejects_values_off_the_slider(bad):
    spec = widgets.SliderSpec("FdO2", "", 0.21, 1.0, 0.6, 0.01)
    with pytest.raises(ValueError, match=r"fdo2 \[fraction 0..1\]"):
        spec.index(bad, name="fdo2", units="fraction 0..1")


def test_slider_helpers_reject_bad_input():
    with pytest.raises(ValueError, match="low <= value <= high"):
        widgets.SliderSpec.anchored("Hb", "g/dL", 30.0, 4.0, 20.0, 0.5)
    with pytest.raises(ValueError, match=r"value \["):
        widgets.nice_step(0.0)
    with pytest.raises(ValueError, match=r"per \[steps\]"):
        widgets.nice_step(5.0, per=float("nan"))


def test_slider_labels_show_subscripts():
    s = widgets.slider(widgets.SliderSpec("pre-oxygenator PCO2", "mmHg", 30.0, 80.0, 50.0, 5.0, ".0f"))
    assert s.description == "pre-oxygenator PCO₂ [mmHg]"


# ---------------------------------------------------------------------------
# ecmolib.plotting: text and axes helpers
# ---------------------------------------------------------------------------


def test_subscripts_only_touch_digits_after_letters():
    assert plotting.subscripts("SvO2 70 %, PaCO2 40 mmHg, P50 26.8") == "SvO₂ 70 %, PaCO₂ 40 mmHg, P₅₀ 26.8"
    with pytest.raises(ValueError, match="text must be a str"):
        plotting.subscripts(2)


def test_log_po2_axis_and_its_bad_input():
    ax = Figure().add_subplot()
    axis = plotting.log_po2_axis(ax, 20.0, 1000.0, axis="x")
    assert ax.get_xscale() == "log" and axis is ax.xaxis
    assert [t.get_text() for t in axis.get_majorticklabels()] == ["30", "50", "100", "200", "300", "500"]
    with pytest.raises(ValueError, match=r"low \[mmHg\]"):
        plotting.log_po2_axis(ax, 0.0, 800.0)
    with pytest.raises(ValueError, match=r"high \[mmHg\]"):
        plotting.log_po2_axis(ax, 30.0, 30.0)
    with pytest.raises(ValueError, match="axis must be one of"):
        plotting.log_po2_axis(ax, axis="z")


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_widget_readout_follows_the_sliders(name):
    # The line of key numbers under the sliders is text a screen reader can
    # read; it must show the state of the figure after every move.
    explorer = EXPLORERS[name]()
    explorer.widget()
    key, spec = next(iter(explorer.specs.items()))
    before = explorer.readout.value
    assert before == widgets.format_readout(explorer.refresh(**explorer.defaults()))
    end = spec.high if spec.value != spec.high else spec.low
    explorer.sliders[key].value = end
    assert explorer.readout.value != before
    assert explorer.readout.value == widgets.format_readout(explorer.refresh(**{**explorer.defaults(), key: end}))


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_live_figure_after_moves_looks_like_a_fresh_draw(name):
    # The live figure redraws only what moves over a cached background; after
    # moving every slider to an end and back it must show what a full draw of
    # the same state shows (labels on recoloured boxes included). Antialiased
    # edges and a moving line crossing a static label may differ, so count
    # pixels that differ by more than 32 of 255 in some channel: up to 0.034 %
    # in these views, while a single hidden label ("pump") covers about 0.1 %.
    import numpy as np

    moved = EXPLORERS[name]()
    moved.refresh()
    for key, spec in moved.specs.items():
        moved.refresh(**{key: spec.high if spec.value != spec.high else spec.low})
    moved.refresh()
    # savefig draws every artist the ordinary way (no cached background).
    import io

    import matplotlib.image as mpimg

    a = np.array(moved.figure.canvas.buffer_rgba(), dtype=int)  # a copy, before savefig redraws
    buf = io.BytesIO()
    moved.figure.savefig(buf, format="png", dpi=moved.figure.dpi)
    buf.seek(0)
    b = np.round(mpimg.imread(buf, format="png") * 255).astype(int)
    assert a.shape == b.shape
    differing = np.mean(np.any(np.abs(a - b) > 32, axis=-1))
    assert differing < 0.0005, f"{name}: {differing:.3%} of pixels differ from a full draw"


def test_percent_sliders_are_labelled_in_per_cent():
    # A readout in per cent ("30%") is labelled "%", not "fraction".
    spec = widgets.SliderSpec("recirculation", "fraction", 0.0, 0.6, 0.3, 0.05, ".0%")
    assert widgets.slider_label(spec) == "recirculation [%]"
    assert widgets.slider_label(widgets.SliderSpec("PCO2", "mmHg", 20, 80, 40, 1, ".0f")) == "PCO₂ [mmHg]"


def test_readout_is_a_few_short_lines_grouped_by_units():
    numbers = {"rpm": 3500, "flow_l_min": 4.29, "drainage_pressure_mmhg": -38.6, "pre_oxygenator_pressure_mmhg": 228,
               "post_oxygenator_pressure_mmhg": 200, "sao2": 0.91, "svo2": 0.7, "suction": 0.0}
    lines = widgets._readout_lines(numbers)
    assert lines == ["rpm 3500 · flow 4.29 L/min",
                     "drainage pressure −38.6 mmHg · pre-oxygenator pressure 228 mmHg · "
                     "post-oxygenator pressure 200 mmHg",
                     "SaO₂ 91% · SvO₂ 70% · suction no"]
    assert widgets.format_readout(numbers).count("<div") == 3


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_explorer_display_carries_the_figure_and_no_widget_repr(name):
    # Where the widget cannot be shown (a saved notebook before Run All, a
    # static HTML page, GitHub) the display shows the figure, or a sentence,
    # never "VBox(children=(FloatSlider(...".
    import base64

    import matplotlib.image as mpimg

    explorer = EXPLORERS[name]()
    box = explorer.widget()
    data = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "VBox" not in data["text/plain"] and "FloatSlider" not in data["text/plain"]
    assert data["text/plain"].startswith("Interactive figure")
    png = mpimg.imread(io.BytesIO(base64.b64decode(data["image/png"])), format="png")
    assert png.shape[:2] == explorer.css_size()[::-1]  # one pixel per CSS pixel, like the other static figures


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_live_image_has_two_device_pixels_per_css_pixel(name):
    import matplotlib.image as mpimg

    explorer = EXPLORERS[name]()
    explorer.widget()
    w, h = explorer.css_size()
    assert (explorer.image.width, explorer.image.height) == (str(w), str(h))
    png = mpimg.imread(io.BytesIO(explorer.image.value), format="png")
    assert png.shape[:2] == (round(2 * h), round(2 * w))


@pytest.mark.parametrize("fast_deflate", [True, False])
def test_encode_png_round_trips(fast_deflate, monkeypatch):
    # With zlib-ng (the lessons' environment) and with the standard
    # library's zlib (a library install without it).
    import zlib

    import matplotlib.image as mpimg

    if not fast_deflate:
        monkeypatch.setattr(widgets, "_deflate", zlib)
        monkeypatch.setattr(widgets, "_DEFLATE_LEVEL", 1)
    rng = np.random.default_rng(1)
    rgba = rng.integers(0, 256, (7, 5, 4), dtype=np.uint8)
    back = np.round(mpimg.imread(io.BytesIO(widgets.encode_png(rgba)), format="png") * 255)
    assert np.array_equal(back.astype(np.uint8), rgba)
    with pytest.raises(ValueError, match="uint8"):
        widgets.encode_png(rgba[..., :3])


def test_an_idle_explorer_gives_its_pixels_back_and_draws_the_same_picture():
    # In a kernel (an event loop runs) the renderer's buffer is released
    # idle_release_s after a move; the next move draws the same picture.
    import asyncio

    explorer = EXPLORERS["02 two knobs"]()
    explorer.idle_release_s = 0.01
    name, spec = next(iter(explorer.specs.items()))

    async def moves():
        explorer.refresh(**{name: spec.high})
        kept = np.array(explorer.figure.canvas.buffer_rgba())
        assert explorer.figure.canvas.renderer is not None
        await asyncio.sleep(0.05)
        released = explorer.figure.canvas.renderer is None
        explorer.refresh(**{name: spec.low})
        explorer.refresh(**{name: spec.high})
        return kept, released, np.array(explorer.figure.canvas.buffer_rgba())

    # In a thread of its own: another test (Playwright) may have left an
    # event loop running in this one.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        kept, released, again = pool.submit(asyncio.run, moves()).result()
    assert released
    assert np.array_equal(kept, again)
