"""Training data: the article's XOR table, or a CSV file of inputs then targets on each row."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from .. import article
from ..errors import ArgumentError, NntraceError
from ..files import read_text


@dataclass(frozen=True)
class Sample:
    inputs: tuple[float, ...]
    targets: tuple[float, ...]


@dataclass(frozen=True)
class Dataset:
    """Samples in file order, and where they came from (for messages and the trace header)."""

    samples: tuple[Sample, ...]
    source: str

    def __len__(self) -> int:
        return len(self.samples)


def xor() -> Dataset:
    """The article's XOR table, in the article's order."""
    return Dataset(tuple(Sample(tuple(x), tuple(t)) for x, t in article.XOR), "the article's XOR table")


def training_data(network, path: str | Path | None = None) -> Dataset:
    """The samples to train on: a CSV file's, or the XOR table for a 2-input, 1-output network."""
    if path is not None:
        return load_csv(path, network.inputs, network.outputs)
    if (network.inputs, network.outputs) != (2, 1):
        raise ArgumentError("data", f"required for the network {network.shape}: the default XOR "
                                    f"table has 2 inputs and 1 target")
    return xor()


def load_csv(path: str | Path, inputs: int, outputs: int) -> Dataset:
    """Read a CSV file whose rows hold `inputs` numbers then `outputs` targets."""
    # utf-8-sig: spreadsheets often start a CSV with a byte-order mark.
    return parse_csv(read_text(path, "utf-8-sig"), str(path), inputs, outputs)


def parse_csv(text: str, source: str, inputs: int, outputs: int) -> Dataset:
    """Rows of numbers separated by commas; blank lines are skipped, and the first non-blank
    line is a header (skipped) when none of its fields is a number."""
    quick = plain_csv(text, inputs, outputs)
    if quick:
        return Dataset(tuple(quick), source)
    width = inputs + outputs
    samples = []
    first = True
    reader = csv.reader(io.StringIO(text))
    for row in _rows(reader, source):
        values = _numbers(row)
        if values is not None and len(values) == width:   # the common case, at once
            first = False
            samples.append(Sample(tuple(values[:inputs]), tuple(values[inputs:])))
            continue
        number = reader.line_num
        fields = [field.strip() for field in row]
        if not any(fields):
            continue
        if first and not any(map(_is_float, fields)):
            first = False
            continue
        first = False
        if len(fields) != width:
            raise NntraceError(f"{source}: line {number}: expected {width} numbers ({inputs} input(s) "
                               f"then {outputs} target(s), for the network), got {len(fields)}")
        values = [_number(field, source, number, column) for column, field in enumerate(fields, 1)]
        samples.append(Sample(tuple(values[:inputs]), tuple(values[inputs:])))
    if not samples:
        raise NntraceError(f"{source}: no samples (expected rows of {inputs} input(s) then "
                           f"{outputs} target(s), separated by commas)")
    return Dataset(tuple(samples), source)


def plain_csv(text: str, inputs: int, outputs: int) -> list[Sample] | None:
    """The samples of a file of plain numbers (no quotes, every row whole), read line by
    line at once (a data set of 1000 rows of 266 numbers takes a tenth of the time the csv
    module takes); None for anything else, which parse_csv then reads field by field and
    names the line and column of what is wrong."""
    if '"' in text:
        return None
    samples, first = [], True
    for line in text.split("\n"):
        fields = line.removesuffix("\r").split(",")
        values = _numbers(fields)
        if values is not None and len(values) == inputs + outputs:
            samples.append(Sample(tuple(values[:inputs]), tuple(values[inputs:])))
        elif not any(field.strip() for field in fields):
            continue   # a blank line
        elif not (first and not any(map(_is_float, fields))):   # but a header
            return None
        first = False
    return samples


def _rows(reader, source: str):
    try:
        yield from reader
    except csv.Error as error:
        raise NntraceError(f"{source}: line {reader.line_num}: not valid CSV: {error}") from None


def _numbers(row: list[str]) -> list[float] | None:
    """Every field of the row as a finite number, or None (float() strips spaces as the
    fields are stripped; a row it refuses goes field by field, for the message)."""
    try:
        values = list(map(float, row))
    except ValueError:
        return None
    return values if all(map(math.isfinite, values)) else None


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _number(text: str, source: str, line: int, column: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise NntraceError(f"{source}: line {line} column {column}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise NntraceError(f"{source}: line {line} column {column}: {text!r} is not a finite number")
    return value
