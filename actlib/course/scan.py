"""A trusted scan of a submission's source, in the grader's own process (issue 26, item 2).

The grader judges what a submission's kernel reports (:mod:`actlib.course.runner`); code
written against the grader could still forge that report. This scan reads the submission's
code cells as text, parses them (:mod:`ast`, after IPython's own rewriting of magics), and never
runs them. It flags:

* **the grader's internals**: importing or reaching into ``actlib.exercises`` or
  ``actlib.course`` (where the self-checks and the observations live), a check's module
  (``inspect.getmodule``, ``inspect.getmembers``), the registry ``_REGISTRY``, or an underscore
  name on an ``actlib`` object (a check runs in the kernel too, to record what the grader
  replays: code that replaces the kernel's copy of it can forge that record);
* **patching**: assigning to, or deleting, an attribute of an imported module (``np.mean = ...``,
  ``actlib.check = ...``), ``setattr``/``delattr`` on one, or writing ``sys.modules``;
* **introspection that reaches other code's state**: walking frames (``sys._getframe``,
  ``inspect.currentframe``/``stack``, ``f_back``, ``f_globals``, ``f_locals``, ``tb_frame``) or
  the garbage collector (``gc.get_objects``/``get_referrers``/``get_referents``), and a function's
  or a module's internals (``__dict__``, ``__globals__``, ``__code__``, ``__closure__``,
  ``__subclasses__``, ``__builtins__``);
* **code built at run time**: ``exec``, ``eval``, ``compile``, ``__import__`` or
  ``importlib.import_module`` with a computed name, ``getattr``/``setattr``/``delattr`` with a
  computed attribute name, and IPython's shell methods that run a string as code or change how
  later cells are read (``get_ipython().run_cell``, ``input_transformers_post``, a magic
  registered by the notebook);
* **code it cannot read**: a magic that runs a shell command, another program or a file
  (``!cmd``, ``%%bash``, ``%run``, ``%load``, ``%pip``), or a magic it does not know; the code
  of the magics that run Python (``%%time``, ``%timeit``, ``%%capture``, ``%prun``, ``%debug``,
  ``%config``, a ``%%writefile`` of a ``.py`` file, and the ``{expression}`` IPython evaluates in
  a magic's line) is read as the cell's own code (:data:`PYTHON_MAGICS`); and, by name, code
  it cannot read run from Python (:data:`HIDDEN_CODE`): a file run or imported as Python under any
  name (``runpy.run_path("helper.txt")``, a ``SourceFileLoader``, ``exec_module``), data whose
  loading can run code (pickle and its relatives, ``torch.load`` without ``weights_only=True``,
  ``allow_pickle`` or ``safe_mode`` set unsafely), and another program (``os.system``,
  ``subprocess``, ``pty.spawn``);
* **a give-away**: a reference to an ``actlib`` function that *is* an exercise's answer (each
  exercise declares them: ``@exercise(..., giveaways=("actlib.derivative",))``) anywhere in the
  student's own code: binding it to another name (``f = actlib.derivative``), importing it
  (``from actlib import derivative as f``) or importing everything from its module
  (``from actlib import *``) is a reference too.

The Python files in the submission's folder (a ``helpers.py`` the notebook may import) are read
the same way (:func:`scan_files`): what they do counts for every exercise of the notebook. No
other file is read: code that runs one is flagged only where it uses a name the scan knows. The
grader scans the notebook as it read it and the files in the kernel's scratch copy, before the
kernel starts. A line of the book's own chapter is trusted outside an answer cell only
(:func:`book_sources`, :func:`answer_cell`).

A flag is a finding for the instructor, with the cell and line that caused it; the grader
reports the exercise as ``flagged`` (never as a pass), with the check's own verdict beside it.
The scan matches names: it is a net for the plain spellings, not a proof that code is harmless.
"""

from __future__ import annotations

import ast
import functools
import keyword
import re
import sys
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
INTROSPECTION = frozenset({"sys._getframe", "sys._current_frames", "sys.settrace", "sys.setprofile",
                           "threading.settrace", "threading.setprofile", "traceback.walk_stack", "traceback.walk_tb",
                           "inspect.currentframe", "inspect.stack", "inspect.getouterframes",
                           "inspect.getinnerframes", "inspect.trace", "gc.get_objects", "gc.get_referrers",
                           "gc.get_referents", "ctypes"})
#: Calls that reach another function's module or an object's members, and through them the
#: self-checks' own registry (``inspect.getmodule(actlib.check)._REGISTRY``).
MODULE_INTROSPECTION = frozenset({"inspect.getmodule", "inspect.getmembers", "inspect.getmembers_static",
                                  "inspect.getclosurevars"})
#: Names of the self-checks' own state, flagged wherever they appear.
CHECK_INTERNALS = frozenset({"_REGISTRY"})
#: The underscore names of ``actlib`` objects that are not internals (any other is flagged).
PUBLIC_DUNDERS = frozenset({"__version__", "__name__", "__doc__", "__all__", "__file__"})
#: Builtins that run or build code from a string.
RUN_TIME_CODE = frozenset({"exec", "eval", "compile"})
#: The same and ``__import__``: referring to one without calling it (an alias) is flagged.
CODE_RUNNERS = RUN_TIME_CODE | {"__import__"}
#: Where the self-checks and the grader live.
INTERNAL_PACKAGES = ("actlib.exercises", "actlib.course")

