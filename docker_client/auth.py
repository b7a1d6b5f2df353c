"""Registry credentials as the docker CLI keeps them, and the X-Registry-Auth header.

config.json's ``auths`` (``auth`` or ``identitytoken``) are read here; the legacy
``.dockercfg`` format too. Names follow docker-py's ``docker.auth``.
"""
from __future__ import annotations

import base64
import json
import logging
from typing import Any

from . import errors
from .credentials.config import find_config_file

log = logging.getLogger(__name__)

INDEX_NAME = "docker.io"
INDEX_URL = f"https://index.{INDEX_NAME}/v1/"
TOKEN_USERNAME = "<token>"


def split_repo_name(repo_name: str) -> tuple[str, str]:
    """``("registry host", "remote name")`` of a repository name."""
    parts = repo_name.split("/", 1)
    if len(parts) == 1 or ("." not in parts[0] and ":" not in parts[0] and parts[0] != "localhost"):
        return INDEX_NAME, repo_name
    return parts[0], parts[1]


def convert_to_hostname(url: str) -> str:
    return url.replace("http://", "").replace("https://", "").split("/", 1)[0]


def resolve_index_name(index_name: str) -> str:
    index_name = convert_to_hostname(index_name)
    if index_name == "index." + INDEX_NAME:
        index_name = INDEX_NAME
    return index_name


def resolve_repository_name(repo_name: str) -> tuple[str, str]:
    """The registry and remote name of a repository.

    Raises:
        InvalidRepository: a scheme in the name, or a malformed registry host.
    """
    if "://" in repo_name:
        raise errors.InvalidRepository(f"Repository name cannot contain a scheme ({repo_name})")
    index_name, remote_name = split_repo_name(repo_name)
    if not index_name or index_name[0] == "-" or index_name[-1] == "-":
        raise errors.InvalidRepository(
            f"Invalid index name ({index_name}). Cannot begin or end with a hyphen."
        )
    return resolve_index_name(index_name), remote_name


def decode_auth(auth: str | bytes) -> tuple[str, str]:
    """``(username, password)`` from a config.json ``auth`` value.

    Raises:
        InvalidConfigFile: not base64 of ``user:password``.
    """
    if isinstance(auth, str):
        auth = auth.encode("ascii", "replace")
    try:
        login, sep, pwd = base64.b64decode(auth).partition(b":")
    except ValueError:
        raise errors.InvalidConfigFile("an auth entry in the docker config is not valid base64") from None
    if not sep:
        raise errors.InvalidConfigFile("an auth entry in the docker config has no ':' separator")
    return login.decode("utf8"), pwd.decode("utf8")


def encode_header(auth: dict[str, Any]) -> bytes:
    """The X-Registry-Auth header value: URL-safe base64 of the JSON credentials."""
    return base64.urlsafe_b64encode(json.dumps(auth).encode("ascii"))


