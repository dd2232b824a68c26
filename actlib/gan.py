"""PyTorch building blocks of a small DCGAN, and a way to score what it draws.

Chapter 7 takes apart the generator line of article 001,
``nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False)``, ``nn.BatchNorm2d(ngf * 8)``,
``nn.ReLU(True)``, and then trains a small DCGAN (Radford, Metz & Chintala, ICLR 2016) on
MNIST on a CPU. This module holds the pieces:

* :func:`generator_block` - ``ConvTranspose2d -> BatchNorm2d -> ReLU(inplace=True)``;
  a transposed convolution maps an ``H x H`` input to
  ``(H - 1) * stride - 2 * padding + kernel_size + output_padding`` pixels a side
  (:func:`conv_transpose_output_size`);
* :func:`discriminator_block` - ``Conv2d -> [BatchNorm2d] -> LeakyReLU(0.2, inplace=True)``;
  a convolution maps ``H`` to ``floor((H + 2 * padding - kernel_size) / stride) + 1``
  (:func:`conv_output_size`);
* :func:`dcgan_init` - DCGAN's initialisation: convolution weights ~ N(0, 0.02^2) (standard
  deviation 0.02), BatchNorm weights ~ N(1, 0.02^2), BatchNorm biases 0;
* :class:`Generator` and :class:`Discriminator` for 28 x 28 (or 32 x 32, padded with two
  pixels of background, -1) single-channel images, whose hidden activations are parameters;
* :func:`train_gan` - the usual alternating training with the non-saturating generator
  loss, a tqdm progress bar, and a :class:`GanHistory` of losses, of the discriminator's
  verdicts D(x) and D(G(z)), and of sample snapshots;
* :func:`score_samples` - how a digit classifier judges generated images: the share it
  labels with confidence >= 0.9, and how many of the ten digits appear among those
  (:func:`confident_labels` gives each image's label). The classifier itself, and its
  training, are in :mod:`actlib.torch_tools`.

Activations are passed as *factories*: a zero-argument callable that returns a fresh
``nn.Module`` each time it is called, such as the class ``nn.ReLU`` or
``lambda: nn.LeakyReLU(0.2, inplace=True)``. :func:`dcgan_relu` and
:func:`dcgan_leaky_relu` are DCGAN's two choices.
"""

from __future__ import annotations

import math
import numbers
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from . import torch_tools
from ._validation import integer

#: The image sizes :class:`Generator` and :class:`Discriminator` are built for.
IMAGE_SIZES = (28, 32)


# --------------------------------------------------------------------------- checks

