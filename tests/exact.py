"""Ground truth: each elementwise activation evaluated with mpmath at 40 significant digits."""

from __future__ import annotations

import mpmath as mp
import numpy as np

from actlib.activations import SELU_ALPHA, SELU_SCALE

mp.mp.dps = 40


def _sigmoid(x):
    return 1 / (1 + mp.exp(-x))


def _softplus(x):
    return mp.log1p(mp.exp(x)) if x < 0 else x + mp.log1p(mp.exp(-x))


EXACT = {
    "sigmoid": _sigmoid,
    "tanh": mp.tanh,
    "elu": lambda x: x if x > 0 else mp.expm1(x),
    "selu": lambda x: SELU_SCALE * (x if x > 0 else SELU_ALPHA * mp.expm1(x)),
    "swish": lambda x: x * _sigmoid(x),
    "softplus": _softplus,
    "gelu": lambda x: x * mp.ncdf(x),
    "mish": lambda x: x * mp.tanh(_softplus(x)),
    "celu": lambda x: x if x > 0 else mp.expm1(x),
    "logsigmoid": lambda x: -_softplus(-x),
    "softsign": lambda x: x / (1 + abs(x)),
    "tanhshrink": lambda x: x - mp.tanh(x),  # 40 digits: enough for the cancellation down to |x| = 1e-8
    "squareplus": lambda x: (x + mp.sqrt(x * x + 4)) / 2,
    "exponential": mp.exp,
}

EXACT_DERIVATIVE = {
    "sigmoid": lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
    "tanh": lambda x: 1 / mp.cosh(x) ** 2,
    "elu": lambda x: mp.mpf(1) if x > 0 else mp.exp(x),
    "swish": lambda x: mp.diff(lambda t: t * _sigmoid(t), x),
    "softplus": _sigmoid,
    "gelu": lambda x: mp.ncdf(x) + x * mp.npdf(x),
    "mish": lambda x: mp.diff(lambda t: t * mp.tanh(_softplus(t)), x),
    "celu": lambda x: mp.mpf(1) if x > 0 else mp.exp(x),
    "logsigmoid": lambda x: _sigmoid(-x),
    "softsign": lambda x: 1 / (1 + abs(x)) ** 2,
    "tanhshrink": lambda x: mp.tanh(x) ** 2,
    "squareplus": lambda x: (1 + x / mp.sqrt(x * x + 4)) / 2,
    "exponential": mp.exp,
}


def evaluate(function, x: np.ndarray) -> np.ndarray:
    return np.array([float(function(mp.mpf(float(v)))) for v in x.ravel()]).reshape(x.shape)
