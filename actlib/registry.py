"""The registry: every activation the book teaches, with what the book says about it.

``get("relu")`` returns an :class:`Activation` record; ``names()`` lists them
in the book's order; ``derivative("relu", x)`` evaluates a derivative by name.
The activation zoo chapter renders its table from these records, and later
chapters take formulas, ranges and the PyTorch and Keras counterparts from here.

Examples
--------
>>> import actlib
>>> record = actlib.get("leaky_relu")
>>> record.defaults
{'alpha': 0.01}
>>> record.torch_api.spell("function", record.parameters(alpha=0.2))
'torch.nn.functional.leaky_relu(x, negative_slope=0.2)'
>>> record.keras_api.spell("layer", record.parameters())
'keras.layers.LeakyReLU(negative_slope=0.01)'
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import activations as act
from . import derivatives as der


@dataclass(frozen=True)
class Param:
    """Where one of actlib's parameters goes in a framework's keyword arguments.

    ``Param("alpha")`` is replaced by the value of actlib's ``alpha``;
    ``values`` translates it where the framework spells it differently, e.g.
    ``Param("approximate", {False: "none", True: "tanh"})`` for ``torch.nn.GELU``.

    Examples
    --------
    >>> Param("approximate", {False: "none", True: "tanh"}).resolve({"approximate": True})
    'tanh'
    """

    name: str
    values: Mapping | None = None

    def resolve(self, params: Mapping[str, Any]):
        value = params[self.name]
        return value if self.values is None else self.values[value]


@dataclass(frozen=True)
class InputDtypeTensor:
    """A 0-d tensor of ``value`` with the input's dtype (``torch.heaviside`` and
    ``torch.nn.functional.prelu`` need one); ``value`` may be a :class:`Param`."""

    value: float | Param

    def __repr__(self) -> str:
        return f"x.new_tensor({self.value!r})"


class _Spelling:
    """Stands for the input when a call is spelled out rather than made."""

    @staticmethod
    def new_tensor(value):
        return InputDtypeTensor(value)


def _resolve(template, params: Mapping[str, Any], x=None):
    """Replace every :class:`Param` (and :class:`InputDtypeTensor`) in a nested template."""
    if isinstance(template, Param):
        return template.resolve(params)
    if isinstance(template, InputDtypeTensor):
        return x.new_tensor(_resolve(template.value, params))
    if isinstance(template, Mapping):
        return {key: _resolve(value, params, x) for key, value in template.items()}
    return template


def _uses(template) -> set[str]:
    """The actlib parameter names a template mentions."""
    if isinstance(template, Param):
        return {template.name}
    if isinstance(template, InputDtypeTensor):
        return _uses(template.value)
    if isinstance(template, Mapping):
        return set().union(*(_uses(value) for value in template.values()))
    return set()


def _qualified(name: str):
    """The object a qualified name such as ``"torch.nn.functional.gelu"`` points to."""
    module, _, attribute = name.rpartition(".")
    if module.split(".")[0] == "keras":
        from .frameworks import import_keras

        import_keras()  # quiet start-up of TensorFlow before keras.* is imported
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class Counterpart:
    """How one framework (PyTorch or Keras) spells an activation, as data.

    * ``function``: qualified name of the function on tensors, e.g.
      ``"torch.nn.functional.gelu"``, or ``None`` if the framework has none;
    * ``kwargs``: the keyword arguments that make ``function`` compute actlib's
      function with actlib's defaults; a :class:`Param` marks where an actlib
      parameter goes (``{"negative_slope": Param("alpha")}``);
    * ``layer``, ``layer_kwargs``: the same for the layer class
      (``"torch.nn.GELU"``, ``"keras.layers.ReLU"``), or ``None``;
    * ``string``: the name Keras accepts as ``activation=`` (``Dense(activation="silu")``),
      given only where Keras's default parameters are actlib's.

    Most code calls the :class:`Activation` methods ``torch_function``,
    ``torch_layer``, ``keras_function``, ``keras_layer`` instead, which fill in
    the defaults and check the parameters.

    Examples
    --------
    >>> elu = get("elu").torch_api
    >>> elu.function, elu.layer, elu.kwargs
    ('torch.nn.functional.elu', 'torch.nn.ELU', {'alpha': Param(name='alpha', values=None)})
    >>> elu.spell("layer", {"alpha": 0.5})
    'torch.nn.ELU(alpha=0.5)'
    """

    function: str | None = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    layer: str | None = None
    layer_kwargs: Mapping[str, Any] = field(default_factory=dict)
    string: str | None = None

    def _parts(self, kind: str) -> tuple[str, Mapping]:
        if kind not in ("function", "layer"):
            raise ValueError(f"kind must be 'function' or 'layer'; got {kind!r:.40}")
        name, template = (self.function, self.kwargs) if kind == "function" else (self.layer, self.layer_kwargs)
        if name is None:
            raise ValueError(f"no {kind} in this framework")
        return name, template

    def build(self, kind: str, params: Mapping[str, Any], **layer_options) -> Callable:
        """The function (a callable on tensors) or a fresh layer, for actlib's ``params``.

        ``layer_options`` go to the layer unchanged (Keras's ``dtype="float64"``).
        """
        name, template = self._parts(kind)
        target = _qualified(name)
        if kind == "layer":
            return target(**_resolve(template, params), **layer_options)
        return lambda x: target(x, **_resolve(template, params, x))

    def spell(self, kind: str, params: Mapping[str, Any]) -> str:
        """The call as code, e.g. ``'torch.nn.functional.elu(x, alpha=1.0)'``."""
        name, template = self._parts(kind)
        arguments = ["x"] if kind == "function" else []
        arguments += [f"{key}={value!r}" for key, value in _resolve(template, params, _Spelling()).items()]
        return f"{name}({', '.join(arguments)})"

    def parameters_used(self, kind: str) -> set[str]:
        """actlib parameters the function or layer takes; the others must keep their defaults."""
        return _uses(self._parts(kind)[1])


@dataclass(frozen=True, kw_only=True)
class Activation:
    """One activation function and its facts.

    Read the fields by name: ``name``, ``title``, ``function``, ``derivative``
    (``None`` where not elementwise), ``formula`` and ``derivative_formula``
    (LaTeX), ``output_range`` (exact bounds at ``defaults``, to float precision; Maxout, which
    has no defaults, over all its weights) and ``range_text``, ``used_in``,
    ``torch`` and ``keras`` (display text for tables), ``defaults`` (actlib's
    parameters), ``note``, ``parameter_derivatives`` (derivatives with respect to
    a learned parameter, e.g. PReLU's ``{"slope": ...}``), and the framework
    counterparts as data: ``torch_api`` and ``keras_api`` (:class:`Counterpart`
    or ``None``).

    To get the frameworks' version of an activation, call
    ``record.torch_function(**params)`` (a callable on tensors),
    ``record.torch_layer(**params)`` (a fresh ``nn.Module``),
    ``record.keras_function(**params)``, ``record.keras_layer(**params)``,
    ``record.keras_string()`` (for ``Dense(activation=...)``); ``params`` are
    actlib's (``alpha=0.2``) and are translated to the framework's keywords.

    Examples
    --------
    >>> import numpy as np
    >>> gelu = get("gelu")
    >>> gelu.torch_api.function, gelu.keras_api.function
    ('torch.nn.functional.gelu', 'keras.activations.gelu')
    >>> gelu.torch_api.spell("layer", gelu.parameters(approximate=True))
    "torch.nn.GELU(approximate='tanh')"
    >>> float(gelu(np.float64(1.0)))
    0.8413447460685429
    """

    name: str
    title: str
    function: Callable
    derivative: Callable | None  # None where the function is not elementwise
    formula: str  # LaTeX
    derivative_formula: str  # LaTeX
    output_range: tuple[float, float]  # exact bounds at the defaults (to float precision)
    range_text: str  # as printed in the zoo table, e.g. "(0, 1)"
    used_in: str
    torch: str  # display text
    keras: str  # display text
    defaults: dict = field(default_factory=dict)
    note: str = ""
    torch_api: Counterpart | None = None
    keras_api: Counterpart | None = None
    parameter_derivatives: dict = field(default_factory=dict)

    @property
    def elementwise(self) -> bool:
        return self.derivative is not None

    def __call__(self, x, *args, **params):
        return self.function(x, *args, **params)

    def parameters(self, **params) -> dict:
        """actlib's defaults updated with ``params``; ``TypeError`` for an unknown one."""
        unknown = set(params) - set(self.defaults)
        if unknown:
            allowed = ", ".join(self.defaults) or "none"
            raise TypeError(f"{self.name} takes no parameter(s) {sorted(unknown)}; allowed: {allowed}")
        return {**self.defaults, **params}

    def _counterpart(self, framework: str, kind: str, params: dict, **layer_options) -> Callable:
        counterpart = self.torch_api if framework == "PyTorch" else self.keras_api
        name = None if counterpart is None else getattr(counterpart, kind)
        if name is None:
            raise ValueError(f"{self.name} has no {framework} {kind}")
        full = self.parameters(**params)
        for parameter in set(full) - counterpart.parameters_used(kind):
            if full[parameter] != self.defaults[parameter]:
                raise ValueError(f"{name} has no parameter for {self.name}'s {parameter}; only "
                                 f"{parameter}={self.defaults[parameter]!r} matches it")
        return counterpart.build(kind, full, **layer_options)

    def torch_function(self, **params) -> Callable:
        """PyTorch's function for this activation, as a callable on tensors."""
        return self._counterpart("PyTorch", "function", params)

    def torch_layer(self, *, dtype=None, **params):
        """A fresh PyTorch ``nn.Module`` computing this activation.

        ``dtype`` sets the dtype of a layer with weights (``nn.PReLU``'s slope is
        float32 unless told otherwise, so ``init=0.1`` becomes 0.10000000149...).
        """
        options = {} if dtype is None else {"dtype": dtype}
        return self._counterpart("PyTorch", "layer", params, **options)

    def keras_function(self, **params) -> Callable:
        """Keras's function for this activation, as a callable on tensors."""
        return self._counterpart("Keras", "function", params)

    def keras_layer(self, *, dtype=None, **params):
        """A fresh Keras layer computing this activation; ``dtype`` is the layer's (default float32)."""
        options = {} if dtype is None else {"dtype": dtype}
        return self._counterpart("Keras", "layer", params, **options)

    def keras_string(self) -> str:
        """The string for ``keras.layers.Dense(activation=...)``; ``ValueError`` if none matches."""
        if self.keras_api is None or self.keras_api.string is None:
            raise ValueError(f"{self.name} has no Keras activation string that matches actlib's defaults")
        return self.keras_api.string


INF = math.inf
_LAMBDA, _ALPHA = act.SELU_SCALE, act.SELU_ALPHA
_F, _KA, _KL = "torch.nn.functional", "keras.activations", "keras.layers"


def _torch(function=None, layer=None, kwargs=None, layer_kwargs=None) -> Counterpart:
    """A PyTorch counterpart; the layer takes the function's keywords unless told otherwise."""
    kwargs = kwargs or {}
    return Counterpart(function, kwargs, layer, kwargs if layer_kwargs is None else layer_kwargs)


def _keras(function=None, layer=None, kwargs=None, string=None, layer_kwargs=None) -> Counterpart:
    """A Keras counterpart, built like :func:`_torch`, plus the ``activation=`` string."""
    kwargs = kwargs or {}
    return Counterpart(function, kwargs, layer, kwargs if layer_kwargs is None else layer_kwargs, string)


_ACTIVATIONS = [
    Activation(
        name="step",
        title="Step (Heaviside)",
        function=act.step,
        derivative=der.d_step,
        formula=r"1 \text{ if } x > 0 \text{ else } 0",
        derivative_formula=r"0 \;(x \neq 0)",
        output_range=(0.0, 1.0),
        range_text="{0, 1}",
        used_in="the original perceptron; not trainable by gradient descent",
        torch="torch.heaviside(x, x.new_tensor(0.))",
        keras="keras.ops.heaviside(x, 0.0)",
        note="Derivative is 0 almost everywhere, so no gradient flows.",
        torch_api=_torch("torch.heaviside", kwargs={"values": InputDtypeTensor(0.0)}),
        keras_api=_keras("keras.ops.heaviside", kwargs={"x2": 0.0})),
    Activation(
        name="identity",
        title="Identity (linear)",
        function=act.identity,
        derivative=der.d_identity,
        formula="x",
        derivative_formula="1",
        output_range=(-INF, INF),
        range_text="(-inf, inf)",
        used_in="output layer for regression",
        torch="nn.Identity()",
        keras="'linear' / keras.activations.linear",
        torch_api=_torch(layer="torch.nn.Identity"),
        keras_api=_keras(f"{_KA}.linear", f"{_KL}.Identity", string="linear")),
    Activation(
        name="sigmoid",
        title="Sigmoid (logistic)",
        function=act.sigmoid,
        derivative=der.d_sigmoid,
        formula=r"\frac{1}{1 + e^{-x}}",
        derivative_formula=r"\sigma(x)\,(1 - \sigma(x)) \le \tfrac14",
        output_range=(0.0, 1.0),
        range_text="(0, 1)",
        used_in="binary-classification output; gates inside LSTM/GRU cells",
        torch="nn.Sigmoid() / torch.sigmoid",
        keras="'sigmoid' / keras.activations.sigmoid",
        note="Derivative at most 0.25: each sigmoid layer multiplies a gradient by at most 0.25 "
             "times its weights, so with moderate weights gradients shrink through many sigmoid layers.",
        torch_api=_torch("torch.sigmoid", "torch.nn.Sigmoid"),
        keras_api=_keras(f"{_KA}.sigmoid", string="sigmoid")),
    Activation(
        name="tanh",
        title="Hyperbolic tangent",
        function=act.tanh,
        derivative=der.d_tanh,
        formula=r"\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
        derivative_formula=r"1 - \tanh^2(x)",
        output_range=(-1.0, 1.0),
        range_text="(-1, 1)",
        used_in="zero-centred hidden layers; inside LSTM and GRU cells; GAN generator output",
        torch="nn.Tanh() / torch.tanh",
        keras="'tanh' / keras.activations.tanh",
        torch_api=_torch("torch.tanh", "torch.nn.Tanh"),
        keras_api=_keras(f"{_KA}.tanh", string="tanh")),
    Activation(
        name="relu",
        title="ReLU",
        function=act.relu,
        derivative=der.d_relu,
        formula=r"\max(0, x)",
        derivative_formula=r"1 \;(x > 0), \; 0 \;(x \le 0)",
        output_range=(0.0, INF),
        range_text="[0, inf)",
        used_in="default for hidden layers (MLPs, CNNs)",
        torch="nn.ReLU(inplace=False) / F.relu",
        keras="'relu' / keras.activations.relu",
        note="Units stuck at negative inputs get zero gradient ('dead ReLU').",
        torch_api=_torch(f"{_F}.relu", "torch.nn.ReLU"),
        keras_api=_keras(f"{_KA}.relu", f"{_KL}.ReLU", string="relu")),
    Activation(
        name="leaky_relu",
        title="Leaky ReLU",
        function=act.leaky_relu,
        derivative=der.d_leaky_relu,
        formula=r"\max(0, x) + \alpha \min(0, x)",
        derivative_formula=r"1 \;(x > 0), \; \alpha \;(x \le 0)",
        output_range=(-INF, INF),
        range_text="(-inf, inf)",
        used_in="hidden layers where dead ReLUs hurt; GAN discriminators (alpha = 0.2)",
        torch="nn.LeakyReLU(negative_slope=0.01)",
        keras="layers.LeakyReLU(negative_slope=0.3) / keras.activations.leaky_relu(negative_slope=0.2)",
        defaults={"alpha": 0.01},
        note="Defaults differ: PyTorch 0.01, Keras layer 0.3, Keras function 0.2, DCGAN 0.2. "
             "nn.LeakyReLU(True) sets the slope to 1.0, not inplace.",
        torch_api=_torch(f"{_F}.leaky_relu", "torch.nn.LeakyReLU", {"negative_slope": Param("alpha")}),
        keras_api=_keras(f"{_KA}.leaky_relu", f"{_KL}.LeakyReLU", {"negative_slope": Param("alpha")})),
    Activation(
        name="prelu",
        title="PReLU",
        function=act.prelu,
        derivative=der.d_prelu,
        formula=r"\max(0, x) + a \min(0, x)",
        derivative_formula=r"1 \;(x > 0), \; a \;(x \le 0)",
        output_range=(-INF, INF),
        range_text="(-inf, inf)",
        used_in="hidden layers of deep CNNs (He et al. 2015); the slope a is learned",
        torch="nn.PReLU(num_parameters=1, init=0.25) / F.prelu(x, weight)",
        keras="layers.PReLU(alpha_initializer=Constant(0.25))",
        defaults={"slope": 0.25},
        note="The slope a is a weight: trained with the network, starting at 0.25. "
             "Its gradient is min(0, x) (actlib.prelu_slope_derivative).",
        torch_api=_torch(f"{_F}.prelu", "torch.nn.PReLU",
                         kwargs={"weight": InputDtypeTensor(Param("slope"))},
                         layer_kwargs={"num_parameters": 1, "init": Param("slope")}),
        keras_api=_keras(layer=f"{_KL}.PReLU", layer_kwargs={
            "alpha_initializer": {"class_name": "Constant", "config": {"value": Param("slope")}}}),
        parameter_derivatives={"slope": der.prelu_slope_derivative}),
    Activation(
        name="elu",
        title="ELU",
        function=act.elu,
        derivative=der.d_elu,
        formula=r"\max(0, x) + \alpha\,(e^{\min(0, x)} - 1)",
        derivative_formula=r"1 \;(x > 0), \; \alpha e^{x} \;(x \le 0)",
        output_range=(-1.0, INF),
        range_text="(-alpha, inf)",
        used_in="hidden layers; negative outputs push mean activations towards 0",
        torch="nn.ELU(alpha=1.0)",
        keras="'elu' / keras.activations.elu(alpha=1.0)",
        defaults={"alpha": 1.0},
        torch_api=_torch(f"{_F}.elu", "torch.nn.ELU", {"alpha": Param("alpha")}),
        keras_api=_keras(f"{_KA}.elu", f"{_KL}.ELU", {"alpha": Param("alpha")}, string="elu")),
    Activation(
        name="selu",
        title="SELU",
        function=act.selu,
        derivative=der.d_selu,
        formula=r"\lambda\,\mathrm{ELU}(x; \alpha), \; \lambda \approx 1.0507, \alpha \approx 1.6733",
        derivative_formula=r"\lambda \;(x > 0), \; \lambda \alpha e^{x} \;(x \le 0)",
        output_range=(-_LAMBDA * _ALPHA, INF),
        range_text="(-1.7581, inf)",
        used_in="self-normalising MLPs (with LeCun-normal init and AlphaDropout)",
        torch="nn.SELU()",
        keras="'selu' / keras.activations.selu",
        torch_api=_torch(f"{_F}.selu", "torch.nn.SELU"),
        keras_api=_keras(f"{_KA}.selu", string="selu")),
    Activation(
        name="swish",
        title="Swish / SiLU",
        function=act.swish,
        derivative=der.d_swish,
        formula=r"x\,\sigma(\beta x)",
        derivative_formula=r"\sigma(\beta x) + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x))",
        output_range=(-0.2784645427610738, INF),
        range_text="[-0.2785, inf)",
        used_in="hidden layers of modern CNNs (EfficientNet)",
        torch="nn.SiLU() (beta = 1)",
        keras="'silu' or 'swish' / keras.activations.silu",
        defaults={"beta": 1.0},
        note="Minimum -0.2785 at x = -1.2785 for beta = 1.",
        torch_api=_torch(f"{_F}.silu", "torch.nn.SiLU"),
        keras_api=_keras(f"{_KA}.silu", string="silu")),
    Activation(
        name="softplus",
        title="Softplus",
        function=act.softplus,
        derivative=der.d_softplus,
        formula=r"\log(1 + e^{x})",
        derivative_formula=r"\sigma(x)",
        output_range=(0.0, INF),
        range_text="(0, inf)",
        used_in="outputs that must be positive (scales, rates, variances); smooth ReLU",
        torch="nn.Softplus(beta=1.0, threshold=20.0)",
        keras="'softplus' / keras.activations.softplus",
        torch_api=_torch(f"{_F}.softplus", "torch.nn.Softplus"),
        keras_api=_keras(f"{_KA}.softplus", string="softplus")),
    Activation(
        name="gelu",
        title="GELU",
        function=act.gelu,
        derivative=der.d_gelu,
        formula=r"x\,\Phi(x) = \tfrac{x}{2}\bigl(1 + \mathrm{erf}(x/\sqrt{2})\bigr)",
        derivative_formula=r"\Phi(x) + x\,\varphi(x)",
        output_range=(-0.16997120747990366, INF),
        range_text="[-0.1700, inf)",
        used_in="transformers (BERT, GPT) hidden layers",
        torch="nn.GELU(approximate='none')",
        keras="'gelu' / keras.activations.gelu(approximate=False)",
        defaults={"approximate": False},
        note="keras.activations.gelu and 'gelu' default to approximate=False (as tf.keras has since "
             "TF 2.4); keras.ops.gelu defaults to approximate=True. GPT-2 used the tanh form.",
        torch_api=_torch(f"{_F}.gelu", "torch.nn.GELU",
                         {"approximate": Param("approximate", {False: "none", True: "tanh"})}),
        keras_api=_keras(f"{_KA}.gelu", kwargs={"approximate": Param("approximate")}, string="gelu")),
    Activation(
        name="mish",
        title="Mish",
        function=act.mish,
        derivative=der.d_mish,
        formula=r"x \tanh(\mathrm{softplus}(x))",
        derivative_formula=r"\tanh(\mathrm{sp}(x)) + x\,\sigma(x)\,(1 - \tanh^2(\mathrm{sp}(x)))",
        output_range=(-0.30884341301725043, INF),
        range_text="[-0.3088, inf)",
        used_in="hidden layers of some detectors (YOLOv4)",
        torch="nn.Mish()",
        keras="'mish' / keras.activations.mish",
        torch_api=_torch(f"{_F}.mish", "torch.nn.Mish"),
        keras_api=_keras(f"{_KA}.mish", string="mish")),
    Activation(
        name="maxout",
        title="Maxout",
        function=act.maxout,
        derivative=None,
        formula=r"\max_{i=1..k} (\mathbf{w}_i^\top \mathbf{x} + b_i)",
        derivative_formula=r"\text{gradient flows to the winning piece}",
        output_range=(-INF, INF),
        range_text="(-inf, inf)",
        used_in="hidden layers with dropout (2013); learns a convex piecewise-linear activation",
        torch="none (max over a Linear layer's k groups)",
        keras="none (max over a Dense layer's k groups)",
        note="Not 'the maximum of the inputs' (article 001's formula; its later summary has it right): "
             "the maximum of k learned affine functions."),
    Activation(
        name="softmax",
        title="Softmax",
        function=act.softmax,
        derivative=None,
        formula=r"\frac{e^{x_i}}{\sum_j e^{x_j}}",
        derivative_formula=r"s_i(\delta_{ij} - s_j) \;(\text{a Jacobian})",
        output_range=(0.0, 1.0),
        range_text="(0, 1), sums to 1",
        used_in="multi-class output layer (probabilities over classes)",
        torch="nn.Softmax(dim=-1) / F.softmax",
        keras="'softmax' / keras.activations.softmax(axis=-1)",
        defaults={"axis": -1},
        torch_api=_torch(f"{_F}.softmax", "torch.nn.Softmax", {"dim": Param("axis")}),
        keras_api=_keras(f"{_KA}.softmax", f"{_KL}.Softmax", {"axis": Param("axis")}, string="softmax")),
]

_BY_NAME = {a.name: a for a in _ACTIVATIONS}
_ALIASES = {"silu": "swish", "linear": "identity", "heaviside": "step", "logistic": "sigmoid"}


def names(elementwise_only: bool = False) -> list[str]:
    """Names of the registered activations, in the book's order.

    Examples
    --------
    >>> names()[:4]
    ['step', 'identity', 'sigmoid', 'tanh']
    >>> "softmax" in names(elementwise_only=True)
    False
    """
    return [a.name for a in _ACTIVATIONS if a.elementwise or not elementwise_only]


def get(name: str) -> Activation:
    """The :class:`Activation` record for ``name`` (aliases: silu, linear, heaviside, logistic).

    Like ``keras.activations.get`` (a name in, the object out), but case-insensitive;
    ``ValueError`` lists the known names.

    Examples
    --------
    >>> get("SiLU").name
    'swish'
    >>> get("relu").range_text
    '[0, inf)'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'relu'; got {type(name).__name__}")
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in _BY_NAME:
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(names())}")
    return _BY_NAME[key]


def derivative(name: str, x, **params):
    """Derivative of the elementwise activation ``name`` at ``x`` with respect to ``x``.

    ``params`` are the activation's own (see ``get(name).defaults``). For the
    derivative with respect to a learned parameter use
    ``get(name).parameter_derivatives`` (PReLU's slope).

    Examples
    --------
    >>> derivative("elu", [-1.0, 0.0, 2.0], alpha=0.5)
    array([0.18393972, 0.5       , 1.        ])
    >>> derivative("prelu", -3.0, slope=0.1)
    np.float64(0.1)
    """
    record = get(name)
    if record.derivative is None:
        raise ValueError(f"{record.name} is not elementwise, so it has no scalar derivative; "
                         f"elementwise ones: {', '.join(names(elementwise_only=True))}")
    return record.derivative(x, **record.parameters(**params))
