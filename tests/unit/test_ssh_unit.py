"""The ssh:// transport without an sshd: arguments, config merging, the socket objects, and the
whole adapter driven through a fake ``ssh`` program that relays to a scripted HTTP server."""
from __future__ import annotations

import gc
import os
import socket
import stat
import sys
import threading
import time
from pathlib import Path

import pytest

from docker_client import Client
from docker_client.env import parse_address
from docker_client.errors import DockerConnectionError, DockerException
from docker_client.transport import ssh
from docker_client.transport.ssh import (
    ProcessSocket,
    SSHHTTPAdapter,
    connection_socket,
    proxy_jump_command,
    read_ssh_config,
    ssh_program_command,
)

from .sockserver import Reply, SockServer, head


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    return home


def _children(name: str) -> list[int]:
    """Pids of this process's children whose command name is ``name`` (zombies too)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        ppid = int(text[text.rindex(")") + 2:].split()[1])
        if ppid == os.getpid() and comm == name:
            found.append(int(entry))
    return found


# -- the ssh program's arguments ---------------------------------------------------------------


def test_program_arguments_full(home: Path) -> None:
    (home / ".ssh" / "config").write_text("Host *\n  LogLevel ERROR\n")
    argv = ssh_program_command(parse_address("ssh://alice@example.com:2200"), "/usr/bin/ssh")
    assert argv == ["/usr/bin/ssh", "-F", str(home / ".ssh" / "config"), "-p", "2200",
                    "-l", "alice", "-T", "--", "example.com", "docker", "system", "dial-stdio"]


def test_program_arguments_minimal(home: Path) -> None:
    # No config under $HOME, port 22, no user: ssh's own defaults and config apply.
    argv = ssh_program_command(parse_address("ssh://example.com"))
    assert argv == ["ssh", "-T", "--", "example.com", "docker", "system", "dial-stdio"]


def test_program_arguments_no_f_for_the_accounts_own_config(home: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    (home / ".ssh" / "config").write_text("")
    class Entry:
        pw_dir = str(home)

    monkeypatch.setattr(pwd, "getpwuid", lambda uid: Entry())
    assert "-F" not in ssh_program_command(parse_address("ssh://example.com"))


def test_program_arguments_ipv6_and_dash_host(home: Path) -> None:
    argv = ssh_program_command(parse_address("ssh://[::1]:2222"))
    assert argv[-5:] == ["--", "::1", "docker", "system", "dial-stdio"]


def test_proxy_jump_arguments() -> None:
    settings = ssh.SSHSettings(hostname="10.0.0.5", port=2222, proxy_jump="bastion, bob@gw:2200")
    assert proxy_jump_command(settings, "ssh", config_path="") == [
        "ssh", "-J", "bastion", "-W", "10.0.0.5:2222", "--", "ssh://bob@gw:2200",
    ]
    settings = ssh.SSHSettings(hostname="::1", proxy_jump="gw")
    assert proxy_jump_command(settings, "ssh", config_path="/c") == [
        "ssh", "-F", "/c", "-W", "[::1]:22", "--", "gw",
    ]


# -- ~/.ssh/config for paramiko ----------------------------------------------------------------


def test_config_fills_what_the_url_leaves_out(home: Path) -> None:
    pytest.importorskip("paramiko")
    key = home / ".ssh" / "id_test"
    key.write_text("not really a key")
    (home / ".ssh" / "config").write_text(
        "Host box\n  HostName 10.1.2.3\n  Port 2222\n  User carol\n"
        "  IdentityFile ~/.ssh/id_test\n  IdentityFile ~/.ssh/missing\n  IdentitiesOnly yes\n"
        "  ServerAliveInterval 15\n"
    )
    settings = read_ssh_config(parse_address("ssh://box"))
    assert (settings.hostname, settings.port, settings.username) == ("10.1.2.3", 2222, "carol")
    assert settings.key_filenames == [str(key)]
    assert settings.look_for_keys is False
    assert settings.allow_agent is False
    assert settings.accept_unknown_host_keys is False
    assert settings.keepalive_interval == 15
    assert settings.proxy_command is None


def test_url_values_win_over_config(home: Path) -> None:
    pytest.importorskip("paramiko")
    (home / ".ssh" / "config").write_text("Host box\n  Port 2222\n  User carol\n")
    settings = read_ssh_config(parse_address("ssh://dave@box:2300"))
    assert (settings.hostname, settings.port, settings.username) == ("box", 2300, "dave")
    assert settings.look_for_keys is True
    assert settings.allow_agent is True


def test_no_config_file(home: Path) -> None:
    pytest.importorskip("paramiko")
    settings = read_ssh_config(parse_address("ssh://box"))
    assert (settings.hostname, settings.port, settings.username) == ("box", 22, None)


def test_host_key_checking_and_known_hosts(home: Path) -> None:
    pytest.importorskip("paramiko")
    known = home / "known"
    known.write_text("")
    (home / ".ssh" / "config").write_text(
        f"Host a\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null {known}\n"
        "  GlobalKnownHostsFile /dev/null\n"
        "Host b\n  StrictHostKeyChecking accept-new\n"
        "Host c\n  StrictHostKeyChecking yes\n"
    )
    a = read_ssh_config(parse_address("ssh://a"))
    assert a.accept_unknown_host_keys is True
    assert a.known_hosts_files == [str(known)]
    assert read_ssh_config(parse_address("ssh://b")).accept_unknown_host_keys is True
    assert read_ssh_config(parse_address("ssh://c")).accept_unknown_host_keys is False
    assert read_ssh_config(parse_address("ssh://d")).accept_unknown_host_keys is False


def test_proxy_settings(home: Path) -> None:
    pytest.importorskip("paramiko")
    (home / ".ssh" / "config").write_text(
        "Host p\n  ProxyCommand nc %h %p\n  ProxyJump ignored\n"
        "Host j\n  ProxyJump gw\n"
        "Host n\n  ProxyCommand none\n"
    )
    p = read_ssh_config(parse_address("ssh://p"))
    assert p.proxy_command == "nc p 22"
    assert p.proxy_jump is None
    assert read_ssh_config(parse_address("ssh://j")).proxy_jump == "gw"
    assert read_ssh_config(parse_address("ssh://n")).proxy_command is None


def test_paramiko_missing(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "paramiko", None)
    with pytest.raises(DockerException, match=r"pip install docker_client\[ssh\]"):
        Client(base_url="ssh://box")
    # The ssh program needs no paramiko.
    Client(base_url="ssh://box", use_ssh_client=True).close()


def test_paramiko_connects_lazily(home: Path) -> None:
    pytest.importorskip("paramiko")
    # Nothing listens at this address: only a request would find out.
    with Client(base_url="ssh://root@127.0.0.1:1") as client:
        adapter = client.get_adapter("http+docker://ssh/")
        assert isinstance(adapter, SSHHTTPAdapter)
        assert adapter.opened_connections == 0


def test_paramiko_unreachable(home: Path) -> None:
    pytest.importorskip("paramiko")
    with Client(base_url="ssh://root@127.0.0.1:1", version="1.41") as client:
        with pytest.raises(DockerConnectionError,
                           match=r"at ssh://root@127\.0\.0\.1:1: .*Connection refused"):
            client.ping()


# -- the socket over a program ------------------------------------------------------------------


def test_process_socket_round_trip_and_half_close() -> None:
    sock = ProcessSocket(["cat"], "test")
    try:
        sock.settimeout(10)
        assert sock.gettimeout() == 10
        sock.sendall(b"hello ")
        sock.sendall(b"world")
        sock.shutdown(socket.SHUT_WR)  # cat sees EOF, echoes the rest and exits
        data = b""
        while True:
            piece = sock.recv(3)
            if not piece:
                break
            data += piece
        assert data == b"hello world"
        assert sock.process.exited.wait(10)
        assert sock.process.returncode == 0
    finally:
        sock.close()
    assert sock.closed


def test_process_socket_close_waits_for_files() -> None:
    sock = ProcessSocket(["cat"], "test")
    reader = sock.makefile("rb")
    writer = sock.makefile("wb", buffering=0)
    writer.write(b"line one\nline two\n")
    assert reader.readline() == b"line one\n"
    sock.close()  # as http.client does when a response takes the connection over
    assert not sock.closed
    assert reader.readline() == b"line two\n"
    writer.close()
    assert not sock.closed
    pid = sock.process.popen.pid
    reader.close()
    assert sock.closed
    assert sock.process.exited.is_set()
    assert pid not in _children("cat")


def test_process_socket_reports_program_failure() -> None:
    sock = ProcessSocket([sys.executable, "-c",
                          "import sys; sys.stderr.write('ssh: no route to host\\n'); sys.exit(255)"],
                         "ssh://box:22")
    try:
        with pytest.raises(DockerConnectionError) as caught:
            sock.sendall(b"GET /_ping HTTP/1.1\r\n\r\n")
            sock.recv(100)
        message = str(caught.value)
        assert "ssh://box:22" in message
        assert "exited with status 255" in message
        assert "no route to host" in message
    finally:
        sock.close()


def test_process_socket_clean_end_is_not_a_failure() -> None:
    with ProcessSocket(["true"], "test") as sock:
        assert sock.recv(10) == b""
        assert sock.recv(10) == b""


def test_process_socket_close_stops_the_program() -> None:
    sock = ProcessSocket(["sleep", "60"], "test")
    pid = sock.process.popen.pid
    assert pid in _children("sleep")
    sock.close()
    assert sock.process.returncode is not None
    assert pid not in _children("sleep")


def test_unclosed_process_socket_is_still_reaped() -> None:
    sock = ProcessSocket(["cat"], "test")
    process = sock.process
    inner = sock.sock
    del sock
    gc.collect()
    # A socket dropped unclosed warns (as any socket would); the program sees EOF and exits.
    with pytest.warns(ResourceWarning):
        del inner
        gc.collect()
    assert process.exited.wait(10)


# -- the socket over a paramiko channel (a stand-in channel) -----------------------------------


class FakeChannel:
    """What ChannelSocket uses of a paramiko Channel."""

    def __init__(self, data: bytes = b"", status: int = 0, stderr: bytes = b"") -> None:
        self.incoming = bytearray(data)
        self.status_event = threading.Event()
        self.status_event.set()
        self.exit_status = status
        self.stderr = bytearray(stderr)
        self.sent = bytearray()
        self.eof_sent = False
        self.closed = False
        self.timeout: float | None = None

    def recv(self, nbytes: int) -> bytes:
        piece = bytes(self.incoming[:nbytes])
        del self.incoming[:nbytes]
        return piece

    def send(self, data: bytes) -> int:
        self.sent += data
        return len(data)

    def sendall(self, data: bytes) -> None:
        self.sent += data

    def recv_stderr_ready(self) -> bool:
        return bool(self.stderr)

    def recv_stderr(self, nbytes: int) -> bytes:
        piece = bytes(self.stderr[:nbytes])
        del self.stderr[:nbytes]
        return piece

    def shutdown(self, how: int) -> None:
        if how in (socket.SHUT_WR, socket.SHUT_RDWR):
            self.eof_sent = True

    def settimeout(self, timeout: float | None) -> None:
        self.timeout = timeout

    def gettimeout(self) -> float | None:
        return self.timeout

    def close(self) -> None:
        self.closed = True

    def get_transport(self) -> None:
        return None


def test_channel_socket_io_and_half_close() -> None:
    channel = FakeChannel(b"HTTP/1.1 200 OK\r\n\r\nrest")
    sock = ssh.ChannelSocket(channel, "ssh://h:22")  # type: ignore[arg-type]
    sock.sendall(b"GET / HTTP/1.1\r\n\r\n")
    assert sock.send(b"x") == 1
    sock.shutdown(socket.SHUT_WR)
    assert channel.eof_sent
    sock.settimeout(5)
    assert sock.gettimeout() == 5
    reader = sock.makefile("rb")
    assert reader.readline() == b"HTTP/1.1 200 OK\r\n"
    sock.close()
    assert not channel.closed  # the file still reads
    assert reader.read() == b"\r\nrest"
    reader.close()
    assert channel.closed
    assert bytes(channel.sent) == b"GET / HTTP/1.1\r\n\r\nx"


def test_channel_socket_reports_remote_failure() -> None:
    channel = FakeChannel(status=127, stderr=b"bash: docker: command not found\n")
    sock = ssh.ChannelSocket(channel, "ssh://h:22")  # type: ignore[arg-type]
    with pytest.raises(DockerConnectionError) as caught:
        sock.recv(10)
    assert str(caught.value) == (
        "cannot connect to the Docker daemon at ssh://h:22: `docker system dial-stdio` on the "
        "ssh server exited with status 127: bash: docker: command not found"
    )


def test_channel_socket_clean_end() -> None:
    sock = ssh.ChannelSocket(FakeChannel(b"ab"), "ssh://h:22")  # type: ignore[arg-type]
    buffer = bytearray(10)
    assert sock.recv_into(buffer) == 2
    assert sock.recv_into(buffer) == 0


def test_our_error_is_unwrapped_from_requests() -> None:
    import requests
    import urllib3.exceptions

    ours = DockerConnectionError("cannot connect: because")
    wrapped = requests.exceptions.ConnectionError(
        urllib3.exceptions.ProtocolError("Connection aborted.", ours))
    assert ssh._docker_error_in(wrapped) is ours
    assert ssh._docker_error_in(requests.exceptions.ConnectionError("plain")) is None


# -- the adapter through a fake ssh program -----------------------------------------------------

_FAKE_SSH = """#!{python}
import os, selectors, socket, sys
with open(os.environ["FAKE_SSH_LOG"], "a") as log:
    log.write(repr(sys.argv[1:]) + "\\n")
