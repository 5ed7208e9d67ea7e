"""Recorded values: a Trace holds the settings, the network before the first step, and the
steps, each with every value by its trace name."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..core.network import Network
from ..core.settings import Settings
from ..errors import NntraceError, NonFiniteError

FORMAT = "nntrace-trace/2"


def finite_or_none(value: float) -> float | None:
    """The value as JSON takes it: itself when finite, else None (null)."""
    return value if math.isfinite(value) else None


def finite_values(values: dict[str, float]) -> dict[str, float | None]:
    return {name: finite_or_none(value) for name, value in values.items()}


@dataclass
class SampleValues:
    """One sample of a batch: its input and target, and its own forward and backward values."""

    input: list[float]
    target: list[float]
    values: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.input, "target": self.target, "values": finite_values(self.values)}


@dataclass
class Step:
    """One iteration (one update): which sample went in, and every value recorded, by trace
    name. A batch's step lists its samples, each with its own values; the step's values
    are then the batch's (mean gradients, velocities, new weights, mean loss)."""

    iteration: int
    epoch: int | None
    input: list[float]
    target: list[float]
    values: dict[str, float] = field(default_factory=dict)
    samples: list[SampleValues] = field(default_factory=list)
    # The weights, biases (and velocities) as they were before this update, where the step
    # that left them is not in the trace (a run traced --every K): what its formulas read.
    before: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        if self.samples:
            found = {"iteration": self.iteration, "epoch": self.epoch, "values": finite_values(self.values),
                     "samples": [sample.to_dict() for sample in self.samples]}
        else:
            found = {"iteration": self.iteration, "epoch": self.epoch, "input": self.input,
                     "target": self.target, "values": finite_values(self.values)}
        return {**found, "before": finite_values(self.before)} if self.before else found


@dataclass
class Trace:
    """A header (the settings and the network the steps began from) and the steps."""

    settings: Settings = field(default_factory=Settings)
    network: Network | None = None
    steps: list[Step] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)   # keys a producer added
    evaluator: str | None = None   # what computed it: "python" or "numpy" (nntrace.fast); None: not said
    # A training run's loss of each epoch (the mean over its samples), epoch 1 first: the
    # whole run's curve, however few of its steps were traced.
    epoch_losses: list[float] = field(default_factory=list)

    def header(self) -> dict[str, Any]:
        made = {"evaluator": self.evaluator} if self.evaluator is not None else {}
        return {"format": FORMAT, **self.settings.header(), **made,
                "network": self.network.to_dict() if self.network else None, **self.extra}

    def to_dict(self) -> dict[str, Any]:
        losses = {"epoch_losses": [finite_or_none(loss) for loss in self.epoch_losses]} if self.epoch_losses else {}
        return {**self.header(), **losses, "steps": [step.to_dict() for step in self.steps]}


def plain(value: Any) -> Any:
    """numpy arrays and scalars (anything with .tolist()) and tuples as the lists and numbers
    JSON writes, without importing numpy."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def real(value: Any, what: str) -> float:
    """A number as a float: a Python, numpy or Decimal number; never a string or a boolean."""
    value = plain(value)
    if not isinstance(value, (str, bytes, bool, list, dict)):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    raise NntraceError(f"{what}: {value!r} is not a number")


def whole_number(value: Any, key: str, where: str) -> int:
    """An int, or a float with nothing after the point (1.0, as other languages write 1);
    never a boolean, which Python would otherwise take for 0 or 1."""
    import json

    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise NntraceError(f"{where}: {key}: {json.dumps(value, default=repr)} is not a whole number")
    return value


def network_after(before: Network | None, step: Step) -> Network | None:
    """The network as a step left it, from its recorded weights (None if not all recorded)."""
    if before is None:
        return None
    after = before.copy()
    for l, matrix in enumerate(after.weights, 1):
        for j, row in enumerate(matrix, 1):
            for i in range(1, len(row) + 1):
                value = step.values.get(f"L{l}.n{j}.w{i}")
                if value is None:
                    return None
                row[i - 1] = value
    if after.biases is not None:
        for l, layer in enumerate(after.biases, 1):
            for j in range(1, len(layer) + 1):
                layer[j - 1] = step.values.get(f"L{l}.n{j}.b", layer[j - 1])
    return after


def first_non_finite(trace: Trace) -> None:
    """Raise NonFiniteError naming the first value, in computation order, that is inf or NaN
    (in a batch's step, a sample's own value says which sample: `sample 2: loss`)."""
    for recorded in trace.steps:
        if all(map(math.isfinite, recorded.values.values())) and all(
                all(map(math.isfinite, sample.values.values())) for sample in recorded.samples):
            continue   # the usual case, at once (a large network's step has 184,806 values)
        values = [*((f"sample {k}: ", item) for k, sample in enumerate(recorded.samples, 1)
                    for item in sample.values.items()),
                  *(("", item) for item in recorded.values.items())]
        for where, (name, value) in values:
            # A cross-entropy's −∂E/∂out is infinite where an output is exactly 0 or 1; the
            # delta comes from target − out then, so the run goes on (the trace writes null).
            if not math.isfinite(value) and not (math.isinf(value) and name.endswith(".error")):
                raise NonFiniteError(f"iteration {recorded.iteration}: {where}{name} is {value}, "
                                     f"not a finite number", name, recorded.iteration)
