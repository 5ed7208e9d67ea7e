"""The two number types a step is computed in, and the carry rules of hand arithmetic.

Exact math is float64. A person working by hand writes each value down at some precision
and goes on from what they wrote: that is computed in `decimal`, where 1 − 0.78 is 0.22
(in binary floats it is 0.2199999…, which would truncate to 0.21), and each value is
*carried*: cut or rounded by a carry rule before any later line uses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import (ROUND_DOWN, ROUND_HALF_EVEN, Context, Decimal, DivisionByZero,
                     InvalidOperation, Overflow)
from typing import Callable

Number = float | Decimal
Carry = Callable[[Number, str], Number]   # (value, kind of value) -> the value written down

MINUS = "\u2212"   # the minus sign nntrace prints, and typesetting does: a number's sign too


def read_float(text: str) -> float:
    """A number as written (ValueError for anything else): − is a minus, and the digits are
    0-9 only (float() alone reads "1_0" as 10, and Arabic-Indic digits)."""
    text = text.replace(MINUS, "-")
    if not text.isascii() or "_" in text:
        raise ValueError(f"not a number: {text!r}")
    return float(text)


# Decimal arithmetic runs in this context, never in whatever the caller set globally.
DECIMAL_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])


def to_decimal(value: float | int | Decimal) -> Decimal:
    # Through repr, so the weight 0.2 is the decimal 0.2 a person reads, not 0.2000000000000000111.
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


@dataclass(frozen=True)
class Numbers:
    """A number type: how a float becomes one, its 0 and 1, and its decimal context."""

    name: str                               # "float" or "decimal"
    convert: Callable[[float], Number]
    zero: Number
    one: Number
    context: Context | None = None


FLOAT = Numbers("float", float, 0.0, 1.0)
DECIMAL = Numbers("decimal", to_decimal, Decimal(0), Decimal(1), DECIMAL_CONTEXT)


# exp and ln of either number type: the losses and softmax are written once for both.

def exp(x: Number) -> Number:
    return x.exp() if isinstance(x, Decimal) else math.exp(x)


def ln(x: Number) -> Number:
    return x.ln() if isinstance(x, Decimal) else math.log(x)


def ln1p(x: Number) -> Number:
    """ln(1 + x), exact for a tiny x in floats (log1p); Decimal carries 28 digits anyway."""
    return (1 + x).ln() if isinstance(x, Decimal) else math.log1p(x)


def infinity(like: Number, sign: Number) -> Number:
    """+inf or −inf, by the sign of `sign`, in the number type of `like`."""
    value = Decimal("Infinity") if isinstance(like, Decimal) else math.inf
    return value if sign > 0 else -value


def truncate_significant(value: Decimal, digits: int) -> Decimal:
    """Cut (toward zero) to `digits` significant digits: 1.287 -> 1.28, 0.0473 -> 0.04."""
    if not value or not value.is_finite():
        return value
    return value.quantize(Decimal(1).scaleb(value.adjusted() - digits + 1), rounding=ROUND_DOWN)


def significant_carry(digits_by_kind: dict[str, int]) -> Carry:
    """Truncate each kind of value to its own number of significant digits; others kept whole."""

    def carry(value: Decimal, kind: str) -> Decimal:
        digits = digits_by_kind.get(kind)
        return value if digits is None else truncate_significant(value, digits)

    return carry


def decimals_carry(decimals: int, rounding: str) -> Carry:
    """Every value rounded to `decimals` places, by a `decimal` rounding mode (ROUND_HALF_UP,
    or ROUND_DOWN to cut)."""
    step = Decimal(1).scaleb(-decimals)

    def carry(value: Decimal, kind: str) -> Decimal:
        if not value.is_finite() or value.adjusted() + decimals >= 27:  # beyond Decimal's precision
            return value
        return value.quantize(step, rounding=rounding)

    return carry
