"""A BuildKit session: the connection through which the daemon calls back into the client.

``POST /session`` is upgraded to HTTP/2 (h2c), and on that connection the *daemon* is the gRPC
client: it calls the services the session announced. This module serves them, with ``h2`` for
HTTP/2 and the generated protobuf classes for the messages:

- ``grpc.health.v1.Health/Check``: BuildKit drops a session that stops answering it;
- ``moby.filesync.v1.Auth/Credentials``: the credentials of one registry host, asked when the
  build pulls from it (config.json, credential helpers, ``client.login``); no other host's are
  ever sent;
- ``moby.buildkit.secrets.v1.Secrets/GetSecret``: the value of a secret a ``RUN
  --mount=type=secret,id=...`` mounts; it lives only in that step's tmpfs.

Every other call (ssh forwarding, file sync of a local context, exporters, token authorities)
is answered ``UNIMPLEMENTED``, after which BuildKit falls back or fails the step.
"""
from __future__ import annotations

import logging
import os
import secrets as _random
import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Tuple, Union

from .. import errors
from . import _protobuf
from .http2 import INTERNAL, NOT_FOUND, OK, UNIMPLEMENTED, GrpcError, grpc_unframe

if TYPE_CHECKING:
    from ..client import Client

log = logging.getLogger(__name__)

HEALTH_CHECK = "/grpc.health.v1.Health/Check"
CREDENTIALS = "/moby.filesync.v1.Auth/Credentials"
GET_SECRET = "/moby.buildkit.secrets.v1.Secrets/GetSecret"

#: Registry hosts BuildKit asks about for Docker Hub, and config.json's key for it.
_HUB_HOSTS = ("registry-1.docker.io", "docker.io", "index.docker.io")
_HUB_KEY = "https://index.docker.io/v1/"

#: A secret: its bytes, or a path to the file holding them (str or os.PathLike).
SecretSource = Union[bytes, bytearray, str, "os.PathLike[str]"]


def read_secrets(sources: Mapping[str, SecretSource]) -> Dict[str, bytes]:
    """Each secret's bytes, read now (a file is read once, before the build starts).

    Raises:
        InvalidType: an id that is not a string, a value that is neither bytes nor a path.
        InvalidArgument: an empty id, or a path that cannot be read.
    """
    values: Dict[str, bytes] = {}
    for ident, source in sources.items():
        if not isinstance(ident, str):
            raise errors.InvalidType(f"a secret's id is a string, not {ident!r}")
        if not ident:
            raise errors.InvalidArgument("a secret needs an id")
        if isinstance(source, (bytes, bytearray)):
            values[ident] = bytes(source)
        elif isinstance(source, (str, os.PathLike)):
            try:
                values[ident] = Path(source).read_bytes()
            except OSError as exc:
                raise errors.InvalidArgument(f"secret {ident!r}: cannot read {os.fspath(source)!r}: "
                                             f"{exc.strerror or exc}") from exc
        else:
            raise errors.InvalidType(f"secret {ident!r} is bytes or a file's path, not "
                                     f"{type(source).__name__}")
    return values


