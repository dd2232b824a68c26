"""The book's Sphinx extension: the instructor guide's tables, and two fixes for readers.

``{exercise-table}`` renders, at every build, a summary (exercises per chapter, by
difficulty) and the list of every exercise registered in :mod:`actlib.exercises`, each
linked to the chapter and to the exercise in the book. So the guide cannot go stale: a
check added to ``actlib/exercises/`` shows up at the next build, and an exercise in a
chapter without a registered check is a build warning (an error under ``-W``).

It also fixes two console errors every page of a Jupyter Book 1.x book shows (found by the
browser test, ``tests/browser``):

* sphinx-thebe 0.3.1 adds its inline configuration script twice to every page, so the
  second copy throws "Identifier 'THEBE_JS_URL' has already been declared": identical
  scripts are de-duplicated;
* sphinx-book-theme sets no ``default_mode``, so pydata-sphinx-theme logs "Got invalid theme
  mode" on every page: the mode defaults to ``auto`` (follow the reader's system setting).
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import notebooks as nbs

logger = logging.getLogger(__name__)
_ENV_KEY = "actbook_exercise_table_docs"


def _book_notebooks(env) -> list[tuple[str, list[str]]]:
    """(docname, exercise labels) for every notebook page of the book, in name order."""
    srcdir = Path(env.srcdir)
    out = []
    for doc in sorted(env.found_docs):
        path = srcdir / f"{doc}.ipynb"
        if path.is_file():
            out.append((doc, nbs.exercise_labels(nbs.read(path))))
    return out


def exercise_table_markdown(env) -> str:
    import actlib.exercises

    registered = actlib.exercises.exercises()
    book = _book_notebooks(env)
    page_of = {label: doc for doc, labels in book for label in labels}
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
    lines += ["", "| chapter | exercise | difficulty | self-check label |", "|---|---|---|---|"]
    for chapter in chapters:
        for e in (e for e in registered if e.chapter == chapter):
            title = f"{{ref}}`{e.title} <{e.label}>`" if e.label in page_of else e.title
            lines.append(f"| {chapter_cell(chapter)} | {title} | {e.difficulty} | `{e.label}` |")
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
    context["script_files"] = unique


def setup(app):
    app.add_directive("exercise-table", ExerciseTable)
    app.connect("config-inited", _default_mode)
    app.connect("html-page-context", _dedupe_scripts)
    app.connect("env-get-outdated", _always_outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
