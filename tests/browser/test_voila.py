"""A lesson rendered by Voila (code hidden, widgets live) in a real browser:
move the first Explorer's slider with the keyboard and the mouse and see the
figure follow; every slider is named and announced in its units, and no
widget repr shows as text."""

import pytest

import browser_harness as harness

pytestmark = pytest.mark.browser

LESSON = "02_membrane_lung.ipynb"
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


def test_membrane_lung_renders_in_voila_and_its_slider_moves_the_figure(voila_server, page, check_explorer,
                                                                        check_accessible):
    server = voila_server(LESSON)
    harness.open_voila(page, server)
    box = harness.explorer(page)
    stderr = page.locator(STDERR)
    assert stderr.count() == 0, f"the lesson wrote to stderr or raised: {stderr.all_inner_texts()}"
    states = check_explorer(page, box)
    assert len(states) == 5
    check_accessible(page)
