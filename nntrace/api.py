"""The library's front door: step, train, diff, explain, check, example_template, explore and
show, their arguments checked once.

    >>> from nntrace import api
    >>> trace = api.step(input=[0, 1])          # the article's network and iteration
    >>> round(trace.steps[0].values["L2.n1.out"], 4)
    0.7855

Arguments are named like the CLI's options (`lr`, `convention`, `slips`, `loss`, ...). A
wrong one raises ArgumentError, one line naming it the Python way (`lr='x': not a
number`); the CLI names it as its option (`--lr`) instead. The results are plain data:
a Trace, a TrainingResult, a DiffView, an Explanation, a CheckReport, an ExploreView;
nntrace.views and nntrace.render show them (docs/python.md).
"""

from __future__ import annotations

import decimal
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral
from typing import TYPE_CHECKING, Any

from . import article
from .check import ATOL, RTOL
from .core.losses import DEFAULT_LOSS
from .core.network import Network, load_network
from .core.settings import (ALL, DEFAULT_LEARNING_RATE, Settings, check_fits, make_settings,
                            non_negative, target_problem)
from .errors import ArgumentError, NntraceError, NonFiniteError, short
from .fast import NUMPY, checked_evaluator, evaluator_for, new_engine
from .trace.model import Trace, first_non_finite
from .trace.recorder import Recorder

if TYPE_CHECKING:   # the rest is imported by the function that needs it: step starts quickly
    from .check.judge import CheckReport
    from .check.explain import Explanation
    from .train.data import Dataset
    from .train.loop import Progress, TrainingResult
    from .train.signals import Stop
    from .views.diff import DiffView
    from .views.explore import ExploreView

DEFAULT_CONVENTION = Settings().convention


def step(network: Any = None, input: Any = None, target: Any = None,
         lr: Any = DEFAULT_LEARNING_RATE, convention: Any = DEFAULT_CONVENTION, slips: Any = (),
         loss: Any = DEFAULT_LOSS, data: Any = None, batch_size: Any = None, momentum: Any = 0.0,
         weight_decay: Any = 0.0, evaluator: Any = None) -> Trace:
    """One iteration (forward, backward, update) with every value recorded.

    `network`: a Network, a network file's path, a dict as the file holds, or None for the
    article's. `input` defaults to the article's (0, 1); `target` may be left out for the
    article's XOR table (2 inputs of 0 or 1).
    With `data` (as train's) instead of `input` and `target`: the update of the first batch
    of `batch_size` samples (default "all"), each sample's values listed in the step.
    `evaluator`: "python" or "numpy" (the vectorised one); None chooses by the network's size.
    """
    network = network_argument(network)
    evaluator = checked_evaluator(evaluator)
    size = (ALL if data is not None else 1) if batch_size is None else batch_size
    settings = make_settings(lr, convention, slips, loss, size, momentum, weight_decay)
    check_fits(settings, network)
    if data is not None and (input is not None or target is not None):
        raise ArgumentError("input" if input is not None else "target",
                            "data= takes the place of input= and target=: give one or the other")
    if data is not None:
        samples = checked_samples(settings, dataset(data, network)).samples
        first = [(s.inputs, s.targets) for s in
                 samples[:len(samples) if settings.batch_size == ALL else settings.batch_size]]
    elif not settings.online:
        raise ArgumentError("batch_size", "a batch needs data= (one input and target make a batch of 1)",
                            batch_size)
    else:
        inputs = numbers("input", article.INPUT if input is None else input)
        targets = sample_target(network, inputs, None if target is None else numbers("target", target))
        problem = target_problem(settings, targets)
        if problem:
            raise ArgumentError("target", problem, targets)
        first = [(inputs, targets)]
    return recorded_step(network, settings, first, evaluator)


