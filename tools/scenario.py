"""Run a lesson with another patient or a clinical variation: the scenario contract.

Usage (through the project runner, which sets up the environment first)::

    python3 dev.py scenario notebooks/04_vv_ecmo.ipynb --patient NEONATE --out DIR
    python3 dev.py scenario notebooks/04_vv_ecmo.ipynb --variation "Hb 8 g/dL" --out DIR
    python3 dev.py scenario notebooks/04_vv_ecmo.ipynb --list
    python3 dev.py scenario notebooks/04_vv_ecmo.ipynb --patient INFANT --out DIR --no-execute

It writes the lesson into ``DIR`` (same file name) with the scenario
changed, executed from a clean kernel unless ``--no-execute`` is given, and
reports any error, stderr output, ``nan`` or ``inf`` in the outputs (exit
code 1 if there is one). ``--list`` prints the lesson's variations.

The contract every lesson follows (tested by ``tests/test_scenarios.py``):

1. Exactly one code cell is tagged ``scenario`` (cell metadata ``tags``). It
   only sets names: assignments and comments, nothing printed or drawn.
2. It holds exactly one line ``PATIENT = patients.<PRESET>`` with PRESET one
   of NEONATE, INFANT, CHILD, ADULT (a trailing comment is fine); every
   device and setting in the cell, and every slider range, axis and number
   later on, derives from it.
3. Its metadata ``scenario_variations`` maps a short label to Python
   statements; a variation is applied by inserting them as a new code cell
   right after the scenario cell. ``{}`` when the lesson has no such knobs.
4. The first code cell after it calls ``scenario.notice(PATIENT, ...)``
   (:func:`ecmolib.views.scenario.notice`), which prints one line exactly
   when the scenario differs from the default the prose quotes.

This module imports only the standard library, nbformat and nbclient, so
the test can use it without importing a lesson's code.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from pathlib import Path

import nbformat

PRESETS = ("NEONATE", "INFANT", "CHILD", "ADULT")
TAG = "scenario"
VARIATIONS_KEY = "scenario_variations"
PATIENT_LINE = re.compile(r"^PATIENT = patients\.(NEONATE|INFANT|CHILD|ADULT)\b.*$", re.MULTILINE)
NOTICE_CALL = re.compile(r"\bnotice\(\s*PATIENT\b")
#: The line :func:`ecmolib.views.scenario.notice` prints begins with this.
NOTICE_TEXT = "this lesson now runs with another scenario"
NOT_A_NUMBER = re.compile(r"\b(nan|inf)\b", re.IGNORECASE)
TIMEOUT_S = 600
_TEXT_TYPES = ("text/plain", "text/markdown", "text/latex")


class ContractError(ValueError):
    """The notebook does not follow the scenario contract."""


def _code_cells(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def scenario_index(nb) -> int:
    """Index (in ``nb.cells``) of the one code cell tagged ``scenario``."""
    found = [i for i, c in _code_cells(nb) if TAG in c.metadata.get("tags", [])]
    if len(found) != 1:
        raise ContractError(f"expected exactly one code cell tagged {TAG!r}; found {len(found)}")
    return found[0]


def variations(nb) -> dict:
    """The lesson's variations: label -> statements (from the scenario cell's metadata)."""
    cell = nb.cells[scenario_index(nb)]
    found = cell.metadata.get(VARIATIONS_KEY)
    if not isinstance(found, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in found.items()):
        raise ContractError(f"the scenario cell's metadata needs {VARIATIONS_KEY!r}: a dict of label -> "
                            f"statements (empty if none); found {found!r}")
    return dict(found)


def contract_problems(nb) -> list[str]:
    """Every way ``nb`` breaks the contract's structure (empty list if none)."""
    try:
        index = scenario_index(nb)
    except ContractError as err:
        return [str(err)]
    cell = nb.cells[index]
    problems = []
    lines = PATIENT_LINE.findall(cell.source)
    if len(lines) != 1:
        problems.append(f"the scenario cell needs exactly one line 'PATIENT = patients.<PRESET>'; found {len(lines)}")
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as err:
        problems.append(f"the scenario cell is not valid Python: {err}")
    else:
        for node in tree.body:
            if not isinstance(node, (ast.Assign, ast.AnnAssign)):
                problems.append(f"the scenario cell may only assign names; line {node.lineno} is a "
                                f"{type(node).__name__}")
    if cell.get("outputs"):
        problems.append("the scenario cell must have no output")
    try:
        found = variations(nb)
    except ContractError as err:
        problems.append(str(err))
    else:
        for label, statements in found.items():
            try:
                ast.parse(statements)
            except SyntaxError as err:
                problems.append(f"variation {label!r} is not valid Python: {err}")
    after = [c for i, c in _code_cells(nb) if i > index]
    if not after or not NOTICE_CALL.search(after[0].source):
        problems.append("the first code cell after the scenario cell must call scenario.notice(PATIENT, ...)")
    return problems


