"""Decoders for the Docker Engine API's byte streams, and the :class:`Stream` streaming calls return.

Every decoder is a small generator over an iterable of ``bytes`` chunks, split anywhere;
they compose: ``iter_json(iter_raw(response))``, ``demux(iter_frames(iter_raw(response)))``.
"""
from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import sys
import threading
from typing import IO, Any, Callable, Generator, Generic, Iterable, Iterator, NoReturn, Optional, TypeVar

import requests

from .constants import STREAM_HEADER_SIZE_BYTES, STREAM_READ_SIZE
from .errors import (
    DockerException,
    DockerTimeout,
    StreamInterrupted,
    StreamParseError,
    translate_transport_errors,
)

__all__ = [
    "STDERR", "STDIN", "STDOUT", "SYSTEMERR", "CancellableStream", "Stream", "collect", "demux",
    "frame_payloads", "iter_frames", "iter_json", "iter_json_lines", "iter_raw",
]

T = TypeVar("T")

#: Stream types in the header of a multiplexed frame.
STDIN = 0
STDOUT = 1
STDERR = 2
#: Newer daemons send an error of their own (not the container's) as a frame of this type.
SYSTEMERR = 3

#: A payload held back while its frame is incomplete is yielded in parts beyond this size.
_FRAME_HOLD_LIMIT = STREAM_READ_SIZE
_EXCERPT_CHARS = 80


# -- raw bodies ----------------------------------------------------------------------------


def iter_raw(response: requests.Response, chunk_size: int = STREAM_READ_SIZE) -> Iterator[bytes]:
    """Yield the body of a streamed response as it arrives, transfer-encoding removed.

    Works for chunked bodies, bodies with a ``Content-Length``, bodies read until the
    daemon closes the connection, and the raw connection behind a ``101`` upgrade
    (attach/exec with ``Upgrade: tcp``). Each item is what one read returned: an HTTP
    chunk, or what the socket had (never empty, at most ``chunk_size`` bytes); no read
    waits to fill a block.

    Args:
        response: a response opened with ``stream=True`` whose body has not been read.
        chunk_size: the largest read.

    Yields:
        The body bytes, in order.

    Raises:
        StreamInterrupted: the connection broke before the body ended (including a body
            shorter than its ``Content-Length``, or a chunked body without its last chunk).
        DockerTimeout: a read timed out.
    """
    where = _where(response)
    raw = response.raw
    if response.status_code == 101:
        yield from _iter_reads(_upgraded_reader(raw, chunk_size), where, None)
    elif getattr(raw, "chunked", False) and raw.supports_chunked_reads():
        # One item per HTTP chunk (split beyond chunk_size): measured faster than read1()
        # for small chunks and as fast for large ones.
        blocks = raw.read_chunked(chunk_size, decode_content=True)
        try:
            while True:
                try:
                    block = next(blocks)
                except StopIteration:
                    return
                except Exception:
                    _raise_mid_stream(where)
                yield block
        finally:
            blocks.close()
    else:
        read, expected, count = _body_reader(response, chunk_size)
        yield from _iter_reads(read, where, expected, count)


def _iter_reads(read: Callable[[], bytes], where: str, expected: int | None,
                count: Callable[[], int] | None = None) -> Iterator[bytes]:
    """Yield ``read()`` results until one is empty; check the length at the end."""
    received = 0
    while True:
        try:
            block = read()
        except Exception:
            _raise_mid_stream(where)
        if not block:
            break
        received += len(block)
        yield block
    if expected is not None:
        got = count() if count is not None else received
        if got < expected:
            raise StreamInterrupted(
                f"the connection to {where} closed after {got} of {expected} bytes")


