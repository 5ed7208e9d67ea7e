"""Numbers as the tables write them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..core.losses import DEFAULT_LOSS
from ..core.settings import ALL

if TYPE_CHECKING:
    from ..core.settings import Settings


def format_number(value: float, digits: int = 7) -> str:
    """`digits` significant digits, integers without a decimal point: 0, 1, 0.6000256."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"


def operand(value: float | None, digits: int = 7) -> str:
    """A number inside a formula: negative ones in parentheses, so `0.1 × (-0.3)` reads
    unambiguously; an operand that was not recorded is `?`."""
    if value is None:
        return "?"
    text = format_number(value, digits)
    return f"({text})" if text.startswith("-") else text


def descent(settings: "Settings", samples: int, batches: bool = True) -> str:
    """What the run adds to the article's online descent on ½Σ(t − o)², in words ("" if
    nothing); without `batches` what it adds to one update."""
    words = []
    if settings.loss != DEFAULT_LOSS:
        words.append(f"loss {settings.loss}")
    size = settings.batch_size if batches else 1
    if size == ALL or (isinstance(size, int) and size >= samples > 1):
        asked = "" if size == ALL or size == samples else f" (batch size {size} asked)"
        words.append(f"full batch of {samples} samples{asked}")
    elif size != 1:
        words.append(f"batches of {size} samples")
    if settings.momentum:
        words.append(f"momentum {format_number(settings.momentum)}")
    if settings.weight_decay:
        words.append(f"weight decay {format_number(settings.weight_decay)}")
    return "".join(f", {word}" for word in words)
