"""Integration-test helpers: raw calls for objects the system tests need to make events of."""
from __future__ import annotations

import os
from typing import Any, Callable, Iterator

import pytest


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