def _body_reader(response: requests.Response, chunk_size: int
                 ) -> tuple[Callable[[], bytes], int | None, Callable[[], int] | None]:
    """The read function for a body that is not chunked, its expected size and a byte counter."""
    raw = response.raw
    expected = _content_length(response)
    read1 = getattr(raw, "read1", None)
    if read1 is not None:  # urllib3 >= 2.3
        return (lambda: read1(chunk_size, decode_content=True)), expected, raw.tell
    httplib_response = _httplib_response(raw)
    if httplib_response is not None:  # older urllib3: http.client's read1, counted here
        return (lambda: httplib_response.read1(chunk_size)), expected, None
    return _stream_reader(raw, chunk_size), expected, raw.tell


def _stream_reader(raw: Any, chunk_size: int) -> Callable[[], bytes]:
    """A read function over ``raw.stream()`` (fills each block: the last resort)."""
    blocks = raw.stream(chunk_size, decode_content=True)
    return lambda: next(blocks, b"")


def _upgraded_reader(raw: Any, chunk_size: int) -> Callable[[], bytes]:
    """The read function for the raw connection behind a ``101 Switching Protocols``."""
    buffered = _httplib_response(raw)
    reader: IO[bytes] | None = getattr(buffered, "fp", None)
    if reader is None:
        raise DockerException("cannot read the upgraded connection: its reader is not reachable")
    read1 = getattr(reader, "read1", None)
    if read1 is not None:
        return lambda: read1(chunk_size)
    return lambda: reader.read(chunk_size)  # e.g. a paramiko channel file


def _httplib_response(raw: Any) -> http.client.HTTPResponse | None:
    """The ``http.client.HTTPResponse`` under a urllib3 response, or None.

    The one private attribute this module touches (urllib3's ``HTTPResponse._fp``), for
    two things no public API does: reading past a ``101`` response, whose body http.client
    takes to be empty though the connection now carries the raw stream (its bytes
    already buffered are in ``.fp``); and ``read1()`` on urllib3 < 2.3, which lacks it.
    """
    candidate = getattr(raw, "_fp", None)
    if isinstance(candidate, http.client.HTTPResponse):
        return candidate
    return None


def _content_length(response: requests.Response) -> int | None:
    headers = response.headers
    if "transfer-encoding" in headers:
        return None
    try:
        length = int(headers.get("content-length", ""))
    except ValueError:
        return None
    return length if length >= 0 else None


def _where(response: requests.Response) -> str:
    return str(getattr(response, "url", None) or "the Docker daemon")


def _raise_mid_stream(where: str) -> NoReturn:
    """Raise the exception being handled as ours: a broken connection is StreamInterrupted."""
    exc = sys.exc_info()[1]
    if isinstance(exc, socket.timeout) and not isinstance(exc, TimeoutError):  # Python 3.9
        raise DockerTimeout(f"the Docker daemon at {where} did not answer in time") from exc
    if isinstance(exc, (http.client.HTTPException, OSError)) and not isinstance(
            exc, (TimeoutError, requests.RequestException, DockerException)):
        raise StreamInterrupted(f"the connection to {where} broke in mid-stream: {exc!r}") from exc
    with translate_transport_errors(where):
        raise  # the exception being handled, translated on its way out
    raise AssertionError("unreachable")  # pragma: no cover


# -- JSON streams --------------------------------------------------------------------------

_DECODER = json.JSONDecoder()
_decode_one = _DECODER.decode
_raw_decode = _DECODER.raw_decode
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_WS = b" \t\r\n"
_CLOSERS = (b"}", b"]")
_RETRY_BYTES = 64 * 1024


def iter_json(chunks: Iterable[bytes]) -> Iterator[Any]:
    """Yield the JSON documents of a daemon's JSON stream (events, progress, stats).

    Documents may be separated by ``\\n``, ``\\r\\n`` or blank lines, or follow each
    other with nothing between (``{...}{...}``); chunks may split them anywhere,
    including inside a UTF-8 character. A document is yielded as soon as its line
    ends, or as soon as a chunk ends with it.

    Args:
        chunks: the stream's bytes, e.g. :func:`iter_raw`'s output.

    Yields:
        Each document, decoded.

    Raises:
        StreamParseError: a malformed document, invalid UTF-8, or an incomplete
            document at the end of the stream.
    """
    return _json_documents(chunks, True)


