"""Quiet, seeded start-up of the deep-learning frameworks the chapters use.

``keras = import_keras()`` instead of ``import keras`` silences TensorFlow's
C++ start-up log lines (which would otherwise land in a notebook's output and
differ from machine to machine) and turns off oneDNN's reordered float
arithmetic so that results repeat. ``seed_everything(0)`` seeds Python,
NumPy, PyTorch and Keras/TensorFlow, whichever of them are imported.
"""

from __future__ import annotations

import os
import random
import sys

import numpy as np

_TF_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # no C++ INFO/WARNING lines on import
    "TF_ENABLE_ONEDNN_OPTS": "0",  # same float results on every run
    "KERAS_BACKEND": "tensorflow",
}


def import_keras():
    """Import and return ``keras`` (Keras 3 on TensorFlow) with quiet, repeatable settings.

    Must run before TensorFlow is first imported for the log settings to apply.
    """
    for key, value in _TF_ENV.items():
        os.environ.setdefault(key, value)
    import keras

    return keras


def import_torch(threads: int | None = None):
    """Import and return ``torch``; optionally fix the number of CPU threads."""
    import torch

    if threads is not None:
        torch.set_num_threads(threads)
    return torch


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's, and (if imported) PyTorch's and Keras's random generators."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int; got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002  (seeds code that still uses the legacy global generator)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)
