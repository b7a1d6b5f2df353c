"""Creating containers: ``POST /containers/create`` and its body's builders, bound to the API version.

``create_container`` takes docker-py's arguments, adds the proxy variables of the docker CLI's
config.json to the environment, and sends the body a :class:`~docker_client.types.ContainerConfig` builds.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Mapping, Optional, Union

from ..utils.convert import format_environment
from ._base import ApiMixin

if TYPE_CHECKING:
    from .. import answers
    from ..env import DaemonAddress
    from ..types.containers import ContainerConfig, HostConfig
    from ..types.networks import EndpointConfig, NetworkingConfig
    from ..utils.proxy import ProxyConfig

class ContainerConfigMixin(ApiMixin):
    """``create_container`` and the builders of its arguments."""

    if TYPE_CHECKING:
        _address: DaemonAddress
        _proxy_configs: ProxyConfig

    def _proxy_settings(self) -> Mapping[str, Any]:
        """The config.json ``proxies`` entry for this daemon, else its ``default`` entry.

        docker-py looks the entry up under the ``base_url`` it was given; the docker CLI under
        the daemon's host (``tcp://host:port``, ``unix:///path``). All of those are tried.
        """
        configured = self._general_configs.get("proxies")
        if not isinstance(configured, Mapping):
            return {}
        candidates = [self.base_url]
        address = self._address
        if address.scheme == "unix":
            candidates += [f"unix://{address.socket_path}", f"http+unix://{address.socket_path}"]
        elif address.scheme in ("http", "https"):
            candidates += [f"tcp://{address.host}:{address.port}", f"tcp://{address.host}"]
        elif address.scheme == "ssh":
            user = f"{address.user}@" if address.user else ""
            candidates += [f"ssh://{user}{address.host}:{address.port}", f"ssh://{user}{address.host}"]
        for key in [*candidates, "default"]:
            entry = configured.get(key)
            if isinstance(entry, Mapping):
                return entry
        return {}

    def create_container_config(self, *args: Any, **kwargs: Any) -> ContainerConfig:
        """A :class:`~docker_client.types.ContainerConfig` for this client's API version."""
        from ..types.containers import ContainerConfig

        return ContainerConfig(self._version, *args, **kwargs)

    def create_host_config(self, *args: Any, **kwargs: Any) -> HostConfig:
        """A :class:`~docker_client.types.HostConfig` for this client's API version.

        Takes every argument of ``HostConfig`` but ``version``: ``binds``, ``port_bindings``,
        ``mem_limit``, ``restart_policy``, ``mounts``... (see its docstring).

        Raises:
            TypeError: ``version`` was given: the client's own is used.
            InvalidVersion: an argument this API version does not have.
            InvalidArgument: an argument of the wrong type or value.

        Example:
            >>> client.create_host_config(port_bindings={80: 8080}, mem_limit="256m",
            ...                           restart_policy={"Name": "on-failure", "MaximumRetryCount": 3})
        """
        if "version" in kwargs:
            raise TypeError("create_host_config() got an unexpected keyword argument 'version'")
        from ..types.containers import HostConfig

        return HostConfig(self._version, *args, **kwargs)

    def create_networking_config(self, *args: Any, **kwargs: Any) -> NetworkingConfig:
        """A :class:`~docker_client.types.NetworkingConfig`: network name -> endpoint config.

        Example:
            >>> client.create_networking_config({"net1": client.create_endpoint_config(aliases=["db"])})
        """
        from ..types.networks import NetworkingConfig

        return NetworkingConfig(*args, **kwargs)

    def create_endpoint_config(self, *args: Any, **kwargs: Any) -> EndpointConfig:
        """An :class:`~docker_client.types.EndpointConfig` for this client's API version
        (``aliases``, ``links``, ``ipv4_address``, ``ipv6_address``, ``link_local_ips``,
        ``driver_opt``, ``mac_address``, ``gw_priority``).
        """
        from ..types.networks import EndpointConfig

        return EndpointConfig(self._version, *args, **kwargs)

    def create_container(self, image: str, command: Optional[Union[str, List[str]]] = None,
                         hostname: Optional[str] = None, user: Optional[Union[str, int]] = None,
                         detach: bool = False, stdin_open: bool = False, tty: bool = False,
                         ports: Optional[List[Any]] = None,
                         environment: Optional[Union[Mapping[str, Any], List[str]]] = None,
                         volumes: Optional[Union[str, List[str]]] = None, network_disabled: bool = False,
                         name: Optional[str] = None, entrypoint: Optional[Union[str, List[str]]] = None,
                         working_dir: Optional[str] = None, domainname: Optional[str] = None,
                         host_config: Optional[Mapping[str, Any]] = None, mac_address: Optional[str] = None,
                         labels: Optional[Union[Mapping[str, str], List[str]]] = None,
                         stop_signal: Optional[str] = None,
                         networking_config: Optional[Mapping[str, Any]] = None,
                         healthcheck: Optional[Mapping[str, Any]] = None, stop_timeout: Optional[int] = None,
                         runtime: Optional[str] = None, use_config_proxy: bool = True,
                         platform: Optional[str] = None) -> answers.ContainerCreateResponse:
        """Create a container (``POST /containers/create``); it is not started.

        Host-dependent settings (binds, port bindings, limits, restart policy...) go in
        ``host_config``, built with :meth:`create_host_config`. Ports to publish are listed in
        ``ports`` and bound in ``host_config``'s ``port_bindings``.

        Args:
            image: the image to run.
            command: the command, a list or a string split as a shell would.
            hostname: the container's host name.
            user: user name or uid.
            detach: when False, stdout and stderr are attached (and stdin with ``stdin_open``).
            stdin_open: keep stdin open.
            tty: allocate a pseudo-TTY.
            ports: container ports to expose: ``[80, "53/udp", (8080, "tcp")]``.
            environment: ``{"NAME": "value"}`` or ``["NAME=value"]``.
            volumes: container paths to make volumes of.
            network_disabled: disable networking.
            name: the container's name.
            entrypoint: the entrypoint, a list or a string.
            working_dir: the working directory.
            domainname: the domain name.
            host_config: from :meth:`create_host_config`.
            mac_address: the container's MAC address (API below 1.52).
            labels: ``{"name": "value"}`` or a list of names.
            stop_signal: the signal that stops the container (``"SIGINT"``).
            networking_config: from :meth:`create_networking_config`.
            healthcheck: a :class:`~docker_client.types.Healthcheck` or a dict of its arguments.
            stop_timeout: seconds to wait for a stop before killing (API 1.25+).
            runtime: sent at the top level as docker-py does; use ``host_config``'s ``runtime``.
            use_config_proxy: put the proxies of the docker CLI's config.json (``proxies``
                for this daemon, else ``default``) into the environment, as ``http_proxy``,
                ``HTTP_PROXY``... ahead of ``environment`` so that its values win.
            platform: ``os[/arch[/variant]]`` of the image to use (API 1.41+).

        Returns:
            ``{"Id": ..., "Warnings": [...]}``.

        Raises:
            InvalidVersion: an argument this API version does not have.
            InvalidArgument: an argument of the wrong type or value, before anything is sent.
            ImageNotFound: the image is not on the daemon.
            APIError: the daemon refused the container.

        Example:
            >>> host_config = client.create_host_config(port_bindings={80: 8080})
            >>> client.create_container("nginx", ports=[80], host_config=host_config, name="web")
            {'Id': '5d8c...', 'Warnings': []}
        """
        if isinstance(volumes, str):
            volumes = [volumes]
        if isinstance(environment, Mapping):
            environment = format_environment(environment)
        if use_config_proxy:
            environment = self._proxy_configs.inject_proxy_environment(environment) or None
        config = self.create_container_config(
            image, command, hostname, user, detach, stdin_open, tty, ports, environment, volumes,
            network_disabled, entrypoint, working_dir, domainname, host_config, mac_address, labels,
            stop_signal, networking_config, healthcheck, stop_timeout, runtime,
        )
        return self.create_container_from_config(config, name, platform)

    def create_container_from_config(self, config: Mapping[str, Any], name: Optional[str] = None,
                                     platform: Optional[str] = None) -> answers.ContainerCreateResponse:
        """``POST /containers/create`` with a body already built (a ``ContainerConfig``).

        Args:
            config: the request body; top-level ``None`` values are left out.
            name: the container's name.
            platform: ``os[/arch[/variant]]`` (API 1.41+).

        Returns:
            ``{"Id": ..., "Warnings": [...]}``.

        Raises:
            InvalidVersion: ``platform`` on an API older than 1.41.
            ImageNotFound: the image is not on the daemon.
            APIError: the daemon refused the container.
        """
        if platform:
            self._require("POST /containers/create platform")
        params = self._params(name=name, platform=platform or None)
        response = self._post_json(self._url("/containers/create"), data=dict(config), params=params)
        return self._result(response, json=True)  # type: ignore[no-any-return]
