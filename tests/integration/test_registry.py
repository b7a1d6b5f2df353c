"""docker_client.registry against real registries on loopback.

* the harness's plain registry (DC_TEST_REGISTRY, 127.0.0.1:5000) and its htpasswd one
  (DC_TEST_AUTH_REGISTRY, 127.0.0.1:5001), inside the harness's network namespace;
* a token-auth registry these tests start themselves: ``docker-registry serve`` trusting a CA
  made here, and a token service in a thread that signs ES256 JWTs with a certificate of that
  CA (``x5c`` header), granting ``tokuser`` everything, ``reader`` pull only, anonymous pull of
  ``public/*``, and the refresh token ``tok-refresh-1`` (an identity token) what ``tokuser`` gets.

Images are built here: OCI (or Docker v2) manifests for linux/amd64, linux/arm64/v8 and
linux/arm/v7 with one small layer each, and an index over them, uploaded through the v2 API.
"""
from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import http.server
import io
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tarfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from docker_client import Client, auth, errors
from docker_client.registry import (
    MEDIA_TYPE_DOCKER_CONFIG,
    MEDIA_TYPE_DOCKER_MANIFEST,
    MEDIA_TYPE_DOCKER_MANIFEST_LIST,
    MEDIA_TYPE_OCI_CONFIG,
    MEDIA_TYPE_OCI_INDEX,
    MEDIA_TYPE_OCI_MANIFEST,
    RegistryClient,
)

from ..conftest import _DAEMON_SKIP_REASON, DAEMON_EXPECTED
from .conftest import env_or_fail

PLATFORMS = ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"]
TOKEN_SERVICE = "dctest-token-registry"
TOKEN_ISSUER = "dctest-token-issuer"
USERS = {"tokuser": "tokpass", "reader": "readpass"}
REFRESH_TOKENS = {"tok-refresh-1": "tokuser"}


# -- images ----------------------------------------------------------------------------------

