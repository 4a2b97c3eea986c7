"""Lesson 07 (neonatal vs adult) views: the claims the lesson's text rests on.

Each claim is a direction, a conservation law the composed models must
keep, or a published figure, with its reasoning; no test repeats a number
of the model's own output.
"""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from ecmolib import blood, circuit, outcomes, patients, tissues, widgets
from ecmolib.views import neonatal_adult as lesson

PRESETS = (patients.NEONATE, patients.INFANT, patients.CHILD, patients.ADULT)


@pytest.fixture(scope="module")
def pair():
    return lesson.compare(patients.NEONATE), lesson.compare(patients.ADULT)


@pytest.mark.parametrize("patient", PRESETS, ids=lambda p: p.age_group)
def test_comparison_is_another_patient_and_the_weight_slider_spans_both(patient):
    other = lesson.comparison_for(patient)
    assert other.weight_kg != patient.weight_kg
    spec = lesson.weight_explorer(patient).specs["weight_kg"]
    lo, hi = sorted((patient.weight_kg, other.weight_kg))
    # The slider is on a log scale: both patients inside it (not at an end: an arrow key moves it either
    # way) and on its grid, and every step the same ratio of weights.
    assert spec.log_scale and spec.units == "kg"
    low, high = spec.low, spec.high
    assert low < lo and hi < high and spec.value == patient.weight_kg
    assert 2.0 <= low and high <= 120.0
    weights = spec.grid()
    assert np.min(np.abs(weights - other.weight_kg)) < 1e-9 and np.min(np.abs(weights - patient.weight_kg)) < 1e-9
    ratios = weights[1:] / weights[:-1]
    assert np.ptp(ratios) < 1e-5 and 1.03 < ratios[0] < 1.06
    p50 = lesson.fetal_hb_explorer(patient).specs["p50_mmhg"]
    assert p50.low < blood.FETAL_P50_MMHG < blood.P50_STANDARD_MMHG < p50.high


def test_the_light_weights_get_their_share_of_the_slider():
    # The review's point: on a linear slider 3-10 kg got about 8 % of the travel from 2.8 to 87.5 kg.
    spec = lesson.weight_explorer(patients.ADULT).specs["weight_kg"]
    share = (np.log10(10.0) - np.log10(3.0)) / np.log10(spec.high / spec.low)
    assert share > 0.3
    slider = widgets.slider(spec)  # the widget moves in decades and reads in kg
    assert slider.value == pytest.approx(70.0) and 10.0 ** slider.min == pytest.approx(spec.low)


def test_a_neonate_needs_more_flow_per_kg_but_a_smaller_share_of_its_output(pair):
    neonate, adult = pair
    # Per kg: cardiac output and VO2 are higher in the neonate (Alverson 1987;
    # Kleiber scaling), and so is the ELSO flow (100 against 60 mL/kg/min).
    assert neonate.patient.cardiac_output_ml_kg_min > 2 * adult.patient.cardiac_output_ml_kg_min
    assert neonate.ecmo_flow_ml_kg_min > adult.ecmo_flow_ml_kg_min
    # Weight-scaled adult flow would be too little: 60 mL/kg/min * 3.5 kg < the neonate's target.
    assert adult.ecmo_flow_l_min * 3.5 / 70.0 < neonate.ecmo_flow_l_min


def test_haemodilution_conserves_haemoglobin_and_hits_the_neonate_harder(pair):
    for c in pair:
        p = c.patient
        # Mass balance: Hb mass before = Hb mass after, in blood volume + prime.
        assert c.hb_clear_prime_g_dl * (p.blood_volume_ml + c.prime_ml) == pytest.approx(p.hb_g_dl * p.blood_volume_ml)
        assert c.hb_clear_prime_g_dl < c.hb_blood_prime_g_dl
    neonate, adult = pair
    assert neonate.prime_fraction > 3 * adult.prime_fraction
    assert neonate.hb_clear_prime_g_dl / neonate.patient.hb_g_dl < adult.hb_clear_prime_g_dl / adult.patient.hb_g_dl


def test_the_interpolated_speed_gives_the_target_flow(pair):
    for c in pair:
        pa = lesson._arterial_pressure_mmhg(c.patient)
        op = circuit.operating_point(c.circuit, c.rpm, venous_pressure_mmhg=lesson.VENOUS_PRESSURE_MMHG,
                                     arterial_pressure_mmhg=pa, hb_g_dl=c.patient.hb_g_dl)
        # Speeds 10 rev/min apart: the flow at the interpolated speed is within 0.5 %.
        assert float(op.flow_l_min) == pytest.approx(c.ecmo_flow_l_min, rel=5e-3)
        assert float(op.drainage_pressure_mmhg) == pytest.approx(c.drainage_pressure_mmhg, abs=0.5)
        assert not bool(op.suction)
        assert c.circuit.oxygenator.max_blood_flow_l_min >= c.ecmo_flow_l_min


def test_the_neonatal_circuit_is_heated_for_a_reason(pair):
    neonate, adult = pair
    assert neonate.heat_loss_fraction > 2 * adult.heat_loss_fraction
    assert neonate.return_temperature_drop_c > adult.return_temperature_drop_c


