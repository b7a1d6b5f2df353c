"""Swarm, service, network and volume request bodies, without a daemon.

Expected values were produced by docker-py 7.1 for the same arguments and written here literally
(golden values); arguments docker-py lacks are checked against the Engine API spec. What API 1.42-1.51 daemons
do with the newer options is checked on real daemons (tests/integration/test_modern_*.py).
"""
from __future__ import annotations

import base64
import json
import re
from typing import Any, Iterator

import pytest
import responses

from docker_client import Client, types, versions
from docker_client.api.service import spec_features
from docker_client.errors import APIError, InvalidArgument, InvalidVersion, NullResource
from docker_client.types import (
    ConfigReference,
    ContainerSpec,
    DNSConfig,
    DriverConfig,
    EndpointSpec,
    Healthcheck,
    IPAMConfig,
    IPAMPool,
    Mount,
    NetworkAttachmentConfig,
    Placement,
    PlacementPreference,
    Privileges,
    Resources,
    RestartPolicy,
    RollbackConfig,
    SecretReference,
    ServiceMode,
    SwarmExternalCA,
    SwarmSpec,
    TaskTemplate,
    UpdateConfig,
)

BASE = "http://127.0.0.1:2375"



def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


# -- ContainerSpec and TaskTemplate ----------------------------------------------------------------

def test_container_spec_every_argument() -> None:
    spec = ContainerSpec(
        image="busybox", command="sh -c 'echo hi'", args=["a"], hostname="h", env={"A": "1", "B": None},
        workdir="/w", user="nobody", labels={"l": "v"}, mounts=["vol:/data:ro", "/host:/host"],
        stop_grace_period=10**9, secrets=[SecretReference("sid", "sname")], tty=True, groups=["g"],
        open_stdin=False, read_only=True, stop_signal="SIGINT",
        hosts={"b.example": "10.0.0.2", "a.example": "10.0.0.1"},
        dns_config=DNSConfig(nameservers=["8.8.8.8"], search=["example.com"], options=["ndots:2"]),
        configs=[ConfigReference("cid", "cname", filename="/etc/c", uid="1", gid="2", mode=0o400)],
        privileges=Privileges(selinux_disable=True), isolation="default", init=True,
        cap_add=["NET_ADMIN"], cap_drop=["MKNOD"], sysctls={"net.core.somaxconn": "1024"})
    assert as_json(spec) == {
        "Image": "busybox", "Command": ["sh", "-c", "echo hi"], "Args": ["a"], "Hostname": "h",
        "Env": ["A=1", "B"], "Dir": "/w", "User": "nobody", "Groups": ["g"], "StopSignal": "SIGINT",
        "StopGracePeriod": 1000000000, "Labels": {"l": "v"},
        "Hosts": ["10.0.0.1 a.example", "10.0.0.2 b.example"],
        "Mounts": [{"Target": "/data", "Source": "vol", "Type": "volume", "ReadOnly": True},
                   {"Target": "/host", "Source": "/host", "Type": "bind", "ReadOnly": False}],
        "Secrets": [{"SecretName": "sname", "SecretID": "sid",
                     "File": {"Name": "sname", "UID": "0", "GID": "0", "Mode": 292}}],
        "Configs": [{"ConfigName": "cname", "ConfigID": "cid",
                     "File": {"Name": "/etc/c", "UID": "1", "GID": "2", "Mode": 256}}],
        "DNSConfig": {"Nameservers": ["8.8.8.8"], "Search": ["example.com"], "Options": ["ndots:2"]},
        "Privileges": {"SELinuxContext": {"Disable": True, "User": None, "Role": None, "Type": None,
                                          "Level": None}},
        "TTY": True, "OpenStdin": False, "ReadOnly": True, "Isolation": "default", "Init": True,
        "CapabilityAdd": ["NET_ADMIN"], "CapabilityDrop": ["MKNOD"],
        "Sysctls": {"net.core.somaxconn": "1024"},
    }


def test_container_spec_minimal_and_lists() -> None:
    assert as_json(ContainerSpec("busybox")) == {"Image": "busybox", "Command": None, "Args": None}
    assert as_json(ContainerSpec("busybox", ["echo", "x"], env=["A=1"])) == {
        "Image": "busybox", "Command": ["echo", "x"], "Args": None, "Env": ["A=1"]}


def test_container_spec_takes_healthcheck_and_mount_objects() -> None:
    check = Healthcheck(test="true", interval=10**9)
    mount = Mount("/t", None, type="tmpfs", tmpfs_size="1m")
    spec = ContainerSpec("busybox", healthcheck=check, mounts=[mount])
    assert spec["Healthcheck"]["Test"] == ["CMD-SHELL", "true"]
    assert spec["Mounts"] == [{"Target": "/t", "Source": None, "Type": "tmpfs", "ReadOnly": False,
                               "TmpfsOptions": {"SizeBytes": 1048576}}]


@pytest.mark.parametrize("kwargs, message", [
    ({"image": ""}, "image"),
    ({"image": None}, "image"),
    ({"image": "b", "command": 5}, "command"),
    ({"image": "b", "command": "sh -c 'unbalanced"}, "split"),
    ({"image": "b", "env": "A=1"}, "env"),
    ({"image": "b", "labels": {"a": 1}}, "labels"),
    ({"image": "b", "mounts": "vol:/data"}, "mounts"),
    ({"image": "b", "mounts": [42]}, "mounts"),
    ({"image": "b", "secrets": {"a": "b"}}, "secrets"),
    ({"image": "b", "configs": ["name"]}, "configs"),
    ({"image": "b", "tty": "yes"}, "tty"),
    ({"image": "b", "isolation": "vm"}, "isolation"),
    ({"image": "b", "stop_grace_period": -1}, "stop_grace_period"),
    ({"image": "b", "cap_add": "NET_ADMIN"}, "cap_add"),
    ({"image": "b", "sysctls": ["a=b"]}, "sysctls"),
    ({"image": "b", "hosts": {"a": 1}}, "hosts"),
])
def test_container_spec_refuses_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        ContainerSpec(**kwargs)


