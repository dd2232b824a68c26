"""The student edition (actlib.course.student): no solution survives, every self-check
rejects its stub and accepts the book's solution, and the student notebooks run.

Three levels, from cheap to thorough:

* static (every chapter): no line of any solution region, no solution prose and no stored
  output survives in the student notebook; the stubs are where the solutions were;
* self-checks in isolation (every chapter, one subprocess per chapter): each stub, run on
  its own, is reported ``NotAnswered``, and each book solution is accepted, when the cell
  needs nothing from the chapter but its imports (a cell that needs the chapter's state is
  left to the next level, or to nbval, which runs every book solution and its check);
* in context (the quick chapters with a stub that needs the chapter's state; the others, and
  the slow ones, which train models for minutes, only with ``ACTBOOK_SLOW_TESTS=1``): the
  student notebook is executed cell by cell in a kernel; the
  only error allowed is the stubs' ``NotImplementedError``; at each self-check the stub must
  be reported ``NotAnswered``, then the book's solution is run and the check must pass, and
  execution goes on with it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import nbformat
import pytest

from actlib.course import notebooks as nbs
from actlib.course import student

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = nbs.chapter_notebooks(CHAPTERS)
# Chapters whose notebook trains models for minutes: executed only with ACTBOOK_SLOW_TESTS=1.
SLOW = {"06_keras_mnist", "07_gan", "07_dcgan_training"}
RUN_SLOW = os.environ.get("ACTBOOK_SLOW_TESTS") == "1"


def _chapter_params():
    return [pytest.param(p, id=p.stem) for p in NOTEBOOKS]


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return student.build(CHAPTERS, tmp_path_factory.mktemp("student") / "student", root=ROOT)


def _sources(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


# --- static ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", _chapter_params())
def test_no_solution_survives(path, edition):
    book = nbs.read(path)
    stud = nbformat.read(str(edition / "chapters" / path.name), as_version=4)
    exercises = nbs.notebook_exercises(book)
    solution_cells = {i for ex in exercises for i in ex.solution_cells}
    # a line is solution-only if it occurs nowhere in the book outside the solution regions
    outside = set()
    for i, cell in enumerate(book.cells):
        source = cell.source
        if i in solution_cells:
            for region in nbs.solution_regions(source):
                source = source.replace(region, "")
        outside.update(line.strip() for line in source.split("\n"))
    student_lines = {line.strip() for line in _sources(stud).split("\n")}
    for i in solution_cells:
        for region in nbs.solution_regions(book.cells[i].source):
            leaked = [line.strip() for line in region.split("\n")
                      if line.strip() and line.strip() not in outside and line.strip() in student_lines]
            assert not leaked, f"{path.name}: solution lines survive in the student edition: {leaked}"
    text = _sources(stud)
    for marker in (nbs.BEGIN, nbs.END, "{solution-start}", "{solution-end}", "{solution}"):
        assert marker not in text, f"{path.name}: {marker!r} survives"
    # the solution prose is gone
    prose, inside = [], False
    for cell in book.cells:
        if cell.cell_type == "markdown":
            kept, inside_after = student.strip_markdown(cell.source, inside)
            removed = [line.strip() for line in cell.source.split("\n")
                       if line.strip() and line.strip() not in kept and len(line.strip()) > 20]
            prose += removed
            inside = inside_after
    leaked_prose = [line for line in prose if line in student_lines and line not in outside - set(prose)]
    assert not leaked_prose, f"{path.name}: solution prose survives: {leaked_prose[:3]}"
    for cell in stud.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: stored output kept"


@pytest.mark.parametrize("path", _chapter_params())
def test_glued_numbers_are_pasted_into_the_text(path, edition):
    """Jupyter does not render myst-nb's glue roles: the student edition pastes each value
    (review 9 of chapters 1-2: "compare it with the {glue:text}`and_updates` updates")."""
    stud = nbformat.read(str(edition / "chapters" / path.name), as_version=4)
    left = [m for c in stud.cells if c.cell_type == "markdown" for m in re.findall(r"\{glue[^}]*\}`[^`]*`", c.source)]
    assert not left, f"{path.name}: glue roles left in the student's text: {left[:3]}"


def test_boxes_and_print_versions_read_as_jupyter_shows_them():
    """Review 10 of chapters 1-2: Jupyter shows MyST directives as code blocks. The student
    edition keeps an {only} block's HTML text without its fence, drops its print version, and
    quotes a {note}."""
    source = ("Intro.\n\n````{only} html\nOn the screen.\n````\n\n````{only} latex\nOn paper.\n````\n\n"
              "```{note}\nMind the gap.\n```\nAfter.")
    text, _ = student.strip_markdown(source)
    assert "On the screen." in text and "On paper." not in text and "{only}" not in text
    assert "> **Note.**" in text and "> Mind the gap." in text and "{note}" not in text
    kept, _ = student.strip_markdown(source, keep_exercises=True)  # the course edition: as it is
    assert kept == source
    stud = student.student_notebook(nbs.read(CHAPTERS / "02_xor.ipynb"))
    assert not [c for c in stud.cells if c.cell_type == "markdown" and re.search(r"^[`:]{3,}\{", c.source, re.M)]


def test_a_glued_number_reads_as_in_the_book():
    book = nbs.read(CHAPTERS / "01_perceptron.ipynb")
    updates = student.glue_values(book)["and_updates"]["text/plain"]
    stud = student.student_notebook(book)
    exercise = next(c.source for c in stud.cells if "Novikoff's bound for AND" in c.source)
    assert f"compare it with the\n   {updates} updates the rule made" in exercise
    with pytest.raises(KeyError, match="no_such_key"):
        student.paste_glue("{glue:text}`no_such_key:.2f`", {})
    pitfalls = nbs.read(CHAPTERS / "06_keras_pitfalls.ipynb")  # (it glues from 06_keras_mnist)
    alone = _sources(student.student_notebook(pitfalls))  # (no chapters folder: left as it is)
    assert "{glue:text}`06_keras_mnist.ipynb::" in alone
    assert "{glue:text}`06_keras_mnist.ipynb::" not in _sources(student.student_notebook(pitfalls, chapters=CHAPTERS))


@pytest.mark.parametrize("path", _chapter_params())
def test_stubs_and_self_checks_are_in_place(path, edition):
    book = nbs.read(path)
    stud = nbformat.read(str(edition / "chapters" / path.name), as_version=4)
    book_ex = {e.label: e for e in nbs.notebook_exercises(book)}
    stud_ex = {e.label: e for e in nbs.notebook_exercises(stud)}
    assert book_ex, f"{path.name} has no exercise with a self-check"
    assert list(stud_ex) == list(book_ex), "the student edition lost or reordered a self-check"
    for label, ex in stud_ex.items():
        assert ex.solution_cells, f"{label}: no stub"
        for i in ex.solution_cells:
            assert "NotImplementedError" in stud.cells[i].source and "YOUR CODE HERE" in stud.cells[i].source
            assert label in stud.cells[i].source, f"{label}: the stub does not name its exercise"
        assert [stud.cells[i].source for i in ex.self_check_cells] == \
               [book.cells[i].source for i in book_ex[label].self_check_cells]


@pytest.mark.parametrize("path", _chapter_params())
def test_exercises_follow_the_conventions(path):
    """Every exercise has a registered check, a tagged solution with markers, a self-check."""
    import actlib.exercises

    book = nbs.read(path)
    registered = {e.label for e in actlib.exercises.exercises()}
    directives = nbs.exercise_labels(book)
    checks = [e.label for e in nbs.notebook_exercises(book)]
    assert set(directives) <= set(checks), f"exercise(s) without a self-check: {set(directives) - set(checks)}"
    assert set(checks) <= registered, f"self-check(s) not registered in actlib.exercises: {set(checks) - registered}"
    for cell in book.cells:
        if nbs.BEGIN in cell.source:
            assert nbs.SOLUTION_TAG in nbs.tags(cell), "a cell with ### BEGIN SOLUTION lacks the 'solution' tag"


def test_edition_files(edition):
    names = sorted(p.name for p in (edition / "chapters").glob("*.ipynb"))
    assert names == [p.name for p in NOTEBOOKS]
    readme = (edition / "README.md").read_text()
    assert "actlib.check(" in readme and "NotAnswered" in readme and "pip install" in readme
    with zipfile.ZipFile(edition / student.ZIP_NAME) as z:
        members = set(z.namelist())
    root = student.ZIP_ROOT
    assert {f"{root}/README.md", f"{root}/requirements.txt", f"{root}/pyproject.toml",
            f"{root}/actlib/exercises/_core.py"} <= members
    assert {f"{root}/chapters/{n}" for n in names} <= members
    assert not any(m.endswith(".pyc") for m in members)
    # the data files the chapters' code reads travel with them (chapter 5 reads its study's results)
    data = {p.relative_to(CHAPTERS).as_posix() for p in (CHAPTERS / student.DATA_DIR).rglob("*") if p.is_file()}
    assert data and {f"{root}/chapters/{d}" for d in data} <= members


# --- the zip: what a student imports, and nothing for instructors ----------------------------

# What the chapters and their self-checks import: these must be in the zip (it holds every
# other module of actlib too, but for actlib.course).
STUDENT_NEEDS = {"__init__.py", "_extras.py", "activations.py", "derivatives.py", "registry.py", "plotting.py",
                 "diagrams.py", "network.py", "datasets.py", "frameworks.py", "exercises/__init__.py",
                 "exercises/_core.py", "exercises/_observe.py", "exercises/_wire.py"}
# actlib.course: the student edition's builder, the grader, its plan, runner and sandbox, the
# book's Sphinx extension and Plotly renderer. None of it may be in the zip.
INSTRUCTORS_ONLY = {"course/__init__.py", "course/student.py", "course/grade.py", "course/plan.py",
                    "course/runner.py", "course/sandbox.py", "course/sphinxext.py", "course/plotly_render.py",
                    "course/notebooks.py"}


@pytest.fixture(scope="module")
def unzipped(edition, tmp_path_factory):
    folder = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(edition / student.ZIP_NAME) as z:
        z.extractall(folder)
    return folder / student.ZIP_ROOT


def test_zip_ships_what_a_student_imports_and_no_course_tooling(edition):
    with zipfile.ZipFile(edition / student.ZIP_NAME) as z:
        prefix = f"{student.ZIP_ROOT}/actlib/"
        shipped = {m[len(prefix):] for m in z.namelist() if m.startswith(prefix)}
    source = {p.relative_to(ROOT / "actlib").as_posix() for p in (ROOT / "actlib").rglob("*.py")
              if "__pycache__" not in p.parts}
    assert INSTRUCTORS_ONLY <= source, "actlib.course changed: update INSTRUCTORS_ONLY"
    assert STUDENT_NEEDS <= shipped
    assert not shipped & INSTRUCTORS_ONLY and not any(m.startswith("course/") for m in shipped)
    assert shipped == {m for m in source if not m.startswith("course/")}  # exactly: every module but the course


def test_zip_pyproject_installs_the_students_actlib(edition, unzipped):
    book = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ours = tomllib.loads((unzipped / "pyproject.toml").read_text())
    assert ours["project"]["dependencies"] == book["project"]["dependencies"]
    assert ours["tool"]["setuptools"]["dynamic"] == book["tool"]["setuptools"]["dynamic"]  # the one version
    assert "version" not in ours["project"] and ours["project"]["dynamic"] == ["version"]
    extras = ours["project"]["optional-dependencies"]
    assert set(extras) == set(book["project"]["optional-dependencies"]) - {"course"}
    assert all(extras[e] == book["project"]["optional-dependencies"][e] for e in extras if e != "all")
    assert "course" not in extras["all"][0] and "entry-points" not in ours["project"]
    assert ours["tool"]["setuptools"]["packages"]["find"]["exclude"] == ["actlib.course*"]


_IN_PLACE = r"""
import json, sys
# a student's Python: no editable install of the book's checkout to fall back on
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
import numpy as np
import actlib
from actlib.exercises import IncorrectAnswer

