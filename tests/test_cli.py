import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from nntrace.cli import cli, expand_number_lists


def invoke(*args, **kwargs):
    return CliRunner().invoke(cli, list(args), **kwargs)


def test_step_runs_the_articles_example_with_no_files():
    result = invoke("step", "--input", "0", "1")
    assert result.exit_code == 0, result.output
    assert "net1_h = 0 × 0.2 + 1 × 0.6 = 0.6" in result.stdout
    assert "target 1, learning" in result.stdout  # XOR gave the target, default lr 0.001


def test_json_prints_the_trace_and_digits_do_not_change_it():
    a = json.loads(invoke("step", "--input", "0", "1", "--json").stdout)
    b = json.loads(invoke("step", "--input", "0", "1", "--json", "--digits", "2").stdout)
    assert a == b
    assert a["format"] == "nntrace-trace/1"
    assert a["steps"][0]["values"]["L2.n1.w1"] == pytest.approx(0.6000233291, abs=1e-10)


def test_trace_file_is_written(tmp_path):
    path = tmp_path / "step.json"
    result = invoke("step", "--input", "1", "1", "--trace", str(path))
    assert result.exit_code == 0
    assert json.loads(path.read_text())["steps"][0]["target"] == [0.0]


def test_a_network_file_with_two_outputs_and_negative_inputs(tmp_path):
    net = {"layers": [2, 2, 2], "activation": "sigmoid", "weights": [[[0.15, 0.2], [0.25, 0.3]],
           [[0.4, 0.45], [0.5, 0.55]]], "biases": [[0.35, 0.35], [0.6, 0.6]]}
    path = tmp_path / "net.json"
    path.write_text(json.dumps(net))
    result = invoke("step", "--weights", str(path), "--input", "0.05", "-0.1",
                    "--target", "0.01", "0.99", "--lr", "0.5", "--json")
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout)["steps"][0]["values"]
    assert values["L1.n1.net"] == pytest.approx(0.05 * 0.15 - 0.1 * 0.2 + 0.35)
    assert "L2.n2.b" in values


@pytest.mark.parametrize("args, message", [
    (["step", "--input", "0"], "'--input': the network 2-4-1 takes 2 number(s), got 1"),
    (["step", "--input", "0", "x"], "'x' is not a number"),
    (["step", "--input", "0", "nan"], "'nan' is not a finite number"),
    (["step", "--input", "0.5", "1"], "'--target': required here"),
    (["step", "--input", "0", "1", "--target", "1", "0"], "has 1 output(s), got 2"),
    (["step", "--input", "0", "1", "--lr", "inf"], "'inf' is not a finite number"),
    (["step", "--input", "0", "1", "--slip", "typo"], "--slip: unknown 'typo'"),
    (["step", "--input", "0", "1", "--trace", "/no/such/folder/t.json"], "folder '/no/such/folder' does not exist"),
    (["step", "--input", "0", "1", "--weights", "/no/such.json"], "/no/such.json: cannot read"),
    (["step"], "Missing option '--input'"),
])
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_bad_network_file_is_one_line(tmp_path):
    path = tmp_path / "net.json"
    path.write_text('{"layers": [2, 4, 1], "activation": "sigmoid", "weights": [[[1, 2]]]}')
    result = invoke("step", "--weights", str(path), "--input", "0", "1")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"nntrace: {path}: weights: expected 2 weight matrices (one per layer after the input), got 1"


def test_overflow_is_reported_with_exit_1(tmp_path):
    path = tmp_path / "net.json"
    path.write_text('{"layers": [1, 1], "activation": "identity", "weights": [[[1e300]]]}')
    result = invoke("step", "--weights", str(path), "--input", "1e10", "--target", "0")
    assert result.exit_code == 1
    assert "L1.n1.net is inf" in result.stderr


def test_every_command_has_help_with_an_example():
    for name, command in cli.commands.items():
        result = invoke(name, "--help")
        assert result.exit_code == 0
        assert command.help and "Example" in result.output, name
    assert "Examples" in invoke("--help").output


def test_expand_number_lists():
    assert expand_number_lists(["step", "--input", "0", "-1", "--target", "1", "--lr", "2"]) == [
        "step", "--input", "0", "--input", "-1", "--target", "1", "--lr", "2"]


def test_styled_on_a_terminal_and_plain_with_no_color(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")   # as if stdout were a terminal
    assert "\x1b[" in invoke("step", "--input", "0", "1").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in invoke("step", "--input", "0", "1").stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_standard_output_is_one_line_not_a_traceback():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "nntrace", "step", "--input", "0", "1"],
                              cwd=root, stdout=full, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 2
    assert done.stderr == "nntrace: cannot write standard output: No space left on device\n"


def test_the_shipped_2_2_2_example_gives_the_well_known_hand_worked_figures():
    # Matt Mazur's "A Step by Step Backpropagation Example" works this network by hand:
    # out_o1 = 0.75136507, E_total = 0.298371109, and after one step at rate 0.5
    # w5 = 0.35891648 and w1 = 0.149780716 (hidden weights from the old output weights).
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = invoke("step", "--weights", os.path.join(root, "examples", "2-2-2.json"),
                    "--input", "0.05", "0.1", "--target", "0.01", "0.99", "--lr", "0.5", "--json")
    values = json.loads(result.stdout)["steps"][0]["values"]
    assert values["L2.n1.out"] == pytest.approx(0.75136507, abs=1e-8)
    assert values["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert values["L2.n1.w1"] == pytest.approx(0.35891648, abs=1e-8)
    assert values["L1.n1.w1"] == pytest.approx(0.149780716, abs=1e-9)