def _image_size(value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value not in IMAGE_SIZES:
        raise ValueError(f"image_size must be one of {IMAGE_SIZES} (MNIST's 28 x 28, or padded to 32 x 32); "
                         f"got {value!r:.40}")
    return int(value)


def _module_from_factory(factory, name: str = "activation") -> nn.Module:
    """Call the layer factory ``factory`` (e.g. ``nn.ReLU``) and check that it gave a fresh ``nn.Module``.

    (Not to be confused with :func:`actlib.network`'s activations, which are NumPy functions:
    here an activation is a PyTorch layer, built anew for every block.)
    """
    if isinstance(factory, nn.Module):
        raise TypeError(f"{name} must be an nn.Module class or a factory that returns one (e.g. nn.ReLU or "
                        f"lambda: nn.LeakyReLU(0.2)), not a module instance: got {factory!r}; "
                        f"pass {type(factory).__name__} or a lambda instead")
    if not callable(factory):
        raise TypeError(f"{name} must be an nn.Module class or a factory that returns one (e.g. nn.ReLU or "
                        f"lambda: nn.LeakyReLU(0.2)); got {type(factory).__name__} {factory!r:.40}")
    module = factory()
    if not isinstance(module, nn.Module):
        raise TypeError(f"{name}() must return an nn.Module (e.g. nn.ReLU()); it returned "
                        f"{type(module).__name__} {module!r:.40}")
    return module


# --------------------------------------------------------------------------- sizes

def conv_transpose_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                               output_padding: int = 0, dilation: int = 1) -> int:
    """Side length after ``nn.ConvTranspose2d``.

    ``(size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1``,
    which for ``dilation = 1`` is ``(size - 1) * stride - 2 * padding + kernel_size + output_padding``.

    Examples:
        >>> conv_transpose_output_size(1, 4, 1, 0)     # article 001's seed block: 1 x 1 -> 4 x 4
        4
        >>> conv_transpose_output_size(7, 4, 2, 1)     # kernel 4, stride 2, padding 1 doubles
        14
        >>> conv_transpose_output_size(4, 4, stride=0)
        Traceback (most recent call last):
        ...
        ValueError: stride must be a positive int; got 0
    """
    size, kernel_size = integer(size, "size", minimum=1), integer(kernel_size, "kernel_size", minimum=1)
    stride, dilation = integer(stride, "stride", minimum=1), integer(dilation, "dilation", minimum=1)
    padding = integer(padding, "padding", minimum=0)
    output_padding = integer(output_padding, "output_padding", minimum=0)
    if output_padding >= max(stride, dilation):
        raise ValueError(f"output_padding must be smaller than stride or dilation; got output_padding="
                         f"{output_padding}, stride={stride}, dilation={dilation}")
    out = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out <= 0:
        raise ValueError(f"these settings give a non-positive output size ({out}); reduce padding")
    return out


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Side length after ``nn.Conv2d``.

    ``floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``.

    Examples:
        >>> conv_output_size(28, 4, 2, 1), conv_output_size(7, 3, 2, 1), conv_output_size(4, 4)
        (14, 4, 1)
    """
    size, kernel_size = integer(size, "size", minimum=1), integer(kernel_size, "kernel_size", minimum=1)
    stride, dilation = integer(stride, "stride", minimum=1), integer(dilation, "dilation", minimum=1)
    padding = integer(padding, "padding", minimum=0)
    span = size + 2 * padding - dilation * (kernel_size - 1) - 1
    if span < 0:
        raise ValueError(f"kernel_size {kernel_size} does not fit in size {size} with padding {padding}")
    return span // stride + 1


# --------------------------------------------------------------------------- blocks

def dcgan_relu() -> nn.Module:
    """The generator's activation in DCGAN: ``nn.ReLU(inplace=True)`` (article 001's ``nn.ReLU(True)``)."""
    return nn.ReLU(inplace=True)


def dcgan_leaky_relu() -> nn.Module:
    """The discriminator's activation in DCGAN: ``nn.LeakyReLU(0.2, inplace=True)``.

    Spell both arguments out: ``nn.LeakyReLU(True)`` sets ``negative_slope=True``, i.e. 1.0,
    which is the identity function.
    """
    return nn.LeakyReLU(0.2, inplace=True)


def generator_block(in_channels: int, out_channels: int, kernel_size: int = 4, stride: int = 2,
                    padding: int = 1, *, activation: Callable[[], nn.Module] = dcgan_relu) -> nn.Sequential:
    """``ConvTranspose2d(bias=False) -> BatchNorm2d -> activation``: one upsampling step of the generator.

    With the defaults (4, 2, 1) the side length doubles; article 001's seed block is
    ``generator_block(nz, ngf * 8, 4, 1, 0)``, which turns a 1 x 1 noise "image" into 4 x 4.
    The convolution has no bias: BatchNorm subtracts each channel's batch mean, which removes
    it, and BatchNorm's shift beta plays its role.

    Examples:
        >>> block = generator_block(100, 512, 4, 1, 0)
        >>> [type(m).__name__ for m in block]
        ['ConvTranspose2d', 'BatchNorm2d', 'ReLU']
        >>> block(torch.randn(2, 100, 1, 1)).shape
        torch.Size([2, 512, 4, 4])
        >>> generator_block(100, 512, activation=nn.ReLU())  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: activation must be an nn.Module class or a factory ... got ReLU(); pass ReLU or a lambda instead
    """
    in_channels = integer(in_channels, "in_channels", minimum=1)
    out_channels = integer(out_channels, "out_channels", minimum=1)
    kernel_size, stride = integer(kernel_size, "kernel_size", minimum=1), integer(stride, "stride", minimum=1)
    padding = integer(padding, "padding", minimum=0)
    return nn.Sequential(
        nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
        nn.BatchNorm2d(out_channels),
        _module_from_factory(activation),
    )


def discriminator_block(in_channels: int, out_channels: int, kernel_size: int = 4, stride: int = 2,
                        padding: int = 1, *, batch_norm: bool = True,
                        activation: Callable[[], nn.Module] = dcgan_leaky_relu) -> nn.Sequential:
    """``Conv2d(bias=False) -> [BatchNorm2d] -> activation``: one downsampling step of the discriminator.

    With the defaults (4, 2, 1) the side length halves. DCGAN leaves BatchNorm out of the
    discriminator's first block (``batch_norm=False``); that convolution then keeps its bias.

    Examples:
        >>> block = discriminator_block(1, 16, batch_norm=False)
        >>> block
        Sequential(
          (0): Conv2d(1, 16, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))
          (1): LeakyReLU(negative_slope=0.2, inplace=True)
        )
        >>> block(torch.zeros(2, 1, 28, 28)).shape
        torch.Size([2, 16, 14, 14])
    """
    in_channels = integer(in_channels, "in_channels", minimum=1)
    out_channels = integer(out_channels, "out_channels", minimum=1)
    kernel_size, stride = integer(kernel_size, "kernel_size", minimum=1), integer(stride, "stride", minimum=1)
    padding = integer(padding, "padding", minimum=0)
    if not isinstance(batch_norm, bool):
        raise TypeError(f"batch_norm must be True or False; got {batch_norm!r:.40}")
    layers: list[nn.Module] = [nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding,
                                         bias=not batch_norm)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(out_channels))
    layers.append(_module_from_factory(activation))
    return nn.Sequential(*layers)


@torch.no_grad()
def dcgan_init(module: nn.Module) -> None:
    """DCGAN's initialisation, for ``model.apply(dcgan_init)``.

    Convolution and transposed-convolution weights ~ N(0, 0.02^2), that is with standard
    deviation 0.02 (biases 0); BatchNorm weights (the scale gamma) ~ N(1, 0.02^2), biases (the
    shift beta) 0.
    """
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


# --------------------------------------------------------------------------- networks

class Generator(nn.Module):
    """Noise ``z`` of shape (N, nz) or (N, nz, 1, 1) -> images (N, channels, S, S) in [-1, 1].

    For ``image_size=28`` the side lengths go 1 -> 4 -> 7 -> 14 -> 28; for 32 they go
    1 -> 4 -> 8 -> 16 -> 32. The first block is article 001's seed block (kernel 4,
    stride 1, padding 0) with ``ngf * 4`` channels (the 64 x 64 generator of PyTorch's DCGAN
    tutorial, whose first block is the article's three lines, has one more block, hence its
    ``ngf * 8``).
    ``activation`` is used after every hidden block, ``output_activation`` (tanh, to match
    images scaled to [-1, 1]) after the last layer.
    """

    def __init__(self, nz: int = 64, ngf: int = 32, *, image_size: int = 28, channels: int = 1,
                 activation: Callable[[], nn.Module] = dcgan_relu,
                 output_activation: Callable[[], nn.Module] = nn.Tanh):
        super().__init__()
        self.nz = integer(nz, "nz", minimum=1)
        ngf = integer(ngf, "ngf", minimum=1)
        self.image_size = _image_size(image_size)
        self.channels = integer(channels, "channels", minimum=1)
        third = (3, 2, 1) if self.image_size == 28 else (4, 2, 1)  # 4 -> 7 for 28, 4 -> 8 for 32
        self.net = nn.Sequential(
            generator_block(self.nz, ngf * 4, 4, 1, 0, activation=activation),   # 1 -> 4
            generator_block(ngf * 4, ngf * 2, *third, activation=activation),    # 4 -> 7 or 8
            generator_block(ngf * 2, ngf, 4, 2, 1, activation=activation),       # -> 14 or 16
            nn.ConvTranspose2d(ngf, self.channels, 4, 2, 1, bias=False),          # -> 28 or 32
            _module_from_factory(output_activation, "output_activation"),
        )
        self.apply(dcgan_init)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.dim() == 2:
            z = z[:, :, None, None]
        if z.dim() != 4 or z.shape[1:] != (self.nz, 1, 1):
            raise ValueError(f"noise must have shape (N, {self.nz}) or (N, {self.nz}, 1, 1); got {tuple(z.shape)}")
        return self.net(z)

    def noise(self, n: int, *, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` standard-normal noise vectors of shape (n, nz)."""
        return torch.randn(integer(n, "n", minimum=1), self.nz, generator=generator)


