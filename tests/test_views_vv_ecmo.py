"""Lesson 04 (VV ECMO) views: the claims the lesson's text rests on.

Every slider grid is computed whole when an explorer is built, so building
each explorer checks every corner (and every point) of its sliders for a
steady state; the tests below also check that the grids are finite and in
range. The physiological claims are either published (Spinelli & Bartlett
2014; Schmidt et al. 2013) or hand-derived from the O2 mass balance that
:func:`ecmolib.vv.steady_state` closes, each with its reasoning.
"""

import io
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from ecmolib import patients
from ecmolib.views import vv_ecmo as lesson

FACTORIES = lesson.EXPLORERS


def _table_readouts(explorer_name):
    """The readout grid behind an explorer (rebuilt through the cached table functions)."""
    ex = FACTORIES[explorer_name]()
    s = lesson.SCENARIO
    g = {k: spec.grid() for k, spec in ex.specs.items()}
    if explorer_name == "04 flow and cardiac output":
        return lesson.flow_table(patients.ADULT, g["ecmo_flow_l_min"], g["cardiac_output_l_min"], **s).readout
    if explorer_name == "04 recirculation":
        return lesson.recirculation_table(patients.ADULT, g["recirculation"], g["ecmo_flow_l_min"], **s).readout
    if explorer_name == "04 haemoglobin":
        return lesson.haemoglobin_table(patients.ADULT, g["hb_g_dl"], g["ecmo_flow_l_min"], **s).readout
    return lesson.sweep_table(patients.ADULT, g["sweep_l_min"], g["ecmo_flow_l_min"], **s).readout


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_every_slider_position_has_a_finite_physiological_state(name):
    r = _table_readouts(name)
    for field in ("sao2", "svo2", "pre_so2", "post_so2", "pa_so2"):
        values = np.asarray(getattr(r, field))
        assert np.all(np.isfinite(values)) and np.all((values > 0.0) & (values <= 1.0)), field
    assert np.all(np.asarray(r.paco2_mmhg) > 15.0) and np.all(np.asarray(r.paco2_mmhg) < 200.0)
    # The membrane (lungs exchanging no gas) must take up the whole VO2, so
    # DO2 > VO2 everywhere (arterial content exceeds venous content > 0).
    assert np.all(np.asarray(r.do2_ml_min) > np.asarray(r.vo2_ml_min))


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_live_update_matches_a_fresh_draw(name):
    # The fast path (update on the live figure, static background kept as a
    # bitmap) must show the same picture as drawing that state afresh.
    ex = FACTORIES[name]()
    corner = {k: spec.high for k, spec in ex.specs.items()}
    ex.refresh()
    ex.refresh(**corner)
    live = np.asarray(ex.figure.canvas.buffer_rgba()).copy()
    fig = Figure(figsize=ex.figsize, dpi=ex.figure.dpi)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    ex.draw(fig, **corner)
    fig.canvas.draw()
    fresh = np.asarray(fig.canvas.buffer_rgba())
    assert live.shape == fresh.shape
    # Identical today; a few anti-aliased edge pixels are tolerated where a
    # moving artist is drawn over the cached background instead of in its
    # layer order. One changed label alone differs in hundreds of pixels.
    differing = int(np.sum(np.any(np.abs(live.astype(int) - fresh.astype(int)) > 8, axis=-1)))
    assert differing <= 50, f"{differing} pixels differ"


