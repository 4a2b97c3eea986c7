"""Every public callable answers bad input with a ValueError or a finite result.

Drives each name in the ``__all__`` of every model module (so a new public
function is covered by default) through ``tools/fuzz_api.py``: valid
arguments built from the parameter names, then one argument replaced by a
non-finite, huge, subnormal, negative, wrongly typed, empty, float32, 0-d or
list value, or two arrays of mismatched shapes. hypothesis picks the cases;
``python3 tools/fuzz_api.py`` runs all of them and prints the count.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_spec = importlib.util.spec_from_file_location("fuzz_api", Path(__file__).resolve().parents[1] / "tools" / "fuzz_api.py")
fuzz_api = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz_api)

CALLABLES = fuzz_api.callables()
CASES = {name: list(fuzz_api.cases(name, fn)) for name, fn in CALLABLES}
DRIVEN = [(name, fn) for name, fn in CALLABLES if CASES[name]]


def test_almost_every_public_callable_is_driven():
    # Those left out need figures, axes, widgets or a model state (drawing
    # helpers, a few view helpers driven by the view tests).
    left_out = {name for name, _ in CALLABLES} - {name for name, _ in DRIVEN}
    assert all(name.startswith(("plotting.", "widgets.", "views.")) for name in left_out), left_out
    assert len(left_out) <= 12 and len(DRIVEN) >= 80


@pytest.mark.parametrize("name,fn", DRIVEN, ids=[name for name, _ in DRIVEN])
def test_every_listed_bad_input_gives_a_value_error_or_a_finite_answer(name, fn):
    cases = CASES[name]
    assert fuzz_api.call(fn, *cases[0][1:3]) == "ok", f"{name}: the valid baseline call failed"
    failures = [f"{label} -> {outcome}" for label, args, kwargs, *names in cases[1:]
                if (outcome := fuzz_api.call(fn, args, kwargs, *names)) not in ("ok", "ValueError")]
    assert not failures, f"{name}: " + "; ".join(failures)


_NUMERIC = [(name, fn) for name, fn in DRIVEN if fuzz_api.build_call(name, fn)[2]]


@pytest.mark.parametrize("name,fn", _NUMERIC, ids=[name for name, _ in _NUMERIC])
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), value=st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
       | st.integers(min_value=-(10**400), max_value=10**400))
def test_property_any_number_anywhere_gives_a_value_error_or_a_finite_answer(name, fn, data, value):
    args, kwargs, numeric = fuzz_api.build_call(name, fn)
    target = data.draw(st.sampled_from(numeric))
    outcome = fuzz_api.call(fn, *fuzz_api.mutated(args, kwargs, target, value))
    assert outcome in ("ok", "ValueError"), f"{name}({target}={value!r}) -> {outcome}"
