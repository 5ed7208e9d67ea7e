"""What `nntrace train` shows: a progress bar while it runs, then the loss curve, a table of
every sample and the verdict. Renderers read a TrainingResult; they compute no network math."""

from __future__ import annotations

import math
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from .render import format_number
from .training import LossCurve, Progress, TrainingResult


@dataclass
class LossChart:
    """The loss per epoch drawn by plotext; a log scale when the loss spans two decades."""

    curve: LossCurve
    height: int = 12
    max_width: int = 100

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        series = [(epoch, loss) for epoch, loss in self.curve.series() if math.isfinite(loss)]
        if len(series) < 2:
            return
        import plotext

        epochs, losses = [e for e, _ in series], [loss for _, loss in series]
        figure = plotext.figure
        figure.clear()
        figure.plot_size(min(options.max_width, self.max_width), self.height)
        figure.theme("clear")
        per_point = "" if self.curve.width == 1 else f", each point the mean of {self.curve.width} epochs"
        figure.title(f"loss per epoch (mean over the samples){per_point}")
        figure.draw(figure.signal(epochs, losses).lines())
        low, high = min(losses), max(losses)
        # plotext keeps one figure per process: set every setting each time, never inherit one.
        figure.ruler("y").scale("log" if low > 0 and high / low >= 100 else "linear")
        last = self.curve.epochs
        ticks = sorted({1, *(round(last * k / 4) for k in range(1, 5))})
        figure.ruler("x").ticks(ticks, [str(t) for t in ticks])
        chart = figure.build().string(colorless=True)
        yield Text(chart.rstrip("\n"), no_wrap=True)


@dataclass
class TrainingReport:
    """The end of a run: what ran, the loss curve, each sample's output and the verdict."""

    result: TrainingResult
    digits: int = 4
    max_rows: int = 40    # a big CSV would scroll off the screen; --json has every sample
    timing: bool = True   # exports leave the wall-clock time out: the same run, the same file

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r = self.result
        yield Text(self.headline(), style="bold")
        if r.stopped:
            yield Text(self.stop_line(), style="yellow")
        yield LossChart(r.curve)
        yield self.sample_table()
        note = self.hidden_rows()
        if note is not None:
            yield note
        style = "bold green" if r.verdict.learned else "bold red"
        yield Text(r.verdict.describe(), style=style)

    def headline(self) -> str:
        r = self.result
        per = f", {r.seconds / r.iterations * 1e6:.1f} µs per iteration" if r.iterations else ""
        order = f", shuffled with seed {r.seed}" if r.seed is not None else ""
        timing = f"; {r.seconds:.2f} s{per}" if self.timing else ""
        return (f"Trained {r.epochs_run} of {r.epochs} epoch(s) ({r.iterations} iterations) on "
                f"{r.data}{order}: network {r.start.describe()}, convention {r.convention}, "
                f"learning rate {format_number(r.learning_rate)}{timing}")

    def stop_line(self) -> str:
        r = self.result
        if r.stopped == "interrupted":
            return (f"Interrupted at the end of iteration {r.iterations} "
                    f"({r.epochs_run} epoch(s) complete); the weights are those it reached.")
        return (f"Stopped: {r.problem}; the weights kept are the last finite ones, "
                f"after iteration {r.iterations}.")

    def sample_table(self) -> Table:
        r = self.result
        table = Table(title="Every sample under the final weights", title_justify="left",
                      title_style="bold magenta", box=box.SIMPLE_HEAD, pad_edge=False)
        for name in ("input", "target", "output", "classified"):
            table.add_column(name, justify="left" if name != "output" else "right")
        n = lambda values: " ".join(format_number(v, self.digits) for v in values)  # noqa: E731
        for s in r.samples[:self.max_rows]:
            mark = Text("right ✓", style="green") if s.right else Text("wrong ✗", style="red")
            table.add_row(n(s.inputs), n(s.targets), n(s.outputs), mark)
        return table

    def hidden_rows(self) -> Text | None:
        hidden = self.result.samples[self.max_rows:]
        if not hidden:
            return None
        return Text(f"… and {len(hidden)} more sample(s), {sum(s.right for s in hidden)} of them "
                    f"right (--json lists every one)", style="dim")


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
