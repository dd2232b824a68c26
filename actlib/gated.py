r"""Gated units: GLU, Shazeer's (2020) variants SwiGLU, GEGLU and ReGLU, and the
feed-forward block of a transformer built on them.

A gated unit splits its input ``x`` along one axis into two halves of equal size, the
first half :math:`a` and the second half :math:`b`, and multiplies the first by a function
of the second:

.. math:: \operatorname{unit}(x) = a \odot f(b), \qquad x = [a, b] \text{ along ``axis``},

with :math:`f = \sigma` (GLU), Swish with :math:`\beta = 1`, i.e. SiLU (SwiGLU), GELU
(GEGLU) or ReLU (ReGLU). The output has half of ``x``'s size along ``axis``. (The names
:math:`a`, :math:`b` are those of PyTorch's and Keras's documentation; the book's section
"Gated units" writes the value half :math:`a` as :math:`\mathbf{v}`, the gate half
:math:`b` as :math:`\mathbf{g}`, and the tangent ``v`` of the ``*_jvp`` functions as
:math:`\mathbf{d}`.) Each
:math:`f` is actlib's own (:func:`actlib.sigmoid`, :func:`actlib.silu`,
:func:`actlib.gelu`, :func:`actlib.relu`), and each Jacobian-vector product is built on
its derivative in :mod:`actlib.derivatives`.

**Which half goes through f.** :func:`glu` is ``torch.nn.functional.glu`` and
``keras.activations.glu``: :math:`\operatorname{GLU}(a, b) = a \odot \sigma(b)`, the
*second* half gates the first. That is Dauphin et al.'s (2017) layer
:math:`(XW + b) \otimes \sigma(XV + c)`, its linear projection first. actlib keeps this
convention for all four units, so that SwiGLU is GLU with :math:`\sigma` replaced by
Swish, and so on. Shazeer (2020) writes the activated projection first,
:math:`\operatorname{FFN}_\text{SwiGLU}(x) = (\operatorname{Swish}_1(xW) \otimes xV)\,W_2`
(``x`` a row vector); in actlib's convention that is
``swiglu(np.concatenate([x @ V, x @ W], axis=-1)) @ W2``: his :math:`xV` is the first
half, his activated :math:`xW` the second. The product commutes, so only the order of
the halves differs.

Like :mod:`actlib.activations`, every function here keeps float16/32/64 dtypes (ints
and bools become float64), maps NaN to NaN in every output it enters, and is finite,
with no warnings, for every finite input whose true value is a finite number of its
dtype (a product of two huge numbers overflows to ``inf``, as it must). The input rules
come from :func:`actlib._numerics.float_in_float_out`.
"""

from __future__ import annotations

import functools

import numpy as np

from ._numerics import boolean, checked_axis, float_in_float_out
from ._validation import as_float_array
from .activations import gelu, relu, sigmoid, silu
from .derivatives import d_gelu, d_relu, d_sigmoid, d_silu

__all__ = ["FEED_FORWARD_KINDS", "feed_forward", "geglu", "geglu_jvp", "glu", "glu_jvp", "reglu", "reglu_jvp",
           "swiglu", "swiglu_jvp"]


def _halves(x: np.ndarray, axis, function: str) -> tuple[np.ndarray, np.ndarray]:
    """The first and second half of ``x`` along ``axis``, or an error that says why not.

    Examples
    --------
    >>> _halves(np.arange(6.0).reshape(2, 3), -1, "glu")
    Traceback (most recent call last):
    ...
    ValueError: glu splits axis -1 into two halves of equal size, but its size is 3 (x has shape (2, 3)), which is odd
    """
    axis = checked_axis(x, axis, function)
    size = x.shape[axis]
    if size % 2:
        raise ValueError(f"{function} splits axis {axis} into two halves of equal size, but its size is {size} "
                         f"(x has shape {x.shape}), which is odd")
    a, b = np.split(x, 2, axis=axis)
    return a, b


def _tangent(v, x: np.ndarray, function: str) -> np.ndarray:
    """The tangent ``v`` as an array of ``x``'s shape and (working) dtype."""
    t, _ = as_float_array(v, "v")
    if t.shape != x.shape:
        raise ValueError(f"{function}: the tangent v must have the shape of x, {x.shape}; got {t.shape}")
    return t.astype(x.dtype, copy=False)


