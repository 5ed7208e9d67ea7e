"""The registries' activations and losses over NumPy arrays, a whole layer at a time.

Each registry entry (core/activations.py, core/losses.py) carries its array form beside
its float one, taking the NumPy module as its first argument so that core never imports
it; here they are bound to NumPy, by name, for the generated step (tests/fast/test_arrays.py
checks every entry has one, and that they agree with the floats). A layer of values is
the last axis of an array; any axes before it are samples (a batch), so a loss gives one
number per sample.

Arithmetic runs with NumPy's warnings off (engine.py): an overflow gives inf as Python's
float arithmetic does, and the run's checks find it.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

import numpy as np

from ..core.activations import ACTIVATIONS as CORE_ACTIVATIONS
from ..core.losses import LOSSES as CORE_LOSSES
from ..core.ops import identifier

Array = np.ndarray


def softmax(nets: Array) -> Array:
    """e^(net − m) / Σ e^(net_k − m) over the last axis, m the largest net (the engine's)."""
    e = np.exp(nets - nets.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# (forward, derivative(net, out)) by activation name; softmax, a function of the layer, is
# the operation above, its delta read by the plan.
ACTIVATIONS: dict[str, tuple[Callable[[Array], Array] | None, Callable[[Array, Array], Array] | None]] = {
    a.name: (partial(a.array_forward, np), partial(a.array_derivative, np)) if a.array_forward else (None, None)
    for a in CORE_ACTIVATIONS.values()}

# (loss(outputs, targets, nets) per sample, error(target, out, n) = −∂E/∂out) by loss name.
LOSSES: dict[str, tuple[Callable[[Array, Array, Array], Array], Callable[[Array, Array, float], Array]]] = {
    loss.name: (partial(loss.array_loss, np), partial(loss.array_error, np))
    for loss in CORE_LOSSES.values() if loss.array_loss}


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
