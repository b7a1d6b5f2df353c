"""The ``ssh://`` adapter: HTTP to the daemon through ``docker system dial-stdio`` on the remote host.

Every HTTP connection in the pool is one ``docker system dial-stdio`` stream, opened one of two
ways:

* paramiko (the default): one ``paramiko.SSHClient`` per adapter, connected on the first
  request, not before; each HTTP connection is a session channel on it running the command.
  ``~/.ssh/config`` (``~`` is ``$HOME``) is read for Hostname, Port, User, IdentityFile,
  IdentitiesOnly, ProxyCommand, ProxyJump (run through the ``ssh`` program), ServerAliveInterval,
  StrictHostKeyChecking and the known-hosts files. A user or port in the URL wins over the config;
  port 22 counts as "not given", because the parsed address cannot tell ``:22`` from nothing.
  Unknown host keys are refused (as docker-py 7.1 does), unless the config says
  ``StrictHostKeyChecking no`` or ``accept-new``: then they are accepted quietly.
* the ``ssh`` program (``use_ssh_client=True``): each HTTP connection is one process,
  ``ssh [-F ~/.ssh/config] [-p PORT] [-l USER] -T -- HOST docker system dial-stdio``, run without a
  shell, its stdin and stdout one end of a ``socket.socketpair()``: the connection's socket is a
  real socket, and ``shutdown(SHUT_WR)`` reaches ssh as end of input. ``-F`` is passed only when
  ``$HOME`` points elsewhere than the account's home directory, because OpenSSH reads its own
  ``~/.ssh/config`` from the password database and ignores ``$HOME`` (and ``-F`` makes it skip
  ``/etc/ssh/ssh_config``). What ssh prints on stderr goes to a temporary file and ends up in the
  error when the connection fails. A daemon thread reaps each process as soon as it exits; closing
  the connection terminates it.

Errors: a connection that cannot be made raises
:class:`~docker_client.errors.DockerConnectionError` naming the address (``ssh://user@host:port``)
and saying why: ssh's or the remote command's own stderr, an authentication failure, an unknown
host key. paramiko missing, or no ``ssh`` program, raise :class:`~docker_client.errors.DockerException`.

Hijacked connections (attach, exec with stdin): a response's socket-like object is
:func:`connection_socket`\\ ``(response)``, an :class:`SSHSocket`: ``sendall``, ``send``, ``recv``,
``recv_into``, ``shutdown(socket.SHUT_WR)`` (an SSH EOF with paramiko, a socket half-close with the
ssh program), ``settimeout``, ``gettimeout``, ``setblocking``, ``fileno`` (select/poll-able) and
``close``. Read the stream through the response (``response.raw``) rather than ``recv``: the
transport may already hold the first bytes after the headers.
"""
from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

import requests

from ..env import DaemonAddress
from ..errors import DockerConnectionError, DockerException
from .adapter import Answer, DockerAdapter
from .http11 import BadResponse
from .pool import ConnectionPool

if TYPE_CHECKING:
    import paramiko

__all__ = ["SSHHTTPAdapter", "SSHSocket", "connection_socket", "ssh_program_command",
           "read_ssh_config", "SSHSettings"]

log = logging.getLogger(__name__)

#: The command run on the remote host; its stdin and stdout are a connection to the daemon.
DIAL_STDIO_COMMAND = ("docker", "system", "dial-stdio")
_DEFAULT_SSH_PORT = 22
#: How long to wait for ssh (or the remote command) to exit once its stream has ended, before
#: deciding whether the end was a failure.
_EXIT_WAIT_SECONDS = 3.0
#: How long a terminated ssh process gets before it is killed.
_STOP_GRACE_SECONDS = 2.0
#: How much of ssh's stderr is kept for error messages (the end of it).
_STDERR_TAIL_BYTES = 16 * 1024
_PARAMIKO_MISSING = ("ssh:// needs paramiko: pip install docker_client[ssh], "
                     "or use_ssh_client=True to use the ssh program")


# -- ~/.ssh/config ----------------------------------------------------------------------------


def user_ssh_config_path() -> str:
    """``$HOME/.ssh/config`` (whether or not it exists)."""
    return os.path.join(os.path.expanduser("~"), ".ssh", "config")


