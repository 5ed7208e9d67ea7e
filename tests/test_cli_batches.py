"""Batches, momentum and weight decay through the CLI: `step --data`, `train --batch-size`,
their refusals, and a run stopped by a signal mid-epoch."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from nntrace import api, article
from nntrace.cli import cli
from nntrace.core.engine import Engine
from nntrace.core.network import Network, load_network
from nntrace.trace import read_trace
from nntrace.trace.model import network_after
from tests import plain

ROOT = Path(__file__).resolve().parents[1]
XOR_CSV = "x1,x2,t\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def xor_csv(tmp_path):
    path = tmp_path / "xor.csv"
    path.write_text(XOR_CSV)
    return path


# step --data: the first batch's update, as tables.

def test_step_data_with_a_batch_larger_than_the_data_says_what_was_asked(xor_csv):
    result = invoke("step", "--data", xor_csv, "--batch-size", 10)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Iteration 1: network 2-4-1 sigmoid, no biases, a batch of 4 sample(s) "
                                    "(batch\nsize 10 asked), learning rate 0.001, convention exact\n")


def test_step_data_takes_every_row_by_default_and_writes_each_sample_then_the_update(xor_csv):
    result = invoke("step", "--data", xor_csv, "--lr", 0.5, "--weight-decay", 0.01)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Iteration 1: network 2-4-1 sigmoid, no biases, a batch of 4 sample(s), learning\n"
                          "rate 0.5, weight decay 0.01, convention exact\n")
    headings = [line.strip() for line in out.splitlines() if re.match(r"(Sample \d|Update:)", line)]
    assert headings[0] == "Sample 1 (0 0 → 0): Forward, hidden layer 1 (L1)"
    assert headings[7] == "Sample 2 (0 1 → 1): Forward, hidden layer 1 (L1)"
    assert headings[-3:] == ["Update: Loss", "Update: Updates into the output layer (L2)",
                             "Update: Updates into the hidden layer 1 (L1)"]
    assert len(headings) == 4 * 7 + 3
    values = api.step(None, data=xor_csv, lr=0.5, weight_decay=0.01).steps[0]
    g = [f"{s.values['L2.n1.w1.grad']:.7g}" for s in values.samples]
    g = [f"({x})" if x.startswith("-") else x for x in g]
    text = " ".join(out.split())   # the tables wrap long formulas
    assert f"L2.n1.w1.grad ∂E/∂w = ({g[0]} + {g[1]} + {g[2]} + {g[3]}) / 4 = " in text
    mean = f"{values.values['L2.n1.w1.grad']:.7g}"
    assert f"hidden_to_output_1 = 0.6 − 0.5 × ({mean} + 0.01 × 0.6) = {values.values['L2.n1.w1']:.7g}" in text


@pytest.mark.parametrize("size, count", [("2", 2), ("3", 3), ("all", 4), ("9", 4)])
def test_step_data_batch_size_takes_the_first_rows(xor_csv, size, count):
    result = invoke("step", "--data", xor_csv, "--batch-size", size, "--json")
    assert result.exit_code == 0, result.output
    trace = json.loads(result.stdout)
    assert trace["batch_size"] == (size if size == "all" else int(size))
    assert [s["input"] for s in trace["steps"][0]["samples"]] == [x for x, _ in article.XOR][:count]


def test_step_data_with_a_batch_of_one_is_the_online_step_of_the_first_row(xor_csv):
    a = json.loads(invoke("step", "--data", xor_csv, "--batch-size", 1, "--json").stdout)
    b = json.loads(invoke("step", "--input", 0, 0, "--json").stdout)
    assert a == b and "samples" not in a["steps"][0]


def test_step_save_writes_the_network_the_batch_left(tmp_path, xor_csv):
    saved = tmp_path / "after.json"
    result = invoke("step", "--data", xor_csv, "--lr", 0.5, "--batch-size", 3, "--save", saved, "--json")
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout)["steps"][0]["values"]
    after = load_network(saved)
    assert after.weights[1][0] == [values[f"L2.n1.w{i}"] for i in range(1, 5)]
    assert after.weights[0][2] == [values["L1.n3.w1"], values["L1.n3.w2"]]


def test_four_chained_step_saves_equal_one_epoch_of_training(tmp_path):
    # A CSV of one XOR row each: step --data takes it whole (a batch of 1), --save feeds the next.
    trained = tmp_path / "trained.json"
    assert invoke("train", "--epochs", 1, "--lr", 0.5, "--save", trained).exit_code == 0
    current = tmp_path / "net.json"
    current.write_text(json.dumps(article.network().to_dict()))
    for k, (x, t) in enumerate(article.XOR):
        row = tmp_path / f"row{k}.csv"
        row.write_text(",".join(str(v) for v in (*x, *t)) + "\n")
        result = invoke("step", "--weights", current, "--data", row, "--lr", 0.5, "--save", current)
        assert result.exit_code == 0, result.output
    assert load_network(current) == load_network(trained)


def test_step_save_with_momentum_is_refused_in_one_line(tmp_path, xor_csv):
    saved = tmp_path / "keep.json"
    saved.write_text("precious")
    result = invoke("step", "--data", xor_csv, "--momentum", 0.9, "--save", saved)
    assert result.exit_code == 2
    assert result.stderr == ("nntrace step: Invalid value for '--save': not with --momentum: a network file has "
                             "no place for the velocities, which the next step would need (see 'nntrace step "
                             "--help')\n")
    assert saved.read_text() == "precious" and result.stdout == ""


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_batch_steps_trace_round_trips(tmp_path, xor_csv, suffix):
    path = tmp_path / f"step{suffix}"
    result = invoke("step", "--data", xor_csv, "--batch-size", 3, "--lr", 0.5, "--momentum", 0.9,
                    "--weight-decay", 0.01, "--trace", path, "--json")
    assert result.exit_code == 0, result.output
    read = read_trace(path)
    made = api.step(None, data=xor_csv, batch_size=3, lr=0.5, momentum=0.9, weight_decay=0.01)
    assert read == made
    assert [len(s.values) for s in read.steps[0].samples] == [len(made.steps[0].samples[0].values)] * 3
    header = read.header()
    assert (header["batch_size"], header["momentum"], header["weight_decay"]) == (3, 0.9, 0.01)
    assert json.loads(result.stdout) == json.loads(path.read_text()) if suffix == ".json" else True


# train --batch-size, --momentum, --weight-decay.

def test_train_in_batches_with_momentum_reports_curve_table_and_verdict():
    result = invoke("train", "--epochs", 2000, "--lr", 0.5, "--batch-size", 2, "--momentum", 0.9)
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert ("Trained 2000 of 2000 epoch(s) (4000 iterations) on the article's XOR table: network 2-4-1 "
            "sigmoid, no biases, convention exact, learning rate 0.5, batches of 2 samples, momentum 0.9") in out
    assert "loss per epoch" in out
    assert re.search(r"0 1 1 0\.9\d+ right", out) and "Learned: all 4 samples classified right" in out


@pytest.mark.parametrize("size, note", [("all", "full batch of 4 samples;"),
                                        ("7", "full batch of 4 samples (batch size 7 asked);"),
                                        ("3", "batches of 3 samples;")])
def test_the_headline_says_when_a_batch_is_the_whole_data(size, note):
    result = invoke("train", "--epochs", 3, "--lr", 0.5, "--batch-size", size)
    assert result.exit_code == 0, result.output
    assert note in " ".join(result.stdout.split())


def test_the_json_summary_carries_the_headers_names(tmp_path):
    saved, path = tmp_path / "s.json", tmp_path / "run.jsonl"
    result = invoke("train", "--epochs", 10, "--lr", 0.5, "--batch-size", 3, "--momentum", 0.5,
                    "--weight-decay", 0.001, "--json", "--save", saved, "--trace", path, "--every", 4)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["batch_size"], summary["momentum"], summary["weight_decay"]) == (3, 0.5, 0.001)
    assert summary["iterations"] == 20 and summary["epochs_run"] == 10   # batches of 3 and 1
    assert summary["network"] == json.loads(saved.read_text())
    header = read_trace(path).header()
    assert {key: header[key] for key in ("batch_size", "momentum", "weight_decay")} == {
        key: summary[key] for key in ("batch_size", "momentum", "weight_decay")}
    # --every 4 counts updates: 4, 8, ..., 20; each a batch of 3 (odd updates) or 1.
    steps = read_trace(path).steps
    assert [s.iteration for s in steps] == [4, 8, 12, 16, 20] and all(len(s.samples) == 1 for s in steps)
    expected, _ = plain.train(article.network().to_dict(), article.XOR, 10, 0.5, batch_size=3, momentum=0.5,
                              weight_decay=0.001)
    got = load_network(saved).weights
    assert [w for m in got for row in m for w in row] == pytest.approx(
        [w for m in expected["weights"] for row in m for w in row], rel=1e-12, abs=0)


def test_a_diverging_velocity_exits_1_naming_it(tmp_path):
    net, data, saved = tmp_path / "net.json", tmp_path / "zeros.csv", tmp_path / "s.json"
    net.write_text('{"layers": [1, 1], "activation": "identity", "weights": [[[0.5]]]}')
    data.write_text("0,1\n0,1\n0,1\n")
    result = invoke("train", "--weights", net, "--data", data, "--lr", 1, "--batch-size", 2,
                    "--momentum", 0.5, "--weight-decay", 10, "--epochs", 1000, "--save", saved)
    assert result.exit_code == 1
    # tests/train/test_batches.py derives the iteration; here, the line the user reads.
    assert re.fullmatch(r"nntrace: iteration (\d+) \(epoch (\d+)\): L1\.n1\.w1\.velocity is inf, not a finite "
                        rf"number; kept the last finite weights; weights saved to {re.escape(str(saved))}\n",
                        result.stderr)
    assert "it diverged" in result.stdout


# Refusals: one line, exit 2, nothing written.

@pytest.mark.parametrize("args, message", [
    (["--batch-size", "0"], "Invalid value for '--batch-size': '0': expected a whole number of samples, at least 1, "
                            "or 'all'"),
    (["--batch-size", "-2"], "Invalid value for '--batch-size': '-2': expected a whole number"),
    (["--batch-size", "1.5"], "Invalid value for '--batch-size': '1.5': expected a whole number"),
    (["--batch-size", "x"], "Invalid value for '--batch-size': 'x': expected a whole number"),
    (["--momentum", "-0.5"], "Invalid value for '--momentum': -0.5 is negative; it is 0 or more"),
    (["--weight-decay", "-1"], "Invalid value for '--weight-decay': -1 is negative; it is 0 or more"),
    (["--momentum", "nan"], "Invalid value for '--momentum': 'nan' is not a finite number"),
    (["--convention", "article", "--batch-size", "2"], "Invalid value for '--convention': article computes "
     "online descent only (one sample per update, no momentum, no weight decay)"),
    (["--convention", "article", "--momentum", "0.9"], "article computes online descent only"),
    (["--convention", "article", "--weight-decay", "0.1"], "article computes online descent only"),
])
@pytest.mark.parametrize("command", ["train", "step"])
def test_bad_batch_and_optimizer_options_are_one_line_and_exit_2(tmp_path, xor_csv, command, args, message):
    saved = tmp_path / "keep.json"
    saved.write_text("precious")
    # step --save is refused with --momentum on its own account: step's output is its --trace.
    more = ["--epochs", "1", "--save", saved] if command == "train" else ["--data", xor_csv, "--trace", saved]
    result = invoke(command, *more, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and f"nntrace {command}: " in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert saved.read_text() == "precious"


@pytest.mark.parametrize("args, message", [
    (["--data", "{csv}", "--input", "0", "1"], "Invalid value for '--input': not with --data, whose rows are "
                                               "the inputs and targets"),
    (["--data", "{csv}", "--target", "1"], "Invalid value for '--target': not with --data"),
    (["--input", "0", "1", "--batch-size", "2"], "Invalid value for '--batch-size': only means something with "
                                                 "--data"),
    (["--data", "{tmp}/none.csv"], "none.csv: cannot read"),
])
def test_step_refuses_data_with_a_sample_of_its_own(tmp_path, xor_csv, args, message):
    args = [a.replace("{csv}", str(xor_csv)).replace("{tmp}", str(tmp_path)) for a in args]
    result = invoke("step", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


# A run stopped by a signal mid-epoch leaves a valid network and a valid trace.

def wait_for_steps(tmp_path, name: str, lines: int) -> None:
    """Until the trace's header and `lines` - 1 steps are written (the epochs' loss lines
    between them do not count)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:   # wait until it is writing steps
        temporary = [p for p in tmp_path.iterdir() if p.name.startswith(f".{name}.")]
        if temporary and temporary[0].read_text().count('"iteration"') >= lines - 1:
            return
        time.sleep(0.05)
    pytest.fail("training never started writing its trace")


