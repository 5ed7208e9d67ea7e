"""The terminal renderer: the rich renderable of each view."""

from __future__ import annotations

from typing import Any

from ..views.diff import DiffView
from ..views.network import NetworkView
from ..views.step import StepView
from ..views.train import TrainView
from .diff import DiffReport
from .network import NetworkPicture
from .step import StepTables
from .training import TrainingReport


def renderable(part: Any) -> Any:
    if isinstance(part, StepView):
        return StepTables(part)
    if isinstance(part, TrainView):
        return TrainingReport(part)
    if isinstance(part, DiffView):
        return DiffReport(part)
    if isinstance(part, NetworkView):
        return NetworkPicture(part.network, part.after, part.digits)
    raise TypeError(f"nothing renders {type(part).__name__} in a terminal")
