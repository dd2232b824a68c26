"""The error function in plain NumPy (NumPy has no vectorised ``erf``).

The exact GELU needs the standard normal CDF ``Phi(x) = erfc(-x / sqrt(2)) / 2``.
We use the rational approximations of the Cephes library (S. L. Moshier,
``ndtr.c``, the same ones behind ``scipy.special.erf``), which are accurate
to a few units in the last place of float64:

* ``|x| < 1``:        ``erf(x)  = x T(x^2) / U(x^2)``
* ``1 <= |x| < 8``:   ``erfc(x) = exp(-x^2) P(x) / Q(x)``
* ``|x| >= 8``:       ``erfc(x) = exp(-x^2) R(x) / S(x)``

``tests/test_special.py`` checks them against :func:`math.erf` and
:func:`math.erfc` on a dense grid.
"""

from __future__ import annotations

import numpy as np

from ._validation import ignore_underflow

_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
      4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
      9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
_Q = (1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
      9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
      1.65666309194161350182e3, 5.57535340817727675546e2)
_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
      6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)
_S = (1.0, 2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
      1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)
_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
      7.00332514112805075473e3, 5.55923013010394962768e4)
_U = (1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
      2.26290000613890934246e4, 4.92673942608635921086e4)


def _poly(coefficients, x):
    """Horner's rule; coefficients from the highest power down."""
    result = np.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        result *= x
        result += c
    return result


def _erf_small(x):
    z = x * x
    return x * _poly(_T, z) / _poly(_U, z)


def _erfc_large(a):
    """erfc(a) for 1 <= a <= 27 (float64 array); beyond 27 it underflows to 0."""
    near = a < 8.0
    ratio = np.empty_like(a)
    ratio[near] = _poly(_P, a[near]) / _poly(_Q, a[near])
    ratio[~near] = _poly(_R, a[~near]) / _poly(_S, a[~near])
    return np.exp(-a * a) * ratio


def _erfc_nonnegative(a):
    """erfc(a) for a >= 0, NaN-free; each branch is evaluated only where it applies."""
    out = np.zeros_like(a)  # erfc(a) underflows to 0 for a > 27
    small = a < 1.0
    out[small] = 1.0 - _erf_small(a[small])
    tail = ~small & (a <= 27.0)
    out[tail] = _erfc_large(a[tail])
    return out


@ignore_underflow
def erfc(x: np.ndarray) -> np.ndarray:
    """Complementary error function of a float64 array (NaN stays NaN)."""
    x = np.asarray(x, dtype=np.float64)
    nan = np.isnan(x)
    positive = _erfc_nonnegative(np.where(nan, 0.0, np.abs(x)))
    result = np.where(x < 0, 2.0 - positive, positive)  # erfc(-a) = 2 - erfc(a)
    result[nan] = np.nan
    return result


@ignore_underflow
def erf(x: np.ndarray) -> np.ndarray:
    """Error function of a float64 array (NaN stays NaN)."""
    x = np.asarray(x, dtype=np.float64)
    nan = np.isnan(x)
    a = np.where(nan, 0.0, np.abs(x))
    small = a < 1.0
    magnitude = np.empty_like(a)
    magnitude[small] = _erf_small(a[small])  # no cancellation near 0
    magnitude[~small] = 1.0 - _erfc_nonnegative(a[~small])
    result = np.copysign(magnitude, x)
    result[nan] = np.nan
    return result


@ignore_underflow
def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF, Phi(x) = erfc(-x / sqrt(2)) / 2, accurate in both tails."""
    return 0.5 * erfc(-np.asarray(x, dtype=np.float64) * np.sqrt(0.5))
