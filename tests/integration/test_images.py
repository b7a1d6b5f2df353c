"""Image endpoints against the private daemon and its loopback registries.

Pull and push go through DC_TEST_REGISTRY (no auth) and DC_TEST_AUTH_REGISTRY (htpasswd);
save/load round trips check that a ~300 MB image is streamed both ways with flat memory.
What no daemon here answers (several platforms at once, attestations: API 1.52+) is checked
on the request with ``responses``; the platform parameters of 1.46-1.50 are in
test_modern_images.py.
"""
from __future__ import annotations

import base64
import http.server
import io
import json
import resource
import tarfile
import threading
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest
import responses

from docker_client import Client, RegistryClient, errors, versions
from docker_client.api.image import check_reference, parse_repository_tag, platform_json

from ..conftest import API_VERSION, DAEMON_HOST, ENGINE, TEST_IMAGE, short_name
from .conftest import env_or_fail

BIG_MB = 300
MEMORY_LIMIT_KB = 64 * 1024


def _short(tags: list[str] | None) -> list[str]:
    """RepoTags as Docker shows them (Podman names images in full: docker.io/library/...)."""
    return [short_name(tag) for tag in tags or []]


def _untagged(answer: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: short_name(v) if k == "Untagged" else v for k, v in item.items()} for item in answer]


def _loaded(line: str) -> str:
    head, _, name = line.strip().partition(": ")
    return f"{head}: {short_name(name)}" if name else line.strip()


@pytest.fixture
def fresh_client(daemon: str) -> Iterator[Callable[[], Client]]:
    """Another client (its own credentials), closed afterwards."""
    made: List[Client] = []

    def make() -> Client:
        made.append(Client(base_url=daemon, version=API_VERSION))
        return made[-1]

    yield make
    for c in made:
        c.close()


@pytest.fixture
def names(client: Client, unique_name: Callable[[str], str]) -> Iterator[Callable[[str], str]]:
    """``names(registry)``: a fresh repository (``registry/dctest-img-xxx``, or local with "");
    every tag of it is removed from the daemon afterwards."""
    made: List[str] = []

    def name(registry: str = "") -> str:
        made.append((registry + "/" if registry else "") + unique_name("dctest-img"))
        return made[-1]

    yield name
    for image in client.images():
        for tag in image.get("RepoTags") or []:
            if tag.rsplit(":", 1)[0] in made:
                client._delete(client._url("/images/{0}", tag), params={"force": 1}).close()


def maxrss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def no_requests(monkeypatch: pytest.MonkeyPatch, client: Client) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a request was sent")

    monkeypatch.setattr(client, "request", refuse)


def sent_headers(client: Client) -> List[Dict[str, str]]:
    """The headers of every request the client sends from now on."""
    seen: List[Dict[str, str]] = []
    client.hooks["response"].append(lambda r, *a, **k: seen.append(dict(r.request.headers)))
    return seen


# -- listing and inspecting --------------------------------------------------------------------


def test_images(client: Client) -> None:
    listed = client.images()
    assert any(TEST_IMAGE in _short(image.get("RepoTags")) for image in listed)
    ids = client.images(quiet=True)
    assert ids and all(isinstance(i, str) and i.startswith("sha256:") for i in ids)
    mine = client.images(name="dctest/busybox")
    if ENGINE == "podman":  # Podman lists every tag of a matching image, not only the matching ones
        assert len(mine) == 1 and TEST_IMAGE in _short(mine[0]["RepoTags"])
    else:
        assert [image["RepoTags"] for image in mine] == [[TEST_IMAGE]]
    assert client.images(name="dctest/busybox", filters={"dangling": True}) == []
    assert len(client.images(all=True)) >= len(listed)


def test_inspect_and_history(client: Client) -> None:
    image = client.inspect_image(TEST_IMAGE)
    assert TEST_IMAGE in _short(image["RepoTags"])
    assert client.inspect_image(image["Id"])["Id"] == image["Id"]
    history = client.history(TEST_IMAGE)
    assert history and history[0]["Id"] == image["Id"]


