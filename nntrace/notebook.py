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
    run                                  # the loss chart, every sample, the verdict
    run.learned, run.network, run.losses # the verdict, the trained weights, (epoch, loss) points
    run.plot("loss.png")                 # needs nntrace[plot] (matplotlib)
    run.picture()                        # the network, each weight start → trained

Every result is a rich renderable: `rich.print(result)` prints it in a terminal, and Jupyter
shows it through `_repr_mimebundle_` (rich renders its HTML), with no extension to load.
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.jupyter import JupyterMixin

from . import article, run
from .errors import ArgumentError, NntraceError
from .network import Network, load_network
from .trace import Trace

__all__ = ["StepResult", "TrainResult", "Picture", "article_network", "load", "show", "step", "train"]


def article_network() -> Network:
    """The worked example's 2-4-1 XOR network (no biases)."""
    return article.network()


def load(path: str | os.PathLike) -> Network:
    """Read and check a network file (see the README for its format)."""
    return load_network(path)


def step(network: Network | str | os.PathLike | None = None,
         input: Sequence[float] = article.INPUT, target: Sequence[float] | None = None,
         lr: float = article.LEARNING_RATE, convention: str = "exact",
         slips: Sequence[str] | str = (), digits: int = 7) -> "StepResult":
    """One iteration, as `nntrace step`: every value recorded, shown as the article's tables.

    `network` defaults to the article's (a string is a network file's path); `target` may be
    left out for the XOR table's inputs. `slips` is a slip name or a list of them. `digits`
    (1 to 17) is what the tables show; the values themselves are never rounded.
    """
    network = network_argument(network)
    input, lr, digits = numbers("input", input), number("lr", lr), digits_argument(digits)
    target = None if target is None else numbers("target", target)
    try:
        target = run.sample_target(network, input, target)
    except ArgumentError as error:
        shown = {"input": input, "target": target}.get(error.argument, "")
        raise NntraceError(f"{error.argument}={'' if shown is None else shown}: {error.problem}") from None
    convention = convention_name(convention)
    return StepResult(run.step(network, input, target, lr, convention,
                               slip_names(slips, convention)), digits)


def train(network: Network | str | os.PathLike | None = None, data: Any = None,
          epochs: int = 10000, lr: float = article.LEARNING_RATE, convention: str = "exact",
          slips: Sequence[str] | str = (), shuffle: bool = False, seed: int | None = None,
          digits: int = 4) -> "TrainResult":
    """A training run, as `nntrace train`: online gradient descent, then the verdict.

    `data`: None for the article's XOR table, a CSV file's path, or (inputs, targets) pairs
    such as [([0, 0], [0]), ([0, 1], [1])]. `network` (default the article's; a string is a
    network file's path) is left untouched.
    """
    from . import training

    network = network_argument(network)
    epochs, lr, digits = whole("epochs", epochs, 1), number("lr", lr), digits_argument(digits)
    if seed is not None:
        seed = whole("seed", seed)
    convention = convention_name(convention)
    return TrainResult(training.train(network, dataset(data, network), epochs, lr, convention,
                                      slip_names(slips, convention), shuffle, seed), digits)


def dataset(data: Any, network: Network):
    from .data import Dataset, Sample, training_data

    if data is None or isinstance(data, (str, os.PathLike)):
        try:
            return training_data(network, data)
        except ArgumentError as error:
            raise NntraceError(f"data=: {error.problem}") from None
    if not isinstance(data, Iterable):
        raise NntraceError(f"data={short(data)}: expected None, a CSV file's path or "
                           f"(inputs, targets) pairs")
    samples = []
    for row, pair in enumerate(data):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise NntraceError(f"data[{row}]={short(pair)}: expected a pair (inputs, targets)")
        inputs, targets = numbers(f"data[{row}] inputs", pair[0]), numbers(f"data[{row}] targets", pair[1])
        if len(inputs) != network.inputs or len(targets) != network.outputs:
            raise NntraceError(f"data[{row}]: the network {network.shape} takes {network.inputs} "
                               f"input(s) and {network.outputs} target(s), got {len(inputs)} and "
                               f"{len(targets)}")
        samples.append(Sample(tuple(inputs), tuple(targets)))
    if not samples:
        raise NntraceError("data=: no samples")
    return Dataset(tuple(samples), "samples given in Python")


# Arguments checked here, so a mistake reads as one line naming the argument, not a traceback.

def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise NntraceError(f"{name}={short(value)}: not a number")
    if not math.isfinite(value):
        raise NntraceError(f"{name}={short(value)}: not a finite number")
    return float(value)


