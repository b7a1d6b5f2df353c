"""Network and volume features of API 1.42-1.51 against the real daemon, at this run's version.

At or above a feature's gate the daemon's own answer shows the parameter reached it; below it
the client raises ``InvalidVersion`` and sends nothing. (ConfigOnly/ConfigFrom and connect's
GwPriority are checked in test_networks.py.)
"""
from __future__ import annotations

from typing import Callable, Iterator

import pytest

from docker_client import Client, errors

from .conftest import record, supports


@pytest.fixture
def network_name(client: Client, unique_name: Callable[[str], str]) -> Iterator[str]:
    name = unique_name("dctest-modern-net")
    yield name
    response = client._delete(client._url("/networks/{0}", name))
    assert response.status_code in (204, 404), response.text
    response.close()


def test_enable_ipv4_false_makes_an_ipv6_only_network(client: Client, network_name: str) -> None:
    if not supports(client, "POST /networks/create EnableIPv4"):
        seen = record(client)
        with pytest.raises(errors.InvalidVersion, match=r"EnableIPv4 needs API version 1\.48"):
            client.create_network(network_name, enable_ipv4=False, enable_ipv6=True)
        assert seen == []
        return
    network = client.create_network(network_name, enable_ipv4=False, enable_ipv6=True)
    info = client.inspect_network(network["Id"])
    assert info["EnableIPv4"] is False and info["EnableIPv6"] is True
    assert [":" in pool["Subnet"] for pool in info["IPAM"]["Config"]] == [True]


@pytest.mark.podman_refuses("cluster volumes")
def test_update_volume_reaches_the_daemon(client: Client, unique_name: Callable[[str], str]) -> None:
    name = unique_name("dctest-modern-vol")
    if not supports(client, "PUT /volumes/{name}"):
        seen = record(client)
        with pytest.raises(errors.InvalidVersion, match=r"PUT /volumes/\{name\} needs API version 1\.42"):
            client.update_volume(name, 7, {"Availability": "drain"})
        assert seen == []
        return
    seen = record(client)
    # not in a swarm: the daemon's volume-update handler answers for cluster volumes only
    with pytest.raises(errors.APIError, match="volume update only valid for cluster volumes") as info:
        client.update_volume({"Name": name}, 7, {"Availability": "drain"})
    assert info.value.status_code == 503
    assert seen[-1].method == "PUT" and seen[-1].path_url.endswith(f"/volumes/{name}?version=7")


def test_cluster_volume_spec_reaches_the_daemon(client: Client, unique_name: Callable[[str], str]) -> None:
    name = unique_name("dctest-modern-vol")
    if not supports(client, "POST /volumes/create ClusterVolumeSpec"):
        seen = record(client)
        with pytest.raises(errors.InvalidVersion, match="ClusterVolumeSpec needs API version 1.42"):
            client.create_volume(name, driver="csi", cluster_volume_spec={"Group": "g"})
        assert seen == []
        return
    # with the spec the daemon makes a cluster volume, which needs a swarm manager
    with pytest.raises(errors.APIError, match="not a swarm manager") as info:
        client.create_volume(name, cluster_volume_spec={"Group": "g"})
    assert info.value.status_code == 503
    with pytest.raises(errors.NotFound):
        client.inspect_volume(name)
