"""The self-checks of chapter 6 (Keras and MNIST), with right, wrong and stub answers.

No real training here: the CNN check is fed tiny stand-in data and models.
"""

import json

import numpy as np
import pytest

import actlib
from actlib.exercises import IncorrectAnswer, NotAnswered, _wire, exercises, judge, observe
from actlib.exercises import keras_mnist as km
from actlib.keras_tools import keras

LABELS = ["keras-dense-params", "keras-leaky-relu", "keras-logits-loss", "keras-cnn-99"]


def stub(*args):
    raise NotImplementedError


def test_chapter_registers_its_checks():
    assert [e.label for e in exercises("keras_mnist")] == LABELS


@pytest.mark.parametrize("label", LABELS)
def test_stubs_are_not_answered(label):
    for answer in (None, ...) if label == "keras-cnn-99" else (None, ..., stub):
        with pytest.raises(NotAnswered, match="not answered yet"):
            actlib.check(label, answer)


def test_dense_params(capsys):
    actlib.check("keras-dense-params", lambda n, m: (n * m + 3 * m, 2 * m))
    assert "78,700 trainable and 200 non-trainable" in capsys.readouterr().out
    with pytest.raises(IncorrectAnswer, match=r"returned \(100480, 0\), expected \(100736, 256\): that is the Dense"):
        actlib.check("keras-dense-params", lambda n, m: (n * m + m, 0))
    with pytest.raises(IncorrectAnswer, match="moving mean and variance are not trained"):
        actlib.check("keras-dense-params", lambda n, m: (n * m + 5 * m, 0))
    with pytest.raises(IncorrectAnswer, match="the scale and the shift are learned"):
        actlib.check("keras-dense-params", lambda n, m: (n * m + m, 2 * m))
    with pytest.raises(IncorrectAnswer, match="check the trainable one"):
        actlib.check("keras-dense-params", lambda n, m: (n * m + 2 * m, 2 * m))
    with pytest.raises(IncorrectAnswer, match="returned one number, 100480; return the pair"):
        actlib.check("keras-dense-params", lambda n, m: n * m + m)
    with pytest.raises(IncorrectAnswer, match=r"should return a pair \(trainable, non_trainable\); got str"):
        actlib.check("keras-dense-params", lambda n, m: "many")
    with pytest.raises(IncorrectAnswer, match=r"dense_bn_params\(784, 128\) raised TypeError"):
        actlib.check("keras-dense-params", lambda n: n)


def test_dense_params_reads_what_keras_counts():
    """The check's expected counts come from Keras; its hints assume this split."""
    for n_in, n_out in km._DENSE_SHAPES:
        assert km._dense_bn_counts(n_in, n_out) == (n_in * n_out + 3 * n_out, 2 * n_out)


def test_leaky_relu(capsys):
    actlib.check("keras-leaky-relu", lambda x: keras.ops.where(x > 0, x, 0.01 * x))
    actlib.check("keras-leaky-relu", lambda x: keras.ops.leaky_relu(x, negative_slope=0.01))
    assert capsys.readouterr().out.count("Correct (keras-leaky-relu)") == 2
    with pytest.raises(IncorrectAnswer, match="slope is 0.2; PyTorch's nn.LeakyReLU uses 0.01"):
        actlib.check("keras-leaky-relu", keras.activations.leaky_relu)
    with pytest.raises(IncorrectAnswer, match="returns 0: that is ReLU"):
        actlib.check("keras-leaky-relu", keras.activations.relu)
    with pytest.raises(IncorrectAnswer, match="values are off; first at input -50.0"):
        actlib.check("keras-leaky-relu", keras.activations.elu)
    with pytest.raises(IncorrectAnswer, match="should return a tensor of numbers; got <U4 values"):
        actlib.check("keras-leaky-relu", lambda x: "relu")


def test_leaky_relu_must_work_inside_a_layer():
    def numpy_only(x):  # right on concrete tensors, but cannot be traced symbolically
        x = np.asarray(x)
        return np.where(x > 0, x, 0.01 * x)

    with pytest.raises(IncorrectAnswer, match="Write the function with keras.ops, not NumPy"):
        actlib.check("keras-leaky-relu", numpy_only)


