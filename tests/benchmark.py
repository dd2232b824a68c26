"""Throughput of actlib's sigmoid, softmax and GELU next to PyTorch's CPU kernels.

Run: ``.venv/bin/python -m tests.benchmark`` (10^7 float32 values, best of 5).
Softmax is taken over rows of 1000 values (10^4 rows). NumPy runs on one core,
so PyTorch is timed twice: with its default thread count and with one thread.
The load average is printed first: on a busy machine every figure is inflated.
"""

from __future__ import annotations

import os
import platform
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


def cases(x: np.ndarray) -> dict:
    """name: (actlib call, PyTorch call) on the same 10^7 float32 values."""
    t = torch.from_numpy(x)
    rows, trows = x.reshape(-1, 1000), t.reshape(-1, 1000)
    return {
        "sigmoid": (lambda: actlib.sigmoid(x), lambda: torch.sigmoid(t)),
        "softmax": (lambda: actlib.softmax(rows), lambda: F.softmax(trows, dim=-1)),
        "gelu": (lambda: actlib.gelu(x), lambda: F.gelu(t)),
        "gelu (tanh)": (lambda: actlib.gelu(x, approximate=True), lambda: F.gelu(t, approximate="tanh")),
        "d gelu": (lambda: actlib.derivative("gelu", x), None),  # torch has no derivative kernel to call
    }


def main() -> None:
    x = np.random.default_rng(0).normal(scale=5, size=N).astype(np.float32)
    threads = torch.get_num_threads()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load average {load}; "
          f"NumPy {np.__version__}, torch {torch.__version__}")
    print("10^7 float32 values; best of 5; ms per call (lower is better)")
    print(f"{'function':<13}{'actlib':>9}{f'torch x{threads}':>10}{'torch x1':>10}"
          f"{'ratio x1':>10}{'actlib Mvals/s':>16}")
    for name, (ours, theirs) in cases(x).items():
        a = best_of(ours)
        torch_columns = f"{'-':>10}" * 3
        if theirs is not None:
            b = best_of(theirs)
            torch.set_num_threads(1)
            b1 = best_of(theirs)
            torch.set_num_threads(threads)
            torch_columns = f"{b * 1e3:>10.1f}{b1 * 1e3:>10.1f}{a / b1:>10.1f}"
        print(f"{name:<13}{a * 1e3:>9.1f}{torch_columns}{N / a / 1e6:>16.0f}")


if __name__ == "__main__":
    main()
