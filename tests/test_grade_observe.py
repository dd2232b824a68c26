"""Observe in one place, judge in another (actlib.exercises._observe): same verdict as actlib.check.

For answers right, wrong, stubbed and strange, the grader's path (``observe`` -> JSON ->
``judge``) must give the status and message that ``actlib.check`` gives in a notebook; the
judge must never run the answer's code; and data from a submission is only ever data.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import actlib
from actlib.exercises import IncorrectAnswer, NotAnswered, _wire, judge, observe, verdict
from tests.test_exercises_activations_gradients import UNBOUNDED_BELOW


def _direct(label, answer):
    try:
        return "pass", verdict(label, answer)
    except NotAnswered as err:
        return "todo", str(err)
    except IncorrectAnswer as err:
        return "wrong", str(err)


def _graded(label, answer):
    data = json.loads(_wire.dumps(observe(label, answer)))  # what crosses: text
    return judge(label, data)


def _stub(*args, **kwargs):
    raise NotImplementedError


class AlwaysEqual(int):
    """An int that says it equals everything: fools ``got != expected`` in the notebook."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


def _sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, float)))


LAYERS_XNOR = [(np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([-1.5, 0.5])),
               (np.array([[1.0, 1.0]]), np.array([-0.5]))]
LAYERS_XOR_RELU = [(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0])),
                   (np.array([[1.0, -2.0]]), np.array([0.0]))]
CASES = [
    ("zoo-softplus-derivative", _sigmoid, "pass"),
    ("zoo-softplus-derivative", lambda x: np.zeros_like(x), "wrong"),
    ("zoo-softplus-derivative", lambda x: 1 / 0, "wrong"),
    ("zoo-softplus-derivative", _stub, "todo"),
    ("zoo-softplus-derivative", None, "todo"),
    ("zoo-softplus-derivative", 3.0, "wrong"),
    ("zoo-bounded-below", set(actlib.names()) - UNBOUNDED_BELOW, "pass"),
    ("zoo-bounded-below", {"relu", "leaky_relu"}, "wrong"),
    ("zoo-bounded-below", ..., "todo"),
    ("perceptron-majority", (np.ones(3), -1.5), "pass"),
    ("perceptron-majority", ([1, 1, 1], 0), "wrong"),
    ("perceptron-separable", {"AND", "OR", "NAND", "NOR"}, "pass"),
    ("perceptron-separable", frozenset({"and", "or", "xor"}), "wrong"),
    ("perceptron-xnor", LAYERS_XNOR, "pass"),
    ("perceptron-xnor", LAYERS_XNOR[:1], "wrong"),
    ("xor-relu", LAYERS_XOR_RELU, "pass"),
    ("xor-collapse", lambda layers: layers[0], "wrong"),
    ("xor-hidden-gates", [(np.array([[10.0, 10.0], [10.0, 10.0]]), np.array([-5.0, -15.0])),
                          (np.array([[10.0, -10.0]]), np.array([-5.0]))], "pass"),
    ("xor-hidden-gates", ("OR", "NAND", "AND"), "wrong"),
    ("forward-parameter-count", lambda s: sum(a * b + b for a, b in zip(s[:-1], s[1:], strict=True)), "pass"),
    ("forward-parameter-count", lambda sizes: AlwaysEqual(0), None),  # the notebook is fooled; the grader is not
    ("forward-parameter-count", lambda sizes: 1.5, "wrong"),
    ("forward-keras-kernel", np.zeros((2, 3)), "wrong"),
    ("activations-stable-softmax", lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True), "wrong"),
    ("activations-elu-derivative", lambda x, alpha=1.0: np.where(np.asarray(x) > 0, 1.0, alpha * np.exp(x)), "pass"),
    ("activations-leaky-defaults", {"torch": -0.02, "keras_layer": -0.6, "keras_function": -0.4, "torch_true": -2.0},
     "pass"),
    ("activations-leaky-defaults", {"torch": np.float32(-0.02), "keras_layer": -0.6, "keras_function": None,
                                    "torch_true": -2.0}, "todo"),
    ("activations-maxout-square", (np.zeros((3, 1, 1)), np.zeros((3, 1))), "wrong"),
    ("gradients-central-difference", lambda f, x, step=1e-5: (f(x + step) - f(x - step)) / (2 * step), "pass"),
    ("gradients-central-difference", lambda f, x, step=1e-5: (f(x + step) - f(x)) / step, "wrong"),
    ("gradients-sigmoid-bound", 15, "pass"),
    ("gradients-sigmoid-bound", 0.25**10, "wrong"),
    ("gradients-dead-units", lambda p: float(np.mean(np.all(np.asarray(p) <= 0, axis=0))), "pass"),
    ("gradients-dead-units", lambda p: float(np.mean(np.all(np.asarray(p) < 0, axis=0))), "wrong"),
    ("gradients-he-std", np.float64(0.08838834764831845), "pass"),
]


