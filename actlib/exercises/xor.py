"""Self-checks for chapter 2, XOR: why we need non-linearity."""

import numpy as np

from ._core import IncorrectAnswer, call_answer, exercise, expect_close
from .perceptron import INPUTS_2 as INPUTS
from .perceptron import two_layer_outputs

XOR = np.array([0.0, 1.0, 1.0, 0.0])


@exercise("xor-relu", chapter="xor", title="XOR with ReLU hidden units", difficulty="medium")
def _relu(answer):
    out = two_layer_outputs(answer, hidden="relu", output="identity")
    off = np.flatnonzero(~np.isclose(out, XOR, rtol=0, atol=1e-6))
    if off.size:
        i = off[0]
        raise IncorrectAnswer(f"the output is off on {off.size} of 4 inputs; first on input "
                              f"({INPUTS[i, 0]:.0f}, {INPUTS[i, 1]:.0f}): got {out[i]:.6g}, XOR is {XOR[i]:.0f} "
                              "(exactly: ReLU and identity need no rounding)")
    return ("With W1 = [[1, 1], [1, 1]], b1 = [0, -1], W2 = [[1, -2]], b2 = [0]: the second unit only "
            "switches on at (1, 1), where it cancels the first. Exact 0s and 1s, no squashing needed.")


def _random_layers(rng, sizes):
    return [(rng.normal(size=(n_out, n_in)), rng.normal(size=n_out))
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]


@exercise("xor-collapse", chapter="xor", title="Collapse a stack of linear layers", difficulty="medium")
def _collapse(answer):
    rng = np.random.default_rng(3)
    for sizes in ([2, 3, 1], [3, 4, 2, 5], [2, 2]):
        layers = _random_layers(rng, sizes)
        w, b = layers[0]
        for w_next, b_next in layers[1:]:
            w, b = w_next @ w, w_next @ b + b_next
        got = call_answer(answer, layers, what="collapse(layers)")
        if isinstance(got, (str, bytes)) or not hasattr(got, "__len__") or len(got) != 2:
            raise IncorrectAnswer("collapse(layers) must return a pair (W, b)")
        shapes = " -> ".join(map(str, sizes))
        expect_close(got[0], w, f"W for layer sizes {shapes} (expected shape {w.shape})")
        expect_close(got[1], b, f"b for layer sizes {shapes}")
    return "W = W_L ... W_2 W_1 and b = W_L(...(W_2 b_1 + b_2)...) + b_L: any depth of linear layers is one layer."


@exercise("xor-hidden-gates", chapter="xor", title="What the hand-set units compute", difficulty="easy")
def _hidden_gates(answer):
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 3:
        raise IncorrectAnswer("answer with three gate names (unit 1, unit 2, output), e.g. ('AND', 'OR', 'XOR')")
    got = tuple(str(a).upper() for a in answer)
    expected = ("OR", "NAND", "AND")
    for where, g, e in zip(("hidden unit 1", "hidden unit 2", "the output unit"), got, expected, strict=True):
        if g != e:
            raise IncorrectAnswer(f"{where} is not {g}: print its output, rounded, for the four inputs and "
                                  "compare with the truth tables of chapter 1")
    return "XOR(x1, x2) = AND(OR(x1, x2), NAND(x1, x2)), the same decomposition as chapter 1's perceptrons."
