"""The wire lane: HTTP/1.1 spoken directly on the sockets of requests' own connection pools.

A call through ``requests.Session.request`` costs about a millisecond of CPU on a small machine:
merging settings, preparing the request, http.client's header parsing, cookie extraction. A
local daemon answers ``/_ping`` in a tenth of that. So the client's own calls take this lane
when nothing in the session needs requests' machinery (no hooks, auth, cookies, proxies or
mocked adapter; see ``Client._lane``): the request is written in one piece to a connection
borrowed from the very urllib3 pool requests would use (same TLS settings, same limits), the
answer is parsed here, and the caller gets an ordinary ``requests.Response``. A streamed answer
gets a :class:`WireBody` as its ``raw``, which ``streams`` reads in large blocks.

The pool's connections are borrowed and returned with urllib3's ``_get_conn``/``_put_conn``, the
two private calls this module makes (stable from urllib3 1.26 to 2.x); a connection whose
answer was not read to its end is closed before it goes back, as urllib3 does.
"""
from __future__ import annotations

import http.client
import re
import socket
import struct
import sys
import threading
import time
import zlib
from datetime import timedelta
from types import SimpleNamespace
from typing import Any, Generator, Iterable, Iterator, Mapping
from urllib.parse import urlencode

import requests
import requests.adapters
import urllib3
from requests.cookies import extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers, super_len

from ..constants import STREAM_READ_SIZE

__all__ = ["WireBody", "WireLane", "lane_adapter_ok"]

#: Reads for heads and whole (not streamed) bodies: below glibc's mmap threshold, so that a
#: call costs no mmap/mremap/munmap of its buffer.
_SMALL_READ = 64 * 1024
#: One header field of a response head: the name and the value, spaces around both dropped.
_FIELD = re.compile(r"[ \t]*([^:\r\n]*?)[ \t]*:[ \t]*([^\r\n]*?)[ \t]*\r\n")
#: The longest response head accepted (the daemon's are a few hundred bytes).
_HEAD_LIMIT = 256 * 1024
_NO_BODY_STATUS = (204, 304)
_CRLF = b"\r\n"
_HEAD_END = b"\r\n\r\n"
_ORIGINAL_SEND = requests.adapters.HTTPAdapter.send
#: What requests (``requote_uri``, urllib3's ``parse_url``) would change in a request target:
#: characters it quotes, a fragment, a ``%`` not followed by two upper-case hex digits, an
#: escaped unreserved character, a dot segment, an empty query. The client's own URLs have none.
_UNSAFE_TARGET = re.compile(r"[^A-Za-z0-9\-._~!$%&'()*+,/:;=?@]")
_UNUSUAL_TARGET = re.compile(
    r"[^A-Za-z0-9\-._~!$%&'()*+,/:;=?@]|%(?![0-9A-F]{2})"
    r"|%(?:2[DE]|3[0-9]|4[1-9A-F]|5[0-9AF]|6[1-9A-F]|7[0-9AE])"
    r"|/\.\.?(?=/|\?|$)|\?(?=&|$)")


def lane_adapter_ok(adapter: Any) -> bool:
    """Whether requests would send through ``adapter`` exactly as the lane does.

    False for an adapter with a ``send`` of its own, and whenever ``HTTPAdapter.send`` has been
    replaced (the ``responses`` test library patches it): such a session must go through
    requests so that the replacement sees every call.
    """
    return (requests.adapters.HTTPAdapter.send is _ORIGINAL_SEND
            and type(adapter).send is _ORIGINAL_SEND)


class _Closed(Exception):
    """The daemon closed a reused connection before answering: retry on a new one."""


