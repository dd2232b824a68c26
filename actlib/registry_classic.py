"""Registry records, classic family: step, identity, sigmoid, tanh, and softsign, a tanh with polynomial tails.

Data only: the fields are documented on :class:`actlib.registry.Activation`.
"""

from __future__ import annotations

from . import activations as act
from . import activations_smooth as smooth
from . import derivatives as der
from . import derivatives_smooth as d_smooth
from .registry import INF, Activation, InputDtypeTensor
from .registry import keras_counterpart as keras
from .registry import torch_counterpart as torch

_F, _KA, _KL = "torch.nn.functional", "keras.activations", "keras.layers"

RECORDS = [
    Activation(
        name="step",
        title="Step (Heaviside)",
        family="classic",
        function=act.step,
        derivative=der.d_step,
        formula=r"1 \text{ if } x > 0 \text{ else } 0",
        derivative_formula=r"0 \;(x \neq 0) \;(\text{so not trainable by gradient descent})",
        output_range=(0.0, 1.0),
        range_text="{0, 1}",
        used_in="threshold units (McCulloch & Pitts) and the original perceptron (Rosenblatt)",
        torch="torch.heaviside(x, x.new_tensor(0.))",
        keras="keras.ops.heaviside(x, 0.0)",
        initialisation="none (trained by the perceptron rule, not by gradient descent)",
        gain=None,
        cost="1 comparison",
        kinks={0.0: 0.0},
        note="Derivative is 0 almost everywhere, so no gradient flows.",
        torch_api=torch("torch.heaviside", kwargs={"values": InputDtypeTensor(0.0)}),
        keras_api=keras("keras.ops.heaviside", kwargs={"x2": 0.0})),
    Activation(
        name="identity",
        title="Identity (linear)",
        family="classic",
        function=act.identity,
        derivative=der.d_identity,
        formula="x",
        derivative_formula="1",
        output_range=(-INF, INF),
        range_text="(-inf, inf)",
        used_in="output layer for regression",
        torch="nn.Identity()",
        keras="'linear' / keras.activations.linear",
        initialisation="Xavier (Glorot)",
        gain="linear",
        cost="none (a copy)",
        torch_api=torch(layer="torch.nn.Identity"),
        keras_api=keras(f"{_KA}.linear", f"{_KL}.Identity", string="linear")),
    Activation(
        name="sigmoid",
        title="Sigmoid (logistic)",
        family="classic",
        function=act.sigmoid,
        derivative=der.d_sigmoid,
        formula=r"\frac{1}{1 + e^{-x}}",
        derivative_formula=r"\sigma(x)\,(1 - \sigma(x)) \le \tfrac14",
        output_range=(0.0, 1.0),
        range_text="(0, 1)",
        used_in="binary-classification output; gates inside LSTM/GRU cells",
        torch="nn.Sigmoid() / torch.sigmoid",
        keras="'sigmoid' / keras.activations.sigmoid",
        initialisation="Xavier (Glorot)",
        gain="sigmoid",
        cost="1 exp, 1 division",
        note="Derivative at most 0.25: each sigmoid layer multiplies a gradient by at most 0.25 "
             "times its weights, so with moderate weights gradients shrink through many sigmoid layers.",
        torch_api=torch("torch.sigmoid", "torch.nn.Sigmoid"),
        keras_api=keras(f"{_KA}.sigmoid", string="sigmoid")),
    Activation(
        name="tanh",
        title="Hyperbolic tangent",
        family="classic",
        function=act.tanh,
        derivative=der.d_tanh,
        formula=r"\tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
        derivative_formula=r"1 - \tanh^2(x)",
        output_range=(-1.0, 1.0),
        range_text="(-1, 1)",
        used_in="zero-centred hidden layers; inside LSTM and GRU cells (the original LSTM used a scaled "
                "tanh); GAN generator output",
        torch="nn.Tanh() / torch.tanh",
        keras="'tanh' / keras.activations.tanh",
        initialisation="Xavier (Glorot)",
        gain="tanh",
        cost="1 tanh",
        torch_api=torch("torch.tanh", "torch.nn.Tanh"),
        keras_api=keras(f"{_KA}.tanh", string="tanh")),
    Activation(
        name="softsign",
        title="Softsign",
        family="classic",
        function=smooth.softsign,
        derivative=d_smooth.d_softsign,
        formula=r"\frac{x}{1 + |x|}",
        derivative_formula=r"\frac{1}{(1 + |x|)^2}",
        output_range=(-1.0, 1.0),
        range_text="(-1, 1)",
        used_in="hidden layers of deep MLPs in Glorot & Bengio's (2010) comparison; a tanh whose tails approach "
                "±1 as 1/x, not exponentially",
        torch="nn.Softsign() / F.softsign",
        keras="'softsign' / keras.activations.softsign",
        initialisation="Xavier (Glorot)",
        gain=None,
        cost="1 absolute value, 1 division",
        torch_api=torch(f"{_F}.softsign", "torch.nn.Softsign"),
        keras_api=keras(f"{_KA}.softsign", string="softsign")),
]