out = {"file": actlib.__file__, "version": actlib.__version__}
actlib.check("zoo-softplus-derivative", lambda x: 1 / (1 + np.exp(-np.asarray(x, float))))
try:
    actlib.check("zoo-softplus-derivative", lambda x: np.asarray(x, float))
except IncorrectAnswer as err:
    out["wrong"] = str(err)
import actlib.plotting
try:
    import actlib.course
except ModuleNotFoundError as err:
    out["course"] = err.name
print("RESULT" + json.dumps(out))
"""


def test_a_student_uses_the_zipped_actlib_in_place(unzipped, tmp_path):
    import actlib

    env = {**os.environ, "PYTHONPATH": str(unzipped), "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-c", _IN_PLACE], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Correct (zoo-softplus-derivative)" in proc.stdout
    out = json.loads(proc.stdout.split("RESULT", 1)[1])
    assert Path(out["file"]).resolve() == (unzipped / "actlib" / "__init__.py").resolve()
    assert out["version"] == actlib.__version__
    assert "first at input" in out["wrong"]
    assert out["course"] == "actlib.course"


def test_the_zipped_actlib_builds_a_wheel_without_the_course(unzipped, tmp_path):
    """What ``pip install .`` in the unzipped folder installs (built offline, no dependencies)."""
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                           "--no-index", "--disable-pip-version-check", "-w", str(tmp_path), str(unzipped)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    import actlib

    (wheel,) = tmp_path.glob("actlib-*.whl")
    assert wheel.name.startswith(f"actlib-{actlib.__version__}-")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        metadata = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    modules = {n.removeprefix("actlib/") for n in names if n.startswith("actlib/")}
    assert STUDENT_NEEDS <= modules and not any(m.startswith("course/") for m in modules)
    assert not any(n.endswith("entry_points.txt") for n in names)
    extras = set(re.findall(r"^Provides-Extra: (\S+)$", metadata, flags=re.M))
    assert extras == {"torch", "gan", "keras", "interactive", "all"}


def test_stub_of_a_function_and_of_a_variable():
    src = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    stub = student.stub_solution(src, "ch-f", ["f"])
    assert "return x + y" not in stub and "def f(x):\n    y = 1\n    # YOUR CODE HERE (exercise ch-f)" in stub
    ns = {}
    exec(stub, ns)
    with pytest.raises(NotImplementedError, match="ch-f"):
        ns["f"](1)
    stub = student.stub_solution("### BEGIN SOLUTION\nhelper = 2\nanswer = {helper}\n### END SOLUTION\nprint(answer)",
                                 "ch-a", ["answer"])
    assert "helper" not in stub and "answer = None" in stub and stub.endswith("print(answer)")
    ns = {}
    with pytest.raises(NotImplementedError):
        exec(stub, ns)
    assert ns["answer"] is None
    assert "secret" not in student.stub_solution("answer = 'secret'", "ch-b", ["answer"])  # a whole-cell solution


def test_markdown_solution_prose_is_removed():
    md = "Intro.\n```{solution-start} ch-x\n:class: dropdown\n```\nThe answer is 42."
    kept, inside = student.strip_markdown(md)
    assert kept == "Intro." and inside
    kept, inside = student.strip_markdown("More answer.\n```{solution-end}\n```\nAfter.", inside)
    assert kept == "After." and not inside
    kept, _ = student.strip_markdown("````{solution} ch-y\n```python\nx = 1\n```\n````\nNext.")
    assert kept == "Next."
    kept, _ = student.strip_markdown("```{exercise} Title\n:label: ch-z\n\nDo it.\n```")
    assert kept.startswith("### Exercise: Title") and "`ch-z`" in kept and kept.endswith("Do it.")


# --- self-checks in isolation -------------------------------------------------------------------

_ISOLATED = r"""
import ast, json, sys, warnings
warnings.simplefilter("ignore")
import actlib
from actlib.exercises import IncorrectAnswer, NotAnswered
from actlib.course import notebooks as nbs, student

