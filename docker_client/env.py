"""Where the daemon is and how to reach it: DOCKER_* variables, CLI contexts, host URLs.

All environment reading for the connection happens in :func:`kwargs_from_env`; the client
asks it once, in ``__init__``.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from typing import Any, Mapping, NamedTuple
from urllib.parse import quote, urlsplit

from .constants import DEFAULT_DOCKER_HOST
from .errors import ContextNotFound, InvalidArgument, TLSParameterError
from .tls import TLSConfig

_DEFAULT_PORTS = {"http": 2375, "https": 2376, "ssh": 22}
#: ``scheme:/rest`` or ``scheme:rest`` (not ``host:port``): a scheme whose ``//`` is missing.
_SINGLE_SLASH = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?!//)(?!\d+$)(.*)$")


class DaemonAddress(NamedTuple):
    """A parsed daemon address (immutable).

    Attributes:
        scheme: ``"unix"``, ``"http"``, ``"https"`` or ``"ssh"``.
        url: the base URL requests are made against (``http+unix://%2Fpath`` for a socket).
        socket_path: the socket's path, for ``unix``.
        host, port, user: for TCP and ssh.
        where: what to name in an error message when the daemon can't be reached.
    """

    scheme: str
    url: str
    socket_path: str = ""
    host: str = ""
    port: int = 0
    user: str = ""
    where: str = ""


def parse_host(addr: str | None, is_win32: bool = False, tls: bool = False) -> str:
    """docker-py's helper: the base URL for a ``DOCKER_HOST``-style address."""
    parsed = parse_address(addr, tls=tls)
    if parsed.scheme == "unix":
        return "http+unix://" + parsed.socket_path
    return parsed.url


def parse_address(addr: str | None, tls: bool = False) -> DaemonAddress:
    """Parse ``unix:///path``, ``tcp://host:port``, ``http(s)://...`` or ``ssh://user@host``.

    An empty or missing address means the default socket. ``tcp://`` becomes ``https`` when
    ``tls`` is set.

    Raises:
        InvalidArgument: an unknown scheme or a malformed address.
    """
    addr = (addr or "").strip()
    if not addr or addr.lower() in ("unix://", "http+unix://"):  # docker-py: the default socket
        addr = DEFAULT_DOCKER_HOST
    if addr.startswith("/"):
        addr = "unix://" + addr
    single = _SINGLE_SLASH.match(addr)
    if single and single.group(1).lower() in ("unix", "http+unix"):
        addr = "unix://" + single.group(2)  # unix:/path, as docker-py reads it
    elif single:
        raise InvalidArgument(f"Invalid bind address format: {addr!r} (expected "
                              f"{single.group(1)}://...)")
    if "://" not in addr:
        if "/" in addr:
            raise InvalidArgument(f"Invalid bind address format: {addr!r} (expected unix:///path, "
                                  "tcp://host:port or ssh://user@host)")
        addr = "tcp://" + addr
    scheme, rest = addr.split("://", 1)
    scheme = scheme.lower()
    if scheme in ("unix", "http+unix"):
        # unix:///abs/path; unix://relative.sock stays relative, as the docker CLI keeps it.
        path = rest.rstrip("/") if len(rest) > 1 else rest
        if not path or path == "/":
            raise InvalidArgument(f"invalid daemon address {addr!r}: no socket path")
        return DaemonAddress("unix", "http+unix://" + quote(path, safe=""), socket_path=path,
                             where=path)
    if scheme not in ("tcp", "http", "https", "ssh"):
        raise InvalidArgument(
            f"invalid daemon address {addr!r}: the scheme must be unix, tcp, http, https or ssh"
        )
    if scheme == "tcp":
        scheme = "https" if tls else "http"
    elif scheme == "http" and tls:
        scheme = "https"
    try:
        parts = urlsplit(f"{scheme}://{rest}")
        host = parts.hostname or "127.0.0.1"
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise InvalidArgument(f"invalid daemon address {addr!r}: {exc}") from None
    if parts.query or parts.fragment:
        raise InvalidArgument(f"invalid daemon address {addr!r}: no query or fragment allowed")
    if scheme == "ssh" and parts.path not in ("", "/"):
        raise InvalidArgument(f"Invalid bind address format: no path allowed for ssh: {addr!r}")
    user = parts.username or ""
    shown_host = f"[{host}]" if ":" in host else host
    if scheme == "ssh":
        return DaemonAddress("ssh", "http+docker://ssh", host=host, port=port, user=user,
                             where=f"ssh://{user + '@' if user else ''}{shown_host}:{port}")
    path = parts.path.rstrip("/")
    url = f"{scheme}://{shown_host}:{port}{path}"
    return DaemonAddress(scheme, url, host=host, port=port, where=url)


def socket_candidates(environment: Mapping[str, str] | None = None) -> list[str]:
    """Where a local daemon's socket may be, in the order they are tried: Docker's
    ``/var/run/docker.sock``; rootless Docker's ``$XDG_RUNTIME_DIR/docker.sock``; Docker
    Desktop's ``~/.docker/run/docker.sock``; rootless Podman's
    ``$XDG_RUNTIME_DIR/podman/podman.sock``; Podman's ``/run/podman/podman.sock``.
    (``$XDG_RUNTIME_DIR`` unset: ``/run/user/UID``.)"""
    if environment is None:
        environment = os.environ
    runtime = environment.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    home = environment.get("HOME") or os.path.expanduser("~")
    return ["/var/run/docker.sock", f"{runtime}/docker.sock", f"{home}/.docker/run/docker.sock",
            f"{runtime}/podman/podman.sock", "/run/podman/podman.sock"]


def discover_socket(environment: Mapping[str, str] | None = None) -> DaemonAddress:
    """The address of the first socket of :func:`socket_candidates` that exists; when none
    does, ``/var/run/docker.sock``, whose "no socket" error then names every place looked in.
    Used when neither ``DOCKER_HOST`` nor a docker CLI context names a daemon."""
    candidates = socket_candidates(environment)
    for path in candidates:
        try:
            if stat.S_ISSOCK(os.stat(path).st_mode):
                return parse_address("unix://" + path)
        except OSError:
            continue
    default = parse_address(DEFAULT_DOCKER_HOST)
    return default._replace(where=f"{default.socket_path} (nor at any other place a daemon's socket "
                                  f"is looked for: {', '.join(candidates[1:])})")


def _config_dir(environment: Mapping[str, str]) -> str:
    return environment.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")


def context_settings(name: str | None = None,
                     environment: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``base_url`` and ``tls`` of the docker CLI context ``name``; with no name, of the context in
    use (``DOCKER_CONTEXT``, else config.json's ``currentContext``). ``{}`` for ``default``.

    Raises:
        ContextNotFound: no context of that name (the docker CLI refuses it too).
    """
    if environment is None:
        environment = os.environ
    return _context_settings(environment, name)


def _context_settings(environment: Mapping[str, str], name: str | None = None) -> dict[str, Any]:
    """The host and TLS files of the docker CLI context in use, if it is not the default."""
    config_dir = _config_dir(environment)
    name = name or environment.get("DOCKER_CONTEXT")
    if not name:
        try:
            with open(os.path.join(config_dir, "config.json"), encoding="utf-8") as f:
                name = json.load(f).get("currentContext")
        except (OSError, ValueError, AttributeError):
            name = None
    if not name or name == "default":
        return {}
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    meta_path = os.path.join(config_dir, "contexts", "meta", digest, "meta.json")
    try:
        with open(meta_path, encoding="utf-8") as f:
            endpoint = json.load(f)["Endpoints"]["docker"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ContextNotFound(name, looked=meta_path) from None
    settings: dict[str, Any] = {"base_url": endpoint.get("Host")}
    tls_dir = os.path.join(config_dir, "contexts", "tls", digest, "docker")
    if os.path.isdir(tls_dir):
        files = {n: os.path.join(tls_dir, f"{n}.pem") for n in ("ca", "cert", "key")}
        settings["tls"] = TLSConfig(
            client_cert=(files["cert"], files["key"]) if os.path.isfile(files["cert"]) else None,
            ca_cert=files["ca"] if os.path.isfile(files["ca"]) else None,
            verify=not endpoint.get("SkipTLSVerify", False),
        )
    return settings


def kwargs_from_env(environment: Mapping[str, str] | None = None, **_ignored: Any) -> dict[str, Any]:
    """Client keyword arguments from the environment, as docker-py's ``kwargs_from_env``.

    Precedence, highest first:

    1. ``DOCKER_HOST``, with ``DOCKER_TLS_VERIFY`` (any value but empty: verify) and
       ``DOCKER_CERT_PATH`` (``ca.pem``, ``cert.pem``, ``key.pem``; default ``~/.docker``);
       TLS is on when either of those two is set.
    2. The docker CLI context named by ``DOCKER_CONTEXT``, else config.json's
       ``currentContext`` (config.json in ``DOCKER_CONFIG``, else ``~/.docker``).
    3. Nothing: the client's defaults (the local socket).

    ``DOCKER_API_VERSION`` is read by :func:`api_version_from_env`, not here, so that
    ``Client(version="auto", **kwargs_from_env())`` keeps working as with docker-py.

    Returns:
        A dict with some of ``base_url`` and ``tls``.
    """
    if environment is None:
        environment = os.environ
    params: dict[str, Any] = {}
    host = environment.get("DOCKER_HOST")
    cert_path = environment.get("DOCKER_CERT_PATH") or None
    tls_verify_value = environment.get("DOCKER_TLS_VERIFY")
    tls_verify = tls_verify_value is not None and tls_verify_value != ""
    if host:
        params["base_url"] = host
    elif not (cert_path or tls_verify):
        params.update(_context_settings(environment))
    if cert_path or tls_verify:
        cert_dir = cert_path or _config_dir(environment)
        try:
            params["tls"] = TLSConfig(
                client_cert=(os.path.join(cert_dir, "cert.pem"), os.path.join(cert_dir, "key.pem")),
                ca_cert=os.path.join(cert_dir, "ca.pem"),
                verify=tls_verify,
            )
        except TLSParameterError as exc:
            raise TLSParameterError(f"{exc.msg} (DOCKER_CERT_PATH={cert_dir})") from None
    return {k: v for k, v in params.items() if v is not None}


def api_version_from_env(environment: Mapping[str, str] | None = None) -> str | None:
    """``DOCKER_API_VERSION``, or None when it is unset or empty."""
    if environment is None:
        environment = os.environ
    return environment.get("DOCKER_API_VERSION") or None
