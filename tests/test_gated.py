"""actlib.gated: GLU against PyTorch and Keras, SwiGLU/GEGLU/ReGLU against straightforward PyTorch,
the Jacobian-vector products against torch.func.jvp, the feed-forward block against a LLaMA-style
nn.Module; dtypes, NaN and errors; and the self-checks of the section "Gated units".

Tolerances as in tests/test_reference.py: PyTorch float64 rtol 1e-12, atol 1e-14, float32 rtol
4e-6, atol 1e-6; Keras float64 rtol 1e-7, atol 1e-8, float32 rtol 4e-6, atol 2e-6.
"""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.func import jvp

import actlib
from actlib import gated
from actlib.crosscheck import GRID
from actlib.exercises import IncorrectAnswer, NotAnswered
from actlib.frameworks import import_keras

keras = import_keras()

TOL_TORCH = {np.float64: (1e-12, 1e-14), np.float32: (4e-6, 1e-6)}
TOL_KERAS = {np.float64: (1e-7, 1e-8), np.float32: (4e-6, 2e-6)}
DTYPES = [np.float32, np.float64]
UNITS = {"glu": gated.glu, "swiglu": gated.swiglu, "geglu": gated.geglu, "reglu": gated.reglu}
JVPS = {"glu": gated.glu_jvp, "swiglu": gated.swiglu_jvp, "geglu": gated.geglu_jvp, "reglu": gated.reglu_jvp}
# The straightforward PyTorch implementation of each unit: the first half times f(second half).
TORCH_GATES = {"glu": torch.sigmoid, "swiglu": F.silu, "geglu": F.gelu, "reglu": F.relu}


def pairs(dtype):
    """x of shape (n, 2): the first column (a) the reversed grid, the second (b) the grid."""
    return np.stack([GRID[::-1], GRID], axis=-1).astype(dtype)


def torch_unit(name, approximate=False):
    gate = TORCH_GATES[name]
    if name == "geglu" and approximate:
        gate = lambda t: F.gelu(t, approximate="tanh")

    def unit(t, dim=-1):
        a, b = t.chunk(2, dim=dim)
        return a * gate(b)

    return unit


