"""Self-checks for chapter 1, the perceptron and the step function."""

import itertools

import numpy as np

from ..activations import step
from ..network import forward
from ._core import IncorrectAnswer, exercise

#: Every input of a 2-input and a 3-input Boolean function, in truth-table order.
INPUTS_2 = np.array(list(itertools.product((0.0, 1.0), repeat=2)))
INPUTS_3 = np.array(list(itertools.product((0.0, 1.0), repeat=3)))

GATES = {
    "AND": (0, 0, 0, 1), "OR": (0, 1, 1, 1), "NAND": (1, 1, 1, 0),
    "NOR": (1, 0, 0, 0), "XOR": (0, 1, 1, 0), "XNOR": (1, 0, 0, 1),
}


def _weights_and_bias(answer, n_inputs: int):
    """Unpack a ``(w, b)`` answer: ``w`` holds one weight per input, ``b`` is one number."""
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        raise IncorrectAnswer(f"answer with a pair (w, b): w holds {n_inputs} weights, b is one number")
    w, b = answer
    try:
        w = np.asarray(w, dtype=float)
        b = np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        raise IncorrectAnswer("w and b must be numbers (w a list or array of them)") from None
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
    return ("Majority is linearly separable. With equal weights w > 0, any bias -2w < b <= -w works; "
            "the rule started at zero with rate 1 stops at w = (1, 1, 1), b = -1, with one input on the line.")


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
        raise IncorrectAnswer(f"{sorted(extra)}: no single line separates its 0s from its 1s; the 1s sit "
                              "on one diagonal of the unit square, the 0s on the other")
    if missing:
        raise IncorrectAnswer(f"{len(missing)} gate(s) are missing: a perceptron with negative weights "
                              "and a positive bias computes the negated gates too")
    return "Of the 16 Boolean functions of two inputs, only XOR and XNOR are not linearly separable."


def two_layer_outputs(answer, hidden: str, output: str) -> np.ndarray:
    """Run a reader's ``[(W1, b1), (W2, b2)]`` on the four 2-input corners; their single output, shape (4,)."""
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        raise IncorrectAnswer("answer with two layers [(W1, b1), (W2, b2)]: a hidden layer and an output layer")
    try:
        out = forward(INPUTS_2, list(answer), hidden=hidden, output=output)
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
