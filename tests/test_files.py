import os

import pytest

from nntrace import files
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


def test_write_atomically_writes_bytes_as_they_are(tmp_path):
    path = tmp_path / "out.png"
    data = bytes(range(256)) + b"\r\n\n"
    write_atomically(path, data)
    assert path.read_bytes() == data


def test_a_written_file_gets_the_usual_permissions(tmp_path):
    previous = os.umask(0o022)
    try:
        write_atomically(tmp_path / "net.svg", "<svg/>")
    finally:
        os.umask(previous)
    assert (tmp_path / "net.svg").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_a_replaced_file_keeps_its_permissions(tmp_path, mode):
    path = tmp_path / "net.json"
    path.write_text("old")
    path.chmod(mode)
    write_atomically(path, "new")
    assert path.stat().st_mode & 0o777 == mode and path.read_text() == "new"


def test_known_extension_names_the_choices():
    from nntrace.files import known_extension

    assert known_extension("A.PNG", (".png", ".svg"), "--plot") == ".png"
    with pytest.raises(NntraceError, match=r"^--plot: 'a\.gif': unknown extension '\.gif'; use \.png or \.svg$"):
        known_extension("a.gif", (".png", ".svg"), "--plot")


def test_read_text_names_the_file_and_the_reason(tmp_path):
    (tmp_path / "a.txt").write_text("fine")
    assert read_text(tmp_path / "a.txt") == "fine"
    (tmp_path / "bin").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(NntraceError, match=r"bin: cannot read: not a UTF-8 text file"):
        read_text(tmp_path / "bin")
    with pytest.raises(NntraceError, match=r"missing: cannot read: No such file"):
        read_text(tmp_path / "missing")


def test_a_symlink_is_written_through_not_replaced(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomically(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_device_is_refused_not_replaced():
    with pytest.raises(NntraceError, match="'/dev/null' is not a regular file"):
        check_writable("/dev/null", "--trace")
    with pytest.raises(NntraceError, match="not a regular file"):
        write_atomically("/dev/null", "x")
    assert not os.path.isfile("/dev/null")


def test_an_empty_path_is_refused():
    with pytest.raises(NntraceError, match="no file name given"):
        check_writable("", "--trace")


def test_an_interrupt_while_committing_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def interrupted(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "new")
    assert os.listdir(tmp_path) == ["out.txt"] and target.read_text() == "old"


def test_a_file_read_through_another_is_not_replaced_while_a_command_runs(tmp_path):
    path = tmp_path / "net.json"
    path.write_text("{}")
    with files.guarding_reads():
        files.read_through(path, "the network of ex.json")
        with pytest.raises(NntraceError, match="'.*net.json' is the network of ex.json, read by this command"):
            files.write_atomically(path, "trace")
    assert path.read_text() == "{}"
    files.read_through(path, "the network of ex.json")   # outside a command (the Python API): not kept
    files.write_atomically(path, "new")
    assert path.read_text() == "new"
