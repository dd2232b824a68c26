"""Chapter 5's rescue study: short training runs of deep sigmoid networks, too slow for the notebook.

Run: ``.venv/bin/python -m tests.ch5_study`` (about 5 minutes on one idle core). It writes
``chapters/data/ch5_study.json``, which chapter 5 reads: the chapter quotes one run of this
script. Options: ``--seeds 0 1 2 3 4``, ``--steps 500``, ``--out PATH``.

Every network has 12 linear layers (784 inputs, 11 hidden layers of 128 units, 10 outputs), the
chapter's ``deep_mlp`` weights for the seed, and is trained on the chapter's 4,000 MNIST training
images (``actlib.depth.mnist_subsets``) in mini-batches of 100, once with plain gradient descent
(SGD, learning rate 0.1) and once with Adam (learning rate 1e-3), the same learning rate for every
network: not tuned per network. The Xavier sigmoid network is also trained with Adam whose epsilon
is 1e-12 instead of 1e-8. Each run is scored on the 2,000 validation images.
"""

from __future__ import annotations

import argparse
import json
import platform
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


def _sigmoid_x4(seed):
    model = deep_mlp("sigmoid", init="xavier", seed=seed, **SHAPE)
    return depth.scale_weights(model, 4.0, layers=range(2, 13))


#: The networks compared, by the names the chapter uses.
NETWORKS = {
    "sigmoid, Xavier": lambda seed: deep_mlp("sigmoid", init="xavier", seed=seed, **SHAPE),
    "sigmoid, x4": _sigmoid_x4,
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


def run(seeds, steps):
    data = depth.mnist_subsets()
    plan = [(name, recipe_name, recipe) for name in NETWORKS for recipe_name, recipe in RECIPES.items()]
    plan.append(("sigmoid, Xavier", *EPS_RECIPE))
    return [_one_run(name, recipe_name, recipe, seed, steps, data)
            for name, recipe_name, recipe in plan for seed in seeds]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    import_torch()  # one CPU thread: fastest for networks this small, and repeatable
    start = time.time()
    results = run(args.seeds, args.steps)
    about = dict(script="tests/ch5_study.py", steps=args.steps, batch_size=100, seeds=args.seeds,
                 recipes={**RECIPES, EPS_RECIPE[0]: EPS_RECIPE[1]}, torch=torch.__version__, numpy=np.__version__,
                 machine=platform.machine(), minutes=round((time.time() - start) / 60, 1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(dict(about=about, runs=results), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
