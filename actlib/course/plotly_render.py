"""The book's interactive figures in HTML: Plotly outputs drawn by the book's own plotly.js.

Two parts, both registered by ``pyproject.toml`` and ``_config.yml``:

* :class:`PlotlyMimeRenderer`, a myst-nb mime-renderer plugin (entry point group
  ``myst_nb.mime_renderers``): a notebook output of type ``application/vnd.plotly.v1+json``
  (what :func:`actlib.interactive.show` displays) becomes a ``<div>`` with the figure's alt
  text as its accessible name, a row for its controls, its data, and the notebook's still
  image for readers without JavaScript;
* :func:`setup`, a Sphinx extension: each figure's data leaves the page for a file of its
  own, ``_static/actbook-plotly/<sha256>.js``, and ``plotly.min.js``, taken from the installed
  ``plotly`` package, is copied into the book's ``_static/``. No page asks another host for
  anything.

Nothing here loads plotly.js: the book's ``_static/actbook-figures.js`` (on every page,
deferred) fetches ``plotly.min.js`` (4.8 MB) and a figure's data only when the figure nears the
viewport, and draws it there. So no page waits for Plotly before it shows its text.

How the figure behaves on a page (:func:`page_spec` sets it; the book's script adds the rest):

* a swipe that starts on a figure scrolls the page: Plotly never zooms or pans
  (``dragmode: false``, every axis ``fixedrange``, no scroll zoom, no double-click reset and
  so no "double-click to zoom back out" tip);
* the figure's sliders and menus are also native controls (a range input per slider, a
  ``<select>`` per drop-down menu, buttons per button row), so a keyboard and a screen
  reader can operate it; they show when one of them has the focus;
* a *Reset* button puts every slider, menu and range back where the figure started.
"""

from __future__ import annotations

import copy
import hashlib
import html
import json
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform

from .i18n import N_, tr

PLOTLY_MIME = "application/vnd.plotly.v1+json"
MARKER_CLASS = "actbook-plotly"
SCRIPT = "plotly.min.js"
#: Where each figure's data goes, under the book's ``_static/`` (one file per figure, named by
#: the SHA-256 of its content).
SPEC_FOLDER = "actbook-plotly"

#: Plotly's options for every figure of the book, over what the notebook stored.
RENDER_CONFIG = {
    "responsive": True,
    "displayModeBar": False,
    "scrollZoom": False,
    "doubleClick": False,
    "showTips": False,
    "showAxisDragHandles": False,
    "showAxisRangeEntryBoxes": False,
}
_AXIS_KEY = re.compile(r"^[xy]axis\d*$")
# The inline data of a figure, until html-page-context moves it to a file of its own.
_SPEC_SCRIPT = re.compile(
    r'<script type="application/json" class="actbook-plotly-spec" data-sha="([0-9a-f]{64})">(.*?)</script>\n?',
    re.S)


def figure_alt(spec: dict) -> str:
    """The figure's alt text, as :func:`actlib.interactive.show` stored it."""
    return spec.get("layout", {}).get("meta", {}).get("alt", "Interactive figure")


def axis_keys(spec: dict) -> list[str]:
    """The layout keys of every Cartesian axis of the figure (``xaxis``, ``yaxis2``, ...).

    An axis a trace uses need not be in the layout (a bar chart's ``xaxis`` often is not).
    """
    keys = {key for key in spec.get("layout", {}) if _AXIS_KEY.match(key)}
    for trace in spec.get("data", []):
        if trace.get("type", "scatter") in ("pie", "sunburst", "treemap", "table", "indicator", "sankey"):
            continue
        for axis in (trace.get("xaxis") or "x", trace.get("yaxis") or "y"):
            keys.add(f"{axis[0]}axis{axis[1:]}")
    return sorted(keys)


def page_spec(spec: dict) -> dict:
    """The figure as the book draws it: the stored spec, made to leave page scrolling alone.

    Plotly's drag-to-zoom and drag-to-pan take a swipe that starts on the plot (and rescale its
    axes); here nothing zooms or pans, and the view changes only through the figure's own
    sliders, menus and buttons, which the page's Reset button undoes. The stored spec is not
    changed.
    """
    spec = copy.deepcopy(spec)
    layout = spec.setdefault("layout", {})
    layout["dragmode"] = False
    for key in axis_keys(spec):
        layout.setdefault(key, {})["fixedrange"] = True
    spec["config"] = {**spec.get("config", {}), **RENDER_CONFIG}
    return spec


def spec_js(sha: str, data: str) -> str:
    """The content of a figure's data file: it files the figure under its SHA-256 when loaded."""
    return f'(window.actbookPlotlySpecs = window.actbookPlotlySpecs || {{}})["{sha}"] = {data};\n'


