"""Phone versions of the book's figures: the same figure, redrawn for a phone's column.

A figure drawn for the desktop column (up to :data:`actlib.plotting.MAX_FIGURE_WIDTH` inches) is
shown on a 390 px phone about :data:`PHONE_COLUMN_PX` CSS px wide, so its 10-point text would come
out at 5-6 CSS px. :func:`actlib.plotting.use_book_style` therefore makes :func:`png_with_phone_version`
the notebook's PNG formatter: each figure's output carries, besides the desktop PNG, a second PNG
of the same figure redrawn for the phone (in the output's metadata, key ``actbook``), by the
figure's own phone drawing where it has one (:data:`REDRAW_ATTRIBUTE`), otherwise with

* panels laid out in one column, in reading order (a row of three panels becomes a stack);
* :data:`PHONE_WIDTH` inches wide, each panel about as tall as it was wide on the desktop;
* no text smaller than :data:`PHONE_MIN_POINTS` points.

The book's myst-nb plugin (:mod:`actlib.course.phone_render`) shows the phone PNG on narrow
screens and the desktop PNG elsewhere. The metadata also records the smallest text of each
version in points, so that the browser test can check what a reader sees.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, axes = plt.subplots(1, 3, figsize=(7.5, 2.5))
>>> with phone_layout(fig):
...     float(fig.get_size_inches()[0]) == PHONE_WIDTH, len({ax.get_subplotspec().colspan.start for ax in fig.axes})
(True, 1)
>>> [float(size) for size in fig.get_size_inches()]  # put back
[7.5, 2.5]
>>> plt.close("all")
"""

from __future__ import annotations

import base64
import contextlib
import io
import textwrap

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.gridspec import GridSpec
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.text import Text

#: Width of a phone figure, in inches (at 100 dpi, 400 CSS px before the column scales it).
PHONE_WIDTH = 4.0
#: The smallest text of a phone figure, in points.
PHONE_MIN_POINTS = 10.0
#: The text column of the book on a 390 px wide phone, in CSS px (the browser test measures it).
PHONE_COLUMN_PX = 318
#: Height of one stacked panel, in inches, between these bounds.
PANEL_HEIGHT = (2.2, 3.4)
#: A one-panel figure's legend with this many entries or more goes under the panel on a phone.
LEGEND_BELOW = 3
#: The key of the phone version in a figure output's ``image/png`` metadata.
METADATA_KEY = "actbook"
#: A figure may carry, under this attribute, a function that draws its phone version as a new
#: figure (:func:`actlib.diagrams.draw_network` draws the network upright); otherwise the
#: figure itself is laid out again (:func:`phone_layout`).
REDRAW_ATTRIBUTE = "actbook_phone"


def _visible_texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def min_text_points(fig: Figure) -> float:
    """The size, in points, of the smallest visible text of ``fig`` (``inf`` if it has none)."""
    if not isinstance(fig, Figure):
        raise TypeError(f"expected a matplotlib Figure; got {type(fig).__name__}")
    return min((float(t.get_fontsize()) for t in _visible_texts(fig)), default=float("inf"))


def _main_axes(fig: Figure) -> list:
    """The axes laid out on a grid (not colour bars, insets or twins), in reading order."""
    gridded = [ax for ax in fig.axes if ax.get_subplotspec() is not None
               and not hasattr(ax, "_colorbar") and ax.get_label() != "<colorbar>"]
    shared_spots = {}
    for ax in gridded:  # twinx/twiny axes share their parent's place: keep the first
        spec = ax.get_subplotspec()
        shared_spots.setdefault((id(spec.get_gridspec()), spec.rowspan.start, spec.colspan.start), ax)
    first = list(shared_spots.values())
    return sorted(first, key=lambda ax: (ax.get_subplotspec().rowspan.start, ax.get_subplotspec().colspan.start))


def _restack(fig: Figure) -> int:
    """Put the panels of a one-grid figure in one column; return the number of panels stacked."""
    main = _main_axes(fig)
    grids = {id(ax.get_subplotspec().get_gridspec()) for ax in main}
    if len(main) < 2 or len(grids) != 1:
        return max(len(main), 1)
    if max(ax.get_subplotspec().colspan.stop for ax in main) == 1:
        return len(main)  # already one column
    if any(ax.get_subplotspec().colspan.stop - ax.get_subplotspec().colspan.start > 1
           or ax.get_subplotspec().rowspan.stop - ax.get_subplotspec().rowspan.start > 1 for ax in main):
        return len(main)  # panels that span cells: keep the layout
    shared_label = next((ax.get_ylabel() for ax in main if ax.get_ylabel()), "")
    for ax in main:  # each panel stands alone in the stack: its own tick labels and y label
        ax.tick_params(labelleft=True, labelbottom=True)
        if not ax.get_ylabel() and ax.get_shared_y_axes().get_siblings(ax) != [ax]:
            ax.set_ylabel(shared_label)
    column = GridSpec(len(main), 1, figure=fig)
    twins = [ax for ax in fig.axes if ax not in main and ax.get_subplotspec() is not None
             and not hasattr(ax, "_colorbar")]
    for row, ax in enumerate(main):
        old = ax.get_subplotspec()
        for twin in twins:
            spec = twin.get_subplotspec()
            if (spec.get_gridspec() is old.get_gridspec() and spec.rowspan == old.rowspan
                    and spec.colspan == old.colspan):
                twin.set_subplotspec(column[row, 0])
        ax.set_subplotspec(column[row, 0])
    return len(main)


