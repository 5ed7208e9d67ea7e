import json

import pytest

from nntrace.errors import NntraceError
from nntrace.core.network import Network, load_network, random_network, save_network

GOOD = {
    "layers": [2, 3, 2],
    "activation": ["tanh", "sigmoid"],
    "weights": [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[1, 2, 3], [4, 5, 6]]],
    "biases": [[0.1, 0.2, 0.3], [0.4, 0.5]],
}


def write(tmp_path, data) -> str:
    path = tmp_path / "net.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_loads_a_valid_network(tmp_path):
    net = load_network(write(tmp_path, GOOD))
    assert net.layers == [2, 3, 2]
    assert net.activations == ["tanh", "sigmoid"]
    assert net.weights[1][1][2] == 6.0
    assert net.biases == [[0.1, 0.2, 0.3], [0.4, 0.5]]
    assert net.describe() == "2-3-2 tanh/sigmoid, biases"


def test_one_activation_name_applies_to_every_layer(tmp_path):
    net = load_network(write(tmp_path, {**GOOD, "activation": "relu"}))
    assert net.activations == ["relu", "relu"]


def test_save_then_load_round_trips(tmp_path):
    net = Network.from_dict(GOOD)
    path = tmp_path / "out.json"
    save_network(net, path)
    data = json.loads(path.read_text())
    assert data["format"] == "nntrace-network/1"
    assert load_network(path) == net


def test_random_network_is_reproducible_and_in_range():
    a = random_network([2, 4, 1], seed=7)
    b = random_network([2, 4, 1], seed=7)
    assert a == b
    values = [w for m in a.weights for row in m for w in row]
    assert len(values) == 12 and all(0 <= w <= 1 for w in values)
    assert random_network([2, 4, 1], seed=8) != a


def broken(**changes):
    data = json.loads(json.dumps(GOOD))
    data.update(changes)
    return data


@pytest.mark.parametrize("data, expected", [
    ("{not json", "line 1 column 2: not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    (broken(layers=[2, 0, 2]), "layers[1]: a layer needs at least 1 neuron, got 0"),
    (broken(layers=[2, 2.5, 2]), "layers[1]: 2.5 is not a whole number"),
    (broken(layers=[2]), "layers: expected a list of at least 2"),
    (broken(activation="softsign"), 'activation: unknown activation "softsign"'),
    (broken(activation=["tanh"]), "activation: expected one name per non-input layer (2), got 1"),
    (broken(weigths=[]), "weigths: unknown key"),
    (broken(weights=[[[0.1, 0.2], [0.3, 0.4]], [[1, 2, 3], [4, 5, 6]]]), "weights[0]: expected 3 rows"),
    (broken(weights=[[[0.1, 0.2], [0.3], [0.5, 0.6]], [[1, 2, 3], [4, 5, 6]]]),
     "weights[0][1]: expected 2 numbers (one per neuron of layer 0), got 1"),
    (broken(weights=[[[0.1, "x"], [0.3, 0.4], [0.5, 0.6]], [[1, 2, 3], [4, 5, 6]]]),
     'weights[0][0][1]: "x" is not a number'),
    (broken(weights=[[[0.1, True], [0.3, 0.4], [0.5, 0.6]], [[1, 2, 3], [4, 5, 6]]]),
     "weights[0][0][1]: true is not a number"),
    (broken(biases=[[0.1, 0.2, 0.3], [0.4]]), "biases[1]: expected 2 numbers"),
    (broken(format="other/2"), "format: expected 'nntrace-network/1'"),
])
def test_malformed_files_name_the_file_the_place_and_the_problem(tmp_path, data, expected):
    path = write(tmp_path, data)
    with pytest.raises(NntraceError) as error:
        load_network(path)
    message = str(error.value)
    assert message.startswith(path + ": ")
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(tmp_path, token):
    text = json.dumps(GOOD).replace("0.4, 0.5]]", f"0.4, {token}]]")
    # The place too: a NaN used to be refused naming no place.
    with pytest.raises(NntraceError, match=rf"biases\[1\]\[1\]: {token} is not a number JSON allows"):
        load_network(write(tmp_path, text))


def test_a_number_too_large_for_a_float_is_refused(tmp_path):
    text = json.dumps(GOOD).replace("0.4, 0.5]]", "0.4, 1e400]]")
    with pytest.raises(NntraceError, match=r"biases\[1\]\[1\]: a number beyond a float's range"):
        load_network(write(tmp_path, text))


def test_missing_file_is_one_line(tmp_path):
    with pytest.raises(NntraceError, match="cannot read: No such file or directory"):
        load_network(tmp_path / "missing.json")


@pytest.mark.parametrize("text, message", [
    ("[" * 100000 + "]" * 100000, "nested too deeply"),
    ('{"layers": [2, ' + "9" * 5000 + ']}', "not readable as JSON"),
])
def test_pathological_json_is_one_line(tmp_path, text, message):
    with pytest.raises(NntraceError, match=message):
        load_network(write(tmp_path, text))


def test_an_integer_too_large_for_a_float_is_refused(tmp_path):
    text = json.dumps(GOOD).replace("0.4, 0.5]]", "0.4, 1" + "0" * 400 + "]]")
    with pytest.raises(NntraceError, match=r"biases\[1\]\[1\]: a number beyond a float's range"):
        load_network(write(tmp_path, text))


def test_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "net.json"
    path.write_text("\ufeff" + json.dumps(GOOD), encoding="utf-8")
    assert load_network(path).layers == [2, 3, 2]


def test_the_transposed_layout_is_named(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["weights"][0] = [list(column) for column in zip(*data["weights"][0])]   # 2 rows of 3
    with pytest.raises(NntraceError, match=r"weights\[0\]: 2 rows of 3: the transposed layout \(one row "
                                           r"per neuron of layer 0, as x @ W\); a network file has one row "
                                           r"per neuron of layer 1 \(3 rows of 2\)"):
        load_network(write(tmp_path, json.dumps(data)))


def test_a_trace_given_as_a_network_is_named_as_a_trace(tmp_path):
    from nntrace import api
    from nntrace.trace import write_trace

    trace = api.step(input=[0, 1])
    for name in ("t.json", "t.jsonl"):
        write_trace(trace, tmp_path / name)
        with pytest.raises(NntraceError, match=rf"{name}: a trace \(nntrace-trace/2\), not a network file"):
            load_network(tmp_path / name)
    with pytest.raises(NntraceError, match=r"a trace \(it has steps\), not a network file"):
        load_network(write(tmp_path, '{"steps": []}'))


def test_an_empty_network_file_is_called_empty(tmp_path):
    with pytest.raises(NntraceError, match=r"empty file, not a network file$"):
        load_network(write(tmp_path, "  \n"))


def test_standard_input_is_read_for_a_dash(monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(GOOD).encode())))
    assert load_network("-").layers == [2, 3, 2]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"layers": [2]}')))
    with pytest.raises(NntraceError, match=r"^standard input: layers: "):
        load_network("-")
