"""How fast `nntrace train` is, as ratios against a plain-Python per-sample loop.

Run from the repository root:

    python benchmarks/bench_train.py            # about 20 seconds
    python benchmarks/bench_train.py --quick    # a few seconds, rougher figures

Three measurements, each the best of several runs in one sitting:

1. nntrace's untraced training loop against a plain-Python reference loop, in this process,
   on the article's 2-4-1 network and XOR at learning rate 0.5. The reference is written
   the way a person writes per-sample backprop, with the same operations in the same order,
   so both must end on the very same weights, which is checked. Goal: within 1.5x.
2. The same nntrace loop tracing every iteration to a .jsonl file, against untraced.
   Goal: within 5x.
3. The whole process `nntrace train --epochs 50000 --lr 0.5` against a plain-Python script
   doing the same (start-up included), after checking that both end on the same weights
   (nntrace's from its `--json` summary, the script's from what it prints). Goal: within 1.5x.
4. Mini-batches: a 2-4-1 network on 256 random samples, trained in batches of 32 against
   online (one update a sample), the time per sample of each. A batch runs every sample's
   forward and backward pass as online descent does, adds up the gradients and updates
   once: it must cost no more per sample. Goal: within 1.0x.
"""

from __future__ import annotations

import ast
import compileall
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nntrace import article  # noqa: E402
from nntrace.core.engine import value_names  # noqa: E402
from nntrace.core.network import random_network  # noqa: E402
from nntrace.core.settings import make_settings  # noqa: E402
from nntrace.train.data import Dataset, Sample, xor  # noqa: E402
from nntrace.train.loop import train  # noqa: E402

RATE = make_settings(0.5)

GOALS = {"untraced vs plain Python": 1.5, "traced every iteration vs untraced": 5.0,
         "whole process vs plain-Python script": 1.5, "a batch of 32 vs online, per sample": 1.0}
BATCH, SAMPLES = 32, 256

# The plain-Python reference, also run on its own as the whole-process peer (so it is a
# string: the same text is exec'd here and handed to `python -c`).
REFERENCE = '''
import math

def sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)

def reference_train(w_hidden, w_out, samples, lr, epochs):
    """Per-sample backprop for one hidden layer and one output, no biases."""
    w_hidden = [list(row) for row in w_hidden]
    w_out = list(w_out)
    n_hidden = len(w_hidden)
    for epoch in range(epochs):
        for x, target in samples:
            # forward
            h = []
            for row in w_hidden:
                net = 0.0
                for w, xi in zip(row, x):
                    net += w * xi
                h.append(sigmoid(net))
            net_o = 0.0
            for w, hj in zip(w_out, h):
                net_o += w * hj
            o = sigmoid(net_o)
            loss = (target - o) * (target - o) / 2
            # backward
            delta_o = o * (1.0 - o) * (target - o)
            delta_h = [h[j] * (1.0 - h[j]) * (delta_o * w_out[j]) for j in range(n_hidden)]
            # update
            for j in range(n_hidden):
                w_out[j] += h[j] * delta_o * lr
            for j, row in enumerate(w_hidden):
                for i in range(len(row)):
                    row[i] += x[i] * delta_h[j] * lr
    return w_hidden, w_out
'''
namespace: dict = {}
exec(REFERENCE, namespace)
reference_train = namespace["reference_train"]

SCRIPT = REFERENCE + '''
XOR = [((0.0, 0.0), 0.0), ((0.0, 1.0), 1.0), ((1.0, 0.0), 1.0), ((1.0, 1.0), 0.0)]
hidden, out = reference_train([[0.2, 0.6], [0.5, 0.7], [0.4, 0.9], [0.8, 0.3]],
                              [0.6, 0.7, 0.3, 0.4], XOR, 0.5, 50000)
print(repr([hidden, out]))
'''


