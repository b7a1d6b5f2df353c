"""Image endpoints: list, inspect, pull, push, tag, remove, save, load, import, prune.

Progress streams (pull, push, import) raise the error a daemon reports inside them when the
caller wants a whole result, and show it as an item otherwise; see :meth:`ImageApiMixin.pull`.
"""
from __future__ import annotations

import json
import logging
import os
import re
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Iterable,
    Iterator,
    List,
    Literal,
    Mapping,
    NoReturn,
    Optional,
    Sequence,
    Tuple,
    Union,
    overload,
)

import requests

from .. import auth, errors, streams
from ..constants import DEFAULT_DATA_CHUNK_SIZE, STREAM_READ_SIZE
from ..utils.convert import convert_filters
from ..utils.resources import resource_id
from ._base import ApiMixin

if TYPE_CHECKING:
    from .. import answers

log = logging.getLogger(__name__)

#: A platform: ``"linux/arm64/v8"``, or an OCI platform ``{"os": ..., "architecture": ...}``.
Platform = Union[str, Mapping[str, Any]]
Platforms = Union[Platform, Sequence[Platform]]
#: What ``load_image`` and the import methods send: bytes, a binary file, or chunks.
ImageData = Union[bytes, bytearray, IO[bytes], Iterable[bytes]]

# distribution/reference's grammar ("docker.io/library/busybox:1.36@sha256:...").
_ALNUM = r"[a-z0-9]+"
_PATH_COMPONENT = rf"{_ALNUM}(?:(?:[._]|__|-+){_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
# Kept as text, compiled (and cached by ``re``) on first use: compiling them at import costs
# more than the rest of this module.
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"\w[\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_IMAGE_ID = r"[a-f0-9]{64}"
_NAME_MAX = 255

#: Progress documents read ahead, looking for an error, before a stream is handed out.
_PREAMBLE_LIMIT = 8
_NOT_FOUND_MESSAGES = ("not found", "does not exist", "no such image", "manifest unknown",
                       "pull access denied")


def parse_repository_tag(repo_name: str) -> Tuple[str, Optional[str]]:
    """``("repo", "tag")`` of ``"repo:tag"``, ``("repo", "sha256:...")`` of ``"repo@sha256:..."``,
    ``("repo", None)`` without either (docker-py's ``utils.parse_repository_tag``).

    Example:
        >>> parse_repository_tag("localhost:5000/app:1.2")
        ('localhost:5000/app', '1.2')
    """
    name, at, digest = repo_name.rpartition("@")
    if at:
        return name, digest
    name, colon, tag = repo_name.rpartition(":")
    if colon and "/" not in tag:
        return name, tag
    return repo_name, None


def check_reference(name: str, tag: Optional[str] = None) -> None:
    """Raise unless ``name`` (maybe with ``:tag`` and ``@digest``) and ``tag`` (a tag or a
    digest) are a valid image reference, as the daemon would judge it.

    Used where a request body would be sent first (build, import); elsewhere the daemon judges.

    Raises:
        InvalidReference: naming what is wrong (an ``InvalidRepository`` and an ``APIError``).
    """
    repository, digest = name, None
    if "@" in repository:
        repository, digest = repository.split("@", 1)
    if tag is None and ":" in repository.rpartition("/")[2]:
        repository, tag = repository.rsplit(":", 1)
    elif tag is not None and ":" in tag and ":" in repository.rpartition("/")[2]:
        repository = repository.rsplit(":", 1)[0]  # name:tag pinned by a digest: the digest wins
    if len(repository) > _NAME_MAX:
        raise errors.InvalidReference(f"invalid reference format: repository name {name!r} is longer "
                                       f"than {_NAME_MAX} characters")
    if not re.fullmatch(_NAME, repository, re.ASCII):
        raise errors.InvalidReference(f"invalid reference format: {name!r} is not a valid repository name "
                                       "(lowercase letters, digits and separators, maybe after a registry)")
    if re.fullmatch(_IMAGE_ID, repository, re.ASCII):
        raise errors.InvalidReference(f"invalid repository name {name!r}: cannot be a 64-byte "
                                       "hexadecimal string")
    if digest is not None and not re.fullmatch(_DIGEST, digest, re.ASCII):
        raise errors.InvalidReference(f"invalid reference format: bad digest in {name!r}")
    if tag is not None and tag != "":
        if ":" in tag:
            if not re.fullmatch(_DIGEST, tag, re.ASCII):
                raise errors.InvalidReference(f"invalid digest {tag!r} for {name!r}")
        elif not re.fullmatch(_TAG, tag, re.ASCII):
            raise errors.InvalidReference(f"invalid tag {tag!r} for {name!r}: up to 128 letters, "
                                           "digits, '_', '.' and '-', not starting with '.' or '-'")


