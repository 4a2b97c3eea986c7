"""Labelled sliders and a small "explorer" that ties them to a figure.

A lesson's interactive figure is a *draw* function ``draw(fig, **values)``
that computes the model state for the slider values, draws into ``fig`` and
returns the key numbers it showed; optionally an *update* function
``update(fig, **values)`` that shows another state on the artists that
``draw`` made in ``fig`` (``set_data``, ``set_color``, ``set_text``), which is several times
faster than drawing afresh. :class:`Explorer` binds them to sliders whose
ranges are the model's valid input ranges, so no slider position can
produce invalid input.

The live figure is a persistent matplotlib ``Figure`` rendered to PNG into
an ``ipywidgets.Image``: every slider move costs one model update, one Agg
draw and one PNG encode (:meth:`Explorer.refresh`, which the benchmarks
time), and the same widget works in JupyterLab, the classic notebook and
Voila without a matplotlib widget backend. The live figure has two device
pixels per CSS pixel and is shown at its CSS size, so it is sharp on HiDPI
screens (:data:`PIXEL_RATIO`, :func:`encode_png`). Slider labels are shown
in full, in the units their readouts print (:func:`slider_label`), and a
small page hook names each slider handle and announces its value in those
units for screen readers. Displayed, the explorer also carries its figure
as ``image/png`` and a sentence as ``text/plain``, which a saved notebook
shows before it is run (and a static renderer shows instead of the widget).
The static figure of the default state (:meth:`Explorer.show`) is an
ordinary inline figure from the same draw function. Tests drive both at every slider's extremes (see
:meth:`Explorer.extreme_settings`).

Draw only what moves: a draw function passes the artists its update
function changes to :func:`live_artists`. On the explorer's live figure the
rest of the picture (axes, ticks, labels, legends, reference curves) is
then rendered once and kept as a bitmap, and each slider move repaints that
bitmap and draws only the moving artists on it (matplotlib's blitting,
with animated artists); on any other figure :func:`live_artists` does
nothing.

Slider grids: :meth:`SliderSpec.grid` lists the values a slider can take
(views precompute the model over it), :meth:`SliderSpec.index` finds a
value's place on it, and :meth:`SliderSpec.anchored` with
:func:`nice_step` builds a slider scaled to a patient whose grid passes
through the patient's own value.

ipywidgets is imported only when a widget is built, so importing this module
costs nothing outside Jupyter.
"""

from __future__ import annotations

import asyncio
import base64
import ctypes
import html
import io
import math
import struct
import zlib
from dataclasses import dataclass, field
from typing import Callable

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.image import AxesImage
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import FigureBase

from ecmolib import _glyph_cache, _validation as _v
from ecmolib.plotting import subscripts

__all__ = ["SliderSpec", "Explorer", "slider", "slider_label", "shown_units", "nice_step", "live_artists",
           "format_numbers", "format_readout", "encode_png"]


def nice_step(value, per=40.0) -> float:
    """A round slider step: the largest of 1, 2 or 5 x 10^k not above ``value / per``.

    Parameters
    ----------
    value : float
        The quantity the slider moves around (e.g. a patient's cardiac
        output [L/min]); valid [1e-300, 1e300].
    per : float
        Number of steps that ``value`` should at least span; valid [1, 1e6].

    Returns
    -------
    float
        The step, in the units of ``value``.

    Examples
    --------
    >>> from ecmolib.widgets import nice_step
    >>> nice_step(5.0), nice_step(250.0), nice_step(0.55)
    (0.1, 5.0, 0.01)
    """
    v = _v.scalar("value", value, "units of the slider", 1e-300, 1e300)
    n = _v.scalar("per", per, "steps", 1.0, 1e6)
    target = v / n
    k = math.floor(math.log10(target))
    for m in (5.0, 2.0, 1.0):
        if m * 10.0**k <= target:
            return m * 10.0**k
    return 10.0**k  # pragma: no cover - m = 1 always qualifies


def _significant(x, digits=9):
    """``x`` (scalar or array) rounded to ``digits`` significant digits: 3.5, not 3.4999999999999996."""
    a = np.asarray(x, dtype=float)
    scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(a))))
    out = np.round(a * scale) / scale
    return float(out) if out.ndim == 0 else out


def _decimals_fmt(step):
    """Readout format with as many decimals as the step needs (``".1f"`` for 0.5)."""
    return f".{max(0, -math.floor(math.log10(step)))}f"


#: Most positions a slider may have (its precomputed grid holds one model
#: state per position).
MAX_POSITIONS = 10_000


