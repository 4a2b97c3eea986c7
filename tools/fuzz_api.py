#!/usr/bin/env python3
"""Drive every public callable of ecmolib with bad input; count what is not a ValueError.

Every name in the ``__all__`` of each model module is called once with valid
arguments (built from its parameter names: ``*_mmhg`` a pressure, ``so2`` a
fraction, ``patient`` the adult, ...) and then with one argument replaced by
a bad value: non-finite, huge (also a Python int beyond float), subnormal,
negative, of the wrong type, empty, a list where a scalar is expected, a
float32 or 0-d array of the valid value, mismatched array shapes. The
contract of every ecmolib function: each call either raises a
``ValueError`` or returns a finite result (no NaN, no inf). Anything else is
counted and listed.

    python3 tools/fuzz_api.py            # every mutation of every callable
    python3 tools/fuzz_api.py --quick    # skip the slow beat-by-beat model

``tests/test_fuzz.py`` runs the same machinery under hypothesis, so a new
public function is covered by default.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import io
import inspect
import math
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MODULES = ("blood", "patients", "tissues", "oxygenator", "circuit", "lungs", "vv", "va", "hemodynamics",
           "ecpr", "thermal", "outcomes", "plotting", "widgets", "selfcheck", "views.oxygen_in_blood",
           "views.membrane_lung", "views.circuit_pressures", "views.vv_ecmo", "views.va_ecmo", "views.vv_vs_va",
           "views.neonatal_adult", "views.ecpr_timing", "views.cases", "views.troubleshooting", "views.scenario")
# Left to the view tests (they need figures or build widgets): drawing helpers and explorers.
_DRAWING = ("draw_", "update_")

# Bad values. Each is tried in place of one valid argument.
MUTATIONS = {
    "nan": float("nan"),
    "inf": float("inf"),
    "-inf": float("-inf"),
    "huge int": 10**400,
    "-huge int": -(10**400),
    "1e300": 1e300,
    "-1e300": -1e300,
    "subnormal": 5e-324,
    "-subnormal": -5e-324,
    "zero": 0.0,
    "negative": -1.0,
    "string": "12",
    "None": None,
    "bool": True,
    "empty list": [],
    "empty array": np.array([]),
    "nested": [[1.0, 2.0], [3.0]],
}
# Valid-but-unusual spellings of the valid value: these must be accepted or
# refused with a ValueError, and must not change the answer's finiteness.
SPELLINGS = ("float32", "0-d array", "list of two")


def _patients():
    from ecmolib import patients
    return patients


def _case():
    """A lesson-09 troubleshooting case (its own module, loaded when a parameter needs it)."""
    from ecmolib.views import cases

    return cases.CASES["recirculation"]


@functools.cache
def _lazy_object(name):
    """Objects a view builds from the models (a lesson's table, a VA state), made once when first needed."""
    from ecmolib import patients
    from ecmolib.views import va_ecmo, vv_vs_va

    if name == "table":
        return vv_vs_va.comparison_table(patients.ADULT)
    return va_ecmo.scenario_state(patients.ADULT)  # "r"


def baseline_value(name, default):
    """A valid value for a parameter, from its name (units in names) or its default."""
    from ecmolib import blood, circuit, oxygenator, patients, widgets

    n = name.lower()
    if default is not inspect.Parameter.empty:
        return default
    objects = {
        "patient": patients.ADULT, "oxygenator": oxygenator.ADULT, "circuit": circuit.ADULT_VA,
        "inlet": blood.BloodGas(40.0, 46.0, 12.0), "arterial": blood.BloodGas(95.0, 40.0, 12.0),
        "venous": blood.BloodGas(40.0, 46.0, 12.0), "mixed_venous": blood.BloodGas(40.0, 46.0, 12.0),
        "states": [blood.BloodGas(40.0, 46.0, 12.0), blood.BloodGas(300.0, 35.0, 12.0)],
        "flows_l_min": [3.0, 2.0], "spec": widgets.SliderSpec("flow", "L/min", 0.0, 5.0, 2.0, 0.5),
        "text": "PaO2", "label": "flow", "units": "L/min", "name": "x", "strategy": "ecpr",
        "population": "adult", "mode": "vv", "kind": "drainage", "cannulation": "femoral",
        "numbers": {"flow [L/min]": 2.0}, "rpm": 3000.0, "french": 23.0, "weight_kg": 70.0,
        "source": "a published interval", "case": _case(), "failure": "lungs", "i_flow": 0,
        "point": circuit.operating_point(circuit.ADULT_VA, 3500.0, venous_pressure_mmhg=10.0,
                                         arterial_pressure_mmhg=70.0),
    }
    if n in objects:
        return objects[n]
    if n in ("table", "r"):
        return _lazy_object(n)
    rules = (
        ("so2", 0.7), ("fio2", 0.5), ("fdo2", 0.8), ("fraction", 0.3), ("recirculation", 0.2),
        ("ph", 7.4), ("hb_g_dl", 12.0), ("p50_mmhg", 26.8), ("pco2_mmhg", 40.0), ("po2_mmhg", 80.0),
        ("temperature_c", 37.0), ("base_excess", 0.0), ("_mmhg", 40.0), ("flow_l_min", 3.0),
        ("sweep_l_min", 3.0), ("_ml_min", 200.0), ("_ml_dl", 15.0), ("_min", 20.0), ("_kg", 70.0),
        ("_ml", 300.0), ("_s", 1.0), ("level", 0.9), ("_in", 0.375), ("_cm", 20.0), ("_m", 1.5),
    )
    for suffix, value in rules:
        if n.endswith(suffix) or n == suffix.strip("_"):
            return value
    return 1.0


def callables():
    """(qualified name, callable) for every public callable of the model modules."""
    out = []
    for m in MODULES:
        mod = importlib.import_module(f"ecmolib.{m}")
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name)
            if not callable(obj) or name.isupper() or name.startswith(_DRAWING) or name.endswith("_explorer"):
                continue
            if inspect.isclass(obj) and dataclasses.is_dataclass(obj) and _is_result(obj):
                continue
            out.append((f"{m}.{name}", obj))
    return out


