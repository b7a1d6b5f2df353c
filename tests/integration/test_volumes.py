"""Volume endpoints against the private daemon: create, list, inspect, prune and remove volumes,
with containers using them, at the API version of the environment.

Containers are made with raw calls and always force-removed; volumes are removed afterwards.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Iterator

import pytest

from docker_client import Client, errors, versions

from ..conftest import TEST_IMAGE


@pytest.fixture
def make_volume(client: Client,
                unique_name: Callable[[str], str]) -> Iterator[Callable[..., dict[str, Any]]]:
    """Create volumes with ``create_volume``; every one is removed afterwards."""
    made: list[str] = []

    def create(**kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("name", unique_name("dctest-vol"))
        volume = client.create_volume(**kwargs)
        made.append(volume["Name"])
        return volume  # type: ignore[no-any-return]

    yield create
    for name in made:
        client._delete(client._url("/volumes/{0}", name)).close()


@pytest.fixture
def run(client: Client) -> Iterator[Callable[..., str]]:
    """Create (and start) containers with raw calls; all force-removed afterwards."""
    made: list[str] = []

    def create(cmd: list[str], start: bool = True, **host_config: Any) -> str:
        body = {"Image": TEST_IMAGE, "Cmd": cmd, "Labels": {"dctest": "volumes"}, "HostConfig": host_config}
        answer = client._result(client._post_json(client._url("/containers/create"), data=body), json=True)
        made.append(answer["Id"])
        if start:
            client._result(client._post(client._url("/containers/{0}/start", answer["Id"])))
        return answer["Id"]  # type: ignore[no-any-return]

    yield create
    for container in made:
        client._delete(client._url("/containers/{0}", container), params={"force": 1}).close()


def _output(client: Client, container: str) -> bytes:
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


def _supports(client: Client, feature: str) -> bool:
    return versions.supports(feature, client.api_version)


def test_create_inspect_list_remove(client: Client, unique_name: Callable[[str], str]) -> None:
    name = unique_name("dctest-vol")
    created = client.create_volume(name, driver="local", labels={"dctest": name},
                                   driver_opts={"type": "tmpfs", "device": "tmpfs", "o": "size=1m"})
    try:
        assert created["Name"] == name and created["Driver"] == "local"
        assert created["Labels"] == {"dctest": name}
        info = client.inspect_volume(name)
        assert info["Mountpoint"] and info["Options"] == {"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}
        assert client.inspect_volume(created)["Name"] == name  # the dict create returned
        assert client.create_volume(name)["Name"] == name  # creating it again returns it

        listed = client.volumes(filters={"label": f"dctest={name}"})
        assert [v["Name"] for v in listed["Volumes"]] == [name]
        assert [v["Name"] for v in client.volumes(filters={"name": name})["Volumes"]] == [name]
        assert name in {v["Name"] for v in client.volumes()["Volumes"]}
    finally:
        client.remove_volume(name)
    with pytest.raises(errors.NotFound):
        client.inspect_volume(name)
    assert not client.volumes(filters={"label": f"dctest={name}"})["Volumes"]


def test_anonymous_volume_gets_a_name(client: Client) -> None:
    created = client.create_volume()
    try:
        assert len(created["Name"]) == 64
    finally:
        client.remove_volume(created["Name"])


def test_unknown_volumes_are_not_found(client: Client) -> None:
    with pytest.raises(errors.NotFound):
        client.inspect_volume("dctest-no-such-volume")
    with pytest.raises(errors.NotFound):
        client.remove_volume("dctest-no-such-volume")
    with pytest.raises(errors.NullResource):
        client.inspect_volume("")


def test_volume_used_by_containers(client: Client, make_volume: Callable[..., dict[str, Any]],
                                   run: Callable[..., str]) -> None:
    volume = make_volume(labels={"dctest": "used"})
    writer = run(["sh", "-c", "echo shared-data > /data/file"], Binds=[f"{volume['Name']}:/data"])
    assert _output(client, writer) == b""
    reader = run(["cat", "/data/file"], Binds=[f"{volume['Name']}:/data:ro"])
    assert _output(client, reader) == b"shared-data\n"
    mounts = client._result(client._get(client._url("/containers/{0}/json", reader)), json=True)["Mounts"]
    assert [(m["Type"], m["Name"], m["RW"]) for m in mounts] == [("volume", volume["Name"], False)]

    dangling = {v["Name"] for v in client.volumes(filters={"dangling": True})["Volumes"] or []}
    assert volume["Name"] not in dangling
    with pytest.raises(errors.Conflict):
        client.remove_volume(volume["Name"])
    if _supports(client, "DELETE /volumes/{name} force"):
        with pytest.raises(errors.Conflict):  # force does not remove a volume in use
            client.remove_volume(volume["Name"], force=True)
    else:
        with pytest.raises(errors.InvalidVersion, match="force"):
            client.remove_volume(volume["Name"], force=True)
    for container in (writer, reader):
        client._delete(client._url("/containers/{0}", container), params={"force": 1}).close()
    assert volume["Name"] in {v["Name"] for v in client.volumes(filters={"dangling": True})["Volumes"]}
    client.remove_volume(volume["Name"])


def test_volume_of_a_running_container(client: Client, make_volume: Callable[..., dict[str, Any]],
                                       run: Callable[..., str]) -> None:
    volume = make_volume()
    container = run(["sleep", "30"], Binds=[f"{volume['Name']}:/data"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = client._result(client._get(client._url("/containers/{0}/json", container)), json=True)
        if state["State"]["Running"]:
            break
        time.sleep(0.1)
    with pytest.raises(errors.Conflict):
        client.remove_volume(volume["Name"])


def test_prune_volumes(client: Client, make_volume: Callable[..., dict[str, Any]],
                       run: Callable[..., str], unique_name: Callable[[str], str]) -> None:
    label = unique_name("prune")
    unused = make_volume(labels={"dctest-prune": label})
    used = make_volume(labels={"dctest-prune": label})
    other = make_volume()
    if not _supports(client, "POST /volumes/prune"):
        with pytest.raises(errors.InvalidVersion, match="1.25"):
            client.prune_volumes()
        return
    run(["true"], start=False, Binds=[f"{used['Name']}:/data"])
    mine = {"label": f"dctest-prune={label}"}
    if versions.version_gte(client.api_version, "1.42"):
        # since API 1.42 a prune takes only anonymous volumes unless the "all" filter says otherwise
        assert not client.prune_volumes(filters=mine)["VolumesDeleted"]
        client.inspect_volume(unused["Name"])
        mine["all"] = True
    pruned = client.prune_volumes(filters=mine)
    assert pruned["VolumesDeleted"] == [unused["Name"]]
    assert isinstance(pruned["SpaceReclaimed"], int)
    with pytest.raises(errors.NotFound):
        client.inspect_volume(unused["Name"])
    client.inspect_volume(used["Name"])
    client.inspect_volume(other["Name"])


def test_cluster_volumes_need_a_newer_api(client: Client, unique_name: Callable[[str], str]) -> None:
    if versions.version_gte(client.api_version, "1.42"):
        # sent: the daemon itself answers that cluster volumes need a swarm
        with pytest.raises(errors.APIError, match="cluster volumes"):
            client.update_volume(unique_name("dctest-vol"), 1, {"Availability": "drain"})
        with pytest.raises(errors.APIError, match="swarm"):
            client.create_volume(unique_name("dctest-vol"), cluster_volume_spec={"Group": "g"})
        return
    with pytest.raises(errors.InvalidVersion, match="1.42"):
        client.update_volume(unique_name("dctest-vol"), 1, {"Availability": "drain"})
    with pytest.raises(errors.InvalidVersion, match="ClusterVolumeSpec"):
        client.create_volume(unique_name("dctest-vol"), cluster_volume_spec={"Group": "g"})
