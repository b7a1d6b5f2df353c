"""Image and build-cache features of API 1.42-1.51 against the real daemon, at this run's version.

The test image is single-platform (linux/<the daemon's arch>): a daemon that got the platform
parameter answers for that platform and refuses any other, naming both; below a feature's gate
the client raises ``InvalidVersion`` and sends nothing.
"""
from __future__ import annotations

import io
import os
import tarfile
from typing import Any, Callable, Dict, Iterator, List

import pytest

from docker_client import Client, errors

from ..conftest import TEST_IMAGE
from .conftest import record, supports


@pytest.fixture
def platforms(client: Client) -> Dict[str, str]:
    arch = client.version()["Arch"]
    return {"own": f"linux/{arch}", "other": "linux/arm64" if arch != "arm64" else "linux/amd64"}


@pytest.fixture
def tags(client: Client, unique_name: Callable[[str], str]) -> Iterator[Callable[[str], str]]:
    """``tags(registry)``: TEST_IMAGE tagged under a fresh name; every one removed afterwards."""
    made: List[str] = []

    def tag(registry: str = "") -> str:
        repository = (registry + "/" if registry else "") + unique_name("dctest-modern-img")
        assert client.tag(TEST_IMAGE, repository, "v1")
        made.append(f"{repository}:v1")
        return made[-1]

    yield tag
    for name in made:
        client._delete(client._url("/images/{0}", name), params={"force": 1}).close()


def _refused(client: Client, call: Callable[[], Any], feature: str) -> None:
    seen = record(client)
    with pytest.raises(errors.InvalidVersion, match=feature.replace("{", r"\{").replace("}", r"\}")):
        call()
    assert seen == []


def _platform_mismatch(platforms: Dict[str, str]) -> str:
    return f"does not match the specified platform \\({platforms['other']}\\)"


def test_inspect_image_platform(client: Client, platforms: Dict[str, str]) -> None:
    feature = "GET /images/{name}/json platform"
    if not supports(client, feature):
        _refused(client, lambda: client.inspect_image(TEST_IMAGE, platform=platforms["own"]), feature)
        return
    image = client.inspect_image(TEST_IMAGE, platform=platforms["own"])
    assert f"{image['Os']}/{image['Architecture']}" == platforms["own"]
    with pytest.raises(errors.ImageNotFound, match=_platform_mismatch(platforms)):
        client.inspect_image(TEST_IMAGE, platform=platforms["other"])


def test_history_platform(client: Client, platforms: Dict[str, str]) -> None:
    feature = "GET /images/{name}/history platform"
    if not supports(client, feature):
        _refused(client, lambda: client.history(TEST_IMAGE, platform=platforms["own"]), feature)
        return
    own = {"os": "linux", "architecture": platforms["own"].split("/")[1]}
    assert client.history(TEST_IMAGE, platform=own) == client.history(TEST_IMAGE)
    with pytest.raises(errors.ImageNotFound, match=_platform_mismatch(platforms)):
        client.history(TEST_IMAGE, platform=platforms["other"])


def _tar_names(data: bytes) -> List[str]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return tar.getnames()


def test_get_image_and_save_images_platform(client: Client, platforms: Dict[str, str]) -> None:
    for feature, call in [
        ("GET /images/{name}/get platform", lambda p: client.get_image(TEST_IMAGE, platform=p)),
        ("GET /images/get platform", lambda p: client.save_images([TEST_IMAGE], platform=p)),
    ]:
        if not supports(client, feature):
            _refused(client, lambda call=call: call(platforms["own"]), feature)  # type: ignore[misc]
            continue
        assert "manifest.json" in _tar_names(b"".join(call(platforms["own"])))
        with pytest.raises(errors.APIError, match=f"no suitable export target found for platform "
                                                  f"{platforms['other']}"):
            b"".join(call(platforms["other"]))


def test_load_image_platform(client: Client, platforms: Dict[str, str], tags: Callable[[str], str]) -> None:
    feature = "POST /images/load platform"
    name = tags("")
    data = b"".join(client.get_image(name))
    if not supports(client, feature):
        _refused(client, lambda: client.load_image(data, platform=platforms["own"]), feature)
        return
    client.remove_image(name)
    # another platform: the daemon loads nothing of the archive
    assert list(client.load_image(data, platform=platforms["other"], quiet=True)) in ([], [{}])
    with pytest.raises(errors.ImageNotFound):
        client.inspect_image(name)
    loaded = list(client.load_image(data, platform=platforms["own"], quiet=True))
    assert loaded == [{"stream": f"Loaded image: {name}\n"}]
    assert client.inspect_image(name)["Id"] == client.inspect_image(TEST_IMAGE)["Id"]


def test_remove_image_platforms(client: Client, platforms: Dict[str, str],
                                tags: Callable[[str], str]) -> None:
    feature = "DELETE /images/{name} platforms"
    name = tags("")
    if not supports(client, feature):
        _refused(client, lambda: client.remove_image(name, platforms=[platforms["own"]]), feature)
        return
    with pytest.raises(errors.ImageNotFound, match=_platform_mismatch(platforms)):
        client.remove_image(name, platforms=[platforms["other"]])
    assert client.inspect_image(name)
    assert client.remove_image(name, platforms=[platforms["own"]]) == [{"Untagged": name}]
    with pytest.raises(errors.ImageNotFound):
        client.inspect_image(name)


def test_images_shared_size(client: Client) -> None:
    feature = "GET /images/json shared-size"
    # without the parameter the daemon does not compute it: -1
    assert {image["SharedSize"] for image in client.images()} == {-1}
    if not supports(client, feature):
        _refused(client, lambda: client.images(shared_size=True), feature)
        return
    sizes = [image["SharedSize"] for image in client.images(shared_size=True)]
    assert sizes and all(size >= 0 for size in sizes)


def test_push_platform(client: Client, platforms: Dict[str, str], tags: Callable[[str], str]) -> None:
    feature = "POST /images/{name}/push platform"
    name = tags(os.environ.get("DC_TEST_REGISTRY") or pytest.fail("DC_TEST_REGISTRY is not set"))
    repository, tag = name.rsplit(":", 1)
    if not supports(client, feature):
        _refused(client, lambda: client.push(repository, tag, platform=platforms["own"]), feature)
        return
    with pytest.raises(errors.ImageNotFound, match=_platform_mismatch(platforms)):
        client.push(repository, tag, platform=platforms["other"])
    pushed = list(client.push(repository, tag, platform=platforms["own"], stream=True, decode=True))
    digest = client.inspect_image(name)["RepoDigests"]
    assert [item["aux"]["Tag"] for item in pushed if "aux" in item] == [tag]
    assert digest and digest[0].startswith(repository + "@sha256:")


def test_prune_builds_sends_reserved_space_from_1_48(client: Client) -> None:
    if not supports(client, "POST /build/prune reserved-space"):
        _refused(client, lambda: client.prune_builds(max_used_space=20), "POST /build/prune")
        _refused(client, lambda: client.prune_builds(min_free_space=30), "POST /build/prune")
        return
    seen = record(client)
    # what is reclaimed depends on the builds before (BuildKit's cache); the query is the point
    assert client.prune_builds(keep_storage=10, max_used_space=20, min_free_space=30)["SpaceReclaimed"] >= 0
    query = seen[-1].path_url.split("?", 1)[1]
    assert sorted(query.split("&")) == ["max-used-space=20", "min-free-space=30", "reserved-space=10"]
