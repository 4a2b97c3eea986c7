"""Re-execute the lesson notebooks headless, in order, each from a clean kernel.

Usage (through the project runner, which sets up the environment first)::

    python3 dev.py execute                 # every notebook in notebooks/
    python3 dev.py execute 02_membrane_lung.ipynb
    python3 dev.py execute --dry-run       # run and time them, save nothing

Each notebook is cleared, run top to bottom in a fresh kernel started in
``notebooks/`` (so execution counts are 1..n) and saved with its outputs,
which ``pytest --nbval`` then compares. The saved widget state
(``metadata.widgets``) is left out: nbval ignores it, and without it a
notebook is about half the size; a widget shows once its cell runs. The
script fails if a cell raises or writes to stderr, so a warning cannot be
committed unnoticed. It prints each notebook's wall time and the total.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
TIMEOUT_S = 600


def execute(path: Path, *, save: bool = True) -> float:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    elapsed = time.perf_counter() - t0
    problems = [
        f"cell {i}: {out.get('ename') or out.get('name')}"
        for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error" or (out.output_type == "stream" and out.name == "stderr")
    ]
    if problems:
        raise SystemExit(f"{path.name}: error or stderr output in " + ", ".join(problems))
    nb.metadata.pop("widgets", None)  # saved widget state: large, and not compared
    if save:
        nbformat.write(nb, path)
    return elapsed


def main(names: list[str]) -> int:
    save = "--dry-run" not in names
    names = [n for n in names if n != "--dry-run"]
    paths = [NOTEBOOKS / n for n in names] if names else sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    total = 0.0
    for path in paths:
        elapsed = execute(path, save=save)
        total += elapsed
        print(f"{path.name}: {elapsed:.1f} s", flush=True)
    print(f"total: {total:.1f} s for {len(paths)} notebooks", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
