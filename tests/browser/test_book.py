"""Every page of the built book, in headless Chromium, as a reader sees it.

Each page is opened twice, at 1400 px and at 390 px wide (a desktop, a phone), in light mode;
then the reader's system setting is switched to dark, which the book follows without a reload
(as it does at load: the theme's one "auto" mode), and the page is checked again. Each time:

* the page loads with no console error, no uncaught exception, no failed request and no
  request leaving 127.0.0.1 (the book must work offline: MathJax is served by the book);
  every ``.math`` element holds MathJax output, none a TeX error; every image loads;
* no tool marker (``### BEGIN SOLUTION``, ``NBVAL``, ``noqa``) anywhere in the content, and no
  self-check verdict ("Correct (") outside a solution; no empty output box, and no unfolded
  cell that is nothing but assertions;
* nothing wider than its column: the page does not scroll sideways, and no element reaches
  past the article's edges or is cut off, unless it scrolls inside its own box;
* printed output keeps its lines: none wraps (an aligned table or Keras' model.summary() box
  would break mid-row); an output, code block, table or display formula wider than its box
  scrolls inside it and shows that it does (its edge fades), and the keyboard can scroll it;
  display formulas wider than the column are counted and listed (for the chapters' authors:
  CONTRIBUTING.md, "Width"), not failed;
* every image is a numbered figure with a caption and alt text that is not a file name, and
  in dark mode it sits on a light, dimmed card, as do the interactive figures;
* one search box is shown;
* on a phone, the page is at most 40 screens (of 844 px) long (issue 23: the long chapters are
  split into section pages);
* every solution is hidden until the reader clicks its title (on the title's text: it opens
  without leaving the page), and closes on a second click on the title bar (checked in light
  mode: a click does the same in either);
* axe-core finds no serious or critical WCAG 2.1 A/AA violation, in light and in dark mode
  (at the desktop width, which shows the most: sidebar, header buttons and table of contents;
  ``reader_checks.js`` and axe-core are injected into the page, as pydata-sphinx-theme's own
  accessibility tests do).

Plus: the search page finds "ReLU"; (static) every chapter offers its notebook (``.ipynb``); the
book has a favicon; every internal ``href``/``src`` resolves to a file, and every
``#fragment`` to an id in it; no placeholder repository link; chapters with a number prefix
are numbered; the instructor guide lists every exercise under its number and title in the book.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static"}
CHECKS_JS = Path(__file__).with_name("reader_checks.js")
WIDTHS = {"desktop": (1400, 900), "phone": (390, 844)}
MODES = ("light", "dark")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def book_pages(book: Path) -> list[str]:
    # (dot-directories are leftovers of old builds, not pages of the book)
    return sorted(p.relative_to(book).as_posix() for p in book.rglob("*.html")
                  if not SKIP_DIRS & set(p.relative_to(book).parts)
                  and not any(part.startswith(".") for part in p.relative_to(book).parts))


#: The translated editions, each in a folder of the English site (``make book-ja``).
EDITIONS = ("ja/",)
#: Pages of the Japanese edition read as the English ones are (every check of test_page_as_read):
#: its landing page and the page with the most formulas and tables (the phone's narrow column
#: with Japanese text, which breaks lines anywhere). test_japanese.py checks the rest of it.
JAPANESE_PAGES_AS_READ = ("ja/intro.html", "ja/chapters/03_activation_functions.html")


def content_pages(book: Path) -> list[str]:
    """The English pages a reader reads (not the redirect index.html, nor the generated genindex)."""
    return [p for p in book_pages(book) if p not in ("index.html", "genindex.html")
            and not p.startswith(EDITIONS)]


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        book = Path(metafunc.config.getoption("--book")).resolve()
        japanese = [p for p in JAPANESE_PAGES_AS_READ if (book / p).is_file()]
        metafunc.parametrize("page_path", content_pages(book) + japanese)
    if "width" in metafunc.fixturenames:
        metafunc.parametrize("width", list(WIDTHS))


class Visit:
    """A page opened in a fresh browser context, with everything that went wrong on the way."""

    def __init__(self, browser, server, path, width="desktop", mode="light"):
        self.problems: list[str] = []
        w, h = WIDTHS[width]
        self.context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=mode)
        self.context.route("**/*", self._route(server))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        self.page.goto(f"{server}/{path}", wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _route(self, server):
        def handle(route):
            if route.request.url.startswith(server + "/") or route.request.url.startswith("data:"):
                route.continue_()
            else:
                self.problems.append(f"request leaves the book: {route.request.url}")
                route.abort()
        return handle

    def settle(self) -> list[str]:
        """Load every image and wait for MathJax; the problems found on the way."""
        page, found = self.page, []
        page.evaluate("""async () => {
            for (const img of document.images) { img.loading = 'eager'; }
            await Promise.all([...document.images].map(img => img.complete ? null :
                new Promise(done => { img.onload = img.onerror = done; })));
        }""")
        broken = page.evaluate("""() => [...document.images]
            .filter(img => !(img.complete && img.naturalWidth > 0 && img.naturalHeight > 0))
            .map(img => img.getAttribute('src'))""")
        found += [f"image does not load: {src}" for src in broken]
        if page.locator(".math").count():
            page.wait_for_function("""() => [...document.querySelectorAll('.math')]
                .every(el => el.querySelector('mjx-container'))""", timeout=30_000)
            errors = page.locator("mjx-merror").count()
            if errors:
                found.append(f"{errors} formula(s) MathJax could not typeset")
        # the interactive figures are drawn when they near the viewport: draw them all now, so
        # that the checks see them as a reader who scrolls to them does
        if page.locator("div.actbook-plotly").count():
            page.evaluate("() => window.actbookFigures && window.actbookFigures.drawAll()")
            failed = page.evaluate("() => [...document.querySelectorAll('div.actbook-plotly')]"
                                   ".filter(el => !el.querySelector('.main-svg')).map(el => el.id)")
            found += [f"interactive figure {f} is not drawn" for f in failed]
        page.evaluate("() => window.actbookScroll && window.actbookScroll.scan()")
        page.wait_for_load_state("networkidle")
        return found

    def check(self, name: str) -> list[str]:
        if not self.page.evaluate("() => !!window.actbookChecks"):
            self.page.add_script_tag(path=str(CHECKS_JS))
        return self.page.evaluate(f"() => window.actbookChecks.{name}()")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server):
    opened = []

    def open_(path, width="desktop", mode="light"):
        v = Visit(browser, server, path, width, mode)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


def _solutions(v: Visit) -> list[str]:
    """Every solution is hidden; a click on its title's text shows it (without leaving the page),
    a click on the right of its title bar hides it again."""
    page, found = v.page, []
    solutions = page.locator("div.solution.dropdown")
    url = page.url
    for k in range(solutions.count()):
        solution = solutions.nth(k)
        title = solution.locator("> .admonition-title")
        body = solution.locator("> :not(.admonition-title)").first
        solution.scroll_into_view_if_needed()
        if body.is_visible():
            found.append(f"solution {k + 1} is visible before it is revealed")
            continue
        # the middle of the title's text ("Solution to Exercise 3.1 (...)"), where its link used to be
        x, y = page.evaluate("""el => {
            const text = [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE ? n.data.trim()
                : !n.classList.contains('toggle-button'));
            const range = document.createRange();
            range.selectNode(text[text.length - 1]);
            const b = [...range.getClientRects()].filter(b => b.width > 0).pop();
            return [b.x + b.width / 2, b.y + b.height / 2];
        }""", title.element_handle())
        page.mouse.click(x, y)
        try:
            body.wait_for(state="visible", timeout=3_000)
        except Exception:
            found.append(f"solution {k + 1} does not open on a click on its title")
            continue
        if page.url != url:
            found.append(f"a click on solution {k + 1}'s title leaves the page for {page.url}")
            page.go_back()
        box = title.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 2)
        try:
            body.wait_for(state="hidden", timeout=3_000)
        except Exception:
            found.append(f"solution {k + 1} does not close on a second click on its title bar")
    return found


#: The axe-core rules of AXE_TAGS whose verdict depends on the colours: the only ones run again in
#: dark mode (the others see the same page, and took about half of the dark pass's time).
AXE_COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def _axe(v: Visit, axe_js: Path, rules: list[str] | None = None) -> list[str]:
    """axe-core's serious and critical violations of AXE_TAGS (or only of ``rules``)."""
    page = v.page
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(axe_js))
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    results = page.evaluate("""only => axe.run(document, {runOnly: only,
                                                         resultTypes: ['violations']})""", only)
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        targets = ["; ".join(" ".join(t) if isinstance(t, list) else t for t in n["target"])
                   for n in violation["nodes"][:3]]
        found.append(f"axe {violation['impact']} {violation['id']} ({violation['help']}): "
                     f"{len(violation['nodes'])} element(s), e.g. {targets}")
    return found


