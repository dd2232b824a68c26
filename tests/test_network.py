"""actlib.network: shapes, article 004's numbers, article 003's XOR net, errors, agreement with PyTorch."""

import numpy as np
import pytest

import actlib
from actlib.network import (
    ARTICLE_004_X,
    article_003_xor_layers,
    article_004_layers,
    dense,
    forward,
)

XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def test_article_004_output_and_every_stage_to_8_decimals():
    y, stages = forward(ARTICLE_004_X, article_004_layers(), hidden="sigmoid", output="identity",
                        return_stages=True)
    printed = {  # as article 004 prints them (np.set_printoptions default: 8 decimals)
        "u1": [0.3, 0.7, 1.1],
        "z1": [0.57444252, 0.66818777, 0.75026011],
        "u2": [0.51615984, 1.21402696],
        "z2": [0.62624937, 0.7710107],
        "u3": [0.31682708, 0.69627909],
        "y": [0.31682708, 0.69627909],
    }
    assert list(stages) == list(printed)
    for name, expected in printed.items():
        np.testing.assert_array_equal(np.round(stages[name], 8), expected, err_msg=name)
    assert y is stages["y"]
    assert str(y) == "[0.31682708 0.69627909]"


def test_shapes_for_one_input_and_for_a_batch():
    _, one = forward(ARTICLE_004_X, article_004_layers(), return_stages=True)
    assert {k: v.shape for k, v in one.items()} == {"u1": (3,), "z1": (3,), "u2": (2,), "z2": (2,),
                                                   "u3": (2,), "y": (2,)}
    batch = np.random.default_rng(0).normal(size=(5, 2))
    y, stages = forward(batch, article_004_layers(), return_stages=True)
    assert y.shape == (5, 2)
    assert {k: v.shape[0] for k, v in stages.items()} == dict.fromkeys(stages, 5)
    # each row of the batch is the single-input forward pass
    for row, out in zip(batch, y, strict=True):
        np.testing.assert_allclose(forward(row, article_004_layers()), out, rtol=1e-15, atol=0)


def test_dense_is_one_layer_and_matches_the_written_out_formula():
    (w, b), *_ = article_004_layers()
    x = np.array([1.0, 0.5])
    np.testing.assert_allclose(dense(x, w, b, "sigmoid"), actlib.sigmoid(w @ x + b), rtol=1e-15)
    np.testing.assert_allclose(dense(x[None], w, b)[0], w @ x + b, rtol=1e-15)
    np.testing.assert_allclose(dense(x, w, b, np.tanh), np.tanh(w @ x + b), rtol=1e-15)


@pytest.mark.parametrize("name", ["identity", "sigmoid", "tanh", "relu", "gelu", "softmax", "step"])
def test_activations_by_name_and_by_callable(name):
    x = np.random.default_rng(1).normal(size=(4, 2))
    layers = article_004_layers()
    by_name = forward(x, layers, hidden=name, output=name)
    record = actlib.get(name)
    assert np.array_equal(by_name, forward(x, layers, hidden=record.function, output=record.function))


def test_article_003_xor_network_gives_the_article_numbers():
    y, s = forward(XOR_INPUTS, article_003_xor_layers(), hidden="sigmoid", output="sigmoid", return_stages=True)
    np.testing.assert_array_equal(s["u1"], [[-5, 15], [5, 5], [5, 5], [15, -5]])
    assert round(float(s["z1"][0, 0]), 4) == 0.0067
    assert round(float(s["z1"][0, 1]), 7) == 0.9999997
    np.testing.assert_array_equal(np.round(s["u2"][:, 0], 3), [-4.933, 4.866, 4.866, -4.933])
    np.testing.assert_array_equal(np.round(y[:, 0]), [0, 1, 1, 0])


def test_dtype_float32_is_kept_and_ints_become_float64():
    layers = [(w.astype(np.float32), b.astype(np.float32)) for w, b in article_004_layers()]
    assert forward(np.array([1.0, 0.5], np.float32), layers).dtype == np.float32
    assert forward([1, 0], article_004_layers()).dtype == np.float64