def recorded_step(network: Network, settings: Settings,
                  samples: Sequence[tuple[Sequence[float], Sequence[float]]],
                  evaluator: str | None = None) -> Trace:
    """One update from `samples`, (inputs, targets) pairs (online: the one), every value recorded."""
    engine = new_engine(network, settings, evaluator, training=False)
    recorder = Recorder.for_run(settings, network, engine.evaluator)
    xs, ts = [list(x) for x, _ in samples], [list(t) for _, t in samples]
    try:
        if settings.online and engine.evaluator == NUMPY:   # its values at once, in order
            recorder.begin_step(xs[0], ts[0], iteration=1, epoch=1)
            with engine.quiet():
                _, values = engine.traced(engine.convert(xs[0]), engine.convert(ts[0]))
            recorder.record_floats(engine.names(0), values)
        elif settings.online:
            recorder.begin_step(xs[0], ts[0], iteration=1, epoch=1)
            engine.step(xs[0], ts[0], recorder.record)
        else:
            recorder.begin_batch(xs, ts, iteration=1, epoch=1)
            engine.step_batch([engine.convert(x) for x in xs], [engine.convert(t) for t in ts],
                              recorder.record)
    except (decimal.Overflow, decimal.InvalidOperation, OverflowError):
        raise NonFiniteError("iteration 1: a value grew beyond what the arithmetic can hold",
                             iteration=1) from None
    first_non_finite(recorder.trace)
    return recorder.trace


def checked_samples(settings: Settings, samples: "Dataset") -> "Dataset":
    """The data set, each sample's targets fit for the loss."""
    for number, sample in enumerate(samples.samples, 1):
        problem = target_problem(settings, sample.targets)
        if problem:
            raise NntraceError(f"{samples.source}: {samples.where(number)}: {problem}")
    return samples


def sample_target(network: Network, inputs: Sequence[float],
                  targets: Sequence[float] | None) -> list[float]:
    """The target of one step, checked against the network; left out, the article's XOR
    table supplies it for 2 inputs of 0 or 1 into 1 output."""
    if len(inputs) != network.inputs:
        raise ArgumentError("input", f"the network {network.shape} takes {network.inputs} "
                                     f"number(s), got {len(inputs)}", list(inputs))
    if not targets:
        xor = article.xor_target(list(inputs)) if network.outputs == 1 else None
        if xor is None:
            raise ArgumentError("target", "required here: only the article's XOR table (2 inputs "
                                          "of 0 or 1 into 1 output) supplies a default target")
        return xor
    if len(targets) != network.outputs:
        raise ArgumentError("target", f"the network {network.shape} has {network.outputs} "
                                      f"output(s), got {len(targets)} number(s)", list(targets))
    return list(targets)


def train(network: Any = None, data: Any = None, epochs: Any = 10000,
          lr: Any = DEFAULT_LEARNING_RATE, convention: Any = DEFAULT_CONVENTION, slips: Any = (),
          loss: Any = DEFAULT_LOSS, shuffle: bool = False, seed: Any = None,
          trace: str | os.PathLike | None = None, every: Any = 1,
          progress: "Progress | None" = None, stop: "Stop | None" = None, batch_size: Any = 1,
          momentum: Any = 0.0, weight_decay: Any = 0.0, keep: Any = None,
          evaluator: Any = None) -> "TrainingResult":
    """Gradient descent on `data` (None: the article's XOR table; a CSV file's path; or
    (inputs, targets) pairs), one update per batch of `batch_size` samples (1: online, as
    the article; "all": full batch), with torch.optim.SGD's `momentum` and `weight_decay`;
    then the verdict. `network` is left untouched. Without `trace`, `keep` keeps at most
    that many evenly spaced steps, and every epoch's loss, in memory as `result.kept`
    (`keep` may be a function of the network, the settings and the samples per update
    that says how many). `evaluator` as step's."""
    from .train.loop import train as train_loop

    network = network_argument(network)
    settings = make_settings(lr, convention, slips, loss, batch_size, momentum, weight_decay)
    check_fits(settings, network)
    epochs, every = whole("epochs", epochs, 1), whole("every", every, 1)
    seed = None if seed is None else whole("seed", seed)
    if seed is not None and not shuffle:
        raise ArgumentError("seed", "only means something with shuffle=True", seed)
    if trace is not None and not isinstance(trace, (str, os.PathLike)):
        raise ArgumentError("trace", "expected the path of the file to write", trace)
    if progress is not None and not callable(progress):
        raise ArgumentError("progress", "expected a function of (epoch, loss)", progress)
    if stop is not None and not hasattr(stop, "requested"):
        raise ArgumentError("stop", "expected a Stop (nntrace.train.signals)", stop)
    evaluator = checked_evaluator(evaluator)
    arrays = (evaluator or evaluator_for(network, settings)) == NUMPY   # read for it, as arrays
    samples = checked_samples(settings, dataset(data, network, arrays))
    if callable(keep):
        keep = keep(network, settings, len(samples.samples) if settings.batch_size == ALL else settings.batch_size)
    keep = None if keep is None else whole("keep", keep, 1)
    return train_loop(network, samples, epochs, settings, bool(shuffle), seed, trace, every,
                      progress, stop, keep, evaluator)


