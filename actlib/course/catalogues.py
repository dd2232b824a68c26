"""The translation catalogues (``locales/<language>/LC_MESSAGES/<page>.po``) and their checks.

``python -m actlib.course.catalogues check locales/ja --pot _build/gettext/_build/gettext``
(``make i18n-check``) fails unless every message of the English book, as Sphinx's gettext
builder extracts it now, has a translation that is

* there and not fuzzy (``sphinx-intl update`` keeps a translation marked fuzzy when its English
  sentence changes a little, and drops it when the sentence is rewritten, so a changed
  sentence fails the check until it is translated again);
* whole: each glue role (a glued number), citation, cross-reference target, formula, inline
  code, link, substitution and bold or italic span of the English message is in it, exactly
  (:func:`markup_problems`). Markup that Markdown would not recognise in the translation, such
  as ``**`` left as text where a closing ``**`` follows a Japanese full stop, counts as lost.

Babel (the library Sphinx and sphinx-intl use for catalogues) reads them; MyST's own
markdown-it parser, with the book's extensions, reads each message's markup.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

#: The book's MyST extensions (``_config.yml``, parse.myst_enable_extensions).
MYST_EXTENSIONS = {"amsmath", "dollarmath", "colon_fence", "deflist", "substitution"}
#: Roles whose whole content must stay as it is: glued values and citations.
KEEP_WHOLE = ("glue", "cite")
#: Roles whose target must stay as it is (their text may be translated).
KEEP_TARGET = ("ref", "numref", "doc", "eq", "download")
#: Markup that must not be left as plain text in a translation.
STRAY = ("**", "{glue", "{cite", "{ref}", "{doc}", "{term}", "{numref}", "`")


def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=MYST_EXTENSIONS), RendererHTML)


def _target(content: str) -> str:
    """A reference role's target: ``text <target>`` -> ``target``; a bare target as it is."""
    content = content.strip()
    if content.endswith(">") and "<" in content:
        return content[content.rindex("<") + 1:-1].strip()
    return content


#: A hard line break (a backslash at a line's end) as a message shows it: Sphinx joins a
#: paragraph's lines with spaces, so the English message has "\\ " where its page breaks the line.
FLATTENED_BREAK = "\\ "


def markup(text: str, parser=None, flattened: bool = False) -> Counter:
    """What of ``text``'s inline markup a translation must keep, as a multiset of labelled items.
    ``flattened``: ``text`` is an English message, whose hard line breaks read "\\ " (a
    translation must end those lines with a backslash and a newline, or the page shows "\\")."""
    parser = parser or _parser()
    found: Counter = Counter()
    # (a display formula's message, where "\\\\ " ends a row: the book writes each as "$$" on lines
    # of their own, whose message Sphinx keeps with its leading newline; a formula on the line of its
    # opening "$$" or a {math} directive would not be told from prose, so the book has none:
    # tests/test_i18n.py::test_display_formulas_are_written_as_the_catalogue_check_reads_them)
    formula = text.startswith("\n") or text.lstrip().startswith(("\\begin{", "$$"))
    for block in parser.parseInline(text):
        for token in block.children or ():
            kind = token.type
            if kind == "hardbreak":
                found["hard line break"] += 1
            if kind == "myst_role":
                name = token.meta.get("name", "")
                if name.split(":")[0] in KEEP_WHOLE:
                    found[f"{{{name}}}`{token.content}`"] += 1
                elif name in KEEP_TARGET:
                    found[f"{{{name}}} -> {_target(token.content)}"] += 1
                else:  # term (its target is the translated glossary term), abbr, ...
                    found[f"{{{name}}} role"] += 1
            elif kind in ("math_inline", "math_inline_double", "code_inline"):
                found[f"{kind} {token.content}"] += 1
            elif kind == "link_open":
                found[f"link {token.attrs.get('href', '')}"] += 1
            elif kind == "substitution_inline":
                found[f"{{{{ {token.content.strip()} }}}}"] += 1
            elif kind in ("strong_open", "em_open"):
                found[kind] += 1
            elif kind == "text":
                for stray in STRAY:
                    if stray in token.content:
                        found[f"stray {stray!r} in text"] += 1
                breaks = 0 if formula else token.content.count(FLATTENED_BREAK)
                if breaks:
                    found["hard line break" if flattened else "a backslash before a space (a hard line break"
                          " is a backslash and a newline)"] += breaks
    return found