class WireLane:
    """Sends requests over the connections of one urllib3 pool and parses the answers.

    Args:
        pool: the urllib3 connection pool requests uses for this daemon.
        adapter: the requests adapter the pool belongs to (set as ``response.connection``).
    """

    def __init__(self, pool: Any, adapter: Any) -> None:
        self.pool = pool
        self.adapter = adapter
        port = pool.port
        host = pool.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        default_port = 443 if pool.scheme == "https" else 80
        self.host_header = host if port in (None, default_port) else f"{host}:{port}"

    def send(self, session_headers: Mapping[str, Any], method: str, url: str,
             params: Any, data: Any, headers: Mapping[str, Any] | None, timeout: Any,
             stream: bool) -> requests.Response | None:
        """One request; None when it has something only requests can send (then use requests).

        Raises:
            requests.exceptions.ConnectTimeout, requests.exceptions.ReadTimeout,
            requests.exceptions.ConnectionError, urllib3.exceptions.ProtocolError, OSError:
                as requests would for the same failure (the client translates them).
        """
        target, full_url = _target(url, params)
        if target is None:
            return None
        body = _Body.of(data)
        if body is None:
            return None
        request_head = self._head(session_headers, method, target, body, headers)
        if request_head is None:
            return None
        head, sent_headers = request_head
        connect_timeout, read_timeout = _timeouts(timeout)
        started = time.perf_counter()
        try:
            return self._exchange(method, full_url, head, sent_headers, body, connect_timeout,
                                  read_timeout, stream, started, fresh=False)
        except _Closed:
            if body.started:  # a stream already read cannot be sent again
                raise requests.exceptions.ConnectionError(
                    "Connection aborted: the daemon closed the connection without an answer"
                ) from None
            return self._exchange(method, full_url, head, sent_headers, body, connect_timeout,
                                  read_timeout, stream, started, fresh=True)

    # -- the request -------------------------------------------------------------------------

    def _head(self, session_headers: Mapping[str, Any], method: str, target: str,
              body: _Body, headers: Mapping[str, Any] | None
              ) -> tuple[bytes, list[tuple[str, str]]] | None:
        store = getattr(session_headers, "_store", None)  # CaseInsensitiveDict's own {lower: (k, v)}
        if isinstance(store, dict):
            merged = dict(store)
        else:
            merged = {k.lower(): (k, v) for k, v in session_headers.items()}
        if headers:
            for key, value in headers.items():
                merged[key.lower()] = (key, value)
        if body.length is not None:
            merged["content-length"] = ("Content-Length", body.length)
        elif body.chunked:
            merged["transfer-encoding"] = ("Transfer-Encoding", "chunked")
        elif method not in ("GET", "HEAD") and "content-length" not in merged:
            merged["content-length"] = ("Content-Length", 0)
        lines = [f"{method} {target} HTTP/1.1"]
        host = merged.get("host")
        if host is None or host[1] is None:  # else the caller's, where it stands, as http.client
            lines.append(f"Host: {self.host_header}")
        sent: list[tuple[str, str]] = []
        for key, value in merged.values():
            if value is None:
                continue
            text = value if isinstance(value, str) else (
                value.decode("latin-1") if isinstance(value, bytes) else str(value))
            if "\r" in text or "\n" in text or "\r" in key or "\n" in key:
                return None  # requests refuses it with its own error
            lines.append(f"{key}: {text}")
            sent.append((key, text))
        lines.append("\r\n")
        try:
            return "\r\n".join(lines).encode("latin-1"), sent
        except UnicodeEncodeError:
            return None

    def _exchange(self, method: str, url: str, head: bytes, sent_headers: list[tuple[str, str]],
                  body: _Body,
                  connect_timeout: float | None, read_timeout: float | None, stream: bool,
                  started: float, fresh: bool) -> requests.Response:
        pool = self.pool
        conn = pool._get_conn()
        reused = conn.sock is not None and not fresh
        if fresh and conn.sock is not None:
            conn.close()
        reader: WireBody | None = None
        try:
            if conn.sock is None:
                _connect(conn, connect_timeout)
            sock = conn.sock
            _set_timeout(conn, sock, read_timeout)
            try:
                try:
                    body.send(sock, head)
                except (BrokenPipeError, ConnectionResetError):
                    if reused and not body.started:
                        raise _Closed() from None
                    # The daemon may have answered (an error) before it stopped reading.
                    body.broken = True
                status, reason, fields, rest, version = _read_head(sock, reused and not body.started)
            except (socket.timeout, BlockingIOError) as exc:
                raise requests.exceptions.ReadTimeout(
                    f"read timed out after {read_timeout} s") from exc
            except (BrokenPipeError, ConnectionResetError):
                if reused and not body.started:
                    raise _Closed() from None
                raise
            response = _response(status, reason, fields, method, url, sent_headers,
                                 body.data, self.adapter)
            body_kind, length = _framing(method, status, response.headers)
            keep_alive = (version == b"HTTP/1.1" and not body.broken and "close" not in
                          response.headers.get("connection", "").lower())
            reader = WireBody(pool, conn, sock, rest, body_kind, length, keep_alive,
                              response.headers.get("content-encoding"))
            response.raw = reader
            if not stream:
                try:
                    response._content = reader.read_all()
                except (socket.timeout, BlockingIOError) as exc:
                    raise requests.exceptions.ReadTimeout(
                        f"read timed out after {read_timeout} s") from exc
                response._content_consumed = True  # type: ignore[attr-defined]
        except BaseException:
            if reader is not None:
                reader.close()
            else:
                conn.close()
                pool._put_conn(conn)
            raise
        response.elapsed = timedelta(seconds=time.perf_counter() - started)
        return response


