"""`nntrace train` and `nntrace init` through the CLI, and Ctrl-C sent to a real process."""

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from nntrace import article
from nntrace.cli import cli
from nntrace.core.engine import Engine
from nntrace.core.network import Network, load_network
from nntrace.core.settings import make_settings
from nntrace.trace import read_trace
from nntrace.trace.model import network_after

ROOT = Path(__file__).resolve().parents[1]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def weights_from_step_json(output: str) -> dict:
    """The network a `step --json` left behind, rebuilt from its recorded weights."""
    trace = json.loads(output)
    before = Network.from_dict(trace["network"])
    values = trace["steps"][0]["values"]
    for l, matrix in enumerate(before.weights, 1):
        for j, row in enumerate(matrix, 1):
            for i in range(1, len(row) + 1):
                row[i - 1] = values[f"L{l}.n{j}.w{i}"]
    return before.to_dict()


@pytest.mark.parametrize("convention", ["exact", "article"])
def test_train_one_epoch_equals_four_step_commands_chained_by_hand(tmp_path, convention):
    saved = tmp_path / "trained.json"
    result = invoke("train", "--epochs", 1, "--lr", 0.5, "--convention", convention, "--save", saved)
    assert result.exit_code == 0, result.output
    current = tmp_path / "net0.json"
    current.write_text(json.dumps(article.network().to_dict()))
    for k, (x, t) in enumerate(article.XOR, 1):
        step = invoke("step", "--weights", current, "--input", *x, "--target", *t, "--lr", 0.5,
                      "--convention", convention, "--json")
        assert step.exit_code == 0, step.output
        current = tmp_path / f"net{k}.json"
        current.write_text(json.dumps(weights_from_step_json(step.stdout)))
    assert load_network(saved) == load_network(current)


@pytest.mark.parametrize("convention", ["exact", "article"])
def test_four_steps_saved_in_place_equal_one_epoch_of_train(tmp_path, convention):
    # step --weights FILE --save FILE: the update in place the same-file rule allows.
    saved = tmp_path / "trained.json"
    assert invoke("train", "--epochs", 1, "--lr", 0.5, "--convention", convention,
                  "--save", saved).exit_code == 0
    current = tmp_path / "net.json"
    current.write_text(json.dumps(article.network().to_dict()))
    for x, t in article.XOR:
        step = invoke("step", "--weights", current, "--save", current, "--input", *x, "--target", *t,
                      "--lr", 0.5, "--convention", convention)
        assert step.exit_code == 0, step.output
    assert load_network(saved) == load_network(current)
    assert [p.name for p in tmp_path.iterdir()] in (["trained.json", "net.json"], ["net.json", "trained.json"])


def test_the_report_shows_curve_samples_and_verdict_and_no_progress_bar_when_piped():
    result = invoke("train", "--epochs", 2000, "--lr", 0.5)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Trained 2000 of 2000 epoch(s) (8000 iterations) on the article's XOR table" in out
    assert "loss per epoch" in out and "2000" in out
    assert re.search(r"0 1\s+1\s+0\.\d+\s+(right|wrong)", out)
    assert "Not learned: " in out and "more epochs may help" in out
    assert "epochs/s" not in result.output and "\x1b[" not in result.output


def test_json_summary_and_a_saved_network_that_step_reads_back(tmp_path):
    saved = tmp_path / "trained.json"
    result = invoke("train", "--epochs", 5000, "--lr", 0.5, "--json", "--save", saved)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["learned"] is True and summary["epochs_run"] == 5000
    assert summary["network"] == json.loads(saved.read_text())
    assert [s["right"] for s in summary["samples"]] == [True] * 4
    step = invoke("step", "--weights", saved, "--input", 1, 1, "--json")
    assert step.exit_code == 0
    out = json.loads(step.stdout)["steps"][0]["values"]["L2.n1.out"]
    assert out == pytest.approx(summary["samples"][3]["output"][0], rel=1e-15)


