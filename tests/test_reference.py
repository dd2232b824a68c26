"""actlib agrees with PyTorch, Keras and a 40-digit mpmath reference.

Tolerances (``np.allclose(ours, theirs, rtol, atol)``):

* PyTorch, float64: rtol 1e-12, atol 1e-14. float32: rtol 4e-6, atol 1e-6.
* Keras (TensorFlow), float64: rtol 1e-7, atol 1e-8 (Keras keeps some constants
  such as the Leaky ReLU slope in float32, and computes ELU's ``exp(x) - 1``
  without ``expm1``); float32: rtol 4e-6, atol 2e-6.
* mpmath (float64): rtol 4e-13 for the functions, 1e-13 for derivatives, on
  every value larger than the smallest normal float.

The atol terms matter only where the true value is tiny: there PyTorch
computes GELU as ``x/2 (1 + erf(x/sqrt 2))``, whose ``1 + erf`` cancels,
while actlib and TensorFlow (Keras's backend) use ``erfc`` and stay accurate (see the mpmath test); likewise
Tanhshrink's ``x - tanh(x)`` near 0. Where a library differs by more
(``reference.KNOWN_DIFFERENCES``: Keras's squareplus and sparsemax), those inputs are
left out here and the difference is asserted in ``test_library_differences.py``.
"""

import numpy as np
import pytest
import torch

import actlib
from actlib.crosscheck import (
    GRID,
    KERAS,
    OVERFLOWS,
    TOL_KERAS,
    TOL_TORCH,
    TORCH,
    actlib_fn,
    compared,
    inputs,
    keras_values,
    torch_values,
)
from tests import exact

DTYPES = [np.float32, np.float64]
ELEMENTWISE = actlib.names(elementwise_only=True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(TORCH))
def test_agrees_with_torch(name, dtype):
    x = inputs(name, dtype)
    ours = actlib_fn(name)(x)
    assert ours.dtype == dtype
    rtol, atol = TOL_TORCH[dtype]
    keep = compared("torch", name, x)
    np.testing.assert_allclose(ours[keep], torch_values(name, x)[keep], rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(KERAS))
def test_agrees_with_keras(name, dtype):
    x = inputs(name, dtype)
    rtol, atol = TOL_KERAS[dtype]
    keep = compared("keras", name, x)
    assert keep is ... or keep.any()
    np.testing.assert_allclose(actlib_fn(name)(x)[keep], keras_values(name, x)[keep], rtol=rtol, atol=atol)


def _relative_error(ours, reference):
    significant = np.abs(reference) > np.finfo(np.float64).tiny
    return np.abs(ours[significant] - reference[significant]) / np.abs(reference[significant])


EXACT_GRID = np.unique(np.concatenate([np.linspace(-40, 40, 801), [-700, -1e-8, -1e-300, 0, 1e-300, 1e-8, 700]]))


@pytest.mark.parametrize("name", sorted(exact.EXACT))
def test_function_is_correct_to_the_last_digits(name):
    reference = exact.evaluate(exact.EXACT[name], EXACT_GRID)
    assert _relative_error(actlib.get(name)(EXACT_GRID), reference).max() < 4e-13


@pytest.mark.parametrize("name", sorted(exact.EXACT_DERIVATIVE))
def test_derivative_is_correct_to_the_last_digits(name):
    reference = exact.evaluate(exact.EXACT_DERIVATIVE[name], EXACT_GRID)
    assert _relative_error(actlib.derivative(name, EXACT_GRID), reference).max() < 1e-13


def _with_kinks(name):
    """The grid, plus the record's kinks (at its defaults)."""
    return np.unique(np.concatenate([GRID, list(actlib.get(name).kinks)]))


def _quiet(name):
    """A context that silences NumPy's overflow where actlib's function overflows as it must."""
    return np.errstate(over="ignore") if name in OVERFLOWS else np.errstate()


AUTOGRAD = {  # torch functions whose autograd we compare with actlib.derivative (no backward for the step)
    name: fn for name, fn in TORCH.items() if name in ELEMENTWISE and name != "step"
}
#: PyTorch's float64 Hardsigmoid gradient is float32's 1/6 (asserted in test_library_differences.py).
AUTOGRAD_RTOL = {"hardsigmoid": 6e-8}


