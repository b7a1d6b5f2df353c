"""Every exception docker_client raises, and the one place daemon answers become them.

The tree (names as in docker-py, so ``except docker.errors.X`` keeps working)::

    DockerException
    ├── APIError  (also requests.HTTPError)      the daemon answered with an error status
    │   ├── NotFound                             404
    │   │   └── ImageNotFound                    404 for an image
    │   └── Conflict                             409 (name in use, container running...)
    ├── DockerConnectionError (also requests.ConnectionError)
    │   └── StreamInterrupted                    the connection dropped in mid-stream
    ├── DockerTimeout (also requests.ReadTimeout and requests.ConnectionError)
    ├── StreamParseError (also RuntimeError)     a malformed frame or JSON document
    │   └── TraceDecodeError                     a BuildKit trace document that does not decode
    ├── InvalidVersion                           API version unsupported or too old for a feature
    ├── BuilderUnavailable                       the daemon does not offer the builder asked for
    ├── InvalidArgument (also ValueError)        bad input, found before anything is sent
    │   ├── InvalidType (also TypeError)         a value of the wrong type (docker-py's TypeError)
    │   └── NullResource                         an empty id or name
    ├── InvalidRepository, InvalidConfigFile, TLSParameterError, DeprecatedMethod
    │   (InvalidReference: an InvalidRepository that is also an APIError)
    ├── CredentialsError                         a credential helper is missing or failed
    ├── ContainerError, BuildError, ImageLoadError
    ├── MissingContextParameter, ContextException, ContextAlreadyExists, ContextNotFound
    └── RegistryError                            a registry (spoken to directly) refused or failed
        ├── RegistryAuthError                    no credentials, or credentials refused (401/403)
        ├── RegistryConnectionError (also DockerConnectionError)  unreachable, TLS or timeout
        ├── DigestMismatch                       content does not hash to its digest
        └── RegistryNotFound
            ├── RepositoryNotFound               no such repository
            ├── ManifestNotFound                 no such tag or digest in the repository
            └── PlatformNotFound                 no manifest for the platform asked for
"""
from __future__ import annotations

from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit

import requests

_IMAGE_NOT_FOUND_FRAGMENTS = (
    "no such image",
    "not found: does not exist or no pull access",
    "repository does not exist",
    "was found but does not match the specified platform",
    "manifest unknown",
    "pull access denied",
)


class DockerException(Exception):
    """Base of every docker_client error: catch it to catch them all."""


class APIError(requests.exceptions.HTTPError, DockerException):
    """The daemon answered with an error status.

    Attributes:
        response: the ``requests.Response`` (its body already read).
        explanation: the daemon's own message.
    """

    def __init__(self, message: Any, response: requests.Response | None = None,
                 explanation: str | None = None) -> None:
        super().__init__(message)
        self.response = response
        self.explanation = explanation
        #: The daemon that refused the endpoint itself ("Podman 5.8.6"), when it did: set for
        #: answers that say no such route or not supported, rather than something about an object.
        self.refused_by: str | None = None

    def __str__(self) -> str:
        message = super().__str__()
        response = self.response
        if response is not None and is_error_status(response.status_code):
            kind = ("Client Error" if self.is_client_error() else
                    "Server Error" if self.is_server_error() else "Redirect")
            message = f"{response.status_code} {kind} for {_where(response)}: {response.reason}"
        if self.explanation:
            message = f'{message} ("{self.explanation}")'
        if self.refused_by and response is not None and response.request is not None:
            request = response.request
            message = f"{message}: {self.refused_by} does not serve {request.method} {request.path_url}"
        return message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    @property
    def status_code(self) -> int | None:
        if self.response is not None:
            return int(self.response.status_code)
        return None

    def is_error(self) -> bool:
        return self.is_client_error() or self.is_server_error()

    def is_client_error(self) -> bool:
        code = self.status_code
        return code is not None and 400 <= code < 500

    def is_server_error(self) -> bool:
        code = self.status_code
        return code is not None and 500 <= code < 600


def display_address(url: str) -> str:
    """The daemon part of a request URL as a person writes it: ``unix:///run/docker.sock``
    (not ``http+unix://%2Frun%2Fdocker.sock``), ``tcp://host:2376``."""
    scheme, _, rest = url.partition("://")
    netloc = rest.split("/", 1)[0]
    if scheme == "http+unix":
        return "unix://" + unquote(netloc)
    if scheme in ("http", "https"):
        return "tcp://" + netloc
    return f"{scheme}://{netloc}" if scheme else url


def _where(response: requests.Response) -> str:
    """``GET /v1.41/images/x/json on unix:///run/docker.sock``: the call an error answered."""
    request = response.request
    url = (request.url if request is not None else None) or response.url or ""
    if request is None or request.method is None:
        return display_address(url) + (urlsplit(url).path or "")
    return f"{request.method} {request.path_url} on {display_address(url)}"


class NotFound(APIError):
    """The daemon has no such object (HTTP 404)."""


