"""The one table of ASCII stand-ins covers every character nntrace prints."""

import ast
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from nntrace.ascii import ASCII, PlainStream, ascii_line, plain_stream, to_ascii
from nntrace.cli import cli

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "nntrace"


def source_characters() -> dict[str, str]:
    """Every non-ASCII character in a string literal of the package (docstrings are --help
    text), with a module that holds it; the two tables of characters spelled otherwise
    aside (ascii.py's, and latex.py's, which never reach a terminal)."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("ascii.py", "latex.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for char in node.value:
                    if not char.isascii():
                        found.setdefault(char, str(path.relative_to(ROOT)))
    return found


def test_the_scan_finds_the_characters_it_must():
    found = source_characters()
    assert {"×", "−", "½", "²", "∂", "Σ", "✓", "≠", "→", "·", "…", "─"} <= set(found)


def test_every_character_in_the_source_has_a_stand_in():
    missing = {char: module for char, module in source_characters().items() if char not in ASCII}
    assert missing == {}


def test_the_stand_ins_are_ascii_and_named_as_the_issue_asks():
    assert all(text.isascii() for text in ASCII.values())
    expected = {"×": "x", "→": "->", "−": "-", "✓": "ok", "≠": "!=", "½": "1/2", "²": "^2", "∂": "d",
                "Σ": "sum", "μ": "mu", "λ": "lambda", "′": "'", "…": "...", "─": "-", "│": "|",
                "┼": "+", "▀": "*", "▗": "*"}
    assert {char: ASCII[char] for char in expected} == expected


COMMANDS = [
    "step --input 0 1",
    "step --input 0 1 --convention article --show",
    "step --input 0 1 --slip derivative-on-output --slip frozen-biases",
    "step --weights examples/2-2-2.json --input 0.05 0.1 --target 0.01 0.99 --lr 0.5 --loss binary-cross-entropy",
    "step --weights fixtures/networks/2-3-2-1-tanh.json --input 0.5 -1 --target 0.25 --momentum 0.9 "
    "--weight-decay 0.1 --show",
    "step --data {csv} --batch-size all --momentum 0.5",
    "show --weights fixtures/networks/2-3-2-1-tanh.json",
    "train --epochs 300 --lr 0.5",
    "train --epochs 1200 --lr 0.5 --batch-size 2",
    "train --epochs 300 --lr 0.5 --slip wrong-sign",
    "diff fixtures/article/exact.json fixtures/slips/updated-weights.json",
    "diff fixtures/article/exact.json fixtures/slips/wrong-sign.json",
    "init 2-3-1 --seed 1",
    "check", "check examples/mistakes.json", "check examples/mazur-2-2-2.json --digits 4",
    "--help", "step --help", "train --help", "diff --help", "show --help", "init --help",
]


def printed(command: str, width: int = 80) -> str:
    result = CliRunner().invoke(cli, command.split(), env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.fixture
def outputs(tmp_path, monkeypatch) -> str:
    monkeypatch.chdir(ROOT)
    csv = tmp_path / "xor.csv"
    csv.write_text("0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    return "\n".join(printed(command.format(csv=csv), width) for command in COMMANDS for width in (80, 40))


def test_every_character_the_commands_print_has_a_stand_in(outputs):
    missing = sorted({char for char in outputs if not char.isascii() and char not in ASCII})
    assert missing == []
    assert to_ascii(outputs).count("?") == outputs.count("?")   # no character unknown to the table


def test_every_character_of_the_loss_chart_has_a_stand_in():
    # plotext draws lines with quarter blocks and frames with box drawing, in any mix.
    import math

    from nntrace.render.chart import chart_text

    curves = [[(e, 0.2 / e) for e in range(1, 400)], [(e, 0.25 - e / 1000) for e in range(1, 200)],
              [(e, math.exp(e)) for e in range(1, 200)], [(e, 0.5 + 0.4 * math.sin(e / 3)) for e in range(1, 300)]]
    chars = {c for curve in curves for width in (30, 80, 100)
             for c in chart_text(curve, len(curve), "loss", width) if not c.isascii()}
    assert chars and chars <= set(ASCII)


def test_the_progress_bar_has_stand_ins():
    # rich's bar on standard error, shown on a terminal: ━ and ╸, and … while no loss is known.
    assert {ASCII[c] for c in "━╸…"} == {"-", "..."}


def test_a_longer_stand_in_takes_its_width_from_the_next_column_gap():
    line = " loss   ½ × (1 − 0.78)² = 0.02      0.02 ✓   "
    assert ascii_line(line) == " loss   1/2 x (1 - 0.78)^2 = 0.02   0.02 ok  "
    assert len(ascii_line(line)) == len(line)
    assert ascii_line("a ½ b") == "a 1/2 b"        # single spaces are words' spaces: kept


def test_plain_stream_strips_whole_lines_and_translates_for_ascii():
    out = io.StringIO()
    stream = PlainStream(out, strip=True, ascii=True)
    stream.write("0.6 ✓   \nhalf a li")
    assert out.getvalue() == "0.6 ok\n"
    stream.write("ne   \n")
    stream.write("end ½")
    stream.flush()
    assert out.getvalue() == "0.6 ok\nhalf a line\nend 1/2"


def test_plain_stream_writes_ascii_bytes_after_the_text_before_them():
    raw = io.BytesIO()
    text = io.TextIOWrapper(raw, encoding="utf-8")
    stream = PlainStream(text, strip=True, ascii=False)
    stream.write("before   \npending")
    assert stream.write_ascii(b'{\n  "a": 1\n}\n')
    assert raw.getvalue() == b'before\npending{\n  "a": 1\n}\n'
    assert not stream.write_ascii("\u00e5".encode())   # not ASCII: nothing written
    for other in (io.TextIOWrapper(io.BytesIO(), encoding="utf-16"), io.StringIO()):
        assert not PlainStream(other, strip=True, ascii=False).write_ascii(b"1\n")   # no bytes of UTF-8
    assert raw.getvalue() == b'before\npending{\n  "a": 1\n}\n'


class Pipe(io.RawIOBase):
    """A pipe that takes `room` bytes, at most 65536 a write, as the kernel's; past them a
    write raises."""

    def __init__(self, room: int):
        self.room, self.got = room, b""

    def writable(self):
        return True

    def write(self, data):
        if not self.room:
            raise BrokenPipeError(32, "Broken pipe")
        part = bytes(data[:min(self.room, 65536)])
        self.got += part
        self.room -= len(part)
        return len(part)


def test_a_large_write_into_a_pipe_with_room_arrives_whole():
    pipe = Pipe(room=10**7)
    stream = PlainStream(io.TextIOWrapper(io.BufferedWriter(pipe), encoding="utf-8"), strip=True, ascii=False)
    stream.write("before\n" + "0.5 \n" * 100_000)
    stream.flush()
    assert pipe.got == b"before\n" + b"0.5\n" * 100_000


def test_a_command_whose_reader_stops_early_exits_1_quietly(tmp_path):
    # A single write of more than the pipe holds, into a pipe whose reader has gone, writes
    # part and returns (CPython's buffered writer): the rest was lost, and the status was 0.
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "nntrace", "step", "--input", "0", "1", "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    process.stdout.read(10)   # all 20 KB fit in the pipe: written whole, status 0
    assert process.wait(timeout=60) == 0
    network = CliRunner().invoke(cli, ["init", "2-300-300-1", "--seed", "1"]).stdout
    (tmp_path / "wide.json").write_text(network)
    process = subprocess.Popen([sys.executable, "-m", "nntrace", "step", "--input", "0", "1", "--target", "1",
                                "--weights", str(tmp_path / "wide.json"), "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=60) == 1 and process.stderr.read() == b""


def test_plain_stream_wraps_only_streams_that_need_it():
    class Terminal(io.StringIO):
        encoding = "utf-8"

        def isatty(self):
            return True

    class Ascii(io.StringIO):
        encoding = "ascii"

    terminal = Terminal()
    assert plain_stream(terminal) is terminal and plain_stream(None) is None
    piped = plain_stream(io.StringIO())
    assert isinstance(piped, PlainStream) and piped.strip and not piped.ascii
    ascii = plain_stream(Ascii())
    assert ascii.ascii and plain_stream(ascii) is ascii
