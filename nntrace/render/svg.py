"""The network as an SVG picture, written by hand: neurons as circles, connections as lines
with their weights on them (past LABEL_LIMIT weights, lines alone, and a caption that says
so). Given the network after a step as well, each weight shows its old and its new value."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..core.network import Network
from ..views.network import connections, layer_heading, neuron_name, weight_text
from ..views.summary import SHOWN, WIDE, Summary, shown_network


@dataclass
class Layout:
    radius: float = 22
    row_gap: float = 78          # between neuron centres in a column
    margin: float = 40
    heading_space: float = 30


# Past this many weights a label per line no longer reads (and placing them is slow): the
# picture then draws neurons and lines only, and says so in a caption.
LABEL_LIMIT = 24


@dataclass
class Geometry:
    """Where everything goes: the picture's size and each neuron's centre."""

    network: Network
    layout: Layout
    column_gap: float
    width: float
    height: float

    def centre(self, l: int, j: int) -> tuple[float, float]:
        layout, tallest = self.layout, max(self.network.layers)
        x = layout.margin + 60 + l * self.column_gap
        top = layout.heading_space + layout.margin + (tallest - self.network.layers[l]) * layout.row_gap / 2
        return x, top + (j - 0.5) * layout.row_gap

    def neurons(self) -> list[tuple[int, int, float, float]]:
        return [(l, j, *self.centre(l, j)) for l, size in enumerate(self.network.layers)
                for j in range(1, size + 1)]


def geometry(network: Network, labels: list[str] | None, caption: list[str], layout: Layout) -> Geometry:
    """The columns are wide enough for the weight labels (`labels`, None when unlabelled)."""
    if labels is not None:
        label_width = max(text_width(label, 12) for label in labels)
        busiest = max(a * b for a, b in zip(network.layers, network.layers[1:]))
        # Dense layers get more room between columns, so every label finds a free place.
        column_gap = max(220.0, 2.8 * label_width) * max(1.0, busiest ** 0.5 / 3)
    else:
        column_gap = 260.0
    bottom = layout.radius + (22 if network.biases is not None else 0) + 24 * len(caption)
    height = layout.heading_space + layout.margin + (max(network.layers) - 0.5) * layout.row_gap + bottom + 20
    width = 2 * layout.margin + 120 + (len(network.layers) - 1) * column_gap
    if caption:
        width = max(width, 2 * layout.margin + max(text_width(line, 12) for line in caption))
    return Geometry(network, layout, column_gap, width, height)


def network_svg(network: Network, after: Network | None = None, digits: int = 7,
                layout: Layout = Layout(), summary: bool = True) -> str:
    """A standalone SVG picture of the network, readable at a glance.

    Up to LABEL_LIMIT weights each line carries its weight; past it the lines are unlabelled
    and a caption says where the weights are listed. With `summary`, a layer wider than a
    screen is drawn as its first neurons (views/summary.py), so the picture of any network
    stays small; `summary=False` draws every neuron and weight.
    """
    full, caption = network, []
    if summary and Summary(tuple(network.layers)).wide:
        network = shown_network(full, Summary(tuple(full.layers)))
        after = None if after is None else shown_network(after, Summary(tuple(full.layers)))
        caption.append(f"the first {SHOWN} neurons of each layer wider than {WIDE}, and their "
                       f"connections; nntrace show --all --export FILE.svg draws every one")
    all_connections = connections(network, after)
    weights = [c for c in all_connections if c.source is not None]
    labelled = len(weights) <= LABEL_LIMIT
    caption += [] if labelled else [
        f"{len(weights)} weights, more than {LABEL_LIMIT}: lines unlabelled; "
        f"nntrace show {'--all ' if full is not network else ''}--export FILE.md lists every weight"]
    if after is not None:
        caption.append("weights: before → after; blue positive, red negative after")
    where = geometry(network, [weight_text(c, digits) for c in all_connections] if labelled else None,
                     caption, layout)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{where.width:.0f}" height="{where.height:.0f}" '
           f'viewBox="0 0 {where.width:.0f} {where.height:.0f}" '
           f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">',
           f"<title>Network {escape(full.describe())}</title>",
           '<rect width="100%" height="100%" fill="white"/>']
    out += [svg_text(where.centre(l, 1)[0], layout.margin, layer_heading(network, l), 15, "middle", bold=True)
            for l in range(len(network.layers))]
    out += [svg_text(where.centre(l, 1)[0], layout.margin + 17, f"first {size} of {full.layers[l]} neurons",
                     12, "middle") for l, size in enumerate(network.layers) if size < full.layers[l]]
    segments = {c.name: segment(where, c.layer, c.source, c.to) for c in weights}
    stroke = 1.6 if labelled else 0.6    # many unlabelled lines: thin, so they stay apart
    out += ['<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" ' % segments[c.name] +
            f'stroke="{weight_colour(c.old if c.new is None else c.new)}" stroke-width="{stroke}"/>'
            for c in weights]
    out += neuron_elements(where, {(c.layer, c.to): c for c in all_connections if c.source is None}, digits)
    if labelled:
        out += label_elements(where, weights, segments, digits)
    out += [svg_text(layout.margin, where.height - 12 - 24 * (len(caption) - 1 - k), line, 12, "start")
            for k, line in enumerate(caption)]
    out.append("</svg>")
    return "\n".join(out) + "\n"


def segment(where: Geometry, layer: int, source: int, to: int) -> Segment:
    """The line of a weight, from circle edge to circle edge."""
    (x1, y1), (x2, y2) = where.centre(layer - 1, source), where.centre(layer, to)
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    radius = where.layout.radius
    ux, uy = (x2 - x1) / length * radius, (y2 - y1) / length * radius
    return x1 + ux, y1 + uy, x2 - ux, y2 - uy


def neuron_elements(where: Geometry, biases: dict, digits: int) -> list[str]:
    """Each neuron a circle with its name, and its bias below it."""
    out, last, radius = [], len(where.network.layers) - 1, where.layout.radius
    for l, j, x, y in where.neurons():
        fill = "#e8f0fe" if l == 0 else ("#fde8e8" if l == last else "#e8f6ec")
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{fill}" '
                   f'stroke="#333" stroke-width="1.5"><title>{neuron_name(l, j)}</title></circle>')
        out.append(svg_text(x, y + 4, f"n{j}", 12, "middle"))
        if (l, j) in biases:
            bias = biases[(l, j)]
            out.append(svg_text(x, y + radius + 15, f"b {weight_text(bias, digits)}", 11,
                                "middle", name=bias.name))
    return out


def label_elements(where: Geometry, weights: list, segments: dict, digits: int) -> list[str]:
    """Each weight's label on its line, where it covers no circle, bias or other label."""
    radius = where.layout.radius
    taken = [(x - radius, y - radius, x + radius, y + radius) for _, _, x, y in where.neurons()]
    if where.network.biases is not None:   # the bias labels under the circles are taken too
        taken += [(x - 40, y + radius, x + 40, y + radius + 20) for l, _, x, y in where.neurons() if l]
    out = []
    for c in weights:
        text = weight_text(c, digits)
        box = place_label(segments[c.name], text_width(text, 12), 16, taken, list(segments.values()))
        taken.append(box)
        out.append(f'<rect x="{box[0]:.1f}" y="{box[1]:.1f}" width="{box[2] - box[0]:.1f}" '
                   f'height="{box[3] - box[1]:.1f}" rx="3" fill="white" fill-opacity="0.9"/>')
        out.append(svg_text((box[0] + box[2]) / 2, box[3] - 4, text, 12, "middle", name=c.name))
    return out


