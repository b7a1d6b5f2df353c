"""docker-py's ``docker.utils.socket`` helpers, for code that reads attach/exec sockets itself.

They take what ``attach_socket()`` and ``exec_start(socket=True)`` return (or any socket-like
object with ``recv``, a file with ``read``, or a descriptor). One difference from docker-py: a
stream that ends inside a frame raises :class:`~docker_client.errors.StreamInterrupted`
rather than ending quietly, so a cut is never mistaken for the end.
"""
from __future__ import annotations

import os
from typing import Any, Iterator, Optional, Tuple

from .. import streams, transport
from ..errors import InvalidArgument, StreamInterrupted
from ..streams.frames import parse_header

__all__ = ["STDERR", "STDOUT", "SocketError", "consume_socket_output", "demux_adaptor",
           "frames_iter", "frames_iter_no_tty", "frames_iter_tty", "next_frame_header", "read",
           "read_exactly"]

STDOUT = streams.STDOUT
STDERR = streams.STDERR
_HEADER_SIZE = 8


class SocketError(StreamInterrupted):
    """The socket ended before the bytes asked for (docker-py's ``SocketError``)."""


def read(socket: Any, n: int = 4096) -> bytes:
    """At most ``n`` bytes from ``socket``, waiting until some come; ``b""`` at its end."""
    while True:
        try:
            if hasattr(socket, "recv"):
                return bytes(socket.recv(n))
            if hasattr(socket, "read"):
                return bytes(socket.read(n) or b"")
            return os.read(socket.fileno(), n)
        except transport.WOULD_BLOCK:
            if getattr(socket, "gettimeout", lambda: 0)():
                raise  # the socket's own timeout passed: the caller's to handle
            transport.wait_readable(socket)  # a non-blocking socket: wait, as docker-py polls


def read_exactly(socket: Any, n: int) -> bytes:
    """Exactly ``n`` bytes from ``socket``.

    Raises:
        SocketError: it ended first.
    """
    data = b""
    while len(data) < n:
        more = read(socket, n - len(data))
        if not more:
            raise SocketError(f"Unexpected EOF: {len(data)} of {n} bytes came")
        data += more
    return data


def next_frame_header(socket: Any) -> Tuple[int, int]:
    """The ``(stream, size)`` of the next multiplexed frame, or ``(-1, -1)`` at the socket's end.

    Raises:
        SocketError: it ended inside the header.
        StreamParseError: the bytes are not a frame header.
    """
    first = read(socket, _HEADER_SIZE)
    if not first:
        return -1, -1
    header = first if len(first) == _HEADER_SIZE else first + read_exactly(socket, _HEADER_SIZE - len(first))
    return parse_header(header)


def frames_iter(socket: Any, tty: bool) -> Iterator[Tuple[int, bytes]]:
    """``(stream, data)`` pieces from an attach/exec socket; with ``tty`` (no frames), every
    piece is ``STDOUT``."""
    if tty:
        return ((STDOUT, data) for data in frames_iter_tty(socket))
    return frames_iter_no_tty(socket)


def frames_iter_no_tty(socket: Any) -> Iterator[Tuple[int, bytes]]:
    """``(stream, data)`` from a multiplexed socket, each frame's data as it arrives.

    Raises:
        StreamInterrupted: the socket ended inside a frame.
    """
    while True:
        stream, remaining = next_frame_header(socket)
        if stream < 0:
            return
        while remaining > 0:
            data = read(socket, remaining)
            if not data:
                raise StreamInterrupted(f"the stream ended inside a frame ({remaining} bytes missing)")
            remaining -= len(data)
            yield stream, data


def frames_iter_tty(socket: Any) -> Iterator[bytes]:
    """The bytes of a TTY's socket (no frames), as they arrive."""
    while True:
        data = read(socket)
        if not data:
            return
        yield data


def consume_socket_output(frames: Any, demux: bool = False) -> Any:
    """All of it: the bytes joined, or with ``demux`` the ``(stdout, stderr)`` pair of
    :func:`demux_adaptor` items joined (None for a stream that sent nothing)."""
    return streams.collect(frames, demux=demux)


def demux_adaptor(stream_id: int, data: bytes) -> Tuple[Optional[bytes], Optional[bytes]]:
    """``(data, None)`` for stdout, ``(None, data)`` for stderr.

    Raises:
        InvalidArgument: another stream id (a ``ValueError``, as in docker-py).
    """
    if stream_id == STDOUT:
        return data, None
    if stream_id == STDERR:
        return None, data
    raise InvalidArgument(f"{stream_id} is not a valid stream")
