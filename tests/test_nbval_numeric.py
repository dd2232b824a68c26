"""tests/nbval_numeric.py: which stored and fresh outputs nbval lets through, and which not."""

import pytest

from tests.cross_kernel import SETTINGS, fast_notebooks, nbval_command
from tests.nbval_numeric import RTOL, numerically_equal


@pytest.mark.parametrize(
    ("stored", "fresh"),
    [
        ("0.34", "0.33999999999999997"),  # the last bit, as issue 21 saw it
        ("0.6901640908138659", "0.6901640908138658"),
        ("loss 1.1089493550621243 after 200 steps", "loss 1.1089493550621239 after 200 steps"),
        ("[0.5, 2.5e-07]", "[0.5000000000000001, 2.5000000000000004e-07]"),
        ("7", "7"),
    ],
)
def test_the_last_digits_of_a_float_may_differ(stored, fresh):
    assert numerically_equal(stored, fresh)


@pytest.mark.parametrize(
    ("stored", "fresh"),
    [
        ("0.34", "0.35"),  # a real change
        ("0.34", f"{0.34 * (1 + 10 * RTOL)!r}"),  # just beyond the tolerance
        ("3 of 4 runs", "4 of 4 runs"),  # integers: exactly
        ("60000 images", "60001 images"),
        ("accuracy 0.97", "accuracy: 0.97"),  # the text around the numbers: exactly
        ("0.34", "0.34 0.1"),  # another count of numbers
    ],
)
def test_anything_else_is_still_a_difference(stored, fresh):
    assert not numerically_equal(stored, fresh)


def test_a_notebook_may_set_a_looser_tolerance():
    assert not numerically_equal("116.68043", "116.67937")
    assert numerically_equal("116.68043", "116.67937", rtol=1e-4)
    with pytest.raises(ValueError, match="rtol"):
        numerically_equal("1.0", "1.1", rtol=0.5)


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match="two strings"):
        numerically_equal(0.34, "0.34")


def test_the_kernel_check_covers_what_issue_21_asks():
    variables = [v for setting in SETTINGS.values() for v in setting.items()]
    core_types = {v for k, v in variables if k == "OPENBLAS_CORETYPE"}
    assert len(core_types - {"Haswell"}) >= 2
    disabled = " ".join(v for k, v in variables if k == "NPY_DISABLE_CPU_FEATURES")
    assert "X86_V3" in disabled and "X86_V4" in disabled  # AVX2 and AVX-512 off
    assert {v for k, v in variables if k == "OPENBLAS_NUM_THREADS"} == {"1", "2"}
    notebooks = fast_notebooks()
    assert "chapters/01_perceptron.ipynb" in notebooks
    assert "chapters/07_dcgan_training.ipynb" not in notebooks
    assert "tests.nbval_numeric" in nbval_command(notebooks, 2)


def test_the_halves_plan_runs_each_chapter_under_two_unlike_settings():
    from tests.cross_kernel import HALVES, halves_plan

    notebooks = fast_notebooks()
    plan = halves_plan(notebooks)
    assert sorted(s for s, _ in plan) == sorted(SETTINGS)  # every setting runs
    for notebook in notebooks:
        settings = [SETTINGS[s] for s, part in plan if notebook in part]
        assert len(settings) == 2, notebook
        assert {s["OPENBLAS_NUM_THREADS"] for s in settings} == {"1", "2"}, notebook
        assert len({s["OPENBLAS_CORETYPE"] for s in settings}) == 2, notebook
        assert any("NPY_DISABLE_CPU_FEATURES" in s and "ATEN_CPU_CAPABILITY" in s for s in settings), notebook
    assert all(len(pair) == 2 for pair in HALVES)
    with pytest.raises(SystemExit):
        from tests.cross_kernel import main
        main(["--halves", "--setting", "sandybridge-1thread"])


def test_make_tests_plan_runs_each_chapter_once_and_every_setting():
    from tests.cross_kernel import main, quarters_plan

    notebooks = fast_notebooks()
    plan = quarters_plan(notebooks)
    assert [s for s, _ in plan] == list(SETTINGS)  # every setting runs
    assert sorted(nb for _, part in plan for nb in part) == notebooks  # each chapter once
    assert max(len(p) for _, p in plan) - min(len(p) for _, p in plan) <= 1
    with pytest.raises(SystemExit):
        main(["--quarters", "--halves"])
