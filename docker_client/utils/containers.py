"""Conversions of container settings into the Engine API's shapes, under docker-py's names.

Port bindings, volume binds, tmpfs mounts, links, devices, extra hosts, commands and env files:
each helper checks its input and raises ``InvalidArgument`` before anything reaches a daemon.
"""
from __future__ import annotations

import os
import re
from typing import Any, Iterable, Mapping, Union

from .. import versions
from ..errors import InvalidArgument, InvalidType, InvalidVersion

__all__ = [
    "convert_port_bindings", "convert_tmpfs_mounts", "convert_volume_binds", "format_extra_hosts",
    "normalize_links", "parse_devices", "parse_env_file", "split_command",
]

PathLike = Union[str, bytes]

#: Mount propagation modes (``[r]private``, ``[r]shared``, ``[r]slave``).
PROPAGATION_MODES = ("rprivate", "private", "rshared", "shared", "rslave", "slave")
_MODE_GROUPS = (
    ("rw", "ro"),
    ("z", "Z"),
    PROPAGATION_MODES,
    ("nocopy",),
    ("consistent", "cached", "delegated"),
)
# Regular expressions as text: ``re`` compiles and caches them on first use, not at import.
_CONTAINER_PORT = r"^(?P<port>\d+)(?:/(?P<proto>tcp|udp|sctp))?$"
_HOST_PORT = r"^(?:\d+(?:-\d+)?)?$"
# A Windows path somewhere in a bind ("C:\data:C:\data", "c:/x:d:/y", \\.\pipe\...): the daemon
# parses those its own way, so they are passed on unchecked.
_WINDOWS_PATH = r"(?:^|:)[A-Za-z]:[\\/]|\\"


def require_param(version: str, feature: str, param: str) -> None:
    """``versions.require`` for a builder's argument: the error names the argument too.

    Raises:
        InvalidVersion: ``version`` is malformed or older than ``feature`` (a key of
            ``versions.FEATURES``) needs.
    """
    try:
        versions.require(feature, version)
    except InvalidVersion as exc:
        raise InvalidVersion(f"{param}: {exc}") from None


def require_before(version: str, removed_in: str, what: str, instead: str) -> None:
    """Raise unless ``version`` is older than ``removed_in``, the API version that dropped ``what``.

    Raises:
        InvalidVersion: naming what was removed, when, and what to use instead.
    """
    if versions.version_gte(version, removed_in):
        raise InvalidVersion(
            f"{what} was removed in API version {removed_in}; this client is using {version}: {instead}"
        )


def _text(value: PathLike) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


# -- ports ---------------------------------------------------------------------------------------

def _check_port(port: str, what: str, lowest: int) -> None:
    for number in port.split("-"):
        if not lowest <= int(number) <= 65535:
            raise InvalidArgument(f"invalid {what} {port!r}: ports are {lowest}-65535")


def _convert_port_binding(binding: Any, container_port: str) -> dict[str, str]:
    host_ip: Any = ""
    host_port: Any = ""
    if isinstance(binding, tuple):
        if len(binding) == 2:
            host_ip, host_port = binding
        elif len(binding) == 1:
            if isinstance(binding[0], str):
                host_ip = binding[0]
            else:
                host_port = binding[0]
        else:
            raise InvalidArgument(
                f"invalid binding {binding!r} for port {container_port}: a tuple is "
                "(host_ip,), (host_port,) or (host_ip, host_port)"
            )
    elif isinstance(binding, Mapping):
        if "HostPort" not in binding:
            raise InvalidArgument(
                f"invalid binding {binding!r} for port {container_port}: a dict needs 'HostPort'"
            )
        unknown = set(binding) - {"HostPort", "HostIp"}
        if unknown:
            raise InvalidArgument(
                f"invalid binding {binding!r} for port {container_port}: unknown keys {sorted(unknown)}"
            )
        host_port = binding["HostPort"]
        host_ip = binding.get("HostIp", "")
    else:
        host_port = binding

    if host_ip is None:
        host_ip = ""
    if not isinstance(host_ip, str):
        raise InvalidType(f"invalid host IP {host_ip!r} for port {container_port}: expected a string")
    if isinstance(host_port, bool) or not isinstance(host_port, (int, str, type(None))):
        raise InvalidType(
            f"invalid host port {host_port!r} for port {container_port}: expected an int or a string"
        )
    port_text = "" if host_port is None else str(host_port)
    if not re.match(_HOST_PORT, port_text):
        raise InvalidArgument(
            f"invalid host port {host_port!r} for port {container_port}: expected e.g. 8080 or '8000-8010'"
        )
    if port_text:
        _check_port(port_text, "host port", 0)
    return {"HostIp": host_ip, "HostPort": port_text}


