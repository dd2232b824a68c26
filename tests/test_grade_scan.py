"""The grader's trusted source scan (actlib.course.scan, issue 26 item 2): what it flags, with
the cell and line, and that the book's own chapters and their student edition raise no flag."""

from __future__ import annotations

from inspect import signature

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
    # (student.py may need the other chapters, for a number one chapter glues from another)
    chapters = {"chapters": ROOT / "chapters"} if "chapters" in signature(student_notebook).parameters else {}
    assert scan.scan(student_notebook(book, **chapters), giveaways, trusted) == []


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
    (tmp_path / "notes" / "actlib.py").write_text("x = 1\n")  # (on the path after os.chdir("notes"): review 11)
    (tmp_path / "data" / "json").mkdir(parents=True)  # a folder of data, no package: not flagged
    (tmp_path / "data" / "json" / "a.txt").write_text("{}")
    flags = scan.scan_files(tmp_path)
    assert {f.file for f in flags if "takes the place of the module" in f.what} == {"actlib", "numpy.py",
                                                                                     "notes/actlib.py"}


def test_a_cell_that_does_not_parse_is_not_flagged():
    """Review 9, finding 4: it cannot run either, and it flagged every exercise of the notebook."""
    assert _flags("def g(:\n    pass") == []


# --- review 10 of the instructors' pages ------------------------------------------------------------

_CHECK = 'actlib.check("zoo-softplus-derivative", softplus_derivative)'
_ZOO = {"zoo-softplus-derivative": ("actlib.derivative", "actlib.sigmoid")}


@pytest.mark.parametrize("answer, line", [
    ("from actlib import sigmoid as softplus_derivative", 1),  # the declared name, bound by the import
    ("import numpy\nfrom actlib import derivative", 2),
    ("from actlib import *\nsoftplus_derivative = sigmoid", 1),  # a star import brings every give-away in
    ("from actlib import (relu,\n    sigmoid as s)", 1),
])
def test_a_giveaway_imported_from_actlib_is_flagged_at_the_import(answer, line):
    """Finding 1: ``from actlib import sigmoid as softplus_derivative`` and ``from actlib import *``
    bound the give-away without a flag; the name was then used only in the book's (trusted) check."""
    cells = [new_code_cell(SETUP), new_code_cell(answer), new_code_cell(_CHECK, metadata={"tags": ["self-check"]})]
    flags = scan.scan(new_notebook(cells=cells), _ZOO, trusted=frozenset({SETUP, _CHECK}))
    assert [(f.cell, f.line, f.label) for f in flags] == [(1, line, "zoo-softplus-derivative")], flags
    assert "computes this exercise's answer" in flags[0].what
    if "*" in answer:
        assert "from actlib import *" in flags[0].what and "actlib.sigmoid" in flags[0].what


def test_an_import_that_brings_no_giveaway_in_is_not_flagged(tmp_path):
    for answer in ("from actlib import relu as r", "from numpy import *", "from actlib.plotting import *"):
        assert _flags(answer, giveaways=_ZOO) == [], answer
    (tmp_path / "helpers.py").write_text("from actlib import sigmoid as s\n")
    (flag,) = scan.scan_files(tmp_path, _ZOO)
    assert (flag.file, flag.line, flag.label) == ("helpers.py", 1, "zoo-softplus-derivative")


