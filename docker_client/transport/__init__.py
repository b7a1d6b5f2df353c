"""How bytes reach a daemon: a requests adapter per kind of address (unix socket, ssh).

TCP and TLS use requests' own ``HTTPAdapter``; the ssh adapter is imported only when used.
"""
from __future__ import annotations

from .unix import UnixHTTPAdapter

__all__ = ["UnixHTTPAdapter"]