def substitute(nb, patient=None, variation=None):
    """A copy of ``nb`` with the PATIENT line set to ``patient`` and ``variation`` inserted.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A lesson following the contract.
    patient : str, optional
        One of :data:`PRESETS`; default: leave the line as it is.
    variation : str, optional
        A label of the lesson's ``scenario_variations``; its statements go
        into a new code cell right after the scenario cell.

    Raises
    ------
    ContractError
        If the structure is broken, or ``patient`` / ``variation`` is unknown.
    """
    problems = contract_problems(nb)
    if problems:
        raise ContractError("; ".join(problems))
    out = copy.deepcopy(nb)
    index = scenario_index(out)
    cell = out.cells[index]
    if patient is not None:
        if patient not in PRESETS:
            raise ContractError(f"patient must be one of {', '.join(PRESETS)}; got {patient!r}")
        cell.source = PATIENT_LINE.sub(f"PATIENT = patients.{patient}", cell.source)
    if variation is not None:
        found = variations(out)
        if variation not in found:
            raise ContractError(f"variation must be one of {sorted(found)}; got {variation!r}")
        new = nbformat.v4.new_code_cell(found[variation], metadata={"tags": ["scenario-variation"]})
        out.cells.insert(index + 1, new)
    for c in out.cells:
        if c.cell_type == "code":
            c.outputs = []
            c.execution_count = None
    return out


def execute(nb, *, workdir: Path, timeout_s: int = TIMEOUT_S):
    """Execute ``nb`` in place from a clean kernel started in ``workdir``; return it."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    try:
        NotebookClient(nb, timeout=timeout_s, kernel_name="python3", store_widget_state=False,
                       resources={"metadata": {"path": str(workdir)}}).execute()
    except CellExecutionError:
        pass  # the error is in the cell's outputs; output_problems reports it
    return nb


def _texts(output):
    if output.output_type == "stream":
        yield output.text
    for kind in _TEXT_TYPES:
        value = output.get("data", {}).get(kind)
        if value:
            yield value if isinstance(value, str) else "".join(value)


def output_problems(nb) -> list[str]:
    """Errors, stderr output and nan/inf in the text outputs of an executed notebook."""
    problems = []
    for n, (i, cell) in enumerate(_code_cells(nb)):
        for out in cell.outputs:
            where = f"code cell {n + 1} (cell {i})"
            if out.output_type == "error":
                problems.append(f"{where}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                problems.append(f"{where}: stderr: {out.text.strip()[:200]}")
            for text in _texts(out):
                hit = NOT_A_NUMBER.search(text)
                if hit:
                    line = text[max(0, hit.start() - 60):hit.end() + 20].replace("\n", " ")
                    problems.append(f"{where}: {hit.group(0)!r} in output: ...{line}...")
    return problems


def notice_printed(nb) -> bool:
    """True if the executed notebook printed the scenario notice."""
    return any(NOTICE_TEXT in text for _, cell in _code_cells(nb) for out in cell.outputs
               for text in _texts(out))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--patient", choices=PRESETS)
    parser.add_argument("--variation", help="label of one of the lesson's scenario_variations")
    parser.add_argument("--out", type=Path, help="directory to write the changed lesson into")
    parser.add_argument("--no-execute", action="store_true", help="write the changed lesson without running it")
    parser.add_argument("--list", action="store_true", help="print the lesson's variations and stop")
    args = parser.parse_args(argv)
    nb = nbformat.read(args.notebook, as_version=4)
    try:
        if args.list:
            for label, statements in variations(nb).items():
                print(f"{label}: {statements}")
            return 0
        if args.out is None:
            parser.error("--out DIR is needed (or --list)")
        changed = substitute(nb, args.patient, args.variation)
    except ContractError as err:
        print(f"{args.notebook.name}: {err}", file=sys.stderr)
        return 1
    if not args.no_execute:
        execute(changed, workdir=args.notebook.resolve().parent)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / args.notebook.name
    nbformat.write(changed, target)
    problems = [] if args.no_execute else output_problems(changed)
    for problem in problems:
        print(f"{args.notebook.name}: {problem}", file=sys.stderr)
    print(f"wrote {target}" + ("" if args.no_execute else f" ({len(problems)} problem(s))"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
