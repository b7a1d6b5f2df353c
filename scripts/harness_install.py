"""Installing what the test harness needs from Debian's packages (scripts/privdaemon.py).

Only the standard library is used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

from harness_proc import NEEDED_BINARIES, HarnessError, kill_and_wait, log, which

APT_PACKAGES = [
    "docker.io",
    "busybox-static",
    "docker-registry",
    "openssh-server",
    "openssl",
    "iproute2",
    "apache2-utils",
    "debootstrap",
]
BUSYBOX = "/bin/busybox"


# --------------------------------------------------------------------------
# installing what is missing


def dpkg_installed(pkg: str) -> Optional[bool]:
    try:
        p = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
    except OSError:
        return None  # not a Debian system
    return p.returncode == 0 and p.stdout.decode().strip().endswith("install ok installed")


def missing_packages() -> List[str]:
    missing = []
    have_dpkg = shutil.which("dpkg-query") is not None
    for pkg in APT_PACKAGES:
        if have_dpkg and not dpkg_installed(pkg):
            missing.append(pkg)
    for binary, pkg in NEEDED_BINARIES.items():
        if which(binary) is None and pkg not in missing:
            missing.append(pkg)
    if not os.path.exists(BUSYBOX) and "busybox-static" not in missing:
        missing.append("busybox-static")
    return missing


def service_pids() -> Dict[int, str]:
    names = {"dockerd", "containerd", "docker-registry", "registry", "sshd"}
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                comm = Path("/proc/%s/comm" % entry).read_text().strip()
            except OSError:
                continue
            if comm in names:
                out[int(entry)] = comm
    return out


def looks_like_system_service(pid: int, comm: str) -> bool:
    """Started the way Debian's init scripts start it (not by a harness, which
    always passes its own config/data paths)?"""
    try:
        args = Path("/proc/%d/cmdline" % pid).read_bytes().decode("utf-8", "replace").split("\0")
    except OSError:
        return False
    if comm == "dockerd":
        return "--data-root" not in args
    if comm == "containerd":
        return not any(a.startswith("/") and not a.startswith(("/run/", "/var/run/", "/etc/"))
                       for a in args[1:])
    if comm in ("docker-registry", "registry"):
        return "/etc/docker/registry/config.yml" in args
    # sshd rewrites its title: "sshd: /usr/sbin/sshd -D -f CFG [listener] ..."
    words = " ".join(args).split()
    return "-f" not in words and "[listener]" in words


def ensure_installed() -> None:
    missing = missing_packages()
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise HarnessError("missing packages: %s; install them with: apt-get install -y %s" % (
            ", ".join(missing), " ".join(APT_PACKAGES)))
    log("installing missing packages: %s" % " ".join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", NEEDRESTART_SUSPEND="1",
               NEEDRESTART_MODE="l")
    # Keep maintainer scripts from starting a system dockerd / registry / sshd:
    # invoke-rc.d honours policy-rc.d (exit 101 = "action forbidden").
    policy = Path("/usr/sbin/policy-rc.d")
    own_policy = not policy.exists()
    if own_policy:
        policy.write_text("#!/bin/sh\n# temporary, from docker_client's scripts/privdaemon.py\nexit 101\n")
        policy.chmod(0o755)
    before = service_pids()
    try:
        for argv in (["apt-get", "update", "-q"],
                     # only what is missing: naming installed packages would upgrade them
                     ["apt-get", "install", "-y", "-q", "-o", "Dpkg::Options::=--force-confold"] + missing):
            rc = subprocess.call(argv, env=env, stdin=subprocess.DEVNULL, stdout=sys.stderr)
            if rc != 0:
                raise HarnessError("%s failed with exit code %d" % (" ".join(argv), rc))
    finally:
        if own_policy:
            policy.unlink()
        # Anything of these names that appeared during the install was started
        # by a maintainer script on our behalf: stop it.
        for pid, comm in service_pids().items():
            if pid not in before and looks_like_system_service(pid, comm):
                log("stopping %s (pid %d) started by the package install" % (comm, pid))
                kill_and_wait(pid, None, 10)
    still = missing_packages()
    if still:
        raise HarnessError("still missing after apt-get install: %s" % ", ".join(still))
