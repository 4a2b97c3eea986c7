"""Lesson 08: ECPR timing, the arrest timeline, oxygen debt and survival against time to flow.

Every number drawn here comes from two models:

* :mod:`ecmolib.ecpr`: the arrest timeline, the oxygen debt, the survival
  curves fitted to the pooled data of Mandigers et al. 2022 (shown beside
  them), the Monte Carlo of time to flow and the randomised trials;
* :func:`ecmolib.hemodynamics.simulate`: the beat-by-beat circulation in
  arrest, on chest compressions and on VA ECMO. Its forward flow during
  compressions is the CPR output the oxygen debt uses
  (:func:`cpr_output_fraction`).

The survival curves of the patient's population are used: ``"adult"`` for
the adult, ``"paediatric"`` for the neonate, infant and child
(:func:`population`).

The pictures:

* :func:`draw_timeline_view`: the timeline (no-flow, low-flow, ECMO flow,
  with its events), the oxygen debt since collapse and the survival
  curves with the pooled points, for the timeline on the sliders.
* :func:`draw_time_to_flow`: the distribution of time to flow (Monte
  Carlo over published interval distributions).
* :func:`draw_trials`: the three randomised trials, arm by arm.
* :func:`draw_sequence`: beat by beat, compressions, then ECMO flow, then
  ECMO alone with the arrested left ventricle filling.

Explorers (:data:`EXPLORERS`): the arrest timeline (six intervals; every
state precomputed when it is built) and ECPR beat by beat (VA flow, LV
vent; integrated on release and cached).
"""

from __future__ import annotations

import functools
import weakref

import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import PercentFormatter

from ecmolib import _validation as _v
from ecmolib import ecpr, hemodynamics, widgets
from ecmolib import patients as _patients
from ecmolib.widgets import Explorer, SliderSpec

__all__ = [
    "population",
    "data_range_min",
    "STEPS",
    "default_timeline",
    "timeline",
    "cpr_trace",
    "cpr_output_fraction",
    "timeline_numbers",
    "report",
    "debt_rates",
    "print_costs",
    "survival_rows",
    "print_survival_table",
    "draw_timeline_view",
    "update_timeline_view",
    "timeline_explorer",
    "time_to_flow_samples",
    "draw_time_to_flow",
    "draw_trials",
    "print_trials",
    "ecpr_sequence",
    "sequence_numbers",
    "sequence_report",
    "distension_report",
    "draw_sequence",
    "update_sequence",
    "sequence_explorer",
    "EXPLORERS",
]


def population(patient) -> str:
    """The survival curves for a patient: ``"adult"`` for an adult, ``"paediatric"`` otherwise.

    Examples
    --------
    >>> from ecmolib import patients
    >>> population(patients.ADULT), population(patients.INFANT)
    ('adult', 'paediatric')
    """
    p = _patients._checked(patient)
    return "adult" if p.age_group == "adult" else "paediatric"


def data_range_min(pop="adult") -> tuple[float, float]:
    """Shortest and longest low-flow time of the pooled data [min]; outside it the curves extrapolate.

    Examples
    --------
    >>> data_range_min("adult")
    (15.0, 60.0)
    """
    times = [p.low_flow_min for p in ecpr.pooled_data(population=pop)]
    return (min(times), max(times))


# ---------------------------------------------------------------------------
# The timeline
# ---------------------------------------------------------------------------

#: The timeline's intervals, in order [min]: no-flow (collapse to the first
#: compression), collapse to the call (or the ECMO team's activation), call
#: to the team's arrival, arrival to the decision to go to ECPR (the minutes
#: of failed conventional CPR), transport to the ECMO-capable place, and
#: arrival there to ECMO flow (cannulation).
STEPS = ("no_flow_min", "call_min", "arrival_min", "decision_min", "transport_min", "cannulation_min")

_LABELS = {
    "no_flow_min": "no-flow (collapse to CPR)", "call_min": "collapse to call",
    "arrival_min": "call to team arrival", "decision_min": "arrival to ECPR decision",
    "transport_min": "transport to ECMO centre", "cannulation_min": "arrival to ECMO flow",
}
# Slider ranges [min]: no-flow at most the shortest cannulation, so CPR
# always starts before ECMO flow; the longest timeline is 145 min.
_RANGES = {"no_flow_min": (0.0, 10.0), "call_min": (0.0, 10.0), "arrival_min": (0.0, 30.0),
           "decision_min": (0.0, 30.0), "transport_min": (0.0, 30.0), "cannulation_min": (10.0, 45.0)}
_STEP_MIN = {"no_flow_min": 0.5, "call_min": 0.5}  # the others: 1 min
_X_MAX_MIN = 150.0


def default_timeline(patient=_patients.ADULT) -> dict:
    """The lesson's timeline for a patient [min], keyed as :data:`STEPS`.

    ASSUMPTIONS, chosen to be typical of the settings of the trials and
    registries, not measured in one study:

    * adult (a witnessed out-of-hospital arrest with bystander CPR): 1 min
      of no-flow, call at 2 min, ambulance 8 min later, the decision to go
      to ECPR after 10 min of failed CPR on scene (the ELSO guideline:
      consider ECPR after 10-15 min of failed conventional CPR), 15 min of
      transport, 20 min from arrival to flow: flow at 55 min (ARREST
      reported 59 +/- 14 min from call to flow, EROCA 65 min,
      :data:`ecmolib.ecpr.ADULT_OHCA_HOSPITAL_ECPR`).
    * child (a monitored in-hospital arrest): no no-flow, team called at
      1 min and there 5 min later, decision after 10 min, no transport,
      30 min to flow: 46 min (Bembea et al. 2019: median 48 min,
      :data:`ecmolib.ecpr.PAEDIATRIC_IHCA_ECPR`).

    Examples
    --------
    >>> from ecmolib import patients
    >>> t = default_timeline(patients.ADULT)
    >>> timeline(patients.ADULT, **t).time_to_flow_min, timeline(patients.ADULT, **t).low_flow_min
    (55.0, 54.0)
    """
    if population(patient) == "adult":
        return {"no_flow_min": 1.0, "call_min": 2.0, "arrival_min": 8.0, "decision_min": 10.0,
                "transport_min": 15.0, "cannulation_min": 20.0}
    return {"no_flow_min": 0.0, "call_min": 1.0, "arrival_min": 5.0, "decision_min": 10.0,
            "transport_min": 0.0, "cannulation_min": 30.0}


