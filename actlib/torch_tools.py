"""PyTorch helpers for the chapters that train a classifier on MNIST (the twin of ``keras_tools``).

Importing this module imports PyTorch. It holds the few pieces of training plumbing a
chapter would otherwise repeat; chapter 7 uses them to train the judge that scores the
GAN's digits (:func:`actlib.gan.score_samples`):

* :func:`mnist_classifier` - a small CNN for 28 x 28 digits scaled to [-1, 1];
* :func:`train_classifier` - Adam and cross-entropy over shuffled mini-batches, seeded;
* :func:`predict_proba` - class probabilities, in evaluation mode and in batches;
* :func:`accuracy` - the fraction of correct arg-max predictions;
* :func:`channels_last` - the memory layout both training loops (here and in ``gan``) use.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from ._validation import integer


def channels_last(x: nn.Module | torch.Tensor) -> nn.Module | torch.Tensor:
    """``x`` in the channels-last memory format: a module's 4-D weights in place, a 4-D tensor as a copy.

    The values stay the same; only their order in memory changes, from (N, C, H, W) to
    (N, H, W, C), the order oneDNN's CPU convolutions work fastest in. On one thread it made
    a DCGAN step about 10 % faster and a step of :func:`mnist_classifier` about 30 % faster
    (``make bench``). A convolution in this layout sums in another order, so results agree
    with the default layout to rounding, not to the bit. Tensors of other ranks, and other
    modules' weights, are left as they are.

    Examples:
        >>> x = torch.arange(24.0).reshape(1, 2, 3, 4)
        >>> y = channels_last(x)
        >>> torch.equal(x, y), y.is_contiguous(memory_format=torch.channels_last)
        (True, True)
        >>> channels_last(torch.zeros(3)).shape
        torch.Size([3])
        >>> channels_last("images")
        Traceback (most recent call last):
        ...
        TypeError: channels_last takes an nn.Module or a torch.Tensor; got str
    """
    if isinstance(x, nn.Module):
        return x.to(memory_format=torch.channels_last)
    if isinstance(x, torch.Tensor):
        return x.contiguous(memory_format=torch.channels_last) if x.dim() == 4 else x
    raise TypeError(f"channels_last takes an nn.Module or a torch.Tensor; got {type(x).__name__}")


def mnist_classifier() -> nn.Sequential:
    """A small CNN for 28 x 28 MNIST digits in [-1, 1]: two conv-ReLU-pool stages and a linear layer.

    ``Conv2d(1, 16, 3) -> ReLU -> MaxPool2d(2) -> Conv2d(16, 32, 3) -> ReLU -> MaxPool2d(2)
    -> Linear(32 * 7 * 7, 10)``, with padding 1 so that the pools take 28 -> 14 -> 7:
    20,490 parameters. It returns logits (no softmax); one to three epochs on a CPU give
    about 98-99 % test accuracy.

    Examples:
        >>> model = mnist_classifier()
        >>> sum(p.numel() for p in model.parameters())
        20490
        >>> model(torch.zeros(2, 1, 28, 28)).shape
        torch.Size([2, 10])
    """
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 28 -> 14
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 14 -> 7
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
    )


def train_classifier(model: nn.Module, images: torch.Tensor, labels, *, epochs: int = 2,
                     batch_size: int = 128, lr: float = 2e-3, seed: int = 0,
                     after_epoch: Callable[[int, nn.Module], None] | None = None) -> list[float]:
    """Train ``model`` with Adam and cross-entropy; return the mean loss of each epoch.

    Each epoch visits ``images`` (float tensor (N, ...)) once in an order drawn from a
    ``torch.Generator`` seeded with ``seed``, in mini-batches of ``batch_size``, minimising
    ``cross_entropy(model(x), y) = -log softmax(model(x))[y]``. ``labels`` are class indices
    (N,). The model trains in the channels-last layout (:func:`channels_last`) and is left
    in it, in evaluation mode. ``after_epoch(epoch, model)``, if given, is
    called after each epoch (1, 2, ...): one run of three epochs can keep a copy of the model
    as it was after its first, the same to the bit as a run of one epoch.

    Examples:
        >>> _ = torch.manual_seed(0)
        >>> images = torch.zeros(32, 1, 28, 28)
        >>> labels = torch.arange(32) % 2
        >>> images[labels == 1, :, :14] = 1.0          # class 1: the top half is lit
        >>> model = mnist_classifier()
        >>> losses = train_classifier(model, images, labels, epochs=3, batch_size=8)
        >>> len(losses), losses[-1] < losses[0]
        (3, True)
        >>> train_classifier(model, images, labels, epochs=0)
        Traceback (most recent call last):
        ...
        ValueError: epochs must be a positive int; got 0
    """
    epochs = integer(epochs, "epochs", minimum=1)
    batch_size = integer(batch_size, "batch_size", minimum=1)
    if after_epoch is not None and not callable(after_epoch):
        raise TypeError("after_epoch must be a function of (epoch, model), or None; "
                        f"got {type(after_epoch).__name__}")
    labels = torch.as_tensor(np.asarray(labels), dtype=torch.long)
    if len(labels) != len(images):
        raise ValueError(f"images and labels differ in length: {len(images)} and {len(labels)}")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    rng = torch.Generator().manual_seed(seed)
    losses = []
    channels_last(model)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(images), generator=rng)
        total = 0.0
        for i in range(0, len(images), batch_size):
            batch = order[i:i + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = nn.functional.cross_entropy(model(channels_last(images[batch])), labels[batch])
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(batch)
        losses.append(total / len(images))
        if after_epoch is not None:
            model.eval()
            after_epoch(len(losses), model)
            model.train()
    model.eval()
    return losses


@torch.no_grad()
def predict_proba(model: nn.Module, images: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """Class probabilities ``softmax(model(images))``, shape (N, classes), in batches.

    The model runs in evaluation mode (dropout off, BatchNorm on its running statistics);
    its previous mode is restored afterwards.

    Examples:
        >>> model = nn.Sequential(nn.Flatten(), nn.Linear(4, 3))
        >>> p = predict_proba(model, torch.randn(5, 1, 2, 2), batch_size=2)
        >>> p.shape, bool(torch.allclose(p.sum(dim=1), torch.ones(5)))
        (torch.Size([5, 3]), True)
    """
    batch_size = integer(batch_size, "batch_size", minimum=1)
    was_training = model.training
    model.eval()
    try:
        return torch.cat([torch.softmax(model(images[i:i + batch_size]), dim=1)
                          for i in range(0, len(images), batch_size)])
    finally:
        model.train(was_training)


def accuracy(model: nn.Module, images: torch.Tensor, labels) -> float:
    """Fraction of ``images`` whose arg-max prediction equals ``labels`` (class indices).

    Examples:
        >>> model = nn.Sequential(nn.Flatten(), nn.Linear(2, 2, bias=False))
        >>> with torch.no_grad():
        ...     _ = model[1].weight.copy_(torch.eye(2))   # class = the larger input
        >>> accuracy(model, torch.tensor([[[[3.0, 1.0]]], [[[0.0, 2.0]]]]), [0, 0])
        0.5
    """
    labels = torch.as_tensor(np.asarray(labels), dtype=torch.long)
    if len(labels) != len(images):
        raise ValueError(f"images and labels differ in length: {len(images)} and {len(labels)}")
    return float((predict_proba(model, images).argmax(dim=1) == labels).float().mean())
