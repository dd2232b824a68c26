"""Framework start-up, in one place: quiet, repeatable, and fast on a shared CPU.

``import actlib`` calls :func:`start`, which puts :data:`ENV` into ``os.environ`` (a value
already set there wins). Environment variables only take effect if they are set before
the framework loads, so import ``actlib`` (or ``actlib.frameworks``) before ``torch`` or
TensorFlow, and get the frameworks through it:

* ``torch = import_torch()`` - PyTorch on one CPU thread.
* ``keras = import_keras()`` - Keras 3 on TensorFlow, on one thread, without TensorFlow's
  C++ log lines (which would land in a notebook's output and differ from machine to machine).
* ``seed_everything(0)`` seeds Python, NumPy, and PyTorch and Keras if they are imported.

Why one thread: the book's networks are small, so a second thread gains little on an idle
CPU, and a program that keeps one of two cores busy (a browser, a second notebook) makes a
two-thread step wait for the thread that lost its core. Measured on 2 cores (``make bench``,
ms per step, idle / beside one busy core): chapter 7's DCGAN step 42 / 154 on two threads
(with ``OMP_WAIT_POLICY=PASSIVE`` 61 / 100), 46 / 48 on one; a Keras MLP step of chapter 6
6 / 13 on two threads, 8 / 9 on one. One thread per kernel also lets two notebooks run side
by side on two cores, and makes runs repeat exactly on one machine whatever its number of
cores. To use more threads, set the variables yourself before ``import actlib`` (a value
already set wins), or pass ``threads`` to :func:`import_torch`.

:data:`KERNEL_ENV` is :data:`ENV` plus what a Jupyter kernel's Python must have from its
start (``make`` and the grader's runner start kernels with it).
"""

from __future__ import annotations

import os
import random
import sys

ENV = {
    "KERAS_BACKEND": "tensorflow",
    "TF_CPP_MIN_LOG_LEVEL": "3",  # no C++ INFO/WARNING lines on import
    # oneDNN's reordered float arithmetic off: the same results on every run. (On, it
    # halves a step of chapter 6's small CNN, 25 -> 13 ms on one thread, and leaves its
    # MLPs' 8-9 ms as they are: about 18 s of the book, not worth moving its floats.)
    "TF_ENABLE_ONEDNN_OPTS": "0",
    # One thread for TensorFlow's ops, and one for running ops side by side: with more,
    # a step waits for a thread that another program has pushed off its core.
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
}

KERNEL_ENV = {
    **ENV,
    "PYTHONHASHSEED": "0",  # read when the interpreter starts: sets of strings iterate alike
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no debugger warning on a kernel's stderr
}

_started = False


def start() -> None:
    """Put :data:`ENV` into ``os.environ``, keeping any value already set. Idempotent.

    Called by ``import actlib``; it acts on frameworks imported afterwards only.
    """
    global _started
    if _started:
        return
    _started = True
    for key, value in ENV.items():
        os.environ.setdefault(key, value)


def import_keras():
    """Import and return ``keras`` (Keras 3 on TensorFlow) with the book's quiet start-up.

    Must run before TensorFlow is first imported for the log settings to apply.
    """
    start()
    import keras

    return keras


def import_torch(threads: int | None = 1):
    """Import and return ``torch`` set to ``threads`` CPU threads (the book's default: 1).

    The book's networks are small: on one thread a step is about as fast as on two on an
    idle CPU, and it stays as fast when another program keeps a core busy, where two
    threads wait for each other (see ``tests/bench.py``). A fixed thread count also makes
    runs repeat exactly on one machine. ``threads=None`` keeps PyTorch's default (one per
    physical core, or ``OMP_NUM_THREADS``).
    """
    if threads is not None:
        from ._validation import integer

        threads = integer(threads, "threads", minimum=1)
    start()
    import torch

    if threads is not None:
        torch.set_num_threads(threads)
    return torch


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's, and (if imported) PyTorch's and Keras's random generators."""
    import numpy as np

    from ._validation import integer

    seed = integer(seed, "seed", minimum=0)

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002  (seeds code that still uses the legacy global generator)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)