@pytest.mark.parametrize("source, line, what", [
    ("%%time\nsoftplus_derivative = lambda x: actlib.derivative('softplus', x)", 2, "uses actlib.derivative"),
    ("%time softplus_derivative = actlib.sigmoid", 1, "uses actlib.sigmoid"),
    ("time softplus_derivative = actlib.sigmoid", 1, "uses actlib.sigmoid"),  # IPython's automagic
    ("%timeit -n 3 -r 2 actlib.derivative('softplus', 0.0)", 1, "uses actlib.derivative"),
    ("%%timeit -n1 f = actlib.sigmoid\nf(0.0)", 1, "uses actlib.sigmoid"),  # the setup line
    ("%%capture out\nsoftplus_derivative = actlib.sigmoid", 2, "uses actlib.sigmoid"),
    ("%prun -s cumulative softplus_derivative = actlib.sigmoid", 1, "uses actlib.sigmoid"),
    ("%debug softplus_derivative = actlib.sigmoid", 1, "uses actlib.sigmoid"),
    ("%%time\nimport sys\nf = sys._getframe().f_back", 3, "uses sys._getframe"),
    ("%%time\nx = 1\nnp.isclose = None", 3, "assigns numpy.isclose"),
    ("%%capture\n%%time\nexec('x = 1')", 3, "calls exec()"),  # a magic inside a magic
    ("\n\n%%time\nexec('x = 1')", 4, "calls exec()"),  # (the blank lines IPython drops still count)
    ("%config InlineBackend.figure_format = eval('1')", 1, "calls eval()"),
    ("%matplotlib {exec('x = 1')}", 1, "calls exec()"),  # IPython evaluates {...} in a magic's line
    ("%%writefile helpers.py\nimport actlib.exercises._observe as o", 2, "imports actlib.exercises._observe"),
])
def test_code_in_a_magic_is_read_as_code(source, line, what):
    """Finding 2: the scan saw a magic's code as one string, so ``%%time`` hid any cheat."""
    flags = _flags("a = 1", source, giveaways=_ZOO)
    hits = [f for f in flags if what in f.what]
    assert [(f.cell, f.line) for f in hits] == [(2, line)], flags
    assert {(f.cell, f.line) for f in flags} == {(2, line)}, flags  # nothing else, nowhere else


@pytest.mark.parametrize("source, what", [
    ("!pip list", "runs the shell command !pip list, which the scan cannot read"),
    ("files = !ls", "runs the shell command !ls"),
    ("%%bash\necho hi", "uses %%bash, which runs code the scan cannot read"),
    ("%%script python\nprint(1)", "uses %%script"),
    ("%run helpers.py", "uses %run"),
    ("%load helpers.py", "uses %load"),
    ("%pip install requests", "uses %pip"),
    ("%code_wrap", "uses %code_wrap"),
    ("%config InteractiveShell.autocall = 2", "sets InteractiveShell.autocall, which changes how later cells run"),
    ("%made_up_magic x", "uses %made_up_magic"),
    ("ls", "uses %ls"),  # automagic: a shell alias
    ("%timeit -Z 1", "uses %timeit with a line the scan cannot read"),
    ("get_ipython().run_cell('x = 1')", "uses get_ipython().run_cell, which runs code the scan cannot read"),
    ("ip = get_ipython()\nip.ex('x = 1')", "uses get_ipython().ex"),
    ("get_ipython().run_line_magic('time', code)", "uses get_ipython().run_line_magic"),
    ("get_ipython().input_transformers_post.append(str)", "uses get_ipython().input_transformers_post"),
    ("from IPython.core.magic import register_cell_magic", "changes how IPython reads or runs later cells"),
])
def test_a_magic_or_shell_command_the_scan_cannot_read_is_flagged(source, what):
    """Finding 2: what IPython runs as a shell command, a file or a magic the scan does not know
    is flagged as code it cannot read, as a compiled file is."""
    flags = _flags(source)
    assert any(what in f.what and f.label is None for f in flags), flags


@pytest.mark.parametrize("source", [
    "%matplotlib inline",
    "%config InlineBackend.figure_format = 'svg'",
    "%%time\ny = np.ones(3)",
    "%timeit np.ones(3)",
    "%%timeit\nd = {1: 2}",
    "%%html\n<b>bold</b>",
    "np?",
    "%%writefile notes.txt\nnot python: actlib.derivative",
])
def test_ordinary_magics_are_not_flagged(source):
    assert _flags(source, giveaways=_ZOO) == []


