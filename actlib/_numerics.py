"""Numerics shared by :mod:`actlib.activations` and :mod:`actlib.derivatives`.

Two kinds of things live here, so that the public functions can read as their formulas:

* :func:`float_in_float_out`, the decorator that gives every public function the
  input rules of :mod:`actlib._validation` (float dtype kept, float16 computed in
  float32, scalar in -> NumPy scalar out, clear errors) and checks its scalar
  parameters (:func:`real`, :func:`non_negative`, :func:`positive`, :func:`boolean`,
  :func:`random_generator`; :func:`ordered` for a pair), with underflow (an exact
  rounding to 0) allowed; and the helpers of the functions of a whole axis
  (:func:`checked_axis`, :func:`on_last_axis`, :func:`tangent` for a JVP's ``v``);
* the stable building blocks the formulas share: :func:`logistic`,
  :func:`log1p_exp`, :func:`sech2`, :func:`clipped_product` and :func:`normal_cdf`,
  and the constants of SELU and GELU.

Every building block takes and returns float arrays and never overflows for a
finite input.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from ._validation import as_float_array, describe, integer, real_parameter, restore, working_dtype

#: SELU's constants (Klambauer et al., 2017), chosen so that mean 0 and
#: variance 1 are a fixed point of a SELU layer with standard-normal weights.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

#: sqrt(2 / pi) and the cubic coefficient of GELU's tanh approximation.
SQRT_2_OVER_PI = 0.7978845608028654
GELU_CUBIC = 0.044715

#: 1 / sqrt(2 pi), the standard normal density at 0.
INV_SQRT_2PI = 0.3989422804014327


# --- parameter checks: (value, name) -> checked value -------------------------------

def real(value, name: str) -> float:
    """Any finite real number, as a float (PReLU's slope)."""
    return real_parameter(value, name)


def non_negative(value, name: str) -> float:
    """A finite real number >= 0, as a float (Leaky ReLU's and ELU's alpha, swish's beta)."""
    return real_parameter(value, name, minimum=0.0)


def positive(value, name: str) -> float:
    """A finite real number > 0, as a float (CELU's alpha, which divides x)."""
    return real_parameter(value, name, above=0.0)


def ordered(low: float, high: float, low_name: str, high_name: str) -> None:
    """Nothing if ``low <= high``, else a ``ValueError`` naming both (Hardtanh's bounds, RReLU's slopes).

    Examples
    --------
    >>> ordered(2.0, 1.0, "min_val", "max_val")
    Traceback (most recent call last):
    ...
    ValueError: min_val must be <= max_val; got min_val=2.0, max_val=1.0
    """
    if low > high:
        raise ValueError(f"{low_name} must be <= {high_name}; got {low_name}={low}, {high_name}={high}")


def random_generator(value, name: str):
    """``None`` or a ``numpy.random.Generator`` (RReLU's random slopes), nothing else.

    Examples
    --------
    >>> random_generator(0, "rng")
    Traceback (most recent call last):
    ...
    TypeError: rng must be a numpy.random.Generator such as np.random.default_rng(0), or None; got int 0
    """
    if value is not None and not isinstance(value, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator such as np.random.default_rng(0), "
                        f"or None; got {describe(value)}")
    return value


def boolean(value, name: str) -> bool:
    """``True`` or ``False`` (also NumPy's), nothing else (GELU's ``approximate``)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r:.40}")
    return bool(value)


def float_in_float_out(**checks):
    """Decorator: turn a formula on a float array into a public actlib function.

    The decorated ``formula(x, *args, **params)`` receives ``x`` as a float array
    in its working dtype and returns an array; the public function accepts any
    real array-like, checks each parameter named in ``checks`` with its check
    (e.g. ``alpha=non_negative``) before it looks at ``x``, casts the result back
    to the input's float dtype (ints and bools give float64), unwraps a scalar
    input's result to a NumPy scalar, and lets results underflow to 0 silently:
    that is the correctly rounded answer. Overflow and invalid-value warnings
    stay on; the formulas are written so that they never fire.

    Examples
    --------
    >>> @float_in_float_out(alpha=non_negative)
    ... def scaled_exp(x, alpha=1.0):
    ...     return alpha * np.exp(x)
    >>> scaled_exp(np.float32(-200.0))  # underflows to 0, silently; dtype kept
    np.float32(0.0)
    >>> scaled_exp([0, 1], alpha=2)
    array([2.        , 5.43656366])
    >>> scaled_exp(0.0, alpha=-1)
    Traceback (most recent call last):
    ...
    ValueError: alpha must be >= 0.0; got -1.0
    """

    def decorate(formula):
        signature = inspect.signature(formula)

        @functools.wraps(formula)
        def public(x, *args, **kwargs):
            if checks and (args or kwargs):
                bound = signature.bind(x, *args, **kwargs)
                for name, check in checks.items():
                    if name in bound.arguments:
                        bound.arguments[name] = check(bound.arguments[name], name)
                args, kwargs = bound.args[1:], bound.kwargs
            with np.errstate(under="ignore"):
                array, was_scalar = as_float_array(x)
                result = formula(array.astype(working_dtype(array), copy=False), *args, **kwargs)
                return restore(result, array, was_scalar)

        return public

    return decorate


def checked_axis(x: np.ndarray, axis, function: str) -> int:
    """``axis`` if it is an int naming an axis of ``x``, else a ``TypeError``/``ValueError`` that says why.

    Examples
    --------
    >>> checked_axis(np.zeros((2, 3)), -1, "softmax")
    -1
    >>> checked_axis(np.zeros((2, 3)), 2, "softmax")
    Traceback (most recent call last):
    ...
    ValueError: axis 2 does not exist for an array with 2 dimension(s) (shape (2, 3)); use an axis in [-2, 1]
    """
    if x.ndim == 0:
        raise ValueError(f"{function} needs an array with at least one axis; got a scalar")
    axis = integer(axis, "axis")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis} does not exist for an array with {x.ndim} dimension(s) "
                         f"(shape {x.shape}); use an axis in [{-x.ndim}, {x.ndim - 1}]")
    return axis


def tangent(v, x: np.ndarray, function: str) -> np.ndarray:
    """The tangent ``v`` of a Jacobian-vector product, as an array of ``x``'s shape and dtype.

    Examples
    --------
    >>> tangent([1, 0], np.zeros(2, np.float32), "softmin_jvp")
    array([1., 0.], dtype=float32)
    >>> tangent([1.0], np.zeros(2), "softmin_jvp")
    Traceback (most recent call last):
    ...
    ValueError: softmin_jvp: the tangent v must have the shape of x, (2,); got (1,)
    """
    t, _ = as_float_array(v, "v")
    if t.shape != x.shape:
        raise ValueError(f"{function}: the tangent v must have the shape of x, {x.shape}; got {t.shape}")
    return t.astype(x.dtype, copy=False)


def on_last_axis(x: np.ndarray, axis, function: str) -> tuple[np.ndarray, int]:
    """``x`` with ``axis`` (checked) moved to the end, and that axis, for :func:`from_last_axis`.

    Examples
    --------
    >>> on_last_axis(np.zeros((2, 3)), 0, "sparsemax")[0].shape
    (3, 2)
    """
    axis = checked_axis(x, axis, function)
    return np.moveaxis(x, axis, -1), axis


def from_last_axis(y: np.ndarray, axis: int) -> np.ndarray:
    """Undo :func:`on_last_axis`: move the last axis back to ``axis``."""
    return np.moveaxis(y, -1, axis)


def keep_nan(x: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values``, with NaN put back wherever ``x`` is NaN (comparisons turn NaN into False).

    Examples
    --------
    >>> keep_nan(np.array([1.0, np.nan]), np.array([0.0, 0.0]))
    array([ 0., nan])
    """
    return np.where(np.isnan(x), x, values)


# --- stable building blocks ---------------------------------------------------------

def logistic(x: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-x)), never evaluating exp of a positive number.

    sigma(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with
    e = exp(-|x|) in (0, 1]. Written with in-place ufuncs: four passes over
    memory besides exp, and one temporary.

    Examples
    --------
    >>> logistic(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    shape = x.shape
    x = np.atleast_1d(x)  # ufuncs return scalars, not arrays, for 0-d input; out= needs an array
    e = np.abs(x)
    np.negative(e, out=e)
    np.exp(e, out=e)
    denominator = e + 1
    np.copyto(e, 1, where=x >= 0)
    np.divide(e, denominator, out=e)
    return e.reshape(shape)


def log1p_exp(x: np.ndarray) -> np.ndarray:
    """log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)).

    Examples
    --------
    >>> log1p_exp(np.array([-800.0, 0.0, 800.0]))
    array([0.00000000e+00, 6.93147181e-01, 8.00000000e+02])
    """
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def sech2(u: np.ndarray) -> np.ndarray:
    """1 - tanh(u)**2, computed as 4 sigma(2u) sigma(-2u) so that it keeps its precision in the tails.

    Beyond |u| = 400 the true value is below 1e-347, i.e. 0 in float64, so clipping there is exact.

    Examples
    --------
    >>> sech2(np.array([0.0, 20.0]))
    array([1.0000000e+00, 1.6993417e-17])
    """
    u2 = 2 * np.clip(u, -400, 400)
    return 4 * logistic(u2) * logistic(-u2)


def clipped_product(beta: float, x: np.ndarray) -> np.ndarray:
    """beta * x without overflow, for use inside a sigmoid.

    The sigmoid is exactly 0 or 1 beyond |beta x| = 800, so x is clipped there first.

    Examples
    --------
    >>> clipped_product(2.0, np.array([1.0, 1e308]))
    array([  2., 800.])
    """
    if beta == 0:
        return np.zeros_like(x)
    bound = 800.0 / beta
    return beta * np.clip(x, -bound, bound)


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """The standard normal CDF, Phi(x), accurate in both tails, in ``x``'s float dtype.

    ``scipy.special.ndtr`` (Cephes' ``ndtr``: 1/2 erfc(-x / sqrt 2) in the tails,
    1/2 + 1/2 erf(x / sqrt 2) near 0), which computes in float64 and rounds once
    to float32 for a float32 input. ``ndtr`` flushes to 0 below x = -37.7, where
    Phi(x) is still a subnormal float64, so below x = -37.4 (Phi < 2e-306) we
    take ``exp(log_ndtr(x))`` instead, which underflows gradually: GELU's
    derivative, Phi(x) + x phi(x), needs that term there. SciPy is imported on
    first use, so that ``import actlib`` stays light.

    Examples
    --------
    >>> normal_cdf(np.array([-38.0, 0.0, 1.0]))
    array([2.88542835e-316, 5.00000000e-001, 8.41344746e-001])
    >>> normal_cdf(np.array([1.0], dtype=np.float32))
    array([0.8413448], dtype=float32)
    """
    from scipy.special import log_ndtr, ndtr

    cdf = np.asarray(ndtr(x))  # (a 0-d array for a 0-d input, so that it takes an assignment)
    far_left = np.asarray(x < -37.4)
    if far_left.any():
        cdf[far_left] = np.exp(log_ndtr(np.asarray(x)[far_left]))
    return cdf