class Discriminator(nn.Module):
    """Images (N, channels, S, S) -> one logit per image, shape (N,): > 0 means "real".

    For ``image_size=28`` the side lengths go 28 -> 14 -> 7 -> 4 -> 1; for 32,
    32 -> 16 -> 8 -> 4 -> 1. No BatchNorm in the first block (as in DCGAN). The network
    returns a logit rather than a probability; :func:`train_gan` applies the sigmoid inside
    ``BCEWithLogitsLoss``, which is the numerically safe way to write ``Sigmoid`` + ``BCELoss``.
    """

    def __init__(self, ndf: int = 32, *, image_size: int = 28, channels: int = 1,
                 activation: Callable[[], nn.Module] = dcgan_leaky_relu):
        super().__init__()
        ndf = integer(ndf, "ndf", minimum=1)
        self.image_size = _image_size(image_size)
        self.channels = integer(channels, "channels", minimum=1)
        third = (3, 2, 1) if self.image_size == 28 else (4, 2, 1)  # 7 -> 4 for 28, 8 -> 4 for 32
        self.net = nn.Sequential(
            discriminator_block(self.channels, ndf, batch_norm=False, activation=activation),
            discriminator_block(ndf, ndf * 2, activation=activation),
            discriminator_block(ndf * 2, ndf * 4, *third, activation=activation),
            nn.Conv2d(ndf * 4, 1, 4, 1, 0, bias=False),
        )
        self.apply(dcgan_init)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        expected = (self.channels, self.image_size, self.image_size)
        if images.dim() != 4 or tuple(images.shape[1:]) != expected:
            raise ValueError(f"images must have shape (N, {', '.join(map(str, expected))}); "
                             f"got {tuple(images.shape)}")
        return self.net(images).flatten()


