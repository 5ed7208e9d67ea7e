"""A step's tables for the terminal: one table a section, the same columns in every one."""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from ..views.step import Line, StepView

VERDICT_STYLES = {"✓": "green", "≠": "red"}


@dataclass
class StepTables:
    """One iteration as tables, in the order the computation produced the values."""

    view: StepView

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        view = self.view
        yield Text(view.title, style="bold")
        lines = [line for section in view.sections for line in section.lines]
        name_width = max((len(line.name) for line in lines), default=4)
        # As wide as the longest line needs, at most the terminal: on a wide terminal the
        # article's column stays beside the formulas instead of drifting to the far right.
        widest = max((len(line.label) + len(line.formula) + len(line.value) + 6 for line in lines
                      if not line.note), default=20)
        figure_width = max([12, *(len(f"{line.figure} {line.verdict}") for line in lines)])
        width = min(options.max_width, name_width + widest + (figure_width + 8 if view.with_figures else 6))
        for section in view.sections:
            table = new_table(section.heading, name_width, view.source if view.with_figures else "",
                              figure_width)
            table.width = width
            for line in section.lines:
                if line.note:   # values a summary left out
                    table.add_row(Text(line.name, style="dim"), Text(line.note, style="dim"),
                                  *([Text("")] if view.with_figures else []))
                    continue
                computed = Text()
                computed.append(f"{line.label} = " if line.label else "", style="dim")
                computed.append(f"{line.formula} = " if line.formula else "")
                computed.append(line.value, style="bold")
                row = [Text(line.name, style="cyan"), computed]
                if view.with_figures:
                    row.append(figure_cell(line))
                table.add_row(*row)
            yield table
        for number, note in enumerate(view.notes, 1):
            yield Text(f"≠{number}  {note}", style="yellow")


def new_table(heading: str, name_width: int, figures: str, figure_width: int = 12) -> Table:
    """`figures`: the title of the worked example's column, "" for none; as wide as its widest."""
    # Same column widths in every section, so the tables line up as one page.
    table = Table(title=heading, title_justify="left", title_style="bold magenta",
                  box=box.SIMPLE_HEAD, pad_edge=False, expand=True)
    table.add_column("trace name", no_wrap=True, width=name_width)
    table.add_column("computed", overflow="fold", ratio=1)
    if figures:
        table.add_column(figures, no_wrap=True, width=figure_width)
    return table


def figure_cell(line: Line) -> Text:
    if not line.figure:
        return Text("")
    return Text(f"{line.figure} {line.verdict}", style=VERDICT_STYLES.get(line.verdict, "yellow"))
