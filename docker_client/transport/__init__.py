"""All I/O with a daemon: the only package that touches sockets, urllib3 or http.client.

The rest of docker_client talks to it through these names: the adapters a ``Client`` mounts
(unix socket, TCP/TLS, ssh), :func:`send` for the client's own calls, :func:`iter_body`,
:func:`take_over` and :func:`interrupt` for streams, :class:`HeadTimeout` for streaming calls,
:class:`map_errors` (the one table of low-level failures) and :func:`open_websocket`.
"""
from __future__ import annotations

from typing import Any

from .adapter import DockerAdapter, HeadTimeout, TCPAdapter, UnixHTTPAdapter, split_timeout
from .dispatch import exact_prefix, send
from .failures import map_errors, translate
from .streaming import (
    SHUT_RD,
    SHUT_RDWR,
    SHUT_WR,
    WOULD_BLOCK,
    Upgraded,
    interrupt,
    iter_body,
    take_over,
    wait_readable,
)
from .websocket import open_websocket

__all__ = [
    "SHUT_RD", "SHUT_RDWR", "SHUT_WR", "WOULD_BLOCK", "DockerAdapter", "HeadTimeout",
    "SSHHTTPAdapter", "TCPAdapter", "exact_prefix", "UnixHTTPAdapter", "Upgraded", "interrupt", "iter_body",
    "map_errors", "open_websocket", "repeated_headers", "send", "split_timeout", "take_over", "translate",
    "wait_readable",
]


def repeated_headers(headers: Any, name: str, values: list[str]) -> Any:
    """``headers`` plus one ``name: value`` line per value (a mapping would keep one)."""
    try:
        from urllib3 import HTTPHeaderDict
    except ImportError:  # urllib3 1.26 keeps it in a module of its own
        from urllib3._collections import HTTPHeaderDict

    multi = HTTPHeaderDict(headers)
    for value in values:
        multi.add(name, value)
    return multi


def __getattr__(name: str) -> Any:
    if name == "SSHHTTPAdapter":  # imported only when used (paramiko is heavy)
        from .ssh import SSHHTTPAdapter

        return SSHHTTPAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
