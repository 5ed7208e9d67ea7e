"""Training: online gradient descent over a data set, epoch after epoch.

One iteration is one sample forward, backward and update (`Engine.step_converted`); one
epoch is every sample once, in file order unless shuffled. The loop never renders: it
hands each epoch's loss to an optional callback, streams every K-th iteration to a JSON
Lines trace, and stops cleanly between iterations when asked to (Ctrl-C). What the run
reached is judged in verdict.py.
"""

from __future__ import annotations

import copy
import decimal
import math
import os
import random
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from .compiled import compiled_step, recorded_names
from .conventions import make_convention
from .data import Dataset, Sample
from .engine import Engine
from .errors import NntraceError, NonFiniteError
from .network import Network
from .run import check_finite
from .trace import JsonlTraceWriter, Recorder, Trace, finite_or_none, sample_fields
from .verdict import SampleResult, Verdict, classified_right, judge

Progress = Callable[[int, float], None]   # (epochs done, that epoch's loss)

# Arithmetic that gives up instead of producing inf/NaN (decimal traps, math.exp).
ARITHMETIC_ERRORS = (decimal.Overflow, decimal.InvalidOperation, OverflowError)


class Stop:
    """A flag the loop reads once per iteration; set it to stop at the end of the current one."""

    requested = False
    signum: int | None = None   # the signal that asked, when one did


class Interrupted(KeyboardInterrupt):
    """A second stop signal: stop at once. Names the signal, for the exit status (128 + it)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


# Ctrl-C, `kill`/`timeout` (SIGTERM) and a closed terminal (SIGHUP) all stop a run the same way.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


@contextmanager
def interruptible() -> Iterator[Stop]:
    """While inside, the first SIGINT (Ctrl-C), SIGTERM or SIGHUP sets `stop.requested` and
    `stop.signum`; a second one raises Interrupted at once. A signal ignored on entry (as
    under nohup) stays ignored."""
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop   # signal handlers can only be installed from the main thread
        return
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    caught = [signum for signum, handler in previous.items() if handler is not signal.SIG_IGN]

    def at_once(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    def request(signum: int, frame: Any) -> None:
        stop.requested, stop.signum = True, signum
        for each in caught:
            signal.signal(each, at_once)

    for signum in caught:
        signal.signal(signum, request)
    try:
        yield stop
    finally:
        for signum in caught:
            restore_handler(signum, previous[signum])


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Stop signals that arrive inside are held until it ends, then handled as they would
    have been, so a file being closed (a trace of many megabytes, say) is renamed into
    place whole rather than left behind as a temporary file."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(signum, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            restore_handler(signum, handler)
        for signum in held:
            handler = signal.getsignal(signum)   # as it is now: an earlier one may change it
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), signum)


def restore_handler(signum: int, handler: Any) -> None:
    """Put a handler back; None (one not set from Python) becomes Python's own default."""
    if handler is None:
        handler = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
    signal.signal(signum, handler)


class LossCurve:
    """The loss of every epoch, in at most `capacity` points: memory stays flat however long
    the run. When full, neighbouring points merge, so each point is the mean of `width` epochs."""

    def __init__(self, capacity: int = 1000):
        self.capacity = capacity - capacity % 2
        self.points: list[float] = []
        self.width = 1
        self.epochs = 0
        self.first: float | None = None
        self.last: float | None = None
        self._sum = 0.0
        self._count = 0

    def add(self, loss: float) -> None:
        if self.first is None:
            self.first = loss
        self.last = loss
        self.epochs += 1
        self._sum += loss
        self._count += 1
        if self._count == self.width:
            self.points.append(self._sum / self.width)
            self._sum, self._count = 0.0, 0
            if len(self.points) == self.capacity:
                self.points = [(a + b) / 2 for a, b in zip(self.points[::2], self.points[1::2])]
                self.width *= 2

    def series(self) -> list[tuple[float, float]]:
        """(epoch, loss) pairs, each point placed at the middle of the epochs it averages."""
        pairs = [(i * self.width + (self.width + 1) / 2, loss) for i, loss in enumerate(self.points)]
        if self._count:
            start = len(self.points) * self.width
            pairs.append((start + (self._count + 1) / 2, self._sum / self._count))
        return pairs