def test_fetal_table_limits_consumption_when_the_blood_runs_short():
    # An adult at PaO2 20 mmHg: the tissues cannot take the resting VO2 out
    # of blood 27-32 % saturated; extraction stops at the cap and VO2 falls
    # (tissues.oxygen_budget), still closing the Fick balance.
    p = patients.ADULT
    t = lesson.fetal_table(p, [blood.FETAL_P50_MMHG, 29.6], [20.0, 90.0])
    assert np.all(t.extraction <= tissues.MAX_O2_EXTRACTION + 1e-9)
    assert t.budget.supply_limited[1, 0] and float(t.budget.vo2_ml_min[1, 0]) < p.vo2_ml_min
    assert not t.budget.supply_limited[:, 1].any()
    fick = (t.cao2_ml_dl - t.cvo2_ml_dl) * 10 * p.cardiac_output_l_min
    assert np.allclose(fick, t.budget.vo2_ml_min, rtol=1e-6)


def test_fetal_haemoglobin_loads_more_and_unloads_at_a_lower_po2():
    p = patients.NEONATE
    t = lesson.fetal_table(p, [blood.FETAL_P50_MMHG, blood.P50_STANDARD_MMHG], [40.0, 90.0])
    fetal, adult = 0, 1
    # At a low arterial PO2 the fetal curve (left-shifted) holds more O2 ...
    assert t.sao2[fetal, 0] > t.sao2[adult, 0] and t.cao2_ml_dl[fetal, 0] > t.cao2_ml_dl[adult, 0]
    # ... and for the same consumption the venous (tissue) PO2 is lower.
    assert np.all(t.pvo2_mmhg[fetal] < t.pvo2_mmhg[adult])
    # The venous blood closes the Fick balance: (CaO2 - CvO2) * 10 * CO = VO2.
    assert np.allclose((t.cao2_ml_dl - t.cvo2_ml_dl) * 10 * p.cardiac_output_l_min, p.vo2_ml_min, rtol=1e-6)
    # At the P50 the saturation is one half (the definition; Severinghaus 1979).
    i = int(np.argmin(np.abs(lesson._CURVE_PO2_MMHG - blood.FETAL_P50_MMHG)))
    assert t.curves[fetal, i] == pytest.approx(0.5, abs=0.01)


def test_neck_va_perfuses_the_brain_and_femoral_va_leaves_it_to_the_heart():
    neck = lesson.neck_vs_femoral(patients.NEONATE)
    femoral = lesson.neck_vs_femoral(patients.ADULT)
    # Carotid return enters the arch: the brain gets circuit blood. Femoral
    # return is retrograde: the lower body gets circuit blood first and the
    # coronaries and right arm get the native (poorly oxygenated) blood.
    assert neck.region_so2["brain"] > femoral.region_so2["brain"]
    assert femoral.region_so2["lower_body"] > femoral.region_so2["right_arm"]
    assert neck.region_so2["right_arm"] > neck.region_so2["coronary"]
    with_neck = lesson.neck_vs_femoral(patients.ADULT, cannulation="carotid")
    assert with_neck.region_so2["brain"] > femoral.region_so2["brain"]


def test_pictures_draw_what_they_return(pair):
    fig = Figure()
    ax = fig.add_subplot()
    shown = lesson.draw_prime(ax, pair)
    assert shown[patients.NEONATE.name] == pytest.approx(pair[0].prime_fraction)
    regions = lesson.draw_regions(fig.add_subplot(), {"n": lesson.neck_vs_femoral(patients.NEONATE)})
    assert set(regions["n"]) == set(lesson.REGION_LABELS)
    ax = fig.add_subplot()
    rows = lesson.draw_survival(ax)
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(rows) == len(outcomes.survival_data())
    assert len(hatched) == sum(not r.verified for r in rows)
    # The survival axis ends at 100 %; figures of one group and diagnosis sit next to each other.
    assert ax.get_xlim() == (0.0, 100.0)
    groups = [(r.age_group, r.support_type, r.diagnosis) for r in rows]
    for g in set(groups):
        at = [i for i, h in enumerate(groups) if h == g]
        assert at == list(range(at[0], at[0] + len(at)))
    table = lesson.size_table(patients.ADULT)
    assert "Term neonate" in table and "Adult" in table and "nan" not in table


def test_explorer_update_shows_what_a_fresh_draw_shows():
    for factory in lesson.EXPLORERS.values():
        ex = factory(patients.CHILD)
        ex.refresh()
        for settings in ex.extreme_settings():
            fresh = Figure()
            assert ex.refresh(**settings) == ex.draw(fresh, **settings)


@pytest.mark.parametrize(("call", "match"), [
    (lambda: lesson.compare("adult"), "patient must be"),
    (lambda: lesson.size_grid([1.0]), r"weights_kg \[kg\]"),
    (lambda: lesson.fetal_table(patients.ADULT, [60.0], [40.0]), r"p50_mmhg \[mmHg\]"),
    (lambda: lesson.fetal_hb_explorer(patients.ADULT, pao2_mmhg=150.0), r"pao2_mmhg \[mmHg\]"),
    (lambda: lesson.size_table([]), "patient must be"),
])
def test_bad_input_raises_kindly(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_sliders_reject_values_off_their_range():
    ex = lesson.weight_explorer(patients.ADULT)
    ex.refresh()
    with pytest.raises(ValueError, match=r"weight_kg \[kg\]"):
        ex.refresh(weight_kg=200.0)
    assert math.isfinite(ex.refresh(weight_kg=10.0)["prime_fraction"])
    heat = lesson.weight_explorer(patients.ADULT, panels=("heat",))
    assert math.isfinite(heat.refresh(weight_kg=10.0)["heat_loss_fraction"])
    with pytest.raises(ValueError, match="panels must be"):
        lesson.weight_explorer(patients.ADULT, panels=("temperature",))
