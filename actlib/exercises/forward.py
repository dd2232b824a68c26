"""Self-checks for chapter 4, forward propagation."""

import numpy as np

from ..activations import sigmoid
from ..network import ARTICLE_004_X, article_004_layers, forward
from ._core import IncorrectAnswer, answer_floats, call_answer, exercise, expect_close

#: The 2 -> 4 -> 1 network of the exercise "forward-new-size" (ReLU hidden layer, identity output).
NEW_SIZE_LAYERS = [
    (np.array([[1.0, -1.0], [0.5, 0.5], [-1.0, 2.0], [2.0, 1.0]]), np.array([0.0, -0.5, 0.25, -1.0])),
    (np.array([[1.0, -2.0, 0.5, 1.0]]), np.array([0.1])),
]


@exercise("forward-new-size", chapter="forward", title="A forward pass for a 2 → 4 → 1 network",
          difficulty="easy")
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


def _article_output(layers) -> np.ndarray:
    """The output of ``layers`` (sigmoid hidden, identity output) for article 004's input."""
    return forward(ARTICLE_004_X, layers, hidden="sigmoid", output="identity")


@exercise("forward-keras-kernel", chapter="forward", title="Reshape is not transpose", difficulty="medium")
def _keras_kernel(answer):
    right = _article_output(article_004_layers())
    # Keras computes x @ kernel + b; a kernel K is the book's W = K.T.
    reshaped = [(W.reshape(W.shape[1], W.shape[0]).T, b) for W, b in article_004_layers()]
    expected = _article_output(reshaped)
    got = answer_floats(answer, "reshaped_output (the network's two outputs)")
    if got.shape == right.shape and np.allclose(got, right, rtol=1e-6, atol=1e-9):
        raise IncorrectAnswer("that is the output with correct kernels, W.T; W.reshape(n_in, n_out) keeps "
                              "NumPy's row-major order of the numbers, which is not W.T")
    expect_close(got, expected, "the output of the network loaded with W.reshape(n_in, n_out)")
    return (f"{np.round(expected, 4).tolist()} instead of {np.round(right, 4).tolist()}, and no error: "
            "every reshaped kernel has the shape Keras expects. W1.reshape(2, 3) is "
            "[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], while W1.T is [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]. "
            "Even the square W3 is wrong: its reshape is W3 itself, not W3.T.")


@exercise("forward-sigmoid-output", chapter="forward", title="A sigmoid output with the article's numbers",
          difficulty="medium")
def _sigmoid_output(answer):
    layers = article_004_layers()
    _, stages = forward(ARTICLE_004_X, layers, hidden="sigmoid", output="identity", return_stages=True)
    target = stages["y"]
    W3, b3 = layers[2]
    expected = np.log(target / (1 - target)) - W3 @ stages["z2"]
    got = answer_floats(answer, "b3_sigmoid (two biases)", shape=(2,))
    output = sigmoid(W3 @ stages["z2"] + got)
    # (both messages print the output to 8 decimals, as the article does, so that the gap shows)
    said = (f"with b3 = {np.round(got, 8).tolist()} the sigmoid output is {np.round(output, 8).tolist()}, "
            f"not the article's {np.round(target, 8).tolist()}")
    # Right exactly when the output prints as the article's numbers, to its 8 decimals (review 10 of
    # chapter 4, W1): a bias typed to 6 decimals gives [0.31682707, 0.69627903] and is not right.
    if not np.array_equal(np.round(output, 8), np.round(target, 8)):
        if np.allclose(got, expected, rtol=0, atol=1e-3):
            # Right method, typed-in rounded numbers (review 9 of chapter 4, C2): say so.
            raise IncorrectAnswer(f"close, but rounded: {said}. Keep the full precision: store the array "
                                  "you computed from y, W3 and z2 in b3_sigmoid rather than typing its digits")
        raise IncorrectAnswer(f"{said}: find the u3 that the sigmoid maps to the article's output "
                              "(invert it), then the bias that gives that u3")
    return (f"b3 = logit(y) - W3 z2 = {np.round(expected, 8).tolist()}: the sigmoid's inverse, "
            "log(y / (1 - y)), undoes the output unit; the hidden layers are untouched.")


def _jacobian_reference(batch: np.ndarray) -> np.ndarray:
    """dy/dx of article 004's network (sigmoid hidden layers, identity output), one 2 x 2 per row."""
    layers = article_004_layers()
    (W1, _), (W2, _), (W3, _) = layers
    _, stages = forward(batch, layers, hidden="sigmoid", output="identity", return_stages=True)
    slope1 = stages["z1"] * (1 - stages["z1"])  # sigma'(u1), shape (N, 3)
    slope2 = stages["z2"] * (1 - stages["z2"])  # sigma'(u2), shape (N, 2)
    # J = W3 diag(s2) W2 diag(s1) W1, for every row n
    return np.einsum("ik,nk,kl,nl,lj->nij", W3, slope2, W2, slope1, W1)


@exercise("forward-jacobian", chapter="forward", title="How the output moves with the input", difficulty="hard",
          giveaways=("actlib.jvp",))
def _jacobian(answer):
    batch = np.array([[1.0, 0.5], [0.0, 0.0], [-1.0, 2.0], [3.0, -2.5], [-4.0, -1.0]])
    expected = _jacobian_reference(batch)
    got = answer_floats(call_answer(answer, batch, what="jacobian(X)"), "jacobian(X)")
    if got.shape != expected.shape:
        raise IncorrectAnswer(f"for a batch X of shape {batch.shape}, jacobian(X) must have shape "
                              f"{expected.shape}: one 2 x 2 matrix per example; got {got.shape}")
    transposed = np.swapaxes(expected, 1, 2)
    if not np.allclose(got, expected, rtol=1e-6, atol=1e-9) and np.allclose(got, transposed, rtol=1e-6, atol=1e-9):
        raise IncorrectAnswer("each of your 2 x 2 matrices is transposed: J[n, i, j] is the derivative of "
                              "output i with respect to input j")
    expect_close(got, expected, f"jacobian(X) for X = {batch.tolist()}")
    return ("J = W3 diag(sigma'(u2)) W2 diag(sigma'(u1)) W1: the chain rule runs the forward pass's matrices "
            "backwards, each hidden layer's weights scaled by its activation's slope, which is at most 1/4 "
            "for the sigmoid.")
