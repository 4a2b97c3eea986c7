"""A monospace readout on a live figure: labels and units drawn once, only the numbers redrawn.

Text is the costly part of redrawing a live figure (each glyph is rendered
again on every slider move), and most of a readout's glyphs are labels and
units that never change. :class:`Readout` draws each row as two single-line
texts in the same monospace font on the same baseline: the label and units
(static) and the number padded with spaces into its column (moving), so the
two read as one line, pixel for pixel the same as the whole line drawn at
once. Only the numbers are handed to :func:`ecmolib.widgets.live_artists`.
"""

from __future__ import annotations

from matplotlib.patches import FancyBboxPatch
from matplotlib.transforms import Affine2D, ScaledTranslation

__all__ = ["Readout", "flow_text"]

#: Glyph advance of DejaVu Sans Mono (the lessons' monospace font) per em: 1233/2048.
_ADVANCE_EM = 1233 / 2048
#: Height of a row, in ems (a little more than the font's ascent plus descent).
_LINE_EM = 1.25
#: Baseline above the bottom of its row, in ems (about the font's descent).
_BASELINE_EM = 0.3


class Readout:
    """Rows of label, number and units; :meth:`set_values` changes only the numbers.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    x, y : float
        Anchor of the block, in the coordinates of ``transform``.
    rows : sequence of tuple
        ``(label, width, units)`` per row: the number is right-aligned in
        ``width`` characters after the label column; ``width`` 0 makes a
        row of text only (a heading, or an empty line with label ``""``).
    fontsize : float
        Font size [pt].
    ha : {"left", "right"}, optional
        Which side of the block is at ``x``.
    va : {"top", "bottom"}, optional
        Which side of the block is at ``y``.
    transform : matplotlib.transforms.Transform, optional
        Coordinates of ``x`` and ``y``; default the axes' data coordinates.
    box : dict, optional
        Draw a rounded box around the block with these
        :class:`matplotlib.patches.FancyBboxPatch` properties
        (``facecolor``, ``edgecolor``, ``alpha``); its padding is 0.35 em.
    zorder : float, optional
        Drawing order of the texts (the box goes just below).

    Attributes
    ----------
    statics : list of matplotlib.text.Text
        Labels and units, one text per row.
    numbers : list of matplotlib.text.Text
        The numbers, one text per numbered row (the artists a view marks as moving).
    """

    def __init__(self, ax, x, y, rows, *, fontsize, ha="left", va="top", transform=None, box=None, zorder=6):
        rows = [(str(label), int(width), str(units)) for label, width, units in rows]
        if not rows or any(w < 0 for _, w, _ in rows) or ha not in ("left", "right") or va not in ("top", "bottom"):
            raise ValueError("rows must be a non-empty sequence of (label, width >= 0, units); "
                             "ha 'left' or 'right'; va 'top' or 'bottom'")
        self.rows = rows
        numbered = [label for label, w, _ in rows if w]
        self._column = max(map(len, numbered)) + 1 if numbered else 0
        lines = [f"{label:<{self._column}}{' ' * w}{units}" if w else label for label, w, units in rows]
        line_pt, width_pt = _LINE_EM * fontsize, max(map(len, lines)) * _ADVANCE_EM * fontsize
        height_pt = len(rows) * line_pt
        left_pt = 0.0 if ha == "left" else -width_pt
        bottom_pt = -height_pt if va == "top" else 0.0
        transform = ax.transData if transform is None else transform
        fig = ax.figure
        anchor = ScaledTranslation(x, y, transform)  # to the anchor's place on the canvas

        def at(dx_pt, dy_pt):
            # Points from the anchor, whatever the figure's dpi.
            return Affine2D().translate(dx_pt / 72.0, dy_pt / 72.0) + fig.dpi_scale_trans + anchor

        kw = dict(family="monospace", fontsize=fontsize, ha="left", va="baseline", zorder=zorder)
        self.statics, self.numbers, self._slots = [], [], []
        for i, ((_, w, units), line) in enumerate(zip(rows, lines)):
            baseline = bottom_pt + height_pt - (i + 1) * line_pt + _BASELINE_EM * fontsize
            self.statics.append(ax.text(0.0, 0.0, line, transform=at(left_pt, baseline), **kw))
            if w:
                self.numbers.append(ax.text(0.0, 0.0, "", transform=at(left_pt, baseline),
                                            **{**kw, "zorder": zorder + 0.01}))
                self._slots.append((w, len(units)))
        self.box = None
        if box is not None:
            # Box coordinates in inches from the block's lower-left corner.
            pad_in = 0.35 * fontsize / 72.0
            self.box = ax.add_patch(FancyBboxPatch((0.0, 0.0), width_pt / 72.0, height_pt / 72.0,
                                                   boxstyle=f"round,pad={pad_in:.4f}",
                                                   transform=at(left_pt, bottom_pt), zorder=zorder - 0.01, **box))

    def set_values(self, values):
        """Show ``values`` (strings, one per numbered row, in order) in the number column."""
        values = list(values)
        if len(values) != len(self.numbers):
            raise ValueError(f"values must hold {len(self.numbers)} strings, one per numbered row; got {len(values)}")
        for text, value, (w, n_units) in zip(self.numbers, values, self._slots):
            text.set_text(f"{'':<{self._column}}{value:>{w}}{' ' * n_units}")


def flow_text(flow_l_min) -> str:
    """A blood flow [L/min] as text with the decimals its size needs.

    >>> flow_text(0.35), flow_text(1.844), flow_text(4.2)
    ('0.35', '1.84', '4.2')
    """
    q = float(flow_l_min)
    return f"{q:.2f}" if q < 2.0 else f"{q:.1f}"
