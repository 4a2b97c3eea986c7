"""Lesson 06's view: the same failing patient on VV and VA, side by side.

The tests check directions the physiology fixes (not our own numbers): VV
leaves a shocked heart's pressure where it was, VA raises it and loads the
LV; femoral VA with failing lungs and a working heart gives differential
hypoxia; the regional saturations follow the native output the beat-by-beat
model gives; the decision table's answers follow from the model's numbers
by the stated criteria.
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ecmolib import hemodynamics, patients, va, vv  # noqa: E402
from ecmolib.views import vv_vs_va as lesson  # noqa: E402

PRESETS = [patients.NEONATE, patients.INFANT, patients.CHILD, patients.ADULT]


@pytest.fixture(scope="module", params=PRESETS, ids=lambda p: p.age_group)
def case(request):
    p = request.param
    s = lesson.default_scenario(p)
    table = lesson.comparison_table(p, **s)
    j = lesson.flow_slider(p, **s).index(s["ecmo_flow_l_min"], name="ecmo_flow_l_min")
    return p, s, table, j


def _i(failure):
    return lesson.FAILURES.index(failure)


def test_vv_in_cardiogenic_shock_leaves_the_pressure_low(case):
    p, _, table, j = case
    for failure in ("heart", "both"):
        i = _i(failure)
        # VV neither adds nor removes arterial flow: the MAP is the shocked heart's, below target.
        assert table.vv.map_mmhg[i, j] == pytest.approx(table.no_ecmo.map_mmhg[i, 0])
        assert table.vv.map_mmhg[i, j] < table.map_target_mmhg
        assert table.vv.native_output_l_min[i, j] == pytest.approx(table.no_ecmo.native_output_l_min[i, 0])


def test_va_raises_the_pressure_and_loads_the_failing_lv(case):
    _, _, table, _ = case
    i = _i("heart")
    m, edp, ejected = table.va.map_mmhg[i], table.va.lv_edp_mmhg[i], table.va.native_output_l_min[i]
    assert np.all(m > table.no_ecmo.map_mmhg[i, 0])            # more pressure at every flow
    assert np.all(np.diff(m[:3]) > 0)                           # rising with flow while the heart ejects
    assert np.all(np.diff(edp) >= -1e-6) and edp[-1] > edp[0]   # afterload fills the LV
    assert np.all(np.diff(ejected) <= 1e-6) and ejected[-1] < ejected[0]
    assert np.all(table.va.pulse_pressure_mmhg[i] < table.vv.pulse_pressure_mmhg[i])


def test_femoral_va_with_failing_lungs_and_a_working_heart_gives_differential_hypoxia(case):
    _, s, table, j = case
    assert s["cannulation"] == "femoral"
    i = _i("lungs")
    right_radial = table.va.region_so2["right_arm"][i]
    lower_body = table.va.region_so2["lower_body"][i]
    assert np.all(right_radial < lower_body - 0.05)
    # The heart gets no better blood than the right radial line shows; VV gives one saturation everywhere.
    assert np.all(table.va.region_so2["coronary"][i] <= right_radial + 1e-9)
    assert table.vv.region_so2["brain"][i, j] == table.vv.region_so2["lower_body"][i, j]
    # The recovering heart: the same lungs and flow, more native output, an upper body no better and,
    # at some flow, clearly bluer.
    k = _i("both")
    assert np.all(table.va.native_output_l_min[i] > table.va.native_output_l_min[k])
    recovered, shocked = table.va.region_so2["brain"][i], table.va.region_so2["brain"][k]
    assert np.all(recovered <= shocked + 1e-9) and np.any(recovered < shocked - 0.05)


def test_regional_saturations_come_from_the_beat_by_beat_native_output():
    p = patients.ADULT
    s = lesson.default_scenario(p)
    table = lesson.comparison_table(p, **s)
    i, j = _i("both"), 2
    q = float(table.flows_l_min[j])
    summary = hemodynamics.simulate(p, 5.0, va_flow_l_min=q, **hemodynamics.CONDITIONS["cardiogenic_shock"]).summary
    assert table.va.native_output_l_min[i, j] == pytest.approx(summary["native_output_l_min"], rel=1e-9)
    assert table.va.map_mmhg[i, j] == pytest.approx(summary["map_mmhg"], rel=1e-9)
    direct = va.steady_state(p, summary["ecmo_flow_l_min"], native_output_l_min=summary["native_output_l_min"],
                             shunt_fraction=s["failing_shunt_fraction"], fio2=s["fio2"], hb_g_dl=s["hb_g_dl"])
    for region, so2 in direct.region_so2.items():
        assert table.va.region_so2[region][i, j] == pytest.approx(float(so2), abs=1e-9)
    # VV: the gas model gets the heart's own output.
    co = hemodynamics.simulate(p, 5.0, **hemodynamics.CONDITIONS["cardiogenic_shock"]).summary["native_output_l_min"]
    state = vv.steady_state(p, q, shunt_fraction=s["failing_shunt_fraction"], fio2=s["fio2"], hb_g_dl=s["hb_g_dl"],
                            cardiac_output_l_min=co, oxygenator=vv.default_oxygenator(p, "vv"))
    assert table.vv.do2_ml_min[i, j] == pytest.approx(float(state.do2_ml_min), rel=1e-9)


def test_supply_limited_consumption_is_reported_where_support_falls_short():
    # The lowest VV flow against dead lungs cannot deliver the demand (adult: 1.5 L/min for 5 L/min of output).
    table = lesson.comparison_table(patients.ADULT)
    r = table.vv
    i = _i("lungs")
    assert r.supply_limited[i, 0] and r.vo2_ml_min[i, 0] < r.vo2_demand_ml_min[i, 0]
    assert not r.supply_limited[i, -1] and r.vo2_ml_min[i, -1] == pytest.approx(r.vo2_demand_ml_min[i, -1])


def test_decision_follows_the_criteria_computed_from_the_models(case):
    _, _, table, _ = case
    for failure in lesson.FAILURES:
        answer = lesson.recommended_mode(table, failure)
        assert answer in lesson.DECISIONS
        vv_ok = [all(lesson.criteria(table, "vv", failure, j).values()) for j in range(len(table.flows_l_min))]
        va_ok = [all(lesson.criteria(table, "va", failure, j).values()) for j in range(len(table.flows_l_min))]
        assert (answer == "vv") == any(vv_ok)
        assert (answer == "va") == (not any(vv_ok) and any(va_ok))
    # Whatever the numbers, VV is never the answer for a failing heart (it cannot raise the pressure) ...
    assert lesson.recommended_mode(table, "heart") != "vv"
    assert lesson.recommended_mode(table, "both") != "vv"
    # ... and femoral VA never for failing lungs with a working heart (differential hypoxia).
    assert lesson.recommended_mode(table, "lungs") != "va"


def test_criteria_read_the_table():
    table = lesson.comparison_table(patients.ADULT)
    i, j = _i("heart"), 0
    c = lesson.criteria(table, "vv", "heart", j)
    assert c["pressure"] == bool(table.vv.map_mmhg[i, j] >= table.map_target_mmhg) is False
    c = lesson.criteria(table, "va", "heart", len(table.flows_l_min) - 1)
    assert c["ejects"] is False  # full flow and more: the weak LV's aortic valve stays shut


def test_a_valve_that_barely_opens_is_not_an_ejecting_lv():
    # The shocked adult at the VA flow where the valve still opens in a few per cent of each beat but the
    # heart ejects next to nothing: no pulse, a high LVEDP. The lesson must not count that LV as ejecting.
    table = lesson.comparison_table(patients.ADULT)
    i = _i("both")
    stasis = [j for j in range(len(table.flows_l_min))
              if table.va.aortic_valve_open_fraction[i, j] >= lesson.AORTIC_VALVE_OPEN_MIN
              and table.va.native_output_l_min[i, j] < 0.1]
    assert stasis
    for j in stasis:
        assert table.va.pulse_pressure_mmhg[i, j] < table.pulse_pressure_min_mmhg
        assert lesson.criteria(table, "va", "both", j)["ejects"] is False
    assert lesson.pulse_pressure_min_mmhg(patients.NEONATE) < lesson.pulse_pressure_min_mmhg(patients.ADULT) == 5.0


def test_the_lessons_decisions_hold_for_every_preset(case):
    # The lesson's answer text says so: lungs only VV, heart only VA, both V-VA, neonate to adult.
    _, _, table, _ = case
    assert [lesson.recommended_mode(table, f) for f in lesson.FAILURES] == ["vv", "va", "v-va"]


def test_scenario_and_slider_follow_the_patient():
    for p in PRESETS:
        s = lesson.default_scenario(p)
        spec = lesson.flow_slider(p, **s)
        full = patients.target_ecmo_flow_l_min(p, "va")
        assert spec.low <= 0.4 * full and spec.high >= full and spec.value == s["ecmo_flow_l_min"]
        assert 5 <= len(spec.grid()) <= 12
    assert lesson.map_target_mmhg(patients.NEONATE) < lesson.map_target_mmhg(patients.ADULT) == 65.0


@pytest.mark.parametrize("bad, match", [
    ({"hb_g_dl": 40.0}, r"hb_g_dl \[g/dL\]"),
    ({"cannulation": "neck"}, "cannulation"),
    ({"ecmo_flow_l_min": -1.0}, r"ecmo_flow_l_min \[L/min\]"),
    ({"failing_shunt_fraction": 1.5}, r"failing_shunt_fraction \[fraction 0..1\]"),
    ({"fio2": 0.1}, r"fio2 \[fraction 0..1\]"),
    ({"sweep_l_min": 3.0}, "unknown scenario keys"),
])
def test_bad_scenario_fails_loudly(bad, match):
    with pytest.raises(ValueError, match=match):
        lesson.comparison_table(patients.ADULT, **bad)


def test_explorer_numbers_match_the_table():
    explorer = lesson.comparison_explorer()
    numbers = explorer.refresh(failure=3.0, ecmo_flow_l_min=explorer.specs["ecmo_flow_l_min"].low)
    table = lesson.comparison_table(patients.ADULT)
    assert numbers["VA_upper_body_so2"] == pytest.approx(table.va.upper_body_so2[_i("both"), 0])
    assert numbers["VV_MAP_mmhg"] == pytest.approx(table.vv.map_mmhg[_i("both"), 0])
    with pytest.raises(ValueError, match="failure"):
        explorer.refresh(failure=4.0)
