"""The http+unix adapter: requests-unixsocket's connection, with one pool per socket.

requests-unixsocket keys its pools by the whole request URL, so every new path opened a new
connection; here every request to the socket shares one pool of ``max_pool_size`` connections.
Only the adapter hooks requests documents are overridden (``get_connection_with_tls_context``
since requests 2.32.2, ``get_connection`` before it).
"""
from __future__ import annotations

import socket
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
import requests_unixsocket
import urllib3
from requests_unixsocket.adapters import UnixHTTPConnection as _BaseUnixHTTPConnection


class UnixHTTPConnection(_BaseUnixHTTPConnection):
    """requests-unixsocket's connection, closing its socket when the connect fails."""

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(unquote(urlsplit(self.unix_socket_url).netloc))
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class UnixHTTPConnectionPool(urllib3.HTTPConnectionPool):
    """A pool of connections to one unix socket."""

    def __init__(self, socket_url: str, timeout: Any, maxsize: int) -> None:
        super().__init__("localhost", timeout=timeout, maxsize=maxsize)
        self.socket_url = socket_url
        self.socket_timeout = timeout

    def _new_conn(self) -> urllib3.connection.HTTPConnection:
        return UnixHTTPConnection(self.socket_url, self.socket_timeout)


class UnixHTTPAdapter(requests_unixsocket.UnixAdapter):
    """Sends every ``http+unix://`` request to one socket through one shared pool.

    Args:
        socket_url: ``http+unix://`` followed by the percent-quoted socket path.
        timeout: the socket timeout for connecting (requests' ``timeout`` governs each call).
        pool_connections: kept for docker-py's signature; there is one pool.
        max_pool_size: connections kept open for reuse.
    """

    def __init__(self, socket_url: str, timeout: Any = 60, pool_connections: int = 25,
                 max_pool_size: int = 10) -> None:
        super().__init__(timeout=timeout, pool_connections=pool_connections)
        self.socket_url = socket_url
        self.max_pool_size = max_pool_size
        self._pool = UnixHTTPConnectionPool(socket_url, timeout, max_pool_size)

    @property
    def pool(self) -> UnixHTTPConnectionPool:
        """The one pool of connections to the socket."""
        return self._pool

    def get_connection_with_tls_context(self, request: requests.PreparedRequest, verify: Any,
                                        proxies: Any = None, cert: Any = None) -> Any:
        return self._pool

    def get_connection(self, url: Any, proxies: Any = None) -> Any:
        return self._pool

    def close(self) -> None:
        self._pool.close()
        super().close()
