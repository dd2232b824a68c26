"""A trusted scan of a submission's source, in the grader's own process (issue 26, item 2).

The grader judges what a submission's kernel reports (:mod:`actlib.course.runner`); code
written against the grader could still forge that report. This scan reads the submission's
code cells as text, parses them (:mod:`ast`, after IPython's own rewriting of magics), and never
runs them. It flags:

* **the grader's internals**: importing or reaching into ``actlib.exercises`` or
  ``actlib.course`` (where the self-checks and the observations live);
* **patching**: assigning to, or deleting, an attribute of an imported module (``np.mean = ...``,
  ``actlib.check = ...``), ``setattr``/``delattr`` on one, or writing ``sys.modules``;
* **introspection that reaches other code's state**: walking frames (``sys._getframe``,
  ``inspect.currentframe``/``stack``, ``f_back``, ``f_globals``, ``f_locals``, ``tb_frame``) or
  the garbage collector (``gc.get_objects``/``get_referrers``/``get_referents``), and a function's
  or a module's internals (``__dict__``, ``__globals__``, ``__code__``, ``__closure__``,
  ``__subclasses__``, ``__builtins__``);
* **code built at run time**: ``exec``, ``eval``, ``compile``, ``__import__`` or
  ``importlib.import_module`` with a computed name, and ``getattr``/``setattr``/``delattr`` with a
  computed attribute name;
* **a give-away**: a reference to an ``actlib`` function that *is* an exercise's answer (each
  exercise declares them: ``@exercise(..., giveaways=("actlib.derivative",))``), in the student's
  own code before that exercise's self-check (binding it to another name first is a reference
  too).

The Python files in the submission's folder (a ``helpers.py`` the notebook may import) are read
the same way (:func:`scan_files`): what they do counts for every exercise of the notebook.

A flag is a finding for the instructor, with the cell and line that caused it; the grader
reports the exercise as ``flagged`` (never as a pass), with the check's own verdict beside it.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

from . import notebooks as nbs

#: Attribute names that only frame, traceback or generator introspection uses.
FRAME_ATTRIBUTES = frozenset({"f_back", "f_globals", "f_locals", "f_builtins", "f_code", "tb_frame",
                              "gi_frame", "cr_frame", "ag_frame"})
#: Attribute names that reach a function's, a class's or a module's internals.
INTERNALS = frozenset({"__dict__", "__globals__", "__code__", "__closure__", "__subclasses__",
                       "__builtins__", "__getattribute__", "__setattr__", "__delattr__"})
#: Calls (by their dotted name, imports resolved) that walk frames or the garbage collector.
INTROSPECTION = frozenset({"sys._getframe", "inspect.currentframe", "inspect.stack", "inspect.getouterframes",
                           "inspect.getinnerframes", "inspect.trace", "gc.get_objects", "gc.get_referrers",
                           "gc.get_referents", "ctypes"})
#: Builtins that run or build code from a string.
RUN_TIME_CODE = frozenset({"exec", "eval", "compile"})
#: Where the self-checks and the grader live.
INTERNAL_PACKAGES = ("actlib.exercises", "actlib.course")


@dataclass(frozen=True)
class Flag:
    """One finding: the cell (0-based index in the notebook) and line (1-based) that caused it,
    what it is, and the exercise it concerns (None: the whole notebook)."""

    cell: int
    line: int
    what: str
    label: str | None = None
    file: str | None = None  # a Python file of the submission's folder, instead of a cell

    def __str__(self) -> str:
        return f"{self.file if self.file else f'cell {self.cell}'}, line {self.line}: {self.what}"


def _python(source: str) -> str:
    """The cell as Python, IPython's magics (``%time``, ``!ls``) rewritten as IPython does."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # (no IPython: magics stay, and such a cell does not parse)
        return source
    return TransformerManager().transform_cell(source)


