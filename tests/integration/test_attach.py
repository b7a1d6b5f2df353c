"""Attach against the private daemon: docker-py's attach forms, attach_socket (hijacked HTTP and
WebSocket, over the unix socket, TCP and TLS), and the duplex (10 MB through ``cat``, half-close,
exit codes, read timeouts) over the unix socket, TCP, TLS and ssh.
"""
from __future__ import annotations

import hashlib
import os
import socket
import time
from typing import Any, Callable

import pytest

from docker_client import Client, errors, streams
from docker_client.streams import STDERR, STDOUT, iter_frames, iter_socket

from .test_exec import ERR_2000, INTERLEAVED, MB, OUT_2000, Make, make, remote_client, start

__all__ = ["make", "remote_client"]  # the fixtures, shared with test_exec.py

#: A container whose stdin ends when the attached client half-closes.
STDIN_ONCE = {"OpenStdin": True, "StdinOnce": True, "AttachStdin": True, "AttachStdout": True,
              "AttachStderr": True}


def cat_round_trip(client: Client, make: Make, size: int) -> float:
    """Attach to a new ``cat`` container, send ``size`` random bytes, check them; MiB/s each way."""
    container = make(["cat"], start=False, on=client, **STDIN_ONCE)
    data = os.urandom(size)
    with client.attach_duplex(container) as cat:
        start(client, container)
        started = time.perf_counter()
        out, err = cat.communicate(data, timeout=120)
        seconds = time.perf_counter() - started
        assert (len(out), err) == (len(data), b"")
        assert hashlib.sha256(out).hexdigest() == hashlib.sha256(data).hexdigest()
        assert cat.wait(10) == 0  # the half-close ended cat, and with it the container
    return size / MB / seconds


def test_attach_duplex_10_mb_through_cat(client: Client, make: Make) -> None:
    speed = cat_round_trip(client, make, 10 * MB)
    print(f"\nattach cat round trip (unix): {speed:.0f} MiB/s each way")


def test_attach_duplex_half_close_and_exit_code(client: Client, make: Make) -> None:
    container = make(["sh", "-c", "cat; echo stdin ended >&2; exit 3"], start=False, **STDIN_ONCE)
    with client.attach_duplex(container) as duplex:
        start(client, container)
        duplex.write(b"hello\n")
        assert duplex.read(timeout=10) == (STDOUT, b"hello\n")
        duplex.close_stdin()
        assert duplex.read(timeout=10) == (STDERR, b"stdin ended\n")
        assert duplex.read(timeout=10) is None
        assert duplex.wait(10) == 3 and duplex.exit_code == 3


def test_attach_duplex_read_timeout_and_interleaving(client: Client, make: Make) -> None:
    container = make(["sh", "-c", "sleep 1; " + INTERLEAVED], start=False)
    with client.attach_duplex(container, stdin=False) as duplex:
        start(client, container)
        with pytest.raises(errors.DockerTimeout):
            duplex.read(timeout=0.2)
        assert duplex.read_all(timeout=30) == (OUT_2000, ERR_2000)
        assert duplex.wait(10) == 0


def test_attach_duplex_tty_is_raw(client: Client, make: Make) -> None:
    container = make(["sh", "-c", "read line; echo got $line; echo e >&2"], start=False, Tty=True,
                     **STDIN_ONCE)
    with client.attach_duplex(container) as duplex:
        assert duplex.tty
        start(client, container)
        duplex.write(b"word\n")
        out, err = duplex.read_all(timeout=10)
        assert err == b"" and out.endswith(b"got word\r\ne\r\n")
        assert duplex.wait(10) == 0


def test_attach_forms(client: Client, make: Make) -> None:
    command = ["sh", "-c", "sleep 0.5; echo out; echo err >&2"]
    container = make(command, start=False)
    with client.attach(container, stream=True) as pieces:
        start(client, container)
        assert sorted(b"".join(pieces).splitlines()) == [b"err", b"out"]
    container = make(command, start=False)
    pairs = client.attach(container, stream=True, demux=True)
    start(client, container)
    assert streams.collect(pairs, demux=True) == (b"out\n", b"err\n")
    client._result(client._post(client._url("/containers/{0}/wait", container)))
    # an ended container's output, by logs=True
    assert client.attach(container, logs=True, demux=True) == (b"out\n", b"err\n")
    assert client.attach({"Id": container}, logs=True, stderr=False) == b"out\n"
    assert client.attach(container) == b""  # neither logs nor stream: nothing
    container = make(["sh", "-c", INTERLEAVED], start=False)
    pairs = client.attach(container, stream=True, demux=True)
    start(client, container)
    assert streams.collect(pairs, demux=True) == (OUT_2000, ERR_2000)
    tty = make(["echo", "tty"], start=False, Tty=True)
    output = client.attach(tty, stream=True)
    start(client, tty)
    assert b"".join(output) == b"tty\r\n"


def test_attach_errors(client: Client, make: Make) -> None:
    with pytest.raises(errors.NotFound):
        client.attach("no-such-container", stream=True)
    with pytest.raises(errors.NotFound):
        client.attach_duplex("no-such-container")
    with pytest.raises(errors.NotFound):
        client.attach_socket("no-such-container")
    with pytest.raises(errors.NotFound):
        client.attach_socket("no-such-container", ws=True)
    with pytest.raises(errors.NullResource):
        client.attach_duplex("")


def test_attach_socket_http(client: Client, make: Make) -> None:
    container = make(["sh", "-c", "cat; echo done >&2"], start=False, **STDIN_ONCE)
    sock = client.attach_socket(container, {"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
    with sock:
        assert isinstance(sock, streams.HijackedSocket)
        start(client, container)
        sock.sendall(b"raw socket\n")
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(10)
        frames = list(iter_frames(iter_socket(sock)))
    assert streams.collect(streams.demux(frames), demux=True) == (b"raw socket\n", b"done\n")


def ws_bytes(message: Any) -> bytes:
    """A WebSocket message, which is bytes at every API version (text frames before 1.28)."""
    assert isinstance(message, bytes), f"recv() gave {type(message).__name__}, not bytes"
    return message


@pytest.mark.podman_refuses("websocket attach")
@pytest.mark.parametrize("kind", ["unix", "tcp", "tls", "ssh", "ssh-program"])
def test_attach_socket_websocket(client: Client, make: Make, remote_client: Callable[[str], Client],
                                 kind: str) -> None:
    pytest.importorskip("websocket")
    user = client if kind == "unix" else remote_client(kind)
    container = make(["sh", "-c", "echo ready; read line; echo got $line; sleep 0.2"], OpenStdin=True)
    ws = user.attach_socket(container, {"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1, "logs": 1},
                            ws=True)
    try:
        ws.settimeout(10)
        received = b""
        while b"ready\n" not in received:
            received += ws_bytes(ws.recv())
        ws.send_binary(b"over " + kind.encode() + b"\n")
        while b"got over" not in received:
            received += ws_bytes(ws.recv())
        assert received.endswith(b"got over " + kind.encode() + b"\n")
    finally:
        ws.close()


@pytest.mark.parametrize("kind", ["tcp", "tls", "ssh-program"])
def test_attach_over_other_transports(make: Make, remote_client: Callable[[str], Client], kind: str) -> None:
    remote = remote_client(kind)
    size = 4 * MB if kind in ("tcp", "tls") else MB
    speed = cat_round_trip(remote, make, size)
    print(f"\nattach cat round trip ({kind}): {speed:.0f} MiB/s each way")
    container = make(["sh", "-c", "cat; echo bye >&2; exit 6"], start=False, on=remote, **STDIN_ONCE)
    with remote.attach_duplex(container) as duplex:
        start(remote, container)
        duplex.write(b"over " + kind.encode())
        duplex.close_stdin()  # the half-close goes through this transport and ends cat
        assert duplex.read_all(timeout=20) == (b"over " + kind.encode(), b"bye\n")
        assert duplex.wait(10) == 6
    container = make(["sh", "-c", INTERLEAVED], start=False, on=remote)
    pairs = remote.attach(container, stream=True, demux=True)
    start(remote, container)
    assert streams.collect(pairs, demux=True) == (OUT_2000, ERR_2000)