@pytest.mark.parametrize("name, status", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_batch_run_with_momentum_stopped_by_a_signal_leaves_valid_files(tmp_path, name, status):
    saved, path = tmp_path / "s.json", tmp_path / "run.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "nntrace", "train", "--epochs", "100000000", "--lr", "0.5", "--batch-size", "2",
         "--momentum", "0.9", "--save", str(saved), "--trace", str(path), "--every", "99"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_steps(tmp_path, "run.jsonl", 3)
        process.send_signal(getattr(signal, name))
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == status, err
    match = re.fullmatch(r"nntrace: interrupted(?: by SIGTERM)? at the end of iteration (\d+) \(epoch (\d+) of "
                         r"100000000 complete\); weights saved to .*s\.json; (\d+) iteration\(s\) in .*run\.jsonl\n",
                         err)
    assert match, err
    iterations, epochs, traced = int(match[1]), int(match[2]), int(match[3])
    assert epochs == iterations // 2   # two updates an epoch
    trace = read_trace(path)
    assert len(trace.steps) == traced == iterations // 99 >= 2
    assert sorted(os.listdir(tmp_path)) == ["run.jsonl", "s.json"]
    # The last step is whole: its batch's two samples with every value, and the update's.
    last = trace.steps[-1]
    engine = Engine(network_after(trace.network, last), trace.settings)
    program = engine.program
    assert [len(s.values) for s in last.samples] == [len(set(program.sample_names))] * 2
    assert list(last.values) == program.names
    # Odd updates take rows 1-2, even ones rows 3-4 (--every 99 makes the last one either).
    assert [s.input for s in last.samples] == [x for x, _ in article.XOR][(last.iteration - 1) % 2 * 2:][:2]
    # The saved weights are those after exactly `iterations` updates: continue by hand from
    # the last traced step's weights and velocities.
    engine.state[:] = [last.values[name] for name in program.state]
    for k in range(last.iteration + 1, iterations + 1):
        rows = article.XOR[(k - 1) % 2 * 2:][:2]
        engine.step_batch([list(map(float, x)) for x, _ in rows], [list(map(float, t)) for _, t in rows])
    assert load_network(saved) == engine.network()
    assert isinstance(Network.from_dict(json.loads(saved.read_text())), Network)
    assert "Interrupted at the end of iteration" in out


# diff and explain on batch traces.

@pytest.fixture
def batch_traces(tmp_path, xor_csv):
    def make(name, *args):
        path = tmp_path / f"{name}.json"
        result = invoke("step", "--data", xor_csv, "--lr", 0.5, "--momentum", 0.9, *args, "--trace", path)
        assert result.exit_code == 0, result.output
        return path
    return make


def test_diff_names_the_sample_of_a_difference_and_explain_names_updated_weights(batch_traces):
    exact, slipped = batch_traces("exact"), batch_traces("slip", "--slip", "updated-weights")
    result = invoke("diff", exact, slipped)
    assert result.exit_code == 1
    text = " ".join(result.stdout.split())
    # Layer 2's update is the same either way; the first difference is sample 1's hidden error,
    # sent back through the updated weights.
    assert text.startswith("Earliest recorded difference: iteration 1, sample 1: L1.n1.error.")
    # At 80 columns the table drops the article's column rather than cut a header or a digit.
    assert "sample 2: L1.n1.error 0.02167944 0.02117758 -0.000502" in text
    wide = " ".join(CliRunner().invoke(cli, ["diff", str(exact), str(slipped)],
                                       env={"COLUMNS": "100"}).stdout.split())
    assert "sample 2: L1.n1.error error1_h 0.02167944 0.02117758 -0.000502" in wide
    assert "Explanation: your numbers match exact backprop with the slip updated-weights." in text
    report = json.loads(invoke("diff", exact, slipped, "--json").stdout)
    assert report["first_divergence"]["sample"] == 1 and report["first_divergence"]["name"] == "L1.n1.error"
    samples = {d.get("sample") for d in report["steps"][0]["differing"]}
    assert samples == {1, 2, 3, 4, None}   # every sample's hidden errors, and the update's layer 1


def test_diff_explains_wrong_sign_on_a_batch(batch_traces):
    result = invoke("diff", batch_traces("exact"), batch_traces("slip", "--slip", "wrong-sign"), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["first_divergence"] == {**report["first_divergence"], "name": "L2.n1.error", "sample": 1}
    assert report["explanation"]["message"] == "your numbers match exact backprop with the slip wrong-sign"


def test_two_identical_batch_traces_are_the_same(batch_traces, tmp_path, xor_csv):
    jsonl = tmp_path / "again.jsonl"
    assert invoke("step", "--data", xor_csv, "--lr", 0.5, "--momentum", 0.9, "--trace", jsonl).exit_code == 0
    result = invoke("diff", batch_traces("exact"), jsonl)
    assert result.exit_code == 0, result.output
    assert " ".join(result.stdout.split()).startswith("Same: all ")
