"""Which known slip explains a trace: replay it under each slip and each pair of slips.

The network, learning rate, inputs and targets come from ACTUAL's header and steps (else
EXPECTED's), and so does the evaluator that computed it: a trace the vectorised evaluator
made is replayed by it (the same sums in the same order), one the engine made by the
engine; a trace that does not say is replayed by the one nntrace would choose for it. A candidate explains ACTUAL when every value ACTUAL records agrees with the
replay. Candidates are tried simplest first, and a candidate stops at the first step that
disagrees, so a long training run is replayed in full only by the candidates still in.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from ..core.conventions import CONVENTIONS, DEFAULT_CONVENTION
from ..core.engine import Engine
from ..fast import EVALUATORS, new_engine
from ..core.losses import LOSSES
from ..errors import ArgumentError
from ..core.names import parse_name
from ..core.network import Network
from ..core.numbers import Number
from ..core.settings import ALL, Settings, check_fits, make_settings
from ..core.slips import MAX_DECIMALS, PRECISION_SLIPS, SLIPS
from ..trace.model import Step, Trace
from ..trace.model import SampleValues
from . import ATOL, RTOL, close

PRECISIONS = tuple(f"{kind}:{n}" for kind in PRECISION_SLIPS for n in range(0, MAX_DECIMALS + 1))


@dataclass(frozen=True)
class Candidate:
    """A way of computing: a base convention and the slips added to it."""

    base: str = DEFAULT_CONVENTION
    slips: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        """How many departures from exact backprop (the article's is two: derivative and truncation)."""
        convention = CONVENTIONS[self.base]
        return len(self.slips) + len(convention.slips) + (convention.carry is not None)

    def settings(self, replayed: Settings) -> Settings:
        """The settings of the trace replayed, computed this way instead."""
        return make_settings(replayed.learning_rate, self.base, self.slips, replayed.loss,
                             replayed.batch_size, replayed.momentum, replayed.weight_decay)

    def describe(self) -> str:
        base = CONVENTIONS[self.base].replay
        if not self.slips:
            return base if self.size else f"{base}, with no slip"
        return f"{base} with the slip{'s' * (len(self.slips) > 1)} {' and '.join(self.slips)}"

    @property
    def label(self) -> str:
        """`derivative-on-output`, `rounded:3 + wrong-sign`, `article`: how a line names it."""
        return " + ".join([*([self.base] if self.base != DEFAULT_CONVENTION else []), *self.slips])

    def to_dict(self) -> dict[str, Any]:
        return {"convention": self.base, "slips": list(self.slips)}


@functools.cache
def candidates() -> tuple[Candidate, ...]:
    """Each convention alone and with each slip it does not bring; for exact math also each
    pair of slips (one precision at a time): simplest first."""
    found, pairs = [], []
    for name, convention in CONVENTIONS.items():
        singles = [s for s in (*SLIPS, *(() if convention.carry else PRECISIONS)) if s not in convention.slips]
        found += [Candidate(name), *(Candidate(name, (slip,)) for slip in singles)]
        if name == DEFAULT_CONVENTION:
            pairs = [Candidate(name, pair) for pair in itertools.combinations(singles, 2)
                     if not (pair[0] in PRECISIONS and pair[1] in PRECISIONS)]
    return tuple(sorted(found + pairs, key=lambda candidate: candidate.size))


@dataclass
class Closest:
    """The way of computing that reproduces the most values, and the names it leaves over."""

    candidate: Candidate
    missed: list[str] = field(default_factory=list)   # trace names it does not reproduce

    def describe(self) -> str:
        """`rounded:3, except loss`: the candidate, and what it leaves over."""
        what = self.candidate.label or self.candidate.describe()
        return what + (f", except {', '.join(self.missed)}" if self.missed else "")

    def to_dict(self) -> dict[str, Any]:
        return {**self.candidate.to_dict(), "except": self.missed}


@dataclass
class Explanation:
    """The simplest candidates that reproduce ACTUAL, or why none could be tried."""

    matches: list[Candidate]
    tried: int = 0
    reason: str = ""          # why no replay was possible, if none was
    opposite_sign: bool = False   # ACTUAL is EXPECTED with error = out − target: not a mistake
    replayed_with: str = ""   # ACTUAL's settings that differ from EXPECTED's, which the replay used
    closest: Closest | None = None   # when nothing reproduces every value: what reproduces the most

    @property
    def message(self) -> str:
        if self.opposite_sign:
            return ("the same backprop with the opposite sign convention, not a mistake: every error "
                    "and delta is negated (error = out − target, and the update w −= lr·x·delta) and "
                    "every other value agrees")
        if self.reason:
            return f"cannot replay: {self.reason}"
        if not self.matches:
            closest = f"; closest: {self.closest.describe()}" if self.closest else ""
            return (f"no known slip or pair of slips reproduces ACTUAL ({self.tried} ways of "
                    f"computing tried){closest}")
        text = "your numbers match " + self.matches[0].describe()
        others = [c.describe() for c in self.matches[1:]]
        text += f" (as well as {'; '.join(others)})" if others else ""
        return text + (f", with ACTUAL's own {self.replayed_with}" if self.replayed_with else "")

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "matches": [c.to_dict() for c in self.matches],
                "tried": self.tried, "opposite_sign": self.opposite_sign,
                "closest": self.closest.to_dict() if self.closest else None}


