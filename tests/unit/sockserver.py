"""A scripted, socket-level HTTP server for unit tests.

A background thread accepts connections on ``127.0.0.1:0`` (or on a unix socket
path); for each request it reads (head and body) it answers with raw bytes from a
script: whatever status line, headers and body framing the test wants, sent in
parts with optional pauses, then a chosen ending. Nothing is parsed or fixed up on
the way out, so tests can send broken chunk sizes, bodies shorter than their
``Content-Length``, or a connection that drops in the middle of a frame.

Example::

    reply = Reply([head(200, chunked=True), chunk(b'{"a": 1}\\n'), 0.05, LAST_CHUNK])
    with SockServer(reply) as server:
        response = requests.get(server.url + "/events", stream=True)
        ...
    assert server.requests[0].startswith(b"GET /events ")

Endings (``Reply.end``):

* ``"close"``: after the parts, close the connection cleanly (FIN).
* ``"reset"``: after the parts, abort the connection (RST on TCP; a plain close on a
  unix socket).
* ``"keep"``: keep the connection open for the next request (keep-alive); the next
  reply in the script answers it.
* ``"hold"``: send nothing more and wait until the client closes its end (or the
  server stops); :attr:`SockServer.client_closed` is set when the client does.

Replies are used in order, one per request, whatever connection it arrives on; once
the script is used up, further requests get their connection closed at once. Each
connection is served by a thread of its own, so a client may hold one connection
open while it opens another. Stopping the server (``stop()`` or leaving the ``with``
block) closes every socket it opened and joins its threads, so nothing leaks under
``-W error``.
"""
from __future__ import annotations

import os
import socket
import struct
import threading
import urllib.parse
from dataclasses import dataclass, field
from typing import Literal, Sequence, Union

#: One step of a reply: bytes to send, or a pause in seconds.
Part = Union[bytes, float]
Ending = Literal["close", "reset", "keep", "hold"]

#: The chunk that ends a chunked body.
LAST_CHUNK = b"0\r\n\r\n"

_POLL_SECONDS = 0.05
_MAX_HEAD = 1 << 20


def head(status: int = 200, headers: dict[str, str] | None = None, *,
         chunked: bool = False, length: int | None = None, reason: str | None = None) -> bytes:
    """Return a status line and headers, ending with the blank line.

    Args:
        status: the status code.
        headers: extra headers, sent as given.
        chunked: add ``Transfer-Encoding: chunked``.
        length: add ``Content-Length: length``.
        reason: the reason phrase (default: a generic one).
    """
    lines = [f"HTTP/1.1 {status} {reason or _REASONS.get(status, 'Status')}"]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    if length is not None:
        lines.append(f"Content-Length: {length}")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunk(data: bytes) -> bytes:
    """Return ``data`` framed as one HTTP chunk (size line, data, CRLF)."""
    return b"%x\r\n%s\r\n" % (len(data), data)


def chunked_body(pieces: Sequence[bytes]) -> bytes:
    """Return ``pieces`` as a complete chunked body, one chunk each, with the last chunk.

    Empty pieces are left out: an empty chunk would end the body.
    """
    return b"".join(chunk(piece) for piece in pieces if piece) + LAST_CHUNK


_REASONS = {101: "UPGRADED", 200: "OK", 204: "No Content", 404: "Not Found",
            500: "Internal Server Error"}


@dataclass
class Reply:
    """The scripted answer to one request.

    Attributes:
        parts: sent in order: ``bytes`` are written as they are, a ``float`` (or int)
            pauses for that many seconds.
        end: what happens after the parts (see the module docstring).
    """

    parts: Sequence[Part] = field(default_factory=list)
    end: Ending = "close"


@dataclass
class Request:
    """A request the server received: its head (up to the blank line) and its body.

    The body is as sent: a chunked request body keeps its chunk framing.
    """

    head: bytes
    body: bytes

    def startswith(self, prefix: bytes) -> bool:
        """Return whether the request head starts with ``prefix``."""
        return self.head.startswith(prefix)


