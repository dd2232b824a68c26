"""Self-checks for the section "Gated units: GLU, SwiGLU and GEGLU" (chapter 3)."""

import math

import numpy as np

from ..activations import sigmoid, silu
from ..derivatives import d_sigmoid, d_silu
from ..gated import glu
from ._core import (
    IncorrectAnswer,
    NotAnswered,
    answer_float,
    answer_floats,
    answer_tuple,
    call_answer,
    exercise,
    expect_close,
)

CHAPTER = "gated_units"


@exercise("gated-tied-glu", chapter=CHAPTER, title="SiLU is a GLU with tied halves", difficulty="easy",
          giveaways=("actlib.silu", "actlib.swish", "actlib.gated.silu"))
def _tied_glu(answer):
    for x in (np.array([-6.0, -1.0, 0.0, 0.5, 3.0]), np.linspace(-4.0, 4.0, 12).reshape(3, 4)):
        what = f"tie(x) for x of shape {x.shape}"
        tied = answer_floats(call_answer(answer, x.copy(), what=what), what)
        wanted = x.shape[:-1] + (2 * x.shape[-1],)
        if tied.shape != wanted:
            raise IncorrectAnswer(f"{what} has shape {tied.shape}; glu splits the last axis into two halves, so "
                                  f"tie(x) must double that axis: shape {wanted} (np.stack adds a new axis instead "
                                  "of lengthening the last one)")
        expect_close(glu(tied), silu(x), f"glu(tie(x)) for x of shape {x.shape}", rtol=1e-12, atol=1e-15)
    return ("glu([x, x]) = x * sigmoid(x) = silu(x): SiLU is a GLU whose value half and gate half are the same "
            "numbers. In a layer the two halves come from two different projections of the input.")


@exercise("gated-swiglu-partials", chapter=CHAPTER, title="SwiGLU's derivative with respect to each half",
          difficulty="medium",
          giveaways=("actlib.jvp", "actlib.gated.swiglu_jvp", "actlib.gated.d_silu"))
def _swiglu_partials(answer):
    g = np.array([-40.0, -6.0, -2.0, -1.2784645, -0.5, 0.0, 0.3, 1.0, 2.5, 6.0, 40.0])
    v = np.array([1.5, -2.0, 0.5, 3.0, -1.0, 2.0, 1.0, -0.25, 4.0, 0.75, -3.0])
    what = "swiglu_partials(v, g)"
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        got = call_answer(answer, v.copy(), g.copy(), what=what)
    dz_dv, dz_dg = answer_tuple(got, 2, f"{what} must return a pair (dz_dv, dz_dg)")
    dz_dv = answer_floats(dz_dv, "dz_dv", shape=v.shape)
    dz_dg = answer_floats(dz_dg, "dz_dg", shape=v.shape)
    right_dv, right_dg = silu(g), v * d_silu(g)
    if np.allclose(dz_dv, right_dg, rtol=1e-9) and np.allclose(dz_dg, right_dv, rtol=1e-9):
        raise IncorrectAnswer("the two partial derivatives are in the wrong order: return (dz_dv, dz_dg)")
    if np.allclose(dz_dv, sigmoid(g), rtol=1e-9):
        raise IncorrectAnswer("dz_dv = sigmoid(g) is GLU's; SwiGLU multiplies v by swish(g) = g sigmoid(g), "
                              "so dz/dv = swish(g)")
    expect_close(dz_dv, right_dv, "dz_dv", rtol=1e-9, atol=1e-12, at=g)
    if np.allclose(dz_dg, v * sigmoid(g), rtol=1e-9):
        raise IncorrectAnswer("dz_dg = v sigmoid(g) misses a term: swish(g) = g sigmoid(g) is a product, so "
                              "its derivative is sigmoid(g) + g sigmoid'(g)")
    if np.allclose(dz_dg, v * d_sigmoid(g), rtol=1e-9):
        raise IncorrectAnswer("dz_dg = v sigmoid'(g) is GLU's derivative; SwiGLU's factor is swish(g) = "
                              "g sigmoid(g), whose derivative is sigmoid(g) + g sigmoid'(g)")
    expect_close(dz_dg, right_dg, "dz_dg", rtol=1e-9, atol=1e-12, at=g)
    return ("dz/dv = swish(g): along the value half the derivative is the factor itself, with no derivative in "
            "it; dz/dg = v swish'(g) = v sigmoid(g) (1 + g (1 - sigmoid(g))), whose factor swish'(g) is negative "
            "left of Swish's minimum, for g below about -1.28.")


#: (d_model, d_ff) pairs the check of gated-equal-cost asks about: small ones, Shazeer's (2020)
#: base model (768, 3072) and LLaMA-7B's width (4096, 4 * 4096).
_COST_SIZES = [(4, 6), (10, 33), (768, 3072), (4096, 16384)]


def _number(value: float) -> str:
    """``value`` for a message: ``201,326,592`` for a whole number, else its repr."""
    return f"{value:,.0f}" if float(value).is_integer() else repr(value)


