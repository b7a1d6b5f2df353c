"""ssh:// against the private daemon's sshd, with paramiko and with the ssh program.

The harness (scripts/privdaemon.py) runs sshd on 127.0.0.1:2222 inside its network namespace
and exports DC_TEST_SSH_HOST, DC_TEST_SSH_CONFIG (Host 127.0.0.1: Port, User, IdentityFile,
StrictHostKeyChecking no...) and DC_TEST_SSH_KEY. Every test gets a fresh $HOME whose
.ssh/config it may rewrite; the ssh program is pointed at it with -F.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from docker_client import Client
from docker_client.errors import DockerConnectionError
from docker_client.transport.ssh import SSHHTTPAdapter, connection_socket

# The same words as tests/conftest.py's daemon skip, so that its DAEMON-SKIPS count sees these.
_SKIP_REASON = "no private test daemon (run the tests with scripts/test)"


@dataclass
class SSHEnv:
    url: str
    home: Path
    config_text: str
    key: str

    @property
    def config_path(self) -> Path:
        return self.home / ".ssh" / "config"

    def write_config(self, text: str) -> None:
        self.config_path.write_text(text, encoding="utf-8")


@pytest.fixture
def ssh_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SSHEnv:
    if not os.environ.get("DC_TEST_DAEMON"):
        pytest.skip(_SKIP_REASON)
    url = os.environ.get("DC_TEST_SSH_HOST")
    config = os.environ.get("DC_TEST_SSH_CONFIG")
    key = os.environ.get("DC_TEST_SSH_KEY")
    if not url or not config or not key:
        pytest.fail("DC_TEST_DAEMON=1 but DC_TEST_SSH_HOST, DC_TEST_SSH_CONFIG or DC_TEST_SSH_KEY "
                    "is not set: is scripts/privdaemon.py's sshd running?")
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True, mode=0o700)
    text = Path(config).read_text(encoding="utf-8")
    env = SSHEnv(url=url, home=home, config_text=text, key=key)
    env.write_config(text)
    monkeypatch.setenv("HOME", str(home))
    return env


@pytest.fixture(params=[False, True], ids=["paramiko", "ssh-program"])
def shell_out(request: pytest.FixtureRequest) -> bool:
    if not request.param:
        pytest.importorskip("paramiko")
    elif shutil.which("ssh") is None:
        pytest.skip("no ssh program")
    return bool(request.param)


@pytest.fixture
def make_client(ssh_env: SSHEnv, shell_out: bool) -> Iterator[Any]:
    made: list[Client] = []

    def make(url: str | None = None, **kwargs: Any) -> Client:
        kwargs.setdefault("timeout", 30)
        client = Client(base_url=url or ssh_env.url, use_ssh_client=shell_out, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def _adapter(client: Client) -> SSHHTTPAdapter:
    adapter = client.get_adapter("http+docker://ssh/_ping")
    assert isinstance(adapter, SSHHTTPAdapter)
    return adapter


def _ssh_children() -> list[tuple[int, str]]:
    """(pid, state) of this process's children running ssh, zombies included."""
    found = []
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        state, ppid = stat[stat.rindex(")") + 2:].split()[:2]
        if int(ppid) == me and comm == "ssh":
            found.append((int(entry), state))
    return found


def _paramiko_transports() -> list[threading.Thread]:
    import paramiko

    return [t for t in threading.enumerate() if isinstance(t, paramiko.Transport) and t.is_alive()]


def _keygen(path: Path) -> None:
    keygen = shutil.which("ssh-keygen")
    if keygen is None:
        pytest.skip("no ssh-keygen")
    subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


# -- working connections ---------------------------------------------------------------------


def test_version_and_ping(make_client: Any) -> None:
    client = make_client()
    assert client.version()["ApiVersion"]
    assert client.ping() is True


def test_sequential_calls_reuse_connections(make_client: Any) -> None:
    client = make_client()
    for _ in range(20):
        assert client.version()["Version"]
    assert 1 <= _adapter(client).opened_connections <= 2


