"""The self-checks of chapters 1, 2 and 4: each accepts the book's answer, rejects a wrong one
with a helpful message, and reports a stub as not answered."""

import itertools

import numpy as np
import pytest

import actlib
import actlib.network
from actlib.exercises import IncorrectAnswer, NotAnswered, exercises

INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
FOUNDATION_CHAPTERS = ("perceptron", "xor", "forward")
#: The checks whose answer is a function: a stub there is a function that raises NotImplementedError.
FUNCTION_ANSWERS = {"xor-collapse", "forward-new-size", "forward-parameter-count", "forward-jacobian"}


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


def _train_from_zero(inputs, targets):
    """The perceptron rule of chapter 1 from zero with rate 1, taking the inputs in the given order.

    Returns the weights, the bias and the number of updates."""
    w, b, updates = np.zeros(inputs.shape[1]), 0.0, 0
    for _ in range(100):
        mistakes = 0
        for x, t in zip(inputs, targets, strict=True):
            y = float(actlib.step(x @ w + b))
            if y != t:
                w, b, mistakes = w + (t - y) * x, b + (t - y), mistakes + 1
        if mistakes == 0:
            return w, b, updates
        updates += mistakes
    raise AssertionError("no mistake-free epoch")


def test_perceptron_majority_message_is_true(capsys):
    # What the message says of the rule: from zero, with rate 1 and the inputs in truth-table
    # order, it stops at w = (1, 1, 1), b = -1, and exactly the three inputs with a single 1
    # lie on the plane u = 0 (a message saying "one input" would fail); with the inputs sorted
    # by their number of 1s it stops at w = (2, 2, 1), b = -2 (a message claiming (1, 1, 1), -1
    # for every order would fail the last assert).
    from actlib.exercises.perceptron import INPUTS_3

    targets = (INPUTS_3.sum(axis=1) >= 2).astype(float)
    w, b, _ = _train_from_zero(INPUTS_3, targets)
    assert w.tolist() == [1.0, 1.0, 1.0] and b == -1.0
    on_plane = [tuple(int(v) for v in x) for x in INPUTS_3 if x @ w + b == 0]
    assert on_plane == [(0, 0, 1), (0, 1, 0), (1, 0, 0)]
    actlib.check("perceptron-majority", (w, b))
    out = capsys.readouterr().out
    assert "in truth-table order (itertools.product) at w = (1, 1, 1), b = -1, with the three inputs " \
           "that hold a single 1" in out, out
    by_ones = np.argsort(INPUTS_3.sum(axis=1), kind="stable")
    w, b, _ = _train_from_zero(INPUTS_3[by_ones], targets[by_ones])
    assert w.tolist() == [2.0, 2.0, 1.0] and b == -2.0
    actlib.check("perceptron-majority", (w, b))
    out = capsys.readouterr().out
    assert "e.g. w = (2, 2, 1), b = -2 with the inputs sorted by their number of 1s" in out, out


def test_perceptron_separable():
    actlib.check("perceptron-separable", {"AND", "OR", "NAND", "NOR"})
    actlib.check("perceptron-separable", ["and", "or", "nand", "nor"])
    with pytest.raises(IncorrectAnswer, match=r"\['XOR'\]: for these, no single line separates the 0s from the 1s"):
        actlib.check("perceptron-separable", {"AND", "OR", "NAND", "NOR", "XOR"})
    with pytest.raises(IncorrectAnswer, match=r"missing: \['NOR'\]\. .*negated gates NAND and NOR too"):
        actlib.check("perceptron-separable", {"AND", "OR", "NAND"})
    # AND missing: the message names it and gives no hint about negated gates, which AND is not
    with pytest.raises(IncorrectAnswer, match=r"missing: \['AND'\]\. Each of AND, OR, NAND and NOR") as err:
        actlib.check("perceptron-separable", {"OR", "NAND", "NOR"})
    assert "negat" not in str(err.value), err.value
    with pytest.raises(IncorrectAnswer, match=r"unknown gate name\(s\) \['IMPLIES'\]"):
        actlib.check("perceptron-separable", {"AND", "IMPLIES"})
    with pytest.raises(IncorrectAnswer, match="answer with a set of gate names"):
        actlib.check("perceptron-separable", "AND")


