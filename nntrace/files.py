"""Write files whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .errors import NntraceError


# Files read through another file (an example's network), by real path: what they are;
# None outside a command. The command line refuses one file named by two options; these
# it cannot see.
READ_THROUGH: dict[str, str] | None = None


@contextmanager
def guarding_reads() -> Iterator[None]:
    """While a command runs, no output replaces a file it read through another file."""
    global READ_THROUGH
    READ_THROUGH = {}
    try:
        yield
    finally:
        READ_THROUGH = None


def read_through(path: str | os.PathLike, what: str) -> None:
    """Remember a file read because another file named it, so that no output replaces it."""
    if READ_THROUGH is not None:
        READ_THROUGH[os.path.realpath(path)] = what


def check_writable(path: str | os.PathLike, option: str, probe: bool = False) -> None:
    """Refuse early a path we could not write, before any work is done or any file touched;
    with `probe`, by making a file beside it (AtomicFile makes its own, so it needs none)."""
    if not str(path):
        raise NntraceError(f"{option}: no file name given")
    if "\x00" in str(path):
        raise NntraceError(f"{option}: {str(path)!r}: not a file name (it holds a NUL byte)")
    target = Path(os.path.realpath(path))   # a symlink is written through, not replaced
    if READ_THROUGH and str(target) in READ_THROUGH:
        raise NntraceError(f"{option}: '{path}' is {READ_THROUGH[str(target)]}, read by this command: "
                           f"writing it would replace it; name another file")
    folder = target.parent
    if target.is_dir():
        raise NntraceError(f"{option}: '{path}' is a folder, not a file")
    if target.exists() and not target.is_file():
        # A device or a pipe would be replaced by the rename, not written to.
        raise NntraceError(f"{option}: '{path}' is not a regular file")
    if not folder.is_dir():
        raise NntraceError(f"{option}: cannot write '{path}': folder '{folder}' does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NntraceError(f"{option}: cannot write '{path}': folder '{folder}' is not writable")
    if probe:
        make_and_remove(folder / f".{target.name}.{os.getpid()}.probe", path, option)


def make_and_remove(probe: Path, path: str | os.PathLike, option: str) -> None:
    """Where access() says yes and a file still cannot be made: a read-only mount, /sys."""
    try:
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        os.unlink(probe)
    except FileExistsError:
        pass
    except OSError as error:
        raise NntraceError(f"{option}: cannot write '{path}': {error.strerror}") from None


def mode_for(path: str | Path) -> int:
    """A file replaced keeps its permissions (a script made executable, a file kept private);
    a new one gets what open() would give it."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


class AtomicFile:
    """A text file that appears at `path` only when closed successfully.

    Lines written so far stay in a temporary file beside the target; `commit()` renames it
    into place, `discard()` removes it. Used as a context manager, an exception discards.
    """

    def __init__(self, path: str | os.PathLike, option: str = "output", binary: bool = False):
        check_writable(path, option)
        self.path = Path(os.path.realpath(path))
        self.option = option
        import tempfile   # only a run that writes a file pays for it

        try:
            fd, self.temporary = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent or "."
            )
        except OSError as error:
            raise NntraceError(f"{option}: cannot write '{path}': {error.strerror}") from None
        self.file: IO = (os.fdopen(fd, "wb") if binary
                         else os.fdopen(fd, "w", encoding="utf-8", newline="\n"))

    def write(self, text: str | bytes) -> None:
        self.file.write(text)

    def commit(self) -> None:
        if self.file.closed:
            return
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.chmod(self.temporary, mode_for(self.path))   # mkstemp made it 0600
            os.replace(self.temporary, self.path)
        except OSError as error:
            self.discard()
            raise NntraceError(f"{self.option}: cannot write '{self.path}': {error.strerror}") from None
        except BaseException:   # interrupted mid-way (a second Ctrl-C): leave no temporary file
            self.discard()
            raise

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


def known_extension(path: str | os.PathLike, known: tuple[str, ...], option: str) -> str:
    """The extension of `path` (lower case) if it is one of `known`; else one line naming the choices."""
    extension = os.path.splitext(str(path))[1].lower()
    if extension not in known:
        choices = f"{', '.join(known[:-1])} or {known[-1]}" if len(known) > 1 else known[0]
        raise NntraceError(f"{option}: '{path}': unknown extension {extension or '(none)'!r}; "
                           f"use {choices}")
    return extension


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: str | os.PathLike, text: str | bytes, option: str = "output") -> None:
    """Write `text` (or bytes) to `path` whole, or leave whatever was there untouched."""
    with AtomicFile(path, option, binary=isinstance(text, bytes)) as out:
        out.write(text)


STDIN = "-"   # as a file to read: standard input


def source_name(path: str | os.PathLike) -> str:
    """How messages name a file: its path, or "standard input" for `-`."""
    return "standard input" if str(path) == STDIN else str(path)


def read_text(path: str | os.PathLike, encoding: str = "utf-8") -> str:
    """A whole text file (`-`: standard input), or NntraceError naming it and why it cannot be read."""
    if not str(path):
        raise NntraceError("no file name given")
    if "\x00" in str(path):
        raise NntraceError(f"{str(path)!r}: not a file name (it holds a NUL byte)")
    try:
        if str(path) == STDIN:
            return read_stdin(encoding)
        return Path(path).read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise NntraceError(f"{source_name(path)}: cannot read: {reason}") from None


def read_stdin(encoding: str) -> str:
    """Standard input as text in `encoding`, whatever the stream's own (bytes when it has them)."""
    import sys

    stream = sys.stdin
    if stream is None:
        raise NntraceError(f"{source_name(STDIN)}: cannot read: it is closed")
    binary = getattr(stream, "buffer", None)
    if binary is not None:
        return binary.read().decode(encoding)
    return stream.read().removeprefix("\ufeff")