# --- code the scan cannot read, run from Python -------------------------------------------------
#: What each kind of run-time loading does, as a flag says it.
_RUNS_FILE = "runs or imports a file as Python, under any name: code the scan cannot read"
_RUNS_STRING = "runs Python given as a string or a file: code the scan cannot read"
_RUNS_DATA = "loads data that can run code when loaded (a pickle): code the scan cannot read"
_RUNS_PROGRAM = "starts another program or a shell: code the scan cannot read"
#: Names (imports resolved) that run code the scan never reads: a file of the folder under any
#: name (``runpy.run_path("helper.txt")``, a ``SourceFileLoader``), a pickle, another program.
#: A name ending in "." stands for every name of that module.
HIDDEN_CODE = {
    "runpy.": _RUNS_FILE, "importlib.machinery.": _RUNS_FILE, "importlib._bootstrap.": _RUNS_FILE,
    "importlib._bootstrap_external.": _RUNS_FILE, "importlib.util.spec_from_file_location": _RUNS_FILE,
    "importlib.util.spec_from_loader": _RUNS_FILE, "importlib.util.module_from_spec": _RUNS_FILE,
    "imp.": _RUNS_FILE, "zipimport.": _RUNS_FILE, "sys.meta_path": _RUNS_FILE, "sys.path_hooks": _RUNS_FILE,
    "sys.path_importer_cache": _RUNS_FILE,
    "code.": _RUNS_STRING, "codeop.": _RUNS_STRING, "doctest.": _RUNS_STRING, "cProfile.run": _RUNS_STRING,
    "cProfile.runctx": _RUNS_STRING, "profile.run": _RUNS_STRING, "profile.runctx": _RUNS_STRING,
    "pdb.run": _RUNS_STRING, "pdb.runeval": _RUNS_STRING, "pdb.runctx": _RUNS_STRING,
    "pickle.load": _RUNS_DATA, "pickle.loads": _RUNS_DATA, "pickle.Unpickler": _RUNS_DATA, "_pickle.": _RUNS_DATA,
    "dill.load": _RUNS_DATA, "dill.loads": _RUNS_DATA, "dill.Unpickler": _RUNS_DATA, "dill.load_session": _RUNS_DATA,
    "dill.load_module": _RUNS_DATA, "cloudpickle.load": _RUNS_DATA, "cloudpickle.loads": _RUNS_DATA,
    "joblib.load": _RUNS_DATA, "marshal.load": _RUNS_DATA, "marshal.loads": _RUNS_DATA, "shelve.": _RUNS_DATA,
    "pandas.read_pickle": _RUNS_DATA, "torch.package.": _RUNS_DATA, "yaml.unsafe_load": _RUNS_DATA,
    "yaml.unsafe_load_all": _RUNS_DATA, "yaml.UnsafeLoader": _RUNS_DATA, "yaml.Loader": _RUNS_DATA,
    "keras.config.enable_unsafe_deserialization": _RUNS_DATA,
    "subprocess.": _RUNS_PROGRAM, "_posixsubprocess.": _RUNS_PROGRAM, "pty.spawn": _RUNS_PROGRAM,
    "asyncio.create_subprocess_exec": _RUNS_PROGRAM, "asyncio.create_subprocess_shell": _RUNS_PROGRAM,
    "asyncio.subprocess.": _RUNS_PROGRAM,
}
#: Functions of ``os`` (and ``posix``, ``nt``) that start another program: these names, and
#: every name beginning with ``exec``, ``spawn`` or ``posix_spawn``.
_OS_PROGRAMS = ("system", "popen", "startfile")
#: Attributes that run a loader's module, on any object (``spec.loader.exec_module(m)``).
HIDDEN_CODE_ATTRIBUTES = frozenset({"exec_module", "load_module"})
#: Loaders that unpickle unless called with ``weights_only=True`` (``np.load`` and Keras's
#: ``load_model`` are safe by default: only their keywords below are flagged).
TORCH_LOADS = frozenset({"torch.load", "torch.serialization.load"})
#: Keywords that, set to anything but their safe value (a constant), let any call load code.
UNSAFE_KEYWORDS = {"allow_pickle": False, "weights_only": True, "safe_mode": True}
#: (loader, position, safe value): the same switch passed positionally.
UNSAFE_POSITIONS = (("numpy.load", 2, False), ("keras.models.load_model", 3, True),
                    ("keras.saving.load_model", 3, True), ("tensorflow.keras.models.load_model", 3, True))


def hidden_code(name: str | None) -> str | None:
    """What the dotted ``name`` does if it runs code the scan cannot read (:data:`HIDDEN_CODE`),
    else None."""
    if not name:
        return None
    module, _, function = name.rpartition(".")
    if module in ("os", "posix", "nt") and (function in _OS_PROGRAMS or function.startswith(("exec", "spawn",
                                                                                              "posix_spawn"))):
        return _RUNS_PROGRAM
    for key, what in HIDDEN_CODE.items():
        if name.startswith(key) if key.endswith(".") else name == key:
            return what
    return None


def hidden_module(module: str) -> bool:
    """Whether ``from module import *`` brings in a name of :data:`HIDDEN_CODE` (or ``torch.load``)."""
    return module in ("os", "posix", "nt", "torch") or any(
        (key[:-1] if key.endswith(".") else key.rpartition(".")[0]) == module for key in HIDDEN_CODE)

# --- IPython ------------------------------------------------------------------------------------
#: The shell, as the scan names it: ``get_ipython()`` (or a name bound to it).
SHELL = "get_ipython()"
#: Attributes of IPython's shell that run a string as code or change how later cells are read
#: and run: flagged on any object (the names are IPython's own).
SHELL_RUNNERS = frozenset({"run_cell", "run_cell_async", "run_code", "run_ast_nodes", "run_line_magic",
                           "run_cell_magic", "safe_execfile", "safe_execfile_ipy", "safe_run_module", "system_raw",
                           "system_piped", "input_transformers_cleanup", "input_transformers_post",
                           "input_transformer_manager", "prefilter_manager", "ast_transformers",
                           "register_magic_function", "register_magics", "define_macro", "find_magic",
                           "find_line_magic", "find_cell_magic"})
#: The same, but names too common to flag on anything but the shell itself.
SHELL_METHODS = frozenset({"ex", "ev", "system", "getoutput", "magic", "autocall", "events", "complete", "db",
                           "compile", "kernel", "parent", "shell"})
#: What of IPython a notebook may use unflagged: its display tools. Not the shell's accessor
#: ``get_ipython``: every method of the shell that runs a string was a new route (reviews 20-23),
#: and no chapter needs the shell, so any use of the name is flagged (review 24), bar the calls
#: IPython itself writes for a magic or a shell command, which are read as what they run.
IPYTHON_FOR_NOTEBOOKS = ("IPython.display", "IPython.core.display", "IPython.utils.capture")
#: The names that hand out IPython's shell: flagged wherever they are used.
SHELL_ACCESSOR = "get_ipython"
_USES_SHELL = ("uses get_ipython, IPython's shell, whose methods run code the scan cannot read (a magic or a shell "
               "command is read as written: %name, !command)")
#: Attributes that reach the shell's code-running machinery from any object (`exit._ip.ex(...)`,
#: `get_ipython().kernel.shell.ex(...)`, review 22): flagged wherever they are read.
SHELL_ANYWHERE = frozenset({"_ip", "shell", "ex", "ev", "magics_manager", "Completer", "run_line_magic", "run_cell",
                            "run_cell_magic", "safe_execfile", "safe_run_module", "user_ns_hidden",
                            "var_expand", "user_expressions", "runcode", "do_complete"})
