"""Fully connected (dense) layers and multi-layer forward passes in NumPy.

The book keeps article 004's orientation of a weight matrix: ``W`` has one
**row per output unit** and one column per input, shape ``(n_out, n_in)``, so
that a single input vector goes through a layer as

.. math:: u = W x + b, \\qquad z = h(u).

A *batch* of inputs is stored one example per row, ``X`` of shape
``(batch, n_in)``; the same layer is then one matrix product,

.. math:: U = X W^\\top + b \\quad (\\text{shape } (\\text{batch}, n_\\text{out})),

with ``b`` added to every row. PyTorch's ``nn.Linear.weight`` has this
``(out, in)`` shape too; a Keras ``Dense`` kernel is stored the other way
round, ``(in, out)``, i.e. ``W.T``.

* :func:`dense` - one layer, ``h(X W^T + b)``
* :func:`forward` - a stack of layers; with ``return_stages=True`` it also
  returns every intermediate ``u1, z1, u2, z2, ..., uL, y``
* :func:`article_004_layers`, :data:`ARTICLE_004_X` - the 2 -> 3 -> 2 -> 2
  network of article 004 and its input
* :func:`article_003_xor_layers` - the hand-set 2-2-1 XOR network of article 003
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._validation import as_float_array
from .registry import get

#: The input of article 004's worked example.
ARTICLE_004_X = (1.0, 0.5)


def article_004_layers() -> list[tuple[np.ndarray, np.ndarray]]:
    """Article 004's network 2 -> 3 -> 2 -> 2 as ``[(W1, b1), (W2, b2), (W3, b3)]`` (fresh copies).

    ``W`` has shape ``(n_out, n_in)``. With sigmoid hidden layers and an identity
    output, ``forward(ARTICLE_004_X, article_004_layers())`` is
    ``[0.31682708, 0.69627909]``.

    Examples::

        >>> [w.shape for w, b in article_004_layers()]
        [(3, 2), (2, 3), (2, 2)]
        >>> forward(ARTICLE_004_X, article_004_layers())
        array([0.31682708, 0.69627909])
    """
    return [
        (np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]), np.array([0.1, 0.2, 0.3])),
        (np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]), np.array([0.1, 0.2])),
        (np.array([[0.1, 0.2], [0.3, 0.4]]), np.array([0.1, 0.2])),
    ]


def article_003_xor_layers() -> list[tuple[np.ndarray, np.ndarray]]:
    """Article 003's hand-set 2-2-1 XOR network as ``[(W1, b1), (W2, b2)]`` (fresh copies).

    Hidden units ``z1 = 10 x1 + 10 x2 - 5`` and ``z2 = -10 x1 - 10 x2 + 15``, output
    ``y = 10 f(z1) + 10 f(z2) - 15``; use it with ``hidden="sigmoid", output="sigmoid"``.

    Examples::

        >>> corners = [[0, 0], [0, 1], [1, 0], [1, 1]]
        >>> y = forward(corners, article_003_xor_layers(), hidden="sigmoid", output="sigmoid")
        >>> y.round(4).ravel()
        array([0.0072, 0.9924, 0.9924, 0.0072])
    """
    return [
        (np.array([[10.0, 10.0], [-10.0, -10.0]]), np.array([-5.0, 15.0])),
        (np.array([[10.0, 10.0]]), np.array([-15.0])),
    ]


def _activation(activation, where: str) -> Callable:
    """Resolve an activation given by registry name (``"relu"``) or as a callable."""
    if callable(activation):
        return activation
    if not isinstance(activation, str):
        raise TypeError(f"{where}: activation must be a name such as 'sigmoid' or a function; "
                        f"got {type(activation).__name__} {activation!r:.40}")
    record = get(activation)  # raises ValueError naming the known activations
    if not record.elementwise and record.name != "softmax":
        raise ValueError(f"{where}: {record.name} needs weights of its own and cannot be used as a "
                         "layer's activation here; use an elementwise activation or 'softmax'")
    return record.function


def _layer_arrays(weights, bias, n_in: int, where: str, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Check one layer's ``W`` (n_out, n_in) and ``b`` (n_out,) and return them as float arrays.

    ``source`` names what feeds the layer (``"x"``, ``"layer 1's output"``) for the error message.
    """
    w, _ = as_float_array(weights, f"{where} weights")
    b, _ = as_float_array(bias, f"{where} bias")
    if w.ndim != 2:
        raise ValueError(f"{where}: weights must be a matrix of shape (n_out, {n_in}) "
                         f"(one row per output unit); got shape {w.shape}")
    if w.shape[1] != n_in:
        hint = "; if it is a Keras-style (n_in, n_out) kernel, pass its transpose" if w.shape[0] == n_in else ""
        raise ValueError(f"{where}: weights must have shape (n_out, {n_in}) because {source} has {n_in} "
                         f"value(s) per example; got shape {w.shape}{hint}")
    if b.shape != (w.shape[0],):
        raise ValueError(f"{where}: bias must have shape ({w.shape[0]},), one per output unit; "
                         f"got shape {b.shape}")
    return w, b