def test_logits_loss(capsys):
    actlib.check("keras-logits-loss", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    actlib.check("keras-logits-loss",
                 lambda y, z: keras.losses.sparse_categorical_crossentropy(y, z, from_logits=True))
    assert capsys.readouterr().out.count("Correct (keras-logits-loss)") == 2
    with pytest.raises(IncorrectAnswer, match="reads the model's raw scores .logits. as probabilities"):
        actlib.check("keras-logits-loss", keras.losses.SparseCategoricalCrossentropy())
    with pytest.raises(IncorrectAnswer, match="class indices, shape .n,., not one-hot rows"):
        actlib.check("keras-logits-loss", keras.losses.CategoricalCrossentropy(from_logits=True))
    with pytest.raises(IncorrectAnswer, match=r"your loss gives 0.0000; the cross-entropy .* is \d+\.\d{4}"):
        actlib.check("keras-logits-loss", lambda y, z: 0.0)


def test_logits_loss_hints_fit_the_failure():
    """The one-hot hint only for a categorical loss's rank error; a loss's name gets its own."""
    with pytest.raises(IncorrectAnswer) as err:
        actlib.check("keras-logits-loss", "sparse_categorical_crossentropy")
    assert "a loss's name cannot carry from_logits=True" in str(err.value)
    assert "one-hot" not in str(err.value)
    with pytest.raises(IncorrectAnswer) as err:
        actlib.check("keras-logits-loss", lambda y, z: 1 / 0)
    assert "raised ZeroDivisionError" in str(err.value) and "one-hot" not in str(err.value)


# --- the CNN check, on stand-in data --------------------------------------------------------

TINY_LABELS = np.arange(20) % 10
# The stand-in images: twenty 28x28 'images' whose label is written in pixel (0, 0) as label / 10.
TINY_X = np.zeros((20, 28, 28, 1), dtype=np.float32)
TINY_X[:, 0, 0, 0] = TINY_LABELS / 10
# Labels under which a model that reads pixel (0, 0) scores 50 %: every other image mislabelled.
HALF_WRONG = np.where(np.arange(20) % 2 == 0, TINY_LABELS, (TINY_LABELS + 1) % 10)


def stand_in(monkeypatch, *, validation=TINY_LABELS, test=TINY_LABELS, test_allowed=True):
    """Replace the check's MNIST parts by the stand-in images with these labels; log each load.

    With ``test_allowed=False`` loading the test part fails the test.
    """
    loads = []

    def images(part):
        loads.append(part)
        if part == "test" and not test_allowed:
            raise AssertionError("the check loaded the test set")
        return TINY_X, (test if part == "test" else validation)

    monkeypatch.setattr(km, "_mnist_images", images)
    return loads


@pytest.fixture
def tiny_test_set(monkeypatch):
    """The stand-in data, a notebook's view: the test set may not be loaded."""
    return stand_in(monkeypatch, test_allowed=False)


def graded(label, answer):
    """The grader's path: observe in the 'kernel', JSON across, judge."""
    return judge(label, json.loads(_wire.dumps(observe(label, answer))))


def reader(correct_fraction=1.0, conv=True):
    """A Keras model that reads the label from pixel (0, 0): a Conv2D that copies it, then a fixed Dense."""
    inputs = keras.Input(shape=(28, 28, 1))
    if conv:
        h = keras.layers.Conv2D(1, 1, use_bias=False, name="copy")(inputs)
    else:
        h = keras.layers.Identity()(inputs)
    h = keras.layers.Cropping2D(((0, 27), (0, 27)))(h)
    h = keras.layers.Flatten()(h)
    outputs = keras.layers.Dense(10, name="decode")(h)
    model = keras.Model(inputs, outputs)
    if conv:
        model.get_layer("copy").set_weights([np.ones((1, 1, 1, 1), np.float32)])
    # score_k = -(v - k/10)^2 is linear in v up to terms constant in k: 2 v k/10 - (k/10)^2.
    k = np.arange(10) / 10
    model.get_layer("decode").set_weights([(2 * k)[None, :].astype(np.float32), (-(k ** 2)).astype(np.float32)])
    if correct_fraction < 1.0:  # shift some classes' scores so that they lose
        bias = model.get_layer("decode").get_weights()[1]
        bias[: int(round(10 * (1 - correct_fraction)))] -= 10.0
        model.get_layer("decode").set_weights([model.get_layer("decode").get_weights()[0], bias])
    return model


def test_cnn_accepts_a_model_that_scores_99_percent_on_validation(tiny_test_set, capsys):
    actlib.check("keras-cnn-99", reader())
    out = capsys.readouterr().out
    assert "reaches 99% or more on the validation split" in out and "never looks at the test set" in out
    assert "grader runs your notebook again and measures the model it trains on the test set" in out
    assert tiny_test_set == ["validation"]  # the images and labels, once


def test_cnn_rejects_a_weak_model_on_the_validation_split(monkeypatch):
    loads = stand_in(monkeypatch, validation=HALF_WRONG, test_allowed=False)
    with pytest.raises(IncorrectAnswer) as err:
        actlib.check("keras-cnn-99", reader())
    message = str(err.value)
    assert "reaches 50.00% on the validation split" in message and "below 99%" in message
    assert "test" not in loads


def test_cnn_check_in_a_notebook_never_loads_the_test_set(monkeypatch):
    """Right, weak and broken models alike: the student's check reads the validation split only."""
    stand_in(monkeypatch, validation=HALF_WRONG, test_allowed=False)  # loading "test" fails this test
    for model in (reader(), reader(correct_fraction=0.8)):
        with pytest.raises(IncorrectAnswer, match="on the validation split"):
            actlib.check("keras-cnn-99", model)
    for answer in (lambda x: x, reader(conv=False)):
        with pytest.raises(IncorrectAnswer):
            actlib.check("keras-cnn-99", answer)


@pytest.mark.parametrize(("validation", "test", "status", "words"), [
    (TINY_LABELS, TINY_LABELS, "pass", "test accuracy 100.00% (validation 100.00%)"),
    (HALF_WRONG, TINY_LABELS, "wrong", "(validation 50.00%), measured once by the grader: the validation "
                                       "accuracy is below the grader's floor of 98%"),  # a floor (review 10)
    (TINY_LABELS, HALF_WRONG, "wrong", "test accuracy 50.00% (validation 100.00%), measured once by the "
                                       "grader: below 99%"),
], ids=["both-pass", "only-test-passes", "only-validation-passes"])
def test_the_grader_rebuilds_the_model_and_measures_the_test_set_once(monkeypatch, validation, test, status, words):
    """Issue 26: the model crosses as configuration and weights; the grader's process rebuilds it
    and measures it. The submission's kernel measures nothing."""
    loads = stand_in(monkeypatch, validation=validation, test=test)
    observation = json.loads(_wire.dumps(observe("keras-cnn-99", reader())))
    assert loads == []  # in the submission's kernel: the model exported, no image read
    records = list(observation["records"].values())
    assert len(records) == 1 and '"config"' in json.dumps(records[0]) and '"weights"' in json.dumps(records[0])
    verdict_status, message = judge("keras-cnn-99", observation)
    assert loads == ["validation", "test"]  # measured once, by the grader
    assert (verdict_status, words in message) == (status, True), message


def test_the_grader_rejects_what_the_notebook_rejects(monkeypatch):
    stand_in(monkeypatch)
    assert graded("keras-cnn-99", lambda x: x) == ("wrong", "expected your trained Keras model; got function")
    assert graded("keras-cnn-99", reader(conv=False))[0] == "wrong"


def test_cnn_rejects_non_models_mlps_big_models_and_wrong_shapes(tiny_test_set, monkeypatch):
    with pytest.raises(IncorrectAnswer, match="expected your trained Keras model; got function"):
        actlib.check("keras-cnn-99", lambda x: x)
    with pytest.raises(IncorrectAnswer, match="no 2-D convolution layer .Conv2D, SeparableConv2D"):
        actlib.check("keras-cnn-99", reader(conv=False))
    monkeypatch.setattr(km, "CNN_MAX_PARAMS", 5)
    with pytest.raises(IncorrectAnswer, match=r"has 21 parameters; keep it small \(at most 5\)"):
        actlib.check("keras-cnn-99", reader())
    monkeypatch.setattr(km, "CNN_MAX_PARAMS", 500_000)
    flat = keras.Sequential([keras.Input((784,)), keras.layers.Reshape((28, 28, 1)),
                             keras.layers.Conv2D(1, 3), keras.layers.Flatten(), keras.layers.Dense(10)])
    with pytest.raises(IncorrectAnswer, match=r"cannot read the validation images, shape \(20, 28, 28, 1\)"):
        actlib.check("keras-cnn-99", flat)
    three = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(1, 3), keras.layers.Flatten(),
                              keras.layers.Dense(3)])
    with pytest.raises(IncorrectAnswer, match=r"expected 10 class scores per image, shape \(20, 10\); got \(20, 3\)"):
        actlib.check("keras-cnn-99", three)


