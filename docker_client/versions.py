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
    # images and build (CHANGELOG.md; the specs v1.25-v1.52 where it is silent, as noted)
    "POST /images/prune": "1.25",
    "GET /distribution/{name}/json": "1.30",
    "GET /images/json filters-reference": "1.25",  # before: the "filter" parameter
    "GET /images/json shared-size": "1.42",
    "GET /images/json manifests": "1.47",
    "GET /images/{name}/json manifests": "1.48",
    "GET /images/{name}/json platform": "1.49",
    "GET /images/{name}/attestations": "1.55",
    "POST /images/create platform": "1.32",
    "POST /images/{name}/push platform": "1.46",
    "GET /images/get platform": "1.48",
    "GET /images/{name}/get platform": "1.48",
    "POST /images/load platform": "1.48",
    # several platform= values in one request
    "GET /images/get platform-multiple": "1.52",
    "GET /images/{name}/get platform-multiple": "1.52",
    "POST /images/load platform-multiple": "1.52",
    "GET /images/{name}/history platform": "1.48",
    "DELETE /images/{name} platforms": "1.50",
    "POST /build cachefrom": "1.25",
    "POST /build networkmode": "1.25",
    "POST /build squash": "1.25",  # the v1.25 spec
    "POST /build extrahosts": "1.28",  # CHANGELOG v1.28 (docker-py says 1.27)
    "POST /build target": "1.29",  # docker-py; multi-stage builds came with 1.29
    "POST /build platform": "1.32",  # docker-py; with POST /images/create platform
    "POST /build version": "1.39",  # BuildKit (version=2) came with Engine 18.09, API 1.39
    "POST /build/prune": "1.31",
    "POST /build/prune filters": "1.39",  # the v1.39 spec
    "POST /build/prune keep-storage": "1.39",  # the v1.39 spec; reserved-space from 1.48
    "POST /build/prune all": "1.39",  # the v1.39 spec
    "POST /build/prune reserved-space": "1.48",
    "POST /build/prune max-used-space": "1.48",
    "POST /build/prune min-free-space": "1.48",
    # networks, volumes, swarm
    "GET /networks/{id} verbose": "1.28",
    "GET /networks/{id} scope": "1.31",
    "POST /networks/create Ingress": "1.29",
    "POST /networks/create Scope": "1.30",
    "POST /networks/create ConfigOnly": "1.30",  # not in CHANGELOG: docker CLI 17.06 (1.30)
    "POST /networks/create ConfigFrom": "1.30",
    "POST /networks/create EnableIPv4": "1.48",  # CHANGELOG v1.48, not 1.47
    "POST /networks/{id}/connect DriverOpts": "1.32",
    # The spec lists it from 1.44; Podman applies it at 1.41, and docker-py sends it from 1.25.
    "POST /networks/{id}/connect MacAddress": "1.25",
    "POST /networks/{id}/connect GwPriority": "1.48",
    "POST /networks/prune": "1.25",
    "POST /volumes/prune": "1.25",
    "DELETE /volumes/{name} force": "1.25",
    "POST /volumes/create ClusterVolumeSpec": "1.42",
    "PUT /volumes/{name}": "1.42",
    "POST /swarm/init DataPathAddr": "1.30",
    "POST /swarm/init DefaultAddrPool": "1.39",
    "POST /swarm/init SubnetSize": "1.39",
    "POST /swarm/init DataPathPort": "1.40",
    "POST /swarm/join DataPathAddr": "1.30",
    "POST /swarm/update rotateManagerUnlockKey": "1.25",
    "GET /swarm/unlockkey": "1.25",  # autolock came with Docker 1.13 (1.25); not in v1.24.md
    "POST /swarm/unlock": "1.25",
    # SwarmSpec fields (the same spec goes to POST /swarm/init)
    "POST /swarm/update CAConfig-ExternalCAs": "1.25",
    "POST /swarm/update CAConfig-SigningCACert": "1.30",
    "POST /swarm/update CAConfig-SigningCAKey": "1.30",
    "POST /swarm/update CAConfig-ForceRotate": "1.30",
    "POST /swarm/update EncryptionConfig": "1.25",
    "POST /swarm/update TaskDefaults": "1.25",
    # services and tasks
    "GET /services status": "1.41",
    "GET /services/{id} insertDefaults": "1.29",
    "GET /services/{id}/logs": "1.25",  # experimental until 1.29
    "GET /tasks/{id}/logs": "1.29",
    "POST /services/{id}/update registryAuthFrom": "1.25",
    "POST /services/{id}/update rollback": "1.28",
    # ServiceSpec fields (the same spec goes to POST /services/{id}/update); versions from the
    # CHANGELOG, else the docker CLI's flag annotations
    "POST /services/create TaskTemplate-Networks": "1.25",  # top-level Networks before
    "POST /services/create TaskTemplate-ForceUpdate": "1.25",
    "POST /services/create ContainerSpec-TTY": "1.25",
    "POST /services/create ContainerSpec-Hostname": "1.25",
    "POST /services/create ContainerSpec-Hosts": "1.25",
    "POST /services/create ContainerSpec-Groups": "1.25",
    "POST /services/create ContainerSpec-DNSConfig": "1.25",
    "POST /services/create ContainerSpec-Healthcheck": "1.25",
    "POST /services/create ContainerSpec-Secrets": "1.25",
    "POST /services/create ContainerSpec-ReadOnly": "1.28",
    "POST /services/create ContainerSpec-StopSignal": "1.28",
    "POST /services/create ContainerSpec-Healthcheck-StartPeriod": "1.29",
    "POST /services/create ContainerSpec-Healthcheck-StartInterval": "1.44",
    "POST /services/create ContainerSpec-Privileges": "1.29",  # CHANGELOG v1.29 (docker-py: 1.30)
    "POST /services/create ContainerSpec-Configs": "1.30",
    "POST /services/create ContainerSpec-Isolation": "1.35",
    "POST /services/create ContainerSpec-Init": "1.37",  # docker CLI (docker-py: 1.38)
    "POST /services/create ContainerSpec-Sysctls": "1.40",
    "POST /services/create ContainerSpec-CapabilityAdd": "1.41",
    "POST /services/create ContainerSpec-CapabilityDrop": "1.41",
    "POST /services/create ContainerSpec-Mounts-Consistency": "1.28",
    "POST /services/create ContainerSpec-Mounts-BindOptions-NonRecursive": "1.41",
    "POST /services/create ContainerSpec-Mounts-BindOptions-CreateMountpoint": "1.42",
    "POST /services/create ContainerSpec-Mounts-BindOptions-ReadOnlyNonRecursive": "1.44",
    "POST /services/create ContainerSpec-Mounts-BindOptions-ReadOnlyForceRecursive": "1.44",
    "POST /services/create ContainerSpec-Mounts-VolumeOptions-Subpath": "1.45",
    "POST /services/create ContainerSpec-Mounts-TmpfsOptions-Options": "1.46",
    "POST /services/create ContainerSpec-Mounts-Type-cluster": "1.42",
    "POST /services/create ContainerSpec-Mounts-Type-image": "1.48",
    "POST /services/create Resources-GenericResources": "1.32",
    "POST /services/create Placement-Preferences": "1.28",  # docker CLI (docker-py: 1.27)
    "POST /services/create Placement-Platforms": "1.30",
    "POST /services/create Placement-MaxReplicas": "1.40",
    "POST /services/create UpdateConfig-Monitor": "1.25",
    "POST /services/create UpdateConfig-MaxFailureRatio": "1.25",
    "POST /services/create UpdateConfig-FailureAction-rollback": "1.28",
    "POST /services/create UpdateConfig-Order": "1.29",
    "POST /services/create RollbackConfig": "1.28",
    "POST /services/create RollbackConfig-Order": "1.29",
    "POST /services/create EndpointSpec-Ports-PublishMode": "1.25",  # Docker 1.13 (docker-py: 1.32)
    "POST /services/create Mode-ReplicatedJob": "1.41",
    "POST /services/create Mode-GlobalJob": "1.41",
    # secrets and configs
    "GET /secrets": "1.25",
    "GET /secrets/{id}": "1.25",
    "POST /secrets/create": "1.25",
    "POST /secrets/{id}/update": "1.25",
    "DELETE /secrets/{id}": "1.25",
    "POST /secrets/create Driver": "1.31",
    "POST /secrets/create Templating": "1.37",
    "GET /configs": "1.30",
    "GET /configs/{id}": "1.30",
    "POST /configs/create": "1.30",
    "POST /configs/{id}/update": "1.30",
    "DELETE /configs/{id}": "1.30",
    "POST /configs/create Templating": "1.37",
    # plugins and session
    # plugins: experimental in 1.24 (another API: v1.24.md 3.6), managed plugins from 1.25
    "GET /plugins": "1.25",
    "GET /plugins filters": "1.28",  # first in the v1.28 spec; not in CHANGELOG
    "GET /plugins/privileges": "1.25",
    "POST /plugins/pull": "1.25",
    "GET /plugins/{name}/json": "1.25",
    "DELETE /plugins/{name}": "1.25",
    "POST /plugins/{name}/enable": "1.25",
    "POST /plugins/{name}/disable": "1.25",
    "POST /plugins/{name}/disable force": "1.28",
    "POST /plugins/{name}/upgrade": "1.26",
    "POST /plugins/create": "1.25",
    "POST /plugins/{name}/push": "1.25",
    "POST /plugins/{name}/set": "1.25",
    # experimental daemons only until 1.39 (CHANGELOG v1.31, v1.39)
    "POST /session": "1.31",
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
    # As for connect: docker-py sends an endpoint's MacAddress from 1.25, daemons before 1.44 take it.
    "POST /containers/create EndpointsConfig-MacAddress": "1.25",
    "POST /containers/create EndpointsConfig-multiple": "1.44",
    "POST /containers/create EndpointsConfig-GwPriority": "1.48",
    # exec and attach
    "POST /containers/{id}/exec Env": "1.25",
    "POST /containers/{id}/exec WorkingDir": "1.35",
    "POST /containers/{id}/exec ConsoleSize": "1.42",
    # ("POST /exec/{id}/start ConsoleSize": "1.42" above is right: absent from the v1.41 spec,
    # it came in v1.42 with the exec-create field the CHANGELOG names.)
    # API 1.42+ daemons say by Content-Type whether a hijacked stream is multiplexed
    "POST /containers/{id}/attach Content-Type": "1.42",
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
