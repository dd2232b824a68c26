"""The book's interactive figures (actlib.interactive) in headless Chromium.

On every page that has one:

* the figure is drawn by the book's own plotly.js with no console error, sits in a numbered
  figure with a caption and an accessible name, fits its column, and moving each slider and each
  menu changes the plotted data (read back from the page), at a desktop and a phone width;
* plotly.js (4.8 MB) and the figure's data are fetched only once the reader scrolls near the
  figure, never with the page;
* on a phone (390 x 844, touch), a vertical swipe that starts anywhere on a figure scrolls the
  page and leaves the figure as it was (no zoom, no pan, no slider moved), while a horizontal
  drag on a slider still moves it;
* the keyboard operates every slider, menu and button of every figure (their native twins:
  Tab reaches them, and they show once focused), and Reset puts the figure back as it started;
* with scripts off, each figure shows its still image.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# The pages whose lesson is a parameter (issue 15): each must have an interactive figure.
EXPECTED = ["chapters/zoo_compared.html", "chapters/02_xor.html", "chapters/03_output_units.html"]
WIDTHS = [1400, 390]
PLOTTED = """el => JSON.stringify(el.data.map(t => [t.y, t.z, t.name]))"""
# What the reader sees of a figure: its data, where its sliders and menus stand, its axes' ranges.
STATE = """el => JSON.stringify([el.data.map(t => [t.y, t.z, t.name]),
    (el.layout.sliders || []).map(s => [s.active, s.visible]),
    (el.layout.updatemenus || []).map(m => m.active),
    Object.keys(el._fullLayout).filter(k => /^[xy]axis\\d*$/.test(k)).sort()
        .map(k => el._fullLayout[k].range.map(v => +(+v).toPrecision(6)))])"""
PLOTLY_REQUESTS = """() => performance.getEntriesByType('resource').map(e => e.name)
    .filter(n => n.includes('plotly.min.js') || n.includes('/actbook-plotly/'))"""


def open_page(browser, server, path, width, touch=False):
    context = browser.new_context(viewport={"width": width, "height": 1000 if not touch else 844},
                                  has_touch=touch, is_mobile=touch)
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


def drawn(page, figure, timeout=60_000):
    """Scroll to the figure (it is drawn when it nears the viewport) and wait until it is."""
    figure.scroll_into_view_if_needed()
    page.wait_for_function("el => el.querySelector('.main-svg') !== null"
                           " && (el.dataset.state === 'drawn' || !el.dataset.spec)",  # (or drawn at once)
                           arg=figure, timeout=timeout)
    return figure


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
            drawn(page, figure)
            name = figure.get_attribute("aria-label") or ""
            assert len(name) >= 20, f"{path}: interactive figure without an accessible name"
            caption = figure.evaluate("el => el.closest('figure')?.querySelector('figcaption')?.innerText || ''")
            assert caption.strip(), f"{path}: interactive figure without a numbered caption"
            overflow = figure.evaluate("el => el.getBoundingClientRect().right - "
                                       "el.closest('article, main').getBoundingClientRect().right")
            assert overflow <= 1, f"{path} at {width} px: the figure runs {overflow:.0f} px past its column"
            start = figure.evaluate(STATE)
            _check_controls(page, figure, path)
            # Reset (a click, as a mouse or a tap gives it) puts everything back
            page.locator(f"#{figure.get_attribute('id')}").locator(
                "xpath=ancestor::*[contains(@class,'actbook-plotly-card')]/following-sibling::"
                "div[contains(@class,'actbook-plotly-tools')]//button[contains(@class,'actbook-plotly-reset')]").click()
            page.wait_for_function(f"el => ({STATE})(el) === {json.dumps(start)}", arg=figure, timeout=5_000)
        assert not problems, problems
    finally:
        context.close()


def _changes(page, figure, before, seconds: float = 3.0, state=PLOTTED) -> bool:
    """Whether the plotted data differ from ``before`` within ``seconds`` (a busy machine redraws late)."""
    for _ in range(int(seconds / 0.1)):
        if figure.evaluate(state) != before:
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
def test_plotly_loads_only_near_a_figure(browser, server, book, path):
    """plotly.js and the figure's data are not part of the page: they come when the reader nears
    the figure (at the top of the page, a phone's screen, none of them has been asked for)."""
    context, page, problems = open_page(browser, server, path, 390, touch=True)
    try:
        figure = page.query_selector("div.actbook-plotly")
        top = figure.evaluate("el => el.getBoundingClientRect().top + window.scrollY")
        page.wait_for_timeout(500)
        if top > 2 * 844:  # (a figure within two screens of the top is fetched at once, by design)
            assert not page.evaluate(PLOTLY_REQUESTS), f"{path}: plotly is fetched before the reader nears a figure"
        drawn(page, figure)
        fetched = page.evaluate(PLOTLY_REQUESTS)
        assert any("plotly.min.js" in n for n in fetched), fetched
        assert any("/actbook-plotly/" in n for n in fetched), f"{path}: the figure's data is not a file of its own"
        assert not problems, problems
    finally:
        context.close()


def _swipe(page, cdp, x, y, dy=-260, steps=10):
    """A finger's vertical swipe from (x, y), dy pixels long (negative: up, the page scrolls down)."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for k in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x, "y": max(1.0, y + dy * k / steps)}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.parametrize("path", EXPECTED)
def test_a_swipe_on_a_figure_scrolls_the_page(browser, server, book, path, record_property):
    """On a phone, a vertical swipe that starts on a figure (on its plot, legend, menus, slider,
    anywhere) scrolls the page and changes nothing in the figure."""
    context, page, problems = open_page(browser, server, path, 390, touch=True)
    cdp = context.new_cdp_session(page)
    taken, found = [], []
    try:
        figures = page.query_selector_all("div.actbook-plotly")
        assert figures, f"{path} has no interactive figure"
        for n, figure in enumerate(figures, 1):
            drawn(page, figure)
            height = figure.evaluate("el => el.getBoundingClientRect().height")
            takes = []
            for fy in (0.05, 0.25, 0.5, 0.75, 0.9, 0.97):
                for fx in (0.2, 0.6):
                    # the point on the screen's upper half, with room below it to swipe
                    figure.evaluate("(el, fy) => window.scrollTo(0, el.getBoundingClientRect().top "
                                    "+ window.scrollY + el.getBoundingClientRect().height * fy - 300)", fy)
                    page.wait_for_timeout(150)
                    box = figure.bounding_box()
                    x, y = box["x"] + box["width"] * fx, box["y"] + height * fy
                    target = page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y); "
                                           "return e ? e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '') "
                                           ": '' }", [x, y])
                    if not figure.evaluate("(el, [x, y]) => el.contains(document.elementFromPoint(x, y))", [x, y]):
                        continue  # (the theme's back-to-top button covers the figure there)
                    before_state, before_y = figure.evaluate(STATE), page.evaluate("() => window.scrollY")
                    _swipe(page, cdp, x, y)
                    page.wait_for_timeout(400)
                    scrolled = page.evaluate("() => window.scrollY") - before_y
                    changed = figure.evaluate(STATE) != before_state
                    if scrolled < 100 or changed:
                        takes.append(f"at ({fx:.2f}, {fy:.2f}) of the figure, on {target}: the page scrolled "
                                     f"{scrolled:.0f} px{' and the figure changed' if changed else ''}")
                        page.evaluate(f"() => document.getElementById('{figure.get_attribute('id')}')"
                                      ".parentElement.parentElement.querySelector('.actbook-plotly-reset')?.click()")
                        page.wait_for_timeout(300)
            if takes:
                taken.append(f"figure {n}")
                found += [f"figure {n} takes a vertical swipe {t}" for t in takes]
            # a horizontal drag on a slider still moves it
            rail = figure.query_selector(".slider-rail-touch-rect")
            if rail:
                figure.evaluate("el => el.scrollIntoView({block: 'center'})")
                rail.scroll_into_view_if_needed()
                box = rail.bounding_box()
                before = figure.evaluate(PLOTTED)
                y = box["y"] + box["height"] / 2
                cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [
                    {"x": box["x"] + box["width"] * 0.9, "y": y}]})
                for k in range(1, 13):
                    cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                        {"x": box["x"] + box["width"] * (0.9 - 0.07 * k), "y": y + 1}]})
                    page.wait_for_timeout(30)
                cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
                if not _changes(page, figure, before):
                    found.append(f"figure {n}: a horizontal drag on its slider does not move it")
        record_property("actbook", {"page": path, "width": 390, "swipe_taken": taken})
        assert not found and not problems, "\n".join(found + problems)
    finally:
        context.close()


def _focus_before(page, figure):
    """Put the keyboard focus on the last focusable element before the figure's controls."""
    page.evaluate("""el => {
        const tools = el.closest('.actbook-plotly-card').parentElement.querySelector('.actbook-plotly-tools');
        const focusable = [...document.querySelectorAll('a[href], button, input, select, [tabindex]')]
            .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length
                         && (e.compareDocumentPosition(tools) & Node.DOCUMENT_POSITION_FOLLOWING)
                         && !tools.contains(e) && !el.contains(e));
        const last = focusable[focusable.length - 1];
        last.focus();
        return last.outerHTML.slice(0, 80);
    }""", figure)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", EXPECTED)
def test_keyboard_operates_every_figure(browser, server, book, path, width):
    """Tab reaches each figure's controls (they show when focused); the arrow keys move a slider,
    a menu's choice changes with the arrow keys, a button row's buttons with Enter; Reset (Enter)
    puts the figure back as it started."""
    context, page, problems = open_page(browser, server, path, width)
    found = []
    try:
        for n, figure in enumerate(page.query_selector_all("div.actbook-plotly"), 1):
            drawn(page, figure)
            start = figure.evaluate(STATE)
            _focus_before(page, figure)
            page.keyboard.press("Tab")
            active = page.evaluate("() => document.activeElement.closest('.actbook-plotly-keys') ? "
                                   "document.activeElement.tagName.toLowerCase() : ''")
            if not active:
                found.append(f"figure {n}: Tab does not reach its controls")
                continue
            keys = page.evaluate("""el => { const k = el.closest('.actbook-plotly-card').parentElement
                .querySelector('.actbook-plotly-keys'); const r = k.getBoundingClientRect();
                return [r.width, r.height]; }""", figure)
            if keys[0] < 50 or keys[1] < 20:
                found.append(f"figure {n}: its focused controls are not shown ({keys})")
            # walk the controls with Tab, operating each, until the focus reaches Reset
            for _ in range(40):
                kind = page.evaluate("""() => { const e = document.activeElement;
                    if (e.classList.contains('actbook-plotly-reset')) return 'reset';
                    if (!e.closest('.actbook-plotly-keys')) return 'out';
                    return e.tagName === 'INPUT' ? 'range' : e.tagName === 'SELECT' ? 'select' : 'button'; }""")
                if kind in ("reset", "out"):
                    break
                before = figure.evaluate(STATE)
                name = page.evaluate("() => document.activeElement.closest('label, [role=group]')?.textContent"
                                     ".trim().slice(0, 40) || document.activeElement.textContent")
                if kind == "range":
                    page.keyboard.press("End")
                    if not _changes(page, figure, before, 1.0, state=STATE):  # (it was at the end)
                        page.keyboard.press("Home")
                elif kind == "select":
                    page.keyboard.press("ArrowDown")
                else:
                    page.keyboard.press("Enter")
                    if not _changes(page, figure, before, 1.0, state=STATE):
                        page.keyboard.press("Tab")  # (the button already chosen: try the next one)
                        page.keyboard.press("Enter")
                if not _changes(page, figure, before, state=STATE):
                    found.append(f"figure {n}: the {kind} {name!r} changes nothing from the keyboard")
                page.keyboard.press("Tab")
            else:
                found.append(f"figure {n}: Tab never reaches Reset")
                continue
            if kind != "reset":
                found.append(f"figure {n}: the focus leaves the controls before Reset ({kind})")
                continue
            if figure.evaluate(STATE) == start:
                found.append(f"figure {n}: the keyboard changed nothing (nothing for Reset to undo)")
            page.keyboard.press("Enter")
            try:
                page.wait_for_function(f"el => ({STATE})(el) === {json.dumps(start)}", arg=figure, timeout=5_000)
            except PlaywrightTimeout:
                found.append(f"figure {n}: Reset does not put the figure back as it started")
        assert not found and not problems, "\n".join(found + problems)
    finally:
        context.close()


@pytest.mark.parametrize("path", EXPECTED)
def test_still_image_without_javascript(browser, server, book, path):
    """With scripts off, each interactive figure shows its still image."""
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
