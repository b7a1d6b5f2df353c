"""Typed builders of request bodies, under docker-py's ``docker.types`` names."""
from __future__ import annotations

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
