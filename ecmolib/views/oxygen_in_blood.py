r"""Lesson 01: oxygen in blood.

Views of the lesson "Oxygen in blood": the O2 dissociation curve and what
shifts it (pH, PCO2, temperature, the P50 of fetal or adult haemoglobin),
the O2 content of blood split into its bound and dissolved parts up to the
PO2 found after an oxygenator, and the whole-body O2 budget (delivery,
consumption, extraction) with the venous state that closes it.

Everything physiological comes from :mod:`ecmolib.blood` (Severinghaus
curve with Kelman's shifts, O2 and CO2 contents, recovery of PO2 and PCO2
from contents), :mod:`ecmolib.patients` (Hb, P50, cardiac output, VO2,
VCO2) and :mod:`ecmolib.tissues` (the O2 budget:
:func:`~ecmolib.tissues.o2_delivery_ml_min`,
:func:`~ecmolib.tissues.fick_vo2_ml_min`,
:func:`~ecmolib.tissues.extraction_ratio`,
:func:`~ecmolib.tissues.oxygen_budget`, which this module re-exports for
the lesson's notebook).

Drawing functions draw into the Axes they are given and return their
artists; ``update_*`` functions show another state on those artists (for
the sliders). The ``*_explorer`` factories bind them to sliders whose ranges
only produce valid model input.

References
----------
.. [1] Severinghaus JW. Simple, accurate equations for human blood O2
   dissociation computations. J Appl Physiol 1979;46:599-602.
   doi:10.1152/jappl.1979.46.3.599
.. [2] Kelman GR. Digital computer subroutine for the conversion of oxygen
   tension into saturation. J Appl Physiol 1966;21:1375-1376.
   doi:10.1152/jappl.1966.21.4.1375
.. [3] Dunn J-OC, Mythen MG, Grocott MP. Physiology of oxygen transport.
   BJA Educ 2016;16:341-348. doi:10.1093/bjaed/mkw012
"""

from __future__ import annotations

import weakref

import numpy as np
from matplotlib.patches import FancyArrowPatch, Polygon
from matplotlib.ticker import PercentFormatter

from ecmolib import _validation as _v
from ecmolib import blood, oxygenator, patients, plotting, tissues
from ecmolib.tissues import (  # noqa: F401  (re-exported: the lesson's notebook calls them from here)
    OxygenBudget,
    extraction_ratio,
    fick_vo2_ml_min,
    o2_delivery_ml_min,
    oxygen_budget,
)
from ecmolib.views._readout import Readout
from ecmolib.widgets import Explorer, SliderSpec, live_artists, nice_step

__all__ = [
    "ARTERIAL_PO2_MMHG",
    "ARTERIAL_PCO2_MMHG",
    "VENOUS_PO2_MMHG",
    "POST_OXYGENATOR_PO2_BAND_MMHG",
    "CONTENT_HB_G_DL",
    "dissociation_numbers",
    "content_numbers",
    "budget_numbers",
    "draw_dissociation",
    "update_dissociation",
    "draw_content",
    "update_content",
    "draw_budget",
    "update_budget",
    "dissociation_explorer",
    "content_explorer",
    "delivery_explorer",
    "EXPLORERS",
]

# ---------------------------------------------------------------------------
# The lesson's reference values (each with its source)
# ---------------------------------------------------------------------------

#: Arterial PO2 of a healthy adult breathing air at sea level [mmHg]: 100,
#: the arterial point of the textbook dissociation curve (West JB,
#: Respiratory Physiology: The Essentials, Wolters Kluwer, chapter 6); the
#: default of :func:`ecmolib.tissues.oxygen_budget`.
ARTERIAL_PO2_MMHG = tissues.NORMAL_PAO2_MMHG

#: Arterial PCO2 [mmHg]: 40, the normal value and the standard condition of
#: the Severinghaus curve (doi:10.1152/jappl.1979.46.3.599).
ARTERIAL_PCO2_MMHG = tissues.NORMAL_PACO2_MMHG

#: Mixed venous PO2 at rest [mmHg]: 40, the venous point of the textbook
#: curve (West, as above). :func:`ecmolib.tissues.oxygen_budget` computes
#: the venous PO2 from the O2 budget instead; for the adult preset it comes
#: out at 40.
VENOUS_PO2_MMHG = 40.0

#: PO2 range drawn as "after the oxygenator" [mmHg]: 300-500. An
#: illustration, not a model output: the range the design of this library
#: gives for blood leaving a membrane lung ventilated with an O2-rich sweep
#: gas (:mod:`ecmolib.blood` notes 400-500 mmHg); lesson 02 computes the
#: outlet PO2 from the membrane-lung model, where it depends on FdO2 and
#: blood flow.
POST_OXYGENATOR_PO2_BAND_MMHG = (300.0, 500.0)

#: Haemoglobin of the O2-content view [g/dL]: 12, the haemoglobin of the
#: standard test blood of oxygenators (ISO 7199 / AAMI; the same constant
#: as :data:`ecmolib.oxygenator.RATED_INLET_HB_G_DL`).
CONTENT_HB_G_DL = oxygenator.RATED_INLET_HB_G_DL

# Drawing grids and colours (not physiology).
_ODC_PO2 = np.linspace(0.5, 150.0, 300)
_CONTENT_PO2 = np.linspace(0.5, 600.0, 400)
_BUDGET_PO2 = np.linspace(0.5, 150.0, 300)
_BOUND_COLOR = "#d6604d"  # ColorBrewer RdBu red: O2 on haemoglobin
_DISSOLVED_COLOR = "#4393c3"  # ColorBrewer RdBu blue: O2 dissolved in plasma
_CURRENT_COLOR = "0.1"
_REFERENCE_COLOR = "0.6"
_BOX = dict(boxstyle="round,pad=0.35", facecolor="white", edgecolor="0.7", alpha=0.95)


# ---------------------------------------------------------------------------
# Numbers shown by the views
# ---------------------------------------------------------------------------


