"""Building images against the private daemon, and build contexts checked against the docker CLI.

Two kinds of golden tests compare with ``DOCKER_BUILDKIT=0 docker build`` (the CLI, when
installed): the tar the CLI sends to a fake daemon must be byte for byte ours; and images built
by the CLI and by ``build(path=...)`` on the real daemon must hold the same files (paths,
types, modes, link targets, contents) in ``COPY . /ctx``.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import http.server
import io
import json
import os
import shutil
import socketserver
import subprocess
import sys
import tarfile
import threading
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

from docker_client import Client, errors, versions
from docker_client.build_context import prepare_context

from ..conftest import TEST_IMAGE
from ..unit.test_build_context import GOLDEN_CASES, make_tree
from .conftest import env_or_fail

DOCKER_CLI = shutil.which("docker") or "/usr/local/bin/docker"
FROM = f"FROM {TEST_IMAGE}\n"


@pytest.fixture
def images(client: Client, unique_name: Callable[[str], str]) -> Iterator[Callable[[], str]]:
    """Fresh image names (``dctest-build-xxx:latest``); every one is removed afterwards."""
    made: List[str] = []

    def name() -> str:
        made.append(unique_name("dctest-build") + ":latest")
        return made[-1]

    yield name
    for tag in made:
        client._delete(client._url("/images/{0}", tag), params={"force": 1}).close()


@pytest.fixture
def cli() -> str:
    if not os.access(DOCKER_CLI, os.X_OK):
        pytest.skip("the docker CLI is not installed")
    return DOCKER_CLI


def _own(labels: dict[str, str] | None) -> dict[str, str]:
    """An image's labels but the one Buildah (Podman's builder) adds to every image."""
    return {k: v for k, v in (labels or {}).items() if k != "io.buildah.version"}


def _labels(client: Client, image: str) -> dict[str, str]:
    return _own(client.inspect_image(image)["Config"]["Labels"])


def build_ok(client: Client, **kwargs: Any) -> List[Dict[str, Any]]:
    """Build, returning the decoded output; fail with the log if the build reported an error."""
    output = list(client.build(decode=True, **kwargs))
    errors_seen = [item for item in output if "error" in item or "errorDetail" in item]
    assert not errors_seen, output
    return output


def ctx_listing(client: Client, image: str, path: str = "/ctx") -> List[Tuple[Any, ...]]:
    """(name, type, mode, uid, gid, link target, size, sha256) of everything under ``path``."""
    created = client._result(client._post_json(client._url("/containers/create"),
                                               data={"Image": image, "Cmd": ["true"]}), json=True)
    try:
        response = client._get(client._url("/containers/{0}/archive", created["Id"]), params={"path": path})
        data = client._result(response, binary=True)
    finally:
        client._delete(client._url("/containers/{0}", created["Id"]), params={"force": 1}).close()
    listing = []
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in archive.getmembers():
            digest = None
            if member.isfile():
                digest = hashlib.sha256(archive.extractfile(member).read()).hexdigest()  # type: ignore[union-attr]
            listing.append((member.name, member.type, member.mode, member.uid, member.gid, member.linkname,
                            member.size, digest))
    return sorted(listing)


def cli_build(cli: str, daemon: str, context: Path, tag: str, *args: str) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DOCKER_HOST": daemon, "DOCKER_BUILDKIT": "0",
           "DOCKER_CONFIG": str(context.parent / "cli-config")}
    result = subprocess.run([cli, "build", "-q", "-t", tag, *args, str(context)], env=env,
                            capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()


# -- a fake daemon that records what the CLI sends ---------------------------------------------


class _Recorder(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server: _FakeDaemon = self.server  # type: ignore[assignment]
        while True:
            line = self.rfile.readline()
            if not line:
                return
            method, target, _ = line.decode().split(" ", 2)
            headers: Dict[str, str] = {}
            while True:
                header = self.rfile.readline().decode()
                if header in ("\r\n", "\n", ""):
                    break
                key, value = header.split(":", 1)
                headers[key.strip().lower()] = value.strip()
            body = self._body(headers)
            if "/build" in target:
                server.builds.append((target, headers, body))
                payload = b'{"stream":"ok\\n"}\n{"aux":{"ID":"sha256:' + b"0" * 64 + b'"}}\n'
                extra = b"Content-Type: application/json\r\n"
            else:
                payload, extra = b"OK", b"Api-Version: 1.41\r\nOstype: linux\r\n"
            self.wfile.write(b"HTTP/1.1 200 OK\r\n" + extra + b"Content-Length: %d\r\n\r\n" % len(payload))
            if method != "HEAD":
                self.wfile.write(payload)
            self.wfile.flush()

    def _body(self, headers: Dict[str, str]) -> bytes:
        if headers.get("transfer-encoding") == "chunked":
            parts: List[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if not size:
                    self.rfile.readline()
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(headers.get("content-length", "0")))


class _FakeDaemon(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str) -> None:
        super().__init__(path, _Recorder)
        self.builds: List[Tuple[str, Dict[str, str], bytes]] = []


@pytest.fixture
def cli_context_of(cli: str, tmp_path: Path) -> Iterator[Callable[..., bytes]]:
    """``capture(context, *args)``: the tar ``docker build`` sends for ``context``."""
    server = _FakeDaemon(str(tmp_path / "fake.sock"))
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()

    def capture(context: Path, *args: str) -> bytes:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DOCKER_BUILDKIT": "0",
               "DOCKER_HOST": f"unix://{tmp_path / 'fake.sock'}",
               "DOCKER_CONFIG": str(tmp_path / "cli-config")}
        before = len(server.builds)
        result = subprocess.run([cli, "build", *args, str(context)], env=env, capture_output=True,
                                timeout=120)
        assert len(server.builds) == before + 1, result.stderr.decode()
        return server.builds[-1][2]

    yield capture
    server.shutdown()
    server.server_close()
    thread.join()


# -- golden: the bytes the CLI sends -----------------------------------------------------------


@pytest.mark.parametrize("title, patterns, excluded", GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_context_bytes_are_the_clis(cli_context_of: Callable[..., bytes], tmp_path: Path, title: str,
                                    patterns: List[str], excluded: List[str]) -> None:
    root = make_tree(tmp_path / "ctx")
    (root / ".dockerignore").write_text("\n".join(patterns) + "\n")
    assert b"".join(prepare_context(str(root)).chunks) == cli_context_of(root)


def tricky_tree(root: Path) -> Path:
    """Nested directories, links, modes, long and non-ASCII names, and a .dockerignore using
    every rule."""
    make_tree(root, [
        "Dockerfile", "app/", "app/main.py", "app/debug.log", "app/sub/", "app/sub/deep.log",
        "keep/", "keep/a.log", "keep/more/", "keep/more/b.log", "rooted/", "rooted/x", "sub/rooted/",
        "sub/rooted/y", "dir/", "dir/file", "notdir", "b", "nested/", "nested/deep/", "nested/deep/keep.txt",
        "nested/deep/drop.txt", "nested/other", "docs/", "docs/readme.md", "tools/", "tools/run.sh",
        "link-to-file -> app/main.py", "link-to-dir -> app", "dangling -> nowhere",
        "escaping -> ../outside", "d" * 70 + "/", "d" * 70 + "/" + "n" * 60, "ünïcödé.txt",
    ])
    os.chmod(root / "tools" / "run.sh", 0o755)
    os.chmod(root / "app" / "main.py", 0o600)
    os.chmod(root / "docs", 0o700)
    os.link(root / "app" / "main.py", root / "hardlink")
    (root / "big.bin").write_bytes(hashlib.sha256(b"seed").digest() * 40_000)
    (root / ".dockerignore").write_text(
        "# comment\n"
        "**/*.log\n"
        "!keep/**\n"
        "/rooted\n"
        "dir/\n"
        "./notdir/../b\n"
        "nested\n"
        "!nested/deep/keep.txt\n"
        "\n"
        "docs/*.md\n")
    return root


def test_tricky_context_bytes_are_the_clis(cli_context_of: Callable[..., bytes], tmp_path: Path) -> None:
    root = tricky_tree(tmp_path / "ctx")
    assert b"".join(prepare_context(str(root)).chunks) == cli_context_of(root)


def test_dockerfile_in_subdirectory_bytes_are_the_clis(cli_context_of: Callable[..., bytes],
                                                       tmp_path: Path) -> None:
    root = tricky_tree(tmp_path / "ctx")
    (root / "build").mkdir()
    (root / "build" / "Dockerfile.ci").write_text(FROM + "COPY . /ctx\n")
    (root / "build" / "other").write_text("x")
    with open(root / ".dockerignore", "a") as f:
        f.write("build\nDockerfile\n.dockerignore\n")
    ours = prepare_context(str(root), "build/Dockerfile.ci")
    assert b"".join(ours.chunks) == cli_context_of(root, "-f", str(root / "build" / "Dockerfile.ci"))


# -- golden: the files COPY sees, CLI vs build(path=...) ---------------------------------------


def _compare_with_cli(client: Client, cli: str, daemon: str, images: Callable[[], str], root: Path,
                      dockerfile: Optional[str] = None) -> List[Tuple[Any, ...]]:
    theirs, ours = images(), images()
    cli_build(cli, daemon, root, theirs, *(["-f", str(root / dockerfile)] if dockerfile else []))
    build_ok(client, path=str(root), tag=ours, dockerfile=dockerfile, rm=True)
    listing = ctx_listing(client, ours)
    assert listing == ctx_listing(client, theirs)
    return listing


def test_image_files_match_the_cli(client: Client, cli: str, daemon: str, images: Callable[[], str],
                                   tmp_path: Path) -> None:
    root = tricky_tree(tmp_path / "ctx")
    (root / "Dockerfile").write_text(FROM + "COPY . /ctx\n")
    listing = _compare_with_cli(client, cli, daemon, images, root)
    names = {entry[0] for entry in listing}
    assert "ctx/keep/more/b.log" in names and "ctx/app/debug.log" not in names
    assert "ctx/nested/deep/keep.txt" in names and "ctx/nested/other" not in names
    assert "ctx/rooted" not in names and "ctx/sub/rooted/y" in names
    assert "ctx/b" not in names and "ctx/notdir" in names
    by_name = {entry[0]: entry for entry in listing}
    assert by_name["ctx/link-to-dir"][1] == tarfile.SYMTYPE and by_name["ctx/link-to-dir"][5] == "app"
    assert by_name["ctx/tools/run.sh"][2] & 0o7777 == 0o755
    assert by_name["ctx/app/main.py"][2] & 0o7777 == 0o600


def test_image_files_match_the_cli_with_dockerfile_in_subdir(
        client: Client, cli: str, daemon: str, images: Callable[[], str], tmp_path: Path) -> None:
    root = tricky_tree(tmp_path / "ctx")
    (root / "build").mkdir()
    (root / "build" / "Dockerfile.ci").write_text(FROM + "COPY . /ctx\n")
    with open(root / ".dockerignore", "a") as f:
        f.write("build\n")
    listing = _compare_with_cli(client, cli, daemon, images, root, "build/Dockerfile.ci")
    # The daemon drops the excluded Dockerfile from what COPY sees; its directory stays.
    assert [entry[0] for entry in listing if entry[0].startswith("ctx/build")] == ["ctx/build"]


def test_image_files_match_the_cli_when_dockerfile_and_dockerignore_are_ignored(
        client: Client, cli: str, daemon: str, images: Callable[[], str], tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["a.md", "b.txt", "sub/", "sub/c.md"])
    (root / "Dockerfile").write_text(FROM + "COPY . /ctx\n")
    (root / ".dockerignore").write_text("Dockerfile\n.dockerignore\n**/*.md\n")
    listing = _compare_with_cli(client, cli, daemon, images, root)
    assert [entry[0] for entry in listing] == ["ctx", "ctx/b.txt", "ctx/sub"]


# -- build's arguments -------------------------------------------------------------------------


def test_build_output_bytes_or_dicts(client: Client, images: Callable[[], str], tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["f"])
    (root / "Dockerfile").write_text(FROM + "COPY f /f\n")
    tag = images()
    with client.build(path=str(root), tag=tag) as raw:
        items = list(raw)
    assert all(isinstance(item, bytes) for item in items)
    assert any(b"Successfully tagged " + tag.encode() in item for item in items)
    decoded = build_ok(client, path=str(root), tag=tag)
    assert any("Successfully built" in item.get("stream", "") for item in decoded)
    assert client.inspect_image(tag)["Id"]


def test_build_error_is_an_item_of_the_stream(client: Client, tmp_path: Path) -> None:
    root = tmp_path / "ctx"
    root.mkdir()
    (root / "Dockerfile").write_text(FROM + "RUN exit 3\n")
    output = list(client.build(path=str(root), decode=True, rm=True, forcerm=True))
    assert "returned a non-zero code: 3" in output[-1]["errorDetail"]["message"]


def test_quiet_labels_and_buildargs(client: Client, images: Callable[[], str], tmp_path: Path) -> None:
    root = tmp_path / "ctx"
    root.mkdir()
    (root / "Dockerfile").write_text(FROM + "ARG GREETING\nRUN test \"$GREETING\" = hello\n")
    tag = images()
    output = build_ok(client, path=str(root), tag=tag, quiet=True, rm=True, labels={"dctest": "yes"},
                      buildargs={"GREETING": "hello"})
    image = client.inspect_image(tag)
    assert [item["stream"].strip() for item in output if "stream" in item] == [image["Id"]]
    assert _own(image["Config"]["Labels"]) == {"dctest": "yes"}


def test_fileobj_is_the_dockerfile(client: Client, images: Callable[[], str]) -> None:
    first, second = images(), images()
    build_ok(client, fileobj=io.BytesIO((FROM + "LABEL from=bytes\n").encode()), tag=first)
    assert _labels(client, first) == {"from": "bytes"}
    build_ok(client, fileobj=io.StringIO(FROM + "LABEL from=text\n"), tag=second, gzip=True)
    assert _labels(client, second) == {"from": "text"}


def _context_tar(files: Dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_custom_context(client: Client, images: Callable[[], str]) -> None:
    context = _context_tar({"Dockerfile": (FROM + "COPY data /data\n").encode(), "data": b"payload"})
    tag = images()
    build_ok(client, fileobj=io.BytesIO(context), custom_context=True, tag=tag)
    assert [entry[0] for entry in ctx_listing(client, tag, "/data")] == ["data"]
    build_ok(client, fileobj=io.BytesIO(gzip.compress(context)), custom_context=True, encoding="gzip",
             tag=tag)
    build_ok(client, fileobj=iter([context[:700], context[700:]]), custom_context=True, tag=tag)
    with pytest.raises(TypeError):
        client.build(custom_context=True, path=".")


def test_gzip_context(client: Client, images: Callable[[], str], tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["a", "b/", "b/c"])
    (root / "Dockerfile").write_text(FROM + "COPY . /ctx\n")
    tag = images()
    build_ok(client, path=str(root), tag=tag, gzip=True)
    assert [e[0] for e in ctx_listing(client, tag)] == ["ctx", "ctx/Dockerfile", "ctx/a", "ctx/b", "ctx/b/c"]
    with pytest.raises(errors.DockerException, match="encoding"):
        client.build(path=str(root), gzip=True, encoding="gzip")


class _Served(http.server.BaseHTTPRequestHandler):
    content = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.content)))
        self.end_headers()
        self.wfile.write(self.content)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[bytes], str]]:
    """``serve(data)``: a URL on loopback (inside the daemon's namespace) that answers ``data``."""
    servers: List[http.server.HTTPServer] = []

    def start(data: bytes) -> str:
        handler = type("Handler", (_Served,), {"content": data})
        server = http.server.HTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/context.tar"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_remote_context(client: Client, images: Callable[[], str], serve: Callable[[bytes], str]) -> None:
    url = serve(_context_tar({"Dockerfile": (FROM + "LABEL remote=yes\n").encode()}))
    tag = images()
    build_ok(client, path=url, tag=tag)
    assert _labels(client, tag) == {"remote": "yes"}


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_path_dash_reads_stdin(client: Client, images: Callable[[], str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = images(), images()
    monkeypatch.setattr(sys, "stdin", _Stdin((FROM + "LABEL stdin=dockerfile\n").encode()))
    build_ok(client, path="-", tag=first)
    assert _labels(client, first) == {"stdin": "dockerfile"}
    context = _context_tar({"Dockerfile": (FROM + "LABEL stdin=tar\n").encode()})
    monkeypatch.setattr(sys, "stdin", _Stdin(gzip.compress(context)))
    build_ok(client, path="-", tag=second)
    assert _labels(client, second) == {"stdin": "tar"}


def test_dockerfile_outside_the_context(client: Client, images: Callable[[], str], tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["a"])
    (tmp_path / "Dockerfile.outside").write_text(FROM + "COPY . /ctx\n")
    tag = images()
    build_ok(client, path=str(root), dockerfile="../Dockerfile.outside", tag=tag)
    assert [e[0] for e in ctx_listing(client, tag)] == ["ctx", "ctx/a"]


def test_refused_arguments_send_nothing(client: Client, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_request(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a request was sent")

    monkeypatch.setattr(client, "request", no_request)
    with pytest.raises(errors.InvalidRepository):
        client.build(path=str(tmp_path), tag="Not/Valid")
    with pytest.raises(errors.InvalidRepository):
        client.build(path=str(tmp_path), tag=["ok", "bad tag"])
    with pytest.raises(errors.InvalidArgument, match="container_limits"):
        client.build(path=str(tmp_path), container_limits={"cpus": 1})
    with pytest.raises(TypeError):
        client.build()
    with pytest.raises(TypeError, match="directory"):
        client.build(path=str(tmp_path / "missing"))
    (tmp_path / ".dockerignore").write_text("[\n")
    with pytest.raises(errors.InvalidArgument, match="syntax error"):
        client.build(path=str(tmp_path))


def test_unreadable_context_file_is_reported_as_such(client: Client, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_tree(tmp_path / "ctx", ["Dockerfile", "secret"])
    real_open = os.open

    def refuse(path: str, *args: Any, **kwargs: Any) -> int:
        if path.endswith("secret"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(errors.DockerException, match="cannot read .*secret") as info:
        client.build(path=str(root))
    assert not isinstance(info.value, errors.DockerConnectionError)


def test_version_gated_arguments(client: Client, images: Callable[[], str], tmp_path: Path) -> None:
    version = client.api_version
    gated = {"target": ("POST /build target", "first"),
             "extra_hosts": ("POST /build extrahosts", {"dctest-host": "10.1.2.3"}),
             "cache_from": ("POST /build cachefrom", [TEST_IMAGE]),
             "network_mode": ("POST /build networkmode", "bridge"),
             "platform": ("POST /build platform", "linux/amd64")}
    kwargs: Dict[str, Any] = {}
    for argument, (feature, value) in gated.items():
        if versions.supports(feature, version):
            kwargs[argument] = value
        else:
            refused: Dict[str, Any] = {argument: value}
            with pytest.raises(errors.InvalidVersion, match=feature):
                client.build(path=str(tmp_path), **refused)
    lines = [f"FROM {TEST_IMAGE} AS first"]
    if "extra_hosts" in kwargs:
        lines.append("RUN grep -q '10.1.2.3.*dctest-host' /etc/hosts")
    lines += ["LABEL stage=first", f"FROM {TEST_IMAGE} AS second", "LABEL stage=second"]
    root = tmp_path / "ctx"
    root.mkdir()
    (root / "Dockerfile").write_text("\n".join(lines) + "\n")
    tag = images()
    output = build_ok(client, path=str(root), tag=tag, rm=True, **kwargs)
    stage = "first" if "target" in kwargs else "second"
    assert _labels(client, tag) == {"stage": stage}
    # The classic builder leaves the other stage's image behind, untagged.
    for line in (item.get("stream", "") for item in output):
        if line.startswith(" ---> ") and " " not in line[6:].strip():
            client._delete(client._url("/images/{0}", line[6:].strip())).close()


def test_registry_credentials_are_sent_to_the_build(client: Client, images: Callable[[], str],
                                                    unique_name: Callable[[str], str],
                                                    tmp_path: Path) -> None:
    registry = env_or_fail("DC_TEST_AUTH_REGISTRY")
    client.login(env_or_fail("DC_TEST_REGISTRY_USER"), env_or_fail("DC_TEST_REGISTRY_PASSWORD"),
                 registry=registry)
    base = f"{registry}/{unique_name('dctest-base')}"
    assert client.tag(TEST_IMAGE, base, "v1")
    try:
        client.push(base, "v1")
    finally:
        client.remove_image(f"{base}:v1")
    sent: List[Dict[str, Any]] = []
    client.hooks["response"].append(lambda r, *a, **k: sent.append(dict(r.request.headers)))
    root = tmp_path / "ctx"
    root.mkdir()
    (root / "Dockerfile").write_text(f"FROM {base}:v1\nLABEL pulled=yes\n")
    tag = images()
    try:
        build_ok(client, path=str(root), tag=tag)
    finally:
        client._delete(client._url("/images/{0}", f"{base}:v1"), params={"force": 1}).close()
    header = [h["X-Registry-Config"] for h in sent if "X-Registry-Config" in h][-1]
    credentials = json.loads(base64.urlsafe_b64decode(header))
    assert credentials[registry]["username"] == env_or_fail("DC_TEST_REGISTRY_USER")
    assert _labels(client, tag) == {"pulled": "yes"}


@pytest.mark.podman_refuses("build cache")
def test_prune_builds(client: Client) -> None:
    version = client.api_version
    if not versions.supports("POST /build/prune", version):
        with pytest.raises(errors.InvalidVersion):
            client.prune_builds()
        return
    assert "SpaceReclaimed" in client.prune_builds()
    if versions.supports("POST /build/prune keep-storage", version):
        assert "SpaceReclaimed" in client.prune_builds(filters={"until": "24h"}, keep_storage=0, all=True)
    else:
        with pytest.raises(errors.InvalidVersion, match="keep-storage"):
            client.prune_builds(keep_storage=0)
    if versions.supports("POST /build/prune max-used-space", version):
        # what 1.48+ sends is checked in test_modern_images.py
        assert "SpaceReclaimed" in client.prune_builds(max_used_space=1 << 30)
    else:
        with pytest.raises(errors.InvalidVersion, match="max-used-space"):
            client.prune_builds(max_used_space=1)

