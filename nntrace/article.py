"""The article's worked example: "How neural network works? Let's figure it out"
(liashchynskyi, dev.to), the 2-4-1 XOR network with no biases.

Its network, sample, learning rate, names and every figure it prints are data, in the
worked-example file nntrace/examples/article.json (read by nntrace check and beside
`nntrace step`); the XOR table it trains on is here.
"""

from __future__ import annotations

import json
from pathlib import Path

from .core.network import Network

EXAMPLE = Path(__file__).parent / "examples" / "article.json"
_DATA = json.loads(EXAMPLE.read_text(encoding="utf-8"))
INPUT = [float(v) for v in _DATA["input"]]
TARGET = [float(v) for v in _DATA["target"]]
LEARNING_RATE = float(_DATA["settings"]["learning_rate"])
XOR = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]


def network() -> Network:
    return Network.from_dict(_DATA["network"], "the article's network")


def xor_target(inputs: list[float]) -> list[float] | None:
    """The XOR table's target for inputs 0/1, else None."""
    if len(inputs) == 2 and all(v in (0.0, 1.0) for v in inputs):
        return [float(int(inputs[0]) ^ int(inputs[1]))]
    return None
