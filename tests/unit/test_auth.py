"""config.json and .dockercfg parsing, credential helper programs, and the X-Registry-* headers.

Credential helpers are real programs here: small Python scripts named ``docker-credential-*``
written into a temporary directory put first on PATH. Each logs its arguments and stdin.
"""
from __future__ import annotations

import base64
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from docker_client import auth, errors
from docker_client.credentials import CredentialsNotFound, Store, StoreError

_HELPER = """#!{python}
import json, os, sys
data_file, log_file = {data!r}, {log!r}
action = sys.argv[1] if len(sys.argv) > 1 else ""
stdin = sys.stdin.read()
with open(log_file, "a") as f:
    f.write(json.dumps({{"argv": sys.argv[1:], "stdin": stdin}}) + "\\n")
fail = {fail!r}
if fail is not None:
    sys.stderr.write(fail + "\\n")
    sys.exit(3)
with open(data_file) as f:
    data = json.load(f)
if action == "get":
    entry = data.get(stdin)
    if entry is None:
        print("credentials not found in native keychain")
        sys.exit(1)
    secret = entry[1]
    if secret.startswith("$ENV:"):
        secret = os.environ.get(secret[5:], "")
    print(json.dumps({{"ServerURL": stdin, "Username": entry[0], "Secret": secret}}))
elif action == "list":
    print(json.dumps({{server: entry[0] for server, entry in data.items()}}))
elif action == "store":
    record = json.loads(stdin)
    data[record["ServerURL"]] = [record["Username"], record["Secret"]]
elif action == "erase":
    if stdin not in data:
        print("credentials not found in native keychain")
        sys.exit(1)
    del data[stdin]
else:
    print("unknown action " + action)
    sys.exit(1)
with open(data_file, "w") as f:
    json.dump(data, f)
"""


