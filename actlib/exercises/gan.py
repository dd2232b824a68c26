"""Self-checks for chapter 7, the PyTorch GAN building blocks.

PyTorch is imported inside each check, so that ``import actlib`` stays light for
the chapters that do not use it.
"""

import numpy as np

from ._core import IncorrectAnswer, answer_float, answer_floats, answer_tuple, call_answer, exercise, expect_close

# --- gan-upsampling-plan ---------------------------------------------------------------

_PLAN_SIZES = (2, 7, 20, 28, 33, 64, 100)
_PLAN_MAX_LAYERS = 6
_PLAN_MAX_KERNEL = 4


def _plan_layers(plan, size):
    """The reader's plan as a list of four ints per layer, or IncorrectAnswer saying what is wrong."""
    what = f"upsampling_plan({size})"
    if isinstance(plan, (str, bytes)) or not isinstance(plan, (list, tuple)) or len(plan) == 0:
        raise IncorrectAnswer(f"{what} should return a non-empty list of (kernel_size, stride, padding, "
                              f"output_padding) tuples; got {type(plan).__name__}")
    layers = []
    for i, layer in enumerate(plan, start=1):
        values = answer_floats(layer, f"{what}, layer {i}")
        if values.shape != (4,) or not np.all(values == np.round(values)):
            raise IncorrectAnswer(f"{what}, layer {i}: expected four integers (kernel_size, stride, padding, "
                                  f"output_padding); got {layer!r:.60}")
        layers.append(tuple(int(v) for v in values))
    return layers


def _plan_rule_broken(layer, i, size):
    kernel, stride, padding, output_padding = layer
    where = f"upsampling_plan({size}), layer {i} {layer}"
    if stride not in (1, 2):
        return f"{where}: the stride must be 1 or 2"
    if not 1 <= kernel <= _PLAN_MAX_KERNEL:
        return f"{where}: kernel_size must be 1 to {_PLAN_MAX_KERNEL}"
    if padding < 0 or not 0 <= output_padding < stride:
        return f"{where}: padding must be >= 0 and output_padding between 0 and stride - 1 (PyTorch's rule)"
    return None


@exercise("gan-upsampling-plan", chapter="gan", title="Plan a generator for another image size",
          difficulty="medium")
def _upsampling_plan(answer):
    from torch import nn, no_grad, zeros

    for size in _PLAN_SIZES:
        layers = _plan_layers(call_answer(answer, size, what=f"upsampling_plan({size})"), size)
        if len(layers) > _PLAN_MAX_LAYERS:
            raise IncorrectAnswer(f"upsampling_plan({size}) has {len(layers)} layers; the rules allow at most "
                                  f"{_PLAN_MAX_LAYERS}. Let each stride-2 layer roughly double the side.")
        sides, x = [1], zeros(1, 1, 1, 1)
        for i, layer in enumerate(layers, start=1):
            broken = _plan_rule_broken(layer, i, size)
            if broken:
                raise IncorrectAnswer(broken)
            kernel, stride, padding, output_padding = layer
            if (sides[-1] - 1) * stride - 2 * padding + kernel + output_padding < 1:
                raise IncorrectAnswer(f"upsampling_plan({size}), layer {i} {layer}: on a {sides[-1]} x "
                                      f"{sides[-1]} input it gives no pixels at all; reduce the padding")
            with no_grad():
                x = nn.ConvTranspose2d(1, 1, kernel, stride, padding, output_padding=output_padding)(x)
            sides.append(int(x.shape[-1]))
        if sides[-1] != size:
            chain = " -> ".join(str(s) for s in sides)
            raise IncorrectAnswer(f"upsampling_plan({size}) takes 1 x 1 through {chain}, not to {size}. Work "
                                  "backwards from the target: which input sides can one stride-2 layer turn "
                                  f"into {size}?")
    return ("every plan reaches its size. Working backwards, a stride-2 layer with padding 1 makes 2H - 1 "
            "(kernel 3), 2H (kernel 4) or 2H + 1 (kernel 4, output_padding 1) out of H.")


# --- gan-seed-params -----------------------------------------------------------------


def _seed_block_parameter_count(nz, ngf):
    from ..gan import generator_block

    return sum(p.numel() for p in generator_block(nz, ngf * 8, 4, 1, 0).parameters())


@exercise("gan-seed-params", chapter="gan", title="Count the parameters of the article's block",
          difficulty="medium")
def _seed_params(answer):
    for nz, ngf in [(100, 64), (64, 32), (1, 1), (7, 3)]:
        what = f"seed_block_parameters({nz}, {ngf})"
        got = answer_float(call_answer(answer, nz, ngf, what=what), what)
        expected = _seed_block_parameter_count(nz, ngf)
        if got == expected:
            continue
        channels = ngf * 8
        hints = {
            expected + channels: "you counted a bias for the transposed convolution, which has bias=False",
            expected + 2 * channels: "BatchNorm's running mean and variance are buffers, updated by "
                                     "averaging, not parameters learned by gradient descent",
            expected + 3 * channels: "the convolution has no bias (bias=False), and BatchNorm's running "
                                     "statistics are buffers, not parameters",
            expected - 2 * channels: "BatchNorm2d learns a scale gamma and a shift beta for each channel",
            nz * channels * 9 + 2 * channels: "the article's kernel is 4 x 4, not 3 x 3",
            nz * channels * 4 + 2 * channels: "a 4 x 4 kernel has 16 weights per pair of input and output "
                                              "channels, not 4",
            nz * channels: "each pair of input and output channels has its own 4 x 4 kernel, and BatchNorm "
                           "learns two numbers per channel",
        }
        hint = hints.get(got, "count the weights of the transposed convolution (one kernel per pair of "
                              "channels), then what BatchNorm2d and ReLU learn")
        raise IncorrectAnswer(f"{what} returned {got:g}; the block has {expected:,} parameters: {hint}")
    return ("nz * 8 ngf * 16 kernel weights, no bias, and 2 * 8 ngf for BatchNorm's gamma and beta: "
            f"{_seed_block_parameter_count(100, 64):,} for nz = 100 and ngf = 64. ReLU learns nothing.")


