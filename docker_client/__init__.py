"""docker_client: a Python client for the Docker Engine API, a drop-in for docker-py's APIClient.

>>> from docker_client import Client
>>> Client().version()["ApiVersion"]
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from . import errors
from ._version import __version__
from .client import Client, from_context, from_env
from .env import kwargs_from_env
from .tls import TLSConfig

if TYPE_CHECKING:
    from . import types, utils
    from .registry import RegistryClient

#: docker-py's name for the low-level client.
APIClient = Client

__all__ = [
    "APIClient", "Client", "RegistryClient", "TLSConfig", "__version__", "errors", "from_context",
    "from_env", "kwargs_from_env", "types", "utils",
]


def __getattr__(name: str) -> object:
    # Imported on first use, to keep ``import docker_client`` cheap: the registry client (most
    # users never need it), and ``types`` and ``utils`` (the client imports what it needs of
    # them when it needs it).
    if name == "RegistryClient":
        from .registry import RegistryClient

        return RegistryClient
    if name in ("types", "utils", "progress"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'docker_client' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
