"""Compare two traces: which values differ, and the first of them in computation order.

EXPECTED is the reference, ACTUAL the trace under test. Steps are aligned by iteration
and values by name. A value ACTUAL lacks is "not checked", never wrong, so a partial
trace (a worksheet, a log of the deltas only) is compared on what it holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ..core.engine import network_program
from ..core.names import parse_name
from ..core.network import Network
from ..core.settings import Settings
from ..errors import NntraceError
from ..trace.model import Step, Trace, finite_or_none

from . import ATOL, RTOL, close  # noqa: E402  (the defaults, and why, are in check/__init__)

PHASE = {"net": 0, "out": 1, "deriv": 0, "delta": 1}


def grammar_key(name: str) -> tuple:
    """Where a value falls in the order the engine computes: forward layer by layer (nets,
    then outputs), the loss, backward from the last layer (errors, then each neuron's
    derivative and delta, then the layer's gradients), then the updates from the last layer
    (weights, then bias)."""
    if name == "loss":
        return (1,)
    parsed = parse_name(name)
    if parsed is None:
        return (4, name)
    l, j, kind = parsed.layer, parsed.neuron, parsed.kind
    if kind in ("net", "out"):
        return (0, l, PHASE[kind], j)
    if kind == "error":
        return (2, -l, 0, j)
    if kind in ("deriv", "delta"):
        return (2, -l, 1, j, PHASE[kind])
    source = math.inf if kind == "b" else parsed.source
    if parsed.part == "grad":
        return (2, -l, 2, j, source)
    return (3, -l, j, source, parsed.part != "velocity")   # the velocity, then the weight it moves


def computation_order(names: Iterable[str], network: Network | None = None,
                      settings: Settings = Settings()) -> list[str]:
    """`names` in the order the computation produces them, whatever order a file lists them in:
    the step of these settings (a batch's samples', then its update's), the rest by name."""
    names = set(names)
    ordered: list[str] = []
    if network is not None:
        try:
            program = network_program(network, settings)
        except NntraceError:   # settings no step can take (read_trace refuses them): the plain step's
            program = network_program(network)
        ordered = [name for name in dict.fromkeys(program.sample_names + program.names) if name in names]
    rest = names.difference(ordered)
    return ordered + sorted(rest, key=grammar_key)


@dataclass
class Divergence:
    """One value that differs beyond the tolerance."""

    iteration: int
    name: str
    expected: float
    actual: float
    sample: int | None = None     # in a batch's step: the sample (from 1) whose value it is

    @property
    def difference(self) -> float:
        return self.actual - self.expected

    @property
    def where(self) -> str:
        """`L1.n1.net`, or in a batch `sample 2: L1.n1.net`."""
        return self.name if self.sample is None else f"sample {self.sample}: {self.name}"

    def to_dict(self) -> dict[str, Any]:
        found = {"iteration": self.iteration, "name": self.name, "expected": finite_or_none(self.expected),
                 "actual": finite_or_none(self.actual), "difference": finite_or_none(self.difference)}
        return found if self.sample is None else {**found, "sample": self.sample}


@dataclass
class StepComparison:
    """One iteration present in both traces."""

    iteration: int
    compared: int = 0
    differing: list[Divergence] = field(default_factory=list)   # in computation order
    not_checked: list[str] = field(default_factory=list)        # in EXPECTED, not in ACTUAL
    extra: list[str] = field(default_factory=list)              # in ACTUAL, not in EXPECTED
    setup: list[str] = field(default_factory=list)              # input or target differ
    unrecorded_before: int = 0   # values ACTUAL lacks that come before this step's first difference

    def to_dict(self) -> dict[str, Any]:
        return {"iteration": self.iteration, "compared": self.compared,
                "differing": [d.to_dict() for d in self.differing],
                "not_checked": self.not_checked, "extra": self.extra, "setup": self.setup}


@dataclass
class Comparison:
    """Everything `nntrace diff` reports, before any rendering."""

    rtol: float
    atol: float
    network: Network | None                 # the network the names belong to, if known
    steps: list[StepComparison] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)            # header differences
    steps_not_checked: list[int] = field(default_factory=list)
    extra_steps: list[int] = field(default_factory=list)
    empty: bool = False    # neither trace holds a step: two such traces agree on their headers

    @property
    def first(self) -> Divergence | None:
        """The earliest recorded differing value: the cause if nothing before it went
        unrecorded; later ones are its consequences."""
        for step in self.steps:
            if step.differing:
                return step.differing[0]
        return None

    @property
    def unrecorded_before_first(self) -> int:
        """How many values EXPECTED has and ACTUAL lacks that come before the first
        difference: where one of them may have gone wrong unseen."""
        count = 0
        for step in self.steps:
            if step.differing:
                return count + step.unrecorded_before
            count += len(step.not_checked)
        return count

    @property
    def differing(self) -> int:
        return sum(len(step.differing) for step in self.steps)

    @property
    def compared(self) -> int:
        return sum(step.compared for step in self.steps)

    @property
    def not_checked(self) -> int:
        return sum(len(step.not_checked) for step in self.steps)

    @property
    def extra(self) -> int:
        return sum(len(step.extra) for step in self.steps)

    @property
    def likely_typos(self) -> dict[str, str]:
        """Extra names outside the naming scheme that look like a name EXPECTED has and ACTUAL
        lacks (L1.n1.nte for L1.n1.net): a producer may add names of its own, so an extra name
        is not an error, but one that close to a missing name is most likely a typo."""
        import difflib

        found: dict[str, str] = {}
        for step in self.steps:
            for name in step.extra:
                if name in found or name.rpartition(": ")[2] == "loss" or parse_name(name.rpartition(": ")[2]):
                    continue
                close_names = difflib.get_close_matches(name, step.not_checked, n=1, cutoff=0.75)
                if close_names:
                    found[name] = close_names[0]
        return found

    @property
    def setup_differences(self) -> list[str]:
        return self.setup + [f"iteration {s.iteration}: {problem}" for s in self.steps for problem in s.setup]

    @property
    def same(self) -> bool:
        """Every value both traces hold agrees, on the same setup, and something was compared
        (or neither holds a step)."""
        return (self.compared > 0 or self.empty) and not self.differing and not self.setup_differences

    @property
    def identical(self) -> bool:
        """`same`, and neither trace holds a step or value the other lacks (golden fixtures)."""
        return (self.same and not self.not_checked and not self.extra
                and not self.steps_not_checked and not self.extra_steps)

    def to_dict(self) -> dict[str, Any]:
        first = self.first
        return {
            "same": self.same, "rtol": self.rtol, "atol": self.atol,
            "first_divergence": first.to_dict() if first else None,
            "compared": self.compared, "differing": self.differing,
            "not_checked": self.not_checked, "extra": self.extra,
            "setup_differences": self.setup_differences, "likely_typos": self.likely_typos,
            "steps_not_checked": self.steps_not_checked, "extra_steps": self.extra_steps,
            "steps": [step.to_dict() for step in self.steps],
        }


def compare(expected: Trace, actual: Trace, rtol: float = RTOL, atol: float = ATOL,
            sources: Sequence[str] = ("EXPECTED", "ACTUAL")) -> Comparison:
    """Compare ACTUAL against EXPECTED value by value; no explanation is attempted here.

    `sources` names the two traces in the error raised when one numbers two steps alike.
    """
    network = actual.network or expected.network
    report = Comparison(rtol, atol, network, setup=header_differences(expected, actual, rtol, atol),
                        empty=not expected.steps and not actual.steps)
    ours, theirs = (by_iteration(trace, source) for trace, source in zip((expected, actual), sources))
    report.steps_not_checked = sorted(i for i in ours if i not in theirs)
    report.extra_steps = sorted(i for i in theirs if i not in ours)
    order: list[str] | None = None
    for iteration in sorted(ours):   # in iteration order, whatever order the file has
        want, got = ours[iteration], theirs.get(iteration)
        if got is None:
            continue
        names = {name for step in (want, got) for values in [step.values, *(s.values for s in step.samples)]
                 for name in values}
        if order is None or not names.issubset(order):
            order = computation_order(names, network, expected.settings)
        report.steps.append(compare_step(want, got, order, rtol, atol))
    return report


def by_iteration(trace: Trace, source: str) -> dict[int, Step]:
    steps: dict[int, Step] = {}
    for step in trace.steps:
        if step.iteration in steps:
            raise NntraceError(f"{source}: iteration {step.iteration} appears twice "
                               f"(steps are matched by their iteration number)")
        steps[step.iteration] = step
    return steps


def compare_step(want: Step, got: Step, order: list[str], rtol: float, atol: float) -> StepComparison:
    """A step's values by name; a batch's samples first, in order, then the batch's own."""
    result = StepComparison(want.iteration)
    if len(want.samples) != len(got.samples) and want.samples and got.samples:
        result.setup.append(f"{len(want.samples)} sample(s) in the batch expected, "
                            f"{len(got.samples)} in ACTUAL")
    elif bool(want.samples) != bool(got.samples):
        result.setup.append(f"{batch_text(want)} expected, {batch_text(got)} in ACTUAL")
    for k, (ours, theirs) in enumerate(zip(want.samples, got.samples), 1):
        compare_values(result, ours, theirs, order, rtol, atol, k)
    compare_values(result, want, got, order, rtol, atol)
    if bool(want.samples) != bool(got.samples):   # the values are there, in the other's samples
        result.not_checked, result.extra, result.unrecorded_before = [], [], 0
    return result


def batch_text(step: Step) -> str:
    return f"a batch of {len(step.samples)} samples" if step.samples else "a step of one sample"


def compare_values(result: StepComparison, want: Any, got: Any, order: list[str], rtol: float,
                   atol: float, sample: int | None = None) -> None:
    """One step's (or one sample's) input, target and values, into `result`."""
    prefix = "" if sample is None else f"sample {sample}: "
    for key in ("input", "target"):
        a, b = getattr(want, key), getattr(got, key)
        if a and b and not vectors_close(a, b, rtol, atol):
            result.setup.append(f"{prefix}{key} {a} expected, {b} in ACTUAL")
    for name in order:
        in_want, in_got = name in want.values, name in got.values
        if in_want and in_got:
            result.compared += 1
            e, a = want.values[name], got.values[name]
            if not close(e, a, rtol, atol):
                if not result.differing:
                    result.unrecorded_before = len(result.not_checked)
                result.differing.append(Divergence(result.iteration, name, e, a, sample))
        elif in_want:
            result.not_checked.append(prefix + name)
        elif in_got:
            result.extra.append(prefix + name)


def vectors_close(a: list[float], b: list[float], rtol: float, atol: float) -> bool:
    return len(a) == len(b) and all(close(x, y, rtol, atol) for x, y in zip(a, b))


def header_differences(expected: Trace, actual: Trace, rtol: float, atol: float) -> list[str]:
    """The learning rate, momentum, weight decay, the loss and the starting network, where
    both traces record them (a header without momentum or weight decay: 0, as the reader)."""
    problems = []
    for label, key in (("learning rate", "learning_rate"), ("momentum", "momentum"),
                       ("weight decay", "weight_decay")):
        ours, theirs = getattr(expected.settings, key), getattr(actual.settings, key)
        if ours is not None and theirs is not None and not close(ours, theirs, rtol, atol):
            problems.append(f"{label} {ours} expected, {theirs} in ACTUAL")
    if expected.settings.loss != actual.settings.loss:
        problems.append(f"loss {expected.settings.loss} expected, {actual.settings.loss} in ACTUAL")
    if expected.network is not None and actual.network is not None:
        a, b = expected.network, actual.network
        if (a.layers, a.activations) != (b.layers, b.activations):
            problems.append(f"network {a.describe()} expected, {b.describe()} in ACTUAL")
        elif (a.biases is None) != (b.biases is None) or not vectors_close(
                flat(a), flat(b), rtol, atol):
            problems.append("the network's starting weights or biases differ")
    return problems


def flat(network: Network) -> list[float]:
    numbers = [w for matrix in network.weights for row in matrix for w in row]
    return numbers + [b for layer in network.biases or () for b in layer]
