"""Numbers as the tables write them."""

from __future__ import annotations

import math


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