# --------------------------------------------------------------------------- data

def to_gan_images(images, image_size: int = 28) -> torch.Tensor:
    """uint8 images (N, 28, 28) in [0, 255] -> float32 tensor (N, 1, S, S) in [-1, 1].

    ``image_size=32`` pads two pixels of background (-1) on each side.
    """
    image_size = _image_size(image_size)
    array = np.asarray(images)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[1:] != (28, 28):
        raise ValueError(f"images must be uint8 of shape (N, 28, 28), as load_mnist() returns; "
                         f"got {array.dtype} {array.shape}")
    x = torch.from_numpy(array.astype(np.float32) / 127.5 - 1.0)[:, None]
    if image_size == 32:
        x = nn.functional.pad(x, (2, 2, 2, 2), value=-1.0)
    return x


# --------------------------------------------------------------------------- training

_bce = nn.BCEWithLogitsLoss()


def _discriminator_loss_and_logits(discriminator, real, fake, real_label):
    real_logits, fake_logits = discriminator(real), discriminator(fake)
    loss = (_bce(real_logits, torch.full_like(real_logits, real_label))
            + _bce(fake_logits, torch.zeros_like(fake_logits)))
    return loss, real_logits, fake_logits


def _mean_probability(logits: torch.Tensor) -> float:
    """The batch mean of ``D = sigmoid(logit)``, the discriminator's probability that an image is real."""
    return float(torch.sigmoid(logits.detach()).mean())