def convert_port_bindings(port_bindings: Mapping[Any, Any]) -> dict[str, list[dict[str, str]]]:
    """``port_bindings`` as the API's ``PortBindings``.

    Keys are container ports: ``80``, ``"80"`` or ``"80/udp"`` (``/tcp`` is added when no
    protocol is given). Each value is one binding or a list of them; a binding is a host port
    (``8080``, ``"8080"``, ``"8000-8010"``, ``None`` for any), ``(host_ip,)``, ``(host_port,)``,
    ``(host_ip, host_port)`` or ``{"HostIp": ..., "HostPort": ...}``.

    Raises:
        InvalidArgument: a key is not ``port[/tcp|udp|sctp]``, a port is outside 1-65535, or a
            binding has another shape.

    Example:
        >>> convert_port_bindings({80: 8080, "53/udp": ("127.0.0.1", 53)})
        {'80/tcp': [{'HostIp': '', 'HostPort': '8080'}],
         '53/udp': [{'HostIp': '127.0.0.1', 'HostPort': '53'}]}
    """
    if not isinstance(port_bindings, Mapping):
        raise InvalidType(
            f"port_bindings must be a dict of container port to binding, not {type(port_bindings).__name__}"
        )
    result: dict[str, list[dict[str, str]]] = {}
    for key, value in port_bindings.items():
        container_port = str(key)
        match = re.match(_CONTAINER_PORT, container_port)
        if isinstance(key, bool) or match is None:
            raise InvalidType(
                f"invalid container port {key!r} in port_bindings: expected e.g. 80, '80' or '80/udp'"
            )
        _check_port(match.group("port"), "container port", 1)
        if match.group("proto") is None:
            container_port += "/tcp"
        bindings = value if isinstance(value, list) else [value]
        result[container_port] = [_convert_port_binding(b, container_port) for b in bindings]
    return result


# -- volumes and tmpfs ---------------------------------------------------------------------------

def valid_mount_mode(mode: str) -> bool:
    """Whether ``mode`` is a bind's options as the daemon accepts them: at most one of each of
    ``rw|ro``, ``z|Z``, a propagation mode, ``nocopy`` and a consistency mode, comma-separated.
    """
    if mode == "":
        return True
    counts = [0] * len(_MODE_GROUPS)
    for option in mode.split(","):
        for index, group in enumerate(_MODE_GROUPS):
            if option in group:
                counts[index] += 1
                break
        else:
            return False
    return max(counts) <= 1


def check_bind(spec: Any) -> str:
    """Check one ``Binds`` entry (``host-src:container-dest[:options]``) and return it.

    Specs naming Windows paths are passed on as they are: the daemon parses those itself.

    Raises:
        InvalidArgument: not a string; empty; more than three parts; an empty source; or a
            destination that is not absolute.
    """
    if not isinstance(spec, str):
        raise InvalidType(f"invalid bind {spec!r}: expected a 'host-src:container-dest[:options]' string")
    if re.search(_WINDOWS_PATH, spec):
        return spec
    parts = spec.split(":")
    if not parts[0] or len(parts) > 3:
        raise InvalidArgument(f"invalid bind {spec!r}: expected 'host-src:container-dest[:options]'")
    if len(parts) == 2 and valid_mount_mode(parts[1]):
        raise InvalidArgument(f"invalid bind {spec!r}: options need a source and a destination")
    target = parts[0] if len(parts) == 1 else parts[1]
    if not target.startswith("/"):
        raise InvalidArgument(f"invalid bind {spec!r}: the destination {target!r} must be an absolute path")
    # The options (rw, ro, z, shared, nocopy, and Podman's U, O, idmap, noexec...) are the
    # daemon's to judge, as docker-py leaves them: each daemon has its own set.
    return spec