class TestClaimsOfTheText:
    def test_fever_lowers_sao2_raises_do2_and_leaves_svo2(self):
        # Hand-derived: with lungs exchanging no gas the membrane takes up the
        # whole VO2, Qec (C_post - C_v) = VO2, so at fixed pump flow and VO2
        # the venous content does not depend on the cardiac output; a larger
        # output dilutes the ECMO return (lower SaO2) but pumps more content.
        r = lesson.scenario_state(cardiac_output_l_min=np.array([6.0, 8.0]))
        assert r.sao2[1] < r.sao2[0] - 0.03
        assert r.do2_ml_min[1] > r.do2_ml_min[0]
        # 1e-3: the post-oxygenator content shifts slightly with the inlet PCO2.
        assert abs(r.svo2[1] - r.svo2[0]) < 1e-3

    def test_spinelli_bartlett_equal_sao2_delivery_falls_with_hb(self):
        # Spinelli & Bartlett 2014 (doi:10.1097/MAT.0000000000000125): "Despite
        # the same value of SaO2, the DO2 resulting from the different
        # combinations of Hb and ECBF progressively decreases with decreasing Hb".
        t = lesson.haemoglobin_table(patients.ADULT, np.arange(8.0, 14.01, 1.0), [3.5], iso_sao2=0.85)
        do2 = t.iso_do2_ml_min
        assert np.all(np.isfinite(do2))
        assert np.all(np.diff(do2) > 0)
        # At the same SaO2 the content is proportional to Hb (plus a small,
        # equal dissolved part), so DO2 / Hb is nearly constant: within 3 %.
        per_hb = do2 / t.hb_g_dl
        assert np.ptp(per_hb) / per_hb.mean() < 0.03

    def test_transfusion_raises_delivery_more_and_flow_raises_sao2_more(self):
        # The lesson's section 4 comparison (Spinelli & Bartlett 2014 make the
        # same point): Hb 8 -> 10 versus flow 3.5 -> 4.5 L/min.
        base = {"hb_g_dl": 8.0, "ecmo_flow_l_min": 3.5}
        start = lesson.scenario_state(**base)
        hb = lesson.scenario_state(**{**base, "hb_g_dl": 10.0})
        flow = lesson.scenario_state(**{**base, "ecmo_flow_l_min": 4.5})
        assert hb.do2_ml_min - start.do2_ml_min > flow.do2_ml_min - start.do2_ml_min
        assert flow.sao2 - start.sao2 > hb.sao2 - start.sao2

    def test_pre_oxygenator_saturation_does_not_follow_recirculation(self):
        # Hand-derived: Qec (C_post - C_pre) = VO2 at any recirculation (lungs
        # exchanging no gas), so at fixed pump flow C_pre is fixed; only the
        # post-oxygenator state shifts a little with the inlet PCO2. (Only while
        # the consumption is the demand: at 3 L/min and 50 % recirculation
        # delivery falls below critical, so R stops at 40 % here.)
        t = lesson.recirculation_table(patients.ADULT, np.linspace(0.0, 0.4, 5), [3.0, 4.0, 6.0])
        pre = np.asarray(t.readout.pre_so2)
        assert np.all(np.ptp(pre, axis=0) < 0.005)
        # ...while the patient desaturates.
        assert np.all(np.diff(np.asarray(t.readout.sao2), axis=0) < 0)
        assert np.all(np.diff(np.asarray(t.readout.svo2), axis=0) < 0)

    def test_saturation_method_reads_recirculation_high(self):
        # Hand-derived: the formula neglects the dissolved O2, which is far
        # larger after the oxygenator (PO2 ~600 mmHg) than in venous blood, so
        # it overestimates R (Walker et al. 2009 correct for it); exact at R = 0.
        t = lesson.recirculation_table(patients.ADULT, [0.0, 0.1, 0.3, 0.5], [4.0])
        est = t.estimated_recirculation[:, 0]
        assert est[0] == pytest.approx(0.0, abs=1e-9)
        assert np.all(est[1:] > t.recirculation[1:])
        assert np.all(est[1:] < t.recirculation[1:] + 0.1)

    def test_sweep_moves_paco2_and_blood_flow_barely(self):
        # Lesson 04 section 6 (and the model's design: CO2 removal set by the
        # sweep): over the sliders, PaCO2 spans far more across sweeps than
        # across blood flows, and SaO2 the other way round.
        t = lesson.sweep_table(patients.ADULT, [2.0, 4.0, 8.0], [3.0, 4.0, 6.0])
        paco2, sao2 = np.asarray(t.readout.paco2_mmhg), np.asarray(t.readout.sao2)
        assert np.all(np.diff(paco2, axis=0) < 0)
        assert np.ptp(paco2[1, :]) < 0.25 * np.ptp(paco2[:, 1])
        assert np.ptp(sao2[:, 1]) < 0.25 * np.ptp(sao2[1, :])

    def test_schmidt_ratio_above_0_6_keeps_sao2_near_90_percent(self):
        # Schmidt et al. 2013 (Intensive Care Med): ECMO flow / CO above about
        # 0.6 went with SaO2 above 90 % in adults with ARDS. In the scenario
        # (Hb 12, lungs exchanging no gas) a ratio of 0.65 or more gives at
        # least 88 % for outputs of 4.5-9 L/min; 2 points of tolerance for a
        # cut-off read from scattered patient data.
        t = lesson.flow_table(patients.ADULT, np.arange(2.5, 7.01, 0.1), np.arange(4.5, 9.01, 0.5))
        ratio = t.flows_l_min[None, :] / t.cardiac_outputs_l_min[:, None]
        assert np.min(np.asarray(t.readout.sao2)[ratio >= 0.65]) >= 0.88