def discriminator_loss(discriminator: nn.Module, real: torch.Tensor, fake: torch.Tensor, *,
                       real_label: float = 1.0) -> torch.Tensor:
    """``BCE(D(real), real_label) + BCE(D(fake), 0)``, as in the PyTorch DCGAN example.

    With ``D = sigmoid(logit)`` and target ``t``, ``BCE = -t log D - (1 - t) log(1 - D)``,
    averaged over the batch. ``real_label = 0.9`` is *one-sided label smoothing*
    (Salimans et al., 2016): the discriminator is never pushed to be certain that a real
    image is real: the best logit on a real image is ``log 9`` rather than ``+inf``.

    Examples:
        >>> class Unsure(nn.Module):        # says D = 1/2 (logit 0) for every image
        ...     def forward(self, images):
        ...         return torch.zeros(len(images))
        >>> images = torch.zeros(4, 1, 28, 28)
        >>> round(float(discriminator_loss(Unsure(), images, images)), 4)  # 2 log 2
        1.3863
    """
    return _discriminator_loss_and_logits(discriminator, real, fake, real_label)[0]


def generator_loss(discriminator: nn.Module, fake: torch.Tensor) -> torch.Tensor:
    """The non-saturating generator loss ``BCE(D(G(z)), 1) = -log D(G(z))``, averaged over the batch.

    Goodfellow et al. (2014) train the generator to maximise ``log D(G(z))`` rather than to
    minimise ``log(1 - D(G(z)))``: with ``D = sigmoid(u)``, the derivative of this loss,
    ``-log D``, with respect to the logit ``u`` is ``-(1 - D)``, and that of ``log(1 - D)`` is
    ``-D``, which vanishes when the discriminator confidently rejects the fakes (D near 0).
    """
    logits = discriminator(fake)
    return _bce(logits, torch.ones_like(logits))


def _discriminator_update(discriminator, optimizer, real, fake, real_label) -> tuple[float, float, float]:
    """One step of the discriminator; ``(loss, mean D(real), mean D(fake))`` before the step."""
    optimizer.zero_grad(set_to_none=True)
    loss, real_logits, fake_logits = _discriminator_loss_and_logits(discriminator, real, fake.detach(),
                                                                    real_label)
    loss.backward()
    optimizer.step()
    return float(loss.detach()), _mean_probability(real_logits), _mean_probability(fake_logits)


def _generator_update(discriminator, optimizer, fake) -> tuple[float, float]:
    """One step of the generator; ``(loss, mean D(fake))`` before the step.

    The loss flows back through the discriminator to the generator, but the discriminator's
    own parameters are held fixed meanwhile (``requires_grad`` off): their gradients, which
    this step would only throw away, are not computed. The generator's gradient is the same
    to the bit.
    """
    if not fake.requires_grad:
        raise ValueError("fake must come straight from generator(z), not detached or made under torch.no_grad(): "
                         "the generator learns through it")
    optimizer.zero_grad(set_to_none=True)
    held = [p for p in discriminator.parameters() if p.requires_grad]
    for p in held:
        p.requires_grad_(False)
    try:
        logits = discriminator(fake)
        loss = _bce(logits, torch.ones_like(logits))   # generator_loss, keeping the logits
        loss.backward()
    finally:
        for p in held:
            p.requires_grad_(True)
    optimizer.step()
    return float(loss.detach()), _mean_probability(logits)


def discriminator_step(discriminator: nn.Module, optimizer: torch.optim.Optimizer, real: torch.Tensor,
                       fake: torch.Tensor, *, real_label: float = 1.0) -> float:
    """One optimiser step of the discriminator on a batch of real and (detached) fake images; returns its loss.

    The loss is :func:`discriminator_loss`, computed before the step.
    """
    return _discriminator_update(discriminator, optimizer, real, fake, real_label)[0]


