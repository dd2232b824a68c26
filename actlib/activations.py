"""Reference NumPy implementations of the activation functions the book teaches.

One formula each, written to be read. Every function

* accepts any array-like of real numbers (see :mod:`actlib._validation`);
* keeps float16/32/64 dtypes and promotes ints and bools to float64;
* returns a NumPy scalar for a scalar input;
* is finite for every finite input, with no overflow or invalid-value
  warnings, and maps NaN to NaN at the same position.

The elementwise functions' derivatives live in :mod:`actlib.derivatives`.
"""

from __future__ import annotations

import numpy as np

from ._special import normal_cdf
from ._validation import as_float_array, ignore_underflow, real_parameter, restore, working_dtype

#: SELU's constants (Klambauer et al., 2017), chosen so that mean 0 and
#: variance 1 are a fixed point of a SELU layer with standard-normal weights.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

#: sqrt(2 / pi) and the cubic coefficient of GELU's tanh approximation.
_GELU_C = 0.7978845608028654
_GELU_A = 0.044715


def _prepare(x):
    """Float array in its working dtype, the original array, and whether it was a scalar."""
    arr, was_scalar = as_float_array(x)
    return arr.astype(working_dtype(arr), copy=False), arr, was_scalar


def _sigmoid_array(a: np.ndarray) -> np.ndarray:
    """Stable logistic function on a float array: never evaluates exp of a positive number."""
    # sigma(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with e = exp(-|x|) in (0, 1].
    # Written with in-place ufuncs: four passes over memory besides exp, no temporaries but one.
    shape = a.shape
    a = np.atleast_1d(a)  # ufuncs return scalars, not arrays, for 0-d input; out= needs an array
    e = np.abs(a)
    np.negative(e, out=e)
    np.exp(e, out=e)
    denominator = e + 1
    np.copyto(e, 1, where=a >= 0)
    np.divide(e, denominator, out=e)
    return e.reshape(shape)


def _scaled(a: np.ndarray, beta: float) -> np.ndarray:
    """beta * a without overflow: sigmoid is exactly 0 or 1 beyond |beta * a| = 800, so clip there."""
    if beta == 0:
        return np.zeros_like(a)
    bound = 800.0 / beta
    return beta * np.clip(a, -bound, bound)


def _softplus_array(a: np.ndarray) -> np.ndarray:
    """Stable log(1 + exp(a)) = max(a, 0) + log1p(exp(-|a|))."""
    return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))


@ignore_underflow
def step(x):
    r"""Heaviside step, the perceptron's activation.

    .. math:: \operatorname{step}(x) = 1 \text{ if } x > 0 \text{ else } 0

    ``step(0) = 0``, as in the perceptron of article 004 (``x > 0``).
    """
    a, like, scalar = _prepare(x)
    return restore(np.heaviside(a, 0.0), like, scalar)


@ignore_underflow
def identity(x):
    r"""Identity (linear) activation, :math:`f(x) = x`; used at regression outputs."""
    a, like, scalar = _prepare(x)
    return restore(a.copy(), like, scalar)


@ignore_underflow
def sigmoid(x):
    r"""Logistic sigmoid.

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}

    Computed as :math:`1/(1+e^{-|x|})` or :math:`e^{-|x|}/(1+e^{-|x|})` so that
    ``exp`` never overflows.
    """
    a, like, scalar = _prepare(x)
    return restore(_sigmoid_array(a), like, scalar)


@ignore_underflow
def tanh(x):
    r"""Hyperbolic tangent.

    .. math:: \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1

    Article 001's formula overflows for :math:`|x| > 710`; ``np.tanh`` does not.
    """
    a, like, scalar = _prepare(x)
    return restore(np.tanh(a), like, scalar)


@ignore_underflow
def relu(x):
    r"""Rectified linear unit, :math:`\operatorname{ReLU}(x) = \max(0, x)`."""
    a, like, scalar = _prepare(x)
    return restore(np.maximum(a, 0), like, scalar)


@ignore_underflow
def leaky_relu(x, alpha: float = 0.01):
    r"""Leaky ReLU with negative slope ``alpha`` (PyTorch's default 0.01).

    .. math:: \operatorname{LeakyReLU}(x) = \max(0, x) + \alpha \min(0, x)

    Library defaults differ: Keras ``layers.LeakyReLU`` uses 0.3,
    ``keras.activations.leaky_relu`` 0.2, DCGAN 0.2.
    """
    alpha = real_parameter(alpha, "alpha", minimum=0.0)
    a, like, scalar = _prepare(x)
    return restore(np.where(a > 0, a, alpha * a), like, scalar)


@ignore_underflow
def elu(x, alpha: float = 1.0):
    r"""Exponential linear unit.

    .. math:: \operatorname{ELU}(x) = \max(0, x) + \alpha\,(e^{\min(0, x)} - 1)
    """
    alpha = real_parameter(alpha, "alpha", minimum=0.0)
    a, like, scalar = _prepare(x)
    negative_part = alpha * np.expm1(np.minimum(a, 0))
    return restore(np.where(a > 0, a, negative_part), like, scalar)


