"""Plugin endpoints: list, install, inspect, configure, enable, disable, upgrade, push and remove
managed (v2) plugins, and create one from a local directory, streamed to the daemon as a tar.
"""
from __future__ import annotations

import os
import stat
import zlib
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Optional, Union

from .. import auth, streams
from ..errors import DockerException, InvalidArgument, InvalidType, NullResource
from ..utils.convert import convert_filters, whole_number
from ._base import ApiMixin

if TYPE_CHECKING:
    import tarfile

#: A plugin: its name (``name:tag``; ``:latest`` when no tag), or a dict with its ``Name``.
Plugin = Union[str, Mapping[str, Any]]
#: Privileges as :meth:`PluginApiMixin.plugin_privileges` returns them.
Privileges = Iterable[Mapping[str, Any]]

#: The two things the daemon takes from a plugin directory; anything else there is not sent.
_CONFIG_FILE = "config.json"
_ROOTFS_DIR = "rootfs"
#: The size of the reads of local files, and of the pieces of the archive sent.
_ARCHIVE_PIECE = 256 * 1024
_TAR_BLOCK = 512
_TAR_END = b"\0" * (2 * _TAR_BLOCK)


def _plugin_name(plugin: Any) -> str:
    """The name of ``plugin``: a string, or a dict with ``Name`` as the daemon lists them (or
    only ``Id``/``ID``, which docker-py's ``check_resource`` reads)."""
    if isinstance(plugin, Mapping):
        plugin = plugin.get("Name") or plugin.get("Id", plugin.get("ID"))
    if plugin is None or plugin == "":
        raise NullResource("the plugin name was not provided")
    if not isinstance(plugin, str):
        raise InvalidType(f"a plugin is its name (a string), not {plugin!r}")
    return plugin


def _registry_of(reference: str) -> str:
    """The registry a plugin reference lives in, for its X-Registry-Auth."""
    registry, _ = auth.resolve_repository_name(reference)
    return registry


def _privileges_body(privileges: Optional[Privileges]) -> list[dict[str, Any]]:
    """The privileges as the JSON array the daemon reads (never ``null`` or an object)."""
    if privileges is None:
        return []
    if isinstance(privileges, (str, bytes, Mapping)):
        raise InvalidType(
            f"privileges are a list of dicts as plugin_privileges() returns them, not {privileges!r}")
    body = []
    for privilege in privileges:
        if not isinstance(privilege, Mapping):
            raise InvalidType(f"a privilege is a dict with Name, Description and Value, "
                                  f"not {privilege!r}")
        body.append(dict(privilege))
    return body


def _settings(options: Union[Mapping[str, Any], Iterable[str]]) -> list[str]:
    """``configure_plugin``'s options as the daemon takes them: ``["KEY=value", ...]``."""
    if isinstance(options, Mapping):
        return [f"{key}={value}" for key, value in options.items()]
    if isinstance(options, (str, bytes)):
        raise InvalidType(f"plugin options are a dict or a list of 'KEY=value' strings, "
                              f"not {options!r}")
    settings = list(options)
    for setting in settings:
        if not isinstance(setting, str):
            raise InvalidType(f"a plugin option is a 'KEY=value' string, not {setting!r}")
    return settings


