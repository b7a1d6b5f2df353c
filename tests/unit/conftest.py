"""Fixtures of the socket-level transport tests: a scripted server on TCP or a unix socket, and
clients made against it (all closed, and checked for leaks, at the end of each test)."""
from __future__ import annotations

from typing import Iterator

import pytest

from .transport_support import ClientFactory, ServerFactory, temporary_directory


@pytest.fixture(params=["tcp", "unix"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sockdir() -> Iterator[str]:
    yield from temporary_directory()


@pytest.fixture
def make_server(transport: str, sockdir: str) -> Iterator[ServerFactory]:
    yield from ServerFactory.running(transport, sockdir)


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    yield from ClientFactory.running()
