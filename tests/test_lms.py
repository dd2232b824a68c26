"""Grades an LMS can import (actlib.course.lms) and the Gradescope autograder (actlib.course.gradescope).

Most tests build the grader's result records by hand; two grade real notebooks of the zoo
chapter's two exercises (tests/test_course_grade.py's small book): the grader's command line
writing the Canvas and Moodle files, and the autograder zip's ``run_autograder`` on a sample
submission laid out as Gradescope lays it out.
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from actlib.course import grade, gradescope, lms
from actlib.course import notebooks as nbs
from tests.test_course_grade import CHECK_1, CHECK_2, ROOT, _check, _nb, _two_exercise_book, _write

RIGHT_SOFTPLUS = "def softplus_derivative(x):\n    return 1 / (1 + np.exp(-np.asarray(x, float)))"
# a book of two chapters, by hand: labels of the three difficulties (xor-relu medium,
# zoo-softplus-derivative easy, zoo-swish-minimum hard)
BOOK = {"02_xor": {"xor-relu": "(weights, biases)"},
        "zoo": {"zoo-softplus-derivative": "softplus_derivative", "zoo-swish-minimum": "swish_minimum"}}


def _result(root: Path, name: str, chapter: str, **status) -> grade.Result:
    """A grader record: ``status`` maps a label (``_`` for ``-``) to (status, message)."""
    r = grade.Result(str(root / name), chapter)
    for key, (s, message) in status.items():
        r.status[key.replace("_", "-")], r.detail[key.replace("_", "-")] = s, message
    return r


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


# --- points -------------------------------------------------------------------------------------


def test_points_follow_difficulty_unless_the_file_says_otherwise(tmp_path):
    scheme = lms.load_scheme(None, BOOK)
    assert scheme.points == {"xor-relu": 2, "zoo-softplus-derivative": 1, "zoo-swish-minimum": 3}
    assert scheme.column("zoo") == "zoo"
    points = tmp_path / "points.toml"
    points.write_text('[difficulty]\nhard = 4\n\n[exercises]\n"zoo-softplus-derivative" = 0.5\n\n'
                      '[columns]\nzoo = "The zoo"\n')
    scheme = lms.load_scheme(points, BOOK)
    assert scheme.points == {"xor-relu": 2, "zoo-softplus-derivative": 0.5, "zoo-swish-minimum": 4}
    assert (scheme.column("zoo"), scheme.column("02_xor")) == ("The zoo", "02_xor")
    # one points file for the course, a Gradescope zip of one chapter: [columns] may name the others
    zoo_only = {"zoo": BOOK["zoo"]}
    points.write_text('[columns]\n02_xor = "XOR"\n')
    with pytest.raises(lms.LmsError, match="'02_xor': no chapter of the book has this name"):
        lms.load_scheme(points, zoo_only)
    assert lms.load_scheme(points, zoo_only, other_chapters=["02_xor"]).points == {
        "zoo-softplus-derivative": 1, "zoo-swish-minimum": 3}
    assert gradescope._column_chapters(points) == ["02_xor"]


def test_a_bad_points_file_is_refused_with_every_problem_named(tmp_path):
    points = tmp_path / "points.toml"
    points.write_text('[difficulty]\nhard = -1\ntrivial = 1\n\n'
                      '[exercises]\n"zoo-softplus-derivativ" = 2\n"xor-relu" = -3\n"zoo-swish-minimum" = "five"\n'
                      '"zoo-bounded-below" = true\n\n'
                      '[columns]\nzoo = "02_xor"\n"08_transformers" = "T"\n\n[bonus]\nx = 1\n')
    with pytest.raises(lms.LmsError) as err:
        lms.load_scheme(points, BOOK)
    message = str(err.value)
    assert message.startswith(str(points))
    for expected in ["[difficulty] hard = -1: points must be a number, 0 or more",
                     "[difficulty] trivial: unknown difficulty",
                     "[exercises] 'zoo-softplus-derivativ': no exercise has this label (did you mean "
                     "'zoo-softplus-derivative'?)",
                     "[exercises] 'xor-relu' = -3: points must be a number, 0 or more",
                     "[exercises] 'zoo-swish-minimum' = 'five': points must be a number",
                     "[exercises] 'zoo-bounded-below' = True: points must be a number",
                     "[columns] '08_transformers': no chapter of the book has this name",
                     "chapters '02_xor' and 'zoo' have the same column title '02_xor'",
                     "unknown table [bonus]"]:
        assert expected in message, (expected, message)
    assert len(err.value.problems) == 9
    points.write_text("[exercises\n")
    with pytest.raises(lms.LmsError, match="not valid TOML"):
        lms.load_scheme(points, BOOK)
    with pytest.raises(lms.LmsError, match="'zoo-swish-minimum' has no difficulty in actlib's registry"):
        lms.load_scheme(None, BOOK, difficulties={"xor-relu": "medium", "zoo-softplus-derivative": "easy"})


# --- the roster ---------------------------------------------------------------------------------


ROSTER = ("\ufefffolder,id,email,name,section,login\n"  # with the byte-order mark Excel writes
          "ann,1001,ann@example.edu,Ann Lee,A,alee\n"
          'ben/,1002,ben@example.edu,"Okafor, Ben",B,\n'
          "\n"
          "cat,1003,cat@example.edu,Cat Diaz,,\n")


def test_roster_rows_become_students(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    students = lms.load_roster(roster)
    assert [s.folder for s in students] == ["ann", "ben", "cat"]
    assert students[1] == lms.Student("ben", "1002", "ben@example.edu", "Okafor, Ben", "B", "")
    assert (students[0].sis_login, students[1].sis_login) == ("alee", "ben@example.edu")


@pytest.mark.parametrize(("text", "problems"), [
    ("folder,id,email,name\nann,1,a@x.org,Ann\nann,2,b@x.org,Bo\ncy,1,C@X.org,Cy\ndi,4,c@x.org,Di\n",
     ["line 3: duplicate folder 'ann' (also on line 2)", "line 4: duplicate id '1' (also on line 2)",
      "line 5: duplicate email 'c@x.org' (also on line 4)"]),
    ("folder,id,email,name\nann,,a@x.org,Ann\nbo/x,2,b@x.org,Bo\ncy,3,c@x.org,Cy,extra\n",
     ["line 2: empty id", "line 3: folder 'bo/x' must be the name of one sub-folder",
      "line 4: more fields than the header has columns"]),
    ("folder,id,mail,name,group\nann,1,a@x.org,Ann,A\n",
     ["missing column(s) email", "unknown column 'mail'", "unknown column 'group'"]),
    ("folder,id,email,name\n", ["no students"]),
])
def test_a_bad_roster_is_refused_with_line_numbers(tmp_path, text, problems):
    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    with pytest.raises(lms.LmsError) as err:
        lms.load_roster(roster)
    for problem in problems:
        assert any(p.startswith(problem) for p in err.value.problems), (problem, err.value.problems)
    assert len(err.value.problems) == len(problems), err.value.problems


def test_the_roster_must_name_every_submitted_folder(tmp_path):
    roster = [lms.Student("ann", "1", "a@x.org", "Ann"), lms.Student("ben", "2", "b@x.org", "Ben")]
    subs = tmp_path / "subs"
    notebooks = [subs / "ann" / "zoo.ipynb", subs / "ann" / "deep" / "xor.ipynb"]
    assert lms.check_roster(roster, notebooks, subs) == [
        "Ben (2): no submission: the folder 'ben' holds no notebook; exported with 0 points"]
    with pytest.raises(lms.LmsError) as err:
        lms.check_roster(roster, [*notebooks, subs / "zed" / "zoo.ipynb", subs / "loose.ipynb"], subs)
    assert [p.split(":")[0] for p in err.value.problems] == ["loose.ipynb", "zed"]
    assert "no roster row has this folder" in str(err.value)


# --- the exports --------------------------------------------------------------------------------


def _gradebook(tmp_path):
    """Ann answers both chapters (zoo twice); Ben hands in only a broken notebook; Cat nothing."""
    root = tmp_path / "subs"
    results = [
        _result(root, "ann/zoo.ipynb", "zoo", zoo_softplus_derivative=("pass", "Correct (zoo-softplus-derivative)."),
                zoo_swish_minimum=("wrong", "the minimum is at x = -1.28,\nnot at 0")),
        _result(root, "ann/zoo_old.ipynb", "zoo", zoo_softplus_derivative=("todo", "not answered yet"),
                zoo_swish_minimum=("todo", "not answered yet")),
        _result(root, "ann/xor.ipynb", "02_xor", xor_relu=("pass", "Correct (xor-relu).")),
        _result(root, "ben/zoo.ipynb", "?"),
    ]
    results[-1].note = "cannot read the notebook: NotJSONError"
    roster = [lms.Student("ann", "1001", "ann@example.edu", "Ann Lee", "A", "alee"),
              lms.Student("ben", "1002", "ben@example.edu", "Okafor, Ben"),
              lms.Student("cat", "1003", "cat@example.edu", "Cat Diaz")]
    scheme = lms.Scheme({"xor-relu": 2, "zoo-softplus-derivative": 1, "zoo-swish-minimum": 3},
                        {"zoo": "Activation zoo"})
    return lms.gradebook(results, root, roster, BOOK, scheme)


def test_gradebook_points_feedback_and_warnings(tmp_path):
    book = _gradebook(tmp_path)
    assert book.chapters == ["02_xor", "zoo"] and book.possible == {"02_xor": 2, "zoo": 4}
    ann, ben, cat = (dict(grades) for _, grades in book.rows)
    assert (ann["02_xor"].points, ann["zoo"].points, book.total(ann)) == (2, 1, 3)
    assert ann["zoo"].feedback == (
        "2 notebooks answer zoo: the best counts (ann/zoo_old.ipynb also graded) | ann/zoo.ipynb: 1/4 points | "
        "zoo-softplus-derivative 1/1 pass: Correct (zoo-softplus-derivative). | "
        "zoo-swish-minimum 0/3 wrong: the minimum is at x = -1.28, not at 0")
    assert ben["zoo"].points == 0 and ben["zoo"].feedback == (
        "no notebook of this chapter in ben/; notebooks that answer no chapter: ben/zoo.ipynb (cannot read the "
        "notebook: NotJSONError)")
    assert cat["zoo"].feedback == cat["02_xor"].feedback == lms.NO_SUBMISSION
    assert book.warnings == ["Ann Lee (1001): 2 notebooks answer zoo: the best counts (ann/zoo_old.ipynb also "
                             "graded)"]


def test_canvas_layout(tmp_path):
    lms.write_canvas(_gradebook(tmp_path), tmp_path / "canvas.csv")
    assert _rows(tmp_path / "canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "02_xor", "Activation zoo"],
        ["Points Possible", "", "", "", "", "2", "4"],
        ["Ann Lee", "", "1001", "alee", "A", "2", "1"],
        ["Okafor, Ben", "", "1002", "ben@example.edu", "", "0", "0"],
        ["Cat Diaz", "", "1003", "cat@example.edu", "", "0", "0"]]


def test_moodle_layout(tmp_path):
    lms.write_moodle(_gradebook(tmp_path), tmp_path / "moodle.csv")
    rows = _rows(tmp_path / "moodle.csv")
    assert rows[0] == ["ID number", "Email address", "Full name", "02_xor", "02_xor feedback", "Activation zoo",
                       "Activation zoo feedback", "Total"]
    assert [row[:4] + row[5:6] + row[7:] for row in rows[1:]] == [
        ["1001", "ann@example.edu", "Ann Lee", "2", "1", "3"],
        ["1002", "ben@example.edu", "Okafor, Ben", "0", "0", "0"],
        ["1003", "cat@example.edu", "Cat Diaz", "0", "0", "0"]]
    assert rows[1][4] == "ann/xor.ipynb: 2/2 points | xor-relu 2/2 pass: Correct (xor-relu)."
    assert all("\n" not in cell for row in rows for cell in row)  # one line per student


# --- the grader's command line --------------------------------------------------------------------


def test_lms_options_are_checked_before_any_grading(tmp_path, capsys):
    subs, book = tmp_path / "subs", _two_exercise_book(tmp_path / "book")
    _write(subs / "ann", "zoo.ipynb", _nb(_check(CHECK_1)))
    _write(subs / "zed", "zoo.ipynb", _nb(_check(CHECK_1)))
    roster = tmp_path / "roster.csv"
    roster.write_text("folder,id,email,name\nann,1,a@x.org,Ann\n")
    points = tmp_path / "points.toml"
    points.write_text('[exercises]\n"zoo-bounded-below" = -1\n')
    for args, expected in [(["--canvas", tmp_path / "c.csv"], "pass --roster ROSTER.csv"),
                           (["--roster", roster], "zed: submitted, but no roster row has this folder"),
                           (["--roster", roster, "--points", points], "'zoo-bounded-below' = -1")]:
        assert grade.main([str(subs), "--book", str(book), *map(str, args)]) == 2
        err = capsys.readouterr().err
        assert expected in err and "grading" not in err, err


def test_grade_writes_canvas_and_moodle_files(tmp_path, capsys):
    subs, book = tmp_path / "subs", _two_exercise_book(tmp_path / "book")
    _write(subs / "ann", "zoo.ipynb", _nb(new_code_cell(RIGHT_SOFTPLUS), _check(CHECK_1),
                                          new_code_cell("bounded_below = {'relu'}"), _check(CHECK_2)))
    _write(subs / "ben", "zoo.ipynb", _nb(new_code_cell("softplus_derivative = None"), _check(CHECK_1)))
    roster, points = tmp_path / "roster.csv", tmp_path / "points.toml"
    roster.write_text("folder,id,email,name\nann,1001,ann@example.edu,Ann Lee\nben,1002,ben@example.edu,Ben\n"
                      "cat,1003,cat@example.edu,Cat Diaz\n")
    points.write_text('[exercises]\n"zoo-bounded-below" = 2\n')
    canvas, moodle = tmp_path / "canvas.csv", tmp_path / "moodle.csv"
    assert grade.main([str(subs), "--book", str(book), "--timeout", "120", "--jobs", "2", "--roster", str(roster),
                       "--points", str(points), "--canvas", str(canvas), "--moodle", str(moodle)]) == 0
    err = capsys.readouterr().err
    assert "warning: Cat Diaz (1003): no submission" in err and "wrote Canvas's gradebook import file" in err
    assert _rows(canvas) == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "zoo"],
                             ["Points Possible", "", "", "", "", "3"],
                             ["Ann Lee", "", "1001", "ann@example.edu", "", "1"],
                             ["Ben", "", "1002", "ben@example.edu", "", "0"],
                             ["Cat Diaz", "", "1003", "cat@example.edu", "", "0"]]
    rows = _rows(moodle)
    assert rows[0] == ["ID number", "Email address", "Full name", "zoo", "zoo feedback", "Total"]
    assert [(r[0], r[3], r[5]) for r in rows[1:]] == [("1001", "1", "1"), ("1002", "0", "0"), ("1003", "0", "0")]
    assert rows[1][4].startswith("ann/zoo.ipynb: 1/3 points | zoo-softplus-derivative 1/1 pass: Correct")
    assert "zoo-bounded-below 0/2 wrong: " in rows[1][4]
    assert "zoo-softplus-derivative 0/1 todo: zoo-softplus-derivative: not answered yet" in rows[2][4]
    assert rows[3][4] == lms.NO_SUBMISSION


# --- Gradescope -----------------------------------------------------------------------------------


def _make_variable(name: str) -> str:
    return re.search(rf"^{name}\s*:?=\s*(\S+)", (ROOT / "Makefile").read_text(), re.M).group(1)


def test_gradescope_zip_layout(tmp_path):
    book = _two_exercise_book(tmp_path / "book")
    points = tmp_path / "points.toml"
    points.write_text('[exercises]\n"zoo-bounded-below" = 2\n')
    uv, mnist = _make_variable("UV"), _make_variable("MNIST")
    out = gradescope.build(tmp_path / "ag.zip", book_dir=book, chapters=["zoo"], points=points,
                           grader_args=["--timeout", "900"], uv=uv, mnist=mnist)
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        modes = {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in z.infolist()}
        setup, run_script = z.read("setup.sh").decode(), z.read("run_autograder").decode()
        student_zoo = nbformat.reads(z.read("chapters/zoo.ipynb").decode(), as_version=4)
        assert z.read("requirements.txt") == (ROOT / "requirements.txt").read_bytes()
        assert z.read("points.toml") == points.read_bytes()
    assert {"setup.sh", "run_autograder", "requirements.txt", "pyproject.toml", "README.md", "points.toml",
            "actlib/__init__.py", "actlib/course/grade.py", "actlib/course/gradescope.py",
            "actlib/exercises/zoo.py", "chapters/zoo.ipynb"} <= names
    assert not any(n.startswith("chapters/") and n.endswith(".ipynb") and n != "chapters/zoo.ipynb" for n in names)
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755 and modes["requirements.txt"] == 0o644
    # setup.sh installs the environment as the Makefile's `install` does, the same pins
    for expected in [f"pip install --quiet --disable-pip-version-check {uv}", "--torch-backend cpu",
                     "--compile-bytecode -r requirements.txt", f"--no-deps {mnist}",
                     "--no-deps --no-build-isolation -e .", "venv --python '>=3.11.5,<3.12'"]:
        assert expected in setup, expected
    assert run_script.rstrip().endswith('actlib.course.gradescope run --root "$ROOT" --timeout 900')
    for script in (setup, run_script):
        assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0
    # the student edition: self-checks kept, solutions gone
    sources = "\n".join(c.source for c in student_zoo.cells)
    solutions = [region for c in nbs.read(book / "zoo.ipynb").cells if nbs.is_solution(c)
                 for region in nbs.solution_regions(c.source)]
    assert len(solutions) >= 2 and not any(region.strip() in sources for region in solutions)
    assert {label for c in student_zoo.cells if nbs.is_self_check(c) for label in nbs.check_labels(c.source)} \
        == {"zoo-softplus-derivative", "zoo-bounded-below"}
    with pytest.raises(gradescope.BuildError, match="no chapter with a self-check named 02_xor"):
        gradescope.build(tmp_path / "x.zip", book_dir=book, chapters=["02_xor"])
    with pytest.raises(gradescope.BuildError, match="does not take the options"):
        gradescope.build(tmp_path / "x.zip", book_dir=book, grader_args=["--no-such-option"])
    make = (ROOT / "Makefile").read_text()
    assert 'actlib.course.gradescope build --uv "$(UV)" --mnist "$(MNIST)"' in make


def test_run_autograder_on_a_sample_submission(tmp_path):
    """The zip unpacked as Gradescope unpacks it (``source/``), a submission in ``submission/``;
    ``run_autograder`` runs with this checkout's environment instead of setup.sh's."""
    book = _two_exercise_book(tmp_path / "book")
    autograder = tmp_path / "autograder"
    with zipfile.ZipFile(gradescope.build(tmp_path / "ag.zip", book_dir=book, grader_args=["--timeout", "120"])) as z:
        z.extractall(autograder / "source")
    _write(autograder / "submission", "my_zoo.ipynb", _nb(
        new_code_cell(RIGHT_SOFTPLUS), _check(CHECK_1), new_code_cell("bounded_below = {'relu'}"), _check(CHECK_2)))
    (autograder / "submission" / "notes.ipynb").write_text("my notes")
    results = autograder / "results" / "results.json"
    results.parent.mkdir()
    results.write_text('{"score": 100}')  # left by someone else: the run must replace it
    env = {**os.environ, "AUTOGRADER_ROOT": str(autograder), "ACTBOOK_PYTHON": sys.executable}
    proc = subprocess.run(["bash", str(autograder / "source" / "run_autograder")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(results.read_text())
    assert "score" not in data and data["execution_time"] >= 0
    assert [(t["name"], t["score"], t["max_score"]) for t in data["tests"]] == [
        ("zoo-softplus-derivative: Differentiate softplus", 1, 1), ("zoo-bounded-below: Bounded below", 0, 1)]
    assert data["tests"][0]["output"].startswith("pass: Correct (zoo-softplus-derivative)")
    assert data["tests"][1]["output"].startswith("wrong: ") and "missing" in data["tests"][1]["output"]
    assert "Chapter zoo: graded my_zoo.ipynb (1/2 points)." in data["output"]
    assert "notes.ipynb: not graded: cannot read the notebook" in data["output"]
    assert "wrote " in proc.stdout and "limits enforced" in proc.stdout


def test_results_json_keeps_every_exercise_of_the_assignment(tmp_path):
    """A chapter with no notebook scores 0 on each exercise (the maximum never shrinks); of two
    notebooks of one chapter the better counts."""
    scheme = lms.load_scheme(None, BOOK)
    results = [_result(tmp_path, "a.ipynb", "zoo", zoo_softplus_derivative=("todo", "not answered"),
                       zoo_swish_minimum=("todo", "not answered")),
               _result(tmp_path, "b.ipynb", "zoo", zoo_softplus_derivative=("pass", "Correct."),
                       zoo_swish_minimum=("not run", "the notebook ran longer than 120 s"))]
    data = gradescope.results_json(results, BOOK, scheme, tmp_path, 3.2)
    assert [(t["number"], t["score"], t["max_score"], t["output"]) for t in data["tests"]] == [
        ("1.1", 0, 2, "missing: no notebook of chapter 02_xor in your submission"),
        ("2.1", 1, 1, "pass: Correct."), ("2.2", 0, 3, "not run: the notebook ran longer than 120 s")]
    assert data["output"].splitlines() == [
        "Chapter 02_xor: no notebook of this chapter was found in your submission.",
        "Chapter zoo: graded b.ipynb (1/4 points).",
        "  2 notebooks answer chapter zoo: the best counts (a.ipynb also graded)."]
    assert gradescope.results_json([], BOOK, scheme, tmp_path, 0)["output"].endswith("upload your chapter notebooks.")


def test_a_failing_autograder_says_it_is_not_a_verdict(tmp_path, capsys):
    autograder = tmp_path / "autograder"
    _two_exercise_book(autograder / "source" / "chapters")
    (autograder / "source" / "points.toml").write_text('[exercises]\n"zoo-bounded-below" = -2\n')
    _write(autograder / "submission", "zoo.ipynb", _nb(_check(CHECK_1)))
    assert gradescope.run(autograder) == 1
    data = json.loads((autograder / "results" / "results.json").read_text())
    assert data["score"] == 0 and data["tests"] == []
    assert data["output"].startswith("The autograder failed on this submission (an error in the grader, not a "
                                     "verdict on your work: LmsError)")
    assert "'zoo-bounded-below' = -2" in capsys.readouterr().out  # the log, for the instructor
