"""actlib.losses against PyTorch, on extreme logits, in every float dtype, with clear errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from actlib import losses, softmax

RNG = np.random.default_rng(0)
LOGITS = np.concatenate([RNG.normal(scale=3, size=(20, 5)),
                         RNG.normal(scale=3, size=(4, 5)) + 1000,
                         np.array([[-1000.0, 0.0, 1000.0, 5.0, -5.0], [0.0, 0.0, 0.0, 0.0, 750.0]])])
LABELS = RNG.integers(0, 5, size=len(LOGITS))


def test_logsumexp_and_log_softmax_match_torch():
    t = torch.tensor(LOGITS)
    assert np.allclose(losses.logsumexp(LOGITS), torch.logsumexp(t, dim=-1).numpy(), rtol=1e-15, atol=0)
    assert np.allclose(losses.log_softmax(LOGITS), F.log_softmax(t, dim=-1).numpy(), rtol=1e-14, atol=1e-12)
    assert np.allclose(losses.logsumexp(LOGITS.T, axis=0), losses.logsumexp(LOGITS), rtol=1e-15, atol=0)
    assert np.allclose(losses.log_softmax(LOGITS.T, axis=0).T, losses.log_softmax(LOGITS), rtol=0, atol=0)


def test_log_softmax_is_finite_where_log_of_softmax_is_not():
    z = np.array([0.0, 200.0], dtype=np.float32)
    with np.errstate(divide="ignore"):
        naive = np.log(softmax(z))
    assert naive[0] == -np.inf  # e^-200 rounds to 0 in float32
    assert losses.log_softmax(z).tolist() == [-200.0, 0.0]


def test_cross_entropy_matches_torch():
    expected = F.cross_entropy(torch.tensor(LOGITS), torch.tensor(LABELS), reduction="none").numpy()
    assert np.allclose(losses.cross_entropy(LOGITS, LABELS), expected, rtol=1e-13, atol=1e-12)
    assert losses.cross_entropy(LOGITS[0], LABELS[0]).shape == ()  # one example: a scalar


def test_binary_cross_entropy_matches_torch():
    z = np.concatenate([np.linspace(-800, 800, 161), np.linspace(-8, 8, 161)])
    for t in (0.0, 1.0, 0.3):
        targets = np.full_like(z, t)
        expected = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(targets),
                                                      reduction="none").numpy()
        assert np.allclose(losses.binary_cross_entropy(z, t), expected, rtol=1e-12, atol=1e-14), t
    # In the far tail PyTorch rounds to 0 (it adds max(z, 0) and log1p(exp(-|z|)) separately);
    # actlib keeps the relative precision: -log(1 - sigmoid(z)) = log1p(exp(z)) for z < 0.
    left = z[z < 0]
    assert np.allclose(losses.binary_cross_entropy(left, 0.0), np.log1p(np.exp(left)), rtol=1e-15, atol=0)


def test_gradients_are_the_residuals():
    z = torch.tensor(LOGITS, requires_grad=True)
    F.cross_entropy(z, torch.tensor(LABELS), reduction="sum").backward()
    onehot = np.eye(5)[LABELS]
    assert np.allclose(z.grad.numpy(), softmax(LOGITS) - onehot, rtol=0, atol=1e-15)


def test_softmax_jacobian_matches_autograd():
    for row in LOGITS[[0, 21, 24]]:
        expected = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, dim=-1), torch.tensor(row))
        jacobian = losses.softmax_jacobian(row)
        assert np.allclose(jacobian, expected.numpy(), rtol=0, atol=1e-15)
        assert np.allclose(jacobian.sum(axis=1), 0, atol=1e-15) and np.array_equal(jacobian, jacobian.T)
    assert losses.softmax_jacobian(LOGITS).shape == (len(LOGITS), 5, 5)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtypes_are_kept(dtype):
    z = LOGITS[:3].astype(dtype)
    assert losses.logsumexp(z).dtype == dtype
    assert losses.log_softmax(z).dtype == dtype
    assert losses.softmax_jacobian(z).dtype == dtype
    assert losses.cross_entropy(z, LABELS[:3]).dtype == dtype
    assert losses.binary_cross_entropy(z, 1.0).dtype == dtype
    assert np.all(np.isfinite(losses.log_softmax(z)))
    assert losses.logsumexp(np.array([1, 2, 3])).dtype == np.float64  # ints become float64


def test_non_finite_inputs():
    assert losses.logsumexp([-np.inf, -np.inf]) == -np.inf
    assert losses.logsumexp([np.inf, 0.0]) == np.inf
    assert np.isnan(losses.logsumexp([np.nan, 0.0]))


def test_clear_errors():
    with pytest.raises(ValueError, match="at least one axis"):
        losses.log_softmax(1.0)
    with pytest.raises(ValueError, match="axis 2 does not exist"):
        losses.logsumexp(np.zeros((2, 3)), axis=2)
    with pytest.raises(TypeError, match="axis must be an int"):
        losses.logsumexp(np.zeros(3), axis=1.0)
    with pytest.raises(TypeError, match="integer class indices"):
        losses.cross_entropy(np.zeros((2, 3)), [0.0, 1.0])
    with pytest.raises(ValueError, match=r"labels must have shape \(2,\)"):
        losses.cross_entropy(np.zeros((2, 3)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\); got values from -1 to 1"):
        losses.cross_entropy(np.zeros((2, 3)), [-1, 1])
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        losses.binary_cross_entropy([0.0, 1.0], [0.0, -1.0])
    with pytest.raises(ValueError, match="do not broadcast"):
        losses.binary_cross_entropy([0.0, 1.0], [0.0, 1.0, 1.0])
    with pytest.raises(TypeError, match="must be real"):
        losses.logsumexp([1j, 2.0])
