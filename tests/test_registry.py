import re

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
    with pytest.raises(ValueError, match="unknown activation 'relu7'; known: step"):
        actlib.get("relu7")
    with pytest.raises(TypeError, match="name must be a string"):
        actlib.get(3)


def test_derivative_refuses_non_elementwise_and_unknown_parameters():
    with pytest.raises(ValueError, match="softmax is not elementwise, so it has no scalar derivative; use jvp"):
        actlib.derivative("softmax", [1.0, 2.0])
    with pytest.raises(TypeError, match=r"relu takes no parameter\(s\) \['alpha'\]"):
        actlib.derivative("relu", [1.0], alpha=0.1)


def test_names_are_in_book_order_and_unique():
    names = actlib.names()
    assert names[:3] == ["step", "identity", "sigmoid"]
    assert len(names) == len(set(names)) == 38  # 14 + PReLU (issue 12) + PyTorch's and Keras's others (issue 24)
    assert tuple(names[:15]) == actlib.registry.BOOK_ORDER


def test_after_the_books_own_the_records_come_grouped_by_family():
    from actlib.registry import BOOK_ORDER, FAMILIES

    rest = [actlib.get(name).family for name in actlib.names()[len(BOOK_ORDER):]]
    assert rest == sorted(rest, key=FAMILIES.index)
    assert {actlib.get(name).family for name in actlib.names()} == set(FAMILIES)


def test_every_record_has_the_zoo_fields():
    import torch

    for name in actlib.names():
        record = actlib.get(name)
        assert record.family in actlib.registry.FAMILIES
        for text in (record.title, record.formula, record.derivative_formula, record.range_text, record.used_in,
                     record.torch, record.keras, record.initialisation, record.cost):
            assert isinstance(text, str) and text.strip(), name
        assert record.gain is None or isinstance(torch.nn.init.calculate_gain(record.gain), (int, float)), name
        low, high = record.output_range
        assert low <= high
        for kink, slope in record.kinks.items():
            assert isinstance(kink, float) and isinstance(slope, float) and record.elementwise, name
    assert [n for n in actlib.names() if actlib.get(n).family == "classic"] == [
        "step", "identity", "sigmoid", "tanh", "softsign"]


def test_costs_follow_the_zoos_counting_rule():
    """The zoo's "How to read a card": a max(0, .) and a min(0, .) that split the input at the same
    point are one comparison, and scalings by a fixed number are left out (SELU's lambda and alpha)."""
    split = [n for n in actlib.names()
             if r"\max(0, x) + " in actlib.get(n).formula and re.search(r"\\min(\\bigl)?\(0", actlib.get(n).formula)]
    assert set(split) == {"leaky_relu", "prelu", "rrelu", "elu", "celu"}
    for name in [*split, "selu"]:
        assert actlib.get(name).cost.startswith("1 comparison,"), name
    assert actlib.get("selu").cost == "1 comparison, 1 expm1"
    assert actlib.get("celu").cost == "1 comparison, 1 division, 1 expm1, 1 multiplication"


def test_gains_are_calculate_gains_own_names_where_it_has_one():
    gains = {name: actlib.get(name).gain for name in actlib.names() if actlib.get(name).gain is not None}
    assert gains == {"identity": "linear", "sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu",
                     "leaky_relu": "leaky_relu", "prelu": "leaky_relu", "rrelu": "leaky_relu", "selu": "linear",
                     "threshold": "relu"}


def test_records_carry_their_framework_counterparts_as_data():
    gelu = actlib.get("gelu")
    assert gelu.torch_api.function == "torch.nn.functional.gelu"
    assert gelu.keras_api.function == "keras.activations.gelu"
    assert gelu.torch_api.spell("function", gelu.parameters()) == (
        "torch.nn.functional.gelu(x, approximate='none')")
    assert gelu.torch_api.spell("layer", gelu.parameters(approximate=True)) == (
        "torch.nn.GELU(approximate='tanh')")
    leaky = actlib.get("leaky_relu")
    assert leaky.keras_api.spell("function", leaky.parameters(alpha=0.2)) == (
        "keras.activations.leaky_relu(x, negative_slope=0.2)")
    assert actlib.get("swish").keras_string() == "silu"
    assert actlib.get("maxout").torch_api is None and actlib.get("maxout").keras_api is None
    only_keras = {n for n in actlib.names() if actlib.get(n).torch_api is None and actlib.get(n).keras_api}
    only_torch = {n for n in actlib.names() if actlib.get(n).keras_api is None and actlib.get(n).torch_api}
    neither = {n for n in actlib.names() if actlib.get(n).keras_api is None and actlib.get(n).torch_api is None}
    assert only_keras == {"squareplus", "sparse_plus", "sparse_sigmoid", "sparsemax"}
    assert only_torch == {"rrelu", "softmin"}
    assert neither == {"maxout", "swiglu", "geglu", "reglu"}


def test_counterparts_refuse_what_the_framework_cannot_spell():
    with pytest.raises(ValueError, match="silu has no parameter for swish's beta; only beta=1.0"):
        actlib.get("swish").torch_function(beta=2.0)
    with pytest.raises(ValueError, match="step has no PyTorch layer"):
        actlib.get("step").torch_layer()
    with pytest.raises(ValueError, match="maxout has no Keras function"):
        actlib.get("maxout").keras_function()
    with pytest.raises(TypeError, match=r"relu takes no parameter\(s\) \['alpha'\]"):
        actlib.get("relu").torch_layer(alpha=0.1)
    with pytest.raises(ValueError, match="leaky_relu has no Keras activation string"):
        actlib.get("leaky_relu").keras_string()


def test_prelu_is_registered_with_its_slope_derivative():
    record = actlib.get("prelu")
    assert record.defaults == {"slope": 0.25}
    assert record.parameter_derivatives["slope"] is actlib.prelu_slope_derivative
    assert record.torch_api.spell("layer", record.parameters(slope=0.1)) == (
        "torch.nn.PReLU(num_parameters=1, init=0.1)")


def test_prelu_has_a_pytorch_function_as_well_as_a_layer():
    record = actlib.get("prelu")
    assert record.torch_api.function == "torch.nn.functional.prelu"
    assert record.torch_api.spell("function", record.parameters()) == (
        "torch.nn.functional.prelu(x, weight=x.new_tensor(0.25))")
    assert record.torch_api.parameters_used("function") == {"slope"}
    assert record.keras_api.function is None  # Keras has PReLU only as a layer


def test_keras_gelu_defaults_differ_between_ops_and_activations():
    # The registry's GELU note: keras.activations.gelu (and 'gelu') is exact, keras.ops.gelu the tanh form.
    import inspect

    keras = actlib.frameworks.import_keras()

    def default(function):
        return inspect.signature(function).parameters["approximate"].default

    assert default(keras.activations.gelu) is False and default(keras.ops.gelu) is True
    assert actlib.get("gelu").defaults == {"approximate": False}
    assert actlib.get("gelu").keras_api.function == "keras.activations.gelu"


def test_sparse_sigmoid_is_the_two_class_sparsemax():
    """The registry says so (used_in); sparsemax([x, 0])'s first share is sparse_sigmoid(x)."""
    x = np.linspace(-3, 3, 61)
    two_class = actlib.sparsemax(np.stack([x, np.zeros_like(x)], axis=-1))[:, 0]
    np.testing.assert_allclose(actlib.get("sparse_sigmoid")(x), two_class, atol=1e-15)
    assert "two-class sparsemax" in actlib.get("sparse_sigmoid").used_in
