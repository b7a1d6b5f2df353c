"""The typed answers (docker_client/answers.py) against what the daemons here really answer.

Every key an answer carries, at any depth the types describe, must be one its TypedDict
declares: else an editor would not offer it and mypy would refuse code that reads it. Docker
Engine 20.10 and 28 send nothing beyond the spec; Podman's additions are listed below.
"""
from __future__ import annotations

import time
import typing
from typing import Any, Callable, Dict, List, Set

from docker_client import Client, answers

from ..conftest import ENGINE, TEST_IMAGE
from .conftest import supports

#: What Podman 5's compat API adds to Docker's answers (measured on Podman 5.8): Podman's own
#: fields, which the typed answers leave out as the Engine API spec does.
PODMAN_EXTRA_KEYS: Set[str] = {
    "ContainerCPUStats.cpu",
    "ContainerSummary.Config", "ContainerSummary.DefaultReadOnlyNonRecursive", "ContainerSummary.Name",
    "ContainerSummary.NetworkingConfig", "ContainerSummary.Platform",
    "ImageSummary.Digest", "ImageSummary.History", "ImageSummary.Names",
    "SystemInfo.BuildahVersion", "SystemInfo.CPURealtimePeriod", "SystemInfo.CPURealtimeRuntime",
    "SystemInfo.Rootless", "SystemInfo.SwapFree", "SystemInfo.SwapTotal", "SystemInfo.Uptime",
}


def _hints(cls: Any) -> Dict[str, Any]:
    return typing.get_type_hints(cls, vars(answers))


def undeclared(value: Any, annotation: Any, path: str) -> List[str]:
    """``Class.key (path)`` for each key of ``value`` that ``annotation`` does not declare."""
    found: List[str] = []
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if typing.is_typeddict(annotation) and isinstance(value, dict):
        declared = _hints(annotation)
        for key, item in value.items():
            if key in declared:
                found += undeclared(item, declared[key], f"{path}.{key}")
            else:
                found.append(f"{annotation.__name__}.{key} ({path})")
    elif origin is list and isinstance(value, list):
        for item in value:
            found += undeclared(item, args[0], f"{path}[]")
    elif origin is dict and isinstance(value, dict):
        for key, item in value.items():
            found += undeclared(item, args[1], f"{path}{{{key}}}")
    return found


def _annotation(method: str) -> Any:
    return eval(answers.ANSWERS[method], {"List": List, **vars(answers)})  # our own table, not input


def test_every_key_the_daemon_sends_is_declared(client: Client, unique_name: Callable[[str], str]) -> None:
    started = time.time()
    volume = client.create_volume(unique_name("dctest-answers"))["Name"]
    container = client.create_container(TEST_IMAGE, ["sleep", "30"], name=unique_name("dctest-answers"),
                                        volumes=["/data"], host_config=client.create_host_config(
                                            binds={volume: {"bind": "/data", "mode": "rw"}},
                                            port_bindings={80: None}), ports=[80])
    try:
        client.start(container)
        exec_id = client.exec_create(container, "true")
        client.exec_start(exec_id)
        network = client.inspect_container(container)["HostConfig"]["NetworkMode"]
        calls: Dict[str, Callable[[], Any]] = {
            "containers": lambda: client.containers(all=True, size=True),
            "inspect_container": lambda: client.inspect_container(container),
            "create_container": lambda: container,
            "top": lambda: client.top(container),
            "stats": lambda: client.stats(container, stream=False),
            "exec_create": lambda: exec_id,
            "exec_inspect": lambda: client.exec_inspect(exec_id),
            "images": lambda: client.images(),
            "inspect_image": lambda: client.inspect_image(TEST_IMAGE),
            "history": lambda: client.history(TEST_IMAGE),
            "version": client.version,
            "info": client.info,
            "networks": client.networks,
            "inspect_network": lambda: client.inspect_network(
                "bridge" if network == "default" else network),
            "volumes": client.volumes,
            "inspect_volume": lambda: client.inspect_volume(volume),
        }
        if supports(client, "GET /system/df"):
            calls["df"] = client.df
        found: List[str] = []
        for method, call in calls.items():
            answer = call()
            assert answer, method
            found += undeclared(answer, _annotation(method), method)
        client.stop(container, timeout=0)
        until = time.time() + 1
        with client.events(since=started, until=until, decode=True,
                           filters={"container": container["Id"]}) as events:
            seen = list(events)
        assert seen
        for event in seen:
            found += undeclared(event, _annotation("events"), "events")
    finally:
        client.remove_container(container, force=True)
        client.remove_volume(volume)
    classes_and_keys = {entry.split(" ")[0] for entry in found}
    expected = PODMAN_EXTRA_KEYS if ENGINE == "podman" else set()
    assert classes_and_keys == expected, sorted(set(found))


def test_the_walk_reports_an_undeclared_key_where_it_is() -> None:
    answer = {"State": {"Status": "running", "Stauts": "x"}, "Mounts": [{"Type": "bind", "Bogus": 1}]}
    assert undeclared(answer, answers.ContainerInspectResponse, "inspect") == [
        "ContainerState.Stauts (inspect.State)", "MountPoint.Bogus (inspect.Mounts[])"]
