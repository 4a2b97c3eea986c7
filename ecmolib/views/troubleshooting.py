"""Lesson 09: troubleshooting cases on a monitor, the learner's choices, and the model's answer.

Every number drawn or printed here comes from :mod:`ecmolib.views.cases`
(the VV circuit and steady state, or the beat-by-beat heart and the VA
steady state); this module draws and prints.

* :func:`draw_monitor`: the monitor of a case as an ECMO console shows it:
  large numbers in tiles (dark on light grey, readable in greyscale), an
  alarm banner only while the console would alarm, and for VA cases the
  arterial pressure trace; before an action (no tile singled out), or after
  it with the value before in small type, an arrow, and the values to watch
  framed in black.
* :func:`present`: the case's story, an earlier chart line where the case
  has one, its monitor, and the causes and actions to choose from.
* :func:`choose`: the learner's cause and action checked with
  :func:`ecmolib.selfcheck.choice` (an action the case also accepts is
  said to be right too), then the model's result of the chosen action (any
  action: wrong ones show their consequences).
* :func:`report`: one line per action of the values to watch (the numbers
  the lesson's answers quote).
* :func:`paradox_explorer`: pump flow and cannula distance against SaO2 and
  the pre-oxygenator saturation with recirculation rising with flow: "more
  flow, lower SaO2".
"""

from __future__ import annotations

import textwrap
import weakref

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch, Rectangle

from ecmolib import _validation as _v
from ecmolib import patients as _patients
from ecmolib import selfcheck, vv, widgets
from ecmolib.views import cases as _cases
from ecmolib.widgets import Explorer, SliderSpec

__all__ = ["TILES", "VA_MODEL_NOTE", "tile_text", "draw_monitor", "present", "choose", "report", "paradox_states",
           "paradox_report", "paradox_explorer", "EXPLORERS"]

#: Monitor tiles: key -> (label, units). Units "%" are fractions shown in per cent.
TILES = {
    "sao2": ("SaO₂", "%"), "paco2_mmhg": ("PaCO₂", "mmHg"), "pre_oxygenator_so2": ("pre-oxygenator SO₂", "%"),
    "post_oxygenator_po2_mmhg": ("post-oxygenator PO₂", "mmHg"),
    "membrane_pressure_drop_mmhg": ("oxygenator ΔP", "mmHg"), "ecmo_flow_l_min": ("ECMO flow", "L/min"),
    "cardiac_output_l_min": ("cardiac output (echo)", "L/min"),
    "rpm": ("pump speed", "rev/min"), "drainage_pressure_mmhg": ("drainage pressure", "mmHg"),
    "venous_pressure_mmhg": ("CVP (venous filling)", "mmHg"), "map_mmhg": ("mean arterial P", "mmHg"),
    "pulse_pressure_mmhg": ("pulse pressure", "mmHg"), "right_radial_so2": ("right radial SO₂", "%"),
    "left_radial_so2": ("left radial SO₂", "%"),
    "lower_body_so2": ("femoral arterial SO₂", "%"), "lv_edp_mmhg": ("LV end-diastolic P", "mmHg"),
    "mean_pulmonary_venous_pressure_mmhg": ("pulmonary venous P", "mmHg"),
    "aortic_valve_open_fraction": ("aortic valve open", "% of time"),
    "recirculation_fraction": ("recirculation", "%"), "coronary_so2": ("coronary SO₂", "%"),
    "brain_so2": ("brain SO₂", "%"), "drainage_limited_fraction": ("drainage-limited", "% of time"),
}
# Printed by report() after the values to watch, by mode.
_REPORT_EXTRAS = {"vv": ("ecmo_flow_l_min", "recirculation_fraction"), "va": ("ecmo_flow_l_min", "map_mmhg")}
# Printed by report() for a case of the lesson, after those (values no tile shows, or the answer quotes).
_CASE_EXTRAS = {"recirculation": ("paco2_mmhg",),
                "differential_hypoxia": ("coronary_so2", "brain_so2"),
                "lv_distension": ("drainage_limited_fraction",)}
