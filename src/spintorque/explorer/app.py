"""The explorer page: Panel widgets and Bokeh figures around :func:`~spintorque.explorer.view_of`.

One :class:`Explorer` per browser session. Every widget change rebuilds the stack from the
widgets, calls :func:`~spintorque.explorer.model.view_of` and pushes the new numbers into the
figures' data sources; :attr:`Explorer.last_update_s` holds the time the last update took and
:attr:`Explorer.timings` its parts.

What keeps a slider move fast (``benchmarks/explore.py`` measures it in the browser):

* every change of one update goes to the browser as one websocket message (``pn.io.hold``:
  Bokeh otherwise sends one message per changed property, about 40 here, each redrawn apart);
* few data sources: one per figure part (all layers' curves in the columns of one source);
* the ``explain`` text (two thirds of the Python time) is computed after the figures are sent,
  on the server's next tick, and skipped when a newer move has come meanwhile;
* sliders wait 10 ms, not Panel's 50 ms, for further moves before calling back.
"""

from __future__ import annotations

import io
import time
from dataclasses import replace
from functools import partial
from typing import Any, ClassVar

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource, Range1d
from bokeh.models.annotations import Span
from bokeh.palettes import Category10_10
from bokeh.plotting import figure

from spintorque.errors import InputError
from spintorque.explorer.model import (
    View,
    database_interfaces,
    explanation_of,
    from_database,
    view_of,
)
from spintorque.interfaces import Interface
from spintorque.materials import Material, load_database
from spintorque.stack import Stack, spherical

NM = 1e-9
GA = 1e9  # spin currents drawn in GA/m²
ANGLE_LABEL = "polar angle θ of the second ferromagnet [deg]"


# Panel >= 1.9 calls a widget's caption ``label`` (``name`` is deprecated there); older ones ``name``
_CAPTION = "label" if "label" in pn.widgets.FloatSlider.param else "name"


class _Slider(pn.widgets.FloatSlider):
    """A float slider that calls back 10 ms after the last move (Panel waits 50 ms)."""

    _debounce: ClassVar[int] = 10


def _widget(kind: Any, caption: str, **options: Any) -> Any:
    """A widget of class ``kind`` captioned ``caption``, on every supported Panel."""
    return kind(**{_CAPTION: caption}, **options)


def _value(slider: Any) -> float:
    """A slider's value as a float (a cleared slider is refused by its caption)."""
    if slider.value is None:
        raise InputError(str(getattr(slider, _CAPTION)), "has no value")
    return float(slider.value)


EQUATIONS = (
    (
        "**Torque = spin-current jump** across a ferromagnet (its transverse part; j_s the "
        "charge-equivalent spin current [A/m²], drawn red in the spin-current hodograph):",
        r"$$\mathbf T_i = \frac{\hbar}{2e}\Big[\mathbf j_s(x_i^{\mathrm{left}})"
        r" - \mathbf j_s(x_i^{\mathrm{right}})\Big]_{\perp \mathbf m_i}$$",
    ),
    (
        "**Efficiencies g1, g2** (the seed's eq. (1); θ the angle between m1 and m2):",
        r"$$\mathbf T_1 = -\frac{\hbar}{2e}\, J g_1(\theta)\,"
        r" \mathbf m_1\times(\mathbf m_2\times\mathbf m_1)$$"
        r"$$\mathbf T_2 = \frac{\hbar}{2e}\, J g_2(\theta)\,"
        r" \mathbf m_2\times(\mathbf m_1\times\mathbf m_2)$$",
    ),
)
"""The page's formulae: a caption (Markdown) and a display equation (LaTeX rendered by KaTeX,
which Panel serves from its bundled copy: nothing is loaded from the internet)."""


def _interface_rows(stack: Stack) -> str:
    """The stack's finite interfaces as a Markdown table (or a line saying there are none)."""
    if not stack.interface_elements:
        return "interfaces: all transparent"
    rows = [
        "| interface | AR* [fΩ·m²] | γ | δ | G↑↓ [1e15 S/m²] | from |",
        "|---|---|---|---|---|---|",
    ]
    for i in stack.interface_elements:
        g = i.mixing_conductance
        mixing = "∞ (transparent)" if g is None else f"{g.real / 1e15:.4g} {g.imag / 1e15:+.4g}i"
        rows.append(
            f"| {i.between[0]}/{i.between[1]} | {i.resistance_area * 1e15:.4g} | {i.spin_asymmetry:.4g} "
            f"| {i.spin_memory_loss:.4g} | {mixing} | {'database' if from_database(i) else 'file'} "
            f"({i.status}) |"
        )
    return "\n".join(rows)