def test_perceptron_separable_message_is_true(capsys):
    # The message: "Of the 16 Boolean functions of two inputs, only XOR and XNOR are not linearly
    # separable". A truth table t is separable when some (w1, w2, b) has s (w . x + b) >= 1 on every
    # corner (s = 2t - 1), a linear feasibility problem; a message naming a third function, or
    # only one, would fail.
    from scipy.optimize import linprog

    from actlib.exercises.perceptron import GATES, INPUTS_2

    folded = np.column_stack([INPUTS_2, np.ones(len(INPUTS_2))])
    inseparable = []
    for table in itertools.product((0, 1), repeat=4):
        signs = 2.0 * np.array(table) - 1.0
        found = linprog(np.zeros(3), A_ub=-signs[:, None] * folded, b_ub=-np.ones(4),
                        bounds=[(None, None)] * 3)
        assert found.status in (0, 2), found.message   # solved, or proved infeasible
        if found.status == 2:
            inseparable.append(table)
    assert inseparable == [GATES["XOR"], GATES["XNOR"]], inseparable
    actlib.check("perceptron-separable", {"AND", "OR", "NAND", "NOR"})
    assert "Of the 16 Boolean functions of two inputs, only XOR and XNOR are not linearly separable." \
        in capsys.readouterr().out


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


def test_perceptron_margin():
    actlib.check("perceptron-margin", [2.0, 2.0, -3.0])
    actlib.check("perceptron-margin", np.array([2.0, 2.0, -3.0]) / np.sqrt(17) * 5)   # any positive multiple
    with pytest.raises(IncorrectAnswer, match=r"margin 0.107833, but a larger one exists.*\[\(0, 1\), \(1, 0\)\]"):
        actlib.check("perceptron-margin", [1.0, 1.0, -1.2])
    with pytest.raises(IncorrectAnswer, match=r"input \(1, 0\) \(target 0\) is on the line"):
        actlib.check("perceptron-margin", [2.0, 1.0, -2.0])   # the rule's own AND: one corner on the line
    with pytest.raises(IncorrectAnswer, match="does not separate AND"):
        actlib.check("perceptron-margin", [-2.0, -2.0, 3.0])
    with pytest.raises(IncorrectAnswer, match="non-zero"):
        actlib.check("perceptron-margin", [0.0, 0.0, 0.0])
    actlib.check("perceptron-margin", (np.array([2.0, 2.0]), -3.0))   # as a pair (w, b)
    with pytest.raises(IncorrectAnswer, match=r"expected shape \(3,\)"):
        actlib.check("perceptron-margin", [2.0, 2.0, -3.0, 0.0])


def test_perceptron_margin_message_is_true(capsys):
    # The message's numbers: the margin 1/sqrt(17), the bound R^2 / margin^2 with R^2 = 3, and the
    # updates of chapter 1's AND run (from zero, rate 1, truth-table order; glued there as
    # and_updates), which the message quotes: a message saying 11, or a rule that made 9, would fail.
    from actlib.exercises.perceptron import AND_BEST_MARGIN, GATES, INPUTS_2

    _, _, updates = _train_from_zero(INPUTS_2, np.array(GATES["AND"], dtype=float))
    assert updates == 10
    bound = 3 / AND_BEST_MARGIN**2
    actlib.check("perceptron-margin", [2.0, 2.0, -3.0])
    out = capsys.readouterr().out
    assert f"margin 1 / sqrt(17) = {AND_BEST_MARGIN:.4f};" in out, out
    assert f"(R / margin)^2 = 3 * 17 = {bound:.0f} updates. The rule needed {updates}:" in out, out


def test_no_direction_beats_the_best_and_margin():
    from actlib.exercises.perceptron import AND_BEST_MARGIN, _and_examples

    folded, signs = _and_examples()
    directions = np.random.default_rng(0).normal(size=(200_000, 3))
    margins = (signs[:, None] * (folded @ directions.T)).min(axis=0) / np.linalg.norm(directions, axis=1)
    assert margins.max() <= AND_BEST_MARGIN + 1e-12 and margins.max() > AND_BEST_MARGIN - 0.01


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


