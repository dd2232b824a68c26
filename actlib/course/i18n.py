"""The book's Sphinx extension for its translated editions (the Japanese one: ``make book-ja``).

Sphinx translates a page message by message (its ``Locale`` transform): each translated
message, a catalogue's ``msgstr``, is parsed again on its own, as a small document of its
own. For a notebook that small document has no notebook behind it, so myst-nb's glue roles
(``{glue:text}`key:.2f```) find no glued value there ("No key ... found in glue data for this
document") and the number is dropped. So the book's glue roles (myst-nb's own classes,
registered over them) read, in a translated message only, the page's glued values from the
file myst-nb writes of them, and format them as myst-nb does; a glued value that is text
(``"three"``, ``"0, 1 and 2"``) is translated by a catalogue of its own. A translation keeps the
roles exactly as the English text has them, and :mod:`actlib.course.catalogues` checks that it
does.

It also links every page to its twin in the other edition (:func:`twin_link`): the English
book at the site's root, the Japanese one in ``ja/``. The link is a plain relative URL, so it
works from ``file://`` as on a server.

And it translates the book's own interface strings: the few sentences its extensions write
(``tr(app, "...")`` in ``actlib/course/``) and its scripts show (``_("...")`` in ``_static/``).
Babel extracts them into ``actbook.pot`` beside the pages' catalogues (``make gettext``), so
they are translated, and checked, in ``locales/<language>/LC_MESSAGES/actbook.po`` like any page;
a translated build reads that catalogue (:func:`tr`) and gives the scripts theirs as
``window.actbookText``.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from pathlib import Path

from babel.messages.pofile import read_po
from docutils import nodes
from myst_nb.ext.glue.roles import PasteMarkdownRole, PasteRoleAny, PasteTextRole
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

import actlib

#: Where each edition lives, relative to the English site's root.
EDITION_ROOTS = {"en": "", "ja": "ja/"}
#: The link to the other edition, in the other edition's language.
TWIN_LABELS = {"en": ("日本語", "この頁の日本語版"), "ja": ("English", "This page in English")}


def _notebook(env) -> str:
    """The page's notebook, as a glue role names another document: ``/chapters/01_perceptron.ipynb``."""
    return "/" + str(env.doc2path(env.docname, base=False)).replace("\\", "/")


def _translated(role) -> bool:
    """Whether ``role`` is in a translated message (whose small document has no notebook renderer)."""
    return "nb_renderer" not in role.document


def _glued(env, key: str) -> dict | None:
    """The page's glued value ``key`` (myst-nb's glue file of the page), or None."""
    from myst_nb.ext.glue.crossref import read_glue_cache

    return read_glue_cache(env.mystnb_config.output_folder, env.docname).get(key)


class PasteText(PasteTextRole):
    """``{glue:text}`key:fmt```; in a translated message, the page's glued value formatted as
    myst-nb formats it, and, if it is text (``"three"``, ``"0, 1 and 2"``), translated by the
    catalogue of glued texts (:data:`GLUED_CATALOGUE`)."""

    def run(self):
        if not _translated(self) or "::" in self.text:
            return super().run()
        from myst_nb.core.variables import format_plain_text

        env = self.document.settings.env
        key, fmt = self.text.rsplit(":", 1) if ":" in self.text else (self.text, "s")
        data = (_glued(env, key) or {}).get("data", {})
        if "text/plain" not in data:
            msg = f"glue:text {key!r} in a translated message: no text glued under that key on {env.docname!r}"
            return [], [self.document.reporter.warning(msg, line=self.lineno)]
        text = translate(env.app, format_plain_text(data["text/plain"], fmt), GLUED_CATALOGUE)
        node = nodes.inline(text, text, classes=["pasted-text"])
        self.set_source_info(node)
        return [node], []


class PasteAny(PasteRoleAny):
    """``{glue}`key```; in a translated message, the page's own ``notebook::key``."""

    def run(self):
        if _translated(self) and "::" not in self.text:
            self.text = f"{_notebook(self.document.settings.env)}::{self.text}"
        return super().run()


class PasteMarkdown(PasteMarkdownRole):
    """``{glue:md}`key```; in a translated message, the glued Markdown read from the page's glue
    file, as plain text (the book glues only plain text as Markdown: a version, a pair of numbers)."""

    def run(self):
        if not _translated(self):
            return super().run()
        env = self.document.settings.env
        key = self.text.rsplit(":", 1)[0] if ":" in self.text else self.text
        text = (_glued(env, key) or {}).get("data", {}).get("text/markdown")
        if text is None or _MARKUP.search(text):
            msg = (f"glue:md {key!r} in a translated message: no plain-text Markdown glued on "
                   f"{env.docname!r} (found {text!r})")
            return [], [self.document.reporter.warning(msg, line=self.lineno)]
        node = nodes.inline(text, text, classes=["pasted-text"])
        self.set_source_info(node)
        return [node], []


