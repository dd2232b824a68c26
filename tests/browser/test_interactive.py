"""The book's interactive figures (actlib.interactive) in headless Chromium.

On every page that has one, at a desktop and a phone width: the figure is drawn by the
book's own plotly.js with no console error, sits in a numbered figure with a caption and an
accessible name, fits its column, and moving each slider and each menu changes the plotted
data (read back from the page).
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# The pages whose lesson is a parameter (issue 15): each must have an interactive figure.
EXPECTED = ["chapters/zoo.html", "chapters/02_xor.html", "chapters/03_activation_functions.html"]
WIDTHS = [1400, 390]
PLOTTED = """el => JSON.stringify(el.data.map(t => [t.y, t.z, t.name]))"""


def open_page(browser, server, path, width):
    context = browser.new_context(viewport={"width": width, "height": 1000})
    problems = []
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"uncaught exception: {e}"))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
               else (problems.append(f"request leaves the book: {route.request.url}"), route.abort()))
    page.goto(f"{server}/{path}", wait_until="networkidle")
    try:  # on a busy machine the page may still be parsing when the network falls idle
        page.wait_for_selector("div.actbook-plotly", state="attached", timeout=20_000)
    except PlaywrightTimeout:
        pass  # the caller reports the missing figure
    return context, page, problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", EXPECTED)
def test_interactive_figures_respond(browser, server, book, path, width):
    if not (book / path).is_file():
        pytest.fail(f"{path} is missing from the book")
    context, page, problems = open_page(browser, server, path, width)
    try:
        figures = page.query_selector_all("div.actbook-plotly")
        assert figures, f"{path} has no interactive figure"
        for figure in figures:
            page.wait_for_function("el => el.querySelector('.main-svg') !== null", arg=figure)
            name = figure.get_attribute("aria-label") or ""
            assert len(name) >= 20, f"{path}: interactive figure without an accessible name"
            caption = figure.evaluate("el => el.closest('figure')?.querySelector('figcaption')?.innerText || ''")
            assert caption.strip(), f"{path}: interactive figure without a numbered caption"
            overflow = figure.evaluate("el => el.getBoundingClientRect().right - "
                                       "el.closest('article, main').getBoundingClientRect().right")
            assert overflow <= 1, f"{path} at {width} px: the figure runs {overflow:.0f} px past its column"
            _check_controls(page, figure, path)
        assert not problems, problems
    finally:
        context.close()


def _changes(page, figure, before, seconds: float = 3.0) -> bool:
    """Whether the plotted data differ from ``before`` within ``seconds`` (a busy machine redraws late)."""
    for _ in range(int(seconds / 0.1)):
        if figure.evaluate(PLOTTED) != before:
            return True
        page.wait_for_timeout(100)
    return False


def _check_controls(page, figure, path):
    rails = figure.query_selector_all(".slider-rail-touch-rect")
    for index, rail in enumerate(rails):
        if not rail.is_visible():
            continue  # a slider the current choice hides (an activation without a parameter)
        rail.scroll_into_view_if_needed()
        changed = False
        for end in (0.02, 0.98):
            before = figure.evaluate(PLOTTED)
            box = rail.bounding_box()
            page.mouse.click(box["x"] + box["width"] * end, box["y"] + box["height"] / 2)
            changed |= _changes(page, figure, before)
        assert changed, f"{path}: moving slider {index} does not change the plotted data"
    # (plotly draws one header group per menu, in layout order; a "buttons" menu has no list to open)
    kinds = figure.evaluate("el => (el.layout.updatemenus || []).map(m => m.type || 'dropdown')")
    menus = [m for m, kind in zip(figure.query_selector_all(".updatemenu-header-group"), kinds, strict=False)
             if kind == "dropdown"]
    for menu in menus:
        before = figure.evaluate(PLOTTED)
        menu.scroll_into_view_if_needed()
        shown = {i.evaluate("e => e.textContent + '|' + e.getBoundingClientRect().y")
                 for i in figure.query_selector_all(".updatemenu-item-text") if i.is_visible()}
        menu.click()
        page.wait_for_timeout(150)
        opened = [i for i in figure.query_selector_all(".updatemenu-item-text") if i.is_visible()
                  and i.evaluate("e => e.textContent + '|' + e.getBoundingClientRect().y") not in shown]
        assert opened, f"{path}: the menu opens with no items"
        label = opened[-1].text_content()
        opened[-1].click()
        assert _changes(page, figure, before), f"{path}: choosing {label!r} changes nothing"
    ranges = [b for b in figure.query_selector_all(".updatemenu-button") if b.is_visible()]
    for button in ranges:
        before = figure.evaluate("el => JSON.stringify(el.layout.xaxis.range)")
        button.click()
        page.wait_for_timeout(150)
        after = figure.evaluate("el => JSON.stringify(el.layout.xaxis.range)")
        label = button.text_content()
        assert after != before or label.endswith("5"), f"{path}: the button {label!r} changes nothing"
    assert json.loads(figure.evaluate(PLOTTED)), f"{path}: the figure plots nothing"


@pytest.mark.parametrize("path", EXPECTED)
def test_still_image_without_javascript(browser, server, book, path):
    """With scripts off, each interactive figure shows its still image (the notebook's drawing)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server}/{path}", wait_until="load")
        figures = page.query_selector_all("div.actbook-plotly")
        assert figures, f"{path} has no interactive figure"
        # Chromium parses <noscript> as markup when scripts are off: the still is a real <img>.
        images = [i for i in page.query_selector_all("figure img")
                  if i.evaluate("e => e.closest('figure').querySelector('div.actbook-plotly') !== null")]
        assert len(images) >= len(figures), f"{path}: {len(figures)} interactive figures, {len(images)} stills"
        for image in images:
            page.wait_for_function("e => e.complete", arg=image)
            assert image.evaluate("e => e.naturalWidth") > 0, f"{path}: a still image does not load"
            assert len(image.get_attribute("alt") or "") >= 20, f"{path}: a still without alt text"
    finally:
        context.close()
