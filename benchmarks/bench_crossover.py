"""Where the vectorised evaluator (nntrace/fast) starts to beat the engine and compiled step.

Run from the repository root:

    python benchmarks/bench_crossover.py            # about 2 minutes
    python benchmarks/bench_crossover.py --quick    # about 40 seconds, rougher figures

Two measurements, on sigmoid networks without biases of growing size, each the best of
several runs in one sitting:

1. Training, per update: `train` in this process with evaluator="python" (the compiled
   step, or the engine past 4,096 weights) and evaluator="numpy", on 64 random samples,
   after a first run that pays for compiling and importing NumPy. The crossover is the
   smallest size from which NumPy is faster at that size and every larger one.
2. One recorded step, whole process: a `python -c` process that runs `api.step` with each
   evaluator and prints its tables, as `nntrace step` does (NumPy's start-up and reading
   the step included).

It prints both crossovers beside nntrace.fast's TRAINING_CROSSOVER and STEP_CROSSOVER,
the numbers automatic choice uses, and exits with status 1 when a measured crossover is
more than twice or less than half of the one in use.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nntrace.core.network import random_network, save_network  # noqa: E402
from nntrace.core.settings import make_settings  # noqa: E402
from nntrace.fast import STEP_CROSSOVER, TRAINING_CROSSOVER, size  # noqa: E402
from nntrace.train.data import Dataset, Sample  # noqa: E402
from nntrace.train.loop import train  # noqa: E402

TRAINING_SHAPES = [(2, 4, 1), (2, 8, 1), (4, 8, 2), (8, 8, 2), (4, 16, 2), (8, 16, 4), (16, 16, 4),
                   (16, 32, 4), (32, 32, 8), (64, 32, 10)]
STEP_SHAPES = [(2, 64, 1), (2, 32, 32, 1), (2, 64, 64, 1), (2, 100, 100, 1), (2, 150, 150, 1),
               (2, 170, 170, 1), (2, 200, 200, 1), (2, 250, 250, 1), (2, 300, 300, 1)]
STEP_SCRIPT = """
import sys
from nntrace import api
from nntrace.cli import print_parts
from nntrace.views.document import step_document
trace = api.step(sys.argv[1], [0.3, 0.8], [1.0], 0.1, evaluator=sys.argv[2])
print_parts(step_document(trace).parts)
"""


def samples(inputs: int, outputs: int, count: int = 64) -> Dataset:
    rng = random.Random(1)
    return Dataset(tuple(Sample(tuple(rng.random() for _ in range(inputs)),
                                tuple(float(rng.random() < 0.5) for _ in range(outputs)))
                         for _ in range(count)), "random")


def per_update(layers: tuple[int, ...], evaluator: str, epochs: int, repeats: int) -> float:
    """Microseconds per update of an untraced training run, the best of `repeats`."""
    network = random_network(list(layers), seed=1, low=-1, high=1)
    data, settings = samples(layers[0], layers[-1]), make_settings(0.1)
    train(network, data, 1, settings, evaluator=evaluator)   # compiled, NumPy imported
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        train(network, data, epochs, settings, evaluator=evaluator)
        best = min(best, time.perf_counter() - started)
    return best / (epochs * len(data.samples)) * 1e6


def whole_step(path: Path, evaluator: str, repeats: int) -> float:
    """Seconds of a whole process recording one step and printing its tables."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", STEP_SCRIPT, str(path), evaluator], cwd=ROOT,
                       stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def crossover(rows: list[tuple[int, float, float]]) -> int | None:
    """The smallest size from which NumPy (the third column) is faster at every larger one."""
    found = None
    for weights, python, numpy in reversed(rows):
        if numpy >= python:
            break
        found = weights
    return found


def report(title: str, unit: str, rows: list[tuple[int, float, float]], in_use: int) -> bool:
    print(title)
    for weights, python, numpy in rows:
        print(f"  {weights:7,d} weights   python {python:9.2f} {unit}   numpy {numpy:9.2f} {unit}"
              f"   {'numpy' if numpy < python else 'python'} faster")
    found = crossover(rows)
    agrees = found is not None and in_use / 2 <= found <= in_use * 2
    print(f"  crossover measured: {found if found is not None else 'none'}; in use: {in_use:,} "
          f"({'agrees' if agrees else 'DIFFERS'}, within a factor of 2)\n")
    return agrees


def main(quick: bool = False) -> int:
    repeats, epochs = (1, 10) if quick else (3, 30)
    rows = []
    for layers in TRAINING_SHAPES:
        python, numpy = (per_update(layers, evaluator, epochs, repeats) for evaluator in ("python", "numpy"))
        rows.append((size(random_network(list(layers))), python, numpy))
    ok = report("Training, µs per update (untraced, in this process):", "µs", rows, TRAINING_CROSSOVER)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for layers in STEP_SHAPES:
            path = Path(folder) / ("-".join(map(str, layers)) + ".json")
            network = random_network(list(layers), seed=1, low=-1, high=1)
            save_network(network, path)
            python, numpy = (whole_step(path, evaluator, repeats) for evaluator in ("python", "numpy"))
            rows.append((size(network), python, numpy))
    ok = report("One recorded step, whole process, seconds:", "s ", rows, STEP_CROSSOVER) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main("--quick" in sys.argv))
