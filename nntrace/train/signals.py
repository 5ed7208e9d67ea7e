"""Stopping a run cleanly: Ctrl-C, SIGTERM and SIGHUP ask the loop to stop at the end of the
iteration under way; a second one stops at once, skipping the report, yet the trace (every
line written so far) and --save are still written whole; files being closed wait until they
are whole."""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator


class Stop:
    """A flag the loop reads once per iteration; set it to stop at the end of the current one.

    While `hold` is set (the loop is changing the weights), a second signal is noted in
    `at_once` rather than raised, and the loop, which stops at the end of the update under
    way, raises it there: the weights it leaves are whole."""

    requested = False
    signum: int | None = None   # the signal that asked, when one did
    hold = False
    at_once: int | None = None  # a second signal that arrived while held


class Interrupted(KeyboardInterrupt):
    """A second stop signal: stop at once. Names the signal, for the exit status (128 + it),
    and carries what the run reached, for --save: the weights, when whole and finite, and
    how many iterations the trace holds."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.network: Any = None
        self.traced = 0


# Ctrl-C, `kill`/`timeout` (SIGTERM) and a closed terminal (SIGHUP) all stop a run the same way.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


@contextmanager
def interruptible() -> Iterator[Stop]:
    """While inside, the first SIGINT (Ctrl-C), SIGTERM or SIGHUP sets `stop.requested` and
    `stop.signum`; a second one raises Interrupted at once. A signal ignored on entry (as
    under nohup) stays ignored."""
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop   # signal handlers can only be installed from the main thread
        return
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    caught = [signum for signum, handler in previous.items() if handler is not signal.SIG_IGN]

    def at_once(signum: int, frame: Any) -> None:
        if stop.hold:
            stop.at_once = signum
        else:
            raise Interrupted(signum)

    def request(signum: int, frame: Any) -> None:
        stop.requested, stop.signum = True, signum
        for each in caught:
            signal.signal(each, at_once)

    for signum in caught:
        signal.signal(signum, request)
    try:
        yield stop
    finally:
        for signum in caught:
            restore_handler(signum, previous[signum])


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Stop signals that arrive inside are held until it ends, then handled as they would
    have been, so a file being closed (a trace of many megabytes, say) is renamed into
    place whole rather than left behind as a temporary file."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(signum, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            restore_handler(signum, handler)
        for signum in held:
            handler = signal.getsignal(signum)   # as it is now: an earlier one may change it
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), signum)


def restore_handler(signum: int, handler: Any) -> None:
    """Put a handler back; None (one not set from Python) becomes Python's own default."""
    if handler is None:
        handler = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
    signal.signal(signum, handler)
