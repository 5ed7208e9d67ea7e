import re
import xml.etree.ElementTree as ET

import pytest

from nntrace import run
from nntrace.network import random_network
from nntrace.picture import NetworkPicture, connections, network_svg
from nntrace.render import network_after

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


def test_connections_name_every_weight_and_bias():
    net = random_network([3, 2, 1], seed=2, biases=True)
    found = expected_weights(net)
    assert len(found) == 3 * 2 + 2 + 2 * 1 + 1
    assert found["L1.n2.w3"].old == net.weights[0][1][2]
    assert found["L2.n1.b"].old == net.biases[1][0]
    assert found["L1.n2.w3"].origin == "L0.n3" and found["L1.n2.w3"].target == "L1.n2"


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
    trace = run.step(article_network, [0, 1], [1], 0.5)
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


def svg_labels(svg: str) -> dict[str, str]:
    root = ET.fromstring(svg)
    return {t.get("data-name"): t.text for t in root.iter("{http://www.w3.org/2000/svg}text")
            if t.get("data-name")}


def circles_and_lines(svg: str) -> tuple[int, int]:
    root = ET.fromstring(svg)
    return tuple(len(list(root.iter("{http://www.w3.org/2000/svg}" + kind))) for kind in ("circle", "line"))


def test_svg_has_a_circle_per_neuron_a_line_per_weight_and_the_weights(article_network):
    svg = network_svg(article_network)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert circles_and_lines(svg) == (2 + 4 + 1, 2 * 4 + 4 * 1)
    labels = svg_labels(svg)
    assert {name: float(text) for name, text in labels.items()} == {
        name: c.old for name, c in expected_weights(article_network).items()}
    headings = [t.text for t in root.iter(ns + "text") if t.get("font-weight") == "bold"]
    assert headings == ["L0 input", "L1 hidden · sigmoid", "L2 output · sigmoid"]


def test_svg_labels_do_not_cover_each_other(article_network):
    root = ET.fromstring(network_svg(article_network))
    boxes = [tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))
             for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("rx")]
    assert len(boxes) == 12
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            (x1, y1, w1, h1), (x2, y2, w2, h2) = boxes[a], boxes[b]
            assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1, (a, b)


def test_svg_after_a_step_and_with_biases():
    net = random_network([2, 2, 1], seed=3, biases=True, low=-1)
    trace = run.step(net, [1, 0], [1], 0.5)
    after = network_after(net, trace.steps[0])
    labels = svg_labels(network_svg(net, after, digits=5))
    assert set(labels) == set(expected_weights(net))
    for name, text in labels.items():
        old, new = text.removeprefix("b ").split(" → ")
        assert float(new) == pytest.approx(trace.steps[0].values[name], rel=1e-4)
        assert float(old) == pytest.approx(expected_weights(net)[name].old, rel=1e-4)


def test_svg_past_the_label_limit_draws_unlabelled_lines_and_says_so():
    from nntrace.picture import LABEL_LIMIT

    net = random_network([30, 40, 10], seed=1, biases=True)
    svg = network_svg(net)
    assert circles_and_lines(svg) == (30 + 40 + 10, 30 * 40 + 40 * 10)
    labels = svg_labels(svg)
    assert labels and all(name.endswith(".b") for name in labels)   # biases only, no weights
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert f"1600 weights, more than {LABEL_LIMIT}: lines unlabelled; " \
           f"nntrace show --export FILE.md lists every weight" in texts


def test_svg_at_the_label_limit_labels_every_weight():
    from nntrace.picture import LABEL_LIMIT

    net = random_network([4, 4, 2], seed=1)
    assert 4 * 4 + 4 * 2 == LABEL_LIMIT
    labels = svg_labels(network_svg(net))
    assert set(labels) == set(expected_weights(net))
    assert "unlabelled" not in network_svg(net)
