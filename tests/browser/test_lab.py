"""A lesson in JupyterLab in a real browser: as saved, it shows its figures
and no widget repr; run every cell, then move the Explorer's slider with the
keyboard and the mouse and see the figure follow, with every slider named
and announced in its units."""

import pytest

import browser_harness as harness

pytestmark = pytest.mark.browser

LESSON = "00_start_here.ipynb"
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


def test_start_here_runs_in_jupyterlab_and_its_slider_moves_the_figure(lab_server, page, check_explorer,
                                                                       check_accessible):
    server = lab_server(LESSON)
    harness.open_lab_notebook(page, server, LESSON)
    # As saved (before Run All) each explorer's output is its default figure,
    # not "VBox(children=(FloatSlider(..." as text.
    saved = harness.saved_outputs(page)
    raw = [o["text"] for o in saved if "FloatSlider(" in o["text"] or "Box(children=" in o["text"]]
    assert not raw, f"saved notebook shows widget reprs: {raw[:2]}"
    assert sum(o["mime"] == "image/png" for o in saved) >= 2, f"saved outputs: {saved}"
    result = harness.run_all_cells(page)
    assert result == {"ok": True}, f"notebook:run-all-cells did not finish cleanly: {result}"
    box = harness.explorer(page)
    stderr = page.locator(STDERR)
    assert stderr.count() == 0, f"the lesson wrote to stderr or raised: {stderr.all_inner_texts()}"
    states = check_explorer(page, box)
    assert len(states) == 5
    check_accessible(page)


#: Lessons whose first explorer is also moved in a real browser (one per
#: lesson after 04, each in its own JupyterLab).
LESSONS_WITH_EXPLORERS = ["05_va_ecmo.ipynb", "06_vv_vs_va.ipynb", "07_neonatal_vs_adult.ipynb", "08_ecpr_timing.ipynb",
                          "09_troubleshooting_cases.ipynb"]


@pytest.mark.parametrize("lesson", LESSONS_WITH_EXPLORERS)
def test_lesson_runs_in_jupyterlab_and_its_first_explorer_follows_its_slider(lesson, lab_server, page, check_explorer,
                                                                           check_accessible):
    server = lab_server(lesson)
    harness.open_lab_notebook(page, server, lesson)
    result = harness.run_all_cells(page)
    assert result == {"ok": True}, f"{lesson}: notebook:run-all-cells did not finish cleanly: {result}"
    stderr = page.locator(STDERR)
    assert stderr.count() == 0, f"{lesson} wrote to stderr or raised: {stderr.all_inner_texts()}"
    states = check_explorer(page, harness.explorer(page))
    assert len(states) == 5
    check_accessible(page)
