"""Self-checks for chapter 5, "Gradients and the vanishing-gradient problem", and its section page
"Deep networks: rescues, Adam and dead units" (gradients-dead-units, gradients-deep-sigmoid)."""

import math

import numpy as np

from ..activations import sigmoid, tanh
from ..registry import derivative
from ._core import IncorrectAnswer, answer_float, answer_floats, call_answer, exercise, expect_close
from ._observe import probe

CHAPTER = "gradients"


@exercise("gradients-central-difference", chapter=CHAPTER, title="Slopes by central differences",
          difficulty="easy",
          giveaways=("actlib.derivative", "actlib.derivatives"))
def _central_difference(answer):
    x = np.array([-4.0, -1.5, -0.3, 0.2, 1.0, 2.5, 4.0])
    step = 1e-3  # the step the book writes as Delta
    what = "central_difference(np.sin, x, step=1e-3)"
    got = call_answer(answer, np.sin, x.copy(), step=step, what=what)
    central = (np.sin(x + step) - np.sin(x - step)) / (2 * step)
    forward = (np.sin(x + step) - np.sin(x)) / step
    backward = (np.sin(x) - np.sin(x - step)) / step
    values = answer_floats(got, what)
    if values.shape == x.shape:
        if np.allclose(values, forward, rtol=1e-9) or np.allclose(values, backward, rtol=1e-9):
            raise IncorrectAnswer("that is a one-sided difference, whose error shrinks like the step; step to "
                                  "both sides: (f(x + step) - f(x - step)) / (2 step), whose error shrinks like "
                                  "the step squared")
    expect_close(values, central, what, rtol=1e-9, atol=1e-12, at=x)
    for name, f in (("sigmoid", sigmoid), ("tanh", tanh)):
        got = call_answer(answer, f, x.copy(), what=f"central_difference(actlib.{name}, x)")
        expect_close(got, derivative(name, x), f"central_difference(actlib.{name}, x) with the default step",
                     rtol=1e-7, atol=1e-9, at=x)
    return ("Central differences are accurate to O(step^2): the error is about step^2 / 6 |f'''(x)|, so for np.sin "
            "about 1e-7 at step = 1e-3 and 1e-11 at step = 1e-5, near the best possible: below that, rounding "
            "error (about 1e-16 / step) grows faster than the step^2 term shrinks.")


@exercise("gradients-sigmoid-bound", chapter=CHAPTER, title="How deep before a billionth?", difficulty="easy")
def _sigmoid_bound(answer):
    value = answer_float(answer, "depth_needed")
    expected = math.ceil(9 / math.log10(4))  # the smallest depth D with 0.25**D < 1e-9: 15
    if value == expected:
        return (f"0.25**{expected - 1} = {0.25 ** (expected - 1):.1e} is still above 1e-9, "
                f"0.25**{expected} = {0.25**expected:.1e} is below: {expected} layers.")
    if math.isclose(value, 9 / math.log10(4), rel_tol=1e-6):
        raise IncorrectAnswer(f"depth_needed = {value!r}: a network has a whole number of layers; round "
                              "9 / log10(4) up, to the first depth whose bound is below 1e-9")
    if value == expected - 1:
        raise IncorrectAnswer(f"depth_needed = {value!r}: 0.25**{expected - 1} = {0.25 ** (expected - 1):.1e} "
                              "is still above 1e-9; one more layer")
    if value == expected + 1:
        raise IncorrectAnswer(f"depth_needed = {value!r}: already 0.25**{expected} = {0.25**expected:.1e} "
                              "is below 1e-9; give the smallest such depth")
    if math.isclose(value, 9 / math.log10(2), rel_tol=1e-3) or value == math.ceil(9 / math.log10(2)):
        raise IncorrectAnswer(f"depth_needed = {value!r}: each sigmoid layer contributes at most 0.25, "
                              "not 0.5; solve 0.25**D < 1e-9 for the depth D")
    raise IncorrectAnswer(f"depth_needed = {value!r} is not it: find the smallest whole D with 0.25**D < 1e-9 "
                          "(take log10 of both sides)")


@exercise("gradients-dead-units", chapter=CHAPTER, title="Count dead ReLU units", difficulty="medium",
          giveaways=("actlib.gradients.dead_unit_fraction", "actlib.gradients.silent_unit_fraction"))