class AuthConfig(dict):  # type: ignore[type-arg]
    """Credentials by registry, as docker-py's ``AuthConfig`` (a dict with ``auths``...)."""

    def __init__(self, dct: dict[str, Any], credstore_env: dict[str, str] | None = None) -> None:
        if "auths" not in dct:
            dct["auths"] = {}
        super().__init__(dct)
        self._credstore_env = credstore_env

    @classmethod
    def parse_auth(cls, entries: dict[str, Any], raise_on_error: bool = False) -> dict[str, Any]:
        conf: dict[str, Any] = {}
        for registry, entry in entries.items():
            if not isinstance(entry, dict):
                if raise_on_error:
                    raise errors.InvalidConfigFile(f"Invalid configuration for registry {registry}")
                return {}
            if "identitytoken" in entry:
                conf[registry] = {"IdentityToken": entry["identitytoken"]}
                continue
            if "auth" not in entry:
                conf[registry] = {}
                continue
            username, password = decode_auth(entry["auth"])
            conf[registry] = {
                "username": username,
                "password": password,
                "email": entry.get("email"),
                "serveraddress": registry,
            }
        return conf

    @classmethod
    def load_config(cls, config_path: str | None, config_dict: dict[str, Any] | None,
                    credstore_env: dict[str, str] | None = None) -> AuthConfig:
        if not config_dict:
            config_file = find_config_file(config_path)
            if not config_file:
                return cls({}, credstore_env)
            try:
                with open(config_file, encoding="utf-8") as f:
                    config_dict = json.load(f)
            except (OSError, ValueError):
                return cls(_load_legacy_config(config_file), credstore_env)
        if not isinstance(config_dict, dict):
            raise errors.InvalidConfigFile("the docker config file is not a JSON object")
        config_dict = dict(config_dict)
        res: dict[str, Any] = {}
        if config_dict.get("auths"):
            res["auths"] = cls.parse_auth(config_dict["auths"], raise_on_error=True)
        if config_dict.get("credsStore"):
            res["credsStore"] = config_dict["credsStore"]
        if config_dict.get("credHelpers"):
            res["credHelpers"] = config_dict["credHelpers"]
        if res:
            return cls(res, credstore_env)
        return cls({"auths": cls.parse_auth(config_dict)}, credstore_env)

    @property
    def auths(self) -> dict[str, Any]:
        return self.get("auths", {})  # type: ignore[no-any-return]

    @property
    def creds_store(self) -> str | None:
        return self.get("credsStore")

    @property
    def cred_helpers(self) -> dict[str, str]:
        return self.get("credHelpers", {})  # type: ignore[no-any-return]

    @property
    def is_empty(self) -> bool:
        return not self.auths and not self.creds_store and not self.cred_helpers

    def resolve_authconfig(self, registry: str | None = None) -> dict[str, Any] | None:
        """The credentials for ``registry`` (default: Docker Hub), or None."""
        registry = resolve_index_name(registry) if registry else INDEX_NAME
        if registry in self.auths:
            return self.auths[registry]  # type: ignore[no-any-return]
        for key, conf in self.auths.items():
            if resolve_index_name(key) == registry:
                return conf  # type: ignore[no-any-return]
        return None

    def add_auth(self, reg: str, data: dict[str, Any]) -> None:
        self["auths"][reg] = data


def _load_legacy_config(config_file: str) -> dict[str, Any]:
    """The legacy ``.dockercfg`` format: ``auth = ...`` and ``email = ...`` lines."""
    try:
        with open(config_file, encoding="utf-8") as f:
            lines = [line.strip() for line in f if line.strip()]
        data = {}
        for line in lines[:2]:
            key, _, value = line.partition("=")
            data[key.strip()] = value.strip()
        username, password = decode_auth(data["auth"])
    except (OSError, KeyError, errors.InvalidConfigFile):
        log.debug("no usable legacy config in %s", config_file)
        return {}
    return {"auths": {INDEX_NAME: {"username": username, "password": password,
                                   "email": data.get("email"), "serveraddress": INDEX_URL}}}


def load_config(config_path: str | None = None, config_dict: dict[str, Any] | None = None,
                credstore_env: dict[str, str] | None = None) -> AuthConfig:
    """docker-py's ``auth.load_config``."""
    return AuthConfig.load_config(config_path, config_dict, credstore_env)


def resolve_authconfig(authconfig: AuthConfig | dict[str, Any], registry: str | None = None,
                       credstore_env: dict[str, str] | None = None) -> dict[str, Any] | None:
    if not isinstance(authconfig, AuthConfig):
        authconfig = AuthConfig(dict(authconfig), credstore_env)
    return authconfig.resolve_authconfig(registry)


def get_config_header(client: Any, registry: str | None) -> bytes | None:
    """X-Registry-Auth for ``registry`` from the client's credentials, or None."""
    if not client._auth_configs or client._auth_configs.is_empty:
        client._auth_configs = load_config(credstore_env=client.credstore_env)
    authcfg = client._auth_configs.resolve_authconfig(registry)
    return encode_header(authcfg) if authcfg else None


__all__ = [
    "INDEX_NAME", "INDEX_URL", "AuthConfig", "decode_auth", "encode_header", "get_config_header",
    "load_config", "resolve_authconfig", "resolve_index_name", "resolve_repository_name",
    "split_repo_name",
]
