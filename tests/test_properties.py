"""Property tests (hypothesis) for the identities the book relies on."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import minimize_scalar

import actlib

#: Every record but Maxout, which needs weights: the elementwise ones and those of a whole axis.
ALL = [name for name in actlib.names() if name != "maxout"]
ELEMENTWISE = actlib.names(elementwise_only=True)
VECTOR = [name for name in ALL if name not in ELEMENTWISE]

finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
rows = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 8)), elements=finite)
vectors = arrays(np.float64, st.integers(1, 50), elements=finite)


@given(rows)
def test_softmax_rows_are_distributions(x):
    p = actlib.softmax(x)
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)


@given(rows, st.floats(min_value=-1e3, max_value=1e3))
def test_softmax_is_shift_invariant(x, c):
    np.testing.assert_allclose(actlib.softmax(x + c), actlib.softmax(x), rtol=1e-9, atol=1e-12)


@given(vectors)
def test_sigmoid_symmetry(x):
    np.testing.assert_allclose(actlib.sigmoid(-x), 1 - actlib.sigmoid(x), rtol=1e-12, atol=1e-15)


@given(vectors)
def test_tanh_is_a_rescaled_sigmoid(x):
    np.testing.assert_allclose(actlib.tanh(x), 2 * actlib.sigmoid(2 * x) - 1, rtol=1e-12, atol=1e-15)


@given(vectors)
def test_softplus_derivative_is_sigmoid_and_softplus_minus_reflection_is_identity(x):
    np.testing.assert_array_equal(actlib.derivative("softplus", x), actlib.sigmoid(x))
    np.testing.assert_allclose(actlib.softplus(x) - actlib.softplus(-x), x, rtol=1e-12, atol=1e-12)


@settings(max_examples=200)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.just(8)), elements=finite))
def test_outputs_stay_in_each_declared_range(x):
    for name in ALL:
        low, high = actlib.get(name).output_range
        with np.errstate(over="ignore"):  # the exponential of 1e4 is inf, as it must be
            y = actlib.get(name)(x)
        # Saturating functions reach their bound exactly in floating point (sigmoid(40) == 1.0).
        assert np.all(y >= low - 1e-12) and np.all(y <= high + 1e-12), name


@pytest.mark.parametrize("name", ["swish", "gelu", "mish", "hardswish"])
def test_the_non_monotonic_functions_lower_bounds_are_their_minima(name):
    # The registry's lower bound is the function's minimum to float precision: the computed
    # minimum is within a few ulps of it (the function's own rounding), on either side.
    low = actlib.get(name).output_range[0]
    found = minimize_scalar(actlib.get(name).function, bracket=(-3.0, -1.0, 0.0), tol=1e-12)
    assert abs(found.fun - low) < 4e-16, (found.fun, low)
    x = np.linspace(found.x - 1e-3, found.x + 1e-3, 200_001)
    assert actlib.get(name)(x).min() >= low - 4e-16


def test_selu_preserves_mean_zero_and_variance_one():
    """SELU's fixed point: a standard normal input keeps mean 0 and variance 1 (on average)."""
    rng = np.random.default_rng(0)
    z = rng.standard_normal(2_000_000)
    y = actlib.selu(z)
    assert abs(y.mean()) < 2e-3
    assert abs(y.var() - 1) < 3e-3
    # And through a layer with LeCun-normal weights, the statistics stay put.
    x = rng.standard_normal((4096, 256))
    for _ in range(8):
        w = rng.standard_normal((x.shape[1], 256)) / np.sqrt(x.shape[1])
        x = actlib.selu(x @ w)
    assert abs(x.mean()) < 0.05 and abs(x.var() - 1) < 0.1


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_the_documented_overflows(dtype):
    """activations.py: finite wherever the true value is a finite number of the dtype; SELU above
    max/lambda, Leaky ReLU and PReLU with a slope above 1 in size, and Maxout with large weights
    overflow."""
    big = np.finfo(dtype).max
    lam = actlib.activations.SELU_SCALE
    below, above = dtype(float(big) / lam * 0.999), dtype(float(big) / lam * 1.001)
    with np.errstate(over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the overflow warnings of the inf cases
        assert np.isfinite(actlib.selu(below)) and actlib.selu(above) == np.inf
        assert np.isfinite(actlib.selu(dtype(0.951 * float(big))))  # within 5 % of max, yet finite
        for slope in (0.0, 0.5, 1.0, 2.0):
            assert bool(np.isfinite(actlib.leaky_relu(-big, alpha=slope))) == (slope <= 1), slope
        for slope in (-2.0, -1.0, 0.5, 1.0, 2.0):
            assert bool(np.isfinite(actlib.prelu(-big, slope=slope))) == (abs(slope) <= 1), slope
        assert actlib.maxout(np.array([[big]]), [[[10.0]]], [[0.0]])[0, 0] == np.inf
        assert actlib.maxout(np.array([[big]]), [[[0.5]]], [[0.0]])[0, 0] == big * dtype(0.5)
        edge = np.log(float(big))  # the exponential: inf exactly where e^x exceeds the dtype
        assert np.isfinite(actlib.exponential(dtype(edge * 0.999)))
        assert actlib.exponential(dtype(edge * 1.001)) == np.inf
        assert actlib.derivative("exponential", dtype(edge * 1.001)) == np.inf


# --- every record, from the registry: dtypes, NaN, extreme inputs, bad parameters ----------------

#: Where the true value exceeds the dtype's largest number, so that inf (with NumPy's warning) is right.
TRUE_VALUE_TOO_LARGE = {
    "exponential": lambda x, big: x > np.log(big),
    "selu": lambda x, big: x > big / actlib.activations.SELU_SCALE,
}


def _extremes(dtype):
    big, tiny = float(np.finfo(dtype).max), float(np.finfo(dtype).tiny)
    return np.array([-big, -1e4, -6.0, -3.0, -1.0, -0.5, -tiny, 0.0, tiny, 0.5, 1.0, 3.0, 6.0, 1e4, big], dtype)


def _extreme_rows(name, dtype):
    """Rows of 8 whose spread stays below the dtype's largest number (0.8 max): log-softmax's true
    value at [max, -max] is -2 max, not a float. For the gated units, one half extreme and the other
    moderate: a product of two huge numbers overflows, as it must."""
    big, tiny = 0.4 * float(np.finfo(dtype).max), float(np.finfo(dtype).tiny)
    extreme = np.array([[big, -big, 1e4, -1e4], [tiny, -tiny, 0.0, 1.0]])
    moderate = np.array([[0.5, -1.0, 2.0, 0.0], [-0.5, 3.0, -2.0, 1.0]])
    if actlib.get(name).family == "gated":
        return np.concatenate([np.hstack([extreme, moderate]), np.hstack([moderate, extreme])]).astype(dtype)
    return np.hstack([extreme, extreme[::-1]]).astype(dtype)


def _outputs(name, x):
    """The function and its derivative, or its JVP along (1, 1, ...)."""
    record = actlib.get(name)
    second = actlib.derivative(name, x) if record.elementwise else actlib.jvp(name, x, np.ones_like(x))
    return record(x), second


@pytest.fixture
def strict_floating_point():
    """Every floating-point warning is an error (underflow aside: flushing to 0 is exact rounding)."""
    with np.errstate(over="raise", divide="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.usefixtures("strict_floating_point")
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", ALL)
def test_dtype_kept_and_no_warning_on_extreme_inputs(name, dtype):
    x = _extremes(dtype) if name in ELEMENTWISE else _extreme_rows(name, dtype)
    too_large = TRUE_VALUE_TOO_LARGE.get(name)
    if too_large is not None:  # those inputs are checked by test_the_documented_overflows
        x = x[~too_large(x.astype(np.float64), float(np.finfo(dtype).max))]
    for y in _outputs(name, x):
        assert y.dtype == dtype, name
        assert np.all(np.isfinite(y)), (name, x[~np.isfinite(y)] if y.shape == x.shape else x)


@pytest.mark.parametrize("name", ALL)
def test_nan_in_nan_out(name):
    """Elementwise: NaN at the same position, finite elsewhere; a whole axis: its row NaN, the others finite."""
    if name in ELEMENTWISE:
        x = np.array([1.0, np.nan, -1.0])
        for y in _outputs(name, x):
            assert np.isnan(y[1]) and np.all(np.isfinite(y[[0, 2]])), name
        return
    x = np.array([[1.0, -2.0, 0.5, 3.0], [0.5, np.nan, 1.0, -1.0]])
    for y in _outputs(name, x):
        assert np.all(np.isfinite(y[0])), name
        assert np.all(np.isnan(y[1]) if actlib.get(name).family != "gated" else np.isnan(y[1]).any()), name


def _bad_values(default):
    """Values of the wrong type for a parameter like ``default``, with the message they must raise."""
    if isinstance(default, bool):
        return [("yes", TypeError, "must be True or False"), (None, TypeError, "must be True or False")]
    if isinstance(default, int):
        return [(1.5, TypeError, "axis must be an int"), (7, ValueError, "does not exist")]
    return [("0.5", TypeError, "must be a real number; got str"), (True, TypeError, "must be a real number; got bool"),
            (float("nan"), ValueError, "must be finite"), (float("inf"), ValueError, "must be finite")]


PARAMETERS = [(name, parameter) for name in ALL for parameter in actlib.get(name).defaults]


@pytest.mark.parametrize(("name", "parameter"), PARAMETERS)
def test_every_parameter_of_the_wrong_type_raises_a_clear_error(name, parameter):
    record = actlib.get(name)
    x = np.ones((2, 4))
    for value, error, message in _bad_values(record.defaults[parameter]):
        with pytest.raises(error, match=message):
            record(x, **{parameter: value})
        with pytest.raises(error, match=message):
            if record.elementwise:
                actlib.derivative(name, x, **{parameter: value})
            else:
                actlib.jvp(name, x, x, **{parameter: value})


@pytest.mark.parametrize(("name", "params", "message"), [
    ("hardtanh", {"min_val": 2.0, "max_val": 1.0}, r"min_val must be <= max_val; got min_val=2.0, max_val=1.0"),
    ("hardtanh", {"min_val": 2.0}, r"min_val must be <= max_val"),
    ("softshrink", {"lambd": -0.1}, r"lambd must be >= 0.0; got -0.1"),
    ("hardshrink", {"lambd": -0.1}, r"lambd must be >= 0.0; got -0.1"),
    ("celu", {"alpha": 0.0}, r"alpha must be > 0.0; got 0.0"),
    ("celu", {"alpha": -1.0}, r"alpha must be > 0.0; got -1.0"),
    ("rrelu", {"lower": 0.5, "upper": 0.1}, r"lower must be <= upper; got lower=0.5, upper=0.1"),
    ("rrelu", {"lower": -0.1}, r"lower must be >= 0.0"),
    ("squareplus", {"b": -1.0}, r"b must be >= 0.0; got -1.0"),
    ("leaky_relu", {"alpha": -0.1}, r"alpha must be >= 0.0"),
])
def test_bad_parameter_values_raise_clear_errors(name, params, message):
    with pytest.raises(ValueError, match=message):
        actlib.get(name)([1.0, -1.0], **params)
    with pytest.raises(ValueError, match=message):
        actlib.derivative(name, [1.0, -1.0], **params)


def test_rrelu_training_needs_a_generator_and_its_derivative_draws_the_same_slopes():
    x = -np.ones(10_000)
    with pytest.raises(TypeError, match="rrelu with training=True draws random slopes: pass rng"):
        actlib.rrelu(x, training=True)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        actlib.rrelu(x, training=True, rng=0)
    with pytest.raises(TypeError, match="training must be True or False"):
        actlib.rrelu(x, training="yes")
    slopes = -actlib.rrelu(x, training=True, rng=np.random.default_rng(7))
    assert 1 / 8 <= slopes.min() and slopes.max() <= 1 / 3 and abs(slopes.mean() - 11 / 48) < 2e-3
    np.testing.assert_array_equal(actlib.derivatives_piecewise.d_rrelu(x, training=True, rng=np.random.default_rng(7)),
                                  slopes)
    np.testing.assert_array_equal(actlib.rrelu(-x, training=True, rng=np.random.default_rng(7)), -x)
    assert actlib.rrelu(x.astype(np.float32), training=True, rng=np.random.default_rng(7)).dtype == np.float32


# --- identities of the new functions --------------------------------------------------------

@given(vectors)
def test_sparse_sigmoid_is_the_two_class_sparsemax_as_the_sigmoid_is_the_two_class_softmax(x):
    pairs = np.stack([x, np.zeros_like(x)], axis=-1)
    np.testing.assert_allclose(actlib.sparsemax(pairs)[:, 0], actlib.sparse_sigmoid(x), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(actlib.softmax(pairs)[:, 0], actlib.sigmoid(x), rtol=1e-12, atol=1e-15)


def _simplex_projection_by_bisection(z):
    """Sparsemax by its definition, the tau with sum(max(z - tau, 0)) = 1, found by bisection (no sorting)."""
    low, high = z.max() - 1, z.max()
    for _ in range(200):
        tau = (low + high) / 2
        low, high = (tau, high) if np.maximum(z - tau, 0).sum() > 1 else (low, tau)
    return np.maximum(z - (low + high) / 2, 0)


@given(rows)
def test_sparsemax_is_the_projection_onto_the_simplex(x):
    p = actlib.sparsemax(x)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    for row, projected in zip(x, p, strict=True):
        np.testing.assert_allclose(projected, _simplex_projection_by_bisection(row), atol=1e-9)


@given(rows, st.floats(min_value=-1e3, max_value=1e3))
def test_sparsemax_and_softmin_are_shift_invariant_and_softmin_is_softmax_of_minus_x(x, c):
    np.testing.assert_allclose(actlib.sparsemax(x + c), actlib.sparsemax(x), atol=1e-9)
    np.testing.assert_allclose(actlib.softmin(x + c), actlib.softmin(x), rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(actlib.softmin(x), actlib.softmax(-x))
    np.testing.assert_allclose(np.exp(actlib.log_softmax(x)), actlib.softmax(x), rtol=1e-12, atol=1e-300)


@given(vectors, st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=100.0)))  # (b/4 subnormal: rounding)
def test_squareplus_times_its_reflection_is_b_over_4(x, b):
    np.testing.assert_allclose(actlib.squareplus(x, b=b) * actlib.squareplus(-x, b=b), b / 4, rtol=1e-12)


@given(vectors)
def test_reflections_and_special_cases(x):
    np.testing.assert_allclose(actlib.logsigmoid(x), -actlib.softplus(-x), rtol=1e-15)
    np.testing.assert_array_equal(actlib.tanhshrink(-x), -actlib.tanhshrink(x))
    np.testing.assert_array_equal(actlib.softsign(-x), -actlib.softsign(x))
    np.testing.assert_array_equal(actlib.hardtanh(x, 0.0, 6.0), actlib.relu6(x))
    np.testing.assert_array_equal(actlib.threshold(x), actlib.relu(x))
    np.testing.assert_array_equal(actlib.squareplus(x, b=0.0), actlib.relu(x))
    np.testing.assert_allclose(actlib.celu(x), actlib.elu(x), rtol=1e-15)
    np.testing.assert_allclose(actlib.rrelu(x), actlib.leaky_relu(x, alpha=11 / 48), rtol=1e-15)
    np.testing.assert_array_equal(actlib.derivative("sparse_plus", x), actlib.sparse_sigmoid(x))
    np.testing.assert_allclose(actlib.softshrink(x) + np.clip(x, -0.5, 0.5), x, rtol=1e-15)