def _unit(x: np.ndarray, axis, function: str, f) -> np.ndarray:
    """``a * f(b)`` for ``x = [a, b]`` along ``axis``: the formula of all four units."""
    a, b = _halves(x, axis, function)
    return a * f(b)


def _unit_jvp(x: np.ndarray, v, axis, function: str, f, d_f) -> np.ndarray:
    """``v_a * f(b) + a * f'(b) * v_b``: the Jacobian-vector product of :func:`_unit`."""
    a, b = _halves(x, axis, function)
    va, vb = _halves(_tangent(v, x, function), axis, function)
    return va * f(b) + a * (d_f(b) * vb)


# --- the four units --------------------------------------------------------------------

@float_in_float_out()
def glu(x, axis: int = -1):
    r"""Gated linear unit (Dauphin et al., 2017): the first half times the sigmoid of the second.

    .. math:: \operatorname{GLU}(x) = a \odot \sigma(b), \qquad x = [a, b] \text{ along ``axis``}

    As ``torch.nn.functional.glu(x, dim=axis)`` and ``keras.activations.glu(x, axis)``.
    ``axis`` must have an even size; the result has half of it.

    Examples
    --------
    >>> glu([1.0, 2.0, 0.0, 0.0])  # sigma(0) = 1/2
    array([0.5, 1. ])
    >>> glu([[3.0, 1000.0], [-1.0, -1000.0]], axis=0)  # the gate closes at -1000
    array([[0.80682426, 0.        ]])
    >>> glu([1.0, 2.0, 3.0])
    Traceback (most recent call last):
    ...
    ValueError: glu splits axis -1 into two halves of equal size, but its size is 3 (x has shape (3,)), which is odd
    """
    return _unit(x, axis, "glu", sigmoid)


@float_in_float_out()
def swiglu(x, axis: int = -1):
    r"""SwiGLU (Shazeer, 2020): the first half times Swish (β = 1, i.e. SiLU) of the second.

    .. math:: \operatorname{SwiGLU}(x) = a \odot \operatorname{swish}(b) = a \odot b\,\sigma(b),
              \qquad x = [a, b] \text{ along ``axis``}

    Shazeer's :math:`\operatorname{Swish}_1(xW) \otimes xV` is ``swiglu([xV, xW])``: the
    second half is the one that goes through Swish (see the module's docstring).

    Examples
    --------
    >>> swiglu([2.0, 1.0])  # 2 * silu(1)
    array([1.46211716])
    >>> swiglu([[2.0, -3.0, 1.0, -1.0]])  # [2 silu(1), -3 silu(-1)]: Swish dips below 0
    array([[1.46211716, 0.80682426]])
    """
    return _unit(x, axis, "swiglu", silu)


@float_in_float_out(approximate=boolean)
def geglu(x, axis: int = -1, approximate: bool = False):
    r"""GEGLU (Shazeer, 2020): the first half times GELU of the second.

    .. math:: \operatorname{GEGLU}(x) = a \odot \operatorname{GELU}(b) = a \odot b\,\Phi(b),
              \qquad x = [a, b] \text{ along ``axis``}

    ``approximate=True`` uses GELU's tanh form (:func:`actlib.gelu`).

    Examples
    --------
    >>> geglu([2.0, 1.0])  # 2 * Phi(1)
    array([1.68268949])
    >>> geglu([2.0, 1.0], approximate=True)
    array([1.68238398])
    """
    return _unit(x, axis, "geglu", functools.partial(gelu, approximate=approximate))


@float_in_float_out()
def reglu(x, axis: int = -1):
    r"""ReGLU (Shazeer, 2020): the first half times ReLU of the second.

    .. math:: \operatorname{ReGLU}(x) = a \odot \max(0, b), \qquad x = [a, b] \text{ along ``axis``}

    Examples
    --------
    >>> reglu([2.0, 3.0, 1.0, -1.0])
    array([2., 0.])
    """
    return _unit(x, axis, "reglu", relu)