def dissociation_numbers(*, p50_mmhg=blood.P50_STANDARD_MMHG, ph=7.40, pco2_mmhg=40.0, temperature_c=37.0,
                         arterial_po2_mmhg=ARTERIAL_PO2_MMHG, venous_po2_mmhg=VENOUS_PO2_MMHG) -> dict:
    r"""Saturations at the arterial and venous PO2 on one dissociation curve.

    .. math::

        \Delta S = S(P_{a}) - S(P_{v})

    with :math:`S` from :func:`ecmolib.blood.saturation` (Severinghaus 1979
    with Kelman's shifts) for the given conditions. :math:`\Delta S` is the
    fraction of the haemoglobin that gives up its O2 between the arterial
    and the venous PO2 ("unloading"); both points are read off the same
    curve (in the body the venous blood is slightly more acid, see
    :func:`ecmolib.tissues.oxygen_budget`).

    Parameters
    ----------
    p50_mmhg : float or array_like, optional
        P50 of the haemoglobin at standard conditions [mmHg]; valid
        [10, 50]. Default 26.8 (adult); fetal
        :data:`ecmolib.blood.FETAL_P50_MMHG` (19.4).
    ph : float or array_like, optional
        pH; valid [6.8, 7.8]. Default 7.40.
    pco2_mmhg : float or array_like, optional
        PCO2 [mmHg]; valid (0, 200]. Default 40.
    temperature_c : float or array_like, optional
        Blood temperature [C]; valid [20, 42]. Default 37.
    arterial_po2_mmhg, venous_po2_mmhg : float or array_like, optional
        The two PO2s [mmHg]; valid (0, 1000]. Defaults 100 and 40
        (:data:`ARTERIAL_PO2_MMHG`, :data:`VENOUS_PO2_MMHG`).

    Returns
    -------
    dict
        ``p50_in_vivo_mmhg`` [mmHg], ``arterial_so2``, ``venous_so2`` and
        ``unloaded_so2`` (fractions 0..1).

    Raises
    ------
    ValueError
        If an argument is NaN, infinite, not a number or out of range.

    Examples
    --------
    >>> from ecmolib.views import oxygen_in_blood as lesson
    >>> n = lesson.dissociation_numbers(ph=7.2)
    >>> round(float(n["p50_in_vivo_mmhg"]), 2), round(float(n["venous_so2"]), 3)
    (32.22, 0.643)

    References
    ----------
    Severinghaus 1979, doi:10.1152/jappl.1979.46.3.599; Kelman 1966,
    doi:10.1152/jappl.1966.21.4.1375.
    """
    pa = _v.checked("arterial_po2_mmhg", arterial_po2_mmhg, "mmHg", low=0.0, high=1000.0, low_inclusive=False)
    pv = _v.checked("venous_po2_mmhg", venous_po2_mmhg, "mmHg", low=0.0, high=1000.0, low_inclusive=False)
    cond = dict(p50_mmhg=p50_mmhg, ph=ph, pco2_mmhg=pco2_mmhg, temperature_c=temperature_c)
    sa = blood.saturation(pa, **cond)
    sv = blood.saturation(pv, **cond)
    return {
        "p50_in_vivo_mmhg": blood.p50(**cond),
        "arterial_so2": sa,
        "venous_so2": sv,
        "unloaded_so2": sa - sv,
    }


def content_numbers(po2_mmhg, *, hb_g_dl, p50_mmhg=blood.P50_STANDARD_MMHG, ph=7.40, pco2_mmhg=40.0,
                    temperature_c=37.0) -> dict:
    r"""O2 content at a PO2, split into the part on haemoglobin and the dissolved part.

    .. math::

        C_{bound} = 1.34\,\mathrm{Hb}\,S(P_{O_2}), \qquad
        C_{dissolved} = 0.003\,P_{O_2}, \qquad
        C_{O_2} = C_{bound} + C_{dissolved}

    with the constants :data:`ecmolib.blood.HUFNER_ML_PER_G` and
    :data:`ecmolib.blood.O2_SOLUBILITY_ML_DL_MMHG`, :math:`S` from
    :func:`ecmolib.blood.saturation` and the total from
    :func:`ecmolib.blood.o2_content`.

    Parameters
    ----------
    po2_mmhg : float or array_like
        PO2 [mmHg]; valid (0, 1000].
    hb_g_dl : float or array_like
        Haemoglobin [g/dL]; valid (0, 25].
    p50_mmhg, ph, pco2_mmhg, temperature_c : float or array_like, optional
        Conditions of the curve, as for :func:`ecmolib.blood.saturation`
        (defaults: adult P50 26.8 mmHg, pH 7.40, PCO2 40 mmHg, 37 C).

    Returns
    -------
    dict
        ``so2`` (fraction), ``bound_ml_dl``, ``dissolved_ml_dl``,
        ``total_ml_dl`` [mL O2/dL blood] and ``dissolved_fraction`` (share
        of the total that is dissolved, 0..1).

    Raises
    ------
    ValueError
        If an argument is NaN, infinite, not a number or out of range.

    Examples
    --------
    >>> from ecmolib.views import oxygen_in_blood as lesson
    >>> n = lesson.content_numbers(450.0, hb_g_dl=12.0)
    >>> round(float(n["bound_ml_dl"]), 2), round(float(n["dissolved_ml_dl"]), 2)
    (16.08, 1.35)

    References
    ----------
    Severinghaus 1979, doi:10.1152/jappl.1979.46.3.599; the constants'
    sources are given in :mod:`ecmolib.blood`.
    """
    so2 = blood.saturation(po2_mmhg, p50_mmhg=p50_mmhg, ph=ph, pco2_mmhg=pco2_mmhg, temperature_c=temperature_c)
    total = blood.o2_content(hb_g_dl, so2, po2_mmhg)
    dissolved = blood.O2_SOLUBILITY_ML_DL_MMHG * np.asarray(po2_mmhg, dtype=float)
    bound = blood.HUFNER_ML_PER_G * np.asarray(hb_g_dl, dtype=float) * so2
    return {
        "so2": so2,
        "bound_ml_dl": _v.result(bound),
        "dissolved_ml_dl": _v.result(dissolved),
        "total_ml_dl": total,
        "dissolved_fraction": _v.result(np.divide(dissolved, total, out=np.zeros(np.shape(total)),
                                                  where=np.asarray(total) > 0.0)),
    }


