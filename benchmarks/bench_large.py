"""How fast nntrace is on larger networks, whole process, against a NumPy per-sample loop.

Run from the repository root:

    python benchmarks/bench_large.py            # about 35 seconds (best of 3 runs each)
    python benchmarks/bench_large.py --quick    # about 15 seconds (one run each, noisier)

Measured, each the best of several runs in one sitting, every one a whole process (start-up,
reading the files and printing included), with a timeout of 120 s per run:

1. `nntrace train --weights NET --data CSV --epochs N --lr 0.1 --json` (untraced) against a
   NumPy script doing the same online gradient descent (one sample forward, backward and
   update per iteration, in file order, loss ½Σ(t−o)², sigmoid, no biases), at two sizes:
   64-32-10 on 2,000 samples for 10 epochs, and 256-128-10 on 1,000 samples for 3 epochs.
   Both read the same network file and CSV, written here into a temporary folder (weights
   uniform in ±1/√fan-in, so the sigmoids do not saturate; inputs uniform in [0, 1];
   one-hot targets of 10 classes; fixed seeds), and both print their final weights as JSON.
   Before the times count, both must end on the same weights within
   |a − b| ≤ 1e-9·max(|a|, |b|) + 1e-12 (NumPy sums in another order, so the last bits may
   differ). Goal: nntrace within 1.5x of the NumPy script.
2. `nntrace step --weights W --input ... --target ...` and `nntrace show --weights W` on a
   2-300-300-1 sigmoid network, output to /dev/null. Goal: within 2 s each.
3. `nntrace diff` of that step's exact trace against one with the slip
   derivative-on-output (184,806 values compared, then the step replayed under each way of
   computing until one reproduces it). Goal: within 10 s.

Before timing, nntrace's modules are compiled to bytecode (compileall), as an installed
package's are: where PYTHONDONTWRITEBYTECODE is set, as in some sandboxes, every process
would otherwise compile the nntrace modules it imports anew (about 0.07 s), while NumPy's come
compiled with its wheel.

Exit status: 0 when every goal is met, 1 when one is missed (or timed out), 2 when the two
training processes disagree on the weights or a process fails.
"""

from __future__ import annotations

import compileall
import json
import math
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120.0
LEARNING_RATE = 0.1
RATIO_GOAL = 1.5
SECONDS_GOAL = 2.0
DIFF_GOAL = 10.0   # our own (no issue sets one): it took about a minute before replays stopped early
# (layers, samples, epochs) of the training comparisons.
SIZES = [((64, 32, 10), 2000, 10), ((256, 128, 10), 1000, 3)]
SHOWN = (2, 300, 300, 1)

# The peer: per-sample backprop as a person writes it in NumPy, run with `python -c`.
# argv: network file, CSV, learning rate, epochs. Prints the final weights as JSON.
PEER = '''
import json, sys
import numpy as np
net = json.load(open(sys.argv[1]))
W = [np.array(w, dtype=float) for w in net["weights"]]
data = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
X, T = data[:, :net["layers"][0]], data[:, net["layers"][0]:]
lr, epochs = float(sys.argv[3]), int(sys.argv[4])
for _ in range(epochs):
    for x, t in zip(X, T):
        outs = [x]
        for w in W:                                    # forward
            outs.append(1.0 / (1.0 + np.exp(-(w @ outs[-1]))))
        o = outs[-1]
        deltas = [o * (1.0 - o) * (t - o)]             # backward, on the old weights
        for w, out in zip(W[:0:-1], outs[-2:0:-1]):
            deltas.insert(0, out * (1.0 - out) * (w.T @ deltas[0]))
        for w, out, d in zip(W, outs, deltas):         # update every layer
            w += np.outer(d, out) * lr
print(json.dumps([w.tolist() for w in W]))
'''


def write_network(path: Path, layers: tuple[int, ...], seed: int) -> None:
    """A sigmoid network file without biases, weights uniform in ±1/√fan-in."""
    rng = random.Random(seed)
    weights = []
    for fan_in, fan_out in zip(layers, layers[1:]):
        bound = 1.0 / math.sqrt(fan_in)
        weights.append([[rng.uniform(-bound, bound) for _ in range(fan_in)] for _ in range(fan_out)])
    path.write_text(json.dumps({"format": "nntrace-network/1", "layers": list(layers),
                                "activation": "sigmoid", "weights": weights}))


def write_samples(path: Path, inputs: int, classes: int, count: int, seed: int) -> None:
    """A CSV without header: inputs uniform in [0, 1], then a one-hot target of a random class."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        hot = rng.randrange(classes)
        row = [repr(rng.random()) for _ in range(inputs)]
        row += ["1" if k == hot else "0" for k in range(classes)]
        rows.append(",".join(row))
    path.write_text("\n".join(rows) + "\n")


def timed(argv: list[str], capture: bool, success: int = 0) -> tuple[float | None, str]:
    """Seconds one whole process takes (None if it timed out), and its output if captured;
    an exit status other than `success` is a CalledProcessError."""
    started = time.perf_counter()
    try:
        done = subprocess.run(argv, cwd=ROOT, timeout=TIMEOUT, text=True,
                              stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, ""
    if done.returncode != success:
        raise subprocess.CalledProcessError(done.returncode, argv)
    return time.perf_counter() - started, done.stdout or ""


def best(argv: list[str], repeats: int, capture: bool = False, success: int = 0) -> tuple[float | None, str]:
    """The best of `repeats` runs, and the first run's output; stops at the first timeout."""
    seconds, output = timed(argv, capture, success)
    if seconds is None:
        return None, ""
    for _ in range(repeats - 1):
        again, _ = timed(argv, capture, success)
        if again is None:
            return None, output
        seconds = min(seconds, again)
    return seconds, output


