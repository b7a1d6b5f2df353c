"""Shared fixtures: a clean environment for every test, and the private test daemon.

The daemon's address is read once, at import, from what scripts/privdaemon.py exports
(DOCKER_HOST, DOCKER_API_VERSION, DC_TEST_*); then every DOCKER_* variable is scrubbed for
each test so that no test depends on the caller's environment by accident.

A test that needs the daemon uses the ``client`` (or ``daemon``) fixture. When the daemon is
not there it FAILS if DC_TEST_DAEMON or CI is set, and is skipped only on a developer's
machine running without the harness; the count of such skips is printed as ``DAEMON-SKIPS: N``
for scripts/test to check.
"""
from __future__ import annotations

import os
import uuid
from typing import Any, Callable, Iterator

import pytest

DAEMON_HOST = os.environ.get("DOCKER_HOST", "")
API_VERSION = os.environ.get("DOCKER_API_VERSION") or None
TEST_IMAGE = os.environ.get("DC_TEST_IMAGE", "dctest/busybox:latest")
# Which engine the harness started (docker20, docker28, podman) and the newest API version it
# speaks: what version negotiation must arrive at.
ENGINE = os.environ.get("DC_TEST_ENGINE", "docker20")
DAEMON_API = os.environ.get("DC_TEST_DAEMON_API", "1.41")
DAEMON_EXPECTED = bool(os.environ.get("DC_TEST_DAEMON") or os.environ.get("CI"))
_DAEMON_SKIP_REASON = "no private test daemon (run the tests with scripts/test)"
_daemon_state: dict[str, Any] = {}


def short_name(reference: str) -> str:
    """An image reference as Docker Engine shows it: Podman names every image in full
    (``docker.io/library/name:tag``), Docker leaves out the default registry and namespace."""
    for prefix in ("docker.io/library/", "docker.io/"):
        if reference.startswith(prefix):
            return reference[len(prefix):]
    return reference


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for name in list(os.environ):
        if name.startswith("DOCKER_"):
            monkeypatch.delenv(name)
    # An empty config dir: no test reads the developer's ~/.docker.
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path_factory.mktemp("docker-config")))


def _daemon_error() -> str | None:
    """None when the private daemon answers, else why not (checked once per session)."""
    if "error" not in _daemon_state:
        if not DAEMON_HOST or not os.environ.get("DC_TEST_DAEMON"):
            _daemon_state["error"] = "DC_TEST_DAEMON/DOCKER_HOST not set"
        else:
            from docker_client import Client

            try:
                with Client(base_url=DAEMON_HOST, version="1.24", timeout=10) as c:
                    c.ping()
                _daemon_state["error"] = None
            except Exception as exc:
                _daemon_state["error"] = f"the test daemon at {DAEMON_HOST} does not answer: {exc!r}"
    return _daemon_state["error"]  # type: ignore[no-any-return]


@pytest.fixture
def daemon() -> str:
    """The test daemon's address; fails (or, off CI and without the harness, skips) without it."""
    error = _daemon_error()
    if error is not None:
        if DAEMON_EXPECTED:
            pytest.fail(f"the private test daemon is required: {error}")
        pytest.skip(_DAEMON_SKIP_REASON)
    return DAEMON_HOST


@pytest.fixture
def client(daemon: str) -> Iterator[Any]:
    """A Client for the test daemon at the API version of this tox environment."""
    from docker_client import Client

    with Client(base_url=daemon, version=API_VERSION) as c:
        yield c


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """Names no other test (or earlier run) uses: ``unique_name("vol")``."""
    def make(prefix: str = "dctest") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make


def _left_out_because(item: Any) -> str | None:
    """Why this engine's run leaves ``item`` out (a label for the summary), or None."""
    refused = item.get_closest_marker("podman_refuses")
    if ENGINE == "podman" and refused:
        return f"podman_refuses:{refused.args[0]}"
    if ENGINE != "docker28" and item.get_closest_marker("two_nodes"):
        return "two_nodes"
    if ENGINE != "podman" and item.get_closest_marker("podman_only"):
        return "podman_only"
    if ENGINE != "docker28" and item.get_closest_marker("buildx"):
        return "buildx"
    return None


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Leave out, on Podman, the tests of what Podman does not serve (marked ``podman_refuses``),
    where the harness runs no second node (all engines but Engine 28) the two-node tests, and
    the Podman-only tests elsewhere; on Podman, expect the failures podman_differences.py names.

    They are deselected, not skipped: each names why, the summary counts them per reason, and
    tests/integration/test_podman.py checks the error Podman gives for each refused endpoint."""
    if ENGINE == "podman":
        from .integration.podman_differences import PODMAN_DIFFERENCES

        for item in items:
            reason = PODMAN_DIFFERENCES.get(item.nodeid.rpartition("/")[2])
            if reason:
                item.add_marker(pytest.mark.xfail(reason=f"Podman: {reason}", strict=True))
    keep, dropped = [], []
    for item in items:
        why = _left_out_because(item)
        if why is None:
            keep.append(item)
        else:
            dropped.append(item)
            _left_out[why] = _left_out.get(why, 0) + 1
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


_left_out: dict[str, int] = {}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if ENGINE == "podman":
        differences = len(terminalreporter.stats.get("xfailed", []))
        terminalreporter.write_line(f"PODMAN-DIFFERS: {differences} tests failed as expected "
                                    "(tests/integration/podman_differences.py)")
    refused = {k.partition(":")[2]: v for k, v in _left_out.items() if k.startswith("podman_refuses:")}
    if refused:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(refused.items()))
        terminalreporter.write_line(f"PODMAN-REFUSED: {sum(refused.values())} tests left out ({reasons})")
    if _left_out.get("two_nodes"):
        terminalreporter.write_line(f"TWO-NODES: {_left_out['two_nodes']} tests left out (Engine 28 only)")
    if _left_out.get("podman_only"):
        terminalreporter.write_line(f"PODMAN-ONLY: {_left_out['podman_only']} tests left out (Podman only)")
    if _left_out.get("buildx"):
        terminalreporter.write_line(f"BUILDX: {_left_out['buildx']} tests left out (Engine 28 only)")
    skipped = terminalreporter.stats.get("skipped", [])
    count = sum(1 for report in skipped if _DAEMON_SKIP_REASON in str(report.longrepr))
    terminalreporter.write_line(f"DAEMON-SKIPS: {count}")
