"""Self-checks for the activation zoo."""

import math
from collections.abc import Mapping

import numpy as np
from scipy.optimize import minimize_scalar

from ..activations import swish
from ..activations_piecewise import hardswish
from ..registry import derivative, get, names
from ._core import IncorrectAnswer, answer_float, answer_floats, call_answer, exercise, expect_close


@exercise("zoo-softplus-derivative", chapter="zoo", title="Differentiate softplus", difficulty="easy")
def _softplus_derivative(answer):
    x = np.array([-30.0, -5.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 5.0, 30.0])
    got = call_answer(answer, x, what="softplus_derivative(x)")
    expect_close(got, derivative("softplus", x), "softplus_derivative(x)", at=x)
    return "softplus' is the sigmoid: softplus is the integral of the sigmoid."


@exercise("zoo-bounded-below", chapter="zoo", title="Bounded below",
          difficulty="easy")
def _bounded_below(answer):
    # the registry's lower bounds, at actlib's default parameters (PReLU at its default slope 0.25
    # is unbounded; at a slope <= 0 it would be bounded below, and Leaky ReLU at alpha = 0 is ReLU).
    # Maxout has no defaults: it counts as unbounded because some weights make it so (pieces x and
    # x - 1), although others bound it (ReLU, |x|: a bound exactly when 0 is in the convex hull of
    # the pieces' weight vectors).
    expected = {name for name in names() if get(name).output_range[0] > -math.inf}
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        raise IncorrectAnswer("answer with a set of names, e.g. {'relu', 'sigmoid'}")
    answer = {str(a).lower() for a in answer}
    missing, extra = expected - answer, answer - expected
    if extra:
        raise IncorrectAnswer(f"{sorted(extra)} can go to -infinity at actlib's default parameters"
                              + (" (Maxout, which has none, for some choice of its weights)"
                                 if "maxout" in extra else "") + ": look at their left tails")
    if missing:
        raise IncorrectAnswer(f"{len(missing)} bounded-below activation(s) are missing; look again at "
                              "the ones whose left tail flattens out")
    return "Swish, GELU and Mish dip slightly below 0 and come back: bounded below (not above), and not monotonic."


def _lambert_w_of_inverse_e() -> float:
    """W(1/e), the u with u e^u = 1/e, by Newton's method: 0.2784645427610738."""
    u = 0.5
    for _ in range(60):
        u -= (u * math.exp(u) - math.exp(-1)) / ((u + 1) * math.exp(u))
    return u


@exercise("zoo-swish-minimum", chapter="zoo", title="Where Swish bottoms out, for every beta",
          difficulty="hard")
def _swish_minimum(answer):
    u = _lambert_w_of_inverse_e()  # beta = 1: minimum -u at x = -1 - u
    for beta in (1.0, 0.25, 1.7, 4.0, 20.0, 0.03):
        got = call_answer(answer, beta, what=f"swish_minimum({beta})")
        x_min, f_min = answer_floats(got, f"swish_minimum({beta})", shape=(2,))
        right = ((-1 - u) / beta, -u / beta)
        if beta != 1.0 and math.isclose(x_min, -1 - u, rel_tol=1e-6):
            raise IncorrectAnswer(f"swish_minimum({beta}) gives x_min = {x_min!r}, the position for beta = 1. "
                                  "How does x sigma(beta x) relate to Swish with beta = 1 at the point beta x?")
        if beta != 1.0 and math.isclose(x_min, (-1 - u) * beta, rel_tol=1e-6):
            raise IncorrectAnswer(f"swish_minimum({beta}) gives x_min = {x_min!r}: the minimum moves the other "
                                  "way. Where is beta x equal to beta = 1's minimiser?")
        for what, value, expected in (("x_min", x_min, right[0]), ("f_min", f_min, right[1])):
            if not math.isclose(value, expected, rel_tol=1e-9):
                close = math.isclose(value, expected, rel_tol=1e-3)
                raise IncorrectAnswer(f"swish_minimum({beta}): {what} = {value!r}, expected {expected!r}"
                                      + (" (right to a few digits only: a grid is not enough; solve "
                                         "f'(x) = 0 to full precision)" if close else ""))
    return (f"x_min = -(1 + W(1/e))/beta and f_min = -W(1/e)/beta, W(1/e) = {u:.10f}: since "
            "x sigma(beta x) = swish_1(beta x)/beta, one minimiser serves every beta.")