EXPLAIN_DELAY_MS = 250
"""While a slider is dragged, the ``explain`` text waits this long for the next move [ms]."""

FRAME = (340, 300)
"""Inner width and height of the hodograph figures [px]: their ranges are set to equal scales."""


def _limits(values: list[Any], pad: float = 0.06) -> tuple[float, float]:
    """Padded (start, end) of the finite numbers in ``values`` (arrays); (-1, 1) if none."""
    finite = [np.asarray(v, dtype=float).ravel() for v in values]
    joined = np.concatenate(finite) if finite else np.empty(0)
    joined = joined[np.isfinite(joined)]
    if joined.size == 0:
        return -1.0, 1.0
    lo, hi = float(joined.min()), float(joined.max())
    half = 0.5 * (hi - lo) * (1 + 2 * pad) or max(abs(lo), 1.0) * 0.1
    mid = 0.5 * (lo + hi)
    return mid - half, mid + half


def _equal_scales(fig: Any, xs: list[Any], ys: list[Any]) -> None:
    """Set ``fig``'s ranges around the data with one scale on both axes (its frame is FRAME)."""
    (x0, x1), (y0, y1) = _limits(xs), _limits(ys)
    per_px = max((x1 - x0) / FRAME[0], (y1 - y0) / FRAME[1])
    xm, ym = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
    fig.x_range.update(start=xm - 0.5 * per_px * FRAME[0], end=xm + 0.5 * per_px * FRAME[0])
    fig.y_range.update(start=ym - 0.5 * per_px * FRAME[1], end=ym + 0.5 * per_px * FRAME[1])