@dataclass(frozen=True)
class SliderSpec:
    """A slider's meaning and range.

    Parameters
    ----------
    label : str
        What the learner sees, e.g. ``"pump speed"``; digits after a letter
        are shown as subscripts (``"PCO2"`` reads PCO₂).
    units : str
        Units shown after the label, e.g. ``"rpm"``; ``""`` for none.
    low, high : float
        Ends of the slider; both must be valid model input (finite numbers,
        ``low < high``).
    value : float
        Starting position (the lesson's default state); valid [``low``,
        ``high``].
    step : float
        Slider step; at most :data:`MAX_POSITIONS` steps from ``low`` to
        ``high``. On a log-scale slider, the step in decades (0.02: each
        step multiplies the value by 10**0.02, 4.7 %).
    fmt : str
        Readout format, e.g. ``".0f"``.
    log_scale : bool
        Equal steps in the logarithm of the value (a weight from 3 to 85 kg,
        where the first tenfold matters as much as the rest); ``low`` must
        then be above 0. The readout still shows the value in ``units``.
    """

    label: str
    units: str
    low: float
    high: float
    value: float
    step: float
    fmt: str = ".2f"
    log_scale: bool = False

    def __post_init__(self):
        for field in ("low", "high", "value", "step"):
            object.__setattr__(self, field, _v.scalar(field, getattr(self, field), self.units or "1"))
        if not (self.low < self.high and self.low <= self.value <= self.high and self.step > 0):
            raise ValueError(
                f"slider {self.label!r}: need low < high, low <= value <= high and step > 0; "
                f"got low={self.low}, high={self.high}, value={self.value}, step={self.step}"
            )
        if self.log_scale and not self.low > 0:
            raise ValueError(f"slider {self.label!r}: a log-scale slider needs low > 0; got low={self.low}")
        if self._span() / self.step > MAX_POSITIONS:
            raise ValueError(
                f"slider {self.label!r}: step [{'decades' if self.log_scale else self.units or '1'}] must give "
                f"at most {MAX_POSITIONS} positions from {self.low:g} to {self.high:g}, i.e. be at least "
                f"{self._span() / MAX_POSITIONS:g}; got {self.step:g}")

    def _span(self):
        """Length of the track in the units of ``step`` (decades on a log scale)."""
        return math.log10(self.high / self.low) if self.log_scale else self.high - self.low

    @classmethod
    def anchored(cls, label, units, value, low, high, step, fmt=None, *, log_scale=False) -> "SliderSpec":
        """A slider whose grid passes through ``value`` and stays inside [``low``, ``high``].

        The ends are the grid points ``value + k * step`` nearest to ``low``
        and ``high`` from inside, so a lesson can start the slider at a
        patient's own value (say a cardiac output of 0.55 L/min) and still
        have round steps.

        Parameters
        ----------
        label, units : str
            As for :class:`SliderSpec`.
        value : float
            Starting position; valid [``low``, ``high``].
        low, high : float
            Bounds the ends must stay within.
        step : float
            Slider step; valid > 0 (see :func:`nice_step`).
        fmt : str, optional
            Readout format; default: as many decimals as ``step`` needs
            (three significant digits on a log scale).
        log_scale : bool, optional
            Steps of ``step`` decades: the grid is ``value * 10**(k * step)``.

        Returns
        -------
        SliderSpec

        Examples
        --------
        >>> from ecmolib.widgets import SliderSpec
        >>> s = SliderSpec.anchored("cardiac output", "L/min", 0.55, 0.11, 0.88, 0.02)
        >>> s.low, s.high, s.value, s.fmt
        (0.11, 0.87, 0.55, '.2f')
        >>> w = SliderSpec.anchored("weight", "kg", 3.5, 2.8, 87.5, 0.05, log_scale=True)
        >>> round(w.low, 3), round(w.high, 2), w.fmt, float(w.grid()[1])
        (3.119, 78.36, '.3g', 3.5)
        """
        if not (low <= value <= high and step > 0) or (log_scale and not low > 0):
            raise ValueError(
                f"slider {label!r}: need {'0 < ' if log_scale else ''}low <= value <= high and step > 0; "
                f"got low={low}, high={high}, value={value}, step={step}"
            )
        if log_scale:
            down = math.floor(math.log10(value / low) / step + 1e-9)
            up = math.floor(math.log10(high / value) / step + 1e-9)
            # An end that is the value itself stays exact: rounded, it could
            # fall on the wrong side of the value.
            lo = _significant(value * 10.0 ** (-down * step)) if down else value
            hi = _significant(value * 10.0 ** (up * step)) if up else value
            return cls(label, units, lo, hi, value, step, ".3g" if fmt is None else fmt, True)
        lo = value - step * math.floor((value - low) / step + 1e-9)
        hi = value + step * math.floor((high - value) / step + 1e-9)
        return cls(label, units, round(lo, 10), round(hi, 10), value, step,
                   _decimals_fmt(step) if fmt is None else fmt)

    def grid(self) -> np.ndarray:
        """The values the slider can take: ``low, low + step, ...`` up to ``high``.

        Rounded to 10 decimals, so that a grid of 0.1 steps holds 0.3 and
        not 0.30000000000000004.

        Returns
        -------
        numpy.ndarray

        Examples
        --------
        >>> from ecmolib.widgets import SliderSpec
        >>> SliderSpec("FdO2", "", 0.21, 0.25, 0.21, 0.01).grid().tolist()
        [0.21, 0.22, 0.23, 0.24, 0.25]
        """
        # The ends are rounded (to 10 decimals, or 9 significant digits on a
        # log scale, where the logarithm magnifies that error): allow it.
        n = math.floor(self._span() / self.step + (1e-6 if self.log_scale else 1e-9))
        if self.log_scale:  # through value, each step the same factor (9 significant digits)
            k0 = round(math.log10(self.value / self.low) / self.step)
            return _significant(self.value * 10.0 ** (self.step * (np.arange(n + 1) - k0)))
        return np.round(self.low + self.step * np.arange(n + 1), 10)

    def index(self, value, *, name, units=None) -> int:
        """Index in :meth:`grid` of the slider position nearest to ``value``.

        Parameters
        ----------
        value : float
            A slider value; valid [``low``, ``high``].
        name : str
            The keyword the value was passed as (named in errors).
        units : str, optional
            Units named in errors; default :attr:`units`.

        Returns
        -------
        int

        Raises
        ------
        ValueError
            If ``value`` is not a number or lies off the slider; the message
            names ``name`` and ``units``.

        Examples
        --------
        >>> from ecmolib.widgets import SliderSpec
        >>> SliderSpec("pump speed", "rpm", 2000.0, 3000.0, 2500.0, 50.0).index(2610.0, name="rpm")
        12
        """
        if self.log_scale:  # a log slider sends 10**exponent: allow its last-digit rounding at the ends
            v = float(_v.checked(name, value, self.units if units is None else units,
                                 low=self.low * (1.0 - 1e-9), high=self.high * (1.0 + 1e-9)))
            return int(np.argmin(np.abs(np.log(self.grid()) - math.log(v))))
        v = float(_v.checked(name, value, self.units if units is None else units, low=self.low, high=self.high))
        return int(np.argmin(np.abs(self.grid() - v)))