def numbers(name: str, values: Any) -> list[float]:
    """A list of finite numbers, from a list, a tuple, a NumPy array: anything but a string."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise NntraceError(f"{name}={short(values)}: expected a list of numbers, like [0, 1]")
    result = []
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            raise NntraceError(f"{name}={short(values)}: item {index} ({short(value)}) is not "
                               f"a finite number")
        result.append(float(value))
    return result


def whole(name: str, value: Any, least: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or (least is not None and value < least):
        at_least = f" of at least {least}" if least is not None else ""
        raise NntraceError(f"{name}={short(value)}: expected a whole number{at_least}")
    return int(value)


def digits_argument(digits: Any) -> int:
    if isinstance(digits, bool) or not isinstance(digits, Integral) or not 1 <= digits <= 17:
        raise NntraceError(f"digits={short(digits)}: expected a whole number from 1 to 17")
    return int(digits)


def convention_name(convention: Any) -> str:
    if convention not in ("exact", "article"):
        raise NntraceError(f"convention={short(convention)}: expected 'exact' or 'article'")
    return convention


def slip_names(slips: Any, convention: str) -> tuple[str, ...]:
    """A slip name alone is one slip (not its letters); each name known, under `convention`."""
    from .conventions import make_convention

    names = (slips,) if isinstance(slips, str) else slips
    if not isinstance(names, Iterable) or not all(isinstance(s, str) for s in names):
        raise NntraceError(f"slips={short(slips)}: expected a slip name or a list of them")
    names = tuple(names)
    try:
        make_convention(convention, names)
    except NntraceError as error:   # conventions.py speaks of --slip; here it is slips=
        raise NntraceError(f"slips={short(slips)}: {str(error).partition(': ')[2]}") from None
    return names


def network_argument(network: Any) -> Network:
    if network is None:
        return article.network()
    if isinstance(network, (str, os.PathLike)):
        return load_network(network)
    if not isinstance(network, Network):
        raise NntraceError(f"network={short(network)}: expected a Network, a network file's "
                           f"path or None (the article's)")
    return network


def show(network: Network | str | os.PathLike | None = None, digits: int = 7) -> "Picture":
    """The network drawn the way the article draws it (an SVG picture in Jupyter)."""
    return Picture(network_argument(network), None, digits_argument(digits))


class Displayable(JupyterMixin):
    """Shared by every result: plain text and HTML of the same rendering."""

    def text(self, width: int = 100) -> str:
        console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
        console.print(self)
        # rich pads every line to the width; text to paste or compare wants none of that.
        return "".join(line.rstrip() + "\n" for line in console.file.getvalue().splitlines())

    def html(self) -> str:
        """A whole HTML page of the rendering, colours kept (as `--export FILE.html`)."""
        from .export import recorded

        return recorded([self], ".html", "nntrace")


@dataclass
class StepResult(Displayable):
    """One recorded iteration: its Trace, its values by name, its tables."""

    trace: Trace
    digits: int = 7

    @property
    def values(self) -> dict[str, float]:
        return self.trace.steps[0].values

    def __getitem__(self, name: str) -> float:
        return self.values[name]

    @property
    def after(self) -> Network | None:
        """The network as the step left it."""
        from .render import network_after

        return network_after(self.trace.network, self.trace.steps[0])

    def picture(self) -> "Picture":
        return Picture(self.trace.network, self.after, self.digits)

    def export(self, path: str | os.PathLike, show: bool = False) -> None:
        """Write the tables (and with `show` the picture) to .md, .html, .svg or .tex."""
        from .export import export, step_document

        export(step_document(self.trace, self.digits, show), path)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from .render import StepReport

        yield StepReport(self.trace, digits=self.digits)

    def __repr__(self) -> str:
        step = self.trace.steps[0]
        return (f"<nntrace step: input {step.input}, target {step.target}, "
                f"loss {step.values.get('loss')}, {len(step.values)} values>")


@dataclass
class TrainResult(Displayable):
    """A training run: the TrainingResult, the trained network, the loss curve, the verdict."""

    result: Any                 # training.TrainingResult
    digits: int = 4

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
        from .plot import plot_curve

        if not plot_curve(self.result.curve, path, "plot"):
            raise NntraceError(f"plot: no finite loss to draw; {os.fspath(path)} not written")

    def export(self, path: str | os.PathLike) -> None:
        """What `train --export` writes: .md, .html, .svg or .tex."""
        from .export import export, train_document

        export(train_document(self.result, self.digits), path)

    def picture(self) -> "Picture":
        return Picture(self.result.start, self.result.network, self.digits)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from .render_training import TrainingReport

        yield TrainingReport(self.result, digits=self.digits)

    def __repr__(self) -> str:
        return f"<nntrace train: {self.result.epochs_run} epoch(s); {self.verdict}>"


@dataclass
class Picture(Displayable):
    """The network, and after a step each weight's old and new value."""

    network: Network
    after: Network | None = None
    digits: int = 7

    def svg(self) -> str:
        from .picture import network_svg

        return network_svg(self.network, self.after, self.digits)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from .picture import NetworkPicture

        yield NetworkPicture(self.network, self.after, self.digits)

    def __repr__(self) -> str:
        change = ", each weight old → new" if self.after is not None else ""
        return f"<nntrace picture: network {self.network.describe()}{change}>"

    def _repr_mimebundle_(self, include: Sequence[str] = (), exclude: Sequence[str] = (),
                          **kwargs: Any) -> dict[str, str]:
        # Jupyter draws the real picture; a terminal front end falls back to the text drawing.
        bundle = {"image/svg+xml": self.svg(), "text/plain": self.text()}
        return {k: v for k, v in bundle.items()
                if (not include or k in include) and k not in (exclude or ())}
