"""Swarm config endpoints: create, inspect, list, update (labels) and remove configs (API 1.30+).

Configs are like secrets whose data can be read back; services get them as files through
``ConfigReference``.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Optional, Union

from ..utils.convert import convert_filters
from ..utils.resources import resource_id
from ._base import ApiMixin
from .secret import driver_config, encode_data, object_name, string_map
from .swarm import version_index

#: A config: its id or name, or a dict with its ``ID``.
Config = Union[str, Mapping[str, Any]]


class ConfigApiMixin(ApiMixin):
    def create_config(self, name: str, data: Union[bytes, str], labels: Optional[Mapping[str, str]] = None,
                      templating: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
        """Create a config, as ``docker config create`` does (``POST /configs/create``, API 1.30+).

        Args:
            name: the config's name.
            data: its content (a string is sent as UTF-8); at most 500 KB.
            labels: the config's labels.
            templating: ``{"Name": "golang"}`` to expand templates in the data for each task
                (API 1.37+).

        Returns:
            ``{"ID": ...}``.

        Raises:
            InvalidArgument: a name that is not a non-empty string, data that is neither bytes nor
                text, labels that are not strings.
            InvalidVersion: before API 1.30, or ``templating`` before 1.37.
            Conflict: the name is taken.
        """
        self._require("POST /configs/create")
        body: dict[str, Any] = {
            "Data": encode_data(data, "the config's"),
            "Name": object_name(name, "the config's"),
            "Labels": string_map(labels, "labels"),
        }
        if templating is not None:
            self._require("POST /configs/create Templating")
            body["Templating"] = driver_config(templating, "templating")
        return self._result(self._post_json(self._url("/configs/create"), data=body), json=True)  # type: ignore[no-any-return]

    def inspect_config(self, id: Config) -> dict[str, Any]:
        """A config, its data base64-encoded in ``Spec.Data`` (``GET /configs/{id}``, API 1.30+).

        Args:
            id: the config's id or name.

        Raises:
            NotFound: no such config.
        """
        self._require("GET /configs/{id}")
        url = self._url("/configs/{0}", resource_id(id, "config"))
        return self._result(self._get(url), json=True)  # type: ignore[no-any-return]

    def configs(self, filters: Optional[Mapping[str, Any]] = None) -> List[dict[str, Any]]:
        """The swarm's configs, as ``docker config ls`` lists them (``GET /configs``, API 1.30+).

        Args:
            filters: ``id``, ``name``, ``names``, ``label``.
        """
        self._require("GET /configs")
        params = self._params(filters=convert_filters(filters) if filters else None)
        return self._result(self._get(self._url("/configs"), params=params), json=True)  # type: ignore[no-any-return]

    def update_config(self, id: Config, version: int, labels: Optional[Mapping[str, str]] = None) -> bool:
        """Replace a config's labels (``POST /configs/{id}/update``, API 1.30+).

        Only the labels of a config can change; the rest of its spec is taken from
        :meth:`inspect_config` (one more request).

        Args:
            id: the config's id or name.
            version: ``inspect_config(id)["Version"]["Index"]``: an update based on an older
                version is refused.
            labels: all of the config's labels; None or ``{}`` removes them.

        Returns:
            True.

        Raises:
            InvalidArgument: a version that is not an int, labels that are not strings.
            NotFound: no such config.
            APIError: an outdated version.
        """
        self._require("POST /configs/{id}/update")
        config_id = resource_id(id, "config")
        index = version_index(version)
        new_labels = string_map(labels, "labels") or {}
        current = self.inspect_config(config_id)
        spec = dict(current.get("Spec") or {})
        spec["Labels"] = new_labels
        url = self._url("/configs/{0}/update", str(current.get("ID") or config_id))
        self._result(self._post_json(url, data=spec, params=self._params(version=index)))
        return True

    def remove_config(self, id: Config) -> bool:
        """Remove a config (``DELETE /configs/{id}``, API 1.30+).

        Returns:
            True.

        Raises:
            NotFound: no such config.
            APIError: a service still uses it.
        """
        self._require("DELETE /configs/{id}")
        url = self._url("/configs/{0}", resource_id(id, "config"))
        self._result(self._delete(url))
        return True
