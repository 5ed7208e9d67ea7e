"""Reading traces written by nntrace, or by anyone following the format (docs/formats.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.network import Network, as_float, is_number
from ..core.settings import Settings, batch_argument, non_negative
from ..errors import ArgumentError, NntraceError
from ..files import read_text
from .model import SampleValues, Step, Trace, whole_number

# JSON has no spelling for infinity or NaN: a value that is not a finite number is written
# as null, and read back as NOT_FINITE (NaN: equal to nothing, not even itself).
NOT_FINITE = float("nan")
FORMAT_PREFIX = "nntrace-trace/"


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
        steps = document.get("steps") if isinstance(document, dict) else None
        return _trace_from(document, steps, source, jsonl=False)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise NntraceError(f"{source}: line {error.lineno} column {error.colno}: "
                               f"not valid JSON: {error.msg}") from None
    # JSON Lines: a header line, then a step a line; a training run's epoch losses on lines
    # of their own, {"epoch": N, "epoch_loss": L}, after the epoch's last step.
    records, losses = [], []
    for number, line in enumerate(stripped.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = load_json(line, f"{source}: line {number}")
        except json.JSONDecodeError as error:
            raise NntraceError(f"{source}: line {number}: not valid JSON: {error.msg}") from None
        if records and isinstance(record, dict) and "epoch_loss" in record and "values" not in record:
            losses.append(epoch_loss_from(record, len(losses) + 1, f"{source}: line {number}"))
        else:
            records.append((number, record))
    trace = _trace_from(records[0][1], [record for _, record in records[1:]], source, jsonl=True,
                        lines=[number for number, _ in records[1:]])
    trace.epoch_losses = losses
    return trace


def epoch_loss_from(record: dict, expected: int, where: str) -> float:
    """One epoch's loss line; epochs are listed in order, one line each, from 1."""
    epoch = whole_number(record.get("epoch"), "epoch", where)
    if epoch != expected:
        raise NntraceError(f"{where}: epoch {epoch}: epoch losses are listed one per epoch, in "
                           f"order from epoch 1 (expected epoch {expected})")
    return number_or_not_finite(record["epoch_loss"], f"{where}: epoch_loss")


def number_or_not_finite(value: Any, where: str) -> float:
    """A number, or null (a value that was not finite) read as NOT_FINITE."""
    if value is None:
        return NOT_FINITE
    if not is_number(value):
        raise NntraceError(f"{where}: {json.dumps(value)} is not a number")
    return as_float(value)


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


def _trace_from(header: Any, steps: Any, source: str, jsonl: bool, lines: list[int] | None = None) -> Trace:
    """A document is a trace when its format starts with nntrace-trace/; one without a
    format only when it has steps: a "steps" key (an empty list is a trace of no steps),
    or in JSON Lines a line after the header. A lone header with a format is a trace of
    no steps (the JSON Lines file of a run stopped, or recorded with --every, before its
    first step)."""
    refuse_non_trace(header, steps if not jsonl or steps else None, source)
    steps = [] if steps is None else steps
    if not isinstance(steps, list):
        raise NntraceError(f"{source}: steps: expected a list of steps")
    network = header.get("network")
    known = {"format", "network", "steps", "epoch_losses", "evaluator", *Settings().header()}
    evaluator = header.get("evaluator")
    if evaluator is not None and not isinstance(evaluator, str):
        raise NntraceError(f"{source}: evaluator: {json.dumps(evaluator)} is not a name")
    trace = Trace(settings_from(header, source),
                  Network.from_dict(network, f"{source}: network") if network is not None else None,
                  extra={k: v for k, v in header.items() if k not in known}, evaluator=evaluator)
    losses = header.get("epoch_losses", [])
    if not isinstance(losses, list):
        raise NntraceError(f"{source}: epoch_losses: expected a list of numbers, epoch 1 first")
    trace.epoch_losses = [number_or_not_finite(loss, f"{source}: epoch_losses[{k}]")
                          for k, loss in enumerate(losses)]
    for index, step in enumerate(steps):
        where = f"{source}: line {lines[index] if lines else index + 2}" if jsonl else f"{source}: steps[{index}]"
        trace.steps.append(_step_from(step, index, where))
    return trace


