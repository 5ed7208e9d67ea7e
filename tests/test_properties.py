"""Property-based tests: whatever a file or an option holds, nntrace gives a result, or one
line naming the problem and exit status 2; never a traceback, never a partial file.

Examples are drawn by hypothesis with a fixed seed and a bounded count (the "nntrace"
profile in conftest.py), so CI runs the same few hundred cases every time.
"""

import json
import re
import string
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from nntrace import article
from nntrace.cli import OUTPUTS, cli
from nntrace.core.network import KEYS, Network, parse_json
from nntrace.errors import NntraceError
from nntrace.trace.read import parse_trace
from nntrace.train.data import parse_csv

ROOT = Path(__file__).resolve().parents[1]


def one_line(error: Exception, source: str | None = None) -> None:
    message = str(error)
    assert message and "\n" not in message and "Traceback" not in message
    if source is not None:
        assert message.startswith(source + ":") or message.startswith(f"{source}: "), message


# Readers, on any text and on JSON shaped like what they expect.

NUMBERISH = st.sampled_from(["0", "1", "-1", "0.5", "1e3", "−2", "nan", "inf", "1e400", "", " ", "x",
                             "0,5", "1_0", "٣", "0x10", "+.5", "1e-320",
                             "1e1000000", "1E-999999"])
CSV_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.lists(NUMBERISH, max_size=6).map(lambda fields: fields), max_size=8).flatmap(
        lambda rows: st.sampled_from([",", ";", "\t", " ", ", "]).map(
            lambda mark: "\n".join(mark.join(row) for row in rows))),
)


@given(text=CSV_TEXT, inputs=st.integers(1, 3), outputs=st.integers(1, 3))
def test_the_csv_reader_reads_or_refuses_in_one_line(text, inputs, outputs):
    try:
        data = parse_csv(text, "d.csv", inputs, outputs)
    except NntraceError as error:
        one_line(error, "d.csv")
    else:
        assert data.samples and all(len(s.inputs) == inputs and len(s.targets) == outputs
                                    for s in data.samples)


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**400),
                         st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))


def json_values(leaves=JSON_SCALARS, keys=st.text(max_size=8)):
    return st.recursive(leaves, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=30)


SIZES = st.integers(-1, 4) | st.sampled_from([True, 2.0, "2", None])
NETWORK_LIKE = st.fixed_dictionaries(
    {"layers": st.lists(SIZES, min_size=0, max_size=4)},
    optional={"format": st.sampled_from(["nntrace-network/1", "nntrace-trace/2", "x", 1]),
              "activation": st.sampled_from(["sigmoid", "softmax", "tanh", "nope", ["relu", "softmax"], 3]),
              "weights": json_values(st.one_of(st.floats(-2, 2), JSON_SCALARS)),
              "biases": json_values(st.one_of(st.floats(-2, 2), JSON_SCALARS)),
              "steps": st.just([]), "extra": st.integers()})


@given(data=st.one_of(json_values(), NETWORK_LIKE,
                      st.builds(lambda w: {**article.network().to_dict(), "weights": w}, json_values())))
def test_the_network_validator_accepts_or_refuses_in_one_line(data):
    try:
        network = Network.from_dict(data, "net.json")
    except NntraceError as error:
        one_line(error, "net.json")
    else:
        assert set(data) <= KEYS and len(network.weights) == len(network.layers) - 1


@given(text=st.one_of(st.text(max_size=200), json_values().map(json.dumps),
                      NETWORK_LIKE.map(lambda d: json.dumps(d, allow_nan=True))))
def test_the_network_file_parser_reads_or_refuses_in_one_line(text):
    try:
        Network.from_dict(parse_json(text, "net.json"), "net.json")
    except NntraceError as error:
        one_line(error, "net.json")


VALUES = st.dictionaries(st.sampled_from(["L1.n1.net", "L2.n1.out", "loss", "L1.n1.w1", "x"]),
                         st.one_of(st.floats(allow_nan=False), st.none(), st.text(max_size=3)), max_size=4)
