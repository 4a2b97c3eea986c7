"""ecmolib.thermal: metabolic heat (Weir 1949) and heat lost along an unheated circuit.

Published checks: the oxycaloric equivalent of O2 and the resting heat
output of an adult. The tubing model is checked against its physical limits
(all the blood's excess heat at low flow, the tube's conductance times the
temperature difference at high flow) and for its directions, never against
its own output.
"""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecmolib import circuit, patients, thermal


def test_oxycaloric_equivalent_matches_the_published_value():
    # About 20.2 kJ of heat per litre of O2 at an RQ of 0.82 (4.825 kcal/L, the
    # value of standard physiology tables): 1 % covers the rounding of tables.
    kj_per_l = float(thermal.metabolic_heat_w(1000.0, 820.0)) * 60.0 / 1000.0
    assert kj_per_l == pytest.approx(4.825 * 4.184, rel=0.01)


def test_resting_adult_makes_about_80_w():
    # A resting 70 kg adult makes about 80 W (roughly 1700 kcal a day, textbook
    # basal metabolic rate); 15 % allows for the different reference values.
    w = float(thermal.metabolic_heat_w(patients.ADULT.vo2_ml_min, patients.ADULT.vco2_ml_min))
    assert w == pytest.approx(1700 * 4184 / 86400, rel=0.15)


def test_metabolic_heat_scales_with_mass_to_three_quarters():
    # VO2 follows Kleiber's law in the patients module, so heat does too.
    small, large = patients.for_weight(3.5), patients.for_weight(70.0)
    ratio = float(thermal.metabolic_heat_w(large.vo2_ml_min, large.vco2_ml_min)
                  / thermal.metabolic_heat_w(small.vo2_ml_min, small.vco2_ml_min))
    assert ratio == pytest.approx(20.0 ** 0.75, rel=1e-9)


def test_heat_loss_approaches_its_physical_limits():
    c = circuit.NEONATAL_VA
    ua = thermal.circuit_heat_loss(c, 1.0).conductance_w_k
    dt = 37.0 - thermal.ROOM_TEMPERATURE_C
    # At very low flow the blood reaches room temperature: it loses all its excess heat.
    q = 1e-3
    mc = thermal.BLOOD_DENSITY_KG_M3 * thermal.BLOOD_SPECIFIC_HEAT_J_KG_K * q / 60000.0
    low = thermal.circuit_heat_loss(c, q)
    assert float(low.heat_loss_w) == pytest.approx(mc * dt, rel=1e-3)
    assert float(low.temperature_drop_c) == pytest.approx(dt, rel=1e-3)
    # At high flow the tube wall stays at blood temperature: loss = U'L * dT.
    high = thermal.circuit_heat_loss(c, 15.0)
    assert float(high.heat_loss_w) == pytest.approx(ua * dt, rel=0.02)


def test_film_coefficient_is_of_the_order_of_ten():
    # Free convection plus radiation from a small tube in still room air:
    # 5-25 W/(m^2 K) (heat-transfer textbooks; e.g. Holman 2010, ch. 7-8).
    h = thermal._film_w_m2_k(0.01, 37.0, 22.0)
    assert 5.0 < h < 25.0


@settings(max_examples=40, deadline=None)
@given(q=st.floats(0.05, 5.0), factor=st.floats(1.05, 3.0))
def test_more_flow_loses_more_heat_but_cools_the_blood_less(q, factor):
    a = thermal.circuit_heat_loss(circuit.ADULT_VA, q)
    b = thermal.circuit_heat_loss(circuit.ADULT_VA, q * factor)
    assert b.heat_loss_w > a.heat_loss_w
    assert b.temperature_drop_c < a.temperature_drop_c


def test_longer_tubing_and_a_colder_room_lose_more():
    c = circuit.NEONATAL_VA
    longer = dataclasses.replace(c, return_tubing=dataclasses.replace(c.return_tubing, length_m=3.0))
    base = float(thermal.circuit_heat_loss(c, 0.35).heat_loss_w)
    assert float(thermal.circuit_heat_loss(longer, 0.35).heat_loss_w) > base
    assert float(thermal.circuit_heat_loss(c, 0.35, room_temperature_c=18.0).heat_loss_w) > base


def test_a_neonatal_circuit_loses_a_larger_share_of_the_body_heat():
    neonate = thermal.heat_loss_share(patients.NEONATE, circuit.for_patient(patients.NEONATE, "va"))
    adult = thermal.heat_loss_share(patients.ADULT, circuit.for_patient(patients.ADULT, "va"))
    assert neonate > 2.0 * adult


def test_arrays_in_arrays_out():
    q = np.array([0.2, 0.5, 1.0])
    r = thermal.circuit_heat_loss(circuit.NEONATAL_VA, q)
    assert np.shape(r.heat_loss_w) == (3,) and np.all(np.isfinite(r.heat_loss_w))
    assert np.shape(thermal.metabolic_heat_w(q * 100, q * 80)) == (3,)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"flow_l_min": -1.0}, r"flow_l_min \[L/min\]"),
    ({"flow_l_min": math.nan}, r"flow_l_min \[L/min\]"),
    ({"flow_l_min": 1.0, "room_temperature_c": 40.0}, r"room_temperature_c \[C\]"),
    ({"flow_l_min": 1.0, "blood_temperature_c": 50.0}, r"blood_temperature_c \[C\]"),
])
def test_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        thermal.circuit_heat_loss(circuit.NEONATAL_VA, **kwargs)


def test_bad_circuit_and_gas_values_raise():
    with pytest.raises(ValueError, match="circuit must be"):
        thermal.circuit_heat_loss("neonatal", 0.3)
    with pytest.raises(ValueError, match=r"vo2_ml_min \[mL/min\]"):
        thermal.metabolic_heat_w(0.0, 20.0)
