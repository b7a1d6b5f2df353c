"""Exec against the private daemon: docker-py's exec_start forms, exact demultiplexing, and the
duplex (10 MB through ``cat``, half-close, exit codes, read timeouts) over the unix socket, TCP,
TLS and ssh. Containers are made with raw calls and always force-removed.

The fixtures ``make`` and ``remote_client`` are shared with test_attach.py.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from docker_client import Client, TLSConfig, errors, streams
from docker_client.streams import STDERR, STDOUT, iter_frames, iter_socket

from ..conftest import API_VERSION, TEST_IMAGE
from .conftest import env_or_fail

MB = 1024 * 1024
Make = Callable[..., str]
INTERLEAVED = "for i in $(seq 1 2000); do echo out$i; echo err$i >&2; done"
OUT_2000 = b"".join(b"out%d\n" % i for i in range(1, 2001))
ERR_2000 = b"".join(b"err%d\n" % i for i in range(1, 2001))


@pytest.fixture
def make(client: Client) -> Iterator[Make]:
    """Create containers with the raw API (started unless ``start=False``), through ``on`` (a
    client of another transport) if given; all force-removed afterwards."""
    made: list[str] = []

    def create(cmd: list[str], start: bool = True, on: Client | None = None, **config: Any) -> str:
        owner = on or client
        body = {"Image": TEST_IMAGE, "Cmd": cmd, "Labels": {"dctest": "exec-attach"}, **config}
        ident = owner._result(owner._post_json(owner._url("/containers/create"), data=body), json=True)["Id"]
        made.append(ident)
        if start:
            owner._result(owner._post(owner._url("/containers/{0}/start", ident)))
        return str(ident)

    yield create
    for ident in made:  # the same daemon whatever the transport: removed through `client`
        client._delete(client._url("/containers/{0}", ident), params={"force": 1, "v": 1}).close()


def start(client: Client, container: str) -> None:
    client._result(client._post(client._url("/containers/{0}/start", container)))


def tls_config() -> TLSConfig:
    certs = env_or_fail("DC_TEST_CERT_PATH")
    return TLSConfig(client_cert=(f"{certs}/cert.pem", f"{certs}/key.pem"), ca_cert=f"{certs}/ca.pem",
                     verify=True)


@pytest.fixture
def remote_client(daemon: str, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Client]]:
    """Clients over the other transports: "tcp", "tls", "ssh" (paramiko), "ssh-program"."""
    made: list[Client] = []

    def make_client(kind: str) -> Client:
        if kind == "tcp":
            made.append(Client(base_url=env_or_fail("DC_TEST_TCP_HOST"), version=API_VERSION))
        elif kind == "tls":
            made.append(Client(base_url=env_or_fail("DC_TEST_TLS_HOST"), tls=tls_config(),
                               version=API_VERSION))
        else:
            if kind == "ssh":
                pytest.importorskip("paramiko")
            elif shutil.which("ssh") is None:
                pytest.skip("no ssh program")
            home = tmp_path / "home"
            (home / ".ssh").mkdir(parents=True, mode=0o700, exist_ok=True)
            (home / ".ssh" / "config").write_text(Path(env_or_fail("DC_TEST_SSH_CONFIG")).read_text())
            monkeypatch.setenv("HOME", str(home))
            made.append(Client(base_url=env_or_fail("DC_TEST_SSH_HOST"), version=API_VERSION,
                               use_ssh_client=kind == "ssh-program", timeout=30))
        return made[-1]

    yield make_client
    for c in made:
        c.close()


def has(client: Client, version: str) -> bool:
    major, minor = client.api_version.split(".")
    wanted = version.split(".")
    return (int(major), int(minor)) >= (int(wanted[0]), int(wanted[1]))


# -- docker-py's forms ---------------------------------------------------------------------------


def test_exec_start_forms(client: Client, make: Make) -> None:
    container = make(["sleep", "60"])
    command = "sh -c 'echo out; echo err >&2'"
    output = client.exec_start(client.exec_create(container, command))
    assert isinstance(output, bytes) and sorted(output.splitlines()) == [b"err", b"out"]
    assert client.exec_start(client.exec_create(container, command), demux=True) == (b"out\n", b"err\n")
    only_out = client.exec_create(container, command, stderr=False)
    assert client.exec_start(only_out, demux=True) == (b"out\n", None)
    with client.exec_start(client.exec_create(container, command), stream=True) as pieces:
        assert sorted(b"".join(pieces).splitlines()) == [b"err", b"out"]
    pairs = list(client.exec_start(client.exec_create(container, command), stream=True, demux=True))
    assert all(isinstance(p, tuple) and (p[0] is None) != (p[1] is None) for p in pairs)
    assert streams.collect(pairs, demux=True) == (b"out\n", b"err\n")

    detached = client.exec_create(container, ["sh", "-c", "exit 4"])
    assert client.exec_start(detached, detach=True) == ""
    deadline = time.monotonic() + 10
    while client.exec_inspect(detached)["Running"] and time.monotonic() < deadline:
        time.sleep(0.02)
    info = client.exec_inspect(detached["Id"])
    assert info["ExitCode"] == 4 and info["ProcessConfig"]["entrypoint"] == "sh"

    sock = client.exec_start(client.exec_create(container, ["cat"], stdin=True), socket=True)
    with sock:
        assert isinstance(sock, streams.HijackedSocket)
        sock._sock.sendall(b"through the socket\n")  # as docker-py code writes
        sock.shutdown(__import__("socket").SHUT_WR)
        sock.settimeout(10)
        assert list(iter_frames(iter_socket(sock))) == [(STDOUT, b"through the socket\n")]


def test_exec_interleaved_output_is_demultiplexed_exactly(client: Client, make: Make) -> None:
    container = make(["sleep", "60"])
    assert client.exec_start(client.exec_create(container, ["sh", "-c", INTERLEAVED]),
                             demux=True) == (OUT_2000, ERR_2000)
    pairs = client.exec_start(client.exec_create(container, ["sh", "-c", INTERLEAVED]),
                              stream=True, demux=True)
    assert streams.collect(pairs, demux=True) == (OUT_2000, ERR_2000)
    with client.exec_start_duplex(client.exec_create(container, ["sh", "-c", INTERLEAVED])) as duplex:
        assert duplex.read_all(timeout=30) == (OUT_2000, ERR_2000)
        assert duplex.wait(10) == 0
    mixed = client.exec_start(client.exec_create(container, ["sh", "-c", INTERLEAVED]))
    # Without demux the two streams share one byte string; the shell may write a line in several
    # pieces, so only the bytes (not whole lines) are certain to match.
    assert len(mixed) == len(OUT_2000) + len(ERR_2000)
    assert sorted(mixed) == sorted(OUT_2000 + ERR_2000)


def test_exec_output_throughput(client: Client, make: Make) -> None:
    """32 MiB of output: exact, and measured (with the exec's start, about half a second)."""
    container = make(["sleep", "60"])
    exec_id = client.exec_create(container, ["sh", "-c", "head -c 33554432 /dev/zero"])
    started = time.perf_counter()
    output = client.exec_start(exec_id)
    seconds = time.perf_counter() - started
    assert output == bytes(32 * MB)
    print(f"\nexec output: {32 / seconds:.0f} MiB/s")


# -- the duplex ------------------------------------------------------------------------------------


def cat_round_trip(client: Client, container: str, size: int) -> float:
    """Send ``size`` random bytes through ``cat`` in an exec; check them; return MiB/s each way."""
    data = os.urandom(size)
    exec_id = client.exec_create(container, ["cat"], stdin=True)
    started = time.perf_counter()
    with client.exec_start_duplex(exec_id) as cat:
        out, err = cat.communicate(data, timeout=120)
        seconds = time.perf_counter() - started
        assert (len(out), err) == (len(data), b"")
        assert hashlib.sha256(out).hexdigest() == hashlib.sha256(data).hexdigest()
        assert cat.wait(10) == 0
        assert cat.exit_code == 0
    assert cat.closed
    return size / MB / seconds


def test_exec_duplex_10_mb_through_cat(client: Client, make: Make) -> None:
    container = make(["sleep", "60"])
    speed = cat_round_trip(client, container, 10 * MB)
    print(f"\nexec cat round trip (unix): {speed:.0f} MiB/s each way")


def test_exec_duplex_half_close_and_exit_code(client: Client, make: Make) -> None:
    container = make(["sleep", "60"])
    exec_id = client.exec_create(container, ["sh", "-c", "cat; echo stdin ended >&2; exit 3"], stdin=True)
    with client.exec_start_duplex(exec_id) as duplex:
        duplex.write(b"line 1\n")
        assert duplex.read(timeout=10) == (STDOUT, b"line 1\n")
        duplex.close_stdin()  # cat sees its end and exits; the output goes on
        assert duplex.read(timeout=10) == (STDERR, b"stdin ended\n")
        assert duplex.read(timeout=10) is None
        assert duplex.wait(10) == 3
    assert client.exec_inspect(exec_id)["ExitCode"] == 3


def test_exec_duplex_read_timeout(client: Client, make: Make) -> None:
    container = make(["sleep", "60"])
    exec_id = client.exec_create(container, ["sh", "-c", "sleep 1; echo late"])
    with client.exec_start_duplex(exec_id) as duplex:
        started = time.monotonic()
        with pytest.raises(errors.DockerTimeout):
            duplex.read(timeout=0.2)
        assert time.monotonic() - started < 0.9
        assert duplex.read(timeout=10) == (STDOUT, b"late\n")
        assert [*duplex] == []
        assert duplex.wait(5) == 0


def test_exec_tty_is_raw(client: Client, make: Make) -> None:
    container = make(["sleep", "60"])
    exec_id = client.exec_create(container, ["sh", "-c", "printf 'a\\nb'; printf e >&2"], tty=True)
    assert client.exec_start(exec_id, tty=True) == b"a\r\nbe"
    exec_id = client.exec_create(container, ["cat"], tty=True, stdin=True)
    with client.exec_start_duplex(exec_id, tty=True) as duplex:
        client.exec_resize(exec_id, height=20, width=90)
        duplex.write(b"typed\n")
        seen = b""
        while b"typed\r\n" not in seen:  # the TTY's echo, or cat's
            item = duplex.read(timeout=10)
            assert item is not None and item.stream == STDOUT
            seen += item.data
        duplex.write(b"\x04")  # ^D: the end of input on a TTY
        seen += duplex.read_all(timeout=10)[0]
        assert seen.count(b"typed\r\n") == 2  # echoed, then written by cat
        assert duplex.wait(10) == 0


def test_exec_create_options(client: Client, make: Make) -> None:
    container = make(["sleep", "60"])
    probe = ["sh", "-c", "echo $GREETING; pwd; id -u"]
    if has(client, "1.35"):
        exec_id = client.exec_create(container, probe, environment={"GREETING": "hi"}, workdir="/tmp",
                                     user="65534")
        assert client.exec_start(exec_id) == b"hi\n/tmp\n65534\n"
    elif has(client, "1.25"):
        exec_id = client.exec_create(container, probe, environment=["GREETING=hi"])
        assert client.exec_start(exec_id).startswith(b"hi\n")
        with pytest.raises(errors.InvalidVersion):
            client.exec_create(container, probe, workdir="/tmp")
    else:
        with pytest.raises(errors.InvalidVersion):
            client.exec_create(container, probe, environment={"GREETING": "hi"})


def test_exec_errors(client: Client, make: Make) -> None:
    stopped = make(["true"], start=False)
    with pytest.raises(errors.Conflict) as caught:
        client.exec_create(stopped, ["true"])
    assert "is not running" in (caught.value.explanation or "")

    container = make(["sleep", "60"])
    exec_id = client.exec_create(container, ["true"])
    client._result(client._post(client._url("/containers/{0}/pause", container)))
    try:
        with pytest.raises(errors.Conflict) as refused:
            client.exec_start(exec_id)
        assert refused.value.status_code == 409 and "paused" in (refused.value.explanation or "")
        with pytest.raises(errors.Conflict):
            client.exec_start_duplex(exec_id)
    finally:
        client._result(client._post(client._url("/containers/{0}/unpause", container)))
    client._result(client._post(client._url("/containers/{0}/kill", container)))
    client._result(client._post(client._url("/containers/{0}/wait", container)))
    with pytest.raises(errors.NotFound):  # a container's exec instances go when it stops
        client.exec_start(exec_id)

    for call in (lambda: client.exec_inspect("no-such-exec"), lambda: client.exec_start("no-such-exec"),
                 lambda: client.exec_start_duplex("no-such-exec"),
                 lambda: client.exec_resize("no-such-exec", height=10, width=10)):
        with pytest.raises(errors.NotFound) as missing:
            call()
        assert "no-such-exec" in (missing.value.explanation or "")
    with pytest.raises(errors.NotFound):
        client.exec_create("no-such-container", ["true"])


# -- other transports ----------------------------------------------------------------------------


# ssh with paramiko here, with the ssh program in test_attach.py: one duplex test each is enough.
@pytest.mark.parametrize("kind", ["tcp", "tls", "ssh"])
def test_exec_duplex_over_other_transports(client: Client, make: Make,
                                           remote_client: Callable[[str], Client], kind: str) -> None:
    remote = remote_client(kind)
    container = make(["sleep", "60"])
    size = 4 * MB if kind in ("tcp", "tls") else MB
    speed = cat_round_trip(remote, container, size)
    print(f"\nexec cat round trip ({kind}): {speed:.0f} MiB/s each way")
    exec_id = remote.exec_create(container, ["sh", "-c", "cat; echo bye >&2; exit 5"], stdin=True)
    with remote.exec_start_duplex(exec_id) as duplex:
        duplex.write(b"over " + kind.encode())
        duplex.close_stdin()  # a half-close through this transport ends cat
        assert duplex.read_all(timeout=20) == (b"over " + kind.encode(), b"bye\n")
        assert duplex.wait(10) == 5
    assert remote.exec_start(remote.exec_create(container, ["sh", "-c", INTERLEAVED]),
                             demux=True) == (OUT_2000, ERR_2000)
