"""Swarm endpoints against the private daemon: a single-node swarm on 127.0.0.1 with its node,
replicated busybox services (scaled, updated, rolled back, logs read), secrets and configs
mounted into them, at the API version of the environment.

The swarm is made once for the module and left at its end, also when a test fails. Inside the
harness's network namespace only ``lo`` exists, so the swarm advertises and listens on 127.0.0.1.
"""
from __future__ import annotations

import base64
import os
import time
from typing import Any, Callable, Iterator

import pytest

from docker_client import Client, errors, versions
from docker_client.types import (
    ConfigReference,
    ContainerSpec,
    EndpointSpec,
    RestartPolicy,
    RollbackConfig,
    SecretReference,
    ServiceMode,
    SwarmExternalCA,
    TaskTemplate,
    UpdateConfig,
)

from .. import conftest
from ..conftest import API_VERSION, TEST_IMAGE
from .conftest import env_or_fail, wait_for

pytestmark = pytest.mark.podman_refuses("swarm")

TICK = ["sh", "-c", "while true; do echo tick; sleep 1; done"]
QUICK_STOP = 10**8  # ns: sh as PID 1 ignores SIGTERM, so tasks are killed after this
CONVERGE_SECONDS = 30



@pytest.fixture(scope="module")
def swarm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """A client of a daemon made the single manager of a new swarm; the swarm is left afterwards."""
    error = conftest._daemon_error()
    if error is not None:
        if conftest.DAEMON_EXPECTED:
            pytest.fail(f"the private test daemon is required: {error}")
        pytest.skip(conftest._DAEMON_SKIP_REASON)
    with pytest.MonkeyPatch.context() as patch:  # the function-scoped scrub has not run yet
        for name in list(os.environ):
            if name.startswith("DOCKER_"):
                patch.delenv(name)
        patch.setenv("DOCKER_CONFIG", str(tmp_path_factory.mktemp("docker-config")))
        client = Client(base_url=conftest.DAEMON_HOST, version=API_VERSION)
    with client:
        client.leave_swarm(force=True)  # a swarm left over by an interrupted run
        had_gateway_bridge = bool(client.networks(names=["docker_gwbridge"]))
        try:
            node_id = client.init_swarm(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
            assert isinstance(node_id, str) and node_id
            yield client
        finally:
            client.leave_swarm(force=True)
            if not had_gateway_bridge:  # the bridge overlay networks made outlives the swarm
                _wait_for("docker_gwbridge to be removable",
                          lambda: _removed(client, "/networks/{0}", "docker_gwbridge"))


@pytest.fixture
def make_service(swarm: Client,
                 unique_name: Callable[[str], str]) -> Iterator[Callable[..., dict[str, Any]]]:
    """Create services with ``create_service``; every one is removed afterwards."""
    made: list[str] = []

    def create(template: Any = None, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("name", unique_name("dctest-svc"))
        kwargs.setdefault("labels", {"dctest": "swarm"})
        answer = swarm.create_service(template or TaskTemplate(_spec(TEST_IMAGE, TICK)), **kwargs)
        made.append(answer["ID"])
        answer["Name"] = kwargs["name"]
        return answer  # type: ignore[no-any-return]

    yield create
    for service in made:
        swarm._delete(swarm._url("/services/{0}", service)).close()


def _spec(image: str, command: list[str], **kwargs: Any) -> ContainerSpec:
    """A ContainerSpec whose containers are killed at once when their task stops."""
    kwargs.setdefault("stop_grace_period", QUICK_STOP)
    return ContainerSpec(image, command, **kwargs)


def _supports(client: Client, feature: str) -> bool:
    return versions.supports(feature, client.api_version)


def _wait_for(what: str, check: Callable[[], Any], timeout: float = CONVERGE_SECONDS) -> Any:
    return wait_for(what, check, timeout)


def _running_tasks(client: Client, service: str) -> list[dict[str, Any]]:
    tasks = client.tasks(filters={"service": service, "desired-state": "running"})
    return [t for t in tasks if t["Status"]["State"] == "running"]


def _update_done(client: Client, service: str) -> dict[str, Any] | None:
    """The service once its rolling update has completed (None before)."""
    info = client.inspect_service(service)
    state = (info.get("UpdateStatus") or {}).get("State")
    return info if state in ("completed", None) else None


def _removed(client: Client, path: str, object_id: str) -> bool:
    """Delete an object with a raw call: whether it is gone (it may still be in use for a moment)."""
    return client._delete(client._url(path, object_id)).status_code in (200, 204, 404)


def _read_logs(client: Client, service: str, wanted: bytes) -> bytes:
    """Service logs (all of them, not following) until ``wanted`` is in them."""
    def check() -> bytes:
        with client.service_logs(service, stdout=True, stderr=True) as logs:
            data = b"".join(logs)
        return data if wanted in data else b""

    return _wait_for(f"{wanted!r} in the logs", check)  # type: ignore[no-any-return]


# -- the swarm and its node ---------------------------------------------------------------------------

def test_inspect_and_update_swarm(swarm: Client) -> None:
    info = swarm.inspect_swarm()
    assert info["ID"] and info["Spec"]["Name"] == "default"
    worker_token = info["JoinTokens"]["Worker"]
    spec = dict(info["Spec"], Labels={"dctest": "swarm"})
    spec["Orchestration"] = {"TaskHistoryRetentionLimit": 3}
    assert swarm.update_swarm(info["Version"]["Index"], spec, rotate_worker_token=True) is True
    after = swarm.inspect_swarm()
    assert after["Spec"]["Labels"] == {"dctest": "swarm"}
    assert after["Spec"]["Orchestration"]["TaskHistoryRetentionLimit"] == 3
    assert after["JoinTokens"]["Worker"] != worker_token
    assert after["JoinTokens"]["Manager"] == info["JoinTokens"]["Manager"]
    with pytest.raises(errors.APIError):  # the version is out of date now
        swarm.update_swarm(info["Version"]["Index"], spec)


def test_update_swarm_with_a_built_spec(swarm: Client) -> None:
    current = swarm.inspect_swarm()
    raft = current["Spec"]["Raft"]
    spec = swarm.create_swarm_spec(
        name="default", labels={"dctest": "built"}, task_history_retention_limit=4,
        snapshot_interval=raft["SnapshotInterval"] + 1, keep_old_snapshots=raft.get("KeepOldSnapshots", 0),
        log_entries_for_slow_followers=raft["LogEntriesForSlowFollowers"],
        heartbeat_tick=raft["HeartbeatTick"], election_tick=raft["ElectionTick"],
        dispatcher_heartbeat_period=current["Spec"]["Dispatcher"]["HeartbeatPeriod"],
        node_cert_expiry=current["Spec"]["CAConfig"]["NodeCertExpiry"])
    swarm.update_swarm(current["Version"]["Index"], spec)
    after = swarm.inspect_swarm()["Spec"]
    assert after["Labels"] == {"dctest": "built"}
    assert after["Raft"]["SnapshotInterval"] == raft["SnapshotInterval"] + 1
    assert after["Orchestration"]["TaskHistoryRetentionLimit"] == 4
    if not _supports(swarm, "POST /swarm/update CAConfig-SigningCACert"):
        with pytest.raises(errors.InvalidVersion, match="signing_ca_cert"):
            swarm.create_swarm_spec(signing_ca_cert="PEM")
    if not _supports(swarm, "POST /swarm/update CAConfig-ExternalCAs"):
        ca = SwarmExternalCA("https://ca.example/sign", protocol="cfssl")
        with pytest.raises(errors.InvalidVersion, match="external_cas"):
            swarm.create_swarm_spec(external_cas=[ca, ca])


def test_already_in_a_swarm(swarm: Client) -> None:
    with pytest.raises(errors.APIError) as info:
        swarm.init_swarm(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    assert info.value.status_code == 503
    token = swarm.inspect_swarm()["JoinTokens"]["Worker"]
    with pytest.raises(errors.APIError):
        swarm.join_swarm(["127.0.0.1:2377"], token, listen_addr="127.0.0.1:2378")
    with pytest.raises(errors.APIError):  # the last manager does not leave without force
        swarm.leave_swarm()


def test_unlock_key_and_autolock(swarm: Client) -> None:
    if not _supports(swarm, "GET /swarm/unlockkey"):
        with pytest.raises(errors.InvalidVersion):
            swarm.get_unlock_key()
        with pytest.raises(errors.InvalidVersion):
            swarm.unlock_swarm("SWMKEY-1-x")
        with pytest.raises(errors.InvalidVersion, match="autolock_managers"):
            swarm.create_swarm_spec(autolock_managers=True)
        return
    assert swarm.get_unlock_key() == {"UnlockKey": ""}
    info = swarm.inspect_swarm()
    locked_spec = dict(info["Spec"], EncryptionConfig={"AutoLockManagers": True})
    swarm.update_swarm(info["Version"]["Index"], locked_spec)
    try:
        key = swarm.get_unlock_key()
        assert key["UnlockKey"].startswith("SWMKEY-1-")
        info = swarm.inspect_swarm()
        swarm.update_swarm(info["Version"]["Index"], info["Spec"], rotate_manager_unlock_key=True)
        rotated = swarm.get_unlock_key()
        assert rotated["UnlockKey"].startswith("SWMKEY-1-") and rotated != key
        with pytest.raises(errors.Conflict, match="not locked"):  # a running manager is unlocked
            swarm.unlock_swarm(rotated)
    finally:
        info = swarm.inspect_swarm()
        spec = dict(info["Spec"], EncryptionConfig={"AutoLockManagers": False})
        swarm.update_swarm(info["Version"]["Index"], spec)
    assert swarm.get_unlock_key() == {"UnlockKey": ""}


def _update_node(swarm: Client, node_id: str, spec: dict[str, Any], attempts: int = 5) -> dict[str, Any]:
    """``update_node`` (given the node's dict) at the node's current version; the node as it was
    before. A young swarm still updates its node itself, so a version read a moment ago can be
    "out of sequence": read it again, a bounded number of times."""
    for attempt in range(attempts):
        current = swarm.inspect_node(node_id)
        try:
            assert swarm.update_node(current, current["Version"]["Index"], spec) is True
            return current
        except errors.APIError as exc:
            if "out of sequence" not in str(exc) or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def test_nodes(swarm: Client) -> None:
    nodes = swarm.nodes()
    assert len(nodes) == 1
    node = nodes[0]
    assert node["Spec"]["Role"] == "manager" and node["ManagerStatus"]["Leader"] is True
    assert swarm.nodes(filters={"role": "manager"})[0]["ID"] == node["ID"]
    assert swarm.nodes(filters={"role": "worker"}) == []
    assert swarm.inspect_node(node["ID"])["ID"] == node["ID"]
    assert swarm.inspect_node(node["Description"]["Hostname"])["ID"] == node["ID"]

    spec = dict(node["Spec"], Labels={"dctest": "node"}, Availability="pause")
    node = _update_node(swarm, node["ID"], spec)
    try:
        paused = swarm.inspect_node(node["ID"])
        assert paused["Spec"]["Labels"] == {"dctest": "node"} and paused["Spec"]["Availability"] == "pause"
        # "label" filters on the engine's labels; the node's own came with API 1.40
        assert swarm.nodes(filters={"label": "dctest=node"}) == []
        if versions.version_gte(swarm.api_version, "1.40"):
            assert [n["ID"] for n in swarm.nodes(filters={"node.label": "dctest=node"})] == [node["ID"]]
        with pytest.raises(errors.APIError):  # out of date
            swarm.update_node(node["ID"], node["Version"]["Index"], spec)
    finally:
        _update_node(swarm, node["ID"], dict(node["Spec"], Labels={}, Availability="active"))
    active = swarm.inspect_node(node["ID"])["Spec"]
    assert active["Availability"] == "active" and not active.get("Labels")

    with pytest.raises(errors.APIError):  # a manager cannot be removed, even with force
        swarm.remove_node(node["ID"], force=True)
    with pytest.raises(errors.NotFound):
        swarm.inspect_node("dctest-no-such-node")
    with pytest.raises(errors.NotFound):
        swarm.remove_node("dctest-no-such-node")


# -- services -----------------------------------------------------------------------------------------

def test_service_scaled_updated_and_rolled_back(swarm: Client,
                                                make_service: Callable[..., dict[str, Any]]) -> None:
    template = TaskTemplate(_spec(TEST_IMAGE, TICK, env={"STAGE": "one"}),
                            restart_policy=RestartPolicy("any", delay=10**8))
    update_config = UpdateConfig(parallelism=0)  # all tasks at once
    if _supports(swarm, "POST /services/create UpdateConfig-Monitor"):
        update_config = UpdateConfig(parallelism=0, monitor=10**9)  # watched for 1 s, not 5
    service = make_service(template, mode=ServiceMode("replicated", 1), update_config=update_config)
    _wait_for("one running task", lambda: len(_running_tasks(swarm, service["ID"])) == 1)

    info = swarm.inspect_service(service["ID"])
    assert info["Spec"]["Name"] == service["Name"] and info["Spec"]["Labels"] == {"dctest": "swarm"}
    assert info["Spec"]["Mode"] == {"Replicated": {"Replicas": 1}}
    assert swarm.inspect_service(service["Name"])["ID"] == service["ID"]
    listed = swarm.services(filters={"name": service["Name"]})
    assert [s["ID"] for s in listed] == [service["ID"]]
    assert swarm.services(filters={"label": "dctest=nope"}) == []

    # scale: only the mode changes, the rest comes from the current spec
    answer = swarm.update_service(service["ID"], info["Version"]["Index"], mode=ServiceMode("replicated", 3),
                                  fetch_current_spec=True)
    assert isinstance(answer, dict)
    _wait_for("three running tasks", lambda: len(_running_tasks(swarm, service["ID"])) == 3)
    scaled = swarm.inspect_service(service["ID"])
    assert scaled["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"] == ["STAGE=one"]

    # update the containers' environment
    new_template = TaskTemplate(_spec(TEST_IMAGE, TICK, env={"STAGE": "two"}))
    swarm.update_service(service["Name"], scaled["Version"]["Index"], task_template=new_template,
                         fetch_current_spec=True)
    updated = swarm.inspect_service(service["ID"])
    assert updated["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"] == ["STAGE=two"]
    assert updated["Spec"]["Mode"] == {"Replicated": {"Replicas": 3}}
    assert updated["PreviousSpec"]["TaskTemplate"]["ContainerSpec"]["Env"] == ["STAGE=one"]
    with pytest.raises(errors.APIError):  # out of date
        swarm.update_service(service["ID"], scaled["Version"]["Index"], fetch_current_spec=True)

    if _supports(swarm, "POST /services/{id}/update rollback"):
        # the rolling update bumps the version as it goes: roll back once it is done
        done = _wait_for("the update to complete", lambda: _update_done(swarm, service["ID"]))
        swarm.update_service(service["ID"], done["Version"]["Index"], rollback=True)
        rolled_back = swarm.inspect_service(service["ID"])
        assert rolled_back["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"] == ["STAGE=one"]
    else:
        with pytest.raises(errors.InvalidVersion, match="rollback"):
            swarm.update_service(service["ID"], updated["Version"]["Index"], rollback=True)

    tasks = swarm.tasks(filters={"service": service["Name"]})
    assert len(tasks) >= 3 and {t["ServiceID"] for t in tasks} == {service["ID"]}
    task = swarm.inspect_task(tasks[0]["ID"])
    assert task["ServiceID"] == service["ID"]
    assert task["Spec"]["ContainerSpec"]["Image"].startswith(TEST_IMAGE)

    assert swarm.remove_service(service["ID"]) is True
    with pytest.raises(errors.NotFound):
        swarm.inspect_service(service["ID"])
    with pytest.raises(errors.NotFound):
        swarm.remove_service(service["ID"])


def test_service_logs(swarm: Client, make_service: Callable[..., dict[str, Any]]) -> None:
    script = "echo out-line; echo err-line >&2; while true; do echo tick; sleep 1; done"
    service = make_service(TaskTemplate(_spec(TEST_IMAGE, ["sh", "-c", script])))
    if not _supports(swarm, "GET /services/{id}/logs"):
        with pytest.raises(errors.InvalidVersion, match="1.25"):
            swarm.service_logs(service["ID"], stdout=True)
        return
    logs = _read_logs(swarm, service["ID"], b"tick")
    assert b"out-line\n" in logs and b"err-line\n" in logs
    # (the tail counts stdout and stderr lines together)
    with swarm.service_logs(service["Name"], stdout=True, stderr=True, timestamps=True, tail=1,
                            is_tty=False) as stream:
        lines = b"".join(stream).splitlines()
    assert len(lines) == 1 and lines[0].split(b" ", 1)[0].endswith(b"Z")
    with swarm.service_logs(service["ID"], stderr=True) as stream:
        assert b"".join(stream) == b"err-line\n"
    with swarm.service_logs(service["ID"], stdout=True, follow=True, since=time.time()) as stream:
        assert next(iter(stream)) == b"tick\n"  # a line written after the call

    task = _running_tasks(swarm, service["ID"])[0]
    if _supports(swarm, "GET /tasks/{id}/logs"):
        with swarm.task_logs(task["ID"], stdout=True) as stream:
            task_output = b"".join(stream)
        assert task_output.startswith(b"out-line\ntick\n") and b"err-line" not in task_output
    else:
        with pytest.raises(errors.InvalidVersion, match="1.29"):
            swarm.task_logs(task["ID"], stdout=True)
    with pytest.raises(errors.NotFound):
        swarm.service_logs("dctest-no-such-service", stdout=True)


def test_service_with_tty_logs(swarm: Client, make_service: Callable[..., dict[str, Any]]) -> None:
    if not _supports(swarm, "POST /services/create ContainerSpec-TTY"):
        with pytest.raises(errors.InvalidVersion, match="TTY"):
            make_service(TaskTemplate(_spec(TEST_IMAGE, TICK, tty=True)))
        return
    service = make_service(TaskTemplate(_spec(TEST_IMAGE, TICK, tty=True)))
    assert b"tick\r\n" in _read_logs(swarm, service["ID"], b"tick")  # a TTY's raw stream


def test_service_options_and_errors(swarm: Client, make_service: Callable[..., dict[str, Any]]) -> None:
    service = make_service(mode="global", endpoint_spec=EndpointSpec(mode="dnsrr"))
    info = swarm.inspect_service(service["ID"])
    assert info["Spec"]["Mode"] == {"Global": {}}
    assert info["Spec"]["EndpointSpec"]["Mode"] == "dnsrr"
    if _supports(swarm, "GET /services/{id} insertDefaults"):
        with_defaults = swarm.inspect_service(service["ID"], insert_defaults=True)
        assert with_defaults["Spec"]["UpdateConfig"]["FailureAction"] == "pause"
    else:
        with pytest.raises(errors.InvalidVersion, match="insertDefaults"):
            swarm.inspect_service(service["ID"], insert_defaults=True)
    if _supports(swarm, "GET /services status"):
        listed = swarm.services(filters={"id": service["ID"]}, status=True)
        assert set(listed[0]["ServiceStatus"]) >= {"RunningTasks", "DesiredTasks"}
    else:
        with pytest.raises(errors.InvalidVersion, match="status"):
            swarm.services(status=True)
    if _supports(swarm, "POST /services/create RollbackConfig"):
        rolled = make_service(rollback_config=RollbackConfig(parallelism=1, delay=10**9))
        assert swarm.inspect_service(rolled["ID"])["Spec"]["RollbackConfig"]["Delay"] == 10**9
    else:
        with pytest.raises(errors.InvalidVersion, match="RollbackConfig"):
            make_service(rollback_config=RollbackConfig())

    with pytest.raises(errors.Conflict):
        make_service(name=service["Name"])
    with pytest.raises(errors.NotFound):
        swarm.inspect_service("dctest-no-such-service")
    with pytest.raises(errors.NotFound):
        swarm.inspect_task("dctest-no-such-task")
    job_template = TaskTemplate(_spec(TEST_IMAGE, ["echo", "done"]))
    if _supports(swarm, "POST /services/create Mode-ReplicatedJob"):
        job = make_service(job_template, mode=ServiceMode("replicated-job", 2, concurrency=1))
        assert swarm.inspect_service(job["ID"])["Spec"]["Mode"] == {
            "ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 2}}
    else:
        with pytest.raises(errors.InvalidVersion, match="ReplicatedJob"):
            make_service(job_template, mode=ServiceMode("replicated-job", 2))


def test_service_on_an_overlay_network(swarm: Client, make_service: Callable[..., dict[str, Any]],
                                       unique_name: Callable[[str], str]) -> None:
    network = swarm.create_network(unique_name("dctest-ov"), driver="overlay", attachable=True)
    try:
        service = make_service(networks=[network["Id"]])
        spec = swarm.inspect_service(service["ID"])["Spec"]
        networks = spec["TaskTemplate"].get("Networks") or spec.get("Networks")
        assert [n["Target"] for n in networks] == [network["Id"]]
        _wait_for("a running task", lambda: _running_tasks(swarm, service["ID"]))
        assert swarm.inspect_network(network["Id"])["Scope"] == "swarm"
        swarm.remove_service(service["ID"])
    finally:
        _wait_for("the network to be removable", lambda: _removed(swarm, "/networks/{0}", network["Id"]))


def test_service_image_from_a_registry_with_auth(swarm: Client, make_service: Callable[..., dict[str, Any]],
                                                 unique_name: Callable[[str], str]) -> None:
    """The registry's credentials go along with the spec, so the node can pull the image."""
    registry = env_or_fail("DC_TEST_AUTH_REGISTRY")
    swarm.login(env_or_fail("DC_TEST_REGISTRY_USER"), env_or_fail("DC_TEST_REGISTRY_PASSWORD"),
                registry=registry)
    repository = f"{registry}/{unique_name('dctest-svc')}"
    image = f"{repository}:latest"
    swarm._result(swarm._post(swarm._url("/images/{0}/tag", TEST_IMAGE),
                              params={"repo": repository, "tag": "latest"}))
    try:
        pushed = swarm._result(swarm._post(swarm._url("/images/{0}/push", repository),
                                           params={"tag": "latest"},
                                           headers=swarm._image_registry_headers(image)))
        assert "error" not in pushed.lower(), pushed
        swarm._result(swarm._delete(swarm._url("/images/{0}", image)))  # the node has to pull it now

        service = make_service(TaskTemplate(_spec(image, TICK)))
        _wait_for("a running task pulled with the credentials", lambda: _running_tasks(swarm, service["ID"]))
        swarm.remove_service(service["ID"])
    finally:
        _forget_references(swarm, repository)


def _forget_references(client: Client, repository: str) -> None:
    """Remove the tags and digests of ``repository`` the test image got (the image stays)."""
    info = client._result(client._get(client._url("/images/{0}/json", TEST_IMAGE)), json=True)
    for reference in (info.get("RepoTags") or []) + (info.get("RepoDigests") or []):
        if reference.startswith(f"{repository}:") or reference.startswith(f"{repository}@"):
            client._delete(client._url("/images/{0}", reference), params={"force": 1}).close()


# -- secrets and configs ------------------------------------------------------------------------------

def test_secrets(swarm: Client, unique_name: Callable[[str], str]) -> None:
    name = unique_name("dctest-secret")
    if not _supports(swarm, "POST /secrets/create"):
        with pytest.raises(errors.InvalidVersion, match="1.25"):
            swarm.create_secret(name, "x")
        with pytest.raises(errors.InvalidVersion, match="1.25"):
            swarm.secrets()
        return
    created = swarm.create_secret(name, "top secret", labels={"dctest": "secret"})
    try:
        info = swarm.inspect_secret(created["ID"])
        assert info["Spec"]["Name"] == name and info["Spec"]["Labels"] == {"dctest": "secret"}
        assert "Data" not in info["Spec"]  # never read back
        assert swarm.inspect_secret(name)["ID"] == created["ID"]
        assert [s["ID"] for s in swarm.secrets(filters={"name": name})] == [created["ID"]]
        assert swarm.update_secret(created, info["Version"]["Index"], {"dctest": "updated"}) is True
        assert swarm.inspect_secret(name)["Spec"]["Labels"] == {"dctest": "updated"}
        with pytest.raises(errors.APIError):  # out of date
            swarm.update_secret(created, info["Version"]["Index"], {"dctest": "again"})
        with pytest.raises(errors.APIError):
            swarm.create_secret(name, "again")
    finally:
        assert swarm.remove_secret(created["ID"]) is True
    with pytest.raises(errors.NotFound):
        swarm.inspect_secret(created["ID"])
    with pytest.raises(errors.NotFound):
        swarm.remove_secret(created["ID"])


def test_configs(swarm: Client, unique_name: Callable[[str], str]) -> None:
    name = unique_name("dctest-config")
    if not _supports(swarm, "POST /configs/create"):
        with pytest.raises(errors.InvalidVersion, match="1.30"):
            swarm.create_config(name, "x")
        with pytest.raises(errors.InvalidVersion, match="1.30"):
            swarm.configs()
        return
    created = swarm.create_config(name, b"key=value\n\x00", labels={"dctest": "config"})
    try:
        info = swarm.inspect_config(created["ID"])
        assert info["Spec"]["Name"] == name and info["Spec"]["Labels"] == {"dctest": "config"}
        assert base64.b64decode(info["Spec"]["Data"]) == b"key=value\n\x00"
        assert [c["ID"] for c in swarm.configs(filters={"name": name})] == [created["ID"]]
        swarm.update_config(name, info["Version"]["Index"], {"dctest": "updated"})
        after = swarm.inspect_config(created)
        assert after["Spec"]["Labels"] == {"dctest": "updated"}
        assert after["Spec"]["Data"] == info["Spec"]["Data"]
        with pytest.raises(errors.Conflict):
            swarm.create_config(name, "again")
        if not _supports(swarm, "POST /configs/create Templating"):
            with pytest.raises(errors.InvalidVersion, match="Templating"):
                swarm.create_config(unique_name("dctest-config"), "x", templating={"Name": "golang"})
    finally:
        assert swarm.remove_config(created["ID"]) is True
    with pytest.raises(errors.NotFound):
        swarm.inspect_config(created["ID"])
    with pytest.raises(errors.NotFound):
        swarm.remove_config(created["ID"])


def test_secret_and_config_mounted_into_a_service(swarm: Client, make_service: Callable[..., dict[str, Any]],
                                                  unique_name: Callable[[str], str]) -> None:
    if not _supports(swarm, "POST /secrets/create"):
        with pytest.raises(errors.InvalidVersion, match="Secrets"):
            make_service(TaskTemplate(_spec(TEST_IMAGE, TICK, secrets=[SecretReference("x", "y")])))
        return
    secret = swarm.create_secret(unique_name("dctest-secret"), "the-secret-value")
    secret_name = swarm.inspect_secret(secret)["Spec"]["Name"]
    references: dict[str, Any] = {"secrets": [SecretReference(secret, secret_name, filename="app-secret")]}
    script = "cat /run/secrets/app-secret; echo; stat -c %a /run/secrets/app-secret; "
    config = None
    if _supports(swarm, "POST /configs/create"):
        config = swarm.create_config(unique_name("dctest-config"), "the-config-value")
        config_name = swarm.inspect_config(config)["Spec"]["Name"]
        references["configs"] = [ConfigReference(config, config_name, filename="/etc/app.conf", mode=0o440)]
        script += "cat /etc/app.conf; echo; stat -c %a /etc/app.conf; "
    try:
        service = make_service(TaskTemplate(_spec(TEST_IMAGE, ["sh", "-c", script + "sleep 60"],
                                                           **references)))
        logs = _read_logs(swarm, service["ID"], b"444\n")
        assert b"the-secret-value\n444\n" in logs
        if config is not None:
            logs = _read_logs(swarm, service["ID"], b"440\n")
            assert b"the-config-value\n440\n" in logs
            with pytest.raises(errors.APIError):  # in use
                swarm.remove_config(config["ID"])
        with pytest.raises(errors.APIError):  # in use
            swarm.remove_secret(secret["ID"])
        swarm.remove_service(service["ID"])
    finally:
        _wait_for("the secret to be removable", lambda: _removed(swarm, "/secrets/{0}", secret["ID"]))
        if config is not None:
            _wait_for("the config to be removable", lambda: _removed(swarm, "/configs/{0}", config["ID"]))
