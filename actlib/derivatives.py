"""First derivatives of the elementwise activation functions.

``derivative("relu", x)`` looks the function up by name; the per-function
``d_*`` functions below hold the formulas. They follow the same input rules as
the activations (the decorator :func:`actlib._numerics.float_in_float_out`) and
share their stable building blocks through :mod:`actlib._numerics`.

Convention at kinks: where a function is not differentiable, every actlib
derivative returns what PyTorch's autograd returns (the registry lists each
kink and that value: ``actlib.get(name).kinks``). For the functions here
(``relu``, ``leaky_relu``, ``prelu`` and ``selu`` at 0, ``elu`` at 0 when
``alpha != 1``) that is the *left* derivative; TensorFlow agrees except for
SELU (it uses the right slope lambda) and Keras's ``PReLU`` layer (0):
``relu'(0) = 0``, ``leaky_relu'(0) = alpha``, ``prelu'(0) = a``,
``elu'(0) = alpha``, ``selu'(0) = lambda * alpha``. For the clipped functions
of :mod:`actlib.derivatives_piecewise` it is not always the left one (ReLU6's
slope at 6 is 0): see there.

``step'(x) = 0`` everywhere, by convention: at 0 the step jumps and has no
derivative (PyTorch's ``torch.heaviside`` has no backward, TensorFlow returns
no gradient); since it is 0 wherever it exists, gradient descent gets no
signal through a step.
"""

from __future__ import annotations

import numpy as np

from ._numerics import (
    GELU_CUBIC,
    INV_SQRT_2PI,
    SELU_ALPHA,
    SELU_SCALE,
    SQRT_2_OVER_PI,
    boolean,
    clipped_product,
    float_in_float_out,
    keep_nan,
    log1p_exp,
    logistic,
    non_negative,
    normal_cdf,
    real,
    sech2,
)

__all__ = ["d_elu", "d_gelu", "d_identity", "d_leaky_relu", "d_mish", "d_prelu", "d_relu", "d_selu",
           "d_sigmoid", "d_silu", "d_softplus", "d_step", "d_swish", "d_tanh", "prelu_slope_derivative"]


@float_in_float_out()
def d_step(x):
    r""":math:`\operatorname{step}'(x) = 0` (undefined at 0; 0 by convention).

    Examples
    --------
    >>> d_step([-1.0, 0.0, 1.0])
    array([0., 0., 0.])
    """
    return keep_nan(x, np.zeros_like(x))


@float_in_float_out()
def d_identity(x):
    r""":math:`f'(x) = 1`.

    Examples
    --------
    >>> d_identity(5)
    np.float64(1.0)
    """
    return keep_nan(x, np.ones_like(x))


@float_in_float_out()
def d_sigmoid(x):
    r""":math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x)) = \sigma(x)\,\sigma(-x)`, at most 1/4 (at x = 0).

    Written with :math:`\sigma(-x)` rather than :math:`1 - \sigma(x)`, which cancels for large x.

    Examples
    --------
    >>> d_sigmoid([0.0, 40.0])
    array([2.50000000e-01, 4.24835426e-18])
    """
    return logistic(x) * logistic(-x)


@float_in_float_out()
def d_tanh(x):
    r""":math:`\tanh'(x) = 1 - \tanh^2(x)`, at most 1 (at x = 0).

    Examples
    --------
    >>> d_tanh([0.0, 20.0])
    array([1.0000000e+00, 1.6993417e-17])
    """
    return sech2(x)


@float_in_float_out()
def d_relu(x):
    r""":math:`\operatorname{ReLU}'(x) = 1` for x > 0, else 0 (0 at the kink).

    Examples
    --------
    >>> d_relu([-1.0, 0.0, 1.0])
    array([0., 0., 1.])
    """
    return keep_nan(x, (x > 0).astype(x.dtype))


@float_in_float_out(alpha=non_negative)
def d_leaky_relu(x, alpha: float = 0.01):
    r""":math:`1` for x > 0, else :math:`\alpha` (``alpha`` at the kink).

    Article 000 says this derivative is "always 1"; it is 1 only for x > 0.

    Examples
    --------
    >>> d_leaky_relu([-1.0, 0.0, 1.0], alpha=0.2)
    array([0.2, 0.2, 1. ])
    """
    return keep_nan(x, np.where(x > 0, 1.0, alpha).astype(x.dtype))


@float_in_float_out(slope=real)
def d_prelu(x, slope: float = 0.25):
    r"""PReLU's derivative with respect to x: :math:`1` for x > 0, else :math:`a` (``slope`` at the kink).

    Examples
    --------
    >>> d_prelu([-1.0, 0.0, 1.0])
    array([0.25, 0.25, 1.  ])
    """
    return keep_nan(x, np.where(x > 0, 1.0, slope).astype(x.dtype))


