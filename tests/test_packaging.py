"""actlib as a package (issue 14): one version, extras that give each part what it needs, a
light ``import actlib``, and import errors that name the extra to install.

The imports are read from the source with ``ast``, so these tests need none of the extras.
"""

from __future__ import annotations

import ast
import doctest
import functools
import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import actlib
from actlib import _extras

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "actlib"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXTRAS = PYPROJECT["project"]["optional-dependencies"]

# The modules that need an extra as soon as they are imported (an import at module level, or
# ``import_keras()`` / ``import_torch()`` called there), and the extras they need. Every other
# module outside actlib.course must import with actlib's core dependencies alone.
NEEDS_EXTRA = {
    "actlib.gradients": {"torch"},
    "actlib.depth": {"torch"},
    "actlib.torch_tools": {"torch"},
    "actlib.gan": {"gan"},
    "actlib.keras_tools": {"keras"},
    "actlib.course.notebooks": {"course"},
    "actlib.course.student": {"course"},
    "actlib.course.plan": {"course"},
    "actlib.course.runner": {"course"},
    "actlib.course.grade": {"course"},
    "actlib.course.scan": {"course"},
    "actlib.course.course_edition": {"course"},
    "actlib.course.sphinxext": {"course"},
    "actlib.course.plotly_render": {"course"},
    "actlib.course.i18n": {"course"},
    "actlib.course.catalogues": {"course"},
    "actlib.course.edition": {"course"},
    "actlib.course.phone_render": {"course"},
    "actlib.crosscheck": {"torch", "keras"},
}
# Module-level calls that import a framework (actlib.frameworks).
IMPORTING_CALLS = {"import_keras": "keras", "import_torch": "torch"}
# Packages that only the course tooling uses: no module outside actlib/course imports them.
COURSE_ONLY = {"nbformat", "nbclient", "jupyter_client", "jupyter_core", "ipykernel", "zmq", "sphinx", "docutils",
               "sphinx_exercise", "myst_nb"}


# --- reading the source ------------------------------------------------------------------------

def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = _modules()


def _guarded(node, parents) -> bool:
    """Inside ``try: ... except ImportError`` (or ModuleNotFoundError, Exception): optional by design."""
    for parent in parents:
        if isinstance(parent, ast.Try) and node in _walk_body(parent.body):
            for handler in parent.handlers:
                names = {n.id for n in ast.walk(handler.type) if isinstance(n, ast.Name)} if handler.type else {"*"}
                if names & {"ImportError", "ModuleNotFoundError", "Exception", "*"}:
                    return True
    return False


def _walk_body(body):
    for stmt in body:
        yield from ast.walk(stmt)


