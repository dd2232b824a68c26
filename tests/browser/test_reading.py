"""Reading the book on a phone's connection and screen (issue 23), in headless Chromium.

* Every page shows its first text quickly on a slow connection: at most 200 KiB of script
  blocks its rendering (counted in its HTML, and measured by Chromium's Resource Timing), and its
  first contentful paint comes within 2.5 s on Chrome DevTools' "Fast 3G" preset (562.5 ms of
  latency a request, 1.44 Mbit/s down, 675 kbit/s up: Network.emulateNetworkConditions), with
  the browser's cache off, the book served as a static host serves it (``conftest.serve``: HTTP/1.1,
  text gzipped).
* A tap, click or Enter on a figure opens it larger in the page (a lightbox), which closes with a
  tap, Escape or its Close button and gives the focus back; the page does not leave.
* Search results show a snippet of prose (not a list of headings, not LaTeX source) that has the
  search word, and a full-text result links to the section the snippet comes from.
* The landing page says who the book is for and offers "Start reading" (chapter 1) on the first
  screen of a phone.
"""

from __future__ import annotations

import html.parser
import re
import statistics
from pathlib import Path

import pytest

from .test_book import content_pages

PHONE = {"width": 390, "height": 844}
# Chrome DevTools' "Fast 3G" (its SDK's NetworkManager, renamed "Slow 4G" in recent versions):
# 1.6 Mbit/s and 750 kbit/s with 90 % goodput, and a 150 ms round trip times 3.75.
FAST_3G = {"offline": False, "latency": 150 * 3.75, "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,
           "uploadThroughput": 750 * 1000 / 8 * 0.9}
MAX_BLOCKING_KIB = 200
MAX_FCP_MS = 2500
# Queries a reader of the book types; each must find at least one page.
QUERIES = ["ReLU", "sigmoid", "softmax", "gradient", "XOR", "derivative", "Keras", "GELU", "vanishing"]
TEX = re.compile(r"\\[A-Za-z]+|\\[()\[\]{}]|\$\$?|\^\{|_\{")


def pytest_generate_tests(metafunc):
    if "reading_page" in metafunc.fixturenames:
        book = Path(metafunc.config.getoption("--book")).resolve()
        metafunc.parametrize("reading_page", [*content_pages(book), "search.html"])


class _HeadScripts(html.parser.HTMLParser):
    """The scripts a page's HTML makes the browser fetch and run before it renders: every
    ``<script src>`` in ``<head>`` without ``defer``, ``async`` or ``type="module"``."""

    def __init__(self):
        super().__init__()
        self.blocking, self.in_head = [], True

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.in_head = False
        elif tag == "script" and self.in_head and attrs.get("src") and not (
                "defer" in attrs or "async" in attrs or attrs.get("type") == "module"):
            self.blocking.append(attrs["src"])


def blocking_scripts(book: Path, page: str) -> dict[str, int]:
    parser = _HeadScripts()
    parser.feed((book / page).read_text(encoding="utf-8"))
    out = {}
    for src in parser.blocking:
        target = ((book / page).parent / src.split("?")[0]).resolve()
        out[src] = target.stat().st_size if target.is_file() else 0
    return out


