"""ecmolib: mechanistic, cited models of ECMO circuits and gas exchange.

Modules, in their one direction of dependency::

    blood -> patients -> oxygenator -> circuit -> lungs -> vv, va, hemodynamics, ecpr, thermal
          -> plotting / widgets / views

    outcomes (registry survival figures; no model)

Import what you need explicitly, e.g. ``from ecmolib import blood``.
Importing ecmolib has no side effects: no plotting style, no warnings
filters, no computation. Submodules load on first use, so
``import ecmolib; ecmolib.blood.saturation(...)`` also works.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "blood", "patients", "tissues", "oxygenator", "circuit", "lungs", "vv", "va", "hemodynamics", "ecpr",
    "thermal", "outcomes", "plotting", "widgets", "views",
)
__all__ = list(_SUBMODULES)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"ecmolib.{name}")
    raise AttributeError(f"module 'ecmolib' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
