"""What `nntrace diff` shows, as data: the comparison, the explanation, the example's names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..check.compare import Comparison
from ..check.explain import Explanation
from .figures import labels_for


@dataclass
class DiffView:
    comparison: Comparison
    explanation: Explanation | None = None     # asked for when the traces differ
    names: dict[str, str] = field(default_factory=dict)   # the worked example's name of a value
    source: str = "article"                               # the worked example, as a column calls it

    def to_dict(self) -> dict[str, Any]:
        """The `--json` report."""
        explanation = self.explanation.to_dict() if self.explanation is not None else None
        return {**self.comparison.to_dict(), "explanation": explanation}


def diff_view(comparison: Comparison, explanation: Explanation | None = None) -> DiffView:
    network = comparison.network
    return DiffView(comparison, explanation, labels_for(network))