@dataclass
class Replay:
    """What a replay needs: taken from ACTUAL where it says, else from EXPECTED."""

    network: Network
    settings: Settings               # the header's: learning rate, loss
    schedule: list[Step]             # the steps to replay, in iteration order
    recorded: dict[int, Step]        # ACTUAL's steps, by iteration
    evaluator: str | None = None     # what computed the trace (its header's), so the replay takes it too


def replay_setup(expected: Trace, actual: Trace) -> Replay | str:
    """The setup to replay, or the reason there is none."""
    network = actual.network or expected.network
    settings = actual.settings if actual.settings.learning_rate is not None else expected.settings
    if network is None:
        return "neither trace records the network (the header's \"network\")"
    if settings.learning_rate is None:
        return "neither trace records the learning rate (the header's \"learning_rate\")"
    if settings.loss not in LOSSES:
        return f"the loss {settings.loss!r} is not one nntrace computes ({', '.join(LOSSES)})"
    try:   # the loss only: the trace's convention may be its producer's own name
        check_fits(Settings(loss=settings.loss), network)
    except ArgumentError as error:   # cross-entropy of sigmoid outputs, say
        return error.problem
    theirs = {step.iteration: step for step in actual.steps}
    ours = {step.iteration: step for step in expected.steps}
    schedule = []
    # Every iteration from the first to ACTUAL's last: what comes after cannot be checked,
    # and the weights at a step depend on every step before it.
    last = max(theirs, default=0)
    missing = [i for i in range(1, last + 1) if i not in theirs and i not in ours]
    if missing:
        return (f"{spans(missing)} in neither trace (recorded with `train --every`?), and a "
                f"replay needs every iteration's input and target from the first on")
    for iteration in range(1, last + 1):
        step = theirs.get(iteration)
        wrong = misfit(step, network) if step is not None else ""
        if wrong:   # replaying EXPECTED's sample instead would "match" a trace wrong here
            return f"iteration {iteration}: ACTUAL's {wrong}"
        if step is None or not fits(step, network):
            step = ours.get(iteration)
        if step is None or not fits(step, network):
            return f"iteration {iteration}: no input and target that fit the network {network.shape}"
        schedule.append(step)
    batched = {bool(step.samples) for step in schedule}
    if len(batched) > 1:
        return "some steps list the samples of a batch and some do not"
    if batched and (True in batched) == settings.online:
        # The steps say what the header may not (a Recorder's header says batch size 1 unless
        # told): a step that lists samples is a batch's update, one that does not a sample's.
        settings = dataclasses.replace(settings, batch_size=ALL if True in batched else 1)
    made = actual.evaluator if actual.evaluator is not None else expected.evaluator
    return Replay(network, settings, schedule, theirs, made if made in EVALUATORS else None)


def fits(step: Step, network: Network) -> bool:
    """The step's sample (a batch's: each of its samples) fits the network's inputs and outputs."""
    samples = step.samples or [step]
    return all(len(s.input) == network.inputs and len(s.target) == network.outputs for s in samples)


