"""How the test harness stops everything it started (a mixin of privdaemon.Stack), and only
that: processes it recorded, what is left in its own network namespaces, container processes
whose root lies below its state directory, and mounts below it.  Only the standard library is used.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterator, List

from harness_config import (
    API_VERSION,
    MARKER,
)
from harness_proc import (
    UnixHTTPConnection,
    alive,
    http_get,
    http_post_unix,
    kill_and_wait,
    log,
    net_ns_of,
    our_service,
    ping_unix,
    root_mount_below,
    unescape_mount,
    which,
)


class Teardown:
    """Stopping; Stack provides state, marker, recorded_pid, procs, daemon, sock, peer_sock."""

    # teardown --------------------------------------------------------------
    def teardown(self) -> List[str]:
        """Stop everything recorded in the state dir, unmount, remove it.

        Returns a list of problems (empty when all went well)."""
        problems: List[str] = []
        marker = self.read_marker()
        if marker is None:
            if self.state.exists():
                problems.append("%s has no %s; not touching it" % (self.state, MARKER))
            return problems
        # Sweep by network namespace (below) only while a process we recorded
        # proves that the namespace is still ours: nsfs inode numbers get reused.
        namespaces: List[str] = []
        for holder_name, key, members in (("holder", "netns", ("dockerd", "podman", "containerd")),
                                          ("peer-holder", "peer-holder_netns", ("peer-dockerd",))):
            ns = marker.get(key)
            recs = [self.recorded_pid(n) for n in (holder_name,) + members]
            if ns and any(r is not None and alive(*r) and net_ns_of(r[0]) == ns for r in recs):
                namespaces.append(ns)
        self._kill_containers(self.daemon, self.sock)
        self._kill_containers("peer-dockerd", self.peer_sock)
        order = [("relay", 5), ("tls-relay", 5), ("sshd", 5), ("registry", 5), ("registry-auth", 5),
                 ("dockerd", 40), ("podman", 5), ("peer-dockerd", 40), ("containerd", 15)]
        for name, timeout in order:
            rec = self.recorded_pid(name)
            if rec is not None:
                t0 = time.monotonic()
                kill_and_wait(rec[0], rec[1], timeout, self.procs.get(name))
                if time.monotonic() - t0 > 1:
                    log("stopping %s took %.1fs" % (name, time.monotonic() - t0))
        # Whatever is left in our network namespace (containerd shims, stray
        # processes a test left behind), and container processes whose root is
        # below the state dir.
        holders = [rec for rec in (self.recorded_pid("holder"), self.recorded_pid("peer-holder")) if rec]
        for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
            victims = [pid for pid in self._leftover_pids(namespaces, [h[0] for h in holders])]
            if not victims:
                break
            for pid in victims:
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and any(alive(p) for p in victims):
                time.sleep(0.05)
        for name, rec in zip(("holder", "peer-holder"), holders):
            kill_and_wait(rec[0], rec[1], 5, self.procs.get(name))
        for p in self.procs.values():
            try:
                p.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                pass
        problems += self.unmount_all()
        left = list(self._leftover_pids(namespaces, []))
        if left:
            problems.append("processes still alive: %s" % left)
        if problems:
            problems.append("not removing %s" % self.state)
        else:
            shutil.rmtree(str(self.state), ignore_errors=True)
            if self.state.exists():
                problems.append("could not remove %s" % self.state)
        return problems

    def _kill_containers(self, name: str, sock: Path) -> None:
        """SIGKILL running containers first: on SIGTERM dockerd would give
        each of them its full stop timeout (10 s by default)."""
        rec = self.recorded_pid(name)
        if rec is None or not alive(*rec) or not ping_unix(str(sock)):
            return
        api = "/v%s/containers" % API_VERSION
        try:
            status, body = http_get(UnixHTTPConnection(str(sock), 5), api + "/json")
            if status != 200:
                return
            for c in json.loads(body):
                if c.get("State") == "paused":
                    http_post_unix(str(sock), "%s/%s/unpause" % (api, c["Id"]))
                http_post_unix(str(sock), "%s/%s/kill" % (api, c["Id"]))
        except (OSError, ValueError, KeyError, http.client.HTTPException) as e:
            log("could not kill containers: %s" % e)

    def _leftover_pids(self, namespaces: List[str], spare: List[int]) -> Iterator[int]:
        me = os.getpid()
        prefix = str(self.state) + "/"
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            if pid == me or pid in spare or not alive(pid):
                continue
            if net_ns_of(pid) in namespaces:
                yield pid
                continue
            if root_mount_below(pid, prefix) or our_service(pid, prefix):
                yield pid

    def mounts_below(self) -> List[str]:
        prefix = str(self.state)
        found = []
        with open("/proc/self/mountinfo") as f:
            for line in f:
                mp = unescape_mount(line.split()[4])
                if mp == prefix or mp.startswith(prefix + "/"):
                    found.append(mp)
        return found

    def unmount_all(self) -> List[str]:
        umount = which("umount") or "umount"
        for attempt in range(4):
            mounts = self.mounts_below()
            if not mounts:
                return []
            for mp in sorted(set(mounts), key=lambda m: (-m.count("/"), m), reverse=False):
                args = [umount, mp] if attempt < 2 else [umount, "-l", mp]
                subprocess.call(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        left = self.mounts_below()
        return ["still mounted: %s" % " ".join(left)] if left else []