Box = tuple[float, float, float, float]
Segment = tuple[float, float, float, float]
# Along the line from its source (0) to its target (1), the middle first.
LABEL_POSITIONS = sorted((t / 20 for t in range(3, 18)), key=lambda t: abs(t - 0.5))


def place_label(segment: Segment, width: float, height: float, taken: list[Box],
                others: list[Segment]) -> Box:
    """A box centred on the line for its label: the first position that covers no other label,
    circle or line; else the one that covers least."""
    x, y, x2, y2 = segment

    def box_at(t: float) -> Box:
        cx, cy = x + (x2 - x) * t, y + (y2 - y) * t
        return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2

    def cost(box: Box) -> float:
        covered = sum(overlap(box, other) for other in taken)
        crossed = sum(crosses(other, box) for other in others if other != segment)
        return covered + crossed * width * height

    return min((box_at(t) for t in LABEL_POSITIONS), key=cost)


def overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def crosses(segment: Segment, box: Box) -> bool:
    """Does the segment pass through the box? (Liang-Barsky clipping.)"""
    x, y, x2, y2 = segment
    dx, dy = x2 - x, y2 - y
    low, high = 0.0, 1.0
    for p, q in ((-dx, x - box[0]), (dx, box[2] - x), (-dy, y - box[1]), (dy, box[3] - y)):
        if p == 0:
            if q < 0:
                return False
        else:
            r = q / p
            if p < 0:
                low = max(low, r)
            else:
                high = min(high, r)
    return low < high


def text_width(text: str, size: int) -> float:
    return len(text) * size * 0.6 + 8    # a generous average glyph width, plus padding


def weight_colour(weight: float) -> str:
    return "#2b6cb0" if weight >= 0 else "#c53030"   # blue positive, red negative


def svg_text(x: float, y: float, text: str, size: int, anchor: str, bold: bool = False,
             name: str | None = None) -> str:
    attributes = f'x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
    if bold:
        attributes += ' font-weight="bold"'
    if name:
        attributes += f' data-name="{name}"'
    return f"<text {attributes}>{escape(text)}</text>"