def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _layer(text: str) -> tuple[bytes, bytes]:
    """``(gzipped tar, tar)`` holding one file, /hello.txt."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        data = text.encode()
        info = tarfile.TarInfo("hello.txt")
        info.size, info.mtime, info.mode = len(data), 1700000000, 0o644
        tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0), raw.getvalue()


def push_image(reg: RegistryClient, repo: str, platform: str, tag: str | None = None,
               docker_types: bool = False) -> str:
    """Upload a one-layer image for ``platform``; return its manifest digest."""
    os_name, arch, *rest = platform.split("/")
    gz, tar = _layer(f"hello from {platform} in {repo}\n")
    config: dict[str, Any] = {
        "architecture": arch, "os": os_name, "created": "2024-01-01T00:00:00Z",
        "config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [sha256(tar)]},
        "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "docker_client tests"}],
    }
    if rest:
        config["variant"] = rest[0]
    config_raw = json.dumps(config).encode()
    layer_type = ("application/vnd.docker.image.rootfs.diff.tar.gzip" if docker_types
                  else "application/vnd.oci.image.layer.v1.tar+gzip")
    manifest = {
        "schemaVersion": 2,
        "mediaType": MEDIA_TYPE_DOCKER_MANIFEST if docker_types else MEDIA_TYPE_OCI_MANIFEST,
        "config": {"mediaType": MEDIA_TYPE_DOCKER_CONFIG if docker_types else MEDIA_TYPE_OCI_CONFIG,
                   "digest": reg.upload_blob(repo, config_raw), "size": len(config_raw)},
        "layers": [{"mediaType": layer_type, "digest": reg.upload_blob(repo, gz), "size": len(gz)}],
    }
    raw = json.dumps(manifest, indent=1).encode()
    return reg.put_manifest(repo, tag or sha256(raw), raw, str(manifest["mediaType"]))


def push_index(reg: RegistryClient, repo: str, tag: str = "latest", platforms: list[str] = PLATFORMS,
               docker_types: bool = False) -> dict[str, str]:
    """Upload an image per platform and an index over them; ``{platform: digest, "index": digest}``."""
    digests: dict[str, str] = {}
    entries = []
    for platform in platforms:
        digest = push_image(reg, repo, platform, docker_types=docker_types)
        digests[platform] = digest
        manifest = reg.get_manifest(repo, digest)
        entries.append({"mediaType": manifest.media_type, "digest": digest, "size": manifest.size,
                        "platform": dict(zip(("os", "architecture", "variant"), platform.split("/")))})
    index = {"schemaVersion": 2, "manifests": entries,
             "mediaType": MEDIA_TYPE_DOCKER_MANIFEST_LIST if docker_types else MEDIA_TYPE_OCI_INDEX}
    digests["index"] = reg.put_manifest(repo, tag, index)
    return digests


# -- the harness's registries ----------------------------------------------------------------

@pytest.fixture
def plain_registry(daemon: str) -> Iterator[RegistryClient]:
    with RegistryClient(env_or_fail("DC_TEST_REGISTRY")) as reg:
        yield reg


@dataclass
class AuthRegistry:
    host: str
    user: str
    password: str


@pytest.fixture
def auth_registry(daemon: str) -> AuthRegistry:
    return AuthRegistry(env_or_fail("DC_TEST_AUTH_REGISTRY"), env_or_fail("DC_TEST_REGISTRY_USER"),
                        env_or_fail("DC_TEST_REGISTRY_PASSWORD"))


@pytest.fixture
def repo(unique_name: Callable[[str], str]) -> str:
    return f"dctest/{unique_name('reg')}"


def test_ping(plain_registry: RegistryClient) -> None:
    assert plain_registry.base_url == f"http://{os.environ['DC_TEST_REGISTRY']}"
    assert plain_registry.ping() is True


@pytest.mark.parametrize("docker_types", [False, True], ids=["oci-index", "docker-manifest-list"])
def test_platform_digest_of_every_platform(plain_registry: RegistryClient, repo: str,
                                           docker_types: bool) -> None:
    digests = push_index(plain_registry, repo, docker_types=docker_types)
    for platform in PLATFORMS:
        assert plain_registry.platform_digest(repo, "latest", platform) == digests[platform], platform
    aliases = {"linux/x86_64": "linux/amd64", "linux/aarch64": "linux/arm64/v8",
               "linux/arm64": "linux/arm64/v8", "linux/arm": "linux/arm/v7", "linux/armhf": "linux/arm/v7"}
    for alias, platform in aliases.items():
        assert plain_registry.platform_digest(repo, "latest", alias) == digests[platform], alias
    # By the index's digest too, and with this registry's host in the name.
    full = f"{plain_registry.registry}/{repo}"
    assert plain_registry.platform_digest(full, digests["index"], "linux/arm/v7") == digests["linux/arm/v7"]
    assert [str(p) for p in plain_registry.platforms(repo)] == PLATFORMS


@pytest.mark.parametrize("docker_types", [False, True], ids=["oci-index", "docker-manifest-list"])
def test_get_manifest_and_digests(plain_registry: RegistryClient, repo: str, docker_types: bool) -> None:
    digests = push_index(plain_registry, repo, docker_types=docker_types)
    index = plain_registry.get_manifest(repo, "latest")
    assert index.is_index
    assert index.media_type == (MEDIA_TYPE_DOCKER_MANIFEST_LIST if docker_types else MEDIA_TYPE_OCI_INDEX)
    assert index.digest == digests["index"] == sha256(index.raw)
    assert [d.digest for d in index.manifests] == [digests[p] for p in PLATFORMS]
    assert plain_registry.manifest_digest(repo, "latest") == digests["index"]
    image = plain_registry.get_manifest(repo, digests["linux/arm64/v8"])
    assert not image.is_index
    assert image.media_type == (MEDIA_TYPE_DOCKER_MANIFEST if docker_types else MEDIA_TYPE_OCI_MANIFEST)
    config = image.config
    assert config is not None
    assert json.loads(plain_registry.get_blob(repo, config.digest))["architecture"] == "arm64"
    assert plain_registry.blob_exists(repo, image.layers[0].digest)
    assert not plain_registry.blob_exists(repo, "sha256:" + "0" * 64)


def test_single_platform_image(plain_registry: RegistryClient, repo: str) -> None:
    digest = push_image(plain_registry, repo, "linux/arm/v7", tag="solo")
    assert plain_registry.platform_digest(repo, "solo", "linux/arm") == digest
    assert [str(p) for p in plain_registry.platforms(repo, "solo")] == ["linux/arm/v7"]
    with pytest.raises(errors.PlatformNotFound, match="it has linux/arm/v7$"):
        plain_registry.platform_digest(repo, "solo", "linux/amd64")


def test_unknown_platform_lists_those_there_are(plain_registry: RegistryClient, repo: str) -> None:
    push_index(plain_registry, repo)
    for wanted in ("linux/s390x", "windows/amd64", "linux/arm/v6", "linux/arm64/v9"):
        with pytest.raises(errors.PlatformNotFound) as info:
            plain_registry.platform_digest(repo, "latest", wanted)
        assert str(info.value) == (f"{plain_registry.registry}/{repo}:latest has no image for {wanted}; "
                                   "it has linux/amd64, linux/arm64/v8, linux/arm/v7")
        assert info.value.available == PLATFORMS


def test_compatible_platforms(plain_registry: RegistryClient, repo: str) -> None:
    digests = push_index(plain_registry, repo, platforms=["linux/arm/v6", "linux/arm/v7", "linux/386"])
    with pytest.raises(errors.PlatformNotFound):
        plain_registry.platform_digest(repo, "latest", "linux/arm64/v8")
    assert plain_registry.platform_digest(repo, "latest", "linux/arm64/v8", compatible=True) == \
        digests["linux/arm/v7"]
    assert plain_registry.platform_digest(repo, "latest", "linux/amd64", compatible=True) == \
        digests["linux/386"]


def test_unknown_tag(plain_registry: RegistryClient, repo: str) -> None:
    push_index(plain_registry, repo, tag="v1")
    with pytest.raises(errors.ManifestNotFound) as info:
        plain_registry.platform_digest(repo, "v2", "linux/amd64")
    assert str(info.value) == f"{plain_registry.registry}/{repo} has no tag v2 (tags: v1)"
    assert info.value.codes == ["MANIFEST_UNKNOWN"]
    with pytest.raises(errors.ManifestNotFound, match="has no manifest sha256:0000"):
        plain_registry.get_manifest(repo, "sha256:" + "0" * 64)


def test_unknown_repository(plain_registry: RegistryClient, repo: str) -> None:
    with pytest.raises(errors.RepositoryNotFound) as info:
        plain_registry.platform_digest(repo, "latest", "linux/amd64")
    assert str(info.value) == f"{plain_registry.registry} has no repository {repo}"
    with pytest.raises(errors.RepositoryNotFound):
        plain_registry.list_tags(repo)
    with pytest.raises(errors.RepositoryNotFound):
        plain_registry.manifest_digest(repo, "latest")


def test_list_tags(plain_registry: RegistryClient, repo: str) -> None:
    digest = push_image(plain_registry, repo, "linux/amd64")
    manifest = plain_registry.get_manifest(repo, digest)
    tags = [f"t{i}" for i in range(7)]
    for tag in tags:
        plain_registry.put_manifest(repo, tag, manifest.raw, manifest.media_type)
    pages: list[str] = []

    def count(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if "/tags/list" in response.url:
            pages.append(urlsplit(response.url).query)

    session = requests.Session()
    session.hooks["response"].append(count)
    with RegistryClient(plain_registry.registry, session=session) as reg:
        # distribution 2.8 ignores n (tag pagination came with v3) and lists tags unordered;
        # following Link pages is covered by tests/unit/test_registry_unit.py.
        assert sorted(reg.list_tags(repo, page_size=3)) == tags
    assert pages[0] == "n=3"
    assert sorted(plain_registry.list_tags(repo)) == tags


# -- basic auth (htpasswd) -------------------------------------------------------------------

def test_basic_auth_needs_credentials(auth_registry: AuthRegistry, repo: str) -> None:
    with RegistryClient(auth_registry.host) as reg:
        with pytest.raises(errors.RegistryAuthError, match="wants a username and password"):
            reg.ping()
        with pytest.raises(errors.RegistryAuthError):
            reg.get_manifest(repo)


def test_basic_auth_wrong_password(auth_registry: AuthRegistry) -> None:
    with RegistryClient(auth_registry.host, username=auth_registry.user, password="wrong") as reg:
        refused = f"refused the credentials of user {auth_registry.user}"
        with pytest.raises(errors.RegistryAuthError, match=refused):
            reg.ping()


def test_basic_auth_explicit_credentials(auth_registry: AuthRegistry, repo: str) -> None:
    with RegistryClient(auth_registry.host, username=auth_registry.user,
                        password=auth_registry.password) as reg:
        digests = push_index(reg, repo)
        assert reg.platform_digest(repo, "latest", "linux/arm64/v8") == digests["linux/arm64/v8"]
        assert reg.list_tags(repo) == ["latest"]


def _write_config(data: dict[str, Any]) -> None:
    Path(os.environ["DOCKER_CONFIG"], "config.json").write_text(json.dumps(data))


def test_basic_auth_from_config_json(auth_registry: AuthRegistry, repo: str) -> None:
    secret = base64.b64encode(f"{auth_registry.user}:{auth_registry.password}".encode()).decode()
    _write_config({"auths": {f"http://{auth_registry.host}": {"auth": secret}}})
    with RegistryClient(auth_registry.host) as reg:
        digests = push_index(reg, repo)
        assert reg.platform_digest(repo, "latest", "linux/amd64") == digests["linux/amd64"]


def _fake_helper(bin_dir: Path, name: str, server: str, username: str, secret: str) -> None:
    """A ``docker-credential-<name>`` knowing one server; every other gets "not found"."""
    script = bin_dir / f"docker-credential-{name}"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        "server = sys.stdin.read()\n"
        f"if sys.argv[1:] != ['get'] or server != {server!r}:\n"
        "    print('credentials not found in native keychain'); sys.exit(1)\n"
        f"print(json.dumps({{'ServerURL': server, 'Username': {username!r}, 'Secret': {secret!r}}}))\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_basic_auth_from_a_credential_helper(auth_registry: AuthRegistry, repo: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    _fake_helper(tmp_path, "dctest", auth_registry.host, auth_registry.user, auth_registry.password)
    _write_config({"credsStore": "dctest"})
    with RegistryClient(auth_registry.host) as reg:
        digests = push_index(reg, repo)
        assert reg.platform_digest(repo, "latest", "linux/arm/v7") == digests["linux/arm/v7"]
    with RegistryClient(auth_registry.host, credstore_env={"PATH": "/nonexistent"}) as reg:
        with pytest.raises(errors.CredentialsError, match=f"docker-credential-dctest.*{auth_registry.host}"):
            reg.ping()


def test_daemon_pulls_with_registry_auth_header(client: Client, auth_registry: AuthRegistry,
                                                repo: str) -> None:
    """The daemon accepts the X-Registry-Auth that registry_auth_header makes, for that registry only."""
    with RegistryClient(auth_registry.host, username=auth_registry.user,
                        password=auth_registry.password) as reg:
        push_index(reg, repo)
    image = f"{auth_registry.host}/{repo}:latest"
    secret = base64.b64encode(f"{auth_registry.user}:{auth_registry.password}".encode()).decode()
    configs = auth.load_config(config_dict={"auths": {auth_registry.host: {"auth": secret}}})

    def pull(header: bytes | None) -> tuple[int, str]:
        headers = {"X-Registry-Auth": header.decode()} if header else {}
        response = client._post(client._url("/images/create"),
                                params={"fromImage": f"{auth_registry.host}/{repo}", "tag": "latest"},
                                headers=headers)
        return response.status_code, response.text

    assert auth.registry_auth_header(configs, "busybox") is None
    other = auth.load_config(config_dict={"auths": {"127.0.0.1:1": {"auth": secret}}})
    assert auth.registry_auth_header(other, image) is None
    status, text = pull(None)
    assert status == 500 and "no basic auth credentials" in text, text
    header = auth.registry_auth_header(configs, image)
    try:
        status, text = pull(header)
        assert status == 200 and '"error' not in text, text
        inspect = client._result(client._get(client._url("/images/{0}/json", image)), json=True)
        assert inspect["RepoTags"] == [image]
    finally:
        client._delete(client._url("/images/{0}", image), params={"force": "1"}).close()


# -- token auth: our own registry and token service ------------------------------------------

def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class _TokenAuthority:
    """A CA, a signing key with a certificate from it, and ES256 JWTs in the registry's format."""

    def __init__(self, directory: Path) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        now = datetime.datetime.now(datetime.timezone.utc)
        start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=2)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "docker_client token CA")])
        ca_cert = (
            x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
            .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        self.key = ec.generate_private_key(ec.SECP256R1())
        leaf = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "docker_client token signer")]))
            .issuer_name(ca_name).public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        self.bundle = directory / "token-ca.pem"
        self.bundle.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        self.x5c = [base64.b64encode(leaf.public_bytes(serialization.Encoding.DER)).decode()]

    def jwt(self, subject: str, access: list[dict[str, Any]], lifetime: int = 300) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        now = int(time.time())
        header = {"typ": "JWT", "alg": "ES256", "x5c": self.x5c}
        claims = {"iss": TOKEN_ISSUER, "sub": subject, "aud": TOKEN_SERVICE, "exp": now + lifetime,
                  "nbf": now - 5, "iat": now, "jti": uuid.uuid4().hex, "access": access}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return f"{signing_input}.{_b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


