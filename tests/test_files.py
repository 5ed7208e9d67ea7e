import os

import pytest

from nntrace.errors import NntraceError
from nntrace.files import AtomicFile, check_writable, read_text, write_atomically


def test_write_atomically_replaces_whole(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    write_atomically(path, "new")
    assert path.read_text() == "new"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_a_failure_while_writing_leaves_the_old_file(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    with pytest.raises(ZeroDivisionError):
        with AtomicFile(path) as out:
            out.write("half of it")
            1 / 0
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_check_writable_refuses_missing_folders_and_folders(tmp_path):
    with pytest.raises(NntraceError, match="folder .* does not exist"):
        check_writable(tmp_path / "no" / "x.json", "--trace")
    with pytest.raises(NntraceError, match="is a folder"):
        check_writable(tmp_path, "--trace")
    check_writable(tmp_path / "fine.json", "--trace")


def test_read_text_names_the_file_and_the_reason(tmp_path):
    (tmp_path / "a.txt").write_text("fine")
    assert read_text(tmp_path / "a.txt") == "fine"
    (tmp_path / "bin").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(NntraceError, match=r"bin: cannot read: not a UTF-8 text file"):
        read_text(tmp_path / "bin")
    with pytest.raises(NntraceError, match=r"missing: cannot read: No such file"):
        read_text(tmp_path / "missing")
