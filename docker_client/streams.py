"""Decoders for the Docker Engine API's byte streams, and the :class:`Stream` streaming calls return.

Every decoder is a small generator over an iterable of ``bytes`` chunks, split anywhere;
they compose: ``iter_json(iter_raw(response))``, ``demux(iter_frames(iter_raw(response)))``.
"""
from __future__ import annotations

import http.client
import json
import re
import selectors
import socket
import ssl
import struct
import sys
import threading
import time
from collections import deque
from typing import (
    IO,
    Any,
    Callable,
    Generator,
    Generic,
    Iterable,
    Iterator,
    NamedTuple,
    NoReturn,
    Optional,
    TypeVar,
)

import requests

from .constants import STREAM_HEADER_SIZE_BYTES, STREAM_READ_SIZE
from .errors import (
    DockerException,
    DockerTimeout,
    InvalidArgument,
    StreamInterrupted,
    StreamParseError,
    translate_transport_errors,
)
from .transport.wire import WireBody

__all__ = [
    "STDERR", "STDIN", "STDOUT", "SYSTEMERR", "CancellableStream", "Stream", "collect", "demux",
    "frame_payloads", "iter_frames", "iter_json", "iter_json_lines", "iter_raw",
    # hijacked connections (attach, exec)
    "Duplex", "FrameDecoder", "HijackedSocket", "Output", "hijack", "iter_socket", "read_hijacked",
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
    if isinstance(raw, WireBody):
        yield from _translated(raw.iter_blocks(chunk_size), where)
    elif response.status_code == 101:
        yield from _iter_reads(_upgraded_reader(raw, chunk_size), where, None)
    elif getattr(raw, "chunked", False) and raw.supports_chunked_reads():
        # One item per HTTP chunk (split beyond chunk_size): measured faster than read1()
        # for small chunks and as fast for large ones.
        yield from _translated(raw.read_chunked(chunk_size, decode_content=True), where)
    else:
        read, expected, count = _body_reader(response, chunk_size)
        yield from _iter_reads(read, where, expected, count)


def _translated(blocks: Generator[bytes, None, None], where: str) -> Iterator[bytes]:
    """Yield ``blocks``, a failure while reading them raised as ours; close them at the end."""
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


def iter_frames(chunks: Iterable[bytes], views: bool = False) -> Iterator[tuple[int, bytes]]:
    """Yield ``(stream_type, payload)`` from a multiplexed attach/logs/exec stream.

    Each frame is an 8-byte header ``[stream_type, 0, 0, 0, size (u32 big-endian)]``
    then ``size`` bytes. Chunks may split headers and payloads anywhere. Each frame comes
    out as one item, as in docker-py (a log line is a frame); a frame spanning chunks comes
    out whole once complete (or in parts of at least 256 KiB if it is larger). Empty
    frames are skipped. The bytes of each stream, and their order, are exact.

    Args:
        chunks: the stream's bytes, e.g. :func:`iter_raw`'s output.
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
        source: Any = memoryview(chunk) if views else chunk
        pos = 0
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
        while size - pos >= 8:
            word, length = unpack(chunk, pos)
            frame_stream = streams.get(word, -1)
            if frame_stream < 0:
                raise _bad_header(word, length, offset + pos)
            start = pos + 8
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

    def __iter__(self) -> Iterator[T]:
        """The items, for ``for`` loops: a generator over the same items ``next()`` returns.

        It does what :meth:`__next__` does without a Python-level call per item. Leaving a
        loop early (``break``) leaves the stream open, as with ``next()``. A subclass with a
        ``__next__`` of its own is iterated through it.
        """
        if type(self).__next__ is not Stream.__next__:
            return self
        return self._items()

    def _items(self) -> Iterator[T]:
        next_item = self._iterator.__next__
        while not self._closed:
            self._busy = True
            try:
                item = next_item()
            except StopIteration:
                self._busy = False
                self._release()
                return
            except BaseException:
                self._busy = False
                cancelled = self._closed  # close() from another thread broke the read
                self._release()
                if cancelled:
                    return
                raise
            self._busy = False
            if self._closed:  # closed from another thread while this one was reading
                self._release()
                return
            yield item
        self._release()

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


# -- hijacked connections: attach and exec ---------------------------------------------------
#
# After the head of a ``101 UPGRADED`` answer to an attach or exec-start request (``200`` from
# daemons that ignore the Upgrade headers), the connection carries the process's stdin one way
# and its output the other. hijack() takes the socket over from the response, keeping whatever
# http.client had already read past the head; iter_socket() and read_hijacked() give docker-py's
# shapes; Duplex does both directions, with read timeouts, on one object.



#: The headers that ask the daemon to upgrade an attach or exec-start connection (answered by
#: ``101 UPGRADED``; proxies then know the connection is hijacked).
UPGRADE_HEADERS = {"Connection": "Upgrade", "Upgrade": "tcp"}
#: Content types of a hijacked stream (sent by API 1.42+ daemons).
MULTIPLEXED_STREAM = "application/vnd.docker.multiplexed-stream"
RAW_STREAM = "application/vnd.docker.raw-stream"
#: The most a read from a hijacked connection asks for.
HIJACK_READ_SIZE = STREAM_READ_SIZE
#: The most one send() is given while writing and reading at once.
_WRITE_BLOCK = 256 * 1024
#: Errors that mean "not now" from a socket (or TLS socket) without a timeout.
_WOULD_BLOCK = (BlockingIOError, InterruptedError, ssl.SSLWantReadError, ssl.SSLWantWriteError)
#: ... and from a socket-like object with a zero timeout (paramiko raises socket.timeout).
_NOTHING_NOW = (*_WOULD_BLOCK, socket.timeout)
#: How long communicate() waits for its writer thread once the output has ended.
_WRITER_STOP_SECONDS = 5.0

_demux_frames = demux
#: poll() where there is one: no descriptor of its own per wait (as epoll has), and a socket
#: closed meanwhile is reported rather than waited on forever.
_Selector: type[selectors.BaseSelector] = getattr(selectors, "PollSelector", selectors.SelectSelector)


class Output(NamedTuple):
    """A piece of a process's output: the stream it came from and its bytes."""

    #: :data:`STDOUT` or :data:`STDERR` (a TTY's output is all STDOUT).
    stream: int
    data: bytes


def hijack(response: requests.Response) -> HijackedSocket:
    """Take over the connection of an attach or exec-start response whose head has been read.

    Call it once the status is known to be good. The bytes http.client already read past the
    head (with a quick process, often its first output) are kept and come first.

    Raises:
        DockerException: the response has no connection left (its body was read or closed).
    """
    sock, reader = _hijacked_connection(response)
    if isinstance(reader, bytes):  # the wire lane's: what it read past the head
        return HijackedSocket(response, sock, reader)
    return HijackedSocket(response, sock, _buffered_bytes(sock, reader))


def _hijacked_connection(response: requests.Response) -> tuple[Any, Any]:
    """The socket under a hijacked response, and http.client's buffered reader over it.

    The private attributes this section reaches, all here: urllib3's ``HTTPResponse._fp`` is
    http.client's response (:func:`_httplib_response`); its ``fp`` is the buffered reader made by
    ``sock.makefile("rb")``, whose ``raw`` (a ``socket.SocketIO``, or the ssh transport's copy of
    one) holds the socket as ``_sock``: a ``socket.socket``, an ``ssl.SSLSocket`` or an
    ``SSHSocket``. Nothing public reaches the socket of a response urllib3 still holds.
    """
    reader: Any = None
    sock: Any = None
    if isinstance(response.raw, WireBody):
        taken = response.raw.take_over()
        if taken is not None:
            sock, reader = taken
    else:
        reader = getattr(_httplib_response(response.raw), "fp", None)
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
    if reader is None or sock is None:
        raise DockerException(f"cannot take over the connection of {_where(response)}: the "
                              "response has no open connection (its body was read or closed)")
    return sock, reader


def _buffered_bytes(sock: Any, reader: Any) -> bytes:
    """What ``reader`` holds past the response head, without waiting for more.

    ``read1`` returns only buffered bytes when it has any (no read of the socket); when it has
    none it reads the socket once, here with a zero timeout so that it cannot block: "would
    block" then means there was nothing.
    """
    previous = sock.gettimeout()
    sock.settimeout(0.0)
    pieces: list[bytes] = []
    try:
        while True:
            try:
                data = reader.read1(HIJACK_READ_SIZE)
            except _NOTHING_NOW:
                break
            if not data:
                break
            pieces.append(bytes(data))
            if len(data) < HIJACK_READ_SIZE:
                break
    finally:
        sock.settimeout(previous)
    return b"".join(pieces)


class HijackedSocket:
    """The two-way connection of an attach or exec call after its HTTP head: a socket-like object.

    What ``exec_start(socket=True)`` and ``attach_socket()`` return. It reads like a socket
    (``recv``, ``recv_into``) and like the ``SocketIO`` docker-py returned (``read``,
    ``readinto``), writes like both (``send``, ``sendall``, ``write``), and its first bytes are
    those http.client had already read past the head, which a bare socket would lose. docker-py
    code that goes through ``sock._sock`` reaches this same object. Errors are a socket's
    (``OSError``; ``TimeoutError`` when the timeout runs out).

    The timeout starts as the client's; ``settimeout(None)`` waits without limit.
    ``shutdown(socket.SHUT_WR)`` ends the process's input while its output can still be read,
    over TLS too (see :meth:`shutdown`). ``close()`` (or ``with``) releases the connection.

    Args:
        response: the response whose connection this is; closed with it.
        sock: the connection's socket.
        buffered: bytes already read from it past the head.

    Attributes:
        socket: the connection's own socket (``socket.socket``, ``ssl.SSLSocket`` or the ssh
            transport's ``SSHSocket``); read through this object rather than it.
        where: the request's URL, for messages.

    Example:
        >>> sock = client.attach_socket(container, {"stdin": 1, "stdout": 1, "stream": 1})
        >>> sock.sendall(b"echo hi\\n")
        >>> sock.shutdown(socket.SHUT_WR)
        >>> sock.recv(4096)
    """

    def __init__(self, response: requests.Response, sock: Any, buffered: bytes = b"") -> None:
        self._response = response
        self.socket = sock
        self.where = _where(response)
        self._buffered = buffered
        self._closed = False
        self._close_lock = threading.Lock()

    @property
    def _sock(self) -> HijackedSocket:
        """docker-py's way to the socket (``sock._sock.sendall(...)``): this object itself."""
        return self

    @property
    def response(self) -> requests.Response:
        """The response the connection came with."""
        return self._response

    @property
    def closed(self) -> bool:
        return self._closed

    # -- reading --

    def pending(self) -> int:
        """How many bytes a read returns at once: buffered here, or decrypted and kept by TLS."""
        count = len(self._buffered)
        if isinstance(self.socket, ssl.SSLSocket) and not self._closed:
            count += self.socket.pending()
        return count

    def wait_readable(self, timeout: float | None) -> bool:
        """Wait until a read would not block (bytes, or the end); False if ``timeout`` ran out.

        Raises:
            ValueError: the connection is closed.
        """
        if self.pending():
            return True
        with _Selector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            return bool(selector.select(timeout))

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Up to ``bufsize`` bytes, as one read of the socket returns them; ``b""`` at the end."""
        buffered = self._buffered
        if buffered:
            self._buffered = buffered[bufsize:]
            return buffered[:bufsize]
        if flags:
            return self.socket.recv(bufsize, flags)  # type: ignore[no-any-return]
        return self.socket.recv(bufsize)  # type: ignore[no-any-return]

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Read into ``buffer`` (up to ``nbytes`` bytes, or its size); return the count."""
        if self._buffered:
            view = memoryview(buffer).cast("B")
            data = self.recv(nbytes or view.nbytes)
            view[:len(data)] = data
            return len(data)
        if flags:
            return self.socket.recv_into(buffer, nbytes, flags)  # type: ignore[no-any-return]
        return self.socket.recv_into(buffer, nbytes)  # type: ignore[no-any-return]

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes, as one read returns them; with a negative size, all to the end."""
        if size is not None and size >= 0:
            return self.recv(size)
        pieces: list[bytes] = []
        while True:
            data = self.recv(HIJACK_READ_SIZE)
            if not data:
                return b"".join(pieces)
            pieces.append(data)

    def readinto(self, buffer: Any) -> int:
        return self.recv_into(buffer)

    def readable(self) -> bool:
        return not self._closed

    # -- writing --

    def send(self, data: Any, flags: int = 0) -> int:
        if flags:
            return self.socket.send(data, flags)  # type: ignore[no-any-return]
        return self.socket.send(data)  # type: ignore[no-any-return]

    def sendall(self, data: Any, flags: int = 0) -> None:
        if flags:
            self.socket.sendall(data, flags)
        else:
            self.socket.sendall(data)

    def write(self, data: Any) -> int:
        """Send all of ``data``; return its length."""
        self.socket.sendall(data)
        return memoryview(data).nbytes

    def writable(self) -> bool:
        return not self._closed

    def shutdown(self, how: int) -> None:
        """Shut down reading, writing (``socket.SHUT_WR``: the process's input ends), or both.

        Over TLS, the TCP connection under the TLS session is shut down: ``SSLSocket.shutdown``
        would drop the session, so that the output still to come could not be decrypted, and
        Python cannot send TLS's close_notify alone (``unwrap()`` also waits for the peer's). The
        daemon (Go's crypto/tls) reads a FIN between records as the end of the input, which is
        what the docker CLI relies on too.
        """
        if isinstance(self.socket, ssl.SSLSocket):
            socket.socket.shutdown(self.socket, how)
        else:
            self.socket.shutdown(how)

    # -- the socket --

    def fileno(self) -> int:
        return self.socket.fileno()  # type: ignore[no-any-return]

    def settimeout(self, timeout: float | None) -> None:
        self.socket.settimeout(timeout)

    def gettimeout(self) -> float | None:
        return self.socket.gettimeout()  # type: ignore[no-any-return]

    def setblocking(self, flag: bool) -> None:
        self.socket.setblocking(flag)

    def interrupt(self) -> None:
        """Shut the connection down without closing it: a read blocked in another thread returns
        the end of the stream, and that thread can then close it."""
        try:
            self.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self) -> None:
        """Release the connection; safe to call again, and from another thread (a read blocked
        there returns the end of the stream)."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self._buffered = b""
        self.interrupt()  # wakes a read blocked in another thread
        try:
            self._response.close()
        finally:
            self.socket.close()

    def __enter__(self) -> HijackedSocket:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<HijackedSocket {state}: {self.where}>"


def iter_socket(sock: HijackedSocket, chunk_size: int = HIJACK_READ_SIZE) -> Iterator[bytes]:
    """Yield what a hijacked connection brings until the daemon ends it: the decoders' input.

    Args:
        sock: the connection, from :func:`hijack`.
        chunk_size: the most one read asks for.

    Yields:
        What each read returned (never empty).

    Raises:
        StreamInterrupted: the connection broke. (A clean end inside a frame is for
            :func:`iter_frames` to find.)
        DockerTimeout: a read waited longer than the socket's timeout.
    """
    while True:
        try:
            block = sock.recv(chunk_size)
        except Exception:
            _raise_mid_stream(sock.where)
        if not block:
            return
        yield block


def read_hijacked(sock: HijackedSocket, tty: bool = False, stream: bool = False,
                  demux: bool = False) -> Any:
    """What docker-py's ``attach()`` and ``exec_start()`` return, from their connection.

    Reads wait as long as the process runs (there is no timeout, as with docker-py).

    Args:
        sock: the connection, from :func:`hijack`; closed once the output is read (or the
            stream closed).
        tty: the output is a TTY's, as it is, not multiplexed.
        stream: return a :class:`Stream` of the output as it comes, not all of it at the end.
        demux: ``(stdout, None)``/``(None, stderr)`` pairs, or with ``stream=False`` one pair
            ``(stdout, stderr)`` (a TTY's output is all stdout).

    Returns:
        ``bytes``, a ``(stdout, stderr)`` pair, or a :class:`Stream` of either.

    Raises:
        StreamInterrupted: the connection broke, or ended inside a frame.
        StreamParseError: a malformed frame, or an error the daemon sent in the stream.
    """
    sock.settimeout(None)
    chunks = iter_socket(sock)
    items: Iterator[Any]
    if tty:
        items = ((chunk, None) for chunk in chunks) if demux else chunks
    elif demux:
        items = _demux_frames(iter_frames(chunks, views=not stream))
    else:
        items = frame_payloads(iter_frames(chunks, views=not stream))
    if stream:
        return Stream(sock.response, _closing(items, sock))
    try:
        return collect(items, demux)
    finally:
        sock.close()


def _closing(items: Iterator[T], sock: HijackedSocket) -> Iterator[T]:
    try:
        yield from items
    finally:
        sock.close()


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
                    word, length = _HEADER.unpack(self._header)
                    self._header = b""
                else:
                    word, length = _HEADER.unpack_from(data, pos)
                    pos += STREAM_HEADER_SIZE_BYTES
                stream = _STREAM_OF_WORD.get(word, -1)
                if stream < 0:
                    raise _bad_header(word, length, self._offset + pos - STREAM_HEADER_SIZE_BYTES)
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
            missing = (STREAM_HEADER_SIZE_BYTES - len(self._header)) if self._header else self._remaining
            raise StreamInterrupted(f"the stream ended inside a frame ({missing} bytes missing)")


def _deadline(timeout: float | None) -> float | None:
    return None if timeout is None else time.monotonic() + timeout


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


class Duplex:
    """A process's stdin and output on one connection, for ``attach_duplex`` and
    ``exec_start_duplex``.

    :meth:`write` feeds the process's stdin; :meth:`close_stdin` ends it (a half-close: ``cat``
    reads its end and exits) while the output can still be read; :meth:`read` returns the next
    piece of output, waiting at most ``timeout`` seconds; iterating reads to the end;
    :meth:`communicate` writes and reads at once, however much goes either way; :meth:`wait`
    returns the exit code. ``close()`` (or ``with``) releases the connection.

    One thread may write while another reads. Over TLS that shares one TLS session between two
    threads, which OpenSSL does not promise to support: prefer :meth:`communicate`, which does
    both from one thread.

    Args:
        sock: the connection, from :func:`hijack`.
        tty: the output is a TTY's, not multiplexed.
        get_exit_code: returns the process's exit code once it has ended, waiting at most the
            timeout it is given (None: no limit).
        name: what messages call the process.

    Example:
        >>> exec_id = client.exec_create(container, ["cat"], stdin=True)["Id"]
        >>> with client.exec_start_duplex(exec_id) as duplex:
        ...     duplex.communicate(b"hello")
        ...     duplex.wait()
        (b'hello', b'')
        0
    """

    def __init__(self, sock: HijackedSocket, tty: bool = False,
                 get_exit_code: Callable[[float | None], int] | None = None,
                 name: str = "the process") -> None:
        self._sock = sock
        self.tty = tty
        self.name = name
        self._decoder = None if tty else FrameDecoder()
        self._items: deque[Output] = deque()
        self._ended = False  # the connection has brought its last byte
        self._failure: DockerException | None = None  # raised once the items are read
        self._stdin_closed = False
        self._get_exit_code = get_exit_code
        self._exit_code: int | None = None
        # close() from another thread while this one reads only interrupts the connection; the
        # reading thread closes it when it is done, so that no descriptor is closed under a wait.
        self._reading = False
        self._closing = False
        sock.settimeout(None)  # read timeouts are waits in read(), not the socket's

    @property
    def socket(self) -> HijackedSocket:
        """The connection."""
        return self._sock

    @property
    def closed(self) -> bool:
        return self._closing or self._sock.closed

    @property
    def stdin_closed(self) -> bool:
        return self._stdin_closed

    @property
    def exit_code(self) -> int | None:
        """The exit code, once :meth:`wait` has returned it; None before."""
        return self._exit_code

    # -- stdin --

    def write(self, data: Any) -> int:
        """Send ``data`` (bytes-like) to the process's stdin; return its length once all is sent.

        Blocks while the process does not read (and its output is not read: see
        :meth:`communicate`).

        Raises:
            InvalidArgument: stdin was closed.
            StreamInterrupted: the connection broke, or the daemon stopped taking input.
        """
        if self._stdin_closed:
            raise InvalidArgument(f"the stdin of {self.name} is closed")
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise StreamInterrupted(f"writing to the stdin of {self.name} failed: {exc!r}") from exc
        return memoryview(data).nbytes

    def sendall(self, data: Any) -> None:
        """:meth:`write`, under the socket method's name."""
        self.write(data)

    def close_stdin(self) -> None:
        """End the process's input: it reads its end, while its output can still be read.

        A half-close (``shutdown(SHUT_WR)``; over TLS, of the TCP connection under the TLS
        session). For attach, the daemon closes the container's stdin then only if the container
        was created with ``stdin_once=True``. Safe to call again.
        """
        if self._stdin_closed:
            return
        self._stdin_closed = True
        try:
            self._sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the daemon closed the connection already: the input has ended anyway

    # -- output --

    def read(self, timeout: float | None = None) -> Output | None:
        """The next piece of output, or None once the output has ended.

        Args:
            timeout: the most seconds to wait for output; None waits as long as it takes.

        Returns:
            ``Output(stream, data)``: ``stream`` is :data:`STDOUT` or :data:`STDERR` (always
            STDOUT for a TTY), ``data`` non-empty. Each stream's bytes are exact and in order.

        Raises:
            DockerTimeout: no output came in time; nothing is lost, read again.
            StreamInterrupted: the connection broke, or ended inside a frame.
            StreamParseError: a malformed frame, or an error the daemon sent in the stream.
        """
        deadline = _deadline(timeout)
        self._reading = True
        try:
            while not self._items:
                if self._failure is not None:
                    raise self._failure
                if self._ended:
                    return None
                self._receive(deadline, timeout)
            return self._items.popleft()
        finally:
            self._done_reading()

    def __iter__(self) -> Iterator[Output]:
        while True:
            item = self.read()
            if item is None:
                return
            yield item

    def read_all(self, timeout: float | None = None) -> tuple[bytes, bytes]:
        """All the output still to come, to its end, as ``(stdout, stderr)``.

        Args:
            timeout: the most seconds for the whole of it; None for no limit.

        Raises:
            DockerTimeout: the output did not end in time; what was read stays to be read.
            StreamInterrupted, StreamParseError: as :meth:`read`.
        """
        deadline = _deadline(timeout)
        self._reading = True
        try:
            while not self._ended:
                self._receive(deadline, timeout)
        finally:
            self._done_reading()
        return self._take_output()

    def communicate(self, input: Any = b"", timeout: float | None = None) -> tuple[bytes, bytes]:
        """Send ``input`` to stdin, close stdin, and read the output to its end, all at once.

        Writing and reading go on together, so however much goes either way a process that
        writes as it reads (``cat``) never waits on a full pipe. As ``subprocess``'s
        ``communicate()``; input the process does not take (it ended first) is dropped.

        Args:
            input: bytes-like; stdin is closed after it (even when it is empty).
            timeout: the most seconds for the whole exchange; None for no limit.

        Returns:
            ``(stdout, stderr)``: all the output not read before, each stream's bytes joined (a
            TTY's all in stdout).

        Raises:
            InvalidArgument: there is input but stdin was closed.
            DockerTimeout: the exchange took longer than ``timeout``. The output read so far
                stays to be read; how much input was sent is unknown: close the duplex.
            StreamInterrupted, StreamParseError: as :meth:`read`.
        """
        view = memoryview(input).cast("B")
        if self._stdin_closed and view.nbytes:
            raise InvalidArgument(f"the stdin of {self.name} is closed")
        deadline = _deadline(timeout)
        self._reading = True
        try:
            if self.closed:
                self._ended = True
            elif isinstance(self._sock.socket, socket.socket):  # ssl.SSLSocket too
                self._exchange_selecting(view, deadline, timeout)
            else:
                self._exchange_threaded(view, deadline, timeout)
        finally:
            self._done_reading()
        return self._take_output()

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the process to end; return its exit code.

        Output not read yet is read and dropped (read it first, or use :meth:`communicate`), so
        that a process blocked on writing can end. Close stdin first if the process waits for
        the end of its input.

        Args:
            timeout: the most seconds to wait; None for no limit.

        Raises:
            DockerTimeout: the process did not end in time.
            DockerException: there is no way to know this process's exit code.
        """
        if self._exit_code is not None:
            return self._exit_code
        if self._get_exit_code is None:
            raise DockerException(f"the exit code of {self.name} is not known to this duplex")
        deadline = _deadline(timeout)
        self._reading = True
        try:
            while not self._ended:
                self._receive(deadline, timeout)
        finally:
            self._done_reading()
        self._items.clear()
        self._exit_code = self._get_exit_code(_remaining(deadline))
        return self._exit_code

    def close(self) -> None:
        """Release the connection; safe to call again, and from another thread (where a read
        is blocked, it returns the end of the output)."""
        self._closing = True
        if self._reading:
            self._sock.interrupt()  # the reading thread closes it
        else:
            self._sock.close()

    def __enter__(self) -> Duplex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "ended" if self._ended else "open"
        return f"<Duplex {state}: {self.name}{' (tty)' if self.tty else ''}>"

    # -- the machinery --

    def _done_reading(self) -> None:
        self._reading = False
        if self._closing:  # close() came from another thread meanwhile
            self._sock.close()

    def _receive(self, deadline: float | None, timeout: float | None) -> None:
        """Read once from the connection (waiting until ``deadline``) and decode what came."""
        sock = self._sock
        if self.closed:
            self._ended = True
            return
        if not sock.pending() and not sock.wait_readable(_remaining(deadline)):
            raise DockerTimeout(f"no output from {self.name} within {timeout} seconds")
        try:
            data = sock.recv(HIJACK_READ_SIZE)
        except Exception:
            if self.closed:  # closed by another thread: the end
                self._ended = True
                return
            _raise_mid_stream(sock.where)
        self._take(data)

    def _receive_now(self) -> None:
        """Read once from the non-blocking connection, if it has something."""
        try:
            data = self._sock.recv(HIJACK_READ_SIZE)
        except _WOULD_BLOCK:
            return
        except Exception:
            if self.closed:  # closed by another thread: the end
                self._ended = True
                return
            _raise_mid_stream(self._sock.where)
        self._take(data)

    def _take(self, data: bytes) -> None:
        if not data:
            self._ended = True
            if self._decoder is not None and not self._closing:  # not cut short by close()
                try:
                    self._decoder.end()
                except DockerException as exc:
                    self._failure = exc
            return
        if self._decoder is None:
            self._items.append(Output(STDOUT, data))
            return
        for stream, payload in self._decoder.feed(data):
            self._items.append(Output(STDERR if stream == STDERR else STDOUT, payload))
        if self._decoder.error is not None:
            self._failure = self._decoder.error
            self._ended = True

    def _take_output(self) -> tuple[bytes, bytes]:
        """Everything queued, as ``(stdout, stderr)``; raises the failure that ended it, if any."""
        if self._failure is not None:
            raise self._failure
        items, self._items = self._items, deque()
        stdout = b"".join([data for stream, data in items if stream != STDERR])
        stderr = b"".join([data for stream, data in items if stream == STDERR])
        return stdout, stderr

    def _exchange_selecting(self, view: memoryview, deadline: float | None,
                            timeout: float | None) -> None:
        """communicate() on a socket: one thread, non-blocking, waiting on both directions."""
        hijacked = self._sock
        sock = hijacked.socket
        writing = not self._stdin_closed
        sock.setblocking(False)
        try:
            with _Selector() as selector:
                selector.register(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if writing else 0))
                while True:
                    if writing and not view.nbytes:
                        self.close_stdin()
                        writing = False
                        selector.modify(sock, selectors.EVENT_READ)
                    if self._ended or self._closing:
                        return
                    if hijacked.pending():
                        self._receive_now()
                        continue
                    ready = selector.select(_remaining(deadline))
                    if not ready:
                        raise DockerTimeout(f"{self.name} did not finish within {timeout} seconds")
                    events = ready[0][1]
                    if writing and events & selectors.EVENT_WRITE:
                        try:
                            sent = sock.send(view[:_WRITE_BLOCK])
                        except _WOULD_BLOCK:
                            sent = 0
                        except (BrokenPipeError, ConnectionResetError):
                            sent = view.nbytes  # the daemon takes no more input: drop the rest
                        view = view[sent:]
                    if events & selectors.EVENT_READ:
                        self._receive_now()
        finally:
            if not hijacked.closed:
                sock.settimeout(None)

    def _exchange_threaded(self, view: memoryview, deadline: float | None,
                           timeout: float | None) -> None:
        """communicate() on a socket-like object that select cannot tell is writable (ssh):
        a thread writes while this one reads."""
        failures: list[BaseException] = []

        def send_input() -> None:
            try:
                if view.nbytes:
                    self._sock.sendall(view)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the daemon takes no more input: drop the rest
            except BaseException as exc:  # noqa: B036 - handed to the reading thread
                if not self.closed:
                    failures.append(exc)
            finally:
                self.close_stdin()

        writer: threading.Thread | None = None
        if not self._stdin_closed:
            writer = threading.Thread(target=send_input, name="docker_client-stdin", daemon=True)
            writer.start()
        # On an error or a timeout the writer may go on sending: closing the duplex stops it.
        while not self._ended:
            self._receive(deadline, timeout)
        if writer is not None:
            writer.join(0.1)
            if writer.is_alive():  # the output ended before the input: stop writing
                self.close_stdin()
                writer.join(_WRITER_STOP_SECONDS)
        if failures:
            raise StreamInterrupted(f"writing to the stdin of {self.name} failed: "
                                    f"{failures[0]!r}") from failures[0]
