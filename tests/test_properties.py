"""Property tests (hypothesis) for the identities the book relies on."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import minimize_scalar

import actlib

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
@given(vectors)
def test_outputs_stay_in_each_declared_range(x):
    for name in actlib.names(elementwise_only=True):
        low, high = actlib.get(name).output_range
        y = actlib.get(name)(x)
        # Saturating functions reach their bound exactly in floating point (sigmoid(40) == 1.0).
        assert np.all(y >= low - 1e-12) and np.all(y <= high + 1e-12), name


@pytest.mark.parametrize("name", ["swish", "gelu", "mish"])
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
