"""The verdict on a training run: learned or not, and why it looks so.

Reads what a run reached (each sample's output, the loss curve, the first non-finite
value if any) and says it in plain words; computes no network math and never renders.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..errors import NonFiniteError
from .curve import LossCurve


@dataclass
class SampleResult:
    """One sample under the final weights: what came out, and whether it is classified right."""

    inputs: tuple[float, ...]
    targets: tuple[float, ...]
    outputs: tuple[float, ...]
    right: bool


# How the verdict reads a run; named so tests and the README can cite them.
STUCK_SPREAD = 0.1    # outputs spread over less than this share of the targets' range: stuck
FLAT_CHANGE = 0.01    # the loss moved by less than 1% between the last two tenths of the run: flat
ROSE_FACTOR = 1.1     # the loss ended 10% above where it began: rose


@dataclass
class Verdict:
    """Learned (every sample classified right) or not, and why it looks so."""

    learned: bool
    right: int
    total: int
    reasons: tuple[str, ...] = ()           # diverged, rose, stuck, flat, falling, not-falling, short
    stuck_near: float | None = None
    loss_start: float | None = None
    loss_end: float | None = None
    flat_window: int = 0                    # epochs in each of the two compared stretches
    problem: str | None = None

    def describe(self) -> str:
        """The verdict in plain words."""
        score = f"{self.right} of {self.total} samples classified right"
        trend = (f"the loss went from {self.loss_start:.4g} to {self.loss_end:.4g}"
                 if self.loss_start is not None and self.loss_end is not None else "")
        if self.learned:
            return f"Learned: all {self.total} samples classified right" + (f"; {trend}." if trend else ".")
        why = []
        for reason in self.reasons:
            if reason == "diverged":
                why.append(f"it diverged: {self.problem}")
            elif reason == "rose":
                why.append(f"it diverged: {trend}")
            elif reason == "stuck":
                why.append(f"the outputs are stuck near {self.stuck_near:.3g} whatever the input")
            elif reason == "flat":
                # No forecast: a plateau may end (exact math at 0.5 is flat at 1000 epochs
                # and learns XOR by 3000) or last; the curve so far cannot tell which.
                why.append(f"the loss is flat, on a plateau (its mean over the last {self.flat_window} "
                           f"epoch(s) is within {FLAT_CHANGE:.0%} of the {self.flat_window} before), "
                           f"which more epochs may or may not leave")
            elif reason == "falling":
                why.append(f"{trend} and is still falling: more epochs may help")
            elif reason == "not-falling":
                why.append(f"{trend}, no lower than it began, and is not flat: it wanders")
            elif reason == "short":
                why.append("too few epochs ran to judge the loss")
        return f"Not learned: {score}; " + "; ".join(why) + "."

    def to_dict(self) -> dict[str, Any]:
        return {"learned": self.learned, "right": self.right, "total": self.total,
                "reasons": list(self.reasons), "verdict": self.describe()}


def classified_right(output: float, target: float, all_targets: Sequence[float]) -> bool:
    """Nearer its own target than any other target this output takes in the data (0/1
    targets: on the right side of 0.5); with a single target value, within 0.5 of it."""
    return classifier(all_targets)(output, target)


def classifier(all_targets: Sequence[float]) -> Callable[[float, float], bool]:
    """classified_right for one output of a data set, its other targets found once."""
    values = set(all_targets)
    others: dict[float, list[float]] = {}

    def right(output: float, target: float) -> bool:
        if not math.isfinite(output):
            return False
        if target not in others:
            others[target] = [t for t in values if t != target]
        distance = abs(output - target)
        if not others[target]:
            return distance < 0.5
        return all(distance < abs(output - other) for other in others[target])
    return right


def largest_where_largest(outputs: Sequence[float], targets: Sequence[float]) -> bool:
    """A class per output (softmax): right when the largest output is where the largest target is."""
    if not all(map(math.isfinite, outputs)):
        return False
    return max(range(len(outputs)), key=outputs.__getitem__) == max(range(len(targets)), key=targets.__getitem__)


def classified(outputs: Sequence[Sequence[float]], targets: Sequence[Sequence[float]],
               one_class: bool) -> list[bool]:
    """Each sample classified right, by its outputs and targets: with a class per output
    (softmax), the largest output where the largest target is; else every output nearer
    its own target than the others its column takes (fast/verdict.py: the same, as arrays)."""
    if one_class:
        return [largest_where_largest(out, target) for out, target in zip(outputs, targets)]
    kinds = [classifier([target[k] for target in targets]) for k in range(len(targets[0]))]
    return [all(kinds[k](out[k], target[k]) for k in range(len(out))) for out, target in zip(outputs, targets)]


def judge(samples: list[SampleResult], curve: LossCurve, problem: NonFiniteError | None) -> Verdict:
    """Learned when every sample is classified right; otherwise say why it looks so."""
    right = sum(s.right for s in samples)
    points = [loss for _, loss in curve.series()]
    start, end = curve.first, curve.last
    verdict = Verdict(right == len(samples) and problem is None, right, len(samples),
                      loss_start=start, loss_end=end, problem=str(problem) if problem else None)
    if verdict.learned:
        return verdict
    reasons = []
    if problem is not None:
        reasons.append("diverged")
    elif start is not None and end is not None and end > start * ROSE_FACTOR:
        reasons.append("rose")
    stuck = stuck_near(samples)
    if stuck is not None and problem is None:
        reasons.append("stuck")
        verdict.stuck_near = stuck
    if problem is None and len(points) >= 4:
        tenth = max(1, len(points) // 10)
        recent = sum(points[-tenth:]) / tenth
        before = sum(points[-2 * tenth:-tenth]) / tenth
        if abs(recent - before) <= FLAT_CHANGE * abs(before):
            reasons.append("flat")
            verdict.flat_window = tenth * curve.width
    if not reasons:
        reasons.append("short" if curve.epochs < 2 else "falling" if end < start else "not-falling")
    verdict.reasons = tuple(reasons)
    return verdict


def stuck_near(samples: list[SampleResult]) -> float | None:
    """The value the outputs cluster at when they hardly depend on the input, else None."""
    if len(samples) < 2:
        return None
    centre = []
    for k in range(len(samples[0].outputs)):
        outputs = [s.outputs[k] for s in samples]
        targets = [s.targets[k] for s in samples]
        spread = max(targets) - min(targets)
        if not all(map(math.isfinite, outputs)) or spread == 0:
            return None
        if max(outputs) - min(outputs) >= STUCK_SPREAD * spread:
            return None
        centre.append(sum(outputs) / len(outputs))
    return sum(centre) / len(centre)