#: Bodies up to this size go out in one send with the head.
_SMALL_BODY = 64 * 1024
#: The reads made from a file body.
_FILE_BLOCK = 1024 * 1024


class _Body:
    """A request body as the lane sends it: bytes with a length, a file, or chunks.

    As requests does: bytes-like data (and text, encoded as http.client does) goes with a
    ``Content-Length``; a file with a known size too, read in blocks; any other iterator or
    a file of unknown size is sent chunked. Lists, tuples and mappings (form fields for requests)
    are left to requests.
    """

    def __init__(self, data: Any, length: int | None, chunked: bool) -> None:
        self.data = data
        self.length = length
        self.chunked = chunked
        self.started = False  # part of a streamed body has been read from its source
        self.broken = False  # the daemon stopped reading it before its end

    @classmethod
    def of(cls, data: Any) -> _Body | None:
        if data is None:
            return cls(None, None, False)
        if isinstance(data, str):
            data = data.encode("utf-8")  # as urllib3 2 sends a str body
        if isinstance(data, (bytes, bytearray, memoryview)):
            return cls(data, memoryview(data).nbytes, False)
        if isinstance(data, (list, tuple, Mapping)) or not hasattr(data, "__iter__"):
            return None
        if hasattr(data, "read"):
            try:
                length = super_len(data)  # type: ignore[no-untyped-call]
            except (OSError, ValueError):
                length = 0
            if length:
                return cls(data, length, False)
        return cls(data, None, True)

    def send(self, sock: Any, head: bytes) -> None:
        data = self.data
        if data is None:
            sock.sendall(head)
        elif self.length is not None and not hasattr(data, "read"):
            if self.length <= _SMALL_BODY:
                sock.sendall(head + bytes(data))
            else:
                sock.sendall(head)
                sock.sendall(data)
        else:
            sock.sendall(head)
            self.started = True
            for block in self._blocks():
                if self.chunked:
                    if len(block) <= _SMALL_BODY:
                        sock.sendall(b"%x\r\n%b\r\n" % (len(block), block))
                    else:
                        sock.sendall(b"%x\r\n" % len(block))
                        sock.sendall(block)
                        sock.sendall(b"\r\n")
                else:
                    sock.sendall(block)
            if self.chunked:
                sock.sendall(b"0\r\n\r\n")

    def _blocks(self) -> Iterator[Any]:
        data = self.data
        if hasattr(data, "read"):
            read = data.read
            while True:
                block = read(_FILE_BLOCK)
                if not block:
                    return
                if isinstance(block, str):
                    block = block.encode("utf-8")
                yield block
        for block in data:
            if isinstance(block, str):
                block = block.encode("utf-8")
            if block:
                yield block


_TIMEVAL = struct.Struct("@ll")  # struct timeval: seconds, microseconds
_KERNEL_TIMEOUTS = hasattr(socket, "SO_RCVTIMEO") and sys.platform.startswith("linux")


def _set_timeout(conn: Any, sock: Any, timeout: float | None) -> None:
    """Give a lane call's socket its read and write timeout.

    On a plain socket the timeout is left to the kernel (``SO_RCVTIMEO``/``SO_SNDTIMEO``) and
    the socket made blocking: Python's own timeout polls the socket before every read and
    write, two more system calls per call, each a hand-over of the GIL that eight threads
    sharing a client feel. A read that times out then fails with ``EAGAIN``, which the lane
    turns into a timeout. TLS sockets keep Python's timeout.
    """
    if not _KERNEL_TIMEOUTS or type(sock) is not socket.socket or timeout == 0:
        if sock.gettimeout() != timeout:
            sock.settimeout(timeout)
        return
    if sock.gettimeout() is not None:
        sock.settimeout(None)
    kernel = timeout or 0.0
    if _kernel_timeout(conn, sock) != kernel:
        whole = int(kernel)
        value = _TIMEVAL.pack(whole, max(1, int((kernel - whole) * 1e6)) if kernel else 0)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, value)
        conn._dc_kernel_timeout = (sock, kernel)


