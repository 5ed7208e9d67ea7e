"""nntrace from Python and Jupyter: results that display as the same tables as the terminal.

    from nntrace import notebook as nt

    net = nt.article_network()          # or nt.load("net.json")
    result = nt.step(net, [0, 1])        # target from the XOR table; lr 0.001, exact
    result                               # in Jupyter: the worked example's tables
    result["L2.n1.out"]                  # 0.7855297137668...  (every value by trace name)
    result.trace                         # the Trace: result.trace.steps[0].values
    result.picture()                     # the network, each weight old → new (SVG in Jupyter)
    result.export("step.md")             # .md, .html, .svg, .tex, as `nntrace step --export`
    print(result.text(width=100))        # the tables as plain text

    nt.show(net)                         # the network: columns, connections, weights

    run = nt.train(net, epochs=5000, lr=0.5)   # XOR by default; or data="samples.csv" or pairs
    run                                  # the loss chart, the samples (40 at most), the verdict
    run.learned, run.network, run.losses # the verdict, the trained weights, (epoch, loss) points
    run.plot("loss.png")                 # needs nntrace[plot] (matplotlib)
    run.picture()                        # the network, each weight start → trained

    nt.check("mistakes.json")            # a worked example judged figure by figure (None: the article's)

Every result is a rich renderable: `rich.print(result)` prints it in a terminal, and Jupyter
shows it through `_repr_mimebundle_` (rich renders its HTML), with no extension to load.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.jupyter import JupyterMixin

from . import api, article
from .core.network import Network, load_network
from .trace import Trace
from .trace.model import network_after

__all__ = ["CheckResult", "StepResult", "TrainResult", "Picture", "article_network", "check", "load", "show",
           "step", "train"]


def article_network() -> Network:
    """The worked example's 2-4-1 XOR network (no biases)."""
    return article.network()


def load(path: str | os.PathLike) -> Network:
    """Read and check a network file (see docs/formats.md)."""
    return load_network(path)


def step(network: Any = None, input: Any = None, target: Any = None,
         lr: Any = api.DEFAULT_LEARNING_RATE, convention: Any = api.DEFAULT_CONVENTION,
         slips: Any = (), loss: Any = api.DEFAULT_LOSS, digits: Any = 7, data: Any = None,
         batch_size: Any = None, momentum: Any = 0.0, weight_decay: Any = 0.0) -> "StepResult":
    """One iteration, as `nntrace step`: every value recorded, shown as the article's tables.

    The arguments are api.step's (`network` defaults to the article's, `input` its (0, 1); a
    string is a network file's path; `target` may be left out for the XOR table's inputs; `slips` a slip name or
    a list of them; `data` instead of input and target: the update of its first batch).
    `digits` (1 to 17) is what the tables show; values are never rounded.
    """
    digits = api.digits(digits)
    return StepResult(api.step(network, input, target, lr, convention, slips, loss, data, batch_size,
                               momentum, weight_decay), digits)


def train(network: Any = None, data: Any = None, epochs: Any = 10000, lr: Any = api.DEFAULT_LEARNING_RATE,
          convention: Any = api.DEFAULT_CONVENTION, slips: Any = (), loss: Any = api.DEFAULT_LOSS,
          shuffle: bool = False, seed: Any = None, digits: Any = 7, batch_size: Any = 1,
          momentum: Any = 0.0, weight_decay: Any = 0.0) -> "TrainResult":
    """A training run, as `nntrace train`: gradient descent (online, or in batches of
    `batch_size` with torch.optim.SGD's `momentum` and `weight_decay`), then the verdict.

    `data`: None for the article's XOR table, a CSV file's path, or (inputs, targets) pairs
    such as [([0, 0], [0]), ([0, 1], [1])]. `network` is left untouched.
    """
    digits = api.digits(digits)
    return TrainResult(api.train(network, data, epochs, lr, convention, slips, loss, shuffle, seed,
                                 batch_size=batch_size, momentum=momentum, weight_decay=weight_decay),
                       digits)


def check(example: Any = None, digits: Any = 7) -> "CheckResult":
    """A worked example judged figure by figure, as `nntrace check`: None for the article's,
    a worked-example file's path."""
    digits = api.digits(digits)
    return CheckResult(api.check(example), digits)


def show(network: Any = None, digits: Any = 7) -> "Picture":
    """The network drawn the way the article draws it (an SVG picture in Jupyter)."""
    return Picture(api.show(network), None, api.digits(digits))


class Displayable(JupyterMixin):
    """Shared by every result: plain text and HTML of the same rendering."""

    def document(self) -> Any:
        raise NotImplementedError

    def text(self, width: int = 100) -> str:
        console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
        console.print(self)
        # rich pads every line to the width; text to paste or compare wants none of that.
        return "".join(line.rstrip() + "\n" for line in console.file.getvalue().splitlines())

    def html(self) -> str:
        """A whole HTML page of the rendering, colours kept (as `--export FILE.html`)."""
        from .render.export import render

        return render(self.document(), ".html")

    def export(self, path: str | os.PathLike) -> None:
        """Write what is shown to .md, .html, .svg or .tex, as the CLI's --export does."""
        from .render.export import export

        export(self.document(), path, "path")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from .render.terminal import renderable

        for part in self.document().parts:
            yield renderable(part)


