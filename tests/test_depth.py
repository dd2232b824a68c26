"""actlib.depth: rescued deep MLPs, per-layer signals, the chapter's training run."""

import doctest

import numpy as np
import pytest
import torch
from torch import nn

from actlib import depth
from actlib.gradients import deep_mlp, layer_gradient_norms

SHAPE = dict(depth=5, width=16, in_features=12, out_features=3)


def _batch(n=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 12, generator=g), torch.randint(0, 3, (n,), generator=g)


def test_doctests():
    failures, _ = doctest.testmod(depth)
    assert failures == 0


def test_rescued_mlp_layout_and_weights():
    plain = depth.rescued_mlp("sigmoid", seed=2, **SHAPE)
    same = deep_mlp("sigmoid", init="xavier", seed=2, **SHAPE)
    assert [type(m) for m in plain] == [type(m) for m in same]
    for a, b in zip(plain.parameters(), same.parameters(), strict=True):
        assert torch.equal(a, b)
    residual = depth.rescued_mlp("sigmoid", seed=2, residual=True, **SHAPE)
    assert [type(m).__name__ for m in residual] == ["Linear", "Sigmoid"] + ["Residual"] * 3 + ["Linear"]
    # the same weights, in the same order:
    for a, b in zip(depth.linear_layers(residual), depth.linear_layers(same), strict=True):
        assert torch.equal(a.weight, b.weight)
    bn = depth.rescued_mlp("tanh", seed=0, batch_norm=True, **SHAPE)
    assert sum(isinstance(m, nn.BatchNorm1d) for m in bn) == 4


def test_residual_adds_the_identity():
    model = depth.rescued_mlp("relu", seed=0, residual=True, **SHAPE)
    block = model[2]
    h = torch.randn(4, 16)
    assert torch.equal(block(h), h + block.body(h))


@pytest.mark.parametrize("bad, error", [
    (dict(depth=1), ValueError), (dict(depth=0), ValueError), (dict(init="glorot"), ValueError),
    (dict(width=2.5), ValueError),
])
def test_rescued_mlp_rejects_bad_input(bad, error):
    with pytest.raises(error):
        depth.rescued_mlp("sigmoid", **{**SHAPE, **bad})
    with pytest.raises(ValueError, match="unknown|know"):
        depth.rescued_mlp("no-such-activation", **SHAPE)


def test_weight_gradients_match_layer_gradient_norms():
    model = deep_mlp("tanh", init="xavier", seed=1, **SHAPE)
    x, y = _batch()
    norms = [float(g.norm()) for g in depth.weight_gradients(model, x, y)]
    np.testing.assert_allclose(norms, layer_gradient_norms(model, x, y), rtol=1e-6)
    assert all(p.grad is None for p in model.parameters())  # no side effect


def test_weight_gradient_rms_is_the_size_of_one_weights_gradient():
    model = depth.rescued_mlp("sigmoid", seed=0, residual=True, **SHAPE)  # nested layers too
    x, y = _batch()
    rms = depth.weight_gradient_rms(model, x, y)
    grads = depth.weight_gradients(model, x, y)
    assert rms.dtype == np.float64 and rms.shape == (5,)
    expected = [float(g.double().norm()) / np.sqrt(g.numel()) for g in grads]
    np.testing.assert_allclose(rms, expected, rtol=1e-12)
    assert all(p.grad is None for p in model.parameters())  # no side effect
    # layers of equal shape: the rms ratio is the norm ratio; the first layer (12 inputs) differs
    norms = np.array([float(g.norm()) for g in grads])
    assert np.isclose(rms[1] / rms[3], norms[1] / norms[3], rtol=1e-6)
    assert not np.isclose(rms[0] / rms[1], norms[0] / norms[1], rtol=1e-3)


def test_weight_gradients_reach_nested_layers():
    model = depth.rescued_mlp("sigmoid", seed=0, residual=True, **SHAPE)
    grads = depth.weight_gradients(model, *_batch())
    assert len(grads) == 5 and all(g.abs().sum() > 0 for g in grads)


