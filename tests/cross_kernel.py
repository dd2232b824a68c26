"""Re-run nbval on the fast chapters under other CPU kernels: does the book pass on any machine?

A student's laptop rounds differently from the machine that executed the stored outputs: its
OpenBLAS picks another kernel for its CPU, NumPy and PyTorch dispatch to other SIMD code, and
another thread count sums in another order. This script makes this machine behave like such
laptops, one setting at a time (:data:`SETTINGS`), and runs the book's nbval check
(``make notebooks``: strict, with numbers compared by ``tests/nbval_numeric.py``) on the
chapters that run in seconds (all but :data:`SLOW`). The slow chapters ignore their training
output and assert on it; run them here with ``--notebooks``.

    python -m tests.cross_kernel                  # what make test-kernels runs
    python -m tests.cross_kernel --setting nehalem-sse-2threads --notebooks chapters/07_dcgan_training.ipynb
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (chapter 7's chapter page and chapter 6's pitfalls page train little, and passed the four
# settings on 2026-12-06, in 35 s and 196 s; they stay out of make test-kernels, which runs in
# the longest lane of make test)
SLOW = ("chapters/06_keras_mnist.ipynb", "chapters/06_keras_pitfalls.ipynb", "chapters/07_gan.ipynb",
        "chapters/07_dcgan_training.ipynb")

# NumPy 2.4 dispatches to CPU-feature groups: X86_V3 is AVX2 + FMA3, X86_V4 and AVX512_* are
# AVX-512. Disabling them leaves its SSE4.2 baseline (X86_V2). PyTorch's own switch is
# ATEN_CPU_CAPABILITY; TensorFlow's oneDNN kernels are off in the book (TF_ENABLE_ONEDNN_OPTS=0).
NO_AVX512 = "X86_V4 AVX512_ICL AVX512_SPR"
NO_AVX2 = f"X86_V3 {NO_AVX512}"


def _threads(n: int) -> dict[str, str]:
    return {
        "OPENBLAS_NUM_THREADS": str(n),
        "OMP_NUM_THREADS": str(n),
        "TF_NUM_INTRAOP_THREADS": str(n),
    }


SETTINGS: dict[str, dict[str, str]] = {
    # OpenBLAS's AVX-512 kernels (an Intel laptop since 2019, AMD Zen 4 and later), 2 threads.
    "skylakex-2threads": {"OPENBLAS_CORETYPE": "SkylakeX", **_threads(2)},
    # OpenBLAS's AVX kernels (Sandy Bridge, 2011), one thread.
    "sandybridge-1thread": {"OPENBLAS_CORETYPE": "Sandybridge", **_threads(1)},
    # An SSE4.2-only machine: OpenBLAS's Nehalem kernels, NumPy and PyTorch without AVX2 and
    # AVX-512, 2 threads.
    "nehalem-sse-2threads": {
        "OPENBLAS_CORETYPE": "Nehalem",
        "NPY_DISABLE_CPU_FEATURES": NO_AVX2,
        "ATEN_CPU_CAPABILITY": "default",
        **_threads(2),
    },
    # An AVX2 machine without AVX-512 (most AMD laptops before Zen 4): NumPy and PyTorch on
    # AVX2, OpenBLAS's Haswell kernels, one thread.
    "haswell-avx2-1thread": {
        "OPENBLAS_CORETYPE": "Haswell",
        "NPY_DISABLE_CPU_FEATURES": NO_AVX512,
        "ATEN_CPU_CAPABILITY": "avx2",
        **_threads(1),
    },
}


def fast_notebooks() -> list[str]:
    """Every chapter notebook but the slow ones, in name order."""
    notebooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "chapters").glob("*.ipynb"))
    return [nb for nb in notebooks if nb not in SLOW]


def nbval_command(notebooks: list[str], workers: int) -> list[str]:
    """The Makefile's nbval command (strict, sanitised, numbers to a tolerance)."""
    command = [
        sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
        "--nbval-sanitize-with", "tests/nbval-sanitize.cfg", "-p", "tests.nbval_numeric",
        "-p", "no:cacheprovider", "-o", "addopts=", "-q",
    ]
    if workers > 1:
        command += ["-n", str(workers), "--dist", "loadfile"]
    return command + notebooks