_SIZE = {"vv": (10.0, 3.7), "va": (10.0, 5.0)}
_COLUMNS = 5
_WATCH_EDGE = "black"
#: Printed under every VA case's story: the model's mean pressures run high (lesson 05's shocked heart
#: keeps its compensation; no baroreflex, no vasopressors to wean).
VA_MODEL_NOTE = ("Model note: this heart keeps the compensation of shock (no baroreflex, no vasopressors to wean), "
                 "so the mean pressures read higher than at a bedside; read their direction.")
# Chart line of a case's earlier state, by mode.
_CHART_KEYS = {"vv": ("ecmo_flow_l_min", "pre_oxygenator_so2", "sao2"),
               "va": ("ecmo_flow_l_min", "map_mmhg", "right_radial_so2")}
# Below this ECMO flow [L/min] nothing leaves the oxygenator forwards: its outlet PO2 means nothing.
_NO_FORWARD_FLOW_L_MIN = 0.05


def tile_text(key, value) -> str:
    """A monitor value as the tile shows it (no units).

    Examples
    --------
    >>> tile_text("sao2", 0.874), tile_text("ecmo_flow_l_min", 0.35), tile_text("drainage_pressure_mmhg", -89.7)
    ('87', '0.35', '−90')
    """
    if key not in TILES:
        raise ValueError(f"key must be a monitor value, one of {sorted(TILES)}; got {key!r}")
    _, units = TILES[key]
    v = _v.scalar(key, value, units or "1")
    if units.startswith("%"):
        text = f"{100.0 * v:.0f}"
    elif units == "L/min":
        text = f"{v:.2f}" if abs(v) < 2.0 else f"{v:.1f}"
    elif units == "mmHg" and abs(v) < 10.0:
        text = f"{v:.1f}"
    else:
        text = f"{v:.0f}"
    return text.replace("-", "−")


def _void(key, values) -> bool:
    """A tile whose number means nothing now: the post-oxygenator PO2 with no forward flow."""
    return key == "post_oxygenator_po2_mmhg" and float(values["ecmo_flow_l_min"]) < _NO_FORWARD_FLOW_L_MIN


def _arrow(key, before, after) -> str:
    b, a = float(tile_text(key, before).replace("−", "-")), float(tile_text(key, after).replace("−", "-"))
    return "▲" if a > b else "▼" if a < b else "="


def _tiles(ax, case, before, after):
    keys = _cases.MONITOR_KEYS[case.mode]
    rows = int(np.ceil(len(keys) / _COLUMNS))
    ax.set_xlim(0, _COLUMNS)
    ax.set_ylim(0, rows)
    ax.axis("off")
    shown = before if after is None else after
    for i, key in enumerate(keys):
        col, row = i % _COLUMNS, rows - 1 - i // _COLUMNS
        watched = after is not None and key in case.watch  # framed only once the learner has chosen
        void = _void(key, shown)
        ax.add_patch(FancyBboxPatch((col + 0.04, row + 0.05), 0.92, 0.9, boxstyle="round,pad=0,rounding_size=0.06",
                                    facecolor="0.82" if void else "0.93", edgecolor=_WATCH_EDGE if watched else "0.75",
                                    lw=2.6 if watched else 1.0))
        label, units = TILES[key]
        ax.text(col + 0.5, row + 0.83, label, ha="center", va="center", fontsize=8.5,
                fontweight="bold" if watched else "normal", color="0.1")
        value = "—" if void else tile_text(key, shown[key])
        y_value = row + 0.5 if after is None else row + 0.53
        ax.text(col + 0.5, y_value, value, ha="center", va="center", fontsize=21, fontweight="bold",
                color="0.3" if void else "black")
        ax.text(col + 0.5, row + 0.2 if after is None else row + 0.26, "no forward flow" if void else units,
                ha="center", va="center", fontsize=8, color="0.25")
        if after is not None:
            was = "—" if _void(key, before) else tile_text(key, before[key])
            arrow = "" if void or _void(key, before) else _arrow(key, before[key], after[key]) + " "
            ax.text(col + 0.5, row + 0.12, f"{arrow}was {was}", ha="center", va="center", fontsize=8, color="0.25")


