"""The engine: evaluates the step's list of assignments, in floats or in Decimals.

It computes and hands each value, under its trace name, to `record`; it never formats or
prints. Without a recorder it computes exactly the same numbers.
"""

from __future__ import annotations

import math
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from decimal import localcontext
from functools import lru_cache
from typing import Callable, Mapping, Sequence

from ..errors import NonFiniteError
from . import names as N
from .network import Network
from .numbers import Number, Numbers
from .ops import OPS
from .program import Descent, Program, Rewrite, build
from .settings import Arithmetic, Settings, arithmetic, check_fits

Record = Callable[[str, Number], None]
BatchRecord = Callable[[str, Number, "int | None"], None]   # (name, value, sample k from 0, or None: the batch's)


@lru_cache(maxsize=64)
def program_for(layers: tuple[int, ...], activations: tuple[str, ...], biases: bool, loss: str,
                rewrites: tuple[Rewrite, ...], descent: Descent) -> Program:
    """The step of this shape, with these rewrites (slips), built once (its list made when
    first asked for)."""
    return build(layers, activations, biases, loss, rewrites, descent)


@dataclass(frozen=True)
class Bound:
    """A program resolved for the engine: each name's slot in one list of values, the
    constant operands, and each assignment as (slot, function, operand slots, the kind its
    value is written down as or None, name). Read only, so engines of one program share it."""

    slots: dict[str, int]
    constants: frozenset[str]
    code: list[tuple]
    phases: list[tuple[str, list[tuple]]]   # runs of `code` of one scope (program.phases)
    forward: int                            # how much of `code` the forward pass and loss are


@lru_cache(maxsize=4)
def bind(program: Program, numbers: Numbers, carrying: bool) -> Bound:
    """Bound once per program and number type: `diff` replays a trace under dozens of ways of
    computing, most of them one program (the precision slips change only the carry rule)."""
    slots: dict[str, int] = {}
    for name in (*program.state, *program.inputs, *program.targets, N.LEARNING_RATE, N.MOMENTUM,
                 N.WEIGHT_DECAY, N.ZERO):
        slots[name] = len(slots)
    # Each distinct operand looked at once: a 2-300-300-1 step has 1.4 million operands.
    operands = set().union(*(a.args for a in program.assigns))
    constants = {x for x in operands if N.constant(x) is not None}
    for name in sorted(constants):
        slots.setdefault(name, len(slots))
    for a in program.assigns:
        slots.setdefault(a.name, len(slots))
    slot = slots.__getitem__
    functions = {(a.op, a.param): OPS[a.op].bind(a.param, numbers) for a in program.assigns}
    code = [(slots[a.name], functions[a.op, a.param], tuple(map(slot, a.args)),
             a.kind if carrying and OPS[a.op].carried else None, a.name) for a in program.assigns]
    phases, start = [], 0
    for scope, assigns in program.phases():
        phases.append((scope, code[start:start + len(assigns)]))
        start += len(assigns)
    forward = 1 + next(k for k, a in enumerate(program.assigns) if a.kind == "loss")
    return Bound(slots, frozenset(constants | {N.ZERO}), code, phases, forward)


@lru_cache(maxsize=2)
def converted(values: tuple[float, ...], numbers: Numbers) -> tuple[Number, ...]:
    """Floats in the number type, converted once: `diff` replays one network's 90,000
    weights under dozens of ways of computing, in Decimal (from each float's repr) for most."""
    return tuple(map(numbers.convert, values))


def network_program(network: Network, settings: Settings = Settings(),
                    how: Arithmetic | None = None) -> Program:
    rewrites = (how or arithmetic(settings)).rewrites
    return program_for(tuple(network.layers), tuple(network.activations),
                       network.biases is not None, settings.loss, rewrites, settings.descent)


def value_names(network: Network, settings: Settings = Settings()) -> list[str]:
    """Every name one step records, in the order the computation produces them."""
    return network_program(network, settings).names


