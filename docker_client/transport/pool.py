"""Connections to one daemon address: opened on demand, kept for reuse, checked before reuse.

A request is sent again only when that is safe: a ``GET``/``HEAD``/``OPTIONS``/``TRACE`` with
no streamed body whose reused connection turned out closed before any byte of the answer came
(Go's net/http rule). A ``POST`` whose bytes were written is never sent twice.
"""
from __future__ import annotations

import logging
import socket
import ssl
import threading
from typing import Any, Callable

from ..errors import DockerException
from .failures import ConnectFailure, ResponseLost
from .http11 import Body, Connection, Head, RequestBody, request_head

__all__ = ["ConnectionPool", "open_tcp", "open_unix", "wrap_tls"]

log = logging.getLogger(__name__)

#: Methods a request may be repeated with when its connection was found closed.
_REPLAYABLE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def open_unix(path: str, timeout: float | None) -> socket.socket:
    """A socket connected to the unix socket at ``path``."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(path)
    except BaseException:
        sock.close()
        raise
    return sock


def open_tcp(host: str, port: int, timeout: float | None) -> socket.socket:
    """A TCP socket connected to ``host:port``, Nagle off (requests are written in one piece)."""
    sock = socket.create_connection((host, port), timeout)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass
    return sock


def wrap_tls(sock: socket.socket, context: ssl.SSLContext, host: str) -> ssl.SSLSocket:
    """``sock`` with the TLS handshake done (the hostname checked when the context says so)."""
    try:
        return context.wrap_socket(sock, server_hostname=host)
    except BaseException:
        sock.close()
        raise


class ConnectionPool:
    """Connections to one address, at most ``maxsize`` of them kept idle for reuse.

    Args:
        opener: opens a connected socket, given the connect timeout.
        host_header: the ``Host`` header requests carry.
        target: the address, as error messages name it.
        maxsize: idle connections kept.
    """

    def __init__(self, opener: Callable[[float | None], Any], host_header: str, target: str,
                 maxsize: int = 10) -> None:
        self.opener = opener
        self.host_header = host_header
        self.target = target
        self.maxsize = max(1, int(maxsize))
        self.opened = 0
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def _acquire(self, connect_timeout: float | None) -> tuple[Connection, bool]:
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                break
            if conn.dropped():
                conn.close()
                continue
            return conn, True
        try:
            sock = self.opener(connect_timeout)
        except DockerException:
            raise
        except (OSError, ValueError) as exc:
            raise ConnectFailure(exc, self.target) from exc
        with self._lock:
            self.opened += 1
        return Connection(sock, self), False

    def put(self, conn: Connection) -> None:
        """Take back a connection whose answer was read to its end."""
        with self._lock:
            if not self._closed and len(self._idle) < self.maxsize:
                self._idle.append(conn)
                return
        conn.close()

    def discard(self, conn: Connection) -> None:
        """Close a connection that cannot be reused."""
        conn.close()

    def request(self, method: str, target: str, headers: Any, data: Any,
                connect_timeout: float | None, read_timeout: float | None) -> tuple[Head, Body]:
        """Send one request; the answer's head and its body.

        Raises:
            ConnectFailure: no connection could be opened (nothing was sent).
            ResponseLost: the connection ended before any byte of the answer.
            OSError, BadResponse: from the exchange.
        """
        body = RequestBody(data)
        chunked = "chunked" in str(headers.get("Transfer-Encoding", "")).lower()
        head = request_head(method, target, headers, self.host_header)
        attempt = 0
        while True:
            attempt += 1
            conn, reused = self._acquire(connect_timeout)
            try:
                return conn.exchange(method, head, body, chunked, read_timeout)
            except ResponseLost:
                self.discard(conn)
                if (reused and attempt == 1 and method in _REPLAYABLE and body.replayable
                        and not body.started):
                    log.debug("%s %s: the reused connection was closed; sending again on a new "
                              "one", method, target)
                    continue
                raise
            except BaseException:
                self.discard(conn)
                raise

    def close(self) -> None:
        """Close the idle connections (the pool stays usable)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
