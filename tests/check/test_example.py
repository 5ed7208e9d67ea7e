"""The worked-example file (nntrace-example/1): how printed figures are read, when a value
agrees with one, and what a file may and may not say."""

import json
from decimal import Decimal

import pytest

from nntrace.check.example import Figure, agrees, built_in, parse_example, printed_number, read_example
from nntrace.errors import NntraceError

# A 1-1-1 identity network: net1 = 1.5 × 0.3 = 0.45, net2 = 0.45 × 0.7 = 0.315.
TINY = {"network": {"layers": [1, 1, 1], "activation": "identity", "weights": [[[0.3]], [[0.7]]]},
        "input": [1.5], "target": [1], "settings": {"learning_rate": 0.5}}


def refuse(problem: str) -> NntraceError:
    return NntraceError(problem)


def figure(printed: str) -> Figure:
    number, places = printed_number(printed, refuse)
    return Figure("L1.n1.out", "", printed, number, places)


def example(**changes) -> dict:
    return {**json.loads(json.dumps(TINY)), **changes}


def parse(data) -> object:
    return parse_example(data, "ex.json", None)


# Printed digits.

@pytest.mark.parametrize("printed, number, places", [
    ("0.640", Decimal("0.64"), 3),       # the trailing zero was printed: 3 places
    ("0.64", Decimal("0.64"), 2),
    ("1.2e-3", Decimal("0.0012"), 4),    # the mantissa's one place, scaled by 10⁻³
    ("1", Decimal(1), 0),
    ("\u22120.5", Decimal("-0.5"), 1),   # − (U+2212), as typeset texts print a minus
    ("-0.0412", Decimal("-0.0412"), 4),
    (" 0.6000256 ", Decimal("0.6000256"), 7),
])
def test_printed_digits_are_the_places_of_the_printed_string(printed, number, places):
    assert printed_number(printed, refuse) == (number, places)


@pytest.mark.parametrize("printed, problem", [
    ("0,64", "'0,64' has a decimal comma; write it with a point (0.64)"),
    ("abc", "'abc' is not a number as printed"),
    ("0.64…", "'0.64…' is not a number as printed"),
    ("nan", "'nan' is not a finite number"),
    ("inf", "'inf' is not a finite number"),
    ("1_0", "'1_0' is not a number as printed (digits 0-9, a point, an exponent)"),
    ("\u0663", "'\u0663' is not a number as printed (digits 0-9, a point, an exponent)"),
    ("1e1000000", "'1e1000000' has an exponent beyond any float64"),
    ("1e-2000", "'1e-2000' has an exponent beyond any float64"),
])
def test_what_is_not_a_number_as_printed_is_refused(printed, problem):
    with pytest.raises(NntraceError) as error:
        printed_number(printed, refuse)
    assert str(error.value) == problem


# agrees: rounding half up, half even, or truncating to the printed places.

@pytest.mark.parametrize("value, printed, expected", [
    (0.6456563062, "0.64", True),     # truncated
    (0.6456563062, "0.65", True),     # rounded
    (0.6456563062, "0.66", False),
    (0.6456563062, "0.646", True),    # rounded; truncation gives 0.645
    (0.6456563062, "0.645", True),
    (0.6456563062, "0.6457", True),
    (0.6456563062, "0.6", True),      # at one place both give 0.6
    (0.6456563062, "0.7", False),
    (0.6456563062, "0.640", False),   # three places printed: 0.645 or 0.646
    (0.125, "0.12", True),            # a tie: half even (and truncation) give 0.12
    (0.125, "0.13", True),            # half up gives 0.13
    (0.125, "0.11", False),
    (0.375, "0.38", True),            # half even rounds this tie up too
    (0.375, "0.37", True),            # truncation
    (0.375, "0.39", False),
    (-0.125, "-0.12", True),          # truncation is toward zero, half even to the even digit
    (-0.125, "-0.13", True),          # half up is away from zero
    (-0.125, "0.12", False),          # the sign counts
    (-0.6456563062, "-0.64", True),
    (-0.6456563062, "-0.65", True),
    (-0.6456563062, "-0.66", False),
    (0.2, "0.2", True),               # through repr: the float 0.2 is the decimal 0.2 a person reads
    (1.0, "1", True),
    (1.0, "1.00", True),
])
def test_a_value_agrees_when_rounding_or_truncating_gives_the_figure(value, printed, expected):
    assert agrees(value, figure(printed)) is expected