book = nbs.read(sys.argv[1])
stud = student.student_notebook(book)
cells = {"stub": stud.cells, "solution": book.cells}
exercises = {"stub": nbs.notebook_exercises(stud), "solution": nbs.notebook_exercises(book)}

def imports_for(code, all_cells):
    try:
        needed = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    except SyntaxError:
        return []
    found = []
    for c in all_cells:
        if c.cell_type != "code":
            continue
        try:
            tree = ast.parse(c.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                    (a.asname or a.name).split(".")[0] in needed for a in node.names):
                found.append(ast.unparse(node))
    return found

results = {}
for mode in ("stub", "solution"):
    for ex in exercises[mode]:
        code = "\n".join(cells[mode][i].source for i in ex.solution_cells)
        check = "\n".join(cells[mode][i].source for i in ex.self_check_cells)
        ns = {"actlib": actlib, "__name__": "__main__"}
        try:
            for stmt in imports_for(code + "\n" + check, [c for c in cells["solution"]]):
                exec(stmt, ns)
            try:
                exec(compile(code, f"<{mode} of {ex.label}>", "exec"), ns)
            except NotImplementedError:
                if mode == "solution":
                    raise
            exec(compile(check, f"<self-check {ex.label}>", "exec"), ns)
            results[f"{mode}:{ex.label}"] = ["fail", "the check passed"] if mode == "stub" else ["ok", ""]
        except NameError as err:
            results[f"{mode}:{ex.label}"] = ["context", str(err)]
        except NotAnswered as err:
            results[f"{mode}:{ex.label}"] = ["ok" if mode == "stub" else "fail", f"NotAnswered: {err}"]
        except BaseException as err:
            results[f"{mode}:{ex.label}"] = ["fail", f"{type(err).__name__}: {err}"]