def _steps(steps, patient=_patients.ADULT) -> dict:
    """The six intervals [min], checked; those not given are the patient's defaults (:func:`default_timeline`)."""
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise ValueError(f"unknown timeline intervals {sorted(unknown)}; valid names are {list(STEPS)}")
    steps = {**default_timeline(patient), **steps}
    return {k: _v.scalar(k, steps[k], "min", 0.0, ecpr.TIMELINE_MAX_MIN) for k in STEPS}


def timeline(patient=_patients.ADULT, **steps) -> ecpr.ArrestTimeline:
    """The :class:`ecmolib.ecpr.ArrestTimeline` of the six intervals of :data:`STEPS` [min].

    Intervals not given are the patient's (:func:`default_timeline`).

    The call, arrival, decision and transport intervals together are the
    timeline's ``recognition_call_min`` plus ``transport_min`` (call to
    arrival at the ECMO-capable place); the last interval is its
    ``cannulation_min``.
    """
    s = _steps(steps, _patients._checked(patient))
    return ecpr.ArrestTimeline(
        no_flow_min=s["no_flow_min"], recognition_call_min=s["call_min"],
        transport_min=s["arrival_min"] + s["decision_min"] + s["transport_min"],
        cannulation_min=s["cannulation_min"])


# ---------------------------------------------------------------------------
# CPR output from the beat-by-beat model, and the numbers of a timeline
# ---------------------------------------------------------------------------

_CPR_S = 10.0


@functools.lru_cache(maxsize=8)
def cpr_trace(patient) -> hemodynamics.Trace:
    """The patient in arrest on chest compressions: 10 s at the periodic steady state (cached)."""
    return hemodynamics.simulate(_patients._checked(patient), _CPR_S, arrest=True, compressions=True)


def cpr_output_fraction(patient) -> float:
    """Forward flow during chest compressions as a fraction of the patient's resting output.

    The systemic flow of the beat-by-beat model on compressions
    (:func:`cpr_trace`, ``summary["systemic_flow_l_min"]``) over the
    patient's resting cardiac output (``patient.cardiac_output_l_min``):
    the ``cpr_output_fraction`` of :func:`ecmolib.ecpr.oxygen_debt_ml_kg`.

    Validated for the adult only (0.32, inside the 20-35 % of normal
    forward flow in ``tests/test_hemodynamics.py``). For smaller patients
    the model gives more (child 0.40, infant 0.46, neonate 0.58): its
    extrapolation, not checked against paediatric measurements.

    Examples
    --------
    >>> from ecmolib import patients
    >>> round(cpr_output_fraction(patients.ADULT), 2)
    0.32
    """
    p = _patients._checked(patient)
    return float(cpr_trace(p).summary["systemic_flow_l_min"]) / p.cardiac_output_l_min


def _debt(patient, t_min, no_flow_min, time_to_flow_min):
    return ecpr.oxygen_debt_ml_kg(t_min, no_flow_min=no_flow_min, time_to_flow_min=time_to_flow_min,
                                  patient=patient, cpr_output_fraction=cpr_output_fraction(patient))


def timeline_numbers(patient=_patients.ADULT, **steps) -> dict:
    """Key numbers of a timeline: times, O2 debt at flow, survival and its cost per minute.

    Returns
    -------
    dict
        ``time_to_flow_min``, ``low_flow_min`` [min], ``o2_debt_at_flow_ml_kg``
        [mL/kg] (:func:`ecmolib.ecpr.oxygen_debt_ml_kg` with the CPR output of
        :func:`cpr_output_fraction`), ``ECPR_survival_fraction`` and
        ``conventional_survival_fraction`` (at that low-flow time, from
        :func:`ecmolib.ecpr.survival_probability`), and
        ``ECPR_points_lost_each_minute`` (percentage points of ECPR survival one
        more minute costs there, :func:`ecmolib.ecpr.marginal_cost_per_min`).
    """
    p = _patients._checked(patient)
    tl = timeline(p, **steps)
    pop = population(p)
    low = tl.low_flow_min
    return {
        "time_to_flow_min": tl.time_to_flow_min,
        "low_flow_min": low,
        "o2_debt_at_flow_ml_kg": float(_debt(p, tl.time_to_flow_min, tl.no_flow_min, tl.time_to_flow_min)),
        "ECPR_survival_fraction": float(ecpr.survival_probability(low, strategy="ecpr", population=pop)),
        "conventional_survival_fraction": float(
            ecpr.survival_probability(low, strategy="conventional", population=pop)),
        "ECPR_points_lost_each_minute": 100.0 * float(ecpr.marginal_cost_per_min(low, strategy="ecpr", population=pop)),
    }


def report(label, patient=_patients.ADULT, **steps) -> dict:
    """Print one line of a timeline's numbers (:func:`timeline_numbers`) and return them.

    Examples
    --------
    >>> _ = report("default", **default_timeline())  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
    default flow at 55 min, low-flow 54 min, O2 debt ... mL/kg, survival ECPR ...%, conventional ...%, ...
    """
    n = timeline_numbers(patient, **steps)
    print(f"{str(label):<28s} flow at {n['time_to_flow_min']:3.0f} min, low-flow {n['low_flow_min']:3.0f} min, "
          f"O2 debt {n['o2_debt_at_flow_ml_kg']:5.1f} mL/kg, survival ECPR {n['ECPR_survival_fraction']:5.1%}, "
          f"conventional {n['conventional_survival_fraction']:5.1%}, each minute costs ECPR "
          f"{n['ECPR_points_lost_each_minute']:.2f} points")
    return n


def debt_rates(patient=_patients.ADULT) -> dict:
    """How fast the O2 debt grows in each phase [mL/kg per min]: no-flow, CPR, ECMO flow.

    Differences of :func:`ecmolib.ecpr.oxygen_debt_ml_kg` over one minute
    of each phase, with the CPR output of :func:`cpr_output_fraction`.

    Examples
    --------
    >>> from ecmolib import patients
    >>> r = debt_rates(patients.ADULT)
    >>> r["no_flow_ml_kg_min"] > r["cpr_ml_kg_min"] > r["ecmo_ml_kg_min"]
    True
    """
    p = _patients._checked(patient)
    d = [float(_debt(p, t, 1.0, 2.0)) for t in (1.0, 2.0, 3.0)]
    return {"no_flow_ml_kg_min": d[0], "cpr_ml_kg_min": d[1] - d[0], "ecmo_ml_kg_min": d[2] - d[1]}