def test_page_as_read(visit, axe_js, page_path, width, record_property):
    """One page at one width, in light mode and then in dark: everything a reader must (not) see."""
    v = visit(page_path, width, "light")
    report: dict[str, list[str]] = {}
    counted = False
    for mode in MODES:
        if mode != "light":  # the reader's setting changes; the book follows it without a reload
            v.page.emulate_media(color_scheme=mode)
            try:  # the new theme, and the end of the colours' CSS transitions into it
                v.page.wait_for_function(f"""() => document.documentElement.dataset.theme === '{mode}'
                    && document.getAnimations().every(a => a.playState !== 'running')""", timeout=5_000)
            except Exception:
                pass  # reported just below
        found = report[f"{mode}: load"] = v.settle()
        theme = v.page.evaluate("() => document.documentElement.dataset.theme")
        if theme != mode:
            found.append(f"the page is in {theme!r} mode, not {mode!r} (the reader's setting)")
        if mode != "light":  # the layout is the same in either mode: only what the colours change
            report[f"{mode}: images"] = v.check("images")
            if width == "desktop":
                report[f"{mode}: axe"] = _axe(v, axe_js, AXE_COLOUR_RULES)
            continue
        for name in ("markers", "plumbing", "overflow", "images", "searchBoxes", "printed", "scrollers",
                     "figureText", "length", "zoomable"):
            report[f"{mode}: {name}"] = v.check(name)
        formulas = v.check("formulas")
        report[f"{mode}: formulas"] = formulas["problems"]
        if not counted:  # (the counts are the same in either mode)
            printed = v.check("printedStats")
            figures = v.check("figureTextStats")
            record_property("actbook", {"page": page_path, "width": WIDTHS[width][0],
                                        "wrapped": len(printed["wrapped"]),
                                        "scrolling_outputs": len(printed["scrolling"]),
                                        "wide_formulas": formulas["wide"],
                                        "smallest_figure_text_px": figures["smallest"],
                                        "figures_without_text_size": len(figures["unknown"]),
                                        "screens": round(v.check("screens"), 1)})
            counted = True
        if width == "desktop":  # (colours and names do not change with the width: one audit per mode)
            report[f"{mode}: axe"] = _axe(v, axe_js)
        report["solutions"] = _solutions(v)  # (a click does the same in either mode)
    v.page.wait_for_load_state("networkidle")
    report["load"] = v.problems
    failed = {k: p for k, p in report.items() if p}
    assert not failed, f"{page_path} at {width} width:\n" + "\n".join(
        f"  [{k}] {line}" for k, lines in failed.items() for line in lines[:12]
        + ([f"... and {len(lines) - 12} more"] if len(lines) > 12 else []))


