"""The Client without a daemon: construction, version negotiation, URLs, errors, transport."""
from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from typing import Iterator

import pytest
import requests
import responses

import docker_client
from docker_client import Client, errors, from_env

HOST = "http://127.0.0.1:2375"


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def _ping(rsps: responses.RequestsMock, version: str | None = "1.41") -> None:
    headers = {"Api-Version": version} if version else {}
    rsps.add(responses.GET, f"{HOST}/_ping", body="OK", headers=headers)


def _paths(rsps: responses.RequestsMock) -> list[str]:
    return [call.request.path_url for call in rsps.calls]


def test_init_does_no_io(mocked: responses.RequestsMock) -> None:
    c = Client(base_url="tcp://127.0.0.1:2375")
    assert len(mocked.calls) == 0
    assert c.base_url == HOST
    c.close()


def test_version_negotiated_once_on_first_request(mocked: responses.RequestsMock) -> None:
    _ping(mocked, "1.41")
    mocked.add(responses.GET, f"{HOST}/v1.41/info", json={"ID": "x"})
    with Client(base_url="tcp://127.0.0.1:2375") as c:
        assert c.info() == {"ID": "x"}
        assert c.info() == {"ID": "x"}
        assert c.api_version == "1.41" and c._version == "1.41"
    assert _paths(mocked) == ["/_ping", "/v1.41/info", "/v1.41/info"]


def test_newer_daemon_gets_our_newest_version(mocked: responses.RequestsMock) -> None:
    _ping(mocked, "1.70")
    with Client(base_url="tcp://127.0.0.1:2375", version="auto") as c:
        assert c.api_version == "1.56"


def test_ping_without_version_header_falls_back_to_version(mocked: responses.RequestsMock) -> None:
    _ping(mocked, None)
    mocked.add(responses.GET, f"{HOST}/version", json={"ApiVersion": "1.30"})
    with Client(base_url="tcp://127.0.0.1:2375") as c:
        assert c.api_version == "1.30"
    assert _paths(mocked) == ["/_ping", "/version"]


def test_too_old_daemon_is_refused(mocked: responses.RequestsMock) -> None:
    _ping(mocked, "1.12")
    with Client(base_url="tcp://127.0.0.1:2375") as c:
        with pytest.raises(errors.InvalidVersion, match="1.12"):
            c.info()


def test_explicit_version_skips_negotiation(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.GET, f"{HOST}/v1.30/info", json={})
    with Client(base_url="tcp://127.0.0.1:2375", version="1.30") as c:
        c.info()
    assert _paths(mocked) == ["/v1.30/info"]