def refuse_non_trace(header: Any, steps: Any, source: str) -> None:
    """One line saying what the document is instead, when it is not a trace."""
    form = header.get("format") if isinstance(header, dict) else None
    if isinstance(header, dict) and (form is None and steps is not None or (
            isinstance(form, str) and form.startswith(FORMAT_PREFIX))):
        return
    expected = f"a trace has a format of {FORMAT_PREFIX}N, or a list of steps"
    if isinstance(form, str) and form.startswith("nntrace-network/") or (
            form is None and isinstance(header, dict) and {"layers", "weights"} <= header.keys()):
        raise NntraceError(f"{source}: a network file{f' ({form})' if form else ''}, not a trace; write a "
                           f"trace with `nntrace step --trace FILE`")
    if isinstance(form, str) and form.startswith("nntrace-"):
        raise NntraceError(f"{source}: an {form} file, not a trace ({expected})")
    what = (f"format {json.dumps(form)[:40]}" if form is not None else "no format and no steps"
            if isinstance(header, dict) else f"a JSON {json_kind(header)}, not an object")
    raise NntraceError(f"{source}: not an nntrace trace ({what}; {expected})")


def json_kind(value: Any) -> str:
    kinds = {list: "array", str: "string", bool: "true or false", type(None): "null"}
    return kinds.get(type(value), "number")


def settings_from(header: dict, source: str) -> Settings:
    """The run settings a header records; a missing one takes its default, except the
    learning rate, which is never guessed (None)."""
    default = Settings()
    slips = header.get("slips") or []
    if not isinstance(slips, list) or not all(isinstance(s, str) for s in slips):
        raise NntraceError(f"{source}: slips: expected a list of slip names")
    learning_rate = header.get("learning_rate")
    if learning_rate is not None and not is_number(learning_rate):
        raise NntraceError(f"{source}: learning_rate: {json.dumps(learning_rate)} is not a number")
    texts = {}
    for key in ("convention", "loss"):
        value = header.get(key, getattr(default, key))
        if not isinstance(value, str):
            raise NntraceError(f"{source}: {key}: {json.dumps(value)} is not a name")
        texts[key] = value
    try:
        batch_size = batch_argument(header.get("batch_size", default.batch_size))
        optimizer = [non_negative(key, header.get(key, getattr(default, key)))
                     for key in ("momentum", "weight_decay")]
    except ArgumentError as error:
        raise NntraceError(f"{source}: {error.argument}: {error.problem}") from None
    return Settings(None if learning_rate is None else as_float(learning_rate),
                    texts["convention"], tuple(slips), texts["loss"], batch_size, *optimizer)


def _step_from(data: Any, index: int, where: str) -> Step:
    if not isinstance(data, dict):
        raise NntraceError(f"{where}: expected a step object")
    iteration = whole_number(data.get("iteration", index + 1), "iteration", where)
    if iteration < 1:
        raise NntraceError(f"{where}: iteration {iteration}: iterations are numbered from 1")
    epoch = data.get("epoch")
    epoch = None if epoch is None else whole_number(epoch, "epoch", where)
    samples = data.get("samples", [])
    if not isinstance(samples, list):
        raise NntraceError(f"{where}: samples: expected a list of samples")
    return Step(iteration, epoch, *sample_from(data, where),
                [SampleValues(*sample_from(sample, f"{where}: samples[{k}]"))
                 for k, sample in enumerate(samples)],
                named_numbers(data.get("before", {}), f"{where}: before"))


def sample_from(data: Any, where: str) -> tuple[list[float], list[float], dict]:
    """The input, target and values of a step or of one sample of a batch."""
    if not isinstance(data, dict):
        raise NntraceError(f"{where}: expected an object with input, target and values")
    values = named_numbers(data.get("values", {}), f"{where}: values")
    vectors = []
    for key in ("input", "target"):
        vector = data.get(key, [])
        if not isinstance(vector, list) or not all(is_number(v) for v in vector):
            raise NntraceError(f"{where}: {key}: expected a list of numbers")
        vectors.append([as_float(v) for v in vector])
    return vectors[0], vectors[1], values


def named_numbers(values: Any, where: str) -> dict[str, float]:
    """An object of name: number (null, a value that was not finite, read as NOT_FINITE)."""
    if not isinstance(values, dict):
        raise NntraceError(f"{where}: expected an object of name: number")
    return {name: number_or_not_finite(value, f"{where}: {name}") for name, value in values.items()}
