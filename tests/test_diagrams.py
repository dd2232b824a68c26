"""actlib.diagrams: the figures are drawn from the arrays they are given, and bad input is refused."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from actlib.diagrams import draw_network, draw_pipeline

W1 = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
W2 = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])


def texts(ax):
    return [t.get_text() for t in ax.texts if t.get_text()]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_every_weight_and_bias_is_labelled_once():
    ax = draw_network([W1, W2], [np.array([0.1, 0.2, 0.3]), np.array([-1.5, 2.0])], activations=["σ", "id"])
    labels = texts(ax)
    for value in [*W1.ravel(), *W2.ravel()]:
        assert f"{value:g}" in labels
    assert labels.count("b = -1.5") == 1 and labels.count("b = 2") == 1
    # 6 + 6 edges, 5 biases, 2 inputs, 3 hidden and 2 output units
    assert len(labels) == 12 + 5 + 2 + 3 + 2


def test_indices_follow_the_row_convention():
    ax = draw_network([2, 3, 2], edge_labels="indices")
    labels = texts(ax)
    # W_k[i, j] connects unit j of layer k-1 to unit i of layer k: layer 1 has w_31 but no w_13
    assert "$w^{(1)}_{31}$" in labels and "$w^{(1)}_{13}$" not in labels
    assert "$w^{(2)}_{23}$" in labels


def _crossings(segments):
    """The points where two of the segments (pairs of end points, in pixels) cross inside both."""
    points = []
    for n, (p, q) in enumerate(segments):
        for r, s in segments[n + 1:]:
            d1, d2 = q - p, s - r
            denominator = d1[0] * d2[1] - d1[1] * d2[0]
            if abs(denominator) < 1e-9:
                continue
            t = ((r - p)[0] * d2[1] - (r - p)[1] * d2[0]) / denominator
            u = ((r - p)[0] * d1[1] - (r - p)[1] * d1[0]) / denominator
            if 0 < t < 1 and 0 < u < 1:
                points.append(p + t * d1)
    return points


@pytest.mark.parametrize("orientation", ["horizontal", "vertical"])
@pytest.mark.parametrize("sizes", [[2, 3, 2, 2], [2, 2, 1], [3, 3, 2]])
def test_no_weight_label_sits_on_a_crossing(sizes, orientation):
    # Review 9 of chapter 4, C1: the middle unit's labels sat at the midpoints of its edges, where
    # the mirror-image edges cross, so a label could be read as the other arrow's. Every label
    # must stay on its own edge, with no crossing and no other label under its box.
    ax = draw_network(sizes, edge_labels="indices", orientation=orientation)
    figure = ax.figure
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    vertical = orientation == "vertical"
    pos = {(k, i): ((i - (n - 1) / 2, -float(k)) if vertical else (float(k), (n - 1) / 2 - i))
           for k, n in enumerate(sizes) for i in range(n)}
    centre = {node: ax.transData.transform(xy) for node, xy in pos.items()}
    edges = [((k - 1, j), (k, i)) for k in range(1, len(sizes)) for i in range(sizes[k]) for j in range(sizes[k - 1])]
    crossings = _crossings([(centre[a], centre[b]) for a, b in edges])
    assert crossings  # every one of these networks has some
    boxes = {}
    for text in ax.texts:
        match = re.fullmatch(r"\$w\^\{\((\d)\)\}_\{(\d)(\d)\}\$", text.get_text())
        if not match:
            continue
        k, i, j = map(int, match.groups())
        boxes[((k - 1, j - 1), (k, i - 1))] = text.get_bbox_patch().get_window_extent(renderer)
    assert sorted(boxes) == sorted(edges)
    for edge, box in boxes.items():
        middle = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
        start, end = centre[edge[0]], centre[edge[1]]
        along = end - start
        off_line = abs(along[0] * (middle - start)[1] - along[1] * (middle - start)[0]) / np.linalg.norm(along)
        assert off_line < 1.0, (edge, off_line)  # on its own edge
        margin = box.padded(3 * figure.dpi / 72)  # no crossing under the box or within 3 points of it
        for point in crossings:
            assert not margin.contains(*point), (edge, point)
        for other, other_box in boxes.items():
            assert other == edge or not box.overlaps(other_box), (edge, other)


def test_pipeline_prints_each_shape():
    ax = draw_pipeline([("noise", (64, 1, 1)), ("block", (128, 4, 4))])
    assert texts(ax) == ["noise", "64 × 1 × 1", "block", "128 × 4 × 4"]


@pytest.mark.parametrize("figsize", [(7.6, 5.0), (4.5, 3.0)])
def test_pipeline_fits_its_labels(figsize):
    # The shape column sits right of the widest box, and both columns stay inside the axes,
    # whatever the labels' lengths (chapter 7 used to widen the x range by hand); in the
    # narrow figure the font shrinks to make them fit.
    _, ax = plt.subplots(figsize=figsize)
    stages = [("noise z", (64, 1, 1)), ("ConvTranspose2d + BatchNorm2d + ReLU", (128, 4, 4)),
              ("ConvTranspose2d", (1, 28, 28)), ("Tanh", (1, 28, 28))]
    draw_pipeline(stages, ax=ax)
    renderer = ax.figure.canvas.get_renderer()
    ax.figure.draw(renderer)
    frame = ax.get_window_extent(renderer)
    labelled = [t for t in ax.texts if t.get_text()]   # the arrows are annotations without text
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in labelled[0::2]]
    shapes = [t.get_window_extent(renderer) for t in labelled[1::2]]
    widest_box_right = max(b.x1 for b in boxes)
    assert all(s.x0 > widest_box_right for s in shapes)
    assert len({round(s.x0, 3) for s in shapes}) == 1  # one column
    for extent in boxes + shapes:
        assert frame.x0 <= extent.x0 and extent.x1 <= frame.x1, (extent, frame)
    assert (labelled[0].get_fontsize() == 10) == (figsize[0] == 7.6)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: draw_network([]), TypeError, "non-empty list"),
    (lambda: draw_network([W1, W1]), ValueError, "takes 2 inputs but layer 1 has 3 units"),
    (lambda: draw_network([np.ones(3)]), ValueError, "2-D array"),
    (lambda: draw_network([W1], [np.ones(2)]), ValueError, r"must have shape \(3,\)"),
    (lambda: draw_network([W1], activations=["σ", "σ"]), ValueError, "one entry per layer"),
    (lambda: draw_network([W1], edge_labels="values"), ValueError, "edge_labels must be one of"),
    (lambda: draw_network([2, 3]), ValueError, "needs weight matrices"),
    (lambda: draw_network([W1], input_names=["a"]), ValueError, "2 labels"),
    (lambda: draw_pipeline("noise"), TypeError, "list of"),
    (lambda: draw_pipeline([("x", (0, 2))]), ValueError, "positive integers"),
])
def test_bad_input_is_refused_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()