# --- their Jacobian-vector products ------------------------------------------------------

@float_in_float_out()
def glu_jvp(x, v, axis: int = -1):
    r"""GLU's Jacobian-vector product :math:`J(x)\,v`: how GLU's output moves when ``x`` moves along ``v``.

    With :math:`x = [a, b]` and :math:`v = [v_a, v_b]` split along ``axis`` alike,

    .. math:: J(x)\,v = v_a \odot \sigma(b) + a \odot \sigma'(b) \odot v_b .

    The first term is Dauphin et al.'s linear path: the value half's change passes through,
    scaled by the gate :math:`\sigma(b)` and by no derivative. ``v`` has ``x``'s shape; the
    result has the output's shape and ``x``'s dtype. ``torch.func.jvp`` computes the same.

    Examples
    --------
    >>> glu_jvp([1.0, 0.0], [1.0, 0.0])  # dGLU/da = sigma(b)
    array([0.5])
    >>> glu_jvp([1.0, 0.0], [0.0, 1.0])  # dGLU/db = a sigma'(b)
    array([0.25])
    """
    return _unit_jvp(x, v, axis, "glu_jvp", sigmoid, d_sigmoid)


@float_in_float_out()
def swiglu_jvp(x, v, axis: int = -1):
    r"""SwiGLU's JVP, :math:`v_a \odot \operatorname{swish}(b) + a \odot \operatorname{swish}'(b)\,v_b`.

    :math:`\operatorname{swish}'(b) = \sigma(b)\,(1 + b\,(1 - \sigma(b)))`
    (:func:`actlib.derivatives.d_silu`); see :func:`glu_jvp` for the notation.

    Examples
    --------
    >>> swiglu_jvp([2.0, 0.0], [0.0, 1.0])  # 2 * swish'(0) = 2 * 1/2
    array([1.])
    """
    return _unit_jvp(x, v, axis, "swiglu_jvp", silu, d_silu)


@float_in_float_out(approximate=boolean)
def geglu_jvp(x, v, axis: int = -1, approximate: bool = False):
    r"""GEGLU's JVP, :math:`v_a \odot \operatorname{GELU}(b) + a \odot \operatorname{GELU}'(b)\,v_b`.

    :math:`\operatorname{GELU}'(b) = \Phi(b) + b\,\varphi(b)` (exact) or the tanh form's
    derivative (:func:`actlib.derivatives.d_gelu`); see :func:`glu_jvp` for the notation.

    Examples
    --------
    >>> geglu_jvp([2.0, 0.0], [0.0, 1.0])  # 2 * GELU'(0) = 2 * 1/2
    array([1.])
    """
    return _unit_jvp(x, v, axis, "geglu_jvp", functools.partial(gelu, approximate=approximate),
                     functools.partial(d_gelu, approximate=approximate))


@float_in_float_out()
def reglu_jvp(x, v, axis: int = -1):
    r"""ReGLU's JVP, :math:`v_a \odot \max(0, b) + a \odot [b > 0] \odot v_b`.

    At the kink, :math:`b = 0`, ReLU's derivative is taken as 0, as PyTorch's autograd
    does (:func:`actlib.derivatives.d_relu`); see :func:`glu_jvp` for the notation.

    Examples
    --------
    >>> reglu_jvp([2.0, 0.0], [1.0, 1.0])  # 1 * relu(0) + 2 * 0 * 1
    array([0.])
    >>> reglu_jvp([2.0, 3.0], [1.0, 1.0])  # 1 * 3 + 2 * 1 * 1
    array([5.])
    """
    return _unit_jvp(x, v, axis, "reglu_jvp", relu, d_relu)


# --- the transformer feed-forward block --------------------------------------------------

#: The gated units :func:`feed_forward` can use, by name.
FEED_FORWARD_KINDS = {"glu": glu, "swiglu": swiglu, "geglu": geglu, "reglu": reglu}


