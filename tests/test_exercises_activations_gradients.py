"""The self-checks of the chapters "The activation functions" and "Gradients": right and wrong answers."""

import math

import numpy as np
import pytest

import actlib
from actlib.exercises import IncorrectAnswer, NotAnswered


def _stub(*args, **kwargs):
    raise NotImplementedError


def _correct(label, answer, capsys):
    actlib.check(label, answer)
    assert capsys.readouterr().out.startswith(f"Correct ({label}).")


# --- activations-stable-softmax ---------------------------------------------------------------

def stable_softmax(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_stable_softmax_right(capsys):
    _correct("activations-stable-softmax", stable_softmax, capsys)


def test_stable_softmax_wrong():
    def naive(z):
        return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)

    with pytest.raises(IncorrectAnswer, match=r"returned inf or NaN for the scores \[1000.0, 1001.0, 1002.0\]"):
        actlib.check("activations-stable-softmax", naive)
    with pytest.raises(IncorrectAnswer, match="each row of stable_softmax.z. should sum to 1"):
        actlib.check("activations-stable-softmax", lambda z: np.exp(z - z.max(axis=-1, keepdims=True)))
    with pytest.raises(IncorrectAnswer, match="should keep the shape"):
        actlib.check("activations-stable-softmax", lambda z: stable_softmax(z).ravel())
    with pytest.raises(IncorrectAnswer, match="each row of stable_softmax.z. should sum to 1"):  # wrong axis
        actlib.check("activations-stable-softmax", lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=0))
    wrong_scale = (r"for the scores \[1.0, 2.0, 3.0\] stable_softmax\(z\) gives \[0.015876, 0.11731, 0.866813\]; "
                   r"expected \[0.090031, 0.244728, 0.665241\]")
    with pytest.raises(IncorrectAnswer, match=wrong_scale):  # exp(2 z)
        actlib.check("activations-stable-softmax", lambda z: stable_softmax(2 * z))
    with pytest.raises(NotAnswered):
        actlib.check("activations-stable-softmax", _stub)


# --- activations-elu-derivative ---------------------------------------------------------------

def elu_derivative(x, alpha=1.0):
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


def test_elu_derivative_right(capsys):
    _correct("activations-elu-derivative", elu_derivative, capsys)


def test_elu_derivative_wrong():
    with pytest.raises(IncorrectAnswer, match="as article 000 claims"):
        actlib.check("activations-elu-derivative", lambda x, alpha=1.0: np.ones_like(x))
    with pytest.raises(IncorrectAnswer, match=r"elu_derivative\(x, alpha=0.5\): .* values are off"):
        actlib.check("activations-elu-derivative", lambda x, alpha=1.0: elu_derivative(x))  # ignores alpha
    with pytest.raises(IncorrectAnswer, match="raised TypeError"):
        actlib.check("activations-elu-derivative", lambda x: elu_derivative(x))  # no alpha parameter
    with pytest.raises(NotAnswered):
        actlib.check("activations-elu-derivative", _stub)


# --- activations-leaky-defaults ---------------------------------------------------------------

LEAKY = {"torch": np.float32(-0.02), "keras_layer": np.float32(-0.6), "keras_function": -0.4, "torch_true": -2.0}


def test_leaky_defaults_right(capsys):
    _correct("activations-leaky-defaults", LEAKY, capsys)


def test_leaky_defaults_wrong():
    with pytest.raises(IncorrectAnswer, match="keras_layer: got -0.4.*negative_slope=0.3"):
        actlib.check("activations-leaky-defaults", LEAKY | {"keras_layer": -0.4})
    with pytest.raises(IncorrectAnswer, match="torch_true: got 0.0.*the identity"):
        actlib.check("activations-leaky-defaults", LEAKY | {"torch_true": 0.0})
    with pytest.raises(IncorrectAnswer, match="answer with a dict"):
        actlib.check("activations-leaky-defaults", [-0.02, -0.6, -0.4, -2.0])
    with pytest.raises(IncorrectAnswer, match="expected one number"):
        actlib.check("activations-leaky-defaults", LEAKY | {"torch": "slope"})
    with pytest.raises(NotAnswered, match=r"fill in \['torch_true'\]"):
        actlib.check("activations-leaky-defaults", {k: v for k, v in LEAKY.items() if k != "torch_true"})
    with pytest.raises(NotAnswered):
        actlib.check("activations-leaky-defaults", {})


