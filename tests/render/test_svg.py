import xml.etree.ElementTree as ET

import pytest

from nntrace import api
from nntrace.core.network import random_network
from nntrace.render.svg import LABEL_LIMIT, network_svg
from nntrace.trace.model import network_after
from nntrace.views.network import connections


def expected_weights(network, after=None):
    return {c.name: c for c in connections(network, after)}


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
    trace = api.step(net, [1, 0], [1], 0.5)
    after = network_after(net, trace.steps[0])
    labels = svg_labels(network_svg(net, after, digits=5))
    assert set(labels) == set(expected_weights(net))
    for name, text in labels.items():
        old, new = text.removeprefix("b ").split(" → ")
        assert float(new) == pytest.approx(trace.steps[0].values[name], rel=1e-4)
        assert float(old) == pytest.approx(expected_weights(net)[name].old, rel=1e-4)


def test_svg_past_the_label_limit_draws_unlabelled_lines_and_says_so():
    net = random_network([30, 40, 10], seed=1, biases=True)
    svg = network_svg(net, summary=False)   # every neuron: no summary of the wide layers
    assert circles_and_lines(svg) == (30 + 40 + 10, 30 * 40 + 40 * 10)
    labels = svg_labels(svg)
    assert labels and all(name.endswith(".b") for name in labels)   # biases only, no weights
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert f"1600 weights, more than {LABEL_LIMIT}: lines unlabelled; " \
           f"nntrace show --export FILE.md lists every weight" in texts


def test_svg_at_the_label_limit_labels_every_weight():
    net = random_network([4, 4, 2], seed=1)
    assert 4 * 4 + 4 * 2 == LABEL_LIMIT
    labels = svg_labels(network_svg(net))
    assert set(labels) == set(expected_weights(net))
    assert "unlabelled" not in network_svg(net)


def test_the_picture_of_a_large_network_stays_small():
    net = random_network([2, 300, 300, 1], seed=3, low=-0.1, high=0.1)
    svg = network_svg(net)
    # Its first 8 neurons of each wide layer: 2 + 8 + 8 + 1 circles, 2·8 + 8·8 + 8·1 lines.
    assert circles_and_lines(svg) == (2 + 8 + 8 + 1, 16 + 64 + 8)
    assert len(svg) < 30_000
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "first 8 of 300 neurons" in texts
    assert any("the first 8 neurons of each layer wider than 16" in text and "--all" in text for text in texts)
    assert ET.fromstring(svg).find("{http://www.w3.org/2000/svg}title").text == f"Network {net.describe()}"


def test_all_draws_every_neuron_of_a_wide_network():
    net = random_network([2, 20, 1], seed=3)
    assert circles_and_lines(network_svg(net, summary=False)) == (23, 40 + 20)
    assert circles_and_lines(network_svg(net)) == (11, 16 + 8)
