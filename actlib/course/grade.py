"""Which exercises each submitted notebook answers correctly: ``python -m actlib.course.grade submissions/``.

For every ``*.ipynb`` under the folder, the grader reads it (here, whole: a notebook larger than
``--max-notebook``, 32 MB by default, is not run) and

1. runs the submission's code cells in a fresh kernel, in a scratch copy of its folder,
   under limits (:mod:`actlib.course.sandbox`: wall time, memory, processes, no network);
2. where the book has a self-check, observes the answer instead (:mod:`actlib.course.plan`):
   its value, its function's outputs on the check's inputs, a model's predictions, as
   plain data (:mod:`actlib.course.runner`);
3. judges that data here, with the book's own checks (:func:`actlib.exercises.judge`),
   where no code of the submission ever runs.

The answers' names come from the book's own self-check cells: ``--book`` is the book's
``chapters/`` folder (the student edition's will do: it keeps every self-check). It defaults to
the chapters of the checkout this ``actlib`` runs from, else ``./chapters``; an ``actlib``
installed on its own has no chapters, so there ``--book`` is needed.

It prints, chapter by chapter, a table with a row per submission and a column per exercise:

* ``pass``     the check accepts the answer
* ``wrong``    the check rejects it (``IncorrectAnswer``; the CSV has the check's message)
* ``todo``     the stub is still there (``NotAnswered``)
* ``error``    no judgeable answer: the name is undefined, or the kernel did not report it
* ``not run``  execution stopped before the check (time, memory or output limit, dead kernel)
* ``flagged``  the trusted scan of the submission's source (:mod:`actlib.course.scan`, in this
  process) found code that reaches into the grader, patches a module, walks frames, builds code
  at run time, runs code it cannot read (a shell command, a magic it does not know), or uses the
  ``actlib`` function that is the answer: never a pass; the message names the cell and line, and
  what the check itself said

With ``--roster`` it also writes grades that Canvas (``--canvas``) and Moodle (``--moodle``)
import, with points per exercise (``--points``): see :mod:`actlib.course.lms`.
"""

from __future__ import annotations

import argparse
import csv
import os
import stat
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import lms, runner, scan
from . import notebooks as nbs
from . import plan as plans
from .sandbox import Limits, parse_size

STATUSES = ("pass", "wrong", "todo", "error", "not run", "flagged")
#: The longest message kept for one exercise (characters): the rest is cut, since a message can
#: quote what the submission's code raised or printed.
MAX_MESSAGE = 500
_JUDGE_LOCK = threading.Lock()  # the book's checks import Keras and PyTorch: one at a time


@dataclass
class Result:
    submission: str
    chapter: str
    status: dict[str, str] = field(default_factory=dict)  # label -> status
    detail: dict[str, str] = field(default_factory=dict)  # label -> message
    note: str = ""
    seconds: float = 0.0
    limits: str = ""  # what the sandbox enforced, for the log


def verdicts(answers: dict[str, str], run: runner.RunResult,
             seed: int | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Judge each observed answer; labels without an observation are "not run" or "error"."""
    from actlib.exercises import judge

    status, detail = {}, {}
    for label in answers:
        if label in run.observations:
            with _JUDGE_LOCK:
                status[label], detail[label] = judge(label, run.observations[label], seed)
            if len(detail[label]) > MAX_MESSAGE:  # (a message quotes the submission: keep it short)
                detail[label] = detail[label][:MAX_MESSAGE] + " ..."
        elif run.note:
            status[label], detail[label] = "not run", run.note
        else:
            status[label], detail[label] = "error", "the submission's kernel did not report this answer"
    return status, detail


def flag(result: Result, flags: list[scan.Flag]) -> None:
    """Mark the exercises the scan's ``flags`` concern (all of them, for a flag of the whole
    notebook) as ``flagged``, keeping the check's own verdict in the message."""
    found: dict[str, list[str]] = {}
    for f in flags:
        for label in [f.label] if f.label else list(result.status):
            found.setdefault(label, []).append(str(f))
    for label, lines in found.items():
        if label in result.status:
            said = result.status[label] + (f": {result.detail[label]}" if result.detail.get(label) else "")
            result.status[label] = "flagged"
            result.detail[label] = f"flagged: {'; '.join(lines)} (the check alone: {said})"


class NotebookTooLarge(ValueError):
    """A submitted notebook larger than the grader reads (``--max-notebook``)."""


