"""Self-checks for chapter 6, Keras Dense layers and MNIST.

Keras is imported only when a Keras check runs, so ``import actlib`` stays light.
"""

from __future__ import annotations

import numpy as np

from ..activations import leaky_relu, softmax
from ._core import IncorrectAnswer, call_answer, exercise, expect_close

CHAPTER = "keras_mnist"


def _keras():
    from ..frameworks import import_keras

    return import_keras()


# --- keras-dense-params ------------------------------------------------------------------

_DENSE_SHAPES = [(784, 128), (128, 64), (64, 10), (784, 100), (100, 100), (1, 1), (3, 7)]


@exercise("keras-dense-params", chapter=CHAPTER, title="Count a Dense layer's parameters", difficulty="easy")
def _dense_params(answer):
    for n_in, n_out in _DENSE_SHAPES:
        got = call_answer(answer, n_in, n_out, what=f"dense_params({n_in}, {n_out})")
        expected = n_in * n_out + n_out
        if got == expected:
            continue
        hint = ""
        if got == n_in * n_out:
            hint = ": that counts the weights only; each of the M output units also has a bias"
        elif got == n_in * n_out + n_in:
            hint = ": there is one bias per output unit (M), not one per input"
        elif got == (n_in + 1) * (n_out + 1):
            hint = ": the inputs have no bias of their own; only the outputs do"
        raise IncorrectAnswer(f"dense_params({n_in}, {n_out}) returned {got!r}, expected {expected}{hint}")
    return "N x M weights plus M biases: Dense(128) on 784 inputs has 100,480 parameters."


# --- keras-leaky-relu ----------------------------------------------------------------------

_LEAKY_X = np.array([-50.0, -3.0, -1.0, -0.25, 0.0, 0.25, 1.0, 3.0, 50.0], dtype=np.float32)


@exercise("keras-leaky-relu", chapter=CHAPTER, title="A custom Keras activation: PyTorch's Leaky ReLU",
          difficulty="easy")
def _leaky_relu(answer):
    keras = _keras()
    what = "leaky_relu_torch(x)"
    got = call_answer(answer, keras.ops.convert_to_tensor(_LEAKY_X), what=what)
    try:
        got = keras.ops.convert_to_numpy(got)
    except Exception:  # anything that is not a tensor
        raise IncorrectAnswer(f"{what} should return a tensor; got {type(got).__name__}") from None
    if not np.issubdtype(np.asarray(got).dtype, np.number):
        raise IncorrectAnswer(f"{what} should return a tensor of numbers; got {np.asarray(got).dtype} values")
    negative = _LEAKY_X < 0
    expected = leaky_relu(_LEAKY_X.astype(float), alpha=0.01)
    if np.shape(got) == _LEAKY_X.shape and np.allclose(got[~negative], _LEAKY_X[~negative], rtol=1e-6):
        slopes = got[negative] / _LEAKY_X[negative]
        if np.allclose(slopes, 0.0, atol=1e-7):
            raise IncorrectAnswer("for x < 0 your function returns 0: that is ReLU. Leaky ReLU lets a small "
                                  "slope through, 0.01 * x in PyTorch's default")
        if np.allclose(slopes, slopes[0], rtol=1e-4) and not np.isclose(slopes[0], 0.01, rtol=1e-4):
            raise IncorrectAnswer(f"for x < 0 your slope is {slopes[0]:.3g}; PyTorch's nn.LeakyReLU uses 0.01 "
                                  "(Keras's layer uses 0.3 and keras.activations.leaky_relu 0.2)")
    expect_close(got, expected, what, rtol=1e-6, atol=1e-7, at=_LEAKY_X)
    # It must also work where Keras really uses it: inside a layer, in a traced graph.
    weights = np.array([[1.0, -1.0], [2.0, 0.5], [-3.0, 1.0]], dtype=np.float32)
    x = np.array([[1.0, 0.5, 2.0], [-1.0, 0.0, 0.5]], dtype=np.float32)
    try:  # a NotImplementedError here comes from NumPy meeting a symbolic tensor, not from a stub
        inputs = keras.Input(shape=(3,))
        model = keras.Model(inputs, keras.layers.Dense(2, activation=answer)(inputs))
        model.layers[-1].set_weights([weights, np.array([0.1, -0.2], dtype=np.float32)])
        in_layer = model.predict(x, verbose=0)
    except Exception as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise IncorrectAnswer(f"Dense(2, activation=leaky_relu_torch) fails: {type(err).__name__}: {first_line} "
                              "Write the function with keras.ops, not NumPy, so that Keras can trace it.") from err
    z = x.astype(float) @ weights + np.array([0.1, -0.2])
    expect_close(in_layer, leaky_relu(z, alpha=0.01), "Dense(2, activation=leaky_relu_torch)", rtol=1e-5, atol=1e-6)
    return "a Python function of a tensor, written with keras.ops, is all Dense(activation=...) needs."


