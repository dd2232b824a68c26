"""Deep networks that keep their gradient, and what flows through each layer (chapter 5).

Needs PyTorch (imported when this module is imported; ``import actlib`` alone does not).

* :func:`rescued_mlp` - a deep MLP with optional batch normalisation or residual connections;
* :func:`scale_weights` - multiply the weights of chosen linear layers by a factor, in place;
* :func:`linear_layers` - a model's ``nn.Linear`` layers, nested ones included, in order;
* :func:`weight_gradients` - each linear layer's weight gradient of the cross-entropy loss;
* :func:`weight_gradient_rms` - the root mean square of each of those gradients' entries, the
  size of one weight's gradient, comparable between layers of different shapes;
* :func:`layer_signals` - per example, the two factors of each weight gradient:
  :math:`\\partial L / \\partial W_k = \\delta_k \\mathbf z_{k-1}^\\top`, so
  :math:`\\lVert \\partial L / \\partial W_k \\rVert_F = \\lVert \\delta_k \\rVert \\,
  \\lVert \\mathbf z_{k-1} \\rVert` for one example (and the same for root mean squares);
* :func:`mnist_subsets` - the chapter's 4,000 training and 2,000 validation MNIST images;
* :func:`train` and :func:`evaluate` - a short, seeded training run and its validation
  loss and accuracy.

"Layer k" is the k-th ``nn.Linear`` in forward order (1 = next to the input). The notation is the
book's (``symbols.md``): layer k computes :math:`\\mathbf u_k = W_k \\mathbf z_{k-1} + \\mathbf b_k`
and :math:`\\mathbf z_k = h(\\mathbf u_k)`, with :math:`\\mathbf z_0 = \\mathbf x`, and
:math:`\\delta_k = \\partial L / \\partial \\mathbf u_k`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .gradients import INITS, deep_mlp, torch_activation


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r:.40}")
    return int(value)


class Residual(nn.Module):
    """``z -> z + body(z)``: a residual connection around ``body`` (He et al., 2016).

    The gradient reaching ``z`` is the gradient of the output plus what flows back
    through ``body``: the identity path passes it on unchanged, however small
    ``body``'s slope.

    >>> block = Residual(nn.Linear(3, 3))
    >>> h = torch.ones(2, 3)
    >>> torch.equal(block(h), h + block.body(h))
    True
    """

    def __init__(self, body: nn.Module):
        super().__init__()
        self.body = body

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.body(h)


def rescued_mlp(activation: str, *, depth: int, width: int, in_features: int, out_features: int,
                init: str = "xavier", seed: int = 0, batch_norm: bool = False,
                residual: bool = False) -> nn.Sequential:
    """A seeded ``depth``-layer MLP like :func:`actlib.gradients.deep_mlp`, with two optional rescues.

    With both options off it *is* ``deep_mlp(activation, ...)``: ``depth`` linear
    layers, ``activation`` after each but the last. The weights are drawn first,
    exactly as ``deep_mlp`` draws them for ``seed``, so the options change the
    architecture, not the initial weights.

    * ``batch_norm=True`` puts ``nn.BatchNorm1d`` between each hidden linear layer
      and its activation (Ioffe & Szegedy, 2015):
      :math:`\\mathbf z_k = h(\\mathrm{BN}(W_k \\mathbf z_{k-1} + \\mathbf b_k))`.
    * ``residual=True`` wraps hidden layers 2 to ``depth - 1`` (those whose input
      and output have ``width`` units) in :class:`Residual`:
      :math:`\\mathbf z_k = \\mathbf z_{k-1} + h(W_k \\mathbf z_{k-1} + \\mathbf b_k)`.

    >>> net = rescued_mlp("sigmoid", depth=4, width=8, in_features=5, out_features=2,
    ...                   residual=True, batch_norm=True)
    >>> [type(m).__name__ for m in net]
    ['Linear', 'BatchNorm1d', 'Sigmoid', 'Residual', 'Residual', 'Linear']
    >>> plain = rescued_mlp("tanh", depth=4, width=8, in_features=5, out_features=2, seed=3)
    >>> same = deep_mlp("tanh", depth=4, width=8, in_features=5, out_features=2,
    ...                 init="xavier", seed=3)
    >>> all(torch.equal(a, b) for a, b in zip(plain.parameters(), same.parameters()))
    True
    """
    depth = _positive_int(depth, "depth")
    if depth < 2:
        raise ValueError(f"depth must be at least 2 (one hidden layer); got {depth}")
    if init not in INITS:
        raise ValueError(f"init must be one of {', '.join(INITS)}; got {init!r:.40}")
    torch_activation(activation)  # a clear error for an unknown activation, before building
    base = deep_mlp(activation, depth=depth, width=width, in_features=in_features,
                    out_features=out_features, init=init, seed=seed)
    linears = list(base[::2])
    modules: list[nn.Module] = []
    for layer, linear in enumerate(linears, start=1):
        if layer == depth:
            modules.append(linear)
            break
        block: list[nn.Module] = [linear]
        if batch_norm:
            block.append(nn.BatchNorm1d(linear.out_features))
        block.append(torch_activation(activation))
        if residual and layer > 1:
            modules.append(Residual(nn.Sequential(*block)))
        else:
            modules.extend(block)
    return nn.Sequential(*modules)


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """Every ``nn.Linear`` in ``model``, nested ones included, in the order they were added.

    For the networks of this module and of :mod:`actlib.gradients`, that is forward
    order: layer 1 (next to the input) first.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not layers:
        raise ValueError("model contains no nn.Linear layer")
    return layers


