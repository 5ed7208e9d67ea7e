"""One settings value: what a run computes besides the network, checked once.

It travels from the front doors (CLI, Python API) to the engine, is written whole into
every trace header, and is read back from a header to replay a trace as it was made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral
from typing import Any, Sequence

from ..errors import ArgumentError
from .conventions import CONVENTIONS, DEFAULT_CONVENTION, Convention
from .activations import ACTIVATIONS
from .losses import DEFAULT_LOSS, LOSSES
from .network import Network
from .numbers import DECIMAL, Carry, Numbers
from .program import Descent, Rewrite
from .slips import LOSSES_BY_HAND, SLIPS, precision_carry

DEFAULT_LEARNING_RATE = 0.001   # the article's
ALL = "all"                      # the batch size of a full batch: every sample of the data


@dataclass(frozen=True)
class Settings:
    learning_rate: float | None = DEFAULT_LEARNING_RATE   # None only when read from a header lacking it
    convention: str = DEFAULT_CONVENTION
    slips: tuple[str, ...] = ()      # every slip in force, the convention's own first
    loss: str = DEFAULT_LOSS
    batch_size: int | str = 1        # samples per update; "all": the whole data set
    momentum: float = 0.0
    weight_decay: float = 0.0

    @property
    def online(self) -> bool:
        """One sample per update: the trace's values are the sample's own."""
        return self.batch_size == 1

    @property
    def plain(self) -> bool:
        """Online descent without momentum or weight decay: the article's w + x·delta·lr."""
        return self.descent.plain

    @property
    def descent(self) -> Descent:
        return Descent(not self.online, bool(self.momentum), bool(self.weight_decay))

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
                "loss": self.loss, "batch_size": self.batch_size, "momentum": self.momentum,
                "weight_decay": self.weight_decay, "slips": list(self.slips)}


def make_settings(lr: Any = DEFAULT_LEARNING_RATE, convention: Any = DEFAULT_CONVENTION,
                  slips: Any = (), loss: Any = DEFAULT_LOSS, batch_size: Any = 1,
                  momentum: Any = 0.0, weight_decay: Any = 0.0) -> Settings:
    """Settings checked once; a problem is an ArgumentError naming the argument."""
    learning_rate = finite_number("lr", lr)
    optimizer = batch_argument(batch_size), non_negative("momentum", momentum), \
        non_negative("weight_decay", weight_decay)
    if not isinstance(convention, str) or convention not in CONVENTIONS:
        raise ArgumentError("convention", f"expected {choices(CONVENTIONS)}", convention)
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ArgumentError("loss", f"unknown {loss!r} (choose from {', '.join(LOSSES)})", loss)
    names = () if slips is None else (slips,) if isinstance(slips, str) else slips   # None: no slip
    if not isinstance(names, Sequence) or not all(isinstance(s, str) for s in names):
        raise ArgumentError("slips", "expected a slip name or a list of them", slips)
    own = CONVENTIONS[convention].slips
    settings = Settings(learning_rate, convention, tuple(dict.fromkeys([*own, *names])), loss, *optimizer)
    if CONVENTIONS[convention].scalar_only and not settings.plain:
        raise ArgumentError("convention", f"{convention} computes online descent only (one sample "
                                          f"per update, no momentum, no weight decay)", convention)
    try:
        arithmetic(settings)   # every slip known, one precision at a time
    except ArgumentError as error:
        raise ArgumentError("slips", error.problem, slips) from None
    return settings


def choices(names: Any) -> str:
    quoted = [repr(name) for name in names]
    return " or ".join(quoted) if len(quoted) <= 2 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def batch_argument(value: Any) -> int | str:
    """A whole number of samples, at least 1, or "all"."""
    if value == ALL:
        return ALL
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Integral) and not isinstance(value, bool):
        value = int(value)   # NumPy's integers too
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ArgumentError("batch_size", "expected a whole number of samples, at least 1, or 'all'",
                            value)
    return value


def non_negative(argument: str, value: Any) -> float:
    number = finite_number(argument, value)
    if number < 0:
        raise ArgumentError(argument, "expected a number of 0 or more", value)
    return number


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
    rewrites = tuple(SLIPS[s].rewrite for s in settings.slips if s in SLIPS)
    if carry is None:
        return Arithmetic(convention.numbers, carry, rewrites)
    return Arithmetic(DECIMAL, carry, rewrites + (LOSSES_BY_HAND,))   # hand arithmetic: decimal, written down