if os.environ.get("FAKE_SSH_FAIL"):
    sys.stderr.write(os.environ["FAKE_SSH_FAIL"] + "\\n")
    sys.exit(255)
sock = socket.create_connection(("127.0.0.1", int(os.environ["FAKE_SSH_PORT"])))
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

_PING = head(200, {"Api-Version": "1.41", "Content-Type": "text/plain"}, length=2) + b"OK"


@pytest.fixture
def fake_ssh(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "ssh"
    program.write_text(_FAKE_SSH.format(python=sys.executable))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "ssh.log"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_SSH_LOG", str(log))
    (home / ".ssh" / "config").write_text("Host *\n  LogLevel ERROR\n")
    return log


def test_ssh_program_end_to_end(fake_ssh: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with SockServer(Reply([_PING], end="keep"), Reply([_PING], end="keep"),
                    Reply([_PING], end="close")) as server:
        monkeypatch.setenv("FAKE_SSH_PORT", str(server.port))
        with Client(base_url="ssh://alice@box.example:2200", version="1.41",
                    use_ssh_client=True) as client:
            assert client.ping() is True
            assert client.ping() is True
            assert client.ping() is True
            adapter = client.get_adapter("http+docker://ssh/")
            assert isinstance(adapter, SSHHTTPAdapter)
            assert adapter.opened_connections == 1
        assert server.requests[0].startswith(b"GET /v1.41/_ping HTTP/1.1")
    calls = fake_ssh.read_text().splitlines()
    assert calls == [repr(["-F", str(home / ".ssh" / "config"), "-p", "2200", "-l", "alice", "-T",
                           "--", "box.example", "docker", "system", "dial-stdio"])]
    deadline = time.monotonic() + 5
    while _children("ssh") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _children("ssh") == []


def test_ssh_program_failure_carries_its_stderr(fake_ssh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SSH_FAIL", "ssh: connect to host box.example port 22: Connection refused")
    with Client(base_url="ssh://box.example", version="1.41", use_ssh_client=True) as client:
        with pytest.raises(DockerConnectionError) as caught:
            client.ping()
    message = str(caught.value)
    assert message.startswith("cannot connect to the Docker daemon at ssh://box.example:22: ")
    assert "ssh exited with status 255: ssh: connect to host box.example port 22: Connection refused" \
        in message
    assert _children("ssh") == []


def test_ssh_program_missing(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with Client(base_url="ssh://box.example", version="1.41", use_ssh_client=True) as client:
        with pytest.raises(DockerException, match="not on PATH") as caught:
            client.ping()
    assert not isinstance(caught.value, DockerConnectionError)


def test_connection_socket_of_a_hijacked_response(fake_ssh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    upgraded = head(101, {"Connection": "Upgrade", "Upgrade": "tcp"})
    with SockServer(Reply([upgraded, b"stream data"], end="hold")) as server:
        monkeypatch.setenv("FAKE_SSH_PORT", str(server.port))
        with Client(base_url="ssh://box.example", version="1.41", use_ssh_client=True) as client:
            response = client._post(client._url("/containers/x/attach"), stream=True,
                                    headers={"Connection": "Upgrade", "Upgrade": "tcp"})
            with response:
                sock = connection_socket(response)
                sock.settimeout(10)
                # the transport may have read past the head: read through the response.
                assert response.raw.read(11) == b"stream data"
                sock.shutdown(socket.SHUT_WR)
                assert server.client_closed.wait(10)


def test_connection_socket_of_another_response() -> None:
    with SockServer(Reply([_PING])) as server:
        with Client(base_url=server.url, version="1.41") as client:
            response = client._get(client._url("/_ping"), stream=True)
            with response:
                with pytest.raises(DockerException, match="no open ssh:// connection"):
                    connection_socket(response)
