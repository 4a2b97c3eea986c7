"""Lesson 03: where the pump curve meets the circuit, and the pressures along it.

The views compose :mod:`ecmolib.circuit` only: every flow and pressure drawn
here comes from :func:`ecmolib.circuit.operating_point` (or, for the pump
curves and the cannula chart, from :meth:`ecmolib.circuit.CentrifugalPump.head_mmhg`
and :meth:`ecmolib.circuit.Cannula.pressure_drop_mmhg`). Nothing is
re-derived here.

Three pictures, each a pure function that draws into given axes and returns
its artists, with an ``update_*`` companion that shows another state on the
same artists:

* :func:`draw_pump_and_system`: pump head-flow (H-Q) curves at several
  speeds, the circuit's *system curve* and the operating point where they
  meet. The system curve is traced by the model itself: it is the locus of
  the operating points over all pump speeds (at each speed the pump head
  equals what the circuit asks for), so the marked point lies on it by
  construction. Where the drained vein collapses the system curve turns into
  a vertical wall at the venous-return limit :math:`Q_\\max`.
* :func:`draw_speed_sweep`: flow and drainage pressure against pump speed;
  past the venous limit the flow stops rising and the drainage pressure
  plunges (suction, "chatter").
* :func:`draw_pressure_profile`: the pressure along the circuit, from the
  venous reservoir to the patient's artery.

:func:`circuit_explorer` binds them to four sliders (pump speed, drainage
cannula size, venous filling pressure, arterial pressure).
"""

from __future__ import annotations

import dataclasses
import functools
import weakref

import numpy as np
from matplotlib import patheffects
from matplotlib.lines import Line2D

from ecmolib import _validation as _v
from ecmolib import circuit as _circuit
from ecmolib import patients as _patients
from ecmolib.widgets import Explorer, SliderSpec, live_artists

__all__ = [
    "SCENARIO",
    "PROFILE_NODES",
    "PUMP_CURVE_RPM",
    "with_drainage_cannula",
    "speed_sweep",
    "pressure_profile",
    "speed_for_flow",
    "draw_pump_and_system",
    "update_pump_and_system",
    "draw_speed_sweep",
    "update_speed_sweep",
    "draw_pressure_profile",
    "update_pressure_profile",
    "draw_cannula_chart",
    "circuit_explorer",
    "EXPLORERS",
]

#: The lesson's scenario (a teaching scenario, not a patient): venous
#: reservoir pressure [mmHg] (Guyton's mean systemic filling pressure, about
#: 7 mmHg normally and higher after volume loading; see
#: :func:`ecmolib.circuit.operating_point`), and the pressure at the return
#: cannula tip [mmHg]: a mean arterial pressure of 70 mmHg on VA ECMO (the
#: usual MAP target is 65-70 mmHg), a right-atrial pressure of 5 mmHg on VV
#: ECMO. The same values as lesson 00, so the two lessons show the same
#: operating point.
SCENARIO = {
    "venous_pressure_mmhg": 10.0,
    "arterial_pressure_mmhg": 70.0,
    "vv_return_pressure_mmhg": 5.0,
}

#: The points of the pressure profile, in the order blood passes them.
PROFILE_NODES = (
    "venous_reservoir",
    "cannula_tip",
    "drainage",
    "pre_oxygenator",
    "post_oxygenator",
    "return_hub",
    "patient",
)

#: Speeds of the background pump curves [rev/min].
PUMP_CURVE_RPM = (2000.0, 3000.0, 4000.0, 5000.0)

_NODE_LABELS = {
    "venous_reservoir": "venous\nreservoir",
    "cannula_tip": "drainage\ncannula tip",
    "drainage": "drainage\n(pump inlet)",
    "pre_oxygenator": "pre-oxy\n(pump outlet)",
    "post_oxygenator": "post-oxy",
    "return_hub": "return\ncannula hub",
}
_SEGMENT_LABELS = ("vein", "drainage cannula\n+ tubing", "PUMP", "oxygenator", "return\ntubing",
                   "return\ncannula")

# Colours (ColorBrewer PuOr/RdBu ends; every coloured element is also labelled).
_PUMP_COLOR = "#762a83"
_SYSTEM_COLOR = "#2166ac"
_LOSS_COLOR = "#4d4d4d"
_SUCTION_COLOR = "#b2182b"
_GREY = "0.7"
_HALO = patheffects.withStroke(linewidth=2.5, foreground="white")

# Pressures drawn in the profile panel are clipped to this floor [mmHg] (the
# labels always show the true value): in deep suction the model's drainage
# pressure can fall to several hundred mmHg below atmospheric, which would
# squash the picture of the ordinary states. The drainage panel of the speed
# sweep shows the whole range, so its curve is never cut off.
_PRESSURE_FLOOR_MMHG = -300.0
#: Share of the flow axes given to backward flow (a pump too slow to hold
#: the back-pressure lets blood run from the artery into the vein).
_BACKFLOW_AXIS_SHARE = 0.25


