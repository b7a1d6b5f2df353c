"""BuildKit builds (``build(version="2")``) on the daemons here: Engine 20.10 and 28 build with
BuildKit when asked; Podman's ``/_ping`` names Buildah, and is refused.

The session's services are exercised end to end: a secret reaches a ``RUN`` and nothing else;
a ``FROM`` on the htpasswd registry pulls with the credentials the session hands over for that
host alone. On Engine 28 the image is compared, layer by layer, with the one the docker CLI
(with sid's docker-buildx) builds from the same context.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
import tarfile
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

from docker_client import Client, errors
from docker_client.buildkit import Trace
from docker_client.buildkit.session import CREDENTIALS, GET_SECRET
from docker_client.progress import show

from ..conftest import TEST_IMAGE
from .conftest import env_or_fail, supports
from .test_build import DOCKER_CLI

pytestmark = pytest.mark.podman_refuses("BuildKit")

FROM = f"FROM {TEST_IMAGE}\n"


@pytest.fixture(autouse=True)
def _no_build_cache_left(client: Client) -> Iterator[None]:
    """Each test's BuildKit cache is pruned after it: later tests (``df``, ``prune_builds``) and
    the next tox environment on the same daemon start without it."""
    yield
    if supports(client, "POST /build/prune all"):
        client.prune_builds(all=True)


@pytest.fixture
def tags(client: Client, unique_name: Callable[[str], str]) -> Iterator[Callable[[], str]]:
    """Fresh image names; every one is removed afterwards."""
    made: List[str] = []

    def name() -> str:
        made.append(unique_name("dctest-bk") + ":latest")
        return made[-1]

    yield name
    for tag in made:
        client._delete(client._url("/images/{0}", tag), params={"force": 1}).close()


def buildkit_api(client: Client) -> bool:
    """Whether the client's API version has ``version=2`` (1.39+); below, checks the refusal."""
    if supports(client, "POST /build version"):
        return True
    with pytest.raises(errors.InvalidVersion, match="1.39"):
        client.build(fileobj=io.BytesIO(FROM.encode()), version="2")
    return False


def build(client: Client, dockerfile: str, **kwargs: Any) -> Tuple[Trace, List[Dict[str, Any]], Any]:
    """A BuildKit build of ``dockerfile`` alone: its trace, its documents, its stream."""
    stream = client.build(fileobj=io.BytesIO(dockerfile.encode()), version="2", network_mode="none",
                          decode=True, **kwargs)
    trace = Trace()
    documents = []
    with stream:
        for document in stream:
            documents.append(document)
            trace.feed(document)
    return trace, documents, stream


def _step(trace: Trace, part: str) -> Any:
    """The one step whose name holds ``part`` (with ``RUN --mount`` BuildKit names the stage,
    ``[stage-0 2/2] RUN ...``)."""
    found = [step for step in trace.steps if part in step.name]
    assert len(found) == 1, [step.name for step in trace.steps]
    return found[0]


def _log_line(line: str, number: str, text: str) -> bool:
    """Whether ``line`` is ``#N <seconds> <text>``: a log line of step ``#N``."""
    parts = line.split(" ", 2)
    return len(parts) == 3 and parts[0] == number and parts[2] == text \
        and parts[1].replace(".", "", 1).isdigit()


def _layers(client: Client, image: str) -> List[List[Tuple[Any, ...]]]:
    """Each layer's entries: (name, type, mode, uid, gid, link target, sha256 of the content)."""
    with client.get_image(image) as chunks:
        saved = tarfile.open(fileobj=io.BytesIO(b"".join(chunks)))
    manifest = json.load(saved.extractfile("manifest.json"))  # type: ignore[arg-type]
    layers = []
    for path in manifest[0]["Layers"]:
        layer = tarfile.open(fileobj=saved.extractfile(path))
        entries = []
        for member in layer.getmembers():
            data = layer.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            entries.append((member.name.rstrip("/"), member.type, member.mode, member.uid, member.gid,
                            member.linkname, hashlib.sha256(data).hexdigest()))
        layers.append(sorted(entries))
    return layers


