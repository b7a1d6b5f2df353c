"""The benchmark suite: fixtures once, then every case's repetitions, each in a fresh worker
process, clients alternating (docker_client, docker-py, raw, docker_client, ...); medians.

Run it through ``benchmarks/run``, which makes the virtualenv and starts the private daemon;
by hand, it needs DOCKER_HOST (a ``unix://`` socket) and both client libraries importable.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import rawhttp  # noqa: E402
import report  # noqa: E402
from cases import BY_NAME, CASES, Case  # noqa: E402
from fixtures import Fixtures  # noqa: E402

REPO = HERE.parent
RESULTS = HERE / "results"
DOCS = REPO / "docs" / "benchmarks.md"
WORKER = HERE / "worker.py"


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks/run", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 1 repetition: a smoke run")
    parser.add_argument("--cases", help="comma-separated cases (default: all): " + ",".join(BY_NAME))
    parser.add_argument("--reps", type=int, help="repetitions per client (odd; default 5, --quick 1)")
    parser.add_argument("--out", type=Path, help="write the markdown report here (and FILE.json) "
                                                 "instead of benchmarks/results/latest.{md,json}")
    parser.add_argument("--update-docs", action="store_true",
                        help="also put the report into docs/benchmarks.md (Results on this machine)")
    parser.add_argument("--timeout", type=float, help="seconds per repetition (default: per case, 300)")
    args = parser.parse_args(argv)
    if args.reps is None:
        args.reps = 1 if args.quick else 5
    if args.reps < 1 or args.reps % 2 == 0:
        parser.error("--reps must be odd (the median is one of the repetitions)")
    names = args.cases.split(",") if args.cases else list(BY_NAME)
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    args.selected = [case for case in CASES if case.name in names]
    return args


# -- repetitions ------------------------------------------------------------------------------


def run_worker(case: Case, client: str, params: Dict[str, Any], timeout: float) -> Dict[str, Any]:
    """One repetition in a fresh process; a timeout or a crash is a failed repetition."""
    argv = [sys.executable, str(WORKER), case.name, client, json.dumps(params)]
    failed = {"case": case.name, "client": client, "valid": False, "failures": 1, "wall": None,
              "cpu": None, "units": 0, "max_rss_mib": None, "rss_growth_mib": None, "extra": {}}
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=str(REPO))
    except subprocess.TimeoutExpired:
        return {**failed, "error": f"timed out after {timeout:.0f} s", "timeout": True}
    lines = proc.stdout.strip().splitlines()
    try:
        return dict(json.loads(lines[-1]))
    except (IndexError, ValueError):
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        return {**failed, "error": f"worker crashed: {tail[0][:300]}"}


def run_case(case: Case, params: Dict[str, Any], reps: int, timeout: float) -> List[Dict[str, Any]]:
    """``reps`` rounds of the clients in turn; a client that timed out is not run again."""
    results: List[Dict[str, Any]] = []
    timed_out: set[str] = set()
    for rep in range(reps):
        for client in case.clients:
            if client in timed_out:
                results.append({"case": case.name, "client": client, "skipped": True})
                continue
            result = run_worker(case, client, params, timeout)
            results.append(result)
            if result.get("timeout"):
                timed_out.add(client)
            log(f"{case.name} {rep + 1}/{reps} {client}: {_brief(case, result)}")
    return results


def _brief(case: Case, result: Dict[str, Any]) -> str:
    if result.get("wall") is None or not result.get("valid"):
        return f"FAILED {result.get('error', '')[:160]}"
    cpu = "–" if result["cpu"] is None else f"{result['cpu']:.3f} s"
    text = f"{result['wall']:.3f} s, cpu {cpu}, peak {result['max_rss_mib']:.0f} MiB"
    if result["failures"]:
        text += f", {result['failures']} failures: {result['error'][:100]}"
    return text


# -- main -------------------------------------------------------------------------------------


def daemon_version() -> Dict[str, Any]:
    with rawhttp.Connection(rawhttp.socket_path(os.environ["DOCKER_HOST"])) as conn:
        return dict(conn.get_json("/version"))


def write_outputs(args: argparse.Namespace, text: str, data: Dict[str, Any]) -> None:
    out = args.out or RESULTS / "latest.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    out.with_suffix(".json").write_text(json.dumps(data, indent=1))
    log(f"report written to {out} (and {out.with_suffix('.json').name})")
    if args.update_docs:
        report.update_docs(DOCS, text)
        log(f"results section of {DOCS} updated")


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # so that the fixtures and the work dir are cleaned up


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    host = os.environ.get("DOCKER_HOST", "")
    if not host.startswith("unix://"):
        log("DOCKER_HOST must name a unix socket (benchmarks/run sets it up)")
        return 2
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    t0 = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="dcbench-", dir=os.environ.get("DCBENCH_WORKDIR", "/tmp")))
    fixtures = Fixtures(host, workdir, log)
    summaries: List[Dict[str, Any]] = []
    reps_out: Dict[str, List[Dict[str, Any]]] = {}
    try:
        info = report.machine(daemon_version(), REPO)  # the commit measured, not the one at the end
        plans = []
        for case in args.selected:
            params = fixtures.params(case, args.quick)
            timeout = args.timeout or case.timeout
            params["deadline"] = max(10.0, timeout - 20)
            plans.append((case, params, timeout))
        for case, params, timeout in plans:
            reps = min(args.reps, case.max_reps or args.reps)
            reps_out[case.name] = run_case(case, params, reps, timeout)
            summaries.append(report.summarize(case, reps_out[case.name]))
    finally:
        cleanup(fixtures, workdir)
    given = argv if argv is not None else sys.argv[1:]
    command = "benchmarks/run " + " ".join(shlex.quote(a) for a in given)
    text = report.markdown(summaries, info, started, time.monotonic() - t0, command.strip())
    print(text)
    write_outputs(args, text, {"started": started, "machine": info, "summaries": summaries, "reps": reps_out})
    return 0


def cleanup(fixtures: Fixtures, workdir: Path) -> None:
    """Remove the fixtures; a failure here is logged, never in the way of the report."""
    try:
        fixtures.cleanup()
    except (OSError, rawhttp.RawHTTPError) as exc:
        log(f"cleaning up the fixtures failed: {exc}")
    shutil.rmtree(workdir, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
