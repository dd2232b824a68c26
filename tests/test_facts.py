"""actlib.facts: the registry's facts as MyST markdown (chapter 3's fact tables)."""

from __future__ import annotations

import doctest

import pytest

import actlib
from actlib import facts


def test_doctests():
    assert doctest.testmod(facts).failed == 0


def test_facts_markdown_has_a_row_and_both_spellings_per_activation():
    text = facts.facts_markdown("sigmoid", "silu")
    assert text.splitlines()[:2] == ["| activation | output range | typical place |", "|---|---|---|"]
    for name in ("sigmoid", "silu"):
        record = actlib.get(name)
        assert f"| {record.title} | {record.range_text} | {record.used_in} |" in text
        assert f"- {record.title}: {facts.spellings(record.torch)}" in text
        assert f"- {record.title}: {facts.spellings(record.keras)}" in text
    assert text.count(":::{tab-item}") == 2 and text.endswith("::::")


def test_bad_input_says_what_was_expected():
    with pytest.raises(ValueError, match="at least one activation"):
        facts.facts_markdown()
    with pytest.raises(ValueError, match="unknown activation 'no-such-activation'; known: step"):
        facts.facts_markdown("no-such-activation")
    with pytest.raises(TypeError, match="expected a registry spelling"):
        facts.spellings(None)
