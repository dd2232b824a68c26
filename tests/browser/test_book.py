"""Every page of the built book, in headless Chromium, as a reader sees it.

* every page loads with no console error, no uncaught exception, no failed request and no
  request leaving 127.0.0.1 (the book must work offline: MathJax is served by the book);
* math is typeset: every ``.math`` element holds MathJax output, and none is a TeX error;
* every image loads and has a non-zero natural size;
* an exercise's solution is hidden until its toggle is clicked, then shown;
* the search page finds "ReLU";
* every chapter offers its notebook (``.ipynb``) for download, and the file is served;
* (static) every internal ``href``/``src`` resolves to a file, and every ``#fragment`` to an
  id in it; no placeholder repository link; chapters with a number prefix are numbered.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static"}


def book_pages(book: Path) -> list[str]:
    # (dot-directories are leftovers of old builds, not pages of the book)
    return sorted(p.relative_to(book).as_posix() for p in book.rglob("*.html")
                  if not SKIP_DIRS & set(p.relative_to(book).parts)
                  and not any(part.startswith(".") for part in p.relative_to(book).parts))


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        book = Path(metafunc.config.getoption("--book")).resolve()
        metafunc.parametrize("page_path", book_pages(book))


class Visit:
    """A page opened in a fresh browser context, with everything that went wrong on the way."""

    def __init__(self, browser, server, path):
        self.problems: list[str] = []
        self.context = browser.new_context()
        self.context.route("**/*", self._route(server))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        # (the browser's own request for /favicon.ico is not the page's: the book has no favicon)
        self.page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
                     and self.problems.append(f"HTTP {r.status}: {r.url}"))
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

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server):
    opened = []

    def open_(path):
        v = Visit(browser, server, path)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


def test_every_page(visit, page_path):
    v = visit(page_path)
    page = v.page
    # images: load them all (also any lazy ones), then check each
    page.evaluate("""async () => {
        for (const img of document.images) { img.loading = 'eager'; }
        window.scrollTo(0, document.body.scrollHeight);
        await Promise.all([...document.images].map(img => img.complete ? null :
            new Promise(done => { img.onload = img.onerror = done; })));
    }""")
    broken = page.evaluate("""() => [...document.images]
        .filter(img => !(img.complete && img.naturalWidth > 0 && img.naturalHeight > 0))
        .map(img => img.getAttribute('src'))""")
    assert not broken, f"{page_path}: images that do not load: {broken}"
    # math
    n_math = page.locator(".math").count()
    if n_math:
        page.wait_for_function("""() => [...document.querySelectorAll('.math')]
            .every(el => el.querySelector('mjx-container'))""", timeout=30_000)
        errors = page.locator("mjx-merror").count()
        assert errors == 0, f"{page_path}: {errors} formula(s) MathJax could not typeset"
    page.wait_for_load_state("networkidle")
    assert not v.problems, f"{page_path}:\n" + "\n".join(v.problems)


def test_math_is_typeset_somewhere(visit, book):
    pages_with_math = [p for p in book_pages(book) if 'class="math' in (book / p).read_text(encoding="utf-8")]
    assert pages_with_math, "no page of the book has math"
    v = visit(pages_with_math[0])
    v.page.wait_for_selector("mjx-container", timeout=30_000)
    assert v.page.locator("mjx-container").count() >= v.page.locator(".math").count() > 0


def test_solutions_are_hidden_until_clicked(visit, book):
    pages = [p for p in book_pages(book) if "solution dropdown" in (book / p).read_text(encoding="utf-8")]
    if not pages:
        pytest.skip("no exercise solutions in the book")
    for path in pages:
        v = visit(path)
        solutions = v.page.locator("div.solution.dropdown")
        assert solutions.count() > 0
        for k in range(solutions.count()):
            solution = solutions.nth(k)
            body = solution.locator("> :not(.admonition-title)").first
            solution.scroll_into_view_if_needed()
            assert not body.is_visible(), f"{path}: solution {k + 1} is visible before it is revealed"
            solution.locator(".toggle-button").first.click()
            body.wait_for(state="visible", timeout=5_000)
            assert body.is_visible(), f"{path}: solution {k + 1} does not show when clicked"
        assert not v.problems, f"{path}:\n" + "\n".join(v.problems)


def test_search_finds_relu(visit):
    v = visit("search.html?q=ReLU")
    results = v.page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=30_000)
    assert results.count() > 0
    assert not v.problems, "\n".join(v.problems)


def test_chapters_offer_their_notebook(visit, book):
    notebook_pages = [p for p in book_pages(book) if (book / "_sources" / Path(p).with_suffix(".ipynb")).is_file()]
    assert notebook_pages, "no notebook pages in the book"
    for path in notebook_pages:
        v = visit(path)
        links = v.page.locator(".dropdown-download-buttons a[href$='.ipynb']")
        assert links.count() == 1, f"{path}: no .ipynb download button"
        href = links.first.get_attribute("href")
        status = v.page.evaluate("async url => (await fetch(url)).status", href)
        assert status == 200, f"{path}: the notebook download {href} answers {status}"


# --- static checks of the built HTML ----------------------------------------------------------

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
