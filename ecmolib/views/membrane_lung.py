"""Lesson 02: the membrane lung.

Four interactive figures, each computed once over its sliders' grid with
vectorised :func:`ecmolib.oxygenator.exchange` calls, so a slider move only
moves lines and markers:

* **rated flow**: post-oxygenator SO2, PO2 and O2 transfer against blood
  flow, with the device's rated flow and the operating point marked
  (:func:`rated_flow_explorer`);
* **CO2 and sweep**: CO2 removal and post-oxygenator PCO2 against sweep at a
  few blood flows, with the plateau (:func:`co2_sweep_explorer`);
* **two knobs**: FdO2 and sweep moving the post-oxygenator PO2 and PCO2
  (:func:`two_knobs_explorer`);
* **failing membrane**: the open part of the fibre bundle,
  ``1 - clot_fraction`` (clot: blocked fibres, a blood-side shunt and a
  higher resistance), moving post-oxygenator PO2, PCO2 and the pressure
  drop at a fixed flow (:func:`failing_membrane_explorer`). The other
  failure field, ``health`` (lost diffusing capacity without clot), is not
  varied here.

Plus a schematic of the membrane lung (:func:`draw_membrane_schematic`). No
physiology lives here: every number comes from :mod:`ecmolib.oxygenator`
and :mod:`ecmolib.blood`.
"""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.ticker import PercentFormatter

from ecmolib import _validation as _v
from ecmolib import blood, plotting
from ecmolib import oxygenator as _ox
from ecmolib import patients as _patients
from ecmolib.views._readout import Readout
from ecmolib.widgets import Explorer, SliderSpec, live_artists

__all__ = [
    "SCENARIO",
    "pre_oxygenator_blood",
    "draw_membrane_schematic",
    "RatedFlowTable",
    "rated_flow_table",
    "draw_rated_flow",
    "update_rated_flow",
    "rated_flow_explorer",
    "SweepTable",
    "co2_sweep_table",
    "draw_co2_sweep",
    "update_co2_sweep",
    "co2_sweep_explorer",
    "TwoKnobsTable",
    "two_knobs_table",
    "draw_two_knobs",
    "update_two_knobs",
    "two_knobs_explorer",
    "ClotTable",
    "membrane_clot_table",
    "draw_failing_membrane",
    "update_failing_membrane",
    "failing_membrane_explorer",
    "EXPLORERS",
]

#: The lesson's default scenario: the 70 kg adult of
#: :data:`ecmolib.patients.ADULT` on VV ECMO for hypoxaemic, hypercapnic
#: respiratory failure (a teaching scenario, not a patient), through the
#: adult device. Pre-oxygenator (drained) blood of SO2 70 % and PCO2
#: 50 mmHg at the patient's Hb (14 g/dL); blood flow the patient's typical
#: ELSO full-support VV flow (:func:`ecmolib.patients.target_ecmo_flow_l_min`,
#: 4.2 L/min), sweep equal to it (gas:blood 1:1, as in the rated-flow test)
#: of pure O2. The lesson's notebook builds the same dict from its
#: ``PATIENT``; the explorers' defaults are these values.
SCENARIO = {
    "inlet_so2": 0.70,
    "inlet_pco2_mmhg": 50.0,
    "hb_g_dl": _patients.ADULT.hb_g_dl,
    "blood_flow_l_min": _patients.target_ecmo_flow_l_min(_patients.ADULT, "vv"),
    "sweep_l_min": _patients.target_ecmo_flow_l_min(_patients.ADULT, "vv"),
    "fdo2": 1.0,
}

# Colours: the current setting, the ISO reference and the background curves.
_CURRENT = "#762a83"  # plum, from the lessons' SO2 scale
_SWEEP_LINE = "#2166ac"  # blue: the path the sweep knob moves along
_FDO2_LINE = "#b2182b"  # red: the path the FdO2 knob moves along
_REFERENCE = "0.45"
_BACKGROUND = "0.75"


def _scenario(scenario):
    unknown = set(scenario) - set(SCENARIO)
    if unknown:
        raise ValueError(f"unknown scenario keys {sorted(unknown)}; valid keys are {sorted(SCENARIO)}")
    return {**SCENARIO, **scenario}


def _check_oxygenator(oxygenator):
    if not isinstance(oxygenator, _ox.Oxygenator):
        raise ValueError(
            f"oxygenator must be an ecmolib.oxygenator.Oxygenator (e.g. oxygenator.ADULT); "
            f"got {type(oxygenator).__name__}"
        )
    return oxygenator


def pre_oxygenator_blood(so2, *, pco2_mmhg, hb_g_dl, p50_mmhg=blood.P50_STANDARD_MMHG):
    """The drained blood entering the oxygenator, from its saturation.

    PO2 is the one that gives ``so2`` at the pH of ``pco2_mmhg`` (base
    excess 0, 37 C), with :func:`ecmolib.blood.ph_from_pco2` and
    :func:`ecmolib.blood.po2_from_saturation`. The same construction as the
    rated-flow test blood of :func:`ecmolib.oxygenator.rated_flow_inlet`.

    Parameters
    ----------
    so2 : float or array_like
        Pre-oxygenator O2 saturation, fraction; valid (0, 1).
    pco2_mmhg : float or array_like
        Pre-oxygenator PCO2 [mmHg]; valid as for :class:`ecmolib.blood.BloodGas`.
    hb_g_dl : float or array_like
        Haemoglobin [g/dL]; valid [1, 25] (the lessons' range).
    p50_mmhg : float or array_like, optional
        Standard P50 [mmHg]; default 26.8 (adult).

    Returns
    -------
    ecmolib.blood.BloodGas

    Examples
    --------
    >>> from ecmolib.views.membrane_lung import pre_oxygenator_blood
    >>> b = pre_oxygenator_blood(0.70, pco2_mmhg=50.0, hb_g_dl=12.0)
    >>> round(float(b.po2_mmhg), 1), round(float(b.so2), 3)
    (39.5, 0.7)
    """
    # The lessons' haemoglobin range; far below it the contents vanish.
    hb_g_dl = _v.checked("hb_g_dl", hb_g_dl, "g/dL", low=1.0, high=25.0)
    ph = blood.ph_from_pco2(pco2_mmhg, hb_g_dl=hb_g_dl)
    po2 = blood.po2_from_saturation(so2, p50_mmhg=p50_mmhg, ph=ph, pco2_mmhg=pco2_mmhg)
    return blood.BloodGas(po2_mmhg=po2, pco2_mmhg=pco2_mmhg, hb_g_dl=hb_g_dl, p50_mmhg=p50_mmhg)


def _floor_to(x, step):
    return float(np.round(step * np.floor(x / step + 1e-9), 10))


