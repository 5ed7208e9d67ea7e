"""Training data: the article's XOR table, or a CSV file of inputs then targets on each row."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from .. import article
from ..errors import ArgumentError, NntraceError, plural
from ..core.numbers import read_float
from ..files import STDIN, read_text, source_name


@dataclass(frozen=True)
class Sample:
    inputs: tuple[float, ...]
    targets: tuple[float, ...]


@dataclass(frozen=True)
class Dataset:
    """Samples in file order, and where they came from (for messages and the trace header);
    read for the vectorised evaluator, also as `arrays`: (inputs, targets), a row a sample."""

    samples: tuple[Sample, ...]
    source: str
    arrays: Any = field(default=None, compare=False, repr=False)
    path: str | None = field(default=None, compare=False)   # the file, to find a sample's line in

    def __len__(self) -> int:
        return len(self.samples)

    def where(self, k: int) -> str:
        """Where sample k (from 1) is, for a message: its line in the file, read again (only
        an error asks, and the readers keep no line numbers), else its number."""
        line = None
        if self.path is not None:
            try:
                line = sample_line(read_text(self.path, "utf-8-sig"), k)
            except NntraceError:
                pass
        return f"line {line}" if line else f"sample {k}"


def xor() -> Dataset:
    """The article's XOR table, in the article's order."""
    return Dataset(tuple(Sample(tuple(x), tuple(t)) for x, t in article.XOR), "the article's XOR table")


def training_data(network, path: str | Path | None = None, arrays: bool = False) -> Dataset:
    """The samples to train on: a CSV file's, or the XOR table for a 2-input, 1-output network;
    with `arrays`, a file of plain numbers also as arrays (Dataset.arrays)."""
    if path is not None:
        return load_csv(path, network.inputs, network.outputs, arrays)
    if (network.inputs, network.outputs) != (2, 1):
        raise ArgumentError("data", f"required for the network {network.shape}: the default XOR "
                                    f"table has 2 inputs and 1 target")
    return xor()


def load_csv(path: str | Path, inputs: int, outputs: int, arrays: bool = False) -> Dataset:
    """Read a CSV file (`-`: standard input) whose rows hold `inputs` numbers then `outputs` targets."""
    # utf-8-sig: spreadsheets often start a CSV with a byte-order mark.
    found = parse_csv(read_text(path, "utf-8-sig"), source_name(path), inputs, outputs, arrays)
    return found if str(path) == STDIN else replace(found, path=str(path))


def sample_line(text: str, k: int) -> int | None:
    """The line of the k-th sample (from 1), as parse_csv reads the rows."""
    rows = data_rows(text, separator(text), "")
    return next((number for count, (number, _) in enumerate(rows, 1) if count == k), None)


SEPARATORS = {";": "semicolons", ",": "commas", "\t": "tabs"}   # a tie goes to the first
SEPARATOR_NAMES = {**SEPARATORS, None: "spaces"}


def separator(text: str) -> str | None:
    """The separator of a CSV: the one on the most lines (semicolons before commas, so that
    `0,5;1` is decimal commas between semicolons), None for numbers between spaces."""
    lines = [line for line in text.splitlines() if line.strip()]
    counts = {mark: sum(mark in line for line in lines) for mark in SEPARATORS}
    best = max(SEPARATORS, key=lambda mark: counts[mark])
    return best if counts[best] else None


def parse_csv(text: str, source: str, inputs: int, outputs: int, arrays: bool = False) -> Dataset:
    """Rows of numbers separated by commas, semicolons, tabs or spaces (the same on every
    line); blank lines are skipped, a separator ending a line is dropped, and the first
    non-blank line is a header (skipped) when none of its fields is a number. With
    `arrays`, a file of plain numbers between commas is read by NumPy (nntrace.fast)."""
    width = inputs + outputs
    mark = separator(text)
    if arrays and mark == ",":
        from ..fast.numbers import contiguous as np_contiguous, plain_numbers

        rows = plain_numbers(text, width) if plain(text) else None
        if rows is not None:
            samples = tuple(Sample(tuple(row[:inputs]), tuple(row[inputs:])) for row in rows.tolist())
            parts = (np_contiguous(rows[:, :inputs]), np_contiguous(rows[:, inputs:]))
            return Dataset(samples, source, parts)
    quick = plain_csv(text, inputs, outputs) if mark == "," else None
    if quick:
        return Dataset(tuple(quick), source)
    samples = []
    for number, fields in data_rows(text, mark, source):
        if len(fields) > 1 and not fields[-1]:
            fields = fields[:-1]   # 0,1,1, : a trailing separator, not an empty field
        if len(fields) != width:
            separated = f" separated by {SEPARATOR_NAMES[mark]}" if len(fields) > 1 else ""
            raise NntraceError(f"{source}: line {number}: expected {plural(width, 'number')} "
                               f"({inputs} input(s) then {outputs} target(s), for the network), got "
                               f"{len(fields)}{separated}")
        values = [_number(field, source, number, column) for column, field in enumerate(fields, 1)]
        samples.append(Sample(tuple(values[:inputs]), tuple(values[inputs:])))
    if not samples:
        raise NntraceError(f"{source}: no samples (expected rows of {inputs} input(s) then "
                           f"{outputs} target(s), separated by commas, semicolons, tabs or spaces)")
    return Dataset(tuple(samples), source)


def plain_csv(text: str, inputs: int, outputs: int) -> list[Sample] | None:
    """The samples of a file of plain numbers between commas (no quotes, every row whole),
    read a line at once: a data set of 1000 rows of 266 numbers in about half the time
    the fields take one by one. None for anything else, which parse_csv then reads field
    by field, naming the line and column of what is wrong."""
    if '"' in text or not plain(text):
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


def data_rows(text: str, mark: str | None, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each row of the samples: blank lines skipped, and the first
    non-blank line a header (skipped) when none of its fields is a number."""
    first = True
    for number, fields in _rows(text, mark, source):
        if not any(fields):
            continue
        if first and not any(map(_is_float, fields)):
            first = False
            continue
        first = False
        yield number, fields


def _rows(text: str, mark: str | None, source: str):
    """(line number, stripped fields) of each line."""
    if mark is None:
        for number, line in enumerate(text.splitlines(), 1):
            yield number, line.split()
        return
    reader = csv.reader(io.StringIO(text), delimiter=mark)
    try:
        for row in reader:
            yield reader.line_num, [field.strip() for field in row]
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


def plain(text: str) -> bool:
    """No digit float() reads but read_float would not ("1_0", Arabic-Indic digits), nor a minus sign −."""
    return text.isascii() and "_" not in text


def _is_float(text: str) -> bool:
    try:
        read_float(text)
    except ValueError:
        return False
    return True


def _number(text: str, source: str, line: int, column: int) -> float:
    where = f"{source}: line {line} column {column}"
    if not text:
        raise NntraceError(f"{where}: empty, not a number")
    try:
        value = read_float(text)
    except ValueError:
        hint = f" (a decimal comma? write {text.replace(',', '.')})" if _is_float(text.replace(",", ".")) else ""
        raise NntraceError(f"{where}: {text!r} is not a number{hint}") from None
    if not math.isfinite(value):
        raise NntraceError(f"{where}: {text!r} is not a finite number")
    return value
