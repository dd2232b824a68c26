"""Self-checks for chapter 6, Keras Dense layers and MNIST.

Keras is imported only when a Keras check runs, so ``import actlib`` stays light.
"""

from __future__ import annotations

import numpy as np

from ..activations import leaky_relu, softmax
from ._core import IncorrectAnswer, answer_float, answer_tuple, call_answer, exercise, expect_close
from ._observe import probe

CHAPTER = "keras_mnist"


def _keras():
    from ..frameworks import import_keras

    return import_keras()


# --- keras-dense-params ------------------------------------------------------------------
#
# Chapter 4's exercise counts a Dense layer's weights and biases; this one asks what Keras
# counts besides: a BatchNormalization layer's moving statistics, which count_params() and
# model.summary() include but the optimiser does not train.

_DENSE_SHAPES = [(784, 128), (128, 64), (64, 10), (784, 100), (100, 100), (1, 1), (3, 7)]


def _dense_bn_counts(n_in: int, n_out: int) -> tuple[int, int]:
    """(trainable, non-trainable) parameters of ``Dense(n_out)`` + ``BatchNormalization()`` on ``n_in``
    inputs, read from the installed Keras."""
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(n_in,)), keras.layers.Dense(n_out),
                              keras.layers.BatchNormalization()])
    return (sum(int(np.prod(v.shape)) for v in model.trainable_weights),
            sum(int(np.prod(v.shape)) for v in model.non_trainable_weights))


@exercise("keras-dense-params", chapter=CHAPTER, title="Trainable and non-trainable parameters",
          difficulty="easy")
def _dense_params(answer):
    for n_in, n_out in _DENSE_SHAPES:
        what = f"dense_bn_params({n_in}, {n_out})"
        got = call_answer(answer, n_in, n_out, what=what)
        if np.isscalar(got) and not isinstance(got, (str, bytes)):
            raise IncorrectAnswer(f"{what} returned one number, {got!r}; return the pair (trainable, "
                                  "non_trainable), the two counts model.summary() prints")
        pair = answer_tuple(got, 2, f"{what} should return a pair (trainable, non_trainable)")
        got = tuple(answer_float(v, f"{what}[{i}]") for i, v in enumerate(pair))
        expected = _dense_bn_counts(n_in, n_out)
        if got == expected:
            continue
        dense = n_in * n_out + n_out  # chapter 4's count: weights and biases
        trainable, non_trainable = got
        hint = ""
        if got == (dense, 0):
            hint = (": that is the Dense layer alone; BatchNormalization adds a scale, a shift, a moving mean "
                    "and a moving variance per unit")
        elif got == (sum(expected), 0):
            hint = (": the moving mean and variance are not trained (no gradient step changes them); "
                    "Keras counts them as non-trainable")
        elif non_trainable == expected[1] and trainable == dense:
            hint = ": the scale and the shift are learned, so they are trainable, like the Dense layer's weights"
        elif non_trainable == expected[1]:
            hint = (": the non-trainable count is right; check the trainable one (the Dense layer has "
                    "n_in * n_out weights and n_out biases, chapter 4's count)")
        raise IncorrectAnswer(f"{what} returned ({trainable:g}, {non_trainable:g}), expected {expected}{hint}")
    trainable, non_trainable = _dense_bn_counts(784, 100)
    return (f"Dense(100) + BatchNormalization() on 784 inputs: {trainable:,} trainable and {non_trainable:,} "
            "non-trainable parameters. count_params() and the summary's 'Total params' add the two.")


# --- keras-leaky-relu ----------------------------------------------------------------------

_LEAKY_X = np.array([-50.0, -3.0, -1.0, -0.25, 0.0, 0.25, 1.0, 3.0, 50.0], dtype=np.float32)


_DENSE_W = np.array([[1.0, -1.0], [2.0, 0.5], [-3.0, 1.0]], dtype=np.float32)
_DENSE_X = np.array([[1.0, 0.5, 2.0], [-1.0, 0.0, 0.5]], dtype=np.float32)


