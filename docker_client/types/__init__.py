"""Typed builders of request bodies, under docker-py's ``docker.types`` names.

The builders are imported on first use (``from docker_client.types import HostConfig`` or
``docker_client.types.HostConfig``): ``import docker_client`` does not pay for them.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..streams import CancellableStream
    from .containers import (
        ContainerConfig,
        DeviceRequest,
        DriverConfig,
        HostConfig,
        LogConfig,
        Mount,
        RestartPolicy,
        Ulimit,
    )
    from .healthcheck import Healthcheck
    from .networks import EndpointConfig, IPAMConfig, IPAMPool, NetworkingConfig
    from .services import (
        ConfigReference,
        ContainerSpec,
        DNSConfig,
        EndpointSpec,
        NetworkAttachmentConfig,
        Placement,
        PlacementPreference,
        Privileges,
        Resources,
        RollbackConfig,
        SecretReference,
        ServiceMode,
        TaskTemplate,
        UpdateConfig,
    )
    from .swarm import SwarmExternalCA, SwarmSpec

__all__ = [
    "CancellableStream", "ContainerConfig", "DeviceRequest", "DriverConfig", "EndpointConfig",
    "HostConfig", "Healthcheck", "IPAMConfig", "IPAMPool", "LogConfig", "Mount", "NetworkingConfig",
    "RestartPolicy", "Ulimit",
    # swarm services
    "ConfigReference", "ContainerSpec", "DNSConfig", "EndpointSpec", "NetworkAttachmentConfig",
    "Placement", "PlacementPreference", "Privileges", "Resources", "RollbackConfig",
    "SecretReference", "ServiceMode", "SwarmExternalCA", "SwarmSpec", "TaskTemplate", "UpdateConfig",
]

#: Where each public name lives (relative to this package).
_MODULES = {
    "CancellableStream": "..streams",
    "ContainerConfig": ".containers", "DeviceRequest": ".containers", "DriverConfig": ".containers",
    "HostConfig": ".containers", "LogConfig": ".containers", "Mount": ".containers",
    "RestartPolicy": ".containers", "Ulimit": ".containers",
    "Healthcheck": ".healthcheck",
    "EndpointConfig": ".networks", "IPAMConfig": ".networks", "IPAMPool": ".networks",
    "NetworkingConfig": ".networks",
    "ConfigReference": ".services", "ContainerSpec": ".services", "DNSConfig": ".services",
    "EndpointSpec": ".services", "NetworkAttachmentConfig": ".services", "Placement": ".services",
    "PlacementPreference": ".services", "Privileges": ".services", "Resources": ".services",
    "RollbackConfig": ".services", "SecretReference": ".services", "ServiceMode": ".services",
    "TaskTemplate": ".services", "UpdateConfig": ".services",
    "SwarmExternalCA": ".swarm", "SwarmSpec": ".swarm",
}


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'docker_client.types' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
