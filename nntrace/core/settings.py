"""One settings value: what a run computes besides the network, checked once.

It travels from the front doors (CLI, Python API) to the engine, is written whole into
every trace header, and is read back from a header to replay a trace as it was made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Sequence

from ..errors import ArgumentError
from .conventions import CONVENTIONS, DEFAULT_CONVENTION, Convention
from .activations import ACTIVATIONS
from .losses import DEFAULT_LOSS, LOSSES
from .network import Network
from .numbers import DECIMAL, Carry, Numbers
from .program import Rewrite
from .slips import SLIPS, precision_carry

DEFAULT_LEARNING_RATE = 0.001   # the article's


@dataclass(frozen=True)
class Settings:
    learning_rate: float | None = DEFAULT_LEARNING_RATE   # None only when read from a header lacking it
    convention: str = DEFAULT_CONVENTION
    slips: tuple[str, ...] = ()      # every slip in force, the convention's own first
    loss: str = DEFAULT_LOSS

    @property
    def label(self) -> str:
        """`exact`, `article`, or `exact + wrong-sign`: the convention and what was added to it."""
        own = CONVENTIONS[self.convention].slips if self.convention in CONVENTIONS else ()
        return " + ".join([self.convention, *(s for s in self.slips if s not in own)])

    @property
    def textbook(self) -> bool:
        """Exact backprop with no slip: the numbers a textbook's formulas give."""
        return self.convention == DEFAULT_CONVENTION and not self.slips

    def header(self) -> dict[str, Any]:
        """The settings as a trace header writes them."""
        return {"convention": self.convention, "learning_rate": self.learning_rate,
                "loss": self.loss, "slips": list(self.slips)}

    def with_learning_rate(self, learning_rate: float) -> "Settings":
        return replace(self, learning_rate=learning_rate)


HEADER_KEYS = ("convention", "learning_rate", "loss", "slips")


def make_settings(lr: Any = DEFAULT_LEARNING_RATE, convention: Any = DEFAULT_CONVENTION,
                  slips: Any = (), loss: Any = DEFAULT_LOSS) -> Settings:
    """Settings checked once; a problem is an ArgumentError naming the argument."""
    learning_rate = finite_number("lr", lr)
    if convention not in CONVENTIONS:
        raise ArgumentError("convention", f"expected {choices(CONVENTIONS)}", convention)
    if loss not in LOSSES:
        raise ArgumentError("loss", f"unknown {loss!r} (choose from {', '.join(LOSSES)})", loss)
    names = (slips,) if isinstance(slips, str) else slips
    if not isinstance(names, Sequence) or not all(isinstance(s, str) for s in names):
        raise ArgumentError("slips", "expected a slip name or a list of them", slips)
    own = CONVENTIONS[convention].slips
    settings = Settings(learning_rate, convention, tuple(dict.fromkeys([*own, *names])), loss)
    try:
        arithmetic(settings)   # every slip known, one precision at a time
    except ArgumentError as error:
        raise ArgumentError("slips", error.problem, slips) from None
    return settings


def choices(names: Any) -> str:
    quoted = [repr(name) for name in names]
    return " or ".join(quoted) if len(quoted) <= 2 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def finite_number(argument: str, value: Any) -> float:
    """A float from any real number (NumPy's and Decimal's too); never a string or a boolean."""
    if isinstance(value, (bool, str, bytes)) or not hasattr(value, "__float__"):
        raise ArgumentError(argument, "not a number", value)
    number = float(value)
    if not math.isfinite(number):
        raise ArgumentError(argument, "not a finite number", value)
    return number


def check_fits(settings: Settings, network: Network) -> None:
    """Refuse settings the network cannot be computed with, naming the argument at fault."""
    loss, output = LOSSES[settings.loss], ACTIVATIONS[network.activations[-1]]
    if loss.needs and network.activations[-1] != loss.needs:
        raise ArgumentError("loss", f"{loss.name} needs {loss.needs} outputs; the network "
                                    f"{network.shape}'s output layer is {output.name}", settings.loss)
    convention = CONVENTIONS[settings.convention]
    if convention.scalar_only and (settings.loss != DEFAULT_LOSS or output.of_layer):
        what = f"a {output.name} output layer" if output.of_layer else f"the loss {settings.loss}"
        raise ArgumentError("convention", f"{convention.name} computes {DEFAULT_LOSS} with scalar "
                                          f"activations only, not {what}", settings.convention)
    if output.of_layer and any(SLIPS[s].needs_derivative for s in settings.slips if s in SLIPS):
        raise ArgumentError("slips", f"a {output.name} layer has no derivative of its own to "
                                     f"leave out", list(settings.slips))


def target_problem(settings: Settings, targets: Sequence[float]) -> str:
    """What is wrong with a sample's targets for the loss ("" when nothing)."""
    return LOSSES[settings.loss].targets(targets)


@dataclass(frozen=True)
class Arithmetic:
    """How the settings compute: the number type, the carry rule and the slips' rewrites."""

    numbers: Numbers
    carry: Carry | None
    rewrites: tuple[Rewrite, ...]


def arithmetic(settings: Settings) -> Arithmetic:
    """Resolve the convention and slips; an unknown one, or two precisions, is an ArgumentError."""
    convention: Convention = CONVENTIONS[settings.convention]
    carry, precision = convention.carry, None
    for slip in settings.slips:
        own = precision_carry(slip)
        if own is None:
            continue
        if carry is not None:
            why = (" (the article convention already truncates)" if convention.carry is not None
                   and precision is None else "")
            raise ArgumentError("slips", f"{slip!r}: only one precision at a time{why}", slip)
        carry, precision = own, slip
    numbers = convention.numbers if carry is None else DECIMAL   # hand arithmetic is decimal
    rewrites = tuple(SLIPS[s].rewrite for s in settings.slips if s in SLIPS)
    return Arithmetic(numbers, carry, rewrites)
