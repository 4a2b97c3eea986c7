"""Fixtures for the browser tests: a headless Chromium driven by Playwright,
JupyterLab and Voila servers on 127.0.0.1, and the check every lesson's
Explorer must pass in a real browser.

The tests here are marked ``browser``: ``pytest -m browser`` runs only them,
``pytest -m "not browser"`` leaves them out. Without Chromium (or Playwright)
they are skipped with the reason, except in CI (``CI=true``), where a skipped
browser test is a failure. Chromium is found at ``$ECMOLIB_CHROMIUM`` or else
as Debian's ``chromium`` package installs it (``apt-get install chromium``).

Servers run in temporary folders on a copy of the lesson and are stopped by
the fixtures that started them, whatever the test's outcome.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_harness as harness  # noqa: E402

PAGE_TIMEOUT_MS = 30_000


def _in_ci() -> bool:
    return os.environ.get("CI") == "true"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and _in_ci() and item.get_closest_marker("browser") and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI (CI=true), which counts as a failure here: {reason}"
    if report.failed and call.when == "call":
        # What the servers and the page said: the first thing to read when a
        # browser test fails on a machine you cannot look at.
        for server in getattr(item, "_ecmolib_servers", ()):
            report.sections.append((f"server log ({server.url})", server.log_tail()))
        console = getattr(item, "_ecmolib_console", None)
        if console:
            report.sections.append(("browser console", "\n".join(console[-60:])))
    return report


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of Chromium; skips the test (fails it in CI) when it cannot run."""
    problem = harness.playwright_missing()
    exe = harness.find_chromium()
    if problem is None and exe is None:
        where = os.environ.get("ECMOLIB_CHROMIUM") or ", ".join(harness.CHROMIUM_CANDIDATES)
        problem = f"Chromium not found (looked for {where}); install it with `apt-get install chromium`"
    if problem:
        if _in_ci():
            pytest.fail(f"browser tests cannot run in CI (CI=true): {problem}", pytrace=False)
        pytest.skip(f"browser test needs Chromium and Playwright: {problem}")
    return exe


@pytest.fixture(scope="session")
def browser_context(chromium_executable, tmp_path_factory):
    """One headless Chromium (fresh temporary profile) for the whole session."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        context = harness.launch_chromium(pw, chromium_executable, tmp_path_factory.mktemp("chromium-profile"))
    except BaseException:
        pw.stop()
        raise
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        yield context
    finally:
        try:
            context.close()
        finally:
            pw.stop()


@pytest.fixture
def page(browser_context, request):
    """A new tab; its console errors go into a failing test's report."""
    tab = browser_context.new_page()
    console: list[str] = []
    request.node._ecmolib_console = console
    tab.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    try:
        yield tab
    finally:
        tab.close()


def _servers(request, tmp, start_on_copy):
    """Yield ``start(lesson)``: it copies the lesson into ``tmp / "lessons"`` and
    returns ``start_on_copy(copy, tmp)``. The servers started are listed on the test
    item (their logs go into a failing test's report) and stopped afterwards."""
    servers = request.node._ecmolib_servers = []

    def start(lesson: str) -> harness.Server:
        servers.append(start_on_copy(harness.copy_lesson(lesson, tmp / "lessons"), tmp))
        return servers[-1]

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def lab_server(chromium_executable, tmp_path, request):
    """JupyterLab on a copy of one of ``notebooks/``'s lessons; call it with the lesson's name."""
    yield from _servers(request, tmp_path, lambda copy, tmp: harness.start_lab(copy.parent, tmp))


@pytest.fixture
def voila_server(chromium_executable, tmp_path, request):
    """Voila rendering a copy of one lesson; call it with the lesson's name."""
    yield from _servers(request, tmp_path, harness.start_voila)


def _number(text: str) -> float:
    """The number a slider prints, e.g. ``"3550"``, ``"4.50"``, ``"70%"``."""
    value = float(text.strip().rstrip("%").replace("\u2212", "-"))
    assert math.isfinite(value), f"slider readout {text!r} is not a finite number"
    return value


def _changed(before: dict, after: dict, what: str) -> None:
    """The move changed the printed number and the figure (a new, different PNG)."""
    old, new = before["sliders"][0], after["sliders"][0]
    assert _number(new["readout"]) != _number(old["readout"]), (
        f"{what}: the slider's printed value stayed at {old['readout']!r}"
    )
    assert after["is_png"], f"{what}: the figure is not a PNG ({after['size']} bytes; {after['error']})"
    assert after["src"] != before["src"], f"{what}: the figure was not replaced"
    assert after["sha256"] != before["sha256"], (
        f"{what}: the figure's PNG bytes are the same for {old['readout']!r} and {new['readout']!r}"
    )
    if before["texts"]:  # an Explorer that prints its key numbers must print new ones
        assert after["texts"] != before["texts"], f"{what}: the printed numbers {before['texts']} did not change"