@ignore_underflow
def selu(x):
    r"""Scaled ELU, :math:`\operatorname{SELU}(x) = \lambda\,\operatorname{ELU}(x; \alpha)`.

    With :math:`\lambda \approx 1.0507` and :math:`\alpha \approx 1.6733`
    (:data:`SELU_SCALE`, :data:`SELU_ALPHA`). Because :math:`\lambda > 1`, inputs
    within 5 % of the dtype's largest number overflow to ``inf``, as they must.
    """
    a, like, scalar = _prepare(x)
    negative_part = SELU_ALPHA * np.expm1(np.minimum(a, 0))
    return restore(SELU_SCALE * np.where(a > 0, a, negative_part), like, scalar)


@ignore_underflow
def swish(x, beta: float = 1.0):
    r"""Swish, :math:`\operatorname{swish}(x) = x\,\sigma(\beta x)`; with ``beta=1`` it is SiLU."""
    beta = real_parameter(beta, "beta", minimum=0.0)
    a, like, scalar = _prepare(x)
    return restore(a * _sigmoid_array(_scaled(a, beta)), like, scalar)


@ignore_underflow
def silu(x):
    r"""Sigmoid-weighted linear unit, :math:`\operatorname{SiLU}(x) = x\,\sigma(x)` (swish with β = 1)."""
    return swish(x, beta=1.0)


@ignore_underflow
def softplus(x):
    r"""Softplus, a smooth ReLU.

    .. math:: \operatorname{softplus}(x) = \log(1 + e^{x}) = \max(x, 0) + \log(1 + e^{-|x|})
    """
    a, like, scalar = _prepare(x)
    return restore(_softplus_array(a), like, scalar)


@ignore_underflow
def gelu(x, approximate: bool = False):
    r"""Gaussian error linear unit.

    Exact form (default), with :math:`\Phi` the standard normal CDF:

    .. math:: \operatorname{GELU}(x) = x\,\Phi(x) = \tfrac{x}{2}\bigl(1 + \operatorname{erf}(x/\sqrt{2})\bigr)

    ``approximate=True`` gives the tanh form used by BERT and GPT-2:

    .. math:: \tfrac{x}{2}\bigl(1 + \tanh\bigl(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\bigr)\bigr)
    """
    if not isinstance(approximate, (bool, np.bool_)):
        raise TypeError(f"approximate must be True or False; got {approximate!r:.40}")
    a, like, scalar = _prepare(x)
    if approximate:
        # tanh saturates to exactly +-1 beyond |x| = 10, so clipping there changes
        # nothing and keeps x**3 from overflowing.
        c = np.clip(a, -10, 10)
        out = 0.5 * a * (1 + np.tanh(_GELU_C * (c + _GELU_A * c**3)))
    else:
        out = a * normal_cdf(a).astype(a.dtype)
    return restore(out, like, scalar)


@ignore_underflow
def mish(x):
    r"""Mish, :math:`\operatorname{mish}(x) = x \tanh(\operatorname{softplus}(x))`."""
    a, like, scalar = _prepare(x)
    return restore(a * np.tanh(_softplus_array(a)), like, scalar)


@ignore_underflow
def softmax(x, axis: int = -1):
    r"""Softmax along ``axis``: a probability distribution over that axis.

    .. math:: \operatorname{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}}, \quad m = \max_j x_j

    Subtracting the maximum changes nothing mathematically (the factor
    :math:`e^{-m}` cancels) but keeps every ``exp`` at most 1, so it cannot
    overflow.
    """
    a, like, scalar = _prepare(x)
    if a.ndim == 0:
        raise ValueError("softmax needs an array with at least one axis; got a scalar")
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an int; got {type(axis).__name__} {axis!r:.40}")
    if not -a.ndim <= axis < a.ndim:
        raise ValueError(f"axis {axis} does not exist for an array with {a.ndim} dimension(s) "
                         f"(shape {a.shape}); use an axis in [{-a.ndim}, {a.ndim - 1}]")
    e = np.exp(a - np.max(a, axis=axis, keepdims=True))
    return restore(e / np.sum(e, axis=axis, keepdims=True), like, scalar)


@ignore_underflow
def maxout(x, weights, biases):
    r"""Maxout unit (Goodfellow et al., 2013): the maximum over k learned affine pieces.

    .. math:: h_j(x) = \max_{i = 1..k} \bigl( x^\top W_{i,:,j} + b_{i,j} \bigr)

    ``x`` has shape ``(..., d)``, ``weights`` ``(k, d, m)`` and ``biases``
    ``(k, m)``; the result has shape ``(..., m)``. Article 001 describes Maxout
    as "the maximum of the inputs"; that is not it. A Maxout unit takes the
    maximum of k *affine functions* of the input, so with enough pieces it can
    approximate any convex function, ReLU (k=2, one piece fixed at 0) and
    :math:`|x|` included.
    """
    a, like, scalar = _prepare(x)
    w, _ = as_float_array(weights, "weights")
    b, _ = as_float_array(biases, "biases")
    if a.ndim == 0:
        raise ValueError("maxout needs x of shape (..., d); got a scalar")
    if w.ndim != 3:
        raise ValueError(f"weights must have shape (k, d, m); got shape {w.shape}")
    k, d, m = w.shape
    if a.shape[-1] != d:
        raise ValueError(f"x has {a.shape[-1]} features in its last axis but weights expect d={d} "
                         f"(weights shape {w.shape})")
    if b.shape != (k, m):
        raise ValueError(f"biases must have shape (k, m) = {(k, m)}; got {b.shape}")
    pieces = np.einsum("...d,kdm->...km", a, w.astype(a.dtype)) + b.astype(a.dtype)
    return restore(np.max(pieces, axis=-2), like, False)
