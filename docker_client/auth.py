"""Registry credentials as the docker CLI keeps them, and the headers that carry them to a daemon.

config.json's ``auths`` (``auth`` or ``identitytoken``), ``credsStore`` and ``credHelpers`` (run
through :mod:`.credentials.store`), and the legacy ``.dockercfg``; names follow docker-py's ``docker.auth``.
"""
from __future__ import annotations

import base64
import json
import logging
from typing import Any, Mapping

from . import errors
from .credentials.config import find_config_file
from .credentials.store import CredentialsNotFound, Store

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
    try:
        return login.decode("utf8"), pwd.decode("utf8")
    except UnicodeDecodeError:
        raise errors.InvalidConfigFile("an auth entry in the docker config is not UTF-8") from None


def encode_header(auth: dict[str, Any]) -> bytes:
    """The X-Registry-Auth header value: URL-safe base64 of the JSON credentials."""
    return base64.urlsafe_b64encode(json.dumps(auth).encode("ascii"))


class AuthConfig(dict):  # type: ignore[type-arg]
    """Credentials by registry, as docker-py's ``AuthConfig``: a dict with ``auths``,
    ``credsStore`` and ``credHelpers`` as config.json has them (``auths`` decoded).

    Args:
        dct: the parsed sections (see :meth:`load_config`).
        credstore_env: environment overrides for credential helper programs.
    """

    def __init__(self, dct: dict[str, Any], credstore_env: Mapping[str, str] | None = None) -> None:
        if "auths" not in dct:
            dct["auths"] = {}
        super().__init__(dct)
        self._credstore_env = dict(credstore_env) if credstore_env else None
        self._stores: dict[str, Store] = {}

    @classmethod
    def parse_auth(cls, entries: dict[str, Any], raise_on_error: bool = False) -> dict[str, Any]:
        """Decode config.json ``auths`` entries into ``{registry: credentials}``.

        Args:
            entries: ``{registry: {"auth": base64, "email": ...}}`` (or ``identitytoken``).
            raise_on_error: raise for an entry that is not an object; otherwise the whole
                result is ``{}`` (the caller was only guessing that this is an auth section).

        Raises:
            InvalidConfigFile: a malformed entry (with ``raise_on_error``), or an ``auth`` value
                that is not base64 of ``user:password``.
        """
        conf: dict[str, Any] = {}
        for registry, entry in entries.items():
            if not isinstance(entry, dict):
                if raise_on_error:
                    raise errors.InvalidConfigFile(f"Invalid configuration for registry {registry}")
                return {}
            if entry.get("identitytoken"):
                conf[registry] = {"IdentityToken": entry["identitytoken"]}
                continue
            if not entry.get("auth"):
                # Empty: the credentials live in a helper. The docker CLI also keeps
                # ``username``/``password`` written out by hand.
                if entry.get("username") is not None and entry.get("password") is not None:
                    conf[registry] = {"username": entry["username"], "password": entry["password"],
                                      "email": entry.get("email"), "serveraddress": registry}
                else:
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
                    credstore_env: Mapping[str, str] | None = None) -> AuthConfig:
        """Credentials from ``config_dict``, else from the config file.

        The file is the first of: ``config_path``, ``$DOCKER_CONFIG/config.json``,
        ``~/.docker/config.json``, ``~/.dockercfg``. A file that is not JSON is read as the
        legacy ``.dockercfg`` (``auth = ...``/``email = ...`` lines); JSON without ``auths``,
        ``credsStore`` or ``credHelpers`` as the old ``{registry: {"auth": ...}}`` format.

        Raises:
            InvalidConfigFile: the file or dict is malformed.
        """
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
        res: dict[str, Any] = {}
        if config_dict.get("auths"):
            if not isinstance(config_dict["auths"], dict):
                raise errors.InvalidConfigFile("the docker config's auths is not an object")
            res["auths"] = cls.parse_auth(config_dict["auths"], raise_on_error=True)
        if config_dict.get("credsStore"):
            res["credsStore"] = config_dict["credsStore"]
        if config_dict.get("credHelpers"):
            if not isinstance(config_dict["credHelpers"], dict):
                raise errors.InvalidConfigFile("the docker config's credHelpers is not an object")
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

    def get_credential_store(self, registry: str | None) -> str | None:
        """The helper (``"pass"``, ``"desktop"``...) that holds ``registry``'s credentials, or None.

        A ``credHelpers`` entry wins over ``credsStore``; its key may be a host or a URL.
        """
        wanted = resolve_index_name(registry) if registry else INDEX_NAME
        helpers = self.cred_helpers
        for key in (registry, INDEX_URL if wanted == INDEX_NAME else None):
            if key and helpers.get(key):
                return helpers[key]
        for key, name in helpers.items():
            if name and resolve_index_name(key) == wanted:
                return name
        return self.creds_store

    def resolve_authconfig(self, registry: str | None = None) -> dict[str, Any] | None:
        """The credentials for ``registry`` (default: Docker Hub), or None.

        A credential helper is asked first when one is configured for the registry; then the
        ``auths`` entry whose host (a legacy full URL is cut down to its host) is the registry's.

        Raises:
            CredentialsError: the helper is missing or failed.
        """
        store_name = self.get_credential_store(registry)
        if store_name:
            cfg = self._resolve_authconfig_credstore(registry, store_name)
            if cfg is not None:
                return cfg
            log.debug("no credentials in the %s helper; looking in auths", store_name)
        wanted = resolve_index_name(registry) if registry else INDEX_NAME
        if wanted in self.auths:
            return self.auths[wanted]  # type: ignore[no-any-return]
        for key, conf in self.auths.items():
            if resolve_index_name(key) == wanted:
                return conf  # type: ignore[no-any-return]
        return None

    def _resolve_authconfig_credstore(self, registry: str | None,
                                      store_name: str) -> dict[str, Any] | None:
        """docker-py's shape: ``ServerAddress`` and ``Username``/``Password`` or ``IdentityToken``."""
        if not registry or resolve_index_name(registry) == INDEX_NAME:
            # Docker Hub's credentials are stored under the full legacy index URL.
            server = INDEX_URL
        else:
            server = registry
        try:
            data = self._get_store_instance(store_name).get(server)
        except CredentialsNotFound:
            return None
        res: dict[str, Any] = {"ServerAddress": server}
        if data.get("Username") == TOKEN_USERNAME:
            res["IdentityToken"] = data.get("Secret", "")
        else:
            res["Username"] = data.get("Username", "")
            res["Password"] = data.get("Secret", "")
        return res

    def _get_store_instance(self, name: str) -> Store:
        if name not in self._stores:
            self._stores[name] = Store(name, environment=self._credstore_env)
        return self._stores[name]

    def get_all_credentials(self) -> dict[str, Any]:
        """Every registry's credentials: ``auths``, then all of ``credsStore``, then ``credHelpers``.

        Helper entries appear under the server URL they are stored as and under its host.

        Raises:
            CredentialsError: a helper is missing or failed.
        """
        auth_data: dict[str, Any] = dict(self.auths)
        if self.creds_store:
            store = self._get_store_instance(self.creds_store)
            for server in store.list():
                auth_data[server] = self._resolve_authconfig_credstore(server, self.creds_store)
                auth_data[convert_to_hostname(server)] = auth_data[server]
        for server, store_name in self.cred_helpers.items():
            if not store_name:
                continue
            auth_data[server] = self._resolve_authconfig_credstore(server, store_name)
            auth_data[convert_to_hostname(server)] = auth_data[server]
        return auth_data

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
    except (OSError, UnicodeDecodeError, KeyError, errors.InvalidConfigFile):
        log.debug("no usable legacy config in %s", config_file)
        return {}
    return {"auths": {INDEX_NAME: {"username": username, "password": password,
                                   "email": data.get("email"), "serveraddress": INDEX_URL}}}


