"""Pure plotting functions for the lessons.

Every function draws into an ``Axes`` it is given and returns the artists it
made, so a lesson can draw the default state once as a static figure and a
widget can redraw the very same function. Nothing here computes physiology:
callers pass in model results (from :mod:`ecmolib.circuit`,
:mod:`ecmolib.oxygenator`, ...).

Colour for oxygen saturation runs from dark blue-violet (desaturated)
through purple and magenta to a light red (saturated): the lower two thirds
of matplotlib's perceptually uniform *plasma* map [1]_. Its CIELAB lightness
rises steadily with saturation, from L* 15 at 40 % to L* 62 at 100 % (about
8 L* per 10 points), so the scale also reads in greyscale and keeps its
order for the common (red-green) colour-vision deficiencies; the tests check
both, the latter with the deuteranopia simulation of Machado et al. [2]_.
Dark venous and bright arterial blood match what a clinician sees in the
tubing. Every coloured segment is also labelled with its number, so colour
is never the only carrier of information.

References
----------
.. [1] Smith NJ, van der Walt S. A better default colormap for Matplotlib.
   Talk at the SciPy 2015 conference, Austin TX; 2015 (the design of
   viridis and its siblings magma, inferno and plasma; no DOI).
.. [2] Machado GM, Oliveira MM, Fernandes LAF. A physiologically-based model
   for simulation of color vision deficiency. IEEE Trans Vis Comput Graph.
   2009;15(6):1291-1298. doi:10.1109/TVCG.2009.113
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import re

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.patches import Circle, FancyBboxPatch
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

from ecmolib import _validation as _v

__all__ = [
    "LESSON_STYLE",
    "SO2_CMAP",
    "SO2_NORM",
    "lesson_style",
    "use_lesson_style",
    "so2_color",
    "subscripts",
    "PO2_TICKS_MMHG",
    "log_po2_axis",
    "draw_circuit",
    "update_circuit",
    "draw_oxygenator",
    "set_oxygenator_so2",
]

#: Path of the lessons' matplotlib style file (fixed figure size and fonts).
LESSON_STYLE = str(Path(__file__).with_name("lesson.mplstyle"))

#: Entries of matplotlib's 256-entry *plasma* map that the saturation scale
#: spans (0 is its dark blue-violet end, 255 its yellow end); the upper third
#: is left out, so saturated blood is light red, not yellow.
_SO2_PLASMA_ENTRIES = slice(0, 167)

#: Colour map for oxygen saturation: dark blue-violet (low) through purple to
#: light red (high), lightness rising with saturation; 256 colours
#: interpolated between the plasma entries.
SO2_CMAP = LinearSegmentedColormap.from_list(
    "ecmolib_so2", mpl.colormaps["plasma"].colors[_SO2_PLASMA_ENTRIES], N=256)

#: Saturation range the colour scale spans [fraction]; lower values saturate blue.
SO2_NORM = Normalize(vmin=0.4, vmax=1.0)


def use_lesson_style() -> None:
    """Apply the lessons' style to matplotlib globally (call once per notebook).

    In a Jupyter kernel whose matplotlib backend cannot show figures in the
    notebook (``MPLBACKEND=Agg``, set by many containers, makes every lesson
    figure vanish silently), it also selects the inline backend, as
    ``%matplotlib inline`` would. Interactive backends (inline, ipympl) are
    left as they are.
    """
    plt.style.use(LESSON_STYLE)
    _inline_in_kernel()


def _inline_in_kernel() -> None:
    """Select the inline backend in a Jupyter kernel running a non-interactive one."""
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or "IPKernelApp" not in shell.config:
        return
    if mpl.get_backend().lower() in ("agg", "pdf", "ps", "svg", "cairo", "template"):
        shell.run_line_magic("matplotlib", "inline")


@contextmanager
def lesson_style():
    """Context manager applying the lessons' style temporarily."""
    with plt.style.context(LESSON_STYLE):
        yield


def so2_color(so2):
    """RGBA colour of an oxygen saturation on the lessons' blue-to-red scale.

    Parameters
    ----------
    so2 : float
        Oxygen saturation [fraction 0..1].

    Returns
    -------
    tuple of float
        RGBA colour.
    """
    s = _v.scalar("so2", so2, "fraction 0..1", 0.0, 1.0)
    return SO2_CMAP(SO2_NORM(s))