#: The same objects as other IPython modules hand them out (`IPython.core.interactiveshell.Macro`,
#: review 21): flagged from any IPython module.
IPYTHON_HOOK_NAMES = frozenset({"Macro", "IPyAutocall", "ExitAutocall", "ZMQExitAutocall", "Magics",
                                "magics_class", "line_magic", "cell_magic", "register_line_magic",
                                "register_cell_magic", "register_line_cell_magic", "PrefilterChecker",
                                "PrefilterHandler", "PrefilterTransformer", "InputTransformer"})
IPYTHON_HOOKS = ("IPython.core.magic", "IPython.core.magics", "IPython.core.macro", "IPython.core.autocall",
                 "IPython.core.inputtransformer", "IPython.core.inputtransformer2", "IPython.core.prefilter")
#: The magics that load an IPython extension: flagged, since a folder's own module of the same name
#: comes first (an `autoreload.py` handed in, review 22) and IPython's storemagic can restore the
#: pickled profile database (review 21).
EXTENSION_MAGICS = frozenset({"load_ext", "reload_ext", "unload_ext"})
#: Magics whose argument or body is Python code that IPython runs: the scan reads that code as
#: the cell's (``%%writefile`` of a ``.py`` file is read as a Python file of the folder).
PYTHON_MAGICS = frozenset({"time", "timeit", "prun", "debug", "capture", "config", "writefile", "file"})
#: Magics that run no code of the submission and change nothing of how later cells run. Not
#: %cd, %pushd, %popd, %bookmark, %store or %unalias: they read IPython's profile database,
#: pickled files the notebook can write (reviews 20, 21); nor %load_ext, %reload_ext and
#: %unload_ext, which run an extension (IPython's storemagic, reloaded with its autorestore on,
#: restores that database).
HARMLESS_MAGICS = frozenset({
    "matplotlib", "pylab", "precision", "pprint", "xmode", "colors", "doctest_mode", "who", "who_ls", "whos",
    "pwd", "dirs", "dhist", "env", "set_env", "pdoc", "pdef", "psource",
    "pfile", "pinfo", "pinfo2", "psearch", "pycat", "page", "lsmagic", "magic", "quickref", "history", "hist",
    "reset", "reset_selective", "xdel", "tb", "pdb", "notebook",
    "autoreload", "aimport", "autosave", "connect_info", "killbgscripts", "gui", "automagic", "autoawait",
    "logstart", "logon", "logoff", "logstate", "logstop", "subshell", "clear", "less",
    "more", "html", "HTML", "svg", "SVG", "latex", "markdown", "javascript", "js"})
#: Magics that do not expand ``{expression}`` in their line (their line is Python code).
NO_VAR_EXPAND = frozenset({"time", "timeit", "prun", "debug"})
#: How deep magics inside magics are read.
MAX_DEPTH = 8


def _canonical(name: str | None) -> str | None:
    """``builtins.exec`` is ``exec``; ``importlib.__import__`` is ``__import__``."""
    if name and name.startswith("builtins."):
        return name[len("builtins."):]
    return "__import__" if name == "importlib.__import__" else name


def _private_actlib(name: str | None) -> bool:
    """Whether the dotted ``name`` reaches an underscore attribute of an ``actlib`` object
    (``actlib.check.__module__``, ``actlib.activations._table``)."""
    parts = (name or "").split(".")
    return parts[0] == "actlib" and any(p.startswith("_") and p not in PUBLIC_DUNDERS for p in parts[1:])


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


@functools.cache
def _line_magics() -> frozenset[str]:
    """The line magics a kernel knows before the notebook defines any (for IPython's automagic:
    ``time x = 1`` without the ``%``)."""
    names = set(PYTHON_MAGICS | HARMLESS_MAGICS | EXTENSION_MAGICS)
    try:
        import IPython.core.magics as magics
        from IPython.core.alias import default_aliases

        for name in dir(magics):
            names |= set(getattr(getattr(magics, name), "magics", {}).get("line", {}))
        names |= {name for name, _ in default_aliases()}
        names |= {"store"}  # (IPython's storemagic extension, which a kernel loads at start)
        from ipykernel.zmqshell import KernelMagics

        names |= set(KernelMagics.magics["line"])
    except Exception:  # noqa: BLE001 (no IPython: no magics)
        pass
    return frozenset(names)


_LINE_SPLIT = re.compile(r"^\s*(%{0,2}[\w.*]*)(.*?)$")  # IPython's split of a line (IPython.core.splitinput)


#: Line magics that change how later cells run even without an argument (review 15: a bare
#: `autocall` makes IPython rewrite `exec "..."` as `exec("...")`): never read as a bare name.
_STATEFUL_WITHOUT_ARGUMENT = frozenset({"autocall", "automagic", "rehashx", "doctest_mode", "pdb", "xmode"})


def _automagic(code: str, bound: set[str]) -> str:
    """A one-line cell as IPython's automagic may run it: ``time x = 1`` is ``%time x = 1`` when
    ``time`` is a line magic and, when the cell runs, no name shadows it (IPython's prefilter).
    The scan cannot know that in advance, so it reads both the magic and, where the line is
    Python, the Python (``bound`` is kept for the callers; an assignment ``time = 1`` is Python
    only)."""
    match = _LINE_SPLIT.match(code.strip("\n"))
    if not match:
        return code
    ifun, rest = match.group(1), match.group(2).strip()
    if ifun not in _line_magics() or keyword.iskeyword(ifun) or rest[:1] in ("=", ","):
        return code
    call = f"get_ipython().run_line_magic({ifun!r}, {rest!r})"
    try:
        ast.parse(code)
    except SyntaxError:
        # not Python: IPython runs it as the magic, or it cannot run at all. Whether a name
        # shadows the magic is decided when the cell runs (a name bound earlier may be deleted
        # again, or be local to a function), so it is read as the magic whatever the names; and
        # as the call IPython makes if the name is bound to `exit` or `quit` (review 19), which
        # it checks before the magics
        called = _autocall(code)
        try:
            ast.parse(called)
        except SyntaxError:  # (no such call: `run -i helper.txt` is the magic only, review 20)
            return call + "\n"
        return f"{call}; {called.strip()}\n" if called != code else call + "\n"
    if not rest and ifun in bound and ifun not in _STATEFUL_WITHOUT_ARGUMENT:
        return code  # a bare name the notebook binds (`run`): as a magic it would read nothing

    # Python too: whether a name shadows the magic is decided when the cell runs (review 14: a
    # name deleted again, a function's local, a star import), so both readings are scanned
    return f"{call}; {code.strip()}\n"


