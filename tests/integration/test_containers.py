"""Container endpoints against the private daemon: lifecycle, listing, logs, stats, wait,
archives, export, commit and prune, at the API version of the tox environment.

Containers are made with the raw create call (``create_container`` lives elsewhere) and always
force-removed afterwards.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

import docker_client
from docker_client import Client, errors, versions

from ..conftest import ENGINE, TEST_IMAGE

MiB = 1024 * 1024
Make = Callable[..., str]


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def make(client: Client) -> Iterator[Make]:
    """Create containers with the raw API (optionally started); all force-removed afterwards."""
    made: list[str] = []

    def create(cmd: list[str], start: bool = False, name: str | None = None, **config: Any) -> str:
        body = {"Image": TEST_IMAGE, "Cmd": cmd, "Labels": {"dctest": "containers"}, **config}
        params = {"name": name} if name else None
        answer = client._result(client._post_json(client._url("/containers/create"), data=body,
                                                  params=params), json=True)
        made.append(answer["Id"])
        if start:
            client._result(client._post(client._url("/containers/{0}/start", answer["Id"])))
        return answer["Id"]  # type: ignore[no-any-return]

    yield create
    for container in made:
        client._delete(client._url("/containers/{0}", container), params={"force": 1, "v": 1}).close()


@pytest.fixture
def made_images(client: Client) -> Iterator[list[str]]:
    """Image ids a test made; removed afterwards."""
    images: list[str] = []
    yield images
    for image in images:
        client._delete(client._url("/images/{0}", image), params={"force": 1}).close()


def has(client: Client, feature: str) -> bool:
    return versions.supports(feature, client.api_version)


def running(client: Client, container: str) -> bool:
    return bool(client.inspect_container(container)["State"]["Running"])


def wait_for(predicate: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


# -- listing and inspecting ----------------------------------------------------------------------


def test_containers_list_shapes(client: Client, make: Make) -> None:
    first = make(["true"])
    second = make(["sleep", "30"], start=True)
    mine = {"label": "dctest=containers"}
    listed = client.containers(all=True, filters=mine)
    assert {first, second} <= {c["Id"] for c in listed}
    assert second in {c["Id"] for c in client.containers(filters=mine)}
    assert first not in {c["Id"] for c in client.containers(filters=mine)}
    assert client.containers(all=True, quiet=True, filters={"id": first}) == [{"Id": first}]
    truncated = client.containers(all=True, trunc=True, filters={"id": first})
    assert [c["Id"] for c in truncated] == [first[:12]]
    assert [c["Id"] for c in client.containers(latest=True)] == [second]
    assert len(client.containers(all=True, limit=1)) == 1
    since = client.containers(all=True, since=first, filters=mine)
    assert [c["Id"] for c in since] == [second]
    before = client.containers(all=True, before=second, filters=mine)
    assert first in {c["Id"] for c in before} and second not in {c["Id"] for c in before}
    sized = client.containers(all=True, size=True, filters={"id": first})
    assert sized[0]["SizeRootFs"] > 0  # SizeRw is left out while it is 0


def test_inspect_container_by_id_name_and_dict(client: Client, make: Make,
                                               unique_name: Callable[[str], str]) -> None:
    name = unique_name("insp")
    container = make(["true"], name=name)
    info = client.inspect_container(container)
    assert info["Id"] == container and info["Name"] == f"/{name}"
    assert client.inspect_container(name)["Id"] == container
    assert client.inspect_container(f"/{name}")["Id"] == container
    assert client.inspect_container({"Id": container})["Id"] == container
    with pytest.raises(errors.NullResource):
        client.inspect_container("")
    with pytest.raises(errors.NullResource):
        client.inspect_container({"Names": ["/x"]})


def test_missing_container_is_not_found_and_named(client: Client, unique_name: Callable[[str], str]) -> None:
    name = unique_name("ghost")
    calls: list[Callable[[], Any]] = [
        lambda: client.inspect_container(name),
        lambda: client.start(name),
        lambda: client.stop(name),
        lambda: client.restart(name),
        lambda: client.kill(name),
        lambda: client.pause(name),
        lambda: client.unpause(name),
        lambda: client.wait(name),
        lambda: client.remove_container(name),
        lambda: client.rename(name, unique_name("other")),
        lambda: client.top(name),
        lambda: client.diff(name),
        lambda: client.logs(name),
        lambda: client.logs(name, stream=True),
        lambda: client.stats(name, stream=False),
        lambda: client.export(name),
        lambda: client.get_archive(name, "/"),
        lambda: client.put_archive(name, "/", b""),
        lambda: client.copy(name, "/"),
        lambda: client.port(name, 80),
        lambda: client.update_container(name, cpu_shares=512),
        lambda: client.commit(name),
    ]
    for call in calls:
        with pytest.raises(errors.NotFound) as info:
            call()
        assert name in (info.value.explanation or ""), info.value
    # A HEAD answer carries no message; the error still names the container, in the URL.
    with pytest.raises(errors.NotFound, match=name):
        client.stat_archive(name, "/")


def test_top_diff_and_port(client: Client, make: Make) -> None:
    container = make(["sh", "-c", "echo hi > /newfile; rm /etc/hostname; exec sleep 30"], start=True,
                     ExposedPorts={"80/tcp": {}, "53/udp": {}},
                     HostConfig={"PortBindings": {"80/tcp": [{"HostPort": ""}],
                                                  "53/udp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}})
    wait_for(lambda: any(c["Path"] == "/newfile" for c in client.diff(container) or []))
    top = client.top(container)
    assert "PID" in top["Titles"] and any("sleep 30" in " ".join(p) for p in top["Processes"])
    assert "%CPU" in client.top(container, ps_args="aux")["Titles"]
    changes = {c["Path"]: c["Kind"] for c in client.diff(container) or []}
    assert changes["/newfile"] == 1

    tcp = client.port(container, 80)
    assert tcp and all(set(b) == {"HostIp", "HostPort"} for b in tcp)
    assert int(tcp[0]["HostPort"]) > 0
    assert client.port(container, "80/tcp") == tcp
    assert client.port(container, "80") == tcp
    udp = client.port(container, 53)
    assert udp and udp[0]["HostIp"] == "127.0.0.1"
    assert client.port(container, "53/tcp") is None
    assert client.port(container, 81) is None
    for bad in ["80/foo", "http", 0, 70000, "80/", "", True]:
        with pytest.raises(errors.InvalidArgument):
            client.port(container, bad)


# -- lifecycle ----------------------------------------------------------------------------------


def test_start_stop_restart_and_timeouts(client: Client, make: Make) -> None:
    container = make(["sleep", "30"])  # PID 1 ignores SIGTERM: stop has to kill it
    client.start(container)
    assert running(client, container)
    with pytest.raises(errors.DeprecatedMethod):
        client.start(container, binds={"/a": "/b"})
    first_start = client.inspect_container(container)["State"]["StartedAt"]
    started = time.monotonic()
    client.restart(container, timeout=1)
    assert time.monotonic() - started < 8
    assert running(client, container)
    assert client.inspect_container(container)["State"]["StartedAt"] != first_start
    started = time.monotonic()
    client.stop(container, timeout=1)
    assert time.monotonic() - started < 8
    state = client.inspect_container(container)["State"]
    assert not state["Running"] and state["ExitCode"] == 137
    client.stop(container)  # already stopped: fine
    for bad in ["ten", True, [5]]:
        with pytest.raises(errors.InvalidType):
            client.stop(container, timeout=bad)
        with pytest.raises(errors.InvalidType):
            client.restart(container, timeout=bad)
    client.stop(container, timeout=-1)  # docker-py's forms: -1 waits as long as it takes
    client.stop(container, timeout="5")


def test_stop_and_restart_signal_need_1_42(client: Client, make: Make) -> None:
    container = make(["sleep", "30"], start=True)
    for call in (client.stop, client.restart):
        if has(client, "POST /containers/{id}/stop signal"):
            call(container, timeout=5, signal="SIGKILL")
        else:
            with pytest.raises(errors.InvalidVersion, match="1.42"):
                call(container, timeout=5, signal="SIGKILL")
    if not has(client, "POST /containers/{id}/stop signal"):
        with pytest.raises(errors.InvalidVersion):
            client.stop(container, signal="SIGNOPE")
        assert running(client, container)
    elif ENGINE != "podman":  # an unknown signal is sent, as docker-py sends it: Docker refuses it
        with pytest.raises(errors.APIError):
            client.stop(container, signal="SIGNOPE")


def test_kill_with_signal_numbers_and_names(client: Client, make: Make) -> None:
    script = ('trap "echo USR1" USR1; trap "echo USR2" USR2; echo ready; '
              "while :; do sleep 0.05; done")
    container = make(["sh", "-c", script], start=True)
    wait_for(lambda: client.logs(container) == b"ready\n")
    for signal in ["SIGUSR1", "usr2", 10, "USR2", "sigusr1", "12"]:
        count = client.logs(container).count(b"\n")
        client.kill(container, signal)
        wait_for(lambda: client.logs(container).count(b"\n") > count)  # noqa: B023
    assert client.logs(container) == b"ready\nUSR1\nUSR2\nUSR1\nUSR2\nUSR1\nUSR2\n"
    for bad in ["SIGNOPE", 0, 65, "RTMIN+16"]:  # sent, as docker-py sends them: the daemon refuses
        with pytest.raises(errors.APIError):
            client.kill(container, bad)
    with pytest.raises(errors.InvalidType):
        client.kill(container, True)
    assert client.inspect_container(container)["State"]["Running"]
    client.kill(container, 9.0)  # docker-py sends int(signal)
    assert client.wait(container)["StatusCode"] == 137
    with pytest.raises(errors.Conflict) as info:
        client.kill(container)
    assert "is not running" in (info.value.explanation or "")


def test_pause_and_unpause(client: Client, make: Make) -> None:
    container = make(["sleep", "30"], start=True)
    client.pause(container)
    assert client.inspect_container(container)["State"]["Paused"] is True
    with pytest.raises(errors.Conflict):
        client.pause(container)
    client.unpause(container)
    assert client.inspect_container(container)["State"]["Paused"] is False


def test_rename_and_conflict(client: Client, make: Make, unique_name: Callable[[str], str]) -> None:
    taken = unique_name("taken")
    make(["true"], name=taken)
    container = make(["true"])
    new_name = unique_name("renamed")
    client.rename(container, new_name)
    assert client.inspect_container(container)["Name"] == f"/{new_name}"
    with pytest.raises(errors.Conflict) as info:
        client.rename(container, taken)
    assert "is already in use" in (info.value.explanation or "")
    assert taken in (info.value.explanation or "")
    with pytest.raises(errors.APIError):  # the daemon's to refuse, as with docker-py
        client.rename(container, "")


def test_resize_tty(client: Client, make: Make) -> None:
    container = make(["sleep", "30"], start=True, Tty=True, OpenStdin=True)
    client.resize(container, 40, 120)
    client.resize(container, "24", "80")  # as docker-py sends them
    for height, width in [(24, 8.5), (None, 80)]:
        with pytest.raises(errors.InvalidType):
            client.resize(container, height, width)


def test_update_container(client: Client, make: Make) -> None:
    container = make(["sleep", "30"], start=True)
    answer = client.update_container(container, cpu_shares=512, mem_limit="64m", memswap_limit="128m",
                                     restart_policy={"Name": "on-failure", "MaximumRetryCount": 2})
    assert "Warnings" in answer
    host = client.inspect_container(container)["HostConfig"]
    assert host["CpuShares"] == 512
    assert host["Memory"] == 64 * MiB and host["MemorySwap"] == 128 * MiB
    assert host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}


def test_remove_container(client: Client, make: Make) -> None:
    container = make(["sleep", "30"], start=True)
    with pytest.raises(errors.Conflict):
        client.remove_container(container)
    client.remove_container({"Id": container}, v=True, force=True)
    with pytest.raises(errors.NotFound):
        client.inspect_container(container)


# -- wait -----------------------------------------------------------------------------------------


def test_wait_returns_the_exit_code(client: Client, make: Make) -> None:
    container = make(["sh", "-c", "exit 3"], start=True)
    assert client.wait(container, timeout=20)["StatusCode"] == 3
    assert client.wait({"Id": container})["StatusCode"] == 3


def test_wait_timeout_runs_out(client: Client, make: Make) -> None:
    container = make(["sleep", "30"], start=True)
    started = time.monotonic()
    with pytest.raises(errors.DockerTimeout) as info:
        client.wait(container, timeout=1)
    assert time.monotonic() - started < 5
    assert isinstance(info.value, requests.exceptions.ReadTimeout)
    assert f"container {container} did not stop within 1 seconds" in str(info.value)
    assert running(client, container)
    for bad in [0, -1, "1", True]:
        with pytest.raises(errors.InvalidArgument):
            client.wait(container, timeout=bad)


def test_wait_condition(client: Client, make: Make) -> None:
    if not has(client, "POST /containers/{id}/wait condition"):
        container = make(["true"])
        with pytest.raises(errors.InvalidVersion, match="1.30"):
            client.wait(container, condition="not-running")
        return
    created = make(["sh", "-c", "sleep 1; exit 5"])
    # next-exit waits for the exit still to come, not-running for a container not running now
    waiter: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: waiter.update(client.wait(created, timeout=20,
                                                                      condition="next-exit")))
    thread.start()
    time.sleep(0.3)
    client.start(created)
    thread.join(20)
    assert waiter["StatusCode"] == 5
    assert client.wait(created, condition="not-running", timeout=5)["StatusCode"] == 5

    doomed = make(["sleep", "30"], start=True)
    threading.Timer(1, client.remove_container, args=(doomed,), kwargs={"force": True}).start()
    assert client.wait(doomed, condition="removed", timeout=20)["StatusCode"] == 137
    # An unknown condition is sent, as docker-py sends it: the daemon judges it.
    try:
        answer = client.wait(created, condition="bogus", timeout=10)
    except errors.APIError as exc:  # a daemon that checks conditions
        assert exc.is_client_error() or exc.is_server_error()
    else:  # Docker Engine 20.10 waits as for "not-running"
        assert answer["StatusCode"] == 5
    with pytest.raises(errors.DockerTimeout, match="condition 'next-exit'"):
        client.wait(created, condition="next-exit", timeout=0.5)


# -- logs -----------------------------------------------------------------------------------------

# The log driver keeps a line without its newline until the stream ends: only the last one may.
INTERLEAVED = ("echo out1; usleep 100000; echo err1 >&2; usleep 100000; echo out2; usleep 100000; "
               "echo err2 >&2; usleep 100000; printf '\\001\\377 binary'")


def test_logs_interleaved_exact_and_demuxed(client: Client, make: Make) -> None:
    container = make(["sh", "-c", INTERLEAVED], start=True)
    assert client.wait(container, timeout=20)["StatusCode"] == 0
    everything = b"out1\nerr1\nout2\nerr2\n\x01\xff binary"
    assert client.logs(container) == everything
    assert client.logs(container, demux=True) == (b"out1\nout2\n\x01\xff binary", b"err1\nerr2\n")
    assert client.logs(container, stderr=False) == b"out1\nout2\n\x01\xff binary"
    assert client.logs(container, stdout=False, demux=True) == (None, b"err1\nerr2\n")
    with client.logs(container, stream=True) as chunks:
        items = list(chunks)
    assert all(isinstance(item, bytes) for item in items) and b"".join(items) == everything
    with client.logs(container, stream=True, demux=True) as pairs:
        items = list(pairs)
    assert all(isinstance(p, tuple) and (p[0] is None) != (p[1] is None) for p in items)
    assert b"".join(p[0] for p in items if p[0]) == b"out1\nout2\n\x01\xff binary"
    assert b"".join(p[1] for p in items if p[1]) == b"err1\nerr2\n"
    assert client.logs(container, tail=1) == b"\x01\xff binary"
    assert client.logs(container, tail="2") == b"err2\n\x01\xff binary"
    assert client.logs(container, tail=0) == b""
    stamped = client.logs(container, timestamps=True).split(b"\n")
    assert stamped[0].endswith(b" out1") and stamped[0][:4].isdigit()
    future = datetime.now(timezone.utc) + timedelta(hours=1)
    assert client.logs(container, since=future) == b""
    assert client.logs(container, since=0) == everything
    assert client.logs(container, tail=-1) == client.logs(container, tail="x") == everything  # "all"
    for bad in [{"since": -5}, {"since": "yesterday"}]:
        with pytest.raises(errors.InvalidArgument):
            client.logs(container, **bad)
    with pytest.raises(errors.APIError):  # the daemon's to refuse, as with docker-py
        client.logs(container, stdout=False, stderr=False)


def test_logs_until_needs_1_35(client: Client, make: Make) -> None:
    container = make(["echo", "hello"], start=True)
    client.wait(container, timeout=20)
    if not has(client, "GET /containers/{id}/logs until"):
        with pytest.raises(errors.InvalidVersion, match="1.35"):
            client.logs(container, until=time.time())
        return
    assert client.logs(container, until=time.time() + 60) == b"hello\n"
    assert client.logs(container, until=datetime(2000, 1, 1, tzinfo=timezone.utc)) == b""


def test_logs_of_a_tty_container_are_raw(client: Client, make: Make) -> None:
    container = make(["sh", "-c", "echo out; echo err >&2"], start=True, Tty=True)
    client.wait(container, timeout=20)
    assert client.logs(container) == b"out\r\nerr\r\n"
    assert client.logs(container, demux=True) == (b"out\r\nerr\r\n", None)
    with client.logs(container, stream=True, demux=True) as pairs:
        items = list(pairs)
    assert b"".join(p[0] for p in items if p[0]) == b"out\r\nerr\r\n"
    assert all(p[1] is None for p in items)


def test_logs_follow_ends_when_the_container_exits(client: Client, make: Make) -> None:
    container = make(["sh", "-c", "echo a; sleep 1; echo b >&2; sleep 0.5; echo c"], start=True)
    started = time.monotonic()
    with client.logs(container, stream=True, follow=True) as chunks:
        output = b"".join(chunks)
    assert output == b"a\nb\nc\n"
    assert 1 <= time.monotonic() - started < 15
    assert not running(client, container)
    # follow without stream: all the output once the container is done
    other = make(["sh", "-c", "sleep 0.5; echo late"], start=True)
    assert client.logs(other, follow=True) == b"late\n"


def test_logs_one_long_line_is_exact(client: Client, make: Make) -> None:
    size = 3 * MiB + 17  # far beyond the log driver's 16 KiB messages
    container = make(["sh", "-c", f"head -c {size} /dev/zero | tr '\\0' 'a'"], start=True)
    client.wait(container, timeout=30)
    assert client.logs(container) == b"a" * size


LINE = ("0123456789abcdef" * 64)[:1023]
BIG = 100 * MiB


def _expected_big_log() -> tuple[int, str]:
    digest = hashlib.sha256()
    block = (LINE + "\n").encode() * 1024  # 1 MiB
    for _ in range(BIG // len(block)):
        digest.update(block)
    return BIG, digest.hexdigest()


@pytest.mark.heavy
def test_logs_100_mib_streamed_and_whole(client: Client, make: Make,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    expected_size, expected_sha = _expected_big_log()
    # The daemon's default for the local driver keeps 5 files of 20 MB: make room for it all.
    log_config = {"Type": "local", "Config": {"max-size": "1g"}}
    container = make(["sh", "-c", f"yes {LINE} | head -c {BIG}"], start=True,
                     HostConfig={"LogConfig": log_config})
    digest = hashlib.sha256()
    size = 0
    started = time.monotonic()
    with client.logs(container, stream=True, follow=True) as chunks:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
    followed = time.monotonic() - started
    assert (size, digest.hexdigest()) == (expected_size, expected_sha)
    assert client.wait(container, timeout=30)["StatusCode"] == 0

    started = time.monotonic()
    whole = client.logs(container)
    took = time.monotonic() - started
    assert len(whole) == expected_size and hashlib.sha256(whole).hexdigest() == expected_sha
    del whole
    with capsys.disabled():
        print(f"\n[logs 100 MiB] follow (while written): {BIG / MiB / followed:.0f} MiB/s, "
              f"whole after exit: {BIG / MiB / took:.0f} MiB/s")


# -- stats ----------------------------------------------------------------------------------------


def test_stats_one_and_stream(client: Client, make: Make) -> None:
    container = make(["sleep", "30"], start=True)
    one = client.stats(container, stream=False)
    assert isinstance(one, dict) and "memory_stats" in one and "read" in one
    with client.stats(container, decode=True) as documents:
        first_two = [next(documents), next(documents)]
    assert documents.closed
    assert all(isinstance(d, dict) and "cpu_stats" in d for d in first_two)
    assert first_two[0]["read"] != first_two[1]["read"]
    with client.stats(container) as raw:
        item = next(raw)
    assert isinstance(item, bytes) and "cpu_stats" in json.loads(item)
    with pytest.raises(errors.InvalidArgument):
        client.stats(container, decode=True, stream=False)
    if has(client, "GET /containers/{id}/stats one-shot"):
        assert "memory_stats" in client.stats(container, stream=False, one_shot=True)
        with pytest.raises(errors.InvalidArgument):
            client.stats(container, one_shot=True)
    else:
        with pytest.raises(errors.InvalidVersion, match="1.41"):
            client.stats(container, stream=False, one_shot=True)


# -- archives ------------------------------------------------------------------------------------


def _tar(entries: list[tuple[str, str, int, bytes | str]]) -> bytes:
    """A tar of (name, kind 'dir'|'file'|'link', mode, content or link target) entries."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, kind, mode, content in entries:
            info = tarfile.TarInfo(name)
            info.mode = mode
            info.mtime = 1_600_000_000
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif kind == "link":
                info.type = tarfile.SYMTYPE
                info.linkname = str(content)
                tar.addfile(info)
            else:
                data = content if isinstance(content, bytes) else content.encode()
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


