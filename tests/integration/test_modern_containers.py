"""Container features of API 1.42-1.51 against the real daemon, at this run's API version.

At or above a feature's gate (``docker_client.versions.FEATURES``) the test checks what the
daemon did with it (the process got the signal, the mount is there, the TTY has that size);
below it, that ``InvalidVersion`` is raised and nothing is sent.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Iterator, List, Tuple

import pytest

from docker_client import Client, errors, versions
from docker_client.types import Mount

from ..conftest import ENGINE, TEST_IMAGE

CREATE = "POST /containers/create"
MULTIPLEXED = "application/vnd.docker.multiplexed-stream"
RAW = "application/vnd.docker.raw-stream"
Seen = List[Tuple[str, str, str]]
Make = Callable[..., str]


def supports(client: Client, feature: str) -> bool:
    return versions.supports(feature, client.api_version)


def record(client: Client) -> Seen:
    """(method, path without query, Content-Type answered) of every request from now on."""
    seen: Seen = []
    client.hooks["response"].append(lambda r, *a, **k: seen.append(
        (r.request.method, r.request.path_url.split("?")[0], r.headers.get("Content-Type", ""))))
    return seen


@pytest.fixture
def make(client: Client, unique_name: Callable[[str], str]) -> Iterator[Make]:
    """``make(cmd, start=True, wait=False, **create_kwargs)`` -> id; all force-removed afterwards."""
    made: List[str] = []

    def create(cmd: Any, start: bool = True, wait: bool = False, **kwargs: Any) -> str:
        name = unique_name("dctest-modern")
        container = client.create_container(TEST_IMAGE, cmd, name=name, **kwargs)["Id"]
        made.append(container)
        if start:
            client.start(container)
        if wait:
            assert client.wait(container, timeout=60)["StatusCode"] == 0, client.logs(container)
        return container  # type: ignore[no-any-return]

    yield create
    for container in made:
        client.remove_container(container, force=True, v=True)


def wait_for_output(client: Client, container: str, text: bytes, seconds: float = 20) -> None:
    """Until the container's log holds ``text``; at most ``seconds`` (the stream is closed from
    a timer, so a daemon that never sends it cannot hang the run)."""
    with client.logs(container, stream=True, follow=True) as chunks:
        timer = threading.Timer(seconds, chunks.close)
        timer.start()
        got = b""
        try:
            for chunk in chunks:
                got += chunk
                if text in got:
                    return
        finally:
            timer.cancel()
    raise AssertionError(f"{text!r} never came within {seconds} s: {got!r}")


# -- stop and restart with a signal (API 1.42) -------------------------------------------------------

TRAP = "trap 'echo got {0}; exit {1}' {0}; echo ready; while :; do sleep 0.1; done"


def test_stop_signal_reaches_the_process(client: Client, make: Make) -> None:
    container = make(["sh", "-c", TRAP.format("INT", 3)])
    wait_for_output(client, container, b"ready\n")
    if not supports(client, "POST /containers/{id}/stop signal"):
        seen = record(client)
        with pytest.raises(errors.InvalidVersion, match="stop signal needs API version 1.42"):
            client.stop(container, timeout=30, signal="SIGINT")
        assert seen == []
        client.stop(container, timeout=0)
        assert client.inspect_container(container)["State"]["ExitCode"] == 137
        return
    client.stop(container, timeout=30, signal="int")
    assert client.inspect_container(container)["State"]["ExitCode"] == 3
    assert client.logs(container) == b"ready\ngot INT\n"


def test_restart_signal_reaches_the_process(client: Client, make: Make) -> None:
    container = make(["sh", "-c", TRAP.format("USR1", 4)])
    wait_for_output(client, container, b"ready\n")
    if not supports(client, "POST /containers/{id}/restart signal"):
        seen = record(client)
        with pytest.raises(errors.InvalidVersion, match="restart signal needs API version 1.42"):
            client.restart(container, timeout=30, signal=10)
        assert seen == []
        return
    client.restart(container, timeout=30, signal=10)  # SIGUSR1 by number
    assert client.inspect_container(container)["State"]["Running"]
    wait_for_output(client, container, b"ready\ngot USR1\nready\n")


# -- logs and attach: the Content-Type says whether the stream is multiplexed (API 1.42) -----------

def _asked_for_tty(seen: Seen, container: str) -> bool:
    return any(method == "GET" and path.endswith(f"/containers/{container}/json") for method, path, _ in seen)


def _typed(seen: Seen, endpoint: str) -> str:
    types = [ctype for _, path, ctype in seen if path.endswith(endpoint)]
    assert types, seen
    return types[-1]


def test_logs_of_a_multiplexed_stream(client: Client, make: Make) -> None:
    container = make(["sh", "-c", "echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; echo out2"], wait=True)
    seen = record(client)
    assert client.logs(container) == b"out1\nerr1\nout2\n"
    assert client.logs(container, demux=True) == (b"out1\nout2\n", b"err1\n")
    with client.logs(container, stream=True, demux=True) as pairs:
        assert list(pairs) == [(b"out1\n", None), (None, b"err1\n"), (b"out2\n", None)]
    ctype = _typed(seen, "/logs")
    if supports(client, "GET /containers/{id}/logs Content-Type") and ENGINE != "podman":
        # Engines label the stream for requests of 1.42+ (Podman 5 never labels logs)
        assert ctype == MULTIPLEXED
    if ctype in (MULTIPLEXED, RAW) and supports(client, "GET /containers/{id}/logs Content-Type"):
        assert not _asked_for_tty(seen, container)
    else:
        assert _asked_for_tty(seen, container)


def test_logs_of_a_tty_container(client: Client, make: Make) -> None:
    container = make(["sh", "-c", "printf 'tty \\001\\000\\000\\000 bytes\\n'"], tty=True, wait=True)
    seen = record(client)
    expected = b"tty \x01\x00\x00\x00 bytes\r\n"
    assert client.logs(container) == expected
    assert client.logs(container, demux=True) == (expected, None)
    with client.logs(container, stream=True) as chunks:
        assert b"".join(chunks) == expected
    ctype = _typed(seen, "/logs")
    if supports(client, "GET /containers/{id}/logs Content-Type") and ENGINE != "podman":
        assert ctype == RAW
        assert not _asked_for_tty(seen, container)


def test_logs_of_a_silent_container(client: Client, make: Make) -> None:
    container = make(["true"], wait=True)
    seen = record(client)
    assert client.logs(container) == b""
    assert client.logs(container, demux=True) == (None, None)
    if supports(client, "GET /containers/{id}/logs Content-Type") and ENGINE != "podman":
        assert _typed(seen, "/logs") == MULTIPLEXED
        assert not _asked_for_tty(seen, container)


def test_attach_reads_the_content_type_from_1_42(client: Client, make: Make) -> None:
    plain = make(["sh", "-c", "echo out; echo err >&2"], wait=True)
    tty = make(["sh", "-c", "echo tty"], tty=True, wait=True)
    seen = record(client)
    assert client.attach(plain, logs=True, stream=False, demux=True) == (b"out\n", b"err\n")
    assert client.attach(tty, logs=True, stream=False) == b"tty\r\n"
    if supports(client, "POST /containers/{id}/attach Content-Type"):
        assert not _asked_for_tty(seen, plain) and not _asked_for_tty(seen, tty)
    else:
        # below 1.42 a daemon calls every hijacked stream raw: the client must ask for the TTY
        assert _asked_for_tty(seen, plain) and _asked_for_tty(seen, tty)


# -- console sizes (API 1.42) ------------------------------------------------------------------------

def test_console_size_is_the_ttys(client: Client, make: Make) -> None:
    if not supports(client, f"{CREATE} ConsoleSize"):
        seen = record(client)
        with pytest.raises(errors.InvalidVersion, match="ConsoleSize needs API version 1.42"):
            make(["stty", "size"], tty=True, host_config=client.create_host_config(console_size=(33, 111)))
        assert seen == []
        return
    container = make(["stty", "size"], tty=True, wait=True,
                     host_config=client.create_host_config(console_size=(33, 111)))
    assert client.logs(container) == b"33 111\r\n"


def test_exec_console_size_is_the_ttys(client: Client, make: Make) -> None:
    container = make(["sleep", "60"])
    if not supports(client, "POST /containers/{id}/exec ConsoleSize"):
        seen = record(client)
        with pytest.raises(errors.InvalidVersion, match="ConsoleSize needs API version 1.42"):
            client.exec_create(container, ["stty", "size"], tty=True, console_size=(21, 77))
        assert seen == []
        return
    exec_id = client.exec_create(container, ["stty", "size"], tty=True, console_size=(21, 77))
    assert client.exec_start(exec_id, tty=True) == b"21 77\r\n"


# -- mount options ----------------------------------------------------------------------------------

def _refused_before_sending(client: Client, mount: Mount, feature: str) -> None:
    seen = record(client)
    # at 1.24 Mounts itself is refused first
    gated = feature if versions.supports(f"{CREATE} Mounts", client.api_version) else "Mounts"
    with pytest.raises(errors.InvalidVersion, match=f"{CREATE} {gated} needs API version"):
        client.create_host_config(mounts=[mount])
    assert seen == []


def test_bind_create_mountpoint(client: Client, make: Make, tmp_path: Path) -> None:
    source = tmp_path / "made" / "by" / "daemon"
    mount = Mount("/t", str(source), type="bind", create_mountpoint=True)
    if not supports(client, f"{CREATE} Mounts-BindOptions-CreateMountpoint"):
        _refused_before_sending(client, mount, "Mounts-BindOptions-CreateMountpoint")
        return
    if ENGINE != "podman":  # Podman makes a missing bind source in any case
        with pytest.raises(errors.APIError, match="bind source path does not exist"):
            make(["true"], start=False, host_config=client.create_host_config(
                mounts=[Mount("/t", str(source), type="bind")]))
    container = make(["sh", "-c", "grep -q ' /t ' /proc/mounts && touch /t/x"], wait=True,
                     host_config=client.create_host_config(mounts=[mount]))
    assert client.wait(container)["StatusCode"] == 0
    assert (source / "x").exists()


def _mount_lines(client: Client, make: Make, mount: Mount, target: str) -> List[List[str]]:
    container = make(["cat", "/proc/mounts"], wait=True,
                     host_config=client.create_host_config(mounts=[mount]))
    lines = [line.split() for line in client.logs(container).decode().splitlines()]
    return [line for line in lines if line[1] == target or line[1].startswith(target + "/")]


def test_bind_read_only_non_recursive(client: Client, make: Make, tmp_path: Path) -> None:
    mount = Mount("/t", str(tmp_path), type="bind", read_only=True, read_only_non_recursive=True)
    if not supports(client, f"{CREATE} Mounts-BindOptions-ReadOnlyNonRecursive"):
        _refused_before_sending(client, mount, "Mounts-BindOptions-ReadOnlyNonRecursive")
        return
    lines = _mount_lines(client, make, mount, "/t")
    assert "ro" in lines[0][3].split(",")
    if ENGINE != "podman":  # Podman leaves HostConfig.Mounts out of inspect
        container = make(["true"], start=False, host_config=client.create_host_config(mounts=[mount]))
        mounts = client.inspect_container(container)["HostConfig"]["Mounts"]
        assert mounts[0]["BindOptions"] == {"ReadOnlyNonRecursive": True}


def test_bind_read_only_force_recursive(client: Client, make: Make) -> None:
    # /tmp of the daemon's mount namespace: the state directories of the test daemons are
    # mounted below it, so the recursive read-only reaches more than one mount
    mount = Mount("/t", "/tmp", type="bind", read_only=True, read_only_force_recursive=True)
    if not supports(client, f"{CREATE} Mounts-BindOptions-ReadOnlyForceRecursive"):
        _refused_before_sending(client, mount, "Mounts-BindOptions-ReadOnlyForceRecursive")
        return
    lines = _mount_lines(client, make, mount, "/t")
    assert lines and all("ro" in line[3].split(",") for line in lines), lines
    if ENGINE != "podman":
        container = make(["true"], start=False, host_config=client.create_host_config(mounts=[mount]))
        mounts = client.inspect_container(container)["HostConfig"]["Mounts"]
        assert mounts[0]["BindOptions"] == {"ReadOnlyForceRecursive": True}


@pytest.fixture
def volume(client: Client, unique_name: Callable[[str], str]) -> Iterator[str]:
    name = unique_name("dctest-modern-vol")
    client.create_volume(name)
    yield name
    client.remove_volume(name)


def test_volume_subpath(client: Client, volume: str, make: Make) -> None:
    # ``volume`` before ``make``: the containers using it are removed first
    mount = Mount("/t", volume, subpath="dir/sub")
    if not supports(client, f"{CREATE} Mounts-VolumeOptions-Subpath"):
        _refused_before_sending(client, mount, "Mounts-VolumeOptions-Subpath")
        return
    make(["sh", "-c", "mkdir -p /v/dir/sub && echo deep > /v/dir/sub/file && echo top > /v/file"], wait=True,
         host_config=client.create_host_config(mounts=[Mount("/v", volume)]))
    container = make(["sh", "-c", "cat /t/file; ls /t"], wait=True,
                     host_config=client.create_host_config(mounts=[mount]))
    assert client.logs(container) == b"deep\nfile\n"


def test_tmpfs_options(client: Client, make: Make) -> None:
    mount = Mount("/t", None, type="tmpfs", tmpfs_options=[["exec"]])
    if not supports(client, f"{CREATE} Mounts-TmpfsOptions-Options"):
        _refused_before_sending(client, mount, "Mounts-TmpfsOptions-Options")
        return
    plain = _mount_lines(client, make, Mount("/t", None, type="tmpfs"), "/t")[0][3].split(",")
    assert "noexec" in plain  # the daemon's default for a tmpfs mount
    options = _mount_lines(client, make, mount, "/t")[0][3].split(",")
    assert "noexec" not in options


def test_image_mount(client: Client, make: Make) -> None:
    mount = Mount("/img", TEST_IMAGE, type="image")
    if not supports(client, f"{CREATE} Mounts-Type-image"):
        _refused_before_sending(client, mount, "Mounts-Type-image")
        return
    container = make(["sh", "-c", "test -x /img/bin/busybox && ! touch /img/x 2>/dev/null && echo ok"],
                     wait=True, host_config=client.create_host_config(mounts=[mount]))
    assert client.logs(container) == b"ok\n"


# -- networks at create -------------------------------------------------------------------------------

@pytest.fixture
def networks(client: Client, unique_name: Callable[[str], str]) -> Iterator[Callable[[], str]]:
    made: List[str] = []

    def create() -> str:
        made.append(client.create_network(unique_name("dctest-modern-net"))["Id"])
        return made[-1]

    yield create
    for network in made:
        client.remove_network(network)


def test_several_networks_and_gw_priority_at_create(client: Client, networks: Callable[[], str],
                                                     make: Make) -> None:
    first, second = networks(), networks()
    names = [client.inspect_network(n)["Name"] for n in (first, second)]
    gw = supports(client, f"{CREATE} EndpointsConfig-GwPriority")
    priority: dict[str, Any] = {"gw_priority": 5} if gw else {}
    endpoints = {names[0]: client.create_endpoint_config(aliases=["one"]),
                 names[1]: client.create_endpoint_config(aliases=["two"], **priority)}
    if not gw:
        with pytest.raises(errors.InvalidVersion, match="EndpointsConfig-GwPriority needs API version 1.48"):
            client.create_endpoint_config(gw_priority=5)
    if not supports(client, f"{CREATE} EndpointsConfig-multiple"):
        seen = record(client)
        with pytest.raises(errors.InvalidVersion, match="EndpointsConfig-multiple needs API version 1.44"):
            make(["true"], start=False, networking_config=client.create_networking_config(endpoints))
        assert seen == []
        return
    container = make(["sleep", "60"], host_config=client.create_host_config(network_mode=names[0]),
                     networking_config=client.create_networking_config(endpoints))
    attached = client.inspect_container(container)["NetworkSettings"]["Networks"]
    assert set(attached) == set(names)
    assert "one" in attached[names[0]]["Aliases"] and "two" in attached[names[1]]["Aliases"]
    if gw:
        assert attached[names[1]]["GwPriority"] == 5 and attached[names[0]]["GwPriority"] == 0