@dataclass
class TrainingResult:
    """What a run reached: the weights, the loss curve, each sample's output and the verdict."""

    start: Network
    network: Network                  # the weights reached (the last finite ones if it diverged)
    convention: str                   # its label: exact, article, exact + wrong-sign
    learning_rate: float
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

    def to_dict(self) -> dict[str, Any]:
        """The `--json` summary."""
        return {
            "format": "nntrace-training/1",
            "convention": self.convention,
            "learning_rate": self.learning_rate,
            "data": self.data,
            "shuffle_seed": self.seed,
            "epochs": self.epochs,
            "epochs_run": self.epochs_run,
            "iterations": self.iterations,
            "stopped": self.stopped,
            "problem": str(self.problem) if self.problem else None,
            "loss_first_epoch": self.curve.first,
            "loss_last_epoch": self.curve.last,
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


def train(network: Network, data: Dataset, epochs: int, learning_rate: float = 0.001,
          convention: str = "exact", slips: Sequence[str] = (), shuffle: bool = False,
          seed: int | None = None, trace: str | Path | None = None, every: int = 1,
          progress: Progress | None = None, stop: Stop | None = None) -> TrainingResult:
    """Train `network` (left untouched) on `data` for `epochs` epochs of online gradient descent.

    `trace`, a .jsonl path, receives every `every`-th iteration as it is computed, and is
    closed whole however the run ends. A run that produces a value that is not finite stops
    there and keeps the last finite weights; `result.problem` names the iteration and value.
    """
    if epochs < 1 or every < 1 or not data.samples:
        raise NntraceError(f"train: needs at least 1 epoch (got {epochs}), every >= 1 (got {every}) "
                           f"and a sample (got {len(data.samples)})")
    chosen = make_convention(convention, tuple(slips))
    if shuffle and seed is None:
        seed = random.randrange(2**32)   # drawn here so the run can be told and repeated
    engine = Engine(network, chosen)
    lr = chosen.number(learning_rate)
    samples = [(engine.convert(s.inputs), engine.convert(s.targets), s) for s in data.samples]
    writer = None
    if trace is not None:
        header = Trace(chosen.name, learning_rate, network, list(chosen.slips),
                       extra={"data": data.source, "epochs": epochs, "every": every,
                              "shuffle_seed": seed if shuffle else None})
        writer = JsonlTraceWriter(trace, header)
    stop = stop or Stop()
    curve = LossCurve()
    iteration = traced = 0
    # Iteration numbers to record are every-th ones; 0 never comes, so untraced runs skip it.
    next_record = every if writer is not None else 0
    loss = engine.zero
    non_finite = False
    started = time.perf_counter()
    try:
        try:
            # Inside the try: whatever goes wrong from here on discards the trace's temporary file.
            # Untraced iterations take the compiled step when there is one: the same numbers, faster.
            step = compiled_step(engine) or engine.step_converted
            record_step = write_step(engine, writer, lr)
            for epoch, order in zip(range(1, epochs + 1), epoch_orders(samples, shuffle, seed)):
                # Where a replay to name a non-finite value starts: copied once an epoch.
                snapshot = copied(engine.weights, engine.biases)
                total = engine.zero
                for x, t, sample in order:
                    iteration += 1
                    if iteration == next_record:
                        next_record += every
                        traced += 1
                        loss = record_step(x, t, sample, iteration, epoch)
                    else:
                        loss = step(x, t, lr)
                    total += loss
                    # loss - loss is 0 for a finite loss, NaN (which is true) for inf or NaN.
                    if loss - loss or stop.requested:
                        break
                else:
                    mean = float(total) / len(samples)
                    if mean - mean == 0.0:   # else a Decimal run went beyond float range
                        curve.add(mean)
                        if progress is not None:
                            progress(epoch, mean)
                        continue
                break
            non_finite = bool(loss - loss) or not math.isfinite(float(total))
            if not non_finite:
                engine.check_finite(iteration)   # the last update may have overflowed a weight
        except (NonFiniteError, *ARITHMETIC_ERRORS):
            non_finite = True
        seconds = time.perf_counter() - started
        if writer is not None:
            with signals_deferred():   # a second signal now waits until the trace is whole
                writer.close()
    except BaseException:   # a second signal, or a bug: no temporary file is left behind
        if writer is not None:
            with signals_deferred():
                writer.discard()
        raise

    problem = None
    if non_finite:
        if all_finite(snapshot):   # from the start of the epoch under way
            start, orders = snapshot, iter([order])
        else:   # a weight overflowed in an earlier epoch while the loss stayed finite: from the start
            fresh = Engine(network, chosen)
            start, orders = (fresh.weights, fresh.biases), epoch_orders(samples, shuffle, seed)
            epoch, curve = 1, LossCurve()
        evaluator, iteration, problem = replay_to_first_non_finite(
            engine, start, orders, lr, epoch, (epoch - 1) * len(samples), iteration, stop, curve)
        reached = evaluator.network()
    else:
        reached, evaluator = engine.network(), engine
    stopped = "non-finite" if problem else ("interrupted" if stop.requested else None)
    results, final_loss = evaluate(evaluator, samples, data.samples)
    return TrainingResult(
        start=network.copy(), network=reached, convention=chosen.label,
        learning_rate=learning_rate, data=data.source, epochs=epochs,
        epochs_run=curve.epochs,
        iterations=iteration, curve=curve, samples=results, final_loss=final_loss,
        verdict=judge(results, curve, problem), seconds=seconds,
        seed=seed if shuffle else None, stopped=stopped, problem=problem, traced=traced)


def write_step(engine: Engine, writer: JsonlTraceWriter | None, lr) -> Callable | None:
    """A step that also writes its values to the trace: compiled when it can be, else the
    engine with the writer as its recorder. Both write the same line."""
    if writer is None:
        return None
    compiled = compiled_step(engine, record=True)
    if compiled is None:
        def step(x, t, sample: Sample, iteration: int, epoch: int):
            writer.begin_step(sample.inputs, sample.targets, iteration, epoch)
            loss = engine.step_converted(x, t, lr, writer.record)
            writer.end_step()
            return loss
        return step
    names = recorded_names(engine)
    fields: dict[int, str] = {}   # by id(sample): samples live as long as the run

    def step(x, t, sample: Sample, iteration: int, epoch: int):
        loss, values = compiled(x, t, lr)
        text = fields.get(id(sample))
        if text is None:
            text = fields[id(sample)] = sample_fields(sample.inputs, sample.targets)
        writer.write_values(iteration, epoch, text, names, values)
        return loss
    return step


def epoch_orders(samples: list, shuffle: bool, seed: int | None) -> Iterator[list]:
    """The samples of each epoch in the order they are used: file order, or shuffled by `seed`."""
    order = list(samples)
    rng = random.Random(seed) if shuffle else None
    while True:
        if rng is not None:
            rng.shuffle(order)
        yield order


def copied(weights: list, biases: list | None) -> tuple[list, list | None]:
    """A copy of an engine's weights and biases, in its own number type (no rounding)."""
    return ([[row[:] for row in matrix] for matrix in weights],
            None if biases is None else [layer[:] for layer in biases])


def all_finite(weights_and_biases: tuple[list, list | None]) -> bool:
    weights, biases = weights_and_biases
    rows = [row for matrix in weights for row in matrix] + list(biases or ())
    return all(math.isfinite(value) for row in rows for value in row)


def replay_to_first_non_finite(engine: Engine, start: tuple[list, list | None], orders: Iterator[list],
                               lr, first_epoch: int, done: int, until: int, stop: Stop,
                               curve: LossCurve) -> tuple[Engine, int, NonFiniteError]:
    """The rare path: run again from `start` (the weights and biases at the start of epoch
    `first_epoch`, after `done` iterations; `orders` the samples of it and the epochs after),
    recording every value, to find the first iteration whose values are not all finite
    numbers (as floats: a Decimal beyond float range counts). Epochs it completes go on
    `curve`. Returns an engine holding the weights before that iteration, the iterations
    completed, and the error naming the iteration and the first non-finite value in
    computation order. A stop asked for during the replay ends it at the end of the
    iteration under way, on weights known finite, with an error that says so."""
    engine = copy.deepcopy(engine)
    engine.weights, engine.biases = copied(*start)
    recorder = Recorder()
    asked_before = stop.requested   # the stop that ended the run, if one did, is no reason to give up
    iteration = done
    for epoch, order in enumerate(orders, first_epoch):
        total = engine.zero
        for x, t, sample in order:
            before = copied(engine.weights, engine.biases)
            iteration += 1
            recorder.trace.steps.clear()
            recorder.begin_step(sample.inputs, sample.targets, iteration, epoch)
            where = f"iteration {iteration} (epoch {epoch})"
            try:
                total += engine.step_converted(x, t, lr, recorder.record)
                check_finite(recorder.trace)
                engine.check_finite(iteration)
            except ARITHMETIC_ERRORS:
                engine.weights, engine.biases = before
                return engine, iteration - 1, NonFiniteError(
                    f"{where}: a value grew beyond what the arithmetic can hold", iteration=iteration)
            except NonFiniteError as error:
                engine.weights, engine.biases = before
                message = str(error).replace(f"iteration {iteration}:", f"{where}:")
                return engine, iteration - 1, NonFiniteError(message, error.name, iteration)
            if iteration >= until:
                # Every value finite, yet the epoch's summed loss overflowed a float.
                return engine, iteration, NonFiniteError(
                    f"{where}: the epoch's summed loss is beyond a float's range", "loss", iteration)
            if stop.requested and not asked_before:
                return engine, iteration, NonFiniteError(
                    f"a value stopped being finite by iteration {until}; interrupted at the end of "
                    f"{where} while looking for the first one", iteration=until)
        curve.add(float(total) / len(order))
    raise AssertionError("unreachable: the run found a non-finite value by iteration `until`")


def evaluate(engine: Engine, samples: list, originals: Sequence[Sample]) -> tuple[list[SampleResult], float]:
    """Each sample's outputs under the engine's current weights (a copy stepped at rate 0)."""
    last = engine.names[-1]
    probe = copy.deepcopy(engine)   # at rate 0 its weights stay as they are
    values: dict[str, Any] = {}
    outputs, losses = [], []
    for x, t, _ in samples:
        values.clear()
        try:
            losses.append(float(probe.step_converted(x, t, probe.zero, values.__setitem__)))
            outputs.append(tuple(float(values[n.out]) for n in last))
        except ARITHMETIC_ERRORS:
            losses.append(math.nan)
            outputs.append(tuple(math.nan for _ in last))
    kinds = [sorted({s.targets[k] for s in originals}) for k in range(len(last))]   # per output
    results = []
    for sample, out in zip(originals, outputs):
        right = all(classified_right(out[k], sample.targets[k], kinds[k]) for k in range(len(out)))
        results.append(SampleResult(sample.inputs, sample.targets, out, right))
    return results, sum(losses) / len(losses)
