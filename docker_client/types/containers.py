"""Container request bodies: ``ContainerConfig``, ``HostConfig`` and the pieces they are made of.

Each builder is a dict (it goes into a request as it is) that checks its arguments when built:
bad input raises ``InvalidArgument``, a setting the API version lacks raises ``InvalidVersion``.
"""
from __future__ import annotations

import ipaddress
import posixpath
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union

from ..errors import InvalidArgument, InvalidType, InvalidVersion
from ..utils.containers import (
    PROPAGATION_MODES,
    convert_port_bindings,
    convert_tmpfs_mounts,
    convert_volume_binds,
    format_extra_hosts,
    normalize_links,
    parse_devices,
    require_before,
    require_param,
    split_command,
)
from ..utils.convert import format_environment, parse_bytes
from ..versions import parse_version
from .healthcheck import Healthcheck

D = TypeVar("D", bound=Dict[str, Any])
Bytes = Union[int, float, str]
_CREATE = "POST /containers/create"


# -- argument checks shared by the builders --------------------------------------------------------

def _from_mapping(cls: Type[D], value: Any, param: str) -> D:
    """``value`` if it is already a ``cls``, else ``cls(**value)`` for a dict of its arguments."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, Mapping):
        raise InvalidType(f"{param} entries must be {cls.__name__} or dicts, not {value!r}")
    try:
        return cls(**value)
    except TypeError as exc:
        # an unknown key (a typo such as "Nmae"), or a key that is not a string
        raise InvalidType(f"invalid {param} entry {dict(value)!r}: {exc}") from None


def _int(value: Any, param: str, low: Optional[int] = None, high: Optional[int] = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidType(
            f"Invalid type for {param} param: expected int but found {type(value).__name__} ({value!r})"
        )
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"{low if low is not None else '-inf'}..{high if high is not None else 'inf'}"
        raise InvalidArgument(f"Invalid value for {param} param: {value} is outside {bounds}")
    return value


def _bytes(value: Any, param: str, allow_unlimited: bool = False) -> int:
    """A size in bytes: a number (a float is truncated), or a string with a b/k/m/g unit (``"512m"``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidType(
            f"Invalid type for {param} param: expected int or str (e.g. '512m') but found "
            f"{type(value).__name__} ({value!r})"
        )
    try:
        number = parse_bytes(value)
    except (InvalidArgument, ValueError, OverflowError):  # also NaN and infinity
        raise InvalidType(
            f"Invalid value for {param} param: {value!r} (expected bytes, e.g. 1048576, '512k', '1g')"
        ) from None
    if number < 0 and not (allow_unlimited and number == -1):
        allowed = " (or -1 for unlimited)" if allow_unlimited else ""
        raise InvalidArgument(f"Invalid value for {param} param: {value!r} is negative{allowed}")
    return number


def _str(value: Any, param: str) -> str:
    if not isinstance(value, str):
        raise InvalidType(
            f"Invalid type for {param} param: expected str but found {type(value).__name__} ({value!r})"
        )
    return value


def _str_list(value: Any, param: str) -> List[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)) or not all(
            isinstance(item, str) for item in value):
        raise InvalidType(
            f"Invalid type for {param} param: expected a list of strings but found {value!r}"
        )
    return list(value)


def _str_map(value: Any, param: str) -> Dict[str, str]:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InvalidType(
            f"Invalid type for {param} param: expected a dict of strings but found {value!r}"
        )
    return dict(value)


