"""The requests adapters every call goes through: unix socket, TCP and TLS (ssh in ``ssh.py``).

Each is a ``requests.adapters.HTTPAdapter`` whose ``send`` speaks HTTP/1.1 on connections of its
own pool (``pool.py``, ``http11.py``) and answers with an ordinary ``requests.Response`` whose
``raw`` is a ``urllib3.HTTPResponse`` (content-codings decoded by urllib3). A request through a
proxy goes to requests' own ``HTTPAdapter.send`` (urllib3's proxy support); when a test library
has replaced ``HTTPAdapter.send`` (``responses``), every request goes to the replacement.
"""
from __future__ import annotations

import http.client
import logging
import os
import ssl
import threading
import time
import types
from datetime import timedelta
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

import requests
import requests.adapters
from requests.cookies import extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict
from requests.utils import DEFAULT_CA_BUNDLE_PATH, get_encoding_from_headers, select_proxy
from urllib3.response import HTTPResponse

from ..errors import DockerException
from .failures import ConnectFailure, translate
from .http11 import Body, Head
from .pool import ConnectionPool, open_tcp, open_unix, wrap_tls

__all__ = ["Answer", "DockerAdapter", "DockerResponse", "HeadTimeout", "TCPAdapter",
           "UnixHTTPAdapter", "split_timeout"]

log = logging.getLogger("docker_client.transport")

_GENUINE_SEND = "HTTPAdapter.send"


class HeadTimeout(tuple):  # type: ignore[type-arg]
    """``(connect, read)`` for a streaming call: ``read`` limits the wait for the answer's head,
    and the body then has no limit (a log followed, events, a pull). Other adapters see a plain
    ``(connect, read)`` tuple."""

    def __new__(cls, connect: float | None, read: float | None) -> HeadTimeout:
        return super().__new__(cls, (connect, read))


def split_timeout(timeout: Any) -> tuple[float | None, float | None, float | None]:
    """``(connect, head, body)`` seconds from what requests accepts as ``timeout``.

    Raises:
        ValueError: a tuple of another length, as requests says it.
    """
    if timeout is None:
        return None, None, None
    if isinstance(timeout, tuple):
        try:
            connect, read = timeout
        except ValueError:
            raise ValueError(
                f"Invalid timeout {timeout}. Pass a (connect, read) timeout tuple, or a single "
                "float to set both timeouts to the same value.") from None
        return connect, read, None if isinstance(timeout, HeadTimeout) else read
    connect_timeout = getattr(timeout, "connect_timeout", None)
    if hasattr(timeout, "read_timeout"):  # a urllib3 Timeout
        read = timeout.read_timeout
        return connect_timeout, read, read
    return timeout, timeout, timeout


def _genuine_send() -> bool:
    """Whether ``HTTPAdapter.send`` is requests' own (not replaced by a test library)."""
    send = requests.adapters.HTTPAdapter.send
    code = getattr(send, "__code__", None)
    return (isinstance(send, types.FunctionType) and send.__qualname__ == _GENUINE_SEND
            and code is not None and code.co_filename.replace("\\", "/").endswith(
                "requests/adapters.py"))


class DockerResponse(HTTPResponse):
    """urllib3's response over a :class:`~docker_client.transport.http11.Body` (``.body``)."""

    body: Body


class Answer(requests.Response):
    """A ``requests.Response`` from our adapters: ``body`` is the transport's reader, and ``raw``
    (the ``urllib3.HTTPResponse`` over it) is made the first time something asks for it."""

    body: Body | None = None
    _raw_value: Any = None
    _raw_args: tuple[Any, ...] | None = None

    @property  # type: ignore[override]
    def raw(self) -> Any:
        args = self._raw_args
        if args is not None:
            self._raw_args = None
            self._raw_value = _urllib3_response(*args)
        return self._raw_value

    @raw.setter
    def raw(self, value: Any) -> None:
        self._raw_args = None
        self._raw_value = value

    def close(self) -> None:
        if self._raw_args is not None and self.body is not None:  # raw never asked for
            self.body.close()
            return
        super().close()


def _urllib3_response(request: requests.PreparedRequest, head: Head, body: Body,
                      cookie_source: Any) -> DockerResponse:
    # urllib3 takes any file object as the body, and pairs as headers (its stubs say less)
    raw = DockerResponse(body=body, headers=head.fields,  # type: ignore[arg-type]
                         status=head.status, version=head.version, reason=head.reason,
                         preload_content=False, decode_content=True,
                         original_response=cookie_source, request_method=request.method,
                         request_url=request.url)
    raw.body = body
    return raw