# --- GLU against PyTorch and Keras -----------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_glu_agrees_with_torch(dtype):
    x = pairs(dtype)
    ours = gated.glu(x)
    assert ours.dtype == dtype and ours.shape == (len(GRID), 1)
    rtol, atol = TOL_TORCH[dtype]
    np.testing.assert_allclose(ours, F.glu(torch.from_numpy(x), dim=-1).numpy(), rtol=rtol, atol=atol)
    # along axis 0 of a (2, n) array: the first row is a, the second b
    np.testing.assert_allclose(gated.glu(x.T, axis=0), F.glu(torch.from_numpy(x.T), dim=0).numpy(),
                               rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", DTYPES)
def test_glu_agrees_with_keras(dtype):
    x = pairs(dtype)
    rtol, atol = TOL_KERAS[dtype]
    theirs = keras.ops.convert_to_numpy(keras.activations.glu(keras.ops.convert_to_tensor(x), axis=-1))
    np.testing.assert_allclose(gated.glu(x), theirs, rtol=rtol, atol=atol)


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
def test_glu_on_any_axis_of_a_3d_array(axis):
    x = np.random.default_rng(0).normal(scale=3, size=(4, 6, 8))
    theirs = F.glu(torch.from_numpy(x), dim=axis).numpy()
    np.testing.assert_allclose(gated.glu(x, axis=axis), theirs, rtol=1e-12, atol=1e-14)
    keras_value = keras.ops.convert_to_numpy(keras.activations.glu(keras.ops.convert_to_tensor(x), axis=axis))
    np.testing.assert_allclose(gated.glu(x, axis=axis), keras_value, rtol=1e-7, atol=1e-8)


# --- SwiGLU, GEGLU, ReGLU: against PyTorch, and against Shazeer's formulas --------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(UNITS))
def test_units_agree_with_straightforward_torch(name, dtype):
    x = pairs(dtype)
    rtol, atol = TOL_TORCH[dtype]
    ours = UNITS[name](x)
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, torch_unit(name)(torch.from_numpy(x)).numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", DTYPES)
def test_geglu_tanh_form_agrees_with_torch(dtype):
    x = pairs(dtype)
    rtol, atol = TOL_TORCH[dtype]
    theirs = torch_unit("geglu", approximate=True)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(gated.geglu(x, approximate=True), theirs, rtol=rtol, atol=atol)
    assert np.abs(gated.geglu(x, approximate=True) - gated.geglu(x)).max() > 1e-6  # the two forms differ


def test_the_variants_are_shazeers_with_the_activated_projection_second():
    """Shazeer (2020): FFN_SwiGLU = (Swish_1(xW) * xV) W2, etc.; in actlib's order that is unit([xV, xW])."""
    rng = np.random.default_rng(1)
    x, W, V = rng.normal(size=(5, 8)), rng.normal(size=(8, 6)), rng.normal(size=(8, 6))
    t = torch.from_numpy
    shazeer = {"glu": torch.sigmoid(t(x @ W)) * t(x @ V), "swiglu": F.silu(t(x @ W)) * t(x @ V),
               "geglu": F.gelu(t(x @ W)) * t(x @ V), "reglu": F.relu(t(x @ W)) * t(x @ V)}
    for name, unit in UNITS.items():
        ours = unit(np.concatenate([x @ V, x @ W], axis=-1))
        np.testing.assert_allclose(ours, shazeer[name].numpy(), rtol=1e-12, atol=1e-14, err_msg=name)


def test_each_unit_is_built_from_actlibs_activation():
    x = pairs(np.float64)
    a, b = x[:, :1], x[:, 1:]
    assert np.array_equal(gated.glu(x), a * actlib.sigmoid(b))
    assert np.array_equal(gated.swiglu(x), a * actlib.swish(b, beta=1.0))
    assert np.array_equal(gated.geglu(x), a * actlib.gelu(b))
    assert np.array_equal(gated.reglu(x), a * actlib.relu(b))


def test_silu_is_a_glu_with_tied_halves():
    x = GRID
    np.testing.assert_allclose(gated.glu(np.concatenate([x, x])), actlib.silu(x), rtol=1e-15, atol=0)


def test_neither_library_ships_the_variants():
    """What the section says: PyTorch and Keras have GLU, and none of SwiGLU, GEGLU, ReGLU."""
    assert hasattr(F, "glu") and hasattr(nn, "GLU") and hasattr(keras.activations, "glu") and hasattr(keras.ops, "glu")
    names = dir(torch) + dir(F) + dir(nn) + dir(keras.activations) + dir(keras.ops) + dir(keras.layers)
    assert not [n for n in names if any(v in n.lower() for v in ("swiglu", "geglu", "reglu"))]


# --- Jacobian-vector products against torch.func.jvp ------------------------------------------

# PyTorch's first forward-mode call loads its JVP decompositions with torch.jit.script, which
# PyTorch 2.13 itself deprecates: its warning, not ours.
TORCH_JIT_DEPRECATION = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")


def _jvp_inputs(dtype, kink=False):
    rng = np.random.default_rng(2)
    x = rng.normal(scale=3, size=(7, 10)).astype(dtype)
    if kink:
        x[:, 5:7] = 0.0  # b = 0: ReLU's kink
    v = rng.normal(size=x.shape).astype(dtype)
    return x, v


@TORCH_JIT_DEPRECATION
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(JVPS))
def test_jvp_agrees_with_torch_func_jvp(name, dtype):
    x, v = _jvp_inputs(dtype, kink=True)
    rtol, atol = TOL_TORCH[dtype]
    for axis in (-1, 0):
        if x.shape[axis] % 2:
            continue
        unit = lambda t, axis=axis: torch_unit(name)(t, dim=axis)
        _, theirs = jvp(unit, (torch.from_numpy(x),), (torch.from_numpy(v),))
        ours = JVPS[name](x, v, axis=axis)
        assert ours.dtype == dtype and ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=rtol, atol=atol, err_msg=f"{name}, axis {axis}")


@TORCH_JIT_DEPRECATION
def test_glu_jvp_agrees_with_the_jvp_of_torchs_own_glu():
    x, v = _jvp_inputs(np.float64)
    _, theirs = jvp(lambda t: F.glu(t, dim=-1), (torch.from_numpy(x),), (torch.from_numpy(v),))
    np.testing.assert_allclose(gated.glu_jvp(x, v), theirs.numpy(), rtol=1e-12, atol=1e-14)