def test_task_template_every_argument() -> None:
    template = TaskTemplate(
        ContainerSpec("busybox"),
        resources=Resources(cpu_limit=500000000, mem_limit=64 * 1024 * 1024, cpu_reservation=100000000,
                            mem_reservation=1024 * 1024, generic_resources={"gpu": 2, "ssd": "fast"}),
        restart_policy=RestartPolicy("on-failure", 5, 3, 10),
        placement=Placement(constraints=["node.role==manager"], preferences=[("spread", "node.labels.dc")],
                            platforms=[("x86_64", "linux")], maxreplicas=2),
        log_driver=DriverConfig("json-file", {"max-size": "1m"}),
        networks=["net1", NetworkAttachmentConfig("net2", aliases=["x"], options={"o": "v"})],
        force_update=3)
    assert as_json(template) == {
        "ContainerSpec": {"Image": "busybox", "Command": None, "Args": None},
        "Resources": {"Limits": {"NanoCPUs": 500000000, "MemoryBytes": 67108864},
                      "Reservations": {"NanoCPUs": 100000000, "MemoryBytes": 1048576, "GenericResources": [
                          {"DiscreteResourceSpec": {"Kind": "gpu", "Value": 2}},
                          {"NamedResourceSpec": {"Kind": "ssd", "Value": "fast"}}]}},
        "RestartPolicy": {"Condition": "on-failure", "Delay": 5, "MaxAttempts": 3, "Window": 10},
        "Placement": {"Constraints": ["node.role==manager"],
                      "Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.dc"}}], "MaxReplicas": 2,
                      "Platforms": [{"Architecture": "x86_64", "OS": "linux"}]},
        "LogDriver": {"Name": "json-file", "Options": {"max-size": "1m"}},
        "Networks": [{"Target": "net1"}, {"Target": "net2", "Aliases": ["x"], "DriverOpts": {"o": "v"}}],
        "ForceUpdate": 3,
    }
    assert template.container_spec == {"Image": "busybox", "Command": None, "Args": None}
    assert template.placement is template["Placement"]
    assert template.resources is template["Resources"]
    assert template.restart_policy is template["RestartPolicy"]


def test_task_template_placement_as_a_list() -> None:
    assert as_json(TaskTemplate(ContainerSpec("busybox"), placement=["node.role==worker"])) == {
        "ContainerSpec": {"Image": "busybox", "Command": None, "Args": None},
        "Placement": {"Constraints": ["node.role==worker"]}}


@pytest.mark.parametrize("kwargs, message", [
    ({"container_spec": "busybox"}, "container_spec"),
    ({"container_spec": {}, "force_update": "1"}, "force_update"),
    ({"container_spec": {}, "force_update": True}, "force_update"),
    ({"container_spec": {}, "networks": "net"}, "networks"),
    ({"container_spec": {}, "networks": [1]}, "networks"),
])
def test_task_template_refuses_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        TaskTemplate(**kwargs)


# -- resources, policies, endpoints, modes ---------------------------------------------------------

def test_resources() -> None:
    assert Resources(cpu_limit=1000000000, mem_limit=1024) == {"Limits": {"NanoCPUs": 1000000000,
                                                                           "MemoryBytes": 1024}}
    generic = [{"DiscreteResourceSpec": {"Kind": "gpu", "Value": 1}}]
    assert Resources(generic_resources=generic) == {"Reservations": {"GenericResources": generic}}
    assert Resources(mem_reservation="1m") == {"Reservations": {"MemoryBytes": 1048576}}
    assert Resources() == {}
    for kwargs in ({"cpu_limit": -1}, {"mem_limit": "lots"}, {"generic_resources": {"gpu": 1.5}},
                   {"generic_resources": "gpu"}, {"cpu_limit": True}):
        with pytest.raises(InvalidArgument):
            Resources(**kwargs)


def test_update_and_rollback_configs() -> None:
    assert UpdateConfig() == {"Parallelism": 0, "FailureAction": "continue"}
    assert UpdateConfig(parallelism=2, delay=10**9, failure_action="rollback", monitor=5 * 10**9,
                        max_failure_ratio=0.25, order="start-first") == {
        "Parallelism": 2, "Delay": 1000000000, "FailureAction": "rollback", "Monitor": 5000000000,
        "MaxFailureRatio": 0.25, "Order": "start-first"}
    assert RollbackConfig(parallelism=1, delay=0, failure_action="pause", monitor=10**9, max_failure_ratio=0,
                          order="stop-first") == {
        "Parallelism": 1, "Delay": 0, "FailureAction": "pause", "Monitor": 1000000000, "MaxFailureRatio": 0,
        "Order": "stop-first"}