def _in_dense_layer(answer):
    """The outputs of a Dense(2) layer with ``activation=answer`` on a fixed batch."""
    keras = _keras()
    try:  # a NotImplementedError here comes from NumPy meeting a symbolic tensor, not from a stub
        inputs = keras.Input(shape=(3,))
        model = keras.Model(inputs, keras.layers.Dense(2, activation=answer)(inputs))
        model.layers[-1].set_weights([_DENSE_W, np.array([0.1, -0.2], dtype=np.float32)])
        return np.asarray(model.predict(_DENSE_X, verbose=0))
    except Exception as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise IncorrectAnswer(f"Dense(2, activation=leaky_relu_torch) fails: {type(err).__name__}: {first_line} "
                              "Write the function with keras.ops, not NumPy, so that Keras can trace it.") from err


@exercise("keras-leaky-relu", chapter=CHAPTER, title="PyTorch's Leaky ReLU as a Keras activation",
          difficulty="easy",
          giveaways=("actlib.leaky_relu",))
def _leaky_relu(answer):
    keras = _keras()
    what = "leaky_relu_torch(x)"
    got = call_answer(answer, keras.ops.convert_to_tensor(_LEAKY_X), what=what)
    try:
        got = keras.ops.convert_to_numpy(got)
    except Exception:  # anything that is not a tensor
        raise IncorrectAnswer(f"{what} should return a tensor; got {type(got).__name__}") from None
    if not np.issubdtype(np.asarray(got).dtype, np.number):
        raise IncorrectAnswer(f"{what} should return a tensor of numbers; got {np.asarray(got).dtype} values")
    negative = _LEAKY_X < 0
    expected = leaky_relu(_LEAKY_X.astype(float), alpha=0.01)
    if np.shape(got) == _LEAKY_X.shape and np.allclose(got[~negative], _LEAKY_X[~negative], rtol=1e-6):
        slopes = got[negative] / _LEAKY_X[negative]
        if np.allclose(slopes, 0.0, atol=1e-7):
            raise IncorrectAnswer("for x < 0 your function returns 0: that is ReLU. Leaky ReLU lets a small "
                                  "slope through, 0.01 * x in PyTorch's default")
        if np.allclose(slopes, slopes[0], rtol=1e-4) and not np.isclose(slopes[0], 0.01, rtol=1e-4):
            raise IncorrectAnswer(f"for x < 0 your slope is {slopes[0]:.3g}; PyTorch's nn.LeakyReLU uses 0.01 "
                                  "(Keras's layer uses 0.3 and keras.activations.leaky_relu 0.2)")
    expect_close(got, expected, what, rtol=1e-6, atol=1e-7, at=_LEAKY_X)
    # It must also work where Keras really uses it: inside a layer, in a traced graph.
    z = _DENSE_X.astype(float) @ _DENSE_W + np.array([0.1, -0.2])
    in_layer = probe(answer, "Dense(2, activation=leaky_relu_torch)", _in_dense_layer)
    expect_close(in_layer, leaky_relu(z, alpha=0.01), "Dense(2, activation=leaky_relu_torch)", rtol=1e-5, atol=1e-6)
    return "a Python function of a tensor, written with keras.ops, is all Dense(activation=...) needs."


# --- keras-logits-loss ---------------------------------------------------------------------


def _logits_case():
    rng = np.random.default_rng(6)
    logits = rng.normal(0.0, 3.0, size=(32, 10)).astype(np.float32)
    labels = rng.integers(0, 10, size=32)
    probabilities = softmax(logits.astype(float), axis=-1)
    expected = float(np.mean(-np.log(probabilities[np.arange(32), labels])))
    return logits, labels, expected


@exercise("keras-logits-loss", chapter=CHAPTER, title="The right loss for logits and integer labels",
          difficulty="medium")