@TORCH_JIT_DEPRECATION
def test_geglu_tanh_jvp_agrees_with_torch():
    x, v = _jvp_inputs(np.float64)
    unit = torch_unit("geglu", approximate=True)
    _, theirs = jvp(unit, (torch.from_numpy(x),), (torch.from_numpy(v),))
    np.testing.assert_allclose(gated.geglu_jvp(x, v, approximate=True), theirs.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", sorted(JVPS))
def test_jvp_is_linear_in_the_tangent_and_matches_central_differences(name):
    x, v = _jvp_inputs(np.float64)
    w = np.random.default_rng(3).normal(size=x.shape)
    np.testing.assert_allclose(JVPS[name](x, 2 * v - w), 2 * JVPS[name](x, v) - JVPS[name](x, w),
                               rtol=1e-12, atol=1e-12)
    if name != "reglu":  # smooth: compare with central differences
        h = 1e-6
        central = (UNITS[name](x + h * v) - UNITS[name](x - h * v)) / (2 * h)
        np.testing.assert_allclose(JVPS[name](x, v), central, rtol=1e-6, atol=1e-7)


# --- the feed-forward block against a LLaMA-style nn.Module ------------------------------------

class LlamaFeedForward(nn.Module):
    """down(f(gate(x)) * up(x)), bias-free: LLaMA's FeedForward (w1 = gate, w3 = up, w2 = down)."""

    def __init__(self, d_model, d_ff, f=F.silu):
        super().__init__()
        self.gate = nn.Linear(d_model, d_ff, bias=False)
        self.up = nn.Linear(d_model, d_ff, bias=False)
        self.down = nn.Linear(d_ff, d_model, bias=False)
        self.f = f

    def forward(self, x):
        return self.down(self.f(self.gate(x)) * self.up(x))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", sorted(gated.FEED_FORWARD_KINDS))
def test_feed_forward_agrees_with_a_torch_module(kind, dtype):
    torch.manual_seed(0)
    torch_dtype = torch.float64 if dtype == np.float64 else torch.float32
    block = LlamaFeedForward(16, 40, TORCH_GATES[kind]).to(torch_dtype)
    x = torch.randn(3, 5, 16, dtype=torch_dtype, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        theirs = block(x).numpy()
        weights = [m.weight.numpy() for m in (block.gate, block.up, block.down)]
    ours = gated.feed_forward(x.numpy(), *weights, kind=kind)
    assert ours.dtype == dtype and ours.shape == (3, 5, 16)
    rtol, atol = {np.float64: (1e-12, 1e-13), np.float32: (1e-5, 1e-6)}[dtype]
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


def test_feed_forward_is_swiglu_by_default_and_takes_one_token():
    rng = np.random.default_rng(4)
    w_gate, w_up, w_down = rng.normal(size=(6, 4)), rng.normal(size=(6, 4)), rng.normal(size=(4, 6))
    x = rng.normal(size=4)
    expected = w_down @ (actlib.silu(w_gate @ x) * (w_up @ x))
    np.testing.assert_allclose(gated.feed_forward(x, w_gate, w_up, w_down), expected, rtol=1e-12)
    # float32 input, float64 weights: the input's dtype wins
    assert gated.feed_forward(x.astype(np.float32), w_gate, w_up, w_down).dtype == np.float32


def test_feed_forward_shape_and_kind_errors():
    x, w = np.zeros((2, 4)), np.zeros((6, 4))
    with pytest.raises(ValueError, match=r"x has 3 features in its last axis but w_gate, of shape \(d_ff, d_model\)"):
        gated.feed_forward(np.zeros((2, 3)), w, w, np.zeros((4, 6)))
    with pytest.raises(ValueError, match=r"w_up must have w_gate's shape \(d_ff, d_model\) = \(6, 4\); got \(5, 4\)"):
        gated.feed_forward(x, w, np.zeros((5, 4)), np.zeros((4, 6)))
    with pytest.raises(ValueError, match=r"w_down must have shape \(d_model, d_ff\) = \(4, 6\); got \(6, 4\)"):
        gated.feed_forward(x, w, w, w)
    with pytest.raises(ValueError, match="w_gate must be a matrix"):
        gated.feed_forward(x, np.zeros(4), w, np.zeros((4, 6)))
    with pytest.raises(ValueError, match="got a scalar"):
        gated.feed_forward(1.0, w, w, np.zeros((4, 6)))
    with pytest.raises(ValueError, match=r"kind must be one of \['geglu', 'glu', 'reglu', 'swiglu'\]; got 'relu'"):
        gated.feed_forward(x, w, w, np.zeros((4, 6)), kind="relu")
    with pytest.raises(TypeError, match="w_up must be a real number or an array-like"):
        gated.feed_forward(x, w, "w", np.zeros((4, 6)))


# --- the input rules: dtype, NaN, stability, errors -------------------------------------------

@pytest.mark.parametrize("name", sorted(UNITS))
def test_dtypes_are_kept_and_ints_become_float64(name):
    for dtype in (np.float16, np.float32, np.float64):
        x = np.array([1.0, -2.0, 0.5, 3.0], dtype=dtype)
        assert UNITS[name](x).dtype == dtype
        assert JVPS[name](x, np.ones(4)).dtype == dtype
    assert UNITS[name]([1, 2, 0, 1]).dtype == np.float64
    assert UNITS[name]([True, False]).dtype == np.float64


@pytest.mark.parametrize("name", sorted(UNITS))
def test_nan_gives_nan_where_it_enters(name):
    x = np.array([[np.nan, 1.0, 0.5, 2.0], [1.0, 2.0, np.nan, -1.0]])
    out = UNITS[name](x)
    assert np.isnan(out[0, 0]) and np.isnan(out[1, 0])  # NaN in a, NaN in b
    assert np.isfinite(out[0, 1]) and np.isfinite(out[1, 1])
    d = JVPS[name](x, np.ones_like(x))
    assert np.isnan(d[0, 0]) and np.isnan(d[1, 0]) and np.all(np.isfinite(d[:, 1]))
    tangent_nan = JVPS[name](np.ones((1, 4)), np.array([[np.nan, 0.0, 0.0, 0.0]]))
    assert np.isnan(tangent_nan[0, 0]) and tangent_nan[0, 1] == 0


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(UNITS))
def test_finite_and_silent_for_extreme_finite_inputs(name, dtype):
    """No warning and a finite result wherever the true value is a finite number of the dtype."""
    big = float(np.finfo(dtype).max)
    b = np.array([-big, -1e4, -40.0, -1e-30, 0.0, 1e-30, 40.0, 1e4, big], dtype=dtype)
    a = np.ones_like(b)
    x = np.concatenate([a, b])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = UNITS[name](x)
        d = JVPS[name](x, np.ones_like(x))
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(d)), (out, d)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(UNITS[name](np.concatenate([b, np.full_like(b, 0.5)]))))


