"""The install story: top-level requirements, Binder pins and the running
environment must agree, so the pins Binder uses are the ones the tests ran
with, and the loose top-level file cannot drift away from them silently."""

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _requirements(path):
    reqs = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            reqs.append(Requirement(line))
    return reqs


PINS = {canonicalize_name(r.name): r for r in _requirements(ROOT / "binder" / "requirements.txt")}
TOP = _requirements(ROOT / "requirements.txt")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _pinned_version(req):
    (spec,) = list(req.specifier)
    assert spec.operator == "==", f"{req} in binder/requirements.txt is not an exact pin"
    return spec.version


def test_every_binder_line_is_an_exact_pin():
    assert PINS, "binder/requirements.txt is empty"
    for req in PINS.values():
        _pinned_version(req)


@pytest.mark.parametrize("req", TOP + [Requirement(d) for d in PYPROJECT["project"]["dependencies"]], ids=str)
def test_top_level_requirement_is_pinned_within_its_range(req):
    name = canonicalize_name(req.name)
    assert name in PINS, f"{req.name} is in requirements.txt/pyproject.toml but not pinned in binder/requirements.txt"
    assert req.specifier.contains(_pinned_version(PINS[name])), (
        f"binder pin {PINS[name]} does not satisfy {req}"
    )


@pytest.mark.parametrize("name", sorted(PINS))
def test_running_environment_is_the_pinned_one(name):
    # The test command installs binder/requirements.txt, so a pass here means
    # the tests ran with exactly the pins Binder will use.
    assert metadata.version(name) == _pinned_version(PINS[name])


def _closure(requirements):
    """Names of the installed distributions the requirements need, transitively (markers evaluated)."""
    needed, stack = set(), [(r, frozenset(r.extras)) for r in requirements]
    while stack:
        req, extras = stack.pop()
        key = (canonicalize_name(req.name), extras)
        if key in needed:
            continue
        needed.add(key)
        for line in metadata.distribution(req.name).requires or []:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in (extras or {""})):
                stack.append((sub, frozenset(sub.extras)))
    return {name for name, _ in needed}


def test_pins_are_exactly_what_the_requirements_need():
    # binder/requirements.txt is a freeze of requirements.txt: nothing
    # pinned that no requirement needs, nothing needed left unpinned.
    needed = _closure(TOP)
    assert set(PINS) - needed == set(), "pinned but needed by nothing"
    assert needed - set(PINS) == set(), "needed but not pinned"


def test_runtime_matches_requires_python():
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert m, f"binder/runtime.txt should read python-X.Y, got {runtime!r}"
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(m.group(1) + ".0")
    assert sys.version_info >= (3, 11)


def test_postbuild_installs_ecmolib_and_builds_the_student_edition():
    text = (ROOT / "binder" / "postBuild").read_text()
    assert re.search(r"pip install .*-e \.", text)
    assert re.search(r"tools/editions\.py \. --only student", text)
    assert "student/" in (ROOT / ".gitignore").read_text().split()