def generator_step(discriminator: nn.Module, optimizer: torch.optim.Optimizer, fake: torch.Tensor) -> float:
    """One optimiser step of the generator on ``fake = generator(z)`` (still attached to the generator's graph).

    Returns the loss :func:`generator_loss` before the step. It flows back through the
    discriminator, whose parameters stay as they are and get no gradient from this step.
    """
    return _generator_update(discriminator, optimizer, fake)[0]


def adam(model: nn.Module, lr: float = 2e-4, betas: tuple[float, float] = (0.5, 0.999)) -> torch.optim.Adam:
    """DCGAN's optimiser: Adam with learning rate 2e-4 and beta1 = 0.5."""
    return torch.optim.Adam(model.parameters(), lr=lr, betas=betas)


@dataclass
class GanHistory:
    """What :func:`train_gan` recorded, one entry per step, and sample snapshots.

    The discriminator's verdict on an image is ``D = sigmoid(logit)``, its probability that
    the image is real; each list holds the batch mean of one verdict, as the step computed
    it (before that step's update): ``d_real`` is D(x) on the real batch and ``d_fake`` is
    D(G(z)) on the fakes, both in the discriminator's update; ``d_fake_g`` is D(G(z)) on the
    same fakes in the generator's update, judged by the just-updated discriminator, the
    verdict whose gradient the generator follows.

    Examples:
        >>> h = GanHistory(d_loss=[1.4, 1.2], g_loss=[0.7, 0.9])
        >>> h.steps
        2
    """

    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)
    d_fake: list[float] = field(default_factory=list)
    d_fake_g: list[float] = field(default_factory=list)
    #: step -> generated images (n, channels, S, S) for the fixed snapshot noise, after that many steps
    snapshots: dict[int, torch.Tensor] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def steps(self) -> int:
        return len(self.d_loss)


@torch.no_grad()
def sample(generator: Generator, z: torch.Tensor) -> torch.Tensor:
    """Images the generator draws for noise ``z``, in evaluation mode (BatchNorm uses running statistics).

    The generator's previous mode (training or evaluation) is restored afterwards.
    """
    was_training = generator.training
    generator.eval()
    try:
        return generator(z)
    finally:
        generator.train(was_training)


