"""What each command shows, as one Document: a title and its views in order. The terminal
prints it; --export writes the same Document as .md, .html, .svg or .tex."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.network import Network
    from ..trace import Trace
    from ..train.loop import TrainingResult


@dataclass
class Document:
    title: str
    parts: list[Any] = field(default_factory=list)


def step_document(trace: "Trace", digits: int = 7, show: bool = False, example: Any = None,
                  summary: bool = True) -> Document:
    """`nntrace step`: the iteration's tables (beside `example`'s figures, the article's by
    default, when the step is its own), then with `show` the network's old and new weights;
    with `summary` a layer wider than a screen shows its first neurons (views/summary.py)."""
    from ..trace.model import network_after
    from .step import step_view

    document = Document("nntrace step", [step_view(trace, digits=digits, example=example, summary=summary)])
    if show and trace.network is not None:
        from .network import NetworkView

        document.parts.append(NetworkView(trace.network, network_after(trace.network, trace.steps[0]),
                                          digits, summary))
    return document


def show_document(network: "Network", digits: int = 7, summary: bool = True) -> Document:
    """`nntrace show`: the picture of the network (with `summary`, a wide one's first neurons)."""
    from .network import NetworkView

    return Document("nntrace show", [NetworkView(network, None, digits, summary)])


def train_document(result: "TrainingResult", digits: int = 7, timing: bool = False) -> Document:
    """`nntrace train`: what ran, the loss chart, every sample, the verdict. Without `timing`
    (exports) the wall-clock time is left out: the same run writes the same file."""
    from .train import train_view

    return Document("nntrace train", [train_view(result, digits, timing)])
