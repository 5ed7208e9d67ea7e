"""The loss curve drawn in characters by plotext: in the terminal, and in Markdown and LaTeX."""

from __future__ import annotations

from typing import Sequence


def chart_text(curve: Sequence[tuple[float, float]], epochs: int, title: str, width: int,
               height: int = 12) -> str:
    """The loss per epoch; a log scale when the loss spans two decades. "" for under 2 points."""
    if len(curve) < 2:
        return ""
    import plotext

    epoch_of, losses = [e for e, _ in curve], [loss for _, loss in curve]
    figure = plotext.figure
    figure.clear()
    figure.plot_size(width, height)
    figure.theme("clear")
    figure.title(title)
    figure.draw(figure.signal(epoch_of, losses).lines())
    low, high = min(losses), max(losses)
    # plotext keeps one figure per process: set every setting each time, never inherit one.
    figure.ruler("y").scale("log" if low > 0 and high / low >= 100 else "linear")
    ticks = sorted({1, *(round(epochs * k / 4) for k in range(1, 5))})
    figure.ruler("x").ticks(ticks, [str(t) for t in ticks])
    return figure.build().string(colorless=True).rstrip("\n")
