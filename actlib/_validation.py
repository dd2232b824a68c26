"""Input checking shared by every public actlib function.

Each public function turns its input into a float array with
:func:`as_float_array` and hands the result back with :func:`restore`, so
that the rules below hold everywhere:

* any array-like of real numbers is accepted (lists, tuples, NumPy arrays,
  NumPy or Python scalars, CPU tensors that support ``__array__``);
* float16/32/64 keep their dtype; ints and bools become float64;
* a scalar in gives a NumPy scalar out;
* strings, objects, complex numbers and ragged lists raise ``TypeError`` or
  ``ValueError`` with a message that says what was expected.
"""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np

EXPECTED = "a real number or an array-like of real numbers (int, float or bool)"


def as_float_array(x, name: str = "x") -> tuple[np.ndarray, bool]:
    """Return ``(array, was_scalar)`` for a real-valued array-like ``x``."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be {EXPECTED}; got {type(x).__name__} {x!r:.40}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested lists and the like
        raise ValueError(f"{name} must be {EXPECTED} with a regular shape; NumPy said: {err}") from None
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} must be real; got complex values (dtype {arr.dtype})")
    if kind in "biu":
        arr = arr.astype(np.float64)
    elif kind != "f":
        raise TypeError(f"{name} must be {EXPECTED}; got an array of dtype {arr.dtype}")
    return arr, arr.ndim == 0


def working_dtype(arr: np.ndarray) -> np.dtype:
    """The dtype to compute in: float16 is computed in float32 to avoid overflow."""
    return np.dtype(np.float32) if arr.dtype == np.float16 else arr.dtype


def restore(out: np.ndarray, like: np.ndarray, was_scalar: bool):
    """Cast ``out`` back to the input's dtype; unwrap 0-d results to NumPy scalars."""
    out = np.asarray(out, dtype=like.dtype)
    return out[()] if was_scalar else out


def real_parameter(value, name: str, *, minimum: float | None = None) -> float:
    """Check a scalar hyper-parameter (``alpha``, ``beta``) and return it as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r:.40}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return value


def ignore_underflow(function):
    """Run ``function`` with NumPy's underflow warning off.

    Results that underflow to 0 (or to a subnormal) are the correctly rounded
    answer, e.g. ``sigmoid(-1e4) == 0``; overflow and invalid-value warnings
    stay on, and the formulas are written so that they never fire.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with np.errstate(under="ignore"):
            return function(*args, **kwargs)

    return wrapper
