"""Lesson 05's views: the Harlequin aorta takes its native output from the
beat-by-beat heart, regions follow the physiology of peripheral VA ECMO, and
the shocked ventricle loads with VA flow and unloads with a vent."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ecmolib import hemodynamics, patients  # noqa: E402
from ecmolib.views import va_ecmo as lesson  # noqa: E402

ADULT = patients.ADULT


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_recovery_runs_from_the_named_shock_condition_to_a_normal_heart():
    shock = hemodynamics.CONDITIONS["cardiogenic_shock"]
    assert lesson.heart_settings(0.0) == pytest.approx({**lesson.heart_settings(1.0), **shock})
    normal = lesson.heart_settings(1.0)
    assert normal["lv_contractility"] == 1.0 and normal["venoconstriction_fraction"] == 0.0


def test_native_output_is_the_beat_by_beat_models_at_a_grid_point():
    # At no ECMO flow and no recovery the grid point is the shock condition's
    # own periodic steady state: the same run, so the same output to 0.5 %.
    direct = hemodynamics.simulate(ADULT, 3.0, **hemodynamics.CONDITIONS["cardiogenic_shock"])
    native, drained = lesson.native_output(ADULT, 0.0, 0.0)
    assert float(native) == pytest.approx(direct.summary["native_output_l_min"], rel=0.005)
    assert float(drained) == pytest.approx(0.0, abs=1e-9)


def test_native_output_between_grid_points_stays_close_to_a_direct_run():
    # Linear interpolation on a 6 x 8 grid: within 0.25 L/min (5 % of a
    # normal output) of a direct run at a point between the knots.
    q = 0.37 * 1.25 * patients.target_ecmo_flow_l_min(ADULT, "va")
    direct = hemodynamics.simulate(ADULT, 3.0, va_flow_l_min=q, **lesson.heart_settings(0.3))
    native, _ = lesson.native_output(ADULT, 0.3, q)
    assert float(native) == pytest.approx(direct.summary["native_output_l_min"], abs=0.25)


def test_default_scenario_shows_differential_hypoxia_and_right_radial_shows_it():
    r = lesson.scenario_state()
    assert r.sao2_right_radial < r.region_so2["lower_body"] - 0.1
    assert r.region_so2["coronary"] <= r.sao2_right_radial + 1e-9


def test_mixing_zone_moves_towards_the_valve_with_more_ecmo_flow():
    flows = np.linspace(1.0, 5.25, 12)
    r = lesson.scenario_state(ADULT, ecmo_flow_l_min=flows)
    assert np.all(np.diff(r.mixing_zone_position) <= 1e-9)
    assert r.mixing_zone_position[0] > 0.7 and r.mixing_zone_position[-1] < 0.3


def test_heart_in_shock_ejects_nothing_against_full_flow():
    r = lesson.scenario_state(ADULT, heart_recovery=0.0)
    assert float(r.native_output_l_min) < 0.05
    assert float(r.mixing_zone_position) < 0.05


def test_upper_body_return_rescues_the_brain_not_the_coronaries():
    states = lesson.cannulation_states()
    femoral, axillary, central = states["femoral"], states["axillary"], states["central"]
    for upper in (axillary, central):
        assert upper.region_so2["brain"] > femoral.region_so2["brain"] + 0.05
        assert upper.region_so2["coronary"] == pytest.approx(femoral.region_so2["coronary"], abs=1e-6)


def test_neonate_gets_the_neck_circuit():
    assert lesson.default_scenario(patients.NEONATE)["cannulation"] == "carotid"
    assert lesson.default_scenario(ADULT)["cannulation"] == "femoral"


def test_va_flow_loads_the_shocked_ventricle_and_a_vent_unloads_it():
    target = patients.target_ecmo_flow_l_min(ADULT, "va")
    none, half, full = (lesson.lv_loading(ADULT, q).summary for q in (0.0, 0.5 * target, target))
    vented = lesson.lv_loading(ADULT, target, 0.25 * target).summary
    assert none["pulse_pressure_mmhg"] > half["pulse_pressure_mmhg"] > full["pulse_pressure_mmhg"]
    assert none["lv_edp_mmhg"] < half["lv_edp_mmhg"] < full["lv_edp_mmhg"]
    assert full["aortic_valve_open_fraction"] < 0.05 < none["aortic_valve_open_fraction"]
    assert full["map_mmhg"] > none["map_mmhg"] + 15.0
    assert vented["lv_edp_mmhg"] < full["lv_edp_mmhg"] - 5.0
    assert vented["mean_pulmonary_venous_pressure_mmhg"] < full["mean_pulmonary_venous_pressure_mmhg"] - 5.0


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"heart_recovery": 1.5}, "heart_recovery"),
    ({"ecmo_flow_l_min": -1.0}, "ecmo_flow_l_min"),
])
def test_bad_input_names_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        lesson.scenario_state(ADULT, **kwargs)


def test_unknown_scenario_key_is_refused():
    with pytest.raises(ValueError, match="unknown scenario keys"):
        lesson.scenario_state(ADULT, pump_rpm=3000)


def test_loading_rejects_a_vent_out_of_range():
    with pytest.raises(ValueError, match=r"lv_vent_flow_l_min \[L/min\]"):
        lesson.lv_loading(ADULT, 1.0, 9.0)
