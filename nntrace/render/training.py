"""What `nntrace train` shows in the terminal: a progress bar while it runs, then the report."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from ..views.text import format_number
from ..views.train import TrainView
from .chart import chart_text

Progress = Callable[[int, float], None]
CHART_WIDTH = 100


@dataclass
class TrainingReport:
    """The end of a run: what ran, the loss curve, each sample's output and the verdict."""

    view: TrainView

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        view = self.view
        yield Text(view.headline, style="bold")
        if view.stopped:
            yield Text(view.stopped, style="yellow")
        chart = chart_text(view.curve, view.epochs, view.curve_title, min(options.max_width, CHART_WIDTH))
        if chart:
            yield Text(chart, no_wrap=True)
        yield sample_table(view)
        if view.hidden:
            yield Text(view.hidden, style="dim")
        yield Text(view.verdict, style="bold green" if view.learned else "bold red")


def sample_table(view: TrainView) -> Table:
    table = Table(title="Every sample under the final weights", title_justify="left",
                  title_style="bold magenta", box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("input", "target", "output", "classified"):
        table.add_column(name, justify="left" if name != "output" else "right")
    for row in view.rows:
        mark = Text("right ✓", style="green") if row.right else Text("wrong ✗", style="red")
        table.add_row(row.input, row.target, row.output, mark)
    return table


@contextmanager
def progress_bar(console: Console, epochs: int, enabled: bool = True,
                 clock: Callable[[], float] = time.monotonic, every: float = 0.1) -> Iterator[Progress | None]:
    """A rich progress bar with epoch, loss and speed, fed by the training loop's callback.

    Yields None when disabled (the loop then pays nothing); otherwise a callback that
    touches the bar at most every `every` seconds of `clock`, so rendering stays out of
    the hot loop.
    """
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

    bar = Bar(TextColumn("epoch"), MofNCompleteColumn(), BarColumn(),
              TextColumn("loss {task.fields[loss]}"), TextColumn("{task.fields[speed]}"),
              TimeRemainingColumn(), console=console, get_time=clock, transient=True)
    task = bar.add_task("train", total=epochs, loss="…", speed="")
    last = [clock(), 0]

    def update(epoch: int, loss: float) -> None:
        now = clock()
        if now - last[0] >= every or epoch == epochs:
            rate = (epoch - last[1]) / (now - last[0]) if now > last[0] else 0.0
            last[:] = [now, epoch]
            bar.update(task, completed=epoch, loss=format_number(loss, 4),
                       speed=f"{rate:,.0f} epochs/s")

    with bar:
        yield update
