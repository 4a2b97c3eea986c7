"""An Agg renderer that remembers the text layouts and glyph bitmaps it has rendered.

The live figures of the lessons redraw their moving labels (numbers that
follow a slider) on every move. Matplotlib's Agg backend lays each string
out and rasterises each glyph afresh with FreeType, which is most of the
time a move costs. :class:`GlyphCachingRenderer` keeps both: the layout of
a string in a font at a size (which glyphs, where) and the bitmap of a
glyph at a size, angle and sub-pixel offset. A glyph is rasterised at its
position modulo one pixel, so a bitmap moved by whole pixels is the same
bitmap: the cached picture is identical, pixel for pixel, to what the
plain renderer draws (``tests/test_widgets_glyph_cache.py``).

It relies on private methods of matplotlib's Agg backend (3.10 and later:
``RendererAgg._draw_text_glyphs_and_boxes``, ``FT2Font._layout``,
``FT2Font._render_glyph``, ``FT2Font._set_transform``).
:func:`renderer_class` returns the plain :class:`RendererAgg` where they are
missing, so older matplotlib versions draw as before, only slower.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib import ft2font
from matplotlib.backends import backend_agg

__all__ = ["GlyphCachingRenderer", "renderer_class"]

#: Entries kept in each cache before it is emptied and refilled (a lesson's
#: live figure uses a few hundred glyph bitmaps and a few dozen layouts).
MAX_ENTRIES = 20000

_layouts: dict = {}
_glyphs: dict = {}


def _remember(cache, key, value):
    if len(cache) >= MAX_ENTRIES:
        cache.clear()
    cache[key] = value
    return value


def _font_key(prop):
    # What a FontProperties hashes (it is mutable, so not the object itself).
    return (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(),
            prop.get_stretch(), prop.get_size_in_points(), prop.get_file(), prop.get_math_fontfamily())


class GlyphCachingRenderer(backend_agg.RendererAgg):
    """:class:`~matplotlib.backends.backend_agg.RendererAgg` with cached text layouts and glyph bitmaps."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        # As RendererAgg.draw_text, with the layout of (string, font, size,
        # dpi, features, language) remembered.
        if ismath:
            return self.draw_mathtext(gc, x, y, s, prop, angle)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        flags = backend_agg.get_hinting_flag()
        key = (s, _font_key(prop), self.dpi, tuple(features) if features else None, language, flags)
        items = _layouts.get(key)
        if items is None:
            font = self._prepare_font(prop)
            items = _remember(_layouts, key, tuple(
                (item.ft_object, item.glyph_index, item.x, item.y)
                for item in font._layout(s, flags=flags, features=features, language=language)))
        size = prop.get_size_in_points()
        self._draw_text_glyphs_and_boxes(
            gc, x, y, angle, ((font, size, index, 0, 1, dx, dy) for font, index, dx, dy in items), [])

    def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
        # As RendererAgg._draw_text_glyphs_and_boxes: each glyph is placed by
        # a FreeType transform in 1/64 pixel; its bitmap depends on that
        # offset only modulo 64, so it is cached by the remainder and moved
        # by the whole pixels.
        glyphs = list(glyphs)
        if boxes:
            return super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, boxes)
        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        antialiased = bool(gc.get_antialiased())
        flags = backend_agg.get_hinting_flag()
        height = self.height
        for font, size, glyph_index, slant, extend, dx, dy in glyphs:
            px = round(0x40 * (x + dx * cos - dy * sin))
            py = round(0x40 * (height - y + dx * sin + dy * cos))
            key = (font, size, self.dpi, glyph_index, slant, extend, angle, antialiased, flags, px & 63, py & 63)
            entry = _glyphs.get(key)
            if entry is None:
                entry = _remember(_glyphs, key, self._rasterise(
                    font, size, glyph_index, slant, extend, cos, sin, antialiased, flags, px & 63, py & 63))
            buffer, left, top = entry
            self._renderer.draw_text_image(buffer, left + (px >> 6), int(height) - (top + (py >> 6))
                                           + buffer.shape[0], 0, gc)

    def _rasterise(self, font, size, glyph_index, slant, extend, cos, sin, antialiased, flags, fx, fy):
        # The glyph's bitmap at sub-pixel offset (fx, fy)/64 from the origin,
        # and its left and top edges there [pixels].
        font.set_size(size, self.dpi)
        font._set_transform(
            (0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[extend, extend * slant], [0, 1]]).round().astype(int),
            [fx, fy])
        bitmap = font._render_glyph(
            glyph_index, flags,
            backend_agg.RenderMode.NORMAL if antialiased else backend_agg.RenderMode.MONO)
        buffer = np.array(bitmap.buffer)
        if not antialiased:
            buffer *= 0xff
        return buffer, bitmap.left, bitmap.top


def renderer_class():
    """The renderer for live figures: the caching one where this matplotlib has what it needs."""
    needed = (hasattr(backend_agg.RendererAgg, "_draw_text_glyphs_and_boxes")
              and hasattr(backend_agg, "RenderMode")
              and all(hasattr(ft2font.FT2Font, name) for name in ("_layout", "_render_glyph", "_set_transform")))
    return GlyphCachingRenderer if needed else backend_agg.RendererAgg
