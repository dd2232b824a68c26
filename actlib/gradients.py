"""Deep networks for the gradients chapter: build them, and measure what flows through them.

Needs PyTorch (imported when this module is imported; ``import actlib`` alone does not).

* :func:`torch_activation` - the PyTorch module for one of the book's activations;
* :func:`deep_mlp` - a seeded ``depth``-layer MLP with a chosen activation and initialisation;
* :func:`layer_gradient_norms` - the Frobenius norm of each layer's weight gradient for one batch
  (to compare layers of different shapes, use :func:`actlib.depth.weight_gradient_rms`);
* :func:`hidden_outputs` - each hidden layer's pre-activations and activations for a batch;
* :func:`activation_stds` - the standard deviation of each hidden layer's activations;
* :func:`dead_unit_fraction` - the share of hidden units through which no gradient flows on a
  data set.

A network from :func:`deep_mlp` is an ``nn.Sequential`` that alternates
``nn.Linear`` and activation modules and ends with a ``nn.Linear`` (no output
activation): "layer 1" is the first ``nn.Linear``, next to the input.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ._validation import integer
from .registry import get, names

#: The initialisation schemes :func:`deep_mlp` knows, and the weight variance each gives.
INITS = {
    "default": "PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), variance 1/(3 fan_in)",
    "xavier": "Glorot & Bengio (2010), normal: variance 2/(fan_in + fan_out)",
    "he": "He et al. (2015), normal, fan_in mode: variance 2/fan_in",
    "lecun": "LeCun normal: variance 1/fan_in (the one SELU is designed for)",
}


def torch_activation(name: str, **params) -> nn.Module:
    """A fresh PyTorch module computing the book's activation ``name``, from the registry.

    ``torch_activation("leaky_relu", alpha=0.2)`` is ``nn.LeakyReLU(negative_slope=0.2)``
    (the registry's ``torch_api`` translates actlib's parameters). Raises ``ValueError``
    for a name actlib does not know or PyTorch has no module for as a hidden layer
    (step, maxout, softmax), and ``TypeError`` for an unknown parameter.
    """
    record = get(name)
    if record.name not in _hidden_layer_names():
        raise ValueError(f"{record.name} has no PyTorch module for a hidden layer; choose one of "
                         f"{', '.join(_hidden_layer_names())}")
    return record.torch_layer(**params)


def _hidden_layer_names() -> list[str]:
    """The elementwise activations the registry gives a PyTorch module for."""
    return [n for n in names(elementwise_only=True) if get(n).torch_api and get(n).torch_api.layer]


def _initialise(linear: nn.Linear, init: str, generator: torch.Generator) -> None:
    fan_out, fan_in = linear.weight.shape
    with torch.no_grad():
        if init == "default":
            bound = 1 / math.sqrt(fan_in)
            linear.weight.uniform_(-bound, bound, generator=generator)
            linear.bias.uniform_(-bound, bound, generator=generator)
            return
        std = {"xavier": math.sqrt(2 / (fan_in + fan_out)),
               "he": math.sqrt(2 / fan_in),
               "lecun": math.sqrt(1 / fan_in)}[init]
        linear.weight.normal_(0.0, std, generator=generator)
        linear.bias.zero_()


def deep_mlp(activation: str, *, depth: int, width: int, in_features: int, out_features: int,
             init: str = "default", seed: int = 0, **params) -> nn.Sequential:
    """A seeded MLP: ``depth`` linear layers, ``activation`` between them, none after the last.

    ``depth`` counts the ``nn.Linear`` layers (so there are ``depth - 1`` hidden
    layers of ``width`` units). ``init`` is one of :data:`INITS`: ``"default"``
    draws as PyTorch's own ``nn.Linear`` initialisation does, weights and biases uniform
    in ``+-1/sqrt(fan_in)`` (a weight variance of ``1/(3 fan_in)``); ``"xavier"``, ``"he"``
    and ``"lecun"`` draw normal weights with variance ``2/(fan_in + fan_out)``,
    ``2/fan_in`` and ``1/fan_in`` and zero biases. The weights depend only on
    ``seed`` (a private ``torch.Generator``), not on the global random state.
    ``params`` go to the activation (e.g. ``alpha=0.2`` for Leaky ReLU).
    """
    depth = integer(depth, "depth", minimum=1)
    if depth < 2:
        raise ValueError(f"depth must be at least 2 (one hidden layer); got {depth}")
    width = integer(width, "width", minimum=1)
    in_features = integer(in_features, "in_features", minimum=1)
    out_features = integer(out_features, "out_features", minimum=1)
    if init not in INITS:
        raise ValueError(f"init must be one of {', '.join(INITS)}; got {init!r:.40}")
    seed = integer(seed, "seed", minimum=0)
    generator = torch.Generator().manual_seed(seed)
    sizes = [in_features] + [width] * (depth - 1) + [out_features]
    modules: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        linear = nn.Linear(n_in, n_out)
        _initialise(linear, init, generator)
        modules.append(linear)
        if i < depth - 1:
            modules.append(torch_activation(activation, **params))
    return nn.Sequential(*modules)


def _linear_layers(model: nn.Module) -> list[nn.Linear]:
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"model must be an nn.Sequential (e.g. from deep_mlp); got {type(model).__name__}")
    layers = [m for m in model if isinstance(m, nn.Linear)]
    if len(layers) < 2:
        raise ValueError("model must contain at least two nn.Linear layers (one hidden layer)")
    return layers


def _as_input(x, model: nn.Module) -> torch.Tensor:
    first = _linear_layers(model)[0]
    x = torch.as_tensor(x, dtype=first.weight.dtype)
    if x.ndim != 2 or x.shape[1] != first.in_features:
        raise ValueError(f"x must have shape (n, {first.in_features}) for this model; got {tuple(x.shape)}")
    if x.shape[0] == 0:
        raise ValueError("x is empty: give at least one sample")
    return x


def layer_gradient_norms(model: nn.Sequential, x, y) -> np.ndarray:
    """Frobenius norm of every ``nn.Linear`` weight's gradient of the cross-entropy loss on ``(x, y)``.

    The norm grows with the number of weights (layer 1 of a 784-input network has many
    more than the output layer); :func:`actlib.depth.weight_gradient_rms` gives the size
    of one weight's gradient instead.

    ``x`` has shape ``(n, in_features)``, ``y`` holds ``n`` class indices. Returns a
    float64 array with one entry per linear layer, first layer first. The model's
    existing gradients are cleared before and after, so the call has no side effects
    on a later optimiser step.
    """
    layers = _linear_layers(model)
    x = _as_input(x, model)
    y = torch.as_tensor(y, dtype=torch.long)
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must hold one class index per row of x, shape ({x.shape[0]},); got {tuple(y.shape)}")
    model.zero_grad(set_to_none=True)
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    norms = np.array([float(layer.weight.grad.norm()) for layer in layers])
    model.zero_grad(set_to_none=True)
    return norms


@torch.no_grad()
def hidden_outputs(model: nn.Sequential, x) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """``[(pre-activation, activation), ...]`` of every hidden layer for the batch ``x``."""
    _linear_layers(model)
    h = _as_input(x, model)
    modules = list(model)
    outputs = []
    for i, module in enumerate(modules):
        h = module(h)
        is_hidden_linear = isinstance(module, nn.Linear) and i + 1 < len(modules)
        if is_hidden_linear:
            pre = h
        elif not isinstance(module, nn.Linear):
            outputs.append((pre, h))
    return outputs


def activation_stds(model: nn.Sequential, x) -> np.ndarray:
    """Standard deviation (over the batch and the units) of each hidden layer's activations."""
    return np.array([float(act.std()) for _, act in hidden_outputs(model, x)])


