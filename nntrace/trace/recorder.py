"""The Recorder: collects values into a Trace, from nntrace's engine or from anyone's own code."""

from __future__ import annotations

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
        if isinstance(slips, str) or not all(isinstance(s, str) for s in slips):
            raise NntraceError(f"Recorder: slips: expected a list of slip names, got {slips!r}")
        try:
            optimizer = (batch_argument(plain(batch_size)), non_negative("momentum", plain(momentum)),
                         non_negative("weight_decay", plain(weight_decay)))
        except ArgumentError as error:
            raise NntraceError(f"Recorder: {error}") from None
        settings = Settings(learning_rate, str(convention), tuple(slips), str(loss), *optimizer)
        self.trace = Trace(settings, network.copy() if network else None, [], dict(extra))
        self._values: dict[str, float] | None = None

    @classmethod
    def for_run(cls, settings: Settings, network: Network, **extra: Any) -> "Recorder":
        recorder = cls(network=network, **extra)
        recorder.trace.settings = settings
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
        self.begin_step([], [], iteration, epoch)
        step = self.trace.steps[-1]
        for x, t in zip(plain(inputs), plain(targets), strict=True):
            step.samples.append(SampleValues([real(v, "Recorder: input") for v in x],
                                             [real(v, "Recorder: target") for v in t]))

    def record(self, name: str, value: float, sample: int | None = None) -> None:
        if self._values is None:
            raise RuntimeError("call begin_step(input, target) before record()")
        where = self._values if sample is None else self.trace.steps[-1].samples[sample].values
        where[name] = real(value, f"Recorder: {name}")

    def end_step(self) -> None:
        self._values = None

    def save(self, path: str | Path) -> None:
        from .write import write_trace

        write_trace(self.trace, path)