PRESETS = {"neonate": patients.NEONATE, "infant": patients.INFANT, "child": patients.CHILD,
           "adult": patients.ADULT}


class TestScenarioFollowsThePatient:
    """The lesson runs for every patient preset: flows, sliders and axes on the patient's own scale."""

    @pytest.mark.parametrize("preset", sorted(PRESETS))
    def test_default_scenario_is_sized_for_the_patient(self, preset):
        # Full VV support for the patient's size, within the oxygenator chosen
        # for that size (its maximum flow covers the target flow).
        p = PRESETS[preset]
        s = lesson.default_scenario(p)
        assert s["ecmo_flow_l_min"] == pytest.approx(patients.target_ecmo_flow_l_min(p, "vv"))
        assert s["ecmo_flow_l_min"] <= s["oxygenator"].max_blood_flow_l_min
        assert s["cardiac_output_l_min"] == pytest.approx(lesson.HYPERDYNAMIC_OUTPUT_FACTOR * p.cardiac_output_l_min)

    @pytest.mark.parametrize("preset", sorted(PRESETS))
    @pytest.mark.parametrize("name", sorted(FACTORIES))
    def test_flow_sliders_scale_with_the_patient(self, preset, name):
        # A neonate's 0.35 L/min must not sit in the corner of an adult's
        # 2.5-7 L/min slider: each flow slider spans at most 2.1 times the
        # scenario's flow (the haemoglobin explorer's starts at 0.6 x CO),
        # never beyond the oxygenator, and passes through its starting flow.
        p = PRESETS[preset]
        ex = FACTORIES[name](p)
        spec = ex.specs["ecmo_flow_l_min"]
        q = spec.value
        assert spec.low <= q <= spec.high
        assert spec.high <= lesson.default_scenario(p)["oxygenator"].max_blood_flow_l_min + 1e-9
        assert spec.low >= 0.5 * q and spec.high <= 2.1 * q
        assert (spec.high - spec.low) / spec.step >= 20  # enough positions to explore

    @pytest.mark.parametrize("variation", [{}, {"hb_g_dl": 8.0}, {"shunt_fraction": 0.5, "fio2": 0.6}])
    @pytest.mark.parametrize("preset", ["neonate", "adult"])
    @pytest.mark.parametrize("name", sorted(FACTORIES))
    def test_every_slider_end_draws_finite_numbers(self, name, preset, variation):
        ex = FACTORIES[name](PRESETS[preset], **variation)
        for values in ex.extreme_settings():
            numbers = ex.draw(Figure(figsize=ex.figsize), **values)
            assert all(math.isfinite(v) for v in numbers.values()), values

    def test_settings_beyond_the_devices_still_give_sliders(self):
        # An educator may set a flow above the oxygenator's maximum (the model
        # accepts up to 1.5 times it) or a high sweep (up to 20 L/min): the
        # sliders then end at that setting instead of failing.
        adult = patients.ADULT
        ex = lesson.flow_explorer(adult, ecmo_flow_l_min=8.0)
        assert ex.specs["ecmo_flow_l_min"].high == pytest.approx(8.0)
        ex = lesson.co2_explorer(adult, sweep_l_min=12.0)
        assert ex.specs["sweep_l_min"].high <= 20.0 and ex.specs["sweep_l_min"].value == pytest.approx(12.0)

    @pytest.mark.parametrize("preset", sorted(PRESETS))
    def test_flow_ratio_axis_fits_the_slider_ratios(self, preset):
        # The x axis runs from 0 to just past the largest ratio the sliders
        # make, whatever the patient's size.
        ex = FACTORIES["04 flow and cardiac output"](PRESETS[preset])
        fig = Figure(figsize=ex.figsize)
        ex.draw(fig, **ex.defaults())
        q, co = ex.specs["ecmo_flow_l_min"], ex.specs["cardiac_output_l_min"]
        lo, hi = fig.axes[0].get_xlim()
        assert lo == 0.0
        assert q.high / co.low <= hi <= 1.1 * q.high / co.low