def test_automagic_stays_python_for_a_name_the_notebook_binds():
    assert _flags("history = {'loss': [1.0]}", "history") == []  # a variable, not %history
    assert _flags("run = 3", "run") == []
    # after a star import, `load(...)` may be numpy.load or %load: IPython decides when the cell
    # runs, so the scan reads both and flags the magic (review 14 of the instructors' pages)
    assert [f.what for f in _flags("from numpy import *", "load('x.npy')")] == [
        "uses %load, which runs code the scan cannot read (a shell command, another program, a file, or a magic "
        "it does not know)"]
    assert [f.what for f in _flags("load('x.npy')")] == [
        "uses %load, which runs code the scan cannot read (a shell command, another program, a file, or a magic "
        "it does not know)"]


# --- review 11 of the instructors' pages ------------------------------------------------------------

_REGPATCH2 = """import inspect, dataclasses
reg = inspect.getmodule(actlib.check)._REGISTRY
ex = reg["zoo-softplus-derivative"]
ref = inspect.getmodule(ex.checker).derivative
def forged(answer, orig=ex.checker):
    return orig(type(answer)(lambda x: ref("softplus", x)))
reg["zoo-softplus-derivative"] = dataclasses.replace(ex, checker=forged)"""


@pytest.mark.parametrize("source, line, what", [
    # finding 1: the kernel's copy of a check, reached through its module or the registry
    (_REGPATCH2, 2, "uses inspect.getmodule, which reaches another function's module"),
    (_REGPATCH2, 2, "reads ._REGISTRY, the self-checks' registry"),
    ("import inspect\nm = dict(inspect.getmembers(actlib.check))", 2, "uses inspect.getmembers"),
    ("name = actlib.check.__module__", 1, "reads actlib.check.__module__, a private part of actlib"),
    ("t = actlib.activations._table", 1, "reads actlib.activations._table, a private part of actlib"),
    ("from actlib.activations import _table", 1, "imports actlib.activations._table, a private part of actlib"),
    ("import actlib._private", 1, "imports actlib._private, a private part of actlib"),
    ("r = _REGISTRY", 1, "uses _REGISTRY, a private part of actlib"),
    ("m = getattr(actlib.check, '__module__')", 1, "reads actlib.check.__module__"),
    # finding 5: one-step spellings
    ("from numpy import random\nrandom.default_rng = None", 2, "assigns numpy.random.default_rng, an attribute"),
    ("m = np\nm.isclose = None", 2, "assigns numpy.isclose, an attribute of an imported module"),
    ("run = exec\nrun('x = 1')", 1, "refers to exec without calling it"),
    ("f = eval\nf('1')", 1, "refers to eval without calling it"),
    ("c = compile", 1, "refers to compile without calling it"),
    ("i = __import__", 1, "refers to __import__ without calling it"),
    ("import builtins\nbuiltins.exec('x = 1')", 2, "calls builtins.exec(), which runs code built at run time"),
    ("import builtins\nrun = builtins.exec", 2, "refers to builtins.exec without calling it"),
    ("from builtins import exec as e\ne('x = 1')", 1, "imports builtins.exec, which runs code built at run time"),
    ("from builtins import exec as e\ne('x = 1')", 2, "calls builtins.exec()"),
    ("import importlib\nm = 'numpy'\nimportlib.__import__(m)", 3, "calls importlib.__import__() with a computed"),
    ("g = getattr(print, '__globals__')", 1, "reads .__globals__, the internals of a function"),
    ("import sys\nf = getattr(sys, '_getframe')", 2, "uses sys._getframe, which walks frames"),
    ("import sys\nsys.settrace(print)", 2, "uses sys.settrace"),
    ("get_ipython().events.register('post_run_cell', print)", 1, "uses get_ipython().events"),
])
def test_reaching_a_check_and_one_step_spellings_are_flagged(source, line, what):
    """Review 11, findings 1 and 5: each of these went unflagged."""
    flags = _flags("a = 1", source)
    assert [(f.cell, f.line) for f in flags if what in f.what] == [(2, line)], flags


