"""docker_client.progress on a real pull and build: what the docker CLI would print."""
from __future__ import annotations

import io
from typing import Callable

import pytest

from docker_client import Client, errors
from docker_client.progress import show

from ..conftest import ENGINE, TEST_IMAGE
from .conftest import env_or_fail


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pull_shown_plain_and_with_bars(client: Client, unique_name: Callable[[str], str]) -> None:
    repository = f"{env_or_fail('DC_TEST_REGISTRY')}/{unique_name('dctest-progress')}"
    client.tag(TEST_IMAGE, repository, "v1")
    try:
        client.push(repository, "v1")
        client.remove_image(f"{repository}:v1")
        plain = io.StringIO()
        documents = show(client.pull(repository, "v1", stream=True, decode=True), file=plain)
        lines = plain.getvalue().splitlines()
        assert lines and len(lines) == len(set(lines))  # each status once: no ticks
        # Docker ends with "Status: Downloaded newer image for ..."; Podman names only layers.
        assert any(repository in line for line in lines) or ENGINE == "podman", lines
        assert all("progressDetail" not in line for line in lines)
        assert len(documents) >= len(lines)
        client.remove_image(f"{repository}:v1")
        bars = Terminal()
        show(client.pull(repository, "v1", stream=True), file=bars)  # undecoded documents
        assert bars.getvalue().strip()
        assert ("Digest: sha256:" in bars.getvalue() and repository in bars.getvalue()) or ENGINE == "podman"
        assert client.inspect_image(f"{repository}:v1")
    finally:
        client._delete(client._url("/images/{0}", f"{repository}:v1")).close()


def test_a_failed_build_is_shown_then_raised(client: Client) -> None:
    dockerfile = io.BytesIO(f"FROM {TEST_IMAGE}\nRUN echo before-failing && exit 3\n".encode())
    out = io.StringIO()
    with pytest.raises(errors.BuildError) as info:
        show(client.build(fileobj=dockerfile, decode=True, rm=True), file=out)
    assert "before-failing" in out.getvalue()  # what came before the error was shown
    assert info.value.build_log and "3" in str(info.value)