class SockServer:
    """Threads answering requests with scripted raw bytes (see the module docstring).

    Args:
        *replies: the replies, in the order requests arrive.
        unix_path: listen on this unix socket path instead of ``127.0.0.1:0``.

    Attributes:
        requests: each request received, in order.
        connections: how many connections were accepted.
        client_closed: set when the client closes a connection the server was holding
            or keeping open (or breaks it while the server writes).
        errors: unexpected exceptions from the server threads (tests may assert it is empty).
    """

    def __init__(self, *replies: Reply, unix_path: str | None = None) -> None:
        self._replies = list(replies)
        self._unix_path = unix_path
        self.requests: list[Request] = []
        self.connections = 0
        self.client_closed = threading.Event()
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._handlers: list[threading.Thread] = []
        if unix_path is not None:
            self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        else:
            self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            if unix_path is not None:
                self._listener.bind(unix_path)
            else:
                self._listener.bind(("127.0.0.1", 0))
            self._listener.listen(8)
            self._listener.settimeout(_POLL_SECONDS)
        except BaseException:
            self._listener.close()
            raise
        self._thread = threading.Thread(target=self._accept, name="SockServer", daemon=True)
        self._started = False

    # -- public API -------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL: ``http://127.0.0.1:PORT`` or ``http+unix://<quoted path>``."""
        if self._unix_path is not None:
            return "http+unix://" + urllib.parse.quote(self._unix_path, safe="")
        return f"http://127.0.0.1:{self.port}"

    @property
    def port(self) -> int:
        """The TCP port (0 for a unix socket server)."""
        if self._unix_path is not None:
            return 0
        return int(self._listener.getsockname()[1])

    def start(self) -> SockServer:
        """Start the server thread (``with`` does it); return the server."""
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the threads and close every socket; idempotent."""
        self._stop.set()
        if self._started:
            self._thread.join(timeout)
        for handler in list(self._handlers):
            handler.join(timeout)
        if self._thread.is_alive() or any(h.is_alive() for h in self._handlers):  # pragma: no cover
            self.errors.append(RuntimeError("a SockServer thread did not stop"))
        with self._lock:
            leftovers, self._open = self._open, set()
        for conn in leftovers:  # pragma: no cover - only if a thread is stuck
            conn.close()
        self._listener.close()
        if self._unix_path is not None:
            try:
                os.unlink(self._unix_path)
            except FileNotFoundError:
                pass

    def __enter__(self) -> SockServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- the threads ------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (socket.timeout, BlockingIOError):
                continue
            except OSError:
                return  # listener closed
            with self._lock:
                self._open.add(conn)
                self.connections += 1
            handler = threading.Thread(target=self._serve, args=(conn,), name="SockServer-conn", daemon=True)
            self._handlers.append(handler)
            handler.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(_POLL_SECONDS)
            self._handle(conn)
        except BaseException as exc:  # pragma: no cover - reported to the test
            self.errors.append(exc)
        finally:
            with self._lock:
                self._open.discard(conn)
            conn.close()

    def _next_reply(self) -> Reply | None:
        with self._lock:
            return self._replies.pop(0) if self._replies else None

    def _handle(self, conn: socket.socket) -> None:
        buffered = b""
        while not self._stop.is_set():
            received = self._read_request(conn, buffered)
            if received is None:
                return
            request, buffered = received
            self.requests.append(request)
            reply = self._next_reply()
            if reply is None:
                return
            if not self._send(conn, reply.parts):
                self.client_closed.set()
                return
            if reply.end == "close":
                try:
                    conn.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            if reply.end == "reset":
                if conn.family != socket.AF_UNIX:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            if reply.end == "hold":
                self._wait_for_client_close(conn)
                return
            # "keep": loop for the next request on this connection

    def _recv(self, conn: socket.socket) -> bytes | None:
        """One read: bytes, b"" at EOF (or reset), None if the stop flag is set."""
        while not self._stop.is_set():
            try:
                return conn.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return b""
        return None

    def _read_request(self, conn: socket.socket, buffered: bytes) -> tuple[Request, bytes] | None:
        data = buffered
        while b"\r\n\r\n" not in data:
            more = self._recv(conn)
            if not more:
                if more == b"":
                    self.client_closed.set()
                return None
            data += more
            if len(data) > _MAX_HEAD:
                raise ValueError("request head too large")
        end = data.index(b"\r\n\r\n") + 4
        request_head, rest = data[:end], data[end:]
        lowered = request_head.lower()
        length = 0
        for line in lowered.split(b"\r\n"):
            if line.startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if b"transfer-encoding: chunked" in lowered:
            while not rest.endswith(b"0\r\n\r\n"):
                more = self._recv(conn)
                if not more:
                    return None
                rest += more
            return Request(request_head, rest), b""
        while len(rest) < length:
            more = self._recv(conn)
            if not more:
                return None
            rest += more
        return Request(request_head, rest[:length]), rest[length:]

    def _send(self, conn: socket.socket, parts: Sequence[Part]) -> bool:
        """Send the parts; False if the client went away."""
        for part in parts:
            if isinstance(part, (bytes, bytearray, memoryview)):
                if not self._sendall(conn, bytes(part)):
                    return False
            elif self._stop.wait(float(part)):
                return False
        return True

    def _sendall(self, conn: socket.socket, data: bytes) -> bool:
        view = memoryview(data)
        while view and not self._stop.is_set():
            try:
                sent = conn.send(view)
            except socket.timeout:
                continue
            except OSError:
                return False
            view = view[sent:]
        return not view

    def _wait_for_client_close(self, conn: socket.socket) -> None:
        while True:
            data = self._recv(conn)
            if data is None:
                return
            if not data:
                self.client_closed.set()
                return