# --------------------------------------------------------------------------
# Model compositions (numbers only)
# --------------------------------------------------------------------------


def with_drainage_cannula(circuit, french):
    """The same circuit with a drainage cannula of another French size.

    Same length, kind and loss coefficient; the inner diameter is the
    library's default for the new size (outer diameter minus twice the
    default wall), not the old cannula's.

    Parameters
    ----------
    circuit : ecmolib.circuit.Circuit
        The circuit.
    french : float
        Outer size of the new drainage cannula [Fr]; valid [4, 40].

    Returns
    -------
    ecmolib.circuit.Circuit
    """
    if not isinstance(circuit, _circuit.Circuit):
        raise ValueError(f"circuit must be an ecmolib.circuit.Circuit; got {type(circuit).__name__}")
    french = _v.scalar("french", french, "Fr", 4.0, 40.0)
    old = circuit.drainage_cannula
    new = dataclasses.replace(old, french=french, name=f"drainage {french:g} Fr, {old.length_cm:g} cm")
    return dataclasses.replace(circuit, drainage_cannula=new)


def speed_sweep(circuit, rpm, *, venous_pressure_mmhg, arterial_pressure_mmhg, hb_g_dl=12.0):
    """Operating points of ``circuit`` over an array of pump speeds.

    A thin, documented call of :func:`ecmolib.circuit.operating_point`
    (vectorised over ``rpm``); the sweep is what the pictures of this module
    draw.

    Parameters
    ----------
    circuit : ecmolib.circuit.Circuit
    rpm : array_like
        Pump speeds [rev/min], increasing; valid [0, ``circuit.pump.rpm_max``].
    venous_pressure_mmhg, arterial_pressure_mmhg : float
        Venous reservoir and return-cannula-tip pressures [mmHg].
    hb_g_dl : float
        Haemoglobin [g/dL] (blood viscosity).

    Returns
    -------
    ecmolib.circuit.OperatingPoint
        Array fields, one element per speed.
    """
    rpm = _v.checked("rpm", rpm, "rev/min", low=0.0, high=circuit.pump.rpm_max)
    if rpm.ndim != 1 or rpm.size < 2 or np.any(np.diff(rpm) <= 0):
        raise ValueError("rpm [rev/min] must be an increasing array of at least two speeds")
    return _circuit.operating_point(circuit, rpm, venous_pressure_mmhg=venous_pressure_mmhg,
                                    arterial_pressure_mmhg=arterial_pressure_mmhg, hb_g_dl=hb_g_dl)


def _pick(x, index):
    arr = np.asarray(x)
    return float(arr[index] if index is not None else arr[()])


def pressure_profile(point, index=None):
    """Pressures along the circuit [mmHg], in the order blood passes them.

    ``venous_reservoir`` (the venous pressure feeding the drainage),
    ``cannula_tip`` (inside the drainage cannula tip), ``drainage`` (pump
    inlet), ``pre_oxygenator`` (pump outlet), ``post_oxygenator``,
    ``return_hub`` (where the return line meets the return cannula: the
    patient's pressure plus the return cannula's drop) and ``patient`` (the
    return cannula tip: artery on VA, right atrium on VV). All are fields
    of the operating point except ``return_hub``, their sum.

    Pressures named after the pump and oxygenator are measured at the pump,
    the others at the patient's heart level; they differ by the hydrostatic
    column when the pump is not level with the patient (presets: level).

    Parameters
    ----------
    point : ecmolib.circuit.OperatingPoint
    index : int, optional
        Element of an array-valued ``point``.

    Returns
    -------
    dict
        One float per name in :data:`PROFILE_NODES`.
    """
    if not isinstance(point, _circuit.OperatingPoint):
        raise ValueError(f"point must be an ecmolib.circuit.OperatingPoint; got {type(point).__name__}")
    p = point
    patient = _pick(p.arterial_pressure_mmhg, index)
    return {
        "venous_reservoir": _pick(p.venous_pressure_mmhg, index),
        "cannula_tip": _pick(p.cannula_tip_pressure_mmhg, index),
        "drainage": _pick(p.drainage_pressure_mmhg, index),
        "pre_oxygenator": _pick(p.pre_oxygenator_pressure_mmhg, index),
        "post_oxygenator": _pick(p.post_oxygenator_pressure_mmhg, index),
        "return_hub": patient + _pick(p.return_cannula_drop_mmhg, index),
        "patient": patient,
    }


#: Pump speed [rev/min] at which a circuit delivers a flow (``None`` if no
#: speed can): :func:`ecmolib.circuit.speed_for_flow`, kept here under its
#: earlier name for the lesson.
speed_for_flow = _circuit.speed_for_flow


# --------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------