def misfit(step: Step, network: Network) -> str:
    """What of a step's recorded sample does not fit the network (`input has 3 numbers; the
    network 2-4-1 takes 2`), or "" (a vector not recorded is no misfit)."""
    for k, sample in enumerate(step.samples or [step], 1):
        where = f"sample {k}: " if step.samples else ""
        for key, size in (("input", network.inputs), ("target", network.outputs)):
            vector = getattr(sample, key)
            if vector and len(vector) != size:
                takes = "takes" if key == "input" else "has outputs for"
                return (f"{where}{key} has {len(vector)} number(s); the network {network.shape} "
                        f"{takes} {size}")
    return ""


def spans(numbers: list[int]) -> str:
    """[2, 3, 4, 9] -> 'iterations 2-4, 9'; after four runs, '…'."""
    parts, start = [], numbers[0]
    for previous, number in zip(numbers, numbers[1:] + [None]):
        if number != previous + 1:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
            start = number
    shown = ", ".join(parts[:4]) + (", …" if len(parts) > 4 else "")
    return ("iteration " if len(numbers) == 1 else "iterations ") + shown


def explain(expected: Trace, actual: Trace, rtol: float = RTOL, atol: float = ATOL) -> Explanation:
    """Replay under each candidate and keep the simplest ones that reproduce ACTUAL; first,
    see whether ACTUAL is only EXPECTED with the opposite sign convention."""
    if opposite_sign(expected, actual, rtol, atol):
        return Explanation([], 0, opposite_sign=True)
    setup = replay_setup(expected, actual)
    if isinstance(setup, str):
        return Explanation([], 0, setup)
    matches: list[Candidate] = []
    tried = 0
    for candidate in candidates():
        if matches and candidate.size > matches[0].size:
            break  # simplest first: a bigger candidate would only add slips that change nothing
        tried += 1
        if reproduces(candidate, setup, rtol, atol):
            matches.append(candidate)
    return Explanation(matches, tried, replayed_with=differing_settings(expected.settings, setup.settings),
                       closest=None if matches else closest_candidate(setup, rtol, atol))


def differing_settings(expected: Settings, replayed: Settings) -> str:
    """What the replay took from ACTUAL's header that EXPECTED's says otherwise: `loss
    squared-error`, "" when nothing."""
    keys = [key for key in expected.header() if key not in ("convention", "slips")]
    return ", ".join(f"{key.replace('_', ' ')} {getattr(replayed, key)}" for key in keys
                     if getattr(expected, key) != getattr(replayed, key))


