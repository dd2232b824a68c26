"""Which self-checks pass in each submitted notebook.

``python -m actlib.course.grade submissions/`` runs every ``*.ipynb`` under the folder (each
in a fresh kernel, in its own folder, errors allowed so that one failing exercise does not
hide the others) and prints, chapter by chapter, a table with one row per submission and one
column per self-check:

* ``pass``     the check printed "Correct"
* ``wrong``    it raised ``IncorrectAnswer`` (the student's answer is wrong)
* ``todo``     it raised ``NotAnswered`` (the stub is still there)
* ``error``    it raised something else (e.g. ``NameError``: the answer was never defined)
* ``not run``  execution stopped before it (time-out, dead kernel)

Self-check cells are run as the book wrote them: a check cell whose source the student
changed is restored from the book's notebook, and a check the student deleted is appended
at the end of the notebook, so that every check of the chapter is run on the final answer.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import notebooks as nbs

STATUSES = ("pass", "wrong", "todo", "error", "not run")
_BOOK = Path(__file__).resolve().parents[2] / "chapters"


@dataclass
class Result:
    submission: str
    chapter: str
    status: dict[str, str] = field(default_factory=dict)  # label -> status
    detail: dict[str, str] = field(default_factory=dict)  # label -> message
    note: str = ""


def book_checks(book_dir) -> dict[str, dict[str, str]]:
    """{chapter notebook stem: {label: the book's self-check cell source}}."""
    out = {}
    for path in nbs.chapter_notebooks(book_dir) if book_dir and Path(book_dir).is_dir() else []:
        nb = nbs.read(path)
        checks = {}
        for cell in nb.cells:
            if nbs.is_self_check(cell):
                for label in nbs.check_labels(cell.source):
                    checks[label] = cell.source
        out[path.stem] = checks
    return out


def _chapter_of(path: Path, nb, book: dict[str, dict[str, str]]) -> str | None:
    labels = {label for cell in nb.cells if nbs.is_self_check(cell) for label in nbs.check_labels(cell.source)}
    best = max(book, key=lambda stem: len(labels & set(book[stem])), default=None)
    if best and labels & set(book[best]):
        return best
    for stem in sorted(book, key=len, reverse=True):  # no check left: go by the file's name
        if stem in str(path.with_suffix("")):
            return stem
    return None


def prepare(nb, checks: dict[str, str]):
    """Restore edited self-check cells from the book, append deleted ones; return the labels."""
    seen = []
    for cell in nb.cells:
        if nbs.is_self_check(cell):
            labels = nbs.check_labels(cell.source)
            known = [label for label in labels if label in checks]
            if len(known) == 1 and cell.source != checks[known[0]]:
                cell.source = checks[known[0]]
            seen += labels
    for label, source in checks.items():
        if label not in seen:
            cell = nbformat.v4.new_code_cell(source, metadata={"tags": [nbs.SELF_CHECK_TAG]})
            nb.cells.append(cell)
            seen.append(label)
    return list(dict.fromkeys(seen))


def _kernel_env():
    # The kernel is "python3": make sure that is this Python (the book's .venv).
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    for key, value in {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow",
                       "PYDEVD_DISABLE_FILE_VALIDATION": "1"}.items():
        os.environ.setdefault(key, value)


def execute(nb, cwd: Path, timeout: int) -> str:
    """Execute ``nb`` in place with errors allowed; return "" or why execution stopped early."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    _kernel_env()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    except CellTimeoutError:
        return f"a cell ran longer than {timeout} s"
    except DeadKernelError:
        return "the kernel died"
    return ""


def outcome(cell, label: str) -> tuple[str, str]:
    """The status of one executed self-check cell, and its message."""
    if cell.get("execution_count") is None and not cell.get("outputs"):
        return "not run", ""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            name, value = out.get("ename", ""), out.get("evalue", "")
            if name == "NotAnswered":
                return "todo", value
            if name == "IncorrectAnswer":
                return "wrong", value
            return "error", f"{name}: {value}"
    text = "".join(out.get("text", "") for out in cell.get("outputs", []) if out.get("output_type") == "stream")
    if f"Correct ({label})" in text:
        return "pass", ""
    return "error", "the check printed no verdict"


def grade_notebook(path: Path, book: dict[str, dict[str, str]], *, run: bool = True, timeout: int = 600) -> Result:
    nb = nbs.read(path)
    chapter = _chapter_of(path, nb, book)
    labels = prepare(nb, book.get(chapter, {}))
    result = Result(str(path), chapter or "?")
    if run:
        result.note = execute(nb, path.parent, timeout)
    for label in labels:
        cells = [c for c in nb.cells if nbs.is_self_check(c) and label in nbs.check_labels(c.source)]
        status, detail = outcome(cells[-1], label)
        result.status[label], result.detail[label] = status, detail
    return result


def table(results: list[Result], root: Path) -> str:
    """Plain-text tables, one per chapter: a row per submission, a column per check."""
    blocks = []
    for chapter in dict.fromkeys(r.chapter for r in results):
        rows = [r for r in results if r.chapter == chapter]
        labels = list(dict.fromkeys(label for r in rows for label in r.status))
        short = [label.removeprefix(f"{chapter.split('_', 1)[-1]}-") for label in labels]
        header = ["submission", *short, "passed"]
        body = []
        for r in rows:
            passed = sum(s == "pass" for s in r.status.values())
            name = os.path.relpath(r.submission, root)
            body.append([name, *(r.status.get(label, "-") for label in labels), f"{passed}/{len(labels)}"])
        widths = [max(len(str(x)) for x in col) for col in zip(header, *body, strict=True)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        lines = [f"Chapter {chapter}: {len(rows)} submission(s), {len(labels)} self-check(s)",
                 fmt.format(*header), fmt.format(*("-" * w for w in widths))]
        lines += [fmt.format(*row) for row in body]
        lines += [f"  note: {os.path.relpath(r.submission, root)}: {r.note}" for r in rows if r.note]
        blocks.append("\n".join(lines))
    legend = ("pass = correct; wrong = IncorrectAnswer; todo = NotAnswered (stub left); "
              "error = another exception; not run = execution stopped before the check")
    return "\n\n".join(blocks + [legend])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actlib.course.grade",
                                     description="Run submitted notebooks and tabulate their self-checks.")
    parser.add_argument("folder", type=Path, help="folder of submitted notebooks (searched recursively)")
    parser.add_argument("--book", type=Path, default=_BOOK,
                        help="the book's chapter notebooks, for the official self-checks (default: %(default)s)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default: 600)")
    parser.add_argument("--no-execute", action="store_true",
                        help="read the outputs stored in the submissions instead of running them "
                             "(fast, but trusts them)")
    parser.add_argument("--csv", type=Path, help="also write submission,chapter,label,status,message rows here")
    args = parser.parse_args(argv)
    paths = sorted(p for p in args.folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not paths:
        print(f"no notebooks under {args.folder}", file=sys.stderr)
        return 2
    book = book_checks(args.book)
    results = []
    for path in paths:
        print(f"grading {path} ...", file=sys.stderr, flush=True)
        results.append(grade_notebook(path, book, run=not args.no_execute, timeout=args.timeout))
    print(table(results, args.folder))
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["submission", "chapter", "label", "status", "message"])
            for r in results:
                for label, status in r.status.items():
                    writer.writerow([r.submission, r.chapter, label, status, r.detail.get(label, "")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
