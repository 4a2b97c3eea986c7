"""The editions: student (no answers, runs top to bottom), instructor, static site."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("editions", ROOT / "tools" / "editions.py")
editions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(editions)

LESSONS = editions.lessons()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("editions")
    editions.build(out)
    return out


def test_every_lesson_is_in_every_edition(built):
    names = [p.name for p in LESSONS]
    assert len(names) >= 5
    for edition in ("student", "instructor"):
        assert sorted(p.name for p in (built / edition).glob("*.ipynb")) == names
    assert sorted(p.stem for p in (built / "site").glob("[0-9]*.html")) == [p.stem for p in LESSONS]


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_student_edition_contains_no_answer(built, path):
    instructor = nbformat.read(path, as_version=4)
    answers = editions.answer_texts(instructor)
    assert answers, f"{path.name} has no tagged answers or answer blocks"
    student = (built / "student" / path.name).read_text(encoding="utf-8")
    text = json.dumps(json.loads(student))     # one escaping for both sides
    for answer in answers:
        assert json.dumps(answer)[1:-1] not in text, answer[:80]
    assert not re.search(r"<summary>\s*(Answer|What you should have seen)", student, re.IGNORECASE)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_student_edition_runs_top_to_bottom(built, path):
    nb = nbformat.read(built / "student" / path.name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_site_page_has_the_lesson_and_its_figures(built, path):
    page = (built / "site" / f"{path.stem}.html").read_text(encoding="utf-8")
    nb = nbformat.read(path, as_version=4)
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert page.count("data:image/png;base64") >= images > 0
    assert f'href="{path.stem}.html"' in (built / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_student_edition_says_where_the_answers_went(built, path):
    # A lesson that asks the learner to open an answer must not leave them
    # looking for one: the edition opens with a banner, and a one-line note
    # stands wherever an answer was removed (no more notes than answers).
    instructor = nbformat.read(path, as_version=4)
    student = nbformat.read(built / "student" / path.name, as_version=4)
    assert student.cells[0].source == editions.STUDENT_BANNER
    notes = sum(c.source.count(editions.ANSWER_PLACEHOLDER.strip()) for c in student.cells
                if c.cell_type == "markdown")
    assert 1 <= notes <= len(editions.answer_texts(instructor))
