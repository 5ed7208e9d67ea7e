import math
import re
from html import unescape
import xml.etree.ElementTree as ET

import pytest

from nntrace import api
from nntrace import notebook as nt
from nntrace.errors import NntraceError
from nntrace.core.network import random_network


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def test_step_gives_values_by_name_checked_by_hand():
    result = nt.step(nt.article_network(), [0, 1])
    hidden = [sigmoid(w) for w in (0.6, 0.7, 0.9, 0.3)]
    out = sigmoid(sum(h * w for h, w in zip(hidden, (0.6, 0.7, 0.3, 0.4))))
    assert result["L2.n1.out"] == pytest.approx(out, abs=1e-15)
    assert result.trace.steps[0].target == [1.0]           # XOR supplied the target
    assert result.values["loss"] == pytest.approx((1 - out) ** 2 / 2)
    assert result.after.weights[1][0][0] == result["L2.n1.w1"]


def test_results_display_in_jupyter_as_the_terminal_tables(render):
    result = nt.step(input=[0, 1], digits=4)
    bundle = result._repr_mimebundle_(include=[], exclude=[])
    assert set(bundle) == {"text/plain", "text/html"}
    html = unescape(re.sub(r"<[^>]+>", "", bundle["text/html"]))
    assert "net1_h = 0 × 0.2 + 1 × 0.6 = " in html and "0.6457" in html
    assert "0.6457" in result.text() and "Forward, hidden layer 1 (L1)" in result.text()
    page = ET.fromstring(result.html())
    assert "0.6457" in "".join(page.itertext())


def test_a_picture_displays_as_svg_and_text():
    picture = nt.step(input=[1, 1], lr=0.5).picture()
    bundle = picture._repr_mimebundle_()
    root = ET.fromstring(bundle["image/svg+xml"])
    assert len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) == 7
    assert "→" in bundle["text/plain"] and "L1 hidden · sigmoid" in bundle["text/plain"]
    assert set(picture._repr_mimebundle_(include=["text/plain"])) == {"text/plain"}


def test_show_and_load(tmp_path):
    net = random_network([3, 2], "relu", seed=1, biases=True)
    path = tmp_path / "net.json"
    from nntrace.core.network import save_network
    save_network(net, path)
    assert nt.load(path) == net
    assert "L1 output · relu" in nt.show(nt.load(path)).text()


def test_export_from_a_notebook(tmp_path):
    nt.step(input=[0, 1], digits=3).export(tmp_path / "step.md", show=True)
    text = (tmp_path / "step.md").read_text(encoding="utf-8")
    assert "**0.646**" in text and "| old | new |" in text


@pytest.mark.parametrize("kwargs, message", [
    ({"input": [0]}, "input=[0.0]: the network 2-4-1 takes 2 number"),
    ({"input": [0.5, 1]}, "target: required here"),   # was "target=:", with nothing after =
    ({"input": [0, 1], "target": [1, 0]}, "has 1 output(s), got 2"),
])
def test_bad_arguments_raise_one_line(kwargs, message):
    with pytest.raises(NntraceError, match=re.escape(message)):
        nt.step(**kwargs)


@pytest.mark.parametrize("call, message", [
    (lambda: nt.step(input=[0, "a"]), "input=[0, 'a']: item 1 ('a') is text, not a number"),
    (lambda: nt.step(input=["0", "1"]),
     "input=['0', '1']: item 0 ('0') is text, not a number (write 0.0, without quotes)"),
    (lambda: nt.step(input=[0, math.nan]), "input=[0, nan]: item 1 (nan) is not a finite number"),
    (lambda: nt.step(input=1), "input=1: expected a list of numbers, like [0, 1]"),
    (lambda: nt.step(input="01"), "input='01': expected a list of numbers, like [0, 1]"),
    (lambda: nt.step(target=["a"]), "target=['a']: item 0 ('a') is text, not a number"),
    (lambda: nt.step(lr="x"), "lr='x': not a number"),
    (lambda: nt.step(digits=-3), "digits=-3: expected a whole number from 1 to 17"),
    (lambda: nt.step(digits=18), "digits=18: expected a whole number from 1 to 17"),
    (lambda: nt.show(digits=2.5), "digits=2.5: expected a whole number from 1 to 17"),
    (lambda: nt.step(convention="Exact"), "convention='Exact': expected 'exact' or 'article'"),
    (lambda: nt.step(slips=[1]), "slips=[1]: expected a slip name or a list of them"),
    (lambda: nt.step(slips="wrong-signs"), "slips='wrong-signs': unknown 'wrong-signs' (choose from"),
    (lambda: nt.train(slips=["rounded:x"], epochs=1),
     "slips=['rounded:x']: 'rounded:x': expected rounded:N with N decimals from 0 to 20"),
    (lambda: nt.step(network=3), "network=3: expected a Network, a network file's path, a dict or None"),
    (lambda: nt.step("no-such-net.json"), "no-such-net.json: cannot read"),
    (lambda: nt.train(epochs=2.5), "epochs=2.5: expected a whole number of at least 1"),
    (lambda: nt.train(epochs=0), "epochs=0: expected a whole number of at least 1"),
    (lambda: nt.train(seed="1", shuffle=True), "seed='1': expected a whole number"),
    (lambda: nt.train(data=[([0, "x"], [1])]),
     "data[0] inputs=[0, 'x']: item 1 ('x') is text, not a number"),
    (lambda: nt.train(data=[[0, 1, 2]]), "data[0]=[0, 1, 2]: expected a pair (inputs, targets)"),
    (lambda: nt.train(data=5), "data=5: expected None, a CSV file's path or (inputs, targets) pairs"),
])
def test_bad_arguments_name_the_python_argument_in_one_line(call, message):
    with pytest.raises(NntraceError) as raised:
        call()
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)