@pytest.mark.parametrize("source", [
    "import inspect\nsig = inspect.signature(actlib.check)",
    "v = actlib.__version__\nn = actlib.sigmoid.__name__\nd = actlib.sigmoid.__doc__",
    "from numpy import random\nrng = random.default_rng(0)",
    "x = np\ny = x.mean([1, 2])",
    "e = np.exp(1.0)\nexecuted = 3\nresult = eval_model = 2",  # names that only begin like exec or eval
    "from actlib import sigmoid as s\ny = s(np.zeros(3))",
    "z = getattr(np, 'pi')",
])
def test_ordinary_code_near_those_spellings_is_not_flagged(source):
    assert _flags("a = 1", source) == []


def test_a_line_of_the_chapter_inside_an_answer_is_the_students():
    """Review 11, finding 2: the reviewer's ``bookline`` submission (a zoo line calling the give-away,
    inside ``softplus_derivative``) passed unflagged; the same line outside an answer cell is still
    the book's, and the student edition's stub keeps its own lines trusted."""
    zoo, giveaways = scan.book_sources(ROOT / "chapters", "zoo"), scan.registered_giveaways()
    line = "f, d = actlib.get(name)(x), actlib.derivative(name, x)"
    assert line in zoo and line not in zoo.answer_lines
    assert {"softplus_derivative", "bounded_below"} <= zoo.answer_names
    bookline = (f"def softplus_derivative(x):\n    name = \"softplus\"\n    {line}\n    return d\n"
                "bounded_below = {'relu'}")
    check = new_code_cell(_CHECK, metadata={"tags": ["self-check"]})
    flags = scan.scan(new_notebook(cells=[new_code_cell(SETUP), new_code_cell(bookline), check]), giveaways, zoo)
    hits = {(f.cell, f.line, f.label) for f in flags}
    assert (1, 3, "zoo-softplus-derivative") in hits, flags
    assert "uses actlib.derivative, which computes this exercise's answer" in [f.what for f in flags]
    # the same line in a cell that binds no answer (a changed copy of the book's own code): the book's
    elsewhere = f"x = np.linspace(-4, 4, 9)\nname = \"tanh\"\n{line}"
    assert scan.scan(new_notebook(cells=[new_code_cell(SETUP), new_code_cell(elsewhere)]), giveaways, zoo) == []
    # an answer cell with a solution tag, even if it binds no answer name
    tagged = new_code_cell(f"name = 'softplus'\nx = np.zeros(3)\n{line}", metadata={"tags": ["solution"]})
    assert scan.scan(new_notebook(cells=[new_code_cell(SETUP), tagged]), giveaways, zoo)
    # a plain frozenset of trusted code (no answer names) keeps the old meaning
    assert scan.scan(new_notebook(cells=[new_code_cell(SETUP), new_code_cell(bookline)]), giveaways,
                     frozenset(zoo)) == []