def _dead_units(answer):
    rng = np.random.default_rng(0)
    pre = rng.normal(size=(50, 8))
    pre[:, 0] = -np.abs(pre[:, 0])          # never positive: dead
    pre[:, 1] = 0.0                         # exactly 0 everywhere: ReLU'(0) = 0, dead too
    pre[:, 2] = -np.abs(pre[:, 2])
    pre[7, 2] = 0.5                         # positive on one sample only: alive
    pre[:, 3] = -np.abs(pre[:, 3]) - 1.0    # dead
    got = answer_float(call_answer(answer, pre.copy(), what="dead_fraction(pre_activations)"),
                       "dead_fraction(pre_activations)")
    expected = 3 / 8
    if math.isclose(got, expected, rel_tol=1e-12):
        transposed = answer_float(call_answer(answer, pre[:, :5].copy(), what="dead_fraction(pre_activations)"),
                                  "dead_fraction(pre_activations)")
        if not math.isclose(transposed, 3 / 5, rel_tol=1e-12):
            raise IncorrectAnswer(f"on the first 5 units (3 of them dead) you return {transposed!r}, not 0.6")
        return "A unit is dead when its pre-activation is <= 0 on every sample: the gradient through it is then 0."
    if math.isclose(got, 2 / 8, rel_tol=1e-12):
        raise IncorrectAnswer("you found 2 of 8 units dead; a unit stuck at exactly 0 is dead too (ReLU'(0) = 0): "
                              "test pre <= 0, not pre < 0")
    if math.isclose(got, 4 / 8, rel_tol=1e-12):
        raise IncorrectAnswer("you found 4 of 8 dead; a unit that is positive on even one sample is alive: "
                              "require pre <= 0 on *all* samples (axis 0)")
    raise IncorrectAnswer(f"got {got!r} for 8 units; expected the fraction of columns (units) whose values are "
                          "<= 0 in every row (sample). Reduce over axis 0 with .all(axis=0), then take the mean")


@exercise("gradients-he-std", chapter=CHAPTER, title="He initialisation for 256 inputs", difficulty="easy")
def _he_std(answer):
    value = answer_float(answer, "he_std")
    expected = math.sqrt(2 / 256)
    if math.isclose(value, expected, rel_tol=1e-6):
        return f"sqrt(2 / 256) = {expected:.4f}: variance 2 / fan_in makes up for ReLU zeroing half its inputs."
    if math.isclose(value, 2 / 256, rel_tol=1e-6):
        raise IncorrectAnswer("2/256 is the variance; the standard deviation is its square root")
    if math.isclose(value, math.sqrt(1 / 256), rel_tol=1e-6):
        raise IncorrectAnswer("sqrt(1/256) is LeCun's choice; ReLU zeroes half the signal, so He doubles the variance")
    raise IncorrectAnswer(f"he_std = {value!r}: He's weight variance is 2 / fan_in; give its square root")


#: The deep sigmoid network of exercise gradients-deep-sigmoid, and its training budget.
DEEP_SIGMOID_SIZES = (784,) + (64,) * 9 + (10,)  # 10 linear layers, 9 hidden layers of 64 units
DEEP_SIGMOID_BUDGET = dict(optimizer="sgd", lr=0.1, steps=300, batch_size=100)
DEEP_SIGMOID_SEEDS = (0, 1, 2)
DEEP_SIGMOID_TARGET = 0.75  # validation accuracy after the budget, for every seed
DEEP_SIGMOID_UNTRAINED = 0.20  # at most this accuracy before training: a fresh network


def _recording() -> bool:
    """True in the submission's kernel while the grader observes (record mode)."""
    from ._observe import _MODE

    session = _MODE.get()
    return session is not None and not session.replay


def _export_deep_sigmoid(answer, seed):
    """Build ``answer(seed)`` where the answer lives, and hand over its layers as data: their
    kinds and sizes and, when they are the exercise's, each Linear layer's initial weights and
    biases (issue 26: the network is rebuilt, trained and measured where the check runs, never
    trusted from the submission's kernel)."""
    from torch import nn

    model = call_answer(answer, seed, what=f"deep_sigmoid_network({seed})")
    about = {"type": type(model).__name__, "sequential": isinstance(model, nn.Sequential)}
    if not about["sequential"]:
        return about
    about["kinds"] = [type(m).__name__ for m in model]
    about["sizes"] = [[int(m.in_features), int(m.out_features)] for m in model if isinstance(m, nn.Linear)]
    linears = [m for m in model if isinstance(m, nn.Linear)]
    about["biases"] = all(m.bias is not None for m in linears)
    if about["kinds"] == _DEEP_SIGMOID_KINDS and about["sizes"] == _DEEP_SIGMOID_PAIRS and about["biases"]:
        about["layers"] = [[m.weight.detach().cpu().numpy(), m.bias.detach().cpu().numpy()] for m in linears]
    return about


