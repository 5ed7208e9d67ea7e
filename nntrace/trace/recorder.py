"""The Recorder: collects values into a Trace, from nntrace's engine or from anyone's own code."""

from __future__ import annotations

from numbers import Integral
from pathlib import Path
from typing import Any, Sequence

from ..core.conventions import DEFAULT_CONVENTION
from ..core.losses import DEFAULT_LOSS
from ..core.network import Network
from ..core.settings import Settings, batch_argument, non_negative
from ..errors import ArgumentError, NntraceError
from .model import SampleValues, Step, Trace, plain, real, whole_number


class Recorder:
    """Collects values into a Trace; hand `recorder.record` to the engine, or call it from your own code.

    Example, for your own backprop:

        rec = Recorder(learning_rate=0.1, network=my_network_dict)
        rec.begin_step(input=[0, 1], target=[1])
        rec.record("L1.n1.net", net)   # ... every value you compute, by its trace name
        rec.save("mine.json")

    Numbers may be numpy arrays and scalars (anything with `.tolist()`, or that float() takes).
    """

    def __init__(self, convention: str = DEFAULT_CONVENTION, learning_rate: float | None = None,
                 network: Network | dict | None = None, slips: Sequence[str] = (),
                 loss: str = DEFAULT_LOSS, batch_size: int | str = 1, momentum: float = 0.0,
                 weight_decay: float = 0.0, **extra: Any):
        if isinstance(network, dict):
            network = Network.from_dict(plain(network), "Recorder: network")
        if learning_rate is not None:
            learning_rate = real(learning_rate, "Recorder: learning_rate")
        slips = () if slips is None else slips
        if isinstance(slips, str) or not isinstance(slips, Sequence) or not all(isinstance(s, str) for s in slips):
            raise NntraceError(f"Recorder: slips: expected a list of slip names, got {slips!r}")
        for argument, name in (("convention", convention), ("loss", loss)):
            if not isinstance(name, str):
                raise NntraceError(f"Recorder: {argument}: expected a name, got {name!r}")
        try:
            optimizer = (batch_argument(plain(batch_size)), non_negative("momentum", plain(momentum)),
                         non_negative("weight_decay", plain(weight_decay)))
        except ArgumentError as error:
            raise NntraceError(f"Recorder: {error}") from None
        settings = Settings(learning_rate, convention, tuple(slips), loss, *optimizer)
        self.trace = Trace(settings, network.copy() if network else None, [], dict(extra))
        self._values: dict[str, float] | None = None

    @classmethod
    def for_run(cls, settings: Settings, network: Network, evaluator: str | None = None,
                **extra: Any) -> "Recorder":
        """A recorder of nntrace's own run: its settings, and the evaluator computing it."""
        recorder = cls(network=network, **extra)
        recorder.trace.settings = settings
        recorder.trace.evaluator = evaluator
        return recorder

    def begin_step(self, input: Sequence[float], target: Sequence[float],
                   iteration: int | None = None, epoch: int | None = None) -> None:
        iteration = (len(self.trace.steps) + 1 if iteration is None
                     else whole_number(plain(iteration), "iteration", "Recorder"))
        if iteration < 1:
            raise NntraceError(f"Recorder: iteration {iteration}: iterations are numbered from 1")
        epoch = None if epoch is None else whole_number(plain(epoch), "epoch", "Recorder")
        step = Step(iteration, epoch, [real(v, "Recorder: input") for v in plain(input)],
                    [real(v, "Recorder: target") for v in plain(target)])
        self.trace.steps.append(step)
        self._values = step.values

    def begin_batch(self, inputs: Sequence[Sequence[float]], targets: Sequence[Sequence[float]],
                    iteration: int | None = None, epoch: int | None = None) -> None:
        """A step that updates from a batch: `record(name, value, sample=k)` records sample k's
        own values (k from 0), `record(name, value)` the batch's."""
        inputs, targets = plain(inputs), plain(targets)
        if len(inputs) != len(targets):
            raise NntraceError(f"Recorder: begin_batch: {len(inputs)} input(s) but {len(targets)} target(s)")
        self.begin_step([], [], iteration, epoch)
        step = self.trace.steps[-1]
        for x, t in zip(inputs, targets):
            step.samples.append(SampleValues([real(v, "Recorder: input") for v in x],
                                             [real(v, "Recorder: target") for v in t]))

    def record(self, name: str, value: float, sample: int | None = None) -> None:
        if self._values is None:
            raise RuntimeError("call begin_step(input, target) before record()")
        where = self._values if sample is None else self.sample_values(sample)
        # A float as it is (the engines hand floats, a large network hundreds of thousands).
        where[name] = value if type(value) is float else real(value, f"Recorder: {name}")

    def sample_values(self, sample: int) -> dict[str, float]:
        samples = self.trace.steps[-1].samples
        if isinstance(sample, bool) or not isinstance(sample, Integral) or not 0 <= sample < len(samples):
            raise NntraceError(f"Recorder: sample={sample!r}: the step has {len(samples)} sample(s) "
                               f"of a batch, counted from 0" + ("" if samples else " (see begin_batch)"))
        return samples[int(sample)].values

    def record_floats(self, names: Sequence[str], values: Sequence[float]) -> None:
        """Many values at once, each already a float (the vectorised engine's, in order)."""
        if self._values is None:
            raise RuntimeError("call begin_step(input, target) before record()")
        self._values.update(zip(names, values))

    def end_step(self) -> None:
        self._values = None

    def save(self, path: str | Path) -> None:
        from .write import write_trace

        write_trace(self.trace, path)


class TraceCollector:
    """A run's traced steps kept in memory as a Trace, through the JSON Lines writer's
    interface (write.JsonlTraceWriter): what `train` keeps for a page when it writes no
    trace file. Values are floats, as a trace file would read back."""

    def __init__(self, trace_header: Trace):
        self.trace = Trace(trace_header.settings, trace_header.network, [], dict(trace_header.extra))
        self._step: Step | None = None

    def begin_step(self, input: Sequence[float], target: Sequence[float],
                   iteration: int, epoch: int | None = None) -> None:
        self._step = Step(iteration, epoch, [float(v) for v in input], [float(v) for v in target])
        self.trace.steps.append(self._step)

    def begin_batch(self, inputs: Sequence[Sequence[float]], targets: Sequence[Sequence[float]],
                    iteration: int, epoch: int | None = None) -> None:
        self.begin_step([], [], iteration, epoch)
        self._step.samples = [SampleValues([float(v) for v in x], [float(v) for v in t])
                              for x, t in zip(inputs, targets)]

    def record_before(self, before: dict[str, float]) -> None:
        self._step.before = {name: float(value) for name, value in before.items()}

    def record(self, name: str, value: float, sample: int | None = None) -> None:
        where = self._step.values if sample is None else self._step.samples[sample].values
        where[name] = float(value)

    def end_step(self) -> None:
        self._step = None

    def sample_head(self, input: Sequence[float], target: Sequence[float]) -> tuple[list, list]:
        return [float(v) for v in input], [float(v) for v in target]

    def write_values(self, iteration: int, epoch: int | None, sample: tuple[list, list],
                     names: Sequence[str], values: tuple[float, ...],
                     before: dict[str, float] | None = None) -> None:
        self.trace.steps.append(Step(iteration, epoch, list(sample[0]), list(sample[1]),
                                     dict(zip(names, map(float, values))), [], dict(before or {})))

    def write_epoch(self, epoch: int, loss: float) -> None:
        self.trace.epoch_losses.append(float(loss))

    def close(self) -> None:
        pass

    def discard(self) -> None:
        pass
