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
    width = inputs + outputs
    samples = []
    first = True
    reader = csv.reader(io.StringIO(text))
    for row in _rows(reader, source):
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


def _rows(reader, source: str):
    try:
        yield from reader
    except csv.Error as error:
        raise NntraceError(f"{source}: line {reader.line_num}: not valid CSV: {error}") from None


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
