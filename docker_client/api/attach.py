"""Attach endpoints: a container's output as docker-py returns it, and its raw connection
(HTTP or WebSocket). ``attach_duplex`` goes further: a :class:`~docker_client.streams.Duplex`
to write the container's stdin and read its output at once, with its exit code.
"""
from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Literal, Mapping, Tuple, Union, overload
from urllib.parse import urlencode

import requests

from .. import streams, transport
from ..errors import (
    APIError,
    DockerException,
    create_api_error_from_response,
)
from ..utils.resources import resource_id
from ._base import ApiMixin

if TYPE_CHECKING:
    import websocket

    from ..env import DaemonAddress

#: A container: its id or name, or a dict with its ``Id``.
Container = Union[str, Mapping[str, Any]]
#: What docker-py's ``demux=True`` gives: ``(stdout, stderr)``, each None when absent.
Demuxed = Tuple[Union[bytes, None], Union[bytes, None]]

_DEFAULT_SOCKET_PARAMS = {"stdout": 1, "stderr": 1, "stream": 1}


class AttachApiMixin(ApiMixin):
    if TYPE_CHECKING:
        _address: DaemonAddress
        verify: Any
        cert: Any

        def get_adapter(self, url: str) -> Any: ...

    @overload
    def attach(self, container: Container, stdout: bool = ..., stderr: bool = ...,
               stream: Literal[False] = ..., logs: bool = ...,
               demux: Literal[False] = ...) -> bytes: ...

    @overload
    def attach(self, container: Container, stdout: bool = ..., stderr: bool = ...,
               stream: Literal[False] = ..., logs: bool = ..., *,
               demux: Literal[True]) -> Demuxed: ...

    @overload
    def attach(self, container: Container, stdout: bool = ..., stderr: bool = ..., *,
               stream: Literal[True], logs: bool = ...,
               demux: Literal[False] = ...) -> streams.Stream[bytes]: ...

    @overload
    def attach(self, container: Container, stdout: bool = ..., stderr: bool = ..., *,
               stream: Literal[True], logs: bool = ...,
               demux: Literal[True]) -> streams.Stream[Demuxed]: ...

    @overload
    def attach(self, container: Container, stdout: bool = ..., stderr: bool = ...,
               stream: bool = ..., logs: bool = ..., demux: bool = ...) -> Any: ...

    def attach(self, container: Container, stdout: bool = True, stderr: bool = True,
               stream: bool = False, logs: bool = False, demux: bool = False) -> Any:
        """A container's output (``POST /containers/{id}/attach``).

        Reading waits as long as the container runs: there is no read timeout (as in
        docker-py). A TTY container's output is read as it is (all of it stdout).

        Args:
            container: the container's id or name.
            stdout: include its stdout.
            stderr: include its stderr.
            stream: follow the output as it comes, until the container stops; as a stream.
            logs: include the output it wrote before.
            demux: keep stdout and stderr apart: ``(stdout, stderr)`` pairs.

        Returns:
            All the output, ``bytes`` (with ``demux`` a pair ``(stdout, stderr)``, each None if
            empty); with ``stream`` a :class:`~docker_client.streams.Stream` of ``bytes`` (with
            ``demux`` of ``(stdout, None)``/``(None, stderr)`` pairs).

        Raises:
            NotFound: no such container.
            StreamInterrupted: the connection broke before the output ended.

        Example:
            >>> for out, err in client.attach(container, stream=True, demux=True):
            ...     print(out or err)
        """
        ident = resource_id(container)
        tty = self._attach_tty(ident)
        params = self._params(logs=logs, stdout=stdout, stderr=stderr, stream=stream)
        sock = self._open_attach(ident, params)
        return streams.read_hijacked(sock, tty=_is_raw(sock, tty), stream=stream, demux=demux)

    @overload
    def attach_socket(self, container: Container, params: Mapping[str, Any] | None = ...,
                      ws: Literal[False] = ...) -> streams.HijackedSocket: ...

    @overload
    def attach_socket(self, container: Container, params: Mapping[str, Any] | None = ...,
                      *, ws: Literal[True]) -> websocket.WebSocket: ...

    @overload
    def attach_socket(self, container: Container, params: Mapping[str, Any] | None,
                      ws: Literal[True]) -> websocket.WebSocket: ...

    @overload
    def attach_socket(self, container: Container, params: Mapping[str, Any] | None = ...,
                      ws: bool = ...) -> streams.HijackedSocket | websocket.WebSocket: ...

    def attach_socket(self, container: Container, params: Mapping[str, Any] | None = None,
                      ws: bool = False) -> streams.HijackedSocket | websocket.WebSocket:
        """Attach to a container and return the connection, to read and write it yourself.

        Args:
            container: the container's id or name.
            params: the query: ``stdin``, ``stdout``, ``stderr``, ``stream``, ``logs``,
                ``detachKeys`` (from ``config.json`` unless given). Default: stdout, stderr and
                stream.
            ws: attach by WebSocket (``GET /containers/{id}/attach/ws``, needs websocket-client)
                rather than by hijacked HTTP; over unix sockets, TCP, TLS and ssh.

        Returns:
            A :class:`~docker_client.streams.HijackedSocket` (socket-like: ``recv``,
            ``sendall``, ``shutdown``...; multiplexed frames unless the container has a TTY),
            or with ``ws`` a ``websocket.WebSocket`` (the output as it is, in messages: ``recv()``
            gives bytes at every API version, also where the daemon sends text frames). Close
            it when done.

        Raises:
            NotFound: no such container.
            DockerException: ``ws`` without websocket-client.
        """
        ident = resource_id(container)
        query = dict(params or _DEFAULT_SOCKET_PARAMS)
        if "detachKeys" not in query and "detachKeys" in self._general_configs:
            query["detachKeys"] = self._general_configs["detachKeys"]
        if ws:
            return self._attach_websocket(ident, query)
        return self._open_attach(ident, self._params(**query))

    def attach_duplex(self, container: Container, stdout: bool = True, stderr: bool = True,
                      stdin: bool = True, logs: bool = False,
                      detach_keys: str | None = None) -> streams.Duplex:
        """Attach to a container's stdin and output together, as one object.

        Attach before starting the container to miss none of its output. For
        :meth:`~docker_client.streams.Duplex.close_stdin` to end the container's input, create
        it with ``stdin_open=True`` and ``stdin_once=True``. The duplex's ``wait()`` returns the
        container's exit code (``POST /containers/{id}/wait``).

        Args:
            container: the container's id or name.
            stdout: include its stdout.
            stderr: include its stderr.
            stdin: attach its stdin.
            logs: first the output it wrote before.
            detach_keys: the key sequence that detaches a TTY container; the ``detachKeys`` of
                ``config.json`` by default.

        Returns:
            A :class:`~docker_client.streams.Duplex`; close it (or use ``with``) when done.

        Raises:
            NotFound: no such container.

        Example:
            >>> container = client.create_container(image, ["cat"], stdin_open=True, stdin_once=True)
            >>> with client.attach_duplex(container) as cat:
            ...     client.start(container)
            ...     cat.communicate(b"hello"), cat.wait()
            ((b'hello', b''), 0)
        """
        ident = resource_id(container)
        tty = self._attach_tty(ident)
        keys = detach_keys or self._general_configs.get("detachKeys")
        params = self._params(stream=True, stdin=stdin, stdout=stdout, stderr=stderr, logs=logs,
                              detachKeys=keys or None)
        sock = self._open_attach(ident, params)
        return streams.Duplex(
            sock, tty=_is_raw(sock, tty), name=f"container {ident[:12]}",
            get_exit_code=lambda timeout: self._container_exit_code(ident, timeout),
        )

    # -- helpers ------------------------------------------------------------------------------

    def _attach_tty(self, container: str) -> bool | None:
        """Whether the container has a TTY; None where the answer's Content-Type will say."""
        if self._supports("POST /containers/{id}/attach Content-Type"):
            return None
        info = self._result(self._get(self._url("/containers/{0}/json", container)), json=True)
        return bool((info.get("Config") or {}).get("Tty"))

    def _open_attach(self, container: str, params: Mapping[str, Any]) -> streams.HijackedSocket:
        url = self._url("/containers/{0}/attach", container)
        response = self._post(url, params=params, headers=streams.UPGRADE_HEADERS, stream=True)
        self._raise_for_status(response)
        return streams.hijack(response)

    def _container_exit_code(self, container: str, timeout: float | None) -> int:
        """The container's exit code, once it has stopped (``POST /containers/{id}/wait``)."""
        response = self._post(self._url("/containers/{0}/wait", container), timeout=timeout)
        return int(self._result(response, json=True)["StatusCode"])

    def _attach_websocket(self, container: str, params: Mapping[str, Any]) -> websocket.WebSocket:
        query = urlencode(self._params(**params))
        url = self._url("/containers/{0}/attach/ws", container)
        if query:
            url = f"{url}?{query}"
        try:
            return transport.open_websocket(self, url, self.timeout)  # type: ignore[arg-type]
        except DockerException:
            raise
        except Exception as exc:  # websocket-client's refused handshake
            if getattr(exc, "status_code", None) is None:
                raise
            raise self._named_refusal(_websocket_api_error(exc, url)) from None


def _is_raw(sock: streams.HijackedSocket, tty: bool | None) -> bool:
    """Whether the attached output is a TTY's: known, or told by the answer's Content-Type."""
    if tty is not None:
        return tty
    return sock.response.headers.get("Content-Type", "") != streams.MULTIPLEXED_STREAM


def _websocket_api_error(exc: Any, url: str) -> APIError:
    """The :class:`APIError` for a refused WebSocket handshake, as for any other answer."""
    response = requests.Response()
    response.status_code = int(exc.status_code)
    # websocket-client before 1.8 has no status_message; before 1.1 no resp_body
    response.reason = getattr(exc, "status_message", None) or ""
    response.url = url
    response.request = requests.Request("GET", url).prepare()
    response.headers.update(getattr(exc, "resp_headers", None) or {})
    body = getattr(exc, "resp_body", None) or b""
    response.raw = io.BytesIO(body.encode() if isinstance(body, str) else body)
    return create_api_error_from_response(response)