def alarm_text(case, values):
    """The console's alarm, or None when it would not alarm.

    VV: the drainage pressure beyond its limit (the veins collapse,
    :func:`ecmolib.circuit.operating_point`'s ``suction``). VA: no forward
    flow (stopped, backwards or clamped), or a drainage-limited flow
    (the veins collapse around the cannula for most of the beat).

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.views import cases
    >>> case = cases.CASES["drainage"]
    >>> before, after = cases.monitor(case, patients.ADULT), cases.monitor(case, patients.ADULT, "c")
    >>> alarm_text(case, before), alarm_text(case, after)
    ('ALARM · drainage pressure low', None)
    """
    if case.mode == "vv":
        return "ALARM · drainage pressure low" if values["suction"] else None
    if float(values["ecmo_flow_l_min"]) < _NO_FORWARD_FLOW_L_MIN:
        return "ALARM · no forward flow"
    if float(values.get("drainage_limited_fraction", 0.0)) > 0.5:
        return "ALARM · drainage pressure low"
    return None


def _wave(ax, tr, *, label, style):
    period = 60.0 / float(tr.summary["heart_rate_bpm"])
    keep = tr.t_s >= tr.t_s[-1] - 2.0 * period
    t = tr.t_s[keep] - tr.t_s[keep][0]
    ax.plot(t, tr.aortic_pressure_mmhg[keep], color="black", lw=1.8, ls=style, label=label)


def draw_monitor(fig, case, before, after=None, *, trace_before=None, trace_after=None, title=None):
    """Draw a case's monitor into an empty figure: before, or after an action (with the values before).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    case : ecmolib.views.cases.Case
    before, after : dict
        Monitor values (:func:`ecmolib.views.cases.monitor`); ``after`` optional.
    trace_before, trace_after : ecmolib.hemodynamics.Trace, optional
        VA cases: the arterial pressure of the last two beats is drawn below the tiles.
    title : str, optional
        Line above the tiles; default the case's title.

    Returns
    -------
    dict
        The numbers shown (``after`` if given, else ``before``).
    """
    has_wave = trace_before is not None
    tiles = fig.add_axes((0.005, 0.30 if has_wave else 0.0, 0.99, 0.62 if has_wave else 0.88))
    _tiles(tiles, case, before, after)
    alarm = alarm_text(case, before if after is None else after)
    fig.text(0.01, 0.975, textwrap.shorten(title or case.title, 130 if alarm is None else 80), ha="left", va="top",
             fontsize=10.5, fontweight="bold")
    if alarm is not None:  # shown only while alarming, as a console does
        fig.text(0.99, 0.975, alarm, ha="right", va="top", fontsize=10.5, fontweight="bold", color="white",
                 bbox={"boxstyle": "round,pad=0.3", "facecolor": "black", "edgecolor": "black"})
    if has_wave:
        ax = fig.add_axes((0.08, 0.1, 0.8, 0.17))
        _wave(ax, trace_before, label="before" if trace_after is not None else "arterial pressure",
              style=(0, (4, 2)) if trace_after is not None else "-")
        if trace_after is not None:
            _wave(ax, trace_after, label="after", style="-")
        ax.set_ylabel("aortic\n[mmHg]", fontsize=8.5)
        ax.set_xlabel("time, last two beats [s]", fontsize=8.5, labelpad=1)
        ax.tick_params(labelsize=8)
        low, high = ax.get_ylim()
        ax.set_ylim(min(low, 0.0), max(high, 10.0) * 1.1)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    return dict(before if after is None else after)


def _figure(case):
    return plt.figure(figsize=_SIZE[case.mode])


def _traces(case, patient, action):
    if case.mode != "va":
        return {}
    return {"trace_before": _cases.trace(case, patient),
            "trace_after": None if action is None else _cases.trace(case, patient, action)}


def present(case, patient=_patients.ADULT) -> dict:
    """Print the case's story, show its monitor and list the causes and actions; return the monitor values."""
    case = _cases.checked_case(case)
    before = _cases.monitor(case, patient)
    print(textwrap.fill(case.story, 110))
    if case.earlier is not None:
        p = _patients._checked(patient)
        s = case.earlier.apply(_cases.settings(case, p), p)
        then = (_cases.evaluate_vv if case.mode == "vv" else _cases.evaluate_va)(p, s)
        print(f"Chart, {case.earlier.text}: " + _values(_CHART_KEYS[case.mode], then))
    if case.mode == "va":
        print(textwrap.fill(VA_MODEL_NOTE, 110))
    fig = _figure(case)
    draw_monitor(fig, case, before, **_traces(case, patient, None))
    plt.show()
    print(case.question)
    for key, text in case.causes.items():
        print(f"  {key}: {text}")
    print("What do you do?")
    for a in case.actions:
        print(f"  {a.key}: {a.text}")
    return before


