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
    assert grade.main([str(subs), "--csv", str(csv_path), "--timeout", "120"]) == 0
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


def test_outcome_reads_stored_outputs():
    ok = nbformat.from_dict({"cell_type": "code", "execution_count": 3, "metadata": {}, "source": "",
                             "outputs": [{"output_type": "stream", "name": "stdout", "text": "Correct (x-y). Yes\n"}]})
    assert grade.outcome(ok, "x-y") == ("pass", "")
    bad = nbformat.from_dict({"cell_type": "code", "execution_count": 4, "metadata": {}, "source": "", "outputs": [
        {"output_type": "error", "ename": "IncorrectAnswer", "evalue": "off at 0", "traceback": []}]})
    assert grade.outcome(bad, "x-y") == ("wrong", "off at 0")
    unrun = nbformat.from_dict({"cell_type": "code", "execution_count": None, "metadata": {}, "source": "",
                                "outputs": []})
    assert grade.outcome(unrun, "x-y")[0] == "not run"


def test_no_execute_trusts_stored_outputs(tmp_path, capsys):
    # the book's own notebook carries its outputs: every check passed when it was executed
    _write(tmp_path / "subs", "zoo.ipynb", nbs.read(ROOT / "chapters" / "zoo.ipynb"))
    assert grade.main([str(tmp_path / "subs"), "--no-execute"]) == 0
    row = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("zoo.ipynb")]
    assert row == [["zoo.ipynb", "pass", "pass", "2/2"]]