class _Scanner(ast.NodeVisitor):
    """Collects flags in one cell; ``aliases`` maps a name bound by an import to its dotted
    origin, carried over from the cells before (``import numpy as np`` -> ``np: numpy``)."""

    def __init__(self, cell: int, aliases: dict[str, str], modules: set[str]):
        self.cell, self.aliases, self.modules = cell, aliases, modules
        self.flags: list[Flag] = []
        self.names: list[tuple[str, int]] = []  # every dotted name referenced, with its line

    def flag(self, node: ast.AST, what: str) -> None:
        self.flags.append(Flag(self.cell, getattr(node, "lineno", 1), what))

    def dotted(self, node: ast.AST) -> str | None:
        """``a.b.c`` with ``a`` resolved through the imports, or None if not a plain name chain."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(self.aliases.get(node.id, node.id))
        return ".".join(reversed(parts))

    def _internal(self, name: str) -> bool:
        return any(name == p or name.startswith(p + ".") for p in INTERNAL_PACKAGES)

    # --- imports -----------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if self._internal(alias.name):
                self.flag(node, f"imports {alias.name}, the grader's internals")
            bound = alias.asname or alias.name.split(".")[0]
            self.aliases[bound] = alias.name if alias.asname else alias.name.split(".")[0]
            self.modules.add(bound)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = "." * node.level + (node.module or "")
        for alias in node.names:
            full = f"{base}.{alias.name}" if base else alias.name
            if self._internal(base) or self._internal(full):
                self.flag(node, f"imports {full}, the grader's internals")
            self.aliases[alias.asname or alias.name] = full

    # --- patching ----------------------------------------------------------------------------
    def _target(self, target: ast.AST, verb: str) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._target(element, verb)
        elif isinstance(target, ast.Attribute):
            root = target
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in self.modules:
                self.flag(target, f"{verb} {self.dotted(target)}, an attribute of an imported module")
        elif isinstance(target, ast.Subscript) and self.dotted(target.value) == "sys.modules":
            self.flag(target, f"{verb} an entry of sys.modules")

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._target(target, "assigns")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target, "assigns")
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._target(node.target, "assigns")
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._target(target, "deletes")
        self.generic_visit(node)

    # --- names, attributes and calls ------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self.dotted(node)
        if name:
            self.names.append((name, node.lineno))
            if name == "sys.modules" or name.startswith("sys.modules."):
                self.flag(node, "uses sys.modules, the table of imported modules")
            elif self._internal(name):
                self.flag(node, f"reaches into {name}, the grader's internals")
            elif name in INTROSPECTION:
                self.flag(node, f"uses {name}, which walks frames or the garbage collector")
        if node.attr in FRAME_ATTRIBUTES:
            self.flag(node, f"reads .{node.attr}, a frame's or a traceback's internals")
        elif node.attr in INTERNALS:
            self.flag(node, f"reads .{node.attr}, the internals of a function, class or module")
        if not name:
            self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        name = self.aliases.get(node.id, node.id)
        self.names.append((name, node.lineno))
        if name in INTERNALS:
            self.flag(node, f"uses {name}, the internals of a module")
        elif name in INTROSPECTION or self._internal(name):
            self.flag(node, f"uses {name}")

    def visit_Call(self, node: ast.Call) -> None:
        func = self.dotted(node.func)
        computed = node.args and not isinstance(node.args[0], ast.Constant)
        if func in RUN_TIME_CODE:
            self.flag(node, f"calls {func}(), which runs code built at run time")
        elif func in ("__import__", "importlib.import_module") and computed:
            self.flag(node, f"calls {func}() with a computed module name")
        elif func in ("getattr", "setattr", "delattr", "hasattr") and len(node.args) >= 2 \
                and not isinstance(node.args[1], ast.Constant):
            self.flag(node, f"calls {func}() with a computed attribute name")
        if func in ("setattr", "delattr") and node.args and isinstance(node.args[0], ast.Name) \
                and node.args[0].id in self.modules:
            self.flag(node, f"calls {func}() on the imported module {self.dotted(node.args[0])}")
        if func in ("getattr", "hasattr") and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                and isinstance(node.args[1].value, str):  # getattr(actlib, "derivative") is actlib.derivative
            base = self.dotted(node.args[0])
            if base:
                self.names.append((f"{base}.{node.args[1].value}", node.lineno))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and any(p in node.value for p in INTERNAL_PACKAGES):
            self.flag(node, "names the grader's internals in a string")


def _regions(nb, labels) -> dict[str, range]:
    """For each exercise label: every cell of the notebook (an answer may be built, or a
    give-away bound to another name, anywhere; its self-check cell may be moved or deleted)."""
    return {label: range(len(nb.cells)) for label in labels}


def normalised(source: str) -> str:
    """A cell's source as the scan compares it with the book's: no trailing blanks, no blank
    lines at either end."""
    return "\n".join(line.rstrip() for line in source.strip("\n").splitlines()).strip()


@functools.lru_cache(maxsize=64)
def _book_sources(book_dir: str, chapter: str | None) -> frozenset[str]:
    paths = [p for p in nbs.chapter_notebooks(book_dir) if chapter is None or p.stem == chapter]
    cells = [normalised(cell.source) for path in paths for cell in nbs.read(path).cells if cell.cell_type == "code"]
    return frozenset(cells) | frozenset(line.strip() for cell in cells for line in cell.splitlines())


def book_sources(book_dir, chapter: str | None = None) -> frozenset[str]:
    """The code cells of the book's chapter ``chapter`` (a notebook's stem; None: every chapter)
    in ``book_dir``, and each of their lines: a submission's cell that is one of them, word for
    word, is the book's and is not flagged (its imports still count), nor is a line that is one
    of the book's (the code the student edition keeps around a stub). Only the submission's own
    chapter counts: a line copied from another chapter is the student's."""
    return _book_sources(str(Path(book_dir).resolve()), chapter) if book_dir else frozenset()


def registered_giveaways() -> dict[str, tuple[str, ...]]:
    """Each exercise's give-aways, as the self-checks declare them."""
    from actlib.exercises import exercises

    return {e.label: e.giveaways for e in exercises() if e.giveaways}