def scale_weights(model: nn.Module, factor: float, *, layers=None) -> nn.Module:
    """Multiply the weights of the chosen linear layers by ``factor``, in place; returns ``model``.

    ``layers`` holds 1-based layer numbers (default: every linear layer). The biases
    are left alone.

    >>> net = deep_mlp("relu", depth=3, width=4, in_features=2, out_features=1)
    >>> before = net[2].weight.clone()
    >>> torch.equal(scale_weights(net, 2.0, layers=[2])[2].weight, 2 * before)
    True
    """
    factor = float(factor)
    if not np.isfinite(factor):
        raise ValueError(f"factor must be a finite number; got {factor}")
    all_layers = linear_layers(model)
    chosen = range(1, len(all_layers) + 1) if layers is None else list(layers)
    with torch.no_grad():
        for number in chosen:
            if isinstance(number, bool) or not isinstance(number, (int, np.integer)) \
                    or not 1 <= number <= len(all_layers):
                raise ValueError(f"layer numbers run from 1 to {len(all_layers)}; got {number!r:.40}")
            all_layers[number - 1].weight.mul_(factor)
    return model


def _inputs(x, y, model: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
    first = linear_layers(model)[0]
    x = torch.as_tensor(x, dtype=first.weight.dtype)
    if x.ndim != 2 or x.shape[1] != first.in_features or x.shape[0] == 0:
        raise ValueError(f"x must have shape (n >= 1, {first.in_features}); got {tuple(x.shape)}")
    y = torch.as_tensor(y, dtype=torch.long)
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must hold one class index per row of x, shape ({x.shape[0]},); "
                         f"got {tuple(y.shape)}")
    return x, y


def weight_gradients(model: nn.Module, x, y) -> list[torch.Tensor]:
    """The gradient of the mean cross-entropy on ``(x, y)`` for each linear layer's weight.

    One tensor per layer, shaped like its weight, layer 1 first. The model's
    gradients are cleared before and after (no side effect on a later optimiser
    step). Their Frobenius norms are what :func:`actlib.gradients.layer_gradient_norms`
    returns for a plain ``deep_mlp``; this function also reaches nested layers
    (residual blocks).
    """
    layers = linear_layers(model)
    x, y = _inputs(x, y, model)
    model.zero_grad(set_to_none=True)
    nn.functional.cross_entropy(model(x), y).backward()
    grads = [layer.weight.grad.detach().clone() for layer in layers]
    model.zero_grad(set_to_none=True)
    return grads