class Session:
    """Serves a BuildKit session for one build; use as a context manager, or ``start``/``close``.

    Args:
        client: the client whose daemon builds (its credentials answer the auth calls).
        secrets: ``{id: bytes or path}``, served to ``RUN --mount=type=secret,id=<id>``.
        auth: serve registry credentials (the ``Auth`` service).
    """

    def __init__(self, client: Client, secrets: Optional[Mapping[str, SecretSource]] = None,
                 auth: bool = True) -> None:
        self.client = client
        self.id = _random.token_hex(13)[:25]
        self.shared_key = _random.token_hex(16)
        self._secrets = read_secrets(secrets or {})
        self._handlers: Dict[str, Tuple[Any, Callable[[Any], Any]]] = {}
        pb = _protobuf.modules()
        from .http2 import _h2

        _h2()  # the h2 package, checked before the session is opened
        self._handlers[HEALTH_CHECK] = (pb.buildkit_health_pb2.HealthCheckRequest, self._health)
        if auth:
            self._handlers[CREDENTIALS] = (pb.buildkit_auth_pb2.CredentialsRequest, self._credentials)
        if self._secrets:
            self._handlers[GET_SECRET] = (pb.buildkit_secrets_pb2.GetSecretRequest, self._secret)
        self._pb = pb
        self._sock: Any = None
        self._thread: Optional[threading.Thread] = None
        self._closing = False
        #: ``(method, detail)`` of each call served, in order: what the daemon asked for
        #: (a registry host, a secret id), never a credential or a secret's value.
        self.calls: list[Tuple[str, str]] = []
        #: The exception that ended the serving thread, if it was not the session's close.
        self.error: Optional[BaseException] = None

    @property
    def methods(self) -> list[str]:
        """The gRPC methods announced to the daemon."""
        return list(self._handlers)

    def start(self) -> Session:
        """Open the session (``POST /session``) and serve it in a thread."""
        self._sock = self.client.session(self.id, self.shared_key, self.methods, name="docker_client")
        self._sock.settimeout(None)
        self._thread = threading.Thread(target=self._serve, name=f"buildkit-session-{self.id}", daemon=True)
        self._thread.start()
        return self

    def close(self, timeout: float = 10) -> None:
        """End the session: close its connection and wait for the serving thread."""
        self._closing = True
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def __enter__(self) -> Session:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the services ------------------------------------------------------------------------

    def _health(self, request: Any) -> Any:
        return self._pb.buildkit_health_pb2.HealthCheckResponse(
            status=self._pb.buildkit_health_pb2.HealthCheckResponse.SERVING)

    def _credentials(self, request: Any) -> Any:
        host = request.Host
        self.calls.append((CREDENTIALS, host))
        username, secret = self._lookup(host)
        return self._pb.buildkit_auth_pb2.CredentialsResponse(Username=username, Secret=secret)

    def _lookup(self, host: str) -> Tuple[str, str]:
        """``(username, secret)`` for a registry host; empty strings when none are known (the
        daemon then pulls anonymously)."""
        from .. import auth

        registry = _HUB_KEY if host in _HUB_HOSTS else host
        try:
            config = auth.client_auth_configs(self.client).resolve_authconfig(registry) or {}
        except errors.DockerException as exc:
            raise GrpcError(INTERNAL, f"credentials for {host}: {exc}") from exc
        fields = {str(key).lower(): value for key, value in config.items()}
        token = fields.get("identitytoken")
        if token:
            return "", str(token)
        return str(fields.get("username") or ""), str(fields.get("password") or "")

    def _secret(self, request: Any) -> Any:
        self.calls.append((GET_SECRET, request.ID))
        if request.ID not in self._secrets:
            raise GrpcError(NOT_FOUND, f"secret {request.ID} not found")
        return self._pb.buildkit_secrets_pb2.GetSecretResponse(data=self._secrets[request.ID])

    def _call(self, path: str, body: bytes) -> Tuple[int, str, bytes]:
        """``(status, message, response bytes)`` of one unary call."""
        handler = self._handlers.get(path)
        if handler is None:
            self.calls.append((path, ""))
            return UNIMPLEMENTED, f"docker_client does not serve {path}", b""
        request_class, serve = handler
        try:
            request = _protobuf.decode(request_class, grpc_unframe(body), f"a {path} request")
            return OK, "", serve(request).SerializeToString()
        except GrpcError as exc:
            return exc.code, exc.message, b""
        except errors.DockerException as exc:
            return INTERNAL, str(exc), b""

    # -- HTTP/2 ------------------------------------------------------------------------------

    def _serve(self) -> None:
        from .http2 import Http2Server

        try:
            Http2Server(self._sock, self._call).run()
        except BaseException as exc:  # the thread's end; kept for the build to report
            if not self._closing:
                log.debug("BuildKit session %s ended: %r", self.id, exc)
                self.error = exc