# --- activations-maxout-square ----------------------------------------------------------------

def tangents(k):
    a = np.linspace(-2, 2, k)
    return (2 * a).reshape(k, 1, 1), (-(a**2)).reshape(k, 1)


def test_maxout_square_right(capsys):
    _correct("activations-maxout-square", tangents(10), capsys)


def test_maxout_square_wrong():
    with pytest.raises(IncorrectAnswer, match=r"largest error on \[-2, 2\] is 0.2500 at x = -1.500"):
        actlib.check("activations-maxout-square", tangents(5))
    with pytest.raises(IncorrectAnswer, match="at most 10 pieces; you used k = 11"):
        actlib.check("activations-maxout-square", tangents(11))
    w, b = tangents(10)
    with pytest.raises(IncorrectAnswer, match=r"biases must have shape \(k, 1\)"):
        actlib.check("activations-maxout-square", (w, b.ravel()))
    with pytest.raises(IncorrectAnswer, match=r"weights must have shape \(k, 1, 1\)"):
        actlib.check("activations-maxout-square", (w[:, :, 0], b))
    with pytest.raises(IncorrectAnswer, match="answer with a pair"):
        actlib.check("activations-maxout-square", w)
    with pytest.raises(NotAnswered):
        actlib.check("activations-maxout-square", (None, None))


# --- gradients-central-difference -------------------------------------------------------------

def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


def test_central_difference_right(capsys):
    _correct("gradients-central-difference", central_difference, capsys)


def test_central_difference_wrong():
    with pytest.raises(IncorrectAnswer, match="one-sided difference"):
        actlib.check("gradients-central-difference", lambda f, x, h=1e-5: (f(x + h) - f(x)) / h)
    with pytest.raises(IncorrectAnswer, match="values are off"):  # forgets the 2
        actlib.check("gradients-central-difference", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h)
    with pytest.raises(IncorrectAnswer, match="with the default h"):  # default step far too large
        actlib.check("gradients-central-difference", lambda f, x, h=0.1: central_difference(f, x, h))
    with pytest.raises(NotAnswered):
        actlib.check("gradients-central-difference", _stub)


# --- gradients-sigmoid-bound ------------------------------------------------------------------

def test_sigmoid_bound(capsys):
    _correct("gradients-sigmoid-bound", 0.25**10, capsys)
    with pytest.raises(IncorrectAnswer, match="you added the ten factors"):
        actlib.check("gradients-sigmoid-bound", 2.5)
    with pytest.raises(IncorrectAnswer, match="one layer's bound"):
        actlib.check("gradients-sigmoid-bound", 0.25)
    with pytest.raises(IncorrectAnswer, match="is not it"):
        actlib.check("gradients-sigmoid-bound", 1e-5)
    with pytest.raises(IncorrectAnswer, match="expected one number"):
        actlib.check("gradients-sigmoid-bound", "tiny")


# --- gradients-dead-units ---------------------------------------------------------------------

def dead_fraction(pre_activations):
    return np.mean(np.all(pre_activations <= 0, axis=0))


def test_dead_units_right(capsys):
    _correct("gradients-dead-units", dead_fraction, capsys)


def test_dead_units_wrong():
    with pytest.raises(IncorrectAnswer, match="test pre <= 0, not pre < 0"):
        actlib.check("gradients-dead-units", lambda p: np.mean(np.all(p < 0, axis=0)))
    with pytest.raises(IncorrectAnswer, match="positive on even one sample is alive"):
        actlib.check("gradients-dead-units", lambda p: np.mean(np.mean(p <= 0, axis=0) > 0.9))
    with pytest.raises(IncorrectAnswer, match="Reduce over axis 0"):
        actlib.check("gradients-dead-units", lambda p: np.mean(np.all(p <= 0, axis=1)))
    with pytest.raises(NotAnswered):
        actlib.check("gradients-dead-units", _stub)


# --- gradients-he-std -------------------------------------------------------------------------

def test_he_std(capsys):
    _correct("gradients-he-std", math.sqrt(2 / 256), capsys)
    with pytest.raises(IncorrectAnswer, match="is the variance"):
        actlib.check("gradients-he-std", 2 / 256)
    with pytest.raises(IncorrectAnswer, match="LeCun"):
        actlib.check("gradients-he-std", 1 / 16)
    with pytest.raises(IncorrectAnswer, match="2 / fan_in"):
        actlib.check("gradients-he-std", 0.1)
