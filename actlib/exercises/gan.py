"""Self-checks for chapter 7, the PyTorch GAN building blocks.

PyTorch is imported inside each check, so that ``import actlib`` stays light for
the chapters that do not use it.
"""

from ._core import IncorrectAnswer, call_answer, exercise
from ._observe import probe

_TRANSPOSE_CASES = [  # (size, kernel, stride, padding, output_padding)
    (1, 4, 1, 0, 0), (4, 3, 2, 1, 0), (4, 4, 2, 1, 0), (7, 4, 2, 1, 0), (14, 4, 2, 1, 0),
    (5, 3, 2, 1, 1), (3, 5, 3, 2, 2), (8, 1, 1, 0, 0), (10, 2, 2, 0, 0),
]


@exercise("gan-transpose-size", chapter="gan", title="The output size of a transposed convolution",
          difficulty="easy")
def _transpose_size(answer):
    from torch import nn, zeros

    for size, k, s, p, op in _TRANSPOSE_CASES:
        got = call_answer(answer, size, k, s, p, op,
                          what="transpose_output_size(size, kernel_size, stride, padding, output_padding)")
        expected = nn.ConvTranspose2d(1, 1, k, s, p, output_padding=op)(zeros(1, 1, size, size)).shape[-1]
        if got != expected:
            hint = ""
            if got == (size + 2 * p - k) // s + 1:
                hint = " That is the size a *normal* convolution gives; a transposed convolution goes the other way."
            elif got == size * s - 2 * p + k + op:
                hint = " Check the first term: the input contributes (size - 1) strides, not size."
            raise IncorrectAnswer(f"for size={size}, kernel_size={k}, stride={s}, padding={p}, "
                                  f"output_padding={op} you return {got!r}; PyTorch gives {expected}.{hint}")
    return ("(size - 1) * stride - 2 * padding + kernel_size + output_padding: e.g. the article's seed block "
            "takes 1 x 1 to (1 - 1) * 1 - 0 + 4 = 4.")


def _describe_seed_block(answer, nz, ngf):
    """What the check needs to know about ``seed_block(nz, ngf)``, as plain data."""
    import torch
    from torch import nn

    block = call_answer(answer, nz, ngf, what=f"seed_block({nz}, {ngf})")
    about = {"type": type(block).__name__, "sequential": isinstance(block, nn.Sequential)}
    if not about["sequential"]:
        return about
    about["kinds"] = [type(m).__name__ for m in block]
    if about["kinds"] != ["ConvTranspose2d", "BatchNorm2d", "ReLU"]:
        return about
    conv, bn, relu = block
    about["conv"] = {name: getattr(conv, name) for name in
                     ("in_channels", "out_channels", "kernel_size", "stride", "padding")}
    about.update(bias=conv.bias is not None, bn_features=bn.num_features, inplace=bool(relu.inplace))
    try:
        about["out_shape"] = tuple(int(n) for n in block(torch.randn(2, nz, 1, 1)).shape)
    except Exception as err:  # judged only if everything before it is right
        about["out_error"] = f"{type(err).__name__}: {err}"
    return about


@exercise("gan-seed-block", chapter="gan", title="Build the article's generator block", difficulty="medium")
def _seed_block(answer):
    for nz, ngf in [(100, 64), (16, 4)]:
        block = probe(answer, "seed_block", _describe_seed_block, nz, ngf)
        if not block["sequential"]:
            raise IncorrectAnswer(f"seed_block({nz}, {ngf}) should return an nn.Sequential of three layers; "
                                  f"got {block['type']}")
        kinds = block["kinds"]
        if kinds != ["ConvTranspose2d", "BatchNorm2d", "ReLU"]:
            raise IncorrectAnswer(f"expected the layers ConvTranspose2d, BatchNorm2d, ReLU in that order; "
                                  f"got {', '.join(kinds)}")
        want = dict(in_channels=nz, out_channels=ngf * 8, kernel_size=(4, 4), stride=(1, 1), padding=(0, 0))
        for name, value in want.items():
            if block["conv"][name] != value:
                raise IncorrectAnswer(f"seed_block({nz}, {ngf}): the ConvTranspose2d has {name}="
                                      f"{block['conv'][name]}, expected {value}")
        if block["bias"]:
            raise IncorrectAnswer("the ConvTranspose2d should have bias=False: BatchNorm's shift makes a bias useless")
        if block["bn_features"] != ngf * 8:
            raise IncorrectAnswer(f"seed_block({nz}, {ngf}): BatchNorm2d normalises {block['bn_features']} channels; "
                                  f"the convolution produces {ngf * 8}")
        if not block["inplace"]:
            raise IncorrectAnswer("the article's nn.ReLU(True) is in-place: write nn.ReLU(inplace=True)")
        if "out_error" in block:
            raise RuntimeError(f"seed_block({nz}, {ngf}) failed on noise of shape (2, {nz}, 1, 1): "
                               f"{block['out_error']}")
        if tuple(block["out_shape"]) != (2, ngf * 8, 4, 4):
            raise IncorrectAnswer(f"noise of shape (2, {nz}, 1, 1) gave {tuple(block['out_shape'])}; "
                                  f"expected (2, {ngf * 8}, 4, 4)")
    return "1 x 1 noise in, ngf * 8 feature maps of 4 x 4 out, normalised and rectified in place."


def _describe_leaky(answer):
    """The module the answer is (or a factory answer builds), as plain data."""
    from torch import nn

    if callable(answer) and not isinstance(answer, nn.Module):  # a factory such as a lambda: call it
        answer = call_answer(answer, what="your activation factory")
    if not isinstance(answer, nn.LeakyReLU):
        return {"type": type(answer).__name__}
    return {"type": "LeakyReLU", "negative_slope": float(answer.negative_slope), "inplace": bool(answer.inplace)}


@exercise("gan-leaky-true", chapter="gan", title="Spot the nn.LeakyReLU(True) bug", difficulty="easy")
def _leaky_true(answer):
    module = probe(answer, "fixed", _describe_leaky)
    if module["type"] != "LeakyReLU":
        raise IncorrectAnswer(f"fixed should be an nn.LeakyReLU module, e.g. nn.LeakyReLU(...); "
                              f"got {module['type']}")
    slope = module["negative_slope"]
    if slope == 1.0:
        raise IncorrectAnswer("negative_slope is still 1.0, so the 'activation' is the identity: True was "
                              "taken as the slope. Pass the slope first, or by name: negative_slope=0.2")
    if slope == 0.01:
        raise IncorrectAnswer("negative_slope is 0.01, PyTorch's default; DCGAN's discriminator uses 0.2")
    if slope != 0.2:
        raise IncorrectAnswer(f"negative_slope is {slope}; DCGAN's discriminator uses 0.2")
    if not module["inplace"]:
        raise IncorrectAnswer("the slope is right; the author also wanted the in-place version: inplace=True")
    return "nn.LeakyReLU(0.2, inplace=True): spell the arguments by name and the pitfall cannot happen."
