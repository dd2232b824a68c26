"""Where PyTorch and Keras differ from each other or from actlib, asserted with the installed libraries.

Each test backs a sentence of a registry record's ``note`` (and, where it says so, an entry
of ``actlib.crosscheck.KNOWN_DIFFERENCES`` or a tolerance in ``test_reference.py``). If a
library changes, the test fails, and the note must change with it.
"""

import inspect
import warnings

import numpy as np
import pytest
import torch

import actlib
from actlib.crosscheck import KERAS, TORCH

F = torch.nn.functional
keras = actlib.frameworks.import_keras()
K = keras.activations


def tf_gradient(function, points):
    """TensorFlow's autograd of ``function`` at ``points`` (float64)."""
    import tensorflow as tf

    variable = tf.Variable(np.array(points, dtype=np.float64))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(function(variable))
    return tape.gradient(total, variable).numpy()


def torch_gradient(function, points):
    t = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    function(t).sum().backward()
    return t.grad.numpy()


def numpy_of(tensor):
    return keras.ops.convert_to_numpy(tensor)


# --- kinks -------------------------------------------------------------------------------

def test_hardtanh_at_its_kinks_tensorflow_passes_the_gradient_pytorch_and_actlib_do_not():
    assert tf_gradient(K.hard_tanh, [-1.0, 1.0]).tolist() == [1.0, 1.0]  # tf.clip_by_value
    assert torch_gradient(F.hardtanh, [-1.0, 1.0]).tolist() == [0.0, 0.0]
    assert actlib.derivative("hardtanh", [-1.0, 1.0]).tolist() == [0.0, 0.0]
    assert "TensorFlow's (tf.clip_by_value) 1" in actlib.get("hardtanh").note


@pytest.mark.parametrize("name", ["relu6", "hardswish", "softshrink", "hardshrink", "threshold", "sparse_sigmoid"])
def test_at_these_kinks_tensorflow_agrees_with_pytorch_and_actlib(name):
    record = actlib.get(name)
    kinks = list(record.kinks)
    assert tf_gradient(KERAS[name], kinks).tolist() == list(record.kinks.values())


def test_celu_at_0_tensorflow_gives_slope_2_pytorch_and_actlib_1():
    # Keras: max(x, 0) + alpha expm1(min(x, 0) / alpha); tf.maximum and tf.minimum both pass the gradient at a tie
    from keras.src.backend.tensorflow import nn as tensorflow_backend

    assert "tf.maximum(x, 0.0)" in inspect.getsource(tensorflow_backend.celu)
    assert tf_gradient(K.celu, [0.0]).tolist() == [2.0]
    assert torch_gradient(F.celu, [0.0]).tolist() == [1.0]
    assert actlib.derivative("celu", 0.0) == 1.0
    assert "a slope of 2" in actlib.get("celu").note


def test_selu_at_0_tensorflow_gives_lambda_pytorch_and_actlib_lambda_alpha():
    lam, alpha = actlib.activations.SELU_SCALE, actlib.activations.SELU_ALPHA
    assert tf_gradient(K.selu, [0.0])[0] == pytest.approx(lam, rel=1e-15)
    assert torch_gradient(F.selu, [0.0])[0] == pytest.approx(lam * alpha, rel=1e-15)
    assert actlib.derivative("selu", 0.0) == pytest.approx(lam * alpha, rel=1e-15)


# --- formulas and definitions --------------------------------------------------------------

def test_keras_3_hard_sigmoid_is_pytorchs_and_tf_keras_2s_was_another():
    from tensorflow.python.keras import activations as tf_keras_2

    x = np.array([-3.0, -2.5, -1.0, 0.0, 1.0, 2.5, 3.0])
    ours = actlib.hardsigmoid(x)
    np.testing.assert_allclose(numpy_of(K.hard_sigmoid(x)), ours, rtol=1e-15)
    np.testing.assert_allclose(F.hardsigmoid(torch.from_numpy(x)).numpy(), ours, rtol=1e-15)
    old = tf_keras_2.hard_sigmoid(keras.ops.convert_to_tensor(x)).numpy()
    np.testing.assert_allclose(old, np.clip(0.2 * x + 0.5, 0, 1), rtol=1e-15)  # 0 and 1 from -2.5 and 2.5
    assert old[4] == pytest.approx(0.7) and ours[4] == pytest.approx(4 / 6)
    assert "clip(0.2x + 0.5, 0, 1)" in actlib.get("hardsigmoid").note


