"""actlib.interactive: every plotted value is actlib's, and the HTML renderer is safe."""

import json

import numpy as np
import pytest

import actlib
from actlib import interactive
from actlib.course import plotly_render
from actlib.course.plotly_render import PLOTLY_MIME, PlotlyMimeRenderer, figure_html, still_nodes

pytest.importorskip("plotly")


@pytest.fixture(scope="module")
def data():
    return interactive.explorer_data()


def test_explorer_data_are_actlibs_values(data):
    x = np.asarray(data["x"])
    for name, entry in data["activations"].items():
        for setting in entry["settings"]:
            params = {} if setting["value"] is None else {entry["parameter"]: setting["value"]}
            np.testing.assert_allclose(setting["f"], actlib.get(name)(x, **params), rtol=1e-3, atol=1e-4)
            np.testing.assert_allclose(setting["df"], actlib.derivative(name, x, **params), rtol=1e-3, atol=1e-4)
            for n, values in setting["gradient"].items():
                expected = np.maximum(np.abs(interactive.depth_gradient(name, x, n, **params)),
                                      interactive.GRADIENT_FLOOR)
                np.testing.assert_allclose(values, expected, rtol=1e-3)


def test_depth_gradient_is_the_chain_rule():
    torch = pytest.importorskip("torch")
    x = torch.linspace(-4, 4, 33, dtype=torch.float64, requires_grad=True)
    h = x
    for _ in range(5):
        h = torch.tanh(h)
    (grad,) = torch.autograd.grad(h.sum(), x)
    np.testing.assert_allclose(interactive.depth_gradient("tanh", x.detach().numpy(), 5), grad.numpy(), rtol=1e-12)
    # a stack of sigmoids: each layer's slope is at most 1/4
    assert np.all(interactive.depth_gradient("sigmoid", np.linspace(-8, 8, 101), 3) <= 0.25**3)


def test_every_slider_step_shows_precomputed_arrays(data):
    figure = interactive.activation_explorer(data)
    depth_slider, parameter_slider = figure.layout.sliders
    assert [s.label for s in depth_slider.steps] == [str(n) for n in data["depths"]]
    sigmoid = data["activations"]["sigmoid"]["settings"][0]
    assert list(figure.data[0].y) == sigmoid["f"] and list(figure.data[2].y) == sigmoid["gradient"][5]
    assert not parameter_slider.visible  # sigmoid has no parameter: a hidden slider that does nothing
    assert [(step.method, step.args) for step in parameter_slider.steps] == [("skip", ())]
    smooth = next(b for b in figure.layout.updatemenus[1].buttons if b.label == "Smooth rectifier")
    elu_button = next(b for b in smooth.args[1]["updatemenus[0].buttons"] if b["label"] == "ELU")
    elu = data["activations"]["elu"]["settings"]
    steps = elu_button["args"][1]["sliders"][1]["steps"]
    assert [s["label"] for s in steps] == [f"{s['value']:g}" for s in elu]
    assert steps[0]["args"][0]["y"][1] == elu[0]["df"]


def test_explorer_log_axis_holds_every_curve_and_names_the_depth_d(data):
    figure = interactive.activation_explorer(data)
    top = interactive.gradient_axis_top(data)
    assert tuple(figure.layout.yaxis2.range) == (np.log10(interactive.GRADIENT_FLOOR), top)
    every = [v for entry in data["activations"].values() for s in entry["settings"]
             for values in s["gradient"].values() for v in values]
    assert interactive.GRADIENT_FLOOR == min(every) and max(every) <= 10.0**top < 10 * max(every)
    # ELU with alpha = 2 through 20 layers: 2**20 at x = 0, so the axis reaches 10**7
    assert max(every) == pytest.approx(2.0**20, rel=1e-3) and top == 7
    # the depth is D (symbols.md: n is the example index), the layer index k
    depth_slider = figure.layout.sliders[0]
    assert depth_slider.currentvalue.prefix == "layers D = " and figure.data[2].name == "D = 5"
    assert {step.args[0]["name"] for step in depth_slider.steps} == {f"D = {n}" for n in data["depths"]}


