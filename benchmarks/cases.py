"""What the benchmark measures: each case's sizes (full and ``--quick``), unit, and issue-6 target.

Shared by the orchestrator (suite.py), the report (report.py) and the fixtures (fixtures.py);
the measuring itself is in worker.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

#: The three clients, in the order their repetitions alternate.
CLIENTS: Tuple[str, ...] = ("docker_client", "docker-py", "raw")
MiB = 1024 * 1024
GiB = 1024 * MiB

#: How a case's work is counted: the throughput unit, and what CPU time is divided by.
KINDS: Dict[str, Dict[str, Any]] = {
    # kind: throughput label, its divisor (units per label), CPU label, CPU scale
    "calls": {"rate": "calls/s", "per": 1, "cpu": "us/call", "cpu_scale": 1e6},
    "bytes": {"rate": "MB/s", "per": 1e6, "cpu": "ms/MB", "cpu_scale": 1e3},
    "objects": {"rate": "objects/s", "per": 1, "cpu": "ms/1000 obj", "cpu_scale": 1e6},
    "files": {"rate": "s", "per": 1, "cpu": "us/file", "cpu_scale": 1e6},
    "import": {"rate": "ms", "per": 1, "cpu": "", "cpu_scale": 1e3},
}


@dataclass(frozen=True)
class Case:
    """One benchmark case.

    Attributes:
        name: what ``--cases`` selects.
        kind: a key of :data:`KINDS`.
        title: one line on what is measured.
        target: the issue-6 target, in words.
        full: the worker's size parameters for a full run.
        quick: the same for ``--quick``.
        clients: the clients that take part.
        timeout: seconds a repetition may take before it counts as failed.
        max_reps: at most this many repetitions (the slow daemon-bound cases).
    """

    name: str
    kind: str
    title: str
    target: str
    full: Dict[str, Any]
    quick: Dict[str, Any]
    clients: Tuple[str, ...] = CLIENTS
    timeout: float = 300.0
    max_reps: Optional[int] = None

    def params(self, quick: bool) -> Dict[str, Any]:
        """The size parameters for this run."""
        return dict(self.quick if quick else self.full)


LINE = b"A" * 127 + b"\n"

CASES: Tuple[Case, ...] = (
    Case("import", "import", "`import X` in a fresh interpreter (X = docker_client, docker, requests)",
         "docker_client <= 1.3x requests; no paramiko/websocket after import + ping",
         {}, {}),
    Case("ping", "calls", "2000 sequential `ping()`", ">= 2.5x docker-py calls/s, 0 failed calls",
         {"calls": 2000}, {"calls": 300}),
    Case("inspect", "calls", "2000 sequential `inspect_container(id)`",
         ">= 2.5x docker-py calls/s, 0 failed calls", {"calls": 2000}, {"calls": 300}),
    Case("inspect8", "calls", "8 threads sharing one client, 4000 `inspect_container` in all",
         ">= 4x docker-py calls/s, 0 failed calls", {"calls": 4000, "threads": 8},
         {"calls": 800, "threads": 8}),
    Case("logs16k", "bytes", "`logs(stream=True)` of 256 MiB in 16 KiB frames (local driver)",
         ">= 90% of raw MB/s, bytes exact, memory flat", {"size": 256 * MiB}, {"size": 32 * MiB}),
    Case("logs128", "bytes", "`logs(stream=True)` of 16 MiB in 128-byte lines (local driver)",
         ">= 90% of raw MB/s, bytes exact, memory flat", {"size": 16 * MiB, "lines": True},
         {"size": 2 * MiB, "lines": True}),
    Case("attach16k", "bytes", "`attach(stream, logs, demux)` replaying 64 MiB of 16 KiB frames",
         ">= 90% of raw MB/s, bytes exact, memory flat", {"size": 64 * MiB}, {"size": 8 * MiB},
         timeout=120.0),
    Case("attach128", "bytes", "`attach(stream, logs, demux)` replaying 16 MiB of 128-byte lines",
         ">= 90% of raw MB/s, bytes exact, memory flat", {"size": 16 * MiB, "lines": True},
         {"size": 2 * MiB, "lines": True}, timeout=120.0),
    Case("attach16k_plain", "bytes", "`attach(stream, logs)` without demux, 64 MiB of 16 KiB frames",
         ">= 90% of raw MB/s, bytes exact, memory flat", {"size": 64 * MiB, "demux": False},
         {"size": 8 * MiB, "demux": False}, timeout=120.0),
    Case("attach128_plain", "bytes", "`attach(stream, logs)` without demux, 16 MiB of 128-byte lines",
         ">= 90% of raw MB/s, bytes exact, memory flat",
         {"size": 16 * MiB, "lines": True, "demux": False},
         {"size": 2 * MiB, "lines": True, "demux": False}, timeout=120.0),
    Case("exec_bulk", "bytes", "`exec_create` + `exec_start(stream, demux)` of `head -c 256MiB /dev/zero`",
         ">= 90% of raw MB/s, bytes exact, memory flat", {"size": 256 * MiB}, {"size": 16 * MiB}),
    Case("exec_lines", "bytes", "`exec_create` + `exec_start(stream, demux)` of 16 MiB of 128-byte lines",
         ">= 90% of raw MB/s, bytes exact, memory flat", {"size": 16 * MiB, "lines": True},
         {"size": 2 * MiB, "lines": True}),
    Case("events", "objects", "`events(decode=True)` while 5000 `exec_create` events are produced live",
         ">= 85% of raw objects/s", {"events": 5000, "producers": 2},
         {"events": 1000, "producers": 2}),
    Case("put_archive", "bytes", "`put_archive` of a 256 MiB file (tar streamed from a generator)",
         "CPU/MB <= 1.5x raw; peak memory < 64 MiB", {"size": 256 * MiB}, {"size": 32 * MiB}),
    Case("get_archive", "bytes", "`get_archive` of a 256 MiB file, every byte consumed",
         "CPU/MB <= 1.5x raw; peak memory < 64 MiB", {"size": 256 * MiB}, {"size": 32 * MiB}),
    Case("image_save", "bytes", "`get_image` of a 1 GiB image, every byte consumed",
         "CPU/MB <= 1.5x raw; peak memory < 64 MiB", {"size": GiB}, {"size": 64 * MiB}),
    Case("image_load", "bytes", "`load_image(file)` of that 1 GiB image's tarball",
         "CPU/MB <= 1.5x raw; peak memory < 64 MiB", {"size": GiB}, {"size": 64 * MiB},
         max_reps=3),
    Case("build_context", "files", "the build-context tar of 20,000 small files, 30-pattern .dockerignore",
         ">= 10x faster than docker-py; file set = the docker CLI's", {"dirs": 200, "files_per_dir": 100},
         {"dirs": 20, "files_per_dir": 100}, clients=("docker_client", "docker-py")),
    Case("build_classic", "calls", "`build(path)` with the classic builder, no cache: 200 files, COPY + RUN",
         "docker_client >= docker-py builds/s (the daemon's work dominates)", {"builds": 5, "files": 200},
         {"builds": 2, "files": 200}, timeout=600.0, max_reps=3),
    Case("build_buildkit", "calls", "`build(path, version='2')` with BuildKit and its session, no cache: "
         "the same context", "docker_client within 10% of raw (POST /build?version=2, no session)",
         {"builds": 5, "files": 200}, {"builds": 2, "files": 200}, clients=("docker_client", "raw"),
         timeout=600.0, max_reps=3),
)

BY_NAME: Dict[str, Case] = {case.name: case for case in CASES}
