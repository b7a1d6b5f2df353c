"""The multiplexed framing of attach, logs and exec output: an 8-byte header, then a payload.

One header parser, :func:`_parse_header`, serves :func:`iter_frames` and :class:`FrameDecoder`."""
from __future__ import annotations

import struct
from typing import Any, Iterable, Iterator

from ..constants import STREAM_HEADER_SIZE_BYTES, STREAM_READ_SIZE
from ..errors import StreamInterrupted, StreamParseError

#: Stream types in the header of a multiplexed frame.
STDIN = 0
STDOUT = 1
STDERR = 2
#: Newer daemons send an error of their own (not the container's) as a frame of this type.
SYSTEMERR = 3

#: A payload held back while its frame is incomplete is yielded in parts beyond this size.
_FRAME_HOLD_LIMIT = STREAM_READ_SIZE

_HEADER = struct.Struct(">LL")
assert _HEADER.size == STREAM_HEADER_SIZE_BYTES
_unpack_header = _HEADER.unpack_from
#: The first word of a valid header (stream type, then three zero bytes) -> the stream type.
_STREAM_OF_WORD = {STDIN << 24: STDIN, STDOUT << 24: STDOUT, STDERR << 24: STDERR,
                   SYSTEMERR << 24: SYSTEMERR}


def _parse_header(data: Any, pos: int, data_offset: int) -> tuple[int, int]:
    """The ``(stream_type, payload_length)`` of the frame header at ``data[pos:pos + 8]``.

    The one reader of the header format: ``[stream_type, 0, 0, 0, size (u32 big-endian)]``.

    Args:
        data: bytes-like, with at least 8 bytes from ``pos``.
        pos: where the header starts in ``data``.
        data_offset: where ``data`` starts in the stream (for the message).

    Raises:
        StreamParseError: an unknown stream type or nonzero padding: the frames are out of step.
    """
    word, length = _unpack_header(data, pos)
    stream = _STREAM_OF_WORD.get(word, -1)
    if stream < 0:
        header = _HEADER.pack(word, length).hex()
        raise StreamParseError(
            f"malformed frame header {header} at byte {data_offset + pos} of the stream "
            "(unknown stream type or nonzero padding: the frames are out of step)")
    return stream, length


def parse_header(header: bytes) -> tuple[int, int]:
    """The ``(stream_type, payload_length)`` of one 8-byte frame header.

    Raises:
        StreamParseError: not a frame header (an unknown stream type or nonzero padding).
    """
    if len(header) != STREAM_HEADER_SIZE_BYTES:
        raise StreamParseError(f"a frame header is {STREAM_HEADER_SIZE_BYTES} bytes, not {len(header)}")
    return _parse_header(header, 0, 0)


def _system_error(payload: bytes) -> StreamParseError:
    message = payload.decode("utf-8", "replace").strip()
    return StreamParseError(f"the Docker daemon reported an error in the stream: {message}")


def _ended_inside_frame(header: bytes, remaining: int) -> StreamInterrupted:
    """The error for a stream that ended after ``header`` (a header's start) or with ``remaining``
    payload bytes still to come."""
    missing = (STREAM_HEADER_SIZE_BYTES - len(header)) if header else remaining
    return StreamInterrupted(f"the stream ended inside a frame ({missing} bytes missing)")


