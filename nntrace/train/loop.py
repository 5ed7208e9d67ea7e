"""Training: gradient descent over a data set, epoch after epoch.

One iteration is one update, exactly as `step` computes it: from one sample (online, the
article's) or from a batch of them, with torch.optim.SGD's momentum and weight decay; one
epoch is every sample once, in file order unless shuffled. The loop never renders:
it hands each epoch's loss to an optional callback, streams every K-th iteration to a
JSON Lines trace, and stops cleanly between iterations when asked to (Ctrl-C). What the
run reached is judged in verdict.py.
"""

from __future__ import annotations

import decimal
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from ..core.activations import ACTIVATIONS
from ..core.engine import Engine   # or nntrace.fast's VectorEngine, which has its methods
from ..core.network import Network
from ..core.settings import ALL, Settings
from ..errors import NntraceError, NonFiniteError
from ..fast import NUMPY, new_engine
from ..trace import JsonlTraceWriter, Recorder, Trace, finite_or_none
from ..trace.recorder import TraceCollector
from ..trace.model import first_non_finite
from .steps import RATES, fast_step, recorded_update, traced_step
from .curve import LossCurve
from .data import Dataset
from .signals import Interrupted, Stop, signals_deferred
from .verdict import SampleResult, Verdict, classified, judge

Progress = Callable[[int, float], None]   # (epochs done, that epoch's loss)

# Arithmetic that gives up instead of producing inf/NaN (decimal traps, math.exp).
ARITHMETIC_ERRORS = (decimal.Overflow, decimal.InvalidOperation, OverflowError)


@dataclass
class TrainingResult:
    """What a run reached: the weights, the loss curve, each sample's output and the verdict."""

    start: Network
    network: Network                  # the weights reached (the last finite ones if it diverged)
    settings: Settings
    data: str
    epochs: int                       # asked for
    epochs_run: int                   # completed
    iterations: int                   # whose updates `network` holds
    curve: LossCurve
    samples: list[SampleResult]
    final_loss: float                 # mean loss over the data under the final weights
    verdict: Verdict
    seconds: float
    seed: int | None = None           # the shuffle's seed, None when in file order
    stopped: str | None = None        # None, "interrupted" or "non-finite"
    problem: NonFiniteError | None = None
    traced: int = 0                   # iterations written to the trace
    kept: Trace | None = None         # with `keep` and no trace file: the steps kept in memory
    evaluator: str = "python"         # which computed it, as a trace header names it

    def to_dict(self) -> dict[str, Any]:
        """The `--json` summary."""
        return {
            "format": "nntrace-training/1", **self.settings.header(), "evaluator": self.evaluator,
            "data": self.data,
            "shuffle_seed": self.seed, "epochs": self.epochs, "epochs_run": self.epochs_run,
            "iterations": self.iterations, "stopped": self.stopped,
            "problem": str(self.problem) if self.problem else None,
            "loss_first_epoch": self.curve.first, "loss_last_epoch": self.curve.last,
            "final_loss": finite_or_none(self.final_loss),
            "loss_curve": {"epochs_per_point": self.curve.width,
                           "points": [loss for _, loss in self.curve.series()]},
            "samples": [{"input": list(s.inputs), "target": list(s.targets),
                         "output": [finite_or_none(o) for o in s.outputs], "right": s.right}
                        for s in self.samples],
            **self.verdict.to_dict(),
            "seconds": round(self.seconds, 3),
            "network": self.network.to_dict(),
        }