class PluginApiMixin(ApiMixin):
    def plugins(self, filters: Optional[Mapping[str, Any]] = None) -> list[dict[str, Any]]:
        """The installed plugins, as ``docker plugin ls`` lists them (``GET /plugins``).

        Args:
            filters: ``capability`` (e.g. ``"volumedriver"``) and ``enabled`` (a bool) (API 1.28+).
                The spec says ``enable``; daemons refuse that and take ``enabled``.

        Returns:
            One dict per plugin, as :meth:`inspect_plugin` shows it.

        Raises:
            InvalidVersion: before API 1.25, or ``filters`` before API 1.28.

        Example:
            >>> [p["Name"] for p in client.plugins(filters={"enabled": True})]
            ['vieux/sshfs:latest']
        """
        self._require("GET /plugins")
        if filters:
            self._require("GET /plugins filters")
        params = self._params(filters=convert_filters(filters) if filters else None)
        return self._result(self._get(self._url("/plugins"), params=params), json=True)  # type: ignore[no-any-return]

    def plugin_privileges(self, name: str) -> list[dict[str, Any]]:
        """The privileges a plugin in a registry asks for (``GET /plugins/privileges``).

        Pass them to :meth:`pull_plugin` or :meth:`upgrade_plugin` to grant them.

        Args:
            name: the plugin's reference in its registry, e.g. ``"vieux/sshfs:latest"``.

        Returns:
            ``[{"Name": "network", "Description": "", "Value": ["host"]}, ...]``.

        Raises:
            InvalidVersion: before API 1.25.
            APIError: the registry has no such plugin, or refused the credentials.
        """
        self._require("GET /plugins/privileges")
        name = _plugin_name(name)
        response = self._get(self._url("/plugins/privileges"), params={"remote": name},
                             headers=self._registry_headers(_registry_of(name)))
        return self._result(response, json=True)  # type: ignore[no-any-return]

    def pull_plugin(self, remote: str, privileges: Optional[Privileges],
                    name: Optional[str] = None) -> streams.Stream[dict[str, Any]]:
        """Pull a plugin from a registry and install it, disabled (``POST /plugins/pull``).

        Enable it afterwards with :meth:`enable_plugin`.

        Args:
            remote: the plugin's reference in its registry (``:latest`` when no tag).
            privileges: the privileges granted to it: those :meth:`plugin_privileges` returns,
                which the daemon checks against what the plugin asks for.
            name: the local name to install it under; ``remote`` by default.

        Returns:
            A stream of the daemon's progress messages as dicts. Read it to the end: the plugin
            is installed when it ends. A failure after the start comes as a message with an
            ``error`` key (as in docker-py), not as an exception.

        Raises:
            InvalidVersion: before API 1.25.
            APIError: the pull could not start (no such plugin, a bad name...).

        Example:
            >>> remote = "vieux/sshfs:latest"
            >>> for message in client.pull_plugin(remote, client.plugin_privileges(remote)):
            ...     print(message.get("status"))
        """
        self._require("POST /plugins/pull")
        remote = _plugin_name(remote)
        params = self._params(remote=remote, name=_plugin_name(name) if name else None)
        response = self._post_json(self._url("/plugins/pull"), data=_privileges_body(privileges),
                                   params=params, headers=self._registry_headers(_registry_of(remote)),
                                   stream=True)
        return self._stream(response, streams.iter_json)

    def inspect_plugin(self, name: Plugin) -> dict[str, Any]:
        """A plugin's details: settings, config, enabled or not (``GET /plugins/{name}/json``).

        Args:
            name: the plugin's name (``:latest`` when no tag), or its id.

        Raises:
            InvalidVersion: before API 1.25.
            NotFound: no such plugin.
        """
        self._require("GET /plugins/{name}/json")
        url = self._url("/plugins/{0}/json", _plugin_name(name))
        return self._result(self._get(url), json=True)  # type: ignore[no-any-return]

    def remove_plugin(self, name: Plugin, force: bool = False) -> bool:
        """Remove a plugin (``DELETE /plugins/{name}``).

        Args:
            name: the plugin's name (``:latest`` when no tag).
            force: remove it even while it is enabled, disabling it first; this may upset the
                containers using it.

        Returns:
            ``True``.

        Raises:
            InvalidVersion: before API 1.25.
            NotFound: no such plugin.
            APIError: it is enabled (without ``force``) or in use.
        """
        self._require("DELETE /plugins/{name}")
        url = self._url("/plugins/{0}", _plugin_name(name))
        self._result(self._delete(url, params=self._params(force=force)))
        return True

    def enable_plugin(self, name: Plugin, timeout: int = 0) -> bool:
        """Start a plugin (``POST /plugins/{name}/enable``).

        The daemon starts the plugin's process and waits (a few seconds at most) for it to
        listen on its socket.

        Args:
            name: the plugin's name (``:latest`` when no tag).
            timeout: how long, in seconds, the daemon's calls to the plugin may take; 0 for the
                daemon's default.

        Returns:
            ``True``.

        Raises:
            InvalidVersion: before API 1.25.
            NotFound: no such plugin.
            APIError: it is enabled already, or did not start.
        """
        self._require("POST /plugins/{name}/enable")
        timeout = whole_number(timeout)
        if isinstance(timeout, bool) or not isinstance(timeout, int):
            raise InvalidType(f"the enable timeout is a whole number of seconds, not {timeout!r}")
        url = self._url("/plugins/{0}/enable", _plugin_name(name))
        self._result(self._post(url, params=self._params(timeout=timeout)))
        return True

    def disable_plugin(self, name: Plugin, force: bool = False) -> bool:
        """Stop a plugin (``POST /plugins/{name}/disable``).

        Args:
            name: the plugin's name (``:latest`` when no tag).
            force: disable it even while containers use it (API 1.28+).

        Returns:
            ``True``.

        Raises:
            InvalidVersion: before API 1.25, or ``force`` before API 1.28.
            NotFound: no such plugin.
            APIError: it is disabled already, or in use (without ``force``).
        """
        self._require("POST /plugins/{name}/disable")
        if force:
            self._require("POST /plugins/{name}/disable force")
        url = self._url("/plugins/{0}/disable", _plugin_name(name))
        self._result(self._post(url, params=self._params(force=True if force else None)))
        return True

    def upgrade_plugin(self, name: Plugin, remote: str,
                       privileges: Optional[Privileges]) -> streams.Stream[dict[str, Any]]:
        """Replace a disabled plugin by another version from a registry, keeping its settings
        (``POST /plugins/{name}/upgrade``).

        Args:
            name: the installed plugin's name (``:latest`` when no tag).
            remote: the reference to upgrade to, e.g. ``"vieux/sshfs:next"``.
            privileges: the privileges granted to the new version, as
                :meth:`plugin_privileges` returns them for ``remote``.

        Returns:
            A stream of the daemon's progress messages as dicts; read it to the end. A failure
            after the start comes as a message with an ``error`` key, as in docker-py.

        Raises:
            InvalidVersion: before API 1.26.
            NotFound: no such plugin.
            APIError: it is enabled, or the upgrade could not start.
        """
        self._require("POST /plugins/{name}/upgrade")
        remote = _plugin_name(remote)
        url = self._url("/plugins/{0}/upgrade", _plugin_name(name))
        response = self._post_json(url, data=_privileges_body(privileges), params={"remote": remote},
                                   headers=self._registry_headers(_registry_of(remote)), stream=True,
                                   timeout=self._head_timeout())
        return self._stream(response, streams.iter_json)

    def create_plugin(self, name: str, plugin_data_dir: str | os.PathLike[str],
                      gzip: bool = False) -> bool:
        """Create a plugin from a directory, as ``docker plugin create`` does
        (``POST /plugins/create``).

        The directory holds the plugin's ``config.json`` and its root filesystem, ``rootfs/``;
        only those two are sent (nothing else there matters to the daemon). They are streamed
        as a tar archive, read from disk as it is sent. The plugin is created disabled.

        Args:
            name: the new plugin's name (``:latest`` when no tag).
            plugin_data_dir: the directory.
            gzip: compress the archive with gzip. Only daemons of Docker 1.13 and 17.03 read a
                compressed archive: later ones read the body as a plain tar and answer
                "invalid tar header" (the docker CLI's ``--compress`` fails the same way).

        Returns:
            ``True``.

        Raises:
            InvalidVersion: before API 1.25.
            InvalidArgument: the directory lacks ``config.json`` or ``rootfs/``.
            DockerException: a file could not be read while it was being sent.
            APIError: the daemon refused the plugin (a name in use, an invalid config...).

        Example:
            >>> # ./plugin/config.json and ./plugin/rootfs/
            >>> client.create_plugin("myname/myvolumes:v1", "./plugin")
            True
        """
        self._require("POST /plugins/create")
        name = _plugin_name(name)
        root = os.fspath(plugin_data_dir)
        if not os.path.isfile(os.path.join(root, _CONFIG_FILE)):
            raise InvalidArgument(f"{root!r} is not a plugin directory: it has no {_CONFIG_FILE}")
        if not os.path.isdir(os.path.join(root, _ROOTFS_DIR)):
            raise InvalidArgument(f"{root!r} is not a plugin directory: it has no {_ROOTFS_DIR}/ directory")
        body = _pieces(_plugin_tar(root), _ARCHIVE_PIECE)
        if gzip:
            body = _gzipped(body)
        headers = {"Content-Type": "application/x-tar"}
        self._result(self._post(self._url("/plugins/create"), params={"name": name}, data=body,
                                headers=headers))
        return True

    def configure_plugin(self, name: Plugin, options: Union[Mapping[str, Any], Iterable[str]]) -> bool:
        """Change a disabled plugin's settings (``POST /plugins/{name}/set``).

        What can be set is what the plugin's config declares settable: environment variables
        (``{"DEBUG": "1"}``), ``args``, and the ``source`` of mounts or ``path`` of devices
        (``{"mymount.source": "/data"}``).

        Args:
            name: the plugin's name (``:latest`` when no tag).
            options: ``{"KEY": value}`` (each sent as ``"KEY=value"``), or ``["KEY=value"]``.

        Returns:
            ``True``.

        Raises:
            InvalidVersion: before API 1.25.
            NotFound: no such plugin.
            APIError: it is enabled, or a setting is not settable.
        """
        self._require("POST /plugins/{name}/set")
        url = self._url("/plugins/{0}/set", _plugin_name(name))
        self._result(self._post_json(url, data=_settings(options)))
        return True

    def push_plugin(self, name: Plugin) -> streams.Stream[dict[str, Any]]:
        """Push a plugin to the registry its name says (``POST /plugins/{name}/push``).

        docker-py posted to the pull endpoint by mistake; this pushes.

        Args:
            name: the plugin's name, e.g. ``"registry.example.com/me/myvolumes:v1"``.

        Returns:
            A stream of the daemon's progress messages as dicts; read it to the end. A failure
            after the start comes as a message with an ``error`` key, as in docker-py.

        Raises:
            InvalidVersion: before API 1.25.
            NotFound: no such plugin.
        """
        self._require("POST /plugins/{name}/push")
        name = _plugin_name(name)
        response = self._post(self._url("/plugins/{0}/push", name),
                              headers=self._registry_headers(_registry_of(name)), stream=True,
                              timeout=self._head_timeout())
        return self._stream(response, streams.iter_json)


# -- the archive create_plugin sends ---------------------------------------------------------


def _plugin_tar(root: str) -> Iterator[bytes]:
    """A tar archive of ``root``'s ``config.json`` and ``rootfs/``, yielded as it is read.

    Inside ``rootfs`` symlinks stay links and special files (devices, FIFOs) are kept; sockets
    are left out, as tar cannot hold them. Local read errors become :class:`DockerException`
    (an ``OSError`` would be taken for a failure of the connection to the daemon).
    """
    yield from _tar_member(os.path.join(root, _CONFIG_FILE), _CONFIG_FILE, follow=True)
    top = os.path.join(root, _ROOTFS_DIR)
    yield from _tar_member(top, _ROOTFS_DIR, follow=True)

    try:
        for directory, dirnames, filenames in os.walk(top, onerror=_raise):
            dirnames.sort()
            relative = os.path.relpath(directory, top)
            prefix = _ROOTFS_DIR if relative == "." else f"{_ROOTFS_DIR}/{relative.replace(os.sep, '/')}"
            for entry in sorted(dirnames + filenames):
                yield from _tar_member(os.path.join(directory, entry), f"{prefix}/{entry}", follow=False)
    except OSError as exc:
        raise _read_error(exc) from exc
    yield _TAR_END


def _tar_member(path: str, arcname: str, follow: bool) -> Iterator[bytes]:
    """One member: its header, then (for a regular file) its data padded to whole blocks."""
    import tarfile  # imported here: only create_plugin needs it

    try:
        info = _tar_info(path, arcname, follow)
        if info is None:
            return
        yield info.tobuf(tarfile.PAX_FORMAT, encoding="utf-8", errors="surrogateescape")
        if info.type != tarfile.REGTYPE or not info.size:
            return
        remaining = info.size
        with open(path, "rb") as source:
            while remaining:
                data = source.read(min(remaining, _ARCHIVE_PIECE))
                if not data:
                    raise DockerException(f"cannot send the plugin: {path} shrank while it was being read")
                remaining -= len(data)
                yield data
    except OSError as exc:
        raise _read_error(exc) from exc
    padding = -info.size % _TAR_BLOCK
    if padding:
        yield b"\0" * padding