def _bind_from_dict(source: str, options: Mapping[str, Any]) -> str:
    if "ro" in options and "mode" in options:
        raise InvalidArgument(f'Binding cannot contain both "ro" and "mode": {options!r}')
    if "bind" not in options:
        raise InvalidArgument(f"invalid bind for {source!r}: {options!r} has no 'bind' (the container path)")
    unknown = set(options) - {"bind", "ro", "mode", "propagation"}
    if unknown:
        raise InvalidArgument(f"invalid bind for {source!r}: unknown keys {sorted(unknown)}")
    bind = options["bind"]
    if not isinstance(bind, (str, bytes)):
        raise InvalidType(f"invalid bind for {source!r}: 'bind' must be a path, not {bind!r}")
    if "ro" in options:
        mode = "ro" if options["ro"] else "rw"
    else:
        mode = options.get("mode", "rw")
        if not isinstance(mode, str):
            raise InvalidType(f"invalid bind for {source!r}: 'mode' must be a string, not {mode!r}")
    propagation = options.get("propagation")
    if propagation is not None:
        if propagation not in PROPAGATION_MODES:
            raise InvalidArgument(
                f"invalid bind for {source!r}: propagation {propagation!r} is not one of "
                f"{', '.join(PROPAGATION_MODES)}"
            )
        mode = f"{mode},{propagation}" if mode else propagation
    return f"{source}:{_text(bind)}:{mode}"


def convert_volume_binds(binds: Union[Iterable[str], Mapping[PathLike, Any]]) -> list[str]:
    """``binds`` as the API's ``Binds`` list.

    Args:
        binds: a list of ``"host-src:container-dest[:options]"`` strings, passed on as they are;
            or a dict of host path (or volume name) to container path, or to a dict with
            ``bind`` (the container path) and ``ro`` (bool) or ``mode`` (``"rw"``, ``"ro,z"``...),
            and optionally ``propagation`` (``rshared``...).

    Raises:
        InvalidArgument: a malformed entry (see :func:`check_bind`), a dict with both ``ro`` and
            ``mode``, without ``bind``, or with an unknown propagation mode.

    Example:
        >>> convert_volume_binds({"/srv": {"bind": "/data", "ro": True}})
        ['/srv:/data:ro']
    """
    if isinstance(binds, (str, bytes)):
        raise InvalidType(f"binds must be a list or a dict, not the string {binds!r}")
    if not isinstance(binds, Mapping):
        items = list(binds)
        for spec in items:
            check_bind(spec)
        return items
    result = []
    for key, value in binds.items():
        source = _text(key)
        if isinstance(value, Mapping):
            spec = _bind_from_dict(source, value)
        elif isinstance(value, (str, bytes)):
            spec = f"{source}:{_text(value)}:rw"
        else:
            raise InvalidType(
                f"invalid bind for {source!r}: expected a container path or a dict, not {value!r}"
            )
        result.append(check_bind(spec))
    return result


def convert_tmpfs_mounts(tmpfs: Union[Mapping[str, str], Iterable[str]]) -> dict[str, str]:
    """``tmpfs`` as the API's ``Tmpfs`` mapping of container path to mount options.

    Args:
        tmpfs: a dict (passed on), or a list of ``"/path"`` or ``"/path:options"`` strings.

    Raises:
        InvalidArgument: neither a list nor a dict, an entry that is not a string, or a path
            that is not absolute.

    Example:
        >>> convert_tmpfs_mounts(["/run", "/tmp:size=64m"])
        {'/run': '', '/tmp': 'size=64m'}
    """
    if isinstance(tmpfs, Mapping):
        for path, options in tmpfs.items():
            if not isinstance(path, str) or not isinstance(options, str):
                raise InvalidType(
                    f"invalid tmpfs entry {path!r}: {options!r}: paths and options must be strings"
                )
        return dict(tmpfs)
    if not isinstance(tmpfs, list):
        raise InvalidType(
            f"Expected tmpfs value to be either a list or a dict, found: {type(tmpfs).__name__}"
        )
    result: dict[str, str] = {}
    for mount in tmpfs:
        if not isinstance(mount, str):
            raise InvalidType(
                f"Expected item in tmpfs list to be a string, found: {type(mount).__name__}"
            )
        path, _, options = mount.partition(":")
        if not path.startswith("/"):
            raise InvalidArgument(f"invalid tmpfs mount {mount!r}: the path must be absolute")
        result[path] = options
    return result


# -- links, devices, hosts -----------------------------------------------------------------------