def _fractions(masks: list[torch.Tensor], per_layer: bool):
    if per_layer:
        return np.array([float(m.double().mean()) for m in masks])
    return float(torch.cat(masks).double().mean())


def silent_unit_fraction(model: nn.Sequential, x, *, per_layer: bool = False):
    """Share of hidden units whose pre-activation is <= 0 for *every* sample of ``x``.

    Such a unit never "fires" on this data. For ReLU that also makes it dead (see
    :func:`dead_unit_fraction`); for Leaky ReLU or ELU it is only silent: its
    derivative on the left is ``alpha`` or ``alpha * exp(u)``, not 0 in exact
    arithmetic, so gradient still reaches its weights and it can come back. In
    float32, though, ``exp(u)`` is exactly 0 below u = ln(2**-150), about -104: an ELU
    unit whose pre-activation stays that far left on every sample gets no gradient,
    and :func:`dead_unit_fraction` counts it as dead. Returns one float over all
    hidden units, or one per hidden layer if ``per_layer``.
    """
    return _fractions([(pre <= 0).all(dim=0) for pre, _ in hidden_outputs(model, x)], per_layer)


def dead_unit_fraction(model: nn.Sequential, x, *, per_layer: bool = False):
    """Share of hidden units through which no gradient flows for *any* sample of ``x``.

    A unit is dead when its activation's derivative is exactly 0 at its
    pre-activation for every sample: then its incoming weights and bias get a zero
    gradient on the whole data set: plain gradient descent cannot change them while the
    unit stays dead, and then only a change in the layers below can bring it back (never in
    the first hidden layer, whose input is the data); Adam's momentum can still move them
    for a while. For
    ReLU that means a pre-activation <= 0 everywhere; Leaky ReLU's derivative is never
    0, so its units cannot die. The derivative is taken by autograd through the
    model's own activation modules. Returns one float over all hidden units, or one
    per hidden layer if ``per_layer``.
    """
    activations = [m for m in model if not isinstance(m, nn.Linear)]
    masks = []
    for (pre, _), activation in zip(hidden_outputs(model, x), activations, strict=True):
        u = pre.detach().clone().requires_grad_(True)
        with torch.enable_grad():
            (slope,) = torch.autograd.grad(activation(u.clone()).sum(), u)
        masks.append((slope == 0).all(dim=0))
    return _fractions(masks, per_layer)


__all__ = ["INITS", "activation_stds", "dead_unit_fraction", "deep_mlp", "hidden_outputs",
           "layer_gradient_norms", "silent_unit_fraction", "torch_activation"]