def opposite_sign(expected: Trace, actual: Trace, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Is ACTUAL EXPECTED's backprop written with error = out − target? Then every error and
    delta is negated, the update subtracts lr·x·delta, and every other value agrees. Only an
    updated weight or bias tells this from the slip wrong-sign (whose update still adds), so
    at least one must agree."""
    ours = {step.iteration: step for step in expected.steps}
    negated = updates = 0
    for step in actual.steps:
        want = ours.get(step.iteration)
        pairs = [] if want is None else [(want.values, step.values), *(
            (mine.values, theirs.values) for mine, theirs in zip(want.samples, step.samples))]
        for name, value, e in ((n, v, mine[n]) for mine, theirs in pairs for n, v in theirs.items() if n in mine):
            kind = getattr(parse_name(name), "kind", None)
            if kind in ("error", "delta"):
                if not close(-e, value, rtol, atol):
                    return False
                negated += not close(e, value, rtol, atol)
            elif not close(e, value, rtol, atol):
                return False
            else:
                updates += kind in ("w", "b")
    return negated > 0 and updates > 0


def replay_engine(candidate: Candidate, setup: Replay) -> Engine | None:
    """The engine that replays the trace under this candidate: the evaluator that made the
    trace where the candidate computes in floats; None for a way of computing these
    settings cannot take (the article's with softmax)."""
    try:
        return new_engine(setup.network, candidate.settings(setup.settings), setup.evaluator,
                          training=len(setup.schedule) > 1)
    except ArgumentError:
        return None


def reproduces(candidate: Candidate, setup: Replay, rtol: float, atol: float) -> bool:
    """Does every value ACTUAL records agree with this candidate's replay, step after step?
    Each value is compared as the replay computes it, so a wrong way of computing stops at
    its first value (a 2-300-300-1 step has 184,806 of them, in decimal for rounded:N)."""
    engine = replay_engine(candidate, setup)
    if engine is None:
        return False
    agreement = Agreement(rtol, atol)
    for step in setup.schedule:
        agreement.recorded = setup.recorded.get(step.iteration)
        try:
            replay_step(engine, step, agreement)
        except (ArithmeticError, NoReplay):   # an overflow, or a value that is not ACTUAL's
            return False
    return agreement.compared > 0


@dataclass
class Agreement:
    """A replay's recorder: each value compared with ACTUAL's as it is computed, NoReplay
    raised at the first that differs."""

    rtol: float
    atol: float
    recorded: Step | None = None   # ACTUAL's step being replayed, None if it recorded none
    compared: int = 0

    def __call__(self, name: str, value: Number, k: int | None = None) -> None:
        if self.recorded is None:
            return
        samples = self.recorded.samples
        theirs = self.recorded.values if k is None else samples[k].values if k < len(samples) else {}
        if name in theirs:
            if not close(float(value), theirs[name], self.rtol, self.atol):
                raise NoReplay
            self.compared += 1


def closest_candidate(setup: Replay, rtol: float, atol: float) -> Closest | None:
    """The simplest way of computing that reproduces the most of ACTUAL's values, and the
    names it does not; a candidate stops as soon as it misses more than the best so far."""
    best: Closest | None = None
    for candidate in candidates():
        missed = misses(candidate, setup, rtol, atol, None if best is None else len(best.missed))
        if missed is not None and (best is None or len(missed) < len(best.missed)):
            best = Closest(candidate, missed)
    recorded = sum(len(s.values) + sum(len(x.values) for x in s.samples) for s in setup.recorded.values())
    if best is None or len(best.missed) >= recorded:
        return None   # nothing reproduces anything
    best.missed = list(dict.fromkeys(best.missed))
    return best


def misses(candidate: Candidate, setup: Replay, rtol: float, atol: float,
           bound: int | None) -> list[str] | None:
    """The names of ACTUAL's values this candidate's replay misses, or None at `bound` or more."""
    missed: list[str] = []
    try:
        for values in replayed_values(candidate, setup):
            missed += [name for name, theirs, ours in values if not close(float(ours), theirs, rtol, atol)]
            if bound is not None and len(missed) >= bound:
                return None
    except NoReplay:
        return None
    return missed


class NoReplay(Exception):
    """The candidate cannot replay the steps: no engine for it, or a value overflowed."""


def replayed_values(candidate: Candidate, setup: Replay) -> Iterator[list[tuple[str, float, Number]]]:
    """Step after step, (name, ACTUAL's value, the replay's) of every value both hold."""
    engine = replay_engine(candidate, setup)
    if engine is None:
        raise NoReplay
    for step in setup.schedule:
        try:
            replayed = replay_step(engine, step)
        except ArithmeticError:   # overflow, in floats or decimals: not this candidate
            raise NoReplay from None
        recorded = setup.recorded.get(step.iteration)
        pairs = [] if recorded is None else [(recorded.values, replayed.values), *(
            (theirs.values, ours.values) for theirs, ours in zip(recorded.samples, replayed.samples))]
        yield [(name, value, ours[name]) for theirs, ours in pairs for name, value in theirs.items()
               if name in ours]


def replay_step(engine: Engine, step: Step, watch: Callable[..., None] | None = None) -> Step:
    """The step recomputed by `engine` from its sample (a batch's: its samples); each value
    handed to `watch` as it is computed (with its sample's index in a batch) if given."""
    replayed = Step(step.iteration, step.epoch, step.input, step.target, {},
                    [SampleValues(s.input, s.target) for s in step.samples])
    if step.samples:
        def record(name: str, value: Any, k: int | None) -> None:
            (replayed.values if k is None else replayed.samples[k].values)[name] = value
        engine.step_batch([engine.convert(s.input) for s in step.samples],
                          [engine.convert(s.target) for s in step.samples], watch or record)
    else:
        engine.step(step.input, step.target, watch or replayed.values.__setitem__)
    return replayed