def _flow_axis_l_min(flow_reached_l_min, pump):
    """Top of a flow axis [L/min]: 10 % above the highest flow shown, rounded up to 0.5 L/min.

    At least 0.5 L/min and at most the pump's ``max_flow_l_min`` (before
    the 10 %); used for every flow axis of this module's pictures.
    """
    q = min(max(float(flow_reached_l_min), 0.5), pump.max_flow_l_min)
    return float(np.ceil(q * 1.1 * 2.0) / 2.0)


def _system_curve(sweep):
    """(flow, head) of the system curve from a speed sweep: the non-suction
    operating points in order of flow (backward ones included), through zero
    flow where the pump only holds the static back-pressure (arterial minus
    venous)."""
    q = np.asarray(sweep.flow_l_min)
    h = np.asarray(sweep.pump_head_mmhg)
    keep = (q != 0.0) & ~np.asarray(sweep.suction)
    back = float(np.asarray(sweep.arterial_pressure_mmhg).ravel()[0]
                 - np.asarray(sweep.venous_pressure_mmhg).ravel()[0])
    q_all, h_all = np.concatenate([[0.0], q[keep]]), np.concatenate([[back], h[keep]])
    order = np.argsort(q_all, kind="stable")
    return q_all[order], h_all[order]


def _state_text(point, index):
    """One line of status for a state, or '' when nothing is wrong."""
    if bool(np.asarray(point.suction)[index] if index is not None else point.suction):
        return "SUCTION: the pump asks for more\nthan the vein returns"
    flow = _pick(point.flow_l_min, index)
    if flow < 0.0:
        return f"BACKFLOW: {-flow:.1f} L/min run backwards\nfrom the artery into the vein"
    if flow == 0.0:
        return "NO FLOW: the pump just holds\nthe back-pressure"
    return ""


def draw_pump_and_system(ax, circuit, sweep, index, *, pump_curve_rpm=PUMP_CURVE_RPM,
                         flow_max_l_min=None, head_range_mmhg=None, legend=True):
    """Pump H-Q curves, the circuit's system curve and the operating point.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    circuit : ecmolib.circuit.Circuit
        Supplies the pump (:meth:`~ecmolib.circuit.CentrifugalPump.head_mmhg`).
    sweep : ecmolib.circuit.OperatingPoint
        A speed sweep (:func:`speed_sweep`); it traces the system curve.
    index : int
        Element of ``sweep`` that is the current state (its speed is drawn
        bold and its operating point marked).
    pump_curve_rpm : sequence of float
        Speeds of the grey background curves [rev/min].
    flow_max_l_min : float, optional
        Right end of the flow axis [L/min]. Default: from the highest flow
        of ``sweep`` and its venous-return limit (:func:`_flow_axis_l_min`),
        so that a neonate's circuit fills the axis as an adult's does.
    head_range_mmhg : (float, float), optional
        Pressure-axis range [mmHg]. Default: 0 to the shut-off head at the
        pump's maximum speed.
    legend : bool
        Draw the legend.

    Returns
    -------
    dict
        Artists; pass them to :func:`update_pump_and_system`.
    """
    pump = circuit.pump
    if flow_max_l_min is None:
        reached = max(float(np.max(sweep.flow_l_min)), float(np.max(sweep.max_drainage_flow_l_min)))
        flow_max_l_min = _flow_axis_l_min(reached, pump)
    q_end = float(flow_max_l_min)
    q_start = -_BACKFLOW_AXIS_SHARE * q_end
    q_curve = np.linspace(q_start, min(q_end, pump.max_flow_l_min), 140)
    if head_range_mmhg is None:
        head_range_mmhg = (0.0, 1.05 * float(pump.head_mmhg(pump.rpm_max, 0.0)))
    a = {"q_curve": q_curve, "pump": pump}
    for rpm in pump_curve_rpm:
        if rpm > pump.rpm_max:
            continue
        head = np.asarray(pump.head_mmhg(rpm, q_curve))
        ax.plot(q_curve, head, color=_GREY, lw=1.0, zorder=1)
        i = int(np.searchsorted(q_curve, 0.0))
        # On a white halo, above the set speed's curve: readable where that curve runs close.
        ax.annotate(f"{rpm:.0f} rpm", (q_curve[i], head[i]), xytext=(1, 2), textcoords="offset points",
                    color="0.45", fontsize=7.5, va="bottom", ha="left", clip_on=True, zorder=3.5,
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"})
    (a["pump_curve"],) = ax.plot([], [], color=_PUMP_COLOR, lw=2.5, zorder=3, label="pump curve at set speed")
    (a["system_curve"],) = ax.plot([], [], color=_SYSTEM_COLOR, lw=2.5, zorder=2,
                                   label="system curve (what the circuit needs)")
    a["venous_limit"] = ax.axvline(0.0, color=_SUCTION_COLOR, ls="--", lw=1.5, zorder=2,
                                   label=r"venous-return limit $Q_\max$")
    (a["suction_gap"],) = ax.plot([], [], color=_SUCTION_COLOR, lw=5, alpha=0.45, zorder=4,
                                  solid_capstyle="butt", label="suction (head the vein cannot use)")
    (a["point"],) = ax.plot([], [], "o", ms=9, color="black", zorder=5, label="operating point")
    a["point_text"] = ax.text(0.0, 0.0, "", fontsize=9, ha="left", va="bottom", zorder=6,
                              bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "0.6"})
    ax.axvspan(q_start, 0.0, color="0.93", zorder=0)
    ax.text(0.5 * q_start, 0.97 * head_range_mmhg[1], "back-\nflow", ha="center", va="top", fontsize=7.5,
            color="0.35")
    ax.set_xlim(q_start, q_end)
    ax.set_ylim(*head_range_mmhg)
    ax.set_xlabel("flow [L/min]")
    ax.set_ylabel("pump head = pressure rise [mmHg]")
    ax.set_title("Flow is where the pump curve meets the circuit")
    if legend:
        # Lower right, unless the set speed's pump curve runs low there
        # (a slow pump): then upper right, where only grey curves run.
        head_end = float(pump.head_mmhg(_pick(sweep.rpm, index), min(q_end, pump.max_flow_l_min)))
        low_curve = head_end < head_range_mmhg[0] + 0.25 * (head_range_mmhg[1] - head_range_mmhg[0])
        ax.legend(loc="upper right" if low_curve else "lower right", fontsize=7.5, frameon=True,
                  framealpha=0.9, edgecolor="0.8")
    update_pump_and_system(a, sweep, index)
    return a