# --- review 12 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("source, line, what", [
    # a file of the folder run as Python under any name (the reviewer's runpy-txt and loader-noext)
    ('import runpy\nrunpy.run_path("helper.txt")', 2, "uses runpy.run_path, which runs or imports a file as Python"),
    ('from runpy import run_module as r\nr("helper")', 2, "uses runpy.run_module, which runs or imports a file"),
    ('from importlib.machinery import SourceFileLoader\nSourceFileLoader("helper", "helper").load_module()', 2,
     "uses importlib.machinery.SourceFileLoader, which runs or imports a file"),
    ('import importlib.util\ns = importlib.util.spec_from_file_location("h", "h.txt")', 2,
     "uses importlib.util.spec_from_file_location"),
    ('import importlib.util\nm = importlib.util.module_from_spec(s)', 2, "uses importlib.util.module_from_spec"),
    ("s.loader.exec_module(m)", 1, "uses .exec_module, which runs or imports a file as Python"),
    ('loader.load_module("h")', 1, "uses .load_module, which runs or imports a file as Python"),
    # data that runs code when loaded (the reviewer's pickle)
    ('import pickle\nw = pickle.load(open("weights.pkl", "rb"))', 2, "uses pickle.load, which loads data that can run"),
    ("import pickle\nw = pickle.loads(b'')", 2, "uses pickle.loads, which loads data that can run code"),
    ("from pickle import Unpickler\nw = Unpickler(f).load()", 2, "uses pickle.Unpickler, which loads data"),
    ("import dill\nw = dill.loads(b'')", 2, "uses dill.loads, which loads data"),
    ("import joblib\nw = joblib.load('w.joblib')", 2, "uses joblib.load, which loads data"),
    ("import marshal\nc = marshal.loads(b'')", 2, "uses marshal.loads, which loads data"),
    ("import shelve\nd = shelve.open('db')", 2, "uses shelve.open, which loads data"),
    ("import torch\nw = torch.load('w.pt')", 2, "calls torch.load() without weights_only=True, which loads data"),
    ("import torch\nw = torch.load('w.pt', weights_only=False)", 2, "calls torch.load() without weights_only=True"),
    ("import torch\nload = torch.load", 2, "refers to torch.load without calling it"),
    ("w = np.load('w.npy', allow_pickle=True)", 1, "calls numpy.load() with allow_pickle other than False"),
    ("w = np.load('w.npy', None, True)", 1, "calls numpy.load() with its safety switch passed by position"),
    ("import keras\nm = keras.models.load_model('m.keras', safe_mode=False)", 2,
     "calls keras.models.load_model() with safe_mode other than True"),
    # another program or a shell, started from Python
    ('import os\nos.system("pip list")', 2, "uses os.system, which starts another program or a shell"),
    ('import os\nout = os.popen("ls").read()', 2, "uses os.popen, which starts another program"),
    ('import os\nos.execv("/bin/sh", ["sh"])', 2, "uses os.execv, which starts another program"),
    ('import os\nos.spawnlp(os.P_WAIT, "ls", "ls")', 2, "uses os.spawnlp, which starts another program"),
    ('import subprocess\nsubprocess.run(["python", "helper.txt"])', 2, "uses subprocess.run, which starts another"),
    ('from subprocess import Popen as P\np = P(["ls"])', 2, "uses subprocess.Popen, which starts another program"),
    ('import pty\npty.spawn("sh")', 2, "uses pty.spawn, which starts another program"),
    ('__import__("os").system("ls")', 1, "uses os.system, which starts another program"),
    ('sp = __import__("subprocess")\nsp.run(["ls"])', 2, "uses subprocess.run, which starts another program"),
    ('from os import *\nsystem("ls")', 1, "imports everything from os, which holds functions that run code"),
])
def test_code_run_from_a_file_a_pickle_or_another_program_is_flagged(source, line, what):
    """Review 12, finding 1: a file handed in under another name and run with runpy or a loader,
    a pickle whose loading runs code, and a program started from Python went unflagged."""
    flags = _flags("a = 1", source)
    assert [(f.cell, f.line, f.label) for f in flags if what in f.what] == [(2, line, None)], flags


@pytest.mark.parametrize("source", [
    "w = np.load('w.npy')",  # allow_pickle=False, NumPy's default
    "w = np.load('w.npy', allow_pickle=False)",
    "import torch\nw = torch.load('w.pt', weights_only=True)",
    "import keras\nm = keras.models.load_model('m.keras')",  # safe mode, Keras's default
    "import keras\nm = keras.saving.load_model('m.keras', safe_mode=True)",
    "import importlib.util\nhave = importlib.util.find_spec('torch') is not None",
    "import os\np = os.path.join('a', 'b')\nnames = os.listdir('.')",
    "import timeit\nt = timeit.repeat(lambda: np.ones(3), number=5, repeat=5)",
    "import json\nd = json.loads('{}')",
])
def test_safe_loading_is_not_flagged(source):
    assert _flags("a = 1", source) == []


def test_a_helper_file_that_runs_another_program_is_flagged(tmp_path):
    (tmp_path / "helpers.py").write_text("import subprocess\n\nsubprocess.run(['python', 'helper.txt'])\n")
    (tmp_path / "loader.py").write_text("from runpy import run_path\n")
    flags = {(f.file, f.line) for f in scan.scan_files(tmp_path)}
    assert flags == {("helpers.py", 3), ("loader.py", 1)}


