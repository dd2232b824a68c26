r"""Jacobian-vector products of the activations of a whole axis.

A vector-valued function has no scalar derivative; what backpropagation and forward-mode
differentiation use is its Jacobian :math:`J(x)` applied to a vector. Each ``*_jvp(x, v,
axis)`` here returns :math:`J(x)\,v`, the change of the output when ``x`` moves along
``v`` (``torch.func.jvp`` computes the same), for ``v`` of ``x``'s shape; the result
has ``x``'s dtype. Each Jacobian is symmetric, so :math:`J^\top v` (a vector-Jacobian
product, what backpropagation needs) is the same vector.

* softmax: :math:`J = \operatorname{diag}(p) - p p^\top` (:func:`actlib.losses.softmax_jacobian`);
* softmin, softmax of :math:`-x`: :math:`-J_\text{softmax}(-x)`;
* log-softmax: :math:`J v = v - \langle p, v \rangle`, with :math:`p` the softmax;
* sparsemax: :math:`J = \operatorname{diag}(s) - s s^\top / |S|` on the support :math:`S`
  (:math:`s` its indicator): the change is :math:`v` minus its mean over the support,
  on the support, and 0 off it.
"""

from __future__ import annotations

import numpy as np

from ._numerics import float_in_float_out, from_last_axis, on_last_axis, tangent
from .activations import softmax
from .activations_vector import sparsemax
from .losses import softmax_jacobian

__all__ = ["log_softmax_jvp", "softmax_jvp", "softmin_jvp", "sparsemax_jvp"]


@float_in_float_out()
def softmax_jvp(x, v, axis: int = -1):
    r"""Softmax's Jacobian-vector product, :math:`(\operatorname{diag}(p) - p p^\top)\,v`, along ``axis``.

    Built on :func:`actlib.losses.softmax_jacobian`.

    Examples
    --------
    >>> softmax_jvp([0.0, 0.0], [1.0, 0.0])  # raising one of two equal scores
    array([ 0.25, -0.25])
    """
    z, axis = on_last_axis(x, axis, "softmax_jvp")
    t = np.moveaxis(tangent(v, x, "softmax_jvp"), axis, -1)
    return from_last_axis(np.einsum("...ij,...j->...i", softmax_jacobian(z), t), axis)


@float_in_float_out()
def softmin_jvp(x, v, axis: int = -1):
    r"""Softmin's Jacobian-vector product: :math:`-J_\text{softmax}(-x)\,v`.

    Examples
    --------
    >>> softmin_jvp([0.0, 0.0], [1.0, 0.0])  # raising a score lowers its weight
    array([-0.25,  0.25])
    """
    return -softmax_jvp(-x, tangent(v, x, "softmin_jvp"), axis=axis)


@float_in_float_out()
def log_softmax_jvp(x, v, axis: int = -1):
    r"""Log-softmax's Jacobian-vector product, :math:`v - \langle \operatorname{softmax}(x), v \rangle`.

    Examples
    --------
    >>> log_softmax_jvp([0.0, 0.0], [1.0, 0.0])
    array([ 0.5, -0.5])
    """
    t = tangent(v, x, "log_softmax_jvp")
    return t - np.sum(softmax(x, axis=axis) * t, axis=axis, keepdims=True)


@float_in_float_out()
def sparsemax_jvp(x, v, axis: int = -1):
    r"""Sparsemax's Jacobian-vector product: on the support, :math:`v` minus its mean there; 0 off it.

    .. math:: J v = s \odot \Bigl(v - \frac{\sum_{i \in S} v_i}{|S|}\Bigr), \quad
              S = \{i : \operatorname{sparsemax}(x)_i > 0\}

    Where a score sits exactly on the support's edge (its output is 0 but would turn
    positive for any increase) the Jacobian jumps; we count it out of the support.

    Examples
    --------
    >>> sparsemax_jvp([1.0, 0.5, -1.0], [1.0, 0.0, 5.0])  # the third is off the support
    array([ 0.5, -0.5,  0. ])
    """
    t = tangent(v, x, "sparsemax_jvp")
    p = sparsemax(x, axis=axis)
    support = p > 0
    size = np.sum(support, axis=axis, keepdims=True)  # >= 1 but in a row with a NaN
    mean = np.sum(np.where(support, t, 0), axis=axis, keepdims=True) / np.maximum(size, 1)
    return np.where(np.isnan(p), p, np.where(support, t - mean, 0))  # a NaN row stays NaN