TREE: list[tuple[str, str, int, bytes | str]] = [
    ("rt", "dir", 0o755, b""),
    ("rt/a.txt", "file", 0o640, b"alpha\n"),
    ("rt/run.sh", "file", 0o755, b"#!/bin/sh\necho run\n"),
    ("rt/link", "link", 0o777, "a.txt"),
    ("rt/sub", "dir", 0o700, b""),
    ("rt/sub/blob.bin", "file", 0o600, bytes(range(256)) * 400),
]


def _members(data: bytes) -> dict[str, tuple[str, int, bytes | str]]:
    found: dict[str, tuple[str, int, bytes | str]] = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar:
            name = member.name.rstrip("/")
            if member.isdir():
                found[name] = ("dir", member.mode & 0o7777, b"")
            elif member.issym():
                found[name] = ("link", 0o777, member.linkname)
            else:
                extracted = tar.extractfile(member)
                assert extracted is not None
                found[name] = ("file", member.mode & 0o7777, extracted.read())
    return found


def test_archive_round_trip(client: Client, make: Make) -> None:
    container = make(["true"])
    assert client.put_archive(container, "/tmp", _tar(TREE)) is True
    bits, stat = client.get_archive(container, "/tmp/rt")
    with bits:
        data = b"".join(bits)
    assert stat is not None and stat["name"] == "rt" and stat["mode"] & (1 << 31)
    assert _members(data) == {name: (kind, mode, content) for name, kind, mode, content in TREE}

    stat = client.stat_archive(container, "/tmp/rt/a.txt")
    assert (stat["name"], stat["size"], stat["mode"], stat["linkTarget"]) == ("a.txt", 6, 0o640, "")
    assert set(stat) >= {"mtime"}
    # the daemon reports a symlink's target resolved to an absolute path
    assert client.stat_archive(container, "/tmp/rt/link")["linkTarget"] == "/tmp/rt/a.txt"
    # contents only, in fixed-size chunks, and gzip on the wire
    bits, _ = client.get_archive(container, "/tmp/rt/sub/.", chunk_size=1000)
    chunks = list(bits)
    assert all(len(c) == 1000 for c in chunks[:-1]) and 0 < len(chunks[-1]) <= 1000
    assert {n.split("/")[-1] for n in _members(b"".join(chunks))} >= {"blob.bin"}
    bits, _ = client.get_archive(container, "/tmp/rt", chunk_size=None, encode_stream=True)
    with bits:
        assert _members(b"".join(bits)) == _members(data)
    with pytest.raises(errors.NotFound):
        client.get_archive(container, "/tmp/nope")
    with pytest.raises(errors.NotFound):
        client.stat_archive(container, "/tmp/nope")
    with pytest.raises(errors.APIError):  # the daemon's to refuse, as with docker-py
        client.get_archive(container, "")