def test_trace_every_k_streams_jsonl_that_round_trips(tmp_path):
    path = tmp_path / "run.jsonl"
    result = invoke("train", "--epochs", 10, "--lr", 0.5, "--trace", path, "--every", 3, "--json")
    assert result.exit_code == 0, result.output
    trace = read_trace(path)
    assert [s.iteration for s in trace.steps] == list(range(3, 41, 3))
    assert trace.steps[0].epoch == 1 and trace.steps[-1].epoch == 10
    assert len(path.read_text().splitlines()) == 1 + 13 + 10   # the header, the steps, the epochs' losses
    assert len(trace.epoch_losses) == 10
    assert os.listdir(tmp_path) == ["run.jsonl"]


def test_a_csv_data_file_and_a_network_from_init(tmp_path):
    net = tmp_path / "net.json"
    made = invoke("init", "3-3-2", "--seed", 7, "--activation", "tanh", "--biases")
    assert made.exit_code == 0
    net.write_text(made.stdout)
    data = tmp_path / "d.csv"
    data.write_text("a,b,c,y1,y2\n0,0,1,0,1\n1,0,0,1,0\n0,1,0,1,1\n")
    result = invoke("train", "--weights", net, "--data", data, "--epochs", 3, "--lr", 0.1, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["iterations"] == 9 and summary["data"] == str(data)
    assert summary["samples"][2]["target"] == [1.0, 1.0]


def test_the_json_summary_is_what_json_dumps_writes_indented(tmp_path):
    # Written by orjson for speed: the same JSON, non-ASCII escaped as json.dumps escapes it.
    data = tmp_path / "dåtä ☃.csv"
    data.write_text("0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    result = invoke("train", "--data", data, "--epochs", 2, "--lr", 0.5, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["data"] == str(data) and result.stdout.isascii()
    assert json.dumps(str(data))[1:-1] in result.stdout     # \u00e5, \u2603
    assert result.stdout.splitlines()[:3] == json.dumps(summary, indent=2).splitlines()[:3]


def test_init_draws_uniform_weights_in_0_1_repeatably():
    a, b = invoke("init", "2-4-1", "--seed", 7), invoke("init", "2-4-1", "--seed", 7)
    assert a.exit_code == 0 and a.stdout == b.stdout
    net = Network.from_dict(json.loads(a.stdout))
    assert net.layers == [2, 4, 1] and net.activations == ["sigmoid", "sigmoid"] and net.biases is None
    weights = [w for matrix in net.weights for row in matrix for w in row]
    assert len(weights) == 12 and all(0 <= w <= 1 for w in weights)
    assert invoke("init", "2-4-1", "--seed", 8).stdout != a.stdout


def test_a_diverging_run_exits_1_naming_iteration_and_value_and_saves_last_finite(tmp_path):
    net, data, saved = tmp_path / "net.json", tmp_path / "d.csv", tmp_path / "s.json"
    net.write_text('{"layers": [1, 1], "activation": "identity", "weights": [[[0.5]]]}')
    data.write_text("1,2\n2,4\n3,6\n")
    result = invoke("train", "--weights", net, "--data", data, "--lr", 5, "--epochs", 1000, "--save", saved)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"nntrace: iteration 133 (epoch 45): loss is inf, not a finite "
                                     f"number; kept the last finite weights; weights saved to {saved}")
    assert "it diverged" in result.stdout
    weight = load_network(saved).weights[0][0][0]
    engine = Engine(load_network(saved), make_settings(5.0))
    assert engine.step([1.0], [2.0]) == float("inf")   # the very next iteration overflows
    assert abs(weight) > 1e150


@pytest.mark.parametrize("args, message", [
    (["--epochs", "0"], "Invalid value for '--epochs': 0 is not in the range x>=1"),
    (["--every", "0", "--trace", "{tmp}/t.jsonl"], "'--every': 0 is not in the range x>=1"),
    (["--every", "2"], "'--every': only means something with --trace"),
    (["--seed", "3"], "'--seed': only means something with --shuffle"),
    (["--trace", "{tmp}/t.json"], "a training trace is streamed as JSON Lines"),
    (["--data", "{tmp}/wide.csv"], "wide.csv: line 2: expected 3 numbers"),
    (["--data", "{tmp}/bad.csv"], "bad.csv: line 1 column 2: 'one' is not a number"),
    (["--data", "{tmp}/none.csv"], "none.csv: cannot read"),
    (["--weights", "{tmp}/net221.json"], "'--data': required for the network 2-2-2"),
    (["--lr", "nan"], "'nan' is not a finite number"),
    (["--convention", "article", "--slip", "rounded:2"], "only one precision at a time"),
    (["--save", "{tmp}/no/such/s.json"], "folder"),
])
def test_bad_options_are_one_line_exit_2_and_never_touch_save(tmp_path, args, message):
    (tmp_path / "wide.csv").write_text("0,0,0\n0,1,1,1\n")
    (tmp_path / "bad.csv").write_text("0,one,1\n")
    (tmp_path / "net221.json").write_text(json.dumps(
        {"layers": [2, 2, 2], "activation": "sigmoid", "weights": [[[0, 0], [0, 0]], [[0, 0], [0, 0]]]}))
    saved = tmp_path / "keep.json"
    saved.write_text("precious")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = invoke("train", "--epochs", "1", *args, "--save", saved) if "--save" not in args \
        else invoke("train", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert saved.read_text() == "precious"
    assert sorted(os.listdir(tmp_path)) == sorted(["wide.csv", "bad.csv", "net221.json", "keep.json"])


@pytest.mark.parametrize("where, message", [("folder", "is a folder, not a file"),
                                             ("file.txt/s.json", "does not exist")])
def test_unwritable_save_is_refused_before_any_work(tmp_path, where, message):
    (tmp_path / "folder").mkdir()
    (tmp_path / "file.txt").write_text("precious")
    result = invoke("train", "--save", tmp_path / where, "--epochs", 1)
    assert result.exit_code == 2 and message in result.stderr
    assert (tmp_path / "file.txt").read_text() == "precious" and not any((tmp_path / "folder").iterdir())


def test_a_folder_that_cannot_hold_a_new_file_is_refused_before_any_work(tmp_path, monkeypatch):
    # access() says yes where a file still cannot be made (a read-only mount, /sys as root):
    # making one is the test, here refused by the operating system as such a folder would be.
    real_open = os.open

    def refusing(path, *args, **kwargs):
        if str(path).endswith(".probe"):
            raise OSError(30, "Read-only file system")
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", refusing)
    result = invoke("train", "--save", tmp_path / "s.json", "--epochs", 100000)
    assert result.exit_code == 2 and "cannot write" in result.stderr and "Read-only file system" in result.stderr
    assert result.stdout == "" and not (tmp_path / "s.json").exists()


def test_a_save_that_fails_after_training_still_shows_the_report(tmp_path, monkeypatch):
    # Checked before training, the file became unwritable during it (chattr +i): the report
    # is printed, then the one-line error, exit 2.
    import nntrace.core.network as network

    def immutable(net, path, option="--save"):
        raise network.NntraceError(f"{option}: cannot write '{path}': Operation not permitted")
    monkeypatch.setattr(network, "save_network", immutable)
    result = invoke("train", "--lr", 0.5, "--epochs", 2000, "--save", tmp_path / "s.json")
    assert result.exit_code == 2
    assert "Every sample under the final weights" in result.stdout and "Operation not permitted" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("layers", ["2", "2-0-1", "2-x-1", "2--1", "2-4-", "2-²-1"])
def test_init_refuses_bad_layers(layers):
    result = invoke("init", layers)
    assert result.exit_code == 2 and "like 2-4-1" in result.stderr


@pytest.mark.parametrize("layers, message", [
    ("100000-100000-1", "'100000-100000-1': more than 1,000,000 weights (10,000,100,000); "
                        "init draws at most 1,000,000"),
    ("1000-1000-1", "more than 1,000,000 weights (1,001,000)"),
    ("2-" + "9" * 5000 + "-1", "more than 1,000,000 weights; init draws"),
])
def test_init_refuses_more_than_a_million_weights_in_one_line(layers, message):
    result = invoke("init", layers)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name, status, by", [("SIGINT", 130, ""), ("SIGTERM", 143, " by SIGTERM"),
                                              ("SIGHUP", 129, " by SIGHUP")])
