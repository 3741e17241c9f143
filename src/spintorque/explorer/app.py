"""The explorer page: Panel widgets and Bokeh figures around :func:`~spintorque.explorer.view_of`.

One :class:`Explorer` per browser session. Every widget change rebuilds the stack from the
widgets, calls :func:`~spintorque.explorer.model.view_of` and pushes the new numbers into the
figures' data sources; :attr:`Explorer.last_update_s` holds the time the last update took.
"""

from __future__ import annotations

import io
import time
from typing import Any

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource
from bokeh.models.annotations import Span
from bokeh.palettes import Category10_10
from bokeh.plotting import figure

from spintorque.errors import InputError
from spintorque.explorer.model import View, view_of
from spintorque.materials import Material, load_database
from spintorque.stack import Stack, spherical

NM = 1e-9
GA = 1e9  # spin currents drawn in GA/m²
ANGLE_LABEL = "polar angle θ of the second ferromagnet [deg]"


# Panel >= 1.9 calls a widget's caption ``label`` (``name`` is deprecated there); older ones ``name``
_CAPTION = "label" if "label" in pn.widgets.FloatSlider.param else "name"


def _widget(kind: Any, caption: str, **options: Any) -> Any:
    """A widget of class ``kind`` captioned ``caption``, on every supported Panel."""
    return kind(**{_CAPTION: caption}, **options)


def _value(slider: pn.widgets.FloatSlider) -> float:
    """A slider's value as a float (a cleared slider is refused by its caption)."""
    if slider.value is None:
        raise InputError(str(getattr(slider, _CAPTION)), "has no value")
    return float(slider.value)


def _polar(m: tuple[float, float, float]) -> tuple[float, float]:
    """Polar angle from +z and azimuth [deg] of a unit vector."""
    theta = float(np.degrees(np.arccos(np.clip(m[2], -1.0, 1.0))))
    phi = float(np.degrees(np.arctan2(m[1], m[0]))) if np.hypot(m[0], m[1]) > 0 else 0.0
    return theta, phi