def print_costs(pop="adult", times_min=(15.0, 30.0, 45.0, 60.0)) -> dict:
    """Print what one more minute of low flow costs at some times, and the crossover; return the crossover [min]."""
    for t in times_min:
        e = 100.0 * float(ecpr.marginal_cost_per_min(t, strategy="ecpr", population=pop))
        c = 100.0 * float(ecpr.marginal_cost_per_min(t, strategy="conventional", population=pop))
        print(f"at {t:3.0f} min one more minute costs: ECPR {e:4.2f} points, conventional CPR {c:4.2f} points")
    cross = ecpr.crossover_min(pop)
    print(f"ECPR's curve lies above conventional CPR's after {cross:.1f} min of low flow ({pop})")
    return {"crossover_min": cross}


def survival_rows(pop="adult") -> list[dict]:
    """The pooled points beside the fitted curves, one row per pooled time.

    Returns
    -------
    list of dict
        ``low_flow_min``; ``pooled_ecpr``, ``fit_ecpr``, ``pooled_conventional``,
        ``fit_conventional`` [fractions].
    """
    rows = []
    for e, c in zip(ecpr.pooled_data("ecpr", pop), ecpr.pooled_data("conventional", pop)):
        rows.append({"low_flow_min": e.low_flow_min,
                     "pooled_ecpr": e.survival,
                     "fit_ecpr": float(ecpr.survival_probability(e.low_flow_min, strategy="ecpr", population=pop)),
                     "pooled_conventional": c.survival,
                     "fit_conventional": float(ecpr.survival_probability(c.low_flow_min, strategy="conventional",
                                                                         population=pop))})
    return rows


def print_survival_table(pop="adult") -> list[dict]:
    """Print :func:`survival_rows` as a small table and return the rows.

    Examples
    --------
    >>> _ = print_survival_table("adult")  # doctest: +ELLIPSIS
    adult, low-flow     ECPR: pooled   lesson   conventional: pooled   lesson
     15 min ...
    """
    rows = survival_rows(pop)
    print(f"{pop}, low-flow     ECPR: pooled   lesson   conventional: pooled   lesson")
    for r in rows:
        print(f"{r['low_flow_min']:3.0f} min {'':10s}{r['pooled_ecpr']:12.1%} {r['fit_ecpr']:8.1%}"
              f" {r['pooled_conventional']:22.1%} {r['fit_conventional']:8.1%}")
    return rows


# ---------------------------------------------------------------------------
# The timeline view: timeline, oxygen debt, survival
# ---------------------------------------------------------------------------

_EVENTS = ("collapse", "CPR starts", "call", "team arrives", "decision", "ECMO centre", "flow")
_ECPR_STYLE = {"color": "#b2182b", "ls": "-"}
_CONV_STYLE = {"color": "#2166ac", "ls": (0, (5, 2))}
_CURRENT = "#762a83"


def _event_times(s) -> list[float]:
    call = s["call_min"]
    team = call + s["arrival_min"]
    decision = team + s["decision_min"]
    centre = decision + s["transport_min"]
    return [0.0, s["no_flow_min"], call, team, decision, centre, centre + s["cannulation_min"]]


