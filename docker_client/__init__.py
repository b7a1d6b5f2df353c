"""docker_client: a Python client for the Docker Engine API, a drop-in for docker-py's APIClient.

>>> from docker_client import Client
>>> Client().version()["ApiVersion"]
"""
from __future__ import annotations

from . import errors, types, utils
from ._version import __version__
from .client import Client, from_env
from .env import kwargs_from_env
from .tls import TLSConfig

#: docker-py's name for the low-level client.
APIClient = Client

__all__ = [
    "APIClient", "Client", "RegistryClient", "TLSConfig", "__version__", "errors", "from_env",
    "kwargs_from_env", "types", "utils",
]


def __getattr__(name: str) -> object:
    # The registry client is imported on first use: most users never need it.
    if name == "RegistryClient":
        from .registry import RegistryClient

        return RegistryClient
    raise AttributeError(f"module 'docker_client' has no attribute {name!r}")
