"""Self-checks for chapter 2, XOR: why we need non-linearity."""

import numpy as np

from ..network import article_003_xor_layers, forward
from ._core import IncorrectAnswer, answer_float, answer_tuple, call_answer, exercise, expect_close
from .perceptron import GATES, two_layer_outputs
from .perceptron import INPUTS_2 as INPUTS

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
        got = answer_tuple(got, 2, "collapse(layers) must return a pair (W, b)")
        shapes = " -> ".join(map(str, sizes))
        expect_close(got[0], w, f"W for layer sizes {shapes} (expected shape {w.shape})")
        expect_close(got[1], b, f"b for layer sizes {shapes}")
    return ("For layers 1 to K, W = W_K ... W_2 W_1 and b = W_K(...(W_2 b_1 + b_2)...) + b_K: any depth of "
            "linear layers is one layer.")


#: A grid over the square and around it, on which two networks must agree to be "the same function".
_GRID = np.array([(a, b) for a in np.linspace(-0.5, 1.5, 21) for b in np.linspace(-0.5, 1.5, 21)])


def _table_name(table) -> str:
    """``"AND"`` for the truth table (0, 0, 0, 1), or the table itself if it is not a named gate."""
    names = {v: k for k, v in GATES.items()}
    return names.get(tuple(int(v) for v in table), f"the table {tuple(int(v) for v in table)}")


def _sigmoid_network(answer, points):
    """A reader's 2-2-1 ``[(W1, b1), (W2, b2)]`` with sigmoid units: its output and hidden outputs."""
    two_layer_outputs(answer, hidden="sigmoid", output="sigmoid")  # shapes, with clear messages
    out, stages = forward(points, list(answer), hidden="sigmoid", output="sigmoid", return_stages=True)
    if stages["z1"].shape[1] != 2:
        raise IncorrectAnswer(f"the hidden layer must have two units, like article 003's; got {stages['z1'].shape[1]}")
    return out[:, 0], stages["z1"]


@exercise("xor-hidden-gates", chapter="xor", title="Same function, other gates", difficulty="medium")
def _hidden_gates(answer):
    expected = forward(_GRID, article_003_xor_layers(), hidden="sigmoid", output="sigmoid")[:, 0]
    got, _ = _sigmoid_network(answer, _GRID)
    expect_close(got, expected, "your network's output against the hand-set one's on a grid over "
                 "[-0.5, 1.5]^2 (flipping a unit's signs turns its output z into 1 - z: the output layer "
                 "must compensate)", rtol=1e-9, atol=1e-12)
    _, hidden = _sigmoid_network(answer, INPUTS)
    gates = sorted(_table_name(np.round(hidden[:, k])) for k in range(2))
    if gates != ["AND", "OR"]:
        raise IncorrectAnswer(f"the same function, but your hidden units compute {gates[0]} and {gates[1]} "
                              "(rounded, on the four corners): one should be OR, the other AND")
    return ("Negating the NAND unit's weights and bias gives sigma(10 x1 + 10 x2 - 15), an AND, with output "
            "1 - NAND; the output unit then takes -10 for that unit and b2 = -15 + 10 = -5. Different "
            "weights, different gates, one function: a network's weights are not unique.")


#: XOR's failure rate (never all outputs within 0.1 in 2,000 iterations of gradient descent, learning
#: rate 1) of the 2-m-1 sigmoid network started as in chapter 2, over seeds 0-99, by hidden width m.
#: tests/test_exercises_foundations.py recomputes them.
XOR_FAILURE_RATES = {2: 0.31, 3: 0.06, 4: 0.01, 8: 0.0}


@exercise("xor-width-failures", chapter="xor", title="How often does XOR training fail?", difficulty="hard")
def _width_failures(answer):
    if not isinstance(answer, dict):
        raise IncorrectAnswer("answer with a dict {width: failure rate}, e.g. {2: 0.5, 3: 0.4, 4: 0.3, 8: 0.2}")
    missing = sorted(set(XOR_FAILURE_RATES) - set(answer))
    if missing:
        raise IncorrectAnswer(f"the dict has no rate for width(s) {missing}; measure widths 2, 3, 4 and 8")
    for width, expected in XOR_FAILURE_RATES.items():
        rate = answer_float(answer[width], f"failure_rate[{width}]")
        if not 0.0 <= rate <= 1.0:
            raise IncorrectAnswer(f"failure_rate[{width}] = {rate:g}: give a fraction of the 100 seeds "
                                  "(0.25, not 25)")
        if abs(rate - expected) > 0.02 + 1e-12:
            raise IncorrectAnswer(f"failure_rate[{width}] = {rate:g} is not what the chapter's recipe gives "
                                  "(more than 2 of 100 seeds off): start each seed as the chapter does "
                                  "(rng = np.random.default_rng(seed); W1, then W2 from rng.normal; zero "
                                  "biases), learning rate 1, at most 2,000 iterations, success = every "
                                  "output within 0.1 of its target")
    return ("Failure rates 31 %, 6 %, 1 % and 0 % for 2, 3, 4 and 8 hidden units: two units are enough to "
            "compute XOR, but from the chapter's random start (standard normal weights, zero biases) gradient "
            "descent finds such weights in about two runs of three (learning rate 1, 2,000 iterations); "
            "with more units, fewer of the same seeds get stuck.")
