"""Views as the blocks of a document (headings, paragraphs, tables, preformatted text), which
the Markdown and LaTeX renderers write out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence, Union

from ..views.check import CheckView
from ..views.network import NetworkView, connection_header, connection_rows, layer_tables
from ..views.step import StepView
from ..views.train import TrainView
from .chart import chart_text

WIDTH = 100   # columns of a chart drawn into a document

# A cell is plain text, or spans of (text, kind) with kind "" (plain), "code" or "bold".
Span = tuple[str, str]
Cell = Union[str, Sequence[Span]]


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Cell]]


@dataclass
class Preformatted:
    """Text whose layout is its meaning (a chart drawn in characters)."""

    text: str


Block = Union[Heading, Paragraph, Table, Preformatted]


def spans(cell: Cell) -> list[Span]:
    return [(cell, "")] if isinstance(cell, str) else [span for span in cell if span[0]]


def blocks_of(part: Any) -> list[Block]:
    if isinstance(part, StepView):
        return step_blocks(part)
    if isinstance(part, TrainView):
        return train_blocks(part)
    if isinstance(part, NetworkView):
        return network_blocks(part)
    if isinstance(part, CheckView):
        return check_blocks(part)
    raise TypeError(f"no blocks for {type(part).__name__}")


def step_blocks(view: StepView) -> list[Block]:
    """One iteration's lines as the blocks of a Markdown or LaTeX document."""
    blocks: list[Block] = [Heading(view.title)]
    header = ["trace name", "computed"] + ([view.source] if view.with_figures else [])
    for section in view.sections:
        rows: list[list[Cell]] = []
        for line in section.lines:
            if line.note:   # values a summary left out
                rows.append([line.name, line.note] + ([""] if view.with_figures else []))
                continue
            computed = [(line.label, "code"), (" = " if line.label else "", ""),
                        (f"{line.formula} = " if line.formula else "", ""), (line.value, "bold")]
            row: list[Cell] = [[(line.name, "code")], computed]
            if view.with_figures:
                row.append(f"{line.figure} {line.verdict}".strip())
            rows.append(row)
        blocks.append(Table(section.heading, header, rows))
    blocks += [Paragraph(f"≠{number}  {note}") for number, note in enumerate(view.notes, 1)]
    return blocks


def train_blocks(view: TrainView) -> list[Block]:
    blocks: list[Block] = [Heading(view.headline)]
    if view.stopped:
        blocks.append(Paragraph(view.stopped))
    chart = chart_text(view.curve, view.epochs, view.curve_title, WIDTH)
    if chart:
        blocks.append(Preformatted(chart))
    rows: list[list[Cell]] = [[row.input, row.target, row.output, "right ✓" if row.right else "wrong ✗"]
                              for row in view.rows]
    blocks.append(Table("Every sample under the final weights", ["input", "target", "output", "classified"],
                        rows))
    if view.hidden:
        blocks.append(Paragraph(view.hidden))
    blocks.append(Paragraph(view.verdict))
    return blocks


def network_blocks(part: NetworkView) -> list[Block]:
    title = f"Network {part.network.describe()}" + (": weights before and after the step" if part.after else "")
    header = connection_header(part.after is not None)
    if not part.summarised:
        rows: list[list[Cell]] = [[[(row[0], "code")], *row[1:]]
                                  for row in connection_rows(part.network, part.after, part.digits)]
        return [Table(title, header, rows)]
    blocks: list[Block] = [Heading(f"{title}: the connections into the first neurons of each layer", 3)]
    for table in layer_tables(part):
        blocks.append(Table(table.title, header, [[[(row[0], "code")], *row[1:]] for row in table.rows]))
        if table.note:
            blocks.append(Paragraph(f"… {table.note}"))
    return blocks


def check_blocks(view: CheckView) -> list[Block]:
    rows: list[list[Cell]] = [[[(line.name, "code")] + ([(f" ({line.source_name})", "")] if line.source_name else []),
                               line.printed, line.exact, line.mark, line.explanation] for line in view.lines]
    blocks: list[Block] = [Heading(view.title),
                           Table("", ["figure", "printed", "exact", "verdict", "why"], rows), Paragraph(view.summary)]
    return blocks + ([Paragraph(view.closest)] if view.closest else [])
