"""Self-checks for chapter 1, the perceptron and the step function."""

import itertools

import numpy as np

from ..activations import step
from ..network import forward
from ._core import IncorrectAnswer, answer_floats, answer_tuple, exercise

#: Every input of a 2-input and a 3-input Boolean function, in truth-table order.
INPUTS_2 = np.array(list(itertools.product((0.0, 1.0), repeat=2)))
INPUTS_3 = np.array(list(itertools.product((0.0, 1.0), repeat=3)))

GATES = {
    "AND": (0, 0, 0, 1), "OR": (0, 1, 1, 1), "NAND": (1, 1, 1, 0),
    "NOR": (1, 0, 0, 0), "XOR": (0, 1, 1, 0), "XNOR": (1, 0, 0, 1),
}


def _weights_and_bias(answer, n_inputs: int):
    """Unpack a ``(w, b)`` answer: ``w`` holds one weight per input, ``b`` is one number."""
    w, b = answer_tuple(answer, 2, f"answer with a pair (w, b): w holds {n_inputs} weights, b is one number")
    w, b = answer_floats(w, f"w ({n_inputs} weights)"), answer_floats(b, "b (one number)")
    if w.shape != (n_inputs,):
        raise IncorrectAnswer(f"w must hold {n_inputs} weights, one per input; got shape {w.shape}")
    if b.size != 1:
        raise IncorrectAnswer(f"b must be a single number (one bias per neuron); got shape {b.shape}")
    return w, float(b.reshape(()))


def _first_wrong_row(inputs, got, expected, what):
    """Raise IncorrectAnswer naming the first input where ``got`` differs from ``expected``."""
    wrong = np.flatnonzero(np.asarray(got) != np.asarray(expected))
    if wrong.size:
        i = wrong[0]
        row = tuple(int(v) for v in inputs[i])
        raise IncorrectAnswer(f"{what} is wrong on {wrong.size} of {len(inputs)} inputs; first on input "
                              f"{row}: it outputs {got[i]:g}, the target is {expected[i]:g}")


@exercise("perceptron-majority", chapter="perceptron", title="Train a 3-input majority gate",
          difficulty="medium")
def _majority(answer):
    w, b = _weights_and_bias(answer, 3)
    target = (INPUTS_3.sum(axis=1) >= 2).astype(float)
    _first_wrong_row(INPUTS_3, step(INPUTS_3 @ w + b), target, "step(x @ w + b)")
    return ("Majority is linearly separable: with equal weights w > 0 any bias -2w < b <= -w works, and "
            "unequal weights work too. Started at zero with rate 1, the rule stops where the order of the "
            "inputs takes it: in truth-table order (itertools.product) at w = (1, 1, 1), b = -1, with the "
            "three inputs that hold a single 1 on the boundary plane (u = 0); some other orders stop at other "
            "separating planes, e.g. w = (2, 2, 1), b = -2 with the inputs sorted by their number of 1s, "
            "ties kept in truth-table order (a stable sort).")


@exercise("perceptron-separable", chapter="perceptron", title="Which gates can one perceptron compute?",
          difficulty="easy")
def _separable(answer):
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        raise IncorrectAnswer("answer with a set of gate names, e.g. {'AND', 'XOR'}")
    names = {str(a).upper() for a in answer}
    unknown = names - set(GATES)
    if unknown:
        raise IncorrectAnswer(f"unknown gate name(s) {sorted(unknown)}; choose from {sorted(GATES)}")
    expected = {"AND", "OR", "NAND", "NOR"}
    extra, missing = names - expected, expected - names
    if extra:
        raise IncorrectAnswer(f"{sorted(extra)}: for these, no single line separates the 0s from the 1s; "
                              "the 1s sit on one diagonal of the unit square, the 0s on the other")
    if missing:
        hint = ("Each of AND, OR, NAND and NOR has one corner whose value differs from the other three, "
                "and one line cuts that corner off")
        if missing & {"NAND", "NOR"}:
            hint += ("; a perceptron with negative weights and a positive bias computes the negated "
                     "gates NAND and NOR too")
        raise IncorrectAnswer(f"missing: {sorted(missing)}. {hint}.")
    return "Of the 16 Boolean functions of two inputs, only XOR and XNOR are not linearly separable."


