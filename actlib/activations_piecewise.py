"""Piecewise activations: clipped, hard and sparse versions of the smooth ones, thresholds and shrinkage.

Each is a few linear (Sparse Plus: quadratic) pieces, so each costs a comparison or
two and no ``exp``. The input rules are :mod:`actlib.activations`' (the decorator
:func:`actlib._numerics.float_in_float_out`); every function here is finite, with no
warnings, for every finite input, and maps NaN to NaN. Their derivatives, and what
they return at the kinks, are in :mod:`actlib.derivatives_piecewise`.

* :func:`relu6`, :func:`hardtanh`, :func:`hardsigmoid`, :func:`hardswish`,
  :func:`sparse_sigmoid`, :func:`sparse_plus`: cheap stand-ins for ReLU capped at 6,
  tanh, the sigmoid, Swish and softplus;
* :func:`threshold`: x above a threshold, a constant below;
* :func:`softshrink`, :func:`hardshrink`: shrinkage, which sets small inputs to 0;
* :func:`rrelu`: the randomised Leaky ReLU, deterministic at evaluation.
"""

from __future__ import annotations

import numpy as np

from ._numerics import boolean, float_in_float_out, keep_nan, non_negative, ordered, random_generator, real

__all__ = ["hardshrink", "hardsigmoid", "hardswish", "hardtanh", "relu6", "rrelu", "softshrink",
           "sparse_plus", "sparse_sigmoid", "threshold"]


@float_in_float_out()
def relu6(x):
    r"""ReLU capped at 6 (Krizhevsky 2010; MobileNets), :math:`\min(\max(0, x), 6)`.

    .. math:: \operatorname{ReLU6}(x) = \min(\max(0, x), 6)

    Examples
    --------
    >>> relu6([-1.0, 3.0, 1e4])
    array([0., 3., 6.])
    """
    return np.clip(x, 0, 6)


@float_in_float_out(min_val=real, max_val=real)
def hardtanh(x, min_val: float = -1.0, max_val: float = 1.0):
    r"""Hard tanh: the identity clipped to ``[min_val, max_val]``; with the defaults, a piecewise-linear tanh.

    .. math:: \operatorname{HardTanh}(x) = \min(\max(x, m), M), \quad m = -1, M = 1 \text{ by default}

    ``min_val`` must not exceed ``max_val`` (equal gives a constant). ``hardtanh(x, 0, 6)``
    is :func:`relu6`.

    Examples
    --------
    >>> hardtanh([-3.0, 0.5, 3.0])
    array([-1. ,  0.5,  1. ])
    >>> hardtanh(2.0, min_val=3.0, max_val=1.0)
    Traceback (most recent call last):
    ...
    ValueError: min_val must be <= max_val; got min_val=3.0, max_val=1.0
    """
    ordered(min_val, max_val, "min_val", "max_val")
    return np.clip(x, min_val, max_val)


@float_in_float_out()
def hardsigmoid(x):
    r"""Hard sigmoid, a piecewise-linear sigmoid: 0 below -3, 1 above 3, a line between.

    .. math:: \operatorname{HardSigmoid}(x) = \frac{\operatorname{ReLU6}(x + 3)}{6}
              = \min\bigl(\max\bigl(\tfrac{x}{6} + \tfrac12, 0\bigr), 1\bigr)

    PyTorch's ``nn.Hardsigmoid`` and Keras 3's ``hard_sigmoid``; tf.keras 2's was
    :math:`\min(\max(0.2x + 0.5, 0), 1)`, which reaches 0 and 1 at :math:`\pm 2.5`.

    Examples
    --------
    >>> hardsigmoid([-4.0, 0.0, 1.5, 4.0])
    array([0.  , 0.5 , 0.75, 1.  ])
    """
    return np.clip(x + 3, 0, 6) / 6


@float_in_float_out()
def hardswish(x):
    r"""Hard Swish (MobileNetV3), Swish with the sigmoid replaced by the hard sigmoid.

    .. math:: \operatorname{HardSwish}(x) = x\,\frac{\operatorname{ReLU6}(x + 3)}{6}

    0 below -3, x above 3, :math:`x(x + 3)/6` between: its minimum is -0.375, at x = -1.5.

    Examples
    --------
    >>> hardswish([-4.0, -1.5, 1.0, 4.0])
    array([-0.        , -0.375     ,  0.66666667,  4.        ])
    """
    return x * (np.clip(x + 3, 0, 6) / 6)  # x * (r / 6): r * x could overflow for huge x


@float_in_float_out(threshold=real, value=real)
def threshold(x, threshold: float = 0.0, value: float = 0.0):
    r"""x above ``threshold``, ``value`` at or below it.

    .. math:: \operatorname{Threshold}(x) = x \text{ if } x > \theta \text{ else } v

    PyTorch's ``nn.Threshold(threshold, value)`` and Keras's ``threshold(x, threshold,
    default_value)`` have no defaults; actlib's, :math:`\theta = v = 0`, make it ReLU.
    Unless ``value == threshold`` it jumps at :math:`\theta`.

    Examples
    --------
    >>> threshold([-1.0, 0.0, 2.0])
    array([0., 0., 2.])
    >>> threshold([0.05, 0.2], threshold=0.1, value=20.0)
    array([20. ,  0.2])
    """
    return keep_nan(x, np.where(x > threshold, x, value))


