"""Dtypes, scalars, extreme inputs, NaN, and errors for bad input."""

import math
import warnings

import numpy as np
import pytest

import actlib
from actlib._numerics import normal_cdf

ELEMENTWISE = actlib.names(elementwise_only=True)
EXTREMES = [-1e4, -710.0, -100.0, -1e-8, -0.0, 0.0, 1e-8, 100.0, 710.0, 1e4]


@pytest.fixture(autouse=True)
def strict_floating_point():
    """Every floating-point warning is an error here (underflow aside: flushing to 0 is exact rounding)."""
    with np.errstate(over="raise", divide="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# exp(x) itself exceeds every dtype above log(max): its overflow is tested in test_properties.py.
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if n != "exponential"])
def test_finite_in_finite_out_and_dtype_kept(name, dtype):
    info = np.finfo(dtype)
    # SELU multiplies by 1.0507, so its true value at finfo.max is not representable; stop at max / 1.1.
    largest = float(info.max) / 1.1
    x = np.array(EXTREMES + [largest, -largest, float(info.tiny)]).astype(dtype)
    for y in (actlib.get(name)(x), actlib.derivative(name, x)):
        assert y.dtype == dtype
        assert np.all(np.isfinite(y)), (name, x[~np.isfinite(y)])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_nan_in_nan_out_at_the_same_position(name):
    x = np.array([1.0, np.nan, -1.0])
    for y in (actlib.get(name)(x), actlib.derivative(name, x)):
        assert np.isnan(y[1]) and np.all(np.isfinite(y[[0, 2]]))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_scalars_give_scalars_and_ints_bools_become_float64(name):
    f = actlib.get(name)
    for value in (3, True, 2.5, np.int8(-2)):
        y = f(value)
        assert isinstance(y, np.float64) and np.ndim(y) == 0
    assert f(np.float32(1.5)).dtype == np.float32
    assert f([1, 2, 3]).dtype == np.float64
    assert f([[1.0, 2.0], [3.0, 4.0]]).shape == (2, 2)


def test_gelu_approximate_survives_huge_float32():
    x = np.array([-3e38, 3e38], dtype=np.float32)
    np.testing.assert_array_equal(actlib.gelu(x, approximate=True), np.array([0.0, 3e38], dtype=np.float32))


def test_softmax_is_stable_and_checks_its_axis():
    x = np.array([[1e4, 0.0, -1e4], [1.0, 2.0, 3.0]], dtype=np.float32)
    p = actlib.softmax(x)
    assert p.dtype == np.float32 and np.allclose(p.sum(axis=1), 1)
    np.testing.assert_allclose(actlib.softmax(x, axis=0).sum(axis=0), 1, rtol=1e-6)
    assert np.allclose(actlib.softmax([0.3, 0.7]), [0.401312, 0.598688], atol=1e-6)
    with pytest.raises(ValueError, match=r"axis 2 does not exist for an array with 2 dimension\(s\)"):
        actlib.softmax(x, axis=2)
    with pytest.raises(TypeError, match="axis must be an int"):
        actlib.softmax(x, axis=1.0)
    with pytest.raises(ValueError, match="at least one axis"):
        actlib.softmax(3.0)


@pytest.mark.parametrize("bad, error, message", [
    ("1.0", TypeError, "must be a real number or an array-like of real numbers.*got str"),
    (None, TypeError, "got NoneType"),
    (1 + 2j, TypeError, "must be real; got complex"),
    (np.array([1 + 0j]), TypeError, "must be real; got complex"),
    ([[1.0, 2.0], [3.0]], ValueError, "regular shape"),
    (np.array(["a"]), TypeError, "got an array of dtype <U1"),
    ([object()], TypeError, "got an array of dtype object"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), TypeError, "dtype datetime64"),
])
@pytest.mark.parametrize("name", actlib.names())
def test_bad_input_raises_a_clear_error(name, bad, error, message):
    args = ([[[1.0]]], [[0.0]]) if name == "maxout" else ()
    with pytest.raises(error, match=message):
        actlib.get(name)(bad, *args)