def test_keras_hard_tanh_has_no_bounds_and_pytorch_checks_their_order():
    assert list(inspect.signature(K.hard_tanh).parameters) == ["x"]
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(torch.ones(1), 2.0, 1.0)
    with pytest.raises(ValueError, match="min_val must be <= max_val"):
        actlib.hardtanh([1.0], min_val=2.0, max_val=1.0)


def test_threshold_has_no_defaults_in_either_library():
    for function, names in ((F.threshold, ("threshold", "value")), (torch.nn.Threshold, ("threshold", "value")),
                            (K.threshold, ("threshold", "default_value"))):
        parameters = inspect.signature(function).parameters
        for name in names:
            assert parameters[name].default is inspect.Parameter.empty, (function, name)
    assert actlib.get("threshold").defaults == {"threshold": 0.0, "value": 0.0}
    np.testing.assert_array_equal(actlib.threshold(np.linspace(-3, 3, 13)), actlib.relu(np.linspace(-3, 3, 13)))


def test_shrinkage_keras_calls_lambda_threshold_and_pytorch_checks_it_for_softshrink_only():
    for function in (K.soft_shrink, K.hard_shrink):
        assert inspect.signature(function).parameters["threshold"].default == 0.5
    with pytest.raises(RuntimeError, match="lambda must be in range"):
        F.softshrink(torch.ones(2), -1.0)
    x = torch.tensor([-0.2, 0.0, 0.3])
    assert torch.equal(F.hardshrink(x, -1.0), x)  # accepted: |x| > -1 everywhere
    for name in ("softshrink", "hardshrink"):
        with pytest.raises(ValueError, match="lambd must be >= 0.0; got -1.0"):
            actlib.get(name)([1.0], lambd=-1.0)


def test_both_libraries_lose_tanhshrink_near_0_actlib_does_not():
    x = np.array([1e-8])
    assert F.tanhshrink(torch.from_numpy(x)).item() == 0.0
    assert numpy_of(K.tanh_shrink(x))[0] == 0.0
    assert actlib.tanhshrink(x)[0] == pytest.approx(1e-24 / 3, rel=1e-15)
    assert "both give 0 at x = 1e-8" in actlib.get("tanhshrink").note


def test_keras_squareplus_cancels_and_overflows_actlib_does_not():
    x32 = np.array([-1e4, -1e20, 1e20, -3e38, 3e38], dtype=np.float32)
    theirs = numpy_of(K.squareplus(x32))
    assert theirs[0] == 0.0 and np.all(np.isinf(theirs[1:]))  # the true values: 1e-4, 1e-20, 1e20, ~0, 3e38
    ours = actlib.squareplus(x32)
    np.testing.assert_allclose(ours, [1e-4, 1e-20, 1e20, 1 / 3e38, 3e38], rtol=1e-6)
    x64 = np.array([-1e200, 1e200])
    assert np.all(np.isinf(numpy_of(K.squareplus(x64))))
    np.testing.assert_allclose(actlib.squareplus(x64), [1e-200, 1e200], rtol=1e-15)
    assert "float32: 0 at x = -1e4" in actlib.get("squareplus").note


def test_keras_3_15_sparsemax_is_wrong_when_its_support_has_two_or_more_entries():
    """keras-team/keras#23425: tau sums the cumulative sums over the support instead of taking the last."""
    x = np.array([1.0, 0.5, -1.0])
    np.testing.assert_allclose(numpy_of(K.sparsemax(x)), [0.25, 0.0, 0.0])  # sums to 0.25
    np.testing.assert_allclose(actlib.sparsemax(x), [0.75, 0.25, 0.0])
    # with one entry in the support it is right
    np.testing.assert_allclose(numpy_of(K.sparsemax(np.array([3.0, 0.5, -1.0]))), [1.0, 0.0, 0.0])
    assert keras.version() == "3.15.1"
    assert "keras-team/keras#23425" in actlib.get("sparsemax").note


