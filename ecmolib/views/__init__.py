"""The lessons' interactive figures: one module per lesson.

Each module holds the *views* of one lesson: functions that take the
scenario and the slider values, run the models, draw into a figure and
return the numbers they showed, and ``*_explorer`` factories that bind them
to sliders (:class:`ecmolib.widgets.Explorer`). Each module lists its
factories in a module-level ``EXPLORERS`` dict; this package gathers them in
:data:`EXPLORERS` so tests and benchmarks reach every slider of every
lesson. Nothing here holds physiology: views only compose the model modules
and :mod:`ecmolib.plotting`. Shared widget machinery lives in
:mod:`ecmolib.widgets`: slider grids (:meth:`~ecmolib.widgets.SliderSpec.grid`,
:meth:`~ecmolib.widgets.SliderSpec.index`,
:meth:`~ecmolib.widgets.SliderSpec.anchored`) and the live figure that
redraws only what a slider moves (:func:`~ecmolib.widgets.live_artists`,
which every explorer's draw function calls with the artists its update
function changes).

Modules: :mod:`~ecmolib.views.start_here` (lesson 00), and one per later
lesson.
"""

import importlib
import pkgutil

# Names loaded on first use (PEP 562), so that a lesson importing only its
# own view module does not load every other lesson's models (lesson 03 would
# otherwise load numba through lesson 04's VV model: about 100 MB of kernel
# memory it never uses).
_START_HERE = ("CircuitScene", "draw_va_circuit", "va_circuit_explorer", "va_circuit_scene")


def _explorers():
    """Every explorer factory of every lesson, by "NN name" (imports every view module)."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.update(getattr(module, "EXPLORERS", {}))
    return found


def _submodules():
    return [info.name for info in pkgutil.iter_modules(__path__)]


def __getattr__(name):
    if name in _submodules():  # ``views.membrane_lung`` works without importing it first
        return importlib.import_module(f"{__name__}.{name}")
    if name in _START_HERE:
        return getattr(importlib.import_module(f"{__name__}.start_here"), name)
    if name == "EXPLORERS":
        #: Every explorer factory of every lesson, by "NN name", each callable
        #: with no arguments (the lesson's default scenario).
        globals()["EXPLORERS"] = explorers = _explorers()
        return explorers
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_START_HERE, "EXPLORERS", *_submodules()})
