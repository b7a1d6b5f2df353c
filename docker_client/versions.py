"""The one table of API-version gates, and the helpers that compare versions.

Each entry names a version-dependent endpoint or parameter and the first Engine API version
that has it (from the specs and CHANGELOG in the Engine API docs). Nothing below the oldest
version we support (1.24) is gated: every 1.24 daemon has it.
"""
from __future__ import annotations

from typing import Tuple, Union

from .constants import DEFAULT_DOCKER_API_VERSION, MINIMUM_DOCKER_API_VERSION
from .errors import InvalidVersion

VersionTuple = Tuple[int, int]

#: feature -> first API version that has it. Keys read "METHOD /path" or
#: "METHOD /path param" so an error message can name them as they are.
FEATURES: dict[str, str] = {
    # system
    "GET /system/df": "1.25",
    "GET /system/df type": "1.42",
    "GET /system/df verbose": "1.42",
    "HEAD /_ping": "1.40",
    # containers (issue: containers)
    "POST /containers/prune": "1.25",
    "POST /containers/{id}/stop signal": "1.42",
    "POST /containers/{id}/restart signal": "1.42",
    "POST /containers/{id}/wait condition": "1.30",
    "PUT /containers/{id}/archive copyUIDGID": "1.30",  # CHANGELOG v1.30, not 1.41
    "POST /containers/create platform": "1.41",
    "POST /exec/{id}/start ConsoleSize": "1.42",
    # containers (api/container.py)
    "GET /containers/{id}/logs until": "1.35",
    "GET /containers/{id}/stats one-shot": "1.41",
    # the logs Content-Type tells a TTY's raw stream from frames for requests of 1.42+
    "GET /containers/{id}/logs Content-Type": "1.42",
    # images
    "POST /images/prune": "1.25",
    "GET /distribution/{name}/json": "1.30",
    "POST /build/prune": "1.31",
    "GET /images/json manifests": "1.47",
    "GET /images/{name}/json manifests": "1.48",
    "POST /images/create platform": "1.32",
    "POST /images/{name}/push platform": "1.46",
    "GET /images/get platform": "1.48",
    "POST /images/load platform": "1.48",
    "GET /images/{name}/history platform": "1.48",
    "DELETE /images/{name} platforms": "1.50",
    # networks and volumes
    "POST /networks/prune": "1.25",
    "POST /volumes/prune": "1.25",
    "PUT /volumes/{name}": "1.42",
    "POST /networks/create EnableIPv4": "1.47",
    "POST /networks/create ConfigOnly": "1.30",
    "POST /networks/create ConfigFrom": "1.30",
    "POST /networks/{id}/connect GwPriority": "1.48",
    # swarm
    "GET /configs": "1.30",
    "POST /secrets/{id}/update": "1.25",
    "POST /configs/{id}/update": "1.30",
    "GET /tasks/{id}/logs": "1.29",
    "POST /services/{id}/update rollback": "1.28",
    "GET /plugins filters": "1.28",
    # container config (types)
    # HostConfig fields (CHANGELOG.md; the spec where it says nothing, as noted)
    "POST /containers/create AutoRemove": "1.25",
    "POST /containers/create Init": "1.25",
    "POST /containers/create InitPath": "1.25",  # and gone from 1.29
    "POST /containers/create CpuRealtimePeriod": "1.25",
    "POST /containers/create CpuRealtimeRuntime": "1.25",
    "POST /containers/create CpuCount": "1.25",
    "POST /containers/create NanoCpus": "1.25",
    "POST /containers/create Runtime": "1.25",  # docker-py; first in the v1.25 spec
    "POST /containers/create Cgroup": "1.25",  # first in the v1.25 spec
    "POST /containers/create Mounts": "1.25",
    "POST /containers/create DeviceCgroupRules": "1.28",
    "POST /containers/create MaskedPaths": "1.38",  # first in the v1.38 spec
    "POST /containers/create ReadonlyPaths": "1.38",  # first in the v1.38 spec
    "POST /containers/create DeviceRequests": "1.40",
    "POST /containers/create KernelMemoryTCP": "1.40",  # and gone from 1.52
    "POST /containers/create CgroupnsMode": "1.41",
    "POST /containers/create ConsoleSize": "1.42",  # Windows-only before 1.42
    "POST /containers/create Annotations": "1.43",
    # fields of HostConfig.Mounts entries
    "POST /containers/create Mounts-Consistency": "1.28",
    "POST /containers/create Mounts-BindOptions-NonRecursive": "1.40",
    "POST /containers/create Mounts-BindOptions-CreateMountpoint": "1.42",
    "POST /containers/create Mounts-Type-cluster": "1.42",
    "POST /containers/create Mounts-BindOptions-ReadOnlyNonRecursive": "1.44",
    "POST /containers/create Mounts-BindOptions-ReadOnlyForceRecursive": "1.44",
    "POST /containers/create Mounts-VolumeOptions-Subpath": "1.45",
    "POST /containers/create Mounts-TmpfsOptions-Options": "1.46",
    "POST /containers/create Mounts-Type-image": "1.48",
    # container Config, Healthcheck and NetworkingConfig fields
    "POST /containers/create StopTimeout": "1.25",
    "POST /containers/create Healthcheck-StartPeriod": "1.29",
    "POST /containers/create Healthcheck-StartInterval": "1.44",
    "POST /containers/create EndpointsConfig-DriverOpts": "1.32",
    "POST /containers/create EndpointsConfig-MacAddress": "1.44",
    "POST /containers/create EndpointsConfig-multiple": "1.44",
    "POST /containers/create EndpointsConfig-GwPriority": "1.48",
}