def figure_html(spec: dict, element_id: str) -> str:
    """The HTML of one interactive figure.

    A ``<div>`` named by the figure's alt text and as tall as the figure will be (so that nothing
    moves when it is drawn), on a card (``actbook-plotly-card``: light in dark mode, like the
    static figures); the row for its keyboard controls and its Reset button; and its data as
    JSON (which :func:`setup` moves to a file of its own).
    """
    spec = page_spec(spec)
    alt = html.escape(figure_alt(spec))
    # "</" cannot end the JSON script early once escaped.
    data = json.dumps(spec, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
    sha = hashlib.sha256(data.encode()).hexdigest()
    height = spec["layout"].get("height")
    style = f' style="min-height: {int(height)}px"' if isinstance(height, int | float) and height > 0 else ""
    return (
        f'<div class="actbook-plotly-card">'
        f'<div class="{MARKER_CLASS}" id="{element_id}" role="group" aria-label="{alt}" data-spec="{sha}"{style}>'
        f'<p class="actbook-plotly-status">Interactive figure: it is drawn when you scroll to it.</p></div></div>\n'
        f'<div class="actbook-plotly-tools" hidden>'
        f'<div class="actbook-plotly-keys" role="group" aria-label="Controls of the interactive figure"></div>'
        f'<button type="button" class="actbook-plotly-reset">Reset the figure</button></div>\n'
        f'<script type="application/json" class="actbook-plotly-spec" data-sha="{sha}">{data}</script>\n'
    )


def still_nodes(renderer, spec: dict) -> list[nodes.Node]:
    """Where scripts cannot run: the notebook's still image (same drawing code), in ``<noscript>``.

    Two images, as for the book's other figures (:mod:`actlib.course.phone_render`): the
    still (class ``actbook-desktop``) and its phone version (``actbook-phone``), of which the
    style sheet shows one by the screen's width. A browser with scripts on never fetches an
    image inside ``<noscript>``; the book's script shows the matching still while plotly.js is
    on its way.
    """
    from actlib.interactive import still_pngs

    from .phone_render import DESKTOP_CLASS, PHONE_CLASS, text_class

    alt = figure_alt(spec)
    desktop, phone, meta = still_pngs(spec, alt)
    images = []
    for png, classes in ((desktop, [DESKTOP_CLASS, text_class(meta["min_text_pt"])]),
                         (phone, [PHONE_CLASS, text_class(meta["phone_min_text_pt"])])):
        uri = renderer.write_file([f"{hashlib.sha256(png).hexdigest()}.png"], png, exists_ok=True)
        image = nodes.image(uri=uri, alt=alt)
        image["classes"] += classes
        images.append(image)
    images[1]["width"], images[1]["height"] = str(meta["phone_width"]), str(meta["phone_height"])
    return [nodes.raw("", "<noscript>", format="html"), *images,
            nodes.raw("", f'<p class="actbook-still-note">{STILL_NOTE}</p></noscript>', format="html")]


class PlotlyMimeRenderer:
    """myst-nb plugin: render Plotly's output type in HTML builds (before text/html and PNG)."""

    mime_priority_overrides = [("html", PLOTLY_MIME, 25), ("dirhtml", PLOTLY_MIME, 25),
                               ("singlehtml", PLOTLY_MIME, 25)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if inline or data.mime_type != PLOTLY_MIME:
            return None
        spec = data.content if isinstance(data.content, dict) else json.loads(data.content)
        element_id = f"{MARKER_CLASS}-{data.cell_index}-{data.output_index}"
        return [nodes.raw("", figure_html(spec, element_id), format="html"), *still_nodes(renderer, spec)]


def move_specs(body: str, static_dir: Path) -> str:
    """``body`` without its figures' inline data, each written to ``static_dir/SPEC_FOLDER/<sha>.js``.

    The page then weighs what its text weighs (the zoo's explorer alone is 0.45 MB of JSON),
    and a figure's data is fetched with plotly.js, when the figure nears the viewport.
    """
    def move(match):
        sha, data = match.group(1), match.group(2)
        target = static_dir / SPEC_FOLDER / f"{sha}.js"
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(spec_js(sha, data), encoding="utf-8")
        return ""

    return _SPEC_SCRIPT.sub(move, body)


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / SCRIPT


def _move_specs_out_of_the_page(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if MARKER_CLASS in body and app.builder.format == "html":
        context["body"] = move_specs(body, Path(app.outdir) / "_static")


def _copy_script(app, exception):
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_plotly_js(), static / SCRIPT)


#: The version of the HTML the renderer puts into the doctrees Sphinx keeps between builds: a new
#: number makes Sphinx read every page again, so that no page keeps a figure rendered the old way
#: (version 1 drew each figure with an inline script and needed plotly.min.js in <head>).
ENV_VERSION = 2


#: The interface strings of :func:`figure_html` and :func:`still_nodes`, in English (marked for
#: extraction with ``N_``; :class:`TranslateFigures` translates them).
STILL_NOTE = N_("A still of the interactive figure: it needs JavaScript.")
_INTERFACE = (N_("Interactive figure: it is drawn when you scroll to it."),
              N_("Controls of the interactive figure"), N_("Reset the figure"), STILL_NOTE)
_NAMED = re.compile(r'aria-label="[^"]*" data-spec=')


class TranslateFigures(SphinxTransform):
    """In a translated edition: each interactive figure named by its still's alt text, which
    Sphinx's Locale transform has just translated, and its controls' words in the edition's
    language (:func:`actlib.course.i18n.tr`)."""

    default_priority = 21  # after sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs) -> None:
        if (self.config.language or "en") == "en":
            return
        words = {english: html.escape(tr(self.app, english)) for english in _INTERFACE}
        raws = list(self.document.findall(nodes.raw))
        for raw in raws:
            text = raw.astext()
            if MARKER_CLASS not in text and "actbook-still-note" not in text:
                continue
            for english, translated in words.items():
                text = text.replace(english, translated)
            if MARKER_CLASS in text:
                still = next(iter(raw.findall(nodes.image, include_self=False, descend=False, siblings=True)), None)
                if still is not None and still.get("alt"):
                    text = _NAMED.sub(f'aria-label="{html.escape(still["alt"])}" data-spec=', text, count=1)
            raw.replace_self(nodes.raw("", text, format="html"))


def setup(app):
    app.add_transform(TranslateFigures)
    app.connect("html-page-context", _move_specs_out_of_the_page)
    app.connect("build-finished", _copy_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": ENV_VERSION}
