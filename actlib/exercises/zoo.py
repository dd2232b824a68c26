"""Self-checks for the activation zoo."""

import numpy as np

from ..registry import derivative
from ._core import IncorrectAnswer, call_answer, exercise, expect_close


@exercise("zoo-softplus-derivative", chapter="zoo", title="Differentiate softplus", difficulty="easy")
def _softplus_derivative(answer):
    x = np.array([-30.0, -5.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 5.0, 30.0])
    got = call_answer(answer, x, what="softplus_derivative(x)")
    expect_close(got, derivative("softplus", x), "softplus_derivative(x)", at=x)
    return "softplus' is the sigmoid: softplus is the integral of the sigmoid."


@exercise("zoo-bounded-below", chapter="zoo", title="Which activations are bounded below?",
          difficulty="easy")
def _bounded_below(answer):
    expected = {"step", "sigmoid", "tanh", "relu", "elu", "selu", "swish", "softplus", "gelu",
                "mish", "softmax"}
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        raise IncorrectAnswer("answer with a set of names, e.g. {'relu', 'sigmoid'}")
    answer = {str(a).lower() for a in answer}
    missing, extra = expected - answer, answer - expected
    if extra:
        raise IncorrectAnswer(f"{sorted(extra)} can go to -infinity: look at their left tails")
    if missing:
        raise IncorrectAnswer(f"{len(missing)} bounded-below activation(s) are missing; look again at "
                              "the ones whose left tail flattens out")
    return "Swish, GELU and Mish dip slightly below 0 and come back: bounded below (not above), and not monotonic."
