"""Network request bodies: a container's endpoint settings and a network's IP address management.

``EndpointConfig`` and ``NetworkingConfig`` go into ``create_container`` (and network connect);
``IPAMConfig`` and ``IPAMPool`` into ``create_network``. All are dicts, checked when built.
"""
from __future__ import annotations

import ipaddress
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from ..errors import InvalidArgument, InvalidType
from ..utils.containers import normalize_links, require_param

Links = Union[Mapping[str, Optional[str]], Iterable[Any]]


def _ip(value: Any, param: str, family: int | None = None) -> str:
    kind = {4: "an IPv4", 6: "an IPv6", None: "an IP"}[family]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise InvalidArgument(f"{param} must be {kind} address, not {value!r}") from None
    if family is not None and address.version != family:
        raise InvalidArgument(f"{param} must be {kind} address, not {value!r}")
    return str(value)


def _string_map(value: Any, param: str) -> Dict[str, str]:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InvalidType(f"{param} must be a dict of strings to strings, not {value!r}")
    return dict(value)


class EndpointConfig(Dict[str, Any]):
    """A container's settings on one network (the API's ``EndpointSettings``).

    Args:
        version: the API version the request goes to (``client.api_version``).
        aliases: names other containers on the network can reach this one by.
        links: ``{"container": "alias"}`` (alias optional), or ``(container, alias)`` pairs.
        ipv4_address: a static IPv4 address on the network.
        ipv6_address: a static IPv6 address on the network.
        link_local_ips: link-local IPv4/IPv6 addresses.
        driver_opt: options for the network driver (API 1.32+).
        mac_address: the endpoint's MAC address (API 1.44+: older daemons ignore it).
        gw_priority: which endpoint gives the container its default gateway: the highest
            wins (API 1.48+).

    Raises:
        InvalidVersion: an option the API version does not have.
        InvalidArgument: an address that is not one of its family, ``driver_opt`` not a dict of
            strings, ``gw_priority`` not an int, a malformed link.

    Example:
        >>> EndpointConfig("1.41", aliases=["web"], ipv4_address="172.28.0.10")
        {'Aliases': ['web'], 'IPAMConfig': {'IPv4Address': '172.28.0.10'}}
    """

    def __init__(self, version: str, aliases: Optional[List[str]] = None, links: Optional[Links] = None,
                 ipv4_address: Optional[str] = None, ipv6_address: Optional[str] = None,
                 link_local_ips: Optional[List[str]] = None,
                 driver_opt: Optional[Mapping[str, str]] = None, mac_address: Optional[str] = None,
                 *, gw_priority: Optional[int] = None) -> None:
        super().__init__()
        if aliases:
            if isinstance(aliases, str) or not all(isinstance(a, str) for a in aliases):
                raise InvalidType(f"aliases must be a list of strings, not {aliases!r}")
            self["Aliases"] = aliases
        if links:
            self["Links"] = normalize_links(links)

        ipam_config: dict[str, Any] = {}
        if ipv4_address:
            ipam_config["IPv4Address"] = _ip(ipv4_address, "ipv4_address", 4)
        if ipv6_address:
            ipam_config["IPv6Address"] = _ip(ipv6_address, "ipv6_address", 6)
        if mac_address:
            require_param(version, "POST /containers/create EndpointsConfig-MacAddress", "mac_address")
            self["MacAddress"] = mac_address
        if link_local_ips is not None:
            if isinstance(link_local_ips, str):
                raise InvalidType(f"link_local_ips must be a list of addresses, not {link_local_ips!r}")
            for address in link_local_ips:
                _ip(address, "link_local_ips")
            ipam_config["LinkLocalIPs"] = link_local_ips
        if ipam_config:
            self["IPAMConfig"] = ipam_config

        if driver_opt:
            require_param(version, "POST /containers/create EndpointsConfig-DriverOpts", "driver_opt")
            self["DriverOpts"] = _string_map(driver_opt, "driver_opt")
        if gw_priority is not None:
            require_param(version, "POST /containers/create EndpointsConfig-GwPriority", "gw_priority")
            if isinstance(gw_priority, bool) or not isinstance(gw_priority, int):
                raise InvalidType(f"gw_priority must be an integer, not {gw_priority!r}")
            self["GwPriority"] = gw_priority