def _platform_object(platform: Platform) -> dict[str, Any]:
    if isinstance(platform, Mapping):
        return dict(platform)
    if not isinstance(platform, str) or not platform:
        raise errors.InvalidType(f"invalid platform {platform!r}: expected 'os/arch[/variant]' or a dict")
    parts = platform.split("/")
    if len(parts) > 3 or not all(parts):
        raise errors.InvalidArgument(f"invalid platform {platform!r}: expected 'os/arch[/variant]'")
    keys = ("os", "architecture", "variant")
    return {key: value for key, value in zip(keys, parts)}


def platform_json(platform: Platform) -> str:
    """A platform as the JSON-encoded OCI platform newer endpoints take.

    Example:
        >>> platform_json("linux/arm64/v8")
        '{"os": "linux", "architecture": "arm64", "variant": "v8"}'
    """
    return json.dumps(_platform_object(platform))


def platform_string(platform: Platform) -> str:
    """A platform as ``os[/arch[/variant]]`` (pull, build)."""
    if isinstance(platform, str):
        return platform
    obj = _platform_object(platform)
    parts = [obj.get("os"), obj.get("architecture"), obj.get("variant")]
    return "/".join(str(part) for part in parts if part)


def _platform_list(platforms: Platforms) -> List[Platform]:
    if isinstance(platforms, (str, Mapping)):
        return [platforms]
    return list(platforms)


def _stream_error(document: Mapping[str, Any], response: requests.Response, what: str) -> errors.APIError:
    """The exception for an error a daemon reported inside a progress stream."""
    detail = document.get("errorDetail")
    message = detail.get("message") if isinstance(detail, Mapping) else None
    message = str(message or document.get("error") or json.dumps(document))
    lowered = message.lower()
    cls = errors.ImageNotFound if any(f in lowered for f in _NOT_FOUND_MESSAGES) else errors.APIError
    return cls(f"{what} failed", response=response, explanation=message)


def _is_error(document: Any) -> bool:
    return isinstance(document, Mapping) and bool(document.get("error") or document.get("errorDetail"))


def _replay(head: List[Any], rest: Iterator[Any]) -> Iterator[Any]:
    yield from head
    yield from rest


def _chunked(fileobj: IO[bytes], size: int = DEFAULT_DATA_CHUNK_SIZE) -> Iterator[bytes]:
    while True:
        block = fileobj.read(size)
        if not block:
            return
        yield block