@float_in_float_out(lambd=non_negative)
def softshrink(x, lambd: float = 0.5):
    r"""Soft shrinkage (soft thresholding): move x towards 0 by :math:`\lambda`, and stop at 0.

    .. math:: \operatorname{SoftShrink}(x) = x - \operatorname{clip}(x, -\lambda, \lambda)
              = \operatorname{sign}(x)\,\max(|x| - \lambda, 0)

    The proximal operator of :math:`\lambda |x|` (lasso, ISTA). ``lambd`` must be >= 0.

    Examples
    --------
    >>> softshrink([-2.0, 0.3, 1.0])
    array([-1.5,  0. ,  0.5])
    """
    return x - np.clip(x, -lambd, lambd)


@float_in_float_out(lambd=non_negative)
def hardshrink(x, lambd: float = 0.5):
    r"""Hard shrinkage (hard thresholding): keep x where :math:`|x| > \lambda`, else 0.

    .. math:: \operatorname{HardShrink}(x) = x \text{ if } |x| > \lambda \text{ else } 0

    It jumps at :math:`\pm\lambda`. ``lambd`` must be >= 0.

    Examples
    --------
    >>> hardshrink([-2.0, 0.3, 0.5, 1.0])
    array([-2.,  0.,  0.,  1.])
    """
    return keep_nan(x, np.where(np.abs(x) > lambd, x, 0))


@float_in_float_out()
def sparse_plus(x):
    r"""Sparse Plus, a softplus that is exactly 0 below -1 and exactly x above 1: the sparse sigmoid's integral.

    .. math:: \operatorname{SparsePlus}(x) = \begin{cases} 0 & x \le -1 \\
              \tfrac14 (x + 1)^2 & -1 < x < 1 \\ x & x \ge 1 \end{cases}

    Once differentiable: its derivative is :func:`sparse_sigmoid`.

    Examples
    --------
    >>> sparse_plus([-2.0, 0.0, 0.5, 2.0])
    array([0.    , 0.25  , 0.5625, 2.    ])
    """
    c = np.clip(x, -1, 1)  # so that (c + 1)**2 cannot overflow where it is not used
    return np.where(x >= 1, x, (c + 1) ** 2 / 4)


@float_in_float_out()
def sparse_sigmoid(x):
    r"""Sparse sigmoid (Blondel et al., 2019): 0 below -1, 1 above 1, a line between.

    .. math:: \operatorname{SparseSigmoid}(x) = \tfrac12 \bigl(\operatorname{clip}(x, -1, 1) + 1\bigr)

    The derivative of :func:`sparse_plus`, as the sigmoid is softplus'.

    Examples
    --------
    >>> sparse_sigmoid([-2.0, 0.0, 0.5, 2.0])
    array([0.  , 0.5 , 0.75, 1.  ])
    """
    return (np.clip(x, -1, 1) + 1) / 2


def rrelu_slopes(x: np.ndarray, lower: float, upper: float, training: bool, rng) -> float | np.ndarray:
    """RReLU's negative slope: ``(lower + upper) / 2``, or in training one draw from U(lower, upper) per element.

    Shared by :func:`rrelu` and its derivative, so that the same generator state gives
    the same slopes. ``x`` is a float array in its working dtype.
    """
    ordered(lower, upper, "lower", "upper")
    if not training:
        return (lower + upper) / 2
    if rng is None:
        raise TypeError("rrelu with training=True draws random slopes: pass rng, a numpy.random.Generator "
                        "such as np.random.default_rng(0)")
    return rng.uniform(lower, upper, size=x.shape).astype(x.dtype)


@float_in_float_out(lower=non_negative, upper=non_negative, training=boolean, rng=random_generator)
def rrelu(x, lower: float = 1 / 8, upper: float = 1 / 3, *, training: bool = False, rng=None):
    r"""Randomised Leaky ReLU (Xu et al., 2015): a Leaky ReLU whose slope is random in training.

    .. math:: \operatorname{RReLU}(x) = \max(0, x) + a \min(0, x), \quad
              a = \frac{l + u}{2} \text{ (evaluation)}, \quad a \sim U(l, u) \text{ (training)}

    The function is the evaluation form, Leaky ReLU with slope :math:`(l + u)/2`
    (``nn.RReLU`` after ``.eval()``, ``F.rrelu(x, training=False)``). ``training=True``
    draws one slope per element from :math:`U(l, u)` with ``rng`` (a
    ``numpy.random.Generator``), as ``nn.RReLU`` does in training mode (with its own
    random numbers). Needs :math:`0 \le l \le u`.

    Examples
    --------
    >>> rrelu([-2.0, 3.0])  # slope (1/8 + 1/3) / 2 = 11/48
    array([-0.45833333,  3.        ])
    >>> rrelu([-2.0, -2.0], training=True, rng=np.random.default_rng(0))
    array([-0.5154007 , -0.36241113])
    >>> rrelu(1.0, lower=0.5, upper=0.1)
    Traceback (most recent call last):
    ...
    ValueError: lower must be <= upper; got lower=0.5, upper=0.1
    """
    return np.where(x > 0, x, rrelu_slopes(x, lower, upper, training, rng) * x)