class ImageNotFound(NotFound):
    """The daemon, or the registry behind it, has no such image."""


class Conflict(APIError):
    """The request conflicts with the daemon's state (HTTP 409)."""


class DockerConnectionError(DockerException, requests.exceptions.ConnectionError):
    """The daemon could not be reached, or the connection broke."""


class StreamInterrupted(DockerConnectionError):
    """The connection ended in the middle of a stream: the data is incomplete."""


class DockerTimeout(DockerException, requests.exceptions.ReadTimeout,
                    requests.exceptions.ConnectionError):
    """The daemon did not answer within the timeout.

    A ``requests.ReadTimeout``, and a ``requests.ConnectionError`` as well: docker-py surfaces a
    read timeout on a unix socket as the latter, so either ``except`` keeps working."""


class StreamParseError(DockerException, RuntimeError):
    """A stream from the daemon held a malformed frame or JSON document."""

    def __init__(self, reason: Any) -> None:
        super().__init__(reason)
        self.msg = reason


class TraceDecodeError(StreamParseError):
    """A BuildKit trace document (``moby.buildkit.trace``) that is not base64 of a
    ``StatusResponse`` protobuf message."""


class InvalidVersion(DockerException):
    """The API version is unsupported, or too old for the feature asked for."""


class BuilderUnavailable(DockerException):
    """The daemon does not offer the builder asked for (BuildKit: ``build(version="2")``)."""


class InvalidArgument(DockerException, ValueError):
    """An argument is invalid; raised before anything is sent to the daemon."""


class InvalidType(InvalidArgument, TypeError):
    """An argument of the wrong type (a list where a dict is expected...).

    Also a ``TypeError``, which docker-py raises for most of these, and still a ``ValueError``
    (an :class:`InvalidArgument`): either ``except`` keeps working."""


class NullResource(InvalidArgument):
    """An id or name argument is empty."""


class InvalidRepository(DockerException):
    pass


class InvalidReference(InvalidRepository, APIError):
    """An image reference the daemon would refuse ("invalid reference format"), found before a
    request body (a build context, an image archive) is sent.

    Also an :class:`APIError` (without a response), the class docker-py raises from the
    daemon's answer, so either ``except`` keeps working."""

    def __init__(self, message: str) -> None:
        APIError.__init__(self, message)


class InvalidConfigFile(DockerException):
    pass


class DeprecatedMethod(DockerException):
    pass


class TLSParameterError(DockerException):
    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg

    def __str__(self) -> str:
        return self.msg + (
            ". TLS configurations should map the Docker CLI client configurations."
            " See https://docs.docker.com/engine/articles/https/ for API details."
        )


class CredentialsError(DockerException):
    """A credential helper is missing or failed."""


class ContainerError(DockerException):
    """A container exited with a non-zero status."""

    def __init__(self, container: Any, exit_status: int, command: Any, image: Any,
                 stderr: bytes | None) -> None:
        self.container = container
        self.exit_status = exit_status
        self.command = command
        self.image = image
        self.stderr = stderr
        err = f": {stderr.decode('utf-8', 'replace')}" if stderr is not None else ""
        super().__init__(
            f"Command '{command}' in image '{image}' returned non-zero exit status {exit_status}{err}"
        )


class BuildError(DockerException):
    def __init__(self, reason: str, build_log: Any) -> None:
        super().__init__(reason)
        self.msg = reason
        self.build_log = build_log


class ImageLoadError(DockerException):
    pass


class MissingContextParameter(DockerException):
    def __init__(self, param: str) -> None:
        super().__init__(f"missing parameter: {param}")
        self.param = param


class ContextException(DockerException):
    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg


class ContextAlreadyExists(DockerException):
    def __init__(self, name: str) -> None:
        super().__init__(f"context {name} already exists")
        self.name = name


class ContextNotFound(DockerException):
    """No docker CLI context of that name (``DOCKER_CONTEXT``, config.json's ``currentContext``)."""

    def __init__(self, name: str, looked: str | None = None) -> None:
        super().__init__(f"context '{name}' not found" + (f" (looked for {looked})" if looked else ""))
        self.name = name


def create_unexpected_kwargs_error(name: str, kwargs: Any) -> TypeError:
    """docker-py's name: the ``TypeError`` Python raises for unexpected keyword arguments."""
    quoted = [f"'{key}'" for key in sorted(kwargs)]
    which = "an unexpected keyword argument " if len(quoted) == 1 else "unexpected keyword arguments "
    return TypeError(f"{name}() got {which}{', '.join(quoted)}")


def _explanation(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return (response.text or "").strip()
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return (response.text or "").strip()


#: Redirects: the daemon's router answers so for a path it cleans (``a//b`` to ``a/b``). They are
#: never followed (requests would turn a POST into a GET and send a DELETE to another name).
REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))