def test_agrees_with_decimals_and_not_with_what_is_not_finite():
    assert agrees(Decimal("0.385"), figure("0.38"))      # half even, truncated
    assert agrees(Decimal("0.385"), figure("0.39"))      # half up
    assert not agrees(Decimal("0.385"), figure("0.40"))
    assert not agrees(float("inf"), figure("1"))
    assert not agrees(Decimal("NaN"), figure("1"))
    assert not agrees(1e300, figure("0.000001"))         # more digits than decimal holds: no


# Reading a file.

def test_a_file_is_read_with_its_names_figures_and_settings(tmp_path):
    data = example(title="tiny", names={"net_o": "L2.n1.net", "dE/dout": "-L2.n1.error"},
                   figures={"dE/dout": "−0.685", "net_o": "0.315", "L1.n1.net": "0.45", "loss": ""})
    path = tmp_path / "ex.json"
    path.write_text(json.dumps(data))
    found = read_example(path)
    assert (found.title, found.input, found.target, found.settings.learning_rate) == ("tiny", [1.5], [1.0], 0.5)
    # In computation order, whatever the file's order; "" is a figure not printed.
    assert [f.name for f in found.figures] == ["L1.n1.net", "L2.n1.net", "L2.n1.error"]
    error = found.figures[2]
    # The text's dE/dout is out − target = −0.685; nntrace's error is target − out = 0.685.
    assert (error.source_name, error.printed, error.value, error.places, error.negated) == \
        ("dE/dout", "−0.685", Decimal("0.685"), 3, True)
    assert found.figures[0].label == "L1.n1.net" and found.figures[1].label == "net_o"
    assert found.labels() == {"L2.n1.net": "net_o", "L2.n1.error": "−dE/dout"}


def test_a_network_path_is_relative_to_the_example_file(tmp_path, monkeypatch):
    (tmp_path / "net.json").write_text(json.dumps(TINY["network"]))
    (tmp_path / "ex.json").write_text(json.dumps(example(network="net.json")))
    monkeypatch.chdir("/")
    assert read_example(tmp_path / "ex.json").network.weights == [[[0.3]], [[0.7]]]


def test_missing_settings_take_their_defaults():
    found = parse(example(settings={}))
    assert (found.settings.learning_rate, found.settings.loss, found.settings.weight_decay) == \
        (0.001, "half-squared-error", 0.0)


def test_the_built_in_example_is_the_articles():
    found = built_in()
    assert found.source.startswith("https://dev.to/liashchynskyi/")
    assert len(found.figures) == 37 and found.figures[0].printed == "0.6"


