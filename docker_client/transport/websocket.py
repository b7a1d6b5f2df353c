"""WebSocket connections to the daemon (``attach/ws``), opened on the transport's own sockets.

websocket-client does the handshake and the framing; the socket comes from the adapter the
client mounted, so unix sockets, TCP, TLS (with the client's certificates) and ssh all work.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from ..errors import DockerConnectionError, DockerException
from .adapter import DockerAdapter, TCPAdapter, split_timeout

if TYPE_CHECKING:
    import websocket

__all__ = ["open_websocket"]

_BYTES_WEBSOCKET: Any = None


def _bytes_websocket(websocket: Any) -> Any:
    """websocket-client's ``WebSocket`` whose ``recv()`` gives bytes for every data frame.

    Daemons before API 1.28 send the output in text frames, which websocket-client's own
    ``recv()`` decodes to ``str``; docker_client's answer is bytes at every version."""
    global _BYTES_WEBSOCKET
    if _BYTES_WEBSOCKET is None:
        data_frames = (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY)

        class BytesWebSocket(websocket.WebSocket):  # type: ignore[misc]
            def recv(self) -> bytes:
                with self.readlock:
                    opcode, data = self.recv_data()
                if opcode not in data_frames:
                    return b""
                return data.encode("utf-8") if isinstance(data, str) else bytes(data)

        _BYTES_WEBSOCKET = BytesWebSocket
    return _BYTES_WEBSOCKET


def open_websocket(session: requests.Session, url: str, timeout: Any) -> websocket.WebSocket:
    """A ``websocket.WebSocket`` for ``url`` (the ``http``-style URL of the endpoint).

    Raises:
        websocket.WebSocketBadStatusException: the daemon refused the handshake (the caller
            makes the APIError of it).
        DockerConnectionError: the connection or the handshake failed.
        DockerException: websocket-client is missing, or the address has no adapter of ours.
    """
    try:
        import websocket
    except ImportError as exc:
        raise DockerException("attach_socket(ws=True) needs the websocket-client package "
                              "(pip install websocket-client)") from exc
    adapter = session.get_adapter(url)
    if not isinstance(adapter, DockerAdapter):
        raise DockerException(f"cannot open a WebSocket to {url}: no docker_client adapter serves it")
    parts = urlsplit(url)
    host = parts.netloc if isinstance(adapter, TCPAdapter) else "localhost"
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    sock = adapter.open_socket(url, session.verify, session.cert, timeout)
    try:
        connection = websocket.create_connection(
            f"ws://{host}{target}", timeout=split_timeout(timeout)[1], socket=sock,
            class_=_bytes_websocket(websocket))
    except websocket.WebSocketBadStatusException:
        sock.close()
        raise
    except (websocket.WebSocketException, OSError) as exc:
        sock.close()
        raise DockerConnectionError(
            f"cannot attach by WebSocket to the Docker daemon at {adapter.where}: {exc}") from exc
    connection.settimeout(None)  # as docker-py: wait for output as long as it takes
    return connection
