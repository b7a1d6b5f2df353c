"""System endpoints: ping, version, info, events, disk usage, registry login, config reload."""
from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterable, Literal, Union, overload

from .. import auth, streams
from ..utils.convert import convert_filters, to_timestamp
from ._base import ApiMixin

if TYPE_CHECKING:
    from .. import answers

_Time = Union[datetime, float, str, None]

_PING_HEADERS = {
    "Api-Version": "ApiVersion",
    "Ostype": "OSType",
    "Docker-Experimental": "Experimental",
    "Builder-Version": "BuilderVersion",
    "Swarm": "Swarm",
}


class SystemApiMixin(ApiMixin):
    def ping(self) -> bool:
        """Whether the daemon answers ``GET /_ping`` with ``OK``.

        Raises:
            APIError: the daemon answered with an error.
            DockerConnectionError: the daemon could not be reached.
        """
        return self._result(self._get(self._url("/_ping"))) == "OK"  # type: ignore[no-any-return]

    def ping_info(self) -> dict[str, Any]:
        """What ``/_ping``'s headers say: ``ApiVersion``, ``OSType``, ``Experimental``,
        ``BuilderVersion`` and (newer daemons) ``Swarm``; by ``HEAD`` where the API has it.
        """
        url = self._url("/_ping")
        if self._supports("HEAD /_ping"):
            response = self._head(url)
        else:
            response = self._get(url)
        self._result(response)
        info: dict[str, Any] = {}
        for header, key in _PING_HEADERS.items():
            if header in response.headers:
                info[key] = response.headers[header]
        if "Experimental" in info:
            info["Experimental"] = info["Experimental"].lower() == "true"
        return info

    def version(self, api_version: bool = True) -> answers.SystemVersion:
        """The daemon's version information (``GET /version``).

        Args:
            api_version: put the API version in the URL; ``False`` asks the unversioned path.
        """
        url = self._url("/version", versioned_api=api_version)
        return self._result(self._get(url), json=True)  # type: ignore[no-any-return]

    def info(self) -> answers.SystemInfo:
        """System-wide information (``GET /info``)."""
        return self._result(self._get(self._url("/info")), json=True)  # type: ignore[no-any-return]

    def df(self, type: Iterable[str] | str | None = None,
           verbose: bool | None = None) -> answers.SystemDataUsageResponse:
        """Disk usage (``GET /system/df``).

        Args:
            type: only these object types: ``container``, ``image``, ``volume``,
                ``build-cache`` (API 1.42+).
            verbose: include detailed information (API 1.42+).
        """
        self._require("GET /system/df")
        if type is not None:
            self._require("GET /system/df type")
            type = [type] if isinstance(type, str) else list(type)
        if verbose is not None:
            self._require("GET /system/df verbose")
        params = self._params(type=type, verbose=verbose)
        return self._result(self._get(self._url("/system/df"), params=params), json=True)  # type: ignore[no-any-return]

    @overload
    def events(self, since: _Time = ..., until: _Time = ..., filters: dict[str, Any] | None = ...,
               *, decode: Literal[True]) -> streams.Stream[answers.EventMessage]: ...

    @overload
    def events(self, since: _Time = ..., until: _Time = ..., filters: dict[str, Any] | None = ...,
               decode: Literal[False, None] = ...) -> streams.Stream[bytes]: ...

    def events(self, since: _Time = None, until: _Time = None,
               filters: dict[str, Any] | None = None, decode: bool | None = None) -> streams.Stream[Any]:
        """The daemon's events as they happen (``GET /events``).

        Args:
            since: events from this time (a datetime or a Unix timestamp).
            until: events until this time; without it the stream stays open.
            filters: e.g. ``{"type": "container", "event": ["start", "die"]}``.
            decode: yield dicts instead of each event's JSON bytes.

        Returns:
            A stream: iterate it, and ``close()`` it (or use ``with``) to stop, from another
            thread too.

        Example:
            >>> with client.events(decode=True, filters={"type": "container"}) as events:
            ...     for event in events:
            ...         print(event["Action"])
        """
        params = self._params(
            since=to_timestamp(since, "since"),
            until=to_timestamp(until, "until"),
            filters=convert_filters(filters) if filters else None,
        )
        response = self._get(self._url("/events"), params=params, stream=True, timeout=self._head_timeout())
        decoder = streams.iter_json if decode else streams.iter_json_lines
        return self._stream(response, decoder)

    def login(self, username: str, password: str | None = None, email: str | None = None,
              registry: str | None = None, reauth: bool = False,
              dockercfg_path: str | None = None) -> dict[str, Any]:
        """Check credentials with the daemon (``POST /auth``) and keep them for this client.

        Credentials already known for ``registry`` with the same username are returned without
        asking the daemon, unless ``reauth`` is set.

        Returns:
            The daemon's answer (``Status``, maybe ``IdentityToken``), or the known credentials.
        """
        if dockercfg_path and os.path.exists(dockercfg_path):
            self._auth_configs = auth.load_config(dockercfg_path, credstore_env=self.credstore_env)
        elif not self._auth_configs or self._auth_configs.is_empty:
            self._auth_configs = auth.load_config(credstore_env=self.credstore_env)
        known = self._auth_configs.resolve_authconfig(registry)
        if known and known.get("username") == username and not reauth:
            return known
        request = {"username": username, "password": password, "email": email,
                   "serveraddress": registry}
        response = self._post_json(self._url("/auth"), data=request)
        result = self._result(response, json=True)
        self._auth_configs.add_auth(registry or auth.INDEX_NAME, request)
        return result  # type: ignore[no-any-return]

    def reload_config(self, dockercfg_path: str | None = None) -> None:
        """Read the registry credentials again (from ``dockercfg_path`` if given)."""
        self._auth_configs = auth.load_config(dockercfg_path, credstore_env=self.credstore_env)
