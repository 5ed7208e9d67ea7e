"""What a summary of a wide network shows: every neuron of a layer of at most WIDE neurons,
else its first SHOWN, and of each neuron's weights the same. A step's tables, `show`'s
tables and the SVG picture of a large network show that much and say how much more there
is; `--all` shows every value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ..core import names as N
from ..core.network import Network

# A layer of more neurons than WIDE is wider than a screen: its first SHOWN are shown.
WIDE, SHOWN = 16, 8


@dataclass(frozen=True)
class Summary:
    layers: tuple[int, ...]

    @property
    def wide(self) -> bool:
        """Does the summary leave anything out?"""
        return max(self.layers) > WIDE

    def neurons(self, layer: int) -> int:
        """How many of the layer's neurons it shows (0 of a layer the network does not have)."""
        size = self.layers[layer] if 0 <= layer < len(self.layers) else 0
        return size if size <= WIDE else SHOWN

    @cached_property
    def _shown(self) -> dict[str, tuple[frozenset | None, frozenset | None]]:
        """By layer number as a name writes it: the neuron numbers shown, and the source
        numbers of its weights (None: every one), as text, so a name is judged without int()."""
        def numbers(layer: int) -> frozenset | None:
            size = self.layers[layer] if 0 <= layer < len(self.layers) else 0
            return None if size <= WIDE else frozenset(map(str, range(1, SHOWN + 1)))
        return {str(l): (numbers(l), numbers(l - 1)) for l in range(1, len(self.layers))}

    def shows(self, match: "re.Match[str] | None") -> bool:
        """Does it show the value of this trace name (matched by names.NAME)? A step of a
        large network asks this of every one of its hundreds of thousands of values."""
        if match is None:
            return True   # the loss, and names outside the grammar
        shown = self._shown.get(match[1])
        if shown is None or match[2][0] == "0" or (match[4] or "1")[0] == "0":
            layer = int(match[1])   # a layer the network does not have, or a number written 01
            return int(match[2]) <= self.neurons(layer) and (match[4] is None or
                                                            int(match[4]) <= self.neurons(layer - 1))
        neurons, sources = shown
        return (neurons is None or match[2] in neurons) and (
            match[4] is None or sources is None or match[4] in sources)

    def names(self) -> frozenset[str]:
        """Every trace name of a step that it shows (`shows` agrees), made from the grammar:
        a wide step's hundreds of thousands of names are then judged by one look-up each."""
        found = {"loss"}
        for l in range(1, len(self.layers)):
            sources = self.neurons(l - 1)
            for j in range(1, self.neurons(l) + 1):
                found.update(f"{N.neuron(l, j)}.{kind}" for kind in N.NEURON_KINDS)
                for part in ("", ".grad", ".velocity"):
                    found.update(N.weights(l, j, sources, part))
                    found.add(N.bias(l, j) + part)
        return frozenset(found)

    def left_out(self, layer: int) -> str:
        """What it leaves out of a layer's values, in words ("" when nothing)."""
        parts = [f"neurons after n{SHOWN} of {self.layers[layer]}" if self.layers[layer] > WIDE else "",
                 f"weights after w{SHOWN} of {self.layers[layer - 1]}" if self.layers[layer - 1] > WIDE else ""]
        return " and ".join(part for part in parts if part)


def shown_network(network: Network, summary: Summary) -> Network:
    """The part of the network a summary shows: each layer's first neurons and their weights."""
    sizes = [summary.neurons(l) for l in range(len(network.layers))]
    weights = [[row[:sizes[l]] for row in matrix[:sizes[l + 1]]] for l, matrix in enumerate(network.weights)]
    biases = None if network.biases is None else [layer[:sizes[l + 1]] for l, layer in enumerate(network.biases)]
    return Network(sizes, list(network.activations), weights, biases)