def _spread(values, gap):
    """Label positions near ``values`` but at least ``gap`` apart (order kept)."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values)
    out = values[order].copy()
    for k in range(1, len(out)):
        out[k] = max(out[k], out[k - 1] + gap)
    shift = max(0.0, (out - values[order]).mean())  # re-centre the stack on the curves
    out -= shift
    for k in range(1, len(out)):
        out[k] = max(out[k], out[k - 1] + gap)
    result = np.empty_like(out)
    result[order] = out
    return result


def _round_to(x, step):
    return float(np.round(step * np.round(x / step), 10))


def _flow_step(oxygenator):
    return 0.1 if oxygenator.max_blood_flow_l_min >= 4.0 else 0.05


def _sweep_spec(oxygenator, value):
    """Sweep slider for a device: 0.5 L/min (0.1 for small devices) to 1.5 x its maximum blood flow, at most 10.

    Steps of 0.1 L/min (0.05 for the small devices), so the adult's typical
    flows and the round sweeps of the grid lines both lie on the grid.
    """
    adult = oxygenator.max_blood_flow_l_min >= 4.0
    step, low = (0.1, 0.5) if adult else (0.05, 0.1)
    high = float(min(10.0, _floor_to(1.5 * oxygenator.max_blood_flow_l_min, step)))
    # The grid passes through the scenario's sweep, so the figure starts exactly there.
    return SliderSpec.anchored("sweep gas flow", "L/min", float(value), low, high, step, ".2f")


# --------------------------------------------------------------------------
# The picture: a membrane lung in cross-section
# --------------------------------------------------------------------------


def draw_membrane_schematic(ax, *, inlet_so2, outlet_so2, fdo2, sweep_l_min, blood_flow_l_min,
                            o2_transfer_ml_min=None, co2_removal_ml_min=None):
    """Draw a hollow-fibre membrane lung: blood across the fibres, gas inside them.

    A schematic, not a model: blood (coloured by saturation on the lessons'
    blue-to-red scale) enters on the left and leaves on the right; the sweep
    gas runs down inside the hollow fibres; O2 crosses the membrane into the
    blood and CO2 into the gas. The colour change across the bundle is drawn
    as a simple gradient between the inlet and outlet saturations.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    inlet_so2, outlet_so2 : float
        Pre- and post-oxygenator O2 saturation, fraction 0..1.
    fdo2 : float
        O2 fraction of the sweep gas, fraction 0..1.
    sweep_l_min, blood_flow_l_min : float
        Sweep gas and blood flow [L/min], shown as labels.
    o2_transfer_ml_min, co2_removal_ml_min : float, optional
        O2 added and CO2 removed [mL/min], shown as labels.

    Returns
    -------
    dict
        The artists by name.
    """
    s_in = float(_v.fraction("inlet_so2", inlet_so2))
    s_out = float(_v.fraction("outlet_so2", outlet_so2))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    ax.set_aspect("equal")
    ax.axis("off")
    a = {}
    x0, x1, y0, y1 = 2.6, 7.4, 1.2, 4.6
    gradient = np.linspace(s_in, s_out, 64)[None, :]
    a["blood"] = ax.imshow(gradient, extent=(x0, x1, y0, y1), cmap=plotting.SO2_CMAP,
                           norm=plotting.SO2_NORM, aspect="auto", zorder=1)
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="0.2", lw=1.5, zorder=3))
    for x in np.linspace(x0 + 0.35, x1 - 0.35, 8):
        ax.add_patch(FancyBboxPatch((x - 0.09, y0 - 0.35), 0.18, y1 - y0 + 0.7, boxstyle="round,pad=0.02",
                                    facecolor="#f2f2f2", edgecolor="0.35", lw=0.8, zorder=2))
    # Blood in and out.
    a["blood_in"] = ax.add_patch(FancyArrowPatch((0.3, 2.9), (x0 - 0.05, 2.9), arrowstyle="simple",
                                                 mutation_scale=28, color=plotting.so2_color(s_in), zorder=4))
    a["blood_out"] = ax.add_patch(FancyArrowPatch((x1 + 0.05, 2.9), (9.7, 2.9), arrowstyle="simple",
                                                  mutation_scale=28, color=plotting.so2_color(s_out), zorder=4))
    ax.text(1.35, 3.45, f"venous blood in\nSO₂ {s_in:.0%}\n{float(blood_flow_l_min):.3g} L/min",
            ha="center", va="bottom", fontsize=9)
    ax.text(8.65, 3.45, f"blood out\nSO₂ {s_out:.0%}", ha="center", va="bottom", fontsize=9)
    # Gas in at the top, out at the bottom.
    ax.add_patch(FancyArrowPatch((5.0, 5.9), (5.0, y1 + 0.4), arrowstyle="-|>", mutation_scale=16,
                                 color="0.3", lw=1.5, zorder=4))
    ax.text(5.15, 5.55, f"sweep gas in: {float(sweep_l_min):.3g} L/min, FdO₂ {float(fdo2):.2f}",
            ha="left", va="center", fontsize=9)
    ax.add_patch(FancyArrowPatch((5.0, y0 - 0.4), (5.0, 0.1), arrowstyle="-|>", mutation_scale=16,
                                 color="0.3", lw=1.5, zorder=4))
    co2_text = "" if co2_removal_ml_min is None else f" ({float(co2_removal_ml_min):.0f} mL/min)"
    ax.text(5.15, 0.45, f"gas out, carrying the CO₂{co2_text}", ha="left", va="center", fontsize=9)
    o2_text = "" if o2_transfer_ml_min is None else f"\n{float(o2_transfer_ml_min):.0f} mL/min"
    box = {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "0.6", "alpha": 0.9}
    ax.text(3.55, 1.6, f"O₂: gas → blood{o2_text}", ha="left", va="bottom", fontsize=9, bbox=box, zorder=5)
    ax.text(6.45, 4.2, "CO₂: blood → gas", ha="right", va="top", fontsize=9, bbox=box, zorder=5)
    ax.text(x0 - 0.2, y0 - 0.1, "hollow fibres:\ngas inside,\nblood outside", ha="right", va="top",
            fontsize=8, color="0.3")
    return a


# --------------------------------------------------------------------------
# 1. Oxygen: rated flow
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RatedFlowTable:
    """Exchange over (pre-oxygenator SO2) x (blood flow), and the ISO test blood.

    Attributes
    ----------
    oxygenator : ecmolib.oxygenator.Oxygenator
        The device.
    flows_l_min : numpy.ndarray
        Blood flows [L/min] (the flow slider's grid).
    inlet_so2 : numpy.ndarray
        Pre-oxygenator saturations, fraction (the SO2 slider's grid).
    result : ecmolib.oxygenator.ExchangeResult
        Shape (len(inlet_so2), len(flows_l_min)); sweep equal to blood flow
        (gas:blood 1:1) and FdO2 1.0, as in the rated-flow test.
    reference : ecmolib.oxygenator.ExchangeResult
        Shape (len(flows_l_min),): the ISO 7199 / AAMI test blood of
        :func:`ecmolib.oxygenator.rated_flow_inlet`, same gas.
    """

    oxygenator: _ox.Oxygenator
    flows_l_min: np.ndarray
    inlet_so2: np.ndarray
    result: _ox.ExchangeResult
    reference: _ox.ExchangeResult


def rated_flow_table(oxygenator, flows_l_min, inlet_so2, *, pco2_mmhg, hb_g_dl) -> RatedFlowTable:
    """Post-oxygenator blood over a grid of blood flows and pre-oxygenator saturations.

    The gas is that of the rated-flow test: FdO2 1.0 and sweep equal to the
    blood flow (gas:blood 1:1); O2 transfer hardly depends on the sweep.

    Parameters
    ----------
    oxygenator : ecmolib.oxygenator.Oxygenator
        The device.
    flows_l_min : array_like
        Blood flows [L/min], 1-D; valid as for :func:`ecmolib.oxygenator.exchange`.
    inlet_so2 : array_like
        Pre-oxygenator O2 saturations, fraction, 1-D.
    pco2_mmhg, hb_g_dl : float
        Pre-oxygenator PCO2 [mmHg] and haemoglobin [g/dL].

    Returns
    -------
    RatedFlowTable
    """
    ox = _check_oxygenator(oxygenator)
    q = _v.grid("flows_l_min", flows_l_min, "L/min", 0.0, low_inclusive=False)
    s = _v.grid("inlet_so2", inlet_so2, "fraction 0..1", 0.0, 1.0)
    pco2_mmhg = _v.scalar("pco2_mmhg", pco2_mmhg, "mmHg", 0.0, low_inclusive=False)
    hb_g_dl = _v.scalar("hb_g_dl", hb_g_dl, "g/dL", 1.0, 25.0)
    inlet = pre_oxygenator_blood(s[:, None], pco2_mmhg=pco2_mmhg, hb_g_dl=hb_g_dl)
    res = _ox.exchange(ox, inlet, q[None, :], sweep_l_min=q[None, :], fdo2=1.0)
    ref = _ox.exchange(ox, _ox.rated_flow_inlet(), q, sweep_l_min=q, fdo2=1.0)
    return RatedFlowTable(oxygenator=ox, flows_l_min=q, inlet_so2=s, result=res, reference=ref)


def _rated_numbers(table, i_so2, i_flow):
    r = table.result
    return {
        "blood_flow_l_min": float(table.flows_l_min[i_flow]),
        "inlet_so2": float(table.inlet_so2[i_so2]),
        "outlet_so2": float(r.outlet.so2[i_so2, i_flow]),
        "outlet_po2_mmhg": float(r.outlet.po2_mmhg[i_so2, i_flow]),
        "o2_transfer_ml_min": float(r.o2_transfer_ml_min[i_so2, i_flow]),
        "rated_flow_l_min": float(table.oxygenator.rated_flow_l_min),
    }


def _rated_title(n):
    where = "above" if n["blood_flow_l_min"] > n["rated_flow_l_min"] + 1e-9 else "at or below"
    return (f"pre-oxygenator SO₂ {n['inlet_so2']:.0%}, blood flow {n['blood_flow_l_min']:.3g} L/min "
            f"({where} rated flow)  →  post-oxygenator SO₂ {n['outlet_so2']:.1%}, "
            f"PO₂ {n['outlet_po2_mmhg']:.0f} mmHg, O₂ transfer {n['o2_transfer_ml_min']:.0f} mL/min")


def draw_rated_flow(axes, table: RatedFlowTable, *, i_so2, i_flow):
    """Post-oxygenator SO2, PO2 and O2 transfer against blood flow.

    Parameters
    ----------
    axes : sequence of 3 matplotlib.axes.Axes
        Axes for SO2, PO2 (log scale) and O2 transfer.
    table : RatedFlowTable
        From :func:`rated_flow_table`.
    i_so2, i_flow : int
        Indices of the current pre-oxygenator SO2 and blood flow.

    Returns
    -------
    dict
        The artists by name (for :func:`update_rated_flow`) and the title.
    """
    ax_s, ax_p, ax_o = axes
    q = table.flows_l_min
    r, ref = table.result, table.reference
    rated = table.oxygenator.rated_flow_l_min
    a = {}
    series = {
        "so2": (ax_s, r.outlet.so2, ref.outlet.so2),
        "po2": (ax_p, r.outlet.po2_mmhg, ref.outlet.po2_mmhg),
        "o2": (ax_o, r.o2_transfer_ml_min, ref.o2_transfer_ml_min),
    }
    for key, (ax, y, y_ref) in series.items():
        ax.plot(q, y_ref, ls="--", lw=1.5, color=_REFERENCE, label="ISO 7199 test blood (SO₂ 65 %)")
        (a[f"{key}_curve"],) = ax.plot(q, y[i_so2], color=_CURRENT, label="this pre-oxygenator blood")
        ax.axvline(rated, color="0.25", ls=":", lw=1.3)
        (a[f"{key}_point"],) = ax.plot([q[i_flow]], [y[i_so2, i_flow]], "o", ms=9, mec="black", mew=1.2,
                                       zorder=5)
        ax.set_xlabel("blood flow [L/min]")
        ax.set_xlim(0, q[-1] * 1.02)
    so2_low = float(np.floor(min(r.outlet.so2.min(), ref.outlet.so2.min()) * 20) / 20)
    ax_s.set_ylim(so2_low, 1.01)
    ax_s.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax_s.axhline(0.95, color="0.25", ls=":", lw=1.0)
    ax_s.text(0.02 * q[-1], 0.952, "95 %", fontsize=8, va="bottom", color="0.25")
    ax_s.text(rated, so2_low + 0.01, f" rated flow\n {rated:.3g} L/min", fontsize=8, va="bottom", ha="left",
              color="0.25")
    ax_s.set_title("post-oxygenator SO₂")
    plotting.log_po2_axis(ax_p, 30.0, 800.0)
    ax_p.set_title("post-oxygenator PO₂ [mmHg]")
    o2_high = float(max(r.o2_transfer_ml_min.max(), ref.o2_transfer_ml_min.max()))
    ax_o.set_ylim(0, 1.1 * o2_high)
    ax_o.set_title("O₂ transfer [mL/min]")
    ax_o.legend(loc="lower right", fontsize=8)
    a["title"] = ax_s.figure.suptitle("", fontsize=10)
    update_rated_flow(a, table, i_so2=i_so2, i_flow=i_flow)
    return a


def update_rated_flow(artists, table: RatedFlowTable, *, i_so2, i_flow):
    """Show another (SO2, flow) on a figure made by :func:`draw_rated_flow`; return its numbers."""
    r = table.result
    q = table.flows_l_min
    n = _rated_numbers(table, i_so2, i_flow)
    colour = plotting.so2_color(min(max(n["outlet_so2"], 0.0), 1.0))
    for key, y in (("so2", r.outlet.so2), ("po2", r.outlet.po2_mmhg), ("o2", r.o2_transfer_ml_min)):
        artists[f"{key}_curve"].set_ydata(y[i_so2])
        point = artists[f"{key}_point"]
        point.set_data([q[i_flow]], [y[i_so2, i_flow]])
        point.set_markerfacecolor(colour)
    artists["title"].set_text(_rated_title(n))
    return n


@lru_cache(maxsize=8)
def _rated_cached(oxygenator, flows_key, so2_key, pco2_mmhg, hb_g_dl):
    return rated_flow_table(oxygenator, np.array(flows_key), np.array(so2_key),
                            pco2_mmhg=pco2_mmhg, hb_g_dl=hb_g_dl)


def rated_flow_explorer(oxygenator=_ox.ADULT, **scenario) -> Explorer:
    """Blood flow and pre-oxygenator SO2 sliders over the rated-flow figure.

    The flow slider runs from about 7 % of the device's maximum flow to 1.5
    times it (the model's accepted range), so the fall of the outlet
    saturation above rated flow is in view. The SO2 slider runs 40-85 %.

    Parameters
    ----------
    oxygenator : ecmolib.oxygenator.Oxygenator, optional
        The device (default :data:`ecmolib.oxygenator.ADULT`).
    **scenario
        Overrides of :data:`SCENARIO` (``blood_flow_l_min`` and
        ``inlet_so2`` set the sliders' start; ``inlet_pco2_mmhg`` and
        ``hb_g_dl`` the blood).
    """
    ox = _check_oxygenator(oxygenator)
    s = _scenario(scenario)
    step = _flow_step(ox)
    low = max(step, _round_to(0.07 * ox.max_blood_flow_l_min, step))
    limit = 1.5 * ox.max_blood_flow_l_min  # the model's accepted maximum
    high = _floor_to(limit, step)
    high = high if high <= limit else _round_to(high - step, step)
    flow_spec = SliderSpec.anchored("blood flow", "L/min", float(s["blood_flow_l_min"]), low, high, step, ".2f")
    so2_spec = SliderSpec("pre-oxygenator SO2", "", 0.40, 0.85, float(s["inlet_so2"]), 0.01, ".0%")
    flows, so2s = flow_spec.grid(), so2_spec.grid()
    table = _rated_cached(ox, tuple(flows), tuple(so2s), float(s["inlet_pco2_mmhg"]), float(s["hb_g_dl"]))
    artists = weakref.WeakKeyDictionary()

    def indices(blood_flow_l_min, inlet_so2):
        return (so2_spec.index(inlet_so2, name="inlet_so2", units="fraction 0..1"),
                flow_spec.index(blood_flow_l_min, name="blood_flow_l_min", units="L/min"))

    def draw(fig, blood_flow_l_min, inlet_so2):
        i_so2, i_flow = indices(blood_flow_l_min, inlet_so2)
        axes = fig.subplots(1, 3)
        fig.subplots_adjust(left=0.06, right=0.985, bottom=0.15, top=0.80, wspace=0.28)
        artists[fig] = live_artists(fig, draw_rated_flow(axes, table, i_so2=i_so2, i_flow=i_flow))
        return _rated_numbers(table, i_so2, i_flow)

    def update(fig, blood_flow_l_min, inlet_so2):
        i_so2, i_flow = indices(blood_flow_l_min, inlet_so2)
        return update_rated_flow(artists[fig], table, i_so2=i_so2, i_flow=i_flow)

    return Explorer(draw=draw, update=update, specs={"blood_flow_l_min": flow_spec, "inlet_so2": so2_spec},
                    figsize=(11.0, 3.8))


# --------------------------------------------------------------------------
# 2. CO2: sweep and its plateau
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepTable:
    """Exchange over (pre-oxygenator PCO2) x (blood flow) x (sweep).

    Attributes
    ----------
    oxygenator : ecmolib.oxygenator.Oxygenator
        The device.
    inlet_pco2_mmhg, flows_l_min, sweeps_l_min : numpy.ndarray
        The grids [mmHg, L/min, L/min].
    result : ecmolib.oxygenator.ExchangeResult
        Shape (len(inlet_pco2_mmhg), len(flows_l_min), len(sweeps_l_min)).
    """

    oxygenator: _ox.Oxygenator
    inlet_pco2_mmhg: np.ndarray
    flows_l_min: np.ndarray
    sweeps_l_min: np.ndarray
    result: _ox.ExchangeResult


def co2_sweep_table(oxygenator, inlet_pco2_mmhg, flows_l_min, sweeps_l_min, *, inlet_so2, hb_g_dl,
                    fdo2=1.0) -> SweepTable:
    """CO2 removal and post-oxygenator PCO2 over PCO2 x blood flow x sweep grids.

    Parameters
    ----------
    oxygenator : ecmolib.oxygenator.Oxygenator
        The device.
    inlet_pco2_mmhg, flows_l_min, sweeps_l_min : array_like
        1-D grids of pre-oxygenator PCO2 [mmHg], blood flow [L/min] and
        sweep gas flow [L/min].
    inlet_so2 : float
        Pre-oxygenator saturation, fraction.
    hb_g_dl : float
        Haemoglobin [g/dL].
    fdo2 : float, optional
        Sweep O2 fraction (does not change CO2 removal); default 1.0.

    Returns
    -------
    SweepTable
    """
    ox = _check_oxygenator(oxygenator)
    p = _v.grid("inlet_pco2_mmhg", inlet_pco2_mmhg, "mmHg", 0.0, low_inclusive=False)
    q = _v.grid("flows_l_min", flows_l_min, "L/min", 0.0, low_inclusive=False)
    v = _v.grid("sweeps_l_min", sweeps_l_min, "L/min", 0.0)
    inlet = pre_oxygenator_blood(inlet_so2, pco2_mmhg=p[:, None, None], hb_g_dl=hb_g_dl)
    res = _ox.exchange(ox, inlet, q[None, :, None], sweep_l_min=v[None, None, :], fdo2=fdo2)
    return SweepTable(oxygenator=ox, inlet_pco2_mmhg=p, flows_l_min=q, sweeps_l_min=v, result=res)


def _sweep_numbers(table, i_p, i_q, i_v, i_v2):
    r = table.result
    removal = float(r.co2_removal_ml_min[i_p, i_q, i_v])
    doubled = float(r.co2_removal_ml_min[i_p, i_q, i_v2])
    return {
        "inlet_pco2_mmhg": float(table.inlet_pco2_mmhg[i_p]),
        "blood_flow_l_min": float(table.flows_l_min[i_q]),
        "sweep_l_min": float(table.sweeps_l_min[i_v]),
        "co2_removal_ml_min": removal,
        "outlet_pco2_mmhg": float(r.outlet.pco2_mmhg[i_p, i_q, i_v]),
        "doubled_sweep_l_min": float(table.sweeps_l_min[i_v2]),
        "co2_removal_doubled_ml_min": doubled,
        "gain_from_doubling": doubled / removal - 1.0,
    }


def _sweep_title(n):
    return (f"pre-oxygenator PCO₂ {n['inlet_pco2_mmhg']:.0f} mmHg, blood flow {n['blood_flow_l_min']:.3g} L/min, "
            f"sweep {n['sweep_l_min']:.2f} L/min  →  CO₂ removal {n['co2_removal_ml_min']:.0f} mL/min, "
            f"post-oxygenator PCO₂ {n['outlet_pco2_mmhg']:.1f} mmHg\n"
            f"doubling the sweep to {n['doubled_sweep_l_min']:.3g} L/min: {n['co2_removal_doubled_ml_min']:.0f} "
            f"mL/min ({n['gain_from_doubling']:+.0%})")


def draw_co2_sweep(axes, table: SweepTable, *, i_pco2, i_flow, i_sweep, i_doubled, reference_flows):
    """CO2 removal and post-oxygenator PCO2 against sweep, at a few blood flows.

    Parameters
    ----------
    axes : sequence of 2 matplotlib.axes.Axes
        Axes for CO2 removal and post-oxygenator PCO2.
    table : SweepTable
        From :func:`co2_sweep_table`.
    i_pco2, i_flow, i_sweep : int
        Indices of the current pre-oxygenator PCO2, blood flow and sweep.
    i_doubled : int
        Index of twice the current sweep.
    reference_flows : sequence of int
        Indices of the blood flows drawn as thin background curves.

    Returns
    -------
    dict
        The artists by name (for :func:`update_co2_sweep`).
    """
    ax_r, ax_p = axes
    v = table.sweeps_l_min
    r = table.result
    a = {"reference": []}
    for ax, y in ((ax_r, r.co2_removal_ml_min), (ax_p, r.outlet.pco2_mmhg)):
        for j in reference_flows:
            (line,) = ax.plot(v, y[i_pco2, j], color=_BACKGROUND, lw=1.3, zorder=1)
            label = ax.text(v[-1] * 1.01, y[i_pco2, j, -1], f"{table.flows_l_min[j]:.3g}", fontsize=8,
                            color="0.45", va="center", ha="left")
            a["reference"].append((ax, j, line, label))
        ax.set_xlabel("sweep gas flow [L/min]")
        ax.set_xlim(0, v[-1] * 1.09)
    (a["r_curve"],) = ax_r.plot(v, r.co2_removal_ml_min[i_pco2, i_flow], color=_CURRENT, zorder=3)
    (a["p_curve"],) = ax_p.plot(v, r.outlet.pco2_mmhg[i_pco2, i_flow], color=_CURRENT, zorder=3,
                                label="this blood flow")
    (a["r_doubled"],) = ax_r.plot([], [], "o", ms=8, mfc="white", mec=_CURRENT, mew=1.8, zorder=4)
    (a["r_bracket"],) = ax_r.plot([], [], ls=":", color=_CURRENT, lw=1.2, zorder=2)
    (a["r_point"],) = ax_r.plot([], [], "o", ms=9, color=_CURRENT, mec="black", zorder=5)
    (a["p_point"],) = ax_p.plot([], [], "o", ms=9, color=_CURRENT, mec="black", zorder=5)
    a["p_inlet"] = ax_p.axhline(table.inlet_pco2_mmhg[i_pco2], color="0.25", ls="--", lw=1.2,
                                label="pre-oxygenator PCO₂")
    ax_r.set_ylim(0, 1.08 * float(r.co2_removal_ml_min.max()))
    ax_r.set_title("CO₂ removal [mL/min]")
    ax_r.text(v[-1] * 1.01, 1.08 * float(r.co2_removal_ml_min.max()), "blood flow\n[L/min]", fontsize=8,
              color="0.45", va="top", ha="left")
    ax_p.set_ylim(0, 1.05 * float(table.inlet_pco2_mmhg.max()))
    ax_p.set_title("post-oxygenator PCO₂ [mmHg]")
    ax_p.legend(loc="lower left", fontsize=8)
    a["title"] = ax_r.figure.suptitle("", fontsize=10)
    update_co2_sweep(a, table, i_pco2=i_pco2, i_flow=i_flow, i_sweep=i_sweep, i_doubled=i_doubled)
    return a


def update_co2_sweep(artists, table: SweepTable, *, i_pco2, i_flow, i_sweep, i_doubled):
    """Show another setting on a figure made by :func:`draw_co2_sweep`; return its numbers."""
    v = table.sweeps_l_min
    r = table.result
    removal, pco2 = r.co2_removal_ml_min[i_pco2], r.outlet.pco2_mmhg[i_pco2]
    for ax in {entry[0] for entry in artists["reference"]}:
        entries = [e for e in artists["reference"] if e[0] is ax]
        ys = [removal[j] if ax is artists["r_curve"].axes else pco2[j] for _, j, _, _ in entries]
        low, high = ax.get_ylim()
        spread = _spread([y[-1] for y in ys], 0.045 * (high - low))
        for (_, _, line, label), y, y_label in zip(entries, ys, spread):
            line.set_ydata(y)
            label.set_y(y_label)
    artists["r_curve"].set_ydata(removal[i_flow])
    artists["p_curve"].set_ydata(pco2[i_flow])
    artists["r_point"].set_data([v[i_sweep]], [removal[i_flow, i_sweep]])
    artists["p_point"].set_data([v[i_sweep]], [pco2[i_flow, i_sweep]])
    artists["r_doubled"].set_data([v[i_doubled]], [removal[i_flow, i_doubled]])
    artists["r_bracket"].set_data([v[i_sweep], v[i_doubled], v[i_doubled]],
                                  [removal[i_flow, i_sweep], removal[i_flow, i_sweep], removal[i_flow, i_doubled]])
    artists["p_inlet"].set_ydata([table.inlet_pco2_mmhg[i_pco2]] * 2)
    n = _sweep_numbers(table, i_pco2, i_flow, i_sweep, i_doubled)
    artists["title"].set_text(_sweep_title(n))
    return n


@lru_cache(maxsize=8)
def _sweep_cached(oxygenator, pco2_key, flows_key, sweeps_key, inlet_so2, hb_g_dl, fdo2):
    return co2_sweep_table(oxygenator, np.array(pco2_key), np.array(flows_key), np.array(sweeps_key),
                           inlet_so2=inlet_so2, hb_g_dl=hb_g_dl, fdo2=fdo2)


def co2_sweep_explorer(oxygenator=_ox.ADULT, **scenario) -> Explorer:
    """Sweep, blood flow and pre-oxygenator PCO2 sliders over the CO2 figure.

    The curves run to twice the sweep slider's top (at most 20 L/min, the
    model's range) so that "doubling the sweep" is always on the picture.
    Thin grey curves: a few fixed blood flows; the plum curve: the flow
    slider's.

    Parameters
    ----------
    oxygenator : ecmolib.oxygenator.Oxygenator, optional
        The device (default :data:`ecmolib.oxygenator.ADULT`).
    **scenario
        Overrides of :data:`SCENARIO`.
    """
    ox = _check_oxygenator(oxygenator)
    s = _scenario(scenario)
    sweep_spec = _sweep_spec(ox, s["sweep_l_min"])
    q_step = 5 * _flow_step(ox)
    q_low = float(max(q_step, _floor_to(0.15 * ox.max_blood_flow_l_min, q_step)))
    flow_spec = SliderSpec.anchored("blood flow", "L/min", float(s["blood_flow_l_min"]), q_low,
                                    float(_floor_to(ox.max_blood_flow_l_min, q_step)), q_step, ".2f")
    pco2_spec = SliderSpec("pre-oxygenator PCO2", "mmHg", 30.0, 80.0, float(s["inlet_pco2_mmhg"]), 5.0, ".0f")
    slider_sweeps = sweep_spec.grid()
    coarse = 2 * sweep_spec.step
    extra = np.arange(sweep_spec.high + coarse, 2 * sweep_spec.high + coarse / 2, coarse)
    sweeps = np.concatenate([slider_sweeps, extra])
    flows, pco2s = flow_spec.grid(), pco2_spec.grid()
    table = _sweep_cached(ox, tuple(pco2s), tuple(flows), tuple(sweeps), float(s["inlet_so2"]),
                          float(s["hb_g_dl"]), float(s["fdo2"]))
    targets = np.array([0.2, 0.4, 0.6, 0.85]) * ox.max_blood_flow_l_min
    reference = sorted({int(np.argmin(np.abs(flows - t))) for t in targets})
    artists = weakref.WeakKeyDictionary()

    def indices(sweep_l_min, blood_flow_l_min, inlet_pco2_mmhg):
        i_v = sweep_spec.index(sweep_l_min, name="sweep_l_min", units="L/min")
        i_v2 = int(np.argmin(np.abs(sweeps - 2.0 * sweeps[i_v])))
        return {"i_pco2": pco2_spec.index(inlet_pco2_mmhg, name="inlet_pco2_mmhg", units="mmHg"),
                "i_flow": flow_spec.index(blood_flow_l_min, name="blood_flow_l_min", units="L/min"),
                "i_sweep": i_v, "i_doubled": i_v2}

    def draw(fig, sweep_l_min, blood_flow_l_min, inlet_pco2_mmhg):
        idx = indices(sweep_l_min, blood_flow_l_min, inlet_pco2_mmhg)
        axes = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.06, right=0.96, bottom=0.14, top=0.80, wspace=0.22)
        artists[fig] = live_artists(fig, draw_co2_sweep(axes, table, reference_flows=reference, **idx))
        return _sweep_numbers(table, idx["i_pco2"], idx["i_flow"], idx["i_sweep"], idx["i_doubled"])

    def update(fig, sweep_l_min, blood_flow_l_min, inlet_pco2_mmhg):
        idx = indices(sweep_l_min, blood_flow_l_min, inlet_pco2_mmhg)
        return update_co2_sweep(artists[fig], table, **idx)

    specs = {"sweep_l_min": sweep_spec, "blood_flow_l_min": flow_spec, "inlet_pco2_mmhg": pco2_spec}
    return Explorer(draw=draw, update=update, specs=specs, figsize=(11.0, 4.2))


# --------------------------------------------------------------------------
# 3. The two knobs: FdO2 and sweep
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TwoKnobsTable:
    """Exchange over (FdO2) x (sweep) for one blood and blood flow.

    Attributes
    ----------
    fdo2, sweeps_l_min : numpy.ndarray
        The grids (fraction; L/min).
    blood_flow_l_min : float
        Blood flow [L/min].
    inlet : ecmolib.blood.BloodGas
        Pre-oxygenator blood.
    result : ecmolib.oxygenator.ExchangeResult
        Shape (len(fdo2), len(sweeps_l_min)).
    """

    fdo2: np.ndarray
    sweeps_l_min: np.ndarray
    blood_flow_l_min: float
    inlet: blood.BloodGas
    result: _ox.ExchangeResult


def two_knobs_table(oxygenator, inlet, blood_flow_l_min, fdo2, sweeps_l_min) -> TwoKnobsTable:
    """Post-oxygenator blood over a grid of FdO2 and sweep, at one blood flow.

    Parameters
    ----------
    oxygenator : ecmolib.oxygenator.Oxygenator
        The device.
    inlet : ecmolib.blood.BloodGas
        Pre-oxygenator blood (scalar).
    blood_flow_l_min : float
        Blood flow [L/min].
    fdo2, sweeps_l_min : array_like
        1-D grids of sweep O2 fraction and sweep gas flow [L/min].

    Returns
    -------
    TwoKnobsTable
    """
    ox = _check_oxygenator(oxygenator)
    f = _v.grid("fdo2", fdo2, "fraction 0..1", 0.0, 1.0)
    v = _v.grid("sweeps_l_min", sweeps_l_min, "L/min", 0.0)
    blood_flow_l_min = _v.scalar("blood_flow_l_min", blood_flow_l_min, "L/min", 0.0, low_inclusive=False)
    res = _ox.exchange(ox, inlet, blood_flow_l_min, sweep_l_min=v[None, :], fdo2=f[:, None])
    return TwoKnobsTable(fdo2=f, sweeps_l_min=v, blood_flow_l_min=float(blood_flow_l_min), inlet=inlet,
                         result=res)


def _knob_numbers(table, i_f, i_v):
    r = table.result
    return {
        "fdo2": float(table.fdo2[i_f]),
        "sweep_l_min": float(table.sweeps_l_min[i_v]),
        "outlet_po2_mmhg": float(r.outlet.po2_mmhg[i_f, i_v]),
        "outlet_so2": float(r.outlet.so2[i_f, i_v]),
        "outlet_pco2_mmhg": float(r.outlet.pco2_mmhg[i_f, i_v]),
        "o2_transfer_ml_min": float(r.o2_transfer_ml_min[i_f, i_v]),
        "co2_removal_ml_min": float(r.co2_removal_ml_min[i_f, i_v]),
    }


def _knob_rows(table):
    """Rows of the two-knob readout: (label, number width, units); width 0 for text only."""
    return [("post-oxygenator blood", 0, ""), ("  PO₂", 5, " mmHg"), ("  SO₂", 6, ""), ("  PCO₂", 5, " mmHg"),
            ("", 0, ""), ("O₂ added", 5, " mL/min"), ("CO₂ removed", 5, " mL/min"),
            ("", 0, ""), ("FdO₂", 5, ""), ("sweep", 5, " L/min"),
            (f"blood flow {table.blood_flow_l_min:.3g} L/min", 0, ""),
            (f"pre-oxy SO₂ {float(table.inlet.so2):.0%}, PCO₂ {float(table.inlet.pco2_mmhg):.0f} mmHg", 0, "")]


def _knob_values(n):
    """The numbers of the two-knob readout, in the order of :func:`_knob_rows`."""
    return [f"{n['outlet_po2_mmhg']:.0f}", f"{n['outlet_so2']:.1%}", f"{n['outlet_pco2_mmhg']:.1f}",
            f"{n['o2_transfer_ml_min']:.0f}", f"{n['co2_removal_ml_min']:.0f}", f"{n['fdo2']:.2f}",
            f"{n['sweep_l_min']:.2f}"]


def draw_two_knobs(ax, text_ax, table: TwoKnobsTable, *, i_fdo2, i_sweep, fdo2_lines, sweep_lines):
    """The two-knob chart: post-oxygenator PCO2 (x) against PO2 (y, log scale).

    Thin grey lines: constant FdO2 (sweep varies along them) and constant
    sweep (FdO2 varies along them). The blue line is where the sweep knob
    can take the current point; the red line is where the FdO2 knob can.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes for the chart.
    text_ax : matplotlib.axes.Axes
        Axes for the numbers (turned off).
    table : TwoKnobsTable
        From :func:`two_knobs_table`.
    i_fdo2, i_sweep : int
        Indices of the current FdO2 and sweep.
    fdo2_lines, sweep_lines : sequence of int
        Indices of the FdO2 and sweep values drawn as grey grid lines.

    Returns
    -------
    dict
        The artists by name (for :func:`update_two_knobs`).
    """
    r = table.result
    po2, pco2 = r.outlet.po2_mmhg, r.outlet.pco2_mmhg
    a = {}
    for i in fdo2_lines:
        ax.plot(pco2[i], po2[i], color=_BACKGROUND, lw=1.0, zorder=1)
        ax.text(pco2[i, 0] + 0.3, po2[i, 0], f"FdO₂ {table.fdo2[i]:.2f}", fontsize=7.5, color="0.4",
                va="center", ha="left")
    for j in sweep_lines:
        ax.plot(pco2[:, j], po2[:, j], color=_BACKGROUND, lw=1.0, ls="--", zorder=1)
        ax.text(pco2[-1, j], po2[-1, j] * 1.12, f"{table.sweeps_l_min[j]:g}", fontsize=7.5, color="0.4",
                va="bottom", ha="center")
    ax.text(float(np.mean(pco2[-1, [sweep_lines[0], sweep_lines[-1]]])), po2[-1].max() * 1.45,
            "sweep [L/min]", fontsize=8, color="0.4", ha="center", va="bottom")
    (a["sweep_path"],) = ax.plot([], [], color=_SWEEP_LINE, lw=2.5, zorder=2, label="sweep knob moves the point here")
    (a["fdo2_path"],) = ax.plot([], [], color=_FDO2_LINE, lw=2.5, zorder=2, label="FdO₂ knob moves the point here")
    (a["point"],) = ax.plot([], [], "o", ms=13, mec="black", mew=1.5, zorder=5)
    ax.set_xlabel("post-oxygenator PCO₂ [mmHg]")
    ax.set_ylabel("post-oxygenator PO₂ [mmHg]")
    ax.set_xlim(float(pco2.min()) - 1.5, float(pco2.max()) + 5.5)
    plotting.log_po2_axis(ax, 30.0, 1500.0)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9, frameon=True)
    text_ax.axis("off")
    # Labels and units drawn once; only the numbers are redrawn on a slider move.
    report = Readout(text_ax, 0.0, 0.97, _knob_rows(table), va="top", ha="left", fontsize=9.5,
                     transform=text_ax.transAxes)
    a["report"], a["report_numbers"] = report, report.numbers
    update_two_knobs(a, table, i_fdo2=i_fdo2, i_sweep=i_sweep)
    return a


def update_two_knobs(artists, table: TwoKnobsTable, *, i_fdo2, i_sweep):
    """Show another (FdO2, sweep) on a figure made by :func:`draw_two_knobs`; return its numbers."""
    r = table.result
    po2, pco2 = r.outlet.po2_mmhg, r.outlet.pco2_mmhg
    artists["sweep_path"].set_data(pco2[i_fdo2], po2[i_fdo2])
    artists["fdo2_path"].set_data(pco2[:, i_sweep], po2[:, i_sweep])
    artists["point"].set_data([pco2[i_fdo2, i_sweep]], [po2[i_fdo2, i_sweep]])
    n = _knob_numbers(table, i_fdo2, i_sweep)
    artists["point"].set_markerfacecolor(plotting.so2_color(min(max(n["outlet_so2"], 0.0), 1.0)))
    artists["report"].set_values(_knob_values(n))
    return n


@lru_cache(maxsize=8)
def _knobs_cached(oxygenator, inlet_so2, pco2_mmhg, hb_g_dl, blood_flow_l_min, fdo2_key, sweeps_key):
    inlet = pre_oxygenator_blood(inlet_so2, pco2_mmhg=pco2_mmhg, hb_g_dl=hb_g_dl)
    return two_knobs_table(oxygenator, inlet, blood_flow_l_min, np.array(fdo2_key), np.array(sweeps_key))


def two_knobs_explorer(oxygenator=_ox.ADULT, **scenario) -> Explorer:
    """FdO2 and sweep sliders over the two-knob chart, at the scenario's blood and flow.

    FdO2 runs from 0.21 (air) to 1.0; sweep as in :func:`co2_sweep_explorer`.

    Parameters
    ----------
    oxygenator : ecmolib.oxygenator.Oxygenator, optional
        The device (default :data:`ecmolib.oxygenator.ADULT`).
    **scenario
        Overrides of :data:`SCENARIO`.
    """
    ox = _check_oxygenator(oxygenator)
    s = _scenario(scenario)
    fdo2_spec = SliderSpec("sweep FdO2", "", 0.21, 1.0, float(s["fdo2"]), 0.01, ".2f")
    sweep_spec = _sweep_spec(ox, s["sweep_l_min"])
    fdo2s, sweeps = fdo2_spec.grid(), sweep_spec.grid()
    table = _knobs_cached(ox, float(s["inlet_so2"]), float(s["inlet_pco2_mmhg"]), float(s["hb_g_dl"]),
                          float(s["blood_flow_l_min"]), tuple(fdo2s), tuple(sweeps))
    fdo2_lines = sorted({int(np.argmin(np.abs(fdo2s - f))) for f in (0.21, 0.4, 0.6, 0.7, 0.8, 1.0)})
    top = sweep_spec.high
    sweep_lines = sorted({int(np.argmin(np.abs(sweeps - t))) for t in
                          (sweep_spec.low, 0.1 * top, 0.2 * top, 0.4 * top, 0.6 * top, top)})
    artists = weakref.WeakKeyDictionary()

    def indices(fdo2, sweep_l_min):
        return (fdo2_spec.index(fdo2, name="fdo2", units="fraction 0..1"),
                sweep_spec.index(sweep_l_min, name="sweep_l_min", units="L/min"))

    def draw(fig, fdo2, sweep_l_min):
        i_f, i_v = indices(fdo2, sweep_l_min)
        ax = fig.add_axes((0.09, 0.12, 0.58, 0.83))
        text_ax = fig.add_axes((0.71, 0.12, 0.28, 0.83))
        artists[fig] = live_artists(fig, draw_two_knobs(ax, text_ax, table, i_fdo2=i_f, i_sweep=i_v,
                                                        fdo2_lines=fdo2_lines, sweep_lines=sweep_lines))
        return _knob_numbers(table, i_f, i_v)

    def update(fig, fdo2, sweep_l_min):
        i_f, i_v = indices(fdo2, sweep_l_min)
        return update_two_knobs(artists[fig], table, i_fdo2=i_f, i_sweep=i_v)

    return Explorer(draw=draw, update=update, specs={"fdo2": fdo2_spec, "sweep_l_min": sweep_spec},
                    figsize=(10.0, 5.0))


# --------------------------------------------------------------------------
# 4. A failing membrane
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClotTable:
    """Exchange and pressure drop over a grid of the open part of a clotting bundle.

    Attributes
    ----------
    open_fraction : numpy.ndarray
        The fraction of the fibre bundle still open, ``1 - clot_fraction``
        of :class:`ecmolib.oxygenator.Oxygenator` (1 = new, no clot). The
        device's ``health`` (diffusing capacity) stays at its value.
    blood_flow_l_min, sweep_l_min, fdo2 : float
        The fixed settings.
    inlet : ecmolib.blood.BloodGas
        Pre-oxygenator blood.
    outlet_po2_mmhg, outlet_so2, outlet_pco2_mmhg : numpy.ndarray
        Post-oxygenator blood, one value per ``open_fraction``.
    o2_transfer_ml_min, co2_removal_ml_min, pressure_drop_mmhg : numpy.ndarray
        Transfers [mL/min] and the blood-side pressure drop [mmHg].
    """

    open_fraction: np.ndarray
    blood_flow_l_min: float
    sweep_l_min: float
    fdo2: float
    inlet: blood.BloodGas
    outlet_po2_mmhg: np.ndarray
    outlet_so2: np.ndarray
    outlet_pco2_mmhg: np.ndarray
    o2_transfer_ml_min: np.ndarray
    co2_removal_ml_min: np.ndarray
    pressure_drop_mmhg: np.ndarray


def membrane_clot_table(oxygenator, inlet, open_fraction, *, blood_flow_l_min, sweep_l_min, fdo2) -> ClotTable:
    """Post-oxygenator blood and pressure drop as clot blocks the fibre bundle.

    One :func:`ecmolib.oxygenator.exchange` call per value of
    ``open_fraction``, the open part of a clotting bundle (the device's
    ``clot_fraction`` set to ``1 - open_fraction`` with
    :func:`dataclasses.replace`; its ``health`` is left as it is).

    Parameters
    ----------
    oxygenator : ecmolib.oxygenator.Oxygenator
        The new device.
    inlet : ecmolib.blood.BloodGas
        Pre-oxygenator blood (scalar).
    open_fraction : array_like
        Fractions of the bundle still open, each in (0, 1].
    blood_flow_l_min, sweep_l_min, fdo2 : float
        Blood flow [L/min], sweep [L/min] and sweep O2 fraction.

    Returns
    -------
    ClotTable
    """
    ox = _check_oxygenator(oxygenator)
    h = _v.grid("open_fraction", open_fraction, "fraction 0..1", 0.0, 1.0, low_inclusive=False)
    blood_flow_l_min = _v.scalar("blood_flow_l_min", blood_flow_l_min, "L/min", 0.0, low_inclusive=False)
    sweep_l_min = _v.scalar("sweep_l_min", sweep_l_min, "L/min", 0.0)
    fdo2 = _v.scalar("fdo2", fdo2, "fraction 0..1", 0.0, 1.0)
    rows = [_ox.exchange(dataclasses.replace(ox, clot_fraction=1.0 - float(x)), inlet, blood_flow_l_min,
                         sweep_l_min=sweep_l_min, fdo2=fdo2) for x in h]

    def col(get):
        return np.array([float(get(r)) for r in rows])

    return ClotTable(
        open_fraction=h, blood_flow_l_min=float(blood_flow_l_min), sweep_l_min=float(sweep_l_min), fdo2=float(fdo2),
        inlet=inlet,
        outlet_po2_mmhg=col(lambda r: r.outlet.po2_mmhg), outlet_so2=col(lambda r: r.outlet.so2),
        outlet_pco2_mmhg=col(lambda r: r.outlet.pco2_mmhg), o2_transfer_ml_min=col(lambda r: r.o2_transfer_ml_min),
        co2_removal_ml_min=col(lambda r: r.co2_removal_ml_min), pressure_drop_mmhg=col(lambda r: r.pressure_drop_mmhg),
    )


def _clot_numbers(table, i):
    new = int(np.argmax(table.open_fraction))
    return {
        "open_fraction": float(table.open_fraction[i]),
        "outlet_po2_mmhg": float(table.outlet_po2_mmhg[i]),
        "outlet_so2": float(table.outlet_so2[i]),
        "outlet_pco2_mmhg": float(table.outlet_pco2_mmhg[i]),
        "o2_transfer_ml_min": float(table.o2_transfer_ml_min[i]),
        "co2_removal_ml_min": float(table.co2_removal_ml_min[i]),
        "pressure_drop_mmhg": float(table.pressure_drop_mmhg[i]),
        "new_outlet_po2_mmhg": float(table.outlet_po2_mmhg[new]),
        "new_pressure_drop_mmhg": float(table.pressure_drop_mmhg[new]),
    }


def _clot_settings(table):
    return (f"blood flow {table.blood_flow_l_min:.3g} L/min, sweep {table.sweep_l_min:.3g} L/min, "
            f"FdO₂ {table.fdo2:.2f}, as the fibre bundle clots")


def _clot_title(n, table):
    return (f"{n['open_fraction']:.0%} of the bundle open:  "
            f"post-oxygenator PO₂ {n['outlet_po2_mmhg']:.0f} mmHg (SO₂ {n['outlet_so2']:.1%}), "
            f"PCO₂ {n['outlet_pco2_mmhg']:.1f} mmHg\nO₂ added {n['o2_transfer_ml_min']:.0f} mL/min, "
            f"CO₂ removed {n['co2_removal_ml_min']:.0f} mL/min;  ΔP {n['pressure_drop_mmhg']:.0f} mmHg")


def draw_failing_membrane(axes, table: ClotTable, *, index):
    """Post-oxygenator PO2, PCO2 and the pressure drop as the membrane fails.

    The x axis runs from a new membrane (100 % of the bundle open) on the
    left to a badly clotted one on the right, the way the numbers move over
    days.

    Parameters
    ----------
    axes : sequence of 3 matplotlib.axes.Axes
        Axes for PO2 (log scale), PCO2 and pressure drop.
    table : ClotTable
        From :func:`membrane_clot_table`.
    index : int
        Index of the current ``open_fraction``.

    Returns
    -------
    dict
        The artists by name (for :func:`update_failing_membrane`).
    """
    ax_o, ax_c, ax_p = axes
    h = table.open_fraction
    new = int(np.argmax(h))
    a = {}
    series = {
        "po2": (ax_o, table.outlet_po2_mmhg),
        "pco2": (ax_c, table.outlet_pco2_mmhg),
        "dp": (ax_p, table.pressure_drop_mmhg),
    }
    for key, (ax, y) in series.items():
        ax.plot(h, y, color=_CURRENT)
        (a[f"{key}_point"],) = ax.plot([], [], "o", ms=9, mec="black", mew=1.2, zorder=5)
        ax.set_xlim(1.02, h.min() - 0.02)
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
        ax.set_xlabel("open part of the fibre bundle (new = 100 %)")
    plotting.log_po2_axis(ax_o, 30.0, 800.0)
    ax_o.axhline(table.outlet_po2_mmhg[new], color=_REFERENCE, ls="--", lw=1.2)
    ax_o.text(0.6, table.outlet_po2_mmhg[new] * 1.08, "new membrane", fontsize=8, color="0.35", va="bottom",
              ha="left")
    ax_o.set_title(f"post-oxygenator PO₂ [mmHg] (FdO₂ {table.fdo2:.2f})")
    pre = float(table.inlet.pco2_mmhg)
    ax_c.axhline(pre, color=_REFERENCE, ls="--", lw=1.2)
    ax_c.text(0.98, pre + 0.4, "pre-oxygenator", fontsize=8, color="0.35", va="bottom", ha="left")
    ax_c.set_ylim(float(table.outlet_pco2_mmhg.min()) - 3.0, pre + 3.0)
    ax_c.set_title("post-oxygenator PCO₂ [mmHg]")
    ax_p.axhline(table.pressure_drop_mmhg[new], color=_REFERENCE, ls="--", lw=1.2)
    ax_p.set_ylim(0, 1.08 * float(table.pressure_drop_mmhg.max()))
    ax_p.text(0.98, table.pressure_drop_mmhg[new] * 0.85, "new membrane", fontsize=8, color="0.35",
              va="top", ha="left")
    ax_p.set_title("pressure drop ΔP [mmHg]")
    fig = ax_o.figure
    # The fixed settings once (static), the numbers the slider moves on the
    # line below (the only text redrawn on a move).
    fig.suptitle(_clot_settings(table), fontsize=10, y=0.98, va="top")
    a["title"] = fig.text(0.5, 0.98 - 1.2 * 10.0 / 72.0 / fig.get_figheight(), "", fontsize=10, ha="center",
                          va="top")
    update_failing_membrane(a, table, index=index)
    return a


def update_failing_membrane(artists, table: ClotTable, *, index):
    """Show another ``open_fraction`` on a figure made by :func:`draw_failing_membrane`; return its numbers."""
    h = table.open_fraction[index]
    n = _clot_numbers(table, index)
    colour = plotting.so2_color(min(max(n["outlet_so2"], 0.0), 1.0))
    for key, y in (("po2", table.outlet_po2_mmhg), ("pco2", table.outlet_pco2_mmhg),
                   ("dp", table.pressure_drop_mmhg)):
        artists[f"{key}_point"].set_data([h], [y[index]])
        artists[f"{key}_point"].set_markerfacecolor(colour)
    artists["title"].set_text(_clot_title(n, table))
    return n


@lru_cache(maxsize=8)
def _clot_cached(oxygenator, open_key, inlet_so2, pco2_mmhg, hb_g_dl, blood_flow_l_min, sweep_l_min, fdo2):
    inlet = pre_oxygenator_blood(inlet_so2, pco2_mmhg=pco2_mmhg, hb_g_dl=hb_g_dl)
    return membrane_clot_table(oxygenator, inlet, np.array(open_key), blood_flow_l_min=blood_flow_l_min,
                                 sweep_l_min=sweep_l_min, fdo2=fdo2)


def failing_membrane_explorer(oxygenator=_ox.ADULT, **scenario) -> Explorer:
    """Slider for the open part of a clotting fibre bundle, at the scenario's flow and gas.

    From a new bundle (100 % open) down to 20 % open.

    Parameters
    ----------
    oxygenator : ecmolib.oxygenator.Oxygenator, optional
        The new device (default :data:`ecmolib.oxygenator.ADULT`); its
        ``clot_fraction`` is set to ``1 - open_fraction`` along the slider.
    **scenario
        Overrides of :data:`SCENARIO`.
    """
    ox = _check_oxygenator(oxygenator)
    s = _scenario(scenario)
    spec = SliderSpec("open part of the fibre bundle", "", 0.20, 1.0, 1.0, 0.02, ".0%")
    grid = spec.grid()
    table = _clot_cached(ox, tuple(grid), float(s["inlet_so2"]), float(s["inlet_pco2_mmhg"]), float(s["hb_g_dl"]),
                           float(s["blood_flow_l_min"]), float(s["sweep_l_min"]), float(s["fdo2"]))
    artists = weakref.WeakKeyDictionary()

    def draw(fig, open_fraction):
        i = spec.index(open_fraction, name="open_fraction", units="fraction 0..1")
        axes = fig.subplots(1, 3)
        fig.subplots_adjust(left=0.06, right=0.97, bottom=0.14, top=0.70, wspace=0.28)
        artists[fig] = live_artists(fig, draw_failing_membrane(axes, table, index=i))
        return _clot_numbers(table, i)

    def update(fig, open_fraction):
        i = spec.index(open_fraction, name="open_fraction", units="fraction 0..1")
        return update_failing_membrane(artists[fig], table, index=i)

    return Explorer(draw=draw, update=update, specs={"open_fraction": spec}, figsize=(11.0, 4.0))


#: This lesson's explorers, gathered by :data:`ecmolib.views.EXPLORERS`.
EXPLORERS = {
    "02 rated flow": rated_flow_explorer,
    "02 CO2 and sweep": co2_sweep_explorer,
    "02 two knobs": two_knobs_explorer,
    "02 failing membrane": failing_membrane_explorer,
}