def _ssh_program_config() -> str | None:
    """The ``-F`` argument for the ssh program: the config under ``$HOME``, when OpenSSH would
    not read that very file by itself (it looks in the password database's home, not ``$HOME``)."""
    path = user_ssh_config_path()
    if not os.path.isfile(path):
        return None
    try:
        import pwd

        own = os.path.join(pwd.getpwuid(os.getuid()).pw_dir, ".ssh", "config")
    except (ImportError, KeyError, OSError):
        return path
    if os.path.realpath(own) == os.path.realpath(path):
        return None
    return path


def ssh_program_command(address: DaemonAddress, program: str = "ssh",
                        config_path: str | None = None) -> list[str]:
    """The argument list that runs ``docker system dial-stdio`` on ``address``'s host.

    Args:
        address: the parsed ``ssh://`` address.
        program: the ssh program's path.
        config_path: the ``-F`` file; ``None`` to decide from ``$HOME`` (see the module doc).
    """
    argv = [program]
    config = config_path if config_path is not None else _ssh_program_config()
    if config:
        argv += ["-F", config]
    if address.port and address.port != _DEFAULT_SSH_PORT:
        argv += ["-p", str(address.port)]
    if address.user:
        argv += ["-l", address.user]
    argv += ["-T", "--", address.host, *DIAL_STDIO_COMMAND]
    return argv


@dataclass
class SSHSettings:
    """What paramiko connects with: the URL's values merged with ``~/.ssh/config``'s."""

    hostname: str
    port: int = _DEFAULT_SSH_PORT
    username: str | None = None
    key_filenames: list[str] = field(default_factory=list)
    look_for_keys: bool = True
    allow_agent: bool = True
    proxy_command: str | None = None
    proxy_jump: str | None = None
    accept_unknown_host_keys: bool = False
    known_hosts_files: list[str] = field(default_factory=list)
    keepalive_interval: int = 0


def _config_value(host_config: Mapping[str, Any], key: str) -> str | None:
    value = host_config.get(key)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0] if value else None
    text = str(value).strip() if value is not None else ""
    return text or None


def read_ssh_config(address: DaemonAddress, config_path: str | None = None) -> SSHSettings:
    """Merge ``address`` with the matching ``Host`` entries of the ssh config (paramiko mode).

    Args:
        address: the parsed ``ssh://`` address.
        config_path: the config to read; default ``$HOME/.ssh/config``. A missing file is fine.

    Raises:
        DockerException: paramiko is not installed, or the config cannot be parsed.
    """
    paramiko = _import_paramiko()
    path = config_path or user_ssh_config_path()
    host_config: Mapping[str, Any] = {}
    if os.path.isfile(path):
        config = paramiko.SSHConfig()
        try:
            with open(path, encoding="utf-8") as f:
                config.parse(f)
            host_config = config.lookup(address.host)
        except (OSError, ValueError, LookupError, paramiko.SSHException) as exc:
            raise DockerException(f"cannot read the ssh config {path}: {exc}") from exc

    settings = SSHSettings(hostname=_config_value(host_config, "hostname") or address.host)
    configured_port = _config_value(host_config, "port")
    if address.port and address.port != _DEFAULT_SSH_PORT:
        settings.port = address.port
    elif configured_port:
        try:
            settings.port = int(configured_port)
        except ValueError:
            raise DockerException(f"invalid Port {configured_port!r} in {path}") from None
    settings.username = address.user or _config_value(host_config, "user")

    identity_files = [os.path.expanduser(str(p)) for p in host_config.get("identityfile") or []]
    settings.key_filenames = [p for p in identity_files if os.path.isfile(p)]
    # OpenSSH tries its default key files only when no IdentityFile is configured.
    settings.look_for_keys = not identity_files
    settings.allow_agent = (_config_value(host_config, "identitiesonly") or "no").lower() != "yes"

    proxy_command = _config_value(host_config, "proxycommand")
    if proxy_command and proxy_command.lower() != "none":
        settings.proxy_command = proxy_command
    proxy_jump = _config_value(host_config, "proxyjump")
    if proxy_jump and proxy_jump.lower() != "none" and not settings.proxy_command:
        settings.proxy_jump = proxy_jump

    strict = (_config_value(host_config, "stricthostkeychecking") or "ask").lower()
    settings.accept_unknown_host_keys = strict in ("no", "off", "accept-new")
    known: list[str] = []
    for key in ("userknownhostsfile", "globalknownhostsfile"):
        for entry in str(host_config.get(key) or "").split():
            known.append(os.path.expanduser(entry))
    if "globalknownhostsfile" not in host_config:
        known.append("/etc/ssh/ssh_known_hosts")
    # /dev/null and missing files are left out (isfile is False for both).
    settings.known_hosts_files = [p for p in known if os.path.isfile(p)]

    alive = _config_value(host_config, "serveraliveinterval")
    if alive and alive.isdigit():
        settings.keepalive_interval = int(alive)
    return settings