def test_keras_sparsemax_is_right_where_the_partial_sums_before_the_last_add_up_to_0():
    """Its threshold, (sum of the support's partial sums - 1) / k, is then the right (last one - 1) / k."""
    for x in ([0.0, -0.5], [0.0, 0.0, -0.3]):  # support of 2 and of 3 entries
        x = np.array(x)
        assert np.all(actlib.sparsemax(x) > 0)
        np.testing.assert_allclose(numpy_of(K.sparsemax(x)), actlib.sparsemax(x), rtol=1e-12)
    np.testing.assert_allclose(numpy_of(K.sparsemax(np.array([0.2, 0.0]))), [0.5, 0.3])  # 0.2 != 0
    note = " ".join(actlib.get("sparsemax").note.split())
    assert "wrong for almost every input" in note and "sparsemax([0, -0.5]) gives the right [0.75, 0.25]" in note
    assert "whenever" not in note


# --- precision of PyTorch's float64 gradients ---------------------------------------------

def test_pytorch_float64_hardsigmoid_gradient_is_float32s_sixth():
    gradient = torch_gradient(F.hardsigmoid, [0.0])[0]
    assert gradient == float(np.float32(1 / 6)) != 1 / 6
    assert actlib.derivative("hardsigmoid", 0.0) == 1 / 6
    np.testing.assert_allclose(tf_gradient(K.hard_sigmoid, [0.0]), [1 / 6], rtol=1e-15)
    assert "float32's 1/6" in actlib.get("hardsigmoid").note


def test_pytorch_float64_celu_gradient_carries_alphas_float32_rounding_into_the_exponent():
    for alpha, at_700 in ((0.9, (1e-5, 2e-5)), (1e-3, (3e-5, 4e-5))):
        ratio = -np.array([0.5, 50.0, 600.0, 700.0])  # x / alpha
        x = ratio * alpha
        theirs = torch_gradient(lambda t, alpha=alpha: F.celu(t, alpha), x)
        exact = np.exp(ratio)
        error = np.abs(theirs / exact - 1)
        rounding = abs(float(np.float32(alpha)) - alpha) / alpha
        # about |x/alpha| times alpha's float32 rounding, growing with |x/alpha|
        np.testing.assert_allclose(error, np.abs(ratio) * rounding, rtol=0.2)
        assert at_700[0] < error[-1] < at_700[1]
        np.testing.assert_allclose(actlib.derivative("celu", x, alpha=alpha), exact, rtol=1e-13)
    # alpha a float32 number (3): accurate
    x = np.linspace(-1, -1e-3, 1000)
    np.testing.assert_allclose(torch_gradient(lambda t: F.celu(t, 3.0), x), np.exp(x / 3.0), rtol=1e-15)
    assert "times that rounding (2e-5 at x/alpha = -700 for alpha = 0.9, 3e-5" in " ".join(
        actlib.get("celu").note.split())


def test_keras_sparsemax_entries_can_leave_0_1():
    x = np.array([-3.0, -3.2, -3.4])
    np.testing.assert_allclose(numpy_of(K.sparsemax(x)), [3.6, 3.4, 3.2], rtol=1e-12)
    np.testing.assert_allclose(actlib.sparsemax(x), [1.6 / 3, 1 / 3, 0.4 / 3], rtol=1e-12)
    assert "sparsemax([-3, -3.2, -3.4]) gives [3.6, 3.4, 3.2]" in actlib.get("sparsemax").note


# --- parameters and modes ------------------------------------------------------------------

def test_celu_alpha_0_pytorch_raises_and_actlib_too():
    with pytest.raises(RuntimeError, match="alpha cannot be 0"):
        F.celu(torch.ones(1), 0.0)
    with pytest.raises(ValueError, match="alpha must be > 0.0; got 0.0"):
        actlib.celu([1.0], alpha=0.0)


def test_rrelu_layer_is_random_until_eval_and_pytorch_accepts_a_negative_lower():
    torch.manual_seed(0)
    x = -torch.ones(1000, dtype=torch.float64)
    layer = actlib.get("rrelu").torch_layer()
    assert layer.training
    slopes = -layer(x).numpy()
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3 and slopes.std() > 0.05
    layer.eval()
    np.testing.assert_allclose(layer(x).numpy(), actlib.rrelu(x.numpy()), rtol=1e-15)
    assert inspect.signature(F.rrelu).parameters["training"].default is False
    assert F.rrelu(torch.tensor([-1.0]), -0.5, 0.1).item() == pytest.approx(0.2)  # slope (-0.5 + 0.1) / 2
    with pytest.raises(ValueError, match="lower must be >= 0.0"):
        actlib.rrelu([-1.0], lower=-0.5, upper=0.1)
    with pytest.raises(RuntimeError, match="Lower bound should be less than or equal to the upper bound"):
        F.rrelu(torch.ones(2), 0.5, 0.1)
    assert "random until .eval()" in actlib.get("rrelu").note


