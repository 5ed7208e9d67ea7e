"""Recorded values: the Trace dataclass, recorders, and reading/writing .json and .jsonl traces."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .errors import NntraceError
from .files import AtomicFile, read_text, write_atomically
from .network import Network, as_float, is_number

FORMAT = "nntrace-trace/1"
# JSON has no spelling for infinity or NaN: a value that is not a finite number is written
# as null, and read back as NOT_FINITE (NaN: equal to nothing, not even itself).
NOT_FINITE = math.nan


def finite_or_none(value: float) -> float | None:
    """The value as JSON takes it: itself when finite, else None (null)."""
    return value if math.isfinite(value) else None


@dataclass
class Step:
    """One iteration: which sample went in, and every value recorded, by trace name."""

    iteration: int
    epoch: int | None
    input: list[float]
    target: list[float]
    values: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"iteration": self.iteration, "epoch": self.epoch, "input": self.input,
                "target": self.target,
                "values": {name: finite_or_none(value) for name, value in self.values.items()}}


@dataclass
class Trace:
    """A header (how the steps were computed) and the steps."""

    convention: str = "exact"
    learning_rate: float | None = None
    network: Network | None = None
    slips: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)   # keys a producer added

    def header(self) -> dict[str, Any]:
        data: dict[str, Any] = {"format": FORMAT, "convention": self.convention}
        if self.slips:
            data["slips"] = list(self.slips)
        data["learning_rate"] = self.learning_rate
        data["network"] = self.network.to_dict() if self.network else None
        data.update(self.extra)
        return data

    def to_dict(self) -> dict[str, Any]:
        return {**self.header(), "steps": [step.to_dict() for step in self.steps]}


class Recorder:
    """Collects values into a Trace; hand `recorder.record` to the engine, or call it from your own code.

    Example, for your own backprop:

        rec = Recorder(learning_rate=0.1, network=my_network_dict)
        rec.begin_step(input=[0, 1], target=[1])
        rec.record("L1.n1.net", net)   # ... every value you compute, by its trace name
        rec.save("mine.json")

    Numbers may be numpy arrays and scalars (anything with `.tolist()`, or that float() takes).
    """

    def __init__(self, convention: str = "exact", learning_rate: float | None = None,
                 network: Network | dict | None = None, slips: Sequence[str] = (),
                 **extra: Any):
        if isinstance(network, dict):
            network = Network.from_dict(plain(network), "Recorder: network")
        if learning_rate is not None:
            learning_rate = real(learning_rate, "Recorder: learning_rate")
        self.trace = Trace(convention, learning_rate, network.copy() if network else None,
                           list(slips), [], dict(extra))
        self._values: dict[str, float] | None = None

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

    def record(self, name: str, value: float) -> None:
        if self._values is None:
            raise RuntimeError("call begin_step(input, target) before record()")
        self._values[name] = real(value, f"Recorder: {name}")

    def end_step(self) -> None:
        self._values = None

    def save(self, path: str | Path) -> None:
        write_trace(self.trace, path)


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


def dumps_trace(trace: Trace) -> str:
    """One JSON document laid out for a person: header keys a line each, one value a line."""
    lines = ["{"]
    lines += [f" {json.dumps(key)}: {json.dumps(value)}," for key, value in trace.header().items()]
    lines.append(' "steps": [')
    for index, step in enumerate(trace.steps):
        head = {k: v for k, v in step.to_dict().items() if k != "values"}
        lines.append("  " + json.dumps(head)[:-1] + ', "values": {')
        values = [f"   {json.dumps(name)}: {json.dumps(finite_or_none(value))}" for name, value in step.values.items()]
        lines.append(",\n".join(values))
        lines.append("  }}" + ("," if index < len(trace.steps) - 1 else ""))
    lines += [" ]", "}"]
    return "\n".join(line for line in lines if line) + "\n"


def write_trace(trace: Trace, path: str | Path, option: str = "--trace") -> None:
    """A .jsonl path gets JSON Lines (header, then a line a step); anything else one JSON document."""
    if str(path).endswith(".jsonl"):
        lines = [json.dumps(trace.header())] + [json.dumps(step.to_dict()) for step in trace.steps]
        write_atomically(path, "\n".join(lines) + "\n", option)
    else:
        write_atomically(path, dumps_trace(trace), option)


class JsonlTraceWriter:
    """Streams a JSON Lines trace: memory stays flat however many steps are recorded.

    Lines go to a temporary file beside the target, which `close()` renames into place,
    so an interrupted run still leaves a whole, valid trace of the steps recorded so far.
    """

    def __init__(self, path: str | Path, trace_header: Trace, option: str = "--trace"):
        import orjson  # only a traced run pays for loading it

        self._dumps = orjson.dumps
        self.out = AtomicFile(path, option)
        self.out.write(json.dumps(trace_header.header()) + "\n")
        self._values: list[float] = []
        self._names: list[str] = []
        self._head = ""

    def begin_step(self, input: Sequence[float], target: Sequence[float],
                   iteration: int, epoch: int | None = None) -> None:
        self._head = step_head(iteration, epoch) + sample_fields(input, target)
        self._values.clear()
        self._names.clear()

    def record(self, name: str, value: float) -> None:
        self._names.append(name)
        self._values.append(value)

    def end_step(self) -> None:
        self._write(self._head, self._names, tuple(map(float, self._values)))

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


# Reading.

def read_trace(path: str | Path) -> Trace:
    """Read a .json or .jsonl trace written by nntrace or by anyone following the format."""
    source = str(path)
    text = read_text(path, "utf-8-sig")
    return parse_trace(text, source)


def parse_trace(text: str, source: str) -> Trace:
    stripped = text.strip()
    if not stripped:
        raise NntraceError(f"{source}: empty file, not a trace")
    try:
        document = load_json(stripped, source)
        # A lone header without "steps" is a trace of no steps: the JSON Lines file of a run
        # stopped (or recorded with --every) before its first recorded step.
        steps = document.get("steps", []) if isinstance(document, dict) else None
        return _trace_from(document, steps, source, jsonl=False)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise NntraceError(f"{source}: line {error.lineno} column {error.colno}: "
                               f"not valid JSON: {error.msg}") from None
    # JSON Lines: a header line, then a step a line.
    lines = stripped.splitlines()
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            records.append(load_json(line, f"{source}: line {number}"))
        except json.JSONDecodeError as error:
            raise NntraceError(f"{source}: line {number}: not valid JSON: {error.msg}") from None
    return _trace_from(records[0], records[1:], source, jsonl=True)


def load_json(text: str, source: str) -> Any:
    """json.loads (NaN and Infinity allowed: a user's trace may hold them), but input too
    deep or numbers too long are one-line errors, not tracebacks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise NntraceError(f"{source}: nested too deeply to be a trace") from None
    except ValueError as error:
        raise NntraceError(f"{source}: not readable as JSON: {error}") from None


def _trace_from(header: Any, steps: Any, source: str, jsonl: bool) -> Trace:
    if not isinstance(header, dict) or (header.get("format") not in (None, FORMAT)):
        raise NntraceError(f"{source}: not an nntrace trace (expected format {FORMAT!r})")
    if not isinstance(steps, list):
        raise NntraceError(f"{source}: not an nntrace trace: no list of steps")
    network = header.get("network")
    known = {"format", "convention", "slips", "learning_rate", "network", "steps"}
    slips = header.get("slips") or []
    if not isinstance(slips, list) or not all(isinstance(s, str) for s in slips):
        raise NntraceError(f"{source}: slips: expected a list of slip names")
    learning_rate = header.get("learning_rate")
    if learning_rate is not None and not is_number(learning_rate):
        raise NntraceError(f"{source}: learning_rate: {json.dumps(learning_rate)} is not a number")
    trace = Trace(
        convention=str(header.get("convention", "unknown")),
        learning_rate=learning_rate,
        network=Network.from_dict(network, f"{source}: network") if network is not None else None,
        slips=list(slips),
        extra={k: v for k, v in header.items() if k not in known},
    )
    for index, step in enumerate(steps):
        where = f"{source}: line {index + 2}" if jsonl else f"{source}: steps[{index}]"
        trace.steps.append(_step_from(step, index, where))
    return trace


def _step_from(data: Any, index: int, where: str) -> Step:
    if not isinstance(data, dict):
        raise NntraceError(f"{where}: expected a step object")
    values = data.get("values", {})
    if not isinstance(values, dict):
        raise NntraceError(f"{where}: values: expected an object of name: number")
    for name, value in values.items():
        if not is_number(value) and value is not None:
            raise NntraceError(f"{where}: values: {name}: {json.dumps(value)} is not a number")
    iteration = whole_number(data.get("iteration", index + 1), "iteration", where)
    if iteration < 1:
        raise NntraceError(f"{where}: iteration {iteration}: iterations are numbered from 1")
    epoch = data.get("epoch")
    epoch = None if epoch is None else whole_number(epoch, "epoch", where)
    vectors = []
    for key in ("input", "target"):
        vector = data.get(key, [])
        if not isinstance(vector, list) or not all(is_number(v) for v in vector):
            raise NntraceError(f"{where}: {key}: expected a list of numbers")
        vectors.append([as_float(v) for v in vector])
    return Step(iteration, epoch, vectors[0], vectors[1],
                {k: NOT_FINITE if v is None else as_float(v) for k, v in values.items()})


def whole_number(value: Any, key: str, where: str) -> int:
    """An int, or a float with nothing after the point (1.0, as other languages write 1);
    never a boolean, which Python would otherwise take for 0 or 1."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise NntraceError(f"{where}: {key}: {json.dumps(value, default=repr)} is not a whole number")
    return value
