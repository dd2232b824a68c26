"""What one hidden layer can approximate, and what depth adds (chapter 2).

Networks here are lists of ``(W, b)`` pairs in :mod:`actlib.network`'s layout
(``W`` of shape ``(n_out, n_in)``, examples as rows), so every result runs through
:func:`actlib.network.forward`.

* :func:`evenly_spaced_units` - a hidden layer of ``width`` units on one input whose
  bends (ReLU) or centres (sigmoid-like) are spread evenly over an interval
* :func:`fit_output_layer` - keep a hidden layer fixed and fit the output layer by least
  squares: the network ``y = W2 h(W1 x + b1) + b2`` closest to the data
* :func:`sawtooth_layers` - the deep, narrow ReLU network that computes the tent map
  composed ``depth`` times, a sawtooth with ``2**depth`` linear pieces (Telgarsky 2016)
* :func:`count_linear_pieces` - the number of linear pieces of a function sampled on a grid

Examples
--------
>>> import numpy as np
>>> from actlib.network import forward
>>> x = np.linspace(0.0, 1.0, 1025)
>>> y = forward(x[:, None], sawtooth_layers(3), hidden="relu")[:, 0]
>>> count_linear_pieces(x, y)
8
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, integer, real_parameter
from .network import forward
from .registry import get


def _interval(interval) -> tuple[float, float]:
    """Check an ``(low, high)`` pair with ``low < high`` and return it as floats."""
    try:
        low, high = (float(v) for v in interval)
    except (TypeError, ValueError):
        raise TypeError(f"interval must be a pair of numbers (low, high); got {interval!r:.40}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"interval must satisfy low < high, both finite; got ({low}, {high})")
    return low, high


def evenly_spaced_units(width, activation="relu", *, interval=(0.0, 1.0), slope=None):
    r"""A hidden layer ``(W1, b1)`` of ``width`` units on one input, spread evenly over ``interval``.

    For ``"relu"`` unit ``j`` is :math:`\max(0, x - c_j)` with its bend at
    :math:`c_j = a + (b - a)\,j / n`, ``j = 0, ..., n - 1`` (``n = width``, ``[a, b] = interval``):
    with a free output layer these units represent every continuous function that is
    linear between consecutive bends, the piecewise-linear interpolants.

    For any other activation (sigmoid, tanh, ...) unit ``j`` is
    :math:`h(s\,(x - c_j))` centred at :math:`c_j = a + (b - a)(j + \tfrac12) / n`, with
    slope ``s`` (default :math:`4n / (b - a)`, so that each unit turns from low to high over
    about one spacing).

    Returns ``W1`` of shape ``(width, 1)`` and ``b1`` of shape ``(width,)``.

    >>> W1, b1 = evenly_spaced_units(4)
    >>> W1[:, 0], b1
    (array([1., 1., 1., 1.]), array([-0.  , -0.25, -0.5 , -0.75]))
    >>> evenly_spaced_units(2, "sigmoid", slope=10.0)[1]
    array([-2.5, -7.5])
    """
    n = integer(width, "width", minimum=1)
    name = get(activation).name if isinstance(activation, str) else None
    if name is None:
        raise TypeError(f"activation must be a registry name such as 'relu'; got {activation!r:.40}")
    low, high = _interval(interval)
    if name == "relu":
        if slope is not None:
            raise ValueError("slope applies to sigmoid-like units only; ReLU units have slope 1")
        centres = low + (high - low) * np.arange(n) / n
        s = 1.0
    else:
        centres = low + (high - low) * (np.arange(n) + 0.5) / n
        default = 4.0 * n / (high - low)
        s = default if slope is None else real_parameter(slope, "slope", above=0.0)
    return np.full((n, 1), s), -s * centres


def fit_output_layer(x, y, hidden_layer, activation="relu"):
    r"""Fit the output layer of a one-hidden-layer network by least squares; return its two layers.

    The hidden layer ``(W1, b1)`` is kept as given; with :math:`H = h(X W_1^\top + b_1)`
    (one row per example) the output weights and bias minimise

    .. math:: \sum_n \bigl(H_n W_2^\top + b_2 - y_n\bigr)^2,

    a linear least-squares problem (solved by ``numpy.linalg.lstsq``). ``x`` has shape
    ``(N,)`` or ``(N, n_in)``, ``y`` shape ``(N,)``. Returns ``[(W1, b1), (W2, b2)]`` for
    ``forward(x, layers, hidden=activation, output="identity")``.

    >>> x = np.linspace(0.0, 1.0, 5)
    >>> layers = fit_output_layer(x, np.abs(x - 0.5), evenly_spaced_units(2))
    >>> np.round(layers[1][0], 6) + 0.0, np.round(layers[1][1], 6) + 0.0
    (array([[-1.,  2.]]), array([0.5]))
    """
    xs, _ = as_float_array(x, "x")
    if xs.ndim == 1:
        xs = xs[:, None]
    ys, _ = as_float_array(y, "y")
    if ys.ndim != 1 or ys.shape[0] != xs.shape[0]:
        raise ValueError(f"y must have shape ({xs.shape[0]},), one target per example; got {ys.shape}")
    if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
        raise ValueError("x and y must be finite")
    hidden = forward(xs, [hidden_layer], output=activation)
    design = np.column_stack([hidden, np.ones(len(xs))])
    coef, *_ = np.linalg.lstsq(design, ys, rcond=None)
    W1, b1 = (np.array(a, dtype=float) for a in hidden_layer)
    return [(W1, b1), (coef[None, :-1], coef[-1:])]


def sawtooth_layers(depth):
    r"""The ReLU network of ``depth`` hidden layers of 2 units computing the tent map ``depth`` times.

    The tent map :math:`t(x) = 2\max(0, x) - 4\max(0, x - \tfrac12)` takes ``[0, 1]`` onto
    itself (up from 0 to 1, then down); composed ``depth`` times it is a sawtooth with
    :math:`2^\text{depth}` linear pieces (Telgarsky, 2016). Each hidden layer computes
    :math:`\max(0, v)` and :math:`\max(0, v - \tfrac12)` of the previous tent's output
    :math:`v`; a network with :math:`2 \cdot \text{depth}` hidden units in all. Use with
    ``forward(x, layers, hidden="relu", output="identity")``.

    >>> [W.shape for W, _ in sawtooth_layers(3)]
    [(2, 1), (2, 2), (2, 2), (1, 2)]
    """
    k = integer(depth, "depth", minimum=1)
    tent_out = np.array([2.0, -4.0])
    halves = np.array([0.0, -0.5])
    layers = [(np.array([[1.0], [1.0]]), halves.copy())]
    layers += [(np.array([tent_out, tent_out]), halves.copy()) for _ in range(k - 1)]
    layers.append((tent_out[None, :].copy(), np.array([0.0])))
    return layers


def count_linear_pieces(x, y, *, rtol=1e-9):
    r"""The number of linear pieces of a function sampled at sorted, evenly spaced ``x``.

    A bend shows as a non-zero second difference :math:`y_{i+1} - 2y_i + y_{i-1}`
    (compared with ``rtol`` times the range of ``y``, at least 1); a bend inside a grid
    step shows in two neighbouring second differences, so each run of consecutive
    non-zero ones counts as one bend. Pieces = bends + 1. The count is exact when
    every piece spans at least three grid steps; bends closer together merge.

    >>> x = np.linspace(-1.0, 1.0, 201)
    >>> count_linear_pieces(x, np.abs(x)), count_linear_pieces(x, 3 * x + 1)
    (2, 1)
    """
    xs, _ = as_float_array(x, "x")
    ys, _ = as_float_array(y, "y")
    if xs.ndim != 1 or xs.shape != ys.shape or xs.size < 3:
        raise ValueError(f"x and y must be 1-D of the same length, at least 3; got {xs.shape} and {ys.shape}")
    steps = np.diff(xs)
    if not (np.all(np.isfinite(ys)) and np.all(steps > 0)
            and np.allclose(steps, steps[0], rtol=1e-6, atol=0)):
        raise ValueError("x must be sorted and evenly spaced, and y finite")
    tolerance = real_parameter(rtol, "rtol", minimum=0.0) * max(float(np.ptp(ys)), 1.0)
    bent = np.abs(np.diff(ys, 2)) > tolerance
    run_starts = bent & ~np.concatenate([[False], bent[:-1]])
    return 1 + int(run_starts.sum())
