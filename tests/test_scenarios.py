"""The scenario contract: every lesson runs with every patient and its clinical variations.

Each lesson has one code cell tagged ``scenario`` that sets its patient
(``PATIENT = patients.<PRESET>``) and derives its devices and settings
from it; ``tools/scenario.py`` substitutes the patient and inserts a
variation's statements after that cell (see its docstring and EDUCATORS.md).
Here every lesson in ``notebooks/`` is checked for the contract's structure
and then run with each patient preset and each of its variations: no error,
no stderr, no ``nan`` or ``inf`` in any output, and the notice that the
prose quotes the default scenario printed exactly when the scenario differs.

Run time: each run is one lesson executed from a clean kernel (10-30 s).
By default each preset runs once and each variation once, alternately with
the adult and the neonate; ``ECMOLIB_SCENARIOS=all`` runs every variation
with both.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
_spec = importlib.util.spec_from_file_location("scenario_tool", ROOT / "tools" / "scenario.py")
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
ALL = os.environ.get("ECMOLIB_SCENARIOS", "") == "all"


def _read(path):
    return nbformat.read(path, as_version=4)


def _cases():
    cases = []
    for path in LESSONS:
        for preset in tool.PRESETS:
            cases.append(pytest.param(path, preset, None, id=f"{path.stem}-{preset}"))
        try:
            labels = list(tool.variations(_read(path)))
        except tool.ContractError:
            labels = []  # reported by the structure test
        for k, label in enumerate(labels):
            patients = ("ADULT", "NEONATE") if ALL else (("ADULT", "NEONATE")[k % 2],)
            for preset in patients:
                cases.append(pytest.param(path, preset, label, id=f"{path.stem}-{preset}-{label}"))
    return cases


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_follows_the_scenario_contract(path):
    nb = _read(path)
    assert tool.contract_problems(nb) == []
    cell = nb.cells[tool.scenario_index(nb)]
    assert tool.PATIENT_LINE.search(cell.source)


def test_contract_problems_are_found():
    good = _read(LESSONS[0])
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("PATIENT = patients.ADULT\nprint(1)",
                                                                       metadata={"tags": ["scenario"]})])
    problems = tool.contract_problems(broken)
    assert any("may only assign" in p for p in problems)
    assert any("scenario_variations" in p for p in problems)
    assert any("notice" in p for p in problems)
    with pytest.raises(tool.ContractError, match="patient must be one of"):
        tool.substitute(good, "TODDLER")
    with pytest.raises(tool.ContractError, match="variation must be one of"):
        tool.substitute(good, None, "no such variation")


def test_substitute_changes_only_the_patient_line_and_inserts_the_variation():
    nb = _read(LESSONS[0])
    index = tool.scenario_index(nb)
    labels = list(tool.variations(nb))
    changed = tool.substitute(nb, "NEONATE", labels[0] if labels else None)
    before = nb.cells[index].source.splitlines()
    after = changed.cells[index].source.splitlines()
    differ = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and len(differ) == 1
    assert differ[0][1] == "PATIENT = patients.NEONATE"
    if labels:
        assert changed.cells[index + 1].source == tool.variations(nb)[labels[0]]
        assert len(changed.cells) == len(nb.cells) + 1


@pytest.mark.parametrize("path, preset, variation", _cases())
def test_lesson_runs_with_the_scenario(path, preset, variation):
    original = _read(path)
    default = tool.PATIENT_LINE.search(original.cells[tool.scenario_index(original)].source).group(1)
    nb = tool.substitute(original, preset, variation)
    tool.execute(nb, workdir=NOTEBOOKS)
    assert tool.output_problems(nb) == []
    differs = preset != default or variation is not None
    assert tool.notice_printed(nb) == differs