def test_unknown_image_is_image_not_found(client: Client) -> None:
    for call in (client.inspect_image, client.history, client.remove_image):
        with pytest.raises(errors.ImageNotFound, match="dctest/no-such-image"):
            call("dctest/no-such-image:nope")
    with pytest.raises(errors.ImageNotFound):
        client.tag("dctest/no-such-image:nope", "dctest/other")
    with pytest.raises(errors.ImageNotFound):
        client.get_image("dctest/no-such-image:nope")


def test_tag_and_remove(client: Client, names: Callable[[str], str]) -> None:
    repository = names("")
    assert client.tag(TEST_IMAGE, repository, "v1") is True
    assert client.tag(TEST_IMAGE, f"{repository}:v2") is True
    assert client.inspect_image(f"{repository}:v1")["Id"] == client.inspect_image(TEST_IMAGE)["Id"]
    assert _untagged(client.remove_image(f"{repository}:v1")) == [{"Untagged": f"{repository}:v1"}]
    removed = client.remove_image(f"{repository}:v2", force=True, noprune=True)
    assert _untagged(removed) == [{"Untagged": f"{repository}:v2"}]


@pytest.mark.parametrize("call", [
    lambda c: c.tag(TEST_IMAGE, "Upper/Case"),
    lambda c: c.tag(TEST_IMAGE, "dctest/ok", "bad tag"),
    lambda c: c.pull("UPPER"),
    lambda c: c.pull("a:b:c"),
    lambda c: c.pull("dctest/ok", tag="-bad"),
    lambda c: c.pull("a" * 64),
    lambda c: c.push("Bad/Repo"),
], ids=["tag-upper", "tag-space", "pull-upper", "pull-colons", "pull-tag", "pull-id", "push-upper"])
def test_an_invalid_reference_is_the_daemons_to_refuse(client: Client, call: Callable[[Client], Any]) -> None:
    """docker-py sends these; the daemon's answer (400 on Docker Engine) is the APIError raised."""
    with pytest.raises(errors.APIError) as info:
        call(client)
    assert info.value.response is not None and info.value.is_error()


@pytest.mark.parametrize("call", [
    lambda c: c.import_image_from_data(b"", repository="Bad"),
    lambda c: c.import_image_from_data(b"", repository="x/" + "y" * 300),
    lambda c: c.import_image_from_data(b"", repository="dctest/ok", tag="sha256:short"),
], ids=["import-upper", "import-long", "import-digest"])
def test_an_invalid_reference_is_refused_before_a_body_is_sent(
        client: Client, monkeypatch: pytest.MonkeyPatch, call: Callable[[Client], Any]) -> None:
    no_requests(monkeypatch, client)
    with pytest.raises(errors.InvalidRepository) as info:
        call(client)
    assert isinstance(info.value, errors.APIError)  # what docker-py raises, from the daemon


def test_a_pinned_reference_is_pulled_by_its_digest(client: Client, names: Callable[[str], str]) -> None:
    """``name:tag@digest`` (as Renovate pins images): docker-py sends ``fromImage=name:tag`` and
    ``tag=digest``; the daemon pulls by the digest."""
    registry = env_or_fail("DC_TEST_REGISTRY")
    repository = names(registry)
    # An image of its own (a commit): removing its names never touches the test image's.
    container = client.create_container(TEST_IMAGE, ["true"], labels={"dctest": "pinned"})
    try:
        client.commit(container, repository, "v1")
    finally:
        client.remove_container(container, force=True)
    client.push(repository, "v1")
    with RegistryClient(registry) as direct:
        digest = direct.manifest_digest(repository.split("/", 1)[1], "v1")
    client.remove_image(f"{repository}:v1")
    client.pull(f"{repository}:v1@{digest}")
    assert client.inspect_image(f"{repository}@{digest}")["Config"]["Labels"]["dctest"] == "pinned"


@pytest.mark.parametrize("reference", [
    "busybox", "busybox:1.36", "library/busybox", "docker.io/library/busybox:latest", "localhost:5000/a/b",
    "127.0.0.1:5000/a_b.c-d__e:v1.0-rc_1", "[::1]:5000/x", "Registry.Example.com/x",
    "busybox@sha256:" + "a" * 64, "busybox:1@sha256:" + "b" * 64,
])
def test_valid_references(reference: str) -> None:
    check_reference(reference)


