"""Code written for docker-py's APIClient, run unchanged: the forms it passes, the names it
imports, the exceptions it catches. Each test pins one difference found and closed."""
from __future__ import annotations

import base64
import io
import json
import re
import socket
import tarfile
import threading
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from docker_client import Client, errors, utils
from docker_client.utils import socket as dsocket
from docker_client.utils.proxy import ProxyConfig

HOST = "http://127.0.0.1:2375"


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        yield c


# -- types: docker-py's TypeError -------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda c: c.create_volume("v", labels=["a"]),
    lambda c: c.create_volume("v", driver_opts=["a"]),
    lambda c: c.create_network("n", options=["a"]),
    lambda c: c.create_network("n", labels=["a"]),
    lambda c: c.create_host_config(mem_swappiness="x"),
    lambda c: c.create_host_config(sysctls=["a"]),
    lambda c: c.create_host_config(ulimits={"a": 1}),
    lambda c: c.init_swarm(swarm_spec="spec"),
    lambda c: c.build(),
])
def test_a_wrong_type_is_a_type_error_and_still_a_value_error(mocked: responses.RequestsMock, client: Client,
                                                               call: Any) -> None:
    with pytest.raises(TypeError) as info:
        call(client)
    assert isinstance(info.value, errors.InvalidType)
    assert isinstance(info.value, ValueError) and isinstance(info.value, errors.InvalidArgument)
    assert len(mocked.calls) == 0


def test_restart_policy_condition_is_a_type_error() -> None:
    from docker_client.types import RestartPolicy
    with pytest.raises(TypeError, match="sometimes"):
        RestartPolicy(condition="sometimes")


# -- build(fileobj=...) uses the whole buffer ------------------------------------------------

def _dockerfile_of(body: bytes) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(body)) as tar:
        member = tar.extractfile("Dockerfile")
        assert member is not None
        return member.read()


def test_building_the_same_buffer_twice_sends_the_same_dockerfile(mocked: responses.RequestsMock,
                                                                   client: Client, tmp_path: Path) -> None:
    mocked.add(responses.POST, f"{HOST}/v1.41/build", body=b'{"stream":"ok"}\r\n')
    dockerfile = io.BytesIO(b"FROM scratch\nLABEL a=b\n")
    for _ in range(2):
        list(client.build(fileobj=dockerfile))
    text = io.StringIO("FROM scratch\n")
    text.read()
    list(client.build(fileobj=text))
    on_disk = tmp_path / "Dockerfile"
    on_disk.write_bytes(b"FROM scratch\n")
    with open(on_disk, "rb") as f:
        f.read(4)
        list(client.build(fileobj=f))
    sent = [_dockerfile_of(b"".join(call.request.body) if not isinstance(call.request.body, bytes)
                           else call.request.body) for call in mocked.calls]
    assert sent == [b"FROM scratch\nLABEL a=b\n"] * 2 + [b"FROM scratch\n"] * 2
    assert utils.mkbuildcontext(dockerfile).read()  # docker-py's helper too, from any position


# -- proxies from config.json: client._proxy_configs -----------------------------------------

def test_proxy_configs_go_into_containers_execs_and_builds(mocked: responses.RequestsMock,
                                                           client: Client) -> None:
    mocked.add(responses.POST, f"{HOST}/v1.41/containers/create", json={"Id": "c1"})
    mocked.add(responses.POST, f"{HOST}/v1.41/containers/c1/exec", json={"Id": "e1"})
    mocked.add(responses.POST, f"{HOST}/v1.41/build", body=b'{"stream":"ok"}\r\n')
    assert isinstance(client._proxy_configs, ProxyConfig) and not client._proxy_configs.get_environment()
    client._proxy_configs = ProxyConfig(http="http://proxy:3128", no_proxy="localhost")
    client.create_container("img", environment={"A": "1"})
    client.exec_create("c1", ["env"], environment=["http_proxy=mine"])
    client.exec_create("c1", ["env"], use_config_proxy=False)
    list(client.build(fileobj=io.BytesIO(b"FROM scratch\n")))
    bodies = [json.loads(call.request.body) for call in mocked.calls[:3]]
    proxies = ["http_proxy=http://proxy:3128", "HTTP_PROXY=http://proxy:3128",
               "no_proxy=localhost", "NO_PROXY=localhost"]
    assert bodies[0]["Env"] == proxies + ["A=1"]
    assert bodies[1]["Env"] == proxies + ["http_proxy=mine"]  # the caller's own comes last, and wins
    assert bodies[2].get("Env") is None
    build_args = json.loads(parse_qs(urlsplit(mocked.calls[3].request.url).query)["buildargs"][0])
    assert build_args == {"http_proxy": "http://proxy:3128", "HTTP_PROXY": "http://proxy:3128",
                          "no_proxy": "localhost", "NO_PROXY": "localhost"}