def test_a_product_beyond_the_largest_float_overflows_to_inf():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert gated.swiglu([1e200, 1e200]) == np.inf
        assert gated.glu([1e308, 1e308])[0] == 1e308  # the gate is 1: no overflow


def test_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match=r"swiglu splits axis -1 into two halves of equal size, but its size is 5"):
        gated.swiglu(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"reglu splits axis 0 .* size is 3 \(x has shape \(3, 4\)\), which is odd"):
        gated.reglu(np.zeros((3, 4)), axis=0)
    with pytest.raises(ValueError, match="glu needs an array with at least one axis; got a scalar"):
        gated.glu(1.0)
    with pytest.raises(ValueError, match="axis 2 does not exist for an array with 2 dimension"):
        gated.geglu(np.zeros((2, 4)), axis=2)
    with pytest.raises(TypeError, match="axis must be an int"):
        gated.glu(np.zeros(4), axis=1.0)
    with pytest.raises(TypeError, match="approximate must be True or False"):
        gated.geglu(np.zeros(4), approximate="tanh")
    with pytest.raises(TypeError, match="x must be a real number or an array-like"):
        gated.glu("1 2")
    with pytest.raises(ValueError, match=r"glu_jvp: the tangent v must have the shape of x, \(4,\); got \(2,\)"):
        gated.glu_jvp(np.zeros(4), np.zeros(2))
    with pytest.raises(TypeError, match="v must be real"):
        gated.swiglu_jvp(np.zeros(4), np.zeros(4, dtype=complex))
    assert gated.glu(np.zeros((3, 0))).shape == (3, 0)  # an empty axis has two empty halves


# --- the self-checks of the section "Gated units" ---------------------------------------------

def _stub(*args, **kwargs):
    raise NotImplementedError


def _correct(label, answer, capsys):
    actlib.check(label, answer)
    assert capsys.readouterr().out.startswith(f"Correct ({label}).")


def tie(x):
    return np.concatenate([x, x], axis=-1)