def parse_version(version: Union[str, VersionTuple]) -> VersionTuple:
    """Return ``"1.41"`` as ``(1, 41)``.

    Raises:
        InvalidVersion: not of the form MAJOR.MINOR.
    """
    if isinstance(version, tuple):
        return version
    try:
        major, minor = str(version).strip().split(".")
        return int(major), int(minor)
    except (ValueError, AttributeError):
        raise InvalidVersion(f"invalid API version {version!r}: expected MAJOR.MINOR, e.g. '1.41'") from None


def version_lt(v1: str, v2: str) -> bool:
    """docker-py's helper: whether API version ``v1`` is older than ``v2``."""
    return parse_version(v1) < parse_version(v2)


def version_gte(v1: str, v2: str) -> bool:
    """docker-py's helper: whether API version ``v1`` is ``v2`` or newer."""
    return parse_version(v1) >= parse_version(v2)


def check_supported(version: str) -> str:
    """Return ``version`` normalised, refusing one older than the oldest we support.

    Raises:
        InvalidVersion: malformed, or below 1.24.
    """
    parsed = parse_version(version)
    if parsed < parse_version(MINIMUM_DOCKER_API_VERSION):
        raise InvalidVersion(
            f"API version {version} is not supported: the oldest this client speaks is "
            f"{MINIMUM_DOCKER_API_VERSION}"
        )
    return f"{parsed[0]}.{parsed[1]}"


def negotiate(daemon_version: str) -> str:
    """The version to use with a daemon: the older of its ``ApiVersion`` and ours."""
    ours = parse_version(DEFAULT_DOCKER_API_VERSION)
    theirs = parse_version(daemon_version)
    chosen = min(ours, theirs)
    return check_supported(f"{chosen[0]}.{chosen[1]}")


def require(feature: str, api_version: str) -> None:
    """Raise unless ``api_version`` has ``feature`` (a key of :data:`FEATURES`).

    Raises:
        InvalidVersion: naming the feature, the version it needs and the version in use.
        KeyError: ``feature`` is not in the table (a bug in docker_client, caught by tests).
    """
    needed = FEATURES[feature]
    if parse_version(api_version) < parse_version(needed):
        raise InvalidVersion(
            f"{feature} needs API version {needed} or newer; this client is using {api_version}"
        )


def supports(feature: str, api_version: str) -> bool:
    """Whether ``api_version`` has ``feature`` (a key of :data:`FEATURES`)."""
    return parse_version(api_version) >= parse_version(FEATURES[feature])
