"""What Podman's Docker-compatible API does not serve, and how the library says so.

Runs on Podman only (the ``podman`` tox environment); on the Docker engines the same calls are
tested for what they do. For each endpoint Podman refuses, the library raises its error class for
the status Podman answers with, keeps Podman's own message as ``explanation``, and says in the
message that it is Podman that does not serve the endpoint (Podman's bare 404s name no one, so
the client asks ``/_ping`` who it is talking to).
"""
from __future__ import annotations

import io
import re
from typing import Any, Callable

import pytest

from docker_client import Client, errors

from ..conftest import TEST_IMAGE

pytestmark = pytest.mark.podman_only  # left out on the other engines (tests/conftest.py)

REFUSED: list[tuple[str, Callable[[Client], Any], type[errors.APIError], str]] = [
    ("swarm init", lambda c: c.init_swarm(advertise_addr="127.0.0.1"), errors.APIError,
     "Podman does not support service"),
    ("swarm inspect", lambda c: c.inspect_swarm(), errors.NotFound, "Not Found"),
    ("nodes", lambda c: c.nodes(), errors.NotFound, "Not Found"),
    ("services", lambda c: c.services(), errors.NotFound, "Not Found"),
    ("tasks", lambda c: c.tasks(), errors.NotFound, "Not Found"),
    ("configs", lambda c: c.configs(), errors.NotFound, "Not Found"),
    ("plugins", lambda c: c.plugins(), errors.NotFound, "is not supported"),
    ("build cache prune", lambda c: c.prune_builds(), errors.NotFound, "Not Found"),
    # image endpoints raise ImageNotFound for a 404, as docker-py does
    ("distribution", lambda c: c.inspect_distribution(TEST_IMAGE), errors.ImageNotFound, "Not Found"),
]


@pytest.mark.parametrize("what, call, cls, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_endpoints_say_podman(client: Client, what: str, call: Callable[[Client], Any],
                                      cls: type[errors.APIError], message: str) -> None:
    with pytest.raises(errors.APIError) as info:
        call(client)
    error = info.value
    assert type(error) is cls
    assert message in (error.explanation or "")
    assert re.match(r"Podman 5\.\d+", error.refused_by or ""), error.refused_by
    text = str(error)
    assert f"{error.refused_by} does not serve {error.response.request.method} " in text
    assert message in text


def test_websocket_attach_is_refused(client: Client) -> None:
    container = client.create_container(TEST_IMAGE, ["sleep", "30"])["Id"]
    try:
        with pytest.raises(errors.NotFound) as info:
            client.attach_socket(container, ws=True)
        assert (info.value.refused_by or "").startswith("Podman ")
        assert "/attach/ws" in str(info.value)
    finally:
        client.remove_container(container, force=True)


def test_an_object_that_is_not_there_is_not_a_refusal(client: Client) -> None:
    with pytest.raises(errors.NotFound) as info:
        client.inspect_container("dctest-no-such-container")
    assert info.value.refused_by is None
    assert "no such container" in (info.value.explanation or "")


def test_podman_does_not_offer_buildkit(client: Client) -> None:
    with pytest.raises(errors.BuilderUnavailable) as caught:
        client.build(fileobj=io.BytesIO(f"FROM {TEST_IMAGE}\n".encode()), version="2")
    assert client._address.where in str(caught.value) and "Builder-Version: 1" in str(caught.value)
