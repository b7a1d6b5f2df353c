"""Network endpoints: list, create, inspect, remove and prune networks; connect containers to them.

Containers join networks here after creation; ``create_container`` joins them at creation.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, List, Mapping, Optional, Union

from ..errors import InvalidType
from ..utils.convert import convert_filters
from ..utils.resources import resource_id
from ._base import ApiMixin

if TYPE_CHECKING:
    from .. import answers
    from ..types.networks import Links

#: A network or a container: its id or name, or a dict with its ``Id``.
Resource = Union[str, Mapping[str, Any]]

_SCOPES = ("local", "global", "swarm")
_CONNECT = "POST /networks/{id}/connect"
_CREATE = "POST /networks/create"


def _optional_bool(value: Any, what: str) -> Optional[bool]:
    if value is not None and not isinstance(value, bool):
        raise InvalidType(f"{what} must be True, False or None, not {value!r}")
    return value  # type: ignore[no-any-return]


def _string_map(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InvalidType(f"{what} must be a dictionary of strings to strings, not {value!r}")
    return dict(value)


def _names(value: Any, what: str) -> List[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise InvalidType(f"{what} must be a list of strings, not {value!r}")
    return list(value)


def _scope(value: Any, what: str) -> str:
    """A network's scope (``local``, ``global``, ``swarm``); another string is the daemon's to
    refuse (400)."""
    if not isinstance(value, str):
        raise InvalidType(f"{what} must be one of 'local', 'global', 'swarm', not {value!r}")
    return value


class NetworkApiMixin(ApiMixin):
    def networks(self, names: Optional[Iterable[str]] = None, ids: Optional[Iterable[str]] = None,
                 filters: Optional[Mapping[str, Any]] = None) -> List[answers.NetworkSummary]:
        """List networks, as ``docker network ls`` does (``GET /networks``).

        Args:
            names: only networks with these names (a name matches as a substring).
            ids: only networks with these ids (or id prefixes).
            filters: ``driver``, ``label`` (``"k"`` or ``"k=v"``), ``type`` (``custom`` or
                ``builtin``), ``scope`` (API 1.29+), ``dangling`` (API 1.40+), ``name``, ``id``.

        Returns:
            One dict per network. From API 1.28 on, ``Containers`` is only filled by
            :meth:`inspect_network`.
        """
        merged = dict(filters or {})
        if names:
            merged["name"] = _names(names, "names")
        if ids:
            merged["id"] = _names(ids, "ids")
        params = self._params(filters=convert_filters(merged))
        return self._result(self._get(self._url("/networks"), params=params), json=True)  # type: ignore[no-any-return]

    def create_network(self, name: str, driver: Optional[str] = None,
                       options: Optional[Mapping[str, str]] = None, ipam: Optional[Mapping[str, Any]] = None,
                       check_duplicate: Optional[bool] = None, internal: bool = False,
                       labels: Optional[Mapping[str, str]] = None, enable_ipv6: bool = False,
                       attachable: Optional[bool] = None, scope: Optional[str] = None,
                       ingress: Optional[bool] = None, *, enable_ipv4: Optional[bool] = None,
                       config_only: Optional[bool] = None,
                       config_from: Optional[str] = None) -> dict[str, Any]:
        """Create a network, as ``docker network create`` does (``POST /networks/create``).

        Args:
            name: the network's name.
            driver: the driver (``bridge``, ``overlay``, ``macvlan``...); the daemon's default
                (``bridge``) when not given.
            options: driver options.
            ipam: an :class:`~docker_client.types.IPAMConfig`: subnets, ranges, gateways.
            check_duplicate: refuse a name already taken (daemons of API 1.44+ always do).
            internal: no access to outside networks.
            labels: the network's labels.
            enable_ipv6: give the network IPv6 addresses.
            attachable: let plain containers join a swarm-scoped network.
            scope: ``local``, ``global`` or ``swarm`` (API 1.30+).
            ingress: make this swarm's routing-mesh network (API 1.29+).
            enable_ipv4: ``False`` for a network without IPv4 addresses (API 1.48+; the
                daemon needs experimental features for that).
            config_only: make a network that only holds configuration for others (API 1.30+).
            config_from: the config-only network to take this one's configuration from (API 1.30+).

        Returns:
            ``{"Id": ..., "Warning": ...}``.

        Raises:
            InvalidArgument: a name that is not a non-empty string, options or labels that are not
                dicts of strings, an unknown scope.
            InvalidVersion: an option the API version lacks.
            Conflict: the name is taken.

        Example:
            >>> ipam = IPAMConfig(pool_configs=[IPAMPool(subnet="192.168.52.0/24", gateway="192.168.52.254")])
            >>> client.create_network("network1", driver="bridge", ipam=ipam)
            {'Id': '2b9f...', 'Warning': ''}
        """
        if not isinstance(name, str):  # an empty name is the daemon's to refuse (400)
            raise InvalidType(f"a network's name must be a string, not {name!r}")
        if driver is not None and not isinstance(driver, str):
            raise InvalidType(f"driver must be a string, not {driver!r}")
        if options is not None and not isinstance(options, Mapping):
            raise InvalidType("options must be a dictionary")
        if ipam is not None and not isinstance(ipam, Mapping):
            raise InvalidType(f"ipam must be an IPAMConfig, not {ipam!r}")
        data: dict[str, Any] = {
            "Name": name,
            "Driver": driver,
            "Options": None if options is None else _string_map(options, "options"),
            "IPAM": ipam,
            "CheckDuplicate": _optional_bool(check_duplicate, "check_duplicate"),
        }
        if labels is not None:
            data["Labels"] = _string_map(labels, "labels")
        if enable_ipv6:
            data["EnableIPv6"] = True
        if internal:
            data["Internal"] = True
        if attachable is not None:
            data["Attachable"] = _optional_bool(attachable, "attachable")
        if ingress is not None:
            self._require(f"{_CREATE} Ingress")
            data["Ingress"] = _optional_bool(ingress, "ingress")
        if scope is not None:
            self._require(f"{_CREATE} Scope")
            data["Scope"] = _scope(scope, "scope")
        if enable_ipv4 is not None:
            self._require(f"{_CREATE} EnableIPv4")
            data["EnableIPv4"] = _optional_bool(enable_ipv4, "enable_ipv4")
        if config_only is not None:
            self._require(f"{_CREATE} ConfigOnly")
            data["ConfigOnly"] = _optional_bool(config_only, "config_only")
        if config_from is not None:
            self._require(f"{_CREATE} ConfigFrom")
            if not isinstance(config_from, str) or not config_from:
                raise InvalidType(f"config_from must be a network's name, not {config_from!r}")
            data["ConfigFrom"] = {"Network": config_from}
        response = self._post_json(self._url("/networks/create"), data=data)
        return self._result(response, json=True)  # type: ignore[no-any-return]

    def inspect_network(self, net_id: Resource, verbose: Optional[bool] = None,
                        scope: Optional[str] = None) -> answers.NetworkInspect:
        """A network's details, with the containers on it (``GET /networks/{id}``).

        Args:
            net_id: the network's id or name.
            verbose: in a swarm, also the services and tasks on the network across the
                cluster (API 1.28+).
            scope: only a network of this scope: ``local``, ``global`` or ``swarm`` (API 1.31+).

        Raises:
            NotFound: no such network.
            InvalidVersion: ``verbose`` or ``scope`` on an API version without them.
        """
        network = resource_id(net_id, "network")
        params: dict[str, Any] = {}
        if verbose is not None:
            self._require("GET /networks/{id} verbose")
            params["verbose"] = _optional_bool(verbose, "verbose")
        if scope is not None:
            self._require("GET /networks/{id} scope")
            params["scope"] = _scope(scope, "scope")
        url = self._url("/networks/{0}", network)
        return self._result(self._get(url, params=self._params(**params)), json=True)  # type: ignore[no-any-return]

    def remove_network(self, net_id: Resource) -> None:
        """Remove a network, as ``docker network rm`` does (``DELETE /networks/{id}``).

        Raises:
            NotFound: no such network.
            APIError: containers are still connected to it.
        """
        url = self._url("/networks/{0}", resource_id(net_id, "network"))
        self._result(self._delete(url))

    def connect_container_to_network(self, container: Resource, net_id: Resource,
                                     ipv4_address: Optional[str] = None, ipv6_address: Optional[str] = None,
                                     aliases: Optional[List[str]] = None, links: Optional[Links] = None,
                                     link_local_ips: Optional[List[str]] = None,
                                     driver_opt: Optional[Mapping[str, str]] = None,
                                     mac_address: Optional[str] = None, *,
                                     gw_priority: Optional[int] = None) -> None:
        """Connect a container to a network (``POST /networks/{id}/connect``).

        Args:
            container: the container's id or name.
            net_id: the network's id or name.
            ipv4_address: a static IPv4 address on the network (needs a user-defined subnet).
            ipv6_address: a static IPv6 address.
            aliases: names other containers on the network can reach this one by.
            links: ``{"container": "alias"}`` links on this network.
            link_local_ips: link-local addresses.
            driver_opt: options for the network driver (API 1.32+).
            mac_address: the endpoint's MAC address (API 1.44+; daemons before API 1.54
                ignore it).
            gw_priority: the endpoint with the highest priority gives the container its
                default gateway (API 1.48+).

        Raises:
            NotFound: no such container or network.
            InvalidArgument: a malformed address or option.
            InvalidVersion: an option the API version lacks.
        """
        container_id = resource_id(container, "container")
        network = resource_id(net_id, "network")
        for value, key in ((driver_opt, "DriverOpts"), (mac_address, "MacAddress"),
                           (gw_priority, "GwPriority")):
            if value is not None:
                self._require(f"{_CONNECT} {key}")
        from ..types.networks import EndpointConfig

        endpoint = EndpointConfig(self._version, aliases=aliases, links=links, ipv4_address=ipv4_address,
                                  ipv6_address=ipv6_address, link_local_ips=link_local_ips,
                                  driver_opt=driver_opt, mac_address=mac_address, gw_priority=gw_priority)
        data = {"Container": container_id, "EndpointConfig": endpoint}
        self._result(self._post_json(self._url("/networks/{0}/connect", network), data=data))

    def disconnect_container_from_network(self, container: Resource, net_id: Resource,
                                          force: bool = False) -> None:
        """Disconnect a container from a network (``POST /networks/{id}/disconnect``).

        Args:
            container: the container's id or name.
            net_id: the network's id or name.
            force: disconnect it even if the container is gone or the network is unreachable.

        Raises:
            NotFound: no such container or network.
            APIError: the container is not connected to the network.
        """
        data: dict[str, Any] = {"Container": resource_id(container, "container")}
        if force:
            data["Force"] = True
        url = self._url("/networks/{0}/disconnect", resource_id(net_id, "network"))
        self._result(self._post_json(url, data=data))

    def prune_networks(self, filters: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
        """Remove every network no container uses (``POST /networks/prune``, API 1.25+).

        Args:
            filters: ``until`` (a timestamp or duration) and ``label`` (``"k"``, ``"k=v"``;
                ``label!`` to exclude, API 1.29+).

        Returns:
            ``{"NetworksDeleted": [names...]}``.
        """
        self._require("POST /networks/prune")
        params = self._params(filters=convert_filters(filters) if filters else None)
        return self._result(self._post(self._url("/networks/prune"), params=params), json=True)  # type: ignore[no-any-return]
