"""The Debian sid root that Docker Engine 28 and Podman 5 run from in the test harness.

sid's runc needs a newer libc than the machine's (bookworm), so these engines are not installed
on the machine: debootstrap puts them into a root of their own, built once and cached
(``/var/cache/docker_client-test/sid`` unless ``DC_TEST_SID_ROOT`` says otherwise).  The daemons
run in a mount namespace whose root is this directory (see ``nsroot_script``), never in a chroot.

A stamp file records the recipe the root was built from; a root with another stamp (or none) is
rebuilt.  The build goes to a temporary directory beside it and is renamed into place at the end,
so an interrupted build never leaves a half-made root behind.  Only the standard library is used.
"""

from __future__ import annotations

import fcntl
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, List, Optional

DEFAULT_ROOT = "/var/cache/docker_client-test/sid"
MIRROR = os.environ.get("DC_TEST_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SUITE = "sid"
# docker.io brings dockerd, containerd and runc; docker-cli is the reference client the tests
# compare against, with docker-buildx for its BuildKit builds; podman with the runtime and
# network pieces it uses here.
BOOTSTRAP_PACKAGES = ["docker.io", "docker-cli", "docker-buildx", "ca-certificates", "procps"]
EXTRA_PACKAGES = ["podman", "runc", "conmon", "netavark", "aardvark-dns", "catatonit"]
# Bump when the recipe changes: a cached root with another stamp is rebuilt.
RECIPE = "5 %s %s %s" % (SUITE, " ".join(BOOTSTRAP_PACKAGES), " ".join(EXTRA_PACKAGES))
STAMP = ".dctest-recipe"
# Files every engine needs from the root; a root without one of them is rebuilt.
REQUIRED = ("usr/sbin/dockerd", "usr/bin/containerd", "usr/sbin/runc", "usr/bin/docker", "usr/bin/podman",
            "usr/libexec/docker/cli-plugins/docker-buildx",
            "usr/bin/sleep", "usr/bin/umount", "usr/lib/podman/netavark", "usr/bin/ps")
APT_OPTS = ["-o", "Acquire::Check-Valid-Until=false", "-o", "Acquire::Retries=3"]


class SidRootError(Exception):
    """The root could not be built; the message says which step failed and how."""


def root_path() -> Path:
    return Path(os.environ.get("DC_TEST_SID_ROOT") or DEFAULT_ROOT)


def is_ready(root: Path) -> bool:
    try:
        if (root / STAMP).read_text().strip() != RECIPE:
            return False
    except OSError:
        return False
    return all(os.path.lexists(str(root / f)) for f in REQUIRED)


def ensure(log: Callable[[str], None], root: Optional[Path] = None) -> Path:
    """The cached root, built first when missing or made from another recipe."""
    root = root or root_path()
    if is_ready(root):
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(str(root.parent / (root.name + ".lock")), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another harness may be building it right now
        if is_ready(root):
            return root
        t0 = time.monotonic()
        log("building the Debian %s root for Engine 28 and Podman in %s (once; cached)" % (SUITE, root))
        tmp = root.parent / (root.name + ".tmp-%d" % os.getpid())
        _remove(tmp)
        try:
            _build(tmp)
        except BaseException:
            _remove(tmp)
            raise
        old = root.parent / (root.name + ".old-%d" % os.getpid())
        if os.path.lexists(str(root)):
            os.rename(str(root), str(old))
        os.rename(str(tmp), str(root))
        log("built %s in %.0fs" % (root, time.monotonic() - t0))
        _remove_unused_old_roots(root, log)
    return root


def _remove_unused_old_roots(root: Path, log: Callable[[str], None]) -> None:
    """Delete earlier roots no running harness still has as its root.

    A daemon started before a rebuild keeps running from the renamed old root; deleting that
    directory would also unmount what is mounted on it in the daemon's namespace (the kernel
    allows it), pulling /tmp from under a running Podman.  So an old root goes only once no
    mount namespace has it mounted."""
    for old in sorted(root.parent.glob(root.name + ".old-*")):
        if _mounted_somewhere(old):
            log("keeping %s: a running harness still uses it" % old)
        else:
            _remove(old)


def _mounted_somewhere(path: Path) -> bool:
    """Is a directory at or below ``path`` the source of a mount in any process's namespace?"""
    wanted = str(path)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/mountinfo" % entry) as f:
                for line in f:
                    fields = line.split()
                    # field 4: the mount's root within its filesystem (the cache is on /'s)
                    if len(fields) > 4 and (fields[3] == wanted or fields[3].startswith(wanted + "/")):
                        return True
        except OSError:
            continue
    return False


def _build(tmp: Path) -> None:
    debootstrap = shutil.which("debootstrap", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if debootstrap is None:
        raise SidRootError("debootstrap not found (Debian package debootstrap)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", LC_ALL="C")
    for k in list(env):
        if k.startswith(("DOCKER_", "CONTAINERS_")):
            del env[k]
    _run([debootstrap, "--variant=minbase", "--include=" + ",".join(BOOTSTRAP_PACKAGES), SUITE, str(tmp),
          MIRROR], env, 900)
    # No service may start inside the root while packages install.
    policy = tmp / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)
    chroot = ["chroot", str(tmp)]
    _run(chroot + ["apt-get"] + APT_OPTS + ["update", "-q"], env, 600)
    install = ["install", "-y", "-q", "--no-install-recommends"]
    _run(chroot + ["apt-get"] + APT_OPTS + install + EXTRA_PACKAGES, env, 900)
    _run(chroot + ["apt-get", "clean"], env, 120)
    shutil.rmtree(str(tmp / "var/lib/apt/lists"), ignore_errors=True)
    policy.unlink()
    missing = [f for f in REQUIRED if not os.path.lexists(str(tmp / f))]
    if missing:
        raise SidRootError("the %s root lacks %s after installing its packages" % (SUITE, ", ".join(missing)))
    (tmp / STAMP).write_text(RECIPE + "\n")


def _run(argv: List[str], env: dict, timeout: float) -> None:  # type: ignore[type-arg]
    try:
        p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise SidRootError("timed out after %ss: %s" % (timeout, " ".join(argv))) from None
    if p.returncode != 0:
        out = p.stdout.decode("utf-8", "replace").splitlines()[-30:]
        raise SidRootError("command failed (exit %d): %s\n%s" % (
            p.returncode, " ".join(shlex.quote(a) for a in argv), "\n".join(out)))


def _remove(path: Path) -> None:
    if os.path.lexists(str(path)):
        # A build interrupted inside chroot may have left /proc mounted there.
        subprocess.call(["umount", "-R", str(path / "proc")], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
        shutil.rmtree(str(path), ignore_errors=True)


def nsroot_script(root: Path, shared: List[str]) -> str:
    """Shell commands that make ``root`` the root of the calling (new, private) mount namespace.

    ``shared`` are host directories bound in at the same paths: the state directory with the
    daemon's sockets and data, and the directories tests bind-mount into containers.  The root
    is bound onto itself first (without it the daemon cannot remount it when importing images),
    then /proc, /sys and /dev, a tmpfs on /run, then ``pivot_root`` (not chroot: ``runc exec``
    would otherwise run commands on the machine's own root).  Ends by exec'ing ``sleep infinity``,
    the holder of the namespace, so that its command name says when the root is in place.
    """
    r = shlex.quote(str(root))
    lines = ["set -e", "mount --make-rprivate /", "mount --bind %s %s" % (r, r)]
    for d in ("proc", "sys", "dev"):
        lines.append("mount --rbind /%s %s/%s" % (d, r, d))
    lines.append("mount -t tmpfs -o mode=0755 dctest-run %s/run" % r)
    for path in shared:
        target = "%s%s" % (r, shlex.quote(path))
        lines.append("mkdir -p %s && mount --rbind %s %s" % (target, shlex.quote(path), target))
    lines += ["cd %s" % r, "pivot_root . .", "umount -l .", "cd /", "exec sleep infinity"]
    return "\n".join(lines)


if __name__ == "__main__":  # python3 scripts/sidroot.py: build (or check) the cached root
    try:
        print(ensure(lambda m: print("sidroot: " + m, file=sys.stderr)))
    except SidRootError as e:
        print("sidroot: %s" % e, file=sys.stderr)
        sys.exit(1)