def test_put_archive_bodies_and_options(client: Client, make: Make, tmp_path: Path) -> None:
    container = make(["true"])
    archive = _tar([("f.txt", "file", 0o644, b"from a file\n")])
    path = tmp_path / "a.tar"
    path.write_bytes(archive)
    with path.open("rb") as f:
        assert client.put_archive(container, "/tmp", f)
    assert client.stat_archive(container, "/tmp/f.txt")["size"] == 12

    generated = _tar([("g.txt", "file", 0o644, b"x" * 5000)])
    chunks = (generated[i:i + 777] for i in range(0, len(generated), 777))
    assert client.put_archive(container, "/tmp", chunks)
    as_list = _tar([("l.txt", "file", 0o644, b"listed")])
    assert client.put_archive(container, "/tmp", [as_list[:100], bytearray(as_list[100:])])
    assert client.stat_archive(container, "/tmp/g.txt")["size"] == 5000
    assert client.stat_archive(container, "/tmp/l.txt")["size"] == 6

    for bad in ["text", None, 42, io.StringIO("text")]:
        with pytest.raises(errors.InvalidArgument):
            client.put_archive(container, "/tmp", bad)
    with pytest.raises(errors.InvalidArgument):
        client.put_archive(container, "/tmp", iter(["text chunk"]))
    with pytest.raises(errors.NotFound):
        client.put_archive(container, "/no/such/dir", archive)

    # a file where a directory is: refused with noOverwriteDirNonDir
    client.put_archive(container, "/tmp", _tar([("d", "dir", 0o755, b"")]))
    clash = _tar([("d", "file", 0o644, b"not a dir")])
    with pytest.raises(errors.APIError) as info:
        client.put_archive(container, "/tmp", clash, no_overwrite_dir_non_dir=True)
    assert "cannot overwrite directory" in (info.value.explanation or ""), info.value

    if has(client, "PUT /containers/{id}/archive copyUIDGID"):
        owned = _tar([("owned.txt", "file", 0o644, b"o")])
        assert client.put_archive(container, "/tmp", owned, copy_uid_gid=True)
    else:
        with pytest.raises(errors.InvalidVersion, match="1.30"):
            client.put_archive(container, "/tmp", archive, copy_uid_gid=True)


