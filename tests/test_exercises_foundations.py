"""The self-checks of chapters 1, 2 and 4: each accepts the book's answer, rejects a wrong one
with a helpful message, and reports a stub as not answered."""

import numpy as np
import pytest

import actlib
import actlib.network
from actlib.exercises import IncorrectAnswer, NotAnswered, exercises

INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
FOUNDATION_CHAPTERS = ("perceptron", "xor", "forward")
#: The checks whose answer is a function: a stub there is a function that raises NotImplementedError.
FUNCTION_ANSWERS = {"xor-collapse", "forward-new-size", "forward-parameter-count"}


def _raises_not_implemented(*args, **kwargs):
    raise NotImplementedError


def test_the_foundation_chapters_have_at_least_three_checks_each():
    for chapter in FOUNDATION_CHAPTERS:
        labels = [e.label for e in exercises(chapter)]
        assert len(labels) >= 3, chapter
        assert all(label.startswith(f"{chapter}-") for label in labels)


@pytest.mark.parametrize("label", [e.label for c in FOUNDATION_CHAPTERS for e in exercises(c)])
def test_stubs_are_not_answered(label):
    stubs = (None, ..., _raises_not_implemented) if label in FUNCTION_ANSWERS else (None, ...)
    for stub in stubs:
        with pytest.raises(NotAnswered, match="not answered yet"):
            actlib.check(label, stub)


# --- chapter 1: the perceptron ------------------------------------------------------------

def test_perceptron_majority(capsys):
    actlib.check("perceptron-majority", (np.array([1.0, 1.0, 1.0]), -1.0))
    actlib.check("perceptron-majority", ([1, 1, 1], -1.5))
    assert "Correct (perceptron-majority)" in capsys.readouterr().out
    with pytest.raises(IncorrectAnswer, match=r"wrong on 3 of 8 inputs; first on input \(0, 0, 1\): "
                                              r"it outputs 1, the target is 0"):
        actlib.check("perceptron-majority", ([1, 1, 1], -0.5))
    with pytest.raises(IncorrectAnswer, match=r"w must hold 3 weights.*got shape \(2,\)"):
        actlib.check("perceptron-majority", ([1, 1], -1.5))
    with pytest.raises(IncorrectAnswer, match=r"answer with a pair \(w, b\)"):
        actlib.check("perceptron-majority", [1, 1, 1])
    with pytest.raises(IncorrectAnswer, match="b must be a single number"):
        actlib.check("perceptron-majority", ([1, 1, 1], [-1, -1]))


def test_perceptron_separable():
    actlib.check("perceptron-separable", {"AND", "OR", "NAND", "NOR"})
    actlib.check("perceptron-separable", ["and", "or", "nand", "nor"])
    with pytest.raises(IncorrectAnswer, match=r"\['XOR'\]: no single line separates"):
        actlib.check("perceptron-separable", {"AND", "OR", "NAND", "NOR", "XOR"})
    with pytest.raises(IncorrectAnswer, match="1 gate\\(s\\) are missing: a perceptron with negative weights"):
        actlib.check("perceptron-separable", {"AND", "OR", "NAND"})
    with pytest.raises(IncorrectAnswer, match=r"unknown gate name\(s\) \['IMPLIES'\]"):
        actlib.check("perceptron-separable", {"AND", "IMPLIES"})
    with pytest.raises(IncorrectAnswer, match="answer with a set of gate names"):
        actlib.check("perceptron-separable", "AND")


def test_perceptron_xnor():
    right = [(np.array([[2.0, 1.0], [-1.0, -1.0]]), np.array([-2.0, 1.0])),
             (np.array([[1.0, 1.0]]), np.array([0.0]))]
    actlib.check("perceptron-xnor", right)
    xor = [(np.array([[1.0, 1.0], [-2.0, -1.0]]), np.array([0.0, 3.0])),
           (np.array([[2.0, 1.0]]), np.array([-2.0]))]
    with pytest.raises(IncorrectAnswer, match=r"wrong on 4 of 4 inputs; first on input \(0, 0\): it outputs 0, "
                                              r"the target is 1"):
        actlib.check("perceptron-xnor", xor)
    with pytest.raises(IncorrectAnswer, match=r"do not fit together: layer 2: weights must have shape \(n_out, 2\)"):
        actlib.check("perceptron-xnor", [right[0], (np.ones((1, 3)), np.zeros(1))])
    with pytest.raises(IncorrectAnswer, match="must have one unit"):
        actlib.check("perceptron-xnor", [right[0], (np.ones((2, 2)), np.zeros(2))])
    with pytest.raises(IncorrectAnswer, match="answer with two layers"):
        actlib.check("perceptron-xnor", right + right)
    with pytest.raises(IncorrectAnswer, match=r"layer 1: expected a \(W, b\) pair"):
        actlib.check("perceptron-xnor", right[0][0])


# --- chapter 2: XOR ------------------------------------------------------------------------

RELU_XOR = [(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0])),
            (np.array([[1.0, -2.0]]), np.array([0.0]))]