def is_error_status(status: int) -> bool:
    """Is ``status`` a daemon's error: 400 and above, or a redirect (304 Not Modified is not)."""
    return status >= 400 or status in REDIRECT_STATUSES


def create_api_error_from_response(response: requests.Response,
                                   not_found: type[NotFound] | None = None) -> APIError:
    """Return the exception for a daemon's error response.

    Args:
        response: a response whose status is 400 or above, or a redirect: the daemon cleaned
            the path (an empty segment in a name), so no object has the name asked for. That is
            a :class:`NotFound` (docker-py follows the redirect and gets the 404 for the cleaned
            name, or for a POST turned into a GET).
        not_found: the class for a 404 when the caller knows better (image endpoints pass
            ``ImageNotFound``); otherwise chosen from the daemon's message.
    """
    status = response.status_code
    if status in REDIRECT_STATUSES:
        where = response.headers.get("Location", "")
        explanation = (f"no such object: the daemon cleans {response.request.path_url} to {where}"
                       if response.request is not None else f"no such object (redirected to {where})")
        return (not_found or NotFound)(f"{status} error", response=response, explanation=explanation)
    explanation = _explanation(response)
    cls: type[APIError] = APIError
    if status == 404:
        lowered = explanation.lower()
        if not_found is not None:
            cls = not_found
        elif any(fragment in lowered for fragment in _IMAGE_NOT_FOUND_FRAGMENTS):
            cls = ImageNotFound
        else:
            cls = NotFound
    elif status == 409:
        cls = Conflict
    return cls(f"{status} error", response=response, explanation=explanation)


# What daemons answer for an endpoint they do not serve at all: Go's bare router 404, Docker's
# JSON "page not found", Podman's "Path ... is not supported" and "Podman does not support service".
_REFUSED_ROUTE_STATUSES = (404, 405, 501, 503)


def is_refused_route(response: requests.Response, explanation: str) -> bool:
    """Did the daemon refuse the endpoint itself (an unknown route, an unsupported API) rather
    than answer about an object (no such container, ...)?"""
    if response.status_code not in _REFUSED_ROUTE_STATUSES:
        return False
    text = explanation.strip().lower()
    return (text in ("not found", "404 page not found", "page not found", "method not allowed")
            or (text.startswith("path ") and text.endswith(" is not supported"))
            or text.startswith("podman does not support"))


def engine_name(server: str | None) -> str | None:
    """A person's name for a daemon from its ``Server`` header: ``"Libpod/5.8.6 (linux)"`` is
    ``"Podman 5.8.6"``, ``"Docker/28.5.2 (linux)"`` is ``"Docker Engine 28.5.2"``."""
    if not server or "/" not in server:
        return None
    product, _, rest = server.partition("/")
    version = (rest.split() or [""])[0]
    name = {"Libpod": "Podman", "Docker": "Docker Engine"}.get(product, product)
    return f"{name} {version}".strip()


def create_api_error_from_http_exception(e: requests.exceptions.HTTPError) -> NoReturn:
    """docker-py's name: raise the right :class:`APIError` for a requests ``HTTPError``."""
    if e.response is None:
        raise APIError(str(e)) from e
    raise create_api_error_from_response(e.response) from e


# -- a registry spoken to directly (docker_client.registry) ------------------------------

class RegistryError(DockerException):
    """A registry, spoken to directly by :mod:`docker_client.registry`, refused or failed a request.

    Attributes:
        response: the registry's ``requests.Response`` (body read), when there was one.
        errors: the registry's ``errors`` list (``{"code": ..., "message": ...}`` entries).
    """

    def __init__(self, message: str, response: requests.Response | None = None,
                 errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.response = response
        self.errors = errors or []

    @property
    def status_code(self) -> int | None:
        return int(self.response.status_code) if self.response is not None else None

    @property
    def codes(self) -> list[str]:
        """The registry's error codes, e.g. ``["MANIFEST_UNKNOWN"]``."""
        return [str(e.get("code")) for e in self.errors if isinstance(e, dict) and e.get("code")]


class RegistryAuthError(RegistryError):
    """The registry wants credentials that are missing, or refused the ones sent."""


class RegistryConnectionError(RegistryError, DockerConnectionError):
    """The registry (or its token service) could not be reached, failed TLS, or timed out."""


class DigestMismatch(RegistryError):
    """Content from a registry does not hash to the digest it was asked for or announced."""


class RegistryNotFound(RegistryError):
    """The registry has no such repository, manifest, blob or platform."""


class RepositoryNotFound(RegistryNotFound):
    """The registry has no such repository."""


class ManifestNotFound(RegistryNotFound):
    """The repository has no such tag or manifest digest."""


class PlatformNotFound(RegistryNotFound):
    """An image has no manifest for the platform asked for.

    Attributes:
        platform: the platform asked for, e.g. ``"linux/s390x"``.
        available: the platforms the image has.
    """

    def __init__(self, message: str, platform: str, available: list[str]) -> None:
        super().__init__(message)
        self.platform = platform
        self.available = available