def _key(answer, options):
    if not isinstance(answer, str):
        return None
    given = answer.strip().lower()
    for key, text in options.items():
        if given in (key.lower(), text.strip().lower()):
            return key
    return None


def choose(case, patient=_patients.ADULT, *, cause=None, action=None):
    """Check the learner's cause and action, then show what the model does after the chosen action.

    Parameters
    ----------
    case : ecmolib.views.cases.Case
    patient : ecmolib.patients.Patient
    cause, action : str or None
        The learner's choices: a letter (or the option's text); None
        before they have chosen.

    Returns
    -------
    dict or None
        The monitor values after the chosen action (None without a valid action).
    """
    case = _cases.checked_case(case)
    selfcheck.choice(cause, correct=case.cause, options=dict(case.causes), hint=case.hint)
    key = _key(action, case.options)
    if key in case.also_right:
        print(f"Right too: {key} ({case.options[key]}). {case.also_right[key]}")
    else:
        selfcheck.choice(action, correct=case.action, options=case.options, hint=case.hint)
    if key is None:
        print("Choose an action to see what the model does after it.")
        return None
    before = _cases.monitor(case, patient)
    after = _cases.monitor(case, patient, key)
    fig = _figure(case)
    draw_monitor(fig, case, before, after, title=f"after {key}: {case.find_action(key).text}",
                 **_traces(case, patient, key))
    plt.show()
    return after


def _values(keys, values) -> str:
    return "  ".join(f"{TILES[k][0]} {tile_text(k, values[k])}{'' if TILES[k][1].startswith('%') else ' '}"
                     f"{'%' if TILES[k][1].startswith('%') else TILES[k][1]}" for k in keys)


def _line(case, values) -> str:
    extras = _REPORT_EXTRAS[case.mode] + _CASE_EXTRAS.get(case.key, ())
    return _values(list(case.watch) + [k for k in extras if k not in case.watch], values)


def report(case, patient=_patients.ADULT) -> dict:
    """Print the values to watch before and after every action (the right one marked); return them all."""
    case = _cases.checked_case(case)
    found = _cases.outcomes(case, patient)
    print(f"{'before':<16s}{_line(case, found['before'])}")
    for a in case.actions:
        mark = " (right)" if a.key == case.action else " (also)" if a.key in case.also_right else ""
        print(f"{'after ' + a.key + mark:<16s}{_line(case, found[a.key])}")
    return found


# --------------------------------------------------------------------------
# Explorer: more flow, lower SaO2
# --------------------------------------------------------------------------

_DISTANCES_CM = (5.0, 40.0, 5.0)


def paradox_states(patient=_patients.ADULT, flows_l_min=None, cannula_distance_cm=10.0):
    """VV steady states of the recirculation case over pump flows, at one cannula distance.

    The case's settings (:data:`ecmolib.views.cases.CASES` ``["recirculation"]``:
    dead lungs, cardiac output 1.2 x rest, recirculation rising with flow
    from a reference of 0.5) with the flow set directly (no circuit:
    the pump is assumed to deliver it).

    Parameters
    ----------
    patient : ecmolib.patients.Patient
    flows_l_min : array_like, optional
        Pump flows [L/min]; default 0.3 to 1.3 times the case's cardiac
        output in 21 steps (within the oxygenator's range).
    cannula_distance_cm : float
        Tip-to-tip distance [cm], as for :class:`ecmolib.vv.FlowDependentRecirculation`.

    Returns
    -------
    ecmolib.vv.VVSteadyState
        Arrays over ``flows_l_min``.
    """
    p = _patients._checked(patient)
    s = _cases.settings(_cases.CASES["recirculation"], p)
    if flows_l_min is None:
        co = float(s["cardiac_output_l_min"])
        top = min(1.3 * co, 1.5 * _cases._oxygenator_for(p, "vv", s).max_blood_flow_l_min)
        flows_l_min = np.linspace(0.3 * co, top, 21)
    q = _v.checked("flows_l_min", flows_l_min, "L/min", low=0.0, low_inclusive=False)
    rec = vv.FlowDependentRecirculation(reference_recirculation=s["reference_recirculation"],
                                        cannula_distance_cm=cannula_distance_cm)
    ox = _cases._oxygenator_for(p, "vv", s)
    return vv.steady_state(p, q, recirculation=rec, shunt_fraction=s["shunt_fraction"], fio2=s["fio2"],
                           fdo2=s["fdo2"], sweep_l_min=s["sweep_to_blood_flow_ratio"] * q, oxygenator=ox,
                           cardiac_output_l_min=s["cardiac_output_l_min"], hb_g_dl=s["hb_g_dl"])


