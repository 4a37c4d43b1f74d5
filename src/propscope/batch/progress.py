"""Progress of a corpus run: a live bar on a terminal, a plain line every few seconds in a log."""

from __future__ import annotations

import sys
import time
from typing import Any


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


class Progress:
    """Counts documents (analysed, failed, skipped) against the estimated total, with rate and ETA."""

    def __init__(self, total: int | None, live: bool | None = None, every_s: float = 10.0) -> None:
        self.total = total
        self.live = sys.stderr.isatty() if live is None else live
        self.every_s = every_s
        self.started = time.monotonic()
        self.last_line = self.started
        self._bar: Any = None
        self._task: Any = None
        self.count = 0
        self.analysed = 0

    def __enter__(self) -> Progress:
        if self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress as Bar,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Bar(
                TextColumn("analysing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("{task.fields[failed]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("batch", total=self.total, rate="", failed="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
            self._bar = None

    def advance(self, summary: Any) -> None:
        """Show the counts of ``summary`` (a :class:`~propscope.batch.run.Summary`)."""
        done = summary.ok + summary.failed + summary.duplicates + summary.skipped_done + summary.skipped_errors
        self.count = done
        self.analysed = summary.ok + summary.failed
        now = time.monotonic()
        rate = self.analysed / (now - self.started) if now > self.started else 0.0
        if self._bar is not None:
            self._bar.update(self._task, completed=done, rate=f"{rate:.2f}/s", failed=f"{summary.failed} failed")
        elif not self.live and now - self.last_line >= self.every_s:
            self.last_line = now
            print(self.line(summary, rate), file=sys.stderr, flush=True)

    def line(self, summary: Any, rate: float) -> str:
        total = f"/{self.total}" if self.total else ""
        eta = ""
        if self.total and rate > 0:
            eta = f", ETA {_duration(max(0, self.total - self.count) / rate)}"
        return (
            f"propscope: batch {self.count}{total} documents ({summary.ok} ok, {summary.failed} failed, "
            f"{summary.skipped_done + summary.skipped_errors + summary.duplicates} skipped), {rate:.2f} documents/s"
            f"{eta}, {_duration(time.monotonic() - self.started)} elapsed"
        )