def shown_units(spec: SliderSpec) -> str:
    """The units a slider's label names: those its readout prints.

    A readout in per cent (``fmt`` ending in ``%``, which prints 0.3 as
    "30%") is labelled "%", whatever fraction units the spec names, so
    label, readout and announced value agree.

    Parameters
    ----------
    spec : SliderSpec

    Returns
    -------
    str
        ``""`` for a number without units.

    Examples
    --------
    >>> from ecmolib.widgets import SliderSpec, shown_units
    >>> shown_units(SliderSpec("recirculation", "fraction", 0.0, 0.6, 0.3, 0.05, ".0%"))
    '%'
    """
    if not isinstance(spec, SliderSpec):
        raise ValueError(f"spec must be a SliderSpec; got {type(spec).__name__}")
    return "%" if spec.fmt.endswith("%") else spec.units


def slider_label(spec: SliderSpec) -> str:
    """A slider's full label: its name with subscripts and its units in brackets ("pump speed [rpm]")."""
    units = shown_units(spec)  # checks spec
    return f"{subscripts(spec.label)}{f' [{units}]' if units else ''}"


#: Length of a slider's track [CSS px]; the label before it is as wide as
#: the longest label of its explorer needs.
TRACK_WIDTH_PX = 300


def slider(spec: SliderSpec, *, continuous_update: bool = True, label_width: str = "initial"):
    """Build an ipywidgets ``FloatSlider`` from a :class:`SliderSpec`.

    Parameters
    ----------
    spec : SliderSpec
    continuous_update : bool
        Send values while the handle is dragged (else on release only).
    label_width : str
        CSS width of the label, e.g. ``"19ch"``; ``"initial"`` (default)
        fits the label's text, so it is never cut short.

    Returns
    -------
    ipywidgets.FloatSlider or ipywidgets.FloatLogSlider
        A ``FloatLogSlider`` (its ``min`` and ``max`` in decades, its value
        in the spec's units) for a log-scale spec. Its ``description`` is
        :func:`slider_label`, also its ``tooltip``
        (the text shown on hover); the page's accessibility hook
        (:meth:`Explorer.widget`) names the handle after it and announces
        values in the label's units.
    """
    import ipywidgets

    label = slider_label(spec)
    width = f"calc({label_width} + {TRACK_WIDTH_PX + 80}px)" if label_width != "initial" else None
    common = dict(description=label, tooltip=label, readout_format=spec.fmt, continuous_update=continuous_update,
                  style={"description_width": label_width},
                  layout={"width": width, "max_width": "100%"} if width else {"max_width": "100%"})
    if spec.log_scale:  # the track in decades, the value and readout in the spec's units
        return ipywidgets.FloatLogSlider(value=spec.value, base=10.0, min=math.log10(spec.low),
                                         max=math.log10(spec.high), step=spec.step, **common)
    return ipywidgets.FloatSlider(value=spec.value, min=spec.low, max=spec.high, step=spec.step, **common)


# ---------------------------------------------------------------------------
# Draw only what moves
# ---------------------------------------------------------------------------


try:  # zlib-ng: the same deflate format, several times faster
    from zlib_ng import zlib_ng as _deflate
    _DEFLATE_LEVEL = 2
except ImportError:  # the standard library's zlib
    _deflate, _DEFLATE_LEVEL = zlib, 1


