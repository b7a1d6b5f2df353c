"""Volume endpoints: list, create, inspect, remove and prune volumes; update cluster volumes.

Cluster (CSI) volumes exist only on a swarm manager with a CSI plugin, from API 1.42.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

from ..errors import InvalidType
from ..utils.convert import convert_filters
from ..utils.resources import resource_id
from ._base import ApiMixin
from .swarm import version_index

if TYPE_CHECKING:
    from .. import answers

#: A volume: its name, or a dict with its ``Name``.
Volume = Union[str, Mapping[str, Any]]


def _volume_name(volume: Any) -> str:
    if isinstance(volume, Mapping) and "Name" in volume:
        volume = volume["Name"]
    return resource_id(volume, "volume name")


def _string_map(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InvalidType(f"{what} must be a dictionary of strings to strings, not {value!r}")
    return dict(value)




class VolumeApiMixin(ApiMixin):
    def volumes(self, filters: Optional[Mapping[str, Any]] = None) -> answers.VolumeListResponse:
        """List volumes, as ``docker volume ls`` does (``GET /volumes``).

        Args:
            filters: ``dangling`` (bool), ``driver``, ``label`` (``"k"`` or ``"k=v"``), ``name``.

        Returns:
            ``{"Volumes": [...], "Warnings": [...]}`` (``Volumes`` may be None when there are none).
        """
        params = self._params(filters=convert_filters(filters) if filters else None)
        return self._result(self._get(self._url("/volumes"), params=params), json=True)  # type: ignore[no-any-return]

    def create_volume(self, name: Optional[str] = None, driver: Optional[str] = None,
                      driver_opts: Optional[Mapping[str, str]] = None,
                      labels: Optional[Mapping[str, str]] = None, *,
                      cluster_volume_spec: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
        """Create a volume, as ``docker volume create`` does (``POST /volumes/create``).

        Creating a volume whose name exists returns the existing one.

        Args:
            name: the volume's name; the daemon makes one up when not given.
            driver: the volume driver (``local`` by default).
            driver_opts: the driver's options, e.g. ``{"type": "tmpfs", "device": "tmpfs"}``.
            labels: the volume's labels.
            cluster_volume_spec: the API's ``ClusterVolumeSpec`` for a cluster (CSI) volume
                (API 1.42+, on a swarm manager).

        Returns:
            The volume, as :meth:`inspect_volume` shows it.

        Raises:
            InvalidArgument: a name that is not a string, options or labels that are not dicts
                of strings.
            InvalidVersion: ``cluster_volume_spec`` before API 1.42.

        Example:
            >>> client.create_volume("data", driver="local", labels={"team": "a"})
            {'Name': 'data', 'Driver': 'local', 'Labels': {'team': 'a'}, ...}
        """
        if name is not None and not isinstance(name, str):
            raise InvalidType(f"a volume's name must be a string, not {name!r}")
        if driver is not None and not isinstance(driver, str):
            raise InvalidType(f"driver must be a string, not {driver!r}")
        if driver_opts is not None and not isinstance(driver_opts, Mapping):
            raise InvalidType("driver_opts must be a dictionary")
        data: dict[str, Any] = {
            "Name": name,
            "Driver": driver,
            "DriverOpts": None if driver_opts is None else _string_map(driver_opts, "driver_opts"),
        }
        if labels is not None:
            if not isinstance(labels, Mapping):
                raise InvalidType("labels must be a dictionary")
            data["Labels"] = _string_map(labels, "labels")
        if cluster_volume_spec is not None:
            self._require("POST /volumes/create ClusterVolumeSpec")
            if not isinstance(cluster_volume_spec, Mapping):
                raise InvalidType(f"cluster_volume_spec must be a dict, not {cluster_volume_spec!r}")
            data["ClusterVolumeSpec"] = cluster_volume_spec
        return self._result(self._post_json(self._url("/volumes/create"), data=data), json=True)  # type: ignore[no-any-return]

    def inspect_volume(self, name: Volume) -> answers.Volume:
        """A volume's details (``GET /volumes/{name}``).

        Raises:
            NotFound: no such volume.
        """
        url = self._url("/volumes/{0}", _volume_name(name))
        return self._result(self._get(url), json=True)  # type: ignore[no-any-return]

    def remove_volume(self, name: Volume, force: bool = False) -> None:
        """Remove a volume, as ``docker volume rm`` does (``DELETE /volumes/{name}``).

        Args:
            name: the volume's name.
            force: also forget a volume its driver plugin already removed (API 1.25+). A volume
                in use is never removed.

        Raises:
            NotFound: no such volume.
            Conflict: a container uses the volume.
        """
        params: dict[str, Any] = {}
        if force:
            self._require("DELETE /volumes/{name} force")
            params["force"] = True
        url = self._url("/volumes/{0}", _volume_name(name))
        self._result(self._delete(url, params=self._params(**params)))

    def prune_volumes(self, filters: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
        """Remove volumes no container uses (``POST /volumes/prune``, API 1.25+).

        From API 1.42 only anonymous volumes are removed unless ``filters`` has ``all``.

        Args:
            filters: ``label`` (``"k"``, ``"k=v"``; ``label!`` to exclude) and, from API 1.42,
                ``all`` (``True`` to remove named volumes too).

        Returns:
            ``{"VolumesDeleted": [names...], "SpaceReclaimed": bytes}``.
        """
        self._require("POST /volumes/prune")
        params = self._params(filters=convert_filters(filters) if filters else None)
        return self._result(self._post(self._url("/volumes/prune"), params=params), json=True)  # type: ignore[no-any-return]

    def update_volume(self, name: Volume, version: int, spec: Mapping[str, Any]) -> None:
        """Update a cluster volume (``PUT /volumes/{name}``, API 1.42+, on a swarm manager).

        Only cluster volumes can be updated, and of their ``ClusterVolumeSpec`` only the
        ``Availability`` may change.

        Args:
            name: the volume's name or id.
            version: the volume's ``ClusterVolume.Version.Index`` from :meth:`inspect_volume`,
                so that concurrent updates are refused.
            spec: the new ``ClusterVolumeSpec``, e.g. ``inspect_volume(name)["ClusterVolume"]["Spec"]``
                with ``Availability`` changed to ``"drain"``.

        Raises:
            InvalidVersion: before API 1.42.
            InvalidArgument: a version that is not an int, a spec that is not a dict.
            NotFound: no such volume.
            APIError: not a cluster volume, or the daemon is not a swarm manager.

        Example:
            >>> volume = client.inspect_volume("cluster-vol")
            >>> spec = dict(volume["ClusterVolume"]["Spec"], Availability="pause")
            >>> client.update_volume("cluster-vol", volume["ClusterVolume"]["Version"]["Index"], spec)
        """
        self._require("PUT /volumes/{name}")
        volume = _volume_name(name)
        index = version_index(version)
        if not isinstance(spec, Mapping):
            raise InvalidType(f"spec must be a ClusterVolumeSpec dict, not {spec!r}")
        url = self._url("/volumes/{0}", volume)
        response = self._put(url, params=self._params(version=index), data=json.dumps({"Spec": dict(spec)}),
                             headers={"Content-Type": "application/json"})
        self._result(response)
