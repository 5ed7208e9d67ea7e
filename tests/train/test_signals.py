import os
import signal
import time

import pytest

from nntrace.train.signals import Interrupted, interruptible, signals_deferred


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_interruptible_sets_the_flag_then_a_second_signal_interrupts_at_once(name):
    signum = getattr(signal, name)
    before = signal.getsignal(signum)
    with interruptible() as stop:
        os.kill(os.getpid(), signum)
        assert stop.requested and stop.signum == signum
        with pytest.raises(KeyboardInterrupt) as raised:
            os.kill(os.getpid(), signal.SIGINT if name == "SIGTERM" else signal.SIGTERM)
            time.sleep(1)   # the handler runs at the next bytecode; never reached
        assert isinstance(raised.value, Interrupted)
    assert signal.getsignal(signum) is before


def test_a_signal_ignored_on_entry_stays_ignored():
    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)   # as under nohup
    try:
        with interruptible() as stop:
            os.kill(os.getpid(), signal.SIGHUP)
            assert not stop.requested and signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, before)


@pytest.mark.parametrize("other_thread", [False, True])
def test_signals_deferred_holds_a_signal_until_the_block_ends(other_thread):
    # Another thread (rich's progress bar runs one) may be the one the signal reaches.
    import threading
    finished = threading.Event()
    if other_thread:
        threading.Thread(target=finished.wait, args=(5,), daemon=True).start()
    done = []
    with interruptible():
        os.kill(os.getpid(), signal.SIGTERM)   # a first signal asks to stop; a second interrupts
        with pytest.raises(Interrupted):
            with signals_deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)
                done.append("closed")
            time.sleep(1)
    finished.set()
    assert done == ["closed"]


def test_a_second_signal_stops_at_once_yet_the_trace_is_whole_and_the_weights_kept(tmp_path):
    # Two signals during the loop (sent by the progress callback after epoch 3): the run
    # stops at the end of the update under way and raises Interrupted, carrying the weights
    # reached; the trace is committed with every line written so far (it used to be
    # discarded, though the docs promised a trace closed whole however the run ends).
    from nntrace import article
    from nntrace.core.settings import make_settings
    from nntrace.trace import read_trace
    from nntrace.trace.model import network_after
    from nntrace.train.data import xor
    from nntrace.train.loop import train

    def progress(epoch, loss):
        if epoch == 3:
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGHUP)

    path = tmp_path / "run.jsonl"
    with interruptible() as stop:
        with pytest.raises(Interrupted) as raised:
            train(article.network(), xor(), 100, make_settings(0.5), trace=path, progress=progress,
                  stop=stop)
    assert raised.value.signum == signal.SIGHUP and stop.signum == signal.SIGTERM
    trace = read_trace(path)   # whole: every line parses
    # Epoch 3 ends at iteration 12; the loop sees the stop after the next update, 13.
    assert [s.iteration for s in trace.steps] == list(range(1, 14)) and raised.value.traced == 13
    assert raised.value.network == network_after(trace.network, trace.steps[-1])
    assert not [p for p in tmp_path.iterdir() if p.name != "run.jsonl"]   # no temporary file


def test_a_second_signal_to_the_cli_still_writes_the_trace_and_save(tmp_path):
    import json
    import subprocess
    import sys

    trace, saved = tmp_path / "run.jsonl", tmp_path / "s.json"
    process = subprocess.Popen([sys.executable, "-m", "nntrace", "train", "--epochs", "100000000",
                                "--lr", "0.5", "--trace", str(trace), "--save", str(saved)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not any(p.name.startswith(".run.jsonl") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    time.sleep(0.01)
    process.send_signal(signal.SIGHUP)
    out, err = process.communicate(timeout=60)
    # Whenever the second signal lands, the trace and --save are whole.
    lines = trace.read_text().splitlines()
    assert len(lines) > 1 and all(json.loads(line) for line in lines)
    assert json.loads(saved.read_text())["format"] == "nntrace-network/1"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no temporary file
    # Mostly it lands while the run is stopping: at once, no report. After the run has
    # handed its signals back (printing the report), SIGHUP ends the process as it would.
    assert process.returncode in (128 + signal.SIGHUP, -signal.SIGHUP), err
    if process.returncode > 0:
        assert err.startswith("nntrace: stopped at once by a second signal (SIGHUP); weights saved to ")
        assert out == ""
