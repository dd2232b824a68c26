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

The book as a PDF (``make pdf``: Sphinx's LaTeX builder, then xelatex), see :func:`setup_pdf`:

* the title page gives the book's version (``actlib.__version__`` and ``git describe``) and date;
* a numbered reference to an exercise (the exercise table's) prints the exercise's number;
* the pages the HTML does not number (the Reference and instructors' parts) are unnumbered
  chapters, their figures numbered 1, 2, ... as in the HTML;
* an interactive (Plotly) figure prints its stored still and a sentence that names its controls
  and sends the reader to its page in the HTML book; a set of tabs, printed one after another,
  is announced as such; the bibliography's entries stay on the Bibliography page;
* the HTML links to the PDF (the landing page's ``{pdf-link}`` and a header button) and the
  build copies it into the site, only when ``make pdf`` has built it.

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

import json
import re
import shutil
import subprocess
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging, texescape
from sphinx.util.docutils import SphinxDirective
from sphinx.util.i18n import format_date

import actlib

from . import notebooks as nbs
from .i18n import N_, tr, translate

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


def _reading_order(env) -> list[str]:
    """The book's pages in the order of its table of contents (depth first from the root page),
    then any page no toctree lists, in name order."""
    def visit(doc):
        if doc in order:
            return
        order.append(doc)
        for child in includes.get(doc, []):
            visit(child)

    # From _toc.yml (sphinx-external-toc's site map): known before any page is read, so a page
    # read first (the instructors' guide, in a fresh build) sees the same order as every other
    # build; else from the toctrees read so far.
    site_map = getattr(env, "external_site_map", None)
    if site_map is not None:
        includes = {name: site_map[name].child_files() for name in site_map}
        root = site_map.root.docname
    else:
        includes = getattr(env, "toctree_includes", {})
        root = getattr(getattr(env, "config", None), "root_doc", "index")
    order: list[str] = []
    visit(root)
    return [d for d in order if d in env.found_docs] + sorted(set(env.found_docs) - set(order))


def _book_notebooks(env) -> list[tuple[str, dict[str, str]]]:
    """(docname, {exercise label: title}) for every notebook page of the book, in reading order."""
    srcdir = Path(env.srcdir)
    out = []
    for doc in _reading_order(env):
        if doc not in env.found_docs:
            continue
        path = srcdir / f"{doc}.ipynb"
        if path.is_file():
            out.append((doc, exercise_titles(nbs.read(path))))
    return out


def _table_cell(markdown: str) -> str:
    """Inline MyST for a table cell (a "|" would end the cell)."""
    return markdown.replace("|", "\\|").replace("\n", " ")


#: The exercise table's own words (a translated edition has them in its interface catalogue).
_TABLE_WORDS = (N_("chapter"), N_("exercises"), N_("all"), N_("exercise"), N_("difficulty"),
                N_("self-check label"), N_("Exercise %s"))


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

    pages = [d for d, _ in book]
    position = {label: (pages.index(doc), list(titles).index(label)) for doc, titles in book for label in titles}

    def in_reading_order(exercises):
        return sorted(exercises, key=lambda e: position.get(e.label, (len(pages), 0)))

    def chapter_cell(chapter):
        docs = {page_of[e.label] for e in registered if e.chapter == chapter and e.label in page_of}
        cell = " · ".join(f"{{doc}}`/{d}`" for d in sorted(docs, key=pages.index))
        return cell or f"`{chapter}` (not in the book yet)"

    app = getattr(env, "app", None)  # (a translated edition: its words for the headers and labels)
    word = {english: tr(app, english) for english in _TABLE_WORDS}
    lines = [f"| {word['chapter']} | {word['exercises']} | easy | medium | hard |", "|---|---|---|---|---|"]
    for chapter in chapters:
        mine = [e for e in registered if e.chapter == chapter]
        counts = [sum(e.difficulty == d for e in mine) for d in ("easy", "medium", "hard")]
        lines.append(f"| {chapter_cell(chapter)} | {len(mine)} | " + " | ".join(map(str, counts)) + " |")
    lines.append(f"| **{word['all']}** | **{len(registered)}** | " + " | ".join(
        str(sum(e.difficulty == d for e in registered)) for d in ("easy", "medium", "hard")) + " |")
    # One short table per chapter (three columns fit a phone's width): the exercise under its
    # number and title in the book, as the reader sees it above the exercise.
    for chapter in chapters:
        lines += ["", f"**{chapter_cell(chapter)}**", "",
                  f"| {word['exercise']} | {word['difficulty']} | {word['self-check label']} |",
                  "|---|---|---|"]
        for e in in_reading_order(e for e in registered if e.chapter == chapter):
            if e.label in page_of:  # (in a translated edition: its word, and the title as its page has it)
                title = translate(app, title_of[e.label], page_of[e.label])
                name = f"{{numref}}`{word['Exercise %s']} <{e.label}>`: {_table_cell(title)}"
            else:
                name = f"{_table_cell(e.title)} (not in the book yet)"
            lines.append(f"| {name} | {e.difficulty} | `{e.label}` |")
    return "\n".join(lines)


class ExerciseTable(SphinxDirective):
    has_content = False

    def run(self):
        _always_read(self.env)
        container = nodes.container(classes=["actbook-exercise-table"])
        text = exercise_table_markdown(self.env)
        self.state.nested_parse(StringList(text.split("\n"), source="<exercise-table>"), self.content_offset,
                                container)
        for paragraph in container.findall(nodes.paragraph):  # (generated in the edition's language already)
            paragraph["translatable"] = False
        return [container]


def _always_read(env) -> None:
    """Read the current page at every build (its content depends on more than its source)."""
    if not hasattr(env, _ENV_KEY):
        setattr(env, _ENV_KEY, set())
    getattr(env, _ENV_KEY).add(env.docname)


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


# --- The book as a PDF ----------------------------------------------------------------------

#: Where ``make pdf`` writes the PDF, relative to the book's folder (config value ``actbook_pdf``),
#: and its name in the HTML site, next to the landing page.
PDF_DEFAULT = "_build/pdf/actbook.pdf"
PDF_NAME = "actbook.pdf"


def book_version(srcdir) -> str:
    """``actlib.__version__``, and ``git describe`` of the book's clone if it is one:
    ``0.1.0 (d702885)``, ``0.1.0 (d702885-dirty)`` for a build with uncommitted changes."""
    try:
        done = subprocess.run(["git", "describe", "--tags", "--always", "--dirty"], cwd=srcdir,
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return actlib.__version__
    described = done.stdout.strip()
    return f"{actlib.__version__} ({described})" if done.returncode == 0 and described else actlib.__version__


def _latex_builder_inited(app):
    if app.builder.format != "latex":
        return
    # sphinx-jupyterbook-latex sets numfig_secnum_depth to 2 (so that LaTeX, whose top level is
    # then the part, numbers figures by chapter); Sphinx then numbers the exercises by section,
    # "Exercise 1.8.1" where the HTML says "Exercise 1.1". Sphinx's numbers stay the HTML's;
    # _latex/actbook.sty numbers LaTeX's figures by chapter itself.
    app.config.numfig_secnum_depth = 1
    context = app.builder.context
    context["release"] = book_version(app.srcdir)
    context["releasename"] = "Version"
    context["date"] = format_date("%Y-%m-%d", language=app.config.language)  # or SOURCE_DATE_EPOCH's


def _in_title(node) -> bool:
    """Whether ``node`` sits in a title (a section's, an admonition's, sphinx-exercise's)."""
    while node is not None:
        if isinstance(node, nodes.title) or "title" in type(node).__name__:
            return True
        node = node.parent
    return False


class LatexExerciseNumbers(SphinxPostTransform):
    """LaTeX: a numbered reference to an exercise prints the exercise's number.

    Sphinx writes ``{numref}`Exercise %s <label>``` as ``Exercise \\ref{chapter:label}``, for
    LaTeX to number; but LaTeX has no counter for exercises and nothing defines that label
    (sphinx-exercise labels an exercise ``exercise:label``), so the PDF printed "Exercise ??".
    sphinx-exercise converts the references within a page into its own LaTeX reference, which
    links ``exercise:label`` and prints the number Sphinx computed, the HTML's; this does the
    same for the references from another page (the instructors' exercise table).

    A plain ``{ref}`text <label>``` to an exercise on another page (chapter 6's to chapter 4's
    exercise) is written as ``\\hyperref[chapter:label]``, a LaTeX label nothing defines either
    (the log's "Hyper reference ... undefined"): it links ``exercise:label`` the same way, with its
    own text.
    """

    default_priority = 25  # after Sphinx (10) and sphinx-exercise (20-22) resolved references
    formats = ("latex",)

    def run(self, **kwargs):
        from sphinx_exercise.nodes import exercise_enumerable_node, exercise_latex_number_reference, exercise_node

        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for ref in list(self.document.findall(addnodes.number_reference)):
            if isinstance(ref, exercise_latex_number_reference):
                continue
            label = ref.get("refid") or ref.get("refuri", "").rpartition("#")[2]
            if not isinstance(registry.get(label, {}).get("node"), exercise_enumerable_node):
                continue
            ref.replace_self(exercise_latex_number_reference("", "", *ref.children, refid=label))
        for ref in list(self.document.findall(nodes.reference)):
            if isinstance(ref, addnodes.number_reference):
                continue
            uri = ref.get("refuri", "")
            label = ref.get("refid") or (uri.rpartition("#")[2] if uri.startswith("%") else "")
            node = registry.get(label, {}).get("node")
            if isinstance(node, (exercise_node, exercise_enumerable_node)):
                ref.replace_self(exercise_latex_number_reference("", "", *ref.children, refid=label))
        # sphinx-exercise writes a reference's text into TeX as it is: a "%" in it ("the 99 %
        # challenge") would end the line. Its text, escaped:
        # (A title escapes its own text: the solutions' "Solution to Exercise 1.1 (...)".)
        for ref in list(self.document.findall(exercise_latex_number_reference)):
            if not _in_title(ref):
                ref.children = [nodes.Text(texescape.escape(ref.astext()))]


class LatexUnnumberedChapters(SphinxPostTransform):
    """LaTeX: a page the HTML does not number (the Reference and instructors' parts) is an
    unnumbered chapter, its figures numbered 1, 2, ... as the HTML numbers them (LaTeX would
    call the zoo chapter 8 and its figures 8.1, 8.2, ...). Each chapter starts with
    ``\\actbooknumberedchapter`` or ``\\actbookunnumberedchapter`` (_latex/actbook.sty)."""

    default_priority = 800  # after sphinx-jupyterbook-latex arranged the parts (700)
    formats = ("latex",)

    def run(self, **kwargs):
        # The landing page, before the first part, as an unnumbered chapter under its own title
        # (the LaTeX writer prints no title for it: the table of contents' "Contents" stayed
        # its running head).
        top = self.document.next_node(nodes.section)
        if top is not None and top.children and isinstance(top[0], nodes.title):
            from sphinx.util.texescape import escape

            title = escape(top[0].astext(), self.config.latex_engine)
            top.insert(1, nodes.raw("", f"\\actbookfrontchapter{{{title}}}\n", format="latex"))
        chapters = set(self.env.toctree_includes.get(self.config.root_doc, []))
        for start in self.document.findall(addnodes.start_of_file):
            doc = start.get("docname")
            if doc in chapters:
                numbered = bool(self.env.toc_secnumbers.get(doc))
                macro = "\\actbooknumberedchapter" if numbered else "\\actbookunnumberedchapter"
                start.insert(0, nodes.raw("", macro + "\n", format="latex"))


_NUMBER_WORDS = {2: "two", 3: "three", 4: "four"}


def _counted(n: int, one: str, many: str) -> str:
    return f"a {one}" if n == 1 else f"{_NUMBER_WORDS.get(n, n)} {many}"


def figure_controls(spec: dict) -> str:
    """The controls of a Plotly figure, in words: "a menu, two sliders and a row of buttons"."""
    layout = spec.get("layout", {})
    menus = layout.get("updatemenus", [])
    dropdowns = sum(1 for m in menus if m.get("type", "dropdown") == "dropdown")
    parts = []
    if dropdowns:
        parts.append(_counted(dropdowns, "menu", "menus"))
    if layout.get("sliders"):
        parts.append(_counted(len(layout["sliders"]), "slider", "sliders"))
    if len(menus) - dropdowns:
        parts.append(_counted(len(menus) - dropdowns, "row of buttons", "rows of buttons"))
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


#: The sentence under an interactive figure's still in a translated edition's PDF, which names
#: no controls (:func:`figure_controls` counts them in English).
TRANSLATED_INTERACTIVE_NOTE = N_("A still of an interactive figure. The figure itself, which its controls "
                                 "change, is on this page of the HTML book: {page}.")


def interactive_note(spec: dict, page: str, app=None) -> nodes.paragraph:
    """The sentence printed under an interactive figure's still: what the HTML page adds."""
    note = tr(app, TRANSLATED_INTERACTIVE_NOTE)
    if note != TRANSLATED_INTERACTIVE_NOTE:  # (a translated edition)
        before, after = note.split("{page}", 1)
        para = nodes.paragraph(classes=["actbook-interactive-note"])
        para += nodes.emphasis(text=before)
        para += nodes.reference("", page, refuri=page, internal=False)
        para += nodes.Text(after)
        return para
    controls = figure_controls(spec)
    single = controls.startswith("a ") and "," not in controls and " and " not in controls
    what = (f", where {controls} {'changes' if single else 'change'} what it shows" if controls
            else ", where it is interactive")
    para = nodes.paragraph(classes=["actbook-interactive-note"])
    para += nodes.emphasis(text="A still of an interactive figure. ")
    para += nodes.Text("The figure itself is on this page of the HTML book, ")
    para += nodes.reference("", page, refuri=page, internal=False)
    para += nodes.Text(what + ".")
    return para


def _is_mime_bundle(node) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == "mime_bundle"


class LatexInteractiveFigures(SphinxPostTransform):
    """LaTeX: under each interactive (Plotly) figure, which prints the still image the notebook
    stored with it, a sentence that names its controls and sends the reader to its HTML page.

    The figure's data comes from what :mod:`actlib.course.plotly_render` rendered for HTML
    (every output type of an output is rendered when a page is read; myst-nb then keeps the
    one the builder prints best, the still for LaTeX)."""

    default_priority = 3  # before myst-nb keeps one output type of each output (SelectMimeType, 4)
    formats = ("latex",)

    def run(self, **kwargs):
        from .plotly_render import _SPEC_SCRIPT, PLOTLY_MIME

        # The page of each output: the innermost start_of_file around it (the LaTeX builder
        # inlines every page into one tree; its nodes' parent links still point to the pages'
        # own documents, so the page is found from the top, not by climbing parents).
        page_of = {}
        for start in self.document.findall(addnodes.start_of_file):
            for bundle in start.findall(_is_mime_bundle):
                page_of[id(bundle)] = start["docname"]
        for bundle in list(self.document.findall(_is_mime_bundle)):
            mimes = {child.get("mime_type"): child for child in bundle.children}
            if PLOTLY_MIME not in mimes or not any(m and m.startswith("image/") for m in mimes):
                continue
            raw = "".join(n.astext() for n in mimes[PLOTLY_MIME].findall(nodes.raw))
            match = _SPEC_SCRIPT.search(raw)
            spec = json.loads(match.group(2).replace("<\\/", "</")) if match else {}
            page = f"{page_of.get(id(bundle), self.env.docname)}.html"
            anchor = bundle
            while anchor.parent is not None and not isinstance(anchor, nodes.figure) and \
                    anchor.get("nb_element") != "cell_code":
                anchor = anchor.parent
            anchor.parent.insert(anchor.parent.index(anchor) + 1, interactive_note(spec, page, self.app))


TABS_NOTE = N_("In the HTML book, the {count} parts below are tabs: {named}.")


def _is_tab_set(node) -> bool:
    return isinstance(node, nodes.container) and node.get("design_component") == "tab-set"


class LatexTabSets(SphinxPostTransform):
    """LaTeX: the PDF prints the tabs of a set (sphinx-design's ``tab-set``) one after another
    under their labels; where the section's prose names the tabs ("the three tabs below", "the
    third tab"), a sentence before them says which parts were tabs."""

    default_priority = 3
    formats = ("latex",)
    _NAMES_TABS = re.compile(r"\btabs?\b", re.I)

    def run(self, **kwargs):
        for tab_set in list(self.document.findall(_is_tab_set)):
            labels = [item.children[0].astext() for item in tab_set.children
                      if isinstance(item, nodes.container) and item.get("design_component") == "tab-item"
                      and item.children and isinstance(item.children[0], nodes.rubric)]
            section = tab_set.parent
            while section is not None and not isinstance(section, nodes.section):
                section = section.parent
            prose = " ".join(p.astext() for p in (section or tab_set).findall(nodes.paragraph)
                             if not _within(p, tab_set))
            if len(labels) < 2 or not self._NAMES_TABS.search(prose):
                continue
            sentence = tr(self.app, TABS_NOTE)
            if sentence == TABS_NOTE:
                named = ", ".join(labels[:-1]) + " and " + labels[-1]
                count = _NUMBER_WORDS.get(len(labels), str(len(labels)))
            else:  # (a translated edition: digits, and the labels listed with its comma)
                named, count = tr(self.app, ", ").join(labels), str(len(labels))
            para = nodes.paragraph(classes=["actbook-tabs-note"])
            para += nodes.emphasis(text=sentence.format(count=count, named=named))
            tab_set.parent.insert(tab_set.parent.index(tab_set), para)


class LatexLongTables(SphinxPostTransform):
    """LaTeX: a table of 8 rows or more may break across pages (Sphinx's ``longtable``), so that
    it starts under the text that introduces it instead of leaving the rest of the page blank.
    Not in a box (an exercise, a solution, a note), which cannot hold one."""

    default_priority = 3
    formats = ("latex",)
    MIN_ROWS = 8

    def run(self, **kwargs):
        for table in self.document.findall(nodes.table):
            rows = sum(len(body.children) for body in table.findall(nodes.tbody))
            if rows < self.MIN_ROWS or "longtable" in table["classes"] or _in_box(table):
                continue
            table["classes"].append("longtable")
            # A longtable's columns need widths (Sphinx gives it "l" columns, which do not wrap):
            # each column's share follows its longest entry, as tabulary's would.
            for group in table.findall(nodes.tgroup):
                specs = [c for c in group.children if isinstance(c, nodes.colspec)]
                longest = [6] * len(specs)
                for row in group.findall(nodes.row):
                    for i, entry in enumerate(e for e in row.children if isinstance(e, nodes.entry)):
                        if i < len(longest):
                            text = entry.astext()
                            word = max((len(w) for w in text.split()), default=0)
                            longest[i] = max(longest[i], min(len(text), 60), word + 3)
                for spec, width in zip(specs, longest, strict=True):
                    spec["colwidth"] = width
            table["classes"].append("colwidths-given")


def _in_box(node) -> bool:
    from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node, solution_node

    boxes = (nodes.Admonition, nodes.sidebar, nodes.topic, exercise_node, exercise_enumerable_node, solution_node)
    while node is not None:
        if isinstance(node, boxes):
            return True
        node = node.parent
    return False


class _BibliographyHere(nodes.Element):
    """Where the bibliography page's entries are (see :class:`LatexBibliographyInPlace`)."""


class LatexBibliographyInPlace(SphinxPostTransform):
    """LaTeX: the bibliography's entries stay on the Bibliography page.

    Sphinx gathers every citation into one ``thebibliography`` at the end of the document (its
    ``BibliographyTransform``, 750), a chapter of its own after the instructors' part, which
    left the book's Bibliography page with its introduction alone. This marks where the
    entries are before they are gathered (740), and puts the gathered list back there (760),
    after ``\\actbookbibliographyhere`` (_latex/actbook.sty), which prints it without a
    chapter heading of its own."""

    default_priority = 740
    formats = ("latex",)

    def run(self, **kwargs):
        first = next(iter(self.document.findall(nodes.citation)), None)
        if first is not None:
            first.parent.insert(first.parent.index(first), _BibliographyHere())


class LatexBibliographyPutBack(SphinxPostTransform):
    default_priority = 760  # after Sphinx's BibliographyTransform (750)
    formats = ("latex",)

    def run(self, **kwargs):
        from sphinx.builders.latex.nodes import thebibliography

        here = next(iter(self.document.findall(_BibliographyHere)), None)
        gathered = [n for n in self.document.children if isinstance(n, thebibliography)]
        if here is None:
            return
        if len(gathered) == 1:
            self.document.remove(gathered[0])
            here.replace_self([nodes.raw("", "\\actbookbibliographyhere\n", format="latex"), gathered[0]])
        else:
            here.parent.remove(here)


def _within(node, ancestor) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def pdf_file(app) -> Path:
    return Path(app.srcdir) / app.config.actbook_pdf


PDF_LINK_TEXT = N_(" (A4, {size} MB), every chapter with its outputs and figures, the exercises with their "
                   "solutions, to print or to read offline. Its interactive figures are still images.")


class PdfLink(SphinxDirective):
    """``{pdf-link}``: a paragraph that links the book as a PDF, in the HTML book, when ``make
    pdf`` has built it (nothing otherwise, and nothing in the PDF itself). The page is read
    at every build, so the link comes and goes with the PDF, which the build copies next to
    the landing page (:func:`_copy_pdf`)."""

    has_content = False

    def run(self):
        _always_read(self.env)
        pdf = Path(self.env.srcdir) / self.config.actbook_pdf
        if self.env.app.builder.format != "html" or not pdf.is_file():
            return []
        uri = "../" * self.env.docname.count("/") + PDF_NAME
        para = nodes.paragraph(classes=["actbook-pdf-link"])
        app = self.env.app
        para += nodes.strong(text=tr(app, "The book as a PDF: "))
        para += nodes.reference("", PDF_NAME, refuri=uri)
        size = f"{pdf.stat().st_size / 1e6:.1f}"
        para += nodes.Text(tr(app, PDF_LINK_TEXT).format(size=size))
        return [para]


def _pdf_header_button(app, pagename, templatename, context, doctree):
    """The header's link to the PDF (sphinx-book-theme's header buttons), when it is built."""
    buttons = context.get("header_buttons")
    if buttons is None or app.builder.format != "html" or not pdf_file(app).is_file():
        return
    buttons.insert(0, {"type": "link", "url": context["pathto"](PDF_NAME, 1), "text": "\u00a0PDF",
                       "icon": "fas fa-book", "label": "book-pdf-button",
                       "tooltip": tr(app, "The whole book as a PDF (A4), to print or to read offline")})


def _copy_pdf(app, exception):
    if exception is None and app.builder.format == "html" and pdf_file(app).is_file():
        shutil.copyfile(pdf_file(app), Path(app.outdir) / PDF_NAME)


def setup_pdf(app):
    app.add_config_value("actbook_pdf", PDF_DEFAULT, "html")
    app.add_directive("pdf-link", PdfLink)
    app.connect("builder-inited", _latex_builder_inited, priority=900)  # after sphinx-jupyterbook-latex's
    app.add_post_transform(LatexExerciseNumbers)
    app.add_post_transform(LatexUnnumberedChapters)
    app.add_post_transform(LatexInteractiveFigures)
    app.add_post_transform(LatexTabSets)
    app.add_post_transform(LatexLongTables)
    app.add_post_transform(LatexBibliographyInPlace)
    app.add_post_transform(LatexBibliographyPutBack)
    app.connect("html-page-context", _pdf_header_button, priority=502)  # after sphinx-book-theme's (501)
    app.connect("build-finished", _copy_pdf)


def setup(app):
    setup_pdf(app)
    app.add_directive("exercise-table", ExerciseTable)
    app.connect("config-inited", _default_mode)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _accessible_body)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("env-get-outdated", _always_outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": actlib.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
