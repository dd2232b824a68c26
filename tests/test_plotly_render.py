"""actlib.course.plotly_render: how the book's interactive figures reach the HTML page.

The browser test (tests/browser/test_interactive.py) checks what a reader gets; these check the
HTML and the figure spec the renderer writes, without a browser.
"""

import hashlib
import json
import re
from pathlib import Path

import pytest

from actlib.course import plotly_render
from actlib.course.plotly_render import (
    MARKER_CLASS,
    RENDER_CONFIG,
    SPEC_FOLDER,
    axis_keys,
    figure_html,
    move_specs,
    page_spec,
    spec_js,
)

nbformat = pytest.importorskip("nbformat")
CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"


def _spec(**layout):
    return {"data": [{"type": "scatter", "x": [0, 1], "y": [1, 2]}],
            "layout": {"meta": {"alt": "A line from (0, 1) to (1, 2), for a test"}, **layout},
            "config": {"responsive": True, "displayModeBar": False}}


def stored_specs():
    """Every interactive figure stored in the chapters (what the book renders)."""
    out = []
    for path in sorted(CHAPTERS.glob("*.ipynb")):
        for k, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for output in cell.get("outputs", []):
                spec = output.get("data", {}).get(plotly_render.PLOTLY_MIME)
                if spec:
                    out.append(pytest.param(spec, id=f"{path.stem}-cell{k}"))
    return out


def test_nothing_zooms_or_pans_and_the_stored_spec_is_kept():
    spec = _spec(xaxis={"range": [0, 1]}, yaxis2={"type": "log"})
    spec["data"].append({"type": "scatter", "x": [0], "y": [1], "xaxis": "x3", "yaxis": "y2"})
    before = json.dumps(spec, sort_keys=True)
    shown = page_spec(spec)
    assert json.dumps(spec, sort_keys=True) == before, "page_spec changed the stored spec"
    assert shown["layout"]["dragmode"] is False
    assert axis_keys(spec) == ["xaxis", "xaxis3", "yaxis", "yaxis2"]
    for key in ("xaxis", "xaxis3", "yaxis", "yaxis2"):
        assert shown["layout"][key]["fixedrange"] is True, key
    assert shown["layout"]["xaxis"]["range"] == [0, 1] and shown["layout"]["yaxis2"]["type"] == "log"
    assert shown["config"] == {**spec["config"], **RENDER_CONFIG}
    assert shown["config"]["scrollZoom"] is False and shown["config"]["doubleClick"] is False
    assert shown["config"]["showTips"] is False  # (no "double-click to zoom back out")
    assert shown["layout"]["meta"] == spec["layout"]["meta"]


def test_a_chart_without_axes_gets_none():
    spec = {"data": [{"type": "pie", "values": [1, 2]}], "layout": {}}
    assert axis_keys(spec) == []
    assert "xaxis" not in page_spec(spec)["layout"]


@pytest.mark.parametrize("spec", stored_specs())
def test_every_stored_figure_is_fixed(spec):
    """The book's own figures: every axis they draw is fixed (a bar chart's x axis has no layout
    entry of its own), and the layout keeps every slider and menu."""
    shown = page_spec(spec)
    assert shown["layout"]["dragmode"] is False
    keys = axis_keys(spec)
    assert {"xaxis", "yaxis"} <= set(keys)
    assert all(shown["layout"][k]["fixedrange"] is True for k in keys)
    assert shown["layout"].get("sliders") == spec["layout"].get("sliders")
    assert shown["layout"].get("updatemenus") == spec["layout"].get("updatemenus")


def test_figure_html():
    spec = _spec(height=420)
    html = figure_html(spec, "fig-7")
    data = re.search(r'<script type="application/json" class="actbook-plotly-spec" data-sha="([0-9a-f]{64})">'
                     r"(.*?)</script>", html, re.S)
    assert data, html
    sha, text = data.groups()
    assert hashlib.sha256(text.encode()).hexdigest() == sha
    assert json.loads(text) == page_spec(spec)
    div = re.search(rf'<div class="{MARKER_CLASS}" id="fig-7" role="group" aria-label="([^"]+)" '
                    rf'data-spec="{sha}" style="min-height: 420px">', html)
    assert div and div.group(1) == "A line from (0, 1) to (1, 2), for a test"
    assert html.index('class="actbook-plotly-card"') < div.start()
    assert '<button type="button" class="actbook-plotly-reset">Reset the figure</button>' in html
    assert 'class="actbook-plotly-keys" role="group"' in html
    # nothing runs inline: the book's script draws it, when it nears the viewport
    assert "Plotly." not in html and "<script>" not in html


def test_figure_html_has_no_height_when_the_figure_has_none():
    assert "min-height" not in figure_html(_spec(), "fig-1")


def test_the_data_cannot_end_its_script():
    spec = _spec()
    spec["layout"]["meta"]["alt"] = "A </script><script>alert(1)</script> figure, for a test"
    html = figure_html(spec, "fig-1")
    assert html.count("</script>") == 1
    assert 'aria-label="A &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; figure, for a test"' in html


def test_move_specs_writes_each_figure_once(tmp_path):
    one, two = figure_html(_spec(height=300), "a"), figure_html(_spec(height=500), "b")
    again = figure_html(_spec(height=300), "c")
    body = f"<p>text</p>\n{one}<p>more</p>\n{two}{again}"
    moved = move_specs(body, tmp_path)
    assert "actbook-plotly-spec" not in moved and "<p>text</p>" in moved and "<p>more</p>" in moved
    assert moved.count(f'class="{MARKER_CLASS}"') == 3
    files = sorted((tmp_path / SPEC_FOLDER).glob("*.js"))
    assert len(files) == 2  # the same figure twice is one file
    for file in files:
        sha = file.stem
        text = file.read_text(encoding="utf-8")
        data = text.split('"] = ', 1)[1].rstrip(";\n")
        assert text == spec_js(sha, data)
        assert hashlib.sha256(data.encode()).hexdigest() == sha
        assert json.loads(data)["layout"]["dragmode"] is False
        assert f'data-spec="{sha}"' in moved
    assert move_specs(moved, tmp_path) == moved  # (nothing left to move)


def test_setup_moves_the_data_and_copies_plotly(tmp_path):
    pytest.importorskip("plotly")

    class Builder:
        format = "html"

    class App:
        outdir = str(tmp_path)
        builder = Builder()

        def __init__(self):
            self.handlers = {}

        def connect(self, event, handler, priority=500):
            self.handlers[event] = handler

        def add_transform(self, transform):
            self.transform = transform

    app = App()
    assert plotly_render.setup(app) == {"parallel_read_safe": True, "parallel_write_safe": True,
                                        "env_version": plotly_render.ENV_VERSION}
    context = {"body": figure_html(_spec(), "x")}
    app.handlers["html-page-context"](app, "page", "page.html", context, None)
    assert "actbook-plotly-spec" not in context["body"] and 'data-spec="' in context["body"]
    assert len(list((tmp_path / "_static" / SPEC_FOLDER).glob("*.js"))) == 1
    app.handlers["build-finished"](app, None)
    assert (tmp_path / "_static" / plotly_render.SCRIPT).stat().st_size > 1_000_000
