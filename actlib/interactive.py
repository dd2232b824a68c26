"""Interactive figures: every value they plot is computed here by actlib, ahead of time.

A figure is a Plotly figure whose sliders and menus only *switch* between arrays that
actlib computed on a grid of parameter values (Plotly's declarative ``restyle`` and
``relayout`` steps), so no formula is written a second time in JavaScript. The same figure
works in three places:

* in Jupyter, as Plotly's own output type (``application/vnd.plotly.v1+json``), which
  JupyterLab draws with the extension that ships inside the ``plotly`` package;
* in the HTML book, where :mod:`actlib.course.plotly_render` turns that output into a
  ``<div>`` drawn by the ``plotly.min.js`` that the book serves itself (offline);
* wherever scripts cannot run: the output also carries a still PNG drawn by matplotlib
  from the same arrays, at the figure's initial setting.

* :func:`explorer_data` / :func:`activation_explorer` - f, f' and the size of the gradient
  factor through D stacked layers, for every activation and parameter value;
* :func:`softmax_temperature` - softmax of fixed scores over a range of temperatures;
* :func:`xor_surface` - the output of a 2-2-1 sigmoid network as any one weight moves;
* :func:`show` - display a figure with its still fallback.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np

from . import network
from ._validation import integer
from .activations import softmax
from .registry import FAMILIES, derivative, get, names

PLOTLY_MIME = "application/vnd.plotly.v1+json"

#: The parameter grid of each explorer activation that has a slider: (actlib's parameter, its values).
#: Each grid holds actlib's default, where the explorer starts; the other activations show their
#: defaults only (Hardtanh's two bounds, RReLU's two slopes, the Threshold's value among them).
PARAMETER_GRIDS: dict[str, tuple[str, Sequence[float]]] = {
    "leaky_relu": ("alpha", (0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)),
    "elu": ("alpha", (0.1, 0.25, 0.5, 1.0, 1.5, 2.0)),
    "swish": ("beta", (0.0, 0.5, 1.0, 1.702, 2.0, 5.0, 10.0)),
    "celu": ("alpha", (0.25, 0.5, 1.0, 1.5, 2.0)),
    "squareplus": ("b", (0.25, 1.0, 4.0, 9.0, 16.0)),
    "threshold": ("threshold", (-1.0, -0.5, 0.0, 0.5, 1.0)),
    "softshrink": ("lambd", (0.0, 0.25, 0.5, 1.0, 2.0)),
    "hardshrink": ("lambd", (0.0, 0.25, 0.5, 1.0, 2.0)),
}

#: The elementwise activations the explorer leaves out, and why.
EXPLORER_LEFT_OUT: dict[str, str] = {
    "step": "its derivative is 0 wherever it exists, so every stack passes a factor of 0",
    "identity": "its derivative is 1, so every stack passes a factor of exactly 1",
    "prelu": "its slope is a learned weight; Leaky ReLU's slider shows the same shapes",
    "exponential": "stacked copies overflow: two layers already reach e**(e**8), beyond float64",
}


def _explorer_activations() -> dict[str, tuple[str, Sequence[float]] | None]:
    """Every elementwise activation but :data:`EXPLORER_LEFT_OUT`, by family (the registry's
    :data:`~actlib.registry.FAMILIES`, then the book's order), with its grid or ``None``."""
    chosen = [name for name in names(elementwise_only=True) if name not in EXPLORER_LEFT_OUT]
    chosen.sort(key=lambda name: FAMILIES.index(get(name).family))  # (stable: the book's order within)
    return {name: PARAMETER_GRIDS.get(name) for name in chosen}


#: The activations of the explorer, grouped by family, and the grid of each one's parameter
#: (None: no parameter).
EXPLORER_PARAMETERS: dict[str, tuple[str, Sequence[float]] | None] = _explorer_activations()
DEPTHS = (1, 2, 3, 5, 8, 12, 20)
#: Gradient factors below this are drawn at it (a log axis cannot show 0).
GRADIENT_FLOOR = 1e-12


def _rounded(values, digits: int = 5) -> list[float]:
    """Plain floats with ``digits`` significant digits: small JSON, identical on every run."""
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, dtype=float)]


