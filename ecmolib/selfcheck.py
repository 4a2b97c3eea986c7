"""Self-checks for the lessons: the learner answers, the lesson says right or wrong, with a hint.

A check never raises: whatever a learner types (a number, a number with its
units, a percentage, a word, nothing at all), the reply is a sentence. The
expected answer comes from the models, computed in the lesson (never typed
in), so a check stays right when the scenario changes.

    >>> from ecmolib import selfcheck
    >>> selfcheck.number("4.3 L/min", expected=4.29, units="L/min", tolerance=0.2)
    Right: 4.3 L/min (the model gives 4.29 L/min).
    >>> selfcheck.choice("b", correct="b", options={"a": "VV", "b": "VA"},
    ...                  hint="Which mode supports the heart?")
    Right: b (VA).
"""

from __future__ import annotations

import math
import re

from ecmolib import _validation

__all__ = ["number", "choice"]

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(%?)\s*(.*?)\s*$")


def _format(value, units):
    text = f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return f"{text} {units}".strip() if units != "%" else f"{text} %"


def _parse(answer):
    """(number, was it written as a percentage) or None."""
    if isinstance(answer, bool) or answer is None:
        return None
    try:
        value = float(answer)  # numbers, numpy scalars, 0-d arrays
        return (value, False) if math.isfinite(value) else None
    except (TypeError, ValueError, OverflowError):
        pass
    if isinstance(answer, str):
        m = _NUMBER.match(answer.replace(",", "."))
        if m:
            return float(m.group(1)), m.group(2) == "%"
    return None


def number(answer, *, expected, units="", tolerance=None, relative=0.1, hint=""):
    """Say whether a numeric answer is right, within a tolerance.

    Parameters
    ----------
    answer : float or str
        What the learner gave: a number, or text such as ``"4.3 L/min"`` or
        ``"85 %"``. Fractions and percentages are both understood when
        ``units`` is ``"%"`` (0.85 and 85 are the same answer).
    expected : float
        The model's value, in ``units``.
    units : str
        Units the answer is given in (shown in the reply).
    tolerance : float, optional
        Largest accepted absolute difference [units]. Default: ``relative``
        times the expected value.
    relative : float
        Relative tolerance when ``tolerance`` is not given. Default 0.1.
    hint : str
        Shown when the answer is wrong.

    Returns
    -------
    None
        The reply is printed.

    Raises
    ------
    ValueError
        If ``expected``, ``tolerance`` or ``relative`` (the lesson's side,
        not the learner's) is not a finite number in range.
    """
    expected = _validation.scalar("expected", expected, units or "1")
    relative = _validation.scalar("relative", relative, "1", 0.0, 10.0)
    if tolerance is not None:
        tolerance = _validation.scalar("tolerance", tolerance, units or "1", 0.0)
    parsed = _parse(answer)
    if parsed is None:
        example = f"3.5 {units}".strip() if units != "%" else "85 %"
        print(f"Please answer with a number{f' in {units}' if units else ''}, for example "
              f"{example!r}. You gave {answer!r}.")
        return
    value, percent_sign = parsed
    if units == "%" and not percent_sign and abs(value) <= 1.0 and abs(expected) > 1.0:
        value *= 100.0  # 0.85 for 85 %
    tol = abs(tolerance) if tolerance is not None else abs(relative * expected)
    if abs(value - expected) <= tol:
        print(f"Right: {_format(value, units)} (the model gives {_format(expected, units)}).")
        return
    direction = "high" if value > expected else "low"
    print(f"Not quite: {_format(value, units)} is too {direction}." + (f" Hint: {hint}" if hint else "")
          + " Think again, then check.")


def choice(answer, *, correct, options, hint="", explanation=""):
    """Say whether a multiple-choice answer is right.

    Parameters
    ----------
    answer : str
        The learner's choice: an option's key (``"b"``) or its text.
    correct : str
        Key of the right option.
    options : dict of str to str
        Keys and texts of the options.
    hint : str
        Shown when the answer is wrong.
    explanation : str
        Shown when the answer is right.

    Returns
    -------
    None
        The reply is printed.

    Raises
    ------
    ValueError
        If ``options`` is not a non-empty mapping or ``correct`` is not one
        of its keys (the lesson's side, not the learner's).
    """
    if not isinstance(options, dict) or not options or correct not in options:
        raise ValueError(f"options must be a non-empty dict of choices and correct one of its keys; "
                         f"got options={options!r}, correct={correct!r}")
    keys = {str(k).strip().lower(): k for k in options}
    texts = {str(v).strip().lower(): k for k, v in options.items()}
    given = answer.strip().lower() if isinstance(answer, str) else ""
    key = keys.get(given, texts.get(given))
    if key is None:
        listing = ", ".join(f"{k!r} ({v})" for k, v in options.items())
        print(f"Please answer with one of {listing}. You gave {answer!r}.")
        return
    if key == correct:
        print(f"Right: {key} ({options[key]})." + (f" {explanation}" if explanation else ""))
        return
    print(f"Not quite: {key} ({options[key]}) is not it." + (f" Hint: {hint}" if hint else "")
          + " Think again, then check.")