@pytest.mark.parametrize("kwargs, message", [
    ({"failure_action": "explode"}, "failure_action"),
    ({"max_failure_ratio": 1.5}, "between 0 and 1"),
    ({"max_failure_ratio": "0.5"}, "max_failure_ratio"),
    ({"monitor": "5s"}, "monitor"),
    ({"order": "random"}, "order"),
    ({"parallelism": -1}, "parallelism"),
])
def test_update_config_refuses_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        UpdateConfig(**kwargs)
    with pytest.raises(InvalidArgument, match="RollbackConfig"):
        RollbackConfig(**kwargs)


def test_endpoint_spec() -> None:
    ports: dict[int, Any] = {8080: 80, 5353: (53, "udp"), 9000: (9000, None, "host")}
    assert as_json(EndpointSpec(mode="vip", ports=ports)) == {
        "Ports": [{"Protocol": "tcp", "PublishedPort": 8080, "TargetPort": 80},
                  {"Protocol": "udp", "PublishedPort": 5353, "TargetPort": 53},
                  {"Protocol": "tcp", "PublishedPort": 9000, "TargetPort": 9000, "PublishMode": "host"}],
        "Mode": "vip"}
    assert EndpointSpec(mode="dnsrr") == {"Mode": "dnsrr"}
    raw: list[Any] = [{"Protocol": "tcp", "PublishedPort": 1, "TargetPort": 2}]
    assert EndpointSpec(ports=raw) == {"Ports": raw}


@pytest.mark.parametrize("kwargs, message", [
    ({"mode": "round-robin"}, "mode"),
    ({"ports": "80:80"}, "ports"),
    ({"ports": {80: (80, "tcp", "host", "extra")}}, "at most 3"),
    ({"ports": {80: (80, "icmp")}}, "protocol"),
    ({"ports": {80: (80, "tcp", "everywhere")}}, "publish mode"),
    ({"ports": {"80": 80}}, "published port"),
    ({"ports": {80: 70000}}, "target port"),
])
def test_endpoint_spec_refuses_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        EndpointSpec(**kwargs)


@pytest.mark.parametrize("args, expected, key, replicas", [
    (("replicated",), {"replicated": {}}, "replicated", None),
    (("replicated", 3), {"replicated": {"Replicas": 3}}, "replicated", 3),
    (("replicated", 0), {"replicated": {"Replicas": 0}}, "replicated", 0),
    (("global",), {"global": {}}, "global", None),
    (("replicated-job", 5, 2), {"ReplicatedJob": {"MaxConcurrent": 2, "TotalCompletions": 5}},
     "ReplicatedJob", 5),
    (("replicated-job", 5), {"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 5}},
     "ReplicatedJob", 5),
    (("global-job",), {"GlobalJob": {}}, "GlobalJob", None),
])
def test_service_mode(args: tuple[Any, ...], expected: dict[str, Any], key: str, replicas: Any) -> None:
    mode = ServiceMode(*args)
    assert mode == expected
    assert mode.mode == key
    assert mode.replicas == replicas


@pytest.mark.parametrize("args, message", [
    (("daemonset",), "mode must be"),
    (("global", 2), "replicas can only"),
    (("global-job", None, 2), "concurrency"),
    (("replicated", 2, 2), "concurrency"),
    (("replicated", -1), "replicas"),
    (("replicated", "3"), "replicas"),
    (("replicated-job", 3, 0), "concurrency"),
])
def test_service_mode_refuses_bad_input(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        ServiceMode(*args)


# -- references, placement, details ---------------------------------------------------------------

def test_secret_and_config_references() -> None:
    assert SecretReference({"ID": "sid2"}, "name", filename="file", uid="10", gid="20", mode=0o400) == {
        "SecretName": "name", "SecretID": "sid2",
        "File": {"Name": "file", "UID": "10", "GID": "20", "Mode": 256}}
    assert ConfigReference("cid", "cname") == {
        "ConfigName": "cname", "ConfigID": "cid",
        "File": {"Name": "cname", "UID": "0", "GID": "0", "Mode": 292}}
    with pytest.raises(NullResource):
        SecretReference("", "name")
    with pytest.raises(NullResource):
        ConfigReference({"Name": "no id"}, "name")
    with pytest.raises(InvalidArgument, match="mode"):
        SecretReference("sid", "name", mode="0444")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="uid"):
        ConfigReference("cid", "name", uid=10)  # type: ignore[arg-type]


def test_placement_and_preferences() -> None:
    assert Placement() == {}
    assert PlacementPreference("spread", "node.labels.zone") == {
        "Spread": {"SpreadDescriptor": "node.labels.zone"}}
    assert Placement(preferences=[PlacementPreference("spread", "a")]) == {
        "Preferences": [{"Spread": {"SpreadDescriptor": "a"}}]}
    with pytest.raises(InvalidArgument, match="must be \"spread\""):
        PlacementPreference("pack", "node.labels.zone")
    for kwargs in ({"constraints": "node.role==manager"}, {"preferences": [("spread",)]},
                   {"platforms": [("x86_64",)]}, {"maxreplicas": -1}, {"preferences": ["spread"]}):
        with pytest.raises(InvalidArgument):
            Placement(**kwargs)


def test_dns_privileges_and_network_attachments() -> None:
    assert DNSConfig() == {"Nameservers": None, "Search": None, "Options": None}
    assert Privileges(credentialspec_file="spec.json") == {
        "CredentialSpec": {"File": "spec.json"},
        "SELinuxContext": {"Disable": None, "User": None, "Role": None, "Type": None, "Level": None}}
    assert Privileges(credentialspec_registry="reg", selinux_user="u", selinux_role="r", selinux_type="t",
                      selinux_level="l") == {
        "CredentialSpec": {"Registry": "reg"},
        "SELinuxContext": {"Disable": None, "User": "u", "Role": "r", "Type": "t", "Level": "l"}}
    assert NetworkAttachmentConfig("net") == {"Target": "net", "Aliases": None, "DriverOpts": None}
    with pytest.raises(InvalidArgument, match="mutually exclusive"):
        Privileges(credentialspec_file="a", credentialspec_registry="b")
    with pytest.raises(InvalidArgument, match="nameservers"):
        DNSConfig(nameservers="8.8.8.8")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="target"):
        NetworkAttachmentConfig("")