# --- review 13 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("binding", ["time = 1\ndel time", "def f():\n    time = 1\n    return time"])
def test_a_one_line_magic_that_is_not_python_is_read_whatever_the_names(binding):
    """Review 13, finding 1: `time exec(forgery)` after a cell that binds `time` (then deletes it,
    or binds it inside a function) is not Python, so the scan skipped it, while IPython ran it as
    %time exec(forgery). A one-line cell that does not parse is read as the magic it names."""
    flags = _flags(binding, "forgery = 'x = 1'", "time exec(forgery)")
    assert any("exec" in f.what for f in flags), flags


@pytest.mark.parametrize("binding", ["who = 1\ndel who", "def f():\n    who = 1\n    return who",
                                     "from math import *"])
def test_a_python_line_that_automagic_may_run_is_read_both_ways(binding):
    """Review 14, finding 1: `who  # {exec(forgery)}` is Python (a name and a comment), but IPython
    runs it as %who, evaluating the {...}, when no name `who` exists at that moment."""
    flags = _flags(binding, "forgery = 'x = 1'", "who  # {exec(forgery)}")
    assert any("exec" in f.what for f in flags), flags


# --- review 15 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("magic", ["autocall", "rehashx"])
def test_a_bare_magic_that_changes_the_kernel_is_flagged_even_after_its_name_was_bound(magic):
    """Review 15: `autocall` alone, after `autocall = 0; del autocall`, ran as %autocall (which makes
    IPython rewrite `exec "..."` as `exec("...")`), and the scan read it as a name."""
    flags = _flags(f"{magic} = 0\ndel {magic}", magic)
    assert any(f"%{magic}" in f.what for f in flags), flags


# --- review 18 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("line", [
    'exit exec("x = 41 + 1") or 1',
    'quit __import__("os").system("true") or 1',
    'print exec("x = 1")',
    'actlib.check exec("x = 1")',
])
def test_a_line_ipython_may_autocall_is_read_as_the_call(line):
    """Review 18, finding 1: IPython runs `exit <expr>` as `exit(<expr>)` whatever its autocall
    setting (and `f x` as `f(x)` when autocall is on); the scan read such a line as not Python."""
    flags = _flags(line)
    assert any("exec" in f.what or "os.system" in f.what for f in flags), flags


def test_a_line_that_is_no_call_either_is_not_flagged():
    assert _flags("this is not python at all") == []


@pytest.mark.parametrize("source, what", [
    ("r = np.random\nr.default_rng = None", "assigns r.default_rng"),
    ("f = actlib.check\nf.__wrapped__ = None", "assigns f.__wrapped__"),
])
def test_patching_an_attribute_taken_from_a_module_is_flagged(source, what):
    """Review 18, finding 6: `r = np.random` then `r.default_rng = None` went unflagged."""
    flags = _flags("import numpy as np\nimport actlib", source)
    assert any(what in f.what for f in flags), flags


# --- review 19 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("cells", [
    ('exit exec("x = 41 + 1") or 1;',),
    ('globals()["a*b"] = exit', 'a*b exec("x = 1") or 1'),
    ("who = exit", 'who exec("x = 41 + 1") or 1'),
    ("matplotlib = quit", 'matplotlib exec("x = 1") or 1'),
])
def test_autocalled_lines_with_a_semicolon_a_starred_name_or_a_magics_name_are_read_as_the_call(cells):
    """Review 19, findings 1 and 2: IPython calls `f x;` as `f(x);`, looks up a name with `*` as it
    is, and checks for `exit`/`quit` objects before magics; the scan read none of these."""
    flags = _flags(*cells)
    assert any("exec" in f.what for f in flags), flags


# --- review 20 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("line, what", [
    ("run -i helper.txt", "%run"),
    ("pip install requests", "%pip"),
    ("system echo hi", "%system"),
])
def test_a_magic_whose_line_is_no_call_is_still_read_as_the_magic(line, what):
    """Review 20, finding 1: joining the magic's reading with a call reading that does not parse
    made the whole cell unreadable, and unflagged."""
    flags = _flags(line)
    assert any(what in f.what for f in flags), flags