def run(setting: str, notebooks: list[str], workers: int) -> tuple[bool, float, str]:
    """Run nbval under one setting; return (passed, seconds, pytest's last line)."""
    from actlib.frameworks import KERNEL_ENV

    if setting not in SETTINGS:
        raise ValueError(f"unknown setting {setting!r}; expected one of {sorted(SETTINGS)}")
    env = {**os.environ, **KERNEL_ENV, **SETTINGS[setting]}
    start = time.perf_counter()
    result = subprocess.run(
        nbval_command(notebooks, workers), cwd=ROOT, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0:
        print(result.stdout[-20000:], result.stderr[-5000:], sep="\n", flush=True)
    return result.returncode == 0, seconds, lines[-1] if lines else "(no output)"


#: A shorter plan (``--halves``): each fast chapter under two settings, one on one
#: thread and one on two, and one of them with NumPy's and PyTorch's SIMD code narrowed (to AVX2
#: or to SSE4.2); every setting still runs on half of the chapters. ``HALVES[0]``: OpenBLAS's
#: AVX-512 kernels (SkylakeX; NumPy and PyTorch on the CPU's own code, AVX-512 on the machine
#: that executed the stored outputs), then all three on AVX2 (Haswell). ``HALVES[1]``: OpenBLAS's
#: AVX kernels (Sandybridge), then all three on SSE4.2 (Nehalem). ``make test-kernels`` runs
#: every setting on every fast chapter.
HALVES = (("skylakex-2threads", "haswell-avx2-1thread"), ("sandybridge-1thread", "nehalem-sse-2threads"))


def halves_plan(notebooks: list[str]) -> list[tuple[str, list[str]]]:
    """(setting, notebooks) pairs: the even-numbered chapters under ``HALVES[0]``'s settings,
    the odd-numbered ones under ``HALVES[1]``'s (by position in name order)."""
    plan = []
    for half, settings in enumerate(HALVES):
        part = notebooks[half::2]
        plan += [(setting, part) for setting in settings if part]
    return plan


#: make test's plan (``--quarters``): each fast chapter under one setting, the four settings in
#: turn by file name, so that every setting runs on a quarter of them. In fresh-clone CI runs of
#: 2026-12-06 the halves plan took 178-317 s of make test's notebook lane, this one 137-177 s
#: (about half the CPU time).
def quarters_plan(notebooks: list[str]) -> list[tuple[str, list[str]]]:
    """(setting, notebooks) pairs: chapter ``i`` (in name order) under setting ``i % 4``."""
    settings = list(SETTINGS)
    plan = [(setting, notebooks[k::len(settings)]) for k, setting in enumerate(settings)]
    return [(setting, part) for setting, part in plan if part]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setting", action="append", choices=sorted(SETTINGS),
                        help="one setting (repeatable); default: all of them")
    parser.add_argument("--notebooks", nargs="+", help="default: the fast chapters")
    parser.add_argument("--workers", type=int, default=2, help="nbval workers (default 2)")
    plans = parser.add_mutually_exclusive_group()
    plans.add_argument("--halves", action="store_true", help="each chapter under two settings, not all four")
    plans.add_argument("--quarters", action="store_true",
                       help="each chapter under one setting, the four in turn (make test's plan)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or fast_notebooks()
    if (args.halves or args.quarters) and args.setting:
        parser.error("--halves and --quarters choose the settings themselves; leave out --setting")
    if args.halves:
        plan = halves_plan(notebooks)
    elif args.quarters:
        plan = quarters_plan(notebooks)
    else:
        plan = [(setting, notebooks) for setting in args.setting or list(SETTINGS)]
    failed = []
    for setting, notebooks in plan:
        variables = " ".join(f"{k}={v!r}" for k, v in SETTINGS[setting].items())
        passed, seconds, last = run(setting, notebooks, args.workers)
        print(f"== kernels [{setting}] {'passed' if passed else 'FAILED'} in {seconds:.0f} s"
              f" ({len(notebooks)} notebooks): {last}\n   {variables}", flush=True)
        if not passed:
            failed.append(setting)
    total = len(plan)
    print(f"== kernel settings: {total - len(failed)} of {total} passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
