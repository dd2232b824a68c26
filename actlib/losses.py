"""Output units and their losses: log-sum-exp, log-softmax, cross-entropy, the softmax Jacobian.

A classifier's last layer produces scores (logits) :math:`z`; the sigmoid or the
softmax turns them into probabilities, and the loss takes their logarithm. Written
in terms of the logits, the logarithm undoes the exponential, and every function
here is computed that way: none evaluates ``exp`` of a positive number or ``log``
of a rounded-off probability, so all are finite for finite logits, with no overflow
or divide warnings. Like :mod:`actlib.activations`, they keep float16/32/64 dtypes
(ints and bools become float64) and return a NumPy scalar where the result is one
number.

* :func:`logsumexp` and :func:`log_softmax`, the stable building blocks;
* :func:`binary_cross_entropy` (sigmoid output) and :func:`cross_entropy` (softmax
  output), per example, from logits, as ``nn.BCEWithLogitsLoss`` and
  ``nn.CrossEntropyLoss`` (``reduction="none"``) or Keras' losses with
  ``from_logits=True`` compute them;
* :func:`softmax_jacobian`, :math:`\\operatorname{diag}(p) - p p^\\top`.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, ignore_underflow, restore, working_dtype
from .activations import softmax, softplus

__all__ = ["binary_cross_entropy", "cross_entropy", "log_softmax", "logsumexp", "softmax_jacobian"]


def _logits(z, what: str = "logits", *, scalar_ok: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The logits as a float array in their working dtype, and the original array (for its dtype)."""
    array, _ = as_float_array(z, what)
    if array.ndim == 0 and not scalar_ok:
        raise ValueError(f"{what} must have at least one axis (one score per class); got a scalar")
    return array.astype(working_dtype(array), copy=False), array


def _axis(axis, ndim: int) -> int:
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an int; got {type(axis).__name__} {axis!r:.40}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} does not exist for an array with {ndim} dimension(s); "
                         f"use an axis in [{-ndim}, {ndim - 1}]")
    return int(axis)


def _logsumexp(a: np.ndarray, axis: int) -> np.ndarray:
    """m + log(sum(exp(a - m))) with keepdims, m the maximum (0 where it is not finite)."""
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0).astype(a.dtype)
    with np.errstate(divide="ignore"):  # every entry -inf: log(0) = -inf is the answer
        return m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True))


@ignore_underflow
def logsumexp(z, axis: int = -1):
    r"""Log-sum-exp along ``axis``, a smooth maximum.

    .. math:: \operatorname{LSE}(z) = \log \sum_j e^{z_j} = m + \log \sum_j e^{z_j - m},
              \quad m = \max_j z_j

    The second form never overflows: every exponent is at most 0, and the largest
    term is 1, so the logarithm's argument lies in :math:`[1, n]`.

    Examples::

        >>> print(logsumexp([1000.0, 1000.0]))  # 1000 + log 2; the naive form gives inf
        1000.6931471805599
        >>> logsumexp(np.zeros((2, 3), dtype=np.float32)).dtype
        dtype('float32')
        >>> logsumexp(3.0)
        Traceback (most recent call last):
        ...
        ValueError: logits must have at least one axis (one score per class); got a scalar
    """
    a, like = _logits(z)
    axis = _axis(axis, a.ndim)
    out = np.squeeze(_logsumexp(a, axis), axis=axis)
    return restore(out, like, out.ndim == 0)


@ignore_underflow
def log_softmax(z, axis: int = -1):
    r"""The logarithm of the softmax along ``axis``, computed from the logits.

    .. math:: \log \operatorname{softmax}(z)_i = z_i - \operatorname{LSE}(z)

    ``np.log(softmax(z))`` loses this for large score gaps: the softmax rounds a
    tiny probability to 0 and the logarithm gives ``-inf``; here the result is
    finite for every finite input (PyTorch's ``F.log_softmax``).

    Examples::

        >>> print(log_softmax([0.0, 200.0]))  # softmax rounds e^-200 to 0 in float32, not here
        [-200.    0.]
        >>> np.allclose(np.exp(log_softmax([1.0, 2.0, 3.0])), softmax([1.0, 2.0, 3.0]))
        True
    """
    a, like = _logits(z)
    axis = _axis(axis, a.ndim)
    return restore(a - _logsumexp(a, axis), like, False)