#: Files of a submission's folder the scan cannot read but Python can import or run.
UNREADABLE_CODE = (".pyc", ".pyo", ".so", ".pyd", ".zip", ".egg", ".whl", ".pth")
#: Names that a file or folder beside the notebook must not take: Python would import it in
#: place of the grader's actlib, the libraries its checks use, or Python's start-up hooks.
SHADOWED = frozenset({"actlib", "numpy", "scipy", "torch", "keras", "tensorflow", "matplotlib", "myst_nb",
                      "IPython", "ipykernel", "sitecustomize", "usercustomize", "sys", "builtins", "json"})
#: The largest Python file the scan reads (bytes).
MAX_FILE_BYTES = 1 << 20


def scan_files(folder, giveaways: dict[str, tuple[str, ...]] | None = None, limit: int = 200) -> list[Flag]:
    """The flags of the code files in a submission's folder and below: each ``*.py`` read as
    a cell is (and for ``giveaways``, which then concern those exercises); a file that is not a
    regular file, is larger than :data:`MAX_FILE_BYTES`, is not text or does not parse, and any
    compiled or packed code (:data:`UNREADABLE_CODE`), are flagged: they cannot be read."""
    giveaways = giveaways or {}
    flags = []
    folder = Path(folder)
    found = sorted(p for p in folder.rglob("*") if ".ipynb_checkpoints" not in p.parts)
    for path in found:
        top = path.relative_to(folder).parts[0]
        if path.parent == folder and (top.split(".")[0] in SHADOWED or top in SHADOWED):
            flags.append(Flag(-1, 1, f"takes the place of the module {top.split('.')[0]!r} in the kernel "
                                     "(the notebook's folder comes first on Python's path)",
                              file=path.relative_to(folder).as_posix()))
        if path.suffix in UNREADABLE_CODE:
            flags.append(Flag(-1, 1, "compiled or packed code, which the scan cannot read",
                              file=path.relative_to(folder).as_posix()))
    files = [p for p in found if p.suffix == ".py"]
    for path in files[:limit]:
        name = path.relative_to(folder).as_posix()
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError("not a regular file of at most 1 MB")
            tree = ast.parse(path.read_text(encoding="utf-8"))
            scanner = _Scanner(-1, {}, set())
            scanner.visit(tree)
        except (SyntaxError, UnicodeDecodeError, ValueError, OSError, RecursionError, MemoryError) as err:
            flags.append(Flag(-1, getattr(err, "lineno", None) or 1, f"cannot be read by the scan ({err})", file=name))
            continue
        flags += [Flag(-1, f.line, f.what, file=name) for f in scanner.flags]
        for label, names in giveaways.items():
            for used, line in scanner.names:
                if used in names:
                    flags.append(Flag(-1, line, f"uses {used}, which computes this exercise's answer", label, name))
    if len(files) > limit:
        flags.append(Flag(-1, 1, f"{len(files)} Python files: only the first {limit} were read", file="."))
    return flags


def scan(nb, giveaways: dict[str, tuple[str, ...]] | None = None,
         trusted: frozenset[str] = frozenset()) -> list[Flag]:
    """The flags of a submitted notebook (an ``nbformat`` notebook); ``giveaways`` maps an
    exercise label to the dotted names of the ``actlib`` functions that are its answer, and
    ``trusted`` holds the book's own code cells (:func:`book_sources`), which are not flagged.

    A code cell that does not parse is flagged too: what cannot be read cannot be vouched for.
    """
    giveaways = giveaways or {}
    aliases: dict[str, str] = {}
    modules: set[str] = set()
    flags: list[Flag] = []
    names_by_cell: dict[int, list[tuple[str, int]]] = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if len(cell.source) > MAX_FILE_BYTES:
            flags.append(Flag(i, 1, "is larger than the scan reads (1 MB)"))
            continue
        try:
            tree = ast.parse(_python(cell.source))
            scanner = _Scanner(i, aliases, modules)
            scanner.visit(tree)
        except SyntaxError:  # (it cannot run either: the kernel stops at it)
            continue
        except (RecursionError, MemoryError, ValueError) as err:  # (a 600-term sum nests too deep for ast)
            flags.append(Flag(i, 1, f"cannot be read by the scan ({type(err).__name__})"))
            continue
        if normalised(cell.source) in trusted:
            continue  # the book's own cell: its imports count, nothing else
        book_lines = {n for n, line in enumerate(_python(cell.source).splitlines(), start=1)
                      if line.strip() in trusted}  # the book's code kept around a stub
        flags += [f for f in scanner.flags if f.line not in book_lines]
        names_by_cell[i] = [(name, line) for name, line in scanner.names if line not in book_lines]
    regions = _regions(nb, giveaways)
    for label, region in regions.items():
        wanted = set(giveaways[label])
        for i in region:
            for name, line in names_by_cell.get(i, []):
                if name in wanted:
                    flags.append(Flag(i, line, f"uses {name}, which computes this exercise's answer", label))
    seen, unique = set(), []
    for flag in sorted(set(flags), key=lambda f: (f.cell, f.line, f.what)):
        if (flag.cell, flag.what, flag.label) not in seen:  # once a cell for the same finding
            seen.add((flag.cell, flag.what, flag.label))
            unique.append(flag)
    return unique