def _train_deep_sigmoid(about, seed):
    """Rebuild the network from ``about``'s layers (a plain ``nn.Sequential`` of the book's
    Linear and Sigmoid modules, float32), then score it before and after the budget."""
    import torch
    from torch import nn

    from ..depth import evaluate, mnist_subsets, train

    modules = []
    for n_in, n_out in _DEEP_SIGMOID_PAIRS:
        modules += [nn.Linear(n_in, n_out), nn.Sigmoid()]
    model = nn.Sequential(*modules[:-1]).float()
    weights = about["layers"]
    if len(weights) != len(_DEEP_SIGMOID_PAIRS):
        raise IncorrectAnswer("the network's layers could not be read")
    with torch.no_grad():
        for layer, (w, b), (n_in, n_out) in zip(model[::2], weights, _DEEP_SIGMOID_PAIRS, strict=True):
            w, b = np.asarray(w, dtype=np.float32), np.asarray(b, dtype=np.float32)
            if w.shape != (n_out, n_in) or b.shape != (n_out,) or not (np.isfinite(w).all() and np.isfinite(b).all()):
                raise IncorrectAnswer(f"a Linear({n_in}, {n_out}) layer has weights of shape {w.shape} and "
                                      f"bias of shape {b.shape}, or values that are not finite")
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
    (x_train, y_train), (x_val, y_val) = mnist_subsets()
    before = evaluate(model, x_val, y_val)[1]
    train(model, x_train, y_train, seed=seed, **DEEP_SIGMOID_BUDGET)
    loss, accuracy = evaluate(model, x_val, y_val)
    return before, loss, accuracy


_DEEP_SIGMOID_KINDS = ["Linear", "Sigmoid"] * (len(DEEP_SIGMOID_SIZES) - 2) + ["Linear"]
_DEEP_SIGMOID_PAIRS = [list(pair) for pair in zip(DEEP_SIGMOID_SIZES[:-1], DEEP_SIGMOID_SIZES[1:], strict=True)]


@exercise("gradients-deep-sigmoid", chapter=CHAPTER, title="Make a 10-layer sigmoid network learn",
          difficulty="hard")
def _deep_sigmoid(answer):
    accuracies = []
    for seed in DEEP_SIGMOID_SEEDS:
        about = probe(answer, "deep sigmoid network, its layers", _export_deep_sigmoid, seed)
        what = f"deep_sigmoid_network({seed})"
        if not about["sequential"]:
            raise IncorrectAnswer(f"{what} should return an nn.Sequential; got {about['type']}")
        kinds, sizes = about["kinds"], about["sizes"]
        if set(kinds) - {"Linear", "Sigmoid"}:
            others = sorted(set(kinds) - {"Linear", "Sigmoid"})
            raise IncorrectAnswer(f"{what} contains {', '.join(others)}: this exercise allows only nn.Linear and "
                                  "nn.Sigmoid layers; change the initial weights and biases, not the architecture")
        if not about.get("biases", True):
            raise IncorrectAnswer(f"{what} has an nn.Linear layer without a bias (bias=False): the exercise's "
                                  "layers are nn.Linear(n_in, n_out) with their biases, which are yours to set too")
        if "layers" not in about:
            want = " -> ".join(str(n) for n in DEEP_SIGMOID_SIZES)
            got = " -> ".join([str(sizes[0][0])] + [str(out) for _, out in sizes]) if sizes else "no Linear layer"
            raise IncorrectAnswer(f"{what}: expected {len(DEEP_SIGMOID_SIZES) - 1} nn.Linear layers of sizes {want}, "
                                  f"each but the last followed by nn.Sigmoid; got {got} ({len(kinds)} modules)")
        if _recording():  # (in the submission's kernel, the layers above are all the grader takes)
            continue
        before, loss, accuracy = _train_deep_sigmoid(about, seed)
        about.update(before=before, loss=loss, accuracy=accuracy)
        if about["before"] > DEEP_SIGMOID_UNTRAINED:
            raise IncorrectAnswer(f"{what} classifies {about['before']:.0%} of the validation images right before "
                                  "any training: return a freshly initialised network, not a trained one")
        if not about["accuracy"] >= DEEP_SIGMOID_TARGET:
            raise IncorrectAnswer(
                f"after {DEEP_SIGMOID_BUDGET['steps']} steps of plain gradient descent (learning rate "
                f"{DEEP_SIGMOID_BUDGET['lr']}, batches of {DEEP_SIGMOID_BUDGET['batch_size']}), {what} reaches "
                f"{about['accuracy']:.1%} validation accuracy (loss {about['loss']:.3f}); the target is "
                f"{DEEP_SIGMOID_TARGET:.0%}. Measure the gradient per layer at initialisation: which layers get "
                "almost none, and what would make the sigmoid units behave like well-initialised tanh units?")
        accuracies.append(about["accuracy"])
    listed = ", ".join(f"{a:.1%}" for a in accuracies)
    return (f"validation accuracy after the budget: {listed} (seeds {', '.join(map(str, DEEP_SIGMOID_SEEDS))}). "
            "With this architecture, learning rate and budget, the initialisation decides whether a deep "
            "sigmoid network learns under plain gradient descent.")
