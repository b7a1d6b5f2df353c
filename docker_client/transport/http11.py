"""One HTTP/1.1 connection to a daemon: the request written on its socket, the answer read with
httptools (llhttp's parser: status line, header fields, chunked framing) and handed out as a body
that reads in large blocks, or taken over as the raw connection after an upgrade.
"""
from __future__ import annotations

import select
import socket
import ssl
import threading
from typing import Any, Iterator, Mapping

import httptools

from ..constants import STREAM_READ_SIZE
from .failures import BadResponse, ResponseLost

__all__ = ["BadResponse", "Body", "Connection", "Head", "RequestBody"]

#: Read size for the response head (and small bodies): below glibc's mmap threshold.
_HEAD_READ = 64 * 1024
#: The longest response head accepted (a daemon's are a few hundred bytes).
_HEAD_LIMIT = 256 * 1024
#: Bodies up to this size go out in one send with the head.
_SMALL_BODY = 64 * 1024
#: The reads made from a file body.
_FILE_BLOCK = 1024 * 1024
_NO_BODY_STATUS = (204, 304)
#: A decoded chunk at least this large is handed out on its own rather than joined to the next.
_LARGE_CHUNK = 4096


class Head:
    """The status line and header fields of an answer, as the parser reported them."""

    __slots__ = ("status", "reason", "version", "fields", "keep_alive", "upgraded")

    def __init__(self) -> None:
        self.status = 0
        self.reason = ""
        self.version = 11
        self.fields: list[tuple[str, str]] = []
        self.keep_alive = False
        self.upgraded = False


