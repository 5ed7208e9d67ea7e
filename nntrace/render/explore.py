"""The `nntrace explore` page: one self-contained HTML file (its data, styles and script
inline; it fetches nothing, so it works offline and from an e-mail attachment).

The view's columns are written as base64 of little-endian float64s, every value to the
last bit in about 11 characters; the page's script reads them, fills the formula
templates and writes each number as Python does (repr, and the tables' 7 digits). The
picture of the network is drawn here, once; the script only recolours it per step.
"""

from __future__ import annotations

import base64
import json
import math
import re
import sys
from array import array
from dataclasses import dataclass
from html import escape
from importlib import resources
from typing import Any, Sequence

from ..trace.model import finite_or_none
from ..views.explore import ExploreView, Row, Side, drawable
from ..views.network import layer_heading



def explore_html(view: ExploreView) -> str:
    """The whole page."""
    files = resources.files(__package__).joinpath("explore")
    parts = {
        "TITLE": escape(view.title),
        "STYLE": files.joinpath("page.css").read_text(encoding="utf-8"),
        "SCRIPT": files.joinpath("page.js").read_text(encoding="utf-8"),
        "SUMMARY": escape(view.summary),
        "NOTES": "\n".join(f"<p class=\"note\">{escape(note)}</p>" for note in view.notes),
        "NETWORK": network_svg(view),
        "DATA": script_json(page_data(view)),
    }
    template = files.joinpath("page.html").read_text(encoding="utf-8")
    # One pass over the template: what is put in is never searched for placeholders again.
    return re.sub(r"\{\{([A-Z]+)\}\}", lambda match: parts[match[1]], template)