@pytest.mark.parametrize("name", sorted(AUTOGRAD))
def test_derivative_agrees_with_torch_autograd_including_kinks(name):
    x = _with_kinks(name)
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    AUTOGRAD[name](t).sum().backward()
    with _quiet(name):
        ours = actlib.derivative(name, x)
    np.testing.assert_allclose(ours, t.grad.numpy(), rtol=AUTOGRAD_RTOL.get(name, 1e-12), atol=1e-14)


KERAS_ONLY = sorted(name for name in ELEMENTWISE if name in KERAS and name not in TORCH)


@pytest.mark.parametrize("name", KERAS_ONLY)
def test_keras_only_derivatives_agree_with_tensorflow_autograd_including_kinks(name):
    import tensorflow as tf

    x = _with_kinks(name)
    variable = tf.Variable(x)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(KERAS[name](variable))
    np.testing.assert_allclose(actlib.derivative(name, x), tape.gradient(total, variable).numpy(),
                               rtol=1e-12, atol=1e-14)


def test_gelu_tanh_derivative_agrees_with_torch_autograd():
    t = torch.tensor(GRID, dtype=torch.float64, requires_grad=True)
    TORCH["gelu_tanh"](t).sum().backward()
    np.testing.assert_allclose(actlib.derivative("gelu", GRID, approximate=True), t.grad.numpy(),
                               rtol=1e-12, atol=1e-14)


#: Where pieces meet with equal slopes but different curvatures: a central difference errs by h/8 there.
CURVATURE_JUMPS = {"sparse_plus": (-1.0, 1.0)}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences_away_from_kinks(name):
    x = np.linspace(-6, 6, 1201)
    for kink in [0.0, *actlib.get(name).kinks, *CURVATURE_JUMPS.get(name, ())]:  # ReLU6's at 0 and 6, ...
        x = x[np.abs(x - kink) > 1e-3]
    h = 1e-6
    f = actlib.get(name).function
    numeric = (f(x + h) - f(x - h)) / (2 * h)
    np.testing.assert_allclose(actlib.derivative(name, x), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if actlib.get(n).kinks])
def test_at_each_kink_actlib_returns_the_recorded_value_and_so_does_autograd(name):
    """The registry's ``kinks``: actlib's derivative there, which is PyTorch's autograd's (for the
    Keras-only functions TensorFlow's; the step has no backward in either, see below)."""
    record = actlib.get(name)
    x = np.array(list(record.kinks))
    recorded = np.array(list(record.kinks.values()))
    np.testing.assert_array_equal(actlib.derivative(name, x), recorded)
    if name == "step":
        return
    if name in AUTOGRAD:
        t = torch.tensor(x, requires_grad=True)
        AUTOGRAD[name](t).sum().backward()
        np.testing.assert_allclose(t.grad.numpy(), recorded, rtol=1e-15)
    else:
        import tensorflow as tf

        variable = tf.Variable(x)
        with tf.GradientTape() as tape:
            total = tf.reduce_sum(KERAS[name](variable))
        np.testing.assert_allclose(tape.gradient(total, variable).numpy(), recorded, rtol=1e-15)


def test_kink_conventions_match_autograd():
    assert actlib.derivative("relu", 0.0) == 0.0
    # SELU's kink: the left slope lambda * alpha, as PyTorch's autograd gives (TensorFlow gives lambda)
    lam, alpha = actlib.activations.SELU_SCALE, actlib.activations.SELU_ALPHA
    assert actlib.derivative("selu", 0.0) == pytest.approx(lam * alpha)
    assert actlib.derivative("leaky_relu", 0.0, alpha=0.1) == pytest.approx(0.1)
    assert actlib.derivative("elu", 0.0, alpha=0.5) == pytest.approx(0.5)
    assert actlib.derivative("step", 0.0) == 0.0
    # the clipped ones: 0 at both ends; Hardswish: the outer pieces' slopes
    assert actlib.derivative("relu6", [0.0, 6.0]).tolist() == [0.0, 0.0]
    assert actlib.derivative("hardtanh", [-2.0, 3.0], min_val=-2.0, max_val=3.0).tolist() == [0.0, 0.0]
    assert actlib.derivative("hardswish", [-3.0, 3.0]).tolist() == [0.0, 1.0]
    assert actlib.derivative("rrelu", 0.0, lower=0.1, upper=0.3) == pytest.approx(0.2)


