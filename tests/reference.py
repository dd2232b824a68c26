"""actlib's activations next to PyTorch's and Keras's, on the grid the tests use.

Used by ``test_reference.py`` and, to print the table of largest differences
quoted in the foundation issue, by ``python -m tests.reference``.
"""

from __future__ import annotations

import numpy as np
import torch

import actlib
from actlib.frameworks import import_keras

keras = import_keras()
K = keras.activations

#: The comparison grid: a dense sweep of [-20, 20] plus the extremes the issue names.
GRID = np.unique(np.concatenate([
    np.linspace(-20, 20, 4001),
    [-1e4, -1e3, -100, -50, -1e-4, -1e-8, 0.0, 1e-8, 1e-4, 50, 100, 1e3, 1e4],
]))

def _torch_call(record, **params):
    """The registry's PyTorch function, or its layer (weights in the input's dtype)."""
    if record.torch_api.function is not None:
        return record.torch_function(**params)
    layer = record.torch_layer(**params)
    return lambda t: layer.to(t.dtype)(t)


def _keras_call(record, **params):
    """The registry's Keras function, or its layer."""
    if record.keras_api.function is not None:
        return record.keras_function(**params)
    return lambda x: record.keras_layer(dtype=keras.backend.standardize_dtype(x.dtype), **params)(x)


#: The frameworks' functions, read from the registry (``torch_api``/``keras_api``).
_FRAMEWORK_NAMES = [n for n in actlib.names() if actlib.get(n).torch_api is not None]
TORCH = {name: _torch_call(actlib.get(name)) for name in _FRAMEWORK_NAMES}
TORCH["gelu_tanh"] = _torch_call(actlib.get("gelu"), approximate=True)

KERAS = {name: _keras_call(actlib.get(name)) for name in _FRAMEWORK_NAMES}
KERAS["gelu_tanh"] = _keras_call(actlib.get("gelu"), approximate=True)


def actlib_fn(name):
    if name == "gelu_tanh":
        return lambda x: actlib.gelu(x, approximate=True)
    return actlib.get(name).function


def inputs(name, dtype):
    """The grid, as a batch of rows for softmax (whose meaning is per row)."""
    x = GRID.astype(dtype)
    return x.reshape(-1, 7) if name == "softmax" and x.size % 7 == 0 else x


def torch_values(name, x):
    return TORCH[name](torch.from_numpy(x)).detach().numpy()


def keras_values(name, x):
    return keras.ops.convert_to_numpy(KERAS[name](keras.ops.convert_to_tensor(x)))


def differences(ours, theirs, tiny):
    """Largest absolute difference, and largest relative one where |theirs| > tiny."""
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    absolute = np.abs(ours - theirs)
    scale = np.abs(theirs)
    relative = np.where(scale > tiny, absolute / np.where(scale > tiny, scale, 1), 0.0)
    return float(absolute.max()), float(relative.max())


def report():
    print(f"{'activation':<12}{'dtype':<9}{'torch max abs':>15}{'torch max rel':>15}"
          f"{'keras max abs':>15}{'keras max rel':>15}")
    for name in TORCH:
        for dtype in (np.float32, np.float64):
            x = inputs(name, dtype)
            ours = actlib_fn(name)(x)
            tiny = np.finfo(dtype).tiny
            t = differences(ours, torch_values(name, x), tiny)
            k = differences(ours, keras_values(name, x), tiny) if name in KERAS else (np.nan, np.nan)
            print(f"{name:<12}{np.dtype(dtype).name:<9}{t[0]:>15.3g}{t[1]:>15.3g}{k[0]:>15.3g}{k[1]:>15.3g}")


if __name__ == "__main__":
    report()
