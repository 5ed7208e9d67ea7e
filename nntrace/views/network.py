"""A network as the article's figures draw it, as data: every connection (weight or bias)
into each neuron, with its value, and after a step its old and new value."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.network import Network
from .summary import Summary, shown_network
from .text import format_number


@dataclass
class NetworkView:
    """The network to draw, and after a step each weight's old and new value. A network
    with a layer wider than a screen is, with `summary`, a table per layer of its first
    neurons and weights, each saying how many connections it leaves out."""

    network: Network
    after: Network | None = None
    digits: int = 7
    summary: bool = True

    @property
    def summarised(self) -> bool:
        return self.summary and Summary(tuple(self.network.layers)).wide


@dataclass
class LayerTable:
    """The connections into one layer that a summary shows, and how many it leaves out."""

    title: str
    rows: list[list[str]]
    note: str      # "" when every connection is shown


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


def layer_tables(view: NetworkView) -> list[LayerTable]:
    """A table per layer: the connections into its first neurons from the first neurons
    below (and their biases), as connection_rows writes them."""
    network, after, summary = view.network, view.after, Summary(tuple(view.network.layers))
    shown = shown_network(network, summary)
    shown_after = None if after is None else shown_network(after, summary)
    rows = connection_rows(shown, shown_after, view.digits)
    tables, start = [], 0
    for l in range(1, len(network.layers)):
        count = shown.layers[l] * (shown.layers[l - 1] + (network.biases is not None))
        total = network.layers[l] * (network.layers[l - 1] + (network.biases is not None))
        left = summary.left_out(l)
        note = (f"and {total - count:,} more connection(s) into {layer_heading(network, l).split()[0]} "
                f"({left}; --all shows every one)") if total > count else ""
        tables.append(LayerTable(f"Into {layer_heading(network, l)}", rows[start:start + count], note))
        start += count
    return tables
