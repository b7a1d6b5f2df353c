"""The BuildKit session endpoint: a connection the daemon takes over to call back into the client
(gRPC over HTTP/2, with the daemon as the gRPC client). Deprecated by the daemon since API 1.53.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Iterable, Optional

import requests

from .. import streams, transport
from ..errors import InvalidArgument, InvalidType
from ._base import ApiMixin

if TYPE_CHECKING:
    from ..env import DaemonAddress

log = logging.getLogger(__name__)

#: The headers BuildKit's session manager reads (github.com/moby/buildkit, session/session.go).
_SESSION_ID_HEADER = "X-Docker-Expose-Session-Uuid"
_SESSION_NAME_HEADER = "X-Docker-Expose-Session-Name"
_SHARED_KEY_HEADER = "X-Docker-Expose-Session-Sharedkey"
_METHOD_HEADER = "X-Docker-Expose-Session-Grpc-Method"


def _header_value(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidType(f"the session's {what} must be a string, not {value!r}")
    if any(c in value for c in "\r\n\0"):
        raise InvalidArgument(f"the session's {what} must be one line: {value!r}")
    return value


class SessionApiMixin(ApiMixin):
    if TYPE_CHECKING:
        _address: DaemonAddress

        def prepare_request(self, request: requests.Request) -> requests.PreparedRequest: ...

        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response: ...

    def session(self, session_id: str, shared_key: str = "", methods: Iterable[str] = (),
                name: Optional[str] = None) -> streams.HijackedSocket:
        """Open an interactive session with the daemon (``POST /session``) and return its connection.

        This is what BuildKit builds use to reach back into the client (for the build context,
        secrets, registry credentials...): the daemon takes the connection over and speaks
        HTTP/2 on it as a gRPC *client*, calling the gRPC ``methods`` announced here, which the
        caller serves (e.g. with the ``h2`` package) on the returned socket. Pass the same
        ``session_id`` to a build (``POST /build``'s ``session``) to use the session. The session
        lasts until the connection is closed.

        API 1.31 to 1.38 have the endpoint only on a daemon with experimental features enabled;
        from 1.39 on every daemon has it. Daemons deprecate it from API 1.53.

        Args:
            session_id: the session's unique id.
            shared_key: a key that sessions of the same client share (BuildKit uses it to
                reuse the build context cache between builds).
            methods: the gRPC methods the caller serves, as ``/package.Service/Method``, e.g.
                ``"/moby.filesync.v1.FileSync/DiffCopy"``; the daemon calls no other.
            name: a name for the session (read by daemons of API 1.38 and older only).

        Returns:
            The connection, a socket-like :class:`~docker_client.streams.HijackedSocket` whose
            first bytes are the daemon's HTTP/2 preface. Its timeout starts as the client's:
            ``settimeout(None)`` to wait for the daemon's calls without limit. Close it to end
            the session.

        Raises:
            InvalidVersion: before API 1.31.
            InvalidArgument: an id, key, name or method that is not a one-line string.
            APIError: the daemon refused the session (an id in use...).

        Example:
            >>> sock = client.session("4v1q0x9ln6ahd3hs0vc8oya2h", methods=["/grpc.health.v1.Health/Check"])
            >>> sock.recv(24)
            b'PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n'
        """
        self._require("POST /session")
        if not session_id:
            raise InvalidArgument("a session needs an id")
        headers = {
            "Connection": "Upgrade",
            "Upgrade": "h2c",
            _SESSION_ID_HEADER: _header_value(session_id, "id"),
            _SHARED_KEY_HEADER: _header_value(shared_key, "shared key"),
        }
        if name is not None:
            headers[_SESSION_NAME_HEADER] = _header_value(name, "name")
        announced = [_header_value(method, "gRPC method") for method in
                     ([methods] if isinstance(methods, str) else methods)]
        response = self._post_upgrade(self._url("/session"), headers, announced)
        self._raise_for_status(response)
        return streams.hijack(response)

    def _post_upgrade(self, url: str, headers: dict[str, str], methods: list[str]) -> requests.Response:
        """POST the upgrade request, with one ``X-Docker-Expose-Session-Grpc-Method`` line per method.

        The daemon reads each method from a header line of its own (a comma-separated list
        would be one method), which a requests header dict cannot hold: the transport gives the
        prepared request headers that keep repeated lines.
        """
        prepared = self.prepare_request(requests.Request("POST", url, headers=headers))
        if methods:
            prepared.headers = transport.repeated_headers(  # type: ignore[assignment]
                prepared.headers, _METHOD_HEADER, methods)
        with transport.map_errors(self._address.where):
            return self.send(prepared, stream=True, timeout=self.timeout, allow_redirects=False)
