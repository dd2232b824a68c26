"""The grader's trusted source scan (actlib.course.scan, issue 26 item 2): what it flags, with
the cell and line, and that the book's own chapters and their student edition raise no flag."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from actlib.course import notebooks as nbs
from actlib.course import scan
from actlib.course.student import student_notebook

ROOT = scan.Path(__file__).resolve().parents[1]
SETUP = "import actlib\nimport numpy as np"


def _flags(*sources, giveaways=None):
    cells = [new_code_cell(SETUP)] + [new_code_cell(s) if isinstance(s, str) else s for s in sources]
    return scan.scan(new_notebook(cells=cells), giveaways)


@pytest.mark.parametrize("source, what", [
    ("actlib.check = print", "assigns actlib.check, an attribute of an imported module"),
    ("np.isclose = lambda *a, **k: True", "assigns numpy.isclose"),
    ("del np.allclose", "deletes numpy.allclose"),
    ("import builtins\nbuiltins.print = len", "assigns builtins.print"),
    ("setattr(np, 'mean', len)", "calls setattr() on the imported module numpy"),
    ("import sys\nsys.modules['actlib'] = None", "assigns an entry of sys.modules"),
    ("from actlib.exercises import _observe", "imports actlib.exercises._observe, the grader's internals"),
    ("import actlib.course.grade", "imports actlib.course.grade, the grader's internals"),
    ("x = actlib.exercises", "reaches into actlib.exercises, the grader's internals"),
    ("import sys\nf = sys._getframe(1)", "uses sys._getframe, which walks frames"),
    ("import inspect\ng = inspect.currentframe().f_back", "reads .f_back"),
    ("import gc\nobjs = gc.get_objects()", "uses gc.get_objects"),
    ("d = actlib.check.__globals__", "reads .__globals__"),
    ("exec('x = 1')", "calls exec(), which runs code built at run time"),
    ("y = eval('1 + 1')", "calls eval()"),
    ("m = __import__('actlib.' + 'exercises')", "calls __import__() with a computed module name"),
    ("import importlib\nm = importlib.import_module(name)", "calls importlib.import_module() with a computed"),
    ("f = getattr(actlib, 'exer' + 'cises')", "calls getattr() with a computed attribute name"),
])
def test_each_kind_of_cheat_is_flagged_with_its_cell_and_line(source, what):
    flags = _flags("a = 1", source)
    assert any(what in f.what for f in flags), flags
    flag = next(f for f in flags if what in f.what)
    assert flag.cell == 2 and flag.label is None
    assert flag.line == len(source.splitlines())  # the cheat's line: the cell's last


def test_a_flag_names_its_cell_and_line():
    (flag,) = _flags("a = 1", "b = 2\n\nactlib.check = print")
    assert (flag.cell, flag.line) == (2, 3)
    assert str(flag) == "cell 2, line 3: assigns actlib.check, an attribute of an imported module"


@pytest.mark.parametrize("source", [
    "x = np.mean([1, 2])\nobj = type('O', (), {})()\nobj.value = 3",  # an attribute of one's own object
    "%time y = np.ones(3)",  # an IPython magic
    "import inspect\nprint(inspect.signature(np.mean))",
    "z = getattr(actlib, 'sigmoid')",  # a constant name
    "fig = {}\nfig['a'] = 1",
    "model = dict(a=1)\nmodel.update(b=2)",
])
def test_ordinary_code_is_not_flagged(source):
    assert _flags(source) == []


def _copy(cell):
    twin = new_code_cell(cell.source, metadata=dict(cell.metadata))
    return twin


def test_a_giveaway_is_flagged_anywhere_in_the_students_code():
    """Review 8 of the instructors' pages, finding 1: getattr with the name as a string, a comment
    that looks like the check, a deleted or a second self-check cell all hid a give-away."""
    giveaways = {"zoo-softplus-derivative": ("actlib.derivative", "actlib.sigmoid")}
    exercise = new_markdown_cell("```{exercise} Differentiate softplus\n:label: zoo-softplus-derivative\n```")
    check = new_code_cell('actlib.check("zoo-softplus-derivative", softplus_derivative)',
                          metadata={"tags": ["self-check"]})
    for answer in ('softplus_derivative = lambda x: actlib.derivative("softplus", x)',
                   "from actlib import sigmoid as s\nsoftplus_derivative = s",
                   "import actlib as a\n\ndef softplus_derivative(x):\n    return a.sigmoid(x)",
                   'd = getattr(actlib, "derivative")\nsoftplus_derivative = lambda x: d("softplus", x)'):
        for cells in ([exercise, answer, check], [exercise, answer], [check, exercise, answer],
                      [exercise, answer + '\n# check("zoo-softplus-derivative")', check, _copy(check)]):
            flags = _flags("x = 1", *cells, giveaways=giveaways)
            assert [f.label for f in flags] == ["zoo-softplus-derivative"], (answer, flags)
            assert "computes this exercise's answer" in flags[0].what
    # bound to another name in an earlier cell (review 7 of the instructors' page, finding 2)
    flags = _flags("_d = actlib.derivative", exercise, "softplus_derivative = lambda x: _d('softplus', x)",
                   check, giveaways=giveaways)
    assert [(f.cell, f.label) for f in flags] == [(1, "zoo-softplus-derivative")]
    honest = "def softplus_derivative(x):\n    return 1 / (1 + np.exp(-x))"
    assert _flags("x = 1", exercise, honest, check, giveaways=giveaways) == []


@pytest.mark.parametrize("source, what", [
    ('import sys\nsys.modules["actlib.exercises._observe"].emit = print', "uses sys.modules"),
    ('import importlib\nm = importlib.import_module("actlib.exercises._observe")', "names the grader's internals"),
    ("x = " + " + ".join(["1"] * 2000), "cannot be read by the scan"),
])
def test_more_ways_in_are_flagged_and_none_crashes_the_scan(source, what):
    """Review 8 of the instructors' pages, findings 2 and 3."""
    assert any(what in f.what for f in _flags(source)), _flags(source)