class _Events:
    """The parser's callbacks: the head's parts, then body pieces as they are decoded. An interim
    answer (``100 Continue``) before the real one is dropped whole."""

    __slots__ = ("head", "head_done", "pieces", "done", "_reason", "_interim", "parser")

    def __init__(self) -> None:
        self.parser: Any = None
        self.head = Head()
        self.head_done = False
        self.pieces: list[bytes] = []
        self.done = False
        self._reason: list[bytes] = []
        self._interim = False

    def on_status(self, data: bytes) -> None:
        self._reason.append(data)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.head.fields.append((name.decode("latin-1"), value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if 100 <= status < 200 and status != 101:
            self._interim = True
            return
        self.head.reason = b"".join(self._reason).decode("latin-1").strip()
        self.head.keep_alive = self.parser.should_keep_alive()  # known only until the body ends
        self.head_done = True

    def on_body(self, data: bytes) -> None:
        self.pieces.append(data)

    def on_message_complete(self) -> None:
        if self._interim:  # the real answer follows
            self._interim = False
            self.head = Head()
            self._reason = []
            return
        self.done = True


class RequestBody:
    """A request body as it is sent: bytes with a length, a file, or chunks of unknown total.

    Args:
        data: ``None``, bytes-like, text, a file (``read``) or an iterable of chunks.
        length: the ``Content-Length`` the request carries, if any (else chunked when not None).
    """

    __slots__ = ("data", "started", "replayable")

    def __init__(self, data: Any) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.data = data
        self.started = False  # part of a streamed body was taken from its source
        self.replayable = data is None or isinstance(data, (bytes, bytearray, memoryview))

    def send(self, sock: Any, head: bytes, chunked: bool) -> None:
        data = self.data
        if data is None:
            sock.sendall(head)
            return
        if isinstance(data, (bytes, bytearray, memoryview)):
            if len(data) <= _SMALL_BODY:
                sock.sendall(head + bytes(data))
            else:
                sock.sendall(head)
                sock.sendall(data)
            return
        sock.sendall(head)
        self.started = True
        for block in self._blocks():
            if chunked:
                sock.sendall(b"%x\r\n" % len(block))
                sock.sendall(block)
                sock.sendall(b"\r\n")
            else:
                sock.sendall(block)
        if chunked:
            sock.sendall(b"0\r\n\r\n")

    def _blocks(self) -> Iterator[Any]:
        data = self.data
        if hasattr(data, "read"):
            read = data.read
            while True:
                block = read(_FILE_BLOCK)
                if not block:
                    return
                yield block.encode("utf-8") if isinstance(block, str) else block
        for block in data:
            if isinstance(block, str):
                block = block.encode("utf-8")
            if block:
                yield block


def request_head(method: str, target: str, headers: Mapping[str, Any], host: str) -> bytes:
    """The request line and header fields (already checked by requests' ``prepare_headers``)."""
    lines = [f"{method} {target} HTTP/1.1"]
    if "Host" not in headers and "host" not in headers:
        lines.append(f"Host: {host}")
    for key, value in headers.items():
        if value is None:
            continue
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        lines.append(f"{key}: {value}")
    lines.append("\r\n")
    return "\r\n".join(lines).encode("latin-1")


class Connection:
    """A socket to the daemon and the HTTP/1.1 exchanges on it, one at a time.

    Args:
        sock: the connected socket (``socket.socket``, ``ssl.SSLSocket`` or an ssh socket).
        pool: the pool it goes back to when an answer has been read to its end.
    """

    def __init__(self, sock: Any, pool: Any) -> None:
        self.sock = sock
        self.pool = pool
        self.exchanges = 0
        self._timeout: Any = object()

    def settimeout(self, timeout: float | None) -> None:
        if timeout != self._timeout:
            self.sock.settimeout(timeout)
            self._timeout = timeout

    def dropped(self) -> bool:
        """Whether the daemon closed this idle connection (or sent what nobody asked for)."""
        sock = self.sock
        alive = getattr(sock, "alive", None)  # ssh sockets
        if alive is not None and not alive():
            return True
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return True
        try:
            poller = select.poll()
            poller.register(sock.fileno(), select.POLLIN)
            return bool(poller.poll(0))
        except (OSError, ValueError):
            return True

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def exchange(self, method: str, head: bytes, body: RequestBody, chunked: bool,
                 read_timeout: float | None) -> tuple[Head, Body]:
        """Send a request and read the answer's head.

        Raises:
            ResponseLost: the connection ended before any byte of the answer.
            BadResponse: the answer is not HTTP.
            OSError: from the socket (a timeout included).
        """
        self.exchanges += 1
        self.settimeout(read_timeout)
        sock = self.sock
        broken: OSError | None = None
        try:
            body.send(sock, head, chunked)
        except (BrokenPipeError, ConnectionResetError) as exc:
            broken = exc  # the daemon may have answered (an error) before it stopped reading
        events = _Events()
        parser = events.parser = httptools.HttpResponseParser(events)
        leftover = b""
        received = 0
        body_error: Exception | None = None
        while not events.head_done:
            try:
                data = sock.recv(_HEAD_READ)
            except (ConnectionResetError, BrokenPipeError) as exc:
                if received:
                    raise
                raise ResponseLost(str(exc)) from exc
            if not data:
                if received:
                    raise BadResponse("the daemon closed the connection in the middle of its "
                                      "answer's head")
                raise ResponseLost(str(broken) if broken else "end of stream") from broken
            received += len(data)
            if received > _HEAD_LIMIT:
                raise BadResponse("the answer's head is longer than 256 KiB")
            try:
                parser.feed_data(data)
            except httptools.HttpParserUpgrade as exc:
                leftover = data[exc.args[0]:]
            except httptools.HttpParserError as exc:
                if not events.head_done:
                    raise BadResponse(f"{exc} in {data[:60]!r}") from exc
                body_error = exc  # a broken body: raised when the body is read that far
        found = events.head
        found.status = parser.get_status_code()
        found.version = 10 if parser.get_http_version() == "1.0" else 11
        found.keep_alive = found.keep_alive and broken is None
        found.upgraded = found.status == 101
        reader = Body(self, parser, events, found, method, leftover)
        if body_error is not None:
            reader.fail(body_error)
        return found, reader


def _framing(head: Head, method: str) -> tuple[str, int]:
    """How the body ends: ``none``, ``length`` (with its size), ``chunked`` or ``close``."""
    status = head.status
    if status == 101:
        return "close", -1
    if method == "HEAD" or status in _NO_BODY_STATUS or status < 200:
        return "none", 0
    length = None
    for name, value in head.fields:
        lower = name.lower()
        if lower == "transfer-encoding" and "chunked" in value.lower():
            return "chunked", -1
        if lower == "content-length":
            length = value
    if length is not None:
        return "length", int(length)  # the parser has refused anything but digits
    return "close", -1


class Body:
    """The body of one answer, read in large blocks; at its end the connection goes back to the pool.

    A ``Content-Length`` body and one read until the daemon closes (after an upgrade, or without
    framing) come straight from the socket; a chunked one through the parser. It is the file
    object under the ``urllib3.HTTPResponse`` the caller gets (``read``, ``read1``, ``readinto``,
    ``close``), and :meth:`blocks` is the fast reader ``iter_body`` uses.
    """

    def __init__(self, conn: Connection, parser: Any, events: _Events, head: Head, method: str,
                 leftover: bytes) -> None:
        self._conn: Connection | None = conn
        self._parser = parser
        self._events = events
        self.kind, self._remaining = _framing(head, method)
        self._keep_alive = head.keep_alive and self.kind in ("none", "length", "chunked")
        self._lock = threading.Lock()
        self._pending: bytes = b""  # read but not yet handed out
        self._taken: Any = None  # the socket, once taken over
        self._error: Exception | None = None  # a framing error found past what was decoded
        self.received = 0
        body = b"".join(events.pieces)
        events.pieces.clear()
        self._pieces = events.pieces  # chunked: what the parser decodes next
        if self.kind != "chunked":
            body += leftover
            if self.kind == "length":
                if len(body) > self._remaining:
                    self._keep_alive = False  # bytes nobody asked for: do not reuse
                    body = body[:self._remaining]
                self._remaining -= len(body)
            elif self.kind == "none" and body:
                self._keep_alive = False
                body = b""
        self._pending = body
        self._done = self._ended_source()
        if self._done:
            self._finish()  # what is left of the body is in memory

    # -- state ----------------------------------------------------------------------------------

    def _ended_source(self) -> bool:
        if self.kind == "none":
            return True
        if self.kind == "length":
            return self._remaining <= 0
        if self.kind == "chunked":
            return self._events.done
        return False

    @property
    def sock(self) -> Any:
        return self._conn.sock if self._conn is not None else None

    def settimeout(self, timeout: float | None) -> None:
        """The socket timeout for the rest of the body (none, for a stream followed)."""
        conn = self._conn
        if conn is not None:
            conn.settimeout(timeout)

    def isclosed(self) -> bool:
        return self._conn is None and not self._pending

    @property
    def closed(self) -> bool:
        return self.isclosed()

    def fail(self, error: Exception) -> None:
        """Make the body end with ``error`` once what was decoded before it has been read."""
        self._error = error
        self._done = False
        self._keep_alive = False

    # -- reading --------------------------------------------------------------------------------

    def _next_block(self, size: int) -> bytes:
        """The next piece of the body (at most ``size`` bytes when it comes from the socket);
        ``b""`` at its end.

        Raises:
            ResponseLost: never; a body cut short raises ``ConnectionAbortedError``.
            OSError: from the socket.
        """
        data: bytes
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        if self._error is not None:
            error, self._error = self._error, None
            self._done = True
            self._finish()
            raise ConnectionAbortedError(f"the chunked body is malformed: {error}") from error
        if self._done or self._conn is None:
            return b""
        sock: Any = self._conn.sock
        kind = self.kind
        if kind == "length":
            data = sock.recv(min(size, self._remaining))
            if not data:
                raise ConnectionAbortedError(
                    f"the daemon closed the connection {self._remaining} bytes before the end "
                    "of the body")
            self._remaining -= len(data)
            if self._remaining <= 0:
                self._done = True
                self._finish()
            return data
        if kind == "close":
            data = sock.recv(size)
            if not data:
                self._done = True
                self._finish()
            return data
        # chunked: feed the parser until it has decoded something
        pieces: list[bytes] = self._pieces
        while not pieces:
            if self._events.done:
                self._done = True
                self._finish()
                return b""
            data = sock.recv(size)
            if not data:
                raise ConnectionAbortedError(
                    "the daemon closed the connection before the last chunk of the body")
            try:
                self._parser.feed_data(data)
            except httptools.HttpParserError as exc:
                raise ConnectionAbortedError(f"the chunked body is malformed: {exc}") from exc
        if len(pieces) == 1:
            data = pieces.pop()
        elif len(pieces[0]) >= _LARGE_CHUNK:
            data = pieces.pop(0)  # large chunks one by one: no copy to join them
        else:
            data = b"".join(pieces)  # small ones (log lines) in one item: fewer items downstream
            pieces.clear()
        if not pieces and self._events.done:
            self._done = True
            self._finish()
        return data

    def blocks(self, size: int = STREAM_READ_SIZE) -> Iterator[bytes]:
        """Yield the body as it arrives: never empty, at most ``size`` bytes each."""
        size = min(size, STREAM_READ_SIZE)
        next_block = self._next_block
        while True:
            data = next_block(size)
            if not data:
                return
            self.received += len(data)
            if len(data) > size:
                for start in range(0, len(data), size):
                    yield data[start:start + size]
            else:
                yield data

    def read1(self, amt: int = -1) -> bytes:
        """What one read gives (at most ``amt`` bytes; ``b""`` at the end)."""
        if amt is None or amt < 0:
            amt = STREAM_READ_SIZE
        data = self._next_block(max(amt, 1))
        if len(data) > amt:
            self._pending, data = data[amt:] + self._pending, data[:amt]
        self.received += len(data)
        return data

    def read(self, amt: int | None = None) -> bytes:
        if amt is None or amt < 0:
            parts = []
            while True:
                data = self._next_block(_HEAD_READ)
                if not data:
                    break
                parts.append(data)
            whole = b"".join(parts)
            self.received += len(whole)
            return whole
        parts = []
        wanted = amt
        while wanted > 0:
            data = self.read1(wanted)
            if not data:
                break
            parts.append(data)
            wanted -= len(data)
        return b"".join(parts)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read1(len(view))
        view[:len(data)] = data
        return len(data)

    def readable(self) -> bool:
        return True

    def flush(self) -> None:
        return None

    # -- ending ---------------------------------------------------------------------------------

    def take_over(self) -> tuple[Connection, bytes] | None:
        """The connection and the bytes read past the head, for an upgraded or hijacked answer.

        None when the body has ended or was closed.
        """
        with self._lock:
            conn = self._conn
            if conn is None or (self._done and not self._pending and self.kind != "close"):
                return None
            self._conn = None
            self._keep_alive = False
            self._taken = conn.sock
        buffered = self._pending + b"".join(self._pieces)
        self._pending = b""
        return conn, buffered

    def shutdown(self) -> None:
        """Shut the socket down so that a read blocked in another thread returns."""
        conn = self._conn
        sock = conn.sock if conn is not None else self._taken
        if sock is None:
            return
        try:
            if isinstance(sock, ssl.SSLSocket):  # keep the TLS session: see Upgraded.shutdown
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            else:
                sock.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass

    def close(self) -> None:
        if not self._done:
            self._keep_alive = False
        self._pending = b""
        self._finish()

    def _finish(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._done and self._keep_alive:
            conn.pool.put(conn)
        else:
            conn.pool.discard(conn)
