"""Write files whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TextIO

from .errors import NntraceError


def check_writable(path: str | os.PathLike, option: str) -> None:
    """Refuse early a path we could not write, before any work is done or any file touched."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise NntraceError(f"{option}: '{path}' is a folder, not a file")
    if not folder.is_dir():
        raise NntraceError(f"{option}: cannot write '{path}': folder '{folder}' does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NntraceError(f"{option}: cannot write '{path}': folder '{folder}' is not writable")


class AtomicFile:
    """A text file that appears at `path` only when closed successfully.

    Lines written so far stay in a temporary file beside the target; `commit()` renames it
    into place, `discard()` removes it. Used as a context manager, an exception discards.
    """

    def __init__(self, path: str | os.PathLike, option: str = "output"):
        self.path = Path(path)
        self.option = option
        try:
            fd, self.temporary = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent or "."
            )
        except OSError as error:
            raise NntraceError(f"{option}: cannot write '{path}': {error.strerror}") from None
        self.file: TextIO = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, text: str) -> None:
        self.file.write(text)

    def commit(self) -> None:
        if self.file.closed:
            return
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.replace(self.temporary, self.path)
        except OSError as error:
            self.discard()
            raise NntraceError(f"{self.option}: cannot write '{self.path}': {error.strerror}") from None

    def discard(self) -> None:
        if not self.file.closed:
            self.file.close()
        try:
            os.unlink(self.temporary)
        except FileNotFoundError:
            pass

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_atomically(path: str | os.PathLike, text: str, option: str = "output") -> None:
    """Write `text` to `path` whole, or leave whatever was there untouched."""
    with AtomicFile(path, option) as out:
        out.write(text)


def read_text(path: str | os.PathLike, encoding: str = "utf-8") -> str:
    """A whole text file, or NntraceError naming the file and why it cannot be read."""
    try:
        return Path(path).read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise NntraceError(f"{path}: cannot read: {reason}") from None
