"""Reading the environment and parsing daemon addresses."""
from __future__ import annotations

import hashlib
import json
import os
import socket
from pathlib import Path

import pytest

import docker_client
from docker_client import Client, TLSConfig, kwargs_from_env
from docker_client.env import (
    api_version_from_env,
    discover_socket,
    parse_address,
    parse_host,
    socket_candidates,
)
from docker_client.errors import (
    ContextNotFound,
    DockerConnectionError,
    InvalidArgument,
    TLSParameterError,
)


@pytest.mark.parametrize("addr, scheme, url", [
    (None, "unix", "http+unix://%2Fvar%2Frun%2Fdocker.sock"),
    ("", "unix", "http+unix://%2Fvar%2Frun%2Fdocker.sock"),
    ("unix:///tmp/d.sock", "unix", "http+unix://%2Ftmp%2Fd.sock"),
    ("/tmp/d.sock", "unix", "http+unix://%2Ftmp%2Fd.sock"),
    ("tcp://127.0.0.1:2375", "http", "http://127.0.0.1:2375"),
    ("tcp://example.com", "http", "http://example.com:2375"),
    ("127.0.0.1:1234", "http", "http://127.0.0.1:1234"),
    ("http://h:1/prefix/", "http", "http://h:1/prefix"),
    ("https://h", "https", "https://h:2376"),
    ("tcp://[::1]:2375", "http", "http://[::1]:2375"),
    ("ssh://me@host:2222", "ssh", "http+docker://ssh"),
    ("unix://", "unix", "http+unix://%2Fvar%2Frun%2Fdocker.sock"),  # docker-py: the default socket
    ("unix:/tmp/d.sock", "unix", "http+unix://%2Ftmp%2Fd.sock"),  # docker-py reads it so
    ("unix://relative.sock", "unix", "http+unix://relative.sock"),  # relative, as the CLI keeps it
    ("unix://run/d.sock", "unix", "http+unix://run%2Fd.sock"),
])
def test_parse_address(addr: str | None, scheme: str, url: str) -> None:
    parsed = parse_address(addr)
    assert (parsed.scheme, parsed.url) == (scheme, url)


def test_tcp_with_tls_is_https() -> None:
    assert parse_address("tcp://h", tls=True).url == "https://h:2376"
    assert parse_host("tcp://h:5", tls=True) == "https://h:5"
    assert parse_host("unix:///x.sock") == "http+unix:///x.sock"


def test_ssh_address_parts() -> None:
    parsed = parse_address("ssh://me@host:2222")
    assert (parsed.user, parsed.host, parsed.port) == ("me", "host", 2222)
    assert parse_address("ssh://host").port == 22


@pytest.mark.parametrize("bad", ["ftp://h", "unix:///", "tcp://h:notaport", "tcp://h:1?x=1",
                                 "npipe:////./pipe/x", "tcp:/10.0.0.5:2375", "ssh//user@host",
                                 "ssh://user@host/path", "tcp:10.0.0.5:2375", "localhost/docker"])