# -- swarm -----------------------------------------------------------------------------------------

CA = {"URL": "https://ca.example/sign", "Protocol": "cfssl", "Options": None, "CACert": None}


def test_swarm_external_ca() -> None:
    ca = SwarmExternalCA("https://ca.example/sign", protocol="cfssl", options={"a": "b"}, ca_cert="PEM")
    assert ca == {
        "URL": "https://ca.example/sign", "Protocol": "cfssl", "Options": {"a": "b"}, "CACert": "PEM"}
    assert SwarmExternalCA("https://ca.example/sign") == {
        "URL": "https://ca.example/sign", "Protocol": None, "Options": None, "CACert": None}
    with pytest.raises(InvalidArgument, match="url"):
        SwarmExternalCA("")


def test_swarm_spec_every_argument() -> None:
    ca = SwarmExternalCA("https://ca.example/sign", protocol="cfssl")
    spec = SwarmSpec("1.41", task_history_retention_limit=5, snapshot_interval=5000, keep_old_snapshots=1,
                     log_entries_for_slow_followers=1200, heartbeat_tick=1, election_tick=10,
                     dispatcher_heartbeat_period=5 * 10**9, node_cert_expiry=7776000000000000,
                     external_cas=[ca, ca], name="default", labels={"a": "b"}, signing_ca_cert="CERT",
                     signing_ca_key="KEY", ca_force_rotate=1, autolock_managers=True,
                     log_driver=DriverConfig("json-file"))
    assert as_json(spec) == {
        "Orchestration": {"TaskHistoryRetentionLimit": 5},
        "Raft": {"SnapshotInterval": 5000, "KeepOldSnapshots": 1, "LogEntriesForSlowFollowers": 1200,
                 "HeartbeatTick": 1, "ElectionTick": 10},
        "Dispatcher": {"HeartbeatPeriod": 5000000000},
        "CAConfig": {"NodeCertExpiry": 7776000000000000, "ExternalCAs": [CA, CA], "SigningCAKey": "KEY",
                     "SigningCACert": "CERT", "ForceRotate": 1},
        "EncryptionConfig": {"AutoLockManagers": True},
        "TaskDefaults": {"LogDriver": {"Name": "json-file"}},
        "Name": "default", "Labels": {"a": "b"},
    }


def test_swarm_spec_at_1_24_and_empty() -> None:
    ca = SwarmExternalCA("https://ca.example/sign", protocol="cfssl")
    assert as_json(SwarmSpec("1.24", external_cas=[ca], snapshot_interval=100)) == {
        "Raft": {"SnapshotInterval": 100, "KeepOldSnapshots": None, "LogEntriesForSlowFollowers": None,
                 "HeartbeatTick": None, "ElectionTick": None},
        "CAConfig": {"ExternalCA": CA}}
    assert SwarmSpec("1.41") == {}
    assert SwarmSpec("1.41", snapshot_interval=0, heartbeat_tick=0) == {}


@pytest.mark.parametrize("kwargs, needed", [
    ({"external_cas": [CA, CA]}, "1.25"),
    ({"signing_ca_cert": "CERT"}, "1.30"),
    ({"signing_ca_key": "KEY"}, "1.30"),
    ({"ca_force_rotate": 1}, "1.30"),
    ({"autolock_managers": True}, "1.25"),
    ({"log_driver": {"Name": "json-file"}}, "1.25"),
])
def test_swarm_spec_version_gates(kwargs: dict[str, Any], needed: str) -> None:
    with pytest.raises(InvalidVersion, match=needed):
        SwarmSpec("1.24", **kwargs)
    SwarmSpec(needed, **kwargs)


def test_swarm_spec_refuses_bad_input() -> None:
    for kwargs in ({"snapshot_interval": -1}, {"labels": {"a": 1}}, {"external_cas": "https://ca"},
                   {"autolock_managers": "yes"}, {"name": 5}, {"log_driver": "json-file"}):
        with pytest.raises(InvalidArgument):
            SwarmSpec("1.41", **kwargs)
    with pytest.raises(InvalidVersion):
        SwarmSpec(1.41)  # type: ignore[arg-type]


def test_create_swarm_spec_takes_one_external_ca() -> None:
    ca = SwarmExternalCA("https://ca.example/sign", protocol="cfssl")
    client = Client(base_url="tcp://127.0.0.1:2375", version="1.41")
    assert as_json(client.create_swarm_spec(external_ca=ca, name="x")) == {
        "CAConfig": {"ExternalCAs": [CA]}, "Name": "x"}


def test_exports() -> None:
    for name in ["ConfigReference", "ContainerSpec", "DNSConfig", "DriverConfig", "EndpointSpec",
                 "Healthcheck", "Mount", "NetworkAttachmentConfig", "Placement", "PlacementPreference",
                 "Privileges", "Resources", "RestartPolicy", "RollbackConfig", "SecretReference",
                 "ServiceMode", "SwarmExternalCA", "SwarmSpec", "TaskTemplate", "UpdateConfig"]:
        assert name in types.__all__ and hasattr(types, name), name


