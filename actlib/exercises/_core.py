"""The self-check machinery behind ``actlib.check(label, answer)``.

A chapter's checks live in ``actlib/exercises/<chapter>.py``; each one is a
function decorated with :func:`exercise` that inspects the reader's answer
and either returns a short "well done, and here is why" string or raises
:class:`IncorrectAnswer` with a message that helps the reader find the
mistake. :func:`check` runs it and prints the verdict.

A check touches the answer only through :func:`call_answer` and
:func:`~actlib.exercises._observe.probe`: that is what lets the grader observe
an answer in the submission's kernel and judge it elsewhere (``_observe``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validation import describe
from . import _observe

DIFFICULTIES = ("easy", "medium", "hard")


class IncorrectAnswer(AssertionError):
    """The answer is wrong; the message says how."""


class NotAnswered(IncorrectAnswer):
    """The exercise still holds its stub (``None``, ``...`` or ``raise NotImplementedError``)."""


@dataclass(frozen=True)
class Exercise:
    label: str
    chapter: str
    title: str
    difficulty: str
    checker: Callable
    #: Dotted names of the ``actlib`` functions that compute the answer: the grader's source
    #: scan flags an answer that uses one (:mod:`actlib.course.scan`).
    giveaways: tuple[str, ...] = ()


_REGISTRY: dict[str, Exercise] = {}


def exercise(label: str, *, chapter: str, title: str, difficulty: str = "medium", giveaways: tuple[str, ...] = ()):
    """Register the decorated function as the self-check of exercise ``label``.

    The check takes the reader's answer and returns a short explanation of why it
    is right, or raises :class:`IncorrectAnswer` saying what is wrong. ``giveaways`` names the
    ``actlib`` functions that compute the answer (``"actlib.derivative"``): the grader flags a
    submission whose answer uses one. A chapter's
    module registers its checks like this (``actlib/exercises/zoo.py``)::

        @exercise("zoo-softplus-derivative", chapter="zoo", title="Differentiate softplus",
                  difficulty="easy", giveaways=("actlib.derivative", "actlib.sigmoid"))
        def _softplus_derivative(answer):
            x = np.array([-30.0, -1.0, 0.0, 1.0, 30.0])
            got = call_answer(answer, x, what="softplus_derivative(x)")
            expect_close(got, derivative("softplus", x), "softplus_derivative(x)", at=x)
            return "softplus' is the sigmoid"

    Examples::

        >>> exercise("zoo-new", chapter="zoo", title="A new one", difficulty="trivial")
        Traceback (most recent call last):
        ...
        ValueError: difficulty must be one of ('easy', 'medium', 'hard'); got 'trivial'
    """
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {DIFFICULTIES}; got {difficulty!r}")

    def register(checker: Callable) -> Callable:
        if label in _REGISTRY:
            raise ValueError(f"exercise label {label!r} is registered twice")
        if isinstance(giveaways, str) or not all(isinstance(g, str) and g.startswith("actlib.") for g in giveaways):
            raise TypeError(f"giveaways must be a tuple of dotted actlib names; got {giveaways!r}")
        _REGISTRY[label] = Exercise(label, chapter, title, difficulty, checker, tuple(giveaways))
        return checker

    return register


def exercises(chapter: str | None = None) -> list[Exercise]:
    """All registered exercises (of one chapter if given), in registration order.

    Examples::

        >>> import actlib
        >>> first = exercises("zoo")[0]
        >>> first.label, first.difficulty
        ('zoo-softplus-derivative', 'easy')
    """
    return [e for e in _REGISTRY.values() if chapter is None or e.chapter == chapter]


def verdict(label: str, answer) -> str:
    """The "Correct (label). ..." line for a right ``answer``; raises as :func:`check` does.

    Examples::

        >>> import actlib
        >>> verdict("zoo-softplus-derivative", actlib.sigmoid).split(".")[0]
        'Correct (zoo-softplus-derivative)'
        >>> verdict("zoo-softplus-derivative", None)
        Traceback (most recent call last):
        ...
        actlib.exercises._core.NotAnswered: zoo-softplus-derivative: not answered yet. ...
    """
    if label not in _REGISTRY:
        raise KeyError(f"no exercise {label!r}; known: {', '.join(_REGISTRY)}")
    ex = _REGISTRY[label]
    if answer is None or answer is Ellipsis:
        raise NotAnswered(f"{label}: not answered yet. Replace the stub in the exercise cell, "
                          "run it, then run this check again.")
    try:
        praise = ex.checker(answer)
    except NotImplementedError:
        raise NotAnswered(f"{label}: not answered yet. Your code still raises NotImplementedError: "
                          "replace that line with your solution.") from None
    return f"Correct ({label}). {praise or ''}".rstrip()


def check(label: str, answer) -> None:
    """Check ``answer`` to exercise ``label``: prints a verdict, raises if wrong.

    Prints "Correct" when the answer is right. Raises :class:`NotAnswered` while
    the answer is still a stub, and :class:`IncorrectAnswer` with a hint when
    it is wrong. (The grader judges the same check on data observed in the
    submission's kernel: see :mod:`actlib.exercises._observe`.)

    Examples::

        >>> import actlib
        >>> check("zoo-softplus-derivative", actlib.sigmoid)
        Correct (zoo-softplus-derivative). ...
        >>> check("zoo-softplus-derivative", lambda x: np.exp(x))
        Traceback (most recent call last):
        ...
        actlib.exercises._core.IncorrectAnswer: softplus_derivative(x): ... values are off; first at input ...
    """
    print(verdict(label, answer))


def call_answer(function, *args, what: str = "your function", **kwargs):
    """Call the reader's function; turn a crash into a helpful :class:`IncorrectAnswer`.

    Checks call the answer only through this (or :func:`~actlib.exercises._observe.probe`),
    so that the grader can observe the call in the submission's kernel and replay it.

    Examples::

        >>> call_answer(lambda x: 2 * x, 3, what="double(x)")
        6
        >>> call_answer(lambda x: 1 / x, 0, what="inverse(x)")
        Traceback (most recent call last):
        ...
        actlib.exercises._core.IncorrectAnswer: inverse(x) raised ZeroDivisionError: division by zero
    """
    return _observe.call(function, args, kwargs, what)


def _call_direct(function, args, kwargs, what):
    if not callable(function):
        raise IncorrectAnswer(f"expected {what} to be a function; got {type(function).__name__}")
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as err:  # the reader's code failed: say how, not where in actlib
        raise IncorrectAnswer(f"{what} raised {type(err).__name__}: {err}") from err


def answer_floats(value, what: str, *, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """The reader's ``value`` as a float64 array, or :class:`IncorrectAnswer` saying why not.

    Accepts a number, a (nested) list or tuple of numbers, a NumPy array, or a CPU
    tensor; bools and ints become floats. Rejects strings, ``None`` (also inside a
    list), complex numbers and ragged lists, with a message that starts with
    ``what`` and shows what was got. With ``shape``, the array must have exactly
    that shape.

    Examples::

        >>> answer_floats([1, 2.5], "w")
        array([1. , 2.5])
        >>> answer_floats("0.5", "he_std")
        Traceback (most recent call last):
        ...
        actlib.exercises._core.IncorrectAnswer: he_std: expected an array of numbers; got str '0.5'
        >>> answer_floats([[1, 2], [3, 4]], "W2.T", shape=(3, 2))
        Traceback (most recent call last):
        ...
        actlib.exercises._core.IncorrectAnswer: W2.T: expected shape (3, 2); got shape (2, 2)
    """
    arr = _floats(value, what, "an array of numbers")
    if shape is not None and arr.shape != tuple(shape):
        raise IncorrectAnswer(f"{what}: expected shape {tuple(shape)}; got shape {arr.shape}")
    return arr


def answer_float(value, what: str) -> float:
    """The reader's ``value`` as one Python float, or :class:`IncorrectAnswer` saying why not.

    Accepts a number or anything holding exactly one (``np.float32(0.5)``,
    ``np.array([0.5])``, a one-element tensor).

    Examples::

        >>> answer_float(np.array([0.25]), "bound")
        0.25
        >>> answer_float([0.25, 0.5], "bound")
        Traceback (most recent call last):
        ...
        actlib.exercises._core.IncorrectAnswer: bound: expected one number; got an array of shape (2,)
    """
    arr = _floats(value, what, "one number")
    if arr.size != 1:
        raise IncorrectAnswer(f"{what}: expected one number; got an array of shape {arr.shape}")
    return float(arr.reshape(()))


def answer_tuple(value, length: int, expected: str) -> tuple:
    """The reader's ``value`` as a tuple of ``length`` parts (a pair ``(w, b)``, ...).

    Anything with ``length`` items counts (a tuple, a list, an array's rows), but
    not a string or a dict; otherwise :class:`IncorrectAnswer` says ``expected``
    and what was got.

    Examples::

        >>> w, b = answer_tuple(([1.0, 1.0], -1.5), 2, "answer with a pair (w, b)")
        >>> answer_tuple("wb", 2, "answer with a pair (w, b)")
        Traceback (most recent call last):
        ...
        actlib.exercises._core.IncorrectAnswer: answer with a pair (w, b); got str 'wb'
    """
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__") or len(value) != length:
        raise IncorrectAnswer(f"{expected}; got {describe(value, 60)}")
    return tuple(value)


def _floats(value, what: str, expected: str) -> np.ndarray:
    def wrong(reason: str = "") -> IncorrectAnswer:
        return IncorrectAnswer(f"{what}: expected {expected}; got {describe(value, 60)}{reason}")

    if value is None or isinstance(value, (str, bytes)):
        raise wrong()
    try:
        arr = np.asarray(value)
    except Exception as err:  # ragged lists; tensors that NumPy cannot read (on a GPU, needing grad)
        raise wrong(f" ({type(err).__name__}: {err})") from None
    if arr.dtype.kind == "c":
        raise wrong(" (complex numbers)")
    if arr.dtype.kind == "O" and any(v is None for v in arr.flat):
        raise wrong(" (it holds None)")
    if arr.dtype.kind not in "biufO":
        raise wrong(f" (values of dtype {arr.dtype})")
    try:
        return arr.astype(np.float64)
    except (TypeError, ValueError):
        raise wrong() from None


def expect_close(actual, expected, what: str, *, rtol: float = 1e-6, atol: float = 1e-9, at=None):
    """Raise :class:`IncorrectAnswer` unless ``actual`` matches ``expected`` elementwise.

    ``at`` (the inputs, same shape) lets the message show where it first differs.
    ``actual`` is read with :func:`answer_floats`; a scalar or a row broadcasts to
    ``expected``'s shape.

    Examples::

        >>> expect_close([0.0, 1.0], [0.0, 1.0 + 1e-9], "f(x)")
        >>> expect_close([0.0, 1.1], [0.0, 1.0], "f(x)", at=[0.5, 1.5])
        Traceback (most recent call last):
        ...
        actlib.exercises._core.IncorrectAnswer: f(x): 1 of 2 values are off; first at input 1.5: got 1.1, expected 1.0
    """
    expected = np.asarray(expected, dtype=float)
    actual = answer_floats(actual, what)
    if actual.shape != expected.shape:
        try:
            actual = np.broadcast_to(actual, expected.shape)
        except ValueError:
            raise IncorrectAnswer(f"{what}: expected shape {expected.shape}, got {actual.shape}") from None
    bad = ~np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    if bad.any():
        i = np.unravel_index(np.argmax(bad), bad.shape)
        index = tuple(int(j) for j in i)
        where = f" at input {float(np.asarray(at)[i])!r}" if at is not None else f" at index {index}"
        raise IncorrectAnswer(f"{what}: {int(bad.sum())} of {bad.size} values are off; "
                              f"first{where}: got {float(actual[i])!r}, expected {float(expected[i])!r}")
