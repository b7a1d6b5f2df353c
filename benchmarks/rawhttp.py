"""The benchmark's "raw reader": a minimal HTTP/1.1 client on the daemon's unix socket.

It is the reference a well-written client should approach: large ``recv`` calls, ``bytes.find``
for line ends, ``struct.unpack_from`` for frame headers, keep-alive reuse for sequential calls,
and nothing else. It serves the benchmark only (it also sets up the benchmark's fixtures).
"""
from __future__ import annotations

import json
import socket
import struct
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union
from urllib.parse import quote, urlencode

RECV_SIZE = 256 * 1024
API = "/v1.41"
_FRAME = struct.Struct(">BxxxL")

Body = Union[None, bytes, Iterable[bytes]]


class RawHTTPError(Exception):
    """A response the caller did not expect, or a connection that broke mid-message."""


def socket_path(docker_host: str) -> str:
    """The filesystem path of a ``unix://`` DOCKER_HOST."""
    if not docker_host.startswith("unix://"):
        raise RawHTTPError(f"the raw reader speaks unix sockets only, not {docker_host}")
    return docker_host[len("unix://"):]


def query(path: str, **params: Any) -> str:
    """``path?params``; bools become 1/0, dicts and lists JSON, None values are dropped."""
    pairs = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = int(value)
        elif isinstance(value, (dict, list)):
            value = json.dumps(value)
        pairs.append((key, value))
    return f"{path}?{urlencode(pairs)}" if pairs else path


class Response:
    """A response whose head has been read; the body is read by one of the ``read``/``iter`` methods."""

    def __init__(self, conn: Connection, status: int, headers: Dict[str, str], method: str) -> None:
        self.conn = conn
        self.status = status
        self.headers = headers
        self._method = method

    def iter_body(self) -> Iterator[bytes]:
        """The body in pieces as they arrive (chunked decoding, Content-Length, or up to EOF)."""
        if self._method == "HEAD" or self.status in (204, 304):
            return iter(())
        if self.status == 101:
            return self.conn.iter_until_close()
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            return self.conn.iter_chunked()
        length = self.headers.get("content-length")
        if length is not None:
            return self.conn.iter_exact(int(length))
        return self.conn.iter_until_close()

    def read(self) -> bytes:
        """The whole body."""
        return b"".join(self.iter_body())

    def json(self) -> Any:
        """The body, decoded from JSON."""
        return json.loads(self.read())

    def iter_frames(self) -> Iterator[Tuple[int, bytes]]:
        """``(stream, payload piece)`` of a multiplexed (8-byte header) body."""
        return iter_frames(self.iter_body())

    def iter_json_lines(self) -> Iterator[Any]:
        """One decoded object per line of a JSON-lines body."""
        return iter_json_lines(self.iter_body())

    def expect(self, *statuses: int) -> Response:
        """Self, if the status is one of ``statuses``; else raise with the body."""
        if self.status not in statuses:
            raise RawHTTPError(f"HTTP {self.status}: {self.read()[:500]!r}")
        return self