def _swish_minus_hardswish(x):
    return swish(x) - hardswish(x)


@exercise("zoo-hardswish-gap", chapter="zoo", title="How far hard-swish is from Swish", difficulty="hard")
def _hardswish_gap(answer):
    # max |swish - hardswish| = 3 sigma(-3) = 3/(1 + e^3), at x = -3 and x = 3, where hard-swish's
    # quadratic piece meets its outer pieces (the gap is even: both functions satisfy f(-x) = f(x) - x).
    # Inside (0, 3) the gap is positive at first, with a maximum of only about 0.106.
    shape = "answer with a dict {'gap': ..., 'at': [...], 'cost_ratio': ...}"
    if not isinstance(answer, Mapping) or set(answer) != {"gap", "at", "cost_ratio"}:
        keys = sorted(map(str, answer)) if isinstance(answer, Mapping) else None
        raise IncorrectAnswer(shape + (f"; got the keys {keys}" if keys is not None
                                       else f"; got {type(answer).__name__}"))
    gap = answer_float(answer["gap"], "hardswish_gap['gap']")
    at = np.sort(answer_floats(answer["at"], "hardswish_gap['at']").ravel())
    ratio = answer_float(answer["cost_ratio"], "hardswish_gap['cost_ratio']")
    exact = 3 / (1 + math.exp(3))
    bump = -minimize_scalar(lambda t: -_swish_minus_hardswish(t), bounds=(0, 3), method="bounded",
                            options={"xatol": 1e-12}).fun
    if math.isclose(gap, bump, rel_tol=1e-3):
        raise IncorrectAnswer(f"gap = {gap!r} is the largest gap with Swish above hard-swish, inside (-3, 3). "
                              "Where is Swish below hard-swish, and by how much?")
    if not math.isclose(gap, exact, rel_tol=1e-12):
        close = math.isclose(gap, exact, rel_tol=1e-3)
        raise IncorrectAnswer(f"gap = {gap!r} is not the largest |swish(x) - hardswish(x)|"
                              + ("; it is right to a few digits only: a grid is not enough, the largest gap "
                                 "has a formula" if close else ""))
    if at.size == 1 and math.isclose(abs(float(at[0])), 3.0, abs_tol=1e-9):
        raise IncorrectAnswer(f"the gap is largest at {float(at[0])!r}, but not only there: swish(x) - "
                              "hardswish(x) is an even function of x (compare swish(-x) with swish(x) - x)")
    if at.size != 2 or not np.allclose(at, [-3.0, 3.0], rtol=0, atol=1e-9):
        raise IncorrectAnswer(f"hardswish_gap['at'] = {at.tolist()}: those are not the x where "
                              "|swish(x) - hardswish(x)| is largest (look where hard-swish's pieces meet)")
    if not (math.isfinite(ratio) and ratio > 0):
        raise IncorrectAnswer(f"hardswish_gap['cost_ratio'] = {ratio!r}: a ratio of two times must be a "
                              "positive number (Swish's time divided by hard-swish's)")
    return ("max |swish(x) - hardswish(x)| = 3/(1 + e^3) = 3 sigma(-3), about 0.1423, at x = -3 and x = 3, "
            "where hard-swish's quadratic piece meets its outer pieces. The check does not judge "
            "cost_ratio: a time ratio depends on the machine, its load and the size of the array.")
