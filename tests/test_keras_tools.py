"""actlib.keras_tools: MLP builder, epoch-line logger, timed fit, accuracy (tiny models only)."""

import io

import numpy as np
import pytest

from actlib.keras_tools import (
    EpochAccuracy,
    EpochLine,
    FitResult,
    accuracy,
    build_mlp,
    keras,
    restart,
    summary_text,
    timed_fit,
)


def test_build_mlp_layers_and_parameter_count():
    model = build_mlp((8, 4), "tanh", inputs=5, classes=3)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [d.units for d in dense] == [8, 4, 3]
    assert [d.activation.__name__ for d in dense] == ["tanh", "tanh", "softmax"]
    assert model.count_params() == (5 * 8 + 8) + (8 * 4 + 4) + (4 * 3 + 3)


def test_build_mlp_dropout_logits_and_callable_activation():
    model = build_mlp((6,), keras.activations.silu, inputs=4, classes=2, dropout=0.25, output_activation=None)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dense", "Dropout", "Dense"]
    assert model.layers[-1].activation.__name__ == "linear"
    assert model.layers[0].activation is keras.activations.silu


def test_build_mlp_seed_repeats_the_initial_weights():
    a = build_mlp((3,), inputs=2, classes=2, seed=7).get_weights()
    b = build_mlp((3,), inputs=2, classes=2, seed=7).get_weights()
    c = build_mlp((3,), inputs=2, classes=2, seed=8).get_weights()
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"hidden": (4, 0)}, ValueError, r"hidden\[1\] must be a positive int; got 0"),
    ({"hidden": (4, 2.5)}, TypeError, r"hidden\[1\] must be a positive int; got float 2.5"),
    ({"inputs": 0}, ValueError, "inputs must be a positive int; got 0"),
    ({"dropout": 1.0}, ValueError, r"dropout must be in \[0, 1\); got 1.0"),
    ({"dropout": "0.2"}, TypeError, "dropout must be a real number; got str"),
])
def test_build_mlp_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        build_mlp(**kwargs)


def test_epoch_line_format():
    line = EpochLine().format(2, 10, {"loss": 0.123456, "accuracy": 0.96543, "val_loss": 0.2, "val_accuracy": 0.9})
    assert line == "epoch 3/10: loss 0.1235, accuracy 96.5%, val_loss 0.2000, val_accuracy 90.0%"
    assert EpochLine(keys=["val_accuracy", "nope"]).format(0, None, {"val_accuracy": 0.5}) == \
        "epoch 1: val_accuracy 50.0%"
    with pytest.raises(ValueError, match="every must be a positive int; got 0"):
        EpochLine(every=0)


def test_epoch_line_prints_every_nth_and_the_last_epoch_during_fit():
    rng = np.random.default_rng(0)
    x, y = rng.random((16, 3), dtype=np.float32), rng.integers(0, 2, 16)
    model = build_mlp((4,), inputs=3, classes=2, seed=0)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    out = io.StringIO()
    curve = EpochAccuracy(x[:6], y[:6])
    result = timed_fit(model, x, y, epochs=5, batch_size=8, callbacks=[EpochLine(every=2, file=out), curve])
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 2/5", "epoch 4/5", "epoch 5/5"]
    assert "accuracy" in lines[0] and "%" in lines[0]
    assert isinstance(result, FitResult) and result.epochs == 5 and result.seconds > 0
    assert set(result.history) == {"loss", "accuracy"}
    assert all(isinstance(v, float) for v in result.history["loss"])
    assert len(curve.history) == 5 and all(v in {i / 6 for i in range(7)} for v in curve.history)
    assert curve.history[-1] == accuracy(model, x[:6], y[:6])


def test_accuracy_with_probabilities_logits_and_one_hot_labels():
    class Fixed:
        def __init__(self, scores):
            self.scores = scores

        def __call__(self, x, training=False):
            return self.scores[np.asarray(x)[:, 0].astype(int)]  # row i of x is [i]

    scores = np.array([[0.1, 0.9], [2.0, -1.0], [0.3, 0.7], [5.0, 1.0]])
    labels = np.array([1, 0, 0, 0])
    x = np.arange(4.0)[:, None]
    assert accuracy(Fixed(scores), x, labels) == 0.75
    assert accuracy(Fixed(scores), x, np.eye(2)[labels]) == 0.75
    assert accuracy(Fixed(scores), x, labels, batch_size=3) == 0.75
    with pytest.raises(ValueError, match="one row of class scores per label"):
        accuracy(Fixed(scores), x[:3], labels)


def test_accuracy_of_a_real_keras_model():
    model = build_mlp((), inputs=2, classes=2, output_activation=None)
    model.layers[-1].set_weights([np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros(2)])
    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.2, 0.1]], dtype=np.float32)
    assert accuracy(model, x, [0, 1, 1]) == pytest.approx(2 / 3)


def test_restart_matches_a_fresh_model_and_keeps_the_traced_step():
    rng = np.random.default_rng(1)
    x, y = rng.random((32, 4), dtype=np.float32), rng.integers(0, 3, 32)

    def compiled(seed):
        model = build_mlp((5, 5), "tanh", inputs=4, classes=3, seed=seed)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                      jit_compile=False)
        return model

    reused = compiled(0)
    timed_fit(reused, x, y, epochs=2, batch_size=8)
    step = reused.train_function
    lr_before = float(reused.optimizer.learning_rate)
    restart(reused, 3)
    fresh = compiled(3)
    for a, b in zip(reused.get_weights(), fresh.get_weights(), strict=True):
        assert np.array_equal(a, b)
    assert int(reused.optimizer.iterations) == 0
    assert float(reused.optimizer.learning_rate) == lr_before
    seeded = {}
    for name, model in (("reused", reused), ("fresh", fresh)):
        keras.utils.set_random_seed(5)
        seeded[name] = timed_fit(model, x, y, epochs=2, batch_size=8).history["loss"]
    assert np.allclose(seeded["reused"], seeded["fresh"], rtol=1e-5)
    assert reused.train_function is step, "restart must not force a new trace"


def test_summary_text_is_the_plain_summary():
    model = build_mlp((8,), inputs=5, classes=3, name="tiny")
    text = summary_text(model)
    assert text.startswith('Model: "tiny"')
    assert "Total params: 75" in text  # (5 * 8 + 8) + (8 * 3 + 3)
    assert "\x1b[" not in text  # no terminal colour codes


def test_early_stopping_restores_the_best_weights_also_when_the_budget_ends_training():
    # Chapter 6 relies on this Keras 3 behaviour: restore_best_weights=True puts back the
    # weights of the best epoch at the end of fit, even if the patience never ran out.
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    model = build_mlp((4,), inputs=4, classes=2, seed=0)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy",
                  jit_compile=False)
    after = []
    keep = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: after.append(model.get_weights()))
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=100, restore_best_weights=True)
    history = model.fit(x, y, validation_data=(x[::-1], y[::-1] ^ 1), epochs=4, verbose=0,
                        callbacks=[keep, stop]).history
    best = int(np.argmin(history["val_loss"]))
    assert best < 3, history["val_loss"]  # flipped validation labels: the loss rises
    assert stop.stopped_epoch == 0  # the patience never ran out
    for restored, kept in zip(model.get_weights(), after[best], strict=True):
        np.testing.assert_array_equal(restored, kept)
