"""Process, namespace and unix-socket helpers of the test harness (scripts/privdaemon.py).

Only the standard library is used.
"""

from __future__ import annotations

import ctypes
import http.client
import os
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

CLONE_NEWNET = 0x40000000
# binary -> Debian package that ships it
NEEDED_BINARIES = {
    "dockerd": "docker.io",
    "containerd": "docker.io",
    "runc": "docker.io",
    "docker-proxy": "docker.io",
    "docker": "docker.io",
    "docker-registry": "docker-registry",
    "sshd": "openssh-server",
    "ssh": "openssh-server",
    "ssh-keygen": "openssh-server",
    "openssl": "openssl",
    "ip": "iproute2",
    "htpasswd": "apache2-utils",
    "debootstrap": "debootstrap",
    "nsenter": "util-linux",
    "unshare": "util-linux",
    "umount": "mount",
    "sleep": "coreutils",
}
SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Stripped from the environment of the services we start (so e.g. a
# DOCKER_HOST of the caller cannot redirect our own CLI calls) ...
SERVICE_ENV_DROP_PREFIXES = ("DOCKER_", "REGISTRY_", "CONTAINERD_")


class HarnessError(Exception):
    """Startup/teardown failure with a message meant for humans."""



def log(msg: str) -> None:
    try:
        sys.stderr.write("privdaemon: %s\n" % msg)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr gone (e.g. a pipe to a killed tee): keep tearing down


# --------------------------------------------------------------------------
# small process helpers


def which(name: str) -> Optional[str]:
    path = os.environ.get("PATH", "") + ":" + SBIN_PATH
    return shutil.which(name, path=path)


def need(name: str) -> str:
    found = which(name)
    if not found:
        raise HarnessError("%s not found (Debian package %s)" % (name, NEEDED_BINARIES.get(name, "?")))
    return found


def proc_stat(pid: int) -> Optional[Tuple[str, int]]:
    """(state letter, start time in clock ticks) of a live pid, else None."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read().decode("ascii", "replace")
    except OSError:
        return None
    rest = data[data.rfind(")") + 2:].split()
    return rest[0], int(rest[19])


def alive(pid: int, start: Optional[int] = None) -> bool:
    st = proc_stat(pid)
    if st is None or st[0] in ("Z", "X"):
        return False
    return start is None or st[1] == start


def net_ns_of(pid: int | str) -> Optional[str]:
    try:
        return os.readlink("/proc/%s/ns/net" % pid)
    except OSError:
        return None


def setns_net(pid: int) -> None:
    """Move this (single-threaded) process into the network namespace of pid."""
    fd = os.open("/proc/%d/ns/net" % pid, os.O_RDONLY)
    try:
        py_setns = getattr(os, "setns", None)  # Python 3.12+
        if py_setns is not None:
            py_setns(fd, CLONE_NEWNET)
        else:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.setns(fd, CLONE_NEWNET) != 0:
                err = ctypes.get_errno()
                raise OSError(err, "setns: %s" % os.strerror(err))
    finally:
        os.close(fd)


def run_quiet(argv: Sequence[str], input: Optional[bytes] = None, env: Optional[Dict[str, str]] = None,
              timeout: float = 120) -> bytes:
    """Run a helper command and return its stdout; raise HarnessError with its
    output on failure."""
    try:
        p = subprocess.run(list(argv), input=input, capture_output=True, env=env, timeout=timeout,
                           stdin=None if input is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise HarnessError("timed out after %ss: %s" % (timeout, " ".join(argv))) from None
    if p.returncode != 0:
        raise HarnessError("command failed (exit %d): %s\n%s%s" % (
            p.returncode, " ".join(shlex.quote(a) for a in argv), p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace")))
    return p.stdout


def tail(path: Path, lines: int = 40) -> str:
    try:
        data = path.read_bytes()[-262144:].decode("utf-8", "replace")
    except OSError:
        return "(no log at %s)" % path
    # dockerd's grpc connection chatter would push everything useful out
    return "\n".join([ln for ln in data.splitlines() if "module=grpc" not in ln][-lines:])


def service_env() -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SERVICE_ENV_DROP_PREFIXES)}
    env["PATH"] = os.environ.get("PATH", "") + ":" + SBIN_PATH
    return env


# --------------------------------------------------------------------------
# HTTP over the daemon's unix socket


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float = 10) -> None:
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def http_get(conn: http.client.HTTPConnection, path: str) -> Tuple[int, bytes]:
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def http_post_unix(sock: str, path: str, timeout: float = 10) -> int:
    conn = UnixHTTPConnection(sock, timeout)
    try:
        conn.request("POST", path)
        r = conn.getresponse()
        r.read()
        return r.status
    finally:
        conn.close()


def ping_unix(sock: str, timeout: float = 3) -> bool:
    try:
        return http_get(UnixHTTPConnection(sock, timeout), "/_ping") == (200, b"OK")
    except (OSError, http.client.HTTPException):
        return False


def root_mount_below(pid: int, prefix: str) -> bool:
    """Is pid a container process whose root filesystem lives below prefix?

    (Its /proc/PID/root reads as "/", but the mount at "/" in its own mount
    namespace is the overlay/bind mount made from our data-root.)"""
    try:
        with open("/proc/%d/mountinfo" % pid) as f:
            for line in f:
                fields = line.split()
                if len(fields) > 4 and fields[4] == "/":
                    return prefix in unescape_mount(line)
    except OSError:
        pass
    return False


SERVICE_NAMES = ("containerd-shim", "containerd", "dockerd", "docker-proxy", "docker-registry", "sshd",
                  "podman", "conmon")


def our_service(pid: int, prefix: str) -> bool:
    """A daemon of ours (e.g. a containerd shim once the namespace holder is
    gone) recognised by its name and a state-dir path on its command line."""
    try:
        comm = Path("/proc/%d/comm" % pid).read_text().strip()
        if not comm.startswith(SERVICE_NAMES):
            return False
        args = Path("/proc/%d/cmdline" % pid).read_bytes().split(b"\0")
    except OSError:
        return False
    return any(a.decode("utf-8", "replace").startswith(prefix) for a in args)


def comm(pid: int) -> str:
    try:
        return Path("/proc/%d/comm" % pid).read_text().strip()
    except OSError:
        return ""


def unescape_mount(s: str) -> str:
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def kill_and_wait(pid: int, start: Optional[int], timeout: float,
                   popen: Optional[subprocess.Popen[bytes]] = None) -> None:
    """SIGTERM pid (if it is still the process we started), SIGKILL after timeout."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        if not alive(pid, start):
            break
        try:
            os.kill(pid, sig)
        except OSError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if popen is not None:
                try:
                    popen.wait(timeout=0.05)
                except subprocess.TimeoutExpired:
                    pass
            else:
                time.sleep(0.05)
            if not alive(pid, start):
                break
    if popen is not None:
        try:
            popen.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass


def is_static_elf(path: str) -> bool:
    """True for an ELF file without a PT_INTERP program header."""
    try:
        with open(path, "rb") as f:
            hdr = f.read(64)
            if hdr[:4] != b"\x7fELF" or hdr[4] != 2:  # 64-bit only
                return hdr[:4] == b"\x7fELF" and b"ld-linux" not in f.read(4096)
            end = "<" if hdr[5] == 1 else ">"
            phoff, = struct.unpack(end + "Q", hdr[32:40])
            phentsize, phnum = struct.unpack(end + "HH", hdr[54:58])
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                p_type, = struct.unpack(end + "I", f.read(4))
                if p_type == 3:  # PT_INTERP
                    return False
            return True
    except OSError:
        return False