def paradox_report(patient=_patients.ADULT, distances_cm=(5.0, 10.0, 30.0, 40.0)) -> dict:
    """Print, for each cannula distance, the pump flow that gives the highest SaO2; return {distance: flow}.

    The flows are those of :func:`paradox_explorer`'s slider.

    Examples
    --------
    >>> best = paradox_report()  # doctest: +ELLIPSIS
    tips  5 cm apart: highest SaO₂ ...% at ... L/min (...% of the cardiac output); at ... L/min ...%; ...
    ...
    """
    p = _patients._checked(patient)
    flows = paradox_explorer(p).specs["pump_flow_l_min"].grid()
    co = float(_cases.settings(_cases.CASES["recirculation"], p)["cardiac_output_l_min"])
    best = {}
    for d in distances_cm:
        r = paradox_states(p, flows, d)
        i = int(np.argmax(r.sao2))
        best[float(d)] = float(flows[i])
        at_co = int(np.argmin(np.abs(flows - co)))
        limited = np.flatnonzero(np.asarray(r.supply_limited, bool))
        print(f"tips {d:2.0f} cm apart: highest SaO₂ {float(r.sao2[i]):.0%} at {flows[i]:.3g} L/min "
              f"({flows[i] / co:.0%} of the cardiac output); at {flows[at_co]:.3g} L/min {float(r.sao2[at_co]):.0%}; "
              f"at the top flow {float(r.sao2[-1]):.0%}"
              + (f"; O₂ uptake limited by delivery from {flows[limited[0]]:.3g} L/min" if limited.size else ""))
    return best


