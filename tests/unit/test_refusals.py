"""An endpoint the daemon does not serve: the error names the daemon and the endpoint.

Podman's real answers are checked in tests/integration/test_podman.py; here the error bodies no
daemon of the harness sends (Docker's JSON "page not found") and the wording rules.
"""
from __future__ import annotations

import pytest
import responses

from docker_client import Client, errors

BASE = "http://127.0.0.1:9"


@pytest.fixture
def mocked() -> responses.RequestsMock:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as m:
        yield m


@pytest.mark.parametrize("server, name", [
    ("Libpod/5.8.6 (linux)", "Podman 5.8.6"),
    ("Docker/28.5.2+dfsg4 (linux)", "Docker Engine 28.5.2+dfsg4"),
    ("Docker/20.10.24", "Docker Engine 20.10.24"),
    ("", None),
    (None, None),
    ("nginx", None),
])
def test_engine_name(server: str | None, name: str | None) -> None:
    assert errors.engine_name(server) == name


def test_a_route_the_daemon_does_not_serve_names_the_daemon(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.GET, f"{BASE}/v1.41/nodes", status=404, json={"message": "page not found"})
    mocked.add(responses.GET, f"{BASE}/_ping", body="OK", headers={"Server": "Docker/28.5.2 (linux)"})
    with Client(base_url="tcp://127.0.0.1:9", version="1.41") as c:
        with pytest.raises(errors.NotFound) as info:
            c.nodes()
        with pytest.raises(errors.NotFound):
            c.nodes()
    assert info.value.refused_by == "Docker Engine 28.5.2"
    assert info.value.explanation == "page not found"
    assert str(info.value).endswith(
        '("page not found"): Docker Engine 28.5.2 does not serve GET /v1.41/nodes')
    # asked once, then remembered
    assert [call.request.path_url for call in mocked.calls] == ["/v1.41/nodes", "/_ping", "/v1.41/nodes"]


def test_negotiation_already_knows_the_daemon(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.GET, f"{BASE}/_ping", body="OK",
               headers={"Api-Version": "1.44", "Server": "Libpod/5.8.6 (linux)"})
    mocked.add(responses.POST, f"{BASE}/v1.44/swarm/init", status=503,
               json={"cause": "Podman does not support service: /v1.44/swarm/init",
                     "message": "Podman does not support service: /v1.44/swarm/init", "response": 503})
    with Client(base_url="tcp://127.0.0.1:9") as c, pytest.raises(errors.APIError) as info:
        c.init_swarm(advertise_addr="127.0.0.1")
    assert type(info.value) is errors.APIError and info.value.status_code == 503
    assert "Podman 5.8.6 does not serve POST /v1.44/swarm/init" in str(info.value)
    assert [call.request.path_url for call in mocked.calls] == ["/_ping", "/v1.44/swarm/init"]


@pytest.mark.parametrize("status, body", [
    (404, {"message": "No such container: x"}),
    (404, {"message": "no container with name or ID \"x\" found: no such container"}),
    (409, {"message": "Not Found"}),  # a conflict is never a refused route
    (500, {"message": "page not found"}),
])
def test_an_answer_about_an_object_is_not_a_refusal(mocked: responses.RequestsMock, status: int,
                                                   body: dict[str, str]) -> None:
    mocked.add(responses.GET, f"{BASE}/v1.41/containers/x/json", status=status, json=body)
    with Client(base_url="tcp://127.0.0.1:9", version="1.41") as c, pytest.raises(errors.APIError) as info:
        c.inspect_container("x")
    assert info.value.refused_by is None
    assert "does not serve" not in str(info.value)
    assert len(mocked.calls) == 1  # no /_ping to find out who answered


def test_an_unreachable_ping_leaves_the_error_as_it_is(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.GET, f"{BASE}/v1.41/plugins", status=404, body="Not Found",
               content_type="text/plain")
    mocked.add(responses.GET, f"{BASE}/_ping", body=ConnectionRefusedError("refused"))
    with Client(base_url="tcp://127.0.0.1:9", version="1.41") as c, pytest.raises(errors.NotFound) as info:
        c.plugins()
    assert info.value.refused_by is None
    assert str(info.value).endswith('("Not Found")')
