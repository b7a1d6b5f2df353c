"""Volume endpoints against the private daemon: create, list, inspect, prune and remove volumes,
with containers using them, at the API version of the environment.

Containers are made with raw calls and always force-removed; volumes are removed afterwards.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Iterator

import pytest

from docker_client import Client, errors, versions
from docker_client.api.config import ConfigApiMixin
from docker_client.api.network import NetworkApiMixin
from docker_client.api.secret import SecretApiMixin
from docker_client.api.service import ServiceApiMixin
from docker_client.api.swarm import SwarmApiMixin
from docker_client.api.volume import VolumeApiMixin

from ..conftest import API_VERSION, TEST_IMAGE


class _Client(Client, NetworkApiMixin, VolumeApiMixin, SwarmApiMixin, ServiceApiMixin,  # type: ignore[misc]
              SecretApiMixin, ConfigApiMixin):
    """The Client with the swarm-side mixins, until client.py lists them."""


@pytest.fixture
def vclient(daemon: str) -> Iterator[_Client]:
    with _Client(base_url=daemon, version=API_VERSION) as c:
        yield c


@pytest.fixture
def make_volume(vclient: _Client,
                unique_name: Callable[[str], str]) -> Iterator[Callable[..., dict[str, Any]]]:
    """Create volumes with ``create_volume``; every one is removed afterwards."""
    made: list[str] = []

    def create(**kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("name", unique_name("dctest-vol"))
        volume = vclient.create_volume(**kwargs)
        made.append(volume["Name"])
        return volume  # type: ignore[no-any-return]

    yield create
    for name in made:
        vclient._delete(vclient._url("/volumes/{0}", name)).close()


@pytest.fixture
def run(vclient: _Client) -> Iterator[Callable[..., str]]:
    """Create (and start) containers with raw calls; all force-removed afterwards."""
    made: list[str] = []

    def create(cmd: list[str], start: bool = True, **host_config: Any) -> str:
        body = {"Image": TEST_IMAGE, "Cmd": cmd, "Labels": {"dctest": "volumes"}, "HostConfig": host_config}
        answer = vclient._result(vclient._post_json(vclient._url("/containers/create"), data=body), json=True)
        made.append(answer["Id"])
        if start:
            vclient._result(vclient._post(vclient._url("/containers/{0}/start", answer["Id"])))
        return answer["Id"]  # type: ignore[no-any-return]

    yield create
    for container in made:
        vclient._delete(vclient._url("/containers/{0}", container), params={"force": 1}).close()


def _output(client: _Client, container: str) -> bytes:
    """What an exited container wrote (raw logs, frame headers stripped)."""
    client._result(client._post(client._url("/containers/{0}/wait", container)), json=True)
    raw = client._result(client._get(client._url("/containers/{0}/logs", container),
                                     params={"stdout": 1, "stderr": 1}), binary=True)
    out = b""
    while raw:
        size = int.from_bytes(raw[4:8], "big")
        out += raw[8:8 + size]
        raw = raw[8 + size:]
    return out


def _supports(client: _Client, feature: str) -> bool:
    return versions.supports(feature, client.api_version)


def test_create_inspect_list_remove(vclient: _Client, unique_name: Callable[[str], str]) -> None:
    name = unique_name("dctest-vol")
    created = vclient.create_volume(name, driver="local", labels={"dctest": name},
                                    driver_opts={"type": "tmpfs", "device": "tmpfs", "o": "size=1m"})
    try:
        assert created["Name"] == name and created["Driver"] == "local"
        assert created["Labels"] == {"dctest": name}
        info = vclient.inspect_volume(name)
        assert info["Mountpoint"] and info["Options"] == {"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}
        assert vclient.inspect_volume(created)["Name"] == name  # the dict create returned
        assert vclient.create_volume(name)["Name"] == name  # creating it again returns it

        listed = vclient.volumes(filters={"label": f"dctest={name}"})
        assert [v["Name"] for v in listed["Volumes"]] == [name]
        assert [v["Name"] for v in vclient.volumes(filters={"name": name})["Volumes"]] == [name]
        assert name in {v["Name"] for v in vclient.volumes()["Volumes"]}
    finally:
        vclient.remove_volume(name)
    with pytest.raises(errors.NotFound):
        vclient.inspect_volume(name)
    assert not vclient.volumes(filters={"label": f"dctest={name}"})["Volumes"]


def test_anonymous_volume_gets_a_name(vclient: _Client) -> None:
    created = vclient.create_volume()
    try:
        assert len(created["Name"]) == 64
    finally:
        vclient.remove_volume(created["Name"])


def test_unknown_volumes_are_not_found(vclient: _Client) -> None:
    with pytest.raises(errors.NotFound):
        vclient.inspect_volume("dctest-no-such-volume")
    with pytest.raises(errors.NotFound):
        vclient.remove_volume("dctest-no-such-volume")
    with pytest.raises(errors.NullResource):
        vclient.inspect_volume("")


def test_volume_used_by_containers(vclient: _Client, make_volume: Callable[..., dict[str, Any]],
                                   run: Callable[..., str]) -> None:
    volume = make_volume(labels={"dctest": "used"})
    writer = run(["sh", "-c", "echo shared-data > /data/file"], Binds=[f"{volume['Name']}:/data"])
    assert _output(vclient, writer) == b""
    reader = run(["cat", "/data/file"], Binds=[f"{volume['Name']}:/data:ro"])
    assert _output(vclient, reader) == b"shared-data\n"
    mounts = vclient._result(vclient._get(vclient._url("/containers/{0}/json", reader)), json=True)["Mounts"]
    assert [(m["Type"], m["Name"], m["RW"]) for m in mounts] == [("volume", volume["Name"], False)]

    dangling = {v["Name"] for v in vclient.volumes(filters={"dangling": True})["Volumes"] or []}
    assert volume["Name"] not in dangling
    with pytest.raises(errors.Conflict):
        vclient.remove_volume(volume["Name"])
    if _supports(vclient, "DELETE /volumes/{name} force"):
        with pytest.raises(errors.Conflict):  # force does not remove a volume in use
            vclient.remove_volume(volume["Name"], force=True)
    else:
        with pytest.raises(errors.InvalidVersion, match="force"):
            vclient.remove_volume(volume["Name"], force=True)
    for container in (writer, reader):
        vclient._delete(vclient._url("/containers/{0}", container), params={"force": 1}).close()
    assert volume["Name"] in {v["Name"] for v in vclient.volumes(filters={"dangling": True})["Volumes"]}
    vclient.remove_volume(volume["Name"])


def test_volume_of_a_running_container(vclient: _Client, make_volume: Callable[..., dict[str, Any]],
                                       run: Callable[..., str]) -> None:
    volume = make_volume()
    container = run(["sleep", "30"], Binds=[f"{volume['Name']}:/data"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = vclient._result(vclient._get(vclient._url("/containers/{0}/json", container)), json=True)
        if state["State"]["Running"]:
            break
        time.sleep(0.1)
    with pytest.raises(errors.Conflict):
        vclient.remove_volume(volume["Name"])


def test_prune_volumes(vclient: _Client, make_volume: Callable[..., dict[str, Any]],
                       run: Callable[..., str], unique_name: Callable[[str], str]) -> None:
    label = unique_name("prune")
    unused = make_volume(labels={"dctest-prune": label})
    used = make_volume(labels={"dctest-prune": label})
    other = make_volume()
    if not _supports(vclient, "POST /volumes/prune"):
        with pytest.raises(errors.InvalidVersion, match="1.25"):
            vclient.prune_volumes()
        return
    run(["true"], start=False, Binds=[f"{used['Name']}:/data"])
    pruned = vclient.prune_volumes(filters={"label": f"dctest-prune={label}"})
    assert pruned["VolumesDeleted"] == [unused["Name"]]
    assert isinstance(pruned["SpaceReclaimed"], int)
    with pytest.raises(errors.NotFound):
        vclient.inspect_volume(unused["Name"])
    vclient.inspect_volume(used["Name"])
    vclient.inspect_volume(other["Name"])


def test_cluster_volumes_need_a_newer_api(vclient: _Client, unique_name: Callable[[str], str]) -> None:
    # the harness's daemon (20.10) speaks up to API 1.41; cluster volumes came with 1.42
    with pytest.raises(errors.InvalidVersion, match="1.42"):
        vclient.update_volume(unique_name("dctest-vol"), 1, {"Availability": "drain"})
    with pytest.raises(errors.InvalidVersion, match="ClusterVolumeSpec"):
        vclient.create_volume(unique_name("dctest-vol"), cluster_volume_spec={"Group": "g"})
