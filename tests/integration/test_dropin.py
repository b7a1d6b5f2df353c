"""docker-py code on a real daemon, unchanged: the forms it passes and the errors it catches."""
from __future__ import annotations

import io
from typing import Any, Callable, Iterator, List

import pytest
import requests

from docker_client import Client, errors

from ..conftest import TEST_IMAGE
from .conftest import supports
from .test_exec import Make, make

__all__ = ["make"]  # the fixture, shared with test_exec.py

FROM = f"FROM {TEST_IMAGE}\n"


@pytest.fixture
def built(client: Client, unique_name: Callable[[str], str]) -> Iterator[List[str]]:
    """Image ids made by a test; removed afterwards."""
    made: List[str] = []
    yield made
    for image in made:
        client._delete(client._url("/images/{0}", image), params={"force": 1}).close()


def test_an_image_dict_names_the_image(client: Client, make: Make, built: List[str]) -> None:
    """``commit`` returns ``{"Id": ...}``; docker-py takes such a dict wherever an image goes."""
    container = make(["true"], start=False)
    image = client.commit(container)
    built.append(image["Id"])
    assert set(image) == {"Id"}
    full_id = client.inspect_image(image)["Id"]
    assert full_id.endswith(image["Id"])  # Podman's commit gives the id without "sha256:"
    assert client.history(image) == client.history(full_id) != []
    assert client.inspect_image(client.inspect_image(image))["Id"] == full_id  # a whole inspect dict
    assert client.tag(image, "dctest-dropin-dict", "v1") is True
    client.remove_image("dctest-dropin-dict:v1")


def test_the_same_dockerfile_buffer_builds_twice(client: Client, built: List[str],
                                                  unique_name: Callable[[str], str]) -> None:
    dockerfile = io.BytesIO((FROM + "LABEL dropin=twice\n").encode())
    for _ in range(2):
        tag = unique_name("dctest-dropin") + ":latest"
        built.append(tag)
        output = list(client.build(fileobj=dockerfile, tag=tag, decode=True, rm=True))
        assert not [item for item in output if "error" in item or "errorDetail" in item], output
        assert client.inspect_image(tag)["Config"]["Labels"]["dropin"] == "twice"


@pytest.mark.parametrize("call, cls", [
    (lambda c: c.inspect_image("registry.example//name"), errors.ImageNotFound),
    (lambda c: c.inspect_image(TEST_IMAGE.replace("/", "//")), errors.ImageNotFound),
    (lambda c: c.remove_image(TEST_IMAGE.replace("/", "//")), errors.ImageNotFound),
    (lambda c: c.inspect_container("a//b"), errors.NotFound),
], ids=["inspect", "inspect-existing", "remove-existing", "container"])
def test_an_empty_path_segment_is_the_daemons_to_answer(client: Client, call: Callable[[Client], Any],
                                                         cls: type) -> None:
    """docker-py sends it; the daemon's router cleans the path with a redirect, which is not
    followed (a DELETE would go to another name): the object named does not exist."""
    with pytest.raises(cls) as info:
        call(client)
    assert info.value.response is not None
    assert client.inspect_image(TEST_IMAGE)["Id"]  # not removed by the redirect


def test_values_the_daemon_refuses_are_its_api_errors(client: Client, make: Make) -> None:
    """docker-py leaves these to the daemon, and code written for it catches APIError."""
    if supports(client, "POST /swarm/unlock"):
        with pytest.raises(errors.APIError) as info:
            client.unlock_swarm("")
        assert info.value.response is not None and info.value.is_error()
    else:
        with pytest.raises(errors.InvalidVersion):
            client.unlock_swarm("")
    container = make(["sleep", "30"])
    with pytest.raises(errors.APIError) as info:
        client.rename(container, "")
    assert info.value.is_client_error() or info.value.is_server_error()
    with pytest.raises(errors.APIError):
        client.kill(container, "SIGBOGUS")


def test_a_read_timeout_is_also_a_connection_error(client: Client, make: Make) -> None:
    container = make(["sleep", "30"])
    with pytest.raises(requests.exceptions.ConnectionError) as info:
        client.wait(container, timeout=0.5)
    assert isinstance(info.value, errors.DockerTimeout)
    assert isinstance(info.value, requests.exceptions.ReadTimeout)