def test_docker_api_version_and_host_from_environment(mocked: responses.RequestsMock,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:2375")
    monkeypatch.setenv("DOCKER_API_VERSION", "1.35")
    mocked.add(responses.GET, f"{HOST}/v1.35/version", json={})
    with Client() as c:
        c.version()
        assert c.api_version == "1.35"
    with from_env() as c:
        assert c.api_version == "1.35"


@pytest.mark.parametrize("bad", ["1.23", "1.0", "banana"])
def test_bad_explicit_versions(bad: str) -> None:
    with pytest.raises(errors.InvalidVersion):
        Client(base_url="tcp://127.0.0.1:2375", version=bad)


def test_non_string_version_is_refused() -> None:
    with pytest.raises(errors.DockerException, match="must be a string"):
        Client(base_url="tcp://127.0.0.1:2375", version=1.30)  # type: ignore[arg-type]


def test_version_attribute_is_settable(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.GET, f"{HOST}/v1.25/info", json={})
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        c._version = "1.25"
        c.info()
        with pytest.raises(errors.InvalidVersion):
            c._version = "1.20"
    assert _paths(mocked) == ["/v1.25/info"]


def test_feature_gate_names_versions(mocked: responses.RequestsMock) -> None:
    with Client(base_url="tcp://127.0.0.1:2375", version="1.24") as c:
        with pytest.raises(errors.InvalidVersion, match=r"GET /system/df needs API version 1.25.*1.24"):
            c.df()
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        with pytest.raises(errors.InvalidVersion, match=r"type needs API version 1.42.*1.41"):
            c.df(type="image")
    assert len(mocked.calls) == 0


# -- path quoting --------------------------------------------------------------------------

@pytest.mark.parametrize("name, path", [
    ("x?all=1", "/v1.41/containers/x%3Fall%3D1/json"),
    ("a#b", "/v1.41/containers/a%23b/json"),
    ("%2e%2e", "/v1.41/containers/%252e%252e/json"),
    ("a b", "/v1.41/containers/a%20b/json"),
    ("/named", "/v1.41/containers/named/json"),
    ("127.0.0.1:5000/img", "/v1.41/containers/127.0.0.1:5000/img/json"),
])
def test_hostile_names_stay_in_their_endpoint(mocked: responses.RequestsMock, name: str, path: str) -> None:
    mocked.add(responses.GET, HOST + path, json={})
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        c._result(c._get(c._url("/containers/{0}/json", name)), json=True)
    assert _paths(mocked) == [path]


@pytest.mark.parametrize("name", ["../images/json", "..", ".", "a/../../images", "x/./y"])
def test_dot_segments_are_refused(name: str) -> None:
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        with pytest.raises(errors.InvalidArgument) as info:
            c._url("/containers/{0}/json", name)
    assert repr(name) in str(info.value)


def test_a_dict_the_daemon_returned_names_its_object(mocked: responses.RequestsMock) -> None:
    """As docker-py's check_resource: images as containers, ``Id`` or ``ID``."""
    mocked.add(responses.GET, f"{HOST}/v1.41/images/sha256:abc/json", json={"Id": "sha256:abc"})
    mocked.add(responses.GET, f"{HOST}/v1.41/images/sha256:abc/history", json=[])
    mocked.add(responses.GET, f"{HOST}/v1.41/nodes/n1", json={"ID": "n1"})
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        assert c.inspect_image({"Id": "sha256:abc", "RepoTags": []}) == {"Id": "sha256:abc"}
        assert c.history({"Id": "sha256:abc"}) == []
        assert c.inspect_node({"ID": "n1"}) == {"ID": "n1"}
        with pytest.raises(errors.NullResource):
            c.inspect_image({"RepoTags": ["a:1"]})
    assert len(mocked.calls) == 3


def test_an_empty_segment_goes_to_the_daemon_and_its_redirect_is_not_found(
        mocked: responses.RequestsMock) -> None:
    """docker-py sends ``a//b``; the daemon's router cleans it with a 301. Following it would
    send a DELETE to another name (requests keeps the method) or a POST as a GET: it is
    NotFound (ImageNotFound on image endpoints), the daemon's Location in the message."""
    for method, path in (("GET", "/v1.41/images/registry.example//name/json"),
                         ("DELETE", "/v1.41/images/x//y"), ("GET", "/v1.41/containers/a//b/json")):
        mocked.add(method, HOST + path, status=301,
                   headers={"Location": path.replace("//", "/")})
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        with pytest.raises(errors.ImageNotFound) as info:
            c.inspect_image("registry.example//name")
        with pytest.raises(errors.ImageNotFound):
            c.remove_image("x//y")
        with pytest.raises(errors.NotFound) as container_info:
            c.inspect_container("a//b")
    assert "cleans /v1.41/images/registry.example//name/json to " \
           "/v1.41/images/registry.example/name/json" in str(info.value)
    assert str(info.value).startswith("301 Redirect for GET /v1.41/images/registry.example//name/json "
                                      "on tcp://127.0.0.1:2375: Moved Permanently")
    assert not isinstance(container_info.value, errors.ImageNotFound)
    # each sent once, no redirect followed
    assert [call.request.method for call in mocked.calls] == ["GET", "DELETE", "GET"]


def test_not_modified_is_not_an_error(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.POST, f"{HOST}/v1.41/containers/c1/start", status=304)
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        c.start("c1")


def test_an_error_shows_the_daemon_message_and_the_call(tmp_path: Path) -> None:
    """repr() keeps the daemon's message; the socket is shown as a person writes it."""
    with responses.RequestsMock() as daemon:
        daemon.add(responses.GET, re.compile(r".*/images/nope/json"), status=404,
                   json={"message": "No such image: nope:latest"})
        with Client(base_url=f"unix://{tmp_path}/d.sock", version="1.41") as c:
            with pytest.raises(errors.ImageNotFound) as info:
                c.inspect_image("nope")
    text = f"404 Client Error for GET /v1.41/images/nope/json on unix://{tmp_path}/d.sock: Not Found " \
           '("No such image: nope:latest")'
    assert str(info.value) == text
    assert repr(info.value) == f"ImageNotFound({text!r})"
    assert "%2F" not in str(info.value)


def test_empty_and_non_string_names() -> None:
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        with pytest.raises(errors.NullResource):
            c._url("/containers/{0}/json", "")
        with pytest.raises(errors.InvalidArgument, match="expected a string"):
            c._url("/containers/{0}/json", 42)  # type: ignore[arg-type]
    assert issubclass(errors.NullResource, ValueError)


# -- error mapping -------------------------------------------------------------------------

@pytest.mark.parametrize("status, body, cls", [
    (404, {"message": "No such container: abc"}, errors.NotFound),
    (404, {"message": "No such image: busybox:nope"}, errors.ImageNotFound),
    (409, {"message": "Conflict. The container name \"/x\" is already in use"}, errors.Conflict),
    (500, {"message": "driver failed"}, errors.APIError),
    (400, {"message": "bad parameter"}, errors.APIError),
])
def test_error_classes(mocked: responses.RequestsMock, status: int, body: dict, cls: type) -> None:
    mocked.add(responses.GET, f"{HOST}/v1.41/info", json=body, status=status)
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        with pytest.raises(cls) as info:
            c.info()
    err = info.value
    assert type(err) is cls
    assert isinstance(err, requests.exceptions.HTTPError)
    assert err.explanation == body["message"]
    assert err.status_code == status
    assert err.is_client_error() == (status < 500)
    assert err.is_server_error() == (status >= 500)
    assert str(status) in str(err) and body["message"] in str(err)


def test_error_with_text_body(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.GET, f"{HOST}/v1.41/info", body="page not found\n", status=404)
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        with pytest.raises(errors.NotFound) as info:
            c.info()
    assert info.value.explanation == "page not found"


def test_redirects_are_not_followed(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.GET, f"{HOST}/v1.41/info", status=301, headers={"Location": "/v1.41/images/json"})
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        with pytest.raises(errors.DockerException):
            c.info()
    assert _paths(mocked) == ["/v1.41/info"]


def test_invalid_json_body_is_our_error(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.GET, f"{HOST}/v1.41/info", body="{not json")
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        with pytest.raises(errors.StreamParseError, match="invalid JSON"):
            c.info()


# -- transport errors ----------------------------------------------------------------------

def test_missing_socket_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.sock"
    with Client(base_url=f"unix://{path}", version="1.41") as c:
        with pytest.raises(errors.DockerConnectionError) as info:
            c.ping()
    assert str(path) in str(info.value)
    assert isinstance(info.value.__cause__, Exception)
    assert isinstance(info.value, requests.exceptions.ConnectionError)


def test_refused_tcp_is_a_connection_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Client(base_url=f"tcp://127.0.0.1:{port}", version="1.41") as c:
        with pytest.raises(errors.DockerConnectionError, match=f"127.0.0.1:{port}"):
            c.ping()


def test_silent_daemon_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with Client(base_url=f"tcp://127.0.0.1:{port}", version="1.41", timeout=0.2) as c:
            with pytest.raises(errors.DockerTimeout, match="did not answer"):
                c.ping()
            assert isinstance(c.timeout, float)


def test_timeout_is_settable_and_none_means_no_limit(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.GET, f"{HOST}/v1.41/info", json={})
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41", timeout=5) as c:
        c.info()
        c.timeout = None
        c.info()
    timeouts = [call.request.req_kwargs["timeout"] for call in mocked.calls]
    assert timeouts == [5, None]


# -- configuration -------------------------------------------------------------------------

def test_general_configs_and_http_headers(mocked: responses.RequestsMock, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.json").write_text(json.dumps(
        {"detachKeys": "ctrl-q", "HttpHeaders": {"X-Meta": "yes"},
         "auths": {"reg.example:5000": {"auth": "dTpw"}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    mocked.add(responses.GET, f"{HOST}/v1.41/info", json={})
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41", user_agent="ua/1") as c:
        assert c._general_configs["detachKeys"] == "ctrl-q"
        assert c._auth_configs.resolve_authconfig("reg.example:5000")["username"] == "u"
        c.info()
    sent = mocked.calls[0].request.headers
    assert sent["X-Meta"] == "yes" and sent["User-Agent"] == "ua/1"


def test_repr_is_short_and_safe() -> None:
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41") as c:
        assert repr(c) == "<docker_client.Client http://127.0.0.1:2375 API 1.41>"


def test_tls_needs_a_base_url() -> None:
    with pytest.raises(errors.TLSParameterError):
        Client(tls=True)


def test_apiclient_alias() -> None:
    assert docker_client.APIClient is Client
