"""Grades an LMS can import: points per exercise, a roster, and Canvas's and Moodle's gradebook CSVs.

The grader (:mod:`actlib.course.grade`) gives each exercise of each submitted notebook a status
(its :class:`~actlib.course.grade.Result` records). This module turns those records into points
and writes them in the layouts two learning-management systems import, one row per student and
one column per chapter; :mod:`actlib.course.gradescope` uses the same points for Gradescope.

**Points.** An exercise is all or nothing: its points if its status is ``pass``, else 0. By
default its points follow its difficulty in ``actlib``'s registry of self-checks
(:data:`DEFAULT_POINTS`: easy 1, medium 2, hard 3). A small TOML file overrides them
(:func:`load_scheme`)::

    [difficulty]          # the points of every exercise of a difficulty
    hard = 4
    [exercises]           # the points of one exercise, by its label
    "keras-cnn-99" = 5
    "zoo-bounded-below" = 0      # still graded and reported, worth nothing
    [columns]             # a chapter's column title in the LMS (default: the notebook's name)
    "03_activation_functions" = "Ch. 3 Activation functions"

An unknown label, difficulty, chapter or table, a negative or non-numeric number, or two chapters
with one column title is an error that names the file and what is wrong.

**Roster.** A CSV file with a header row and one row per student (:func:`load_roster`):
``folder`` (the student's sub-folder of the submissions folder), ``id`` (the student number:
Canvas's *SIS User ID*, Moodle's *ID number*), ``email``, ``name``, and optionally ``section`` and
``login`` (Canvas's *SIS Login ID*; default the e-mail). Duplicate ids, folders or e-mails, empty
fields and unknown columns are errors; so is a submitted folder without a row
(:func:`check_roster`, before any grading). A student without a submitted folder stays in the
exports with 0 points and the feedback "no submission", and the grader says so.

**The layouts** (:func:`write_canvas`, :func:`write_moodle`), from the LMS vendors' and
universities' documentation:

* Canvas, "How do I import grades in the Gradebook?"
  (https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807,
  as summarised by Ohio State's "Import CSV File for Carmen Grades",
  https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades,
  and by the column notes of https://nemogb-dev.github.io/nemogb-r/articles/detailed-canvas-export-info.html):
  the columns ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column per assignment
  (a new name creates an assignment); the first data row is the "Points Possible" row of
  Canvas's own exports (as PrairieLearn writes it: ``apps/prairielearn/src/lib/canvas-csv.ts``).
  ``ID`` is Canvas's internal user id, which a roster does not know: it is left empty, and Canvas
  matches students by the SIS columns. Canvas computes its own total, and its import has no
  column for comments: the Canvas file has neither (the messages are in the Moodle file and in
  the grader's ``--csv``).
* Moodle, "Grade import" (https://docs.moodle.org/311/en/Grade_import): on import, "Map from"
  a column to a user field (``Email address`` to *useremail*, or ``ID number`` to
  *useridnumber*), then map each grade column to a grade item and each feedback column to that
  item's feedback (Moodle's import maps feedback onto existing grade items only: create one
  grade item per chapter first, with the chapter's points as its maximum grade). Import each
  chapter's grade and feedback columns together: importing feedback alone clears the grades.
  The ``Total`` column is for reading; leave it unmapped ("Ignore").
"""

from __future__ import annotations

import csv
import difflib
import math
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_POINTS = {"easy": 1, "medium": 2, "hard": 3}
ROSTER_REQUIRED = ("folder", "id", "email", "name")
ROSTER_OPTIONAL = ("section", "login")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_POSSIBLE = "Points Possible"
MOODLE_IDENTITY = ("ID number", "Email address", "Full name")
NO_SUBMISSION = "no submission"


class LmsError(ValueError):
    """A points file, roster or submissions folder that cannot be used; the message lists every problem."""

    def __init__(self, source, problems: list[str]):
        self.problems = list(problems)
        super().__init__(f"{source}:\n" + "\n".join(f"  - {p}" for p in self.problems))


def _fmt(number: float) -> str:
    """Points as the LMS reads them: ``3``, ``0.5``."""
    return f"{number:g}"