def test_explorer_holds_every_elementwise_activation_by_family(data):
    """Every elementwise activation of the registry but the four left out (each with a reason),
    in two menus: the family, then the activation among that family's; every grid holds the default."""
    chosen = list(data["activations"])
    assert set(chosen) == set(actlib.names(elementwise_only=True)) - set(interactive.EXPLORER_LEFT_OUT)
    assert set(interactive.EXPLORER_LEFT_OUT) == {"step", "identity", "prelu", "exponential"}
    assert set(interactive.PARAMETER_GRIDS) <= set(chosen)
    families = [actlib.registry.FAMILIES.index(actlib.get(name).family) for name in chosen]
    assert families == sorted(families)  # grouped, in the registry's order of families
    figure = interactive.activation_explorer(data)
    activation_menu, family_menu = figure.layout.updatemenus[:2]
    in_order = list(dict.fromkeys(actlib.get(name).family for name in chosen))
    assert [b.label for b in family_menu.buttons] == [f[0].upper() + f[1:] for f in in_order]
    assert [b.label for b in activation_menu.buttons] == ["Sigmoid", "Hyperbolic tangent", "Softsign"]
    for family, button in zip(in_order, family_menu.buttons, strict=True):
        members = [name for name in chosen if actlib.get(name).family == family]
        entries = button.args[1]["updatemenus[0].buttons"]
        assert [e["label"] for e in entries] == [interactive.menu_label(data["activations"][n]) for n in members]
        assert button.args[0] == entries[0]["args"][0] and button.args[1]["updatemenus[0].active"] == 0
        # a menu's list drops over the figure: at most 10 entries of about 34 px fit below it
        assert len(entries) <= 10 and max(len(e["label"]) for e in entries) <= 20
    for name, (parameter, values) in interactive.PARAMETER_GRIDS.items():
        assert parameter in actlib.get(name).defaults and actlib.get(name).defaults[parameter] in values, name
    # the exponential is left out because two stacked copies already overflow float64
    with np.errstate(over="ignore"):
        assert np.isinf(interactive.depth_gradient("exponential", np.array([8.0]), 2)).all()


def test_every_menu_and_slider_has_a_name():
    """The book's keyboard twins (_static/actbook-figures.js) take a control's accessible name from
    its "name" (else "Choose" for a menu, "View" for a row of buttons)."""
    explorer = interactive.activation_explorer()
    assert [m.name for m in explorer.layout.updatemenus] == ["Activation", "Family", "Range of x"]
    assert [s.name for s in explorer.layout.sliders] == ["Layers D", "Parameter"]  # sigmoid: none
    for family in explorer.layout.updatemenus[1].buttons:
        for entry in family.args[1]["updatemenus[0].buttons"]:  # each activation's own sliders
            depth, parameter = entry["args"][1]["sliders"]
            name = next(n for n in interactive.EXPLORER_PARAMETERS
                        if interactive.menu_label({"title": actlib.get(n).title}) == entry["label"])
            grid = interactive.EXPLORER_PARAMETERS[name]
            assert depth["name"] == "Layers D" and parameter["name"] == (grid[0] if grid else "Parameter")
    xor = interactive.xor_surface(actlib.network.article_003_xor_layers())
    assert xor.layout.updatemenus[0].name == "Weight or bias" and xor.layout.sliders[0].name == "W1[0, 0]"


def test_controls_below_the_plots_do_not_overlap_at_390_px():
    """The explorer's two sliders: the parameter slider's current value ("alpha = 1") starts below the
    depth slider's tick labels, and both fit the bottom margin. The XOR figure's slider value starts
    below its x axis's title. (Measured in Chromium at 390 px: a slider takes about 75 px, its
    current value 20 px above its rail; an x axis's title sits about 45 px below the plot.)"""
    explorer = interactive.activation_explorer()
    layout = explorer.layout
    plot_height = layout.height - layout.margin.t - layout.margin.b
    assert plot_height == 390
    depth, parameter = layout.sliders
    depth_top, parameter_top = -depth.y * plot_height, -parameter.y * plot_height
    assert parameter_top - depth_top >= 90  # the depth slider's ticks end about 75 px below its top
    assert parameter_top + 85 <= layout.margin.b
    xor = interactive.xor_surface(actlib.network.article_003_xor_layers())
    assert xor.layout.sliders[0].pad.t >= 60 and xor.layout.xaxis.title.text == "x1"
    assert xor.layout.sliders[0].pad.t + 75 <= xor.layout.margin.b


def test_softmax_temperature_bars_are_softmax():
    figure = interactive.softmax_temperature(scores=(1.0, 2.0), labels=("a", "b"), temperatures=(0.5, 1.0, 2.0))
    for step, t in zip(figure.layout.sliders[0].steps, (0.5, 1.0, 2.0), strict=True):
        np.testing.assert_allclose(step.args[0]["y"][0], actlib.softmax(np.array([1.0, 2.0]) / t), atol=1e-4)
    with pytest.raises(ValueError, match="positive"):
        interactive.softmax_temperature(temperatures=(0.0, 1.0))