@functools.cache
def _imports(module: str, path: Path):
    """(imported module name, at module level?, guarded?) for every import in ``path``.

    At module level: not inside a function (class bodies and top-level ``if`` blocks run on
    import; ``if TYPE_CHECKING:`` does not). Relative imports come back absolute
    (``actlib.frameworks``); a module-level call of ``import_keras()`` counts as an import of
    ``keras``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def names_of(node) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        if isinstance(node, ast.ImportFrom):
            if not node.level:
                return [node.module]
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
            return [f"{base}.{node.module}"] if node.module else [f"{base}.{a.name}" for a in node.names]
        if isinstance(node, ast.Call):
            called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if called in IMPORTING_CALLS:
                return [IMPORTING_CALLS[called]]
        return []

    def visit(node, parents, top):
        for child in ast.iter_child_nodes(node):
            for name in names_of(child):
                found.append((name, top, _guarded(child, parents)))
            child_top = top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                child_top = False
            visit(child, [*parents, child], child_top)

    visit(tree, [tree], True)
    return found


def _top(name: str) -> str:
    return name.split(".")[0]


def _third_party(name: str) -> bool:
    return _top(name) != "actlib" and _top(name) not in sys.stdlib_module_names and name != "__future__"


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


@functools.cache
def _distribution(import_name: str) -> str:
    dists = _packages_distributions().get(import_name, [])
    assert dists, f"no installed distribution provides the import name {import_name!r}"
    return _canonical(dists[0])


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(requirements: list[str]) -> set[str]:
    return {_canonical(re.match(r"[A-Za-z0-9._-]+", r).group(0)) for r in requirements}


@functools.cache
def _extra_distributions(extra: str, seen: frozenset = frozenset()) -> frozenset[str]:
    """The distributions ``pip install actlib[extra]`` asks for (self-references followed)."""
    out = set()
    for requirement in EXTRAS[extra]:
        inner = re.fullmatch(r"actlib\[([\w,]+)\]", requirement.replace(" ", ""))
        if inner:
            for other in inner.group(1).split(","):
                if other not in seen | {extra}:
                    out |= _extra_distributions(other, seen | {extra})
        else:
            out |= _requirement_names([requirement])
    return frozenset(out)


CORE = _requirement_names(PYPROJECT["project"]["dependencies"])


def _needed_at_import(module: str, stack=()) -> set[str]:
    """The distributions beyond the core that importing ``module`` needs: those of its own
    module-level imports and of the actlib modules it imports at module level."""
    needed = set()
    for name, top, guarded in _imports(module, MODULES[module]):
        if not top or guarded:
            continue
        if _top(name) == "actlib":
            target = next((m for m in (name, name.rpartition(".")[0]) if m in MODULES), None)
            if target and target != module and target not in stack:
                needed |= _needed_at_import(target, (*stack, module))
        elif _third_party(name):
            needed.add(_distribution(_top(name)))
    return needed - CORE


# --- one version ------------------------------------------------------------------------------------

def test_the_version_is_written_once():
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "actlib.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", actlib.__version__), actlib.__version__
    written = []
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and node.value == actlib.__version__:
                written.append(module)
    assert written == ["actlib"], f"the version {actlib.__version__} is also written in {written}"


def test_the_installed_metadata_has_that_version():
    try:
        installed = importlib.metadata.version("actlib")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("actlib is not installed (run `make install`)")
    assert installed == actlib.__version__


# --- extras ---------------------------------------------------------------------------------------------

def test_the_extras_are_declared():
    assert {"torch", "gan", "keras", "interactive", "course", "all"} <= set(EXTRAS)
    assert _extra_distributions("all") == set().union(*(_extra_distributions(e) for e in EXTRAS if e != "all"))
    assert "torch" in _extra_distributions("torch") and "torch" in _extra_distributions("gan")
    assert {"keras", "tensorflow-cpu"} <= _extra_distributions("keras")
    assert {"nbformat", "sphinx", "sphinx-exercise", "jupyter-client"} <= _extra_distributions("course")


def test_ranges_admit_the_pinned_versions():
    """Each extra's range admits the version requirements.txt pins (the book's tested environment)."""
    from packaging.requirements import Requirement

    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        m = re.match(r"([A-Za-z0-9._-]+)==([^;\s]+)", line)
        if m:
            pins[_canonical(m.group(1))] = m.group(2)
    requirements = PYPROJECT["project"]["dependencies"] + [r for reqs in EXTRAS.values() for r in reqs]
    for text in requirements:
        req = Requirement(text)
        name = _canonical(req.name)
        if name == "actlib" or (req.marker and not req.marker.evaluate({"sys_platform": "linux"})):
            continue
        assert name in pins, f"{name} is declared in pyproject.toml but not pinned in requirements.txt"
        assert req.specifier.contains(pins[name]), f"{text} does not admit the pinned {name}=={pins[name]}"


@pytest.mark.parametrize("module", list(MODULES))
def test_each_module_needs_only_its_declared_extras(module):
    needed = _needed_at_import(module)
    declared = NEEDS_EXTRA.get(module, set())
    given = set().union(*(_extra_distributions(e) for e in declared)) if declared else set()
    assert needed <= given, (
        f"importing {module} needs {sorted(needed - given)}, which its extras {sorted(declared)} (NEEDS_EXTRA) do not "
        "give: import the package inside the function that uses it, or declare the extra (here and in the docs)")
    for extra in declared:
        others = set().union(*(_extra_distributions(e) for e in declared - {extra}))
        assert needed & (_extra_distributions(extra) - others), (
            f"{module} is declared to need the extra {extra!r}, but importing it needs {sorted(needed) or 'none'}")


@pytest.mark.parametrize("module", list(MODULES))
def test_every_import_is_a_declared_dependency(module):
    """Lazy imports too: a package used anywhere in actlib is a core dependency or in an extra."""
    declared = CORE | set().union(*(_extra_distributions(e) for e in EXTRAS))
    for name, _, guarded in _imports(module, MODULES[module]):
        if _third_party(name) and not guarded:
            assert _distribution(_top(name)) in declared, f"{module} imports {name}, which no extra declares"


@pytest.mark.parametrize("module", [m for m in MODULES if not m.startswith("actlib.course")])
def test_course_packages_stay_in_actlib_course(module):
    for name, _, _ in _imports(module, MODULES[module]):
        assert _top(name) not in COURSE_ONLY, f"{module} imports {name}: course tooling belongs in actlib.course"
        assert not name.startswith("actlib.course"), f"{module} imports {name}: students do not have actlib.course"


def test_missing_extra_names_agree_with_pyproject():
    for package, extra in _extras.EXTRA_OF.items():
        assert extra in EXTRAS
        assert _distribution(package) in _extra_distributions(extra), f"{package} is not in the {extra!r} extra"


def test_import_actlib_loads_no_extra():
    code = ("import sys, json, actlib; print(json.dumps(sorted(m for m in sys.modules "
            "if m.split('.')[0] in {'torch', 'keras', 'tensorflow', 'plotly', 'nbformat', 'sphinx', 'docutils', "
            "'tqdm', 'IPython', 'zmq', 'jupyter_client'} or m.startswith('actlib.course'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(out.stdout) == []


_HIDE = r"""
import importlib.util, json, sys
from importlib.machinery import PathFinder

