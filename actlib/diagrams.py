"""Diagrams of the networks the book computes with, drawn from the very arrays it uses.

* :func:`draw_network` - a fully connected network, one column of units per layer, each
  edge labelled with its weight (or its symbol :math:`w^{(k)}_{ij}`), each unit with its bias;
* :func:`draw_pipeline` - a chain of stages (layers or blocks) with the shape each produces.

The drawing is networkx's (nodes and arrows on matplotlib), so what is written here is
where each unit goes (one column per layer), what to label, and where on its arrow each
weight's label goes: clear of the other arrows and of their crossings wherever the arrow has
such a point (where it has none, the label goes where it is clearest, which may be near a
crossing; :func:`_place_edge_labels`).
Since a chapter passes the arrays it computes with, the figure cannot disagree with the
computation.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from .phone_figures import PHONE_WIDTH as PHONE_DIAGRAM_WIDTH
from .plotting import MAX_FIGURE_WIDTH

EDGE_LABELS = ("weights", "indices", None)
_UNIT_COLOURS = {"input": "#e8eef7", "hidden": "#fdebd3", "output": "#dcefdc"}


def _layer_sizes(weights) -> tuple[list[int], list[np.ndarray | None]]:
    """Layer sizes and weight matrices (None where only a size was given)."""
    if isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence) or len(weights) == 0:
        raise TypeError("weights must be a non-empty list of 2-D arrays W_k of shape (n_out, n_in), "
                        f"or a list of at least two layer sizes; got {type(weights).__name__}")
    if all(isinstance(w, (int, np.integer)) and not isinstance(w, bool) for w in weights):
        sizes = [int(w) for w in weights]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"layer sizes must be at least two positive integers; got {sizes}")
        return sizes, [None] * (len(sizes) - 1)
    matrices = []
    for k, w in enumerate(weights, start=1):
        arr = np.asarray(w, dtype=float)
        if arr.ndim != 2 or 0 in arr.shape:
            raise ValueError(f"weights[{k - 1}] (layer {k}) must be a non-empty 2-D array of shape "
                             f"(n_out, n_in); got shape {arr.shape}")
        if matrices and arr.shape[1] != matrices[-1].shape[0]:
            raise ValueError(f"layer {k} takes {arr.shape[1]} inputs but layer {k - 1} has "
                             f"{matrices[-1].shape[0]} units (W_k has shape (n_out, n_in))")
        matrices.append(arr)
    return [matrices[0].shape[1]] + [m.shape[0] for m in matrices], matrices


def _per_layer(values, count: int, what: str) -> list:
    if values is None:
        return [None] * count
    if isinstance(values, (str, bytes)) or len(values) != count:
        raise ValueError(f"{what} must be a list with one entry per layer after the input ({count}); "
                         f"got {values!r:.60}")
    return list(values)


def _names(names, count: int, default: str, what: str) -> list[str]:
    if names is None:
        return [default.format(i) for i in range(1, count + 1)]
    if isinstance(names, (str, bytes)) or len(names) != count:
        raise ValueError(f"{what} must be a list of {count} labels; got {names!r:.60}")
    return [str(n) for n in names]


def draw_network(weights, biases=None, *, activations=None, input_names=None, output_names=None,
                 edge_labels: str | None = "weights", ax=None, title: str | None = None,
                 fmt: str = "{:g}", orientation: str = "horizontal"):
    r"""Draw a fully connected network and return the matplotlib ``Axes``.

    Layer :math:`k` computes :math:`\mathbf{u}^{(k)} = W^{(k)} \mathbf{z}^{(k-1)} + \mathbf{b}^{(k)}`
    (chapter 4's notation, symbols.md), so unit :math:`i` of layer :math:`k` receives the
    weight :math:`w^{(k)}_{ij} = W^{(k)}[i, j]` from unit :math:`j` of layer :math:`k-1`:
    :math:`W^{(k)}` is stored (out, in), one row per unit, like PyTorch's
    ``nn.Linear.weight``.

    Args:
        weights: the matrices :math:`W^{(1)}, \dots, W^{(L)}`, each of shape ``(n_out, n_in)``;
            or a list of layer sizes such as ``[2, 3, 2, 2]`` to draw the shape only.
        biases: the vectors :math:`\mathbf{b}^{(1)}, \dots, \mathbf{b}^{(L)}` (printed under
            each unit; inside it when ``orientation="vertical"``), or None.
        activations: one label per layer after the input, printed in its units (for
            example ``["σ", "σ"]``); None leaves the units blank.
        input_names, output_names: labels of the input and output units (default
            :math:`x_j` and :math:`y_i`).
        edge_labels: ``"weights"`` (the values, formatted with ``fmt``), ``"indices"``
            (the symbols :math:`w^{(k)}_{ij}`) or None.
        orientation: ``"horizontal"`` (one column per layer, input on the left) or
            ``"vertical"`` (one row per layer, input at the top: the figure drawn for a phone's
            narrow column, see :mod:`actlib.phone_figures`).

    Examples:
        >>> import numpy as np
        >>> ax = draw_network([np.array([[10.0, 10.0], [-10.0, -10.0]]), np.array([[10.0, 10.0]])],
        ...                   [np.array([-5.0, 15.0]), np.array([-15.0])], activations=["σ", "σ"])
        >>> len(ax.texts) > 0
        True
    """
    import networkx as nx

    sizes, matrices = _layer_sizes(weights)
    layers = len(sizes) - 1
    biases = _per_layer(biases, layers, "biases")
    for k, (b, n) in enumerate(zip(biases, sizes[1:], strict=True), start=1):
        if b is not None and np.shape(b) != (n,):
            raise ValueError(f"biases[{k - 1}] (layer {k}) must have shape ({n},); got {np.shape(b)}")
    activations = _per_layer(activations, layers, "activations")
    if edge_labels not in EDGE_LABELS:
        raise ValueError(f"edge_labels must be one of {EDGE_LABELS}; got {edge_labels!r}")
    if orientation not in ("horizontal", "vertical"):
        raise ValueError(f"orientation must be 'horizontal' or 'vertical'; got {orientation!r}")
    if edge_labels == "weights" and matrices[0] is None:
        raise ValueError("edge_labels='weights' needs weight matrices, not layer sizes; "
                         "use edge_labels='indices' or None")
    inputs = _names(input_names, sizes[0], "$x_{}$", "input_names")
    outputs = _names(output_names, sizes[-1], "$y_{}$", "output_names")

    graph = nx.DiGraph()
    for k, n in enumerate(sizes):
        for i in range(n):
                graph.add_node((k, i), layer=k)
    for k, matrix in enumerate(matrices, start=1):
        for i in range(sizes[k]):
            for j in range(sizes[k - 1]):
                label = {"weights": fmt.format(matrix[i, j]) if matrix is not None else "",
                         "indices": f"$w^{{({k})}}_{{{i + 1}{j + 1}}}$", None: ""}[edge_labels]
                graph.add_edge((k - 1, j), (k, i), label=label)
    vertical = orientation == "vertical"
    # One column per layer, unit 1 at the top, each column centred (vertical: one row per
    # layer, input at the top, unit 1 on the left).
    pos = {(k, i): ((i - (n - 1) / 2, -float(k)) if vertical else (float(k), (n - 1) / 2 - i))
           for k, n in enumerate(sizes) for i in range(n)}

    created = ax is None
    if created:
        if vertical:
            figsize = (min(PHONE_DIAGRAM_WIDTH, 1.25 * max(sizes) + 0.4), 1.55 * len(sizes) + 0.3)
        else:
            figsize = (min(MAX_FIGURE_WIDTH, 1.9 * len(sizes) + 0.6), 1.1 * max(sizes) + 1.4)
        _, ax = plt.subplots(figsize=figsize)
    kinds = ["input"] + ["hidden"] * (layers - 1) + ["output"]
    # Upright (a phone's column), each unit prints its bias inside it: beside it, the label came
    # as close to the next unit as to its own (review 7 of chapter 4, C4). The units grow for it.
    inside = vertical and any(b is not None for b in biases)
    node_size = 2300 if inside else 1500
    nx.draw_networkx_edges(graph, pos, ax=ax, node_size=node_size, arrowsize=12, edge_color="#555555",
                           width=1.2)
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=node_size, edgecolors="black", linewidths=1.2,
                           node_color=[_UNIT_COLOURS[kinds[k]] for k, _ in graph.nodes])
    unit_text = {}
    for k, n in enumerate(sizes):
        for i in range(n):
            if k == 0:
                unit_text[(k, i)] = inputs[i]
            elif k == layers:
                unit_text[(k, i)] = f"{outputs[i]}\n{activations[k - 1]}" if activations[k - 1] else outputs[i]
            else:
                unit_text[(k, i)] = activations[k - 1] or ""
            if inside and k > 0 and biases[k - 1] is not None:
                bias = f"b={fmt.format(float(np.asarray(biases[k - 1], dtype=float)[i]))}"
                unit_text[(k, i)] = f"{unit_text[(k, i)]}\n{bias}" if unit_text[(k, i)] else bias
    nx.draw_networkx_labels(graph, pos, labels=unit_text, ax=ax, font_size=10 if inside else 11)
    bias_texts = []
    for k, b in enumerate(biases, start=1):
        if b is None:
            continue
        for i, value in enumerate(np.asarray(b, dtype=float)):
            x, y = pos[(k, i)]
            if vertical:  # (inside the unit: see above)
                continue
            else:
                bias_texts.append(ax.annotate(f"b = {fmt.format(value)}", (x, y), xytext=(0, -29),
                                              textcoords="offset points", ha="center", va="top", fontsize=9))
    if vertical:
        half = (max(sizes) - 1) / 2
        ax.set_xlim(-half - 0.6, half + 0.6)
        ax.set_ylim(-layers - 0.45, 0.45)
    else:  # one column per layer at x = 0 .. L: let the columns fill the figure's width
        ax.set_xlim(-0.3, layers + 0.3)
        ax.margins(y=0.22)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    if created:
        ax.figure.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.9 if title else 0.99)
    if edge_labels is not None:  # (last: where a label may go depends on the figure's final layout)
        _place_edge_labels(ax, graph, pos, sizes, vertical=vertical, node_size=node_size, arrowsize=12,
                           avoid=bias_texts)
    if created:
        if not vertical:  # the phone shows the same network drawn upright
            ax.figure.actbook_phone = functools.partial(
                _phone_network, weights, biases, activations=activations, input_names=input_names,
                output_names=output_names, edge_labels=edge_labels, title=title, fmt=fmt)
    return ax


#: The gap, in points, that an edge label's white box leaves to every other line, unit and
#: arrowhead (where the figure has room for it).
LABEL_CLEARANCE = 3.0
#: The gap, in points, between two labels: wider, so that two labels side by side do not read
#: as one.
LABEL_SPACING = 6.0
#: The gap, in points, between a label and the point where two other edges cross: wider still,
#: so that a label is not read as belonging to the crossing's other arm.
CROSSING_CLEARANCE = 9.0


def _place_edge_labels(ax, graph, pos, sizes, *, vertical, node_size, arrowsize, avoid=()):
    """Write each edge's label on its edge, at a point where it covers no other edge, unit,
    arrowhead or label.

    The labels of edges leaving different units of a layer are first tried at different
    distances along their edges (unit 1's nearest its source), so that crossing edges do not get
    their labels side by side. But two mirror-image edges cross at their midpoints, so a label
    at the midpoint hides a crossing and may be read as the other edge's (review 9 of chapter 4,
    C1). Each label therefore moves along its edge, as little as it must, until it keeps
    :data:`LABEL_CLEARANCE` from every other line, unit and arrowhead, :data:`CROSSING_CLEARANCE`
    from every crossing and :data:`LABEL_SPACING` from the other labels (and ``avoid``'s texts);
    where no such point exists, it goes where it is clearest. Distances are measured on the
    figure as laid out (in pixels), so this is the last step of :func:`draw_network`.
    """
    figure = ax.figure
    renderer = figure.canvas.get_renderer()
    ax.get_xlim(), ax.get_ylim()  # (brings the autoscaled limits up to date before they are used)
    to_pixels = ax.transData.transform
    points_to_pixels = figure.dpi / 72.0
    radius = np.sqrt(node_size) / 2 * points_to_pixels  # networkx's node_size is the marker's area in pt²
    centre = {node: to_pixels(xy) for node, xy in pos.items()}
    # The drawn part of each edge: from the rim of its source unit to the rim of its target.
    segments = {}
    for a, b in graph.edges:
        start, end = centre[a], centre[b]
        direction = (end - start) / np.linalg.norm(end - start)
        segments[(a, b)] = (start + radius * direction, end - radius * direction, direction)
    along = np.linspace(0.0, 1.0, 121)[:, None]
    line_points = {e: start + along * (end - start) for e, (start, end, _) in segments.items()}
    angles = np.linspace(0.0, 2 * np.pi, 48, endpoint=False)
    rim = np.column_stack([np.cos(angles), np.sin(angles)]) * radius
    fixed = [c + rim for c in centre.values()]  # the units' outlines
    head_length, head_half_width = 0.6 * arrowsize * points_to_pixels, 0.3 * arrowsize * points_to_pixels
    for _, end, direction in segments.values():  # each arrowhead, as its tip, base corners and middle
        normal = np.array([-direction[1], direction[0]])
        base = end - head_length * direction
        fixed.append(np.array([end, base, base + head_half_width * normal, base - head_half_width * normal,
                               end - head_length / 2 * direction]))
    fixed = np.concatenate(fixed)
    crossings = []
    edges = list(segments)
    for n, first in enumerate(edges):
        p, p_end, _ = segments[first]
        for second in edges[n + 1:]:
            q, q_end, _ = segments[second]
            d1, d2 = p_end - p, q_end - q
            across = d1[0] * d2[1] - d1[1] * d2[0]
            if abs(across) < 1e-9:  # parallel
                continue
            t = ((q - p)[0] * d2[1] - (q - p)[1] * d2[0]) / across
            u = ((q - p)[0] * d1[1] - (q - p)[1] * d1[0]) / across
            if 0 < t < 1 and 0 < u < 1:
                crossings.append(p + t * d1)
    crossings = np.array(crossings).reshape(-1, 2)
    placed = []  # (centre, half size) of each box a label must not touch, in pixels
    for text in avoid:
        box = text.get_window_extent(renderer)
        placed.append((np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2]),
                       np.array([box.width / 2, box.height / 2])))
    font_size = 10 if vertical else 9
    pad = 0.15 * font_size * points_to_pixels  # the white box's pad (boxstyle "round,pad=0.15")
    line_gap, label_gap = LABEL_CLEARANCE * points_to_pixels, LABEL_SPACING * points_to_pixels
    crossing_gap = CROSSING_CLEARANCE * points_to_pixels
    candidates = np.linspace(0.06, 0.94, 89)
    for (k, j), _ in graph.nodes.items():
        spread = j / (sizes[k] - 1) if sizes[k] > 1 else 0.0
        # (upright, the first choice stays in the first two thirds of each edge, clear of the arrowheads)
        preferred = 0.25 + 0.37 * spread if vertical else 0.25 + 0.5 * spread
        for edge in graph.out_edges((k, j)):
            start, end, _ = segments[edge]
            text = ax.text(0.0, 0.0, graph.edges[edge]["label"], ha="center", va="center",
                           fontsize=font_size, zorder=1.5,
                           bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9})
            extent = text.get_window_extent(renderer)
            half = np.array([extent.width / 2 + pad, extent.height / 2 + pad])
            others = np.concatenate([fixed] + [line_points[e] for e in segments if e != edge])
            clearance = []
            for t in candidates:
                where = start + t * (end - start)
                # How far outside the box a point is: the larger of |dx| - half width and
                # |dy| - half height (negative inside), as a fraction of the gap it should keep.
                nearest = np.min(np.max(np.abs(others - where) - half, axis=1)) / line_gap
                if len(crossings):
                    nearest = min(nearest, np.min(np.max(np.abs(crossings - where) - half, axis=1)) / crossing_gap)
                for other, other_half in placed:
                    nearest = min(nearest, np.max(np.abs(other - where) - half - other_half) / label_gap)
                clearance.append(nearest)
            clearance = np.array(clearance)
            clear = clearance >= 1.0
            if clear.any():
                best = candidates[clear][np.argmin(np.abs(candidates[clear] - preferred))]
            else:
                best = candidates[np.argmax(clearance)]
            where = start + best * (end - start)
            text.set_position(ax.transData.inverted().transform(where))
            placed.append((where, half))


def _phone_network(*args, **kwargs):
    """The figure of :func:`draw_network` drawn upright, for a phone (see :mod:`actlib.phone_figures`)."""
    return draw_network(*args, orientation="vertical", **kwargs).figure


def draw_pipeline(stages, *, ax=None, title: str | None = None):
    """Draw a chain of stages, each a box with its name and the shape it outputs; return the ``Axes``.

    Args:
        stages: a list of ``(label, shape)`` pairs in order, for example
            ``[("noise", (64, 1, 1)), ("ConvTranspose2d + BN + ReLU", (128, 4, 4))]``; a
            label may hold line breaks.

    Examples:
        >>> ax = draw_pipeline([("noise z", (64, 1, 1)), ("block 1", (128, 4, 4))])
        >>> [t.get_text() for t in ax.texts][:2]
        ['noise z', '64 × 1 × 1']
    """
    if isinstance(stages, (str, bytes)) or not isinstance(stages, Sequence) or len(stages) == 0:
        raise TypeError(f"stages must be a non-empty list of (label, shape) pairs; got {type(stages).__name__}")
    rows = []
    for i, stage in enumerate(stages):
        if not isinstance(stage, Sequence) or isinstance(stage, (str, bytes)) or len(stage) != 2:
            raise ValueError(f"stages[{i}] must be a (label, shape) pair; got {stage!r:.60}")
        label, shape = stage
        shape = tuple(shape)
        if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0 for s in shape):
            raise ValueError(f"stages[{i}]'s shape must be positive integers; got {shape}")
        rows.append((str(label), " × ".join(str(int(s)) for s in shape)))

    created = ax is None
    if created:
        _, ax = plt.subplots(figsize=(MAX_FIGURE_WIDTH, 0.75 * len(rows) + 0.4))
        ax.figure.actbook_phone = functools.partial(_phone_pipeline, rows, title)
    # Top to bottom, so that any number of stages fits the column's width. The boxes are centred
    # on x = 0 and the shapes form a column to their right; where that column goes, and how wide
    # the x range is, follow from the rendered widths of the labels (see _fit_pipeline_columns).
    boxes, shapes = [], []
    for i, (label, shape) in enumerate(rows):
        y = -i
        boxes.append(ax.text(0.0, y, label, ha="center", va="center", fontsize=10,
                             bbox={"boxstyle": "round,pad=0.4", "fc": "#e8eef7", "ec": "black"}))
        shapes.append(ax.text(0.0, y, shape, ha="left", va="center", fontsize=10, family="monospace"))
        if i:
            ax.annotate("", xy=(0.0, y + 0.28), xytext=(0.0, y + 0.72),
                        arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 1.2})
    ax.set_ylim(-len(rows) + 0.5, 0.5)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    _fit_pipeline_columns(ax, boxes, shapes)
    return ax


def _fit_pipeline_columns(ax, boxes, shapes, *, gap_points: float = 14.0, margin_points: float = 6.0):
    """Put the shape column ``gap_points`` right of the widest box and fit the x range to both.

    Text is sized in points, not in data units, so the widths are measured on the rendered
    figure (in pixels) and turned into data units with the axes' own width: the drawing
    then fits whatever the labels say, at any figure width. If the two columns are wider
    than the axes, the font shrinks (down to 7 points) until they fit.
    """
    figure = ax.figure
    renderer = figure.canvas.get_renderer()
    pixels_per_point = figure.dpi / 72.0
    axes_width = ax.get_window_extent(renderer).width
    gap, margin = gap_points * pixels_per_point, margin_points * pixels_per_point
    for _ in range(4):
        figure.draw_without_rendering()   # lays out the text and sizes the boxes around it
        box_width = max(t.get_bbox_patch().get_window_extent(renderer).width for t in boxes)
        shape_width = max(t.get_window_extent(renderer).width for t in shapes)
        needed = box_width + gap + shape_width + 2 * margin
        size = boxes[0].get_fontsize()
        if needed <= axes_width or size <= 7:
            break
        for t in (*boxes, *shapes):
            t.set_fontsize(max(7.0, size * axes_width / needed))
    # In pixel units with the box column centred on 0: [-box/2 - margin, box/2 + gap + shape + margin];
    # centre that span in the axes, which then shows axes_width pixels, one data unit per pixel.
    left, right = -box_width / 2 - margin, box_width / 2 + gap + shape_width + margin
    centre, half = (left + right) / 2, max(axes_width, right - left) / 2
    for t in shapes:
        t.set_x(box_width / 2 + gap)
    ax.set_xlim(centre - half, centre + half)


def _phone_pipeline(rows, title):
    """The pipeline of :func:`draw_pipeline` for a phone: each box holds its label and, under it,
    its shape, in one column (see :mod:`actlib.phone_figures`)."""
    fig, ax = plt.subplots(figsize=(PHONE_DIAGRAM_WIDTH, 1.05 * len(rows) + 0.5))
    for i, (label, shape) in enumerate(rows):
        y = -1.3 * i
        ax.text(0.0, y, f"{label}\n{shape}", ha="center", va="center", fontsize=10, linespacing=1.4,
                bbox={"boxstyle": "round,pad=0.4", "fc": "#e8eef7", "ec": "black"})
        if i:
            ax.annotate("", xy=(0.0, y + 0.42), xytext=(0.0, y + 0.88),
                        arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 1.2})
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1.3 * (len(rows) - 1) - 0.6, 0.6)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig
