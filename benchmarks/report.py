"""The benchmark's report: medians per case and client, ratios, targets, as markdown and JSON.

``summarize`` turns the repetitions' JSON lines into one summary per case; ``markdown`` draws
the tables; ``update_docs`` puts them into docs/benchmarks.md between two markers.
"""
from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from cases import BY_NAME, CLIENTS, KINDS, Case

DOCS_START = "<!-- results:start (benchmarks/run --update-docs rewrites this section) -->"
DOCS_END = "<!-- results:end -->"
#: "memory flat": a stream may grow the process by at most this much.
FLAT_MIB = 16.0
PEAK_LIMIT_MIB = 64.0

Rep = Dict[str, Any]
Summary = Dict[str, Any]


# -- medians ----------------------------------------------------------------------------------


def _median(values: List[float]) -> Optional[float]:
    return statistics.median(values) if values else None


def summarize_client(case: Case, reps: List[Rep]) -> Summary:
    """The medians of one client's repetitions of one case, and its failures."""
    kind = KINDS[case.kind]
    ran = [r for r in reps if not r.get("skipped")]
    valid = [r for r in ran if r["valid"] and r["wall"]]
    rates = [r["units"] / kind["per"] / r["wall"] for r in valid]
    if case.kind in ("files", "import"):
        rates = [r["wall"] * (1e3 if case.kind == "import" else 1) for r in valid]
    cpu = [r["cpu"] / (r["units"] / kind["per"]) * kind["cpu_scale"]
           for r in valid if r["cpu"] is not None and r["units"]]
    failed = [r for r in ran if r["failures"] or not r["valid"]]
    extras = [r["extra"] for r in valid]
    return {
        "reps": len(ran), "skipped": len(reps) - len(ran), "failed_reps": len(failed),
        "failed_calls": sum(r["failures"] for r in ran) if case.kind == "calls" else None,
        "errors": sorted({r["error"] for r in failed if r["error"]}),
        "value": _median(rates), "cpu": _median(cpu),
        "max_rss_mib": _median([r["max_rss_mib"] for r in ran]),
        "rss_growth_mib": _median([r["rss_growth_mib"] for r in valid]),
        "extra": _merge_extras(extras),
    }


