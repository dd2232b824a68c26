"""actlib: the shared code of the book *Activation functions, hands-on*.

* :mod:`actlib.activations` - NumPy reference implementations (one formula each)
* :mod:`actlib.derivatives` - their first derivatives
* :mod:`actlib.registry` - every activation with its facts: ``get``, ``names``, ``derivative``
* :mod:`actlib.plotting` - the book's figure style and plot helpers
* :mod:`actlib.diagrams` - diagrams of networks and layer pipelines, drawn from their weights and shapes
* :mod:`actlib.exercises` - self-checks for the exercises: ``actlib.check(label, answer)``
* :mod:`actlib.datasets` - real MNIST, offline: ``load_mnist()``
* :mod:`actlib.network` - NumPy dense layers and forward passes (chapters 2 and 4)
* :mod:`actlib.gradients` - deep PyTorch MLPs, per-layer gradient norms, dead units (chapter 5)
* :mod:`actlib.frameworks` - quiet, seeded start-up of Keras and PyTorch
* :mod:`actlib.course` - the student edition and the grader (for instructors)
"""

from . import frameworks, network
from .activations import (
    elu,
    gelu,
    identity,
    leaky_relu,
    maxout,
    mish,
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
from .exercises import check
from .registry import Activation, derivative, get, names

__version__ = "0.1.0"


def __getattr__(name: str):
    # Modules that import matplotlib load on first use (``actlib.diagrams.draw_network``),
    # so that ``import actlib`` stays light.
    if name in {"diagrams", "plotting"}:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Activation", "check", "derivative", "diagrams", "frameworks", "get", "names", "network",
    "elu", "gelu", "identity", "leaky_relu", "maxout", "mish", "relu", "selu",
    "sigmoid", "silu", "softmax", "softplus", "step", "swish", "tanh",
]