def test_proxy_configs_come_from_config_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"proxies": {
        "tcp://127.0.0.1:2375": {"httpsProxy": "https://p:1"}, "default": {"httpProxy": "http://d"}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    with Client(base_url="tcp://127.0.0.1:2375") as near, Client(base_url="tcp://10.9.9.9:2375") as far:
        assert near._proxy_configs.https == "https://p:1" and near._proxy_configs.http is None
        assert far._proxy_configs.http == "http://d"


# -- docker.utils.socket ----------------------------------------------------------------------

def _frame(stream: int, payload: bytes) -> bytes:
    return bytes([stream, 0, 0, 0]) + len(payload).to_bytes(4, "big") + payload


def _feed(data: bytes, pieces: int = 3) -> socket.socket:
    """One end of a socket pair; the other is sent ``data`` in pieces from a thread, then closed."""
    ours, theirs = socket.socketpair()

    def write() -> None:
        step = max(1, len(data) // pieces)
        for start in range(0, len(data), step):
            theirs.sendall(data[start:start + step])
        theirs.close()

    threading.Thread(target=write, daemon=True).start()
    return ours


def test_frames_iter_and_consume_socket_output() -> None:
    data = _frame(1, b"out1 ") + _frame(2, b"err") + _frame(1, b"out2")
    with _feed(data) as sock:
        frames = list(dsocket.frames_iter(sock, tty=False))
    assert b"".join(d for s, d in frames if s == dsocket.STDOUT) == b"out1 out2"
    assert dsocket.consume_socket_output((d for _, d in frames)) == b"out1 errout2"
    pairs = [dsocket.demux_adaptor(*frame) for frame in frames]
    assert dsocket.consume_socket_output(pairs, demux=True) == (b"out1 out2", b"err")
    with _feed(b"tty output") as sock:
        assert b"".join(d for _, d in dsocket.frames_iter(sock, tty=True)) == b"tty output"


def test_socket_helpers_at_the_end_and_inside_a_frame() -> None:
    with _feed(b"") as sock:
        assert dsocket.next_frame_header(sock) == (-1, -1)
    with _feed(_frame(2, b"abc")) as sock:
        assert dsocket.next_frame_header(sock) == (2, 3)
        assert dsocket.read_exactly(sock, 3) == b"abc"
        with pytest.raises(dsocket.SocketError, match="Unexpected EOF"):
            dsocket.read_exactly(sock, 1)
    with _feed(_frame(1, b"abcdef")[:10]) as sock:  # cut inside the payload: not an end
        with pytest.raises(errors.StreamInterrupted, match="4 bytes missing"):
            list(dsocket.frames_iter_no_tty(sock))
    with _feed(b"\x09\x00\x00\x00\x00\x00\x00\x01x") as sock:
        with pytest.raises(errors.StreamParseError):
            dsocket.next_frame_header(sock)
    with pytest.raises(ValueError, match="3 is not a valid stream"):
        dsocket.demux_adaptor(3, b"x")


def test_read_waits_on_a_non_blocking_socket() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.setblocking(False)
        timer = threading.Timer(0.1, theirs.sendall, args=(b"late",))
        timer.start()
        assert dsocket.read(ours) == b"late"
        timer.join()
        ours.settimeout(0.05)
        with pytest.raises(OSError):  # its own timeout is the caller's
            dsocket.read(ours)


# -- names docker-py code imports and calls --------------------------------------------------

def test_docker_utils_names() -> None:
    assert utils.compare_version("1.9", "1.10") == 1
    assert utils.compare_version("1.10", "1.9") == -1
    assert utils.compare_version("1.41.0", "1.41") == -1 and utils.compare_version("2", "2") == 0
    assert utils.parse_repository_tag("127.0.0.1:5000/a:1") == ("127.0.0.1:5000/a", "1")
    assert utils.parse_repository_tag("a@sha256:" + "0" * 64) == ("a", "sha256:" + "0" * 64)
    header = base64.b64encode(json.dumps({"name": "f", "size": 3}).encode())
    assert utils.decode_json_header(header) == {"name": "f", "size": 3}
    assert utils.convert_service_networks(["n1"]) == [{"Target": "n1"}]
    for stub in (utils.create_host_config, utils.create_ipam_config, utils.create_ipam_pool):
        with pytest.raises(errors.DeprecatedMethod):
            stub()
    error = errors.create_unexpected_kwargs_error("f", {"b": 1, "a": 2})
    assert isinstance(error, TypeError) and str(error) == "f() got unexpected keyword arguments 'a', 'b'"


class Extended(Client):
    """What code that subclasses docker-py's APIClient to reach more endpoints does."""

    @utils.check_resource("container")
    def top_raw(self, container: str) -> Any:
        return self._result(self._get(self._url("/containers/{0}/top", container)), json=True)

    @utils.minimum_version("1.44")
    def newer(self) -> str:
        return "ran"

    def events_raw(self) -> Any:
        return self._stream_helper(self._get(self._url("/events"), stream=True), decode=True)


def test_a_subclass_of_docker_pys_client_keeps_working(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.GET, f"{HOST}/v1.41/containers/c1/top", json={"Titles": []})
    mocked.add(responses.GET, f"{HOST}/v1.41/events", body=b'{"Action":"start"}\n{"Action":"die"}\n')
    with Extended(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        assert c.top_raw({"Id": "c1"}) == {"Titles": []}
        assert c.top_raw(container="c1") == {"Titles": []}
        with pytest.raises(errors.NullResource):
            c.top_raw("")
        with pytest.raises(errors.InvalidVersion, match="newer is not available for version < 1.44"):
            c.newer()
        with c.events_raw() as events:
            assert [e["Action"] for e in events] == ["start", "die"]
        assert c._retrieve_server_version  # present
        assert c._set_request_timeout({}) == {"timeout": c.timeout}


def test_a_method_replaced_on_the_instance_gets_every_call(mocked: responses.RequestsMock,
                                                           client: Client) -> None:
    seen: list[str] = []
    original = client.request

    def spy(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(f"{method} {url}")
        return original(method, url, *args, **kwargs)

    mocked.add(responses.GET, f"{HOST}/v1.41/containers/c1/json", json={"Id": "c1"})
    client.request = spy  # type: ignore[method-assign]
    client.inspect_container("c1")
    assert seen == [f"GET {HOST}/v1.41/containers/c1/json"]


def test_insert_left_the_api_in_1_12(mocked: responses.RequestsMock, client: Client) -> None:
    with pytest.raises(errors.DeprecatedMethod, match=r"1\.12.*ADD http://x/f /f"):
        client.insert("busybox", "http://x/f", "/f")
    assert len(mocked.calls) == 0


def test_dicts_name_plugins_and_distribution(mocked: responses.RequestsMock, client: Client) -> None:
    mocked.add(responses.GET, f"{HOST}/v1.41/distribution/sha256:abc/json", json={"Descriptor": {}})
    mocked.add(responses.GET, f"{HOST}/v1.41/plugins/pid1/json", json={"Id": "pid1"})
    assert client.inspect_distribution({"Id": "sha256:abc"}) == {"Descriptor": {}}
    assert client.inspect_plugin({"Id": "pid1"}) == {"Id": "pid1"}


def test_archive_paths_may_be_path_objects(mocked: responses.RequestsMock, client: Client) -> None:
    stat = base64.b64encode(json.dumps({"name": "etc"}).encode()).decode()
    mocked.add(responses.HEAD, re.compile(rf"{HOST}/v1.41/containers/c1/archive.*"),
               headers={"X-Docker-Container-Path-Stat": stat})
    assert client.stat_archive("c1", Path("/etc")) == {"name": "etc"}
    assert mocked.calls[0].request.url.endswith("path=%2Fetc")
