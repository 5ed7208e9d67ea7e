"""The library's front door: run a step on a network and get its trace.

    >>> from nntrace import run
    >>> trace = run.step(run.article_network(), [0, 1], [1])
    >>> round(trace.steps[0].values["L2.n1.out"], 4)
    0.7855
"""

from __future__ import annotations

import decimal
import math
from typing import Sequence

from . import article
from .conventions import make_convention
from .engine import Engine
from .errors import ArgumentError, NonFiniteError
from .network import Network
from .trace import Recorder, Trace


def article_network() -> Network:
    return article.network()


def sample_target(network: Network, inputs: Sequence[float],
                  targets: Sequence[float] | None) -> list[float]:
    """The target of one step, checked against the network; left out, the article's XOR
    table supplies it for 2 inputs of 0 or 1 into 1 output."""
    if len(inputs) != network.inputs:
        raise ArgumentError("input", f"the network {network.shape} takes {network.inputs} "
                                     f"number(s), got {len(inputs)}")
    if not targets:
        xor = article.xor_target(list(inputs)) if network.outputs == 1 else None
        if xor is None:
            raise ArgumentError("target", "required here: only the article's XOR table (2 inputs "
                                          "of 0 or 1 into 1 output) supplies a default target")
        return xor
    if len(targets) != network.outputs:
        raise ArgumentError("target", f"the network {network.shape} has {network.outputs} "
                                      f"output(s), got {len(targets)} number(s)")
    return list(targets)


def step(network: Network, inputs: Sequence[float], targets: Sequence[float],
         learning_rate: float = article.LEARNING_RATE, convention: str = "exact",
         slips: Sequence[str] = ()) -> Trace:
    """One iteration (forward, backward, update) with every value recorded."""
    chosen = make_convention(convention, tuple(slips))
    recorder = Recorder(chosen.name, learning_rate, network, chosen.slips)
    recorder.begin_step(inputs, targets, iteration=1, epoch=1)
    try:
        Engine(network, chosen).step(inputs, targets, learning_rate, recorder.record)
    except (decimal.Overflow, decimal.InvalidOperation):
        raise NonFiniteError("iteration 1: a value grew beyond decimal arithmetic's range",
                             iteration=1) from None
    check_finite(recorder.trace)
    return recorder.trace


def check_finite(trace: Trace) -> None:
    """Raise NonFiniteError naming the first value, in computation order, that is inf or NaN."""
    for recorded in trace.steps:
        for name, value in recorded.values.items():
            if not math.isfinite(value):
                raise NonFiniteError(f"iteration {recorded.iteration}: {name} is {value}, "
                                     f"not a finite number", name, recorded.iteration)