def test_xor_surface_follows_the_network():
    layers = actlib.network.article_003_xor_layers()
    figure = interactive.xor_surface(layers)
    labels = [b.label for b in figure.layout.updatemenus[0].buttons]
    assert labels == ["W1[0, 0]", "W1[0, 1]", "W1[1, 0]", "W1[1, 1]", "b1[0]", "b1[1]", "W2[0, 0]", "W2[0, 1]", "b2[0]"]
    z = np.asarray(figure.data[0].z)
    corner = actlib.network.forward(np.array([[-0.25, -0.25]]), layers, hidden="sigmoid", output="sigmoid")
    assert z[0, 0] == pytest.approx(float(corner[0, 0]), abs=0.005)  # stored to two decimals
    # b2 = 0 instead of -15: every corner's output is high, XOR is broken
    b2 = figure.layout.updatemenus[0].buttons[-1].args[1]["sliders"][0]["steps"]
    broken = np.asarray(next(s for s in b2 if s["label"] == "0")["args"][0]["z"][0])
    assert broken.min() > 0.5
    with pytest.raises(ValueError, match="own value"):
        interactive.xor_surface(layers, [0.0, 1.0])


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="depth must be a positive int; got 0"):
        interactive.depth_gradient("relu", 0.0, 0)
    with pytest.raises(TypeError, match="depth must be a positive int; got float"):
        interactive.depth_gradient("relu", 0.0, 2.0)
    with pytest.raises(ValueError, match="start must be one of"):
        interactive.activation_explorer(start="softmax")
    with pytest.raises(ValueError, match="alt must be a sentence"):
        interactive.show(interactive.softmax_temperature(), alt="fig")


def test_html_renderer_escapes_and_names_the_figure():
    spec = {"data": [{"type": "bar", "y": [1]}], "layout": {"meta": {"alt": 'A "bar" </script> chart of one value'}}}
    page = figure_html(spec, "fig-1")
    assert "</script> chart" not in page.split("<script", 2)[1]  # the JSON cannot close its script early
    assert 'aria-label="A &quot;bar&quot; &lt;/script&gt; chart of one value"' in page
    assert ("html", PLOTLY_MIME, 25) in PlotlyMimeRenderer.mime_priority_overrides


def test_html_has_a_still_for_readers_without_javascript(tmp_path):
    figure = interactive.softmax_temperature()
    spec = json.loads(figure.to_json())
    spec["layout"]["meta"] = {"alt": "Softmax probabilities of two classes at one temperature"}

    class Renderer:  # the one method of myst-nb's renderer that still_nodes uses
        def write_file(self, path, content, exists_ok=False):
            (tmp_path / path[0]).write_bytes(content)
            return "/" + path[0]

    raw_open, image, phone, raw_close = still_nodes(Renderer(), spec)
    assert raw_open.astext() == "<noscript>"
    assert raw_close.astext() == f'<p class="actbook-still-note">{plotly_render.STILL_NOTE}</p></noscript>'
    written = tmp_path / image["uri"].lstrip("/")
    # the same drawing as the notebook's still (show() stores still_png(figure) as image/png)
    assert written.read_bytes() == interactive.still_png(figure, spec["layout"]["meta"]["alt"])
    assert image["alt"].startswith("Softmax probabilities of two classes")
    # and its phone version, shown below 600 px, with no text under 10 points
    assert "actbook-desktop" in image["classes"] and "actbook-phone" in phone["classes"]
    assert phone["alt"] == image["alt"] and int(phone["width"]) <= 420
    assert any(c.startswith("actbook-text-pt-") and int(c.rsplit("-", 1)[1]) >= 100 for c in phone["classes"])
    assert (tmp_path / phone["uri"].lstrip("/")).read_bytes() != written.read_bytes()


def test_the_phone_still_of_an_equal_aspect_map_stays_square():
    import matplotlib.pyplot as plt

    figure = interactive.xor_surface(interactive.XOR_HAND_SET) if hasattr(interactive, "XOR_HAND_SET") else None
    if figure is None:
        import numpy as np
        import plotly.graph_objects as go

        figure = go.Figure(go.Heatmap(z=np.eye(3), x=[0, 1, 2], y=[0, 1, 2]))
        figure.update_layout(yaxis={"scaleanchor": "x"})
    drawn = interactive.still_figure(figure)
    try:
        assert [ax.get_aspect() for ax in drawn.axes][0] == 1.0
    finally:
        plt.close(drawn)
    _, _, meta = interactive.still_pngs(figure, "A map of one value over the plane, for a test")
    assert 0.6 < meta["phone_height"] / meta["phone_width"] < 0.95  # not stretched tall