def test_a_stop_signal_ends_at_an_iteration_end_and_leaves_valid_files(tmp_path, name, status, by):
    # Ctrl-C, `timeout`/`kill` (SIGTERM) and a closed terminal (SIGHUP) stop alike.
    saved, path = tmp_path / "s.json", tmp_path / "run.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "nntrace", "train", "--epochs", "100000000", "--lr", "0.5",
         "--save", str(saved), "--trace", str(path), "--every", "100"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:   # wait until it is writing steps
            temporary = [p for p in tmp_path.iterdir() if p.name.startswith(".run.jsonl.")]
            # Two steps written (the epochs' loss lines between them do not count).
            if temporary and temporary[0].read_text().count('"iteration"') >= 2:
                break
            time.sleep(0.05)
        else:
            pytest.fail("training never started writing its trace")
        process.send_signal(getattr(signal, name))
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == status, err
    assert "Traceback" not in err
    match = re.fullmatch(rf"nntrace: interrupted{by} at the end of iteration (\d+) \(epoch (\d+) of "
                         r"100000000 complete\); weights saved to .*s\.json; (\d+) iteration\(s\) in .*run\.jsonl\n", err)
    assert match, err
    iterations, traced = int(match[1]), int(match[3])
    trace = read_trace(path)
    assert len(trace.steps) == traced == iterations // 100 >= 2
    assert sorted(os.listdir(tmp_path)) == ["run.jsonl", "s.json"]
    # The saved weights are those after exactly `iterations` iterations: continue by hand
    # from the last traced step's weights.
    last = trace.steps[-1]
    engine = Engine(network_after(trace.network, last), make_settings(0.5))
    order = article.XOR * 100
    for k in range(last.iteration + 1, iterations + 1):
        x, t = order[(k - 1) % 4]
        engine.step(x, t)
    assert load_network(saved) == engine.network()
    assert "Interrupted at the end of iteration" in out


