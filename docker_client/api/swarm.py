"""Swarm endpoints: create, join, leave, update and unlock a swarm; list, inspect, update its nodes.

A node takes part in one swarm; services, tasks, secrets and configs (their own modules) need
the daemon to be a manager of one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Mapping, Optional, Union

from ..constants import DEFAULT_SWARM_ADDR_POOL, DEFAULT_SWARM_SUBNET_SIZE
from ..errors import APIError, InvalidArgument, InvalidType
from ..utils.convert import convert_filters, whole_number
from ..utils.resources import resource_id
from ._base import ApiMixin

if TYPE_CHECKING:
    from .. import answers
    from ..types.swarm import SwarmSpec

#: A node: its id or hostname, or a dict with its ``ID``.
Node = Union[str, Mapping[str, Any]]

_NOT_IN_SWARM = (406, 503)  # "This node is not part of a swarm", by daemon version


def _address(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidType(f"{what} must be an address (ip:port or interface:port), not {value!r}")
    return value


def _optional_address(value: Any, what: str) -> Optional[str]:
    return None if value is None else _address(value, what)


def _spec(value: Any, what: str) -> Optional[dict[str, Any]]:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidType(f"{what} must be a dictionary, not {value!r}")
    return dict(value)


def version_index(version: Any) -> int:
    """An object's ``Version.Index``, which updates send to refuse concurrent writes.

    Raises:
        InvalidType: neither an int nor a string of one (docker-py sends either; the daemon
            refuses a stale or negative one).
    """
    version = whole_number(version)
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidType(f"version must be the object's Version.Index (an int), not {version!r}")
    return version


def _address_pool(value: Any) -> List[str]:
    """CIDR blocks (strings); which are valid is the daemon's to judge (400), as with docker-py."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(
            isinstance(block, str) for block in value):
        raise InvalidType(f"default_addr_pool must be a list of CIDR blocks, not {value!r}")
    return list(value)


