"""Swarm service request bodies: ``ServiceSpec`` pieces under docker-py's ``docker.types`` names.

Each builder is a dict (it goes into a request as it is) that checks its arguments when built;
the API version of each field is checked by ``create_service``/``update_service``, which know it.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ..errors import InvalidArgument, InvalidType
from ..utils.containers import format_extra_hosts, split_command
from ..utils.convert import format_environment, parse_bytes
from ..utils.resources import resource_id
from .containers import DriverConfig, Mount, RestartPolicy
from .healthcheck import Healthcheck

__all__ = [
    "ConfigReference", "ContainerSpec", "DNSConfig", "DriverConfig", "EndpointSpec", "Healthcheck",
    "Mount", "NetworkAttachmentConfig", "Placement", "PlacementPreference", "Privileges",
    "Resources", "RestartPolicy", "RollbackConfig", "SecretReference", "ServiceMode",
    "TaskTemplate", "UpdateConfig", "convert_service_networks", "convert_service_ports",
]

Network = Union[str, Mapping[str, Any]]
PortConfig = Union[int, Tuple[Any, ...]]

_FAILURE_ACTIONS = ("pause", "continue", "rollback")
_ORDERS = ("start-first", "stop-first")
_ENDPOINT_MODES = ("vip", "dnsrr")
_PROTOCOLS = ("tcp", "udp", "sctp")
_PUBLISH_MODES = ("ingress", "host")
_ISOLATION = ("default", "process", "hyperv")
_REPLICATED_MODES = ("replicated", "replicated-job")
_SERVICE_MODES = _REPLICATED_MODES + ("global", "global-job")


# -- argument checks -----------------------------------------------------------------------------

def _type_name(value: Any) -> str:
    return type(value).__name__


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidType(f"{what} must be a string, not {value!r} ({_type_name(value)})")
    return value


def _bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidType(f"{what} must be True or False, not {value!r}")
    return value


def _int(value: Any, what: str, low: Optional[int] = 0, high: Optional[int] = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidType(f"{what} must be an integer, not {value!r} ({_type_name(value)})")
    if (low is not None and value < low) or (high is not None and value > high):
        upper = "" if high is None else f" and at most {high}"
        raise InvalidArgument(f"{what} must be at least {low}{upper}, not {value}")
    return value


def _str_list(value: Any, what: str) -> List[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)) or not all(
            isinstance(item, str) for item in value):
        raise InvalidType(f"{what} must be a list of strings, not {value!r}")
    return list(value)


def _str_map(value: Any, what: str) -> Dict[str, str]:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InvalidType(f"{what} must be a dict of strings to strings, not {value!r}")
    return dict(value)


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidType(f"{what} must be a dict, not {value!r} ({_type_name(value)})")
    return value


def _mapping_list(value: Any, what: str) -> List[Any]:
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise InvalidType(f"{what} must be a list of dicts, not {value!r}")
    return value


def _one_of(value: Any, what: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise InvalidArgument(f"{what} must be one of {choices}, not {value!r}")
    return str(value)


def convert_service_networks(networks: Optional[Iterable[Network]]) -> Optional[List[Any]]:
    """Networks as a service takes them: ``"name"`` becomes ``{"Target": "name"}``.

    ``None`` and an empty list come back as they are; a dict (such as a
    :class:`NetworkAttachmentConfig`) passes through.

    Raises:
        InvalidArgument: not a list, or an entry that is neither a string nor a dict.
    """
    if not networks:
        return networks  # type: ignore[return-value]
    if not isinstance(networks, list):
        raise InvalidType(f"networks must be a list of network names or dicts, not {networks!r}")
    result: List[Any] = []
    for network in networks:
        if isinstance(network, str):
            network = {"Target": network}
        elif not isinstance(network, Mapping):
            raise InvalidType(
                f"networks entries must be network names or NetworkAttachmentConfig, not {network!r}"
            )
        result.append(network)
    return result


# -- the task ------------------------------------------------------------------------------------

class TaskTemplate(Dict[str, Any]):
    """What a service's tasks are: the ``TaskTemplate`` of a service spec.

    Args:
        container_spec: the containers' settings, a :class:`ContainerSpec`.
        resources: a :class:`Resources`: limits and reservations of each container.
        restart_policy: a :class:`RestartPolicy`.
        placement: a :class:`Placement`, or a list of constraints (``["node.role==manager"]``).
        log_driver: a :class:`DriverConfig` for the containers' logs.
        networks: network names or ids, or :class:`NetworkAttachmentConfig` (API 1.25+ here;
            older APIs take them at the service's top level, which ``create_service`` does).
        force_update: a counter: changing it redeploys the tasks (API 1.25+).

    Raises:
        InvalidArgument: a ``container_spec`` that is not a dict, a ``force_update`` that is not
            an integer, a malformed network list.

    Example:
        >>> TaskTemplate(ContainerSpec("busybox", ["sleep", "60"]), placement=["node.role==manager"])
        {'ContainerSpec': {'Image': 'busybox', ...}, 'Placement': {'Constraints': ['node.role==manager']}}
    """

    def __init__(self, container_spec: Mapping[str, Any], resources: Optional[Mapping[str, Any]] = None,
                 restart_policy: Optional[Mapping[str, Any]] = None,
                 placement: Optional[Union[Mapping[str, Any], List[str]]] = None,
                 log_driver: Optional[Mapping[str, Any]] = None, networks: Optional[List[Network]] = None,
                 force_update: Optional[int] = None) -> None:
        super().__init__()
        self["ContainerSpec"] = _mapping(container_spec, "TaskTemplate container_spec")
        if resources:
            self["Resources"] = _mapping(resources, "TaskTemplate resources")
        if restart_policy:
            self["RestartPolicy"] = _mapping(restart_policy, "TaskTemplate restart_policy")
        if placement:
            if isinstance(placement, list):
                placement = Placement(constraints=placement)
            self["Placement"] = _mapping(placement, "TaskTemplate placement")
        if log_driver:
            self["LogDriver"] = _mapping(log_driver, "TaskTemplate log_driver")
        if networks:
            self["Networks"] = convert_service_networks(networks)
        if force_update is not None:
            self["ForceUpdate"] = _int(force_update, "TaskTemplate force_update")

    @property
    def container_spec(self) -> Optional[Dict[str, Any]]:
        return self.get("ContainerSpec")

    @property
    def resources(self) -> Optional[Dict[str, Any]]:
        return self.get("Resources")

    @property
    def restart_policy(self) -> Optional[Dict[str, Any]]:
        return self.get("RestartPolicy")

    @property
    def placement(self) -> Optional[Dict[str, Any]]:
        return self.get("Placement")


def _service_mounts(mounts: Any) -> List[Any]:
    if not isinstance(mounts, (list, tuple)):
        raise InvalidType(f"ContainerSpec mounts must be a list of Mount or strings, not {mounts!r}")
    parsed: List[Any] = []
    for mount in mounts:
        if isinstance(mount, str):
            mount = Mount.parse_mount_string(mount)
        elif not isinstance(mount, Mapping) or "Target" not in mount:
            raise InvalidType(f"ContainerSpec mounts entries must be Mount or strings, not {mount!r}")
        parsed.append(mount)
    return parsed


class ContainerSpec(Dict[str, Any]):
    """How the containers of a service's tasks are made: a :class:`TaskTemplate`'s ``ContainerSpec``.

    Args:
        image: the image.
        command: the command: a list, or a string split as a shell would.
        args: arguments to the command.
        hostname: the containers' hostname (API 1.25+).
        env: ``{"NAME": "value"}`` or ``["NAME=value"]``.
        workdir: the working directory.
        user: the user (name or uid, ``user:group``).
        labels: the containers' labels.
        mounts: :class:`Mount` objects or ``"source:target[:mode]"`` strings.
        stop_grace_period: nanoseconds to wait for a container to stop before it is killed.
        secrets: :class:`SecretReference` objects (API 1.25+).
        tty: allocate a pseudo-TTY (API 1.25+).
        groups: additional groups for the process (API 1.25+).
        open_stdin: keep stdin open.
        read_only: mount the root filesystem read-only (API 1.28+).
        stop_signal: the signal that stops the containers (API 1.28+).
        healthcheck: a :class:`Healthcheck` (API 1.25+).
        hosts: ``{"hostname": "ip"}`` lines for ``/etc/hosts`` (API 1.25+).
        dns_config: a :class:`DNSConfig` (API 1.25+).
        configs: :class:`ConfigReference` objects (API 1.30+).
        privileges: a :class:`Privileges` (API 1.29+).
        isolation: ``default``, ``process`` or ``hyperv`` (Windows, API 1.35+).
        init: run an init process in the containers (API 1.37+).
        cap_add: kernel capabilities to add (API 1.41+).
        cap_drop: kernel capabilities to drop (API 1.41+).
        sysctls: kernel parameters (API 1.40+).

    Raises:
        InvalidArgument: an argument of the wrong type, an unknown isolation, an unbalanced
            quote in a command string.

    Example:
        >>> ContainerSpec("busybox", "sh -c 'echo hi'", env={"A": "1"})
        {'Image': 'busybox', 'Command': ['sh', '-c', 'echo hi'], 'Args': None, 'Env': ['A=1']}
    """

    def __init__(self, image: str, command: Optional[Union[str, List[str]]] = None,
                 args: Optional[List[str]] = None, hostname: Optional[str] = None,
                 env: Optional[Union[Mapping[str, Any], List[str]]] = None, workdir: Optional[str] = None,
                 user: Optional[str] = None, labels: Optional[Mapping[str, str]] = None,
                 mounts: Optional[List[Union[str, Mapping[str, Any]]]] = None,
                 stop_grace_period: Optional[int] = None, secrets: Optional[List[Mapping[str, Any]]] = None,
                 tty: Optional[bool] = None, groups: Optional[List[str]] = None,
                 open_stdin: Optional[bool] = None, read_only: Optional[bool] = None,
                 stop_signal: Optional[str] = None, healthcheck: Optional[Mapping[str, Any]] = None,
                 hosts: Optional[Union[Mapping[str, str], List[str]]] = None,
                 dns_config: Optional[Mapping[str, Any]] = None,
                 configs: Optional[List[Mapping[str, Any]]] = None,
                 privileges: Optional[Mapping[str, Any]] = None, isolation: Optional[str] = None,
                 init: Optional[bool] = None, cap_add: Optional[List[str]] = None,
                 cap_drop: Optional[List[str]] = None, sysctls: Optional[Mapping[str, str]] = None) -> None:
        super().__init__()
        if not isinstance(image, str) or not image:
            raise InvalidType(f"ContainerSpec image must be a non-empty string, not {image!r}")
        self["Image"] = image
        if isinstance(command, str):
            command = split_command(command)
        elif command is not None:
            command = _str_list(command, "ContainerSpec command")
        self["Command"] = command
        self["Args"] = None if args is None else _str_list(args, "ContainerSpec args")

        if hostname is not None:
            self["Hostname"] = _str(hostname, "ContainerSpec hostname")
        if env is not None:
            if isinstance(env, Mapping):
                self["Env"] = format_environment(env)
            else:
                self["Env"] = _str_list(env, "ContainerSpec env")
        if workdir is not None:
            self["Dir"] = _str(workdir, "ContainerSpec workdir")
        if user is not None:
            self["User"] = _str(user, "ContainerSpec user")
        if groups is not None:
            self["Groups"] = _str_list(groups, "ContainerSpec groups")
        if stop_signal is not None:
            self["StopSignal"] = _str(stop_signal, "ContainerSpec stop_signal")
        if stop_grace_period is not None:
            self["StopGracePeriod"] = _int(stop_grace_period, "ContainerSpec stop_grace_period")
        if labels is not None:
            self["Labels"] = _str_map(labels, "ContainerSpec labels")
        if hosts is not None:
            if isinstance(hosts, Mapping):
                self["Hosts"] = format_extra_hosts(_str_map(hosts, "ContainerSpec hosts"), task=True)
            else:
                self["Hosts"] = _str_list(hosts, "ContainerSpec hosts")
        if mounts is not None:
            self["Mounts"] = _service_mounts(mounts)
        if secrets is not None:
            self["Secrets"] = _mapping_list(secrets, "ContainerSpec secrets")
        if configs is not None:
            self["Configs"] = _mapping_list(configs, "ContainerSpec configs")
        if dns_config is not None:
            self["DNSConfig"] = _mapping(dns_config, "ContainerSpec dns_config")
        if privileges is not None:
            self["Privileges"] = _mapping(privileges, "ContainerSpec privileges")
        if healthcheck is not None:
            self["Healthcheck"] = _mapping(healthcheck, "ContainerSpec healthcheck")
        if tty is not None:
            self["TTY"] = _bool(tty, "ContainerSpec tty")
        if open_stdin is not None:
            self["OpenStdin"] = _bool(open_stdin, "ContainerSpec open_stdin")
        if read_only is not None:
            self["ReadOnly"] = _bool(read_only, "ContainerSpec read_only")
        if isolation is not None:
            self["Isolation"] = _one_of(isolation, "ContainerSpec isolation", _ISOLATION)
        if init is not None:
            self["Init"] = _bool(init, "ContainerSpec init")
        if cap_add is not None:
            self["CapabilityAdd"] = _str_list(cap_add, "ContainerSpec cap_add")
        if cap_drop is not None:
            self["CapabilityDrop"] = _str_list(cap_drop, "ContainerSpec cap_drop")
        if sysctls is not None:
            self["Sysctls"] = _str_map(sysctls, "ContainerSpec sysctls")


# -- resources and policies ----------------------------------------------------------------------

def _bytes(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidType(f"{what} must be bytes (an int, or a string such as '512m'), not {value!r}")
    number = parse_bytes(value)
    if number < 0:
        raise InvalidArgument(f"{what} must not be negative, not {value!r}")
    return number


def _generic_resources(value: Any) -> List[Any]:
    if isinstance(value, list):
        return _mapping_list(value, "Resources generic_resources")
    if not isinstance(value, Mapping):
        raise InvalidType(f"generic_resources must be a dict or a list (found {_type_name(value)})")
    resources: List[Any] = []
    for kind, amount in value.items():
        if isinstance(amount, int) and not isinstance(amount, bool):
            spec = "DiscreteResourceSpec"
        elif isinstance(amount, str):
            spec = "NamedResourceSpec"
        else:
            raise InvalidType(f"Unsupported generic resource reservation type: {{{kind!r}: {amount!r}}}")
        resources.append({spec: {"Kind": kind, "Value": amount}})
    return resources


class Resources(Dict[str, Any]):
    """Limits and reservations of each container of a service (a :class:`TaskTemplate`'s ``Resources``).

    Args:
        cpu_limit: CPU limit in billionths of a CPU (``NanoCPUs``: 10**9 is one CPU).
        mem_limit: memory limit in bytes (or a string such as ``"512m"``).
        cpu_reservation: CPUs reserved, in billionths of a CPU.
        mem_reservation: memory reserved in bytes (or a string).
        generic_resources: node-level resources such as GPUs: ``{"gpu": 2, "ssd": "fast"}``
            (an int for a discrete resource, a string for a named one), or the API's list
            (API 1.32+).

    Raises:
        InvalidArgument: a negative or non-numeric amount, a generic resource that is neither
            an int nor a string.
    """

    def __init__(self, cpu_limit: Optional[int] = None, mem_limit: Optional[Union[int, str]] = None,
                 cpu_reservation: Optional[int] = None, mem_reservation: Optional[Union[int, str]] = None,
                 generic_resources: Optional[Union[Mapping[str, Union[int, str]], List[Any]]] = None) -> None:
        super().__init__()
        limits: Dict[str, Any] = {}
        reservations: Dict[str, Any] = {}
        if cpu_limit is not None:
            limits["NanoCPUs"] = _int(cpu_limit, "Resources cpu_limit")
        if mem_limit is not None:
            limits["MemoryBytes"] = _bytes(mem_limit, "Resources mem_limit")
        if cpu_reservation is not None:
            reservations["NanoCPUs"] = _int(cpu_reservation, "Resources cpu_reservation")
        if mem_reservation is not None:
            reservations["MemoryBytes"] = _bytes(mem_reservation, "Resources mem_reservation")
        if generic_resources is not None:
            reservations["GenericResources"] = _generic_resources(generic_resources)
        if limits:
            self["Limits"] = limits
        if reservations:
            self["Reservations"] = reservations


class UpdateConfig(Dict[str, Any]):
    """How a service's tasks are replaced when it is updated (the spec's ``UpdateConfig``).

    Args:
        parallelism: tasks updated at a time; 0 for all at once.
        delay: nanoseconds between batches.
        failure_action: ``continue``, ``pause`` or ``rollback`` (API 1.28+) when an updated
            task fails.
        monitor: nanoseconds each updated task is watched for failure (API 1.25+).
        max_failure_ratio: the fraction of tasks that may fail before ``failure_action``,
            0 to 1 (API 1.25+).
        order: ``stop-first`` or ``start-first`` (API 1.29+).

    Raises:
        InvalidArgument: an unknown action or order, a negative number, a ratio outside 0..1.
    """

    _what = "UpdateConfig"

    def __init__(self, parallelism: int = 0, delay: Optional[int] = None, failure_action: str = "continue",
                 monitor: Optional[int] = None, max_failure_ratio: Optional[float] = None,
                 order: Optional[str] = None) -> None:
        super().__init__()
        what = self._what
        self["Parallelism"] = _int(parallelism, f"{what} parallelism")
        if delay is not None:
            self["Delay"] = _int(delay, f"{what} delay")
        self["FailureAction"] = _one_of(failure_action, f"{what} failure_action", _FAILURE_ACTIONS)
        if monitor is not None:
            self["Monitor"] = _int(monitor, f"{what} monitor")
        if max_failure_ratio is not None:
            if isinstance(max_failure_ratio, bool) or not isinstance(max_failure_ratio, (int, float)):
                raise InvalidType(f"{what} max_failure_ratio must be a number, not {max_failure_ratio!r}")
            if not 0 <= max_failure_ratio <= 1:
                raise InvalidArgument(
                    f"{what} max_failure_ratio must be a number between 0 and 1, not {max_failure_ratio!r}"
                )
            self["MaxFailureRatio"] = max_failure_ratio
        if order is not None:
            self["Order"] = _one_of(order, f"{what} order", _ORDERS)


class RollbackConfig(UpdateConfig):
    """How a service's tasks are replaced when it is rolled back (API 1.28+).

    The arguments are :class:`UpdateConfig`'s, applied to the rollback.
    """

    _what = "RollbackConfig"


# -- endpoints and modes -------------------------------------------------------------------------

def _port(value: Any, what: str) -> int:
    return _int(value, what, 0, 65535)


def convert_service_ports(ports: Union[Mapping[int, PortConfig], List[Mapping[str, Any]]]) -> List[Any]:
    """Ports as a service's ``EndpointSpec`` takes them.

    Args:
        ports: ``{published: target}`` or ``{published: (target, protocol, publish_mode)}``
            (protocol and publish mode optional), or the API's list, which passes through.

    Raises:
        InvalidArgument: not a dict or list, a port that is not an integer from 0 to 65535, an
            unknown protocol or publish mode, a tuple of more than three items.
    """
    if isinstance(ports, list):
        return _mapping_list(ports, "EndpointSpec ports")
    if not isinstance(ports, Mapping):
        raise InvalidType(f"Invalid type for ports, expected dict or list, not {ports!r}")
    result: List[Any] = []
    for published, config in ports.items():
        spec: Dict[str, Any] = {"Protocol": "tcp", "PublishedPort": _port(published, "published port")}
        if isinstance(config, tuple):
            if not 1 <= len(config) <= 3:
                raise InvalidArgument(
                    "Service port configuration can have at most 3 elements: (target_port, protocol, mode)"
                )
            spec["TargetPort"] = _port(config[0], "target port")
            if len(config) >= 2 and config[1] is not None:
                spec["Protocol"] = _one_of(config[1], "port protocol", _PROTOCOLS)
            if len(config) == 3:
                spec["PublishMode"] = _one_of(config[2], "port publish mode", _PUBLISH_MODES)
        else:
            spec["TargetPort"] = _port(config, "target port")
        result.append(spec)
    return result


class EndpointSpec(Dict[str, Any]):
    """How a service is reached: its load-balancing mode and published ports.

    Args:
        mode: ``vip`` (a virtual IP, the default) or ``dnsrr`` (DNS round robin).
        ports: ``{published: target}`` or ``{published: (target, protocol, publish_mode)}``
            (``tcp``/``udp``/``sctp``; ``ingress``/``host``), or the API's list. Only with ``vip``.

    Raises:
        InvalidArgument: an unknown mode, malformed ports.

    Example:
        >>> EndpointSpec(ports={8080: 80, 5353: (53, "udp")})
        {'Ports': [{'Protocol': 'tcp', 'PublishedPort': 8080, 'TargetPort': 80}, ...]}
    """

    def __init__(self, mode: Optional[str] = None,
                 ports: Optional[Union[Mapping[int, PortConfig], List[Mapping[str, Any]]]] = None) -> None:
        super().__init__()
        if ports:
            self["Ports"] = convert_service_ports(ports)
        if mode:
            self["Mode"] = _one_of(mode, "EndpointSpec mode", _ENDPOINT_MODES)


class ServiceMode(Dict[str, Any]):
    """Whether a service runs a number of replicas, one task per node, or as a job.

    Args:
        mode: ``replicated``, ``global``, ``replicated-job`` or ``global-job`` (jobs: API 1.41+).
        replicas: tasks of a ``replicated`` service; completions of a ``replicated-job``.
        concurrency: tasks of a ``replicated-job`` run at once (1 when only ``replicas`` is given).

    Attributes:
        mode: the key the mode goes under (``replicated``, ``global``, ``ReplicatedJob``, ``GlobalJob``).

    Raises:
        InvalidArgument: an unknown mode, ``replicas`` or ``concurrency`` where the mode has
            none, a negative count.

    Example:
        >>> ServiceMode("replicated", replicas=3)
        {'replicated': {'Replicas': 3}}
    """

    def __init__(self, mode: str, replicas: Optional[int] = None, concurrency: Optional[int] = None) -> None:
        super().__init__()
        if mode not in _SERVICE_MODES:
            raise InvalidArgument(
                f'mode must be either "replicated", "global", "replicated-job" or "global-job", not {mode!r}'
            )
        if mode not in _REPLICATED_MODES and replicas is not None:
            raise InvalidArgument('replicas can only be used for "replicated" or "replicated-job" mode')
        if mode != "replicated-job" and concurrency is not None:
            raise InvalidArgument('concurrency can only be used for "replicated-job" mode')
        key = {"replicated-job": "ReplicatedJob", "global-job": "GlobalJob"}.get(mode, mode)
        self.mode = key
        settings: Dict[str, Any] = {}
        if replicas is not None:
            _int(replicas, "ServiceMode replicas")
        if concurrency is not None:
            _int(concurrency, "ServiceMode concurrency", 1)
        if mode == "replicated" and replicas is not None:
            settings["Replicas"] = replicas
        elif mode == "replicated-job" and (replicas is not None or concurrency is not None):
            settings["MaxConcurrent"] = concurrency or 1
            if replicas is not None:
                settings["TotalCompletions"] = replicas
        self[key] = settings

    @property
    def replicas(self) -> Optional[int]:
        """The replicas of a ``replicated`` service, the completions of a ``replicated-job``."""
        if "replicated" in self:
            return self["replicated"].get("Replicas")  # type: ignore[no-any-return]
        if "ReplicatedJob" in self:
            return self["ReplicatedJob"].get("TotalCompletions")  # type: ignore[no-any-return]
        return None


# -- secrets and configs -------------------------------------------------------------------------

def _file_target(name: str, uid: Optional[str], gid: Optional[str], mode: int, what: str) -> Dict[str, Any]:
    return {
        "Name": name,
        "UID": _str(uid, f"{what} uid") if uid else "0",
        "GID": _str(gid, f"{what} gid") if gid else "0",
        "Mode": _int(mode, f"{what} mode", 0, 0o7777),
    }


class SecretReference(Dict[str, Any]):
    """A secret given to a service's containers, as a file under ``/run/secrets`` (API 1.25+).

    Args:
        secret_id: the secret's id (or the dict ``create_secret``/``inspect_secret`` returned).
        secret_name: the secret's name.
        filename: the file's name (default: the secret's name), or an absolute path.
        uid: the file's owner (default ``"0"``).
        gid: the file's group (default ``"0"``).
        mode: the file's permission bits (default ``0o444``).

    Raises:
        NullResource: no ``secret_id``.
        InvalidArgument: a name or owner that is not a string, a mode that is not an int.
    """

    def __init__(self, secret_id: Union[str, Mapping[str, Any]], secret_name: str,
                 filename: Optional[str] = None, uid: Optional[str] = None, gid: Optional[str] = None,
                 mode: int = 0o444) -> None:
        super().__init__()
        self["SecretName"] = _str(secret_name, "SecretReference secret_name")
        self["SecretID"] = resource_id(secret_id, "secret (SecretReference secret_id)")
        name = _str(filename, "SecretReference filename") if filename else secret_name
        self["File"] = _file_target(name, uid, gid, mode, "SecretReference")


class ConfigReference(Dict[str, Any]):
    """A config given to a service's containers, as a file (API 1.30+).

    Args:
        config_id: the config's id (or the dict ``create_config``/``inspect_config`` returned).
        config_name: the config's name.
        filename: the file's path in the container (default: the config's name, at ``/``).
        uid: the file's owner (default ``"0"``).
        gid: the file's group (default ``"0"``).
        mode: the file's permission bits (default ``0o444``).

    Raises:
        NullResource: no ``config_id``.
        InvalidArgument: a name or owner that is not a string, a mode that is not an int.
    """

    def __init__(self, config_id: Union[str, Mapping[str, Any]], config_name: str,
                 filename: Optional[str] = None, uid: Optional[str] = None, gid: Optional[str] = None,
                 mode: int = 0o444) -> None:
        super().__init__()
        self["ConfigName"] = _str(config_name, "ConfigReference config_name")
        self["ConfigID"] = resource_id(config_id, "config (ConfigReference config_id)")
        name = _str(filename, "ConfigReference filename") if filename else config_name
        self["File"] = _file_target(name, uid, gid, mode, "ConfigReference")


# -- placement -----------------------------------------------------------------------------------

class PlacementPreference(Dict[str, Any]):
    """One placement preference of a :class:`Placement` (API 1.28+).

    Args:
        strategy: ``spread``, the only strategy.
        descriptor: the label to spread tasks over, e.g. ``"node.labels.datacenter"``.

    Raises:
        InvalidArgument: another strategy, a descriptor that is not a string.
    """

    def __init__(self, strategy: str, descriptor: str) -> None:
        super().__init__()
        if strategy != "spread":
            raise InvalidArgument(
                f'PlacementPreference strategy value is invalid ({strategy}): must be "spread".'
            )
        self["Spread"] = {"SpreadDescriptor": _str(descriptor, "PlacementPreference descriptor")}


def _platform(value: Any) -> Dict[str, str]:
    if not isinstance(value, (tuple, list)) or len(value) != 2 or not all(isinstance(v, str) for v in value):
        raise InvalidType(f"Placement platforms entries must be (architecture, os) tuples, not {value!r}")
    return {"Architecture": value[0], "OS": value[1]}


class Placement(Dict[str, Any]):
    """Where a service's tasks may run (a :class:`TaskTemplate`'s ``Placement``).

    Args:
        constraints: e.g. ``["node.role == manager", "node.labels.disk == ssd"]``.
        preferences: :class:`PlacementPreference` objects or ``(strategy, descriptor)``
            tuples, highest precedence first (API 1.28+).
        platforms: ``(architecture, os)`` tuples the service runs on (API 1.30+).
        maxreplicas: the most tasks of the service on one node (API 1.40+).

    Raises:
        InvalidArgument: constraints that are not strings, malformed preferences or platforms,
            a negative ``maxreplicas``.
    """

    def __init__(self, constraints: Optional[List[str]] = None,
                 preferences: Optional[List[Union[Tuple[str, str], Mapping[str, Any]]]] = None,
                 platforms: Optional[List[Tuple[str, str]]] = None,
                 maxreplicas: Optional[int] = None) -> None:
        super().__init__()
        if constraints is not None:
            self["Constraints"] = _str_list(constraints, "Placement constraints")
        if preferences is not None:
            if not isinstance(preferences, list):
                raise InvalidType(f"Placement preferences must be a list, not {preferences!r}")
            converted: List[Any] = []
            for preference in preferences:
                if isinstance(preference, tuple):
                    if len(preference) != 2:
                        raise InvalidArgument(
                            f"Placement preferences must be (strategy, descriptor) tuples, not {preference!r}"
                        )
                    preference = PlacementPreference(*preference)
                elif not isinstance(preference, Mapping):
                    raise InvalidType(
                        "Placement preferences entries must be PlacementPreference or tuples, "
                        f"not {preference!r}"
                    )
                converted.append(preference)
            self["Preferences"] = converted
        if maxreplicas is not None:
            self["MaxReplicas"] = _int(maxreplicas, "Placement maxreplicas")
        if platforms:
            if not isinstance(platforms, list):
                raise InvalidType(f"Placement platforms must be a list of tuples, not {platforms!r}")
            self["Platforms"] = [_platform(platform) for platform in platforms]


# -- container details ---------------------------------------------------------------------------

class DNSConfig(Dict[str, Any]):
    """The ``resolv.conf`` of a service's containers (API 1.25+).

    Args:
        nameservers: name server addresses.
        search: search domains.
        options: resolver options, e.g. ``["ndots:3"]``.

    Raises:
        InvalidArgument: a value that is not a list of strings.
    """

    def __init__(self, nameservers: Optional[List[str]] = None, search: Optional[List[str]] = None,
                 options: Optional[List[str]] = None) -> None:
        super().__init__()
        self["Nameservers"] = None if nameservers is None else _str_list(nameservers, "DNSConfig nameservers")
        self["Search"] = None if search is None else _str_list(search, "DNSConfig search")
        self["Options"] = None if options is None else _str_list(options, "DNSConfig options")


class Privileges(Dict[str, Any]):
    r"""Security options of a service's containers (API 1.29+).

    Args:
        credentialspec_file: a credential spec file in the daemon's ``CredentialSpecs``
            directory (Windows). Not with ``credentialspec_registry``.
        credentialspec_registry: a credential spec in the Windows registry (under
            ``HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\Containers\CredentialSpecs``).
        selinux_disable: disable SELinux labelling.
        selinux_user: the SELinux user label.
        selinux_role: the SELinux role label.
        selinux_type: the SELinux type label.
        selinux_level: the SELinux level label.

    Raises:
        InvalidArgument: both credential spec sources.
    """

    def __init__(self, credentialspec_file: Optional[str] = None,
                 credentialspec_registry: Optional[str] = None, selinux_disable: Optional[bool] = None,
                 selinux_user: Optional[str] = None, selinux_role: Optional[str] = None,
                 selinux_type: Optional[str] = None, selinux_level: Optional[str] = None) -> None:
        super().__init__()
        credential_spec: Dict[str, str] = {}
        if credentialspec_registry is not None:
            credential_spec["Registry"] = _str(credentialspec_registry, "Privileges credentialspec_registry")
        if credentialspec_file is not None:
            credential_spec["File"] = _str(credentialspec_file, "Privileges credentialspec_file")
        if len(credential_spec) > 1:
            raise InvalidArgument("credentialspec_file and credentialspec_registry are mutually exclusive")
        if selinux_disable is not None:
            _bool(selinux_disable, "Privileges selinux_disable")
        if credential_spec:
            self["CredentialSpec"] = credential_spec
        # docker-py always sends the SELinux context, unset fields as null
        self["SELinuxContext"] = {
            "Disable": selinux_disable,
            "User": selinux_user,
            "Role": selinux_role,
            "Type": selinux_type,
            "Level": selinux_level,
        }


class NetworkAttachmentConfig(Dict[str, Any]):
    """A network a service joins, with its aliases and driver options there.

    Args:
        target: the network's name or id.
        aliases: other names the service has on the network.
        options: driver options for the attachment.

    Raises:
        InvalidArgument: a target that is not a non-empty string, aliases that are not strings.
    """

    def __init__(self, target: str, aliases: Optional[List[str]] = None,
                 options: Optional[Mapping[str, str]] = None) -> None:
        super().__init__()
        if not isinstance(target, str) or not target:
            raise InvalidType(
                f"NetworkAttachmentConfig target must be a network name or id, not {target!r}")
        self["Target"] = target
        self["Aliases"] = None if aliases is None else _str_list(aliases, "NetworkAttachmentConfig aliases")
        self["DriverOpts"] = None if options is None else _str_map(options, "NetworkAttachmentConfig options")