def _one_of(value: Any, param: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise InvalidArgument(
            f"Invalid value for {param} param: {value!r} (expected one of {', '.join(map(repr, allowed))})"
        )
    return str(value)


def _check_version(version: str) -> str:
    if not isinstance(version, str):
        raise InvalidVersion(f"the API version must be a string such as '1.41', not {version!r}")
    parse_version(version)
    return version


# -- small types ---------------------------------------------------------------------------------

class LogConfigTypesEnum:
    """Logging drivers the daemon ships with (plugins add others)."""

    JSON = "json-file"
    SYSLOG = "syslog"
    JOURNALD = "journald"
    GELF = "gelf"
    FLUENTD = "fluentd"
    NONE = "none"
    LOCAL = "local"
    AWSLOGS = "awslogs"
    SPLUNK = "splunk"
    ETWLOGS = "etwlogs"
    GCPLOGS = "gcplogs"
    _values = (JSON, SYSLOG, JOURNALD, GELF, FLUENTD, NONE, LOCAL, AWSLOGS, SPLUNK, ETWLOGS, GCPLOGS)


class LogConfig(Dict[str, Any]):
    """A container's logging driver and its options, for ``HostConfig(log_config=...)``.

    Args:
        type: the driver: one of :attr:`types` (``LogConfig.types.JSON``...) or a plugin's name.
        config: the driver's options, strings to strings (``{"max-size": "10m"}``).

    ``Type`` and ``Config`` are accepted too, so an inspected ``LogConfig`` can be passed back.

    Raises:
        InvalidArgument: ``type`` not a string, ``config`` not a dict of strings.

    Example:
        >>> LogConfig(type=LogConfig.types.JSON, config={"max-size": "1g"})
        {'Type': 'json-file', 'Config': {'max-size': '1g'}}
    """

    types = LogConfigTypesEnum

    def __init__(self, *, type: Optional[str] = None, config: Optional[Mapping[str, str]] = None,
                 Type: Optional[str] = None, Config: Optional[Mapping[str, str]] = None) -> None:
        super().__init__()
        driver = type if type is not None else Type
        options = config if config is not None else Config
        if driver is not None and not isinstance(driver, str):
            raise InvalidType(f"LogConfig.type must be a string, not {driver!r}")
        if options and not isinstance(options, Mapping):
            raise InvalidType("LogConfig.config must be a dictionary")
        options = dict(options or {})
        for key, value in options.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise InvalidType(
                    f"LogConfig.config must map strings to strings: {key!r}: {value!r} is not"
                )
        self["Type"] = driver
        self["Config"] = options

    @property
    def type(self) -> Optional[str]:
        return self["Type"]  # type: ignore[no-any-return]

    @type.setter
    def type(self, value: Optional[str]) -> None:
        self["Type"] = value

    @property
    def config(self) -> Dict[str, str]:
        return self["Config"]  # type: ignore[no-any-return]

    def set_config_value(self, key: str, value: str) -> None:
        """Set one driver option."""
        self.config[key] = value

    def unset_config(self, key: str) -> None:
        """Remove one driver option, if set."""
        self.config.pop(key, None)


class Ulimit(Dict[str, Any]):
    """One resource limit (``nofile``, ``nproc``, ``core``...), for ``HostConfig(ulimits=[...])``.

    Args:
        name: the limit's name, as in ``/etc/security/limits.conf``.
        soft: the soft limit.
        hard: the hard limit.

    ``Name``, ``Soft`` and ``Hard`` are accepted too.

    Raises:
        InvalidArgument: a name that is not a non-empty string, a limit that is not an int, a
            soft limit above the hard one.

    Example:
        >>> Ulimit(name="nofile", soft=1024, hard=2048)
        {'Name': 'nofile', 'Soft': 1024, 'Hard': 2048}
    """

    def __init__(self, *, name: Optional[str] = None, soft: Optional[int] = None,
                 hard: Optional[int] = None, Name: Optional[str] = None, Soft: Optional[int] = None,
                 Hard: Optional[int] = None) -> None:
        super().__init__()
        name = name if name is not None else Name
        soft = soft if soft is not None else Soft
        hard = hard if hard is not None else Hard
        if not isinstance(name, str) or not name:
            raise InvalidType(f"Ulimit.name must be a string, not {name!r}")
        for value, what in ((soft, "soft"), (hard, "hard")):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise InvalidType(f"Ulimit.{what} must be an integer, not {value!r}")
        if soft is not None and hard is not None and hard >= 0 and soft > hard:
            raise InvalidArgument(f"Ulimit {name}: the soft limit {soft} is above the hard limit {hard}")
        self.update({"Name": name, "Soft": soft, "Hard": hard})

    @property
    def name(self) -> str:
        return self["Name"]  # type: ignore[no-any-return]

    @name.setter
    def name(self, value: str) -> None:
        self["Name"] = value

    @property
    def soft(self) -> Optional[int]:
        return self.get("Soft")

    @soft.setter
    def soft(self, value: Optional[int]) -> None:
        self["Soft"] = value

    @property
    def hard(self) -> Optional[int]:
        return self.get("Hard")

    @hard.setter
    def hard(self, value: Optional[int]) -> None:
        self["Hard"] = value


class DeviceRequest(Dict[str, Any]):
    """A request for devices (GPUs...) from a device driver, for ``HostConfig(device_requests=[...])``.

    Args:
        driver: the device driver (``"nvidia"``); empty to choose by capabilities.
        count: how many devices; -1 for all. Give either this or ``device_ids``.
        device_ids: the devices wanted, by id.
        capabilities: an OR-list of AND-lists of capabilities (``[["gpu", "compute"]]``).
        options: driver-specific options.

    The API's names (``Driver``, ``Count``, ``DeviceIDs``, ``Capabilities``, ``Options``) are
    accepted too.

    Raises:
        InvalidArgument: an argument of the wrong type.
    """

    def __init__(self, *, driver: Optional[str] = None, count: Optional[int] = None,
                 device_ids: Optional[List[str]] = None, capabilities: Optional[List[List[str]]] = None,
                 options: Optional[Mapping[str, str]] = None, Driver: Optional[str] = None,
                 Count: Optional[int] = None, DeviceIDs: Optional[List[str]] = None,
                 Capabilities: Optional[List[List[str]]] = None,
                 Options: Optional[Mapping[str, str]] = None) -> None:
        super().__init__()
        driver = driver if driver is not None else Driver
        count = count if count is not None else Count
        device_ids = device_ids if device_ids is not None else DeviceIDs
        capabilities = capabilities if capabilities is not None else Capabilities
        options = options if options is not None else Options
        if driver is None:
            driver = ""
        elif not isinstance(driver, str):
            raise InvalidType("DeviceRequest.driver must be a string")
        if count is None:
            count = 0
        elif isinstance(count, bool) or not isinstance(count, int):
            raise InvalidType("DeviceRequest.count must be an integer")
        if device_ids is None:
            device_ids = []
        elif not isinstance(device_ids, list) or not all(isinstance(i, str) for i in device_ids):
            raise InvalidType("DeviceRequest.device_ids must be a list of strings")
        if capabilities is None:
            capabilities = []
        elif not isinstance(capabilities, list) or not all(
                isinstance(group, list) and all(isinstance(c, str) for c in group) for group in capabilities):
            raise InvalidType("DeviceRequest.capabilities must be a list of lists of strings")
        if options is None:
            options = {}
        elif not isinstance(options, Mapping):
            raise InvalidType("DeviceRequest.options must be a dict")
        self.update({
            "Driver": driver,
            "Count": count,
            "DeviceIDs": device_ids,
            "Capabilities": capabilities,
            "Options": options,
        })

    @property
    def driver(self) -> str:
        return self["Driver"]  # type: ignore[no-any-return]

    @driver.setter
    def driver(self, value: str) -> None:
        self["Driver"] = value

    @property
    def count(self) -> int:
        return self["Count"]  # type: ignore[no-any-return]

    @count.setter
    def count(self, value: int) -> None:
        self["Count"] = value

    @property
    def device_ids(self) -> List[str]:
        return self["DeviceIDs"]  # type: ignore[no-any-return]

    @device_ids.setter
    def device_ids(self, value: List[str]) -> None:
        self["DeviceIDs"] = value

    @property
    def capabilities(self) -> List[List[str]]:
        return self["Capabilities"]  # type: ignore[no-any-return]

    @capabilities.setter
    def capabilities(self, value: List[List[str]]) -> None:
        self["Capabilities"] = value

    @property
    def options(self) -> Dict[str, str]:
        return self["Options"]  # type: ignore[no-any-return]

    @options.setter
    def options(self, value: Dict[str, str]) -> None:
        self["Options"] = value


class DriverConfig(Dict[str, Any]):
    """A driver's name and options: a volume :class:`Mount`'s ``driver_config``, a secret's driver.

    Args:
        name: the driver's name.
        options: the driver's options.
    """

    def __init__(self, name: str, options: Optional[Mapping[str, str]] = None) -> None:
        super().__init__()
        self["Name"] = _str(name, "DriverConfig name")
        if options:
            self["Options"] = _str_map(options, "DriverConfig options")


class RestartConditionTypesEnum:
    """When a swarm service's task is restarted."""

    NONE = "none"
    ON_FAILURE = "on-failure"
    ANY = "any"
    _values = (NONE, ON_FAILURE, ANY)


class RestartPolicy(Dict[str, Any]):
    """A swarm service's restart policy (for a ``ContainerSpec``; a plain container's
    ``HostConfig(restart_policy=...)`` is ``{"Name": "always"}``-style instead).

    Args:
        condition: ``none``, ``on-failure`` or ``any``.
        delay: nanoseconds between restart attempts.
        max_attempts: attempts before giving up; 0 for no limit.
        window: nanoseconds over which restarts are counted; 0 for unbounded.

    Raises:
        InvalidArgument: an unknown condition, or a negative number.
    """

    condition_types = RestartConditionTypesEnum

    def __init__(self, condition: str = RestartConditionTypesEnum.NONE, delay: int = 0,
                 max_attempts: int = 0, window: int = 0) -> None:
        super().__init__()
        if condition not in RestartConditionTypesEnum._values:
            raise InvalidType(  # docker-py: TypeError
                f"Invalid RestartPolicy condition {condition!r} (expected none, on-failure or any)"
            )
        self["Condition"] = condition
        self["Delay"] = _int(delay, "RestartPolicy delay", 0)
        self["MaxAttempts"] = _int(max_attempts, "RestartPolicy max_attempts", 0)
        self["Window"] = _int(window, "RestartPolicy window", 0)


# -- mounts --------------------------------------------------------------------------------------

MOUNT_TYPES = ("bind", "volume", "tmpfs", "npipe", "image", "cluster")
_CONSISTENCY = ("default", "consistent", "cached", "delegated")


def _subpath(value: Any) -> str:
    path = _str(value, "subpath")
    if not path or path.startswith("/") or ".." in posixpath.normpath(path).split("/"):
        raise InvalidArgument(f"Invalid value for subpath param: {path!r} must be relative, without '..'")
    return path


def _tmpfs_options(value: Any) -> List[List[str]]:
    ok = isinstance(value, (list, tuple)) and all(
        isinstance(option, (list, tuple)) and 1 <= len(option) <= 2
        and all(isinstance(part, str) for part in option) for option in value)
    if not ok:
        raise InvalidArgument(
            f"Invalid value for tmpfs_options param: {value!r} "
            "(expected e.g. [['noexec'], ['nr_inodes', '1k']])"
        )
    return [list(option) for option in value]


class Mount(Dict[str, Any]):
    """One mount of a container (``HostConfig(mounts=[...])``) or of a service's ``ContainerSpec``.

    Args:
        target: the path in the container.
        source: a volume name, a host path, an image reference; None for tmpfs.
        type: ``bind``, ``volume``, ``tmpfs``, ``npipe``, ``image`` (API 1.48+) or ``cluster``
            (API 1.42+).
        read_only: mount read-only.
        consistency: ``default``, ``consistent``, ``cached`` or ``delegated`` (API 1.28+).
        propagation: bind only: ``[r]private``, ``[r]shared`` or ``[r]slave``.
        no_copy: volume only: don't copy the image's files at the target into a new volume.
        labels: volume only: labels of a volume created for the mount.
        driver_config: volume only: a :class:`DriverConfig` for a volume created for the mount.
        tmpfs_size: tmpfs only: the size in bytes, or a string such as ``"64m"``.
        tmpfs_mode: tmpfs only: the permission bits, e.g. ``0o1777``.
        non_recursive: bind only: don't bind submounts (API 1.40+).
        create_mountpoint: bind only: create the host path if it is missing (API 1.42+).
        read_only_non_recursive: bind only: make only the mount itself read-only, not its
            submounts (API 1.44+).
        read_only_force_recursive: bind only: fail if submounts can't be made read-only (API 1.44+).
        subpath: volume or image only: mount this relative path inside the volume (API 1.45+)
            or image (API 1.48+).
        tmpfs_options: tmpfs only: mount options as ``[["noexec"], ["nr_inodes", "1k"]]``
            (API 1.46+).

    The API versions are checked by ``HostConfig`` (where the version is known).

    Raises:
        InvalidArgument: an unknown type, consistency or propagation; options of another mount
            type (``Incompatible options have been provided for the bind type mount.``); a
            ``tmpfs_mode`` that is not an int; a bad size, subpath or tmpfs option.

    Example:
        >>> Mount("/data", "/srv/data", type="bind", read_only=True)
        {'Target': '/data', 'Source': '/srv/data', 'Type': 'bind', 'ReadOnly': True}
    """

    def __init__(self, target: str, source: Optional[str], type: str = "volume", read_only: bool = False,
                 consistency: Optional[str] = None, propagation: Optional[str] = None,
                 no_copy: bool = False, labels: Optional[Mapping[str, str]] = None,
                 driver_config: Optional[Mapping[str, Any]] = None, tmpfs_size: Optional[Bytes] = None,
                 tmpfs_mode: Optional[int] = None, subpath: Optional[str] = None, *,
                 non_recursive: bool = False, create_mountpoint: bool = False,
                 read_only_non_recursive: bool = False, read_only_force_recursive: bool = False,
                 tmpfs_options: Optional[Sequence[Sequence[str]]] = None) -> None:
        super().__init__()
        if not isinstance(target, str) or not target:
            raise InvalidType(f"Mount target must be a non-empty path, not {target!r}")
        if source is not None and not isinstance(source, str):
            raise InvalidType(f"Mount source must be a string or None, not {source!r}")
        if type not in MOUNT_TYPES:
            raise InvalidArgument(f'Unsupported mount type: "{type}"')
        self["Target"] = target
        self["Source"] = source
        self["Type"] = type
        self["ReadOnly"] = read_only
        if consistency:
            self["Consistency"] = _one_of(consistency, "consistency", _CONSISTENCY)

        bind_only: List[Any] = [propagation, non_recursive, create_mountpoint, read_only_non_recursive,
                     read_only_force_recursive]
        volume_only: List[Any] = [no_copy, labels, driver_config]
        tmpfs_only: List[Any] = [tmpfs_size, tmpfs_mode, tmpfs_options]
        if type == "bind":
            others = volume_only + tmpfs_only + [subpath]
            options: dict[str, Any] = {}
            if propagation is not None:
                options["Propagation"] = _one_of(propagation, "propagation", PROPAGATION_MODES)
            for flag, key in ((non_recursive, "NonRecursive"), (create_mountpoint, "CreateMountpoint"),
                              (read_only_non_recursive, "ReadOnlyNonRecursive"),
                              (read_only_force_recursive, "ReadOnlyForceRecursive")):
                if flag:
                    options[key] = True
            if options:
                self["BindOptions"] = options
        elif type == "volume":
            others = bind_only + tmpfs_only
            options = {}
            if no_copy:
                options["NoCopy"] = True
            if labels:
                options["Labels"] = _str_map(labels, "labels")
            if driver_config:
                # {"name": ...} as docker-py passes it on: the daemon matches JSON keys in any case
                if not isinstance(driver_config, Mapping) or not ({"Name", "name"} & set(driver_config)):
                    raise InvalidType(f"driver_config must be a DriverConfig, not {driver_config!r}")
                options["DriverConfig"] = driver_config
            if subpath is not None:
                options["Subpath"] = _subpath(subpath)
            if options:
                self["VolumeOptions"] = options
        elif type == "tmpfs":
            others = bind_only + volume_only + [subpath]
            options = {}
            if tmpfs_mode:
                if isinstance(tmpfs_mode, bool) or not isinstance(tmpfs_mode, int):
                    raise InvalidType("tmpfs_mode must be an integer")
                options["Mode"] = tmpfs_mode
            if tmpfs_size:
                options["SizeBytes"] = _bytes(tmpfs_size, "tmpfs_size")
            if tmpfs_options is not None:
                options["Options"] = _tmpfs_options(tmpfs_options)
            if options:
                self["TmpfsOptions"] = options
        elif type == "image":
            others = bind_only + volume_only + tmpfs_only
            if subpath is not None:
                self["ImageOptions"] = {"Subpath": _subpath(subpath)}
        else:  # npipe, cluster
            others = bind_only + volume_only + tmpfs_only + [subpath]
        if any(option for option in others if option is not None):
            raise InvalidArgument(f"Incompatible options have been provided for the {type} type mount.")

    @classmethod
    def parse_mount_string(cls, string: str) -> Mount:
        """A mount from ``"[source:]target[:mode]"``, as ``docker run -v`` takes it.

        A source starting with ``/`` makes a bind mount, another a volume; a mode other than
        ``rw`` makes the mount read-only.

        Raises:
            InvalidArgument: more than three parts.
        """
        parts = _str(string, "mount").split(":")
        if len(parts) > 3:
            raise InvalidArgument(f'Invalid mount format "{string}"')
        if len(parts) == 1:
            return cls(target=parts[0], source=None)
        source, target = parts[0], parts[1]
        mount_type = "bind" if source.startswith("/") else "volume"
        read_only = not (len(parts) == 2 or parts[2] == "rw")
        return cls(target, source, read_only=read_only, type=mount_type)


_MOUNT_GATES = (
    # (options key or None, key inside it, feature)
    (None, "Consistency", f"{_CREATE} Mounts-Consistency"),
    ("BindOptions", "NonRecursive", f"{_CREATE} Mounts-BindOptions-NonRecursive"),
    ("BindOptions", "CreateMountpoint", f"{_CREATE} Mounts-BindOptions-CreateMountpoint"),
    ("BindOptions", "ReadOnlyNonRecursive", f"{_CREATE} Mounts-BindOptions-ReadOnlyNonRecursive"),
    ("BindOptions", "ReadOnlyForceRecursive", f"{_CREATE} Mounts-BindOptions-ReadOnlyForceRecursive"),
    ("VolumeOptions", "Subpath", f"{_CREATE} Mounts-VolumeOptions-Subpath"),
    ("TmpfsOptions", "Options", f"{_CREATE} Mounts-TmpfsOptions-Options"),
)


def _mounts(version: str, mounts: Any) -> List[Any]:
    require_param(version, f"{_CREATE} Mounts", "mounts")
    if not isinstance(mounts, (list, tuple)):
        raise InvalidType(f"Invalid type for mounts param: expected a list of Mount but found {mounts!r}")
    result: List[Any] = []
    for mount in mounts:
        if isinstance(mount, str):
            mount = Mount.parse_mount_string(mount)
        if not isinstance(mount, Mapping) or "Target" not in mount:
            raise InvalidType(f"mounts entries must be Mount objects or mount strings, not {mount!r}")
        mount_type = mount.get("Type")
        if mount_type in ("image", "cluster"):
            require_param(version, f"{_CREATE} Mounts-Type-{mount_type}", f"mounts Type {mount_type!r}")
        for options_key, key, feature in _MOUNT_GATES:
            options = mount if options_key is None else mount.get(options_key) or {}
            if options.get(key):
                label = f"mounts {options_key}.{key}" if options_key else f"mounts {key}"
                require_param(version, feature, label)
        result.append(mount)
    return result


# -- HostConfig ----------------------------------------------------------------------------------

_RESTART_POLICIES = ("", "no", "always", "unless-stopped", "on-failure")
_ISOLATION = ("default", "process", "hyperv", "")


def _restart_policy(value: Any) -> Dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidType(
            f"Invalid type for restart_policy param: expected dict (e.g. {{'Name': 'always'}}) "
            f"but found {type(value).__name__}"
        )
    unknown = set(value) - {"Name", "MaximumRetryCount"}
    if unknown:
        raise InvalidArgument(
            f"Invalid restart_policy {dict(value)!r}: unknown keys {sorted(unknown)} "
            "(expected Name and MaximumRetryCount)"
        )
    name = value.get("Name", "")
    if name not in _RESTART_POLICIES:
        raise InvalidArgument(
            f"Invalid restart_policy name {name!r} (expected one of no, always, unless-stopped, on-failure)"
        )
    retries = value.get("MaximumRetryCount")
    if retries is not None:
        _int(retries, "restart_policy MaximumRetryCount", 0)
        if retries and name != "on-failure":
            raise InvalidArgument(
                f"Invalid restart_policy {dict(value)!r}: MaximumRetryCount needs Name 'on-failure'"
            )
    return dict(value)


def _throttle(value: Any, param: str, key: str) -> List[Dict[str, Any]]:
    ok = isinstance(value, list) and all(
        isinstance(entry, Mapping) and set(entry) == {"Path", key} and isinstance(entry["Path"], str)
        and not isinstance(entry[key], bool) and isinstance(entry[key], int) and entry[key] >= 0
        for entry in value)
    if not ok:
        raise InvalidArgument(
            f"Invalid type for {param} param: expected a list like [{{'Path': '/dev/sda', '{key}': 1000}}] "
            f"but found {value!r}"
        )
    return value  # type: ignore[no-any-return]


def _dns(value: Any) -> List[str]:
    servers = _str_list(value, "dns")
    for server in servers:
        try:
            ipaddress.ip_address(server)
        except ValueError:
            raise InvalidArgument(f"Invalid value for dns param: {server!r} is not an IP address") from None
    return servers


def _extra_hosts(value: Any) -> List[str]:
    if isinstance(value, Mapping):
        value = format_extra_hosts(value)
    hosts = _str_list(value, "extra_hosts")
    for host in hosts:
        if ":" not in host and "=" not in host:
            raise InvalidArgument(f"Invalid value for extra_hosts param: {host!r} (expected 'hostname:ip')")
    return hosts


def _console_size(value: Any) -> List[int]:
    if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in value):
        raise InvalidType(f"Invalid value for console_size param: {value!r} (expected (height, width))")
    return list(value)


