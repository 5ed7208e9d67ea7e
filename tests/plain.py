"""Backprop's reference quantities written plainly for the tests, independent of nntrace's
engine: a forward pass over a network dict, every loss from the outputs with math.log, softmax
with math.exp, and central differences of that loss.

Nothing here imports nntrace: the tests compare the package's numbers with these.
"""

from __future__ import annotations

import copy
import math

SLOPE = 0.01   # leaky_relu below zero, PyTorch's default negative_slope

ACTIVATE = {
    "sigmoid": lambda n: 1 / (1 + math.exp(-n)),
    "tanh": math.tanh,
    "identity": lambda n: n,
    "relu": lambda n: n if n > 0 else 0.0,
    "leaky_relu": lambda n: n if n > 0 else SLOPE * n,
}


def softmax(nets: list[float]) -> list[float]:
    exps = [math.exp(n) for n in nets]
    total = sum(exps)
    return [e / total for e in exps]


def layer_activations(network: dict) -> list[str]:
    count = len(network["layers"]) - 1
    names = network["activation"]
    return [names] * count if isinstance(names, str) else list(names)


def forward(network: dict, x: list[float], nudge: tuple | None = None):
    """Every layer's nets and outputs (layer 0's outputs are the inputs). `nudge` =
    (layer, "net" or "out", j, h) adds h to that value of neuron j (from 0) of that layer,
    for differences taken with respect to it."""
    activations = layer_activations(network)
    nets, outs = [None], [list(x)]
    for l, matrix in enumerate(network["weights"], 1):
        below = outs[-1]
        biases = network.get("biases")
        net = [(biases[l - 1][j] if biases else 0.0) + sum(w * v for w, v in zip(row, below))
               for j, row in enumerate(matrix)]
        if nudge and nudge[0] == l and nudge[1] == "net":
            net[nudge[2]] += nudge[3]
        if activations[l - 1] == "softmax":
            out = softmax(net)
        else:
            out = [ACTIVATE[activations[l - 1]](n) for n in net]
        if nudge and nudge[0] == l and nudge[1] == "out":
            out[nudge[2]] += nudge[3]
        nets.append(net)
        outs.append(out)
    return nets, outs


def loss(name: str, o: list[float], t: list[float]) -> float:
    """The per-sample loss from the outputs, as a textbook writes it."""
    squares = sum((ti - oi) ** 2 for ti, oi in zip(t, o))
    if name == "half-squared-error":
        return squares / 2
    if name == "squared-error":
        return squares
    if name == "mean-squared-error":
        return squares / len(o)
    if name == "binary-cross-entropy":
        return -sum(ti * math.log(oi) + (1 - ti) * math.log(1 - oi) for ti, oi in zip(t, o))
    if name == "cross-entropy":
        return -sum(ti * math.log(oi) for ti, oi in zip(t, o))
    raise KeyError(name)


def network_loss(name: str, network: dict, x, t, nudge=None) -> float:
    return loss(name, forward(network, x, nudge)[1][-1], t)


H = 1e-6


def central(f) -> float:
    """(f(+h) − f(−h)) / 2h."""
    return (f(H) - f(-H)) / (2 * H)


def weight_slope(name: str, network: dict, x, t, l: int, j: int, i: int) -> float:
    """∂E/∂w for the weight from neuron i into neuron j of layer l (all from 1)."""
    def f(h):
        nudged = copy.deepcopy(network)
        nudged["weights"][l - 1][j - 1][i - 1] += h
        return network_loss(name, nudged, x, t)
    return central(f)


def bias_slope(name: str, network: dict, x, t, l: int, j: int) -> float:
    def f(h):
        nudged = copy.deepcopy(network)
        nudged["biases"][l - 1][j - 1] += h
        return network_loss(name, nudged, x, t)
    return central(f)


def value_slope(name: str, network: dict, x, t, l: int, kind: str, j: int) -> float:
    """∂E/∂net or ∂E/∂out of neuron j of layer l (from 1), the rest of the pass computed from it."""
    return central(lambda h: network_loss(name, network, x, t, (l, kind, j - 1, h)))


def evaluate_text(text: str) -> float:
    """The value of a formula as the tables write it (×, −, ², ½, ln x, e^x, negative numbers
    in parentheses), read the way a person reads it: to check that a formula line says what
    its value is."""
    import re

    number = r"(\([^()]*\)|[0-9.]+(?:e[+-]?[0-9]+)?)"
    text = text.replace("−", "-").replace("×", "*").replace("½", "0.5").replace("²", "**2")
    text = re.sub(r"ln " + number, r"log(\1)", text)
    text = re.sub(r"ln\(", "log(", text)
    text = re.sub(r"e\^" + number, r"exp(\1)", text)
    return eval(text, {"__builtins__": {}}, {"log": math.log, "exp": math.exp})
