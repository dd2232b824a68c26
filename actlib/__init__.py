"""actlib: the shared code of the book *Activation functions, hands-on*.

* :mod:`actlib.activations` - NumPy reference implementations (one formula each) of the chapters'
  activations; beside it, the rest of PyTorch's and Keras's by family:
  :mod:`actlib.activations_piecewise` (ReLU6, hard tanh/sigmoid/swish, thresholds, shrinkage,
  sparse plus/sigmoid, RReLU), :mod:`actlib.activations_smooth` (CELU, log-sigmoid, softsign,
  tanhshrink, exponential, squareplus), :mod:`actlib.activations_vector` (softmin, log-softmax,
  sparsemax) and :mod:`actlib.gated` (GLU, SwiGLU, GEGLU, ReGLU)
* :mod:`actlib.derivatives` - their first derivatives (:mod:`actlib.derivatives_piecewise`,
  :mod:`actlib.derivatives_smooth`), and :mod:`actlib.derivatives_vector` the Jacobian-vector
  products of the ones that act on a whole axis
* :mod:`actlib.registry` - every activation with its facts and its PyTorch and Keras counterparts:
  ``get``, ``names``, ``derivative``, ``jvp``
* :mod:`actlib.losses` - log-sum-exp, log-softmax, the cross-entropies and the softmax Jacobian
* :mod:`actlib.plotting` - the book's figure style and plot helpers
* :mod:`actlib.diagrams` - diagrams of networks and layer pipelines, drawn from their weights and shapes
* :mod:`actlib.exercises` - self-checks for the exercises: ``actlib.check(label, answer)``
* :mod:`actlib.datasets` - real MNIST, offline: ``load_mnist()``
* :mod:`actlib.network` - NumPy dense layers and forward passes (chapters 2 and 4)
* :mod:`actlib.approximation` - one-hidden-layer fits and counting linear pieces (chapter 2)
* :mod:`actlib.gradients` - deep PyTorch MLPs, per-layer gradient norms, dead units (chapter 5)
* :mod:`actlib.depth` - deep MLPs with batch norm or residual connections, per-layer signals, training (chapter 5)
* :mod:`actlib.keras_tools`, :mod:`actlib.torch_tools` - the two frameworks' MNIST models and training
* :mod:`actlib.gan` - the DCGAN of chapter 7: blocks, losses, training, the sample score
* :mod:`actlib.interactive` - the book's interactive figures (Plotly), drawn from actlib's values
* :mod:`actlib.frameworks` - framework start-up in one place: quiet, seeded, one CPU thread
* :mod:`actlib.course` - the student edition, the grader and the book's Sphinx extension, for
  instructors: ``import actlib`` does not load it, and the student edition does not ship it

``pip install actlib`` needs only NumPy, SciPy, matplotlib and networkx; modules that need PyTorch,
Keras, Plotly or the course tooling say which extra to install (``pip install 'actlib[torch]'``,
see :mod:`actlib._extras`).

Examples
--------
>>> import actlib
>>> actlib.relu([-2.0, 0.5])
array([0. , 0.5])
"""

from . import _extras, approximation, frameworks, losses, network
from .activations import (
    elu,
    gelu,
    identity,
    leaky_relu,
    maxout,
    mish,
    prelu,
    relu,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    step,
    swish,
    tanh,
)
from .activations_piecewise import (
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    relu6,
    rrelu,
    softshrink,
    sparse_plus,
    sparse_sigmoid,
    threshold,
)
from .activations_smooth import celu, exponential, logsigmoid, softsign, squareplus, tanhshrink
from .activations_vector import log_softmax, softmin, sparsemax
from .derivatives import prelu_slope_derivative
from .exercises import check
from .gated import geglu, glu, reglu, swiglu
from .registry import Activation, derivative, get, jvp, names

frameworks.start()  # before PyTorch or TensorFlow loads: see actlib.frameworks
_extras.install()  # a missing extra's import error names the extra

__version__ = "0.1.0"  # the one place: pyproject.toml reads it (tool.setuptools.dynamic)


def __getattr__(name: str):
    # Modules that import matplotlib load on first use (``actlib.diagrams.draw_network``),
    # so that ``import actlib`` stays light.
    if name in {"diagrams", "plotting"}:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Activation", "approximation", "check", "derivative", "diagrams", "frameworks", "get", "jvp", "losses", "names",
    "network",
    "elu", "gelu", "identity", "leaky_relu", "maxout", "mish", "prelu",
    "prelu_slope_derivative", "relu", "selu",
    "sigmoid", "silu", "softmax", "softplus", "step", "swish", "tanh",
    "celu", "exponential", "geglu", "glu", "hardshrink", "hardsigmoid", "hardswish", "hardtanh", "log_softmax",
    "logsigmoid", "reglu", "relu6", "rrelu", "softmin", "softshrink", "softsign", "sparse_plus", "sparse_sigmoid",
    "sparsemax", "squareplus", "swiglu", "tanhshrink", "threshold",
]