def _logits_loss(answer):
    keras = _keras()
    logits, labels, expected = _logits_case()
    what = "loss(y_true, y_pred)"
    try:
        value = call_answer(answer, labels, logits, what=what)
    except IncorrectAnswer as err:
        message = str(err)
        if "to be a function" in message:  # a loss's name, or anything else that cannot be called
            raise IncorrectAnswer(f"{message}. Pass a loss object, such as "
                                  "keras.losses.SparseCategoricalCrossentropy(...), or a function of "
                                  "(y_true, y_pred): a loss's name cannot carry from_logits=True.") from err
        if "same rank" in message:  # what Keras's categorical losses say of integer labels
            raise IncorrectAnswer(f"{message}. The labels here are class indices, shape (n,), not one-hot "
                                  "rows: a categorical loss expects one-hot labels of shape (n, 10).") from err
        raise
    try:
        value = float(np.mean(keras.ops.convert_to_numpy(value)))
    except Exception:
        raise IncorrectAnswer(f"{what} should return a number; got {type(value).__name__}") from None
    if np.isclose(value, expected, rtol=1e-4):
        return ("from_logits=True applies the softmax inside the loss, which is also the numerically "
                "stable way to compute it.")
    as_probabilities = float(keras.losses.SparseCategoricalCrossentropy()(labels, logits))
    if np.isclose(value, as_probabilities, rtol=1e-4):
        raise IncorrectAnswer(f"your loss gives {value:.4f} instead of {expected:.4f}: it reads the model's raw "
                              "scores (logits) as probabilities. The last layer has no softmax, so tell the "
                              "loss: from_logits=True.")
    raise IncorrectAnswer(f"your loss gives {value:.4f}; the cross-entropy of these logits and labels is "
                          f"{expected:.4f}")


# --- keras-cnn-99 --------------------------------------------------------------------------
#
# The one check that runs differently for the student and for the grader. In the student's
# notebook (direct mode) it measures the model on the chapter's validation split only, and never
# loads the test set: a test-set check that a student can re-run after every retraining is the
# best-of-many pick the chapter warns against (each run tells one bit about the test images).
# Under the instructor's grader (record mode in the submission's kernel, replay mode in the
# grader's process; see ._observe) it measures the model on the validation split and, once per
# observation, on the 10,000 test images, and judges the test accuracy.

CNN_TARGET = 0.99
CNN_MAX_PARAMS = 500_000
#: Under the grader, the validation accuracy a model that passes on the test set must reach too:
#: a floor, not a comparison. It stops a model that has only learned the test labels (a table);
#: a network trained on the test images alone reaches it (grading.md says so).
CNN_VALIDATION_FLOOR = 0.98
#: The most values a model may compute per image (the outputs of all its layers): the grader
#: runs the rebuilt model in its own process, so a model of few weights and huge layers
#: (UpSampling2D) must not take it minutes and gigabytes. The chapter's CNN computes about 15,000.
CNN_MAX_ACTIVATIONS = 1_000_000
#: The Keras layers that make a model a convolutional network for this exercise: the 2-D ones
#: (in Keras 3 the separable, depthwise and transposed layers are not subclasses of Conv2D).
CNN_CONV_LAYERS = ("Conv2D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose")


#: The chapter's validation split: the last 12,000 training images (x_val, y_val).
CNN_VALIDATION = slice(48_000, None)


def _mnist_images(part: str):
    """MNIST images as the CNN exercise feeds them, (n, 28, 28, 1) floats in [0, 1], and labels.

    ``part`` is "test" (the held-out 10,000) or "validation" (the chapter's x_val, y_val).
    """
    from ..datasets import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist()
    x, y = (x_test, y_test) if part == "test" else (x_train[CNN_VALIDATION], y_train[CNN_VALIDATION])
    return (x.astype(np.float32) / 255.0)[..., None], y


def _graded() -> bool:
    """True inside the instructor's grader (observing in the submission's kernel, or judging)."""
    from ._observe import _MODE

    return _MODE.get() is not None


def _recording() -> bool:
    """True in the submission's kernel while the grader observes (record mode)."""
    from ._observe import _MODE

    session = _MODE.get()
    return session is not None and not session.replay


def _judge() -> str:
    """Who rebuilds and judges the model, as the messages name it: the grader under the
    instructor's grader, the self-check in the student's own notebook (where no grader runs)."""
    return "the grader" if _graded() else "the check"


