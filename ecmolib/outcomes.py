"""Survival after ECMO by age group, support type and diagnosis: ELSO Registry figures.

The numbers ship in ``ecmolib/data/elso_survival_by_diagnosis.csv``, one row
per published figure, each with its source, the period it covers and how it
was verified. Nothing here is a model: these are the registry's observed
proportions, for a lesson to set beside the physiology (which diagnoses do
well on ECMO, and how neonates compare with adults). Registry survival is
not a patient's prognosis: the groups differ in case mix, in the period
they span and in how centres select patients.

Verification (the ``verification`` column):

* ``"primary abstract"``: the figure was read in the published abstract of
  the cited paper (the full tables were not available here).
* ``"secondary"``: the figure was read in a secondary source quoting the
  ELSO Registry (cumulative neonatal survival by diagnosis as of July 2011,
  quoted in a neonatology textbook chapter on AccessPediatrics, McGraw-Hill);
  the primary ELSO summary was not seen, and the kind of survival (to
  discharge, or off ECMO) is not stated there. Lessons must mark these rows.

No figure here was typed from memory; figures that could not be found in
any readable source (survival by diagnosis for children and adults in the
2022 report, the number of runs in most groups) are left out.

Sources (:data:`SOURCES`):

* Tonna JE, Boonstra PS, MacLaren G, et al. Extracorporeal Life Support
  Organization Registry International Report 2022: 100,000 Survivors.
  ASAIO J 2024;70(2):131-143. doi:10.1097/MAT.0000000000002128
  (PMID 38181413, PMC10962646).
* Paden ML, Conrad SA, Rycus PT, Thiagarajan RR. Extracorporeal Life
  Support Organization Registry Report 2012. ASAIO J 2013;59(3):202-210.
  doi:10.1097/MAT.0b013e3182904a52
* Guner YS, Nguyen DV, Zhang L, et al. Development and validation of
  extracorporeal membrane oxygenation mortality-risk models for congenital
  diaphragmatic hernia. ASAIO J 2018;64(6):785-794.
  doi:10.1097/MAT.0000000000000716 (PMC5938163).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

from ecmolib import _validation

__all__ = ["SurvivalRow", "AGE_GROUPS", "SUPPORT_TYPES", "VERIFICATION", "SOURCES", "survival_data"]

#: Age groups of the registry: neonates 0-28 days, children 29 days-17 years,
#: adults 18 years and older (the ELSO definitions, Tonna et al. 2024).
AGE_GROUPS = ("neonate", "paediatric", "adult")

#: Support types as the registry reports them.
SUPPORT_TYPES = ("respiratory", "cardiac", "ECPR")

#: How a figure was verified (see the module docstring).
VERIFICATION = ("primary abstract", "secondary")

#: Full reference (with DOI where there is one) of each ``source`` value.
SOURCES = {
    "Tonna 2024": "Tonna JE, Boonstra PS, MacLaren G, et al. Extracorporeal Life Support Organization "
                  "Registry International Report 2022: 100,000 Survivors. ASAIO J 2024;70(2):131-143. "
                  "doi:10.1097/MAT.0000000000002128",
    "Paden 2013": "Paden ML, Conrad SA, Rycus PT, Thiagarajan RR. Extracorporeal Life Support Organization "
                  "Registry Report 2012. ASAIO J 2013;59(3):202-210. doi:10.1097/MAT.0b013e3182904a52",
    "Guner 2018": "Guner YS, Nguyen DV, Zhang L, et al. Development and validation of extracorporeal membrane "
                  "oxygenation mortality-risk models for congenital diaphragmatic hernia. ASAIO J "
                  "2018;64(6):785-794. doi:10.1097/MAT.0000000000000716",
    "ELSO July 2011 via textbook": "ELSO Registry cumulative neonatal figures as of July 2011, quoted in a "
                                   "neonatology textbook chapter (AccessPediatrics, McGraw-Hill); primary "
                                   "ELSO summary not seen (UNVERIFIED against the registry)",
}

_FILENAME = "elso_survival_by_diagnosis.csv"


@dataclass(frozen=True)
class SurvivalRow:
    """One published survival figure.

    Attributes
    ----------
    age_group : str
        One of :data:`AGE_GROUPS`.
    support_type : str
        One of :data:`SUPPORT_TYPES`.
    diagnosis : str
        The diagnosis, or ``"all ..."`` for the whole group.
    runs : int or None
        Number of ECMO runs behind the figure, where the source gives it.
    survival_to_discharge : float
        Survival [fraction 0..1] as the source reports it (see ``note``).
    period : str
        Years the figure covers.
    source : str
        Key of :data:`SOURCES`.
    verification : str
        One of :data:`VERIFICATION`.
    note : str
        What exactly the source says.
    """

    age_group: str
    support_type: str
    diagnosis: str
    runs: int | None
    survival_to_discharge: float
    period: str
    source: str
    verification: str
    note: str

    @property
    def verified(self) -> bool:
        """True when the figure was read in the cited paper itself (not a secondary source)."""
        return self.verification == "primary abstract"

    @property
    def reference(self) -> str:
        """The full reference of :attr:`source`."""
        return SOURCES[self.source]


def _row(r):
    row = SurvivalRow(
        age_group=r["age_group"], support_type=r["support_type"], diagnosis=r["diagnosis"],
        runs=int(r["runs"]) if r["runs"].strip() else None,
        survival_to_discharge=float(r["survival_to_discharge"]), period=r["period"], source=r["source"],
        verification=r["verification"], note=r["note"],
    )
    # The file is part of the package: a bad row is a packaging error, caught by the tests.
    _validation.choice("age_group", row.age_group, AGE_GROUPS)
    _validation.choice("support_type", row.support_type, SUPPORT_TYPES)
    _validation.choice("verification", row.verification, VERIFICATION)
    _validation.choice("source", row.source, tuple(SOURCES))
    _validation.fraction("survival_to_discharge", row.survival_to_discharge)
    return row


@functools.cache
def _rows():
    with resources.files("ecmolib.data").joinpath(_FILENAME).open("r", encoding="utf-8", newline="") as fh:
        return tuple(_row(r) for r in csv.DictReader(fh))


def survival_data(age_group=None, support_type=None, *, verified_only=False) -> tuple[SurvivalRow, ...]:
    """The shipped ELSO survival figures, optionally filtered.

    Parameters
    ----------
    age_group : str, optional
        One of :data:`AGE_GROUPS`; default all.
    support_type : str, optional
        One of :data:`SUPPORT_TYPES`; default all.
    verified_only : bool, optional
        Only figures read in the cited paper itself (``"primary abstract"``).
        Default False.

    Returns
    -------
    tuple of SurvivalRow
        In the order of the file.

    Raises
    ------
    ValueError
        If ``age_group`` or ``support_type`` is not one of the allowed values.

    Examples
    --------
    >>> from ecmolib.outcomes import survival_data
    >>> [r.survival_to_discharge for r in survival_data("adult", "ECPR")]
    [0.295]
    """
    if age_group is not None:
        _validation.choice("age_group", age_group, AGE_GROUPS)
    if support_type is not None:
        _validation.choice("support_type", support_type, SUPPORT_TYPES)
    return tuple(r for r in _rows()
                 if (age_group is None or r.age_group == age_group)
                 and (support_type is None or r.support_type == support_type)
                 and (r.verified or not verified_only))