AND_OR_XOR = [(np.array([[10.0, 10.0], [10.0, 10.0]]), np.array([-5.0, -15.0])),
              (np.array([[10.0, -10.0]]), np.array([-5.0]))]


def test_xor_hidden_gates():
    actlib.check("xor-hidden-gates", AND_OR_XOR)
    swapped = [(AND_OR_XOR[0][0], AND_OR_XOR[0][1][::-1].copy()), (np.array([[-10.0, 10.0]]), np.array([-5.0]))]
    actlib.check("xor-hidden-gates", swapped)
    with pytest.raises(IncorrectAnswer, match="your hidden units compute NAND and OR.*one should be OR, the other AND"):
        actlib.check("xor-hidden-gates", actlib.network.article_003_xor_layers())
    forgot_the_bias = [AND_OR_XOR[0], (AND_OR_XOR[1][0], np.array([-15.0]))]
    with pytest.raises(IncorrectAnswer, match="output against the hand-set one's.*turns its output z into 1 - z"):
        actlib.check("xor-hidden-gates", forgot_the_bias)
    with pytest.raises(IncorrectAnswer, match="must have one unit"):
        actlib.check("xor-hidden-gates", [AND_OR_XOR[0], (np.ones((2, 2)), np.zeros(2))])
    with pytest.raises(IncorrectAnswer, match="answer with two layers"):
        actlib.check("xor-hidden-gates", ("OR", "AND", "XOR"))


def _xor_failure_rates(widths, seeds=range(100), max_iterations=2000, tolerance=0.1):
    """Chapter 2's training, 100 seeds at once: the fraction never within ``tolerance`` of XOR."""
    x, t = INPUTS, np.array([0.0, 1.0, 1.0, 0.0])
    rates = {}
    for n in widths:
        starts = [np.random.default_rng(seed) for seed in seeds]
        starts = [(rng.normal(size=(n, 2)), rng.normal(size=(1, n))[0]) for rng in starts]
        W1, W2 = np.stack([s[0] for s in starts]), np.stack([s[1] for s in starts])
        b1, b2 = np.zeros((len(seeds), n)), np.zeros(len(seeds))
        solved = np.zeros(len(seeds), dtype=bool)
        for _ in range(max_iterations + 1):
            z1 = actlib.sigmoid(np.einsum("ij,snj->sin", x, W1) + b1[:, None, :])
            y = actlib.sigmoid(np.einsum("sin,sn->si", z1, W2) + b2[:, None])
            solved |= np.all(np.abs(y - t) < tolerance, axis=1)
            if solved.all():
                break
            step = (~solved).astype(float)
            delta2 = (y - t) / len(x) * step[:, None]
            delta1 = delta2[:, :, None] * W2[:, None, :] * z1 * (1 - z1)
            W2 -= np.einsum("si,sin->sn", delta2, z1)
            b2 -= delta2.sum(axis=1)
            W1 -= np.einsum("sin,ij->snj", delta1, x)
            b1 -= delta1.sum(axis=1)
        rates[n] = 1 - solved.mean()
    return rates


def test_xor_width_failures(capsys):
    from actlib.exercises.xor import XOR_FAILURE_RATES

    measured = _xor_failure_rates(XOR_FAILURE_RATES)
    assert all(abs(measured[n] - rate) < 1e-9 for n, rate in XOR_FAILURE_RATES.items()), measured
    actlib.check("xor-width-failures", XOR_FAILURE_RATES)
    # the message names the budget the rates hold for, and what is shared across widths
    message = capsys.readouterr().out
    assert "(learning rate 1, 2,000 iterations)" in message and "same seeds" in message, message
    assert "gradient descent finds such weights in about two runs of three" in message, message
    actlib.check("xor-width-failures", {2: 0.30, 3: np.float64(0.07), 4: 0.0, 8: 0, 16: 0.0})
    with pytest.raises(IncorrectAnswer, match=r"give a fraction of the 100 seeds \(0.25, not 25\)"):
        actlib.check("xor-width-failures", {2: 31, 3: 6, 4: 1, 8: 0})
    with pytest.raises(IncorrectAnswer, match=r"failure_rate\[2\] = 0.375 is not what the chapter's recipe gives"):
        actlib.check("xor-width-failures", {2: 0.375, 3: 0.06, 4: 0.01, 8: 0.0})   # the 8-seed estimate
    with pytest.raises(IncorrectAnswer, match=r"no rate for width\(s\) \[8\]"):
        actlib.check("xor-width-failures", {2: 0.31, 3: 0.06, 4: 0.01})
    with pytest.raises(IncorrectAnswer, match="answer with a dict"):
        actlib.check("xor-width-failures", [0.31, 0.06, 0.01, 0.0])