def train_gan(generator: Generator, discriminator: Discriminator, images: torch.Tensor, *, steps: int,
              batch_size: int = 64, lr: float = 2e-4, betas: tuple[float, float] = (0.5, 0.999),
              real_label: float = 1.0, seed: int = 0, snapshot_steps: Iterable[int] = (),
              snapshot_noise: torch.Tensor | None = None,
              progress: bool = True, mininterval: float = 5.0, history: GanHistory | None = None,
              optimizers: tuple[torch.optim.Optimizer, torch.optim.Optimizer] | None = None) -> GanHistory:
    """Train a GAN for ``steps`` steps; returns a :class:`GanHistory`.

    Each step draws a random batch of ``images`` (float tensor (N, C, S, S) in [-1, 1]),
    updates the discriminator on it and on as many fresh fakes (:func:`discriminator_step`),
    then updates the generator with the non-saturating loss on those same fakes, judged by
    the just-updated discriminator (:func:`generator_step`). Both use Adam
    (``lr``, ``betas``; DCGAN's 2e-4 and (0.5, 0.999) by default). ``real_label`` below 1
    (e.g. 0.9) smooths the discriminator's target for real images (see
    :func:`discriminator_loss`). Batches and noise come from a ``torch.Generator`` seeded
    with ``seed``.

    Every step appends its two losses and the discriminator's mean verdicts D(x) and
    D(G(z)) (see :class:`GanHistory`; they come from the logits the step computes anyway).
    ``snapshot_steps`` (e.g. ``(0, 100, 1000)``) records ``sample(generator, snapshot_noise)``
    after that many steps (0 = before training). ``progress`` shows a tqdm bar on stderr,
    refreshed at most every ``mininterval`` seconds. To continue a run, pass the previous
    ``history`` and ``optimizers`` (as ``(opt_g, opt_d)``); step numbers then carry on. Both
    networks train in the channels-last layout (:func:`actlib.torch_tools.channels_last`) and
    are left in it.

    Examples:
        >>> _ = torch.manual_seed(0)
        >>> g, d = Generator(nz=8, ngf=4), Discriminator(ndf=4)
        >>> images = torch.rand(32, 1, 28, 28) * 2 - 1
        >>> h = train_gan(g, d, images, steps=3, batch_size=8, progress=False)
        >>> h.steps, len(h.g_loss), len(h.d_real), len(h.d_fake), len(h.d_fake_g)
        (3, 3, 3, 3, 3)
        >>> all(0 < p < 1 for p in h.d_real + h.d_fake + h.d_fake_g)
        True
        >>> train_gan(g, d, images, steps=1, batch_size=64)
        Traceback (most recent call last):
        ...
        ValueError: batch_size (64) is larger than the number of images (32)
    """
    steps = integer(steps, "steps", minimum=0)
    batch_size = integer(batch_size, "batch_size", minimum=1)
    if isinstance(real_label, bool) or not isinstance(real_label, numbers.Real) or not 0.5 < real_label <= 1:
        raise ValueError(f"real_label must be a number in (0.5, 1] (1 = no smoothing, 0.9 = one-sided "
                         f"label smoothing); got {real_label!r:.40}")
    if not isinstance(generator, nn.Module) or not isinstance(discriminator, nn.Module):
        raise TypeError("generator and discriminator must be nn.Module instances, e.g. Generator() and "
                        f"Discriminator(); got {type(generator).__name__} and {type(discriminator).__name__}")
    if not isinstance(images, torch.Tensor) or images.dim() != 4 or not images.is_floating_point():
        raise TypeError("images must be a float tensor of shape (N, C, S, S) in [-1, 1], e.g. "
                        f"to_gan_images(x_train); got {type(images).__name__} "
                        f"{tuple(getattr(images, 'shape', ()))}")
    if len(images) < batch_size:
        raise ValueError(f"batch_size ({batch_size}) is larger than the number of images ({len(images)})")
    snapshot_steps = sorted({integer(s, "each snapshot step", minimum=0) for s in snapshot_steps})
    nz = generator.nz
    if snapshot_steps and snapshot_noise is None:
        raise ValueError("snapshot_steps needs snapshot_noise, e.g. torch.randn(64, generator.nz)")
    history = GanHistory() if history is None else history
    opt_g, opt_d = optimizers if optimizers is not None else (adam(generator, lr, betas),
                                                              adam(discriminator, lr, betas))
    rng = torch.Generator().manual_seed(seed)
    first = history.steps

    def snapshot(step):
        if step in snapshot_steps:
            history.snapshots[step] = sample(generator, snapshot_noise)

    torch_tools.channels_last(generator)
    torch_tools.channels_last(discriminator)
    generator.train()
    discriminator.train()
    snapshot(first)
    start = time.perf_counter()
    bar = tqdm(range(first, first + steps), desc="GAN training", unit="step", file=sys.stderr,
               mininterval=mininterval, disable=not progress)
    for step in bar:
        real = torch_tools.channels_last(images[torch.randint(len(images), (batch_size,), generator=rng)])
        z = torch.randn(batch_size, nz, generator=rng)
        fake = generator(z)  # one forward pass serves both updates, as in PyTorch's DCGAN example
        d_loss, d_real, d_fake = _discriminator_update(discriminator, opt_d, real, fake, real_label)
        g_loss, d_fake_g = _generator_update(discriminator, opt_g, fake)
        history.d_loss.append(d_loss)
        history.d_real.append(d_real)
        history.d_fake.append(d_fake)
        history.g_loss.append(g_loss)
        history.d_fake_g.append(d_fake_g)
        if progress and (step + 1) % 50 == 0:
            bar.set_postfix(d_loss=f"{history.d_loss[-1]:.2f}", g_loss=f"{g_loss:.2f}", refresh=False)
        snapshot(step + 1)
    bar.close()
    history.seconds += time.perf_counter() - start
    return history


