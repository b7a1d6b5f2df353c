"""Swarm request bodies: the ``SwarmSpec`` of ``init_swarm``/``update_swarm`` and its external CAs.

Both are dicts checked when built; ``SwarmSpec`` takes the API version, as docker-py's does, and
refuses settings that version lacks.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from ..errors import InvalidType, InvalidVersion
from ..utils.containers import require_param
from ..versions import version_lt

__all__ = ["SwarmExternalCA", "SwarmSpec"]

_UPDATE = "POST /swarm/update"


def _count(value: Any, what: str) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidType(f"{what} must be a non-negative integer, not {value!r}")
    return value


def _optional_str(value: Any, what: str) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise InvalidType(f"{what} must be a string, not {value!r}")
    return value


def _str_map(value: Any, what: str) -> Optional[Dict[str, str]]:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InvalidType(f"{what} must be a dict of strings to strings, not {value!r}")
    return dict(value)


class SwarmSpec(Dict[str, Any]):
    """A swarm's settings, for ``init_swarm(swarm_spec=...)`` and ``update_swarm``.

    Build it with ``client.create_swarm_spec(...)``, which passes the client's API version.
    ``update_swarm`` replaces the whole spec: start from ``inspect_swarm()["Spec"]`` to change
    one setting.

    Args:
        version: the API version the request goes to.
        task_history_retention_limit: tasks kept in the history of each slot.
        snapshot_interval: raft log entries between snapshots.
        keep_old_snapshots: snapshots kept besides the current one.
        log_entries_for_slow_followers: log entries kept for slow followers after a snapshot.
        heartbeat_tick: raft ticks between heartbeats.
        election_tick: raft ticks without a leader before an election.
        dispatcher_heartbeat_period: nanoseconds between an agent's heartbeats.
        node_cert_expiry: nanoseconds node certificates are valid for.
        external_cas: :class:`SwarmExternalCA` objects to forward signing requests to (more
            than one needs API 1.25).
        name: the swarm's name (``default``).
        labels: the swarm's labels.
        signing_ca_cert: the signing CA certificate in PEM (API 1.30+).
        signing_ca_key: the signing CA key in PEM (API 1.30+).
        ca_force_rotate: change it to make the swarm generate a new CA (API 1.30+).
        autolock_managers: lock the managers' raft data with a key (API 1.25+).
        log_driver: the default :class:`~docker_client.types.DriverConfig` for task logs (API 1.25+).

    Raises:
        InvalidVersion: a setting the API version lacks.
        InvalidArgument: a count that is not a non-negative integer, a setting of the wrong type.

    Example:
        >>> SwarmSpec("1.41", snapshot_interval=5000, log_entries_for_slow_followers=1200)
        {'Raft': {'SnapshotInterval': 5000, 'KeepOldSnapshots': None, ...}}
    """

    def __init__(self, version: str, task_history_retention_limit: Optional[int] = None,
                 snapshot_interval: Optional[int] = None, keep_old_snapshots: Optional[int] = None,
                 log_entries_for_slow_followers: Optional[int] = None, heartbeat_tick: Optional[int] = None,
                 election_tick: Optional[int] = None, dispatcher_heartbeat_period: Optional[int] = None,
                 node_cert_expiry: Optional[int] = None,
                 external_cas: Optional[List[Mapping[str, Any]]] = None,
                 name: Optional[str] = None, labels: Optional[Mapping[str, str]] = None,
                 signing_ca_cert: Optional[str] = None, signing_ca_key: Optional[str] = None,
                 ca_force_rotate: Optional[int] = None, autolock_managers: Optional[bool] = None,
                 log_driver: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__()
        if not isinstance(version, str):
            raise InvalidVersion(f"the API version must be a string such as '1.41', not {version!r}")
        if task_history_retention_limit is not None:
            self["Orchestration"] = {
                "TaskHistoryRetentionLimit": _count(task_history_retention_limit,
                                                    "task_history_retention_limit"),
            }
        raft = {
            "SnapshotInterval": _count(snapshot_interval, "snapshot_interval"),
            "KeepOldSnapshots": _count(keep_old_snapshots, "keep_old_snapshots"),
            "LogEntriesForSlowFollowers": _count(log_entries_for_slow_followers,
                                                 "log_entries_for_slow_followers"),
            "HeartbeatTick": _count(heartbeat_tick, "heartbeat_tick"),
            "ElectionTick": _count(election_tick, "election_tick"),
        }
        # docker-py's rule: the Raft section is sent when any of its values is set and non-zero
        if any(raft.values()):
            self["Raft"] = raft
        if dispatcher_heartbeat_period:
            self["Dispatcher"] = {
                "HeartbeatPeriod": _count(dispatcher_heartbeat_period, "dispatcher_heartbeat_period"),
            }

        ca_config: Dict[str, Any] = {}
        if node_cert_expiry is not None:
            ca_config["NodeCertExpiry"] = _count(node_cert_expiry, "node_cert_expiry")
        if external_cas:
            if not isinstance(external_cas, list) or not all(isinstance(ca, Mapping) for ca in external_cas):
                raise InvalidType(f"external_cas must be a list of SwarmExternalCA, not {external_cas!r}")
            if version_lt(version, "1.25"):
                if len(external_cas) > 1:
                    require_param(version, f"{_UPDATE} CAConfig-ExternalCAs", "external_cas (more than one)")
                ca_config["ExternalCA"] = external_cas[0]
            else:
                ca_config["ExternalCAs"] = external_cas
        if signing_ca_key:
            require_param(version, f"{_UPDATE} CAConfig-SigningCAKey", "signing_ca_key")
            ca_config["SigningCAKey"] = _optional_str(signing_ca_key, "signing_ca_key")
        if signing_ca_cert:
            require_param(version, f"{_UPDATE} CAConfig-SigningCACert", "signing_ca_cert")
            ca_config["SigningCACert"] = _optional_str(signing_ca_cert, "signing_ca_cert")
        if ca_force_rotate is not None:
            require_param(version, f"{_UPDATE} CAConfig-ForceRotate", "ca_force_rotate")
            ca_config["ForceRotate"] = _count(ca_force_rotate, "ca_force_rotate")
        if ca_config:
            self["CAConfig"] = ca_config

        if autolock_managers is not None:
            require_param(version, f"{_UPDATE} EncryptionConfig", "autolock_managers")
            if not isinstance(autolock_managers, bool):
                raise InvalidType(f"autolock_managers must be True or False, not {autolock_managers!r}")
            self["EncryptionConfig"] = {"AutoLockManagers": autolock_managers}
        if log_driver is not None:
            require_param(version, f"{_UPDATE} TaskDefaults", "log_driver")
            if not isinstance(log_driver, Mapping):
                raise InvalidType(f"log_driver must be a DriverConfig, not {log_driver!r}")
            self["TaskDefaults"] = {"LogDriver": log_driver}

        if name is not None:
            self["Name"] = _optional_str(name, "name")
        if labels is not None:
            self["Labels"] = _str_map(labels, "labels")


class SwarmExternalCA(Dict[str, Any]):
    """An external certificate authority a swarm forwards signing requests to.

    Args:
        url: where certificate signing requests are sent.
        protocol: the protocol spoken to it (``cfssl``).
        options: protocol-specific options.
        ca_cert: the root CA certificate (PEM) the external CA issues under; default the
            swarm's current root CA.

    Raises:
        InvalidArgument: a URL that is not a non-empty string, options that are not strings.
    """

    def __init__(self, url: str, protocol: Optional[str] = None, options: Optional[Mapping[str, str]] = None,
                 ca_cert: Optional[str] = None) -> None:
        super().__init__()
        if not isinstance(url, str) or not url:
            raise InvalidType(f"SwarmExternalCA url must be a non-empty string, not {url!r}")
        self["URL"] = url
        self["Protocol"] = _optional_str(protocol, "SwarmExternalCA protocol")
        self["Options"] = _str_map(options, "SwarmExternalCA options")
        self["CACert"] = _optional_str(ca_cert, "SwarmExternalCA ca_cert")