def test_a_build_is_traced_step_by_step_and_cached_the_second_time(client: Client,
                                                                  tags: Callable[[], str]) -> None:
    if not buildkit_api(client):
        return
    tag = tags()
    dockerfile = FROM + "RUN echo out && echo err >&2\nRUN echo second > /second\n"
    trace, documents, _ = build(client, dockerfile, tag=tag, nocache=True)
    image = client.inspect_image(tag)
    assert trace.image_id == image["Id"] and trace.error is None
    first, second = _step(trace, "[2/3] RUN echo out"), _step(trace, "[3/3] RUN echo second")
    base = _step(trace, "[1/3] FROM ")
    assert TEST_IMAGE.split(":")[0] in base.name
    assert first.output(1) == b"out\n" and first.output(2) == b"err\n"
    assert not first.cached and not second.cached and first.done and second.done
    assert first.completed <= second.started  # type: ignore[operator]
    assert second.inputs == [first.digest] and first.inputs == [base.digest]
    assert _step(trace, "exporting to image").progress  # exporting layers, writing image...
    # Engine 20.10 adds "Successfully tagged" lines as the classic builder does
    assert all(document.get("id") in ("moby.buildkit.trace", "moby.image.id")
               or document.get("stream", "").startswith("Successfully tagged") for document in documents)

    again, _, _ = build(client, dockerfile, tag=tag)
    assert _step(again, "[2/3] RUN echo out").cached and _step(again, "[3/3] RUN echo second").cached
    assert again.image_id == trace.image_id


def test_the_build_is_shown_as_docker_build_plain(client: Client, tags: Callable[[], str]) -> None:
    if not buildkit_api(client):
        return
    out = io.StringIO()
    stream = client.build(fileobj=io.BytesIO((FROM + "RUN echo shown\n").encode()), version="2",
                          network_mode="none", tag=tags(), nocache=True)
    documents = show(stream, file=out)
    lines = out.getvalue().splitlines()
    run = next(line for line in lines if line.endswith("[2/2] RUN echo shown"))
    number = run.split()[0]
    assert any(_log_line(line, number, "shown") for line in lines), lines
    assert f"{number} DONE" in {line.rsplit(" ", 1)[0] for line in lines if line.startswith(number)}
    assert any(document.get("id") == "moby.image.id" for document in documents)
    assert stream.closed


def test_a_failing_run_raises_build_error_with_its_log(client: Client) -> None:
    if not buildkit_api(client):
        return
    dockerfile = FROM + "RUN echo about to fail; echo oops >&2; exit 3\n"
    stream = client.build(fileobj=io.BytesIO(dockerfile.encode()), version="2", network_mode="none",
                          nocache=True)
    out = io.StringIO()
    with pytest.raises(errors.BuildError) as caught:
        show(stream, file=out)
    error = caught.value
    assert str(error).startswith("[2/2] RUN echo about to fail; echo oops >&2; exit 3: ")
    assert "exit code: 3" in str(error).splitlines()[0]
    assert sorted(str(error).splitlines()[1:]) == [" > about to fail", " > oops"]  # two pipes: any order
    step = error.step  # type: ignore[attr-defined]
    assert (step.output(1), step.output(2)) == (b"about to fail\n", b"oops\n")
    assert " ERROR: " in out.getvalue() and "exit code: 3" in out.getvalue()
    assert stream.closed and stream.session._sock is None  # type: ignore[attr-defined]


def test_a_cache_mount_is_kept_across_builds(client: Client, unique_name: Callable[[str], str]) -> None:
    if not buildkit_api(client):
        return
    cache, token = unique_name("dctest-cache"), unique_name("token")
    mount = f"--mount=type=cache,id={cache},target=/cache"
    # Commands of their own keep the steps out of the build cache (nocache would also leave the
    # cache mount out).
    build(client, FROM + f"RUN {mount} echo {token} > /cache/token\n")
    trace, _, _ = build(client, FROM + f"RUN {mount} cat /cache/token && ! test -e /{token}\n")
    assert _step(trace, "2/2] RUN").output(1) == f"{token}\n".encode()


