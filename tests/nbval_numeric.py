"""nbval, with the numbers in a cell's text output compared to a tolerance (a pytest plugin).

nbval compares a stored output with a fresh one as strings, so a float that another CPU's
BLAS or SIMD kernels round differently in its last bit (``0.34`` against
``0.33999999999999997``) fails the notebook. This plugin (``pytest -p tests.nbval_numeric``)
lets such a pair through and nothing else:

- the two texts must be equal once every number in them is masked out, and
- each pair of numbers must agree: integers exactly, other numbers to a relative
  :data:`RTOL` (absolute :data:`ATOL` near zero), or to the notebook's own relative tolerance
  where its metadata sets one (``{"nbval_numeric": {"rtol": 1e-2}}``: chapter 5, whose
  PyTorch networks compute in float32 through up to 20 layers; the kernels moved its glued
  values by up to 0.9 % relative, below the two significant digits its prose shows; and 1e-3
  in chapter 7, whose float32 convolutions moved a share of negative pre-activations by 1e-5).

The parsing and comparison are pytest-doctestplus's ``FLOAT_CMP`` (the output checker
astropy's doctests use), kept rather than rewritten. :data:`RTOL` is far below what the
prose shows (a glued number is printed with at most six significant digits, ``:g``) and far
above what the kernels change (``make test-kernels`` measured at most 4.9e-12 relative across
the book's fast chapters; see CONTRIBUTING.md, "Notebooks and nbval").

Outputs are paired in order, as nbval pairs them; a pair that matches only numerically has
the stored text put in its place, and nbval then compares as before, reporting any other
difference in its usual way.
"""

from __future__ import annotations

import copy
import re

from nbval.plugin import IPyNbCell
from pytest_doctestplus.output_checker import FLOAT_CMP, OutputChecker

RTOL = 1e-9
ATOL = 1e-12

_INTEGER = re.compile(r"[+-]?\d+")


class _NumericChecker(OutputChecker):
    """doctestplus's ``FLOAT_CMP`` checker with the book's tolerance, integers compared exactly."""

    def __init__(self, rtol: float = RTOL, atol: float = ATOL):
        if not (0 <= rtol <= 1e-2 and 0 <= atol < 1e-6):
            raise ValueError(f"expected 0 <= rtol <= 1e-2 and 0 <= atol < 1e-6, got {rtol}, {atol}")
        super().__init__()
        self.rtol, self.atol = rtol, atol

    def equal_floats(self, a: str, b: str) -> bool:
        if _INTEGER.fullmatch(a) and _INTEGER.fullmatch(b):
            return int(a) == int(b)
        return super().equal_floats(a, b)


_CHECKER = _NumericChecker()


def numerically_equal(stored: str, fresh: str, rtol: float = RTOL) -> bool:
    """True if ``stored`` and ``fresh`` differ only in numbers that agree to the tolerance."""
    if not isinstance(stored, str) or not isinstance(fresh, str):
        raise TypeError(
            f"expected two strings, got {type(stored).__name__} and {type(fresh).__name__}"
        )
    checker = _CHECKER if rtol == RTOL else _NumericChecker(rtol)
    return stored == fresh or checker.check_output(stored, fresh, FLOAT_CMP)


_largest = {"pairs": 0, "relative": 0.0, "absolute": 0.0}


def _record(stored: str, fresh: str) -> None:
    """Count a pair accepted numerically; keep the largest relative difference seen, and the
    largest absolute one among numbers within 1000 ATOL of zero (which ATOL lets through)."""
    _largest["pairs"] += 1
    numbers = (_CHECKER.find_numbers(stored), _CHECKER.find_numbers(fresh))
    for a, b in zip(*numbers, strict=True):
        a, b = float(a), float(b)
        if max(abs(a), abs(b)) < 1000 * ATOL:
            _largest["absolute"] = max(_largest["absolute"], abs(a - b))
        elif a != b:
            _largest["relative"] = max(_largest["relative"], abs(a - b) / max(abs(a), abs(b)))


def _matches(stored, fresh, sanitize, rtol) -> bool:
    if not isinstance(stored, str) or not isinstance(fresh, str) or stored == fresh:
        return False
    stored, fresh = sanitize(stored), sanitize(fresh)
    if stored != fresh and numerically_equal(stored, fresh, rtol):
        _record(stored, fresh)
        return True
    return False


def _with_stored_numbers(fresh, stored, sanitize, rtol):
    """``fresh`` (one output) with each text that matches ``stored``'s numerically replaced by it."""
    if fresh.get("output_type") != stored.get("output_type"):
        return fresh
    aligned = copy.deepcopy(fresh)
    if _matches(stored.get("text"), fresh.get("text"), sanitize, rtol):
        aligned["text"] = stored["text"]
    for mime, value in fresh.get("data", {}).items():
        if _matches(stored.get("data", {}).get(mime), value, sanitize, rtol):
            aligned["data"][mime] = stored["data"][mime]
    return aligned


_nbval_compare_outputs = IPyNbCell.compare_outputs


def compare_outputs(self, test, ref, skip_compare=None):
    """nbval's comparison, after numbers that agree to the tolerance are made identical."""
    if len(test) == len(ref):
        rtol = float(self.parent.nb.metadata.get("nbval_numeric", {}).get("rtol", RTOL))
        test = [
            _with_stored_numbers(fresh, stored, self.sanitize, rtol)
            for fresh, stored in zip(test, ref, strict=True)
        ]
    return _nbval_compare_outputs(self, test, ref, skip_compare)


IPyNbCell.compare_outputs = compare_outputs


def pytest_terminal_summary(terminalreporter):
    """Say how many outputs matched only to the tolerance, and the largest difference among them
    (in this process: under pytest-xdist, each worker keeps its own count)."""
    if _largest["pairs"]:
        terminalreporter.write_line(
            f"nbval_numeric: {_largest['pairs']} outputs matched to the tolerance;"
            f" largest relative difference {_largest['relative']:.1e}, largest absolute"
            f" difference near zero {_largest['absolute']:.1e}"
        )
