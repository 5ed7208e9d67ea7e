"""The terminal renderer: the rich renderable of each view. Each renderer is imported when a
view of its kind is shown, so that `nntrace step` loads no training report."""

from __future__ import annotations

from typing import Any


def renderable(part: Any) -> Any:
    kind = type(part).__name__
    if kind == "StepView":
        from .step import StepTables
        return StepTables(part)
    if kind == "TrainView":
        from .training import TrainingReport
        return TrainingReport(part)
    if kind == "DiffView":
        from .diff import DiffReport
        return DiffReport(part)
    if kind == "CheckView":
        from .check import CheckTable
        return CheckTable(part)
    if kind == "NetworkView":
        from .network import NetworkPicture
        return NetworkPicture(part.network, part.after, part.digits, part.summary)
    raise TypeError(f"nothing renders {kind} in a terminal")
