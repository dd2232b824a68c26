"""Figures drawn again for a phone (actlib.phone_figures) and shown by the book (actlib.course.phone_render)."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import PIL.Image  # noqa: E402
import pytest  # noqa: E402
from docutils import nodes  # noqa: E402

from actlib import phone_figures as pf  # noqa: E402
from actlib.course import phone_render  # noqa: E402
from actlib.diagrams import draw_network  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _three_panels():
    fig, axes = plt.subplots(1, 3, figsize=(7.5, 2.5))
    for k, ax in enumerate(axes):
        ax.plot([0, 1], [0, k])
        ax.set_title(f"panel {k}", fontsize=8)
        ax.tick_params(labelsize=7)
    return fig


def test_panels_are_stacked_enlarged_and_put_back():
    fig = _three_panels()
    before = fig.get_size_inches().copy()
    with pf.phone_layout(fig):
        assert fig.get_size_inches()[0] == pf.PHONE_WIDTH
        assert [ax.get_subplotspec().rowspan.start for ax in fig.axes] == [0, 1, 2]
        assert {ax.get_subplotspec().colspan.start for ax in fig.axes} == {0}
        fig.canvas.draw()
        assert pf.min_text_points(fig) >= pf.PHONE_MIN_POINTS
    np.testing.assert_array_equal(fig.get_size_inches(), before)
    assert [ax.get_subplotspec().colspan.start for ax in fig.axes] == [0, 1, 2]
    fig.canvas.draw()
    assert pf.min_text_points(fig) == 7


def test_the_desktop_png_is_the_same_before_and_after_the_phone_version():
    fig = _three_panels()
    first, metadata = pf.png_with_phone_version(fig)
    again, _ = pf.png_with_phone_version(fig)
    assert first == again
    phone = metadata[pf.METADATA_KEY]
    assert phone["min_text_pt"] == 7 and phone["phone_min_text_pt"] >= pf.PHONE_MIN_POINTS
    png = base64.b64decode(phone["phone_png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert phone["phone_height"] > 2 * phone["phone_width"]  # three panels stacked
    assert metadata["width"] > phone["phone_width"]


def test_a_long_legend_goes_under_a_single_panel():
    fig, ax = plt.subplots()
    for k in range(5):
        ax.plot([0, 1], [0, k], label=f"line {k}")
    ax.legend()
    with pf.phone_layout(fig):
        assert ax.get_legend() is None and len(fig.legends) == 1
    assert ax.get_legend() is not None and not fig.legends


def test_a_legend_under_an_equal_aspect_panel_leaves_no_blank_band():
    """Review 6 of chapters 1-2, finding 2: the legend sat at the figure's foot, a third of the
    phone figure below an equal-aspect map blank."""
    fig, ax = plt.subplots(figsize=(5.6, 4.6))  # chapter 1's figure of the perceptron rule
    for k in range(3):
        ax.scatter([0, 1], [k / 3, 1 - k / 3], label=f"points {k}")
    fig.colorbar(plt.cm.ScalarMappable(), ax=ax, label="colour", fraction=0.046, pad=0.04)
    ax.set(xlim=(-0.25, 1.25), ylim=(-0.25, 1.25), aspect="equal")
    ax.legend()
    _, metadata = pf.png_with_phone_version(fig)
    png = base64.b64decode(metadata[pf.METADATA_KEY]["phone_png"])
    rows = np.asarray(PIL.Image.open(io.BytesIO(png)).convert("L")).min(axis=1)  # darkest pixel of a row
    blank = longest = 0
    for darkest in rows:
        blank = blank + 1 if darkest > 250 else 0
        longest = max(longest, blank)
    assert longest < 0.12 * len(rows), f"{longest} blank rows of {len(rows)}"
    assert ax.get_legend() is not None and not fig.legends  # put back


def test_a_network_is_drawn_upright_for_the_phone():
    ax = draw_network([2, 3, 1], edge_labels="indices")
    _, metadata = pf.png_with_phone_version(ax.figure)
    phone = metadata[pf.METADATA_KEY]
    assert phone["phone_height"] > phone["phone_width"]  # one row per layer
    with pytest.raises(ValueError, match="orientation must be"):
        draw_network([2, 1], orientation="diagonal")


def test_bad_input_is_refused():
    for call in (pf.min_text_points, pf.png_with_phone_version):
        with pytest.raises(TypeError, match="expected a matplotlib Figure"):
            call("not a figure")
    assert pf.png_with_phone_version(plt.figure()) is None  # empty, as IPython's formatter


class _Renderer:
    """The part of myst-nb's element renderer the plugin uses."""

    def __init__(self):
        self.files = {}

    def write_file(self, path, content, overwrite=False, exists_ok=False):
        self.files[path[0]] = content
        return path[0]

    def render_image(self, data):
        return [nodes.image(uri="desktop.png", alt="a figure", width="700")]


class _Data:
    def __init__(self, metadata, mime_type="image/png"):
        self.mime_type, self.output_metadata = mime_type, metadata


def test_the_renderer_gives_both_images_with_their_text_sizes():
    fig = _three_panels()
    _, metadata = pf.png_with_phone_version(fig)
    renderer = _Renderer()
    desktop, phone = phone_render.PhoneFigureRenderer.handle_mime(renderer, _Data({"image/png": metadata}), False)
    assert phone_render.DESKTOP_CLASS in desktop["classes"] and "actbook-text-pt-70" in desktop["classes"]
    assert phone_render.PHONE_CLASS in phone["classes"] and phone["alt"] == "a figure"
    assert desktop["loading"] == phone["loading"] == "lazy"
    assert renderer.files[phone["uri"]][:4] == b"\x89PNG"
    # no phone version, another type, or inline: myst-nb's own rendering
    for data, inline in ((_Data({}), False), (_Data({"image/png": metadata}, "text/plain"), False),
                         (_Data({"image/png": metadata}), True)):
        assert phone_render.PhoneFigureRenderer.handle_mime(renderer, data, inline) is None


def test_a_long_title_is_wrapped_on_the_phone_and_put_back():
    fig, ax = plt.subplots()
    title = "The discriminator's verdicts on real and fake digits during training"
    ax.set_title(title)
    with pf.phone_layout(fig):
        assert "\n" in ax.get_title()
    assert ax.get_title() == title
    ax.set_title("$\\sigma(u)$ and its derivative on a long axis title with maths")  # never broken
    with pf.phone_layout(fig):
        assert "\n" not in ax.get_title()


def test_a_constrained_figure_is_put_back_without_a_warning(recwarn):
    fig, axes = plt.subplots(1, 2, layout="constrained")
    pf.png_with_phone_version(fig)
    assert not [w for w in recwarn if "subplots_adjust" in str(w.message)]
