"""actlib.gradients: deep MLPs, per-layer gradient norms, activation statistics, dead units."""

import math

import numpy as np
import pytest
import torch
from torch import nn

import actlib
from actlib.gradients import (
    INITS,
    activation_stds,
    dead_unit_fraction,
    deep_mlp,
    hidden_outputs,
    layer_gradient_norms,
    silent_unit_fraction,
    torch_activation,
)

ELEMENTWISE_WITH_TORCH = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "swish", "softplus",
                          "gelu", "mish"]


@pytest.mark.parametrize("name", ELEMENTWISE_WITH_TORCH)
def test_torch_activation_matches_actlib(name):
    x = np.linspace(-6, 6, 241)
    got = torch_activation(name)(torch.tensor(x)).numpy()
    np.testing.assert_allclose(got, actlib.get(name)(x), rtol=1e-12, atol=1e-14)


def test_torch_activation_parameters_and_errors():
    assert torch_activation("leaky_relu", alpha=0.2).negative_slope == 0.2
    assert torch_activation("elu", alpha=0.5).alpha == 0.5
    assert isinstance(torch_activation("silu"), nn.SiLU)  # aliases go through the registry
    with pytest.raises(ValueError, match="no PyTorch module"):
        torch_activation("softmax")
    with pytest.raises(ValueError, match="unknown activation"):
        torch_activation("relu7")
    with pytest.raises(TypeError, match="relu takes no parameter"):
        torch_activation("relu", alpha=0.1)


def test_deep_mlp_structure_and_seed():
    model = deep_mlp("tanh", depth=5, width=16, in_features=7, out_features=3, seed=1)
    kinds = [type(m) for m in model]
    assert kinds == [nn.Linear, nn.Tanh] * 4 + [nn.Linear]
    assert model[0].weight.shape == (16, 7) and model[-1].weight.shape == (3, 16)
    again = deep_mlp("tanh", depth=5, width=16, in_features=7, out_features=3, seed=1)
    other = deep_mlp("tanh", depth=5, width=16, in_features=7, out_features=3, seed=2)
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), again.parameters(), strict=True))
    assert not torch.equal(model[0].weight, other[0].weight)
    torch.manual_seed(123)  # the global generator does not matter
    assert torch.equal(deep_mlp("tanh", depth=5, width=16, in_features=7, out_features=3, seed=1)[0].weight,
                       model[0].weight)


@pytest.mark.parametrize(("init", "variance"), [("xavier", 2 / (400 + 300)), ("he", 2 / 400), ("lecun", 1 / 400),
                                                ("default", 1 / (3 * 400))])
def test_init_variances(init, variance):
    model = deep_mlp("relu", depth=3, width=300, in_features=400, out_features=2, init=init, seed=0)
    w = model[0].weight.detach().double()
    assert abs(float(w.var()) / variance - 1) < 0.02
    assert abs(float(w.mean())) < 0.01 * math.sqrt(variance)
    if init == "default":
        assert float(w.abs().max()) <= 1 / math.sqrt(400)
    else:
        assert float(model[0].bias.detach().abs().max()) == 0.0


def test_default_init_is_nn_linears():
    """``init="default"`` draws from the distribution of PyTorch's own ``nn.Linear`` (chapter 5 says so)."""
    torch.manual_seed(0)
    theirs = nn.Linear(400, 300)
    ours = deep_mlp("relu", depth=2, width=300, in_features=400, out_features=2, init="default", seed=0)[0]
    bound = 1 / math.sqrt(400)
    for layer in (theirs, ours):
        w, b = layer.weight.detach().double(), layer.bias.detach().double()
        assert float(w.abs().max()) <= bound and float(b.abs().max()) <= bound
        assert float(b.abs().max()) > 0.9 * bound  # the biases fill the same range
        assert abs(float(w.var()) * 3 * 400 - 1) < 0.02  # variance 1 / (3 fan_in)


def test_deep_mlp_errors():
    kwargs = {"depth": 3, "width": 8, "in_features": 4, "out_features": 2}
    with pytest.raises(ValueError, match="init must be one of"):
        deep_mlp("relu", **kwargs | {"init": "glorot"})
    with pytest.raises(ValueError, match="depth must be at least 2"):
        deep_mlp("relu", **kwargs | {"depth": 1})
    with pytest.raises(ValueError, match="width must be a positive int"):
        deep_mlp("relu", **kwargs | {"width": 0})
    with pytest.raises(ValueError, match="depth must be a positive int"):
        deep_mlp("relu", **kwargs | {"depth": 2.5})
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        deep_mlp("relu", **kwargs | {"seed": -1})
    with pytest.raises(ValueError, match="no PyTorch module"):
        deep_mlp("maxout", **kwargs)
    assert set(INITS) == {"default", "xavier", "he", "lecun"}


