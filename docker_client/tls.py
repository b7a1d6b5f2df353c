"""TLS settings for a daemon reached over HTTPS, under docker-py's ``TLSConfig`` name."""
from __future__ import annotations

import os
from typing import Any

import requests

from .errors import TLSParameterError


class TLSConfig:
    """TLS configuration.

    Args:
        client_cert: ``(certificate path, key path)`` for client authentication.
        ca_cert: path of the CA certificate that signed the daemon's certificate.
        verify: ``True`` to verify the daemon against ``ca_cert`` (or the system CAs when
            there is none), ``False`` not to verify, or a CA bundle path.
        ssl_version: accepted for old callers and ignored: modern Python negotiates TLS 1.2+.
        assert_hostname: ``False`` to skip the hostname check while still verifying the chain.

    Raises:
        TLSParameterError: a file that does not exist, or a malformed ``client_cert``.
    """

    cert: tuple[str, str] | None = None
    ca_cert: str | None = None
    verify: bool | str | None = None

    def __init__(self, client_cert: tuple[str, str] | None = None, ca_cert: str | None = None,
                 verify: bool | str | None = None, ssl_version: Any = None,
                 assert_hostname: bool | str | None = None) -> None:
        if client_cert:
            try:
                tls_cert, tls_key = client_cert
            except (TypeError, ValueError):
                raise TLSParameterError(
                    "client_cert must be a tuple of (client certificate, key file)"
                ) from None
            for label, path in (("certificate", tls_cert), ("key", tls_key)):
                if not path or not os.path.isfile(path):
                    raise TLSParameterError(f"the client {label} file {path!r} does not exist")
            self.cert = (tls_cert, tls_key)
        self.verify = verify
        self.ca_cert = ca_cert
        self.assert_hostname = assert_hostname
        if self.verify and self.ca_cert and not os.path.isfile(self.ca_cert):
            raise TLSParameterError(f"the CA certificate file {self.ca_cert!r} does not exist")
        if isinstance(verify, str) and not os.path.exists(verify):
            raise TLSParameterError(f"the CA bundle {verify!r} given as verify does not exist")

    def configure_client(self, client: requests.Session) -> None:
        """Set these options on a session (docker-py's hook; the Client calls it)."""
        if self.verify and self.ca_cert:
            client.verify = self.ca_cert
        else:
            client.verify = bool(self.verify) if not isinstance(self.verify, str) else self.verify
        if self.cert:
            client.cert = self.cert

    def __repr__(self) -> str:
        return f"TLSConfig(client_cert={self.cert!r}, ca_cert={self.ca_cert!r}, verify={self.verify!r})"