class NotAFile(ValueError):
    """A submitted "notebook" that is not a regular file: a named pipe, a device, a link."""


def read_submission(path: Path, max_bytes: int):
    """The submitted notebook, read in the grader's own process only if it is a regular file of at
    most ``max_bytes`` (raises :class:`NotebookTooLarge`, or :class:`NotAFile` for a special file:
    a named pipe or a device would block or never end; or for a symbolic link, which the grader,
    often root, does not follow: it could point at any file of the machine, review 25)."""
    if os.path.islink(path):
        raise NotAFile("a symbolic link, which the grader does not follow: hand in the notebook itself")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile("not a regular file")
        data = f.read(max_bytes + 1) if info.st_size <= max_bytes else b""
        if info.st_size > max_bytes or len(data) > max_bytes:
            size = max(info.st_size, len(data))
            raise NotebookTooLarge(f"the notebook is {size / 2**20:.1f} MB, more than the grader reads "
                                   f"({max_bytes / 2**20:g} MB, --max-notebook); it was not run")
    return nbformat.reads(data.decode("utf-8"), as_version=4)


def grade_notebook(path: Path, book: dict[str, dict[str, str]], limits: Limits, root: Path | None = None,
                   book_dir: Path | None = None, seed: int | None = None) -> Result:
    """Run, observe and judge one submitted notebook, and scan its source.

    The kernel runs in a scratch copy of the notebook's folder, or of the notebook alone when
    it lies directly in ``root`` (the folder of all submissions, which no submission may read).
    ``book_dir``: the book's chapters, whose code (the submission's chapter's,
    :func:`actlib.course.scan.book_sources`) the scan does not flag. ``seed``: the hidden
    probes' (the same for every submission of a run).
    """
    try:
        nb = read_submission(path, limits.max_notebook_bytes)
    except NotebookTooLarge as err:  # its chapter by its name, every exercise "not run"
        chapter = plans.chapter_of(path, nbformat.v4.new_notebook(), book)
        result = Result(str(path), chapter or "?", note=str(err))
        result.status = {label: "not run" for label in book.get(chapter, {})}
        result.detail = {label: str(err) for label in result.status}
        return result
    except NotAFile as err:  # a special file or a link: the grader's own words
        return Result(str(path), "?", note=f"cannot read the notebook: {err}")
    except Exception as err:  # not a notebook at all (its error, which may quote the file, is not shown)
        return Result(str(path), "?", note=f"cannot read the notebook: {type(err).__name__} (not a notebook "
                                           "in Jupyter's format)")
    chapter = plans.chapter_of(path, nb, book)
    answers = book.get(chapter, {})
    result = Result(str(path), chapter or "?")
    if not answers:
        result.note = "no chapter of the book matches this notebook"
        return result
    own_folder = root is None or path.parent.resolve() != Path(root).resolve()
    giveaways = scan.registered_giveaways()
    found: list[scan.Flag] = []
    done: list[bool] = []

    def scanned(run_folder: Path | None = None) -> None:
        """The scan, before the kernel starts: of the notebook as read above, and of the files in the
        scratch copy the kernel will start with (not the submission's folder, which a kernel that runs
        as the grader's own user could rewrite)."""
        done.append(True)
        try:  # (the scan reads untrusted text: whatever goes wrong in it is a finding, not a crash)
            found.extend(scan.scan(nb, giveaways, scan.book_sources(book_dir, chapter)))
            if own_folder and run_folder is not None:
                found.extend(scan.scan_files(run_folder, giveaways))
        except Exception as err:  # noqa: BLE001
            found.append(scan.Flag(-1, 1, f"the source scan failed ({type(err).__name__}: {str(err)[:200]})",
                                   file=path.name))

    run = runner.run(plans.plan(nb, answers), path.parent if own_folder else path, limits, name=path.stem,
                     seed=seed, before_start=scanned)
    if not done:  # (no scratch copy was made: the notebook, read before the run, is scanned all the same)
        scanned()
    result.status, result.detail = verdicts(answers, run, seed)
    flag(result, found)
    result.note, result.seconds = run.note, run.seconds
    result.limits = f"{run.limits}; {_namespaces(run, limits)}"
    return result


