"""The network as an SVG picture, written by hand: neurons as circles, connections as lines
with their weights on them (past LABEL_LIMIT weights, lines alone, and a caption that says
so). Given the network after a step as well, each weight shows its old and its new value."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..core.network import Network
from ..views.network import connections, layer_heading, neuron_name, weight_text

@dataclass
class Layout:
    radius: float = 22
    row_gap: float = 78          # between neuron centres in a column
    margin: float = 40
    heading_space: float = 30


# Past this many weights a label per line no longer reads (and placing them is slow): the
# picture then draws neurons and lines only, and says so in a caption.
LABEL_LIMIT = 24


def network_svg(network: Network, after: Network | None = None, digits: int = 7,
                layout: Layout = Layout()) -> str:
    """A standalone SVG picture of the network, readable at a glance.

    Up to LABEL_LIMIT weights each line carries its weight; past it the lines are unlabelled
    and a caption says where the weights are listed.
    """
    all_connections = connections(network, after)
    weights = [c for c in all_connections if c.source is not None]
    labelled = len(weights) <= LABEL_LIMIT
    caption = [] if labelled else [
        f"{len(weights)} weights, more than {LABEL_LIMIT}: lines unlabelled; "
        f"nntrace show --export FILE.md lists every weight"]
    if after is not None:
        caption.append("weights: before → after; blue positive, red negative after")
    if labelled:
        label_width = max(text_width(weight_text(c, digits), 12) for c in all_connections)
        busiest = max(a * b for a, b in zip(network.layers, network.layers[1:]))
        # Dense layers get more room between columns, so every label finds a free place.
        column_gap = max(220.0, 2.8 * label_width) * max(1.0, busiest ** 0.5 / 3)
    else:
        column_gap = 260.0
    tallest = max(network.layers)
    bottom = layout.radius + (22 if network.biases is not None else 0) + 24 * len(caption)
    height = layout.heading_space + layout.margin + (tallest - 0.5) * layout.row_gap + bottom + 20
    width = 2 * layout.margin + 120 + (len(network.layers) - 1) * column_gap
    if caption:
        width = max(width, 2 * layout.margin + max(text_width(line, 12) for line in caption))

    def centre(l: int, j: int) -> tuple[float, float]:
        x = layout.margin + 60 + l * column_gap
        top = layout.heading_space + layout.margin + (tallest - network.layers[l]) * layout.row_gap / 2
        return x, top + (j - 0.5) * layout.row_gap

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">',
           f"<title>Network {escape(network.describe())}</title>",
           '<rect width="100%" height="100%" fill="white"/>']
    for l in range(len(network.layers)):
        x, _ = centre(l, 1)
        out.append(svg_text(x, layout.margin, layer_heading(network, l), 15, "middle", bold=True))
    segments = {}
    for c in weights:
        (x1, y1), (x2, y2) = centre(c.layer - 1, c.source), centre(c.layer, c.to)
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        ux, uy = (x2 - x1) / length * layout.radius, (y2 - y1) / length * layout.radius
        segments[c.name] = (x1 + ux, y1 + uy, x2 - ux, y2 - uy)
    stroke = 1.6 if labelled else 0.6    # many unlabelled lines: thin, so they stay apart
    lines = ['<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" ' % segments[c.name] +
             f'stroke="{weight_colour(c.old if c.new is None else c.new)}" stroke-width="{stroke}"/>'
             for c in weights]
    labels = []
    if labelled:
        # Every circle is taken; each weight label then goes where it covers no other label.
        taken = [(x - layout.radius, y - layout.radius, x + layout.radius, y + layout.radius)
                 for l, size in enumerate(network.layers) for x, y in
                 (centre(l, j) for j in range(1, size + 1))]
        if network.biases is not None:   # the bias labels under the circles are taken too
            taken += [(x - 40, y + layout.radius, x + 40, y + layout.radius + 20)
                      for l, size in enumerate(network.layers) if l for x, y in
                      (centre(l, j) for j in range(1, size + 1))]
        for c in weights:
            text = weight_text(c, digits)
            box = place_label(segments[c.name], text_width(text, 12), 16, taken,
                              list(segments.values()))
            taken.append(box)
            labels.append(f'<rect x="{box[0]:.1f}" y="{box[1]:.1f}" width="{box[2] - box[0]:.1f}" '
                          f'height="{box[3] - box[1]:.1f}" rx="3" fill="white" fill-opacity="0.9"/>')
            labels.append(svg_text((box[0] + box[2]) / 2, box[3] - 4, text, 12, "middle", name=c.name))
    out += lines
    biases = {(c.layer, c.to): c for c in all_connections if c.source is None}
    for l, size in enumerate(network.layers):
        for j in range(1, size + 1):
            x, y = centre(l, j)
            fill = "#e8f0fe" if l == 0 else ("#fde8e8" if l == len(network.layers) - 1 else "#e8f6ec")
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{layout.radius}" fill="{fill}" '
                       f'stroke="#333" stroke-width="1.5"><title>{neuron_name(l, j)}</title></circle>')
            out.append(svg_text(x, y + 4, f"n{j}", 12, "middle"))
            if (l, j) in biases:
                bias = biases[(l, j)]
                out.append(svg_text(x, y + layout.radius + 15, f"b {weight_text(bias, digits)}", 11,
                                    "middle", name=bias.name))
    out += labels
    for k, line in enumerate(caption):
        out.append(svg_text(layout.margin, height - 12 - 24 * (len(caption) - 1 - k), line, 12,
                            "start"))
    out.append("</svg>")
    return "\n".join(out) + "\n"


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
