"""The self-checks of chapter 7 (actlib/exercises/gan.py): right answers pass, wrong ones explain."""

import pytest
from torch import nn

import actlib
from actlib.exercises import IncorrectAnswer, NotAnswered, exercises


def test_chapter_has_its_checks():
    labels = [e.label for e in exercises("gan")]
    assert labels == ["gan-transpose-size", "gan-seed-block", "gan-leaky-true"]
    assert all(label.startswith("gan-") for label in labels)


def _stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("label", ["gan-transpose-size", "gan-seed-block", "gan-leaky-true"])
def test_stubs_are_not_answered(label):
    for stub in (None, ..., _stub):
        with pytest.raises(NotAnswered, match="not answered yet"):
            actlib.check(label, stub)


def test_transpose_size(capsys):
    actlib.check("gan-transpose-size", lambda h, k, s, p, op: (h - 1) * s - 2 * p + k + op)
    assert capsys.readouterr().out.startswith("Correct (gan-transpose-size).")
    with pytest.raises(IncorrectAnswer, match="size a \\*normal\\* convolution gives"):
        actlib.check("gan-transpose-size", lambda h, k, s, p, op: (h + 2 * p - k) // s + 1)
    with pytest.raises(IncorrectAnswer, match=r"\(size - 1\) strides"):
        actlib.check("gan-transpose-size", lambda h, k, s, p, op: h * s - 2 * p + k + op)
    with pytest.raises(IncorrectAnswer, match="output_padding=1 you return 9; PyTorch gives 10"):
        actlib.check("gan-transpose-size", lambda h, k, s, p, op: (h - 1) * s - 2 * p + k)
    with pytest.raises(IncorrectAnswer, match="raised ZeroDivisionError"):
        actlib.check("gan-transpose-size", lambda h, k, s, p, op: 1 / 0)


def _seed_block(nz, ngf, *, inplace=True, bias=False, order=None, channels=None):
    layers = [nn.ConvTranspose2d(nz, channels or ngf * 8, 4, 1, 0, bias=bias), nn.BatchNorm2d(channels or ngf * 8),
              nn.ReLU(inplace=inplace)]
    return nn.Sequential(*(layers if order is None else [layers[i] for i in order]))


def test_seed_block(capsys):
    actlib.check("gan-seed-block", _seed_block)
    assert capsys.readouterr().out.startswith("Correct (gan-seed-block).")
    with pytest.raises(IncorrectAnswer, match="should have bias=False"):
        actlib.check("gan-seed-block", lambda nz, ngf: _seed_block(nz, ngf, bias=True))
    with pytest.raises(IncorrectAnswer, match=r"nn.ReLU\(inplace=True\)"):
        actlib.check("gan-seed-block", lambda nz, ngf: _seed_block(nz, ngf, inplace=False))
    with pytest.raises(IncorrectAnswer, match="in that order; got ConvTranspose2d, ReLU, BatchNorm2d"):
        actlib.check("gan-seed-block", lambda nz, ngf: _seed_block(nz, ngf, order=[0, 2, 1]))
    with pytest.raises(IncorrectAnswer, match="out_channels=256, expected 512"):
        actlib.check("gan-seed-block", lambda nz, ngf: _seed_block(nz, ngf, channels=256))
    with pytest.raises(IncorrectAnswer, match="kernel_size=\\(3, 3\\), expected \\(4, 4\\)"):
        actlib.check("gan-seed-block", lambda nz, ngf: nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 8, 3, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True)))
    with pytest.raises(IncorrectAnswer, match="nn.Sequential of three layers; got list"):
        actlib.check("gan-seed-block", lambda nz, ngf: list(_seed_block(nz, ngf)))


def test_leaky_true(capsys):
    actlib.check("gan-leaky-true", nn.LeakyReLU(0.2, inplace=True))
    actlib.check("gan-leaky-true", nn.LeakyReLU(negative_slope=0.2, inplace=True))
    assert capsys.readouterr().out.startswith("Correct (gan-leaky-true).")
    with pytest.raises(IncorrectAnswer, match="still 1.0, so the 'activation' is the identity"):
        actlib.check("gan-leaky-true", nn.LeakyReLU(True))
    with pytest.raises(IncorrectAnswer, match="0.01, PyTorch's default"):
        actlib.check("gan-leaky-true", nn.LeakyReLU(inplace=True))
    with pytest.raises(IncorrectAnswer, match="negative_slope is 0.3"):
        actlib.check("gan-leaky-true", nn.LeakyReLU(0.3, inplace=True))
    with pytest.raises(IncorrectAnswer, match="inplace=True"):
        actlib.check("gan-leaky-true", nn.LeakyReLU(0.2))
    with pytest.raises(IncorrectAnswer, match="should be an nn.LeakyReLU module.*got ReLU"):
        actlib.check("gan-leaky-true", nn.ReLU(True))
    actlib.check("gan-leaky-true", lambda: nn.LeakyReLU(0.2, inplace=True))  # a factory works too
    with pytest.raises(IncorrectAnswer, match="still 1.0"):
        actlib.check("gan-leaky-true", lambda: nn.LeakyReLU(True))
