"""A worked example beside a step: its names for the values, and its printed figures with
a verdict each (✓, or ≠ with a numbered reason when the step is exact backprop)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..check.example import BUILT_IN, Example, Figure, agrees, built_in
from ..core.network import Network
from ..core.settings import Settings
from ..trace.model import Step


@dataclass
class Column:
    title: str                                             # what the column is called
    figures: dict[str, str] = field(default_factory=dict)  # trace name -> as printed
    verdicts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)         # reason N is notes[N - 1]


@lru_cache(maxsize=1)
def article() -> Example:
    return built_in()


def labels_for(network: Network | None, example: Example | None = None) -> dict[str, str]:
    """The example's names (the article's by default) for a network of the example's shape."""
    example = example or article()
    if network is None or list(network.layers) != list(example.network.layers):
        return {}
    return example.labels()


def applies(example: Example, network: Network | None, step: Step, settings: Settings) -> bool:
    """Is the step the example's own (its network, sample and settings), so its figures apply?"""
    theirs = example.settings
    return (network is not None and network.to_dict() == example.network.to_dict() and not step.samples
            and step.input == example.input and step.target == example.target and settings.online
            and not settings.momentum and (settings.learning_rate, settings.loss, settings.weight_decay)
            == (theirs.learning_rate, theirs.loss, theirs.weight_decay))


def printed(figure: Figure) -> str:
    return f"−({figure.printed})" if figure.negated else figure.printed


def column(example: Example | None, network: Network | None, step: Step, settings: Settings) -> Column | None:
    """The figures beside the step's values; with exact backprop, why each that differs does."""
    example = example or article()
    if not applies(example, network, step, settings):
        return None
    found = Column(BUILT_IN if example.path.endswith(BUILT_IN) else "printed",
                   {f.name: printed(f) for f in example.figures})
    if settings.textbook:
        judged(example, found, step.values)
    else:
        found.verdicts = {f.name: "✓" if f.name in step.values and agrees(step.values[f.name], f) else "≠"
                          for f in example.figures}
    return found


def judged(example: Example, found: Column, shown: dict[str, float]) -> None:
    """✓ where exact math agrees, and so does the value `shown` beside it (floats: a relu at
    a net of 5.6e-17, which is 0 in real arithmetic, is not marked ✓ beside its 1); else ≠
    and the reason `nntrace check` gives."""
    from ..check.judge import check

    source = "article" if found.title == BUILT_IN else "text"   # who rounded and carried on
    for judgement in check(example, with_closest=False).judgements:
        name = judgement.figure.name
        if judgement.verdict == "agrees" and (name not in shown or agrees(shown[name], judgement.figure)):
            found.verdicts[name] = "✓"
            continue
        note = (judgement.note(source) if judgement.verdict != "agrees" else
                "exact math in real numbers gives the figure; the float arithmetic shown here comes out otherwise")
        if note not in found.notes:
            found.notes.append(note)
        found.verdicts[judgement.figure.name] = f"≠{found.notes.index(note) + 1}"
