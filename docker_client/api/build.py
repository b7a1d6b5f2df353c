"""Building images (``POST /build``) from a directory, a tarball, a Dockerfile or a URL.

A directory becomes the context ``docker build`` would send (``build_context``): the CLI's
``.dockerignore`` rules, streamed as a tar without holding it in memory.
"""
from __future__ import annotations

import io
import json
import logging
import os
import sys
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Iterable,
    Iterator,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
    overload,
)

from .. import auth, errors, streams
from ..constants import CONTAINER_LIMITS_KEYS
from ..utils.containers import format_extra_hosts
from ..utils.convert import convert_filters
from ._base import ApiMixin
from .image import Platform, check_reference, platform_string

if TYPE_CHECKING:
    import requests

    from ..buildkit.session import SecretSource, Session
    from ..env import DaemonAddress
    from ..utils.proxy import ProxyConfig

log = logging.getLogger(__name__)

#: ``path`` values docker-py (and the daemon's ``remote``) take as a remote context.
_REMOTE_PREFIXES = ("http://", "https://", "git://", "github.com/", "git@")
_STDIN_PEEK = 1024

Context = Union[bytes, IO[bytes], Iterable[bytes]]


class BuildApiMixin(ApiMixin):
    """``build`` and ``prune_builds``, with docker-py's arguments."""

    if TYPE_CHECKING:
        _proxy_configs: ProxyConfig
        _address: DaemonAddress

        def ping_info(self) -> dict[str, Any]: ...

    @overload
    def build(self, path: Optional[str] = ..., tag: Optional[Union[str, Sequence[str]]] = ...,
              quiet: bool = ..., fileobj: Optional[Context] = ..., nocache: bool = ..., rm: bool = ...,
              timeout: Optional[float] = ..., custom_context: bool = ..., encoding: Optional[str] = ...,
              pull: bool = ..., forcerm: bool = ..., dockerfile: Optional[str] = ...,
              container_limits: Optional[Mapping[str, Any]] = ..., decode: Literal[False] = ...,
              buildargs: Optional[Mapping[str, str]] = ..., gzip: bool = ...,
              shmsize: Optional[int] = ..., labels: Optional[Mapping[str, str]] = ...,
              cache_from: Optional[Sequence[str]] = ..., target: Optional[str] = ...,
              network_mode: Optional[str] = ..., squash: Optional[bool] = ...,
              extra_hosts: Optional[Union[Mapping[str, str], Sequence[str]]] = ...,
              platform: Optional[Platform] = ..., isolation: Optional[str] = ...,
              use_config_proxy: bool = ..., version: Optional[str] = ...,
              secrets: Optional[Mapping[str, SecretSource]] = ...) -> streams.Stream[bytes]: ...

    @overload
    def build(self, path: Optional[str] = ..., tag: Optional[Union[str, Sequence[str]]] = ...,
              quiet: bool = ..., fileobj: Optional[Context] = ..., nocache: bool = ..., rm: bool = ...,
              timeout: Optional[float] = ..., custom_context: bool = ..., encoding: Optional[str] = ...,
              pull: bool = ..., forcerm: bool = ..., dockerfile: Optional[str] = ...,
              container_limits: Optional[Mapping[str, Any]] = ..., *, decode: Literal[True],
              buildargs: Optional[Mapping[str, str]] = ..., gzip: bool = ...,
              shmsize: Optional[int] = ..., labels: Optional[Mapping[str, str]] = ...,
              cache_from: Optional[Sequence[str]] = ..., target: Optional[str] = ...,
              network_mode: Optional[str] = ..., squash: Optional[bool] = ...,
              extra_hosts: Optional[Union[Mapping[str, str], Sequence[str]]] = ...,
              platform: Optional[Platform] = ..., isolation: Optional[str] = ...,
              use_config_proxy: bool = ..., version: Optional[str] = ...,
              secrets: Optional[Mapping[str, SecretSource]] = ...) -> streams.Stream[dict[str, Any]]: ...

    def build(self, path: Optional[str] = None, tag: Optional[Union[str, Sequence[str]]] = None,
              quiet: bool = False, fileobj: Optional[Context] = None, nocache: bool = False,
              rm: bool = False, timeout: Optional[float] = None, custom_context: bool = False,
              encoding: Optional[str] = None, pull: bool = False, forcerm: bool = False,
              dockerfile: Optional[str] = None, container_limits: Optional[Mapping[str, Any]] = None,
              decode: bool = False, buildargs: Optional[Mapping[str, str]] = None, gzip: bool = False,
              shmsize: Optional[int] = None, labels: Optional[Mapping[str, str]] = None,
              cache_from: Optional[Sequence[str]] = None, target: Optional[str] = None,
              network_mode: Optional[str] = None, squash: Optional[bool] = None,
              extra_hosts: Optional[Union[Mapping[str, str], Sequence[str]]] = None,
              platform: Optional[Platform] = None, isolation: Optional[str] = None,
              use_config_proxy: bool = True, version: Optional[str] = None,
              secrets: Optional[Mapping[str, SecretSource]] = None) -> streams.Stream[Any]:
        """Build an image, as ``docker build`` does (``POST /build``): with the classic builder,
        or with BuildKit (``version="2"``).

        The context is one of:

        - ``path``, a directory: sent as the docker CLI sends it. ``.dockerignore`` is applied
          with the CLI's rules (last match wins, ``!`` exceptions, ``**``; an excluded
          directory is skipped unless an exception names something inside it); the
          Dockerfile and ``.dockerignore`` are always sent; symbolic links stay links; modes
          are kept, owners are 0:0. The tar is produced as it is sent, never whole in memory.
        - ``path``, a URL (``http(s)://``, ``git://``, ``github.com/``, ``git@``): the
          daemon fetches it.
        - ``path="-"``: standard input, a tarball (maybe compressed) or a Dockerfile.
        - ``fileobj`` with ``custom_context=True``: a tarball (file, bytes or chunks),
          compressed as ``encoding`` says.
        - ``fileobj`` alone: a Dockerfile (binary or text file), the only file of the context.

        Errors of the build itself (a failing ``RUN``) are items of the stream
        (``{"errorDetail": ...}``), as the daemon sends them; :class:`APIError` is raised for
        a refused request.

        With ``version="2"`` the same context goes to BuildKit. Its output is a trace:
        ``{"id": "moby.buildkit.trace", "aux": "<base64>"}`` documents, which
        :class:`docker_client.buildkit.Trace` decodes into steps, progress and logs and
        :func:`docker_client.progress.show` prints as ``docker build --progress=plain`` does,
        then ``{"id": "moby.image.id", "aux": {"ID": ...}}``. A session
        (:class:`docker_client.buildkit.Session`) runs alongside for the length of the
        stream: it answers the daemon's requests for registry credentials (one host at a time,
        from config.json, credential helpers and ``login``; ``X-Registry-Config`` is not sent)
        and for ``secrets``. Close the stream (or read it to its end) to end the session; the
        stream's ``session`` attribute is it (``session.calls`` lists what the daemon asked).
        Without the ``buildkit`` extra (``protobuf``, ``h2``) a build without ``secrets`` runs
        without a session, its credentials sent as for the classic builder.

        Args:
            path: the context directory, a URL, or ``"-"``.
            tag: the name for the image, or several.
            quiet: only the image ID in the output.
            fileobj: a Dockerfile, or with ``custom_context`` the context tarball.
            nocache: do not use the build cache.
            rm: remove intermediate containers after a successful build.
            timeout: seconds each read may wait; None: no limit.
            custom_context: ``fileobj`` is the whole context.
            encoding: ``Content-Encoding`` of a custom context (e.g. ``"gzip"``).
            pull: always pull the base images.
            forcerm: always remove intermediate containers.
            dockerfile: the Dockerfile, relative to ``path`` (or absolute; one outside the
                context is added to it under a name of its own, as the CLI does).
            container_limits: ``memory``, ``memswap``, ``cpushares``, ``cpusetcpus``.
            decode: yield dicts instead of each document's JSON bytes.
            buildargs: build-time variables.
            gzip: compress the context sent.
            shmsize: size of ``/dev/shm`` in bytes.
            labels: labels for the image.
            cache_from: images to use as cache (API 1.25+).
            target: the stage to build (API 1.29+).
            network_mode: network for ``RUN`` (API 1.25+).
            squash: squash the new layers into one (API 1.25+, experimental daemons).
            extra_hosts: ``{"host": "ip"}`` for ``/etc/hosts`` (API 1.28+).
            platform: ``os[/arch[/variant]]`` (API 1.32+).
            isolation: isolation technology (Windows).
            use_config_proxy: pass config.json's proxies as build arguments.
            version: the builder: ``"1"`` the classic one, ``"2"`` BuildKit (API 1.39+; a
                daemon whose ``/_ping`` names another builder is refused); default: the
                daemon's choice (classic before Engine 23).
            secrets: ``{id: bytes or a file's path}`` for ``RUN --mount=type=secret,id=<id>``
                (BuildKit only): sent to the daemon only when a step mounts them, never part of
                the image, its history or the cache keys. Needs the ``buildkit`` extra.

        Returns:
            The build output, a stream.

        Raises:
            TypeError: neither ``path`` nor ``fileobj``; ``custom_context`` without
                ``fileobj``; ``path`` neither a directory nor a URL (as docker-py).
            InvalidRepository: a tag that is not a valid image reference.
            InvalidArgument: a malformed ``.dockerignore`` pattern, an unknown
                ``container_limits`` key.
            InvalidVersion: an argument this API version does not have.
            BuilderUnavailable: ``version="2"`` and the daemon's ``/_ping`` names another
                builder (Podman's Buildah).
            APIError: the daemon refused the build.

        Example:
            >>> for event in client.build(path="app", tag="app:1", rm=True, decode=True):
            ...     print(event.get("stream", ""), end="")
        """
        if path is None and fileobj is None:
            raise errors.InvalidType("Either path or fileobj needs to be provided.")
        buildkit = self._builder_version(version, secrets)
        if gzip and encoding is not None:
            raise errors.DockerException("Can not use custom encoding if gzip is enabled")
        tags = [tag] if isinstance(tag, str) else list(tag or [])
        for name in tags:
            check_reference(name)
        limits = dict(container_limits or {})
        for key in limits:
            if key not in CONTAINER_LIMITS_KEYS:
                raise errors.InvalidArgument(f"invalid container_limits key {key!r}: expected one of "
                                             f"{', '.join(CONTAINER_LIMITS_KEYS)}")
        params = self._build_params(buildargs, shmsize, labels, cache_from, target, network_mode,
                                    squash, extra_hosts, platform, isolation, use_config_proxy)

        remote = None
        body: Any = None
        if custom_context:
            if fileobj is None:
                raise errors.InvalidType("You must specify fileobj with custom_context")
            body = _sendable(fileobj)
        elif fileobj is not None:
            body = self._dockerfile_context(fileobj, gzip)
            encoding = "gzip" if gzip else encoding
        else:
            assert path is not None
            path = os.fspath(path)
            if path.startswith(_REMOTE_PREFIXES):
                remote = path
            elif path == "-":
                body, compressed = _stdin_context(gzip)
                encoding = "gzip" if compressed else encoding
            elif not os.path.isdir(path):
                raise errors.InvalidType("You must specify a directory to build in path")
            else:
                from .. import build_context  # imported here: the tar writer is not cheap

                context = build_context.prepare_context(path, dockerfile, gzip=gzip)
                body = context.chunks
                dockerfile = context.dockerfile
                encoding = "gzip" if gzip else encoding

        params.update(self._params(t=tags or None, remote=remote, q=bool(quiet), nocache=bool(nocache),
                                   rm=bool(rm), forcerm=bool(forcerm), pull=bool(pull),
                                   dockerfile=dockerfile))
        params.update(self._params(**limits))
        headers: dict[str, Any] = {}
        if body is not None:
            headers["Content-Type"] = "application/tar"
            if encoding:
                headers["Content-Encoding"] = encoding
        decoder = streams.iter_json if decode else streams.iter_json_lines
        if version is not None:
            params["version"] = str(version)
        session = self._buildkit_session(secrets) if buildkit else None
        if session is not None:
            # credentials go through the session, one host at a time, when the daemon asks
            params["session"] = session.id
        else:
            registry_config = self._registry_config()
            if registry_config:
                headers["X-Registry-Config"] = registry_config
        try:
            response = self._post(self._url("/build"), data=body, params=params, headers=headers,
                                  stream=True,
                                  timeout=self._head_timeout() if timeout is None else timeout)
            if session is None:
                return self._stream(response, decoder)
            self._raise_for_status(response)
        except BaseException:
            if session is not None:
                session.close()
            raise
        return _session_stream(response, decoder, session)

    def prune_builds(self, filters: Optional[Mapping[str, Any]] = None, keep_storage: Optional[int] = None,
                     all: Optional[bool] = None, max_used_space: Optional[int] = None,
                     min_free_space: Optional[int] = None) -> dict[str, Any]:
        """Delete build cache (``POST /build/prune``, API 1.31+).

        Args:
            filters: ``until``, ``id``, ``parent``, ``type``, ``description``, ``inuse``,
                ``shared``, ``private`` (API 1.39+).
            keep_storage: bytes of cache to keep (API 1.39+; sent as ``reserved-space`` from
                1.48, which renamed it).
            all: remove all types of build cache (API 1.39+).
            max_used_space: the most bytes the cache may keep (API 1.48+).
            min_free_space: bytes to leave free on disk (API 1.48+).

        Returns:
            ``CachesDeleted`` and ``SpaceReclaimed`` (bytes).
        """
        self._require("POST /build/prune")
        params: dict[str, Any] = {}
        if filters is not None:
            self._require("POST /build/prune filters")
            params["filters"] = convert_filters(filters)
        if keep_storage is not None:
            self._require("POST /build/prune keep-storage")
            key = "reserved-space" if self._supports("POST /build/prune reserved-space") else "keep-storage"
            params[key] = keep_storage
        if all is not None:
            self._require("POST /build/prune all")
            params["all"] = "1" if all else "0"
        if max_used_space is not None:
            self._require("POST /build/prune max-used-space")
            params["max-used-space"] = max_used_space
        if min_free_space is not None:
            self._require("POST /build/prune min-free-space")
            params["min-free-space"] = min_free_space
        return self._result(self._post(self._url("/build/prune"), params=params), json=True)  # type: ignore[no-any-return]

    # -- helpers -----------------------------------------------------------------------------

    def _builder_version(self, version: Optional[str],
                         secrets: Optional[Mapping[str, SecretSource]]) -> bool:
        """Whether the build is BuildKit's, checked: the version asked for, the API version and
        what the daemon offers."""
        if version is not None:
            if str(version) not in ("1", "2"):
                raise errors.InvalidArgument(f"the builder version is '1' (classic) or '2' (BuildKit), "
                                             f"not {version!r}")
            self._require("POST /build version")
        buildkit = version is not None and str(version) == "2"
        if secrets and not buildkit:
            raise errors.InvalidArgument("build secrets need BuildKit: build(..., version='2', secrets=...)")
        if buildkit:
            # Engines before 23 name no builder unless configured to, and build with BuildKit
            # when asked: only a daemon that names another builder is refused.
            offered = self.ping_info().get("BuilderVersion")
            if offered is not None and offered != "2":
                raise errors.BuilderUnavailable(
                    f"the Docker daemon at {self._address.where} does not offer BuildKit: its /_ping "
                    f"answers Builder-Version: {offered}")
        return buildkit

    def _buildkit_session(self, secrets: Optional[Mapping[str, SecretSource]]) -> Optional[Session]:
        """A started session for a BuildKit build; None without the buildkit extra when the build
        needs none (no secrets), whose credentials then go as with the classic builder."""
        from ..buildkit.session import Session

        try:
            session = Session(self, secrets)  # type: ignore[arg-type]
        except errors.DockerException as missing:  # without the buildkit extra
            if secrets:
                raise
            log.debug("BuildKit build without a session: %s", missing)
            return None
        return session.start()

    def _build_params(self, buildargs: Optional[Mapping[str, str]], shmsize: Optional[int],
                      labels: Optional[Mapping[str, str]], cache_from: Optional[Sequence[str]],
                      target: Optional[str], network_mode: Optional[str], squash: Optional[bool],
                      extra_hosts: Optional[Union[Mapping[str, str], Sequence[str]]],
                      platform: Optional[Platform], isolation: Optional[str],
                      use_config_proxy: bool) -> dict[str, Any]:
        """The query parameters of the build options, each checked against the API version."""
        params: dict[str, Any] = {}
        arguments = dict(buildargs or {})
        if use_config_proxy:
            for key, value in self._proxy_configs.get_environment().items():
                arguments.setdefault(key, value)
        if arguments:
            params["buildargs"] = json.dumps(arguments)
        if shmsize:
            params["shmsize"] = shmsize
        if labels:
            params["labels"] = json.dumps(dict(labels))
        if cache_from:
            self._require("POST /build cachefrom")
            params["cachefrom"] = json.dumps(list(cache_from))
        if target:
            self._require("POST /build target")
            params["target"] = target
        if network_mode:
            self._require("POST /build networkmode")
            params["networkmode"] = network_mode
        if squash:
            self._require("POST /build squash")
            params["squash"] = "1"
        if extra_hosts is not None:
            self._require("POST /build extrahosts")
            if isinstance(extra_hosts, Mapping):
                extra_hosts = format_extra_hosts(extra_hosts)
            params["extrahosts"] = list(extra_hosts)
        if platform is not None:
            self._require("POST /build platform")
            params["platform"] = platform_string(platform)
        if isolation is not None:
            params["isolation"] = isolation
        return params

    def _registry_config(self) -> Optional[bytes]:
        """X-Registry-Config: every known registry's credentials (a build may pull from any)."""
        return auth.registry_config_header(self._auth_configs, self.credstore_env)

    @staticmethod
    def _dockerfile_context(fileobj: Context, gzip: bool) -> Iterator[bytes]:
        """A context holding only the Dockerfile ``fileobj`` (docker-py's ``mkbuildcontext``)."""
        from .. import build_context
        from ..utils.build import dockerfile_content

        archive = [build_context.dockerfile_archive(dockerfile_content(fileobj))]
        return build_context.gzip_stream(archive) if gzip else iter(archive)