def test_calls_from_several_threads(make_client: Any) -> None:
    client = make_client()
    client.version()

    def work(_: int) -> list[bool]:
        return [client.ping() for _ in range(5)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    assert results == [[True] * 5] * 8
    assert _adapter(client).opened_connections <= 9


def test_close_leaves_nothing_running(make_client: Any, shell_out: bool) -> None:
    before = _ssh_children() if shell_out else _paramiko_transports()
    client = make_client()
    client.version()
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert all(pool.map(lambda _: client.ping(), range(6)))
    if shell_out:
        assert len(_ssh_children()) > len(before)
    client.close()
    if shell_out:
        assert _ssh_children() == before  # none left, not even a zombie
    else:
        assert _paramiko_transports() == before


def test_client_works_again_after_close(make_client: Any) -> None:
    client = make_client()
    assert client.ping()
    client.close()
    assert client.ping()


def test_reconnects_after_the_ssh_connection_drops(make_client: Any, shell_out: bool) -> None:
    client = make_client()
    assert client.ping()
    adapter = _adapter(client)
    if shell_out:
        for pid, _ in _ssh_children():
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _ssh_children() and time.monotonic() < deadline:  # until the reaper has seen it
            time.sleep(0.02)
    else:
        transport = adapter._opener._client.get_transport()  # type: ignore[union-attr]
        transport.close()
    assert client.ping()
    assert adapter.opened_connections == 2


def test_stream_outlives_close_of_other_connections(make_client: Any) -> None:
    client = make_client()
    # events until 2 s from now: the stream holds its connection that long (a window already
    # past can come whole with the head, and then its connection is free again at once)
    with client._get(client._url("/events"), params={"since": 0, "until": int(time.time()) + 2},
                     stream=True) as events:
        assert events.status_code == 200
        assert client.ping()  # a second connection while the stream holds the first
        for _ in events.iter_content(4096):
            pass
    assert _adapter(client).opened_connections == 2


# -- ~/.ssh/config -----------------------------------------------------------------------------


def test_config_supplies_port_and_user(make_client: Any) -> None:
    # The URL names neither: Port 2222 and User root come from the Host 127.0.0.1 entry.
    assert make_client("ssh://127.0.0.1").ping()


def test_config_host_alias(make_client: Any, ssh_env: SSHEnv) -> None:
    ssh_env.write_config(
        "Host dockerbox\n  HostName 127.0.0.1\n  Port 2222\n  User root\n"
        f"  IdentityFile {ssh_env.key}\n  IdentitiesOnly yes\n  StrictHostKeyChecking no\n"
        "  UserKnownHostsFile /dev/null\n  BatchMode yes\n  LogLevel ERROR\n"
    )
    assert make_client("ssh://dockerbox").ping()


def test_known_host_key_accepted_when_strict(make_client: Any, ssh_env: SSHEnv) -> None:
    keyscan = shutil.which("ssh-keyscan")
    if keyscan is None:
        pytest.skip("no ssh-keyscan")
    scanned = subprocess.run([keyscan, "-p", "2222", "-t", "ed25519", "127.0.0.1"], check=True,
                             capture_output=True, text=True).stdout
    assert "ssh-ed25519" in scanned
    known_hosts = ssh_env.home / ".ssh" / "known_hosts"
    known_hosts.write_text(scanned, encoding="utf-8")
    ssh_env.write_config(
        ssh_env.config_text.replace("StrictHostKeyChecking no", "StrictHostKeyChecking yes")
        .replace("UserKnownHostsFile /dev/null", f"UserKnownHostsFile {known_hosts}")
    )
    assert make_client().ping()


def test_proxy_command(make_client: Any, ssh_env: SSHEnv, tmp_path: Path) -> None:
    relay = tmp_path / "relay.py"
    relay.write_text(_RELAY, encoding="utf-8")
    used = tmp_path / "proxy-used"
    proxy = f"  ProxyCommand {sys.executable} {relay} %h %p {used}\n"
    ssh_env.write_config(ssh_env.config_text.replace("Host 127.0.0.1\n", "Host 127.0.0.1\n" + proxy))
    client = make_client()
    assert client.ping()
    assert client.version()["ApiVersion"]
    assert used.read_text().startswith("127.0.0.1 2222")


_RELAY = """
import os, selectors, socket, sys
with open(sys.argv[3], "a") as f:
    f.write(f"{sys.argv[1]} {sys.argv[2]}\\n")
sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
sel = selectors.DefaultSelector()
sel.register(0, selectors.EVENT_READ)
sel.register(sock, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj == 0:
            data = os.read(0, 65536)
            if not data:
                sel.unregister(0)
                sock.shutdown(socket.SHUT_WR)
            else:
                sock.sendall(data)
        else:
            data = sock.recv(65536)
            if not data:
                sys.exit(0)
            view = memoryview(data)
            while view:
                view = view[os.write(1, view):]
"""


# -- failures ----------------------------------------------------------------------------------


def test_unreachable_port(make_client: Any) -> None:
    client = make_client("ssh://root@127.0.0.1:1")
    with pytest.raises(DockerConnectionError) as caught:
        client.ping()
    message = str(caught.value)
    assert "ssh://root@127.0.0.1:1" in message
    # paramiko's own error, or ssh's stderr ("ssh: connect to host 127.0.0.1 port 1: ...")
    assert "Connection refused" in message


def test_unknown_user(make_client: Any, shell_out: bool) -> None:
    client = make_client("ssh://nosuchuser@127.0.0.1:2222")
    with pytest.raises(DockerConnectionError) as caught:
        client.ping()
    message = str(caught.value)
    assert "nosuchuser" in message
    assert ("Permission denied" if shell_out else "authentication") in message


def test_wrong_key(make_client: Any, ssh_env: SSHEnv, shell_out: bool) -> None:
    wrong = ssh_env.home / "wrong_key"
    _keygen(wrong)
    ssh_env.write_config(ssh_env.config_text.replace(ssh_env.key, str(wrong)))
    client = make_client()
    with pytest.raises(DockerConnectionError) as caught:
        client.ping()
    message = str(caught.value)
    assert "127.0.0.1" in message
    assert ("Permission denied (publickey)" if shell_out else str(wrong)) in message


def test_unknown_host_key_refused(make_client: Any, ssh_env: SSHEnv) -> None:
    ssh_env.write_config(ssh_env.config_text.replace("StrictHostKeyChecking no",
                                                     "StrictHostKeyChecking yes"))
    client = make_client()
    with pytest.raises(DockerConnectionError) as caught:
        client.ping()
    assert "host key" in str(caught.value).lower()
    assert "127.0.0.1" in str(caught.value)


# -- hijacked connections -------------------------------------------------------------------------


def _demux(data: bytes) -> bytes:
    out = b""
    while data:
        _, size = struct.unpack(">BxxxL", data[:8])
        out += data[8:8 + size]
        data = data[8 + size:]
    return out


@pytest.mark.parametrize("upgrade", [False, True], ids=["raw-stream", "upgrade"])
def test_attach_write_and_half_close(make_client: Any, upgrade: bool) -> None:
    client = make_client(version="1.41")
    image = os.environ.get("DC_TEST_IMAGE", "dctest/busybox:latest")
    created = client._result(client._post_json(client._url("/containers/create"), data={
        "Image": image, "Cmd": ["cat"], "OpenStdin": True, "StdinOnce": True,
        "AttachStdin": True, "AttachStdout": True, "AttachStderr": True,
    }), json=True)
    container = created["Id"]
    try:
        headers = {"Connection": "Upgrade", "Upgrade": "tcp"} if upgrade else {}
        response = client._post(client._url("/containers/{0}/attach", container), headers=headers,
                                params={"stream": 1, "stdin": 1, "stdout": 1, "stderr": 1},
                                stream=True)
        with response:
            assert response.status_code == (101 if upgrade else 200)
            sock = connection_socket(response)
            client._post(client._url("/containers/{0}/start", container)).close()
            sock.sendall(b"hello over ssh\n")
            sock.shutdown(socket.SHUT_WR)  # cat sees end of input and exits
            # after a 101 as after a 200, the output is the body, read until the daemon closes
            data = response.raw.read()
        assert _demux(data) == b"hello over ssh\n"
    finally:
        client._delete(client._url("/containers/{0}", container), params={"force": 1}).close()


# -- speed -------------------------------------------------------------------------------------


def test_ping_latency(make_client: Any, shell_out: bool, capsys: pytest.CaptureFixture[str]) -> None:
    client = make_client()
    client.ping()
    count = 100
    start = time.perf_counter()
    for _ in range(count):
        client.ping()
    per_call = (time.perf_counter() - start) / count
    with capsys.disabled():
        mode = "ssh program" if shell_out else "paramiko"
        print(f"\n  ssh:// ping over {mode}: {per_call * 1000:.2f} ms per call")
    assert per_call < 0.5
    assert _adapter(client).opened_connections == 1
