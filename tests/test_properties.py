"""Property tests (hypothesis) for the identities the book relies on."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

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