def two_layer_outputs(answer, hidden: str, output: str) -> np.ndarray:
    """Run a reader's ``[(W1, b1), (W2, b2)]`` on the four 2-input corners; their single output, shape (4,)."""
    layers = answer_tuple(answer, 2, "answer with two layers [(W1, b1), (W2, b2)]: a hidden layer and an output layer")
    try:
        out = forward(INPUTS_2, list(layers), hidden=hidden, output=output)
    except (TypeError, ValueError) as err:
        raise IncorrectAnswer(f"your layers do not fit together: {err}") from None
    if out.shape != (4, 1):
        raise IncorrectAnswer(f"the output layer must have one unit (W2 of shape (1, n_hidden)); "
                              f"got {out.shape[1]} outputs")
    return out[:, 0]


@exercise("perceptron-xnor", chapter="perceptron", title="XNOR from two layers of perceptrons",
          difficulty="medium")
def _xnor(answer):
    out = two_layer_outputs(answer, hidden="step", output="step")
    _first_wrong_row(INPUTS_2, out, np.array(GATES["XNOR"], dtype=float), "your network")
    return "XNOR = OR(AND, NOR): both hidden units are single perceptrons, the output combines them."


def _and_examples() -> tuple[np.ndarray, np.ndarray]:
    """AND with the bias folded in: inputs ``(x1, x2, 1)`` and targets ``s = 2t - 1`` in {-1, +1}."""
    folded = np.column_stack([INPUTS_2, np.ones(len(INPUTS_2))])
    return folded, 2.0 * np.array(GATES["AND"], dtype=float) - 1.0


#: The largest margin of a unit vector v over AND's folded examples: v = (2, 2, -3) / sqrt(17).
AND_BEST_MARGIN = 1 / np.sqrt(17.0)


@exercise("perceptron-margin", chapter="perceptron", title="Novikoff's bound for AND", difficulty="hard")
def _margin(answer):
    if isinstance(answer, (tuple, list)) and len(answer) == 2 \
            and isinstance(answer[0], (tuple, list, np.ndarray)) and len(answer[0]) == 2:
        answer = np.append(answer_floats(answer[0], "w"), answer_floats(answer[1], "b"))  # a pair (w, b)
    v = answer_floats(answer, "and_best_direction (three numbers: w1, w2, b)", shape=(3,))
    length = float(np.linalg.norm(v))
    if not np.isfinite(length) or length == 0:
        raise IncorrectAnswer("and_best_direction must be a non-zero vector (w1, w2, b)")
    folded, signs = _and_examples()
    margins = signs * (folded @ v) / length
    if margins.min() <= 0:
        i = int(np.argmin(margins))
        row = tuple(int(x) for x in INPUTS_2[i])
        raise IncorrectAnswer(f"v does not separate AND: input {row} (target {GATES['AND'][i]}) is on the "
                              f"{'line' if margins[i] == 0 else 'wrong side'}")
    if margins.min() < AND_BEST_MARGIN * (1 - 1e-6):
        closest = [tuple(int(x) for x in INPUTS_2[i]) for i in np.flatnonzero(margins < margins.min() + 1e-9)]
        raise IncorrectAnswer(f"v separates AND with margin {margins.min():.6f}, but a larger one exists: yours "
                              f"is set by {closest} alone; at the best v the closest examples are equally "
                              "close and cannot all be moved away at once")
    return ("v = (2, 2, -3) / sqrt(17), margin 1 / sqrt(17) = 0.2425; with R = sqrt(3) Novikoff's bound is "
            "(R / margin)^2 = 3 * 17 = 51 updates. The rule needed 10: the bound is a guarantee, not a forecast.")
