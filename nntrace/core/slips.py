"""The slip registry: mistakes seen in published worked examples and first implementations.

A slip is a rewrite of the step's list of assignments (program.py): it changes an
operation, or moves assignments, and the engine, the compiled step and the formulas all
follow. The precision slips `rounded:N` and `truncated:N` change the carry rule instead:
every value written down to N decimals and carried on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP
from typing import Callable

from ..errors import ArgumentError
from .losses import LOSSES
from .numbers import Carry, decimals_carry
from .program import Assign, Rewrite


def each(change: Callable[[Assign], Assign | None]) -> Rewrite:
    """A rewrite that changes assignments one at a time (None: left as it is)."""
    return lambda assigns: [change(a) or a for a in assigns]


def is_update(a: Assign) -> bool:
    """Part of a layer's update: its weights and biases, their velocities, a batch's mean gradients."""
    return a.kind in ("weight", "bias", "velocity") or (a.kind == "grad" and a.scope == "batch")


def move_updates_up(assigns: list[Assign]) -> list[Assign]:
    """Each layer's updates right after its own deltas and gradients, before the layer below
    computes its errors from those (now new) weights; in a batch, the layers below then run
    their backward pass for every sample with the new weights."""
    updates = [a for a in assigns if is_update(a)]
    rest = [a for a in assigns if not is_update(a)]
    last_delta = {a.layer: index for index, a in enumerate(rest) if a.kind in ("delta", "grad")}
    moved: list[Assign] = []
    for index, a in enumerate(rest):
        moved.append(a)
        if last_delta.get(a.layer) == index:
            moved += [u for u in updates if u.layer == a.layer]
    return moved


def derivative_changed(change: Callable[[Assign], Assign | None]) -> Rewrite:
    """Change each derivative; a delta taken by the loss's shortcut (target − out, which holds
    for the textbook derivative only) becomes derivative × error again."""
    def rewrite(assigns: list[Assign]) -> list[Assign]:
        names = {a.name for a in assigns}
        found = []
        for a in assigns:
            deriv, error = a.name.replace(".delta", ".deriv"), a.name.replace(".delta", ".error")
            if a.op in ("shortcut_delta", "flipped_shortcut") and deriv in names:
                a = a._replace(op="product", args=(deriv, error))
            found.append(change(a) or a)
        return found
    return rewrite


def loss_by_hand(a: Assign) -> Assign | None:
    """A cross-entropy loss computed from the outputs (−ln 0.650) as a hand calculation
    writes it, not from the net inputs: where values are written down and carried on, the
    outputs written are what the loss reads."""
    if a.op != "loss" or LOSSES[a.param].by_hand is None:
        return None
    return a._replace(op="hand_loss")


LOSSES_BY_HAND = each(loss_by_hand)
FLIPPED = {"output_error": "flipped_error", "shortcut_delta": "flipped_shortcut"}


@dataclass(frozen=True)
class Slip:
    name: str
    description: str
    rewrite: Rewrite
    needs_derivative: bool = False    # refused where a layer has no scalar derivative (softmax)


SLIPS: dict[str, Slip] = {s.name: s for s in (
    Slip("derivative-on-output",
         "the derivative evaluated on the activated output instead of the net input",
         derivative_changed(lambda a: a._replace(op="derivative_on_output", args=a.args[1:])
                            if a.op == "derivative" else None)),
    Slip("updated-weights", "hidden errors computed from weights the same step already updated",
         move_updates_up),
    Slip("frozen-biases", "biases never updated",
         lambda assigns: [a._replace(op="keep", args=a.args[:1]) if a.kind == "bias" else a
                          for a in assigns if not (a.kind == "velocity" and a.name.endswith(".b.velocity"))]),
    Slip("missing-derivative", "delta taken as the error alone",
         derivative_changed(lambda a: a._replace(op="one", args=()) if a.kind == "deriv" else None),
         needs_derivative=True),
    Slip("wrong-sign", "the output's error taken with the opposite sign (output − target) while "
                       "the update still adds",
         each(lambda a: a._replace(op=FLIPPED[a.op]) if a.op in FLIPPED else None)),
)}

@dataclass(frozen=True)
class Precision:
    description: str
    rounding: str          # a `decimal` rounding mode


PRECISION_SLIPS = {
    "rounded": Precision("every intermediate rounded (half up) to N decimals and carried on", ROUND_HALF_UP),
    "truncated": Precision("every intermediate truncated to N decimals and carried on", ROUND_DOWN),
}
MAX_DECIMALS = 20
SLIP_CHOICES = ", ".join([*SLIPS, *(f"{kind}:N" for kind in PRECISION_SLIPS)])


def precision_carry(slip: str) -> Carry | None:
    """The carry rule of `rounded:N` or `truncated:N`; None for any other slip. An unknown
    name, or N outside 0..20, is an ArgumentError of `slips`."""
    kind, _, digits = slip.partition(":")
    if kind in PRECISION_SLIPS:
        if not (digits.isascii() and digits.isdigit()) or int(digits) > MAX_DECIMALS:
            raise ArgumentError("slips", f"{slip!r}: expected {kind}:N with N decimals from 0 "
                                         f"to {MAX_DECIMALS}", slip)
        return decimals_carry(int(digits), PRECISION_SLIPS[kind].rounding)
    if slip not in SLIPS:
        raise ArgumentError("slips", f"unknown {slip!r} (choose from {SLIP_CHOICES})", slip)
    return None