def _tar_info(path: str, arcname: str, follow: bool) -> Optional[tarfile.TarInfo]:
    """The tar header of a local file, or None for one tar cannot hold (a socket)."""
    import tarfile

    st = os.stat(path) if follow else os.lstat(path)
    info = tarfile.TarInfo(arcname)
    info.mode = stat.S_IMODE(st.st_mode)
    info.uid, info.gid = st.st_uid, st.st_gid
    info.mtime = int(st.st_mtime)
    kind = st.st_mode
    if stat.S_ISREG(kind):
        info.type, info.size = tarfile.REGTYPE, st.st_size
    elif stat.S_ISDIR(kind):
        info.type = tarfile.DIRTYPE
    elif stat.S_ISLNK(kind):
        info.type, info.linkname = tarfile.SYMTYPE, os.readlink(path)
    elif stat.S_ISCHR(kind) or stat.S_ISBLK(kind):
        info.type = tarfile.CHRTYPE if stat.S_ISCHR(kind) else tarfile.BLKTYPE
        info.devmajor, info.devminor = os.major(st.st_rdev), os.minor(st.st_rdev)
    elif stat.S_ISFIFO(kind):
        info.type = tarfile.FIFOTYPE
    else:
        return None
    return info


def _raise(exc: OSError) -> None:
    """``os.walk``'s error handler: a directory it cannot list is an error, not a gap."""
    raise exc


def _read_error(exc: OSError) -> DockerException:
    where = f" {exc.filename}" if exc.filename else ""
    return DockerException(f"cannot send the plugin: cannot read{where}: {exc.strerror or exc}")


def _pieces(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """``chunks`` joined into pieces of about ``size`` bytes: few sends for many small files."""
    held: list[bytes] = []
    held_size = 0
    for chunk in chunks:
        if len(chunk) >= size:
            if held:
                yield b"".join(held)
                held, held_size = [], 0
            yield chunk
            continue
        held.append(chunk)
        held_size += len(chunk)
        if held_size >= size:
            yield b"".join(held)
            held, held_size = [], 0
    if held:
        yield b"".join(held)


def _gzipped(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """``chunks`` compressed as one gzip stream, as they come."""
    compressor = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    for chunk in chunks:
        data = compressor.compress(chunk)
        if data:
            yield data
    yield compressor.flush()
