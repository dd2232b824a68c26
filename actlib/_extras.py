"""Optional dependencies: which ``pip install 'actlib[...]'`` extra provides which package.

``pip install actlib`` brings what every self-check and every NumPy chapter needs (NumPy,
SciPy, matplotlib, networkx). The frameworks and the course tooling are *extras*, declared in
``pyproject.toml``:

=============== ============================================= ===========================
extra           packages                                      for
=============== ============================================= ===========================
``torch``       torch                                         ``gradients``, ``depth``, ``torch_tools``
``gan``         torch, tqdm                                   :mod:`actlib.gan`
``keras``       keras, tensorflow                             :mod:`actlib.keras_tools`
``interactive`` plotly, IPython                               :mod:`actlib.interactive`
``course``      nbformat, jupyter_client, ipykernel, Sphinx   :mod:`actlib.course`
``all``         all of the above
=============== ============================================= ===========================

When an ``actlib`` module imports a package of an extra that is not installed, the error
says which extra to install, instead of Python's bare "No module named 'torch'":
:func:`install` puts :class:`MissingExtraFinder` last on ``sys.meta_path``, where the import
system asks it only after every real finder has failed.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder

# Top-level import name -> the extra that installs it.
EXTRA_OF = {
    "torch": "torch",
    "tqdm": "gan",
    "keras": "keras",
    "tensorflow": "keras",
    "plotly": "interactive",
    "IPython": "interactive",
    "nbformat": "course",
    "jupyter_client": "course",
    "jupyter_core": "course",
    "ipykernel": "course",
    "zmq": "course",
    "sphinx": "course",
    "docutils": "course",
    "sphinx_exercise": "course",
    "myst_nb": "course",
    "myst_parser": "course",
    "markdown_it": "course",
    "babel": "course",
    "yaml": "course",
}
# Frames of the import machinery, between an ``import`` statement and a finder.
_IMPORT_MACHINERY = {"importlib", "importlib._bootstrap", "importlib._bootstrap_external"}


def install_hint(package: str) -> str:
    """The command that installs ``package`` (a top-level import name) for actlib.

    Examples
    --------
    >>> install_hint("torch")
    "pip install 'actlib[torch]'"
    >>> install_hint("tensorflow")
    "pip install 'actlib[keras]'"
    >>> install_hint("numpy")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: numpy is not an optional dependency of actlib; the optional ones are: babel, ...
    """
    try:
        return f"pip install 'actlib[{EXTRA_OF[package]}]'"
    except KeyError:
        known = ", ".join(sorted(EXTRA_OF, key=str.lower))
        raise ValueError(f"{package} is not an optional dependency of actlib; the optional ones are: {known}") from None


def missing_message(package: str, importer: str) -> str:
    """What :class:`MissingExtraFinder` says when ``importer`` cannot import ``package``.

    Examples
    --------
    >>> message = missing_message("torch", "actlib.gradients")
    >>> message.split(". ")[0]
    'actlib.gradients needs torch, which is not installed'
    >>> "pip install 'actlib[torch]'" in message
    True
    """
    return (f"{importer} needs {package}, which is not installed. Install actlib's {EXTRA_OF[package]!r} "
            f"extra: {install_hint(package)} (or the book's whole environment: pip install -r requirements.txt).")


def _importer(frame) -> str | None:
    """The module whose ``import`` statement is running: the first frame outside the import machinery."""
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name not in _IMPORT_MACHINERY and not frame.f_code.co_filename.startswith("<frozen importlib"):
            return name
        frame = frame.f_back
    return None


class MissingExtraFinder(MetaPathFinder):
    """Last on ``sys.meta_path``: turns an actlib module's failed import of an extra into a clear error.

    It answers only for a top-level package of :data:`EXTRA_OF` imported by an ``actlib``
    module's own ``import`` statement; for anyone else (``importlib.util.find_spec``, a
    framework probing for an optional package) it finds nothing, as if it were not there.
    """

    def find_spec(self, fullname, path=None, target=None):
        if path is not None or fullname not in EXTRA_OF:
            return None
        importer = _importer(sys._getframe(1))
        if importer is None or importer.split(".")[0] != "actlib":
            return None
        raise ModuleNotFoundError(missing_message(fullname, importer), name=fullname)


def install() -> None:
    """Put one :class:`MissingExtraFinder` last on ``sys.meta_path`` (again: no effect)."""
    if not any(isinstance(finder, MissingExtraFinder) for finder in sys.meta_path):
        sys.meta_path.append(MissingExtraFinder())