@pytest.mark.parametrize("call, error, message", [
    (lambda: actlib.leaky_relu([1.0], alpha=-0.1), ValueError, "alpha must be >= 0.0; got -0.1"),
    (lambda: actlib.elu([1.0], alpha=-1), ValueError, "alpha must be >= 0.0"),
    (lambda: actlib.elu([1.0], alpha=float("nan")), ValueError, "alpha must be finite"),
    (lambda: actlib.leaky_relu([1.0], alpha="0.1"), TypeError, "alpha must be a real number; got str"),
    (lambda: actlib.leaky_relu([1.0], alpha=True), TypeError, "alpha must be a real number; got bool"),
    (lambda: actlib.swish([1.0], beta=-1.0), ValueError, "beta must be >= 0.0"),
    (lambda: actlib.gelu([1.0], approximate="tanh"), TypeError, "approximate must be True or False"),
    (lambda: actlib.derivative("gelu", [1.0], approximate=None), TypeError, "approximate must be True or False"),
    (lambda: actlib.derivative("leaky_relu", [1.0], alpha=-1), ValueError, "alpha must be >= 0.0"),
])
def test_bad_parameters_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_maxout_is_the_max_over_affine_pieces():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(5, 3)), rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 2))
    expected = np.max(np.stack([x @ w[i] + b[i] for i in range(4)]), axis=0)
    np.testing.assert_allclose(actlib.maxout(x, w, b), expected, rtol=1e-12)
    # k = 2 with pieces x and 0 is ReLU; with pieces x and -x it is |x|.
    t = np.linspace(-3, 3, 13)[:, None]
    np.testing.assert_array_equal(actlib.maxout(t, [[[1.0]], [[0.0]]], [[0.0], [0.0]])[:, 0], actlib.relu(t[:, 0]))
    np.testing.assert_array_equal(actlib.maxout(t, [[[1.0]], [[-1.0]]], [[0.0], [0.0]])[:, 0], np.abs(t[:, 0]))
    assert actlib.maxout(x.astype(np.float32), w, b).dtype == np.float32


@pytest.mark.parametrize("x, w, b, message", [
    (np.ones((5, 3)), np.ones((4, 3)), np.ones((4, 2)), r"weights must have shape \(k, d, m\)"),
    (np.ones((5, 2)), np.ones((4, 3, 2)), np.ones((4, 2)), "x has 2 features in its last axis but weights expect d=3"),
    (np.ones((5, 3)), np.ones((4, 3, 2)), np.ones((2, 4)), r"biases must have shape \(k, m\) = \(4, 2\)"),
    (1.0, np.ones((4, 3, 2)), np.ones((4, 2)), "got a scalar"),
])
def test_maxout_shape_errors(x, w, b, message):
    with pytest.raises(ValueError, match=message):
        actlib.maxout(x, w, b)


# The standard normal CDF behind exact GELU (scipy.special.ndtr, formerly a hand port
# of Cephes' erf/erfc in actlib/_special.py, checked with the same tolerances).
CDF_GRID = np.concatenate([np.linspace(-42, 42, 84001), np.geomspace(1e-300, 1, 300),
                           -np.geomspace(1e-300, 1, 300)])


def test_normal_cdf_matches_the_standard_library():
    ours = normal_cdf(CDF_GRID)
    via_erfc = np.array([0.5 * math.erfc(-v * math.sqrt(0.5)) for v in CDF_GRID])
    significant = via_erfc > 1e-300
    np.testing.assert_allclose(ours[significant], via_erfc[significant], rtol=1e-13)
    near_0 = np.abs(CDF_GRID) < 1  # where Phi = (1 + erf(x / sqrt 2)) / 2 has no cancellation
    via_erf = np.array([0.5 * (1 + math.erf(v * math.sqrt(0.5))) for v in CDF_GRID[near_0]])
    np.testing.assert_allclose(ours[near_0], via_erf, rtol=1e-15, atol=0)


def test_normal_cdf_underflows_gradually_and_keeps_special_values():
    np.testing.assert_array_equal(normal_cdf(np.array([0.0, np.inf, -np.inf])), [0.5, 1.0, 0.0])
    assert np.isnan(normal_cdf(np.array([np.nan]))[0])
    # Phi(-38) = 2.885e-316 is subnormal: kept (scipy's ndtr alone would give 0)
    assert normal_cdf(np.array([-38.0]))[0] == pytest.approx(2.88542835e-316, rel=1e-6)
    assert normal_cdf(np.array([1.0], dtype=np.float32)).dtype == np.float32


def test_gelu_of_a_scalar_far_in_the_left_tail():
    """normal_cdf's far-left branch on a 0-d input (it assigned into a NumPy scalar)."""
    # Phi(-40) is about 3.7e-351, below float64's smallest subnormal: GELU rounds to -0.0
    y = actlib.gelu(-40.0)
    assert y == 0 and np.signbit(y) and y.dtype == np.float64
    assert actlib.gelu(-38.0) < 0  # Phi(-38) = 2.9e-316 is a subnormal float64: x Phi(x) is too
    assert np.isfinite(actlib.derivative("gelu", -40.0))
