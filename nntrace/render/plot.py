"""A real loss plot (PNG or SVG) with matplotlib, the optional extra `nntrace[plot]`.

matplotlib is imported only here and only when a plot is asked for, so nntrace's start-up
and its terminal curve stay dependency-light.
"""

from __future__ import annotations

import io
import math
import os
from typing import Any, Sequence

from ..errors import NntraceError
from ..files import known_extension, write_atomically
from ..views.train import curve_title

PLOT_FORMATS = (".png", ".svg")
INSTALL_HINT = "pip install 'nntrace[plot]'"


def plot_format(path: str | os.PathLike, option: str = "--plot") -> str:
    return known_extension(path, PLOT_FORMATS, option)


def check_matplotlib(option: str = "--plot") -> None:
    """Refuse early, in one line that says how to get it, when the extra is not installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise NntraceError(f"{option}: matplotlib is not installed; to get it: {INSTALL_HINT}") from None


def plot_losses(losses: Sequence[float], path: str | os.PathLike, title: str = "Loss per epoch",
                option: str = "--plot", epochs: Sequence[float] | None = None) -> None:
    """Draw loss against epoch to a .png or .svg, written whole or not at all.

    `epochs` places each loss (a long run's curve keeps one mean per stretch of epochs);
    without it the losses are epochs 1, 2, 3, ...
    """
    extension = plot_format(path, option)
    check_matplotlib(option)
    if not losses:
        raise NntraceError(f"{option}: no epochs to plot")
    from matplotlib.figure import Figure   # no pyplot: no global state, no display needed
    from matplotlib.ticker import MaxNLocator

    if epochs is None:
        epochs = range(1, len(losses) + 1)
    if len(epochs) != len(losses):
        raise ValueError("one epoch per loss")
    figure = Figure(figsize=(7, 4), dpi=120, layout="constrained")
    axes = figure.subplots()
    (line,) = axes.plot(epochs, losses, color="#2b6cb0", linewidth=1.6,
                        marker="o" if len(losses) <= 30 else None, markersize=4)
    line.set_gid("loss")
    finite = [value for value in losses if value > 0]
    # A loss that falls by orders of magnitude reads better on a log scale.
    if len(finite) == len(losses) and max(finite) / min(finite) > 100:
        axes.set_yscale("log")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))    # epochs are whole
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.set_title(title)
    axes.grid(True, alpha=0.3)
    axes.set_xlim(*x_limits(epochs))
    if max(epochs) - min(epochs) < 1:     # the locator would tick fractions of the one epoch
        axes.set_xticks(sorted(set(epochs)))
    buffer = io.BytesIO()
    # No date in the file: the same run gives the same bytes.
    metadata = {"Date": None} if extension == ".svg" else {}
    figure.savefig(buffer, format=extension[1:], metadata=metadata)
    write_atomically(path, buffer.getvalue(), option)


def x_limits(epochs: Sequence[float]) -> tuple[float, float]:
    """Room on both sides, so the first and last markers are whole; one epoch stays alone."""
    low, high = min(epochs), max(epochs)
    pad = max(0.5, (high - low) * 0.02)
    return low - pad, high + pad


def plot_curve(curve: Any, path: str | os.PathLike, option: str = "--plot") -> bool:
    """Draw a training run's LossCurve, its finite points only; False when none is finite."""
    points = [(epoch, loss) for epoch, loss in curve.series() if math.isfinite(loss)]
    if not points:
        return False
    title = curve_title(curve.width)
    plot_losses([loss for _, loss in points], path, title[0].upper() + title[1:], option,
                epochs=[epoch for epoch, _ in points])
    return True
