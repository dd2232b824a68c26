"""Keras helpers for the chapters that train on MNIST.

Importing this module imports Keras (through :func:`actlib.frameworks.import_keras`,
so TensorFlow starts quietly). It holds the few pieces of training plumbing a
chapter would otherwise repeat:

* :func:`build_mlp` - a seeded ``Sequential`` MLP for a given hidden activation;
* :class:`EpochLine` - a callback that prints one short, rounded line per epoch
  (instead of Keras's progress bars or its ``verbose=2`` lines with timings);
* :class:`EpochAccuracy` - a callback that records the accuracy on held-out data
  after every epoch (a learning curve), without tracing a second graph;
* :func:`timed_fit` - ``model.fit`` that also measures the wall-clock time;
* :func:`restart` - fresh initial weights and optimizer state for a compiled model,
  so that several seeds can reuse one traced training step;
* :func:`accuracy` - the fraction of correct arg-max predictions;
* :func:`summary_text` - ``model.summary()`` as plain text, without the empty HTML
  box Keras's rich-based summary leaves in a notebook.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._validation import integer, real_parameter
from .frameworks import import_keras, seed_everything

keras = import_keras()


def build_mlp(hidden: Sequence[int] = (100, 100, 100), activation="relu", *, inputs: int = 784,
              classes: int = 10, output_activation="softmax", dropout: float = 0.0,
              seed: int | None = None, name: str | None = None):
    """A fully connected classifier: ``inputs -> Dense(h, activation) for h in hidden -> Dense(classes)``.

    ``activation`` is anything ``keras.layers.Dense(activation=...)`` accepts (a
    name such as ``"relu"``, or a function). ``dropout > 0`` adds a ``Dropout``
    layer after every hidden layer. ``output_activation=None`` returns logits.
    The Dense layers keep Keras's default initial weights (Glorot-uniform kernels,
    zero biases); with ``seed`` they are the same on every call.

    Examples::

        >>> model = build_mlp((4,), "tanh", inputs=3, classes=2, seed=0)
        >>> model.output_shape, model.count_params()  # (3 * 4 + 4) + (4 * 2 + 2)
        ((None, 2), 26)
        >>> build_mlp((4, 2.5))
        Traceback (most recent call last):
        ...
        actlib._validation.NotAnInteger: hidden[1] must be a positive int; got float 2.5
    """
    hidden = [integer(h, f"hidden[{i}]", minimum=1) for i, h in enumerate(hidden)]
    inputs, classes = integer(inputs, "inputs", minimum=1), integer(classes, "classes", minimum=1)
    dropout = real_parameter(dropout, "dropout", minimum=0, below=1)
    if seed is not None:
        seed_everything(seed)
    layers = [keras.Input(shape=(inputs,))]
    for width in hidden:
        layers.append(keras.layers.Dense(width, activation=activation))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(classes, activation=output_activation))
    return keras.Sequential(layers, name=name)


_PERCENT = ("accuracy", "val_accuracy")


class EpochLine(keras.callbacks.Callback):
    """Print one line per epoch, with losses to 4 decimals and accuracies in %.

    ``every=n`` prints every n-th epoch (and the last one); ``keys`` picks the
    logged metrics to show, in order (default: all of them, as Keras logs them).

    Examples::

        >>> EpochLine().format(2, 10, {"loss": 0.123456, "accuracy": 0.96543})
        'epoch 3/10: loss 0.1235, accuracy 96.5%'
    """

    def __init__(self, every: int = 1, keys: Sequence[str] | None = None, file=None):
        super().__init__()
        every = integer(every, "every", minimum=1)
        self.every, self.keys, self.file = every, keys, file

    def on_epoch_end(self, epoch, logs=None):
        total = self.params.get("epochs") if self.params else None
        last = total is not None and epoch + 1 == total
        if (epoch + 1) % self.every and not last:
            return
        print(self.format(epoch, total, logs or {}), file=self.file or sys.stdout)

    def format(self, epoch: int, total: int | None, logs: dict) -> str:
        keys = self.keys if self.keys is not None else list(logs)
        parts = []
        for key in keys:
            if key not in logs:
                continue
            value = float(logs[key])
            parts.append(f"{key} {value:.1%}" if key in _PERCENT else f"{key} {value:.4f}")
        counter = f"{epoch + 1}/{total}" if total else f"{epoch + 1}"
        return f"epoch {counter}: " + ", ".join(parts)


class EpochAccuracy(keras.callbacks.Callback):
    """Record the accuracy on ``(x, labels)`` after every epoch, in ``self.history``.

    Use it for a learning curve on a validation set; it evaluates the model
    eagerly, so it costs no extra graph tracing.

    Examples::

        >>> x, labels = np.eye(3, dtype="float32"), np.array([0, 1, 1])
        >>> model = build_mlp((4,), inputs=3, classes=2, seed=0)
        >>> model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        >>> curve = EpochAccuracy(x, labels)
        >>> _ = model.fit(x, labels, epochs=3, verbose=0, callbacks=[curve])
        >>> len(curve.history)
        3
    """

    def __init__(self, x, labels):
        super().__init__()
        self.x, self.labels, self.history = x, labels, []

    def on_train_begin(self, logs=None):
        self.history = []

    def on_epoch_end(self, epoch, logs=None):
        self.history.append(accuracy(self.model, self.x, self.labels))


@dataclass(frozen=True)
class FitResult:
    """What :func:`timed_fit` returns: the per-epoch history and the training time."""

    history: dict[str, list[float]]
    seconds: float

    @property
    def epochs(self) -> int:
        return len(next(iter(self.history.values()), []))


def timed_fit(model, *args, **kwargs) -> FitResult:
    """``model.fit(*args, **kwargs)`` (``verbose=0`` unless given), timed with a wall clock.

    It builds the optimizer's variables before the first call: otherwise TensorFlow
    creates them while tracing the training step and has to trace it twice, which
    for a small model can take longer than the training itself.

    Examples::

        >>> model = build_mlp((4,), inputs=3, classes=2, seed=0)
        >>> model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        >>> result = timed_fit(model, np.eye(3), np.array([0, 1, 1]), epochs=2)
        >>> result.epochs, list(result.history), result.seconds > 0
        (2, ['loss'], True)
    """
    kwargs.setdefault("verbose", 0)
    start = time.perf_counter()
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not optimizer.built:
        optimizer.build(model.trainable_variables)
    history = model.fit(*args, **kwargs)
    seconds = time.perf_counter() - start
    return FitResult({k: [float(v) for v in vs] for k, vs in history.history.items()}, seconds)


def restart(model, seed: int) -> None:
    """Reset a compiled model to the start of training, as if built anew with ``seed``.

    The weights become those a fresh copy of the model draws after
    ``seed_everything(seed)`` (for :func:`build_mlp`, the same as
    ``build_mlp(..., seed=seed)``), and the optimizer's state (step counter,
    moment estimates) goes back to zero; its learning rate is kept. Unlike
    building and compiling a new model, this keeps the traced training step, which
    for a small model costs more time than a few epochs of training.

    Examples::

        >>> model = build_mlp((4,), inputs=3, classes=2, seed=0)
        >>> model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        >>> _ = model.fit(np.eye(3), np.array([0, 1, 1]), epochs=2, verbose=0)
        >>> restart(model, 0)
        >>> fresh = build_mlp((4,), inputs=3, classes=2, seed=0)
        >>> all(np.array_equal(a, b) for a, b in zip(model.get_weights(), fresh.get_weights()))
        True
    """
    seed_everything(seed)
    model.set_weights(keras.models.clone_model(model).get_weights())
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and optimizer.built:
        for variable in optimizer.variables:
            if not variable.path.endswith("learning_rate"):
                variable.assign(keras.ops.zeros_like(variable))


def predict_eagerly(model, x, *, batch_size: int = 2000) -> np.ndarray:
    """``model(x, training=False)`` in batches, as NumPy.

    Unlike ``model.predict`` this traces no graph, which is faster for the one
    or two evaluations a small model gets.

    Examples::

        >>> model = build_mlp((4,), inputs=3, classes=2, seed=0)
        >>> probabilities = predict_eagerly(model, np.eye(3, dtype="float32"), batch_size=2)
        >>> probabilities.shape, np.allclose(probabilities.sum(axis=1), 1)
        ((3, 2), True)
    """
    batches = [keras.ops.convert_to_numpy(model(x[i:i + batch_size], training=False))
               for i in range(0, len(x), batch_size)]
    return np.concatenate(batches) if batches else np.empty((0,))


def accuracy(model, x, labels, *, batch_size: int = 2000) -> float:
    """Fraction of rows of ``x`` whose arg-max prediction equals ``labels``.

    ``labels`` are class indices, or one-hot rows (then their arg-max is used).
    Works for models that output probabilities or logits alike.

    Examples::

        >>> model = build_mlp((4,), inputs=3, classes=2, seed=0)
        >>> x = np.eye(3, dtype="float32")
        >>> predicted = predict_eagerly(model, x).argmax(axis=1)
        >>> accuracy(model, x, predicted), accuracy(model, x, 1 - predicted)
        (1.0, 0.0)
    """
    labels = np.asarray(labels)
    if labels.ndim == 2:
        labels = labels.argmax(axis=1)
    scores = predict_eagerly(model, x, batch_size=batch_size)
    if scores.ndim != 2 or len(scores) != len(labels):
        raise ValueError(f"expected one row of class scores per label ({len(labels)}); got shape {scores.shape}")
    return float(np.mean(scores.argmax(axis=1) == labels))


def summary_text(model, *, line_length: int | None = None) -> str:
    """The text of ``model.summary()`` as one string (no terminal colours).

    Keras draws the summary with ``rich``, which in a Jupyter kernel also sends an
    HTML display (empty when ``print_fn`` is given); this captures and drops it, so
    that ``print(summary_text(model))`` leaves one plain-text output.

    Examples::

        >>> text = summary_text(build_mlp((4,), inputs=3, classes=2, name="tiny"))
        >>> text.splitlines()[0], text.splitlines()[-3].strip()
        ('Model: "tiny"', 'Total params: 26 (104.00 B)')
    """
    lines: list[str] = []
    try:
        from IPython.utils.capture import capture_output
    except ImportError:  # pragma: no cover - IPython is installed with the book
        capture = contextlib.nullcontext()
    else:
        capture = capture_output(stdout=False, stderr=False, display=True)
    with capture:
        model.summary(line_length=line_length, print_fn=lambda line, **_: lines.append(line))
    return "\n".join(lines).rstrip("\n")
