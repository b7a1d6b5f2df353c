"""docker_client.registry without a registry: challenges, platforms, names, and the auth flows
against an in-memory registry and token service served through ``responses``.

The real registries (plain, htpasswd and token auth) are in tests/integration/test_registry.py.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from docker_client import auth, errors, registry
from docker_client.registry import (
    MEDIA_TYPE_DOCKER_MANIFEST,
    MEDIA_TYPE_DOCKER_MANIFEST_LIST,
    MEDIA_TYPE_OCI_INDEX,
    MEDIA_TYPE_OCI_MANIFEST,
    Challenge,
    Descriptor,
    Platform,
    RegistryClient,
    parse_image_reference,
    parse_www_authenticate,
    select_platform,
)

REG = "https://reg.example"
REALM = "https://auth.example/token"
SERVICE = "reg.example"
Reply = tuple[int, dict[str, str], bytes]


# -- WWW-Authenticate ------------------------------------------------------------------------

@pytest.mark.parametrize("header, expected", [
    ('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
     'scope="repository:library/busybox:pull"',
     [("bearer", {"realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                  "scope": "repository:library/busybox:pull"})]),
    # A comma inside a quoted value does not end the parameter.
    ('Bearer realm="https://a/token", scope="repository:x:pull,push", error="insufficient_scope"',
     [("bearer", {"realm": "https://a/token", "scope": "repository:x:pull,push",
                  "error": "insufficient_scope"})]),
    ('Basic realm="dctest-realm"', [("basic", {"realm": "dctest-realm"})]),
    ('basic realm=unquoted', [("basic", {"realm": "unquoted"})]),
    ('Basic realm="a", Bearer realm="https://b/t",service=s',
     [("basic", {"realm": "a"}), ("bearer", {"realm": "https://b/t", "service": "s"})]),
    ('Bearer realm="with \\"escaped\\" quotes"', [("bearer", {"realm": 'with "escaped" quotes'})]),
    ('Bearer  REALM = "spaces" ,  Service="x"', [("bearer", {"realm": "spaces", "service": "x"})]),
    ('Negotiate', [("negotiate", {})]),
    ('', []),
    ('Bearer realm="unterminated', [("bearer", {"realm": "unterminated"})]),
])
def test_parse_www_authenticate(header: str, expected: list[tuple[str, dict[str, str]]]) -> None:
    challenges = parse_www_authenticate(header)
    assert [(c.scheme, dict(c.params)) for c in challenges] == expected


def test_challenge_scopes() -> None:
    challenge = Challenge("bearer", {"scope": "repository:a:pull repository:b:pull,push"})
    assert challenge.scopes == ["repository:a:pull", "repository:b:pull,push"]
    assert Challenge("bearer", {}).scopes == []


# -- platforms -------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, normalized", [
    ("linux/amd64", "linux/amd64"),
    ("linux/x86_64", "linux/amd64"),
    ("linux/x86-64", "linux/amd64"),
    ("linux/amd64/v1", "linux/amd64"),
    ("linux/amd64/v3", "linux/amd64/v3"),
    ("linux/i386", "linux/386"),
    ("linux/aarch64", "linux/arm64"),
    ("linux/arm64/v8", "linux/arm64"),
    ("linux/aarch64/8", "linux/arm64"),
    ("linux/arm64/v9.0", "linux/arm64/v9"),
    ("linux/arm64/v8.2", "linux/arm64/v8.2"),
    ("linux/arm", "linux/arm/v7"),
    ("linux/arm/7", "linux/arm/v7"),
    ("linux/arm/6", "linux/arm/v6"),
    ("linux/armhf", "linux/arm/v7"),
    ("linux/armel", "linux/arm/v6"),
    ("Linux/AMD64", "linux/amd64"),
    ("macos/arm64", "darwin/arm64"),
    ("windows/amd64", "windows/amd64"),
    ("linux/s390x", "linux/s390x"),
])
def test_platform_normalize(spec: str, normalized: str) -> None:
    assert str(Platform.parse(spec).normalize()) == normalized


@pytest.mark.parametrize("spec", ["linux", "", "linux/", "/amd64", "linux/arm64/v8/extra", "linux/a md64",
                                  "linux/*"])
def test_platform_parse_refuses(spec: str) -> None:
    with pytest.raises(errors.InvalidArgument, match="os/architecture"):
        Platform.parse(spec)


def test_platform_from_oci() -> None:
    p = Platform.from_oci({"os": "windows", "architecture": "amd64", "os.version": "10.0.17763.1",
                           "os.features": ["win32k"], "variant": ""})
    assert p == Platform("windows", "amd64", "", "10.0.17763.1", ("win32k",))
    assert str(p) == "windows/amd64"
    with pytest.raises(errors.RegistryError):
        Platform.from_oci({"os": "linux"})


def _entry(os_name: str, arch: str, variant: str = "", digest: str = "",
           **extra: Any) -> tuple[Platform, Descriptor]:
    platform = Platform(os_name, arch, variant, **extra)
    return platform, Descriptor(MEDIA_TYPE_OCI_MANIFEST, digest or f"sha256:{str(platform)}", 1, platform)


INDEX = [_entry("linux", "amd64"), _entry("linux", "arm64", "v8"), _entry("linux", "arm", "v7"),
         _entry("linux", "arm", "v6"), _entry("linux", "386")]


@pytest.mark.parametrize("wanted, found", [
    ("linux/amd64", "linux/amd64"),
    ("linux/x86_64", "linux/amd64"),
    ("linux/arm64/v8", "linux/arm64/v8"),
    ("linux/arm64", "linux/arm64/v8"),
    ("linux/aarch64", "linux/arm64/v8"),
    ("linux/arm/v7", "linux/arm/v7"),
    ("linux/arm", "linux/arm/v7"),
    ("linux/armhf", "linux/arm/v7"),
    ("linux/arm/v6", "linux/arm/v6"),
    ("linux/i386", "linux/386"),
    ("linux/arm/v5", None),
    ("linux/arm64/v9", None),
    ("linux/s390x", None),
    ("windows/amd64", None),
])
def test_select_platform_exact(wanted: str, found: str | None) -> None:
    descriptor = select_platform(INDEX, wanted)
    assert (descriptor.digest if descriptor else None) == (f"sha256:{found}" if found else None)


@pytest.mark.parametrize("index, wanted, found", [
    # What runs there, the closest first (containerd's platforms.Only).
    ([_entry("linux", "arm", "v6"), _entry("linux", "arm", "v7")], "linux/arm64", "linux/arm/v7"),
    ([_entry("linux", "arm", "v5")], "linux/arm/v7", "linux/arm/v5"),
    ([_entry("linux", "arm", "v7")], "linux/arm/v6", None),
    ([_entry("linux", "386")], "linux/amd64", "linux/386"),
    ([_entry("linux", "amd64"), _entry("linux", "amd64", "v2")], "linux/amd64/v3", "linux/amd64/v2"),
    ([_entry("linux", "amd64", "v3")], "linux/amd64/v2", None),
    ([_entry("linux", "arm64", "v8.1"), _entry("linux", "arm64", "v8")], "linux/arm64/v8.2",
     "linux/arm64/v8.1"),
    ([_entry("linux", "arm64")], "linux/arm64/v9.1", "linux/arm64"),
    ([_entry("linux", "arm", "v8"), _entry("linux", "arm64")], "linux/arm64", "linux/arm64"),
])
def test_select_platform_compatible(index: list[tuple[Platform, Descriptor]], wanted: str,
                                    found: str | None) -> None:
    descriptor = select_platform(index, wanted, compatible=True)
    assert (descriptor.digest if descriptor else None) == (f"sha256:{found}" if found else None)
    if found and str(Platform.parse(wanted).normalize()) != str(Platform.parse(found).normalize()):
        assert select_platform(index, wanted) is None  # only with compatible=True


def test_select_platform_os_features_and_versions() -> None:
    index = [_entry("windows", "amd64", digest="sha256:w-old", os_version="10.0.14393.1"),
             _entry("windows", "amd64", digest="sha256:w-new", os_version="10.0.17763.5"),
             _entry("linux", "amd64", digest="sha256:l-feat", os_features=("needs-x",))]
    want_new = Platform("windows", "amd64", os_version="10.0.17763.100")
    assert select_platform(index, want_new).digest == "sha256:w-new"  # type: ignore[union-attr]
    assert select_platform(index, "windows/amd64").digest == "sha256:w-old"  # type: ignore[union-attr]
    assert select_platform(index, "linux/amd64") is None
    with_feature = Platform("linux", "amd64", os_features=("needs-x", "other"))
    assert select_platform(index, with_feature).digest == "sha256:l-feat"  # type: ignore[union-attr]
    assert select_platform(index, {"os": "linux", "architecture": "amd64",
                                   "os.features": ["needs-x"]}).digest == "sha256:l-feat"  # type: ignore[union-attr]


# -- names -----------------------------------------------------------------------------------

@pytest.mark.parametrize("given, insecure, name, base", [
    ("127.0.0.1:5000", None, "127.0.0.1:5000", "http://127.0.0.1:5000"),
    ("localhost:5000", None, "localhost:5000", "http://localhost:5000"),
    ("[::1]:5000", None, "[::1]:5000", "http://[::1]:5000"),
    ("127.0.0.1:5000", False, "127.0.0.1:5000", "https://127.0.0.1:5000"),
    ("reg.example", None, "reg.example", "https://reg.example"),
    ("reg.example:8443", True, "reg.example:8443", "http://reg.example:8443"),
    ("http://reg.example/v2/", None, "reg.example", "http://reg.example"),
    ("https://127.0.0.1:5000", None, "127.0.0.1:5000", "https://127.0.0.1:5000"),
    ("docker.io", None, "docker.io", "https://registry-1.docker.io"),
    ("index.docker.io", None, "docker.io", "https://registry-1.docker.io"),
    ("https://index.docker.io/v1/", None, "docker.io", "https://registry-1.docker.io"),
    ("registry-1.docker.io", None, "docker.io", "https://registry-1.docker.io"),
])
def test_registry_location(given: str, insecure: bool | None, name: str, base: str) -> None:
    client = RegistryClient(given, insecure=insecure)
    assert (client.registry, client.base_url) == (name, base)
    assert repr(client) == f"<RegistryClient {base}>"
    client.close()


@pytest.mark.parametrize("given", ["", "ftp://reg", "reg example", "   "])
def test_registry_location_refused(given: str) -> None:
    with pytest.raises(errors.InvalidArgument):
        RegistryClient(given)


def test_username_needs_password() -> None:
    with pytest.raises(errors.InvalidArgument):
        RegistryClient("reg.example", username="u")


@pytest.mark.parametrize("image, expected", [
    ("busybox", ("docker.io", "library/busybox", "latest")),
    ("busybox:1.36", ("docker.io", "library/busybox", "1.36")),
    ("me/app", ("docker.io", "me/app", "latest")),
    ("127.0.0.1:5000/multi:v1", ("127.0.0.1:5000", "multi", "v1")),
    ("localhost:5000/a/b", ("localhost:5000", "a/b", "latest")),
    ("ghcr.io/o/a@sha256:" + "a" * 64, ("ghcr.io", "o/a", "sha256:" + "a" * 64)),
    ("ghcr.io/o/a:tag@sha256:" + "b" * 64, ("ghcr.io", "o/a", "sha256:" + "b" * 64)),
])
def test_parse_image_reference(image: str, expected: tuple[str, str, str]) -> None:
    assert parse_image_reference(image) == expected


@pytest.mark.parametrize("image", ["Upper/case", "x@sha256:short", "x:tag:more", "x:-tag", "a//b"])
def test_parse_image_reference_refuses(image: str) -> None:
    with pytest.raises((errors.InvalidArgument, errors.InvalidRepository)):
        parse_image_reference(image)


@pytest.mark.parametrize("registry_name, name, repository", [
    ("reg.example", "app", "app"),
    ("reg.example", "reg.example/team/app", "team/app"),
    ("docker.io", "busybox", "library/busybox"),
    ("docker.io", "docker.io/library/busybox", "library/busybox"),
    ("docker.io", "index.docker.io/me/app", "me/app"),
    ("127.0.0.1:5000", "127.0.0.1:5000/x", "x"),
])
def test_repository_names(registry_name: str, name: str, repository: str) -> None:
    assert RegistryClient(registry_name)._repository(name) == repository


@pytest.mark.parametrize("name", ["other.example/app", "Bad", "a//b", "", "x" * 256, "-a"])
def test_repository_names_refused(name: str) -> None:
    with pytest.raises(errors.InvalidArgument):
        RegistryClient("reg.example")._repository(name)


@pytest.mark.parametrize("reference", ["", "bad/tag", ".tag", "sha256:abc", "sha256:" + "A" * 64, "x" * 129])
def test_bad_references_refused_before_sending(reference: str) -> None:
    with responses.RequestsMock() as rsps, pytest.raises(errors.InvalidArgument):
        RegistryClient("reg.example").get_manifest("app", reference)
    assert len(rsps.calls) == 0


# -- an in-memory registry -------------------------------------------------------------------

def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def reg_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
    return status, {"Content-Type": "application/json", **(headers or {})}, body


class FakeRegistry:
    """A registry and its token service, answering through ``responses``.

    ``auth``: None, ``"basic"`` (user/pw) or ``"bearer"`` (tokens from REALM; user/pw or the
    refresh token ``refresh-1`` get every scope asked for, anonymous only pull of ``public/*``).
    """

    def __init__(self, rsps: responses.RequestsMock, auth_mode: str | None = None, base: str = REG) -> None:
        self.base = base
        self.auth_mode = auth_mode
        self.manifests: dict[tuple[str, str], tuple[str, bytes]] = {}
        self.blobs: dict[str, bytes] = {}
        self.tags: dict[str, list[str]] = {}
        self.token_calls: list[requests.PreparedRequest] = []
        self.calls: list[requests.PreparedRequest] = []
        self.tamper_digest = False
        self.expires_in = 300
        self.issued = 0
        self.password = "pw"
        pattern = re.compile(re.escape(base) + r"/v2/.*")
        for method in ("GET", "HEAD", "PUT", "POST"):
            rsps.add_callback(method, pattern, callback=self._handle)
        rsps.add_callback("GET", re.compile(re.escape(REALM) + r".*"), callback=self._token)
        rsps.add_callback("POST", REALM, callback=self._oauth)

    # content
    def add(self, repo: str, tag: str | None, content: dict[str, Any],
            content_type: str | None = None) -> str:
        raw = json.dumps(content).encode()
        digest = digest_of(raw)
        media_type = content_type or content.get("mediaType") or "application/json"
        self.manifests[(repo, digest)] = (media_type, raw)
        self.tags.setdefault(repo, [])
        if tag:
            self.manifests[(repo, tag)] = (media_type, raw)
            self.tags[repo].append(tag)
        return digest

    def add_image(self, repo: str, tag: str | None, os_name: str, arch: str, variant: str = "",
                  media_type: str = MEDIA_TYPE_OCI_MANIFEST) -> str:
        config = {"os": os_name, "architecture": arch, "rootfs": {"type": "layers", "diff_ids": []}}
        if variant:
            config["variant"] = variant
        raw = json.dumps(config).encode()
        self.blobs[digest_of(raw)] = raw
        return self.add(repo, tag, {"schemaVersion": 2, "mediaType": media_type, "layers": [],
                                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                               "digest": digest_of(raw), "size": len(raw)}})

    # the token service
    def _grant(self, scopes: list[str], user: str | None) -> list[str]:
        granted = []
        for scope in scopes:
            kind, name, actions = scope.split(":")
            if user is not None:
                granted.append(scope)
            elif name.startswith("public/"):
                granted.append(f"{kind}:{name}:pull")
        return granted

    def _issue(self, granted: list[str], key: str) -> Reply:
        self.issued += 1
        token = f"tok{self.issued}." + base64.urlsafe_b64encode(json.dumps(granted).encode()).decode()
        body: dict[str, Any] = {key: token, "expires_in": self.expires_in}
        if key == "access_token":
            body["refresh_token"] = "refresh-2"
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def _token(self, request: requests.PreparedRequest) -> Reply:
        self.token_calls.append(request)
        query = parse_qs(urlsplit(str(request.url)).query)
        assert query.get("service") == [SERVICE]
        user = None
        if "Authorization" in request.headers:
            if request.headers["Authorization"] != basic("user", self.password):
                body = b'{"details":"incorrect username or password"}'
                return 401, {"Content-Type": "application/json"}, body
            assert query.get("account") == ["user"]
            user = "user"
        return self._issue(self._grant(query.get("scope", []), user), "token")

    def _oauth(self, request: requests.PreparedRequest) -> Reply:
        self.token_calls.append(request)
        form = parse_qs(request.body if isinstance(request.body, str) else (request.body or b"").decode())
        assert form["grant_type"] == ["refresh_token"] and form["client_id"] == ["docker_client"]
        if form["refresh_token"][0] not in ("refresh-1", "refresh-2"):
            return 401, {"Content-Type": "application/json"}, b'{"error":"invalid_grant"}'
        return self._issue(self._grant(form.get("scope", [""])[0].split(), "user"), "access_token")

    # the registry
    def _authorized(self, request: requests.PreparedRequest, repo: str | None) -> Reply | None:
        if self.auth_mode is None:
            return None
        header = request.headers.get("Authorization", "")
        if self.auth_mode == "basic":
            if header == basic("user", "pw"):
                return None
            return reg_error(401, "UNAUTHORIZED", "authentication required",
                             {"WWW-Authenticate": 'Basic realm="fake"'})
        needed = f"repository:{repo}:{'pull' if request.method in ('GET', 'HEAD') else 'pull,push'}"
        challenge = f'Bearer realm="{REALM}",service="{SERVICE}"'
        if repo is not None:
            challenge += f',scope="{needed}"'
        if header.startswith("Bearer "):
            granted = json.loads(base64.urlsafe_b64decode(header.split(".", 1)[1]))
            if repo is None or needed in granted:
                return None
            challenge += ',error="insufficient_scope"'
        return reg_error(401, "UNAUTHORIZED", "authentication required", {"WWW-Authenticate": challenge})

    def _handle(self, request: requests.PreparedRequest) -> Reply:
        status, headers, body = self._answer(request)
        return status, headers, b"" if request.method == "HEAD" else body

    def _answer(self, request: requests.PreparedRequest) -> Reply:
        self.calls.append(request)
        url = urlsplit(str(request.url))
        if url.path == "/v2/":
            return self._authorized(request, None) or (200, {}, b"{}")
        match = re.fullmatch(r"/v2/(?P<repo>.+?)/(?P<kind>manifests|blobs|tags)/(?P<rest>.*)", url.path)
        assert match, url.path
        repo, kind, rest = match.group("repo", "kind", "rest")
        denied = self._authorized(request, repo)
        if denied:
            return denied
        if kind == "tags":
            if repo not in self.tags:
                return reg_error(404, "NAME_UNKNOWN", "repository name not known to registry")
            query = parse_qs(url.query)
            tags = sorted(self.tags[repo])
            if "last" in query:
                tags = [t for t in tags if t > query["last"][0]]
            headers = {"Content-Type": "application/json"}
            if "n" in query and len(tags) > int(query["n"][0]):
                tags = tags[:int(query["n"][0])]
                headers["Link"] = f'</v2/{repo}/tags/list?last={tags[-1]}&n={query["n"][0]}>; rel="next"'
            return 200, headers, json.dumps({"name": repo, "tags": tags}).encode()
        if kind == "blobs" and rest.startswith("uploads/"):
            if request.method == "POST":
                return 202, {"Location": f"/v2/{repo}/blobs/uploads/u-1?_state=abc"}, b""
            body = request.body if isinstance(request.body, bytes) else b""
            query = parse_qs(url.query)
            assert query["_state"] == ["abc"], "the upload state in the Location is kept"
            if digest_of(body) != query["digest"][0]:
                return reg_error(400, "DIGEST_INVALID", "provided digest did not match uploaded content")
            self.blobs[query["digest"][0]] = body
            return 201, {"Docker-Content-Digest": query["digest"][0]}, b""
        if kind == "manifests" and request.method == "PUT":
            body = request.body if isinstance(request.body, bytes) else b""
            self.manifests[(repo, rest)] = (request.headers["Content-Type"], body)
            self.manifests[(repo, digest_of(body))] = (request.headers["Content-Type"], body)
            self.tags.setdefault(repo, []).append(rest)
            return 201, {"Docker-Content-Digest": digest_of(body)}, b""
        if kind == "blobs":
            if request.method == "HEAD":
                return (200, {}, b"") if rest in self.blobs else (404, {}, b"")
            blob = self.blobs.get(rest)
            if blob is None:
                return reg_error(404, "BLOB_UNKNOWN", "blob unknown to registry")
            return 200, {"Content-Length": str(len(blob))}, blob
        found = self.manifests.get((repo, rest))
        if found is None:
            return reg_error(404, "MANIFEST_UNKNOWN", "manifest unknown")
        media_type, raw = found
        digest = digest_of(raw) if not self.tamper_digest else digest_of(b"something else")
        return 200, {"Content-Type": media_type, "Docker-Content-Digest": digest}, raw


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def index_of(*entries: tuple[str, dict[str, str]], media_type: str = MEDIA_TYPE_OCI_INDEX) -> dict[str, Any]:
    return {"schemaVersion": 2, "mediaType": media_type,
            "manifests": [{"mediaType": MEDIA_TYPE_OCI_MANIFEST, "digest": digest, "size": 100,
                           "platform": platform} for digest, platform in entries]}


def multi(fake: FakeRegistry, repo: str = "team/app", tag: str = "latest",
          media_type: str = MEDIA_TYPE_OCI_INDEX) -> dict[str, str]:
    digests = {
        "linux/amd64": fake.add_image(repo, None, "linux", "amd64"),
        "linux/arm64/v8": fake.add_image(repo, None, "linux", "arm64", "v8"),
        "linux/arm/v7": fake.add_image(repo, None, "linux", "arm", "v7"),
    }
    entries = [(d, dict(zip(("os", "architecture", "variant"), p.split("/")))) for p, d in digests.items()]
    digests["index"] = fake.add(repo, tag, index_of(*entries, media_type=media_type))
    return digests


# -- manifests and platforms -----------------------------------------------------------------

@pytest.mark.parametrize("media_type", [MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_DOCKER_MANIFEST_LIST])
def test_platform_digest_from_an_index(rsps: responses.RequestsMock, media_type: str) -> None:
    fake = FakeRegistry(rsps)
    digests = multi(fake, media_type=media_type)
    client = RegistryClient("reg.example")
    for spec, expected in [("linux/amd64", "linux/amd64"), ("linux/arm64/v8", "linux/arm64/v8"),
                           ("linux/aarch64", "linux/arm64/v8"), ("linux/arm/v7", "linux/arm/v7"),
                           ("linux/arm", "linux/arm/v7"), ("linux/x86_64", "linux/amd64")]:
        assert client.platform_digest("team/app", "latest", spec) == digests[expected], spec
    manifest = client.get_manifest("team/app", "latest")
    assert (manifest.media_type, manifest.digest, manifest.is_index) == (media_type, digests["index"], True)
    assert [str(p) for p in client.platforms("team/app")] == ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"]
    accept = fake.calls[0].headers["Accept"]
    for wanted in (MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_DOCKER_MANIFEST_LIST, MEDIA_TYPE_OCI_MANIFEST,
                   MEDIA_TYPE_DOCKER_MANIFEST):
        assert wanted in accept


def test_unknown_platform_lists_what_exists(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps)
    multi(fake)
    with pytest.raises(errors.PlatformNotFound) as info:
        RegistryClient("reg.example").platform_digest("team/app", "latest", "linux/s390x")
    assert str(info.value) == ("reg.example/team/app:latest has no image for linux/s390x; it has "
                               "linux/amd64, linux/arm64/v8, linux/arm/v7")
    assert info.value.available == ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"]
    assert info.value.platform == "linux/s390x"
    assert isinstance(info.value, errors.RegistryNotFound)


def test_single_platform_image_reads_its_config(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps)
    digest = fake.add_image("solo", "v1", "linux", "arm64", "v8", media_type=MEDIA_TYPE_DOCKER_MANIFEST)
    client = RegistryClient("reg.example")
    assert client.platform_digest("solo", "v1", "linux/aarch64") == digest
    with pytest.raises(errors.PlatformNotFound, match="it has linux/arm64/v8"):
        client.platform_digest("solo", "v1", "linux/amd64")


def test_nested_index_and_attestations(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps)
    amd = fake.add_image("app", None, "linux", "amd64")
    arm = fake.add_image("app", None, "linux", "arm64")
    inner = fake.add("app", None, index_of((arm, {"os": "linux", "architecture": "arm64"})))
    outer = index_of((amd, {"os": "linux", "architecture": "amd64"}))
    outer["manifests"].append({"mediaType": MEDIA_TYPE_OCI_MANIFEST, "digest": digest_of(b"att"), "size": 1,
                               "platform": {"os": "unknown", "architecture": "unknown"},
                               "annotations": {"vnd.docker.reference.type": "attestation-manifest"}})
    outer["manifests"].append({"mediaType": MEDIA_TYPE_OCI_INDEX, "digest": inner, "size": 1})
    fake.add("app", "latest", outer)
    client = RegistryClient("reg.example")
    assert client.platform_digest("app", "latest", "linux/arm64/v8") == arm
    assert [str(p) for p in client.platforms("app")] == ["linux/amd64", "linux/arm64"]


def test_by_digest_and_media_type_from_the_header(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps)
    # No mediaType in the body (allowed for OCI): the Content-Type says what it is.
    digest = fake.add("app", "t", {"schemaVersion": 2, "manifests": []}, content_type=MEDIA_TYPE_OCI_INDEX)
    manifest = RegistryClient("reg.example").get_manifest("app", digest)
    assert (manifest.media_type, manifest.digest, manifest.manifests) == (MEDIA_TYPE_OCI_INDEX, digest, [])
    assert manifest.raw == json.dumps({"schemaVersion": 2, "manifests": []}).encode()


def test_digest_is_verified(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps)
    digest = fake.add_image("app", "latest", "linux", "amd64")
    fake.tamper_digest = True
    client = RegistryClient("reg.example")
    with pytest.raises(errors.DigestMismatch, match="announced by the registry"):
        client.get_manifest("app", "latest")
    fake.tamper_digest = False
    other = "sha256:" + "0" * 64
    fake.manifests[("app", other)] = fake.manifests[("app", digest)]
    with pytest.raises(errors.DigestMismatch, match=f"not to the {other} asked for"):
        client.get_manifest("app", other)


def test_blob_digest_is_verified(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps)
    good, bad = b"good data", "sha256:" + "1" * 64
    fake.blobs[digest_of(good)] = good
    fake.blobs[bad] = good
    fake.tags["app"] = []
    client = RegistryClient("reg.example")
    assert client.get_blob("app", digest_of(good)) == good
    with pytest.raises(errors.DigestMismatch):
        client.get_blob("app", bad)
    with pytest.raises(errors.RegistryError, match="more than"):
        client.get_blob("app", digest_of(good), max_size=3)


def test_unknown_tag_and_repository(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps)
    multi(fake, tag="v1")
    fake.add_image("team/app", "v2", "linux", "amd64")
    client = RegistryClient("reg.example")
    with pytest.raises(errors.ManifestNotFound) as info:
        client.platform_digest("team/app", "v3", "linux/amd64")
    assert str(info.value) == "reg.example/team/app has no tag v3 (tags: v1, v2)"
    assert info.value.codes == ["MANIFEST_UNKNOWN"]
    with pytest.raises(errors.ManifestNotFound, match="has no manifest sha256:"):
        client.get_manifest("team/app", "sha256:" + "2" * 64)
    with pytest.raises(errors.RepositoryNotFound, match="reg.example has no repository nope/app"):
        client.platform_digest("nope/app", "latest", "linux/amd64")
    with pytest.raises(errors.RepositoryNotFound):
        client.list_tags("nope/app")


def test_manifest_too_large(rsps: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeRegistry(rsps)
    fake.add_image("app", "latest", "linux", "amd64")
    monkeypatch.setattr(registry, "MAX_MANIFEST_SIZE", 10)
    with pytest.raises(errors.RegistryError, match="more than the 10"):
        RegistryClient("reg.example").get_manifest("app")


def test_invalid_json_manifest(rsps: responses.RequestsMock) -> None:
    rsps.add("GET", f"{REG}/v2/app/manifests/latest", body=b"<html>", content_type="text/html")
    with pytest.raises(errors.RegistryError, match="not valid JSON"):
        RegistryClient("reg.example").get_manifest("app")


def test_server_error(rsps: responses.RequestsMock) -> None:
    rsps.add("GET", f"{REG}/v2/app/manifests/latest", status=503, body=b"down for maintenance")
    with pytest.raises(errors.RegistryError) as info:
        RegistryClient("reg.example").get_manifest("app")
    assert "503" in str(info.value) and "down for maintenance" in str(info.value)
    assert info.value.status_code == 503


def test_connection_errors_are_ours(rsps: responses.RequestsMock) -> None:
    rsps.add("GET", f"{REG}/v2/", body=requests.exceptions.ConnectionError("refused"))
    with pytest.raises(errors.RegistryConnectionError, match="cannot talk to https://reg.example") as info:
        RegistryClient("reg.example").ping()
    assert isinstance(info.value, errors.DockerConnectionError)
    rsps.replace("GET", f"{REG}/v2/", body=requests.exceptions.SSLError("bad cert"))
    with pytest.raises(errors.RegistryConnectionError, match="insecure=True"):
        RegistryClient("reg.example").ping()
    rsps.replace("GET", f"{REG}/v2/", body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(errors.RegistryConnectionError, match="did not answer within 7s"):
        RegistryClient("reg.example", timeout=7).ping()


def test_manifest_digest_from_head(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps)
    digests = multi(fake)
    assert RegistryClient("reg.example").manifest_digest("team/app") == digests["index"]
    assert [c.method for c in fake.calls] == ["HEAD"]


# -- tags ------------------------------------------------------------------------------------

def test_list_tags_follows_link_pages(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps)
    for tag in ["a", "b", "c", "d", "e"]:
        fake.add_image("app", tag, "linux", "amd64")
    client = RegistryClient("reg.example")
    assert client.list_tags("app", page_size=2) == ["a", "b", "c", "d", "e"]
    assert [urlsplit(str(c.url)).query for c in fake.calls] == ["n=2", "last=b&n=2", "last=d&n=2"]
    assert client.list_tags("app") == ["a", "b", "c", "d", "e"]


def test_list_tags_null_and_foreign_links(rsps: responses.RequestsMock) -> None:
    rsps.add("GET", f"{REG}/v2/empty/tags/list", json={"name": "empty", "tags": None})
    rsps.add("GET", f"{REG}/v2/evil/tags/list", json={"name": "evil", "tags": ["x"]},
             headers={"Link": '<https://elsewhere.example/v2/evil/tags/list?last=x>; rel="next"'})
    client = RegistryClient("reg.example")
    assert client.list_tags("empty") == []
    with pytest.raises(errors.RegistryError, match="link to another host"):
        client.list_tags("evil")


# -- authentication --------------------------------------------------------------------------

def test_bearer_anonymous_pull(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps, "bearer")
    digests = multi(fake, repo="public/app")
    client = RegistryClient("reg.example")
    assert client.platform_digest("public/app", "latest", "linux/arm64") == digests["linux/arm64/v8"]
    first = fake.token_calls[0]
    assert "Authorization" not in first.headers
    assert parse_qs(urlsplit(str(first.url)).query) == {"service": [SERVICE],
                                                   "scope": ["repository:public/app:pull"]}
    # One token for the scope, reused: the manifest, the config blob, and the next call.
    client.platform_digest("public/app", "latest", "linux/amd64")
    assert len(fake.token_calls) == 1


def test_bearer_anonymous_refused(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps, "bearer")
    multi(fake, repo="private/app")
    with pytest.raises(errors.RegistryAuthError) as info:
        RegistryClient("reg.example").get_manifest("private/app")
    assert "wants credentials and none are configured" in str(info.value)
    assert "reg.example" in str(info.value)


def test_bearer_with_password_caches_per_scope(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps, "bearer")
    multi(fake, repo="private/a")
    multi(fake, repo="private/b")
    client = RegistryClient("reg.example", username="user", password="pw")
    client.get_manifest("private/a")
    client.get_manifest("private/a")
    client.list_tags("private/a")
    assert len(fake.token_calls) == 1
    assert fake.token_calls[0].headers["Authorization"] == basic("user", "pw")
    client.get_manifest("private/b")
    assert len(fake.token_calls) == 2
    assert parse_qs(urlsplit(str(fake.token_calls[1].url)).query)["scope"] == ["repository:private/b:pull"]
    # Known challenge: the second repository got its token before the request, with no 401.
    assert [c.headers.get("Authorization", "")[:6] for c in fake.calls][-1] == "Bearer"
    assert sum(1 for c in fake.calls if "Authorization" not in c.headers) == 1


def test_bearer_token_expiry(rsps: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeRegistry(rsps, "bearer")
    multi(fake, repo="private/a")
    now = [1000.0]
    monkeypatch.setattr(registry, "_clock", lambda: now[0])
    fake.expires_in = 120
    client = RegistryClient("reg.example", username="user", password="pw")
    client.get_manifest("private/a")
    now[0] += 100
    client.get_manifest("private/a")
    assert len(fake.token_calls) == 1
    now[0] += 15  # within the renewal margin of the 120 s lifetime
    client.get_manifest("private/a")
    assert len(fake.token_calls) == 2


def test_bearer_wrong_password(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps, "bearer")
    multi(fake, repo="private/a")
    with pytest.raises(errors.RegistryAuthError) as info:
        RegistryClient("reg.example", username="user", password="wrong").get_manifest("private/a")
    assert str(info.value) == (f"the token service {REALM} refused the credentials for user: "
                               "incorrect username or password")
    assert "wrong" not in str(info.value)


def test_bearer_push_scope_and_uploads(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps, "bearer")
    client = RegistryClient("reg.example", username="user", password="pw")
    config = json.dumps({"os": "linux", "architecture": "riscv64"}).encode()
    config_digest = client.upload_blob("private/a", config)
    assert fake.blobs[config_digest] == config
    assert client.upload_blob("private/a", config) == config_digest  # there already: not sent again
    manifest = {"schemaVersion": 2, "mediaType": MEDIA_TYPE_OCI_MANIFEST, "layers": [],
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                           "size": len(config)}}
    digest = client.put_manifest("private/a", "v1", manifest)
    assert client.platform_digest("private/a", "v1", "linux/riscv64") == digest
    scopes = [parse_qs(urlsplit(str(c.url)).query)["scope"] for c in fake.token_calls]
    assert scopes == [["repository:private/a:pull"], ["repository:private/a:pull,push"]]
    uploads = [c for c in fake.calls if c.method == "PUT" and "/blobs/" in str(c.url)]
    assert len(uploads) == 1 and uploads[0].headers["Content-Type"] == "application/octet-stream"
    with pytest.raises(errors.InvalidArgument, match="mediaType"):
        client.put_manifest("private/a", "v2", {"schemaVersion": 2})
    with pytest.raises(errors.InvalidArgument, match="digest"):
        client.put_manifest("private/a", "sha256:" + "3" * 64, manifest)


def test_identity_token_is_a_refresh_token(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps, "bearer")
    multi(fake, repo="private/a")
    multi(fake, repo="private/b")
    client = RegistryClient("reg.example", identity_token="refresh-1")
    client.get_manifest("private/a")
    call = fake.token_calls[0]
    assert call.method == "POST"
    form = parse_qs(str(call.body))
    assert form == {"grant_type": ["refresh_token"], "refresh_token": ["refresh-1"], "service": [SERVICE],
                    "client_id": ["docker_client"], "scope": ["repository:private/a:pull"]}
    client.get_manifest("private/b")  # the service's new refresh token is used from now on
    assert parse_qs(str(fake.token_calls[1].body))["refresh_token"] == ["refresh-2"]


def test_credentials_from_the_docker_config(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps, "bearer")
    multi(fake, repo="private/a")
    configs = auth.load_config(config_dict={"auths": {
        "https://reg.example/v1/": {"auth": base64.b64encode(b"user:pw").decode()},
        "other.example": {"auth": base64.b64encode(b"other:x").decode()}}})
    RegistryClient("reg.example", auth_configs=configs).get_manifest("private/a")
    assert fake.token_calls[0].headers["Authorization"] == basic("user", "pw")


def test_identity_token_from_the_docker_config(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps, "bearer")
    multi(fake, repo="private/a")
    configs = {"auths": {"reg.example": {"identitytoken": "refresh-1"}}}
    RegistryClient("reg.example", auth_configs=configs).get_manifest("private/a")
    assert fake.token_calls[0].method == "POST"


def test_credentials_are_not_sent_to_a_plain_http_realm(rsps: responses.RequestsMock) -> None:
    rsps.add("GET", f"{REG}/v2/", status=401,
             headers={"WWW-Authenticate": 'Bearer realm="http://auth.example/token",service="s"'})
    with pytest.raises(errors.RegistryAuthError, match="plain HTTP"):
        RegistryClient("reg.example", username="user", password="pw").ping()


def test_basic_auth(rsps: responses.RequestsMock) -> None:
    fake = FakeRegistry(rsps, "basic")
    digests = multi(fake)
    with pytest.raises(errors.RegistryAuthError, match="wants a username and password"):
        RegistryClient("reg.example").get_manifest("team/app")
    client = RegistryClient("reg.example", username="user", password="pw")
    assert client.platform_digest("team/app", "latest", "linux/arm/v7") == digests["linux/arm/v7"]
    # After the first challenge, Basic is sent up front: one request per call from now on.
    before = len(fake.calls)
    assert client.platform_digest("team/app", "latest", "linux/amd64") == digests["linux/amd64"]
    assert len(fake.calls) == before + 1
    assert fake.calls[-1].headers["Authorization"] == basic("user", "pw")
    with pytest.raises(errors.RegistryAuthError, match="refused the credentials of user user"):
        RegistryClient("reg.example", username="user", password="nope").ping()


def test_unsupported_challenge(rsps: responses.RequestsMock) -> None:
    rsps.add("GET", f"{REG}/v2/", status=401, headers={"WWW-Authenticate": "Negotiate"})
    with pytest.raises(errors.RegistryAuthError, match="schemes offered: negotiate"):
        RegistryClient("reg.example").ping()


def test_no_credentials_in_repr_or_logs(rsps: responses.RequestsMock,
                                        caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeRegistry(rsps, "bearer")
    multi(fake, repo="private/a")
    caplog.set_level("DEBUG", logger="docker_client")
    fake.password = "hunter2-secret"
    client = RegistryClient("reg.example", username="user", password="hunter2-secret")
    client.get_manifest("private/a")
    assert "hunter2" not in repr(client) and "hunter2" not in repr(client._credentials())
    assert "Authorization" in fake.calls[-1].headers
    assert "hunter2" not in caplog.text and "tok1" not in caplog.text


def test_hub_names(rsps: responses.RequestsMock) -> None:
    rsps.add("GET", "https://registry-1.docker.io/v2/library/busybox/tags/list", json={"tags": ["1"]})
    assert RegistryClient().list_tags("busybox") == ["1"]


def test_netrc_does_not_replace_our_authorization(rsps: responses.RequestsMock, tmp_path: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine reg.example login netrc-user password netrc-pw\n"
                     "machine auth.example login netrc-user password netrc-pw\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    fake = FakeRegistry(rsps, "bearer")
    multi(fake, repo="public/app")
    RegistryClient("reg.example").get_manifest("public/app")
    assert "Authorization" not in fake.token_calls[0].headers
    assert [c.headers.get("Authorization", "")[:7] for c in fake.calls] == ["", "Bearer "]