def test_cnn_check_reads_the_real_test_set_and_the_chapters_validation_split():
    x, y = km._mnist_images("test")
    assert x.shape == (10000, 28, 28, 1) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert np.bincount(y).tolist()[:3] == [980, 1135, 1032]
    x_val, y_val = km._mnist_images("validation")
    assert x_val.shape == (12000, 28, 28, 1) and len(y_val) == 12000


@pytest.mark.parametrize("layer", km.CNN_CONV_LAYERS)
def test_cnn_counts_every_2d_convolution_layer(layer):
    """A network of separable or depthwise convolutions is a convolutional network too."""
    convolution = getattr(keras.layers, layer)(*((3,) if layer == "DepthwiseConv2D" else (2, 3)))
    model = keras.Sequential([keras.Input((28, 28, 1)), convolution, keras.layers.Flatten(),
                              keras.layers.Dense(10)])
    rebuilt = km._rebuild_cnn(km._export_cnn(model))
    convolutions = tuple(getattr(keras.layers, name) for name in km.CNN_CONV_LAYERS)
    assert any(isinstance(found, convolutions) for found in km._all_layers(rebuilt))


class _Forged(keras.Model):
    """Issue 26's forgery: a model whose predictions come from elsewhere than its layers."""

    def __init__(self):
        super().__init__()
        self.conv = keras.layers.Conv2D(1, 3)
        self.flat = keras.layers.Flatten()
        self.out = keras.layers.Dense(10)

    def call(self, x):
        return self.out(self.flat(self.conv(x)))


