"""Reference NumPy implementations of the activation functions the book teaches.

One formula each, written to be read. Every function

* accepts any array-like of real numbers (see :mod:`actlib._validation`);
* keeps float16/32/64 dtypes and promotes ints and bools to float64;
* returns a NumPy scalar for a scalar input;
* is finite, with no overflow or invalid-value warnings, for every finite
  input whose true value is a finite number of its dtype; SELU (inputs above
  max/λ), Leaky ReLU and PReLU with a slope larger than 1 in size, and Maxout
  with large inputs, weights or biases can exceed the dtype's largest number
  and overflow to ``inf`` or ``-inf``;
* maps NaN to NaN at the same position (softmax and Maxout, which combine
  several inputs, map a NaN to NaN in every output it enters).

Those rules live in one place, the decorator
:func:`actlib._numerics.float_in_float_out`; the stable building blocks
(``logistic``, ``log1p_exp``, ``normal_cdf``) live beside it in
:mod:`actlib._numerics`, shared with :mod:`actlib.derivatives`, which holds
the elementwise functions' derivatives.

These are the chapters' activations. The rest of PyTorch's and Keras's follow
the same rules in modules of their own, by family: :mod:`actlib.activations_piecewise`,
:mod:`actlib.activations_smooth`, :mod:`actlib.activations_vector` and
:mod:`actlib.gated`.
"""

from __future__ import annotations

import numpy as np

from ._numerics import (
    GELU_CUBIC,
    SELU_ALPHA,
    SELU_SCALE,
    SQRT_2_OVER_PI,
    boolean,
    checked_axis,
    clipped_product,
    float_in_float_out,
    log1p_exp,
    logistic,
    non_negative,
    normal_cdf,
    real,
)
from ._validation import as_float_array

__all__ = ["SELU_ALPHA", "SELU_SCALE", "elu", "gelu", "identity", "leaky_relu", "maxout", "mish",
           "prelu", "relu", "selu", "sigmoid", "silu", "softmax", "softplus", "step", "swish", "tanh"]


@float_in_float_out()
def step(x):
    r"""Heaviside step, the perceptron's activation.

    .. math:: \operatorname{step}(x) = 1 \text{ if } x > 0 \text{ else } 0

    ``step(0) = 0``, as in the perceptron of article 004 (``x > 0``).

    Examples
    --------
    >>> step([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """
    return np.heaviside(x, 0.0)


@float_in_float_out()
def identity(x):
    r"""Identity (linear) activation, :math:`f(x) = x`; used at regression outputs.

    Returns a new array, never the input itself.

    Examples
    --------
    >>> identity(3)
    np.float64(3.0)
    """
    return x.copy()


@float_in_float_out()
def sigmoid(x):
    r"""Logistic sigmoid.

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}

    Computed as :math:`1/(1+e^{-|x|})` or :math:`e^{-|x|}/(1+e^{-|x|})` so that
    ``exp`` never overflows.

    Examples
    --------
    >>> sigmoid([-1000.0, 0.0, 2.0])
    array([0.        , 0.5       , 0.88079708])
    """
    return logistic(x)


@float_in_float_out()
def tanh(x):
    r"""Hyperbolic tangent.

    .. math:: \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1

    Article 001's formula overflows for :math:`|x| > 710`; ``np.tanh`` does not.

    Examples
    --------
    >>> tanh(np.float32(1000.0))
    np.float32(1.0)
    """
    return np.tanh(x)


@float_in_float_out()
def relu(x):
    r"""Rectified linear unit, :math:`\operatorname{ReLU}(x) = \max(0, x)`.

    Examples
    --------
    >>> relu([-2, 0, 3])
    array([0., 0., 3.])
    """
    return np.maximum(x, 0)


@float_in_float_out(alpha=non_negative)
def leaky_relu(x, alpha: float = 0.01):
    r"""Leaky ReLU with negative slope ``alpha`` (PyTorch's default 0.01).

    .. math:: \operatorname{LeakyReLU}(x) = \max(0, x) + \alpha \min(0, x)

    Library defaults differ: Keras ``layers.LeakyReLU`` uses 0.3,
    ``keras.activations.leaky_relu`` 0.2, DCGAN 0.2.

    Examples
    --------
    >>> leaky_relu([-10.0, 5.0])
    array([-0.1,  5. ])
    >>> leaky_relu(-10.0, alpha=0.2)
    np.float64(-2.0)
    """
    return np.where(x > 0, x, alpha * x)


