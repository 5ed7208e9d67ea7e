"""A picture of the network, drawn the way the article's figures draw it.

Layers are columns; every connection carries its weight; each layer names its activation
and each neuron its bias. In the terminal each neuron gathers its incoming connections
(`L0.n1 ── 0.2 ─┐`); a network too wide for the terminal becomes a table of connections.
As SVG: neurons as circles, connections as lines with their weights on them (past
LABEL_LIMIT weights, lines alone, and a caption that says so). Given the
network after a step as well, each weight shows its old and its new value.

Only reads a Network; computes nothing but the layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Iterator

from .network import Network
from .render import format_number


@dataclass
class Connection:
    """One weight (or bias) into neuron `to` of layer `layer`; `source` None for the bias."""

    layer: int
    to: int
    source: int | None
    old: float
    new: float | None = None

    @property
    def name(self) -> str:
        end = "b" if self.source is None else f"w{self.source}"
        return f"L{self.layer}.n{self.to}.{end}"

    @property
    def origin(self) -> str:
        return "bias" if self.source is None else neuron_name(self.layer - 1, self.source)

    @property
    def target(self) -> str:
        return neuron_name(self.layer, self.to)


def neuron_name(layer: int, j: int) -> str:
    return f"L{layer}.n{j}"


def connections(network: Network, after: Network | None = None) -> list[Connection]:
    """Every weight and bias, by receiving layer and neuron, with the value after a step if given."""
    result = []
    for l, matrix in enumerate(network.weights, 1):
        for j, row in enumerate(matrix, 1):
            for i, weight in enumerate(row, 1):
                new = after.weights[l - 1][j - 1][i - 1] if after else None
                result.append(Connection(l, j, i, weight, new))
            if network.biases is not None:
                new = after.biases[l - 1][j - 1] if after and after.biases else None
                result.append(Connection(l, j, None, network.biases[l - 1][j - 1], new))
    return result


def layer_heading(network: Network, layer: int) -> str:
    if layer == 0:
        return "L0 input"
    kind = "output" if layer == len(network.layers) - 1 else "hidden"
    return f"L{layer} {kind} · {network.activations[layer - 1]}"


def weight_text(connection: Connection, digits: int) -> str:
    old = format_number(connection.old, digits)
    if connection.new is None:
        return old
    return f"{old} → {format_number(connection.new, digits)}"


# In the terminal.

LEGEND = "Under Ll, ni ── w ─▶ ○ nj is weight Ll.nj.wi, bias ── b is Ll.nj.b"

@dataclass
class NetworkPicture:
    """The network for a terminal: columns of neurons, each fed by its labelled connections."""

    network: Network
    after: Network | None = None      # the network after a step: old → new on each weight
    digits: int = 7

    def __rich_console__(self, console, options) -> Iterator:
        from rich.text import Text

        drawing = self.drawing()
        if max(len(line) for line in drawing) <= options.max_width:
            yield Text(f"Network {self.network.describe()}", style="bold")
            for line in drawing:
                yield self.styled(line)
            yield Text(LEGEND + (", old → new" if self.after else ""), style="dim")
        else:
            yield Text(f"Network {self.network.describe()}: too wide to draw in "
                       f"{options.max_width} columns, as a table of connections", style="bold")
            yield self.table()

    def drawing(self) -> list[str]:
        """The picture as lines of text: a column for the inputs, then one per layer."""
        net = self.network
        by_target: dict[tuple[int, int], list[Connection]] = {}
        for c in connections(net, self.after):
            by_target.setdefault((c.layer, c.to), []).append(c)
        columns = [[f"○ n{i}" for i in range(1, net.layers[0] + 1)]]
        for l in range(1, len(net.layers)):
            column: list[str] = []
            for j in range(1, net.layers[l] + 1):
                if column:
                    column.append("")
                column += self.fan_in(by_target[(l, j)], f"n{j}")
            columns.append(column)
        height = max(len(column) for column in columns)
        # The inputs spread over the height; every other column centred on it.
        inputs = columns[0]
        spread = [""] * height
        for k, label in enumerate(inputs):
            spread[round((k + 0.5) * height / len(inputs) - 0.5)] = label
        columns[0] = spread
        headings = [layer_heading(net, l) for l in range(len(net.layers))]
        widths = [max(len(line) for line in column + [heading])
                  for column, heading in zip(columns, headings)]
        blocks = []
        for column, width in zip(columns, widths):
            top = (height - len(column)) // 2
            padded = [""] * top + column + [""] * (height - top - len(column))
            blocks.append([line.ljust(width) for line in padded])
        lines = ["  ".join(h.ljust(w) for h, w in zip(headings, widths)).rstrip()]
        lines += ["  ".join(row).rstrip() for row in zip(*blocks)]
        return lines

    def fan_in(self, incoming: list[Connection], target: str) -> list[str]:
        """`n1 ── 0.2 ─┐` a line per connection, joined into the neuron on the middle line."""
        origins = ["bias" if c.source is None else f"n{c.source}" for c in incoming]
        origin_width = max(map(len, origins))
        labels = [weight_text(c, self.digits) for c in incoming]
        label_width = max(map(len, labels))
        k, middle = len(incoming), len(incoming) // 2
        lines = []
        for index, (origin, label) in enumerate(zip(origins, labels)):
            if k == 1:
                joint = "──▶ ○ " + target
            elif index == middle:
                joint = ("┴" if index == k - 1 else "┼") + "─▶ ○ " + target
            else:
                joint = "┐" if index == 0 else ("┘" if index == k - 1 else "┤")
            lines.append(f"{origin.ljust(origin_width)} ── {label.ljust(label_width)} ─{joint}")
        return lines

    @staticmethod
    def styled(line: str):
        from rich.text import Text

        text = Text(line)
        text.highlight_regex(r"\bn\d+|bias", "cyan")
        text.highlight_regex(r"L\d+ (input|hidden|output)( · \w+)?", "bold magenta")
        text.highlight_regex(r"(?<=── )[^─]+?(?= *─[┐┤┘┼┴─])", "bold")
        return text

    def table(self):
        from rich import box
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for header in connection_header(self.after is not None):
            table.add_column(header, no_wrap=True)
        for row in connection_rows(self.network, self.after, self.digits):
            table.add_row(*row)
        return table


def connection_header(with_new: bool) -> list[str]:
    return ["trace name", "from", "to", "activation"] + (["old", "new"] if with_new else ["weight"])


def connection_rows(network: Network, after: Network | None, digits: int) -> list[list[str]]:
    """A row per connection: what the picture draws, as a table."""
    rows = []
    for c in connections(network, after):
        row = [c.name, c.origin, c.target, network.activations[c.layer - 1],
               format_number(c.old, digits)]
        if c.new is not None:
            row.append(format_number(c.new, digits))
        rows.append(row)
    return rows


# As SVG, written by hand: circles, lines and text.

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