def test_bad_addresses_are_named(bad: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        parse_address(bad)
    assert bad in str(info.value)


def _certs(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (directory / name).write_text("x")
    return directory


def test_kwargs_from_env_tls(tmp_path: Path) -> None:
    certs = _certs(tmp_path / "certs")
    params = kwargs_from_env({"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1",
                              "DOCKER_CERT_PATH": str(certs)})
    assert params["base_url"] == "tcp://h:2376"
    tls = params["tls"]
    assert isinstance(tls, TLSConfig)
    assert tls.verify is True
    assert tls.cert == (str(certs / "cert.pem"), str(certs / "key.pem"))
    assert tls.ca_cert == str(certs / "ca.pem")


def test_empty_tls_verify_means_false_but_cert_path_enables_tls(tmp_path: Path) -> None:
    certs = _certs(tmp_path / "certs")
    params = kwargs_from_env({"DOCKER_TLS_VERIFY": "", "DOCKER_CERT_PATH": str(certs)})
    assert params["tls"].verify is False
    assert kwargs_from_env({"DOCKER_TLS_VERIFY": ""}) == {}


def test_missing_cert_files_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(TLSParameterError) as info:
        kwargs_from_env({"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(tmp_path)})
    assert str(tmp_path) in str(info.value)


def test_plain_host_only() -> None:
    assert kwargs_from_env({"DOCKER_HOST": "unix:///x"}) == {"base_url": "unix:///x"}
    assert kwargs_from_env({}) == {}


def test_api_version_is_not_a_kwarg_but_read_separately() -> None:
    env = {"DOCKER_HOST": "tcp://h:1", "DOCKER_API_VERSION": "1.30"}
    assert "version" not in kwargs_from_env(env)
    assert api_version_from_env(env) == "1.30"
    assert api_version_from_env({"DOCKER_API_VERSION": ""}) is None


def _make_context(config_dir: Path, name: str, host: str, with_tls: bool) -> None:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = config_dir / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps(
        {"Name": name, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": False}}}))
    if with_tls:
        _certs(config_dir / "contexts" / "tls" / digest / "docker")


def test_docker_context_from_env_and_config(tmp_path: Path) -> None:
    _make_context(tmp_path, "remote", "tcp://10.1.2.3:2376", with_tls=True)
    params = kwargs_from_env({"DOCKER_CONFIG": str(tmp_path), "DOCKER_CONTEXT": "remote"})
    assert params["base_url"] == "tcp://10.1.2.3:2376"
    assert params["tls"].verify is True
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "remote"}))
    assert kwargs_from_env({"DOCKER_CONFIG": str(tmp_path)})["base_url"] == "tcp://10.1.2.3:2376"
    # DOCKER_HOST wins over any context
    both = {"DOCKER_CONFIG": str(tmp_path), "DOCKER_CONTEXT": "remote", "DOCKER_HOST": "unix:///s"}
    assert kwargs_from_env(both) == {"base_url": "unix:///s"}
    assert kwargs_from_env({"DOCKER_CONFIG": str(tmp_path), "DOCKER_CONTEXT": "default"}) == {}


def test_a_relative_socket_stays_relative() -> None:
    parsed = parse_address("unix://relative.sock")
    assert parsed.socket_path == "relative.sock"
    assert parse_host("unix://relative.sock") == "http+unix://relative.sock"


def test_unknown_context_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContextNotFound, match="'nope' not found") as info:
        kwargs_from_env({"DOCKER_CONFIG": str(tmp_path), "DOCKER_CONTEXT": "nope"})
    assert info.value.name == "nope"
    assert str(tmp_path / "contexts" / "meta") in str(info.value)
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "gone"}))
    with pytest.raises(ContextNotFound, match="'gone' not found"):
        kwargs_from_env({"DOCKER_CONFIG": str(tmp_path)})


def test_from_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docker-py 7.2's ``from_context``: a named context, the current one, or the default."""
    import docker_client

    _make_context(tmp_path, "remote", "tcp://10.1.2.3:2376", with_tls=True)
    _make_context(tmp_path, "plain", "unix:///run/other.sock", with_tls=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    with docker_client.from_context("remote", version="1.41") as remote:
        assert remote.base_url == "https://10.1.2.3:2376" and remote.api_version == "1.41"
    with docker_client.Client.from_context("plain") as plain:
        assert plain._address.socket_path == "/run/other.sock"
    with docker_client.from_context() as default:
        assert default._address.socket_path == "/var/run/docker.sock"
    monkeypatch.setenv("DOCKER_CONTEXT", "plain")
    with docker_client.from_context() as current:
        assert current._address.socket_path == "/run/other.sock"
    with pytest.raises(ContextNotFound):
        docker_client.from_context("nosuch")


def _listening(path: Path) -> socket.socket:
    path.parent.mkdir(parents=True, exist_ok=True)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


def test_socket_discovery_order(tmp_path: Path) -> None:
    """Neither DOCKER_HOST nor a context: the first of the documented places that has a socket."""
    environment = {"XDG_RUNTIME_DIR": str(tmp_path / "run"), "HOME": str(tmp_path / "home")}
    places = socket_candidates(environment)
    assert places[1:] == [f"{tmp_path}/run/docker.sock", f"{tmp_path}/home/.docker/run/docker.sock",
                          f"{tmp_path}/run/podman/podman.sock", "/run/podman/podman.sock"]
    assert places[0] == "/var/run/docker.sock"
    machine = [p for p in (places[0], places[4]) if os.path.exists(p)]
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "docker.sock").write_text("not a socket")  # a file is not a daemon
    with _listening(tmp_path / "run" / "podman" / "podman.sock"), \
            _listening(tmp_path / "home" / ".docker" / "run" / "docker.sock"):
        found = discover_socket(environment)
        if not machine:
            assert found.socket_path == f"{tmp_path}/home/.docker/run/docker.sock"
    for stale in ("podman/podman.sock",):
        (tmp_path / "run" / stale).unlink()
    (tmp_path / "home" / ".docker" / "run" / "docker.sock").unlink()
    if not machine:
        assert discover_socket(environment).socket_path == "/var/run/docker.sock"  # none: the default


def test_no_daemon_names_every_place_looked_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    places = socket_candidates()
    if any(os.path.exists(p) for p in places):  # a daemon on this machine: it is the one found
        with Client() as client:
            assert os.path.exists(client._address.socket_path)
        return
    with Client() as client, pytest.raises(DockerConnectionError) as info:
        client.ping()
    for place in places:
        assert place in str(info.value)
    with docker_client.from_env() as client, pytest.raises(DockerConnectionError) as info:
        client.ping()
    assert places[-1] in str(info.value)
