"""Self-checks for chapter 4, forward propagation."""

import numpy as np

from ..activations import sigmoid
from ..network import ARTICLE_004_X, article_004_layers, forward
from ._core import IncorrectAnswer, call_answer, exercise, expect_close

#: The 2 -> 4 -> 1 network of the exercise "forward-new-size" (ReLU hidden layer, identity output).
NEW_SIZE_LAYERS = [
    (np.array([[1.0, -1.0], [0.5, 0.5], [-1.0, 2.0], [2.0, 1.0]]), np.array([0.0, -0.5, 0.25, -1.0])),
    (np.array([[1.0, -2.0, 0.5, 1.0]]), np.array([0.1])),
]


@exercise("forward-new-size", chapter="forward", title="A forward pass for a 2 -> 4 -> 1 network",
          difficulty="medium")
def _new_size(answer):
    batch = np.array([[1.0, 0.5], [0.0, 0.0], [1.0, 1.0], [-1.0, 2.0], [0.5, -0.5], [3.0, -2.0]])
    expected = forward(batch, NEW_SIZE_LAYERS, hidden="relu", output="identity")
    got = call_answer(answer, batch, what="forward_2_4_1(X)")
    shape = np.shape(got)
    if shape != expected.shape:
        hint = " (one row per example, one column per output unit)" if len(shape) != 2 else ""
        raise IncorrectAnswer(f"for a batch X of shape {batch.shape}, forward_2_4_1(X) must have shape "
                              f"{expected.shape}{hint}; got {shape}")
    expect_close(got, expected, f"forward_2_4_1(X) for X = {batch.tolist()}")
    return "One matrix product per layer handles the whole batch: U = X @ W.T + b."


@exercise("forward-parameter-count", chapter="forward", title="Count a network's parameters", difficulty="easy")
def _parameter_count(answer):
    cases = {(2, 3, 2, 2): 23, (784, 128, 64, 10): 109_386, (2, 1): 3, (784, 100, 100, 100, 10): 99_710}
    for sizes, expected in cases.items():
        got = call_answer(answer, list(sizes), what="count_parameters(sizes)")
        if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
            raise IncorrectAnswer(f"count_parameters must return an int; got {type(got).__name__} {got!r:.40}")
        if got != expected:
            too = "few: did you count the biases (one per unit)?" if got < expected else "many"
            raise IncorrectAnswer(f"count_parameters({list(sizes)}) returned {got}; that is too {too}")
    return "Each layer has n_in * n_out weights and n_out biases; the input layer has none."


@exercise("forward-keras-kernel", chapter="forward", title="The Keras kernel of layer 2", difficulty="easy")
def _keras_kernel(answer):
    w2 = article_004_layers()[1][0]
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise IncorrectAnswer("answer with a NumPy array") from None
    if got.shape == w2.shape and np.allclose(got, w2):
        raise IncorrectAnswer(f"that is W2 itself, shape {w2.shape} = (out, in): PyTorch's layout. "
                              "A Keras Dense kernel is (in, out)")
    if got.shape != w2.T.shape:
        raise IncorrectAnswer(f"a Dense(2) layer after 3 units has a kernel of shape (3, 2); got {got.shape}")
    expect_close(got, w2.T, "the kernel")
    return "kernel = W2.T: Keras computes x @ kernel + bias, the book computes W x + b; same numbers."


@exercise("forward-sigmoid-output", chapter="forward", title="If the output were h(u3)", difficulty="easy")
def _sigmoid_output(answer):
    _, stages = forward(ARTICLE_004_X, article_004_layers(), hidden="sigmoid", output="identity",
                        return_stages=True)
    expected = sigmoid(stages["u3"])
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise IncorrectAnswer("answer with a NumPy array of the two outputs") from None
    if got.shape == expected.shape and np.allclose(got, stages["u3"]):
        raise IncorrectAnswer("that is the identity output u3, the article's code; apply the sigmoid to u3")
    expect_close(got, expected, "the two outputs with y = h(u3)")
    return "[0.5786, 0.6674]: squeezed into (0, 1); the identity keeps u3 as it is, which regression needs."
