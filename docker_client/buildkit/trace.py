"""A BuildKit build's trace as Python objects: its steps (vertexes), their progress and logs.

The daemon sends the trace in the build's JSON stream as ``{"id": "moby.buildkit.trace",
"aux": "<base64>"}`` documents, each one BuildKit ``StatusResponse`` protobuf message, and ends
with ``{"id": "moby.image.id", "aux": {"ID": ...}}``. :class:`Trace` is fed those documents one
by one and keeps the state of the build; :func:`decode_status` decodes one message.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional

from ..errors import BuildError, TraceDecodeError

#: The ``id`` of the documents that carry the trace, and of the one that names the image.
TRACE_ID = "moby.buildkit.trace"
IMAGE_ID = "moby.image.id"
#: How many of the failed step's last log lines a :class:`BuildError` quotes.
LAST_LOG_LINES = 10


@dataclass
class Progress:
    """One progress line of a step (``VertexStatus``): a transfer, an extraction..."""

    id: str
    vertex: str = ""
    name: str = ""
    current: int = 0
    total: int = 0
    timestamp: Optional[datetime] = None
    started: Optional[datetime] = None
    completed: Optional[datetime] = None


@dataclass
class LogLine:
    """Output of a step's process (``VertexLog``): ``stream`` 1 is stdout, 2 stderr."""

    vertex: str
    stream: int
    data: bytes
    timestamp: Optional[datetime] = None


@dataclass
class BuildWarning:
    """A warning BuildKit reports about a step (``VertexWarning``), e.g. a Dockerfile lint."""

    vertex: str
    level: int
    short: str
    detail: List[str] = field(default_factory=list)
    url: str = ""


@dataclass
class Step:
    """One step of the build (a ``Vertex``): ``[2/3] RUN make``, ``[internal] load ...``.

    ``number`` is its place in the order steps first appeared in the trace.
    """

    digest: str
    number: int
    name: str = ""
    inputs: List[str] = field(default_factory=list)
    cached: bool = False
    started: Optional[datetime] = None
    completed: Optional[datetime] = None
    error: str = ""
    progress_group: str = ""
    progress: Dict[str, Progress] = field(default_factory=dict)
    logs: List[LogLine] = field(default_factory=list)
    warnings: List[BuildWarning] = field(default_factory=list)

    @property
    def done(self) -> bool:
        """Completed, with or without an error (a cached step is completed at once)."""
        return self.completed is not None

    @property
    def duration(self) -> Optional[float]:
        """Seconds from start to completion; None while running or when it never started."""
        if self.started is None or self.completed is None:
            return None
        return max(0.0, (self.completed - self.started).total_seconds())

    def output(self, stream: Optional[int] = None) -> bytes:
        """What the step's process wrote, in order: both streams, or only ``stream`` (1, 2)."""
        return b"".join(line.data for line in self.logs if stream is None or line.stream == stream)


@dataclass
class StatusUpdate:
    """One decoded ``StatusResponse``: the changes one trace document carries."""

    vertexes: List[Dict[str, Any]] = field(default_factory=list)
    statuses: List[Progress] = field(default_factory=list)
    logs: List[LogLine] = field(default_factory=list)
    warnings: List[BuildWarning] = field(default_factory=list)