def _kernel_timeout(conn: Any, sock: Any) -> float:
    """The kernel timeout the lane set on ``sock`` (0: none); a reconnected socket has none."""
    kept = getattr(conn, "_dc_kernel_timeout", None)
    return kept[1] if kept is not None and kept[0] is sock else 0.0  # type: ignore[no-any-return]


def _clear_kernel_timeout(conn: Any, sock: Any) -> None:
    """Take the kernel's timeout off a socket going back to the pool or to a hijacking caller:
    requests, or the caller, may use it in blocking mode expecting to wait without limit."""
    if _kernel_timeout(conn, sock):
        zero = _TIMEVAL.pack(0, 0)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, zero)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, zero)
        conn._dc_kernel_timeout = None


def _connect(conn: Any, timeout: float | None) -> None:
    conn.timeout = timeout
    try:
        conn.connect()
    except socket.timeout as exc:
        raise requests.exceptions.ConnectTimeout(f"connecting timed out after {timeout} s") from exc
    except urllib3.exceptions.ConnectTimeoutError as exc:
        raise requests.exceptions.ConnectTimeout(str(exc)) from exc
    except urllib3.exceptions.NewConnectionError as exc:
        raise requests.exceptions.ConnectionError(exc) from exc


def _timeouts(timeout: Any) -> tuple[float | None, float | None]:
    if isinstance(timeout, tuple):
        return timeout[0], timeout[1]
    if isinstance(timeout, urllib3.Timeout):
        return timeout.connect_timeout, timeout.read_timeout  # type: ignore[return-value]
    return timeout, timeout


def _target(url: str, params: Any) -> tuple[str | None, str]:
    """The request target (path and query) and the full URL, as requests would make them."""
    start = url.find("://")
    slash = url.find("/", start + 3) if start >= 0 else -1
    if slash < 0:
        return None, url
    target = url[slash:]
    if _UNUSUAL_TARGET.search(target):
        return None, url  # requests quotes or normalises these its own way
    if params:
        query = _encode_params(params)
        if query is None:
            return None, url
        if query:
            target = f"{target}&{query}" if "?" in target else f"{target}?{query}"
            url = url[:slash] + target
    if _UNSAFE_TARGET.search(target):
        return None, url  # requests quotes these its own way
    return target, url


def _encode_params(params: Any) -> str | None:
    """requests' ``_encode_params`` for a dict or a list of pairs; None for anything else."""
    items: Iterable[Any]
    if isinstance(params, Mapping):
        items = params.items()
    elif isinstance(params, list):
        items = params
    else:
        return None
    pairs: list[tuple[Any, Any]] = []
    for key, values in items:
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            values = [values]
        for value in values:
            if value is not None:
                pairs.append((key.encode("utf-8") if isinstance(key, str) else key,
                              value.encode("utf-8") if isinstance(value, str) else value))
    return urlencode(pairs, doseq=True)


# -- the answer --------------------------------------------------------------------------------


def _read_head(sock: Any, reused: bool) -> tuple[int, str, list[tuple[str, str]], bytes, bytes]:
    """Read a response head; skip ``1xx`` interim answers (but not ``101``).

    Returns:
        status, reason, header fields, the bytes read past the head, the HTTP version.
    """
    buffer = b""
    while True:
        end = buffer.find(_HEAD_END)
        while end < 0:
            if len(buffer) > _HEAD_LIMIT:
                raise urllib3.exceptions.ProtocolError(
                    f"the daemon's response head is longer than {_HEAD_LIMIT} bytes")
            data = sock.recv(_SMALL_READ)
            if not data:
                if not buffer and reused:
                    raise _Closed()
                raise requests.exceptions.ConnectionError(
                    "Connection aborted: the daemon closed the connection without an answer"
                    if not buffer else "Connection aborted: the response head was cut short")
            buffer += data
            end = buffer.find(_HEAD_END, max(0, len(buffer) - len(data) - 3))
        lines = buffer[:end].split(_CRLF)
        rest = buffer[end + 4:]
        parts = lines[0].split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
            raise urllib3.exceptions.ProtocolError(
                f"not an HTTP response from the daemon: {lines[0][:80]!r}")
        status = int(parts[1])
        if 100 <= status < 200 and status != 101:
            buffer = rest
            continue
        reason = parts[2].decode("latin-1").strip() if len(parts) > 2 else ""
        fields = _FIELD.findall(buffer[len(lines[0]) + 2:end + 2].decode("latin-1"))
        return status, reason, fields, rest, parts[0]


