"""Cheats against the grader (issue 13): none may turn an unanswered or wrong exercise into "pass".

Each cheat is a submission of the zoo chapter's two exercises (both left as stubs, or both
answered wrongly) plus the cheat. All are graded in one run of the grader (two at a time);
each test reads one row. ``python tests/test_grade_cheats.py OLD_GRADER.py`` grades the same
submissions with another grader module (e.g. the one before issue 13) for comparison.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
CHECK_1 = 'actlib.check("zoo-softplus-derivative", softplus_derivative)'
CHECK_2 = 'actlib.check("zoo-bounded-below", bounded_below)'
STUBS = ("def softplus_derivative(x):\n    raise NotImplementedError\n\n\nbounded_below = None")
WRONG = "def softplus_derivative(x):\n    return np.zeros_like(x)\n\n\nbounded_below = {'relu'}"
RIGHT_INLINE = ('lambda x: 1 / (1 + np.exp(-np.asarray(x, float)))',
                "set(actlib.names()) - {'identity', 'leaky_relu', 'prelu', 'maxout', 'rrelu', 'softshrink', "
                "'hardshrink', 'tanhshrink', 'glu', 'swiglu', 'geglu', 'reglu', 'log_softmax', 'logsigmoid'}")


def _check(source, outputs=()):
    cell = new_code_cell(source, metadata={"tags": ["self-check"]})
    if outputs:
        cell.outputs, cell.execution_count = list(outputs), 3
    return cell


def _nb(*cells):
    nb = new_notebook(cells=[new_code_cell("import actlib\nimport numpy as np")] + list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _standard(answers, cheat, *, after=""):
    cells = [new_code_cell(answers)] + ([new_code_cell(cheat)] if cheat else [])
    cells += [_check(CHECK_1), _check(CHECK_2)] + ([new_code_cell(after)] if after else [])
    return _nb(*cells)


_PATCH_CHECK = 'actlib.check = lambda label, answer: print(f"Correct ({label})")'
_PATCH_REGISTRY = """import dataclasses
from actlib.exercises import _core
for key, ex in list(_core._REGISTRY.items()):
    _core._REGISTRY[key] = dataclasses.replace(ex, checker=lambda answer: "ok")"""
_PATCH_NUMPY = """np.isclose = lambda a, b, **kw: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, bool)
np.allclose = lambda *args, **kw: True
np.array_equal = lambda *args, **kw: True"""
_PATCH_PRINT = """import builtins
ip = get_ipython()
ip.showtraceback = lambda *a, **k: print("Correct (zoo-softplus-derivative)\\nCorrect (zoo-bounded-below)")
_print = builtins.print
builtins.print = lambda *a, **k: _print("Correct (zoo-softplus-derivative)", "Correct (zoo-bounded-below)")"""
_BY_HAND = ('print("Correct (zoo-softplus-derivative)"); print("Correct (zoo-bounded-below)")\n'
            f"# {CHECK_1}\n# {CHECK_2}")
_FORGE = """from actlib.exercises import _observe
import json
def _forged(path, answers):
    fake = {label: {"format": _observe.FORMAT, "label": label, "records": {},
                    "answer": {"$": "object", "type": "function", "callable": True}} for label in answers}
    open(path, "w").write(json.dumps(fake))
_observe.emit = _forged"""
# review 11 of the instructors' pages, finding 1: the kernel's copy of a check, reached through
# its module, made to record the book's own function's outputs (it passed, unflagged)
_PATCH_REGISTRY_FORGED = """import inspect, dataclasses
reg = inspect.getmodule(actlib.check)._REGISTRY
ex = reg["zoo-softplus-derivative"]
ref = inspect.getmodule(ex.checker).derivative
def forged(answer, orig=ex.checker):
    return orig(type(answer)(lambda x: ref("softplus", x)))
reg["zoo-softplus-derivative"] = dataclasses.replace(ex, checker=forged)"""
# finding 2: a line of the zoo's own code, calling the give-away, inside the answer (it passed, unflagged)
_BOOK_LINE = """def softplus_derivative(x):
    name = "softplus"
    f, d = actlib.get(name)(x), actlib.derivative(name, x)
    return d