def _is_points(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _table(data: dict, key: str) -> dict:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- points -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    """Points per exercise label, and each chapter's column title in the LMS."""

    points: dict[str, float]
    columns: dict[str, str] = field(default_factory=dict)

    def column(self, chapter: str) -> str:
        return self.columns.get(chapter, chapter)


def registry_difficulties() -> dict[str, str]:
    """{label: difficulty} of every exercise in ``actlib``'s registry of self-checks."""
    from actlib.exercises import exercises

    return {e.label: e.difficulty for e in exercises()}


def load_scheme(path: Path | str | None, book: dict[str, dict[str, str]],
                difficulties: dict[str, str] | None = None, *, other_chapters: Iterable[str] = ()) -> Scheme:
    """The points of every exercise the ``book`` checks (``{chapter: {label: answer}}``, from
    :func:`actlib.course.plan.book_answers`): by difficulty (:data:`DEFAULT_POINTS`), with the
    overrides of the TOML file at ``path`` (module docstring). Raises :class:`LmsError`.

    ``other_chapters``: the course's chapters that are not graded here, which ``[columns]`` may
    name too (one points file for a course, and a Gradescope zip of one chapter)."""
    difficulties = registry_difficulties() if difficulties is None else difficulties
    labels = [label for answers in book.values() for label in answers]
    known_labels = set(difficulties) | set(labels)
    per_difficulty = dict(DEFAULT_POINTS)
    overrides: dict[str, float] = {}
    columns: dict[str, str] = {}
    problems: list[str] = []
    source = path if path else "the default points"
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as err:
            raise LmsError(path, [f"cannot read it: {err.strerror or err}"]) from None
        except tomllib.TOMLDecodeError as err:
            raise LmsError(path, [f"not valid TOML: {err}"]) from None
        tables = {"difficulty": DEFAULT_POINTS, "exercises": known_labels, "columns": book}
        for key, value in data.items():
            if key not in tables:
                problems.append(f"unknown table [{key}]{_suggest(key, tables)}; the tables are "
                                f"[difficulty], [exercises] and [columns]")
            elif not isinstance(value, dict):
                problems.append(f"[{key}] must be a table of 'name = value' lines")
        for name, value in _table(data, "difficulty").items():
            if name not in DEFAULT_POINTS:
                problems.append(f"[difficulty] {name}: unknown difficulty{_suggest(name, DEFAULT_POINTS)}; "
                                f"the difficulties are {', '.join(DEFAULT_POINTS)}")
            elif not _is_points(value) or value < 0:
                problems.append(f"[difficulty] {name} = {value!r}: points must be a number, 0 or more")
            else:
                per_difficulty[name] = value
        for label, value in _table(data, "exercises").items():
            if label not in known_labels:
                problems.append(f"[exercises] {label!r}: no exercise has this label{_suggest(label, known_labels)}")
            elif not _is_points(value) or value < 0:
                problems.append(f"[exercises] {label!r} = {value!r}: points must be a number, 0 or more")
            else:
                overrides[label] = value
        other_chapters = set(other_chapters)
        for chapter, title in _table(data, "columns").items():
            if chapter in other_chapters and chapter not in book:
                continue
            if chapter not in book:
                problems.append(f"[columns] {chapter!r}: no chapter of the book has this name"
                                f"{_suggest(chapter, book)}; the chapters are {', '.join(book)}")
            elif not isinstance(title, str) or not title.strip():
                problems.append(f"[columns] {chapter!r} = {title!r}: a column title must be a non-empty string")
            else:
                columns[chapter] = title.strip()
    titles: dict[str, str] = {}
    for chapter in book:
        title = columns.get(chapter, chapter)
        if title in titles:
            problems.append(f"[columns] chapters {titles[title]!r} and {chapter!r} have the same column title "
                            f"{title!r}")
        titles[title] = chapter
    points = {}
    for label in dict.fromkeys(labels):
        if label in overrides:
            points[label] = overrides[label]
        elif label in difficulties:
            points[label] = per_difficulty[difficulties[label]]
        else:
            problems.append(f"exercise {label!r} has no difficulty in actlib's registry: give its points "
                            f"in the points file's [exercises] table")
    if problems:
        raise LmsError(source, problems)
    return Scheme(points, columns)


# --- the roster -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Student:
    folder: str
    id: str
    email: str
    name: str
    section: str = ""
    login: str = ""

    @property
    def sis_login(self) -> str:
        return self.login or self.email


def load_roster(path: Path | str) -> list[Student]:
    """The students of the roster CSV at ``path`` (module docstring), in its order. Raises
    :class:`LmsError` listing every problem, with line numbers."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a byte-order mark, as Excel writes
    except OSError as err:
        raise LmsError(path, [f"cannot read it: {err.strerror or err}"]) from None
    except UnicodeDecodeError:
        raise LmsError(path, ["not UTF-8 text: save it as CSV UTF-8"]) from None
    reader = csv.DictReader(text.splitlines(), restkey="\0extra")
    header = [h.strip().lower() for h in reader.fieldnames or []]
    problems = []
    missing = [c for c in ROSTER_REQUIRED if c not in header]
    if not header:
        problems.append(f"empty: the first line must name the columns {', '.join(ROSTER_REQUIRED)}")
    elif missing:
        problems.append(f"missing column(s) {', '.join(missing)} in the header line "
                        f"(the columns: {', '.join(ROSTER_REQUIRED)}, optionally {', '.join(ROSTER_OPTIONAL)})")
    allowed = ROSTER_REQUIRED + ROSTER_OPTIONAL
    for column in header:
        if column not in allowed:
            problems.append(f"unknown column {column!r}{_suggest(column, allowed)}: the columns are "
                            f"{', '.join(ROSTER_REQUIRED)}, optionally {', '.join(ROSTER_OPTIONAL)}")
    if len(set(header)) != len(header):
        problems.append("a column name appears twice in the header line")
    if problems:
        raise LmsError(path, problems)
    students, seen = [], {"id": {}, "folder": {}, "email": {}}
    for row in reader:
        line = reader.line_num
        if "\0extra" in row:
            problems.append(f"line {line}: more fields than the header has columns (a comma in a name? "
                            "quote it)")
            continue
        values = {h.strip().lower(): (v or "").strip() for h, v in row.items()}
        if not any(values.values()):
            continue
        empty = [c for c in ROSTER_REQUIRED if not values.get(c)]
        if empty:
            problems.append(f"line {line}: empty {', '.join(empty)}")
            continue
        values["folder"] = values["folder"].rstrip("/")
        if "/" in values["folder"] or values["folder"] in (".", ".."):
            problems.append(f"line {line}: folder {values['folder']!r} must be the name of one sub-folder of "
                            "the submissions folder")
            continue
        for column in seen:
            key = values[column].casefold() if column == "email" else values[column]
            if key in seen[column]:
                problems.append(f"line {line}: duplicate {column} {values[column]!r} (also on line "
                                f"{seen[column][key]})")
            seen[column].setdefault(key, line)
        students.append(Student(**{c: values.get(c, "") for c in allowed}))
    if not students and not problems:
        problems.append("no students: add one line per student below the header line")
    if problems:
        raise LmsError(path, problems)
    return students


def submission_folder(notebook: Path | str, root: Path | str) -> str:
    """The roster ``folder`` a submitted notebook belongs to: its first folder under ``root``
    (a notebook lying in ``root`` itself: its file name)."""
    return Path(os.path.relpath(notebook, root)).parts[0]


def check_roster(roster: list[Student], notebooks: Iterable[Path], root: Path | str) -> list[str]:
    """Raise :class:`LmsError` for submitted folders that no roster row names; return one warning
    per student whose folder holds no notebook (kept, with 0 points)."""
    rostered = {s.folder for s in roster}
    submitted = {submission_folder(p, root) for p in notebooks}
    unknown = sorted(submitted - rostered)
    if unknown:
        raise LmsError(root, [f"{folder}: submitted, but no roster row has this folder (add the student to "
                              "the roster, or move the folder out)" for folder in unknown])
    return [f"{s.name} ({s.id}): no submission: the folder {s.folder!r} holds no notebook; exported with 0 points"
            for s in roster if s.folder not in submitted]


# --- grades ---------------------------------------------------------------------------------------


@dataclass
class ChapterGrade:
    points: float
    possible: float
    feedback: str
    submission: str | None = None  # the notebook graded, relative to the submissions folder


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def chapter_grade(result, answers: dict[str, str], scheme: Scheme, root: Path | str) -> ChapterGrade:
    """Points and feedback of one graded notebook (a :class:`~actlib.course.grade.Result`)."""
    name = os.path.relpath(result.submission, root)
    possible = sum(scheme.points[label] for label in answers)
    earned, parts = 0.0, []
    for label in answers:
        status = result.status.get(label, "not run")
        got = scheme.points[label] if status == "pass" else 0
        earned += got
        message = result.detail.get(label) or result.note or ""
        parts.append(f"{label} {_fmt(got)}/{_fmt(scheme.points[label])} {status}"
                     + (f": {_one_line(message)}" if message else ""))
    head = f"{name}: {_fmt(earned)}/{_fmt(possible)} points"
    if result.note:
        head += f" ({_one_line(result.note)})"
    return ChapterGrade(earned, possible, " | ".join([head, *parts]), name)


@dataclass
class Gradebook:
    """One row per roster student, a :class:`ChapterGrade` per chapter; ``warnings`` for the instructor."""

    chapters: list[str]
    possible: dict[str, float]  # chapter -> its points
    rows: list[tuple[Student, dict[str, ChapterGrade]]]
    scheme: Scheme
    warnings: list[str] = field(default_factory=list)

    def total(self, grades: dict[str, ChapterGrade]) -> float:
        return sum(g.points for g in grades.values())


def gradebook(results, root: Path | str, roster: list[Student], book: dict[str, dict[str, str]],
              scheme: Scheme) -> Gradebook:
    """The students' points per chapter: a column for each chapter of ``book`` that a result
    answers, in the book's order. A chapter without a notebook scores 0 ("no notebook ...");
    where several notebooks of a student answer one chapter, the best counts and the feedback
    and ``warnings`` say so; a notebook that answers no chapter is named in the feedback."""
    graded = {r.chapter for r in results}
    chapters = [c for c in book if c in graded]
    possible = {c: sum(scheme.points[label] for label in book[c]) for c in chapters}
    by_folder: dict[str, list] = {}
    for r in results:
        by_folder.setdefault(submission_folder(r.submission, root), []).append(r)
    rows, warnings = [], []
    for student in roster:
        mine = by_folder.get(student.folder, [])
        unmatched = [f"{os.path.relpath(r.submission, root)} ({_one_line(r.note) or 'no chapter'})"
                     for r in mine if r.chapter not in book]
        grades = {}
        for chapter in chapters:
            candidates = [chapter_grade(r, book[chapter], scheme, root) for r in mine if r.chapter == chapter]
            if not candidates:
                why = (NO_SUBMISSION if not mine else
                       f"no notebook of this chapter in {student.folder}/")
                if unmatched:
                    why += f"; notebooks that answer no chapter: {', '.join(unmatched)}"
                grades[chapter] = ChapterGrade(0, possible[chapter], why)
                continue
            best = max(candidates, key=lambda g: g.points)
            if len(candidates) > 1:
                others = ", ".join(g.submission for g in candidates if g is not best)
                note = f"{len(candidates)} notebooks answer {chapter}: the best counts ({others} also graded)"
                best.feedback = f"{note} | {best.feedback}"
                warnings.append(f"{student.name} ({student.id}): {note}")
            grades[chapter] = best
        rows.append((student, grades))
    return Gradebook(chapters, possible, rows, scheme, warnings)


def write_canvas(book: Gradebook, path: Path | str) -> None:
    """Canvas's gradebook import layout (module docstring): identity columns, a points column per
    chapter, the "Points Possible" row first."""
    columns = [book.scheme.column(c) for c in book.chapters]
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*CANVAS_IDENTITY, *columns])
        writer.writerow([CANVAS_POINTS_POSSIBLE, "", "", "", "", *(_fmt(book.possible[c]) for c in book.chapters)])
        for student, grades in book.rows:
            writer.writerow([student.name, "", student.id, student.sis_login, student.section,
                             *(_fmt(grades[c].points) for c in book.chapters)])


def write_moodle(book: Gradebook, path: Path | str) -> None:
    """Moodle's CSV grade import layout (module docstring): ``ID number``, ``Email address``,
    ``Full name``, then a points column and a feedback column per chapter, and ``Total``."""
    header = list(MOODLE_IDENTITY)
    for chapter in book.chapters:
        header += [book.scheme.column(chapter), f"{book.scheme.column(chapter)} feedback"]
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*header, "Total"])
        for student, grades in book.rows:
            cells = [student.id, student.email, student.name]
            for chapter in book.chapters:
                cells += [_fmt(grades[chapter].points), grades[chapter].feedback]
            writer.writerow([*cells, _fmt(book.total(grades))])
