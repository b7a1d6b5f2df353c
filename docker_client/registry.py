"""A client for a registry's distribution v2 API: manifests, indexes, tags and blobs, no daemon needed.

It answers the registry's ``WWW-Authenticate`` challenges itself (Bearer tokens cached per scope,
or Basic), with credentials from the docker CLI's config or given explicitly.
"""
from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import ipaddress
import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence, Union
from urllib.parse import urljoin, urlsplit

import requests
import requests.auth

from . import auth
from .constants import DEFAULT_TIMEOUT_SECONDS, DEFAULT_USER_AGENT
from .errors import (
    DigestMismatch,
    InvalidArgument,
    ManifestNotFound,
    PlatformNotFound,
    RegistryAuthError,
    RegistryConnectionError,
    RegistryError,
    RegistryNotFound,
    RepositoryNotFound,
)

log = logging.getLogger(__name__)

MEDIA_TYPE_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MEDIA_TYPE_DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MEDIA_TYPE_DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
MEDIA_TYPE_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MEDIA_TYPE_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MEDIA_TYPE_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"

#: Media types of a list of per-platform manifests.
INDEX_MEDIA_TYPES = frozenset({MEDIA_TYPE_DOCKER_MANIFEST_LIST, MEDIA_TYPE_OCI_INDEX})
#: What a manifest GET accepts, in order of preference.
MANIFEST_MEDIA_TYPES = (MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_DOCKER_MANIFEST_LIST,
                        MEDIA_TYPE_OCI_MANIFEST, MEDIA_TYPE_DOCKER_MANIFEST)

#: The largest manifest read (containerd's limit), and the largest image config.
MAX_MANIFEST_SIZE = 4 * 1024 * 1024
MAX_CONFIG_SIZE = 16 * 1024 * 1024
#: Where Docker Hub's registry API is, and the names that mean Docker Hub.
DOCKER_HUB_REGISTRY = "registry-1.docker.io"
_HUB_NAMES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
#: ``client_id`` sent to OAuth2 token endpoints.
CLIENT_ID = "docker_client"
#: Tokens are renewed this many seconds before the token service says they expire.
_TOKEN_MARGIN = 10.0
_MAX_INDEX_DEPTH = 4
#: The clock token lifetimes are measured with (a module attribute so that tests can move it).
_clock = time.monotonic
_MAX_TAG_PAGES = 10000
_MAX_ERROR_BODY = 64 * 1024

