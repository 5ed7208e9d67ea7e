"""The network in the terminal: columns of neurons, each fed by its labelled connections
(`n1 ── 0.2 ─┐`); a network too wide for the terminal becomes a table of connections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..core.network import Network
from ..views.network import (Connection, NetworkView, connection_header, connection_rows, connections,
                             layer_heading, layer_tables, weight_text)

LEGEND = "Under Ll, ni ── w ─▶ ○ nj is weight Ll.nj.wi, bias ── b is Ll.nj.b"

@dataclass
class NetworkPicture:
    """The network for a terminal: columns of neurons, each fed by its labelled connections."""

    network: Network
    after: Network | None = None      # the network after a step: old → new on each weight
    digits: int = 7
    summary: bool = True              # a layer wider than a screen: its first neurons, per layer

    def __rich_console__(self, console, options) -> Iterator:
        from rich.text import Text

        view = NetworkView(self.network, self.after, self.digits, self.summary)
        if view.summarised:
            yield Text(f"Network {self.network.describe()}: wider than a screen, as a table per layer "
                       f"of the connections into its first neurons", style="bold")
            yield from self.layer_tables(view)
            return
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

    def layer_tables(self, view: NetworkView) -> Iterator:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        for part in layer_tables(view):
            table = Table(title=part.title, title_justify="left", title_style="bold magenta",
                          box=box.SIMPLE_HEAD, pad_edge=False)
            for header in connection_header(self.after is not None):
                table.add_column(header, no_wrap=True)
            for row in part.rows:
                table.add_row(*row)
            yield table
            if part.note:
                yield Text(f"… {part.note}", style="dim")

    def table(self):
        from rich import box
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for header in connection_header(self.after is not None):
            table.add_column(header, no_wrap=True)
        for row in connection_rows(self.network, self.after, self.digits):
            table.add_row(*row)
        return table
