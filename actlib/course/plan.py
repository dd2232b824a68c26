"""What the grader runs of a submission: its code cells, with observations where the book checks.

Each self-check cell of the submission (tagged ``self-check``) is replaced by an *observation
step* for the book's labels it names: the answer expression of the book's own self-check
(``softplus_derivative``, ``(weights, biases)``) is evaluated there and observed
(:func:`actlib.exercises._observe.emit`). An untagged cell that calls ``check("label", ...)``
(say, a student's own cell defining and checking an answer) runs, and the observation follows it.
So an answer is judged as it stands at its check, whatever the submission's check cell says;
a label whose check cell was deleted is observed after the last cell. The other code cells
run as submitted (errors allowed: one broken cell does not hide the others)."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

from . import notebooks as nbs


@dataclass
class Step:
    """A code cell to run, or (``observe`` set: label -> answer expression) an observation."""

    code: str = ""
    observe: dict[str, str] | None = None
    cell: int | None = None  # index in the submission, for messages

    def observation_code(self, path: str, seed: int | None = None) -> str:
        """The code that observes the answers in the kernel; ``seed``: the hidden probes'."""
        thunks = ", ".join(f"{json.dumps(label)}: lambda: ({expr})" for label, expr in self.observe.items())
        return (f'__import__("actlib.exercises._observe", fromlist=["emit"]).emit({json.dumps(path)}, '
                f"{{{thunks}}}, {seed!r})")  # (None, or an int: Python, where JSON would write null)


def answer_expression(check_source: str, label: str) -> str | None:
    """The source of the answer that the book's self-check cell passes to ``check(label, ...)``."""
    try:
        tree = ast.parse(check_source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == label):
            return ast.unparse(node.args[1])
    return None


def book_answers(book_dir) -> dict[str, dict[str, str]]:
    """{chapter notebook stem: {label: answer expression}} from the book's self-check cells."""
    out = {}
    if not book_dir or not Path(book_dir).is_dir():
        return out
    for path in nbs.chapter_notebooks(book_dir):
        answers = {}
        for cell in nbs.read(path).cells:
            if nbs.is_self_check(cell):
                for label in nbs.check_labels(cell.source):
                    expr = answer_expression(cell.source, label)
                    if expr:
                        answers[label] = expr
        out[path.stem] = answers
    return out


def chapter_of(path: Path, nb, book: dict[str, dict[str, str]]) -> str | None:
    """The book chapter a submitted notebook answers: by its self-check labels, else by its file name."""
    labels = {label for cell in nb.cells if nbs.is_self_check(cell) for label in nbs.check_labels(cell.source)}
    best = max(book, key=lambda stem: len(labels & set(book[stem])), default=None)
    if best and labels & set(book[best]):
        return best
    for stem in sorted(book, key=len, reverse=True):  # no check left: go by the file's name
        if stem in str(path.with_suffix("")):
            return stem
    return None


def plan(nb, answers: dict[str, str]) -> list[Step]:
    """The steps for one submission: its code cells, each self-check replaced by an observation."""
    steps, seen = [], set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        labels = [label for label in nbs.check_labels(cell.source) if label in answers]
        tagged = nbs.SELF_CHECK_TAG in nbs.tags(cell)
        if not tagged:  # a student's own cell, perhaps defining the answer and checking it: run it
            steps.append(Step(code=cell.source, cell=index))
        if labels:  # then observe the answers it checks (a tagged check cell itself never runs)
            steps.append(Step(observe={label: answers[label] for label in labels}, cell=index))
            seen.update(labels)
    missing = {label: expr for label, expr in answers.items() if label not in seen}
    if missing:
        steps.append(Step(observe=missing))
    return steps
