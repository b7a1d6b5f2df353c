"""Everything the cases work on, made once per run with the raw client (neutral to the clients).

Containers with logs of known size, running containers for attach/exec, a container for
archives, a 1 GiB image and its saved tarball, and a build-context tree together with the file
set the docker CLI sends for it (captured by a fake daemon). Every size is checked here once,
so a worker's exact byte count has a trusted reference.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import socketserver
import subprocess
import tarfile
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Tuple

import payloads
import rawhttp
from cases import Case

IMAGE = os.environ.get("DC_TEST_IMAGE", "dctest/busybox:latest")
BIG_IMAGE = "dcbench/big:latest"
LABEL = {"dcbench": "1"}
LOCAL_LOG = {"Type": "local", "Config": {"max-size": "1g", "max-file": "1", "compress": "false"}}
DOCKER_CLI = os.environ.get("DCBENCH_DOCKER_CLI", "/usr/local/bin/docker")

Log = Callable[[str], None]


class FixtureError(Exception):
    """A fixture could not be made, or does not have the size it must have."""


class Fixtures:
    """Makes the fixtures the selected cases need; ``params(case)`` gives a worker its share."""

    def __init__(self, docker_host: str, workdir: Path, log: Log) -> None:
        self.docker_host = docker_host
        self.sock = rawhttp.socket_path(docker_host)
        self.conn = rawhttp.Connection(self.sock)
        self.workdir = workdir
        self.log = log
        self._made: Dict[str, Dict[str, Any]] = {}

    # -- entry point ----------------------------------------------------------------------

    def params(self, case: Case, quick: bool) -> Dict[str, Any]:
        """The worker parameters of ``case``: its sizes plus the fixtures it works on."""
        params = case.params(quick)
        maker = getattr(self, "_for_" + case.name, None)
        key = f"{case.name}:{json.dumps(params, sort_keys=True)}"
        if maker is not None and key not in self._made:
            t0 = time.monotonic()
            self._made[key] = maker(**params)
            self.log(f"fixture for {case.name} ready in {time.monotonic() - t0:.1f}s")
        params.update(self._made.get(key, {}))
        return params

    def cleanup(self) -> None:
        """Remove the benchmark's containers and image; close the connection."""
        for item in self.conn.get_json(rawhttp.query("/containers/json", all=True,
                                                     filters={"label": ["dcbench=1"]})):
            self.conn.request("DELETE", rawhttp.API + f"/containers/{item['Id']}?force=1").read()
        self.conn.request("DELETE", rawhttp.API + f"/images/{rawhttp.quoted(BIG_IMAGE)}?force=1").read()
        self.conn.close()

    # -- containers -----------------------------------------------------------------------

    def _container(self, cmd: str, start: bool = True) -> str:
        cid = rawhttp.create_container(self.conn, IMAGE, ["sh", "-c", cmd], Labels=LABEL,
                                       HostConfig={"LogConfig": LOCAL_LOG})
        if start:
            self.conn.post_json(f"/containers/{cid}/start", None, 204)
        return cid

    def _wait_exit(self, cid: str) -> None:
        status = self.conn.post_json(f"/containers/{cid}/wait", None, 200)["StatusCode"]
        if status != 0:
            raise FixtureError(f"container {cid[:12]} exited with {status}")

    def _check_log(self, cid: str, size: int, lines: bool) -> None:
        """The container's stdout log holds exactly ``size`` bytes (and size/128 lines)."""
        resp = self.conn.request("GET", rawhttp.API + f"/containers/{cid}/logs?stdout=1&stderr=1")
        out = err = newlines = 0
        for stream, piece in resp.expect(200).iter_frames():
            if stream == 1:
                out += len(piece)
                newlines += piece.count(b"\n") if lines else 0
            else:
                err += len(piece)
        want_lines = size // 128 if lines else 0
        if (out, err, newlines) != (size, 0, want_lines):
            raise FixtureError(f"log of {cid[:12]}: {out} bytes, {err} on stderr, {newlines} lines; "
                               f"expected {size}, 0, {want_lines}")

    def _logs(self, size: int, lines: bool = False) -> Dict[str, Any]:
        cid = self._container(payloads.output_command(size, lines))
        self._wait_exit(cid)
        self._check_log(cid, size, lines)
        return {"container": cid}

    _for_logs16k = _logs
    _for_logs128 = _logs

    def _attach(self, size: int, lines: bool = False, demux: bool = True) -> Dict[str, Any]:
        """A container that writes its output once, then sleeps (also after a restart).

        Attaching with logs=1&stream=1 replays its log, then waits for more; the worker kills
        it once the log is through, which ends the stream. (On an exited container the
        daemon replays the log and then never ends the stream.)
        """
        once = f"if [ ! -e /done ]; then {payloads.output_command(size, lines)}; touch /done; fi"
        cid = self._container(f"{once}; exec sleep 100000")
        path = rawhttp.API + f"/containers/{cid}/archive?path=/done"
        wait_until(lambda: self.conn.request("HEAD", path).status == 200, 300,
                   f"container {cid[:12]} to write its output")
        self._check_log(cid, size, lines)
        self.conn.post_json(f"/containers/{cid}/kill", None, 204)
        self.conn.post_json(f"/containers/{cid}/wait", None, 200)
        return {"container": cid}

    _for_attach16k = _attach
    _for_attach128 = _attach
    _for_attach16k_plain = _attach
    _for_attach128_plain = _attach

    def _running(self) -> Dict[str, Any]:
        return {"container": self._container("exec sleep 100000")}

    def _for_exec_bulk(self, size: int, lines: bool = False) -> Dict[str, Any]:
        return self._running()

    _for_exec_lines = _for_exec_bulk

    def _for_inspect(self, calls: int, threads: int = 1) -> Dict[str, Any]:
        return self._running()

    _for_inspect8 = _for_inspect

    def _for_events(self, events: int, producers: int) -> Dict[str, Any]:
        return {"image": IMAGE}

    def _for_build(self, builds: int, files: int) -> Dict[str, Any]:
        """A context of ``files`` small files, and a Dockerfile that copies them and runs a step."""
        root = self.workdir / f"build-{files}"
        if not root.exists():
            (root / "src").mkdir(parents=True)
            for number in range(files):
                (root / "src" / f"f{number:04d}.txt").write_bytes(b"x" * (number % 512) + b"\n")
            (root / "Dockerfile").write_text(f"FROM {IMAGE}\nCOPY src /src\nRUN ls /src | wc -l > /count\n")
        return {"image": IMAGE, "path": str(root)}

    _for_build_classic = _for_build
    _for_build_buildkit = _for_build

    # -- archives and images --------------------------------------------------------------

    def _for_put_archive(self, size: int) -> Dict[str, Any]:
        cid = self._container("true", start=False)
        return {"container": cid, "path": "/tmp", "tar_size": payloads.zero_tar_size([("big.bin", size)])}

    def _for_get_archive(self, size: int) -> Dict[str, Any]:
        cid = self._container("true", start=False)
        body = payloads.zero_tar([("big.bin", size)])
        self.conn.request("PUT", rawhttp.API + f"/containers/{cid}/archive?path=/", body).expect(200).read()
        resp = self.conn.request("GET", rawhttp.API + f"/containers/{cid}/archive?path=/big.bin")
        tar_size = sum(len(piece) for piece in resp.expect(200).iter_body())
        if tar_size < size:
            raise FixtureError(f"get_archive of a {size}-byte file gave only {tar_size} bytes")
        return {"container": cid, "path": "/big.bin", "tar_size": tar_size}

    def _big_image(self, size: int) -> Tuple[Path, int]:
        """Import the image (two files of size/2 zeros), save it once to disk: (path, size)."""
        saved = self.workdir / "big-image.tar"
        if saved.exists():
            return saved, saved.stat().st_size
        repo, tag = BIG_IMAGE.split(":")
        half = size // 2
        body = payloads.zero_tar([("big/a.bin", half), ("big/b.bin", size - half)])
        path = rawhttp.query("/images/create", fromSrc="-", repo=repo, tag=tag)
        self.conn.request("POST", rawhttp.API + path, body).expect(200).read()
        resp = self.conn.request("GET", rawhttp.API + f"/images/{rawhttp.quoted(BIG_IMAGE)}/get")
        with open(saved, "wb") as out:
            for piece in resp.expect(200).iter_body():
                out.write(piece)
        length = saved.stat().st_size
        if length < size:
            raise FixtureError(f"the saved {size}-byte image has only {length} bytes")
        return saved, length

    def _for_image_save(self, size: int) -> Dict[str, Any]:
        _, length = self._big_image(size)
        return {"image": BIG_IMAGE, "tar_size": length}

    def _for_image_load(self, size: int) -> Dict[str, Any]:
        saved, length = self._big_image(size)
        return {"image": BIG_IMAGE, "tarball": str(saved), "tar_size": length}

    # -- the build context ----------------------------------------------------------------

    def _for_build_context(self, dirs: int, files_per_dir: int) -> Dict[str, Any]:
        root = self.workdir / f"context-{dirs}x{files_per_dir}"
        files = make_build_tree(root, dirs, files_per_dir)
        names = cli_context_names(root, self.workdir)
        names_file = self.workdir / f"cli-names-{dirs}x{files_per_dir}.json"
        names_file.write_text(json.dumps(names))
        self.log(f"build tree: {files} files; the docker CLI sends {len(names)} entries")
        return {"path": str(root), "cli_names": str(names_file), "tree_files": files}


