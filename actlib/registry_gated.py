"""Registry records, gated units: GLU and Shazeer's (2020) SwiGLU, GEGLU and ReGLU (:mod:`actlib.gated`).

Each splits its input along ``axis`` into halves :math:`[a, b]` and returns
:math:`a \\odot f(b)`, half the size: not elementwise, so each has a Jacobian-vector
product (``jvp``) rather than a derivative. Data only: the fields are documented on
:class:`actlib.registry.Activation`.
"""

from __future__ import annotations

from . import gated
from .registry import INF, Activation, Param
from .registry import keras_counterpart as keras
from .registry import torch_counterpart as torch

_NO_LIBRARY = "none (a * f(b) on the two halves, written out)"
_TRANSFORMER_INIT = "Xavier (Glorot)"

RECORDS = [
    Activation(
        name="glu",
        title="GLU (gated linear unit)",
        family="gated",
        function=gated.glu,
        derivative=None,
        jvp=gated.glu_jvp,
        formula=r"\mathbf{a} \odot \sigma(\mathbf{b}), \; \mathbf{x} = [\mathbf{a}, \mathbf{b}]",
        derivative_formula=(r"J\mathbf{v} = \mathbf{v}_a \odot \sigma(\mathbf{b})"
                            r" + \mathbf{a} \odot \sigma'(\mathbf{b}) \odot \mathbf{v}_b"),
        output_range=(-INF, INF),
        range_text="(-inf, inf), half the size",
        used_in="gated convolutional language models (Dauphin et al. 2017)",
        torch="nn.GLU(dim=-1) / F.glu",
        keras="'glu' / keras.activations.glu(x, axis=-1)",
        initialisation="Xavier (Glorot)",
        gain=None,
        cost="per output, 1 exp, 1 division and 1 multiplication (a sigmoid and a product)",
        defaults={"axis": -1},
        note="PyTorch and Keras both gate the first half by the sigmoid of the second; an odd-sized "
             "axis is an error in both.",
        torch_api=torch("torch.nn.functional.glu", "torch.nn.GLU", {"dim": Param("axis")}),
        keras_api=keras("keras.activations.glu", kwargs={"axis": Param("axis")}, string="glu")),
    Activation(
        name="swiglu",
        title="SwiGLU",
        family="gated",
        function=gated.swiglu,
        derivative=None,
        jvp=gated.swiglu_jvp,
        formula=(r"\mathbf{a} \odot \mathrm{swish}(\mathbf{b}) = \mathbf{a} \odot \mathbf{b}\,\sigma(\mathbf{b}), \; "
                 r"\mathbf{x} = [\mathbf{a}, \mathbf{b}]"),
        derivative_formula=(r"J\mathbf{v} = \mathbf{v}_a \odot \mathrm{swish}(\mathbf{b})"
                            r" + \mathbf{a} \odot \mathrm{swish}'(\mathbf{b}) \odot \mathbf{v}_b"),
        output_range=(-INF, INF),
        range_text="(-inf, inf), half the size",
        used_in="transformer feed-forward blocks (Shazeer 2020; PaLM, LLaMA)",
        torch=_NO_LIBRARY,
        keras=_NO_LIBRARY,
        initialisation=_TRANSFORMER_INIT,
        gain=None,
        cost="per output, 1 exp, 1 division and 2 multiplications",
        defaults={"axis": -1},
        note="Neither library has it as one function. Shazeer writes the activated projection first, "
             "Swish(xW) * xV; actlib keeps GLU's order, so that is swiglu([xV, xW]).",
    ),
    Activation(
        name="geglu",
        title="GEGLU",
        family="gated",
        function=gated.geglu,
        derivative=None,
        jvp=gated.geglu_jvp,
        formula=(r"\mathbf{a} \odot \mathrm{GELU}(\mathbf{b}) = \mathbf{a} \odot \mathbf{b}\,\Phi(\mathbf{b}), \; "
                 r"\mathbf{x} = [\mathbf{a}, \mathbf{b}]"),
        derivative_formula=(r"J\mathbf{v} = \mathbf{v}_a \odot \mathrm{GELU}(\mathbf{b})"
                            r" + \mathbf{a} \odot \mathrm{GELU}'(\mathbf{b}) \odot \mathbf{v}_b"),
        output_range=(-INF, INF),
        range_text="(-inf, inf), half the size",
        used_in="transformer feed-forward blocks (Shazeer 2020; Gemma, in an approximated form)",
        torch=_NO_LIBRARY,
        keras=_NO_LIBRARY,
        initialisation=_TRANSFORMER_INIT,
        gain=None,
        cost="per output, 1 erf and 2 multiplications (actlib: SciPy's normal CDF)",
        defaults={"axis": -1, "approximate": False},
        note="Neither library has it as one function.",
    ),
    Activation(
        name="reglu",
        title="ReGLU",
        family="gated",
        function=gated.reglu,
        derivative=None,
        jvp=gated.reglu_jvp,
        formula=r"\mathbf{a} \odot \max(0, \mathbf{b}), \; \mathbf{x} = [\mathbf{a}, \mathbf{b}]",
        derivative_formula=(r"J\mathbf{v} = \mathbf{v}_a \odot \max(0, \mathbf{b})"
                            r" + \mathbf{a} \odot [\mathbf{b} > 0] \odot \mathbf{v}_b"),
        output_range=(-INF, INF),
        range_text="(-inf, inf), half the size",
        used_in="transformer feed-forward blocks in Shazeer's (2020) comparison",
        torch=_NO_LIBRARY,
        keras=_NO_LIBRARY,
        initialisation=_TRANSFORMER_INIT,
        gain=None,
        cost="per output, 1 comparison and 1 multiplication",
        defaults={"axis": -1},
        note="Neither library has it as one function. At b = 0 ReLU's slope is taken as 0, as PyTorch's "
             "autograd does.",
    ),
]
