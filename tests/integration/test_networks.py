"""Network endpoints against the private daemon: create, list, inspect, prune and remove networks,
and containers connected to and disconnected from them, at the API version of the environment.

Containers are made with raw calls and always force-removed; networks are removed afterwards.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import pytest

from docker_client import Client, errors, versions
from docker_client.types import IPAMConfig, IPAMPool

from ..conftest import ENGINE, TEST_IMAGE


@pytest.fixture
def make_network(client: Client,
                 unique_name: Callable[[str], str]) -> Iterator[Callable[..., dict[str, Any]]]:
    """Create networks with ``create_network``; every one is removed afterwards."""
    made: list[str] = []

    def create(**kwargs: Any) -> dict[str, Any]:
        name = kwargs.pop("name", None) or unique_name("dctest-net")
        answer = client.create_network(name, **kwargs)
        made.append(answer["Id"])
        answer["Name"] = name
        return answer  # type: ignore[no-any-return]

    yield create
    for network in reversed(made):  # networks made from a config-only one go first
        client._delete(client._url("/networks/{0}", network)).close()


@pytest.fixture
def make_container(client: Client) -> Iterator[Callable[..., str]]:
    """Create and start containers with raw calls; all force-removed afterwards."""
    made: list[str] = []

    def create(start: bool = True, **config: Any) -> str:
        body = {"Image": TEST_IMAGE, "Cmd": ["sleep", "30"], "Labels": {"dctest": "networks"}, **config}
        answer = client._result(client._post_json(client._url("/containers/create"), data=body), json=True)
        made.append(answer["Id"])
        if start:
            client._result(client._post(client._url("/containers/{0}/start", answer["Id"])))
        return answer["Id"]  # type: ignore[no-any-return]

    yield create
    for container in made:
        client._delete(client._url("/containers/{0}", container), params={"force": 1}).close()


def _supports(client: Client, feature: str) -> bool:
    return versions.supports(feature, client.api_version)


def _container_networks(client: Client, container: str) -> dict[str, Any]:
    info = client._result(client._get(client._url("/containers/{0}/json", container)), json=True)
    return info["NetworkSettings"]["Networks"]  # type: ignore[no-any-return]


# -- create, list, inspect, remove -------------------------------------------------------------------

def test_create_inspect_list_remove(client: Client, unique_name: Callable[[str], str]) -> None:
    name = unique_name("dctest-net")
    ipam = IPAMConfig(pool_configs=[IPAMPool(subnet="10.231.0.0/24", gateway="10.231.0.1",
                                             iprange="10.231.0.128/25")])
    options = {"com.docker.network.bridge.enable_icc": "true"}
    created = client.create_network(name, driver="bridge", options=options, ipam=ipam, internal=True,
                                    labels={"dctest": name}, attachable=True)
    try:
        assert created["Id"] and set(created) >= {"Id"}
        info = client.inspect_network(created["Id"])
        assert info["Name"] == name and info["Driver"] == "bridge"
        assert info["Internal"] is True and info["Labels"] == {"dctest": name}
        assert info["Options"]["com.docker.network.bridge.enable_icc"] == "true"
        assert info["IPAM"]["Config"][0]["Subnet"] == "10.231.0.0/24"
        assert info["IPAM"]["Config"][0]["Gateway"] == "10.231.0.1"
        assert client.inspect_network(name)["Id"] == created["Id"]  # by name too
        assert client.inspect_network(created)["Id"] == created["Id"]  # the dict create returned

        by_name = client.networks(names=[name])
        assert [n["Id"] for n in by_name] == [created["Id"]]
        assert [n["Id"] for n in client.networks(ids=[created["Id"][:12]])] == [created["Id"]]
        assert [n["Id"] for n in client.networks(filters={"label": f"dctest={name}"})] == [created["Id"]]
        builtin = {n["Name"] for n in client.networks(filters={"type": "builtin"})}
        assert {"bridge", "host", "none"} <= builtin and name not in builtin
    finally:
        client.remove_network(created["Id"])
    with pytest.raises(errors.NotFound):
        client.inspect_network(created["Id"])
    assert client.networks(names=[name]) == []


def test_unknown_networks_are_not_found(client: Client) -> None:
    with pytest.raises(errors.NotFound):
        client.inspect_network("dctest-no-such-network")
    with pytest.raises(errors.NotFound):
        client.remove_network("dctest-no-such-network")
    with pytest.raises(errors.NullResource):
        client.remove_network("")


def test_duplicate_name_is_refused(client: Client, make_network: Callable[..., dict[str, Any]]) -> None:
    network = make_network(check_duplicate=True)
    with pytest.raises(errors.APIError) as info:
        client.create_network(network["Name"], check_duplicate=True)
    assert info.value.status_code == 409


def test_inspect_options_by_version(client: Client, make_network: Callable[..., dict[str, Any]]) -> None:
    network = make_network()
    if _supports(client, "GET /networks/{id} verbose"):
        assert client.inspect_network(network["Id"], verbose=True)["Id"] == network["Id"]
    else:
        with pytest.raises(errors.InvalidVersion, match="verbose"):
            client.inspect_network(network["Id"], verbose=True)
    if _supports(client, "GET /networks/{id} scope"):
        assert client.inspect_network(network["Id"], scope="local")["Scope"] == "local"
        with pytest.raises(errors.NotFound):
            client.inspect_network(network["Id"], scope="swarm")
    else:
        with pytest.raises(errors.InvalidVersion, match="scope"):
            client.inspect_network(network["Id"], scope="local")


def test_create_options_by_version(client: Client, make_network: Callable[..., dict[str, Any]],
                                   unique_name: Callable[[str], str]) -> None:
    if _supports(client, "POST /networks/create Scope"):
        network = make_network(scope="local")
        assert client.inspect_network(network["Id"])["Scope"] == "local"
        source = make_network(config_only=True,
                              ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.232.0.0/24")]))
        assert client.inspect_network(source["Id"])["ConfigOnly"] is True
        derived = make_network(config_from=source["Name"])
        info = client.inspect_network(derived["Id"])
        assert info["ConfigFrom"] == {"Network": source["Name"]}
        assert info["IPAM"]["Config"][0]["Subnet"] == "10.232.0.0/24"
    else:
        for kwargs in ({"scope": "local"}, {"config_only": True}, {"config_from": "other"}):
            with pytest.raises(errors.InvalidVersion):
                client.create_network(unique_name("dctest-net"), **kwargs)
    if _supports(client, "POST /networks/create EnableIPv4"):
        # sent: without the field the daemon would make an IPv4 network and not complain
        with pytest.raises(errors.APIError, match="IPv4 or IPv6 must be enabled"):
            client.create_network(unique_name("dctest-net"), enable_ipv4=False)
    else:
        with pytest.raises(errors.InvalidVersion, match="EnableIPv4"):
            client.create_network(unique_name("dctest-net"), enable_ipv4=False)
    if not _supports(client, "POST /networks/create Ingress"):
        with pytest.raises(errors.InvalidVersion, match="Ingress"):
            client.create_network(unique_name("dctest-net"), driver="overlay", ingress=True)


# -- containers on networks ---------------------------------------------------------------------------

def test_connect_and_disconnect_containers(client: Client, make_network: Callable[..., dict[str, Any]],
                                           make_container: Callable[..., str]) -> None:
    network = make_network(ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.233.0.0/24")]))
    first = make_container()
    second = make_container()

    client.connect_container_to_network(first, network["Id"], ipv4_address="10.233.0.10", aliases=["web"])
    client.connect_container_to_network({"Id": second}, network["Name"])
    attached = client.inspect_network(network["Id"])["Containers"]
    assert set(attached) == {first, second}
    assert attached[first]["IPv4Address"] == "10.233.0.10/24"
    endpoint = _container_networks(client, first)[network["Name"]]
    assert endpoint["IPAMConfig"]["IPv4Address"] == "10.233.0.10"
    assert "web" in endpoint["Aliases"]

    with pytest.raises(errors.APIError):  # already connected
        client.connect_container_to_network(first, network["Id"])
    with pytest.raises(errors.APIError):  # in use
        client.remove_network(network["Id"])

    client.disconnect_container_from_network(first, network["Id"])
    assert set(client.inspect_network(network["Id"])["Containers"]) == {second}
    assert network["Name"] not in _container_networks(client, first)
    with pytest.raises(errors.APIError):  # not connected any more
        client.disconnect_container_from_network(first, network["Id"])
    client.disconnect_container_from_network(second, network["Name"], force=True)
    assert client.inspect_network(network["Id"])["Containers"] == {}


def test_connect_a_created_container(client: Client, make_network: Callable[..., dict[str, Any]],
                                     make_container: Callable[..., str]) -> None:
    network = make_network()
    container = make_container(start=False)
    client.connect_container_to_network(container, network["Id"], aliases=["db"], links=None)
    assert network["Name"] in _container_networks(client, container)
    client._result(client._post(client._url("/containers/{0}/start", container)))
    assert container in client.inspect_network(network["Id"])["Containers"]


def test_connect_options_by_version(client: Client, make_network: Callable[..., dict[str, Any]],
                                    make_container: Callable[..., str]) -> None:
    network = make_network()
    container = make_container()
    if _supports(client, "POST /networks/{id}/connect DriverOpts"):
        client.connect_container_to_network(container, network["Id"], driver_opt={"dctest": "1"})
        assert _container_networks(client, container)[network["Name"]]["DriverOpts"] == {"dctest": "1"}
    else:
        with pytest.raises(errors.InvalidVersion, match="DriverOpts"):
            client.connect_container_to_network(container, network["Id"], driver_opt={"dctest": "1"})
    if _supports(client, "POST /networks/{id}/connect GwPriority"):
        second = make_network()
        client.connect_container_to_network(container, second["Id"], gw_priority=7)
        assert _container_networks(client, container)[second["Name"]]["GwPriority"] == 7
    else:
        with pytest.raises(errors.InvalidVersion, match="GwPriority"):
            client.connect_container_to_network(container, network["Id"], gw_priority=1)


def test_connect_mac_address(client: Client, make_network: Callable[..., dict[str, Any]],
                             make_container: Callable[..., str]) -> None:
    # The spec has the field from API 1.44, but daemons take it earlier: Podman applies it at
    # 1.41, and docker-py sends it from 1.25. No client-side gate, then. (Engines 20.10 and 28
    # accept and ignore it at every version, the bug API 1.54's changelog records as fixed.)
    network = make_network()
    container = make_container(start=False)
    if not _supports(client, "POST /networks/{id}/connect MacAddress"):
        with pytest.raises(errors.InvalidVersion, match="MacAddress needs API version 1.25"):
            client.connect_container_to_network(container, network["Id"], mac_address="02:42:ac:11:00:99")
        return
    sent: list[Any] = []
    client.hooks["response"].append(lambda r, *a, **k: sent.append(r.request.body))
    client.connect_container_to_network(container, network["Id"], mac_address="02:42:ac:11:00:99")
    assert json.loads(sent[-1])["EndpointConfig"]["MacAddress"] == "02:42:ac:11:00:99"
    client._result(client._post(client._url("/containers/{0}/start", container)))
    mac = _container_networks(client, container)[network["Name"]]["MacAddress"]
    if ENGINE == "podman":
        assert mac == "02:42:ac:11:00:99"
    else:
        assert mac and mac != "02:42:ac:11:00:99"


def test_unknown_container_or_network(client: Client, make_network: Callable[..., dict[str, Any]],
                                      make_container: Callable[..., str]) -> None:
    network = make_network()
    with pytest.raises(errors.NotFound):
        client.connect_container_to_network("dctest-no-such-container", network["Id"])
    with pytest.raises(errors.NotFound):  # (a created container may be given a network to come)
        client.connect_container_to_network(make_container(), "dctest-no-such-network")
    with pytest.raises(errors.InvalidArgument):
        client.connect_container_to_network(make_container(start=False), network["Id"], ipv4_address="10.1")


# -- prune --------------------------------------------------------------------------------------------

def test_prune_networks(client: Client, make_network: Callable[..., dict[str, Any]],
                        make_container: Callable[..., str], unique_name: Callable[[str], str]) -> None:
    label = unique_name("prune")
    unused = make_network(labels={"dctest-prune": label})
    used = make_network(labels={"dctest-prune": label})
    other = make_network()
    if not _supports(client, "POST /networks/prune"):
        with pytest.raises(errors.InvalidVersion, match="1.25"):
            client.prune_networks()
        return
    client.connect_container_to_network(make_container(), used["Id"])
    pruned = client.prune_networks(filters={"label": f"dctest-prune={label}"})
    assert pruned["NetworksDeleted"] == [unused["Name"]]
    with pytest.raises(errors.NotFound):
        client.inspect_network(unused["Id"])
    client.inspect_network(used["Id"])
    client.inspect_network(other["Id"])