def weight_gradient_rms(model: nn.Module, x, y) -> np.ndarray:
    """The root mean square of each linear layer's weight gradient, layer 1 first (float64).

    For layer k with an ``(n_out, n_in)`` weight matrix,

    .. math:: \\operatorname{rms}(\\partial L / \\partial W_k)
              = \\lVert \\partial L / \\partial W_k \\rVert_F / \\sqrt{n_\\text{out}\\, n_\\text{in}},

    the typical size of one weight's gradient (of the mean cross-entropy on ``(x, y)``,
    from :func:`weight_gradients`), which a step of plain gradient descent multiplies by
    the learning rate. Unlike the Frobenius norm it does not grow with the number of
    weights, so layers of different shapes can be compared. For one example the
    gradient is an outer product and :math:`\\operatorname{rms}(\\delta_k \\mathbf z_{k-1}^\\top)
    = \\operatorname{rms}(\\delta_k)\\, \\operatorname{rms}(\\mathbf z_{k-1})` (see :func:`layer_signals`).

    >>> net = deep_mlp("tanh", depth=3, width=6, in_features=4, out_features=3, seed=1)
    >>> x, y = torch.ones(2, 4), [0, 2]
    >>> rms = weight_gradient_rms(net, x, y)
    >>> norms = np.array([float(g.double().norm()) for g in weight_gradients(net, x, y)])
    >>> bool(np.allclose(rms, norms / np.sqrt([6 * 4, 6 * 6, 3 * 6])))
    True
    """
    return np.array([float(g.double().pow(2).mean().sqrt()) for g in weight_gradients(model, x, y)])


@dataclass(frozen=True)
class LayerSignals:
    """Per linear layer (rows) and per example (columns), float64 arrays.

    ``inputs``: :math:`\\lVert \\mathbf z_{k-1} \\rVert`, the norm of the layer's input;
    ``deltas``: :math:`\\lVert \\delta_k \\rVert = \\lVert \\partial L_n / \\partial \\mathbf u_k \\rVert`,
    the norm of the loss gradient at the layer's output;
    ``weight_grads``: :math:`\\lVert \\partial L_n / \\partial W_k \\rVert_F`, measured
    by autograd for each example on its own; it equals ``inputs * deltas``.
    With ``layer_signals(..., rms=True)`` all three are root mean squares instead (each
    norm divided by the square root of the number of entries), and the identity holds
    the same way.
    """

    inputs: np.ndarray
    deltas: np.ndarray
    weight_grads: np.ndarray


