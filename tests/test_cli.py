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
    assert a["format"] == "nntrace-trace/2"
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
    (["step", "--input", "0", "1_0"], "'1_0' is not a number"),         # float() reads 10
    (["step", "--input", "0", "\u0661"], "'\u0661' is not a number"),   # float() reads 1
    (["step", "--input", "0.5", "1"], "'--target': required here"),
    (["step", "--input", "0", "1", "--target", "1", "0"], "has 1 output(s), got 2"),
    (["step", "--input", "0", "1", "--lr", "inf"], "'inf' is not a finite number"),
    (["step", "--input", "0", "1", "--slip", "typo"], "Invalid value for '--slip': unknown 'typo'"),
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


@pytest.mark.parametrize("extension", [".md", ".html", ".svg", ".tex"])
def test_step_export_writes_what_the_terminal_shows(tmp_path, extension):
    path = tmp_path / f"step{extension}"
    result = invoke("step", "--input", "0", "1", "--digits", "4", "--export", str(path))
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "0.6457" in text and "0.6456563" not in text       # --digits 4, as on the terminal
    assert "0.6457" in result.stdout


@pytest.mark.parametrize("args", [["step", "--input", "0", "1"], ["show"]])
def test_an_unknown_export_extension_is_one_line_and_exit_2(tmp_path, args):
    path = tmp_path / "out.docx"
    result = invoke(*args, "--export", str(path))
    assert result.exit_code == 2
    assert "'--export'" in result.stderr and "unknown extension '.docx'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not path.exists()


def test_step_show_draws_old_and_new_weights():
    result = invoke("step", "--input", "0", "1", "--lr", "0.5", "--show")
    assert result.exit_code == 0, result.output
    values = json.loads(invoke("step", "--input", "0", "1", "--lr", "0.5", "--json").stdout)["steps"][0]["values"]
    assert f"0.6 → {values['L2.n1.w1']:.7g}" in result.stdout
    assert "L1 hidden · sigmoid" in result.stdout


def test_step_picture_draws_each_weight_old_and_new_as_svg(tmp_path):
    import xml.etree.ElementTree as ET

    path = tmp_path / "step.svg"
    result = invoke("step", "--input", "0", "1", "--lr", "0.5", "--digits", "5", "--picture", str(path))
    assert result.exit_code == 0, result.output
    values = json.loads(invoke("step", "--input", "0", "1", "--lr", "0.5", "--json").stdout)["steps"][0]["values"]
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    labels = {t.get("data-name"): t.text for t in root.iter("{http://www.w3.org/2000/svg}text")
              if t.get("data-name")}
    assert len(labels) == 12
    for name, label in labels.items():
        old, new = label.split(" → ")
        assert float(new) == pytest.approx(values[name], rel=1e-4)
    assert labels["L2.n1.w1"].startswith("0.6 → ")


def test_step_json_refuses_show_in_one_line():
    result = invoke("step", "--input", "0", "1", "--json", "--show")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "nntrace step: Invalid value for '--show': not with --json, which prints the trace alone; "
        "draw the network with --picture FILE.svg or --export (see 'nntrace step --help')"]


def test_step_picture_refuses_anything_but_svg_before_any_work(tmp_path):
    path = tmp_path / "step.png"
    result = invoke("step", "--input", "0", "1", "--picture", str(path))
    assert result.exit_code == 2 and "unknown extension '.png'; use .svg" in result.stderr
    assert result.stdout == "" and not path.exists()


def test_show_draws_a_network_file_and_exports_a_real_picture(tmp_path):
    net = {"layers": [2, 2, 1], "activation": ["tanh", "sigmoid"], "weights": [[[0.15, -0.2], [0.25, 0.3]],
           [[0.4, 0.45]]], "biases": [[0.35, 0.35], [0.6]]}
    path = tmp_path / "net.json"
    path.write_text(json.dumps(net))
    svg = tmp_path / "net.svg"
    result = invoke("show", "--weights", str(path), "--export", str(svg))
    assert result.exit_code == 0, result.output
    assert "L1 hidden · tanh" in result.stdout and "bias ── 0.35" in result.stdout
    assert "n2   ── -0.2" in result.stdout
    import xml.etree.ElementTree as ET
    root = ET.fromstring(svg.read_text(encoding="utf-8"))
    assert len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) == 5