def best(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def batch_against_online(quick: bool) -> float:
    """Measurement 4: the time per sample of training in batches of 32 over online descent,
    the same 2-4-1 network and 256 random samples (seeded), both the untraced loop."""
    rng = random.Random(32)
    data = Dataset(tuple(Sample((rng.uniform(-1, 1), rng.uniform(-1, 1)), (float(rng.random() < 0.5),))
                         for _ in range(SAMPLES)), "256 random samples")
    network = random_network([2, 4, 1], seed=32)
    epochs, repeats = (20, 3) if quick else (200, 5)
    per_sample = {}
    for size in (1, BATCH):
        settings = make_settings(0.5, batch_size=size)
        result = train(network, data, epochs, settings)
        if result.stopped or result.iterations != epochs * -(-SAMPLES // size):
            print(f"FAIL: the run in batches of {size} did not run every update", file=sys.stderr)
            return float("inf")
        per_sample[size] = best(lambda: train(network, data, epochs, settings), repeats) / (epochs * SAMPLES)
    print(f"2-4-1 on {SAMPLES} random samples: online {per_sample[1] * 1e6:.2f} µs/sample, "
          f"batches of {BATCH} {per_sample[BATCH] * 1e6:.2f} µs/sample")
    return per_sample[BATCH] / per_sample[1]


def main(quick: bool = False) -> int:
    # nntrace's modules compiled to bytecode, as an installed package's are (where
    # PYTHONDONTWRITEBYTECODE is set, each whole process would compile them anew).
    compileall.compile_dir(ROOT / "nntrace", quiet=1)
    epochs = 2000 if quick else 20000
    repeats = 3 if quick else 5
    iterations = epochs * 4
    samples = [(tuple(x), t[0]) for x, t in article.XOR]
    network = article.network()

    # Same weights first: the comparison is only fair if both loops compute the same thing.
    ours = train(network, xor(), epochs, RATE).network
    hidden, out = reference_train(network.weights[0], network.weights[1][0], samples, 0.5, epochs)
    if ours.weights != [hidden, [out]]:
        print("FAIL: nntrace and the reference loop ended on different weights", file=sys.stderr)
        return 1
    print(f"same weights after {epochs} epochs: yes")

    plain = best(lambda: reference_train(network.weights[0], network.weights[1][0], samples, 0.5, epochs), repeats)
    untraced = best(lambda: train(network, xor(), epochs, RATE), repeats)
    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "run.jsonl"
        traced = best(lambda: train(network, xor(), epochs, RATE, trace=trace), repeats)
        trace_size = trace.stat().st_size

    # What tracing would cost per step if its values went through Python's own repr (the
    # shortest round-trip text, as orjson writes it): the reason the trace writer uses orjson.
    count = len(value_names(network))
    values = tuple(random.Random(1).random() for _ in range(count))
    template = ", ".join(["%r"] * count)
    text_floor = best(lambda: [template % values for _ in range(iterations)], repeats)

    # The goal is stated for 50000 epochs; fewer would measure mostly start-up time.
    process_epochs = 50000
    command = [sys.executable, "-m", "nntrace", "train", "--epochs", str(process_epochs), "--lr", "0.5"]
    script = [sys.executable, "-c", SCRIPT.replace("50000", str(process_epochs))]
    run = lambda argv: subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)  # noqa: E731
    # The same work first: both processes must end on the very same weights.
    printed = subprocess.run(command + ["--json"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    hidden, out = ast.literal_eval(subprocess.run(script, cwd=ROOT, capture_output=True, text=True,
                                                  check=True).stdout)
    if json.loads(printed)["network"]["weights"] != [hidden, [out]]:
        print("FAIL: the nntrace process and the plain-Python script ended on different weights",
              file=sys.stderr)
        return 1
    print(f"same weights after {process_epochs} epochs, whole processes: yes")
    whole = best(lambda: run(command), 3)
    peer = best(lambda: run(script), 3)

    us = lambda seconds: f"{seconds / iterations * 1e6:6.2f} µs/iteration"  # noqa: E731
    print(f"plain-Python loop      {us(plain)}")
    print(f"nntrace, untraced      {us(untraced)}")
    print(f"nntrace, traced, every {us(traced)}   ({trace_size / 1e6:.1f} MB of trace)")
    print(f"  for comparison      {us(text_floor)}   (only turning its {count} values to text "
          f"with Python's repr)")
    print(f"whole process, {process_epochs} epochs: nntrace {whole:.2f} s, plain-Python script {peer:.2f} s")
    ratios = {"untraced vs plain Python": untraced / plain,
              "traced every iteration vs untraced": traced / untraced,
              "whole process vs plain-Python script": whole / peer,
              "a batch of 32 vs online, per sample": batch_against_online(quick)}
    print()
    failed = 0
    for name, ratio in ratios.items():
        ok = ratio <= GOALS[name]
        failed += not ok
        print(f"{name:40s} {ratio:5.2f}x   goal {GOALS[name]}x   {'met' if ok else 'MISSED'}")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main("--quick" in sys.argv))
