"""The loss curve drawn in characters by plotext: in the terminal, and in Markdown and LaTeX."""

from __future__ import annotations

import math
from typing import Sequence

LOG_SPAN = 100   # a loss that spans this factor or more is drawn on a log scale
Y_TICKS = 5


def chart_text(curve: Sequence[tuple[float, float]], epochs: int, title: str, width: int,
               height: int = 12) -> str:
    """The loss per epoch; a log scale when the loss spans two decades, and the title says
    so. The y labels are at most a few significant digits, however large the loss grew.
    "" for under 2 points."""
    if len(curve) < 2:
        return ""
    import plotext

    epoch_of, losses = [e for e, _ in curve], [loss for _, loss in curve]
    low, high = min(losses), max(losses)
    log = low > 0 and high / low >= LOG_SPAN
    # The log scale is drawn as log10 of the loss on a linear axis, labelled with the loss:
    # the labels stay short, and no tick position depends on how plotext takes logarithms.
    ys = [math.log10(loss) for loss in losses] if log else losses
    figure = plotext.figure
    figure.clear()
    figure.plot_size(width, height)
    figure.theme("clear")
    figure.title(fitted_title(title + (" (log scale)" if log else ""), width))
    figure.draw(figure.signal(epoch_of, ys).lines())
    # plotext keeps one figure per process: set every setting each time, never inherit one.
    figure.ruler("y").scale("linear")
    positions = y_ticks(min(ys), max(ys))
    figure.ruler("y").ticks(positions, tick_labels([10 ** p for p in positions] if log else positions))
    ticks = sorted({1, *(round(epochs * k / 4) for k in range(1, 5))})
    figure.ruler("x").ticks(ticks, [str(t) for t in ticks])
    return figure.build().string(colorless=True).rstrip("\n")


def fitted_title(title: str, width: int) -> str:
    """The title within the chart's width (plotext leaves out one that is wider): the
    words in parentheses that only explain go first, then the end is cut."""
    if len(title) > width - 2:
        title = title.replace(" (mean over the samples)", "")
    return title if len(title) <= width - 2 else title[:max(0, width - 3)] + "…"


def y_ticks(low: float, high: float) -> list[float]:
    """Evenly spaced positions from low to high (one, for a flat curve)."""
    if not high > low:
        return [low]
    return [low + (high - low) * k / (Y_TICKS - 1) for k in range(Y_TICKS)]


def tick_labels(values: Sequence[float]) -> list[str]:
    """The fewest significant digits, 3 to 6, that tell the values apart: 0.131, 1.5e+89."""
    labels = [f"{v:.6g}" for v in values]
    for digits in range(3, 7):
        shown = [f"{v:.{digits}g}" for v in values]
        if len(set(shown)) == len(shown):
            return shown
    return labels