class Connection:
    """One keep-alive connection to a unix socket; one request at a time."""

    def __init__(self, path: str, timeout: Optional[float] = None) -> None:
        self.path = path
        self.timeout = timeout
        self.sock: Optional[socket.socket] = None
        self._buf = b""
        self._pos = 0

    # -- the socket -----------------------------------------------------------------------

    def _connect(self) -> socket.socket:
        if self.sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(self.path)
            self.sock = sock
            self._buf, self._pos = b"", 0
        return self.sock

    def close(self) -> None:
        """Close the socket (the next request opens a new one)."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def shutdown_write(self) -> None:
        """Half-close: the peer sees EOF on what we send (a hijacked stdin)."""
        if self.sock is not None:
            self.sock.shutdown(socket.SHUT_WR)

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _fill(self) -> bool:
        """Read more into the buffer (dropping what was consumed); False at EOF."""
        assert self.sock is not None
        data = self.sock.recv(RECV_SIZE)
        if not data:
            return False
        self._buf = self._buf[self._pos:] + data if self._pos < len(self._buf) else data
        self._pos = 0
        return True

    def _readline(self) -> bytes:
        """The next CRLF-terminated line, without the CRLF."""
        while True:
            end = self._buf.find(b"\r\n", self._pos)
            if end >= 0:
                line = self._buf[self._pos:end]
                self._pos = end + 2
                return line
            if not self._fill():
                self.close()
                raise RawHTTPError("connection closed in the middle of a line")

    def _take(self, limit: int) -> bytes:
        """Up to ``limit`` bytes of what is buffered (reading when nothing is); b'' at EOF."""
        if self._pos >= len(self._buf) and not self._fill():
            return b""
        start = self._pos
        end = min(len(self._buf), start + limit)
        self._pos = end
        if start == 0 and end == len(self._buf):
            return self._buf
        return self._buf[start:end]

    # -- bodies ---------------------------------------------------------------------------

    def iter_exact(self, length: int) -> Iterator[bytes]:
        """Exactly ``length`` bytes, in pieces."""
        while length:
            piece = self._take(length)
            if not piece:
                self.close()
                raise RawHTTPError(f"connection closed with {length} bytes of the body missing")
            length -= len(piece)
            yield piece

    def iter_chunked(self) -> Iterator[bytes]:
        """A chunked body, decoded, in pieces.

        One pass over the buffer: each chunk that is wholly buffered is sliced out in place;
        the CRLF after a chunk's data is skipped as an empty size line.
        """
        assert self.sock is not None
        recv = self.sock.recv
        buf, pos = self._buf, self._pos
        ended = False
        while True:
            end = buf.find(b"\r\n", pos)
            if end < 0:
                more = recv(RECV_SIZE)
                if not more:
                    self.close()
                    raise RawHTTPError("connection closed inside a chunked body")
                buf, pos = buf[pos:] + more, 0
                continue
            line = buf[pos:end]
            pos = end + 2
            if not line:
                if ended:  # the empty line after the last chunk (and any trailers)
                    self._buf, self._pos = buf, pos
                    return
                continue
            if ended:
                continue  # a trailer
            size = int(line.split(b";", 1)[0], 16)
            if size == 0:
                ended = True
            elif len(buf) - pos >= size:
                yield buf[pos:pos + size]
                pos += size
            else:
                if pos < len(buf):
                    yield buf[pos:]
                    size -= len(buf) - pos
                buf, pos = b"", 0
                while size:
                    more = recv(RECV_SIZE)
                    if not more:
                        self.close()
                        raise RawHTTPError("connection closed inside a chunk")
                    if len(more) <= size:
                        yield more
                        size -= len(more)
                    else:
                        yield more[:size]
                        buf, pos, size = more, size, 0

    def iter_until_close(self) -> Iterator[bytes]:
        """Everything up to EOF (a body without length, or a hijacked stream); then close."""
        try:
            while True:
                piece = self._take(RECV_SIZE)
                if not piece:
                    return
                yield piece
        finally:
            self.close()

    # -- requests -------------------------------------------------------------------------

    def request(self, method: str, target: str, body: Body = None,
                headers: Optional[Dict[str, str]] = None, length: Optional[int] = None) -> Response:
        """Send a request and read the response's status line and headers.

        An iterable ``body`` is sent chunked, or as it is when its ``length`` is given. When a
        kept-alive connection turns out to have been closed by the daemon (idle), a request
        with a bytes body (or none) is sent again on a new connection.
        """
        reused = self.sock is not None
        try:
            return self._send(method, target, body, headers, length)
        except (OSError, RawHTTPError):
            if not reused or not (body is None or isinstance(body, bytes)):
                raise
            self.close()
            return self._send(method, target, body, headers, length)

    def _send(self, method: str, target: str, body: Body, headers: Optional[Dict[str, str]],
              length: Optional[int]) -> Response:
        sock = self._connect()
        lines = [f"{method} {target} HTTP/1.1", "Host: docker"]
        for key, value in (headers or {}).items():
            lines.append(f"{key}: {value}")
        if body is None or isinstance(body, bytes):
            if body is not None or method in ("POST", "PUT"):
                lines.append(f"Content-Length: {len(body or b'')}")
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b""))
        elif length is not None:
            lines.append(f"Content-Length: {length}")
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            for piece in body:
                sock.sendall(piece)
        else:
            lines.append("Transfer-Encoding: chunked")
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            for piece in body:
                if piece:
                    sock.sendall(b"%x\r\n" % len(piece))
                    sock.sendall(piece)
                    sock.sendall(b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        return self._read_head(method)

    def _read_head(self, method: str) -> Response:
        status_line = self._readline()
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
            raise RawHTTPError(f"not an HTTP status line: {status_line[:100]!r}")
        headers: Dict[str, str] = {}
        while True:
            line = self._readline()
            if not line:
                break
            key, _, value = line.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        return Response(self, int(parts[1]), headers, method)

    def get_json(self, path: str) -> Any:
        """GET an API path, expect 200, decode the JSON body."""
        return self.request("GET", API + path).expect(200).json()

    def post_json(self, path: str, payload: Any = None, *statuses: int) -> Any:
        """POST an API path with a JSON body (if any); the decoded reply (None when empty)."""
        body = json.dumps(payload).encode() if payload is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else None
        data = self.request("POST", API + path, body, headers).expect(*(statuses or (200, 201, 204))).read()
        return json.loads(data) if data else None

    def upgrade(self, path: str, payload: Any = None) -> Response:
        """POST with ``Upgrade: tcp`` (attach, exec start); the 101 response's body is the raw stream."""
        body = json.dumps(payload).encode() if payload is not None else b""
        headers = {"Connection": "Upgrade", "Upgrade": "tcp"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        return self.request("POST", API + path, body, headers).expect(101, 200)


# -- decoders over an iterable of pieces ------------------------------------------------------


def iter_frames(pieces: Iterable[bytes]) -> Iterator[Tuple[int, bytes]]:
    """Demultiplex 8-byte-header frames: ``(stream, payload piece)``, split as the input is."""
    unpack_from = _FRAME.unpack_from
    stream = 0
    remaining = 0
    head = b""
    for piece in pieces:
        pos = 0
        size = len(piece)
        while pos < size:
            if remaining:
                end = min(size, pos + remaining)
                yield stream, (piece if pos == 0 and end == size else piece[pos:end])
                remaining -= end - pos
                pos = end
            elif head or size - pos < 8:
                need = 8 - len(head)
                head += piece[pos:pos + need]
                pos += need
                if len(head) == 8:
                    stream, remaining = _FRAME.unpack(head)
                    head = b""
            else:
                stream, remaining = unpack_from(piece, pos)
                pos += 8
    if head or remaining:
        raise RawHTTPError(f"stream ended inside a frame ({remaining} bytes missing)")


def iter_json_lines(pieces: Iterable[bytes]) -> Iterator[Any]:
    """One decoded JSON value per newline-terminated line."""
    loads = json.loads
    rest = b""
    for piece in pieces:
        data = rest + piece if rest else piece
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                break
            if end > start:
                yield loads(data[start:end])
            start = end + 1
        rest = data[start:]
    if rest.strip():
        yield loads(rest)


# -- the few API calls fixtures and producers need --------------------------------------------


def create_container(conn: Connection, image: str, cmd: List[str], name: Optional[str] = None,
                     **config: Any) -> str:
    """Create a container; its ID."""
    payload = {"Image": image, "Cmd": cmd, **config}
    path = query("/containers/create", name=name)
    return str(conn.post_json(path, payload, 201)["Id"])


def quoted(name: str) -> str:
    """A container or image name, escaped for a URL path."""
    return quote(name, safe="")