class Explorer:
    """Widgets, figures and the update of one page for a starting ``stack``.

    Parameters
    ----------
    stack : Stack
        The stack first shown (made transparent); its layer names, kinds (ferromagnet or normal
        metal), leads and magnetization azimuths stay fixed, the rest is on the widgets.
    """

    def __init__(self, stack: Stack) -> None:
        self.base = stack.transparent()
        database = dict(load_database())
        self.materials: dict[str, Material] = {**database}
        for layer in self.base.layers:
            self.materials.setdefault(layer.material.name, layer.material)
        self.last_update_s = 0.0
        self.thickness: dict[str, pn.widgets.FloatSlider] = {}
        self.angle: dict[str, pn.widgets.FloatSlider] = {}
        self.material: dict[str, pn.widgets.Select] = {}
        self.phi: dict[str, float] = {}
        rows = []
        for layer in self.base.layers:
            kind = layer.is_ferromagnet
            options = [n for n, m in self.materials.items() if m.is_ferromagnet == kind]
            self.material[layer.name] = _widget(
                pn.widgets.Select,
                f"{layer.name} material",
                options=options,
                value=layer.material.name,
                width=130,
            )
            self.thickness[layer.name] = _widget(
                pn.widgets.FloatSlider,
                f"{layer.name} thickness [nm]",
                start=0.5,
                end=100.0,
                step=0.1,
                value=round(layer.thickness / NM, 1),
                width=220,
            )
            row = [self.material[layer.name], self.thickness[layer.name]]
            if layer.magnetization is not None:
                theta, self.phi[layer.name] = _polar(layer.magnetization)
                self.angle[layer.name] = _widget(
                    pn.widgets.FloatSlider,
                    f"{layer.name} θ [deg]",
                    start=0.0,
                    end=180.0,
                    step=0.5,
                    value=round(theta * 2) / 2,
                    width=220,
                )
                row.append(self.angle[layer.name])
            rows.append(pn.Row(*row))
        J = self.base.current_density
        self.log_current = _widget(
            pn.widgets.FloatSlider,
            "log10 |J| [A/m²]",
            start=8.0,
            end=13.0,
            step=0.05,
            value=round(float(np.log10(abs(J))) * 20) / 20 if J else 11.0,
            width=220,
        )
        self.direction = _widget(
            pn.widgets.Select,
            "electrons flow",
            options=["towards +x", "towards -x"],
            value="towards -x" if J < 0 else "towards +x",
            width=130,
        )
        rows.append(pn.Row(self.direction, self.log_current))
        note = (
            "the file's interfaces are not used: the page shows the transparent stack (the seed's model)"
            if stack.interface_elements
            else "transparent interfaces (the seed's model)"
        )
        self.controls = pn.Column("### Stack", pn.pane.Str(note), *rows)
        self._figures()
        for widget in (
            *self.thickness.values(),
            *self.angle.values(),
            *self.material.values(),
            self.log_current,
            self.direction,
        ):
            widget.param.watch(self._changed, "value")
        self.update()

    # --- the stack on the widgets --------------------------------------------------------------
    def stack(self) -> Stack:
        """The stack the widgets describe (InputError if a value is refused)."""
        stack = self.base
        layers = []
        for layer in stack.layers:
            m = layer.magnetization
            if layer.name in self.angle:
                m = spherical(np.radians(_value(self.angle[layer.name])), np.radians(self.phi[layer.name]))
            layers.append(
                type(layer)(
                    layer.name,
                    self.materials[self.material[layer.name].value],
                    _value(self.thickness[layer.name]) * NM,
                    m,
                )
            )
        sign = -1.0 if self.direction.value == "towards -x" else 1.0
        return Stack(tuple(layers), stack.left, stack.right, sign * 10.0 ** _value(self.log_current))

    def _changed(self, *_: Any) -> None:
        self.update()

    def update(self) -> View | None:
        """Recompute and redraw; returns the new view (None, with the reason shown, if refused)."""
        start = time.perf_counter()
        try:
            view = view_of(self.stack())
        except InputError as error:
            self.status.object = f"refused: {error}"
            return None
        self._draw(view)
        self.last_update_s = time.perf_counter() - start
        self.status.object = f"update {1e3 * self.last_update_s:.0f} ms"
        self.view = view
        return view

    # --- figures -------------------------------------------------------------------------------
    def _figures(self) -> None:
        names = self.base.names
        self.mu_fig = figure(
            title="spin accumulation hodograph (folded) [µV]",
            width=430,
            height=400,
            match_aspect=True,
            name="mu_fig",
        )
        self.js_fig = figure(
            title="spin current hodograph [GA/m²], red: Δj_s",
            width=430,
            height=400,
            match_aspect=True,
            name="js_fig",
        )
        self.mu_src = {n: ColumnDataSource({"x": [], "y": []}) for n in names}
        self.js_src = {n: ColumnDataSource({"x": [], "y": []}) for n in names}
        for k, n in enumerate(names):
            color = Category10_10[k % 10]
            self.mu_fig.line("x", "y", source=self.mu_src[n], line_width=2, color=color, legend_label=n)
            self.js_fig.line("x", "y", source=self.js_src[n], line_width=2, color=color, legend_label=n)
            self.js_fig.scatter("x", "y", source=self.js_src[n], size=3, color=color)
        self.jump_src = ColumnDataSource({"x0": [], "y0": [], "x1": [], "y1": []})
        self.js_fig.segment("x0", "y0", "x1", "y1", source=self.jump_src, color="red", line_width=3)
        self.rod_src = ColumnDataSource({"x0": [], "y0": [], "x1": [], "y1": []})
        self.mu_fig.segment(
            "x0",
            "y0",
            "x1",
            "y1",
            source=self.rod_src,
            color="gray",
            line_dash="dashed",
            legend_label="rods m",
        )
        self.ring_src = ColumnDataSource({"x": [], "y": []})
        self.mu_fig.scatter(
            "x", "y", source=self.ring_src, size=11, fill_color=None, line_color="black", legend_label="rings"
        )
        self.force_src = {
            key: ColumnDataSource({"x0": [], "y0": [], "x1": [], "y1": []})
            for key in ("source", "elastic", "tension")
        }
        for (key, src), color in zip(self.force_src.items(), ("firebrick", "green", "navy"), strict=True):
            self.mu_fig.segment(
                "x0", "y0", "x1", "y1", source=src, color=color, line_width=2, legend_label=f"{key} force"
            )
        for fig in (self.mu_fig, self.js_fig):
            fig.legend.click_policy = "hide"
            fig.legend.label_text_font_size = "8pt"
        self.g_src = ColumnDataSource({"theta": [], "g1": [], "g2": [], "neg1": [], "neg2": []})
        self.g_fig = figure(
            title="efficiencies g1(θ), g2(θ); shaded where negative",
            width=430,
            height=330,
            name="g_fig",
        )
        self.g_fig.xaxis.axis_label = ANGLE_LABEL
        self.g_fig.varea("theta", 0, "neg1", source=self.g_src, color="steelblue", alpha=0.2)
        self.g_fig.varea("theta", 0, "neg2", source=self.g_src, color="orange", alpha=0.2)
        self.g_fig.line(
            "theta", "g1", source=self.g_src, color="steelblue", line_width=2, legend_label="g1", name="g1"
        )
        self.g_fig.line(
            "theta", "g2", source=self.g_src, color="darkorange", line_width=2, legend_label="g2", name="g2"
        )
        self.now = Span(location=0, dimension="height", line_color="black", line_dash="dotted")
        self.g_fig.add_layout(self.now)
        self.g_fig.add_layout(Span(location=0, dimension="width", line_color="gray"))
        self.ra_src = ColumnDataSource({"theta": [], "ra": []})
        self.ra_fig = figure(
            title="RA(θ) [mΩ·µm²]",
            width=430,
            height=330,
            name="ra_fig",
        )
        self.ra_fig.xaxis.axis_label = ANGLE_LABEL
        self.ra_fig.line("theta", "ra", source=self.ra_src, line_width=2, name="ra")
        self.ra_now = Span(location=0, dimension="height", line_color="black", line_dash="dotted")
        self.ra_fig.add_layout(self.ra_now)
        self.explanation = pn.pane.Markdown("", width=870, name="explanation")
        self.torque_text = pn.pane.Markdown("", width=870, name="torques")
        self.status = pn.pane.Str("", name="status")
        self.toml = _widget(
            pn.widgets.TextAreaInput, "stack file (TOML)", value="", height=300, width=430, disabled=True
        )
        self.download = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(self.toml.value),
            filename="stack.toml",
            label="download stack.toml",
        )

    def _draw(self, view: View) -> None:
        hodo = view.hodo
        mu = hodo.mu_2d * 1e6
        for k, n in enumerate(view.stack.names):
            sel = hodo.layer == k
            self.mu_src[n].data = {"x": mu[sel, 0], "y": mu[sel, 1]}
            self.js_src[n].data = {"x": hodo.js_2d[sel, 0] / GA, "y": hodo.js_2d[sel, 1] / GA}
        jumps = hodo.node_js_2d / GA  # (L+1, 2 sides, 2)
        self.jump_src.data = {
            "x0": jumps[:, 1, 0],
            "y0": jumps[:, 1, 1],
            "x1": jumps[:, 0, 0],
            "y1": jumps[:, 0, 1],
        }
        span = 1.3 * (float(np.abs(mu).max()) or 1.0)
        rods = np.array(list(hodo.rods.values())).reshape(-1, 2)
        self.rod_src.data = {
            "x0": -span * rods[:, 0],
            "y0": -span * rods[:, 1],
            "x1": span * rods[:, 0],
            "y1": span * rods[:, 1],
        }
        nodes = hodo.node_mu_2d * 1e6
        ring = [r.node for r in view.rings]
        self.ring_src.data = {"x": nodes[ring, 0], "y": nodes[ring, 1]}
        largest = max(
            (max(float(np.linalg.norm(r.source)), float(np.linalg.norm(r.tension_left))) for r in view.rings),
            default=0.0,
        )
        scale = 0.25 * span / largest if largest > 0 else 0.0
        for key in self.force_src:
            starts, ends = [], []
            for r in view.rings:
                vector = {
                    "source": r.source,
                    "elastic": r.elastic,
                    "tension": r.tension_left + r.tension_right,
                }[key]
                R = hodo.maps[min(r.node, len(hodo.maps) - 1)]
                starts.append(nodes[r.node])
                ends.append(nodes[r.node] + scale * (R @ vector))
            a, b = np.array(starts).reshape(-1, 2), np.array(ends).reshape(-1, 2)
            self.force_src[key].data = {"x0": a[:, 0], "y0": a[:, 1], "x1": b[:, 0], "y1": b[:, 1]}
        deg = np.degrees(view.theta)
        self.g_src.data = {
            "theta": deg,
            "g1": view.g1,
            "g2": view.g2,
            "neg1": np.minimum(np.nan_to_num(view.g1), 0.0),
            "neg2": np.minimum(np.nan_to_num(view.g2), 0.0),
        }
        self.ra_src.data = {"theta": deg, "ra": view.resistance_area * 1e15}
        if view.rotate is not None:
            self.now.location = self.ra_now.location = _value(self.angle[view.rotate])
        self.explanation.object = f"**explain:** {view.explanation}"
        self.torque_text.object = "**torques per area (solve) [J/m²]:** " + "; ".join(
            f"{n}: ({', '.join(f'{c:.4g}' for c in t)})" for n, t in view.torques.items()
        )
        self.toml.value = view.toml

    def layout(self) -> pn.viewable.Viewable:
        """The page."""
        return pn.Row(
            pn.Column(self.controls, self.status, self.toml, self.download),
            pn.Column(
                pn.Row(self.mu_fig, self.js_fig),
                pn.Row(self.g_fig, self.ra_fig),
                self.explanation,
                self.torque_text,
            ),
        )


def serve(stack: Stack, port: int, open_browser: bool) -> None:
    """Serve the explorer for ``stack`` on http://127.0.0.1:PORT until interrupted."""
    view_of(stack)  # compile the solver kernels before the first page is served
    pn.serve(
        lambda: Explorer(stack).layout(),
        port=port,
        address="127.0.0.1",
        show=open_browser,
        websocket_origin=[f"127.0.0.1:{port}", f"localhost:{port}"],
        title="spintorque explore",
        threaded=False,
    )