class TestBadInput:
    def test_report_prints_one_state(self):
        with pytest.raises(ValueError, match="one state"):
            lesson.report("x", cardiac_output_l_min=np.array([5.0, 6.0]))
        with pytest.raises(ValueError, match="patient"):
            lesson.report("x", "adult")

    def test_default_scenario_needs_a_patient(self):
        with pytest.raises(ValueError, match="patient"):
            lesson.default_scenario("adult")

    def test_unknown_scenario_key(self):
        with pytest.raises(ValueError, match="unknown scenario keys"):
            lesson.scenario_state(ecmo_flow=4.0)

    def test_patient_must_be_a_patient(self):
        with pytest.raises(ValueError, match="patient"):
            lesson.scenario_state("adult")
        with pytest.raises(ValueError, match="patient"):
            lesson.flow_table(None, [3.0], [6.0])

    @pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), "4", None])
    def test_scenario_values_checked_by_the_model(self, bad):
        with pytest.raises(ValueError, match=r"ecmo_flow_l_min \[L/min\]"):
            lesson.scenario_state(ecmo_flow_l_min=bad)

    @pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "0.9"])
    def test_readout_shunt_fraction(self, bad):
        with pytest.raises(ValueError, match=r"shunt_fraction \[fraction"):
            lesson.readout(lesson.scenario_state(), shunt_fraction=bad)

    def test_readout_needs_a_state(self):
        with pytest.raises(ValueError, match="VVSteadyState"):
            lesson.readout({"sao2": 0.9})

    @pytest.mark.parametrize("bad", [0.0, 1.2, float("nan")])
    def test_iso_sao2(self, bad):
        with pytest.raises(ValueError, match=r"iso_sao2 \[fraction"):
            lesson.haemoglobin_table(patients.ADULT, [10.0, 12.0], [4.0], iso_sao2=bad)

    def test_grid_at_very_low_flow_is_supply_limited_not_an_error(self):
        # 0.5 L/min cannot carry the O2 consumption (supply-limited state,
        # ecmolib.vv): the table still has finite numbers, lower than at 4.
        t = lesson.flow_table(patients.ADULT, [0.5, 4.0], [6.0])
        sao2 = np.asarray(t.readout.sao2, dtype=float).ravel()
        assert np.all(np.isfinite(sao2)) and sao2[0] < sao2[1]

    @pytest.mark.parametrize("name", sorted(FACTORIES))
    def test_slider_values_off_the_slider(self, name):
        ex = FACTORIES[name]()
        key, spec = next(iter(ex.specs.items()))
        for bad in (spec.high + 10 * spec.step, float("nan"), "x"):
            with pytest.raises(ValueError, match=key):
                ex.draw(Figure(), **{**ex.defaults(), key: bad})

    def test_readout_numbers_are_floats(self):
        numbers = lesson.readout(lesson.scenario_state()).numbers()
        assert all(isinstance(v, float) and math.isfinite(v) for v in numbers.values())


def test_explorer_png_renders():
    ex = FACTORIES["04 flow and cardiac output"]()
    ex.refresh()
    buf = io.BytesIO()
    ex.figure.canvas.print_png(buf)
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
