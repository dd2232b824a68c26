"""Registry records, rectifiers (ReLU and its piecewise-linear relatives) and smooth rectifiers.

Data only: the fields are documented on :class:`actlib.registry.Activation`.
"""

from __future__ import annotations

from . import activations as act
from . import activations_piecewise as piecewise
from . import activations_smooth as smooth
from . import derivatives as der
from . import derivatives_piecewise as d_piecewise
from . import derivatives_smooth as d_smooth
from .registry import INF, Activation, InputDtypeTensor, Param
from .registry import keras_counterpart as keras
from .registry import torch_counterpart as torch

_F, _KA, _KL = "torch.nn.functional", "keras.activations", "keras.layers"
_LAMBDA, _ALPHA = act.SELU_SCALE, act.SELU_ALPHA

_RECTIFIERS = [
    Activation(
        name="relu",
        title="ReLU",
        family="rectifier",
        function=act.relu,
        derivative=der.d_relu,
        formula=r"\max(0, x)",
        derivative_formula=r"1 \;(x > 0), \; 0 \;(x \le 0)",
        output_range=(0.0, INF),
        range_text="[0, inf)",
        used_in="default for hidden layers (MLPs, CNNs)",
        torch="nn.ReLU(inplace=False) / F.relu",
        keras="'relu' / keras.activations.relu",
        initialisation="He (Kaiming)",
        gain="relu",
        cost="1 comparison",
        kinks={0.0: 0.0},
        note="Units stuck at negative inputs get zero gradient ('dead ReLU').",
        torch_api=torch(f"{_F}.relu", "torch.nn.ReLU"),
        keras_api=keras(f"{_KA}.relu", f"{_KL}.ReLU", string="relu")),
    Activation(
        name="leaky_relu",
        title="Leaky ReLU",
        family="rectifier",
        function=act.leaky_relu,
        derivative=der.d_leaky_relu,
        formula=r"\max(0, x) + \alpha \min(0, x)",
        derivative_formula=r"1 \;(x > 0), \; \alpha \;(x \le 0)",
        output_range=(-INF, INF),
        range_text="(-inf, inf)",
        used_in="hidden layers, to keep a gradient for negative inputs (Maas et al. 2013); GAN discriminators "
                "(alpha = 0.2)",
        torch="nn.LeakyReLU(negative_slope=0.01)",
        keras="layers.LeakyReLU(negative_slope=0.01) / keras.activations.leaky_relu(x, negative_slope=0.01) "
              "(PyTorch's default, passed explicitly; Keras's defaults are 0.3 and 0.2)",
        initialisation="He (Kaiming), with the slope",
        gain="leaky_relu",
        cost="1 comparison, 1 multiplication",
        defaults={"alpha": 0.01},
        kinks={0.0: 0.01},
        note="Defaults differ: PyTorch 0.01, Keras layer 0.3, Keras function 0.2, DCGAN 0.2. "
             "nn.LeakyReLU(True) sets the slope to 1.0, not inplace.",
        torch_api=torch(f"{_F}.leaky_relu", "torch.nn.LeakyReLU", {"negative_slope": Param("alpha")}),
        keras_api=keras(f"{_KA}.leaky_relu", f"{_KL}.LeakyReLU", {"negative_slope": Param("alpha")})),
    Activation(
        name="prelu",
        title="PReLU",
        family="rectifier",
        function=act.prelu,
        derivative=der.d_prelu,
        formula=r"\max(0, x) + a \min(0, x)",
        derivative_formula=r"1 \;(x > 0), \; a \;(x \le 0)",
        output_range=(-INF, INF),
        range_text="(-inf, inf)",
        used_in="hidden layers of deep CNNs (He et al. 2015); the slope a is learned",
        torch="nn.PReLU(num_parameters=1, init=0.25) / F.prelu(x, weight)",
        keras="layers.PReLU(alpha_initializer=Constant(0.25))",
        initialisation="He (Kaiming), with the initial slope",
        gain="leaky_relu",
        cost="1 comparison, 1 multiplication",
        defaults={"slope": 0.25},
        kinks={0.0: 0.25},
        note="The slope a is a weight: trained with the network, starting at 0.25. "
             "Its gradient is min(0, x) (actlib.prelu_slope_derivative). nn.PReLU() learns one slope; "
             "Keras's PReLU learns one per input element (alpha has the input's shape without the batch "
             "axis) unless shared_axes is set.",
        torch_api=torch(f"{_F}.prelu", "torch.nn.PReLU",
                        kwargs={"weight": InputDtypeTensor(Param("slope"))},
                        layer_kwargs={"num_parameters": 1, "init": Param("slope")}),
        keras_api=keras(layer=f"{_KL}.PReLU", layer_kwargs={
            "alpha_initializer": {"class_name": "Constant", "config": {"value": Param("slope")}}}),
        parameter_derivatives={"slope": der.prelu_slope_derivative}),
    Activation(
        name="rrelu",
        title="RReLU (randomised leaky ReLU)",
        family="rectifier",
        function=piecewise.rrelu,
        derivative=d_piecewise.d_rrelu,
        formula=r"\max(0, x) + a \min(0, x), \; a = \tfrac{l + r}{2} \;(\text{training: } a \sim U(l, r))",
        derivative_formula=r"1 \;(x > 0), \; a \;(x \le 0)",
        output_range=(-INF, INF),
        range_text="(-inf, inf)",
        used_in="CNN hidden layers (Xu et al. 2015); the random slope in training acts as a regulariser",
        torch="nn.RReLU(lower=1/8, upper=1/3) / F.rrelu(x, training=False)",
        keras="none",
        initialisation="He (Kaiming), with the mean slope",
        gain="leaky_relu",
        cost="1 comparison, 1 multiplication (training: and 1 random number)",
        defaults={"lower": 1 / 8, "upper": 1 / 3},
        kinks={0.0: 11 / 48},
        note="The function is the evaluation form, Leaky ReLU with slope (l + r)/2 = 11/48; in training "
             "each element draws its slope from U(l, r) (actlib.rrelu(x, training=True, rng=...)). "
             "A fresh nn.RReLU is in training mode, so it is random until .eval(); F.rrelu defaults "
             "to training=False. PyTorch accepts a negative lower; actlib needs 0 <= lower <= upper. "
             "Keras has no RReLU.",
        torch_api=torch(f"{_F}.rrelu", "torch.nn.RReLU",
                        kwargs={"lower": Param("lower"), "upper": Param("upper"), "training": False},
                        layer_kwargs={"lower": Param("lower"), "upper": Param("upper")})),
    Activation(
        name="relu6",
        title="ReLU6",
        family="rectifier",
        function=piecewise.relu6,
        derivative=d_piecewise.d_relu6,
        formula=r"\min(\max(0, x), 6)",
        derivative_formula=r"1 \;(0 < x < 6), \; 0 \text{ otherwise}",
        output_range=(0.0, 6.0),
        range_text="[0, 6]",
        used_in="mobile CNNs (MobileNetV2, Sandler et al. 2018): robust in low-precision arithmetic",
        torch="nn.ReLU6() / F.relu6",
        keras="'relu6' / keras.activations.relu6 / layers.ReLU(max_value=6)",
        initialisation="He (Kaiming)",
        gain=None,
        cost="2 comparisons",
        kinks={0.0: 0.0, 6.0: 0.0},
        note="PyTorch's and TensorFlow's gradients are 0 at both kinks, 0 and 6, as actlib's.",
        torch_api=torch(f"{_F}.relu6", "torch.nn.ReLU6"),
        keras_api=keras(f"{_KA}.relu6", f"{_KL}.ReLU", string="relu6", layer_kwargs={"max_value": 6.0})),
    Activation(
        name="maxout",
        title="Maxout",
        family="rectifier",
        function=act.maxout,
        derivative=None,
        formula=r"\max_{i=1..k} (\mathbf{w}_i^\top \mathbf{x} + b_i)",
        derivative_formula=r"\text{gradient flows to the winning piece}",
        output_range=(-INF, INF),
        range_text="(-inf, inf)",
        used_in="hidden layers with dropout (2013); learns a convex piecewise-linear activation",
        torch="none (max over a Linear layer's k groups)",
        keras="none (max over a Dense layer's k groups)",
        initialisation="no standard pairing",
        gain=None,
        cost="per unit, k dot products as long as the input, and k - 1 comparisons",
        note="Not 'the maximum of the inputs' (article 001's formula; its later summary has it right): "
             "the maximum of k learned affine functions."),
]