def _session_stream(response: requests.Response, decoder: Any, session: Session) -> streams.Stream[Any]:
    """The build's stream, ending the session when it ends; ``stream.session`` is the session
    (``session.calls``: what the daemon asked of it)."""

    def documents() -> Iterator[Any]:
        try:
            yield from decoder(streams.iter_raw(response))
        finally:
            session.close()

    stream = streams.Stream(response, documents())
    stream.session = session  # type: ignore[attr-defined]
    return stream


def _sendable(context: Context) -> Any:
    """A custom context as requests sends it while reading: bytes, a file, or chunks."""
    if isinstance(context, (bytes, bytearray)) or hasattr(context, "read"):
        return context
    return (bytes(chunk) for chunk in context)


def _stdin_context(gzip: bool) -> Tuple[Iterator[bytes], bool]:
    """``docker build -``: standard input is the context tarball (sent as it is), or a
    Dockerfile; and whether this compressed it.
    """
    from .. import build_context

    stdin: IO[bytes] = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else io.BytesIO()
    head = stdin.read(_STDIN_PEEK)
    while len(head) < _STDIN_PEEK:
        more = stdin.read(_STDIN_PEEK - len(head))
        if not more:
            break
        head += more
    if build_context.is_archive(head):
        return build_context.read_chunks(stdin, head=head), False
    content = head + stdin.read()
    archive: List[bytes] = [build_context.dockerfile_archive(content)]
    if gzip:
        return build_context.gzip_stream(archive), True
    return iter(archive), False
