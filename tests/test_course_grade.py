"""The grader (actlib.course.grade): one command, a table of which self-checks pass."""

from __future__ import annotations

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
        _check(CHECK_1), new_code_cell("bounded_below = set(actlib.names()) - {'identity', 'leaky_relu', 'maxout'}")))
    # an edited self-check that would always pass is restored from the book
    _write(subs / "dan", "zoo.ipynb", _nb(
        new_code_cell("softplus_derivative = None"), _check('print("Correct (zoo-softplus-derivative)")\n' + CHECK_1)))
    csv_path = tmp_path / "grades.csv"
    assert grade.main([str(subs), "--csv", str(csv_path), "--timeout", "120", "--jobs", "2"]) == 0
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
    assert book["03_activation_functions"]["activations-maxout-square"] == "(weights, biases)"
    nb = _nb(new_code_cell("x = 1"), _check('print("Correct (zoo-softplus-derivative)")\n' + CHECK_1))
    steps = plan.plan(nb, book["zoo"])
    assert [s.code for s in steps if s.observe is None] == ["import actlib\nimport numpy as np", "x = 1"]
    assert [s.observe for s in steps if s.observe] == [{"zoo-softplus-derivative": "softplus_derivative"},
                                                        {"zoo-bounded-below": "bounded_below"}]
    code = steps[2].observation_code("/tmp/o.json")
    assert "lambda: (softplus_derivative)" in code and "Correct" not in code
    # an untagged cell that defines an answer and checks it runs, and is observed after
    own = "def softplus_derivative(x):\n    return x\n" + CHECK_1
    steps = plan.plan(_nb(new_code_cell(own)), book["zoo"])
    assert steps[1].code == own and steps[2].observe == {"zoo-softplus-derivative": "softplus_derivative"}