@dataclass
class StepResult(Displayable):
    """One recorded iteration: its Trace, its values by name, its tables."""

    trace: Trace
    digits: int = 7
    show: bool = False     # the picture of old → new weights below the tables

    @property
    def values(self) -> dict[str, float]:
        return self.trace.steps[0].values

    def __getitem__(self, name: str) -> float:
        return self.values[name]

    @property
    def after(self) -> Network | None:
        """The network as the step left it."""
        return network_after(self.trace.network, self.trace.steps[0])

    def picture(self) -> "Picture":
        return Picture(self.trace.network, self.after, self.digits)

    def document(self) -> Any:
        from .views.document import step_document

        return step_document(self.trace, self.digits, self.show)

    def export(self, path: str | os.PathLike, show: bool = False) -> None:
        """Write the tables (and with `show` the picture) to .md, .html, .svg or .tex."""
        from .render.export import export
        from .views.document import step_document

        export(step_document(self.trace, self.digits, show or self.show), path, "path")

    def __repr__(self) -> str:
        step = self.trace.steps[0]
        if step.samples:
            return (f"<nntrace step: a batch of {len(step.samples)} sample(s), mean loss "
                    f"{step.values.get('loss')}, {len(step.values)} values of the update>")
        return (f"<nntrace step: input {step.input}, target {step.target}, "
                f"loss {step.values.get('loss')}, {len(step.values)} values>")


@dataclass
class TrainResult(Displayable):
    """A training run: the TrainingResult, the trained network, the loss curve, the verdict."""

    result: Any                 # train.loop.TrainingResult
    digits: int = 7

    @property
    def network(self) -> Network:
        return self.result.network

    @property
    def learned(self) -> bool:
        return self.result.verdict.learned

    @property
    def verdict(self) -> str:
        return self.result.verdict.describe()

    @property
    def losses(self) -> list[tuple[float, float]]:
        """(epoch, loss) points of the curve; a long run keeps one mean per stretch of epochs."""
        return self.result.curve.series()

    def plot(self, path: str | os.PathLike) -> None:
        """The loss per epoch as .png or .svg (needs the extra nntrace[plot])."""
        from .errors import NntraceError
        from .render.plot import plot_curve

        if not plot_curve(self.result.curve, path, "path"):
            raise NntraceError(f"plot: no finite loss to draw; {os.fspath(path)} not written")

    def document(self) -> Any:
        from .views.document import train_document

        return train_document(self.result, self.digits, timing=False)

    def picture(self) -> "Picture":
        return Picture(self.result.start, self.result.network, self.digits)

    def __repr__(self) -> str:
        return f"<nntrace train: {self.result.epochs_run} epoch(s); {self.verdict}>"


@dataclass
class CheckResult(Displayable):
    """Every figure of a worked example with its verdict; `.first_wrong`, `.report`."""

    report: Any                 # check.judge.CheckReport
    digits: int = 7

    @property
    def first_wrong(self) -> str | None:
        """The trace name of the first figure that is a slip or wrong, None if none is."""
        first = self.report.first_wrong
        return first.figure.name if first else None

    @property
    def verdicts(self) -> dict[str, str]:
        return {j.figure.name: j.verdict for j in self.report.judgements}

    def document(self) -> Any:
        from .views.check import check_view
        from .views.document import Document

        return Document("nntrace check", [check_view(self.report, self.digits)])

    def __repr__(self) -> str:
        return f"<nntrace check: {len(self.report.judgements)} figures, first wrong {self.first_wrong}>"


@dataclass
class Picture(Displayable):
    """The network, and after a step each weight's old and new value."""

    network: Network
    after: Network | None = None
    digits: int = 7

    def svg(self) -> str:
        from .render.svg import network_svg

        return network_svg(self.network, self.after, self.digits)

    def document(self) -> Any:
        from .views.document import Document
        from .views.network import NetworkView

        return Document("nntrace show", [NetworkView(self.network, self.after, self.digits)])

    def __repr__(self) -> str:
        change = ", each weight old → new" if self.after is not None else ""
        return f"<nntrace picture: network {self.network.describe()}{change}>"

    def _repr_mimebundle_(self, include: Sequence[str] = (), exclude: Sequence[str] = (),
                          **kwargs: Any) -> dict[str, str]:
        # Jupyter draws the real picture; a terminal front end falls back to the text drawing.
        bundle = {"image/svg+xml": self.svg(), "text/plain": self.text()}
        return {k: v for k, v in bundle.items()
                if (not include or k in include) and k not in (exclude or ())}
