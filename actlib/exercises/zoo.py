"""Self-checks for the activation zoo (zoo.ipynb and zoo_compared.ipynb)."""

import math
from collections.abc import Mapping

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import erfcx

from ..activations import SELU_ALPHA, SELU_SCALE, swish
from ..activations_piecewise import hardswish
from ..activations_vector import sparsemax
from ..registry import derivative, get, names
from ._core import IncorrectAnswer, answer_float, answer_floats, call_answer, exercise, expect_close
from ._observe import hidden_inputs


@exercise("zoo-softplus-derivative", chapter="zoo", title="Differentiate softplus", difficulty="easy",
          giveaways=("actlib.derivative", "actlib.derivatives", "actlib.get", "actlib.sigmoid"))
def _softplus_derivative(answer):
    x = hidden_inputs(np.array([-30.0, -5.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 5.0, 30.0]),
                      lambda rng: rng.uniform(-40.0, 40.0, 24))  # (the grader's hidden probes)
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


# --- zoo_compared.ipynb ------------------------------------------------------------------------

@exercise("zoo-stack-gradient", chapter="zoo", title="The gradient through a stack of layers", difficulty="easy",
          giveaways=("actlib.interactive.depth_gradient",))
def _stack_gradient(answer):
    from ..interactive import depth_gradient  # (the explorer's own; no Plotly needed)

    x = np.linspace(-3, 3, 61)  # includes 0, ELU's and Leaky ReLU's kink
    cases = [("sigmoid", 5, {}), ("tanh", 3, {}), ("swish", 2, {}), ("elu", 5, {"alpha": 2.0}),
             ("leaky_relu", 4, {"alpha": 0.2})]
    for name, depth, params in cases:
        what = f"stack_gradient({name!r}, x, {depth}" + "".join(f", {k}={v}" for k, v in params.items()) + ")"
        got = call_answer(answer, name, x, depth, what=what, **params)
        expected = depth_gradient(name, x, depth, **params)
        values = answer_floats(got, what)
        if values.shape == x.shape:
            if np.allclose(values, derivative(name, x, **params) ** depth) and not np.allclose(values, expected):
                raise IncorrectAnswer(f"{what} is f'(x)**{depth}: every layer's slope is taken at x. Layer k's "
                                      "slope is f'(z_(k-1)), at the output of the layer below (z_0 = x).")
            if np.allclose(values, np.abs(expected)) and not np.allclose(values, expected):
                raise IncorrectAnswer(f"{what} is the size of the factor, as the explorer plots it; return it "
                                      "with its sign (Swish's slope is negative left of about -1.28)")
        expect_close(values, expected, what, rtol=1e-12, atol=1e-15, at=x)
    return ("dz_D/dx = f'(z_0) f'(z_1) ... f'(z_(D-1)): carry z and the product through the layers, each slope "
            "at its own layer's input. It is actlib.interactive.depth_gradient, the explorer's bottom panel.")


@exercise("zoo-keras-sparsemax-right", chapter="zoo", title="Scores that Keras's sparsemax gets right",
          difficulty="medium")
def _keras_sparsemax_right(answer):
    # Keras 3.15's threshold is (c_1 + ... + c_k - 1)/k, sparsemax's (c_k - 1)/k (c_j: the sum of the j
    # largest scores, k: the size of the support); they agree exactly when c_1 + ... + c_(k-1) = 0,
    # for three scores in the support 2 z_(1) + z_(2) = 0.
    z = answer_floats(answer, "right_scores")
    if z.shape != (3,):
        raise IncorrectAnswer(f"right_scores must be three scores, an array of shape (3,); got shape {z.shape}")
    shares = sparsemax(z)
    k = int(np.count_nonzero(shares > 0))
    if k < 3:
        raise IncorrectAnswer(f"sparsemax({z.tolist()}) = {np.round(shares, 6).tolist()}: only {k} of the three "
                              "scores are in the support (a share above 0); the exercise asks for all three")
    c = np.cumsum(np.sort(z)[::-1])
    theirs, right = (c.sum() - 1) / 3, (c[-1] - 1) / 3
    if not math.isclose(theirs, right, rel_tol=0, abs_tol=1e-9 * max(1.0, float(np.abs(z).max()))):
        keras_shares = np.maximum(z - theirs, 0)
        raise IncorrectAnswer(f"for {z.tolist()} Keras's threshold is {theirs:.6g}, the right one {right:.6g}: Keras "
                              f"returns {np.round(keras_shares, 6).tolist()}, not {np.round(shares, 6).tolist()}. "
                              "When are the two thresholds equal?")
    return ("Keras adds up every partial sum c_1 + c_2 + c_3 where sparsemax takes c_3 alone: the two agree when "
            "c_1 + c_2 = 0, that is 2 z_(1) + z_(2) = 0 for the sorted scores, a set of measure 0.")


def _selu_second_moment(q: float) -> float:
    """E[SELU(sqrt(q) xi)^2] for xi ~ N(0, 1): lambda^2 q / 2 from xi > 0, and from xi < 0
    lambda^2 alpha^2 E[(e^(s xi) - 1)^2; xi < 0], s = sqrt(q), where E[e^(t xi); xi < 0] = erfcx(t/sqrt 2)/2."""
    s = math.sqrt(q)
    negative = erfcx(math.sqrt(2) * s) / 2 - erfcx(s / math.sqrt(2)) + 0.5
    return float(SELU_SCALE**2 * q / 2 + SELU_SCALE**2 * SELU_ALPHA**2 * negative)


def _selu_fixed_point(gain: float) -> float:
    """The q > 0 with q = gain^2 E[SELU(sqrt(q) xi)^2]: one root for 0.7 < gain < 1.34."""
    return brentq(lambda q: gain**2 * _selu_second_moment(q) - q, 1e-9, 1e4, xtol=1e-15, rtol=1e-14)


@exercise("zoo-selu-gain-fixed-point", chapter="zoo", title="Where calculate_gain('selu') leads a SELU network",
          difficulty="hard")
def _selu_gain_fixed_point(answer):
    for gain in (1.0, 0.75, 0.9, 1.1, 1.25):
        what = f"selu_fixed_point({gain})"
        q = answer_float(call_answer(answer, gain, what=what), what)
        expected = _selu_fixed_point(gain)
        if math.isclose(q, expected, rel_tol=1e-6):
            continue
        if gain == 1.0:
            raise IncorrectAnswer(f"{what} = {q!r}: with gain 1 (LeCun normal) the second moment must stay at 1, "
                                  "the point SELU's lambda and alpha were chosen for. Check your "
                                  "E[SELU(sqrt(q) xi)^2] at q = 1: it is 1.")
        if not (math.isfinite(q) and q > 0):
            raise IncorrectAnswer(f"{what} = {q!r}: a second moment E[u^2] is a positive number")
        image = float(gain**2 * _selu_second_moment(q))
        raise IncorrectAnswer(f"{what} = {q!r} is not where the map settles: one more layer takes it to {image!r}"
                              + (" (close: iterate longer, or solve q = g^2 E[SELU(sqrt(q) xi)^2] with a root "
                                 "finder)" if math.isclose(q, expected, rel_tol=1e-2) else ""))
    settled = _selu_fixed_point(0.75)
    return (f"With LeCun-normal weights (gain 1) E[u^2] stays at 1; with calculate_gain('selu') = 3/4 it settles "
            f"at {settled:.4f}, pre-activations {math.sqrt(settled):.2f} times as large: the normalisation is gone.")
