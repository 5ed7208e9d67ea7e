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


# Backprop and training written out as a textbook does it, for the tests of batches,
# momentum and weight decay. ∂E/∂net of each neuron from the chain rule; a batch's gradient
# is the mean of its samples'; the update is torch.optim.SGD's (its documentation, read
# literally): g ← g + λ·w; the velocity buffer starts as g at the first update, then
# b ← μ·b + g; w ← w − lr·b.

SLOPE_OF = {
    "sigmoid": lambda net, out: out * (1 - out),
    "tanh": lambda net, out: 1 - out * out,
    "identity": lambda net, out: 1.0,
    "relu": lambda net, out: 1.0 if net > 0 else 0.0,
    "leaky_relu": lambda net, out: 1.0 if net > 0 else SLOPE,
}


def loss_slope(name: str, o: list[float], t: list[float]) -> list[float]:
    """∂E/∂o of each output."""
    n = len(o)
    if name == "half-squared-error":
        return [oi - ti for oi, ti in zip(o, t)]
    if name == "squared-error":
        return [2 * (oi - ti) for oi, ti in zip(o, t)]
    if name == "mean-squared-error":
        return [2 * (oi - ti) / n for oi, ti in zip(o, t)]
    if name == "binary-cross-entropy":
        return [-ti / oi + (1 - ti) / (1 - oi) for oi, ti in zip(o, t)]
    if name == "cross-entropy":
        return [-ti / oi for oi, ti in zip(o, t)]
    raise KeyError(name)


def output_slopes(name: str, activation: str, nets, o, t) -> list[float]:
    """∂E/∂net of each output: o − t for sigmoid with binary cross-entropy and for softmax with
    cross-entropy (targets summing to 1); else ∂E/∂o through the activation (softmax's Jacobian:
    ∂o_k/∂net_j = o_k·([k = j] − o_j))."""
    if (name, activation) in (("binary-cross-entropy", "sigmoid"), ("cross-entropy", "softmax")):
        return [oi - ti for oi, ti in zip(o, t)]
    slopes = loss_slope(name, o, t)
    if activation == "softmax":
        return [sum(slopes[k] * o[k] * ((k == j) - o[j]) for k in range(len(o))) for j in range(len(o))]
    return [s * SLOPE_OF[activation](n, oi) for s, n, oi in zip(slopes, nets, o)]


def backprop(network: dict, x, t, name: str, nets_outs=None):
    """(∂E/∂w by layer [j][i], ∂E/∂b by layer [j], the loss) of one sample, the error sent
    back through the network's weights as they are; `nets_outs`: the forward pass to use
    (default: this network's)."""
    nets, outs = nets_outs or forward(network, x)
    activations = layer_activations(network)
    weights = network["weights"]
    last = len(network["weights"])
    slopes = [None] * (last + 1)
    slopes[last] = output_slopes(name, activations[-1], nets[last], outs[last], t)
    for l in range(last - 1, 0, -1):
        slopes[l] = [SLOPE_OF[activations[l - 1]](nets[l][j], outs[l][j])
                     * sum(slopes[l + 1][k] * weights[l][k][j] for k in range(len(slopes[l + 1])))
                     for j in range(len(nets[l]))]
    grads_w = [[[slopes[l][j] * v for v in outs[l - 1]] for j in range(len(slopes[l]))]
               for l in range(1, last + 1)]
    grads_b = [list(slopes[l]) for l in range(1, last + 1)]
    return grads_w, grads_b, loss(name, outs[last], t)


def mean_of(arrays: list):
    """The element-wise mean of nested lists of the same shape."""
    if isinstance(arrays[0], list):
        return [mean_of([a[k] for a in arrays]) for k in range(len(arrays[0]))]
    return sum(arrays) / len(arrays)


