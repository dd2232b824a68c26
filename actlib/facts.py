"""The registry's facts as MyST markdown: the fact tables of chapter 3's pages.

:func:`facts_markdown` writes, for some activations of the registry (:func:`actlib.get`), a
table of output ranges and typical places, then their spellings in PyTorch and Keras as two
synchronised tabs. A chapter shows it with ``IPython.display.Markdown``; myst-nb renders it.
"""

from __future__ import annotations

import re

from .registry import get

__all__ = ["facts_markdown", "spellings"]


def spellings(text: str) -> str:
    """A registry spelling as inline code: ``"nn.Sigmoid() / torch.sigmoid"`` becomes
    ``"`nn.Sigmoid()` or `torch.sigmoid`"``; a trailing note in parentheses stays prose, and
    a text starting with "none" is kept as it is.

    Examples::

        >>> spellings("nn.SiLU() (beta = 1)")
        '`nn.SiLU()` (beta = 1)'
        >>> spellings("none; write x * sigmoid(x)")
        'none; write x * sigmoid(x)'
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a registry spelling (str); got {type(text).__name__}")
    if text.startswith("none"):
        return text
    code, note = re.fullmatch(r"(.*?\)?)( \(.*\))?", text).groups()
    parts = re.split(r" / | or ", code)
    return " or ".join(f"`{part.strip()}`" for part in parts) + (note or "")


def facts_markdown(*names: str) -> str:
    """The facts of the activations ``names`` (registry names) as MyST markdown: a table of
    output range and typical place, then a tab set (PyTorch, Keras) of their spellings."""
    if not names:
        raise ValueError("facts_markdown needs at least one activation name")
    records = [get(name) for name in names]
    lines = ["| activation | output range | typical place |", "|---|---|---|"]
    lines += [f"| {a.title} | {a.range_text} | {a.used_in} |" for a in records]
    lines += ["", "::::{tab-set}", ":sync-group: library", ""]
    for library, attribute in (("PyTorch", "torch"), ("Keras", "keras")):
        lines += [f":::{{tab-item}} {library}", f":sync: {attribute}", ""]
        lines += [f"- {a.title}: {spellings(getattr(a, attribute))}" for a in records]
        lines += [":::", ""]
    return "\n".join([*lines, "::::"])