def _namespaces(run: runner.RunResult, limits: Limits) -> str:
    """The limits line's end: what the kernel's network and System V IPC were."""
    if run.network_isolated is None or run.ipc_isolated is None:  # (a kernel that did not start, review 32,
        return "network and System V IPC: not measured (the kernel did not start)"  # or ended at once, 33)
    network = ("network: allowed" if limits.network else
               "network: none" if run.network_isolated else "network: NOT cut off (not possible here)")
    ipc = "own (ends with the kernel)" if run.ipc_isolated else "the machine's (what it leaves stays)"
    return f"{network}; System V IPC: {ipc}"


def grade_all(paths: list[Path], book, limits: Limits, jobs: int = 1, log=None, root=None,
              book_dir: Path | None = None, seed: int | None = None) -> list[Result]:
    """Grade ``paths``, ``jobs`` at a time; results in the order of ``paths``. A submission that
    makes the grader itself fail costs that submission only (a note says why)."""
    def one(path):
        if log:
            print(f"grading {path} ...", file=log, flush=True)
        try:
            return grade_notebook(path, book, limits, root, book_dir, seed)
        except Exception as err:  # noqa: BLE001 (a malformed notebook, a special file, ...)
            return Result(str(path), "?", note=f"the grader could not grade this notebook "
                                               f"({type(err).__name__}: {str(err)[:200]})")

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, paths))


def table(results: list[Result], root: Path) -> str:
    """Plain-text tables, one per chapter: a row per submission, a column per check."""
    blocks = []
    for chapter in dict.fromkeys(r.chapter for r in results):
        rows = [r for r in results if r.chapter == chapter]
        labels = list(dict.fromkeys(label for r in rows for label in r.status))
        prefixes = {label.split("-", 1)[0] for label in labels}  # "zoo-softplus-derivative" -> "softplus-derivative"
        short = [label.split("-", 1)[-1] if len(prefixes) == 1 else label for label in labels]
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
    legend = ("pass = correct; wrong = IncorrectAnswer; todo = NotAnswered (stub left); error = no answer to "
              "judge (undefined, or not reported); not run = execution stopped before the check (see note); "
              "flagged = the source scan found code to read (the CSV names the cell and line)")
    return "\n\n".join(blocks + [legend])


def write_csv(results: list[Result], path: Path):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "chapter", "label", "status", "message"])
        for r in results:
            for label, status in r.status.items():
                writer.writerow([r.submission, r.chapter, label, status, r.detail.get(label, "")])


def default_book(cwd: Path | None = None) -> Path | None:
    """The book's chapters when ``--book`` is not given: the checkout's that holds this
    ``actlib`` (``<checkout>/actlib/course/grade.py``), else ``chapters/`` in ``cwd``; None if
    neither holds a notebook (an installed ``actlib`` away from the book)."""
    candidates = [Path(__file__).resolve().parents[2] / "chapters", Path(cwd or Path.cwd()) / "chapters"]
    return next((c for c in candidates if nbs.chapter_notebooks(c)), None)


def _parser() -> argparse.ArgumentParser:
    defaults = Limits()
    p = argparse.ArgumentParser(prog="python -m actlib.course.grade",
                                description="Run submitted notebooks under limits and judge their answers.")
    p.add_argument("folder", type=Path, help="folder of submitted notebooks (searched recursively)")
    p.add_argument("--book", type=Path, default=None,
                   help="the book's chapter notebooks, for the self-checks' answers (default: the chapters "
                        "of the checkout this actlib runs from, else ./chapters)")
    p.add_argument("--jobs", "-j", type=int, default=1, help="submissions graded at once (default: 1)")
    p.add_argument("--timeout", type=float, default=defaults.wall_seconds,
                   help="wall-time limit per notebook, in seconds (default: %(default)g)")
    p.add_argument("--memory", default="4G", help="memory limit per submission (default: %(default)s)")
    p.add_argument("--max-procs", type=int, default=defaults.max_tasks,
                   help="processes and threads per submission (default: %(default)s)")
    p.add_argument("--max-output", default="20M", help="output per notebook before it is stopped "
                   "(default: %(default)s)")
    p.add_argument("--max-notebook", default="32M", help="the largest notebook file the grader reads (it reads and "
                   "scans it in its own process, before any limit applies); a larger one is not run "
                   "(default: %(default)s)")
    p.add_argument("--allow-network", action="store_true", help="do not cut the kernel off the network")
    p.add_argument("--user", default=defaults.user,
                   help="when run as root, the group the kernels run in is this user's; each kernel runs as a "
                        "user id of its own (default: %(default)s)")
    p.add_argument("--csv", type=Path, help="also write submission,chapter,label,status,message rows here")
    p.add_argument("--seed", type=int, default=None,
                   help="the hidden probes' seed (default: a new one each run, printed with the results)")
    lms_options = p.add_argument_group("grades for an LMS (actlib.course.lms)")
    lms_options.add_argument("--points", type=Path, help="a TOML file of points per exercise (default: by "
                             "difficulty, easy 1, medium 2, hard 3)")
    lms_options.add_argument("--roster", type=Path, help="a CSV file: folder,id,email,name[,section,login], one "
                             "row per student's sub-folder of FOLDER")
    lms_options.add_argument("--canvas", type=Path, help="write the points in Canvas's gradebook import layout "
                             "here (needs --roster)")
    lms_options.add_argument("--moodle", type=Path, help="write the points and feedback in Moodle's CSV grade "
                             "import layout here (needs --roster)")
    return p


