"""The book's interactive figures in HTML: Plotly outputs drawn by the book's own plotly.js.

Two parts, both registered by ``pyproject.toml`` and ``_config.yml``:

* :class:`PlotlyMimeRenderer`, a myst-nb mime-renderer plugin (entry point group
  ``myst_nb.mime_renderers``): a notebook output of type ``application/vnd.plotly.v1+json``
  (what :func:`actlib.interactive.show` displays) becomes a ``<div>`` and a script that
  draws it, with the figure's alt text as its accessible name;
* :func:`setup`, a Sphinx extension: ``plotly.min.js``, taken from the installed ``plotly``
  package, is copied into the book's ``_static/`` and loaded only by the pages that have an
  interactive figure. No page asks another host for anything.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
from pathlib import Path

from docutils import nodes

PLOTLY_MIME = "application/vnd.plotly.v1+json"
MARKER_CLASS = "actbook-plotly"
SCRIPT = "plotly.min.js"


def figure_alt(spec: dict) -> str:
    """The figure's alt text, as :func:`actlib.interactive.show` stored it."""
    return spec.get("layout", {}).get("meta", {}).get("alt", "Interactive figure")


def figure_html(spec: dict, element_id: str) -> str:
    """The HTML of one interactive figure: a ``<div>``, its data as JSON, and the call that draws it."""
    alt = figure_alt(spec)
    # "</" cannot end the JSON script early once escaped.
    data = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
    return (
        f'<div class="{MARKER_CLASS}" id="{element_id}" role="group" aria-label="{html.escape(alt)}"></div>\n'
        f'<script type="application/json" id="{element_id}-spec">{data}</script>\n'
        f"<script>document.addEventListener('DOMContentLoaded', function () {{"
        f"var spec = JSON.parse(document.getElementById('{element_id}-spec').textContent);"
        f"Plotly.newPlot('{element_id}', spec.data, spec.layout, spec.config);}});</script>\n"
    )


def still_nodes(renderer, spec: dict) -> list[nodes.Node]:
    """Where scripts cannot run: the notebook's still image (same drawing code), in ``<noscript>``.

    A browser with scripts on never fetches an image inside ``<noscript>``, so this costs
    nothing to readers who see the interactive figure.
    """
    from actlib.interactive import still_png

    alt = figure_alt(spec)
    png = still_png(spec, alt)
    uri = renderer.write_file([f"{hashlib.sha256(png).hexdigest()}.png"], png, exists_ok=True)
    image = nodes.image(uri=uri, alt=f"{alt} (A still of the interactive figure: it needs JavaScript.)")
    return [nodes.raw("", "<noscript>", format="html"), image,
            nodes.raw("", "</noscript>", format="html")]


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


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / SCRIPT


def _load_on_pages_that_need_it(app, pagename, templatename, context, doctree):
    if MARKER_CLASS in context.get("body", ""):
        app.add_js_file(SCRIPT)


def _copy_script(app, exception):
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_plotly_js(), static / SCRIPT)


def setup(app):
    app.connect("html-page-context", _load_on_pages_that_need_it)
    app.connect("build-finished", _copy_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
