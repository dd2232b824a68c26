"""Read the exercises of a chapter notebook, following CONTRIBUTING.md's conventions.

An exercise is a ``{exercise}`` directive (label ``<chapter>-<name>``), a gated solution
(``{solution-start}`` ... ``{solution-end}``) holding prose and code cells tagged
``solution`` (the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` is the
answer), and a code cell tagged ``self-check`` that calls ``actlib.check(label, answer)``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
SOLUTION_TAG = "solution"
SELF_CHECK_TAG = "self-check"

# actlib.check("label", ...), check('label', ...)
CHECK_CALL = re.compile(r"""\bcheck\(\s*(["'])(?P<label>[\w.:-]+)\1""")
_FENCE_OPEN = re.compile(r"^(?P<indent>\s{0,3})(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}(?P<arg>.*)$")


def read(path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def check_labels(source: str) -> list[str]:
    """The exercise labels that ``actlib.check`` calls in ``source`` name."""
    return [m.group("label") for m in CHECK_CALL.finditer(source)]


def is_self_check(cell) -> bool:
    return cell.cell_type == "code" and (SELF_CHECK_TAG in tags(cell) or bool(check_labels(cell.source)))


def is_solution(cell) -> bool:
    return cell.cell_type == "code" and (SOLUTION_TAG in tags(cell) or BEGIN in cell.source)


@dataclass
class NotebookExercise:
    """One exercise of a notebook: cell indices of its solution code and its self-check."""

    label: str
    solution_cells: list[int] = field(default_factory=list)
    self_check_cells: list[int] = field(default_factory=list)


def notebook_exercises(nb) -> list[NotebookExercise]:
    """The exercises of ``nb`` in order, keyed by their self-check's label.

    A solution cell belongs to the first self-check cell after it.
    """
    found: dict[str, NotebookExercise] = {}
    pending: list[int] = []
    for i, cell in enumerate(nb.cells):
        if is_solution(cell):
            pending.append(i)
        elif is_self_check(cell):
            for label in check_labels(cell.source) or [f"<unlabelled cell {i}>"]:
                ex = found.setdefault(label, NotebookExercise(label))
                ex.self_check_cells.append(i)
                ex.solution_cells.extend(pending)
                pending = []
    return list(found.values())


def exercise_labels(nb) -> list[str]:
    """Labels of the ``{exercise}`` directives in the notebook's markdown."""
    labels = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for block in directive_blocks(cell.source):
            if block.name in ("exercise", "exercise-start") and block.options.get("label"):
                labels.append(block.options["label"])
    return labels


def solution_regions(source: str) -> list[str]:
    """The text between each ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (whole cell if none)."""
    regions, current = [], None
    for line in source.split("\n"):
        if BEGIN in line:
            current = []
        elif END in line and current is not None:
            regions.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    if current is not None:
        raise ValueError("### BEGIN SOLUTION without ### END SOLUTION")
    return regions or [source]


@dataclass
class Directive:
    name: str
    argument: str
    options: dict
    start: int  # first line (the opening fence)
    end: int  # last line (the closing fence), inclusive
    body_start: int  # first line of the body, after the options


def directive_blocks(text: str) -> list[Directive]:
    """The top-level MyST directives (```` ```{name} ```` or ``:::{name}``) in ``text``."""
    lines = text.split("\n")
    blocks, i = [], 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        fence = m.group("fence")
        end = _closing_fence(lines, i + 1, fence)
        options, j = {}, i + 1
        while j < end and (opt := re.match(r"^\s*:([\w-]+):\s*(.*)$", lines[j])):
            options[opt.group(1)] = opt.group(2).strip()
            j += 1
        blocks.append(Directive(m.group("name"), m.group("arg").strip(), options, i, end, j))
        i = end + 1
    return blocks


def _closing_fence(lines: list[str], start: int, fence: str) -> int:
    char, n = fence[0], len(fence)
    for k in range(start, len(lines)):
        stripped = lines[k].strip()
        if len(stripped) >= n and set(stripped) == {char}:
            return k
    return len(lines) - 1  # unclosed: the directive runs to the end of the cell


def assigned_names(code: str) -> list[str]:
    """Names bound at the top level of ``code`` (assignments, defs, classes, imports)."""
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return re.findall(r"^\s*(?:def\s+|class\s+)?([A-Za-z_]\w*)\s*[=(:]", code, flags=re.M)
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.extend(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.extend((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def answer_names(check_source: str, label: str) -> list[str]:
    """The variables the self-check of ``label`` passes to ``actlib.check`` as the answer."""
    try:
        tree = ast.parse(check_source)
    except SyntaxError:
        return []
    names = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == label):
            names.extend(n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name))
    return list(dict.fromkeys(names))


def chapter_notebooks(chapters_dir) -> list[Path]:
    """The book's chapter notebooks, in file-name order."""
    return sorted(p for p in Path(chapters_dir).glob("*.ipynb") if not p.name.startswith("."))