def _autocall(code: str) -> str:
    """A one-line cell that is not Python, as IPython may still run it: ``f x`` as ``f(x)``.

    IPython makes that call for an autocallable object whatever its settings (``exit`` and
    ``quit`` are: review 18 ran ``exit exec("...") or 1``), and for any callable when autocall is
    on. So such a line is read as that call; if the call does not parse either, the cell cannot
    run at all."""
    try:
        ast.parse(code)
        return code
    except SyntaxError:
        pass
    match = _LINE_SPLIT.match(code.strip("\n"))
    if not match:
        return code
    ifun, rest = match.group(1), match.group(2).strip()
    if rest.endswith(";"):  # (IPython calls `f x;` as `f(x);`: the `;` only hides the result)
        rest = rest[:-1].rstrip()
    if ifun.startswith("%"):
        return code
    if not ifun or keyword.iskeyword(ifun) or not all(part.isidentifier() for part in ifun.split(".")):
        # IPython looks such a name up as it is, even an empty one or a keyword
        # (`globals()["a*b"] = exit`, review 19; `globals()["True"] = exit`, review 20): what
        # matters is the code it is called with
        ifun = "_autocalled"
    return f"{ifun}({rest})\n"


def _python(source: str, bound: set[str] | None = None) -> str:
    """The cell as Python, IPython's magics (``%time``, ``!ls``, automagic ``time x``) rewritten
    as IPython does, on the same lines (the blank lines IPython drops at the top are kept).
    Raises :class:`SyntaxError` if IPython cannot rewrite it (the kernel cannot run it either)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # (no IPython: magics stay, and such a cell does not parse)
        return source
    try:
        code = TransformerManager().transform_cell(source)
    except Exception as err:  # noqa: BLE001 (IPython shows the error and runs nothing)
        raise SyntaxError(f"IPython cannot read this cell ({type(err).__name__})") from None
    if len(code.splitlines()) == 1:  # (IPython's prefilter, automagic and autocall, reads one-line cells only)
        code = _autocall(_automagic(code, bound if bound is not None else set()))
    lines = source.splitlines()
    blank = next((i for i, line in enumerate(lines) if line.strip()), 0)
    return "\n" * blank + code


def _writefile_target(line: str) -> str:
    """The file ``%%writefile line`` writes, as IPython's own argument parser reads the line
    (``helper.py -a`` and ``-a helper.py`` alike: review 25), quotes stripped as IPython strips
    them; "" if IPython would refuse the line."""
    from IPython.core.magic_arguments import parse_argstring
    from IPython.core.magics.osm import OSMagics
    try:
        name = parse_argstring(OSMagics.writefile, line).filename
    except BaseException:  # noqa: BLE001 (UsageError, or argparse's SystemExit)
        return ""
    return name[1:-1] if re.match(r"^('.*')|(\".*\")$", name) else name


def _magic_code(name: str, line: str, body: str | None) -> list[tuple[str, int]]:
    """The Python code that IPython's magic ``name`` runs, as IPython parses its line: pieces of
    (code, 0 if it starts on the magic's line, 1 if on the next). Raises if IPython would refuse
    the line."""
    from IPython.core import magic_arguments
    from IPython.core.magic import Magics
    from IPython.core.magics import ExecutionMagics

    class _Options:  # what Magics.parse_options reads of a Magics instance
        options_table: dict = {}

    pieces: list[tuple[str, int]] = []
    if name == "time":
        pieces.append((" ".join(magic_arguments.parse_argstring(ExecutionMagics.time, line, partial=True)[1]), 0))
    elif name == "timeit":  # the line is the statement, or with a body the setup
        pieces.append((Magics.parse_options(_Options(), line, "n:r:tcp:qov:", posix=False, strict=False,
                                            preserve_non_opts=True)[1], 0))
    elif name == "prun":
        code = Magics.parse_options(_Options(), line, "D:l:rs:T:q", list_all=True, posix=False)[1]
        return [(code + ("\n" + body if body is not None else ""), 0)]
    elif name == "debug":
        args, extra = magic_arguments.parse_argstring(ExecutionMagics.debug, line, partial=True)
        if not (args.breakpoint or body is not None):
            return [(line, 0)]
        return [(" ".join(extra) + ("\n" + body if body is not None else ""), 0)]
    elif name == "config" and line.strip():
        pieces.append(("cfg." + line, 0))  # IPython runs exec("cfg." + line)
    if body is not None:
        pieces.append((body, 1))
    return pieces


def _fields(text: str) -> list[str]:
    """The ``{expression}`` and ``$name`` fields that IPython evaluates in a magic's line or a
    shell command before it runs it (``InteractiveShell.var_expand``)."""
    try:
        from IPython.utils.text import DollarFormatter
    except ImportError:
        return []
    found = []
    try:
        for _, field, spec, _ in DollarFormatter().parse(text):
            if field is not None:
                found.append(field + (f":{spec}" if spec else ""))
    except Exception:  # noqa: BLE001 (IPython then leaves the line as it is, having evaluated the fields before)
        pass
    return found


class _Scanner(ast.NodeVisitor):
    """Collects flags in one cell; ``aliases`` maps a name bound by an import to its dotted
    origin, carried over from the cells before (``import numpy as np`` -> ``np: numpy``);
    ``bound`` holds the names the cells bind (``"*"`` after a star import), for automagic.
    ``offset``: the cell's line of the parsed code's line 1, minus 1 (code inside a magic)."""

    def __init__(self, cell: int, aliases: dict[str, str], modules: set[str], bound: set[str] | None = None,
                 offset: int = 0, depth: int = 0):
        self.cell, self.aliases, self.modules = cell, aliases, modules
        self.bound = bound if bound is not None else set()
        self.offset, self.depth = offset, depth
        self.flags: list[Flag] = []
        self.names: list[tuple[str, int]] = []  # every dotted name referenced, with its line
        self.called: set[int] = set()  # id() of the nodes called (exec(...) is a call, exec alone an alias)
        self._shell_flagged: set[int] = set()  # id() of the nodes under an attribute chain already flagged

    def line(self, node: ast.AST) -> int:
        return self.offset + getattr(node, "lineno", 1)

    def flag(self, node: ast.AST, what: str) -> None:
        self.flags.append(Flag(self.cell, self.line(node), what))

    def dotted(self, node: ast.AST) -> str | None:
        """``a.b.c`` with ``a`` resolved through the imports (``get_ipython()`` for the shell), or
        None if not a plain name chain."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Call) and not node.args and not node.keywords \
                and (self.dotted(node.func) or "").rpartition(".")[2] == "get_ipython":
            parts.append(SHELL)
        elif isinstance(node, ast.Call) and self.imported(node):  # __import__("os").system is os.system
            parts.append(self.imported(node))
        elif isinstance(node, ast.Name):
            parts.append(self.aliases.get(node.id, node.id))
        else:
            return None
        return ".".join(reversed(parts))

    def imported(self, node: ast.Call) -> str | None:
        """The module that ``__import__("os")`` or ``importlib.import_module("os")`` returns (a
        constant name), else None."""
        if not (node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            return None
        func, module = _canonical(self.dotted(node.func)), node.args[0].value
        if func == "importlib.import_module":
            return module
        if func == "__import__":  # the top package, unless a fromlist is given
            return module if len(node.args) >= 4 or any(k.arg == "fromlist" for k in node.keywords) \
                else module.split(".")[0]
        return None

    def _hidden(self, node: ast.AST, name: str, verb: str = "uses") -> None:
        """Flag ``name`` if it runs code the scan cannot read (:data:`HIDDEN_CODE`)."""
        what = hidden_code(name)
        if what:
            self.flag(node, f"{verb} {name}, which {what}")
        elif name in TORCH_LOADS and verb == "uses" and id(node) not in self.called:  # (f = torch.load)
            self.flag(node, f"refers to {name} without calling it: unless called with weights_only=True, it "
                            f"{_RUNS_DATA}")

    def _internal(self, name: str) -> bool:
        return any(name == p or name.startswith(p + ".") for p in INTERNAL_PACKAGES)

    def visit_code(self, tree: ast.AST) -> None:
        """Visit a parsed cell (or magic's code), then note the names it binds."""
        self.visit(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.bound.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.bound.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self.bound.update(a.asname or a.name.split(".")[0] for a in node.names)

    # --- imports -----------------------------------------------------------------------------
    def _hook(self, node: ast.AST, name: str) -> None:
        if any(name == p or name.startswith(p + ".") for p in IPYTHON_HOOKS) \
                or (name.startswith("IPython.") and name.rsplit(".", 1)[-1] in IPYTHON_HOOK_NAMES):
            self.flag(node, f"uses {name}, which changes how IPython reads or runs later cells")
        elif (name.startswith("IPython.") and not any(name == p or name.startswith(p + ".")
                                                      for p in IPYTHON_FOR_NOTEBOOKS)) \
                or name == "ipykernel" or name.startswith("ipykernel."):  # (its shell: review 24)
            # (review 22: the shell's instance, its completer, storemagic, ... run code or unpickle
            # data the scan cannot read; a notebook needs IPython's display tools only)
            self.flag(node, f"uses {name}, IPython's internals, which can run code the scan cannot read")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if self._internal(alias.name):
                self.flag(node, f"imports {alias.name}, the grader's internals")
            elif _private_actlib(alias.name):
                self.flag(node, f"imports {alias.name}, a private part of actlib")
            self._hook(node, alias.name)
            self.names.append((alias.name, self.line(node)))  # (importing a give-away module uses it)
            bound = alias.asname or alias.name.split(".")[0]
            self.aliases[bound] = alias.name if alias.asname else alias.name.split(".")[0]
            self.modules.add(bound)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = "." * node.level + (node.module or "")
        for alias in node.names:
            full = f"{base}.{alias.name}" if base else alias.name
            if self._internal(base) or self._internal(full):
                self.flag(node, f"imports {full}, the grader's internals")
            elif _private_actlib(full) or alias.name in CHECK_INTERNALS:
                self.flag(node, f"imports {full}, a private part of actlib")
            if _canonical(full) in CODE_RUNNERS:
                self.flag(node, f"imports {full}, which runs code built at run time, under a name of its own")
            self._hook(node, full)
            if alias.name == "*":  # binds every public name of the module (its __all__)
                if hidden_module(base):
                    self.flag(node, f"imports everything from {base}, which holds functions that run code the scan "
                                    "cannot read (a file, a pickle, another program)")
                self.names.append((full, self.line(node)))
                self.bound.add("*")
                continue
            self._hidden(node, full, "imports")
            self.aliases[alias.asname or alias.name] = full
            self.modules.add(alias.asname or alias.name)  # (from numpy import random: random.x = ... patches)
            self.names.append((full, self.line(node)))  # importing a give-away uses it

    # --- patching ----------------------------------------------------------------------------
    def _from_module(self, node: ast.Attribute) -> bool:
        """Whether ``node`` (``np.random``, ``actlib.check``) is reached from an imported module."""
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        return isinstance(root, ast.Name) and root.id in self.modules

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
        if self.dotted(node.value) == SHELL:  # ip = get_ipython()
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.aliases[target.id] = SHELL
        elif isinstance(node.value, ast.Call) and self.imported(node.value):  # m = __import__("os"): os
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.aliases[target.id] = self.imported(node.value)
                    self.modules.add(target.id)
        elif isinstance(node.value, ast.Name) and node.value.id in self.modules:  # m = np: patching m patches numpy
            # (whether or not the grader's own process has imported the module: review 25; the name
            # is read as the module's, for the messages and the give-aways, where it is one)
            module = type(sys.modules.get(self.aliases.get(node.value.id, ""))) is type(sys)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    if module:
                        self.aliases[target.id] = self.aliases.get(node.value.id, node.value.id)
                    self.modules.add(target.id)
        elif isinstance(node.value, ast.Attribute) and self._from_module(node.value):
            # r = np.random, f = actlib.check: patching r or f patches what the module holds (review 18)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.modules.add(target.id)
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
        chain, link = [], node
        while isinstance(link, (ast.Attribute, ast.Call, ast.Subscript)):
            if isinstance(link, ast.Attribute):
                chain.append(link.attr)
            link = link.value if not isinstance(link, ast.Call) else link.func
        reached = [attr for attr in chain if attr in SHELL_ANYWHERE]
        if reached and id(node) not in self._shell_flagged:
            self.flag(node, f"reads .{reached[-1]}, which reaches IPython's shell and runs code the scan cannot read")
            for sub in ast.walk(node):
                self._shell_flagged.add(id(sub))
        name = self.dotted(node)
        if name:
            self.names.append((name, self.line(node)))
            parts = name.split(".")
            if name == "sys.modules" or name.startswith("sys.modules."):
                self.flag(node, "uses sys.modules, the table of imported modules")
            elif self._internal(name):
                self.flag(node, f"reaches into {name}, the grader's internals")
            elif name in INTROSPECTION:
                self.flag(node, f"uses {name}, which walks frames or the garbage collector")
            elif name in MODULE_INTROSPECTION:
                self.flag(node, f"uses {name}, which reaches another function's module or members (the "
                                "self-checks' registry among them)")
            elif _private_actlib(name):
                self.flag(node, f"reads {name}, a private part of actlib")
            elif _canonical(name) in CODE_RUNNERS and id(node) not in self.called:
                self.flag(node, f"refers to {name} without calling it: under another name it runs code built "
                                "at run time")
            elif set(parts) & SHELL_RUNNERS or (parts[0] == SHELL and len(parts) > 1 and parts[1] in SHELL_METHODS):
                self.flag(node, f"uses {name}, which runs code the scan cannot read or changes how later "
                                "cells run")
            else:
                self._hidden(node, name)
            self._hook(node, name)
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Call):  # (__import__("os").system: the call's own arguments)
                self.visit(root)
        if node.attr == SHELL_ACCESSOR:
            self.flag(node, _USES_SHELL)
        if node.attr in CHECK_INTERNALS:
            self.flag(node, f"reads .{node.attr}, the self-checks' registry")
        if node.attr in FRAME_ATTRIBUTES:
            self.flag(node, f"reads .{node.attr}, a frame's or a traceback's internals")
        elif node.attr in INTERNALS:
            self.flag(node, f"reads .{node.attr}, the internals of a function, class or module")
        elif not name and node.attr in SHELL_RUNNERS:
            self.flag(node, f"uses .{node.attr}, which runs code the scan cannot read or changes how later cells run")
        if node.attr in HIDDEN_CODE_ATTRIBUTES and not hidden_code(name):
            self.flag(node, f"uses .{node.attr}, which {_RUNS_FILE}")
        if not name:
            self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        name = self.aliases.get(node.id, node.id)
        self.names.append((name, self.line(node)))
        loaded = isinstance(node.ctx, ast.Load)
        if name in INTERNALS:
            self.flag(node, f"uses {name}, the internals of a module")
        elif name in INTROSPECTION or name in MODULE_INTROSPECTION or self._internal(name):
            self.flag(node, f"uses {name}")
        elif node.id in CHECK_INTERNALS or _private_actlib(name):
            self.flag(node, f"uses {name}, a private part of actlib")
        elif loaded and _canonical(name) in CODE_RUNNERS and id(node) not in self.called:
            self.flag(node, f"refers to {name} without calling it: under another name it runs code built at "
                            "run time")
        elif node.id == SHELL_ACCESSOR or name.rpartition(".")[2] == SHELL_ACCESSOR:
            self.flag(node, _USES_SHELL)
        else:
            if loaded:
                self._hidden(node, name)
            self._hook(node, name)

    def visit_Call(self, node: ast.Call) -> None:
        func = self.dotted(node.func)
        if func and func.startswith(SHELL + ".") and self._shell_call(node, func[len(SHELL) + 1:]):
            return  # a magic or a shell command, read as what it runs
        self.called.add(id(node.func))
        computed = node.args and not isinstance(node.args[0], ast.Constant)
        if _canonical(func) in RUN_TIME_CODE:
            self.flag(node, f"calls {func}(), which runs code built at run time")
        elif _canonical(func) in ("__import__", "importlib.import_module") and computed:
            self.flag(node, f"calls {func}() with a computed module name")
        elif func in ("getattr", "setattr", "delattr", "hasattr") and len(node.args) >= 2 \
                and not isinstance(node.args[1], ast.Constant):
            self.flag(node, f"calls {func}() with a computed attribute name")
        self._unsafe_load(node, func)
        if func in ("setattr", "delattr") and node.args and isinstance(node.args[0], ast.Name) \
                and node.args[0].id in self.modules:
            self.flag(node, f"calls {func}() on the imported module {self.dotted(node.args[0])}")
        if func in ("getattr", "hasattr") and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                and isinstance(node.args[1].value, str):  # getattr(print, "__globals__") is print.__globals__
            self.visit_Attribute(ast.copy_location(ast.Attribute(node.args[0], node.args[1].value, ast.Load()), node))
        self.generic_visit(node)

    def _unsafe_load(self, node: ast.Call, func: str | None) -> None:
        """Flag a loader called so that it can run code: ``torch.load`` without
        ``weights_only=True``, any call with ``allow_pickle``, ``weights_only`` or ``safe_mode`` set
        to anything but its safe constant, or the same switch passed positionally."""
        shown = f"{func}()" if func else "a function"
        spread = any(k.arg is None for k in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args)
        if func in TORCH_LOADS:
            safe = any(k.arg == "weights_only" and isinstance(k.value, ast.Constant) and k.value.value is True
                       for k in node.keywords)
            if not safe:
                self.flag(node, f"calls {shown} without weights_only=True, which {_RUNS_DATA}")
            return
        for kw in node.keywords:
            if kw.arg in UNSAFE_KEYWORDS and not (isinstance(kw.value, ast.Constant)
                                                  and kw.value.value is UNSAFE_KEYWORDS[kw.arg]):
                self.flag(node, f"calls {shown} with {kw.arg} other than {UNSAFE_KEYWORDS[kw.arg]}, which {_RUNS_DATA}")
        for loader, position, safe_value in UNSAFE_POSITIONS:
            if func != loader:
                continue
            if spread or (len(node.args) > position and not (isinstance(node.args[position], ast.Constant)
                                                             and node.args[position].value is safe_value)):
                self.flag(node, f"calls {shown} with its safety switch passed by position or unpacked, which "
                                f"{_RUNS_DATA}")

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and any(p in node.value for p in INTERNAL_PACKAGES):
            self.flag(node, "names the grader's internals in a string")

    # --- IPython's magics and shell commands ----------------------------------------------------
    def _shell_call(self, node: ast.Call, method: str) -> bool:
        """Read ``get_ipython().run_line_magic('time', '...')`` and the like (what IPython makes of
        ``%time ...``, ``%%time``, ``!cmd``) as what they run; False if it is not one of those."""
        args = node.args
        if node.keywords or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            return False  # a computed magic or command: visit_Attribute flags the method
        values = [a.value for a in args]
        if method == "run_line_magic" and len(values) == 2:
            self._magic(node, values[0], values[1], None)
        elif method == "run_cell_magic" and len(values) == 3:
            self._magic(node, *values)
        elif method == "show_usage" and not values:  # a cell of just ? or ??: IPython's help text
            pass
        elif method in ("system", "getoutput") and len(values) == 1:
            for field in _fields(values[0]):
                self._nested(field, self.line(node))
            command = values[0] if len(values[0]) <= 60 else values[0][:60] + "..."
            self.flag(node, f"runs the shell command !{command}, which the scan cannot read")
        else:
            return False
        return True

    def _magic(self, node: ast.Call, name: str, line: str, body: str | None) -> None:
        """Read the magic ``%name line`` (``%%name line`` over ``body``) at ``node``."""
        at = self.line(node)
        shown = ("%%" if body is not None else "%") + name
        fields = [] if name in NO_VAR_EXPAND else _fields(line)
        for field in fields:  # IPython evaluates these in the line first
            self._nested(field, at)
        if name in HARMLESS_MAGICS:
            return
        if name not in PYTHON_MAGICS:
            self.flags.append(Flag(self.cell, at, f"uses {shown}, which runs code the scan cannot read "
                                                  "(a shell command, another program, a file, or a magic it "
                                                  "does not know)"))
            return
        if name in ("writefile", "file"):
            target = _writefile_target(line)
            suffix = Path(target).suffix
            if fields or suffix == ".py":  # Python the notebook can import: read as a file of the folder
                self._nested(body or "", at + 1, fresh=True, file=target or "a file")
            elif suffix in UNREADABLE_CODE:
                self.flags.append(Flag(self.cell, at, f"{shown} writes {target}, compiled or packed code, "
                                                      "which the scan cannot read"))
            return
        if name == "config" and fields:
            self.flags.append(Flag(self.cell, at, f"{shown} runs code built at run time (its line holds "
                                                  "{...} or $name)"))
            return
        if name == "config" and line.partition("=")[0].strip().rpartition(".")[2] in SHELL_RUNNERS | SHELL_METHODS:
            self.flags.append(Flag(self.cell, at, f"{shown} sets {line.partition('=')[0].strip()}, which changes "
                                                  "how later cells run"))
        try:
            pieces = _magic_code(name, line, body)
        except Exception:  # noqa: BLE001 (IPython's own parsers: a line IPython may refuse, or read otherwise)
            self.flags.append(Flag(self.cell, at, f"uses {shown} with a line the scan cannot read"))
            return
        for code, below in pieces:
            self._nested(code, at + below)

    def _nested(self, code: str, first: int, fresh: bool = False, file: str | None = None) -> None:
        """Scan ``code`` (a magic's code, which IPython reads as a cell) as this cell's code from
        its line ``first``; ``fresh``: a module of its own (a file ``%%writefile`` writes)."""
        if not code.strip():
            return
        if self.depth >= MAX_DEPTH:
            self.flags.append(Flag(self.cell, first, f"magics nested deeper than the scan reads ({MAX_DEPTH})"))
            return
        try:
            tree = ast.parse(_python(code, self.bound))
        except SyntaxError:
            if file:  # (an import of it would fail, but what cannot be read cannot be vouched for)
                self.flags.append(Flag(self.cell, first, f"writes {file}, which the scan cannot parse"))
            return  # the magic's code cannot run either
        except (RecursionError, MemoryError, ValueError) as err:
            self.flags.append(Flag(self.cell, first, f"cannot be read by the scan ({type(err).__name__})"))
            return
        child = _Scanner(self.cell, {} if fresh else self.aliases, set() if fresh else self.modules,
                         set() if fresh else self.bound, offset=first - 1, depth=self.depth + 1)
        child.visit_code(tree)
        self.flags += child.flags
        self.names += child.names


def _giveaway_uses(names: list[tuple[str, int]], wanted: set[str]) -> list[tuple[int, str]]:
    """(line, what) for each use among ``names`` of a give-away in ``wanted``; ``module.*`` (a
    star import) uses each give-away that the module exports."""
    uses = []
    for name, line in names:
        within = [w for w in wanted if name.startswith(w + ".")]  # (a member of a module that is a give-away)
        if name in wanted:
            uses.append((line, f"uses {name}, which computes this exercise's answer"))
        elif within:
            uses.append((line, f"uses {name}, from {within[0]}, which computes this exercise's answer"))
        elif name.endswith(".*"):
            module = name[:-2]
            exported = getattr(sys.modules.get(module), "__all__", None)
            hits = sorted(w for w in wanted if w.rpartition(".")[0] == module
                          and (exported is None or w.rpartition(".")[2] in exported))
            if hits:
                uses.append((line, f"imports everything from {module} (from {module} import *), "
                                   f"{', '.join(hits)} included, which computes this exercise's answer"))
    return uses


def _regions(nb, labels) -> dict[str, range]:
    """For each exercise label: every cell of the notebook (an answer may be built, or a
    give-away bound to another name, anywhere; its self-check cell may be moved or deleted)."""
    return {label: range(len(nb.cells)) for label in labels}


def normalised(source: str) -> str:
    """A cell's source as the scan compares it with the book's: no trailing blanks, no blank
    lines at either end."""
    return "\n".join(line.rstrip() for line in source.strip("\n").splitlines()).strip()


#: What marks the student edition's stub of a solution (:mod:`actlib.course.student`).
STUB_MARK = "# YOUR CODE HERE"


class BookCode(frozenset):
    """The book's trusted code for one chapter (:func:`book_sources`): a set of whole code cells
    and of the lines that are trusted outside an answer cell, with ``answer_lines`` (the lines
    trusted inside one: those the student edition keeps around its stubs) and ``answer_names``
    (the names the chapter's self-checks read: a cell that binds one is an answer cell)."""

    answer_lines: frozenset[str]
    answer_names: frozenset[str]

    def __new__(cls, trusted=(), answer_lines=(), answer_names=()):
        code = super().__new__(cls, trusted)
        code.answer_lines, code.answer_names = frozenset(answer_lines), frozenset(answer_names)
        return code


def _lines(source: str) -> set[str]:
    return {line.strip() for line in normalised(source).splitlines() if line.strip()}


@functools.lru_cache(maxsize=64)
def _book_sources(book_dir: str, chapter: str | None) -> BookCode:
    from .student import stub_solution

    cells, lines, answer_lines, names = set(), set(), set(), set()
    for path in nbs.chapter_notebooks(book_dir):
        if chapter is not None and path.stem != chapter:
            continue
        book = nbs.read(path)
        checks: dict[str, list[str]] = {}
        for cell in book.cells:
            if nbs.is_self_check(cell):
                for label in nbs.check_labels(cell.source):
                    checks[label] = nbs.answer_names(cell.source, label)
                    names.update(checks[label])
        owner = {i: ex.label for ex in nbs.notebook_exercises(book) for i in ex.solution_cells}
        for i, cell in enumerate(book.cells):
            if cell.cell_type != "code":
                continue
            cells.add(normalised(cell.source))
            if STUB_MARK in cell.source:  # a stub (the student edition's chapters): what an answer cell keeps
                answer_lines |= _lines(cell.source)
            elif nbs.is_solution(cell):  # the book's solution: its stub, as the student edition writes it
                label = owner.get(i, "this exercise")
                stub = stub_solution(cell.source, label, checks.get(label, []))
                cells.add(normalised(stub))
                answer_lines |= _lines(stub)
            else:
                lines |= _lines(cell.source)
    return BookCode(cells | lines, answer_lines, names)


def book_sources(book_dir, chapter: str | None = None) -> BookCode:
    """The code cells of the book's chapter ``chapter`` (a notebook's stem; None: every chapter)
    in ``book_dir``, as the book and its student edition have them, and each of their lines: a
    submission's cell that is one of them, word for word, is the book's and is not flagged (its
    imports still count). A line that is one of the book's is not flagged either, but only
    outside an answer cell; inside one (:func:`answer_cell`) only the lines that the student
    edition keeps around a stub count as the book's, so that a line of the chapter copied into an
    answer is the student's. Only the submission's own chapter counts: a line copied from another
    chapter is the student's."""
    return _book_sources(str(Path(book_dir).resolve()), chapter) if book_dir else BookCode()


def answer_cell(cell, tree: ast.AST, answer_names: frozenset[str]) -> bool:
    """Whether a submitted code cell is one where the student writes an answer: a solution cell
    (its tag or marker), a stub of the student edition, or any cell that binds a name a self-check
    of its chapter reads (``def softplus_derivative``, ``bounded_below = ...``), tags or not."""
    if nbs.is_solution(cell) or STUB_MARK in cell.source:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in answer_names:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in answer_names:
            return True
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) in answer_names:
            return True
    return False


def registered_giveaways() -> dict[str, tuple[str, ...]]:
    """Each exercise's give-aways, as the self-checks declare them."""
    from actlib.exercises import exercises

    return {e.label: e.giveaways for e in exercises() if e.giveaways}


#: Files of a submission's folder the scan cannot read but Python can import or run.
UNREADABLE_CODE = (".pyc", ".pyo", ".so", ".pyd", ".zip", ".egg", ".whl", ".pth")
#: Names that a file or folder beside the notebook (or a module or package anywhere in its folder)
#: must not take: Python would import it in place of the grader's actlib, the libraries its checks
#: use, or Python's start-up hooks.
SHADOWED = frozenset({"actlib", "numpy", "scipy", "torch", "keras", "tensorflow", "matplotlib", "myst_nb",
                      "IPython", "ipykernel", "ipykernel_launcher", "sitecustomize", "usercustomize", "sys",
                      "builtins", "json"})
#: The installed namespace packages (folders without ``__init__.py`` in site-packages): a module
#: or folder of that name in the submission takes their place, or joins them, even from the end of
#: Python's path (a regular package or a module found anywhere on the path wins over namespace
#: portions: reviews 27, 28).
NAMESPACE_PACKAGES = frozenset({"google", "mpl_toolkits", "sphinxcontrib"})
#: The largest Python file, and the largest code cell, the scan reads (bytes).
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
        module = path.name.split(".")[0]
        if module in SHADOWED and (path.parent == folder or path.suffix in (".py", *UNREADABLE_CODE)
                                   or (path.is_dir() and not path.is_symlink() and (path / "__init__.py").exists())):
            # (below the top, a module or package only: os.chdir, %cd or sys.path can put its folder first)
            flags.append(Flag(-1, 1, f"takes the place of the module {module!r} where its folder comes before "
                                     "the installed packages on Python's path (in Jupyter the notebook's folder "
                                     "does; in the grader's kernel, a folder the notebook puts before them)",
                              file=path.relative_to(folder).as_posix()))
        if module in NAMESPACE_PACKAGES and (path.is_dir() or path.suffix in (".py", *UNREADABLE_CODE)):
            flags.append(Flag(-1, 1, f"takes the place of, or joins, the installed namespace package {module!r}, "
                                     "even from the end of Python's path",
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
            flags += [Flag(-1, line, what, label, name) for line, what in _giveaway_uses(scanner.names, set(names))]
    if len(files) > limit:
        flags.append(Flag(-1, 1, f"{len(files)} Python files: only the first {limit} were read", file="."))
    return flags


def scan(nb, giveaways: dict[str, tuple[str, ...]] | None = None,
         trusted: frozenset[str] = frozenset()) -> list[Flag]:
    """The flags of a submitted notebook (an ``nbformat`` notebook); ``giveaways`` maps an
    exercise label to the dotted names of the ``actlib`` functions that are its answer, and
    ``trusted`` holds the book's own code cells and lines (:func:`book_sources`), which are not
    flagged (a line of the book inside an answer cell is, unless it is one of a stub's).

    A code cell larger than :data:`MAX_FILE_BYTES`, or too deeply nested for :mod:`ast`, is
    flagged: what cannot be read cannot be vouched for. A cell that does not parse (nor does
    its IPython rewriting) is not: it cannot run either (the kernel reports a ``SyntaxError``
    and goes on with the next cell).
    """
    giveaways = giveaways or {}
    aliases: dict[str, str] = {}
    modules: set[str] = set()
    bound: set[str] = set()
    flags: list[Flag] = []
    names_by_cell: dict[int, list[tuple[str, int]]] = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if len(cell.source.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:  # (bytes, as a file's size)
            flags.append(Flag(i, 1, "is larger than the scan reads (1 MB)"))
            continue
        try:
            tree = ast.parse(_python(cell.source, bound))
            scanner = _Scanner(i, aliases, modules, bound)
            scanner.visit_code(tree)
        except SyntaxError:  # (it cannot run either: the kernel reports the error and goes on)
            continue
        except (RecursionError, MemoryError, ValueError) as err:  # (a 600-term sum nests too deep for ast)
            flags.append(Flag(i, 1, f"cannot be read by the scan ({type(err).__name__})"))
            continue
        if normalised(cell.source) in trusted:
            continue  # the book's own cell: its imports count, nothing else
        # the book's code kept around a stub (in an answer cell), or in a cell the student changed
        book = getattr(trusted, "answer_lines", frozenset()) \
            if answer_cell(cell, tree, getattr(trusted, "answer_names", frozenset())) else trusted
        book_lines = {n for n, line in enumerate(cell.source.splitlines(), start=1) if line.strip() in book}
        flags += [f for f in scanner.flags if f.line not in book_lines]
        names_by_cell[i] = [(name, line) for name, line in scanner.names if line not in book_lines]
    regions = _regions(nb, giveaways)
    for label, region in regions.items():
        wanted = set(giveaways[label])
        for i in region:
            flags += [Flag(i, line, what, label) for line, what in _giveaway_uses(names_by_cell.get(i, []), wanted)]
    seen, unique = set(), []
    for flag in sorted(set(flags), key=lambda f: (f.cell, f.line, f.what)):
        if (flag.cell, flag.what, flag.label) not in seen:  # once a cell for the same finding
            seen.add((flag.cell, flag.what, flag.label))
            unique.append(flag)
    return unique