def encode_png(rgba) -> bytes:
    """A PNG of an RGBA pixel buffer, written for speed: no row filter, fast deflate.

    A figure is mostly flat colour, which deflate packs well without PNG's
    row filters; leaving them out makes encoding three to five times faster
    than Pillow's adaptive filtering at about the same size (measured on the
    lessons' figures at 2x: 7-11 ms against 22-52 ms, 90-190 kB either way).
    Deflate is zlib-ng's level 2 where the ``zlib-ng`` package is installed
    (lesson 04's recirculation figure at 2x, 2200 x 880 pixels: 4.0 ms and
    172 kB against 12.4 ms and 204 kB with the standard library's zlib at
    level 1, which is used otherwise).
    The alpha channel is written even for an opaque figure: copying the
    colour channels out of the RGBA buffer costs more than compressing a
    constant alpha (measured on lesson 04's recirculation figure at 2x,
    2200 x 880 pixels: 22 ms as RGBA, 205 kB, against 54 ms as RGB,
    182 kB, on a loaded 2-core machine).

    Parameters
    ----------
    rgba : array_like
        Pixels, shape (height, width, 4), uint8 (a canvas's ``buffer_rgba()``).

    Returns
    -------
    bytes
        The PNG file (8-bit RGBA).

    Raises
    ------
    ValueError
        If ``rgba`` is not a (height, width, 4) uint8 array.

    Examples
    --------
    >>> import numpy as np
    >>> from ecmolib.widgets import encode_png
    >>> encode_png(np.full((2, 3, 4), 255, np.uint8))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    pixels = np.asarray(rgba)
    if pixels.ndim != 3 or pixels.shape[2] != 4 or pixels.dtype != np.uint8:
        raise ValueError(f"rgba must be a (height, width, 4) uint8 array; got {pixels.shape} {pixels.dtype}")
    h, w, _ = pixels.shape
    rows = np.empty((h, w * 4 + 1), np.uint8)
    rows[:, 0] = 0                                   # each row's filter type: 0 (none)
    rows[:, 1:] = pixels.reshape(h, w * 4)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", _deflate.compress(rows.data, _DEFLATE_LEVEL))
            + chunk(b"IEND", b""))


def _artists_in(obj):
    """The artists in ``obj``: an artist, or dicts, lists and tuples of them (other values skipped)."""
    if isinstance(obj, (Axes, FigureBase)):
        return []
    if isinstance(obj, Artist):
        return [obj]
    if isinstance(obj, dict):
        obj = obj.values()
    elif not isinstance(obj, (list, tuple)):
        return []
    return [a for item in obj for a in _artists_in(item)]


_malloc_trim = None


def _return_freed_memory():
    """Hand freed heap memory back to the system where the C library allows it (glibc's malloc_trim).

    glibc keeps large freed blocks in its heap, so a released pixel buffer
    would still count as the kernel's resident memory; elsewhere freed
    memory goes back by itself or stays, and nothing is done.
    """
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError, TypeError):  # not glibc (macOS, Windows, musl)
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


class _LiveCanvas(FigureCanvasAgg):
    """Agg canvas that renders the static part of its figure once and then only the moving artists.

    The moving artists are marked animated, so a full Agg draw skips them.
    The first :meth:`draw` (and any draw after the canvas changed size or
    dpi) renders everything else, keeps a copy of the pixels and draws the
    moving artists on top; later draws restore the copy and draw only the
    moving artists. :meth:`print_png` renders through :meth:`draw`;
    ``savefig`` in any format draws the whole figure normally.
    """

    def __init__(self, figure):
        super().__init__(figure)
        self._moving = []
        self._axes = ()
        self._background = None
        self._background_key = None
        self._saving = False

    def get_renderer(self):
        # As FigureCanvasAgg.get_renderer, with the glyph-caching renderer.
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = _glyph_cache.renderer_class()(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer

    def release_pixels(self):
        """Let go of the renderer's pixels while the figure is idle (the kept background is enough to redraw).

        A live figure at 2x holds two full-size RGBA buffers: the renderer's
        and the copy of its static part. Only the copy is needed to draw
        the next state, so an explorer left alone gives the other back
        (:attr:`Explorer.idle_release_s` after its last move): 4 bytes per
        device pixel, 7.7 MB for an 11 x 4.4 inch figure. The next
        :meth:`draw` makes a new renderer (a few milliseconds, once per
        burst of moves).
        """
        if self._background is not None and getattr(self, "renderer", None) is not None:
            self.renderer = None
            self._lastKey = None
            _return_freed_memory()

    def buffer_rgba(self):
        # After release_pixels the picture is drawn again on request.
        if getattr(self, "renderer", None) is None:
            self.draw()
        return super().buffer_rgba()

    def set_moving(self, artists):
        """Make ``artists`` the moving ones (in drawing order) and forget the background."""
        for a in self._moving:
            a.set_animated(False)
        fig = self.figure
        axes = {ax: i for i, ax in enumerate(fig.axes)}

        def drawing_order(a):
            # As matplotlib draws a figure: its axes in order (each one's
            # children by zorder), figure-level artists by zorder among them.
            if a.axes in axes:
                children = a.axes.get_children()
                at = children.index(a) if a in children else len(children)
                return (a.axes.get_zorder(), axes[a.axes], a.get_zorder(), at)
            return (a.get_zorder(), len(axes), 0.0, 0)

        moving = list(dict.fromkeys(artists))
        # A static label drawn on a moving box or image (the word "pump" on a
        # pump recoloured by every move) would be painted over on every later
        # frame: redraw such texts with the moving artists. Matplotlib draws
        # an axes' children sorted by zorder, in insertion order within one.
        moving_set = set(moving)
        renderer = self.get_renderer()
        boxes = [a.get_window_extent(renderer) for a in moving if isinstance(a, (Patch, AxesImage))]
        for ax in {a.axes for a in moving if a.axes in axes} if boxes else ():
            children = sorted((c for c in ax.get_children() if c is not ax.patch), key=lambda c: c.get_zorder())
            first = min(i for i, c in enumerate(children) if c in moving_set)
            moving += [c for c in children[first + 1:]
                       if isinstance(c, Text) and c not in moving_set and c.get_visible()
                       and any(c.get_window_extent(renderer).overlaps(b) for b in boxes)]
        # A moving fill that reaches an axis would cover its line (the axes'
        # spines are drawn above fills): redraw the visible spines of every
        # axes that has a moving artist, in their place in the drawing order.
        for ax in {a.axes for a in moving if a.axes in axes}:
            moving += [sp for sp in ax.spines.values() if ax.axison and sp.get_visible() and sp not in moving_set]
        self._moving = sorted(dict.fromkeys(moving), key=drawing_order)
        for a in self._moving:
            a.set_animated(True)
        self._axes = tuple(fig.axes)
        self._background = None

    def draw(self):
        fig = self.figure
        if self._moving and tuple(fig.axes) != self._axes:
            self.set_moving([])  # the figure was rebuilt without live_artists: draw it all
        if not self._moving or self._saving:
            super().draw()
            return
        renderer = self.get_renderer()
        key = (renderer.width, renderer.height, fig.dpi)
        if self._background is None or key != self._background_key:
            super().draw()  # everything but the animated (moving) artists
            self._background = self.copy_from_bbox(fig.bbox)
            self._background_key = key
        else:
            renderer.restore_region(self._background)
        for artist in self._moving:
            artist.draw(renderer)

    def print_png(self, filename_or_obj, *, metadata=None, pil_kwargs=None, **_figure_kwargs):
        # As FigureCanvasAgg.print_png, but rendered by this class's draw.
        # savefig also passes dpi, facecolor, edgecolor, orientation and
        # bbox_inches_restore, which it has already applied to the figure
        # (matplotlib drops them for its own canvases).
        self.draw()
        mpl.image.imsave(filename_or_obj, self.buffer_rgba(), format="png", origin="upper",
                         dpi=self.figure.dpi, metadata=metadata, pil_kwargs=pil_kwargs)

    def print_figure(self, *args, **kwargs):
        # savefig (any format, dpi or bbox): a plain full draw with every artist.
        for a in self._moving:
            a.set_animated(False)
        self._saving = True
        try:
            return super().print_figure(*args, **kwargs)
        finally:
            self._saving = False
            for a in self._moving:
                a.set_animated(True)


def live_artists(fig, artists):
    """Mark the artists a slider moves, so the live figure redraws only them.

    On an :class:`Explorer`'s live figure (a ``Figure`` on a plain Agg
    canvas with no pyplot manager) the given artists become the *moving*
    ones: they are marked animated, the next canvas draw renders the rest
    of the figure once and caches its pixels
    (``copy_from_bbox``), and every later draw restores that background
    (``restore_region``) and draws only the moving artists on it. The
    cached background is dropped when the canvas changes size or dpi
    (compared through the renderer's width and height and the figure's
    dpi), when the figure's axes change, and by a later call of this
    function. ``savefig`` of the figure still draws every artist.

    On any other figure (pyplot or inline figures, other backends) this
    does nothing, so a view can call it unconditionally.

    The moving artists are drawn after the static picture, in their own
    drawing order, together with the static texts that lie on a moving
    patch or image of the same axes (a label on a recoloured box) and the
    visible spines of those axes, so those are not painted over. A moving line that passes under a static artist
    (a legend, say) is drawn over it instead. Everything the
    update function changes must be among the moving artists; anything
    else is frozen as first drawn.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure the view drew into.
    artists : Artist, or dict, list or tuple of them (nested)
        The artists the view's update function changes, e.g. the dict a
        ``draw_*`` function returns; values that are not artists (numbers,
        arrays) and axes are skipped.

    Returns
    -------
    artists
        The ``artists`` argument, unchanged (so a view can write
        ``kept[fig] = live_artists(fig, draw_view(...))``).

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from matplotlib.figure import Figure
    >>> from ecmolib.widgets import live_artists
    >>> fig = Figure()
    >>> _ = FigureCanvasAgg(fig)
    >>> (line,) = fig.add_subplot().plot([0, 1], [0, 1])
    >>> _ = live_artists(fig, {"line": line})
    >>> line.get_animated()
    True
    """
    canvas = fig.canvas
    if canvas.manager is not None or type(canvas) not in (FigureCanvasAgg, _LiveCanvas):
        return artists
    if not isinstance(canvas, _LiveCanvas):
        canvas = _LiveCanvas(fig)
    canvas.set_moving(_artists_in(artists))
    return artists


# ---------------------------------------------------------------------------
# The explorer
# ---------------------------------------------------------------------------


#: Units read off the end of a number's name, longest first (names carry
#: their units, e.g. ``flow_l_min``).
_UNIT_SUFFIXES = (
    ("_ml_kg_min", "mL/kg/min"), ("_ml_kg", "mL/kg"), ("_ml_min", "mL/min"), ("_l_min", "L/min"), ("_ml_dl", "mL/dL"),
    ("_g_dl", "g/dL"), ("_mmhg", "mmHg"), ("_ml", "mL"), ("_kg", "kg"), ("_min", "min"), ("_rpm", "rpm"),
    ("_c", "°C"),
)


#: How the words of a number's name are written for people.
_WORDS = {
    "so2": "SO₂", "sao2": "SaO₂", "svo2": "SvO₂", "po2": "PO₂", "pao2": "PaO₂", "pvo2": "PvO₂",
    "pco2": "PCO₂", "paco2": "PaCO₂", "pvco2": "PvCO₂", "o2": "O₂", "co2": "CO₂", "do2": "DO₂",
    "vo2": "VO₂", "cao2": "CaO₂", "cvo2": "CvO₂", "fdo2": "FdO₂", "fio2": "FiO₂", "ph": "pH", "hb": "Hb",
    "p50": "P50", "ecmo": "ECMO", "pre": "pre-oxygenator", "post": "post-oxygenator",
    "pa": "pulmonary artery", "map": "MAP", "lv": "LV", "edp": "EDP", "edv": "EDV",
}
#: Names shown in per cent: saturations and other fractions 0..1 (a share
#: of a flow, a position along a vessel). (FdO2 is
#: not: the lessons give it as a fraction, like the blender and its slider.)
_PERCENT_WORDS = ("so2", "sao2", "svo2", "fio2", "fraction", "ratio", "recirculation", "health", "extraction",
                  "doubling", "share", "position")
#: Names that are yes/no flags (returned as 0.0 or 1.0).
_FLAG_WORDS = ("suction", "limited")


def name_words(key: str) -> tuple[str, str]:
    """A quantity's code name in words and its units, read off the name.

    >>> name_words("cardiac_output_l_min"), name_words("hb_g_dl")
    (('cardiac output', 'L/min'), ('Hb', 'g/dL'))
    """
    name, units = _split_units(key)
    label = " ".join(_WORDS.get(w, w) for w in name.split("_")).replace("-oxygenator oxygenator", "-oxygenator")
    return label, units


def _split_units(key: str) -> tuple[str, str]:
    """``(name without its unit suffix, units)`` of a code name such as ``flow_l_min``."""
    for suffix, unit in _UNIT_SUFFIXES:
        if key.endswith(suffix):
            return key[: -len(suffix)], unit
    return key, ""


def _number_parts(numbers):
    """``(label, value text, units)`` of each number of a view, units read from the names."""
    parts = []
    for key, value in numbers.items():
        value = float(value)
        label, units = name_words(key)
        words = _split_units(key)[0].split("_")
        if words[-1] in _FLAG_WORDS:
            text = "yes" if value else "no"
        elif not units and words[-1] in _PERCENT_WORDS:
            text, units = f"{value * 100:.0f}", "%"
        elif abs(value) >= 100 or units == "rpm":
            text = f"{value:.0f}"
        elif abs(value) >= 10:
            text = f"{value:.1f}"
        else:
            text = f"{value:.2f}"
        parts.append((label, text.replace("-", "−"), units))
    return parts


def _joined(part) -> str:
    label, text, units = part
    return f"{label} {text}{units}" if units == "%" else f"{label} {text}{' ' + units if units else ''}"


def format_numbers(numbers) -> str:
    """The key numbers of a view as one line of text, units read from the names.

    Names carry their units (``flow_l_min`` -> "flow 4.29 L/min");
    saturations and other fractions are shown in per cent, flags as yes/no,
    other numbers with at most three significant figures.

    Parameters
    ----------
    numbers : dict of str to float
        What a view's draw or update function returned.

    Returns
    -------
    str

    Examples
    --------
    >>> format_numbers({"flow_l_min": 4.2907, "drainage_pressure_mmhg": -38.6, "sao2": 0.912, "suction": 0.0})
    'flow 4.29 L/min · drainage pressure −38.6 mmHg · SaO₂ 91% · suction no'
    """
    return " · ".join(_joined(p) for p in _number_parts(numbers))


#: Most numbers on one line of :func:`format_readout`.
READOUT_PER_LINE = 3


def _readout_lines(numbers) -> list[str]:
    """The numbers grouped by units, in order of first use, packed into lines of at most :data:`READOUT_PER_LINE`.

    A group starts a new line unless it fits on the current one; a group
    longer than a line is split.
    """
    groups: dict[str, list] = {}
    for part in _number_parts(numbers):
        units = part[2]
        kind = ("flow" if units.endswith("/min") and "kg" not in units
                else units if units in ("%", "mmHg") else "flag" if part[1] in ("yes", "no") else "other")
        groups.setdefault(kind, []).append(part)
    lines: list[list] = []
    for parts in groups.values():
        if lines and len(lines[-1]) + len(parts) <= READOUT_PER_LINE:
            lines[-1] += parts
            continue
        lines += [parts[i:i + READOUT_PER_LINE] for i in range(0, len(parts), READOUT_PER_LINE)]
    return [" · ".join(_joined(p) for p in line) for line in lines]


def format_readout(numbers) -> str:
    """The key numbers of a view as a few short lines of HTML, grouped by units.

    Numbers of one kind stay together: saturations and other fractions
    (per cent), pressures [mmHg], flows [L/min, mL/min], yes/no flags, the
    rest; a kind starts a new line unless it fits on the current one, at
    most :data:`READOUT_PER_LINE` numbers to a line. Each number is written
    as :func:`format_numbers` writes it.

    Parameters
    ----------
    numbers : dict of str to float
        As for :func:`format_numbers`.

    Returns
    -------
    str
        HTML, one ``<div>`` per line, text escaped.

    Examples
    --------
    >>> print(format_readout({"rpm": 3500, "flow_l_min": 4.29, "drainage_pressure_mmhg": -38.6,
    ...                       "pre_oxygenator_pressure_mmhg": 228, "sao2": 0.912, "svo2": 0.7}))
    <div class="ecmolib-readout-line" style="line-height: 1.5">rpm 3500 · flow 4.29 L/min</div>
    <div class="ecmolib-readout-line" style="line-height: 1.5">drainage pressure −38.6 mmHg · \
