"""Text for streams that cannot take every character: ONE table of ASCII stand-ins.

nntrace prints formulas (×, −, ½, ², ∂, Σ), marks (✓, ≠, →), box drawing and plotext's
block characters. A stream that is not UTF-8 (PYTHONIOENCODING=ascii, a Windows console
in cp1252, a file opened as latin-1) gets each of them as the ASCII text below, so output
never ends in a UnicodeEncodeError. tests/test_ascii.py checks that every non-ASCII
character the package's source holds, and every one its renderers print, is here.

Plain output (not a terminal) also loses the spaces rich pads lines with, so a line ends
with its last character.
"""

from __future__ import annotations

import codecs
import io
from typing import IO, Any

# Box drawing: rich's tables (SIMPLE_HEAD, ROUNDED...), the network picture, plotext's frame.
_BOX = {
    **dict.fromkeys("─━═┄┈╌", "-"), **dict.fromkeys("│┃║┆┊╎", "|"),
    **dict.fromkeys("┌┐└┘├┤┬┴┼╭╮╯╰┏┓┗┛┣┫┳┻╋╔╗╚╝╠╣╦╩╬╒╓╕╖╘╙╛╜╞╟╡╢╤╥╧╨╪╫", "+"),
    **dict.fromkeys("╴╶╸╺", "-"), **dict.fromkeys("╵╷╹╻", "|"),
}
# plotext's "hd" marker draws with quarter blocks; the frame and markers of other kinds too.
_BLOCKS = dict.fromkeys("▀▁▂▃▄▅▆▇█▉▊▋▌▍▎▏▐░▒▓▔▕▖▗▘▙▚▛▜▝▞▟■□▣▢•⣿", "*")

ASCII: dict[str, str] = {
    # arithmetic and formulas
    "×": "x", "−": "-", "·": ".", "÷": "/", "±": "+/-", "½": "1/2", "²": "^2", "³": "^3",
    "′": "'", "″": "''", "∂": "d", "Σ": "sum", "∑": "sum", "√": "sqrt", "∞": "inf",
    "≤": "<=", "≥": ">=", "≠": "!=", "≈": "~", "←": "<-", "→": "->", "↑": "^", "↓": "v",
    "⇒": "=>", "μ": "mu", "µ": "u", "λ": "lambda", "η": "eta", "δ": "delta", "σ": "sigma",
    "Δ": "Delta", "ε": "eps", "∈": "in", "ℓ": "l", "⁻": "^-", "¹": "^1", "⁰": "^0",
    # marks and punctuation
    "✓": "ok", "✔": "ok", "✗": "x", "✘": "x", "…": "...", "—": "--", "–": "-", "‘": "'",
    "’": "'", "“": '"', "”": '"', "«": "<<", "»": ">>", "▶": ">", "►": ">", "◀": "<",
    "▲": "^", "▼": "v", "○": "o", "●": "o", "◦": "o", "\u00a0": " ", "\u2009": " ",
    "\u202f": " ", "\ufeff": "",
    **_BOX, **_BLOCKS,
}
_TABLE = str.maketrans(ASCII)


def is_utf(encoding: str | None) -> bool:
    """Can a stream of this encoding take any character? (None: a stream of str, as StringIO.)"""
    if encoding is None:
        return True
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def to_ascii(text: str) -> str:
    """Each character of the table as its stand-in; anything else not ASCII as `?`."""
    return text.translate(_TABLE).encode("ascii", "replace").decode("ascii")


def ascii_line(line: str) -> str:
    """A line of a table in ASCII, its columns still aligned: a stand-in longer than its
    character (✓ -> ok) takes its extra width from the next gap of 2 spaces or more (the
    padding between two columns), keeping at least 1 space there."""
    out: list[str] = []
    debt = 0   # characters added and not yet taken back
    index = 0
    while index < len(line):
        char = line[index]
        if char == " " and debt:
            end = index
            while end < len(line) and line[end] == " ":
                end += 1
            run = end - index
            taken = min(debt, run - 1) if run >= 2 else 0
            out.append(" " * (run - taken))
            debt -= taken
            index = end
            continue
        stand_in = to_ascii(char)
        debt += len(stand_in) - 1
        out.append(stand_in)
        index += 1
    return "".join(out)


