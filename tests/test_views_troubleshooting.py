"""Lesson 09: the troubleshooting cases, their monitor values and the learner's choices.

Directions only (what rises, what falls, which is larger): no number of our
own model is written down here. Clinical thresholds appear where a case's
story depends on them (a weaning trial passing), with the source named.
"""

import matplotlib

matplotlib.use("Agg")

import math  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from ecmolib import patients  # noqa: E402
from ecmolib.views import cases  # noqa: E402
from ecmolib.views import troubleshooting as lesson  # noqa: E402

PRESETS = [patients.NEONATE, patients.INFANT, patients.CHILD, patients.ADULT]
IDS = [p.age_group for p in PRESETS]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _m(key, patient, action=None):
    return cases.monitor(cases.CASES[key], patient, action)


def _right(key, patient):
    case = cases.CASES[key]
    return cases.monitor(case, patient), cases.monitor(case, patient, case.action)


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
@pytest.mark.parametrize("key", list(cases.CASES))
def test_every_case_runs_for_every_patient_with_finite_monitor_values(key, patient):
    case = cases.CASES[key]
    found = cases.outcomes(case, patient)
    assert set(found) == {"before", *(a.key for a in case.actions)}
    for label, values in found.items():
        for name in cases.MONITOR_KEYS[case.mode]:
            assert math.isfinite(values[name]), f"{key} {label}: {name} is {values[name]}"


