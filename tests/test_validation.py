"""actlib._validation: the checks every public function shares, and the self-checks' answer readers."""

import re

import numpy as np
import pytest

from actlib._validation import NotAnInteger, integer, real_parameter
from actlib.exercises._core import IncorrectAnswer, answer_float, answer_floats, answer_tuple


@pytest.mark.parametrize("value", [3, np.int8(3), np.int64(3), np.uint16(3), np.array(3)])
def test_integer_accepts_python_and_numpy_integers(value):
    got = integer(value, "n", minimum=1)
    assert got == 3 and type(got) is int


@pytest.mark.parametrize(("value", "got"), [(3.0, "float 3.0"), (np.float32(3), "float32 3.0"), ("3", "str '3'"),
                                            (None, "NoneType None"), (True, "bool True"),
                                            (np.bool_(True), "bool True"), ([3], "list [3]"),
                                            (np.array([3]), "ndarray array([3])")])
def test_integer_rejects_non_integers_with_type_and_value(value, got):
    with pytest.raises(NotAnInteger, match=f"^{re.escape(f'n must be an int; got {got}')}$"):
        integer(value, "n")


def test_not_an_integer_is_a_type_error_and_a_value_error():
    # callers that caught ValueError for every bad count (actlib's habit before) still catch it
    for error in (TypeError, ValueError):
        with pytest.raises(error):
            integer(2.5, "depth", minimum=1)


@pytest.mark.parametrize(("bounds", "value", "message"), [
    ({"minimum": 1}, 0, "n must be a positive int; got 0"),
    ({"minimum": 0}, -1, "n must be a non-negative int; got -1"),
    ({"minimum": 2}, 1, "n must be an int >= 2; got 1"),
    ({"maximum": 9}, 10, "n must be an int <= 9; got 10"),
    ({"minimum": 2, "maximum": 9}, 10, r"n must be an int in \[2, 9\]; got 10"),
])
def test_integer_bounds(bounds, value, message):
    with pytest.raises(ValueError, match=f"^{message}$") as info:
        integer(value, "n", **bounds)
    assert not isinstance(info.value, TypeError)
    inside = bounds.get("minimum", bounds.get("maximum"))
    assert integer(inside, "n", **bounds) == inside  # the bounds are inclusive


@pytest.mark.parametrize(("bounds", "bad", "good", "message"), [
    ({"minimum": 0.0}, -0.1, 0.0, "alpha must be >= 0.0; got -0.1"),
    ({"above": 0}, 0, 1e-300, "alpha must be > 0; got 0.0"),
    ({"maximum": 1}, 1.5, 1, "alpha must be <= 1; got 1.5"),
    ({"below": 1}, 1, 0.999, "alpha must be < 1; got 1.0"),
    ({"minimum": 0, "below": 1}, 1.0, 0, r"alpha must be in \[0, 1\); got 1.0"),
    ({"above": 0.5, "maximum": 1}, 0.5, 1, r"alpha must be in \(0.5, 1\]; got 0.5"),
])
def test_real_parameter_bounds(bounds, bad, good, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        real_parameter(bad, "alpha", **bounds)
    assert real_parameter(good, "alpha", **bounds) == good


@pytest.mark.parametrize(("value", "error", "message"), [
    (True, TypeError, "must be a real number; got bool"), ("1", TypeError, "must be a real number; got str"),
    (1j, TypeError, "must be a real number; got complex"), (float("nan"), ValueError, "must be finite"),
    (float("inf"), ValueError, "must be finite"),
])
def test_real_parameter_rejects_non_reals(value, error, message):
    with pytest.raises(error, match=message):
        real_parameter(value, "alpha")
    assert type(real_parameter(np.float32(0.25), "alpha")) is float


@pytest.mark.parametrize("value", [[1, 2], (1.0, 2.0), np.array([1, 2], dtype=np.int32),
                                   np.array([1, 2], dtype=np.float16), [True, 2]])
def test_answer_floats_accepts_numbers_in_any_container(value):
    got = answer_floats(value, "w")
    assert got.dtype == np.float64 and got.tolist() == [1.0, 2.0]


def test_answer_floats_reads_a_cpu_tensor():
    torch = pytest.importorskip("torch")
    assert answer_floats(torch.tensor([0.5, 1.5]), "w").tolist() == [0.5, 1.5]
    with pytest.raises(IncorrectAnswer, match=r"^w: expected an array of numbers; got Tensor .*detach"):
        answer_floats(torch.ones(2, requires_grad=True), "w")


@pytest.mark.parametrize(("value", "got"), [
    ("0.5", "str '0.5'"), (None, "NoneType None"), ({"a": 1}, r"dict \{'a': 1\}"),
    ([1, None], r"list \[1, None\] \(it holds None\)"), ([1j, 2], r"list \[1j, 2\] \(complex numbers\)"),
    (["1", "2"], r"list \['1', '2'\] \(values of dtype <U1\)"), ([[1, 2], [3]], r"list \[\[1, 2\], \[3\]\] \("),
])
def test_answer_floats_rejects_what_is_not_numbers(value, got):
    with pytest.raises(IncorrectAnswer, match=f"^the kernel: expected an array of numbers; got {got}"):
        answer_floats(value, "the kernel")


def test_answer_floats_checks_the_shape_exactly():
    assert answer_floats([[1, 2]], "W", shape=(1, 2)).shape == (1, 2)
    with pytest.raises(IncorrectAnswer, match=r"^W: expected shape \(2, 1\); got shape \(1, 2\)$"):
        answer_floats([[1, 2]], "W", shape=(2, 1))
    with pytest.raises(IncorrectAnswer, match=r"expected shape \(2,\); got shape \(\)"):
        answer_floats(1.0, "W", shape=[2])  # a number is not broadcast to the shape


@pytest.mark.parametrize("value", [0.25, np.float32(0.25), np.array(0.25), [0.25], np.array([[0.25]])])
def test_answer_float_accepts_anything_holding_one_number(value):
    got = answer_float(value, "bound")
    assert got == 0.25 and type(got) is float


@pytest.mark.parametrize(("value", "message"), [
    ([0.25, 0.5], r"bound: expected one number; got an array of shape \(2,\)"),
    ([], r"bound: expected one number; got an array of shape \(0,\)"),
    ("tiny", "bound: expected one number; got str 'tiny'"),
])
def test_answer_float_rejects_everything_else(value, message):
    with pytest.raises(IncorrectAnswer, match=f"^{message}$"):
        answer_float(value, "bound")


@pytest.mark.parametrize("value", [([1, 1], 0.5), [[1, 1], 0.5], np.array([[1.0, 1.0], [0.5, 0.5]])])
def test_answer_tuple_accepts_anything_with_that_many_parts(value):
    w, b = answer_tuple(value, 2, "answer with a pair (w, b)")
    assert list(np.ravel(w)) == [1, 1]


@pytest.mark.parametrize(("value", "got"), [("wb", "str 'wb'"), ({"w": 1, "b": 2}, "dict"), (3.0, "float 3.0"),
                                            ((1, 2, 3), r"tuple \(1, 2, 3\)"), (None, "NoneType None")])
def test_answer_tuple_says_what_it_expected_and_what_it_got(value, got):
    with pytest.raises(IncorrectAnswer, match=rf"^answer with a pair \(w, b\); got {got}"):
        answer_tuple(value, 2, "answer with a pair (w, b)")
