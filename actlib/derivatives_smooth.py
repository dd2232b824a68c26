"""First derivatives of the smooth activations of :mod:`actlib.activations_smooth`.

All six are differentiable everywhere (CELU too: its slope is 1 on both sides of 0, for
every α), so there are no kink conventions here. Each is finite, with no warnings, for
every finite input; the exponential's derivative is itself, and overflows where it does.
"""

from __future__ import annotations

import numpy as np

from ._numerics import float_in_float_out, keep_nan, logistic, non_negative, positive
from .activations_smooth import celu_exponent, squareplus_parts

__all__ = ["d_celu", "d_exponential", "d_logsigmoid", "d_softsign", "d_squareplus", "d_tanhshrink"]


@float_in_float_out(alpha=positive)
def d_celu(x, alpha: float = 1.0):
    r""":math:`1` for :math:`x > 0`, else :math:`e^{x/\alpha}` (1 at 0 from both sides).

    Examples
    --------
    >>> d_celu([-1.0, 0.0, 1.0], alpha=0.5)
    array([0.13533528, 1.        , 1.        ])
    """
    return keep_nan(x, np.where(x > 0, 1, np.exp(celu_exponent(x, alpha))))


@float_in_float_out()
def d_logsigmoid(x):
    r""":math:`\frac{d}{dx} \log\sigma(x) = 1 - \sigma(x) = \sigma(-x)`.

    Examples
    --------
    >>> d_logsigmoid([-1000.0, 0.0, 1000.0])
    array([1. , 0.5, 0. ])
    """
    return logistic(-x)


@float_in_float_out()
def d_softsign(x):
    r""":math:`\frac{1}{(1 + |x|)^2}`, squared after the division so that it cannot overflow.

    Examples
    --------
    >>> d_softsign([-1.0, 0.0, 3.0])
    array([0.25  , 1.    , 0.0625])
    """
    r = 1 / (1 + np.abs(x))
    return r * r


@float_in_float_out()
def d_tanhshrink(x):
    r""":math:`1 - (1 - \tanh^2 x) = \tanh^2(x)`.

    Examples
    --------
    >>> d_tanhshrink([0.0, 1.0])
    array([0.        , 0.58002566])
    """
    t = np.tanh(x)
    return t * t


@float_in_float_out()
def d_exponential(x):
    r""":math:`\frac{d}{dx} e^x = e^x`.

    Examples
    --------
    >>> d_exponential([0.0, 1.0])
    array([1.        , 2.71828183])
    """
    return np.exp(x)


@float_in_float_out(b=non_negative)
def d_squareplus(x, b: float = 4.0):
    r""":math:`\tfrac12\bigl(1 + x / \sqrt{x^2 + b}\bigr) = \operatorname{squareplus}(x) / \sqrt{x^2 + b}`.

    The second form has no cancellation for :math:`x < 0`. With ``b = 0`` (ReLU) the
    derivative at 0 is taken as 0, as ReLU's.

    Examples
    --------
    >>> d_squareplus([-2.0, 0.0, 2.0])
    array([0.14644661, 0.5       , 0.85355339])
    """
    value, h = squareplus_parts(x, b)
    return keep_nan(x, np.divide(value, h, out=np.zeros_like(x), where=h > 0))
