r"""Extracorporeal CPR (ECPR): the arrest timeline, oxygen debt and outcome.

ECPR is veno-arterial ECMO started during refractory cardiac arrest. Its
value is set by minutes: the longer the low-flow period of chest
compressions before ECMO flow, the lower the chance of survival. This
module puts numbers on that, in four parts.

**Timeline.** An :class:`ArrestTimeline` is built from its parts: no-flow
(collapse to the start of CPR), recognition and call, transport (or the ECMO
team's arrival) and cannulation. The time to ECMO flow is the sum of the last
three; the low-flow time is the time to flow minus the no-flow time.

**Oxygen debt.** :func:`oxygen_debt_ml_kg` integrates the shortfall of
oxygen consumption below the patient's resting demand over the timeline:
nothing is delivered during no-flow, chest compressions deliver a fraction
(about a quarter) of the normal cardiac output, and ECMO restores flow.

**Outcome.** :func:`survival_probability` is a logistic curve of short-term
survival against low-flow time for ECPR and for continued conventional CPR,
in adults and children, fitted (:func:`fit`) to the pooled estimates of the
systematic review and meta-analysis of Mandigers et al. 2022 (42
observational studies), which ship in ``ecmolib/data/ecpr_pooled_survival.csv``.
:func:`marginal_cost_per_min` gives what each further minute costs and
:func:`crossover_min` the low-flow time after which ECPR beats continued
conventional CPR. Single-centre and registry cohorts, published per-minute
odds ratios and the three randomised trials (ARREST, Prague OHCA, INCEPTION)
ship alongside for comparison (:func:`cohort_data`, :func:`odds_ratio_data`,
:func:`trial_data`); they are not fitted, and they scatter widely around the
pooled curves (see :func:`between_programme_variance`).

**Uncertainty in time to flow.** :func:`simulate_time_to_flow` draws the
timeline's parts from lognormal distributions fitted to published medians
and interquartile ranges (or means and standard deviations), vectorised with
:class:`numpy.random.Generator`, and returns the distribution of time to flow
and of expected survival.

Every default value names its source; values that are assumptions or fits
of this module say so. Nothing is computed at import: the data files are read
and the curves fitted on first use (:func:`functools.cache`).

Examples
--------
>>> from ecmolib import ecpr
>>> round(float(ecpr.survival_probability(30.0, strategy="ecpr")), 3)
0.301
>>> round(float(ecpr.survival_probability(30.0, strategy="conventional")), 3)
0.077
>>> round(ecpr.crossover_min("adult"), 1)
14.8

References
----------
.. [1] Mandigers L, Boersma E, den Uil CA, Gommers D, Belohlavek J,
   Belliato M, Lorusso R, dos Reis Miranda D. Systematic review and
   meta-analysis comparing low-flow duration of extracorporeal and
   conventional cardiopulmonary resuscitation. Interact CardioVasc Thorac
   Surg 2022;35(4):ivac219. doi:10.1093/icvts/ivac219
"""

from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np
from scipy import optimize, special, stats

from ecmolib import _validation, blood, patients, tissues
from ecmolib.tissues import MAX_O2_EXTRACTION  # re-exported: the same value, defined and cited there

__all__ = [
    "STRATEGIES",
    "POPULATIONS",
    "LOW_FLOW_MAX_MIN",
    "TIMELINE_MAX_MIN",
    "CPR_OUTPUT_FRACTION",
    "MAX_O2_EXTRACTION",
    "ARTERIAL_SO2_DURING_ARREST",
    "ARTERIAL_PO2_DURING_ARREST_MMHG",
    "ArrestTimeline",
    "oxygen_debt_ml_kg",
    "PooledPoint",
    "CohortRow",
    "OddsRatioRow",
    "TrialArm",
    "pooled_data",
    "cohort_data",
    "odds_ratio_data",
    "trial_data",
    "SurvivalFit",
    "fit",
    "between_programme_variance",
    "survival_probability",
    "survival_band",
    "marginal_cost_per_min",
    "crossover_min",
    "IntervalDistribution",
    "TimelineDistribution",
    "TimeToFlowSample",
    "ADULT_OHCA_HOSPITAL_ECPR",
    "ADULT_OHCA_PREHOSPITAL_ECPR",
    "PAEDIATRIC_IHCA_ECPR",
    "simulate_time_to_flow",
]

#: Resuscitation strategies: ECPR, or continued conventional CPR.
STRATEGIES = ("ecpr", "conventional")

#: Populations with fitted outcome curves.
POPULATIONS = ("adult", "paediatric")

#: Upper end of the accepted low-flow time [min]. The pooled data span
#: 15-60 min; beyond that the curves are extrapolations (see :func:`fit`).
LOW_FLOW_MAX_MIN = 180.0

#: Upper end of accepted timeline times and intervals [min] (10 h).
TIMELINE_MAX_MIN = 600.0

#: Cardiac output during conventional CPR as a fraction of normal: 0.25.
#: Olson et al. 2022 (doi:10.3389/fmed.2022.935424) state that conventional
#: CPR provides 25-30% of normal cardiac output, and the review "Hemodynamics
#: of cardiac massage" (Emerg Med Clin North Am 1983;1:501-513, PMID 6396069)
#: about one fourth; the lower end is taken.
CPR_OUTPUT_FRACTION = 0.25

#: Arterial O2 saturation assumed during CPR and on ECMO: 0.97. **An
#: assumption** (a ventilated patient with normal lungs); arterial
#: saturation during CPR is often lower.
ARTERIAL_SO2_DURING_ARREST = 0.97

#: Arterial PO2 assumed with :data:`ARTERIAL_SO2_DURING_ARREST` [mmHg]: 90.
#: **An assumption** (normal arterial PO2); it adds only the dissolved O2.
ARTERIAL_PO2_DURING_ARREST_MMHG = 90.0

_DATA_PACKAGE = "ecmolib.data"


# ---------------------------------------------------------------------------
# Input helpers
# ---------------------------------------------------------------------------
def _minutes(name, value, high=TIMELINE_MAX_MIN):
    return _validation.checked(name, value, "min", low=0.0, high=high)


def _low_flow(value, name="low_flow_min"):
    return _validation.checked(name, value, "min", low=0.0, high=LOW_FLOW_MAX_MIN)


def _strategy(value):
    return _validation.choice("strategy", value, STRATEGIES)


def _population(value):
    return _validation.choice("population", value, POPULATIONS)


def _patient(value):
    if value is None:
        return patients.ADULT
    return patients._checked(value)


def _scalar_minutes(name, value, low=0.0, high=TIMELINE_MAX_MIN):
    arr = _validation.checked(name, value, "min", low=low, high=high)
    if arr.ndim != 0:
        raise ValueError(f"{name} [min] must be a single number; got an array of shape {arr.shape}")
    return float(arr)