class Engine:
    """A network's weights and biases in the settings' number type, stepped in place.

    `state` holds them flat, in `program.state` order (layer by layer, neuron by neuron,
    each neuron's weights then its bias).
    """

    evaluator = "python"   # as a trace's header names it; the compiled step is the same, bit for bit

    def __init__(self, network: Network, settings: Settings = Settings(),
                 how: Arithmetic | None = None):
        self.settings = settings
        self.arithmetic = how = how or arithmetic(settings)
        self.numbers = how.numbers
        self.network_shape = network
        check_fits(settings, network)
        self.program = network_program(network, settings, how)
        self.state = self.fresh_state()
        self.lr = self.numbers.convert(settings.learning_rate or 0.0)
        self.rates = {N.LEARNING_RATE: self.lr, N.MOMENTUM: self.numbers.convert(settings.momentum),
                      N.WEIGHT_DECAY: self.numbers.convert(settings.weight_decay)}
        self._bind()

    def _bind(self) -> None:
        """Resolve names to slots of one list, and each assignment to its function."""
        program, numbers = self.program, self.numbers
        bound = bind(program, numbers, self.arithmetic.carry is not None)
        slots = bound.slots
        self._slots, self._written, self.code = slots, None, bound.code
        self.env: list[Number] = [numbers.zero] * len(slots)
        for name in bound.constants:
            self.env[slots[name]] = numbers.convert(N.constant(name))
        for name, value in self.rates.items():
            self.env[slots[name]] = value
        self._inputs = slots[program.inputs[0]]
        self._targets = slots[program.targets[0]]
        self._forward, self.phases = bound.forward, bound.phases
        self._outputs = [slots[f"L{len(program.layers) - 1}.n{j}.out"]
                         for j in range(1, program.layers[-1] + 1)]

    def fresh_state(self) -> list[Number]:
        """The network's weights and biases in the number type, velocities 0 (v = g at first)."""
        values = state_values(self.network_shape)
        velocities = [self.numbers.convert(0.0)] * (len(self.program.state) - len(values))
        return list(converted(tuple(values), self.numbers)) + velocities

    def snapshot(self) -> list[Number]:
        """A copy of the state, to go back to with `state[:] = snapshot`."""
        return self.state[:]

    def quiet(self) -> AbstractContextManager:
        """What a run of steps goes under (the vectorised engine's NumPy warnings off)."""
        return nullcontext()

    def finite(self, state: Sequence[Number]) -> bool:
        return all(map(math.isfinite, state))

    def state_by_name(self) -> dict[str, float]:
        """The weights, biases and velocities as floats, by trace name (a traced step's before)."""
        return dict(zip(self.program.state, map(float, self.state)))

    def convert(self, values: Sequence[float]) -> list[Number]:
        return [self.numbers.convert(v) for v in values]

    def convert_all(self, vectors: Sequence[Sequence[float]]) -> list[list[Number]]:
        """Many inputs (or targets) converted, as `convert` each."""
        return [self.convert(v) for v in vectors]

    def step(self, inputs: Sequence[float], targets: Sequence[float],
             record: Record | None = None, written: Mapping[str, Number] | None = None) -> Number:
        """One sample forward, backward and update; returns the loss before the update.

        `written`: values a worked example wrote down, by trace name. Each is recorded as
        computed, then replaced by the written value before any later line reads it, as a
        person goes on from what they wrote (`nntrace check`)."""
        if written is not None:
            self._written = {self._slots[name]: value for name, value in written.items()
                             if name in self._slots}
        try:
            return self.step_converted(self.convert(inputs), self.convert(targets), record)
        finally:
            self._written = None

    def step_converted(self, x: Sequence[Number], targets: Sequence[Number],
                       record: Record | None = None) -> Number:
        """`step` on values already in the engine's number type (the training loop)."""
        return self._run(x, targets, record, len(self.code))

    def outputs(self, x: Sequence[Number], targets: Sequence[Number]) -> tuple[list[Number], Number]:
        """The forward pass alone (the weights untouched): the outputs and the loss."""
        loss = self._run(x, targets, None, self._forward, update=False)
        return [self.env[k] for k in self._outputs], loss

    def _run(self, x: Sequence[Number], targets: Sequence[Number], record: Record | None,
             count: int, update: bool = True) -> Number:
        env, k = self.env, len(self.state)
        env[:k] = self.state
        env[self._inputs:self._inputs + len(x)] = x
        env[self._targets:self._targets + len(targets)] = targets
        with localcontext(self.numbers.context) if self.numbers.context else nullcontext():
            self._evaluate(env, self.code[:count] if count < len(self.code) else self.code, record)
        if update:
            self.state[:] = env[:k]
        return env[self._loss_slot]

    def step_batch(self, xs: Sequence[Sequence[Number]], ts: Sequence[Sequence[Number]],
                   record: BatchRecord | None = None) -> Number:
        """One update from a batch of samples (values in the engine's number type); returns the
        sum of the samples' losses. Each sample runs its own forward and backward pass on the
        weights as they are when its phase begins; the batch's part (mean gradients, the
        update) runs once. `record(name, value, k)`: sample k's value, or the batch's (None)."""
        main, k = self.env, len(self.state)
        main[:k] = self.state
        samples = []
        for x, t in zip(xs, ts):
            env = main[:]
            env[self._inputs:self._inputs + len(x)] = x
            env[self._targets:self._targets + len(t)] = t
            samples.append(env)
        with localcontext(self.numbers.context) if self.numbers.context else nullcontext():
            for scope, code in self.phases:
                if scope == "batch":
                    self._evaluate(main, code, record and (lambda n, v: record(n, v, None)), samples)
                    continue
                for s, env in enumerate(samples):
                    env[:k] = main[:k]
                    self._evaluate(env, code, record and (lambda n, v, s=s: record(n, v, s)))
        self.state[:] = main[:k]
        return self._added(samples, self._loss_slot)

    def _added(self, samples: list[list[Number]], slot: int) -> Number:
        """The samples' values in `slot` added left to right, as the compiled step adds them
        (Python 3.12's sum() of floats compensates, and could end on another last bit)."""
        total = self.numbers.zero
        for env in samples:
            total += env[slot]
        return total

    def _evaluate(self, env: list[Number], code: list, record: Record | None,
                  samples: list[list[Number]] | None = None) -> None:
        """Each assignment of `code` in `env`; a batch's mean over `samples`' values."""
        carry, written = self.arithmetic.carry, self._written
        for out, function, args, kind, name in code:
            if function is None:   # the mean over the batch's samples, in their order
                value = self._added(samples, args[0]) / len(samples)
            else:
                value = function(*[env[a] for a in args])
            if kind is not None:
                value = carry(value, kind)
            env[out] = value
            if record is not None:
                record(name, value)
            if written is not None and out in written:
                env[out] = written[out]

    @property
    def _loss_slot(self) -> int:
        return self.code[self._forward - 1][0]

    def network(self) -> Network:
        """The current weights and biases as a plain float network."""
        return network_from_state(self.network_shape, [float(v) for v in self.state])

    def check_finite(self, iteration: int | None = None) -> None:
        """Raise NonFiniteError if any weight or bias has overflowed to infinity or NaN."""
        for name, value in zip(self.program.state, self.state):
            if not math.isfinite(value):
                what = ("velocity" if name.endswith(".velocity") else
                        "bias" if name.endswith(".b") else "weight")
                raise NonFiniteError(f"a {what} is no longer a finite number", iteration=iteration)


def state_values(network: Network) -> list[float]:
    """The weights and biases flat, in Program.state order."""
    values: list[float] = []
    for l, matrix in enumerate(network.weights):
        for j, row in enumerate(matrix):
            values += row
            if network.biases is not None:
                values.append(network.biases[l][j])
    return values


def network_from_state(shape: Network, values: Sequence[float]) -> Network:
    """`shape` with its weights and biases taken, in order, from `values`."""
    it = iter(values)
    weights, biases = [], [] if shape.biases is not None else None
    for matrix in shape.weights:
        rows, layer_biases = [], []
        for row in matrix:
            rows.append([next(it) for _ in row])
            if biases is not None:
                layer_biases.append(next(it))
        weights.append(rows)
        if biases is not None:
            biases.append(layer_biases)
    return Network(list(shape.layers), list(shape.activations), weights, biases)