@pytest.mark.parametrize(("label", "answer", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_grader_agrees_with_the_notebook(label, answer, expected):
    direct, graded = _direct(label, answer), _graded(label, answer)
    if expected is None:  # a magic object: the notebook's check is fooled, the grader judges the data
        assert direct[0] == "pass" and graded[0] == "wrong", (direct, graded)
        return
    assert graded == direct, f"notebook: {direct}\ngrader:   {graded}"
    assert graded[0] == expected


def test_torch_answers_agree():
    import torch
    from torch import nn

    def plan(size):
        if size <= 4:
            return [(size, 1, 0, 0)]
        return plan((size + 1) // 2) + [(4, 2, 1, 0) if size % 2 == 0 else (3, 2, 1, 0)]

    def affine_form(discriminator):
        x = torch.zeros(1, 1, 28, 28, requires_grad=True)
        logit = discriminator(x)
        (w,) = torch.autograd.grad(logit.sum(), x)
        return w[0].detach(), float(logit.detach())

    for label, answer, expected in [
        ("gan-upsampling-plan", plan, "pass"),
        ("gan-upsampling-plan", lambda size: [(4, 1, 0, 0)], "wrong"),
        ("gan-upsampling-plan", _stub, "todo"),
        ("gan-seed-params", lambda nz, ngf: nz * ngf * 128 + ngf * 16, "pass"),
        ("gan-seed-params", lambda nz, ngf: AlwaysEqual(0), "wrong"),
        ("gan-leaky-true", affine_form, "pass"),
        ("gan-leaky-true", lambda d: (affine_form(d)[0], 0.0), "wrong"),
        ("gan-leaky-true", nn.LeakyReLU(0.2, inplace=True), "wrong"),
        ("gan-optimal-discriminator", lambda pd, pm, a, b: (a * pd + b * pm) / (pd + pm), "pass"),
        ("gan-optimal-discriminator", lambda pd, pm, a, b: pd / (pd + pm), "wrong"),
    ]:
        graded = _graded(label, answer)
        assert graded[0] == expected, (label, graded)
        assert graded == _direct(label, answer)


def test_keras_answers_agree():
    keras = actlib.frameworks.import_keras()
    for label, answer, expected in [
        ("keras-leaky-relu", lambda x: keras.ops.maximum(x, 0.0) + 0.01 * keras.ops.minimum(x, 0.0), "pass"),
        ("keras-leaky-relu", lambda x: np.where(np.asarray(x) > 0, x, 0.01 * np.asarray(x)), "wrong"),
        ("keras-logits-loss", keras.losses.SparseCategoricalCrossentropy(from_logits=True), "pass"),
        ("keras-logits-loss", keras.losses.SparseCategoricalCrossentropy(), "wrong"),
        ("keras-dense-params", lambda n, m: n * m, "wrong"),
        ("keras-cnn-99", lambda x: x, "wrong"),
    ]:
        graded = _graded(label, answer)
        assert graded == _direct(label, answer) and graded[0] == expected, (label, graded)


def test_the_judge_never_calls_the_answer():
    observation = observe("zoo-softplus-derivative", _sigmoid)
    assert observation["answer"] == {"$": "object", "type": "function", "callable": True, "id": 0}
    calls = []
    # replaying: the judge has only data; an unobserved input is reported, not computed
    observation["records"].clear()
    calls.append(judge("zoo-softplus-derivative", observation))
    assert calls == [("error", "not observed: softplus_derivative(x): the submission's kernel did not report it")]


def test_malformed_or_hostile_data_is_never_a_pass():
    label = "zoo-bounded-below"
    for data in (None, [], {"format": "x"}, {"format": "actbook-observation-1", "label": "other", "records": {}},
                 {"format": "actbook-observation-1", "label": label, "records": {}, "answer": {"$": "pickle"}},
                 {"format": "actbook-observation-1", "label": label, "records": {},
                  "answer": {"$": "ndarray", "dtype": "|O", "shape": [1], "data": "AAAAAAAAAAA="}},
                 {"format": "actbook-observation-1", "label": label, "records": {},
                  "answer": {"$": "set", "items": [[1], [2]]}}):
        status, message = judge(label, data)
        assert status == "error", (data, status, message)


def test_wire_round_trip_keeps_types_and_values():
    value = {"a": (1, 2.5, True, None, ...), 3: [np.arange(6, dtype=np.int16).reshape(2, 3)], "s": {"x", "y"},
             "f": frozenset({1}), "c": 1 + 2j, "n": np.float32(0.5), "nan": float("nan")}
    back = _wire.decode(json.loads(_wire.dumps(_wire.encode(value))))
    assert back["a"] == (1, 2.5, True, None, ...) and back["s"] == {"x", "y"} and back["f"] == frozenset({1})
    assert back[3][0].dtype == np.int16 and back[3][0].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert back["n"].dtype == np.float32 and back["c"] == 1 + 2j and np.isnan(back["nan"])
    assert type(_wire.decode(_wire.encode(AlwaysEqual(3)))) is int
    handle = _wire.decode(_wire.encode(_sigmoid))
    assert type(handle).__name__ == "function" and callable(handle) and _wire.real(handle) is handle