def update_pump_and_system(artists, sweep, index):
    """Show element ``index`` of ``sweep`` on a :func:`draw_pump_and_system` picture."""
    a = artists
    rpm = _pick(sweep.rpm, index)
    a["pump_curve"].set_data(a["q_curve"], np.asarray(a["pump"].head_mmhg(rpm, a["q_curve"])))
    q_sys, h_sys = _system_curve(sweep)
    a["system_curve"].set_data(q_sys, h_sys)
    q_max = _pick(sweep.max_drainage_flow_l_min, index)
    a["venous_limit"].set_xdata([q_max, q_max])
    q, head = _pick(sweep.flow_l_min, index), _pick(sweep.pump_head_mmhg, index)
    suction = bool(np.asarray(sweep.suction)[index])
    # In suction the pump makes more head than the circuit can turn into
    # flow: from the top of the system curve (the last speed before
    # collapse) up to the operating point, it only pulls the vein down.
    a["suction_gap"].set_data([q_max, q_max], [h_sys[-1], head] if suction else [np.nan, np.nan])
    a["point"].set_data([q], [head])
    a["point"].set_color(_SUCTION_COLOR if suction else "black")
    ax = a["point_text"].axes
    xmax, (ylow, yhigh) = ax.get_xlim()[1], ax.get_ylim()
    right = q > 0.6 * xmax
    # Above the point, or below it when the point is in the top third (the
    # label would leave the axes over the title).
    above = head < ylow + 0.67 * (yhigh - ylow)
    dy = 0.015 * (yhigh - ylow)
    a["point_text"].set_position((q - 0.02 * xmax if right else q + 0.02 * xmax, head + dy if above else head - dy))
    a["point_text"].set_ha("right" if right else "left")
    a["point_text"].set_va("bottom" if above else "top")
    a["point_text"].set_text(f"{rpm:.0f} rpm\n{q:.2f} L/min" + ("\nsuction" if suction else ""))
    return a