# --- keras-logits-loss ---------------------------------------------------------------------


def _logits_case():
    rng = np.random.default_rng(6)
    logits = rng.normal(0.0, 3.0, size=(32, 10)).astype(np.float32)
    labels = rng.integers(0, 10, size=32)
    probabilities = softmax(logits.astype(float), axis=-1)
    expected = float(np.mean(-np.log(probabilities[np.arange(32), labels])))
    return logits, labels, expected


@exercise("keras-logits-loss", chapter=CHAPTER, title="The right loss for logits and integer labels",
          difficulty="medium")
def _logits_loss(answer):
    keras = _keras()
    logits, labels, expected = _logits_case()
    what = "loss(y_true, y_pred)"
    try:
        value = call_answer(answer, labels, logits, what=what)
    except IncorrectAnswer as err:
        raise IncorrectAnswer(f"{err}. The labels here are class indices, shape (n,), not one-hot rows: "
                              "a categorical loss expects one-hot labels of shape (n, 10).") from err
    try:
        value = float(np.mean(keras.ops.convert_to_numpy(value)))
    except Exception:
        raise IncorrectAnswer(f"{what} should return a number; got {type(value).__name__}") from None
    if np.isclose(value, expected, rtol=1e-4):
        return ("from_logits=True applies the softmax inside the loss, which is also the numerically "
                "stable way to compute it.")
    as_probabilities = float(keras.losses.SparseCategoricalCrossentropy()(labels, logits))
    if np.isclose(value, as_probabilities, rtol=1e-4):
        raise IncorrectAnswer(f"your loss gives {value:.4f} instead of {expected:.4f}: it reads the model's raw "
                              "scores (logits) as probabilities. The last layer has no softmax, so tell the "
                              "loss: from_logits=True.")
    raise IncorrectAnswer(f"your loss gives {value:.4f}; the cross-entropy of these logits and labels is "
                          f"{expected:.4f}")


# --- keras-cnn-99 --------------------------------------------------------------------------

CNN_TARGET = 0.99
CNN_MAX_PARAMS = 500_000


def _mnist_test_images():
    """The MNIST test set as the CNN exercise feeds it: (10000, 28, 28, 1) floats in [0, 1], labels."""
    from ..datasets import load_mnist

    _, (x_test, y_test) = load_mnist()
    return (x_test.astype(np.float32) / 255.0)[..., None], y_test


def _all_layers(model):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _all_layers(layer)


@exercise("keras-cnn-99", chapter=CHAPTER, title="Article 002's challenge: 99 % with a small CNN",
          difficulty="hard")
def _cnn_99(answer):
    keras = _keras()
    if not isinstance(answer, keras.Model):
        raise IncorrectAnswer(f"expected your trained Keras model; got {type(answer).__name__}")
    if not any(isinstance(layer, keras.layers.Conv2D) for layer in _all_layers(answer)):
        raise IncorrectAnswer("your model has no Conv2D layer: this exercise asks for a convolutional network")
    if answer.count_params() > CNN_MAX_PARAMS:
        raise IncorrectAnswer(f"your model has {answer.count_params():,} parameters; keep it small "
                              f"(at most {CNN_MAX_PARAMS:,}) so that it trains in a minute on a laptop")
    x_test, y_test = _mnist_test_images()
    try:
        scores = np.asarray(answer.predict(x_test, batch_size=2000, verbose=0))
    except Exception as err:
        raise IncorrectAnswer(f"your model cannot read the test images, shape {x_test.shape}, floats in [0, 1]: "
                              f"{type(err).__name__}: {err}") from err
    if scores.shape != (len(y_test), 10):
        raise IncorrectAnswer(f"expected 10 class scores per image, shape {(len(y_test), 10)}; got {scores.shape}")
    acc = float(np.mean(scores.argmax(axis=1) == y_test))
    if acc < CNN_TARGET:
        raise IncorrectAnswer(f"test accuracy {acc:.2%} is below {CNN_TARGET:.0%}. Check the input scaling, "
                              "then try more filters, another epoch, or a learning rate that decays to 0.")
    return f"test accuracy is at least {CNN_TARGET:.0%}: article 002's challenge is met."