def test_xor_relu():
    actlib.check("xor-relu", RELU_XOR)
    rounded_only = [(RELU_XOR[0][0], RELU_XOR[0][1]), (np.array([[0.9, -1.8]]), np.array([0.0]))]
    with pytest.raises(IncorrectAnswer, match=r"off on 2 of 4 inputs; first on input \(0, 1\): got 0.9, XOR is 1"):
        actlib.check("xor-relu", rounded_only)
    with pytest.raises(IncorrectAnswer, match=r"layer 2: weights must have shape \(n_out, 2\)"):
        actlib.check("xor-relu", [RELU_XOR[0], (np.ones((1, 3)), np.zeros(1))])
    with pytest.raises(IncorrectAnswer, match="must have one unit"):
        actlib.check("xor-relu", [RELU_XOR[0], (np.ones((2, 2)), np.zeros(2))])
    with pytest.raises(IncorrectAnswer, match="answer with two layers"):
        actlib.check("xor-relu", RELU_XOR + RELU_XOR[:1])


def test_xor_collapse():
    def collapse(layers):
        w, b = layers[0]
        for w_next, b_next in layers[1:]:
            w, b = w_next @ w, w_next @ b + b_next
        return w, b

    actlib.check("xor-collapse", collapse)

    def forgets_the_bias_path(layers):
        w, b = layers[0]
        for w_next, b_next in layers[1:]:
            w, b = w_next @ w, b_next
        return w, b

    with pytest.raises(IncorrectAnswer, match=r"b for layer sizes 2 -> 3 -> 1: 1 of 1 values are off"):
        actlib.check("xor-collapse", forgets_the_bias_path)

    def wrong_order(layers):
        w, b = layers[0]
        for w_next, b_next in layers[1:]:
            w, b = w @ w_next, w_next @ b + b_next
        return w, b

    with pytest.raises(IncorrectAnswer, match="raised ValueError: matmul"):
        actlib.check("xor-collapse", wrong_order)
    with pytest.raises(IncorrectAnswer, match="must return a pair"):
        actlib.check("xor-collapse", lambda layers: layers[0][0])


def test_xor_hidden_gates():
    actlib.check("xor-hidden-gates", ("OR", "NAND", "AND"))
    actlib.check("xor-hidden-gates", ["or", "nand", "and"])
    with pytest.raises(IncorrectAnswer, match="hidden unit 2 is not AND"):
        actlib.check("xor-hidden-gates", ("OR", "AND", "AND"))
    with pytest.raises(IncorrectAnswer, match="the output unit is not XOR"):
        actlib.check("xor-hidden-gates", ("OR", "NAND", "XOR"))
    with pytest.raises(IncorrectAnswer, match="answer with three gate names"):
        actlib.check("xor-hidden-gates", "OR NAND AND")


# --- chapter 4: forward propagation --------------------------------------------------------

def test_forward_new_size():
    w1 = np.array([[1.0, -1.0], [0.5, 0.5], [-1.0, 2.0], [2.0, 1.0]])
    b1 = np.array([0.0, -0.5, 0.25, -1.0])
    w2, b2 = np.array([[1.0, -2.0, 0.5, 1.0]]), np.array([0.1])

    def forward_2_4_1(x):
        return np.maximum(0, x @ w1.T + b1) @ w2.T + b2

    actlib.check("forward-new-size", forward_2_4_1)
    with pytest.raises(IncorrectAnswer, match=r"values are off"):
        actlib.check("forward-new-size", lambda x: actlib.sigmoid(x @ w1.T + b1) @ w2.T + b2)
    with pytest.raises(IncorrectAnswer, match=r"must have shape \(6, 1\) \(one row per example.*got \(6,\)"):
        actlib.check("forward-new-size", lambda x: forward_2_4_1(x)[:, 0])
    with pytest.raises(IncorrectAnswer, match="raised ValueError: matmul"):
        actlib.check("forward-new-size", lambda x: np.maximum(0, x @ w1 + b1) @ w2.T + b2)


def test_forward_parameter_count():
    def count(sizes):
        return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))

    actlib.check("forward-parameter-count", count)
    with pytest.raises(IncorrectAnswer, match=r"returned 16; that is too few: did you count the biases"):
        actlib.check("forward-parameter-count", lambda sizes: count(sizes) - sum(sizes[1:]))
    with pytest.raises(IncorrectAnswer, match="too many"):
        actlib.check("forward-parameter-count", lambda sizes: count(sizes) + sum(sizes[:1]))
    with pytest.raises(IncorrectAnswer, match="must return an int; got float"):
        actlib.check("forward-parameter-count", lambda sizes: float(count(sizes)))


def test_forward_keras_kernel():
    w2 = actlib.network.article_004_layers()[1][0]
    actlib.check("forward-keras-kernel", w2.T)
    with pytest.raises(IncorrectAnswer, match=r"that is W2 itself, shape \(2, 3\).*PyTorch's layout"):
        actlib.check("forward-keras-kernel", w2)
    with pytest.raises(IncorrectAnswer, match=r"kernel of shape \(3, 2\); got \(6,\)"):
        actlib.check("forward-keras-kernel", w2.ravel())
    with pytest.raises(IncorrectAnswer, match="values are off"):
        actlib.check("forward-keras-kernel", w2.reshape(3, 2))


def test_forward_sigmoid_output():
    actlib.check("forward-sigmoid-output", [0.57855079, 0.66736228])
    with pytest.raises(IncorrectAnswer, match="that is the identity output u3"):
        actlib.check("forward-sigmoid-output", np.array([0.31682708, 0.69627909]))
    with pytest.raises(IncorrectAnswer, match="values are off"):
        actlib.check("forward-sigmoid-output", [0.6, 0.7])
    with pytest.raises(IncorrectAnswer, match="answer with a NumPy array"):
        actlib.check("forward-sigmoid-output", {"a": 1})