def _jump_destination(hop: str) -> str:
    """A ProxyJump hop (``[user@]host[:port]``) as an ssh destination argument."""
    if re.fullmatch(r"(?:[^@/]+@)?(?:\[[^\]]+\]|[^:\[\]/]+):\d+", hop):
        return "ssh://" + hop
    return hop


def proxy_jump_command(settings: SSHSettings, program: str = "ssh",
                       config_path: str | None = None) -> list[str]:
    """The ssh program's arguments that carry a connection to ``settings``' host over ProxyJump."""
    hops = [hop.strip() for hop in (settings.proxy_jump or "").split(",") if hop.strip()]
    if not hops:
        raise DockerException("empty ProxyJump")
    argv = [program]
    config = config_path if config_path is not None else _ssh_program_config()
    if config:
        argv += ["-F", config]
    if len(hops) > 1:
        argv += ["-J", ",".join(hops[:-1])]
    host = f"[{settings.hostname}]" if ":" in settings.hostname else settings.hostname
    argv += ["-W", f"{host}:{settings.port}", "--", _jump_destination(hops[-1])]
    return argv


def _import_paramiko() -> Any:
    try:
        import paramiko
    except ImportError:
        raise DockerException(_PARAMIKO_MISSING) from None
    return paramiko


def _find_program(name: str, purpose: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DockerException(
            f"{purpose} runs the {name!r} program, which is not on PATH: install the OpenSSH "
            "client" + (", or leave use_ssh_client off to use paramiko" if name == "ssh" else "")
        )
    return path


# -- socket-like objects ----------------------------------------------------------------------


class _SocketIO(io.RawIOBase):
    """The raw stream under ``SSHSocket.makefile()``, as ``socket.SocketIO`` is for sockets."""

    def __init__(self, sock: SSHSocket, mode: str) -> None:
        super().__init__()
        self._sock = sock
        self.socket = sock
        self._reading = "r" in mode
        self._writing = "w" in mode

    def readable(self) -> bool:
        return self._reading and not self.closed

    def writable(self) -> bool:
        return self._writing and not self.closed

    def readinto(self, buffer: Any) -> int:
        self._checkClosed()  # type: ignore[attr-defined]
        return self._sock.recv_into(buffer)

    def write(self, data: Any) -> int:
        self._checkClosed()  # type: ignore[attr-defined]
        return self._sock.send(data)

    def fileno(self) -> int:
        self._checkClosed()  # type: ignore[attr-defined]
        return self._sock.fileno()

    def close(self) -> None:
        if self.closed:
            return
        super().close()
        self._sock._drop_file()


class SSHSocket:
    """The socket-like end of one ``docker system dial-stdio`` stream.

    As with ``socket.socket``, :meth:`close` while files from :meth:`makefile` are still open
    defers the real close until the last of them is closed: http.client hands a response the
    connection that way.
    """

    def __init__(self, where: str, check_first_read: bool = True) -> None:
        self.where = where
        self._lock = threading.Lock()
        self._files = 0
        self._closing = False
        self._closed = False
        # Until the first byte arrives, an end of stream may mean that ssh (or the remote
        # command) failed: it is checked once, so that the error can say why.
        self._check_first_read = check_first_read

    # -- what the kinds of stream provide --

    def _recv_into(self, buffer: Any, nbytes: int) -> int:
        raise NotImplementedError

    def _send(self, data: Any) -> int:
        raise NotImplementedError

    def _sendall(self, data: Any) -> None:
        raise NotImplementedError

    def _failure(self) -> str | None:
        """Why the stream ended, when it ended because something failed."""
        raise NotImplementedError

    def _real_close(self) -> None:
        raise NotImplementedError

    def shutdown(self, how: int) -> None:
        """Stop reading (``SHUT_RD``), writing (``SHUT_WR``: the remote end sees EOF), or both."""
        raise NotImplementedError

    def settimeout(self, timeout: float | None) -> None:
        raise NotImplementedError

    def gettimeout(self) -> float | None:
        raise NotImplementedError

    def fileno(self) -> int:
        """A descriptor that select/poll report readable when data (or EOF) is waiting."""
        raise NotImplementedError

    def alive(self) -> bool:
        """False once the stream is known to be gone (closed, or its carrier ended)."""
        return not self._closed

    # -- the socket interface --

    def setblocking(self, flag: bool) -> None:
        self.settimeout(None if flag else 0.0)

    def recv_into(self, buffer: Any, nbytes: int = 0) -> int:
        try:
            count = self._recv_into(buffer, nbytes or memoryview(buffer).nbytes)
        except (BrokenPipeError, ConnectionResetError):
            # What was written may not have been read: the peer's end of the stream was
            # closed with data in it. That is ssh (or the command) failing, too.
            if self._check_first_read:
                self._raise_failure()
            raise
        if self._check_first_read:
            if count:
                self._check_first_read = False
            else:
                self._raise_failure()
        return count

    def recv(self, bufsize: int) -> bytes:
        buffer = bytearray(bufsize)
        count = self.recv_into(buffer, bufsize)
        return bytes(buffer[:count])

    def send(self, data: Any) -> int:
        try:
            return self._send(data)
        except (BrokenPipeError, ConnectionResetError):
            self._raise_failure()
            raise

    def sendall(self, data: Any) -> None:
        try:
            self._sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            self._raise_failure()
            raise

    def _raise_failure(self) -> None:
        self._check_first_read = False
        reason = self._failure()
        if reason:
            raise DockerConnectionError(f"cannot connect to the Docker daemon at {self.where}: {reason}")

    def makefile(self, mode: str = "r", buffering: int | None = None, *, encoding: str | None = None,
                 errors: str | None = None, newline: str | None = None) -> Any:
        """A file over the stream, as ``socket.makefile``: ``"rb"`` is what http.client asks for."""
        if not set(mode) <= {"r", "w", "b"}:
            raise ValueError(f"invalid mode {mode!r} (only 'r', 'w', 'b')")
        writing = "w" in mode
        reading = "r" in mode or not writing
        with self._lock:
            if self._closing:
                raise OSError("the ssh connection is closed")
            self._files += 1
        raw = _SocketIO(self, ("r" if reading else "") + ("w" if writing else ""))
        if buffering is None or buffering < 0:
            buffering = io.DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if "b" not in mode:
                raw.close()
                raise ValueError("unbuffered streams must be binary")
            return raw
        buffered: Any
        if reading and writing:
            buffered = io.BufferedRWPair(raw, raw, buffering)  # type: ignore[arg-type]
        elif reading:
            buffered = io.BufferedReader(raw, buffering)
        else:
            buffered = io.BufferedWriter(raw, buffering)
        if "b" in mode:
            return buffered
        return io.TextIOWrapper(buffered, encoding, errors, newline)

    def _drop_file(self) -> None:
        with self._lock:
            self._files -= 1
            done = self._closing and self._files <= 0 and not self._closed
            if done:
                self._closed = True
        if done:
            self._real_close()

    def close(self) -> None:
        """Close now, or when the last file from :meth:`makefile` is closed."""
        with self._lock:
            self._closing = True
            done = self._files <= 0 and not self._closed
            if done:
                self._closed = True
        if done:
            self._real_close()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> SSHSocket:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class ChannelSocket(SSHSocket):
    """A paramiko session channel running ``docker system dial-stdio``."""

    def __init__(self, channel: paramiko.Channel, where: str) -> None:
        super().__init__(where)
        self.channel = channel

    def _recv_into(self, buffer: Any, nbytes: int) -> int:
        data = self.channel.recv(nbytes)
        count = len(data)
        memoryview(buffer).cast("B")[:count] = data
        return count

    def _send(self, data: Any) -> int:
        return int(self.channel.send(data))

    def _sendall(self, data: Any) -> None:
        self.channel.sendall(data)

    def shutdown(self, how: int) -> None:
        self.channel.shutdown(how)

    def settimeout(self, timeout: float | None) -> None:
        self.channel.settimeout(timeout)

    def gettimeout(self) -> float | None:
        return self.channel.gettimeout()

    def fileno(self) -> int:
        return self.channel.fileno()

    def alive(self) -> bool:
        # A channel whose transport died is closed without becoming readable (no EOF arrives),
        # so select alone would not tell a pooled connection is dead.
        transport = self.channel.get_transport()
        return (super().alive() and not self.channel.closed and transport is not None
                and transport.is_active())

    def _failure(self) -> str | None:
        channel = self.channel
        channel.status_event.wait(_EXIT_WAIT_SECONDS)
        stderr = bytearray()
        while channel.recv_stderr_ready() and len(stderr) < _STDERR_TAIL_BYTES:
            chunk = channel.recv_stderr(4096)
            if not chunk:
                break
            stderr += chunk
        status = channel.exit_status if channel.status_event.is_set() else -1
        text = stderr.decode("utf-8", "replace").strip()
        if status in (0, -1) and not text:
            return None
        command = " ".join(DIAL_STDIO_COMMAND)
        shown = f"exited with status {status}" if status != -1 else "ended"
        return f"`{command}` on the ssh server {shown}" + (f": {text}" if text else "")

    def _real_close(self) -> None:
        self.channel.close()


class _Process:
    """A child program whose stderr goes to a temporary file, reaped by a daemon thread."""

    def __init__(self, argv: list[str], stdio: socket.socket,
                 on_exit: Callable[[_Process], None] | None = None) -> None:
        self.argv = argv
        self._stderr = tempfile.TemporaryFile()
        try:
            self.popen = subprocess.Popen(argv, stdin=stdio.fileno(), stdout=stdio.fileno(),
                                          stderr=self._stderr.fileno(), close_fds=True)
        except BaseException:
            self._stderr.close()
            raise
        self.stderr_tail = b""
        self.exited = threading.Event()
        self._on_exit = on_exit
        self._reaper = threading.Thread(target=self._reap, daemon=True,
                                        name=f"docker_client-ssh-reaper-{self.popen.pid}")
        self._reaper.start()

    def _reap(self) -> None:
        try:
            self.popen.wait()
        finally:
            try:
                size = self._stderr.seek(0, io.SEEK_END)
                self._stderr.seek(max(0, size - _STDERR_TAIL_BYTES))
                self.stderr_tail = self._stderr.read()
            except OSError:
                pass
            finally:
                self._stderr.close()
                self.exited.set()
                if self._on_exit is not None:
                    self._on_exit(self)

    @property
    def returncode(self) -> int | None:
        return self.popen.returncode if self.exited.is_set() else None

    def stop(self) -> None:
        """Terminate the program (killing it if it lingers) and wait until it is reaped."""
        for send in (self.popen.terminate, self.popen.kill):
            if self.exited.is_set():
                break
            try:
                send()
            except ProcessLookupError:
                pass
            self.exited.wait(_STOP_GRACE_SECONDS)
        self._reaper.join(_STOP_GRACE_SECONDS)

    def describe_failure(self, wait: float) -> str | None:
        """How the program ended, if it ended within ``wait`` seconds and not cleanly."""
        if not self.exited.wait(wait):
            return None
        status = self.popen.returncode
        text = self.stderr_tail.decode("utf-8", "replace").strip()
        if status == 0 and not text:
            return None
        name = os.path.basename(self.argv[0])
        if status is not None and status < 0:
            shown = f"{name} was killed by signal {-status}"
        else:
            shown = f"{name} exited with status {status}"
        return shown + (f": {text}" if text else " and printed nothing")


class ProcessSocket(SSHSocket):
    """One end of a socketpair whose other end is a program's stdin and stdout."""

    def __init__(self, argv: list[str], where: str, check_first_read: bool = True,
                 on_exit: Callable[[_Process], None] | None = None) -> None:
        super().__init__(where, check_first_read)
        ours, theirs = socket.socketpair()
        try:
            self.process = _Process(argv, theirs, on_exit)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.sock = ours

    def _recv_into(self, buffer: Any, nbytes: int) -> int:
        return self.sock.recv_into(buffer, nbytes)

    def _send(self, data: Any) -> int:
        return self.sock.send(data)

    def _sendall(self, data: Any) -> None:
        self.sock.sendall(data)

    def shutdown(self, how: int) -> None:
        self.sock.shutdown(how)

    def settimeout(self, timeout: float | None) -> None:
        self.sock.settimeout(timeout)

    def gettimeout(self) -> float | None:
        return self.sock.gettimeout()

    def fileno(self) -> int:
        return self.sock.fileno()

    def alive(self) -> bool:
        return super().alive() and not self.process.exited.is_set()

    def _failure(self) -> str | None:
        return self.process.describe_failure(_EXIT_WAIT_SECONDS)

    def _real_close(self) -> None:
        try:
            self.sock.close()
        finally:
            self.process.stop()


def connection_socket(response: requests.Response) -> SSHSocket:
    """The :class:`SSHSocket` under an ``ssh://`` response, for writing to a hijacked stream.

    Raises:
        DockerException: the response is not from an ssh:// client, or its stream is closed.
    """
    body = response.body if isinstance(response, Answer) else None
    sock = body.sock if body is not None else None
    if isinstance(sock, SSHSocket):
        return sock
    raise DockerException("the response has no open ssh:// connection (not an ssh:// client, "
                          "or its body was already read or closed)")


# -- opening dial-stdio streams ---------------------------------------------------------------


def _number(timeout: Any) -> float | None:
    return float(timeout) if isinstance(timeout, (int, float)) else None


class _ProgramOpener:
    """Opens each stream as one ``ssh ... docker system dial-stdio`` process."""

    def __init__(self, address: DaemonAddress) -> None:
        self.address = address
        self.where = address.where
        self.opened = 0
        self._lock = threading.Lock()
        self._live: set[_Process] = set()

    def open(self, timeout: float | None) -> SSHSocket:
        program = _find_program("ssh", "use_ssh_client=True")
        argv = ssh_program_command(self.address, program)
        log.debug("running %s", argv)
        try:
            sock = ProcessSocket(argv, self.where, on_exit=self._forget)
        except OSError as exc:
            raise DockerException(f"cannot run {program}: {exc}") from exc
        with self._lock:
            self.opened += 1
            if not sock.process.exited.is_set():
                self._live.add(sock.process)
        return sock

    def _forget(self, process: _Process) -> None:
        with self._lock:
            self._live.discard(process)

    def close(self) -> None:
        """Stop every ssh process still running (streams still being read end)."""
        with self._lock:
            live = list(self._live)
        for process in live:
            process.stop()


class _ParamikoOpener:
    """Opens each stream as a session channel on one lazily connected ``paramiko.SSHClient``."""

    def __init__(self, address: DaemonAddress) -> None:
        self.paramiko = _import_paramiko()
        self.address = address
        self.where = address.where
        self.opened = 0
        self._lock = threading.Lock()
        self._client: paramiko.SSHClient | None = None

    def open(self, timeout: float | None) -> SSHSocket:
        paramiko = self.paramiko
        transport = self._transport(timeout)
        try:
            channel = transport.open_session(timeout=timeout)
        except paramiko.ChannelException as exc:
            raise DockerConnectionError(
                f"cannot connect to the Docker daemon at {self.where}: the ssh server refused a new "
                f"session ({exc}); too many connections at once for its MaxSessions?"
            ) from exc
        except (paramiko.SSHException, OSError, EOFError) as exc:
            raise DockerConnectionError(
                f"cannot connect to the Docker daemon at {self.where}: opening an ssh session "
                f"failed: {exc or type(exc).__name__}"
            ) from exc
        try:
            channel.settimeout(timeout)
            channel.exec_command(" ".join(DIAL_STDIO_COMMAND))
        except (paramiko.SSHException, OSError, EOFError) as exc:
            channel.close()
            raise DockerConnectionError(
                f"cannot connect to the Docker daemon at {self.where}: running "
                f"`{' '.join(DIAL_STDIO_COMMAND)}` over ssh failed: {exc or type(exc).__name__}"
            ) from exc
        with self._lock:
            self.opened += 1
        return ChannelSocket(channel, self.where)

    def _transport(self, timeout: float | None) -> paramiko.Transport:
        with self._lock:
            client = self._client
            if client is not None:
                transport = client.get_transport()
                if transport is not None and transport.is_active():
                    return transport
                self._client = None
                _close_client(client)
            client = self._connect(timeout)
            self._client = client
            transport = client.get_transport()
            assert transport is not None
            return transport

    def _connect(self, timeout: float | None) -> paramiko.SSHClient:
        pm = self.paramiko
        settings = read_ssh_config(self.address)
        client: paramiko.SSHClient = pm.SSHClient()
        proxy: ProcessSocket | None = None
        target = f"{settings.hostname} port {settings.port}"
        try:
            client.load_system_host_keys()
            for path in settings.known_hosts_files:
                client.load_system_host_keys(path)
            if settings.accept_unknown_host_keys:
                client.set_missing_host_key_policy(pm.AutoAddPolicy())
            else:
                client.set_missing_host_key_policy(_reject_unknown_hosts(pm, self.where))
            proxy = self._proxy(settings)
            log.debug("ssh: connecting to %s as %s", target, settings.username or "(default user)")
            # paramiko takes a list of key files, and any socket-like object, whatever its stubs say.
            options: dict[str, Any] = {
                "port": settings.port, "username": settings.username,
                "key_filename": settings.key_filenames or None,
                "look_for_keys": settings.look_for_keys, "allow_agent": settings.allow_agent,
                "sock": proxy, "timeout": timeout,
            }
            client.connect(settings.hostname, **options)
            transport = client.get_transport()
            if transport is not None and settings.keepalive_interval:
                transport.set_keepalive(settings.keepalive_interval)
            return client
        except BaseException as exc:
            _close_client(client)
            if proxy is not None:
                proxy.close()
            if isinstance(exc, DockerException) or not isinstance(exc, Exception):
                raise
            raise DockerConnectionError(self._describe(exc, settings, target, proxy)) from exc

    def _describe(self, exc: Exception, settings: SSHSettings, target: str,
                  proxy: ProcessSocket | None) -> str:
        paramiko = self.paramiko
        head = f"cannot connect to the Docker daemon at {self.where}"
        if isinstance(exc, paramiko.AuthenticationException):
            user = settings.username or "the default user"
            keys = ", ".join(settings.key_filenames) or "the agent's and default keys"
            text = f"{head}: ssh authentication as {user} to {target} failed (tried {keys}): {exc}"
        elif isinstance(exc, paramiko.BadHostKeyException):
            text = (f"{head}: the host key of {target} does not match known_hosts "
                    f"(a man-in-the-middle, or a reinstalled host): {exc}")
        elif isinstance(exc, (socket.timeout, TimeoutError)):
            text = f"{head}: timed out connecting over ssh to {target}"
        elif isinstance(exc, paramiko.ssh_exception.NoValidConnectionsError) and exc.errors:
            causes = "; ".join(sorted({str(error) for error in exc.errors.values()}))
            text = f"{head}: ssh connection to {target} failed: {causes}"
        else:
            text = f"{head}: ssh connection to {target} failed: {exc or type(exc).__name__}"
        if proxy is not None:
            why = proxy.process.describe_failure(0.5)
            if why:
                text += f" (proxy: {why})"
        return text

    def _proxy(self, settings: SSHSettings) -> ProcessSocket | None:
        if settings.proxy_command:
            shell = os.environ.get("SHELL") or "/bin/sh"
            argv = [shell, "-c", "exec " + settings.proxy_command]
        elif settings.proxy_jump:
            argv = proxy_jump_command(settings, _find_program("ssh", "ProxyJump in the ssh config"))
        else:
            return None
        log.debug("ssh: proxy %s", argv)
        try:
            return ProcessSocket(argv, self.where, check_first_read=False)
        except OSError as exc:
            raise DockerException(f"cannot run the ssh proxy {argv}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            _close_client(client)


def _close_client(client: paramiko.SSHClient) -> None:
    """Close an SSHClient and wait (briefly) for its transport thread to end."""
    transport = client.get_transport()
    client.close()
    if transport is not None and transport is not threading.current_thread():
        transport.join(_STOP_GRACE_SECONDS)


def _reject_unknown_hosts(paramiko: Any, where: str) -> Any:
    class RejectUnknownHost(paramiko.MissingHostKeyPolicy):  # type: ignore[misc, name-defined]
        def missing_host_key(self, client: Any, hostname: str, key: Any) -> None:
            digest = base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")
            raise DockerConnectionError(
                f"cannot connect to the Docker daemon at {where}: the ssh host key of {hostname} "
                f"({key.get_name()} SHA256:{digest}) is not in known_hosts; connect once with ssh "
                "to check and add it, or set StrictHostKeyChecking accept-new in ~/.ssh/config"
            )

    return RejectUnknownHost()


# -- the pool and the adapter -----------------------------------------------------------------


def _docker_error_in(exc: BaseException) -> DockerException | None:
    """Our own error wrapped by urllib3 and requests (``MaxRetryError``, ``ProtocolError``)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current is not exc and isinstance(current, DockerException):
            return current
        linked = [*getattr(current, "args", ()), getattr(current, "reason", None),
                  current.__cause__, current.__context__]
        todo.extend(item for item in linked if isinstance(item, BaseException))
    return None


class SSHHTTPAdapter(DockerAdapter):
    """Sends every ``http+docker://ssh`` request to the daemon behind an ``ssh://`` address.

    Args:
        address: the parsed ``ssh://`` address.
        timeout: the timeout for connecting (requests' ``timeout`` governs each call).
        pool_connections: kept for docker-py's signature; there is one pool.
        max_pool_size: connections (channels or ssh processes) kept open for reuse.
        shell_out: run the ``ssh`` program instead of using paramiko.

    Raises:
        DockerException: paramiko mode without paramiko installed.
    """

    def __init__(self, address: DaemonAddress, timeout: Any = 60, pool_connections: int = 9,
                 max_pool_size: int = 10, shell_out: bool = False) -> None:
        super().__init__(pool_connections=pool_connections, pool_maxsize=max_pool_size)
        self.address = address
        self.timeout = timeout
        self.max_pool_size = max_pool_size
        self.shell_out = shell_out
        self.where = address.where
        self._opener: _ProgramOpener | _ParamikoOpener = (
            _ProgramOpener(address) if shell_out else _ParamikoOpener(address)
        )
        self._pool = self._new_pool()

    def _new_pool(self) -> ConnectionPool:
        opener = self._opener
        return ConnectionPool(lambda t: opener.open(_number(t)), "localhost", self.where,
                              self.max_pool_size)

    @property
    def opened_connections(self) -> int:
        """How many dial-stdio streams (channels or ssh processes) have been opened."""
        return self._opener.opened

    def pool_for(self, request: requests.PreparedRequest, verify: Any,
                 cert: Any) -> ConnectionPool:
        return self._pool

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        try:
            return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                                proxies=proxies)
        except DockerConnectionError as exc:
            if isinstance(exc.__cause__, BadResponse):
                raise DockerConnectionError(
                    f"cannot connect to the Docker daemon at {self.where}: the answer over ssh "
                    f"is not HTTP ({exc.__cause__}); is the remote account's login shell printing "
                    f"something, or not running `{' '.join(DIAL_STDIO_COMMAND)}`?"
                ) from exc.__cause__
            raise
        except requests.exceptions.RequestException as exc:
            ours = _docker_error_in(exc)
            if ours is None:
                raise
            raise ours from None

    def close(self) -> None:
        """Close the pooled connections and the ssh connection (or stop the ssh processes).

        The adapter stays usable: the next request connects again.
        """
        pool, self._pool = self._pool, self._new_pool()
        try:
            pool.close()
            self._opener.close()
        finally:
            super().close()