def layer_signals(model: nn.Module, x, y, *, rms: bool = False) -> LayerSignals:
    """The two factors of each linear layer's weight gradient, one example at a time.

    For one example with loss :math:`L_n`, a linear layer
    :math:`\\mathbf u_k = W_k \\mathbf z_{k-1} + \\mathbf b_k` has the weight gradient
    :math:`\\partial L_n / \\partial W_k = \\delta_k \\mathbf z_{k-1}^\\top` with
    :math:`\\delta_k = \\partial L_n / \\partial \\mathbf u_k`: an outer product, whose
    Frobenius norm is :math:`\\lVert \\delta_k \\rVert \\, \\lVert \\mathbf z_{k-1} \\rVert`.
    A layer's gradient can therefore stay the same size while one factor shrinks
    and the other grows. (For a batch, the gradient is the mean of such outer
    products, and the identity no longer holds.) With ``rms=True`` every value is a
    root mean square (the norm over the square root of the number of entries, as in
    :func:`weight_gradient_rms`), and the identity holds the same way.

    The model must treat examples independently: batch normalisation in training
    mode mixes them, and raises ``ValueError`` (call ``model.eval()`` first).

    >>> net = deep_mlp("tanh", depth=3, width=6, in_features=4, out_features=3, seed=1)
    >>> s = layer_signals(net, torch.ones(2, 4), [0, 2])
    >>> s.deltas.shape
    (3, 2)
    >>> bool(np.allclose(s.weight_grads, s.inputs * s.deltas))
    True
    >>> r = layer_signals(net, torch.ones(2, 4), [0, 2], rms=True)
    >>> bool(np.allclose(r.weight_grads, r.inputs * r.deltas))
    True
    """
    if any(isinstance(m, nn.modules.batchnorm._BatchNorm) and m.training for m in model.modules()):
        raise ValueError("batch normalisation in training mode mixes the examples of a batch: "
                         "call model.eval() first")
    layers = linear_layers(model)
    x, y = _inputs(x, y, model)
    inputs, outputs = {}, {}

    def remember(layer, args, output):
        inputs[layer] = args[0].detach()
        output.retain_grad()
        outputs[layer] = output

    hooks = [layer.register_forward_hook(remember) for layer in layers]
    try:
        model.zero_grad(set_to_none=True)
        # Summed, not averaged: row n of each output's gradient is then dL_n/du_k.
        nn.functional.cross_entropy(model(x), y, reduction="sum").backward()
    finally:
        for hook in hooks:
            hook.remove()
        model.zero_grad(set_to_none=True)
    size = _rms if rms else _norm
    z = np.array([size(inputs[layer].double(), dim=1).numpy() for layer in layers])
    d = np.array([size(outputs[layer].grad.double(), dim=1).numpy() for layer in layers])
    weight_grads = np.empty_like(z)
    for n in range(x.shape[0]):  # the per-example gradient, measured, not multiplied out
        grads = weight_gradients(model, x[n:n + 1], y[n:n + 1])
        weight_grads[:, n] = [float(size(g.double())) for g in grads]
    return LayerSignals(inputs=z, deltas=d, weight_grads=weight_grads)


def _norm(t: torch.Tensor, dim=None) -> torch.Tensor:
    return t.norm() if dim is None else t.norm(dim=dim)


def _rms(t: torch.Tensor, dim=None) -> torch.Tensor:
    return t.pow(2).mean().sqrt() if dim is None else t.pow(2).mean(dim=dim).sqrt()


@functools.lru_cache(maxsize=4)
def mnist_subsets(n_train: int = 4000, n_val: int = 2000):
    """``(x_train, y_train), (x_val, y_val)``: the first MNIST training images, pixels / 255.

    The chapter's split: the first ``n_train`` of MNIST's 60,000 training images to
    train on and the next ``n_val`` to validate on, flattened to 784 float32 values in
    [0, 1], labels as int64 tensors. The test set is not touched. The result is
    cached: every call returns the same tensors (do not modify them in place).
    """
    from .datasets import load_mnist

    n_train, n_val = _positive_int(n_train, "n_train"), _positive_int(n_val, "n_val")
    if n_train + n_val > 60_000:
        raise ValueError(f"n_train + n_val must be at most 60,000; got {n_train + n_val:,}")
    (images, labels), _ = load_mnist()

    def part(start, stop):
        x = torch.tensor(images[start:stop].reshape(stop - start, -1) / 255.0, dtype=torch.float32)
        return x, torch.tensor(labels[start:stop], dtype=torch.long)

    return part(0, n_train), part(n_train, n_train + n_val)


OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}


