"""ecmolib.tissues: O2 delivery, consumption and the venous blood after the tissues.

Hand-derived values of the Fick relations, published values the model must
agree with (textbook venous point, the critical delivery of healthy
volunteers, the extraction ratios of dying patients), hypothesis properties
(O2 and CO2 mass conserved, consumption never above demand nor extraction
above its maximum) and bad input for every public function.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecmolib import blood, ecpr, patients, tissues

BAD_NUMBERS = [-1.0, float("nan"), float("inf"), "5", None]


def _severinghaus(po2_mmhg):
    # Severinghaus 1979 (doi:10.1152/jappl.1979.46.3.599), standard conditions.
    return 1.0 / (23400.0 / (po2_mmhg**3 + 150.0 * po2_mmhg) + 1.0)


# ---------------------------------------------------------------------------
# Hand-derived values
# ---------------------------------------------------------------------------


def test_delivery_fick_and_extraction_hand_derived():
    # DO2 = 10 x 5 L/min x 20 mL/dL = 1000 mL/min; VO2 = 10 x 5 x (20 - 15)
    # = 250 mL/min; ER = 250/1000. Exact arithmetic; only float round-off.
    assert tissues.o2_delivery_ml_min(5.0, 20.0) == pytest.approx(1000.0, rel=1e-12)
    assert tissues.fick_vo2_ml_min(5.0, 20.0, 15.0) == pytest.approx(250.0, rel=1e-12)
    assert tissues.extraction_ratio(250.0, 1000.0) == pytest.approx(0.25, rel=1e-12)


def test_scalars_in_scalar_out_and_arrays_broadcast():
    assert isinstance(tissues.o2_delivery_ml_min(5.0, 20.0), float)
    np.testing.assert_allclose(tissues.o2_delivery_ml_min(np.array([2.0, 4.0]), 20.0), [400.0, 800.0])
    np.testing.assert_allclose(tissues.fick_vo2_ml_min(5.0, 20.0, np.array([15.0, 10.0])), [250.0, 500.0])
    np.testing.assert_allclose(tissues.extraction_ratio(np.array([100.0, 250.0]), 1000.0), [0.1, 0.25])


def test_venous_blood_contents_hand_derived():
    # O2 content falls by VO2 / (10 Q) = 250 / 50 = 5 mL/dL and CO2 content
    # rises by VCO2 / (10 Q) = 200 / 50 = 4 mL/dL; from_contents matches the
    # contents to 1e-13 relative, so 1e-9 leaves room only for round-off.
    a = blood.BloodGas(po2_mmhg=100.0, pco2_mmhg=40.0, hb_g_dl=15.0)
    v = tissues.venous_blood(a, 5.0, vo2_ml_min=250.0, vco2_ml_min=200.0)
    assert float(a.o2_content_ml_dl - v.o2_content_ml_dl) == pytest.approx(5.0, rel=1e-9)
    assert float(v.co2_content_ml_dl - a.co2_content_ml_dl) == pytest.approx(4.0, rel=1e-9)
    assert (v.hb_g_dl, v.p50_mmhg, v.temperature_c) == (a.hb_g_dl, a.p50_mmhg, a.temperature_c)


def test_venous_blood_without_exchange_is_the_arterial_blood():
    # Nothing taken up, nothing added: the same contents, hence the same
    # PO2 and PCO2 (the content inversion is exact to well under 1e-6 mmHg).
    a = blood.BloodGas(po2_mmhg=80.0, pco2_mmhg=45.0, hb_g_dl=11.0, temperature_c=35.0)
    v = tissues.venous_blood(a, 3.0, vo2_ml_min=0.0, vco2_ml_min=0.0)
    assert float(v.po2_mmhg) == pytest.approx(80.0, abs=1e-6)
    assert float(v.pco2_mmhg) == pytest.approx(45.0, abs=1e-6)


def test_adult_delivery_and_critical_delivery_hand_derived():
    # CaO2 = 1.34 x 14 x S(100) + 0.003 x 100 with S from the Severinghaus
    # formula; DO2 = 10 x 5 L/min x CaO2. 1e-3 relative covers the arterial
    # pH (7.399 at PCO2 40, base excess 0, not exactly 7.40), which moves
    # S(100) by under 1e-4. Critical DO2 = demand / E_max = 250 / 0.7.
    b = tissues.oxygen_budget(patients.ADULT)
    cao2 = 1.34 * 14.0 * _severinghaus(100.0) + 0.003 * 100.0
    assert float(b.do2_ml_min) == pytest.approx(50.0 * cao2, rel=1e-3)
    assert float(b.critical_do2_ml_min) == pytest.approx(250.0 / 0.7, rel=1e-12)
    assert not bool(b.supply_limited)
    assert float(b.vo2_ml_min) == pytest.approx(250.0, rel=1e-12)


# ---------------------------------------------------------------------------
# Published values
# ---------------------------------------------------------------------------


def test_adult_budget_gives_the_textbook_venous_point():
    # Adult preset (Hb 14, CO 5 L/min, VO2 250 mL/min): the Fick principle
    # must land near the textbook mixed venous point, PvO2 40 mmHg (West;
    # 3 mmHg covers Hb 14 vs the textbook's 15 g/dL and the Bohr shift of
    # venous blood), an SvO2 in the normal range 68-77 % (Vallet et al. 2010,
    # doi:10.1186/cc8854), and a resting extraction of about 0.25 (Dunn et
    # al. 2016, doi:10.1093/bjaed/mkw012; 0.03 covers Hb 14 vs 15 g/dL).
    b = tissues.oxygen_budget(patients.ADULT)
    assert float(b.venous.po2_mmhg) == pytest.approx(40.0, abs=3.0)
    assert 0.68 <= float(b.venous.so2) <= 0.77
    assert float(b.extraction_ratio) == pytest.approx(0.25, abs=0.03)
    assert float(b.venous.pco2_mmhg) > 40.0  # venous blood carries the tissues' CO2
    assert float(b.venous.ph) < float(b.arterial.ph)


def test_healthy_volunteers_critical_delivery_is_not_supply_limited():
    # Lieberman et al. 2000 (PMID 10691227): at Hb 4.8 g/dL and a delivery of
    # 7.3 mL/kg/min, VO2 stayed at 3.2 mL/kg/min with no rise in lactate.
    # The model must not call that supply-limited.
    p = patients.ADULT
    cao2 = float(blood.BloodGas(po2_mmhg=100.0, pco2_mmhg=40.0, hb_g_dl=4.8).o2_content_ml_dl)
    co = 7.3 * p.weight_kg / (10.0 * cao2)
    demand = 3.2 * p.weight_kg
    b = tissues.oxygen_budget(p, hb_g_dl=4.8, cardiac_output_l_min=co, vo2_demand_ml_min=demand)
    assert float(b.do2_ml_kg_min) == pytest.approx(7.3, rel=1e-9)
    assert not bool(b.supply_limited)
    assert float(b.vo2_ml_kg_min) == pytest.approx(3.2, rel=1e-12)


def test_max_extraction_lies_between_the_measured_critical_and_maximal_ratios():
    # Ronco et al. 1993 (PMID 8411504): critical O2 extraction ratio 0.61
    # (septic) and 0.59 (nonseptic), maximal 0.74 and 0.80. The assumed
    # E_max must stay inside the span of those means.
    assert 0.59 <= tissues.MAX_O2_EXTRACTION <= 0.80
    assert ecpr.MAX_O2_EXTRACTION is tissues.MAX_O2_EXTRACTION  # the old name still works


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(po2=st.floats(45.0, 600.0), pco2=st.floats(30.0, 55.0), hb=st.floats(6.0, 18.0), q=st.floats(1.0, 10.0),
       fraction=st.floats(0.0, 0.7), rq=st.floats(0.7, 1.0))
def test_venous_blood_conserves_o2_and_co2(po2, pco2, hb, q, fraction, rq):
    # Fick for each gas: what the blood lost (O2) or gained (CO2) between
    # arteries and veins is what the tissues took up or added.
    a = blood.BloodGas(po2_mmhg=po2, pco2_mmhg=pco2, hb_g_dl=hb)
    vo2 = fraction * float(tissues.o2_delivery_ml_min(q, a.o2_content_ml_dl))
    vco2 = rq * vo2
    v = tissues.venous_blood(a, q, vo2_ml_min=vo2, vco2_ml_min=vco2)
    lost_o2 = 10.0 * q * float(a.o2_content_ml_dl - v.o2_content_ml_dl)
    gained_co2 = 10.0 * q * float(v.co2_content_ml_dl - a.co2_content_ml_dl)
    assert lost_o2 == pytest.approx(vo2, rel=1e-9, abs=1e-9)
    assert gained_co2 == pytest.approx(vco2, rel=1e-9, abs=1e-9)
    assert float(v.po2_mmhg) <= po2 * (1 + 1e-9)
    assert float(v.pco2_mmhg) >= pco2 * (1 - 1e-9)


def test_venous_blood_array_equals_scalar_calls():
    a = blood.BloodGas(po2_mmhg=np.array([70.0, 100.0, 400.0]), pco2_mmhg=40.0, hb_g_dl=12.0)
    v = tissues.venous_blood(a, np.array([3.0, 5.0, 6.0]), vo2_ml_min=250.0, vco2_ml_min=200.0)
    for i, (po2, q) in enumerate([(70.0, 3.0), (100.0, 5.0), (400.0, 6.0)]):
        one = tissues.venous_blood(blood.BloodGas(po2_mmhg=po2, pco2_mmhg=40.0, hb_g_dl=12.0), q,
                                   vo2_ml_min=250.0, vco2_ml_min=200.0)
        assert v.po2_mmhg[i] == pytest.approx(float(one.po2_mmhg), rel=1e-9)
        assert v.pco2_mmhg[i] == pytest.approx(float(one.pco2_mmhg), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(hb=st.floats(5.0, 20.0), frac_co=st.floats(0.2, 1.6), pao2=st.floats(35.0, 150.0),
       frac_vo2=st.floats(0.5, 2.0))
def test_budget_conserves_o2_and_co2_and_respects_limits(hb, frac_co, pao2, frac_vo2):
    # O2 and CO2 mass balance across the body (Fick), consumption never above
    # demand nor extraction above its maximum, and the venous blood lower in
    # O2 and higher in CO2 than the arterial blood.
    p = patients.ADULT
    co, demand = frac_co * p.cardiac_output_l_min, frac_vo2 * p.vo2_ml_min
    b = tissues.oxygen_budget(p, hb_g_dl=hb, cardiac_output_l_min=co, pao2_mmhg=pao2, vo2_demand_ml_min=demand)
    vo2 = float(b.vo2_ml_min)
    assert tissues.fick_vo2_ml_min(co, b.arterial.o2_content_ml_dl, b.venous.o2_content_ml_dl) == pytest.approx(
        vo2, rel=1e-9)
    co2_out = 10.0 * co * (float(b.venous.co2_content_ml_dl) - float(b.arterial.co2_content_ml_dl))
    assert co2_out == pytest.approx(p.respiratory_quotient * vo2, rel=1e-9)
    assert vo2 <= demand * (1 + 1e-12)
    assert float(b.extraction_ratio) <= b.max_extraction * (1 + 1e-12)
    assert float(b.venous.po2_mmhg) < pao2
    assert float(b.venous.pco2_mmhg) > float(b.arterial.pco2_mmhg)
    if bool(b.supply_limited):
        # Below the critical delivery the tissues take exactly E_max x DO2.
        assert vo2 == pytest.approx(b.max_extraction * float(b.do2_ml_min), rel=1e-12)
        assert float(b.do2_ml_min) < float(b.critical_do2_ml_min)
    else:
        assert vo2 == pytest.approx(demand, rel=1e-12)


def test_array_budget_matches_scalar_budgets():
    hbs = np.array([7.0, 14.0])
    arr = tissues.oxygen_budget(patients.ADULT, hb_g_dl=hbs)
    for i, hb in enumerate(hbs):
        one = tissues.oxygen_budget(patients.ADULT, hb_g_dl=float(hb))
        assert arr.do2_ml_min[i] == pytest.approx(float(one.do2_ml_min), rel=1e-12)
        assert arr.venous.po2_mmhg[i] == pytest.approx(float(one.venous.po2_mmhg), rel=1e-9)
        assert arr.venous.pco2_mmhg[i] == pytest.approx(float(one.venous.pco2_mmhg), rel=1e-9)


# ---------------------------------------------------------------------------
# Bad input: every public function
# ---------------------------------------------------------------------------


# (function, valid arguments, which one is made bad, what the message must name)
FLUX_ARGUMENTS = [
    (tissues.o2_delivery_ml_min, (5.0, 20.0), 0, r"cardiac_output_l_min \[L/min\]"),
    (tissues.o2_delivery_ml_min, (5.0, 20.0), 1, r"cao2_ml_dl \[mL/dL\]"),
    (tissues.fick_vo2_ml_min, (5.0, 20.0, 15.0), 0, r"cardiac_output_l_min \[L/min\]"),
    (tissues.fick_vo2_ml_min, (5.0, 20.0, 15.0), 1, r"cao2_ml_dl \[mL/dL\]"),
    (tissues.fick_vo2_ml_min, (5.0, 20.0, 15.0), 2, r"cvo2_ml_dl \[mL/dL\]"),
    (tissues.extraction_ratio, (250.0, 1000.0), 0, r"vo2_ml_min \[mL/min\]"),
    (tissues.extraction_ratio, (250.0, 1000.0), 1, r"do2_ml_min \[mL/min\]"),
]


@pytest.mark.parametrize("bad", BAD_NUMBERS)
@pytest.mark.parametrize(("function", "args", "at", "pattern"), FLUX_ARGUMENTS,
                         ids=[f"{f.__name__}-{i}" for f, _, i, _ in FLUX_ARGUMENTS])
def test_delivery_fick_and_extraction_reject_bad_input(function, args, at, pattern, bad):
    args = list(args)
    args[at] = bad
    with pytest.raises(ValueError, match=pattern):
        function(*args)


def test_fick_rejects_venous_above_arterial_and_out_of_range():
    with pytest.raises(ValueError, match=r"cvo2_ml_dl \[mL/dL\] must not exceed cao2_ml_dl"):
        tissues.fick_vo2_ml_min(5.0, 15.0, 20.0)
    with pytest.raises(ValueError, match=r"cvo2_ml_dl \[mL/dL\] must not exceed cao2_ml_dl"):
        tissues.fick_vo2_ml_min(5.0, np.array([20.0, 15.0]), np.array([15.0, 20.0]))
    with pytest.raises(ValueError, match=r"cao2_ml_dl \[mL/dL\]"):
        tissues.fick_vo2_ml_min(5.0, 41.0, 15.0)
    with pytest.raises(ValueError, match=r"cardiac_output_l_min \[L/min\]"):
        tissues.fick_vo2_ml_min(0.0, 20.0, 15.0)


def test_extraction_ratio_rejects_consumption_above_delivery():
    with pytest.raises(ValueError, match=r"vo2_ml_min \[mL/min\] must not exceed do2_ml_min"):
        tissues.extraction_ratio(300.0, 200.0)


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_venous_blood_rejects_bad_numbers(bad):
    a = blood.BloodGas(po2_mmhg=100.0, pco2_mmhg=40.0, hb_g_dl=15.0)
    with pytest.raises(ValueError, match=r"flow_l_min \[L/min\]"):
        tissues.venous_blood(a, bad, vo2_ml_min=250.0, vco2_ml_min=200.0)
    with pytest.raises(ValueError, match=r"vo2_ml_min \[mL/min\]"):
        tissues.venous_blood(a, 5.0, vo2_ml_min=bad, vco2_ml_min=200.0)
    with pytest.raises(ValueError, match=r"vco2_ml_min \[mL/min\]"):
        tissues.venous_blood(a, 5.0, vo2_ml_min=250.0, vco2_ml_min=bad)


def test_venous_blood_rejects_impossible_exchange():
    a = blood.BloodGas(po2_mmhg=100.0, pco2_mmhg=40.0, hb_g_dl=15.0)
    with pytest.raises(ValueError, match="arterial must be an ecmolib.blood.BloodGas"):
        tissues.venous_blood({"po2_mmhg": 100.0}, 5.0, vo2_ml_min=250.0, vco2_ml_min=200.0)
    with pytest.raises(ValueError, match=r"flow_l_min \[L/min\]"):
        tissues.venous_blood(a, 0.0, vo2_ml_min=250.0, vco2_ml_min=200.0)
    # 1 L/min of this blood delivers 199.5 mL O2/min: the tissues cannot take 250.
    with pytest.raises(ValueError, match=r"vo2_ml_min \[mL/min\] must be below the O2 delivered"):
        tissues.venous_blood(a, 1.0, vo2_ml_min=250.0, vco2_ml_min=200.0)
    # 1500 mL CO2 into 1 L/min would take the venous pH below 6.8.
    with pytest.raises(ValueError, match=r"vco2_ml_min \[mL/min\].*co2_content_ml_dl"):
        tissues.venous_blood(a, 1.0, vo2_ml_min=100.0, vco2_ml_min=1500.0)


@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"hb_g_dl": -1.0}, r"hb_g_dl \[g/dL\]"),
    ({"hb_g_dl": float("nan")}, r"hb_g_dl \[g/dL\]"),
    ({"cardiac_output_l_min": 0.0}, r"cardiac_output_l_min \[L/min\]"),
    ({"cardiac_output_l_min": "5"}, r"cardiac_output_l_min \[L/min\]"),
    ({"pao2_mmhg": 1200.0}, r"pao2_mmhg \[mmHg\]"),
    ({"paco2_mmhg": -5.0}, r"paco2_mmhg \[mmHg\]"),
    ({"vo2_demand_ml_min": float("inf")}, r"vo2_demand_ml_min \[mL/min\]"),
    ({"vo2_demand_ml_min": "250"}, r"vo2_demand_ml_min \[mL/min\]"),
    ({"vo2_demand_ml_min": 0.0}, r"vo2_demand_ml_min \[mL/min\]"),
    ({"max_extraction": 0.95}, r"max_extraction \[fraction 0..1\]"),
    ({"max_extraction": 0.0}, r"max_extraction \[fraction 0..1\]"),
    ({"max_extraction": None}, r"max_extraction \[fraction 0..1\]"),
])
def test_oxygen_budget_rejects_bad_input(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        tissues.oxygen_budget(patients.ADULT, **kwargs)


def test_oxygen_budget_rejects_a_non_patient():
    with pytest.raises(ValueError, match="patient must be an ecmolib.patients.Patient"):
        tissues.oxygen_budget("adult")