class Helper:
    """A fake ``docker-credential-<name>`` holding ``{server: (username, secret)}``."""

    def __init__(self, bin_dir: Path, name: str, entries: dict[str, tuple[str, str]] | None = None,
                 fail: str | None = None) -> None:
        self.name = name
        self.data = bin_dir / f"{name}.json"
        self.log = bin_dir / f"{name}.log"
        self.data.write_text(json.dumps({k: list(v) for k, v in (entries or {}).items()}))
        script = bin_dir / f"docker-credential-{name}"
        script.write_text(_HELPER.format(python=sys.executable, data=str(self.data), log=str(self.log),
                                         fail=fail))
        script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def stored(self) -> dict[str, list[str]]:
        return json.loads(self.data.read_text())  # type: ignore[no-any-return]


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory first on PATH, for fake credential helpers."""
    path = tmp_path / "bin"
    path.mkdir()
    monkeypatch.setenv("PATH", f"{path}{os.pathsep}{os.environ.get('PATH', '')}")
    return path


@pytest.fixture
def config_dir() -> Path:
    """The (empty) DOCKER_CONFIG directory tests/conftest.py gives every test."""
    return Path(os.environ["DOCKER_CONFIG"])


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def write_config(config_dir: Path, data: dict[str, Any]) -> Path:
    path = config_dir / "config.json"
    path.write_text(json.dumps(data))
    return path


def decode_header(value: bytes | None) -> Any:
    assert value is not None
    return json.loads(base64.urlsafe_b64decode(value))


# -- names -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("busybox", ("docker.io", "busybox")),
    ("me/app", ("docker.io", "me/app")),
    ("127.0.0.1:5000/x", ("127.0.0.1:5000", "x")),
    ("localhost/x/y", ("localhost", "x/y")),
    ("index.docker.io/me/app", ("docker.io", "me/app")),
    ("ghcr.io/org/app", ("ghcr.io", "org/app")),
])
def test_resolve_repository_name(name: str, expected: tuple[str, str]) -> None:
    assert auth.resolve_repository_name(name) == expected


@pytest.mark.parametrize("name", ["https://reg/x", "-bad.io/x", "bad.io-/x"])
def test_resolve_repository_name_refuses(name: str) -> None:
    with pytest.raises(errors.InvalidRepository):
        auth.resolve_repository_name(name)


# -- config.json -----------------------------------------------------------------------------

def test_load_config_auths(config_dir: Path) -> None:
    write_config(config_dir, {"auths": {
        "https://index.docker.io/v1/": {"auth": b64("hubuser:hubpass"), "email": "me@example.com"},
        "127.0.0.1:5000": {"identitytoken": "tok-123"},
        "helper.example": {},
        "plain.example": {"auth": ""},
        "hand.example": {"username": "u", "password": "p"},
    }, "HttpHeaders": {"X-Meta": "1"}})
    cfg = auth.load_config()
    assert cfg.auths["https://index.docker.io/v1/"] == {
        "username": "hubuser", "password": "hubpass", "email": "me@example.com",
        "serveraddress": "https://index.docker.io/v1/"}
    assert cfg.auths["127.0.0.1:5000"] == {"IdentityToken": "tok-123"}
    assert cfg.auths["helper.example"] == {}
    assert cfg.auths["plain.example"] == {}
    assert cfg.auths["hand.example"]["username"] == "u"
    assert cfg.resolve_authconfig()["username"] == "hubuser"  # type: ignore[index]
    assert cfg.resolve_authconfig("docker.io")["password"] == "hubpass"  # type: ignore[index]
    assert cfg.resolve_authconfig("index.docker.io")["password"] == "hubpass"  # type: ignore[index]
    assert cfg.resolve_authconfig("127.0.0.1:5000") == {"IdentityToken": "tok-123"}
    assert cfg.resolve_authconfig("https://127.0.0.1:5000/v2/") == {"IdentityToken": "tok-123"}
    assert cfg.resolve_authconfig("other.example") is None
    assert not cfg.is_empty


def test_load_config_explicit_path_wins(tmp_path: Path, config_dir: Path) -> None:
    write_config(config_dir, {"auths": {"a.example": {"auth": b64("a:a")}}})
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"auths": {"b.example": {"auth": b64("b:b")}}}))
    assert list(auth.load_config(str(other)).auths) == ["b.example"]
    assert list(auth.load_config().auths) == ["a.example"]


def test_load_config_dict_needs_no_file() -> None:
    cfg = auth.load_config(config_dict={"auths": {"r.example": {"auth": b64("u:p")}},
                                        "credHelpers": {"h.example": "dctest-absent"}})
    assert cfg.cred_helpers == {"h.example": "dctest-absent"}
    assert cfg.resolve_authconfig("r.example")["username"] == "u"  # type: ignore[index]


def test_no_config_is_empty() -> None:
    cfg = auth.load_config()
    assert cfg.is_empty
    assert cfg == {"auths": {}}
    assert cfg.resolve_authconfig("docker.io") is None


def test_old_json_format_without_auths_section(config_dir: Path) -> None:
    write_config(config_dir, {"https://index.docker.io/v1/": {"auth": b64("old:fmt"), "email": "e"}})
    assert auth.load_config().resolve_authconfig()["username"] == "old"  # type: ignore[index]


def test_legacy_dockercfg(tmp_path: Path) -> None:
    path = tmp_path / ".dockercfg"
    path.write_text(f"auth = {b64('legacy:secret')}\nemail = legacy@example.com\n")
    cfg = auth.load_config(str(path))
    assert cfg.resolve_authconfig() == {"username": "legacy", "password": "secret",
                                        "email": "legacy@example.com", "serveraddress": auth.INDEX_URL}


def test_legacy_dockercfg_found_in_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCKER_CONFIG")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".dockercfg").write_text(f"auth = {b64('home:pw')}\nemail = h@example.com\n")
    assert auth.load_config().resolve_authconfig()["username"] == "home"  # type: ignore[index]


def test_unparseable_legacy_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / ".dockercfg"
    path.write_text("this is not a config\n")
    assert auth.load_config(str(path)).is_empty


@pytest.mark.parametrize("data", [
    {"auths": {"r.example": "not an object"}},
    {"auths": ["r.example"]},
    {"auths": {"r.example": {"auth": "!!!not base64!!!"}}},
    {"auths": {"r.example": {"auth": b64("no-colon")}}},
    {"credHelpers": ["pass"]},
])
def test_malformed_config_raises(config_dir: Path, data: dict[str, Any]) -> None:
    write_config(config_dir, data)
    with pytest.raises(errors.InvalidConfigFile):
        auth.load_config()


def test_config_not_an_object(config_dir: Path) -> None:
    (config_dir / "config.json").write_text("[1, 2]")
    with pytest.raises(errors.InvalidConfigFile):
        auth.load_config()


def test_decode_and_encode() -> None:
    assert auth.decode_auth(b64("user:pa:ss")) == ("user", "pa:ss")
    header = auth.encode_header({"username": "u", "password": "p"})
    assert b"+" not in header and b"/" not in header
    assert decode_header(header) == {"username": "u", "password": "p"}


# -- credential helpers ----------------------------------------------------------------------

def test_store_get_list_store_erase(bin_dir: Path) -> None:
    helper = Helper(bin_dir, "good", {"reg.example": ("alice", "s3cret")})
    store = Store("good")
    assert store.exe == str(bin_dir / "docker-credential-good")
    assert store.get("reg.example") == {"ServerURL": "reg.example", "Username": "alice", "Secret": "s3cret"}
    with pytest.raises(CredentialsNotFound):
        store.get("nothing.example")
    store.store("new.example", "bob", "pw")
    assert store.list() == {"reg.example": "alice", "new.example": "bob"}
    store.erase("new.example")
    assert helper.stored() == {"reg.example": ["alice", "s3cret"]}
    # Each action is one run with the action as the only argument and the data on stdin.
    assert [c["argv"] for c in helper.calls()] == [["get"], ["get"], ["store"], ["list"], ["erase"]]
    assert json.loads(helper.calls()[2]["stdin"]) == {"ServerURL": "new.example", "Username": "bob",
                                                      "Secret": "pw"}


def test_helper_runs_without_a_shell(bin_dir: Path) -> None:
    helper = Helper(bin_dir, "good", {})
    server = "evil.example; touch /tmp/pwned $(id)"
    with pytest.raises(CredentialsNotFound):
        Store("good").get(server)
    assert helper.calls() == [{"argv": ["get"], "stdin": server}]


def test_credstore_env_reaches_the_helper(bin_dir: Path) -> None:
    Helper(bin_dir, "envy", {"reg.example": ("u", "$ENV:DCTEST_SECRET")})
    cfg = auth.load_config(config_dict={"credsStore": "envy"}, credstore_env={"DCTEST_SECRET": "from-env"})
    assert cfg.resolve_authconfig("reg.example") == {"ServerAddress": "reg.example", "Username": "u",
                                                     "Password": "from-env"}


def test_creds_store_for_docker_hub_uses_the_index_url(bin_dir: Path) -> None:
    helper = Helper(bin_dir, "good", {auth.INDEX_URL: ("hub", "hubpw")})
    cfg = auth.load_config(config_dict={"credsStore": "good"})
    for registry in (None, "docker.io", "index.docker.io"):
        assert cfg.resolve_authconfig(registry) == {"ServerAddress": auth.INDEX_URL, "Username": "hub",
                                                    "Password": "hubpw"}
    assert {c["stdin"] for c in helper.calls()} == {auth.INDEX_URL}


def test_identity_token_from_a_helper(bin_dir: Path) -> None:
    Helper(bin_dir, "good", {"reg.example": (auth.TOKEN_USERNAME, "refresh-me")})
    cfg = auth.load_config(config_dict={"credsStore": "good"})
    assert cfg.resolve_authconfig("reg.example") == {"ServerAddress": "reg.example",
                                                     "IdentityToken": "refresh-me"}


def test_not_found_in_helper_falls_back_to_auths(bin_dir: Path) -> None:
    Helper(bin_dir, "good", {})
    cfg = auth.load_config(config_dict={"credsStore": "good",
                                        "auths": {"reg.example": {"auth": b64("file:pw")}}})
    assert cfg.resolve_authconfig("reg.example")["username"] == "file"  # type: ignore[index]
    assert cfg.resolve_authconfig("other.example") is None


def test_cred_helpers_win_over_creds_store(bin_dir: Path) -> None:
    Helper(bin_dir, "default", {"a.example": ("from-default", "1"), "b.example": ("from-default", "2")})
    Helper(bin_dir, "special", {"https://b.example": ("from-special", "3")})
    cfg = auth.load_config(config_dict={"credsStore": "default",
                                        "credHelpers": {"https://b.example": "special"}})
    assert cfg.get_credential_store("b.example") == "special"
    assert auth.get_credential_store(cfg, "a.example") == "default"
    assert cfg.resolve_authconfig("a.example")["Username"] == "from-default"  # type: ignore[index]
    # The helper is asked under the name the client was given; the special one has no "b.example".
    assert cfg.resolve_authconfig("https://b.example")["Username"] == "from-special"  # type: ignore[index]


def test_missing_helper_names_program_and_registry(bin_dir: Path) -> None:
    cfg = auth.load_config(config_dict={"credHelpers": {"reg.example": "nowhere"}})
    with pytest.raises(errors.CredentialsError) as info:
        cfg.resolve_authconfig("reg.example")
    assert "docker-credential-nowhere" in str(info.value)
    assert "reg.example" in str(info.value)
    assert isinstance(info.value, StoreError)


def test_failing_helper_reports_its_message(bin_dir: Path) -> None:
    Helper(bin_dir, "broken", fail="the keychain is locked")
    cfg = auth.load_config(config_dict={"credsStore": "broken"})
    with pytest.raises(errors.CredentialsError) as info:
        cfg.resolve_authconfig("reg.example")
    message = str(info.value)
    assert "docker-credential-broken" in message and "reg.example" in message
    assert "the keychain is locked" in message


def test_helper_answering_garbage(bin_dir: Path) -> None:
    script = bin_dir / "docker-credential-garbage"
    script.write_text("#!/bin/sh\necho not json\n")
    script.chmod(0o755)
    with pytest.raises(StoreError, match="JSON"):
        Store("garbage").get("reg.example")


def test_get_all_credentials(bin_dir: Path) -> None:
    Helper(bin_dir, "default", {"https://a.example/v1/": ("ua", "pa")})
    Helper(bin_dir, "special", {"b.example": ("ub", "pb")})
    cfg = auth.load_config(config_dict={
        "auths": {"c.example": {"auth": b64("uc:pc")}},
        "credsStore": "default", "credHelpers": {"b.example": "special"}})
    everything = cfg.get_all_credentials()
    assert everything["c.example"]["username"] == "uc"
    assert everything["https://a.example/v1/"]["Username"] == "ua"
    assert everything["a.example"] == everything["https://a.example/v1/"]
    assert everything["b.example"]["Password"] == "pb"


# -- the headers -----------------------------------------------------------------------------

@pytest.fixture
def three_registries() -> auth.AuthConfig:
    return auth.load_config(config_dict={"auths": {
        "https://index.docker.io/v1/": {"auth": b64("hub:hubpw")},
        "127.0.0.1:5000": {"auth": b64("local:localpw")},
        "https://ghcr.io": {"identitytoken": "ghcr-token"},
    }})


@pytest.mark.parametrize("image, username", [
    ("busybox", "hub"),
    ("busybox:latest", "hub"),
    ("me/app@sha256:" + "a" * 64, "hub"),
    ("docker.io/library/busybox", "hub"),
    ("127.0.0.1:5000/x:tag", "local"),
    ("127.0.0.1:5000/deep/x", "local"),
])
def test_registry_auth_header_for_the_image_registry(three_registries: auth.AuthConfig, image: str,
                                                     username: str) -> None:
    assert decode_header(auth.registry_auth_header(three_registries, image))["username"] == username


def test_registry_auth_header_for_no_other_registry(three_registries: auth.AuthConfig) -> None:
    assert decode_header(auth.registry_auth_header(three_registries, "ghcr.io/o/a")) == {
        "IdentityToken": "ghcr-token"}
    for image in ("127.0.0.1:5001/x", "localhost:5000/x", "quay.io/x/y:1", "127.0.0.1/x"):
        assert auth.registry_auth_header(three_registries, image) is None, image


def test_registry_auth_header_through_a_helper(bin_dir: Path) -> None:
    helper = Helper(bin_dir, "good", {"127.0.0.1:5000": ("helped", "pw")})
    cfg = auth.load_config(config_dict={"credHelpers": {"127.0.0.1:5000": "good"}})
    assert decode_header(auth.registry_auth_header(cfg, "127.0.0.1:5000/x:1")) == {
        "ServerAddress": "127.0.0.1:5000", "Username": "helped", "Password": "pw"}
    assert auth.registry_auth_header(cfg, "busybox") is None
    assert [c["stdin"] for c in helper.calls()] == ["127.0.0.1:5000"]


def test_registry_auth_header_loads_the_config_when_given_nothing(config_dir: Path) -> None:
    write_config(config_dir, {"auths": {"127.0.0.1:5000": {"auth": b64("f:p")}}})
    assert decode_header(auth.registry_auth_header(None, "127.0.0.1:5000/x"))["username"] == "f"
    empty = auth.AuthConfig({})
    assert decode_header(auth.registry_auth_header(empty, "127.0.0.1:5000/x"))["password"] == "p"


def test_registry_config_header(three_registries: auth.AuthConfig) -> None:
    data = decode_header(auth.registry_config_header(three_registries))
    assert data["https://index.docker.io/v1/"]["username"] == "hub"
    assert data["127.0.0.1:5000"]["password"] == "localpw"
    assert data["https://ghcr.io"] == {"IdentityToken": "ghcr-token"}


def test_registry_config_header_adds_the_index_url(bin_dir: Path) -> None:
    cfg = auth.load_config(config_dict={"auths": {"docker.io": {"auth": b64("hub:pw")}, "x.example": {}}})
    data = decode_header(auth.registry_config_header(cfg))
    assert data[auth.INDEX_URL] == data["docker.io"]
    assert "x.example" not in data  # an empty entry says nothing


def test_registry_config_header_with_helpers(bin_dir: Path) -> None:
    Helper(bin_dir, "good", {"https://index.docker.io/v1/": ("hub", "hp"), "r.example": ("r", "rp")})
    cfg = auth.load_config(config_dict={"credsStore": "good"})
    data = decode_header(auth.registry_config_header(cfg))
    assert data[auth.INDEX_URL]["Username"] == "hub"
    assert data["index.docker.io"]["Password"] == "hp"
    assert data["r.example"]["Password"] == "rp"


def test_no_credentials_no_headers() -> None:
    assert auth.registry_config_header(None) is None
    assert auth.registry_auth_header(None, "busybox") is None


class _FakeClient:
    def __init__(self) -> None:
        self._auth_configs = auth.AuthConfig({})
        self.credstore_env: dict[str, str] | None = None


def test_get_config_header_reloads_empty_configs(config_dir: Path) -> None:
    client = _FakeClient()
    assert auth.get_config_header(client, "127.0.0.1:5000") is None
    write_config(config_dir, {"auths": {"127.0.0.1:5000": {"auth": b64("late:pw")}}})
    assert decode_header(auth.get_config_header(client, "127.0.0.1:5000"))["username"] == "late"
    assert not client._auth_configs.is_empty