def test_math_is_typeset_somewhere(visit, book):
    pages_with_math = [p for p in book_pages(book) if 'class="math' in (book / p).read_text(encoding="utf-8")]
    assert pages_with_math, "no page of the book has math"
    v = visit(pages_with_math[0])
    v.page.wait_for_selector("mjx-container", timeout=30_000)
    assert v.page.locator("mjx-container").count() >= v.page.locator(".math").count() > 0


def test_search_finds_relu(visit):
    v = visit("search.html?q=ReLU")
    results = v.page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=30_000)
    assert results.count() > 0
    assert not v.problems, "\n".join(v.problems)


def test_chapters_offer_their_notebook(book):
    """(static) Each chapter's download menu links its notebook, once, and the file is there. The
    menu is in the page's HTML as built (the theme's JavaScript only opens it)."""
    notebook_pages = [p for p in book_pages(book) if (book / "_sources" / Path(p).with_suffix(".ipynb")).is_file()]
    assert notebook_pages, "no notebook pages in the book"
    for path in notebook_pages:
        text = (book / path).read_text(encoding="utf-8")
        menu = re.search(r'<div class="dropdown dropdown-download-buttons">(.*?)</ul>', text, re.S)
        assert menu, f"{path}: no download menu"
        hrefs = re.findall(r'<a href="([^"]+\.ipynb)"', menu.group(1))
        assert len(hrefs) == 1, f"{path}: the download menu links {len(hrefs)} notebooks: {hrefs}"
        target = ((book / path).parent / unquote(hrefs[0])).resolve()
        assert target == (book / "_sources" / Path(path).with_suffix(".ipynb")).resolve(), (path, hrefs[0])
        assert target.is_file(), f"{path}: the notebook download {hrefs[0]} is missing"


# --- static checks of the built HTML ----------------------------------------------------------

def test_favicon(book):
    """Every page names the book's favicon, and the file is there."""
    missing = []
    for page in book_pages(book):
        text = (book / page).read_text(encoding="utf-8")
        if "http-equiv=\"refresh\"" in text.lower():  # (index.html: a redirect)
            continue
        m = re.search(r'<link rel="icon" href="([^"]+)"', text)
        if not m or not ((book / page).parent / m.group(1)).is_file():
            missing.append(page)
    assert not missing, f"pages without the book's favicon: {missing}"