def _response(status: int, reason: str, fields: list[tuple[str, str]], method: str, url: str,
              sent_headers: list[tuple[str, str]], body: bytes | None,
              adapter: Any) -> requests.Response:
    """A ``requests.Response`` as ``HTTPAdapter.build_response`` makes it."""
    joined: dict[str, tuple[str, str]] = {}
    for name, value in fields:
        key = name.lower()
        if key in joined:
            first = joined[key]
            joined[key] = (first[0], f"{first[1]}, {value}")
        else:
            joined[key] = (name, value)
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    # CaseInsensitiveDict keeps {lower-case name: (name, value)} in _store: filled at once
    # rather than through __setitem__, a tenth of the cost.
    headers._store.update(joined)  # type: ignore[attr-defined]
    request = _SentRequest(sent_headers)
    request.method = method
    request.url = url
    request.body = body
    response = requests.Response()
    response.status_code = status
    response.reason = reason
    response.headers = headers
    response.encoding = get_encoding_from_headers(headers)
    response.url = url
    response.request = request
    response.connection = adapter
    if "set-cookie" in joined:
        _keep_cookies(response, request, fields)
    return response


class _SentRequest(requests.PreparedRequest):
    """The request as sent, as ``response.request``; its headers dict is made when asked for."""

    def __init__(self, sent_headers: list[tuple[str, str]]) -> None:
        super().__init__()
        self._sent_headers = sent_headers

    @property  # type: ignore[override]
    def headers(self) -> CaseInsensitiveDict[str]:
        made = self.__dict__.get("_headers")
        if made is None:
            made = self.__dict__["_headers"] = CaseInsensitiveDict(self._sent_headers)
        return made  # type: ignore[no-any-return]

    @headers.setter
    def headers(self, value: Any) -> None:
        if value is not None:
            self.__dict__["_headers"] = value


def _keep_cookies(response: requests.Response, request: requests.PreparedRequest,
                  fields: list[tuple[str, str]]) -> None:
    """Put the response's Set-Cookie cookies in ``response.cookies``, as requests does."""
    message = http.client.HTTPMessage()
    for name, value in fields:
        message[name] = value
    holder = SimpleNamespace(_original_response=SimpleNamespace(msg=message))
    extract_cookies_to_jar(response.cookies, request, holder)  # type: ignore[no-untyped-call]


#: Body framings.
_NONE, _LENGTH, _CHUNKED, _UNTIL_CLOSE = range(4)


def _framing(method: str, status: int, headers: Mapping[str, str]) -> tuple[int, int]:
    if status == 101:
        return _UNTIL_CLOSE, -1
    if method == "HEAD" or status in _NO_BODY_STATUS or 100 <= status < 200:
        return _NONE, 0
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return _CHUNKED, -1
    length = headers.get("content-length")
    if length is not None:
        try:
            size = int(length.split(",")[0])
        except ValueError:
            raise urllib3.exceptions.ProtocolError(
                f"invalid Content-Length from the daemon: {length!r}") from None
        if size >= 0:
            return _LENGTH, size
    return _UNTIL_CLOSE, -1