class _CookieSource:
    """What requests' ``extract_cookies_to_jar`` reads (``_original_response.msg``) and urllib3
    calls (``isclosed``, ``close``) on an answer that sets cookies."""

    def __init__(self, fields: list[tuple[str, str]], body: Body) -> None:
        self.msg = http.client.HTTPMessage()
        for name, value in fields:
            self.msg[name] = value
        self._body = body

    def isclosed(self) -> bool:
        return self._body.isclosed()

    def close(self) -> None:
        self._body.close()


class DockerAdapter(requests.adapters.HTTPAdapter):
    """Base of the adapters: sends a prepared request on a pool, builds the response.

    Subclasses say which pool a request goes to (:meth:`pool_for`) and how the daemon is named
    in errors (:attr:`where`).
    """

    where = "the Docker daemon"

    def pool_for(self, request: requests.PreparedRequest, verify: Any,
                 cert: Any) -> ConnectionPool:
        raise NotImplementedError

    def uses_proxy(self, request: requests.PreparedRequest, proxies: Any) -> bool:
        return False

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        if not _genuine_send() or self.uses_proxy(request, proxies):
            send: Callable[..., requests.Response] = requests.adapters.HTTPAdapter.send
            return send(self, request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                        proxies=proxies)
        connect_timeout, head_timeout, body_timeout = split_timeout(timeout)
        started = time.perf_counter()
        method = request.method or "GET"
        path = request.path_url
        data = request.body
        if isinstance(data, str):  # sent as UTF-8 (requests before 2.30 counted characters)
            data = data.encode("utf-8")
            if "Content-Length" in request.headers:
                request.headers["Content-Length"] = str(len(data))
        body: Body | None = None
        try:
            pool = self.pool_for(request, verify, cert)
            head, body = pool.request(method, path, request.headers, data, connect_timeout,
                                      head_timeout)
            if body_timeout != head_timeout:
                body.settimeout(body_timeout)
            response = self.build(request, head, body)
            if not stream and not response.headers.get("content-encoding"):
                response._content = body.read()  # the body as is: no urllib3 read loop
                response._content_consumed = True  # type: ignore[attr-defined]
        except Exception as exc:
            if body is not None:
                body.close()  # its connection cannot be reused: close it now, not at collection
            translated = translate(exc, self.where_for(request))
            if translated is None or translated is exc:
                raise
            raise translated from exc
        elapsed = time.perf_counter() - started
        response.elapsed = timedelta(seconds=elapsed)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s -> %s %s (%.1f ms)", method, path, head.status, head.reason,
                      elapsed * 1000)
        return response

    def where_for(self, request: requests.PreparedRequest) -> str:
        return self.where

    def open_socket(self, url: str, verify: Any, cert: Any, timeout: Any) -> Any:
        """A new connection to the daemon (for a WebSocket), not taken from the pool.

        Raises:
            DockerConnectionError: it could not be opened (the cause named).
        """
        request = requests.PreparedRequest()
        request.url = url
        connect_timeout = split_timeout(timeout)[0]
        try:
            return self.pool_for(request, verify, cert).opener(connect_timeout)
        except Exception as exc:
            translated = translate(ConnectFailure(exc, self.where_for(request)),
                                   self.where_for(request))
            if isinstance(exc, DockerException) or translated is None:
                raise
            raise translated from exc

    def build(self, request: requests.PreparedRequest, head: Head, body: Body) -> requests.Response:
        """The ``requests.Response`` for an answer, as ``HTTPAdapter.build_response`` makes it."""
        fields = head.fields
        joined: dict[str, tuple[str, str]] = {}
        for name, value in fields:
            key = name.lower()
            first = joined.get(key)
            joined[key] = (first[0], f"{first[1]}, {value}") if first else (name, value)
        cookie_source = _CookieSource(fields, body) if "set-cookie" in joined else None
        response = Answer()
        response.body = body
        response._raw_args = (request, head, body, cookie_source)
        response.status_code = head.status
        response.headers = CaseInsensitiveDict(joined.values())
        response.encoding = get_encoding_from_headers(response.headers)
        response.reason = head.reason
        response.url = request.url or ""
        response.request = request
        response.connection = self
        if cookie_source is not None:
            extract_cookies_to_jar(response.cookies, request, response.raw)  # type: ignore[no-untyped-call]
        return response

    def close(self) -> None:
        super().close()