@pytest.fixture
def check_explorer():
    """Move an Explorer's first slider by keyboard and by mouse; check it all follows.

    1. Keyboard: focus the slider's handle, press ArrowRight: the value goes
       up one step, the readout prints a new number, a new PNG appears.
    2. ArrowLeft: back to the start value, and to the very same PNG bytes as
       at first (so the figure shows the slider's value, not a stale one).
    3. Mouse click on the track at 80 % (20 % if the handle is in the upper
       half): the value lands there (within 2 % of the range), new number,
       new PNG.
    4. Mouse drag of the handle past the far end of the track: the value is
       that end of the range, new number, new PNG.
    """

    def check(page, box) -> list[dict]:
        states = [harness.read_explorer(box)]
        first = states[0]
        assert first["is_png"], f"the Explorer's figure is not a PNG ({first['size']} bytes; {first['error']})"
        assert first["sliders"], "the Explorer has no slider"
        s0 = first["sliders"][0]
        assert s0["min"] < s0["value"] < s0["max"], f"slider starts at an end: {s0}"
        handle = box.locator(":scope > .widget-slider .noUi-handle").first
        track = box.locator(":scope > .widget-slider .noUi-target").first

        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        def after(action, predicate_js, what):
            before = states[-1]
            action()
            try:
                harness.wait_for_readout(box, 0, predicate_js)
            except PlaywrightTimeout:
                now = harness.read_explorer(box)["sliders"][0]
                pytest.fail(f"{what}: the slider did not reach `{predicate_js}` (value now {now['value']}, "
                            f"printed {now['readout']!r})", pytrace=False)
            try:
                harness.wait_for_new_image(box, before["src"])
            except PlaywrightTimeout:
                pytest.fail(f"{what}: the slider moved to {harness.read_explorer(box)['sliders'][0]['readout']!r} "
                            "but no new figure arrived", pytrace=False)
            states.append(harness.read_explorer(box))
            _changed(before, states[-1], what)
            return states[-1]["sliders"][0]

        # 1-2. keyboard
        handle.focus()
        assert handle.evaluate("h => document.activeElement === h"), "the slider handle does not take focus"
        v = s0["value"]
        tol = 1e-6 * (s0["max"] - s0["min"])  # float noise of value +/- step
        s = after(lambda: page.keyboard.press("ArrowRight"), f"v > {v} + {tol}", "ArrowRight")
        assert abs(s["value"] - (v + s0["step"])) <= tol, (
            f"ArrowRight moved {v} to {s['value']}, not one step of {s0['step']}"
        )
        s = after(lambda: page.keyboard.press("ArrowLeft"), f"Math.abs(v - {v}) <= {tol}", "ArrowLeft")
        assert s["readout"] == s0["readout"], (
            f"ArrowRight then ArrowLeft printed {s['readout']!r}, not {s0['readout']!r}"
        )
        assert states[-1]["sha256"] == first["sha256"], (
            "ArrowRight then ArrowLeft: the figure differs from the first one at the same slider value"
        )

        # 3. mouse click on the track, well away from where the handle is
        span = s0["max"] - s0["min"]
        frac = 0.8 if (v - s0["min"]) / span < 0.5 else 0.2
        track.scroll_into_view_if_needed()
        harness.wait_until_still(handle)
        tb = track.bounding_box()
        y = tb["y"] + tb["height"] / 2
        expected = s0["min"] + frac * span
        s = after(lambda: page.mouse.click(tb["x"] + frac * tb["width"], y),
                  f"Math.abs(v - {v}) > {tol}", f"click at {frac:.0%} of the track")
        # The click lands on the slider position nearest to it: within 2 % of
        # the track, or half a step on a slider of few positions.
        assert abs(s["value"] - expected) <= max(0.02 * span, 0.5 * s0["step"] + 1e-9 * span), (
            f"click at {frac:.0%} of the track set {s['value']}, expected about {expected}"
        )

        # 4. mouse drag of the handle past the far end of the track
        end, x_end = (s0["min"], tb["x"] - 40) if frac > 0.5 else (s0["max"], tb["x"] + tb["width"] + 40)
        harness.wait_until_still(handle)  # the handle glides to a clicked spot
        hb = handle.bounding_box()
        x0, y0 = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2

        def drag():
            page.mouse.move(x0, y0)
            page.mouse.down()
            page.mouse.move(x_end, y0, steps=8)
            page.mouse.up()

        # Every value the drag passes lies between the clicked one and the end,
        # so whichever of its figures is on show differs from the clicked one.
        s = after(drag, f"Math.abs(v - {end}) <= {tol}", "drag past the end of the track")
        assert abs(s["value"] - end) <= tol
        return states

    return check


@pytest.fixture
def check_accessible():
    """``check(page)``: the check below, as a fixture like :func:`check_explorer`."""
    return _check_accessible


def _check_accessible(page) -> dict:
    """Every Explorer on the page is usable with a screen reader and shows no widget repr as text.

    Each slider's label is shown in full (not cut short) and is its hover
    title; its handle has role "slider", an accessible name made of that
    label and its units ("pump speed, rpm"), and announces the printed value
    in the same units ("3500 rpm", "30 %"); the figure's text alternative
    holds the printed numbers; no output shows a widget's Python repr or the
    stand-in text meant for renderers without a kernel, and no explorer's
    output shows a second (static) figure beside the live one.
    """
    report = harness.accessibility(page)
    assert report["explorers"], "no Explorer on the page"
    assert not report["raw_reprs"], f"widget repr shown as text: {report['raw_reprs'][:2]}"
    assert not report["stand_ins"], f"static stand-in text shown in a live session: {report['stand_ins'][:2]}"
    for box in report["explorers"]:
        assert box["images_in_output"] == 1, f"the explorer's output shows {box['images_in_output']} images"
        assert box["alt"].startswith("Figure. ") and len(box["alt"]) > 20, f"figure without text: {box['alt']!r}"
        for s in box["sliders"]:
            assert not s["truncated"], f"slider label cut short: {s}"
            assert s["title"] == s["label"], f"label's hover title is not the label: {s}"
            assert s["role"] == "slider", s
            name, _, units = s["label"].rpartition(" [")
            units = units.rstrip("]") if name else ""
            assert s["name"] == (f"{name}, {units}" if units else s["label"]), f"accessible name: {s}"
            number = s["readout"].rstrip("%")
            want = f"{number} %" if s["readout"].endswith("%") else f"{number} {units}".strip()
            assert s["valuetext"] == want, f"announced value {s['valuetext']!r}, printed {s['readout']!r}: {s}"
    return report
