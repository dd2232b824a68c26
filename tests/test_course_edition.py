"""The course edition (actlib.course.course_edition, issue 26 item 6): the book's HTML without the
solutions. `make course-book` builds it in `make test`; here, what it is built from."""

from __future__ import annotations

import nbformat
import pytest

from actlib.course import course_edition as ce
from actlib.course import notebooks as nbs
from actlib.course.student import student_notebook

ROOT = ce.book_root()


@pytest.fixture(scope="module")
def chapter():
    return nbs.read(ROOT / "chapters" / "01_perceptron.ipynb")


def test_a_course_chapter_keeps_exercises_and_outputs_but_no_solution(chapter):
    course = student_notebook(chapter, banner=ce.BANNER, for_html=True)
    text = "\n".join(c.source for c in course.cells)
    assert "solution-start" not in text and "BEGIN SOLUTION" not in text and "{solution}" not in text
    assert text.count("```{exercise") == sum(c.source.count("```{exercise") for c in chapter.cells) > 0
    assert "Course edition" in course.cells[1].source
    stubs = [c for c in course.cells if nbs.is_solution(c)]
    assert stubs and all(not c.outputs and "NotImplementedError" in c.source for c in stubs)
    def shown(nb):  # code cells with stored outputs, solutions and self-checks aside
        return [c for c in nb.cells if c.cell_type == "code" and c.outputs
                and not nbs.is_solution(c) and not nbs.is_self_check(c)]

    assert len(shown(course)) >= len(shown(chapter)) - 3  # (code inside a gated solution goes with it)
    checks = [c for c in course.cells if nbs.is_self_check(c)]
    assert len(checks) == sum(nbs.is_self_check(c) for c in chapter.cells)


def test_the_sources_build_from_stored_outputs(tmp_path):
    written = ce.write_sources(ROOT, tmp_path / "src")
    assert {p.name for p in written} == {p.name for p in nbs.chapter_notebooks(ROOT / "chapters")}
    assert 'execute_notebooks: "off"' in (tmp_path / "src" / "_config.yml").read_text(encoding="utf-8")
    for page in ce.INSTRUCTOR_PAGES:  # (working answers and the grader's limits: not for students)
        assert "course edition of the book" in (tmp_path / "src" / page).read_text(encoding="utf-8")
    for skipped in ("audit", "tests", "_build", ".git"):
        assert not (tmp_path / "src" / skipped).exists()
    for path in written:
        nbformat.validate(nbformat.read(str(path), 4))
    with pytest.raises(FileNotFoundError, match="not the book's folder"):
        ce.write_sources(tmp_path / "nowhere", tmp_path / "other")


def test_check_finds_a_solution_or_a_pdf_and_passes_a_clean_edition(tmp_path):
    page = tmp_path / "chapters" / "x.html"
    page.parent.mkdir()
    page.write_text('<div class="exercise admonition">Exercise 1.1</div>', encoding="utf-8")
    assert ce.check(tmp_path) == []
    page.write_text('<div class="exercise admonition"></div><div class="solution dropdown">', encoding="utf-8")
    assert any("solution" in p for p in ce.check(tmp_path))
    page.write_text('<div class="exercise"></div><a href="../actbook.pdf">PDF</a>', encoding="utf-8")
    assert any(".pdf" in p for p in ce.check(tmp_path))
    page.write_text("<p>no exercises</p>", encoding="utf-8")
    assert ce.check(tmp_path) == ["no exercise in any page"]
    page.write_text('<div class="exercise"></div>', encoding="utf-8")
    download = tmp_path / "_sources" / "x.ipynb"
    download.parent.mkdir()
    download.write_text('{"outputs": [{"text": ["Correct (zoo-swish-minimum). x* = ..."]}]}', encoding="utf-8")
    assert ce.check(tmp_path) == ["_sources/x.ipynb: \"a self-check's stored verdict\""]


def test_self_checks_keep_no_stored_verdict(chapter):
    course = student_notebook(chapter, banner=ce.BANNER, for_html=True)
    assert all(not c.outputs for c in course.cells if nbs.is_self_check(c))