# -- version gates of service specs ----------------------------------------------------------------

def test_spec_features_name_what_a_spec_uses() -> None:
    template = TaskTemplate(ContainerSpec("busybox", tty=True, init=True, read_only=False,
                                          healthcheck=Healthcheck(test="true", start_period=10**9),
                                          mounts=[Mount("/a", "/b", type="bind", non_recursive=True)]),
                            placement=Placement(preferences=[("spread", "x")]), force_update=1)
    features = {key for key, _ in spec_features(template, UpdateConfig(order="start-first"), RollbackConfig(),
                                                EndpointSpec(ports={80: (80, "tcp", "host")}),
                                                ServiceMode("replicated-job", 1))}
    prefix = "POST /services/create "
    assert features == {prefix + key for key in [
        "TaskTemplate-ForceUpdate", "Placement-Preferences", "ContainerSpec-TTY", "ContainerSpec-Init",
        "ContainerSpec-Healthcheck", "ContainerSpec-Healthcheck-StartPeriod",
        "ContainerSpec-Mounts-BindOptions-NonRecursive", "UpdateConfig-Order", "RollbackConfig",
        "EndpointSpec-Ports-PublishMode", "Mode-ReplicatedJob"]}
    assert all(key in versions.FEATURES for key in features)
    assert spec_features(TaskTemplate(ContainerSpec("busybox", read_only=False))) == []


@pytest.mark.parametrize("feature, version", [
    ("POST /networks/create EnableIPv4", "1.48"),
    ("POST /networks/create ConfigOnly", "1.30"),
    ("POST /networks/create ConfigFrom", "1.30"),
    ("POST /networks/{id}/connect GwPriority", "1.48"),
    ("PUT /volumes/{name}", "1.42"),
    ("POST /services/{id}/update rollback", "1.28"),
    ("POST /services/{id}/update registryAuthFrom", "1.25"),
    ("GET /tasks/{id}/logs", "1.29"),
    ("GET /configs", "1.30"),
    ("POST /secrets/{id}/update", "1.25"),
])
def test_gates(feature: str, version: str) -> None:
    assert versions.FEATURES[feature] == version


# -- request bodies --------------------------------------------------------------------------------

CURRENT_SERVICE = {
    "ID": "svcid", "Version": {"Index": 3},
    "Spec": {"Name": "svc", "Labels": {"a": "b"},
             "TaskTemplate": {"ContainerSpec": {"Image": "busybox", "Args": ["a"]},
                              "Networks": [{"Target": "n0"}]},
             "Mode": {"Replicated": {"Replicas": 1}}, "EndpointSpec": {"Mode": "vip"}},
}


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.POST, re.compile(r".*"), json={"Id": "x", "ID": "x"}, status=200)
        rsps.add(responses.PUT, re.compile(r".*"), body="", status=200)
        rsps.add(responses.GET, re.compile(r".*/services/.*"), json=CURRENT_SERVICE, status=200)
        yield rsps


def _client(version: str = "1.41") -> Client:
    return Client(base_url="tcp://127.0.0.1:2375", version=version)


def _sent(rsps: responses.RequestsMock) -> tuple[str, Any]:
    request = rsps.calls[-1].request
    body = request.body
    if isinstance(body, bytes):
        body = body.decode()
    return f"{request.method} {request.url}", json.loads(body) if body else None


def test_network_bodies(mocked: responses.RequestsMock) -> None:
    client = _client()
    client.create_network("net1", driver="bridge", options={"o": "v"},
                          ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.9.0.0/16", gateway="10.9.0.1")]),
                          check_duplicate=True, internal=True, labels={"l": "v"}, enable_ipv6=True,
                          attachable=True, scope="local", ingress=False)
    assert _sent(mocked) == (f"POST {BASE}/v1.41/networks/create", {
        "Name": "net1", "Driver": "bridge", "Options": {"o": "v"},
        "IPAM": {"Driver": "default", "Config": [{"Subnet": "10.9.0.0/16", "IPRange": None,
                                                  "Gateway": "10.9.0.1", "AuxiliaryAddresses": None}]},
        "CheckDuplicate": True, "Labels": {"l": "v"}, "EnableIPv6": True, "Internal": True,
        "Attachable": True, "Ingress": False, "Scope": "local"})
    client.create_network("net2")
    assert _sent(mocked) == (f"POST {BASE}/v1.41/networks/create", {"Name": "net2"})
    client.connect_container_to_network("ctr", "net1", ipv4_address="10.9.0.5", aliases=["a"],
                                        links=[("other", "o")], link_local_ips=["169.254.1.1"],
                                        driver_opt={"k": "v"})
    assert _sent(mocked) == (f"POST {BASE}/v1.41/networks/net1/connect", {
        "Container": "ctr", "EndpointConfig": {
            "Aliases": ["a"], "Links": ["other:o"],
            "IPAMConfig": {"IPv4Address": "10.9.0.5", "LinkLocalIPs": ["169.254.1.1"]},
            "DriverOpts": {"k": "v"}}})
    client.connect_container_to_network({"Id": "ctr"}, "net1")
    assert _sent(mocked) == (f"POST {BASE}/v1.41/networks/net1/connect",
                             {"Container": "ctr", "EndpointConfig": {}})
    client.disconnect_container_from_network("ctr", "net1", force=True)
    assert _sent(mocked) == (f"POST {BASE}/v1.41/networks/net1/disconnect",
                             {"Container": "ctr", "Force": True})