@contextlib.contextmanager
def phone_layout(fig: Figure):
    """Lay ``fig`` out for a phone's column inside the ``with`` block, and put it back after.

    The figure is changed in place (networkx's edge labels, for one, cannot be copied), and
    its size, layout, panel places and text sizes are restored on leaving the block.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"expected a matplotlib Figure; got {type(fig).__name__}")
    size, engine = fig.get_size_inches().copy(), fig.get_layout_engine()
    params = {k: getattr(fig.subplotpars, k) for k in ("left", "right", "bottom", "top", "wspace", "hspace")}
    specs = [(ax, ax.get_subplotspec()) for ax in fig.axes]
    positions = [(ax, ax.get_position(original=True)) for ax in fig.axes]
    texts = [(text, text.get_fontsize()) for text in _visible_texts(fig)]
    ticks = [(ax, name, axis.get_ticklabels()[0].get_fontsize())
             for ax in fig.axes for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)) if axis.get_ticklabels()]
    shown = [(ax, ax.xaxis._major_tick_kw.get("label1On", True), ax.yaxis._major_tick_kw.get("label1On", True))
             for ax in fig.axes]
    titles = [(ax.title, ax.title.get_text()) for ax in fig.axes]
    ylabels = [(ax, ax.get_ylabel()) for ax in fig.axes]
    legends = [(ax, ax.get_legend()) for ax in fig.axes]
    figure_legends = list(fig.legends)
    try:
        _apply_phone_layout(fig)
        yield fig
    finally:
        for ax, legend in legends:
            ax.legend_ = legend
        fig.legends[:] = figure_legends
        fig.set_size_inches(size)
        if engine is None or engine.adjust_compatible:  # (a constrained layout has no subplot params)
            fig.set_layout_engine("none")
            fig.subplots_adjust(**params)
        for ax, spec in specs:
            if spec is not None:
                ax.set_subplotspec(spec)
        for ax, position in positions:
            ax._set_position(position)
        for text, fontsize in texts:
            text.set_fontsize(fontsize)
        for ax, name, labelsize in ticks:
            ax.tick_params(axis=name, labelsize=labelsize)
        for ax, bottom, left in shown:
            ax.tick_params(labelbottom=bottom, labelleft=left)
        for title, text in titles:
            title.set_text(text)
        for ax, label in ylabels:
            ax.set_ylabel(label)
        fig.set_layout_engine(engine if engine is not None else "none")


def _apply_phone_layout(fig: Figure) -> None:
    width, height = fig.get_size_inches()
    main = _main_axes(fig)
    columns = max((ax.get_subplotspec().colspan.stop for ax in main), default=1)
    rows = max((ax.get_subplotspec().rowspan.stop for ax in main), default=1)
    panels = _restack(fig)
    stacked = columns > 1 and panels > 1 and len({ax.get_subplotspec().colspan.start for ax in _main_axes(fig)}) == 1
    low, high = PANEL_HEIGHT
    if stacked or rows > 1:
        panel_aspect = (height / rows) / (width / columns)  # a panel's height over its width
        new_height = min(max(PHONE_WIDTH * panel_aspect, low), high) * (panels if stacked else rows)
    else:
        new_height = min(max(PHONE_WIDTH * height / width, low), 1.5 * high)
    fig.set_size_inches(PHONE_WIDTH, new_height)
    for text in _visible_texts(fig):
        if text.get_fontsize() < PHONE_MIN_POINTS:
            text.set_fontsize(PHONE_MIN_POINTS)
    for ax in fig.axes:  # a title wider than the phone's column goes on two lines or more
        _wrap(ax.title)
    for ax in fig.axes:  # tick labels are made anew at each draw: set them on the axis
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            sizes = [label.get_fontsize() for label in axis.get_ticklabels()]
            if sizes and min(sizes) < PHONE_MIN_POINTS:
                ax.tick_params(axis=name, labelsize=PHONE_MIN_POINTS)
    legend_height = _legend_below(fig) if len(_main_axes(fig)) == 1 else _narrow_figure_legends(fig)
    engine = fig.get_layout_engine()
    if legend_height:  # the panels above the legend
        fig.set_size_inches(PHONE_WIDTH, new_height + legend_height)
        fig.set_layout_engine("tight", rect=(0, legend_height / (new_height + legend_height), 1, 1))
        _hang_legends_under_panels(fig)
    elif engine is None or isinstance(engine, PlaceHolderLayoutEngine):  # (fig.tight_layout() leaves one)
        fig.set_layout_engine("tight")


def _wrap(text: Text) -> None:
    """Break ``text`` into lines that fit the phone figure's width (about 0.55 em a character)."""
    content = text.get_text()
    if not content or "$" in content:  # (never break inside mathematics)
        return
    fits = int(0.85 * PHONE_WIDTH * 72 / (0.55 * text.get_fontsize()))
    lines = [textwrap.fill(line, fits) if len(line) > fits else line for line in content.split("\n")]
    text.set_text("\n".join(lines))


