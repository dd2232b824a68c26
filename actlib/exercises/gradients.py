"""Self-checks for the chapter "Gradients and the vanishing-gradient problem"."""

import math

import numpy as np

from ..activations import sigmoid, tanh
from ..registry import derivative
from ._core import IncorrectAnswer, call_answer, exercise, expect_close

CHAPTER = "gradients"


def _as_number(value, what: str) -> float:
    try:
        return float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise IncorrectAnswer(f"{what}: expected one number; got {value!r:.60}") from None


@exercise("gradients-central-difference", chapter=CHAPTER, title="Slopes by central differences",
          difficulty="easy")
def _central_difference(answer):
    x = np.array([-4.0, -1.5, -0.3, 0.2, 1.0, 2.5, 4.0])
    h = 1e-3
    got = call_answer(answer, np.sin, x.copy(), h=h, what="central_difference(np.sin, x, h=1e-3)")
    central = (np.sin(x + h) - np.sin(x - h)) / (2 * h)
    forward = (np.sin(x + h) - np.sin(x)) / h
    backward = (np.sin(x) - np.sin(x - h)) / h
    try:
        values = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise IncorrectAnswer(f"central_difference should return an array of numbers; got {type(got).__name__}") \
            from None
    if values.shape == x.shape:
        if np.allclose(values, forward, rtol=1e-9) or np.allclose(values, backward, rtol=1e-9):
            raise IncorrectAnswer("that is a one-sided difference, whose error shrinks like h; step to both "
                                  "sides: (f(x + h) - f(x - h)) / (2 h), whose error shrinks like h^2")
    expect_close(values, central, "central_difference(np.sin, x, h=1e-3)", rtol=1e-9, atol=1e-12, at=x)
    for name, f in (("sigmoid", sigmoid), ("tanh", tanh)):
        got = call_answer(answer, f, x.copy(), what=f"central_difference(actlib.{name}, x)")
        expect_close(got, derivative(name, x), f"central_difference(actlib.{name}, x) with the default h",
                     rtol=1e-7, atol=1e-9, at=x)
    return ("Central differences are accurate to O(h^2): the error is about 1e-7 at h = 1e-3 and 1e-11 at "
            "h = 1e-5, near the best possible: below that, rounding error (about 1e-16 / h) grows faster "
            "than the h^2 term shrinks.")


@exercise("gradients-sigmoid-bound", chapter=CHAPTER, title="Ten sigmoid layers", difficulty="easy")
def _sigmoid_bound(answer):
    value = _as_number(answer, "bound")
    expected = 0.25**10
    if math.isclose(value, expected, rel_tol=1e-9):
        return f"0.25**10 = {expected:.3e}: a millionth, from the activations' derivatives alone."
    hints = {
        0.25 * 10: "you added the ten factors; the chain rule multiplies them",
        0.25: "that is one layer's bound; the chain rule multiplies one factor per layer",
        1.0: "1 is ReLU's largest derivative; the sigmoid's is 0.25",
    }
    for wrong, hint in hints.items():
        if math.isclose(value, wrong, rel_tol=1e-9):
            raise IncorrectAnswer(f"bound = {value!r}: {hint}")
    raise IncorrectAnswer(f"bound = {value!r} is not it: multiply the largest value of sigma'(x), once per layer")


@exercise("gradients-dead-units", chapter=CHAPTER, title="Count dead ReLU units", difficulty="medium")
def _dead_units(answer):
    rng = np.random.default_rng(0)
    pre = rng.normal(size=(50, 8))
    pre[:, 0] = -np.abs(pre[:, 0])          # never positive: dead
    pre[:, 1] = 0.0                         # exactly 0 everywhere: ReLU'(0) = 0, dead too
    pre[:, 2] = -np.abs(pre[:, 2])
    pre[7, 2] = 0.5                         # positive on one sample only: alive
    pre[:, 3] = -np.abs(pre[:, 3]) - 1.0    # dead
    got = _as_number(call_answer(answer, pre.copy(), what="dead_fraction(pre_activations)"),
                     "dead_fraction(pre_activations)")
    expected = 3 / 8
    if math.isclose(got, expected, rel_tol=1e-12):
        transposed = _as_number(call_answer(answer, pre[:, :5].copy(), what="dead_fraction(pre_activations)"),
                                "dead_fraction(pre_activations)")
        if not math.isclose(transposed, 3 / 5, rel_tol=1e-12):
            raise IncorrectAnswer(f"on the first 5 units (3 of them dead) you return {transposed!r}, not 0.6")
        return "A unit is dead when its pre-activation is <= 0 on every sample: the gradient through it is then 0."
    if math.isclose(got, 2 / 8, rel_tol=1e-12):
        raise IncorrectAnswer("you found 2 of 8 units dead; a unit stuck at exactly 0 is dead too (ReLU'(0) = 0): "
                              "test pre <= 0, not pre < 0")
    if math.isclose(got, 4 / 8, rel_tol=1e-12):
        raise IncorrectAnswer("you found 4 of 8 dead; a unit that is positive on even one sample is alive: "
                              "require pre <= 0 on *all* samples (axis 0)")
    raise IncorrectAnswer(f"got {got!r} for 8 units; expected the fraction of columns (units) whose values are "
                          "<= 0 in every row (sample). Reduce over axis 0 with .all(axis=0), then take the mean")


@exercise("gradients-he-std", chapter=CHAPTER, title="He initialisation for 256 inputs", difficulty="easy")
def _he_std(answer):
    value = _as_number(answer, "he_std")
    expected = math.sqrt(2 / 256)
    if math.isclose(value, expected, rel_tol=1e-6):
        return f"sqrt(2 / 256) = {expected:.4f}: variance 2 / fan_in makes up for ReLU zeroing half its inputs."
    if math.isclose(value, 2 / 256, rel_tol=1e-6):
        raise IncorrectAnswer("2/256 is the variance; the standard deviation is its square root")
    if math.isclose(value, math.sqrt(1 / 256), rel_tol=1e-6):
        raise IncorrectAnswer("sqrt(1/256) is LeCun's choice; ReLU zeroes half the signal, so He doubles the variance")
    raise IncorrectAnswer(f"he_std = {value!r}: He's weight variance is 2 / fan_in; give its square root")