@pytest.mark.parametrize("name, scale", [("relu", 2.0), ("tanh", 4.0), ("sigmoid", 1.0)])
def test_layer_signals_factorise_the_weight_gradient(name, scale):
    model = depth.scale_weights(deep_mlp(name, init="xavier", seed=0, **SHAPE), scale).double()
    x, y = _batch(5)
    s = depth.layer_signals(model, x, y)
    assert s.inputs.shape == s.deltas.shape == s.weight_grads.shape == (5, 5)
    np.testing.assert_allclose(s.weight_grads, s.inputs * s.deltas, rtol=1e-10)
    np.testing.assert_allclose(s.inputs[0], x.double().norm(dim=1).numpy(), rtol=1e-6)
    r = depth.layer_signals(model, x, y, rms=True)  # every value a root mean square
    np.testing.assert_allclose(r.weight_grads, r.inputs * r.deltas, rtol=1e-10)
    np.testing.assert_allclose(r.inputs[0], s.inputs[0] / np.sqrt(12), rtol=1e-12)
    np.testing.assert_allclose(r.deltas[-1], s.deltas[-1] / np.sqrt(3), rtol=1e-12)
    np.testing.assert_allclose(r.weight_grads[1], s.weight_grads[1] / 16, rtol=1e-12)


def test_layer_signals_refuses_batch_norm_in_training_mode():
    model = depth.rescued_mlp("sigmoid", seed=0, batch_norm=True, **SHAPE)
    with pytest.raises(ValueError, match="eval"):
        depth.layer_signals(model, *_batch())
    model.eval()
    depth.layer_signals(model, *_batch())


def test_scale_weights_leaves_biases_and_checks_layers():
    model = deep_mlp("relu", init="default", seed=0, **SHAPE)
    before = [(m.weight.clone(), m.bias.clone()) for m in depth.linear_layers(model)]
    depth.scale_weights(model, 3.0, layers=[2, 5])
    for number, (m, (w, b)) in enumerate(zip(depth.linear_layers(model), before, strict=True), start=1):
        assert torch.equal(m.weight, 3 * w if number in (2, 5) else w)
        assert torch.equal(m.bias, b)
    for bad in ([0], [6], [True]):
        with pytest.raises(ValueError, match="layer numbers"):
            depth.scale_weights(model, 2.0, layers=bad)
    with pytest.raises(ValueError, match="finite"):
        depth.scale_weights(model, float("nan"))
    with pytest.raises(TypeError):
        depth.linear_layers("not a model")


def test_sigmoid_twin_computes_the_tanh_network():
    tanh_net = deep_mlp("tanh", init="xavier", seed=3, **SHAPE)
    twin = depth.sigmoid_twin(tanh_net)
    x, _ = _batch(20)
    with torch.no_grad():
        assert torch.allclose(twin(x), tanh_net(x), atol=1e-5)
    with pytest.raises(TypeError, match="alternating"):
        depth.sigmoid_twin(deep_mlp("relu", **SHAPE))


def test_train_is_seeded_and_evaluate_scores():
    x, y = _batch(64)
    runs = []
    for _ in range(2):
        model = deep_mlp("relu", init="he", seed=0, **SHAPE)
        depth.train(model, x, y, lr=1e-2, steps=20, batch_size=16, seed=4)
        runs.append(depth.evaluate(model, x, y))
    assert runs[0] == runs[1]
    loss, accuracy = runs[0]
    untrained = depth.evaluate(deep_mlp("relu", init="he", seed=0, **SHAPE), x, y)[0]
    assert loss < untrained and 0 <= accuracy <= 1
    with pytest.raises(ValueError, match="optimizer"):
        depth.train(model, x, y, lr=0.1, optimizer="rmsprop")
    with pytest.raises(ValueError, match="lr"):
        depth.train(model, x, y, lr=-1.0)
    with pytest.raises(ValueError, match="shape"):
        depth.evaluate(model, x[:, :5], y)


def test_mnist_subsets_are_the_chapters_split():
    (x, y), (xv, yv) = depth.mnist_subsets()
    assert x.shape == (4000, 784) and xv.shape == (2000, 784)
    assert x.dtype == torch.float32 and 0 <= float(x.min()) and float(x.max()) <= 1
    assert y[:5].tolist() == [5, 0, 4, 1, 9]
    with pytest.raises(ValueError, match="60,000"):
        depth.mnist_subsets(50_000, 20_000)