_SMOOTH_RECTIFIERS = [
    Activation(
        name="elu",
        title="ELU",
        family="smooth rectifier",
        function=act.elu,
        derivative=der.d_elu,
        formula=r"\max(0, x) + \alpha\,(e^{\min(0, x)} - 1)",
        derivative_formula=r"1 \;(x > 0), \; \alpha e^{x} \;(x \le 0)",
        output_range=(-1.0, INF),
        range_text="(-alpha, inf)",
        used_in="hidden layers; negative outputs push mean activations towards 0",
        torch="nn.ELU(alpha=1.0)",
        keras="'elu' / keras.activations.elu(x, alpha=1.0)",
        initialisation="He (Kaiming)",
        gain=None,
        cost="1 comparison, 1 expm1, 1 multiplication",
        defaults={"alpha": 1.0},
        torch_api=torch(f"{_F}.elu", "torch.nn.ELU", {"alpha": Param("alpha")}),
        keras_api=keras(f"{_KA}.elu", f"{_KL}.ELU", {"alpha": Param("alpha")}, string="elu")),
    Activation(
        name="selu",
        title="SELU",
        family="smooth rectifier",
        function=act.selu,
        derivative=der.d_selu,
        formula=r"\lambda\,\mathrm{ELU}(x; \alpha), \; \lambda \approx 1.0507, \alpha \approx 1.6733",
        derivative_formula=r"\lambda \;(x > 0), \; \lambda \alpha e^{x} \;(x \le 0)",
        output_range=(-_LAMBDA * _ALPHA, INF),
        range_text="(-1.7581, inf)",
        used_in="self-normalising MLPs (with LeCun-normal init and AlphaDropout)",
        torch="nn.SELU()",
        keras="'selu' / keras.activations.selu",
        initialisation="LeCun normal",
        gain="linear",
        cost="1 comparison, 1 expm1",
        kinks={0.0: _LAMBDA * _ALPHA},
        note="For self-normalising networks PyTorch's calculate_gain documentation says to use "
             "nonlinearity='linear' (weights of variance 1/fan_in: LeCun normal), not 'selu', whose "
             "gain 3/4 gives up the normalisation. At 0 TensorFlow's gradient is lambda, PyTorch's "
             "(and actlib's) lambda * alpha.",
        torch_api=torch(f"{_F}.selu", "torch.nn.SELU"),
        keras_api=keras(f"{_KA}.selu", string="selu")),
    Activation(
        name="celu",
        title="CELU",
        family="smooth rectifier",
        function=smooth.celu,
        derivative=d_smooth.d_celu,
        formula=r"\max(0, x) + \min\bigl(0, \alpha\,(e^{x/\alpha} - 1)\bigr)",
        derivative_formula=r"1 \;(x > 0), \; e^{x/\alpha} \;(x \le 0)",
        output_range=(-1.0, INF),
        range_text="(-alpha, inf)",
        used_in="hidden layers; an ELU whose slope at 0 is 1 for every alpha (Barron 2017)",
        torch="nn.CELU(alpha=1.0)",
        keras="'celu' / keras.activations.celu(x, alpha=1.0)",
        initialisation="He (Kaiming)",
        gain=None,
        cost="1 comparison, 1 division, 1 expm1, 1 multiplication",
        defaults={"alpha": 1.0},
        note="At 0 TensorFlow's autograd gives Keras's celu, max(x, 0) + alpha expm1(min(x, 0)/alpha), a "
             "slope of 2: tf.maximum and tf.minimum each pass the whole gradient at the tie x = 0. The "
             "slope is 1, as PyTorch's autograd and actlib give. PyTorch's float64 gradient carries alpha's "
             "float32 rounding into the exponent: its relative error is about |x/alpha| times that "
             "rounding (2e-5 at x/alpha = -700 for alpha = 0.9, 3e-5 for alpha = 1e-3); actlib's is "
             "exact to rounding. PyTorch raises for alpha = 0; "
             "actlib needs alpha > 0.",
        torch_api=torch(f"{_F}.celu", "torch.nn.CELU", {"alpha": Param("alpha")}),
        keras_api=keras(f"{_KA}.celu", kwargs={"alpha": Param("alpha")}, string="celu")),
    Activation(
        name="swish",
        title="Swish / SiLU",
        family="smooth rectifier",
        function=act.swish,
        derivative=der.d_swish,
        formula=r"x\,\sigma(\beta x), \; \beta = 1",
        derivative_formula=r"\sigma(\beta x) + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x))",
        output_range=(-0.2784645427610738, INF),
        range_text="[-0.2785, inf)",
        used_in="hidden layers of modern CNNs (EfficientNet)",
        torch="nn.SiLU() (beta = 1)",
        keras="'silu' or 'swish' / keras.activations.silu",
        initialisation="He (Kaiming)",
        gain=None,
        cost="1 exp, 1 division, 2 multiplications",
        defaults={"beta": 1.0},
        note="Minimum -0.2785 at x = -1.2785 for beta = 1.",
        torch_api=torch(f"{_F}.silu", "torch.nn.SiLU"),
        keras_api=keras(f"{_KA}.silu", string="silu", aliases=[f"{_KA}.swish"])),
    Activation(
        name="softplus",
        title="Softplus",
        family="smooth rectifier",
        function=act.softplus,
        derivative=der.d_softplus,
        formula=r"\log(1 + e^{x})",
        derivative_formula=r"\sigma(x)",
        output_range=(0.0, INF),
        range_text="(0, inf)",
        used_in="outputs that must be positive (Dugas et al. 2001: option prices); a smooth ReLU as a "
                "hidden unit (Glorot et al. 2011)",
        torch="nn.Softplus(beta=1.0, threshold=20.0)",
        keras="'softplus' / keras.activations.softplus",
        initialisation="He (Kaiming)",
        gain=None,
        cost="1 exp, 1 log1p",
        note="nn.Softplus and F.softplus (threshold=20) return x itself where x > 20: in float64 that is "
             "log(1 + e^-x) too small, 2e-9 at x = 20.01 (1e-10 relative), until x = 33.3, where that "
             "drops below half an ulp of x. Keras and actlib keep it.",
        torch_api=torch(f"{_F}.softplus", "torch.nn.Softplus"),
        keras_api=keras(f"{_KA}.softplus", string="softplus")),
    Activation(
        name="gelu",
        title="GELU",
        family="smooth rectifier",
        function=act.gelu,
        derivative=der.d_gelu,
        formula=r"x\,\Phi(x) = \tfrac{x}{2}\bigl(1 + \mathrm{erf}(x/\sqrt{2})\bigr)",
        derivative_formula=r"\Phi(x) + x\,\varphi(x)",
        output_range=(-0.16997120747990366, INF),
        range_text="[-0.1700, inf)",
        used_in="transformers (BERT, GPT) hidden layers",
        torch="nn.GELU(approximate='none')",
        keras="'gelu' / keras.activations.gelu(x, approximate=False)",
        initialisation="He (Kaiming)",
        gain=None,
        cost="1 erf, 1 multiplication (actlib: SciPy's normal CDF, an erf or an erfc)",
        defaults={"approximate": False},
        note="keras.activations.gelu and 'gelu' default to approximate=False; keras.ops.gelu "
             "defaults to approximate=True.",
        torch_api=torch(f"{_F}.gelu", "torch.nn.GELU",
                        {"approximate": Param("approximate", {False: "none", True: "tanh"})}),
        keras_api=keras(f"{_KA}.gelu", kwargs={"approximate": Param("approximate")}, string="gelu")),
    Activation(
        name="mish",
        title="Mish",
        family="smooth rectifier",
        function=act.mish,
        derivative=der.d_mish,
        formula=r"x \tanh(\mathrm{softplus}(x))",
        derivative_formula=r"\tanh(\mathrm{sp}(x)) + x\,\sigma(x)\,(1 - \tanh^2(\mathrm{sp}(x)))",
        output_range=(-0.30884341301725043, INF),
        range_text="[-0.3088, inf)",
        used_in="hidden layers of some detectors (YOLOv4)",
        torch="nn.Mish()",
        keras="'mish' / keras.activations.mish",
        initialisation="He (Kaiming)",
        gain=None,
        cost="1 exp, 1 log1p, 1 tanh, 1 multiplication",
        torch_api=torch(f"{_F}.mish", "torch.nn.Mish"),
        keras_api=keras(f"{_KA}.mish", string="mish")),
    Activation(
        name="squareplus",
        title="Squareplus",
        family="smooth rectifier",
        function=smooth.squareplus,
        derivative=d_smooth.d_squareplus,
        formula=r"\tfrac12 \bigl(x + \sqrt{x^2 + b}\bigr)",
        derivative_formula=r"\tfrac12 \bigl(1 + x / \sqrt{x^2 + b}\bigr)",
        output_range=(0.0, INF),
        range_text="(0, inf)",
        used_in="a softplus made of a square root (Barron 2021): no exp or log",
        torch="none",
        keras="'squareplus' / keras.activations.squareplus(x, b=4)",
        initialisation="He (Kaiming)",
        gain=None,
        cost="1 square, 1 square root (actlib: a hypot; for x < 0 a division)",
        defaults={"b": 4.0},
        note="Keras computes (x + sqrt(x^2 + b))/2 as written: x^2 overflows for |x| above 1.8e19 in "
             "float32 (1.3e154 in float64), which gives inf even where the value is nearly 0 (x very "
             "negative), and for large negative x the sum cancels (float32: 0 at x = -1e4, where the "
             "value is 1e-4). actlib uses np.hypot, and b/4 / squareplus(|x|) for x < 0. "
             "PyTorch has no squareplus.",
        keras_api=keras(f"{_KA}.squareplus", kwargs={"b": Param("b")}, string="squareplus")),
    Activation(
        name="sparse_plus",
        title="Sparse Plus",
        family="smooth rectifier",
        function=piecewise.sparse_plus,
        derivative=d_piecewise.d_sparse_plus,
        formula=r"0 \;(x \le -1), \; \tfrac14 (x + 1)^2 \;(-1 < x < 1), \; x \;(x \ge 1)",
        derivative_formula=r"\mathrm{sparse\_sigmoid}(x) = \tfrac12 (\mathrm{clip}(x, -1, 1) + 1)",
        output_range=(0.0, INF),
        range_text="[0, inf)",
        used_in="a softplus that is exactly 0 below -1 and exactly x above 1: the sparse sigmoid's integral",
        torch="none",
        keras="'sparse_plus' / keras.activations.sparse_plus",
        initialisation="He (Kaiming)",
        gain=None,
        cost="2 comparisons; between -1 and 1, 1 square",
        note="Once differentiable (its derivative, the sparse sigmoid, is continuous). PyTorch has none.",
        keras_api=keras(f"{_KA}.sparse_plus", string="sparse_plus")),
]

RECORDS = _RECTIFIERS + _SMOOTH_RECTIFIERS
