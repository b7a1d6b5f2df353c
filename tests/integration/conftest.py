"""Integration-test helpers: raw calls for objects the system tests need to make events of."""
from __future__ import annotations

import os
import time
from typing import Any, Callable, Iterator, List

import pytest

from docker_client import Client, versions


@pytest.fixture
def make_volume(client: Any) -> Iterator[Callable[[str], str]]:
    """Create volumes through the raw API; every one is removed afterwards."""
    made: list[str] = []

    def create(name: str) -> str:
        client._result(client._post_json(client._url("/volumes/create"), data={"Name": name}), json=True)
        made.append(name)
        return name

    yield create
    for name in made:
        client._delete(client._url("/volumes/{0}", name)).close()


def env_or_fail(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the tests through scripts/test")
    return value


def supports(client: Client, feature: str) -> bool:
    """Whether the API version ``client`` speaks has ``feature`` (docker_client.versions)."""
    return versions.supports(feature, client.api_version)


def record(client: Client) -> List[Any]:
    """Every request ``client`` sends from now on (the PreparedRequests, in order)."""
    seen: List[Any] = []
    client.hooks["response"].append(lambda r, *a, **k: seen.append(r.request))
    return seen


def wait_for(what: str, check: Callable[[], Any], timeout: float) -> Any:
    """``check()``'s first true answer, polled every 0.25 s; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.25)
