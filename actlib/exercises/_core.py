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


_REGISTRY: dict[str, Exercise] = {}


def exercise(label: str, *, chapter: str, title: str, difficulty: str = "medium"):
    """Register the decorated function as the self-check of exercise ``label``."""
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {DIFFICULTIES}; got {difficulty!r}")

    def register(checker: Callable) -> Callable:
        if label in _REGISTRY:
            raise ValueError(f"exercise label {label!r} is registered twice")
        _REGISTRY[label] = Exercise(label, chapter, title, difficulty, checker)
        return checker

    return register


def exercises(chapter: str | None = None) -> list[Exercise]:
    """All registered exercises (of one chapter if given), in registration order."""
    return [e for e in _REGISTRY.values() if chapter is None or e.chapter == chapter]


def verdict(label: str, answer) -> str:
    """The "Correct (label). ..." line for a right ``answer``; raises as :func:`check` does."""
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
    """
    print(verdict(label, answer))


def call_answer(function, *args, what: str = "your function", **kwargs):
    """Call the reader's function; turn a crash into a helpful :class:`IncorrectAnswer`.

    Checks call the answer only through this (or :func:`~actlib.exercises._observe.probe`),
    so that the grader can observe the call in the submission's kernel and replay it.
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


def expect_close(actual, expected, what: str, *, rtol: float = 1e-6, atol: float = 1e-9, at=None):
    """Raise :class:`IncorrectAnswer` unless ``actual`` matches ``expected`` elementwise.

    ``at`` (the inputs, same shape) lets the message show where it first differs.
    """
    expected = np.asarray(expected, dtype=float)
    try:
        actual = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise IncorrectAnswer(f"{what}: expected numbers, got {type(actual).__name__}") from None
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
