"""Chapter 3's pages together (issue 23: the chapter is split into section pages).

The last page compares "the functions of this chapter, from the step to softmax"
(``actlib.registry.BOOK_ORDER``) with PyTorch and Keras; a page cannot see the others' cells,
so this test checks, across the chapter's notebooks, that those are the functions the chapter
presents: each one has a facts() table on one of its pages, but the identity (it has none).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from actlib.registry import BOOK_ORDER

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
PAGES = sorted(CHAPTERS.glob("03_*.ipynb"))
FACTS = re.compile(r"^facts\(([^)]*)\)\s*$", re.M)


def tabled_on(path: Path) -> list[str]:
    """The activations of the page's facts(...) cells, in order."""
    names = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            for call in FACTS.finditer("".join(cell["source"])):
                names += [name.strip().strip("\"'") for name in call.group(1).split(",")]
    return names


def test_the_chapters_facts_tables_are_the_functions_it_compares():
    assert {p.stem for p in PAGES} >= {"03_activation_functions", "03_rectifiers", "03_output_units"}
    tabled = [name for page in PAGES for name in tabled_on(page)]
    assert len(tabled) == len(set(tabled)), f"a function tabled twice: {tabled}"
    assert set(tabled) <= set(BOOK_ORDER), set(tabled) - set(BOOK_ORDER)
    assert set(BOOK_ORDER) - set(tabled) == {"identity"}
