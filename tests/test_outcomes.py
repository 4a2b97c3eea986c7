"""ecmolib.outcomes: the shipped ELSO survival figures and their loader.

The figures are published numbers: each test names where it was read.
"""

import pytest

from ecmolib import outcomes


def _one(age_group, support_type, diagnosis, source):
    rows = [r for r in outcomes.survival_data(age_group, support_type)
            if r.diagnosis == diagnosis and r.source == source]
    assert len(rows) == 1
    return rows[0]


def test_the_2022_report_figures_match_its_abstract():
    # Tonna et al. 2024 (doi:10.1097/MAT.0000000000002128), abstract: survival to
    # hospital discharge greatest at 68.5 % for neonatal respiratory support and
    # lowest at 29.5 % for adult ECPR.
    assert _one("neonate", "respiratory", "all neonatal respiratory", "Tonna 2024").survival_to_discharge == 0.685
    assert _one("adult", "ECPR", "all adult ECPR", "Tonna 2024").survival_to_discharge == 0.295


def test_the_2012_report_and_the_cdh_cohort_match_their_abstracts():
    # Paden et al. 2013 (doi:10.1097/MAT.0b013e3182904a52): neonatal respiratory
    # 75 %, CDH 51 %; cardiac 40, 49, 39 % for neonates, children, adults.
    assert _one("neonate", "respiratory", "all neonatal respiratory", "Paden 2013").survival_to_discharge == 0.75
    assert _one("neonate", "respiratory", "congenital diaphragmatic hernia", "Paden 2013").survival_to_discharge == 0.51
    cardiac = [r.survival_to_discharge for g in outcomes.AGE_GROUPS for r in outcomes.survival_data(g, "cardiac")]
    assert cardiac == [0.40, 0.49, 0.39]
    # Guner et al. 2018 (doi:10.1097/MAT.0000000000000716): 4,374 neonates with CDH, mortality 52 %.
    cdh = _one("neonate", "respiratory", "congenital diaphragmatic hernia", "Guner 2018")
    assert cdh.runs == 4374 and cdh.survival_to_discharge == pytest.approx(1 - 0.52)


def test_every_row_is_valid_and_cited():
    rows = outcomes.survival_data()
    assert len(rows) >= 10
    for r in rows:
        assert 0.0 < r.survival_to_discharge < 1.0
        assert r.reference and r.period and r.note
        assert r.runs is None or r.runs > 0
        assert r.verified == (r.verification == "primary abstract")
    assert all("doi:" in outcomes.SOURCES[r.source] for r in rows if r.verified)


def test_secondary_rows_are_marked_unverified_and_can_be_left_out():
    secondary = [r for r in outcomes.survival_data() if not r.verified]
    assert secondary and all("UNVERIFIED" in r.reference for r in secondary)
    assert all(r.verified for r in outcomes.survival_data(verified_only=True))


def test_registry_orderings_the_lesson_relies_on():
    # CDH does worse than the neonatal respiratory group as a whole (both reports).
    nr = _one("neonate", "respiratory", "all neonatal respiratory", "Paden 2013").survival_to_discharge
    cdh = _one("neonate", "respiratory", "congenital diaphragmatic hernia", "Paden 2013").survival_to_discharge
    assert cdh < nr


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"age_group": "toddler"}, "age_group must be one of"),
    ({"support_type": "renal"}, "support_type must be one of"),
])
def test_bad_filters_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        outcomes.survival_data(**kwargs)