class HostConfig(Dict[str, Any]):
    """A container's host-dependent settings (the API's ``HostConfig``), as docker-py builds it.

    Build it with ``client.create_host_config(...)``, which passes the client's API version.
    Arguments left at their defaults are left out (``NetworkMode`` is always sent, ``default``
    unless given).

    Args:
        version: the API version the request goes to.
        binds: volumes to bind: ``["/host:/ctr:ro"]`` or ``{"/host": {"bind": "/ctr", "mode": "ro"}}``
            (see :func:`~docker_client.utils.convert_volume_binds`).
        port_bindings: container port -> host port(s): ``{80: 8080, "53/udp": ("127.0.0.1", 53)}``
            (see :func:`~docker_client.utils.convert_port_bindings`). Not with ``network_mode="host"``.
        lxc_conf: LXC options, a dict or ``[{"Key": ..., "Value": ...}]`` (ignored by daemons
            since API 1.22).
        publish_all_ports: publish every exposed port on a random host port.
        links: ``{"container": "alias"}``.
        privileged: give the container extended privileges.
        dns: DNS server addresses.
        dns_search: DNS search domains.
        volumes_from: containers (``"name[:ro|rw]"``) to take volumes from; a string is split at commas.
        network_mode: ``bridge``, ``host``, ``none``, ``container:<name|id>`` or a network's name.
        restart_policy: ``{"Name": "on-failure", "MaximumRetryCount": 3}``; names are ``no``,
            ``always``, ``unless-stopped``, ``on-failure``.
        cap_add: kernel capabilities to add (``["SYS_ADMIN"]``).
        cap_drop: kernel capabilities to drop.
        devices: host devices, ``["/dev/sda:/dev/xvda:rwm"]`` (see
            :func:`~docker_client.utils.parse_devices`).
        extra_hosts: ``{"hostname": "ip"}`` or ``["hostname:ip"]``: extra ``/etc/hosts`` lines.
        read_only: mount the root filesystem read-only.
        pid_mode: ``host`` or ``container:<name|id>``.
        ipc_mode: ``none``, ``private``, ``shareable``, ``host`` or ``container:<name|id>``.
        security_opt: e.g. ``["no-new-privileges"]``.
        ulimits: :class:`Ulimit` objects or dicts of their arguments.
        log_config: a :class:`LogConfig` or a dict of its arguments.
        mem_limit: memory limit: bytes, or a string with a unit (``"512m"``).
        memswap_limit: memory plus swap limit (-1 for unlimited swap).
        mem_reservation: memory soft limit.
        kernel_memory: kernel memory limit (deprecated in API 1.41, ignored from 1.42).
        mem_swappiness: 0-100 (-1: the daemon's default).
        cgroup_parent: the parent cgroup.
        group_add: additional groups (names or ids) for the container's process.
        cpu_quota: microseconds of CPU time per ``cpu_period``.
        cpu_period: the CPU CFS period in microseconds.
        blkio_weight: block IO weight, 10-1000.
        blkio_weight_device: ``[{"Path": "/dev/sda", "Weight": 500}]``.
        device_read_bps: ``[{"Path": "/dev/sda", "Rate": 1048576}]``; likewise
            ``device_write_bps``, ``device_read_iops``, ``device_write_iops``.
        oom_kill_disable: disable the OOM killer.
        shm_size: size of ``/dev/shm``: bytes or a string such as ``"1g"``.
        sysctls: kernel parameters; values are turned into strings.
        tmpfs: ``{"/run": "size=64m"}`` or ``["/run:size=64m"]``.
        oom_score_adj: -1000 to 1000.
        dns_opt: ``resolv.conf`` options.
        cpu_shares: relative CPU weight.
        cpuset_cpus: CPUs to run on (``"0-3"``, ``"0,1"``).
        userns_mode: ``host`` (the only value).
        uts_mode: ``host`` (the only value).
        pids_limit: the pids limit; -1 for unlimited.
        isolation: ``default``, ``process`` or ``hyperv`` (Windows).
        auto_remove: remove the container when it exits (API 1.25+).
        storage_opt: storage driver options, ``{"size": "10G"}``.
        init: run an init process in the container (API 1.25+).
        init_path: the init binary (API 1.25 to 1.28: removed in 1.29).
        volume_driver: the driver for volumes named in ``binds``.
        cpu_count: usable CPUs (Windows, API 1.25+).
        cpu_percent: usable percentage of the CPUs (Windows).
        nano_cpus: CPU quota in billionths of a CPU (API 1.25+).
        cpuset_mems: memory nodes to use (``"0-3"``).
        runtime: the OCI runtime (API 1.25+).
        mounts: :class:`Mount` objects or ``"source:target[:mode]"`` strings (API 1.25+; their
            newer options are checked against the version too).
        cpu_rt_period: the real-time period in microseconds (API 1.25+).
        cpu_rt_runtime: the real-time runtime in microseconds (API 1.25+).
        device_cgroup_rules: cgroup rules such as ``"c 13:* rwm"`` (API 1.28+).
        device_requests: :class:`DeviceRequest` objects or dicts (API 1.40+).
        cgroupns: ``private`` or ``host`` (API 1.41+).
        annotations: metadata passed to the runtime (API 1.43+).
        console_size: the initial ``(height, width)`` of a TTY (API 1.42+).
        masked_paths: paths to mask in the container, replacing the default set (API 1.38+).
        readonly_paths: paths to make read-only, replacing the default set (API 1.38+).
        cgroup: the cgroup to use (API 1.25+).
        kernel_memory_tcp: kernel TCP buffer limit (API 1.40 to 1.51: removed in 1.52).
        io_maximum_iops: maximum IO per second for the system drive (Windows).
        io_maximum_bandwidth: maximum bytes per second for the system drive (Windows).
        container_id_file: recorded for information; the docker CLI, not the daemon, writes it.

    Raises:
        InvalidVersion: an argument the API version does not have (or no longer has).
        InvalidArgument: an argument of the wrong type or value: a malformed port, bind,
            device, tmpfs or mount; a bad restart policy name; a negative or malformed size
            (``mem_limit="12x"``); a ulimit, log config or device request dict with unknown keys;
            an unknown isolation, cgroupns, userns or UTS mode; ``port_bindings`` with
            ``network_mode="host"``.

    Example:
        >>> HostConfig("1.41", mem_limit="256m", restart_policy={"Name": "always"})
        {'Memory': 268435456, 'NetworkMode': 'default', 'RestartPolicy': {'Name': 'always'}}
    """

    def __init__(self, version: str, binds: Optional[Union[List[str], Mapping[Any, Any]]] = None,
                 port_bindings: Optional[Mapping[Any, Any]] = None,
                 lxc_conf: Optional[Union[Mapping[str, Any], List[Dict[str, str]]]] = None,
                 publish_all_ports: bool = False, links: Optional[Any] = None, privileged: bool = False,
                 dns: Optional[List[str]] = None, dns_search: Optional[List[str]] = None,
                 volumes_from: Optional[Union[str, List[str]]] = None, network_mode: Optional[str] = None,
                 restart_policy: Optional[Mapping[str, Any]] = None, cap_add: Optional[List[str]] = None,
                 cap_drop: Optional[List[str]] = None, devices: Optional[List[Any]] = None,
                 extra_hosts: Optional[Union[Mapping[str, str], List[str]]] = None,
                 read_only: Optional[bool] = None, pid_mode: Optional[str] = None,
                 ipc_mode: Optional[str] = None, security_opt: Optional[List[str]] = None,
                 ulimits: Optional[List[Any]] = None, log_config: Optional[Mapping[str, Any]] = None,
                 mem_limit: Optional[Bytes] = None, memswap_limit: Optional[Bytes] = None,
                 mem_reservation: Optional[Bytes] = None, kernel_memory: Optional[Bytes] = None,
                 mem_swappiness: Optional[int] = None, cgroup_parent: Optional[str] = None,
                 group_add: Optional[List[Union[str, int]]] = None, cpu_quota: Optional[int] = None,
                 cpu_period: Optional[int] = None, blkio_weight: Optional[int] = None,
                 blkio_weight_device: Optional[List[Dict[str, Any]]] = None,
                 device_read_bps: Optional[List[Dict[str, Any]]] = None,
                 device_write_bps: Optional[List[Dict[str, Any]]] = None,
                 device_read_iops: Optional[List[Dict[str, Any]]] = None,
                 device_write_iops: Optional[List[Dict[str, Any]]] = None,
                 oom_kill_disable: bool = False, shm_size: Optional[Bytes] = None,
                 sysctls: Optional[Mapping[str, Any]] = None,
                 tmpfs: Optional[Union[Mapping[str, str], List[str]]] = None,
                 oom_score_adj: Optional[int] = None, dns_opt: Optional[List[str]] = None,
                 cpu_shares: Optional[int] = None, cpuset_cpus: Optional[str] = None,
                 userns_mode: Optional[str] = None, uts_mode: Optional[str] = None,
                 pids_limit: Optional[int] = None, isolation: Optional[str] = None,
                 auto_remove: bool = False, storage_opt: Optional[Mapping[str, str]] = None,
                 init: Optional[bool] = None, init_path: Optional[str] = None,
                 volume_driver: Optional[str] = None, cpu_count: Optional[int] = None,
                 cpu_percent: Optional[int] = None, nano_cpus: Optional[int] = None,
                 cpuset_mems: Optional[str] = None, runtime: Optional[str] = None,
                 mounts: Optional[List[Any]] = None, cpu_rt_period: Optional[int] = None,
                 cpu_rt_runtime: Optional[int] = None, device_cgroup_rules: Optional[List[str]] = None,
                 device_requests: Optional[List[Any]] = None, cgroupns: Optional[str] = None,
                 *, annotations: Optional[Mapping[str, str]] = None,
                 console_size: Optional[Tuple[int, int]] = None,
                 masked_paths: Optional[List[str]] = None, readonly_paths: Optional[List[str]] = None,
                 cgroup: Optional[str] = None, kernel_memory_tcp: Optional[Bytes] = None,
                 io_maximum_iops: Optional[int] = None, io_maximum_bandwidth: Optional[Bytes] = None,
                 container_id_file: Optional[str] = None) -> None:
        super().__init__()
        version = _check_version(version)

        def require(feature: str, param: str) -> None:
            require_param(version, f"{_CREATE} {feature}", param)

        # memory
        if mem_limit is not None:
            self["Memory"] = _bytes(mem_limit, "mem_limit")
        if memswap_limit is not None:
            self["MemorySwap"] = _bytes(memswap_limit, "memswap_limit", allow_unlimited=True)
        if mem_reservation:
            self["MemoryReservation"] = _bytes(mem_reservation, "mem_reservation")
        if kernel_memory:
            self["KernelMemory"] = _bytes(kernel_memory, "kernel_memory")
        if kernel_memory_tcp is not None:
            require("KernelMemoryTCP", "kernel_memory_tcp")
            require_before(version, "1.52", "kernel_memory_tcp (HostConfig.KernelMemoryTCP)",
                           "the daemon ignores it")
            self["KernelMemoryTCP"] = _bytes(kernel_memory_tcp, "kernel_memory_tcp")
        if mem_swappiness is not None:
            # -1 is the daemon's "unset" (docker-py sends it; Engine 20.10 takes it)
            self["MemorySwappiness"] = _int(mem_swappiness, "mem_swappiness", -1, 100)
        if shm_size is not None:
            self["ShmSize"] = _bytes(shm_size, "shm_size")

        # namespaces and privileges
        if pid_mode:
            self["PidMode"] = _str(pid_mode, "pid_mode")
        if ipc_mode:
            self["IpcMode"] = _str(ipc_mode, "ipc_mode")
        if privileged:
            self["Privileged"] = privileged
        if oom_kill_disable:
            self["OomKillDisable"] = oom_kill_disable
        if oom_score_adj:
            self["OomScoreAdj"] = _int(oom_score_adj, "oom_score_adj", -1000, 1000)
        if publish_all_ports:
            self["PublishAllPorts"] = publish_all_ports
        if read_only is not None:
            self["ReadonlyRootfs"] = read_only
        if dns_search:
            self["DnsSearch"] = _str_list(dns_search, "dns_search")

        if network_mode == "host" and port_bindings:
            raise InvalidArgument('"host" network_mode is incompatible with port_bindings')
        self["NetworkMode"] = _str(network_mode, "network_mode") if network_mode else "default"

        if restart_policy:
            self["RestartPolicy"] = _restart_policy(restart_policy)
        # One capability as a string: docker-py sends it so, and the daemon reads it as a list.
        if cap_add:
            self["CapAdd"] = _str_list([cap_add] if isinstance(cap_add, str) else cap_add, "cap_add")
        if cap_drop:
            self["CapDrop"] = _str_list([cap_drop] if isinstance(cap_drop, str) else cap_drop, "cap_drop")
        if devices:
            self["Devices"] = parse_devices(devices)
        if group_add:
            if isinstance(group_add, (str, bytes)) or not isinstance(group_add, (list, tuple)):
                raise InvalidType(
                    f"Invalid type for group_add param: expected a list but found {group_add!r}"
                )
            self["GroupAdd"] = [str(group) for group in group_add]
        if dns is not None:
            self["Dns"] = _dns(dns)
        if dns_opt is not None:
            self["DnsOptions"] = _str_list(dns_opt, "dns_opt")
        if security_opt is not None:
            if not isinstance(security_opt, list):
                raise InvalidType(
                    "Invalid type for security_opt param: expected list but found "
                    f"{type(security_opt).__name__}"
                )
            self["SecurityOpt"] = _str_list(security_opt, "security_opt")
        if sysctls:
            if not isinstance(sysctls, Mapping):
                raise InvalidType(
                    f"Invalid type for sysctls param: expected dict but found {type(sysctls).__name__}"
                )
            self["Sysctls"] = {_str(key, "sysctls key"): str(value) for key, value in sysctls.items()}

        # filesystems, ports, links
        if volumes_from is not None:
            if isinstance(volumes_from, str):
                volumes_from = volumes_from.split(",")
            self["VolumesFrom"] = _str_list(volumes_from, "volumes_from")
        if binds is not None:
            self["Binds"] = convert_volume_binds(binds)
        if port_bindings is not None:
            self["PortBindings"] = convert_port_bindings(port_bindings)
        if extra_hosts is not None:
            self["ExtraHosts"] = _extra_hosts(extra_hosts)
        if links is not None:
            self["Links"] = normalize_links(links)
        if isinstance(lxc_conf, Mapping):
            lxc_conf = [{"Key": key, "Value": str(value)} for key, value in lxc_conf.items()]
        if lxc_conf is not None:
            self["LxcConf"] = lxc_conf
        if cgroup_parent is not None:
            self["CgroupParent"] = _str(cgroup_parent, "cgroup_parent")
        if ulimits is not None:
            if not isinstance(ulimits, list):
                raise InvalidType(
                    f"Invalid type for ulimits param: expected list but found {type(ulimits).__name__}"
                )
            self["Ulimits"] = [_from_mapping(Ulimit, limit, "ulimits") for limit in ulimits]
        if log_config is not None:
            if not isinstance(log_config, Mapping):
                raise InvalidType(
                    f"Invalid type for log_config param: expected LogConfig but found "
                    f"{type(log_config).__name__}"
                )
            self["LogConfig"] = _from_mapping(LogConfig, log_config, "log_config")

        # CPU
        if cpu_quota:
            self["CpuQuota"] = _int(cpu_quota, "cpu_quota")
        if cpu_period:
            self["CpuPeriod"] = _int(cpu_period, "cpu_period")
        if cpu_shares:
            self["CpuShares"] = _int(cpu_shares, "cpu_shares", 0)
        if cpuset_cpus:
            self["CpusetCpus"] = _str(cpuset_cpus, "cpuset_cpus")
        if cpuset_mems:
            self["CpusetMems"] = _str(cpuset_mems, "cpuset_mems")
        if cpu_rt_period:
            require("CpuRealtimePeriod", "cpu_rt_period")
            self["CPURealtimePeriod"] = _int(cpu_rt_period, "cpu_rt_period", 0)
        if cpu_rt_runtime:
            require("CpuRealtimeRuntime", "cpu_rt_runtime")
            self["CPURealtimeRuntime"] = _int(cpu_rt_runtime, "cpu_rt_runtime", -1)

        # block IO
        if blkio_weight:
            self["BlkioWeight"] = _int(blkio_weight, "blkio_weight", 10, 1000)
        if blkio_weight_device:
            self["BlkioWeightDevice"] = _throttle(blkio_weight_device, "blkio_weight_device", "Weight")
        if device_read_bps:
            self["BlkioDeviceReadBps"] = _throttle(device_read_bps, "device_read_bps", "Rate")
        if device_write_bps:
            self["BlkioDeviceWriteBps"] = _throttle(device_write_bps, "device_write_bps", "Rate")
        if device_read_iops:
            self["BlkioDeviceReadIOps"] = _throttle(device_read_iops, "device_read_iops", "Rate")
        if device_write_iops:
            self["BlkioDeviceWriteIOps"] = _throttle(device_write_iops, "device_write_iops", "Rate")

        if tmpfs:
            self["Tmpfs"] = convert_tmpfs_mounts(tmpfs)
        if userns_mode:
            self["UsernsMode"] = _one_of(userns_mode, "userns_mode", ("host",))
        if uts_mode:
            self["UTSMode"] = _one_of(uts_mode, "uts_mode", ("host",))
        if pids_limit:
            self["PidsLimit"] = _int(pids_limit, "pids_limit", -1)
        if isolation:
            self["Isolation"] = _one_of(_str(isolation, "isolation"), "isolation", _ISOLATION)
        if auto_remove:
            require("AutoRemove", "auto_remove")
            self["AutoRemove"] = auto_remove
        if storage_opt is not None:
            self["StorageOpt"] = _str_map(storage_opt, "storage_opt")
        if init is not None:
            require("Init", "init")
            self["Init"] = init
        if init_path is not None:
            require("InitPath", "init_path")
            require_before(version, "1.29", "init_path (HostConfig.InitPath)",
                           "the daemon's --init-path setting chooses the binary")
            self["InitPath"] = _str(init_path, "init_path")
        if volume_driver is not None:
            self["VolumeDriver"] = _str(volume_driver, "volume_driver")
        if cpu_count:
            require("CpuCount", "cpu_count")
            self["CpuCount"] = _int(cpu_count, "cpu_count", 0)
        if cpu_percent:
            self["CpuPercent"] = _int(cpu_percent, "cpu_percent", 0, 100)
        if nano_cpus:
            require("NanoCpus", "nano_cpus")
            self["NanoCpus"] = _int(nano_cpus, "nano_cpus", 0)
        if runtime:
            require("Runtime", "runtime")
            self["Runtime"] = _str(runtime, "runtime")
        if mounts is not None:
            self["Mounts"] = _mounts(version, mounts)
        if device_cgroup_rules is not None:
            require("DeviceCgroupRules", "device_cgroup_rules")
            if not isinstance(device_cgroup_rules, list):
                raise InvalidType(
                    f"Invalid type for device_cgroup_rules param: expected list but found "
                    f"{type(device_cgroup_rules).__name__}"
                )
            self["DeviceCgroupRules"] = _str_list(device_cgroup_rules, "device_cgroup_rules")
        if device_requests is not None:
            require("DeviceRequests", "device_requests")
            if not isinstance(device_requests, list):
                raise InvalidType(
                    f"Invalid type for device_requests param: expected list but found "
                    f"{type(device_requests).__name__}"
                )
            self["DeviceRequests"] = [
                _from_mapping(DeviceRequest, request, "device_requests") for request in device_requests
            ]
        if cgroupns:
            require("CgroupnsMode", "cgroupns")
            self["CgroupnsMode"] = _one_of(cgroupns, "cgroupns", ("private", "host"))

        # beyond docker-py
        if annotations is not None:
            require("Annotations", "annotations")
            self["Annotations"] = _str_map(annotations, "annotations")
        if console_size is not None:
            require("ConsoleSize", "console_size")
            self["ConsoleSize"] = _console_size(console_size)
        if masked_paths is not None:
            require("MaskedPaths", "masked_paths")
            self["MaskedPaths"] = _str_list(masked_paths, "masked_paths")
        if readonly_paths is not None:
            require("ReadonlyPaths", "readonly_paths")
            self["ReadonlyPaths"] = _str_list(readonly_paths, "readonly_paths")
        if cgroup is not None:
            require("Cgroup", "cgroup")
            self["Cgroup"] = _str(cgroup, "cgroup")
        if io_maximum_iops is not None:
            self["IOMaximumIOps"] = _int(io_maximum_iops, "io_maximum_iops", 0)
        if io_maximum_bandwidth is not None:
            self["IOMaximumBandwidth"] = _bytes(io_maximum_bandwidth, "io_maximum_bandwidth")
        if container_id_file is not None:
            self["ContainerIDFile"] = _str(container_id_file, "container_id_file")