def test_parse_repository_tag() -> None:
    assert parse_repository_tag("busybox") == ("busybox", None)
    assert parse_repository_tag("busybox:1") == ("busybox", "1")
    assert parse_repository_tag("localhost:5000/app") == ("localhost:5000/app", None)
    assert parse_repository_tag("localhost:5000/app:2") == ("localhost:5000/app", "2")
    assert parse_repository_tag("app@sha256:abc") == ("app", "sha256:abc")


def test_search_needs_the_internet(client: Client) -> None:
    with pytest.raises(errors.APIError):  # the daemon cannot reach Docker Hub here
        client.search("busybox", limit=1)


def test_prune_images(client: Client) -> None:
    if not versions.supports("POST /images/prune", client.api_version):
        with pytest.raises(errors.InvalidVersion, match="POST /images/prune"):
            client.prune_images()
        return
    result = client.prune_images(filters={"dangling": True, "label": "dctest-nothing-has-this"})
    assert "SpaceReclaimed" in result


# -- pull and push ----------------------------------------------------------------------------


def test_push_and_pull_plain_registry(client: Client, names: Callable[[str], str]) -> None:
    repository = names(env_or_fail("DC_TEST_REGISTRY"))
    client.tag(TEST_IMAGE, repository, "v1")
    with client.push(repository, "v1", stream=True, decode=True) as progress:
        events = list(progress)
    assert events[-1]["aux"]["Tag"] == "v1" and not any("error" in e for e in events)
    client.remove_image(f"{repository}:v1")
    text = client.pull(repository, "v1")
    assert isinstance(text, str) and f"Downloaded newer image for {repository}:v1" in text
    client.remove_image(f"{repository}:v1")
    raw = list(client.pull(f"{repository}:v1", stream=True))
    assert all(isinstance(item, bytes) for item in raw)
    assert json.loads(raw[-1])["status"].endswith(f"{repository}:v1")
    assert "v1" in client.push(f"{repository}:v1")  # the tag from the name
    if versions.supports("POST /images/create platform", client.api_version):
        client.pull(repository, "v1", platform="linux/amd64")
    else:
        with pytest.raises(errors.InvalidVersion):
            client.pull(repository, "v1", platform="linux/amd64")
    if versions.supports("GET /distribution/{name}/json", client.api_version):
        distribution = client.inspect_distribution(f"{repository}:v1")
        assert distribution["Descriptor"]["digest"].startswith("sha256:")
    else:
        with pytest.raises(errors.InvalidVersion):
            client.inspect_distribution(f"{repository}:v1")


def test_pull_unknown_image_or_tag_is_image_not_found(client: Client, names: Callable[[str], str]) -> None:
    repository = names(env_or_fail("DC_TEST_REGISTRY"))
    for stream in (False, True):
        with pytest.raises(errors.ImageNotFound, match=repository):
            client.pull(repository, "nope", stream=stream)
    client.tag(TEST_IMAGE, repository, "v1")
    client.push(repository, "v1")
    with pytest.raises(errors.ImageNotFound, match=f"{repository}:other"):
        client.pull(repository, "other")


def test_push_of_an_image_not_here_is_image_not_found(client: Client, names: Callable[[str], str]) -> None:
    # The daemon answers 200 and reports the error inside the stream: raised either way.
    repository = names(env_or_fail("DC_TEST_REGISTRY"))
    with pytest.raises(errors.ImageNotFound, match="does not exist locally"):
        client.push(repository, "v1")
    with pytest.raises(errors.ImageNotFound, match="does not exist locally"):
        client.push(repository, "v1", stream=True, decode=True)


