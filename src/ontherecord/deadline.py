"""The per-article time limit: an alarm (``SIGALRM``) around one article's reading, raised inside it.

Why a signal rather than a watchdog that kills the worker: a stage stuck on a pathological text
is Python code in a loop, and the alarm interrupts it where it stands, in the process reading the
article, so the article fails, the process keeps its loaded pipeline and goes on with the next
article at once; ``ingest --jobs 1`` (no worker to kill) is covered the same way. Python runs a
signal handler between bytecodes, so code inside one native call (one spaCy component on one
piece of text, see ``nlp.pipeline``) is interrupted when that call returns: seconds, bounded by
the piece size and ``max_article_chars``.

The alarm exists only on POSIX and only in a process's main thread; elsewhere (a web server's
worker thread, Windows) :func:`time_limit` runs the work without a limit.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class ArticleTimeout(BaseException):
    """The article's time is up; raised inside whatever was running.

    A BaseException, like KeyboardInterrupt, so that a broad ``except Exception`` in a stage or a
    library cannot swallow it and run on past the limit. The reading door turns it into the
    article's Failure, naming the stage that was running.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"ran past the time limit of {seconds:g} s per article (setting article_timeout_s)")
        self.seconds = seconds


def available() -> bool:
    """Whether :func:`time_limit` can enforce a limit here (POSIX, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`ArticleTimeout` inside the block once it has run ``seconds``.

    An alarm already set by the caller (a test runner's timeout, an enclosing ``time_limit``) is
    kept: if it is due first, this block sets none of its own; otherwise it is set again, less the
    time spent here, when the block ends.

    Args:
        seconds: The limit; 0 or less means none.
    """
    if seconds <= 0 or not available():
        yield
        return
    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_delay and outer_delay <= seconds:
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise ArticleTimeout(seconds)

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:
            left = max(outer_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)
