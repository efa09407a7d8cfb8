"""Stage ⑨: a one-line progress display on stderr for long batch runs (count, rate, ETA)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts articles and words and redraws one status line.

    On a terminal the line is redrawn in place a few times a second; in a log (stderr not a
    TTY) a fresh line is written every ``log_every`` seconds, so CI logs stay readable.

    Args:
        total: How many articles the run will see, when that was cheap to know; None shows rate only.
        stream: Where to draw (stderr by default).
        enabled: False draws nothing (``--no-progress``) but still counts.
        log_every: Seconds between lines when the stream is not a terminal.
    """

    def __init__(
        self,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        enabled: bool = True,
        log_every: float = 10.0,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = 0.2 if self.tty else log_every
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.count = 0
        self.words = 0

    def advance(self, articles: int = 1, words: int = 0) -> None:
        """Count ``articles`` more seen (of which ``words`` were parsed) and redraw if due."""
        self.count += articles
        self.words += words
        now = time.monotonic()
        if self.enabled and now - self.last_draw >= self.interval:
            self.last_draw = now
            self._draw(now)

    def line(self, now: float | None = None) -> str:
        """The status line as it would be drawn now."""
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = self.count / elapsed
        parts = [f"{self.count}" + (f"/{self.total}" if self.total else "") + " articles"]
        parts.append(f"{rate:.1f} art/s")
        parts.append(f"{self.words / elapsed:,.0f} words/s")
        if self.total and rate > 0 and self.count <= self.total:
            parts.append(f"ETA {_duration((self.total - self.count) / rate)}")
        parts.append(f"elapsed {_duration(elapsed)}")
        return "  ".join(parts)

    def _draw(self, now: float) -> None:
        text = self.line(now)
        if self.tty:
            self.stream.write("\r\x1b[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Draw the final state and end the line."""
        if not self.enabled:
            return
        self._draw(time.monotonic())
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