# --------------------------------------------------------------------------- scoring

@dataclass(frozen=True)
class SampleScore:
    """How an MNIST classifier judges a set of images (see :func:`score_samples`)."""

    n: int
    threshold: float
    confident_share: float
    #: per digit 0-9, how many images were labelled with that digit with confidence >= threshold
    confident_counts: tuple[int, ...]

    @property
    def digits_covered(self) -> int:
        """How many of the ten digits appear among the confidently labelled images."""
        return sum(c > 0 for c in self.confident_counts)

    def __str__(self) -> str:
        return (f"{self.confident_share:.1%} of {self.n} labelled with confidence >= {self.threshold:g}, "
                f"{self.digits_covered}/10 digits present")


def _check_threshold(threshold) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 < threshold <= 1 \
            or math.isnan(threshold):
        raise ValueError(f"threshold must be a probability in (0, 1]; got {threshold!r:.40}")
    return float(threshold)


def confident_labels(classifier: nn.Module, images: torch.Tensor, *, threshold: float = 0.9) -> torch.Tensor:
    """The classifier's label of each image where its top probability is at least ``threshold``, else -1.

    ``images`` are (N, 1, 28, 28), or (N, 1, 32, 32), which are cropped to their central 28 x 28.
    :func:`score_samples` counts these labels.

    Examples:
        >>> class Says(nn.Module):          # a "classifier" with fixed logits, one row per image
        ...     def forward(self, images):
        ...         logits = torch.zeros(len(images), 10)
        ...         logits[0, 3] = logits[1, 7] = 10.0   # sure of the first two, unsure of the rest
        ...         return logits
        >>> confident_labels(Says(), torch.zeros(3, 1, 32, 32)).tolist()
        [3, 7, -1]
    """
    threshold = _check_threshold(threshold)
    if not isinstance(images, torch.Tensor) or images.dim() != 4 or images.shape[1] != 1 \
            or images.shape[2:] not in ((28, 28), (32, 32)):
        raise ValueError("images must be a float tensor of shape (N, 1, 28, 28) or (N, 1, 32, 32); "
                         f"got {type(images).__name__} {tuple(getattr(images, 'shape', ()))}")
    if images.shape[-1] == 32:
        images = images[:, :, 2:30, 2:30]
    top, label = torch_tools.predict_proba(classifier, images).max(dim=1)
    return torch.where(top >= threshold, label, -1)


def score_samples(classifier: nn.Module, images: torch.Tensor, *, threshold: float = 0.9) -> SampleScore:
    """Score images with an MNIST classifier.

    ``confident_share`` is the share of images whose top class probability is at least
    ``threshold``: a rough "looks like a clear digit" rate. ``confident_counts[d]`` counts
    the confident ones labelled ``d``; ``digits_covered`` says how many digits appear at all,
    which catches a generator that draws only a few kinds of digit (mode collapse).
    32 x 32 images are cropped to their central 28 x 28.

    Examples:
        >>> class Says(nn.Module):          # a "classifier" with fixed logits, one row per image
        ...     def forward(self, images):
        ...         logits = torch.full((len(images), 10), -10.0)
        ...         logits[:3, 7] = 10.0    # the first three images: surely a 7
        ...         return logits
        >>> score = score_samples(Says(), torch.zeros(4, 1, 28, 28))
        >>> print(score)
        75.0% of 4 labelled with confidence >= 0.9, 1/10 digits present
        >>> score.confident_counts[7]
        3
    """
    labels = confident_labels(classifier, images, threshold=threshold)
    confident = labels >= 0
    counts = torch.bincount(labels[confident], minlength=10)
    return SampleScore(n=len(images), threshold=float(threshold),
                       confident_share=int(confident.sum()) / len(images),
                       confident_counts=tuple(int(c) for c in counts))