# ---------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ArrestTimeline:
    r"""The timeline of one cardiac arrest treated with ECPR.

    Time zero is the collapse. The time to ECMO flow is built from its parts

    .. math:: t_{\mathrm{flow}} = t_{\mathrm{call}} + t_{\mathrm{transport}}
              + t_{\mathrm{cannulation}}, \qquad
              t_{\mathrm{low}} = t_{\mathrm{flow}} - t_{\mathrm{no}}

    Parameters
    ----------
    no_flow_min : float
        Collapse to the start of chest compressions (no circulation) [min];
        valid [0, 600] and not longer than the time to flow.
    recognition_call_min : float
        Collapse to the emergency call (or, in hospital, to the ECMO team's
        activation) [min]; valid [0, 600].
    transport_min : float
        Call to arrival at the ECMO-capable site, or to the ECMO team's
        arrival at the patient [min]; valid [0, 600].
    cannulation_min : float
        Arrival to ECMO flow (set-up, cannulation, priming) [min];
        valid [0, 600].

    Raises
    ------
    ValueError
        If a part is negative, NaN, infinite, not a number or over 600 min,
        or if ``no_flow_min`` exceeds the time to flow (CPR must start before
        ECMO flow).

    Notes
    -----
    Derived, never stored: :attr:`time_to_flow_min` and :attr:`low_flow_min`.
    Typical adult out-of-hospital values are in
    :data:`ADULT_OHCA_HOSPITAL_ECPR`.

    Examples
    --------
    >>> from ecmolib.ecpr import ArrestTimeline
    >>> tl = ArrestTimeline(no_flow_min=1.0, recognition_call_min=2.0,
    ...                     transport_min=32.5, cannulation_min=32.4)
    >>> round(tl.time_to_flow_min, 1), round(tl.low_flow_min, 1)
    (66.9, 65.9)
    """

    no_flow_min: float
    recognition_call_min: float
    transport_min: float
    cannulation_min: float

    def __post_init__(self):
        for name in ("no_flow_min", "recognition_call_min", "transport_min", "cannulation_min"):
            object.__setattr__(self, name, _scalar_minutes(name, getattr(self, name)))
        if self.no_flow_min > self.time_to_flow_min:
            raise ValueError(
                f"no_flow_min [min] must not exceed the time to flow "
                f"(recognition_call_min + transport_min + cannulation_min = "
                f"{self.time_to_flow_min:g} min); got {self.no_flow_min:g}"
            )

    @property
    def time_to_flow_min(self) -> float:
        """Collapse to ECMO flow [min]."""
        return self.recognition_call_min + self.transport_min + self.cannulation_min

    @property
    def low_flow_min(self) -> float:
        """Duration of chest compressions before ECMO flow [min]."""
        return self.time_to_flow_min - self.no_flow_min

    def oxygen_debt_ml_kg(self, time_min, **kwargs):
        """:func:`oxygen_debt_ml_kg` for this timeline (same keyword arguments)."""
        return oxygen_debt_ml_kg(
            time_min, no_flow_min=self.no_flow_min, time_to_flow_min=self.time_to_flow_min, **kwargs
        )


def oxygen_debt_ml_kg(
    time_min,
    *,
    no_flow_min,
    time_to_flow_min,
    patient=None,
    cpr_output_fraction=CPR_OUTPUT_FRACTION,
    ecmo_flow_l_min=None,
    sao2=ARTERIAL_SO2_DURING_ARREST,
    pao2_mmhg=ARTERIAL_PO2_DURING_ARREST_MMHG,
    max_extraction=MAX_O2_EXTRACTION,
):
    r"""Oxygen debt accumulated since collapse, per kg of body weight.

    Demand is the patient's resting O2 consumption. Delivery is the phase's
    fraction of normal cardiac output times the arterial O2 content; at most
    a fraction ``max_extraction`` of it can be consumed. The debt is the time
    integral of the unmet demand:

    .. math::

        D(t) = \frac{1}{W} \int_0^t \max\!\left(0,\;
               \dot V_{O_2} - E_{\max}\, f(\tau)\, Q\, C_{aO_2}\right) d\tau

    with :math:`f = 0` during no-flow (:math:`\tau < t_{no}`), :math:`f =`
    ``cpr_output_fraction`` during low-flow (:math:`t_{no} \le \tau <
    t_{flow}`) and :math:`f = Q_{ECMO}/Q` after ECMO flow. Each phase has a
    constant rate, so the integral is evaluated exactly, piecewise.

    Parameters
    ----------
    time_min : float or array_like
        Time since collapse [min]; valid [0, 600].
    no_flow_min : float or array_like
        Collapse to start of CPR [min]; valid [0, 600], not over
        ``time_to_flow_min``.
    time_to_flow_min : float or array_like
        Collapse to ECMO flow [min]; valid [0, 600].
    patient : ecmolib.patients.Patient, optional
        Supplies resting VO2 [mL/min], cardiac output Q [L/min], Hb [g/dL]
        and weight W [kg]. Default :data:`ecmolib.patients.ADULT`.
    cpr_output_fraction : float or array_like, optional
        Cardiac output during CPR as a fraction of the patient's normal
        output; valid [0, 1]. Default :data:`CPR_OUTPUT_FRACTION` (0.25).
    ecmo_flow_l_min : float, optional
        ECMO blood flow after cannulation [L/min]; valid (0, 10]. Default
        the ELSO typical veno-arterial flow for the patient,
        :func:`ecmolib.patients.target_ecmo_flow_l_min` (``mode="va"``).
    sao2 : float, optional
        Arterial O2 saturation, fraction; valid [0, 1]. Default
        :data:`ARTERIAL_SO2_DURING_ARREST` (assumption).
    pao2_mmhg : float, optional
        Arterial PO2 [mmHg]; valid (0, 1000]. Default
        :data:`ARTERIAL_PO2_DURING_ARREST_MMHG` (assumption).
    max_extraction : float, optional
        Largest consumable fraction of delivered O2; valid (0, 1]. Default
        :data:`MAX_O2_EXTRACTION` (assumption).

    Returns
    -------
    float or numpy.ndarray
        Oxygen debt [mL O2 per kg], broadcast over the array arguments.

    Raises
    ------
    ValueError
        If an argument is negative, NaN, infinite, not a number or out of
        range, if ``no_flow_min`` exceeds ``time_to_flow_min`` or if
        ``patient`` is not a :class:`~ecmolib.patients.Patient`.

    Notes
    -----
    Deliberately simple (a teaching model): demand stays at the resting VO2
    throughout (no cooling, no fall in metabolic rate during arrest), the
    arterial content is the same in every phase (computed with
    :func:`ecmolib.blood.o2_content`), and repayment of the debt after ECMO
    flow is not modelled (the debt stops growing once delivery meets
    demand). The debt therefore grows with time, and grows faster the lower
    the CPR quality (``cpr_output_fraction``).

    Examples
    --------
    >>> from ecmolib import ecpr, patients
    >>> round(float(ecpr.oxygen_debt_ml_kg(10.0, no_flow_min=10.0,
    ...       time_to_flow_min=60.0)), 1)
    35.7
    >>> round(float(ecpr.oxygen_debt_ml_kg(60.0, no_flow_min=2.0,
    ...       time_to_flow_min=60.0, patient=patients.CHILD)), 1)
    47.6
    """
    pat = _patient(patient)
    t = _minutes("time_min", time_min)
    nf = _minutes("no_flow_min", no_flow_min)
    ttf = _minutes("time_to_flow_min", time_to_flow_min)
    q_cpr = _validation.fraction("cpr_output_fraction", cpr_output_fraction)
    if ecmo_flow_l_min is None:
        q_ecmo = np.asarray(patients.target_ecmo_flow_l_min(pat, "va"), dtype=float)
    else:
        q_ecmo = _validation.checked(
            "ecmo_flow_l_min", ecmo_flow_l_min, "L/min", low=0.0, high=10.0, low_inclusive=False
        )
    e_max = _validation.fraction("max_extraction", max_extraction, low_inclusive=False)
    cao2_ml_dl = blood.o2_content(pat.hb_g_dl, sao2, pao2_mmhg)
    t, nf, ttf, q_cpr, q_ecmo, e_max = _validation.broadcast(
        time_min=t, no_flow_min=nf, time_to_flow_min=ttf, cpr_output_fraction=q_cpr, ecmo_flow_l_min=q_ecmo,
        max_extraction=e_max)
    if np.any(nf > ttf):
        bad = np.flatnonzero((nf > ttf).ravel())[0]
        raise ValueError(
            f"no_flow_min [min] must not exceed time_to_flow_min [min] (CPR starts "
            f"before ECMO flow); got {nf.ravel()[bad]:g} > {ttf.ravel()[bad]:g}"
        )
    full_delivery_ml_min = tissues.o2_delivery_ml_min(pat.cardiac_output_l_min, cao2_ml_dl)
    vo2 = pat.vo2_ml_min

    def rate(output_fraction):  # unmet demand: the supply-limited consumption of ecmolib.tissues
        return vo2 - tissues._supply_limited_vo2(vo2, output_fraction * full_delivery_ml_min, e_max)

    r_none = rate(0.0)
    r_cpr = rate(q_cpr)
    r_ecmo = rate(q_ecmo / pat.cardiac_output_l_min)
    debt_ml = (
        r_none * np.minimum(t, nf)
        + r_cpr * np.clip(t - nf, 0.0, ttf - nf)
        + r_ecmo * np.maximum(t - ttf, 0.0)
    )
    return _validation.result(debt_ml / pat.weight_kg)


