"""What a real machine and real hands do to the command line: one file named twice, `-`,
standard output closed or full, streams that are not UTF-8, U+2212 minus signs."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from nntrace import article
from nntrace.cli import cli
from nntrace.core.network import load_network

ROOT = Path(__file__).resolve().parents[1]
MAZUR = str(ROOT / "examples" / "2-2-2.json")


def invoke(*args, **kwargs):
    runner_options = {key: kwargs.pop(key) for key in ("charset",) if key in kwargs}
    return CliRunner(**runner_options).invoke(cli, [str(a) for a in args], **kwargs)


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    """The real process, for what CliRunner cannot stage: closed or full standard output."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "nntrace", *map(str, args)], stderr=subprocess.PIPE,
                          text=True, **kwargs)


@pytest.fixture
def network(tmp_path) -> Path:
    path = tmp_path / "net.json"
    path.write_text(json.dumps(article.network().to_dict()))
    return path


# One path given twice destroyed a file, exit 0.

@pytest.mark.parametrize("args, blamed, other", [
    (["step", "--input", 0, 1, "--weights", "{net}", "--trace", "{net}"], "--trace", "--weights"),
    (["step", "--input", 0, 1, "--trace", "{dir}/same.md", "--export", "{dir}/same.md"], "--export", "--trace"),
    (["train", "--epochs", 2, "--save", "{dir}/x.jsonl", "--trace", "{dir}/x.jsonl"], "--trace", "--save"),
    (["train", "--epochs", 2, "--data", "{dir}/d.csv", "--save", "{dir}/d.csv"], "--save", "--data"),
    (["show", "--weights", "{dir}/n.md", "--export", "{dir}/n.md"], "--export", "--weights"),
    (["step", "--input", 0, 1, "--save", "{dir}/s.svg", "--picture", "{dir}/./s.svg"], "--picture", "--save"),
])
def test_no_two_options_name_the_same_file(tmp_path, network, args, blamed, other):
    (tmp_path / "d.csv").write_text("0,0,0\n0,1,1\n")
    (tmp_path / "n.md").write_text(json.dumps(article.network().to_dict()))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    args = [str(a).format(net=network, dir=tmp_path) for a in args]
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{blamed}'" in result.output and f"the same file as '{other}'" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before   # nothing touched


def test_the_same_file_through_a_link_is_the_same_file(tmp_path, network):
    link = tmp_path / "link.json"
    link.symlink_to(network)
    hard = tmp_path / "hard.json"
    hard.hardlink_to(network)
    for alias in (link, hard):
        result = invoke("step", "--input", 0, 1, "--weights", network, "--trace", alias)
        assert result.exit_code == 2 and "the same file as '--weights'" in result.output
    assert json.loads(network.read_text()) == article.network().to_dict()


def test_weights_and_save_may_name_the_same_file_an_update_in_place(tmp_path, network):
    from nntrace.trace.model import network_after
    from nntrace.trace.read import parse_trace

    traced = parse_trace(invoke("step", "--input", 0, 1, "--lr", 0.5, "--json").stdout, "step")
    result = invoke("step", "--input", 0, 1, "--lr", 0.5, "--weights", network, "--save", network)
    assert result.exit_code == 0, result.output
    assert load_network(network) == network_after(traced.network, traced.steps[0])
    assert load_network(network) != article.network()
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]   # written atomically: no leftovers


# `-` is standard input for --weights and --data; never an output.

@pytest.mark.parametrize("args", [("step", "--example", "ex.json", "--trace"),
                                  ("step", "--example", "ex.json", "--save"),
                                  ("check", "ex.json", "--export")])
def test_no_output_replaces_the_network_an_example_file_names(tmp_path, args):
    # The example names its network by a path of its own: no option shows it to the command line.
    (tmp_path / "net.json").write_text(Path(MAZUR).read_text())
    example = json.loads((ROOT / "examples" / "mazur-2-2-2.json").read_text())
    (tmp_path / "ex.json").write_text(json.dumps({**example, "network": "net.json"}))
    before = (tmp_path / "net.json").read_bytes()
    target = "net.md" if args[0] == "check" else "net.json"
    if args[0] == "check":
        (tmp_path / "net.md").symlink_to(tmp_path / "net.json")
    result = invoke(*[tmp_path / a if a == "ex.json" else a for a in args], tmp_path / target)
    assert result.exit_code == 2
    assert f"is the network of {tmp_path / 'ex.json'}, read by this command" in result.output
    assert (tmp_path / "net.json").read_bytes() == before
    assert invoke("step", "--example", tmp_path / "ex.json", "--trace", tmp_path / "t.json").exit_code == 0


def test_dash_reads_the_network_from_standard_input(network):
    from_file = invoke("step", "--input", 0, 1, "--weights", network, "--json")
    from_stdin = invoke("step", "--input", 0, 1, "--weights", "-", "--json", input=network.read_text())
    assert from_stdin.exit_code == 0, from_stdin.output
    assert json.loads(from_stdin.stdout)["steps"] == json.loads(from_file.stdout)["steps"]


