"""create_container with rich configs against the private daemon, at this run's API version.

Each setting is sent, then read back with a raw ``GET /containers/{id}/json``; settings newer
than the API version in use must raise ``InvalidVersion`` before anything is sent.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from docker_client import Client, errors, versions
from docker_client.types import (
    DeviceRequest,
    Healthcheck,
    IPAMConfig,
    IPAMPool,
    LogConfig,
    Mount,
    Ulimit,
)

from ..conftest import API_VERSION, ENGINE, TEST_IMAGE

SECOND = 1_000_000_000
CREATE = "POST /containers/create"


# -- raw calls (the container endpoints are written elsewhere) --------------------------------------

def inspect(client: Client, container_id: str) -> dict[str, Any]:
    return client._result(client._get(client._url("/containers/{0}/json", container_id)), json=True)  # type: ignore[no-any-return]


def run_to_completion(client: Client, container_id: str) -> int:
    """Start the container and wait for it to exit; its exit code."""
    client._result(client._post(client._url("/containers/{0}/start", container_id)))
    result = client._result(client._post(client._url("/containers/{0}/wait", container_id), timeout=60),
                            json=True)
    return int(result["StatusCode"])


def remove(client: Client, container_id: str) -> None:
    response = client._delete(client._url("/containers/{0}", container_id), params={"force": 1, "v": 1})
    assert response.status_code in (204, 404), response.text
    response.close()


@pytest.fixture
def containers(client: Client, unique_name: Callable[[str], str]) -> Iterator[Callable[..., str]]:
    """``create(**create_container_kwargs)`` -> id; every container is force-removed afterwards."""
    made: list[str] = []

    def create(**kwargs: Any) -> str:
        kwargs.setdefault("image", TEST_IMAGE)
        kwargs.setdefault("name", unique_name("dctest-create"))
        result = client.create_container(**kwargs)
        assert set(result) >= {"Id", "Warnings"}
        made.append(result["Id"])
        return result["Id"]  # type: ignore[no-any-return]

    yield create
    for container_id in made:
        remove(client, container_id)


@pytest.fixture
def volume_names(client: Client) -> Iterator[list[str]]:
    """Names of volumes a test makes the daemon create; each is removed afterwards.

    Request it before ``containers`` so that the containers using them are removed first.
    """
    names: list[str] = []
    yield names
    for name in names:
        response = client._delete(client._url("/volumes/{0}", name))
        assert response.status_code in (204, 404), response.text
        response.close()


@pytest.fixture
def network(client: Client, unique_name: Callable[[str], str]) -> Iterator[str]:
    """A user-defined bridge network with a known subnet, made from IPAMConfig and IPAMPool.

    Request it before ``containers`` so that its containers are removed before it is.
    """
    name = unique_name("dctest-net")
    ipam = IPAMConfig(pool_configs=[IPAMPool(subnet="172.29.5.0/24", gateway="172.29.5.1")])
    client._result(client._post_json(client._url("/networks/create"),
                                     data={"Name": name, "Driver": "bridge", "IPAM": ipam}), json=True)
    yield name
    response = client._delete(client._url("/networks/{0}", name))
    assert response.status_code in (204, 404), response.text
    response.close()


def supports(client: Client, feature: str) -> bool:
    return versions.supports(feature, client.api_version)


# -- a rich HostConfig, stored as sent -------------------------------------------------------------

def test_rich_config_is_stored_as_sent(client: Client, containers: Callable[..., str],
                                       tmp_path: Path) -> None:
    host_config = client.create_host_config(
        binds={str(tmp_path): {"bind": "/host", "mode": "rw"}},
        port_bindings={80: ("127.0.0.1", 18080), "53/udp": None},
        restart_policy={"Name": "on-failure", "MaximumRetryCount": 2},
        ulimits=[Ulimit(name="nofile", soft=1024, hard=2048)],
        log_config=LogConfig(type=LogConfig.types.LOCAL, config={"max-size": "1m"}),
        mem_limit="64m",
        memswap_limit="128m",
        mem_reservation="32m",
        shm_size="16m",
        tmpfs=["/scratch:size=1m"],
        cap_add=["NET_ADMIN"],
        cap_drop=["MKNOD"],
        extra_hosts={"db.local": "10.1.2.3"},
        sysctls={"net.ipv4.ip_forward": 1},
        dns=["10.0.0.53"],
        dns_search=["example.test"],
        dns_opt=["ndots:2"],
        security_opt=["no-new-privileges"],
        group_add=[1234],
        cpu_shares=512,
        cpu_period=100000,
        cpu_quota=50000,
        pids_limit=64,
        oom_score_adj=100,
        devices=["/dev/null:/dev/mynull:rw"],
        read_only=False,
    )
    healthcheck = Healthcheck(test=["CMD", "true"], interval=SECOND, timeout=2 * SECOND, retries=2)
    extra: dict[str, Any] = {}
    if supports(client, f"{CREATE} Healthcheck-StartPeriod"):
        healthcheck.start_period = 3 * SECOND
    if supports(client, f"{CREATE} StopTimeout"):
        extra["stop_timeout"] = 7
    container_id = containers(
        command="sh -c 'echo hi'", hostname="box", user="1000:1000", ports=[80, (53, "udp")],
        environment={"GREETING": "hi", "EMPTY": ""}, volumes=["/vol"], working_dir="/tmp",
        entrypoint=["/bin/sh", "-e"], labels={"com.example.team": "infra"}, stop_signal="SIGINT",
        healthcheck=healthcheck, host_config=host_config, **extra,
    )
    info = inspect(client, container_id)
    hc = info["HostConfig"]
    assert hc["Binds"] == [f"{tmp_path}:/host:rw"]
    assert hc["PortBindings"] == {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18080"}],
                                  "53/udp": [{"HostIp": "", "HostPort": ""}]}
    assert hc["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    assert hc["Ulimits"] == [{"Name": "nofile", "Soft": 1024, "Hard": 2048}]
    assert hc["LogConfig"] == {"Type": "local", "Config": {"max-size": "1m"}}
    assert (hc["Memory"], hc["MemorySwap"], hc["MemoryReservation"], hc["ShmSize"]) == (
        64 << 20, 128 << 20, 32 << 20, 16 << 20)
    assert hc["Tmpfs"] == {"/scratch": "size=1m"}
    assert (hc["CapAdd"], hc["CapDrop"]) == (["NET_ADMIN"], ["MKNOD"])
    assert hc["ExtraHosts"] == ["db.local:10.1.2.3"]
    assert hc["Sysctls"] == {"net.ipv4.ip_forward": "1"}
    assert (hc["Dns"], hc["DnsSearch"], hc["DnsOptions"]) == (["10.0.0.53"], ["example.test"], ["ndots:2"])
    assert hc["SecurityOpt"] == ["no-new-privileges"]
    assert hc["GroupAdd"] == ["1234"]
    assert (hc["CpuShares"], hc["CpuPeriod"], hc["CpuQuota"]) == (512, 100000, 50000)
    assert (hc["PidsLimit"], hc["OomScoreAdj"], hc["ReadonlyRootfs"]) == (64, 100, False)
    assert hc["Devices"] == [{"PathOnHost": "/dev/null", "PathInContainer": "/dev/mynull",
                              "CgroupPermissions": "rw"}]
    # Engine 20.10 stores what was sent; newer engines (Podman too) store the network it means
    assert hc["NetworkMode"] == ("default" if ENGINE == "docker20" else "bridge")

    config = info["Config"]
    assert (config["Hostname"], config["User"], config["WorkingDir"]) == ("box", "1000:1000", "/tmp")
    assert {"GREETING=hi", "EMPTY="} <= set(config["Env"])
    assert config["Cmd"] == ["sh", "-c", "echo hi"]
    assert config["Entrypoint"] == ["/bin/sh", "-e"]
    assert config["Labels"]["com.example.team"] == "infra"
    assert config["StopSignal"] == "SIGINT"
    assert config["ExposedPorts"] == {"80/tcp": {}, "53/udp": {}}
    assert config["Volumes"] == {"/vol": {}}
    expected_health = {"Test": ["CMD", "true"], "Interval": SECOND, "Timeout": 2 * SECOND, "Retries": 2}
    if "StartPeriod" in healthcheck and healthcheck["StartPeriod"]:
        expected_health["StartPeriod"] = 3 * SECOND
    assert {k: v for k, v in config["Healthcheck"].items() if v} == expected_health
    if extra:
        assert config["StopTimeout"] == 7


def test_the_container_runs_with_its_config(client: Client, containers: Callable[..., str],
                                            tmp_path: Path) -> None:
    script = ("echo $GREETING; pwd; ulimit -n; grep db.local /etc/hosts; grep ' /scratch ' /proc/mounts; "
              "cat /proc/sys/net/ipv4/ip_forward")
    container_id = containers(
        command=["-c", f"({script}) > /host/out"],
        entrypoint="/bin/sh",
        environment=["GREETING=hello"],
        working_dir="/srv",
        host_config=client.create_host_config(
            binds=[f"{tmp_path}:/host"],
            extra_hosts=["db.local:10.1.2.3"],
            tmpfs={"/scratch": "size=1m"},
            ulimits=[{"Name": "nofile", "Soft": 512, "Hard": 512}],
            sysctls={"net.ipv4.ip_forward": "1"},
        ),
    )
    assert run_to_completion(client, container_id) == 0
    lines = (tmp_path / "out").read_text().splitlines()
    assert lines[:3] == ["hello", "/srv", "512"]
    assert lines[3].split() == ["10.1.2.3", "db.local"]
    assert lines[4].startswith("tmpfs /scratch tmpfs")
    assert lines[5] == "1"


# -- mounts ----------------------------------------------------------------------------------------

def test_mounts(client: Client, volume_names: list[str], containers: Callable[..., str],
                unique_name: Callable[[str], str], tmp_path: Path) -> None:
    volume = unique_name("dctest-vol")
    mounts = [
        Mount("/ro", str(tmp_path), type="bind", read_only=True),
        Mount("/data", volume, labels={"com.example.purpose": "test"}, no_copy=True),
        Mount("/fast", None, type="tmpfs", tmpfs_size="2m", tmpfs_mode=0o1777),
    ]
    if not supports(client, f"{CREATE} Mounts"):
        with pytest.raises(errors.InvalidVersion, match=f"mounts: {CREATE} Mounts needs API version 1.25"):
            client.create_host_config(mounts=mounts)
        return
    if supports(client, f"{CREATE} Mounts-Consistency"):
        mounts.append(Mount("/cached", str(tmp_path), type="bind", consistency="cached"))
    volume_names.append(volume)
    container_id = containers(
        command=["sh", "-c",
                 "test -d /data && ! touch /ro/x 2>/dev/null && grep -q ' /fast tmpfs' /proc/mounts"],
        host_config=client.create_host_config(mounts=mounts),
    )
    # the daemon leaves out what is empty ("ReadOnly": false, "Source": null)
    sent = [{k: v for k, v in json.loads(json.dumps(mount)).items() if v not in (False, None)}
            for mount in mounts]
    assert inspect(client, container_id)["HostConfig"]["Mounts"] == sent
    assert run_to_completion(client, container_id) == 0
    made = client._result(client._get(client._url("/volumes/{0}", volume)), json=True)
    assert made["Labels"] == {"com.example.purpose": "test"}


def test_newer_mount_options_are_refused_on_older_versions(client: Client) -> None:
    for mount, feature in [
        (Mount("/t", "/s", type="bind", non_recursive=True), "Mounts-BindOptions-NonRecursive"),
        (Mount("/t", "/s", type="bind", create_mountpoint=True), "Mounts-BindOptions-CreateMountpoint"),
        (Mount("/t", "v", subpath="sub"), "Mounts-VolumeOptions-Subpath"),
        (Mount("/t", None, type="tmpfs", tmpfs_options=[["noexec"]]), "Mounts-TmpfsOptions-Options"),
        (Mount("/t", TEST_IMAGE, type="image"), "Mounts-Type-image"),
    ]:
        if supports(client, f"{CREATE} {feature}"):
            client.create_host_config(mounts=[mount])
        else:
            with pytest.raises(errors.InvalidVersion, match=f"{CREATE} Mounts"):
                client.create_host_config(mounts=[mount])


# -- settings that need a newer API version --------------------------------------------------------

def _host(**kwargs: Any) -> Callable[[Client], dict[str, Any]]:
    return lambda client: {"host_config": client.create_host_config(**kwargs)}


def _create(**kwargs: Any) -> Callable[[Client], dict[str, Any]]:
    return lambda client: dict(kwargs)


VERSIONED = [
    # (feature, builds create_container kwargs, (section, key, expected) read back)
    ("AutoRemove", _host(auto_remove=True), ("HostConfig", "AutoRemove", True)),
    ("Init", _host(init=True), ("HostConfig", "Init", True)),
    ("NanoCpus", _host(nano_cpus=SECOND // 2), ("HostConfig", "NanoCpus", SECOND // 2)),
    ("Runtime", _host(runtime="runc"), ("HostConfig", "Runtime", "runc")),
    ("StopTimeout", _create(stop_timeout=3), ("Config", "StopTimeout", 3)),
    ("DeviceCgroupRules", _host(device_cgroup_rules=["c 1:3 mr"]),
     ("HostConfig", "DeviceCgroupRules", ["c 1:3 mr"])),
    ("Healthcheck-StartPeriod", _create(healthcheck={"test": "true", "start_period": SECOND}),
     ("Config", "Healthcheck", {"Test": ["CMD-SHELL", "true"], "StartPeriod": SECOND})),
    ("MaskedPaths", _host(masked_paths=["/proc/kcore"]), ("HostConfig", "MaskedPaths", ["/proc/kcore"])),
    ("ReadonlyPaths", _host(readonly_paths=["/proc/sys"]), ("HostConfig", "ReadonlyPaths", ["/proc/sys"])),
    ("DeviceRequests", _host(device_requests=[DeviceRequest(count=1, capabilities=[["gpu"]])]),
     ("HostConfig", "DeviceRequests",
      [{"Driver": "", "Count": 1, "DeviceIDs": [], "Capabilities": [["gpu"]], "Options": {}}])),
    ("KernelMemoryTCP", _host(kernel_memory_tcp="16m"), ("HostConfig", "KernelMemoryTCP", 16 << 20)),
    ("CgroupnsMode", _host(cgroupns="private"), ("HostConfig", "CgroupnsMode", "private")),
    ("ConsoleSize", _host(console_size=(30, 100)), ("HostConfig", "ConsoleSize", [30, 100])),
    ("Annotations", _host(annotations={"com.example.a": "b"}),
     ("HostConfig", "Annotations", {"com.example.a": "b"})),
    ("Healthcheck-StartInterval", _create(healthcheck=Healthcheck(test="true", start_interval=SECOND)),
     ("Config", "Healthcheck", {"Test": ["CMD-SHELL", "true"], "StartInterval": SECOND})),
]


@pytest.mark.parametrize("field, build, readback", VERSIONED, ids=[entry[0] for entry in VERSIONED])
def test_versioned_settings(client: Client, containers: Callable[..., str], field: str,
                            build: Callable[[Client], dict[str, Any]],
                            readback: tuple[str, str, Any]) -> None:
    feature = f"{CREATE} {field}"
    if not supports(client, feature):
        with pytest.raises(errors.InvalidVersion) as info:
            containers(**build(client))
        assert feature in str(info.value) and client.api_version in str(info.value)
        return
    container_id = containers(**build(client))
    section, key, expected = readback
    value = inspect(client, container_id)[section][key]
    if isinstance(expected, dict) and section == "Config":
        value = {k: v for k, v in value.items() if v}
    assert value == expected


def test_platform(client: Client, containers: Callable[..., str]) -> None:
    platform = f"linux/{client.version()['Arch']}"
    if not supports(client, f"{CREATE} platform"):
        with pytest.raises(errors.InvalidVersion, match=f"{CREATE} platform needs API version 1.41"):
            containers(platform=platform)
        return
    assert inspect(client, containers(platform=platform))["Platform"] == "linux"


# -- networks --------------------------------------------------------------------------------------

def test_networking_config(client: Client, network: str, containers: Callable[..., str]) -> None:
    endpoint: dict[str, Any] = {"aliases": ["web"], "ipv4_address": "172.29.5.10"}
    if supports(client, f"{CREATE} EndpointsConfig-DriverOpts"):
        endpoint["driver_opt"] = {"com.example.opt": "1"}
    networking_config = client.create_networking_config({network: client.create_endpoint_config(**endpoint)})
    container_id = containers(host_config=client.create_host_config(network_mode=network),
                              networking_config=networking_config)
    settings = inspect(client, container_id)["NetworkSettings"]["Networks"][network]
    assert settings["IPAMConfig"]["IPv4Address"] == "172.29.5.10"
    assert "web" in settings["Aliases"]
    if "driver_opt" in endpoint:
        assert settings["DriverOpts"] == {"com.example.opt": "1"}

    # an endpoint's MAC address goes from 1.25, as in docker-py; several networks need 1.44
    if not supports(client, f"{CREATE} EndpointsConfig-MacAddress"):
        with pytest.raises(errors.InvalidVersion, match="EndpointsConfig-MacAddress needs API version 1.25"):
            client.create_endpoint_config(mac_address="02:42:ac:11:00:99")
    if not supports(client, f"{CREATE} EndpointsConfig-multiple"):
        with pytest.raises(errors.InvalidVersion, match="EndpointsConfig-multiple needs API version 1.44"):
            containers(networking_config=client.create_networking_config({network: {}, "bridge": {}}))


def test_endpoint_config_is_refused_before_its_version(client: Client) -> None:
    if supports(client, f"{CREATE} EndpointsConfig-DriverOpts"):
        assert client.create_endpoint_config(driver_opt={"a": "b"}) == {"DriverOpts": {"a": "b"}}
    else:
        with pytest.raises(errors.InvalidVersion, match="driver_opt: .*EndpointsConfig-DriverOpts"):
            client.create_endpoint_config(driver_opt={"a": "b"})


# -- errors ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, message", [
    (lambda c: c.create_host_config(port_bindings={"80:abc": 80}), "invalid container port"),
    (lambda c: c.create_container(TEST_IMAGE, ports=["99999"]), "invalid port"),
    (lambda c: c.create_host_config(restart_policy={"Name": "sometimes"}), "restart_policy name"),
    (lambda c: c.create_host_config(mem_limit="12x"), "mem_limit"),
    (lambda c: c.create_host_config(devices=["/dev/null:/dev/x:rwz"]), "permissions"),
    (lambda c: c.create_host_config(ulimits=[{"Nmae": "nofile"}]), "invalid ulimits entry"),
    (lambda c: c.create_host_config(isolation="vm"), "isolation"),
    (lambda c: c.create_container(TEST_IMAGE, "echo 'unterminated"), "cannot split command"),
])
def test_bad_input_is_refused_before_anything_is_sent(client: Client, make: Callable[[Client], Any],
                                                      message: str) -> None:
    client.api_version  # noqa: B018 - negotiate first: that request is not the one under test
    sent: list[str] = []
    client.hooks["response"].append(lambda r, *a, **k: sent.append(r.request.path_url))
    with pytest.raises(errors.InvalidArgument, match=message):
        make(client)
    assert sent == []


def test_daemon_errors(client: Client, containers: Callable[..., str],
                       unique_name: Callable[[str], str]) -> None:
    with pytest.raises(errors.ImageNotFound):
        client.create_container("dctest/no-such-image:latest", name=unique_name("dctest-missing"))
    name = unique_name("dctest-twice")
    containers(name=name)
    with pytest.raises(errors.Conflict):
        containers(name=name)


def test_create_container_from_config(client: Client, unique_name: Callable[[str], str]) -> None:
    config = client.create_container_config(TEST_IMAGE, ["true"], labels=["com.example.marker"])
    result = client.create_container_from_config(config, name=unique_name("dctest-fromcfg"))
    try:
        assert inspect(client, result["Id"])["Config"]["Labels"]["com.example.marker"] == ""
    finally:
        remove(client, result["Id"])


def test_config_file_proxies_go_into_the_environment(daemon: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     unique_name: Callable[[str], str]) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"proxies": {"default": {
        "httpProxy": "http://proxy.example:3128", "noProxy": "localhost"}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    with Client(base_url=daemon, version=API_VERSION) as client:
        with_proxy = client.create_container(TEST_IMAGE, environment={"A": "1"},
                                             name=unique_name("dctest-proxy"))
        without = client.create_container(TEST_IMAGE, environment={"A": "1"}, use_config_proxy=False,
                                          name=unique_name("dctest-noproxy"))
        try:
            env = inspect(client, with_proxy["Id"])["Config"]["Env"]
            sent = ["http_proxy=http://proxy.example:3128", "HTTP_PROXY=http://proxy.example:3128",
                    "no_proxy=localhost", "NO_PROXY=localhost", "A=1"]
            if ENGINE == "podman":  # Podman merges in the image's PATH and its own container=podman
                assert set(sent) <= set(env)
                plain = inspect(client, without["Id"])["Config"]["Env"]
                assert "A=1" in plain and not [e for e in plain if "proxy" in e.lower()]
            else:
                assert env[:5] == sent
                assert inspect(client, without["Id"])["Config"]["Env"] == ["A=1"]
        finally:
            remove(client, with_proxy["Id"])
            remove(client, without["Id"])
