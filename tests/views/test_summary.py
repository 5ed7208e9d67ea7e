"""Wide networks stay readable: a step's tables and `show` summarise a layer wider than a
screen to its first neurons and weights, and say how many values they leave out."""

import pytest

from nntrace import api
from nntrace.core.network import random_network
from nntrace.views.network import NetworkView, layer_tables
from nntrace.views.step import step_view
from nntrace.views.summary import SHOWN, WIDE, Summary

WIDE_NET = random_network([2, 30, 20, 1], seed=4, low=-0.5, high=0.5)   # no biases


def test_the_summary_shows_the_first_neurons_of_a_wide_layer_only():
    summary = Summary((2, 30, 20, 1))
    assert summary.wide and not Summary((2, WIDE, WIDE, 1)).wide
    assert [summary.neurons(l) for l in range(4)] == [2, SHOWN, SHOWN, 1]
    assert summary.left_out(2) == f"neurons after n{SHOWN} of 20 and weights after w{SHOWN} of 30"
    assert summary.left_out(1) == f"neurons after n{SHOWN} of 30"


def lines(view):
    return {section.heading: section.lines for section in view.sections}


def test_a_wide_step_lists_the_first_neurons_and_counts_the_rest():
    view = step_view(api.step(WIDE_NET, [0.3, 0.8], [1.0], 0.1))
    found = lines(view)
    # By hand, 2-30-20-1 without biases: L1 has 30 nets and 30 outputs (8 + 8 shown); L2's
    # gradients are 20 × 30 (8 × 8 shown); the output neuron's 20 weights (8 shown).
    expected = {"Forward, hidden layer 1 (L1)": (16, 60 - 16), "Forward, hidden layer 2 (L2)": (16, 40 - 16),
                "Forward, output layer (L3)": (2, 0), "Loss": (1, 0), "Backward, output layer (L3)": (3, 0),
                "Gradients, output layer (L3)": (8, 12), "Backward, hidden layer 2 (L2)": (24, 60 - 24),
                "Gradients, hidden layer 2 (L2)": (64, 600 - 64), "Backward, hidden layer 1 (L1)": (24, 90 - 24),
                "Gradients, hidden layer 1 (L1)": (16, 60 - 16), "Updates into the output layer (L3)": (8, 12),
                "Updates into the hidden layer 2 (L2)": (64, 600 - 64),
                "Updates into the hidden layer 1 (L1)": (16, 60 - 16)}
    assert list(found) == list(expected)
    for heading, (shown, left) in expected.items():
        values = [line for line in found[heading] if not line.note]
        notes = [line.note for line in found[heading] if line.note]
        assert len(values) == shown, heading
        assert notes == ([f"and {left:,} more (a layer wider than {WIDE} neurons shows its first {SHOWN} "
                          f"neurons and weights; --all shows every value)"] if left else []), heading
    shown_names = {line.name for section in view.sections for line in section.lines}
    assert {"L1.n8.net", "L2.n8.w8.grad", "L3.n1.w8"} <= shown_names
    assert not {"L1.n9.net", "L2.n1.w9.grad", "L3.n1.w9"} & shown_names
    formula = next(line.formula for line in found["Forward, hidden layer 2 (L2)"] if line.name == "L2.n1.net")
    assert "… 26 more terms …" in formula   # every shown value keeps its formula


def test_all_shows_every_value():
    trace = api.step(WIDE_NET, [0.3, 0.8], [1.0], 0.1)
    view = step_view(trace, summary=False)
    assert [line.name for section in view.sections for line in section.lines] == list(trace.steps[0].values)


def test_a_batch_of_a_wide_network_is_summarised_sample_by_sample():
    data = [([0.1, 0.2], [1.0]), ([0.3, 0.4], [0.0])]
    view = step_view(api.step(WIDE_NET, data=data, lr=0.1))
    sample = [s for s in view.sections if s.heading.startswith("Sample 2") and "Forward, hidden layer 1" in s.heading]
    assert len(sample) == 1 and len(sample[0].lines) == 2 * SHOWN + 1 and sample[0].lines[-1].note


def test_a_narrow_network_is_never_summarised():
    net = random_network([3, WIDE, 2], seed=1, biases=True)
    trace = api.step(net, [0.1, 0.2, 0.3], [0.0, 1.0], 0.1)
    view = step_view(trace)
    assert not any(line.note for section in view.sections for line in section.lines)
    assert sum(len(section.lines) for section in view.sections) == len(trace.steps[0].values)


@pytest.mark.parametrize("after", [False, True])
def test_show_lists_the_connections_into_the_first_neurons_of_each_layer(after):
    trace = api.step(WIDE_NET, [0.3, 0.8], [1.0], 0.1)
    from nntrace.trace.model import network_after
    view = NetworkView(WIDE_NET, network_after(WIDE_NET, trace.steps[0]) if after else None)
    assert view.summarised and not NetworkView(WIDE_NET, summary=False).summarised
    tables = layer_tables(view)
    assert [len(t.rows) for t in tables] == [8 * 2, 8 * 8, 1 * 8]
    assert [t.note for t in tables] == [
        "and 44 more connection(s) into L1 (neurons after n8 of 30; --all shows every one)",
        "and 536 more connection(s) into L2 (neurons after n8 of 20 and weights after w8 of 30; --all shows every one)",
        "and 12 more connection(s) into L3 (weights after w8 of 20; --all shows every one)"]
    assert tables[1].rows[9][:3] == ["L2.n2.w2", "L1.n2", "L2.n2"]
    assert tables[1].rows[9][4] == format(WIDE_NET.weights[1][1][1], ".7g")
    if after:
        assert tables[0].rows[0][5] == format(trace.steps[0].values["L1.n1.w1"], ".7g")


def test_the_summary_judges_each_name_by_its_neuron_and_source_numbers():
    # Written by hand: a name is shown when its neuron is among its layer's shown ones and
    # (a weight's) its source among the layer below's; the loss and other names always.
    import re

    from nntrace.core import names as N
    from nntrace.core.engine import network_program

    summary = Summary((2, 30, 20, 1))
    limits = {0: 2, 1: 8, 2: 8, 3: 1}

    def by_hand(name):
        match = re.fullmatch(r"L(\d+)\.n(\d+)\.(?:w(\d+)|\w+)(?:\.\w+)?", name)
        if not match:
            return True
        layer, neuron, source = int(match[1]), int(match[2]), match[3]
        return neuron <= limits.get(layer, 0) and (source is None or int(source) <= limits[layer - 1])

    names = network_program(random_network([2, 30, 20, 1], biases=True), ).names
    names += ["loss", "mine", "L5.n1.net", "L01.n9.out", "L2.n08.w3", "L2.n3.w09", "L1.n8.b.grad"]
    assert [summary.shows(N.NAME.match(n)) for n in names] == [by_hand(n) for n in names]


def test_the_names_a_summary_shows_are_those_it_judges_shown():
    from nntrace.core import names as N
    from nntrace.core.engine import network_program
    from nntrace.core.settings import make_settings

    for layers in ((2, 30, 20, 1), (40, 3, 17), (3, 4, 2)):
        summary = Summary(layers)
        network = random_network(list(layers), biases=True)
        program = network_program(network, make_settings(0.1, batch_size=2, momentum=0.9))
        names = {a.name for a in program.assigns} | set(program.state)
        assert {n for n in names if summary.shows(N.NAME.match(n))} == names & summary.names()
