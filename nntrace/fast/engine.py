"""The vectorised engine: the step read as array operations (plan.py: from its blocks, or
a rewritten list), written out as one function over NumPy arrays (source.py), a layer at
a time.

It stands in for core/engine.py's Engine where that one would be slow (fast/__init__.py
chooses), with the same methods the training loop, `step` and `explain` call, and hands a
recorder the same names in the same order, each value a Python float. Its values agree
with the engine's to about 1e-15 relative, not bit for bit: a layer's sums run in BLAS's
order, and exp and tanh are NumPy's (docs/development.md, "The vectorised evaluator").

`state` is a list of arrays, one per key of the plan's state (L1.w, L1.b, ...). The
untraced step of one sample updates a weight matrix in place (no new matrix per step), so
`snapshot()` copies the arrays where the engine's list of floats is copied by `state[:]`.
"""

from __future__ import annotations

import math
from contextlib import AbstractContextManager
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from ..core import names as N
from ..core.engine import program_for
from ..core.network import Network
from ..core.program import Descent, Rewrite, collection_paused
from ..core.numbers import FLOAT
from ..core.settings import Settings, arithmetic
from ..errors import NonFiniteError
from .arrays import scope as array_scope
from .plan import Plan, Unreadable, forward_vectors, offsets, read
from .source import RATES, forward_source, scratches, step_source
from .verdict import classified_right

Record = Callable[..., None]
CHUNK = 1024   # samples evaluated at once by `output_arrays`