# The distribution reference grammar (distribution/reference/regexp.go).
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY_RE = re.compile(rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*")
_TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST_RE = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+")
_HASHES = {"sha256": (hashlib.sha256, 64), "sha384": (hashlib.sha384, 96), "sha512": (hashlib.sha512, 128)}
_TOKEN_CHARS = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_PLATFORM_PART_RE = re.compile(r"[A-Za-z0-9_.-]+")


# -- platforms -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Platform:
    """An OCI platform: what an index entry (or an image config) says it runs on.

    ``str()`` gives the ``os/architecture[/variant]`` form, as written.

    Example:
        >>> p = Platform.parse("linux/aarch64")
        >>> str(p), str(p.normalize())
        ('linux/aarch64', 'linux/arm64')
    """

    os: str
    architecture: str
    variant: str = ""
    os_version: str = ""
    os_features: tuple[str, ...] = ()

    @classmethod
    def parse(cls, specifier: str) -> Platform:
        """``"os/architecture[/variant]"``, e.g. ``"linux/arm64/v8"`` or ``"linux/amd64"``.

        Raises:
            InvalidArgument: not two or three ``/``-separated names.
        """
        if not isinstance(specifier, str):
            raise InvalidArgument(f"a platform is a string like 'linux/arm64/v8', not {specifier!r}")
        parts = specifier.strip().split("/")
        if len(parts) not in (2, 3) or not all(_PLATFORM_PART_RE.fullmatch(p) for p in parts):
            raise InvalidArgument(
                f"invalid platform {specifier!r}: expected os/architecture[/variant], e.g. linux/arm64/v8"
            )
        return cls(parts[0].lower(), parts[1].lower(), parts[2].lower() if len(parts) == 3 else "")

    @classmethod
    def from_oci(cls, data: Mapping[str, Any]) -> Platform:
        """From an OCI platform object (an index entry's ``platform``, or an image config).

        Raises:
            RegistryError: ``os`` or ``architecture`` is missing.
        """
        os_name, arch = data.get("os"), data.get("architecture")
        if not isinstance(os_name, str) or not isinstance(arch, str) or not os_name or not arch:
            raise RegistryError(f"a platform without os and architecture: {dict(data)!r}")
        variant = data.get("variant")
        version = data.get("os.version")
        features = data.get("os.features")
        return cls(os_name, arch, variant if isinstance(variant, str) else "",
                   version if isinstance(version, str) else "",
                   tuple(str(f) for f in features) if isinstance(features, list) else ())

    def normalize(self) -> Platform:
        """The canonical form containerd compares: ``aarch64`` -> ``arm64``, ``x86_64`` -> ``amd64``,
        ``arm`` -> ``arm/v7``, ``arm64/v8`` -> ``arm64`` (v8 is arm64's default), ``macos`` -> ``darwin``.
        """
        os_name = self.os.lower()
        if os_name == "macos":
            os_name = "darwin"
        arch, variant = _normalize_arch(self.architecture, self.variant)
        features = tuple(sorted(set(self.os_features)))
        return Platform(os_name, arch, variant, self.os_version, features)

    def __str__(self) -> str:
        return "/".join(part for part in (self.os, self.architecture, self.variant) if part)


PlatformLike = Union[str, Platform, Mapping[str, Any]]


def _normalize_arch(arch: str, variant: str) -> tuple[str, str]:
    """containerd's ``normalizeArch``."""
    arch, variant = arch.lower(), variant.lower()
    if arch == "i386":
        return "386", ""
    if arch in ("x86_64", "x86-64", "amd64"):
        return "amd64", "" if variant == "v1" else variant
    if arch in ("aarch64", "arm64"):
        if variant in ("8", "v8", "v8.0"):
            variant = ""
        elif variant in ("9", "9.0", "v9.0"):
            variant = "v9"
        return "arm64", variant
    if arch == "armhf":
        return "arm", "v7"
    if arch == "armel":
        return "arm", "v6"
    if arch == "arm":
        if variant in ("", "7"):
            variant = "v7"
        elif variant in ("5", "6", "8"):
            variant = "v" + variant
    return arch, variant


def _variant_number(variant: str) -> int | None:
    try:
        return int(variant[1:]) if variant.startswith("v") else None
    except ValueError:
        return None


def _compatible_platforms(platform: Platform) -> list[Platform]:
    """containerd's ``platforms.Only`` order: the platform, then what can also run there.

    amd64/vN also runs amd64/vN-1...v1 and 386; arm/vN runs arm/vN-1...v5; arm64/v8.x runs
    arm64/v8.x-1...v8 and arm/v8...v5; arm64/v9.x runs arm64/v9.x-1...v9 and v8.(x+5)...v8.
    """
    p = platform.normalize()
    out = [p]
    if p.architecture == "amd64":
        number = _variant_number(p.variant)
        if number is not None and number > 1:
            out += [dataclasses.replace(p, variant=f"v{n}").normalize() for n in range(number - 1, 0, -1)]
        out.append(dataclasses.replace(p, architecture="386", variant=""))
    elif p.architecture == "arm":
        number = _variant_number(p.variant)
        if number is not None and number > 5:
            out += [dataclasses.replace(p, variant=f"v{n}") for n in range(number - 1, 4, -1)]
    elif p.architecture == "arm64":
        match = re.fullmatch(r"v(8|9)(?:\.(\d))?", p.variant or "v8")
        if match:
            major, minor = int(match.group(1)), int(match.group(2) or 0)
            steps = [(major, m) for m in range(minor, -1, -1)]
            if major == 9:
                steps += [(8, m) for m in range(min(minor + 5, 9), -1, -1)]
            out = [dataclasses.replace(p, variant=f"v{a}.{b}" if b else f"v{a}").normalize()
                   for a, b in steps]
            out += _compatible_platforms(dataclasses.replace(p, architecture="arm", variant="v8"))
    return out


def _platform_matches(wanted: Platform, candidate: Platform) -> bool:
    """containerd's matcher: same normalized os/architecture/variant; the candidate's OS features
    all wanted; for Windows, the same ``major.minor.build`` when both give an OS version."""
    have = candidate.normalize()
    if (have.os, have.architecture, have.variant) != (wanted.os, wanted.architecture, wanted.variant):
        return False
    if wanted.os == "windows" and wanted.os_version and have.os_version:
        if wanted.os_version.split(".")[:3] != have.os_version.split(".")[:3]:
            return False
    return set(have.os_features) <= set(wanted.os_features)


def _as_platform(platform: PlatformLike) -> Platform:
    if isinstance(platform, Platform):
        return platform
    if isinstance(platform, Mapping):
        try:
            return Platform.from_oci(platform)
        except RegistryError as exc:
            raise InvalidArgument(str(exc)) from None
    return Platform.parse(platform)


def select_platform(candidates: Sequence[tuple[Platform, Descriptor]], platform: PlatformLike,
                    compatible: bool = False) -> Descriptor | None:
    """The descriptor for ``platform`` among an index's entries, or None.

    Args:
        candidates: ``(platform, descriptor)`` pairs in index order.
        platform: ``"linux/arm64/v8"``, a :class:`Platform`, or an OCI platform dict.
        compatible: also accept what runs there, preferring the closest (containerd's
            ``platforms.Only``, what ``docker pull --platform`` does): ``linux/arm64`` falls
            back to ``linux/arm/v8``...``v5``, ``linux/amd64`` to ``linux/386``.
            Otherwise only the same platform after normalization matches.
    """
    wanted = _as_platform(platform).normalize()
    for target in (_compatible_platforms(wanted) if compatible else [wanted]):
        for candidate, descriptor in candidates:
            if _platform_matches(target, candidate):
                return descriptor
    return None


# -- what a registry returns -----------------------------------------------------------------

@dataclass(frozen=True)
class Descriptor:
    """A content descriptor: what a manifest or index points at."""

    media_type: str
    digest: str
    size: int
    platform: Platform | None = None
    annotations: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Any) -> Descriptor:
        """From a descriptor object of a manifest or index.

        Raises:
            RegistryError: not a descriptor (no digest).
        """
        if not isinstance(data, Mapping) or not isinstance(data.get("digest"), str):
            raise RegistryError(f"a manifest holds a malformed descriptor: {data!r:.200}")
        platform = data.get("platform")
        annotations = data.get("annotations")
        size = data.get("size")
        return cls(str(data.get("mediaType") or ""), data["digest"], size if isinstance(size, int) else 0,
                   Platform.from_oci(platform) if isinstance(platform, Mapping) else None,
                   dict(annotations) if isinstance(annotations, Mapping) else {})


@dataclass(frozen=True)
class Manifest:
    """A manifest or index as the registry sent it.

    Attributes:
        media_type: e.g. ``application/vnd.oci.image.index.v1+json``.
        digest: the digest of ``raw``, checked (``sha256:...``).
        content: the parsed JSON.
        raw: the bytes received.
    """

    media_type: str
    digest: str
    content: dict[str, Any] = field(repr=False, hash=False, compare=False)
    raw: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.raw)

    @property
    def is_index(self) -> bool:
        """A list of per-platform manifests (Docker manifest list or OCI index)."""
        return self.media_type in INDEX_MEDIA_TYPES

    @property
    def manifests(self) -> list[Descriptor]:
        """An index's entries (``[]`` for an image manifest)."""
        entries = self.content.get("manifests")
        return [Descriptor.from_dict(e) for e in entries] if isinstance(entries, list) else []

    @property
    def config(self) -> Descriptor | None:
        """An image manifest's config blob (None for an index)."""
        config = self.content.get("config")
        return Descriptor.from_dict(config) if isinstance(config, Mapping) else None

    @property
    def layers(self) -> list[Descriptor]:
        layers = self.content.get("layers")
        return [Descriptor.from_dict(e) for e in layers] if isinstance(layers, list) else []


