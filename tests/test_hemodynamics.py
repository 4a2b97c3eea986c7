"""Tests of ecmolib.hemodynamics: the beat-by-beat circulation with ECMO, arrest and CPR.

Published values are compared with a tolerance justified next to each
check. Checks of internal consistency (mass balance, time-step convergence,
similarity scaling) are derived by hand from the model equations. Numbers
that only guard against regressions say so.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from ecmolib import circuit, hemodynamics, patients
from ecmolib.hemodynamics import (
    ADULT_PARAMETERS,
    CONDITION_TARGETS,
    CONDITIONS,
    SUMMARY_KEYS,
    CirculationParameters,
    CirculationState,
    default_heart_rate_bpm,
    parameters_for,
    pressure_scale,
    simulate,
)

ADULT = patients.ADULT
SHOCK = CONDITIONS["cardiogenic_shock"]


@pytest.fixture(scope="module")
def healthy():
    return simulate(ADULT, 5.0)


@pytest.fixture(scope="module")
def shock():
    return simulate(ADULT, 3.0, **SHOCK)


@pytest.fixture(scope="module")
def shock_sweep():
    """Cardiogenic shock at rising set VA flow (steady states)."""
    flows = (0.0, 1.0, 2.0, 3.0, 4.0)
    return flows, [simulate(ADULT, 3.0, **SHOCK, va_flow_l_min=q).summary for q in flows]


@pytest.fixture(scope="module")
def cpr():
    return simulate(ADULT, 6.0, arrest=True, compressions=True)


# ---------------------------------------------------------------------------
# Healthy adult against published normals
# ---------------------------------------------------------------------------


def test_healthy_adult_reproduces_normals(healthy):
    s = healthy.summary
    # Cardiac output: the patient's 5.0 L/min (patients.ADULT, textbook
    # resting value). The adult parameters are fitted to it, so this is a
    # regression guard: 2 %.
    assert s["native_output_l_min"] == pytest.approx(ADULT.cardiac_output_l_min, rel=0.02)
    # Mean arterial pressure of a normotensive adult, 120/80 -> 93 mmHg;
    # +/- 5 mmHg (well inside the normotensive range).
    assert s["map_mmhg"] == pytest.approx(93.0, abs=5.0)
    assert 30.0 <= s["pulse_pressure_mmhg"] <= 50.0            # normal 40, 120/80
    # Echocardiographic normals, Lang et al. 2015 (doi:10.1016/j.echo.2014.10.003),
    # men: EDV 106 +/- 22 mL, ESV 41 +/- 10 mL, EF 62 +/- 5 %; within 2 SD.
    assert 106.0 - 2 * 22.0 <= s["lv_edv_ml"] <= 106.0 + 2 * 22.0
    assert 41.0 - 2 * 10.0 <= s["lv_esv_ml"] <= 41.0 + 2 * 10.0
    assert 0.52 <= s["lv_ejection_fraction"] <= 0.72
    # LV end-diastolic pressure: normal below 12 mmHg.
    assert 3.0 <= s["lv_edp_mmhg"] <= 12.0
    # Mean pulmonary artery pressure 14.0 +/- 3.3 mmHg at rest (Kovacs et al.
    # 2009, doi:10.1183/09031936.00145608); within 2 SD.
    assert abs(s["mean_pulmonary_artery_pressure_mmhg"] - 14.0) <= 2 * 3.3
    # Central venous pressure: normal 2-8 mmHg; wedge pressure 4-12 mmHg.
    assert 2.0 <= s["mean_venous_pressure_mmhg"] <= 8.0
    assert 4.0 <= s["mean_pulmonary_venous_pressure_mmhg"] <= 12.0
    # Bronchial and Thebesian return: BRONCHIAL_FLOW_FRACTION (1-2 %) of the
    # output, set through its resistance at the fitted pressures; 1-2 %.
    assert 0.01 <= s["bronchial_flow_l_min"] / s["native_output_l_min"] <= 0.02
    # LV ejection time: Weissler 1968 (doi:10.1161/01.CIR.37.2.149),
    # LVET = 413 - 1.7 HR = 294 ms at 70/min. The raised-cosine activation
    # gives a longer ejection; we require 10 % (the SD of LVET index is about
    # 10 ms, so this is a loose check of the shape, not a fit).
    lvet_s = s["aortic_valve_open_fraction"] * 60.0 / s["heart_rate_bpm"]
    assert lvet_s == pytest.approx(0.294, rel=0.10)
    assert healthy.steady_state


def test_arrest_without_compressions_matches_human_static_pressures(healthy):
    # Schipke et al. 2003 (Am J Physiol Heart Circ Physiol 285:H2510-H2515;
    # DOI not verified): 13 +/- 2 s of induced ventricular fibrillation in 82
    # anaesthetised patients; central venous pressure rose from 7.5 to
    # 11.0 +/- 5.4 mmHg (within 1 SD here). Arterial pressure fell to
    # 24.2 +/- 5.3 mmHg, keeping 13 mmHg above the venous pressure (a
    # vascular waterfall); this model has none, so its arterial pressure
    # falls further, to the filling pressure: checked as "at most theirs".
    tr = simulate(ADULT, 13.0, arrest=True, initial_state=healthy.final_state, summary_beats=1)
    assert tr.venous_pressure_mmhg[0] < tr.venous_pressure_mmhg[-1]
    assert tr.venous_pressure_mmhg[-1] == pytest.approx(11.0, abs=5.4)
    assert tr.aortic_pressure_mmhg[-1] <= 24.2 + 5.3
    # With no flow at all, every pressure meets at the static balance
    # sum(C_i) P + V_LV(P) + V_RV(P) = stressed volume (solved in the class).
    eq = simulate(ADULT, 2.0, arrest=True).summary
    pm = ADULT_PARAMETERS.mean_circulatory_filling_pressure_mmhg
    assert eq["map_mmhg"] == pytest.approx(pm, abs=1e-3)
    assert eq["mean_venous_pressure_mmhg"] == pytest.approx(pm, abs=1e-3)
    assert eq["native_output_l_min"] == pytest.approx(0.0, abs=1e-9)


def test_trace_arrays_and_summary_keys(healthy):
    n = len(healthy.t_s)
    assert n > 100
    for f in dataclasses.fields(healthy):
        v = getattr(healthy, f.name)
        if isinstance(v, np.ndarray):
            assert v.shape == (n,), f.name
            assert not v.flags.writeable, f.name
            assert np.all(np.isfinite(v)), f.name
    for key in SUMMARY_KEYS:
        assert key in healthy.summary
        assert math.isfinite(healthy.summary[key])
    dt = np.diff(healthy.t_s)
    assert np.allclose(dt, dt[0]) and dt[0] == pytest.approx(0.005, rel=0.1)
    assert healthy.t_s[0] == 0.0
    assert healthy.t_s[-1] == pytest.approx(5.0, abs=dt[0])


# ---------------------------------------------------------------------------
# Contractility: activation only adds pressure above the passive curve
# ---------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(k=st.floats(0.0, 1.9), dk=st.floats(0.02, 0.5))
def test_property_output_never_falls_as_contractility_rises(k, dk):
    a = simulate(ADULT, 1.0, lv_contractility=k).summary["native_output_l_min"]
    b = simulate(ADULT, 1.0, lv_contractility=min(k + dk, 2.0)).summary["native_output_l_min"]
    assert b >= a - 1e-6


def test_a_ventricle_without_contractility_does_not_eject():
    # With no LV contractility the LV is its passive curve: no stroke, no
    # pulse. The beating RV still pushes blood through the flaccid LV at a
    # mean pressure of about 24 mmHg (a Fontan-like through-flow), which is
    # what the design means by "ejects nothing": no ejection, no pulse.
    s = simulate(ADULT, 3.0, lv_contractility=0.0).summary
    assert s["lv_stroke_volume_ml"] < 1.0
    assert s["pulse_pressure_mmhg"] < 1.0
    assert s["map_mmhg"] < 30.0
    # Arrest: nothing moves at all.
    assert simulate(ADULT, 2.0, arrest=True).summary["native_output_l_min"] == pytest.approx(0.0, abs=1e-9)


# ---------------------------------------------------------------------------
# Patient scaling and the neonate
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("patient", [patients.NEONATE, patients.INFANT, patients.CHILD, ADULT])
def test_scaled_patients_have_their_cardiac_output_and_scaled_pressure(patient):
    # parameters_for is an exact similarity transform of the adult model
    # (hand-derived: volumes x s_V, times x s_t, pressures x s_P), so the
    # patient's output equals the patient's CO and the mean pressure the
    # adult's x s_P, up to the adult's own 2 % fit error.
    tr = simulate(patient, 2.0)
    assert tr.summary["native_output_l_min"] == pytest.approx(patient.cardiac_output_l_min, rel=0.02)
    assert tr.final_state.total_volume_ml == pytest.approx(patient.blood_volume_ml, rel=1e-9)
    assert tr.summary["map_mmhg"] == pytest.approx(93.0 * pressure_scale(patient), rel=0.03)
    assert tr.parameters.heart_rate_bpm == pytest.approx(default_heart_rate_bpm(patient))


def test_neonatal_circulation_has_day_one_pressures():
    s = simulate(patients.NEONATE, 3.0).summary
    # Kent et al. 2007 (doi:10.1007/s00467-007-0480-8): median day-1 blood
    # pressure of healthy term neonates 65/45, mean 48 mmHg. The design
    # band is a mean of 40-55 mmHg; systolic and diastolic within 15 mmHg
    # (their 5th-95th centiles span about 20 mmHg either side).
    assert 40.0 <= s["map_mmhg"] <= 55.0
    assert s["systolic_pressure_mmhg"] == pytest.approx(65.0, abs=15.0)
    assert s["diastolic_pressure_mmhg"] == pytest.approx(45.0, abs=15.0)
    # Heart rate about 140/min (Fleming et al. 2011: median 127/min at birth,
    # 145 at one month): 120-160.
    assert 120.0 <= s["heart_rate_bpm"] <= 160.0
    # Output about 150-200 mL/kg/min; the preset's 204 mL/kg/min is within
    # 5 % of the upper end.
    per_kg = s["native_output_l_min"] * 1000.0 / patients.NEONATE.weight_kg
    assert 150.0 <= per_kg <= 210.0


def test_pressure_scale_blends_to_the_adult():
    weights = [2.0, 3.5, 10.0, 21.0, 40.0, 70.0, 100.0]
    scales = [pressure_scale(patients.for_weight(w)) for w in weights]
    assert all(b > a for a, b in itertools.pairwise(scales[:-1]))
    assert scales[-2] == scales[-1] == 1.0
    # Children: mean pressures of 50th-centile boys at 1, 6 and 12 years
    # (about 53, 70, 78 mmHg; Fourth Report, doi:10.1542/peds.114.2.S2.555)
    # against 93 x s_P at typical weights 10, 21, 40 kg; within 10 mmHg.
    for w, expected in ((10.0, 53.0), (21.0, 70.0), (40.0, 78.0)):
        assert 93.0 * pressure_scale(patients.for_weight(w)) == pytest.approx(expected, abs=10.0)


def test_default_heart_rates_are_plausible():
    # Fleming et al. 2011 (doi:10.1016/S0140-6736(10)62226-X): median 127/min
    # at birth, 145/min at 1 month, 113/min at 2 years. Quarter-power scaling
    # must land within 25/min of that band for the neonate and infant.
    assert 127.0 - 25 <= default_heart_rate_bpm(patients.NEONATE) <= 145.0 + 25
    assert 113.0 - 25 <= default_heart_rate_bpm(patients.INFANT) <= 145.0 + 25
    assert default_heart_rate_bpm(ADULT) == 70.0


def test_heart_rate_override():
    slow = simulate(ADULT, 3.0, heart_rate_bpm=60.0).summary
    fast = simulate(ADULT, 3.0, heart_rate_bpm=110.0).summary
    assert slow["heart_rate_bpm"] == 60.0 and fast["heart_rate_bpm"] == 110.0
    assert fast["lv_edv_ml"] < slow["lv_edv_ml"]
    # Right-atrial pacing at rest (Ross et al. 1965,
    # doi:10.1161/01.CIR.32.4.549): cardiac index 3.67 L/min/m2 at 80/min,
    # 3.72 at 121/min ("virtually unchanged"), 3.21 at 148/min (-13 %).
    # Within 10 % of the resting output from 60 to 110/min; at 148/min a
    # fall of 13 +/- 8 % (their 17 patients scatter; ours has no reflexes).
    rest = ADULT.cardiac_output_l_min
    for s in (slow, fast):
        assert s["native_output_l_min"] == pytest.approx(rest, rel=0.10)
    paced = simulate(ADULT, 3.0, heart_rate_bpm=148.0).summary["native_output_l_min"]
    assert 1.0 - paced / rest == pytest.approx(1.0 - 3.21 / 3.695, abs=0.08)
    assert simulate(ADULT, 2.0, heart_rate_factor=1.4).summary["heart_rate_bpm"] == pytest.approx(98.0)


# ---------------------------------------------------------------------------
# Named conditions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CONDITIONS))
def test_conditions_meet_their_cited_targets(name):
    s = simulate(ADULT, 3.0, **CONDITIONS[name]).summary
    for key, (low, high) in CONDITION_TARGETS[name].items():
        assert low <= s[key] <= high, (name, key, s[key])


@pytest.mark.parametrize("patient", [patients.NEONATE, patients.INFANT, patients.CHILD])
@pytest.mark.parametrize("name", sorted(CONDITIONS))
def test_conditions_apply_to_every_patient(patient, name):
    # Every setting is relative (factors, fractions, mL/kg): a condition
    # lowers the output of any patient the same way (no ValueError).
    s = simulate(patient, 2.0, **CONDITIONS[name]).summary
    if name != "healthy":
        assert s["native_output_l_min"] < 0.95 * patient.cardiac_output_l_min


def test_va_flow_in_cardiogenic_shock_follows_published_direction(shock_sweep):
    """Ostadal 2015, Hala 2020 (pigs), Burkhoff 2015 (review): VA flow on a
    failing LV raises pressure, narrows the pulse, distends the LV and lowers
    its output."""
    flows, s = shock_sweep
    for a, b in itertools.pairwise(s):
        assert b["map_mmhg"] > a["map_mmhg"]
        assert b["pulse_pressure_mmhg"] < a["pulse_pressure_mmhg"]
        assert b["lv_edv_ml"] > a["lv_edv_ml"]
        assert b["lv_esv_ml"] > a["lv_esv_ml"]
        assert b["lv_edp_mmhg"] > a["lv_edp_mmhg"]
        assert b["mean_pulmonary_venous_pressure_mmhg"] > a["mean_pulmonary_venous_pressure_mmhg"]
        assert b["native_output_l_min"] < a["native_output_l_min"]
        assert b["aortic_valve_open_fraction"] <= a["aortic_valve_open_fraction"]
    for q, x in zip(flows, s):
        assert x["ecmo_flow_l_min"] == pytest.approx(q, abs=1e-6)   # set flow delivered
    # At 4 L/min this heart no longer opens its aortic valve.
    assert s[-1]["aortic_valve_open_fraction"] == 0.0


def test_va_flow_of_4_to_5_l_min_is_drainable_in_cardiogenic_shock(shock):
    # At the bedside 4-5 L/min are routine in shock: from the compensated
    # shock state, the first minute at 4 and at 5 L/min is never limited by
    # venous collapse.
    for q in (4.0, 5.0):
        tr = simulate(ADULT, 60.0, **SHOCK, va_flow_l_min=q, initial_state=shock.final_state)
        assert tr.summary["ecmo_drainage_limited_fraction"] == 0.0
        assert tr.summary["ecmo_flow_l_min"] == pytest.approx(q, rel=1e-9)


# Pig baselines: the model set up like the animals before the flow was
# raised (each fitted by this library to the published values at the lowest
# flow, 1 L/min; 45 kg as in both studies). The response to 5 L/min is then
# a prediction.
_OSTADAL_PIG = dict(lv_contractility=0.2718, systemic_resistance_factor=0.4520, heart_rate_factor=0.6788,
                    venoconstriction_fraction=0.6)


def test_va_flow_in_porcine_cardiogenic_shock_against_ostadal_2015():
    """Ostadal et al. 2015 (doi:10.1186/s12967-015-0634-6), five 45 kg pigs
    in acute cardiogenic shock, ECMO flow 1 -> 5 L/min: SBP 60 -> 97 mmHg,
    cardiac output 2.8 -> 1.86 L/min, LV ESV 64 -> 83 mL, SV 48 -> 40 mL,
    EF 43 -> 32 %. Baseline fitted at 1 L/min (SBP, output, ESV); at 5 L/min
    every value must move in the published direction and lie within 25 %
    of the published value (their SEMs are 8-28 % of the means)."""
    pig = patients.for_weight(45.0)
    low = simulate(pig, 3.0, **_OSTADAL_PIG, va_flow_l_min=1.0).summary
    high = simulate(pig, 3.0, **_OSTADAL_PIG, va_flow_l_min=5.0).summary
    assert low["systolic_pressure_mmhg"] == pytest.approx(60.0, abs=1.0)      # fitted
    assert low["native_output_l_min"] == pytest.approx(2.8, abs=0.1)          # fitted
    published = {"systolic_pressure_mmhg": (60.0, 97.0), "native_output_l_min": (2.8, 1.86),
                 "lv_esv_ml": (64.0, 83.0), "lv_stroke_volume_ml": (48.0, 40.0),
                 "lv_ejection_fraction": (0.43, 0.32)}
    for key, (before, after) in published.items():
        assert np.sign(high[key] - low[key]) == np.sign(after - before), key
        assert high[key] == pytest.approx(after, rel=0.25), key
    assert high["ecmo_drainage_limited_fraction"] == 0.0


# Hala's pigs at minimal flow (taken as 1 L/min): five settings fitted by
# this library to five published baseline values (output 2.9 L/min, LV
# EDV 189 and ESV 139 mL, EDP 7 and peak pressure 49 mmHg). The heart rate
# is inferred from the published means, output / (EDV - ESV) = 2900 / 50 =
# 58/min (thermodilution over conductance-catheter volumes; the rate itself
# is not in the abstract).
_HALA_PIG = dict(lv_contractility=0.2952, lv_dilation_ml_per_kg=1.966, venoconstriction_fraction=-0.1911,
                 systemic_resistance_factor=0.2878, heart_rate_factor=0.7419)
_HALA_PUBLISHED = {"lv_edp_mmhg": (7.0, 15.0), "lv_edv_ml": (189.0, 218.0), "lv_esv_ml": (139.0, 167.0),
                   "lv_peak_pressure_mmhg": (49.0, 73.0)}


def _hala_filling_held(pig, low):
    """5 L/min with fluid titrated to hold the central venous pressure of minimal flow."""
    def cvp_gap(added_ml):
        tr = simulate(pig, 3.0, **_HALA_PIG, va_flow_l_min=5.0, added_volume_ml=added_ml)
        return tr.summary["mean_venous_pressure_mmhg"] - low["mean_venous_pressure_mmhg"]
    added = brentq(cvp_gap, 0.0, 2000.0, xtol=1.0)
    return added, simulate(pig, 3.0, **_HALA_PIG, va_flow_l_min=5.0, added_volume_ml=added).summary


def test_va_flow_in_porcine_chronic_heart_failure_against_hala_2020():
    """Hala et al. 2020 (doi:10.1186/s12967-020-02250-x), five pigs with
    tachycardia-induced chronic heart failure (45 kg taken, as in Ostadal
    2015), ECMO flow from minimal to 5 L/min: LV EDP 7 -> 15 mmHg, EDV
    189 -> 218 mL, ESV 139 -> 167 mL, peak pressure 49 -> 73 mmHg; the
    published means give a stroke volume (EDV - ESV) of 50 -> 51 mL.

    The stroke volume held while 4 L/min more was drained from the right
    atrium, so the animals' venous return rose with the ECMO flow. At
    constant blood volume the model cannot do that: its stroke volume falls
    and its LV shrinks (asserted below). The test is therefore CONDITIONAL
    on a volume rule, assumed because the abstract does not say how filling
    was handled: fluid titrated to hold the central venous pressure of
    minimal flow. Given that rule, the four LV values are compared: each
    change must lie between half and one and a half times the published
    change, each value within 25 % of the published one (the abstract's +/-
    values, SD or SEM, are 9-31 % of the means), and the stroke volume must
    hold within 15 %.

    How much the result rests on the rule: with just enough fluid to stop
    venous collapse (about 220 mL) the LV does not distend and this test
    fails; it passes for about 725-1050 mL (the rule gives 841). The same
    rule applied to Ostadal's acutely shocked pigs (1145 mL) would raise
    their EDP from 18.6 to 35 mmHg, where they showed no change (at
    constant volume the model gives 18.6 -> 16.6): the two studies' volume
    handling differed, and the model cannot tell what it was. The model's
    LV also gains less volume per mmHg than the pigs' (EDV +17.5 mL for
    EDP +8.6 mmHg, against +29 for +8)."""
    pig = patients.for_weight(45.0)
    low = simulate(pig, 3.0, **_HALA_PIG, va_flow_l_min=1.0).summary
    for key, value in {"native_output_l_min": 2.9, "lv_edv_ml": 189.0, "lv_esv_ml": 139.0,
                       "lv_edp_mmhg": 7.0, "lv_peak_pressure_mmhg": 49.0}.items():
        assert low[key] == pytest.approx(value, rel=0.02), key                # fitted
    constant_volume = simulate(pig, 3.0, **_HALA_PIG, va_flow_l_min=5.0).summary
    assert constant_volume["lv_edv_ml"] < low["lv_edv_ml"]
    assert constant_volume["lv_stroke_volume_ml"] < 0.75 * low["lv_stroke_volume_ml"]

    added_ml, high = _hala_filling_held(pig, low)
    assert 0.0 < added_ml < 0.4 * pig.blood_volume_ml
    assert high["ecmo_drainage_limited_fraction"] == 0.0
    for key, (before, after) in _HALA_PUBLISHED.items():
        assert 0.5 <= (high[key] - low[key]) / (after - before) <= 1.5, key
        assert high[key] == pytest.approx(after, rel=0.25), key
    assert high["lv_stroke_volume_ml"] == pytest.approx(low["lv_stroke_volume_ml"], rel=0.15)


# ---------------------------------------------------------------------------
# LV distension, regurgitation and the vent
# ---------------------------------------------------------------------------


def _distension(shock_state, **kw):
    """Arrest on full VA flow for 5 minutes, from the compensated shock."""
    tr = simulate(ADULT, 300.0, **SHOCK, arrest=True, va_flow_l_min=4.0, initial_state=shock_state,
                  sample_interval_s=0.5, **kw)
    early = np.searchsorted(tr.t_s, 20.0)
    return tr, early


def test_lv_distends_on_full_va_flow_in_arrest_and_a_vent_unloads_it(shock):
    # The bronchial and Thebesian return (1-2 % of output) keeps filling an
    # LV that cannot eject: volume, LV and pulmonary venous pressure rise
    # for as long as the arrest lasts (Burkhoff et al. 2015; the reason for
    # venting). Rises after the first 20 s, 280 s more.
    tr, i = _distension(shock.final_state)
    assert tr.lv_volume_ml[-1] - tr.lv_volume_ml[i] > 3.0
    assert tr.lv_pressure_mmhg[-1] - tr.lv_pressure_mmhg[i] > 2.0
    assert tr.pulmonary_venous_pressure_mmhg[-1] - tr.pulmonary_venous_pressure_mmhg[i] > 2.0
    assert np.all(np.diff(tr.pulmonary_venous_pressure_mmhg[i:]) > -1e-9)
    assert tr.summary["native_output_l_min"] == pytest.approx(0.0, abs=1e-9)
    # A vent of 0.5 L/min (LV to the drainage side) brings them down.
    vented, j = _distension(shock.final_state, lv_vent_flow_l_min=0.5)
    assert vented.lv_volume_ml[-1] < vented.lv_volume_ml[j]
    assert vented.pulmonary_venous_pressure_mmhg[-1] < vented.pulmonary_venous_pressure_mmhg[j] - 2.0
    assert vented.summary["lv_vent_flow_l_min"] == pytest.approx(0.5, rel=1e-6)
    assert vented.summary["ecmo_drainage_limited_fraction"] == 0.0


def test_aortic_regurgitation_leaks_back_and_distends_faster(shock):
    fractions = [simulate(ADULT, 3.0, aortic_regurgitation_fraction=f).summary["aortic_regurgitant_fraction"]
                 for f in (0.0, 0.3, 0.5)]
    assert fractions[0] == 0.0
    # Regression guard of the documented mapping (0.3 -> 0.16, 0.5 -> 0.29;
    # mild to moderate regurgitation): within 0.03.
    assert fractions[1] == pytest.approx(0.16, abs=0.03)
    assert fractions[2] == pytest.approx(0.29, abs=0.03)
    tight, i = _distension(shock.final_state)
    leaky, _ = _distension(shock.final_state, aortic_regurgitation_fraction=0.3)
    # A leaking valve fills the arrested LV from the aorta within seconds:
    # after 20 s its pressure is already above what the bronchial return
    # alone reaches in 5 minutes.
    assert leaky.lv_pressure_mmhg[i] > tight.lv_pressure_mmhg[-1] + 20.0


# ---------------------------------------------------------------------------
# CPR: thoracic and cardiac pump
# ---------------------------------------------------------------------------


def test_cpr_pressures_and_flow_are_those_of_patients(cpr, healthy):
    s = cpr.summary
    # Invasive arterial pressure during CPR in patients (Hoppu et al. 2011,
    # doi:10.1016/j.resuscitation.2011.06.005): 107 +/- 30
    # / 14 +/- 12 mmHg, mean 44 +/- 12; within 1 SD of each mean, except the
    # diastolic, within 2 SD (the thoracic aorta here is a single compliance).
    assert s["systolic_pressure_mmhg"] == pytest.approx(107.0, abs=30.0)
    assert s["diastolic_pressure_mmhg"] == pytest.approx(14.0, abs=24.0)
    assert s["map_mmhg"] == pytest.approx(44.0, abs=12.0)
    # Forward flow 20-35 % of normal (the range reviews quote for manual CPR).
    assert 0.20 <= s["systemic_flow_l_min"] / healthy.summary["systemic_flow_l_min"] <= 0.35
    # Right-atrial pressure peaks near the aortic pressure (thoracic pump):
    # within 20 % of it.
    assert s["peak_venous_pressure_mmhg"] == pytest.approx(s["systolic_pressure_mmhg"], rel=0.20)
    # Coronary perfusion pressure in decompression: at least the 15 mmHg
    # below which no patient of Paradis et al. 1990 (JAMA 263:1106-1113,
    # doi:10.1001/jama.1990.03440080084029) regained a circulation, and
    # below their 25.6 +/- 7.7 mmHg maximum in those who did (+ 1 SD).
    assert 15.0 <= s["coronary_perfusion_pressure_mmhg"] <= 25.6 + 7.7
    none = simulate(ADULT, 2.0, arrest=True, compressions=False).summary
    assert none["systemic_flow_l_min"] == pytest.approx(0.0, abs=1e-9)


def test_deeper_compressions_give_more_pressure_and_flow():
    s = [simulate(ADULT, 3.0, arrest=True, compressions=True, compression_pressure_mmhg=p).summary
         for p in (40.0, 90.0, 140.0)]
    for a, b in itertools.pairwise(s):
        assert b["map_mmhg"] > a["map_mmhg"]
        assert b["systemic_flow_l_min"] > a["systemic_flow_l_min"]


def _fitzgerald(rate_per_min, duty=0.5, k1=0.00207, k2=0.00707):
    """CPR output against compression rate, Fitzgerald et al. 1981 (dogs),
    CO = CR SVmax [DC/(k1 CR + DC)] [(1-DC)/(k2 CR + 1 - DC)] (SVmax cancels
    in ratios)."""
    return rate_per_min * duty / (k1 * rate_per_min + duty) * (1 - duty) / (k2 * rate_per_min + 1 - duty)


@pytest.mark.parametrize("rate", [80.0, 120.0])
def test_cpr_flow_against_rate_follows_fitzgerald(rate):
    # Not fitted: Fitzgerald et al. 1981 (doi:10.1152/ajpheart.1981.241.3.H442)
    # found output nearly flat over 70-150/min; their equation gives ratios
    # to 100/min of 0.96 (80/min) and 1.02 (120/min). We require 0.10.
    ref = simulate(ADULT, 3.0, arrest=True, compressions=True, compression_rate_per_min=100.0)
    got = simulate(ADULT, 3.0, arrest=True, compressions=True, compression_rate_per_min=rate)
    ratio = got.summary["systemic_flow_l_min"] / ref.summary["systemic_flow_l_min"]
    assert ratio == pytest.approx(_fitzgerald(rate) / _fitzgerald(100.0), abs=0.10)


def test_ecmo_started_during_cpr_restores_pressure_and_holds_it_without_compressions(cpr):
    # ECPR: VA flow started during compressions raises the mean pressure;
    # stopping compressions on full flow does not let it collapse.
    on = simulate(ADULT, 60.0, arrest=True, compressions=True, va_flow_l_min=4.0, initial_state=cpr.final_state)
    assert on.summary["map_mmhg"] > cpr.summary["map_mmhg"] + 3.0
    assert on.summary["systemic_flow_l_min"] > cpr.summary["systemic_flow_l_min"]
    off = simulate(ADULT, 60.0, arrest=True, va_flow_l_min=4.0, initial_state=on.final_state)
    assert off.summary["map_mmhg"] > 60.0
    assert off.summary["ecmo_flow_l_min"] == pytest.approx(4.0, rel=1e-6)
    assert off.summary["native_output_l_min"] == pytest.approx(0.0, abs=1e-9)



@pytest.mark.parametrize("patient", [patients.NEONATE, patients.INFANT, patients.CHILD])
def test_cpr_and_ecpr_never_empty_a_ventricle_below_zero(patient):
    # Found building lesson 08: compressions in the infant and the neonate
    # emptied the RV to -3 mL (the pulmonary arteries, below their unstressed
    # volume, have a negative pressure in the linear model and kept drawing
    # blood out), and VA flow on top raised a ValueError for the final state.
    # A ventricle with no blood left ejects nothing.
    cpr = simulate(patient, 3.0, arrest=True, compressions=True)
    on = simulate(patient, 3.0, arrest=True, compressions=True, initial_state=cpr.final_state,
                  va_flow_l_min=patients.target_ecmo_flow_l_min(patient, "va"))
    for tr in (cpr, on):
        assert tr.rv_volume_ml.min() >= 0.0 and tr.lv_volume_ml.min() >= 0.0
        assert tr.summary["systemic_flow_l_min"] > 0.0
        assert tr.final_state.total_volume_ml == pytest.approx(tr.parameters.blood_volume_ml, rel=1e-9)


# ---------------------------------------------------------------------------
# Pump-driven VA flow, including a stopped pump
# ---------------------------------------------------------------------------


def test_a_stopped_or_slow_pump_lets_blood_run_backwards(shock):
    # The circuit's own resistances carry 1.4-2.3 L/min backwards at an
    # arterial-venous gradient of 40-80 mmHg (ecmolib.circuit); here the
    # gradient is the shock's, about 45 mmHg.
    stopped = simulate(ADULT, 3.0, **SHOCK, rpm=0.0, circuit=circuit.ADULT_VA)
    s = stopped.summary
    assert s["ecmo_retrograde"] and np.all(stopped.ecmo_flow_l_min < 0.0)
    assert 1.0 <= -s["ecmo_flow_l_min"] <= 2.0
    # The backflow steals from the body: systemic flow below the heart's output.
    assert s["systemic_flow_l_min"] < s["native_output_l_min"] - 1.0
    assert s["map_mmhg"] < shock.summary["map_mmhg"]
    running = simulate(ADULT, 3.0, **SHOCK, rpm=3000.0, circuit=circuit.ADULT_VA).summary
    assert running["ecmo_flow_l_min"] > 2.0 and not running["ecmo_retrograde"]


def test_pump_driven_flow_falls_with_afterload():
    base = SHOCK["systemic_resistance_factor"]
    flows = [simulate(ADULT, 3.0, **{**SHOCK, "systemic_resistance_factor": base * f}, rpm=3000,
                      circuit=circuit.ADULT_VA).summary["ecmo_flow_l_min"] for f in (0.6, 1.0, 1.6)]
    assert flows[0] > flows[1] > flows[2] > 0.5


def test_pump_driven_flow_is_the_circuit_operating_point():
    """Every sample: the recorded flow is operating_point() at that instant's
    central venous and arterial pressure (with the model's drainage
    resistance), to the accuracy of the interpolation grid (1 x 2 mmHg)."""
    tr = simulate(ADULT, 2.0, **SHOCK, rpm=3200, circuit=circuit.ADULT_VA, sample_interval_s=0.02)
    coupled = dataclasses.replace(
        circuit.ADULT_VA,
        venous_resistance_mmhg_min_l=tr.parameters.drainage_resistance_mmhg_s_ml * 1000.0 / 60.0)
    op = circuit.operating_point(coupled, 3200, venous_pressure_mmhg=tr.venous_pressure_mmhg,
                                 arterial_pressure_mmhg=tr.peripheral_arterial_pressure_mmhg,
                                 hb_g_dl=ADULT.hb_g_dl)
    # The slope of flow against pressure is about 0.03 L/min per mmHg here;
    # bilinear interpolation on a 1 x 2 mmHg grid errs well below 0.02 L/min.
    assert np.max(np.abs(np.asarray(op.flow_l_min) - tr.ecmo_flow_l_min)) < 0.02
    assert tr.summary["ecmo_flow_l_min"] > 1.0


def test_vv_flow_has_no_haemodynamic_effect(healthy):
    tr = simulate(ADULT, 5.0, vv_flow_l_min=4.0)
    assert np.all(tr.vv_flow_l_min == 4.0)
    for key in SUMMARY_KEYS:
        assert tr.summary[key] == healthy.summary[key]
    assert np.array_equal(tr.aortic_pressure_mmhg, healthy.aortic_pressure_mmhg)


# ---------------------------------------------------------------------------
# Conservation and numerics
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    {},
    {**SHOCK, "va_flow_l_min": 3.0, "lv_vent_flow_l_min": 0.5},
    {**SHOCK, "rpm": 0.0, "circuit": circuit.ADULT_VA},
    {"arrest": True, "compressions": True, "va_flow_l_min": 2.0},
    {"aortic_regurgitation_fraction": 0.5, **CONDITIONS["chronic_heart_failure"]},
    {"lv_contractility": 0.35, "va_flow_l_min": 5.0, "added_volume_ml": -700.0},
])
def test_blood_volume_conserved(kwargs):
    tr = simulate(ADULT, 20.0, **kwargs)
    bv = tr.parameters.blood_volume_ml
    # Mass balance: the eight volume derivatives sum to zero exactly, so RK4
    # keeps the total to round-off; 1e-9 relative over the run.
    assert np.max(np.abs(tr.total_volume_ml - bv)) / bv < 1e-9
    assert abs(tr.final_state.total_volume_ml - bv) / bv < 1e-9


@pytest.mark.parametrize("kwargs", [{}, {**SHOCK, "va_flow_l_min": 3.0},
                                    {"arrest": True, "compressions": True}])
def test_time_step_converged(monkeypatch, kwargs):
    """Halving and doubling the step changes the summary far less than any
    tolerance used above (justifies STEPS_PER_CYCLE)."""
    n0 = hemodynamics.STEPS_PER_CYCLE
    runs = {}
    for n in (n0 // 2, n0, 2 * n0):
        monkeypatch.setattr(hemodynamics, "STEPS_PER_CYCLE", n)
        runs[n] = simulate(ADULT, 2.0, **kwargs).summary
    for key, tol in (("map_mmhg", 0.05), ("pulse_pressure_mmhg", 0.1), ("lv_edv_ml", 0.05),
                     ("lv_esv_ml", 0.05), ("native_output_l_min", 0.005), ("systemic_flow_l_min", 0.005),
                     ("coronary_perfusion_pressure_mmhg", 0.1)):
        assert abs(runs[n0][key] - runs[2 * n0][key]) < tol, key
        assert abs(runs[n0 // 2][key] - runs[2 * n0][key]) < 4 * tol, key


def test_continuing_from_final_state_matches_one_long_run():
    start = simulate(ADULT, 1.0).final_state
    beat = 60.0 / 70.0                      # whole beats: whole numbers of steps
    long = simulate(ADULT, 4 * beat, initial_state=start, sample_interval_s=0.01)
    half = simulate(ADULT, 2 * beat, initial_state=start, sample_interval_s=0.01)
    rest = simulate(ADULT, 2 * beat, initial_state=half.final_state, sample_interval_s=0.01)
    for f in dataclasses.fields(CirculationState):
        assert getattr(rest.final_state, f.name) == pytest.approx(getattr(long.final_state, f.name), abs=1e-8)
    assert half.steady_state is False and half.warmup_s == 0.0


@settings(max_examples=25, deadline=None)
@given(patient=st.sampled_from([patients.NEONATE, patients.INFANT, patients.CHILD, ADULT,
                                patients.for_weight(10.0)]),
       condition=st.sampled_from(sorted(CONDITIONS)),
       extremes=st.fixed_dictionaries({
           "venoconstriction_fraction": st.sampled_from([-0.5, 0.9]),
           "lv_dilation_ml_per_kg": st.sampled_from([0.0, 3.0]),
           "aortic_regurgitation_fraction": st.sampled_from([0.0, 0.9]),
           "lv_vent_flow_l_min": st.sampled_from([0.0, 5.0]),
           "heart_rate_factor": st.sampled_from([0.35, 1.45]),
       }))
def test_property_every_option_at_its_ends_gives_a_finite_answer(patient, condition, extremes):
    # A slider can reach every end of every range: a finite answer, never
    # an exception.
    settings_ = {**CONDITIONS[condition], **extremes}
    tr = simulate(patient, 1.0, **settings_)
    assert all(math.isfinite(float(v)) for v in tr.summary.values())
    assert tr.final_state.total_volume_ml == pytest.approx(tr.parameters.blood_volume_ml, rel=1e-9)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def _raises(fn, *args, name, units, **kwargs):
    with pytest.raises(ValueError) as info:
        fn(*args, **kwargs)
    msg = str(info.value)
    assert name in msg
    if units:
        assert units in msg
    return msg


@pytest.mark.parametrize("name,units,bad", [
    ("duration_s", "[s]", -1.0),
    ("duration_s", "[s]", 0.0),
    ("duration_s", "[s]", float("nan")),
    ("duration_s", "[s]", "10"),
    ("duration_s", "[s]", 1e5),
    ("va_flow_l_min", "[L/min]", -0.5),
    ("va_flow_l_min", "[L/min]", float("inf")),
    ("vv_flow_l_min", "[L/min]", -1.0),
    ("lv_vent_flow_l_min", "[L/min]", 6.0),
    ("lv_contractility", "[1 (factor)]", 2.5),
    ("lv_contractility", "[1 (factor)]", -0.1),
    ("lv_contractility", "[1 (factor)]", None),
    ("rv_contractility", "[1 (factor)]", 3.0),
    ("heart_rate_bpm", "[beats/min]", 10.0),
    ("heart_rate_bpm", "[beats/min]", float("nan")),
    ("heart_rate_factor", "[1 (factor)]", 0.0),
    ("compression_rate_per_min", "[1/min]", 0.0),
    ("compression_pressure_mmhg", "[mmHg]", -5.0),
    ("compression_duty_cycle", "fraction", 1.0),
    ("systemic_resistance_factor", "[1 (factor)]", 0.0),
    ("venoconstriction_fraction", "fraction", 1.0),
    ("lv_dilation_ml_per_kg", "[mL/kg]", -1.0),
    ("aortic_regurgitation_fraction", "fraction", 1.0),
    ("added_volume_ml", "[mL]", -5000.0),
    ("sample_interval_s", "[s]", 0.0),
    ("rpm", "[rev/min]", -100.0),
])
def test_simulate_rejects_bad_numbers(name, units, bad):
    kwargs = {name: bad}
    if name == "rpm":
        kwargs["circuit"] = circuit.ADULT_VA
    if name == "duration_s":
        _raises(simulate, ADULT, bad, name=name, units=units)
    else:
        _raises(simulate, ADULT, 1.0, name=name, units=units, **kwargs)


def test_simulate_rejects_inconsistent_options():
    _raises(simulate, ADULT, 1.0, rpm=3000, name="rpm", units="[rev/min]")                 # no circuit
    _raises(simulate, ADULT, 1.0, circuit=circuit.ADULT_VA, name="rpm", units="[rev/min]")  # no rpm
    _raises(simulate, ADULT, 1.0, rpm=3000, circuit=circuit.ADULT_VA, va_flow_l_min=2.0,
            name="va_flow_l_min", units="[L/min]")
    _raises(simulate, ADULT, 1.0, rpm=3000, circuit=circuit.ADULT_VV, name="circuit", units="")
    _raises(simulate, ADULT, 1.0, rpm=3000, circuit="ADULT_VA", name="circuit", units="")
    _raises(simulate, ADULT, 1.0, heart_rate_bpm=80.0, heart_rate_factor=1.2, name="heart_rate_factor", units="")
    _raises(simulate, ADULT, 1.0, arrest="yes", name="arrest", units="")
    _raises(simulate, ADULT, 1.0, compressions=1, name="compressions", units="")
    _raises(simulate, ADULT, 1.0, summary_beats=0, name="summary_beats", units="")
    _raises(simulate, ADULT, 1.0, parameters="adult", name="parameters", units="")
    _raises(simulate, ADULT, 1.0, initial_state=(1, 2, 3), name="initial_state", units="")
    _raises(simulate, "adult", 1.0, name="patient", units="")
    _raises(simulate, ADULT, [1.0, 2.0], name="duration_s", units="[s]")
    _raises(simulate, ADULT, 1.0, rpm=9000, circuit=circuit.ADULT_VA, name="rpm", units="[rev/min]")


def test_parameter_functions_reject_bad_input():
    _raises(parameters_for, "adult", name="patient", units="")
    _raises(parameters_for, ADULT, heart_rate_bpm=300.0, name="heart_rate_bpm", units="[beats/min]")
    _raises(parameters_for, ADULT, heart_rate_bpm="fast", name="heart_rate_bpm", units="[beats/min]")
    _raises(default_heart_rate_bpm, None, name="patient", units="")
    _raises(pressure_scale, 70.0, name="patient", units="")


@pytest.mark.parametrize("field,units,bad", [
    ("heart_rate_bpm", "[beats/min]", 0.0),
    ("systemic_resistance_mmhg_s_ml", "[mmHg s/mL]", -1.0),
    ("arterial_elastance_mmhg_ml", "[mmHg/mL]", float("nan")),
    ("lv_dead_volume_ml", "[mL]", -3.0),
    ("lv_diastolic_stiffness_per_ml", "[1/mL]", 0.0),
    ("lv_diastolic_pressure_scale_mmhg", "[mmHg]", "0.1"),
    ("venous_valve_leak_fraction", "fraction", 1.5),
    ("stressed_volume_ml", "[mL]", 0.0),
    ("blood_volume_ml", "[mL]", 1000.0),       # too small for the volumes it must hold
])
def test_circulation_parameters_validate_fields(field, units, bad):
    _raises(dataclasses.replace, ADULT_PARAMETERS, name=field, units=units, **{field: bad})


@pytest.mark.parametrize("bad", [-1.0, float("nan"), "100", None])
def test_circulation_state_validates(bad):
    good = {"lv_volume_ml": 120.0, "aortic_volume_ml": 300.0, "arterial_volume_ml": 600.0,
            "venous_volume_ml": 2900.0, "central_venous_volume_ml": 250.0, "rv_volume_ml": 110.0,
            "pulmonary_arterial_volume_ml": 120.0, "pulmonary_venous_volume_ml": 600.0}
    _raises(CirculationState, **{**good, "lv_volume_ml": bad}, name="lv_volume_ml", units="[mL]")
    _raises(CirculationState, **good, time_s=bad, name="time_s", units="[s]")


def test_parameters_type_and_scaling_consistency():
    p = parameters_for(patients.NEONATE)
    assert isinstance(p, CirculationParameters)
    # hand-derived: elastance x volume scale / pressure scale and resistance
    # x volume scale / (time scale x pressure scale) are the adult's
    s_v = p.stressed_volume_ml / ADULT_PARAMETERS.stressed_volume_ml
    s_t = p.heart_period_s / ADULT_PARAMETERS.heart_period_s
    s_p = pressure_scale(patients.NEONATE)
    assert p.arterial_elastance_mmhg_ml * s_v / s_p == pytest.approx(ADULT_PARAMETERS.arterial_elastance_mmhg_ml)
    assert p.systemic_resistance_mmhg_s_ml * s_v / (s_t * s_p) == pytest.approx(
        ADULT_PARAMETERS.systemic_resistance_mmhg_s_ml)
    assert p.mean_circulatory_filling_pressure_mmhg == pytest.approx(
        ADULT_PARAMETERS.mean_circulatory_filling_pressure_mmhg * s_p, rel=1e-9)
    assert p.blood_volume_ml == pytest.approx(patients.NEONATE.blood_volume_ml)
    assert p.venous_unstressed_volume_ml > 0.0