def test_a_secret_reaches_run_and_nothing_else(client: Client, tags: Callable[[], str],
                                               unique_name: Callable[[str], str], tmp_path: Path) -> None:
    if not buildkit_api(client):
        return
    value = unique_name("s3cret").encode()
    path = tmp_path / "token"
    path.write_bytes(value + b"-from-a-file")
    tag = tags()
    dockerfile = (FROM + "RUN --mount=type=secret,id=tok --mount=type=secret,id=file "
                  "sha256sum /run/secrets/tok | cut -c1-64 > /sum && cat /run/secrets/file | wc -c > /len\n")
    trace, documents, stream = build(client, dockerfile, tag=tag, nocache=True,
                                     secrets={"tok": value, "file": str(path)})
    assert trace.error is None
    # BuildKit also asks for HTTP_AUTH_HEADER_<host> secrets (for remote contexts): not found
    asked = {detail for method, detail in stream.session.calls if method == GET_SECRET}
    assert {"tok", "file"} <= asked and all(a.startswith("HTTP_AUTH_") for a in asked - {"tok", "file"})
    container = client.create_container(tag, "true")
    try:
        files = {}
        for name in ("sum", "len"):
            with client.get_archive(container, f"/{name}")[0] as chunks:
                archive = tarfile.open(fileobj=io.BytesIO(b"".join(chunks)))
                files[name] = archive.extractfile(name).read().strip()  # type: ignore[union-attr]
    finally:
        client.remove_container(container)
    assert files["sum"].decode() == hashlib.sha256(value).hexdigest()
    assert int(files["len"]) == len(value) + len(b"-from-a-file")
    with client.get_image(tag) as chunks:
        saved = b"".join(chunks)
    assert value not in saved and value not in json.dumps(client.history(tag)).encode()
    assert value not in json.dumps(client.inspect_image(tag)).encode()
    assert value not in json.dumps(documents).encode()
    # The secret is no part of the cache key: another value, the same step from the cache.
    again, _, _ = build(client, dockerfile, tag=tag, secrets={"tok": b"other", "file": b"x"})
    assert _step(again, "2/2] RUN").cached and again.image_id == trace.image_id


def test_from_the_auth_registry_pulls_with_the_sessions_credentials(
        client: Client, daemon: str, tags: Callable[[], str], unique_name: Callable[[str], str]) -> None:
    if not buildkit_api(client):
        return
    registry = env_or_fail("DC_TEST_AUTH_REGISTRY")
    plain_registry = env_or_fail("DC_TEST_REGISTRY")
    user, password = env_or_fail("DC_TEST_REGISTRY_USER"), env_or_fail("DC_TEST_REGISTRY_PASSWORD")
    repository = f"{registry}/{unique_name('dctest-bk-base')}"
    client.login(user, password, registry=registry)
    client.tag(TEST_IMAGE, repository, "v1")
    try:
        for item in client.push(repository, "v1", stream=True, decode=True):
            assert "error" not in item, item
    finally:
        client.remove_image(f"{repository}:v1")
    # Credentials for another registry too: the session must hand over only the one asked for.
    client._auth_configs.add_auth(plain_registry, {"username": "not-sent", "password": "not-sent"})

    with Client(base_url=daemon, version=client.api_version) as anonymous, \
            pytest.raises(errors.BuildError) as caught:
        show(anonymous.build(fileobj=io.BytesIO(f"FROM {repository}:v1\n".encode()), version="2",
                             network_mode="none"), file=io.StringIO())
    assert "401" in str(caught.value) or "unauthorized" in str(caught.value).lower() \
        or "authorization" in str(caught.value).lower()

    trace, _, stream = build(client, f"FROM {repository}:v1\nRUN echo pulled\n", tag=tags(), nocache=True)
    assert trace.error is None and _step(trace, "2/2] RUN").output() == b"pulled\n"
    hosts = {detail for method, detail in stream.session.calls if method == CREDENTIALS}
    assert hosts == {registry}, stream.session.calls


