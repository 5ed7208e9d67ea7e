"""What `nntrace train` shows at the end of a run, as data: what ran, the loss curve, every
sample's output against its target, and the verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .text import descent, format_number

if TYPE_CHECKING:
    from ..train.loop import TrainingResult

MAX_ROWS = 40   # a big CSV would scroll off the screen; --json has every sample


@dataclass
class SampleRow:
    input: str
    target: str
    output: str
    right: bool


@dataclass
class TrainView:
    headline: str
    stopped: str | None                    # how the run was stopped early, if it was
    curve: list[tuple[float, float]]       # (epoch, loss), finite points only
    curve_title: str
    epochs: int                            # epochs the curve spans
    rows: list[SampleRow]
    hidden: str | None                     # how many rows are not shown
    verdict: str
    learned: bool


def curve_title(width: int) -> str:
    """A long run's curve keeps one mean per `width` epochs, and says so."""
    return "loss per epoch (mean over the samples)" + (
        f", each point the mean of {width} epochs" if width > 1 else "")


def train_view(result: "TrainingResult", digits: int = 4, timing: bool = True,
               max_rows: int = MAX_ROWS) -> TrainView:
    """`timing`: the wall-clock time in the headline (exports leave it out: the same run, the same file)."""
    numbers = lambda values: " ".join(format_number(v, digits) for v in values)  # noqa: E731
    rows = [SampleRow(numbers(s.inputs), numbers(s.targets), numbers(s.outputs), s.right)
            for s in result.samples[:max_rows]]
    hidden = result.samples[max_rows:]
    note = (f"… and {len(hidden)} more sample(s), {sum(s.right for s in hidden)} of them right "
            f"(--json lists every one)") if hidden else None
    series = [(epoch, loss) for epoch, loss in result.curve.series() if math.isfinite(loss)]
    return TrainView(headline(result, timing), stop_line(result), series,
                     curve_title(result.curve.width), result.curve.epochs, rows, note,
                     result.verdict.describe(), result.verdict.learned)


def headline(r: "TrainingResult", timing: bool) -> str:
    # No space between a number and its unit: a wrapped line never parts them.
    per = f", {r.seconds / r.iterations * 1e6:.1f}µs per iteration" if r.iterations else ""
    order = f", shuffled with seed {r.seed}" if r.seed is not None else ""
    took = f"; {r.seconds:.2f}s{per}" if timing else ""
    return (f"Trained {r.epochs_run} of {r.epochs} epoch(s) ({r.iterations} iterations) on "
            f"{r.data}{order}: network {r.start.describe()}, convention {r.settings.label}, "
            f"learning rate {format_number(r.settings.learning_rate)}"
            f"{descent(r.settings, len(r.samples))}{took}")


def stop_line(r: "TrainingResult") -> str | None:
    if r.stopped == "interrupted":
        return (f"Interrupted at the end of iteration {r.iterations} "
                f"({r.epochs_run} epoch(s) complete); the weights are those it reached.")
    if r.stopped:
        return (f"Stopped: {r.problem}; the weights kept are the last finite ones, "
                f"after iteration {r.iterations}.")
    return None
