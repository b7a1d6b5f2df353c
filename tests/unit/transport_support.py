"""Helpers shared by test_transport.py and test_transport_failures.py: scripted servers
(``SockServer`` from sockserver.py, and an echoing keep-alive server), clients over them, what a
plain ``requests.Session`` with requests' own adapters sends, and a check for leaked sockets."""
from __future__ import annotations

import contextlib
import gc
import json
import socket
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Iterator, Sequence

import requests
import requests_unixsocket
import urllib3
from hypothesis import HealthCheck, settings

from docker_client import Client

from .sockserver import Reply, SockServer, chunked_body, head

#: hypothesis settings of the socket-level property tests (each example runs a server).
FEW = settings(deadline=None, database=None, max_examples=60,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

#: urllib3 2 (with requests 2.32+); the oldrequests environment has urllib3 1.26.
MODERN_URLLIB3 = int(urllib3.__version__.split(".")[0]) >= 2


def keep(*parts: bytes | float) -> Reply:
    """A reply after which the server keeps the connection open for the next request."""
    return Reply(list(parts), end="keep")


def ok_json(document: Any, status: int = 200, headers: dict[str, str] | None = None) -> bytes:
    """A complete answer with a JSON body and its Content-Length."""
    body = json.dumps(document).encode()
    return head(status, {"Content-Type": "application/json", **(headers or {})},
                length=len(body)) + body


def header_lines(raw_head: bytes) -> list[bytes]:
    """A request head's header lines (without the request line and the blank line)."""
    return raw_head.split(b"\r\n")[1:-2]


def split_at(data: bytes, cuts: Sequence[int]) -> list[bytes]:
    """``data`` cut at the given offsets (empty pieces left out)."""
    bounds = [0, *sorted(set(cuts)), len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def generator(*blocks: Any) -> Iterator[Any]:
    """A request body of unknown length (sent chunked)."""
    yield from blocks


def dechunk(raw: bytes) -> bytes:
    """The payload of a chunked request body."""
    out = b""
    while True:
        line, _, raw = raw.partition(b"\r\n")
        size = int(line.split(b";")[0], 16)
        if not size:
            return out
        out += raw[:size]
        raw = raw[size + 2:]


def base_url(server: Any) -> str:
    """The ``base_url`` of a Client for a server (``unix_path`` set for a unix socket)."""
    path = getattr(server, "unix_path", None)
    if path is not None:
        return "unix://" + path
    return f"tcp://127.0.0.1:{server.port}"


class ServerFactory:
    """Makes servers on TCP or on unix sockets in ``directory``; stops them all at the end and
    checks that their threads raised nothing."""

    def __init__(self, transport: str, directory: str) -> None:
        self.transport = transport
        self.directory = directory
        self.servers: list[SockServer] = []

    def path(self, name: str) -> str:
        return str(Path(self.directory) / name)

    def __call__(self, *replies: Reply, unix: bool | None = None,
                 unix_path: str | None = None) -> SockServer:
        use_unix = self.transport == "unix" if unix is None else unix
        if use_unix and unix_path is None:
            unix_path = self.path(f"s{len(self.servers)}.sock")
        server = SockServer(*replies, unix_path=unix_path if use_unix else None).start()
        server.unix_path = unix_path if use_unix else None  # type: ignore[attr-defined]
        self.servers.append(server)
        return server

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        for server in self.servers:
            assert server.errors == []

    @classmethod
    def running(cls, transport: str, directory: str) -> Iterator[ServerFactory]:
        """The body of a ``make_server`` fixture."""
        factory = cls(transport, directory)
        try:
            yield factory
        finally:
            factory.stop()


class ClientFactory:
    """Makes clients (version 1.41, timeout 10 unless told) and closes them at the end."""

    def __init__(self) -> None:
        self.clients: list[Client] = []

    def __call__(self, server: Any, cls: type[Client] = Client, **kwargs: Any) -> Client:
        kwargs.setdefault("timeout", 10)
        kwargs.setdefault("version", "1.41")
        client = cls(base_url=kwargs.pop("base_url", None) or base_url(server), **kwargs)
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()

    @classmethod
    def running(cls) -> Iterator[ClientFactory]:
        """The body of a ``make_client`` fixture."""
        factory = cls()
        try:
            yield factory
        finally:
            factory.close()


def temporary_directory() -> Iterator[str]:
    """The body of a ``sockdir`` fixture: a short directory path (unix socket paths are short)."""
    with tempfile.TemporaryDirectory(prefix="dct") as directory:
        yield directory


def genuine_session(client: Client) -> requests.Session:
    """A ``requests.Session`` with requests' own adapters (urllib3's HTTP; requests-unixsocket's
    for ``http+unix://``) and the client's session headers: what requests itself sends."""
    session = requests.Session()
    session.trust_env = False
    session.mount("http+unix://", requests_unixsocket.UnixAdapter())
    session.headers = requests.structures.CaseInsensitiveDict(client.headers)
    return session


@contextlib.contextmanager
def no_resource_warnings() -> Iterator[None]:
    """Fail if a socket (or anything else) was left for the garbage collector to close."""
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


@contextlib.contextmanager
def resource_warnings_ignored() -> Iterator[None]:
    """Run a block whose leaked sockets are reported by another test (see the xfail there), so
    that the garbage collector's warnings do not fail whichever test happens to run next."""
    gc.collect()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield
        gc.collect()


class EchoServer:
    """A keep-alive HTTP/1.1 server answering each request with a JSON echo of it.

    A target containing ``chunked`` gets a chunked answer, one containing ``close`` gets
    ``Connection: close`` and the connection closed. ``overlaps`` counts requests that arrived
    on a connection before the previous one was answered (two users of one connection).
    """

    def __init__(self, unix_path: str | None = None) -> None:
        self.unix_path = unix_path
        family = socket.AF_UNIX if unix_path else socket.AF_INET
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        self.listener.bind(unix_path or ("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.05)
        self.port = 0 if unix_path else self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.connections = 0
        self.overlaps = 0
        self.errors: list[BaseException] = []
        self.socks: list[socket.socket] = []
        self.threads: list[threading.Thread] = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> EchoServer:
        self.acceptor.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self.acceptor.join(5)
        self.listener.close()
        for thread in list(self.threads):
            thread.join(5)
        for sock in self.socks:
            sock.close()
        if self.unix_path:
            Path(self.unix_path).unlink(missing_ok=True)
        assert self.errors == []

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.connections += 1
                number = self.connections
                self.socks.append(sock)
            thread = threading.Thread(target=self._serve, args=(sock, number), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _recv(self, sock: socket.socket) -> bytes:
        while not self.stopping.is_set():
            try:
                return sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return b""
        return b""

    def _serve(self, sock: socket.socket, number: int) -> None:
        try:
            sock.settimeout(0.05)
            buffer = b""
            sequence = 0
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = self._recv(sock)
                    if not data:
                        return
                    buffer += data
                request_head, _, buffer = buffer.partition(b"\r\n\r\n")
                lines = request_head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ")
                headers = [line.split(": ", 1) for line in lines[1:]]
                length = sum(int(v) for k, v in headers if k.lower() == "content-length")
                while len(buffer) < length:
                    data = self._recv(sock)
                    if not data:
                        return
                    buffer += data
                body, buffer = buffer[:length], buffer[length:]
                if buffer:
                    with self.lock:
                        self.overlaps += 1
                sequence += 1
                document = json.dumps({"method": method, "target": target, "headers": headers,
                                       "body": body.decode("latin-1"), "conn": number,
                                       "seq": sequence}).encode()
                closing = "close" in target
                extra = b"Connection: close\r\n" if closing else b""
                if "chunked" in target:
                    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra
                              + b"Transfer-Encoding: chunked\r\n\r\n"
                              + chunked_body(split_at(document, [3, len(document) // 2])))
                else:
                    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra
                              + b"Content-Length: %d\r\n\r\n" % len(document) + document)
                sock.sendall(answer)
                if closing:
                    return
        except BaseException as exc:  # noqa: B036 - reported to the test
            self.errors.append(exc)
        finally:
            sock.close()


def wait_until_server_closed(server: SockServer, timeout: float = 5.0) -> None:
    """Wait until the server has closed every connection it accepted (its handler threads ended),
    so that a test does not race the server's close with its next request."""
    deadline = time.monotonic() + timeout
    while any(thread.is_alive() for thread in server._handlers):
        assert time.monotonic() < deadline, "the server kept a connection open"
        time.sleep(0.005)