def test_tied_glu(capsys):
    _correct("gated-tied-glu", tie, capsys)
    with pytest.raises(IncorrectAnswer, match=r"must double that axis: shape \(10,\)"):
        actlib.check("gated-tied-glu", lambda x: np.stack([x, x], axis=-1))
    with pytest.raises(IncorrectAnswer, match=r"glu\(tie\(x\)\) for x of shape \(5,\): .* values are off"):
        actlib.check("gated-tied-glu", lambda x: np.concatenate([x, -x], axis=-1))
    with pytest.raises(NotAnswered):
        actlib.check("gated-tied-glu", _stub)


def swiglu_partials(a, b):
    s = 1 / (1 + np.exp(-b))
    return s * b, a * s * (1 + b * (1 - s))


def test_swiglu_partials(capsys):
    _correct("gated-swiglu-partials", swiglu_partials, capsys)
    sig = lambda b: 1 / (1 + np.exp(-b))
    with pytest.raises(IncorrectAnswer, match="wrong order"):
        actlib.check("gated-swiglu-partials", lambda a, b: swiglu_partials(a, b)[::-1])
    with pytest.raises(IncorrectAnswer, match="is GLU's; SwiGLU multiplies v by swish"):
        actlib.check("gated-swiglu-partials", lambda a, b: (sig(b), a * sig(b) * (1 - sig(b))))
    with pytest.raises(IncorrectAnswer, match="misses a term"):
        actlib.check("gated-swiglu-partials", lambda a, b: (b * sig(b), a * sig(b)))
    with pytest.raises(IncorrectAnswer, match="is GLU's derivative"):
        actlib.check("gated-swiglu-partials", lambda a, b: (b * sig(b), a * sig(b) * (1 - sig(b))))
    with pytest.raises(IncorrectAnswer, match="must return a pair"):
        actlib.check("gated-swiglu-partials", lambda a, b: a)
    with pytest.raises(NotAnswered):
        actlib.check("gated-swiglu-partials", _stub)


def ffn_cost(d_model, d_ff, gated, bias=False):
    matrices = 3 if gated else 2
    parameters = matrices * d_model * d_ff
    if bias:
        parameters += (2 if gated else 1) * d_ff + d_model
    return parameters, 2 * matrices * d_model * d_ff


def equal_widths(d_model, d_ff, bias=False):
    return 2 * d_ff / 3, d_ff * (2 * d_model + 1) / (3 * d_model + 2) if bias else 2 * d_ff / 3


def test_equal_cost(capsys):
    _correct("gated-equal-cost", (ffn_cost, equal_widths), capsys)
    label = "gated-equal-cost"
    with pytest.raises(IncorrectAnswer, match="count 2 FLOPs per multiply-add"):
        actlib.check(label, (lambda d, f, gated, bias=False: (ffn_cost(d, f, gated, bias)[0],
                                                               ffn_cost(d, f, gated, bias)[1] // 2), equal_widths))
    with pytest.raises(IncorrectAnswer, match="three matrices"):
        actlib.check(label, (lambda d, f, gated, bias=False: ffn_cost(d, f, False, bias), equal_widths))
    with pytest.raises(IncorrectAnswer, match="add each layer's bias vector"):
        actlib.check(label, (lambda d, f, gated, bias=False: ffn_cost(d, f, gated), equal_widths))
    with pytest.raises(IncorrectAnswer, match="two hidden bias vectors"):
        actlib.check(label, (lambda d, f, gated, bias=False: (ffn_cost(d, f, gated)[0] + (f + d) * bias,
                                                               ffn_cost(d, f, gated)[1]), equal_widths))
    with pytest.raises(IncorrectAnswer, match="2/3 d_ff is exact only without biases"):
        actlib.check(label, (ffn_cost, lambda d, f, bias=False: (2 * f / 3, 2 * f / 3)))
    with pytest.raises(IncorrectAnswer, match="equal_flops_width"):
        actlib.check(label, (ffn_cost, lambda d, f, bias=False: (round(2 * f / 3) + 0.5, 2 * f / 3)))
    with pytest.raises(IncorrectAnswer, match="must return a pair"):
        actlib.check(label, (lambda d, f, gated, bias=False: 1, equal_widths))
    with pytest.raises(IncorrectAnswer, match="answer with the pair"):
        actlib.check(label, ffn_cost)
    with pytest.raises(NotAnswered):
        actlib.check(label, (_stub, _stub))
    with pytest.raises(NotAnswered):
        actlib.check(label, (None, equal_widths))
