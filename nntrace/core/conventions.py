"""The convention registry: the number type and carry rule a step is computed with.

`exact` is textbook backprop in float64. `article` is the article's own arithmetic: in
`decimal`, each kind of value truncated to the significant digits the article writes it
with and carried on, and the derivative applied to the already-activated value (the slip
`derivative-on-output`, which this convention brings with it).
"""

from __future__ import annotations

from dataclasses import dataclass

from .numbers import DECIMAL, FLOAT, Carry, Numbers, significant_carry

# The article prints (and carries) each kind of quantity at its own number of significant
# digits: outputs 0.64, net 1.28, error 0.22 / 0.024, deriv 0.224, delta 0.04 / 0.005.
# Updated weights are written out in full (0.6000256), so they are not cut.
ARTICLE_SIGNIFICANT = {"net": 3, "out": 2, "error": 2, "deriv": 3, "delta": 1}


@dataclass(frozen=True)
class Convention:
    name: str
    description: str
    numbers: Numbers
    carry: Carry | None = None        # None: every value kept as computed
    slips: tuple[str, ...] = ()       # the slips it brings with it
    scalar_only: bool = False         # only half-squared error, one sample, plain descent
    replay: str = ""                  # how `diff` names a replay computed this way


CONVENTIONS: dict[str, Convention] = {c.name: c for c in (
    Convention("exact", "textbook backprop in float64", FLOAT, replay="exact backprop"),
    Convention("article", "the article's arithmetic: the derivative of an activated value, "
                          "values truncated and carried, in decimal", DECIMAL,
               significant_carry(ARTICLE_SIGNIFICANT), ("derivative-on-output",), scalar_only=True,
               replay="the article's arithmetic (derivative-on-output, values truncated as the "
                      "article prints them)"),
)}
DEFAULT_CONVENTION = "exact"
