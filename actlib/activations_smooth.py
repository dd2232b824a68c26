"""Smooth activations beyond the book's chapters: CELU, log-sigmoid, softsign, tanhshrink, exponential, squareplus.

The input rules are :mod:`actlib.activations`' (the decorator
:func:`actlib._numerics.float_in_float_out`). Each is finite, with no warnings, for
every finite input, except :func:`exponential`, which overflows to ``inf`` exactly
where :math:`e^x` exceeds the dtype's largest number (x > 709.78 in float64, 88.72 in
float32, 11.09 in float16), as it must. Their derivatives are in
:mod:`actlib.derivatives_smooth`.
"""

from __future__ import annotations

import numpy as np

from ._numerics import float_in_float_out, keep_nan, log1p_exp, non_negative, positive

__all__ = ["celu", "exponential", "logsigmoid", "softsign", "squareplus", "tanhshrink"]


def squareplus_parts(x: np.ndarray, b: float) -> tuple[np.ndarray, np.ndarray]:
    """squareplus(x) and h = sqrt(x^2 + b), for :func:`squareplus` and its derivative, squareplus(x) / h."""
    h = np.hypot(x, np.sqrt(np.asarray(b, x.dtype)))
    a = np.abs(x)
    # squareplus(|x|): for large |x| halved before the sum, which could overflow; for small |x| after
    # it, so that a subnormal x is not halved to 0 (with b = 0, squareplus is ReLU, exactly).
    positive_side = np.where(a > 1, a / 2 + h / 2, (np.minimum(a, 1) + h) / 2)
    negative_side = np.divide(b / 4, positive_side, out=np.zeros_like(x), where=positive_side > 0)
    return keep_nan(x, np.where(x >= 0, positive_side, negative_side)), h


def celu_exponent(x: np.ndarray, alpha: float) -> np.ndarray:
    """min(x, 0) / alpha, in float64 (a tiny alpha would round to 0 in float32).

    For a tiny alpha it can overflow to -inf, whose exp is the right 0 (the true value
    is below the smallest float), so the overflow is not warned about.
    """
    with np.errstate(over="ignore"):
        return np.minimum(x, 0) / np.float64(alpha)


@float_in_float_out(alpha=positive)
def celu(x, alpha: float = 1.0):
    r"""Continuously differentiable ELU (Barron, 2017): ELU rescaled so that its slope at 0 is 1 for every α.

    .. math:: \operatorname{CELU}(x) = \max(0, x) + \min\bigl(0, \alpha\,(e^{x/\alpha} - 1)\bigr)

    With :math:`\alpha = 1` it is ELU; ``alpha`` must be > 0. Bounded below by :math:`-\alpha`.

    Examples
    --------
    >>> celu([-1000.0, -1.0, 2.0], alpha=0.5)
    array([-0.5       , -0.43233236,  2.        ])
    """
    return np.where(x > 0, x, alpha * np.expm1(celu_exponent(x, alpha)))


@float_in_float_out()
def logsigmoid(x):
    r"""The logarithm of the sigmoid, computed without forming the sigmoid.

    .. math:: \log \sigma(x) = -\log(1 + e^{-x}) = -\operatorname{softplus}(-x)

    ``np.log(sigmoid(x))`` gives ``-inf`` once the sigmoid rounds to 0 (x < -745 in
    float64, -104 in float32); this is x there.

    Examples
    --------
    >>> logsigmoid([-1000.0, 0.0, 1000.0])
    array([-1.00000000e+03, -6.93147181e-01, -0.00000000e+00])
    """
    return -log1p_exp(-x)


@float_in_float_out()
def softsign(x):
    r"""Softsign, a tanh-like squashing function with polynomial rather than exponential tails.

    .. math:: \operatorname{softsign}(x) = \frac{x}{1 + |x|}

    Examples
    --------
    >>> softsign([-3.0, 0.0, 1.0])
    array([-0.75,  0. ,  0.5 ])
    """
    return x / (1 + np.abs(x))


#: Taylor coefficients of x - tanh(x) = sum_k c_k x^(2k+3) (from tanh's, which involve Bernoulli numbers).
_X_MINUS_TANH_SERIES = (1 / 3, -2 / 15, 17 / 315, -62 / 2835, 1382 / 155925, -21844 / 6081075,
                        929569 / 638512875)


@float_in_float_out()
def tanhshrink(x):
    r"""Tanhshrink, the input minus its tanh.

    .. math:: \operatorname{Tanhshrink}(x) = x - \tanh(x)

    Near 0, :math:`x - \tanh x \approx x^3/3` is far smaller than x, and subtracting two
    nearly equal numbers loses its digits (PyTorch and Keras, which subtract, give 0 at
    :math:`x = 10^{-8}`); below :math:`|x| = 0.1` we sum the Taylor series
    :math:`x^3/3 - 2x^5/15 + 17x^7/315 - \dots` instead, to 7 terms.
    The relative error is then largest at the switch, about :math:`3\epsilon/x^2`: 3e-14 in float64.

    Examples
    --------
    >>> tanhshrink([-2.0, 1e-8, 2.0])
    array([-1.03597242e+00,  3.33333333e-25,  1.03597242e+00])
    """
    small = np.clip(x, -0.1, 0.1)  # the series is used only there; clipped, its powers cannot overflow
    x2 = small * small
    series = np.zeros_like(x)
    for coefficient in reversed(_X_MINUS_TANH_SERIES):  # Horner's rule in x^2
        series = series * x2 + coefficient
    return np.where(np.abs(x) < 0.1, series * x2 * small, x - np.tanh(x))


@float_in_float_out()
def exponential(x):
    r"""The exponential, :math:`e^x` (Keras's ``exponential``): a positive output, e.g. a Poisson rate.

    .. math:: \exp(x) = e^{x}

    It overflows to ``inf`` where :math:`e^x` exceeds the dtype's largest number, as it
    must, with NumPy's overflow warning.

    Examples
    --------
    >>> exponential([-1000.0, 0.0, 1.0])
    array([0.        , 1.        , 2.71828183])
    """
    return np.exp(x)


@float_in_float_out(b=non_negative)
def squareplus(x, b: float = 4.0):
    r"""Squareplus (Barron, 2021), a softplus-like function made of a square root: no ``exp`` or ``log``.

    .. math:: \operatorname{squareplus}(x) = \frac{x + \sqrt{x^2 + b}}{2}

    Computed as :math:`(|x| + h)/2` with :math:`h = \sqrt{x^2 + b}` (``np.hypot``, which
    cannot overflow) for :math:`x \ge 0`, and, since
    :math:`\operatorname{squareplus}(x)\,\operatorname{squareplus}(-x) = b/4`, as
    :math:`(b/4) / ((|x| + h)/2)` for :math:`x < 0`, where the formula would subtract
    nearly equal numbers. ``b`` must be >= 0; ``b = 0`` gives ReLU.

    Examples
    --------
    >>> squareplus([-2.0, 0.0, 2.0])
    array([0.41421356, 1.        , 2.41421356])
    >>> squareplus(np.float32(-1e20))  # x**2 + b would overflow float32; the true value is 1e-20
    np.float32(1e-20)
    """
    return squareplus_parts(x, b)[0]