def _media_type(content: Mapping[str, Any], content_type: str | None) -> str:
    """The body's ``mediaType``, else the Content-Type header, else a guess from the fields."""
    declared = content.get("mediaType")
    if isinstance(declared, str) and declared:
        return declared
    header = (content_type or "").split(";", 1)[0].strip().lower()
    if header and header not in ("application/json", "text/plain", "application/octet-stream"):
        return header
    if "manifests" in content:
        return MEDIA_TYPE_OCI_INDEX
    if "config" in content or "layers" in content:
        return MEDIA_TYPE_OCI_MANIFEST
    return header or "application/json"


def _is_attestation(descriptor: Descriptor) -> bool:
    """buildx's attestation entries (``unknown/unknown``) are not images for a platform."""
    if descriptor.annotations.get("vnd.docker.reference.type") == "attestation-manifest":
        return True
    return descriptor.platform is not None and descriptor.platform.os == "unknown"


# -- WWW-Authenticate ------------------------------------------------------------------------

@dataclass(frozen=True)
class Challenge:
    """One ``WWW-Authenticate`` challenge: ``Bearer realm="...",service="...",scope="..."``."""

    scheme: str
    params: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def realm(self) -> str | None:
        return self.params.get("realm")

    @property
    def service(self) -> str | None:
        return self.params.get("service")

    @property
    def scopes(self) -> list[str]:
        """The scopes the registry asks for (space-separated in the header)."""
        return (self.params.get("scope") or "").split()


def _quoted_string(header: str, pos: int) -> tuple[str, int]:
    """The value of the quoted string starting at ``header[pos] == '"'``, and the index after it."""
    out = []
    pos += 1
    while pos < len(header):
        char = header[pos]
        if char == "\\" and pos + 1 < len(header):
            out.append(header[pos + 1])
            pos += 2
            continue
        if char == '"':
            return "".join(out), pos + 1
        out.append(char)
        pos += 1
    return "".join(out), pos


def parse_www_authenticate(header: str) -> list[Challenge]:
    """The challenges of a ``WWW-Authenticate`` header (RFC 7235), schemes lower-cased.

    Example:
        >>> parse_www_authenticate('Bearer realm="https://auth/token",service="reg"')
        [Challenge(scheme='bearer', params={'realm': 'https://auth/token', 'service': 'reg'})]
    """
    found: list[tuple[str, dict[str, str]]] = []
    pos, end = 0, len(header or "")
    while pos < end:
        while pos < end and header[pos] in " \t,":
            pos += 1
        match = _TOKEN_CHARS.match(header, pos)
        if match is None:
            pos += 1  # not a token: skip what cannot be parsed
            continue
        word, pos = match.group(), match.end()
        after = pos
        while after < end and header[after] in " \t":
            after += 1
        if found and after < end and header[after] == "=":
            pos = after + 1
            while pos < end and header[pos] in " \t":
                pos += 1
            if pos < end and header[pos] == '"':
                value, pos = _quoted_string(header, pos)
            else:
                value_match = _TOKEN_CHARS.match(header, pos)
                value = value_match.group() if value_match else ""
                pos = value_match.end() if value_match else pos
            found[-1][1][word.lower()] = value
        else:
            found.append((word.lower(), {}))
    return [Challenge(scheme, params) for scheme, params in found]


# -- names -----------------------------------------------------------------------------------

def _is_loopback(host: str) -> bool:
    hostname = urlsplit(f"//{host}").hostname or ""
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _is_digest(reference: str) -> bool:
    return ":" in reference


def _check_digest(digest: str) -> str:
    if not isinstance(digest, str) or not _DIGEST_RE.fullmatch(digest):
        raise InvalidArgument(f"invalid digest {digest!r}: expected algorithm:hex, e.g. sha256:0123...")
    algorithm, _, hexpart = digest.partition(":")
    known = _HASHES.get(algorithm)
    if known is not None and not re.fullmatch(rf"[a-f0-9]{{{known[1]}}}", hexpart):
        raise InvalidArgument(
            f"invalid {algorithm} digest {digest!r}: expected {known[1]} lowercase hex digits")
    return digest


def _check_reference(reference: str) -> str:
    if not isinstance(reference, str) or not reference:
        raise InvalidArgument(f"a tag or digest is needed, not {reference!r}")
    if _is_digest(reference):
        return _check_digest(reference)
    if not _TAG_RE.fullmatch(reference):
        raise InvalidArgument(
            f"invalid tag {reference!r}: up to 128 of [A-Za-z0-9_.-], not starting with . or -")
    return reference


def _digest_of(data: bytes, algorithm: str = "sha256") -> str | None:
    known = _HASHES.get(algorithm)
    return f"{algorithm}:{known[0](data).hexdigest()}" if known else None


def parse_image_reference(image: str) -> tuple[str, str, str]:
    """``(registry, repository, tag or digest)`` of an image name, as the docker CLI reads it.

    Example:
        >>> parse_image_reference("busybox")
        ('docker.io', 'library/busybox', 'latest')
        >>> parse_image_reference("127.0.0.1:5000/multi:v1")
        ('127.0.0.1:5000', 'multi', 'v1')

    Raises:
        InvalidRepository: a scheme in the name, or a malformed registry host.
        InvalidArgument: a malformed repository, tag or digest.
    """
    name, reference = image, "latest"
    if "@" in image:
        name, _, reference = image.partition("@")
        _check_digest(reference)
        if ":" in name.rsplit("/", 1)[-1]:
            name = name.rsplit(":", 1)[0]  # name:tag@digest: the digest wins
    else:
        last = image.rsplit("/", 1)[-1]
        if ":" in last:
            name, _, reference = image.rpartition(":")
            _check_reference(reference)
    registry, repository = auth.resolve_repository_name(name)
    if registry == auth.INDEX_NAME and "/" not in repository:
        repository = f"library/{repository}"
    if not _REPOSITORY_RE.fullmatch(repository):
        raise InvalidArgument(f"invalid repository name {repository!r} in {image!r}")
    return registry, repository, reference