@pytest.mark.parametrize("command", ["train", "init"])
def test_help_fits_80_columns(command):
    text = CliRunner().invoke(cli, [command, "--help"], terminal_width=80).output
    assert max(len(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize("as_json", [True, False])
def test_a_decimal_divergence_prints_valid_json_and_a_report(tmp_path, as_json):
    net, data = tmp_path / "net.json", tmp_path / "d.csv"
    net.write_text('{"layers": [1, 1], "activation": "identity", "weights": [[[0.5]]]}')
    data.write_text("1,2\n2,4\n3,6\n")
    args = ["train", "--weights", net, "--data", data, "--lr", "1e300", "--convention", "article"]
    result = invoke(*args, *(["--json"] if as_json else []))
    assert result.exit_code == 1, result.output
    assert "iteration 2 (epoch 1): loss is inf" in result.stderr
    if as_json:
        summary = json.loads(result.stdout, parse_constant=lambda token: pytest.fail(token))
        assert summary["final_loss"] is None and summary["stopped"] == "non-finite"
    else:
        assert "it diverged" in result.stdout


@pytest.mark.parametrize("extension", [".md", ".html", ".svg", ".tex"])
def test_train_exports_leave_the_timing_out_so_a_run_gives_the_same_file(tmp_path, extension):
    import dataclasses

    from nntrace.render.export import render
    from nntrace.train.data import xor
    from nntrace.train.loop import train
    from nntrace.views.document import train_document

    result = train(article.network(), xor(), 30, make_settings(0.5))
    slower = dataclasses.replace(result, seconds=result.seconds + 12.5)
    assert render(train_document(result), extension) == render(train_document(slower), extension)
    first = CliRunner().invoke(cli, ["train", "--epochs", "30", "--lr", "0.5",
                                     "--export", str(tmp_path / f"a{extension}")])
    assert first.exit_code == 0, first.output
    assert "µs per iteration" in " ".join(first.stdout.split())    # the terminal keeps it
    text = (tmp_path / f"a{extension}").read_text(encoding="utf-8")
    assert "µs" not in text and "#181;" not in text
    assert extension == ".svg" or "learning rate 0.5" in text   # the svg splits its text in spans


# A classifier: softmax outputs under cross-entropy.

THREE_CLASSES = """x1,x2,c1,c2,c3
1,0,1,0,0
0.9,0.2,1,0,0
0,1,0,1,0
0.1,0.8,0,1,0
1,1,0,0,1
0.8,0.9,0,0,1
"""


def test_train_with_cross_entropy_learns_three_separable_classes(tmp_path):
    data = tmp_path / "classes.csv"
    data.write_text(THREE_CLASSES)
    net = invoke("init", "2-4-3", "--activation", "sigmoid,softmax", "--biases", "--seed", "3")
    weights = tmp_path / "net.json"
    weights.write_text(net.stdout)
    trace = tmp_path / "run.jsonl"
    result = invoke("train", "--weights", weights, "--data", data, "--loss", "cross-entropy", "--lr", 0.5,
                    "--epochs", 2000, "--json", "--trace", trace, "--every", 1000)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["loss"] == "cross-entropy"
    assert summary["learned"] is True and summary["right"] == 6
    assert summary["loss_last_epoch"] < summary["loss_first_epoch"] / 10
    for sample in summary["samples"]:
        # right: the largest output is where the target's 1 is; and the outputs are a softmax's
        out, target = sample["output"], sample["target"]
        assert out.index(max(out)) == target.index(1.0) and sample["right"]
        assert sum(out) == pytest.approx(1.0, abs=1e-12)
    header = json.loads(trace.read_text().splitlines()[0])
    assert header["loss"] == "cross-entropy"
    # The recorded loss of each traced iteration is −ln of the output where the target is 1.
    for step in map(json.loads, trace.read_text().splitlines()[1:]):
        if "epoch_loss" in step:
            continue
        k = step["target"].index(1.0) + 1
        assert step["values"]["loss"] == pytest.approx(-math.log(step["values"][f"L2.n{k}.out"]), rel=1e-12)


def test_train_refuses_targets_a_loss_cannot_take_in_one_line(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("x1,x2,c1,c2\n1,0,1,0\n\n0,1,0.5,0.6\n")   # the second sample, on line 4
    weights = tmp_path / "net.json"
    weights.write_text(invoke("init", "2-2", "--activation", "softmax", "--seed", "1").stdout)
    result = invoke("train", "--weights", weights, "--data", data, "--loss", "cross-entropy", "--epochs", 1)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"nntrace: {data}: line 4: cross-entropy takes targets of 0 or more "
                                     f"that sum to 1, got 0.5 0.6")
    piped = CliRunner().invoke(cli, ["train", "--weights", str(weights), "--data", "-", "--loss", "cross-entropy"],
                               input=data.read_text())
    assert piped.exit_code == 2 and "standard input: sample 2: cross-entropy takes" in piped.stderr
    result = invoke("train", "--weights", weights, "--data", data, "--loss", "binary-cross-entropy", "--epochs", 1)
    assert result.exit_code == 2
    assert "Invalid value for '--loss': binary-cross-entropy needs sigmoid outputs" in result.stderr
    result = invoke("train", "--weights", weights, "--data", data, "--loss", "nope", "--epochs", 1)
    assert result.exit_code == 2 and "Invalid value for '--loss'" in result.stderr