def paradox_explorer(patient=_patients.ADULT) -> Explorer:
    """Pump flow and cannula distance over SaO2, pre-oxygenator SO2 and effective flow.

    The pump flow runs from 0.3 to 1.3 times the case's cardiac output (at
    most 1.5 times the oxygenator's labelled maximum: the adult's top, 7.8
    L/min, is above its label, 7.0, and below its rated flow, 8.3), the
    tip-to-tip distance from 5 to 40
    cm. Every state is computed when the explorer is built (one vectorised
    :func:`ecmolib.vv.steady_state` per distance), so a move only moves the
    points and lines.
    """
    p = _patients._checked(patient)
    s = _cases.settings(_cases.CASES["recirculation"], p)
    co = float(s["cardiac_output_l_min"])
    top = min(1.3 * co, 1.5 * _cases._oxygenator_for(p, "vv", s).max_blood_flow_l_min)
    step = widgets.nice_step(co, 30.0)
    specs = {
        "pump_flow_l_min": SliderSpec.anchored("pump flow", "L/min", round(co / step) * step,
                                               round(0.3 * co / step) * step, np.floor(top / step) * step, step),
        "cannula_distance_cm": SliderSpec("distance between cannula tips", "cm", *_DISTANCES_CM[:2], 10.0,
                                          _DISTANCES_CM[2], ".0f"),
    }
    flows = specs["pump_flow_l_min"].grid()
    distances = specs["cannula_distance_cm"].grid()
    states = [paradox_states(p, flows, d) for d in distances]
    half_step = 0.5 * (flows[1] - flows[0])
    limited_from = []  # first flow of the supply-limited range (half a step before it), per distance
    for r in states:
        k = np.flatnonzero(np.asarray(r.supply_limited, bool))
        limited_from.append(float(flows[k[0]] - half_step) if k.size else float(flows[-1]))
    artists = weakref.WeakKeyDictionary()

    def numbers(i, j):
        r = states[j]
        return {"pump_flow_l_min": float(flows[i]), "effective_flow_l_min": float(r.effective_flow_l_min[i]),
                "recirculation_fraction": float(r.recirculation[i]), "sao2": float(r.sao2[i]),
                "pre_oxygenator_so2": float(r.pre_oxygenator.so2[i])}

    def indices(pump_flow_l_min, cannula_distance_cm):
        return (specs["pump_flow_l_min"].index(pump_flow_l_min, name="pump_flow_l_min"),
                specs["cannula_distance_cm"].index(cannula_distance_cm, name="cannula_distance_cm"))

    def draw(fig, pump_flow_l_min, cannula_distance_cm):
        i, j = indices(pump_flow_l_min, cannula_distance_cm)
        ax1, ax2 = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.25)
        a = {}
        (a["sao2"],) = ax1.plot([], [], color="black", lw=2.2, label="SaO₂ (patient)")
        (a["pre"],) = ax1.plot([], [], color="0.45", lw=2.0, ls=(0, (4, 2)), label="pre-oxygenator SO₂")
        (a["sao2_pt"],) = ax1.plot([], [], "o", color="black", ms=8)
        (a["pre_pt"],) = ax1.plot([], [], "s", color="0.45", ms=7)
        # Flows at which the O2 delivered falls below the consumption (the venous saturation at its floor):
        # the SaO2 curve bends there, because the tissues can extract no more.
        a["limited"] = ax1.add_patch(Rectangle((flows[-1], 0.0), 0.0, 1.05, facecolor="none", edgecolor="0.55",
                                               hatch="///", lw=0.0, zorder=0,
                                               label="O₂ uptake limited by delivery"))
        ax1.set_ylim(0.0, 1.05)
        ax1.set_xlim(flows[0], flows[-1])
        ax1.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax1.set_xlabel("pump flow [L/min]")
        ax1.set_ylabel("saturation")
        ax1.axvline(co, color="0.7", lw=1.0, zorder=0)
        ax1.text(co, 1.03, " cardiac output", fontsize=8, color="0.35", ha="left", va="top")
        ax1.legend(loc="lower right", fontsize=8.5, bbox_to_anchor=(1.0, 0.08))
        ax1.set_title("saturations", fontsize=10)
        (a["eff"],) = ax2.plot([], [], color="black", lw=2.2, label="effective flow (1 − R) × pump flow")
        (a["rec"],) = ax2.plot([], [], color="0.45", lw=2.0, ls=(0, (4, 2)), label="recirculated flow R × pump flow")
        (a["eff_pt"],) = ax2.plot([], [], "o", color="black", ms=8)
        ax2.set_xlim(flows[0], flows[-1])
        ax2.set_ylim(0.0, 1.05 * flows[-1])
        ax2.set_xlabel("pump flow [L/min]")
        ax2.set_ylabel("flow [L/min]")
        ax2.legend(loc="upper left", fontsize=8.5)
        ax2.set_title("where the pumped blood goes", fontsize=10)
        artists[fig] = widgets.live_artists(fig, a)
        return update(fig, pump_flow_l_min, cannula_distance_cm)

    def update(fig, pump_flow_l_min, cannula_distance_cm):
        i, j = indices(pump_flow_l_min, cannula_distance_cm)
        a, r = artists[fig], states[j]
        a["limited"].set_x(limited_from[j])
        a["limited"].set_width(flows[-1] - limited_from[j])
        a["sao2"].set_data(flows, r.sao2)
        a["pre"].set_data(flows, r.pre_oxygenator.so2)
        a["sao2_pt"].set_data([flows[i]], [r.sao2[i]])
        a["pre_pt"].set_data([flows[i]], [r.pre_oxygenator.so2[i]])
        a["eff"].set_data(flows, r.effective_flow_l_min)
        a["rec"].set_data(flows, r.recirculation * flows)
        a["eff_pt"].set_data([flows[i]], [r.effective_flow_l_min[i]])
        return numbers(i, j)

    return Explorer(draw=draw, update=update, specs=specs, figsize=(10.0, 4.0))


#: The lesson's explorers by name, each callable with no arguments.
EXPLORERS = {"09 more flow, lower SaO2": paradox_explorer}