class ImageApiMixin(ApiMixin):
    """Image endpoints, with docker-py's ``APIClient`` methods and names."""

    # -- listing and inspecting --------------------------------------------------------------

    @overload
    def images(self, name: Optional[str] = ..., *, quiet: Literal[True], all: bool = ...,
               filters: Optional[Mapping[str, Any]] = ..., manifests: Optional[bool] = ...,
               shared_size: Optional[bool] = ...) -> List[str]: ...

    @overload
    def images(self, name: Optional[str] = ..., quiet: Literal[False] = ..., all: bool = ...,
               filters: Optional[Mapping[str, Any]] = ..., manifests: Optional[bool] = ...,
               shared_size: Optional[bool] = ...) -> List[answers.ImageSummary]: ...

    def images(self, name: Optional[str] = None, quiet: bool = False, all: bool = False,
               filters: Optional[Mapping[str, Any]] = None, manifests: Optional[bool] = None,
               shared_size: Optional[bool] = None) -> Union[List[str], List[answers.ImageSummary]]:
        """List images, as ``docker images`` (``GET /images/json``).

        Args:
            name: only images of this repository (``reference`` filter; ``filter`` before 1.25).
            quiet: return only the IDs.
            all: include intermediate images.
            filters: e.g. ``{"dangling": True}``, ``{"label": ["a=b"]}``, ``{"before": "img"}``.
            manifests: include each image's ``Manifests`` (API 1.47+).
            shared_size: include ``SharedSize`` (API 1.42+).

        Returns:
            The images as the daemon describes them, or with ``quiet`` their IDs.
        """
        if manifests is not None:
            self._require("GET /images/json manifests")
        if shared_size is not None:
            self._require("GET /images/json shared-size")
        merged = dict(filters or {})
        legacy_filter = None
        if name:
            if self._supports("GET /images/json filters-reference"):
                merged["reference"] = name
            else:
                legacy_filter = name
        params = self._params(only_ids=bool(quiet), all=bool(all), filter=legacy_filter,
                              filters=convert_filters(merged) if merged else None,
                              manifests=manifests)
        if shared_size is not None:
            params["shared-size"] = "1" if shared_size else "0"
        result = self._result(self._get(self._url("/images/json"), params=params), json=True)
        if quiet:
            return [image["Id"] for image in result]
        return result  # type: ignore[no-any-return]

    def inspect_image(self, image: str, platform: Optional[Platform] = None,
                      manifests: Optional[bool] = None) -> answers.ImageInspect:
        """An image's details, as ``docker image inspect`` (``GET /images/{name}/json``).

        Args:
            image: name or ID.
            platform: the variant of a multi-platform image (API 1.49+).
            manifests: include ``Manifests`` (API 1.48+); not with ``platform``.

        Raises:
            ImageNotFound: no such image.
        """
        if platform is not None and manifests:
            raise errors.InvalidArgument("inspect_image takes platform or manifests, not both")
        if manifests is not None:
            self._require("GET /images/{name}/json manifests")
        if platform is not None:
            self._require("GET /images/{name}/json platform")
        params = self._params(manifests=manifests,
                              platform=platform_json(platform) if platform is not None else None)
        response = self._get(self._url("/images/{0}/json", image), params=params)
        return self._result(response, json=True, not_found=errors.ImageNotFound)  # type: ignore[no-any-return]

    def history(self, image: str,
                platform: Optional[Platform] = None) -> List[answers.ImageHistoryResponseItem]:
        """An image's layers, newest first (``GET /images/{name}/history``).

        Args:
            image: name or ID.
            platform: the variant of a multi-platform image (API 1.48+).

        Raises:
            ImageNotFound: no such image.
        """
        if platform is not None:
            self._require("GET /images/{name}/history platform")
        params = self._params(platform=platform_json(platform) if platform is not None else None)
        response = self._get(self._url("/images/{0}/history", image), params=params)
        return self._result(response, json=True, not_found=errors.ImageNotFound)  # type: ignore[no-any-return]

    def image_attestations(self, name: str, platform: Optional[Platform] = None,
                           type: Optional[Union[str, Sequence[str]]] = None,
                           statement: Optional[bool] = None) -> List[dict[str, Any]]:
        """The in-toto attestation statements attached to an image
        (``GET /images/{name}/attestations``, API 1.55+).

        Args:
            name: name or ID.
            platform: the variant whose attestations to return (default: the daemon's).
            type: only statements of these predicate type URIs.
            statement: include each statement's body.

        Raises:
            ImageNotFound: no such image.
        """
        self._require("GET /images/{name}/attestations")
        types = [type] if isinstance(type, str) else (list(type) if type is not None else None)
        params = self._params(platform=platform_json(platform) if platform is not None else None,
                              type=types, statement=statement)
        response = self._get(self._url("/images/{0}/attestations", name), params=params)
        return self._result(response, json=True, not_found=errors.ImageNotFound)  # type: ignore[no-any-return]

    def inspect_distribution(self, image: str, auth_config: Optional[Mapping[str, Any]] = None
                             ) -> dict[str, Any]:
        """An image's digest and platforms, asked of its registry (``GET /distribution/{name}/json``,
        API 1.30+).

        Args:
            image: the image name, with tag or digest.
            auth_config: credentials to use instead of the known ones (``username``, ``password``).
        """
        self._require("GET /distribution/{name}/json")
        image = resource_id(image, "image")
        headers = self._auth_headers(image, auth_config)
        response = self._get(self._url("/distribution/{0}/json", image), headers=headers)
        return self._result(response, json=True, not_found=errors.ImageNotFound)  # type: ignore[no-any-return]

    def search(self, term: str, limit: Optional[int] = None,
               filters: Optional[Mapping[str, Any]] = None) -> List[dict[str, Any]]:
        """Search Docker Hub, as ``docker search`` (``GET /images/search``).

        Args:
            term: what to look for.
            limit: at most this many results.
            filters: e.g. ``{"is-official": True, "stars": 3}``.
        """
        params = self._params(term=term, limit=limit,
                              filters=convert_filters(filters) if filters else None)
        return self._result(self._get(self._url("/images/search"), params=params), json=True)  # type: ignore[no-any-return]

    # -- pull, push, tag, remove -------------------------------------------------------------

    @overload
    def pull(self, repository: str, tag: Optional[str] = ..., stream: Literal[False] = ...,
             auth_config: Optional[Mapping[str, Any]] = ..., decode: bool = ...,
             platform: Optional[Platform] = ..., all_tags: bool = ...) -> str: ...

    @overload
    def pull(self, repository: str, tag: Optional[str] = ..., *, stream: Literal[True],
             auth_config: Optional[Mapping[str, Any]] = ..., decode: Literal[False] = ...,
             platform: Optional[Platform] = ..., all_tags: bool = ...) -> streams.Stream[bytes]: ...

    @overload
    def pull(self, repository: str, tag: Optional[str] = ..., *, stream: Literal[True],
             auth_config: Optional[Mapping[str, Any]] = ..., decode: Literal[True],
             platform: Optional[Platform] = ..., all_tags: bool = ...
             ) -> streams.Stream[dict[str, Any]]: ...

    @overload
    def pull(self, repository: str, tag: Optional[str] = ..., stream: bool = ...,
             auth_config: Optional[Mapping[str, Any]] = ..., decode: bool = ...,
             platform: Optional[Platform] = ..., all_tags: bool = ...) -> Any: ...

    def pull(self, repository: str, tag: Optional[str] = None, stream: bool = False,
             auth_config: Optional[Mapping[str, Any]] = None, decode: bool = False,
             platform: Optional[Platform] = None, all_tags: bool = False) -> Any:
        """Pull an image, as ``docker pull`` (``POST /images/create?fromImage=``).

        The credentials known for the image's registry (``login``, config.json) are sent as
        ``X-Registry-Auth``, for that registry only.

        Errors: an unknown image, tag or registry is reported with the HTTP status, raised
        before anything is returned. A daemon may also report an error inside the progress
        stream (``{"errorDetail": ...}``): with ``stream=False`` it is raised; with
        ``stream=True`` the first documents (up to the first with an ``id``, at most 8) are
        read before the stream is returned and an error among them is raised, while a later
        one is an item of the stream, as the daemon sent it.

        Args:
            repository: the image, maybe with ``:tag`` or ``@digest``.
            tag: the tag (or digest); default: the one in ``repository``, else ``latest``.
            stream: return the progress as a stream instead of waiting for the end.
            auth_config: credentials to use instead (``username``, ``password``...).
            decode: with ``stream``, yield dicts instead of each document's JSON bytes.
            platform: ``os[/arch[/variant]]`` (API 1.32+).
            all_tags: pull every tag of the repository.

        Returns:
            The whole progress output as text, or a stream of it.

        Raises:
            APIError: the name is not a valid reference (the daemon's 400, as with docker-py).
            ImageNotFound: no such image or tag.
            APIError: any other error, from the status or the stream.

        Example:
            >>> for event in client.pull("127.0.0.1:5000/app", "1.0", stream=True, decode=True):
            ...     print(event.get("status"))
        """
        repository, image_tag = parse_repository_tag(repository)
        tag = tag or image_tag or "latest"
        if all_tags:
            tag = None
        if platform is not None:
            self._require("POST /images/create platform")
        params = self._params(fromImage=repository, tag=tag,
                              platform=platform_string(platform) if platform is not None else None)
        headers = self._auth_headers(repository, auth_config)
        response = self._post(self._url("/images/create"), params=params, headers=headers,
                              stream=True, timeout=self._head_timeout())
        reference = repository if not tag else f"{repository}{'@' if ':' in tag else ':'}{tag}"
        return self._progress(response, stream, decode, f"pull of {reference}")

    @overload
    def push(self, repository: str, tag: Optional[str] = ..., stream: Literal[False] = ...,
             auth_config: Optional[Mapping[str, Any]] = ..., decode: bool = ...,
             platform: Optional[Platform] = ...) -> str: ...

    @overload
    def push(self, repository: str, tag: Optional[str] = ..., *, stream: Literal[True],
             auth_config: Optional[Mapping[str, Any]] = ..., decode: Literal[False] = ...,
             platform: Optional[Platform] = ...) -> streams.Stream[bytes]: ...

    @overload
    def push(self, repository: str, tag: Optional[str] = ..., *, stream: Literal[True],
             auth_config: Optional[Mapping[str, Any]] = ..., decode: Literal[True],
             platform: Optional[Platform] = ...) -> streams.Stream[dict[str, Any]]: ...

    @overload
    def push(self, repository: str, tag: Optional[str] = ..., stream: bool = ...,
             auth_config: Optional[Mapping[str, Any]] = ..., decode: bool = ...,
             platform: Optional[Platform] = ...) -> Any: ...

    def push(self, repository: str, tag: Optional[str] = None, stream: bool = False,
             auth_config: Optional[Mapping[str, Any]] = None, decode: bool = False,
             platform: Optional[Platform] = None) -> Any:
        """Push an image to its registry, as ``docker push`` (``POST /images/{name}/push``).

        Credentials and errors as for :meth:`pull`: the daemon answers a push of an image it
        does not have, or refused credentials, inside the stream; these are raised.

        Args:
            repository: the image, maybe with ``:tag``.
            tag: the tag; none: every tag of the repository.
            stream: return the progress as a stream.
            auth_config: credentials to use instead of the known ones.
            decode: with ``stream``, yield dicts.
            platform: push only this variant of a multi-platform image (API 1.46+).

        Returns:
            The whole progress output as text, or a stream of it.

        Raises:
            APIError: the name is not a valid reference (the daemon's 400, as with docker-py).
            ImageNotFound: no such local image or tag.
            APIError: any other error, from the status or the stream.
        """
        if not tag:
            repository, tag = parse_repository_tag(repository)
        if platform is not None:
            self._require("POST /images/{name}/push platform")
        params = self._params(tag=tag, platform=platform_json(platform) if platform is not None else None)
        headers = self._auth_headers(repository, auth_config)
        # Daemons before X-Registry-Auth read credentials from the body: send an empty one.
        response = self._post_json(self._url("/images/{0}/push", repository), None, headers=headers,
                                   params=params, stream=True,
                                   timeout=self._head_timeout())
        what = f"push of {repository}" + (f":{tag}" if tag else "")
        return self._progress(response, stream, decode, what)

    def tag(self, image: str, repository: str, tag: Optional[str] = None, force: bool = False) -> bool:
        """Give an image another name, as ``docker tag`` (``POST /images/{name}/tag``).

        Args:
            image: the image (name or ID).
            repository: the new repository, maybe with a registry.
            tag: the new tag (default ``latest``).
            force: ignored by every daemon this client supports; kept for docker-py.

        Returns:
            True when the daemon created the tag.

        Raises:
            APIError: the new name is not a valid reference (the daemon's 400).
            ImageNotFound: no such image.
        """
        if tag is None:
            # "name:tag" in one string goes as repo and tag, as the docker CLI sends it: Docker
            # Engine parses either form, Podman only this one (it appends ":latest" otherwise).
            name, parsed = parse_repository_tag(repository)
            if parsed is not None and "@" not in repository:
                repository, tag = name, parsed
        params = self._params(repo=repository, tag=tag, force=True if force else None)
        response = self._post(self._url("/images/{0}/tag", image), params=params)
        self._result(response, not_found=errors.ImageNotFound)
        return response.status_code == 201

    def remove_image(self, image: str, force: bool = False, noprune: bool = False,
                     platforms: Optional[Platforms] = None) -> List[dict[str, Any]]:
        """Remove an image, as ``docker rmi`` (``DELETE /images/{name}``).

        Args:
            image: name or ID.
            force: remove it even if stopped containers use it, or it has other tags.
            noprune: keep untagged parents.
            platforms: remove only these variants of a multi-platform image (API 1.50+).

        Returns:
            What was untagged and deleted (``[{"Untagged": ...}, {"Deleted": ...}]``).

        Raises:
            ImageNotFound: no such image.
            Conflict: the image is in use.
        """
        encoded = None
        if platforms is not None:
            self._require("DELETE /images/{name} platforms")
            encoded = [platform_json(p) for p in _platform_list(platforms)]
        params = self._params(force=bool(force), noprune=bool(noprune), platforms=encoded)
        response = self._delete(self._url("/images/{0}", image), params=params)
        return self._result(response, json=True, not_found=errors.ImageNotFound)  # type: ignore[no-any-return]

    def prune_images(self, filters: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
        """Delete unused images (``POST /images/prune``, API 1.25+).

        Args:
            filters: ``dangling`` (only untagged images when true), ``until``, ``label``.

        Returns:
            ``ImagesDeleted`` and ``SpaceReclaimed`` (bytes).
        """
        self._require("POST /images/prune")
        params = self._params(filters=convert_filters(filters) if filters else None)
        return self._result(self._post(self._url("/images/prune"), params=params), json=True)  # type: ignore[no-any-return]

    # -- save and load -----------------------------------------------------------------------

    def get_image(self, image: str, chunk_size: Optional[int] = DEFAULT_DATA_CHUNK_SIZE,
                  platform: Optional[Platforms] = None) -> streams.Stream[bytes]:
        """A tarball of one image, as ``docker save`` (``GET /images/{name}/get``).

        Args:
            image: name or ID.
            chunk_size: the most bytes an item holds (None: 256 KiB); items come as the
                daemon sends them, without waiting to fill a chunk.
            platform: save only this variant, or these variants (several: API 1.52+), of a
                multi-platform image (API 1.48+).

        Returns:
            The tarball, in chunks, read as they are iterated.

        Raises:
            ImageNotFound: no such image.

        Example:
            >>> with open("/tmp/busybox.tar", "wb") as f:
            ...     for chunk in client.get_image("busybox:latest"):
            ...         f.write(chunk)
        """
        params = self._save_platform_params("GET /images/{name}/get", platform)
        response = self._get(self._url("/images/{0}/get", image), params=params, stream=True,
                             timeout=self._head_timeout())
        return self._raw_stream(response, chunk_size)

    def save_images(self, names: Union[str, Sequence[str]], platform: Optional[Platforms] = None,
                    chunk_size: Optional[int] = DEFAULT_DATA_CHUNK_SIZE) -> streams.Stream[bytes]:
        """One tarball of several images, as ``docker save a b`` (``GET /images/get?names=``).

        Layers the images share are stored once.

        Args:
            names: the images (names or IDs).
            platform: save only this variant, or these variants (several: API 1.52+), of
                multi-platform images (API 1.48+).
            chunk_size: the most bytes an item holds (None: 256 KiB).

        Returns:
            The tarball, in chunks.

        Raises:
            ImageNotFound: one of the images does not exist.
        """
        names = [names] if isinstance(names, str) else list(names)
        if not names:
            raise errors.InvalidArgument("save_images needs at least one image name")
        params = self._save_platform_params("GET /images/get", platform)
        params["names"] = names
        response = self._get(self._url("/images/get"), params=params, stream=True,
                             timeout=self._head_timeout())
        return self._raw_stream(response, chunk_size)

    @overload
    def load_image(self, data: ImageData, quiet: Optional[bool] = ...,
                   platform: Optional[Platforms] = ...,
                   stream: Literal[True] = ...) -> streams.Stream[dict[str, Any]]: ...

    @overload
    def load_image(self, data: ImageData, quiet: Optional[bool] = ...,
                   platform: Optional[Platforms] = ..., *,
                   stream: Literal[False]) -> List[dict[str, Any]]: ...

    def load_image(self, data: ImageData, quiet: Optional[bool] = None,
                   platform: Optional[Platforms] = None,
                   stream: bool = True) -> Union[streams.Stream[dict[str, Any]], List[dict[str, Any]]]:
        """Load images from a tarball made by ``docker save`` (``POST /images/load``).

        ``data`` is sent as it is read: a file or a generator of chunks is never held in
        memory whole.

        Args:
            data: the tarball: bytes, a binary file opened for reading, or an iterable of chunks.
            quiet: leave out progress details.
            platform: load only this variant, or these variants (several: API 1.52+), of
                multi-platform images (API 1.48+).
            stream: False: wait for the end, and raise an error the daemon reports in the
                output (docker-py returns the stream, with errors as items).

        Returns:
            The daemon's output as dicts (``{"stream": "Loaded image: ..."}``).

        Raises:
            ImageLoadError: with ``stream=False``, the daemon could not load the tarball.
        """
        params = self._save_platform_params("POST /images/load", platform)
        if quiet is not None:
            params["quiet"] = "1" if quiet else "0"
        response = self._post(self._url("/images/load"), data=self._body(data), params=params,
                              headers={"Content-Type": "application/x-tar"}, stream=True,
                              timeout=self._head_timeout())
        output = self._stream(response, streams.iter_json)
        if stream:
            return output
        with output:
            documents = list(output)
        for document in documents:
            if _is_error(document):
                detail = document.get("errorDetail")
                message = detail.get("message") if isinstance(detail, Mapping) else document.get("error")
                raise errors.ImageLoadError(str(message or document))
        return documents

    # -- import ------------------------------------------------------------------------------

    def import_image(self, src: Optional[Union[str, ImageData]] = None, repository: Optional[str] = None,
                     tag: Optional[str] = None, image: Optional[str] = None,
                     changes: Optional[Union[str, Sequence[str]]] = None, stream_src: bool = False) -> str:
        """Create an image from a filesystem tarball, as ``docker import``
        (``POST /images/create?fromSrc=``).

        Args:
            src: a path to a tarball; else a URL the daemon downloads it from; or the tarball
                itself (bytes, a binary file, chunks).
            repository: the new image's repository (maybe with ``:tag``).
            tag: its tag.
            image: instead of ``src``, an image to pull (docker-py's ``fromImage`` use).
            changes: Dockerfile instructions to apply (``["ENV A=b", "CMD ['sh']"]``).
            stream_src: send a file-like ``src`` with chunked encoding (unknown length).

        Returns:
            The daemon's output as text.

        Raises:
            DockerException: neither ``src`` nor ``image`` given.
            InvalidRepository: ``repository`` is not a valid name.
            APIError: the import failed (from the status or the output).
        """
        if not (src or image):
            raise errors.DockerException("Must specify src or image to import from")
        if repository:
            check_reference(repository, tag)
        params = self._params(repo=repository, tag=tag, changes=changes)
        url = self._url("/images/create")
        if image:
            params["fromImage"] = image
            response = self._post(url, params=params, stream=True, timeout=self._head_timeout())
            return self._progress(response, False, False, f"import from {image}")  # type: ignore[no-any-return]
        if isinstance(src, str) and not os.path.isfile(src):
            params["fromSrc"] = src
            response = self._post(url, params=params, stream=True, timeout=self._head_timeout())
            return self._progress(response, False, False, f"import from {src}")  # type: ignore[no-any-return]
        params["fromSrc"] = "-"
        headers = {"Content-Type": "application/tar"}
        if isinstance(src, str):
            with open(src, "rb") as f:
                response = self._post(url, data=f, params=params, headers=headers, stream=True,
                                      timeout=self._head_timeout())
                return self._progress(response, False, False, f"import of {src}")  # type: ignore[no-any-return]
        assert src is not None
        body: Any = self._body(src)
        if stream_src and hasattr(body, "read"):
            body = _chunked(body)
        response = self._post(url, data=body, params=params, headers=headers, stream=True,
                              timeout=self._head_timeout())
        return self._progress(response, False, False, "import")  # type: ignore[no-any-return]

    def import_image_from_data(self, data: ImageData, repository: Optional[str] = None,
                               tag: Optional[str] = None,
                               changes: Optional[Union[str, Sequence[str]]] = None) -> str:
        """:meth:`import_image` of an in-memory tarball (or chunks of one)."""
        if repository:
            check_reference(repository, tag)
        params = self._params(repo=repository, tag=tag, changes=changes, fromSrc="-")
        response = self._post(self._url("/images/create"), data=self._body(data), params=params,
                              headers={"Content-Type": "application/tar"}, stream=True,
                              timeout=self._head_timeout())
        return self._progress(response, False, False, "import")  # type: ignore[no-any-return]

    def import_image_from_file(self, filename: str, repository: Optional[str] = None,
                               tag: Optional[str] = None,
                               changes: Optional[Union[str, Sequence[str]]] = None) -> str:
        """:meth:`import_image` of a tarball on disk.

        Raises:
            OSError: the file cannot be opened.
        """
        if not os.path.isfile(filename):
            raise FileNotFoundError(f"no such file: {filename}")
        return self.import_image(src=filename, repository=repository, tag=tag, changes=changes)

    def import_image_from_stream(self, stream: Union[IO[bytes], Iterable[bytes]],
                                 repository: Optional[str] = None, tag: Optional[str] = None,
                                 changes: Optional[Union[str, Sequence[str]]] = None) -> str:
        """:meth:`import_image` of a tarball read from a file object or chunks, sent chunked."""
        return self.import_image(src=stream, stream_src=True, repository=repository, tag=tag,
                                 changes=changes)

    def import_image_from_url(self, url: str, repository: Optional[str] = None,
                              tag: Optional[str] = None,
                              changes: Optional[Union[str, Sequence[str]]] = None) -> str:
        """:meth:`import_image` of a tarball the daemon downloads from ``url``."""
        return self.import_image(src=url, repository=repository, tag=tag, changes=changes)

    def insert(self, image: str, url: str, path: str) -> NoReturn:
        """docker-py's first client: add the file at ``url`` to ``image`` at ``path``
        (``POST /images/{name}/insert``). That endpoint left the Engine API in 1.12.

        Raises:
            DeprecatedMethod: always, before anything is sent. Build instead: a Dockerfile
                with ``FROM image`` and ``ADD url path``.
        """
        raise errors.DeprecatedMethod(
            f"insert({image!r}, {url!r}, {path!r}): POST /images/{{name}}/insert was removed from "
            "the Docker Engine API in version 1.12; build an image instead, from a Dockerfile "
            f"with 'FROM {image}' and 'ADD {url} {path}' (client.build(fileobj=...))"
        )

    def import_image_from_image(self, image: str, repository: Optional[str] = None,
                                tag: Optional[str] = None,
                                changes: Optional[Union[str, Sequence[str]]] = None) -> str:
        """:meth:`import_image` with ``image``: as docker-py, the daemon pulls ``image``."""
        return self.import_image(image=image, repository=repository, tag=tag, changes=changes)

    # -- helpers -----------------------------------------------------------------------------

    def _auth_headers(self, image: str, auth_config: Optional[Mapping[str, Any]]) -> dict[str, Any]:
        """X-Registry-Auth for ``image``'s registry only: ``auth_config``, else the known one."""
        if auth_config is not None:
            log.debug("sending the supplied credentials for %s", image)
            return {"X-Registry-Auth": auth.encode_header(dict(auth_config))}
        return dict(self._image_registry_headers(image))

    def _save_platform_params(self, endpoint: str, platform: Optional[Platforms]) -> dict[str, Any]:
        if platform is None:
            return {}
        self._require(f"{endpoint} platform")
        platforms = _platform_list(platform)
        if len(platforms) > 1:
            self._require(f"{endpoint} platform-multiple")
        return {"platform": [platform_json(p) for p in platforms]}

    @staticmethod
    def _body(data: Any) -> Any:
        """What requests can send as it reads: bytes, a file, or a generator (chunked)."""
        if isinstance(data, (bytes, bytearray)) or hasattr(data, "read"):
            return data
        if isinstance(data, str):
            raise errors.InvalidType("image data must be bytes, a binary file or chunks, not str")
        return (bytes(chunk) for chunk in data)

    def _raw_stream(self, response: requests.Response, chunk_size: Optional[int]) -> streams.Stream[bytes]:
        self._raise_for_status(response, not_found=errors.ImageNotFound)
        return streams.Stream(response, streams.iter_raw(response, chunk_size or STREAM_READ_SIZE))

    def _progress(self, response: requests.Response, stream: bool, decode: bool, what: str) -> Any:
        """A progress stream's answer: the text (an error in it raised), or a checked stream."""
        if not stream:
            body = self._result(response, binary=True, not_found=errors.ImageNotFound)
            for document in streams.iter_json([body]):
                if _is_error(document):
                    raise _stream_error(document, response, what)
            return body.decode("utf-8", "replace")
        decoder = streams.iter_json if decode else streams.iter_json_lines
        items = self._stream(response, decoder, not_found=errors.ImageNotFound)
        head: List[Any] = []
        try:
            for item in items:
                head.append(item)
                document = item if decode else json.loads(item)
                if _is_error(document):
                    raise _stream_error(document, response, what)
                if (not isinstance(document, Mapping) or "id" in document or "progressDetail" in document
                        or len(head) >= _PREAMBLE_LIMIT):
                    break
        except BaseException:
            items.close()
            raise
        return streams.Stream(response, _replay(head, items))