@float_in_float_out()
def prelu_slope_derivative(x):
    r"""PReLU's derivative with respect to its slope :math:`a`: :math:`\partial f / \partial a = \min(0, x)`.

    It does not depend on :math:`a`. A layer with one shared slope gets the sum of
    this over its inputs, weighted by the incoming gradient (as ``nn.PReLU``'s
    ``weight.grad``). Also ``actlib.get("prelu").parameter_derivatives["slope"]``.

    Examples
    --------
    >>> prelu_slope_derivative([-2.0, 0.0, 3.0])
    array([-2.,  0.,  0.])
    """
    return np.minimum(x, 0)


@float_in_float_out(alpha=non_negative)
def d_elu(x, alpha: float = 1.0):
    r""":math:`1` for x > 0, else :math:`\alpha e^{x}` (``alpha`` at the kink).

    Examples
    --------
    >>> d_elu([-1.0, 0.0, 1.0], alpha=0.5)
    array([0.18393972, 0.5       , 1.        ])
    """
    return keep_nan(x, np.where(x > 0, 1, alpha * np.exp(np.minimum(x, 0))))


@float_in_float_out()
def d_selu(x):
    r""":math:`\lambda` for x > 0, else :math:`\lambda \alpha e^{x}`.

    Examples
    --------
    >>> d_selu([-1.0, 1.0])
    array([0.6467686 , 1.05070099])
    """
    return keep_nan(x, SELU_SCALE * np.where(x > 0, 1, SELU_ALPHA * np.exp(np.minimum(x, 0))))


@float_in_float_out(beta=non_negative)
def d_swish(x, beta: float = 1.0):
    r""":math:`\sigma(\beta x) + \beta x\,\sigma(\beta x)\,(1 - \sigma(\beta x))`.

    Examples
    --------
    >>> d_swish([0.0, 1.0])
    array([0.5       , 0.92767051])
    """
    z = clipped_product(beta, x)
    s, s_minus = logistic(z), logistic(-z)
    return s + z * s * s_minus


def d_silu(x):
    r"""SiLU's derivative, :math:`\sigma(x)\,(1 + x\,(1 - \sigma(x)))`.

    Examples
    --------
    >>> d_silu(0.0)
    np.float64(0.5)
    """
    return d_swish(x, beta=1.0)


@float_in_float_out()
def d_softplus(x):
    r""":math:`\operatorname{softplus}'(x) = \sigma(x)`.

    Examples
    --------
    >>> d_softplus([0.0, 1000.0])
    array([0.5, 1. ])
    """
    return logistic(x)


@float_in_float_out(approximate=boolean)
def d_gelu(x, approximate: bool = False):
    r"""Exact: :math:`\Phi(x) + x\,\varphi(x)`; tanh form: its derivative term by term.

    With :math:`u = \sqrt{2/\pi}\,(x + 0.044715\,x^3)`, the tanh form's derivative is
    :math:`\tfrac12 (1 + \tanh u) + \tfrac12 x\,(1 - \tanh^2 u)\,\sqrt{2/\pi}\,(1 + 3 \cdot 0.044715\,x^2)`.

    Examples
    --------
    >>> d_gelu([0.0, 1.0])
    array([0.5       , 1.08331547])
    >>> d_gelu(1.0, approximate=True)
    np.float64(1.0829640838457826)
    """
    # Beyond |x| = 10 the tanh form's second term is below 3e-36 in magnitude (and for
    # x > 10 it is added to exactly 1); beyond |x| = 40 the exact form's underflows to 0.
    # So computing it on the clipped input changes the result by less than 3e-36 and
    # cannot overflow.
    # (c * c * c, not c**3: NumPy's float32 power is about 70 times slower.)
    if approximate:
        c = np.clip(x, -10, 10)
        u = SQRT_2_OVER_PI * (c + GELU_CUBIC * (c * c * c))
        return 0.5 * (1 + np.tanh(u)) + 0.5 * c * sech2(u) * SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * c**2)
    x = x.astype(np.float64, copy=False)  # the sum rounds once, to the input's dtype
    c = np.clip(x, -40, 40)
    return normal_cdf(x) + c * INV_SQRT_2PI * np.exp(-0.5 * c * c)


@float_in_float_out()
def d_mish(x):
    r""":math:`\tanh(\operatorname{sp}(x)) + x\,\sigma(x)\,(1 - \tanh^2(\operatorname{sp}(x)))`, sp = softplus.

    Examples
    --------
    >>> d_mish([0.0, 1.0])
    array([0.6       , 1.04903622])
    """
    sp = log1p_exp(x)
    return np.tanh(sp) + x * logistic(x) * sech2(sp)