def _cnn_parts() -> list[str]:
    """The MNIST parts the CNN check measures: the test set only under the grader."""
    return ["validation", "test"] if _graded() else ["validation"]


def _all_layers(model):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _all_layers(layer)


def _export_cnn(answer):
    """The model as data the grader rebuilds (issue 26): its type and size and, for a Keras model
    of at most CNN_MAX_PARAMS parameters, its configuration (JSON) and weights. Runs where the
    answer lives (the notebook, or the submission's kernel); nothing of it is trusted but data."""
    keras = _keras()
    if not isinstance(answer, keras.Model):
        return {"type": type(answer).__name__, "model": False}
    about = {"type": type(answer).__name__, "model": True, "params": int(answer.count_params())}
    if about["params"] > CNN_MAX_PARAMS:
        return about
    try:
        about["config"] = answer.to_json()
    except Exception as err:  # a model class of the student's own that Keras cannot describe
        about["config_error"] = f"{type(err).__name__}: {err}"
        return about
    about["weights"] = [np.asarray(w) for w in answer.get_weights()]
    return about


def _keras_modules_only(config) -> None:
    """Refuse a configuration that names anything but Keras's own classes (its ``module``
    fields), before Keras reads it."""
    if isinstance(config, dict):
        module = config.get("module")
        if module is not None and not (isinstance(module, str) and (module == "keras" or module.startswith("keras."))):
            raise IncorrectAnswer(f"your model's configuration names the module {module!r}: {_judge()} rebuilds "
                                  "only models made of Keras's own layers; build it with keras.Sequential or the "
                                  "functional API from them")
        for value in config.values():
            _keras_modules_only(value)
    elif isinstance(config, list):
        for value in config:
            _keras_modules_only(value)


_FIXED_INPUT = "start it with keras.Input(shape=(28, 28, 1))"


def _activation_count(model) -> int:
    """The values ``model`` computes per image: the sizes of all its layers' outputs. Raises
    :class:`IncorrectAnswer` for a model whose sizes are not all known (not built, or built on an
    input of unknown height or width): the count would not bound its work (review 25)."""
    if not getattr(model, "built", True):
        raise IncorrectAnswer(f"your model is not built, so {_judge()} cannot tell how much it computes: "
                              f"{_FIXED_INPUT}")
    total = 0
    for layer in _all_layers(model):
        try:
            shapes = layer.output if isinstance(layer.output, (list, tuple)) else [layer.output]
            dims = [tuple(tensor.shape)[1:] for tensor in shapes]
        except (AttributeError, ValueError, TypeError):
            continue  # (no output tensor to read; a layer called several times reads as its first call)
        for shape in dims:
            if any(d is None for d in shape):
                raise IncorrectAnswer(f"your layer {layer.name!r} has an output of unknown size {shape}, so "
                                      f"{_judge()} cannot tell how much your model computes: {_FIXED_INPUT}")
            total += int(np.prod(shape))
    return total


def _rebuild_cnn(about):
    """The student's model rebuilt from its configuration and weights, in this process, by Keras
    in safe mode (no Lambda layer, no class of the student's own)."""
    import json

    keras = _keras()
    if "config_error" in about or "config" not in about:
        raise IncorrectAnswer(f"your model ({about['type']}) cannot be described by its configuration "
                              f"({about.get('config_error', 'none given')}): build it with keras.Sequential or the "
                              f"functional API from Keras's own layers, so that {_judge()} can rebuild it")
    try:
        config = json.loads(about["config"])
        _keras_modules_only(config)
        model = keras.models.model_from_json(about["config"])  # safe mode: Keras 3's default
        model.set_weights([np.asarray(w) for w in about["weights"]])
    except IncorrectAnswer:
        raise
    except Exception as err:
        judge = _judge()
        raise IncorrectAnswer(
            f"{judge} cannot rebuild your model ({about['type']}) from its configuration and weights "
            f"({type(err).__name__}: {str(err)[:200]}). Build it with keras.Sequential or the functional API "
            "from Keras's own layers: a model class of your own, a Lambda layer or a custom layer cannot be "
            f"rebuilt, and {judge} judges only the model it rebuilds") from None
    return model