def hidden_seed(args) -> int:
    """The hidden probes' seed: ``--seed``, else a fresh one (the report prints it)."""
    import secrets

    return args.seed if args.seed is not None else secrets.randbelow(2**31)


def limits_of(args) -> Limits:
    """The sandbox's limits that the command line's options ask for."""
    return Limits(wall_seconds=args.timeout, memory_bytes=parse_size(args.memory), max_tasks=args.max_procs,
                  max_output_bytes=parse_size(args.max_output), max_notebook_bytes=parse_size(args.max_notebook),
                  network=args.allow_network, user=args.user,
                  cpus=max(1.0, (os.cpu_count() or 1) / args.jobs) if args.jobs > 1 else None)


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    book_dir = args.book or default_book()
    if book_dir is None or not nbs.chapter_notebooks(book_dir):
        where = f"no chapter notebooks in {book_dir}" if book_dir else "no book chapters found"
        print(f"{where}: pass --book PATH, the book's chapters/ folder (or the student edition's)", file=sys.stderr)
        return 2
    limits = limits_of(args)
    paths = sorted(p for p in args.folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not paths:
        print(f"no notebooks under {args.folder}", file=sys.stderr)
        return 2
    book = plans.book_answers(book_dir)
    try:  # the points and the roster are checked before any grading
        scheme, roster = _lms_inputs(args, book, paths)
    except lms.LmsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    start = time.monotonic()
    seed = hidden_seed(args)
    print(f"hidden probes: seed {seed} (--seed {seed} draws the same inputs again)", file=sys.stderr)
    results = grade_all(paths, book, limits, args.jobs, log=sys.stderr, root=args.folder,
                        book_dir=book_dir, seed=seed)
    print(table(results, args.folder))
    for limits_used in dict.fromkeys(r.limits for r in results if r.limits):
        print(f"limits enforced: {limits_used}", file=sys.stderr)
    print(f"graded {len(results)} notebook(s) in {time.monotonic() - start:.0f} s with {args.jobs} job(s)",
          file=sys.stderr)
    if args.csv:
        write_csv(results, args.csv)
    if roster is not None:
        gradebook = lms.gradebook(results, args.folder, roster, book, scheme)
        for warning in gradebook.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        for path, write, what in ((args.canvas, lms.write_canvas, "Canvas"), (args.moodle, lms.write_moodle, "Moodle")):
            if path:
                write(gradebook, path)
                print(f"wrote {what}'s gradebook import file {path}: {len(gradebook.rows)} student(s), "
                      f"{len(gradebook.chapters)} chapter(s)", file=sys.stderr)
    return 0


def _lms_inputs(args, book, paths) -> tuple[lms.Scheme | None, list[lms.Student] | None]:
    """The points scheme and the roster the options ask for, checked (raises :class:`lms.LmsError`);
    the roster's students without a submission are reported on stderr."""
    if (args.canvas or args.moodle) and not args.roster:
        raise lms.LmsError("--canvas/--moodle", ["the LMS files name each student: pass --roster ROSTER.csv"])
    scheme = lms.load_scheme(args.points, book) if (args.points or args.roster) else None
    roster = lms.load_roster(args.roster) if args.roster else None
    if roster is not None:
        for warning in lms.check_roster(roster, paths, args.folder):
            print(f"warning: {warning}", file=sys.stderr)
    return scheme, roster


if __name__ == "__main__":
    sys.exit(main())