def draw_speed_sweep(ax_flow, ax_drain, sweep, index, *, drainage_range_mmhg=None, flow_max_l_min=None,
                     legend=True):
    """Flow and drainage pressure against pump speed, the current speed marked.

    Parameters
    ----------
    ax_flow, ax_drain : matplotlib.axes.Axes
        Upper (flow) and lower (drainage pressure) axes; they should share x.
    sweep : ecmolib.circuit.OperatingPoint
        A speed sweep (:func:`speed_sweep`).
    index : int
        Element of ``sweep`` that is the current state.
    drainage_range_mmhg : (float, float), optional
        Range of the drainage-pressure axis [mmHg]; points below the lower
        end are drawn at it (the readout shows the true value).
    flow_max_l_min : float, optional
        Top of the flow axis [L/min].
    legend : bool
        Draw a legend in the flow axes.

    Returns
    -------
    dict
        Artists; pass them to :func:`update_speed_sweep`.
    """
    a = {}
    (a["flow"],) = ax_flow.plot([], [], color=_LOSS_COLOR, lw=2, label="flow")
    (a["flow_suction"],) = ax_flow.plot([], [], color=_SUCTION_COLOR, lw=3.5, label="suction")
    a["q_max"] = ax_flow.axhline(0.0, color=_SUCTION_COLOR, ls="--", lw=1.2, label=r"$Q_\max$")
    (a["flow_point"],) = ax_flow.plot([], [], "o", color="black", ms=7, zorder=5)
    (a["drain"],) = ax_drain.plot([], [], color=_LOSS_COLOR, lw=2)
    (a["drain_suction"],) = ax_drain.plot([], [], color=_SUCTION_COLOR, lw=3.5)
    (a["drain_point"],) = ax_drain.plot([], [], "o", color="black", ms=7, zorder=5)
    ax_drain.axhline(0.0, color="0.3", lw=0.8)
    rpm = np.asarray(sweep.rpm)
    for ax in (ax_flow, ax_drain):
        ax.set_xlim(rpm[0], rpm[-1])
    ax_flow.set_ylabel("flow\n[L/min]")
    top = (flow_max_l_min if flow_max_l_min is not None
           else 1.15 * float(np.max(sweep.max_drainage_flow_l_min)))
    ax_flow.set_ylim(-_BACKFLOW_AXIS_SHARE * top, top)
    ax_flow.axhline(0.0, color="0.3", lw=0.8)
    ax_flow.set_title("Turn the pump faster ...", fontsize=10)
    ax_flow.tick_params(labelbottom=False)
    if legend:
        ax_flow.legend(loc="center left", fontsize=7.5, frameon=True, framealpha=0.9, edgecolor="0.8")
    ax_drain.set_ylabel("drainage\n[mmHg]")
    ax_drain.set_xlabel("pump speed [rpm]")
    if drainage_range_mmhg is not None:
        ax_drain.set_ylim(*drainage_range_mmhg)
    update_speed_sweep(a, sweep, index)
    return a


def update_speed_sweep(artists, sweep, index):
    """Show another sweep / current speed on a :func:`draw_speed_sweep` picture."""
    a = artists
    rpm = np.asarray(sweep.rpm)
    q = np.asarray(sweep.flow_l_min)
    floor = a["drain"].axes.get_ylim()[0]
    drain = np.maximum(np.asarray(sweep.drainage_pressure_mmhg), floor)
    suction = np.asarray(sweep.suction)
    a["flow"].set_data(rpm, q)
    a["drain"].set_data(rpm, drain)
    a["flow_suction"].set_data(rpm, np.where(suction, q, np.nan))
    a["drain_suction"].set_data(rpm, np.where(suction, drain, np.nan))
    q_max = _pick(sweep.max_drainage_flow_l_min, index)
    a["q_max"].set_ydata([q_max, q_max])
    a["flow_point"].set_data([rpm[index]], [q[index]])
    a["drain_point"].set_data([rpm[index]], [drain[index]])
    color = _SUCTION_COLOR if suction[index] else "black"
    a["flow_point"].set_color(color)
    a["drain_point"].set_color(color)
    return a


def draw_pressure_profile(ax, point, *, index=None, mode="va", pressure_range_mmhg=None, color=None,
                          linestyle="-", label=None, annotate=True, decorate=True):
    """The pressure along the circuit, from the venous reservoir to the patient.

    Drawn as a line through :data:`PROFILE_NODES`; the pump segment (the only
    rise) in purple, every other segment a loss. Pressures below the lower
    end of the axis are drawn at it; the labels show the true values.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    point : ecmolib.circuit.OperatingPoint
        The state (:func:`ecmolib.circuit.operating_point`).
    index : int, optional
        Element of an array-valued ``point``.
    mode : {"va", "vv"}
        Names the last point "patient artery" (VA) or "right atrium" (VV).
    pressure_range_mmhg : (float, float), optional
        Pressure-axis range [mmHg].
    color : str, optional
        One colour for the whole line (for overlays); default: pump segment
        purple, losses grey.
    linestyle : str
        Matplotlib line style (tell overlaid states apart without colour).
    label : str, optional
        Legend label of the line.
    annotate : bool
        Write each pressure above its point.
    decorate : bool
        Draw ticks, the atmospheric line and the segment names (once per
        axes).

    Returns
    -------
    dict
        Artists; pass them to :func:`update_pressure_profile`.
    """
    mode = _v.choice("mode", mode, ("va", "vv"))
    x = np.arange(len(PROFILE_NODES), dtype=float)
    a = {"x": x}
    (a["losses"],) = ax.plot([], [], marker="o", ls=linestyle, color=color or _LOSS_COLOR, lw=2, ms=6, zorder=3,
                             label=label)
    (a["pump"],) = ax.plot([], [], ls=linestyle, color=color or _PUMP_COLOR, lw=3.5 if color is None else 2,
                           zorder=3)
    a["values"] = [ax.text(xi, 0.0, "", ha="center", va="bottom", fontsize=8.5, zorder=4, path_effects=[_HALO])
                   for xi in x] \
        if annotate else []
    if pressure_range_mmhg is not None:
        ax.set_ylim(*pressure_range_mmhg)
    if decorate:
        names = dict(_NODE_LABELS, patient="patient\nartery" if mode == "va" else "right\natrium")
        ax.set_xticks(x, [names[n] for n in PROFILE_NODES], fontsize=8.5)
        ax.axhline(0.0, color="0.3", lw=0.8, zorder=1)
        ax.text(x[-1] + 0.45, 0.0, "0 = atmospheric ", fontsize=7.5, color="0.3", ha="right", va="top")
        ax.set_xlim(x[0] - 0.4, x[-1] + 0.5)
        ax.set_ylabel("pressure [mmHg]")
        ax.grid(axis="x", visible=False)
        for i, seg in enumerate(_SEGMENT_LABELS):
            ax.text(i + 0.5, 0.02, seg, transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                    fontsize=7.5, style="italic", color=_PUMP_COLOR if seg == "PUMP" else "0.35")
        a["status"] = ax.text(0.01, 0.97, "", transform=ax.transAxes, ha="left", va="top", fontsize=9.5,
                              fontweight="bold", color=_SUCTION_COLOR)
    update_pressure_profile(a, point, index=index)
    return a