def _cost(d_model: int, d_ff: int, gated: bool, bias: bool) -> tuple[int, int]:
    """(parameters, matrix-multiplication FLOPs per token) of a feed-forward block."""
    matrices = 3 if gated else 2
    parameters = matrices * d_model * d_ff + (((2 if gated else 1) * d_ff + d_model) if bias else 0)
    return parameters, 2 * matrices * d_model * d_ff


@exercise("gated-equal-cost", chapter=CHAPTER, title="A gated block at equal cost", difficulty="hard")
def _equal_cost(answer):
    cost, widths = answer_tuple(answer, 2, "answer with the pair (ffn_cost, equal_widths) of your two functions")
    if cost is None or cost is Ellipsis or widths is None or widths is Ellipsis:
        raise NotAnswered("gated-equal-cost: not answered yet; define ffn_cost and equal_widths")
    for d_model, d_ff in _COST_SIZES:
        for gated in (False, True):
            for bias in (False, True):
                what = f"ffn_cost({d_model}, {d_ff}, gated={gated}, bias={bias})"
                got = answer_tuple(call_answer(cost, d_model, d_ff, gated=gated, bias=bias, what=what), 2,
                                   f"{what} must return a pair (parameters, flops)")
                parameters, flops = (answer_float(g, f"{what}[{i}]") for i, g in enumerate(got))
                right_parameters, right_flops = _cost(d_model, d_ff, gated, bias)
                if flops != right_flops:
                    if flops * 2 == right_flops:
                        hint = "count 2 FLOPs per multiply-add, as torch.utils.flop_counter does"
                    elif gated and flops == _cost(d_model, d_ff, False, bias)[1]:
                        hint = "a gated block multiplies by three matrices (gate, up, down), not two"
                    else:
                        hint = ("a (d_ff, d_model) matrix times one token's vector takes d_ff * d_model "
                                "multiply-adds")
                    raise IncorrectAnswer(f"{what}: flops = {_number(flops)}, expected {right_flops:,}; {hint}")
                if parameters != right_parameters:
                    no_bias = _cost(d_model, d_ff, gated, False)[0]
                    if bias and parameters == no_bias:
                        hint = "with bias=True, add each layer's bias vector"
                    elif bias and gated and parameters == no_bias + d_ff + d_model:
                        hint = "a gated block has two hidden bias vectors (gate and up), each of size d_ff"
                    elif gated and parameters == _cost(d_model, d_ff, False, bias)[0]:
                        hint = "a gated block has three weight matrices (gate, up, down), not two"
                    else:
                        hint = "count every weight (and, with bias=True, every bias)"
                    raise IncorrectAnswer(f"{what}: parameters = {_number(parameters)}, expected {right_parameters:,}; "
                                          f"{hint}")
    for d_model, d_ff in _COST_SIZES:
        for bias in (False, True):
            what = f"equal_widths({d_model}, {d_ff}, bias={bias})"
            got = answer_tuple(call_answer(widths, d_model, d_ff, bias=bias, what=what), 2,
                               f"{what} must return a pair (equal_flops_width, equal_parameters_width)")
            flops_width, parameters_width = (answer_float(g, f"{what}[{i}]") for i, g in enumerate(got))
            right_flops_width = 2 * d_ff / 3
            right_parameters_width = d_ff * (2 * d_model + 1) / (3 * d_model + 2) if bias else right_flops_width
            if not math.isclose(flops_width, right_flops_width, rel_tol=1e-12):
                raise IncorrectAnswer(f"{what}: equal_flops_width = {flops_width!r}, expected "
                                      f"{right_flops_width!r}; solve 6 d_model d_gated = 4 d_model d_ff for "
                                      "d_gated, the gated block's width (biases add no matrix-multiplication "
                                      "FLOPs)")
            if not math.isclose(parameters_width, right_parameters_width, rel_tol=1e-12):
                hint = ("2/3 d_ff is exact only without biases: with them the gated block has two hidden bias "
                        "vectors of its width d_gated, the two-matrix block one of width d_ff; solve "
                        "3 d_model d_gated + 2 d_gated + d_model = 2 d_model d_ff + d_ff + d_model"
                        if bias and math.isclose(parameters_width, right_flops_width, rel_tol=1e-12)
                        else "set the gated block's parameter count equal to the two-matrix block's and solve "
                             "for its width d_gated (a real number: do not round)")
                raise IncorrectAnswer(f"{what}: equal_parameters_width = {parameters_width!r}, expected "
                                      f"{right_parameters_width!r}; {hint}")
    return ("Without biases, a gated block of width d_gated = 2/3 d_ff equalises parameters "
            "(3 d d_gated = 2 d d_ff) and FLOPs (6 d d_gated = 4 d d_ff) at once, for every d = d_model. With "
            "biases no width does both: the parameters are equal at d_gated = d_ff (2 d + 1) / (3 d + 2), which "
            "is not 2/3 d_ff since 3 (2 d + 1) differs from 2 (3 d + 2); at d_gated = 2/3 d_ff the gated block "
            "has d_ff / 3 parameters more.")