@float_in_float_out(slope=real)
def prelu(x, slope: float = 0.25):
    r"""Parametric ReLU (He et al., 2015): a leaky ReLU whose negative slope :math:`a` is learned.

    .. math:: \operatorname{PReLU}(x) = \max(0, x) + a \min(0, x)

    ``slope`` is :math:`a`; 0.25 is the initial value He et al. use and PyTorch's
    ``nn.PReLU`` default. It may be any real number: training can make it
    negative or larger than 1. The derivative with respect to ``x`` is
    ``derivative("prelu", x, slope=a)`` (:func:`actlib.derivatives.d_prelu`);
    with respect to :math:`a` it is :math:`\min(0, x)`
    (:func:`actlib.derivatives.prelu_slope_derivative`).

    Examples
    --------
    >>> prelu([-2.0, 0.0, 3.0])
    array([-0.5,  0. ,  3. ])
    >>> prelu(-2.0, slope=-0.5)
    np.float64(1.0)
    """
    return np.where(x > 0, x, slope * x)


@float_in_float_out(alpha=non_negative)
def elu(x, alpha: float = 1.0):
    r"""Exponential linear unit.

    .. math:: \operatorname{ELU}(x) = \max(0, x) + \alpha\,(e^{\min(0, x)} - 1)

    Examples
    --------
    >>> elu([-1000.0, -1.0, 2.0])
    array([-1.        , -0.63212056,  2.        ])
    """
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


@float_in_float_out()
def selu(x):
    r"""Scaled ELU, :math:`\operatorname{SELU}(x) = \lambda\,\operatorname{ELU}(x; \alpha)`.

    With :math:`\lambda \approx 1.0507` and :math:`\alpha \approx 1.6733`
    (:data:`SELU_SCALE`, :data:`SELU_ALPHA`). Because :math:`\lambda > 1`, inputs
    above max/λ ≈ 0.952 × the dtype's largest number (within about 4.8 % of it)
    overflow to ``inf``, as they must.

    Examples
    --------
    >>> selu([-1000.0, 1.0])
    array([-1.75809934,  1.05070099])
    """
    return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0)))


@float_in_float_out(beta=non_negative)
def swish(x, beta: float = 1.0):
    r"""Swish, :math:`\operatorname{swish}(x) = x\,\sigma(\beta x)`; with ``beta=1`` it is SiLU.

    Examples
    --------
    >>> swish([-1.0, 1.0])
    array([-0.26894142,  0.73105858])
    >>> swish(1.0, beta=0.0)  # x / 2
    np.float64(0.5)
    """
    return x * logistic(clipped_product(beta, x))


def silu(x):
    r"""Sigmoid-weighted linear unit, :math:`\operatorname{SiLU}(x) = x\,\sigma(x)` (swish with β = 1).

    Examples
    --------
    >>> silu(1.0)
    np.float64(0.7310585786300049)
    """
    return swish(x, beta=1.0)


@float_in_float_out()
def softplus(x):
    r"""Softplus, a smooth ReLU.

    .. math:: \operatorname{softplus}(x) = \log(1 + e^{x}) = \max(x, 0) + \log(1 + e^{-|x|})

    Examples
    --------
    >>> softplus([-1000.0, 0.0, 1000.0])
    array([0.00000000e+00, 6.93147181e-01, 1.00000000e+03])
    """
    return log1p_exp(x)


@float_in_float_out(approximate=boolean)
def gelu(x, approximate: bool = False):
    r"""Gaussian error linear unit.

    Exact form (default), with :math:`\Phi` the standard normal CDF:

    .. math:: \operatorname{GELU}(x) = x\,\Phi(x) = \tfrac{x}{2}\bigl(1 + \operatorname{erf}(x/\sqrt{2})\bigr)

    ``approximate=True`` gives the tanh form, the one in the released code of GPT and
    GPT-2 (and of BERT since February 2019; BERT was released with the exact form):

    .. math:: \tfrac{x}{2}\bigl(1 + \tanh\bigl(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\bigr)\bigr)

    Examples
    --------
    >>> gelu([-1.0, 0.0, 1.0])
    array([-0.15865525,  0.        ,  0.84134475])
    >>> gelu(1.0, approximate=True)
    np.float64(0.8411919906082768)
    """
    if approximate:
        # tanh saturates to exactly +-1 beyond |x| = 10, so clipping there changes
        # nothing and keeps x**3 from overflowing. c * c * c, not c**3: NumPy's
        # float32 power is about 70 times slower than two multiplications.
        c = np.clip(x, -10, 10)
        return 0.5 * x * (1 + np.tanh(SQRT_2_OVER_PI * (c + GELU_CUBIC * (c * c * c))))
    return x * normal_cdf(x)