pre-oxygenator pressure 228 mmHg</div>
    <div class="ecmolib-readout-line" style="line-height: 1.5">SaO₂ 91% · SvO₂ 70%</div>
    """
    return "\n".join(f'<div class="ecmolib-readout-line" style="line-height: 1.5">{html.escape(line)}</div>'
                     for line in _readout_lines(numbers))


#: Device pixels per CSS pixel of the live figure: rendered at twice the
#: pixels it is shown at, so it is sharp on HiDPI ("retina") screens and, at
#: 1x, a clean downscale rather than a blurry upscale.
PIXEL_RATIO = 2.0

#: Shown where a saved notebook's explorer has no kernel behind it (a text
#: renderer; image renderers show the default figure instead).
STATIC_TEXT = "Interactive figure ({sliders}): run the notebook to move the sliders.\n{numbers}"

# A tiny front-end hook, run once per page (JupyterLab, the classic
# notebook, Voila; no extension, nothing loaded from the internet): the
# error handler of an image that cannot load. It watches the page and, in
# every explorer (class ecmolib-explorer), names each slider handle after
# its label ("pump speed [rpm]" -> aria-label "pump speed, rpm"), has it
# announce the printed value in the label's units (aria-valuetext "3500
# rpm", "30 %" rather than the raw float noUiSlider gives), and gives the
# figure the printed numbers as its text alternative (read from the lines'
# text, not innerText, which is empty for a cell JupyterLab has not
# rendered yet because it lies off screen).
_A11Y_JS = """
if (!window.ecmolibA11y) {
  window.ecmolibA11y = true;
  const fix = () => document.querySelectorAll('.ecmolib-explorer').forEach((box) => {
    box.querySelectorAll('.widget-slider').forEach((s) => {
      const h = s.querySelector('.noUi-handle'), l = s.querySelector('.widget-label'),
            r = s.querySelector('.widget-readout');
      if (!h || !l || !r) return;
      const m = l.textContent.match(/^(.*?)\\s*\\[(.*)\\]$/), units = m ? m[2] : '';
      const name = m ? m[1] + ', ' + units : l.textContent;
      const v = r.textContent.trim(),
            text = v.endsWith('%') ? v.slice(0, -1) + ' %' : (units ? v + ' ' + units : v);
      if (h.getAttribute('aria-label') !== name) h.setAttribute('aria-label', name);
      if (h.getAttribute('aria-valuetext') !== text) h.setAttribute('aria-valuetext', text);
    });
    const img = box.querySelector(':scope > img'), out = box.querySelector('.ecmolib-readout');
    const lines = out ? Array.from(out.querySelectorAll('.ecmolib-readout-line'), (d) => d.textContent.trim()) : [];
    const alt = 'Figure. ' + lines.join('; ');
    if (img && img.alt !== alt) img.alt = alt;
  });
  new MutationObserver(fix).observe(document.body, {subtree: true, childList: true, characterData: true,
                                                    attributes: true, attributeFilter: ['aria-valuetext']});
  fix();
}
"""


def _a11y_hook_html() -> str:
    """HTML that runs :data:`_A11Y_JS` once it is on the page (an image error handler; nothing is shown)."""
    js = html.escape(" ".join(line.strip() for line in _A11Y_JS.strip().splitlines()), quote=True)
    return f'<img src="data:," alt="" style="display:none" onerror="{js}">'


@dataclass
class Explorer:
    """Sliders bound to a figure that follows them.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values) -> dict`` draws the state for the slider
        values into the matplotlib figure ``fig`` (which is empty) and
        returns the numbers it showed (floats), which tests check for NaN.
        It should pass the artists that ``update`` changes to
        :func:`live_artists`.
    specs : dict of str to SliderSpec
        One entry per keyword argument of ``draw``.
    update : callable, optional
        ``update(fig, **values) -> dict`` shows another state on the
        artists that ``draw`` made in ``fig`` (fast path; keep them in a
        ``weakref.WeakKeyDictionary`` keyed by figure); without it every
        move draws afresh.
    figsize : tuple of float, optional
        Figure size [inch]; defaults to the lesson style's.
    continuous_update : bool
        False for views that integrate ODEs (update on release only).
    pixel_ratio : float
        Device pixels per CSS pixel of the live figure (default
        :data:`PIXEL_RATIO`); it is shown at its size in CSS pixels
        (``figsize`` x the style's dpi).
    idle_release_s : float
        Seconds after the last slider move at which, in a running kernel,
        the live figure gives its renderer's pixels back (default 2; see
        ``_LiveCanvas.release_pixels``). A lesson kernel then holds one
        full-size buffer per explorer instead of two, except for the one
        being moved (lesson 04 after Run All: 212 -> 194 MB).
    """

    draw: Callable[..., dict]
    specs: dict[str, SliderSpec]
    update: Callable[..., dict] | None = None
    figsize: tuple[float, float] | None = None
    continuous_update: bool = True
    pixel_ratio: float = PIXEL_RATIO
    idle_release_s: float = 2.0
    sliders: dict = field(default_factory=dict, init=False, repr=False)
    figure: object = field(default=None, init=False, repr=False)
    image: object = field(default=None, init=False, repr=False)
    readout: object = field(default=None, init=False, repr=False)
    _numbers: dict = field(default_factory=dict, init=False, repr=False)
    _release: object = field(default=None, init=False, repr=False)

    def defaults(self) -> dict[str, float]:
        """Slider values of the lesson's default state."""
        return {k: s.value for k, s in self.specs.items()}

    def extreme_settings(self):
        """Yield every setting with one slider at one end and the rest at default."""
        for name, spec in self.specs.items():
            for end in (spec.low, spec.high):
                yield {**self.defaults(), name: end}

    def show(self, **values) -> dict:
        """Draw a state (default: the lesson's default) as an ordinary static figure."""
        fig = plt.figure(figsize=self.figsize)
        numbers = self.draw(fig, **{**self.defaults(), **values})
        plt.show()
        return numbers

    def refresh(self, **values) -> dict:
        """Bring the live figure to ``values`` and re-render it: what a slider move runs.

        The live figure has :attr:`pixel_ratio` device pixels per CSS
        pixel; the PNG is written by :func:`encode_png` (several times
        faster than matplotlib's writer at the same size, which is what
        makes twice the pixels affordable).
        """
        from matplotlib.figure import Figure

        values = {**self.defaults(), **values}
        if self.figure is None:
            self.figure = Figure(figsize=self.figsize, dpi=mpl.rcParams["figure.dpi"] * self.pixel_ratio)
            FigureCanvasAgg(self.figure)
            numbers = self.draw(self.figure, **values)
        elif self.update is not None:
            numbers = self.update(self.figure, **values)
        else:
            self.figure.clear()
            numbers = self.draw(self.figure, **values)
        canvas = self.figure.canvas
        canvas.draw()
        png = encode_png(canvas.buffer_rgba())
        # The numbers go first, so a front end that sees the new picture has
        # already been sent the text that describes it.
        self._numbers = numbers
        if self.readout is not None:
            self.readout.value = format_readout(numbers)
        if self.image is not None:
            self.image.value = png
        self._release_when_idle()
        return numbers

    def _release_when_idle(self):
        # In a kernel (an event loop runs), give the renderer's pixels back
        # idle_release_s after the last move (_LiveCanvas.release_pixels);
        # in a script or a test, keep them.
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._release is not None:
            self._release.cancel()
        canvas = self.figure.canvas
        if isinstance(canvas, _LiveCanvas):
            self._release = loop.call_later(self.idle_release_s, canvas.release_pixels)

    def css_size(self) -> tuple[int, int]:
        """Size the live figure is shown at [CSS px]: its size [inch] x the style's dpi."""
        w, h = self.figsize or mpl.rcParams["figure.figsize"]
        dpi = mpl.rcParams["figure.dpi"]
        return round(w * dpi), round(h * dpi)

    def widget(self):
        """The sliders, their live figure and a few lines of its key numbers, ready to display.

        The numbers (what the view returned, grouped by units,
        :func:`format_readout`) give exact values and something for a
        screen reader, which the picture cannot. Every slider's label is
        shown in full (all labels as wide as the longest); its handle is
        named after it and announces values in its units (a small page
        hook, :data:`_A11Y_JS`). The figure has :attr:`pixel_ratio` device
        pixels per CSS pixel and is shown at :meth:`css_size`.

        Returns
        -------
        ipywidgets.VBox
            Displayed, it also carries the figure as ``image/png`` and a
            line of text, which a notebook shows where the widget cannot
            be (a saved notebook opened without its kernel, a static HTML
            or GitHub rendering); a live front end shows the widget only.
        """
        import ipywidgets

        width = f"{max(len(slider_label(s)) for s in self.specs.values()) + 1}ch"
        self.sliders = {k: slider(s, continuous_update=self.continuous_update, label_width=width)
                        for k, s in self.specs.items()}
        w, h = self.css_size()
        self.image = ipywidgets.Image(format="png", width=str(w), height=str(h))
        self.readout = ipywidgets.HTML()
        self.readout.add_class("ecmolib-readout")
        self.refresh(**{k: w.value for k, w in self.sliders.items()})

        def on_change(_change):
            self.refresh(**{k: w.value for k, w in self.sliders.items()})

        for s in self.sliders.values():
            s.observe(on_change, names="value")
        hook = ipywidgets.HTML(_a11y_hook_html(), layout={"display": "none"})
        box = _ExplorerBox([*self.sliders.values(), self.readout, self.image, hook])
        box.add_class("ecmolib-explorer")
        box.explorer = self
        return box

    def static_bundle(self):
        """What a renderer without the kernel shows: the figure on show as PNG and its numbers as text.

        The PNG has one pixel per CSS pixel, like the notebook's other
        static figures (a saved notebook stays small).

        Returns
        -------
        dict
            ``image/png`` (base64) and ``text/plain``.
        """
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=mpl.rcParams["figure.dpi"])
        names = ", ".join(slider_label(s) for s in self.specs.values())
        numbers = "\n".join(_readout_lines(self._numbers))
        return {"image/png": base64.b64encode(buf.getvalue()).decode("ascii"),
                "text/plain": STATIC_TEXT.format(sliders=names, numbers=numbers).strip()}

def _explorer_box_class():
    """:class:`ipywidgets.VBox` whose display also carries the explorer's static figure (made on first use)."""
    import ipywidgets

    class ExplorerBox(ipywidgets.VBox):
        """The box :meth:`Explorer.widget` returns.

        Its mime bundle holds the widget view, which a live front end
        shows, and :meth:`Explorer.static_bundle` (``image/png`` and
        ``text/plain``), which a renderer without the kernel shows instead
        (JupyterLab shows the figure for a saved, not yet run notebook;
        never the text of the widget's repr).
        """

        explorer = None

        def _repr_mimebundle_(self, **kwargs):
            data = super()._repr_mimebundle_(**kwargs)
            if self.explorer is None or self.explorer.figure is None:
                return data
            return {**data, **self.explorer.static_bundle()}

    return ExplorerBox


class _LazyExplorerBox:
    """Builds :func:`_explorer_box_class` on first call, so importing this module needs no ipywidgets."""

    cls = None

    def __call__(self, children):
        if self.cls is None:
            type(self).cls = _explorer_box_class()
        return self.cls(children)


_ExplorerBox = _LazyExplorerBox()
