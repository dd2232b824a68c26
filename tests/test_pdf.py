"""The book as a PDF (``make pdf``, issue 25), checked as a reader would read it.

``make pdf-test`` (part of ``make test``) builds ``_build/pdf/actbook.pdf`` and runs this file
with ``ACTBOOK_PDF`` set to it; without it, only the tests of the pieces that need no PDF run
(so that ``make unit-tests`` never checks a PDF left over from an older build). Needs poppler's
``pdfinfo``, ``pdftotext`` and ``pdffonts``, which ``_latex/tex-packages.sh`` installs with TeX.

What a reader would notice, checked on the PDF itself (its text, from ``pdftotext``) and on the
LaTeX log: an A4 book of the expected length with a title page (title, version, date); no
missing glyph; no unresolved reference ("??"); every font embedded; the numbers that the
chapters glue into their prose equal to the HTML's (both come from the notebooks' stored
outputs: myst-nb formats them the same way for both); every figure numbered and captioned as
in the HTML, every exercise too, each followed by its solution; each interactive figure's
still followed by the sentence that sends the reader to its HTML page; and no sentence that
tells a reader of paper to use a control only the HTML has.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

import actlib
from actlib.course import sphinxext

ROOT = Path(__file__).resolve().parent.parent
PDF = Path(os.environ["ACTBOOK_PDF"]) if os.environ.get("ACTBOOK_PDF") else None
LOG = PDF.parent / "_build" / "latex" / "actbook.log" if PDF else None
#: The book had 256 A4 pages on 2026-12-06, after its long chapters were split (the fonts and
#: page layout of _latex/actbook.sty);
#: a chapter more or less moves it by 10 to 35.
PAGES = range(190, 330)
PLOTLY = "application/vnd.plotly.v1+json"

needs_pdf = pytest.mark.skipif(PDF is None, reason="set ACTBOOK_PDF: `make pdf-test` builds the PDF and checks it")


# --- the book's structure, from _toc.yml and the notebooks ---------------------------------

def toc_chapters() -> list[tuple[list[str], bool]]:
    """([the chapter's page, then its sections' pages], numbered) for every chapter after the
    landing page, in the book's order (a section's page goes on the chapter's numbering)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))

    def pages(entry):
        return [entry["file"]] + [p for section in entry.get("sections", []) for p in pages(section)]

    return [(pages(entry), bool(part.get("numbered"))) for part in toc["parts"] for entry in part["chapters"]]


def chapter_notebooks() -> list[tuple[str | None, list[tuple[str, dict]]]]:
    """(the chapter's number as the HTML gives it, or None on an unnumbered page; its notebooks
    in order). The HTML numbers the chapters across the numbered parts, and a chapter's figures
    and exercises across its sections' pages."""
    out, n = [], 0
    for docs, numbered in toc_chapters():
        n += numbered
        nbs = [(doc, json.loads((ROOT / f"{doc}.ipynb").read_text(encoding="utf-8")))
               for doc in docs if (ROOT / f"{doc}.ipynb").is_file()]
        if nbs:
            out.append((str(n) if numbered else None, nbs))
    return out


def notebooks() -> list[tuple[str, dict]]:
    return [pair for _, nbs in chapter_notebooks() for pair in nbs]


