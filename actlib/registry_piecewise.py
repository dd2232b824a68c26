"""Registry records, hard/piecewise (cheap stand-ins for smooth functions, thresholds) and shrinkage.

Data only: the fields are documented on :class:`actlib.registry.Activation`.
"""

from __future__ import annotations

from . import activations_piecewise as piecewise
from . import activations_smooth as smooth
from . import derivatives_piecewise as d_piecewise
from . import derivatives_smooth as d_smooth
from .registry import INF, Activation, Param
from .registry import keras_counterpart as keras
from .registry import torch_counterpart as torch

_F, _KA = "torch.nn.functional", "keras.activations"

_HARD = [
    Activation(
        name="hardtanh",
        title="Hardtanh",
        family="hard/piecewise",
        function=piecewise.hardtanh,
        derivative=d_piecewise.d_hardtanh,
        formula=r"\min(\max(x, m), M), \; m = -1, M = 1",
        derivative_formula=r"1 \;(m < x < M), \; 0 \text{ otherwise}",
        output_range=(-1.0, 1.0),
        range_text="[m, M] = [-1, 1]",
        used_in="a piecewise-linear stand-in for tanh, with no exponential to compute",
        torch="nn.Hardtanh(min_val=-1.0, max_val=1.0) / F.hardtanh",
        keras="'hard_tanh' / keras.activations.hard_tanh (bounds fixed at -1 and 1)",
        initialisation="Xavier (Glorot)",
        gain=None,
        cost="2 comparisons",
        defaults={"min_val": -1.0, "max_val": 1.0},
        kinks={-1.0: 0.0, 1.0: 0.0},
        note="keras.activations.hard_tanh has no bounds parameters. At the kinks -1 and 1 PyTorch's "
             "autograd gives 0 and TensorFlow's (tf.clip_by_value) 1; actlib gives 0. F.hardtanh raises "
             "ValueError for min_val > max_val, as actlib does.",
        torch_api=torch(f"{_F}.hardtanh", "torch.nn.Hardtanh",
                        {"min_val": Param("min_val"), "max_val": Param("max_val")}),
        keras_api=keras(f"{_KA}.hard_tanh", string="hard_tanh")),
    Activation(
        name="hardsigmoid",
        title="Hardsigmoid",
        family="hard/piecewise",
        function=piecewise.hardsigmoid,
        derivative=d_piecewise.d_hardsigmoid,
        formula=r"\mathrm{ReLU6}(x + 3) / 6",
        derivative_formula=r"\tfrac16 \;(-3 < x < 3), \; 0 \text{ otherwise}",
        output_range=(0.0, 1.0),
        range_text="[0, 1]",
        used_in="gates of mobile networks (MobileNetV3's squeeze-and-excitation); a cheap sigmoid",
        torch="nn.Hardsigmoid() / F.hardsigmoid",
        keras="'hard_sigmoid' / keras.activations.hard_sigmoid",
        initialisation="Xavier (Glorot)",
        gain=None,
        cost="2 comparisons",
        kinks={-3.0: 0.0, 3.0: 0.0},
        note="Keras 3's hard_sigmoid is relu6(x + 3)/6, as PyTorch's; tf.keras 2's, still shipped in "
             "TensorFlow as tensorflow.python.keras.activations.hard_sigmoid, is clip(0.2x + 0.5, 0, 1), "
             "which reaches 0 and 1 at -2.5 and 2.5. PyTorch's float64 gradient is float32's 1/6, "
             "0.16666667163..., 3e-8 (relative) too large; actlib's and TensorFlow's are 1/6.",
        torch_api=torch(f"{_F}.hardsigmoid", "torch.nn.Hardsigmoid"),
        keras_api=keras(f"{_KA}.hard_sigmoid", string="hard_sigmoid")),
    Activation(
        name="hardswish",
        title="Hardswish",
        family="hard/piecewise",
        function=piecewise.hardswish,
        derivative=d_piecewise.d_hardswish,
        formula=r"x\,\mathrm{ReLU6}(x + 3) / 6",
        derivative_formula=r"0 \;(x \le -3), \; \tfrac{2x + 3}{6} \;(-3 < x < 3), \; 1 \;(x \ge 3)",
        output_range=(-0.375, INF),
        range_text="[-0.375, inf)",
        used_in="hidden layers of MobileNetV3; a cheap Swish",
        torch="nn.Hardswish() / F.hardswish",
        keras="'hard_silu' or 'hard_swish' / keras.activations.hard_silu",
        initialisation="He (Kaiming)",
        gain=None,
        cost="2 comparisons, 1 multiplication",
        kinks={-3.0: 0.0, 3.0: 1.0},
        note="Keras calls it hard_silu (alias hard_swish). Minimum -0.375 at x = -1.5. At the kinks "
             "both libraries' gradients are the outer pieces' slopes, 0 at -3 and 1 at 3, as actlib's.",
        torch_api=torch(f"{_F}.hardswish", "torch.nn.Hardswish"),
        keras_api=keras(f"{_KA}.hard_silu", string="hard_silu", aliases=[f"{_KA}.hard_swish"])),
    Activation(
        name="sparse_sigmoid",
        title="Sparse sigmoid",
        family="hard/piecewise",
        function=piecewise.sparse_sigmoid,
        derivative=d_piecewise.d_sparse_sigmoid,
        formula=r"\tfrac12 \bigl(\mathrm{clip}(x, -1, 1) + 1\bigr)",
        derivative_formula=r"\tfrac12 \;(-1 < x < 1), \; 0 \text{ otherwise}",
        output_range=(0.0, 1.0),
        range_text="[0, 1]",
        used_in="outputs that reach exactly 0 and 1: the two-class sparsemax",
        torch="none",
        keras="'sparse_sigmoid' / keras.activations.sparse_sigmoid",
        initialisation="Xavier (Glorot)",
        gain=None,
        cost="2 comparisons",
        kinks={-1.0: 0.0, 1.0: 0.0},
        note="sparsemax([x, 0]) is [sparse_sigmoid(x), sparse_sigmoid(-x)], as softmax([x, 0]) is "
             "[sigmoid(x), sigmoid(-x)]. TensorFlow's gradient at -1 and 1 is 0, as actlib's. "
             "PyTorch has none.",
        keras_api=keras(f"{_KA}.sparse_sigmoid", string="sparse_sigmoid")),
    Activation(
        name="threshold",
        title="Threshold",
        family="hard/piecewise",
        function=piecewise.threshold,
        derivative=d_piecewise.d_threshold,
        formula=r"x \;(x > \theta), \; v \;(x \le \theta)",
        derivative_formula=r"1 \;(x > \theta), \; 0 \;(x \le \theta)",
        output_range=(0.0, INF),
        range_text="{v} and (θ, inf); [0, inf) at θ = v = 0",
        used_in="a generalised ReLU that replaces small inputs by a constant",
        torch="nn.Threshold(threshold, value) / F.threshold (no defaults)",
        keras="keras.activations.threshold(x, threshold, default_value) (no defaults)",
        initialisation="He (Kaiming)",
        gain="relu",
        cost="1 comparison",
        defaults={"threshold": 0.0, "value": 0.0},
        kinks={0.0: 0.0},
        note="PyTorch and Keras take both parameters with no defaults (Keras calls the value "
             "default_value); actlib's defaults, threshold = value = 0, make it ReLU (so it gets ReLU's "
             "gain). Unless value == threshold it jumps at the threshold, where both libraries' "
             "gradients, and actlib's derivative, are 0.",
        torch_api=torch(f"{_F}.threshold", "torch.nn.Threshold",
                        {"threshold": Param("threshold"), "value": Param("value")}),
        keras_api=keras(f"{_KA}.threshold",
                        kwargs={"threshold": Param("threshold"), "default_value": Param("value")})),
]