# ---------------------------------------------------------------------------
# Drawing: the dissociation curve
# ---------------------------------------------------------------------------


def _f(x):
    return float(np.asarray(x))


def draw_dissociation(ax, *, p50_mmhg=blood.P50_STANDARD_MMHG, ph=7.40, pco2_mmhg=40.0, temperature_c=37.0,
                      arterial_po2_mmhg=ARTERIAL_PO2_MMHG, venous_po2_mmhg=VENOUS_PO2_MMHG, references=True):
    """Draw the O2 dissociation curve with its P50 and the arterial and venous points.

    Grey references: the standard adult curve (P50 26.8 mmHg, pH 7.40,
    PCO2 40 mmHg, 37 C) and the term newborn's (fetal, P50 19.4 mmHg). The
    black curve is the one for the given conditions; on it, the P50 and the
    arterial and venous points, each coloured by its saturation, and an
    arrow for the saturation given up between them.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    p50_mmhg, ph, pco2_mmhg, temperature_c : float, optional
        Conditions of the curve (see :func:`dissociation_numbers`).
    arterial_po2_mmhg, venous_po2_mmhg : float, optional
        The marked PO2s [mmHg]; defaults 100 and 40, in (0, 150].
    references : bool
        Draw the two grey reference curves.

    Returns
    -------
    dict
        The artists by name, for :func:`update_dissociation`.
    """
    _v.checked("arterial_po2_mmhg", arterial_po2_mmhg, "mmHg", low=0.0, high=150.0, low_inclusive=False)
    _v.checked("venous_po2_mmhg", venous_po2_mmhg, "mmHg", low=0.0, high=150.0, low_inclusive=False)
    a = {"_po2": (float(arterial_po2_mmhg), float(venous_po2_mmhg))}
    if references:
        ax.plot(_ODC_PO2, blood.saturation(_ODC_PO2), color=_REFERENCE_COLOR, lw=1.3,
                label=f"standard adult (P₅₀ {blood.P50_STANDARD_MMHG:.1f} mmHg)")
        ax.plot(_ODC_PO2, blood.saturation(_ODC_PO2, p50_mmhg=blood.FETAL_P50_MMHG), color=_REFERENCE_COLOR,
                lw=1.3, ls="--", label=f"term newborn (P₅₀ {blood.FETAL_P50_MMHG:.1f} mmHg)")
    (a["curve"],) = ax.plot(_ODC_PO2, np.zeros_like(_ODC_PO2), color=_CURRENT_COLOR, lw=2.4, label="this blood")
    (a["p50_guide"],) = ax.plot([], [], color="0.35", lw=1.0, ls=":")
    a["p50_text"] = ax.text(0, 0.03, "", ha="left", va="bottom", fontsize=9, color="0.2")
    (a["carry"],) = ax.plot([], [], color="0.45", lw=1.0, ls="--")
    a["arrow"] = ax.add_patch(FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>", mutation_scale=14, color="0.25",
                                              lw=1.4, shrinkA=0, shrinkB=3))
    a["unloaded_text"] = ax.text(0, 0, "", ha="right", va="center", fontsize=9)
    (a["arterial"],) = ax.plot([], [], "o", ms=10, mec="black", zorder=5)
    (a["venous"],) = ax.plot([], [], "o", ms=10, mec="black", zorder=5)
    a["arterial_text"] = ax.text(0, 0, "", ha="center", va="top", fontsize=9)
    a["venous_text"] = ax.text(0, 0, "", ha="left", va="center", fontsize=9)
    a["conditions"] = ax.set_title(" ", fontsize=10, y=1.0, pad=6)
    ax.figure.subplots_adjust(left=0.1, right=0.97, bottom=0.11, top=0.89)
    ax.set_axisbelow(True)
    ax.set_xlim(0, 150)
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("PO₂ [mmHg]")
    ax.set_ylabel("O₂ saturation of haemoglobin")
    ax.legend(loc="lower right", fontsize=8.5)
    update_dissociation(a, p50_mmhg=p50_mmhg, ph=ph, pco2_mmhg=pco2_mmhg, temperature_c=temperature_c)
    return a


#: Shortest unloading arrow [fraction of saturation] with room for its label
#: beside it; a shorter one has the label above the carried level.
_LONG_ARROW_SO2 = 0.2