def markdown(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def glue_data(nb: dict) -> dict[str, str]:
    """{key: text/plain} of the values the notebook glues (myst-nb's scrapbook outputs)."""
    data = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta:
                prefix = len(meta.get("mime_prefix", ""))
                plain = {k[prefix:]: v for k, v in out.get("data", {}).items()}.get("text/plain")
                if plain is not None:
                    data[meta["name"]] = "".join(plain) if isinstance(plain, list) else plain
    return data


GLUE_TEXT = re.compile(r"\{glue:text\}`([\w.-]+)(?::([^`]*))?`")
PLAIN_WORDS_BEFORE = re.compile(r"(?:^|[\s(])((?:[A-Za-z]+ ){1,3})$")
PLAIN_WORDS_AFTER = re.compile(r"^((?: ?[A-Za-z]+){1,2})\b")


def glued_phrases(nb: dict) -> list[tuple[str, str]]:
    """(key, phrase) for each ``{glue:text}`` in the prose that has plain words around it: the
    words as written, the value formatted as myst-nb formats it for the HTML ("converges in 4
    epochs")."""
    from myst_nb.core.variables import format_plain_text

    values, phrases = glue_data(nb), []
    for text in markdown(nb):
        text = " ".join(text.split())
        for m in GLUE_TEXT.finditer(text):
            key, spec = m.group(1), m.group(2) or ""
            if key not in values:
                continue
            before = PLAIN_WORDS_BEFORE.search(text[max(0, m.start() - 60):m.start()])
            after = PLAIN_WORDS_AFTER.search(text[m.end():m.end() + 40])
            if not before:
                continue
            value = format_plain_text(values[key], spec)
            phrases.append((key, before.group(1) + value + (after.group(1) if after else "")))
    return phrases


def figures(nb: dict) -> list[str]:
    """The captions of the notebook's figures (myst-nb cell metadata), in order."""
    return [c["metadata"]["mystnb"]["figure"]["caption"] for c in nb["cells"]
            if c["cell_type"] == "code" and c.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption")]


EXERCISE = re.compile(r"^```\{exercise\}\s*(.*?)\s*$", re.M)


def exercises(nb: dict) -> list[str]:
    return [m.group(1) for text in markdown(nb) for m in EXERCISE.finditer(text)]


def plain_start(markup: str, words: int = 5) -> str | None:
    """The first words of a caption or title if they are plain text (no role, math or code)."""
    head = " ".join(markup.split()[:words])
    return None if re.search(r"[`$\\{}*_]", head) else head


# --- the PDF's text ----------------------------------------------------------------------

def squash(text: str) -> str:
    """Text compared without its layout: ligatures and curly quotes undone, a word broken at
    the end of a line joined, no whitespace."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2212", "-")
    text = re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", text)
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pages() -> list[str]:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(PDF), "-"], capture_output=True, text=True,
                          check=True)
    return done.stdout.split("\f")


@pytest.fixture(scope="module")
def squashed(pages) -> list[str]:
    return [squash(p) for p in pages]


def found_on(squashed: list[str], phrase: str) -> list[int]:
    """The (1-based) pages whose text holds ``phrase``, also across a page break."""
    want = squash(phrase)
    hits = [i + 1 for i, p in enumerate(squashed) if want in p]
    if not hits:
        hits = [i + 1 for i in range(len(squashed) - 1) if want in squashed[i][-200:] + squashed[i + 1][:200]]
    return hits


# --- checks on the PDF ------------------------------------------------------------------

@needs_pdf
def test_a4_with_the_expected_number_of_pages():
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info, re.M), info
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages in PAGES, f"{pages} pages, expected {PAGES.start} to {PAGES.stop - 1}"


@needs_pdf
def test_title_page_gives_title_version_and_date(pages):
    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    first = " ".join(pages[0].split())
    assert title in first
    assert f"Version {actlib.__version__}" in first
    assert re.search(r"\b20\d\d-\d\d-\d\d\b", first), first


@needs_pdf
def test_no_missing_glyph_and_no_undefined_reference_in_the_latex_log():
    log = LOG.read_text(encoding="utf-8", errors="replace")
    missing = re.findall(r"Missing character: There is no .*", log)
    assert not missing, f"{len(missing)} missing glyphs, e.g. {sorted(set(missing))[:5]}"
    # (LaTeX folds its log at 79 characters, inside a label too; "Hyper reference" is hyperref's)
    undefined = re.findall(r"(?:[Rr]eference|Citation) `[^']*'\s+on\s+page\s+\d+\s+undefined", log)
    assert not undefined and "There were undefined references" not in log, undefined[:10]


@needs_pdf
def test_no_unresolved_reference_in_the_text(pages):
    bad = [(i + 1, line.strip()) for i, page in enumerate(pages) for line in page.splitlines() if "??" in line]
    assert not bad, f"'??' on {len(bad)} lines: {bad[:10]}"


@needs_pdf
def test_every_font_is_embedded():
    out = subprocess.run(["pdffonts", str(PDF)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    # columns: name type [encoding ...] emb sub uni object ID; "emb" is 5th from the end
    not_embedded = [row[0] for row in rows if row[-5] != "yes"]
    assert rows and not not_embedded, not_embedded


@needs_pdf
def test_glued_values_equal_the_htmls(squashed):
    """A sample of every chapter's glued values (up to 8, spread over the chapter), each with
    the words before it, as myst-nb formats it for the HTML from the stored outputs."""
    checked, missing = 0, []
    for doc, nb in notebooks():
        phrases = glued_phrases(nb)
        sample = phrases[:: max(1, len(phrases) // 8)][:8]
        for key, phrase in sample:
            checked += 1
            if not found_on(squashed, phrase):
                missing.append(f"{doc}: {key}: {phrase!r}")
    assert checked >= 30, f"only {checked} glued values sampled"
    assert not missing, f"{len(missing)} of {checked} glued values not in the PDF:\n" + "\n".join(missing)


@needs_pdf
def test_figures_are_numbered_and_captioned_as_in_the_html(squashed):
    missing, checked = [], 0
    for number, nbs in chapter_notebooks():
        captions = [(doc, caption) for doc, nb in nbs for caption in figures(nb)]
        for k, (doc, caption) in enumerate(captions, 1):
            label = f"Figure {number}.{k}" if number else f"Figure {k}"
            start = plain_start(caption)
            phrase = f"{label}: {start}" if start else f"{label}:"
            checked += 1
            if not found_on(squashed, phrase):
                missing.append(f"{doc}: {phrase!r}")
    assert checked >= 40, checked
    assert not missing, "\n".join(missing)


@needs_pdf
def test_exercises_are_numbered_as_in_the_html_each_followed_by_its_solution(pages, squashed):
    """The HTML numbers the exercises by chapter (Exercise 3.2), on unnumbered pages 1, 2, ...;
    the solutions are printed right after their exercise (not hidden, not moved away)."""
    problems, checked = [], 0
    for number, nbs in chapter_notebooks():
        titles = [(doc, title) for doc, nb in nbs for title in exercises(nb)]
        for k, (doc, title) in enumerate(titles, 1):
            label = f"Exercise {number}.{k}" if number else f"Exercise {k}"
            start = plain_start(title, 3)
            exercise = f"{label} ({start}" if start else f"{label} ("
            where = found_on(squashed, exercise)
            solution = found_on(squashed, f"Solution to {exercise}")
            checked += 1
            if not where or not solution:
                problems.append(f"{doc}: {exercise!r} on {where}, its solution on {solution}")
            elif min(solution) - min(where) > 3:
                problems.append(f"{doc}: {exercise!r} on page {min(where)}, its solution on {min(solution)}")
    assert checked >= 30, checked
    assert not problems, "\n".join(problems)


@needs_pdf
def test_each_interactive_figure_prints_its_still_and_sends_the_reader_to_the_html(pages):
    expected = [(doc, i) for doc, nb in notebooks() for i, c in enumerate(nb["cells"])
                if any(PLOTLY in out.get("data", {}) for out in c.get("outputs", []))]
    text = re.sub(r"(?<=[_/-]) ", "", " ".join(" ".join(pages).split()))  # a page name broken at a line end
    text = re.sub(r"\. html\b", ".html", text)  # ... or before its ".html"
    notes = re.findall(r"A still of an interactive figure\. The figure itself is on this page of the HTML "
                       r"book, (\S+?\.html), where ([^.]+)\.", text)
    assert len(notes) == len(expected), (notes, expected)
    assert sorted(page for page, _ in notes) == sorted(f"{doc}.html" for doc, _ in expected)
    assert all(re.search(r"\b(menu|slider|buttons)\b", controls) for _, controls in notes), notes


#: Wording that asks a reader to use a control only the HTML has (or tells what it does, as if it
#: were on the page): in print, the pages say it in their {only} latex wording, or the sentence
#: sphinxext adds under an interactive figure names the controls as the HTML book's.
HTML_ONLY = [r"\bclick", r"\bthe menu picks", r"\bthe slider lets you", r"\bsolution you can reveal",
             r"\bhover\b", r"\bscroll\b"]
IMPERATIVE = re.compile(r"(?:Choose|Pick|Select|Set|Drag|Move|Click|Tap|Press|Hover|Scroll|Open|Toggle|Use)\b")
CONTROL = re.compile(r"\b(?:menus?|sliders?|buttons?|tabs?|drop-?downs?)\b", re.I)


def html_control_wording(text: str) -> list[str]:
    """Phrases of ``text`` that ask for an HTML control: the known phrases, and every sentence
    that starts with an imperative ("Choose", "Drag", ...) and names a control."""
    text = " ".join(text.split())
    found = [m.group(0) for p in HTML_ONLY for m in re.finditer(p, text, re.I)]
    found += [s[:90] for s in re.split(r"(?<=[.;!?])\s+", text) if IMPERATIVE.match(s) and CONTROL.search(s)]
    return found


def test_html_control_wording_is_recognised():
    assert html_control_wording("The x. Choose a family in the upper menu and one of its members.")
    assert html_control_wording("Every exercise has a solution you can reveal, and a self-check.")
    assert not html_control_wording("In the HTML book, menus choose the function. Set the bias to 0.")
    assert not html_control_wording("Softmax of the scores (drag the slider; every bar is computed).")


@needs_pdf
def test_no_prose_asks_for_an_html_control(pages):
    found = html_control_wording(" ".join(pages))
    assert not found, found


@needs_pdf
def test_prose_that_names_tabs_is_told_which_parts_were_tabs(pages):
    """The PDF prints a set of tabs one part after another; a page whose prose names tabs ("the
    three tabs below", "the third tab") says, before them, which parts were tabs in the HTML."""
    note = re.compile(r"In the HTML book, the \w+ parts below are tabs: ")
    for i, page in enumerate(pages):
        text = " ".join(page.split())
        if re.search(r"\btabs?\b", note.sub("", text)):
            nearby = " ".join(" ".join(p.split()) for p in pages[max(0, i - 2):i + 2])
            assert note.search(nearby), f"page {i + 1} names tabs, and no note says which parts were tabs"


# --- the pieces, without a PDF (sphinxext's LaTeX and HTML hooks) -------------------------

def test_figure_controls_in_words():
    slider = {"steps": []}
    assert sphinxext.figure_controls({"layout": {"sliders": [slider]}}) == "a slider"
    assert sphinxext.figure_controls({"layout": {"sliders": [slider], "updatemenus": [{}]}}) == \
        "a menu and a slider"
    assert sphinxext.figure_controls({"layout": {"sliders": [slider, slider], "updatemenus": [
        {"type": "dropdown"}, {"type": "buttons"}]}}) == "a menu, two sliders and a row of buttons"
    assert sphinxext.figure_controls({}) == ""


def test_interactive_note_names_the_page_and_agrees_with_its_controls():
    note = sphinxext.interactive_note({"layout": {"sliders": [{}]}}, "chapters/03_x.html").astext()
    assert note == ("A still of an interactive figure. The figure itself is on this page of the HTML book, "
                    "chapters/03_x.html, where a slider changes what it shows.")
    note = sphinxext.interactive_note({"layout": {"sliders": [{}], "updatemenus": [{}]}}, "p.html").astext()
    assert note.endswith("where a menu and a slider change what it shows.")


def test_book_version_is_actlibs_and_the_commit():
    version = sphinxext.book_version(ROOT)
    assert version.startswith(actlib.__version__)
    if shutil.which("git") and (ROOT / ".git").exists():
        assert re.fullmatch(re.escape(actlib.__version__) + r" \([\w.-]+\)", version), version
    assert sphinxext.book_version("/") == actlib.__version__  # not a clone


def _html_app(tmp_path, pdf_exists):
    pdf = tmp_path / "_build" / "pdf" / "actbook.pdf"
    if pdf_exists:
        pdf.parent.mkdir(parents=True)
        pdf.write_bytes(b"%PDF-1.5\n")
    out = tmp_path / "_build" / "html"
    out.mkdir(parents=True)
    return SimpleNamespace(srcdir=str(tmp_path), outdir=str(out), builder=SimpleNamespace(format="html"),
                           config=SimpleNamespace(actbook_pdf=sphinxext.PDF_DEFAULT))


@pytest.mark.parametrize("pdf_exists", [True, False])
def test_the_html_links_and_copies_the_pdf_only_when_it_is_built(tmp_path, pdf_exists):
    app = _html_app(tmp_path, pdf_exists)
    context = {"header_buttons": [{"label": "download-buttons"}],
               "pathto": lambda name, resource: f"../{name}"}
    sphinxext._pdf_header_button(app, "chapters/zoo", "page.html", context, None)
    sphinxext._copy_pdf(app, None)
    copied = Path(app.outdir) / sphinxext.PDF_NAME
    if pdf_exists:
        button = context["header_buttons"][0]
        assert button["url"] == "../actbook.pdf" and button["text"].strip() == "PDF" and button["type"] == "link"
        assert copied.read_bytes() == b"%PDF-1.5\n"
    else:
        assert context["header_buttons"] == [{"label": "download-buttons"}]
        assert not copied.exists()


def test_html_only_wording_has_a_print_wording_in_the_sources():
    """Wording that names an HTML control stays in an ``{only} html`` block, beside an
    ``{only} latex`` block with the print wording (the zoo's tabs, if any: sphinxext says in
    print which parts were tabs)."""
    sources = {doc: "\n".join(markdown(nb)) for doc, nb in notebooks()}
    sources["intro"] = (ROOT / "intro.md").read_text(encoding="utf-8")
    for doc, text in sources.items():
        outside = re.sub(r"(`{3,})\{only\} html\n.*?\n\1", "", text, flags=re.S)
        found = html_control_wording(outside)
        assert not found, f"{doc}: {found} outside an {{only}} html block"
        for m in re.finditer(r"(`{3,})\{only\} html\n", text):
            assert re.search(r"`{3,}\{only\} latex\n", text[m.end():]), f"{doc}: {{only}} html without latex"