def update_pressure_profile(artists, point, *, index=None):
    """Show another state on a :func:`draw_pressure_profile` picture."""
    a = artists
    prof = pressure_profile(point, index)
    p = np.array([prof[n] for n in PROFILE_NODES])
    lo, hi = a["losses"].axes.get_ylim()
    shown = np.maximum(p, lo)
    pump_at = PROFILE_NODES.index("drainage")
    # Losses: the line with the pump segment broken out (NaN breaks the line).
    losses = shown.copy()
    losses_x = np.insert(a["x"], pump_at + 1, np.nan)
    losses_y = np.insert(losses, pump_at + 1, np.nan)
    a["losses"].set_data(losses_x, losses_y)
    a["pump"].set_data(a["x"][pump_at:pump_at + 2], shown[pump_at:pump_at + 2])
    span = hi - lo
    for k, (t, xi, yi, true) in enumerate(zip(a["values"], a["x"], shown, p)):
        if k == pump_at and yi - lo > 0.15 * span:
            # Below the pump inlet: the pump's steep rise runs just above it.
            t.set_position((xi, yi - 0.04 * span))
            t.set_horizontalalignment("center")
            t.set_verticalalignment("top")
        elif k == len(p) - 1:
            # Right of the last point: the return cannula's drop runs above it.
            t.set_position((xi + 0.1, yi))
            t.set_horizontalalignment("left")
            t.set_verticalalignment("center")
        else:
            t.set_position((xi, min(yi + 0.02 * span, hi - 0.08 * span)))
            t.set_horizontalalignment("center")
            t.set_verticalalignment("bottom")
        t.set_text(f"{true:+.0f}")
    if "status" in a:
        a["status"].set_text(_state_text(point, index))
    return a


def draw_cannula_chart(ax, cannulae, *, hb_g_dl=12.0, flow_max_l_min=7.0, mark_flow_l_min=None):
    """Pressure drop against flow for a set of cannulae (a cannula chart).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    cannulae : sequence of ecmolib.circuit.Cannula
        The cannulae, one line each (labelled with French size and length).
    hb_g_dl : float
        Haemoglobin [g/dL] (blood viscosity).
    flow_max_l_min : float
        Right end of the flow axis [L/min]; valid (0, 15].
    mark_flow_l_min : float, optional
        Draw a vertical guide at this flow [L/min].

    Returns
    -------
    list
        The line artists.
    """
    q_end = float(_v.checked("flow_max_l_min", flow_max_l_min, "L/min", low=0.0, high=15.0,
                             low_inclusive=False))
    q = np.linspace(0.0, q_end, 100)
    lines = []
    shades = np.linspace(0.7, 0.1, len(cannulae))
    for c, shade in zip(cannulae, shades):
        dp = np.asarray(c.pressure_drop_mmhg(q, hb_g_dl=hb_g_dl))
        (line,) = ax.plot(q, dp, color=str(shade) if len(cannulae) > 1 else _SYSTEM_COLOR, lw=2)
        ax.text(q[-1], dp[-1], f" {c.french:g} Fr", fontsize=8, va="center", ha="left", clip_on=False)
        lines.append(line)
    if mark_flow_l_min is not None:
        ax.axvline(float(mark_flow_l_min), color=_PUMP_COLOR, ls=":", lw=1.5)
    ax.set_xlim(0.0, q_end)
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel("flow [L/min]")
    ax.set_ylabel("pressure drop along the cannula [mmHg]")
    return lines


# --------------------------------------------------------------------------
# The explorer
# --------------------------------------------------------------------------