def _merge_extras(extras: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Median of numeric extras, the set of values of the others."""
    merged: Dict[str, Any] = {}
    for key in sorted({k for e in extras for k in e if k != "traceback"}):
        values = [e[key] for e in extras if key in e]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            merged[key] = statistics.median(values)
        else:
            distinct: List[Any] = []
            for value in values:
                if value not in distinct:
                    distinct.append(value)
            merged[key] = distinct[0] if len(distinct) == 1 else distinct
    return merged


def summarize(case: Case, reps: List[Rep]) -> Summary:
    """Per-client summaries, the ratios, and the target's verdict of one case."""
    clients = {c: summarize_client(case, [r for r in reps if r["client"] == c]) for c in case.clients}
    ours, dpy, raw = (clients.get(c, {}).get("value") for c in CLIENTS)
    cpu_ours, cpu_dpy, cpu_raw = (clients.get(c, {}).get("cpu") for c in CLIENTS)
    if case.kind in ("files", "import"):  # times: smaller is better
        vs_dpy = _ratio(dpy, ours)
        vs_raw = _ratio(ours, raw)  # import: docker_client's time / requests'
    else:
        vs_dpy = _ratio(ours, dpy)
        vs_raw = _ratio(ours, raw)
    summary = {"case": case.name, "kind": case.kind, "clients": clients, "vs_docker_py": vs_dpy,
               "vs_raw": vs_raw, "cpu_vs_docker_py": _ratio(cpu_ours, cpu_dpy),
               "cpu_vs_raw": _ratio(cpu_ours, cpu_raw)}
    summary["met"], summary["verdict"] = judge(case, summary)
    return summary


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return a / b if a is not None and b else None


# -- targets ----------------------------------------------------------------------------------


def judge(case: Case, s: Summary) -> Tuple[Optional[bool], str]:
    """Whether docker_client met the issue-6 target of ``case``, and why not."""
    ours = s["clients"]["docker_client"]
    if ours["value"] is None:
        return False, "docker_client failed every repetition"
    problems: List[str] = []
    if ours["failed_reps"]:
        problems.append(f"{ours['failed_reps']} failed reps")
    name, kind = case.name, case.kind
    if name == "import":
        _at_most(problems, s["vs_raw"], 1.3, "time vs requests")
    elif name in ("ping", "inspect", "inspect8"):
        _at_least(problems, s["vs_docker_py"], 4.0 if name == "inspect8" else 2.5, "x docker-py")
    elif name == "events":
        _at_least(problems, s["vs_raw"], 0.85, "of raw")
    elif name in ("put_archive", "get_archive", "image_save", "image_load"):
        _at_most(problems, s["cpu_vs_raw"], 1.5, "CPU vs raw")
        if ours["max_rss_mib"] is not None and ours["max_rss_mib"] >= PEAK_LIMIT_MIB:
            problems.append(f"peak {ours['max_rss_mib']:.0f} MiB")
    elif name == "build_context":
        _at_least(problems, s["vs_docker_py"], 10.0, "x docker-py")
        if ours["extra"].get("same_as_cli") is not True:
            problems.append("file set differs from the CLI's")
    elif name == "build_classic":
        _at_least(problems, s["vs_docker_py"], 1.0, "x docker-py")
    elif name == "build_buildkit":
        _at_least(problems, s["vs_raw"], 0.9, "of raw")
    elif kind == "bytes":
        _at_least(problems, s["vs_raw"], 0.9, "of raw")
        growth = ours["rss_growth_mib"]
        if growth is not None and growth > FLAT_MIB:
            problems.append(f"memory grew {growth:.0f} MiB")
    return not problems, "; ".join(problems)


def _at_least(problems: List[str], value: Optional[float], limit: float, what: str) -> None:
    if value is None or value < limit:
        problems.append(f"{_num(value)} {what} < {limit:g}")


def _at_most(problems: List[str], value: Optional[float], limit: float, what: str) -> None:
    if value is None or value > limit:
        problems.append(f"{_num(value)} {what} > {limit:g}")


# -- the machine ------------------------------------------------------------------------------


def machine(daemon_version: Dict[str, Any], repo: Path) -> Dict[str, str]:
    """What the numbers were measured on."""
    cpu = "?"
    mem = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
        kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        mem = f"{kib / 1048576:.1f} GiB"
    except (OSError, StopIteration):
        pass
    try:
        docker_py = importlib.metadata.version("docker")
    except importlib.metadata.PackageNotFoundError:
        docker_py = "not installed"
    return {
        "cpu": cpu, "cores": str(os.cpu_count()), "ram": mem, "kernel": platform.release(),
        "python": platform.python_version(),
        "daemon": f"{daemon_version.get('Version', '?')} (API {daemon_version.get('ApiVersion', '?')})",
        "docker_py": docker_py, "docker_client": _commit(repo),
    }


def _commit(repo: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "?"
    if git("status", "--porcelain", "--", "docker_client"):
        commit += " + uncommitted changes in docker_client/"
    return commit


# -- markdown ---------------------------------------------------------------------------------


def _num(value: Optional[float], digits: int = 3) -> str:
    """A number with about ``digits`` significant digits; '–' for none."""
    if value is None:
        return "–"
    if abs(value) < 0.005:
        return "0"
    if abs(value) >= 10 ** (digits - 1):
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _times(value: Optional[float]) -> str:
    return "–" if value is None else f"{_num(value)}x"


def _failures(summary: Summary) -> str:
    parts = []
    for client, s in summary["clients"].items():
        if not s["reps"] and not s["skipped"]:
            continue
        text = f"{client} {s['failed_reps']}/{s['reps']}"
        if s["failed_calls"]:
            text += f" ({s['failed_calls']} calls)"
        if s["skipped"]:
            text += f" ({s['skipped']} skipped after a timeout)"
        parts.append(text)
    return ", ".join(parts)


def _cell(summary: Summary, client: str, key: str) -> str:
    s = summary["clients"].get(client)
    return "n/a" if s is None else _num(s[key])


def _metric(case: Case) -> str:
    return {"files": "s (whole tar)", "import": "ms (import)"}.get(case.kind, str(KINDS[case.kind]["rate"]))


def speed_table(summaries: List[Summary]) -> List[str]:
    rows = ["| case | metric | docker_client | docker-py | raw | vs docker-py | % of raw | target | met |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for s in summaries:
        case = BY_NAME[s["case"]]
        if case.kind == "import":
            vs_raw = f"{_num(s['vs_raw'])}x requests"
        else:
            vs_raw = "–" if s["vs_raw"] is None else f"{s['vs_raw'] * 100:.0f}%"
        faster = "faster" if case.kind in ("files", "import") else ""
        vs_dpy = "–" if s["vs_docker_py"] is None else f"{_num(s['vs_docker_py'])}x {faster}".strip()
        met = {True: "met", False: "**not met**", None: "–"}[s["met"]]
        if s["verdict"]:
            met += f" ({s['verdict']})"
        rows.append(f"| {case.name} | {_metric(case)} | {_cell(s, 'docker_client', 'value')} | "
                    f"{_cell(s, 'docker-py', 'value')} | {_cell(s, 'raw', 'value')} | {vs_dpy} | {vs_raw} | "
                    f"{case.target} | {met} |")
    return rows


def cost_table(summaries: List[Summary]) -> List[str]:
    rows = ["| case | client CPU | docker_client | docker-py | raw | vs docker-py | vs raw | "
            "peak MiB (ours / docker-py / raw) | growth MiB (ours / docker-py / raw) | failed reps |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |"]
    for s in summaries:
        case = BY_NAME[s["case"]]
        unit = KINDS[case.kind]["cpu"] or "–"
        peaks = " / ".join(_cell(s, c, "max_rss_mib") for c in CLIENTS)
        growth = " / ".join(_cell(s, c, "rss_growth_mib") for c in CLIENTS)
        cpu = " | ".join(_cell(s, c, "cpu") for c in CLIENTS)
        rows.append(f"| {case.name} | {unit} | {cpu} | {_times(s['cpu_vs_docker_py'])} | "
                    f"{_times(s['cpu_vs_raw'])} | {peaks} | {growth} | {_failures(s)} |")
    return rows


def notes(summaries: List[Summary]) -> List[str]:
    """Per-case details: error texts, the import check, the CLI file-set check, bounds."""
    out: List[str] = []
    for s in summaries:
        name = s["case"]
        clients = s["clients"]
        if name == "import":
            ours = clients["docker_client"]["extra"]
            loaded = ours.get("after_ping") or "none of paramiko, websocket, cryptography"
            passes = [c["extra"].get("python_c_pass_s") for c in clients.values() if c["extra"]]
            base = _median([p for p in passes if p is not None])
            out.append(f"- import: `python -c pass` takes {_num(base and base * 1e3)} ms; after `import "
                       f"docker_client` + `Client(...).ping()` these are loaded: "
                       f"{loaded}. docker-py is "
                       f"installed without its ssh extra, so `import docker` loads no paramiko here.")
        if name == "build_context":
            for client in ("docker_client", "docker-py"):
                e = clients[client]["extra"]
                if e:
                    same = "yes" if e.get("same_as_cli") is True else "no"
                    out.append(f"- build_context, {client}: file set equal to the CLI's: {same} "
                               f"({_num(e.get('entries'))} entries; "
                               f"the CLI sends {_num(e.get('cli_entries'))}; "
                               f"missing {_num(e.get('missing'))}, unexpected {_num(e.get('unexpected'))}).")
        if name == "events":
            out.append("- events: the objects/s of all three are bounded by the two producer processes and "
                       "the daemon (2 cores); client CPU per 1000 objects is the fair comparison.")
        for client, c in clients.items():
            for error in c["errors"]:
                out.append(f"- {name}, {client}: `{error}`")
    return out


def markdown(summaries: List[Summary], info: Dict[str, str], started: str, duration: float,
             command: str) -> str:
    """The whole report."""
    lines = [
        f"Measured {started} with `{command}` ({duration / 60:.1f} min).",
        "",
        f"- machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, Linux {info['kernel']}",
        f"- Python {info['python']}; Docker Engine {info['daemon']}; docker-py {info['docker_py']}; "
        f"docker_client {info['docker_client']}",
        "",
        "Speed (medians; calls/s, MB/s and objects/s: more is better; s and ms: less is better):",
        "",
        *speed_table(summaries),
        "",
        "Client CPU per unit of work and memory (medians; CPU is this process's user+system time "
        "in the measured part):",
        "",
        *cost_table(summaries),
        "",
    ]
    extra = notes(summaries)
    if extra:
        lines += ["Notes:", "", *extra, ""]
    return "\n".join(lines)


def update_docs(path: Path, report: str) -> None:
    """Replace what is between the result markers of ``path`` with ``report``."""
    text = path.read_text()
    if DOCS_START not in text or DOCS_END not in text:
        raise ValueError(f"{path} has no results markers")
    head, rest = text.split(DOCS_START, 1)
    _, tail = rest.split(DOCS_END, 1)
    path.write_text(f"{head}{DOCS_START}\n\n{report.rstrip()}\n\n{DOCS_END}{tail}")