# -- ContainerConfig -----------------------------------------------------------------------------

def _exposed_ports(ports: Iterable[Any]) -> Dict[str, Dict[str, Any]]:
    exposed: Dict[str, Dict[str, Any]] = {}
    for definition in ports:
        port: Any = definition
        proto = "tcp"
        if isinstance(definition, tuple):
            if len(definition) not in (1, 2):
                raise InvalidArgument(f"invalid port {definition!r}: expected port or (port, protocol)")
            port = definition[0]
            if len(definition) == 2:
                proto = definition[1]
        text = str(port)
        if isinstance(port, str) and "/" in port and not isinstance(definition, tuple):
            text, _, proto = port.partition("/")
        numbers = text.split("-")
        if isinstance(port, bool) or len(numbers) > 2 or not all(n.isdigit() for n in numbers) or not all(
                1 <= int(n) <= 65535 for n in numbers) or int(numbers[0]) > int(numbers[-1]):
            raise InvalidType(f"invalid port {definition!r}: expected a port number 1-65535 (or a range)")
        if proto not in ("tcp", "udp", "sctp"):
            raise InvalidArgument(f"invalid port {definition!r}: unknown protocol {proto!r}")
        exposed[f"{text}/{proto}"] = {}
    return exposed


class ContainerConfig(Dict[str, Any]):
    """The body of ``POST /containers/create``, as docker-py builds it.

    ``client.create_container`` builds one; ``client.create_container_config(...)`` does too,
    with the client's API version. Arguments as for ``create_container``.

    Args:
        version: the API version the request goes to.
        image: the image to run.
        command: the command, a list or a string split as a shell would.
        hostname: the container's host name.
        user: user name or uid (``"user[:group]"``).
        detach: when False, attach stdout and stderr (and stdin with ``stdin_open``).
        stdin_open: keep stdin open.
        tty: allocate a pseudo-TTY.
        ports: ports to expose: ``[80, "53/udp", (8080, "tcp")]``.
        environment: ``{"NAME": "value"}`` or ``["NAME=value"]``.
        volumes: container paths to make volumes of (a string or a list).
        network_disabled: disable networking.
        entrypoint: the entrypoint, a list or a string.
        working_dir: the working directory.
        domainname: the domain name.
        host_config: a :class:`HostConfig`.
        mac_address: the container's MAC address (removed in API 1.52: use an
            ``EndpointConfig(mac_address=...)``).
        labels: ``{"name": "value"}``, or a list of names with empty values.
        stop_signal: the signal that stops the container (``"SIGINT"``).
        networking_config: a ``NetworkingConfig``; more than one network needs API 1.44.
        healthcheck: a :class:`Healthcheck` or a dict of its arguments (``start_period`` needs
            API 1.29, ``start_interval`` 1.44).
        stop_timeout: seconds to wait for the container to stop before killing it (API 1.25+).
        runtime: sent as ``Runtime`` at the top level, as docker-py does; the daemon takes the
            runtime from ``host_config`` (``HostConfig(runtime=...)``).

    Raises:
        InvalidVersion: an argument the API version does not have.
        InvalidArgument: an image that is not a non-empty string, a malformed port, command or
            environment, labels that are not strings, a healthcheck with bad values.
    """

    def __init__(self, version: str, image: str, command: Optional[Union[str, List[str]]],
                 hostname: Optional[str] = None, user: Optional[Union[str, int]] = None,
                 detach: bool = False, stdin_open: bool = False, tty: bool = False,
                 ports: Optional[Union[List[Any], Mapping[str, Any]]] = None,
                 environment: Optional[Union[Mapping[str, Any], List[str]]] = None,
                 volumes: Optional[Union[str, List[str], Mapping[str, Any]]] = None,
                 network_disabled: bool = False, entrypoint: Optional[Union[str, List[str]]] = None,
                 working_dir: Optional[str] = None, domainname: Optional[str] = None,
                 host_config: Optional[Mapping[str, Any]] = None, mac_address: Optional[str] = None,
                 labels: Optional[Union[Mapping[str, str], List[str]]] = None,
                 stop_signal: Optional[str] = None, networking_config: Optional[Mapping[str, Any]] = None,
                 healthcheck: Optional[Mapping[str, Any]] = None, stop_timeout: Optional[int] = None,
                 runtime: Optional[str] = None) -> None:
        super().__init__()
        version = _check_version(version)
        if not isinstance(image, str) or not image:
            raise InvalidType(f"image must be a non-empty string, not {image!r}")
        if stop_timeout is not None:
            require_param(version, f"{_CREATE} StopTimeout", "stop_timeout")
            _int(stop_timeout, "stop_timeout")
        if mac_address:
            require_before(version, "1.52", "mac_address (the container-wide Config.MacAddress)",
                           "use create_endpoint_config(mac_address=...) in networking_config")

        if healthcheck is not None:
            if not isinstance(healthcheck, Mapping):
                raise InvalidType(f"healthcheck must be a Healthcheck or a dict, not {healthcheck!r}")
            if healthcheck and not isinstance(healthcheck, Healthcheck):
                healthcheck = _from_mapping(Healthcheck, healthcheck, "healthcheck")
            if healthcheck.get("StartPeriod") is not None:
                require_param(version, f"{_CREATE} Healthcheck-StartPeriod", "healthcheck start_period")
            if healthcheck.get("StartInterval") is not None:
                require_param(version, f"{_CREATE} Healthcheck-StartInterval", "healthcheck start_interval")

        if networking_config is not None and len(networking_config.get("EndpointsConfig") or {}) > 1:
            require_param(version, f"{_CREATE} EndpointsConfig-multiple",
                          "networking_config with several networks")
        if host_config is not None and not isinstance(host_config, Mapping):
            raise InvalidType(f"host_config must be a HostConfig, not {host_config!r}")

        if isinstance(command, str):
            command = split_command(command)
        elif command is not None:
            command = _str_list(command, "command")
        if isinstance(entrypoint, str):
            entrypoint = split_command(entrypoint)
        elif entrypoint is not None:
            entrypoint = _str_list(entrypoint, "entrypoint")

        if isinstance(environment, Mapping):
            environment = format_environment(environment)
        elif environment is not None:
            environment = _str_list(environment, "environment")

        if isinstance(labels, list):
            labels = {_str(label, "labels"): "" for label in labels}
        elif labels is not None:
            labels = _str_map(labels, "labels")

        if isinstance(ports, list):
            ports = _exposed_ports(ports)

        if isinstance(volumes, str):
            volumes = [volumes]
        if isinstance(volumes, list):
            volumes = {_str(volume, "volumes"): {} for volume in volumes}

        attach_stdin = attach_stdout = attach_stderr = stdin_once = False
        if not detach:
            attach_stdout = attach_stderr = True
            if stdin_open:
                attach_stdin = stdin_once = True

        self.update({
            "Hostname": hostname,
            "Domainname": domainname,
            "ExposedPorts": ports,
            "User": str(user) if user is not None else None,
            "Tty": tty,
            "OpenStdin": stdin_open,
            "StdinOnce": stdin_once,
            "AttachStdin": attach_stdin,
            "AttachStdout": attach_stdout,
            "AttachStderr": attach_stderr,
            "Env": environment,
            "Cmd": command,
            "Image": image,
            "Volumes": volumes,
            "NetworkDisabled": network_disabled,
            "Entrypoint": entrypoint,
            "WorkingDir": working_dir,
            "HostConfig": host_config,
            "NetworkingConfig": networking_config,
            "MacAddress": mac_address,
            "Labels": labels,
            "StopSignal": stop_signal,
            "Healthcheck": healthcheck,
            "StopTimeout": stop_timeout,
            "Runtime": runtime,
        })
