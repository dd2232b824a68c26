"""The self-checks of the page "The zoo compared" (chapters/zoo_compared.ipynb): right and wrong answers."""

import math

import numpy as np
import pytest
from scipy import integrate

import actlib
from actlib.exercises import IncorrectAnswer, NotAnswered
from actlib.exercises.zoo import _selu_fixed_point, _selu_second_moment
from actlib.interactive import depth_gradient


def _stub(*args, **kwargs):
    raise NotImplementedError


def _correct(label, answer, capsys):
    actlib.check(label, answer)
    assert capsys.readouterr().out.startswith(f"Correct ({label}).")


# --- zoo-stack-gradient ------------------------------------------------------------------------

def stack_gradient(name, x, depth, **params):
    z = np.asarray(x, dtype=float)
    factor = np.ones_like(z)
    for _ in range(depth):
        factor = factor * actlib.derivative(name, z, **params)
        z = actlib.get(name).function(z, **params)
    return factor


def test_stack_gradient_right(capsys):
    _correct("zoo-stack-gradient", stack_gradient, capsys)
    _correct("zoo-stack-gradient", depth_gradient, capsys)


def test_stack_gradient_all_layers_first_then_the_product(capsys):
    def two_passes(name, x, depth, **params):
        zs = [np.asarray(x, dtype=float)]
        for _ in range(depth - 1):
            zs.append(actlib.get(name).function(zs[-1], **params))
        return np.prod([actlib.derivative(name, z, **params) for z in zs], axis=0)

    _correct("zoo-stack-gradient", two_passes, capsys)


def test_stack_gradient_wrong():
    with pytest.raises(IncorrectAnswer, match=r"is f'\(x\)\*\*5: every layer's slope is taken at x"):
        actlib.check("zoo-stack-gradient", lambda n, x, d, **p: actlib.derivative(n, x, **p) ** d)
    with pytest.raises(IncorrectAnswer, match="return it with its sign"):
        actlib.check("zoo-stack-gradient", lambda n, x, d, **p: np.abs(depth_gradient(n, x, d, **p)))
    with pytest.raises(IncorrectAnswer, match=r"stack_gradient\('elu', x, 5, alpha=2.0\)"):  # alpha ignored
        actlib.check("zoo-stack-gradient", lambda n, x, d, **p: depth_gradient(n, x, d))
    with pytest.raises(NotAnswered):
        actlib.check("zoo-stack-gradient", _stub)


# --- zoo-keras-sparsemax-right -----------------------------------------------------------------

def test_keras_sparsemax_right_answers(capsys):
    keras = actlib.frameworks.import_keras()
    for scores in ([0.2, -0.4, -0.5], [0.0, 0.0, -0.3], [-0.3, 0.1, -0.2], [0.0, 0.0, 0.0]):
        z = np.array(scores)
        assert np.all(actlib.sparsemax(z) > 0)
        np.testing.assert_allclose(keras.ops.convert_to_numpy(keras.activations.sparsemax(z)),
                                   actlib.sparsemax(z), rtol=1e-12, atol=1e-15)  # Keras is right
        _correct("zoo-keras-sparsemax-right", scores, capsys)


def test_keras_sparsemax_right_wrong():
    keras = actlib.frameworks.import_keras()
    z = np.array([0.2, 0.0, -0.1])  # all in the support, but c_1 + c_2 = 0.4
    with pytest.raises(IncorrectAnswer, match=r"Keras returns \[0.366667, 0.166667, 0.066667\]") as error:
        actlib.check("zoo-keras-sparsemax-right", z)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(keras.activations.sparsemax(z)),
                               [0.366667, 0.166667, 0.066667], atol=1e-6)  # what the message says Keras returns
    assert "not [0.5, 0.3, 0.2]" in str(error.value)
    with pytest.raises(IncorrectAnswer, match="only 2 of the three scores are in the support"):
        actlib.check("zoo-keras-sparsemax-right", [1.0, 0.5, -1.0])
    with pytest.raises(IncorrectAnswer, match=r"shape \(3,\); got shape \(2,\)"):
        actlib.check("zoo-keras-sparsemax-right", [0.0, -0.5])  # right in Keras, but two scores
    with pytest.raises(NotAnswered):
        actlib.check("zoo-keras-sparsemax-right", None)


# --- zoo-selu-gain-fixed-point -----------------------------------------------------------------

def test_selu_second_moment_is_the_integral():
    def integral(q):
        def f(xi):
            return float(actlib.selu(math.sqrt(q) * xi)) ** 2 * math.exp(-xi * xi / 2) / math.sqrt(2 * math.pi)

        return sum(integrate.quad(f, *ends, epsabs=0, epsrel=1e-12)[0] for ends in ((-np.inf, 0), (0, np.inf)))

    for q in (0.02, 0.36, 1.0, 2.4, 12.0, 100.0):
        assert math.isclose(_selu_second_moment(q), integral(q), rel_tol=1e-11)
    assert math.isclose(_selu_second_moment(1.0), 1.0, rel_tol=1e-12)  # SELU's own fixed point


def test_selu_fixed_point_right(capsys):
    def iterate(gain):
        q = 1.0
        for _ in range(5000):
            q = gain**2 * _selu_second_moment(q)
        return q

    _correct("zoo-selu-gain-fixed-point", iterate, capsys)
    assert 0.02 < _selu_fixed_point(0.75) < 0.025 and math.isclose(_selu_fixed_point(1.0), 1.0, rel_tol=1e-12)


def test_selu_fixed_point_wrong():
    with pytest.raises(IncorrectAnswer, match=r"selu_fixed_point\(0.75\) = 1.0 is not where the map settles: one "
                                              r"more layer takes it to 0.5625"):
        actlib.check("zoo-selu-gain-fixed-point", lambda gain: 1.0)
    with pytest.raises(IncorrectAnswer, match="with gain 1 .LeCun normal. the second moment must stay at 1"):
        actlib.check("zoo-selu-gain-fixed-point", lambda gain: 1.01 * _selu_fixed_point(gain))
    with pytest.raises(IncorrectAnswer, match="close: iterate longer"):  # 100 layers: 7e-4 short at 0.75
        actlib.check("zoo-selu-gain-fixed-point", lambda gain: _iterate(gain, 100))
    with pytest.raises(IncorrectAnswer, match="a second moment E.u.2. is a positive number"):
        actlib.check("zoo-selu-gain-fixed-point", lambda gain: 1.0 if gain == 1.0 else -1.0)
    with pytest.raises(NotAnswered):
        actlib.check("zoo-selu-gain-fixed-point", _stub)


def _iterate(gain, layers):
    q = 1.0
    for _ in range(layers):
        q = gain**2 * _selu_second_moment(q)
    return q