_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscripts(text: str) -> str:
    """Write the digits of gas and physiology symbols as Unicode subscripts.

    Every run of digits that follows a letter directly becomes subscript
    digits, so ``"PaO2"`` reads PaO₂ and ``"P50"`` reads P₅₀ in any text
    (figure labels, slider descriptions) without mathtext. Digits after a
    space, a sign or another digit's run end (numbers, units) are left
    alone.

    Parameters
    ----------
    text : str
        Plain text, e.g. ``"sweep FdO2"``.

    Returns
    -------
    str

    Examples
    --------
    >>> from ecmolib.plotting import subscripts
    >>> subscripts("PaCO2 40 mmHg, P50 of HbF, VO2/DO2")
    'PaCO₂ 40 mmHg, P₅₀ of HbF, VO₂/DO₂'
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str; got {type(text).__name__}")
    return re.sub(r"(?<=[A-Za-z])\d+", lambda m: m.group().translate(_SUBSCRIPT_DIGITS), text)


#: Tick marks of a logarithmic PO2 axis [mmHg] (:func:`log_po2_axis`).
PO2_TICKS_MMHG = (30.0, 50.0, 100.0, 200.0, 300.0, 500.0)


def log_po2_axis(ax, low=30.0, high=800.0, *, ticks=PO2_TICKS_MMHG, axis="y"):
    """Make an axis a logarithmic PO2 scale with plain-number ticks.

    Post-oxygenator PO2 spans 30 to several hundred mmHg; on a log scale
    the venous, arterial and post-oxygenator ranges all stay readable. The
    ticks are written as plain numbers (``200``, not ``2 x 10^2``) and
    minor ticks are off.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose axis to set.
    low, high : float
        Axis limits [mmHg]; valid 0 < low < high.
    ticks : sequence of float
        Tick positions [mmHg]; default :data:`PO2_TICKS_MMHG`.
    axis : {"y", "x"}
        Which axis.

    Returns
    -------
    matplotlib.axis.Axis
        The axis that was set.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from ecmolib.plotting import log_po2_axis
    >>> ax = Figure().add_subplot()
    >>> _ = log_po2_axis(ax, 30.0, 800.0)
    >>> ax.get_yscale(), [float(v) for v in ax.get_ylim()]
    ('log', [30.0, 800.0])
    """
    _v.choice("axis", axis, ("x", "y"))
    lo = float(_v.checked("low", low, "mmHg", low=0.0, low_inclusive=False))
    hi = float(_v.checked("high", high, "mmHg", low=lo, low_inclusive=False))
    target = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    (ax.set_ylim if axis == "y" else ax.set_xlim)(lo, hi)
    target.set_major_locator(FixedLocator(list(ticks)))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}"))
    target.set_minor_locator(NullLocator())
    target.set_minor_formatter(NullFormatter())
    return target


# Schematic geometry, in axes data units (x 0..10, y 0..6).
_PATIENT = (0.3, 1.2, 2.4, 3.6)  # x, y, width, height
_PUMP = (5.0, 1.0)
_OXY = (8.3, 2.2, 1.2, 1.6)  # x, y, width, height
_PATHS = {
    # name: (polyline, which blood it carries)
    "drainage": ([(2.7, 2.0), (3.4, 2.0), (3.4, 1.0), (4.6, 1.0)], "venous"),
    "pre_oxygenator": ([(5.4, 1.0), (8.9, 1.0), (8.9, 2.2)], "venous"),
    "post_oxygenator": ([(8.9, 3.8), (8.9, 5.0), (3.4, 5.0), (3.4, 4.0), (2.7, 4.0)], "arterial"),
}


def draw_oxygenator(ax, x, y, width, height, *, inlet="bottom", zorder=2):
    """A membrane lung box filled with the saturation gradient from inlet to outlet.

    The fill is an image of two rows, inlet and outlet saturation, shaded
    between them on the lessons' colour scale and clipped to the rounded
    box: a picture of the blood gaining oxygen across the fibre bundle, not
    a blood state (no saturation is averaged).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into; its limits and aspect are kept.
    x, y, width, height : float
        The box [axes data units].
    inlet : {"bottom", "top", "left", "right"}
        Side where the blood enters.
    zorder : float
        Drawing order of the fill (the outline goes just above it).

    Returns
    -------
    matplotlib.image.AxesImage
        The fill; give it to :func:`set_oxygenator_so2`.
    """
    # The image runs from inlet to outlet along its first (vertical) or
    # second (horizontal) axis; the extent is flipped to put the inlet side first.
    extent = {"bottom": (x, x + width, y, y + height), "top": (x, x + width, y + height, y),
              "left": (x, x + width, y, y + height), "right": (x + width, x, y, y + height)}[inlet]
    data = [[SO2_NORM.vmin], [SO2_NORM.vmax]] if inlet in ("bottom", "top") else [[SO2_NORM.vmin, SO2_NORM.vmax]]
    limits, aspect = (ax.get_xlim(), ax.get_ylim()), ax.get_aspect()
    outline = ax.add_patch(FancyBboxPatch((x, y), width, height, boxstyle="round,pad=0.05", facecolor="none",
                                          edgecolor="0.2", zorder=zorder + 0.1))
    fill = ax.imshow(np.array(data), extent=extent, origin="lower", cmap=SO2_CMAP, norm=SO2_NORM,
                     interpolation="bilinear", aspect="auto", zorder=zorder)
    fill.set_clip_path(outline)
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    ax.set_aspect(aspect)
    return fill


def set_oxygenator_so2(fill, inlet_so2, outlet_so2):
    """Shade a fill from :func:`draw_oxygenator` between the inlet and outlet saturations [fraction 0..1]."""
    pair = [float(inlet_so2), float(outlet_so2)]
    fill.set_data(np.array([pair]).T if fill.get_array().shape[0] == 2 else np.array([pair]))


def draw_circuit(ax, point, *, drainage_so2, return_so2, rpm=None, sweep_l_min=None, fdo2=None,
                 index=None, title=None, colorbar=True):
    """Draw an ECMO circuit with each segment coloured by its O2 saturation.

    The picture shows the patient, the drainage limb (cannula and tubing to
    the pump), the centrifugal pump, the oxygenator and the return limb, with
    the three pressures a perfusionist monitors (drainage / pre-pump,
    pre-oxygenator, post-oxygenator) and the blood flow.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into (it is cleared).
    point : ecmolib.circuit.OperatingPoint
        Result of :func:`ecmolib.circuit.operating_point`; supplies
        ``flow_l_min`` [L/min], ``drainage_pressure_mmhg``,
        ``pre_oxygenator_pressure_mmhg``, ``post_oxygenator_pressure_mmhg``
        [mmHg] and ``suction``.
    drainage_so2 : float
        Saturation of the blood drained from the patient [fraction 0..1].
    return_so2 : float
        Saturation of the blood leaving the oxygenator [fraction 0..1].
    rpm : float, optional
        Pump speed [rev/min], shown under the pump.
    sweep_l_min, fdo2 : float, optional
        Sweep gas flow [L/min] and its O2 fraction [fraction 0..1], shown at
        the oxygenator's gas inlet.
    index : int or tuple, optional
        Element of an array-valued ``point`` to draw (default: ``point`` is
        scalar).
    title : str, optional
        Axes title.
    colorbar : bool
        Draw the saturation colour bar beside the axes.

    Returns
    -------
    dict
        The artists by name; pass them to :func:`update_circuit` to show
        another state without redrawing the picture.
    """
    ax.clear()
    ax.set_xlim(0, 10.5)
    ax.set_ylim(0, 6)
    ax.set_aspect("equal")
    ax.axis("off")
    a = {}

    px, py, pw, ph = _PATIENT
    ax.add_patch(FancyBboxPatch((px, py), pw, ph, boxstyle="round,pad=0.1", facecolor="0.93", edgecolor="0.4"))
    ax.text(px + pw / 2, py + ph / 2, "patient", ha="center", va="center", fontsize=11)
    for name, (pts, _blood) in _PATHS.items():
        xs, ys = zip(*pts)
        (a[name],) = ax.plot(xs, ys, lw=9, solid_capstyle="round", solid_joinstyle="round", zorder=1)
    ox, oy, ow, oh = _OXY
    a["oxygenator"] = draw_oxygenator(ax, ox, oy, ow, oh, inlet="bottom")
    ax.text(ox + ow / 2, oy + oh / 2, "oxy-\ngenator", ha="center", va="center", fontsize=9, color="white",
            zorder=3)
    a["pump"] = ax.add_patch(Circle(_PUMP, 0.45, edgecolor="0.2", zorder=2))
    ax.text(_PUMP[0], _PUMP[1], "pump", ha="center", va="center", fontsize=8, color="white", zorder=3)
    box = dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="0.6")
    a["rpm_text"] = ax.text(_PUMP[0], _PUMP[1] - 0.75, "", ha="center", va="top", fontsize=9)
    a["drainage_text"] = ax.text(3.5, 1.45, "", ha="left", va="bottom", fontsize=9, bbox=box)
    a["pre_text"] = ax.text(6.6, 1.45, "", ha="center", va="bottom", fontsize=9, bbox=box)
    a["post_text"] = ax.text(7.9, 4.35, "", ha="right", va="center", fontsize=9, bbox=box)
    a["venous_text"] = ax.text(3.3, 0.55, "", ha="center", va="top", fontsize=10)
    a["return_text"] = ax.text(5.6, 5.3, "", ha="center", va="bottom", fontsize=10)
    # Inside the patient's box, whose veins collapse: clear of the numbers
    # under the circuit (the drainage saturation, the pump speed).
    a["suction_text"] = ax.text(px + pw / 2, py + 0.2, "SUCTION:\ndrainage exceeds\nvenous return", ha="center",
                                va="bottom", color="darkred", fontsize=9, fontweight="bold", linespacing=1.2)
    if sweep_l_min is not None:
        gas = f"sweep {float(sweep_l_min):.1f} L/min" + (f"\nFdO$_2$ {float(fdo2):.2f}" if fdo2 is not None else "")
        ax.annotate(gas, xy=(ox, oy + oh / 2), xytext=(ox - 0.6, oy + oh / 2), fontsize=8,
                    ha="right", va="center", arrowprops=dict(arrowstyle="->", color="0.4"))
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(mpl.cm.ScalarMappable(norm=SO2_NORM, cmap=SO2_CMAP), ax=ax, fraction=0.035,
                           pad=0.01, label="O$_2$ saturation")
    update_circuit(a, point, drainage_so2=drainage_so2, return_so2=return_so2, rpm=rpm, index=index)
    return a


def update_circuit(artists, point, *, drainage_so2, return_so2, rpm=None, index=None):
    """Show another state on a picture made by :func:`draw_circuit`.

    Changes only colours and labels (no new artists), so a slider can move
    through states at the cost of one canvas draw. Parameters as in
    :func:`draw_circuit`.
    """
    def pick(x):
        arr = np.asarray(x)
        return arr[index] if index is not None else arr[()]

    a = artists
    venous, arterial = so2_color(drainage_so2), so2_color(return_so2)
    for name, (_pts, blood) in _PATHS.items():
        a[name].set_color(venous if blood == "venous" else arterial)
    a["pump"].set_facecolor(venous)
    set_oxygenator_so2(a["oxygenator"], drainage_so2, return_so2)
    a["rpm_text"].set_text("" if rpm is None else f"{float(rpm):.0f} rpm")
    a["drainage_text"].set_text(f"drainage\n{float(pick(point.drainage_pressure_mmhg)):+.0f} mmHg")
    a["pre_text"].set_text(f"pre-oxy\n{float(pick(point.pre_oxygenator_pressure_mmhg)):+.0f} mmHg")
    a["post_text"].set_text(f"post-oxy\n{float(pick(point.post_oxygenator_pressure_mmhg)):+.0f} mmHg")
    a["venous_text"].set_text(f"SO$_2$ {float(drainage_so2):.0%}")
    a["return_text"].set_text(f"SO$_2$ {float(return_so2):.0%}   flow {float(pick(point.flow_l_min)):.2f} L/min")
    a["suction_text"].set_visible(bool(pick(point.suction)))
