"""First derivatives of the piecewise activations of :mod:`actlib.activations_piecewise`.

Each is constant (Hard Swish and Sparse Plus: linear) on each piece. At a kink, where
the function has no derivative, each returns what PyTorch's autograd returns (for the
Keras-only Sparse Sigmoid, what TensorFlow's returns); the registry lists the kinks
and these values (``actlib.get(name).kinks``):

* ReLU6, Hardtanh, Hardsigmoid, Sparse Sigmoid: 0 at both ends of the sloped piece
  (the gradient passes only strictly inside it);
* Hard Swish: 0 at -3 and 1 at 3, the outer pieces' slopes;
* Threshold, Softshrink, Hardshrink: 0 at the threshold(s); Threshold and Hardshrink
  jump there, and have no one-sided derivative at all;
* RReLU: the slope a at 0, the left derivative, as Leaky ReLU's.

Sparse Plus is differentiable everywhere: its derivative is the sparse sigmoid.
"""

from __future__ import annotations

import numpy as np

from ._numerics import boolean, float_in_float_out, keep_nan, non_negative, ordered, random_generator, real
from .activations_piecewise import rrelu_slopes, sparse_sigmoid

__all__ = ["d_hardshrink", "d_hardsigmoid", "d_hardswish", "d_hardtanh", "d_relu6", "d_rrelu", "d_softshrink",
           "d_sparse_plus", "d_sparse_sigmoid", "d_threshold"]


def _inside(x: np.ndarray, low: float, high: float, slope: float = 1.0) -> np.ndarray:
    """``slope`` strictly inside ``(low, high)``, 0 outside and at the ends, NaN at NaN."""
    return keep_nan(x, np.where((x > low) & (x < high), slope, 0).astype(x.dtype))


@float_in_float_out()
def d_relu6(x):
    r""":math:`1` for :math:`0 < x < 6`, else 0 (0 at both kinks, as PyTorch and TensorFlow).

    Examples
    --------
    >>> d_relu6([-1.0, 0.0, 3.0, 6.0, 7.0])
    array([0., 0., 1., 0., 0.])
    """
    return _inside(x, 0, 6)


@float_in_float_out(min_val=real, max_val=real)
def d_hardtanh(x, min_val: float = -1.0, max_val: float = 1.0):
    r""":math:`1` for :math:`m < x < M`, else 0 (0 at both kinks, as PyTorch; TensorFlow's gives 1 there).

    Examples
    --------
    >>> d_hardtanh([-1.0, 0.0, 1.0])
    array([0., 1., 0.])
    """
    ordered(min_val, max_val, "min_val", "max_val")
    return _inside(x, min_val, max_val)


@float_in_float_out()
def d_hardsigmoid(x):
    r""":math:`1/6` for :math:`-3 < x < 3`, else 0 (0 at both kinks).

    Examples
    --------
    >>> d_hardsigmoid([-3.0, 0.0, 3.0])
    array([0.        , 0.16666667, 0.        ])
    """
    return _inside(x, -3, 3, 1 / 6)


@float_in_float_out()
def d_hardswish(x):
    r""":math:`0` for :math:`x \le -3`, :math:`(2x + 3)/6` for :math:`-3 < x < 3`, :math:`1` for :math:`x \ge 3`.

    At the kinks, the outer pieces' slopes (0 at -3, 1 at 3), as PyTorch and TensorFlow.

    Examples
    --------
    >>> d_hardswish([-3.0, -1.5, 0.0, 3.0])
    array([0. , 0. , 0.5, 1. ])
    """
    middle = (2 * np.clip(x, -3, 3) + 3) / 6  # clipped: 2x cannot overflow
    return keep_nan(x, np.where(x >= 3, 1, np.where(x > -3, middle, 0)))


@float_in_float_out(threshold=real, value=real)
def d_threshold(x, threshold: float = 0.0, value: float = 0.0):
    r""":math:`1` for :math:`x > \theta`, else 0.

    0 at :math:`\theta` too, where the function jumps unless :math:`v = \theta`.

    Examples
    --------
    >>> d_threshold([-1.0, 0.0, 1.0])
    array([0., 0., 1.])
    """
    return keep_nan(x, (x > threshold).astype(x.dtype))


@float_in_float_out(lambd=non_negative)
def d_softshrink(x, lambd: float = 0.5):
    r""":math:`1` for :math:`|x| > \lambda`, else 0 (0 at :math:`\pm\lambda`).

    Examples
    --------
    >>> d_softshrink([-1.0, -0.5, 0.0, 0.5, 1.0])
    array([1., 0., 0., 0., 1.])
    """
    return keep_nan(x, (np.abs(x) > lambd).astype(x.dtype))


def d_hardshrink(x, lambd: float = 0.5):
    r""":math:`1` for :math:`|x| > \lambda`, else 0, as Softshrink's; at :math:`\pm\lambda`, where it jumps, 0.

    Examples
    --------
    >>> d_hardshrink([-1.0, 0.5, 0.7])
    array([1., 0., 1.])
    """
    return d_softshrink(x, lambd)


def d_sparse_plus(x):
    r"""The sparse sigmoid, :math:`\tfrac12(\operatorname{clip}(x, -1, 1) + 1)`.

    Sparse Plus is differentiable everywhere.

    Examples
    --------
    >>> d_sparse_plus([-2.0, 0.0, 2.0])
    array([0. , 0.5, 1. ])
    """
    return sparse_sigmoid(x)


@float_in_float_out()
def d_sparse_sigmoid(x):
    r""":math:`1/2` for :math:`-1 < x < 1`, else 0 (0 at both kinks, as TensorFlow).

    Examples
    --------
    >>> d_sparse_sigmoid([-1.0, 0.0, 1.0])
    array([0. , 0.5, 0. ])
    """
    return _inside(x, -1, 1, 1 / 2)


@float_in_float_out(lower=non_negative, upper=non_negative, training=boolean, rng=random_generator)
def d_rrelu(x, lower: float = 1 / 8, upper: float = 1 / 3, *, training: bool = False, rng=None):
    r""":math:`1` for :math:`x > 0`, else the slope :math:`a` (``a`` at the kink, as Leaky ReLU's).

    With ``training=True``, ``rng`` must be in the state it was in when :func:`rrelu` drew
    its slopes, to give their derivative.

    Examples
    --------
    >>> d_rrelu([-1.0, 0.0, 1.0])
    array([0.22916667, 0.22916667, 1.        ])
    """
    return keep_nan(x, np.where(x > 0, 1, rrelu_slopes(x, lower, upper, training, rng)).astype(x.dtype))
