"""Answers and observations as plain JSON data: what crosses from a submission's kernel to the grader.

:func:`encode` turns a value into JSON-compatible data (no pickle: decoding builds nothing but
numbers, strings, containers, NumPy arrays of numbers, and :class:`Handle` placeholders);
:func:`decode` turns it back. Anything that is not plain data (a function, a Keras model, a
PyTorch module, an object with surprising ``__eq__``) becomes a :class:`Handle` that only
knows its type's name: in the submission's kernel the handle also holds the real object, so
that the check can observe it (:mod:`actlib.exercises._observe`); in the grader it holds
nothing, so the submission's code can never run there.
"""

from __future__ import annotations

import base64
import hashlib
import json

import numpy as np

#: NumPy dtype kinds that may cross: bool, signed and unsigned integers, floats, complex.
_KINDS = "biufc"
_MAX_DEPTH = 40
_TENSOR_MODULES = ("torch", "tensorflow", "keras", "jax")


class WireError(ValueError):
    """Data that is not a valid encoded value."""


class Handle:
    """A placeholder for an object that is not plain data; ``type(h).__name__`` is its type's."""

    __slots__ = ("_real",)

    def __init__(self, real=None):
        self._real = real

    def __repr__(self):
        return f"<{type(self).__name__} object>"


class CallableHandle(Handle):
    """A placeholder for a callable answer (a function, a loss object): call it with ``call_answer``."""

    __slots__ = ()

    def __call__(self, *args, **kwargs):
        from ._observe import call

        return call(self, args, kwargs, what=f"{type(self).__name__}(...)")


_HANDLE_TYPES: dict[tuple[str, bool], type] = {}


def handle_type(name: str, is_callable: bool) -> type:
    """A :class:`Handle` subclass named like the original type (messages then read the same)."""
    key = (name, is_callable)
    if key not in _HANDLE_TYPES:
        safe = name if name.isidentifier() else "object"
        _HANDLE_TYPES[key] = type(safe, (CallableHandle if is_callable else Handle,), {"__slots__": ()})
    return _HANDLE_TYPES[key]


def real(value):
    """The real object behind a handle (in the kernel), else ``value`` itself."""
    return value._real if isinstance(value, Handle) and value._real is not None else value


def _tensor_to_array(value):
    """A PyTorch/TensorFlow/Keras tensor as a NumPy array, or None if ``value`` is not one."""
    module = type(value).__module__.split(".")[0]
    if module not in _TENSOR_MODULES or not hasattr(value, "shape"):
        return None
    try:
        if hasattr(value, "detach"):  # torch
            value = value.detach().cpu()
        array = np.asarray(value)
    except Exception:  # a symbolic tensor, a module with a .shape: not data
        return None
    return array if array.dtype.kind in _KINDS else None


def _array(array: np.ndarray, key: bool) -> dict:
    array = np.ascontiguousarray(array)
    node = {"$": "ndarray", "dtype": array.dtype.str, "shape": list(array.shape)}
    raw = array.tobytes()
    if key:
        node["sha256"] = hashlib.sha256(raw).hexdigest()
    else:
        node["data"] = base64.b64encode(raw).decode("ascii")
    return node