def iter_frames(chunks: Iterable[bytes], views: bool = False) -> Iterator[tuple[int, bytes]]:
    """Yield ``(stream_type, payload)`` from a multiplexed attach/logs/exec stream.

    Each frame is an 8-byte header ``[stream_type, 0, 0, 0, size (u32 big-endian)]``
    then ``size`` bytes. Chunks may split headers and payloads anywhere. Each frame comes
    out as one item, as in docker-py (a log line is a frame); a frame spanning chunks comes
    out whole once complete (or in parts of at least 256 KiB if it is larger). Empty
    frames are skipped. The bytes of each stream, and their order, are exact.

    Args:
        chunks: the stream's bytes, e.g. :func:`~docker_client.streams.iter_raw`'s output.
        views: yield payloads inside one chunk as memoryviews of it instead of copies (for a
            caller that joins them all at the end, saving one copy of every byte).

    Yields:
        ``(STDIN | STDOUT | STDERR, payload)`` with a non-empty payload.

    Raises:
        StreamParseError: a header with an unknown stream type or nonzero padding (the
            frames are out of step), or a ``SYSTEMERR`` frame: the daemon's own error,
            whose text is the message.
        StreamInterrupted: the stream ended inside a frame.
    """
    parse = _parse_header
    unpack = _unpack_header
    stream_of = _STREAM_OF_WORD.get
    header = b""  # a header cut by the end of the previous chunk
    stream = STDOUT  # the stream of a payload cut by the end of a chunk
    remaining = 0  # bytes of that payload not received yet
    held: list[bytes] = []  # the part of it received
    held_size = 0
    offset = 0  # stream offset of the current chunk, for messages
    for chunk in chunks:
        if type(chunk) is not bytes:
            chunk = bytes(chunk)
        size = len(chunk)
        if not size:
            continue
        source: Any = memoryview(chunk) if views else chunk
        pos = 0
        if header:
            pos = STREAM_HEADER_SIZE_BYTES - len(header)
            header += chunk[:pos]
            if len(header) < STREAM_HEADER_SIZE_BYTES:
                offset += size
                continue
            stream, remaining = parse(header, 0, offset + pos - STREAM_HEADER_SIZE_BYTES)
            header = b""
            if not remaining and stream == SYSTEMERR:
                raise _system_error(b"")
        if remaining:
            take = min(remaining, size - pos)
            piece = chunk if take == size else source[pos:pos + take]
            pos += take
            remaining -= take
            held.append(piece)
            held_size += take
            if remaining:
                if held_size >= _FRAME_HOLD_LIMIT and stream != SYSTEMERR:
                    yield stream, b"".join(held)
                    held = []
                    held_size = 0
                offset += size
                continue
            payload = held[0] if len(held) == 1 else b"".join(held)
            held = []
            held_size = 0
            if stream == SYSTEMERR:
                raise _system_error(payload)
            yield stream, payload
        while size - pos >= STREAM_HEADER_SIZE_BYTES:
            # _parse_header inlined for the common case (a call per frame costs 20% here)
            word, length = unpack(chunk, pos)
            frame_stream = stream_of(word, -1)
            if frame_stream < 0:
                parse(chunk, pos, offset)  # raises the error naming the bad header
            start = pos + STREAM_HEADER_SIZE_BYTES
            pos = start + length
            if pos > size:  # the payload goes on in the next chunk
                stream = frame_stream
                remaining = pos - size
                if start < size:
                    held = [source[start:]]
                    held_size = size - start
                break
            if frame_stream == SYSTEMERR:
                raise _system_error(bytes(chunk[start:pos]))
            if length:
                yield frame_stream, source[start:pos]
        else:
            if pos < size:
                header = chunk[pos:]
        offset += size
    if header or remaining:
        raise _ended_inside_frame(header, remaining)


def demux(frames: Iterable[tuple[int, bytes]]) -> Iterator[tuple[bytes | None, bytes | None]]:
    """Yield docker-py's ``demux=True`` items: ``(stdout, None)`` or ``(None, stderr)``.

    Stdin frames count as stdout, as in the Docker CLI.

    Args:
        frames: :func:`iter_frames`'s output.
    """
    for stream, payload in frames:
        if stream == STDERR:
            yield None, payload
        else:
            yield payload, None


def frame_payloads(frames: Iterable[tuple[int, bytes]]) -> Iterator[bytes]:
    """Yield the payloads alone, stdout and stderr interleaved (docker-py's default form).

    Args:
        frames: :func:`iter_frames`'s output.
    """
    for _, payload in frames:
        yield payload


