"""Chapter 7's ReLU-vs-LeakyReLU experiment, longer and over more seeds than the notebook can afford.

Run: ``.venv/bin/python -m tests.gan_study`` (about 10 minutes on 2 cores). Options:
``--seeds 0 1 2 3`` and ``--steps 600 1500`` (the step counts at which each run is scored).

Each run uses the chapter's recipe: ``Generator(64, 32)``, ``Discriminator(16)`` with the
activation under test, Adam with learning rate 2e-3, ``real_label=0.9``, batches of 64, and
the chapter's judge (``mnist_classifier`` trained for three passes, about 98.7 % test accuracy),
scoring 1,000 samples of the same noise. The chapter's closing note quotes this table.
"""

from __future__ import annotations

import argparse

import numpy as np

from actlib import gan, torch_tools
from actlib.datasets import load_mnist
from actlib.frameworks import import_torch

ARMS = {"LeakyReLU(0.2)": gan.dcgan_leaky_relu, "ReLU": gan.dcgan_relu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--steps", type=int, nargs="+", default=[600, 1500])
    parser.add_argument("--threads", type=int, default=2,
                        help="PyTorch CPU threads (the table the chapter quotes was made with 2)")
    args = parser.parse_args()
    torch = import_torch(threads=args.threads)

    (x_train, y_train), _ = load_mnist()
    real = gan.to_gan_images(x_train)
    torch.manual_seed(0)
    judge = torch_tools.mnist_classifier()
    torch_tools.train_classifier(judge, real, y_train, epochs=3, batch_size=64, lr=2e-3)
    noise = torch.randn(1000, 64, generator=torch.Generator().manual_seed(2))

    shares = {}  # (arm, steps) -> list of confident shares, one per seed
    for arm, activation in ARMS.items():
        for seed in args.seeds:
            torch.manual_seed(seed)
            g, d = gan.Generator(64, 32), gan.Discriminator(16, activation=activation)
            optimizers = (gan.adam(g, 2e-3), gan.adam(d, 2e-3))
            history = None
            for chunk, target in enumerate(sorted(args.steps)):
                history = gan.train_gan(g, d, real, steps=target - (history.steps if history else 0),
                                        batch_size=64, lr=2e-3, real_label=0.9, seed=seed * 10 + chunk,
                                        progress=False, history=history, optimizers=optimizers)
                score = gan.score_samples(judge, gan.sample(g, noise))
                shares.setdefault((arm, target), []).append(score.confident_share)
                print(f"{arm:15s} seed {seed} after {target:5d} steps: {score}", flush=True)

    print(f"\n{'discriminator':15s} {'steps':>6s}  {'mean':>5s}  {'std':>5s}  {'min':>5s}  {'max':>5s}  per seed")
    for (arm, steps), values in shares.items():
        std = np.std(values, ddof=1) if len(values) > 1 else float("nan")
        print(f"{arm:15s} {steps:6d}  {np.mean(values):5.1%}  {std:5.1%}  {min(values):5.1%}  "
              f"{max(values):5.1%}  " + " ".join(f"{v:.1%}" for v in values))


if __name__ == "__main__":
    main()
