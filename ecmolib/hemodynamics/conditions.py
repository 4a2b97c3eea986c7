"""Named conditions of the circulation: a failing heart with its compensation.

Each condition is a set of keyword settings of
:func:`ecmolib.hemodynamics.simulate`: the failure itself (contractility,
remodelling) and the body's compensation (sympathetic tachycardia,
vasoconstriction, venoconstriction that recruits unstressed blood into the
stressed volume). Every setting is relative to the patient (factors,
fractions, mL per kg), so a condition applies to any patient. The values
were fitted by this library to the targets in :data:`CONDITION_TARGETS`
(adult, no ECMO), which ``tests/test_hemodynamics.py`` checks.

References
----------
.. [1] van Diepen S, Katz JN, Albert NM, et al. Contemporary management of
   cardiogenic shock: a scientific statement from the American Heart
   Association. Circulation 2017;136:e232-e268.
   doi:10.1161/CIR.0000000000000525
.. [2] McDonagh TA, Metra M, Adamo M, et al. 2021 ESC Guidelines for the
   diagnosis and treatment of acute and chronic heart failure. Eur Heart J
   2021;42:3599-3726. doi:10.1093/eurheartj/ehab368
.. [3] Lang RM, Badano LP, Mor-Avi V, et al. Recommendations for cardiac
   chamber quantification by echocardiography in adults. J Am Soc
   Echocardiogr 2015;28:1-39. doi:10.1016/j.echo.2014.10.003
.. [4] Gelman S. Venous function and central venous pressure: a physiologic
   story. Anesthesiology 2008;108:735-748.
   doi:10.1097/ALN.0b013e318168c0cd
"""

from __future__ import annotations

import types

__all__ = ["CONDITIONS", "CONDITION_TARGETS"]


def _frozen(**kw):
    return types.MappingProxyType(kw)


#: Named conditions: keyword settings of :func:`ecmolib.hemodynamics.simulate`,
#: e.g. ``simulate(patient, 10, **CONDITIONS["cardiogenic_shock"], va_flow_l_min=4)``.
#:
#: * ``"healthy"``: nothing changed.
#: * ``"cardiogenic_shock"``: acute biventricular failure (LV contractility
#:   0.17, RV 0.35, as after a large myocardial infarction) with full
#:   compensation: heart rate x 1.4 (98/min in the adult), systemic
#:   resistance x 1.3, 80 % of the venous reservoir recruited.
#: * ``"chronic_heart_failure"``: dilated, poorly contracting LV (0.33;
#:   relations moved by 0.45 mL/kg, about 30 mL in the adult) with chronic
#:   compensation: heart rate x 1.15, resistance x 1.2, 30 % of the venous
#:   reservoir recruited.
CONDITIONS = types.MappingProxyType({
    "healthy": _frozen(),
    "cardiogenic_shock": _frozen(lv_contractility=0.17, rv_contractility=0.35, heart_rate_factor=1.4,
                                 systemic_resistance_factor=1.3, venoconstriction_fraction=0.8),
    "chronic_heart_failure": _frozen(lv_contractility=0.33, lv_dilation_ml_per_kg=0.45, heart_rate_factor=1.15,
                                     systemic_resistance_factor=1.2, venoconstriction_fraction=0.3),
})

#: What each condition reproduces in the 70 kg adult without ECMO: summary
#: key -> (low, high) and the source of the range.
#:
#: * cardiogenic shock: the design band of this project (mean arterial
#:   pressure 55-65 mmHg, cardiac output 2-2.5 L/min, central venous
#:   pressure 10-15, wedge pressure 20-30 mmHg), inside the haemodynamic
#:   criteria of van Diepen et al. 2017 (systolic pressure < 90 mmHg,
#:   cardiac index < 2.2 L/min/m2, wedge pressure > 15 mmHg).
#: * chronic heart failure: reduced ejection fraction (<= 40 %, ESC 2021;
#:   we take 20-30 % for advanced disease), a dilated LV (end-diastolic
#:   volume above the 150 mL upper normal limit for men, Lang et al. 2015),
#:   a compensated output (3.5-4.5 L/min) and pressure (mean 75-90 mmHg),
#:   wedge pressure 15-25 mmHg.
CONDITION_TARGETS = types.MappingProxyType({
    "healthy": _frozen(map_mmhg=(88.0, 98.0), native_output_l_min=(4.9, 5.1)),
    "cardiogenic_shock": _frozen(
        map_mmhg=(55.0, 65.0), native_output_l_min=(2.0, 2.5), mean_venous_pressure_mmhg=(10.0, 15.0),
        mean_pulmonary_venous_pressure_mmhg=(20.0, 30.0)),
    "chronic_heart_failure": _frozen(
        lv_ejection_fraction=(0.20, 0.30), lv_edv_ml=(150.0, 280.0), native_output_l_min=(3.5, 4.5),
        map_mmhg=(75.0, 90.0), mean_pulmonary_venous_pressure_mmhg=(15.0, 25.0)),
})