class NetworkingConfig(Dict[str, Any]):
    """The networks a new container joins (the API's ``NetworkingConfig``).

    Args:
        endpoints_config: network name -> :class:`EndpointConfig` (or ``{}`` for defaults).
            Joining more than one network at creation needs API 1.44 (checked by
            ``create_container``).

    Raises:
        InvalidArgument: not a dict of network names to dicts.
    """

    def __init__(self, endpoints_config: Optional[Mapping[str, Mapping[str, Any]]] = None) -> None:
        super().__init__()
        if endpoints_config:
            if not isinstance(endpoints_config, Mapping) or not all(
                    isinstance(name, str) and isinstance(cfg, Mapping)
                    for name, cfg in endpoints_config.items()):
                raise InvalidType(
                    f"endpoints_config must be a dict of network name to EndpointConfig, "
                    f"not {endpoints_config!r}"
                )
            self["EndpointsConfig"] = endpoints_config


class IPAMConfig(Dict[str, Any]):
    """A network's IP address management, for ``create_network(ipam=...)``.

    Args:
        driver: the IPAM driver.
        pool_configs: :class:`IPAMPool` entries.
        options: driver options.

    Raises:
        InvalidArgument: ``options`` not a dict, or ``pool_configs`` not a list of dicts.

    Example:
        >>> IPAMConfig(pool_configs=[IPAMPool(subnet="10.10.0.0/16", gateway="10.10.0.1")])
        {'Driver': 'default', 'Config': [{'Subnet': '10.10.0.0/16', 'IPRange': None, ...}]}
    """

    def __init__(self, driver: str = "default", pool_configs: Optional[List[Mapping[str, Any]]] = None,
                 options: Optional[Mapping[str, str]] = None) -> None:
        super().__init__()
        if pool_configs and (not isinstance(pool_configs, list)
                             or not all(isinstance(pool, Mapping) for pool in pool_configs)):
            raise InvalidType(f"IPAMConfig pool_configs must be a list of IPAMPool, not {pool_configs!r}")
        self["Driver"] = driver
        self["Config"] = pool_configs or []
        if options:
            if not isinstance(options, Mapping):
                raise InvalidType("IPAMConfig options must be a dictionary")
            self["Options"] = options


class IPAMPool(Dict[str, Any]):
    """One address pool of an :class:`IPAMConfig`.

    Args:
        subnet: the pool's subnet in CIDR notation, e.g. ``"10.10.0.0/16"``.
        iprange: the range endpoints are given addresses from, in CIDR notation.
        gateway: the gateway's address.
        aux_addresses: name -> address the IPAM driver must not hand out.

    Raises:
        InvalidArgument: a subnet or range that is not CIDR, an address that is not an address.
    """

    def __init__(self, subnet: Optional[str] = None, iprange: Optional[str] = None,
                 gateway: Optional[str] = None,
                 aux_addresses: Optional[Mapping[str, str]] = None) -> None:
        super().__init__()
        for value, param in ((subnet, "subnet"), (iprange, "iprange")):
            if value is not None:
                try:
                    ipaddress.ip_network(value, strict=False)
                except (ValueError, TypeError):
                    raise InvalidArgument(
                        f"IPAMPool {param} must be in CIDR notation (e.g. 10.10.0.0/16), not {value!r}"
                    ) from None
        if gateway is not None:
            _ip(gateway, "IPAMPool gateway")
        if aux_addresses is not None:
            for address in _string_map(aux_addresses, "IPAMPool aux_addresses").values():
                _ip(address, "IPAMPool aux_addresses")
        self.update({
            "Subnet": subnet,
            "IPRange": iprange,
            "Gateway": gateway,
            "AuxiliaryAddresses": aux_addresses,
        })