def test_network_options_of_newer_apis_are_refused_before_sending(mocked: responses.RequestsMock) -> None:
    # what the daemon does with them: tests/integration/test_modern_networks.py, test_networks.py
    old = _client("1.47")
    with pytest.raises(InvalidVersion, match=r"EnableIPv4 needs API version 1\.48.*1\.47"):
        old.create_network("net", enable_ipv4=False)
    with pytest.raises(InvalidVersion, match=r"/connect GwPriority needs API version 1\.48"):
        old.connect_container_to_network("ctr", "net", gw_priority=1)
    with pytest.raises(InvalidVersion, match=r"connect DriverOpts needs API version 1\.32"):
        _client("1.31").connect_container_to_network("ctr", "net", driver_opt={"a": "b"})
    with pytest.raises(InvalidVersion, match="ConfigOnly"):
        _client("1.29").create_network("net", config_only=True)
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("call, message", [
    (lambda c: c.create_network("n", options=["a"]), "options"),
    (lambda c: c.create_network("n", labels={"a": 1}), "labels"),
    (lambda c: c.create_network("n", ipam="default"), "ipam"),
    (lambda c: c.connect_container_to_network("ctr", "net", ipv4_address="300.1.1.1"), "ipv4_address"),
    (lambda c: c.connect_container_to_network("", "net"), "container"),
    (lambda c: c.networks(names=[1]), "names"),
    (lambda c: c.create_volume(name=5), "name"),
    (lambda c: c.create_volume(driver_opts=["a"]), "driver_opts"),
    (lambda c: c.create_volume(labels={"a": None}), "labels"),
    (lambda c: c.init_swarm(swarm_spec="spec"), "swarm_spec"),
    (lambda c: c.init_swarm(default_addr_pool="10.0.0.0/8"), "default_addr_pool"),
    (lambda c: c.init_swarm(subnet_size="24"), "subnet_size"),
    (lambda c: c.update_swarm("five"), "version"),
    (lambda c: c.update_node("node", 1.5, {}), "version"),
    (lambda c: c.unlock_swarm({"Key": "x"}), "UnlockKey"),
    (lambda c: c.create_service(TaskTemplate(ContainerSpec("b")), labels={"a": 1}), "labels"),
    (lambda c: c.create_service({"ContainerSpec": {}}), "Image"),
    (lambda c: c.update_service("svc", 1, registry_auth_from="nowhere"), "registry_auth_from"),
    (lambda c: c.update_service("svc", 1, labels={"a": 1}, fetch_current_spec=True), "labels"),
    (lambda c: c.update_service("svc", 1, name=5, fetch_current_spec=True), "name"),
    (lambda c: c.create_service(TaskTemplate(ContainerSpec("b")), name=["svc"]), "name"),
    (lambda c: c.create_secret("s", 5), "data"),
    (lambda c: c.create_secret("s", "x", driver={"Options": {}}), "driver"),
    (lambda c: c.create_config("c", "x", labels=["a"]), "labels"),
    (lambda c: c.update_secret("s", None), "version"),
])
def test_bad_input_sends_nothing(mocked: responses.RequestsMock, call: Any, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        call(_client())
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("call, endpoint, body", [
    (lambda c: c.create_network(""), "POST /networks/create", {"Name": ""}),
    (lambda c: c.create_network("n", scope="planet"), "POST /networks/create", {"Scope": "planet"}),
    (lambda c: c.init_swarm(listen_addr=""), "POST /swarm/init", {"ListenAddr": ""}),
    (lambda c: c.init_swarm(default_addr_pool=["not-a-cidr"]), "POST /swarm/init",
     {"DefaultAddrPool": ["not-a-cidr"]}),
    (lambda c: c.init_swarm(subnet_size=33), "POST /swarm/init", {"SubnetSize": 33}),
    (lambda c: c.init_swarm(data_path_port=80), "POST /swarm/init", {"DataPathPort": 80}),
    (lambda c: c.join_swarm([], "token"), "POST /swarm/join", {"RemoteAddrs": []}),
    (lambda c: c.join_swarm(["a:1"], ""), "POST /swarm/join", {"JoinToken": ""}),
    (lambda c: c.unlock_swarm(""), "POST /swarm/unlock", {"UnlockKey": ""}),
    (lambda c: c.create_secret("", "x"), "POST /secrets/create", {"Name": ""}),
])
def test_values_the_daemon_judges_are_sent(call: Any, endpoint: str, body: dict[str, Any]) -> None:
    """docker-py sends these as they are; the daemon's 4xx is what the caller sees."""
    method, path = endpoint.split(" ")
    with responses.RequestsMock() as daemon:
        daemon.add(method, f"{BASE}/v1.41{path}", status=400, json={"message": "invalid"})
        with pytest.raises(APIError) as info:
            call(_client())
        sent = json.loads(daemon.calls[-1].request.body)
    assert info.value.explanation == "invalid"
    assert {key: sent[key] for key in body} == body


def test_versions_as_docker_py_sends_them(mocked: responses.RequestsMock) -> None:
    client = _client()
    client.update_swarm("5", {"Name": "default"})
    client.update_node("node", "7", {"Role": "worker"})
    assert [c.request.url.split("?")[1] for c in mocked.calls] == [
        "version=5&rotateWorkerToken=0&rotateManagerToken=0",
        "version=7"]


def test_volume_bodies(mocked: responses.RequestsMock) -> None:
    client = _client()
    client.create_volume("v", driver="local", driver_opts={"type": "tmpfs"}, labels={"a": "b"})
    assert _sent(mocked) == (f"POST {BASE}/v1.41/volumes/create",
                             {"Name": "v", "Driver": "local", "DriverOpts": {"type": "tmpfs"},
                              "Labels": {"a": "b"}})
    with pytest.raises(InvalidVersion, match="1.42"):
        client.update_volume("v", 1, {"Availability": "drain"})
    with pytest.raises(InvalidVersion, match="ClusterVolumeSpec"):
        client.create_volume("v", cluster_volume_spec={})
    # 1.42+: tests/integration/test_modern_networks.py (the daemon's own answers)
    assert len(mocked.calls) == 1


def test_swarm_bodies(mocked: responses.RequestsMock) -> None:
    client = _client()
    client.init_swarm(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377",
                      default_addr_pool=["10.20.0.0/16"], data_path_addr="127.0.0.1", data_path_port=4790)
    assert _sent(mocked) == (f"POST {BASE}/v1.41/swarm/init", {
        "AdvertiseAddr": "127.0.0.1", "ListenAddr": "127.0.0.1:2377", "DefaultAddrPool": ["10.20.0.0/16"],
        "SubnetSize": 24, "ForceNewCluster": False, "DataPathAddr": "127.0.0.1", "DataPathPort": 4790})
    client.init_swarm(subnet_size=26)
    assert _sent(mocked)[1] == {"ListenAddr": "0.0.0.0:2377", "DefaultAddrPool": ["10.0.0.0/8"],
                                "SubnetSize": 26, "ForceNewCluster": False}
    assert client.join_swarm(["10.0.0.1:2377"], "TOKEN", advertise_addr="10.0.0.2") is True
    assert _sent(mocked) == (f"POST {BASE}/v1.41/swarm/join", {
        "RemoteAddrs": ["10.0.0.1:2377"], "ListenAddr": "0.0.0.0:2377", "JoinToken": "TOKEN",
        "AdvertiseAddr": "10.0.0.2"})
    client.update_swarm(5, swarm_spec={"Name": "default"}, rotate_worker_token=True)
    assert _sent(mocked) == (
        f"POST {BASE}/v1.41/swarm/update?version=5&rotateWorkerToken=1&rotateManagerToken=0",
        {"Name": "default"})
    client.update_node("node1", 7, {"Availability": "drain", "Role": "manager"})
    assert _sent(mocked) == (f"POST {BASE}/v1.41/nodes/node1/update?version=7",
                             {"Availability": "drain", "Role": "manager"})
    old = _client("1.29")
    for call in (lambda: old.init_swarm(data_path_addr="eth0"), lambda: old.init_swarm(subnet_size=24),
                 lambda: old.join_swarm(["a:1"], "t", data_path_addr="eth0"),
                 lambda: _client("1.24").get_unlock_key(),
                 lambda: _client("1.24").update_swarm(1, rotate_manager_unlock_key=True)):
        with pytest.raises(InvalidVersion):
            call()


def test_secret_and_config_bodies(mocked: responses.RequestsMock) -> None:
    client = _client()
    client.create_secret("s", "hello", labels={"a": "b"}, driver=DriverConfig("vault", {"x": "y"}))
    assert _sent(mocked) == (f"POST {BASE}/v1.41/secrets/create", {
        "Data": "aGVsbG8=", "Name": "s", "Labels": {"a": "b"},
        "Driver": {"Name": "vault", "Options": {"x": "y"}}})
    client.create_config("c", b"\x00bin", labels={"a": "b"}, templating={"Name": "golang"})
    assert _sent(mocked) == (f"POST {BASE}/v1.41/configs/create", {
        "Data": "AGJpbg==", "Name": "c", "Labels": {"a": "b"}, "Templating": {"Name": "golang"}})
    with pytest.raises(InvalidVersion, match="1.31"):
        _client("1.30").create_secret("s", "x", driver=DriverConfig("vault"))
    with pytest.raises(InvalidVersion, match="1.37"):
        _client("1.36").create_config("c", "x", templating={"Name": "golang"})
    with pytest.raises(InvalidVersion, match="1.30"):
        _client("1.29").configs()
    with pytest.raises(InvalidVersion, match="1.25"):
        _client("1.24").secrets()


def test_service_bodies(mocked: responses.RequestsMock) -> None:
    client = _client()
    client.create_service(TaskTemplate(ContainerSpec("busybox", ["sleep", "1"])), name="svc",
                          labels={"a": "b"}, mode="global", update_config=UpdateConfig(parallelism=1),
                          endpoint_spec=EndpointSpec(ports={80: 8080}),
                          rollback_config=RollbackConfig(delay=5))
    assert _sent(mocked) == (f"POST {BASE}/v1.41/services/create", {
        "Name": "svc", "Labels": {"a": "b"},
        "TaskTemplate": {"ContainerSpec": {"Image": "busybox", "Command": ["sleep", "1"], "Args": None}},
        "Mode": {"global": {}},
        "EndpointSpec": {"Ports": [{"Protocol": "tcp", "PublishedPort": 80, "TargetPort": 8080}]},
        "UpdateConfig": {"Parallelism": 1, "FailureAction": "continue"},
        "RollbackConfig": {"Parallelism": 0, "Delay": 5, "FailureAction": "continue"}})
    client.update_service("svc", 3, task_template=TaskTemplate(ContainerSpec("busybox:2", None)),
                          mode=ServiceMode("replicated", 3), fetch_current_spec=True)
    assert _sent(mocked) == (f"POST {BASE}/v1.41/services/svc/update?version=3", {
        "Name": "svc", "Labels": {"a": "b"}, "Mode": {"replicated": {"Replicas": 3}},
        "TaskTemplate": {"ContainerSpec": {"Image": "busybox:2", "Args": ["a"]},
                         "Networks": [{"Target": "n0"}]},
        "EndpointSpec": {"Mode": "vip"}})
    assert mocked.calls[-2].request.url == f"{BASE}/v1.41/services/svc?insertDefaults=1"
    client.update_service("svc", 3, name="svc", mode="global")
    assert _sent(mocked) == (f"POST {BASE}/v1.41/services/svc/update?version=3",
                             {"Name": "svc", "Mode": {"global": {}}, "TaskTemplate": {}})
    client.update_service("svc", 4, rollback=True, registry_auth_from="previous-spec")
    url, body = _sent(mocked)
    assert url == (f"POST {BASE}/v1.41/services/svc/update"
                   "?version=4&registryAuthFrom=previous-spec&rollback=previous")
    assert body["TaskTemplate"]["ContainerSpec"]["Image"] == "busybox"


def test_service_networks_by_api_version(mocked: responses.RequestsMock) -> None:
    template = TaskTemplate(ContainerSpec("busybox"), networks=["in-template"])
    _client("1.24").create_service(template, networks=["net1"])
    body = _sent(mocked)[1]
    assert body["Networks"] == [{"Target": "net1"}] and "Networks" not in body["TaskTemplate"]
    _client("1.24").create_service(template)
    body = _sent(mocked)[1]
    assert body["Networks"] == [{"Target": "in-template"}] and "Networks" not in body["TaskTemplate"]
    assert template["Networks"] == [{"Target": "in-template"}]  # the caller's template is left alone
    networks: list[Any] = ["net1", NetworkAttachmentConfig("net2", aliases=["b"])]
    _client("1.25").create_service(template, networks=networks)
    body = _sent(mocked)[1]
    assert "Networks" not in body
    assert body["TaskTemplate"]["Networks"] == [{"Target": "net1"},
                                                {"Target": "net2", "Aliases": ["b"], "DriverOpts": None}]


PLAIN = TaskTemplate(ContainerSpec("b"))


@pytest.mark.parametrize("version, call, needed", [
    ("1.24", lambda c: c.create_service(TaskTemplate(ContainerSpec("b", tty=True))), "1.25"),
    ("1.27", lambda c: c.create_service(PLAIN, rollback_config=RollbackConfig()), "1.28"),
    ("1.28", lambda c: c.create_service(PLAIN, update_config=UpdateConfig(order="stop-first")), "1.29"),
    ("1.40", lambda c: c.create_service(PLAIN, mode=ServiceMode("global-job")), "1.41"),
    ("1.40", lambda c: c.create_service(TaskTemplate(ContainerSpec("b", cap_add=["NET_ADMIN"]))), "1.41"),
    ("1.29", lambda c: c.update_service("svc", 1, TaskTemplate(ContainerSpec("b", configs=[]))), None),
    ("1.29", lambda c: c.update_service("svc", 1, TaskTemplate(ContainerSpec("b", configs=[{"ID": "x"}]))),
     "1.30"),
    ("1.27", lambda c: c.update_service("svc", 1, rollback=True), "1.28"),
    ("1.24", lambda c: c.update_service("svc", 1, registry_auth_from="spec"), "1.25"),
    ("1.28", lambda c: c.inspect_service("svc", insert_defaults=True), "1.29"),
    ("1.40", lambda c: c.services(status=True), "1.41"),
    ("1.28", lambda c: c.task_logs("task", stdout=True), "1.29"),
    ("1.24", lambda c: c.service_logs("svc", stdout=True), "1.25"),
])
def test_service_version_gates(mocked: responses.RequestsMock, version: str, call: Any, needed: Any) -> None:
    if needed is None:
        call(_client(version))
        return
    with pytest.raises(InvalidVersion, match=needed):
        call(_client(version))
    assert len(mocked.calls) == 0


def test_update_service_returns_empty_warnings_for_an_empty_body(mocked: responses.RequestsMock) -> None:
    mocked.replace(responses.POST, re.compile(r".*"), body="", status=200)
    assert _client("1.24").update_service("svc", 1, TaskTemplate(ContainerSpec("busybox"))) == {}


def test_services_send_the_credentials_of_their_image_registry(mocked: responses.RequestsMock,
                                                               tmp_path: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    secret = base64.b64encode(b"someone:pw").decode()
    (tmp_path / "config.json").write_text(json.dumps({"auths": {"127.0.0.1:5000": {"auth": secret}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    client = _client()
    client.create_service(TaskTemplate(ContainerSpec("127.0.0.1:5000/app:1")))
    header = mocked.calls[-1].request.headers["X-Registry-Auth"]
    header = header.decode() if isinstance(header, bytes) else header
    sent = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    assert sent["username"] == "someone" and sent["password"] == "pw"
    client.update_service("svc", 2, TaskTemplate(ContainerSpec("127.0.0.1:5000/app:2")))
    assert "X-Registry-Auth" in mocked.calls[-1].request.headers
    client.create_service(TaskTemplate(ContainerSpec("busybox")))  # Docker Hub: no credentials known
    assert "X-Registry-Auth" not in mocked.calls[-1].request.headers