def test_auth_registry(client: Client, fresh_client: Callable[[], Client],
                       names: Callable[[str], str]) -> None:
    registry = env_or_fail("DC_TEST_AUTH_REGISTRY")
    user, password = env_or_fail("DC_TEST_REGISTRY_USER"), env_or_fail("DC_TEST_REGISTRY_PASSWORD")
    repository = names(registry)
    client.tag(TEST_IMAGE, repository, "v1")

    anonymous = fresh_client()
    with pytest.raises(errors.APIError, match="no basic auth credentials"):
        anonymous.push(repository, "v1")
    # A later error stays an item of the stream, as the daemon sent it.
    events = list(anonymous.push(repository, "v1", stream=True, decode=True))
    assert "no basic auth credentials" in events[-1]["errorDetail"]["message"]

    assert client.login(user, password, registry=registry)["Status"] == "Login Succeeded"
    headers = sent_headers(client)
    client.push(repository, "v1")
    client.remove_image(f"{repository}:v1")
    client.pull(repository, "v1")
    sent = [json.loads(base64.urlsafe_b64decode(h["X-Registry-Auth"]))
            for h in headers if "X-Registry-Auth" in h]
    assert len(sent) == 2 and all(s["username"] == user and s["serveraddress"] == registry for s in sent)
    # Credentials go to their registry only.
    plain = names(env_or_fail("DC_TEST_REGISTRY"))
    client.tag(TEST_IMAGE, plain, "v1")
    headers.clear()
    client.push(plain, "v1")
    assert headers and not any("X-Registry-Auth" in h for h in headers)
    # Explicit credentials win over the known ones.
    with pytest.raises(errors.APIError):
        client.pull(repository, "v1", auth_config={"username": user, "password": "wrong"})


# -- save and load ----------------------------------------------------------------------------


def test_save_and_load_small(client: Client, names: Callable[[str], str], tmp_path: Path) -> None:
    first, second = names(""), names("")
    client.tag(TEST_IMAGE, first, "v1")
    client.tag(TEST_IMAGE, second, "v2")
    data = b"".join(client.get_image(f"{first}:v1", chunk_size=4096))
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert _short(manifest[0]["RepoTags"]) == [f"{first}:v1"]
    together = b"".join(client.save_images([f"{first}:v1", f"{second}:v2"]))
    with tarfile.open(fileobj=io.BytesIO(together)) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    saved = sorted(short_name(tag) for entry in manifest for tag in entry["RepoTags"])
    assert saved == sorted([f"{first}:v1", f"{second}:v2"])
    client.remove_image(f"{first}:v1")
    client.remove_image(f"{second}:v2")
    loaded = list(client.load_image(together))
    assert sorted(_loaded(item["stream"]) for item in loaded) == sorted([
        f"Loaded image: {first}:v1", f"Loaded image: {second}:v2"])
    assert client.load_image(io.BytesIO(data), quiet=True, stream=False)
    with pytest.raises(errors.ImageNotFound):
        b"".join(client.save_images([f"{first}:v1", "dctest/no-such-image:x"]))


def test_load_errors(client: Client) -> None:
    with pytest.raises(errors.ImageLoadError, match="unexpected EOF"):
        client.load_image(b"not a tarball", stream=False)
    items = list(client.load_image(b"not a tarball"))
    assert "unexpected EOF" in items[-1]["errorDetail"]["message"]


@pytest.fixture(scope="module")
def big_image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """A ~300 MB image (random data), built on first use and saved to a file by ``get_image``."""
    state: Dict[str, Any] = {"tag": f"dctest-big-{uuid.uuid4().hex[:12]}:latest",
                             "dir": tmp_path_factory.mktemp("big-image")}
    yield state
    if state.get("built"):
        with Client(base_url=DAEMON_HOST, version=API_VERSION) as c:
            c._delete(c._url("/images/{0}", state["tag"]), params={"force": 1}).close()


@pytest.fixture
def big_tarball(client: Client, big_image: Dict[str, Any]) -> Dict[str, Any]:
    if "tarball" not in big_image:
        root: Path = big_image["dir"]
        (root / "Dockerfile").write_text(
            f"FROM {TEST_IMAGE}\nRUN dd if=/dev/urandom of=/big bs=1048576 count={BIG_MB} 2>/dev/null\n")
        output = list(client.build(path=str(root), tag=big_image["tag"], rm=True, decode=True))
        assert not any("errorDetail" in item for item in output), output
        big_image["built"] = True
        before = maxrss_kb()
        tarball = root / "big.tar"
        with open(tarball, "wb") as f:
            for chunk in client.get_image(big_image["tag"]):
                f.write(chunk)
        big_image["save_growth_kb"] = maxrss_kb() - before
        big_image["tarball"] = tarball
    return big_image


