"""Writing traces: one JSON document laid out for a person, or JSON Lines streamed step by step."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from ..files import AtomicFile, write_atomically
from .model import SampleValues, Step, Trace, finite_or_none


def is_jsonl(path: str | Path) -> bool:
    """JSON Lines by its extension, in any letter case (.jsonl, .JSONL)."""
    return str(path).lower().endswith(".jsonl")


def dumps_trace(trace: Trace) -> str:
    """One JSON document laid out for a person: header keys a line each, one value a line."""
    lines = ["{"]
    header = trace.header()
    if trace.epoch_losses:
        header["epoch_losses"] = [finite_or_none(loss) for loss in trace.epoch_losses]
    lines += [f" {json.dumps(key)}: {json.dumps(value)}," for key, value in header.items()]
    lines.append(' "steps": [')
    for index, step in enumerate(trace.steps):
        head = {k: v for k, v in step.to_dict().items() if k not in ("values", "samples", "before")}
        if step.samples:   # a batch: each sample on a line of its own, then the batch's values
            lines.append("  " + json.dumps(head)[:-1] + ', "samples": [')
            lines.append(",\n".join(f"   {json.dumps(sample.to_dict())}" for sample in step.samples))
            lines.append('  ], "values": {')
        else:
            lines.append("  " + json.dumps(head)[:-1] + ', "values": {')
        values = [f"   {json.dumps(name)}: {json.dumps(finite_or_none(value))}" for name, value in step.values.items()]
        lines.append(",\n".join(values))
        before = f', "before": {json.dumps(step.to_dict()["before"])}' if step.before else ""
        lines.append(f"  }}{before}}}" + ("," if index < len(trace.steps) - 1 else ""))
    lines += [" ]", "}"]
    return "\n".join(line for line in lines if line) + "\n"


def write_trace(trace: Trace, path: str | Path, option: str = "trace") -> None:
    """A .jsonl path gets JSON Lines (header, then a line a step); anything else one JSON document."""
    if is_jsonl(path):
        write_atomically(path, "\n".join(jsonl_lines(trace)) + "\n", option)
    else:
        write_atomically(path, dumps_trace(trace), option)


def jsonl_lines(trace: Trace) -> list[str]:
    """The header, then each step; each epoch's loss after the last step of that epoch (or
    before the first step of a later one), as a run streams them."""
    lines, epoch = [json.dumps(trace.header())], 0
    losses = trace.epoch_losses
    for step in trace.steps:
        while epoch < len(losses) and step.epoch is not None and step.epoch > epoch + 1:
            epoch += 1
            lines.append(epoch_line(epoch, losses[epoch - 1]))
        lines.append(json.dumps(step.to_dict()))
    lines += [epoch_line(e, losses[e - 1]) for e in range(epoch + 1, len(losses) + 1)]
    return lines


def epoch_line(epoch: int, loss: float) -> str:
    """The line a JSON Lines trace gives an epoch's loss, after the epoch's last step."""
    return json.dumps({"epoch": epoch, "epoch_loss": finite_or_none(float(loss))})


class JsonlTraceWriter:
    """Streams a JSON Lines trace: memory stays flat however many steps are recorded.

    Lines go to a temporary file beside the target, which `close()` renames into place,
    so an interrupted run still leaves a whole, valid trace of the steps recorded so far.
    """

    def __init__(self, path: str | Path, trace_header: Trace, option: str = "trace"):
        import orjson  # only a traced run pays for loading it

        self._dumps = orjson.dumps
        self.out = AtomicFile(path, option)
        self.out.write(json.dumps(trace_header.header()) + "\n")
        self._values: list[float] = []
        self._names: list[str] = []
        self._head = ""
        self._batch: Step | None = None
        self._before: dict[str, float] | None = None

    def begin_step(self, input: Sequence[float], target: Sequence[float],
                   iteration: int, epoch: int | None = None) -> None:
        self._head = step_head(iteration, epoch) + sample_fields(input, target)
        self._values.clear()
        self._names.clear()
        self._batch = self._before = None

    def begin_batch(self, inputs: Sequence[Sequence[float]], targets: Sequence[Sequence[float]],
                    iteration: int, epoch: int | None = None) -> None:
        self._batch = Step(iteration, epoch, [], [], {},
                           [SampleValues([float(v) for v in x], [float(v) for v in t])
                            for x, t in zip(inputs, targets)])
        self._before = None

    def record_before(self, before: dict[str, float]) -> None:
        """The weights, biases and velocities as the step under way found them (a run traced
        --every K: the step that left them is not in the trace)."""
        self._before = {name: float(value) for name, value in before.items()}

    def record(self, name: str, value: float, sample: int | None = None) -> None:
        if self._batch is not None:
            where = self._batch.values if sample is None else self._batch.samples[sample].values
            where[name] = float(value)
            return
        self._names.append(name)
        self._values.append(value)

    def end_step(self) -> None:
        if self._batch is not None:
            self._batch.before = self._before or {}
            self.write_step(self._batch)
        else:
            self._write(self._head, self._names, tuple(map(float, self._values)), self._before)

    def write_step(self, step: Step) -> None:
        """A whole step, a batch's included (its samples with their values)."""
        self.out.write(self._dumps(step.to_dict()).decode() + "\n")

    def sample_head(self, input: Sequence[float], target: Sequence[float]) -> str:
        """What `write_values` takes for a sample: its fields as text, made once per sample."""
        return sample_fields(input, target)

    def write_values(self, iteration: int, epoch: int | None, sample: str,
                     names: Sequence[str], values: tuple[float, ...],
                     before: dict[str, float] | None = None) -> None:
        """A whole step at once: `values` in the order of `names`, and `sample` made by
        `sample_head(input, target)` once per sample. The fast path of training."""
        self._write(step_head(iteration, epoch) + sample, names, values, before)

    def write_epoch(self, epoch: int, loss: float) -> None:
        """An epoch's loss (the mean over its samples), once its last step is written."""
        self.out.write(epoch_line(epoch, loss) + "\n")

    def _write(self, head: str, names: Sequence[str], values: tuple[float, ...],
               before: dict[str, float] | None = None) -> None:
        # orjson writes each float as its shortest round-trip text, like repr, about five
        # times faster than Python can (the cost of a traced step is mostly this), and
        # writes inf and NaN as null, as JSON has no spelling for them.
        tail = f', "before": {self._dumps(before).decode()}}}\n' if before else "}\n"
        self.out.write(head + self._dumps(dict(zip(names, values))).decode()[1:] + tail)

    def close(self) -> None:
        self.out.commit()

    def discard(self) -> None:
        self.out.discard()


def step_head(iteration: int, epoch: int | None) -> str:
    return f'{{"iteration": {iteration}, "epoch": {"null" if epoch is None else epoch}, '


def sample_fields(input: Sequence[float], target: Sequence[float]) -> str:
    """The input and target of a step line, up to where its values begin."""
    return (f'"input": {json.dumps([float(v) for v in input])}, '
            f'"target": {json.dumps([float(v) for v in target])}, "values": {{')
