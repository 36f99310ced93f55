"""How commands show long work and its outcome: progress bars, reports and failures.

Every command that imports, syncs, calculates or replays prints through these, so a bar, a
report and a refusal look the same whichever command shows them: bars on standard error and
only on a terminal, reports on standard output, problems one line each on standard error
followed by one `kpidesk: error:` line.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    """A one-line progress bar on a terminal; silent when output is not a terminal."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.known = total > 0  # a query's rows are not known before they are read
        self.total = max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(self.stream is not None and self.stream.isatty())
        self.done = 0
        self._last = 0.0

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.1 and (done < self.total or not self.known)):
            return
        self._last = now
        if not self.known:
            self.stream.write(f"\r{self.label}: {done} rows")
            self.stream.flush()
            return
        width = 30
        filled = int(width * min(done, self.total) / self.total)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total}")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * (len(self.label) + 50) + "\r")
            self.stream.flush()


class StageBars:
    """A `progress(stage, done, total)` callback: one bar per stage, labelled with it.

    The services report long work in stages (an import's files, then checking and writing;
    a backtest's rules), each with its own total.
    """

    def __init__(self, prefix: str = "", *, longest: int = 40) -> None:
        self.prefix = prefix
        self.longest = longest
        self.stage: str | None = None
        self.bar: Progress | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage or self.bar is None:
            self.close()
            self.stage = stage
            self.bar = Progress(f"{self.prefix}{stage[: self.longest]}", total)
        if total > 0:  # a stage whose total became known
            self.bar.known, self.bar.total = True, total
        self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.finish()
        self.stage, self.bar = None, None


@contextmanager
def stage_bars(prefix: str = "", *, longest: int = 40) -> Iterator[StageBars]:
    """Bars for one piece of work, cleared from the terminal when it ends, however it ends."""
    bars = StageBars(prefix, longest=longest)
    try:
        yield bars
    finally:
        bars.close()


def print_report(headline: str | None, lines: Iterable[str]) -> None:
    """What a finished piece of work did: a headline, then the report's own lines."""
    if headline is not None:
        print(headline)
    for line in lines:
        print(line)


def print_failure(message: str, problems: Iterable[str] = ()) -> None:
    """Each problem on a line of its own (they name file and line), then the one error line."""
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"kpidesk: error: {message}", file=sys.stderr)


def print_warnings(warnings: Iterable[str]) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