class SwarmApiMixin(ApiMixin):
    def create_swarm_spec(self, *args: Any, **kwargs: Any) -> SwarmSpec:
        """A :class:`~docker_client.types.SwarmSpec` for this client's API version.

        Takes :class:`~docker_client.types.SwarmSpec`'s arguments, and ``external_ca`` for a
        single :class:`~docker_client.types.SwarmExternalCA`.

        Example:
            >>> spec = client.create_swarm_spec(snapshot_interval=5000, log_entries_for_slow_followers=1200)
            >>> client.init_swarm(advertise_addr="eth0", listen_addr="0.0.0.0:5000", swarm_spec=spec)
        """
        from ..types.swarm import SwarmSpec

        external_ca = kwargs.pop("external_ca", None)
        if external_ca:
            kwargs["external_cas"] = [external_ca]
        return SwarmSpec(self._version, *args, **kwargs)

    def init_swarm(self, advertise_addr: Optional[str] = None, listen_addr: str = "0.0.0.0:2377",
                   force_new_cluster: bool = False, swarm_spec: Optional[Mapping[str, Any]] = None,
                   default_addr_pool: Optional[List[str]] = None, subnet_size: Optional[int] = None,
                   data_path_addr: Optional[str] = None, data_path_port: Optional[int] = None) -> str:
        """Make this daemon the first manager of a new swarm (``POST /swarm/init``).

        Args:
            advertise_addr: the address other nodes reach this one at: ``"192.168.1.1:4567"``
                or ``"eth0:4567"``; the port defaults to the listen address's. Detected when
                possible; needed when the host has several addresses (or only loopback).
            listen_addr: where to listen for other managers and the VXLAN tunnel endpoint:
                ``ip:port`` or ``interface:port``.
            force_new_cluster: make a new single-manager cluster from this node's state.
            swarm_spec: the swarm's settings, from :meth:`create_swarm_spec`.
            default_addr_pool: CIDR blocks global-scope networks get subnets from (API 1.39+);
                ``["10.0.0.0/8"]`` when only ``subnet_size`` is given.
            subnet_size: the prefix length of those subnets (API 1.39+); 24 when only
                ``default_addr_pool`` is given.
            data_path_addr: the address or interface for data traffic (API 1.30+).
            data_path_port: the UDP port for data traffic, 1024 to 49151 (API 1.40+; 0 or None
                for 4789).

        Returns:
            The new node's id.

        Raises:
            InvalidArgument: a malformed address, pool, size or port.
            InvalidVersion: an option the API version lacks.
            APIError: already part of a swarm (503), or an address the daemon cannot use.
        """
        if default_addr_pool is not None:
            self._require("POST /swarm/init DefaultAddrPool")
            default_addr_pool = _address_pool(default_addr_pool)
            if subnet_size is None:
                subnet_size = DEFAULT_SWARM_SUBNET_SIZE
        if subnet_size is not None:
            self._require("POST /swarm/init SubnetSize")
            if isinstance(subnet_size, bool) or not isinstance(subnet_size, int):
                raise InvalidType(f"subnet_size must be a prefix length (an int), not {subnet_size!r}")
            if default_addr_pool is None:
                default_addr_pool = list(DEFAULT_SWARM_ADDR_POOL)
        data: dict[str, Any] = {
            "AdvertiseAddr": _optional_address(advertise_addr, "advertise_addr"),
            "ListenAddr": _address(listen_addr, "listen_addr"),
            "DefaultAddrPool": default_addr_pool,
            "SubnetSize": subnet_size,
            "ForceNewCluster": bool(force_new_cluster),
            "Spec": _spec(swarm_spec, "swarm_spec"),
        }
        if data_path_addr is not None:
            self._require("POST /swarm/init DataPathAddr")
            data["DataPathAddr"] = _address(data_path_addr, "data_path_addr")
        if data_path_port is not None:
            self._require("POST /swarm/init DataPathPort")
            # The daemon refuses a port outside 1024-49151 (400), as with docker-py.
            if isinstance(data_path_port, bool) or not isinstance(data_path_port, int):
                raise InvalidType(f"data_path_port must be a port number, not {data_path_port!r}")
            data["DataPathPort"] = data_path_port
        return self._result(self._post_json(self._url("/swarm/init"), data=data), json=True)  # type: ignore[no-any-return]

    def join_swarm(self, remote_addrs: List[str], join_token: str, listen_addr: str = "0.0.0.0:2377",
                   advertise_addr: Optional[str] = None, data_path_addr: Optional[str] = None) -> bool:
        """Join this daemon to an existing swarm (``POST /swarm/join``).

        Args:
            remote_addrs: addresses of managers of the swarm (``"10.0.0.1:2377"``).
            join_token: the swarm's worker or manager join token (``inspect_swarm()["JoinTokens"]``).
            listen_addr: where to listen should the node become a manager, and for VXLAN.
            advertise_addr: the address other nodes reach this one at.
            data_path_addr: the address or interface for data traffic (API 1.30+).

        Returns:
            True.

        Raises:
            InvalidType: remote addresses that are not a list, a token that is not a string.
            APIError: already in a swarm, a bad token, no manager reachable.
        """
        if isinstance(remote_addrs, str):
            remote_addrs = [remote_addrs]
        # No address or an empty token: the daemon's to refuse (400), as with docker-py.
        if not isinstance(remote_addrs, (list, tuple)):
            raise InvalidType(f"remote_addrs must be a list of manager addresses, not {remote_addrs!r}")
        if not isinstance(join_token, str):
            raise InvalidType(f"join_token must be the swarm's join token, not {join_token!r}")
        data: dict[str, Any] = {
            "RemoteAddrs": [_address(addr, "remote_addrs entries") for addr in remote_addrs],
            "ListenAddr": _address(listen_addr, "listen_addr"),
            "JoinToken": join_token,
            "AdvertiseAddr": _optional_address(advertise_addr, "advertise_addr"),
        }
        if data_path_addr is not None:
            self._require("POST /swarm/join DataPathAddr")
            data["DataPathAddr"] = _address(data_path_addr, "data_path_addr")
        self._result(self._post_json(self._url("/swarm/join"), data=data))
        return True

    def leave_swarm(self, force: bool = False) -> bool:
        """Leave the swarm (``POST /swarm/leave``).

        Args:
            force: leave even as the last manager (which ends the swarm); also succeeds when
                the daemon is in no swarm.

        Returns:
            True.

        Raises:
            APIError: not in a swarm (without ``force``), or the last manager (without ``force``).
        """
        response = self._post(self._url("/swarm/leave"), params=self._params(force=bool(force)))
        try:
            self._result(response)
        except APIError as exc:
            if force and exc.status_code in _NOT_IN_SWARM:
                return True
            raise
        return True

    def inspect_swarm(self) -> dict[str, Any]:
        """The swarm's details: ``ID``, ``Version``, ``Spec``, ``JoinTokens``... (``GET /swarm``).

        Raises:
            APIError: not a manager of a swarm (503).
        """
        return self._result(self._get(self._url("/swarm")), json=True)  # type: ignore[no-any-return]

    def update_swarm(self, version: int, swarm_spec: Optional[Mapping[str, Any]] = None,
                     rotate_worker_token: bool = False, rotate_manager_token: bool = False,
                     rotate_manager_unlock_key: bool = False) -> bool:
        """Change the swarm's settings or rotate its tokens (``POST /swarm/update``).

        Args:
            version: ``inspect_swarm()["Version"]["Index"]``: an update based on an older
                version is refused.
            swarm_spec: the whole new spec: settings left out are reset. Start from
                ``inspect_swarm()["Spec"]``.
            rotate_worker_token: make a new worker join token.
            rotate_manager_token: make a new manager join token.
            rotate_manager_unlock_key: make a new unlock key (API 1.25+).

        Returns:
            True.

        Raises:
            InvalidArgument: a version that is not an int.
            APIError: an outdated version, an invalid spec.
        """
        params = self._params(version=version_index(version), rotateWorkerToken=bool(rotate_worker_token),
                              rotateManagerToken=bool(rotate_manager_token))
        if rotate_manager_unlock_key:
            self._require("POST /swarm/update rotateManagerUnlockKey")
            params["rotateManagerUnlockKey"] = "1"
        response = self._post_json(self._url("/swarm/update"), data=_spec(swarm_spec, "swarm_spec"),
                                   params=params)
        self._result(response)
        return True

    def get_unlock_key(self) -> dict[str, Any]:
        """The key that unlocks this manager after a restart (``GET /swarm/unlockkey``, API 1.25+).

        Returns:
            ``{"UnlockKey": "SWMKEY-1-..."}`` (empty when autolock is off).
        """
        self._require("GET /swarm/unlockkey")
        return self._result(self._get(self._url("/swarm/unlockkey")), json=True)  # type: ignore[no-any-return]

    def unlock_swarm(self, key: Union[str, Mapping[str, Any]]) -> bool:
        """Unlock a locked manager (``POST /swarm/unlock``, API 1.25+).

        Args:
            key: the unlock key, or the dict :meth:`get_unlock_key` returned.

        Returns:
            True.

        Raises:
            InvalidArgument: a dict without ``UnlockKey``, or a key that is not a string.
            APIError: a wrong key, or the node is not locked.

        Example:
            >>> key = client.get_unlock_key()
            >>> client.unlock_swarm(key)
        """
        self._require("POST /swarm/unlock")
        if isinstance(key, Mapping):
            if "UnlockKey" not in key:
                raise InvalidArgument("Invalid unlock key format: expected a dict with UnlockKey")
            key = key["UnlockKey"]
        if not isinstance(key, str):  # an empty or wrong key is the daemon's to refuse (400)
            raise InvalidType(f"the unlock key must be a string, not {key!r}")
        self._result(self._post_json(self._url("/swarm/unlock"), data={"UnlockKey": key}))
        return True

    # -- nodes -----------------------------------------------------------------------------------

    def nodes(self, filters: Optional[Mapping[str, Any]] = None) -> List[answers.Node]:
        """The swarm's nodes, as ``docker node ls`` lists them (``GET /nodes``).

        Args:
            filters: ``id``, ``name``, ``label``, ``membership`` (``accepted``/``pending``),
                ``role`` (``manager``/``worker``), ``node.label`` (API 1.40+).
        """
        params = self._params(filters=convert_filters(filters) if filters else None)
        return self._result(self._get(self._url("/nodes"), params=params), json=True)  # type: ignore[no-any-return]

    def inspect_node(self, node_id: Node) -> dict[str, Any]:
        """A node's details (``GET /nodes/{id}``).

        Raises:
            NotFound: no such node.
        """
        url = self._url("/nodes/{0}", resource_id(node_id, "node"))
        return self._result(self._get(url), json=True)  # type: ignore[no-any-return]

    def update_node(self, node_id: Node, version: int, node_spec: Optional[Mapping[str, Any]] = None) -> bool:
        """Change a node's role, availability, name or labels (``POST /nodes/{id}/update``).

        Args:
            node_id: the node's id or hostname.
            version: ``inspect_node(node_id)["Version"]["Index"]``.
            node_spec: the whole new spec: ``Role`` and ``Availability`` are required, fields
                left out are reset. Start from ``inspect_node(node_id)["Spec"]``.

        Returns:
            True.

        Raises:
            InvalidArgument: a version that is not an int, a spec that is not a dict.
            NotFound: no such node.
            APIError: an outdated version, an invalid spec.

        Example:
            >>> node = client.inspect_node(node_id)
            >>> spec = dict(node["Spec"], Availability="drain", Labels={"disk": "ssd"})
            >>> client.update_node(node_id, node["Version"]["Index"], spec)
        """
        url = self._url("/nodes/{0}/update", resource_id(node_id, "node"))
        response = self._post_json(url, data=_spec(node_spec, "node_spec"),
                                   params=self._params(version=version_index(version)))
        self._result(response)
        return True

    def remove_node(self, node_id: Node, force: bool = False) -> bool:
        """Remove a node from the swarm (``DELETE /nodes/{id}``).

        Args:
            node_id: the node's id or hostname.
            force: remove it even if it is still up.

        Returns:
            True.

        Raises:
            NotFound: no such node.
            APIError: the node is up (without ``force``), or is this manager.
        """
        url = self._url("/nodes/{0}", resource_id(node_id, "node"))
        self._result(self._delete(url, params=self._params(force=bool(force))))
        return True