def _text(html_fragment: str) -> str:
    text = re.sub(r"<[^>]+>", "", html_fragment)
    for entity, char in (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'")):
        text = text.replace(entity, char)
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split())


def test_instructor_table_uses_the_books_exercise_numbers_and_titles(book):
    """The instructor guide's exercise list: "Exercise 3.1: <title>", linked to the exercise, with
    the number and title the exercise has in its chapter."""
    guide = book / "instructors.html"
    if not guide.is_file():
        pytest.skip("no instructor guide in the book")
    rows = re.findall(r'<a class="reference internal" href="([^"#]+)#([^"]+)"><span class="std std-numref">'
                      r'(Exercise [\d.]+)</span></a>:(.*?)</p></td>', guide.read_text(encoding="utf-8"), re.S)
    assert rows, "the instructor guide lists no exercise under its number"
    wrong = []
    for href, label, number, title in rows:
        chapter = (book / href).read_text(encoding="utf-8")
        m = re.search(rf'<div class="exercise admonition" id="{re.escape(label)}">\s*<p class="admonition-title">'
                      r'<span class="caption-number">(.*?)</span>\s*\((.*)\)</p>', chapter)
        if not m:
            wrong.append(f"{label}: no exercise {label!r} in {href}")
        elif (_text(m.group(1)), _text(m.group(2))) != (number, _text(title)):
            wrong.append(f"{label}: the guide says {number}: {_text(title)!r}, the chapter "
                         f"{_text(m.group(1))} ({_text(m.group(2))!r})")
    assert not wrong, "\n".join(wrong)

class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if key in attrs and not (tag == "link" and attrs.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append((tag, key, attrs[key] or ""))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_internal_links_resolve(book):
    parsed = {p: _parse(book / p) for p in book_pages(book)}
    broken = []
    for page, links in parsed.items():
        for tag, key, url in links.links:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:")):
                continue
            if not url:
                broken.append(f"{page}: empty {key} on <{tag}>")
                continue
            target = (book / page).parent / unquote(parts.path) if parts.path else book / page
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                shown = target.relative_to(book) if book in target.parents else target
                broken.append(f"{page}: {url} -> missing {shown}")
                continue
            if parts.fragment and target.suffix == ".html":
                rel = target.relative_to(book).as_posix()
                ids = parsed[rel].ids if rel in parsed else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page}: {url} -> no id {parts.fragment!r} in {rel}")
    assert not broken, f"{len(broken)} broken internal link(s):\n" + "\n".join(broken[:50])


def test_no_placeholder_or_empty_repository_links(book):
    bad = []
    for page in book_pages(book):
        text = (book / page).read_text(encoding="utf-8")
        for pattern in (r"github\.com/executablebooks", r'href=""', r'href="#"\s+class="[^"]*(repository|launch)',
                        r"btn-source-repository-button|btn-source-issues-button|btn-source-edit-button",
                        r"launch-buttons"):
            if re.search(pattern, text) and not _configured_repository(book):
                bad.append(f"{page}: {pattern}")
    assert not bad, "placeholder or empty repository/launch links (no repository URL is configured):\n" + \
        "\n".join(bad)


def _configured_repository(book: Path) -> bool:
    """A repository button is fine once the book has a real repository URL (not the placeholder)."""
    index = (book / "index.html").read_text(encoding="utf-8")
    urls = re.findall(r'href="(https://(?:github|gitlab)\.com/[^"]+)"', index)
    return any("executablebooks" not in u for u in urls)


def test_numbered_chapters(book):
    """Chapter files named NN_name are in the numbered part of the table of contents."""
    sidebar = _Sidebar()
    sidebar.feed((book / "index.html").read_text(encoding="utf-8"))
    numbered = {href: text for href, text in sidebar.entries.items() if re.search(r"(^|/)\d\d_[^/]*\.html$", href)}
    for href, text in numbered.items():
        n = int(re.search(r"(\d\d)_[^/]*\.html$", href).group(1))
        assert re.match(rf"^{n}\.\s", text), f"the table of contents does not number {href}: {text!r}"


class _Sidebar(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.entries, self._href, self._text = {}, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "reference internal" in (attrs.get("class") or "") and attrs.get("href"):
            self._href, self._text = attrs["href"].split("#")[0], []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.entries.setdefault(self._href, "".join(self._text).strip())
            self._href = None
