"""System endpoints against the private daemon."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

import pytest

from docker_client import Client, errors, versions

from ..conftest import API_VERSION, DAEMON_API, ENGINE
from .conftest import env_or_fail


def test_ping_version_info(client: Client) -> None:
    assert client.ping() is True
    version = client.version()
    assert version["ApiVersion"] == DAEMON_API
    assert client.version(api_version=False)["Version"] == version["Version"]
    info = client.info()
    assert info["OSType"] == "linux" and "Containers" in info


def test_ping_info_reads_headers(client: Client) -> None:
    info = client.ping_info()
    assert info["ApiVersion"] == DAEMON_API
    assert info["OSType"] == "linux"
    assert isinstance(info.get("Experimental"), bool)


def test_negotiates_the_daemons_version(daemon: str) -> None:
    seen: list[str] = []
    with Client(base_url=daemon) as c:
        c.hooks["response"].append(lambda r, *a, **k: seen.append(r.request.path_url))
        assert c.api_version == DAEMON_API
        c.info()
    assert seen == ["/_ping", f"/v{DAEMON_API}/info"]


def test_docker_api_version_is_in_every_url(daemon: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", daemon)
    monkeypatch.setenv("DOCKER_API_VERSION", "1.30")
    seen: list[str] = []
    with Client() as c:
        c.hooks["response"].append(lambda r, *a, **k: seen.append(r.request.path_url))
        c.ping()
        c.version()
        c.info()
        c.df()
        list(c.events(since=0, until=1))
    assert len(seen) == 5 and all(path.startswith("/v1.30/") for path in seen), seen


def test_df(client: Client) -> None:
    if not versions.supports("GET /system/df", client.api_version):
        with pytest.raises(errors.InvalidVersion):
            client.df()
        return
    usage = client.df()
    assert {"Images", "Containers", "Volumes"} <= set(usage)
    if versions.version_gte(client.api_version, "1.42"):
        only_images = client.df(type="image")
        assert "Images" in only_images and not only_images.get("Containers")
    else:
        with pytest.raises(errors.InvalidVersion, match="1.42"):
            client.df(type="image")


def _actor(event: dict[str, Any]) -> str:
    """The volume an event is about: Docker puts its name in Actor.ID, Podman leaves the ID
    empty and has the name in Actor.Attributes.name (a Podman difference, see the README)."""
    actor = event.get("Actor") or {}
    return actor.get("ID") or (actor.get("Attributes") or {}).get("name", "")


def _volume_events(client: Client, since: float, until: float, decode: bool) -> list[Any]:
    return list(client.events(since=since, until=until, filters={"type": "volume"}, decode=decode))


def test_events_between_since_and_until(client: Client, make_volume: Callable[[str], str],
                                        unique_name: Callable[[str], str]) -> None:
    since = time.time() - 1
    name = make_volume(unique_name("ev"))
    client._delete(client._url("/volumes/{0}", name)).close()
    until = time.time() + 1
    decoded = _volume_events(client, since, until, decode=True)
    mine = [e for e in decoded if _actor(e) == name]
    # Podman calls a volume's removal "remove", Docker "destroy"
    assert [e["Action"] for e in mine] == ["create", "remove" if ENGINE == "podman" else "destroy"]
    raw = _volume_events(client, since, until, decode=False)
    assert all(isinstance(item, bytes) for item in raw)
    assert sum(name.encode() in item for item in raw) == 2


def test_events_stream_live_and_close(client: Client, make_volume: Callable[[str], str],
                                      unique_name: Callable[[str], str]) -> None:
    name = unique_name("live")
    stream = client.events(decode=True, filters={"type": "volume", "volume": name})
    timer = threading.Timer(0.3, make_volume, args=(name,))
    timer.start()
    try:
        event = next(iter(stream))
    finally:
        timer.join()
        stream.close()
    assert _actor(event) == name and event["Action"] == "create"
    assert stream.closed
    with pytest.raises(StopIteration):
        next(stream)


def test_events_stream_closed_from_another_thread(client: Client) -> None:
    stream = client.events(decode=True)
    closer = threading.Timer(0.3, stream.close)
    closer.start()
    started = time.monotonic()
    with pytest.raises((StopIteration, errors.DockerException)):
        while True:
            next(stream)
    closer.join()
    assert time.monotonic() - started < 10


def test_events_with_datetime_and_bad_since(client: Client) -> None:
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    assert list(client.events(since=now, until=now)) == []
    with pytest.raises(errors.InvalidArgument, match="since"):
        client.events(since=object())  # type: ignore[arg-type]


def test_login_to_the_auth_registry(client: Client) -> None:
    registry = env_or_fail("DC_TEST_AUTH_REGISTRY")
    user = env_or_fail("DC_TEST_REGISTRY_USER")
    password = env_or_fail("DC_TEST_REGISTRY_PASSWORD")
    with pytest.raises(errors.APIError) as info:
        client.login(user, "wrong-password", registry=registry)
    assert "unauthorized" in (info.value.explanation or "").lower()
    answer = client.login(user, password, registry=registry)
    assert answer["Status"] == "Login Succeeded"
    kept = client._auth_configs.resolve_authconfig(registry)
    assert kept is not None and kept["username"] == user and kept["password"] == password
    # known credentials are returned without asking the daemon again
    assert client.login(user, password, registry=registry) is kept
    client.reload_config()
    assert client._auth_configs.resolve_authconfig(registry) is None


def test_unknown_endpoint_is_not_found(client: Client) -> None:
    with pytest.raises(errors.NotFound):
        client._result(client._get(client._url("/no/such/endpoint")))


def test_hostile_names_never_reach_another_endpoint(client: Client) -> None:
    """Each name is either refused before sending or is looked up, and not found, as a container."""
    for name in ["../images/json", "x?all=1", "a#b", "%2e%2e%2fimages%2fjson", "x/../../info", "x%00",
                 "..%2F..%2Finfo", "json?", "a b"]:
        try:
            url = client._url("/containers/{0}/json", name)
        except errors.InvalidArgument:
            continue
        with pytest.raises(errors.NotFound) as info:
            client._result(client._get(url), json=True)
        assert "no such container" in (info.value.explanation or "").lower(), name


def test_tcp_and_tls_transports(daemon: str, tmp_path: Any) -> None:
    from docker_client import TLSConfig

    with Client(base_url=env_or_fail("DC_TEST_TCP_HOST"), version=API_VERSION) as c:
        assert c.ping() and c.version()["ApiVersion"] == DAEMON_API
    certs = env_or_fail("DC_TEST_CERT_PATH")
    tls = TLSConfig(client_cert=(f"{certs}/cert.pem", f"{certs}/key.pem"), ca_cert=f"{certs}/ca.pem",
                    verify=True)
    tls_host = env_or_fail("DC_TEST_TLS_HOST")
    with Client(base_url=tls_host, tls=tls, version=API_VERSION) as c:
        assert c.base_url.startswith("https://")
        assert c.version()["ApiVersion"] == DAEMON_API
    # no client certificate: the daemon refuses the handshake
    with Client(base_url=tls_host, tls=TLSConfig(ca_cert=f"{certs}/ca.pem", verify=True)) as c:
        with pytest.raises(errors.DockerConnectionError):
            c.ping()


def test_tls_from_environment(daemon: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", env_or_fail("DC_TEST_TLS_HOST"))
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", env_or_fail("DC_TEST_CERT_PATH"))
    with Client() as c:
        assert c.info()["OSType"] == "linux"


def test_connections_are_reused_and_released(client: Client) -> None:
    import os

    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    client.ping()
    before = open_fds()
    for _ in range(50):
        client.ping()
        with client.events(since=0, until=1):
            pass
    assert open_fds() <= before + 1


def test_client_fixture_uses_this_environments_version(client: Client) -> None:
    seen: list[str] = []
    client.hooks["response"].append(lambda r, *a, **k: seen.append(r.request.path_url))
    client.info()
    expected = API_VERSION or DAEMON_API
    assert client.api_version == expected
    assert seen[-1] == f"/v{expected}/info"
