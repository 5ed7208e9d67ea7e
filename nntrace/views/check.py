"""What `nntrace check` shows, as data: each figure with its verdict, then one summary line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .text import format_number

if TYPE_CHECKING:
    from decimal import Decimal

    from ..check.judge import CheckReport

VERDICTS = {"agrees": "✓ agrees", "follows": "≈ follows", "slip": "≠ slip", "wrong": "✗ wrong"}


@dataclass
class FigureLine:
    name: str            # the trace name
    source_name: str     # the text's name ("" if none)
    printed: str
    exact: str
    verdict: str         # agrees, follows, slip, wrong
    explanation: str

    @property
    def mark(self) -> str:
        """The verdict as a symbol and a word, so it reads without colour."""
        return VERDICTS[self.verdict]


@dataclass
class CheckView:
    title: str
    lines: list[FigureLine]
    summary: str
    closest: str
    fine: bool           # no figure is a slip or wrong


def check_view(report: "CheckReport", digits: int = 7) -> CheckView:
    lines = [FigureLine(j.figure.name, j.figure.source_name, j.figure.printed,
                        format_number(j.exact, shown_digits(j.figure.value, digits)),
                        j.verdict, j.explanation) for j in report.judgements]
    first = report.first_wrong
    if not lines:
        summary = 'No figure to check: every figure is "" (not printed).'
    elif first is None:
        follows = sum(line.verdict == "follows" for line in lines)
        agree = len(lines) - follows
        summary = f"Every figure checks out: {agree} {verb(agree, 'agree')} with exact math" + (
            f", {follows} {verb(follows, 'follow')} from the figures printed before them." if follows else ".")
    else:
        label = f"{first.figure.source_name} ({first.figure.name})" if first.figure.source_name else first.figure.name
        summary = (f"The first figure to go wrong: {label}, printed {first.figure.printed}: "
                   f"{first.verdict}, {first.explanation}.")
    best = report.closest
    closest = "" if best is None or not lines else (
        f"The whole step computed as {best.candidate.describe()} reproduces "
        f"{len(lines) - len(best.missed)} of {len(lines)} figures"
        + (f" (not {', '.join(best.missed)})." if best.missed else "."))
    example = report.example
    title = example.title or example.path
    return CheckView(f"{title}: {len(lines)} figures" + (f" ({example.source})" if example.source else ""),
                     lines, summary, closest, first is None)


def verb(count: int, plural: str) -> str:
    """`1 agrees`, `2 agree`."""
    return plural + "s" * (count == 1)


def shown_digits(printed: "Decimal", digits: int) -> int:
    """Two significant digits more than the figure printed (at least `digits`), so the exact
    value beside 0.593269992 reads 0.59326999215, not 0.59327, and its rounding shows."""
    return min(17, max(digits, len(printed.as_tuple().digits) + 2))