def train(model: nn.Module, x, y, *, lr: float, steps: int = 150, batch_size: int = 100,
          optimizer: str = "adam", seed: int = 0, **options) -> nn.Module:
    """Train ``model`` in place on random mini-batches of ``(x, y)``; returns ``model``.

    Each of ``steps`` steps draws ``batch_size`` indices with replacement from a
    private generator seeded with ``seed`` and takes one step of ``optimizer``
    (``"adam"``: ``torch.optim.Adam(lr=lr)``; ``"sgd"``: plain gradient descent,
    :math:`W \\leftarrow W - \\eta\\, \\partial L / \\partial W` with the learning rate
    :math:`\\eta` = ``lr``) on the mean cross-entropy. ``options`` go to the optimizer
    (e.g. ``eps=1e-12`` for Adam).
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {optimizer!r:.40}")
    lr = float(lr)
    if not lr > 0 or not np.isfinite(lr):
        raise ValueError(f"lr must be a positive number; got {lr}")
    steps, batch_size = _positive_int(steps, "steps"), _positive_int(batch_size, "batch_size")
    x, y = _inputs(x, y, model)
    generator = torch.Generator().manual_seed(int(seed))
    opt = OPTIMIZERS[optimizer](model.parameters(), lr=lr, **options)
    model.train()
    for _ in range(steps):
        batch = torch.randint(0, len(x), (batch_size,), generator=generator)
        loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


@torch.no_grad()
def evaluate(model: nn.Module, x, y) -> tuple[float, float]:
    """``(mean cross-entropy, accuracy)`` of ``model`` on ``(x, y)``, in evaluation mode.

    The model is put in evaluation mode (batch normalisation then uses its running
    statistics) and left there.
    """
    x, y = _inputs(x, y, model)
    model.eval()
    logits = model(x)
    loss = float(nn.functional.cross_entropy(logits.double(), y))
    return loss, float((logits.argmax(dim=1) == y).double().mean())


def sigmoid_twin(tanh_model: nn.Sequential) -> nn.Sequential:
    """The sigmoid network that computes exactly what the tanh network ``tanh_model`` computes.

    ``tanh_model`` alternates ``nn.Linear`` and ``nn.Tanh`` (as from ``deep_mlp("tanh", ...)``).
    With :math:`\\sigma(2u) = (1 + \\tanh u)/2`, the twin's hidden outputs are
    :math:`\\mathbf s_k = (\\mathbf 1 + \\mathbf z_k)/2` when its linear layers are
    :math:`V_1 = 2W_1,\\ \\mathbf c_1 = 2\\mathbf b_1`;
    :math:`V_k = 4W_k,\\ \\mathbf c_k = 2\\mathbf b_k - 2W_k\\mathbf 1` for the hidden layers after the
    first; and :math:`V_D = 2W_D,\\ \\mathbf c_D = \\mathbf b_D - W_D\\mathbf 1` for the output layer
    (layer D, the last), which gives the same logits. Here :math:`\\mathbf z_k` are the tanh
    network's hidden outputs and :math:`W_k, \\mathbf b_k` its weights and biases.

    >>> tanh_net = deep_mlp("tanh", depth=4, width=5, in_features=3, out_features=2, seed=0)
    >>> x = torch.randn(7, 3, generator=torch.Generator().manual_seed(1))
    >>> bool(torch.allclose(sigmoid_twin(tanh_net)(x), tanh_net(x), atol=1e-5))
    True
    """
    if not isinstance(tanh_model, nn.Sequential) or not all(
            isinstance(m, nn.Linear if i % 2 == 0 else nn.Tanh) for i, m in enumerate(tanh_model)) \
            or len(tanh_model) % 2 == 0:
        raise TypeError("tanh_model must be an nn.Sequential alternating nn.Linear and nn.Tanh "
                        "and ending with nn.Linear (as deep_mlp('tanh', ...) builds)")
    linears = list(tanh_model[::2])
    modules: list[nn.Module] = []
    with torch.no_grad():
        for layer, t in enumerate(linears, start=1):
            s = nn.Linear(t.in_features, t.out_features, dtype=t.weight.dtype)
            row_sums = t.weight.sum(dim=1)
            if layer == 1:
                s.weight.copy_(2 * t.weight)
                s.bias.copy_(2 * t.bias)
            elif layer < len(linears):
                s.weight.copy_(4 * t.weight)
                s.bias.copy_(2 * t.bias - 2 * row_sums)
            else:
                s.weight.copy_(2 * t.weight)
                s.bias.copy_(t.bias - row_sums)
            modules.append(s)
            if layer < len(linears):
                modules.append(nn.Sigmoid())
    return nn.Sequential(*modules)


__all__ = ["OPTIMIZERS", "LayerSignals", "Residual", "evaluate", "layer_signals", "linear_layers",
           "mnist_subsets", "rescued_mlp", "scale_weights", "sigmoid_twin", "train", "weight_gradient_rms",
           "weight_gradients"]