def test_a_string_network_is_a_path_and_a_string_slip_is_one_slip(tmp_path):
    from nntrace import api
    from nntrace.core.network import save_network

    net = random_network([2, 3, 1], seed=4, biases=True)
    save_network(net, tmp_path / "net.json")
    result = nt.step(str(tmp_path / "net.json"), [1, 0], [1], slips="wrong-sign")
    expected = api.step(net, [1, 0], [1], slips=["wrong-sign"])
    assert result.values == expected.steps[0].values
    assert list(result.trace.settings.slips) == ["wrong-sign"]
    assert nt.train(tmp_path / "net.json", epochs=3).network == nt.train(net, epochs=3).network


def test_plot_of_a_long_run_says_each_point_is_a_mean_as_the_cli_does(tmp_path):
    from nntrace.cli import cli
    from click.testing import CliRunner

    nt.train(epochs=1000, lr=0.5).plot(tmp_path / "notebook.svg")
    CliRunner().invoke(cli, ["train", "--epochs", "1000", "--lr", "0.5",
                             "--plot", str(tmp_path / "cli.svg")])
    for name in ("notebook.svg", "cli.svg"):
        assert "each point the mean of 2 epochs" in (tmp_path / name).read_text(encoding="utf-8")


def test_picture_repr_is_short_and_text_has_no_trailing_padding():
    assert repr(nt.show()) == "<nntrace picture: network 2-4-1 sigmoid, no biases>"
    assert repr(nt.step().picture()).endswith("no biases, each weight old → new>")
    text = nt.step().text(width=120)
    assert text.endswith("\n") and all(line == line.rstrip() for line in text.splitlines())
    assert "net1_h = 0 × 0.2 + 1 × 0.6 = 0.6" in text


def test_repr_is_short():
    assert repr(nt.step()).startswith("<nntrace step: input [0.0, 1.0], target [1.0], loss 0.0229")


def test_train_matches_the_library_and_displays_as_the_terminal_report(tmp_path):
    from nntrace.core.settings import make_settings
    from nntrace.train.data import xor
    from nntrace.train.loop import train

    run = nt.train(epochs=200, lr=0.5, digits=4)   # the picture below reads 4 digits
    reference = train(nt.article_network(), xor(), 200, make_settings(0.5))
    assert run.network == reference.network                   # the same loop, the same weights
    assert run.learned == reference.verdict.learned and run.verdict == reference.verdict.describe()
    assert [loss for _, loss in run.losses] == [loss for _, loss in reference.curve.series()]
    html = unescape(re.sub(r"<[^>]+>", "", run._repr_mimebundle_([], [])["text/html"]))
    assert "Every sample under the final weights" in html and "Trained 200 of 200 epoch(s)" in html
    picture = run.picture().text()
    assert f"0.6 → {format(run.network.weights[1][0][0], '.4g')}" in picture
    run.plot(tmp_path / "loss.svg")
    run.export(tmp_path / "train.md")
    assert ET.fromstring((tmp_path / "loss.svg").read_text(encoding="utf-8")) is not None
    assert run.verdict in (tmp_path / "train.md").read_text(encoding="utf-8")


