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
