"""The rest of docker-py's ``docker.utils``: version comparison, a header decoder, the
decorators code that subclasses ``APIClient`` uses, and the stubs of helpers docker-py removed."""
from __future__ import annotations

import base64
import functools
import json
from typing import Any, Callable, Mapping, TypeVar

from ..errors import DeprecatedMethod, InvalidVersion, NullResource
from ..versions import version_lt

F = TypeVar("F", bound=Callable[..., Any])


def compare_version(v1: str, v2: str) -> int:
    """docker-py's order: 1 when ``v2`` is newer than ``v1``, -1 when older, 0 when equal
    (``compare_version("1.9", "1.10") == 1``); any number of dotted parts."""
    first = tuple(int(part) for part in v1.split("."))
    second = tuple(int(part) for part in v2.split("."))
    return 0 if first == second else (1 if second > first else -1)


def decode_json_header(header: str | bytes) -> Any:
    """A base64-encoded JSON header (``X-Docker-Container-Path-Stat``...) as Python."""
    return json.loads(base64.b64decode(header).decode("utf-8"))


def check_resource(resource_name: str) -> Callable[[F], F]:
    """Decorate a method whose first argument names a daemon object: a dict with ``Id`` (or
    ``ID``) stands for its id, the argument may come by keyword, and an empty one raises
    :class:`NullResource`."""
    def decorator(function: F) -> F:
        @functools.wraps(function)
        def wrapped(self: Any, resource_id: Any = None, *args: Any, **kwargs: Any) -> Any:
            if resource_id is None and kwargs.get(resource_name):
                resource_id = kwargs.pop(resource_name)
            if isinstance(resource_id, Mapping):
                resource_id = resource_id.get("Id", resource_id.get("ID"))
            if not resource_id:
                raise NullResource("Resource ID was not provided")
            return function(self, resource_id, *args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return decorator


def minimum_version(version: str) -> Callable[[F], F]:
    """Decorate a method that needs API ``version`` or newer: :class:`InvalidVersion` before."""
    def decorator(function: F) -> F:
        @functools.wraps(function)
        def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
            if version_lt(self._version, version):
                raise InvalidVersion(f"{function.__name__} is not available for version < {version}")
            return function(self, *args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return decorator


def update_headers(function: F) -> F:
    """Decorate a request method: config.json's ``HttpHeaders`` go into its ``headers``. (The
    client already sends them with every request; this keeps docker-py subclasses working.)"""
    @functools.wraps(function)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        configured = self._general_configs.get("HttpHeaders")
        if configured:
            if not kwargs.get("headers"):
                kwargs["headers"] = dict(configured)
            else:
                kwargs["headers"].update(configured)
        return function(self, *args, **kwargs)
    return wrapped  # type: ignore[return-value]


def create_host_config(*args: Any, **kwargs: Any) -> Any:
    """Removed from docker-py: use ``Client.create_host_config`` or ``types.HostConfig``."""
    raise DeprecatedMethod("utils.create_host_config has been removed. Please use a "
                           "docker_client.types.HostConfig object (or client.create_host_config) instead.")


def create_ipam_pool(*args: Any, **kwargs: Any) -> Any:
    """Removed from docker-py: use ``types.IPAMPool``."""
    raise DeprecatedMethod("utils.create_ipam_pool has been removed. Please use a "
                           "docker_client.types.IPAMPool object instead.")


def create_ipam_config(*args: Any, **kwargs: Any) -> Any:
    """Removed from docker-py: use ``types.IPAMConfig``."""
    raise DeprecatedMethod("utils.create_ipam_config has been removed. Please use a "
                           "docker_client.types.IPAMConfig object instead.")
