"""A from-scratch backprop with a deliberate slip, recorded with nntrace.Recorder.

    python examples/own_backprop.py mine.json           # this program's trace
    nntrace step --input 0 1 --trace expected.json      # nntrace's exact one
    nntrace diff expected.json mine.json                # the first wrong number, and why

The network is the article's 2-4-1 XOR network (sigmoid, no biases), one iteration on
input 0 1, target 1, learning rate 0.001. The slip, marked SLIP below: the output
weights are updated before the hidden errors are computed, so the hidden errors use the
new weights instead of the old ones (seen in published worked examples).
"""

import math
import sys

from nntrace import Recorder

HIDDEN_WEIGHTS = [[0.2, 0.6], [0.5, 0.7], [0.4, 0.9], [0.8, 0.3]]   # [hidden j][input i]
OUTPUT_WEIGHTS = [0.6, 0.7, 0.3, 0.4]                               # [hidden j]
RATE = 0.001


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def main(path: str) -> None:
    x, target = [0.0, 1.0], 1.0
    network = {"layers": [2, 4, 1], "activation": "sigmoid",
               "weights": [HIDDEN_WEIGHTS, [OUTPUT_WEIGHTS]]}
    rec = Recorder(convention="own_backprop.py", learning_rate=RATE, network=network)
    rec.begin_step(input=x, target=[target])

    # Forward.
    hidden = []
    for j, row in enumerate(HIDDEN_WEIGHTS, 1):
        net = sum(w * xi for w, xi in zip(row, x))
        hidden.append(sigmoid(net))
        rec.record(f"L1.n{j}.net", net)
        rec.record(f"L1.n{j}.out", hidden[-1])
    net_o = sum(w * h for w, h in zip(OUTPUT_WEIGHTS, hidden))
    out_o = sigmoid(net_o)
    rec.record("L2.n1.net", net_o)
    rec.record("L2.n1.out", out_o)

    # Backward, output neuron.
    error = target - out_o
    delta = out_o * (1 - out_o) * error
    rec.record("L2.n1.error", error)
    rec.record("L2.n1.delta", delta)

    # SLIP: the output weights are updated here, before the hidden errors use them.
    for j, h in enumerate(hidden):
        OUTPUT_WEIGHTS[j] += h * delta * RATE
        rec.record(f"L2.n1.w{j + 1}", OUTPUT_WEIGHTS[j])

    # Backward, hidden neurons, then their updates.
    for j, h in enumerate(hidden):
        hidden_error = delta * OUTPUT_WEIGHTS[j]        # should be the weight before the update
        hidden_delta = h * (1 - h) * hidden_error
        rec.record(f"L1.n{j + 1}.error", hidden_error)
        rec.record(f"L1.n{j + 1}.delta", hidden_delta)
        for i, xi in enumerate(x):
            HIDDEN_WEIGHTS[j][i] += xi * hidden_delta * RATE
            rec.record(f"L1.n{j + 1}.w{i + 1}", HIDDEN_WEIGHTS[j][i])

    rec.end_step()
    rec.save(path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "mine.json")
