"""The glyph-caching renderer of the live figures draws exactly what matplotlib's Agg renderer draws."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends import backend_agg
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ecmolib import _glyph_cache, views


def _texts(fig, shift):
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    ax.set_title(f"SaO$_2$ {93.4 + shift:.1f} %")
    for i, (size, angle, aa) in enumerate([(8, 0, True), (11, 0, True), (14, 30, True), (10, 90, True),
                                           (9, 0, False), (12, -15, True)]):
        ax.text(0.05 + 0.013 * shift + 0.15 * i, 0.1 + 0.13 * i, f"{i}: Flow {4.25 + shift:.2f} L/min ~ mmHg",
                fontsize=size, rotation=angle, antialiased=aa, fontweight="bold" if i % 2 else "normal")
    ax.set_xlabel("ECMO flow [L/min]")


def _pixels(renderer_cls, shift, dpi):
    fig = Figure(figsize=(5, 3), dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.renderer = renderer_cls(*canvas.get_width_height(physical=True), dpi)
    canvas._lastKey = (*canvas.get_width_height(physical=True), dpi)
    _texts(fig, shift)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_this_matplotlib_gets_the_caching_renderer():
    # The pinned matplotlib has the private methods the cache relies on; if
    # an upgrade removes them, live figures fall back to the plain renderer
    # (correct, slower) and this test says so.
    assert _glyph_cache.renderer_class() is _glyph_cache.GlyphCachingRenderer


@pytest.mark.parametrize("dpi", [100.0, 200.0, 137.0])
def test_cached_text_is_pixel_identical_to_matplotlib(dpi):
    # Twice in a row (the second time every glyph comes from the cache) and
    # at shifted positions (other sub-pixel offsets, other strings).
    for shift in (0.0, 0.0, 0.37, 1.0):
        plain = _pixels(backend_agg.RendererAgg, shift, dpi)
        cached = _pixels(_glyph_cache.GlyphCachingRenderer, shift, dpi)
        assert plain.shape == cached.shape
        assert np.array_equal(plain, cached), f"{np.count_nonzero(plain != cached)} bytes differ"


def test_a_lesson_explorer_looks_the_same_with_the_cache(monkeypatch):
    explorer = views.EXPLORERS["04 recirculation"]()
    name, spec = next(iter(explorer.specs.items()))
    frames = []
    for cls in (_glyph_cache.GlyphCachingRenderer, backend_agg.RendererAgg):
        monkeypatch.setattr(_glyph_cache, "renderer_class", lambda cls=cls: cls)
        explorer.figure = None
        for value in (spec.low, spec.high):
            explorer.refresh(**{name: value})
        frames.append(np.asarray(explorer.figure.canvas.buffer_rgba()).copy())
        plt.close("all")
    assert np.array_equal(*frames)
