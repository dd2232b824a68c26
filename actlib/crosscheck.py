"""actlib's activations next to PyTorch's and Keras's, on one grid: the agreement the zoo shows.

The zoo's agreement table and ``tests/test_reference.py`` both use this module, so the
student edition (which has no ``tests/``) can run the zoo. It imports PyTorch and Keras
(the ``torch`` and ``keras`` extras). ``python -m actlib.crosscheck`` prints the table of
largest differences.
"""


from __future__ import annotations

import numpy as np
import torch

import actlib
from actlib.frameworks import import_keras

keras = import_keras()
K = keras.activations

#: Tolerances of the agreement, ``(rtol, atol)`` for ``np.allclose(ours, theirs, rtol, atol)``, per
#: dtype: see tests/test_reference.py's docstring for why Keras's float64 ones are looser.
TOL_TORCH = {np.float64: (1e-12, 1e-14), np.float32: (4e-6, 1e-6)}
TOL_KERAS = {np.float64: (1e-7, 1e-8), np.float32: (4e-6, 2e-6)}

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
TORCH = {name: _torch_call(actlib.get(name)) for name in actlib.names() if actlib.get(name).torch_api is not None}
TORCH["gelu_tanh"] = _torch_call(actlib.get("gelu"), approximate=True)

KERAS = {name: _keras_call(actlib.get(name)) for name in actlib.names() if actlib.get(name).keras_api is not None}
KERAS["gelu_tanh"] = _keras_call(actlib.get("gelu"), approximate=True)

#: Where the true value exceeds the dtype, and actlib overflows to inf, with NumPy's warning, as it must.
OVERFLOWS = {"exponential"}

#: The length of the rows the functions of a whole axis get (even, for the gated units' halves).
ROW = 8


def actlib_fn(name):
    if name == "gelu_tanh":
        return lambda x: actlib.gelu(x, approximate=True)
    function = actlib.get(name).function
    if name in OVERFLOWS:
        def quietly(x):
            with np.errstate(over="ignore"):
                return function(x)
        return quietly
    return function


def inputs(name, dtype):
    """The grid; for the functions of a whole axis, a batch of rows of :data:`ROW` (the grid, wrapped round)."""
    x = GRID.astype(dtype)
    if name == "gelu_tanh" or actlib.get(name).elementwise:
        return x
    return np.resize(x, (-(-x.size // ROW), ROW))


def support_sizes(rows):
    """How many entries of each row sparsemax keeps (its support), with keepdims."""
    return np.sum(actlib.sparsemax(rows) > 0, axis=-1, keepdims=True)


#: Where a library is known to differ from actlib beyond the tolerances: (library, name) -> the
#: inputs to leave out of the comparison. Each difference is asserted, with the installed
#: library, in test_library_differences.py, and told in the record's note.
KNOWN_DIFFERENCES = {
    # Keras computes (x + sqrt(x**2 + b)) / 2 as written: for x << 0 the sum cancels (float32).
    ("keras", "squareplus"): lambda x: (x < -100) if x.dtype == np.float32 else np.zeros(x.shape, bool),
    # Keras 3.15's sparsemax takes a wrong threshold for almost every input whose support has two or
    # more entries (right only where the partial sums before the last add up to 0): all left out.
    ("keras", "sparsemax"): lambda x: np.broadcast_to(support_sizes(x) > 1, x.shape),
}


def compared(library, name, x):
    """The outputs on which ``library``'s ``name`` is compared with actlib's, at inputs ``x``: an index."""
    leave_out = KNOWN_DIFFERENCES.get((library, name))
    return ... if leave_out is None else ~leave_out(x)


def torch_values(name, x):
    return TORCH[name](torch.from_numpy(x)).detach().numpy()


def keras_values(name, x):
    return keras.ops.convert_to_numpy(KERAS[name](keras.ops.convert_to_tensor(x)))


def differences(ours, theirs, tiny):
    """Largest absolute difference, and largest relative one where |theirs| > tiny."""
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    absolute = np.zeros_like(ours)  # 0 where they are equal, infinities too (the exponential's overflow)
    np.abs(np.subtract(ours, theirs, out=absolute, where=ours != theirs), out=absolute)
    scale = np.abs(theirs)
    relative = np.where(scale > tiny, absolute / np.where(scale > tiny, scale, 1), 0.0)
    return float(absolute.max()), float(relative.max())


def report():
    print(f"{'activation':<15}{'dtype':<9}{'torch max abs':>15}{'torch max rel':>15}"
          f"{'keras max abs':>15}{'keras max rel':>15}")
    for name in [*actlib.names(), "gelu_tanh"]:
        if name not in TORCH and name not in KERAS:
            continue
        for dtype in (np.float32, np.float64):
            x = inputs(name, dtype)
            ours = actlib_fn(name)(x)
            tiny = np.finfo(dtype).tiny
            t = differences(ours, torch_values(name, x), tiny) if name in TORCH else (np.nan, np.nan)
            k = differences(ours, keras_values(name, x), tiny) if name in KERAS else (np.nan, np.nan)
            cells = "".join(f"{'-' if np.isnan(value) else format(value, '.3g'):>15}" for value in (*t, *k))
            row = f"{name:<15}{np.dtype(dtype).name:<9}{cells}"  # -: the library has no such function
            if ("keras", name) in KNOWN_DIFFERENCES:  # and without the known difference
                keep = compared("keras", name, x)
                k = differences(ours[keep], keras_values(name, x)[keep], tiny)
                row += f"   (keras where it is right: {k[0]:.3g}, {k[1]:.3g})"
            print(row)


if __name__ == "__main__":
    report()
