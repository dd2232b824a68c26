"""The registry: every activation the book teaches, with what the book says about it.

``get("relu")`` returns an :class:`Activation` record; ``names()`` lists them
in the book's order; ``derivative("relu", x)`` evaluates a derivative by name, and
``jvp("softmax", x, v)`` a Jacobian-vector product. The activation zoo chapter
renders its table from these records, and later chapters take formulas, ranges
and the PyTorch and Keras counterparts from here.

The machinery is here; the records are data, one module a family or two
(:mod:`actlib.registry_classic`, :mod:`actlib.registry_rectifiers`,
:mod:`actlib.registry_piecewise`, :mod:`actlib.registry_output`,
:mod:`actlib.registry_gated`), loaded on first use. Between them they cover every
activation in ``torch.nn.modules.activation`` and ``keras.activations``; the few
names left out are in :data:`UNREGISTERED`, each with its reason.

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
>>> actlib.get("hard_silu").name, actlib.get("hard_silu").family  # PyTorch's and Keras's names work too
('hardswish', 'hard/piecewise')
"""

from __future__ import annotations

import functools
import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


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
      given only where Keras's default parameters are actlib's;
    * ``aliases``: other qualified names of the same function (``"keras.activations.swish"``
      for ``keras.activations.silu``).

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
    aliases: tuple[str, ...] = ()

    def names_in(self, namespace: str) -> tuple[str, ...]:
        """The names this counterpart's function, layer and aliases have in ``namespace``.

        ``get("swish").keras_api.names_in("keras.activations")`` is ``("silu", "swish")``.
        """
        found = []
        for qualified in (self.function, self.layer, *self.aliases):
            if qualified is not None and qualified.rpartition(".")[0] == namespace:
                found.append(qualified.rpartition(".")[2])
        return tuple(found)

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

    Read the fields by name: ``name``, ``title``, ``family`` (one of :data:`FAMILIES`),
    ``function``, ``derivative`` (``None`` where not elementwise), ``jvp`` (the
    Jacobian-vector product ``jvp(x, v, **params)`` of the ones that act on a whole axis,
    else ``None``), ``formula`` and ``derivative_formula`` (LaTeX), ``output_range``
    (exact bounds at ``defaults``, to float precision; Maxout, which has no defaults,
    over all its weights) and ``range_text``, ``used_in``, ``torch`` and ``keras``
    (display text for tables), ``defaults`` (actlib's parameters), ``note`` (where the
    libraries differ), ``initialisation`` (the weight initialisation usually paired with
    it) and ``gain`` (the ``torch.nn.init.calculate_gain`` argument that applies, or
    ``None``), ``cost`` (its elementwise work, counted on ``formula``: what actlib adds so as
    not to overflow or lose digits is not counted, and some cards name it after "actlib:"), ``kinks``
    (``{x: derivative}`` at the points where the derivative jumps, at the defaults: the
    value actlib returns there, PyTorch's autograd's, or for a Keras-only function
    TensorFlow's; the step, which neither library differentiates, gets 0 by convention),
    ``parameter_derivatives`` (derivatives with respect to a learned
    parameter, e.g. PReLU's ``{"slope": ...}``), and the framework counterparts as data:
    ``torch_api`` and ``keras_api`` (:class:`Counterpart` or ``None``), whose names in
    ``torch.nn`` and ``keras.activations`` are ``torch_names`` and ``keras_names``.

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
    family: str  # one of FAMILIES
    function: Callable
    derivative: Callable | None  # None where the function is not elementwise
    jvp: Callable | None = None  # jvp(x, v, **params), for the functions of a whole axis
    formula: str  # LaTeX
    derivative_formula: str  # LaTeX
    output_range: tuple[float, float]  # exact bounds at the defaults (to float precision)
    range_text: str  # as printed in the zoo table, e.g. "(0, 1)"
    used_in: str
    torch: str  # display text
    keras: str  # display text
    initialisation: str  # e.g. "He (Kaiming)"
    gain: str | None  # the torch.nn.init.calculate_gain argument, or None where it has none
    cost: str  # elementwise work on the formula, e.g. "1 exp, 1 log1p"
    defaults: dict = field(default_factory=dict)
    note: str = ""
    kinks: Mapping[float, float] = field(default_factory=dict)  # x -> actlib's derivative there
    torch_api: Counterpart | None = None
    keras_api: Counterpart | None = None
    parameter_derivatives: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(f"{self.name}: family must be one of {FAMILIES}; got {self.family!r}")

    @property
    def elementwise(self) -> bool:
        return self.derivative is not None

    @property
    def torch_names(self) -> tuple[str, ...]:
        """Its names in ``torch.nn`` (where ``torch.nn.modules.activation``'s classes live), e.g. ``("ReLU",)``."""
        return () if self.torch_api is None else self.torch_api.names_in("torch.nn")

    @property
    def keras_names(self) -> tuple[str, ...]:
        """Its names in ``keras.activations``, e.g. ``("silu", "swish")``."""
        return () if self.keras_api is None else self.keras_api.names_in("keras.activations")

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

#: The families of the zoo's table, in the order the records after the book's own follow.
FAMILIES = ("classic", "rectifier", "smooth rectifier", "hard/piecewise", "shrinkage", "gated",
            "output/normalising")

#: The activations of the chapters, in the order the book introduces them; every other
#: record follows them, by family (:data:`FAMILIES`), in its module's order.
BOOK_ORDER = ("step", "identity", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "swish",
              "softplus", "gelu", "mish", "maxout", "softmax")

#: The modules that hold the records.
RECORD_MODULES = ("registry_classic", "registry_rectifiers", "registry_piecewise", "registry_gated",
                  "registry_output")

#: The names in the libraries' lists of activations that no record stands for, and why.
UNREGISTERED = {
    "torch.nn.modules.activation": {
        "MultiheadAttention": "attention, not an activation: it lives in the activations module for "
                              "historical reasons (it mixes tokens with learned projections)",
        "Softmax2d": "a layout variant of softmax: the softmax over the channels of each pixel, "
                     "nn.Softmax(dim=-3) on a (C, H, W) or (N, C, H, W) input",
    },
    "keras.activations": {
        "get": "a utility: looks an activation up by name",
        "serialize": "a utility: an activation to its config",
        "deserialize": "a utility: a config back to an activation",
    },
}

#: Other names :func:`get` accepts besides the records' own and their PyTorch and Keras names.
_ALIASES = {"heaviside": "step", "logistic": "sigmoid"}


def torch_counterpart(function=None, layer=None, kwargs=None, layer_kwargs=None) -> Counterpart:
    """A PyTorch counterpart; the layer takes the function's keywords unless told otherwise."""
    kwargs = kwargs or {}
    return Counterpart(function, kwargs, layer, kwargs if layer_kwargs is None else layer_kwargs)


def keras_counterpart(function=None, layer=None, kwargs=None, string=None, layer_kwargs=None,
                      aliases=()) -> Counterpart:
    """A Keras counterpart, built like :func:`torch_counterpart`, plus the ``activation=`` string and aliases."""
    kwargs = kwargs or {}
    return Counterpart(function, kwargs, layer, kwargs if layer_kwargs is None else layer_kwargs, string,
                       tuple(aliases))


@functools.cache
def _registry() -> tuple[tuple[Activation, ...], dict[str, Activation]]:
    """The records in the book's order, and every name :func:`get` accepts (lower case) -> record.

    Loaded on first use: the record modules import this module's machinery.
    """
    records = [record for module in RECORD_MODULES
               for record in importlib.import_module(f"{__package__}.{module}").RECORDS]
    by_name = {record.name: record for record in records}
    assert len(by_name) == len(records), "two records share a name"
    book = [by_name[name] for name in BOOK_ORDER]
    rest = sorted((r for r in records if r.name not in BOOK_ORDER), key=lambda r: FAMILIES.index(r.family))
    ordered = (*book, *rest)
    lookup = {alias: by_name[target] for alias, target in _ALIASES.items()}
    for record in ordered:
        for name in (record.name, *record.torch_names, *record.keras_names):
            assert lookup.setdefault(name.lower(), record) is record, f"{name} names two records"
    return ordered, lookup


def names(elementwise_only: bool = False, *, chapters_only: bool = False) -> list[str]:
    """Names of the registered activations, in the book's order.

    ``chapters_only`` keeps the activations the chapters teach (:data:`BOOK_ORDER`); the
    others are the zoo's, which shows every activation PyTorch and Keras ship.

    Examples
    --------
    >>> names()[:4]
    ['step', 'identity', 'sigmoid', 'tanh']
    >>> "softmax" in names(elementwise_only=True)
    False
    >>> len(names(chapters_only=True)), "relu6" in names(chapters_only=True)
    (15, False)
    """
    if not isinstance(elementwise_only, bool) or not isinstance(chapters_only, bool):
        raise TypeError("elementwise_only and chapters_only must be True or False")
    return [a.name for a in _registry()[0]
            if (a.elementwise or not elementwise_only) and (a.name in BOOK_ORDER or not chapters_only)]


def get(name: str) -> Activation:
    """The :class:`Activation` record for ``name``, or for its PyTorch or Keras name.

    Like ``keras.activations.get`` (a name in, the object out), but case-insensitive, and
    PyTorch's and Keras's names work too (``"SiLU"``, ``"hard_silu"``, ``"linear"``), as do
    ``"heaviside"`` and ``"logistic"``; ``ValueError`` lists the known names.

    Examples
    --------
    >>> get("SiLU").name
    'swish'
    >>> get("relu").range_text
    '[0, inf)'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'relu'; got {type(name).__name__}")
    lookup = _registry()[1]
    if name.lower() not in lookup:
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(names())}")
    return lookup[name.lower()]


def derivative(name: str, x, **params):
    """Derivative of the elementwise activation ``name`` at ``x`` with respect to ``x``.

    ``params`` are the activation's own (see ``get(name).defaults``). For the
    derivative with respect to a learned parameter use
    ``get(name).parameter_derivatives`` (PReLU's slope); for the activations of a
    whole axis, :func:`jvp`.

    Examples
    --------
    >>> derivative("elu", [-1.0, 0.0, 2.0], alpha=0.5)
    array([0.18393972, 0.5       , 1.        ])
    >>> derivative("prelu", -3.0, slope=0.1)
    np.float64(0.1)
    """
    record = get(name)
    if record.derivative is None:
        raise ValueError(f"{record.name} is not elementwise, so it has no scalar derivative; use jvp; "
                         f"elementwise ones: {', '.join(names(elementwise_only=True))}")
    return record.derivative(x, **record.parameters(**params))


def jvp(name: str, x, v, **params):
    """Jacobian-vector product :math:`J(x)\\,v` of the activation ``name``, which acts on a whole axis.

    Examples
    --------
    >>> jvp("softmax", [0.0, 0.0], [1.0, 0.0])
    array([ 0.25, -0.25])
    >>> jvp("relu", [1.0], [1.0])
    Traceback (most recent call last):
    ...
    ValueError: relu is elementwise: its Jacobian is diagonal; use derivative(name, x) * v
    """
    record = get(name)
    if record.jvp is None:
        why = "is elementwise: its Jacobian is diagonal; use derivative(name, x) * v" if record.elementwise \
            else "has no Jacobian-vector product in actlib"
        raise ValueError(f"{record.name} {why}")
    return record.jvp(x, v, **record.parameters(**params))