def diff(expected: Trace | str | os.PathLike, actual: Trace | str | os.PathLike,
         rtol: Any = RTOL, atol: Any = ATOL, explain: bool = True) -> "DiffView":
    """Compare ACTUAL with EXPECTED; when they differ, say which known slip explains it."""
    from .check.compare import compare
    from .check.explain import explain as explain_traces
    from .views.diff import diff_view

    rtol, atol = non_negative("rtol", rtol), non_negative("atol", atol)
    want, got = trace_argument(expected, "EXPECTED"), trace_argument(actual, "ACTUAL")
    sources = tuple(str(t) if not isinstance(t, Trace) else name
                    for t, name in ((expected, "EXPECTED"), (actual, "ACTUAL")))
    comparison = compare(want, got, rtol, atol, sources)
    explanation = None
    if explain and not comparison.same and comparison.compared:
        explanation = explain_traces(want, got, rtol, atol)
    return diff_view(comparison, explanation)


def explain(expected: Trace | str | os.PathLike, actual: Trace | str | os.PathLike,
            rtol: Any = RTOL, atol: Any = ATOL) -> "Explanation":
    """Which known slip, pair of slips or precision reproduces ACTUAL."""
    from .check.explain import explain as explain_traces

    return explain_traces(trace_argument(expected, "EXPECTED"), trace_argument(actual, "ACTUAL"),
                          non_negative("rtol", rtol), non_negative("atol", atol))


def explore(trace: Trace | str | os.PathLike, against: Trace | str | os.PathLike | None = None,
            digits: Any = 7, rtol: Any = RTOL, atol: Any = ATOL, name: str | None = None,
            example: Any = None, every_value: bool = False) -> "ExploreView":
    """The page of a trace (step or train): its steps by column, thinned evenly when long;
    with `against`, a second trace's values beside them and where it first differs; with
    `example` (a worked-example file's path or an Example; default the article's), its
    printed figures beside the steps that are its own. `name`: what the page calls the
    trace (default: its file's path). A network too large to draw and wider than a screen
    is summarised as `step` summarises it, unless `every_value`."""
    from .check.example import Example, read_example
    from .views.explore import explore_view

    digits, rtol, atol = significant_digits(digits), non_negative("rtol", rtol), non_negative("atol", atol)
    if isinstance(example, (str, os.PathLike)):
        example = read_example(example)
    elif example is not None and not isinstance(example, Example):
        raise ArgumentError("example", "expected a worked-example file's path, an Example or None "
                                       "(the article's)", example)
    expected = trace_argument(trace, "TRACE")
    actual = None if against is None else trace_argument(against, "AGAINST")
    source = name or (str(trace) if not isinstance(trace, Trace) else "the trace")
    actual_source = "" if against is None else (str(against) if not isinstance(against, Trace) else "ACTUAL")
    return explore_view(expected, source, actual, actual_source, digits, rtol, atol, example, bool(every_value))


def check(example: Any = None) -> "CheckReport":
    """Judge a worked example figure by figure: None for the article's, a file's path, or an Example."""
    from .check.example import Example, built_in, read_example
    from .check.judge import check as judge_example

    if example is None:
        example = built_in()
    elif isinstance(example, (str, os.PathLike)):
        example = read_example(example)
    elif not isinstance(example, Example):
        raise ArgumentError("example", "expected a worked-example file's path, an Example or None "
                                       "(the article's)", example)
    return judge_example(example)