_SHRINKAGE = [
    Activation(
        name="softshrink",
        title="Softshrink",
        family="shrinkage",
        function=piecewise.softshrink,
        derivative=d_piecewise.d_softshrink,
        formula=r"x - \mathrm{clip}(x, -\lambda, \lambda) = \mathrm{sign}(x) \max(|x| - \lambda, 0)",
        derivative_formula=r"1 \;(|x| > \lambda), \; 0 \;(|x| \le \lambda)",
        output_range=(-INF, INF),
        range_text="(-inf, inf), 0 on [-lambda, lambda]",
        used_in="sparse coding: the shrinkage step of ISTA and LISTA; denoising",
        torch="nn.Softshrink(lambd=0.5) / F.softshrink",
        keras="'soft_shrink' / keras.activations.soft_shrink(x, threshold=0.5)",
        initialisation="no standard pairing",
        gain=None,
        cost="2 comparisons",
        defaults={"lambd": 0.5},
        kinks={-0.5: 0.0, 0.5: 0.0},
        note="Keras calls lambda threshold. PyTorch rejects a negative lambd (RuntimeError), as actlib "
             "does (ValueError). Both libraries' gradients at -lambda and lambda are 0, as actlib's.",
        torch_api=torch(f"{_F}.softshrink", "torch.nn.Softshrink", {"lambd": Param("lambd")}),
        keras_api=keras(f"{_KA}.soft_shrink", kwargs={"threshold": Param("lambd")}, string="soft_shrink")),
    Activation(
        name="hardshrink",
        title="Hardshrink",
        family="shrinkage",
        function=piecewise.hardshrink,
        derivative=d_piecewise.d_hardshrink,
        formula=r"x \;(|x| > \lambda), \; 0 \;(|x| \le \lambda)",
        derivative_formula=r"1 \;(|x| > \lambda), \; 0 \;(|x| \le \lambda)",
        output_range=(-INF, INF),
        range_text="(-inf, -lambda), {0} and (lambda, inf)",
        used_in="wavelet denoising (hard thresholding)",
        torch="nn.Hardshrink(lambd=0.5) / F.hardshrink",
        keras="'hard_shrink' / keras.activations.hard_shrink(x, threshold=0.5)",
        initialisation="no standard pairing",
        gain=None,
        cost="1 absolute value, 1 comparison",
        defaults={"lambd": 0.5},
        kinks={-0.5: 0.0, 0.5: 0.0},
        note="Keras calls lambda threshold. PyTorch's hardshrink accepts a negative lambd (and then "
             "returns x everywhere) although its softshrink rejects one; actlib rejects it for both. "
             "It jumps at -lambda and lambda, where both libraries' gradients, and actlib's, are 0.",
        torch_api=torch(f"{_F}.hardshrink", "torch.nn.Hardshrink", {"lambd": Param("lambd")}),
        keras_api=keras(f"{_KA}.hard_shrink", kwargs={"threshold": Param("lambd")}, string="hard_shrink")),
    Activation(
        name="tanhshrink",
        title="Tanhshrink",
        family="shrinkage",
        function=smooth.tanhshrink,
        derivative=d_smooth.d_tanhshrink,
        formula=r"x - \tanh(x)",
        derivative_formula=r"\tanh^2(x)",
        output_range=(-INF, INF),
        range_text="(-inf, inf)",
        used_in="a smooth shrinkage",
        torch="nn.Tanhshrink() / F.tanhshrink",
        keras="'tanh_shrink' / keras.activations.tanh_shrink",
        initialisation="no standard pairing",
        gain=None,
        cost="1 tanh (actlib: near 0 a polynomial instead)",
        note="PyTorch and Keras compute x - tanh(x), which loses every digit near 0: both give 0 at "
             "x = 1e-8, where the value is 3.3e-25. actlib sums the Taylor series below |x| = 0.1.",
        torch_api=torch(f"{_F}.tanhshrink", "torch.nn.Tanhshrink"),
        keras_api=keras(f"{_KA}.tanh_shrink", string="tanh_shrink")),
]

RECORDS = _HARD + _SHRINKAGE
