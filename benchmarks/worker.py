"""One repetition of one case with one client, in a fresh process; prints one JSON line.

    worker.py CASE CLIENT JSON-PARAMS

CLIENT is ``docker_client``, ``docker-py`` or ``raw``. The client library is imported only
here, so a worker's memory holds one client. What is timed (wall and this process's CPU time)
is the measured part only: setup (connecting, the first call, creating containers) is not.
Failures are counted and described, never raised: a repetition whose bytes are not exact is a
failed repetition, not a crash.
"""
from __future__ import annotations

import base64
import gc
import json
import os
import resource
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import payloads
import rawhttp

API = rawhttp.API
DOCKER_HOST = os.environ.get("DOCKER_HOST", "")
Params = Dict[str, Any]


# -- measuring --------------------------------------------------------------------------------


def max_rss_mib() -> float:
    """This process's peak resident memory so far: VmHWM of /proc/self/status.

    Not ``ru_maxrss``: Linux carries that over from the forked copy of the parent across
    exec, so every worker would report at least the orchestrator's size.
    """
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Meter:
    """Wall and CPU time of the measured part, and memory around it."""

    wall: Optional[float] = None
    cpu: Optional[float] = None
    rss_before: float = 0.0
    _t0: float = 0.0
    _c0: float = 0.0

    def start(self) -> None:
        gc.collect()
        self.rss_before = max_rss_mib()
        self._t0 = time.perf_counter()
        self._c0 = time.process_time()

    def stop(self) -> None:
        """Stop the clocks (only the first call counts)."""
        if self.wall is None:
            self.wall = time.perf_counter() - self._t0
            self.cpu = time.process_time() - self._c0


@dataclass
class Outcome:
    """What a repetition did: units of work, failures, and details for the report."""

    units: float = 0.0
    failures: int = 0
    error: str = ""
    valid: bool = True
    extra: Dict[str, Any] = field(default_factory=dict)
    rss_mib: Optional[float] = None  # the peak memory to report, when not this process's

    def fail(self, message: str, count: int = 1, valid: bool = False) -> None:
        self.failures += count
        self.error = self.error or message
        self.valid = self.valid and valid


def describe(exc: BaseException) -> str:
    """``Type: message`` of an exception, on one line."""
    return f"{type(exc).__name__}: {exc}".replace("\n", " ")[:300]


# -- clients ----------------------------------------------------------------------------------


def connect(client: str) -> Any:
    """The client, after its first call (version negotiation and connection are not timed)."""
    if client == "docker_client":
        import docker_client
        api = docker_client.Client(base_url=DOCKER_HOST)
        api.ping()
        return api
    if client == "docker-py":
        import docker
        api = docker.APIClient(base_url=DOCKER_HOST, version="1.41")
        api.ping()
        return api
    conn = raw_connection()
    conn.request("GET", API + "/_ping").expect(200).read()
    return conn


def raw_connection() -> rawhttp.Connection:
    return rawhttp.Connection(rawhttp.socket_path(DOCKER_HOST))


# -- per-call cases ---------------------------------------------------------------------------


def repeat(call: Callable[[], Any], count: int, outcome: Outcome, lock: threading.Lock) -> None:
    """Make ``count`` calls; a call that raises or returns a falsy value is a failure."""
    for _ in range(count):
        try:
            if not call():
                with lock:
                    outcome.fail("a call returned nothing", valid=True)
        except Exception as exc:  # every failure is counted, whatever it is
            with lock:
                outcome.fail(describe(exc), valid=True)


def raw_get_json(conn: rawhttp.Connection, path: str) -> Any:
    return conn.request("GET", path).expect(200).json()


def call_for(case: str, client: str, api: Any, params: Params) -> Callable[[], Any]:
    """The one call a per-call case repeats."""
    if case == "ping":
        if client == "raw":
            return lambda: api.request("GET", API + "/_ping").expect(200).read() == b"OK"
        ping: Callable[[], Any] = api.ping
        return ping
    cid = params["container"]
    if client == "raw":
        path = f"{API}/containers/{cid}/json"
        return lambda: raw_get_json(api, path)
    return lambda: api.inspect_container(cid)