_MARKUP = re.compile(r"[*_`\[\]$<>]")


#: The catalogue of the book's interface strings, beside the pages' (``locales/<language>/LC_MESSAGES/``),
#: and the catalogue of the notebooks' glued texts (``"three"``, ``"0, 1 and 2"``: glued values
#: that are words, extracted by :func:`actlib.course.catalogues.glued_texts`).
INTERFACE_CATALOGUE, GLUED_CATALOGUE = "actbook", "glued"


@functools.lru_cache(maxsize=64)
def catalogue_strings(locale_dir: str, language: str, catalogue: str) -> dict[str, str]:
    """A catalogue's translations (English -> translation), without fuzzy ones."""
    path = Path(locale_dir) / language / "LC_MESSAGES" / f"{catalogue}.po"
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and m.string and not m.fuzzy}


def build_language(app) -> str:
    """The language of ``app``'s build ("en" in an English build, or without a Sphinx application)."""
    return getattr(getattr(app, "config", None), "language", None) or "en"


def translations(app, catalogue: str) -> dict[str, str]:
    """``catalogue``'s translations in the language of ``app``'s build, over every locale folder
    (empty in an English build)."""
    language = build_language(app)
    if language == "en":
        return {}
    strings: dict[str, str] = {}
    for locale_dir in reversed(app.config.locale_dirs):  # (the first folder wins, as in Sphinx)
        strings.update(catalogue_strings(str(Path(app.srcdir, locale_dir)), language, catalogue))
    return strings


def translate(app, text: str, catalogue: str) -> str:
    """``text`` in the language of ``app``'s build, from ``catalogue`` (unchanged if it has none,
    in an English build, or without a Sphinx application)."""
    return translations(app, catalogue).get(text, text)


def N_(text: str) -> str:
    """Marks ``text`` as an interface string for extraction (Babel), to be translated later by :func:`tr`."""
    return text


def tr(app, text: str) -> str:
    """``text``, one of the book's interface strings, in the language of ``app``'s build."""
    return translate(app, text, INTERFACE_CATALOGUE)


def _script_strings(app) -> None:
    """A translated build's interface strings for the book's scripts, as ``window.actbookText``."""
    if build_language(app) == "en" or app.builder.format != "html":
        return
    strings = translations(app, INTERFACE_CATALOGUE)
    app.add_js_file(None, body=f"window.actbookText = {json.dumps(strings, ensure_ascii=False)};", priority=100)


class TranslatableGeneratedText(SphinxTransform):
    """Text that extensions write without a source, which Sphinx neither extracts into a
    catalogue nor translates: an exercise's own title (sphinx-exercise's subtitle:
    ``{exercise} A softmax that cannot overflow``) and a button's label (sphinx-design's
    ``{button-ref}``), and the cells of a ``{table}`` directive. Each gets its page's source, so
    that both happen (a title or label with inline markup would lose it, and is left as it is)."""

    default_priority = 15  # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs) -> None:
        from sphinx_exercise.nodes import exercise_subtitle

        for subtitle in self.document.findall(exercise_subtitle):
            self._translatable(subtitle)
        for button in self.document.findall(addnodes.pending_xref):
            if "sd-btn" in button.get("classes", ()) and len(button.children) == 1 \
                    and isinstance(button.children[0], nodes.inline):
                self._translatable(button.children[0])
        for table in self.document.findall(nodes.table):  # (a `{table}` directive's cells: symbols.md)
            for cell in table.findall(nodes.paragraph):
                if not cell.source and cell.rawsource and cell.get("translatable", True):
                    holder = next((n for n in _ancestors(cell) if n.line), None)
                    cell.source, cell.line = self.document["source"], holder.line if holder is not None else 0

    def _translatable(self, node) -> None:
        if node.source or not all(isinstance(child, nodes.Text) for child in node.children):
            return
        holder = next((n for n in _ancestors(node) if n.line), None)
        node.source = self.document["source"]
        node.line = holder.line if holder is not None else 0
        node.rawsource = node.astext()
        node["translatable"] = True


