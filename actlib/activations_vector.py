"""Activations of a whole axis: softmin, sparsemax and (from :mod:`actlib.losses`) log-softmax.

Like :func:`actlib.softmax`, each maps a vector of scores along ``axis`` to a vector of
the same size; a NaN anywhere in a vector makes all of it NaN. Their Jacobian-vector
products are in :mod:`actlib.derivatives_vector`.

* :func:`softmin`, softmax of the negated scores: most weight on the smallest;
* :func:`log_softmax`, the logarithm of the softmax computed from the scores; it is
  :func:`actlib.losses.log_softmax`, the one the losses use, not a second copy;
* :func:`sparsemax` (Martins & Astudillo, 2016), the Euclidean projection onto the
  probability simplex: a distribution, like the softmax's, but with exact zeros.
"""

from __future__ import annotations

import numpy as np

from ._numerics import float_in_float_out, from_last_axis, on_last_axis
from .activations import softmax
from .losses import log_softmax

__all__ = ["log_softmax", "softmin", "sparsemax"]


@float_in_float_out()
def softmin(x, axis: int = -1):
    r"""Softmin along ``axis``: the softmax of :math:`-x`, a distribution that favours the smallest scores.

    .. math:: \operatorname{softmin}(x)_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}} = \operatorname{softmax}(-x)_i

    Examples
    --------
    >>> softmin([0.0, 1000.0, 0.0])
    array([0.5, 0. , 0.5])
    """
    return softmax(-x, axis=axis)


@float_in_float_out()
def sparsemax(x, axis: int = -1):
    r"""Sparsemax along ``axis`` (Martins & Astudillo, 2016): the closest point of the probability simplex.

    .. math:: \operatorname{sparsemax}(x) = \operatorname*{arg\,min}_{p \in \Delta} \|p - x\|^2
              = \max(x - \tau(x), 0)

    where the threshold :math:`\tau` makes the result sum to 1: with :math:`x_{(1)} \ge
    x_{(2)} \ge \dots` sorted, :math:`k` the largest index with :math:`1 + k\,x_{(k)} >
    \sum_{j \le k} x_{(j)}` (the support's size), :math:`\tau = (\sum_{j \le k} x_{(j)} - 1)/k`.
    Scores 1 or more below the largest get exactly 0. Shifting every score by the same
    amount changes nothing, so the largest is subtracted first, and scores below -1
    then count as -1 in the sums: they stay small for any finite input.

    Examples
    --------
    >>> sparsemax([1.0, 0.5, -1.0])  # tau = 0.25
    array([0.75, 0.25, 0.  ])
    >>> sparsemax([[0.0, 0.0], [3.0, 0.0]])
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    z, axis = on_last_axis(x, axis, "sparsemax")
    with np.errstate(over="ignore"):  # z - max can round to -inf near the dtype's max: that entry gets 0, rightly
        z = z - np.max(z, axis=-1, keepdims=True)
    # Scores 1 or more below the largest are never in the support (tau >= max - 1); raising them
    # to exactly 1 below keeps them out and the cumulative sums small.
    descending = -np.sort(-np.maximum(z, -1), axis=-1)
    cumulative = np.cumsum(descending, axis=-1)
    k = np.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    size = np.sum(1 + k * descending > cumulative, axis=-1, keepdims=True)  # the support is a prefix
    size = np.maximum(size, 1)  # 0 only for a row with a NaN, whose result is NaN anyway
    tau = (np.take_along_axis(cumulative, size - 1, axis=-1) - 1) / size
    return from_last_axis(np.maximum(z - tau, 0), axis)