# -- the client ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Credentials:
    username: str
    password: str = field(repr=False)
    identity_token: str = field(default="", repr=False)

    @classmethod
    def from_auth_config(cls, conf: Mapping[str, Any] | None) -> _Credentials | None:
        """From a resolved auth entry, in any of its spellings (``username``/``Username``...)."""
        if not conf:
            return None
        lowered = {str(k).lower(): v for k, v in conf.items()}
        identity = str(lowered.get("identitytoken") or "")
        username = str(lowered.get("username") or "")
        password = str(lowered.get("password") or "")
        if not (username or password) and lowered.get("auth"):
            username, password = auth.decode_auth(lowered["auth"])
        if identity or (username and password):
            return cls(username, password, identity)
        return None


@dataclass
class _Token:
    value: str = field(repr=False)
    expires: float


class RegistryClient:
    """A client for one registry's distribution v2 API; it needs no daemon.

    Args:
        registry: ``"127.0.0.1:5000"``, ``"ghcr.io"``, ``"docker.io"`` (Docker Hub, reached at
            registry-1.docker.io), or a URL ``"https://host:port"`` that also fixes the scheme.
        username: with ``password``: credentials given explicitly, instead of the docker config's.
        password: the password (or an access token the registry accepts as one).
        identity_token: an OAuth2 refresh token (what ``docker login`` keeps as ``identitytoken``).
        auth_configs: credentials by registry (an :class:`~docker_client.auth.AuthConfig`, e.g. a
            Client's ``_auth_configs``); default: the docker config file, read on first need.
        credstore_env: environment overrides for credential helper programs.
        insecure: ``True``: plain HTTP. ``None`` (default): plain HTTP for loopback hosts
            (``localhost``, ``127.0.0.0/8``, ``::1``), HTTPS for all others. ``False``: HTTPS always.
        verify: ``True`` to verify TLS certificates, ``False`` not to, or a CA bundle path.
        cert: a client certificate: a path, or ``(certificate path, key path)``.
        timeout: seconds each HTTP request may take; ``None`` for no limit.
        user_agent: the User-Agent header.
        session: a ``requests.Session`` to send with (default: a new one, closed by :meth:`close`).

    Raises:
        InvalidArgument: a malformed registry, or a username without a password.

    Example:
        >>> with RegistryClient("127.0.0.1:5000") as reg:
        ...     reg.platform_digest("multi", "latest", "linux/arm64/v8")
        'sha256:...'
    """

    def __init__(self, registry: str = auth.INDEX_NAME, *, username: str | None = None,
                 password: str | None = None, identity_token: str | None = None,
                 auth_configs: auth.AuthConfig | Mapping[str, Any] | None = None,
                 credstore_env: Mapping[str, str] | None = None, insecure: bool | None = None,
                 verify: bool | str = True, cert: str | tuple[str, str] | None = None,
                 timeout: float | None = DEFAULT_TIMEOUT_SECONDS, user_agent: str = DEFAULT_USER_AGENT,
                 session: requests.Session | None = None) -> None:
        if (username is None) != (password is None):
            raise InvalidArgument("give both username and password, or neither")
        self.registry, self.base_url = self._locate(registry, insecure)
        self.verify = verify
        self.cert = cert
        self.timeout = timeout
        self._own_session = session is None
        self._session = session if session is not None else requests.Session()
        self._session.headers["User-Agent"] = user_agent
        self._auth_configs = auth_configs
        self._credstore_env = credstore_env
        self._explicit: _Credentials | None = None
        if username is not None or identity_token:
            self._explicit = _Credentials(username or "", password or "", identity_token or "")
        self._resolved: _Credentials | None = None
        self._resolved_done = False
        self._challenge: Challenge | None = None
        self._tokens: dict[tuple[str, str, str], _Token] = {}
        self._lock = threading.RLock()

    @staticmethod
    def _locate(registry: str, insecure: bool | None) -> tuple[str, str]:
        """``(the registry's name for credentials and messages, its API base URL)``."""
        if not isinstance(registry, str) or not registry.strip():
            raise InvalidArgument(f"a registry host is needed, not {registry!r}")
        text, scheme = registry.strip(), None
        if "://" in text:
            scheme, _, text = text.partition("://")
            scheme = scheme.lower()
            if scheme not in ("http", "https"):
                raise InvalidArgument(f"a registry is reached over http or https, not {scheme}")
        host = text.split("/", 1)[0]
        if not host or not re.fullmatch(r"[A-Za-z0-9.\-_\[\]:%]+", host):
            raise InvalidArgument(f"invalid registry host {registry!r}")
        name = auth.resolve_index_name(host)
        api_host = host
        if name.lower() in _HUB_NAMES:
            name, api_host = auth.INDEX_NAME, DOCKER_HUB_REGISTRY
        if scheme is None:
            plain = insecure if insecure is not None else _is_loopback(api_host)
            scheme = "http" if plain else "https"
        return name, f"{scheme}://{api_host}"

    def __repr__(self) -> str:
        return f"<RegistryClient {self.base_url}>"

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections (of the session this client made)."""
        if self._own_session:
            self._session.close()

    # -- public API --------------------------------------------------------------------------

    def ping(self) -> bool:
        """Check that this is a v2 registry and that the credentials (if it wants any) work.

        Raises:
            RegistryAuthError: credentials are missing or refused.
            RegistryError: not a v2 registry, or another error.
        """
        with self._call("GET", "/v2/", scopes=[]) as response:
            self._raise_for_status(response, "the registry's /v2/ endpoint")
        return True

    def get_manifest(self, name: str, reference: str = "latest", *,
                     media_types: Sequence[str] | None = None) -> Manifest:
        """The manifest, manifest list or OCI index ``name:reference`` (a tag or a digest).

        Its digest is checked: against the reference when that is a digest, and against
        the registry's ``Docker-Content-Digest``.

        Args:
            name: the repository, e.g. ``"library/busybox"`` (``"busybox"`` on Docker Hub).
            reference: a tag or ``sha256:...`` digest.
            media_types: what to accept (default: OCI index and manifest, Docker list and v2 manifest).

        Raises:
            RepositoryNotFound, ManifestNotFound: no such repository, or no such tag or digest.
            DigestMismatch: the bytes received do not hash to the digest.
            RegistryAuthError: credentials are missing or refused.
        """
        repository, reference = self._repository(name), _check_reference(reference)
        accept = ", ".join(media_types or MANIFEST_MEDIA_TYPES)
        with self._call("GET", f"/v2/{repository}/manifests/{reference}", scopes=[self._scope(repository)],
                        headers={"Accept": accept}) as response:
            what = self._display(repository, reference)
            self._raise_for_status(response, what, repository=repository, reference=reference)
            raw = self._read(response, MAX_MANIFEST_SIZE, f"manifest {what}")
        digest = self._verify(raw, what, expected=reference if _is_digest(reference) else None,
                              announced=response.headers.get("Docker-Content-Digest"))
        content = self._json(raw, f"manifest {what}")
        if not isinstance(content, dict):
            raise RegistryError(f"manifest {what} is not a JSON object")
        return Manifest(_media_type(content, response.headers.get("Content-Type")), digest, content, raw)

    def manifest_digest(self, name: str, reference: str = "latest") -> str:
        """The digest ``name:reference`` resolves to, from a HEAD request when the registry answers one.

        Raises:
            RepositoryNotFound, ManifestNotFound: no such repository, or no such tag or digest.
        """
        repository, reference = self._repository(name), _check_reference(reference)
        with self._call("HEAD", f"/v2/{repository}/manifests/{reference}", scopes=[self._scope(repository)],
                        headers={"Accept": ", ".join(MANIFEST_MEDIA_TYPES)}) as response:
            self._raise_for_status(response, self._display(repository, reference),
                                   repository=repository, reference=reference)
            announced = response.headers.get("Docker-Content-Digest")
        if announced and _DIGEST_RE.fullmatch(announced):
            if _is_digest(reference) and announced != reference:
                raise DigestMismatch(f"{self._display(repository, reference)}: the registry announced "
                                     f"{announced}")
            return announced
        return self.get_manifest(repository, reference).digest

    def list_tags(self, name: str, *, page_size: int | None = None) -> list[str]:
        """Every tag of the repository, following the registry's ``Link: <...>; rel="next"`` pages.

        Args:
            page_size: tags asked for per request (``n``); default: the registry's choice.

        Raises:
            RepositoryNotFound: no such repository.
        """
        repository = self._repository(name)
        url: str | None = f"{self.base_url}/v2/{repository}/tags/list"
        params = {"n": str(page_size)} if page_size else None
        tags: list[str] = []
        seen: set[str] = set()
        while url is not None and len(seen) < _MAX_TAG_PAGES:
            seen.add(url)
            with self._call("GET", url, scopes=[self._scope(repository)], params=params) as response:
                self._raise_for_status(response, f"the tags of {self.registry}/{repository}",
                                       repository=repository, not_found=RepositoryNotFound)
                body = self._json(self._read(response, MAX_MANIFEST_SIZE, "a tag list"), "a tag list")
                link = response.links.get("next", {}).get("url")
            page = body.get("tags") if isinstance(body, dict) else None
            tags.extend(str(tag) for tag in page or [])
            params = None  # the next link carries n and last
            url = self._same_origin(urljoin(url, link)) if link else None
            if url in seen:
                break
        return tags

    def platforms(self, name: str, reference: str = "latest") -> list[Platform]:
        """The platforms ``name:reference`` has images for (one for a single-platform image).

        Raises:
            RepositoryNotFound, ManifestNotFound: no such repository, or no such tag or digest.
        """
        repository = self._repository(name)
        return [p for p, _ in self._candidates(repository, self.get_manifest(repository, reference), 0)]

    def platform_digest(self, name: str, reference: str, platform: PlatformLike, *,
                        compatible: bool = False) -> str:
        """The digest of ``name:reference``'s image manifest for ``platform``.

        For an index (Docker manifest list or OCI index) the entry for the platform, matched
        as containerd does (``aarch64`` is ``arm64``, ``x86_64`` is ``amd64``, ``arm64/v8`` is
        ``arm64``, ``arm`` is ``arm/v7``; attestation entries are skipped); for a single
        image, its own digest when its config says it is for that platform.

        Args:
            name: the repository.
            reference: a tag or digest.
            platform: ``"linux/arm64/v8"``, a :class:`Platform`, or an OCI platform dict.
            compatible: also accept a platform that runs there, the closest first, as
                ``docker pull --platform`` does (``linux/arm64`` -> ``linux/arm/v8``...,
                ``linux/amd64`` -> ``linux/386``).

        Raises:
            PlatformNotFound: no image for the platform; the message lists those there are.
            RepositoryNotFound, ManifestNotFound: no such repository, or no such tag or digest.
            InvalidArgument: a malformed platform, name or reference.

        Example:
            >>> reg.platform_digest("library/busybox", "latest", "linux/arm64/v8")
            'sha256:...'
        """
        wanted = _as_platform(platform)
        repository = self._repository(name)
        candidates = self._candidates(repository, self.get_manifest(repository, reference), 0)
        descriptor = select_platform(candidates, wanted, compatible)
        if descriptor is None:
            available = list(dict.fromkeys(str(p) for p, _ in candidates))
            raise PlatformNotFound(
                f"{self._display(repository, reference)} has no image for {wanted}; it has "
                + (", ".join(available) or "no platform-specific image at all"),
                platform=str(wanted), available=available)
        return descriptor.digest

    def get_blob(self, name: str, digest: str, *, max_size: int | None = None) -> bytes:
        """A blob's bytes, checked against its digest.

        Raises:
            RegistryNotFound: no such blob (RepositoryNotFound: no such repository).
            DigestMismatch: the bytes received do not hash to the digest.
            RegistryError: larger than ``max_size``.
        """
        repository, digest = self._repository(name), _check_digest(digest)
        what = f"blob {self.registry}/{repository}@{digest}"
        with self._call("GET", f"/v2/{repository}/blobs/{digest}", scopes=[self._scope(repository)]) as resp:
            self._raise_for_status(resp, what)
            data = self._read(resp, max_size, what)
        self._verify(data, what, expected=digest)
        return data

    def blob_exists(self, name: str, digest: str) -> bool:
        """Whether the repository has the blob."""
        repository, digest = self._repository(name), _check_digest(digest)
        with self._call("HEAD", f"/v2/{repository}/blobs/{digest}", scopes=[self._scope(repository)]) as resp:
            if resp.status_code == 404:
                return False
            self._raise_for_status(resp, f"blob {self.registry}/{repository}@{digest}")
        return True

    def upload_blob(self, name: str, data: bytes) -> str:
        """Upload a blob (one PUT); return its ``sha256:`` digest. A blob already there is not sent.

        Raises:
            RegistryAuthError: no push access.
        """
        repository = self._repository(name)
        digest = _digest_of(bytes(data))
        assert digest is not None
        if self.blob_exists(repository, digest):
            return digest
        scopes = [self._scope(repository, push=True)]
        what = f"an upload to {self.registry}/{repository}"
        with self._call("POST", f"/v2/{repository}/blobs/uploads/", scopes=scopes,
                        headers={"Content-Length": "0"}) as response:
            self._raise_for_status(response, what)
            location = response.headers.get("Location")
        if not location:
            raise RegistryError(f"{what}: the registry gave no upload Location")
        url = urljoin(f"{self.base_url}/v2/{repository}/blobs/uploads/", location)
        with self._call("PUT", url, scopes=scopes, params={"digest": digest}, data=bytes(data),
                        headers={"Content-Type": "application/octet-stream"}) as response:
            self._raise_for_status(response, what)
        return digest

    def put_manifest(self, name: str, reference: str, manifest: bytes | Mapping[str, Any],
                     media_type: str | None = None) -> str:
        """Upload a manifest or index under a tag (or its digest); return its digest.

        Args:
            manifest: the exact bytes, or a dict (sent as compact JSON).
            media_type: its Content-Type; default: its ``mediaType`` field.

        Raises:
            InvalidArgument: no media type, or a digest reference the bytes do not hash to.
            RegistryError: the registry refused it (e.g. a blob it points at is missing).
        """
        repository, reference = self._repository(name), _check_reference(reference)
        if isinstance(manifest, bytes):
            raw = manifest
        else:
            raw = json.dumps(manifest, separators=(",", ":")).encode()
        if media_type is None:
            try:
                media_type = json.loads(raw).get("mediaType")
            except (ValueError, AttributeError):
                media_type = None
        if not media_type:
            raise InvalidArgument("the manifest has no mediaType: pass media_type=")
        digest = _digest_of(raw)
        assert digest is not None
        if _is_digest(reference) and reference != digest:
            raise InvalidArgument(f"the manifest's digest is {digest}, not {reference}")
        what = f"manifest {self._display(repository, reference)}"
        with self._call("PUT", f"/v2/{repository}/manifests/{reference}",
                        scopes=[self._scope(repository, push=True)], data=raw,
                        headers={"Content-Type": media_type}) as response:
            self._raise_for_status(response, what)
            announced = response.headers.get("Docker-Content-Digest")
        if announced and announced != digest:
            raise DigestMismatch(f"{what}: sent {digest}, the registry says it stored {announced}")
        return digest

    # -- manifests and platforms -------------------------------------------------------------

    def _candidates(self, repository: str, manifest: Manifest,
                    depth: int) -> list[tuple[Platform, Descriptor]]:
        """``(platform, descriptor)`` of each image under ``manifest``, in index order."""
        if manifest.is_index:
            out: list[tuple[Platform, Descriptor]] = []
            for entry in manifest.manifests:
                if entry.platform is not None:
                    if not _is_attestation(entry):
                        out.append((entry.platform, entry))
                elif entry.media_type in INDEX_MEDIA_TYPES and depth < _MAX_INDEX_DEPTH:
                    nested = self.get_manifest(repository, entry.digest)
                    out.extend(self._candidates(repository, nested, depth + 1))
            return out
        config = manifest.config
        if config is None:
            raise RegistryError(f"{self.registry}/{repository}@{manifest.digest} is a {manifest.media_type} "
                                "without a config: its platform is unknown")
        blob = self.get_blob(repository, config.digest, max_size=MAX_CONFIG_SIZE)
        data = self._json(blob, f"the image config {config.digest}")
        if not isinstance(data, dict):
            raise RegistryError(f"the image config {config.digest} is not a JSON object")
        platform = Platform.from_oci(data)
        return [(platform, Descriptor(manifest.media_type, manifest.digest, manifest.size, platform))]

    # -- names -------------------------------------------------------------------------------

    def _repository(self, name: str) -> str:
        """The repository path in this registry: a leading host of this registry dropped,
        ``library/`` added to a one-component Docker Hub name."""
        if not isinstance(name, str) or not name:
            raise InvalidArgument(f"a repository name is needed, not {name!r}")
        first, sep, rest = name.partition("/")
        if sep and ("." in first or ":" in first or first == "localhost"):
            host = auth.resolve_index_name(first)
            host = auth.INDEX_NAME if host.lower() in _HUB_NAMES else host
            if host != self.registry:
                raise InvalidArgument(f"{name!r} is in registry {host}, not {self.registry}")
            name = rest
        if self.registry == auth.INDEX_NAME and "/" not in name:
            name = f"library/{name}"
        if len(name) > 255 or not _REPOSITORY_RE.fullmatch(name):
            raise InvalidArgument(
                f"invalid repository name {name!r}: lowercase letters, digits and . _ - separators, "
                "in /-separated components"
            )
        return name

    def _display(self, repository: str, reference: str) -> str:
        separator = "@" if _is_digest(reference) else ":"
        return f"{self.registry}/{repository}{separator}{reference}"

    @staticmethod
    def _scope(repository: str, push: bool = False) -> str:
        return f"repository:{repository}:{'pull,push' if push else 'pull'}"

    def _same_origin(self, url: str) -> str:
        """``url`` if it is on this registry (tokens are not sent anywhere else)."""
        base, other = urlsplit(self.base_url), urlsplit(url)
        if (other.scheme, other.netloc) != (base.scheme, base.netloc):
            raise RegistryError(f"the registry {self.registry} sent a link to another host: {url}")
        return url

    # -- sending -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _translate(self, where: str) -> Iterator[None]:
        """The one boundary where requests' and urllib3's failures become RegistryConnectionError."""
        try:
            yield
        except requests.exceptions.SSLError as exc:
            raise RegistryConnectionError(
                f"TLS with {where} failed: {exc} (a registry without TLS needs insecure=True; a "
                "private CA needs verify='/path/to/ca.pem')"
            ) from exc
        except (requests.exceptions.ConnectTimeout, requests.exceptions.ReadTimeout) as exc:
            raise RegistryConnectionError(f"{where} did not answer within {self.timeout}s") from exc
        except requests.exceptions.RequestException as exc:
            raise RegistryConnectionError(f"cannot talk to {where}: {exc}") from exc
        except OSError as exc:
            raise RegistryConnectionError(f"cannot talk to {where}: {exc}") from exc

    def _send(self, method: str, url: str, headers: Mapping[str, str], **kwargs: Any) -> requests.Response:
        parts = urlsplit(url)
        log.debug("%s %s://%s%s", method, parts.scheme, parts.netloc, parts.path)
        with self._translate(f"{parts.scheme}://{parts.netloc}"):
            return self._session.request(method, url, headers=dict(headers), timeout=self.timeout,
                                         verify=self.verify, cert=self.cert, stream=True,
                                         auth=_HEADERS_AS_GIVEN, **kwargs)

    @contextlib.contextmanager
    def _call(self, method: str, path_or_url: str, *, scopes: list[str],
              headers: Mapping[str, str] | None = None, **kwargs: Any) -> Iterator[requests.Response]:
        """Send a request to the registry, answering one 401 challenge; the response is closed after."""
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        on_registry = url.startswith(self.base_url + "/")
        sent = dict(headers or {})
        authorization = self._authorization(scopes) if on_registry else None
        if authorization:
            sent["Authorization"] = authorization
        response = self._send(method, url, sent, **kwargs)
        try:
            if response.status_code == 401 and on_registry:
                challenge = self._choose_challenge(response)
                if method != "HEAD":
                    with self._translate(self.base_url):
                        response.content  # noqa: B018 - read the body: the connection is reused
                response.close()
                with self._lock:
                    self._challenge = challenge
                wanted = list(dict.fromkeys([*scopes, *challenge.scopes]))
                sent["Authorization"] = self._authorization(wanted, fresh=True, required=True) or ""
                response = self._send(method, url, sent, **kwargs)
            yield response
        finally:
            response.close()

    def _choose_challenge(self, response: requests.Response) -> Challenge:
        challenges = parse_www_authenticate(response.headers.get("WWW-Authenticate", ""))
        for scheme in ("bearer", "basic"):
            for challenge in challenges:
                if challenge.scheme == scheme:
                    return challenge
        offered = ", ".join(c.scheme for c in challenges) or "none"
        raise RegistryAuthError(f"{self.registry} wants authentication this client cannot do "
                                f"(schemes offered: {offered})", response=response)

    def _authorization(self, scopes: list[str], fresh: bool = False, required: bool = False) -> str | None:
        """The Authorization header for the last challenge seen, or None before any challenge."""
        with self._lock:
            challenge = self._challenge
        if challenge is None:
            return None
        if challenge.scheme == "basic":
            credentials = self._credentials()
            if credentials is None or not credentials.username:
                if required:
                    raise RegistryAuthError(
                        f"{self.registry} wants a username and password and none are configured "
                        f"(docker login {self.registry}, or username=/password=)")
                return None
            return _basic(credentials.username, credentials.password)
        return f"Bearer {self._token(challenge, scopes, fresh)}"

    def _credentials(self) -> _Credentials | None:
        with self._lock:
            if self._explicit is not None:
                return self._explicit
            if not self._resolved_done:
                configs = auth._as_auth_config(self._auth_configs, self._credstore_env)
                self._resolved = _Credentials.from_auth_config(configs.resolve_authconfig(self.registry))
                self._resolved_done = True
                log.debug("credentials for %s: %s", self.registry, "found" if self._resolved else "none")
            return self._resolved

    def _token(self, challenge: Challenge, scopes: list[str], fresh: bool) -> str:
        """A bearer token for ``scopes`` from the challenge's realm, cached until it expires."""
        realm = challenge.realm
        if not realm or urlsplit(realm).scheme not in ("http", "https"):
            raise RegistryAuthError(
                f"{self.registry} sent a Bearer challenge without a usable realm: {realm!r}")
        service = challenge.service or ""
        key = (realm, service, " ".join(sorted(set(scopes))))
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and not fresh and cached.expires > _clock():
                return cached.value
            value, lifetime = self._fetch_token(realm, service, sorted(set(scopes)))
            self._tokens[key] = _Token(value, _clock() + max(lifetime - _TOKEN_MARGIN, 1.0))
            return value

    def _fetch_token(self, realm: str, service: str, scopes: list[str]) -> tuple[str, float]:
        credentials = self._credentials()
        realm_scheme = urlsplit(realm).scheme
        if credentials is not None and realm_scheme != "https" and not self.base_url.startswith("http://"):
            raise RegistryAuthError(f"{self.registry}'s token service {realm} is plain HTTP: "
                                    "its credentials are not sent there")
        who = f" for {credentials.username or 'the identity token'}" if credentials else " (anonymous)"
        if credentials is not None and credentials.identity_token:
            form = {"grant_type": "refresh_token", "refresh_token": credentials.identity_token,
                    "service": service, "client_id": CLIENT_ID, "scope": " ".join(scopes)}
            response = self._send("POST", realm, {}, data=form)
        else:
            params: list[tuple[str, str]] = [("service", service)] if service else []
            params += [("scope", scope) for scope in scopes]
            basic = {}
            if credentials is not None:
                params.append(("account", credentials.username))
                basic["Authorization"] = _basic(credentials.username, credentials.password)
            response = self._send("GET", realm, basic, params=params)
        with contextlib.closing(response):
            body = self._read(response, MAX_MANIFEST_SIZE, f"the token from {realm}")
        if response.status_code in (401, 403):
            raise RegistryAuthError(f"the token service {realm} refused the credentials{who}: "
                                    f"{_error_message(response, body)}", response=response)
        if response.status_code >= 400:
            raise RegistryError(f"the token service {realm} failed{who}: {response.status_code} "
                                f"{_error_message(response, body)}", response=response)
        answer = self._json(body, f"the token from {realm}")
        token = answer.get("token") or answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise RegistryError(f"the token service {realm} answered without a token")
        refresh = answer.get("refresh_token")
        if credentials is not None and credentials.identity_token and isinstance(refresh, str) and refresh:
            with self._lock:
                if self._explicit is credentials:
                    self._explicit = dataclasses.replace(credentials, identity_token=refresh)
                else:
                    self._resolved = dataclasses.replace(credentials, identity_token=refresh)
        expires_in = answer.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) and expires_in > 0 else 60.0
        return token, max(lifetime, 60.0)

    # -- answers -----------------------------------------------------------------------------

    def _read(self, response: requests.Response, limit: int | None, what: str) -> bytes:
        length = response.headers.get("Content-Length", "")
        if limit is not None and length.isdigit() and int(length) > limit:
            raise RegistryError(f"{what} is {length} bytes, more than the {limit} read", response=response)
        buffer = bytearray()
        with self._translate(self.registry):
            for chunk in response.iter_content(64 * 1024):
                buffer += chunk
                if limit is not None and len(buffer) > limit:
                    raise RegistryError(f"{what} is more than the {limit} bytes read", response=response)
        return bytes(buffer)

    @staticmethod
    def _json(data: bytes, what: str) -> Any:
        try:
            return json.loads(data)
        except ValueError:
            raise RegistryError(f"{what} is not valid JSON: {data[:80]!r}") from None

    def _verify(self, data: bytes, what: str, expected: str | None = None,
                announced: str | None = None) -> str:
        """The digest of ``data``, checked against ``expected`` and the registry's ``announced`` one."""
        for claim, source in ((expected, "asked for"), (announced, "announced by the registry")):
            if not claim:
                continue
            actual = _digest_of(data, claim.partition(":")[0])
            if actual is not None and actual != claim:
                raise DigestMismatch(f"{what}: the content received hashes to {actual}, not to the "
                                     f"{claim} {source}")
        digest = expected or announced or _digest_of(data)
        assert digest is not None
        return digest

    def _raise_for_status(self, response: requests.Response, what: str, *, repository: str | None = None,
                          reference: str | None = None,
                          not_found: type[RegistryNotFound] = RegistryNotFound) -> None:
        """Raise the matching :class:`~docker_client.errors.RegistryError` for an error status.

        A manifest the registry does not know is told apart from a repository it does not know
        (many registries answer MANIFEST_UNKNOWN for both) by asking for the repository's tags.
        """
        status = response.status_code
        if status < 400:
            return
        body = b""
        if response.request.method != "HEAD":
            with self._translate(self.registry):
                for chunk in response.iter_content(64 * 1024):
                    body += chunk
                    if len(body) >= _MAX_ERROR_BODY:
                        break
        errors = _registry_errors(body)
        codes = {str(e.get("code")) for e in errors}
        message = _error_message(response, body)
        if status in (401, 403) or codes & {"UNAUTHORIZED", "DENIED"}:
            credentials = self._credentials()
            who = f"user {credentials.username or '(identity token)'}" if credentials else None
            if status == 403 or "DENIED" in codes:
                text = f"{what}: {self.registry} denied access ({who or 'anonymous'}): {message}"
            elif who:
                text = f"{what}: {self.registry} refused the credentials of {who}: {message}"
            else:
                text = f"{what}: {self.registry} wants credentials and none are configured: {message}"
            if repository is not None:
                text += " (or there is no such repository)"
            raise RegistryAuthError(text, response=response, errors=errors)
        if "NAME_UNKNOWN" in codes:
            raise RepositoryNotFound(f"{self.registry} has no repository {repository or what}",
                                     response=response, errors=errors)
        if status == 404 or codes & {"MANIFEST_UNKNOWN", "BLOB_UNKNOWN"}:
            if repository is not None and reference is not None:
                kind = "manifest" if _is_digest(reference) else "tag"
                tags = self._existing_tags(repository)
                if tags is None:
                    raise RepositoryNotFound(f"{self.registry} has no repository {repository}",
                                             response=response, errors=errors)
                shown = ", ".join(tags[:10]) + (", ..." if len(tags) > 10 else "")
                raise ManifestNotFound(f"{self.registry}/{repository} has no {kind} {reference}"
                                       f" (tags: {shown or 'none'})", response=response, errors=errors)
            raise not_found(f"{what}: not found ({message})", response=response, errors=errors)
        raise RegistryError(f"{what}: {self.registry} answered {status} {response.reason}: {message}",
                            response=response, errors=errors)

    def _existing_tags(self, repository: str) -> list[str] | None:
        """The repository's tags, or None when the registry says it has no such repository."""
        try:
            return self.list_tags(repository)
        except RepositoryNotFound:
            return None
        except RegistryError:
            return []


