"""First derivatives of the elementwise activation functions.

``derivative("relu", x)`` looks the function up by name; the per-function
``d_*`` functions below hold the formulas.

Convention at kinks: where a function is not differentiable (``step``,
``relu`` and ``leaky_relu`` at 0, ``elu`` at 0 when ``alpha != 1``), we return
the *left* derivative, the value that PyTorch's and TensorFlow's autograd
use: ``relu'(0) = 0``, ``leaky_relu'(0) = alpha``, ``elu'(0) = alpha``,
``step'(x) = 0`` everywhere (its true derivative at 0 is a Dirac delta,
which is why a perceptron cannot be trained by gradient descent).
"""

from __future__ import annotations

import numpy as np

from . import activations as act
from ._special import normal_cdf
from ._validation import ignore_underflow, real_parameter, restore

_INV_SQRT_2PI = 0.3989422804014327


def _sech2(u):
    """1 - tanh(u)**2, computed as 4 sigma(2u) sigma(-2u) so it keeps its precision in the tails.

    Beyond |u| = 400 the true value is below 1e-347, i.e. 0 in float64, so clipping there is exact.
    """
    u2 = 2 * np.clip(u, -400, 400)
    return 4 * act._sigmoid_array(u2) * act._sigmoid_array(-u2)


def _nan_where_nan(a, values):
    """Put NaN back wherever the input was NaN (comparisons turn NaN into False)."""
    return np.where(np.isnan(a), a, values)


@ignore_underflow
def d_step(x):
    r""":math:`\operatorname{step}'(x) = 0` (undefined at 0; 0 by convention)."""
    a, like, scalar = act._prepare(x)
    return restore(_nan_where_nan(a, np.zeros_like(a)), like, scalar)


@ignore_underflow
def d_identity(x):
    r""":math:`f'(x) = 1`."""
    a, like, scalar = act._prepare(x)
    return restore(_nan_where_nan(a, np.ones_like(a)), like, scalar)


@ignore_underflow
def d_sigmoid(x):
    r""":math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x))`, at most 1/4 (at x = 0)."""
    a, like, scalar = act._prepare(x)
    # sigma(-x) = 1 - sigma(x), but without the cancellation for large x
    return restore(act._sigmoid_array(a) * act._sigmoid_array(-a), like, scalar)


@ignore_underflow
def d_tanh(x):
    r""":math:`\tanh'(x) = 1 - \tanh^2(x)`, at most 1 (at x = 0)."""
    a, like, scalar = act._prepare(x)
    return restore(_sech2(a), like, scalar)


@ignore_underflow
def d_relu(x):
    r""":math:`\operatorname{ReLU}'(x) = 1` for x > 0, else 0 (0 at the kink)."""
    a, like, scalar = act._prepare(x)
    return restore(_nan_where_nan(a, (a > 0).astype(a.dtype)), like, scalar)


@ignore_underflow
def d_leaky_relu(x, alpha: float = 0.01):
    r""":math:`1` for x > 0, else :math:`\alpha` (``alpha`` at the kink).

    Article 000 says this derivative is "always 1"; it is 1 only for x > 0.
    """
    alpha = real_parameter(alpha, "alpha", minimum=0.0)
    a, like, scalar = act._prepare(x)
    return restore(_nan_where_nan(a, np.where(a > 0, 1.0, alpha).astype(a.dtype)), like, scalar)


@ignore_underflow
def d_elu(x, alpha: float = 1.0):
    r""":math:`1` for x > 0, else :math:`\alpha e^{x}` (``alpha`` at the kink)."""
    alpha = real_parameter(alpha, "alpha", minimum=0.0)
    a, like, scalar = act._prepare(x)
    negative_part = alpha * np.exp(np.minimum(a, 0))
    return restore(_nan_where_nan(a, np.where(a > 0, 1, negative_part)), like, scalar)


@ignore_underflow
def d_selu(x):
    r""":math:`\lambda` for x > 0, else :math:`\lambda \alpha e^{x}`."""
    a, like, scalar = act._prepare(x)
    negative_part = act.SELU_ALPHA * np.exp(np.minimum(a, 0))
    out = act.SELU_SCALE * np.where(a > 0, 1, negative_part)
    return restore(_nan_where_nan(a, out), like, scalar)


@ignore_underflow
def d_swish(x, beta: float = 1.0):
    r""":math:`\sigma(\beta x) + \beta x\,\sigma(\beta x)\,(1 - \sigma(\beta x))`."""
    beta = real_parameter(beta, "beta", minimum=0.0)
    a, like, scalar = act._prepare(x)
    z = act._scaled(a, beta)
    s, s_minus = act._sigmoid_array(z), act._sigmoid_array(-z)
    return restore(s + z * s * s_minus, like, scalar)


@ignore_underflow
def d_silu(x):
    r"""SiLU's derivative, :math:`\sigma(x)\,(1 + x\,(1 - \sigma(x)))`."""
    return d_swish(x, beta=1.0)


@ignore_underflow
def d_softplus(x):
    r""":math:`\operatorname{softplus}'(x) = \sigma(x)`."""
    return act.sigmoid(x)


@ignore_underflow
def d_gelu(x, approximate: bool = False):
    r"""Exact: :math:`\Phi(x) + x\,\varphi(x)`; tanh form: its derivative term by term."""
    if not isinstance(approximate, (bool, np.bool_)):
        raise TypeError(f"approximate must be True or False; got {approximate!r:.40}")
    a, like, scalar = act._prepare(x)
    # Beyond |x| = 10 (tanh form) or 40 (exact) the second term is exactly 0,
    # so computing it on the clipped input is exact and cannot overflow.
    if approximate:
        c = np.clip(a, -10, 10)
        u = act._GELU_C * (c + act._GELU_A * c**3)
        out = 0.5 * (1 + np.tanh(u)) + 0.5 * c * _sech2(u) * act._GELU_C * (1 + 3 * act._GELU_A * c**2)
    else:
        c = np.clip(a, -40, 40).astype(np.float64)
        out = normal_cdf(a) + c * _INV_SQRT_2PI * np.exp(-0.5 * c * c)
    return restore(out, like, scalar)


@ignore_underflow
def d_mish(x):
    r""":math:`\tanh(\operatorname{sp}(x)) + x\,\sigma(x)\,(1 - \tanh^2(\operatorname{sp}(x)))`."""
    a, like, scalar = act._prepare(x)
    sp = act._softplus_array(a)
    return restore(np.tanh(sp) + a * act._sigmoid_array(a) * _sech2(sp), like, scalar)
