"""Swarm service and task endpoints: create, inspect, update (and roll back), remove; logs of both.

The spec's pieces are built with ``types/services.py``; the API version of each field is checked
here, before anything is sent.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from .. import streams
from ..errors import InvalidArgument, InvalidType
from ..utils.convert import convert_filters, to_timestamp
from ..utils.resources import resource_id
from ._base import ApiMixin
from .container import tail_param
from .swarm import version_index

if TYPE_CHECKING:
    from .. import answers

#: A service or a task: its id or name, or a dict with its ``ID``.
Resource = Union[str, Mapping[str, Any]]
_Time = Union[datetime, int, float, None]

_SPEC = "POST /services/create"
_MULTIPLEXED_STREAM = "application/vnd.docker.multiplexed-stream"
_RAW_STREAM = "application/vnd.docker.raw-stream"
_REGISTRY_AUTH_FROM = ("spec", "previous-spec")

#: ContainerSpec fields newer than API 1.24, each gated when set (not None/False/empty).
_CONTAINER_SPEC_GATES = ("TTY", "Hostname", "Hosts", "Groups", "DNSConfig", "Healthcheck", "Secrets",
                         "ReadOnly", "StopSignal", "Privileges", "Configs", "Isolation", "Init",
                         "Sysctls", "CapabilityAdd", "CapabilityDrop")
#: (options key or None, key inside it) of service mounts, gated when set.
_MOUNT_GATES = ((None, "Consistency"), ("BindOptions", "NonRecursive"),
                ("BindOptions", "CreateMountpoint"), ("BindOptions", "ReadOnlyNonRecursive"),
                ("BindOptions", "ReadOnlyForceRecursive"), ("VolumeOptions", "Subpath"),
                ("TmpfsOptions", "Options"))


def _mounts_features(mounts: Any) -> Iterator[Tuple[str, str]]:
    for mount in mounts if isinstance(mounts, list) else []:
        if not isinstance(mount, Mapping):
            continue
        if mount.get("Type") in ("cluster", "image"):
            yield (f"{_SPEC} ContainerSpec-Mounts-Type-{mount['Type']}", f"mount type {mount['Type']!r}")
        for options_key, key in _MOUNT_GATES:
            options = mount if options_key is None else mount.get(options_key) or {}
            if isinstance(options, Mapping) and options.get(key):
                name = f"{options_key}-{key}" if options_key else key
                yield (f"{_SPEC} ContainerSpec-Mounts-{name}", f"Mount {name.replace('-', '.')}")


def spec_features(task_template: Optional[Mapping[str, Any]] = None,
                  update_config: Optional[Mapping[str, Any]] = None,
                  rollback_config: Optional[Mapping[str, Any]] = None,
                  endpoint_spec: Optional[Mapping[str, Any]] = None,
                  mode: Optional[Mapping[str, Any]] = None) -> List[Tuple[str, str]]:
    """The version-dependent fields a service spec uses: ``(FEATURES key, what to call it)`` pairs.

    A field counts when it is set to something other than None, False, 0 or empty: sending a
    default an older daemon does not know changes nothing.
    """
    used: List[Tuple[str, str]] = []
    if update_config:
        if update_config.get("Monitor"):
            used.append((f"{_SPEC} UpdateConfig-Monitor", "UpdateConfig.monitor"))
        if update_config.get("MaxFailureRatio"):
            used.append((f"{_SPEC} UpdateConfig-MaxFailureRatio", "UpdateConfig.max_failure_ratio"))
        if update_config.get("FailureAction") == "rollback":
            used.append((f"{_SPEC} UpdateConfig-FailureAction-rollback",
                         "UpdateConfig.failure_action rollback"))
        if update_config.get("Order"):
            used.append((f"{_SPEC} UpdateConfig-Order", "UpdateConfig.order"))
    if rollback_config is not None:
        used.append((f"{_SPEC} RollbackConfig", "rollback_config"))
        if rollback_config.get("Order"):
            used.append((f"{_SPEC} RollbackConfig-Order", "RollbackConfig.order"))
    if endpoint_spec:
        ports = endpoint_spec.get("Ports") or []
        if any(isinstance(port, Mapping) and port.get("PublishMode") for port in ports):
            used.append((f"{_SPEC} EndpointSpec-Ports-PublishMode", "EndpointSpec ports publish mode"))
    if mode:
        for key in mode:
            if key.lower() in ("replicatedjob", "globaljob"):
                name = "ReplicatedJob" if key.lower() == "replicatedjob" else "GlobalJob"
                used.append((f"{_SPEC} Mode-{name}", f"mode {name}"))
    if not task_template:
        return used
    if task_template.get("ForceUpdate"):
        used.append((f"{_SPEC} TaskTemplate-ForceUpdate", "TaskTemplate.force_update"))
    placement = task_template.get("Placement") or {}
    for key in ("Preferences", "Platforms", "MaxReplicas"):
        if placement.get(key):
            used.append((f"{_SPEC} Placement-{key}", f"Placement.{key.lower()}"))
    resources = task_template.get("Resources") or {}
    if (resources.get("Reservations") or {}).get("GenericResources"):
        used.append((f"{_SPEC} Resources-GenericResources", "Resources.generic_resources"))
    container_spec = task_template.get("ContainerSpec") or {}
    for key in _CONTAINER_SPEC_GATES:
        if container_spec.get(key):
            used.append((f"{_SPEC} ContainerSpec-{key}", f"ContainerSpec.{key}"))
    healthcheck = container_spec.get("Healthcheck") or {}
    for key in ("StartPeriod", "StartInterval"):
        if healthcheck.get(key):
            used.append((f"{_SPEC} ContainerSpec-Healthcheck-{key}", f"Healthcheck.{key}"))
    used.extend(_mounts_features(container_spec.get("Mounts")))
    return used


def _merge_task_template(current: Mapping[str, Any], override: Optional[Mapping[str, Any]]) -> dict[str, Any]:
    """docker-py's merge: ``override``'s non-None values over ``current``, ContainerSpec key by key."""
    merged = dict(current)
    if override is None:
        return merged
    for key, value in override.items():
        if key == "ContainerSpec" and isinstance(value, Mapping):
            container_spec = dict(merged.get("ContainerSpec") or {})
            container_spec.update({k: v for k, v in value.items() if v is not None})
            merged["ContainerSpec"] = container_spec
        elif value is not None:
            merged[key] = value
    return merged


def _optional_mapping(value: Any, what: str) -> Optional[Mapping[str, Any]]:
    if value is not None and not isinstance(value, Mapping):
        raise InvalidType(f"{what} must be a dict, not {value!r} ({type(value).__name__})")
    return value  # type: ignore[no-any-return]


def _labels(value: Any) -> Optional[dict[str, str]]:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InvalidType(f"labels must be a dict of strings to strings, not {value!r}")
    return dict(value)


def _mode(value: Any) -> Optional[Mapping[str, Any]]:
    if not value:
        return None
    if isinstance(value, str):
        from ..types.services import ServiceMode

        return ServiceMode(value)
    return _optional_mapping(value, "mode")




def _frame_payloads(chunks: Iterable[bytes]) -> Iterator[bytes]:
    return streams.frame_payloads(streams.iter_frames(chunks))


class ServiceApiMixin(ApiMixin):
    # -- services --------------------------------------------------------------------------------

    def _check_spec(self, task_template: Optional[Mapping[str, Any]],
                    update_config: Optional[Mapping[str, Any]], rollback_config: Optional[Mapping[str, Any]],
                    endpoint_spec: Optional[Mapping[str, Any]], mode: Optional[Mapping[str, Any]]) -> None:
        for feature, _ in spec_features(task_template, update_config, rollback_config, endpoint_spec, mode):
            self._require(feature)

    def _image_auth_headers(self, task_template: Mapping[str, Any]) -> dict[str, Any]:
        image = (task_template.get("ContainerSpec") or {}).get("Image")
        if not image:
            return {}
        return dict(self._image_registry_headers(image))

    def create_service(self, task_template: Mapping[str, Any], name: Optional[str] = None,
                       labels: Optional[Mapping[str, str]] = None,
                       mode: Optional[Union[str, Mapping[str, Any]]] = None,
                       update_config: Optional[Mapping[str, Any]] = None,
                       networks: Optional[List[Union[str, Mapping[str, Any]]]] = None,
                       endpoint_config: Optional[Mapping[str, Any]] = None,
                       endpoint_spec: Optional[Mapping[str, Any]] = None,
                       rollback_config: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
        """Create a swarm service, as ``docker service create`` does (``POST /services/create``).

        Credentials for the image's registry, when known, go along so that every node can pull it.

        Args:
            task_template: a :class:`~docker_client.types.TaskTemplate`: what each task runs.
            name: the service's name.
            labels: the service's labels.
            mode: a :class:`~docker_client.types.ServiceMode` or its mode's name; replicated
                with one replica by default.
            update_config: an :class:`~docker_client.types.UpdateConfig`.
            networks: network names or ids, or
                :class:`~docker_client.types.NetworkAttachmentConfig` (API 1.25+ puts them in
                the task template, older versions at the top).
            endpoint_config: an old name of ``endpoint_spec``, used when that is not given.
            endpoint_spec: an :class:`~docker_client.types.EndpointSpec`: ports and load balancing.
            rollback_config: a :class:`~docker_client.types.RollbackConfig` (API 1.28+).

        Returns:
            ``{"ID": ...}`` (and ``Warnings`` from API 1.25).

        Raises:
            InvalidArgument: no image in the task template, or a piece of the wrong type.
            InvalidVersion: a field the API version lacks (named in the message).
            Conflict: the name is taken.
            APIError: the daemon is not a swarm manager (503), or refused the spec.

        Example:
            >>> spec = ContainerSpec("busybox", ["sh", "-c", "while true; do echo tick; sleep 1; done"])
            >>> client.create_service(TaskTemplate(spec), name="ticker", mode=ServiceMode("replicated", 2))
            {'ID': 'k4e8...'}
        """
        template = dict(_optional_mapping(task_template, "task_template") or {})
        container_spec = template.get("ContainerSpec")
        if "PluginSpec" not in template and not (isinstance(container_spec, Mapping)
                                                 and container_spec.get("Image")):
            raise InvalidType("Missing mandatory Image key in ContainerSpec")
        if endpoint_spec is None:
            endpoint_spec = endpoint_config
        service_mode = _mode(mode)
        if name is not None and not isinstance(name, str):
            raise InvalidType(f"name must be a string, not {name!r}")
        self._check_spec(template, _optional_mapping(update_config, "update_config"),
                         _optional_mapping(rollback_config, "rollback_config"),
                         _optional_mapping(endpoint_spec, "endpoint_spec"), service_mode)
        from ..types.services import convert_service_networks

        converted = convert_service_networks(networks)
        top_level_networks = None
        if self._supports(f"{_SPEC} TaskTemplate-Networks"):
            if converted:
                template["Networks"] = converted
        else:
            in_template = template.pop("Networks", None)
            top_level_networks = converted or in_template
        data: dict[str, Any] = {
            "Name": name,
            "Labels": _labels(labels),
            "TaskTemplate": template,
            "Mode": service_mode,
            "Networks": top_level_networks,
            "EndpointSpec": endpoint_spec,
            "UpdateConfig": update_config,
            "RollbackConfig": rollback_config,
        }
        headers = self._image_auth_headers(template)
        response = self._post_json(self._url("/services/create"), data=data, headers=headers)
        return self._result(response, json=True)  # type: ignore[no-any-return]

    def inspect_service(self, service: Resource, insert_defaults: Optional[bool] = None) -> dict[str, Any]:
        """A service's details: ``ID``, ``Version``, ``Spec``, ``PreviousSpec``... (``GET /services/{id}``).

        Args:
            service: the service's id or name.
            insert_defaults: fill in the defaults of settings left unset (API 1.29+).

        Raises:
            NotFound: no such service.
        """
        url = self._url("/services/{0}", resource_id(service, "service"))
        params: dict[str, Any] = {}
        if insert_defaults is not None:
            self._require("GET /services/{id} insertDefaults")
            params["insertDefaults"] = bool(insert_defaults)
        return self._result(self._get(url, params=self._params(**params)), json=True)  # type: ignore[no-any-return]

    def services(self, filters: Optional[Mapping[str, Any]] = None,
                 status: Optional[bool] = None) -> List[answers.Service]:
        """The swarm's services, as ``docker service ls`` lists them (``GET /services``).

        Args:
            filters: ``id``, ``name``, ``label``, ``mode`` (``replicated``/``global``, API 1.28+).
            status: include each service's ``ServiceStatus`` (running and desired tasks) (API 1.41+).
        """
        params: dict[str, Any] = {"filters": convert_filters(filters) if filters else None}
        if status is not None:
            self._require("GET /services status")
            params["status"] = bool(status)
        return self._result(self._get(self._url("/services"), params=self._params(**params)), json=True)  # type: ignore[no-any-return]

    def update_service(self, service: Resource, version: int,
                       task_template: Optional[Mapping[str, Any]] = None, name: Optional[str] = None,
                       labels: Optional[Mapping[str, str]] = None,
                       mode: Optional[Union[str, Mapping[str, Any]]] = None,
                       update_config: Optional[Mapping[str, Any]] = None,
                       networks: Optional[List[Union[str, Mapping[str, Any]]]] = None,
                       endpoint_config: Optional[Mapping[str, Any]] = None,
                       endpoint_spec: Optional[Mapping[str, Any]] = None, fetch_current_spec: bool = False,
                       rollback_config: Optional[Mapping[str, Any]] = None, *,
                       registry_auth_from: Optional[str] = None, rollback: bool = False) -> dict[str, Any]:
        """Change a service, as ``docker service update`` does (``POST /services/{id}/update``).

        The spec sent replaces the service's: without ``fetch_current_spec`` every setting not
        given is reset. With it, the settings given are put over the current spec.

        Args:
            service: the service's id or name.
            version: ``inspect_service(service)["Version"]["Index"]``: an update based on an
                older version is refused.
            task_template: a :class:`~docker_client.types.TaskTemplate`; with
                ``fetch_current_spec``, its non-None values (and those of its ContainerSpec)
                replace the current ones.
            name: the service's name (services cannot be renamed).
            labels: the service's labels.
            mode: a :class:`~docker_client.types.ServiceMode` or its mode's name (a mode's
                kind cannot change, its replicas can).
            update_config: an :class:`~docker_client.types.UpdateConfig`.
            networks: network names or ids, or NetworkAttachmentConfig.
            endpoint_config: an old name of ``endpoint_spec``, used when that is not given.
            endpoint_spec: an :class:`~docker_client.types.EndpointSpec`.
            fetch_current_spec: start from the service's current spec.
            rollback_config: a :class:`~docker_client.types.RollbackConfig` (API 1.28+).
            registry_auth_from: without credentials for the image, use those of the ``spec``
                or the ``previous-spec`` (API 1.25+).
            rollback: go back to the service's previous spec, as ``docker service rollback``
                does; the current spec is sent along, the other settings are ignored
                (API 1.28+).

        Returns:
            ``{"Warnings": [...]}`` (empty on daemons that answer API 1.24 without a body).

        Raises:
            InvalidArgument: a version that is not an int, a piece of the wrong type, an unknown
                ``registry_auth_from``.
            InvalidVersion: a field or option the API version lacks.
            NotFound: no such service.
            APIError: an outdated version, an invalid spec, nothing to roll back to.

        Example:
            >>> current = client.inspect_service("ticker")
            >>> client.update_service("ticker", current["Version"]["Index"],
            ...                       mode=ServiceMode("replicated", 3), fetch_current_spec=True)
        """
        service_id = resource_id(service, "service")
        index = version_index(version)
        if endpoint_spec is None:
            endpoint_spec = endpoint_config
        service_mode = _mode(mode)
        new_labels = _labels(labels)
        if name is not None and not isinstance(name, str):
            raise InvalidType(f"name must be a string, not {name!r}")
        self._check_spec(_optional_mapping(task_template, "task_template"),
                         _optional_mapping(update_config, "update_config"),
                         _optional_mapping(rollback_config, "rollback_config"),
                         _optional_mapping(endpoint_spec, "endpoint_spec"), service_mode)
        params: dict[str, Any] = {"version": index}
        if registry_auth_from is not None:
            self._require("POST /services/{id}/update registryAuthFrom")
            if registry_auth_from not in _REGISTRY_AUTH_FROM:
                raise InvalidArgument(
                    f"registry_auth_from must be 'spec' or 'previous-spec', not {registry_auth_from!r}"
                )
            params["registryAuthFrom"] = registry_auth_from
        if rollback:
            self._require("POST /services/{id}/update rollback")
            params["rollback"] = "previous"
            fetch_current_spec = True  # the daemon wants a valid spec, as the docker CLI sends

        current: Mapping[str, Any] = {}
        if fetch_current_spec:
            insert_defaults = True if self._supports("GET /services/{id} insertDefaults") else None
            current = self.inspect_service(service_id, insert_defaults=insert_defaults)["Spec"]

        def pick(given: Any, key: str) -> Any:
            return current.get(key) if given is None else given

        data: dict[str, Any] = {
            "Name": pick(name, "Name"),
            "Labels": pick(new_labels, "Labels"),
            "Mode": pick(service_mode, "Mode"),
            "TaskTemplate": _merge_task_template(current.get("TaskTemplate") or {}, task_template),
            "UpdateConfig": pick(update_config, "UpdateConfig"),
            "RollbackConfig": pick(rollback_config, "RollbackConfig"),
            "EndpointSpec": pick(endpoint_spec, "EndpointSpec"),
        }
        template = data["TaskTemplate"]
        in_template = self._supports(f"{_SPEC} TaskTemplate-Networks")
        if networks is not None:
            from ..types.services import convert_service_networks

            converted = convert_service_networks(networks)
            if in_template:
                template["Networks"] = converted
            else:
                data["Networks"] = converted
        elif not in_template:
            data["Networks"] = current.get("Networks")
        elif template.get("Networks") is None:
            current_networks = (current.get("TaskTemplate") or {}).get("Networks") or current.get("Networks")
            if current_networks is not None:
                template["Networks"] = current_networks

        headers = self._image_auth_headers(template)
        url = self._url("/services/{0}/update", service_id)
        response = self._post_json(url, data=data, params=self._params(**params), headers=headers)
        body = self._result(response)
        return json.loads(body) if body.strip() else {}  # type: ignore[no-any-return]

    def remove_service(self, service: Resource) -> bool:
        """Stop and remove a service (``DELETE /services/{id}``).

        Returns:
            True.

        Raises:
            NotFound: no such service.
        """
        url = self._url("/services/{0}", resource_id(service, "service"))
        self._result(self._delete(url))
        return True

    # -- logs ------------------------------------------------------------------------------------

    def _logs(self, url: str, details: bool, follow: bool, stdout: bool, stderr: bool, since: _Time,
              timestamps: bool, tail: Union[str, int], is_tty: Optional[bool],
              spec_tty: Callable[[], bool]) -> streams.Stream[bytes]:
        params = self._params(details=bool(details), follow=bool(follow), stdout=bool(stdout),
                              stderr=bool(stderr), since=to_timestamp(since, "since"),
                              timestamps=bool(timestamps), tail=tail_param(tail))
        kwargs: dict[str, Any] = {}
        if follow:
            kwargs["timeout"] = (self.timeout, None)  # wait for new lines as long as it takes
        response = self._get(url, params=params, stream=True, **kwargs)
        self._raise_for_status(response)
        try:
            content_type = response.headers.get("Content-Type", "")
            if content_type.startswith(_MULTIPLEXED_STREAM):
                raw = False
            elif (content_type.startswith(_RAW_STREAM)
                  and self._supports("GET /containers/{id}/logs Content-Type")):
                raw = True
            else:
                raw = spec_tty() if is_tty is None else bool(is_tty)
        except BaseException:
            response.close()
            raise
        return self._stream(response, iter if raw else _frame_payloads)

    def service_logs(self, service: Resource, details: bool = False, follow: bool = False,
                     stdout: bool = False, stderr: bool = False, since: _Time = 0,
                     timestamps: bool = False, tail: Union[str, int] = "all",
                     is_tty: Optional[bool] = None) -> streams.Stream[bytes]:
        """The output of a service's tasks, as ``docker service logs`` shows it
        (``GET /services/{id}/logs``, API 1.25+; experimental before 1.29).

        Needs a log driver that can be read back (``json-file``, ``local``, ``journald``).

        Args:
            service: the service's id or name.
            details: include the extra attributes given to the log driver.
            follow: keep the stream open for new output.
            stdout: include stdout.
            stderr: include stderr.
            since: only output from this time on (a datetime or a Unix timestamp).
            timestamps: prefix every line with its time.
            tail: only this many lines from the end of each task's output, or ``"all"``.
            is_tty: whether the service's containers have a TTY; looked up when not given
                (and the daemon does not say).

        Returns:
            A :class:`~docker_client.streams.Stream` of output chunks; ``close()`` it (or use
            ``with``) to stop following.

        Raises:
            InvalidArgument: neither stdout nor stderr, a bad ``tail`` or ``since``.
            NotFound: no such service.
        """
        self._require("GET /services/{id}/logs")
        service_id = resource_id(service, "service")

        def spec_tty() -> bool:
            spec = self.inspect_service(service_id)["Spec"]
            return bool(((spec.get("TaskTemplate") or {}).get("ContainerSpec") or {}).get("TTY"))

        url = self._url("/services/{0}/logs", service_id)
        return self._logs(url, details, follow, stdout, stderr, since, timestamps, tail, is_tty, spec_tty)

    def task_logs(self, task: Resource, details: bool = False, follow: bool = False, stdout: bool = False,
                  stderr: bool = False, since: _Time = 0, timestamps: bool = False,
                  tail: Union[str, int] = "all", is_tty: Optional[bool] = None) -> streams.Stream[bytes]:
        """The output of one task (``GET /tasks/{id}/logs``, API 1.29+).

        Takes :meth:`service_logs`' arguments, for a task's id.

        Raises:
            InvalidVersion: before API 1.29.
            NotFound: no such task.
        """
        self._require("GET /tasks/{id}/logs")
        task_id = resource_id(task, "task")

        def spec_tty() -> bool:
            spec = self.inspect_task(task_id)["Spec"]
            return bool((spec.get("ContainerSpec") or {}).get("TTY"))

        url = self._url("/tasks/{0}/logs", task_id)
        return self._logs(url, details, follow, stdout, stderr, since, timestamps, tail, is_tty, spec_tty)

    # -- tasks -----------------------------------------------------------------------------------

    def tasks(self, filters: Optional[Mapping[str, Any]] = None) -> List[answers.Task]:
        """The swarm's tasks, as ``docker service ps`` lists them (``GET /tasks``).

        Args:
            filters: ``id``, ``name``, ``service``, ``node``, ``label``, ``desired-state``
                (``running``, ``shutdown``, ``accepted``).
        """
        params = self._params(filters=convert_filters(filters) if filters else None)
        return self._result(self._get(self._url("/tasks"), params=params), json=True)  # type: ignore[no-any-return]

    def inspect_task(self, task: Resource) -> dict[str, Any]:
        """A task's details, with its container's id in ``Status.ContainerStatus`` (``GET /tasks/{id}``).

        Raises:
            NotFound: no such task.
        """
        url = self._url("/tasks/{0}", resource_id(task, "task"))
        return self._result(self._get(url), json=True)  # type: ignore[no-any-return]