def test_show_refuses_a_bad_network_file(tmp_path):
    path = tmp_path / "net.json"
    path.write_text('{"layers": [2, 1], "activation": "cosine", "weights": [[[1, 2]]]}')
    result = invoke("show", "--weights", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"nntrace: {path}: activation: unknown activation \"cosine\" " \
                                    "(choose from sigmoid, tanh, relu, leaky_relu, identity, softmax)"


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


def test_train_plot_and_export_write_what_the_run_reached(tmp_path):
    plot, export = tmp_path / "loss.svg", tmp_path / "train.md"
    result = invoke("train", "--epochs", "30", "--lr", "0.5", "--plot", str(plot), "--export", str(export),
                    "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    import xml.etree.ElementTree as ET
    root = ET.fromstring(plot.read_text(encoding="utf-8"))
    loss = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("id") == "loss")
    path = next(loss.iter("{http://www.w3.org/2000/svg}path")).get("d")
    assert path.count("L") == len(summary["loss_curve"]["points"]) - 1     # a point per epoch
    text = export.read_text(encoding="utf-8")
    assert "Trained 30 of 30 epoch(s)" in text and summary["verdict"] in text
    for sample in summary["samples"]:
        assert f"| {sample['output'][0]:.7g} |" in text         # --digits 7, as on the terminal


def test_train_plot_without_matplotlib_says_how_to_get_it(tmp_path, monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = invoke("train", "--epochs", "2", "--plot", str(tmp_path / "loss.png"))
    assert result.exit_code == 2
    assert result.stderr.strip() == ("nntrace train: Invalid value for '--plot': matplotlib is not installed; "
                                     "to get it: pip install 'nntrace[plot]' (see 'nntrace train --help')")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option, name", [("--plot", "loss.jpg"), ("--export", "train.doc")])
def test_train_refuses_unknown_extensions_before_training(tmp_path, option, name):
    result = invoke("train", "--epochs", "2", option, str(tmp_path / name))
    assert result.exit_code == 2 and "unknown extension" in result.stderr
    assert "Trained" not in result.stdout


def test_the_readme_picture_is_what_show_export_draws(tmp_path):
    from pathlib import Path

    docs = Path(__file__).resolve().parent.parent / "docs" / "network.svg"
    path = tmp_path / "network.svg"
    result = invoke("show", "--export", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == docs.read_text(encoding="utf-8"), \
        "docs/network.svg is stale: python -m nntrace show --export docs/network.svg"


# Losses through the CLI.

SOFTMAX_NET = {"layers": [2, 3, 2], "activation": ["sigmoid", "softmax"],
               "weights": [[[0.1, 0.4], [-0.3, 0.2], [0.5, -0.6]], [[0.7, -0.2, 0.3], [-0.4, 0.6, 0.1]]],
               "biases": [[0.1, -0.1, 0.2], [0.05, -0.05]]}
SIGMOID_NET = {"layers": [2, 2, 2], "activation": "sigmoid",
               "weights": [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]],
               "biases": [[0.35, 0.35], [0.6, 0.6]]}


def network_file(tmp_path, network, name="net.json"):
    path = tmp_path / name
    path.write_text(json.dumps(network))
    return str(path)


@pytest.mark.parametrize("net, args, message", [
    ("sigmoid", ["--target", "1", "0", "--loss", "hinge"],
     "Invalid value for '--loss': 'hinge' is not one of 'half-squared-error', 'squared-error', "
     "'mean-squared-error', 'binary-cross-entropy', 'cross-entropy'"),
    ("sigmoid", ["--target", "1", "0", "--loss", "cross-entropy"],
     "Invalid value for '--loss': cross-entropy needs softmax outputs; the network 2-2-2's output layer is sigmoid"),
    ("softmax", ["--target", "-0.5", "1.5", "--loss", "cross-entropy"],
     "Invalid value for '--target': cross-entropy takes targets of 0 or more that sum to 1, got -0.5 1.5"),
    ("softmax", ["--target", "0.5", "0.6", "--loss", "cross-entropy"],
     "Invalid value for '--target': cross-entropy takes targets of 0 or more that sum to 1, got 0.5 0.6"),
    ("softmax", ["--target", "1", "0", "--loss", "binary-cross-entropy"],
     "Invalid value for '--loss': binary-cross-entropy needs sigmoid outputs; the network 2-3-2's output layer is softmax"),
    ("sigmoid", ["--target", "1", "1.5", "--loss", "binary-cross-entropy"],
     "Invalid value for '--target': binary-cross-entropy takes targets from 0 to 1, got 1.5"),
    ("sigmoid", ["--target", "-0.5", "1", "--loss", "binary-cross-entropy"],
     "Invalid value for '--target': binary-cross-entropy takes targets from 0 to 1, got -0.5"),
    ("sigmoid", ["--target", "1", "0", "--loss", "mean-squared-error", "--convention", "article"],
     "Invalid value for '--convention': article computes half-squared-error with scalar activations only, "
     "not the loss mean-squared-error"),
    ("softmax", ["--target", "1", "0", "--convention", "article"],
     "Invalid value for '--convention': article computes half-squared-error with scalar activations only, "
     "not a softmax output layer"),
    ("softmax", ["--target", "1", "0", "--loss", "cross-entropy", "--slip", "missing-derivative"],
     "Invalid value for '--slip': a softmax layer has no derivative of its own to leave out"),
    ("softmax", ["--target", "1", "0", "--slip", "missing-derivative"],
     "Invalid value for '--slip': a softmax layer has no derivative of its own to leave out"),
])
def test_step_refuses_what_a_loss_cannot_take_in_one_line(tmp_path, net, args, message):
    path = network_file(tmp_path, SOFTMAX_NET if net == "softmax" else SIGMOID_NET)
    result = invoke("step", "--weights", path, "--input", "0.5", "-1", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"nntrace step: {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


@pytest.mark.parametrize("activation, layers, message", [
    (["softmax", "sigmoid"], [2, 2, 2], "activation[0]: softmax is for the output layer only, not layer 1"),
    (["sigmoid", "softmax"], [2, 2, 1], "activation[1]: softmax needs an output layer of 2 neurons or more "
                                        "(layer 2 has 1)"),
    ("softmax", [2, 2, 2], "activation: softmax is for the output layer only, not layer 1"),
])
def test_a_network_file_with_softmax_out_of_place_is_refused_naming_the_layer(tmp_path, activation, layers, message):
    network = {"layers": layers, "activation": activation,
               "weights": [[[0.1] * layers[l] for _ in range(layers[l + 1])] for l in range(len(layers) - 1)]}
    path = network_file(tmp_path, network)
    result = invoke("step", "--weights", path, "--input", "0", "1", "--target", *["1"] * layers[-1])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"nntrace: {path}: {message}"


@pytest.mark.parametrize("layers, activation, message", [
    ("2-3-2", "softmax,sigmoid", "softmax is for the output layer only, not layer 1"),
    ("2-3-2", "softmax", "softmax is for the output layer only, not layer 1"),
    ("2-3-1", "sigmoid,softmax", "softmax needs an output layer of 2 neurons or more (layer 2 has 1)"),
    ("2-3-2", "sigmoid,tanh,softmax", "3 names for 2 layers after the input"),
    ("2-3-2", "sigmoid,softplus", "unknown 'softplus'"),
])
def test_init_refuses_softmax_out_of_place(layers, activation, message):
    result = invoke("init", layers, "--activation", activation)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '--activation': {message}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_init_draws_a_softmax_classifier_one_activation_per_layer():
    result = invoke("init", "4-8-3", "--activation", "sigmoid,softmax", "--biases", "--seed", "2")
    assert result.exit_code == 0, result.output
    network = json.loads(result.stdout)
    assert network["activation"] == ["sigmoid", "softmax"] and network["layers"] == [4, 8, 3]
    assert len(network["biases"][1]) == 3


def test_a_saturated_binary_cross_entropy_step_writes_an_infinite_error_as_null(tmp_path):
    # net = 40 × 1: σ(40) is 1.0 in float64; target 0. Loss −ln σ(−40) = 40 + ln(1 + e^−40) ≈ 40.
    path = network_file(tmp_path, {"layers": [1, 1], "activation": "sigmoid", "weights": [[[40.0]]]})
    result = invoke("step", "--weights", path, "--input", "1", "--target", "0",
                    "--loss", "binary-cross-entropy", "--json")
    assert result.exit_code == 0, result.output
    trace = json.loads(result.stdout)
    assert trace["loss"] == "binary-cross-entropy"
    values = trace["steps"][0]["values"]
    assert values["L1.n1.out"] == 1.0
    assert values["loss"] == pytest.approx(40.0, rel=1e-15)
    assert values["L1.n1.error"] is None                 # −inf: JSON has no spelling for it
    assert values["L1.n1.delta"] == -1.0                 # target − out
    assert values["L1.n1.w1.grad"] == 1.0 and values["L1.n1.w1"] == pytest.approx(39.999, rel=1e-15)
    assert all(v is not None for name, v in values.items() if name != "L1.n1.error")
    # The tables say so too, and the run still exits 0.
    result = invoke("step", "--weights", path, "--input", "1", "--target", "0", "--loss", "binary-cross-entropy")
    assert result.exit_code == 0 and "-inf" in result.stdout and "nan" not in result.stdout.lower()


def test_step_json_and_trace_record_the_loss(tmp_path):
    path = network_file(tmp_path, SOFTMAX_NET)
    args = ["step", "--weights", path, "--input", "0.5", "-1", "--target", "0", "1", "--lr", "0.5"]
    printed = json.loads(invoke(*args, "--loss", "cross-entropy", "--json").stdout)
    assert printed["loss"] == "cross-entropy"
    invoke(*args, "--loss", "squared-error", "--trace", str(tmp_path / "t.jsonl"))
    header = json.loads((tmp_path / "t.jsonl").read_text().splitlines()[0])
    assert header["loss"] == "squared-error"
    assert json.loads(invoke(*args, "--json").stdout)["loss"] == "half-squared-error"


def test_step_tables_write_the_formulas_as_a_tutorial_does(tmp_path):
    # 2-1-2, hidden sigmoid at net 0 (out 0.5), output nets 1.5 and −1.5: softmax outputs
    # 1/(1 + e^−3) = 0.9525741 and 0.04742587; target 1 0.
    path = network_file(tmp_path, {"layers": [2, 1, 2], "activation": ["sigmoid", "softmax"],
                                   "weights": [[[0.5, -0.75]], [[2.0], [-2.0]]], "biases": [[0.25], [0.5, -0.5]]})
    result = invoke("step", "--weights", path, "--input", "1", "1", "--target", "1", "0",
                    "--loss", "cross-entropy", "--lr", "0.5")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())     # the table may wrap a long line
    assert "e^1.5 / (e^1.5 + e^(-1.5)) = 0.9525741" in text
    assert "e^(-1.5) / (e^1.5 + e^(-1.5)) = 0.04742587" in text
    assert "-(1 × ln 0.9525741 + 0 × ln 0.04742587) = 0.04858735" in text
    assert "1 − 0.9525741 (softmax with cross-entropy: target − out) = 0.04742587" in text
    assert "∂E/∂w = -0.04742587 × 0.5 = -0.02371294" in text
    assert "∂E/∂b = -0.04742587 = -0.04742587" in text
    result = invoke("step", "--weights", network_file(tmp_path, SIGMOID_NET, "s.json"), "--input", "0.05", "0.1",
                    "--target", "0.01", "0.99", "--loss", "squared-error")
    text = " ".join(result.stdout.split())
    assert "2 × (0.01 − 0.7513651) = -1.48273" in text


def wide_network(tmp_path):
    path = tmp_path / "wide.json"
    assert invoke("init", "2-40-30-1", "--seed", "3").exit_code == 0
    path.write_text(invoke("init", "2-40-30-1", "--seed", "3").stdout)
    return str(path)


def test_step_and_show_summarise_a_wide_network_and_all_prints_everything(tmp_path):
    path = wide_network(tmp_path)
    step = ["step", "--weights", path, "--input", "0.3", "0.8", "--target", "1"]
    summary, everything = invoke(*step), invoke(*step, "--all")
    assert summary.exit_code == everything.exit_code == 0
    assert "more (a layer wider than 16 neurons shows its first 8" in summary.stdout
    assert "L2.n30.w40" in everything.stdout and "L2.n30.w40" not in summary.stdout
    assert len(summary.stdout.splitlines()) < 500 < len(everything.stdout.splitlines())
    shown, every = invoke("show", "--weights", path), invoke("show", "--weights", path, "--all")
    assert "wider than a screen, as a table per layer" in shown.stdout
    assert "and 1,136 more connection(s) into L2" in shown.stdout   # 30·40 − 8·8
    assert "L2.n30.w40" in every.stdout and "L2.n30.w40" not in shown.stdout


def test_exports_write_the_summary_and_all_every_value(tmp_path):
    path = wide_network(tmp_path)
    for args, name, present in ((), "s.md", False), (("--all",), "a.md", True):
        assert invoke("show", "--weights", path, *args, "--export", str(tmp_path / name)).exit_code == 0
        assert ("`L2.n30.w40`" in (tmp_path / name).read_text()) is present
        assert invoke("step", "--weights", path, "--input", "0", "1", "--target", "1", *args,
                      "--export", str(tmp_path / ("step-" + name))).exit_code == 0
        assert ("`L2.n30.w40`" in (tmp_path / ("step-" + name)).read_text()) is present
    assert invoke("show", "--weights", path, "--export", str(tmp_path / "s.svg")).exit_code == 0
    assert (tmp_path / "s.svg").stat().st_size < 30_000

HELPS = ["", *cli.commands]


@pytest.mark.parametrize("command", HELPS)
def test_help_examples_run_in_order(command, tmp_path):
    # In a fresh folder beside the repository's examples/ and fixtures/, each example of a
    # help runs as printed, the files it needs made by the examples before it. `init --help`'s
    # used to write a 3-5-2 net.json over the 2-4-1 one, then train it on XOR: refused.
    import importlib.util
    from pathlib import Path

    root = Path(__file__).parents[1]
    for folder in ("examples", "fixtures"):
        (tmp_path / folder).symlink_to(root / folder)
    help_text = (cli.commands[command] if command else cli).help
    lines = help_text.split("Examples:")[1].replace("\\\n", " ").splitlines()
    commands = [line.split("#")[0].strip() for line in lines if line.strip().startswith("nntrace ")]
    assert commands
    for line in commands:
        if "--open" in line or ("--plot" in line and importlib.util.find_spec("matplotlib") is None):
            continue   # a browser, or the optional matplotlib, which this machine may not have
        shell = line.replace("nntrace ", f"{sys.executable} -m nntrace ")
        result = subprocess.run(shell, shell=True, cwd=tmp_path, capture_output=True, text=True,
                                stdin=subprocess.DEVNULL)
        # 1 is an answer, not trouble: diff found differences, check a slip (the article's).
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, (line, result.stderr)
        assert result.returncode == 0 or line.split()[1] in ("diff", "check"), (line, result.stderr)
