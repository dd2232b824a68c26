"""Self-checks for the chapter "The activation functions"."""

import math

import numpy as np

from ..activations import maxout, softmax, softplus
from ..registry import derivative
from ._core import (
    IncorrectAnswer,
    NotAnswered,
    answer_float,
    answer_floats,
    answer_tuple,
    call_answer,
    exercise,
    expect_close,
)
from ._observe import hidden_inputs

CHAPTER = "activation_functions"


@exercise("activations-stable-softmax", chapter=CHAPTER, title="A softmax that cannot overflow",
          difficulty="medium",
          giveaways=("actlib.softmax", "actlib.log_softmax", "actlib.activations_vector"))
def _stable_softmax(answer):
    scores = hidden_inputs(np.array([[1.0, 2.0, 3.0],
                                     [0.0, math.log(7 / 3), -1.0],
                                     [1000.0, 1001.0, 1002.0],
                                     [-1000.0, 0.0, 1000.0],
                                     [-800.0, -801.0, -799.0]]),
                           lambda rng: rng.uniform(-900.0, 900.0, (6, 3)))  # (the grader's hidden probes)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        got = call_answer(answer, scores.copy(), what="stable_softmax(z)")
        vector = call_answer(answer, scores[0].copy(), what="stable_softmax(z) on a 1-D vector")
    got = answer_floats(got, "stable_softmax(z)")
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
          difficulty="easy",
          giveaways=("actlib.derivative", "actlib.derivatives", "actlib.get"))
def _elu_derivative(answer):
    x = hidden_inputs(np.array([-30.0, -5.0, -2.0, -1.0, -0.25, -1e-3, 1e-3, 0.5, 1.0, 3.0, 30.0]),
                      lambda rng: rng.uniform(-10.0, 10.0, 24))  # (the grader's hidden probes)
    for alpha in (1.0, 0.5):
        got = call_answer(answer, x.copy(), alpha=alpha, what=f"elu_derivative(x, alpha={alpha})")
        values = answer_floats(got, f"elu_derivative(x, alpha={alpha})", shape=x.shape)
        negative = x < 0
        if np.allclose(values[negative], 1.0):
            raise IncorrectAnswer("for x < 0 your derivative is 1, as article 000 claims; but there "
                                  "ELU(x) = alpha (e^x - 1), whose slope is alpha e^x, not 1")
        expect_close(values, derivative("elu", x, alpha=alpha), f"elu_derivative(x, alpha={alpha})", at=x)
    return "1 for x > 0 and alpha * e^x for x < 0: it tends to 0 on the left, so ELU can saturate there."


# The unit's input is x = -0.6 / 0.3 = -2 (the Keras layer's default slope); each key's output there.
_LEAKY_KEYS = {
    "torch": (-0.02, "PyTorch's nn.LeakyReLU() has its own default negative_slope"),
    "keras_layer": (-0.6, "the exercise gives this one: the Keras layer's output is -0.6"),
    "keras_function": (-0.4, "keras.activations.leaky_relu's default slope is not the layer's"),
    "torch_true": (-2.0, "nn.LeakyReLU(True) passes True as negative_slope, i.e. 1.0: the identity"),
}


@exercise("activations-leaky-defaults", chapter=CHAPTER, title="Port a Leaky ReLU", difficulty="medium")
def _leaky_defaults(answer):
    if not isinstance(answer, dict):
        raise IncorrectAnswer(f"answer with a dict with the keys {sorted(_LEAKY_KEYS)}; got {type(answer).__name__}")
    if any(answer.get(key) is None or answer.get(key) is Ellipsis for key in _LEAKY_KEYS):
        missing = sorted(k for k in _LEAKY_KEYS if answer.get(k) is None or answer.get(k) is Ellipsis)
        raise NotAnswered(f"activations-leaky-defaults: not answered yet; fill in {missing}")
    for key, (expected, hint) in _LEAKY_KEYS.items():
        value = answer_float(answer[key], f"{key} (the unit's output)")
        if not math.isclose(value, expected, rel_tol=1e-6):
            raise IncorrectAnswer(f"{key}: got {value!r}, which is not the unit's output. Hint: {hint}. First "
                                  "find the input x that the Keras layer maps to -0.6 (read its slope from the "
                                  "object), then evaluate this activation at that x.")
    return ("The input was -0.6 / 0.3 = -2. Two libraries, three default slopes, and one call that silently "
            "builds the identity: a port that trusts the defaults changes the model.")


#: The tolerance of activations-maxout-square, and the fewest pieces that meet it: a line is off from
#: x^2 by at least d^2/8 on an interval of length d, and some piece covers at least 4/k of [-2, 2].
_MAXOUT_TOLERANCE = 0.01
_MAXOUT_FEWEST = math.ceil(math.sqrt(2 / _MAXOUT_TOLERANCE))