def iter_json_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the documents of a JSON stream undecoded, one ``bytes`` item per document.

    The same documents :func:`iter_json` finds (and the same errors), each as its exact
    bytes without surrounding whitespace or line ends.

    Args:
        chunks: the stream's bytes.

    Yields:
        Each document's bytes.

    Raises:
        StreamParseError: as :func:`iter_json`.
    """
    return _json_documents(chunks, False)


def _json_documents(chunks: Iterable[bytes], decode: bool) -> Generator[Any, None, None]:
    pending: list[bytes] = []  # the start of the current line, received so far
    pending_size = 0
    next_try = _RETRY_BYTES  # look for documents in an unfinished line once it is this long
    for chunk in chunks:
        if not chunk:
            continue
        if type(chunk) is not bytes:
            chunk = bytes(chunk)
        lines = chunk.split(b"\n")
        tail = lines.pop()
        if lines:
            if pending:
                pending.append(lines[0])
                lines[0] = b"".join(pending)
                pending = []
                pending_size = 0
                next_try = _RETRY_BYTES
            for line in lines:
                try:
                    document = _decode_one(line.decode())
                except (ValueError, RecursionError):
                    # A blank line, documents with no separator, or an error to report.
                    yield from _line_documents(line, decode, False)
                    continue
                yield document if decode else line.strip(_WS)
        if tail:
            pending.append(tail)
            pending_size += len(tail)
            # Documents not followed by a newline: taken when a chunk ends with one (as
            # daemons that send no separator write them), or when the line keeps growing
            # (each retry after the unfinished part doubled: linear time overall).
            if tail.rstrip(_WS)[-1:] in _CLOSERS or pending_size >= next_try:
                buffered = b"".join(pending) if len(pending) > 1 else tail
                rest = yield from _leading_documents(buffered, decode)
                pending = [rest] if rest else []
                pending_size = len(rest)
                next_try = max(_RETRY_BYTES, 2 * pending_size)
    if pending:
        buffered = b"".join(pending)
        if buffered.strip(_WS):
            yield from _line_documents(buffered, decode, True)


def _leading_documents(buffered: bytes, decode: bool) -> Generator[Any, None, bytes]:
    """Yield the complete documents at the start of ``buffered``; return the rest.

    Whatever does not parse yet is kept: it may be completed by the next chunk, and is
    reported when its line ends if not.
    """
    try:
        text = buffered.decode()
    except UnicodeDecodeError:
        return buffered
    length = len(text)
    pos = _skip_ws(text, 0)
    start = pos
    while pos < length:
        try:
            document, end = _raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        if end == length and text[end - 1].isdigit():
            break  # a number at the very end may go on in the next chunk
        yield document if decode else text[pos:end].encode()
        pos = _skip_ws(text, end)
    if pos == start:
        return buffered
    return text[pos:].encode() if pos < length else b""


def _skip_ws(text: str, pos: int) -> int:
    """The index of the first non-whitespace character at or after ``pos``."""
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def _line_documents(data: bytes, decode: bool, at_end: bool) -> Iterator[Any]:
    """Yield every document in ``data`` (a whole line, or what is left at the end)."""
    bad_utf8: UnicodeDecodeError | None = None
    try:
        text = data.decode()
    except UnicodeDecodeError as exc:
        bad_utf8 = exc
        text = data[:exc.start].decode()
    length = len(text)
    pos = _skip_ws(text, 0)
    while pos < length:
        try:
            document, end = _raw_decode(text, pos)
        except (ValueError, RecursionError) as exc:
            if bad_utf8 is not None:
                break
            raise _json_error(exc, text, pos, at_end) from None
        yield document if decode else text[pos:end].encode()
        pos = _skip_ws(text, end)
    if bad_utf8 is not None:
        excerpt = data[max(0, bad_utf8.start - 20):bad_utf8.start + 20]
        raise StreamParseError(f"invalid UTF-8 in a JSON stream ({bad_utf8.reason}) near {excerpt!r}")


def _json_error(exc: Exception, text: str, start: int, at_end: bool) -> StreamParseError:
    excerpt = repr(text[start:start + _EXCERPT_CHARS]) + ("..." if len(text) - start > _EXCERPT_CHARS else "")
    if isinstance(exc, json.JSONDecodeError):
        reason = f"{exc.msg} at character {exc.pos - start}"
    else:
        reason = str(exc)
    if at_end:
        return StreamParseError(f"incomplete or malformed JSON document at the end of the stream "
                                f"({reason}): {excerpt}")
    return StreamParseError(f"malformed JSON document in the stream ({reason}): {excerpt}")


# -- multiplexed frames ----------------------------------------------------------------------

_HEADER = struct.Struct(">LL")
assert _HEADER.size == STREAM_HEADER_SIZE_BYTES
#: The first word of a valid header (stream type, then three zero bytes) -> the stream type.
_STREAM_OF_WORD = {STDIN << 24: STDIN, STDOUT << 24: STDOUT, STDERR << 24: STDERR,
                   SYSTEMERR << 24: SYSTEMERR}


def iter_frames(chunks: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """Yield ``(stream_type, payload)`` from a multiplexed attach/logs/exec stream.

    Each frame is an 8-byte header ``[stream_type, 0, 0, 0, size (u32 big-endian)]``
    then ``size`` bytes. Chunks may split headers and payloads anywhere. Adjacent frames
    of one stream within one chunk come out as one item; a frame spanning chunks comes
    out whole once complete (or in parts of at least 256 KiB if it is larger). Empty
    frames are skipped. The bytes of each stream, and their order, are exact.

    Args:
        chunks: the stream's bytes, e.g. :func:`iter_raw`'s output.

    Yields:
        ``(STDIN | STDOUT | STDERR, payload)`` with a non-empty payload.

    Raises:
        StreamParseError: a header with an unknown stream type or nonzero padding (the
            frames are out of step), or a ``SYSTEMERR`` frame: the daemon's own error,
            whose text is the message.
        StreamInterrupted: the stream ended inside a frame.
    """
    unpack = _HEADER.unpack_from
    streams = _STREAM_OF_WORD
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
        pos = 0
        run_stream = -1  # the stream of `run`: payloads to yield as one item
        run: list[bytes] = []
        if header:
            pos = STREAM_HEADER_SIZE_BYTES - len(header)
            header += chunk[:pos]
            if len(header) < STREAM_HEADER_SIZE_BYTES:
                offset += size
                continue
            word, remaining = unpack(header)
            header = b""
            stream = streams.get(word, -1)
            if stream < 0:
                raise _bad_header(word, remaining, offset + pos - STREAM_HEADER_SIZE_BYTES)
            if not remaining and stream == SYSTEMERR:
                raise _system_error(b"")
        if remaining:
            take = min(remaining, size - pos)
            piece = chunk if take == size else chunk[pos:pos + take]
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
            payload = b"".join(held)
            held = []
            held_size = 0
            if stream == SYSTEMERR:
                raise _system_error(payload)
            run_stream = stream
            run = [payload]
        while size - pos >= 8:
            word, length = unpack(chunk, pos)
            frame_stream = streams.get(word, -1)
            if frame_stream < 0:
                if run:
                    yield run_stream, b"".join(run)
                raise _bad_header(word, length, offset + pos)
            start = pos + 8
            pos = start + length
            if pos > size:  # the payload goes on in the next chunk
                stream = frame_stream
                remaining = pos - size
                if start < size:
                    held = [chunk[start:]]
                    held_size = size - start
                break
            if not length:
                if frame_stream == SYSTEMERR:
                    if run:
                        yield run_stream, b"".join(run)
                    raise _system_error(b"")
                continue
            if frame_stream == run_stream:
                run.append(chunk[start:pos])
            else:
                if run:
                    yield run_stream, b"".join(run)
                if frame_stream == SYSTEMERR:
                    raise _system_error(chunk[start:pos])
                run_stream = frame_stream
                run = [chunk[start:pos]]
        else:
            if pos < size:
                header = chunk[pos:]
        if run:
            yield run_stream, b"".join(run)
        offset += size
    if header or remaining:
        missing = (STREAM_HEADER_SIZE_BYTES - len(header)) if header else remaining
        raise StreamInterrupted(f"the stream ended inside a frame ({missing} bytes missing)")


def _bad_header(word: int, length: int, offset: int) -> StreamParseError:
    header = _HEADER.pack(word, length).hex()
    return StreamParseError(f"malformed frame header {header} at byte {offset} of the stream "
                            "(unknown stream type or nonzero padding: the frames are out of step)")


def _system_error(payload: bytes) -> StreamParseError:
    message = payload.decode("utf-8", "replace").strip()
    return StreamParseError(f"the Docker daemon reported an error in the stream: {message}")


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


# -- the stream object -----------------------------------------------------------------------


class Stream(Generic[T]):
    """What every streaming call returns: an iterator that releases its connection.

    The connection is released (``response.close()``) when the stream is closed, when
    it is exhausted, or when reading it raises. ``close()`` may also be called from
    another thread to stop a blocked read, as with docker-py's ``CancellableStream``:
    the reading thread then sees the end of the stream.

    Args:
        response: the streamed response the items come from (None if there is none).
        iterator: the items.

    Example::

        with client.events(decode=True) as events:
            for event in events:
                ...
    """

    def __init__(self, response: Optional[requests.Response], iterator: Iterable[T]) -> None:
        self._response = response
        self._iterator: Iterator[T] = iter(iterator)
        self._closed = False
        self._busy = False  # a thread is inside next(self._iterator)
        self._released = False
        self._release_lock = threading.Lock()

    def __iter__(self) -> Stream[T]:
        return self

    def __next__(self) -> T:
        self._busy = True
        try:
            if self._closed:
                raise StopIteration
            item = next(self._iterator)
        except StopIteration:
            self._busy = False
            self._release()
            raise
        except BaseException:
            self._busy = False
            cancelled = self._closed  # close() from another thread broke the read
            self._release()
            if cancelled:
                raise StopIteration from None
            raise
        self._busy = False
        if self._closed:  # closed from another thread while this one was reading
            self._release()
            raise StopIteration
        return item

    next = __next__

    def close(self) -> None:
        """Stop the stream and release its connection; safe to call again, from any thread."""
        self._closed = True
        if self._busy:
            # Another thread is blocked reading: wake it; it releases the connection.
            self._interrupt()
        else:
            self._release()

    @property
    def closed(self) -> bool:
        """Whether the stream was closed or has ended."""
        return self._closed

    @property
    def response(self) -> Optional[requests.Response]:
        """The response the stream reads."""
        return self._response

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        request = getattr(self._response, "request", None)
        if request is None:
            return f"<Stream {state}>"
        return f"<Stream {state}: {request.method} {request.path_url}>"

    def _release(self) -> None:
        with self._release_lock:
            if self._released:
                return
            self._released = True
        self._closed = True
        try:
            close = getattr(self._iterator, "close", None)
            if close is not None:
                try:
                    close()
                except ValueError:  # "generator already executing": closing the response ends it
                    pass
        finally:
            if self._response is not None:
                self._response.close()

    def _interrupt(self) -> None:
        """Shut the connection's socket down so that a blocked read returns."""
        raw = getattr(self._response, "raw", None)
        if raw is None:
            return
        shutdown = getattr(raw, "shutdown", None)  # urllib3 >= 2.3
        if shutdown is not None:
            try:
                shutdown()
                return
            except (ValueError, RuntimeError, OSError):
                pass
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


#: docker-py's name for a stream that can be closed (``close()``) and read (``next()``).
CancellableStream = Stream