_UPLOAD_SCRIPT = r"""
import json, resource, sys, tarfile
from docker_client import Client

base_url, version, container, size = sys.argv[1], sys.argv[2] or None, sys.argv[3], int(sys.argv[4])

def archive():
    info = tarfile.TarInfo("big.bin")
    info.size = size
    info.mode = 0o644
    yield info.tobuf(format=tarfile.USTAR_FORMAT)
    block = bytes(range(256)) * 4096
    for _ in range(size // len(block)):
        yield block
    yield b"\0" * 1024

client = Client(base_url=base_url, version=version)
client.ping()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
client.put_archive(container, "/tmp", archive())
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kib": before, "after_kib": after}))
"""


@pytest.mark.heavy
def test_put_archive_streams_in_constant_memory(client: Client, make: Make, daemon: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    container = make(["true"])
    size = 300 * MiB
    root = Path(docker_client.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _UPLOAD_SCRIPT, daemon, client.api_version, container,
                           str(size)], env=env, capture_output=True, text=True, timeout=120)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    usage = json.loads(done.stdout)
    grown = (usage["after_kib"] - usage["before_kib"]) / 1024
    assert grown < 64, f"put_archive of 300 MiB grew the peak RSS by {grown:.0f} MiB"
    stat = client.stat_archive(container, "/tmp/big.bin")
    assert stat["size"] == size
    with capsys.disabled():
        print(f"\n[put_archive 300 MiB] peak RSS growth {grown:.1f} MiB, {size / MiB / took:.0f} MiB/s")


