"""The vectorised evaluator: the step's list of assignments computed a layer at a time
with NumPy arrays, for networks large enough that it is faster than the compiled step.

Importing this package does not import NumPy: only `new_engine` does, for a network at or
above the crossover, so `nntrace step` on the article's network starts as quickly as ever.
Where the crossovers are, and why, is in docs/development.md ("The vectorised evaluator").
"""

from __future__ import annotations

from ..core.engine import Engine
from ..core.network import Network
from ..core.numbers import FLOAT
from ..core.settings import Settings, arithmetic, check_fits
from ..errors import ArgumentError

PYTHON, NUMPY = "python", "numpy"
EVALUATORS = (PYTHON, NUMPY)   # the engine or the compiled step (bit for bit the same); the arrays
# Weights and biases from which the arrays are faster, measured by benchmarks/bench_crossover.py
# (docs/development.md): for training, per update, NumPy's start-up (0.1 s) paid once;
# for one recorded step, the whole process, where NumPy's start-up and reading the step
# weigh as much as the engine's evaluation until 20,000 to 40,000.
TRAINING_CROSSOVER = 150
STEP_CROSSOVER = 30_000


def size(network: Network) -> int:
    """Weights and biases: what a step's work grows with."""
    layers = network.layers
    biases = sum(layers[1:]) if network.biases is not None else 0
    return sum(a * b for a, b in zip(layers, layers[1:])) + biases


def vectorisable(settings: Settings) -> bool:
    """Float math without a carry rule: what the arrays compute (Decimals stay on the engine)."""
    how = arithmetic(settings)
    return how.numbers is FLOAT and how.carry is None


def evaluator_for(network: Network, settings: Settings, training: bool = True) -> str:
    """The evaluator a run of this network takes when none is asked for: a training run, or
    one step (`training` False)."""
    crossover = TRAINING_CROSSOVER if training else STEP_CROSSOVER
    return NUMPY if vectorisable(settings) and size(network) >= crossover else PYTHON


def checked_evaluator(evaluator: object) -> str | None:
    """None (chosen by size), "python" or "numpy"; anything else is an ArgumentError."""
    if evaluator is not None and evaluator not in EVALUATORS:
        raise ArgumentError("evaluator", f"expected None, {' or '.join(map(repr, EVALUATORS))}", evaluator)
    return evaluator  # type: ignore[return-value]


def new_engine(network: Network, settings: Settings = Settings(), evaluator: str | None = None,
               training: bool = True):
    """An engine for the network: the vectorised one when `evaluator` (or, when None, the
    network's size for a training run or a single step) says numpy and the step has an
    array form; else core's Engine. Its `evaluator` attribute says which it is, for the
    trace's header."""
    checked_evaluator(evaluator)
    check_fits(settings, network)
    wanted = evaluator or evaluator_for(network, settings, training)
    if wanted == NUMPY and vectorisable(settings):
        from .engine import vector_engine

        engine = vector_engine(network, settings)
        if engine is not None:
            return engine
    return Engine(network, settings)