def write_all(buffer: IO[bytes], data: bytes) -> None:
    """All of `data`, or an error (BrokenPipeError when the reader has gone): a write that
    wrote part is followed by one of the rest, which raises if the first could not finish."""
    view = memoryview(data)
    while view:
        view = view[buffer.write(view):]
    buffer.flush()


class PlainStream:
    """A text stream in front of another: whole lines lose their trailing spaces (`strip`),
    and every character leaves as ASCII when the stream underneath is not UTF-8 (`ascii`).
    A partial line waits for its end, or for flush()."""

    def __init__(self, stream: IO[str], strip: bool, ascii: bool):
        self.stream, self.strip, self.ascii = stream, strip, ascii
        self.pending = ""
        self.encoding = "utf-8"   # what it accepts: anything (rich and click ask)
        self.errors = "strict"

    def write(self, text: str) -> int:
        whole = self.pending + text
        end = whole.rfind("\n") + 1
        whole, self.pending = whole[:end], whole[end:]
        if not whole:
            return len(text)
        if (self.ascii and not whole.isascii()) or (self.strip and " \n" in whole):
            self.send("".join(self.line(line) + "\n" for line in whole.split("\n")[:-1]))
        else:   # nothing to change, at once: `train --json` writes hundreds of thousands of lines
            self.send(whole)
        return len(text)

    def send(self, text: str) -> None:
        """Write to the stream underneath; a text larger than its buffer as bytes, through
        write_all: CPython's buffered writer, given more than its buffer into a pipe whose
        reader has gone, writes part, returns, and the rest is lost without an error."""
        buffer = getattr(self.stream, "buffer", None)
        if len(text) < io.DEFAULT_BUFFER_SIZE or buffer is None:
            self.stream.write(text)
            return
        self.stream.flush()
        write_all(buffer, text.encode(self.stream.encoding, self.stream.errors or "strict"))

    def write_ascii(self, data: bytes) -> bool:
        """Write ASCII text none of whose lines ends in a space (indented JSON), as bytes, to
        the stream's own bytes past its text layer: there is nothing to change, and a
        summary of megabytes need not be decoded, searched and encoded again. False, with
        nothing written, where the stream has no bytes underneath or takes another encoding."""
        buffer = getattr(self.stream, "buffer", None)
        try:
            encoding = codecs.lookup(getattr(self.stream, "encoding", None) or "").name
        except LookupError:
            return False
        if buffer is None or encoding not in ("utf-8", "ascii") or not data.isascii():
            return False
        self.flush()   # what is pending, and what the text layer holds, goes first
        write_all(buffer, data)
        return True

    def line(self, line: str) -> str:
        if self.strip:
            line = line.rstrip(" ")
        return ascii_line(line) if self.ascii else line

    def flush(self) -> None:
        if self.pending:   # a progress bar's line, redrawn with \r: written as it is
            self.stream.write(to_ascii(self.pending) if self.ascii else self.pending)
            self.pending = ""
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:   # name, mode, closed...: the stream's own
        if name == "buffer":   # bytes would go around the translation
            raise AttributeError(name)
        return getattr(self.stream, name)


def plain_stream(stream: IO[str] | None) -> IO[str] | None:
    """`stream`, or a PlainStream in front of it when it needs one."""
    if stream is None or isinstance(stream, PlainStream):
        return stream
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError, OSError):
        terminal = False
    ascii = not is_utf(getattr(stream, "encoding", None))
    if terminal and not ascii:
        return stream
    return PlainStream(stream, strip=not terminal, ascii=ascii)  # type: ignore[return-value]
