#!/usr/bin/env python3
"""Build the lessons' editions from the committed, executed notebooks.

    python3 dev.py editions OUTDIR          (or: python tools/editions.py OUTDIR)

writes

* ``OUTDIR/instructor``: the notebooks as committed (executed, answers in
  collapsed ``<details>`` blocks, checks answered);
* ``OUTDIR/student``: the same without the answers: cells tagged ``answer``
  or ``solution`` removed, ``<details>`` blocks whose summary begins with
  "Answer", "Solution" or "What you should have seen" removed (a one-line
  note, :data:`ANSWER_PLACEHOLDER`, stands where an answer was, and
  :data:`STUDENT_BANNER` opens each lesson), and the outputs of cells
  tagged ``check`` cleared (the learner runs them after predicting);
* ``OUTDIR/site``: static HTML of the instructor edition, one page per
  lesson with its figures and an ``index.html`` linking them, readable
  without a kernel (MathJax is copied in: equations render offline).

``--only student`` (or instructor, site) builds one edition. Cells are found
by their tags, never by position; the tags are documented in EDUCATORS.md.
Binder's postBuild builds the student edition into ``student/``.
"""

from __future__ import annotations

import argparse
import copy
import html
import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

#: Cell tags the editions act on.
ANSWER_TAGS = frozenset({"answer", "solution"})
CHECK_TAG = "check"
#: A <details> block is an answer when its summary begins with one of these.
ANSWER_SUMMARIES = ("answer", "solution", "what you should have seen")

_DETAILS = re.compile(r"<details[^>]*>\s*<summary>(?P<summary>.*?)</summary>.*?</details>\s*",
                      re.IGNORECASE | re.DOTALL)


def lessons(folder: Path = NOTEBOOKS) -> list[Path]:
    """The lesson notebooks, in order (their names start with a number)."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


#: What the student edition shows where it removed an answer, so that a
#: lesson's "open the answer" still makes sense.
ANSWER_PLACEHOLDER = "*Answer: not in this edition. Compare with a neighbour or ask your teacher.*\n\n"

#: The first cell of every student edition.
STUDENT_BANNER = ("**Student edition.** The answers are not in this copy: predict, run the cells, "
                  "then compare with a neighbour or ask your teacher.")


def _strip_answer_details(text: str, replacement: str = "") -> str:
    def keep(m):
        summary = re.sub(r"<[^>]+>|\*", "", m.group("summary")).strip().lower()
        return replacement if summary.startswith(ANSWER_SUMMARIES) else m.group(0)
    return _DETAILS.sub(keep, text)


def student(nb):
    """The student edition of one executed notebook (a new notebook)."""
    out = copy.deepcopy(nb)
    cells = [nbformat.v4.new_markdown_cell(STUDENT_BANNER)]
    for cell in out.cells:
        if tags(cell) & ANSWER_TAGS:
            if cells[-1].cell_type != "markdown" or not cells[-1].source.endswith(ANSWER_PLACEHOLDER.strip()):
                cells.append(nbformat.v4.new_markdown_cell(ANSWER_PLACEHOLDER.strip()))
            continue
        if cell.cell_type == "markdown":
            cell.source = _strip_answer_details(cell.source, ANSWER_PLACEHOLDER).rstrip()
            if not cell.source.strip():
                continue
        if cell.cell_type == "code" and CHECK_TAG in tags(cell):
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    out.cells = cells
    out.metadata.setdefault("ecmolib", {})["edition"] = "student"
    return out


#: The text a matplotlib figure shows in place of its picture.
_FIGURE_REPR = re.compile(r"<Figure size \d+x\d+ with \d+ Axes>")


def answer_texts(nb) -> list[str]:
    """Every piece of answer text the student edition must not contain (for tests)."""
    texts = []
    for cell in nb.cells:
        if tags(cell) & ANSWER_TAGS:
            texts.append(cell.source)
        if cell.cell_type == "markdown":
            for m in _DETAILS.finditer(cell.source):
                if _strip_answer_details(m.group(0)) == "":
                    texts.append(m.group(0))
        if cell.cell_type == "code" and CHECK_TAG in tags(cell):
            for output in cell.get("outputs", []):
                text = output.get("text", "") or output.get("data", {}).get("text/plain", "")
                if not _FIGURE_REPR.fullmatch(text.strip()):  # a figure's placeholder text tells nothing
                    texts.append(text)
    return [t for t in (t.strip() for t in texts) if t]


def site(notebooks: list[Path], outdir: Path) -> None:
    """Static HTML of each notebook and an index page."""
    import jupyter_server_mathjax
    from nbconvert import HTMLExporter

    # MathJax from the site itself, so that equations render offline too.
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", outdir / "mathjax", dirs_exist_ok=True)
    exporter = HTMLExporter(template_name="lab",
                            mathjax_url="mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe")
    outdir.mkdir(parents=True, exist_ok=True)
    items = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        (outdir / f"{path.stem}.html").write_text(body, encoding="utf-8")
        title = next((c.source.splitlines()[0].lstrip("# ").strip() for c in nb.cells
                      if c.cell_type == "markdown" and c.source.startswith("#")), path.stem)
        items.append(f'<li><a href="{path.stem}.html">{html.escape(title)}</a></li>')
    (outdir / "index.html").write_text(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>ECMO lessons</title></head>\n<body>\n<h1>ECMO lessons</h1>\n"
        "<p>Static pages of the lessons with their figures (instructor edition: answers are in "
        "collapsed blocks; predict first, then click). To move the sliders, open the notebooks "
        "in Jupyter.</p>\n<ol>\n" + "\n".join(items) + "\n</ol>\n</body></html>\n", encoding="utf-8")


def build(outdir: Path, only: str | None = None, folder: Path = NOTEBOOKS) -> None:
    notebooks = lessons(folder)
    if only in (None, "instructor"):
        target = outdir / "instructor"
        target.mkdir(parents=True, exist_ok=True)
        for path in notebooks:
            shutil.copy2(path, target / path.name)
    if only in (None, "student"):
        target = outdir / "student"
        target.mkdir(parents=True, exist_ok=True)
        for path in notebooks:
            nbformat.write(student(nbformat.read(path, as_version=4)), target / path.name)
    if only in (None, "site"):
        site(notebooks, outdir / "site")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--only", choices=("student", "instructor", "site"))
    args = parser.parse_args(argv)
    build(args.outdir, args.only)
    print(f"editions written to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