def _draw_timeline(ax, s):
    ax.set_xlim(0.0, _X_MAX_MIN)
    ax.set_ylim(0.0, 1.0)
    ax.set_yticks([])
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    ax.set_title("timeline: no-flow (black), CPR (hatched), ECMO flow (red)", fontsize=9.5, loc="left")
    a = {"no_flow": ax.add_patch(Rectangle((0, 0.05), 0, 0.25, facecolor="0.1", edgecolor="0.1")),
         "low_flow": ax.add_patch(Rectangle((0, 0.05), 0, 0.25, facecolor="0.75", edgecolor="0.3", hatch="///")),
         "flow": ax.add_patch(Rectangle((0, 0.05), 0, 0.25, facecolor=_ECPR_STYLE["color"], edgecolor="0.3"))}
    # The no-flow bar is often a minute or two wide: name it and its length in the CPR bar.
    a["no_flow_text"] = ax.text(0, 0.175, "", fontsize=7.5, ha="left", va="center",
                                bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"})
    a["ticks"] = [ax.plot([], [], color="0.3", lw=1.0, marker="|", ms=0)[0] for _ in _EVENTS]
    a["texts"] = [ax.text(0, 0, name, fontsize=7.5, ha="left", va="bottom") for name in _EVENTS]
    _update_timeline(a, s)
    return a


def _update_timeline(a, s):
    times = _event_times(s)
    nf, ttf = times[1], times[-1]
    a["no_flow"].set_width(nf)
    a["low_flow"].set_x(nf)
    a["low_flow"].set_width(ttf - nf)
    a["flow"].set_x(ttf)
    a["flow"].set_width(_X_MAX_MIN - ttf)
    a["no_flow_text"].set_x(nf + 1.0)
    a["no_flow_text"].set_text(f"◀ no-flow {nf:g} min")
    for t, (row, x), tick, text in zip(times, _label_rows(times), a["ticks"], a["texts"]):
        tick.set_data([t, t], [0.05, _ROW_Y[0] - 0.02])  # up to the first row: a tick never crosses a label
        text.set_position((x, _ROW_Y[row]))
    return a


# Label rows of the timeline's events (axes fraction) and the width of one
# character of their 7.5 pt font on the time axis [min] (about 150 min over
# 4.7 inch of axes; measured on the drawn figure, with a margin).
_ROW_Y = (0.36, 0.52, 0.68, 0.84)
_CHAR_MIN = 1.9


def _label_rows(times):
    """Row and start [min] of each event label: the lowest row whose last label ends before this
    one starts; when every row is taken, the row that frees first, the label moved right to start there."""
    ends = [-np.inf] * len(_ROW_Y)
    placed = []
    for t, name in zip(times, _EVENTS):
        row = next((r for r, end in enumerate(ends) if t >= end), int(np.argmin(ends)))
        x = max(t, ends[row])
        ends[row] = x + _CHAR_MIN * (len(name) + 2)  # a gap of two characters: labels never run together
        placed.append((row, x))
    return placed


def _draw_debt(ax, p, debt_grid, no_cpr_max):
    ax.set_xlim(0.0, _X_MAX_MIN)
    ax.set_ylim(0.0, 1.08 * no_cpr_max)
    ax.set_xlabel("time since collapse [min]")
    ax.set_ylabel("O₂ debt [mL/kg]")
    ax.plot([0.0, _X_MAX_MIN], [0.0, no_cpr_max], color="0.55", lw=1.5, ls=(0, (2, 2)),
            label="no CPR at all")
    a = {}
    (a["debt"],) = ax.plot([], [], color="black", lw=2.0, label="this timeline")
    (a["at_flow"],) = ax.plot([], [], "o", color=_CURRENT, ms=7)
    ax.legend(loc="upper left", fontsize=8)
    return a


def _update_debt(a, times_min, debts):
    a["debt"].set_data(times_min, debts)
    a["at_flow"].set_data([times_min[2]], [debts[2]])
    return a


# How far before the first pooled point the dotted extrapolation is drawn [min]:
# further back, conventional CPR's curve climbs off the axis.
_EXTRAPOLATE_BEFORE_MIN = 5.0


def _draw_survival(ax, pop, t_grid, curves):
    lo, hi = data_range_min(pop)
    ax.set_xlim(0.0, _X_MAX_MIN)
    ax.set_ylim(0.0, 0.75)
    ax.set_xlabel("low-flow time (CPR until ECMO flow) [min]")
    ax.set_ylabel("short-term survival [%]")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    for x0, x1 in ((0.0, lo), (hi, _X_MAX_MIN)):
        ax.axvspan(x0, x1, color="0.93", zorder=0)
    inside = (t_grid >= lo) & (t_grid <= hi)
    early = (t_grid >= lo - _EXTRAPOLATE_BEFORE_MIN) & (t_grid <= lo)
    for strategy, style, name in (("ecpr", _ECPR_STYLE, "ECPR"), ("conventional", _CONV_STYLE, "conventional CPR")):
        y = curves[strategy]
        ax.plot(t_grid[inside], y[inside], lw=2.2, label=f"{name} (fit)", gid="fit", **style)
        for part in (early, t_grid >= hi):  # thin and dotted: the fit beyond its data (not far before it)
            ax.plot(t_grid[part], y[part], lw=1.0, color=style["color"], ls=":", gid="extrapolated")
        pts = ecpr.pooled_data(strategy, pop)
        marker = "o" if strategy == "ecpr" else "s"
        ax.plot([q.low_flow_min for q in pts], [q.survival for q in pts], marker, ms=7, mfc="white",
                mec=style["color"], mew=1.8, ls="none", label=f"{name}, pooled data", zorder=4)
    src = ecpr.pooled_data("ecpr", pop)[0]
    ax.text(0.99, 0.99, f"markers: pooled estimates, {src.authors.split(',')[0]} et al. {src.year}\n"
            f"({pop}; conventional = initial shockable rhythm)\n"
            f"shaded: outside the pooled data ({lo:.0f}-{hi:.0f} min); dotted: extrapolated",
            transform=ax.transAxes, ha="right", va="top", fontsize=7.5, color="0.25", zorder=6,
            bbox={"boxstyle": "square,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})
    ax.legend(loc="upper right", fontsize=7.5, bbox_to_anchor=(1.0, 0.86))
    a = {"line": ax.axvline(0.0, color=_CURRENT, lw=1.2, zorder=3)}
    (a["ecpr"],) = ax.plot([], [], "o", color=_ECPR_STYLE["color"], ms=8, zorder=5)
    (a["conv"],) = ax.plot([], [], "s", color=_CONV_STYLE["color"], ms=7, zorder=5)
    a["text"] = ax.text(0.0, 1.01, "", fontsize=9, color=_CURRENT, transform=ax.transAxes, va="bottom")
    return a


def _update_survival(a, low_flow_min, s_ecpr, s_conv):
    a["line"].set_xdata([low_flow_min, low_flow_min])
    a["ecpr"].set_data([low_flow_min], [s_ecpr])
    a["conv"].set_data([low_flow_min], [s_conv])
    a["text"].set_text(f"at {low_flow_min:.0f} min of low flow: ECPR {s_ecpr:.1%}, conventional CPR {s_conv:.1%}")
    return a


class _TimelineTables:
    """Everything the timeline view shows, precomputed over every slider position."""

    def __init__(self, patient, specs):
        self.patient = patient
        self.pop = population(patient)
        nf = specs["no_flow_min"].grid()
        top = sum(sp.high for sp in specs.values()) - specs["no_flow_min"].high
        self.ttf = np.round(np.arange(0.0, top + 0.25, 0.5), 10)
        self.t_grid = np.round(np.arange(0.0, _X_MAX_MIN + 0.25, 0.5), 10)
        nf2, ttf2 = np.meshgrid(nf, self.ttf, indexing="ij")
        valid = nf2 <= ttf2
        nf_ok = np.where(valid, nf2, 0.0)
        # O2 debt at CPR start, at flow and at the axis end, in one vectorised call.
        t3 = np.stack([nf_ok, ttf2, np.full_like(ttf2, _X_MAX_MIN)])
        self.debt = _debt(patient, t3, nf_ok, ttf2)
        self.nf = nf
        self.curves = {s: ecpr.survival_probability(self.t_grid, strategy=s, population=self.pop)
                       for s in ecpr.STRATEGIES}
        self.cost = ecpr.marginal_cost_per_min(self.t_grid, strategy="ecpr", population=self.pop)
        self.no_cpr_max = float(_debt(patient, _X_MAX_MIN, _X_MAX_MIN, _X_MAX_MIN))

    def state(self, s):
        times = _event_times(s)
        i = int(np.argmin(np.abs(self.nf - s["no_flow_min"])))
        j = int(np.argmin(np.abs(self.ttf - times[-1])))
        k = int(np.argmin(np.abs(self.t_grid - (times[-1] - s["no_flow_min"]))))
        debts = [0.0, *(float(self.debt[m, i, j]) for m in range(3))]
        return {"times": [0.0, times[1], times[-1], _X_MAX_MIN], "debts": debts, "k": k,
                "numbers": {"time_to_flow_min": times[-1], "low_flow_min": times[-1] - times[1],
                            "o2_debt_at_flow_ml_kg": debts[2],
                            "ECPR_survival_fraction": float(self.curves["ecpr"][k]),
                            "conventional_survival_fraction": float(self.curves["conventional"][k]),
                            "ECPR_points_lost_each_minute": 100.0 * float(self.cost[k])}}


def draw_timeline_view(fig, tables, s):
    """Timeline (top left), O2 debt (bottom left) and survival (right) for the intervals ``s`` [min]."""
    gs = fig.add_gridspec(2, 2, height_ratios=[1.0, 2.2], width_ratios=[1.0, 1.05], hspace=0.32, wspace=0.22)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.1, top=0.94)
    ax_t, ax_d, ax_s = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[1, 0]), fig.add_subplot(gs[:, 1])
    st = tables.state(s)
    a = {"timeline": _draw_timeline(ax_t, s),
         "debt": _draw_debt(ax_d, tables.patient, tables.debt, tables.no_cpr_max),
         "survival": _draw_survival(ax_s, tables.pop, tables.t_grid, tables.curves)}
    _update_debt(a["debt"], st["times"], st["debts"])
    n = st["numbers"]
    _update_survival(a["survival"], n["low_flow_min"], n["ECPR_survival_fraction"],
                     n["conventional_survival_fraction"])
    return a, n


def update_timeline_view(a, tables, s) -> dict:
    """Show another timeline on the artists of :func:`draw_timeline_view`; return its numbers."""
    st = tables.state(s)
    _update_timeline(a["timeline"], s)
    _update_debt(a["debt"], st["times"], st["debts"])
    n = st["numbers"]
    _update_survival(a["survival"], n["low_flow_min"], n["ECPR_survival_fraction"],
                     n["conventional_survival_fraction"])
    return n


def _shown(n) -> dict:
    """The timeline's numbers for the readout: survival in per cent, so that 0.4 % does not read 0 %."""
    shown = {k: v for k, v in n.items() if not k.endswith("_survival_fraction")}
    shown["ECPR_survival_percent"] = 100.0 * n["ECPR_survival_fraction"]
    shown["conventional_survival_percent"] = 100.0 * n["conventional_survival_fraction"]
    return shown


@functools.lru_cache(maxsize=8)
def _tables(patient, frozen_specs):
    return _TimelineTables(patient, dict(frozen_specs))


def _timeline_specs(patient, steps) -> dict:
    specs = {}
    for k in STEPS:
        lo, hi = _RANGES[k]
        value = float(np.clip(steps[k], lo, hi))
        specs[k] = SliderSpec.anchored(_LABELS[k], "min", value, lo, hi, _STEP_MIN.get(k, 1.0),
                                       ".1f" if k in _STEP_MIN else ".0f")
    return specs


def timeline_explorer(patient=_patients.ADULT, **steps) -> Explorer:
    """Six sliders, one per interval of the timeline, over the timeline, O2 debt and survival.

    Every state is computed when the explorer is built: the O2 debt for
    every no-flow time and time to flow in one vectorised call, the
    survival curves and their cost per minute over every low-flow time; a
    slider move only looks them up.
    """
    p = _patients._checked(patient)
    s0 = _steps(steps, p)
    specs = _timeline_specs(p, s0)
    tables = _tables(p, tuple(specs.items()))
    artists = weakref.WeakKeyDictionary()

    def draw(fig, **s):
        a, n = draw_timeline_view(fig, tables, s)
        artists[fig] = widgets.live_artists(fig, a)
        return _shown(n)

    def update(fig, **s):
        return _shown(update_timeline_view(artists[fig], tables, s))

    return Explorer(draw=draw, update=update, specs=specs, figsize=(10.5, 5.6))


# ---------------------------------------------------------------------------
# Time to flow: Monte Carlo
# ---------------------------------------------------------------------------

_DRAWS = 100_000
_SEED = 8


@functools.lru_cache(maxsize=4)
def time_to_flow_samples(pop="adult") -> dict:
    """Monte Carlo samples of time to flow (:func:`ecmolib.ecpr.simulate_time_to_flow`, 100 000 draws, seeded).

    Adults: in-hospital ECPR after transport (EROCA intervals) and ECPR at
    the scene (CHEER3 intervals); children: in-hospital arrest (GWTG-R/ELSO).
    """
    if pop == "adult":
        dists = (ecpr.ADULT_OHCA_HOSPITAL_ECPR, ecpr.ADULT_OHCA_PREHOSPITAL_ECPR)
    elif pop == "paediatric":
        dists = (ecpr.PAEDIATRIC_IHCA_ECPR,)
    else:
        raise ValueError(f"pop must be 'adult' or 'paediatric'; got {pop!r}")
    return {d.name: ecpr.simulate_time_to_flow(d, _DRAWS, seed=_SEED) for d in dists}


def draw_time_to_flow(ax, samples: dict, *, goal_min=60.0):
    """Histograms (as outlines, one line style each) of the time to flow, with the goal marked."""
    bins = np.arange(0.0, 181.0, 5.0)
    styles = ({"color": "black", "ls": "-"}, {"color": "#b2182b", "ls": (0, (5, 2))})
    for (name, smp), style in zip(samples.items(), styles):
        h, _ = np.histogram(smp.time_to_flow_min, bins=bins)  # draws beyond 180 min are left out
        within = float(smp.fraction_with_flow_within(goal_min))
        label = f"{name}:\n{within:.0%} within {goal_min:.0f} min, expected survival {smp.expected_survival:.0%}"
        ax.stairs(h / smp.time_to_flow_min.size, bins, lw=2.0, label=label, **style)
    top = 1.75 * ax.get_ylim()[1]  # room above the histograms for the legend
    ax.set_ylim(0.0, top)
    ax.axvline(goal_min, color="0.4", lw=1.2, ls=(0, (1, 1.5)))
    ax.text(goal_min - 1.5, 0.97 * top, f"goal:\nflow by {goal_min:.0f} min", fontsize=8, va="top", ha="right",
            color="0.3")
    ax.set_xlim(0.0, 180.0)
    ax.set_xlabel("time from collapse to ECMO flow [min]")
    ax.set_ylabel("share of arrests per 5 min")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.legend(loc="upper right", fontsize=8)
    return ax


# ---------------------------------------------------------------------------
# The randomised trials
# ---------------------------------------------------------------------------


def _primary_arms():
    arms = {}
    for a in ecpr.trial_data():
        if a.analysis.startswith("primary"):
            arms.setdefault(a.trial, {})[a.strategy] = a
    return arms


def print_trials() -> dict:
    """Print each trial's primary result, ECPR against conventional; return the arms by trial."""
    arms = _primary_arms()
    for trial, pair in arms.items():
        e, c = pair["ecpr"], pair["conventional"]
        print(f"{trial:<12s} {e.outcome}: ECPR {e.percent_reported:.0f}% of {e.n}, "
              f"conventional {c.percent_reported:.0f}% of {c.n}")
    return arms


def draw_trials(ax):
    """Each trial's primary outcome, ECPR (circle) against conventional CPR (square), with its n."""
    arms = _primary_arms()
    for i, (trial, pair) in enumerate(arms.items()):
        e, c = pair["ecpr"], pair["conventional"]
        ax.plot([i, i], [c.percent_reported / 100, e.percent_reported / 100], color="0.6", lw=1.5, zorder=1)
        ax.plot(i, e.percent_reported / 100, "o", ms=9, color=_ECPR_STYLE["color"], zorder=2,
                label="ECPR arm" if i == 0 else None)
        ax.plot(i, c.percent_reported / 100, "s", ms=8, color=_CONV_STYLE["color"], zorder=2,
                label="conventional arm" if i == 0 else None)
        for arm, dx in ((e, 0.12), (c, 0.12)):
            ax.text(i + dx, arm.percent_reported / 100, f"{arm.percent_reported:.0f}% of {arm.n}",
                    va="center", fontsize=7.5)
    # Each trial measured a different outcome: it is named under the trial, in the tick label.
    ax.set_xticks(range(len(arms)), [f"{trial}\n{_wrap(pair['ecpr'].outcome)}" for trial, pair in arms.items()],
                  fontsize=8)
    for tick in ax.get_xticklabels():
        tick.set_linespacing(1.15)
    ax.set_xlim(-0.5, len(arms) - 0.2)
    ax.set_ylim(0.0, 0.5)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("primary outcome, as each trial defined it [%]")
    ax.set_title("randomised trials: three different primary outcomes", fontsize=9.5)
    ax.legend(loc="upper right", fontsize=8)
    return ax


def _wrap(text, width=18):
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join([*lines, line])


# ---------------------------------------------------------------------------
# Beat by beat: compressions, then ECMO flow, then ECMO alone
# ---------------------------------------------------------------------------

_ON_S = 10.0      # compressions with ECMO flow [s]
_OFF_S = 60.0     # ECMO alone, the heart arrested [s]
_SAMPLE_S = 0.01


@functools.lru_cache(maxsize=32)
def _sequence(patient, va_flow_l_min, lv_vent_flow_l_min):
    cpr = cpr_trace(patient)
    on = hemodynamics.simulate(patient, _ON_S, arrest=True, compressions=True, va_flow_l_min=va_flow_l_min,
                               lv_vent_flow_l_min=lv_vent_flow_l_min, initial_state=cpr.final_state,
                               sample_interval_s=_SAMPLE_S)
    off = hemodynamics.simulate(patient, _OFF_S, arrest=True, va_flow_l_min=va_flow_l_min,
                                lv_vent_flow_l_min=lv_vent_flow_l_min, initial_state=on.final_state,
                                sample_interval_s=_SAMPLE_S)
    return cpr, on, off


def ecpr_sequence(patient=_patients.ADULT, va_flow_l_min=None, lv_vent_flow_l_min=0.0):
    """Beat by beat: 10 s of compressions, 10 s of compressions with VA flow, 60 s of VA flow alone.

    Each run continues from the state the previous one ended in
    (``initial_state``); the heart is arrested throughout, so once the
    compressions stop nothing empties the left ventricle but a vent
    (cached by setting).

    Parameters
    ----------
    patient : ecmolib.patients.Patient
    va_flow_l_min : float, optional
        Set VA flow [L/min]; valid (0, 15]. Default the patient's typical
        full VA flow (:func:`ecmolib.patients.target_ecmo_flow_l_min`).
    lv_vent_flow_l_min : float
        LV vent flow [L/min]; valid [0, 5].

    Returns
    -------
    tuple of ecmolib.hemodynamics.Trace
        (compressions, compressions with VA flow, VA flow alone).
    """
    p = _patients._checked(patient)
    q = _patients.target_ecmo_flow_l_min(p, "va") if va_flow_l_min is None else va_flow_l_min
    q = _v.scalar("va_flow_l_min", q, "L/min", 0.0, 15.0, low_inclusive=False)
    v = _v.scalar("lv_vent_flow_l_min", lv_vent_flow_l_min, "L/min", 0.0, 5.0)
    return _sequence(p, round(q, 6), round(v, 6))


def _at(tr, t_s, values):
    return float(np.interp(t_s, tr.t_s, values))


def sequence_numbers(patient=_patients.ADULT, va_flow_l_min=None, lv_vent_flow_l_min=0.0) -> dict:
    """Key numbers of :func:`ecpr_sequence`: CPR, CPR with ECMO, and the LV after the compressions stop.

    Returns
    -------
    dict
        ``cpr_map_mmhg``, ``cpr_systolic_mmhg``, ``cpr_diastolic_mmhg``,
        ``cpr_coronary_perfusion_pressure_mmhg``, ``cpr_flow_fraction`` (of
        the patient's resting output), ``cpr_ra_peak_mmhg`` (the highest
        right-atrial pressure at a compression), ``cpr_lv_volume_min_ml`` and
        ``cpr_lv_volume_max_ml`` (the model's LV during compressions: far
        smaller than a real arrested ventricle, a limit of the model);
        ``on_ecmo_map_mmhg``,
        ``on_ecmo_drained_l_min`` (with compressions); ``ecmo_alone_map_mmhg``,
        ``ecmo_alone_coronary_perfusion_pressure_mmhg``; ``lv_volume_start_ml``
        and ``lv_volume_end_ml``, ``lv_pressure_start_mmhg`` and
        ``lv_pressure_end_mmhg`` (when the compressions stop and 60 s later).
    """
    p = _patients._checked(patient)
    cpr, on, off = ecpr_sequence(p, va_flow_l_min, lv_vent_flow_l_min)
    c, o, f = cpr.summary, on.summary, off.summary
    return {
        "cpr_map_mmhg": c["map_mmhg"], "cpr_systolic_mmhg": c["systolic_pressure_mmhg"],
        "cpr_diastolic_mmhg": c["diastolic_pressure_mmhg"],
        "cpr_coronary_perfusion_pressure_mmhg": c["coronary_perfusion_pressure_mmhg"],
        "cpr_flow_fraction": c["systemic_flow_l_min"] / p.cardiac_output_l_min,
        "cpr_ra_peak_mmhg": c["peak_venous_pressure_mmhg"],
        "cpr_lv_volume_min_ml": float(np.min(cpr.lv_volume_ml)),
        "cpr_lv_volume_max_ml": float(np.max(cpr.lv_volume_ml)),
        "on_ecmo_map_mmhg": o["map_mmhg"], "on_ecmo_drained_l_min": o["ecmo_flow_l_min"],
        "ecmo_alone_map_mmhg": f["map_mmhg"],
        "ecmo_alone_coronary_perfusion_pressure_mmhg": f["coronary_perfusion_pressure_mmhg"],
        "lv_volume_start_ml": float(off.lv_volume_ml[0]), "lv_volume_end_ml": float(off.lv_volume_ml[-1]),
        "lv_pressure_start_mmhg": float(off.lv_pressure_mmhg[0]),
        "lv_pressure_end_mmhg": float(off.lv_pressure_mmhg[-1]),
    }


def sequence_report(patient=_patients.ADULT, va_flow_l_min=None, lv_vent_flow_l_min=0.0) -> dict:
    """Print the numbers of :func:`sequence_numbers` in four lines and return them."""
    p = _patients._checked(patient)
    n = sequence_numbers(p, va_flow_l_min, lv_vent_flow_l_min)
    print(f"compressions:        arterial {n['cpr_systolic_mmhg']:.0f}/{n['cpr_diastolic_mmhg']:.0f} mmHg, "
          f"mean {n['cpr_map_mmhg']:.0f}; right-atrial peak {n['cpr_ra_peak_mmhg']:.0f} mmHg; coronary perfusion "
          f"pressure {n['cpr_coronary_perfusion_pressure_mmhg']:.0f} mmHg")
    print(f"                     forward flow {n['cpr_flow_fraction']:.0%} of normal; model LV "
          f"{_f(n['cpr_lv_volume_min_ml'], 0)}-{_f(n['cpr_lv_volume_max_ml'], 0)} mL")
    print(f"+ ECMO flow set {_set_flow(p, va_flow_l_min):.2f} L/min: drained {n['on_ecmo_drained_l_min']:.2f} L/min "
          f"during compressions, mean {n['on_ecmo_map_mmhg']:.0f} mmHg")
    print(f"ECMO alone, 60 s:    mean {n['ecmo_alone_map_mmhg']:.0f} mmHg, coronary perfusion pressure "
          f"{n['ecmo_alone_coronary_perfusion_pressure_mmhg']:.0f} mmHg; LV volume "
          f"{_f(n['lv_volume_start_ml'], 0)} -> {_f(n['lv_volume_end_ml'], 0)} mL, LV pressure "
          f"{_f(n['lv_pressure_start_mmhg'], 1)} -> {_f(n['lv_pressure_end_mmhg'], 1)} mmHg")
    return n


@functools.lru_cache(maxsize=8)
def _distension(patient, minutes):
    off = ecpr_sequence(patient)[2]
    return hemodynamics.simulate(patient, 60.0 * minutes, arrest=True,
                                 va_flow_l_min=_patients.target_ecmo_flow_l_min(patient, "va"),
                                 initial_state=off.final_state, sample_interval_s=1.0)


def distension_report(patient=_patients.ADULT, minutes=10.0) -> dict:
    """The arrested heart on full VA flow ``minutes`` [min] longer than :func:`ecpr_sequence`: print and return.

    Returns
    -------
    dict
        ``lv_volume_ml``, ``lv_pressure_mmhg`` and ``pulmonary_venous_pressure_mmhg``
        at the end [mL, mmHg].
    """
    p = _patients._checked(patient)
    m = _v.scalar("minutes", minutes, "min", 0.0, 30.0, low_inclusive=False)
    tr = _distension(p, m)
    n = {"lv_volume_ml": float(tr.lv_volume_ml[-1]), "lv_pressure_mmhg": float(tr.lv_pressure_mmhg[-1]),
         "pulmonary_venous_pressure_mmhg": float(tr.pulmonary_venous_pressure_mmhg[-1])}
    print(f"{m:.0f} min later, no ejection: LV {_f(n['lv_volume_ml'], 0)} mL, LV pressure "
          f"{_f(n['lv_pressure_mmhg'], 1)} mmHg, pulmonary venous pressure "
          f"{_f(n['pulmonary_venous_pressure_mmhg'], 1)} mmHg")
    return n


def _f(x, decimals) -> str:
    """``x`` with ``decimals`` decimals, never "-0"."""
    return f"{round(float(x), decimals) + 0.0:.{decimals}f}"


def _set_flow(p, va_flow_l_min):
    return _patients.target_ecmo_flow_l_min(p, "va") if va_flow_l_min is None else float(va_flow_l_min)


_PHASES = (("compressions", "#d9d9d9"), ("compressions\n+ ECMO", "#f4c7c3"), ("ECMO alone, heart arrested", "white"))


def _joined(seq):
    """Time [s] and the series of the three runs laid end to end."""
    cpr, on, off = seq
    t = np.concatenate([cpr.t_s, _CPR_S + on.t_s, _CPR_S + _ON_S + off.t_s])
    cat = {name: np.concatenate([getattr(tr, name) for tr in seq])
           for name in ("aortic_pressure_mmhg", "venous_pressure_mmhg", "lv_volume_ml")}
    return t, cat


_ZOOM_S = 2.0  # the zoom on the compressions: their last 2 s [s]


def draw_sequence(axes, seq, *, p_max_mmhg, v_max_ml, ax_zoom=None):
    """Aortic and right-atrial pressure (top) and LV volume (bottom) through the three phases.

    At 110 compressions a minute the pressure traces of 80 s fill a solid
    band; ``ax_zoom`` (optional) shows the last 2 s of compressions alone,
    where aortic and right-atrial pressure can be told apart.
    """
    ax_p, ax_v = axes
    t_end = _CPR_S + _ON_S + _OFF_S
    for ax in axes:
        x0 = 0.0
        for (name, colour), dur in zip(_PHASES, (_CPR_S, _ON_S, _OFF_S)):
            ax.axvspan(x0, x0 + dur, color=colour, zorder=0, lw=0)
            x0 += dur
        ax.set_xlim(0.0, t_end)
    x0 = 0.0
    for (name, _), dur in zip(_PHASES, (_CPR_S, _ON_S, _OFF_S)):
        ax_p.text(x0 + 0.5 * dur, 1.32 * p_max_mmhg, name, ha="center", va="top", fontsize=8, color="0.25")
        x0 += dur
    a = {}
    (a["aortic"],) = ax_p.plot([], [], color="black", lw=0.9, label="aortic pressure")
    (a["ra"],) = ax_p.plot([], [], color="#2166ac", lw=0.9, ls=(0, (3, 1.5)), label="right-atrial pressure")
    ax_p.set_ylim(-5.0, 1.35 * p_max_mmhg)
    ax_p.set_ylabel("pressure [mmHg]")
    ax_p.legend(loc="upper right", fontsize=8, bbox_to_anchor=(1.0, 0.86), ncols=2)
    (a["lv"],) = ax_v.plot([], [], color="#b2182b", lw=2.0, label="LV volume")
    ax_v.set_ylim(0.0, 1.1 * v_max_ml)
    ax_v.set_ylabel("LV volume [mL]")
    ax_v.set_xlabel("time [s]")
    a["lv_text"] = ax_v.text(t_end - 1.0, 0.06 * v_max_ml, "", ha="right", va="bottom", fontsize=8, color="0.2")
    if ax_zoom is not None:
        ax_zoom.set_facecolor(_PHASES[0][1])
        (a["zoom_aortic"],) = ax_zoom.plot([], [], color="black", lw=1.4, label="aortic")
        (a["zoom_ra"],) = ax_zoom.plot([], [], color="#2166ac", lw=1.4, ls=(0, (3, 1.5)), label="right atrial")
        ax_zoom.set_xlim(_CPR_S - _ZOOM_S, _CPR_S)
        ax_zoom.set_ylim(-5.0, 1.35 * p_max_mmhg)
        ax_zoom.set_xlabel("time [s]")
        ax_zoom.set_ylabel("pressure [mmHg]")
        ax_zoom.set_title(f"compressions, last {_ZOOM_S:.0f} s", fontsize=9)
        ax_zoom.legend(loc="upper left", fontsize=8, ncols=1)
    update_sequence(a, seq)
    return a


def update_sequence(a, seq):
    t, cat = _joined(seq)
    a["aortic"].set_data(t, cat["aortic_pressure_mmhg"])
    a["ra"].set_data(t, cat["venous_pressure_mmhg"])
    a["lv"].set_data(t, cat["lv_volume_ml"])
    if "zoom_aortic" in a:
        cpr = seq[0]
        window = cpr.t_s >= _CPR_S - _ZOOM_S - 0.05
        a["zoom_aortic"].set_data(cpr.t_s[window], cpr.aortic_pressure_mmhg[window])
        a["zoom_ra"].set_data(cpr.t_s[window], cpr.venous_pressure_mmhg[window])
    off = seq[2]
    a["lv_text"].set_text(f"no ejection: LV {_f(off.lv_volume_ml[0], 0)} → {_f(off.lv_volume_ml[-1], 0)} mL, "
                          f"{_f(off.lv_pressure_mmhg[0], 0)} → {_f(off.lv_pressure_mmhg[-1], 0)} mmHg "
                          f"in {_OFF_S:.0f} s")
    return a


# The explorer's readout: the keys of sequence_numbers under the names it shows.
_SEQ_KEYS = {"cpr_map_mmhg": "CPR_mean_pressure_mmhg",
             "cpr_coronary_perfusion_pressure_mmhg": "CPR_coronary_perfusion_pressure_mmhg",
             "on_ecmo_map_mmhg": "CPR_plus_ECMO_mean_pressure_mmhg",
             "on_ecmo_drained_l_min": "ECMO_drained_during_CPR_l_min",
             "ecmo_alone_map_mmhg": "ECMO_alone_mean_pressure_mmhg",
             "lv_volume_end_ml": "LV_volume_after_60_s_ml", "lv_pressure_end_mmhg": "LV_pressure_after_60_s_mmhg"}


def sequence_explorer(patient=_patients.ADULT) -> Explorer:
    """VA flow and LV vent sliders over the beat-by-beat ECPR sequence.

    The VA flow runs from a quarter to 1.25 times the patient's typical VA
    flow, the vent from 0 to a quarter of it. Each new setting integrates
    80 s of circulation (a tenth of a second on a laptop; the sliders update
    on release) and is cached. The axes are fixed from the ends of both
    sliders.
    """
    p = _patients._checked(patient)
    target = _patients.target_ecmo_flow_l_min(p, "va")
    specs = {
        "va_flow_l_min": SliderSpec.anchored("VA ECMO flow", "L/min", target, 0.25 * target, 1.25 * target,
                                             widgets.nice_step(target, 16.0)),
        "lv_vent_flow_l_min": SliderSpec.anchored("LV vent flow", "L/min", 0.0, 0.0, 0.25 * target,
                                                  widgets.nice_step(0.25 * target, 5.0)),
    }
    corners = [ecpr_sequence(p, q, v) for q in (specs["va_flow_l_min"].low, specs["va_flow_l_min"].high)
               for v in (specs["lv_vent_flow_l_min"].low, specs["lv_vent_flow_l_min"].high)]
    p_max = max(max(float(np.max(tr.aortic_pressure_mmhg)), float(np.max(tr.venous_pressure_mmhg)))
                for seq in corners for tr in seq)
    v_max = max(float(np.max(tr.lv_volume_ml)) for seq in corners for tr in seq)
    artists = weakref.WeakKeyDictionary()

    def numbers(va_flow_l_min, lv_vent_flow_l_min):
        n = sequence_numbers(p, va_flow_l_min, lv_vent_flow_l_min)
        return {shown: n[k] for k, shown in _SEQ_KEYS.items()}

    def draw(fig, va_flow_l_min, lv_vent_flow_l_min):
        gs = fig.add_gridspec(2, 2, height_ratios=[1.5, 1.0], width_ratios=[1.0, 3.4], hspace=0.08, wspace=0.2)
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.11, top=0.95)
        ax_zoom = fig.add_subplot(gs[:, 0])
        ax_p = fig.add_subplot(gs[0, 1])
        ax_v = fig.add_subplot(gs[1, 1], sharex=ax_p)
        ax_p.tick_params(labelbottom=False)
        a = draw_sequence((ax_p, ax_v), ecpr_sequence(p, va_flow_l_min, lv_vent_flow_l_min), p_max_mmhg=p_max,
                          v_max_ml=v_max, ax_zoom=ax_zoom)
        artists[fig] = widgets.live_artists(fig, a)
        return numbers(va_flow_l_min, lv_vent_flow_l_min)

    def update(fig, va_flow_l_min, lv_vent_flow_l_min):
        update_sequence(artists[fig], ecpr_sequence(p, va_flow_l_min, lv_vent_flow_l_min))
        return numbers(va_flow_l_min, lv_vent_flow_l_min)

    return Explorer(draw=draw, update=update, specs=specs, figsize=(10.0, 5.2), continuous_update=False)


#: The lesson's explorers by name, each callable with no arguments.
EXPLORERS = {
    "08 arrest timeline": timeline_explorer,
    "08 ECPR beat by beat": sequence_explorer,
}