@pytest.mark.parametrize("cells", [
    ('globals()["True"] = exit', 'True exec("x = 1") or 1'),
    ('globals()[""] = exit', '(1) for y in [exec("x = 1")]'),
    ('globals()["not"] = exit', 'not y for y in [exec("x = 1")]'),
])
def test_a_keyword_or_an_empty_name_autocalled_is_read_as_the_call(cells):
    """Review 20, finding 2: IPython looks up the line's first word with no check on the name."""
    flags = _flags(*cells)
    assert any("exec" in f.what for f in flags), flags


@pytest.mark.parametrize("magic", ["%cd sub", "%store -r m", "%bookmark b", "%unalias ls"])
def test_magics_that_read_ipythons_pickled_database_are_flagged(magic):
    """Review 20, finding 3: %cd, %store and %bookmark unpickle IPython's profile database,
    which the notebook can write."""
    assert _flags(magic), magic


# --- review 21 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("cells", [
    ("%unalias ls",),
    ("store -r m",),
    ("%reload_ext storemagic",),
    ("get_ipython().complete('', 'import nu')",),
    ("from IPython.core.interactiveshell import Macro", "m = Macro('x = 1')"),
])
def test_what_reads_ipythons_database_or_makes_a_macro_is_flagged(cells):
    """Review 21, findings 1 and 2: these read IPython's pickled profile database, or build a
    Macro (which a one-line cell `m` then runs), and went unflagged."""
    assert _flags(*cells), cells


# --- review 22 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("cells", [
    ("from IPython.extensions.storemagic import refresh_variables", "refresh_variables(get_ipython())"),
    ("from IPython.core.completerlib import get_root_modules", "get_root_modules()"),
    ("get_ipython().Completer.complete('import nu')",),
    ("exit._ip.ex('x = 1')",),
    ("from IPython.core.interactiveshell import InteractiveShell", "InteractiveShell.instance().ex('x = 1')"),
    ("get_ipython().kernel.shell.ex('x = 1')",),
    ("get_ipython().magics_manager.magics['line']['run']('-i helper.txt')",),
    ("%load_ext autoreload",),
])
def test_ipythons_internals_reached_another_way_are_flagged(cells):
    """Review 22, findings 1, 2 and 4: routes to the shell's runners and IPython's pickled
    database through other objects and modules went unflagged."""
    assert _flags(*cells), cells


# --- review 23 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("cells", [
    ("get_ipython().var_expand('{exec(s)}')",),
    ("get_ipython().user_expressions({'a': 'exec(t)'})",),
    ("c = get_ipython().compile('x = 1', 'f', 'exec')",),
    ("get_ipython().kernel.shell.db['x']",),
    ("get_ipython().parent.shell.system('true')",),
    ("from IPython.core.displayhook import builtin_mod", "builtin_mod.exec('x = 1')"),
])
def test_more_routes_to_the_shell_are_flagged(cells):
    """Review 23, findings 1-3."""
    assert _flags(*cells), cells


def test_ipythons_display_tools_stay_unflagged():
    assert _flags("from IPython.display import Markdown, display",
                  "from IPython.utils.capture import capture_output") == []


# --- review 24 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("cells", [
    ("ip = get_ipython()",),
    ("get_ipython().extension_manager.load_extension('storemagic')",),
    ("get_ipython().display_formatter",),
    ("from IPython import get_ipython",),
    ("import builtins\nshell = builtins.get_ipython()",),
    ("import builtins\nshell = getattr(builtins, 'get_ipython')()",),
    ("import IPython\nIPython.get_ipython().push({'a': 1})",),
    ("import sys\nsys.displayhook.shell.ex('x = 1')",),
    ("from ipykernel.zmqshell import ZMQInteractiveShell",),
])
def test_any_use_of_the_shell_is_flagged(cells):
    """Review 24: each method of the shell that runs a string was a new route (reviews 20-23);
    no chapter needs the shell, so the scan flags every use of get_ipython, whatever it calls."""
    assert any(w in f.what for f in _flags(*cells) for w in ("get_ipython", ".shell", "ipykernel")), _flags(*cells)