# --- chapter 4: forward propagation --------------------------------------------------------

def test_forward_difficulties():
    # "forward-new-size" repeats the chapter's batch pass with ReLU: easy (instructors.md).
    found = {e.label: e.difficulty for e in exercises("forward")}
    assert found == {"forward-new-size": "easy", "forward-parameter-count": "easy",
                     "forward-keras-kernel": "medium", "forward-sigmoid-output": "medium",
                     "forward-jacobian": "hard"}


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
    layers = actlib.network.article_004_layers()
    reshaped = [(W.reshape(W.shape[1], W.shape[0]).T, b) for W, b in layers]
    expected = actlib.network.forward(actlib.network.ARTICLE_004_X, reshaped)
    actlib.check("forward-keras-kernel", expected)
    actlib.check("forward-keras-kernel", [0.38694802, 0.6273268])
    with pytest.raises(IncorrectAnswer, match="that is the output with correct kernels"):
        actlib.check("forward-keras-kernel", [0.31682708, 0.69627909])
    only_square_right = [(W.reshape(W.shape[1], W.shape[0]).T, b) for W, b in layers[:2]] + [layers[2]]
    with pytest.raises(IncorrectAnswer, match="values are off"):
        actlib.check("forward-keras-kernel", actlib.network.forward(actlib.network.ARTICLE_004_X, only_square_right))
    with pytest.raises(IncorrectAnswer, match="reshaped_output"):
        actlib.check("forward-keras-kernel", "0.387 0.627")


def test_forward_sigmoid_output():
    layers = actlib.network.article_004_layers()
    _, stages = actlib.network.forward(actlib.network.ARTICLE_004_X, layers, return_stages=True)
    b3 = np.log(stages["y"] / (1 - stages["y"])) - layers[2][0] @ stages["z2"]
    actlib.check("forward-sigmoid-output", b3)
    printed = np.array([0.31682708, 0.69627909])   # from the article's rounded output: also right
    actlib.check("forward-sigmoid-output", np.log(printed / (1 - printed)) - layers[2][0] @ stages["z2"])
    assert np.allclose(actlib.sigmoid(layers[2][0] @ stages["z2"] + b3), stages["y"])
    with pytest.raises(IncorrectAnswer, match=r"with b3 = \[0.1, 0.2\] the sigmoid output is \[0.57855079, "):
        actlib.check("forward-sigmoid-output", layers[2][1])
    # Right exactly when the output prints as the article's 8 decimals (review 10 of chapter 4, W1):
    # the bias to 8 decimals, as the success message prints it, passes; to 6 decimals, as the
    # solution used to print it, its output is [0.31682707, 0.69627903] and it is rejected, as is
    # the full-precision bias moved by 1e-6 (which the old tolerance, 1e-6, accepted).
    assert np.array_equal(np.round(b3, 8), [-0.98521896, 0.33336226])
    actlib.check("forward-sigmoid-output", [-0.98521896, 0.33336226])
    with pytest.raises(IncorrectAnswer, match=r"^close, but rounded: with b3 = \[-0.985219, 0.333362\] "
                                              r"the sigmoid output is \[0.31682707, 0.69627903\], "
                                              r"not the article's \[0.31682708, 0.69627909\]"):
        actlib.check("forward-sigmoid-output", [-0.985219, 0.333362])
    with pytest.raises(IncorrectAnswer, match=r"^close, but rounded: .* output is \[0.31682707, 0.6962791\]"):
        actlib.check("forward-sigmoid-output", np.round(b3, 7))
    with pytest.raises(IncorrectAnswer, match="^close, but rounded"):
        actlib.check("forward-sigmoid-output", b3 + 1e-6)
    # Right but typed rounded (review 9 of chapter 4, C2): told so, with an output that shows the gap;
    # a wrong value is not called rounded.
    for rounded, shown in (([-0.98522, 0.33336], r"\[0.31682685, 0.69627861\]"),
                           ([-0.9852, 0.3334], r"\[0.31683118, 0.69628707\]")):
        with pytest.raises(IncorrectAnswer, match=r"^close, but rounded: .* sigmoid output is " + shown):
            actlib.check("forward-sigmoid-output", rounded)
    with pytest.raises(IncorrectAnswer, match=r"^with b3 = \[-0.99, 0.33\] .*invert it"):
        actlib.check("forward-sigmoid-output", [-0.99, 0.33])
    with pytest.raises(IncorrectAnswer, match="invert it"):
        actlib.check("forward-sigmoid-output", actlib.sigmoid(stages["y"]) - layers[2][0] @ stages["z2"])
    with pytest.raises(IncorrectAnswer, match=r"expected shape \(2,\)"):
        actlib.check("forward-sigmoid-output", b3[:1])