class UnixHTTPAdapter(DockerAdapter):
    """Sends every request to one unix socket through one pool.

    Args:
        socket_url: ``http+unix://`` followed by the percent-quoted socket path.
        timeout: kept for docker-py's signature (each call's ``timeout`` governs it).
        pool_connections: kept for docker-py's signature; there is one pool.
        max_pool_size: connections kept open for reuse.
    """

    def __init__(self, socket_url: str, timeout: Any = 60, pool_connections: int = 25,
                 max_pool_size: int = 10) -> None:
        super().__init__(pool_connections=pool_connections, pool_maxsize=max_pool_size)
        self.socket_url = socket_url
        self.timeout = timeout
        self.max_pool_size = max_pool_size
        path = unquote(urlsplit(socket_url).netloc) if "://" in socket_url else socket_url
        self.socket_path = path
        self.where = path
        self._pool = ConnectionPool(lambda t: open_unix(path, t), "localhost", path,
                                    max_pool_size)

    @property
    def pool(self) -> ConnectionPool:
        """The one pool of connections to the socket."""
        return self._pool

    def pool_for(self, request: requests.PreparedRequest, verify: Any,
                 cert: Any) -> ConnectionPool:
        return self._pool

    def close(self) -> None:
        self._pool.close()
        super().close()


class TCPAdapter(DockerAdapter):
    """Sends ``http://`` and ``https://`` requests, one pool per host and TLS settings.

    Args:
        assert_hostname: ``False`` to verify the daemon's certificate chain but not its name.
    """

    def __init__(self, pool_connections: int = 10, pool_maxsize: int = 10,
                 assert_hostname: bool | str | None = None) -> None:
        super().__init__(pool_connections=pool_connections, pool_maxsize=pool_maxsize)
        self.max_pool_size = pool_maxsize
        self.assert_hostname = assert_hostname
        self._pools: dict[tuple[Any, ...], ConnectionPool] = {}
        self._contexts: dict[tuple[Any, ...], ssl.SSLContext] = {}
        self._lock = threading.Lock()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "assert_hostname", None) is False:
            kwargs["assert_hostname"] = False
        super().init_poolmanager(*args, **kwargs)

    def uses_proxy(self, request: requests.PreparedRequest, proxies: Any) -> bool:
        return bool(proxies) and select_proxy(request.url or "", proxies) is not None

    def where_for(self, request: requests.PreparedRequest) -> str:
        parts = urlsplit(request.url or "")
        return f"{parts.scheme}://{parts.netloc}"

    def pool_for(self, request: requests.PreparedRequest, verify: Any,
                 cert: Any) -> ConnectionPool:
        parts = urlsplit(request.url or "")
        tls = parts.scheme == "https"
        key = (parts.scheme, parts.netloc, verify if tls else None, cert if tls else None)
        pool = self._pools.get(key)
        if pool is not None:
            return pool
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = self._new_pool(parts, tls, verify, cert)
        return pool

    def _new_pool(self, parts: Any, tls: bool, verify: Any, cert: Any) -> ConnectionPool:
        host = parts.hostname or "localhost"
        port = parts.port or (443 if tls else 80)
        where = f"{parts.scheme}://{parts.netloc}"
        # the Host header as http.client writes it: no port when it is the scheme's default
        named = f"[{host}]" if ":" in host else host
        host_header = named if port == (443 if tls else 80) else f"{named}:{port}"
        if not tls:
            return ConnectionPool(lambda t: open_tcp(host, port, t), host_header, where,
                                  self.max_pool_size)
        context = self._context(verify, cert)

        def opener(timeout: float | None) -> ssl.SSLSocket:
            return wrap_tls(open_tcp(host, port, timeout), context, host)

        return ConnectionPool(opener, host_header, where, self.max_pool_size)

    def _context(self, verify: Any, cert: Any) -> ssl.SSLContext:
        key = (verify, cert if not isinstance(cert, list) else tuple(cert), self.assert_hostname)
        context = self._contexts.get(key)
        if context is None:
            context = self._contexts[key] = tls_context(verify, cert, self.assert_hostname)
        return context

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()
        super().close()


def tls_context(verify: Any, cert: Any, assert_hostname: Any = None) -> ssl.SSLContext:
    """An SSL context for requests' ``verify`` and ``cert`` settings.

    Raises:
        OSError: a CA bundle or certificate file that cannot be read (requests says the same).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if verify is False:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    else:
        bundle = verify if isinstance(verify, str) else DEFAULT_CA_BUNDLE_PATH
        if os.path.isdir(bundle):
            context.load_verify_locations(capath=bundle)
        else:
            context.load_verify_locations(cafile=bundle)
        context.check_hostname = assert_hostname is not False
    if cert:
        if isinstance(cert, (tuple, list)):
            context.load_cert_chain(cert[0], cert[1])
        else:
            context.load_cert_chain(cert)
    return context