print("RESULTS" + json.dumps(results))
"""


@pytest.fixture(scope="session")
def isolated(tmp_path_factory, testrun_uid, worker_id):
    """Each chapter's isolated run (a Python process of a few seconds), once per test run: its
    results are kept in a file that every test worker of this run reads (pytest-xdist's recipe for
    a session fixture shared by workers), since three tests of a chapter may run on two workers."""
    from filelock import FileLock

    # (the run's own temporary folder, which pytest removes after a few runs; under xdist, the one
    # that holds every worker's)
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent

    def run(path):
        kept = shared / f"isolated-{testrun_uid}-{Path(path).stem}.json"
        with FileLock(f"{kept}.lock"):
            if kept.is_file():
                return json.loads(kept.read_text(encoding="utf-8"))
            proc = subprocess.run([sys.executable, "-c", _ISOLATED, str(path)], capture_output=True, text=True,
                                  timeout=600, cwd=CHAPTERS)
            line = [x for x in proc.stdout.splitlines() if x.startswith("RESULTS")]
            assert line, f"the isolated self-check run failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
            kept.write_text(line[-1][len("RESULTS"):], encoding="utf-8")
            return json.loads(kept.read_text(encoding="utf-8"))

    return run


@pytest.mark.parametrize("path", _chapter_params())
def test_each_stub_is_not_answered(path, isolated):
    results = {k.split(":", 1)[1]: v for k, v in isolated(path).items() if k.startswith("stub:")}
    failed = {label: msg for label, (verdict, msg) in results.items() if verdict == "fail"}
    assert not failed, f"a self-check does not report its stub as NotAnswered: {failed}"
    for label, (verdict, msg) in results.items():
        if verdict == "ok":
            assert label in msg and "not answered" in msg, f"{label}: unhelpful message {msg!r}"
    if all(v == "context" for v, _ in results.values()) and path.stem in SLOW and not RUN_SLOW:
        pytest.skip("every stub needs the chapter's state; set ACTBOOK_SLOW_TESTS=1 to test it in context")


@pytest.mark.parametrize("path", _chapter_params())
def test_each_book_solution_is_accepted(path, isolated):
    results = {k.split(":", 1)[1]: v for k, v in isolated(path).items() if k.startswith("solution:")}
    failed = {label: msg for label, (verdict, msg) in results.items() if verdict == "fail"}
    assert not failed, f"a self-check rejects the book's own solution: {failed}"


# --- in context -----------------------------------------------------------------------------------

def _execute_in_context(path: Path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    book = nbs.read(path)
    stud = student.student_notebook(book)
    solution_of = {ex.label: [book.cells[i].source for i in ex.solution_cells] for ex in nbs.notebook_exercises(book)}
    label_of_check = {i: ex.label for ex in nbs.notebook_exercises(stud) for i in ex.self_check_cells}
    stubs = {i for ex in nbs.notebook_exercises(stud) for i in ex.solution_cells}
    client = NotebookClient(stud, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(CHAPTERS)}})
    checked = []

    def run(cell, index, expect=None):
        try:
            client.execute_cell(cell, index)
        except CellExecutionError as err:
            if expect and err.ename in expect:
                return err
            raise AssertionError(f"{path.name}, cell {index}: unexpected {err.ename}: {err.evalue}\n"
                                 f"{cell.source[:500]}") from None
        return None

    with client.setup_kernel():
        for index, cell in enumerate(stud.cells):
            if cell.cell_type != "code":
                continue
            if index in stubs:
                run(cell, index, expect={"NotImplementedError"})
            elif index in label_of_check:
                label = label_of_check[index]
                err = run(cell, index, expect={"NotAnswered"})
                assert err is not None, f"{label}: the self-check accepted the stub"
                assert label in err.evalue and "not answered" in err.evalue
                for source in solution_of[label]:  # now the book's solution, and the check again
                    run(nbformat.v4.new_code_cell(source), index)
                again = nbformat.v4.new_code_cell(cell.source)
                run(again, index)
                printed = "".join(o.get("text", "") for o in again.outputs)
                assert f"Correct ({label})" in printed, f"{label}: the check did not pass the book's solution"
                checked.append(label)
            else:
                run(cell, index)
    return checked


_SKIP_SLOW = pytest.mark.skip(reason="trains models for minutes: set ACTBOOK_SLOW_TESTS=1 (nbval runs the book)")


@pytest.mark.parametrize("path", [
    pytest.param(p, id=p.stem, marks=[pytest.mark.slow] + ([] if RUN_SLOW or p.stem not in SLOW else [_SKIP_SLOW]))
    for p in NOTEBOOKS])
def test_student_notebook_in_context(path, isolated):
    verdicts = {v for k, (v, _) in isolated(path).items() if k.startswith("stub:")}
    if "context" not in verdicts and not RUN_SLOW:
        # (every stub of this page is checked in isolation above, and every solution there or by
        # nbval, which runs the page; make test skips the notebook's second run here, for time)
        pytest.skip("every stub of this page is checked in isolation; set ACTBOOK_SLOW_TESTS=1 to run it in context")
    checked = _execute_in_context(path)
    assert checked == [e.label for e in nbs.notebook_exercises(nbs.read(path))]


def test_the_readme_points_to_actlib_alone_chapters_only_when_there_are_some():
    """Review 12 of the instructors' pages, finding 4: the README sent students to chapters
    "marked `actlib` alone" when none was."""
    torch_only = ("b.ipynb", "B", ["b-one"], [("PyTorch", "torch")])
    plain = ("a.ipynb", "A", ["a-one"], [])
    without = student.readme([torch_only])
    assert "`actlib` alone" not in without.split("## Set up")[0]  # no such row in the table
    assert 'marked "`actlib` alone"' not in without
    assert "no chapter here runs on it alone" in without
    with_one = student.readme([plain, torch_only])
    assert "| `actlib` alone |" in with_one and 'for\nthe chapters marked "`actlib` alone" above' in with_one