def _input_array(x) -> np.ndarray:
    a, _ = as_float_array(x, "x")
    if a.ndim not in (1, 2):
        raise ValueError(f"x must have shape (n_in,) for one input or (batch, n_in) for a batch; "
                         f"got shape {a.shape}")
    return a


def dense(x, weights, bias, activation="identity") -> np.ndarray:
    r"""One fully connected layer: ``activation(x @ weights.T + bias)``.

    .. math:: z = h(W x + b)

    ``x`` has shape ``(n_in,)`` or ``(batch, n_in)``, ``weights`` ``(n_out, n_in)``
    and ``bias`` ``(n_out,)``; the result has shape ``(n_out,)`` or
    ``(batch, n_out)``. ``activation`` is a registry name (``"sigmoid"``,
    ``"relu"``, ...) or a function.

    Examples::

        >>> dense([1.0, 2.0], [[1.0, -1.0], [0.5, 0.5]], [0.0, 0.5], "relu")
        array([0., 2.])
        >>> dense([1.0, 2.0], np.ones((2, 3)), np.zeros(3))
        Traceback (most recent call last):
        ...
        ValueError: dense: weights must have shape (n_out, 2) because x has 2 value(s) per example; got ...
    """
    a = _input_array(x)
    w, b = _layer_arrays(weights, bias, a.shape[-1], "dense", "x")
    return _activation(activation, "dense")(a @ w.T + b)


def forward(x, layers: Sequence, *, hidden="sigmoid", output="identity", return_stages: bool = False):
    r"""Forward pass through a stack of dense layers.

    ``layers`` is a sequence of ``(W, b)`` pairs, ``W`` of shape ``(n_out, n_in)``.
    Every layer but the last applies ``hidden``; the last applies ``output``:

    .. math:: u_k = W_k z_{k-1} + b_k, \quad z_k = h(u_k), \quad y = h_\text{out}(u_L), \quad z_0 = x

    ``x`` is one input ``(n_in,)`` or a batch ``(batch, n_in)``. Returns ``y``; with
    ``return_stages=True`` returns ``(y, stages)``, ``stages`` a dict
    ``{"u1": ..., "z1": ..., ..., "uL": ..., "y": ...}`` in order of computation.

    Examples::

        >>> y, stages = forward(ARTICLE_004_X, article_004_layers(), return_stages=True)
        >>> list(stages)
        ['u1', 'z1', 'u2', 'z2', 'u3', 'y']
        >>> stages["u1"]  # W1 x + b1
        array([0.3, 0.7, 1.1])
    """
    z = _input_array(x)
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence) or len(layers) == 0:
        raise ValueError("layers must be a non-empty list of (W, b) pairs")
    hidden_fn = _activation(hidden, "hidden")
    output_fn = _activation(output, "output")
    stages = {}
    for k, layer in enumerate(layers, start=1):
        where = f"layer {k}"
        if not isinstance(layer, (tuple, list)) or len(layer) != 2:
            raise ValueError(f"{where}: expected a (W, b) pair; got {type(layer).__name__}")
        source = "x" if k == 1 else f"layer {k - 1}'s output"
        w, b = _layer_arrays(layer[0], layer[1], z.shape[-1], where, source)
        u = z @ w.T + b
        last = k == len(layers)
        z = (output_fn if last else hidden_fn)(u)
        stages[f"u{k}"] = u
        stages["y" if last else f"z{k}"] = z
    return (z, stages) if return_stages else z
