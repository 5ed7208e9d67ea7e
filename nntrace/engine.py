"""Forward, backward, update: one iteration of online gradient descent.

The engine computes and hands each value, under its trace name, to `record`; it never
formats or prints. Without a recorder it computes exactly the same numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import localcontext
from typing import Callable, Sequence

from .conventions import Convention, Number, make_convention
from .errors import NonFiniteError
from .network import Network

Record = Callable[[str, Number], None]


@dataclass(frozen=True)
class NeuronNames:
    """The trace names of one neuron's values, built once per network, not per step."""

    net: str
    out: str
    error: str
    deriv: str
    delta: str
    weights: tuple[str, ...]
    bias: str


def neuron_names(layers: Sequence[int]) -> list[list[NeuronNames]]:
    """names[l][j] for layer l (1 = first after the input) and neuron j (from 0)."""
    names: list[list[NeuronNames]] = [[]]
    for l in range(1, len(layers)):
        layer = []
        for j in range(1, layers[l] + 1):
            p = f"L{l}.n{j}"
            weights = tuple(f"{p}.w{i}" for i in range(1, layers[l - 1] + 1))
            layer.append(NeuronNames(f"{p}.net", f"{p}.out", f"{p}.error", f"{p}.deriv",
                                     f"{p}.delta", weights, f"{p}.b"))
        names.append(layer)
    return names


NAME = re.compile(r"L(\d+)\.n(\d+)\.(net|out|error|deriv|delta|b|w(\d+))$")


@dataclass(frozen=True)
class ValueName:
    """A trace name read back: L2.n1.w3 is layer 2, neuron 1, kind "w", source neuron 3."""

    layer: int
    neuron: int
    kind: str                  # net, out, error, deriv, delta, w or b
    source: int | None = None  # for a weight: the neuron of the layer below it comes from


def parse_name(name: str) -> ValueName | None:
    """The parts of a neuron's trace name; None for `loss` and names outside the scheme."""
    match = NAME.match(name)
    if not match:
        return None
    if match[4]:
        return ValueName(int(match[1]), int(match[2]), "w", int(match[4]))
    return ValueName(int(match[1]), int(match[2]), match[3])


def value_names(network: Network) -> list[str]:
    """Every name one step records, in the order the computation produces them."""
    recorded: list[str] = []
    Engine(network).step([0.0] * network.inputs, [0.0] * network.outputs, 0.0,
                         lambda name, value: recorded.append(name))
    return recorded