def normalize_links(links: Union[Mapping[str, Any], Iterable[Any]]) -> list[str]:
    """Links as sorted ``"name:alias"`` strings (just ``"name"`` without an alias).

    Args:
        links: a dict of container name to alias (or None), or a list of ``(name, alias)`` pairs
            or of ``"name[:alias]"`` strings.

    Raises:
        InvalidArgument: an entry is neither a ``(name, alias)`` pair nor a string.

    Example:
        >>> normalize_links({"db": "database", "cache": None})
        ['cache', 'db:database']
    """
    pairs: list[tuple[str, Any]] = []
    for entry in (links.items() if isinstance(links, Mapping) else links):
        if isinstance(entry, str) and entry:
            name, _, alias = entry.partition(":")
            pairs.append((name, alias))
        elif isinstance(entry, (tuple, list)) and len(entry) == 2 and isinstance(entry[0], str):
            pairs.append((entry[0], entry[1]))
        else:
            raise InvalidType(f"invalid link {entry!r}: expected a (container name, alias) pair")
    pairs.sort(key=lambda pair: (pair[0], str(pair[1] or "")))
    return [f"{name}:{alias}" if alias else name for name, alias in pairs]


def parse_devices(devices: Iterable[Any]) -> list[dict[str, Any]]:
    """Devices as the API's ``Devices`` list.

    Args:
        devices: strings ``"host_path[:container_path[:permissions]]"`` (container path
            defaults to the host path, permissions to ``rwm``), or dicts passed on as they are.

    Raises:
        InvalidArgument: not a list; an entry neither a string nor a dict; an empty path; more
            than three parts; or permissions other than a combination of ``r``, ``w``, ``m``.

    Example:
        >>> parse_devices(["/dev/sda:/dev/xvda:r"])
        [{'PathOnHost': '/dev/sda', 'PathInContainer': '/dev/xvda', 'CgroupPermissions': 'r'}]
    """
    if isinstance(devices, (str, bytes, Mapping)):
        raise InvalidType(f"devices must be a list, not {devices!r}")
    result: list[dict[str, Any]] = []
    for device in devices:
        if isinstance(device, Mapping):
            unknown = set(device) - {"PathOnHost", "PathInContainer", "CgroupPermissions"}
            if unknown:
                raise InvalidArgument(f"invalid device {device!r}: unknown keys {sorted(unknown)}")
            result.append(dict(device))
            continue
        if not isinstance(device, str):
            raise InvalidType(f"Invalid device type {type(device)}: expected a string or a dict")
        parts = device.split(":")
        if len(parts) > 3 or not all(parts):
            raise InvalidArgument(
                f"invalid device {device!r}: expected 'host_path[:container_path[:permissions]]'"
            )
        host_path = parts[0]
        container_path = parts[1] if len(parts) > 1 else host_path
        permissions = parts[2] if len(parts) > 2 else "rwm"
        if set(permissions) - set("rwm") or len(set(permissions)) != len(permissions):
            raise InvalidArgument(
                f"invalid device {device!r}: permissions {permissions!r} must combine r, w and m"
            )
        result.append({
            "PathOnHost": host_path,
            "PathInContainer": container_path,
            "CgroupPermissions": permissions,
        })
    return result


def format_extra_hosts(extra_hosts: Mapping[str, Any], task: bool = False) -> list[str]:
    """``{"host": "ip"}`` as sorted ``"host:ip"`` strings (``"ip host"`` for a swarm task)."""
    if task:
        return [f"{ip} {host}" for host, ip in sorted(extra_hosts.items())]
    return [f"{host}:{ip}" for host, ip in sorted(extra_hosts.items())]


# -- commands and environment files --------------------------------------------------------------

def split_command(command: str) -> list[str]:
    """Split a command line as a POSIX shell would (``shlex``).

    Raises:
        InvalidArgument: unbalanced quotes or a trailing escape.
    """
    import shlex  # imported here: only string commands need it

    try:
        return shlex.split(command)
    except ValueError as exc:
        raise InvalidArgument(f"cannot split command {command!r}: {exc}") from None


def parse_env_file(env_file: Union[str, os.PathLike[str]]) -> dict[str, str]:
    """Read a ``KEY=value`` file, one variable a line; blank lines and ``#`` comments skipped.

    Raises:
        InvalidArgument: a line without ``=``.
        OSError: the file cannot be read.
    """
    environment: dict[str, str] = {}
    with open(env_file, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            line = line.strip()
            if not line:
                continue
            key, sep, value = line.partition("=")
            if not sep:
                raise InvalidArgument(f"Invalid line in environment file {env_file}:\n{line}")
            environment[key] = value
    return environment
