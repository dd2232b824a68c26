"""The self-checks of chapter 7 (actlib/exercises/gan.py): right answers pass, wrong ones explain."""

import numpy as np
import pytest
import torch
from torch import nn

import actlib
from actlib import gan
from actlib.exercises import IncorrectAnswer, NotAnswered, exercises

LABELS = ["gan-upsampling-plan", "gan-seed-params", "gan-leaky-true", "gan-optimal-discriminator"]


def test_chapter_has_its_checks():
    found = exercises("gan")
    assert [e.label for e in found] == LABELS
    assert [e.difficulty for e in found] == ["medium", "medium", "medium", "hard"]


def _stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("label", LABELS)
def test_stubs_are_not_answered(label):
    for stub in (None, ..., _stub):
        with pytest.raises(NotAnswered, match="not answered yet"):
            actlib.check(label, stub)


# --------------------------------------------------------------------------- gan-upsampling-plan

def _plan(size):  # the book's solution: work backwards, halving
    if size <= 4:
        return [(size, 1, 0, 0)]
    return _plan((size + 1) // 2) + [(4, 2, 1, 0) if size % 2 == 0 else (3, 2, 1, 0)]


def _plan_output_padding(size):  # another correct plan: odd sides from kernel 4 and output_padding 1
    if size <= 4:
        return [(size, 1, 0, 0)]
    return _plan_output_padding(size // 2) + [(4, 2, 1, size % 2)]


def _plan_small_kernels(size):  # and another, as lists: kernel 2 doubles, kernel 1 gives 2H - 1
    if size <= 4:
        return [[size, 1, 0, 0]]
    return _plan_small_kernels((size + 1) // 2) + [[2 if size % 2 == 0 else 1, 2, 0, 0]]


def test_upsampling_plan_accepts_any_valid_plan(capsys):
    for answer in (_plan, _plan_output_padding, _plan_small_kernels):
        actlib.check("gan-upsampling-plan", answer)
        assert capsys.readouterr().out.startswith("Correct (gan-upsampling-plan).")


def test_upsampling_plan_rejects_wrong_plans():
    only_doubling = lambda size: _plan(4 if size <= 4 else (size + 1) // 2) + [(4, 2, 1, 0)]
    with pytest.raises(IncorrectAnswer, match=r"upsampling_plan\(7\) takes 1 x 1 through 1 -> 4 -> 8, not to 7"):
        actlib.check("gan-upsampling-plan", lambda size: _plan(size) if size < 7 else [(4, 1, 0, 0), (4, 2, 1, 0)])
    with pytest.raises(IncorrectAnswer, match="not to"):
        actlib.check("gan-upsampling-plan", only_doubling)
    with pytest.raises(IncorrectAnswer, match="the stride must be 1 or 2"):
        actlib.check("gan-upsampling-plan", lambda size: [(2, 1, 0, 0)] if size == 2 else [(4, 1, 0, 0), (3, 3, 1, 0)])
    with pytest.raises(IncorrectAnswer, match="kernel_size must be 1 to 4"):
        actlib.check("gan-upsampling-plan", lambda size: [(size, 1, 0, 0)])
    with pytest.raises(IncorrectAnswer, match="at most 6"):
        actlib.check("gan-upsampling-plan", lambda size: [(1, 1, 0, 0)] * 7)
    with pytest.raises(IncorrectAnswer, match="output_padding between 0 and stride - 1"):
        actlib.check("gan-upsampling-plan", lambda size: [(1, 1, 0, 1), (2, 1, 0, 0)])
    with pytest.raises(IncorrectAnswer, match="non-empty list"):
        actlib.check("gan-upsampling-plan", lambda size: None)
    with pytest.raises(IncorrectAnswer, match="four integers"):
        actlib.check("gan-upsampling-plan", lambda size: [(4, 2, 1)])
    with pytest.raises(IncorrectAnswer, match="gives no pixels at all"):
        actlib.check("gan-upsampling-plan", lambda size: [(1, 1, 1, 0)])


# --------------------------------------------------------------------------- gan-seed-params

def test_seed_params(capsys):
    actlib.check("gan-seed-params", lambda nz, ngf: nz * ngf * 8 * 16 + 2 * ngf * 8)
    actlib.check("gan-seed-params", lambda nz, ngf: sum(
        p.numel() for p in nn.Sequential(nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False),
                                         nn.BatchNorm2d(ngf * 8), nn.ReLU(True)).parameters()))
    actlib.check("gan-seed-params", lambda nz, ngf: float(nz * ngf * 128 + ngf * 16))
    assert capsys.readouterr().out.startswith("Correct (gan-seed-params).")
    cases = {
        "bias=False": lambda nz, ngf: nz * ngf * 128 + ngf * 16 + ngf * 8,
        "buffers": lambda nz, ngf: nz * ngf * 128 + ngf * 32,
        "running statistics are buffers": lambda nz, ngf: nz * ngf * 128 + ngf * 40,
        "gamma and a shift beta": lambda nz, ngf: nz * ngf * 128,
        "not 3 x 3": lambda nz, ngf: nz * ngf * 72 + ngf * 16,
        "16 weights": lambda nz, ngf: nz * ngf * 32 + ngf * 16,
        "its own 4 x 4 kernel": lambda nz, ngf: nz * ngf * 8,
        "count the weights": lambda nz, ngf: 7,
    }
    for message, answer in cases.items():
        with pytest.raises(IncorrectAnswer, match=message):
            actlib.check("gan-seed-params", answer)
    with pytest.raises(IncorrectAnswer, match="expected one number"):
        actlib.check("gan-seed-params", lambda nz, ngf: "many")


# --------------------------------------------------------------------------- gan-leaky-true

def _affine_form(discriminator):  # the book's solution: b = D(0), w = the gradient at 0
    x = torch.zeros(1, 1, 28, 28, requires_grad=True)
    logit = discriminator(x)
    (w,) = torch.autograd.grad(logit.sum(), x)
    return w[0], float(logit.detach())


def _affine_form_by_probing(discriminator):  # another: one probe image per pixel
    with torch.no_grad():
        b = discriminator(torch.zeros(1, 1, 28, 28))
        w = discriminator(torch.eye(784).reshape(784, 1, 28, 28)) - b
    return w.reshape(28, 28).numpy(), b.numpy()


def test_leaky_true_accepts_any_correct_affine_form(capsys):
    for answer in (_affine_form, _affine_form_by_probing):
        actlib.check("gan-leaky-true", answer)
        out = capsys.readouterr().out
        assert out.startswith("Correct (gan-leaky-true)."), out
        # The first block has no BatchNorm and the last layer is a lone convolution: the
        # message describes a chain, not blocks that each hold a BatchNorm; w^T x, as symbols.md.
        assert "chain of convolutions and BatchNorms" in out and "every block is" not in out, out
        assert "sigmoid(w^T x + b)" in out and "<w, x>" not in out, out


def test_leaky_true_rejects_wrong_forms():
    with pytest.raises(IncorrectAnswer, match="must be w\\^T 0 \\+ b = b"):
        actlib.check("gan-leaky-true", lambda d: (_affine_form(d)[0], 0.0))
    with pytest.raises(IncorrectAnswer, match="values are off"):
        actlib.check("gan-leaky-true", lambda d: (2 * _affine_form(d)[0], _affine_form(d)[1]))
    with pytest.raises(IncorrectAnswer, match="784 numbers"):
        actlib.check("gan-leaky-true", lambda d: (torch.zeros(10), 0.0))
    with pytest.raises(IncorrectAnswer, match="a pair"):
        actlib.check("gan-leaky-true", lambda d: _affine_form(d)[0])
    with pytest.raises(IncorrectAnswer, match="raised TypeError"):
        actlib.check("gan-leaky-true", nn.LeakyReLU(0.2, inplace=True))  # the old exercise's answer


def test_leaky_true_form_fails_for_dcgans_discriminator():
    # The point of the exercise: with slope 0.2 the same network is not affine, so the same
    # recipe (w = gradient at 0, b = D(0)) does not predict it.
    from actlib.exercises.gan import _buggy_discriminator

    buggy, images = _buggy_discriminator()
    torch.manual_seed(0)
    leaky = gan.Discriminator(8)
    leaky.load_state_dict(buggy.state_dict())   # the same weights and statistics, slope 0.2
    leaky.eval()
    relative_gap = {}
    for name, d in [("buggy", buggy), ("leaky", leaky)]:
        w, b = _affine_form(d)
        with torch.no_grad():
            out = d(images)
            gap = (out - ((w * images).sum(dim=(1, 2, 3)) + b)).abs().max()
        relative_gap[name] = float(gap / out.abs().max())
    assert relative_gap["buggy"] < 1e-4 and relative_gap["leaky"] > 1e-2, relative_gap


# --------------------------------------------------------------------------- gan-optimal-discriminator

def test_optimal_discriminator(capsys):
    actlib.check("gan-optimal-discriminator", lambda pd, pm, a, b: (a * pd + b * pm) / (pd + pm))
    actlib.check("gan-optimal-discriminator",
                 lambda pd, pm, a, b: b + (a - b) * np.asarray(pd) / (np.asarray(pd) + np.asarray(pm)))
    out = capsys.readouterr().out
    assert out.startswith("Correct (gan-optimal-discriminator).")
    # The message tells the two fake targets apart where the data has almost no mass, and
    # quotes Salimans et al. rather than stating their argument as its own
    assert "holds D* up there" in out and "falls where the generator puts too much mass" in out, out
    assert "'have no incentive to move nearer to the data'" in out, out
    assert "half" not in out and "whatever p_model is" not in out, out
    with pytest.raises(IncorrectAnswer, match="optimum for the targets 1 and 0"):
        actlib.check("gan-optimal-discriminator", lambda pd, pm, a, b: pd / (pd + pm))
    with pytest.raises(IncorrectAnswer, match="ignores fake_label"):
        actlib.check("gan-optimal-discriminator", lambda pd, pm, a, b: a * pd / (pd + pm))
    with pytest.raises(IncorrectAnswer, match="values are off"):  # the real target's weight misplaced
        actlib.check("gan-optimal-discriminator", lambda pd, pm, a, b: a * pd / (a * pd + (1 - b) * pm))
    with pytest.raises(IncorrectAnswer, match="expected shape"):
        actlib.check("gan-optimal-discriminator", lambda pd, pm, a, b: [0.5, 0.5])