class Engine:
    """A network's weights held in the convention's number type, stepped in place."""

    def __init__(self, network: Network, convention: Convention | None = None):
        self.convention = convention = convention or make_convention()
        num = convention.number
        self.layers = list(network.layers)
        self.weights = [[[num(w) for w in row] for row in matrix] for matrix in network.weights]
        self.biases = (None if network.biases is None else
                       [[num(b) for b in layer] for layer in network.biases])
        self.activations = [convention.activations[name] for name in network.activations]
        self.activation_names = list(network.activations)
        self.names = neuron_names(network.layers)
        self.zero = num(0.0)

    def network(self) -> Network:
        """The current weights as a plain float network."""
        return Network(
            list(self.layers), list(self.activation_names),
            [[[float(w) for w in row] for row in matrix] for matrix in self.weights],
            None if self.biases is None else [[float(b) for b in layer] for layer in self.biases],
        )

    def convert(self, values: Sequence[float]) -> list[Number]:
        num = self.convention.number
        return [num(v) for v in values]

    def step(self, inputs: Sequence[float], targets: Sequence[float], learning_rate: float,
             record: Record | None = None) -> Number:
        """One sample forward, backward and update; returns the loss before the update."""
        return self.step_converted(self.convert(inputs), self.convert(targets),
                                   self.convention.number(learning_rate), record)

    def step_converted(self, x: list[Number], targets: list[Number], lr: Number,
                       record: Record | None = None) -> Number:
        """`step` on values already in the convention's number type (the training hot loop)."""
        if self.convention.context is not None:
            with localcontext(self.convention.context):
                return self._step(x, targets, lr, record)
        return self._step(x, targets, lr, record)

    def _step(self, x: list[Number], targets: list[Number], lr: Number,
              record: Record | None) -> Number:
        c = self.convention
        carry = c.carry
        weights, biases, names = self.weights, self.biases, self.names
        last = len(weights)

        # Forward: net_j = sum_i x_i * w_ji (+ b_j), out_j = f(net_j), layer by layer.
        outs = [x]
        nets: list[list[Number]] = [x]
        for l in range(1, last + 1):
            prev, matrix, layer_names = outs[-1], weights[l - 1], names[l]
            bias = biases[l - 1] if biases is not None else None
            f = self.activations[l - 1].forward
            net = []
            for j, row in enumerate(matrix):
                s = bias[j] if bias is not None else self.zero
                for w, xi in zip(row, prev):
                    s += w * xi
                net.append(carry(s, "net") if carry else s)
            out = [carry(f(s), "out") if carry else f(s) for s in net]
            if record:
                for n, s in zip(layer_names, net):
                    record(n.net, s)
                for n, o in zip(layer_names, out):
                    record(n.out, o)
            nets.append(net)
            outs.append(out)

        output = outs[last]
        loss = sum((t - o) * (t - o) for t, o in zip(targets, output)) / 2
        if carry:  # a person working by hand writes the loss down at their precision too
            loss = carry(loss, "loss")
        if record:
            record("loss", loss)

        # Backward: error, the derivative factor, delta = deriv * error, from the output back.
        on_output, bare = c.has("derivative-on-output"), c.has("missing-derivative")
        early_update = c.has("updated-weights")
        deltas: list[list[Number]] = [[] for _ in range(last + 1)]
        for l in range(last, 0, -1):
            layer_names, act = names[l], self.activations[l - 1]
            if l == last:
                if c.has("wrong-sign"):
                    error = [o - t for t, o in zip(targets, output)]
                else:
                    error = [t - o for t, o in zip(targets, output)]
            else:
                # Sum over the next layer of delta_k * w_kj: the old weights, unless the slip
                # `updated-weights` already changed them a few lines above.
                after, above = weights[l], deltas[l + 1]
                error = [sum((d * row[j] for d, row in zip(above, after)), self.zero)
                         for j in range(len(layer_names))]
            if carry:
                error = [carry(e, "error") for e in error]
            if bare:
                deriv = [c.number(1.0)] * len(error)
            elif on_output:
                deriv = [act.derivative(o, act.forward(o)) for o in outs[l]]
            else:
                deriv = [act.derivative(s, o) for s, o in zip(nets[l], outs[l])]
            if carry:
                deriv = [carry(v, "deriv") for v in deriv]
            delta = [v * e for v, e in zip(deriv, error)]
            if carry:
                delta = [carry(v, "delta") for v in delta]
            if record:
                for n, e in zip(layer_names, error):
                    record(n.error, e)
                for n, v, d in zip(layer_names, deriv, delta):
                    record(n.deriv, v)
                    record(n.delta, d)
            deltas[l] = delta
            if early_update:
                self._update(l, outs[l - 1], delta, lr, record)
        if not early_update:
            for l in range(last, 0, -1):
                self._update(l, outs[l - 1], deltas[l], lr, record)
        return loss

    def _update(self, l: int, inputs: list[Number], delta: list[Number], lr: Number,
                record: Record | None) -> None:
        """new w_ji = w_ji + x_i * delta_j * lr, and b_j = b_j + delta_j * lr."""
        carry = self.convention.carry
        matrix, layer_names = self.weights[l - 1], self.names[l]
        bias = self.biases[l - 1] if self.biases is not None else None
        frozen = self.convention.has("frozen-biases")
        for j, row in enumerate(matrix):
            d = delta[j]
            for i, xi in enumerate(inputs):
                w = row[i] + xi * d * lr
                row[i] = carry(w, "weight") if carry else w
            if bias is not None and not frozen:
                b = bias[j] + d * lr
                bias[j] = carry(b, "bias") if carry else b
            if record:
                n = layer_names[j]
                for name, w in zip(n.weights, row):
                    record(name, w)
                if bias is not None:
                    record(n.bias, bias[j])

    def check_finite(self, iteration: int | None = None) -> None:
        """Raise NonFiniteError if any weight or bias has overflowed to infinity or NaN."""
        for matrix in self.weights:
            for row in matrix:
                if not all(map(math.isfinite, row)):
                    raise NonFiniteError("a weight is no longer a finite number", iteration=iteration)
        for layer in self.biases or ():
            if not all(map(math.isfinite, layer)):
                raise NonFiniteError("a bias is no longer a finite number", iteration=iteration)