class SGD:
    """torch.optim.SGD over a network dict's weights (and biases), in place."""

    def __init__(self, network: dict, lr: float, momentum: float = 0.0, weight_decay: float = 0.0):
        self.network, self.lr, self.momentum, self.weight_decay = network, lr, momentum, weight_decay
        self.buffers: dict = {}   # by (kind, l, j, i): none until a parameter's first update

    def update(self, kind: str, l: int, grads) -> None:
        """Update layer l's (from 0) weights ("weights", grads[j][i]) or biases (grads[j])."""
        params = self.network[kind][l]
        for j, row in enumerate(grads):
            for i, g in (enumerate(row) if kind == "weights" else [(None, row)]):
                w = params[j][i] if i is not None else params[j]
                if self.weight_decay:
                    g = g + self.weight_decay * w
                if self.momentum:
                    key = (kind, l, j, i)
                    g = self.buffers[key] = g if key not in self.buffers else self.momentum * self.buffers[key] + g
                if i is None:
                    params[j] = w - self.lr * g
                else:
                    params[j][i] = w - self.lr * g


def batches_of(samples: list, size, seed=None, epochs: int = 1):
    """Each epoch's batches: the samples in file order, or shuffled in place every epoch by
    random.Random(seed).shuffle (how nntrace documents its --shuffle --seed), cut into runs of
    `size` ("all": every sample), the last one short if need be."""
    import random

    order, rng = list(samples), random.Random(seed) if seed is not None else None
    size = len(order) if size == "all" else size
    for _ in range(epochs):
        if rng is not None:
            rng.shuffle(order)
        yield [order[k:k + size] for k in range(0, len(order), size)]


def train(network: dict, samples: list, epochs: int, lr: float, name: str = "half-squared-error",
          batch_size=1, momentum: float = 0.0, weight_decay: float = 0.0, seed=None,
          updated_weights: bool = False, updates: int | None = None):
    """The network after `epochs` epochs of mini-batch SGD on (x, t) pairs (or after the
    first `updates` updates), and each whole epoch's loss: the mean of the samples' losses,
    each taken before its batch's update. `updated_weights`: the slip of that name, each
    layer updated before the layer below sends its error back (through the new weights,
    from each sample's forward pass)."""
    network = copy.deepcopy(network)
    optimizer, curve, done = SGD(network, lr, momentum, weight_decay), [], 0
    step = batch_step_interleaved if updated_weights else batch_step
    for epoch in batches_of(samples, batch_size, seed, epochs):
        losses = []
        for batch in epoch:
            if done == updates:
                return network, curve
            losses += step(network, batch, name, optimizer)
            done += 1
        curve.append(sum(losses) / len(losses))
    return network, curve


def batch_step(network: dict, batch: list, name: str, optimizer: SGD) -> list[float]:
    """One update from the mean gradient of `batch`; the samples' losses."""
    each = [backprop(network, x, t, name) for x, t in batch]
    for l in range(len(network["weights"])):
        optimizer.update("weights", l, mean_of([w[l] for w, _, _ in each]))
        if network.get("biases"):
            optimizer.update("biases", l, mean_of([b[l] for _, b, _ in each]))
    return [e for _, _, e in each]


def batch_step_interleaved(network: dict, batch: list, name: str, optimizer: SGD) -> list[float]:
    """The slip updated-weights on a batch: every sample's forward pass on the weights as they
    were; then from the output layer down, the layer's mean gradient and its update, the
    layers below sending each sample's error back through the weights just updated."""
    passes = [forward(network, x) for x, _ in batch]
    last = len(network["weights"])
    for l in range(last, 0, -1):
        # Each sample's gradients of layer l, its error sent back through the layers above
        # as they are now (those above l already updated).
        each = [backprop(network, x, t, name, passes[s]) for s, (x, t) in enumerate(batch)]
        optimizer.update("weights", l - 1, mean_of([w[l - 1] for w, _, _ in each]))
        if network.get("biases"):
            optimizer.update("biases", l - 1, mean_of([b[l - 1] for _, b, _ in each]))
    return [loss(name, p[1][-1], t) for p, (_, t) in zip(passes, batch)]
