"""The step a training run takes for each update: the vectorised engine's function for a
large network, compiled when it can be (floats, or decimals with their carry rule), else
the engine; untraced, traced into the JSON Lines trace, or recorded for a replay. An
update is one sample (x, t, Sample) online, or a batch (xs, ts, [Sample]) otherwise."""

from __future__ import annotations

from typing import Any, Callable

from ..core import names as N
from ..core.compiled import compiled_step
from ..core.engine import Engine
from ..fast import NUMPY
from ..trace import JsonlTraceWriter, Recorder
from ..trace.recorder import TraceCollector

Writer = JsonlTraceWriter | TraceCollector   # where a run's traced steps go: a file, or memory

RATES = (N.LEARNING_RATE, N.MOMENTUM, N.WEIGHT_DECAY)   # the run's constants, in the compiled step's order


def compiled(engine: Engine, record: bool = False) -> Callable | None:
    """The engine's step compiled (floats, or decimals with their carry rule), or None."""
    return compiled_step(engine.program, record, engine.numbers, engine.arithmetic.carry)


def fast_step(engine: Engine) -> Callable:
    """`step(state, x, t, lr, momentum, weight_decay) -> loss` (a batch's: xs, ts -> the sum of
    its losses): the vectorised engine's own, compiled when it can be, else the engine.
    Run it under `engine.quiet()`."""
    if engine.evaluator == NUMPY:
        return engine.fast_step()
    step = compiled(engine)
    if step is not None:
        return step
    if engine.settings.online:
        return lambda state, x, t, *rates: engine.step_converted(x, t)
    return lambda state, xs, ts, *rates: engine.step_batch(xs, ts)


def recorded_update(engine: Engine, recorder: Recorder, unit: tuple, iteration: int, epoch: int,
                    before: bool = False) -> Any:
    """One update, every value of it handed to the recorder (a Recorder or a trace writer);
    with `before`, first the weights, biases and velocities as the update finds them."""
    x, t, sample = unit
    if engine.settings.online:
        recorder.begin_step(sample.inputs, sample.targets, iteration, epoch)
    else:
        recorder.begin_batch([s.inputs for s in sample], [s.targets for s in sample], iteration, epoch)
    if before:
        recorder.record_before(engine.state_by_name())
    if engine.settings.online:
        loss = engine.step_converted(x, t, recorder.record)
    else:
        loss = engine.step_batch(x, t, recorder.record)
    recorder.end_step()
    return loss


def traced_step(engine: Engine, writer: Writer | None, before: bool = False) -> Callable | None:
    """A step that also writes its values to the trace: the vectorised engine's, compiled
    when it can be, else the engine with the writer as its recorder. All write the same
    line. With `before` (a run traced every K-th iteration), each traced step also holds the
    state it began from. Run it under `engine.quiet()`."""
    if writer is None:
        return None
    if engine.evaluator == NUMPY and engine.settings.online:
        return writing(engine, writer, engine.names(0), engine.traced, before)
    step = None if engine.evaluator == NUMPY else compiled(engine, record=True)
    if step is None:
        return lambda x, t, sample, iteration, epoch: recorded_update(
            engine, writer, (x, t, sample), iteration, epoch, before)
    state, rates = engine.state, [engine.rates[name] for name in RATES]
    return writing(engine, writer, engine.program.names, lambda x, t: step(state, x, t, *rates), before)


def writing(engine: Engine, writer: Writer, names: list[str], step: Callable[[Any, Any], tuple],
            before: bool) -> Callable:
    """`step(x, t) -> (loss, values in the order of names)` writing its line of the trace
    (with `before`, the state the step began from)."""
    heads: dict[int, Any] = {}   # by id(sample): samples live as long as the run

    def traced(x, t, sample, iteration: int, epoch: int):
        prior = engine.state_by_name() if before else None
        loss, values = step(x, t)
        head = heads.get(id(sample))
        if head is None:
            head = heads[id(sample)] = writer.sample_head(sample.inputs, sample.targets)
        writer.write_values(iteration, epoch, head, names, values, prior)
        return loss
    return traced
