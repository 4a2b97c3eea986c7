"""The scenario cell's companion: say when a lesson runs with another scenario.

Every lesson sets its patient and devices in one cell, the *scenario cell*
(tagged ``scenario``), which holds a line ``PATIENT = patients.<PRESET>``
and derives everything else from it. The lesson's prose was written for
the default scenario and quotes its numbers; when an educator or a learner
changes the scenario, :func:`notice` says so in one line, so that nobody
reads a quoted number as their own.
"""

from __future__ import annotations

import math
import textwrap

from ecmolib import patients as _patients
from ecmolib.widgets import name_words

__all__ = ["notice"]


def _same(value, default) -> bool:
    if isinstance(value, (int, float)) and isinstance(default, (int, float)):
        return math.isclose(float(value), float(default), rel_tol=1e-9, abs_tol=1e-12)
    return value == default


def _text(value, units="") -> str:
    if isinstance(value, _patients.Patient):
        return value.name
    if isinstance(value, float):
        return f"{value:.3g}" + (f" {units}" if units else "")
    return getattr(value, "name", None) or str(value)


def notice(patient, *, default=_patients.ADULT, **settings) -> None:
    """Print one line when the scenario differs from the lesson's default.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The scenario's patient.
    default : ecmolib.patients.Patient, optional
        The patient the lesson's prose was written for (the 70 kg adult
        unless the lesson says otherwise).
    **settings : tuple
        Other scenario settings the prose quotes, each as
        ``name=(value, default_value)``, e.g.
        ``hb_g_dl=(SCENARIO["hb_g_dl"], 12.0)``.

    Returns
    -------
    None
        Prints nothing when every setting equals its default.

    Raises
    ------
    ValueError
        If ``patient`` or ``default`` is not a
        :class:`~ecmolib.patients.Patient`, or a setting is not a
        ``(value, default_value)`` pair.

    Examples
    --------
    >>> from ecmolib import patients
    >>> notice(patients.ADULT)
    >>> notice(patients.NEONATE, hb_g_dl=(8.0, 12.0))  # doctest: +NORMALIZE_WHITESPACE
    NOTE: this lesson now runs with another scenario than the one its text was written for.
      - patient: Term neonate (3.5 kg) instead of Adult (70 kg)
      - Hb: 8 g/dL instead of 12 g/dL
    The numbers quoted in the text are those of the default scenario; read yours from the outputs.
    <BLANKLINE>
    """
    for name, value in (("patient", patient), ("default", default)):
        if not isinstance(value, _patients.Patient):
            raise ValueError(f"{name} must be an ecmolib.patients.Patient, e.g. patients.ADULT; "
                             f"got {type(value).__name__} {value!r:.60}")
    changed = [] if patient == default else [("patient", patient, default)]
    for name, pair in settings.items():
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise ValueError(f"setting {name} must be a pair (value, default_value); got {pair!r:.60}")
        if not _same(*pair):
            changed.append((name, *pair))
    if not changed:
        return
    lines = ["NOTE: this lesson now runs with another scenario than the one its text was written for."]
    for name, value, dflt in changed:
        words, units = name_words(name)
        lines.append(f"  - {words}: {_text(value, units)} instead of {_text(dflt, units)}")
    lines.append("The numbers quoted in the text are those of the default scenario; read yours from the outputs.")
    print("\n".join(textwrap.fill(line, 100, subsequent_indent="    " if line.startswith("  -") else "")
                    for line in lines) + "\n")