def update_dissociation(artists, *, p50_mmhg=blood.P50_STANDARD_MMHG, ph=7.40, pco2_mmhg=40.0, temperature_c=37.0):
    """Show other conditions on a picture made by :func:`draw_dissociation`.

    Returns the numbers shown (:func:`dissociation_numbers`, as floats).
    """
    a = artists
    pa, pv = a["_po2"]
    cond = dict(p50_mmhg=p50_mmhg, ph=ph, pco2_mmhg=pco2_mmhg, temperature_c=temperature_c)
    n = {k: _f(v) for k, v in dissociation_numbers(**cond, arterial_po2_mmhg=pa, venous_po2_mmhg=pv).items()}
    a["curve"].set_ydata(blood.saturation(_ODC_PO2, **cond))
    p50v, sa, sv = n["p50_in_vivo_mmhg"], n["arterial_so2"], n["venous_so2"]
    a["p50_guide"].set_data([0, p50v, p50v], [0.5, 0.5, 0])
    a["p50_text"].set_position((p50v + 1.5, 0.03))
    a["p50_text"].set_text(f"P₅₀ {p50v:.1f} mmHg")
    a["carry"].set_data([pv, pa], [sa, sa])
    a["arrow"].set_positions((pv, sa), (pv, sv))
    unloaded = f"{100 * n['unloaded_so2']:.1f} points"
    if sa - sv >= _LONG_ARROW_SO2:  # beside the arrow's middle, left of it
        a["unloaded_text"].set_position((pv - 3, min(0.5 * (sa + sv), 0.84)))
        a["unloaded_text"].set_verticalalignment("center")
        a["unloaded_text"].set_text(f"unloaded\n{unloaded}")
    else:  # a short arrow leaves no room beside it: one line above the carried level, clear of the dot
        a["unloaded_text"].set_position((pv - 2, sa + 0.015))
        a["unloaded_text"].set_verticalalignment("bottom")
        a["unloaded_text"].set_text(f"unloaded {unloaded}")
    a["arterial"].set_data([pa], [sa])
    a["arterial"].set_color(plotting.so2_color(sa))
    a["arterial"].set_markeredgecolor("black")
    a["venous"].set_data([pv], [sv])
    a["venous"].set_color(plotting.so2_color(sv))
    a["venous"].set_markeredgecolor("black")
    a["arterial_text"].set_position((pa, sa - 0.05))
    a["arterial_text"].set_text(f"arterial: PO₂ {pa:.0f} mmHg\nSO₂ {sa:.1%}")
    a["venous_text"].set_position((pv + 3.5, min(sv - 0.02, 0.84)))
    a["venous_text"].set_text(f"venous: PO₂ {pv:.0f} mmHg\nSO₂ {sv:.1%}")
    shift = p50v - blood.P50_STANDARD_MMHG
    where = ("same as the standard adult curve" if abs(shift) < 0.05
             else f"shifted {'right' if shift > 0 else 'left'} by {abs(shift):.1f} mmHg")
    a["conditions"].set_text(f"in-vivo P₅₀ {p50v:.1f} mmHg: {where}")
    return n


# ---------------------------------------------------------------------------
# Drawing: O2 content, bound and dissolved
# ---------------------------------------------------------------------------


def _band_xy(x, lower, upper):
    return np.column_stack([np.concatenate([x, x[::-1]]), np.concatenate([lower, upper[::-1]])])


def draw_content(ax, *, hb_g_dl=CONTENT_HB_G_DL, po2_mmhg=450.0, p50_mmhg=blood.P50_STANDARD_MMHG,
                 reference_hb_g_dl=None, band_mmhg=POST_OXYGENATOR_PO2_BAND_MMHG, ymax_ml_dl=32.0):
    """Draw O2 content against PO2 up to 600 mmHg, split into bound and dissolved O2.

    The area under the red curve is the O2 on haemoglobin, the blue band on
    top the O2 dissolved in plasma; the shaded PO2 range is
    ``band_mmhg`` (post-oxygenator). A marker at ``po2_mmhg`` reads the
    three numbers off. Standard conditions (pH 7.40, PCO2 40 mmHg, 37 C).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    hb_g_dl : float, optional
        Haemoglobin [g/dL]; valid (0, 25]. Default 12.
    po2_mmhg : float, optional
        PO2 of the marker [mmHg]; valid (0, 600].
    p50_mmhg : float, optional
        P50 at standard conditions [mmHg]; valid [10, 50].
    reference_hb_g_dl : float, optional
        Draw the total content at this Hb as a grey dashed reference.
    band_mmhg : tuple of float, optional
        PO2 range shaded as post-oxygenator [mmHg].
    ymax_ml_dl : float, optional
        Upper end of the content axis [mL/dL].

    Returns
    -------
    dict
        The artists by name, for :func:`update_content`.
    """
    _v.checked("po2_mmhg", po2_mmhg, "mmHg", low=0.0, high=600.0, low_inclusive=False)
    a = {"_p50": float(p50_mmhg)}
    lo, hi = band_mmhg
    ax.axvspan(lo, hi, color="0.5", alpha=0.12, lw=0)
    ax.text(0.5 * (lo + hi), ymax_ml_dl * 0.985, "typical PO₂ after the oxygenator", ha="center", va="top",
            fontsize=8.5, color="0.3")
    if reference_hb_g_dl is not None:
        ref = content_numbers(_CONTENT_PO2, hb_g_dl=reference_hb_g_dl, p50_mmhg=p50_mmhg)["total_ml_dl"]
        ax.plot(_CONTENT_PO2, ref, color=_REFERENCE_COLOR, lw=1.2, ls="--",
                label=f"total at the starting Hb ({float(reference_hb_g_dl):.1f} g/dL)")
    a["bound"] = ax.add_patch(Polygon(np.zeros((3, 2)), closed=True, facecolor=_BOUND_COLOR, alpha=0.45, lw=0,
                                      label=f"bound to haemoglobin ({blood.HUFNER_ML_PER_G:g} × Hb × SO₂)"))
    a["dissolved"] = ax.add_patch(Polygon(np.zeros((3, 2)), closed=True, facecolor=_DISSOLVED_COLOR, alpha=0.85,
                                          lw=0, label=f"dissolved in plasma ({blood.O2_SOLUBILITY_ML_DL_MMHG:g} × PO₂)"))
    (a["total"],) = ax.plot(_CONTENT_PO2, np.zeros_like(_CONTENT_PO2), color=_CURRENT_COLOR, lw=1.8,
                            label="total O₂ content")
    (a["av_points"],) = ax.plot([], [], "o", mfc="white", mec="black", ms=5, zorder=4)
    a["av_labels"] = [ax.text(p, 0, name, ha="center", va="bottom", fontsize=9)
                      for p, name in ((VENOUS_PO2_MMHG, "v"), (ARTERIAL_PO2_MMHG, "a"))]
    a["marker"] = ax.axvline(0, color="0.2", lw=1.0, ls=":")
    (a["points"],) = ax.plot([], [], "o", color="black", ms=5, zorder=5)
    a["readout"] = ax.text(140, 0.3 * ymax_ml_dl, "", ha="left", va="center", fontsize=9, bbox=_BOX, zorder=6,
                           family="monospace")
    ax.figure.subplots_adjust(left=0.1, right=0.97, bottom=0.11, top=0.86)
    ax.set_axisbelow(True)
    ax.set_xlim(0, 600)
    ax.set_ylim(0, ymax_ml_dl)
    ax.set_xlabel("PO₂ [mmHg]")
    ax.set_ylabel("O₂ content [mL O₂ / dL blood]")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8.5)
    update_content(a, hb_g_dl=hb_g_dl, po2_mmhg=po2_mmhg)
    return a