class ForgetMessageDocuments(SphinxTransform):
    """After Sphinx's Locale transform: the nodes of each translated message still name the small
    document that message was parsed in (docutils' ``node._document``), so every page's doctree
    pickled those documents too, 10-20 times the English page's size, and loading them when
    Sphinx resolves a numbered reference took most of the Japanese build (a profile: 74 of 137 s).
    They are made to name the page's document."""

    default_priority = 22  # after sphinx.transforms.i18n.Locale (20) and the book's figures (21)

    def apply(self, **kwargs) -> None:
        if (self.config.language or "en") == "en":
            return
        for node in self.document.findall():
            if getattr(node, "_document", None) is not None and node._document is not self.document:
                node._document = self.document


def translate_solution_titles(app, doctree, docname) -> None:
    """A solution's title, "Solution to Exercise 3.7 (A softmax that cannot overflow)", which
    sphinx-exercise builds from the English title after the page was translated: the title in
    the edition's language, from the page's catalogue."""
    if build_language(app) == "en":
        return
    from sphinx_exercise.nodes import solution_node

    titles = {}  # (every page's catalogue: the PDF resolves the whole book as one document)
    for locale_dir in app.config.locale_dirs:
        folder = Path(app.srcdir, locale_dir, app.config.language, "LC_MESSAGES")
        for po in sorted(folder.rglob("*.po")):
            titles.update(translations(app, po.relative_to(folder).with_suffix("").as_posix()))
    for solution in doctree.findall(solution_node):
        if not solution.children or not isinstance(solution.children[0], nodes.title):
            continue
        for text in list(solution.children[0].findall(nodes.Text)):
            if str(text) in titles:
                text.parent.replace(text, nodes.Text(titles[str(text)]))


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


class TermTable(SphinxDirective):
    """``{term-table}``: the book's terms in English and Japanese (``locales/ja/terms.tsv``, the
    list the Japanese edition's translation follows), as a two-column table on the glossary
    page of either edition. The terms are data, not text to translate again."""

    has_content = False
    TERMS = Path("locales") / "ja" / "terms.tsv"

    def run(self):
        path = Path(self.env.srcdir) / self.TERMS
        self.env.note_dependency(str(path))
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
        table = nodes.table(classes=["actbook-term-table"])
        group = nodes.tgroup(cols=2)
        table += group
        group += [nodes.colspec(colwidth=1), nodes.colspec(colwidth=1)]
        head, body = nodes.thead(), nodes.tbody()
        group += [head, body]
        for section, cells in ((head, ("English", "日本語")), *((body, row[:2]) for row in rows)):
            row = nodes.row()
            for cell in cells:
                row += nodes.entry("", nodes.paragraph(cell, cell, translatable=False))
            section += row
        return [table]


def twin_url(pagename: str, language: str, other: str) -> str:
    """The relative URL, from ``pagename`` of the ``language`` edition, of the same page in ``other``.

    >>> twin_url("chapters/01_perceptron", "en", "ja")
    '../ja/chapters/01_perceptron.html'
    >>> twin_url("intro", "ja", "en")
    '../intro.html'
    """
    if language not in EDITION_ROOTS or other not in EDITION_ROOTS:
        raise ValueError(f"editions are {sorted(EDITION_ROOTS)}, not {language!r} and {other!r}")
    depth = pagename.count("/") + EDITION_ROOTS[language].count("/")
    return posixpath.join(*([".."] * depth or ["."]), EDITION_ROOTS[other] + pagename + ".html").removeprefix("./")


def twin_link(app, pagename, templatename, context, doctree):
    """The header's link to this page in the other edition (sphinx-book-theme's header buttons)."""
    buttons = context.get("header_buttons")
    language = app.config.language or "en"
    other = app.config.actbook_twin_language
    if buttons is None or app.builder.format != "html" or not other:
        return
    text, tooltip = TWIN_LABELS[language]  # (each in the language it leads to)
    buttons.insert(0, {"type": "link", "url": twin_url(pagename, language, other), "text": f"\u00a0{text}",
                       "icon": "fas fa-language", "label": "twin-language-button", "tooltip": tooltip})


def setup(app):
    app.add_config_value("actbook_twin_language", "", "html")
    app.add_directive("term-table", TermTable)
    app.add_transform(TranslatableGeneratedText)
    app.add_transform(ForgetMessageDocuments)
    for name, role in (("", PasteAny), ("any", PasteAny), ("text", PasteText), ("md", PasteMarkdown)):
        app.add_role_to_domain("glue", name, role(), override=True)
    app.connect("html-page-context", twin_link, priority=503)  # after the PDF button (502)
    app.connect("builder-inited", _script_strings)
    app.connect("doctree-resolved", translate_solution_titles)
    return {"version": actlib.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
