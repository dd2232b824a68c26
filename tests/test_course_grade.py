"""The grader (actlib.course.grade): one command, a table of which self-checks pass."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from actlib.course import grade, student
from actlib.course import notebooks as nbs

ROOT = Path(__file__).resolve().parents[1]
CHECK_1 = 'actlib.check("zoo-softplus-derivative", softplus_derivative)'
CHECK_2 = 'actlib.check("zoo-bounded-below", bounded_below)'


def _nb(*cells):
    nb = new_notebook(cells=[new_code_cell("import actlib\nimport numpy as np")] + list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _check(source):
    return new_code_cell(source, metadata={"tags": ["self-check"]})


# The grader's answers come from the book's self-check cells. The tests grade these two zoo
# exercises: a book of the zoo chapter with only their self-checks keeps them independent of
# exercises added to the chapter later.
LABELS = ("zoo-softplus-derivative", "zoo-bounded-below")
BOUNDED_BELOW = ("set(actlib.names()) - {'identity', 'leaky_relu', 'prelu', 'maxout', 'rrelu', 'softshrink', "
                 "'hardshrink', 'tanhshrink', 'glu', 'swiglu', 'geglu', 'reglu', 'log_softmax', 'logsigmoid'}")  # right


def _two_exercise_book(folder: Path) -> Path:
    zoo = nbs.read(ROOT / "chapters" / "zoo.ipynb")
    zoo.cells = [c for c in zoo.cells if not nbs.is_self_check(c) or set(nbs.check_labels(c.source)) <= set(LABELS)]
    labels = {label for c in zoo.cells for label in nbs.check_labels(c.source)}
    assert labels == set(LABELS), labels
    return _write(folder, "zoo.ipynb", zoo).parent


def _write(folder: Path, name: str, nb) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / name))
    return folder / name


def test_grade_a_folder(tmp_path, capsys):
    subs = tmp_path / "submissions"
    # right, and a wrong set
    _write(subs / "ann", "zoo.ipynb", _nb(
        new_code_cell("def softplus_derivative(x):\n    return 1 / (1 + np.exp(-np.asarray(x, float)))"),
        _check(CHECK_1), new_code_cell("bounded_below = {'relu'}"), _check(CHECK_2)))
    # the untouched student edition: both stubs left
    _write(subs / "ben", "zoo.ipynb", student.student_notebook(nbs.read(ROOT / "chapters" / "zoo.ipynb")))
    # a crash before the first check, and the second check deleted (the grader re-adds it)
    _write(subs / "cat", "my_zoo.ipynb", _nb(
        new_markdown_cell("# zoo"), new_code_cell("def softplus_derivative(x):\n    return undefined_name"),
        _check(CHECK_1), new_code_cell(f"bounded_below = {BOUNDED_BELOW}")))
    # an edited self-check that would always pass is restored from the book
    _write(subs / "dan", "zoo.ipynb", _nb(
        new_code_cell("softplus_derivative = None"), _check('print("Correct (zoo-softplus-derivative)")\n' + CHECK_1)))
    csv_path = tmp_path / "grades.csv"
    book = _two_exercise_book(tmp_path / "book")
    assert grade.main([str(subs), "--book", str(book), "--csv", str(csv_path), "--timeout", "120", "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if ".ipynb" in line}
    assert rows["ann/zoo.ipynb"] == ["pass", "wrong", "1/2"]
    assert rows["ben/zoo.ipynb"] == ["todo", "todo", "0/2"]
    assert rows["cat/my_zoo.ipynb"] == ["wrong", "pass", "1/2"]
    assert rows["dan/zoo.ipynb"] == ["todo", "error", "0/2"]
    assert "softplus-derivative" in out and "bounded-below" in out and "Chapter zoo" in out
    lines = csv_path.read_text().splitlines()
    assert lines[0] == "submission,chapter,label,status,message" and len(lines) == 1 + 4 * 2
    assert any("undefined_name" in line for line in lines)


def test_plan_replaces_check_cells_by_observations():
    from actlib.course import plan

    book = plan.book_answers(ROOT / "chapters")
    assert book["03_rectifiers"]["activations-maxout-square"] == "(weights, biases)"
    nb = _nb(new_code_cell("x = 1"), _check('print("Correct (zoo-softplus-derivative)")\n' + CHECK_1))
    zoo = {label: book["zoo"][label] for label in LABELS}
    steps = plan.plan(nb, zoo)
    assert [s.code for s in steps if s.observe is None] == ["import actlib\nimport numpy as np", "x = 1"]
    assert [s.observe for s in steps if s.observe] == [{"zoo-softplus-derivative": "softplus_derivative"},
                                                        {"zoo-bounded-below": "bounded_below"}]
    code = steps[2].observation_code("/tmp/o.json")
    assert "lambda: (softplus_derivative)" in code and "Correct" not in code
    # an untagged cell that defines an answer and checks it runs, and is observed after
    own = "def softplus_derivative(x):\n    return x\n" + CHECK_1
    steps = plan.plan(_nb(new_code_cell(own)), zoo)
    assert steps[1].code == own and steps[2].observe == {"zoo-softplus-derivative": "softplus_derivative"}


def _installed_copy(tmp_path: Path) -> Path:
    """actlib as ``pip install`` leaves it: the package alone in a site folder, no book around it."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "actlib", site / "actlib", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def _grade(args, site: Path, cwd: Path):
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-m", "actlib.course.grade", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_an_installed_grader_needs_book_and_says_so(tmp_path):
    site = _installed_copy(tmp_path)
    _write(tmp_path / "submissions" / "ann", "zoo.ipynb", _nb(_check(CHECK_1)))
    proc = _grade([tmp_path / "submissions"], site, cwd=tmp_path)
    assert proc.returncode == 2 and "--book" in proc.stderr, proc.stderr[-2000:]
    proc = _grade([tmp_path / "submissions", "--book", tmp_path], site, cwd=tmp_path)
    assert proc.returncode == 2 and f"no chapter notebooks in {tmp_path}" in proc.stderr, proc.stderr[-2000:]
    assert grade.default_book(tmp_path) == ROOT / "chapters"  # a checkout's grader finds its own chapters


def test_an_installed_grader_grades_with_explicit_paths(tmp_path):
    """Run from outside the checkout, with actlib installed elsewhere: the kernel imports that
    actlib (the answer is wiped if it does not) and the verdicts come from ``--book``."""
    site = _installed_copy(tmp_path)
    uses_the_copy = (f"if not actlib.__file__.startswith({str(site)!r}):\n"
                     "    softplus_derivative = None  # the kernel imported another actlib")
    _write(tmp_path / "submissions" / "ann", "zoo.ipynb", _nb(
        new_code_cell("def softplus_derivative(x):\n    return 1 / (1 + np.exp(-np.asarray(x, float)))"),
        new_code_cell(uses_the_copy), _check(CHECK_1), new_code_cell("bounded_below = {'relu'}"), _check(CHECK_2)))
    work = tmp_path / "elsewhere"
    work.mkdir()
    book = _two_exercise_book(tmp_path / "book")
    proc = _grade([tmp_path / "submissions", "--book", book, "--timeout", "120"], site, cwd=work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = {line.split()[0]: line.split()[1:] for line in proc.stdout.splitlines() if ".ipynb" in line}
    assert rows["ann/zoo.ipynb"] == ["pass", "wrong", "1/2"], proc.stdout
