"""Registry records, output/normalising: softmax and its relatives, log-sigmoid, the exponential.

Data only: the fields are documented on :class:`actlib.registry.Activation`.
"""

from __future__ import annotations

from . import activations as act
from . import activations_smooth as smooth
from . import activations_vector as vector
from . import derivatives_smooth as d_smooth
from . import derivatives_vector as d_vector
from .registry import INF, Activation, Param
from .registry import keras_counterpart as keras
from .registry import torch_counterpart as torch

_F, _KA, _KL = "torch.nn.functional", "keras.activations", "keras.layers"
_IMPLICIT_DIM = ("without dim picks one from the input's number of dimensions, with a deprecation warning "
                 "(dim 0 for 1-D and 3-D inputs, else 1); actlib and the registry use axis -1.")

RECORDS = [
    Activation(
        name="softmax",
        title="Softmax",
        family="output/normalising",
        function=act.softmax,
        derivative=None,
        jvp=d_vector.softmax_jvp,
        formula=r"\frac{e^{x_i}}{\sum_j e^{x_j}}",
        derivative_formula=r"f_i(\delta_{ij} - f_j)",
        output_range=(0.0, 1.0),
        range_text="(0, 1), sums to 1",
        used_in="multi-class output layer (probabilities over classes)",
        torch="nn.Softmax(dim=-1) / F.softmax",
        keras="'softmax' / keras.activations.softmax(x, axis=-1)",
        initialisation="Xavier (Glorot)",
        gain=None,
        cost="1 exp and 1 division per element, a sum per row (actlib: and a maximum)",
        defaults={"axis": -1},
        note=f"nn.Softmax() {_IMPLICIT_DIM}",
        torch_api=torch(f"{_F}.softmax", "torch.nn.Softmax", {"dim": Param("axis")}),
        keras_api=keras(f"{_KA}.softmax", f"{_KL}.Softmax", {"axis": Param("axis")}, string="softmax")),
    Activation(
        name="softmin",
        title="Softmin",
        family="output/normalising",
        function=vector.softmin,
        derivative=None,
        jvp=d_vector.softmin_jvp,
        formula=r"\frac{e^{-x_i}}{\sum_j e^{-x_j}} = \mathrm{softmax}(-\mathbf{x})_i",
        derivative_formula=r"-f_i(\delta_{ij} - f_j)",
        output_range=(0.0, 1.0),
        range_text="(0, 1), sums to 1",
        used_in="a softmax of the negated inputs: the smallest input gets the largest share",
        torch="nn.Softmin(dim=-1) / F.softmin",
        keras="none (keras.activations.softmax(-x))",
        initialisation="Xavier (Glorot)",
        gain=None,
        cost="1 exp and 1 division per element, a sum per row (actlib: and a maximum)",
        defaults={"axis": -1},
        note=f"nn.Softmin() {_IMPLICIT_DIM} Keras has no softmin.",
        torch_api=torch(f"{_F}.softmin", "torch.nn.Softmin", {"dim": Param("axis")})),
    Activation(
        name="log_softmax",
        title="Log-softmax",
        family="output/normalising",
        function=vector.log_softmax,
        derivative=None,
        jvp=d_vector.log_softmax_jvp,
        formula=r"x_i - \log \sum_j e^{x_j}",
        derivative_formula=r"\delta_{ij} - \mathrm{softmax}(\mathbf{x})_j",
        output_range=(-INF, 0.0),
        range_text="(-inf, 0)",
        used_in="multi-class outputs feeding a negative log-likelihood loss (nn.NLLLoss); log-probabilities",
        torch="nn.LogSoftmax(dim=-1) / F.log_softmax",
        keras="'log_softmax' / keras.activations.log_softmax(x, axis=-1)",
        initialisation="Xavier (Glorot)",
        gain=None,
        cost="1 exp per element, a sum and 1 log per row (actlib: and a maximum)",
        defaults={"axis": -1},
        note=f"actlib.losses.log_softmax, the one the losses use. nn.LogSoftmax() {_IMPLICIT_DIM}",
        torch_api=torch(f"{_F}.log_softmax", "torch.nn.LogSoftmax", {"dim": Param("axis")}),
        keras_api=keras(f"{_KA}.log_softmax", kwargs={"axis": Param("axis")}, string="log_softmax")),
    Activation(
        name="sparsemax",
        title="Sparsemax",
        family="output/normalising",
        function=vector.sparsemax,
        derivative=None,
        jvp=d_vector.sparsemax_jvp,
        formula=r"\max(x_i - \tau(\mathbf{x}), 0), \; \textstyle\sum_i \max(x_i - \tau, 0) = 1",
        derivative_formula=(r"\delta_{ij} - 1/|S| \;(i, j \in S), \; 0 \text{ otherwise}"
                            r" \;(\text{S: the support, the entries above 0})"),
        output_range=(0.0, 1.0),
        range_text="[0, 1], sums to 1, with exact zeros",
        used_in="sparse attention and classification outputs with exact zeros (Martins & Astudillo 2016)",
        torch="none",
        keras="'sparsemax' / keras.activations.sparsemax(x, axis=-1)",
        initialisation="Xavier (Glorot)",
        gain=None,
        cost="per row a sort, a cumulative sum and 1 division (n log n); "
             "per element 2 comparisons and 1 multiplication",
        defaults={"axis": -1},
        note="Keras 3.15's sparsemax is wrong for almost every input with two or more scores in the "
             "support: its threshold sums the cumulative sums over the support instead of taking the "
             "last one, and the two agree only when the partial sums before the last add up to 0 "
             "(sparsemax([0, -0.5]) gives the right [0.75, 0.25]). Otherwise the result does not sum to "
             "1 and its entries can leave [0, 1] (sparsemax([1, 0.5, -1]) gives [0.25, 0, 0], not "
             "[0.75, 0.25, 0]; sparsemax([-3, -3.2, -3.4]) gives [3.6, 3.4, 3.2]; "
             "keras-team/keras#23425). PyTorch has none.",
        keras_api=keras(f"{_KA}.sparsemax", kwargs={"axis": Param("axis")}, string="sparsemax")),
    Activation(
        name="logsigmoid",
        title="Log-sigmoid",
        family="output/normalising",
        function=smooth.logsigmoid,
        derivative=d_smooth.d_logsigmoid,
        formula=r"\log \sigma(x) = -\log(1 + e^{-x})",
        derivative_formula=r"1 - \sigma(x) = \sigma(-x)",
        output_range=(-INF, 0.0),
        range_text="(-inf, 0)",
        used_in="log-likelihoods of binary outputs (losses; word2vec's negative sampling)",
        torch="nn.LogSigmoid() / F.logsigmoid",
        keras="'log_sigmoid' / keras.activations.log_sigmoid",
        initialisation="Xavier (Glorot)",
        gain=None,
        cost="1 exp, 1 log1p",
        torch_api=torch(f"{_F}.logsigmoid", "torch.nn.LogSigmoid"),
        keras_api=keras(f"{_KA}.log_sigmoid", string="log_sigmoid")),
    Activation(
        name="exponential",
        title="Exponential",
        family="output/normalising",
        function=smooth.exponential,
        derivative=d_smooth.d_exponential,
        formula=r"e^{x}",
        derivative_formula=r"e^{x}",
        output_range=(0.0, INF),
        range_text="(0, inf)",
        used_in="outputs that must be positive, e.g. a Poisson rate (the log link)",
        torch="torch.exp (no nn layer)",
        keras="'exponential' / keras.activations.exponential",
        initialisation="Xavier (Glorot)",
        gain=None,
        cost="1 exp",
        note="Overflows to inf where e^x exceeds the dtype (x > 709.78 in float64, 88.72 in float32), "
             "in both libraries and in actlib, as it must.",
        torch_api=torch("torch.exp"),
        keras_api=keras(f"{_KA}.exponential", string="exponential")),
]