@exercise("keras-cnn-99", chapter=CHAPTER, title="The 99 % challenge",
          difficulty="hard")
def _cnn_99(answer):
    parts = _cnn_parts()  # the test set only under the grader
    # The model crosses as data (configuration and weights) and is rebuilt and measured here: in
    # the notebook, and in the grader's own process, never in the submission's kernel.
    about = probe(answer, "the trained CNN, as configuration and weights", _export_cnn)
    if not about["model"]:
        raise IncorrectAnswer(f"expected your trained Keras model; got {about['type']}")
    if about["params"] > CNN_MAX_PARAMS:
        raise IncorrectAnswer(f"your model has {about['params']:,} parameters; keep it small "
                              f"(at most {CNN_MAX_PARAMS:,}): the exercise caps the parameters at "
                              f"{CNN_MAX_PARAMS:,} and asks for training under a minute or two on a "
                              "laptop CPU")
    if _recording():  # (in the submission's kernel, the data above is all the grader takes)
        return "observed"
    model = _rebuild_cnn(about)
    keras = _keras()
    values = _activation_count(model)
    if values > CNN_MAX_ACTIVATIONS:
        raise IncorrectAnswer(f"your model computes {values:,} values per image (its layers' outputs), more than "
                              f"{CNN_MAX_ACTIVATIONS:,}: keep its layers small")
    params = int(model.count_params())
    if params > CNN_MAX_PARAMS:
        raise IncorrectAnswer(f"your rebuilt model has {params:,} parameters, more than {CNN_MAX_PARAMS:,}")
    convolutions = tuple(getattr(keras.layers, name) for name in CNN_CONV_LAYERS)
    if not any(isinstance(layer, convolutions) for layer in _all_layers(model)):
        raise IncorrectAnswer(f"your model has no 2-D convolution layer ({', '.join(CNN_CONV_LAYERS)}): "
                              "this exercise asks for a convolutional network")
    accuracy = {}
    for part in parts:
        images, labels = _mnist_images(part)
        try:
            scores = np.asarray(model.predict(images, batch_size=2000, verbose=0))
        except Exception as err:
            raise IncorrectAnswer(f"your model cannot read the {part} images, shape {images.shape}, floats in "
                                  f"[0, 1]: {type(err).__name__}: {err}") from None
        if scores.shape != (len(labels), 10):
            raise IncorrectAnswer(f"expected 10 class scores per image, shape {(len(labels), 10)}; "
                                  f"got {scores.shape}")
        accuracy[part] = float(np.mean(scores.argmax(axis=1) == labels))
    if "test" not in accuracy:  # the student's notebook: the validation split only
        if accuracy["validation"] < CNN_TARGET:
            raise IncorrectAnswer(
                f"your model reaches {accuracy['validation']:.2%} on the validation split (the chapter's "
                f"x_val, the last 12,000 training images), below {CNN_TARGET:.0%}. Check the input scaling, "
                "then try more filters, another epoch, or a learning rate that decays to 0. (Fit the weights "
                "on x_fit only: a model fitted on x_val makes this number meaningless.)")
        return (f"your model reaches {CNN_TARGET:.0%} or more on the validation split (x_val). This check "
                "never looks at the test set: your instructor's grader runs your notebook again and "
                "measures the model it trains on the test set, once (reading on your own: do that "
                "yourself, once, after your last change).")
    summary = (f"test accuracy {accuracy['test']:.2%} (validation {accuracy['validation']:.2%}), "
               "measured once by the grader")
    if accuracy["test"] < CNN_TARGET:
        raise IncorrectAnswer(f"{summary}: below {CNN_TARGET:.0%}")
    if accuracy["validation"] < CNN_VALIDATION_FLOOR:
        raise IncorrectAnswer(f"{summary}: the validation accuracy is below the grader's floor of "
                              f"{CNN_VALIDATION_FLOOR:.0%}; the challenge asks for a model fitted on x_fit only, "
                              "judged on the test set once")
    return f"{summary}: article 002's challenge is met."
