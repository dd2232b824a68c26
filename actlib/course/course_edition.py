"""The course edition of the HTML book: the whole book with every solution left out.

``python -m actlib.course.course_edition [--out _build/course]`` (or ``make course-book``)
builds, from the same sources as the book, an HTML book to host during a term:

* every chapter as the student edition has it (:func:`actlib.course.student.student_notebook`):
  each solution's prose removed, its code replaced by the stub that raises
  ``NotImplementedError``, the exercises and the self-checks kept; unlike the student edition,
  the exercises stay numbered MyST exercises and every other cell keeps the output the book
  stores, so the pages read as the book's;
* a banner on each chapter that says so;
* no PDF (the book's PDF holds the solutions), no self-check's stored "Correct (...)" output
  (it can hold the answer; the chapters' ``.ipynb`` downloads hold what the pages show), and in
  place of the instructors' pages (working answers, the grader's limits) short pages that say
  where they are.

The sources are copied to ``<out>/src`` (the book's pages, configuration, bibliography and
static files; the chapters transformed), and jupyter-book builds them from the stored outputs,
as ``make book-check`` builds the book (nothing is executed), into ``<out>/html``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from . import notebooks as nbs
from .student import DATA_DIR, student_notebook

BANNER = ("> **Course edition.** The exercises' solutions are left out of this edition of the book: "
          "write yours in the cell that says `YOUR CODE HERE`, then run the self-check below it.")
#: The course edition's instructors' page: the book's own is for instructors only.
INSTRUCTORS_STUB = """# {title}

This is the course edition of the book, which your instructor hosts for this term: the exercises'
solutions are left out of it. The pages for instructors (the exercises' table, the student
edition, the grader) are in the full book and in its repository, not here.
"""
#: The pages the course edition replaces by :data:`INSTRUCTORS_STUB`, with their titles.
INSTRUCTOR_PAGES = {"instructors.md": "For instructors", "grading.md": "Grading submitted notebooks"}
#: What of the book's folder the course edition copies: everything the build reads, nothing else.
SKIP = {"_build", ".venv", ".git", ".github", ".ci", "audit", "tests", "actlib", "node_modules",
        ".jupyter_cache", ".pytest_cache", ".ruff_cache", "chapters"}


def book_root() -> Path:
    """The checkout this ``actlib`` runs from (``<checkout>/actlib/course/course_edition.py``)."""
    return Path(__file__).resolve().parents[2]


def write_sources(root: Path, src: Path) -> list[Path]:
    """Copy the book's sources from ``root`` to ``src``, the chapters without their solutions.

    Returns the chapters written. The configuration builds from the stored outputs."""
    root, src = Path(root), Path(src)
    if not (root / "_config.yml").is_file() or not (root / "_toc.yml").is_file():
        raise FileNotFoundError(f"{root} is not the book's folder: it has no _config.yml and _toc.yml")
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for item in sorted(root.iterdir()):
        if item.name in SKIP or item.name.startswith(".") and item.is_dir():
            continue
        if item.is_dir():
            shutil.copytree(item, src / item.name)
        elif item.is_file():
            shutil.copy2(item, src / item.name)
    config = (root / "_config.yml").read_text(encoding="utf-8")
    stored, n = re.subn(r"execute_notebooks:\s*\w+", 'execute_notebooks: "off"', config, count=1)
    if n != 1:
        raise ValueError("_config.yml has no execute_notebooks setting to turn off")
    # (no language button: the course edition has no Japanese twin beside it)
    stored = re.sub(r"actbook_twin_language:\s*\w+", 'actbook_twin_language: ""', stored, count=1)
    (src / "_config.yml").write_text(stored, encoding="utf-8")
    chapters = src / "chapters"
    chapters.mkdir()
    if (root / "chapters" / DATA_DIR).is_dir():
        shutil.copytree(root / "chapters" / DATA_DIR, chapters / DATA_DIR)
    for page, title in INSTRUCTOR_PAGES.items():  # (for instructors only: working answers, the grader's limits)
        (src / page).write_text(INSTRUCTORS_STUB.format(title=title), encoding="utf-8")
    written = []
    for path in nbs.chapter_notebooks(root / "chapters"):
        course = student_notebook(nbs.read(path), banner=BANNER, for_html=True)
        nbformat.write(course, str(chapters / path.name))
        written.append(chapters / path.name)
    return written


def build(out="_build/course", *, root=None, jupyter_book="jupyter-book") -> Path:
    """Write the course edition's sources to ``<out>/src`` and build its HTML in ``<out>/html``."""
    out = Path(out).resolve()
    root = Path(root) if root else book_root()
    src = out / "src"
    write_sources(root, src)
    html = out / "html"
    done = subprocess.run([jupyter_book, "build", str(src), "--path-output", str(out / "build"),
                           "-W", "-n", "--keep-going"], check=False)
    if done.returncode != 0:
        raise SystemExit(f"the course edition's build failed (exit {done.returncode})")
    if html.exists():
        shutil.rmtree(html)
    shutil.move(str(out / "build" / "_build" / "html"), html)
    return html


#: What shows a solution in a built page: sphinx-exercise's solution admonition, its title, nbgrader's
#: markers; and a PDF (the book's holds the solutions).
SOLUTION_SIGNS = re.compile(r'class="[^"]*\bsolution\b|Solution to Exercise|BEGIN SOLUTION|\.pdf"')
#: ... and in a page's notebook (its download): a self-check's stored verdict, which can hold the answer.
VERDICT = re.compile(r'"text": \[?\s*"Correct \(|"Correct \(')


def check(html) -> list[str]:
    """Problems of a built course edition: a page that shows a solution (or links a PDF), or an
    edition without exercises. Empty if it is fit to host."""
    html = Path(html)
    pages = sorted(html.rglob("*.html")) + sorted(html.rglob("*.ipynb"))  # (the pages' downloads too)
    if not pages:
        return [f"no pages in {html}"]
    problems, exercises = [], 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        exercises += len(re.findall(r'class="[^"]*\bexercise\b', text))
        signs = set(SOLUTION_SIGNS.findall(text))
        if page.suffix == ".ipynb":
            signs |= {"a self-check's stored verdict"} if VERDICT.search(text) else set()
        for sign in sorted(signs):
            problems.append(f"{page.relative_to(html)}: {sign!r}")
    if not exercises:
        problems.append("no exercise in any page")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actlib.course.course_edition",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="_build/course", help="output folder (default: _build/course)")
    parser.add_argument("--jupyter-book", default=str(Path(sys.executable).with_name("jupyter-book")),
                        help="the jupyter-book command (default: the one beside this Python)")
    parser.add_argument("--check", metavar="HTML", type=Path,
                        help="check a built course edition (no solution, no PDF, exercises kept) and exit")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.check)
        for problem in problems:
            print(f"course edition: {problem}", file=sys.stderr)
        print(f"course edition {args.check}: " + (f"{len(problems)} problem(s)" if problems else "no solution in it"))
        return 1 if problems else 0
    html = build(args.out, jupyter_book=args.jupyter_book)
    print(f"The course edition is built: open {html / 'index.html'} (host the folder {html}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