class _Decoder:
    """gzip (of one or more members) or deflate (zlib-wrapped or raw), as urllib3 decodes them."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding != "deflate"
        self._first = True
        self._object = zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)

    def decode(self, data: bytes) -> bytes:
        try:
            return self._decode(data)
        except zlib.error as exc:
            raise urllib3.exceptions.ProtocolError(
                f"the daemon's compressed body is corrupt: {exc}") from exc

    def _decode(self, data: bytes) -> bytes:
        if not self._gzip and self._first:
            self._first = False
            try:
                return self._object.decompress(data)
            except zlib.error:  # no zlib wrapper: raw deflate
                self._object = zlib.decompressobj(-zlib.MAX_WBITS)
        out = [self._object.decompress(data)]
        while self._gzip and self._object.eof and self._object.unused_data:
            rest = self._object.unused_data
            self._object = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out.append(self._object.decompress(rest))
        return b"".join(out)

    def flush(self) -> bytes:
        return self._object.flush()


class WireBody:
    """The body of a response on the wire lane, read in large blocks: a streamed ``response.raw``.

    It offers what ``requests.Response`` and ``streams`` use of a urllib3 response (``read``,
    ``stream``, ``close``, ``release_conn``, ``shutdown``) plus :meth:`iter_blocks`, the fast
    reader. Read to its end, a keep-alive connection goes back to the pool; closed before that,
    it is closed.
    """

    def __init__(self, pool: Any, conn: Any, sock: Any, buffered: bytes, kind: int, length: int,
                 keep_alive: bool, encoding: str | None) -> None:
        self._pool = pool
        self._conn = conn
        self.sock = sock
        self._buffered = buffered
        self._kind = kind
        self._remaining = length  # bytes of a _LENGTH body still to come
        self._keep_alive = keep_alive
        self._done = kind == _NONE
        self._released = False
        self._lock = threading.Lock()
        self._received = 0
        encoding = (encoding or "").strip().lower()
        self._decoder = _Decoder(encoding) if encoding in ("gzip", "x-gzip", "deflate") else None
        if self._done:
            if buffered:
                self._keep_alive = False  # bytes nobody asked for: do not reuse
            self._finish()

    # -- what requests and streams use -----------------------------------------------------------

    chunked = False
    decode_content = True

    @property
    def connection(self) -> Any:
        return self._conn

    @property
    def upgraded(self) -> bool:
        """Whether this is the raw connection behind a ``101`` (attach, exec)."""
        return self._kind == _UNTIL_CLOSE

    def tell(self) -> int:
        return self._received

    def iter_blocks(self, size: int = STREAM_READ_SIZE) -> Generator[bytes, None, None]:
        """Yield the body as it arrives, one item per socket read (never empty, at most ``size``
        bytes, reads of at most 256 KiB).

        Raises:
            urllib3.exceptions.ProtocolError: the connection ended before the body did, or the
                chunked framing is broken.
            socket.timeout, OSError: from the socket.
        """
        if self._done:
            return
        # Larger reads gain nothing and cost an allocation (an mmap) each.
        size = min(size, STREAM_READ_SIZE)
        if self._kind == _CHUNKED:
            blocks = self._chunked(size)
        elif self._kind == _LENGTH:
            blocks = self._sized(size)
        else:
            blocks = self._until_close(size)
        decoder = self._decoder
        for block in blocks:
            self._received += len(block)
            if decoder is not None:
                block = decoder.decode(block)
                if not block:
                    continue
            if len(block) > size:  # bytes read with the head, or a decoder's output
                for start in range(0, len(block), size):
                    yield block[start:start + size]
                continue
            yield block
        if decoder is not None:
            tail = decoder.flush()
            if tail:
                yield tail
        self._done = True
        self._finish()

    def read_all(self) -> bytes:
        return b"".join(self.iter_blocks(_SMALL_READ))

    def stream(self, amt: int = STREAM_READ_SIZE, decode_content: bool | None = None) -> Iterator[bytes]:
        return self.iter_blocks(amt or STREAM_READ_SIZE)

    def read(self, amt: int | None = None, decode_content: bool | None = None) -> bytes:
        if amt is None or amt < 0:
            return self.read_all()
        if not hasattr(self, "_reader"):
            self._reader: Iterator[bytes] = self.iter_blocks(max(amt, 1))
            self._pending = b""
        data = self._pending
        while len(data) < amt:
            block = next(self._reader, b"")
            if not block:
                break
            data += block
        self._pending = data[amt:]
        return data[:amt]

    def take_over(self) -> tuple[Any, bytes] | None:
        """Hand the socket and the bytes read past the head to a hijacking caller.

        None if the body was read or the connection released: there is nothing to take over.
        """
        if self._done or self._released:
            return None
        buffered, self._buffered = self._buffered, b""
        self._keep_alive = False
        _clear_kernel_timeout(self._conn, self.sock)
        return self.sock, buffered

    def shutdown(self) -> None:
        """Shut the socket down so that a read blocked in another thread returns."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self) -> None:
        if not self._done:
            self._keep_alive = False
        self._finish()

    def release_conn(self) -> None:
        if self._done:
            self._finish()

    def closed(self) -> bool:
        return self._released

    # -- framings --------------------------------------------------------------------------------

    def _read(self, size: int) -> bytes:
        """One read of the socket (``b""`` at its end), its failures as urllib3 reports them."""
        try:
            data: bytes = self.sock.recv(size)
        except (socket.timeout, TimeoutError):
            raise
        except BlockingIOError as exc:  # the kernel's timeout (see _set_timeout)
            raise socket.timeout("timed out") from exc
        except OSError as exc:
            raise urllib3.exceptions.ProtocolError(f"Connection broken: {exc!r}", exc) from exc
        return data

    def _recv(self, size: int) -> bytes:
        """One read of a body that must go on: its end is an error."""
        data = self._read(size)
        if not data:
            raise urllib3.exceptions.ProtocolError(
                "Connection broken: the daemon closed the connection before the body ended")
        return data

    def _sized(self, size: int) -> Iterator[bytes]:
        remaining = self._remaining
        data, self._buffered = self._buffered, b""
        if len(data) > remaining:
            self._keep_alive = False
            data = data[:remaining]
        if data:
            remaining -= len(data)
            self._remaining = remaining
            yield data
        recv = self._recv
        while remaining > 0:
            data = recv(min(size, remaining))
            remaining -= len(data)
            self._remaining = remaining
            yield data

    def _until_close(self, size: int) -> Iterator[bytes]:
        self._keep_alive = False
        data, self._buffered = self._buffered, b""
        if data:
            yield data
        read = self._read
        while True:
            data = read(size)
            if not data:
                return
            yield data

    def _chunked(self, size: int) -> Iterator[bytes]:
        """Decode chunked framing in bulk: each read's complete chunks come out as one item."""
        data, self._buffered = self._buffered, b""
        recv = self._recv
        left = 0  # bytes of the current chunk's payload still to come
        while True:
            if not data:
                data = recv(size)
            pos = 0
            end = len(data)
            out: list[Any] = []  # payload pieces: views of data, joined (one copy) at the end
            view = memoryview(data)
            while pos < end:
                if left > 0:
                    take = left if left <= end - pos else end - pos
                    out.append(view[pos:pos + take] if take != end else data)
                    pos += take
                    left -= take
                    if left:
                        break
                    left = -2  # the CRLF after the payload
                if left < 0:
                    if end - pos < -left:
                        # the CRLF is cut by the end of the read
                        left += end - pos
                        pos = end
                        break
                    pos -= left
                    left = 0
                    continue
                eol = data.find(_CRLF, pos)
                if eol < 0:
                    break
                text = data[pos:eol]
                try:
                    left = int(text.split(b";", 1)[0], 16)
                except ValueError:
                    left = -1
                if left < 0:
                    raise urllib3.exceptions.ProtocolError(
                        f"invalid chunk size {text[:40]!r} in the daemon's response")
                pos = eol + 2
                if left == 0:
                    if out:
                        yield b"".join(out)
                    self._buffered = data[pos:]
                    self._trailers()
                    return
            if out:
                yield out[0] if len(out) == 1 and out[0] is data else b"".join(out)
            data = data[pos:] if pos < end else b""
            if data and left == 0 and data.find(_CRLF) < 0:
                # a chunk-size line cut by the end of the read
                if len(data) > 1024:
                    raise urllib3.exceptions.ProtocolError(
                        f"invalid chunk size line {data[:40]!r} in the daemon's response")
                data += recv(size)

    def _trailers(self) -> None:
        """Skip the trailer section after the last chunk (normally just a CRLF)."""
        data = self._buffered
        while True:
            if data.startswith(_CRLF):
                self._buffered = data[2:]
                break
            end = data.find(_HEAD_END)
            if end >= 0:
                self._buffered = data[end + 4:]
                break
            if len(data) > _HEAD_LIMIT:
                raise urllib3.exceptions.ProtocolError("trailers too long")
            data += self._recv(STREAM_READ_SIZE)
        if self._buffered:
            self._keep_alive = False  # bytes nobody asked for: do not reuse

    def _finish(self) -> None:
        with self._lock:
            if self._released:
                return
            self._released = True
        conn = self._conn
        if not (self._done and self._keep_alive):
            conn.close()
        elif conn.sock is not None:
            _clear_kernel_timeout(conn, conn.sock)
        self._pool._put_conn(conn)
