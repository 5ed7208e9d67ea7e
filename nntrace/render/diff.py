"""The `nntrace diff` report for the terminal: setup differences, the earliest recorded
difference, then a summary."""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..check.compare import Divergence
from ..views.diff import DiffView
from ..views.text import format_number

SHOWN = 8   # differing values shown after the first, and names listed per summary line


def distinct(expected: float, actual: float) -> tuple[str, str]:
    """Both numbers at the fewest significant digits (7 at least) that tell them apart."""
    for digits in range(7, 18):
        a, b = format_number(expected, digits), format_number(actual, digits)
        if a != b:
            return a, b
    return format_number(expected), format_number(actual)


def listing(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN])
    return shown + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")


@dataclass
class DiffReport:
    """What `nntrace diff` prints: setup differences, a table from the earliest recorded
    difference on, then the summary."""

    view: DiffView

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        report = self.view.comparison
        first = report.first
        # The setup comes before any computed value, so a difference there comes first.
        if report.setup_differences:
            yield Text("Setup differs, and it comes before every value computed from it:", style="bold red")
            for problem in report.setup_differences:
                yield Text(f"  {problem}.", style="red")
        if first is not None:
            unrecorded = report.unrecorded_before_first
            unseen = (f" ACTUAL does not record {unrecorded} value(s) computed before it."
                      if unrecorded else "")
            yield Text(f"Earliest recorded difference: iteration {first.iteration}, {first.where}. It is "
                       f"the cause only if nothing computed before it went unrecorded; the values "
                       f"computed after it follow from it.{unseen}", style="bold")
            table, more = self.fitting_table(first, console, options)
            yield table
            if more:
                yield Text(f"… and {more} more in iteration {first.iteration}", style="dim")
        yield from self.summary()

    def fitting_table(self, first: Divergence, console: Console,
                      options: ConsoleOptions) -> tuple[Table | Group, int]:
        """The table at the terminal's width without cutting a digit: the worked example's
        column goes first; narrower still, each value is a few lines of its own."""
        unbounded = options.update_width(10_000)   # the width the table wants, not what it gets
        for names in ((True, False) if self.view.names else (False,)):
            table, more = self.table(first, names)
            if Measurement.get(console, unbounded, table).maximum <= options.max_width:
                return table, more
        return self.stacked(first), more

    def rows(self, first: Divergence) -> tuple[list[tuple[Divergence, str, str, str]], int]:
        """The values shown (the first divergence and those after it in its iteration), each
        with its expected, actual and difference as text; and how many more there are."""
        step = next(s for s in self.view.comparison.steps if s.iteration == first.iteration)
        rows = [(d, *distinct(d.expected, d.actual), f"{d.difference:+.3g}")
                for d in step.differing[:SHOWN + 1]]
        return rows, max(0, len(step.differing) - SHOWN - 1)

    def table(self, first: Divergence, with_names: bool = True) -> tuple[Table, int]:
        """The first divergence and the values that differ after it in its iteration;
        and how many more differ there than the table shows."""
        names = self.view.names if with_names else {}
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("trace name", no_wrap=True)
        if names:
            table.add_column(self.view.source, no_wrap=True)
        for heading in ("expected", "actual", "difference"):
            table.add_column(heading, justify="right", no_wrap=True)
        rows, more = self.rows(first)
        for number, (d, expected, actual, difference) in enumerate(rows):
            row = [Text(d.where, style="bold red" if number == 0 else "cyan")]
            if names:
                row.append(names.get(d.name, ""))
            table.add_row(*row, expected, actual, difference)
        return table, more

    def stacked(self, first: Divergence) -> Group:
        """For a terminal too narrow for the table: a value's name, then its numbers a line each."""
        rows, _ = self.rows(first)
        lines: list[Text] = []
        for number, (d, expected, actual, difference) in enumerate(rows):
            name = self.view.names.get(d.name)
            lines.append(Text(d.where + (f" ({name})" if name else ""),
                              style="bold red" if number == 0 else "cyan"))
            lines += [Text(f"  expected   {expected}"), Text(f"  actual     {actual}"),
                      Text(f"  difference {difference}")]
        return Group(*lines)

    def summary(self) -> RenderResult:
        report = self.view.comparison
        iterations = len(report.steps)
        tolerance = f"rtol {report.rtol:g}, atol {report.atol:g}"
        if report.same and report.empty:
            yield Text("Same: neither trace holds a step, and their headers agree.", style="bold green")
        elif report.same:
            yield Text(f"Same: all {report.compared} values compared in {iterations} iteration(s) "
                       f"agree within {tolerance}.", style="bold green")
        elif report.compared == 0:
            yield Text("Different: the traces have no value in common, so nothing was compared "
                       "(trace names are like L1.n1.net, see docs/formats.md).", style="bold red")
        elif not report.differing:
            yield Text(f"Different: all {report.compared} values compared agree within {tolerance}, "
                       f"but the traces were computed from the different setups above.", style="bold red")
        else:
            with_difference = sum(1 for s in report.steps if s.differing)
            yield Text(f"Different: {report.differing} of {report.compared} values compared differ, "
                       f"in {with_difference} of {iterations} iteration(s) ({tolerance}).",
                       style="bold red")
        not_checked = [name for s in report.steps for name in s.not_checked]
        extra = [name for s in report.steps for name in s.extra]
        if not_checked:
            yield Text(f"Not checked, {counted(not_checked)} ACTUAL does not record: "
                       f"{listing(list(dict.fromkeys(not_checked)))}.")
        if extra:
            yield Text(f"Extra, {counted(extra)} only ACTUAL records: {listing(list(dict.fromkeys(extra)))}.")
        for name, known in report.likely_typos.items():
            yield Text(f"{name} (only in ACTUAL) is not a trace name: a typo of {known}?", style="yellow")
        if report.steps_not_checked:
            yield Text(f"Not checked, iterations only EXPECTED has: "
                       f"{listing([str(i) for i in report.steps_not_checked])}.")
        if report.extra_steps:
            yield Text(f"Extra, iterations only ACTUAL has: {listing([str(i) for i in report.extra_steps])}.")
        if self.view.explanation is not None:
            yield Text(f"Explanation: {self.view.explanation.message}.", style="bold yellow")


def counted(names: list[str]) -> str:
    """`60 value(s)`, and where names repeat over iterations, `60 value(s) of 30 names`."""
    distinct = len(set(names))
    return f"{len(names)} value(s)" + (f" of {distinct} name{'s' * (distinct != 1)}" if distinct != len(names) else "")
