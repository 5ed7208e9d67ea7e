import re

import pytest

from nntrace import api
from nntrace.core.network import random_network
from nntrace.render.network import NetworkPicture
from nntrace.trace.model import network_after
from nntrace.views.network import connections

FAN_IN = re.compile(r"(n\d+|bias) *── (.+?) *─([┐┤┘┼┴─])(?:─▶ ○ n(\d+))?")


def drawn_weights(text: str) -> dict[str, str]:
    """name -> label, reading each block of fan-in lines up to the neuron it ends in."""
    stages: dict[int, list] = {}
    for line in text.splitlines():
        for match in FAN_IN.finditer(line):
            stages.setdefault(match.start(), []).append(match.groups())
    found = {}
    for layer, column in enumerate(sorted(stages), 1):
        block: list = []
        target = None
        for origin, weight, joint, into in stages[column]:
            block.append((origin, weight))
            target = into or target
            if joint in "┘┴─":           # the block's last line
                for source, w in block:
                    end = "b" if source == "bias" else f"w{source[1:]}"
                    found[f"L{layer}.n{target}.{end}"] = w
                block, target = [], None
    return found


def expected_weights(network, after=None):
    return {c.name: c for c in connections(network, after)}


def test_terminal_drawing_carries_every_weight(render, article_network):
    text = render(NetworkPicture(article_network))
    assert "L1 hidden · sigmoid" in text and "L2 output · sigmoid" in text
    drawn = drawn_weights(text)
    assert {name: float(w) for name, w in drawn.items()} == {
        name: c.old for name, c in expected_weights(article_network).items()}


def test_terminal_drawing_with_biases_and_other_activations(render):
    net = random_network([2, 3, 2], "tanh", seed=5, biases=True, low=-1)
    net.activations = ["relu", "tanh"]
    text = render(NetworkPicture(net, digits=4), width=100)
    assert "L1 hidden · relu" in text and "L2 output · tanh" in text
    drawn = drawn_weights(text)
    expected = expected_weights(net)
    assert set(drawn) == set(expected)
    for name, label in drawn.items():
        assert float(label) == pytest.approx(expected[name].old, rel=1e-3)


def test_after_a_step_each_weight_shows_old_and_new(render, article_network):
    trace = api.step(article_network, [0, 1], [1], 0.5)
    after = network_after(article_network, trace.steps[0])
    text = render(NetworkPicture(article_network, after), width=100)
    values = trace.steps[0].values
    for name, label in drawn_weights(text).items():
        old, new = label.split(" → ")
        assert float(old) == expected_weights(article_network)[name].old
        assert float(new) == pytest.approx(values[name], rel=1e-6)
    assert len(drawn_weights(text)) == 12


def test_too_wide_a_network_becomes_a_table(render):
    net = random_network([2, 3, 1], seed=1)
    narrow = render(NetworkPicture(net), width=60)
    assert "as a table of connections" in narrow
    rows = [line.split() for line in narrow.splitlines() if re.match(r" ?L\d\.n\d\.w\d", line)]
    assert {row[0]: float(row[-1]) for row in rows} == pytest.approx(
        {name: c.old for name, c in expected_weights(net).items()}, rel=1e-6)
    assert "○" not in narrow   # a table, not the drawing
