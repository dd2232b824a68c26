"""Chapter 7's ReLU-vs-LeakyReLU experiment, longer and over more seeds than the notebook can afford.

Run: ``.venv/bin/python -m tests.gan_study`` (about 10 minutes on one idle core; the file
records the run's own time as ``about.minutes``, which the chapter quotes). It writes
``chapters/data/gan_study.json``, which chapter 7 reads: the chapter quotes one run of this
script. Options: ``--seeds 0 1 2 3``, ``--steps 600 1500`` (the step counts at which each run is
scored), ``--out PATH``. The chapter's text, and its study figure's caption and alt text (which
glue cannot reach), describe seeds 0 to 3 at 600 and 1,500 steps, and a hidden cell asserts
that the file holds exactly those: after a run with other options, reword the chapter.

Each run uses the chapter's recipe: ``Generator(64, 32)``, ``Discriminator(16)`` with the
activation under test, Adam with learning rate 2e-3, ``real_label=0.9``, batches of 64, one CPU
thread, and the chapter's judge (``mnist_classifier`` trained for three passes), scoring 1,000
samples of the same noise. A run with seed ``s`` starts from the weights ``torch.manual_seed(s)``
gives, as the chapter's runs do, and draws the batches and noise of its stretch ``k`` of steps
(``k = 0`` up to the first step count, 1 up to the second) from seed ``10 * s + k``. So the
seed-0 runs draw the same batches and noise as the chapter's runs with seed 0, while seeds 1
and 2 share only their initial weights with the chapter's runs of those seeds.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

from actlib import gan, torch_tools
from actlib.datasets import load_mnist
from actlib.frameworks import import_torch

OUT = Path(__file__).resolve().parents[1] / "chapters" / "data" / "gan_study.json"
ARMS = {"LeakyReLU(0.2)": gan.dcgan_leaky_relu, "ReLU": gan.dcgan_relu}
RECIPE = dict(nz=64, ngf=32, ndf=16, lr=2e-3, real_label=0.9, batch_size=64, judge_epochs=3,
              judge_threshold=0.9, samples=1000)


def run(seeds, steps, judge, noise, real) -> list[dict]:
    """One record per arm, seed and step count at which the run is scored."""
    torch = import_torch()
    records = []
    for arm, activation in ARMS.items():
        for seed in seeds:
            torch.manual_seed(seed)
            g = gan.Generator(RECIPE["nz"], RECIPE["ngf"])
            d = gan.Discriminator(RECIPE["ndf"], activation=activation)
            optimizers = (gan.adam(g, RECIPE["lr"]), gan.adam(d, RECIPE["lr"]))
            history = None
            for chunk, target in enumerate(sorted(steps)):
                history = gan.train_gan(g, d, real, steps=target - (history.steps if history else 0),
                                        batch_size=RECIPE["batch_size"], lr=RECIPE["lr"],
                                        real_label=RECIPE["real_label"], seed=seed * 10 + chunk,
                                        progress=False, history=history, optimizers=optimizers)
                score = gan.score_samples(judge, gan.sample(g, noise), threshold=RECIPE["judge_threshold"])
                records.append(dict(arm=arm, seed=seed, steps=target, confident_share=score.confident_share,
                                    digits_covered=score.digits_covered))
                print(f"{arm:15s} seed {seed} after {target:5d} steps: {score}", flush=True)
    return records


def print_table(records) -> None:
    print(f"\n{'discriminator':15s} {'steps':>6s}  {'mean':>5s}  {'std':>5s}  {'min':>5s}  {'max':>5s}  per seed")
    for arm in ARMS:
        for steps in sorted({r["steps"] for r in records}):
            values = [r["confident_share"] for r in records if r["arm"] == arm and r["steps"] == steps]
            std = np.std(values, ddof=1) if len(values) > 1 else float("nan")
            print(f"{arm:15s} {steps:6d}  {np.mean(values):5.1%}  {std:5.1%}  {min(values):5.1%}  "
                  f"{max(values):5.1%}  " + " ".join(f"{v:.1%}" for v in values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--steps", type=int, nargs="+", default=[600, 1500])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    torch = import_torch()  # one CPU thread, as in the chapter
    start = time.time()
    (x_train, y_train), _ = load_mnist()
    real = gan.to_gan_images(x_train)
    torch.manual_seed(0)
    judge = torch_tools.mnist_classifier()
    torch_tools.train_classifier(judge, real, y_train, epochs=RECIPE["judge_epochs"], batch_size=64, lr=2e-3)
    noise = torch.randn(RECIPE["samples"], RECIPE["nz"], generator=torch.Generator().manual_seed(2))
    records = run(args.seeds, args.steps, judge, noise, real)
    print_table(records)
    about = dict(script="tests/gan_study.py", seeds=args.seeds, steps=sorted(args.steps), arms=list(ARMS),
                 recipe=RECIPE, threads=torch.get_num_threads(), torch=torch.__version__,
                 machine=platform.machine(), minutes=round((time.time() - start) / 60, 1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(dict(about=about, runs=records), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