def test_core_path_holds_the_cases_the_issue_asks_for():
    assert set(cases.CORE) <= set(cases.CASES)
    assert {"recirculation", "high_output", "oxygenator_failure", "drainage", "differential_hypoxia",
            "lv_distension"} <= set(cases.CORE)
    assert len(cases.CASES) >= 6


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
def test_recirculation_paradox_more_flow_lower_sao2(patient):
    before = _m("recirculation", patient)
    more, lower = _m("recirculation", patient, "a"), _m("recirculation", patient, "b")
    assert more["ecmo_flow_l_min"] > before["ecmo_flow_l_min"] > lower["ecmo_flow_l_min"]
    assert more["sao2"] < before["sao2"] < lower["sao2"]
    # More flow draws more of the returned blood back: the pre-oxygenator blood gets redder as the flow rises.
    assert more["pre_oxygenator_so2"] > before["pre_oxygenator_so2"] > lower["pre_oxygenator_so2"]


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
def test_recirculation_repositioning_helps_at_least_as_much_as_lowering_the_flow(patient):
    case = cases.CASES["recirculation"]
    assert case.action == "d" and "b" in case.also_right
    before, moved = _right("recirculation", patient)
    lower = _m("recirculation", patient, "b")
    assert moved["recirculation_fraction"] < before["recirculation_fraction"]
    assert moved["ecmo_flow_l_min"] == pytest.approx(before["ecmo_flow_l_min"], rel=1e-6)  # support kept
    assert moved["sao2"] > before["sao2"] and moved["sao2"] >= lower["sao2"] - 0.01
    assert moved["paco2_mmhg"] < lower["paco2_mmhg"]


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
def test_the_earlier_chart_of_case_1_shows_the_pre_oxygenator_saturation_rising_with_flow(patient):
    case = cases.CASES["recirculation"]
    s = case.earlier.apply(cases.settings(case, patient), patient)
    then, now = cases.evaluate_vv(patient, s), cases.monitor(case, patient)
    assert then["ecmo_flow_l_min"] < now["ecmo_flow_l_min"]
    assert then["pre_oxygenator_so2"] < now["pre_oxygenator_so2"] and then["sao2"] > now["sao2"]


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
def test_paradox_explorer_states_peak_below_the_top_flow(patient):
    explorer = lesson.paradox_explorer(patient)
    flows = explorer.specs["pump_flow_l_min"].grid()
    sao2 = lesson.paradox_states(patient, flows).sao2
    best = int(sao2.argmax())
    assert 0 < best < len(flows) - 1  # SaO2 rises, then falls as flow rises


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
def test_high_output_is_told_from_recirculation_by_the_pre_oxygenator_blood(patient):
    rec = _m("recirculation", patient)
    high = _m("high_output", patient)
    # High output: dark blood enters the oxygenator (below the patient's SaO2); recirculation: red blood.
    assert high["pre_oxygenator_so2"] < high["sao2"]
    assert rec["pre_oxygenator_so2"] >= rec["sao2"]
    assert high["cardiac_output_l_min"] > rec["cardiac_output_l_min"]  # shown on the monitor
    before, right = _right("high_output", patient)
    assert right["sao2"] > before["sao2"]
    apart = _m("high_output", patient, "a")  # recirculation was not the problem
    assert apart["sao2"] - before["sao2"] < 0.25 * (right["sao2"] - before["sao2"])


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
def test_oxygenator_failure_is_told_from_high_output_by_post_po2_and_pressure_drop(patient):
    failing = _m("oxygenator_failure", patient)
    high = _m("high_output", patient)
    new = _m("oxygenator_failure", patient, "c")
    assert failing["post_oxygenator_po2_mmhg"] < 0.5 * high["post_oxygenator_po2_mmhg"]
    assert failing["post_oxygenator_po2_mmhg"] < 0.5 * new["post_oxygenator_po2_mmhg"]
    assert failing["membrane_pressure_drop_mmhg"] > new["membrane_pressure_drop_mmhg"]
    assert high["post_oxygenator_po2_mmhg"] > 0.8 * new["post_oxygenator_po2_mmhg"]
    assert new["sao2"] > failing["sao2"] and new["paco2_mmhg"] < failing["paco2_mmhg"]
    sweep = _m("oxygenator_failure", patient, "b")  # more sweep clears CO2, not the O2 problem
    assert sweep["paco2_mmhg"] < failing["paco2_mmhg"]
    assert sweep["post_oxygenator_po2_mmhg"] < 0.5 * new["post_oxygenator_po2_mmhg"]


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
def test_drainage_needs_volume_not_speed(patient):
    before, right = _right("drainage", patient)
    faster, slower = _m("drainage", patient, "a"), _m("drainage", patient, "b")
    # Lowering the speed until the chatter stops ends the suction but brings no flow back.
    assert slower["suction"] == 0.0 and slower["drainage_pressure_mmhg"] > before["drainage_pressure_mmhg"]
    assert slower["ecmo_flow_l_min"] <= before["ecmo_flow_l_min"] + 1e-9 and slower["rpm"] < before["rpm"]
    assert before["suction"] == 1.0 and right["suction"] == 0.0
    assert right["ecmo_flow_l_min"] > before["ecmo_flow_l_min"]
    assert right["drainage_pressure_mmhg"] > before["drainage_pressure_mmhg"]
    assert right["sao2"] > before["sao2"]
    # More speed: no more flow, a more negative drainage pressure (more chatter).
    assert faster["ecmo_flow_l_min"] == pytest.approx(before["ecmo_flow_l_min"], rel=1e-6)
    assert faster["drainage_pressure_mmhg"] < before["drainage_pressure_mmhg"]


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
def test_differential_hypoxia_right_radial_and_what_changes_it(patient):
    before, right = _right("differential_hypoxia", patient)
    assert before["right_radial_so2"] < before["lower_body_so2"] - 0.1
    assert right["right_radial_so2"] > before["right_radial_so2"] + 0.1
    sweep = _m("differential_hypoxia", patient, "a")
    assert sweep["right_radial_so2"] - before["right_radial_so2"] < 0.02  # the oxygenator was not the problem
    # After right axillary return the right radial samples the circuit's blood; the coronaries still get the
    # heart's own blood first, so 100 % at the right radial proves nothing about them.
    assert right["coronary_so2"] < right["right_radial_so2"] - 0.1


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
def test_lv_distension_vent_unloads_and_more_flow_loads(patient):
    before, right = _right("lv_distension", patient)
    more = _m("lv_distension", patient, "a")
    fluid = _m("lv_distension", patient, "c")
    assert right["lv_edp_mmhg"] < before["lv_edp_mmhg"]
    assert right["mean_pulmonary_venous_pressure_mmhg"] < before["mean_pulmonary_venous_pressure_mmhg"]
    assert more["lv_edp_mmhg"] > before["lv_edp_mmhg"] and more["pulse_pressure_mmhg"] < before["pulse_pressure_mmhg"]
    assert fluid["lv_edp_mmhg"] > before["lv_edp_mmhg"]
    # Where the veins collapse around the cannula (the adult), more flow asked gives less, and the mean
    # pressure falls: the blood sits in the lungs and the left heart, not in the veins the pump drains.
    if patient is patients.ADULT:
        assert before["drainage_limited_fraction"] > 0.5
    if before["drainage_limited_fraction"] > 0.5:
        assert more["ecmo_flow_l_min"] < before["ecmo_flow_l_min"] and more["map_mmhg"] < before["map_mmhg"]


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
def test_stopped_va_pump_runs_backwards_and_clamping_stops_it(patient):
    before, right = _right("pump_stop", patient)
    slow = _m("pump_stop", patient, "a")
    assert before["ecmo_flow_l_min"] < 0.0 and before["retrograde"] == 1.0
    assert slow["ecmo_flow_l_min"] < 0.0  # a slow pump still runs backwards
    assert right["ecmo_flow_l_min"] == 0.0 and right["retrograde"] == 0.0
    assert right["map_mmhg"] > before["map_mmhg"]