def train(network: Network, data: Dataset, epochs: int, settings: Settings = Settings(),
          shuffle: bool = False, seed: int | None = None, trace: str | Path | None = None,
          every: int = 1, progress: Progress | None = None, stop: Stop | None = None,
          keep: int | None = None, evaluator: str | None = None) -> TrainingResult:
    """Train `network` (left untouched) on `data` for `epochs` epochs of gradient descent
    (online, or in the settings' batches).

    `trace`, a .jsonl path, receives every `every`-th iteration as it is computed, and each
    epoch's loss, and is closed whole however the run ends. Without it, `keep` keeps about
    that many evenly spaced iterations in memory instead, as `result.kept`. A run that
    produces a value that is not finite stops there and keeps the last finite weights;
    `result.problem` names the iteration and value. `evaluator`: "python" or "numpy"; None
    chooses by the network's size (nntrace.fast).
    """
    if epochs < 1 or every < 1 or not data.samples:
        raise NntraceError(f"train: needs at least 1 epoch (got {epochs}), every >= 1 (got {every}) "
                           f"and a sample (got {len(data.samples)})")
    if shuffle and seed is None:
        seed = random.randrange(2**32)   # drawn here so the run can be told and repeated
    run = Run(new_engine(network, settings, evaluator), data, seed if shuffle else None, stop or Stop())
    writer: JsonlTraceWriter | TraceCollector | None = None
    if trace is None and keep:
        every = max(1, -(-epochs * run.updates_per_epoch // keep))   # at most `keep` steps, evenly
    header = Trace(settings, network, evaluator=run.engine.evaluator,
                   extra={"data": data.source, "epochs": epochs, "every": every, "shuffle_seed": run.seed})
    if trace is not None:
        writer = JsonlTraceWriter(trace, header)
    elif keep:
        writer = TraceCollector(header)
    started = time.perf_counter()
    try:
        with run.engine.quiet():
            problem = run.held(epochs, writer, every, progress)
        seconds = time.perf_counter() - started
        result = run.result(network, epochs, problem, seconds)
        if writer is not None:
            with signals_deferred():   # a second signal now waits until the trace is whole
                writer.close()
    except Interrupted as stopped:   # a second signal: at once, but the lines so far are a trace
        if writer is not None:
            with signals_deferred():
                writer.close()
        stopped.network, stopped.traced = run.reached(), run.traced
        raise
    except BaseException:   # a bug: no temporary file is left behind
        if writer is not None:
            with signals_deferred():
                writer.discard()
        raise
    result.kept = writer.trace if isinstance(writer, TraceCollector) else None
    return result


class Run:
    """A training run under way: the engine, the samples in its number type, and how far it got."""

    def __init__(self, engine: Engine, data: Dataset, seed: int | None, stop: Stop):
        self.engine, self.data, self.seed, self.stop = engine, data, seed, stop
        if data.arrays is not None and engine.evaluator == NUMPY:   # read as arrays already
            inputs, targets = list(data.arrays[0]), list(data.arrays[1])
        else:
            inputs, targets = (engine.convert_all([getattr(s, what) for s in data.samples])
                               for what in ("inputs", "targets"))
        self.samples = list(zip(inputs, targets, data.samples))
        self.curve = LossCurve()
        self.iteration = self.traced = self.epoch = 0
        self.order: list = []
        self.snapshot: list = engine.snapshot()   # the weights at the start of the epoch under way

    @property
    def updates_per_epoch(self) -> int:
        size = self.engine.settings.batch_size
        return -(-len(self.samples) // (len(self.samples) if size == ALL else size))

    def orders(self) -> Iterator[list]:
        """Each epoch's updates, in order: a sample each (online), or a batch each."""
        size = self.engine.settings.batch_size
        size = len(self.samples) if size == ALL else size
        for order in epoch_orders(self.samples, self.seed):
            yield order if self.engine.settings.online else batches(order, size)

    def epochs(self, count: int, writer: JsonlTraceWriter | None, every: int,
               progress: Progress | None) -> bool:
        """Run up to `count` epochs; True when a value stopped being finite."""
        engine, stop, curve, state = self.engine, self.stop, self.curve, self.engine.state
        lr, momentum, decay = (engine.rates[name] for name in RATES)
        step = fast_step(engine)
        # Traced every K-th iteration, a step's weights before its update are not in the trace.
        record_step = traced_step(engine, writer, before=every > 1)
        next_record = every if writer is not None else 0   # 0 never comes: untraced runs skip it
        iteration, loss, total, size = 0, engine.numbers.zero, engine.numbers.zero, len(self.samples)
        try:
            for epoch, order in zip(range(1, count + 1), self.orders()):
                self.epoch, self.order, self.snapshot = epoch, order, engine.snapshot()
                total = engine.numbers.zero
                # An update: a sample (x, t, Sample) online, a batch (xs, ts, Samples) otherwise.
                for x, t, sample in order:
                    iteration += 1
                    if iteration == next_record:
                        next_record += every
                        self.traced += 1
                        loss = record_step(x, t, sample, iteration, epoch)
                    else:
                        loss = step(state, x, t, lr, momentum, decay)   # a batch's: the sum
                    total += loss
                    # loss - loss is 0 for a finite loss, NaN (which is true) for inf or NaN.
                    if loss - loss or stop.requested:
                        break
                # A value not finite, or a stop within the epoch: it is not complete.
                if loss - loss or iteration != epoch * len(order):
                    break
                mean = float(total) / size   # the mean of the samples' losses
                if mean - mean != 0.0:   # a Decimal run went beyond float range
                    break
                curve.add(mean)
                if writer is not None:
                    writer.write_epoch(epoch, mean)
                stopped = stop.requested   # during the epoch's last update: complete, and the end
                if progress is not None:
                    progress(epoch, mean)
                if stopped:
                    break
            non_finite = bool(loss - loss) or not math.isfinite(float(total))
            if not non_finite:
                engine.check_finite(iteration)   # the last update may have overflowed a weight
            return non_finite
        except (NonFiniteError, *ARITHMETIC_ERRORS):
            return True
        finally:
            self.iteration = iteration

    def held(self, epochs: int, writer: JsonlTraceWriter | None, every: int,
             progress: Progress | None) -> NonFiniteError | None:
        """The epochs, and the search for a value that stopped being finite, with a second
        signal held until the update under way ends (then raised as Interrupted); the first
        non-finite value, if one was found."""
        self.stop.hold = True
        try:
            non_finite = self.epochs(epochs, writer, every, progress)
            problem = self.find_non_finite() if non_finite and not self.stop.at_once else None
        finally:
            self.stop.hold = False
        if self.stop.at_once:
            raise Interrupted(self.stop.at_once)
        return problem

    def reached(self) -> Network | None:
        """The weights the engine holds, if every one is a finite number (for --save)."""
        try:
            finite = self.engine.finite(self.engine.state)
        except (ArithmeticError, TypeError, ValueError):
            finite = False
        return self.engine.network() if finite else None

    def result(self, network: Network, epochs: int, problem: NonFiniteError | None,
               seconds: float) -> TrainingResult:
        stopped = "non-finite" if problem else ("interrupted" if self.stop.requested else None)
        results, final_loss = evaluate(self.engine, self.samples)
        return TrainingResult(
            start=network.copy(), network=self.engine.network(), settings=self.engine.settings,
            data=self.data.source, epochs=epochs, epochs_run=self.curve.epochs,
            iterations=self.iteration, curve=self.curve, samples=results, final_loss=final_loss,
            verdict=judge(results, self.curve, problem), seconds=seconds, seed=self.seed,
            stopped=stopped, problem=problem, traced=self.traced, evaluator=self.engine.evaluator)

    def find_non_finite(self) -> NonFiniteError:
        """Replay, recording every value, to name the first that is not finite; leave the
        engine on the last finite weights. From the start of the epoch under way, or from
        the very start if a weight overflowed earlier while the loss stayed finite."""
        until, engine = self.iteration, self.engine
        if engine.finite(self.snapshot):
            engine.state[:] = self.snapshot
            orders: Iterator[list] = iter([self.order])
            done = (self.epoch - 1) * len(self.order)   # updates an epoch
        else:
            engine.state[:] = engine.fresh_state()
            orders, done, self.epoch, self.curve = self.orders(), 0, 1, LossCurve()
        self.iteration, problem = replay_to_first_non_finite(
            engine, orders, self.epoch, done, until, self.stop, self.curve)
        return problem


def batches(order: list, size: int) -> list[tuple[list, list, list]]:
    """The epoch's samples in batches of `size` (the last may be short): (xs, ts, samples)."""
    found = []
    for start in range(0, len(order), size):
        chunk = order[start:start + size]
        found.append(([x for x, _, _ in chunk], [t for _, t, _ in chunk], [s for _, _, s in chunk]))
    return found


def epoch_orders(samples: list, seed: int | None) -> Iterator[list]:
    """The samples of each epoch in the order they are used: file order, or shuffled by `seed`."""
    order = list(samples)
    rng = random.Random(seed) if seed is not None else None
    while True:
        if rng is not None:
            rng.shuffle(order)
        yield order


def replay_to_first_non_finite(engine: Engine, orders: Iterator[list], first_epoch: int, done: int,
                               until: int, stop: Stop, curve: LossCurve) -> tuple[int, NonFiniteError]:
    """The rare path: from the engine's weights (those at the start of epoch `first_epoch`,
    after `done` updates; `orders` the updates of it and the epochs after), record every
    value up to the first update whose values are not all finite numbers (as floats: a
    Decimal beyond float range counts). Epochs it completes go on `curve`. Leaves the engine
    on the weights before that update; returns the updates completed and the error naming
    the iteration and the first non-finite value in computation order. A stop asked for
    during the replay ends it at the end of the update under way, on finite weights."""
    asked_before = stop.requested   # the stop that ended the run, if one did, is no reason to give up
    iteration, size = done, None
    for epoch, order in enumerate(orders, first_epoch):
        total = engine.numbers.zero
        for unit in order:
            before, iteration = engine.snapshot(), iteration + 1
            where = f"iteration {iteration} (epoch {epoch})"
            loss, problem = replay_one(engine, unit, iteration, epoch, where)
            if problem is not None:
                engine.state[:] = before
                return iteration - 1, problem
            total += loss
            if iteration >= until:
                # Every value finite, yet the epoch's summed loss overflowed a float.
                return iteration, NonFiniteError(
                    f"{where}: the epoch's summed loss is beyond a float's range", "loss", iteration)
            if (stop.requested and not asked_before) or stop.at_once:
                return iteration, NonFiniteError(
                    f"a value stopped being finite by iteration {until}; interrupted at the end of "
                    f"{where} while looking for the first one", iteration=until)
        size = sum(len(unit[2]) if isinstance(unit[2], list) else 1 for unit in order)
        curve.add(float(total) / size)
    raise AssertionError("unreachable: the run found a non-finite value by iteration `until`")


def replay_one(engine: Engine, unit: tuple, iteration: int, epoch: int,
               where: str) -> tuple[Any, NonFiniteError | None]:
    """One recorded update of the replay: its loss (a batch's: the sum), and the error
    naming its first non-finite value, if any."""
    recorder = Recorder()
    try:
        loss = recorded_update(engine, recorder, unit, iteration, epoch)
        first_non_finite(recorder.trace)
        engine.check_finite(iteration)
    except ARITHMETIC_ERRORS:
        return None, NonFiniteError(f"{where}: a value grew beyond what the arithmetic can hold",
                                    iteration=iteration)
    except NonFiniteError as error:
        message = str(error).replace(f"iteration {iteration}:", f"{where}:")
        return None, NonFiniteError(message, error.name, iteration)
    return loss, None


def forward_passes(engine: Engine, samples: Sequence) -> tuple[list[tuple[float, ...]], list[float]]:
    """Each sample's outputs and loss; NaN where the arithmetic gave up (a Decimal overflow)."""
    outputs, losses = [], []
    for x, t, _ in samples:
        try:
            out, loss = engine.outputs(x, t)
            outputs.append(tuple(float(o) for o in out))
            losses.append(float(loss))
        except ARITHMETIC_ERRORS:
            losses.append(math.nan)
            outputs.append(tuple(math.nan for _ in t))
    return outputs, losses


def evaluate(engine: Engine, samples: Sequence) -> tuple[list[SampleResult], float]:
    """Each sample's outputs under the engine's current weights (a forward pass only), and
    whether it is classified right; the vectorised engine judges all at once, as arrays."""
    originals = [sample for _, _, sample in samples]
    one_class = ACTIVATIONS[engine.network_shape.activations[-1]].of_layer   # softmax: a class per output
    if engine.evaluator == NUMPY:
        outputs, losses, rights = engine.evaluate_all([x for x, _, _ in samples], [t for _, t, _ in samples],
                                                      one_class)
    else:
        outputs, losses = forward_passes(engine, samples)
        rights = classified(outputs, [s.targets for s in originals], one_class)
    results = [SampleResult(sample.inputs, sample.targets, out, right)
               for sample, out, right in zip(originals, outputs, rights)]
    return results, sum(losses) / len(losses)