# --- gan-leaky-true ------------------------------------------------------------------


def _buggy_discriminator():
    """Chapter 7's discriminator with nn.LeakyReLU(True) in every block, in evaluation mode, and images.

    Built from a fixed seed, with PyTorch's default weight scale (DCGAN's N(0, 0.02^2) makes
    untrained logits tiny) and BatchNorm statistics and scales moved off their initial values,
    so that the same network, far from trivially affine, is rebuilt wherever the check runs.
    """
    import torch
    from torch import nn

    from ..gan import Discriminator

    with torch.random.fork_rng():
        torch.manual_seed(7)
        d = Discriminator(8, activation=lambda: nn.LeakyReLU(True))
        with torch.no_grad():
            for module in d.modules():
                if isinstance(module, nn.Conv2d):
                    module.reset_parameters()      # PyTorch's default scale: logits of order 1
                elif isinstance(module, nn.BatchNorm2d):
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.uniform_(-0.2, 0.2)
            for _ in range(3):
                d(torch.randn(16, 1, 28, 28))      # training mode: BatchNorm's running statistics move
        images = torch.rand(12, 1, 28, 28) * 2 - 1
    return d.eval(), images


def _as_plain(value):
    return value.detach() if hasattr(value, "detach") else value


@exercise("gan-leaky-true", chapter="gan", title="What nn.LeakyReLU(True) does to a discriminator",
          difficulty="medium")
def _leaky_true(answer):
    import torch

    discriminator, images = _buggy_discriminator()
    what = "affine_form(discriminator)"
    result = call_answer(answer, discriminator, what=what)
    result = answer_tuple(result, 2, f"{what} should return a pair (w, b)")
    w = answer_floats(_as_plain(result[0]), "w")
    if w.size != 28 * 28:
        raise IncorrectAnswer(f"w should hold one weight per pixel, 784 numbers (shape (1, 28, 28)); "
                              f"got shape {w.shape}")
    b = answer_float(_as_plain(result[1]), "b")
    with torch.no_grad():
        expected = discriminator(images).double().numpy()
        at_zero = float(discriminator(torch.zeros(1, 1, 28, 28)))
    flat = images.double().numpy().reshape(len(images), -1)
    predicted = flat @ w.reshape(-1) + b
    if not np.isclose(b, at_zero, rtol=1e-4, atol=1e-4):
        raise IncorrectAnswer(f"b = {b:.6g}, but the discriminator's logit for an all-zero image is "
                              f"{at_zero:.6g}, and that must be w^T 0 + b = b")
    expect_close(predicted, expected, "w^T x + b (x flattened) against discriminator(x) on 12 random images",
                 rtol=1e-4, atol=1e-4)
    return ("with slope 1 every LeakyReLU is the identity, and what is left is a chain of convolutions and "
            "BatchNorms, which are affine in evaluation mode: the whole discriminator is one linear classifier "
            "of the pixels, D(x) = sigmoid(w^T x + b) with x the image flattened to 784 numbers, whatever its "
            "depth.")


# --- gan-optimal-discriminator --------------------------------------------------------

_DENSITIES = np.array([[2.0, 0.5], [1.0, 1.0], [0.2, 3.0], [0.0, 1.5], [4.0, 0.0], [0.7, 0.3]]).T
_TARGETS = [(1.0, 0.0), (0.9, 0.0), (0.9, 0.1), (0.8, 0.3)]


@exercise("gan-optimal-discriminator", chapter="gan", title="The optimal discriminator under label smoothing",
          difficulty="hard")
def _optimal_discriminator(answer):
    p_data, p_model = _DENSITIES
    for real_label, fake_label in _TARGETS:
        what = f"optimal_discriminator(p_data, p_model, real_label={real_label}, fake_label={fake_label})"
        got = answer_floats(call_answer(answer, p_data.copy(), p_model.copy(), real_label, fake_label,
                                        what=what), what)
        expected = (real_label * p_data + fake_label * p_model) / (p_data + p_model)
        if got.shape == expected.shape and not np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            if np.allclose(got, p_data / (p_data + p_model)):
                raise IncorrectAnswer(f"{what}: p_data / (p_data + p_model) is the optimum for the targets 1 and "
                                      "0 (Goodfellow et al.); redo the minimisation with the targets as symbols")
            if np.allclose(got, real_label * p_data / (p_data + p_model)):
                raise IncorrectAnswer(f"{what}: your formula ignores fake_label. The fakes' term of the loss "
                                      "is -fake_label log D - (1 - fake_label) log(1 - D), weighted by p_model")
        expect_close(got, expected, what, rtol=1e-6, atol=1e-9)
    return ("D*(x) = (real_label p_data + fake_label p_model) / (p_data + p_model). Where the data has "
            "almost no mass, D* ~ fake_label p_model / (p_data + p_model) ~ fake_label: with fake_label > 0 "
            "the p_model in the numerator holds D* up there, and in Salimans et al.'s words such samples "
            "'have no incentive to move nearer to the data'; with fake_label = 0, D* ~ real_label p_data / "
            "p_model, which falls where the generator puts too much mass. That is why they smooth only the "
            "real side.")
