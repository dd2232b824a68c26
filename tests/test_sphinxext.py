"""The book's Sphinx extension (actlib.course.sphinxext): solutions as a reader sees them, and
the instructor guide's exercise table under the book's exercise numbers and titles."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from actlib.course import notebooks as nbs
from actlib.course import sphinxext

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

SOLUTION_CODE = """def softplus_derivative(x):
    ### BEGIN SOLUTION
    return 1 / (1 + np.exp(-x))
    ### END SOLUTION"""


def test_strip_solution_markers_removes_only_the_marker_lines():
    assert sphinxext.strip_solution_markers(SOLUTION_CODE) == (
        "def softplus_derivative(x):\n    return 1 / (1 + np.exp(-x))")
    # a line that merely mentions a marker (a string, a comment) stays
    code = 'print("### BEGIN SOLUTION")\nx = 1  # ### END SOLUTION ends it'
    assert sphinxext.strip_solution_markers(code) == code
    assert sphinxext.strip_solution_markers("") == ""


def _document():
    return new_document("<test>", get_default_settings(Parser))


def _solution(title_text="Solution to", exercise="Exercise 1.1 (Train a gate)"):
    from sphinx_exercise.nodes import solution_node

    solution = solution_node()
    title = nodes.title()
    title += nodes.Text(title_text)
    ref = nodes.reference("", "", internal=True, refid="perceptron-majority")
    ref += nodes.Text(" " + exercise)
    title += ref
    solution += title
    return solution


def _code_cell(code, classes):
    cell = nodes.container(classes=["cell", *classes])
    cell += nodes.literal_block(code, code, language="ipython3")
    return cell


def test_clean_solutions_removes_markers_in_solutions_and_the_title_link():
    doc = _document()
    solution = _solution()
    solution += _code_cell(SOLUTION_CODE, ["tag_solution"])
    doc += solution
    # a solution cell outside a solution directive is cleaned too (tagged "solution")
    doc += _code_cell(SOLUTION_CODE, ["tag_solution"])
    # any other code keeps its text: the markers test of the browser test would catch it
    doc += _code_cell(SOLUTION_CODE, [])

    removed = sphinxext.clean_solutions(doc)

    assert removed == 4
    blocks = list(doc.findall(nodes.literal_block))
    for block in blocks[:2]:
        assert "SOLUTION" not in block.astext()
        assert block.rawsource == block.astext()  # so that the HTML writer still highlights it
        assert block["language"] == "ipython3"
    assert blocks[2].astext() == SOLUTION_CODE
    title = solution.children[0]
    assert not list(title.findall(nodes.reference)), "the solution's title still links back to the exercise"
    assert title.astext() == "Solution to Exercise 1.1 (Train a gate)"


def test_clean_solutions_leaves_a_document_without_solutions_alone():
    doc = _document()
    doc += _code_cell("x = 1", [])
    assert sphinxext.clean_solutions(doc) == 0
    assert next(doc.findall(nodes.literal_block)).astext() == "x = 1"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_exercise_has_a_title(path):
    nb = nbs.read(path)
    titles = sphinxext.exercise_titles(nb)
    assert list(titles) == nbs.exercise_labels(nb)
    for label, title in titles.items():
        assert title, f"{path.name}: exercise {label} has no title"


def test_exercise_table_uses_the_books_numbers_and_titles():
    docs = {f"chapters/{p.stem}" for p in CHAPTERS} | {"intro", "instructors"}
    env = SimpleNamespace(srcdir=str(ROOT), found_docs=docs)
    table = sphinxext.exercise_table_markdown(env)
    for path in CHAPTERS:
        for label, title in sphinxext.exercise_titles(nbs.read(path)).items():
            row = f"| {{numref}}`Exercise %s <{label}>`: {sphinxext._table_cell(title)} |"
            assert table.count(row) == 1, f"{label}: no row {row!r} in\n{table}"
    # every exercise row is a number and title of the book, none the registry's own title
    rows = [line for line in table.split("\n") if line.startswith("| {numref}")]
    assert len(rows) == sum(len(nbs.exercise_labels(nbs.read(p))) for p in CHAPTERS)


def test_exercise_table_follows_the_reading_order():
    """Screenshot pass B: the table listed a chapter's second page first (05_deep_networks before
    05_gradients, by name) and its exercises out of order. Pages follow the table of contents;
    a chapter's pages are separated; exercises follow their pages and their order there."""
    toc = ["chapters/05_gradients", "chapters/05_deep_networks", "chapters/07_gan",
           "chapters/07_dcgan_training"]
    env = SimpleNamespace(srcdir=str(ROOT), found_docs=set(toc) | {"intro"},
                          toctree_includes={"intro": toc}, config=SimpleNamespace(root_doc="intro"))
    table = sphinxext.exercise_table_markdown(env)
    assert "{doc}`/chapters/05_gradients` · {doc}`/chapters/05_deep_networks`" in table
    assert "{doc}`/chapters/07_gan` · {doc}`/chapters/07_dcgan_training`" in table
    expected = [label for doc in toc for label in nbs.exercise_labels(nbs.read(ROOT / f"{doc}.ipynb"))]
    rows = [line.split("`")[-2] for line in table.split("\n") if line.startswith("| {numref}")]
    assert rows == expected


def test_table_cell_escapes_the_column_separator():
    assert sphinxext._table_cell("a | b\nc") == "a \\| b c"