def update_content(artists, *, hb_g_dl, po2_mmhg):
    """Show another Hb and marker PO2 on a picture made by :func:`draw_content`.

    Returns the numbers at the marker (:func:`content_numbers`, as floats).
    """
    a = artists
    curve = content_numbers(_CONTENT_PO2, hb_g_dl=hb_g_dl, p50_mmhg=a["_p50"])
    a["bound"].set_xy(_band_xy(_CONTENT_PO2, np.zeros_like(_CONTENT_PO2), curve["bound_ml_dl"]))
    a["dissolved"].set_xy(_band_xy(_CONTENT_PO2, curve["bound_ml_dl"], curve["total_ml_dl"]))
    a["total"].set_ydata(curve["total_ml_dl"])
    n = {k: _f(v) for k, v in content_numbers(po2_mmhg, hb_g_dl=hb_g_dl, p50_mmhg=a["_p50"]).items()}
    p = _f(po2_mmhg)
    a["marker"].set_xdata([p, p])
    a["points"].set_data([p, p], [n["bound_ml_dl"], n["total_ml_dl"]])
    av = content_numbers(np.array([VENOUS_PO2_MMHG, ARTERIAL_PO2_MMHG]), hb_g_dl=hb_g_dl,
                         p50_mmhg=a["_p50"])["total_ml_dl"]
    a["av_points"].set_data([VENOUS_PO2_MMHG, ARTERIAL_PO2_MMHG], av)
    for label, c in zip(a["av_labels"], av):
        label.set_y(c + 0.6)
    a["readout"].set_text(
        f"Hb {_f(hb_g_dl):.1f} g/dL, PO₂ {p:.0f} mmHg\n"
        f"SO₂       {n['so2']:.1%}\n"
        f"bound      {n['bound_ml_dl']:5.2f} mL/dL\n"
        f"dissolved  {n['dissolved_ml_dl']:5.2f} mL/dL\n"
        f"total      {n['total_ml_dl']:5.2f} mL/dL")
    return n


# ---------------------------------------------------------------------------
# Drawing: delivery and consumption
# ---------------------------------------------------------------------------


def budget_numbers(budget: OxygenBudget) -> dict:
    """The numbers an O2 budget view shows, as a flat dict.

    Keys: ``cao2_ml_dl``, ``cvo2_ml_dl`` [mL/dL]; ``sao2``, ``svo2``,
    ``extraction_ratio`` and ``supply_limited`` (1.0 or 0.0) [fraction];
    ``pao2_mmhg``, ``pvo2_mmhg``, ``pvco2_mmhg`` [mmHg]; ``arterial_ph``,
    ``venous_ph``; ``arterial_pco2_mmhg`` [mmHg]; ``do2_ml_min``,
    ``vo2_ml_min``, ``vo2_demand_ml_min``, ``critical_do2_ml_min``
    [mL/min]; ``hb_g_dl`` [g/dL], ``p50_mmhg`` [mmHg], ``temperature_c``
    [C], ``max_extraction`` [fraction]. Values are floats for a scalar
    budget and arrays for an array budget.

    Parameters
    ----------
    budget : OxygenBudget
        Result of :func:`oxygen_budget`.

    Returns
    -------
    dict
    """
    if not isinstance(budget, OxygenBudget):
        raise ValueError(f"budget must be an OxygenBudget (from oxygen_budget); got {type(budget).__name__}")
    art, ven = budget.arterial, budget.venous
    shape = np.broadcast_shapes(art.shape, ven.shape, np.shape(budget.do2_ml_min))

    def v(x):
        return _v.result(np.broadcast_to(np.asarray(x, dtype=float), shape).copy())

    return {
        "cao2_ml_dl": v(art.o2_content_ml_dl),
        "sao2": v(art.so2),
        "pao2_mmhg": v(art.po2_mmhg),
        "arterial_ph": v(art.ph),
        "arterial_pco2_mmhg": v(art.pco2_mmhg),
        "cvo2_ml_dl": v(ven.o2_content_ml_dl),
        "svo2": v(ven.so2),
        "pvo2_mmhg": v(ven.po2_mmhg),
        "pvco2_mmhg": v(ven.pco2_mmhg),
        "venous_ph": v(ven.ph),
        "do2_ml_min": v(budget.do2_ml_min),
        "vo2_ml_min": v(budget.vo2_ml_min),
        "vo2_demand_ml_min": v(budget.vo2_demand_ml_min),
        "extraction_ratio": v(budget.extraction_ratio),
        "critical_do2_ml_min": v(budget.critical_do2_ml_min),
        "supply_limited": v(budget.supply_limited),
        "hb_g_dl": v(art.hb_g_dl),
        "p50_mmhg": v(art.p50_mmhg),
        "temperature_c": v(art.temperature_c),
        "max_extraction": v(budget.max_extraction),
    }


def _as_numbers(budget):
    """A scalar budget as a dict of floats (an OxygenBudget or a dict from :func:`budget_numbers`)."""
    n = budget_numbers(budget) if isinstance(budget, OxygenBudget) else budget
    if any(np.ndim(x) for x in n.values()):
        raise ValueError("draw_budget and update_budget show one state: pass a scalar budget")
    return {k: float(x) for k, x in n.items()}


def _flow_text(ml_min):
    """An O2 flow [mL/min] with one decimal below 100 (infants), none above."""
    return f"{ml_min:.1f}" if ml_min < 100 else f"{ml_min:.0f}"


#: Lowest venous O2 content [mL/dL] whose label fits below the venous point
#: (two lines above the PO2 axis of a 0-30 mL/dL panel).
_VENOUS_LABEL_MIN_ML_DL = 3.2