class _HeadersAsGiven(requests.auth.AuthBase):
    """An ``auth`` that changes nothing: it keeps requests from putting ~/.netrc credentials
    in place of the Authorization header this module chose."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


_HEADERS_AS_GIVEN = _HeadersAsGiven()


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def _registry_errors(body: bytes) -> list[dict[str, Any]]:
    try:
        data = json.loads(body)
    except ValueError:
        return []
    found = data.get("errors") if isinstance(data, dict) else None
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def _error_message(response: requests.Response, body: bytes) -> str:
    """The registry's own words: its ``errors`` messages, a token service's ``details``, or the body."""
    errors = _registry_errors(body)
    if errors:
        return "; ".join(f"{e.get('code', '?')}: {e.get('message', '')}".strip() for e in errors)
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("details", "message", "error_description", "error"):
            if isinstance(data.get(key), str) and data[key]:
                return str(data[key])
    text = body.decode("utf-8", "replace").strip()
    return text[:200] or response.reason or f"HTTP {response.status_code}"


__all__ = [
    "CLIENT_ID", "INDEX_MEDIA_TYPES", "MANIFEST_MEDIA_TYPES", "MEDIA_TYPE_DOCKER_CONFIG",
    "MEDIA_TYPE_DOCKER_MANIFEST", "MEDIA_TYPE_DOCKER_MANIFEST_LIST", "MEDIA_TYPE_OCI_CONFIG",
    "MEDIA_TYPE_OCI_INDEX", "MEDIA_TYPE_OCI_MANIFEST", "Challenge", "Descriptor", "Manifest", "Platform",
    "RegistryClient", "parse_image_reference", "parse_www_authenticate", "select_platform",
]