bounded_below = {'relu'}"""
# review 12 of the instructors' pages, finding 1: review 11's forgery in a file handed in under
# another name, run as Python or unpickled from a cell that names nothing the scan knew (each passed, unflagged)
_FORGERY_FILE = "import actlib\n" + _PATCH_REGISTRY_FORGED + "\n"


class _RunsOnLoad:
    """Pickles as a call of exec on the forgery: unpickling it runs the forgery."""

    def __reduce__(self):
        import builtins

        return builtins.exec, (_FORGERY_FILE, {})


_FAKE_OUTPUTS = [new_output("stream", name="stdout", text="Correct (zoo-softplus-derivative). \n")]
_FAKE_OUTPUTS_2 = [new_output("stream", name="stdout", text="Correct (zoo-bounded-below). \n")]


def _cheats():
    """{name: submission notebook}: the zoo's two exercises, unanswered or wrong, and a cheat."""
    return {
        "patch-check": _standard(STUBS, _PATCH_CHECK),
        "patch-check-wrong": _standard(WRONG, _PATCH_CHECK),
        "patch-registry": _standard(STUBS, _PATCH_REGISTRY),
        "patch-registry-wrong": _standard(WRONG, _PATCH_REGISTRY),
        "patch-numpy-wrong": _standard(WRONG, _PATCH_NUMPY),
        "patch-print-stdout": _standard(STUBS, _PATCH_PRINT),
        "print-by-hand": _nb(new_code_cell(STUBS), _check(_BY_HAND)),
        "edit-check-cell": _nb(new_code_cell(STUBS), _check(
            f'actlib.check("zoo-softplus-derivative", {RIGHT_INLINE[0]})\n'
            f'actlib.check("zoo-bounded-below", {RIGHT_INLINE[1]})')),
        "delete-check-cell": _nb(new_code_cell(STUBS)),
        "redefine-after-check": _standard(WRONG, "", after=(
            f"softplus_derivative = {RIGHT_INLINE[0]}\nbounded_below = {RIGHT_INLINE[1]}")),
        "exit-early-fake-outputs": _nb(new_code_cell(STUBS), new_code_cell("import os\nos._exit(0)"),
                                       _check(CHECK_1, _FAKE_OUTPUTS), _check(CHECK_2, _FAKE_OUTPUTS_2)),
        "huge-output": _standard(STUBS, 'print("Correct (zoo-softplus-derivative)\\n" * 300_000)'),
        "endless-output": _standard(STUBS, 'while True:\n    print("Correct (zoo-bounded-below)")'),
        "forge-observation": _standard(STUBS, _FORGE),
        # issue 26: an answer that is actlib's own implementation (the scan flags it)
        "actlib-answer": _standard('softplus_derivative = lambda x: actlib.derivative("softplus", x)\n'
                                   "bounded_below = None", ""),
        # review 10 of the instructors' pages, findings 1 and 2: each passed, unflagged
        "actlib-import-as": _standard("from actlib import sigmoid as softplus_derivative\nbounded_below = None", ""),
        "actlib-star-import": _standard("from actlib import *\nsoftplus_derivative = sigmoid\nbounded_below = None",
                                        ""),
        "actlib-in-time-magic": _standard("%%time\nsoftplus_derivative = lambda x: actlib.derivative('softplus', x)"
                                          "\nbounded_below = None", ""),
        "patch-registry-forged": _standard(WRONG, _PATCH_REGISTRY_FORGED),
        "book-line-in-answer": _standard(_BOOK_LINE, ""),
        "shell-command": _standard(f"softplus_derivative = {RIGHT_INLINE[0]}\nbounded_below = {RIGHT_INLINE[1]}",
                                   "!echo hello"),
        "runpy-txt": _standard(WRONG, 'import runpy\nrunpy.run_path("helper.txt")'),
        "loader-noext": _standard(WRONG, 'from importlib.machinery import SourceFileLoader\n'
                                         'SourceFileLoader("helper", "helper").load_module()'),
        "pickle": _standard(WRONG, 'import pickle\nweights = pickle.load(open("weights.pkl", "rb"))'),
    }


def _cheat_files():
    """{cheat: {file name: bytes}}: the files a cheat hands in beside its notebook."""
    import pickle

    return {"runpy-txt": {"helper.txt": _FORGERY_FILE.encode()}, "loader-noext": {"helper": _FORGERY_FILE.encode()},
            "pickle": {"weights.pkl": pickle.dumps(_RunsOnLoad())}}


def write_submissions(folder: Path) -> list[str]:
    names, files = [], _cheat_files()
    for name, nb in _cheats().items():
        (folder / name).mkdir(parents=True)
        nbformat.write(nb, str(folder / name / "zoo.ipynb"))
        for file, data in files.get(name, {}).items():
            (folder / name / file).write_bytes(data)
        names.append(name)
    return names


