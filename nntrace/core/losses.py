"""The loss registry: every fact about a loss function, in one entry.

An entry holds the per-sample loss, its −∂E/∂out (the output layer's `error`), the same
two as Python source for the compiled step, and their formula text. Adding a loss is
adding an entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .numbers import Number

Texts = Sequence[str]


@dataclass(frozen=True)
class Loss:
    name: str
    description: str
    loss: Callable[[Sequence[Number], Sequence[Number]], Number]    # (outputs, targets)
    error: Callable[[Number, Number], Number]                       # −∂E/∂out: (target, out)
    loss_source: Callable[[Texts, Texts], str]     # the same in Python, from variable names
    error_source: Callable[[str, str], str]
    loss_formula: Callable[[Texts, Texts], str]    # the same as a formula, from numbers as text
    error_formula: Callable[[str, str], str]
    flipped_error_formula: Callable[[str, str], str]   # the slip wrong-sign: +∂E/∂out


def sum_source(terms: Sequence[str], start: str) -> str:
    """sum(terms, start) as Python source; one term is start + term, which equals sum() in
    every Python (3.12's compensated float sum included) and costs no call."""
    if len(terms) == 1:
        return f"({start} + {terms[0]})"
    return f"sum(({', '.join(terms)}), {start})"


def half_squared_error(outputs: Sequence[Number], targets: Sequence[Number]) -> Number:
    return sum((t - o) * (t - o) for t, o in zip(targets, outputs)) / 2


def half_squared_formula(outputs: Texts, targets: Texts) -> str:
    terms = [f"({t} − {o})²" for t, o in zip(targets, outputs)]
    return "½ × " + (terms[0] if len(terms) == 1 else "(" + " + ".join(terms) + ")")


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (
    Loss("half-squared-error", "½ Σ (t − o)², the article's",
         half_squared_error, lambda t, o: t - o,
         lambda outs, targets: sum_source([f"({t} - {o}) * ({t} - {o})" for t, o in zip(targets, outs)],
                                          "0") + " / 2",
         lambda t, o: f"{t} - {o}",
         half_squared_formula, lambda t, o: f"{t} − {o}", lambda t, o: f"{o} − {t}"),
)}
DEFAULT_LOSS = "half-squared-error"
