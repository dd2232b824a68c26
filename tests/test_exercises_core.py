"""The self-check machinery, and the checks of the activation zoo."""

from pathlib import Path

import numpy as np
import pytest

import actlib
from actlib.exercises import IncorrectAnswer, NotAnswered, exercise, exercises


@pytest.mark.parametrize("label", [e.label for e in exercises()])
def test_every_check_reports_a_stub_as_not_answered(label):
    for stub in (None, ...):
        with pytest.raises(NotAnswered, match="not answered yet"):
            actlib.check(label, stub)


def test_every_exercise_is_well_formed():
    labels = [e.label for e in exercises()]
    assert len(labels) == len(set(labels))
    for e in exercises():
        assert "-" in e.label, "labels are <chapter>-<short-name>"
        assert e.title and e.difficulty in ("easy", "medium", "hard")


def test_unknown_label_and_duplicate_registration():
    with pytest.raises(KeyError, match="no exercise 'nope'"):
        actlib.check("nope", 1)
    with pytest.raises(ValueError, match="registered twice"):
        exercise("zoo-softplus-derivative", chapter="zoo", title="again")(lambda a: None)
    with pytest.raises(ValueError, match="difficulty must be one of"):
        exercise("zoo-new", chapter="zoo", title="t", difficulty="trivial")


def test_softplus_derivative_check(capsys):
    actlib.check("zoo-softplus-derivative", lambda x: 1 / (1 + np.exp(-x)))
    assert capsys.readouterr().out.startswith("Correct (zoo-softplus-derivative).")
    with pytest.raises(IncorrectAnswer, match=r"9 of 9 values are off; first at input -30.0: got 0.0001"):
        actlib.check("zoo-softplus-derivative", lambda x: np.exp(x) / (1 + np.exp(x)) + 1e-4)
    with pytest.raises(IncorrectAnswer, match="raised ZeroDivisionError"):
        actlib.check("zoo-softplus-derivative", lambda x: 1 / 0)
    with pytest.raises(IncorrectAnswer, match="expected softplus_derivative"):
        actlib.check("zoo-softplus-derivative", 3.0)

    def stub(x):
        raise NotImplementedError

    with pytest.raises(NotAnswered, match="still raises NotImplementedError"):
        actlib.check("zoo-softplus-derivative", stub)


def test_bounded_below_check():
    from tests.test_exercises_activations_gradients import UNBOUNDED_BELOW

    right = set(actlib.names()) - UNBOUNDED_BELOW
    actlib.check("zoo-bounded-below", right)
    with pytest.raises(IncorrectAnswer, match=r"\['leaky_relu'\] can go to -infinity"):
        actlib.check("zoo-bounded-below", right | {"leaky_relu"})
    with pytest.raises(IncorrectAnswer, match="1 bounded-below activation"):
        actlib.check("zoo-bounded-below", right - {"gelu"})
    with pytest.raises(IncorrectAnswer, match="answer with a set of names"):
        actlib.check("zoo-bounded-below", "relu")


def test_self_check_titles_are_the_titles_on_the_page():
    """The instructors' exercise table (read from the registry) names each exercise as its page does."""
    from actlib.course import notebooks as nbs

    on_pages = {}
    for path in nbs.chapter_notebooks(Path(__file__).parents[1] / "chapters"):
        for cell in nbs.read(path).cells:
            if cell.cell_type == "markdown":
                for block in nbs.directive_blocks(cell.source):
                    if block.name in ("exercise", "exercise-start") and block.options.get("label"):
                        on_pages[block.options["label"]] = block.argument
    differ = {e.label: (e.title, on_pages[e.label]) for e in exercises()
              if e.label in on_pages and e.title != on_pages[e.label]}
    assert not differ, differ