def test_export_and_copy(client: Client, make: Make) -> None:
    container = make(["true"])
    client.put_archive(container, "/tmp", _tar(TREE))
    exported = client.export(container, chunk_size=64 * 1024)
    chunks = list(exported)
    assert all(len(c) == 64 * 1024 for c in chunks[:-1])
    with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as tar:
        names = set(tar.getnames())
    assert "bin/busybox" in names or "bin/sh" in names
    assert "tmp/rt/a.txt" in names
    with client.export(container, chunk_size=None) as stream:
        assert next(stream)

    with client.copy(container, "/tmp/rt") as copied:
        members = _members(b"".join(copied))
    assert members["rt/a.txt"] == ("file", 0o640, b"alpha\n")
    # the old copy() handed back a file-like raw response: read() still works
    with client.copy(container, "/tmp/rt/a.txt") as copied:
        with tarfile.open(fileobj=copied, mode="r|") as tar:
            member = tar.next()
            assert member is not None and member.name == "a.txt"
            extracted = tar.extractfile(member)
            assert extracted is not None and extracted.read() == b"alpha\n"
    with pytest.raises(errors.NotFound):
        client.copy(container, "/tmp/nope")


# -- commit and prune ------------------------------------------------------------------------------


def test_commit(client: Client, make: Make, made_images: list[str],
                unique_name: Callable[[str], str]) -> None:
    container = make(["sh", "-c", "echo committed > /marker"], start=True)
    client.wait(container, timeout=20)
    repository = f"dctest/{unique_name('commit')}"
    answer = client.commit(container, repository=repository, tag="t1", message="a message",
                           author="Tester <t@example.com>", changes=["ENV A=1", "LABEL x=y"],
                           conf={"Cmd": ["cat", "/marker"]})
    made_images.append(answer["Id"])
    image = client._result(client._get(client._url("/images/{0}/json", f"{repository}:t1")), json=True)
    assert image["Id"] == answer["Id"]
    assert image["Comment"] == "a message" and image["Author"] == "Tester <t@example.com>"
    assert "A=1" in image["Config"]["Env"] and image["Config"]["Labels"]["x"] == "y"
    assert image["Config"]["Cmd"] == ["cat", "/marker"]
    plain = client.commit({"Id": container}, changes="ENV B=2", pause=False)
    made_images.append(plain["Id"])
    assert plain["Id"].startswith("sha256:")


def test_prune_containers(client: Client, make: Make, unique_name: Callable[[str], str]) -> None:
    token = unique_name("prune")
    stopped = make(["true"], Labels={"dctest.prune": token})
    alive = make(["sleep", "30"], start=True, Labels={"dctest.prune": token})
    if not has(client, "POST /containers/prune"):
        with pytest.raises(errors.InvalidVersion, match="1.25"):
            client.prune_containers()
        return
    answer = client.prune_containers(filters={"label": f"dctest.prune={token}"})
    assert answer["ContainersDeleted"] == [stopped]
    assert isinstance(answer["SpaceReclaimed"], int)
    assert running(client, alive)
    with pytest.raises(errors.NotFound):
        client.inspect_container(stopped)