# -- the build-context tree -------------------------------------------------------------------

#: 30 patterns: `**`, `!` exceptions (some re-including below an excluded directory), classes.
DOCKERIGNORE = """\
# the build_context benchmark: 30 patterns
**/*.log
!d01*/**/*.log
*.tmp
**/*.tmp
!**/keep*.tmp
d1[0-4]?/
!d12?/f00*.md
**/cache
!**/cache/keep.me
d0?5/f0[0-4]?.bin
docs/**/*.md
!docs/README.md
**/node_modules
.git
**/__pycache__
**/*.pyc
build/
dist
d19*/sub/deep
!d195/sub/deep/x/f051.py
**/*.swp
**/*~
.env
secrets/**
!secrets/public/**
vendor/*/test*
**/deep/**/f0[0-9]?.txt
!d05*/sub/deep/**
d1[5-9][0-9]/f09?.json
*/f099.c
"""

_EXTENSIONS = (".txt", ".log", ".py", ".md", ".tmp", ".bin", ".pyc", ".json", ".swp", ".c")
_EXTRA_FILES = ("Dockerfile", "docs/README.md", "docs/guide.md", "docs/a/b.md", "docs/a/c.txt",
                "secrets/key", "secrets/public/pub.pem", "vendor/lib/test_x.py", "vendor/lib/src.c",
                "build/out.o", "dist/pkg.whl", ".git/HEAD", ".env", "d003/cache/keep.me")


