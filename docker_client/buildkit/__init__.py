"""BuildKit: the decoded trace of a ``build(version="2")`` and the session that serves the daemon
registry credentials and secrets during the build.

Needs the ``buildkit`` extra (``protobuf`` and ``h2``): ``pip install 'docker_client[buildkit]'``.
"""
from __future__ import annotations

from ..errors import TraceDecodeError
from .session import Session
from .trace import (
    IMAGE_ID,
    TRACE_ID,
    BuildWarning,
    LogLine,
    Progress,
    StatusUpdate,
    Step,
    Trace,
    decode_status,
)

__all__ = [
    "IMAGE_ID",
    "TRACE_ID",
    "BuildWarning",
    "LogLine",
    "Progress",
    "Session",
    "StatusUpdate",
    "Step",
    "Trace",
    "TraceDecodeError",
    "decode_status",
]