def _feed_forward_weights(x: np.ndarray, w_gate, w_up, w_down) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three weight matrices as arrays of ``x``'s dtype, after checking that the shapes agree."""
    if x.ndim == 0:
        raise ValueError("feed_forward needs x of shape (..., d_model); got a scalar")
    weights = {}
    for name, w in (("w_gate", w_gate), ("w_up", w_up), ("w_down", w_down)):
        weights[name], _ = as_float_array(w, name)
        if weights[name].ndim != 2:
            raise ValueError(f"{name} must be a matrix; got shape {weights[name].shape}")
    d_ff, d_model = weights["w_gate"].shape
    if x.shape[-1] != d_model:
        raise ValueError(f"x has {x.shape[-1]} features in its last axis but w_gate, of shape (d_ff, d_model) = "
                         f"{weights['w_gate'].shape}, expects d_model = {d_model}")
    if weights["w_up"].shape != (d_ff, d_model):
        raise ValueError(f"w_up must have w_gate's shape (d_ff, d_model) = {(d_ff, d_model)}; "
                         f"got {weights['w_up'].shape}")
    if weights["w_down"].shape != (d_model, d_ff):
        raise ValueError(f"w_down must have shape (d_model, d_ff) = {(d_model, d_ff)}; got {weights['w_down'].shape}")
    return tuple(w.astype(x.dtype, copy=False) for w in weights.values())


@float_in_float_out()
def feed_forward(x, w_gate, w_up, w_down, kind: str = "swiglu"):
    r"""The gated feed-forward block of a transformer, bias-free, as in LLaMA (Touvron et al., 2023).

    For one token :math:`\mathbf{x}` (``d_model`` features) and a gated unit's function
    :math:`f` (:math:`\sigma`, Swish, GELU or ReLU for ``kind`` = ``"glu"``, ``"swiglu"``,
    ``"geglu"``, ``"reglu"``):

    .. math::

        \operatorname{FFN}(\mathbf{x})
        = W_\text{down}\,\bigl(f(W_\text{gate}\,\mathbf{x}) \odot W_\text{up}\,\mathbf{x}\bigr),

    for a batch :math:`X`, one token a row,
    :math:`\operatorname{FFN}(X) = \bigl(f(X W_\text{gate}^\top) \odot X W_\text{up}^\top\bigr) W_\text{down}^\top`.
    The weights are in the book's (and PyTorch's ``nn.Linear.weight``) layout, one row per
    output: ``w_gate`` and ``w_up`` of shape ``(d_ff, d_model)``, ``w_down`` of shape
    ``(d_model, d_ff)``; ``x`` has shape ``(..., d_model)``, and so has the result. It is
    ``w_down @ unit([w_up @ x, w_gate @ x])`` with the unit of :data:`FEED_FORWARD_KINDS`:
    Shazeer's (2020) :math:`\operatorname{FFN}_\text{SwiGLU}(x, W, V, W_2)` with
    :math:`W = W_\text{gate}^\top`, :math:`V = W_\text{up}^\top`,
    :math:`W_2 = W_\text{down}^\top`. LLaMA's code names them ``w1``, ``w3`` and ``w2``.
    The block has :math:`3\,d_\text{model}\,d_\text{ff}` parameters, against
    :math:`2\,d_\text{model}\,d_\text{ff}` for a two-matrix block of the same width.

    Examples
    --------
    >>> eye = np.eye(2)
    >>> feed_forward([1.0, -1.0], eye, eye, eye)  # silu(x) * x
    array([0.73105858, 0.26894142])
    >>> feed_forward(np.zeros((5, 3)), np.zeros((8, 3)), np.zeros((8, 3)), np.zeros((3, 4)))
    Traceback (most recent call last):
    ...
    ValueError: w_down must have shape (d_model, d_ff) = (3, 8); got (3, 4)
    """
    if not isinstance(kind, str) or kind not in FEED_FORWARD_KINDS:
        raise ValueError(f"kind must be one of {sorted(FEED_FORWARD_KINDS)}; got {kind!r:.40}")
    w_gate, w_up, w_down = _feed_forward_weights(x, w_gate, w_up, w_down)
    hidden = np.concatenate([x @ w_up.T, x @ w_gate.T], axis=-1)  # [a, b]: b goes through f
    return FEED_FORWARD_KINDS[kind](hidden) @ w_down.T