def _file_name(index: int) -> str:
    if index % 25 == 7:
        return f"keep{index:03d}.tmp"
    name = f"f{index:03d}{_EXTENSIONS[index % len(_EXTENSIONS)]}"
    return name + "~" if index % 33 == 0 else name


def _file_dir(d: int, index: int, files_per_dir: int) -> str:
    """Where file ``index`` of top directory ``d`` goes: some deeper, some in ignored dirs."""
    top = f"d{d:03d}"
    if d % 20 == 3 and index < 20:
        return f"{top}/{('cache', 'node_modules/pkg', '__pycache__', 'cache/sub')[index % 4]}"
    if d % 10 == 5 and index >= files_per_dir // 2:
        return f"{top}/sub/deep/x"
    return top


def make_build_tree(root: Path, dirs: int, files_per_dir: int) -> int:
    """Write the tree (reused when already there); the number of regular files in it."""
    marker = root / ".complete"
    if marker.exists():
        return int(marker.read_text())
    shutil.rmtree(root, ignore_errors=True)
    block = os.urandom(4096)
    paths = [f"{_file_dir(d, i, files_per_dir)}/{_file_name(i)}"
             for d in range(dirs) for i in range(files_per_dir)]
    paths.extend(_EXTRA_FILES)
    for n, rel in enumerate(paths):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(block[:n * 37 % 4097])
    (root / "Dockerfile").write_text("FROM scratch\nCOPY . /\n")
    (root / ".dockerignore").write_text(DOCKERIGNORE)
    marker.write_text(str(len(paths) + 1))
    return len(paths) + 1


