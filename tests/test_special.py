import math

import numpy as np

from actlib._special import erf, erfc, normal_cdf


def test_erf_and_erfc_match_the_standard_library():
    x = np.concatenate([np.linspace(-30, 30, 60001), np.geomspace(1e-300, 1, 300), -np.geomspace(1e-300, 1, 300)])
    ours_erf, ours_erfc = erf(x), erfc(x)
    ref_erf = np.array([math.erf(v) for v in x])
    ref_erfc = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(ours_erf, ref_erf, rtol=1e-15, atol=0)
    significant = ref_erfc > 1e-300
    np.testing.assert_allclose(ours_erfc[significant], ref_erfc[significant], rtol=1e-13)


def test_special_values():
    np.testing.assert_array_equal(erf(np.array([0.0, np.inf, -np.inf])), [0.0, 1.0, -1.0])
    np.testing.assert_array_equal(erfc(np.array([np.inf, -np.inf, 0.0])), [0.0, 2.0, 1.0])
    assert np.isnan(erf(np.array([np.nan]))[0]) and np.isnan(erfc(np.array([np.nan]))[0])
    assert normal_cdf(np.array([0.0]))[0] == 0.5
