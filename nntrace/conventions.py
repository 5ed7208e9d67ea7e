"""How a step is computed: exact math, the article's arithmetic, and the known slips.

A convention is data the engine reads: which number type carries values (float64, or
`Decimal` when values are truncated or rounded the way a person does by hand), how each
computed value is carried forward, and which slips are switched on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from typing import Callable

from .errors import NntraceError

Number = float | Decimal
Carry = Callable[[Number, str], Number]

# Slips seen in published worked examples and first implementations (see the README).
SLIPS = {
    "derivative-on-output": "the derivative evaluated on the activated output instead of the net input",
    "updated-weights": "hidden errors computed from weights the same step already updated",
    "frozen-biases": "biases never updated",
    "missing-derivative": "delta taken as the error alone",
    "wrong-sign": "error taken as output − target while the update still adds",
}
PRECISION_SLIPS = {
    "rounded": "every intermediate rounded (half up) to N decimals and carried on",
    "truncated": "every intermediate truncated to N decimals and carried on",
}

# The article prints (and carries) each kind of quantity at its own number of significant
# digits: outputs 0.64, net 1.28, error 0.22 / 0.024, deriv 0.224, delta 0.04 / 0.005.
# Updated weights are written out in full (0.6000256), so they are not cut.
ARTICLE_SIGNIFICANT = {"net": 3, "out": 2, "error": 2, "deriv": 3, "delta": 1}


def truncate_significant(value: Decimal, digits: int) -> Decimal:
    """Cut (toward zero) to `digits` significant digits: 1.287 -> 1.28, 0.0473 -> 0.04."""
    if not value:
        return value
    return value.quantize(Decimal(1).scaleb(value.adjusted() - digits + 1), rounding=ROUND_DOWN)


def article_carry(value: Decimal, quantity: str) -> Decimal:
    digits = ARTICLE_SIGNIFICANT.get(quantity)
    return value if digits is None else truncate_significant(value, digits)


def decimals_carry(decimals: int, rounding: str) -> Carry:
    step = Decimal(1).scaleb(-decimals)

    def carry(value: Decimal, quantity: str) -> Decimal:
        if value.adjusted() + decimals >= 27:  # beyond Decimal's precision
            return value
        return value.quantize(step, rounding=rounding)

    return carry


# Decimal arithmetic runs in this context, never in whatever the caller set globally.
DECIMAL_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])


def to_decimal(value: float | int | Decimal) -> Decimal:
    # Through repr, so the weight 0.2 is the decimal 0.2 a person reads, not 0.2000000000000000111.
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


# Activation functions and their derivatives, for floats and for Decimals. A derivative
# takes (net, out) so the exact one can reuse out instead of recomputing f(net).

def float_sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # never overflows for x < 0, so weights of 1e300 are fine
    return e / (1.0 + e)


def decimal_sigmoid(x: Decimal) -> Decimal:
    if x >= 0:
        return 1 / (1 + (-x).exp())
    e = x.exp()
    return e / (1 + e)


def decimal_tanh(x: Decimal) -> Decimal:
    t = (-2 * abs(x)).exp()
    y = (1 - t) / (1 + t)
    return y if x >= 0 else -y


@dataclass(frozen=True)
class Activation:
    name: str
    forward: Callable[[Number], Number]
    derivative: Callable[[Number, Number], Number]


FLOAT_ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", float_sigmoid, lambda net, out: out * (1.0 - out)),
    "tanh": Activation("tanh", math.tanh, lambda net, out: 1.0 - out * out),
    "relu": Activation("relu", lambda x: x if x > 0.0 else 0.0, lambda net, out: 1.0 if net > 0.0 else 0.0),
    "identity": Activation("identity", lambda x: x, lambda net, out: 1.0),
}
ONE, ZERO = Decimal(1), Decimal(0)
DECIMAL_ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", decimal_sigmoid, lambda net, out: out * (1 - out)),
    "tanh": Activation("tanh", decimal_tanh, lambda net, out: 1 - out * out),
    "relu": Activation("relu", lambda x: x if x > 0 else ZERO, lambda net, out: ONE if net > 0 else ZERO),
    "identity": Activation("identity", lambda x: x, lambda net, out: ONE),
}


@dataclass(frozen=True)
class Convention:
    """What the engine needs to know about how to compute a step."""

    name: str                      # "exact" or "article": the base the slips are added to
    slips: tuple[str, ...] = ()    # every slip in force, the article's included
    number: Callable[[float], Number] = float
    carry: Carry | None = None     # how a computed value is kept; None keeps it as computed
    activations: dict[str, Activation] = field(default_factory=lambda: FLOAT_ACTIVATIONS)
    context: Context | None = None  # the decimal context, for Decimal conventions

    def has(self, slip: str) -> bool:
        return slip in self.slips

    @property
    def label(self) -> str:
        """`exact`, `article`, or `exact + wrong-sign`: the base and what was added to it."""
        added = [s for s in self.slips if not (self.name == "article" and s == "derivative-on-output")]
        return " + ".join([self.name, *added])


def make_convention(name: str = "exact", slips: tuple[str, ...] | list[str] = ()) -> Convention:
    """Build a convention from its base name and slip names; unknown names raise NntraceError."""
    if name not in ("exact", "article"):
        raise NntraceError(f"--convention: unknown {name!r} (choose from exact, article)")
    slips = list(dict.fromkeys(slips))
    if name == "article":
        slips = ["derivative-on-output", *[s for s in slips if s != "derivative-on-output"]]
    carry: Carry | None = article_carry if name == "article" else None
    for slip in slips:
        kind, _, digits = slip.partition(":")
        if kind in PRECISION_SLIPS:
            if not digits.isdigit() or int(digits) > 20:
                raise NntraceError(f"--slip: {slip!r}: expected {kind}:N with N decimals from 0 to 20")
            if carry is not None:
                why = " (the article convention already truncates)" if name == "article" else ""
                raise NntraceError(f"--slip: {slip!r}: only one precision at a time{why}")
            carry = decimals_carry(int(digits), ROUND_HALF_UP if kind == "rounded" else ROUND_DOWN)
        elif slip not in SLIPS:
            known = ", ".join([*SLIPS, "rounded:N", "truncated:N"])
            raise NntraceError(f"--slip: unknown {slip!r} (choose from {known})")
    if carry is None:
        return Convention(name, tuple(slips))
    return Convention(name, tuple(slips), to_decimal, carry, DECIMAL_ACTIVATIONS, DECIMAL_CONTEXT)