@pytest.mark.heavy
def test_save_of_a_big_image_is_streamed(big_tarball: Dict[str, Any],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nsave of {big_tarball['tarball'].stat().st_size >> 20} MiB: ru_maxrss "
              f"+{big_tarball['save_growth_kb']} KiB (peak {maxrss_kb() >> 10} MiB)")
    assert big_tarball["tarball"].stat().st_size > BIG_MB * 1024 * 1024
    assert big_tarball["save_growth_kb"] < MEMORY_LIMIT_KB


def _load_measured(client: Client, tag: str, data: Any, capsys: pytest.CaptureFixture[str]) -> int:
    client.remove_image(tag, force=True)
    before = maxrss_kb()
    output = client.load_image(data, stream=False)
    growth = maxrss_kb() - before
    with capsys.disabled():
        print(f"\nload from {type(data).__name__}: ru_maxrss +{growth} KiB (peak {maxrss_kb() >> 10} MiB)")
    assert any(_loaded(item.get("stream", "")) == f"Loaded image: {tag}" for item in output), output
    return growth


@pytest.mark.heavy
def test_load_of_a_big_image_from_a_file_is_streamed(client: Client, big_tarball: Dict[str, Any],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with open(big_tarball["tarball"], "rb") as f:
        growth = _load_measured(client, big_tarball["tag"], f, capsys)
    assert growth < MEMORY_LIMIT_KB, f"ru_maxrss grew by {growth} KiB"


@pytest.mark.heavy
def test_load_of_a_big_image_from_a_generator_is_streamed(client: Client, big_tarball: Dict[str, Any],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    def chunks() -> Iterator[bytes]:
        with open(big_tarball["tarball"], "rb") as f:
            while True:
                block = f.read(1024 * 1024)
                if not block:
                    return
                yield block

    growth = _load_measured(client, big_tarball["tag"], chunks(), capsys)
    assert growth < MEMORY_LIMIT_KB, f"ru_maxrss grew by {growth} KiB"


# -- import -----------------------------------------------------------------------------------


def _rootfs_tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("hello.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"hello"))
    return buffer.getvalue()


class _Served(http.server.BaseHTTPRequestHandler):
    content = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.content)))
        self.end_headers()
        self.wfile.write(self.content)

    def log_message(self, *args: Any) -> None:
        pass


def test_import(client: Client, names: Callable[[str], str], tmp_path: Path) -> None:
    data = _rootfs_tar()
    repository = names("")
    output = client.import_image_from_data(data, repository=repository, tag="data",
                                           changes=["ENV IMPORTED=yes", "LABEL from=data"])
    assert "sha256:" in output
    image = client.inspect_image(f"{repository}:data")
    assert "IMPORTED=yes" in image["Config"]["Env"] and image["Config"]["Labels"] == {"from": "data"}
    path = tmp_path / "rootfs.tar"
    path.write_bytes(data)
    client.import_image_from_file(str(path), repository=repository, tag="file")
    with open(path, "rb") as f:
        client.import_image_from_stream(f, repository=repository, tag="stream")
    client.import_image(src=iter([data[:100], data[100:]]), repository=f"{repository}:chunks")
    handler = type("Handler", (_Served,), {"content": data})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        client.import_image_from_url(f"http://127.0.0.1:{server.server_address[1]}/rootfs.tar",
                                     repository=repository, tag="url")
    finally:
        server.shutdown()
        server.server_close()
    tags = {short_name(tag) for image in client.images(name=repository) for tag in image["RepoTags"]}
    assert tags == {f"{repository}:{t}" for t in ("data", "file", "stream", "chunks", "url")}
    with pytest.raises(errors.APIError):
        client.import_image_from_url("http://127.0.0.1:9/missing.tar", repository=repository)
    with pytest.raises(errors.DockerException, match="src or image"):
        client.import_image()
    with pytest.raises(FileNotFoundError):
        client.import_image_from_file(str(tmp_path / "missing.tar"))


# -- what the 1.41 daemon cannot answer: the requests ---------------------------------------

MOCK = "http://127.0.0.1:9"


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def _query(call: Any) -> List[str]:
    from urllib.parse import parse_qsl, urlsplit

    return sorted(f"{k}={v}" for k, v in parse_qsl(urlsplit(call.request.url).query))


