"""Judge a worked example figure by figure (`nntrace check`).

Each figure gets the first verdict that holds (docs/formats.md, "Worked example"):

- agrees: the exact value, rounded or truncated to the printed places, is the figure;
- follows: recomputed in decimal from its operands as the text printed them (operands it
  did not print recomputed the same way), it agrees: the text rounded and carried on;
- slip: computed that way under a known slip, a pair of them, or rounded:N/truncated:N, it
  agrees: named;
- wrong: nothing does; the explanation gives what the line should be from the lines before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ..core import names as N
from ..core.engine import Engine, network_program, state_values
from ..core.losses import LOSSES
from ..core.numbers import DECIMAL, Number, to_decimal
from ..core.program import Assign
from ..core.settings import Arithmetic, Settings, arithmetic
from ..core.slips import PRECISION_SLIPS, SLIPS, loss_by_hand
from ..errors import ArgumentError
from ..views.text import format_number
from .example import Example, Figure, agrees
from .explain import Candidate, Closest, candidates


@dataclass
class Judgement:
    figure: Figure
    exact: float                # the float64 value of exact backprop, in the text's sign convention
    verdict: str                # agrees, follows, slip or wrong
    explanation: str            # one sentence
    slip: str = ""              # the candidate that reproduces it, for `slip`

    def note(self, source: str) -> str:
        """The reason in a few words, the same for every figure it explains (the step's notes)."""
        if self.verdict == "follows":
            return f"follows from earlier figures as the {source} printed them"
        if self.verdict == "slip":
            return self.explanation
        return f"{self.figure.label}: {self.explanation}"

    def to_dict(self) -> dict[str, Any]:
        exact = self.exact if math.isfinite(self.exact) else None   # JSON has no infinity (formats.md)
        found = {"name": self.figure.name, "source_name": self.figure.source_name or None,
                 "printed": self.figure.printed, "exact": exact, "verdict": self.verdict,
                 "explanation": self.explanation}
        return {**found, "slip": self.slip} if self.slip else found


@dataclass
class CheckReport:
    example: Example
    judgements: list[Judgement]
    closest: Closest | None

    @property
    def first_wrong(self) -> Judgement | None:
        return next((j for j in self.judgements if j.verdict in ("slip", "wrong")), None)

    def to_dict(self) -> dict[str, Any]:
        first = self.first_wrong
        return {"figures": [j.to_dict() for j in self.judgements],
                "first_wrong": first.figure.name if first else None,
                "closest": self.closest.to_dict() if self.closest else None}


def check(example: Example, with_closest: bool = True) -> CheckReport:
    """Every figure of the example judged, in computation order; with `with_closest`, also
    the whole computation that reproduces the most figures (step's column does without)."""
    exact = run(example, example.settings, None)
    carried_runs: dict[Candidate, dict[str, Number] | None] = {}
    judgements = []
    for figure in example.figures:
        judgements.append(judge(example, figure, exact, carried_runs))
    return CheckReport(example, judgements, closest(example) if with_closest else None)


def judge(example: Example, figure: Figure, exact: dict[str, Number],
          runs: dict[Candidate, dict[str, Number]]) -> Judgement:
    value = float(exact.get(figure.name, math.nan))
    shown = -value if figure.negated else value
    if figure.name in exact and agrees(exact[figure.name], figure):   # the decimal, not its float
        return Judgement(figure, shown, "agrees", f"the exact value, to {places(figure)}")
    for candidate in candidates():
        carried = carried_run(example, candidate, runs)
        if carried is None or figure.name not in carried or not agrees(carried[figure.name], figure):
            continue
        if candidate == Candidate():   # exact math, from the operands as printed
            return Judgement(figure, shown, "follows", follows_text(example, figure, carried))
        return Judgement(figure, shown, "slip", slip_text(candidate), candidate.label)
    return Judgement(figure, shown, "wrong", wrong_text(example, figure, carried_run(example, Candidate(), runs)))


def carried_run(example: Example, candidate: Candidate, runs: dict) -> dict[str, Number] | None:
    """The step computed this way in decimal, each value the text printed carried on as printed."""
    if candidate not in runs:
        written = {f.name: f.value for f in example.figures}
        try:
            runs[candidate] = run(example, candidate.settings(example.settings), written)
        except ArgumentError:   # a way of computing these settings cannot take
            runs[candidate] = None
    return runs[candidate]


def run(example: Example, settings: Settings, written: dict[str, Decimal] | None,
        printed: frozenset[str] = frozenset()) -> dict[str, Number]:
    """Every value of the example's step, in decimal (28 digits: 0.05 × 0.25 + 0.1 × 0.3 +
    0.35 is 0.3925, a tie its text rounds up, where floats make it 0.39249999999999996),
    with the written values carried on if given; without them, computed the way the text
    computes (PrintedFigures of the names it `printed`). An overflow leaves the values
    before it."""
    if written is None:
        how = arithmetic(settings)
        how = Arithmetic(DECIMAL, how.carry, how.rewrites + ((PrintedFigures(printed, False),) if printed else ()))
    else:
        how = by_hand(settings, written)
    values: dict[str, Number] = {}
    try:
        Engine(example.network, settings, how).step(example.input, example.target,
                                                    values.__setitem__, written)
    except ArithmeticError:
        pass
    return values


@dataclass(frozen=True)
class PrintedFigures:
    """A rewrite: the step computed as the text computes it, from what it printed. Plain
    descent's update of a weight whose gradient the text printed reads that gradient
    (w − lr × grad: the same value, unless the gradient was written rounded); a
    cross-entropy loss of outputs the text printed is computed from them (−ln 0.650), not
    from the net inputs as exact math does."""

    names: frozenset[str]
    outputs: bool = True   # False where the outputs are not written down: they are exact, and
                           # so is the loss from the net inputs, where −ln(1 − o) would lose digits

    def __call__(self, assigns: list[Assign]) -> list[Assign]:
        return [self.rewritten(a) for a in assigns]

    def rewritten(self, a: Assign) -> Assign:
        if a.op in ("sgd", "sgd_bias") and f"{a.name}.grad" in self.names:
            return a._replace(op="descend", args=(a.name, f"{a.name}.grad", N.LEARNING_RATE))
        if self.outputs and a.op == "loss" and self.names.intersection(a.args[:len(a.args) // 3]):
            return loss_by_hand(a) or a   # an output printed, and carried as printed
        return a


def by_hand(settings: Settings, written: dict[str, Decimal]) -> Arithmetic:
    """Hand arithmetic: decimal whatever the settings' number type, printed figures carried."""
    how = arithmetic(settings)
    printed = PrintedFigures(frozenset(written))
    return Arithmetic(DECIMAL, how.carry, how.rewrites + (printed,))


def places(figure: Figure) -> str:
    return f"{figure.places} decimal place{'s' * (figure.places != 1)}"


def operands(example: Example, figure: Figure, carried: dict[str, Number]) -> list[str]:
    """The operands of the figure's line as the text had them when it wrote the line: printed
    where it printed them, a weight as it was before its update, the sample, the rate."""
    written = {f.name: f.value for f in example.figures}
    program = network_program(example.network, example.settings, by_hand(example.settings, written))
    index = next(k for k, a in enumerate(program.assigns) if a.name == figure.name)
    before = {a.name for a in program.assigns[:index]}
    given = {**dict(zip(program.state, state_values(example.network))),
             **dict(zip(program.inputs, example.input)), **dict(zip(program.targets, example.target)),
             N.LEARNING_RATE: example.settings.learning_rate, N.WEIGHT_DECAY: example.settings.weight_decay}
    printed = {f.name: f for f in example.figures}
    found = []
    values = {**given, **carried}
    for name in dict.fromkeys(read_operands(program.assigns[index], values)):
        if name in before and name in printed:   # as printed, under the text's name and sign
            found.append(f"{printed[name].label} = {printed[name].printed}")
        elif name in before:   # recomputed: under its trace name, in nntrace's sign
            found.append(f"{name} = {format_number(float(carried[name]))}")
        elif name in given:
            found.append(f"{name} = {format_number(given[name])}")
    return found


def read_operands(a: Assign, values: dict[str, Any]) -> tuple[str, ...]:
    """The operands a line reads: a loss's are the outputs, the targets and the net inputs,
    of which the squared losses and a loss written by hand read the outputs and targets,
    a cross-entropy of exact math (or written by hand where that has no value: ln 0) the
    targets and the net inputs."""
    if a.op not in ("loss", "hand_loss"):
        return a.args
    third = len(a.args) // 3
    loss = LOSSES[a.param]
    if loss.by_hand is None:
        return a.args[:2 * third]
    if a.op == "hand_loss":
        try:
            by_hand = loss.by_hand(*[[to_decimal(values[x]) for x in part]
                                     for part in (a.args[:third], a.args[third:2 * third])])
        except (ArithmeticError, KeyError, TypeError):
            by_hand = None
        if by_hand is not None and math.isfinite(by_hand):
            return a.args[:2 * third]
    return a.args[third:]


def follows_text(example: Example, figure: Figure, carried: dict[str, Number]) -> str:
    value = carried[figure.name]
    shown = format_number(float(-value if figure.negated else value), 10)
    return f"from {join(operands(example, figure, carried))}, as the text had them: {shown}, written {figure.printed}"


def slip_text(candidate: Candidate) -> str:
    said = [f"{slip}: {describe_slip(slip)}".rstrip(": ") for slip in candidate.slips]
    return "; ".join(said) if said else candidate.describe()


def describe_slip(slip: str) -> str:
    """A slip's description; `rounded:2`'s with its 2 in place of the registry's N."""
    kind, _, digits = slip.partition(":")
    if kind in PRECISION_SLIPS:
        return PRECISION_SLIPS[kind].description.replace(" N ", f" {digits} ")
    return SLIPS[slip].description if slip in SLIPS else ""


def wrong_text(example: Example, figure: Figure, carried: dict[str, Number] | None) -> str:
    if not carried or figure.name not in carried:
        return "no computation reproduces it"
    value = Decimal(carried[figure.name])
    value = -value if figure.negated else value
    try:
        expected = str(value.quantize(Decimal(1).scaleb(-figure.places), ROUND_HALF_UP))
    except InvalidOperation:   # infinite, or more digits than decimal's precision holds
        expected = format_number(float(value), 10)
    return (f"does not follow from {join(operands(example, figure, carried))}: expected {expected}, "
            f"printed {figure.printed}")


def join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def closest(example: Example) -> Closest | None:
    """Among the ways of computing the whole step without carrying the printed figures, the
    simplest that reproduces the most figures."""
    best: Closest | None = None
    printed = frozenset(f.name for f in example.figures)
    for candidate in candidates():
        try:
            values = run(example, candidate.settings(example.settings), None, printed)
        except ArgumentError:
            continue
        missed = [f.name for f in example.figures if f.name not in values or not agrees(values[f.name], f)]
        if best is None or len(missed) < len(best.missed):
            best = Closest(candidate, missed)
        if not missed:
            break
    return best