def depth_gradient(name: str, x, depth: int, **params) -> np.ndarray:
    r"""The derivative of :math:`z_D = f(f(\cdots f(x)))` (``depth`` = D layers) with respect to x.

    With :math:`z_0 = x` and :math:`z_k = f(z_{k-1})` (the book's layer index k), the chain
    rule gives :math:`\frac{dz_D}{dx} = \prod_{k=1}^{D} f'(z_{k-1})`: D layers of the
    activation alone (weights 1, biases 0), the factor by which the layers' slopes scale a
    gradient. The result is signed; the explorer plots its absolute value.

    Examples:
        >>> float(depth_gradient("sigmoid", 0.0, 1))
        0.25
    """
    depth = integer(depth, "depth", minimum=1)
    record = get(name)
    h = np.asarray(x, dtype=float)
    factor = np.ones_like(h)
    for _ in range(depth):
        factor = factor * derivative(record.name, h, **params)
        h = record.function(h, **params)
    return factor


def explorer_data(x=None, depths: Sequence[int] = DEPTHS) -> dict:
    """Every array the activation explorer can show, computed with actlib.

    Returns ``{"x": [...], "depths": [...], "activations": {name: {"title", "family", "parameter",
    "settings": [{"value", "f", "df", "gradient": {depth: [...]}}]}}}``, the activations in the
    order of :data:`EXPLORER_PARAMETERS` (by family). Every curve is
    rounded to 4 significant digits (x to 5); ``gradient`` holds the size
    :math:`|dz_D/dx|` of :func:`depth_gradient`, with values below :data:`GRADIENT_FLOOR`
    raised to it.
    """
    x = np.linspace(-8.0, 8.0, 129) if x is None else np.asarray(x, dtype=float)
    out = {"x": _rounded(x), "depths": list(depths), "activations": {}}
    for name, parameter in EXPLORER_PARAMETERS.items():
        record = get(name)
        settings = []
        for value in (parameter[1] if parameter else (None,)):
            params = {} if value is None else {parameter[0]: value}
            settings.append({
                "value": value,
                "f": _rounded(record.function(x, **params), 4),
                "df": _rounded(derivative(name, x, **params), 4),
                "gradient": {n: _rounded(np.maximum(np.abs(depth_gradient(name, x, n, **params)),
                                                    GRADIENT_FLOOR), 4) for n in depths},
            })
        out["activations"][name] = {"title": record.title, "family": record.family,
                                    "parameter": parameter and parameter[0], "settings": settings}
    return out


def _default_setting(entry: dict, name: str) -> int:
    """Index of the library default parameter value in an activation's grid (0 if none)."""
    if entry["parameter"] is None:
        return 0
    default = get(name).defaults[entry["parameter"]]
    values = [s["value"] for s in entry["settings"]]
    return values.index(default) if default in values else 0


def gradient_axis_top(data: dict) -> int:
    """The top of the explorer's log axis: the decade above the largest gradient factor in ``data``.

    So no curve of any setting runs off the top of the plot. The result is an exponent of 10,
    at least 1; for :func:`explorer_data`'s grid it is 7 (ELU with alpha = 2 through 20 layers
    reaches 2**20 at x = 0).

    Examples:
        >>> gradient_axis_top(explorer_data(x=[0.0], depths=(20,)))
        7
    """
    largest = max(max(values) for entry in data["activations"].values() for setting in entry["settings"]
                  for values in setting["gradient"].values())
    return max(1, int(np.ceil(np.log10(largest))))


#: The explorer's height and margins, in px: the plots' area between the margins keeps 390 px.
EXPLORER_HEIGHT = 860
EXPLORER_MARGIN = {"l": 60, "r": 20, "t": 230, "b": 240}
#: Where the two sliders start below the plots, as a fraction of the plots' height (390 px): the
#: depth slider 39 px below, the parameter slider 137 px below, clear of the depth slider's tick
#: labels (at 390 px the parameter's "alpha = 1" used to sit on them).
DEPTH_SLIDER_Y = -0.1
PARAMETER_SLIDER_Y = -0.35