def _article_jacobian(x):
    """dy/dx of article 004's network for each row of x: W3 D2 W2 D1 W1."""
    (w1, _), (w2, _), (w3, _) = layers = actlib.network.article_004_layers()
    _, s = actlib.network.forward(x, layers, return_stages=True)
    d1, d2 = s["z1"] * (1 - s["z1"]), s["z2"] * (1 - s["z2"])
    return np.stack([w3 @ (d2[n][:, None] * w2) @ (d1[n][:, None] * w1) for n in range(len(x))])


def test_forward_jacobian():
    layers = actlib.network.article_004_layers()
    (w1, _), (w2, _), (w3, _) = layers
    jacobian = _article_jacobian

    def central_differences(x, h=1e-5):
        columns = [(actlib.network.forward(x + h * e, layers) - actlib.network.forward(x - h * e, layers)) / (2 * h)
                   for e in np.eye(2)]
        return np.stack(columns, axis=-1)

    actlib.check("forward-jacobian", jacobian)
    actlib.check("forward-jacobian", central_differences)   # a correct answer, however computed
    with pytest.raises(IncorrectAnswer, match="each of your 2 x 2 matrices is transposed"):
        actlib.check("forward-jacobian", lambda x: np.swapaxes(jacobian(x), 1, 2))
    with pytest.raises(IncorrectAnswer, match=r"must have shape \(5, 2, 2\): one 2 x 2 matrix per example"):
        actlib.check("forward-jacobian", lambda x: jacobian(x)[0])
    with pytest.raises(IncorrectAnswer, match="values are off"):
        actlib.check("forward-jacobian", lambda x: np.stack([w3 @ w2 @ w1] * len(x)))   # forgot sigma'


def test_the_grader_agrees_on_the_new_checks():
    """The grader judges the new checks from observed data (no reader code runs there) as the notebook does."""
    import json

    from actlib.exercises import judge, observe
    from actlib.exercises._wire import dumps

    jacobian = _article_jacobian

    cases = [("perceptron-margin", [2.0, 2.0, -3.0], "pass"), ("perceptron-margin", [1.0, 1.0, -1.2], "wrong"),
             ("xor-hidden-gates", AND_OR_XOR, "pass"), ("xor-hidden-gates", ("OR", "NAND", "AND"), "wrong"),
             ("xor-width-failures", {2: 0.31, 3: 0.06, 4: 0.01, 8: 0.0}, "pass"),
             ("xor-width-failures", {2: 0.375, 3: 0.06, 4: 0.01, 8: 0.0}, "wrong"),
             ("forward-keras-kernel", [0.31682708, 0.69627909], "wrong"),
             ("forward-jacobian", jacobian, "pass"), ("forward-jacobian", lambda x: jacobian(x)[0], "wrong"),
             ("forward-jacobian", _raises_not_implemented, "todo")]
    for label, answer, expected in cases:
        observation = json.loads(dumps({label: observe(label, answer)}))[label]
        assert judge(label, observation)[0] == expected, (label, judge(label, observation))