def _spec_around(label, units, low, high, value, step, fmt):
    """A slider over [low, high], widened to whole steps so that it holds ``value``."""
    low = min(low, step * np.floor(value / step))
    high = max(high, step * np.ceil(value / step))
    return SliderSpec(label, units, float(low), float(high), float(value), step, fmt)


def _return_pressure_spec(circuit, value):
    if circuit.mode == "va":
        default = SCENARIO["arterial_pressure_mmhg"] if value is None else float(value)
        return _spec_around("mean arterial pressure", "mmHg", 30.0, 100.0, default, 5.0, ".0f")
    default = SCENARIO["vv_return_pressure_mmhg"] if value is None else float(value)
    return _spec_around("right-atrial (return) pressure", "mmHg", 0.0, 20.0, default, 1.0, ".0f")


def circuit_explorer(patient=_patients.ADULT, circuit=_circuit.ADULT_VA, *, rpm=None, venous_pressure_mmhg=None,
                     arterial_pressure_mmhg=None) -> Explorer:
    """Four sliders over the H-Q picture, the speed sweep and the pressure profile.

    Sliders: pump speed (1500 rev/min to the pump's maximum; at the low end
    the adult VA circuit cannot overcome the arterial pressure), drainage
    cannula size (0.6 to 1.2 times the preset's French size), venous
    reservoir (filling) pressure (2-15 mmHg: severe hypovolaemia to volume
    loaded) and the pressure at the return cannula tip (mean arterial
    pressure 30-100 mmHg on VA; right-atrial pressure 0-20 mmHg on VV);
    a pressure range widens to hold a starting value outside it, and the
    starting speed is kept within the speed slider.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        Supplies the haemoglobin (blood viscosity).
    circuit : ecmolib.circuit.Circuit
        The circuit; its drainage cannula is the default French size.
    rpm : float, optional
        Starting pump speed [rev/min], rounded to the slider's 50 rev/min
        step; default 3500 (or the pump's maximum if lower).
    venous_pressure_mmhg, arterial_pressure_mmhg : float, optional
        Starting slider positions [mmHg]; default :data:`SCENARIO`.

    Returns
    -------
    ecmolib.widgets.Explorer
    """
    _patients._checked(patient)
    if not isinstance(circuit, _circuit.Circuit):
        raise ValueError(f"circuit must be an ecmolib.circuit.Circuit; got {type(circuit).__name__}")
    hb = patient.hb_g_dl
    pump = circuit.pump
    f0 = circuit.drainage_cannula.french
    pv0 = SCENARIO["venous_pressure_mmhg"] if venous_pressure_mmhg is None else float(venous_pressure_mmhg)
    rpm0 = min(3500.0, float(pump.rpm_max)) if rpm is None else 1500.0 + 50.0 * round((float(rpm) - 1500.0) / 50.0)
    rpm0 = min(max(rpm0, 1500.0), float(pump.rpm_max))
    specs = {
        "rpm": SliderSpec("pump speed", "rpm", 1500.0, float(pump.rpm_max), rpm0, 50.0, ".0f"),
        "french": SliderSpec("drainage cannula", "Fr", float(max(4, round(0.6 * f0))),
                             float(min(40, round(1.2 * f0))), float(round(f0)), 1.0, ".0f"),
        "venous_pressure_mmhg": _spec_around("venous filling pressure", "mmHg", 2.0, 15.0, pv0, 0.5, ".1f"),
        "arterial_pressure_mmhg": _return_pressure_spec(circuit, arterial_pressure_mmhg),
    }
    rs = specs["rpm"]
    grid = rs.grid()

    @functools.lru_cache(maxsize=64)
    def variant(french):
        return with_drainage_cannula(circuit, french)

    @functools.lru_cache(maxsize=256)
    def sweep(french, pv, pa):
        return speed_sweep(variant(french), grid, venous_pressure_mmhg=pv, arterial_pressure_mmhg=pa,
                           hb_g_dl=hb)

    # Fixed axes for every slider position: the extremes of the scenario's
    # corners (computed once; a slider move never rescales an axis).
    fs, ps, pas = specs["french"], specs["venous_pressure_mmhg"], specs["arterial_pressure_mmhg"]
    corners = [sweep(f, pv, pa) for f in (fs.low, fs.high) for pv in (ps.low, ps.high) for pa in (pas.low, pas.high)]
    q_reached = max(float(np.max(c.flow_l_min)) for c in corners)
    flow_axis = _flow_axis_l_min(q_reached, pump)
    pressure_top = max(float(np.max(c.pre_oxygenator_pressure_mmhg)) for c in corners)
    drainage_low = min(float(np.min(c.drainage_pressure_mmhg)) for c in corners)
    pressure_low = max(drainage_low, _PRESSURE_FLOOR_MMHG)
    # Room below the lowest pump inlet for its label (drawn under the point).
    profile_range = (pressure_low - 20.0 - 0.2 * (pressure_top - pressure_low), pressure_top + 40.0)
    drain_range = (drainage_low - 10.0, ps.high + 10.0)
    head_range = (min(0.0, pas.low - ps.high) - 10.0, 1.05 * float(pump.head_mmhg(pump.rpm_max, 0.0)))
    artists = weakref.WeakKeyDictionary()

    def state(rpm, french, venous_pressure_mmhg, arterial_pressure_mmhg):
        i = rs.index(rpm, name="rpm", units="rev/min")
        french = float(_v.checked("french", french, "Fr", low=fs.low, high=fs.high))
        pv = float(_v.checked("venous_pressure_mmhg", venous_pressure_mmhg, "mmHg", low=ps.low, high=ps.high))
        pa = float(_v.checked("arterial_pressure_mmhg", arterial_pressure_mmhg, "mmHg", low=pas.low,
                              high=pas.high))
        return sweep(french, pv, pa), i

    def numbers(sw, i):
        return {
            "rpm": float(grid[i]),
            "flow_l_min": _pick(sw.flow_l_min, i),
            "drainage_pressure_mmhg": _pick(sw.drainage_pressure_mmhg, i),
            "cannula_tip_pressure_mmhg": _pick(sw.cannula_tip_pressure_mmhg, i),
            "pre_oxygenator_pressure_mmhg": _pick(sw.pre_oxygenator_pressure_mmhg, i),
            "post_oxygenator_pressure_mmhg": _pick(sw.post_oxygenator_pressure_mmhg, i),
            "max_drainage_flow_l_min": _pick(sw.max_drainage_flow_l_min, i),
            "suction": float(bool(np.asarray(sw.suction)[i])),
        }

    def headline(sw, i):
        n = numbers(sw, i)
        return (f"flow {n['flow_l_min']:.2f} L/min   drainage {n['drainage_pressure_mmhg']:+.0f} mmHg   "
                f"pre-oxy {n['pre_oxygenator_pressure_mmhg']:+.0f}   post-oxy "
                f"{n['post_oxygenator_pressure_mmhg']:+.0f} mmHg")

    def draw(fig, **values):
        sw, i = state(**values)
        gs = fig.add_gridspec(3, 2, width_ratios=(1.25, 1.0), height_ratios=(1.0, 1.0, 1.45), hspace=0.55,
                              wspace=0.28, left=0.08, right=0.97, top=0.86, bottom=0.1)
        ax_hq = fig.add_subplot(gs[0:2, 0])
        ax_flow = fig.add_subplot(gs[0, 1])
        ax_drain = fig.add_subplot(gs[1, 1], sharex=ax_flow)
        ax_prof = fig.add_subplot(gs[2, :])
        a = {
            "hq": draw_pump_and_system(ax_hq, variant(values["french"]), sw, i, flow_max_l_min=flow_axis,
                                       head_range_mmhg=head_range, legend=False),
            "sweep": draw_speed_sweep(ax_flow, ax_drain, sw, i, drainage_range_mmhg=drain_range,
                                      flow_max_l_min=flow_axis, legend=False),
            "profile": draw_pressure_profile(ax_prof, sw, index=i, mode=circuit.mode,
                                             pressure_range_mmhg=profile_range),
        }
        ax_prof.set_title("... and read the pressures along the circuit", fontsize=10)
        a["headline"] = fig.text(0.5, 0.985, headline(sw, i), ha="center", va="top", fontsize=10.5)
        hq = a["hq"]
        # Suction's swatch is the thick red of the speed sweep, drawn at every
        # setting whose speed range reaches suction (the default's does);
        # the faint band on the pump curve shows only in suction and is
        # named by the operating point's label.
        point = Line2D([], [], ls="none", marker="o", ms=9, color="black")  # black at every setting
        handles = [hq["pump_curve"], hq["system_curve"], hq["venous_limit"], a["sweep"]["flow_suction"], point]
        labels = [h.get_label() for h in handles[:3]] + ["suction (drainage collapses)", "operating point"]
        fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.955),
                   ncol=5, fontsize=7.5, handlelength=1.6, columnspacing=1.2)
        artists[fig] = live_artists(fig, a)
        return numbers(sw, i)

    def update(fig, **values):
        sw, i = state(**values)
        a = artists[fig]
        update_pump_and_system(a["hq"], sw, i)
        update_speed_sweep(a["sweep"], sw, i)
        update_pressure_profile(a["profile"], sw, index=i)
        a["headline"].set_text(headline(sw, i))
        return numbers(sw, i)

    return Explorer(draw=draw, update=update, specs=specs, figsize=(9.0, 6.6))


#: This lesson's explorers, gathered by :data:`ecmolib.views.EXPLORERS`.
EXPLORERS = {"03 pump meets circuit": circuit_explorer}