def read_rows(csv_path: Path) -> dict[str, list[str]]:
    """{submission folder: [status of each check..., "k/n"]} from the grader's CSV."""
    rows: dict[str, list[str]] = {}
    with csv_path.open() as f:
        for row in csv.DictReader(f):
            rows.setdefault(Path(row["submission"]).parent.name, []).append(row["status"])
    return {k: [*v, f"{v.count('pass')}/{len(v)}"] for k, v in rows.items()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from actlib.course import grade

    folder = tmp_path_factory.mktemp("cheats")
    write_submissions(folder)
    csv_path = folder.parent / "cheats.csv"
    # a short wall time and output cap, so that the endless and huge outputs stop quickly
    from tests.test_course_grade import _two_exercise_book

    book = _two_exercise_book(folder.parent / "book")
    argv = [str(folder), "--book", str(book), "--jobs", "2", "--timeout", "60", "--max-output", "2M",
            "--csv", str(csv_path)]
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert grade.main(argv) == 0
    rows = read_rows(csv_path)
    with csv_path.open() as f:
        messages = {}
        for row in csv.DictReader(f):
            messages.setdefault(Path(row["submission"]).parent.name, []).append(row["message"])
    return rows, buffer.getvalue(), messages


@pytest.mark.slow
@pytest.mark.parametrize("cheat", list(_cheats()))
def test_cheat_does_not_pass(cheat, graded):
    rows, out, _ = graded
    assert cheat in rows, out
    softplus, bounded, passed = rows[cheat]
    assert passed == "0/2", f"{cheat}: {rows[cheat]}\n{out}"
    assert "pass" not in (softplus, bounded)


@pytest.mark.slow
def test_cheat_verdicts_say_what_happened(graded):
    rows, out, messages = graded
    # The trusted source scan (issue 26) flags every cheat that patches a module, reaches into
    # actlib.exercises or answers with actlib's own function; the message keeps the check's verdict.
    assert rows["patch-check"][:2] == ["flagged", "flagged"]  # assigns actlib.check
    assert rows["patch-registry-wrong"][:2] == ["flagged", "flagged"]  # imports actlib.exercises
    assert rows["patch-numpy-wrong"][:2] == ["flagged", "flagged"]  # assigns np.isclose
    assert rows["patch-print-stdout"][:2] == ["flagged", "flagged"]  # assigns builtins.print
    assert rows["actlib-answer"][:2] == ["flagged", "todo"]  # actlib.derivative is the answer
    assert "uses actlib.derivative, which computes this exercise's answer" in messages["actlib-answer"][0]
    assert "(the check alone: pass" in messages["actlib-answer"][0]  # right, but not the student's work
    assert "assigns actlib.check, an attribute of an imported module" in messages["patch-check"][0]
    assert "(the check alone: todo" in messages["patch-check"][0]
    for cheat in ("actlib-import-as", "actlib-star-import", "actlib-in-time-magic"):
        assert rows[cheat][:2] == ["flagged", "todo"], (cheat, messages[cheat])
        assert "(the check alone: pass" in messages[cheat][0]  # right, and actlib's own function
    assert "cell 1, line 1: uses actlib.sigmoid" in messages["actlib-import-as"][0]
    assert "cell 1, line 1: imports everything from actlib (from actlib import *)" in messages["actlib-star-import"][0]
    assert "cell 1, line 2: uses actlib.derivative" in messages["actlib-in-time-magic"][0]
    assert rows["shell-command"][:2] == ["flagged", "flagged"]  # a right answer, beside code the scan cannot read
    assert all("runs the shell command !echo hello" in m and "(the check alone: pass" in m
               for m in messages["shell-command"])
    assert rows["print-by-hand"][:2] == ["todo", "todo"]
    assert rows["edit-check-cell"][:2] == ["todo", "todo"]
    assert rows["delete-check-cell"][:2] == ["todo", "todo"]
    assert rows["redefine-after-check"][:2] == ["wrong", "wrong"]  # judged as it stood at its check
    assert rows["exit-early-fake-outputs"][:2] == ["not run", "not run"]
    assert rows["huge-output"][:2] == ["todo", "todo"]  # one 10 MB message: dropped unread, the rest graded
    assert "endless-output/zoo.ipynb: the notebook printed more than 2 MB" in out
    assert rows["endless-output"][:2] == ["not run", "not run"]
    assert rows["forge-observation"][:2] == ["flagged", "flagged"]  # imports actlib.exercises._observe
    assert rows["patch-registry"][:2] == ["flagged", "flagged"]
    assert rows["patch-registry-forged"][:2] == ["flagged", "flagged"]  # inspect.getmodule, ._REGISTRY
    assert "cell 2, line 2: uses inspect.getmodule" in messages["patch-registry-forged"][0]
    assert "(the check alone: pass" in messages["patch-registry-forged"][0]  # the forged record passes
    assert rows["book-line-in-answer"][:2] == ["flagged", "wrong"]
    assert "cell 1, line 3: uses actlib.derivative" in messages["book-line-in-answer"][0]
    assert "(the check alone: pass" in messages["book-line-in-answer"][0]
    for cheat, what in (("runpy-txt", "cell 2, line 2: uses runpy.run_path, which runs or imports a file as Python"),
                        ("loader-noext", "cell 2, line 2: uses importlib.machinery.SourceFileLoader"),
                        ("pickle", "cell 2, line 2: uses pickle.load, which loads data that can run code")):
        assert rows[cheat][:2] == ["flagged", "flagged"], (cheat, messages[cheat])
        assert what in messages[cheat][0], messages[cheat]
        assert "(the check alone: pass" in messages[cheat][0]  # the forgery in the file works


def test_the_scan_reads_the_files_the_kernel_starts_with(tmp_path):
    """Review 11, finding 3: run as the grader's own user (``--user ''``), the kernel rewrote its
    submission's ``helper.py`` before the scan read it, and its flag was lost. The scan now reads
    the scratch copy before the kernel starts."""
    from actlib.course import grade, plan
    from actlib.course.sandbox import Limits
    from tests.test_course_grade import _two_exercise_book

    folder = tmp_path / "subs" / "rewrite"
    folder.mkdir(parents=True)
    helper = folder / "helper.py"
    helper.write_text("import actlib.exercises\nflag_me = 1\n")
    cell = f"import helper\nopen({str(helper)!r}, 'w').write('x = 1\\n')"
    nbformat.write(_standard(WRONG, cell), str(folder / "zoo.ipynb"))
    book_dir = _two_exercise_book(tmp_path / "book")
    limits = Limits(wall_seconds=120, user=None)  # (--user '': the kernel runs as the grader's own user)
    result = grade.grade_notebook(folder / "zoo.ipynb", plan.book_answers(book_dir), limits,
                                  root=tmp_path / "subs", book_dir=book_dir)
    assert helper.read_text() == "x = 1\n"  # the kernel did rewrite it, as the grader's user
    assert list(result.status.values()) == ["flagged", "flagged"], result.detail
    assert all("helper.py, line 1: imports actlib.exercises" in d for d in result.detail.values())



def test_files_in_the_submission_cannot_replace_the_kernels_own_modules(tmp_path):
    """Review 18, finding 2: the kernel was started with `python -m ipykernel_launcher` in the
    submission's folder, so an ipykernel_launcher.py (or a zmq.py, a traitlets.py) handed in there
    ran in its place. The kernel now starts without that folder in front of Python's path."""
    from actlib.course import grade, plan
    from actlib.course.sandbox import Limits
    from tests.test_course_grade import _two_exercise_book

    folder = tmp_path / "subs" / "launcher"
    folder.mkdir(parents=True)
    (folder / "actlib").mkdir()  # (review 20: before an editable install's finder, were the folder first)
    (folder / "actlib" / "__init__.py").write_text("raise SystemExit(0)\n")
    for module in ("ipykernel_launcher", "traitlets", "zmq"):
        (folder / f"{module}.py").write_text("print('Correct (zoo-softplus-derivative)')\nraise SystemExit(0)\n")
    # (review 28: IPython imports storemagic at start, and the folder was on the path by then; one
    # that hangs there kept the kernel from starting)
    (folder / "storemagic.py").write_text("import time\ntime.sleep(3600)\n")
    nbformat.write(_standard(WRONG, ""), str(folder / "zoo.ipynb"))
    book_dir = _two_exercise_book(tmp_path / "book")
    result = grade.grade_notebook(folder / "zoo.ipynb", plan.book_answers(book_dir), Limits(wall_seconds=120),
                                  root=tmp_path / "subs", book_dir=book_dir)
    assert "not run" not in result.status.values(), result.detail  # the kernel started as installed
    assert all("the check alone: wrong" in d for d in result.detail.values()), result.detail  # it ran, and judged
    assert all("ipykernel_launcher.py" in d for d in result.detail.values()), result.detail  # and it is flagged

if __name__ == "__main__":  # python tests/test_grade_cheats.py GRADER [options]: GRADER a module name or a .py file
    import importlib
    import importlib.util
    import tempfile

    if sys.argv[1].endswith(".py"):
        spec = importlib.util.spec_from_file_location("other_grader", sys.argv[1])
        other = importlib.util.module_from_spec(spec)
        sys.modules["other_grader"] = other
        spec.loader.exec_module(other)
    else:
        other = importlib.import_module(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        write_submissions(Path(tmp))
        other.main([tmp, *sys.argv[2:]])
