"""How fast the book runs: heavy cells idle and beside a busy core, `make` phases, actlib against PyTorch.

Run: ``make bench`` (or ``.venv/bin/python -m tests.bench``). Not part of ``make test``: it
measures, it asserts nothing. Sub-commands:

``cells`` (the default)
    Each heavy cell of the book, timed in a fresh Python process started with the book's
    framework start-up (:mod:`actlib.frameworks`), twice: on an idle machine, and while one
    other process keeps a core busy (a ``while True: pass`` loop, as a student's browser or
    a second job would). Prints ms per step for each and the ratio busy / idle, which the
    book wants below 1.5. Each cell is also timed with the start-ups ``--configs`` names
    (default: ``torch-2 tf-2``, the frameworks on two threads; others: OpenMP's passive wait,
    oneDNN on, ...; a PyTorch setting is only tried on PyTorch cells and a TensorFlow one on
    Keras cells). ``--quick`` times fewer steps (a rougher figure), ``--repeat N`` keeps the
    fastest of N runs. On a machine shared with other work every figure is inflated and
    noisy: run it on a quiet machine.
``make``
    Times ``make`` targets one after another in a fresh clone of this repository
    (``git clone`` of HEAD into a temporary folder; ``--worktree`` copies in uncommitted
    changes; ``--keep`` keeps it): by default ``make install``, then ``make test``, whose
    phases run in two lanes side by side; each phase prints its own wall and CPU time
    (a line ``== phase: ...``), which this lists. With ``--targets install book`` it times
    ``make book`` instead: the whole book's execution (two notebooks at a time) and build.
    Per-notebook times come from nbval's ``--durations`` lines and from
    ``tests/execute_parallel.py``'s.
``throughput``
    actlib's activations against PyTorch's (one thread, as the book runs it) on ``--size``
    float32 values (default 10**7; softmax over rows of 1,000): the fastest of ``--repeat``
    calls each, in ms, and the largest difference between the two results.
``durations LOG``
    Reads a saved ``make test`` / pytest log and prints the slowest tests and the total per
    notebook (pytest's ``--durations`` lines).

Timings depend on the machine and on everything else it runs: measure on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Start-ups to compare. "book" is actlib.frameworks' own; each other one changes one thing.
CONFIGS = {
    "book": {},
    "torch-2": {"BENCH_TORCH_THREADS": "2"},  # 2 threads, OpenMP's default (spinning) wait
    "torch-2-passive": {"BENCH_TORCH_THREADS": "2", "OMP_WAIT_POLICY": "PASSIVE"},
    "torch-2-spin10k": {"BENCH_TORCH_THREADS": "2", "GOMP_SPINCOUNT": "10000"},
    "tf-1": {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"},
    "tf-2": {"TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "2"},
    "tf-1-onednn": {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "TF_ENABLE_ONEDNN_OPTS": "1"},
    "onednn-on": {"TF_ENABLE_ONEDNN_OPTS": "1"},
    "onednn-off": {"TF_ENABLE_ONEDNN_OPTS": "0"},
}


# ----------------------------------------------------------------------------- the cells
# Each takes the number of timed steps and returns seconds per step (after a warm-up).

def _timed(step, steps: int, warmup: int) -> float:
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def cell_gan_step(steps: int) -> float:
    """Chapter 7: one DCGAN step (D then G update), Generator(64, 32), Discriminator(16), batch 64."""
    torch = _torch()
    from actlib import gan

    torch.manual_seed(0)
    images = torch.rand(4096, 1, 28, 28) * 2 - 1
    g, d = gan.Generator(64, 32), gan.Discriminator(16)
    optimizers = (gan.adam(g, 2e-3), gan.adam(d, 2e-3))

    def step():
        gan.train_gan(g, d, images, steps=10, batch_size=64, real_label=0.9, progress=False,
                      optimizers=optimizers)

    return _timed(step, max(1, steps // 10), warmup=1) / 10


def cell_gan_judge(steps: int) -> float:
    """Chapter 7: one training step of the judge CNN (mnist_classifier), batch 64."""
    torch = _torch()
    from actlib import torch_tools as tools

    torch.manual_seed(0)
    n = 64 * 20
    images, labels = torch.rand(n, 1, 28, 28) * 2 - 1, torch.randint(10, (n,)).numpy()
    model = tools.mnist_classifier()

    def step():
        tools.train_classifier(model, images, labels, epochs=1, batch_size=64)

    return _timed(step, max(1, steps // 20), warmup=1) / 20


def cell_keras_mlp(steps: int) -> float:
    """Chapter 6: one step of the 2 x 384 MLP with dropout (batch 128), fitted with model.fit."""
    import numpy as np

    from actlib.keras_tools import build_mlp, keras

    rng = np.random.default_rng(0)
    x = rng.random((128 * steps, 784), dtype=np.float32)
    y = rng.integers(0, 10, len(x))
    model = build_mlp((384, 384), "relu", dropout=0.2, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x[:128 * 5], y[:128 * 5], batch_size=128, epochs=1, verbose=0)  # trace once
    start = time.perf_counter()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    return (time.perf_counter() - start) / steps


def cell_keras_compare(steps: int) -> float:
    """Chapter 6: one of the 54 comparison trainings (10 x 32 MLP, 8,000 images, 4 epochs of
    batch 500, accuracy on 2,000 after each epoch, then on 12,000); seconds per training."""
    import numpy as np

    from actlib.keras_tools import EpochAccuracy, accuracy, build_mlp, keras, restart

    rng = np.random.default_rng(0)
    x, y = rng.random((8000, 784), dtype=np.float32), rng.integers(0, 10, 8000)
    x_val, y_val = rng.random((12000, 784), dtype=np.float32), rng.integers(0, 10, 12000)
    model = build_mlp((32,) * 10, "relu")
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy",
                  jit_compile=False, steps_per_execution=20)
    seeds = iter(range(10_000))

    def training():
        restart(model, next(seeds))
        curve = EpochAccuracy(x_val[:2000], y_val[:2000])
        model.fit(x, y, epochs=4, batch_size=500, callbacks=[curve], verbose=0)
        accuracy(model, x_val, y_val)

    return _timed(training, max(1, steps // 50), warmup=1)


def cell_keras_cnn(steps: int) -> float:
    """Chapter 6's CNN exercise: one step of the small CNN (two Conv2D 5 x 5), batch 64."""
    import numpy as np

    from actlib.keras_tools import keras

    rng = np.random.default_rng(0)
    x = rng.random((64 * steps, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, len(x))
    layers = keras.layers
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)), layers.Conv2D(16, 5, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 5, activation="relu"), layers.MaxPooling2D(), layers.Flatten(),
        layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x[:64 * 5], y[:64 * 5], batch_size=64, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    return (time.perf_counter() - start) / steps


