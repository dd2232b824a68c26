"""actlib.approximation: evenly spaced hidden units, least-squares output layers, the sawtooth
network and the count of linear pieces (chapter 2's "What a non-linearity buys")."""

import numpy as np
import pytest

from actlib.approximation import (
    count_linear_pieces,
    evenly_spaced_units,
    fit_output_layer,
    sawtooth_layers,
)
from actlib.network import forward

GRID = np.linspace(0.0, 1.0, 2**12 + 1)


@pytest.mark.parametrize("depth", [1, 2, 5, 8])
def test_the_sawtooth_has_2_to_the_depth_pieces_and_stays_in_the_unit_interval(depth):
    y = forward(GRID[:, None], sawtooth_layers(depth), hidden="relu")[:, 0]
    assert count_linear_pieces(GRID, y) == 2**depth
    assert y.min() == 0.0 and y.max() == 1.0
    # t^k(x) = t^(k-1)(t(x)): the network composes the tent map
    tent = forward(GRID[:, None], sawtooth_layers(1), hidden="relu")[:, 0]
    if depth > 1:
        inner = forward(tent[:, None], sawtooth_layers(depth - 1), hidden="relu")[:, 0]
        assert np.allclose(inner, y, rtol=0, atol=1e-12)


def test_relu_units_with_a_free_output_layer_interpolate_piecewise_linear_functions():
    x = np.linspace(0.0, 1.0, 401)
    target = np.interp(x, [0, 0.25, 0.5, 0.75, 1.0], [0.0, 1.0, -1.0, 0.5, 0.25])
    layers = fit_output_layer(x, target, evenly_spaced_units(4))
    assert np.allclose(forward(x[:, None], layers, hidden="relu")[:, 0], target, atol=1e-10)
    assert count_linear_pieces(x, target) == 4


def test_the_error_falls_with_width_for_relu_and_sigmoid():
    x = np.linspace(0.0, 1.0, 1001)
    target = np.sin(2 * np.pi * x)
    for activation in ("relu", "sigmoid"):
        errors = []
        for width in (4, 16, 64):
            layers = fit_output_layer(x, target, evenly_spaced_units(width, activation), activation)
            fitted = forward(x[:, None], layers, hidden=activation)[:, 0]
            errors.append(np.max(np.abs(fitted - target)))
        assert errors[0] > errors[1] > errors[2], (activation, errors)


def test_evenly_spaced_units_shapes_and_slopes():
    W1, b1 = evenly_spaced_units(5, "tanh", interval=(-1, 1))
    assert W1.shape == (5, 1) and b1.shape == (5,)
    centres = -b1 / W1[:, 0]
    assert np.allclose(centres, [-0.8, -0.4, 0.0, 0.4, 0.8]) and np.allclose(W1, 10.0)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: evenly_spaced_units(0), ValueError, "width must be a positive int"),
    (lambda: evenly_spaced_units(2.0), TypeError, "width must be a positive int; got float"),
    (lambda: evenly_spaced_units(3, "no-such"), ValueError, "no-such"),
    (lambda: evenly_spaced_units(3, interval=(1, 0)), ValueError, "low < high"),
    (lambda: evenly_spaced_units(3, slope=2.0), ValueError, "slope applies to sigmoid-like units only"),
    (lambda: evenly_spaced_units(3, "sigmoid", slope=-1.0), ValueError, "slope must be"),
    (lambda: fit_output_layer([0, 1, 2], [0, 1], evenly_spaced_units(2)), ValueError, r"y must have shape \(3,\)"),
    (lambda: fit_output_layer([0, 1], [0, np.nan], evenly_spaced_units(2)), ValueError, "finite"),
    (lambda: sawtooth_layers(0), ValueError, "depth must be a positive int"),
    (lambda: count_linear_pieces([0, 1], [0, 1]), ValueError, "at least 3"),
    (lambda: count_linear_pieces([0, 2, 1], [0, 1, 2]), ValueError, "sorted and evenly spaced"),
    (lambda: count_linear_pieces("abc", [0, 1, 2]), TypeError, "x must be"),
])
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