def encode(value, handles: list | None = None, *, key: bool = False, _depth: int = 0):
    """``value`` as JSON-compatible data.

    ``handles`` collects the real objects behind :class:`Handle` nodes (node ``"id"`` indexes
    it). With ``key=True`` the result identifies the value instead (arrays by digest,
    functions by qualified name), for :func:`digest`.
    """
    if isinstance(value, Handle):
        value = real(value)
        if isinstance(value, Handle):  # a handle without a real object (in the grader)
            return {"$": "object", "type": type(value).__name__, "callable": callable(value)}
    if _depth > _MAX_DEPTH:
        raise WireError("the value is nested too deeply")
    if value is None or isinstance(value, bool):
        return bool(value) if value is not None else None
    # the base types' own methods: a subclass's __int__ or __str__ cannot change the value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if value is Ellipsis:
        return {"$": "ellipsis"}
    if isinstance(value, complex):
        return {"$": "complex", "re": value.real, "im": value.imag}
    deeper = {"handles": handles, "key": key, "_depth": _depth + 1}
    if isinstance(value, tuple | list | set | frozenset):
        items = [encode(v, **deeper) for v in value]
        if isinstance(value, list):
            return items
        kind = "tuple" if isinstance(value, tuple) else type(value).__name__ if type(value) in (set, frozenset) \
            else "set"
        if kind != "tuple":
            items.sort(key=lambda v: json.dumps(v, sort_keys=True))
        return {"$": kind, "items": items}
    if isinstance(value, dict):
        return {"$": "dict", "items": [[encode(k, **deeper), encode(v, **deeper)] for k, v in value.items()]}
    if isinstance(value, np.ndarray) and value.dtype.kind in _KINDS:
        return _array(value, key)
    if isinstance(value, np.generic) and value.dtype.kind in _KINDS:
        return {**_array(np.asarray(value), key), "$": "scalar"}
    array = _tensor_to_array(value)
    if array is not None:
        return _array(array, key)
    if key:
        name = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
        return {"$": "object", "type": type(value).__name__,
                "name": f"{getattr(value, '__module__', '')}.{name}" if name else None}
    node = {"$": "object", "type": type(value).__name__, "callable": callable(value)}
    if handles is not None:
        node["id"] = len(handles)
        handles.append(value)
    return node


def _decode_array(node) -> np.ndarray:
    dtype = np.dtype(str(node["dtype"]))
    if dtype.kind not in _KINDS or dtype.hasobject:
        raise WireError(f"arrays of dtype {dtype} may not cross")
    shape = tuple(int(n) for n in node["shape"])
    raw = base64.b64decode(node["data"], validate=True)
    if len(raw) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
        raise WireError("an array's data does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def decode(data, handles: list | None = None, _depth: int = 0):
    """The value :func:`encode` encoded (``handles``: the real objects, in the kernel only)."""
    if _depth > _MAX_DEPTH:
        raise WireError("the value is nested too deeply")
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(v, handles, _depth + 1) for v in data]
    if not isinstance(data, dict) or not isinstance(data.get("$"), str):
        raise WireError(f"not an encoded value: {type(data).__name__}")
    kind = data["$"]
    if kind == "ellipsis":
        return Ellipsis
    if kind == "complex":
        return complex(float(data["re"]), float(data["im"]))
    if kind in ("tuple", "set", "frozenset"):
        items = [decode(v, handles, _depth + 1) for v in data["items"]]
        try:
            return {"tuple": tuple, "set": set, "frozenset": frozenset}[kind](items)
        except TypeError as err:  # an unhashable item in a set
            raise WireError(str(err)) from None
    if kind == "dict":
        try:
            return {decode(k, handles, _depth + 1): decode(v, handles, _depth + 1) for k, v in data["items"]}
        except TypeError as err:
            raise WireError(str(err)) from None
    if kind == "ndarray":
        return _decode_array(data)
    if kind == "scalar":
        return _decode_array(data)[()]
    if kind == "object":
        index = data.get("id")
        obj = handles[index] if handles is not None and isinstance(index, int) and 0 <= index < len(handles) else None
        return handle_type(str(data.get("type", "object")), bool(data.get("callable")))(obj)
    raise WireError(f"unknown kind {kind!r}")


def digest(*parts) -> str:
    """A short key identifying ``parts`` (the check's own inputs: arrays, numbers, functions)."""
    text = json.dumps(encode(list(parts), key=True), sort_keys=True, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def dumps(data) -> str:
    return json.dumps(data, allow_nan=True)


def loads(text: str | bytes):
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise WireError(f"not valid JSON: {err}") from None
