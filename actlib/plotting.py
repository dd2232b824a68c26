"""The book's figure style and the plot helpers every chapter shares.

Call :func:`use_book_style` once at the top of a chapter. Every figure gets a
title, axis labels, and a legend when it has more than one line.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from ._validation import as_float_array, integer
from .registry import derivative, get

#: One colour per role, so "function" and "derivative" look the same in every chapter.
FUNCTION_COLOR = "#1f77b4"
DERIVATIVE_COLOR = "#d62728"

BOOK_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "image.cmap": "viridis",
    # Deterministic SVG/PNG metadata so re-running a notebook changes nothing.
    "svg.hashsalt": "actbook",
}


#: The widest figure, in inches, that the book's text column shows at full size (at 100 dpi,
#: 760 px of a 784 px column), so that 10-point axis text stays at least 9 points on screen.
MAX_FIGURE_WIDTH = 7.6


def use_book_style() -> None:
    """Apply the book's matplotlib style (call once per notebook).

    In a notebook, figures are also rendered at twice their pixel density ("retina"), so
    they stay sharp on high-DPI screens while keeping their size on the page, and each is
    drawn a second time for a phone's column (:mod:`actlib.phone_figures`).
    """
    mpl.rcParams.update(BOOK_STYLE)
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: nothing to configure
        return
    ipython = get_ipython()
    if ipython is not None:
        set_matplotlib_formats("retina")
        from . import phone_figures

        phone_figures.register(ipython)  # each figure also drawn for a phone (retina too)


def default_grid(low: float = -5.0, high: float = 5.0, num: int = 1001) -> np.ndarray:
    """The x grid the book plots activations on: [-5, 5] with a point at 0."""
    return np.linspace(low, high, num)


def finish(ax, title: str, xlabel: str = "x", ylabel: str = "y", legend: bool | None = None):
    """Give ``ax`` its title and labels; add a legend when it has several labelled lines."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    labelled = [h for h in ax.get_legend_handles_labels()[1] if not h.startswith("_")]
    if legend or (legend is None and len(labelled) > 1):
        ax.legend()
    return ax


def plot_activation(name: str, ax=None, x=None, *, with_derivative: bool = True, **params):
    """Plot activation ``name`` (and its derivative) on ``ax``; returns ``ax``."""
    record = get(name)
    if ax is None:
        _, ax = plt.subplots()
    x = default_grid() if x is None else np.asarray(x)
    ax.plot(x, record.function(x, **params), color=FUNCTION_COLOR, label=f"{record.name}(x)")
    if with_derivative and record.elementwise:
        ax.plot(x, derivative(name, x, **params), color=DERIVATIVE_COLOR, linestyle="--",
                label=f"{record.name}'(x)")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.axvline(0, color="black", linewidth=0.6)
    return finish(ax, record.title, ylabel="value", legend=with_derivative and record.elementwise)


def activation_grid(names, ncols: int = 3, x=None, *, with_derivative: bool = True, figsize=None,
                    shared_legend: bool = False, title: str | None = None):
    """A grid of :func:`plot_activation` panels, one per name; returns the figure.

    ``figsize`` defaults to 4 x 3 inches per panel; pass one at most
    :data:`MAX_FIGURE_WIDTH` wide for a figure that shows at full size in the book.
    ``shared_legend=True`` replaces the panels' legends by one below the grid (f and f'),
    and labels x only on the bottom row; ``title`` is the figure's title.
    """
    names = list(names)
    if not names:
        raise ValueError("names must list at least one activation")
    ncols = integer(ncols, "ncols", minimum=1)
    nrows = -(-len(names) // ncols)
    if figsize is None:
        figsize = (4.0 * ncols, 3.0 * nrows)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False, sharex=shared_legend)
    for ax, name in zip(axes.flat, names, strict=False):
        plot_activation(name, ax=ax, x=x, with_derivative=with_derivative)
        if shared_legend:
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            ax.set_xlabel("x" if ax in axes[-1] else "")
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    if shared_legend:
        handles, _ = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, ["f(x)", "f'(x)"][:len(handles)], loc="lower center", ncol=2)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    else:
        fig.tight_layout()
    return fig


#: Line styles that tell up to four curves apart without colour (print, colour blindness).
LINE_STYLES = ("-", "--", "-.", ":")


