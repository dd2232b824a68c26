"""The registry: every activation the book teaches, with what the book says about it.

``get("relu")`` returns an :class:`Activation` record; ``names()`` lists them
in the book's order; ``derivative("relu", x)`` evaluates a derivative by name.
The activation zoo chapter renders its table from these records, and later
chapters take formulas, ranges and library names from here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from . import activations as act
from . import derivatives as der


@dataclass(frozen=True)
class Activation:
    """One activation function and its facts."""

    name: str
    title: str
    function: Callable
    derivative: Callable | None  # None where the function is not elementwise
    formula: str  # LaTeX
    derivative_formula: str  # LaTeX
    output_range: tuple[float, float]  # closed-form bounds, for tests and plots
    range_text: str  # as printed in the zoo table, e.g. "(0, 1)"
    used_in: str
    torch: str
    keras: str
    defaults: dict = field(default_factory=dict)
    note: str = ""

    @property
    def elementwise(self) -> bool:
        return self.derivative is not None

    def __call__(self, x, *args, **params):
        return self.function(x, *args, **params)


INF = math.inf
_LAMBDA, _ALPHA = act.SELU_SCALE, act.SELU_ALPHA

_ACTIVATIONS = [
    Activation(
        "step", "Step (Heaviside)", act.step, der.d_step,
        r"1 \text{ if } x > 0 \text{ else } 0", r"0 \;(x \neq 0)",
        (0.0, 1.0), "{0, 1}",
        "the original perceptron; not trainable by gradient descent",
        "torch.heaviside(x, torch.tensor(0.))", "keras.ops.heaviside(x, 0.0)",
        note="Derivative is 0 almost everywhere, so no gradient flows."),
    Activation(
        "identity", "Identity (linear)", act.identity, der.d_identity,
        "x", "1", (-INF, INF), "(-inf, inf)",
        "output layer for regression",
        "nn.Identity()", "'linear' / keras.activations.linear"),
    Activation(
        "sigmoid", "Sigmoid (logistic)", act.sigmoid, der.d_sigmoid,
        r"\frac{1}{1 + e^{-x}}", r"\sigma(x)\,(1 - \sigma(x)) \le \tfrac14",
        (0.0, 1.0), "(0, 1)",
        "binary-classification output; gates inside LSTM/GRU cells",
        "nn.Sigmoid() / torch.sigmoid", "'sigmoid' / keras.activations.sigmoid",
        note="Derivative at most 0.25: gradients shrink through many sigmoid layers."),
    Activation(
        "tanh", "Hyperbolic tangent", act.tanh, der.d_tanh,
        r"\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}", r"1 - \tanh^2(x)",
        (-1.0, 1.0), "(-1, 1)",
        "zero-centred hidden layers; inside LSTM and GRU cells; GAN generator output",
        "nn.Tanh() / torch.tanh", "'tanh' / keras.activations.tanh"),
    Activation(
        "relu", "ReLU", act.relu, der.d_relu,
        r"\max(0, x)", r"1 \;(x > 0), \; 0 \;(x \le 0)",
        (0.0, INF), "[0, inf)",
        "default for hidden layers (MLPs, CNNs)",
        "nn.ReLU(inplace=False) / F.relu", "'relu' / keras.activations.relu",
        note="Units stuck at negative inputs get zero gradient ('dead ReLU')."),
    Activation(
        "leaky_relu", "Leaky ReLU", act.leaky_relu, der.d_leaky_relu,
        r"\max(0, x) + \alpha \min(0, x)", r"1 \;(x > 0), \; \alpha \;(x \le 0)",
        (-INF, INF), "(-inf, inf)",
        "hidden layers where dead ReLUs hurt; GAN discriminators (alpha = 0.2)",
        "nn.LeakyReLU(negative_slope=0.01)",
        "layers.LeakyReLU(negative_slope=0.3) / keras.activations.leaky_relu(negative_slope=0.2)",
        {"alpha": 0.01},
        note="Defaults differ: PyTorch 0.01, Keras layer 0.3, Keras function 0.2, DCGAN 0.2. "
             "nn.LeakyReLU(True) sets the slope to 1.0, not inplace."),
    Activation(
        "elu", "ELU", act.elu, der.d_elu,
        r"\max(0, x) + \alpha\,(e^{\min(0, x)} - 1)", r"1 \;(x > 0), \; \alpha e^{x} \;(x \le 0)",
        (-1.0, INF), "(-alpha, inf)",
        "hidden layers; negative outputs push mean activations towards 0",
        "nn.ELU(alpha=1.0)", "'elu' / keras.activations.elu(alpha=1.0)",
        {"alpha": 1.0}),
    Activation(
        "selu", "SELU", act.selu, der.d_selu,
        r"\lambda\,\mathrm{ELU}(x; \alpha), \; \lambda \approx 1.0507, \alpha \approx 1.6733",
        r"\lambda \;(x > 0), \; \lambda \alpha e^{x} \;(x \le 0)",
        (-_LAMBDA * _ALPHA, INF), "(-1.7581, inf)",
        "self-normalising MLPs (with LeCun-normal init and AlphaDropout)",
        "nn.SELU()", "'selu' / keras.activations.selu"),
    Activation(
        "swish", "Swish / SiLU", act.swish, der.d_swish,
        r"x\,\sigma(\beta x)", r"\sigma(\beta x) + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x))",
        (-0.2784645427610738, INF), "[-0.2785, inf)",
        "hidden layers of modern CNNs (EfficientNet) and transformers' gated MLPs",
        "nn.SiLU() (beta = 1)", "'silu' or 'swish' / keras.activations.silu",
        {"beta": 1.0},
        note="Minimum -0.2785 at x = -1.2785 for beta = 1."),
    Activation(
        "softplus", "Softplus", act.softplus, der.d_softplus,
        r"\log(1 + e^{x})", r"\sigma(x)",
        (0.0, INF), "(0, inf)",
        "outputs that must be positive (scales, rates, variances); smooth ReLU",
        "nn.Softplus(beta=1.0, threshold=20.0)", "'softplus' / keras.activations.softplus"),
    Activation(
        "gelu", "GELU", act.gelu, der.d_gelu,
        r"x\,\Phi(x) = \tfrac{x}{2}\bigl(1 + \mathrm{erf}(x/\sqrt{2})\bigr)", r"\Phi(x) + x\,\varphi(x)",
        (-0.16997120747990368, INF), "[-0.1700, inf)",
        "transformers (BERT, GPT) hidden layers",
        "nn.GELU(approximate='none')", "'gelu' / keras.activations.gelu(approximate=False)",
        {"approximate": False},
        note="Keras's default is approximate=False since Keras 3; GPT-2 used the tanh form."),
    Activation(
        "mish", "Mish", act.mish, der.d_mish,
        r"x \tanh(\mathrm{softplus}(x))",
        r"\tanh(\mathrm{sp}(x)) + x\,\sigma(x)\,(1 - \tanh^2(\mathrm{sp}(x)))",
        (-0.30884, INF), "[-0.3088, inf)",
        "hidden layers of some detectors (YOLOv4)",
        "nn.Mish()", "'mish' / keras.activations.mish"),
    Activation(
        "maxout", "Maxout", act.maxout, None,
        r"\max_{i=1..k}\,(x^\top W_i + b_i)", r"\text{gradient flows to the winning piece}",
        (-INF, INF), "(-inf, inf)",
        "hidden layers with dropout (2013); learns a convex piecewise-linear activation",
        "none (max over a Linear layer's k groups)", "none (max over a Dense layer's k groups)",
        note="Not 'the maximum of the inputs' (article 001): the maximum of k learned affine functions."),
    Activation(
        "softmax", "Softmax", act.softmax, None,
        r"\frac{e^{x_i}}{\sum_j e^{x_j}}", r"s_i(\delta_{ij} - s_j) \;(\text{a Jacobian})",
        (0.0, 1.0), "(0, 1), sums to 1",
        "multi-class output layer (probabilities over classes)",
        "nn.Softmax(dim=-1) / F.softmax", "'softmax' / keras.activations.softmax(axis=-1)",
        {"axis": -1}),
]

_BY_NAME = {a.name: a for a in _ACTIVATIONS}
_ALIASES = {"silu": "swish", "linear": "identity", "heaviside": "step", "logistic": "sigmoid"}


def names(elementwise_only: bool = False) -> list[str]:
    """Names of the registered activations, in the book's order."""
    return [a.name for a in _ACTIVATIONS if a.elementwise or not elementwise_only]


def get(name: str) -> Activation:
    """The :class:`Activation` record for ``name`` (aliases: silu, linear, heaviside, logistic)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'relu'; got {type(name).__name__}")
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in _BY_NAME:
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(names())}")
    return _BY_NAME[key]


def derivative(name: str, x, **params):
    """Derivative of the elementwise activation ``name`` at ``x``, e.g. ``derivative("elu", x, alpha=0.5)``."""
    record = get(name)
    if record.derivative is None:
        raise ValueError(f"{record.name} is not elementwise, so it has no scalar derivative; "
                         f"elementwise ones: {', '.join(names(elementwise_only=True))}")
    unknown = set(params) - set(record.defaults)
    if unknown:
        allowed = ", ".join(record.defaults) or "none"
        raise TypeError(f"{record.name} takes no parameter(s) {sorted(unknown)}; allowed: {allowed}")
    return record.derivative(x, **params)
