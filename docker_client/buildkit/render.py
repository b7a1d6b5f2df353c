"""A BuildKit trace printed as ``docker build --progress=plain`` prints it.

    #5 [2/3] RUN make
    #5 0.312 cc -o app app.c
    #5 DONE 1.4s

    #6 [3/3] COPY app /usr/bin/
    #6 CACHED

Steps are numbered in the order they are first printed; steps of a progress group and steps
that have not started are not printed (as the CLI's plain mode does). A step interrupted by
another's output is marked ``#N ...`` and taken up again under its number.
"""
from __future__ import annotations

from datetime import datetime
from typing import IO, Dict, List, Optional, Set

from .trace import LogLine, Progress, StatusUpdate, Step, Trace


def format_bytes(count: int) -> str:
    """Decimal units as BuildKit prints them: ``123B``, ``1.23kB``, ``45.60MB``."""
    if count < 1000:
        return f"{count}B"
    units = ("kB", "MB", "GB", "TB", "PB")
    value, index = count / 1000, 0
    while value >= 1000 and index < len(units) - 1:
        value, index = value / 1000, index + 1
    return f"{value:.2f}{units[index]}"


def _seconds(start: Optional[datetime], end: Optional[datetime]) -> Optional[float]:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


def _log_time(seconds: float) -> str:
    precision = 3 if seconds < 10 else 2 if seconds < 100 else 1
    return f"{seconds:.{precision}f}"


class PlainPrinter:
    """Writes a trace's updates to ``out`` as they come (feed it each :class:`StatusUpdate`)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.numbers: Dict[str, int] = {}
        self.current: Optional[str] = None
        self.finished: Set[str] = set()
        self.partial: Dict[str, bytes] = {}   # a log line not ended yet, per step
        self.shown_status: Dict[str, str] = {}

    def update(self, trace: Trace, update: StatusUpdate) -> None:
        """Print what ``update`` (already applied to ``trace``) changed."""
        touched: List[str] = []
        for digest in ([v["digest"] for v in update.vertexes] + [s.vertex for s in update.statuses]
                       + [line.vertex for line in update.logs] + [w.vertex for w in update.warnings]):
            if digest not in touched:
                touched.append(digest)
        for digest in touched:
            step = trace.step(digest)
            if step.progress_group or digest in self.finished:
                continue
            if step.started is None and not step.cached and not step.done:
                continue
            statuses = [s for s in update.statuses if s.vertex == digest]
            logs = [line for line in update.logs if line.vertex == digest]
            warnings = [w.short for w in update.warnings if w.vertex == digest]
            self._print_step(step, statuses, logs, warnings)
        self.out.flush()

    def close(self, trace: Trace) -> None:
        """Finish the last step's partial line."""
        for digest, rest in self.partial.items():
            if rest:
                self._line(digest, rest.decode("utf-8", "replace"))
        self.partial.clear()
        self.out.flush()

    # -- one step ----------------------------------------------------------------------------

    def _print_step(self, step: Step, statuses: List[Progress], logs: List[LogLine],
                    warnings: List[str]) -> None:
        number = self.numbers.get(step.digest)
        if step.digest != self.current:
            if self.current is not None and self.current not in self.finished:
                self.out.write(f"#{self.numbers[self.current]} ...\n")
            if self.numbers:
                self.out.write("\n")
            if number is None:
                number = self.numbers[step.digest] = len(self.numbers) + 1
            self.out.write(f"#{number} {step.name}\n")
            self.current = step.digest
        for status in statuses:
            line = self._status_line(status)
            if line is not None and self.shown_status.get(status.id) != line:
                self.shown_status[status.id] = line
                self._line(step.digest, line)
        for short in warnings:
            self._line(step.digest, f"WARN: {short}")
        for log in logs:
            self._log(step, log)
        if step.done:
            self._finish(step)

    def _status_line(self, status: Progress) -> Optional[str]:
        """``ID 1.20MB / 3.40MB 0.3s done``; None for an unfinished status already shown or
        with no amount to show (it is printed when done, as the CLI's batching mostly does)."""
        if status.completed is None and (status.id in self.shown_status
                                         or not (status.current or status.total)):
            return None
        amount = ""
        if status.total:
            amount = f" {format_bytes(status.current)} / {format_bytes(status.total)}"
        elif status.current:
            amount = f" {format_bytes(status.current)}"
        took = ""
        seconds = _seconds(status.started, status.completed or status.timestamp)
        if seconds is not None and seconds > 0.01:
            took = f" {seconds:.1f}s"
        return f"{status.id}{amount}{took}{' done' if status.completed is not None else ''}"

    def _log(self, step: Step, log: LogLine) -> None:
        data = self.partial.pop(step.digest, b"") + log.data
        *lines, rest = data.split(b"\n")
        start = step.started or log.timestamp
        seconds = max(0.0, _seconds(start, log.timestamp) or 0.0)
        for line in lines:
            self._line(step.digest, f"{_log_time(seconds)} {line.decode('utf-8', 'replace')}")
        if rest:
            self.partial[step.digest] = rest

    def _finish(self, step: Step) -> None:
        rest = self.partial.pop(step.digest, b"")
        if rest:
            self._line(step.digest, rest.decode("utf-8", "replace"))
        if step.error:
            self._line(step.digest, f"ERROR: {step.error}")
        elif step.cached:
            self._line(step.digest, "CACHED")
        else:
            took = step.duration
            self._line(step.digest, "DONE" + (f" {took:.1f}s" if took is not None else ""))
        self.finished.add(step.digest)
        self.current = None

    def _line(self, digest: str, text: str) -> None:
        self.out.write(f"#{self.numbers[digest]} {text}\n")
