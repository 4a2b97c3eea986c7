"""Input checking shared by every ecmolib model.

Every public function converts its numeric arguments with :func:`checked`
(or :func:`fraction`), so that bad input fails the same way everywhere: a
``ValueError`` that names the parameter, its units, the value given and the
valid range. Nothing is clipped and no NaN is let through.

This module is private (leading underscore); its behaviour is documented in
each public function's ``Raises`` section.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["checked", "scalar", "grid", "fraction", "result", "choice", "broadcast"]


def _range_text(low, high, low_inclusive, high_inclusive):
    if low is None and high is None:
        return "any finite number"
    if high is None:
        return f"{'>=' if low_inclusive else '>'} {low:g}"
    if low is None:
        return f"{'<=' if high_inclusive else '<'} {high:g}"
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    return f"in {left}{low:g}, {high:g}{right}"


# Relative distance from an inclusive range end that counts as round-off (a
# float32 slider value, a bound computed in another order): such values are
# the end itself.
_ROUND_OFF = {"f2": 1e-3, "f4": 1e-6, "f8": 1e-9}


def _in_range(arr, low, high, low_inclusive, high_inclusive):
    ok = np.isfinite(arr)
    if low is not None:
        ok &= (arr >= low) if low_inclusive else (arr > low)
    if high is not None:
        ok &= (arr <= high) if high_inclusive else (arr < high)
    return ok


def _snap_to_bounds(arr, low, high, rtol):
    """Put values within round-off of an inclusive bound on the bound."""
    for bound in (low, high):
        if bound is not None:
            near = np.abs(arr - bound) <= rtol * abs(bound)
            if np.any(near):
                arr = np.where(near, bound, arr)
    return arr


def _short(value) -> str:
    """repr of a value, shortened (a 400-digit integer would fill the screen)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def checked(
    name: str,
    value,
    units: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> np.ndarray:
    """Return ``value`` as a float array after checking it is finite and in range.

    Parameters
    ----------
    name : str
        Parameter name as the caller spells it (e.g. ``"po2_mmhg"``).
    value : float or array_like
        What the caller passed.
    units : str
        Units shown in the message (e.g. ``"mmHg"``; ``"1"`` for fractions).
    low, high : float, optional
        Bounds of the valid range; ``None`` means unbounded.
    low_inclusive, high_inclusive : bool
        Whether each bound itself is valid.

    Returns
    -------
    numpy.ndarray
        ``value`` as a float64 array (0-d for a scalar).

    Raises
    ------
    ValueError
        If ``value`` is not a real number or array of them (also: empty,
        ragged, an integer beyond any float), is NaN or infinite, or lies
        outside the range. The message reads, e.g.,
        ``"po2_mmhg [mmHg] must be in (0, 2000]; got -5"``.

    Notes
    -----
    A value within round-off of an inclusive range end (relative 1e-9 for
    float64, 1e-6 for float32 input) is taken as that end, so that an end
    typed by hand, computed another way or passed as float32 is accepted.
    """
    rng = _range_text(low, high, low_inclusive, high_inclusive)
    bad_type = isinstance(value, (bool, np.bool_, str, bytes)) or value is None
    if not bad_type:
        try:
            arr = np.asarray(value)
        except Exception:  # pragma: no cover - exotic objects
            bad_type = True
        else:
            bad_type = not (
                arr.dtype.kind in "iuf"
                or (arr.dtype.kind == "O" and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in arr.ravel()))
            )
    if bad_type:
        raise ValueError(
            f"{name} [{units}] must be a real number (or array of them) {rng}; got {_short(value)}"
        )
    try:
        arr = np.asarray(arr, dtype=float)
    except (OverflowError, TypeError, ValueError):  # a Python int beyond any float, ragged nesting
        raise ValueError(
            f"{name} [{units}] must be a real number (or array of them) {rng}; got {_short(value)}") from None
    if arr.size == 0:
        raise ValueError(f"{name} [{units}] must not be empty; got an array of shape {arr.shape}")
    ok = _in_range(arr, low, high, low_inclusive, high_inclusive)
    if not np.all(ok):
        # Values just outside an inclusive end by round-off are the end itself.
        dtype = np.asarray(value).dtype
        arr = _snap_to_bounds(arr, low if low_inclusive else None, high if high_inclusive else None,
                              _ROUND_OFF.get(f"{dtype.kind}{dtype.itemsize}", _ROUND_OFF["f8"]))
        ok = _in_range(arr, low, high, low_inclusive, high_inclusive)
    if not np.all(ok):
        first = arr[~ok].flat[0] if arr.ndim else arr.item()
        where = "" if arr.ndim == 0 else f" (first bad element of {arr.size})"
        raise ValueError(f"{name} [{units}] must be {rng}; got {first!r}{where}")
    return arr


def scalar(name: str, value, units: str, low=None, high=None, *,
           low_inclusive: bool = True, high_inclusive: bool = True) -> float:
    """:func:`checked` for a single number (a dataclass field); returns a float."""
    arr = checked(name, value, units, low=low, high=high,
                  low_inclusive=low_inclusive, high_inclusive=high_inclusive)
    if arr.ndim != 0:
        raise ValueError(f"{name} [{units}] must be a single number, not an array; got shape {arr.shape}")
    return float(arr)


def grid(name: str, value, units: str, low=None, high=None, *,
         low_inclusive: bool = True, high_inclusive: bool = True) -> np.ndarray:
    """:func:`checked` for the values of a table axis: a 1-D float array (a single number is a one-point axis)."""
    arr = np.atleast_1d(checked(name, value, units, low=low, high=high,
                                low_inclusive=low_inclusive, high_inclusive=high_inclusive))
    if arr.ndim != 1:
        raise ValueError(f"{name} [{units}] must be a number or a 1-D array of them; got shape {arr.shape}")
    return arr


def fraction(name: str, value, *, low_inclusive: bool = True, high_inclusive: bool = True) -> np.ndarray:
    """:func:`checked` for a dimensionless fraction in [0, 1] (units ``"1"``)."""
    return checked(
        name, value, "fraction 0..1", low=0.0, high=1.0,
        low_inclusive=low_inclusive, high_inclusive=high_inclusive,
    )


def choice(name: str, value, allowed) -> str:
    """Check that ``value`` is one of the strings in ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}; got {value!r}")
    return value


def broadcast(**arrays):
    """Broadcast checked arrays together (``name=array``); a mismatch names the parameters and shapes.

    Returns
    -------
    list of numpy.ndarray
        The arrays broadcast to their common shape, in the order given.

    Raises
    ------
    ValueError
        If the shapes do not broadcast, e.g. ``"cardiac_output_l_min (3,)
        and cao2_ml_dl (4,) must have shapes that broadcast together"``.
    """
    try:
        np.broadcast_shapes(*(np.shape(v) for v in arrays.values()))
    except ValueError:
        shapes = " and ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(f"{shapes} must have shapes that broadcast together (equal, or 1, "
                         "along each axis)") from None
    return np.broadcast_arrays(*(np.asarray(v) for v in arrays.values()))


def result(arr):
    """Return a 0-d array as a numpy float scalar and anything else unchanged.

    Keeps the convention "scalar in, scalar out; array in, array out".
    """
    arr = np.asarray(arr)
    return arr[()] if arr.ndim == 0 else arr
