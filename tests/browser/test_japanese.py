"""The Japanese edition (``make book-ja``, copied into the English site's ``ja/``), as a reader uses it.

Two of its pages are also read by test_book.py's ``test_page_as_read`` (JAPANESE_PAGES_AS_READ),
and its links by ``test_internal_links_resolve``, with the English pages.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .test_book import book_pages, content_pages

JA = "ja/"
#: Terms a Japanese reader searches for (the source articles' words, locales/ja/terms.tsv).
SEARCH_TERMS = ("活性化関数", "勾配消失", "順伝播", "誤差逆伝播法", "パーセプトロン", "ソフトマックス関数")
_TWIN = re.compile(r'<a href="([^"]+)"[^>]*class="[^"]*btn-twin-language-button')
_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


def _twin(book: Path, page: str) -> str | None:
    """Where ``page``'s language button points, as a path in the site (None without a button)."""
    found = _TWIN.search((book / page).read_text(encoding="utf-8"))
    if not found:
        return None
    target = ((book / page).parent / urlsplit(found.group(1)).path).resolve()
    return target.relative_to(book.resolve()).as_posix() if book.resolve() in target.parents else str(target)


def _text(book: Path, page: str) -> str:
    body = (book / page).read_text(encoding="utf-8")
    main = body[body.find('<main'):body.find('</main>')] if '<main' in body else body
    return _TAGS.sub(" ", main)


@pytest.fixture(scope="module")
def japanese_pages(book) -> list[str]:
    pages = [p for p in book_pages(book) if p.startswith(JA) and p not in (JA + "index.html", JA + "genindex.html")]
    if not (book / JA / "intro.html").is_file():
        pytest.fail(f"no Japanese edition at {book / JA}: run `make book-ja` after the book build")
    return pages


def test_the_japanese_edition_is_japanese(book, japanese_pages):
    assert len(japanese_pages) == len(content_pages(book)), (len(japanese_pages), len(content_pages(book)))
    for page in japanese_pages:
        head = (book / page).read_text(encoding="utf-8")[:600]
        assert re.search(r'<html[^>]*\blang="ja"', head), f"{page}: not marked lang=ja"


#: What is not prose: code, printed outputs and formulas (where a backslash is TeX's or Python's).
_NOT_PROSE = re.compile(r'<pre.*?</pre>|<code.*?</code>|<span class="math[^"]*">.*?</span>|'
                        r'<div class="math[^"]*">.*?</div>', re.S)


def test_no_stray_backslash_in_the_japanese_prose(book, japanese_pages):
    """A hard line break (a backslash at a line's end) reaches a message as "\\ ": a translation
    that keeps it so shows the backslash (152 on the zoo's cards, found in a review after the
    clean reviews); `catalogues.check` now refuses such a translation, and this looks at the pages
    for any backslash in their prose (outside code, printed outputs and formulas)."""
    stray = {}
    for page in japanese_pages:
        body = (book / page).read_text(encoding="utf-8")
        main = body[body.find("<main"):body.find("</main>")] if "<main" in body else body
        text = _TAGS.sub(" ", _NOT_PROSE.sub(" ", main))
        if (found := text.count("\\")):  # (no backslash belongs in prose: review delta2, G1)
            stray[page] = found
    assert not stray, f"pages that show a backslash in their prose: {stray}"


def test_every_page_links_its_twin(book, japanese_pages):
    """Each English page's button opens the same page in Japanese, and back (relative links:
    from file:// as on a server)."""
    wrong = []
    for page in content_pages(book):
        if _twin(book, page) != JA + page:
            wrong.append(f"{page} -> {_twin(book, page)}")
        if _twin(book, JA + page) != page:
            wrong.append(f"{JA + page} -> {_twin(book, JA + page)}")
    assert not wrong, "language buttons that do not open the twin page:\n" + "\n".join(wrong)


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_japanese_search_finds_the_pages(browser, server, book, japanese_pages, term):
    """The search box finds a Japanese term (Sphinx splits Japanese into words in its index;
    sphinx-tsegsearch splits the query alike), including the page that uses it most."""
    counts = {p: _text(book, p).count(term) for p in japanese_pages if p != JA + "search.html"}
    most = max(counts, key=counts.get)
    assert counts[most] > 0, f"no Japanese page uses {term!r}"
    target = most.removeprefix(JA)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{server}/{JA}search.html?q={term}", wait_until="load")
        # (the page that uses the term most, among the results as they are listed: not the summary,
        # which searchtools.js writes once every result is listed, and which in three fresh-clone CI
        # runs of 2026-12-06 on a loaded machine never came for 順伝播 (in 30 s, in 60 s, and
        # in two attempts of 30 s), while on an idle machine each search took 0.6-1.0 s; the cause
        # is not found. The summary has a test of its own below.)
        page.wait_for_function("target => [...document.querySelectorAll('#search-results ul.search li a')]"
                               ".some(a => new URL(a.href).pathname.endsWith('/' + target))", arg=target,
                               timeout=60_000)
        hrefs = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")
    finally:
        context.close()
    found = {urlsplit(h).path.split(f"/{JA}", 1)[-1] for h in hrefs}
    assert found, f"searching {term!r} found no page (it is on {sum(1 for c in counts.values() if c)} pages)"
    assert most.removeprefix(JA) in found, f"searching {term!r} misses {most} ({counts[most]} uses): {sorted(found)}"


def test_japanese_search_says_how_many_pages_it_found(browser, server):
    """Sphinx 7.4's Japanese catalogue leaves the result summary empty; actbook-search.js puts the
    edition's own translation in (window.actbookText)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{server}/{JA}search.html?q={SEARCH_TERMS[0]}", wait_until="load")
        page.wait_for_function("() => /\\S/.test(document.querySelector('#search-results .search-summary')"
                               "?.innerText || '')", timeout=60_000)
        summary = page.inner_text("#search-results .search-summary")
    finally:
        context.close()
    assert "件" in summary and "Search finished" not in summary, summary