@pytest.mark.parametrize("source", ["%matplotlib inline", "%%time\ny = 1", "get_ipython().run_line_magic('who', '')",
                                    "?", "??"])
def test_the_calls_ipython_writes_for_a_magic_are_read_as_the_magic(source):
    """A magic reaches the scan as IPython writes it (get_ipython().run_line_magic(...)): the
    scan reads that call as the magic, not as a use of the shell."""
    assert _flags(source) == []


def test_a_cell_is_measured_in_bytes_as_a_file_is():
    """Review 24, finding 2: a cell of 600,000 two-byte characters (1.2 MB) was parsed."""
    big = "x = '" + "\u00e9" * 600_000 + "'"
    assert len(big) < scan.MAX_FILE_BYTES < len(big.encode())
    assert any("larger than the scan reads" in f.what for f in _flags(big)), _flags(big)


# --- review 25 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("line", ["helper.py -a", "helper.py --append", "-a helper.py", "'helper.py'"])
def test_writefile_is_read_wherever_its_options_stand(line):
    """Review 25, finding 1: the file name was taken as the line's last word."""
    for magic in ("writefile", "file"):
        flags = _flags(f"%%{magic} {line}\nimport os\nos.system('true')")
        assert any("os.system" in f.what for f in flags), (magic, line, flags)


@pytest.mark.parametrize("module", ["torch", "keras", "scipy"])
def test_a_module_bound_to_another_name_is_patched_whatever_the_grader_imported(module):
    """Review 25, finding 2: `m = torch` then `m.relu = ...` was flagged only once the grader's
    own process had imported the module."""
    import subprocess
    import sys
    code = ("from nbformat.v4 import new_code_cell, new_notebook\nfrom actlib.course import scan\n"
            f"nb = new_notebook(cells=[new_code_cell('import {module}\\nm = {module}\\nm.relu = None')])\n"
            "print(any('an attribute of an imported module' in f.what for f in scan.scan(nb, {})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "True", out.stderr[-2000:]


@pytest.mark.parametrize("cells", [
    ("import actlib.derivatives as d", "softplus_derivative = d.d_softplus"),
    ("import actlib.derivatives", "softplus_derivative = actlib.derivatives.d_softplus"),
    ("import actlib", "softplus_derivative = actlib.derivatives.d_softplus"),
])
def test_a_give_away_module_is_flagged_however_it_is_reached(cells):
    """Review 25, finding 3: `actlib.derivatives` is declared a give-away of three exercises, but
    `import ... as` and its members went unflagged."""
    giveaways = {"zoo-softplus-derivative": ("actlib.derivative", "actlib.derivatives")}
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    flags = [f for f in scan.scan(nb, giveaways) if f.label == "zoo-softplus-derivative"]
    assert flags and "actlib.derivatives" in flags[0].what, flags


# --- review 27 of the instructors' pages ------------------------------------------------------------

@pytest.mark.parametrize("package", sorted(scan.NAMESPACE_PACKAGES))
def test_a_folder_named_like_an_installed_namespace_package_is_flagged(tmp_path, package):
    """Review 27, finding 5: a google/__init__.py beside the notebook ran on `import
    google.protobuf` from the end of the kernel's path (a regular package wins over the installed
    namespace portions)."""
    (tmp_path / "a" / package).mkdir(parents=True)
    (tmp_path / "a" / package / "__init__.py").write_text("x = 1\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / f"{package}.py").write_text("x = 1\n")  # (review 28: a module too)
    for folder in ("a", "b"):
        flags = scan.scan_files(tmp_path / folder)
        assert any("namespace package" in f.what for f in flags), (folder, flags)


def test_the_namespace_packages_are_the_installed_ones():
    import site
    from pathlib import Path
    installed = {p.name for d in site.getsitepackages() for p in Path(d).iterdir()
                 if p.is_dir() and not (p / "__init__.py").exists() and "." not in p.name
                 and not p.name.startswith("_") and not p.name.endswith("-stubs")}
    assert installed == scan.NAMESPACE_PACKAGES