def menu_label(entry: dict) -> str:
    """An activation's entry in the explorer's menu: its title without a parenthesis.

    Examples:
        >>> menu_label({"family": "classic", "title": "Sigmoid (logistic)"})
        'Sigmoid'
    """
    return entry["title"].split(" (")[0]


def activation_explorer(data: dict | None = None, *, start: str = "sigmoid", start_depth: int = 5):
    """The activation explorer: f and f' (top), the size of the gradient factor through D layers (bottom).

    Two menus choose the activation: one its family, the other the activation among that
    family's (:func:`menu_label`); a slider sets its parameter (where it has one), a second
    slider the depth D, and buttons the x range. Each menu and slider has a name
    (``"Activation"``, ``"Family"``, ``"Range of x"``, ``"Layers D"``, the parameter's), which
    the book's keyboard controls read as their accessible names. The bottom panel's log axis runs from
    :data:`GRADIENT_FLOOR` to :func:`gradient_axis_top`. Returns a ``plotly.graph_objects.Figure``.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    data = explorer_data() if data is None else data
    if start not in data["activations"]:
        raise ValueError(f"start must be one of {list(data['activations'])}; got {start!r}")
    if start_depth not in data["depths"]:
        raise ValueError(f"start_depth must be one of {data['depths']}; got {start_depth!r}")
    x, depths = data["x"], data["depths"]
    depth_index = depths.index(start_depth)
    names = ["f(x)", "f'(x)", f"D = {start_depth}"]

    def depth_slider(entry, setting, active):
        return {
            "name": "Layers D", "active": active, "currentvalue": {"prefix": "layers D = "},
            "pad": {"t": 10, "b": 0}, "y": DEPTH_SLIDER_Y, "len": 1.0,
            "steps": [{"label": str(n), "method": "restyle",
                       "args": [{"y": [setting["gradient"][n]], "name": f"D = {n}"}, [2]]}
                      for n in depths]}

    def parameter_slider(name, entry):
        parameter = entry["parameter"]
        if parameter is None:  # hidden, and never moved: one step that does nothing (no arrays)
            steps = [{"label": "-", "method": "skip", "args": []}]
        else:
            steps = [{"label": f"{s['value']:g}", "method": "update",
                      "args": [{"y": [s["f"], s["df"], s["gradient"][start_depth]], "name": names},
                               {"sliders[0].steps": depth_slider(entry, s, depth_index)["steps"],
                                "sliders[0].active": depth_index}]}
                     for s in entry["settings"]]
        return {
            "name": parameter or "Parameter", "active": _default_setting(entry, name),
            "visible": parameter is not None, "currentvalue": {"prefix": f"{parameter or 'parameter'} = "},
            "pad": {"t": 10, "b": 0}, "y": PARAMETER_SLIDER_Y, "len": 1.0, "steps": steps}

    def select(name):
        entry = data["activations"][name]
        setting = entry["settings"][_default_setting(entry, name)]
        return entry, setting

    entry, setting = select(start)
    figure = make_subplots(rows=2, cols=1, vertical_spacing=0.14, row_heights=[0.55, 0.45],
                           subplot_titles=("f(x) and f'(x)", "|dz<sub>D</sub>/dx| through D layers"))
    figure.add_trace(go.Scatter(x=x, y=setting["f"], name="f(x)", line={"color": "#1f77b4"}), 1, 1)
    figure.add_trace(go.Scatter(x=x, y=setting["df"], name="f'(x)", line={"color": "#d62728", "dash": "dash"}),
                     1, 1)
    figure.add_trace(go.Scatter(x=x, y=setting["gradient"][start_depth], name=f"D = {start_depth}",
                                line={"color": "#2ca02c"}), 2, 1)

    def activation_button(name):
        e, s = select(name)
        return {"label": menu_label(e), "method": "update", "args": [
            {"y": [s["f"], s["df"], s["gradient"][start_depth]], "name": names},
            {"sliders": [depth_slider(e, s, depth_index), parameter_slider(name, e)]}]}

    families = {}  # family: its activations, in the order of data["activations"]
    for name, e in data["activations"].items():
        families.setdefault(e["family"], []).append(name)
    start_family = data["activations"][start]["family"]

    def family_button(family):
        # shows the family's first activation, and puts the family's in the activation menu
        entries = [activation_button(n) for n in families[family]]
        trace_update, layout_update = entries[0]["args"]
        return {"label": family[0].upper() + family[1:], "method": "update", "args": [
            trace_update, {**layout_update, "updatemenus[0].buttons": entries, "updatemenus[0].active": 0}]}

    menu = {"xanchor": "left", "yanchor": "top", "x": 0, "direction": "down"}
    figure.update_layout(
        # Two menus, the family above the activation, then the range buttons, then the legend,
        # stacked above the plots so that nothing overlaps on a phone (the legend grows
        # upwards when it wraps to a second row, away from the top panel's title); each menu's
        # list, the family's members only, fits the figure's height. Below the plots, the two
        # sliders, far enough apart that the depth slider's tick labels clear the parameter
        # slider's current value. (The activation menu comes first in the layout, and so first
        # among the keyboard's controls: choosing a family replaces its entries.)
        height=EXPLORER_HEIGHT, margin=EXPLORER_MARGIN, template="simple_white",
        font={"size": 13}, showlegend=True,
        legend={"orientation": "h", "y": 1.08, "yanchor": "bottom", "x": 0},
        updatemenus=[{**menu, "name": "Activation", "y": 1.44,
                      "buttons": [activation_button(n) for n in families[start_family]],
                      "active": families[start_family].index(start)},
                     {**menu, "name": "Family", "y": 1.56, "buttons": [family_button(f) for f in families],
                      "active": list(families).index(start_family)},
                     {"name": "Range of x", "type": "buttons", "active": 1, "direction": "right", "x": 0,
                      "xanchor": "left", "y": 1.3,
                      "yanchor": "top", "buttons": [
                          {"label": f"x ±{r}", "method": "relayout",
                           "args": [{"xaxis.range": [-r, r], "xaxis2.range": [-r, r]}]} for r in (2, 5, 8)]}],
        sliders=[depth_slider(entry, setting, depth_index), parameter_slider(start, entry)],
    )
    figure.update_xaxes(range=[-5, 5], row=2, col=1)
    figure.update_xaxes(range=[-5, 5], row=1, col=1)
    figure.update_yaxes(title_text="value", range=[-2, 3], row=1, col=1)
    floor = int(np.log10(GRADIENT_FLOOR))
    figure.update_yaxes(title_text="|dz/dx|", type="log", range=[floor, gradient_axis_top(data)],
                        exponentformat="power",
                        row=2, col=1)
    return figure


def softmax_temperature(scores=(1.0, 1.847), labels=("dog", "cat"),
                        temperatures=(0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0), start: float = 1.0):
    r"""Bars of :math:`\operatorname{softmax}(s / T)` for fixed scores, with a slider over T."""
    import plotly.graph_objects as go

    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 1 or len(scores) != len(labels) or len(scores) < 2:
        raise ValueError(f"scores must be 1-D with one label each (at least two); got {scores.shape} "
                         f"and {len(labels)} labels")
    temperatures = [float(t) for t in temperatures]
    if min(temperatures) <= 0 or start not in temperatures:
        raise ValueError(f"temperatures must be positive and contain start={start}; got {temperatures}")
    probabilities = {t: _rounded(softmax(scores / t), 4) for t in temperatures}
    figure = go.Figure(go.Bar(x=list(labels), y=probabilities[start], text=probabilities[start],
                              texttemplate="%{y:.3f}", marker={"color": "#1f77b4"}))
    figure.update_layout(
        height=420, template="simple_white", font={"size": 13}, margin={"l": 60, "r": 20, "t": 30, "b": 110},
        yaxis={"range": [0, 1], "title": {"text": "probability"}},
        sliders=[{"active": temperatures.index(start), "currentvalue": {"prefix": "temperature T = "},
                  "steps": [{"label": f"{t:g}", "method": "restyle",
                             "args": [{"y": [probabilities[t]], "text": [probabilities[t]]}]}
                            for t in temperatures]}])
    return figure


#: How far below the XOR figure's plot its slider's current value starts, in px: clear of the x
#: axis's title "x1" (at 40 px the two overlapped on a 390 px phone).
XOR_SLIDER_PAD = 66


def _parameter_label(layer: int, kind: str, index: tuple[int, ...]) -> str:
    return f"{kind}{layer + 1}[{', '.join(str(i) for i in index)}]"


def xor_surface(layers, values: Sequence[float] = tuple(range(-15, 16, 5)), *, resolution: int = 26,
                start: str | None = None):
    """The output of a 2-2-1 sigmoid network over the square, as any one weight or bias moves.

    ``layers`` is ``[(W1, b1), (W2, b2)]`` as in :mod:`actlib.network` (for example
    :func:`actlib.network.article_003_xor_layers`). A menu picks a weight or bias, a slider
    sets it to one of ``values`` (which must contain the network's own values) while the
    others keep theirs; every surface is computed by :func:`actlib.network.forward`.
    """
    import plotly.graph_objects as go

    layers = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in layers]
    values = [float(v) for v in values]
    grid = np.linspace(-0.25, 1.25, resolution)
    g1, g2 = np.meshgrid(grid, grid)
    points = np.column_stack([g1.ravel(), g2.ravel()])

    def surface(changed):
        out = network.forward(points, changed, hidden="sigmoid", output="sigmoid")[:, 0]
        # two decimals: the colour scale cannot show more, and the page stays light
        return [[round(float(v), 2) for v in row] for row in out.reshape(g1.shape)]

    parameters = {}  # label -> (own value, {value: surface})
    for layer, (W, b) in enumerate(layers):
        for kind, array in (("W", W), ("b", b)):
            for index in np.ndindex(array.shape):
                own = float(array[index])
                if own not in values:
                    raise ValueError(f"values must contain the network's own value {own:g} of "
                                     f"{_parameter_label(layer, kind, index)}; got {values}")
                surfaces = {}
                for value in values:
                    changed = [(W_.copy(), b_.copy()) for W_, b_ in layers]
                    changed[layer][0 if kind == "W" else 1][index] = value
                    surfaces[value] = surface(changed)
                parameters[_parameter_label(layer, kind, index)] = (own, surfaces)
    start = start or next(iter(parameters))
    if start not in parameters:
        raise ValueError(f"start must be one of {list(parameters)}; got {start!r}")

    def slider(label):
        own, surfaces = parameters[label]
        # (pad: the slider's current value starts 66 px below the plot, under the x axis's title,
        # which it overlapped at 390 px with 40)
        return {"name": label, "active": values.index(own), "currentvalue": {"prefix": f"{label} = "},
                "pad": {"t": XOR_SLIDER_PAD}, "steps": [
                    {"label": f"{v:g}", "method": "restyle", "args": [{"z": [z]}, [0]]} for v, z in surfaces.items()]}

    own_surface = parameters[start][1][parameters[start][0]]
    figure = go.Figure([
        go.Heatmap(x=_rounded(grid), y=_rounded(grid), z=own_surface, zmin=0, zmax=1, zsmooth="best",
                   colorscale="RdBu_r", colorbar={"title": {"text": "output"}}),
        go.Scatter(x=[0, 0, 1, 1], y=[0, 1, 0, 1], mode="markers", name="inputs",
                   marker={"size": 14, "color": ["white", "black", "black", "white"],
                           "line": {"color": "black", "width": 2},
                           "symbol": ["circle", "square", "square", "circle"]})])
    figure.update_layout(
        height=600, template="simple_white", font={"size": 13}, margin={"l": 60, "r": 20, "t": 70, "b": 150},
        xaxis={"title": {"text": "x1"}, "constrain": "domain"},
        yaxis={"title": {"text": "x2"}, "scaleanchor": "x", "constrain": "domain"}, showlegend=False,
        updatemenus=[{"name": "Weight or bias", "active": list(parameters).index(start), "x": 0, "xanchor": "left",
                      "y": 1.16,
                      "yanchor": "top", "buttons": [
                          {"label": label, "method": "update",
                           "args": [{"z": [parameters[label][1][parameters[label][0]]]}, {"sliders": [slider(label)]}]}
                          for label in parameters]}],
        sliders=[slider(start)])
    return figure


def still_figure(figure):
    """A matplotlib drawing of the figure's first state, from the figure's own arrays.

    ``figure`` is a Plotly figure or its JSON spec (as stored in a notebook). Each Plotly
    subplot becomes a panel with its axis titles and scale; hidden traces are left out. Traces
    keep their line colours and dashes, and their marker symbols, colours, edges and sizes.
    The caller closes the returned figure.
    """
    import matplotlib.pyplot as plt

    from .plotting import BOOK_STYLE

    if isinstance(figure, dict):
        import plotly.graph_objects as go

        figure = go.Figure({key: figure[key] for key in ("data", "layout") if key in figure})
    traces = [t for t in figure.data
              if t.type in {"scatter", "bar", "heatmap"} and t.visible not in (False, "legendonly")]
    panels = list(dict.fromkeys((t.xaxis or "x", t.yaxis or "y") for t in traces)) or [("x", "y")]
    with plt.style.context(BOOK_STYLE):
        fig, axes = plt.subplots(1, len(panels), figsize=(7.6, 4.2), squeeze=False)
        for ax, (x_name, y_name) in zip(axes[0], panels, strict=True):
            _draw_panel(ax, [t for t in traces if (t.xaxis or "x", t.yaxis or "y") == (x_name, y_name)],
                        figure.layout[_layout_key(x_name)], figure.layout[_layout_key(y_name)])
        if len(panels) == 1 and axes[0][0].get_aspect() == 1.0:  # a square map: no blank sides
            fig.set_size_inches(5.4, 4.2)
        fig.tight_layout()
    return fig


def still_png(figure, alt: str) -> bytes:
    """A PNG of the figure's first state (:func:`still_figure`), at 100 dpi.

    The book's HTML shows the same drawing to readers without JavaScript
    (:func:`still_pngs` adds its phone version).
    """
    import matplotlib.pyplot as plt

    from .plotting import BOOK_STYLE

    fig = still_figure(figure)
    try:
        buffer = io.BytesIO()
        with plt.style.context(BOOK_STYLE):
            fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    finally:
        plt.close(fig)
    return buffer.getvalue()


def still_pngs(figure, alt: str) -> tuple[bytes, bytes, dict]:
    """The still (:func:`still_png`) and its phone version, with the phone version's metadata.

    The phone version is the same drawing laid out for a phone's column by
    :func:`actlib.phone_figures.phone_layout` (panels stacked, text at least 10 points), at
    twice the resolution; the metadata gives its size in CSS px (``phone_width``,
    ``phone_height``) and the smallest text of each version (``min_text_pt``,
    ``phone_min_text_pt``), as :func:`actlib.phone_figures.png_with_phone_version` does.
    """
    import matplotlib.pyplot as plt

    from .phone_figures import PHONE_WIDTH, _png, _size, min_text_points, phone_layout
    from .plotting import BOOK_STYLE

    desktop = still_png(figure, alt)
    fig = still_figure(figure)
    try:
        desktop_min = min_text_points(fig)
        with plt.style.context(BOOK_STYLE), phone_layout(fig):
            square = [ax for ax in fig.axes if ax.get_aspect() == 1.0]
            if square:  # an equal-aspect map: as tall as it is wide, its colour bar beside it
                fig.set_size_inches(PHONE_WIDTH, 0.8 * PHONE_WIDTH * len(square))
                fig.tight_layout()
            phone = _png(fig, 2 * 100)
            phone_min = min_text_points(fig)
    finally:
        plt.close(fig)
    width, height = _size(phone)
    return desktop, phone, {"phone_width": width // 2, "phone_height": height // 2,
                            "min_text_pt": desktop_min, "phone_min_text_pt": phone_min}


def _layout_key(axis: str) -> str:
    """Plotly's trace axis name ("x2") to its layout key ("xaxis2")."""
    return f"{axis[0]}axis{axis[1:]}"


#: Plotly marker symbols and line dashes as matplotlib markers and line styles.
_MARKERS = {"circle": "o", "square": "s", "diamond": "D", "cross": "P", "x": "X",
            "triangle-up": "^", "triangle-down": "v", "star": "*"}
_DASHES = {"solid": "-", "dash": "--", "dot": ":", "dashdot": "-."}


def _per_point(value, n: int) -> list:
    """A Plotly marker property (one value, or one per point) as one value per point."""
    if value is None or isinstance(value, str) or np.ndim(value) == 0:
        return [value] * n
    return list(value)


def _draw_markers(ax, t) -> None:
    """A markers trace with its symbols, fill and edge colours and size (Plotly px at 100 dpi)."""
    x, y = list(t.x), list(t.y)
    marker = t.marker
    symbols = [_MARKERS.get(s, "o") for s in _per_point(marker.symbol, len(x))]
    colours = _per_point(marker.color, len(x))
    size = (marker.size if np.ndim(marker.size) == 0 and marker.size is not None else 6) * 0.72
    edge = {} if marker.line.color is None else {"edgecolors": marker.line.color,
                                                  "linewidths": (marker.line.width or 1) * 0.72}
    for i, symbol in enumerate(dict.fromkeys(symbols)):
        index = [j for j, s in enumerate(symbols) if s == symbol]
        colour = [colours[j] for j in index] if colours[0] is not None else None
        ax.scatter([x[j] for j in index], [y[j] for j in index], marker=symbol, c=colour,
                   s=size**2, label=t.name if i == 0 else None, zorder=3, **edge)


def _draw_panel(ax, traces, x_axis, y_axis) -> None:
    for t in traces:
        if t.type == "scatter" and t.mode != "markers":
            ax.plot(t.x, t.y, label=t.name, color=t.line.color,
                    linestyle=_DASHES.get(t.line.dash or "solid", "-"))
        elif t.type == "scatter":
            _draw_markers(ax, t)
        elif t.type == "bar":
            ax.bar(t.x, t.y, color=t.marker.color)
        elif t.type == "heatmap":
            mesh = ax.pcolormesh(t.x, t.y, np.asarray(t.z), cmap="RdBu_r", vmin=0, vmax=1)
            ax.figure.colorbar(mesh, ax=ax, label=t.colorbar.title.text or "")
    if y_axis.type == "log":
        ax.set_yscale("log")
    if y_axis.scaleanchor == "x":  # equal scales, as the interactive figure keeps them
        ax.set_aspect("equal")
    ax.set_xlabel(x_axis.title.text or "")
    ax.set_ylabel(y_axis.title.text or "")
    if sum(bool(t.name) for t in traces) > 1:
        ax.legend(fontsize=8)


def show(figure, alt: str) -> None:
    """Display ``figure`` in a notebook: Plotly's output type, a still PNG and a text summary.

    ``alt`` says what the figure shows; the book uses it for screen readers and the still.
    """
    import json

    from IPython.display import display

    if not isinstance(alt, str) or len(alt) < 20:
        raise ValueError("alt must be a sentence (20+ characters) that says what the figure shows")
    spec = json.loads(figure.to_json())
    spec.setdefault("layout", {})["meta"] = {"alt": alt}
    spec["config"] = {"responsive": True, "displayModeBar": False}
    still = base64.b64encode(still_png(figure, alt)).decode("ascii")
    display({PLOTLY_MIME: spec, "image/png": still, "text/plain": f"Interactive figure: {alt}"}, raw=True)
