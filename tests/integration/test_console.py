"""``python -m docker_client``: the console, driven through piped input against the test daemon."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

from docker_client import __version__

from ..conftest import API_VERSION, ENGINE


def console(arguments: List[str], stdin: str,
            environment: Dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docker_client", "--plain", *arguments], input=stdin,
                          capture_output=True, text=True, timeout=60, env=environment)


def _environment(**changes: str) -> Dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    environment["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    environment.update(changes)
    return environment


def test_the_console_names_the_daemon_and_runs_code(daemon: str, tmp_path: Path) -> None:
    version_arguments = ["--api-version", API_VERSION] if API_VERSION else []
    done = console(version_arguments, "print('ping:', client.ping())\nprint('api=' + client.api_version)\n",
                   _environment(DOCKER_HOST=daemon, DOCKER_CONFIG=str(tmp_path)))
    assert done.returncode == 0, done.stderr
    banner = done.stderr  # the standard console writes its banner and prompts to stderr
    socket_path = daemon.split("://", 1)[1]
    assert f"docker_client {__version__}" in banner
    assert f"daemon:  unix://{socket_path}" in banner
    engine = "Podman" if ENGINE == "podman" else "Docker Engine"
    assert f"engine:  {engine} " in banner and "(API " in banner
    assert "context: default" in banner and "client.<TAB>" in banner
    assert "ping: True" in done.stdout
    match = re.search(r"api=([0-9.]+)", done.stdout)
    assert match is not None, done.stdout
    negotiated = match.group(1)
    assert f"(API {negotiated})" in banner
    if API_VERSION:
        assert negotiated == API_VERSION


def test_host_and_context_options(daemon: str, tmp_path: Path) -> None:
    digest = hashlib.sha256(b"testd").hexdigest()
    meta = tmp_path / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": "testd", "Endpoints": {"docker": {"Host": daemon}}}))
    environment = _environment(DOCKER_CONFIG=str(tmp_path), DOCKER_HOST="unix:///nonexistent.sock")
    by_context = console(["--context", "testd"], "print(client.ping())\n", environment)
    assert by_context.returncode == 0 and "True" in by_context.stdout, by_context.stderr
    assert "context: testd" in by_context.stderr
    by_host = console(["-H", daemon], "print(client.ping())\n", environment)
    assert by_host.returncode == 0 and "True" in by_host.stdout, by_host.stderr
    both = console(["-H", daemon, "-c", "testd"], "", environment)
    assert both.returncode == 1 and "give one" in both.stderr
    missing = console(["--context", "nosuch"], "", environment)
    assert missing.returncode == 1 and "'nosuch' not found" in missing.stderr
    unreachable = console([], "print(client.api_version)\n", environment)
    assert "engine:  not reachable: cannot connect to the Docker daemon: no socket at /nonexistent.sock" \
        in unreachable.stderr


def test_version() -> None:
    done = subprocess.run([sys.executable, "-m", "docker_client", "--version"], capture_output=True,
                          text=True, timeout=60, env=_environment())
    assert done.returncode == 0 and done.stdout == f"docker_client {__version__}\n"
