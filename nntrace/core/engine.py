"""The engine: evaluates the step's list of assignments, in floats or in Decimals.

It computes and hands each value, under its trace name, to `record`; it never formats or
prints. Without a recorder it computes exactly the same numbers.
"""

from __future__ import annotations

import math
from decimal import localcontext
from functools import lru_cache
from typing import Callable, Sequence

from ..errors import NonFiniteError
from . import names as N
from .network import Network
from .numbers import Number
from .program import OPS, Program, Rewrite, build
from .settings import Arithmetic, Settings, arithmetic, check_fits

Record = Callable[[str, Number], None]


@lru_cache(maxsize=64)
def program_for(layers: tuple[int, ...], activations: tuple[str, ...], biases: bool, loss: str,
                rewrites: tuple[Rewrite, ...]) -> Program:
    """The step of this shape, with these rewrites (slips), built once."""
    return build(layers, activations, biases, loss, rewrites)


def network_program(network: Network, settings: Settings = Settings(),
                    how: Arithmetic | None = None) -> Program:
    rewrites = (how or arithmetic(settings)).rewrites
    return program_for(tuple(network.layers), tuple(network.activations),
                       network.biases is not None, settings.loss, rewrites)


def value_names(network: Network, settings: Settings = Settings()) -> list[str]:
    """Every name one step records, in the order the computation produces them."""
    return network_program(network, settings).names


class Engine:
    """A network's weights and biases in the settings' number type, stepped in place.

    `state` holds them flat, in `program.state` order (layer by layer, neuron by neuron,
    each neuron's weights then its bias).
    """

    def __init__(self, network: Network, settings: Settings = Settings(),
                 how: Arithmetic | None = None):
        self.settings = settings
        self.arithmetic = how = how or arithmetic(settings)
        self.numbers = how.numbers
        self.network_shape = network
        check_fits(settings, network)
        self.program = network_program(network, settings, how)
        self.state = [self.numbers.convert(v) for v in state_values(network)]
        self.lr = self.numbers.convert(settings.learning_rate or 0.0)
        self._bind()

    def _bind(self) -> None:
        """Resolve names to slots of one list, and each assignment to its function."""
        program, numbers = self.program, self.numbers
        slots: dict[str, int] = {}
        for name in (*program.state, *program.inputs, *program.targets, N.LEARNING_RATE, N.ZERO):
            slots[name] = len(slots)
        constants = {x for a in program.assigns for x in a.args if N.constant(x) is not None}
        for name in sorted(constants):
            slots.setdefault(name, len(slots))
        for a in program.assigns:
            slots.setdefault(a.name, len(slots))
        self.env: list[Number] = [numbers.zero] * len(slots)
        for name in constants | {N.ZERO}:
            self.env[slots[name]] = numbers.convert(N.constant(name))
        carry = self.arithmetic.carry
        self.code = [(slots[a.name], OPS[a.op].bind(a.param, numbers), tuple(slots[x] for x in a.args),
                      a.kind if carry is not None and OPS[a.op].carried else None, a.name)
                     for a in program.assigns]
        self._inputs = slots[program.inputs[0]]
        self._targets = slots[program.targets[0]]
        self._lr = slots[N.LEARNING_RATE]
        self._forward = 1 + max(k for k, a in enumerate(program.assigns) if a.kind == "loss")
        self._outputs = [slots[f"L{len(program.layers) - 1}.n{j}.out"]
                         for j in range(1, program.layers[-1] + 1)]

    def convert(self, values: Sequence[float]) -> list[Number]:
        return [self.numbers.convert(v) for v in values]

    def step(self, inputs: Sequence[float], targets: Sequence[float],
             record: Record | None = None) -> Number:
        """One sample forward, backward and update; returns the loss before the update."""
        return self.step_converted(self.convert(inputs), self.convert(targets), record)

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
        env[self._lr] = self.lr
        context = self.numbers.context
        if context is not None:
            with localcontext(context):
                self._evaluate(env, record, count)
        else:
            self._evaluate(env, record, count)
        if update:
            self.state[:] = env[:k]
        return env[self._loss_slot]

    def _evaluate(self, env: list[Number], record: Record | None, count: int) -> None:
        carry = self.arithmetic.carry
        for out, function, args, kind, name in self.code[:count] if count < len(self.code) else self.code:
            value = function(*[env[a] for a in args])
            if kind is not None:
                value = carry(value, kind)
            env[out] = value
            if record is not None:
                record(name, value)

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
                what = "bias" if name.endswith(".b") else "weight"
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
