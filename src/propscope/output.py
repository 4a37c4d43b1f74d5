"""Writing a report file without losing anything: the inputs, an earlier report, or the work done.

- An output that is one of the inputs, or lies inside an input directory, is refused before
  anything is opened: opening it for writing would truncate an input, and a directory input would
  read the report back on the next run.
- The report is written to a temporary file beside the output and renamed over it at the end, so
  a failed run never leaves a truncated report where a good one was. An existing output is only
  replaced with ``force``; ``resume`` keeps its complete JSON lines and skips their inputs.
- Outputs that are not regular files (``/dev/stdout``, ``/dev/null``, ``/dev/full``) are written in
  place; a write error on any output (disk full, a directory, no permission) is one coded error.
- :class:`GracefulStop` turns SIGINT and SIGTERM into a request to stop after the current
  document, so that what was done is flushed and the run can be resumed; a second signal stops
  at once.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any, TypeVar

from propscope.errors import OutputExists, OutputIsInput, OutputNotWritable

T = TypeVar("T")


def _is_url_or_stdin(item: str) -> bool:
    return item == "-" or item.lower().startswith(("http://", "https://"))


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory)
    except ValueError:
        return False
    return True


def check_output(out: Path, inputs: Iterable[str], force: bool = False, resume: bool = False) -> None:
    """Refuse an output that would destroy an input or an earlier report; raise a coded error."""
    target = out.resolve()
    for item in inputs:
        if _is_url_or_stdin(item):
            continue
        source = Path(item)
        if not source.exists():
            continue
        resolved = source.resolve()
        if source.is_dir() and _inside(target, resolved):
            raise OutputIsInput(
                f"the output {out} lies inside the input directory {item}: the next run would read the report "
                "as an article; write it elsewhere"
            )
        if resolved == target or (out.exists() and os.path.samefile(source, out)):
            raise OutputIsInput(f"the output {out} is the input {item}: writing it would destroy the input")
    if out.is_dir():
        raise OutputNotWritable(f"cannot write {out}: it is a directory; name a file inside it")
    if out.exists() and out.is_file() and not (force or resume):
        raise OutputExists(f"{out} exists; use --force to overwrite it or --resume to continue it")


def completed_sources(out: Path) -> tuple[list[str], set[str]]:
    """The complete ``status: ok`` lines of an earlier JSON Lines report, and their sources.

    Error lines are dropped so that their inputs are tried again; a last line cut short by a crash
    is dropped too.
    """
    if not out.is_file():
        return [], set()
    lines: list[str] = []
    sources: set[str] = set()
    with out.open("r", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.endswith("\n"):
                break
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and record.get("status") == "ok" and isinstance(record.get("source"), str):
                lines.append(line)
                sources.add(record["source"])
    return lines, sources


class ReportFile:
    """A text file written through a temporary file and renamed into place on :meth:`commit`.

    Used as a context manager: leaving the block normally (or on an interruption the caller chose
    to honour, see :class:`GracefulStop`) commits; an error discards the temporary file and leaves
    the earlier output as it was. OS errors while writing become :class:`OutputNotWritable`.
    """

    def __init__(self, out: Path, keep_lines: Iterable[str] = ()) -> None:
        self.out = out
        self._temp: Path | None = None
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            if out.exists() and not out.is_file():
                # A device or a FIFO: nothing to rename over; write in place.
                self.handle: IO[str] = out.open("w", encoding="utf-8")
            else:
                fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
                self._temp = Path(name)
                self.handle = os.fdopen(fd, "w", encoding="utf-8")
                for line in keep_lines:
                    self.handle.write(line)
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None

    def write(self, text: str) -> None:
        try:
            self.handle.write(text)
        except OSError as exc:
            raise self._error(exc) from None

    def flush(self) -> None:
        try:
            self.handle.flush()
        except OSError as exc:
            raise self._error(exc) from None

    def commit(self) -> None:
        """Flush, sync and rename the temporary file over the output."""
        try:
            self.handle.flush()
            if self._temp is not None:
                os.fsync(self.handle.fileno())
            self.handle.close()
            if self._temp is not None:
                # mkstemp creates 0600; a report is as readable as any file the user creates.
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self._temp, 0o666 & ~umask)
                os.replace(self._temp, self.out)
                self._temp = None
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None

    def __enter__(self) -> ReportFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def discard(self) -> None:
        """Close and delete the temporary file; the output stays as it was."""
        handle = getattr(self, "handle", None)
        if handle is not None:
            try:
                handle.close()
            except OSError:
                pass  # the write already failed; the error that matters is being raised
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None

    def _error(self, exc: OSError) -> OutputNotWritable:
        reason = exc.strerror or str(exc)
        if isinstance(exc, (FileExistsError, NotADirectoryError)):
            reason = "a part of its path is a file, not a folder"
        return OutputNotWritable(f"cannot write {self.out}: {reason}")


class GracefulStop:
    """While active, SIGINT and SIGTERM ask the run to stop after the current document.

    :meth:`until_stopped` wraps the stream of documents: it stops pulling the next one once a
    signal came, so the document being analysed is finished and written. A second signal raises
    ``KeyboardInterrupt`` at once. Outside the main thread (where handlers cannot be installed)
    it does nothing.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.signal: int | None = None
        self.done = 0
        self._previous: dict[int, Any] = {}

    @property
    def name(self) -> str:
        return signal.Signals(self.signal).name if self.signal is not None else ""

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signal is not None:
            raise KeyboardInterrupt
        self.signal = signum

    def __enter__(self) -> GracefulStop:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def until_stopped(self, items: Iterable[T]) -> Iterator[T]:
        iterator = iter(items)
        while self.signal is None:
            try:
                item = next(iterator)
            except StopIteration:
                return
            self.done += 1
            yield item