def script_json(data: Any) -> str:
    """JSON that stays inside its <script> element whatever text it holds."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    # U+2028 and U+2029 end a line in older JavaScript; written as escapes they never do.
    for character in ("<", chr(0x2028), chr(0x2029)):
        text = text.replace(character, f"\\u{ord(character):04x}")
    return text


def column(values: Sequence[float | None]) -> str | list[str]:
    """A column as base64 of little-endian float64s; where values are missing (None) they
    are written NaN and listed in a second base64 string, a bit per step."""
    numbers = array("d", [math.nan if v is None else v for v in values])
    if sys.byteorder == "big":
        numbers.byteswap()
    encoded = base64.b64encode(numbers.tobytes()).decode("ascii")
    missing = [k for k, v in enumerate(values) if v is None]
    return [encoded, bits(missing, len(values))] if missing else encoded


def bits(positions: Sequence[int], size: int) -> str:
    """A set of positions as base64 of a bit array (bit k of byte k // 8, low bit first)."""
    found = bytearray((size + 7) // 8)
    for k in positions:
        found[k // 8] |= 1 << (k % 8)
    return base64.b64encode(bytes(found)).decode("ascii")


def page_data(view: ExploreView) -> dict[str, Any]:
    settings = view.settings
    network = view.network
    count = len(view.iterations)
    return {
        "title": view.title,
        "digits": view.digits,
        "settings": {name: None if value is None else finite_or_none(value) for name, value in
                     (("lr", settings.learning_rate), ("momentum", settings.momentum),
                      ("weight_decay", settings.weight_decay))},
        "layers": list(network.layers) if network else None,
        "biases": bool(network and network.biases is not None),
        "steps": {"iteration": view.iterations, "epoch": view.epochs, "samples": view.sample_counts,
                  "total": view.total_steps},
        "inputs": [[column(c) for c in slot] for slot in view.inputs],
        "targets": [[column(c) for c in slot] for slot in view.targets],
        "before": {name: column(values) for name, values in view.before.items()},
        "rows": [row_data(row) for row in view.rows],
        "expected": side_data(view.expected),
        "actual": side_data(view.actual) if view.actual else None,
        # The first difference's numbers as Python writes them: JSON has no NaN or infinity.
        "first": {**vars(view.first), "expected": repr(view.first.expected),
                  "actual": repr(view.first.actual)} if view.first else None,
        "agreement": view.agreement,
        "differing": {"values": {name: bits(p, count) for (slot, name), p in view.differing.items() if slot is None},
                      "samples": sample_bits(view.differing, count)},
        "figures": {str(k): figures for k, figures in view.figures.items()},
        "figure_notes": {str(k): notes for k, notes in view.figure_notes.items()},
        "figure_title": view.figure_title,
    }


def row_data(row: Row) -> dict[str, Any]:
    found: dict[str, Any] = {"name": row.name, "scope": row.scope, "heading": row.heading, "label": row.label,
                             "operands": [[o.kind, o.name, o.index] for o in row.operands]}
    if row.by_count:
        found["by_count"] = {str(n): template for n, template in row.by_count.items()}
    elif row.template:
        found["template"] = row.template
    return found


def side_data(side: Side) -> dict[str, Any]:
    return {"source": side.source,
            "values": {name: column(values) for name, values in side.values.items()},
            "samples": [{name: column(values) for name, values in slot.items()} for slot in side.samples],
            "epoch_losses": column(side.epoch_losses)}


def sample_bits(differing: dict, count: int) -> list[dict[str, str]]:
    slots = max([slot + 1 for slot, _ in differing if slot is not None], default=0)
    return [{name: bits(p, count) for (s, name), p in differing.items() if s == slot} for slot in range(slots)]


@dataclass
class Picture:
    """Where the picture puts each neuron: columns `gap` apart, rows `row` apart, centred."""

    layers: list[int]
    row: float
    gap: float = 190
    radius: float = 20
    margin: float = 24
    top: float = 64      # room for the two lines of each layer's heading

    @property
    def width(self) -> float:
        return 2 * self.margin + 110 + (len(self.layers) - 1) * self.gap

    @property
    def height(self) -> float:
        return self.top + max(self.layers) * self.row + 10

    def centre(self, l: int, j: int) -> tuple[float, float]:
        x = self.margin + 55 + l * self.gap
        y = self.top + (max(self.layers) - self.layers[l]) * self.row / 2 + (j - 0.5) * self.row
        return x, y

    def wire(self, l: int, i: int, j: int) -> tuple[float, float, float, float]:
        """The line of weight L{l}.n{j}.w{i}, from circle edge to circle edge."""
        (x1, y1), (x2, y2) = self.centre(l - 1, i), self.centre(l, j)
        length = math.hypot(x2 - x1, y2 - y1)
        dx, dy = (x2 - x1) / length * self.radius, (y2 - y1) / length * self.radius
        return x1 + dx, y1 + dy, x2 - dx, y2 - dy


def network_svg(view: ExploreView) -> str:
    """The network's skeleton: a line per weight, a circle per neuron, each tagged with its
    trace name; the script sets their colours, widths and numbers for each step."""
    network = view.network
    if network is None:
        return '<p class="note">The trace does not record its network, so there is no picture.</p>'
    if not drawable(network):
        weights = sum(a * b for a, b in zip(network.layers, network.layers[1:]))
        return f'<p class="note">{weights:,} weights are too many to draw.</p>'
    # Room under each circle for its output, and its bias.
    where = Picture(list(network.layers), row=90 if network.biases is not None else 74)
    out = [f'<svg id="network" viewBox="0 0 {where.width:.0f} {where.height:.0f}" role="group" '
           f'aria-label="The network {escape(network.describe())}: hover or focus a neuron or a weight">']
    for l in range(len(network.layers)):
        name, _, activation = layer_heading(network, l).partition(" · ")
        x = where.centre(l, 1)[0]
        out.append(f'<text class="heading" x="{x:.1f}" y="22">{escape(name)}</text>'
                   f'<text class="activation" x="{x:.1f}" y="40">{escape(activation)}</text>')
    for l in range(1, len(network.layers)):
        for j in range(1, network.layers[l] + 1):
            for i in range(1, network.layers[l - 1] + 1):
                ends = 'x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"' % where.wire(l, i, j)
                name = f"L{l}.n{j}.w{i}"
                out.append(f'<g class="weight" data-name="{name}" tabindex="0" role="button" '
                           f'aria-label="weight {name}"><line class="hit" {ends}/><line class="wire" {ends}/></g>')
    out += neurons_svg(view, where)
    out.append("</svg>")
    return "\n".join(out)


def neurons_svg(view: ExploreView, where: Picture) -> list[str]:
    """Each neuron a circle with its name; below it its output (an input: its value) and its bias."""
    network, radius = view.network, where.radius
    last = len(network.layers) - 1
    out = []
    for l, size in enumerate(network.layers):
        for j in range(1, size + 1):
            x, y = where.centre(l, j)
            kind = "input" if l == 0 else ("output" if l == last else "hidden")
            value = (f'<text class="value input" data-input="{j}" x="{x:.1f}" y="{y + radius + 16:.1f}"></text>'
                     if l == 0 else f'<text class="value" data-name="L{l}.n{j}.out" x="{x:.1f}" '
                                    f'y="{y + radius + 16:.1f}"></text>')
            bias = (f'<text class="bias" data-name="L{l}.n{j}.b" x="{x:.1f}" y="{y + radius + 32:.1f}"></text>'
                    if l and network.biases is not None else "")
            out.append(f'<g class="neuron {kind}" data-neuron="L{l}.n{j}" tabindex="0" role="button" '
                       f'aria-label="neuron L{l}.n{j}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}"/>'
                       f'<text class="id" x="{x:.1f}" y="{y + 5:.1f}">n{j}</text>{value}{bias}</g>')
    return out