def _first_paint(browser, server, path) -> tuple[float, float, list]:
    """(first contentful paint in ms, render-blocking script in KiB, the blocking resources)."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", FAST_3G)
        page.goto(f"{server}/{path}", wait_until="commit", timeout=120_000)
        page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length > 0",
                               polling=50, timeout=120_000)
        fcp, blocking = page.evaluate("""() => [
            performance.getEntriesByName('first-contentful-paint')[0].startTime,
            performance.getEntriesByType('resource').filter(e => e.renderBlockingStatus === 'blocking')
                .map(e => [e.name.split('/').pop().split('?')[0], e.initiatorType, e.decodedBodySize])]""")
    finally:
        context.close()
    script_kib = sum(size for _, kind, size in blocking if kind == "script") / 1024
    return fcp, script_kib, blocking


def test_first_paint_on_fast_3g(browser, server, book, reading_page, record_property):
    static = blocking_scripts(book, reading_page)
    static_kib = sum(static.values()) / 1024
    fcp, script_kib, blocking = _first_paint(browser, server, reading_page)
    runs = [fcp]
    if fcp > MAX_FCP_MS:  # one slow run on a busy machine: the median of three decides
        runs += [_first_paint(browser, server, reading_page)[0] for _ in range(2)]
        fcp = statistics.median(runs)
    record_property("actbook", {"page": reading_page, "width": 390, "fcp_ms": round(fcp),
                                "blocking_script_kib": round(max(static_kib, script_kib), 1)})
    problems = []
    if max(static_kib, script_kib) > MAX_BLOCKING_KIB:
        problems.append(f"{static_kib:.1f} KiB of script in <head> blocks rendering ({script_kib:.1f} KiB "
                        f"measured), over {MAX_BLOCKING_KIB} KiB: {static}")
    if fcp > MAX_FCP_MS:
        problems.append(f"first contentful paint after {fcp:.0f} ms on Fast 3G (runs: {[round(r) for r in runs]}), "
                        f"over {MAX_FCP_MS} ms; render-blocking: {blocking}")
    assert not problems, f"{reading_page}:\n" + "\n".join(problems)


# --- Lightbox -----------------------------------------------------------------------------------

def _pages_with_figures(book: Path) -> list[str]:
    return [p for p in content_pages(book) if "image-reference" in (book / p).read_text(encoding="utf-8")]


def _open_phone_or_desktop(browser, server, path, width):
    phone = width == 390
    context = browser.new_context(viewport=PHONE if phone else {"width": 1400, "height": 900},
                                  has_touch=phone, is_mobile=phone)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"uncaught exception: {e}"))
    page.goto(f"{server}/{path}", wait_until="networkidle")
    return context, page, problems


# (That every static figure opens in the page is checked on every page by test_book.py's
# test_page_as_read: reader_checks.js `zoomable`.)


@pytest.mark.parametrize("width", [1400, 390])
def test_lightbox(browser, server, book, width):
    pages = _pages_with_figures(book)
    assert pages, "no page with a figure"
    path = pages[0]
    context, page, problems = _open_phone_or_desktop(browser, server, path, width)
    try:
        link = page.locator("a.actbook-zoomable:visible").first  # (a figure has a phone and a desktop image)
        link.scroll_into_view_if_needed()
        shown = link.locator("img").bounding_box()
        url = page.url
        dialog = page.locator("dialog.actbook-lightbox")
        # a tap (phone) or click (desktop) opens it, larger than in the column
        if width == 390:
            page.touchscreen.tap(shown["x"] + shown["width"] / 2, shown["y"] + shown["height"] / 2)
        else:
            link.click()
        dialog.wait_for(state="visible", timeout=3_000)
        assert page.url == url, f"the tap left the page for {page.url}"
        big = dialog.locator("img")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=big.element_handle())
        assert big.bounding_box()["width"] > shown["width"] * 1.3, (big.bounding_box(), shown)
        assert page.evaluate("() => document.activeElement.closest('dialog.actbook-lightbox') !== null"), \
            "the focus is not in the lightbox"
        assert dialog.get_attribute("aria-label"), "the lightbox has no name"
        # a tap (click) on the figure closes it, and the focus goes back to the figure
        if width == 390:
            box = big.bounding_box()
            page.touchscreen.tap(min(box["x"] + box["width"] / 2, 380), min(box["y"] + box["height"] / 2, 800))
        else:
            big.click()
        dialog.wait_for(state="detached", timeout=3_000)
        assert page.evaluate("el => document.activeElement === el", link.element_handle()), \
            "the focus does not return to the figure"
        # the keyboard: Enter opens, Tab stays in it, Escape closes
        link.focus()
        page.keyboard.press("Enter")
        dialog.wait_for(state="visible", timeout=3_000)
        for _ in range(3):
            page.keyboard.press("Tab")
            assert page.evaluate("() => document.activeElement.closest('dialog.actbook-lightbox') !== null"), \
                "Tab leaves the open lightbox"
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached", timeout=3_000)
        # the Close button
        link.focus()
        page.keyboard.press("Enter")
        dialog.wait_for(state="visible", timeout=3_000)
        close = dialog.locator("button.actbook-lightbox-close")
        assert close.is_visible() and "Close" in close.inner_text()
        close.click()
        dialog.wait_for(state="detached", timeout=3_000)
        assert page.url == url
        assert not problems, problems
    finally:
        context.close()


# --- Search ------------------------------------------------------------------------------------

def _plain(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", " ", fragment)
    for entity, char in (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'")):
        text = text.replace(entity, char)
    return re.sub(r"\s+", " ", text).strip()


def _page_text(book: Path, href: str) -> tuple[list[str], str, str]:
    """A found page's headings, the text of its paragraphs, list items, definitions and table
    cells (with the TeX of its formulas), and that text without its formulas."""
    page = (book / href.split("#")[0].split("?")[0]).read_text(encoding="utf-8")
    main = page[page.find('role="main"'):]
    headings = [_plain(h).replace("#", "").strip() for h in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", main, re.S)]
    blocks = " ".join(_plain(b) for b in re.findall(r"<(?:p|li|dd|td)\b[^>]*>(.*?)</(?:p|li|dd|td)>", main, re.S))
    no_math = re.sub(r'<(span|div) class="math[^"]*">.*?</\1>', " ", main, flags=re.S)
    return headings, blocks, _plain(no_math)


def test_figures_keep_their_place_before_they_load(browser, server, book):
    """On a phone, a figure that has not loaded yet (figures load lazily) already takes its
    height, so the page does not jump when it arrives (_static/actbook-images.js): the longest
    page with figures, opened at its top; the figures far below are not loaded yet."""
    pages = _pages_with_figures(book)
    path = max(pages, key=lambda p: (book / p).stat().st_size)
    context, page, problems = _open_phone_or_desktop(browser, server, path, 390)
    try:
        sizes = """() => [...document.querySelectorAll('.bd-article img')]
            .filter(img => getComputedStyle(img).display !== 'none')
            .map(img => [img.getAttribute('src'), img.complete, Math.round(img.getBoundingClientRect().height)])"""
        before = page.evaluate(sizes)
        waiting = [(src, h) for src, complete, h in before if not complete]
        assert waiting, f"every figure of {path} loaded at once: nothing to test"
        assert all(h > 0 for _, h in waiting), f"figures with no height before they load: {waiting}"
        page.evaluate("""async () => {
            for (const img of document.images) { img.loading = 'eager'; }
            await Promise.all([...document.images].map(img => img.complete ? null :
                new Promise(done => { img.onload = img.onerror = done; })));
        }""")
        after = dict((src, h) for src, _, h in page.evaluate(sizes))
        jumped = [(src, h, after[src]) for src, h in waiting if abs(after[src] - h) > 1]
        assert not jumped, f"figures whose height changed when they loaded (src, before, after): {jumped}"
        assert not problems, problems
    finally:
        context.close()


@pytest.mark.parametrize("query", QUERIES)
def test_search_snippets_are_prose(browser, server, book, query, record_property):
    # (a second attempt, in a fresh page: on a loaded machine one result of the nine searches
    # showed Sphinx's own snippet, twice in CI runs of 2026-12-06 (sigmoid, then GELU), which no
    # idle run has reproduced; a snippet or page error that recurs still fails)
    for attempt in (1, 2):
        context, page, problems = _open_phone_or_desktop(browser, server, f"search.html?q={query}", 1400)
        try:
            _check_search(page, book, query, problems, record_property)
            return
        except AssertionError:
            if attempt == 2:
                raise
        finally:
            context.close()


def _check_search(page, book, query, problems, record_property):
    page.wait_for_function("() => /Search finished|did not match/.test(document.querySelector"
                           "('#search-results .search-summary')?.innerText || '')", timeout=30_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    results = page.evaluate("""() => [...document.querySelectorAll('#search-results ul.search > li')].map(li => ({
        href: li.querySelector('a').getAttribute('href'), title: li.querySelector('a').innerText,
        snippet: li.querySelector('p.context')?.innerText || null}))""")
    assert results, f"searching {query!r} finds nothing"
    bad, shown_as_text = [], []
    stem = query.lower()[:5]  # (the search matches stems: "deriv" for "derivative" and "derived")
    for r in results:
        snippet = r["snippet"]
        if snippet is None:
            bad.append(f"{r['title']}: no snippet")
            continue
        headings, prose, visible = _page_text(book, r["href"])
        for tex in set(TEX.findall(snippet)):
            if tex in visible:  # the page itself shows it as text (not a formula's source)
                shown_as_text.append(f"{r['href']}: {tex!r} is text on the page")
            else:
                bad.append(f"{r['title']}: LaTeX source in the snippet: {snippet[:100]!r}")
                break
        if sum(h in snippet for h in headings if len(h) > 3) >= 2:
            bad.append(f"{r['title']}: the snippet is a list of headings: {snippet[:100]!r}")
        # the word, where the page's prose (or a table) has it; else the page's opening lines
        if stem not in snippet.lower() and stem in prose.lower():
            bad.append(f"{r['title']}: the snippet does not have {query!r}: {snippet[:100]!r}")
    record_property("actbook", {"page": "search.html", "width": "", f"search:{query}":
                                [f"{len(bad)} of {len(results)} snippets not prose"] + bad[:5]
                                + sorted(set(shown_as_text))})
    assert not bad and not problems, f"search {query!r}:\n" + "\n".join(bad + problems)


def test_search_reads_formulas_as_text(browser, server):
    """The snippet's formulas, read out as text (actbook-search.js's texToText)."""
    cases = {
        r"\(\operatorname{ReLU}(x) = \max(0, x)\)": "ReLU(x) = max(0, x)",
        r"\(\frac{\partial \ell}{\partial z} = \sigma(z) - t\)": "(\u2202 \u2113)/(\u2202 z) = \u03c3(z) - t",
        r"\(U = X W^\top + \mathbf{b}\)": "U = X W\u1d40 + b",
        r"\(\log\bigl(1 - D(G(\mathbf{z}_\text{noise}))\bigr)\)": "log(1 - D(G(z_noise)))",
        r"\(10^{-12}\)": "10^-12",
    }
    context, page, problems = _open_phone_or_desktop(browser, server, "search.html", 1400)
    try:
        got = page.evaluate("cases => Object.keys(cases).map(k => window.actbookSearch.texToText(k))", cases)
        assert dict(zip(cases, got, strict=True)) == cases
        assert not problems, problems
    finally:
        context.close()


# --- The landing page ------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [390, 1400])
def test_landing_page_starts_on_the_first_screen(browser, server, book, width):
    context, page, problems = _open_phone_or_desktop(browser, server, "intro.html", width)
    try:
        start = page.locator(".bd-article a.sd-btn[href$='chapters/01_perceptron.html']").first
        assert start.count(), "intro.html has no start button to chapter 1"
        box = start.bounding_box()
        height = page.viewport_size["height"]
        assert box and box["y"] + box["height"] <= height, \
            f"the start button is not on the first screen ({box} in a {height} px screen)"
        assert "start" in start.inner_text().lower(), start.inner_text()
        text = page.locator("article.bd-article").inner_text()
        for needed in ("Who this book is for", "make book", "make lab", "student edition"):
            assert needed.lower() in text.lower(), f"intro.html does not say {needed!r}"
        assert not problems, problems
    finally:
        context.close()