@pytest.mark.parametrize(("x", "layers", "message"), [
    ([1.0, 0.5, 2.0], article_004_layers(), r"layer 1: weights must have shape \(n_out, 3\) because x has 3"),
    ([1.0, 0.5], [(np.ones((2, 3)), np.ones(3))], r"\(n_out, 2\).*got shape \(2, 3\).*Keras-style"),
    ([1.0, 0.5], [(np.ones((3, 2)), np.ones(2))], r"layer 1: bias must have shape \(3,\).*got shape \(2,\)"),
    ([1.0, 0.5], [(np.ones(2), np.ones(1))], r"layer 1: weights must be a matrix of shape \(n_out, 2\)"),
    ([1.0, 0.5], article_004_layers()[:1] + article_004_layers()[2:],
     r"layer 2: weights must have shape \(n_out, 3\) because layer 1's output has 3"),
    (np.ones((2, 2, 2)), article_004_layers(), r"x must have shape \(n_in,\) .* or \(batch, n_in\)"),
    (1.0, article_004_layers(), r"x must have shape \(n_in,\)"),
    ([1.0, 0.5], [], "non-empty list of"),
    ([1.0, 0.5], [np.ones((3, 2))], r"layer 1: expected a \(W, b\) pair"),
])
def test_bad_shapes_raise_value_errors_that_name_the_expected_shape(x, layers, message):
    with pytest.raises(ValueError, match=message):
        forward(x, layers)


def test_bad_activations_and_types():
    layers = article_004_layers()
    with pytest.raises(ValueError, match="unknown activation 'sigmoidd'"):
        forward([1.0, 0.5], layers, hidden="sigmoidd")
    with pytest.raises(ValueError, match="output: maxout needs weights of its own"):
        forward([1.0, 0.5], layers, output="maxout")
    with pytest.raises(TypeError, match="hidden: activation must be a name"):
        forward([1.0, 0.5], layers, hidden=3)
    with pytest.raises(TypeError, match="x must be a real number"):
        forward("1, 0.5", layers)
    with pytest.raises(TypeError, match="layer 1 weights must be"):
        forward([1.0, 0.5], [(np.array([["a", "b"]]), np.ones(1))])


@pytest.mark.parametrize(("name", "module"), [("sigmoid", "Sigmoid"), ("tanh", "Tanh"), ("relu", "ReLU"),
                                              ("gelu", "GELU")])
def test_agrees_with_torch_sequential(name, module):
    torch = pytest.importorskip("torch")
    nn = torch.nn
    layers = article_004_layers()
    blocks = []
    for k, (w, b) in enumerate(layers):
        linear = nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w))  # PyTorch stores weight as (out, in), like the book
            linear.bias.copy_(torch.from_numpy(b))
        blocks.append(linear)
        if k < len(layers) - 1:
            blocks.append(getattr(nn, module)())
    x = np.random.default_rng(2).normal(size=(6, 2))
    with torch.no_grad():
        expected = nn.Sequential(*blocks)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(forward(x, layers, hidden=name), expected, rtol=1e-12, atol=1e-15)


def test_plot_decision_surface_of_a_network():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from actlib.plotting import plot_decision_surface

    def predict(points):
        return forward(points, article_003_xor_layers(), output="sigmoid")[:, 0]

    ax = plot_decision_surface(predict, XOR_INPUTS, [0, 1, 1, 0], title="XOR")
    assert ax.get_title() == "XOR" and ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["output = 0.5", "target 0", "target 1"]
    assert len(ax.figure.axes) == 2  # the plot and its colour bar
    # a constant output has no boundary: no legend entry for it, and no matplotlib warning
    ax = plot_decision_surface(lambda p: np.full(len(p), 0.5), XOR_INPUTS, [0, 1, 1, 0], colorbar=False)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["target 0", "target 1"]
    plt.close("all")