# Each parameterised function at parameters other than its defaults, against PyTorch's autograd and
# Keras where they take the parameter: (name, actlib's parameters).
PARAMETERS = [
    ("hardtanh", {"min_val": -2.0, "max_val": 3.0}), ("hardtanh", {"min_val": 0.0, "max_val": 6.0}),
    ("hardtanh", {"min_val": 0.5, "max_val": 0.5}),
    ("threshold", {"threshold": 0.1, "value": 20.0}), ("threshold", {"threshold": -1.0, "value": -3.0}),
    ("softshrink", {"lambd": 0.0}), ("softshrink", {"lambd": 2.0}),
    ("hardshrink", {"lambd": 0.0}), ("hardshrink", {"lambd": 1.5}),
    ("celu", {"alpha": 0.5}), ("celu", {"alpha": 3.0}),  # alphas that are float32 numbers: see below
    ("rrelu", {"lower": 0.1, "upper": 0.3}), ("rrelu", {"lower": 0.0, "upper": 0.0}),
    ("squareplus", {"b": 0.0}), ("squareplus", {"b": 1.0}), ("squareplus", {"b": 100.0}),
]


@pytest.mark.parametrize(("name", "params"), PARAMETERS)
def test_parameters_agree_with_the_libraries(name, params):
    record = actlib.get(name)
    x = np.unique(np.concatenate([GRID, [params.get(key, 0.0) for key in params], [-0.5, 0.5]]))
    ours = record(x, **params)
    if record.torch_api is not None and set(params) <= record.torch_api.parameters_used("function"):
        t = torch.tensor(x, requires_grad=True)
        y = record.torch_function(**params)(t)
        y.sum().backward()
        np.testing.assert_allclose(ours, y.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(actlib.derivative(name, x, **params), t.grad.numpy(), rtol=1e-12, atol=1e-14)
    if record.keras_api is not None and set(params) <= record.keras_api.parameters_used("function"):
        theirs = keras_values_with(record, params, x)
        keep = compared("keras", name, x)
        np.testing.assert_allclose(ours[keep], theirs[keep], rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("alpha", [1e-3, 0.1, 0.9, 3.0])
def test_celu_and_its_derivative_at_other_alphas_are_correct_to_the_last_digits(alpha):
    # (PyTorch's float64 CELU gradient is only float32-accurate when alpha is not a float32 number:
    # test_library_differences.py.)
    x = np.linspace(-30 * alpha, 30 * alpha, 601)
    with exact.mp.workdps(40):
        function = exact.evaluate(lambda v: v if v > 0 else alpha * exact.mp.expm1(v / alpha), x)
        slope = exact.evaluate(lambda v: exact.mp.mpf(1) if v > 0 else exact.mp.exp(v / alpha), x)
    assert _relative_error(actlib.celu(x, alpha=alpha), function).max() < 4e-13
    assert _relative_error(actlib.derivative("celu", x, alpha=alpha), slope).max() < 1e-13


def keras_values_with(record, params, x):
    keras = actlib.frameworks.import_keras()
    return keras.ops.convert_to_numpy(record.keras_function(**params)(keras.ops.convert_to_tensor(x)))


def test_neither_library_differentiates_the_step():
    """derivatives.py: step'(0) = 0 is actlib's convention; PyTorch has no backward for
    torch.heaviside and TensorFlow returns no gradient for keras.ops.heaviside."""
    x = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for aten::heaviside is not implemented"):
        torch.heaviside(x, torch.tensor([0.5], dtype=torch.float64)).sum().backward()
    keras = actlib.frameworks.import_keras()
    import tensorflow as tf

    v = tf.Variable([-1.0, 0.0, 1.0], dtype=tf.float64)
    with tf.GradientTape() as tape:
        y = keras.ops.sum(keras.ops.heaviside(v, 0.0))
    assert tape.gradient(y, v) is None
    assert np.all(actlib.derivative("step", np.array([-1.0, 0.0, 1.0])) == 0.0)


@pytest.mark.parametrize("beta", [0.0, 0.5, 2.0])
def test_swish_beta_and_its_derivative(beta):
    t = torch.tensor(GRID, dtype=torch.float64, requires_grad=True)
    y = t * torch.sigmoid(beta * t)
    y.sum().backward()
    np.testing.assert_allclose(actlib.swish(GRID, beta=beta), y.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(actlib.derivative("swish", GRID, beta=beta), t.grad.numpy(),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("alpha", [0.0, 0.2, 3.0])
def test_parameterised_relus_agree_with_torch(alpha):
    t = torch.from_numpy(GRID)
    np.testing.assert_array_equal(actlib.leaky_relu(GRID, alpha=alpha),
                                  torch.nn.functional.leaky_relu(t, alpha).numpy())
    np.testing.assert_allclose(actlib.elu(GRID, alpha=alpha), torch.nn.functional.elu(t, alpha).numpy(),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("slope", [0.25, 0.1, -0.5, 2.0])
def test_prelu_and_both_derivatives_agree_with_torch_autograd(slope):
    x = np.unique(np.concatenate([GRID, [0.0]]))
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    layer = actlib.get("prelu").torch_layer(slope=slope, dtype=torch.float64)
    y = layer(t)
    y.sum().backward()
    np.testing.assert_array_equal(actlib.prelu(x, slope=slope), y.detach().numpy())
    np.testing.assert_array_equal(actlib.derivative("prelu", x, slope=slope), t.grad.numpy())
    # one shared slope: its gradient is the sum over the inputs of d f / d a = min(0, x)
    np.testing.assert_allclose(actlib.prelu_slope_derivative(x).sum(), layer.weight.grad.item(), rtol=1e-12)
    t_each = torch.tensor(x, dtype=torch.float64)
    weight = torch.full_like(t_each, slope).requires_grad_(True)  # one slope per input
    torch.nn.functional.prelu(t_each.reshape(1, -1), weight).sum().backward()
    np.testing.assert_array_equal(actlib.prelu_slope_derivative(x), weight.grad.numpy())


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("slope", [0.25, 0.1, -0.5, 2.0])
def test_prelu_torch_function_agrees_with_actlib_including_the_kink(slope, dtype):
    # PyTorch has a PReLU function too (torch.nn.functional.prelu, the registry's torch_function),
    # to which the slope is passed as a tensor in the input's dtype.
    x = np.unique(np.concatenate([GRID, [0.0]])).astype(torch.empty(0, dtype=dtype).numpy().dtype)
    t = torch.tensor(x, requires_grad=True)
    y = actlib.get("prelu").torch_function(slope=slope)(t)
    y.sum().backward()
    assert y.dtype == dtype
    np.testing.assert_array_equal(y.detach().numpy(), actlib.prelu(x, slope=slope))
    np.testing.assert_array_equal(t.grad.numpy(), actlib.derivative("prelu", x, slope=slope))


@pytest.mark.parametrize("slope", [0.25, 0.1])
def test_prelu_and_both_derivatives_agree_with_keras(slope):
    import tensorflow as tf

    x = np.unique(np.concatenate([GRID, [0.0]])).reshape(-1, 1)  # a batch of one-feature samples
    layer = actlib.get("prelu").keras_layer(slope=slope, dtype="float64")
    variable = tf.Variable(x)
    with tf.GradientTape(persistent=True) as tape:
        y = layer(variable)
        total = tf.reduce_sum(y)
    (alpha,) = layer.trainable_weights
    # Keras's Constant initializer stores the slope as float32 first: 0.1 becomes 0.10000000149...
    stored_slope = float(np.float32(slope))
    np.testing.assert_allclose(actlib.prelu(x, slope=stored_slope), y.numpy(), rtol=1e-15, atol=0)
    ours, theirs = actlib.derivative("prelu", x, slope=stored_slope), tape.gradient(total, variable).numpy()
    at_kink = x == 0
    np.testing.assert_allclose(ours[~at_kink], theirs[~at_kink], rtol=1e-15, atol=0)
    # At the kink Keras computes relu(x) - alpha relu(-x), whose autograd slope at 0 is 0;
    # actlib (like PyTorch) returns the left derivative, the slope.
    assert theirs[at_kink].item() == 0.0 and ours[at_kink].item() == stored_slope
    np.testing.assert_allclose(actlib.prelu_slope_derivative(x).sum(axis=0),
                               tape.gradient(total, alpha).numpy(), rtol=1e-12)


def test_prelu_rejects_bad_input():
    with pytest.raises(TypeError, match="slope must be a real number"):
        actlib.prelu([1.0], slope="0.25")
    with pytest.raises(ValueError, match="slope must be finite"):
        actlib.prelu([1.0], slope=float("nan"))
    with pytest.raises(TypeError, match="x must be"):
        actlib.prelu("1.0")
    with pytest.raises(TypeError, match="x must be"):
        actlib.prelu_slope_derivative(["a"])
    with pytest.raises(TypeError, match=r"prelu takes no parameter\(s\) \['alpha'\]"):
        actlib.derivative("prelu", [1.0], alpha=0.1)
