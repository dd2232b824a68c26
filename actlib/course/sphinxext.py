"""The book's Sphinx extension: the instructor guide's tables, and fixes for readers.

``{exercise-table}`` renders, at every build, a summary (exercises per chapter, by
difficulty) and, chapter by chapter, every exercise registered in :mod:`actlib.exercises`
under its number and title in the book (``Exercise 3.1: A softmax that cannot overflow``,
the title of the chapter's ``{exercise}`` directive), linked to the exercise. So the guide
cannot go stale: a check added to ``actlib/exercises/`` shows up at the next build, and an
exercise in a chapter without a registered check is a build warning (an error under ``-W``).

Solutions, as a reader sees them:

* the ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines of a solution's code cells are
  removed from the HTML (the notebooks keep them: the student edition replaces what is
  between them with a stub);
* a solution's title ("Solution to Exercise 3.1 (...)") is plain text, not a link back to
  the exercise, so that a click anywhere on the title bar opens the solution (the book's
  ``_static/actbook.js`` routes clicks on the title's inline parts to the toggle).

The book's header bar, which pydata-sphinx-theme 0.17 adds only to hold a second search box
(``navbar_persistent``), is switched off: one search box on every page.

It also fixes two console errors every page of a Jupyter Book 1.x book shows (found by the
browser test, ``tests/browser``):

* sphinx-thebe 0.3.1 adds its inline configuration script twice to every page, so the
  second copy throws "Identifier 'THEBE_JS_URL' has already been declared": identical
  scripts are de-duplicated;
* sphinx-book-theme sets no ``default_mode``, so pydata-sphinx-theme logs "Got invalid theme
  mode" on every page: the mode defaults to ``auto`` (follow the reader's system setting).
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import actlib

from . import notebooks as nbs

logger = logging.getLogger(__name__)
_ENV_KEY = "actbook_exercise_table_docs"
# A marker line of a solution cell, as written in the notebooks (nbgrader's convention).
_MARKER_LINE = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*$")
SOLUTION_CELL_CLASS = f"tag_{nbs.SOLUTION_TAG}"  # myst-nb's class for a cell tagged "solution"


def strip_solution_markers(code: str) -> str:
    """``code`` without its ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines."""
    return "\n".join(line for line in code.split("\n") if not _MARKER_LINE.match(line))


def _is_solution_node(node) -> bool:
    from sphinx_exercise.nodes import solution_node

    return isinstance(node, solution_node)


def _in_solution(node) -> bool:
    while node is not None:
        if _is_solution_node(node) or SOLUTION_CELL_CLASS in node.get("classes", ()):
            return True
        node = node.parent
    return False


def clean_solutions(doctree) -> int:
    """Remove the marker lines from solutions' code and the link from solutions' titles.

    Returns the number of marker lines removed.
    """
    removed = 0
    for block in list(doctree.findall(nodes.literal_block)):
        text = block.astext()
        if "SOLUTION" not in text or not _in_solution(block):
            continue
        clean = strip_solution_markers(text)
        if clean != text:
            removed += text.count("\n") - clean.count("\n")
            # the HTML writer highlights a block only while rawsource == astext()
            new = nodes.literal_block(clean, clean, **block.attributes)
            block.replace_self(new)
    for solution in list(doctree.findall(_is_solution_node)):
        title = solution.children[0] if solution.children else None
        if not isinstance(title, nodes.title):
            continue
        for ref in list(title.findall(nodes.reference)):
            ref.replace_self(nodes.inline("", "", *ref.children, classes=["actbook-solution-of"]))
    return removed


def _doctree_resolved(app, doctree, docname):
    clean_solutions(doctree)


def exercise_titles(nb) -> dict[str, str]:
    """{label: title} of the ``{exercise}`` directives in the notebook (the title as written)."""
    titles = {}
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for block in nbs.directive_blocks(cell.source):
            if block.name in ("exercise", "exercise-start") and block.options.get("label"):
                titles[block.options["label"]] = block.argument.strip()
    return titles


def _book_notebooks(env) -> list[tuple[str, dict[str, str]]]:
    """(docname, {exercise label: title}) for every notebook page of the book, in name order."""
    srcdir = Path(env.srcdir)
    out = []
    for doc in sorted(env.found_docs):
        path = srcdir / f"{doc}.ipynb"
        if path.is_file():
            out.append((doc, exercise_titles(nbs.read(path))))
    return out


def _table_cell(markdown: str) -> str:
    """Inline MyST for a table cell (a "|" would end the cell)."""
    return markdown.replace("|", "\\|").replace("\n", " ")


def exercise_table_markdown(env) -> str:
    import actlib.exercises

    registered = actlib.exercises.exercises()
    book = _book_notebooks(env)
    page_of = {label: doc for doc, labels in book for label in labels}
    title_of = {label: title for _, titles in book for label, title in titles.items()}
    known = {e.label for e in registered}
    for doc, labels in book:
        for label in labels:
            if label not in known:
                logger.warning(f"exercise {label!r} in {doc} has no self-check registered in actlib.exercises",
                               location=doc)
    chapters = list(dict.fromkeys(e.chapter for e in sorted(
        registered, key=lambda e: ([d for d, _ in book].index(page_of[e.label]) if e.label in page_of else len(book)))))

    def chapter_cell(chapter):
        docs = {page_of[e.label] for e in registered if e.chapter == chapter and e.label in page_of}
        return " ".join(f"{{doc}}`/{d}`" for d in sorted(docs)) or f"`{chapter}` (not in the book yet)"

    lines = ["| chapter | exercises | easy | medium | hard |", "|---|---|---|---|---|"]
    for chapter in chapters:
        mine = [e for e in registered if e.chapter == chapter]
        counts = [sum(e.difficulty == d for e in mine) for d in ("easy", "medium", "hard")]
        lines.append(f"| {chapter_cell(chapter)} | {len(mine)} | " + " | ".join(map(str, counts)) + " |")
    lines.append(f"| **all** | **{len(registered)}** | " + " | ".join(
        str(sum(e.difficulty == d for e in registered)) for d in ("easy", "medium", "hard")) + " |")
    # One short table per chapter (three columns fit a phone's width): the exercise under its
    # number and title in the book, as the reader sees it above the exercise.
    for chapter in chapters:
        lines += ["", f"**{chapter_cell(chapter)}**", "", "| exercise | difficulty | self-check label |",
                  "|---|---|---|"]
        for e in (e for e in registered if e.chapter == chapter):
            if e.label in page_of:
                name = f"{{numref}}`Exercise %s <{e.label}>`: {_table_cell(title_of[e.label])}"
            else:
                name = f"{_table_cell(e.title)} (not in the book yet)"
            lines.append(f"| {name} | {e.difficulty} | `{e.label}` |")
    return "\n".join(lines)


class ExerciseTable(SphinxDirective):
    has_content = False

    def run(self):
        getattr(self.env, _ENV_KEY, set()).add(self.env.docname)
        if not hasattr(self.env, _ENV_KEY):
            setattr(self.env, _ENV_KEY, {self.env.docname})
        container = nodes.container(classes=["actbook-exercise-table"])
        text = exercise_table_markdown(self.env)
        self.state.nested_parse(StringList(text.split("\n"), source="<exercise-table>"), self.content_offset,
                                container)
        return [container]


def _always_outdated(app, env, added, changed, removed):
    return sorted(getattr(env, _ENV_KEY, set()) - set(removed))


def _purge(app, env, docname):
    getattr(env, _ENV_KEY, set()).discard(docname)


def _merge(app, env, docnames, other):
    setattr(env, _ENV_KEY, getattr(env, _ENV_KEY, set()) | getattr(other, _ENV_KEY, set()))


def _default_mode(app, config):
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")  # pydata-sphinx-theme reads it from html_context
    config.html_context = context
    # pydata-sphinx-theme 0.17 fills an otherwise empty header bar with a second search box
    # (next to the one in the sidebar) unless navbar_persistent is set: set it to nothing.
    options = dict(config.html_theme_options or {})
    options.setdefault("navbar_persistent", [])
    config.html_theme_options = options


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (getattr(script, "filename", str(script)) or "",  # inline scripts: None or ""
               tuple(sorted((k, str(v)) for k, v in (getattr(script, "attributes", None) or {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # in place, and last (priority 900): an extension that adds a script to this one page
    # (app.add_js_file in html-page-context) adds it to this very list
    scripts[:] = unique


_SUMMARY_LABEL = '<summary aria-label="Toggle hidden content">'


def _accessible_body(app, pagename, templatename, context, doctree):
    """Citations (the bibliography page) as list items of their ``role="list"``; folded cells'
    toggles named by their visible text.

    docutils 0.21 writes each citation as ``<div role="doc-biblioentry">`` inside a
    ``<div role="list">``: DPUB-ARIA has deprecated ``doc-biblioentry``, and a list whose items
    are not ``listitem`` is a critical accessibility violation (axe: aria-required-children).
    """
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        body = context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')
    # myst-nb's folded cells: <summary aria-label="Toggle hidden content"> shows "Show code cell
    # source", so its name does not contain its visible label (axe: label-content-name-mismatch,
    # WCAG 2.5.3). Without the aria-label the summary is named by what it shows.
    if body and _SUMMARY_LABEL in body:
        context["body"] = body.replace(_SUMMARY_LABEL, "<summary>")


def setup(app):
    app.add_directive("exercise-table", ExerciseTable)
    app.connect("config-inited", _default_mode)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _accessible_body)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("env-get-outdated", _always_outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": actlib.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