@dataclass
class TokenCall:
    method: str
    user: str | None
    scopes: list[str]
    grant_type: str | None = None


@dataclass
class TokenRegistry:
    host: str
    realm: str
    calls: list[TokenCall] = field(default_factory=list)

    def client(self, **kwargs: Any) -> RegistryClient:
        return RegistryClient(self.host, **kwargs)


def _grant(scopes: list[str], user: str | None) -> list[dict[str, Any]]:
    access = []
    for scope in scopes:
        kind, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        wanted = actions.split(",")
        if user == "tokuser":
            allowed = wanted
        elif user == "reader" or name.startswith("public/"):
            allowed = [a for a in wanted if a == "pull"]
        else:
            allowed = []
        access.append({"type": kind, "name": name, "actions": allowed})
    return access


def _token_handler(authority: _TokenAuthority,
                   registry: TokenRegistry) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            assert query.get("service") == [TOKEN_SERVICE]
            scopes = query.get("scope", [])
            user = None
            header = self.headers.get("Authorization", "")
            if header:
                username, _, password = base64.b64decode(header.split(" ", 1)[1]).decode().partition(":")
                if USERS.get(username) != password or query.get("account") != [username]:
                    registry.calls.append(TokenCall("GET", f"refused:{username}", scopes))
                    self._reply(401, {"details": "incorrect username or password"})
                    return
                user = username
            registry.calls.append(TokenCall("GET", user, scopes))
            token = authority.jwt(user or "", _grant(scopes, user))
            self._reply(200, {"token": token, "access_token": token, "expires_in": 300,
                              "issued_at": datetime.datetime.now(datetime.timezone.utc).isoformat()})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            scopes = form.get("scope", [""])[0].split()
            grant_type = form.get("grant_type", [""])[0]
            user = None
            if grant_type == "refresh_token":
                user = REFRESH_TOKENS.get(form.get("refresh_token", [""])[0])
            registry.calls.append(TokenCall("POST", user, scopes, grant_type))
            if user is None or form.get("service") != [TOKEN_SERVICE]:
                self._reply(401, {"error": "invalid_grant"})
                return
            self._reply(200, {"access_token": authority.jwt(user, _grant(scopes, user)), "expires_in": 300,
                              "scope": " ".join(scopes)})

    return Handler


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def token_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TokenRegistry]:
    """A ``docker-registry`` with token auth, and its token service, both on loopback."""
    binary = shutil.which("docker-registry") or shutil.which("registry")
    if binary is None:
        if DAEMON_EXPECTED:
            pytest.fail("docker-registry is not installed (Debian package docker-registry)")
        pytest.skip(_DAEMON_SKIP_REASON)
    pytest.importorskip("cryptography")  # paramiko's dependency: there wherever the ssh extra is
    directory = tmp_path_factory.mktemp("token-registry")
    authority = _TokenAuthority(directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    realm = f"http://127.0.0.1:{server.server_address[1]}/token"
    port = _free_port()
    registry = TokenRegistry(f"127.0.0.1:{port}", realm)
    server.RequestHandlerClass = _token_handler(authority, registry)
    thread = threading.Thread(target=server.serve_forever, name="token-service", daemon=True)
    thread.start()
    config = directory / "config.yml"
    config.write_text(
        "version: 0.1\n"
        "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {directory / 'data'}\n"
        "  maintenance:\n    uploadpurging:\n      enabled: false\n"
        f"http:\n  addr: 127.0.0.1:{port}\n  secret: dctest-not-secret\n"
        f"auth:\n  token:\n    realm: {realm}\n    service: {TOKEN_SERVICE}\n"
        f"    issuer: {TOKEN_ISSUER}\n    rootcertbundle: {authority.bundle}\n")
    log_path = directory / "registry.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen([binary, "serve", str(config)], stdout=log_file, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"http://{registry.host}/v2/", timeout=2).status_code == 401:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the token registry did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.05)
        yield registry
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server.shutdown()
        server.server_close()


@pytest.fixture
def token_repo(unique_name: Callable[[str], str]) -> str:
    return f"team/{unique_name('tok')}"


def test_token_auth_push_and_pull_with_password(token_registry: TokenRegistry, token_repo: str) -> None:
    with token_registry.client(username="tokuser", password="tokpass") as reg:
        digests = push_index(reg, token_repo)
        for platform in PLATFORMS:
            assert reg.platform_digest(token_repo, "latest", platform) == digests[platform]
        assert reg.list_tags(token_repo) == ["latest"]
    calls = [c for c in token_registry.calls if token_repo in " ".join(c.scopes)]
    assert {c.user for c in calls} == {"tokuser"}
    assert {tuple(c.scopes) for c in calls} == {(f"repository:{token_repo}:pull",),
                                                (f"repository:{token_repo}:pull,push",)}


def test_token_cached_per_scope(token_registry: TokenRegistry, unique_name: Callable[[str], str]) -> None:
    first, second = f"team/{unique_name('a')}", f"team/{unique_name('b')}"
    with token_registry.client(username="tokuser", password="tokpass") as reg:
        push_index(reg, first)
        push_index(reg, second)
    with token_registry.client(username="tokuser", password="tokpass") as reg:
        before = len(token_registry.calls)
        for _ in range(3):
            reg.platform_digest(first, "latest", "linux/amd64")
            reg.get_manifest(first, "latest")
            reg.list_tags(first)
        assert len(token_registry.calls) == before + 1
        reg.platform_digest(second, "latest", "linux/amd64")
        assert len(token_registry.calls) == before + 2
        assert token_registry.calls[-1].scopes == [f"repository:{second}:pull"]


def test_token_auth_anonymous(token_registry: TokenRegistry, unique_name: Callable[[str], str]) -> None:
    public, private = f"public/{unique_name('p')}", f"team/{unique_name('q')}"
    with token_registry.client(username="tokuser", password="tokpass") as reg:
        digests = push_index(reg, public)
        push_index(reg, private)
    with token_registry.client() as anonymous:
        assert anonymous.platform_digest(public, "latest", "linux/arm64/v8") == digests["linux/arm64/v8"]
        assert token_registry.calls[-1].user is None
        with pytest.raises(errors.RegistryAuthError, match="wants credentials and none are configured"):
            anonymous.get_manifest(private)
        with pytest.raises(errors.RegistryAuthError):
            push_image(anonymous, public, "linux/amd64", tag="nope")


def test_token_auth_reader_cannot_push(token_registry: TokenRegistry, token_repo: str) -> None:
    with token_registry.client(username="tokuser", password="tokpass") as reg:
        digests = push_index(reg, token_repo)
    with token_registry.client(username="reader", password="readpass") as reader:
        assert reader.platform_digest(token_repo, "latest", "linux/amd64") == digests["linux/amd64"]
        with pytest.raises(errors.RegistryAuthError, match="refused the credentials of user reader"):
            push_image(reader, token_repo, "linux/amd64", tag="v2")


def test_token_auth_wrong_password(token_registry: TokenRegistry, token_repo: str) -> None:
    with token_registry.client(username="tokuser", password="nope") as reg:
        with pytest.raises(errors.RegistryAuthError) as info:
            reg.get_manifest(token_repo)
    assert str(info.value) == (f"the token service {token_registry.realm} refused the credentials for "
                               "tokuser: incorrect username or password")


def test_token_auth_identity_token(token_registry: TokenRegistry, token_repo: str) -> None:
    with token_registry.client(identity_token="tok-refresh-1") as reg:
        digests = push_index(reg, token_repo)
        assert reg.platform_digest(token_repo, "latest", "linux/arm/v7") == digests["linux/arm/v7"]
    posts = [c for c in token_registry.calls if token_repo in " ".join(c.scopes)]
    assert posts
    assert all((c.method, c.grant_type, c.user) == ("POST", "refresh_token", "tokuser") for c in posts)
    with token_registry.client(identity_token="not-a-refresh-token") as reg:
        with pytest.raises(errors.RegistryAuthError, match="invalid_grant"):
            reg.get_manifest(token_repo)


def test_token_auth_identity_token_from_config(token_registry: TokenRegistry, token_repo: str) -> None:
    _write_config({"auths": {token_registry.host: {"identitytoken": "tok-refresh-1"}}})
    with token_registry.client() as reg:
        push_index(reg, token_repo)
    assert token_registry.calls[-1].method == "POST"


def test_token_auth_errors_for_unknown_names(token_registry: TokenRegistry, token_repo: str) -> None:
    with token_registry.client(username="tokuser", password="tokpass") as reg:
        with pytest.raises(errors.RepositoryNotFound):
            reg.platform_digest(token_repo, "latest", "linux/amd64")
        push_index(reg, token_repo, tag="v1")
        with pytest.raises(errors.ManifestNotFound, match="has no tag v9 \\(tags: v1\\)"):
            reg.platform_digest(token_repo, "v9", "linux/amd64")
        with pytest.raises(errors.PlatformNotFound, match="it has linux/amd64, linux/arm64/v8, linux/arm/v7"):
            reg.platform_digest(token_repo, "v1", "linux/ppc64le")