@float_in_float_out()
def mish(x):
    r"""Mish, :math:`\operatorname{mish}(x) = x \tanh(\operatorname{softplus}(x))`.

    Examples
    --------
    >>> mish([-1.0, 1.0])
    array([-0.30340146,  0.86509839])
    """
    return x * np.tanh(log1p_exp(x))


@float_in_float_out()
def softmax(x, axis: int = -1):
    r"""Softmax along ``axis``: a probability distribution over that axis.

    .. math:: \operatorname{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}}, \quad m = \max_j x_j

    Subtracting the maximum changes nothing mathematically (the factor
    :math:`e^{-m}` cancels) but keeps every ``exp`` at most 1, so it cannot
    overflow.

    Examples
    --------
    >>> softmax([1000.0, 1000.0, 0.0])
    array([0.5, 0.5, 0. ])
    >>> softmax([[1.0, 1.0], [0.0, 2.0]], axis=0)
    array([[0.73105858, 0.26894142],
           [0.26894142, 0.73105858]])
    """
    axis = checked_axis(x, axis, "softmax")
    with np.errstate(over="ignore"):  # x - max can round to -inf, whose exp is the right 0
        e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


@float_in_float_out()
def maxout(x, weights, biases):
    r"""Maxout unit (Goodfellow et al., 2013): the maximum over k learned affine pieces.

    .. math:: z_j = \max_{i = 1..k} \bigl( \mathbf{x}^\top W_{i,:,j} + b_{i,j} \bigr)

    ``x`` has shape ``(..., d)``, ``weights`` ``(k, d, m)`` and ``biases``
    ``(k, m)``; the result has shape ``(..., m)``: m units of k pieces each, on
    d inputs. ``weights[i]`` is piece i's weights in Keras's kernel layout
    (:math:`W_i^\top`, inputs by units), so unit j's piece-i weight vector
    :math:`\mathbf{w}_i` is ``weights[i, :, j]``. Article 001's formula
    describes Maxout as "the maximum of the inputs" (its later summary has it
    right); that is not it. A Maxout unit takes the
    maximum of k *affine functions* of the input, so with enough pieces it can
    approximate any convex function, ReLU (k=2, one piece fixed at 0) and
    :math:`|x|` included.

    Examples
    --------
    >>> t = [[-2.0], [3.0]]
    >>> maxout(t, weights=[[[1.0]], [[-1.0]]], biases=[[0.0], [0.0]])  # max(x, -x) = |x|
    array([[2.],
           [3.]])
    """
    w, b = _maxout_parameters(x, weights, biases)
    pieces = np.einsum("...d,kdm->...km", x, w) + b
    return np.max(pieces, axis=-2)


def _maxout_parameters(x: np.ndarray, weights, biases) -> tuple[np.ndarray, np.ndarray]:
    """``weights`` and ``biases`` as arrays of ``x``'s dtype, after checking the three shapes agree."""
    w, _ = as_float_array(weights, "weights")
    b, _ = as_float_array(biases, "biases")
    if x.ndim == 0:
        raise ValueError("maxout needs x of shape (..., d); got a scalar")
    if w.ndim != 3:
        raise ValueError(f"weights must have shape (k, d, m); got shape {w.shape}")
    k, d, m = w.shape
    if x.shape[-1] != d:
        raise ValueError(f"x has {x.shape[-1]} features in its last axis but weights expect d={d} "
                         f"(weights shape {w.shape})")
    if b.shape != (k, m):
        raise ValueError(f"biases must have shape (k, m) = {(k, m)}; got {b.shape}")
    return w.astype(x.dtype), b.astype(x.dtype)