def test_the_python_files_beside_a_notebook_are_read_too(tmp_path):
    """Review 7 of the instructors' page, finding 2: a helpers.py that replaced the observation."""
    (tmp_path / "helpers.py").write_text("import actlib.exercises._observe as o\n\no.emit = print\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ok.py").write_text("import numpy as np\n\ndef f(x):\n    return np.exp(x)\n")
    (tmp_path / "broken.py").write_bytes(b"\xff\xfe not text")
    (tmp_path / "answers.py").write_text("import actlib\n\nanswer = actlib.derivative\n")
    (tmp_path / "hidden.pyc").write_bytes(b"\x00")
    (tmp_path / "endless.py").symlink_to("/dev/zero")
    flags = scan.scan_files(tmp_path, {"zoo-softplus-derivative": ("actlib.derivative",)})
    assert {(f.file, f.line) for f in flags} >= {("helpers.py", 1), ("helpers.py", 3), ("broken.py", 1),
                                                 ("hidden.pyc", 1), ("endless.py", 1)}
    assert [(f.file, f.label) for f in flags if f.label] == [("answers.py", "zoo-softplus-derivative")]
    assert not [f for f in flags if f.file == "sub/ok.py"]
    patched = next(f for f in flags if f.line == 3 and f.file == "helpers.py")
    assert str(patched).startswith("helpers.py, line 3: assigns")


def test_the_books_own_code_is_trusted_but_its_imports_count():
    trusted = frozenset({"import actlib.exercises.zoo as z", "print(z.__name__)"})
    cells = [new_code_cell(SETUP), new_code_cell("import actlib.exercises.zoo as z"),
             new_code_cell("z.CHECKS = []")]
    flags = scan.scan(new_notebook(cells=cells), trusted=trusted)
    assert flags and all(f.cell == 2 for f in flags), flags  # the import (the book's line) is not flagged
    assert "assigns actlib.exercises.zoo.CHECKS, an attribute of an imported module" in [f.what for f in flags]