@pytest.mark.parametrize("patient", PRESETS, ids=IDS)
def test_weaning_trials_show_the_native_organs(patient):
    vv_before, vv_off = _right("weaning_vv", patient)
    assert vv_off["paco2_mmhg"] > vv_before["paco2_mmhg"]  # the membrane no longer clears CO2
    assert 35.0 < vv_before["paco2_mmhg"] < 45.0  # a normal PaCO2 on the weaned sweep before the trial
    assert vv_off["post_oxygenator_po2_mmhg"] < 100.0  # sweep off: the circuit adds no O2
    # ELSO's VV weaning criteria (SaO2 >= 88-90 %, PaCO2 acceptable) are met by these recovered lungs.
    assert vv_off["sao2"] >= 0.9 and vv_off["paco2_mmhg"] < 55.0
    va_before, va_down = _right("weaning_va", patient)
    assert va_down["pulse_pressure_mmhg"] > va_before["pulse_pressure_mmhg"]
    assert va_down["aortic_valve_open_fraction"] >= va_before["aortic_valve_open_fraction"]
    sweep_off = _m("weaning_va", patient, "b")  # on VA the circuit then pumps venous blood into the aorta
    assert sweep_off["lower_body_so2"] < va_before["lower_body_so2"] - 0.05


def test_failing_lungs_fail_the_vv_weaning_trial():
    case = cases.CASES["weaning_vv"]
    s = cases.settings(case, patients.ADULT, case.action)
    worse = cases.evaluate_vv(patients.ADULT, {**s, "shunt_fraction": 0.6})
    assert worse["sao2"] < 0.88


def test_choose_answers_through_selfcheck_and_shows_any_action(capsys):
    case = cases.CASES["recirculation"]
    wrong = lesson.choose(case, patients.ADULT, cause="b", action="a")
    out = capsys.readouterr().out
    assert "Not quite: b" in out and "Not quite: a" in out
    assert wrong["sao2"] == cases.monitor(case, patients.ADULT, "a")["sao2"]
    assert plt.get_fignums()
    assert lesson.choose(case, patients.ADULT) is None
    out = capsys.readouterr().out
    assert "Please answer" in out and "Choose an action" in out
    right = lesson.choose(case, patients.ADULT, cause=case.cause, action=case.action.upper())
    assert "Right: a" in capsys.readouterr().out and right is not None
    lesson.choose(case, patients.ADULT, cause="a", action="b")  # also right: said so, with its note
    assert "Right too: b" in capsys.readouterr().out