def _legend_rows_height(entries: int, columns: int) -> float:
    """Inches a legend of ``entries`` in ``columns`` takes at the phone's text size."""
    return 0.2 + -(-entries // columns) * 1.7 * PHONE_MIN_POINTS / 72  # rows 1.5 em apart, and pads


def _narrow_figure_legends(fig: Figure) -> float:
    """Give the figure's own legends (``fig.legend``) at most two columns; the height they need."""
    height = 0.0
    for legend in list(fig.legends):
        labels = [text.get_text() for text in legend.get_texts()]
        columns = min(legend._ncols, 2 if sum(len(label) for label in labels) > 36 else 3)
        fig.legends.remove(legend)  # (put back on leaving phone_layout)
        fig.legend(legend.legend_handles, labels, loc="lower center", ncol=columns, frameon=False,
                   fontsize=max(PHONE_MIN_POINTS, legend.get_texts()[0].get_fontsize()))
        height += _legend_rows_height(len(labels), columns)
    return height


def _hang_legends_under_panels(fig: Figure) -> None:
    """Hang the figure's legends right under its panels, one under the other.

    A legend at the figure's foot left a blank band above it when a panel of fixed aspect (an
    equal-axes map) came out shorter than the room the layout gave it (review 6 of chapters 1-2,
    finding 2: a third of such a phone figure was blank). The layout is drawn once and then
    kept; the blank under the last legend is cut when the PNG is saved (``bbox_inches="tight"``).
    """
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    top = min(ax.get_tightbbox(renderer).y0 for ax in fig.axes if ax.get_visible())
    fig.set_layout_engine("none")  # (the panels stay where the layout just put them)
    for legend in fig.legends:
        legend.set_loc("upper center")
        legend.set_bbox_to_anchor((0.5, top / fig.bbox.height), transform=fig.transFigure)
        top -= legend.get_window_extent(renderer).height


def _legend_below(fig: Figure) -> float:
    """Move a one-panel figure's long legend (LEGEND_BELOW entries or more) under the panel.

    On a phone's short panel such a legend covers the curves. Returns the height (inches)
    it needs below the panel, or 0 if the figure keeps its legend where it was.
    """
    (ax,) = _main_axes(fig)
    legend = ax.get_legend()
    if legend is None or len(legend.get_texts()) < LEGEND_BELOW:
        return 0.0
    handles, labels = legend.legend_handles, [text.get_text() for text in legend.get_texts()]
    ax.legend_ = None
    columns = 2 if max(len(label) for label in labels) <= 18 else 1
    fig.legend(handles, labels, loc="lower center", ncol=columns, frameon=False,
               fontsize=max(PHONE_MIN_POINTS, legend.get_texts()[0].get_fontsize()))
    return _legend_rows_height(len(labels), columns)


def _png(fig: Figure, dpi: float) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight",
                facecolor=fig.get_facecolor(), edgecolor=fig.get_edgecolor())
    return buffer.getvalue()


def _size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def png_with_phone_version(fig: Figure):
    """The notebook's PNG of ``fig`` (pixel-doubled) and its metadata, with the phone version.

    Returns ``(png_bytes, metadata)`` as IPython's formatters may: ``metadata`` holds the
    desktop PNG's ``width`` and ``height`` in CSS px and, under :data:`METADATA_KEY`, the phone
    PNG (base64), its size in CSS px, and the smallest text of each version in points.
    Returns ``None`` for an empty figure, as IPython's own formatter does.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"expected a matplotlib Figure; got {type(fig).__name__}")
    if not fig.axes and not fig.lines:
        return None
    dpi = 2 * fig.dpi  # "retina": sharp on high-density screens, same size on the page
    desktop = _png(fig, dpi)
    desktop_min = min_text_points(fig)
    redraw = getattr(fig, REDRAW_ATTRIBUTE, None)
    if redraw is not None:  # a figure that knows how to draw itself for a phone
        phone_fig = redraw()
        try:
            phone = _png(phone_fig, dpi)
            phone_min = min_text_points(phone_fig)
        finally:
            plt.close(phone_fig)
    else:
        with phone_layout(fig):
            phone = _png(fig, dpi)
            phone_min = min_text_points(fig)
    (w, h), (pw, ph) = _size(desktop), _size(phone)
    return desktop, {
        "width": w // 2, "height": h // 2,
        METADATA_KEY: {
            "phone_png": base64.b64encode(phone).decode("ascii"),
            "phone_width": pw // 2, "phone_height": ph // 2,
            "min_text_pt": desktop_min, "phone_min_text_pt": phone_min,
        },
    }


def register(ipython) -> None:
    """Make :func:`png_with_phone_version` the PNG formatter of ``ipython``'s figures."""
    formatter = ipython.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, png_with_phone_version)