@pytest.mark.parametrize("changes, message", [
    ({"figures": {"L1.n1.net": "abc"}}, "ex.json: figures: L1.n1.net: 'abc' is not a number as printed"),
    ({"figures": {"L1.n1.net": "0,45"}},
     "ex.json: figures: L1.n1.net: '0,45' has a decimal comma; write it with a point (0.45)"),
    ({"figures": {"L1.n1.net": 0.45}},
     "ex.json: figures: L1.n1.net: write the figure as a string, as printed: \"0.45\""),
    ({"figures": {"L1.n1.nett": "0.45"}},
     "ex.json: figures: L1.n1.nett: neither a trace name of this network nor in names (did you mean L1.n1.net?)"),
    ({"names": {"net_h": "L1.n1.net"}, "figures": {"net_hh": "0.45"}},
     "ex.json: figures: net_hh: neither a trace name of this network nor in names (did you mean net_h?)"),
    ({"names": {"net_h": "L1.n9.net"}},
     "ex.json: names: net_h: 'L1.n9.net' is not a trace name of this network (did you mean L1.n1.net?)"),
    ({"names": {"net_h": "L1.n1.net"}, "figures": {"net_h": "0.45", "L1.n1.net": "0.46"}},
     "ex.json: figures: L1.n1.net: L1.n1.net is printed twice (also as net_h)"),
    ({"names": ["net_h"]}, "ex.json: names: expected an object of the text's name: trace name"),
    ({"figures": ["0.45"]}, "ex.json: figures: expected an object of name: the figure as printed (a string)"),
    ({"settings": {"learning_rate": 0.5, "convention": "article"}},
     "ex.json: settings: convention: not a setting an example carries (it may carry learning_rate, loss, "
     "weight_decay; the checker finds the convention and the slips)"),
    ({"settings": {"slips": ["rounded:2"]}}, "ex.json: settings: slips: not a setting an example carries"),
    ({"settings": {"learning_rate": "x"}}, "ex.json: settings: learning_rate: not a number"),
    ({"settings": {"loss": "cross-entropy"}},
     "ex.json: settings: loss: cross-entropy needs softmax outputs; the network 1-1-1's output layer is identity"),
    ({"settings": 0.5}, "ex.json: settings: expected an object"),
    ({"figurs": {}}, "ex.json: figurs: unknown key (known: format, title, source, note, network, input, "
                     "target, settings, names, figures)"),
    ({"format": "nntrace-example/2"}, "ex.json: format: expected 'nntrace-example/1', got \"nntrace-example/2\""),
    ({"input": [1.5, 2]}, "ex.json: input: the network 1-1-1 takes 1 number(s), got 2"),
    ({"target": [1, 0]}, "ex.json: target: the network 1-1-1 has 1 output(s), got 2"),
    ({"input": "1.5"}, "ex.json: input: expected a list of numbers"),
    ({"title": 5}, "ex.json: title: expected a string"),
    ({"network": {"layers": [1, 1], "activation": "identity", "weights": [[[0.3, 1]]]}}, "ex.json: network"),
])
def test_what_an_example_file_may_not_say_is_refused_in_one_line(changes, message):
    with pytest.raises(NntraceError) as error:
        parse(example(**changes))
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_a_network_file_given_as_an_example_is_named_as_one():
    with pytest.raises(NntraceError) as error:
        parse_example({"layers": [1, 1], "activation": "identity", "weights": [[[0.3]]]}, "net.json", None)
    assert str(error.value) == ("net.json: a network file, not a worked example (one holds a network, its "
                                "input and target, and the figures printed: docs/formats.md)")


@pytest.mark.parametrize("missing", ["network", "input", "target"])
def test_an_example_needs_its_network_and_sample(missing):
    data = example()
    del data[missing]
    with pytest.raises(NntraceError, match=f"^ex.json: {missing}: missing \\(an example is a network, one "
                                           f"sample and its figures\\)$"):
        parse(data)


def test_a_network_path_that_does_not_exist_names_the_example_and_the_path(tmp_path):
    (tmp_path / "ex.json").write_text(json.dumps(example(network="nope.json")))
    with pytest.raises(NntraceError) as error:
        read_example(tmp_path / "ex.json")
    assert str(error.value) == (f"{tmp_path / 'ex.json'}: network: {tmp_path / 'nope.json'}: cannot read: "
                                f"No such file or directory")


def test_a_target_the_loss_cannot_take_is_refused():
    data = example(network={"layers": [1, 1, 1], "activation": "sigmoid", "weights": [[[0.3]], [[0.7]]]},
                   target=[2], settings={"loss": "binary-cross-entropy"})
    with pytest.raises(NntraceError, match="^ex.json: target: binary-cross-entropy takes targets from 0 to 1"):
        parse(data)


def test_a_trace_or_an_empty_file_given_as_an_example_is_named_as_such(tmp_path):
    from nntrace import api
    from nntrace.trace import write_trace

    trace = api.step(input=[0, 1])
    for name in ("t.json", "t.jsonl"):
        write_trace(trace, tmp_path / name)
        with pytest.raises(NntraceError, match=rf"{name}: a trace \(nntrace-trace/2\), not a worked example"):
            read_example(tmp_path / name)
    (tmp_path / "empty.json").write_text("\n")
    with pytest.raises(NntraceError) as error:
        read_example(tmp_path / "empty.json")
    assert str(error.value) == f"{tmp_path / 'empty.json'}: empty file, not a worked example"