def test_frames_only_after_the_choice_and_alarms_only_while_alarming():
    case = cases.CASES["drainage"]
    before, after = cases.monitor(case, patients.ADULT), cases.monitor(case, patients.ADULT, case.action)
    assert lesson.alarm_text(case, before) and lesson.alarm_text(case, after) is None
    fig = plt.figure(figsize=lesson._SIZE[case.mode])
    lesson.draw_monitor(fig, case, before)
    assert max(p.get_linewidth() for p in fig.axes[0].patches) < 2.0  # no tile singled out before the choice
    assert any("ALARM" in t.get_text() for t in fig.texts)
    fig = plt.figure(figsize=lesson._SIZE[case.mode])
    lesson.draw_monitor(fig, case, before, after)
    assert max(p.get_linewidth() for p in fig.axes[0].patches) > 2.0
    assert not any("ALARM" in t.get_text() for t in fig.texts)


def test_stopped_pump_greys_the_post_oxygenator_tile():
    case = cases.CASES["pump_stop"]
    fig = plt.figure(figsize=lesson._SIZE[case.mode])
    lesson.draw_monitor(fig, case, cases.monitor(case, patients.ADULT), **lesson._traces(case, patients.ADULT, None))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "no forward flow" in texts and "—" in texts


def test_case_data_is_checked():
    good = cases.CASES["drainage"]
    with pytest.raises(ValueError, match="cause must be one of"):
        cases.Case(**{**good.__dict__, "cause": "z"})
    with pytest.raises(ValueError, match="action must be one of|actions need distinct keys"):
        cases.Case(**{**good.__dict__, "action": "z"})
    with pytest.raises(ValueError, match="watch keys"):
        cases.Case(**{**good.__dict__, "watch": ("map_mmhg",)})
    with pytest.raises(ValueError, match="unknown settings"):
        cases.Action("a", "x", set={"no_such_setting": 1.0}).apply({"rpm": 1.0})
    with pytest.raises(ValueError, match="action must be one of"):
        cases.monitor(good, patients.ADULT, "z")


def test_the_educator_guides_worked_case_runs_and_its_right_action_helps(capsys):
    # The worked example of EDUCATORS.md, read from the guide and run as a
    # lesson 09 cell would run it: a new case from data only.
    guide = (Path(__file__).resolve().parents[1] / "EDUCATORS.md").read_text(encoding="utf-8")
    section = guide.split("## Adding a troubleshooting case", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    names = {"cases": cases, "lesson": lesson, "PATIENT": patients.ADULT}
    exec(compile(code, "EDUCATORS.md", "exec"), names)
    case = names["my_case"]
    before, after = cases.monitor(case, patients.ADULT), cases.monitor(case, patients.ADULT, case.action)
    assert after[case.watch[0]] < before[case.watch[0]] - 20.0  # the PaCO2 falls with the sweep restored
    assert "Right: b" in capsys.readouterr().out


@pytest.mark.parametrize("patient", [patients.NEONATE, patients.ADULT], ids=["neonate", "adult"])
@pytest.mark.parametrize("key", ["recirculation", "drainage", "lv_distension", "pump_stop"])
def test_monitor_figure_shows_every_tile_without_overlap(key, patient):
    case = cases.CASES[key]
    fig = plt.figure(figsize=lesson._SIZE[case.mode])
    lesson.draw_monitor(fig, case, cases.monitor(case, patient), cases.monitor(case, patient, case.action),
                        **lesson._traces(case, patient, case.action))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for ax in fig.axes for t in ax.texts if t.get_text()] + [t for t in fig.texts if t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in texts]
    for i, a in enumerate(boxes):
        assert fig.bbox.contains(a.x0, a.y0) and fig.bbox.contains(a.x1, a.y1), texts[i].get_text()
        for j in range(i):
            assert not a.overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())
