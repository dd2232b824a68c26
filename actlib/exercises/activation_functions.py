"""Self-checks for the chapter "The activation functions"."""

import math

import numpy as np

from ..activations import maxout, softmax
from ..registry import derivative
from ._core import IncorrectAnswer, NotAnswered, call_answer, exercise, expect_close

CHAPTER = "activation_functions"


@exercise("activations-stable-softmax", chapter=CHAPTER, title="A softmax that cannot overflow",
          difficulty="medium")
def _stable_softmax(answer):
    scores = np.array([[1.0, 2.0, 3.0],
                       [0.0, math.log(7 / 3), -1.0],
                       [1000.0, 1001.0, 1002.0],
                       [-1000.0, 0.0, 1000.0],
                       [-800.0, -801.0, -799.0]])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        got = call_answer(answer, scores.copy(), what="stable_softmax(z)")
        vector = call_answer(answer, scores[0].copy(), what="stable_softmax(z) on a 1-D vector")
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise IncorrectAnswer(f"stable_softmax(z) should return an array of numbers; got {type(got).__name__}") \
            from None
    if got.shape != scores.shape:
        raise IncorrectAnswer(f"stable_softmax(z) should keep the shape of z, {scores.shape}; got {got.shape}")
    bad_rows = [i for i in range(len(scores)) if not np.all(np.isfinite(got[i]))]
    if bad_rows:
        row = scores[bad_rows[0]]
        raise IncorrectAnswer(f"stable_softmax(z) returned inf or NaN for the scores {row.tolist()}: exp of "
                              "large scores overflows (or of very negative ones underflows to 0/0). Subtract "
                              "each row's maximum before taking exp.")
    sums = got.sum(axis=-1)
    if not np.allclose(sums, 1.0, rtol=1e-9):
        raise IncorrectAnswer(f"each row of stable_softmax(z) should sum to 1; the row sums are {np.round(sums, 6)}. "
                              "Normalise along the last axis (axis=-1, keepdims=True).")
    expected = softmax(scores)
    for row, mine, right in zip(scores, got, expected, strict=True):
        if not np.allclose(mine, right, rtol=1e-9, atol=1e-12):
            raise IncorrectAnswer(f"for the scores {row.tolist()} stable_softmax(z) gives "
                                  f"{np.round(mine, 6).tolist()}; expected {np.round(right, 6).tolist()}")
    expect_close(vector, softmax(scores[0]), "stable_softmax(z) on a 1-D vector", rtol=1e-9, atol=1e-12)
    return ("Subtracting the maximum multiplies numerator and denominator by the same e^(-max), so nothing "
            "changes but every exp is at most 1.")


@exercise("activations-elu-derivative", chapter=CHAPTER, title="ELU's derivative is not always 1",
          difficulty="easy")
def _elu_derivative(answer):
    x = np.array([-30.0, -5.0, -2.0, -1.0, -0.25, -1e-3, 1e-3, 0.5, 1.0, 3.0, 30.0])
    for alpha in (1.0, 0.5):
        got = call_answer(answer, x.copy(), alpha=alpha, what=f"elu_derivative(x, alpha={alpha})")
        try:
            values = np.broadcast_to(np.asarray(got, dtype=float), x.shape)
        except (TypeError, ValueError):
            raise IncorrectAnswer(f"elu_derivative(x, alpha={alpha}) should return an array of numbers "
                                  f"shaped like x, {x.shape}") from None
        negative = x < 0
        if np.allclose(values[negative], 1.0):
            raise IncorrectAnswer("for x < 0 your derivative is 1, as article 000 claims; but there "
                                  "ELU(x) = alpha (e^x - 1), whose slope is alpha e^x, not 1")
        expect_close(values, derivative("elu", x, alpha=alpha), f"elu_derivative(x, alpha={alpha})", at=x)
    return "1 for x > 0 and alpha * e^x for x < 0: it tends to 0 on the left, so ELU can saturate there."


_LEAKY_KEYS = {
    "torch": (-0.02, "PyTorch's nn.LeakyReLU() has negative_slope=0.01"),
    "keras_layer": (-0.6, "Keras 3's layers.LeakyReLU() has negative_slope=0.3"),
    "keras_function": (-0.4, "keras.activations.leaky_relu has negative_slope=0.2"),
    "torch_true": (-2.0, "nn.LeakyReLU(True) passes True as negative_slope, i.e. 1.0: the identity"),
}


@exercise("activations-leaky-defaults", chapter=CHAPTER, title="Four Leaky ReLUs at x = -2", difficulty="easy")
def _leaky_defaults(answer):
    if not isinstance(answer, dict):
        raise IncorrectAnswer(f"answer with a dict with the keys {sorted(_LEAKY_KEYS)}; got {type(answer).__name__}")
    if any(answer.get(key) is None or answer.get(key) is Ellipsis for key in _LEAKY_KEYS):
        missing = sorted(k for k in _LEAKY_KEYS if answer.get(k) is None or answer.get(k) is Ellipsis)
        raise NotAnswered(f"activations-leaky-defaults: not answered yet; fill in {missing}")
    for key, (expected, hint) in _LEAKY_KEYS.items():
        try:
            value = float(np.asarray(answer[key], dtype=float).reshape(()))
        except (TypeError, ValueError):
            raise IncorrectAnswer(f"{key}: expected one number (the output at x = -2); got {answer[key]!r:.60}") \
                from None
        if not math.isclose(value, expected, rel_tol=1e-6):
            raise IncorrectAnswer(f"{key}: got {value!r}, which is not the output at x = -2. Hint: {hint}... "
                                  "evaluate the object itself rather than trusting a default from memory.")
    return "Two libraries, three default slopes, and one call that silently builds the identity."


@exercise("activations-maxout-square", chapter=CHAPTER, title="A Maxout unit that approximates x^2",
          difficulty="medium")
def _maxout_square(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise IncorrectAnswer("answer with a pair (weights, biases) of shapes (k, 1, 1) and (k, 1)")
    weights, biases = (np.asarray(a, dtype=float) if a is not None and a is not Ellipsis else None for a in answer)
    if weights is None or biases is None:
        raise NotAnswered("activations-maxout-square: not answered yet; fill in weights and biases")
    if weights.ndim != 3 or weights.shape[1:] != (1, 1):
        raise IncorrectAnswer(f"weights must have shape (k, 1, 1) (k pieces, 1 input, 1 unit); got {weights.shape}")
    k = weights.shape[0]
    if biases.shape != (k, 1):
        raise IncorrectAnswer(f"biases must have shape (k, 1) = {(k, 1)}; got {biases.shape}")
    if k > 10:
        raise IncorrectAnswer(f"use at most 10 pieces; you used k = {k}")
    x = np.linspace(-2.0, 2.0, 4001)
    error = np.abs(maxout(x[:, None], weights, biases)[:, 0] - x**2)
    worst = int(np.argmax(error))
    if error[worst] > 0.05:
        raise IncorrectAnswer(f"the largest error on [-2, 2] is {error[worst]:.4f} at x = {x[worst]:.3f}; it must "
                              "be at most 0.05. Tangent lines 2a x - a^2 at well-spread points a touch x^2 exactly; "
                              "the error is largest half-way between two touching points.")
    return (f"largest error {error.max():.4f} with k = {k} pieces. A single Maxout unit can only build convex "
            "functions, and with enough pieces it approximates any of them.")
