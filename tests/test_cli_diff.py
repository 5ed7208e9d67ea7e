"""`nntrace diff` and `--slip` through the CLI (kept apart from test_cli.py, which tests `step`)."""

import copy
import json
import math

import pytest
from click.testing import CliRunner

from nntrace.cli import cli

BIASED = {"layers": [2, 2, 2], "activation": "sigmoid",
          "weights": [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]],
          "biases": [[0.35, 0.35], [0.6, 0.6]]}
BIASED_ARGS = ["--input", "0.05", "0.1", "--target", "0.01", "0.99", "--lr", "0.5"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def traces(tmp_path):
    """Write the trace of `nntrace step ARGS` to tmp_path/NAME.json and return its path."""

    def make(name, *args):
        path = tmp_path / f"{name}.json"
        result = invoke("step", *args, "--trace", path)
        assert result.exit_code == 0, result.output
        return path

    return make


def reference_step(network: dict, x, t, lr, slips=()):
    """Sigmoid backprop written out independently of nntrace's engine, with the named slips."""
    weights, biases = copy.deepcopy(network["weights"]), copy.deepcopy(network["biases"])
    f = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    outs, values = [list(x)], {}
    for l, (matrix, bias) in enumerate(zip(weights, biases), 1):
        outs.append([f(sum(w * o for w, o in zip(row, outs[-1])) + b) for row, b in zip(matrix, bias)])

    def update(l, delta):
        for j, row in enumerate(weights[l - 1]):
            for i in range(len(row)):
                row[i] += outs[l - 1][i] * delta[j] * lr
            if "frozen-biases" not in slips:
                biases[l - 1][j] += delta[j] * lr

    deltas = {}
    last = len(weights)
    for l in range(last, 0, -1):
        if l == last:
            error = [(o - y) if "wrong-sign" in slips else (y - o) for y, o in zip(t, outs[l])]
        else:  # weights[l] feeds layer l+1; already changed when the slip updated-weights is on
            error = [sum(d * weights[l][k][j] for k, d in enumerate(deltas[l + 1])) for j in range(len(outs[l]))]
        if "missing-derivative" in slips:
            deriv = [1.0] * len(error)
        elif "derivative-on-output" in slips:
            deriv = [f(o) * (1 - f(o)) for o in outs[l]]
        else:
            deriv = [o * (1 - o) for o in outs[l]]
        deltas[l] = [d * e for d, e in zip(deriv, error)]
        for j, (e, d) in enumerate(zip(error, deltas[l]), 1):
            values[f"L{l}.n{j}.error"], values[f"L{l}.n{j}.delta"] = e, d
        if "updated-weights" in slips:
            update(l, deltas[l])
    if "updated-weights" not in slips:
        for l in range(last, 0, -1):
            update(l, deltas[l])
    for l, (matrix, bias) in enumerate(zip(weights, biases), 1):
        for j, row in enumerate(matrix, 1):
            values[f"L{l}.n{j}.b"] = bias[j - 1]
            values.update({f"L{l}.n{j}.w{i}": w for i, w in enumerate(row, 1)})
    return values


@pytest.mark.parametrize("slip", ["derivative-on-output", "updated-weights", "frozen-biases",
                                  "missing-derivative", "wrong-sign"])
def test_every_slip_is_reproduced_by_step_and_recognised_by_diff(tmp_path, traces, slip):
    (tmp_path / "net.json").write_text(json.dumps(BIASED))
    args = ["--weights", tmp_path / "net.json", *BIASED_ARGS]
    expected, actual = traces("expected", *args), traces("actual", *args, "--slip", slip)

    recorded = json.loads(actual.read_text())["steps"][0]["values"]
    reference = reference_step(BIASED, [0.05, 0.1], [0.01, 0.99], 0.5, [slip])
    assert reference != reference_step(BIASED, [0.05, 0.1], [0.01, 0.99], 0.5)   # the slip shows
    for name, value in reference.items():
        assert recorded[name] == pytest.approx(value, rel=1e-12, abs=1e-15), name

    result = invoke("diff", expected, actual)
    assert result.exit_code == 1, result.output
    assert f"your numbers match exact backprop with the slip {slip}." in " ".join(result.stdout.split())


@pytest.mark.parametrize("slip, cut", [("rounded:3", lambda v: round(v, 3)),
                                       ("truncated:4", lambda v: math.floor(v * 1e4) / 1e4)])
def test_precision_slips_are_reproduced_and_recognised_by_diff(traces, slip, cut):
    actual = traces("slip", "--input", "0", "1", "--slip", slip)
    values = json.loads(actual.read_text())["steps"][0]["values"]
    # The article's forward pass by hand, each value cut and carried (all positive here).
    f = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    hidden = [cut(f(cut(w))) for w in (0.6, 0.7, 0.9, 0.3)]
    net = cut(sum(h * w for h, w in zip(hidden, (0.6, 0.7, 0.3, 0.4))))
    assert [values[f"L1.n{j}.out"] for j in range(1, 5)] == pytest.approx(hidden, abs=1e-12)
    assert (values["L2.n1.net"], values["L2.n1.out"]) == pytest.approx((net, cut(f(net))), abs=1e-12)

    result = invoke("diff", traces("exact", "--input", "0", "1"), actual)
    assert result.exit_code == 1
    assert f"with the slip {slip}." in " ".join(result.stdout.split())


def test_same_traces_exit_0(traces):
    first, second = traces("a", "--input", "1", "0"), traces("b", "--input", "1", "0")
    result = invoke("diff", first, second)
    assert result.exit_code == 0, result.output
    assert "Same: all 50 values compared in 1 iteration(s) agree" in " ".join(result.stdout.split())


def test_different_traces_exit_1_with_the_first_divergence_and_its_article_name(traces):
    result = invoke("diff", traces("exact", "--input", "0", "1"),
                    traces("article", "--input", "0", "1", "--convention", "article"))
    assert result.exit_code == 1
    text = " ".join(result.stdout.split())
    assert ("Earliest recorded difference: iteration 1, L1.n1.out. It is the cause only if nothing "
            "computed before it went unrecorded; the values computed after it follow from it. trace name") in text
    assert "L1.n1.out output1_h 0.6456563 0.64 -0.00566" in text
    assert "Different: 38 of 50 values compared differ" in text
    assert "match the article's arithmetic" in text


def test_a_partial_trace_through_the_cli(tmp_path, traces):
    expected = traces("exact", "--input", "0", "1")
    data = json.loads(expected.read_text())
    data["steps"][0]["values"] = {"L1.n2.delta": 0.0056077137, "L2.n1.delta": 0.0361324059}
    partial = tmp_path / "worksheet.json"
    partial.write_text(json.dumps(data))
    result = invoke("diff", expected, partial, "--atol", "1e-9")
    assert result.exit_code == 0, result.output
    assert "Not checked, 48 value(s) ACTUAL does not record: L1.n1.net," in " ".join(result.stdout.split())
    assert invoke("diff", expected, partial).exit_code == 1   # 10 digits are not 1e-12 close


def test_json_report(traces):
    result = invoke("diff", traces("exact", "--input", "0", "1"),
                    traces("wrong", "--input", "0", "1", "--slip", "wrong-sign"), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["first_divergence"]["name"] == "L2.n1.error"
    assert report["first_divergence"]["actual"] == -report["first_divergence"]["expected"]
    assert report["explanation"]["matches"] == [{"convention": "exact", "slips": ["wrong-sign"]}]
    same = json.loads(invoke("diff", traces("a", "--input", "0", "0"), traces("b", "--input", "0", "0"),
                             "--json").stdout)
    assert same["same"] is True and same["explanation"] is None


def test_jsonl_traces_compare_with_json(traces, tmp_path):
    path = tmp_path / "t.jsonl"
    assert invoke("step", "--input", "0", "1", "--trace", path).exit_code == 0
    assert invoke("diff", traces("exact", "--input", "0", "1"), path).exit_code == 0


@pytest.mark.parametrize("content, message", [
    (None, "cannot read: No such file or directory"),
    ("", "empty file, not a trace"),
    ("{", "not valid JSON"),
    ('{"format": "nntrace-network/1", "layers": [1, 1]}', "a network file (nntrace-network/1), not a trace"),
    ('{"layers": [1, 1], "weights": [[[0.5]]]}', "a network file, not a trace"),   # format is optional
    ('{"hello": 1}', "not an nntrace trace (no format and no steps"),
    ('{}', "not an nntrace trace (no format and no steps"),
    ('[1, 2]', "not an nntrace trace (a JSON array, not an object"),
    ('{"steps": [{"values": {"loss": "high"}}]}', 'values: loss: "high" is not a number'),
])
def test_trouble_is_one_line_and_exit_2(tmp_path, traces, content, message):
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    result = invoke("diff", traces("exact", "--input", "0", "1"), bad)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and str(bad) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


@pytest.mark.parametrize("option, value", [("--rtol", "-1"), ("--atol", "nan"), ("--rtol", "x")])
def test_bad_tolerances_exit_2(traces, option, value):
    path = traces("exact", "--input", "0", "1")
    result = invoke("diff", path, path, option, value)
    assert result.exit_code == 2 and option in result.stderr


def test_the_default_tolerances_are_the_librarys():
    from nntrace.check import compare

    defaults = {p.name: p.default for p in cli.commands["diff"].params}
    assert (defaults["rtol"], defaults["atol"]) == (compare.RTOL, compare.ATOL)
    assert "[default: 1e-12]" in invoke("diff", "--help").output


def test_a_repeated_iteration_is_trouble(tmp_path, traces):
    path = traces("exact", "--input", "0", "1")
    data = json.loads(path.read_text())
    data["steps"] *= 2
    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps(data))
    result = invoke("diff", path, twice)
    assert result.exit_code == 2
    assert result.stderr == f"nntrace: {twice}: iteration 1 appears twice (steps are matched by their iteration number)\n"


def test_a_training_run_with_a_slip_is_explained_step_after_step(tmp_path):
    paths = {}
    for name, extra in (("exact", []), ("slip", ["--slip", "updated-weights"])):
        paths[name] = tmp_path / f"{name}.jsonl"
        result = invoke("train", "--epochs", "2", "--lr", "0.5", *extra, "--trace", paths[name])
        assert result.exit_code == 0, result.output
    result = invoke("diff", paths["exact"], paths["slip"], "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["compared"] == 8 * 50
    assert report["explanation"]["matches"] == [{"convention": "exact", "slips": ["updated-weights"]}]


def test_diff_json_is_strict_json_with_null_for_non_finite_values(tmp_path):
    header = '{"format": "nntrace-trace/1"}\n'
    (tmp_path / "a.jsonl").write_text(header + '{"iteration": 1, "values": {"L1.n1.net": Infinity, "loss": 2.0}}\n')
    (tmp_path / "b.jsonl").write_text(header + '{"iteration": 1, "values": {"L1.n1.net": 1.5, "loss": NaN}}\n')
    result = invoke("diff", tmp_path / "a.jsonl", tmp_path / "b.jsonl", "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output, parse_constant=lambda word: pytest.fail(f"{word} is not JSON"))
    first = report["first_divergence"]
    assert (first["name"], first["expected"], first["actual"], first["difference"]) == ("L1.n1.net", None, 1.5, None)
    assert report["differing"] == 2
    same = invoke("diff", tmp_path / "a.jsonl", tmp_path / "a.jsonl", "--json")
    assert same.exit_code == 0 and json.loads(same.output)["same"]


def test_a_training_trace_with_only_its_header_is_read_not_refused(tmp_path):
    trace = tmp_path / "t.jsonl"
    result = invoke("train", "--epochs", "1", "--every", "100", "--trace", trace)
    assert result.exit_code == 0, result.output
    # The header and the epoch's loss: no step.
    assert [json.loads(line).get("iteration") for line in trace.read_text().splitlines()] == [None, None]
    result = invoke("diff", trace, trace)
    assert result.exit_code == 0, result.output
    assert "Same: neither trace holds a step, and their headers agree." in result.output


@pytest.mark.parametrize("text", ['{"steps": []}', '{"format": "nntrace-trace/2"}',
                                  '{"format": "nntrace-trace/2", "steps": []}'])
def test_two_identical_traces_with_no_steps_are_the_same(tmp_path, text):
    path = tmp_path / "empty.json"
    path.write_text(text)
    result = invoke("diff", path, path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["same"] is True and report["compared"] == 0


def test_a_trace_with_no_steps_differs_from_one_with_steps(tmp_path, traces):
    path = tmp_path / "empty.json"
    path.write_text('{"steps": []}')
    result = invoke("diff", path, traces("a", "--input", "0", "1"))
    assert result.exit_code == 1 and "Different" in result.output


def test_an_actual_whose_input_does_not_fit_the_network_is_not_explained_by_expected(tmp_path, traces):
    # EXPECTED's step replayed in place of ACTUAL's 3 inputs reproduced every value, so the
    # report said "Different" and then "your numbers match exact backprop, with no slip".
    good = traces("good", "--input", "0", "1")
    data = json.loads(good.read_text())
    data["steps"][0]["input"] = [0, 1, 1]
    bad = tmp_path / "three.json"
    bad.write_text(json.dumps(data))
    result = invoke("diff", good, bad)
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "match exact backprop" not in text
    assert "cannot replay: iteration 1: ACTUAL's input has 3 number(s); the network 2-4-1 takes 2" in text


def test_iterations_below_1_are_refused_naming_the_file_and_step(tmp_path, traces):
    good = traces("good", "--input", "0", "1")
    bad = tmp_path / "zero.json"
    data = json.loads(good.read_text())
    data["steps"][0]["iteration"] = 0
    bad.write_text(json.dumps(data))
    result = invoke("diff", good, bad)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"nntrace: {bad}: steps[0]: iteration 0: iterations are numbered from 1"]


def test_the_opposite_sign_convention_is_said_to_be_no_mistake(tmp_path, traces):
    """A correct 1-1-1 sigmoid backprop written with error = out − target and w −= lr·x·delta."""
    from nntrace import Recorder

    def sigmoid(x):
        return 1 / (1 + math.exp(-x))

    w1, w2, x, t, lr = 0.3, -0.8, 0.5, 1.0, 0.25
    rec = Recorder(learning_rate=lr, network={"layers": [1, 1, 1], "activation": "sigmoid",
                                              "weights": [[[w1]], [[w2]]]})
    rec.begin_step(input=[x], target=[t])
    h = sigmoid(w1 * x)
    o = sigmoid(w2 * h)
    error_o = o - t
    delta_o = o * (1 - o) * error_o
    error_h = delta_o * w2
    delta_h = h * (1 - h) * error_h
    for name, value in [("L1.n1.net", w1 * x), ("L1.n1.out", h), ("L2.n1.net", w2 * h), ("L2.n1.out", o),
                        ("L2.n1.error", error_o), ("L2.n1.delta", delta_o), ("L1.n1.error", error_h),
                        ("L1.n1.delta", delta_h), ("L2.n1.w1", w2 - lr * h * delta_o),
                        ("L1.n1.w1", w1 - lr * x * delta_h)]:
        rec.record(name, value)
    rec.save(tmp_path / "mine.json")
    (tmp_path / "net.json").write_text(json.dumps(rec.trace.network.to_dict()))
    expected = traces("nntrace", "--weights", tmp_path / "net.json", "--input", x, "--target", t, "--lr", lr)
    result = invoke("diff", expected, tmp_path / "mine.json")
    assert result.exit_code == 1
    text = " ".join(result.stdout.split())
    assert "Different: 4 of 10 values compared differ" in text   # the two errors and two deltas
    assert ("Explanation: the same backprop with the opposite sign convention, not a mistake") in text
    report = json.loads(invoke("diff", expected, tmp_path / "mine.json", "--json").output)
    assert report["explanation"]["opposite_sign"] and report["explanation"]["matches"] == []



def test_a_diverged_training_trace_is_the_same_as_itself_and_its_slip_explained(tmp_path):
    # Output 1's net input overflows (1e308 + 1e308), output 2 stays finite: net 1, error −1.
    (tmp_path / "n.json").write_text('{"layers": [2, 2], "activation": "identity", '
                                     '"weights": [[[1e308, 1e308], [0.5, 0.5]]]}')
    (tmp_path / "d.csv").write_text("1,1,0,0\n")
    runs = {}
    for name, slips in (("exact", []), ("slipped", ["--slip", "wrong-sign"])):
        runs[name] = tmp_path / f"{name}.jsonl"
        result = invoke("train", "--weights", tmp_path / "n.json", "--data", tmp_path / "d.csv",
                        "--epochs", 3, "--trace", runs[name], *slips)
        assert result.exit_code == 1, result.output   # stopped: not finite
    assert invoke("diff", runs["exact"], runs["exact"]).exit_code == 0
    result = invoke("diff", runs["exact"], runs["slipped"], "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    first = report["first_divergence"]
    assert (first["name"], first["expected"], first["actual"]) == ("L1.n2.error", -1.0, 1.0)
    # The weight 0.5 moves by 0.001 × 1 × delta: to 0.499 exact, 0.501 with the slip.
    weight = next(d for d in report["steps"][0]["differing"] if d["name"] == "L1.n2.w1")
    assert weight["expected"] == pytest.approx(0.499, abs=1e-15) and weight["actual"] == pytest.approx(0.501, abs=1e-15)
    assert report["explanation"]["matches"] == [{"convention": "exact", "slips": ["wrong-sign"]}]


SOFTMAX = {"layers": [2, 3, 2], "activation": ["sigmoid", "softmax"],
           "weights": [[[0.1, 0.4], [-0.3, 0.2], [0.5, -0.6]], [[0.7, -0.2, 0.3], [-0.4, 0.6, 0.1]]],
           "biases": [[0.1, -0.1, 0.2], [0.05, -0.05]]}
SOFTMAX_ARGS = ["--input", "0.5", "-1", "--target", "0", "1", "--lr", "0.5"]


def test_diff_of_two_losses_reports_the_loss_as_a_setup_difference(tmp_path):
    net = tmp_path / "net.json"
    net.write_text(json.dumps(SOFTMAX))
    for loss in ("cross-entropy", "squared-error"):
        result = invoke("step", "--weights", net, *SOFTMAX_ARGS, "--loss", loss, "--trace", tmp_path / f"{loss}.json")
        assert result.exit_code == 0, result.output
    result = invoke("diff", tmp_path / "cross-entropy.json", tmp_path / "squared-error.json")
    assert result.exit_code == 1
    assert "loss cross-entropy expected, squared-error in ACTUAL" in " ".join(result.stdout.split())
    report = json.loads(invoke("diff", tmp_path / "cross-entropy.json", tmp_path / "squared-error.json",
                               "--json").stdout)
    assert report["setup_differences"] == ["loss cross-entropy expected, squared-error in ACTUAL"]


@pytest.mark.parametrize("slip", ["wrong-sign", "updated-weights"])
def test_diff_explains_a_cross_entropy_slip_replaying_with_the_headers_loss(tmp_path, slip):
    net = tmp_path / "net.json"
    net.write_text(json.dumps(SOFTMAX))
    args = ["step", "--weights", net, *SOFTMAX_ARGS, "--loss", "cross-entropy"]
    invoke(*args, "--trace", tmp_path / "exact.json")
    invoke(*args, "--slip", slip, "--trace", tmp_path / "slip.json")
    result = invoke("diff", tmp_path / "exact.json", tmp_path / "slip.json")
    assert result.exit_code == 1
    assert f"your numbers match exact backprop with the slip {slip}." in " ".join(result.stdout.split())


def test_the_slip_updated_weights_on_a_saturated_network_is_found(tmp_path):
    # The recipe: on a saturated 20-30-2 network the hidden errors are near 1e-7,
    # and updated-weights moves them by about 1e-13 (a relative 6e-7). An absolute
    # tolerance of 1e-12 swamped that and called the traces the same.
    net = tmp_path / "net.json"
    result = invoke("init", "20-30-2", "--seed", "4")
    net.write_text(result.output)
    sample = ["--weights", net, "--input", *["0.5"] * 20, "--target", "0.1", "0.9", "--lr", "0.5"]
    expected, actual = tmp_path / "e.json", tmp_path / "a.json"
    assert invoke("step", *sample, "--trace", expected).exit_code == 0
    assert invoke("step", *sample, "--slip", "updated-weights", "--trace", actual).exit_code == 0
    values = json.loads(expected.read_text())["steps"][0]["values"]
    assert 1e-8 < abs(values["L1.n1.error"]) < 1e-6          # saturated: tiny hidden errors
    result = invoke("diff", expected, actual)
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert "atol 1e-15" in text and "with the slip updated-weights" in text
    assert invoke("diff", expected, actual, "--atol", "1e-12").exit_code == 0   # the old default