def test_a_model_the_grader_cannot_rebuild_is_wrong_with_a_message_that_says_what_to_submit(monkeypatch):
    stand_in(monkeypatch)
    forged = _Forged()
    forged(TINY_X[:1])
    status, message = graded("keras-cnn-99", forged)  # (its class is this test module's: refused by name)
    assert status == "wrong" and "names the module 'tests.test_exercises_keras'" in message
    assert "keras.Sequential or the functional API" in message
    _Forged.__module__ = "__main__"  # a class of the notebook's own, as a submission defines it
    try:
        status, message = graded("keras-cnn-99", forged)
    finally:
        _Forged.__module__ = __name__
    assert status == "wrong" and "keras.Sequential or the functional API" in message, message
    lam = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Lambda(lambda t: t * 2),
                            keras.layers.Conv2D(1, 3), keras.layers.Flatten(), keras.layers.Dense(10)])
    status, message = graded("keras-cnn-99", lam)
    assert status == "wrong" and "Lambda" in message
    with pytest.raises(IncorrectAnswer, match="names the module 'os'"):
        km._keras_modules_only({"class_name": "Sequential",
                                "config": {"layers": [{"module": "os", "class_name": "system"}]}})


def test_in_the_notebook_a_model_the_check_cannot_rebuild_is_refused_without_speaking_of_a_grader(tiny_test_set):
    """Review 6 of chapter 6, finding 6: in the student's own notebook no grader runs, so the
    messages name the self-check."""
    lam = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Lambda(lambda t: t * 2),
                            keras.layers.Conv2D(1, 3), keras.layers.Flatten(), keras.layers.Dense(10)])
    with pytest.raises(IncorrectAnswer) as err:
        actlib.check("keras-cnn-99", lam)
    message = str(err.value)
    assert "the check cannot rebuild your model (Sequential)" in message and "Lambda" in message, message
    assert "the check judges only the model it rebuilds" in message and "grader" not in message, message
    forged = _Forged()
    forged(TINY_X[:1])
    with pytest.raises(IncorrectAnswer) as err:  # its class is this test module's
        actlib.check("keras-cnn-99", forged)
    message = str(err.value)
    assert ("names the module 'tests.test_exercises_keras': the check rebuilds only models made of "
            "Keras's own layers") in message and "grader" not in message, message
    _Forged.__module__ = "__main__"  # a class of the notebook's own
    try:
        with pytest.raises(IncorrectAnswer) as err:
            actlib.check("keras-cnn-99", forged)
    finally:
        _Forged.__module__ = __name__
    message = str(err.value)
    assert "the check cannot rebuild your model (_Forged)" in message and "grader" not in message, message
    assert tiny_test_set == []  # refused before any image is read


def test_a_model_of_huge_layers_is_refused_before_it_runs(monkeypatch):
    """Review 8 of the instructors' pages, finding 5: few weights, huge layers (UpSampling2D)
    took the grader's own process minutes and gigabytes."""
    stand_in(monkeypatch)
    big = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.UpSampling2D(40), keras.layers.Conv2D(1, 3),
                            keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10)])
    status, message = graded("keras-cnn-99", big)
    assert status == "wrong" and "values per image" in message and "keep its layers small" in message
    assert km._activation_count(reader()) < km.CNN_MAX_ACTIVATIONS


@pytest.mark.parametrize("model", ["unknown size", "not built"])
def test_a_model_whose_sizes_are_unknown_is_refused_before_it_runs(monkeypatch, model):
    """Review 25 of the instructors' pages, finding 4: an input of unknown height and width
    counted each unknown size as 1, so huge layers passed the cap."""
    if model == "unknown size":
        inputs = keras.Input(shape=(None, None, 1))
        outputs = keras.layers.Dense(10)(keras.layers.GlobalAveragePooling2D()(
            keras.layers.Conv2D(1, 3)(keras.layers.UpSampling2D(30)(inputs))))
        candidate = keras.Model(inputs, outputs)
    else:
        candidate = keras.Sequential([keras.layers.Conv2D(1, 3)])
    with pytest.raises(IncorrectAnswer, match="keras.Input"):
        km._activation_count(candidate)