@pytest.mark.buildx
def test_a_multi_stage_build_gives_the_image_the_cli_gives(client: Client, tags: Callable[[], str],
                                                           daemon: str, tmp_path: Path) -> None:
    if not buildkit_api(client):
        return
    context = tmp_path / "ctx"
    (context / "b").mkdir(parents=True)
    (context / "a.txt").write_bytes(b"alpha\n")
    (context / "b" / "c.txt").write_bytes(b"gamma\n")
    (context / "run.sh").write_bytes(b"#!/bin/sh\necho run\n")
    os.chmod(context / "run.sh", 0o755)
    (context / ".dockerignore").write_bytes(b"ignored.txt\n")
    (context / "ignored.txt").write_bytes(b"never sent\n")
    (context / "Dockerfile").write_bytes((
        f"FROM {TEST_IMAGE} AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN mkdir /out && cat a.txt b/c.txt > /out/joined && ls > /out/listing && ! test -e ignored.txt\n"
        f"FROM {TEST_IMAGE}\nCOPY --from=build /out /app\nCOPY run.sh a.txt /app/\n"
        "RUN ln -s /app/joined /app/link && chmod 600 /app/a.txt\n").encode())
    ours, theirs = tags(), tags()
    trace = Trace()
    for document in client.build(path=str(context), tag=ours, version="2", network_mode="none",
                                 decode=True):
        trace.feed(document)
    assert trace.error is None, trace.error

    config = tmp_path / "cli-config"
    config.mkdir()
    plugins = env_or_fail("DC_TEST_CLI_PLUGINS")
    (config / "config.json").write_text(json.dumps({"cliPluginsExtraDirs": [plugins]}))
    result = subprocess.run([DOCKER_CLI, "buildx", "build", "--progress=plain", "--network", "none",
                             "-t", theirs, str(context)], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "DOCKER_HOST": daemon, "DOCKER_CONFIG": str(config)})
    assert result.returncode == 0, result.stderr[-3000:]

    mine, cli = _layers(client, ours), _layers(client, theirs)
    assert len(mine) == len(cli) == len(client.inspect_image(TEST_IMAGE)["RootFS"]["Layers"]) + 3
    assert mine == cli
    listing = {entry[0]: entry for layer in mine for entry in layer}
    assert listing["app/link"][5] == "/app/joined" and listing["app/a.txt"][2] == 0o600
    assert listing["app/joined"][6] == hashlib.sha256(b"alpha\ngamma\n").hexdigest()
    assert listing["app/listing"][6] == hashlib.sha256(b"Dockerfile\na.txt\nb\nrun.sh\n").hexdigest()


def test_the_readme_example_runs(client: Client, tags: Callable[[], str]) -> None:
    if not buildkit_api(client):
        return
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("<!-- readme: buildkit", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    tag = tags()
    source = block.replace("busybox", TEST_IMAGE).replace('"app:bk"', repr(tag)).replace(
        'network_mode="none",', 'network_mode="none", nocache=True,')  # the step's output, not its cache
    assert "nocache=True" in source
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(source, {"client": client, "io": io, "show": show})  # the README's own code
    lines = out.getvalue().splitlines()
    step = "RUN --mount=type=secret,id=token wc -c < /run/secrets/token"
    run = next(line for line in lines if line.endswith(step))
    number = run.split()[0]
    assert any(_log_line(line, number, "6") for line in lines), lines
    assert f"{number} DONE" in {line.rsplit(" ", 1)[0] for line in lines}
    assert client.inspect_image(tag)["Id"]