# ---------------------------------------------------------------------------
# Published data
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PooledPoint:
    """One pooled survival estimate (``ecpr_pooled_survival.csv``).

    Attributes: ``strategy``, ``population``, ``group_in_source`` (the
    source's label, e.g. ``"CCPR-shockable"``), ``low_flow_min`` [min],
    ``survival`` (fraction), ``outcome``, ``authors``, ``year``, ``journal``,
    ``doi``, ``note``.
    """

    strategy: str
    population: str
    group_in_source: str
    low_flow_min: float
    survival: float
    outcome: str
    authors: str
    year: int
    journal: str
    doi: str
    note: str


@dataclass(frozen=True)
class CohortRow:
    """One published cohort or duration bin (``ecpr_cohorts.csv``).

    ``events`` is the reported count when the source gives one, otherwise
    ``None`` and :attr:`proportion` comes from ``percent_reported``.
    ``low_flow_basis`` says what ``low_flow_min`` is: a cohort ``"mean"`` or
    ``"median"``, or a ``"bin_midpoint"`` (an assumption of this dataset).
    """

    study_id: str
    strategy: str
    population: str
    setting: str
    outcome: str
    outcome_definition: str
    low_flow_min: float
    low_flow_basis: str
    low_flow_lo_min: float | None
    low_flow_hi_min: float | None
    events: int | None
    n: int
    percent_reported: float | None
    time_definition: str
    authors: str
    year: int
    journal: str
    doi: str
    note: str

    @property
    def proportion(self) -> float:
        """Observed proportion: events / n, or the reported percentage / 100."""
        if self.events is not None:
            return self.events / self.n
        return self.percent_reported / 100.0

    def wilson_interval(self, level=0.95) -> tuple[float, float]:
        """Wilson score interval of :attr:`proportion` for the reported n."""
        lev = _validation.scalar("level", level, "fraction 0..1", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
        z = float(stats.norm.ppf(0.5 + lev / 2.0))
        p, n = self.proportion, self.n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return (max(centre - half, 0.0), min(centre + half, 1.0))


@dataclass(frozen=True)
class OddsRatioRow:
    """A published within-study odds ratio per ``per_min`` minutes of low flow
    (``ecpr_odds_ratios.csv``); ``effect_on`` names the outcome the odds are of
    (survival, a favourable outcome, or death)."""

    study_id: str
    strategy: str
    population: str
    setting: str
    outcome: str
    odds_ratio: float
    ci_low: float
    ci_high: float
    per_min: float
    effect_on: str
    adjusted: str
    time_definition: str
    authors: str
    year: int
    journal: str
    doi: str
    note: str

    @property
    def log_odds_per_min_of_good_outcome(self) -> tuple[float, float, float]:
        """(estimate, CI low, CI high) of the log odds ratio per minute for the
        *good* outcome (sign flipped when the source reports odds of death)."""
        sign = -1.0 if self.effect_on.startswith("death") else 1.0
        vals = [sign * math.log(v) / self.per_min for v in (self.odds_ratio, self.ci_low, self.ci_high)]
        return (vals[0], min(vals[1:]), max(vals[1:]))


@dataclass(frozen=True)
class TrialArm:
    """One arm of a randomised trial (``ecpr_trials.csv``)."""

    trial: str
    arm: str
    strategy: str
    analysis: str
    n: int
    events: int | None
    percent_reported: float
    outcome: str
    authors: str
    year: int
    journal: str
    doi: str
    note: str


def _opt_float(text):
    text = text.strip()
    return float(text) if text else None


def _opt_int(text):
    text = text.strip()
    return int(text) if text else None


@functools.cache
def _read_csv(filename):
    with resources.files(_DATA_PACKAGE).joinpath(filename).open("r", encoding="utf-8", newline="") as fh:
        return tuple(dict(row) for row in csv.DictReader(fh))


@functools.cache
def _pooled_rows():
    return tuple(
        PooledPoint(
            strategy=r["strategy"], population=r["population"], group_in_source=r["group_in_source"],
            low_flow_min=float(r["low_flow_min"]), survival=float(r["survival_percent"]) / 100.0,
            outcome=r["outcome"], authors=r["authors"], year=int(r["year"]), journal=r["journal"],
            doi=r["doi"], note=r["note"],
        )
        for r in _read_csv("ecpr_pooled_survival.csv")
    )


@functools.cache
def _cohort_rows():
    return tuple(
        CohortRow(
            study_id=r["study_id"], strategy=r["strategy"], population=r["population"],
            setting=r["setting"], outcome=r["outcome"], outcome_definition=r["outcome_definition"],
            low_flow_min=float(r["low_flow_min"]), low_flow_basis=r["low_flow_basis"],
            low_flow_lo_min=_opt_float(r["low_flow_lo_min"]), low_flow_hi_min=_opt_float(r["low_flow_hi_min"]),
            events=_opt_int(r["events"]), n=int(r["n"]), percent_reported=_opt_float(r["percent_reported"]),
            time_definition=r["time_definition"], authors=r["authors"], year=int(r["year"]),
            journal=r["journal"], doi=r["doi"], note=r["note"],
        )
        for r in _read_csv("ecpr_cohorts.csv")
    )


@functools.cache
def _odds_rows():
    return tuple(
        OddsRatioRow(
            study_id=r["study_id"], strategy=r["strategy"], population=r["population"], setting=r["setting"],
            outcome=r["outcome"], odds_ratio=float(r["odds_ratio"]), ci_low=float(r["ci_low"]),
            ci_high=float(r["ci_high"]), per_min=float(r["per_min"]), effect_on=r["effect_on"],
            adjusted=r["adjusted"], time_definition=r["time_definition"], authors=r["authors"],
            year=int(r["year"]), journal=r["journal"], doi=r["doi"], note=r["note"],
        )
        for r in _read_csv("ecpr_odds_ratios.csv")
    )


@functools.cache
def _trial_rows():
    return tuple(
        TrialArm(
            trial=r["trial"], arm=r["arm"], strategy=r["strategy"], analysis=r["analysis"], n=int(r["n"]),
            events=_opt_int(r["events"]), percent_reported=float(r["percent_reported"]), outcome=r["outcome"],
            authors=r["authors"], year=int(r["year"]), journal=r["journal"], doi=r["doi"], note=r["note"],
        )
        for r in _read_csv("ecpr_trials.csv")
    )


def _select(rows, strategy, population, outcome=None):
    if strategy is not None:
        _strategy(strategy)
    if population is not None:
        _population(population)
    if outcome is not None:
        _validation.choice("outcome", outcome, ("survival", "favourable_neuro"))
    return tuple(
        r for r in rows
        if (strategy is None or r.strategy == strategy)
        and (population is None or r.population == population)
        and (outcome is None or r.outcome == outcome)
    )


def pooled_data(strategy=None, population=None) -> tuple[PooledPoint, ...]:
    """The pooled survival estimates the outcome curves are fitted to.

    Mandigers et al. 2022 [1]_ pooled study- and time-specific aggregated
    survival from 42 observational studies (1689 ECPR and 375 751
    conventional CPR procedures) with a linear mixed-effect model, and report
    short-term survival at 15, 30, 45 and 60 min of low flow for ECPR and for
    conventional CPR with an initial shockable rhythm, in adults and children.

    Parameters
    ----------
    strategy : {"ecpr", "conventional"}, optional
        Keep only this strategy (default: all).
    population : {"adult", "paediatric"}, optional
        Keep only this population (default: all).

    Returns
    -------
    tuple of PooledPoint
        The rows of ``ecpr_pooled_survival.csv``.

    Raises
    ------
    ValueError
        If ``strategy`` or ``population`` is not one of the allowed strings.

    Examples
    --------
    >>> from ecmolib import ecpr
    >>> [(p.low_flow_min, round(100 * p.survival, 1))
    ...  for p in ecpr.pooled_data("conventional", "adult")]
    [(15.0, 36.8), (30.0, 7.2), (45.0, 1.4), (60.0, 0.3)]

    References
    ----------
    .. [1] Mandigers L, et al. Interact CardioVasc Thorac Surg
       2022;35(4):ivac219. doi:10.1093/icvts/ivac219
    """
    return _select(_pooled_rows(), strategy, population)


def cohort_data(strategy=None, population=None, outcome=None) -> tuple[CohortRow, ...]:
    """Published cohorts and duration bins with their sample sizes (not fitted).

    Parameters
    ----------
    strategy : {"ecpr", "conventional"}, optional
        Keep only this strategy (default: all).
    population : {"adult", "paediatric"}, optional
        Keep only this population (default: all).
    outcome : {"survival", "favourable_neuro"}, optional
        Keep only this outcome (default: all).

    Returns
    -------
    tuple of CohortRow
        The rows of ``ecpr_cohorts.csv``: survival or favourable neurological
        outcome, with n, at a cohort's mean or median low-flow time or a
        duration bin (each row names its source and DOI where verified).

    Raises
    ------
    ValueError
        If an argument is not one of the allowed strings.

    Notes
    -----
    Whole-cohort rows place a cohort's overall outcome at its mean or median
    low-flow time; with a steep curve that is not a point on the curve (early
    survivors dominate). Rows are for comparison and teaching; the fitted
    curves come from :func:`pooled_data`.

    Examples
    --------
    >>> from ecmolib import ecpr
    >>> row = ecpr.cohort_data("ecpr", "paediatric")[0]
    >>> row.study_id, row.events, row.n, row.low_flow_min
    ('bembea2019', 241, 593, 48.0)
    """
    return _select(_cohort_rows(), strategy, population, outcome)


def odds_ratio_data(strategy=None, population=None, outcome=None) -> tuple[OddsRatioRow, ...]:
    """Published within-study odds ratios per minute of low flow (not fitted).

    Parameters
    ----------
    strategy : {"ecpr", "conventional"}, optional
        Keep only this strategy (default: all).
    population : {"adult", "paediatric"}, optional
        Keep only this population (default: all).
    outcome : {"survival", "favourable_neuro"}, optional
        Keep only this outcome (default: all).

    Returns
    -------
    tuple of OddsRatioRow
        The rows of ``ecpr_odds_ratios.csv`` (mostly adjusted odds ratios).

    Raises
    ------
    ValueError
        If an argument is not one of the allowed strings.

    Examples
    --------
    >>> from ecmolib import ecpr
    >>> [r.study_id for r in ecpr.odds_ratio_data("ecpr", "paediatric")]
    ['bembea2019']
    """
    return _select(_odds_rows(), strategy, population, outcome)


def trial_data() -> tuple[TrialArm, ...]:
    """Headline results of the randomised ECPR trials, arm by arm.

    ARREST (Yannopoulos et al. 2020, doi:10.1016/S0140-6736(20)32338-2),
    Prague OHCA (Belohlavek et al. 2022, doi:10.1001/jama.2022.1025, with its
    as-treated secondary analysis doi:10.1186/s13054-022-04199-3) and
    INCEPTION (Suverein et al., N Engl J Med 2023;388:299-309).

    Returns
    -------
    tuple of TrialArm
        The rows of ``ecpr_trials.csv``.

    Examples
    --------
    >>> from ecmolib import ecpr
    >>> [(a.trial, a.strategy, a.events, a.n) for a in ecpr.trial_data()][:2]
    [('ARREST', 'ecpr', 6, 14), ('ARREST', 'conventional', 1, 15)]
    """
    return _trial_rows()


# ---------------------------------------------------------------------------
# Fitted outcome curves
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SurvivalFit:
    r"""A fitted logistic curve of survival against low-flow time.

    .. math:: p(t) = \frac{1}{1 + e^{-\eta(t)}}, \qquad
              \eta(t) = a + b\,(t - t_{\mathrm{ref}})

    Attributes
    ----------
    strategy, population : str
        Which curve.
    intercept_logit : float
        a, the log odds of survival at ``t_ref_min`` [dimensionless].
    slope_per_min : float
        b [1/min]; ``exp(b)`` is the odds ratio per minute.
    t_ref_min : float
        Centring time [min] (the mean of the data times).
    covariance : tuple of tuple of float
        2x2 covariance of (a, b) from the fit.
    data : tuple of PooledPoint
        The points fitted.
    """

    strategy: str
    population: str
    intercept_logit: float
    slope_per_min: float
    t_ref_min: float
    covariance: tuple[tuple[float, float], tuple[float, float]]
    data: tuple[PooledPoint, ...]

    def __post_init__(self):
        _strategy(self.strategy)
        _population(self.population)
        for name, units, low, high in (("intercept_logit", "1", -50.0, 50.0),
                                       ("slope_per_min", "1/min", -10.0, 10.0),
                                       ("t_ref_min", "min", 0.0, LOW_FLOW_MAX_MIN)):
            object.__setattr__(self, name, _validation.scalar(name, getattr(self, name), units, low, high))
        cov = _validation.checked("covariance", self.covariance, "1, 1/min, 1/min^2")
        if cov.shape != (2, 2) or cov[0, 1] != cov[1, 0] or cov[0, 0] < 0.0 or cov[1, 1] < 0.0:
            raise ValueError(f"covariance must be a symmetric 2x2 matrix with a non-negative diagonal; "
                             f"got {self.covariance!r}")
        object.__setattr__(self, "covariance", tuple(tuple(float(v) for v in row) for row in cov))
        if not isinstance(self.data, tuple) or not all(isinstance(p, PooledPoint) for p in self.data):
            raise ValueError(f"data must be a tuple of PooledPoint; got {type(self.data).__name__}")

    @property
    def params(self) -> tuple[float, float]:
        """(intercept_logit, slope_per_min)."""
        return (self.intercept_logit, self.slope_per_min)

    @property
    def odds_ratio_per_min(self) -> float:
        """exp(slope): the odds of survival are multiplied by this each minute."""
        return math.exp(self.slope_per_min)

    def logit(self, low_flow_min):
        """Linear predictor eta(t); ``low_flow_min`` [min] valid >= 0 (beyond the data: extrapolated)."""
        t = _validation.checked("low_flow_min", low_flow_min, "min", low=0.0)
        return self.intercept_logit + self.slope_per_min * (t - self.t_ref_min)

    def logit_se(self, low_flow_min):
        """Standard error of eta(t) from :attr:`covariance` (delta method); ``low_flow_min`` [min] valid >= 0."""
        d = _validation.checked("low_flow_min", low_flow_min, "min", low=0.0) - self.t_ref_min
        (vaa, vab), (_, vbb) = self.covariance
        return np.sqrt(np.maximum(vaa + 2.0 * d * vab + d * d * vbb, 0.0))

    def probability(self, low_flow_min):
        """p(t); ``low_flow_min`` [min] valid >= 0 (the curve of :func:`survival_probability`)."""
        return special.expit(self.logit(low_flow_min))


def _logistic(t, a, b, t_ref):
    return special.expit(a + b * (t - t_ref))


@functools.cache
def _fit_cached(strategy, population):
    pts = pooled_data(strategy, population)
    t = np.array([p.low_flow_min for p in pts])
    y = np.array([p.survival for p in pts])
    t_ref = float(t.mean())
    sigma = np.sqrt(y * (1.0 - y))  # binomial standard deviation shape (n not reported)
    p0 = (float(special.logit(y.mean())), -0.05)
    popt, pcov = optimize.curve_fit(
        lambda tt, a, b: _logistic(tt, a, b, t_ref), t, y, p0=p0, sigma=sigma, absolute_sigma=False
    )
    cov = tuple(tuple(float(v) for v in row) for row in pcov)
    return SurvivalFit(
        strategy=strategy, population=population, intercept_logit=float(popt[0]),
        slope_per_min=float(popt[1]), t_ref_min=t_ref, covariance=cov, data=pts,
    )


def fit(strategy="ecpr", population="adult") -> SurvivalFit:
    r"""Fit the logistic survival curve of one strategy and population.

    Weighted least squares of the logistic curve to the four pooled estimates
    of :func:`pooled_data` (15, 30, 45 and 60 min), with weights from the
    binomial variance:

    .. math:: \min_{a,b} \sum_j \frac{\left(p_j - p(t_j; a, b)\right)^2}
              {p_j (1 - p_j)}

    (:func:`scipy.optimize.curve_fit`, ``sigma`` proportional to the
    binomial standard deviation, ``absolute_sigma=False`` because the source
    reports no per-point sample size). The covariance of (a, b) is scaled by
    the residuals.

    Parameters
    ----------
    strategy : {"ecpr", "conventional"}
        ECPR, or continued conventional CPR. Default ``"ecpr"``.
    population : {"adult", "paediatric"}
        Default ``"adult"``.

    Returns
    -------
    SurvivalFit
        Parameters, covariance and the fitted data.

    Raises
    ------
    ValueError
        If ``strategy`` or ``population`` is not one of the allowed strings.

    Notes
    -----
    Why a logistic in minutes: it is monotone, stays in [0, 1], and its
    slope is the log odds ratio per minute, the quantity that cohort studies
    report (:func:`odds_ratio_data`). The source's own model was linear in
    log survival; both forms fit its four points to within 2 percentage
    points. The curve for conventional CPR is the source's conventional CPR
    *with an initial shockable rhythm*. The outcome is short-term survival
    (hospital discharge or 30 days, as pooled by the source), not
    neurologically intact survival. Outside 15-60 min the curve is an
    extrapolation. The covariance describes only the fit to the pooled
    points; the pooled estimates' own confidence intervals are not in the
    source's abstract, and real programmes scatter far more widely (see
    :func:`survival_band` and :func:`between_programme_variance`). The fit is
    cached; it runs on first use, never at import.

    Examples
    --------
    >>> from ecmolib import ecpr
    >>> f = ecpr.fit("conventional", "adult")
    >>> round(f.odds_ratio_per_min, 3)
    0.879

    References
    ----------
    .. [1] Mandigers L, et al. Interact CardioVasc Thorac Surg
       2022;35(4):ivac219. doi:10.1093/icvts/ivac219
    """
    return _fit_cached(_strategy(strategy), _population(population))


@functools.cache
def between_programme_variance() -> float:
    r"""Between-programme variance of survival around the pooled curves.

    Published cohorts with a sample size and a survival outcome
    (:func:`cohort_data` with ``outcome="survival"``) are compared with the
    pooled curve of their strategy and population at their low-flow time.
    With :math:`y_i = \mathrm{logit}(\hat p_i) - \eta(t_i)` and binomial
    variances :math:`v_i = 1/(n_i \hat p_i (1 - \hat p_i))`, the method of
    moments for a known centre gives

    .. math:: \tau^2 = \max\!\left(0, \frac{\sum_i w_i y_i^2 - k}{\sum_i w_i}\right),
              \qquad w_i = 1/v_i

    Returns
    -------
    float
        :math:`\tau^2` on the log-odds scale [dimensionless].

    Notes
    -----
    All such cohorts in the shipped data are ECPR cohorts; the same
    :math:`\tau^2` is applied to the conventional-CPR curves in
    :func:`survival_band` (an assumption). Cohort rows that give a cohort
    mean or median, not a bin, are only approximately points on the curve.

    Examples
    --------
    >>> from ecmolib import ecpr
    >>> round(ecpr.between_programme_variance(), 3)
    0.096
    """
    rows = [r for r in _cohort_rows() if r.outcome == "survival"]
    y, w = [], []
    for r in rows:
        p = r.proportion
        f = fit(r.strategy, r.population)
        y.append(float(special.logit(p) - f.logit(r.low_flow_min)))
        w.append(r.n * p * (1.0 - p))
    y, w = np.array(y), np.array(w)
    return float(max(0.0, (np.sum(w * y * y) - y.size) / np.sum(w)))


def survival_probability(low_flow_min, *, strategy="ecpr", population="adult"):
    r"""Probability of short-term survival after a given low-flow time.

    .. math:: p(t) = \left(1 + e^{-(a + b\,(t - t_{\mathrm{ref}}))}\right)^{-1}

    with (a, b) from :func:`fit` for the strategy and population.

    Parameters
    ----------
    low_flow_min : float or array_like
        Low-flow time: chest compressions before ECMO flow (ECPR) or before
        return of circulation or termination (conventional) [min];
        valid [0, 180]. The data span 15-60 min.
    strategy : {"ecpr", "conventional"}
        Default ``"ecpr"``.
    population : {"adult", "paediatric"}
        Default ``"adult"``.

    Returns
    -------
    float or numpy.ndarray
        Survival probability in [0, 1], same shape as ``low_flow_min``.

    Raises
    ------
    ValueError
        If ``low_flow_min`` is negative, over 180, NaN, infinite or not a
        number, or if ``strategy`` / ``population`` is unknown.

    Notes
    -----
    The curve is fitted to pooled estimates of short-term survival
    (Mandigers et al. 2022); conventional CPR means conventional CPR with an
    initial shockable rhythm. It falls with time (:math:`b < 0`).

    Examples
    --------
    >>> from ecmolib import ecpr
    >>> [round(float(p), 3) for p in ecpr.survival_probability([15, 45], strategy="ecpr")]
    [0.369, 0.24]
    >>> round(float(ecpr.survival_probability(45, strategy="conventional",
    ...       population="paediatric")), 3)
    0.085

    References
    ----------
    .. [1] Mandigers L, et al. Interact CardioVasc Thorac Surg
       2022;35(4):ivac219. doi:10.1093/icvts/ivac219
    """
    t = _low_flow(low_flow_min)
    f = fit(strategy, population)
    return _validation.result(f.probability(t))


def survival_band(low_flow_min, *, strategy="ecpr", population="adult", level=0.95, kind="programme"):
    r"""Uncertainty band around :func:`survival_probability`.

    On the log-odds scale, by the delta method,

    .. math:: \eta(t) \pm z_{(1+\ell)/2} \sqrt{\mathrm{Var}\,\eta(t) + \tau^2}

    then mapped back with the logistic function. :math:`\mathrm{Var}\,\eta`
    comes from the fit's covariance; :math:`\tau^2` is
    :func:`between_programme_variance` for ``kind="programme"`` and 0 for
    ``kind="fit"``.

    Parameters
    ----------
    low_flow_min : float or array_like
        Low-flow time [min]; valid [0, 180].
    strategy : {"ecpr", "conventional"}
        Default ``"ecpr"``.
    population : {"adult", "paediatric"}
        Default ``"adult"``.
    level : float
        Coverage, fraction; valid (0, 1). Default 0.95.
    kind : {"programme", "fit"}
        ``"programme"`` (default): where a programme's survival is expected to
        fall, including the between-programme spread. ``"fit"``: only the
        fitting uncertainty of the pooled curve (narrow).

    Returns
    -------
    tuple of (float or numpy.ndarray)
        (lower, upper) survival probabilities in [0, 1].

    Raises
    ------
    ValueError
        If an argument is out of range or an unknown string.

    Examples
    --------
    >>> from ecmolib import ecpr
    >>> lo, hi = ecpr.survival_band(45.0)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.147, 0.367)
    """
    t = _low_flow(low_flow_min)
    lev = _validation.scalar("level", level, "fraction 0..1", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    _validation.choice("kind", kind, ("programme", "fit"))
    f = fit(strategy, population)
    tau2 = between_programme_variance() if kind == "programme" else 0.0
    z = float(stats.norm.ppf(0.5 + lev / 2.0))
    eta = f.logit(t)
    half = z * np.sqrt(f.logit_se(t) ** 2 + tau2)
    return (_validation.result(special.expit(eta - half)), _validation.result(special.expit(eta + half)))


def marginal_cost_per_min(low_flow_min, *, strategy="ecpr", population="adult"):
    r"""Survival lost per extra minute of low flow at a given time.

    .. math:: -\frac{dp}{dt} = -b\, p(t)\,(1 - p(t))

    Parameters
    ----------
    low_flow_min : float or array_like
        Low-flow time [min]; valid [0, 180].
    strategy : {"ecpr", "conventional"}
        Default ``"ecpr"``.
    population : {"adult", "paediatric"}
        Default ``"adult"``.

    Returns
    -------
    float or numpy.ndarray
        Absolute survival probability lost per minute [1/min] (e.g. 0.01 is
        one percentage point per minute); positive because survival falls.

    Raises
    ------
    ValueError
        If ``low_flow_min`` is out of range or a string is unknown.

    Examples
    --------
    >>> from ecmolib import ecpr
    >>> round(float(ecpr.marginal_cost_per_min(30.0, strategy="ecpr")), 4)
    0.0043
    >>> round(float(ecpr.marginal_cost_per_min(15.0, strategy="conventional")), 4)
    0.0298
    """
    t = _low_flow(low_flow_min)
    f = fit(strategy, population)
    p = f.probability(t)
    return _validation.result(-f.slope_per_min * p * (1.0 - p))


def crossover_min(population="adult") -> float:
    r"""Low-flow time after which ECPR beats continued conventional CPR.

    The two logistic curves share :math:`t_{\mathrm{ref}}`, so they cross once
    where their log odds are equal:

    .. math:: t^{*} = t_{\mathrm{ref}} + \frac{a_c - a_e}{b_e - b_c}

    Beyond :math:`t^{*}` ECPR's survival is the higher because its curve
    falls more slowly (:math:`b_e > b_c`).

    Parameters
    ----------
    population : {"adult", "paediatric"}
        Default ``"adult"``.

    Returns
    -------
    float
        :math:`t^{*}` [min]; 0.0 if ECPR is ahead at every low-flow time,
        ``math.inf`` if ECPR never overtakes.

    Raises
    ------
    ValueError
        If ``population`` is unknown.

    Notes
    -----
    The crossover compares curves pooled over different patients (ECPR
    candidates versus all conventional CPR with a shockable rhythm); it is a
    teaching summary, not an eligibility rule. The two curves also run on
    different clocks: conventional CPR's low-flow time ends with the return
    of circulation, ECPR's with pump flow in patients still in arrest, so a
    patient still in arrest at :math:`t^{*}` does not have the conventional
    curve's survival there (the chance of a good outcome with continued
    conventional CPR keeps falling with each minute; Reynolds et al.,
    Circulation 2016;134:2084-2094, doi:10.1161/CIRCULATIONAHA.116.023309).
    The pooled adult estimates themselves are 37.2% (ECPR) and 36.8%
    (conventional) at 15 min.

    Examples
    --------
    >>> from ecmolib import ecpr
    >>> round(ecpr.crossover_min("adult"), 1), round(ecpr.crossover_min("paediatric"), 1)
    (14.8, 17.1)
    """
    pop = _population(population)
    e, c = fit("ecpr", pop), fit("conventional", pop)
    a_e = e.intercept_logit - e.slope_per_min * e.t_ref_min  # log odds at t = 0
    a_c = c.intercept_logit - c.slope_per_min * c.t_ref_min
    db = e.slope_per_min - c.slope_per_min
    if db <= 0.0:
        # ECPR falls at least as fast: it never overtakes, unless the curves are
        # parallel with ECPR ahead from the start.
        return 0.0 if (db == 0.0 and a_e >= a_c) else math.inf
    return max(float((a_c - a_e) / db), 0.0)


# ---------------------------------------------------------------------------
# Time-to-flow uncertainty (Monte Carlo)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class IntervalDistribution:
    r"""Lognormal distribution of one timeline interval.

    .. math:: T = m\, e^{\sigma Z}, \quad Z \sim N(0, 1)

    with median m; :math:`\sigma = 0` gives the fixed value m.

    Parameters
    ----------
    median_min : float
        Median m [min]; valid [0, 600] (0 only with ``sigma_log = 0``).
    sigma_log : float
        Standard deviation of the log [dimensionless]; valid [0, 3].
    source : str
        Where the numbers come from, or ``"assumption: ..."``.

    Raises
    ------
    ValueError
        If a value is out of range, not a number, or ``source`` is empty.

    Examples
    --------
    >>> from ecmolib.ecpr import IntervalDistribution
    >>> d = IntervalDistribution.from_median_iqr(27.0, 15.0, 37.0, source="CHEER3")
    >>> round(d.median_min, 1), round(d.sigma_log, 3)
    (27.0, 0.669)
    """

    median_min: float
    sigma_log: float
    source: str

    def __post_init__(self):
        object.__setattr__(self, "median_min", _scalar_minutes("median_min", self.median_min))
        sig = _validation.checked("sigma_log", self.sigma_log, "1 (log scale)", low=0.0, high=3.0)
        if sig.ndim != 0:
            raise ValueError("sigma_log [1 (log scale)] must be a single number")
        object.__setattr__(self, "sigma_log", float(sig))
        if self.median_min == 0.0 and self.sigma_log > 0.0:
            raise ValueError("median_min [min] must be > 0 when sigma_log > 0; got 0")
        if not isinstance(self.source, str) or not self.source.strip():
            raise ValueError(f"source must be a non-empty string; got {self.source!r}")

    @classmethod
    def from_median_iqr(cls, median_min, q1_min, q3_min, *, source):
        r"""From a published median and interquartile range:
        :math:`\sigma = (\ln Q_3 - \ln Q_1) / (2 \cdot 0.6745)`."""
        q1 = _scalar_minutes("q1_min", q1_min)
        q3 = _scalar_minutes("q3_min", q3_min)
        med = _scalar_minutes("median_min", median_min)
        if not (0.0 < q1 <= med <= q3):
            raise ValueError(
                f"q1_min <= median_min <= q3_min [min] with q1_min > 0 required; got {q1:g}, {med:g}, {q3:g}"
            )
        return cls(med, (math.log(q3) - math.log(q1)) / (2.0 * float(stats.norm.ppf(0.75))), source)

    @classmethod
    def from_mean_sd(cls, mean_min, sd_min, *, source):
        r"""From a published mean and standard deviation (moment matching):
        :math:`\sigma^2 = \ln(1 + s^2/\mu^2)`, :math:`m = \mu\, e^{-\sigma^2/2}`."""
        mu = _scalar_minutes("mean_min", mean_min, low=0.0)
        sd = _scalar_minutes("sd_min", sd_min)
        if mu <= 0.0:
            raise ValueError(f"mean_min [min] must be > 0; got {mu:g}")
        s2 = math.log1p((sd / mu) ** 2)
        return cls(mu * math.exp(-s2 / 2.0), math.sqrt(s2), source)

    @classmethod
    def fixed(cls, value_min, *, source):
        """A fixed interval (no spread)."""
        return cls(value_min, 0.0, source)

    def sample(self, rng, size):
        """Draw ``size`` values [min] with ``rng`` (a numpy Generator)."""
        if self.sigma_log == 0.0:
            return np.full(size, self.median_min)
        return self.median_min * np.exp(self.sigma_log * rng.standard_normal(size))


@dataclass(frozen=True)
class TimelineDistribution:
    """Distributions of the four timeline parts of :class:`ArrestTimeline`.

    Parameters
    ----------
    name : str
        Label.
    population : {"adult", "paediatric"}
        Selects the ECPR survival curve used by :func:`simulate_time_to_flow`.
    no_flow, recognition_call, transport, cannulation : IntervalDistribution
        The parts, as in :class:`ArrestTimeline`.

    Raises
    ------
    ValueError
        If ``population`` is unknown or a part is not an
        :class:`IntervalDistribution`.
    """

    name: str
    population: str
    no_flow: IntervalDistribution
    recognition_call: IntervalDistribution
    transport: IntervalDistribution
    cannulation: IntervalDistribution

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name must be a non-empty string; got {self.name!r}")
        _population(self.population)
        for part in ("no_flow", "recognition_call", "transport", "cannulation"):
            if not isinstance(getattr(self, part), IntervalDistribution):
                raise ValueError(f"{part} must be an IntervalDistribution; got {type(getattr(self, part)).__name__}")


#: Adult out-of-hospital arrest, transport with ongoing CPR to an ECPR-capable
#: emergency department. Call to ED arrival, mean 32.5 +/- 7.1 min, and ED
#: arrival to ECMO flow, mean 32.4 +/- 10.9 min: EROCA randomised feasibility
#: trial (Hsu et al. 2021, Ann Emerg Med 78:92, doi:10.1016/j.annemergmed.2020.11.011;
#: lognormal by moment matching). No-flow (median 1 min, IQR 0.5-2) and
#: collapse-to-call (median 2 min, IQR 1-3) are **assumptions** for a
#: witnessed arrest with bystander CPR, the inclusion criterion of the trials.
ADULT_OHCA_HOSPITAL_ECPR = TimelineDistribution(
    name="Adult OHCA, in-hospital ECPR (EROCA intervals)",
    population="adult",
    no_flow=IntervalDistribution.from_median_iqr(
        1.0, 0.5, 2.0, source="assumption: witnessed collapse with bystander CPR"),
    recognition_call=IntervalDistribution.from_median_iqr(
        2.0, 1.0, 3.0, source="assumption: witnessed collapse, prompt emergency call"),
    transport=IntervalDistribution.from_mean_sd(
        32.5, 7.1, source="EROCA, Hsu et al. 2021, doi:10.1016/j.annemergmed.2020.11.011: 911 call to ED arrival"),
    cannulation=IntervalDistribution.from_mean_sd(
        32.4, 10.9, source="EROCA, Hsu et al. 2021, doi:10.1016/j.annemergmed.2020.11.011: ED arrival to ECPR flow"),
)

#: Adult out-of-hospital arrest, ECMO team cannulating at the scene. Call to
#: team arrival, median 27 min (IQR 15-37), and decision to ECMO flow, median
#: 16 min (IQR 11-26): CHEER3 (SJTREM 2023, doi:10.1186/s13049-023-01163-0),
#: which also reports call to ECMO flow, median 50 min (IQR 35-62), used to
#: check the simulation. Treating "decision" as "team arrival" is an
#: **approximation** (the decision may come a few minutes after arrival).
#: No-flow and collapse-to-call are the same **assumptions** as
#: :data:`ADULT_OHCA_HOSPITAL_ECPR`.
ADULT_OHCA_PREHOSPITAL_ECPR = TimelineDistribution(
    name="Adult OHCA, pre-hospital ECPR (CHEER3 intervals)",
    population="adult",
    no_flow=ADULT_OHCA_HOSPITAL_ECPR.no_flow,
    recognition_call=ADULT_OHCA_HOSPITAL_ECPR.recognition_call,
    transport=IntervalDistribution.from_median_iqr(
        27.0, 15.0, 37.0, source="CHEER3 2023, doi:10.1186/s13049-023-01163-0: call to scene arrival"),
    cannulation=IntervalDistribution.from_median_iqr(
        16.0, 11.0, 26.0, source="CHEER3 2023, doi:10.1186/s13049-023-01163-0: decision to ECMO support"),
)

#: Paediatric in-hospital arrest: onset of CPR to ECMO initiation, median
#: 48 min (IQR 28-70), linked GWTG-Resuscitation and ELSO registries (Bembea et
#: al., Crit Care Med 2019), entered as the cannulation interval. No-flow,
#: activation and team arrival are set to 0 (**assumption**: a monitored,
#: witnessed in-hospital arrest with immediate CPR, the team's arrival being
#: inside the reported interval).
PAEDIATRIC_IHCA_ECPR = TimelineDistribution(
    name="Paediatric IHCA, ECPR (GWTG-R/ELSO interval)",
    population="paediatric",
    no_flow=IntervalDistribution.fixed(0.0, source="assumption: monitored arrest, immediate CPR"),
    recognition_call=IntervalDistribution.fixed(0.0, source="assumption: inside the reported interval"),
    transport=IntervalDistribution.fixed(0.0, source="assumption: inside the reported interval"),
    cannulation=IntervalDistribution.from_median_iqr(
        48.0, 28.0, 70.0, source="Bembea et al., Crit Care Med 2019: onset of CPR to ECMO initiation"),
)


@dataclass(frozen=True)
class TimeToFlowSample:
    """Result of :func:`simulate_time_to_flow` (arrays are read-only).

    Attributes
    ----------
    no_flow_min, call_to_flow_min, time_to_flow_min, low_flow_min : numpy.ndarray
        Per draw [min]; ``call_to_flow_min`` is transport plus cannulation
        (the interval trials report from the emergency call).
    survival : numpy.ndarray
        Expected ECPR survival per draw (probability).
    distribution : TimelineDistribution
        What was sampled.
    """

    no_flow_min: np.ndarray
    call_to_flow_min: np.ndarray
    time_to_flow_min: np.ndarray
    low_flow_min: np.ndarray
    survival: np.ndarray
    distribution: TimelineDistribution

    @property
    def expected_survival(self) -> float:
        """Mean survival over the draws (probability)."""
        return float(self.survival.mean())

    def time_to_flow_quantiles(self, q=(0.25, 0.5, 0.75)):
        """Quantiles of the time to flow [min]."""
        qq = _validation.fraction("q", q)
        return _validation.result(np.quantile(self.time_to_flow_min, qq))

    def fraction_with_flow_within(self, minutes):
        """Fraction of draws with ECMO flow within ``minutes`` [min] of collapse."""
        m = _minutes("minutes", minutes)
        ttf = np.sort(self.time_to_flow_min)
        return _validation.result(np.searchsorted(ttf, m, side="right") / ttf.size)


def _rng(seed):
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be None, a non-negative int or a numpy.random.Generator; got {seed!r}")
    return np.random.default_rng(int(seed))


def simulate_time_to_flow(distribution=ADULT_OHCA_HOSPITAL_ECPR, n_draws=100_000, *, seed=None,
                          parameter_uncertainty=False) -> TimeToFlowSample:
    r"""Monte Carlo of the time to ECMO flow and of expected ECPR survival.

    Each draw samples the four parts of the timeline independently from
    their lognormal distributions, then

    .. math:: t_{flow} = t_{call} + t_{transport} + t_{cannulation}, \quad
              t_{low} = \max(t_{flow} - t_{no}, 0), \quad
              S = p_{\mathrm{ECPR}}(t_{low})

    with :math:`p_{\mathrm{ECPR}}` the ECPR curve of the distribution's
    population (:func:`survival_probability`).

    Parameters
    ----------
    distribution : TimelineDistribution
        Default :data:`ADULT_OHCA_HOSPITAL_ECPR`.
    n_draws : int
        Number of draws; valid [1, 10 000 000]. Default 100 000.
    seed : int or numpy.random.Generator or None
        Seed (non-negative int) or generator for reproducibility.
    parameter_uncertainty : bool
        If True, each draw also samples the curve's (a, b) from their normal
        approximation (fit covariance plus :func:`between_programme_variance`
        on a), giving a programme-level spread of survival.

    Returns
    -------
    TimeToFlowSample
        Per-draw times and survival, and summaries.

    Raises
    ------
    ValueError
        If ``distribution`` is not a :class:`TimelineDistribution`,
        ``n_draws`` is not an int in range, or ``seed`` is invalid.

    Notes
    -----
    The parts are independent (an assumption; long transports may go with
    long cannulations). Draws whose no-flow exceeds the time to flow have a
    low-flow time of 0 (ECMO before CPR, vanishingly rare with the presets).
    Draws with low-flow beyond 180 min keep the extrapolated curve.
    100 000 draws take a few milliseconds.

    Examples
    --------
    >>> from ecmolib import ecpr
    >>> s = ecpr.simulate_time_to_flow(ecpr.ADULT_OHCA_HOSPITAL_ECPR, 100_000, seed=1)
    >>> round(float(s.time_to_flow_quantiles(0.5)), 1)
    66.2
    >>> round(s.expected_survival, 3)
    0.174
    >>> round(float(s.fraction_with_flow_within(60.0)), 3)
    0.301
    """
    if not isinstance(distribution, TimelineDistribution):
        raise ValueError(f"distribution must be a TimelineDistribution; got {type(distribution).__name__}")
    if isinstance(n_draws, (bool, np.bool_)) or not isinstance(n_draws, (int, np.integer)):
        raise ValueError(f"n_draws [draws] must be an int in [1, 10000000]; got {n_draws!r}")
    if not 1 <= n_draws <= 10_000_000:
        raise ValueError(f"n_draws [draws] must be an int in [1, 10000000]; got {n_draws!r}")
    if not isinstance(parameter_uncertainty, (bool, np.bool_)):
        raise ValueError(f"parameter_uncertainty must be True or False; got {parameter_uncertainty!r}")
    rng = _rng(seed)
    n = int(n_draws)
    d = distribution
    no_flow = d.no_flow.sample(rng, n)
    call = d.recognition_call.sample(rng, n)
    call_to_flow = d.transport.sample(rng, n) + d.cannulation.sample(rng, n)
    ttf = call + call_to_flow
    low = np.maximum(ttf - no_flow, 0.0)
    f = fit("ecpr", d.population)
    if parameter_uncertainty:
        cov = np.array(f.covariance)
        cov[0, 0] += between_programme_variance()
        ab = rng.multivariate_normal([f.intercept_logit, f.slope_per_min], cov, size=n)
        surv = special.expit(ab[:, 0] + ab[:, 1] * (low - f.t_ref_min))
    else:
        surv = f.probability(low)
    arrays = [np.asarray(a, dtype=float) for a in (np.minimum(no_flow, ttf), call_to_flow, ttf, low, surv)]
    for a in arrays:
        a.setflags(write=False)
    return TimeToFlowSample(*arrays, distribution=d)