def markup_problems(msgid: str, msgstr: str, parser=None) -> list[str]:
    """How ``msgstr``'s markup differs from ``msgid``'s (empty when the translation keeps it all)."""
    parser = parser or _parser()
    english, translated = markup(msgid, parser, flattened=True), markup(msgstr, parser)
    problems = [f"missing {item}" + (f" (x{n})" if n > 1 else "") for item, n in (english - translated).items()]
    problems += [f"extra {item}" + (f" (x{n})" if n > 1 else "") for item, n in (translated - english).items()]
    return problems


@dataclass
class Report:
    """The state of one language's catalogues against the English book's messages."""

    messages: int = 0
    translated: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.translated / self.messages if self.messages else 1.0

    @property
    def ok(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.broken)


def _messages(path: Path) -> dict[str, object]:
    with path.open("rb") as f:
        return {m.id: m for m in read_po(f) if m.id}


def check(locale_dir: Path, pot_dir: Path, pages: list[str] | None = None) -> Report:
    """Every message of every ``pot_dir/<page>.pot`` (or of ``pages`` only, e.g. ``chapters/02_xor``)
    against ``locale_dir/LC_MESSAGES/<page>.po``."""
    locale_dir, pot_dir = Path(locale_dir), Path(pot_dir)
    pots = sorted(pot_dir.rglob("*.pot"))
    if pages:
        unknown = set(pages) - {str(p.relative_to(pot_dir).with_suffix("")) for p in pots}
        if unknown:
            raise ValueError(f"no such pages in {pot_dir}: {sorted(unknown)}")
        pots = [p for p in pots if str(p.relative_to(pot_dir).with_suffix("")) in pages]
    if not pots:
        raise FileNotFoundError(f"no .pot files under {pot_dir}: run `make gettext` first")
    parser = _parser()
    report = Report()
    for pot in pots:
        page = pot.relative_to(pot_dir).with_suffix("")
        po = locale_dir / "LC_MESSAGES" / page.with_suffix(".po")
        translations = _messages(po) if po.is_file() else {}
        for msgid in _messages(pot):
            report.messages += 1
            where = f"{page}: {msgid[:70]!r}"
            message = translations.get(msgid)
            if message is None or not message.string:
                report.untranslated.append(where)
            elif message.fuzzy:
                report.fuzzy.append(where)
            else:
                problems = markup_problems(msgid, message.string, parser)
                if problems:
                    report.broken.append(f"{where}: {'; '.join(problems)}")
                else:
                    report.translated += 1
    return report


_GLUE_PLAIN = "application/papermill.record/text/plain"
_WORD = re.compile(r"[A-Za-z]{2,}")
#: a list in words ("11.3%, 9.7%, 11.3%" takes the edition's comma), not a vector such as "(2, 1)"
_LIST = re.compile(r"^[^([].*, ")


def glued_texts(notebooks) -> dict[str, list[str]]:
    """The glued values of ``notebooks`` that are text with words or a list in it (``"three"``,
    ``"0, 1 and 2"``, ``"11.3%, 9.7%, 11.3%"``), each with where it is glued (``notebook: key``):
    a translated page shows them, so they are translated too (:data:`actlib.course.i18n.GLUED_CATALOGUE`)."""
    import nbformat

    found: dict[str, list[str]] = {}
    for path in sorted(notebooks):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", ()):
                plain = output.get("data", {}).get(_GLUE_PLAIN)
                if plain is None:
                    continue
                try:
                    value = ast.literal_eval(plain)
                except (ValueError, SyntaxError):
                    continue
                if isinstance(value, str) and (_WORD.search(value) or _LIST.search(value)):
                    key = output.get("metadata", {}).get("scrapbook", {}).get("name", "?")
                    found.setdefault(value, []).append(f"{Path(path).stem}: {key}")
    return found


def write_glued_pot(notebooks, out: Path) -> int:
    """Write :func:`glued_texts` as a catalogue template; returns how many messages it holds."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(project="actbook", fuzzy=False)
    for text, where in glued_texts(notebooks).items():
        catalog.add(text, auto_comments=where)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with Path(out).open("wb") as f:
        write_po(f, catalog, width=0, omit_header=True, sort_output=True)
    return len(catalog)


def toc_captions(toc: Path) -> list[str]:
    """The captions of the table of contents' parts (``_toc.yml``: "Foundations", ...), which
    a translated edition shows in its own table of contents (:mod:`actlib.course.edition`)."""
    import yaml

    data = yaml.safe_load(Path(toc).read_text(encoding="utf-8")) or {}
    return [part["caption"] for part in data.get("parts", []) if part.get("caption")]


def write_toc_pot(toc: Path, out: Path) -> int:
    """Write :func:`toc_captions` as a catalogue template; returns how many messages it holds."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(project="actbook", fuzzy=False)
    for caption in toc_captions(toc):
        catalog.add(caption, auto_comments=["a caption of _toc.yml"])
    with Path(out).open("wb") as f:
        write_po(f, catalog, width=0, omit_header=True)
    return len(catalog)