def _columns(data: dict[str, Any]) -> dict[str, list[float]]:
    """Columns as lists: Bokeh sends them inline in the message's JSON, not as one binary
    buffer (two websocket frames) per column."""
    return {key: np.asarray(value, dtype=float).tolist() for key, value in data.items()}


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
        The stack first shown; its layer names, kinds (ferromagnet or normal metal), leads,
        magnetization azimuths and own finite interfaces stay fixed, the rest is on the widgets.
    database_interfaces : bool, optional
        Start with the database's interfaces on (a stack file's ``database_interfaces = true``);
        default: on if ``stack`` holds any interface from the database.
    """

    def __init__(self, stack: Stack, database_interfaces: bool | None = None) -> None:
        self.base = stack
        self.own: tuple[Interface, ...] = tuple(i for i in stack.interface_elements if not from_database(i))
        if database_interfaces is None:
            database_interfaces = any(from_database(i) for i in stack.interface_elements)
        self.timings: dict[str, float] = {}
        self._generation = 0
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
                _Slider,
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
                    _Slider,
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
            _Slider,
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
        self.use_database = _widget(
            pn.widgets.Checkbox,
            "database interfaces (the shipped [interfaces] values for pairs the file does not give)",
            value=database_interfaces,
        )
        self.interface_table = pn.pane.Markdown("", width=560, name="interfaces")
        self.controls = pn.Column("### Stack", *rows, self.use_database, self.interface_table)
        self._figures()
        for widget in (
            *self.thickness.values(),
            *self.angle.values(),
            *self.material.values(),
            self.log_current,
            self.direction,
            self.use_database,
        ):
            names = ["value", "value_throttled"] if isinstance(widget, _Slider) else ["value"]
            widget.param.watch(self._changed, names)
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
        shown = Stack(
            tuple(layers), stack.left, stack.right, sign * 10.0 ** _value(self.log_current), self.own
        )
        if self.use_database.value:
            shown = shown.with_interfaces(database_interfaces(shown))
        return shown

    def _changed(self, *events: Any) -> None:
        """A widget changed. A slider being dragged sends ``value`` alone, its release (and a
        key step) ``value_throttled`` too: the ``explain`` text is computed at once only then."""
        final = any(e.name == "value_throttled" or not isinstance(e.obj, _Slider) for e in events)
        if any(e.name == "value" for e in events):
            self.update(explain=final)
        elif final:
            self._schedule_explain(0)

    def update(self, explain: bool = True) -> View | None:
        """Recompute and redraw; returns the new view (None, with the reason shown, if refused).

        In a served page the ``explain`` text follows on the server's next tick
        (:meth:`explain_now`), or, with ``explain=False`` (a slider being dragged),
        :data:`EXPLAIN_DELAY_MS` later if no newer move came; elsewhere (tests, benchmarks) it
        is computed here.
        """
        start = time.perf_counter()
        try:
            view = view_of(self.stack(), database_interfaces=bool(self.use_database.value), explanation=False)
        except InputError as error:
            self.status.object = f"refused: {error}"
            return None
        solved = time.perf_counter()
        self._generation += 1
        self.view = view
        with pn.io.hold():
            self._draw(view)
            self.last_update_s = time.perf_counter() - start
            self.status.object = f"update {1e3 * self.last_update_s:.0f} ms"
            self.explanation.object = "**explain:** (follows when the slider rests)"
        self.timings = {"view": solved - start, "draw": time.perf_counter() - solved}
        self._schedule_explain(0 if explain else EXPLAIN_DELAY_MS)
        return self.view

    def _schedule_explain(self, delay_ms: int) -> None:
        """Run :meth:`explain_now` for the current update after ``delay_ms`` (served), or now."""
        doc = pn.state.curdoc
        callback = partial(self.explain_now, self._generation)
        if doc is None or doc.session_context is None:
            callback()
        elif delay_ms == 0:
            doc.add_next_tick_callback(callback)
        else:
            doc.add_timeout_callback(callback, delay_ms)

    def explain_now(self, generation: int) -> None:
        """Compute and show the ``explain`` text of update ``generation``, unless a newer came."""
        if generation != self._generation:
            return
        start = time.perf_counter()
        text = explanation_of(self.view.stack)
        self.view = replace(self.view, explanation=text)
        seed = " (the transparent stack, the seed's model)" if self.view.stack.interface_elements else ""
        with pn.io.hold():
            self.explanation.object = f"**explain**{seed}: {text}"
            self.timings["explain"] = time.perf_counter() - start
            self.status.object = (
                f"update {1e3 * self.last_update_s:.0f} ms, explain "
                f"{1e3 * self.timings['explain']:.0f} ms"
            )

    # --- figures -------------------------------------------------------------------------------
    def _figures(self) -> None:
        names = self.base.names
        seed = " (transparent: the seed's model)" if self.base.interface_elements or self.own else ""
        # explicit ranges, set with the data: the browser paints each figure once per update
        # (auto-ranging repaints after recomputing them)
        self.mu_fig = figure(
            title=f"spin accumulation hodograph (folded) [µV]{seed}",
            frame_width=FRAME[0],
            frame_height=FRAME[1],
            x_range=Range1d(start=-1, end=1),
            y_range=Range1d(start=-1, end=1),
            name="mu_fig",
        )
        self.js_fig = figure(
            title="spin current hodograph [GA/m²], red: Δj_s",
            frame_width=FRAME[0],
            frame_height=FRAME[1],
            x_range=Range1d(start=-1, end=1),
            y_range=Range1d(start=-1, end=1),
            name="js_fig",
        )
        # one source per figure part, one column pair per layer: one data change per part
        curves: dict[str, list[float]] = {f"{c}{k}": [] for k in range(len(names)) for c in "xy"}
        self.mu_src = ColumnDataSource(dict(curves), name="mu_source")
        self.js_src = ColumnDataSource(dict(curves), name="js_source")
        for k, n in enumerate(names):
            color = Category10_10[k % 10]
            x, y = f"x{k}", f"y{k}"
            self.mu_fig.line(x, y, source=self.mu_src, line_width=2, color=color, legend_label=n)
            self.js_fig.line(x, y, source=self.js_src, line_width=2, color=color, legend_label=n)
            self.js_fig.scatter(x, y, source=self.js_src, size=3, color=color)
        self.jump_src = ColumnDataSource({"x0": [], "y0": [], "x1": [], "y1": []}, name="jump_source")
        self.js_fig.segment("x0", "y0", "x1", "y1", source=self.jump_src, color="red", line_width=3)
        self.rod_src = ColumnDataSource({"x0": [], "y0": [], "x1": [], "y1": []}, name="rod_source")
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
        # the rings and their three forces share one source (one row per ring)
        self.forces = ("source", "elastic", "tension")
        ring_columns: dict[str, list[float]] = {
            "x": [],
            "y": [],
            **{f"{key}_{c}": [] for key in self.forces for c in "xy"},
        }
        self.ring_src = ColumnDataSource(ring_columns, name="ring_source")
        self.mu_fig.scatter(
            "x", "y", source=self.ring_src, size=11, fill_color=None, line_color="black", legend_label="rings"
        )
        for key, color in zip(self.forces, ("firebrick", "green", "navy"), strict=True):
            self.mu_fig.segment(
                "x",
                "y",
                f"{key}_x",
                f"{key}_y",
                source=self.ring_src,
                color=color,
                line_width=2,
                legend_label=f"{key} force",
            )
        for fig in (self.mu_fig, self.js_fig):
            fig.legend.click_policy = "hide"
            fig.legend.label_text_font_size = "8pt"
            fig.add_layout(fig.legend[0], "right")  # beside the frame, not over the curves
        # g1, g2 and RA over θ share one source
        self.g_src = ColumnDataSource(
            {"theta": [], "g1": [], "g2": [], "neg1": [], "neg2": [], "ra": []}, name="g_source"
        )
        self.ra_src = self.g_src
        self.g_fig = figure(
            title="efficiencies g1(θ), g2(θ); shaded where negative",
            width=500,
            height=330,
            x_range=Range1d(start=0, end=180),
            y_range=Range1d(start=-1, end=1),
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
        self.ra_fig = figure(
            title="RA(θ) [mΩ·µm²]",
            width=500,
            height=330,
            x_range=Range1d(start=0, end=180),
            y_range=Range1d(start=-1, end=1),
            name="ra_fig",
        )
        self.ra_fig.xaxis.axis_label = ANGLE_LABEL
        self.ra_fig.line("theta", "ra", source=self.g_src, line_width=2, name="ra")
        self.ra_now = Span(location=0, dimension="height", line_color="black", line_dash="dotted")
        self.ra_fig.add_layout(self.ra_now)
        self.explanation = pn.pane.Markdown("", width=1000, name="explanation")
        self.torque_text = pn.pane.Markdown("", width=1000, name="torques")
        self.equations = pn.Column(
            *(
                pane
                for caption, formula in EQUATIONS
                for pane in (
                    pn.pane.Markdown(caption, width=520),
                    pn.pane.LaTeX(formula, renderer="katex", width=520, name="equation"),
                )
            )
        )
        self.status = pn.pane.Str("", name="status")
        self.toml = _widget(
            pn.widgets.TextAreaInput, "stack file (TOML)", value="", height=220, width=500, disabled=True
        )
        self.download = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(self.toml.value),
            filename="stack.toml",
            label="download stack.toml",
        )

    def _draw(self, view: View) -> None:
        hodo = view.hodo
        mu = hodo.mu_2d * 1e6
        mu_data, js_data = {}, {}
        for k in range(len(view.stack.names)):
            sel = hodo.layer == k
            mu_data[f"x{k}"], mu_data[f"y{k}"] = mu[sel, 0], mu[sel, 1]
            js_data[f"x{k}"], js_data[f"y{k}"] = hodo.js_2d[sel, 0] / GA, hodo.js_2d[sel, 1] / GA
        self.mu_src.data = _columns(mu_data)
        self.js_src.data = _columns(js_data)
        jumps = hodo.node_js_2d / GA  # (L+1, 2 sides, 2)
        self.jump_src.data = _columns({
            "x0": jumps[:, 1, 0],
            "y0": jumps[:, 1, 1],
            "x1": jumps[:, 0, 0],
            "y1": jumps[:, 0, 1],
        })
        span = 1.3 * (float(np.abs(mu).max()) or 1.0)
        rods = np.array(list(hodo.rods.values())).reshape(-1, 2)
        self.rod_src.data = _columns({
            "x0": -span * rods[:, 0],
            "y0": -span * rods[:, 1],
            "x1": span * rods[:, 0],
            "y1": span * rods[:, 1],
        })
        nodes = hodo.node_mu_2d * 1e6
        ring = [r.node for r in view.rings]
        largest = max(
            (max(float(np.linalg.norm(r.source)), float(np.linalg.norm(r.tension_left))) for r in view.rings),
            default=0.0,
        )
        scale = 0.25 * span / largest if largest > 0 else 0.0
        rings: dict[str, Any] = {"x": nodes[ring, 0], "y": nodes[ring, 1]}
        for key in self.forces:
            ends = []
            for r in view.rings:
                vector = {
                    "source": r.source,
                    "elastic": r.elastic,
                    "tension": r.tension_left + r.tension_right,
                }[key]
                R = hodo.maps[min(r.node, len(hodo.maps) - 1)]
                ends.append(nodes[r.node] + scale * (R @ vector))
            end = np.array(ends).reshape(-1, 2)
            rings[f"{key}_x"], rings[f"{key}_y"] = end[:, 0], end[:, 1]
        self.ring_src.data = _columns(rings)
        self.g_src.data = _columns({
            "theta": np.degrees(view.theta),
            "g1": view.g1,
            "g2": view.g2,
            "neg1": np.minimum(np.nan_to_num(view.g1), 0.0),
            "neg2": np.minimum(np.nan_to_num(view.g2), 0.0),
            "ra": view.resistance_area * 1e15,
        })
        mu_x = [mu_data[f"x{k}"] for k in range(len(view.stack.names))]
        mu_y = [mu_data[f"y{k}"] for k in range(len(view.stack.names))]
        ring_x = [rings[c] for c in rings if c.endswith("x")]
        ring_y = [rings[c] for c in rings if c.endswith("y")]
        _equal_scales(self.mu_fig, [*mu_x, *ring_x, 0.0], [*mu_y, *ring_y, 0.0])
        _equal_scales(
            self.js_fig,
            [*(js_data[f"x{k}"] for k in range(len(view.stack.names))), jumps[..., 0]],
            [*(js_data[f"y{k}"] for k in range(len(view.stack.names))), jumps[..., 1]],
        )
        g_lo, g_hi = _limits([view.g1, view.g2, 0.0])
        self.g_fig.y_range.update(start=g_lo, end=g_hi)
        ra_lo, ra_hi = _limits([view.resistance_area * 1e15])
        self.ra_fig.y_range.update(start=ra_lo, end=ra_hi)
        if view.rotate is not None:
            self.now.location = self.ra_now.location = _value(self.angle[view.rotate])
        self.torque_text.object = "**torques per area (solve) [J/m²]:** " + "; ".join(
            f"{n}: ({', '.join(f'{c:.4g}' for c in t)})" for n, t in view.torques.items()
        )
        table = _interface_rows(view.stack)
        if self.interface_table.object != table:
            self.interface_table.object = table
        self.toml.value = view.toml

    def layout(self) -> pn.viewable.Viewable:
        """The page."""
        return pn.Row(
            pn.Column(self.controls, self.status, self.toml, self.download, self.equations),
            pn.Column(
                pn.Row(self.mu_fig, self.js_fig),
                pn.Row(self.g_fig, self.ra_fig),
                self.explanation,
                self.torque_text,
            ),
        )


def serve(stack: Stack, port: int, open_browser: bool, database_interfaces: bool | None = None) -> None:
    """Serve the explorer for ``stack`` on http://127.0.0.1:PORT until interrupted."""
    view_of(stack)  # compile the solver kernels before the first page is served
    pn.extension("katex")  # the formulae; Panel serves its bundled KaTeX (no internet)
    pn.serve(
        lambda: Explorer(stack, database_interfaces).layout(),
        port=port,
        address="127.0.0.1",
        show=open_browser,
        websocket_origin=[f"127.0.0.1:{port}", f"localhost:{port}"],
        title="spintorque explore",
        threaded=False,
    )