CELLS = {  # name -> (function, steps, steps in --quick, unit)
    "gan-step": (cell_gan_step, 200, 40, "ms/step"),
    "gan-judge": (cell_gan_judge, 200, 40, "ms/step"),
    "keras-mlp": (cell_keras_mlp, 200, 60, "ms/step"),
    "keras-cnn": (cell_keras_cnn, 150, 40, "ms/step"),
    "keras-compare": (cell_keras_compare, 150, 50, "ms/run"),
}


_SETTINGS_OF = {"gan": ("torch",), "keras": ("tf", "onednn")}  # which configs change which cells


def _torch():
    from actlib import frameworks

    if "BENCH_TORCH_THREADS" in os.environ:
        return frameworks.import_torch(threads=int(os.environ["BENCH_TORCH_THREADS"]))
    return frameworks.import_torch()


def _worker(cell: str, steps: int) -> None:
    import actlib  # noqa: F401  (the book's framework start-up, before torch or TensorFlow)

    seconds = CELLS[cell][0](steps)
    print(json.dumps({"cell": cell, "ms": 1000 * seconds}))


# ----------------------------------------------------------------------------- driver

def _run_worker(cell: str, steps: int, env_changes: dict) -> float:
    env = {**os.environ, **env_changes}
    out = subprocess.run([sys.executable, "-m", "tests.bench", "_worker", cell, str(steps)],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"{cell} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])["ms"]


class BusyCore:
    """One other process that keeps a core busy for as long as the ``with`` block runs."""

    def __enter__(self):
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()


def cmd_cells(args) -> None:
    cells = args.cells or list(CELLS)
    configs = ["book", *[c for c in args.configs if c != "book"]]
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at start "
          "(a loaded machine inflates every figure)")
    print(f"{'cell':14s} {'start-up':15s} {'idle':>9s} {'busy core':>10s} {'busy/idle':>9s}  unit")
    rows = []
    for cell in cells:
        _, steps, quick_steps, unit = CELLS[cell]
        steps = quick_steps if args.quick else steps
        for config in configs:
            if config != "book" and not config.startswith(_SETTINGS_OF[cell.split("-")[0]]):
                continue  # a PyTorch setting on a Keras cell, or the reverse: nothing to compare
            env = CONFIGS[config]
            idle = min(_run_worker(cell, steps, env) for _ in range(args.repeat))
            with BusyCore():
                busy = min(_run_worker(cell, steps, env) for _ in range(args.repeat))
            rows.append({"cell": cell, "config": config, "idle": idle, "busy": busy})
            flag = "" if busy / idle <= 1.5 else "  > 1.5"
            print(f"{cell:14s} {config:15s} {idle:9.1f} {busy:10.1f} {busy / idle:9.2f}  {unit}{flag}",
                  flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")


# ----------------------------------------------------------------------------- throughput

def _throughput_pairs(torch):
    """label -> (actlib's call, PyTorch's call) on one float32 array / tensor; the PyTorch
    counterparts come from the registry (``Activation.torch_function``)."""
    from actlib import registry

    rows = 1000  # softmax: over rows of this many values
    cases = [(name, name, {}) for name in ("sigmoid", "tanh", "relu", "elu", "selu", "softplus", "swish", "mish")]
    cases += [("gelu (exact)", "gelu", {"approximate": False}), ("gelu (tanh)", "gelu", {"approximate": True})]
    pairs = {}
    for label, name, params in cases:
        record = registry.get(name)
        pairs[label] = (lambda x, f=record.function, p=params: f(x, **p), record.torch_function(**params))
    softmax = registry.get("softmax")
    torch_softmax = softmax.torch_function(axis=-1)
    pairs["softmax"] = (lambda x: softmax.function(x.reshape(-1, rows)),
                        lambda x: torch_softmax(x.view(-1, rows)))
    return pairs


def cmd_throughput(args) -> None:
    import numpy as np

    torch = _torch()
    x = (4 * np.random.default_rng(0).standard_normal(args.size)).astype(np.float32)
    x_torch = torch.from_numpy(x)
    print(f"{args.size:,} float32 values, PyTorch {torch.__version__} on {torch.get_num_threads()} thread(s); "
          f"fastest of {args.repeat} calls; load average {os.getloadavg()[0]:.2f} at start")
    print(f"{'function':14s} {'actlib':>10s} {'torch':>10s} {'ratio':>7s}  largest difference")
    for name, (ours, theirs) in _throughput_pairs(torch).items():
        times = {}
        for who, call, arg in (("actlib", ours, x), ("torch", theirs, x_torch)):
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                result = call(arg)
                best = min(best, time.perf_counter() - start)
            times[who] = (best, np.asarray(result, dtype=np.float64).ravel())
        difference = float(np.max(np.abs(times["actlib"][1] - times["torch"][1])))
        print(f"{name:14s} {1000 * times['actlib'][0]:8.0f} ms {1000 * times['torch'][0]:7.0f} ms "
              f"{times['actlib'][0] / times['torch'][0]:7.2f}  {difference:.1e}", flush=True)


_DURATION = re.compile(r"^\s*([\d.]+)s (call|setup|teardown)\s+(\S+)")


def parse_durations(text: str) -> dict[str, float]:
    """Seconds per test file (a notebook for nbval) from pytest's ``--durations`` lines."""
    per_file: dict[str, float] = {}
    for line in text.splitlines():
        match = _DURATION.match(line)
        if match:
            name = match.group(3).split("::")[0]
            per_file[name] = per_file.get(name, 0.0) + float(match.group(1))
    return per_file


def cmd_durations(args) -> None:
    per_file = parse_durations(Path(args.log).read_text(errors="replace"))
    total = sum(per_file.values())
    for name, seconds in sorted(per_file.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"{seconds:8.1f} s  {name}")
    print(f"{total:8.1f} s  in all ({len(per_file)} files)")


MAKE_TEST = ["install", "test"]
_PHASE = re.compile(r"^== (.+?): (\d+) s wall, (\d+) s user \+ (\d+) s system CPU")


def cmd_make(args) -> None:
    targets = args.targets or MAKE_TEST
    folder = Path(tempfile.mkdtemp(prefix="actbook-bench-"))
    clone = folder / "actbook"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    if args.worktree:  # the work tree as it is now, uncommitted changes included
        skip = shutil.ignore_patterns(".git", ".venv", "_build", ".jupyter_cache", "__pycache__", "node_modules")
        shutil.copytree(ROOT, clone, ignore=skip, dirs_exist_ok=True)
    print(f"fresh clone in {clone}")
    times = {}
    logs = {}
    try:
        for target in targets:
            start = time.perf_counter()
            out = subprocess.run(["make", target], cwd=clone, capture_output=True, text=True, check=False)
            times[target] = time.perf_counter() - start
            logs[target] = out.stdout + out.stderr
            (folder / f"{target}.log").write_text(logs[target])
            status = "ok" if out.returncode == 0 else f"FAILED ({out.returncode}), see {folder}/{target}.log"
            print(f"make {target:13s} {times[target]:7.1f} s  {status}", flush=True)
            if out.returncode:
                break
    finally:
        if not args.keep:
            shutil.rmtree(clone, ignore_errors=True)
    total = sum(times.values())
    print(f"{'in all':18s} {total:7.1f} s ({total / 60:.1f} min)")
    for target, log in logs.items():  # the phases inside a target (make test's, side by side)
        for line in log.splitlines():
            match = _PHASE.match(line)
            if match:
                phase, wall, user, system = match.groups()
                print(f"   {target}: {phase:15s} {int(wall):5d} s wall, {int(user) + int(system):5d} s CPU")
    for log in logs.values():  # nbval's --durations: seconds per notebook (two run side by side)
        notebooks = {name: t for name, t in parse_durations(log).items() if name.endswith(".ipynb")}
        for name, seconds in sorted(notebooks.items(), key=lambda kv: -kv[1]):
            print(f"   notebooks: {seconds:7.1f} s  {name}")
    if "book" in logs:  # tests/execute_parallel.py's lines: the book's execution, then the build
        for line in logs["book"].splitlines():
            if re.match(r"(\S+\.ipynb: \d+ s|executed in \d+ s)", line):
                print(f"   book: {line}")
    print(f"logs in {folder}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    cells = sub.add_parser("cells", help="heavy cells, idle and beside one busy core")
    cells.add_argument("--cells", nargs="+", choices=list(CELLS))
    cells.add_argument("--configs", nargs="*", default=["torch-2", "tf-2"], choices=list(CONFIGS),
                       help="start-ups to compare with the book's (default: two threads); none: --configs")
    cells.add_argument("--quick", action="store_true", help="fewer steps (a rougher figure)")
    cells.add_argument("--repeat", type=int, default=1, help="runs per figure; the fastest is kept")
    cells.add_argument("--json", help="also write the table to this file")
    make = sub.add_parser("make", help="time make phases in a fresh clone")
    make.add_argument("--targets", nargs="+")
    make.add_argument("--worktree", action="store_true", help="copy uncommitted changes into the clone")
    make.add_argument("--keep", action="store_true", help="keep the clone")
    throughput = sub.add_parser("throughput", help="actlib's activations against PyTorch's")
    throughput.add_argument("--size", type=int, default=10**7)
    throughput.add_argument("--repeat", type=int, default=5)
    durations = sub.add_parser("durations", help="per-file times from a pytest --durations log")
    durations.add_argument("log")
    durations.add_argument("--top", type=int, default=15)
    worker = sub.add_parser("_worker")
    worker.add_argument("cell", choices=list(CELLS))
    worker.add_argument("steps", type=int)
    args = parser.parse_args(argv)
    if args.command == "_worker":
        _worker(args.cell, args.steps)
    elif args.command == "make":
        cmd_make(args)
    elif args.command == "durations":
        cmd_durations(args)
    elif args.command == "throughput":
        cmd_throughput(args)
    else:
        if args.command is None:
            args = cells.parse_args([])
        cmd_cells(args)


if __name__ == "__main__":
    main()