@ignore_underflow
def softmax_jacobian(z):
    r"""The Jacobian of the softmax of the last axis of ``z``: shape ``(..., n, n)``.

    .. math:: \frac{\partial p_i}{\partial z_j} = p_i\,(\delta_{ij} - p_j), \quad
              J = \operatorname{diag}(p) - p\,p^\top, \quad p = \operatorname{softmax}(z)

    Each row sums to 0 (adding a constant to every score changes nothing), and
    :math:`J` is symmetric.

    Examples::

        >>> print(softmax_jacobian([0.0, 0.0]))
        [[ 0.25 -0.25]
         [-0.25  0.25]]
    """
    a, like = _logits(z)
    p = softmax(a, axis=-1)
    jacobian = p[..., :, None] * np.eye(a.shape[-1], dtype=a.dtype) - p[..., :, None] * p[..., None, :]
    return restore(jacobian, like, False)


@ignore_underflow
def binary_cross_entropy(logits, targets):
    r"""Binary cross-entropy of a sigmoid output, per element, from its logit :math:`z`.

    .. math:: \ell(z, t) = -t \log \sigma(z) - (1 - t) \log\bigl(1 - \sigma(z)\bigr)
              = t\,\operatorname{softplus}(-z) + (1 - t)\,\operatorname{softplus}(z)

    because :math:`-\log\sigma(z) = \log(1 + e^{-z})`. Its gradient is
    :math:`\partial\ell/\partial z = \sigma(z) - t`. ``targets`` (0/1 labels or
    probabilities in [0, 1]) broadcast against ``logits``. This is
    ``nn.BCEWithLogitsLoss(reduction="none")`` and Keras'
    ``binary_crossentropy(..., from_logits=True)`` before its mean.

    Examples::

        >>> print(binary_cross_entropy([-10.0, 0.0, 10.0], 1.0).round(6))
        [1.0000045e+01 6.9314700e-01 4.5000000e-05]
        >>> binary_cross_entropy([0.0], 2.0)
        Traceback (most recent call last):
        ...
        ValueError: targets must lie in [0, 1]; got values from 2.0 to 2.0
    """
    z, like = _logits(logits, scalar_ok=True)
    t, _ = as_float_array(targets, "targets")
    if t.size and (np.nanmin(t) < 0 or np.nanmax(t) > 1):
        raise ValueError(f"targets must lie in [0, 1]; got values from {np.nanmin(t)} to {np.nanmax(t)}")
    try:
        t = np.broadcast_to(t.astype(z.dtype), z.shape)
    except ValueError:
        raise ValueError(f"targets of shape {t.shape} do not broadcast against logits of shape {z.shape}") \
            from None
    loss = t * softplus(-z) + (1 - t) * softplus(z)
    return restore(loss, like, loss.ndim == 0)


@ignore_underflow
def cross_entropy(logits, labels):
    r"""Cross-entropy of a softmax output, per example, from the logits and the class labels.

    .. math:: \ell(z, y) = -\log \operatorname{softmax}(z)_y = \operatorname{LSE}(z) - z_y

    ``logits`` has shape ``(..., n)`` (one score per class, last axis) and
    ``labels`` shape ``(...)``, integers in ``[0, n)``. Its gradient is
    :math:`\partial\ell/\partial z = \operatorname{softmax}(z) - \operatorname{onehot}(y)`.
    This is ``nn.CrossEntropyLoss(reduction="none")`` and Keras'
    ``sparse_categorical_crossentropy(..., from_logits=True)``.

    Examples::

        >>> cross_entropy([[0.0, 0.0], [0.0, 1000.0]], [0, 0]).tolist()  # log 2, and 1000
        [0.6931471805599453, 1000.0]
        >>> cross_entropy([[0.0, 0.0]], [2])
        Traceback (most recent call last):
        ...
        ValueError: labels must be class indices in [0, 2); got values from 2 to 2
    """
    z, like = _logits(logits)
    y = np.asarray(labels)
    if y.dtype.kind not in "iu":
        raise TypeError(f"labels must be integer class indices; got an array of dtype {y.dtype}")
    if y.shape != z.shape[:-1]:
        raise ValueError(f"labels must have shape {z.shape[:-1]} (the logits' shape without its last axis, "
                         f"{z.shape}); got {y.shape}")
    n = z.shape[-1]
    if y.size and (y.min() < 0 or y.max() >= n):
        raise ValueError(f"labels must be class indices in [0, {n}); got values from {y.min()} to {y.max()}")
    picked = np.take_along_axis(z, y[..., None].astype(np.intp), axis=-1)
    loss = np.squeeze(_logsumexp(z, -1) - picked, axis=-1)
    return restore(loss, like, loss.ndim == 0)