@exercise("activations-maxout-square", chapter=CHAPTER, title="The fewest Maxout pieces for x squared",
          difficulty="hard")
def _maxout_square(answer):
    answer = answer_tuple(answer, 2, "answer with a pair (weights, biases) of shapes (k, 1, 1) and (k, 1)")
    if any(a is None or a is Ellipsis for a in answer):
        raise NotAnswered("activations-maxout-square: not answered yet; fill in weights and biases")
    weights, biases = answer_floats(answer[0], "weights"), answer_floats(answer[1], "biases")
    if weights.ndim != 3 or weights.shape[1:] != (1, 1):
        raise IncorrectAnswer("weights must have shape (k, 1, 1) (k pieces, each an (n_in, n_out) = (1, 1) "
                              f"matrix, the layout of actlib.maxout); got {weights.shape}")
    k = weights.shape[0]
    if biases.shape != (k, 1):
        raise IncorrectAnswer(f"biases must have shape (k, 1) = {(k, 1)}; got {biases.shape}")
    if k > 1000:
        raise IncorrectAnswer(f"k = {k} pieces is far more than needed; the question asks for the fewest")
    # a grid of step 1e-4: the error's peaks (at the kinks) cannot hide between its points
    x = np.linspace(-2.0, 2.0, 40_001)
    error = np.abs(maxout(x[:, None], weights, biases)[:, 0] - x**2)
    worst = int(np.argmax(error))
    if error[worst] > _MAXOUT_TOLERANCE:
        raise IncorrectAnswer(f"with k = {k} pieces the largest error on [-2, 2] is {error[worst]:.4f} at "
                              f"x = {x[worst]:.4f}; it must be at most {_MAXOUT_TOLERANCE}. Tangent lines touch x^2, "
                              "so all their error is on one side of it: could lines that cross x^2 do better?")
    if k > _MAXOUT_FEWEST:
        raise IncorrectAnswer(f"within {_MAXOUT_TOLERANCE} with k = {k} pieces (largest error {error.max():.4f}), "
                              "but fewer pieces can do it. How far must a single line be from x^2, at best, on an "
                              "interval of length d? Spread the pieces so that none covers more than it must.")
    return (f"k = {k} pieces, largest error {error.max():.4f}. No fewer can do: some piece covers an interval of "
            f"length at least 4/k, where a line is off from x^2 by at least (4/k)^2/8 = 2/k^2 > "
            f"{_MAXOUT_TOLERANCE} for k < {_MAXOUT_FEWEST}.")


@exercise("activations-log-sigmoid", chapter=CHAPTER, title="A log-sigmoid that neither overflows nor rounds away",
          difficulty="medium",
          giveaways=("actlib.logsigmoid", "actlib.softplus"))
def _log_sigmoid(answer):
    z = hidden_inputs(np.array([-1000.0, -745.0, -40.0, -5.0, -1e-3, 0.0, 1e-3, 2.0, 20.0, 40.0, 100.0, 1000.0]),
                      lambda rng: rng.choice([-1.0, 1.0], 24) * 10.0 ** rng.uniform(-4.0, 3.0, 24))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        got = call_answer(answer, z.copy(), what="log_sigmoid(z)")
    values = answer_floats(got, "log_sigmoid(z)", shape=z.shape)
    expected = -softplus(-z)  # log sigma(z) = -log(1 + e^-z)
    bad = ~np.isfinite(values)
    if bad.any():
        at = float(z[np.argmax(bad)])
        raise IncorrectAnswer(f"log_sigmoid(z) returned {float(values[np.argmax(bad)])!r} at z = {at!r}; "
                              f"expected {float(expected[np.argmax(bad)])!r}. Either sigma(z) underflowed to 0 "
                              "before the log, or exp overflowed: arrange the formula so that exp only ever sees "
                              "-|z|.")
    tiny = (values == 0) & (expected != 0)  # (at z = 1000 the answer does round to 0)
    if tiny.any():
        at = float(z[np.argmax(tiny)])
        raise IncorrectAnswer(f"log_sigmoid({at!r}) = 0.0, but it is {float(expected[np.argmax(tiny)])!r}: log(1 + e) "
                              "rounds to log(1.0) = 0 when e is below 1e-16. NumPy has a function for log(1 + e) "
                              "that keeps small e.")
    expect_close(values, expected, "log_sigmoid(z)", rtol=1e-12, atol=0, at=z)
    return ("log sigma(z) = min(z, 0) - log1p(exp(-|z|)): exp never overflows, and log1p keeps the tiny "
            "values that log(1 + ...) rounds to 0. The binary cross-entropy in actlib.losses is built the same "
            "way (through softplus).")