def collect(items: Iterable[Any], demux: bool) -> bytes | tuple[bytes | None, bytes | None]:
    """Return what a non-streaming call returns, as docker-py's ``consume_socket_output``.

    Args:
        items: ``bytes`` items, or with ``demux`` the ``(stdout, stderr)`` pairs of :func:`demux`.
        demux: whether ``items`` are pairs.

    Returns:
        All the bytes joined; or with ``demux`` a pair ``(stdout, stderr)``, each the bytes
        of that stream joined, or None if no item carried that stream.
    """
    if not demux:
        return b"".join(items)
    out: list[bytes] = []
    err: list[bytes] = []
    for stdout, stderr in items:
        if stdout is not None:
            out.append(stdout)
        if stderr is not None:
            err.append(stderr)
    return (b"".join(out) if out else None, b"".join(err) if err else None)


class FrameDecoder:
    """:func:`iter_frames` turned round, for reading with timeouts: fed pieces of a multiplexed
    stream, it returns the frame parts each piece completes, and keeps its place in between.

    Payload bytes come out as soon as they arrive (a frame split between pieces comes out in
    parts); adjacent parts of one stream within a piece come out joined; empty frames are
    skipped. The bytes of each stream, and their order, are exact however the stream is split.

    Example:
        >>> decoder = FrameDecoder()
        >>> decoder.feed(b"\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x02hi\\x02\\x00")
        [(1, b'hi')]
    """

    def __init__(self) -> None:
        self._header = b""  # the start of a header, cut by the end of the last piece
        self._stream = STDOUT  # the stream of the payload being received
        self._remaining = 0  # bytes of that payload still to come
        self._daemon_error: list[bytes] = []  # a SYSTEMERR payload being received
        self._offset = 0  # bytes fed before this piece, for messages
        #: The error that stopped the decoding (a malformed header, or the daemon's error).
        self.error: StreamParseError | None = None

    @property
    def inside_frame(self) -> bool:
        """Whether the bytes fed so far end inside a frame."""
        return bool(self._header or self._remaining)

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        """Return the ``(stream_type, payload part)`` items that ``data`` completes, in order.

        A malformed header or a ``SYSTEMERR`` frame ends the decoding: the items before it are
        returned and :attr:`error` is set, to be raised by the next call.

        Raises:
            StreamParseError: :attr:`error`, set by an earlier piece.
        """
        if self.error is not None:
            raise self.error
        items: list[tuple[int, bytes]] = []
        run_stream = -1  # the stream of `run`: parts to return as one item
        run: list[bytes] = []
        size = len(data)
        pos = 0
        try:
            while pos < size:
                if self._remaining:
                    take = min(self._remaining, size - pos)
                    piece = data if take == size else data[pos:pos + take]
                    pos += take
                    self._remaining -= take
                    if self._stream == SYSTEMERR:
                        self._daemon_error.append(piece)
                        if not self._remaining:
                            raise _system_error(b"".join(self._daemon_error))
                    elif self._stream == run_stream:
                        run.append(piece)
                    else:
                        if run:
                            items.append((run_stream, b"".join(run)))
                        run_stream = self._stream
                        run = [piece]
                    continue
                if self._header or size - pos < STREAM_HEADER_SIZE_BYTES:
                    end = min(size, pos + STREAM_HEADER_SIZE_BYTES - len(self._header))
                    self._header += data[pos:end]
                    pos = end
                    if len(self._header) < STREAM_HEADER_SIZE_BYTES:
                        break
                    stream, length = _parse_header(
                        self._header, 0, self._offset + pos - STREAM_HEADER_SIZE_BYTES)
                    self._header = b""
                else:
                    stream, length = _parse_header(data, pos, self._offset)
                    pos += STREAM_HEADER_SIZE_BYTES
                if stream == SYSTEMERR:
                    self._daemon_error = []
                    if not length:
                        raise _system_error(b"")
                self._stream = stream
                self._remaining = length
        except StreamParseError as exc:
            self.error = exc
        if run:
            items.append((run_stream, b"".join(run)))
        self._offset += size
        return items

    def end(self) -> None:
        """Say that the stream has ended.

        Raises:
            StreamInterrupted: it ended inside a frame.
            StreamParseError: :attr:`error`.
        """
        if self.error is not None:
            raise self.error
        if self._header or self._remaining:
            raise _ended_inside_frame(self._header, self._remaining)