def add_read_messages(pot_dir: Path, doctree_dir: Path) -> int:
    """Add to each page's catalogue template the messages of the page as Sphinx read it (its
    pickled doctree, ``doctree_dir/<page>.doctree``) that the gettext builder missed. The
    builder extracts from the page as written, after the post-transforms, and sphinx-exercise's
    and Sphinx's rebuild some nodes without their source there: an exercise's title, a
    button's label. Sphinx's Locale transform translates the page as read, so those messages
    are needed. Returns how many were added."""
    import pickle

    from babel.messages.pofile import read_po, write_po
    from sphinx.util.nodes import extract_messages
    from sphinx_exercise.nodes import exercise_title, solution_title

    added = 0
    for doctree_path in sorted(Path(doctree_dir).rglob("*.doctree")):
        page = doctree_path.relative_to(doctree_dir).with_suffix("")
        pot = Path(pot_dir) / page.with_suffix(".pot")
        if not pot.is_file():
            continue
        with doctree_path.open("rb") as f:
            doctree = pickle.load(f)
        with pot.open("rb") as f:
            catalog = read_po(f)
        # (not sphinx-exercise's own title nodes, "Exercise" + the title and "Solution to":
        # the book translates the title alone, and the words are sphinx-exercise's own)
        missing = [msg for node, msg in extract_messages(doctree)
                   if msg and msg not in catalog and not isinstance(node, (exercise_title, solution_title))]
        for msg in dict.fromkeys(missing):
            catalog.add(msg)
            added += 1
        if missing:
            with pot.open("wb") as f:
                write_po(f, catalog, width=0)
    return added


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Check a language's catalogues against the English messages.")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="fail unless every message is translated, up to date and whole")
    c.add_argument("locale_dir", type=Path, help="e.g. locales/ja")
    c.add_argument("--pot", type=Path, required=True, help="the gettext builder's output (make gettext)")
    c.add_argument("--show", type=int, default=20, help="how many problems of each kind to list")
    c.add_argument("--page", action="append", help="only this page (e.g. chapters/02_xor); repeat for more")
    g = sub.add_parser("glued-pot", help="write the glued texts of the chapters' notebooks as a .pot")
    g.add_argument("chapters", type=Path)
    g.add_argument("-o", "--out", type=Path, required=True)
    t = sub.add_parser("toc-pot", help="write the captions of _toc.yml as a .pot")
    t.add_argument("toc", type=Path)
    t.add_argument("-o", "--out", type=Path, required=True)
    r = sub.add_parser("read-messages", help="add the messages of the pages as read to their .pot files")
    r.add_argument("doctrees", type=Path, help="the gettext build's doctrees (its .doctrees folder)")
    r.add_argument("--pot", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "toc-pot":
        print(f"{args.out}: {write_toc_pot(args.toc, args.out)} captions")
        return 0
    if args.command == "read-messages":
        print(f"{args.pot}: {add_read_messages(args.pot, args.doctrees)} messages of the pages as read added")
        return 0
    if args.command == "glued-pot":
        n = write_glued_pot(sorted(args.chapters.glob("*.ipynb")), args.out)
        print(f"{args.out}: {n} glued texts")
        return 0
    report = check(args.locale_dir, args.pot, args.page)
    print(f"{args.locale_dir}: {report.translated} of {report.messages} messages translated and whole "
          f"({report.coverage:.1%}); {len(report.untranslated)} untranslated, {len(report.fuzzy)} fuzzy "
          f"(out of date), {len(report.broken)} with markup lost")
    for title, items in (("untranslated", report.untranslated), ("fuzzy", report.fuzzy),
                         ("markup lost", report.broken)):
        for item in items[:args.show]:
            print(f"  {title}: {item}")
        if len(items) > args.show:
            print(f"  ... and {len(items) - args.show} more {title}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