def load_config(config_path: str | None = None, config_dict: dict[str, Any] | None = None,
                credstore_env: Mapping[str, str] | None = None) -> AuthConfig:
    """docker-py's ``auth.load_config``: see :meth:`AuthConfig.load_config`."""
    return AuthConfig.load_config(config_path, config_dict, credstore_env)


def parse_auth(entries: dict[str, Any], raise_on_error: bool = False) -> dict[str, Any]:
    """docker-py's ``auth.parse_auth``: see :meth:`AuthConfig.parse_auth`."""
    return AuthConfig.parse_auth(entries, raise_on_error)


def _as_auth_config(authconfig: AuthConfig | Mapping[str, Any] | None,
                    credstore_env: Mapping[str, str] | None) -> AuthConfig:
    """``authconfig`` as an :class:`AuthConfig`; None or empty: the docker config file's."""
    if authconfig is None or not authconfig or (isinstance(authconfig, AuthConfig) and authconfig.is_empty):
        return load_config(credstore_env=credstore_env)
    if isinstance(authconfig, AuthConfig):
        return authconfig
    return AuthConfig(dict(authconfig), credstore_env)


def resolve_authconfig(authconfig: AuthConfig | Mapping[str, Any], registry: str | None = None,
                       credstore_env: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """docker-py's ``auth.resolve_authconfig``: see :meth:`AuthConfig.resolve_authconfig`."""
    if not isinstance(authconfig, AuthConfig):
        authconfig = AuthConfig(dict(authconfig), credstore_env)
    return authconfig.resolve_authconfig(registry)


def get_credential_store(authconfig: AuthConfig | Mapping[str, Any], registry: str | None) -> str | None:
    """docker-py's ``auth.get_credential_store``: the helper name for ``registry``, or None."""
    if not isinstance(authconfig, AuthConfig):
        authconfig = AuthConfig(dict(authconfig))
    return authconfig.get_credential_store(registry)


def client_auth_configs(client: Any) -> AuthConfig:
    """The client's credentials (``_auth_configs``), reloaded from the config file when empty
    (docker-py does so)."""
    if not client._auth_configs or client._auth_configs.is_empty:
        client._auth_configs = load_config(credstore_env=client.credstore_env)
    return client._auth_configs  # type: ignore[no-any-return]


def get_config_header(client: Any, registry: str | None) -> bytes | None:
    """X-Registry-Auth for ``registry`` from the client's credentials, or None.

    Raises:
        CredentialsError: a credential helper is missing or failed.
    """
    authcfg = client_auth_configs(client).resolve_authconfig(registry)
    return encode_header(authcfg) if authcfg else None


def registry_auth_header(auth_configs: AuthConfig | Mapping[str, Any] | None, image_name: str,
                         credstore_env: Mapping[str, str] | None = None) -> bytes | None:
    """X-Registry-Auth for pushing or pulling ``image_name``: the credentials of the registry the
    name resolves to, and of no other registry; None when there are none.

    ``busybox`` and ``me/app:1`` resolve to Docker Hub, ``127.0.0.1:5000/x:tag`` to
    ``127.0.0.1:5000``, ``localhost/x`` to ``localhost``.

    Args:
        auth_configs: the client's ``_auth_configs``; None or empty: the docker config file's.
        image_name: an image name, with or without tag or digest.
        credstore_env: environment overrides for credential helpers.

    Raises:
        InvalidRepository: ``image_name`` has a scheme or a malformed registry host.
        CredentialsError: the registry's credential helper is missing or failed.
    """
    registry, _ = resolve_repository_name(image_name)
    authcfg = _as_auth_config(auth_configs, credstore_env).resolve_authconfig(registry)
    return encode_header(authcfg) if authcfg else None


def registry_config_header(auth_configs: AuthConfig | Mapping[str, Any] | None,
                           credstore_env: Mapping[str, str] | None = None) -> bytes | None:
    """X-Registry-Config for ``POST /build``: every registry's credentials (a build may pull from
    any), or None when there are none.

    The value is URL-safe base64 of ``{registry: credentials}``; Docker Hub's are also put
    under the legacy index URL, which older daemons look up.

    Args:
        auth_configs: the client's ``_auth_configs``; None or empty: the docker config file's.
        credstore_env: environment overrides for credential helpers.

    Raises:
        CredentialsError: a credential helper is missing or failed.
    """
    auth_data = {registry: conf for registry, conf
                 in _as_auth_config(auth_configs, credstore_env).get_all_credentials().items() if conf}
    if INDEX_URL not in auth_data and INDEX_NAME in auth_data:
        auth_data[INDEX_URL] = auth_data[INDEX_NAME]
    log.debug("X-Registry-Config for %s", ", ".join(repr(k) for k in auth_data) or "no registry")
    return encode_header(auth_data) if auth_data else None


__all__ = [
    "INDEX_NAME", "INDEX_URL", "TOKEN_USERNAME", "AuthConfig", "convert_to_hostname", "decode_auth",
    "encode_header", "get_config_header", "get_credential_store", "load_config", "parse_auth",
    "registry_auth_header", "registry_config_header", "resolve_authconfig", "resolve_index_name",
    "resolve_repository_name", "split_repo_name",
]
