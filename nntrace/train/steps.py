"""The step a training run takes for each update: compiled when the math is plain floats,
else the engine; untraced, traced into the JSON Lines trace, or recorded for a replay.
An update is one sample (x, t, Sample) online, or a batch (xs, ts, [Sample]) otherwise."""

from __future__ import annotations

from typing import Any, Callable

from ..core import names as N
from ..core.compiled import compiled_step
from ..core.engine import Engine
from ..trace import JsonlTraceWriter, Recorder
from ..trace.recorder import TraceCollector

Writer = JsonlTraceWriter | TraceCollector   # where a run's traced steps go: a file, or memory

RATES = (N.LEARNING_RATE, N.MOMENTUM, N.WEIGHT_DECAY)   # the run's constants, in the compiled step's order


def compiled(engine: Engine, record: bool = False) -> Callable | None:
    """The engine's step compiled (floats, or decimals with their carry rule), or None."""
    return compiled_step(engine.program, record, engine.numbers, engine.arithmetic.carry)


def fast_step(engine: Engine) -> Callable:
    """`step(state, x, t, lr, momentum, weight_decay) -> loss` (a batch's: xs, ts -> the sum of
    its losses): compiled when it can be, else the engine."""
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
        recorder.record_before(dict(zip(engine.program.state, map(float, engine.state))))
    if engine.settings.online:
        loss = engine.step_converted(x, t, recorder.record)
    else:
        loss = engine.step_batch(x, t, recorder.record)
    recorder.end_step()
    return loss


def traced_step(engine: Engine, writer: Writer | None, before: bool = False) -> Callable | None:
    """A step that also writes its values to the trace: compiled when it can be, else the
    engine with the writer as its recorder. Both write the same line. With `before` (a run
    traced every K-th iteration), each traced step also holds the state it began from."""
    if writer is None:
        return None
    step = compiled(engine, record=True)
    if step is None:
        return lambda x, t, sample, iteration, epoch: recorded_update(
            engine, writer, (x, t, sample), iteration, epoch, before)
    names, state, state_names = engine.program.names, engine.state, engine.program.state
    rates = [engine.rates[name] for name in RATES]
    heads: dict[int, Any] = {}   # by id(sample): samples live as long as the run

    def traced(x, t, sample, iteration: int, epoch: int):
        prior = dict(zip(state_names, map(float, state))) if before else None
        loss, values = step(state, x, t, *rates)
        head = heads.get(id(sample))
        if head is None:
            head = heads[id(sample)] = writer.sample_head(sample.inputs, sample.targets)
        writer.write_values(iteration, epoch, head, names, values, prior)
        return loss
    return traced
