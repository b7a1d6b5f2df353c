"""Decoders for the Docker Engine API's byte streams, and the :class:`Stream` streaming calls return.

They compose (``iter_json(iter_raw(response))``); reading connections is the transport's job."""
from __future__ import annotations

# The names imported "as" themselves are re-exported outside __all__, as they were before.
from .body import iter_raw
from .duplex import Duplex, Output
from .frames import _FRAME_HOLD_LIMIT as _FRAME_HOLD_LIMIT
from .frames import (
    STDERR,
    STDIN,
    STDOUT,
    SYSTEMERR,
    FrameDecoder,
    collect,
    demux,
    frame_payloads,
    iter_frames,
)
from .hijacked import HIJACK_READ_SIZE as HIJACK_READ_SIZE
from .hijacked import MULTIPLEXED_STREAM as MULTIPLEXED_STREAM
from .hijacked import RAW_STREAM as RAW_STREAM
from .hijacked import UPGRADE_HEADERS as UPGRADE_HEADERS
from .hijacked import HijackedSocket, hijack, iter_socket, read_hijacked
from .jsonlines import iter_json, iter_json_lines
from .stream import CancellableStream, Stream

__all__ = [
    "STDERR", "STDIN", "STDOUT", "SYSTEMERR", "CancellableStream", "Stream", "collect", "demux",
    "frame_payloads", "iter_frames", "iter_json", "iter_json_lines", "iter_raw",
    # hijacked connections (attach, exec)
    "Duplex", "FrameDecoder", "HijackedSocket", "Output", "hijack", "iter_socket", "read_hijacked",
]
