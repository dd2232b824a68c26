"""The book's notebook conventions (CONTRIBUTING.md, "How a page reads"), checked statically.

Run for one chapter with ``pytest tests/test_notebook_conventions.py -k 02_xor``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CHAPTERS = sorted((Path(__file__).parents[1] / "chapters").glob("*.ipynb"))
MAX_CODE_LINE = 88
# Comment markers that would show in the HTML: nbval's and ruff's belong in cell tags and
# pyproject.toml.
MARKER = re.compile(r"#\s*(NBVAL_\w+|noqa\b)")
ARTICLE = re.compile(r"\b[Aa]rticles?\s+00\d")
REF_ROLE = re.compile(r"\{ref\}`[^`]*`")
FIG_REF = re.compile(r"\{numref\}`(?:[^`<]*<)?([\w-]+)>?`")


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def has_image(cell: dict) -> bool:
    return any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


@pytest.fixture(params=CHAPTERS, ids=[p.stem for p in CHAPTERS])
def notebook(request) -> Path:
    return request.param


def test_no_tool_markers_in_code(notebook):
    found = [f"cell {i}: {m.group(0)}" for i, c in enumerate(cells(notebook)) if c["cell_type"] == "code"
             for m in MARKER.finditer(source(c))]
    assert not found, f"use the cell tag nbval-ignore-output and pyproject.toml's ruff ignores instead: {found}"


def test_code_lines_fit_the_column(notebook):
    long = [f"cell {i}: {len(line)} chars: {line[:50]}..." for i, c in enumerate(cells(notebook))
            if c["cell_type"] == "code" for line in source(c).splitlines() if len(line) > MAX_CODE_LINE]
    assert not long, f"code lines longer than {MAX_CODE_LINE} characters: {long}"


def test_every_figure_has_a_name_caption_and_alt_text(notebook):
    problems = []
    for i, c in enumerate(cells(notebook)):
        if c["cell_type"] != "code" or not has_image(c):
            continue
        meta = c.get("metadata", {}).get("mystnb", {})
        figure, image = meta.get("figure", {}), meta.get("image", {})
        if not figure.get("name", "").startswith("fig-"):
            problems.append(f"cell {i}: no mystnb.figure.name starting with 'fig-'")
        if len(figure.get("caption", "")) < 20:
            problems.append(f"cell {i}: no mystnb.figure.caption (a sentence at least)")
        alt = image.get("alt", "")
        if len(alt) < 30 or re.search(r"\.(png|svg|jpe?g)\b", alt):
            problems.append(f"cell {i}: mystnb.image.alt must say what the figure shows (30+ characters)")
    assert not problems, problems


def test_every_figure_is_referred_to_from_the_prose(notebook):
    names = [c["metadata"]["mystnb"]["figure"]["name"] for c in cells(notebook)
             if c["cell_type"] == "code" and has_image(c)
             and "name" in c.get("metadata", {}).get("mystnb", {}).get("figure", {})]
    prose = " ".join(source(c) for c in cells(notebook) if c["cell_type"] == "markdown")
    referred = set(FIG_REF.findall(prose))
    missing = [n for n in names if n not in referred]
    assert not missing, f"figures never referred to with {{numref}}: {missing}"


def test_self_checks_show_no_stored_verdict(notebook):
    bare = [i for i, c in enumerate(cells(notebook)) if "self-check" in tags(c) and "remove-output" not in tags(c)]
    assert not bare, f"self-check cells without the remove-output tag (their verdict would show): {bare}"


def test_ignored_outputs_are_followed_by_an_assertion(notebook):
    """A cell whose output nbval ignores (or a run of such cells) is followed by a code cell,
    compared by nbval, that asserts (an `assert`, or an exercise's self-check, which raises when
    the answer is wrong)."""
    nb = cells(notebook)
    missing = []
    for i, c in enumerate(nb):
        if "nbval-ignore-output" not in tags(c):
            continue
        following = next((d for d in nb[i + 1:] if d["cell_type"] == "code"
                          and "nbval-ignore-output" not in tags(d)
                          and not source(d).startswith("# (for the prose)")), None)  # (glue cells)
        if following is None or not ("assert" in source(following) or "actlib.check(" in source(following)):
            missing.append(i)
    assert not missing, f"cells with ignored output not followed by a code cell that asserts: {missing}"


def test_article_mentions_link_to_the_sources_page(notebook):
    unlinked = [f"cell {i}: {m.group(0)!r}" for i, c in enumerate(cells(notebook)) if c["cell_type"] == "markdown"
                for m in ARTICLE.finditer(REF_ROLE.sub("", source(c)))]
    assert not unlinked, f"write {{ref}}`article 003 <sources-003>`: {unlinked}"


def test_no_glue_call_in_a_visible_code_cell(notebook):
    """Issue 23: build code stays out of the reader's way: a cell the page shows (not removed, not
    folded) holds no myst-nb glue call; the numbers go to the prose from a remove-cell cell."""
    hidden = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
    shown = [f"cell {i} ({c.get('id')})" for i, c in enumerate(cells(notebook))
             if c["cell_type"] == "code" and not hidden & set(tags(c)) and re.search(r"\bglue\w*\(", source(c))]
    assert not shown, f"move these glue calls into a cell tagged remove-cell: {shown}"