def test_train_on_pairs_and_on_a_csv(tmp_path):
    net = random_network([1, 2, 1], seed=3)
    pairs = [([0.0], [0.0]), ([1.0], [1.0])]
    on_pairs = nt.train(net, pairs, epochs=20, lr=0.5)
    csv = tmp_path / "samples.csv"
    csv.write_text("x,t\n0,0\n1,1\n")
    assert nt.train(net, str(csv), epochs=20, lr=0.5).network == on_pairs.network
    with pytest.raises(NntraceError, match=r"data\[1\]: the network 1-2-1 takes 1 input\(s\)"):
        nt.train(net, [([0.0], [0.0]), ([1.0, 2.0], [1.0])])
    with pytest.raises(NntraceError, match="data: required for the network 1-2-1"):
        nt.train(net)


def test_step_takes_a_loss():
    # 1-2 softmax: nets 0.5 × 1 = 0.5 and −0.5 × 1 = −0.5; outputs e^0.5 / (e^0.5 + e^−0.5) =
    # 1 / (1 + e^−1) and e^−1 / (1 + e^−1); target 0 1: loss −ln o2 = ln(1 + e) = 1.3132617.
    net = {"layers": [1, 2], "activation": "softmax", "weights": [[[0.5], [-0.5]]]}
    result = nt.step(net, [1], [0, 1], lr=0.5, loss="cross-entropy")
    assert result.trace.settings.loss == "cross-entropy"
    assert result["loss"] == pytest.approx(math.log(1 + math.e), rel=1e-14)
    assert result["L1.n2.delta"] == pytest.approx(1 - math.exp(-1) / (1 + math.exp(-1)), rel=1e-14)
    assert "softmax with cross-entropy: target − out" in result.text()
    with pytest.raises(NntraceError, match=r"^loss='binary-cross-entropy': "):
        nt.step(net, [1], [0, 1], loss="binary-cross-entropy")


# nt.check: a worked example judged figure by figure, as `nntrace check`.

def test_check_displays_the_articles_figures_and_exports(tmp_path):
    result = nt.check(digits=4)
    assert result.first_wrong == "L2.n1.deriv"
    assert repr(result) == "<nntrace check: 37 figures, first wrong L2.n1.deriv>"
    assert result.verdicts["L1.n1.out"] == "agrees" and result.verdicts["L2.n1.deriv"] == "slip"
    bundle = result._repr_mimebundle_(include=[], exclude=[])
    assert set(bundle) == {"text/plain", "text/html"}
    html = unescape(re.sub(r"<[^>]+>", "", bundle["text/html"]))
    assert "output1_h" in html and "0.6457" in html and "✓ agrees" in html
    assert "The first figure to go wrong: deriv(output_o) (L2.n1.deriv)" in " ".join(result.text().split())
    result.export(tmp_path / "check.md")
    text = (tmp_path / "check.md").read_text(encoding="utf-8")
    assert "| `L2.n1.deriv` (deriv(output\\_o)) | 0.21 | 0.1685 | ≠ slip |" in text


def test_check_takes_a_file_and_names_its_first_wrong_figure(monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).parents[1])
    assert nt.check("examples/mistakes.json").first_wrong == "L2.n1.deriv"
    mazur = nt.check("examples/mazur-2-2-2.json")
    assert mazur.first_wrong is None and set(mazur.verdicts.values()) == {"agrees"}
    assert repr(mazur) == "<nntrace check: 22 figures, first wrong None>"


def test_check_refuses_what_is_not_an_example_in_one_line():
    with pytest.raises(NntraceError, match=r"^example=5: expected a worked-example file's path"):
        nt.check(5)
    with pytest.raises(NntraceError, match=r"^digits="):
        nt.check(digits="many")
    with pytest.raises(NntraceError, match=r"no-such\.json: cannot read"):
        nt.check("no-such.json")


def test_a_batch_step_and_a_batch_run_from_a_notebook():
    pairs = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1])]
    result = nt.step(data=pairs, lr=0.5, momentum=0.9, weight_decay=0.01, digits=4)
    assert result.trace.steps[0] == api.step(data=pairs, lr=0.5, momentum=0.9, weight_decay=0.01).steps[0]
    # The update's values by name: the mean gradient, its velocity, the new weight.
    assert result["L2.n1.w1.velocity"] == result["L2.n1.w1.grad"] + 0.01 * 0.6
    assert result.after.weights[1][0][0] == result["L2.n1.w1"]
    assert "Sample 3 (1 0 → 1): Forward" in result.text() and "Update: Loss" in result.text()
    assert repr(result).startswith("<nntrace step: a batch of 3 sample(s), mean loss 0.")
    run = nt.train(data=pairs, epochs=20, lr=0.5, batch_size=2, momentum=0.9, weight_decay=0.01)
    assert run.network == api.train(data=pairs, epochs=20, lr=0.5, batch_size=2, momentum=0.9,
                                    weight_decay=0.01).network
    assert "batches of 2 samples, momentum 0.9, weight decay 0.01" in " ".join(run.text().split())
