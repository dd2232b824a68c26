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

Scalar arguments are checked here too: :func:`integer` for counts, sizes and
seeds, :func:`real_parameter` for real hyper-parameters such as ``alpha``.
"""

from __future__ import annotations

import functools
import math
import numbers
import operator

import numpy as np

EXPECTED = "a real number or an array-like of real numbers (int, float or bool)"


def describe(value, width: int = 40) -> str:
    """A value's type and the start of its repr, for an error message: ``"str 'abc'"``, ``"float32 3.0"``.

    Examples::

        >>> describe(np.float32(3)), describe("3"), describe(list(range(20)), width=12)
        ('float32 3.0', "str '3'", 'list [0, 1, 2, 3,')
    """
    shown = str(value) if isinstance(value, np.generic) else repr(value)
    return f"{type(value).__name__} {shown:.{width}}"


def as_float_array(x, name: str = "x") -> tuple[np.ndarray, bool]:
    """Return ``(array, was_scalar)`` for a real-valued array-like ``x``.

    Floats keep their dtype; ints and bools become float64. ``name`` starts the
    error message.

    Examples::

        >>> as_float_array([1, 2])
        (array([1., 2.]), False)
        >>> as_float_array(np.float32(0.5))
        (array(0.5, dtype=float32), True)
        >>> as_float_array("0.5", "z")
        Traceback (most recent call last):
        ...
        TypeError: z must be a real number or an array-like of real numbers (int, float or bool); got str '0.5'
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be {EXPECTED}; got {describe(x)}")
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
    """The dtype to compute in: float16 is computed in float32 to avoid overflow.

    Examples::

        >>> working_dtype(np.zeros(2, np.float16)), working_dtype(np.zeros(2, np.float32))
        (dtype('float32'), dtype('float32'))
    """
    return np.dtype(np.float32) if arr.dtype == np.float16 else arr.dtype


def restore(out: np.ndarray, like: np.ndarray, was_scalar: bool):
    """Cast ``out`` back to the input's dtype; unwrap 0-d results to NumPy scalars.

    Examples::

        >>> x, was_scalar = as_float_array(np.float16(2))
        >>> restore(np.exp(x.astype(working_dtype(x))), x, was_scalar)
        np.float16(7.39)
    """
    out = np.asarray(out, dtype=like.dtype)
    return out[()] if was_scalar else out


class NotAnInteger(TypeError, ValueError):
    """An argument that must be an integer is not one (a float, a bool, a string, ...).

    A ``TypeError``, and also a ``ValueError`` so that code written to catch
    ``ValueError`` for any bad count or seed (as actlib raised before) still
    catches it; NumPy's ``AxisError`` is both a ``ValueError`` and an
    ``IndexError`` for the same reason.
    """


def _interval(low, high, *, open_low: bool = False, open_high: bool = False) -> str:
    """``">= 0"``, ``"< 1"``, ``"in [0, 1)"``, ...: the allowed range in words for a message."""
    if low is not None and high is not None:
        return f"in {'(' if open_low else '['}{low}, {high}{')' if open_high else ']'}"
    if low is not None:
        return f"{'>' if open_low else '>='} {low}"
    return f"{'<' if open_high else '<='} {high}"


def integer(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Check that ``value`` is an integer in ``[minimum, maximum]`` and return it as an ``int``.

    Accepts Python ints, NumPy integers and any other scalar that Python itself
    accepts as an index (``operator.index``); rejects ``bool``, arrays and floats,
    even integral ones such as ``3.0``, as ``range`` does.

    Raises:
        NotAnInteger: (a ``TypeError`` and a ``ValueError``) if ``value`` is not an integer.
        ValueError: if it is outside the bounds.

    Examples::

        >>> integer(np.int64(3), "width", minimum=1)
        3
        >>> integer(0, "width", minimum=1)
        Traceback (most recent call last):
        ...
        ValueError: width must be a positive int; got 0
        >>> integer(2.0, "seed", minimum=0)
        Traceback (most recent call last):
        ...
        actlib._validation.NotAnInteger: seed must be a non-negative int; got float 2.0
        >>> integer(11, "depth", minimum=2, maximum=10)
        Traceback (most recent call last):
        ...
        ValueError: depth must be an int in [2, 10]; got 11
    """
    if minimum is None and maximum is None:
        kind = "an int"
    elif maximum is None and minimum in (0, 1):
        kind = "a positive int" if minimum == 1 else "a non-negative int"
    else:
        kind = f"an int {_interval(minimum, maximum)}"
    if isinstance(value, (bool, np.bool_)):
        raise NotAnInteger(f"{name} must be {kind}; got bool {value}")
    if getattr(value, "ndim", 0) != 0:  # torch accepts a one-element tensor as an index; NumPy does not
        raise NotAnInteger(f"{name} must be {kind}; got {describe(value)}")
    try:
        number = operator.index(value)
    except TypeError:
        raise NotAnInteger(f"{name} must be {kind}; got {describe(value)}") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValueError(f"{name} must be {kind}; got {number}")
    return number


def real_parameter(value, name: str, *, minimum: float | None = None, maximum: float | None = None,
                   above: float | None = None, below: float | None = None) -> float:
    """Check a finite real scalar (``alpha``, ``dropout``, ...) and return it as a ``float``.

    ``minimum``/``maximum`` are inclusive bounds, ``above``/``below`` exclusive ones
    (give at most one lower and one upper bound).

    Examples::

        >>> real_parameter(np.float32(0.5), "alpha", minimum=0.0)
        0.5
        >>> real_parameter(-0.1, "alpha", minimum=0.0)
        Traceback (most recent call last):
        ...
        ValueError: alpha must be >= 0.0; got -0.1
        >>> real_parameter(1, "dropout", minimum=0, below=1)
        Traceback (most recent call last):
        ...
        ValueError: dropout must be in [0, 1); got 1.0
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {describe(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    low = above if above is not None else minimum
    high = below if below is not None else maximum
    too_low = low is not None and (value <= low if above is not None else value < low)
    too_high = high is not None and (value >= high if below is not None else value > high)
    if too_low or too_high:
        allowed = _interval(low, high, open_low=above is not None, open_high=below is not None)
        raise ValueError(f"{name} must be {allowed}; got {value}")
    return value


def ignore_underflow(function):
    """Run ``function`` with NumPy's underflow warning off.

    Results that underflow to 0 (or to a subnormal) are the correctly rounded
    answer, e.g. ``sigmoid(-1e4) == 0``; overflow and invalid-value warnings
    stay on, and the formulas are written so that they never fire.

    Examples::

        >>> tiny = ignore_underflow(lambda x: np.exp(x))
        >>> with np.errstate(under="raise"):
        ...     tiny(np.float64(-1000.0))
        np.float64(0.0)
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with np.errstate(under="ignore"):
            return function(*args, **kwargs)

    return wrapper
