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
    lines += [f" {json.dumps(key)}: {json.dumps(value)}," for key, value in trace.header().items()]
    lines.append(' "steps": [')
    for index, step in enumerate(trace.steps):
        head = {k: v for k, v in step.to_dict().items() if k not in ("values", "samples")}
        if step.samples:   # a batch: each sample on a line of its own, then the batch's values
            lines.append("  " + json.dumps(head)[:-1] + ', "samples": [')
            lines.append(",\n".join(f"   {json.dumps(sample.to_dict())}" for sample in step.samples))
            lines.append('  ], "values": {')
        else:
            lines.append("  " + json.dumps(head)[:-1] + ', "values": {')
        values = [f"   {json.dumps(name)}: {json.dumps(finite_or_none(value))}" for name, value in step.values.items()]
        lines.append(",\n".join(values))
        lines.append("  }}" + ("," if index < len(trace.steps) - 1 else ""))
    lines += [" ]", "}"]
    return "\n".join(line for line in lines if line) + "\n"


def write_trace(trace: Trace, path: str | Path, option: str = "trace") -> None:
    """A .jsonl path gets JSON Lines (header, then a line a step); anything else one JSON document."""
    if is_jsonl(path):
        lines = [json.dumps(trace.header())] + [json.dumps(step.to_dict()) for step in trace.steps]
        write_atomically(path, "\n".join(lines) + "\n", option)
    else:
        write_atomically(path, dumps_trace(trace), option)


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

    def begin_step(self, input: Sequence[float], target: Sequence[float],
                   iteration: int, epoch: int | None = None) -> None:
        self._head = step_head(iteration, epoch) + sample_fields(input, target)
        self._values.clear()
        self._names.clear()
        self._batch = None

    def begin_batch(self, inputs: Sequence[Sequence[float]], targets: Sequence[Sequence[float]],
                    iteration: int, epoch: int | None = None) -> None:
        self._batch = Step(iteration, epoch, [], [], {},
                           [SampleValues([float(v) for v in x], [float(v) for v in t])
                            for x, t in zip(inputs, targets)])

    def record(self, name: str, value: float, sample: int | None = None) -> None:
        if self._batch is not None:
            where = self._batch.values if sample is None else self._batch.samples[sample].values
            where[name] = float(value)
            return
        self._names.append(name)
        self._values.append(value)

    def end_step(self) -> None:
        if self._batch is not None:
            self.write_step(self._batch)
        else:
            self._write(self._head, self._names, tuple(map(float, self._values)))

    def write_step(self, step: Step) -> None:
        """A whole step, a batch's included (its samples with their values)."""
        self.out.write(self._dumps(step.to_dict()).decode() + "\n")

    def write_values(self, iteration: int, epoch: int | None, sample: str,
                     names: Sequence[str], values: tuple[float, ...]) -> None:
        """A whole step at once: `values` in the order of `names`, and `sample` made by
        `sample_fields(input, target)` once per sample. The fast path of training."""
        self._write(step_head(iteration, epoch) + sample, names, values)

    def _write(self, head: str, names: Sequence[str], values: tuple[float, ...]) -> None:
        # orjson writes each float as its shortest round-trip text, like repr, about five
        # times faster than Python can (the cost of a traced step is mostly this), and
        # writes inf and NaN as null, as JSON has no spelling for them.
        self.out.write(head + self._dumps(dict(zip(names, values))).decode()[1:] + "}\n")

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
