import numpy as np
import pytest

import actlib


def test_every_registered_activation_is_callable_on_the_default_grid():
    x = np.linspace(-5, 5, 11)
    for name in actlib.names(elementwise_only=True):
        record = actlib.get(name)
        assert record.function(x).shape == x.shape
        assert actlib.derivative(name, x).shape == x.shape


def test_aliases_and_unknown_names():
    assert actlib.get("silu") is actlib.get("swish")
    assert actlib.get("ReLU") is actlib.get("relu")
    with pytest.raises(ValueError, match="unknown activation 'relu6'; known: step"):
        actlib.get("relu6")
    with pytest.raises(TypeError, match="name must be a string"):
        actlib.get(3)


def test_derivative_refuses_non_elementwise_and_unknown_parameters():
    with pytest.raises(ValueError, match="softmax is not elementwise"):
        actlib.derivative("softmax", [1.0, 2.0])
    with pytest.raises(TypeError, match=r"relu takes no parameter\(s\) \['alpha'\]"):
        actlib.derivative("relu", [1.0], alpha=0.1)


def test_names_are_in_book_order_and_unique():
    names = actlib.names()
    assert names[:3] == ["step", "identity", "sigmoid"]
    assert len(names) == len(set(names)) == 14
