"""A swarm of two machines, through docker_client alone.

The harness runs, for Engine 28, a second daemon in a network namespace of its own, joined to the
first by a veth pair (DC_TEST_MANAGER_ADDR on the first, DC_TEST_PEER_ADDR on the second; the
addresses exist only inside those two namespaces). The first daemon makes a swarm, the second
joins it as a worker; a replicated service spreads its tasks over both; draining the worker
moves its tasks to the manager; the logs of a task that ran on the worker come back through the
manager; the worker leaves and is removed. Every wait is bounded.

Left out on Engine 20.10 (no second node there) and on Podman (no swarm).
"""
from __future__ import annotations

import os
from typing import Any, Callable, Iterator

import pytest

from docker_client import Client, errors
from docker_client.types import ContainerSpec, ServiceMode, TaskTemplate

from ..conftest import API_VERSION, TEST_IMAGE
from .conftest import env_or_fail, wait_for

pytestmark = [pytest.mark.two_nodes, pytest.mark.podman_refuses("swarm")]

SECONDS = 60
REPLICAS = 4
# Each task says on which node it runs: the swarm fills the template in.
SAY_NODE = ["sh", "-c", "echo ran-on=$NODE; exec sleep 600"]


def _wait_for(what: str, check: Callable[[], Any]) -> Any:
    return wait_for(what, check, SECONDS)


@pytest.fixture
def nodes(client: Client) -> Iterator[tuple[Client, Client]]:
    """(manager, worker): clients of the two daemons, neither in a swarm; both leave at the end."""
    peer_host = os.environ.get("DC_TEST_PEER_HOST")
    if not peer_host:
        pytest.fail("DC_TEST_PEER_HOST is not set: the Engine 28 harness starts the second node")
    with Client(base_url=peer_host, version=API_VERSION) as worker:
        for c in (worker, client):
            c.leave_swarm(force=True)  # a swarm left over by an interrupted run
        try:
            yield client, worker
        finally:
            worker.leave_swarm(force=True)
            client.leave_swarm(force=True)


def _tasks_by_node(manager: Client, service: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for task in manager.tasks(filters={"service": service, "desired-state": "running"}):
        if task["Status"]["State"] == "running":
            counts[task["NodeID"]] = counts.get(task["NodeID"], 0) + 1
    return counts


def test_two_node_swarm(nodes: tuple[Client, Client], unique_name: Callable[[str], str]) -> None:
    manager, worker = nodes
    manager_addr = env_or_fail("DC_TEST_MANAGER_ADDR")
    worker_addr = env_or_fail("DC_TEST_PEER_ADDR")

    manager_id = manager.init_swarm(advertise_addr=manager_addr, listen_addr=f"{manager_addr}:2377")
    token = manager.inspect_swarm()["JoinTokens"]["Worker"]
    with pytest.raises(errors.APIError):  # a wrong token: the manager refuses, the worker says so
        worker.join_swarm([f"{manager_addr}:2377"], "SWMTKN-1-" + "0" * 50 + "-" + "0" * 25,
                          advertise_addr=worker_addr, listen_addr=f"{worker_addr}:2377")
    assert worker.join_swarm([f"{manager_addr}:2377"], token, advertise_addr=worker_addr,
                             listen_addr=f"{worker_addr}:2377") is True
    worker_id = worker.info()["Swarm"]["NodeID"]
    assert worker_id and worker_id != manager_id

    def both_ready() -> bool:
        listed = {n["ID"]: n for n in manager.nodes()}
        return set(listed) == {manager_id, worker_id} and all(
            n["Status"]["State"] == "ready" for n in listed.values())

    _wait_for("both nodes to be ready", both_ready)
    info = manager.inspect_node(worker_id)
    assert info["Spec"]["Role"] == "worker" and info["Status"]["Addr"] == worker_addr
    assert manager.nodes(filters={"role": "manager"})[0]["ID"] == manager_id
    with pytest.raises(errors.APIError, match="not a swarm manager"):
        worker.nodes()  # a worker cannot list the nodes

    name = unique_name("dctest-spread")
    spec = ContainerSpec(TEST_IMAGE, SAY_NODE, env={"NODE": "{{.Node.ID}}"}, stop_grace_period=10**8)
    service = manager.create_service(TaskTemplate(spec), name=name,
                                     mode=ServiceMode("replicated", replicas=REPLICAS))["ID"]
    try:
        spread = _wait_for(f"{REPLICAS} running tasks on both nodes",
                           lambda: (lambda c: c if sum(c.values()) == REPLICAS and len(c) == 2 else None)(
                               _tasks_by_node(manager, service)))
        assert set(spread) == {manager_id, worker_id}
        # the worker runs its tasks' containers itself
        assert len(worker.containers(filters={"label": f"com.docker.swarm.service.id={service}"})) \
            == spread[worker_id]

        def worker_lines() -> list[str]:
            with manager.service_logs(service, stdout=True, details=True) as stream:
                lines = [line.decode() for line in stream]
            return [line for line in lines if f"ran-on={worker_id}" in line]

        lines = _wait_for("the logs of a task on the worker", worker_lines)
        assert f"com.docker.swarm.node.id={worker_id}" in lines[0]

        version = manager.inspect_node(worker_id)["Version"]["Index"]
        assert manager.update_node(worker_id, version, {"Role": "worker", "Availability": "drain"}) is True
        assert manager.inspect_node(worker_id)["Spec"]["Availability"] == "drain"
        moved = _wait_for("the worker's tasks to move to the manager",
                          lambda: (lambda c: c if c == {manager_id: REPLICAS} else None)(
                              _tasks_by_node(manager, service)))
        assert moved == {manager_id: REPLICAS}
        _wait_for("the worker's containers to stop", lambda: not worker.containers(
            filters={"label": f"com.docker.swarm.service.id={service}"}))
    finally:
        manager.remove_service(service)

    assert worker.leave_swarm() is True
    _wait_for("the manager to see the worker down",
              lambda: manager.inspect_node(worker_id)["Status"]["State"] == "down")
    assert manager.remove_node(worker_id) is True
    assert [n["ID"] for n in manager.nodes()] == [manager_id]
    with pytest.raises(errors.NotFound):
        manager.inspect_node(worker_id)