def case_calls(case: str, client: str, params: Params, meter: Meter) -> Outcome:
    """ping, inspect: sequential calls; inspect8: threads sharing one client (raw: one each)."""
    count = params["calls"]
    threads = params.get("threads", 1)
    outcome = Outcome(units=count)
    lock = threading.Lock()
    apis = [connect(client) for _ in range(threads if client == "raw" else 1)]
    calls = [call_for(case, client, apis[i % len(apis)], params) for i in range(threads)]
    if threads == 1:
        meter.start()
        repeat(calls[0], count, outcome, lock)
        meter.stop()
        return outcome
    workers = [threading.Thread(target=repeat, args=(call, count // threads, outcome, lock))
               for call in calls]
    meter.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    meter.stop()
    return outcome


# -- output streams: logs, attach, exec -------------------------------------------------------


@dataclass
class Tally:
    """Bytes of stdout and stderr seen, and stdout's newlines (for the line cases)."""

    out: int = 0
    err: int = 0
    newlines: int = 0


def tally_bytes(pieces: Iterable[bytes], lines: bool, tally: Tally) -> None:
    """Count a stream of stdout pieces (``logs(stream=True)``)."""
    for piece in pieces:
        tally.out += len(piece)
        if lines:
            tally.newlines += piece.count(b"\n")


def tally_demuxed(items: Iterable[Tuple[Optional[bytes], Optional[bytes]]], lines: bool, tally: Tally,
                  at: int = 0, reached: Optional[Callable[[], None]] = None) -> None:
    """Count ``(stdout, stderr)`` pairs (``demux=True``); call ``reached`` once stdout has ``at`` bytes."""
    for out, err in items:
        if out:
            tally.out += len(out)
            if lines:
                tally.newlines += out.count(b"\n")
            if reached is not None and tally.out >= at:
                reached()
                reached = None
        if err:
            tally.err += len(err)


def tally_frames(frames: Iterable[Tuple[int, bytes]], lines: bool, tally: Tally,
                 at: int = 0, reached: Optional[Callable[[], None]] = None) -> None:
    """Count the raw reader's ``(stream, payload)`` pieces, as :func:`tally_demuxed` does."""
    for stream, payload in frames:
        if stream == 1:
            tally.out += len(payload)
            if lines:
                tally.newlines += payload.count(b"\n")
            if reached is not None and tally.out >= at:
                reached()
                reached = None
        else:
            tally.err += len(payload)


def check_tally(tally: Tally, size: int, lines: bool, outcome: Outcome) -> None:
    """Bytes exact: stdout ``size`` bytes (size/128 lines), nothing on stderr."""
    outcome.units = size
    want = (size, 0, size // 128 if lines else tally.newlines)
    got = (tally.out, tally.err, tally.newlines)
    outcome.extra.update(stdout_bytes=tally.out, stderr_bytes=tally.err)
    if got != want:
        outcome.fail(f"got {tally.out} stdout bytes, {tally.err} stderr bytes, {tally.newlines} lines; "
                     f"expected {want[0]}, 0, {want[2]}")


def guarded(run: Callable[[], None], outcome: Outcome) -> None:
    """Run the consuming part; an exception is this repetition's failure."""
    try:
        run()
    except Exception as exc:
        outcome.fail(describe(exc))


def case_logs(client: str, params: Params, meter: Meter) -> Outcome:
    """``logs(stream=True)`` of stdout, follow=False, of an exited container."""
    cid, size, lines = params["container"], params["size"], params.get("lines", False)
    api = connect(client)
    outcome, tally = Outcome(), Tally()

    def consume() -> None:
        if client == "raw":
            resp = api.request("GET", f"{API}/containers/{cid}/logs?stdout=1").expect(200)
            tally_frames(resp.iter_frames(), lines, tally)
        else:
            tally_bytes(api.logs(cid, stdout=True, stderr=False, stream=True, follow=False), lines, tally)

    meter.start()
    guarded(consume, outcome)
    meter.stop()
    if outcome.valid:
        check_tally(tally, size, lines, outcome)
    return outcome


def case_attach(client: str, params: Params, meter: Meter) -> Outcome:
    """``attach(stream, logs, demux)``: the log is replayed; once it is through, the clocks stop
    and the container is killed, which ends the stream; then the count must be exact."""
    cid, size, lines = params["container"], params["size"], params.get("lines", False)
    control = raw_connection()
    control.post_json(f"/containers/{cid}/start", None, 204, 304)
    api = connect(client)
    outcome, tally = Outcome(), Tally()

    def kill() -> None:
        with raw_connection() as conn:
            conn.request("POST", f"{API}/containers/{cid}/kill").read()

    def reached() -> None:
        meter.stop()
        kill()

    watchdog = threading.Timer(params["deadline"], kill)

    def consume() -> None:
        if client == "raw":
            resp = api.upgrade(f"/containers/{cid}/attach?stdout=1&stderr=1&logs=1&stream=1")
            tally_frames(resp.iter_frames(), lines, tally, size, reached)
        elif params.get("demux", True):
            items = api.attach(cid, stdout=True, stderr=True, stream=True, logs=True, demux=True)
            tally_demuxed(items, lines, tally, size, reached)
        else:  # the payloads as they come, stdout and stderr together
            items = api.attach(cid, stdout=True, stderr=True, stream=True, logs=True)
            tally_demuxed(((piece, None) for piece in items), lines, tally, size, reached)

    watchdog.start()
    meter.start()
    guarded(consume, outcome)
    meter.stop()
    watchdog.cancel()
    kill()
    control.post_json(f"/containers/{cid}/wait", None, 200)
    if outcome.valid:
        check_tally(tally, size, lines, outcome)
    return outcome


def case_exec(client: str, params: Params, meter: Meter) -> Outcome:
    """``exec_create`` + ``exec_start(stream, demux)`` of a command printing ``size`` bytes."""
    cid, size, lines = params["container"], params["size"], params.get("lines", False)
    cmd = ["sh", "-c", payloads.output_command(size, lines)]
    api = connect(client)
    outcome, tally = Outcome(), Tally()

    def consume() -> None:
        if client == "raw":
            exec_id = api.post_json(f"/containers/{cid}/exec",
                                    {"Cmd": cmd, "AttachStdout": True, "AttachStderr": True}, 201)["Id"]
            resp = api.upgrade(f"/exec/{exec_id}/start", {"Detach": False, "Tty": False})
            tally_frames(resp.iter_frames(), lines, tally)
        else:
            exec_id = api.exec_create(cid, cmd)["Id"]
            tally_demuxed(api.exec_start(exec_id, stream=True, demux=True), lines, tally)

    meter.start()
    guarded(consume, outcome)
    meter.stop()
    if outcome.valid:
        check_tally(tally, size, lines, outcome)
    return outcome


# -- events -----------------------------------------------------------------------------------


def produce_events(params: Params) -> int:
    """A producer process: says ``ready``, waits for a line on stdin, then makes ``count``
    ``exec_create`` events on the container (raw client, one keep-alive connection)."""
    conn = raw_connection()
    path = f"/containers/{params['container']}/exec"
    body = {"Cmd": ["true"], "AttachStdout": True}
    conn.request("GET", API + "/_ping").expect(200).read()
    print("ready", flush=True)
    sys.stdin.readline()
    for _ in range(params["count"]):
        conn.post_json(path, body, 201)
    return 0


def start_producers(cid: str, total: int, producers: int) -> List[subprocess.Popen[str]]:
    procs = []
    for i in range(producers):
        share = total // producers + (1 if i < total % producers else 0)
        spec = json.dumps({"container": cid, "count": share})
        procs.append(subprocess.Popen([sys.executable, os.path.abspath(__file__), "_produce", "-", spec],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    for proc in procs:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("an event producer did not start")
    return procs


def case_events(client: str, params: Params, meter: Meter) -> Outcome:
    """``events(decode=True)`` filtered to one container while producers make its events live;
    the clocks stop at the last expected object."""
    total = params["events"]
    control = raw_connection()
    cid = rawhttp.create_container(control, params["image"], ["sleep", "100000"], Labels={"dcbench": "1"})
    control.post_json(f"/containers/{cid}/start", None, 204)
    api = connect(client)
    producers = start_producers(cid, total, params["producers"])
    filters = {"type": ["container"], "container": [cid]}
    until = int(time.time()) + int(params["deadline"])
    outcome = Outcome(units=total)
    count = foreign = 0
    stream: Any = None

    def consume() -> None:
        nonlocal count, foreign, stream
        if client == "raw":
            path = rawhttp.query(API + "/events", until=until, filters=filters)
            stream, items = api, api.request("GET", path).expect(200).iter_json_lines()
        else:
            stream = items = api.events(until=until, filters=filters, decode=True)
        for proc in producers:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for event in items:
            if event.get("Actor", {}).get("ID") == cid:
                count += 1
                if count == total:
                    break
            else:
                foreign += 1

    meter.start()
    guarded(consume, outcome)
    meter.stop()
    if stream is not None:
        stream.close()
    for proc in producers:
        proc.wait(timeout=60)
    control.request("DELETE", f"{API}/containers/{cid}?force=1").read()
    if outcome.valid and (count, foreign) != (total, 0):
        outcome.fail(f"got {count} events of the container and {foreign} others; expected {total}")
    return outcome


# -- archives and images ----------------------------------------------------------------------


def consume_pieces(pieces: Iterable[bytes]) -> int:
    total = 0
    for piece in pieces:
        total += len(piece)
    return total


def check_bytes(got: int, expected: int, outcome: Outcome) -> None:
    outcome.units = expected
    outcome.extra["bytes"] = got
    if got != expected:
        outcome.fail(f"got {got} bytes, expected {expected}")


def case_put_archive(client: str, params: Params, meter: Meter) -> Outcome:
    """``put_archive`` of one file of zeros, the tar generated chunk by chunk."""
    cid, path, size = params["container"], params["path"], params["size"]
    api = connect(client)
    outcome = Outcome(units=params["tar_size"])
    body = payloads.zero_tar([("big.bin", size)])

    def send() -> None:
        if client == "raw":
            api.request("PUT", f"{API}/containers/{cid}/archive?path={path}", body).expect(200).read()
        elif not api.put_archive(cid, path, body):
            outcome.fail("put_archive returned False")

    meter.start()
    guarded(send, outcome)
    meter.stop()
    if outcome.valid:
        stat = raw_connection().request("HEAD", f"{API}/containers/{cid}/archive?path={path}/big.bin")
        header = stat.headers.get("x-docker-container-path-stat", "")
        got = json.loads(base64.b64decode(header)).get("size") if header else None
        if got != size:
            outcome.fail(f"the container's file has {got} bytes, expected {size}")
    return outcome


def case_download(case: str, client: str, params: Params, meter: Meter) -> Outcome:
    """get_archive, image_save: consume the whole tar stream and count its bytes."""
    api = connect(client)
    outcome = Outcome()
    got = 0

    def consume() -> None:
        nonlocal got
        if case == "get_archive":
            cid, path = params["container"], params["path"]
            if client == "raw":
                resp = api.request("GET", f"{API}/containers/{cid}/archive?path={path}")
                pieces = resp.expect(200).iter_body()
            else:
                pieces, _ = api.get_archive(cid, path)
        elif client == "raw":
            resp = api.request("GET", f"{API}/images/{rawhttp.quoted(params['image'])}/get")
            pieces = resp.expect(200).iter_body()
        else:
            pieces = api.get_image(params["image"])
        got = consume_pieces(pieces)

    meter.start()
    guarded(consume, outcome)
    meter.stop()
    if outcome.valid:
        check_bytes(got, params["tar_size"], outcome)
    return outcome


def read_file(path: str, size: int = payloads.CHUNK) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while True:
            block = f.read(size)
            if not block:
                return
            yield block


def case_image_load(client: str, params: Params, meter: Meter) -> Outcome:
    """``load_image`` of a saved tarball, given as an open file; every progress message read."""
    api = connect(client)
    outcome = Outcome(units=params["tar_size"])
    messages: List[Any] = []

    def send() -> None:
        if client == "raw":
            resp = api.request("POST", API + "/images/load", read_file(params["tarball"]),
                               {"Content-Type": "application/x-tar"}, length=params["tar_size"])
            messages.extend(resp.expect(200).iter_json_lines())
        else:
            with open(params["tarball"], "rb") as f:
                messages.extend(api.load_image(f))

    meter.start()
    guarded(send, outcome)
    meter.stop()
    errors = [m for m in messages if isinstance(m, dict) and (m.get("error") or m.get("errorDetail"))]
    if outcome.valid and (errors or not messages):
        outcome.fail(f"load reported {errors[0] if errors else 'nothing'}")
    return outcome


# -- build context ----------------------------------------------------------------------------


def docker_py_context(path: str) -> Iterator[bytes]:
    """What ``docker.APIClient.build(path=...)`` sends (its code, docker-py 7.1.0)."""
    from docker import utils
    from docker.api.build import process_dockerfile
    exclude = None
    ignore = os.path.join(path, ".dockerignore")
    if os.path.exists(ignore):
        with open(ignore) as f:
            exclude = [line.strip() for line in f.read().splitlines()]
            exclude = [x for x in exclude if x != "" and x[0] != "#"]
    dockerfile = process_dockerfile(None, path)
    fileobj = utils.tar(path, exclude=exclude, dockerfile=dockerfile, gzip=False)
    return read_fileobj(fileobj)


def read_fileobj(fileobj: Any) -> Iterator[bytes]:
    with fileobj:
        while True:
            block = fileobj.read(payloads.CHUNK)
            if not block:
                return
            yield block


def case_build_context(client: str, params: Params, meter: Meter) -> Outcome:
    """Make the whole build-context tar of the tree; then compare its names with the CLI's."""
    outcome = Outcome(units=params["tree_files"])
    chunks: List[bytes] = []
    if client == "docker_client":
        from docker_client import build_context

        def make() -> Iterator[bytes]:
            return build_context.prepare_context(params["path"]).chunks
    else:
        import docker  # noqa: F401  (imported before the clocks start, as for docker_client)

        def make() -> Iterator[bytes]:
            return docker_py_context(params["path"])

    meter.start()
    guarded(lambda: chunks.extend(make()), outcome)
    meter.stop()
    if outcome.valid:
        from fixtures import tar_names
        names = tar_names(chunks)
        with open(params["cli_names"]) as f:
            cli = json.load(f)
        outcome.extra.update(entries=len(names), cli_entries=len(cli), same_as_cli=names == cli,
                             missing=len(set(cli) - set(names)), unexpected=len(set(names) - set(cli)),
                             bytes=sum(map(len, chunks)))
    return outcome


# -- builds -----------------------------------------------------------------------------------


def case_build(case: str, client: str, params: Params, meter: Meter) -> Outcome:
    """``builds`` builds of the context without cache, each output read to its end and checked
    for the built image: classic (docker_client, docker-py) or BuildKit (docker_client with its
    session; raw: the same tar POSTed with version=2 and no session)."""
    count, path = params["builds"], params["path"]
    buildkit = case == "build_buildkit"
    outcome = Outcome(units=count)
    api = connect(client)
    if client == "raw":
        from docker_client import build_context

        body = b"".join(build_context.prepare_context(path).chunks)
        query = "nocache=1&networkmode=none" + ("&version=2" if buildkit else "")

        def build_once() -> bool:
            resp = api.request("POST", f"{API}/build?{query}", body,
                               headers={"Content-Type": "application/x-tar"})
            text = b"".join(resp.expect(200).iter_body())
            return b'"moby.image.id"' in text or b"Successfully built" in text
    else:
        extra = {"version": "2"} if buildkit else {}
        if buildkit and client == "docker_client":
            # protobuf and h2 imported before the clocks start, as an application pays it once
            # (the import case times imports)
            from docker_client.buildkit import _protobuf, http2
            _protobuf.modules()
            http2._h2()

        def build_once() -> bool:
            documents = list(api.build(path=path, nocache=True, network_mode="none", decode=True, **extra))
            if any("error" in d or "errorDetail" in d for d in documents):
                raise RuntimeError(f"the build failed: {documents[-1]}")
            return any(d.get("id") == "moby.image.id" or "Successfully built" in d.get("stream", "")
                       for d in documents)

    lock = threading.Lock()
    meter.start()
    repeat(build_once, count, outcome, lock)
    meter.stop()
    return outcome


# -- import -----------------------------------------------------------------------------------

_IMPORT_CODE = """\
import time
t0 = time.perf_counter()
import {module}
t1 = time.perf_counter()
import json, os, sys
HEAVY = ("paramiko", "websocket", "cryptography")
out = {{"import_s": t1 - t0, "after_import": [m for m in HEAVY if m in sys.modules]}}
if {ping}:
    client = docker_client.Client(base_url=os.environ["DOCKER_HOST"])
    out["ping"] = client.ping()
    out["after_ping"] = [m for m in HEAVY if m in sys.modules]
status = open("/proc/self/status").read()
out["max_rss_mib"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps(out))
"""
_MODULES = {"docker_client": "docker_client", "docker-py": "docker", "raw": "requests"}


def case_import(client: str, params: Params, meter: Meter) -> Outcome:
    """The import's own time, measured inside a fresh interpreter; and ``python -c pass``."""
    module = _MODULES[client]
    code = _IMPORT_CODE.format(module=module, ping=client == "docker_client")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    interpreter = time.perf_counter() - t0
    meter.start()
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    meter.stop()
    data = json.loads(result.stdout)
    meter.wall, meter.cpu = data["import_s"], None  # the import's own time; no CPU figure
    outcome = Outcome(units=1, extra={"python_c_pass_s": interpreter, **data}, rss_mib=data["max_rss_mib"])
    loaded = [m for m in data.get("after_ping", data["after_import"]) if m != "cryptography"]
    if client == "docker_client" and loaded:
        outcome.fail(f"imported with docker_client: {', '.join(loaded)}", valid=True)
    return outcome


# -- main -------------------------------------------------------------------------------------


def run_case(case: str, client: str, params: Params) -> Dict[str, Any]:
    meter = Meter()
    runners: Dict[str, Callable[[], Outcome]] = {
        "import": lambda: case_import(client, params, meter),
        "ping": lambda: case_calls(case, client, params, meter),
        "inspect": lambda: case_calls(case, client, params, meter),
        "inspect8": lambda: case_calls(case, client, params, meter),
        "logs16k": lambda: case_logs(client, params, meter),
        "logs128": lambda: case_logs(client, params, meter),
        "attach16k": lambda: case_attach(client, params, meter),
        "attach128": lambda: case_attach(client, params, meter),
        "attach16k_plain": lambda: case_attach(client, params, meter),
        "attach128_plain": lambda: case_attach(client, params, meter),
        "exec_bulk": lambda: case_exec(client, params, meter),
        "exec_lines": lambda: case_exec(client, params, meter),
        "events": lambda: case_events(client, params, meter),
        "put_archive": lambda: case_put_archive(client, params, meter),
        "get_archive": lambda: case_download(case, client, params, meter),
        "image_save": lambda: case_download(case, client, params, meter),
        "image_load": lambda: case_image_load(client, params, meter),
        "build_context": lambda: case_build_context(client, params, meter),
        "build_classic": lambda: case_build(case, client, params, meter),
        "build_buildkit": lambda: case_build(case, client, params, meter),
    }
    try:
        outcome = runners[case]()
    except Exception as exc:  # setup failed: report it as this repetition's failure
        outcome = Outcome()
        outcome.fail(describe(exc))
        outcome.extra["traceback"] = traceback.format_exc()[-2000:]
    rss_after = max_rss_mib()
    if outcome.rss_mib is not None:
        rss_after = meter.rss_before = outcome.rss_mib
    return {
        "case": case, "client": client, "valid": outcome.valid, "failures": outcome.failures,
        "error": outcome.error, "wall": meter.wall, "cpu": meter.cpu, "units": outcome.units,
        "max_rss_mib": round(rss_after, 2), "rss_growth_mib": round(rss_after - meter.rss_before, 2),
        "extra": outcome.extra,
    }


def main(argv: List[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    case, client, params = argv[1], argv[2], json.loads(argv[3])
    if case == "_produce":
        return produce_events(params)
    print(json.dumps(run_case(case, client, params)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