def test_dash_reads_the_data_from_standard_input():
    result = invoke("train", "--epochs", 1, "--data", "-", "--json", input="x1,x2,t\n0,0,0\n0,1,1\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["data"] == "standard input"
    bad = invoke("train", "--epochs", 1, "--data", "-", input="0,0,0\n0,1\n")
    assert bad.exit_code == 2
    assert "nntrace: standard input: line 2: expected 3 numbers" in bad.output


def test_standard_input_is_read_once(network):
    result = invoke("train", "--weights", "-", "--data", "-", input=network.read_text())
    assert result.exit_code == 2
    assert "Invalid value for '--data': standard input, already read by '--weights'" in result.output


@pytest.mark.parametrize("command, option, hint", [
    ("step", "--trace", "print the trace with --json"),
    ("step", "--save", "name a file"),
    ("step", "--export", "name a file"),
    ("train", "--trace", "name a file"),
])
def test_dash_is_no_output_file(tmp_path, monkeypatch, command, option, hint):
    monkeypatch.chdir(tmp_path)
    args = ["--input", 0, 1] if command == "step" else ["--epochs", 1]
    result = invoke(command, *args, option, "-")
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': '-': standard output holds the report, not a file; {hint}" \
        in result.output
    assert list(tmp_path.iterdir()) == []   # no file called -


# Standard output closed or full: one line and a status that is not 0.

def test_closed_standard_output_is_one_line_and_exit_2():
    result = run("step", "--input", 0, 1, stdout=subprocess.DEVNULL,
                 preexec_fn=lambda: __import__("os").close(1))
    assert result.returncode == 2
    assert result.stderr == "nntrace: cannot write standard output: it is closed\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["step", "--input", 0, 1], ["step", "--input", 0, 1, "--json"],
                                  ["init", "2-4-1"], ["--help"]])
def test_a_full_disk_under_standard_output_is_one_line_and_exit_2(args):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "nntrace", *map(str, args)], stdout=full,
                                stderr=subprocess.PIPE, text=True)
    assert result.returncode == 2
    assert result.stderr == "nntrace: cannot write standard output: No space left on device\n"


# Streams that are not UTF-8 get ASCII; plain output has no trailing spaces.

@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
@pytest.mark.parametrize("args", [["step", "--input", 0, 1], ["show"], ["train", "--epochs", 300, "--lr", 0.5],
                                  ["diff", "fixtures/article/exact.json", "fixtures/slips/updated-weights.json"],
                                  ["step", "--input", 0, 1, "--lr", "x"]])
def test_a_stream_that_is_not_utf8_gets_ascii_not_a_traceback(encoding, args):
    result = run(*args, cwd=ROOT, env={**__import__("os").environ, "PYTHONIOENCODING": encoding})
    assert result.returncode in (0, 1, 2) and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.isascii() and result.stderr.isascii()
    assert result.stdout or result.stderr


def test_ascii_output_keeps_the_columns_aligned():
    utf8 = invoke("step", "--input", 0, 1).stdout.splitlines()
    ascii = invoke("step", "--input", 0, 1, charset="ascii").stdout.splitlines()
    assert len(utf8) == len(ascii)
    row = next(line for line in ascii if line.startswith(" L1.n1.net"))
    assert row == " L1.n1.net       net1_h = 0 x 0.2 + 1 x 0.6 = 0.6                  0.6 ok"
    # The loss line: ½ -> 1/2 and ² -> ^2 take their width from the gap before the next column.
    loss = next(line for line in ascii if line.startswith(" loss"))
    assert loss == " loss            1/2 x (1 - 0.7855297)^2 = 0.02299875"
    # ≠1 -> !=1 ends the line: the article column still starts where it does in UTF-8.
    net = next(i for i, line in enumerate(utf8) if line.startswith(" L2.n1.net"))
    assert ascii[net].index("1.28 !=1") == utf8[net].index("1.28 ≠1")


@pytest.mark.parametrize("args", [["step", "--input", 0, 1], ["show"], ["train", "--epochs", 300, "--lr", 0.5],
                                  ["diff", "fixtures/article/exact.json", "fixtures/slips/updated-weights.json"]])
def test_plain_output_has_no_trailing_spaces(monkeypatch, args):
    monkeypatch.chdir(ROOT)
    result = invoke(*args)
    assert result.exit_code in (0, 1), result.output
    assert [line for line in result.stdout.splitlines() if line != line.rstrip()] == []


# Friction.

def test_a_trace_name_in_any_letter_case_is_json_lines(tmp_path):
    for command in (["step", "--input", 0, 1], ["train", "--epochs", 1]):
        path = tmp_path / "up.JSONL"
        result = invoke(*command, "--trace", path)
        assert result.exit_code == 0, result.output
        lines = path.read_text().splitlines()
        assert json.loads(lines[0])["format"] == "nntrace-trace/2" and len(lines) >= 2
        assert all(isinstance(json.loads(line), dict) for line in lines)


def test_the_minus_sign_nntrace_prints_is_taken_as_a_minus():
    typed = invoke("step", "--weights", MAZUR, "--input", "−0.05", "0.1", "--target", "0.01", "0.99",
                   "--lr", "0.5", "--json")
    plain = invoke("step", "--weights", MAZUR, "--input", "-0.05", "0.1", "--target", "0.01", "0.99",
                   "--lr", "0.5", "--json")
    assert typed.exit_code == 0, typed.output
    assert json.loads(typed.stdout)["steps"] == json.loads(plain.stdout)["steps"]
    assert json.loads(typed.stdout)["steps"][0]["input"] == [-0.05, 0.1]


def test_numbers_in_the_tables_paste_into_python():
    # Every number a step table prints, signs included, is Python's float syntax: `−` only
    # ever stands between two operands (a subtraction), never before a number.
    text = invoke("step", "--weights", MAZUR, "--input", "0.05", "0.1", "--target", "0.01", "0.99",
                  "--lr", "0.5").stdout
    assert "∂E/∂w = -(-0.1384986) × 0.59327 = 0.08216704" in text
    for line in text.splitlines():
        assert not [i for i, c in enumerate(line) if c == "−" and line[i - 1:i + 2:2] != "  "]
        assert "−0" not in line and "−1" not in line and "((" not in line.replace("((0", "")