def worst_difference(ours: list, theirs: list) -> tuple[int, float, float]:
    """How many weights are outside the tolerance, and the pair furthest outside it."""
    outside, furthest, pair = 0, -math.inf, (0.0, 0.0)
    for layer_a, layer_b in zip(ours, theirs, strict=True):
        for row_a, row_b in zip(layer_a, layer_b, strict=True):
            for a, b in zip(row_a, row_b, strict=True):
                excess = abs(a - b) - (1e-9 * max(abs(a), abs(b)) + 1e-12)
                outside += excess > 0
                if excess > furthest:
                    furthest, pair = excess, (a, b)
    return outside, pair[0], pair[1]


def compare_training(folder: Path, layers: tuple[int, ...], samples: int, epochs: int,
                     repeats: int) -> tuple[float | None, float | None] | None:
    """Seconds of nntrace and of the NumPy peer on one size; None if their weights differ."""
    name = "-".join(map(str, layers))
    network, data = folder / f"{name}.json", folder / f"{name}.csv"
    write_network(network, layers, seed=1)
    write_samples(data, layers[0], layers[-1], samples, seed=2)
    lr = str(LEARNING_RATE)
    ours_argv = [sys.executable, "-m", "nntrace", "train", "--weights", str(network),
                 "--data", str(data), "--epochs", str(epochs), "--lr", lr, "--json"]
    peer_argv = [sys.executable, "-c", PEER, str(network), str(data), lr, str(epochs)]
    peer, peer_output = best(peer_argv, repeats, capture=True)
    ours, ours_output = best(ours_argv, repeats, capture=True)
    what = f"{name}, {samples} samples, {epochs} epochs"
    if ours is None or peer is None:
        print(f"same weights, {what}: not checked (a run timed out)")
        return ours, peer
    outside, a, b = worst_difference(json.loads(ours_output)["network"]["weights"],
                                     json.loads(peer_output))
    if outside:
        print(f"FAIL: {what}: nntrace and the NumPy script end on different weights: "
              f"{outside} outside the tolerance, e.g. {a!r} against {b!r}", file=sys.stderr)
        return None
    print(f"same weights, {what}: yes (within 1e-9 relative)")
    return ours, peer


def measure_show_and_step(folder: Path, repeats: int) -> dict[str, float | None]:
    """Seconds of `nntrace step`, `nntrace show` and `nntrace diff` on a 2-300-300-1 network."""
    network = folder / "2-300-300-1.json"
    write_network(network, SHOWN, seed=3)
    base = [sys.executable, "-m", "nntrace"]
    step = base + ["step", "--weights", str(network), "--input", "0.3", "0.8",
                   "--target", "1", "--lr", str(LEARNING_RATE)]
    show = base + ["show", "--weights", str(network)]
    name = "-".join(map(str, SHOWN))
    return {f"step, {name}, whole process": best(step, repeats)[0],
            f"show, {name}, whole process": best(show, repeats)[0],
            f"diff, {name}, whole process": measure_diff(folder, step, repeats)}


def measure_diff(folder: Path, step: list[str], repeats: int) -> float | None:
    """Seconds of `nntrace diff` of the 2-300-300-1 step's exact trace against one made
    with the slip derivative-on-output: it compares 184,806 values, then replays the step
    under each way of computing until one reproduces it (exit 1: they differ)."""
    exact, slip = folder / "exact.json", folder / "slip.json"
    subprocess.run(step + ["--trace", str(exact)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(step + ["--slip", "derivative-on-output", "--trace", str(slip)], check=True,
                   stdout=subprocess.DEVNULL)
    return best([sys.executable, "-m", "nntrace", "diff", str(exact), str(slip)], repeats, success=1)[0]


def verdict(value: float | None, goal: float, unit: str) -> tuple[str, bool]:
    """One row's figure, goal and met/MISSED, and whether it was met."""
    if value is None:
        return f"timed out (>{TIMEOUT:.0f} s)   goal {goal}{unit}   MISSED", False
    ok = value <= goal
    return f"{value:5.2f}{unit}   goal {goal}{unit}   {'met' if ok else 'MISSED'}", ok


def seconds_text(value: float | None) -> str:
    return "timed out" if value is None else f"{value:.2f} s"


def main(quick: bool = False) -> int:
    compileall.compile_dir(ROOT / "nntrace", quiet=1)   # as installed (see above)
    repeats = 1 if quick else 3
    rows: list[tuple[str, str, bool]] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for layers, samples, epochs in SIZES:
            timings = compare_training(folder, layers, samples, epochs, repeats)
            if timings is None:
                return 2
            ours, peer = timings
            size = "-".join(map(str, layers))
            print(f"whole process, {size}: nntrace {seconds_text(ours)}, "
                  f"NumPy script {seconds_text(peer)}")
            ratio = None if ours is None or peer is None else ours / peer
            rows.append((f"train {size} vs NumPy loop", *verdict(ratio, RATIO_GOAL, "x")))
        for label, seconds in measure_show_and_step(folder, repeats).items():
            print(f"{label}: {seconds_text(seconds)}")
            goal = DIFF_GOAL if label.startswith("diff") else SECONDS_GOAL
            rows.append((label, *verdict(seconds, goal, " s")))
    print()
    for label, text, _ in rows:
        print(f"{label:40s} {text}")
    return 0 if all(ok for _, _, ok in rows) else 1


if __name__ == "__main__":
    try:
        sys.exit(main("--quick" in sys.argv))
    except subprocess.CalledProcessError as error:
        program = "the NumPy script" if error.cmd[1] == "-c" else " ".join(error.cmd[1:4])
        print(f"FAIL: {program} exited with status {error.returncode}", file=sys.stderr)
        sys.exit(2)
