"""Jacobian-vector products of the activations of a whole axis, against torch.func.jvp.

Softmax, softmin and log-softmax against PyTorch's functions, GLU against ``F.glu`` and its
variants against the same gated product written in PyTorch, all on rows of the reference grid
and on random rows, float64, rtol 1e-12. Sparsemax has no PyTorch function (and Keras's is
wrong, see test_library_differences.py): it is piecewise linear, so a central difference is
exact up to rounding wherever the support does not change.
"""

import numpy as np
import pytest
import torch

import actlib
from actlib.crosscheck import TORCH, inputs

F = torch.nn.functional

#: PyTorch versions of the gated units that have no library function: a * f(b) on the halves.
GATED = {
    "swiglu": lambda t: t.chunk(2, dim=-1)[0] * F.silu(t.chunk(2, dim=-1)[1]),
    "geglu": lambda t: t.chunk(2, dim=-1)[0] * F.gelu(t.chunk(2, dim=-1)[1]),
    "geglu_tanh": lambda t: t.chunk(2, dim=-1)[0] * F.gelu(t.chunk(2, dim=-1)[1], approximate="tanh"),
    "reglu": lambda t: t.chunk(2, dim=-1)[0] * F.relu(t.chunk(2, dim=-1)[1]),
}
WITH_TORCH = {name: TORCH[name] for name in ("softmax", "softmin", "log_softmax", "glu")} | GATED


def _ours(name):
    if name == "geglu_tanh":
        return lambda x, v: actlib.jvp("geglu", x, v, approximate=True)
    return lambda x, v: actlib.jvp(name, x, v)


def _rows():
    rng = np.random.default_rng(24)
    grid_rows = inputs("softmax", np.float64)
    return np.concatenate([grid_rows, rng.normal(scale=3.0, size=(200, grid_rows.shape[1]))])


def test_every_record_of_a_whole_axis_but_maxout_has_a_jvp():
    for name in actlib.names():
        record = actlib.get(name)
        assert (record.jvp is not None) == (not record.elementwise and name != "maxout"), name


# Forward mode loads PyTorch's decompositions for jvp on first use, which calls the deprecated torch.jit.script.
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
@pytest.mark.parametrize("name", sorted(WITH_TORCH))
def test_jvp_agrees_with_torch_func_jvp(name):
    x = _rows()
    v = np.random.default_rng(1).normal(size=x.shape)
    _, theirs = torch.func.jvp(WITH_TORCH[name], (torch.from_numpy(x),), (torch.from_numpy(v),))
    # GELU's tanh form: PyTorch's 1 + tanh(u) cancels for b < -5, where the value is below 1e-13
    atol = 1e-13 if name == "geglu_tanh" else 1e-14
    np.testing.assert_allclose(_ours(name)(x, v), theirs.numpy(), rtol=1e-12, atol=atol)


@pytest.mark.parametrize("name", ["softmax", "softmin", "log_softmax", "sparsemax", "glu"])
def test_jvp_along_another_axis_is_the_transposed_one(name):
    x = np.random.default_rng(2).normal(size=(6, 4))
    v = np.random.default_rng(3).normal(size=(6, 4))
    np.testing.assert_allclose(actlib.jvp(name, x, v, axis=0), actlib.jvp(name, x.T, v.T).T, rtol=1e-14)


def test_sparsemax_jvp_is_the_exact_difference_quotient_where_the_support_stays():
    rng = np.random.default_rng(4)
    x = rng.normal(scale=0.5, size=(500, 6))
    v = rng.normal(size=x.shape)
    h = 1e-6
    plus, minus = actlib.sparsemax(x + h * v), actlib.sparsemax(x - h * v)
    same_support = np.all((plus > 0) == (minus > 0), axis=-1) & np.all((plus > 0) == (actlib.sparsemax(x) > 0),
                                                                      axis=-1)
    assert same_support.mean() > 0.95 and (np.sum(actlib.sparsemax(x) > 0, axis=-1) > 1).mean() > 0.5
    numeric = (plus - minus) / (2 * h)
    np.testing.assert_allclose(actlib.jvp("sparsemax", x, v)[same_support], numeric[same_support], atol=1e-8)


@pytest.mark.parametrize("name", ["softmax", "softmin", "sparsemax"])
def test_jvp_of_a_distribution_sums_to_0(name):
    # the outputs sum to 1 whatever x, so no direction changes their sum
    x, v = _rows(), np.random.default_rng(5).normal(size=_rows().shape)
    np.testing.assert_allclose(actlib.jvp(name, x, v).sum(axis=-1), 0, atol=1e-12)


@pytest.mark.parametrize("name", ["softmax", "softmin", "log_softmax", "sparsemax"])
def test_jacobian_is_symmetric(name):
    """derivatives_vector.py: J v is also the vector-Jacobian product v^T J."""
    x = np.random.default_rng(6).normal(size=5)
    jacobian = np.stack([actlib.jvp(name, x, e) for e in np.eye(5)], axis=1)
    if name == "log_softmax":  # J = I - 1 p^T: not symmetric; its transpose is I - p 1^T
        p = actlib.softmax(x)
        np.testing.assert_allclose(jacobian, np.eye(5) - np.outer(np.ones(5), p), rtol=1e-14, atol=1e-16)
    else:
        np.testing.assert_allclose(jacobian, jacobian.T, rtol=1e-14, atol=1e-16)


def test_jvp_reuses_the_softmax_jacobian_of_actlib_losses():
    x = np.array([[0.3, -1.0, 2.0]])
    v = np.array([[1.0, 2.0, -0.5]])
    np.testing.assert_allclose(actlib.jvp("softmax", x, v), actlib.losses.softmax_jacobian(x) @ v[0], rtol=1e-15)
    np.testing.assert_allclose(actlib.jvp("softmin", x, v), -actlib.losses.softmax_jacobian(-x) @ v[0],
                               rtol=1e-15)


@pytest.mark.parametrize("name", [n for n in actlib.names() if actlib.get(n).jvp is not None])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_jvp_keeps_the_dtype_and_checks_the_tangent(name, dtype):
    x = np.linspace(-2, 2, 8, dtype=dtype).reshape(2, 4)
    assert actlib.jvp(name, x, np.ones_like(x)).dtype == dtype
    with pytest.raises(ValueError, match="the tangent v must have the shape of x"):
        actlib.jvp(name, x, np.ones(3))


def test_jvp_refuses_elementwise_and_maxout():
    with pytest.raises(ValueError, match="relu is elementwise: its Jacobian is diagonal"):
        actlib.jvp("relu", [1.0], [1.0])
    with pytest.raises(ValueError, match="maxout has no Jacobian-vector product"):
        actlib.jvp("maxout", [1.0], [1.0])
