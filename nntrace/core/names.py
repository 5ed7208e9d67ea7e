"""The trace-name grammar: how every value of a step is named, and reading a name back.

Layers and neurons count from 1, the way the article counts them; layer 0 is the input.
`L1.n2.net` is the net input of neuron 2 of layer 1, `L2.n1.w3` the weight into it from
neuron 3 below, `L2.n1.w3.grad` that weight's gradient, `loss` the sample's loss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

NEURON_KINDS = ("net", "out", "error", "deriv", "delta")
NAME = re.compile(r"L(\d+)\.n(\d+)\.(net|out|error|deriv|delta|b|w(\d+))(?:\.(grad|velocity))?$")


@dataclass(frozen=True)
class ValueName:
    """A trace name read back: L2.n1.w3 is layer 2, neuron 1, kind "w", source neuron 3."""

    layer: int
    neuron: int
    kind: str                  # net, out, error, deriv, delta, w or b
    source: int | None = None  # for a weight: the neuron of the layer below it comes from
    part: str = ""             # "", or for a weight or bias "grad" or "velocity"


def parse_name(name: str) -> ValueName | None:
    """The parts of a neuron's trace name; None for `loss` and names outside the scheme."""
    match = NAME.match(name)
    if not match:
        return None
    part = match[5] or ""
    if match[3] in ("net", "out", "error", "deriv", "delta") and part:
        return None
    if match[4]:
        return ValueName(int(match[1]), int(match[2]), "w", int(match[4]), part)
    return ValueName(int(match[1]), int(match[2]), match[3], None, part)


def neuron(layer: int, j: int) -> str:
    return f"L{layer}.n{j}"


def weight(layer: int, j: int, i: int) -> str:
    return f"L{layer}.n{j}.w{i}"


def weights(layer: int, j: int, sources: int, part: str = "") -> list[str]:
    """The names of neuron j's weights from each of `sources` neurons below, in order (and
    with `part`, ".grad" say, theirs): weight(layer, j, i) for i from 1, made at once (a
    large network's step names hundreds of thousands of weights)."""
    prefix = f"L{layer}.n{j}.w"
    if part:
        return [prefix + i + part for i in counting(sources)]
    return [prefix + i for i in counting(sources)]


@lru_cache(maxsize=16)
def counting(n: int) -> tuple[str, ...]:
    """"1", "2", … str(n): written once for every row of weights."""
    return tuple(map(str, range(1, n + 1)))


def bias(layer: int, j: int) -> str:
    return f"L{layer}.n{j}.b"


def input_name(i: int) -> str:
    """What input i hands forward: the output of neuron i of layer 0 (not recorded)."""
    return f"L0.n{i}.out"


def target_name(j: int) -> str:
    """The target of output j (not recorded: the step's `target` holds it)."""
    return f"target{j}"


LEARNING_RATE = "lr"
MOMENTUM = "momentum"          # μ of torch.optim.SGD
WEIGHT_DECAY = "weight_decay"  # λ
ZERO = "0"    # the constant operand 0, where a sum starts without a bias


def constant(name: str) -> float | None:
    """An operand that is a number written out ("0", "2"): its value; None for a name."""
    return float(name) if name.isdigit() else None
