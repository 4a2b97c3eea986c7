"""Lesson 08's views: the timeline's oxygen debt uses the CPR flow of the
beat-by-beat model, survival falls with time as the fitted curves say and
sits beside the pooled data it was fitted to, the extrapolations are marked,
and beat by beat ECMO restores pressure while the arrested LV distends."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Polygon, Rectangle  # noqa: E402

from ecmolib import ecpr, patients  # noqa: E402
from ecmolib.views import ecpr_timing as lesson  # noqa: E402

ADULT, CHILD = patients.ADULT, patients.CHILD


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _with(patient=ADULT, **changes):
    return {**lesson.default_timeline(patient), **changes}


def test_population_follows_the_patient():
    assert lesson.population(ADULT) == "adult"
    for p in (patients.NEONATE, patients.INFANT, CHILD):
        assert lesson.population(p) == "paediatric"


def test_timeline_adds_its_intervals_and_fills_the_rest_from_the_patient():
    assert lesson.timeline(CHILD, cannulation_min=20.0).time_to_flow_min == pytest.approx(
        lesson.timeline(CHILD).time_to_flow_min - lesson.default_timeline(CHILD)["cannulation_min"] + 20.0)
    s = _with(no_flow_min=2.0)
    tl = lesson.timeline(ADULT, **s)
    assert tl.time_to_flow_min == pytest.approx(sum(v for k, v in s.items() if k != "no_flow_min"))
    assert tl.low_flow_min == pytest.approx(tl.time_to_flow_min - 2.0)


@pytest.mark.parametrize("patient", [ADULT, CHILD])
def test_survival_falls_with_low_flow_time(patient):
    rows = [lesson.timeline_numbers(patient, **_with(patient, cannulation_min=c)) for c in (10.0, 25.0, 45.0)]
    for key in ("ECPR_survival_fraction", "conventional_survival_fraction"):
        values = [r[key] for r in rows]
        assert values[0] > values[1] > values[2], key
    assert all(r["ECPR_points_lost_each_minute"] > 0.0 for r in rows)


def test_oxygen_debt_uses_the_cpr_flow_of_the_beat_by_beat_model():
    trace = lesson.cpr_trace(ADULT)
    fraction = trace.summary["systemic_flow_l_min"] / ADULT.cardiac_output_l_min
    assert lesson.cpr_output_fraction(ADULT) == pytest.approx(fraction, rel=1e-12)
    tl = lesson.timeline(ADULT)
    expected = ecpr.oxygen_debt_ml_kg(tl.time_to_flow_min, no_flow_min=tl.no_flow_min,
                                      time_to_flow_min=tl.time_to_flow_min, patient=ADULT,
                                      cpr_output_fraction=fraction)
    shown = lesson.timeline_numbers(ADULT, **lesson.default_timeline(ADULT))["o2_debt_at_flow_ml_kg"]
    assert shown == pytest.approx(float(expected), rel=1e-12)
    # Not the module's default CPR output: the model's own flow is used.
    default = ecpr.oxygen_debt_ml_kg(tl.time_to_flow_min, no_flow_min=tl.no_flow_min,
                                     time_to_flow_min=tl.time_to_flow_min, patient=ADULT)
    assert abs(shown - float(default)) > 0.5


def test_debt_rises_with_no_flow_and_with_low_flow():
    debt = [lesson.timeline_numbers(ADULT, **_with(no_flow_min=nf))["o2_debt_at_flow_ml_kg"] for nf in (0.0, 3.0, 6.0)]
    assert debt[0] < debt[1] < debt[2]
    debt = [lesson.timeline_numbers(ADULT, **_with(cannulation_min=c))["o2_debt_at_flow_ml_kg"] for c in (10, 25, 45)]
    assert debt[0] < debt[1] < debt[2]
    # In the child the model's CPR flow can meet resting demand at maximal
    # extraction; the debt may then stay flat during CPR but never falls.
    debt = [lesson.timeline_numbers(CHILD, **_with(CHILD, cannulation_min=c, no_flow_min=2.0))["o2_debt_at_flow_ml_kg"]
            for c in (10, 25, 45)]
    assert debt[0] <= debt[1] <= debt[2] and debt[0] > 0.0


@pytest.mark.parametrize("pop", ecpr.POPULATIONS)
def test_shown_survival_is_the_fitted_curve_and_close_to_the_pooled_points(pop):
    for row in lesson.survival_rows(pop):
        t = row["low_flow_min"]
        for strategy, key in (("ecpr", "ecpr"), ("conventional", "conventional")):
            assert row[f"fit_{key}"] == float(ecpr.survival_probability(t, strategy=strategy, population=pop))
            # ecpr.fit documents that the logistic fits the four pooled
            # points to within 2 percentage points.
            assert row[f"fit_{key}"] == pytest.approx(row[f"pooled_{key}"], abs=0.02)


def test_explorer_shows_the_same_numbers_as_the_direct_computation():
    explorer = lesson.timeline_explorer(ADULT)
    fig = plt.figure(figsize=explorer.figsize)
    for settings in (explorer.defaults(), {**explorer.defaults(), "transport_min": 30.0, "no_flow_min": 4.5}):
        shown = explorer.draw(fig, **settings)
        direct = lesson.timeline_numbers(ADULT, **settings)
        for key, value in direct.items():
            if key.endswith("_survival_fraction"):
                key, value = key.replace("_fraction", "_percent"), 100.0 * value
            assert shown[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
        fig.clear()


def _x_extent(patch):
    if isinstance(patch, Rectangle):
        return (patch.get_x(), patch.get_x() + patch.get_width())
    xy = np.asarray(patch.get_xy())  # a Polygon in older matplotlib
    return (float(xy[:, 0].min()), float(xy[:, 0].max()))


def test_extrapolated_ranges_are_shaded_and_dotted():
    explorer = lesson.timeline_explorer(ADULT)
    fig = plt.figure(figsize=explorer.figsize)
    explorer.draw(fig, **explorer.defaults())
    ax = fig.axes[2]
    lo, hi = lesson.data_range_min("adult")
    covered = sorted(_x_extent(p) for p in ax.patches)  # the shaded spans (axvspan)
    assert len(covered) == 2
    assert covered[0] == pytest.approx((0.0, lo)) and covered[1][0] == pytest.approx(hi)
    assert covered[1][1] >= ax.get_xlim()[1]
    curves = [line for line in ax.get_lines() if line.get_gid() in ("fit", "extrapolated")]
    assert len(curves) == 6  # per strategy: the fit inside the data and two extrapolations
    for line in curves:
        x = np.asarray(line.get_xdata(), float)
        inside = (x.min() >= lo - 1e-9) and (x.max() <= hi + 1e-9)
        assert inside == (line.get_gid() == "fit")
        if line.get_gid() == "extrapolated":
            assert line.get_linewidth() < 2.0 and line.get_linestyle() == ":"
    # The pooled data are drawn as markers without lines, at their own values.
    shown = {(round(float(x), 6), round(float(y), 6)) for line in ax.get_lines() if line.get_linestyle() == "None"
             for x, y in zip(line.get_xdata(), line.get_ydata())}
    for point in ecpr.pooled_data(population="adult"):
        assert (round(point.low_flow_min, 6), round(point.survival, 6)) in shown


def test_monte_carlo_scene_ecpr_reaches_flow_sooner_than_transport():
    samples = list(lesson.time_to_flow_samples("adult").values())
    hospital, scene = samples
    assert float(scene.fraction_with_flow_within(60.0)) > float(hospital.fraction_with_flow_within(60.0))
    assert scene.expected_survival > hospital.expected_survival


@pytest.fixture(scope="module")
def sequence():
    return lesson.sequence_numbers(ADULT)


def test_cpr_gives_low_pressures_and_ecmo_restores_the_mean_pressure(sequence):
    assert sequence["cpr_diastolic_mmhg"] < sequence["cpr_map_mmhg"] < sequence["cpr_systolic_mmhg"]
    assert 0.0 < sequence["cpr_flow_fraction"] < 1.0
    assert sequence["on_ecmo_map_mmhg"] > sequence["cpr_map_mmhg"]
    assert sequence["ecmo_alone_map_mmhg"] > sequence["on_ecmo_map_mmhg"]


def test_the_arrested_lv_distends_on_ecmo_and_a_vent_unloads_it(sequence):
    cpr, on, off = lesson.ecpr_sequence(ADULT)
    assert off.summary["native_output_l_min"] == pytest.approx(0.0, abs=1e-9)
    assert sequence["lv_volume_end_ml"] > sequence["lv_volume_start_ml"] + 10.0
    assert sequence["lv_pressure_end_mmhg"] > sequence["lv_pressure_start_mmhg"]
    third = len(off.lv_volume_ml) // 3
    assert off.lv_volume_ml[2 * third] > off.lv_volume_ml[third] > off.lv_volume_ml[0]
    vented = lesson.sequence_numbers(ADULT, lv_vent_flow_l_min=0.5)
    assert vented["lv_volume_end_ml"] < sequence["lv_volume_end_ml"]


@pytest.mark.parametrize("patient", [patients.NEONATE, patients.INFANT, CHILD])
def test_sequence_runs_for_children(patient):
    n = lesson.sequence_numbers(patient)
    assert all(np.isfinite(v) for v in n.values())
    assert n["ecmo_alone_map_mmhg"] > n["cpr_diastolic_mmhg"]


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match=r"cannulation_min \[min\]"):
        lesson.timeline(ADULT, cannulation_min=-1.0)
    with pytest.raises(ValueError, match="unknown timeline intervals"):
        lesson.timeline(ADULT, ambulance_min=3.0)
    with pytest.raises(ValueError, match="patient"):
        lesson.timeline("adult")
    with pytest.raises(ValueError, match=r"va_flow_l_min \[L/min\]"):
        lesson.ecpr_sequence(ADULT, va_flow_l_min=0.0)
    with pytest.raises(ValueError, match="no_flow_min"):
        lesson.timeline(ADULT, **_with(no_flow_min=9.0, call_min=0.0, arrival_min=0.0, decision_min=0.0,
                                transport_min=0.0, cannulation_min=5.0))


def test_sequence_report_prints_the_numbers_the_lesson_quotes(capsys):
    n = lesson.sequence_report(ADULT)
    out = capsys.readouterr().out
    # The text says the right-atrial peak is as high as the aortic peak or higher.
    assert n["cpr_ra_peak_mmhg"] >= n["cpr_systolic_mmhg"]
    assert f"right-atrial peak {n['cpr_ra_peak_mmhg']:.0f} mmHg" in out
    assert f"coronary perfusion pressure {n['ecmo_alone_coronary_perfusion_pressure_mmhg']:.0f} mmHg" in out
    # The model's LV during compressions, stated in the lesson as a limit of the model.
    assert 0.0 < n["cpr_lv_volume_min_ml"] <= n["cpr_lv_volume_max_ml"] < n["lv_volume_start_ml"]


def _overlaps(boxes):
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]


@pytest.mark.parametrize("changes", [{}, {"no_flow_min": 0.0, "call_min": 0.0},
                                     {"arrival_min": 2.0, "decision_min": 3.0}])
def test_timeline_event_labels_never_touch(changes):
    explorer = lesson.timeline_explorer(ADULT)
    fig = plt.figure(figsize=explorer.figsize)
    explorer.draw(fig, **{**explorer.defaults(), **changes})
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer).expanded(1.02, 1.0) for t in ax.texts if t.get_text()]
    assert len(boxes) == len(lesson._EVENTS) + 1  # the events and the no-flow label
    assert not _overlaps(boxes)


def test_extrapolations_stay_on_the_axes():
    explorer = lesson.timeline_explorer(ADULT)
    fig = plt.figure(figsize=explorer.figsize)
    explorer.draw(fig, **explorer.defaults())
    ax = fig.axes[2]
    lo, _ = lesson.data_range_min("adult")
    for line in ax.get_lines():
        if line.get_gid() == "extrapolated":
            assert max(line.get_ydata()) <= ax.get_ylim()[1]
            assert min(line.get_xdata()) >= lo - lesson._EXTRAPOLATE_BEFORE_MIN - 1e-9


def test_beat_by_beat_view_zooms_on_two_seconds_of_compressions():
    explorer = lesson.sequence_explorer(ADULT)
    fig = plt.figure(figsize=explorer.figsize)
    explorer.draw(fig, **explorer.defaults())
    zoom = fig.axes[0]
    x0, x1 = zoom.get_xlim()
    assert x1 - x0 == pytest.approx(2.0)
    aortic, ra = [line for line in zoom.get_lines()]
    assert len(aortic.get_xdata()) > 100 and len(ra.get_xdata()) == len(aortic.get_xdata())


def test_trials_name_each_outcome_under_the_trial():
    fig, ax = plt.subplots()
    lesson.draw_trials(ax)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    for a in ecpr.trial_data():
        if a.analysis.startswith("primary"):
            assert any(label.startswith(a.trial) and a.outcome.split()[0] in label for label in labels)