def compare_activations(names, x=None, *, params=None, labels=None, figsize=None):
    """Two panels: the activations ``names`` (left) and their derivatives (right).

    Each activation gets its own colour (matplotlib's distinct "tab10" colours) and line
    style. ``params`` maps a name to keyword parameters (``{"leaky_relu": {"alpha": 0.1}}``),
    ``labels`` a name to its legend label (default: the registry's title). ``figsize``
    defaults to :data:`MAX_FIGURE_WIDTH` by 3.4 inches; one legend below both panels names
    the curves. Returns ``(fig, (ax_f, ax_d))``.
    """
    names = list(names)
    params, labels = dict(params or {}), dict(labels or {})
    x = default_grid() if x is None else np.asarray(x)
    fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=figsize or (MAX_FIGURE_WIDTH, 3.4),
                                     layout="constrained")
    colors = plt.get_cmap("tab10").colors
    for i, name in enumerate(names):
        record, kwargs = get(name), params.get(name, {})
        style = {"color": colors[i % len(colors)], "linestyle": LINE_STYLES[i % len(LINE_STYLES)],
                 "label": labels.get(name, record.title)}
        ax_f.plot(x, record.function(x, **kwargs), **style)
        ax_d.plot(x, derivative(name, x, **kwargs), **style)
    for ax in (ax_f, ax_d):
        ax.axhline(0, color="black", linewidth=0.6)
        ax.axvline(0, color="black", linewidth=0.6)
    finish(ax_f, "The functions", ylabel="f(x)", legend=False)
    finish(ax_d, "Their derivatives", ylabel="f'(x)", legend=False)
    # One legend for both panels, below them, so that it covers no data.
    fig.legend(*ax_f.get_legend_handles_labels(), loc="outside lower center",
               ncol=min(len(names), 4))
    return fig, (ax_f, ax_d)


def plot_decision_surface(predict, points, labels, ax=None, *, threshold: float = 0.5,
                          limits=(-0.25, 1.25), resolution: int = 201, title: str = "Decision surface",
                          colorbar: bool = True):
    """Shade a 2-D classifier's output over a square; draw its decision boundary and the labelled points.

    ``predict`` maps an ``(n, 2)`` array of points to ``n`` outputs (a step's 0/1 or a
    sigmoid's probability); the boundary is the contour ``output = threshold``. ``points``
    ``(m, 2)`` are drawn as circles (label 0) and squares (label 1). Returns ``ax``.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 4.8))
    grid = np.linspace(limits[0], limits[1], resolution)
    g1, g2 = np.meshgrid(grid, grid)
    values = np.asarray(predict(np.column_stack([g1.ravel(), g2.ravel()])), dtype=float).reshape(g1.shape)
    low, high = min(values.min(), 0.0), max(values.max(), 1.0)
    shading = ax.contourf(g1, g2, values, levels=np.linspace(low, high, 21), cmap="RdBu_r", alpha=0.75)
    if values.min() < threshold < values.max():  # no boundary (and no matplotlib warning) otherwise
        ax.contour(g1, g2, values, levels=[threshold], colors="black", linewidths=2)
        ax.plot([], [], color="black", label=f"output = {threshold:g}")
    points, labels = np.asarray(points, dtype=float), np.asarray(labels).ravel()
    for value, marker in ((0, "o"), (1, "s")):
        chosen = points[labels == value]
        ax.scatter(chosen[:, 0], chosen[:, 1], marker=marker, s=90, c="white" if value == 0 else "black",
                   edgecolors="black", linewidths=1.5, zorder=3, label=f"target {value}")
    if colorbar:
        ax.figure.colorbar(shading, ax=ax, label="output", fraction=0.046, pad=0.04)
    ax.set_aspect("equal")
    ax.set_xlim(limits)
    ax.set_ylim(limits)
    finish(ax, title, "$x_1$", "$x_2$", legend=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False,
              handletextpad=0.3, columnspacing=1.0)
    return ax


def image_grid(images, title: str, *, ncols: int = 8, ax=None, vmin: float = -1.0, vmax: float = 1.0,
               gap: int = 1):
    """Tile single-channel images, shape (N, H, W) or (N, 1, H, W), into one grey-scale picture on ``ax``.

    Values are shown on [vmin, vmax] (default [-1, 1], a GAN's tanh range: -1 black, 1 white),
    with ``gap`` pixels of white between tiles. CPU tensors work too. Returns ``ax``.
    """
    arr, _ = as_float_array(images, "images")
    if arr.ndim == 4 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 3 or len(arr) == 0:
        raise ValueError(f"images must have shape (N, H, W) or (N, 1, H, W) with N >= 1; got {arr.shape}")
    ncols = integer(ncols, "ncols", minimum=1)
    n, h, w = arr.shape
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    canvas = np.full((nrows * (h + gap) - gap, ncols * (w + gap) - gap), vmax)
    for i, img in enumerate(arr):
        r, c = divmod(i, ncols)
        canvas[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = img
    if ax is None:
        _, ax = plt.subplots(figsize=(0.5 * ncols + 0.5, 0.5 * nrows + 0.7))
    ax.imshow(canvas, cmap="gray", vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax
