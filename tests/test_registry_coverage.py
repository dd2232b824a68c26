"""Every activation the installed PyTorch and Keras ship maps to a registry record, or is left out with a reason.

The libraries' lists are read from the installed libraries: ``torch.nn.modules.activation.__all__``
and the public names of ``keras.activations``. The mapping is the registry's data (each record's
counterparts give its ``torch_names`` and ``keras_names``); the names left out are in
``actlib.registry.UNREGISTERED``, each with its reason. A new activation in a library fails
here until it is registered or left out.
"""

import inspect

import pytest
import torch

import actlib
from actlib.registry import UNREGISTERED

keras = actlib.frameworks.import_keras()

TORCH_MODULE, KERAS_MODULE = "torch.nn.modules.activation", "keras.activations"


def library_names(module: str) -> list[str]:
    if module == TORCH_MODULE:
        return list(torch.nn.modules.activation.__all__)
    return [name for name in dir(keras.activations)
            if not name.startswith("_") and not inspect.ismodule(getattr(keras.activations, name))]


def registered(module: str) -> dict[str, str]:
    """The library's names that records claim -> the record's name."""
    attribute = "torch_names" if module == TORCH_MODULE else "keras_names"
    return {library_name: name for name in actlib.names() for library_name in getattr(actlib.get(name), attribute)}


@pytest.mark.parametrize("module", [TORCH_MODULE, KERAS_MODULE])
def test_every_activation_of_the_library_is_registered_or_left_out_with_a_reason(module):
    claimed, left_out = registered(module), UNREGISTERED[module]
    missing = [name for name in library_names(module) if name not in claimed and name not in left_out]
    assert not missing, f"{module} has activations the registry neither maps nor leaves out: {missing}"
    assert all(reason.strip() for reason in left_out.values())


@pytest.mark.parametrize("module", [TORCH_MODULE, KERAS_MODULE])
def test_names_left_out_exist_and_are_not_also_registered(module):
    names = library_names(module)
    for name in UNREGISTERED[module]:
        assert name in names, f"{name} is left out but {module} has no such name"
        assert name not in registered(module), f"{name} is both left out and registered"


def test_the_counts():
    torch_names, keras_names = library_names(TORCH_MODULE), library_names(KERAS_MODULE)
    assert (len(torch_names), len(keras_names)) == (29, 35)  # torch 2.13, Keras 3.15
    # every record but the step, Maxout, SwiGLU, GEGLU and ReGLU
    assert len(set(registered(TORCH_MODULE).values()) | set(registered(KERAS_MODULE).values())) == 33


def test_every_name_a_record_claims_is_its_counterpart_in_the_library():
    from actlib.registry import _qualified

    for name in actlib.names():
        record = actlib.get(name)
        for torch_name in record.torch_names:  # its layer
            assert getattr(torch.nn, torch_name) is _qualified(record.torch_api.layer)
        for keras_name in record.keras_names:  # its function, or an alias of it
            assert getattr(keras.activations, keras_name) is _qualified(record.keras_api.function)


def test_every_counterpart_resolves_and_each_keras_string_is_the_function():
    from actlib.registry import _qualified

    for name in actlib.names():
        record = actlib.get(name)
        for counterpart in (record.torch_api, record.keras_api):
            if counterpart is None:
                continue
            for qualified in (counterpart.function, counterpart.layer, *counterpart.aliases):
                if qualified is not None:
                    assert callable(_qualified(qualified)), qualified
            if counterpart.string is not None:
                assert keras.activations.get(counterpart.string) is _qualified(counterpart.function), name


def test_get_accepts_the_libraries_names():
    assert actlib.get("ReLU6") is actlib.get("relu6")
    assert actlib.get("hard_swish") is actlib.get("hard_silu") is actlib.get("Hardswish") is actlib.get("hardswish")
    assert actlib.get("LogSoftmax") is actlib.get("log_softmax")
    assert actlib.get("soft_shrink") is actlib.get("softshrink")
    assert actlib.get("linear") is actlib.get("identity")
    assert actlib.get("swish") is actlib.get("silu") is actlib.get("SiLU")
    with pytest.raises(ValueError, match="unknown activation 'Softmax2d'"):
        actlib.get("Softmax2d")
