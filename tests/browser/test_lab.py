"""A lesson in JupyterLab in a real browser: run every cell, then move the
Explorer's slider with the keyboard and the mouse and see the figure follow."""

import pytest

import browser_harness as harness

pytestmark = pytest.mark.browser

LESSON = "00_start_here.ipynb"
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


def test_start_here_runs_in_jupyterlab_and_its_slider_moves_the_figure(lab_server, page, check_explorer):
    server = lab_server(LESSON)
    harness.open_lab_notebook(page, server, LESSON)
    result = harness.run_all_cells(page)
    assert result == {"ok": True}, f"notebook:run-all-cells did not finish cleanly: {result}"
    box = harness.explorer(page)
    stderr = page.locator(STDERR)
    assert stderr.count() == 0, f"the lesson wrote to stderr or raised: {stderr.all_inner_texts()}"
    states = check_explorer(page, box)
    assert len(states) == 5