def example_template(network: Any = None, input: Any = article.INPUT, target: Any = None,
                     lr: Any = DEFAULT_LEARNING_RATE, loss: Any = DEFAULT_LOSS) -> dict:
    """A worked-example file to fill in: every trace name of the step, each figure "" (not printed)."""
    from .core.engine import value_names

    network = network_argument(network)
    settings = make_settings(lr, loss=loss)
    check_fits(settings, network)
    inputs = numbers("input", input)
    targets = sample_target(network, inputs, None if target is None else numbers("target", target))
    return {"format": "nntrace-example/1", "title": "", "source": "", "network": network.to_dict(),
            "input": inputs, "target": targets,
            "settings": {"learning_rate": settings.learning_rate, "loss": settings.loss}, "names": {},
            "figures": {name: "" for name in value_names(network, settings)}}


def show(network: Any = None) -> Network:
    """The network to draw, checked."""
    return network_argument(network)


# Arguments, each checked here into one line naming it.

def network_argument(network: Any) -> Network:
    if network is None:
        return article.network()
    if isinstance(network, (str, os.PathLike)):
        return load_network(network)
    if isinstance(network, Mapping):
        return Network.from_dict(dict(network), "network")
    if not isinstance(network, Network):
        raise ArgumentError("network", "expected a Network, a network file's path, a dict "
                                       "or None (the article's)", network)
    return network


def trace_argument(trace: Any, name: str) -> Trace:
    if isinstance(trace, Trace):
        return trace
    if isinstance(trace, (str, os.PathLike)):
        from .trace.read import read_trace

        return read_trace(trace)
    raise ArgumentError(name.lower(), "expected a Trace or a trace file's path", trace)


def numbers(name: str, values: Any) -> list[float]:
    """A list of finite numbers, from a list, a tuple, a NumPy array: anything but a string."""
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise ArgumentError(name, "expected a list of numbers, like [0, 1]", values)
    values = list(values)
    result = []
    for index, value in enumerate(values):
        if isinstance(value, (str, bytes)):
            hint = f" (write {float(value)!r}, without quotes)" if looks_like_number(value) else ""
            raise ArgumentError(name, f"item {index} ({short(value)}) is text, not a number{hint}", values)
        if isinstance(value, bool) or not hasattr(value, "__float__"):
            raise ArgumentError(name, f"item {index} ({short(value)}) is not a number", values)
        if not math.isfinite(float(value)):
            raise ArgumentError(name, f"item {index} ({short(value)}) is not a finite number", values)
        result.append(float(value))
    return result


def looks_like_number(text: str | bytes) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def whole(name: str, value: Any, least: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or (least is not None and value < least):
        at_least = f" of at least {least}" if least is not None else ""
        raise ArgumentError(name, f"expected a whole number{at_least}", value)
    return int(value)


def digits(value: Any) -> int:
    """Significant digits shown: 1 to 17 (a float64 has 17)."""
    if isinstance(value, bool) or not isinstance(value, Integral) or not 1 <= value <= 17:
        raise ArgumentError("digits", "expected a whole number from 1 to 17", value)
    return int(value)


significant_digits = digits   # for a function whose own argument is called digits


def dataset(data: Any, network: Network, arrays: bool = False) -> "Dataset":
    """None (the XOR table), a CSV file's path, or (inputs, targets) pairs; with `arrays`
    (a run of the vectorised evaluator), a file's plain numbers also as arrays."""
    from .train.data import Dataset, Sample, training_data

    if data is None or isinstance(data, (str, os.PathLike)):
        return training_data(network, data, arrays)
    if not isinstance(data, Iterable):
        raise ArgumentError("data", "expected None, a CSV file's path or (inputs, targets) pairs", data)
    samples = []
    for row, pair in enumerate(data):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ArgumentError(f"data[{row}]", "expected a pair (inputs, targets)", pair)
        inputs, targets = numbers(f"data[{row}] inputs", pair[0]), numbers(f"data[{row}] targets", pair[1])
        if len(inputs) != network.inputs or len(targets) != network.outputs:
            raise NntraceError(f"data[{row}]: the network {network.shape} takes {network.inputs} "
                               f"input(s) and {network.outputs} target(s), got {len(inputs)} and "
                               f"{len(targets)}")
        samples.append(Sample(tuple(inputs), tuple(targets)))
    if not samples:
        raise ArgumentError("data", "no samples")
    return Dataset(tuple(samples), "samples given in Python")
