"""The registries' activations and losses over NumPy arrays, a whole layer at a time.

Each is the float function of core/activations.py or core/losses.py written for arrays,
the same operations in the same order where it can be; what differs is said beside it.
A layer of values is the last axis of an array; any axes before it are samples (a batch),
so a loss gives one number per sample. Every activation and loss of the registries has
its entry here (tests/fast/test_arrays.py checks it); one without is not vectorised, and
its networks run on the engine.

Arithmetic runs with NumPy's warnings off (engine.py): an overflow gives inf as Python's
float arithmetic does, and the run's checks find it.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..core.activations import LEAKY_SLOPE
from ..core.ops import identifier

Array = np.ndarray


def sigmoid(x: Array) -> Array:
    # 1 / (1 + e^−x) for every x: the engine computes e^x / (1 + e^x) below 0, the same
    # number within an ulp or two. Below −709 e^−x overflows to inf and this gives 0
    # where the engine gives e^x, under 1e-308.
    return 1.0 / (1.0 + np.exp(-x))


def relu(x: Array) -> Array:
    return np.where(x > 0.0, x, 0.0)


def leaky_relu(x: Array) -> Array:
    return np.where(x > 0.0, x, LEAKY_SLOPE * x)


def softmax(nets: Array) -> Array:
    """e^(net − m) / Σ e^(net_k − m) over the last axis, m the largest net (the engine's)."""
    e = np.exp(nets - nets.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# (forward, derivative(net, out)) by activation name.
ACTIVATIONS: dict[str, tuple[Callable[[Array], Array] | None, Callable[[Array, Array], Array] | None]] = {
    "sigmoid": (sigmoid, lambda net, out: out * (1.0 - out)),
    "tanh": (np.tanh, lambda net, out: 1.0 - out * out),
    "relu": (relu, lambda net, out: np.where(net > 0.0, 1.0, 0.0)),
    "leaky_relu": (leaky_relu, lambda net, out: np.where(net > 0.0, 1.0, LEAKY_SLOPE)),
    "identity": (lambda x: x, lambda net, out: np.ones_like(net)),
    "softmax": (None, None),   # a function of the layer: softmax above, its delta in the plan
}


def log_sigmoid(net: Array) -> Array:
    """ln σ(net): −ln(1 + e^−net) from 0 up, net − ln(1 + e^net) below, as the engine."""
    return np.minimum(net, 0.0) - np.log1p(np.exp(-np.abs(net)))


def log_softmax(nets: Array) -> Array:
    shifted = nets - nets.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def share(a: Array, b: Array) -> Array:
    """a / b where a = 0 counts 0 whatever b (0·ln 0 = 0) and a / 0 is ±inf by a's sign."""
    return np.where(a == 0.0, a - a, np.where(b != 0.0, a / b, np.copysign(np.inf, a)))


def squares(outputs: Array, targets: Array) -> Array:
    d = targets - outputs
    return np.add.reduce(d * d, axis=-1)


def binary_cross_entropy(outputs: Array, targets: Array, nets: Array) -> Array:
    # The engine leaves out a term whose factor t or 1 − t is 0 (0·ln 0 = 0).
    ones = np.where(targets != 0.0, targets * log_sigmoid(nets), 0.0)
    zeros = np.where(1.0 - targets != 0.0, (1.0 - targets) * log_sigmoid(-nets), 0.0)
    return 0.0 - (ones + zeros).sum(axis=-1)


def cross_entropy(outputs: Array, targets: Array, nets: Array) -> Array:
    return 0.0 - np.where(targets != 0.0, targets * log_softmax(nets), 0.0).sum(axis=-1)


# (loss(outputs, targets, nets) per sample, error(target, out, n) = −∂E/∂out) by loss name.
LOSSES: dict[str, tuple[Callable[[Array, Array, Array], Array], Callable[[Array, Array, float], Array]]] = {
    "half-squared-error": (lambda o, t, nets: squares(o, t) / 2, lambda t, o, n: t - o),
    "squared-error": (lambda o, t, nets: squares(o, t), lambda t, o, n: 2 * (t - o)),
    "mean-squared-error": (lambda o, t, nets: squares(o, t) / o.shape[-1], lambda t, o, n: 2 * (t - o) / n),
    "binary-cross-entropy": (binary_cross_entropy, lambda t, o, n: share(t, o) - share(1.0 - t, 1.0 - o)),
    "cross-entropy": (cross_entropy, lambda t, o, n: share(t, o)),
}


def scope() -> dict[str, object]:
    """The names the generated step calls, as core/compiled.py names their float versions:
    f_sigmoid, g_sigmoid, loss_cross_entropy, error_cross_entropy, softmax, the constants
    ZERO and ONE the operations' sources write, and np."""
    found: dict[str, object] = {"np": np, "softmax": softmax, "ZERO": 0.0, "ONE": 1.0}
    for name, (forward, derivative) in ACTIVATIONS.items():
        found[f"f_{name}"], found[f"g_{name}"] = forward, derivative
    for name, (loss, error) in LOSSES.items():
        found[f"loss_{identifier(name)}"], found[f"error_{identifier(name)}"] = loss, error
    return found