def test_platform_selection_on_new_apis(mocked: responses.RequestsMock) -> None:
    # Only what no daemon here answers: several platforms at once (1.52), attestations (1.55), and
    # the manifests of the image list (Engine 28's graphdriver store leaves them out). The
    # platform parameters of API 1.46-1.50 are checked on real daemons in test_modern_images.py.
    arm = platform_json("linux/arm64/v8")
    assert json.loads(arm) == {"os": "linux", "architecture": "arm64", "variant": "v8"}
    with Client(base_url="tcp://127.0.0.1:9", version="1.56") as c:
        mocked.add(responses.GET, f"{MOCK}/v1.56/images/img/get", body=b"tar")
        mocked.add(responses.GET, f"{MOCK}/v1.56/images/json", json=[])
        mocked.add(responses.GET, f"{MOCK}/v1.56/images/img/attestations", json=[])
        assert b"".join(c.get_image("img", platform=["linux/amd64", "linux/arm64/v8"])) == b"tar"
        c.images(manifests=True)
        c.image_attestations("img", platform="linux/amd64", type=["https://slsa.dev/provenance/v1"],
                             statement=True)
        amd = platform_json("linux/amd64")
        queries = [_query(call) for call in mocked.calls]
    assert queries == [
        [f"platform={amd}", f"platform={arm}"],
        ["all=0", "manifests=1", "only_ids=0"],
        [f"platform={amd}", "statement=1", "type=https://slsa.dev/provenance/v1"],
    ]


@pytest.mark.parametrize("call, feature", [
    (lambda c: c.inspect_image("img", platform="linux/amd64"), "GET /images/{name}/json platform"),
    (lambda c: c.inspect_image("img", manifests=True), "GET /images/{name}/json manifests"),
    (lambda c: c.history("img", platform="linux/amd64"), "GET /images/{name}/history platform"),
    (lambda c: c.get_image("img", platform="linux/amd64"), "GET /images/{name}/get platform"),
    (lambda c: c.save_images(["img"], platform="linux/amd64"), "GET /images/get platform"),
    (lambda c: c.load_image(b"", platform="linux/amd64"), "POST /images/load platform"),
    (lambda c: c.remove_image("img", platforms=["linux/amd64"]), "DELETE /images/{name} platforms"),
    (lambda c: c.images(manifests=True), "GET /images/json manifests"),
    (lambda c: c.image_attestations("img"), "GET /images/{name}/attestations"),
    (lambda c: c.push("127.0.0.1:5000/img", platform="linux/amd64"), "POST /images/{name}/push platform"),
])
def test_too_new_for_1_41(monkeypatch: pytest.MonkeyPatch, call: Callable[[Client], Any],
                          feature: str) -> None:
    with Client(base_url="tcp://127.0.0.1:9", version="1.41") as c:
        no_requests(monkeypatch, c)
        with pytest.raises(errors.InvalidVersion, match=feature.replace("{", r"\{").replace("}", r"\}")):
            call(c)


def test_several_platforms_need_1_52(monkeypatch: pytest.MonkeyPatch) -> None:
    with Client(base_url="tcp://127.0.0.1:9", version="1.51") as c:
        no_requests(monkeypatch, c)
        with pytest.raises(errors.InvalidVersion, match="platform-multiple"):
            c.get_image("img", platform=["linux/amd64", "linux/arm64"])


def test_search_results(mocked: responses.RequestsMock) -> None:
    found = [{"name": "busybox", "star_count": 3, "is_official": True, "description": ""}]
    mocked.add(responses.GET, f"{MOCK}/v1.41/images/search", json=found)
    with Client(base_url="tcp://127.0.0.1:9", version="1.41") as c:
        assert c.search("busybox", limit=5, filters={"is-official": True}) == found
    assert _query(mocked.calls[0]) == ['filters={"is-official": ["true"]}', "limit=5", "term=busybox"]


def test_load_image_refuses_text() -> None:
    with Client(base_url="tcp://127.0.0.1:9", version="1.41") as c, pytest.raises(errors.InvalidArgument):
        c.load_image("text")  # type: ignore[arg-type]