def _time(message: Any, name: str) -> Optional[datetime]:
    if not message.HasField(name):
        return None
    stamp = getattr(message, name)
    return datetime.fromtimestamp(stamp.seconds + stamp.nanos / 1e9, tz=timezone.utc)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def decode_status(aux: Any) -> StatusUpdate:
    """Decode the ``aux`` of a ``moby.buildkit.trace`` document.

    Raises:
        TraceDecodeError: not a string of base64, or not a ``StatusResponse`` message.
        DockerException: the ``protobuf`` package is missing (``pip install docker_client[buildkit]``).
    """
    from . import _protobuf

    if not isinstance(aux, (str, bytes)):
        raise TraceDecodeError(f"a BuildKit trace document's aux is base64 text, not {type(aux).__name__}")
    try:
        raw = base64.b64decode(aux, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TraceDecodeError(f"a BuildKit trace document's aux is not base64: {exc}") from exc
    message = _protobuf.parse_status(raw)  # raises TraceDecodeError
    update = StatusUpdate()
    for vertex in message.vertexes:
        update.vertexes.append({
            "digest": vertex.digest, "inputs": list(vertex.inputs), "name": vertex.name,
            "cached": vertex.cached, "started": _time(vertex, "started"),
            "completed": _time(vertex, "completed"), "error": vertex.error,
            "progress_group": vertex.progressGroup.id if vertex.HasField("progressGroup") else "",
        })
    for status in message.statuses:
        update.statuses.append(Progress(
            id=status.ID, vertex=status.vertex, name=status.name, current=status.current,
            total=status.total, timestamp=_time(status, "timestamp"), started=_time(status, "started"),
            completed=_time(status, "completed")))
    for log in message.logs:
        update.logs.append(LogLine(vertex=log.vertex, stream=log.stream, data=bytes(log.msg),
                                   timestamp=_time(log, "timestamp")))
    for warning in message.warnings:
        update.warnings.append(BuildWarning(
            vertex=warning.vertex, level=warning.level, short=_text(warning.short),
            detail=[_text(d) for d in warning.detail], url=warning.url))
    return update


class Trace:
    """The state of a BuildKit build, fed its stream's documents in order.

    Example:
        >>> trace = Trace()
        >>> for document in client.build(fileobj=dockerfile, version="2", decode=True):
        ...     trace.feed(document)
        >>> [(step.name, step.cached, step.duration) for step in trace.steps]
    """

    def __init__(self) -> None:
        self._steps: Dict[str, Step] = {}
        self.warnings: List[BuildWarning] = []
        #: The built image's ID (``moby.image.id``), once the daemon has sent it.
        self.image_id: Optional[str] = None
        #: The ``error`` of the stream's error document, if the build failed.
        self.error: Optional[str] = None

    @property
    def steps(self) -> List[Step]:
        """Every step seen, in the order they first appeared."""
        return list(self._steps.values())

    def step(self, digest: str) -> Step:
        """The step of a vertex digest."""
        return self._steps[digest]

    @property
    def failed_step(self) -> Optional[Step]:
        """The step that failed (the last one with an error), if any."""
        failed = [step for step in self._steps.values() if step.error]
        return failed[-1] if failed else None

    def build_error(self, message: str, build_log: Any) -> BuildError:
        """The :class:`BuildError` of a failed build: the failing step's name and its last log
        lines, as ``docker build`` shows them (also as ``error.step`` and ``error.trace``)."""
        step = self.failed_step
        reason = message
        if step is not None:
            lines = step.output().decode("utf-8", "replace").splitlines()[-LAST_LOG_LINES:]
            reason = "\n".join([f"{step.name}: {message}", *(f" > {line}" for line in lines)])
        error = BuildError(reason, build_log)
        error.step = step  # type: ignore[attr-defined]
        error.trace = self  # type: ignore[attr-defined]
        return error

    def feed(self, document: Mapping[str, Any]) -> Optional[StatusUpdate]:
        """Take one document of the build stream (decoded JSON); the update it carried, if any.

        Documents that are not part of the trace (``stream``, ``aux`` of other ids) are
        ignored; an error document is remembered in :attr:`error`.
        """
        if not isinstance(document, Mapping):
            raise TraceDecodeError(f"a build stream document is a JSON object, not {document!r}")
        if "error" in document or "errorDetail" in document:
            detail = document.get("errorDetail") or {}
            message = detail.get("message") if isinstance(detail, Mapping) else ""
            self.error = str(document.get("error") or message)
            return None
        if document.get("id") == IMAGE_ID:
            aux = document.get("aux")
            if isinstance(aux, Mapping) and isinstance(aux.get("ID"), str):
                self.image_id = aux["ID"]
            return None
        if document.get("id") != TRACE_ID:
            return None
        update = decode_status(document.get("aux"))
        self.apply(update)
        return update

    def apply(self, update: StatusUpdate) -> None:
        """Merge a decoded update into the steps."""
        for fields in update.vertexes:
            step = self._step(fields["digest"])
            step.name = fields["name"] or step.name
            step.inputs = fields["inputs"] or step.inputs
            step.cached = fields["cached"]
            step.started = fields["started"] or step.started
            step.completed = fields["completed"] or step.completed
            step.error = fields["error"] or step.error
            step.progress_group = fields["progress_group"] or step.progress_group
        for status in update.statuses:
            self._step(status.vertex).progress[status.id] = status
        for line in update.logs:
            self._step(line.vertex).logs.append(line)
        for warning in update.warnings:
            self._step(warning.vertex).warnings.append(warning)
            self.warnings.append(warning)

    def _step(self, digest: str) -> Step:
        step = self._steps.get(digest)
        if step is None:
            step = self._steps[digest] = Step(digest=digest, number=len(self._steps) + 1)
        return step