STEP = st.fixed_dictionaries({}, optional={
    "iteration": st.one_of(st.integers(-2, 5), st.floats(0, 3), st.text(max_size=2)),
    "epoch": st.one_of(st.none(), st.integers(-1, 3), st.text(max_size=2)),
    "input": st.one_of(st.lists(st.floats(-1, 1), max_size=3), st.text(max_size=2)),
    "target": st.lists(st.one_of(st.floats(-1, 1), st.text(max_size=1)), max_size=2),
    "values": st.one_of(VALUES, st.lists(st.integers(), max_size=2)),
    "samples": st.lists(st.fixed_dictionaries({"values": VALUES}), max_size=2)})
HEADER = st.fixed_dictionaries({}, optional={
    "format": st.sampled_from(["nntrace-trace/2", "nntrace-trace/1", "nntrace-network/1", "other", 2]),
    "learning_rate": st.one_of(st.floats(-1, 1), st.text(max_size=3), st.none()),
    "convention": st.sampled_from(["exact", "article", "nope", 3]),
    "loss": st.sampled_from(["half-squared-error", "cross-entropy", "nope", None]),
    "batch_size": st.sampled_from([1, 2, "all", 0, -1, "x", 1.5]),
    "momentum": st.one_of(st.floats(-1, 1), st.text(max_size=2)),
    "slips": st.one_of(st.lists(st.sampled_from(["wrong-sign", "nope", 3]), max_size=2), st.integers()),
    "network": st.one_of(st.just(article.network().to_dict()), NETWORK_LIKE)})
TRACE_TEXT = st.one_of(
    st.text(max_size=200),
    json_values().map(json.dumps),
    st.builds(lambda h, s: json.dumps({**h, "steps": s}), HEADER, st.lists(STEP, max_size=3)),
    st.builds(lambda h, s: "\n".join(map(json.dumps, [h, *s])), HEADER, st.lists(STEP, max_size=3)),
)


@given(text=TRACE_TEXT)
def test_the_trace_reader_reads_or_refuses_in_one_line(text):
    try:
        trace = parse_trace(text, "t.json")
    except NntraceError as error:
        one_line(error, "t.json")
    else:
        assert all(step.iteration >= 1 for step in trace.steps)


EXAMPLE = json.loads((ROOT / "nntrace" / "examples" / "article.json").read_text(encoding="utf-8"))
EXAMPLE_LIKE = st.builds(
    lambda changes, drop: {**{k: v for k, v in EXAMPLE.items() if k not in drop}, **changes},
    st.dictionaries(st.sampled_from(["format", "network", "input", "target", "settings", "names",
                                     "figures", "title", "note", "extra"]),
                    st.one_of(json_values(), NETWORK_LIKE,
                              st.dictionaries(st.sampled_from(["L1.n1.net", "net_o", "x", "-L2.n1.error"]),
                                              st.one_of(NUMBERISH, st.text(max_size=6), JSON_SCALARS),
                                              max_size=3)), max_size=2),
    st.sets(st.sampled_from(["network", "input", "target", "settings", "names", "figures"]), max_size=2))


@given(data=st.one_of(EXAMPLE_LIKE, json_values()))
def test_the_worked_example_reader_reads_or_refuses_in_one_line(data):
    from nntrace.check.example import parse_example

    try:
        example = parse_example(data, "ex.json", None)
    except NntraceError as error:
        one_line(error, "ex.json")
    else:
        assert len(example.input) == example.network.inputs