def draw_budget(fig, budget: OxygenBudget, *, do2_max_ml_min, vo2_max_ml_min, content_max_ml_dl=30.0):
    """Draw an O2 budget: contents on the left, consumption against delivery on the right.

    Left: O2 content against PO2 for arterial conditions (solid) and for the
    venous blood's own pH and PCO2 (dashed, right-shifted by the Bohr
    effect), the arterial and venous points, and the arterio-venous content
    difference the tissues took out (Fick). Right: consumption against
    delivery, with the demand, the most the tissues can extract
    (:math:`E_{max} \\dot D_{O_2}`), the critical delivery and the current
    state.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure; two axes are added.
    budget : OxygenBudget or dict
        A scalar budget from :func:`oxygen_budget`, or its
        :func:`budget_numbers`.
    do2_max_ml_min, vo2_max_ml_min : float
        Axis limits of the right panel [mL/min].
    content_max_ml_dl : float, optional
        Upper end of the content axis [mL/dL].

    Returns
    -------
    dict
        The artists by name, for :func:`update_budget`.
    """
    ax_c, ax_v = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=[1.0, 1.0], wspace=0.3))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.92)
    ax_c.set_axisbelow(True)
    ax_v.set_axisbelow(True)
    n = _as_numbers(budget)
    a = {"ax_c": ax_c, "ax_v": ax_v, "_emax": n["max_extraction"]}
    (a["art_curve"],) = ax_c.plot(_BUDGET_PO2, np.zeros_like(_BUDGET_PO2), color=_CURRENT_COLOR, lw=2.0,
                                  label="arterial pH, PCO₂")
    (a["ven_curve"],) = ax_c.plot(_BUDGET_PO2, np.zeros_like(_BUDGET_PO2), color="0.45", lw=1.5, ls="--",
                                  label="venous pH, PCO₂")
    (a["levels"],) = ax_c.plot([], [], color="0.5", lw=0.9, ls=":")
    a["avd_arrow"] = ax_c.add_patch(FancyArrowPatch((0, 0), (0, 0), arrowstyle="<|-|>", mutation_scale=12,
                                                    color="0.2", lw=1.3, shrinkA=0, shrinkB=0))
    a["avd_text"] = ax_c.text(0.03, 0.97, "", transform=ax_c.transAxes, ha="left", va="top", fontsize=9)
    (a["art_pt"],) = ax_c.plot([], [], "o", ms=10, mec="black", zorder=5)
    (a["ven_pt"],) = ax_c.plot([], [], "o", ms=10, mec="black", zorder=5)
    a["art_text"] = ax_c.text(0, 0, "", ha="right", va="bottom", fontsize=8.5)
    a["ven_text"] = ax_c.text(0, 0, "", ha="left", va="top", fontsize=8.5)
    ax_c.set_xlim(0, 150)
    ax_c.set_ylim(0, content_max_ml_dl)
    ax_c.set_xlabel("PO₂ [mmHg]")
    ax_c.set_ylabel("O₂ content [mL/dL]")
    ax_c.set_title("Where the blood sits on its curve", fontsize=10)
    # Narrow and in the corner: the mixed-venous label (right of a low
    # venous point, at most about 55 mmHg wide) ends left of it.
    ax_c.legend(loc="lower right", fontsize=8, handlelength=1.6, borderaxespad=0.3)

    x = np.linspace(0.0, do2_max_ml_min, 200)
    a["_x"] = x
    ax_v.plot(x, n["max_extraction"] * x, color=_REFERENCE_COLOR, lw=1.0, ls="--",
              label=f"{n['max_extraction']:.0%} of DO₂ (most taken)")
    (a["demand"],) = ax_v.plot([0, do2_max_ml_min], [0, 0], color=_BOUND_COLOR, lw=1.2, ls=":",
                               label="demand")
    (a["achieved"],) = ax_v.plot(x, np.zeros_like(x), color=_CURRENT_COLOR, lw=2.0, label="consumption VO₂")
    a["critical"] = ax_v.axvline(0, color="0.4", lw=0.9, ls=":")
    # Right of the critical line at the foot of the axes: below the
    # consumption line (flat at the demand there) and left of the readout.
    a["critical_text"] = ax_v.text(0, 0.02, "", transform=ax_v.get_xaxis_transform(), fontsize=8,
                                   ha="left", va="bottom", color="0.3")
    (a["state"],) = ax_v.plot([], [], "o", ms=11, mec="black", zorder=5)
    # Labels and units drawn once; only the numbers are redrawn on a slider move.
    readout = Readout(ax_v, 0.97, 0.04, [("CaO2", 6, " mL/dL"), ("DO2", 6, " mL/min"), ("VO2", 6, " mL/min"),
                                         ("ER", 6, ""), ("SvO2", 6, "")],
                      transform=ax_v.transAxes, ha="right", va="bottom", fontsize=8.5,
                      box={k: v for k, v in _BOX.items() if k != "boxstyle"})
    a["readout"], a["readout_numbers"] = readout, readout.numbers
    a["warning"] = ax_v.text(0.97, 0.81, "supply-limited:\nVO₂ below demand", transform=ax_v.transAxes,
                             ha="right", va="top", fontsize=9, color="darkred", fontweight="bold",
                             bbox=dict(boxstyle="square,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85))
    ax_v.set_xlim(0, do2_max_ml_min)
    ax_v.set_ylim(0, vo2_max_ml_min)
    ax_v.set_xlabel("O₂ delivery DO₂ [mL/min]")
    ax_v.set_ylabel("O₂ consumption VO₂ [mL/min]")
    ax_v.set_title("Delivery and consumption", fontsize=10)
    # In the band above the highest demand (the explorer's axis leaves it
    # free), clear of the demand line and the state dot, the supply-limited
    # warning under it, both right of where the extraction line crosses the band.
    ax_v.legend(loc="upper right", fontsize=8, handlelength=1.6, frameon=True, framealpha=0.9, edgecolor="none")
    update_budget(a, budget)
    return a


def update_budget(artists, budget):
    """Show another budget on a picture made by :func:`draw_budget`.

    ``budget`` is a scalar :class:`OxygenBudget` or its
    :func:`budget_numbers`; returns the numbers shown (floats).
    """
    a = artists
    n = _as_numbers(budget)
    hb, p50v, t = n["hb_g_dl"], n["p50_mmhg"], n["temperature_c"]

    def content_curve(ph, pco2):
        s = blood.saturation(_BUDGET_PO2, p50_mmhg=p50v, ph=ph, pco2_mmhg=pco2, temperature_c=t)
        return blood.o2_content(hb, s, _BUDGET_PO2)

    a["art_curve"].set_ydata(content_curve(n["arterial_ph"], n["arterial_pco2_mmhg"]))
    a["ven_curve"].set_ydata(content_curve(n["venous_ph"], n["pvco2_mmhg"]))
    pa, pv = n["pao2_mmhg"], n["pvo2_mmhg"]
    ca, cv = n["cao2_ml_dl"], n["cvo2_ml_dl"]
    x_arrow = 6.0
    a["levels"].set_data([pa, x_arrow, np.nan, pv, x_arrow], [ca, ca, np.nan, cv, cv])
    a["avd_arrow"].set_positions((x_arrow, cv), (x_arrow, ca))
    a["avd_text"].set_text(f"taken up by the tissues (arrow):\nCaO₂ − CvO₂ = {ca - cv:.1f} mL/dL")
    a["art_pt"].set_data([pa], [ca])
    a["art_pt"].set_color(plotting.so2_color(n["sao2"]))
    a["art_pt"].set_markeredgecolor("black")
    a["ven_pt"].set_data([pv], [cv])
    a["ven_pt"].set_color(plotting.so2_color(n["svo2"]))
    a["ven_pt"].set_markeredgecolor("black")
    a["art_text"].set_position((pa - 1, ca + 0.9))
    a["art_text"].set_text(f"arterial  SaO₂ {n['sao2']:.1%}")
    # Below and right of the venous point, unless that would cross the PO2
    # axis (little haemoglobin): then above the arterial level, where the
    # flat low curve leaves room.
    low = cv < _VENOUS_LABEL_MIN_ML_DL
    a["ven_text"].set_position((pv + 4, ca + 2.4) if low else (pv + 4, cv - 0.6))
    a["ven_text"].set_verticalalignment("bottom" if low else "top")
    a["ven_text"].set_text(f"mixed venous (dot below)\nPvO₂ {pv:.0f} mmHg, SvO₂ {n['svo2']:.0%}" if low
                           else f"mixed venous\nPvO₂ {pv:.0f} mmHg, SvO₂ {n['svo2']:.0%}")

    demand = n["vo2_demand_ml_min"]
    x = a["_x"]
    a["demand"].set_ydata([demand, demand])
    a["achieved"].set_ydata(np.minimum(demand, a["_emax"] * x))
    crit = n["critical_do2_ml_min"]
    a["critical"].set_xdata([crit, crit])
    a["critical_text"].set_position((crit, 0.02))
    a["critical_text"].set_text(f" critical\n DO₂ {_flow_text(crit)}")
    a["state"].set_data([n["do2_ml_min"]], [n["vo2_ml_min"]])
    a["state"].set_color(plotting.so2_color(n["svo2"]))
    a["state"].set_markeredgecolor("black")
    a["readout"].set_values([f"{ca:.1f}", _flow_text(n["do2_ml_min"]), _flow_text(n["vo2_ml_min"]),
                             f"{n['extraction_ratio']:.0%}", f"{n['svo2']:.0%}"])
    a["warning"].set_visible(bool(n["supply_limited"]))
    return n


# ---------------------------------------------------------------------------
# Explorers
# ---------------------------------------------------------------------------


def dissociation_explorer(p50_mmhg=blood.P50_STANDARD_MMHG, *, arterial_po2_mmhg=ARTERIAL_PO2_MMHG,
                          venous_po2_mmhg=VENOUS_PO2_MMHG) -> Explorer:
    """Sliders for pH, PCO2, temperature and P50 over the dissociation curve.

    Ranges: pH 7.00-7.70 (severe acidaemia to severe alkalaemia), PCO2
    20-80 mmHg, temperature 30-40 C (from the deep end of therapeutic
    hypothermia to fever), standard P50 16-32 mmHg (covers the term
    newborn's 19.4 and the adult 26.8). All inside the valid ranges of
    :func:`ecmolib.blood.saturation`. The model is evaluated afresh on every
    move (300 points, well under a millisecond).
    """
    specs = {
        "ph": SliderSpec("pH", "", 7.00, 7.70, 7.40, 0.01, ".2f"),
        "pco2_mmhg": SliderSpec("PCO2", "mmHg", 20.0, 80.0, 40.0, 1.0, ".0f"),
        "temperature_c": SliderSpec("temperature", "°C", 30.0, 40.0, 37.0, 0.5, ".1f"),
        "p50_mmhg": SliderSpec.anchored("P50 (standard conditions)", "mmHg", float(p50_mmhg), 16.0, 32.0, 0.2,
                                        ".1f"),
    }
    artists = weakref.WeakKeyDictionary()

    def draw(fig, **values):
        ax = fig.add_subplot()
        artists[fig] = live_artists(fig, draw_dissociation(ax, arterial_po2_mmhg=arterial_po2_mmhg,
                                                           venous_po2_mmhg=venous_po2_mmhg, **values))
        return update_dissociation(artists[fig], **values)

    def update(fig, **values):
        return update_dissociation(artists[fig], **values)

    return Explorer(draw=draw, update=update, specs=specs, figsize=(8.0, 5.0))


def content_explorer(hb_g_dl=CONTENT_HB_G_DL, *, po2_mmhg=450.0, p50_mmhg=blood.P50_STANDARD_MMHG) -> Explorer:
    """Sliders for Hb and the marker's PO2 over the content-vs-PO2 plot (0-600 mmHg).

    Ranges: Hb 4-20 g/dL (severe anaemia to polycythaemia), PO2 10-600
    mmHg. The grey dashed reference is the total content at the starting
    Hb, so a change of Hb shows against it.
    """
    specs = {
        "hb_g_dl": SliderSpec.anchored("haemoglobin", "g/dL", float(hb_g_dl), 4.0, 20.0, 0.5, ".1f"),
        "po2_mmhg": SliderSpec.anchored("PO2 (marker)", "mmHg", float(po2_mmhg), 10.0, 600.0, 5.0, ".0f"),
    }
    artists = weakref.WeakKeyDictionary()

    def draw(fig, hb_g_dl, po2_mmhg):
        ax = fig.add_subplot()
        artists[fig] = live_artists(fig, draw_content(ax, hb_g_dl=hb_g_dl, po2_mmhg=po2_mmhg, p50_mmhg=p50_mmhg,
                                                      reference_hb_g_dl=specs["hb_g_dl"].value))
        return update_content(artists[fig], hb_g_dl=hb_g_dl, po2_mmhg=po2_mmhg)

    def update(fig, hb_g_dl, po2_mmhg):
        return update_content(artists[fig], hb_g_dl=hb_g_dl, po2_mmhg=po2_mmhg)

    return Explorer(draw=draw, update=update, specs=specs, figsize=(8.0, 5.0))


def delivery_explorer(patient=patients.ADULT, *, hb_g_dl=None, pao2_mmhg=ARTERIAL_PO2_MMHG,
                      max_extraction=tissues.MAX_O2_EXTRACTION) -> Explorer:
    """Sliders for Hb, cardiac output, PaO2 and VO2 demand over the O2 budget.

    The Hb slider starts at ``hb_g_dl`` [g/dL] (default: the patient's own;
    valid [5, 20]), the other sliders at the patient's values and
    ``pao2_mmhg`` [mmHg] (valid [35, 150]).

    Ranges, scaled to the patient: Hb 5-20 g/dL; cardiac output 20-160 %
    of the patient's resting value (cardiogenic shock to a hyperdynamic
    circulation); PaO2 35-150 mmHg (severe hypoxaemia to breathing some
    extra O2); VO2 demand 50-200 % of resting (deep sedation or cooling to
    fever, shivering or sepsis). Slider grids pass through the patient's
    own values. Every corner of this box stays inside the range of
    :mod:`ecmolib.blood` (checked by the lesson's tests).

    The budget along each slider's grid, with the other sliders at their
    starting values, is computed once in the factory (one vectorised call
    per slider); other combinations are computed when first shown (about
    10 ms, mostly :meth:`ecmolib.blood.BloodGas.from_contents`) and kept.
    """
    patients._checked(patient)
    co, vo2 = patient.cardiac_output_l_min, patient.vo2_ml_min
    hb = patient.hb_g_dl if hb_g_dl is None else float(_v.scalar("hb_g_dl", hb_g_dl, "g/dL", 5.0, 20.0))
    specs = {
        "hb_g_dl": SliderSpec.anchored("haemoglobin", "g/dL", hb, 5.0, 20.0, 0.5, ".1f"),
        "cardiac_output_l_min": SliderSpec.anchored("cardiac output", "L/min", co, 0.2 * co, 1.6 * co,
                                                    nice_step(co)),
        "pao2_mmhg": SliderSpec.anchored("PaO2", "mmHg", float(pao2_mmhg), 35.0, 150.0, 1.0, ".0f"),
        # Starts at the patient's own VO2, so the explorer's first state is the
        # patient's (the ends are then whole steps from it, shown to the step's decimals).
        "vo2_demand_ml_min": SliderSpec.anchored("VO2 demand", "mL/min", vo2, 0.5 * vo2, 2.0 * vo2, nice_step(vo2)),
    }
    defaults = {k: spec.value for k, spec in specs.items()}

    def budget(values):
        return oxygen_budget(patient, max_extraction=max_extraction, **values)

    # Precomputed: the budget along each slider's grid with the other sliders
    # at their starting values (one vectorised model call per slider).
    lines = {}
    for key, spec in specs.items():
        grid = spec.grid()
        lines[key] = (grid, budget_numbers(budget({**defaults, key: grid})))
    top = budget({**defaults, "hb_g_dl": specs["hb_g_dl"].high,
                  "cardiac_output_l_min": specs["cardiac_output_l_min"].high, "pao2_mmhg": specs["pao2_mmhg"].high})
    do2_max = 1.05 * _f(top.do2_ml_min)
    # Headroom above the highest demand: a band for the legend that no line
    # or point of the state enters (consumption never exceeds demand).
    vo2_max = 1.45 * specs["vo2_demand_ml_min"].high
    memo = {}  # other slider combinations, computed on demand (about 10 ms each)
    artists = weakref.WeakKeyDictionary()

    def numbers(values):
        values = {k: float(_v.checked(k, values[k], specs[k].units, low=specs[k].low, high=specs[k].high))
                  for k in specs}
        moved = [k for k in specs if abs(values[k] - defaults[k]) > 1e-6 * specs[k].step]
        if len(moved) <= 1:
            key = moved[0] if moved else "hb_g_dl"
            grid, table = lines[key]
            i = int(np.argmin(np.abs(grid - values[key])))
            if abs(grid[i] - values[key]) <= 1e-6 * specs[key].step:
                return {name: float(col[i]) for name, col in table.items()}
        key = tuple(values[k] for k in specs)
        if key not in memo:
            if len(memo) >= 512:
                memo.clear()
            memo[key] = _as_numbers(budget(values))
        return memo[key]

    def draw(fig, **values):
        n = numbers(values)
        artists[fig] = live_artists(fig, draw_budget(fig, n, do2_max_ml_min=do2_max, vo2_max_ml_min=vo2_max))
        return n

    def update(fig, **values):
        return update_budget(artists[fig], numbers(values))

    return Explorer(draw=draw, update=update, specs=specs, figsize=(9.5, 4.3))


#: This lesson's explorers, gathered by :data:`ecmolib.views.EXPLORERS`.
EXPLORERS = {
    "01 dissociation curve": dissociation_explorer,
    "01 oxygen content": content_explorer,
    "01 delivery and consumption": delivery_explorer,
}
