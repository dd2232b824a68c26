"""Chapter 5's rescue study: short training runs of deep sigmoid networks, too slow for the notebook.

Run: ``make ch5-study`` or ``.venv/bin/python -m tests.ch5_study``. The file records how long its
runs took (``about.parts``): 12.9 minutes for the first six networks' 65 runs, 0.3 minutes for the
8-times network's 10, added later with ``--networks``; 13.2 minutes in all. It writes
``chapters/data/ch5_study.json``, which chapter 5's section page ``chapters/05_deep_networks.ipynb``
reads: the page quotes this file. Every run is seeded; a run without ``--networks`` trains all 75
again. Options: ``--seeds 0 1 2 3 4``,
``--steps 500``, ``--out PATH``, and ``--networks NAME ...`` to train only the named networks and
merge their runs into the existing file (the other networks' runs are kept; the file's steps,
seeds and library versions must match this run's).

Every network has 12 linear layers (784 inputs, 11 hidden layers of 128 units, 10 outputs), the
chapter's ``deep_mlp`` weights for the seed, and is trained on the chapter's 4,000 MNIST training
images (``actlib.depth.mnist_subsets``) in mini-batches of 100, once with plain gradient descent
(SGD, learning rate 0.1) and once with Adam (learning rate 1e-3), the same learning rate for every
network: not tuned per network. The Xavier sigmoid network is also trained with Adam whose epsilon
is 1e-12 instead of 1e-8. Each run is scored on the 2,000 validation images.
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

from actlib import depth
from actlib.frameworks import import_torch
from actlib.gradients import deep_mlp

OUT = Path(__file__).resolve().parents[1] / "chapters" / "data" / "ch5_study.json"
SHAPE = dict(depth=12, width=128, in_features=784, out_features=10)
#: Each training recipe: (optimizer, learning rate, options for the optimizer).
RECIPES = {"sgd": ("sgd", 0.1, {}), "adam": ("adam", 1e-3, {})}
#: One more recipe for the Xavier sigmoid network only: Adam with a tiny epsilon.
EPS_RECIPE = ("adam, eps 1e-12", ("adam", 1e-3, {"eps": 1e-12}))


def _scaled_sigmoid(factor, seed):
    """The Xavier sigmoid network with the weights of layers 2 to 12 times ``factor``."""
    model = deep_mlp("sigmoid", init="xavier", seed=seed, **SHAPE)
    return depth.scale_weights(model, factor, layers=range(2, 13))


#: The networks compared, by the names the chapter uses, in the chapter's order.
NETWORKS = {
    "sigmoid, Xavier": lambda seed: deep_mlp("sigmoid", init="xavier", seed=seed, **SHAPE),
    "sigmoid, x4": functools.partial(_scaled_sigmoid, 4.0),
    "sigmoid, x8": functools.partial(_scaled_sigmoid, 8.0),
    "sigmoid twin of tanh": lambda seed: depth.sigmoid_twin(
        deep_mlp("tanh", init="xavier", seed=seed, **SHAPE)),
    "sigmoid + BatchNorm": lambda seed: depth.rescued_mlp("sigmoid", seed=seed, batch_norm=True,
                                                          **SHAPE),
    "sigmoid + residual": lambda seed: depth.rescued_mlp("sigmoid", seed=seed, residual=True,
                                                         **SHAPE),
    "tanh, Xavier": lambda seed: deep_mlp("tanh", init="xavier", seed=seed, **SHAPE),
}


def _one_run(name, recipe_name, recipe, seed, steps, data):
    (x_train, y_train), (x_val, y_val) = data
    optimizer, lr, options = recipe
    model = NETWORKS[name](seed)
    before = depth.evaluate(model, x_val, y_val)
    depth.train(model, x_train, y_train, lr=lr, steps=steps, optimizer=optimizer, seed=seed, **options)
    loss, accuracy = depth.evaluate(model, x_val, y_val)
    print(f"{name:22s} {recipe_name:16s} seed {seed}: validation loss {before[0]:.3f} -> {loss:.3f}, "
          f"accuracy {accuracy:.1%}", flush=True)
    return dict(network=name, recipe=recipe_name, optimizer=optimizer, lr=lr, options=options, seed=seed,
                val_loss_before=before[0], val_loss=loss, val_accuracy=accuracy)


def plan(networks):
    """``(network, recipe name, recipe)`` in the file's order: by network, then recipe."""
    steps = [(name, recipe_name, recipe) for name in networks for recipe_name, recipe in RECIPES.items()]
    if "sigmoid, Xavier" in networks:
        steps.append(("sigmoid, Xavier", *EPS_RECIPE))
    return steps


def run(seeds, steps, networks=tuple(NETWORKS)):
    data = depth.mnist_subsets()
    return [_one_run(name, recipe_name, recipe, seed, steps, data)
            for name, recipe_name, recipe in plan(networks) for seed in seeds]


def _order(runs):
    """The runs in plan order (every network, then seed), whichever invocation made them."""
    rank = {(name, recipe_name): i for i, (name, recipe_name, _) in enumerate(plan(list(NETWORKS)))}
    return sorted(runs, key=lambda r: (rank[r["network"], r["recipe"]], r["seed"]))


def merge(stored: dict, about: dict, runs: list[dict], networks) -> dict:
    """``stored``'s runs of the other networks plus ``runs``; refuses a file made differently."""
    old = stored["about"]
    for key in ("steps", "batch_size", "seeds", "torch", "numpy", "machine"):
        if old.get(key) != about[key]:
            raise SystemExit(f"cannot merge into a study made with {key} = {old.get(key)!r}; this run has "
                             f"{about[key]!r}: run every network (no --networks)")
    kept = [r for r in stored["runs"] if r["network"] not in networks]
    first = dict(networks=list(dict.fromkeys(r["network"] for r in stored["runs"])), minutes=old["minutes"])
    parts = old.get("parts", [first])
    parts = [dict(p, networks=[n for n in p["networks"] if n not in networks]) for p in parts]
    parts = [p for p in parts if p["networks"]] + about["parts"]
    merged = dict(old, recipes=about["recipes"], parts=parts,
                  minutes=round(sum(p["minutes"] for p in parts), 1))
    return dict(about=merged, runs=_order(kept + runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--networks", nargs="+", choices=list(NETWORKS), default=None,
                        help="train only these and merge them into the existing --out file")
    args = parser.parse_args()
    networks = list(NETWORKS) if args.networks is None else [n for n in NETWORKS if n in args.networks]
    import_torch()  # one CPU thread: fastest for networks this small, and repeatable
    start = time.time()
    results = run(args.seeds, args.steps, networks)
    minutes = round((time.time() - start) / 60, 1)
    about = dict(script="tests/ch5_study.py", steps=args.steps, batch_size=100, seeds=args.seeds,
                 recipes={**RECIPES, EPS_RECIPE[0]: EPS_RECIPE[1]}, torch=torch.__version__, numpy=np.__version__,
                 machine=platform.machine(), minutes=minutes, parts=[dict(networks=networks, minutes=minutes)])
    if args.networks is None:
        study = dict(about=about, runs=results)
    else:
        if not args.out.exists():
            sys.exit(f"--networks merges into an existing study; {args.out} does not exist")
        study = merge(json.loads(args.out.read_text(encoding="utf-8")), about, results, networks)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(study, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(study['runs'])} runs")


if __name__ == "__main__":
    main()
