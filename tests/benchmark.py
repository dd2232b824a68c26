"""Throughput of actlib's sigmoid, softmax and GELU next to PyTorch's CPU kernels.

Run: ``.venv/bin/python -m tests.benchmark`` (10^7 float32 values, best of 5).
Softmax is taken over rows of 1000 values (10^4 rows).
"""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F

import actlib

N = 10_000_000


def best_of(function, repeats: int = 5) -> float:
    function()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    x = np.random.default_rng(0).normal(scale=5, size=N).astype(np.float32)
    t = torch.from_numpy(x)
    rows, trows = x.reshape(-1, 1000), t.reshape(-1, 1000)
    cases = {
        "sigmoid": (lambda: actlib.sigmoid(x), lambda: torch.sigmoid(t)),
        "softmax": (lambda: actlib.softmax(rows), lambda: F.softmax(trows, dim=-1)),
        "gelu": (lambda: actlib.gelu(x), lambda: F.gelu(t)),
        "gelu (tanh)": (lambda: actlib.gelu(x, approximate=True), lambda: F.gelu(t, approximate="tanh")),
    }
    print(f"torch threads: {torch.get_num_threads()}; 10^7 float32 values; best of 5")
    print(f"{'function':<14}{'actlib ms':>10}{'torch ms':>10}{'ratio':>8}{'actlib Mvals/s':>16}")
    for name, (ours, theirs) in cases.items():
        a, b = best_of(ours), best_of(theirs)
        print(f"{name:<14}{a * 1e3:>10.1f}{b * 1e3:>10.1f}{a / b:>8.1f}{N / a / 1e6:>16.0f}")


if __name__ == "__main__":
    main()