def test_layer_gradient_norms_match_a_hand_computation():
    model = deep_mlp("sigmoid", depth=4, width=8, in_features=5, out_features=3, init="xavier", seed=0)
    x = torch.randn(20, 5, generator=torch.Generator().manual_seed(0))
    y = torch.arange(20) % 3
    norms = layer_gradient_norms(model, x, y)
    assert norms.shape == (4,) and norms.dtype == np.float64
    loss = nn.functional.cross_entropy(model(x), y)
    grads = torch.autograd.grad(loss, [model[i].weight for i in (0, 2, 4, 6)])
    np.testing.assert_allclose(norms, [float(g.norm()) for g in grads], rtol=1e-6)
    assert all(p.grad is None for p in model.parameters())  # no side effects


def test_sigmoid_gradients_vanish_and_relu_ones_do_not():
    x = torch.randn(64, 32, generator=torch.Generator().manual_seed(0))
    y = torch.arange(64) % 10
    ratios = {}
    for name, init in (("sigmoid", "xavier"), ("relu", "he")):
        norms = layer_gradient_norms(deep_mlp(name, depth=12, width=64, in_features=32, out_features=10,
                                              init=init, seed=0), x, y)
        ratios[name] = norms[0] / norms[-1]
    assert ratios["sigmoid"] < 1e-4 < 0.1 < ratios["relu"] < 10


def test_layer_gradient_norms_errors():
    model = deep_mlp("relu", depth=3, width=8, in_features=4, out_features=2)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 4\)"):
        layer_gradient_norms(model, torch.zeros(5, 3), torch.zeros(5, dtype=torch.long))
    with pytest.raises(ValueError, match="one class index per row"):
        layer_gradient_norms(model, torch.zeros(5, 4), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="x is empty"):
        layer_gradient_norms(model, torch.zeros(0, 4), torch.zeros(0, dtype=torch.long))
    with pytest.raises(TypeError, match="must be an nn.Sequential"):
        layer_gradient_norms(nn.Linear(4, 2), torch.zeros(5, 4), torch.zeros(5, dtype=torch.long))
    with pytest.raises(ValueError, match="at least two nn.Linear"):
        layer_gradient_norms(nn.Sequential(nn.Linear(4, 2)), torch.zeros(5, 4), torch.zeros(5, dtype=torch.long))


def test_hidden_outputs_and_stds():
    model = deep_mlp("tanh", depth=4, width=6, in_features=3, out_features=2, seed=0)
    x = np.random.default_rng(0).normal(size=(10, 3))  # NumPy input is accepted
    outs = hidden_outputs(model, x)
    assert len(outs) == 3
    for pre, act in outs:
        assert pre.shape == act.shape == (10, 6)
        torch.testing.assert_close(act, torch.tanh(pre))
    np.testing.assert_allclose(activation_stds(model, x), [float(a.std()) for _, a in outs], rtol=1e-6)


def _two_layer(activation, w, b):
    model = deep_mlp(activation, depth=2, width=len(b), in_features=1, out_features=1)
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor(w, dtype=torch.float32).reshape(-1, 1))
        model[0].bias.copy_(torch.tensor(b, dtype=torch.float32))
    return model


def test_dead_and_silent_units():
    x = torch.tensor([[0.0], [1.0], [2.0]])  # inputs >= 0
    # unit 0: z = x - 3 < 0 everywhere; unit 1: z = -x, 0 at x = 0; unit 2: z = x, positive for x > 0;
    # unit 3: z = x - 1.5, positive at x = 2 only.
    w, b = [1.0, -1.0, 1.0, 1.0], [-3.0, 0.0, 0.0, -1.5]
    relu = _two_layer("relu", w, b)
    assert dead_unit_fraction(relu, x) == silent_unit_fraction(relu, x) == 0.5
    np.testing.assert_array_equal(dead_unit_fraction(relu, x, per_layer=True), [0.5])
    leaky = _two_layer("leaky_relu", w, b)
    assert dead_unit_fraction(leaky, x) == 0.0 and silent_unit_fraction(leaky, x) == 0.5
    elu = _two_layer("elu", w, b)
    assert dead_unit_fraction(elu, x) == 0.0
    far = _two_layer("elu", [1.0], [-200.0])  # exp(-200) underflows to 0 in float32: dead after all
    assert dead_unit_fraction(far, x) == 1.0


def test_a_float32_elu_unit_dies_below_about_minus_104():
    # silent_unit_fraction's docstring: exp(u) is exactly 0 in float32 below ln(2**-150).
    threshold = math.log(2.0**-150)
    assert round(threshold) == -104
    x = torch.tensor([[0.0], [1.0], [2.0]])
    below = _two_layer("elu", [0.0], [threshold - 0.5])  # u = -104.5 on every sample
    above = _two_layer("elu", [0.0], [threshold + 0.5])  # u = -103.5
    assert silent_unit_fraction(below, x) == silent_unit_fraction(above, x) == 1.0
    assert dead_unit_fraction(below, x) == 1.0 and dead_unit_fraction(above, x) == 0.0


def test_dead_units_with_an_inplace_relu():
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(inplace=True), nn.Linear(4, 1))
    with torch.no_grad():
        model[0].bias.copy_(torch.tensor([-100.0, -100.0, 100.0, 100.0]))
    x = torch.rand(8, 2, generator=torch.Generator().manual_seed(0))
    assert dead_unit_fraction(model, x) == 0.5