@given(text=st.one_of(EXAMPLE_LIKE.map(json.dumps), st.text(max_size=80)))
def test_any_worked_example_file_gives_a_result_or_one_line(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("example")
    path = folder / "ex.json"
    path.write_text(text, encoding="utf-8")
    check_outcome(CliRunner().invoke(cli, ["check", str(path)]), folder)


# Every option of every command, given any text: a result, or one line and exit 2.

OPTION_CASES = [(command, param.name) for command in ("step", "train", "show", "diff", "init", "check")
                for param in cli.commands[command].params
                if param.name != "help" and not getattr(param, "is_flag", False)]
BASE = {"step": ["--input", "0", "1"], "train": ["--epochs", "2"], "show": [],
        "diff": [str(ROOT / "fixtures/article/exact.json"), str(ROOT / "fixtures/slips/updated-weights.json")],
        "init": ["2-2-1"], "check": []}
SAFE_NAME = st.text(string.ascii_letters + string.digits + "._-", min_size=0, max_size=12)
TEXT = st.one_of(st.text(max_size=20), NUMBERISH, st.integers(-10**20, 10**20).map(str),
                 st.floats().map(repr), SAFE_NAME)


def args_for(command: str, name: str, value: str) -> list[str]:
    """The command's base arguments with the one under test replaced by `value`."""
    base = list(BASE[command])
    arguments = {"expected": 0, "actual": 1, "layers": 0, "example": 0}
    if name in arguments:
        base[arguments[name]:arguments[name] + 1] = [value]
        return [command, *base]
    option = next(p for p in cli.commands[command].params if p.name == name).opts[0]
    if option in base:
        at = base.index(option)
        base[at + 1:] = [value]   # --input 0 1: the option's other values go too
        return [command, *base]
    return [command, *base, option, value]


def too_slow(command: str, name: str, value: str) -> bool:
    """Values that are valid and only slow: many epochs, or a huge network to draw."""
    digits = re.fullmatch(r"\s*\+?0*(\d+)\s*", value)
    if name in ("epochs",) and digits and int(digits.group(1)) > 50:
        return True
    if name == "layers" and re.fullmatch(r"[\d-]+", value):
        sizes = [int(s) for s in value.split("-") if s.isdigit() and len(s) < 8]
        return sum(a * b for a, b in zip(sizes, sizes[1:])) > 5000
    return False


@pytest.mark.parametrize("command, name", OPTION_CASES)
@given(value=TEXT)
def test_any_option_value_gives_a_result_or_one_line_and_exit_2(tmp_path_factory, monkeypatch, command,
                                                              name, value):
    assume(not too_slow(command, name, value))
    if name in OUTPUTS:   # written where the test looks, never elsewhere on the machine
        assume("/" not in value and "\\" not in value and "\x00" not in value)
    folder = tmp_path_factory.mktemp("run")
    monkeypatch.chdir(folder)   # output options write here (their names have no folder in them)
    (folder / "net.json").write_text(json.dumps(article.network().to_dict()))
    result = CliRunner().invoke(cli, args_for(command, name, value), input="")
    check_outcome(result, folder)


def check_outcome(result, folder: Path) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("nntrace"), result.stderr
    leftovers = [p.name for p in folder.rglob("*") if p.name.startswith(".") and p.name.endswith(".tmp")]
    assert leftovers == []   # never a partial file


@pytest.mark.parametrize("output", ["--trace", "--save", "--export", "--picture"])
@given(name=SAFE_NAME, lr=TEXT)
def test_a_refused_step_writes_no_file_and_a_run_writes_whole_ones(tmp_path_factory, monkeypatch, output,
                                                                   name, lr):
    folder = tmp_path_factory.mktemp("files")
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli, ["step", "--input", "0", "1", "--lr", lr, output, name])
    check_outcome(result, folder)
    written = [p for p in folder.iterdir()]
    if result.exit_code == 2:
        assert written == []
    elif written:
        text = written[0].read_text(encoding="utf-8")
        if written[0].suffix.lower() in (".json", ".jsonl") or output == "--save":
            parse_json(text.splitlines()[0] if written[0].suffix.lower() == ".jsonl" else text, "out")


@given(text=CSV_TEXT)
def test_any_data_file_gives_a_result_or_one_line(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("data")
    path = folder / "d.csv"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", "--epochs", "1", "--data", str(path), "--save",
                                      str(folder / "out.json")])
    check_outcome(result, folder)
    assert (folder / "out.json").exists() == (result.exit_code in (0, 1))


@given(text=st.one_of(NETWORK_LIKE.map(json.dumps), json_values().map(json.dumps), st.text(max_size=80)))
def test_any_network_file_gives_a_result_or_one_line(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("weights")
    path = folder / "net.json"
    path.write_text(text, encoding="utf-8")
    for command in (["show", "--weights", str(path)], ["step", "--weights", str(path), "--input", "0", "1"]):
        check_outcome(CliRunner().invoke(cli, command), folder)


@given(text=TRACE_TEXT)
def test_any_trace_given_to_diff_gives_a_result_or_one_line(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("trace")
    path = folder / "t.json"
    path.write_text(text, encoding="utf-8")
    for pair in ([path, path], [ROOT / "fixtures/article/exact.json", path]):
        check_outcome(CliRunner().invoke(cli, ["diff", *map(str, pair)]), folder)