class Vectorised:
    """A plan and its functions, each written and compiled when first asked for."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self._functions: dict[str, Callable] = {}
        self._orders: dict[int, list[int]] = {}

    def function(self, kind: str) -> Callable:
        """"step", "traced" (also every value) or "forward" (the outputs and the loss)."""
        if kind not in self._functions:
            plan = self.plan
            if kind == "forward":
                source = forward_source(plan, forward_vectors(plan))
            else:
                source = step_source(plan, kind == "traced")
            scope = array_scope()
            scope.update({name: np.empty(size) for name, size in scratches(plan).items()})
            exec(compile(source, f"<nntrace {kind} {'-'.join(map(str, plan.layers))}>", "exec"), scope)
            self._functions[kind] = scope["forward" if kind == "forward" else "step"]
        return self._functions[kind]

    def order(self, phase: int) -> list[int]:
        if phase not in self._orders:
            self._orders[phase] = self.plan.phases[phase].order(self.plan.layers)
        return self._orders[phase]


@lru_cache(maxsize=32)
def vectorised(layers: tuple[int, ...], activations: tuple[str, ...], biases: bool, loss: str,
               rewrites: tuple[Rewrite, ...], descent: Descent) -> Vectorised:
    """The step of this shape, with these rewrites (slips), read and written once
    (Unreadable: it cannot be)."""
    program = program_for(layers, activations, biases, loss, rewrites, descent)
    with collection_paused():
        found = Vectorised(read(program))
        for kind in ("step", "forward"):   # written now, so that what has no array form is found now
            found.function(kind)
    return found


def vector_engine(network: Network, settings: Settings) -> "VectorEngine | None":
    """A vectorised engine for the network, or None when its step has no array form (an
    operation without one, a slip that rewrote part of a layer only)."""
    try:
        found = vectorised(tuple(network.layers), tuple(network.activations), network.biases is not None,
                           settings.loss, arithmetic(settings).rewrites, settings.descent)
    except Unreadable:
        return None
    return VectorEngine(network, settings, found)


class VectorEngine:
    """A network's weights and biases as arrays, stepped by the plan's function."""

    evaluator = "numpy"

    def __init__(self, network: Network, settings: Settings, vectorised: Vectorised):
        self.settings, self.network_shape = settings, network
        self.vectorised, self.plan = vectorised, vectorised.plan
        self.program = self.plan.program
        self.numbers = FLOAT
        self.arithmetic = arithmetic(settings)
        self.lr = float(settings.learning_rate or 0.0)
        self.rates = {N.LEARNING_RATE: self.lr, N.MOMENTUM: float(settings.momentum),
                      N.WEIGHT_DECAY: float(settings.weight_decay)}
        self.state: list[np.ndarray] = self.fresh_state()
        self.untraced = vectorised.function("step")
        self.forward = vectorised.function("forward")

    def fresh_state(self) -> list[np.ndarray]:
        """The network's weights and biases as arrays, velocities 0."""
        found = []
        for key in self.plan.state:
            layer, _, kind = key.partition(".")
            l = int(layer[1:]) - 1
            values = self.network_shape.weights[l] if kind.startswith("w") else self.network_shape.biases[l]
            found.append(np.zeros_like(values, dtype=float) if kind.endswith("velocity")
                         else np.array(values, dtype=float))
        return found

    def snapshot(self) -> list[np.ndarray]:
        """A copy of the state, to go back to (an untraced step updates the weights in place)."""
        return [array.copy() for array in self.state]

    def quiet(self) -> AbstractContextManager:
        """NumPy's warnings off: an overflow is inf, as in Python's floats, and the run's checks find it."""
        return np.errstate(all="ignore")

    def convert(self, values: Sequence[float]) -> np.ndarray:
        return np.array(values, dtype=float)

    def convert_all(self, vectors: Sequence[Sequence[float]]) -> list[np.ndarray]:
        """Many inputs (or targets) as the rows of one array, each row an array of its own."""
        return list(np.array(vectors, dtype=float))

    def fast_step(self) -> Callable:
        """`step(state, x, t, lr, momentum, weight_decay) -> loss`, as the compiled step (a
        batch's: xs, ts, the sum of its losses); run it under `quiet()`."""
        if not self.program.descent.batched:
            return self.untraced
        step = self.untraced
        return lambda state, xs, ts, *rates: step(state, np.array(xs), np.array(ts), *rates)

    def rate_values(self) -> tuple[float, ...]:
        return tuple(self.rates[name] for name in RATES)

    def step(self, inputs: Sequence[float], targets: Sequence[float], record: Record | None = None) -> float:
        return self.step_converted(self.convert(inputs), self.convert(targets), record)

    def step_converted(self, x: np.ndarray, targets: np.ndarray, record: Record | None = None) -> float:
        """One sample forward, backward and update; returns the loss before the update."""
        with self.quiet():
            if record is None:
                return self.untraced(self.state, x, targets, *self.rate_values())
            loss, values = self.traced(x, targets)
        for name, value in zip(self.names(0), values):
            record(name, value)
        return loss

    def traced(self, x: np.ndarray, targets: np.ndarray) -> tuple[float, tuple[float, ...]]:
        """One step, and its values as floats in the order the engine records them."""
        loss, values = self.vectorised.function("traced")(self.state, x, targets, *self.rate_values())
        flat = np.concatenate([np.ravel(v) for v in values])
        return loss, flat[self.order(0)].tolist()

    def names(self, phase: int) -> list[str]:
        return [a.name for a in self.plan.phases[phase].assigns]

    def order(self, phase: int) -> list[int]:
        return self.vectorised.order(phase)

    def step_batch(self, xs: Sequence, ts: Sequence, record: Record | None = None) -> float:
        """One update from a batch of samples; returns the sum of their losses.
        `record(name, value, k)`: sample k's value, or the batch's (k None), in the engine's order."""
        xs, ts = np.array(xs, dtype=float), np.array(ts, dtype=float)
        with self.quiet():
            if record is None:
                return self.untraced(self.state, xs, ts, *self.rate_values())
            loss, values = self.vectorised.function("traced")(self.state, xs, ts, *self.rate_values())
        start, size = 0, len(xs)
        for number, phase in enumerate(self.plan.phases):
            part = values[start:start + len(phase.vectors)]
            start += len(phase.vectors)
            names, order = self.names(number), self.order(number)
            if phase.scope == "batch":
                flat = np.concatenate([np.ravel(v) for v in part])[order].tolist()
                for name, value in zip(names, flat):
                    record(name, value, None)
                continue
            rows = np.concatenate([np.reshape(v, (size, -1)) for v in part], axis=1)[:, order].tolist()
            for k, row in enumerate(rows):
                for name, value in zip(names, row):
                    record(name, value, k)
        return loss

    def outputs(self, x: np.ndarray, targets: np.ndarray) -> tuple[list[float], float]:
        """The forward pass alone (the weights untouched): the outputs and the loss."""
        outputs, losses = self.output_arrays(np.array([x], dtype=float), np.array([targets], dtype=float))
        return outputs[0].tolist(), float(losses[0])

    def output_arrays(self, xs: np.ndarray, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`outputs` of many samples, a row each, CHUNK at a time as the rows of matrices
        (their sums in BLAS's order for matrices, the same numbers as one sample's to the
        last bits or so): the outputs, a row a sample, and the losses."""
        outputs, losses = [], []
        with self.quiet():
            for start in range(0, len(xs), CHUNK):
                out, loss = self.forward(self.state, xs[start:start + CHUNK], ts[start:start + CHUNK])
                outputs.append(out)
                losses.append(loss)
        return np.concatenate(outputs), np.concatenate(losses)

    def evaluate_all(self, xs: Sequence, ts: Sequence, one_class: bool
                     ) -> tuple[list[tuple[float, ...]], list[float], list[bool]]:
        """Each sample's outputs and loss under the current weights, and whether it is
        classified right (train/verdict.py's judgement, fast/verdict.py's arrays)."""
        targets = np.array(ts, dtype=float)
        outputs, losses = self.output_arrays(np.array(xs, dtype=float), targets)
        with self.quiet():
            right = classified_right(outputs, targets, one_class)
        return list(map(tuple, outputs.tolist())), losses.tolist(), right

    def network(self) -> Network:
        """The current weights and biases as a plain float network."""
        weights = [None] * len(self.network_shape.weights)
        biases = None if self.network_shape.biases is None else [None] * len(self.network_shape.biases)
        for key, array in zip(self.plan.state, self.state):
            layer, _, kind = key.partition(".")
            if kind == "w":
                weights[int(layer[1:]) - 1] = array.tolist()
            elif kind == "b":
                biases[int(layer[1:]) - 1] = array.tolist()
        return Network(list(self.network_shape.layers), list(self.network_shape.activations), weights, biases)

    def flat_state(self) -> list[float]:
        """The state as the engine holds it: one float a name, in Program.state order."""
        flat = np.concatenate([np.ravel(array) for array in self.state])
        return flat[self.state_order()].tolist()

    def state_by_name(self) -> dict[str, float]:
        """The weights, biases and velocities as floats, by trace name (a traced step's before)."""
        return dict(zip(self.program.state, self.flat_state()))

    def load_flat(self, values: Sequence[float]) -> None:
        """Take the state from the engine's flat list (Program.state order)."""
        flat = np.empty(sum(array.size for array in self.state))
        flat[self.state_order()] = values
        start, state = 0, []
        for array in self.state:
            state.append(flat[start:start + array.size].reshape(array.shape).copy())
            start += array.size
        self.state[:] = state

    def state_order(self) -> list[int]:
        """Where each name of Program.state is among the state's arrays laid end to end."""
        where = offsets(self.plan.state, tuple(self.plan.layers))
        return [where[name] for name in self.program.state]

    def finite(self, state: Sequence[np.ndarray]) -> bool:
        return all(bool(np.isfinite(array).all()) for array in state)

    def check_finite(self, iteration: int | None = None) -> None:
        """Raise NonFiniteError if any weight, bias or velocity is no longer finite: the first
        in the engine's order (Program.state) names what it is."""
        if self.finite(self.state):
            return
        for name, value in zip(self.program.state, self.flat_state()):
            if not math.isfinite(value):
                what = ("velocity" if name.endswith(".velocity") else
                        "bias" if name.endswith(".b") else "weight")
                raise NonFiniteError(f"a {what} is no longer a finite number", iteration=iteration)