@pytest.mark.parametrize(("layer", "name"), [(torch.nn.Softmin, "softmin"), (torch.nn.LogSoftmax, "log_softmax"),
                                            (torch.nn.Softmax, "softmax")])
def test_pytorch_softmax_family_without_dim_guesses_one(layer, name):
    x = torch.tensor([[0.0, 1.0, 2.0], [0.0, 0.0, 5.0]], dtype=torch.float64)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        guessed = layer()(x)
    assert any("Implicit dimension choice" in str(w.message) for w in caught)
    torch.testing.assert_close(guessed, layer(dim=1)(x))  # 2-D: dim 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.testing.assert_close(layer()(x[0]), layer(dim=0)(x[0]))  # 1-D: dim 0
    np.testing.assert_allclose(actlib.get(name)(x.numpy()), layer(dim=-1)(x).numpy(), rtol=1e-12)
    assert "without dim picks one" in actlib.get(name).note


def test_selu_gain_pytorch_says_linear_for_self_normalising_networks():
    assert torch.nn.init.calculate_gain("selu") == 0.75
    assert "nonlinearity='linear'" in torch.nn.init.calculate_gain.__doc__
    assert actlib.get("selu").gain == "linear" and actlib.get("selu").initialisation == "LeCun normal"


def test_glu_both_libraries_gate_the_first_half_and_refuse_an_odd_axis():
    x = np.array([[1.0, -2.0, 0.5, 3.0]])
    np.testing.assert_allclose(F.glu(torch.from_numpy(x), dim=-1).numpy(), actlib.glu(x), rtol=1e-15)
    np.testing.assert_allclose(numpy_of(K.glu(x, axis=-1)), actlib.glu(x), rtol=1e-15)
    with pytest.raises(RuntimeError, match="even"):
        F.glu(torch.ones(1, 3), dim=-1)
    with pytest.raises(ValueError, match="divisible by 2"):
        K.glu(np.ones((1, 3)), axis=-1)
    with pytest.raises(ValueError, match="which is odd"):
        actlib.glu(np.ones((1, 3)))


def test_exponential_overflows_in_both_libraries_as_in_actlib():
    assert torch.exp(torch.tensor([710.0], dtype=torch.float64)).item() == np.inf
    assert numpy_of(K.exponential(np.array([89.0], dtype=np.float32)))[0] == np.inf
    with np.errstate(over="ignore"):
        assert actlib.exponential(np.float32(89.0)) == np.inf
        assert np.isfinite(actlib.exponential(np.float32(88.7)))
    assert TORCH["exponential"] is not None


def test_pytorch_softplus_returns_x_above_its_threshold_of_20():
    assert inspect.signature(torch.nn.Softplus).parameters["threshold"].default == 20.0
    x = np.array([19.99, 20.01, 25.0])
    theirs = F.softplus(torch.from_numpy(x)).numpy()
    assert theirs[0] != x[0] and theirs[1] == x[1] and theirs[2] == x[2]
    np.testing.assert_allclose(actlib.softplus(x) - x, np.log1p(np.exp(-x)), rtol=0, atol=4e-15)  # to an ulp of x
    np.testing.assert_allclose(numpy_of(K.softplus(x)), actlib.softplus(x), rtol=1e-15)
    assert actlib.softplus(20.01) - 20.01 == pytest.approx(2.04e-9, rel=1e-2)
    assert "return x itself where x > 20" in actlib.get("softplus").note


def test_keras_prelu_learns_a_slope_per_input_element_pytorch_one():
    layer = keras.layers.PReLU()
    layer.build((None, 5))
    assert tuple(layer.alpha.shape) == (5,)
    shared = keras.layers.PReLU(shared_axes=[1])
    shared.build((None, 5))
    assert tuple(shared.alpha.shape) == (1,)
    assert tuple(torch.nn.PReLU().weight.shape) == (1,)
    assert "one per input element" in actlib.get("prelu").note