HIDDEN = set(sys.argv[1].split(","))

class Hide(PathFinder):  # a Python where the packages of HIDDEN are not installed
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        return None if name.split(".")[0] in HIDDEN else PathFinder.find_spec(name, path, target)

sys.meta_path[:] = [Hide if f is PathFinder else f for f in sys.meta_path]
import actlib

out = {"find_spec": repr(importlib.util.find_spec("torch"))}
try:
    import torch
except ModuleNotFoundError as err:
    out["own import"] = str(err)
for module in sys.argv[2:]:
    try:
        __import__(module)
        out[module] = "imported"
    except ModuleNotFoundError as err:
        out[module] = f"{err.name}: {err}"
print(json.dumps(out))
"""


def test_a_missing_extra_is_named_in_the_error():
    modules = ["actlib.gradients", "actlib.keras_tools", "actlib.course.notebooks", "actlib.plotting"]
    proc = subprocess.run([sys.executable, "-c", _HIDE, "torch,keras,tensorflow,nbformat", *modules],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.splitlines()[-1])
    assert out["actlib.gradients"].startswith("torch: actlib.gradients needs torch")
    assert "pip install 'actlib[torch]'" in out["actlib.gradients"]
    keras_error = out["actlib.keras_tools"]
    assert keras_error.startswith("keras: ") and "pip install 'actlib[keras]'" in keras_error
    assert "pip install 'actlib[course]'" in out["actlib.course.notebooks"]
    assert out["actlib.plotting"] == "imported"
    # outside actlib nothing changes: find_spec still says "not found", an import the usual error
    assert out["find_spec"] == "None" and out["own import"] == "No module named 'torch'"


@pytest.mark.parametrize("module", list(MODULES))
def test_doctests(module):
    """Every ``Examples`` section of actlib runs and shows what it says (``make unit`` runs this)."""
    import importlib

    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as err:
        if err.name in _extras.EXTRA_OF:
            pytest.skip(f"{module} needs {err.name}: {_extras.install_hint(err.name)}")
        raise
    result = doctest.testmod(loaded, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest(s) of {module} fail: run " \
                               f"python -m pytest --doctest-modules {MODULES[module].relative_to(ROOT)}"


def test_the_doctests_cover_the_helpers_of_this_issue():
    from actlib.course import student

    for module in (actlib, _extras, student):
        assert doctest.DocTestFinder().find(module), module.__name__