@pytest.mark.parametrize("path", nbs.chapter_notebooks(ROOT / "chapters"), ids=lambda p: p.stem)
def test_the_books_chapters_and_their_student_edition_raise_no_flag(path):
    trusted, giveaways = scan.book_sources(ROOT / "chapters", path.stem), scan.registered_giveaways()
    book = nbs.read(path)
    assert scan.scan(book, giveaways, trusted) == []
    assert scan.scan(student_notebook(book), giveaways, trusted) == []


def test_every_giveaway_names_an_actlib_function():
    import importlib

    for label, names in scan.registered_giveaways().items():
        for name in names:
            module, _, attr = name.rpartition(".")
            assert hasattr(importlib.import_module(module), attr), f"{label}: {name} does not exist"


# --- hidden probes (issue 26 item 3) ---------------------------------------------------------------

def test_an_answer_hard_coded_to_the_self_checks_inputs_fails_the_hidden_probes():
    import numpy as np

    import actlib
    from actlib.exercises import _observe, verdict

    shown = np.array([-30.0, -5.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 5.0, 30.0])  # the self-check's inputs
    table = dict(zip(shown.tolist(), actlib.sigmoid(shown).tolist(), strict=True))

    def looked_up(x):
        return np.array([table.get(v, 0.5) for v in np.asarray(x).tolist()])

    label = "zoo-softplus-derivative"
    assert verdict(label, looked_up).startswith("Correct")  # the notebook's self-check is fooled
    for seed in (0, 1, 2**31 - 1):
        status, message = _observe.judge(label, _observe.observe(label, looked_up, seed), seed)
        assert status == "wrong", message
        status, _ = _observe.judge(label, _observe.observe(label, actlib.sigmoid, seed), seed)
        assert status == "pass"
    # judged with another seed than it was observed with, nothing is observed: never a pass
    assert _observe.judge(label, _observe.observe(label, actlib.sigmoid, 1), 2)[0] == "error"
    assert _observe.judge(label, _observe.observe(label, actlib.sigmoid), None)[0] == "pass"


def test_hidden_inputs_are_the_fixed_ones_outside_the_grader():
    import numpy as np

    from actlib.exercises import _observe

    fixed = np.arange(3.0)
    assert _observe.hidden_inputs(fixed, lambda rng: rng.normal(size=4)) is not None
    assert np.array_equal(_observe.hidden_inputs(fixed, lambda rng: rng.normal(size=4)), fixed)
    with pytest.raises(ValueError, match="do not continue"):
        with _observe._mode(_observe._Session(replay=False, seed=3)):
            _observe.hidden_inputs(np.zeros((2, 3)), lambda rng: rng.normal(size=(2, 4)))


def test_a_module_beside_the_notebook_that_takes_actlibs_place_is_flagged(tmp_path):
    """Review 9 of the instructors' pages, finding 3: an actlib/ folder beside the notebook
    was imported in place of the grader's."""
    (tmp_path / "actlib").mkdir()
    (tmp_path / "actlib" / "__init__.py").write_text("def check(*a):\n    print('Correct')\n")
    (tmp_path / "numpy.py").write_text("x = 1\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "actlib.py").write_text("x = 1\n")  # (not on the path: not flagged)
    flags = scan.scan_files(tmp_path)
    assert {f.file for f in flags if "takes the place of the module" in f.what} == {"actlib", "numpy.py"}


def test_a_cell_that_does_not_parse_is_not_flagged():
    """Review 9, finding 4: it cannot run either, and it flagged every exercise of the notebook."""
    assert _flags("def g(:\n    pass") == []