def _is_result(cls):
    """Result records (built by the models, not by users) are not driven."""
    return cls.__name__.endswith(("Result", "State", "Trace", "Budget", "Exchange", "Point", "Row", "Arm",
                                  "Sample", "Table", "Readout", "Scene")) and cls.__name__ not in ("CirculationState",)


def signature_args(fn):
    """Baseline (args, kwargs) for a callable, or None if it takes no parameters."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    args, kwargs = [], {}
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        value = baseline_value(p.name, p.default)
        if p.kind is p.POSITIONAL_ONLY or (p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty):
            args.append((p.name, value))
        else:
            kwargs[p.name] = value
    return args, kwargs


class _Later:
    """An override made when first used (it needs the models)."""

    def __init__(self, make):
        self.make = make


def _case_defaults(mode):
    from ecmolib import patients
    from ecmolib.views import cases

    return cases.defaults(mode, patients.ADULT)


# Arguments that cannot be derived from names alone.
OVERRIDES = {
    "hemodynamics.simulate": {"duration_s": 0.5},
    "hemodynamics.parameters_for": {"heart_rate_bpm": 80.0},
    "patients.for_weight": {"weight_kg": 20.0},
    "selfcheck.choice": {"correct": "a", "options": {"a": "VV", "b": "VA"}},
    "views.circuit_pressures.speed_sweep": {"rpm": [2000.0, 3000.0, 4000.0]},
    "views.neonatal_adult.size_grid": {"weights_kg": [3.5, 70.0]},
    # Need a model state or a scenario dict; driven by tests/test_views_*.py.
    "views.oxygen_in_blood.budget_numbers": None, "views.vv_ecmo.readout": None,
    "views.vv_ecmo.recirculation_table": None, "views.vv_ecmo.haemoglobin_table": None,
    "views.troubleshooting.tile_text": {"key": "sao2", "value": 0.9},
    "views.cases.evaluate_vv": {"settings_": _Later(lambda: _case_defaults("vv"))},
    "views.cases.evaluate_va": {"settings_": _Later(lambda: _case_defaults("va"))},
    "views.cases.Action": {"key": "a", "text": "lower the flow"},
    "ecpr.simulate_time_to_flow": {"seed": 1},
    "vv.recirculation_fraction": {"pre_so2": 0.75, "post_so2": 1.0, "venous_so2": 0.65},
    "widgets.SliderSpec": {"low": 0.0, "high": 5.0, "value": 2.0, "step": 0.5},
    "circuit.fit_head_curve": {"rpm": [3000.0, 3500.0, 4000.0], "flow_l_min": [4.0, 4.5, 5.0],
                               "head_mmhg": [200.0, 260.0, 330.0]},
    "va.steady_state": {"ecmo_flow_l_min": 3.0, "native_output_l_min": 2.0, "alveolar_ventilation_l_min": None},
    "ecpr.oxygen_debt_ml_kg": {"time_min": 30.0, "no_flow_min": 2.0, "time_to_flow_min": 45.0},
    "plotting.draw_circuit": None, "plotting.update_circuit": None, "plotting.draw_oxygenator": None,
    "plotting.set_oxygenator_so2": None, "plotting.log_po2_axis": None, "plotting.lesson_style": None,
    "plotting.use_lesson_style": None, "widgets.Explorer": None, "widgets.slider": None,
    "widgets.live_artists": None, "plotting.SO2_CMAP": None, "plotting.SO2_NORM": None,
    "widgets.encode_png": None,  # needs a (height, width, 4) uint8 pixel array
}


def _records():
    from ecmolib import circuit, ecpr, hemodynamics, patients

    return {
        "patients.Patient": lambda: patients.ADULT,
        "circuit.Circuit": lambda: circuit.ADULT_VA,
        "ecpr.SurvivalFit": ecpr.fit,
        "circuit.Cannula": lambda: circuit.ADULT_VA.drainage_cannula,
        "hemodynamics.CirculationParameters": lambda: hemodynamics.ADULT_PARAMETERS,
        "hemodynamics.CirculationState": lambda: hemodynamics.simulate(patients.ADULT, 0.2).final_state,
        "ecpr.TimelineDistribution": lambda: inspect.signature(ecpr.simulate_time_to_flow)
        .parameters["distribution"].default,
        "views.cases.Case": _case,
    }


class _Lazy(dict):
    def get(self, key, default=None):
        if not self:
            self.update(_records())
        return super().get(key, default)


# Dataclasses driven through the fields of a preset.
RECORDS = _Lazy()


def build_call(qualname, fn):
    """(args, kwargs, names of mutable parameters) for a callable, or None to skip it."""
    if qualname in OVERRIDES and OVERRIDES[qualname] is None:
        return None
    base = signature_args(fn)
    if base is None:
        return None
    args, kwargs = base
    for k, v in (OVERRIDES.get(qualname) or {}).items():
        v = v.make() if isinstance(v, _Later) else v
        if any(k == a for a, _ in args):
            args = [(a, v if a == k else w) for a, w in args]
        else:
            kwargs[k] = v
    template = RECORDS.get(qualname)
    if template is not None:
        record = template()
        args, kwargs = [], {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    mutable = [a for a, v in args if _numeric(v)] + [k for k, v in kwargs.items() if _numeric(v)]
    return args, kwargs, mutable


def _numeric(v):
    return isinstance(v, (int, float, np.floating)) and not isinstance(v, bool)


def finite(result, depth=0):
    """True if every number in the result (dataclass, dict, tuple, array) is finite."""
    if depth > 4 or result is None:
        return True
    if isinstance(result, (bool, np.bool_, str)):
        return True
    if isinstance(result, (int, float, np.number)):
        try:
            return math.isfinite(float(result))
        except OverflowError:  # an int beyond any float, stored unchecked
            return False
    if isinstance(result, np.ndarray):
        return result.dtype.kind not in "fc" or bool(np.all(np.isfinite(result)))
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return all(finite(getattr(result, f.name), depth + 1) for f in dataclasses.fields(result))
    if isinstance(result, dict) or hasattr(result, "items"):
        return all(finite(v, depth + 1) for v in result.values())
    if isinstance(result, (list, tuple)):
        return all(finite(v, depth + 1) for v in result)
    return True


def call(fn, args, kwargs, names=()):
    """Outcome of one call: 'ok', 'ValueError', 'non-finite' or the exception's type name.

    ``names``: parameters a ValueError must name ('ValueError naming nothing' otherwise).
    """
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("error")
        try:
            result = fn(*[v for _, v in args], **kwargs)
        except ValueError as exc:
            if names and not any(n in str(exc) for n in names):
                return "ValueError naming nothing"
            return "ValueError"
        except Exception as exc:  # noqa: BLE001 - counting exactly these
            return type(exc).__name__
    return "ok" if finite(result) else "non-finite"


def mutated(args, kwargs, name, value):
    a = [(k, value if k == name else v) for k, v in args]
    kw = {k: (value if k == name else v) for k, v in kwargs.items()}
    return a, kw


def spelling(value, how):
    if how == "float32":
        return np.float32(value)
    if how == "0-d array":
        return np.array(value)
    return [value, value]


def cases(qualname, fn):
    """Every (label, args, kwargs) this tool tries for a callable."""
    built = build_call(qualname, fn)
    if built is None:
        return
    args, kwargs, mutable = built
    yield "baseline", args, kwargs
    for name in mutable:
        valid = dict(args).get(name, kwargs.get(name))
        for label, bad in MUTATIONS.items():
            yield f"{name}={label}", *mutated(args, kwargs, name, bad)
        for how in SPELLINGS:
            yield f"{name}={how}", *mutated(args, kwargs, name, spelling(valid, how))
    arrays = [n for n in mutable][:2]
    if len(arrays) == 2:
        a, kw = mutated(args, kwargs, arrays[0], [dict(args).get(arrays[0], kwargs.get(arrays[0]))] * 3)
        a, kw = mutated(a, kw, arrays[1], [dict(a).get(arrays[1], kw.get(arrays[1]))] * 4)
        yield f"{arrays[0]}/{arrays[1]} shapes 3 vs 4", a, kw, tuple(arrays)


def main(argv):
    quick = "--quick" in argv
    t0 = time.perf_counter()
    counts, bad = Counter(), []
    skipped = []
    for qualname, fn in callables():
        if quick and qualname == "hemodynamics.simulate":
            continue
        tried = False
        for label, args, kwargs, *names in cases(qualname, fn):
            tried = True
            outcome = call(fn, args, kwargs, *names)
            if label == "baseline" and outcome != "ok":
                bad.append((qualname, label, outcome))
                counts["baseline failed"] += 1
                break
            counts[outcome] += 1
            if outcome not in ("ok", "ValueError"):
                bad.append((qualname, label, outcome))
        if not tried:
            skipped.append(qualname)
    for qualname, label, outcome in bad:
        print(f"{outcome:22s} {qualname}({label})")
    total = sum(counts.values())
    print(f"\n{total} calls in {time.perf_counter() - t0:.0f} s: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    print(f"not a ValueError or a finite answer: {len(bad)}")
    print(f"not driven (need objects this tool cannot build): {', '.join(skipped) or 'none'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
