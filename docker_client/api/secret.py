"""Swarm secret endpoints: create, inspect, list, update (labels) and remove secrets (API 1.25+).

A secret's data is never read back; services get it as files through ``SecretReference``.
"""
from __future__ import annotations

import base64
from typing import Any, List, Mapping, Optional, Union

from ..errors import InvalidType
from ..utils.convert import convert_filters
from ..utils.resources import resource_id
from ._base import ApiMixin
from .swarm import version_index

#: A secret: its id or name, or a dict with its ``ID``.
Secret = Union[str, Mapping[str, Any]]


def encode_data(data: Union[bytes, str], what: str) -> str:
    """``data`` (bytes, or text sent as UTF-8) in base64, as secret and config bodies take it.

    Raises:
        InvalidArgument: neither bytes nor a string.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidType(f"{what} data must be bytes or a string, not {type(data).__name__}")
    return base64.b64encode(bytes(data)).decode("ascii")


def string_map(value: Any, what: str) -> Optional[dict[str, str]]:
    """``value`` as a dict of strings, or None.

    Raises:
        InvalidArgument: not a dict of strings to strings.
    """
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InvalidType(f"{what} must be a dict of strings to strings, not {value!r}")
    return dict(value)


def driver_config(value: Any, what: str) -> dict[str, Any]:
    """A ``{"Name": ..., "Options": ...}`` driver (a DriverConfig, or a dict with ``name``).

    Raises:
        InvalidArgument: no driver name.
    """
    if not isinstance(value, Mapping):
        raise InvalidType(f"{what} must be a DriverConfig (or {{'name': driver}}), not {value!r}")
    name = value.get("Name", value.get("name"))
    if not isinstance(name, str) or not name:
        raise InvalidType(f"{what} needs the driver's name, not {value!r}")
    result: dict[str, Any] = {"Name": name}
    options = value.get("Options", value.get("options"))
    if options:
        result["Options"] = string_map(options, f"{what} options")
    return result


def object_name(name: Any, what: str) -> str:
    """A secret's or config's name: a string; an empty one is the daemon's to refuse (400)."""
    if not isinstance(name, str):
        raise InvalidType(f"{what} name must be a string, not {name!r}")
    return name


class SecretApiMixin(ApiMixin):
    def create_secret(self, name: str, data: Union[bytes, str], labels: Optional[Mapping[str, str]] = None,
                      driver: Optional[Mapping[str, Any]] = None, *,
                      templating: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
        """Create a secret, as ``docker secret create`` does (``POST /secrets/create``, API 1.25+).

        Args:
            name: the secret's name.
            data: its content (a string is sent as UTF-8); at most 500 KB.
            labels: the secret's labels.
            driver: a :class:`~docker_client.types.DriverConfig` for an external secret store
                (API 1.31+); the swarm's own store by default.
            templating: ``{"Name": "golang"}`` to expand templates in the data for each task
                (API 1.37+).

        Returns:
            ``{"ID": ...}``.

        Raises:
            InvalidArgument: a name that is not a non-empty string, data that is neither bytes nor
                text, labels that are not strings.
            InvalidVersion: ``driver`` or ``templating`` on an API version without them.
            Conflict: the name is taken (API 1.31+; 500 before).
        """
        self._require("POST /secrets/create")
        body: dict[str, Any] = {
            "Data": encode_data(data, "the secret's"),
            "Name": object_name(name, "the secret's"),
            "Labels": string_map(labels, "labels"),
        }
        if driver is not None:
            self._require("POST /secrets/create Driver")
            body["Driver"] = driver_config(driver, "driver")
        if templating is not None:
            self._require("POST /secrets/create Templating")
            body["Templating"] = driver_config(templating, "templating")
        return self._result(self._post_json(self._url("/secrets/create"), data=body), json=True)  # type: ignore[no-any-return]

    def inspect_secret(self, id: Secret) -> dict[str, Any]:
        """A secret's metadata (never its data) (``GET /secrets/{id}``, API 1.25+).

        Args:
            id: the secret's id or name.

        Raises:
            NotFound: no such secret.
        """
        self._require("GET /secrets/{id}")
        url = self._url("/secrets/{0}", resource_id(id, "secret"))
        return self._result(self._get(url), json=True)  # type: ignore[no-any-return]

    def secrets(self, filters: Optional[Mapping[str, Any]] = None) -> List[dict[str, Any]]:
        """The swarm's secrets, as ``docker secret ls`` lists them (``GET /secrets``, API 1.25+).

        Args:
            filters: ``id``, ``name``, ``names``, ``label``.
        """
        self._require("GET /secrets")
        params = self._params(filters=convert_filters(filters) if filters else None)
        return self._result(self._get(self._url("/secrets"), params=params), json=True)  # type: ignore[no-any-return]

    def update_secret(self, id: Secret, version: int, labels: Optional[Mapping[str, str]] = None) -> bool:
        """Replace a secret's labels (``POST /secrets/{id}/update``, API 1.25+).

        Only the labels of a secret can change; the rest of its spec is taken from
        :meth:`inspect_secret` (one more request).

        Args:
            id: the secret's id or name.
            version: ``inspect_secret(id)["Version"]["Index"]``: an update based on an older
                version is refused.
            labels: all of the secret's labels; None or ``{}`` removes them.

        Returns:
            True.

        Raises:
            InvalidArgument: a version that is not an int, labels that are not strings.
            NotFound: no such secret.
            APIError: an outdated version.
        """
        self._require("POST /secrets/{id}/update")
        secret_id = resource_id(id, "secret")
        index = version_index(version)
        new_labels = string_map(labels, "labels") or {}
        current = self.inspect_secret(secret_id)
        spec = {k: v for k, v in (current.get("Spec") or {}).items() if k != "Data"}
        spec["Labels"] = new_labels
        url = self._url("/secrets/{0}/update", str(current.get("ID") or secret_id))
        self._result(self._post_json(url, data=spec, params=self._params(version=index)))
        return True

    def remove_secret(self, id: Secret) -> bool:
        """Remove a secret (``DELETE /secrets/{id}``, API 1.25+).

        Returns:
            True.

        Raises:
            NotFound: no such secret (API 1.31+; 500 before).
            APIError: a service still uses it.
        """
        self._require("DELETE /secrets/{id}")
        url = self._url("/secrets/{0}", resource_id(id, "secret"))
        self._result(self._delete(url))
        return True