# -- what the docker CLI sends ----------------------------------------------------------------


class _Recorder(socketserver.StreamRequestHandler):
    """Answers the CLI like a daemon of API 1.41 would, and keeps the body of POST /build."""

    def handle(self) -> None:
        server: _FakeDaemon = self.server  # type: ignore[assignment]
        while True:
            line = self.rfile.readline()
            if not line:
                return
            method, target, _ = line.decode().split(" ", 2)
            headers = self._headers()
            body = self._body(headers)
            if "/build" in target:
                server.builds.append(body)
                payload = b'{"stream":"ok\\n"}\n{"aux":{"ID":"sha256:' + b"0" * 64 + b'"}}\n'
                extra = b"Content-Type: application/json\r\n"
            else:
                payload, extra = b"OK", b"Api-Version: 1.41\r\nOstype: linux\r\n"
            self.wfile.write(b"HTTP/1.1 200 OK\r\n" + extra + b"Content-Length: %d\r\n\r\n" % len(payload))
            if method != "HEAD":
                self.wfile.write(payload)
            self.wfile.flush()

    def _headers(self) -> Dict[str, str]:
        headers: Dict[str, str] = {}
        while True:
            line = self.rfile.readline().decode()
            if line in ("\r\n", "\n", ""):
                return headers
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()

    def _body(self, headers: Dict[str, str]) -> bytes:
        if headers.get("transfer-encoding") == "chunked":
            parts: List[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if not size:
                    self.rfile.readline()
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(headers.get("content-length", "0")))


class _FakeDaemon(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str) -> None:
        super().__init__(path, _Recorder)
        self.builds: List[bytes] = []


def tar_names(data: Iterable[bytes] | bytes) -> List[str]:
    """The sorted entry names of a tar archive."""
    blob = data if isinstance(data, bytes) else b"".join(data)
    with tarfile.open(fileobj=io.BytesIO(blob)) as archive:
        return sorted(name.rstrip("/") for name in archive.getnames())


def cli_context_names(context: Path, workdir: Path) -> List[str]:
    """The entries of the tar ``DOCKER_BUILDKIT=0 docker build`` sends for ``context``."""
    if not os.access(DOCKER_CLI, os.X_OK):
        raise FixtureError(f"the docker CLI is not at {DOCKER_CLI} (set DCBENCH_DOCKER_CLI)")
    tmp = Path(tempfile.mkdtemp(prefix="fake-daemon-", dir=workdir))
    server = _FakeDaemon(str(tmp / "fake.sock"))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DOCKER_BUILDKIT": "0",
               "DOCKER_HOST": f"unix://{tmp / 'fake.sock'}", "DOCKER_CONFIG": str(tmp / "cli-config")}
        result = subprocess.run([DOCKER_CLI, "build", str(context)], env=env, capture_output=True,
                                timeout=300)
        if not server.builds:
            raise FixtureError(f"the docker CLI sent no build: {result.stderr.decode()[-500:]}")
        return tar_names(server.builds[-1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        shutil.rmtree(tmp, ignore_errors=True)


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``check`` every 0.1 s; FixtureError naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise FixtureError(f"timed out waiting for {what}")
        time.sleep(0.1)
