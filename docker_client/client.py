"""The Client: a requests.Session that reaches a daemon, builds versioned URLs and checks answers.

The client's side of HTTP lives here: which adapter each address kind mounts, the lazily
negotiated API version, URL quoting, status checks, and the hand-off of streaming responses to
``streams``. Every byte goes through ``transport``.
"""
from __future__ import annotations

import json as jsonlib
import logging
import threading
from typing import Any, Callable, Iterable, Iterator, Mapping, TypeVar
from urllib.parse import quote

import requests
import requests.adapters

from . import auth, streams, transport, versions
from .api.attach import AttachApiMixin
from .api.build import BuildApiMixin
from .api.config import ConfigApiMixin
from .api.container import ContainerApiMixin
from .api.container_config import ContainerConfigMixin
from .api.dockerpy import DockerPyInternalsMixin
from .api.exec_api import ExecApiMixin
from .api.image import ImageApiMixin
from .api.network import NetworkApiMixin
from .api.plugin import PluginApiMixin
from .api.secret import SecretApiMixin
from .api.service import ServiceApiMixin
from .api.session import SessionApiMixin
from .api.swarm import SwarmApiMixin
from .api.system import SystemApiMixin
from .api.volume import VolumeApiMixin
from .constants import (
    DEFAULT_MAX_POOL_SIZE,
    DEFAULT_NUM_POOLS,
    DEFAULT_NUM_POOLS_SSH,
    DEFAULT_TIMEOUT_SECONDS,
    DEFAULT_USER_AGENT,
)
from .credentials.config import load_general_config
from .env import (
    DaemonAddress,
    api_version_from_env,
    context_settings,
    discover_socket,
    kwargs_from_env,
    parse_address,
)
from .errors import (
    APIError,
    DockerException,
    InvalidArgument,
    InvalidType,
    NotFound,
    NullResource,
    StreamParseError,
    TLSParameterError,
    create_api_error_from_response,
    engine_name,
    is_error_status,
    is_refused_route,
)
from .tls import TLSConfig
from .transport import map_errors
from .utils.proxy import ProxyConfig
from .utils.resources import resource_id

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The keyword arguments of the client's own calls that ``transport.send`` takes.
_PLAIN_KWARGS = frozenset({"params", "data", "headers", "timeout", "stream"})

def quote_path_arg(value: Any, what: str = "path argument") -> str:
    """Percent-quote one caller-supplied URL path argument (an id, name or tag).

    A dict the daemon returned (with ``Id`` or ``ID``) stands for its id, as docker-py's
    ``check_resource`` allows. ``/`` and ``:`` stay as they are (image names have them);
    everything that could end the path or start a query or fragment (``?``, ``#``, ``%``,
    spaces...) is quoted. A ``.`` or ``..`` segment is refused: the daemon's router resolves it,
    which could send the request to another endpoint. An empty segment (``a//b``) is sent: the
    daemon answers that no such object exists (see :func:`errors.create_api_error_from_response`).
    One leading ``/`` (container names as listed) is dropped.

    Raises:
        NullResource: the value is empty.
        InvalidType: neither a string nor such a dict (also ``ValueError``, as docker-py).
        InvalidArgument: a ``.`` or ``..`` segment.
    """
    if isinstance(value, Mapping):
        value = resource_id(value, what)
    if not isinstance(value, str):
        raise InvalidType(f"expected a string {what} but got {value!r} ({type(value).__name__})")
    if not value:
        raise NullResource(f"the {what} must not be empty")
    # Container names as the daemon lists them start with "/", which it ignores.
    trimmed = value[1:] if value.startswith("/") else value
    if any(segment in (".", "..") for segment in trimmed.split("/")):
        raise InvalidArgument(f"invalid {what} {value!r}: '.' or '..' path segments")
    return quote(trimmed, safe="/:")


def _encode_param(value: Any) -> Any:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dict):
        return jsonlib.dumps(value)
    return value


#: Methods that, replaced on an instance (``mock.patch.object(client, "request")``), get every call.
_OVERRIDES = frozenset(("request", "send", "prepare_request"))


class Client(
    requests.Session,
    AttachApiMixin,
    BuildApiMixin,
    ConfigApiMixin,
    ContainerApiMixin,
    ContainerConfigMixin,
    DockerPyInternalsMixin,
    ExecApiMixin,
    ImageApiMixin,
    NetworkApiMixin,
    PluginApiMixin,
    SecretApiMixin,
    ServiceApiMixin,
    SessionApiMixin,
    SwarmApiMixin,
    SystemApiMixin,
    VolumeApiMixin,
):
    """A client for the Docker Engine API, a drop-in for docker-py's ``APIClient``.

    Args:
        base_url: the daemon's address: ``unix:///var/run/docker.sock``,
            ``tcp://127.0.0.1:2376``, ``ssh://user@host``. ``None``: the one the environment
            names (``DOCKER_HOST``, ``DOCKER_TLS_VERIFY``, ``DOCKER_CERT_PATH``, the docker CLI
            context), else the local socket.
        version: the API version, e.g. ``"1.41"``. ``None`` or ``"auto"``: negotiated on the first
            request as the older of the daemon's and this client's (1.56). ``None`` also honours
            ``DOCKER_API_VERSION``.
        timeout: seconds each call may take; ``None`` for no limit.
        tls: ``True``, or a :class:`~docker_client.tls.TLSConfig`, to use HTTPS.
        user_agent: the User-Agent header.
        num_pools: connection pools to cache (per host).
        credstore_env: environment for credential helper programs.
        use_ssh_client: for ``ssh://``, run the ``ssh`` program instead of paramiko.
        max_pool_size: connections kept open per pool.

    Example:
        >>> client = Client()
        >>> client.version()["ApiVersion"]
        '1.41'
    """

    __attrs__ = requests.Session.__attrs__ + [
        "_auth_configs", "_general_configs", "_api_version", "base_url", "timeout",
        "credstore_env", "_address", "_exact_prefix", "_proxy_configs",
    ]

    def __init__(self, base_url: str | DaemonAddress | None = None, version: str | None = None,
                 timeout: float | None = DEFAULT_TIMEOUT_SECONDS, tls: bool | TLSConfig = False,
                 user_agent: str = DEFAULT_USER_AGENT, num_pools: int | None = None,
                 credstore_env: dict[str, str] | None = None, use_ssh_client: bool = False,
                 max_pool_size: int = DEFAULT_MAX_POOL_SIZE) -> None:
        super().__init__()
        if base_url is None:
            from_env = kwargs_from_env()
            base_url = from_env.get("base_url")
            if tls is False and "tls" in from_env:
                tls = from_env["tls"]
            if tls and base_url is None:
                raise TLSParameterError("If using TLS, the base_url argument must be provided")
        if version is None:
            version = api_version_from_env()
        if version is not None and not isinstance(version, str):
            raise DockerException(
                f"Version parameter must be a string or None. Found {type(version).__name__}"
            )
        self._api_version: str | None = None
        if version is not None and version.lower() != "auto":
            self._api_version = versions.check_supported(version)
        self._version_lock = threading.Lock()
        self._server_name: str | None = None  # see _daemon_name

        self.timeout = timeout
        self.credstore_env = credstore_env
        self.headers["User-Agent"] = user_agent
        self._general_configs = load_general_config()
        http_headers = self._general_configs.get("HttpHeaders")
        if isinstance(http_headers, dict):
            self.headers.update({str(k): str(v) for k, v in http_headers.items()})
        self._auth_configs = auth.load_config(config_dict=self._general_configs,
                                              credstore_env=credstore_env)

        # Nothing names a daemon: the first local socket that exists (see env.socket_candidates).
        if isinstance(base_url, DaemonAddress):  # already parsed (from_env's discovery)
            self._address: DaemonAddress = base_url
        else:
            self._address = (discover_socket() if base_url is None and not tls
                             else parse_address(base_url, tls=bool(tls)))
        self.base_url = self._address.url
        # Environment lookups (proxies, .netrc, CA bundles) cost more than a request to a local
        # socket; do them once here rather than on every call.
        self.trust_env = False
        self._mount_transport(tls, num_pools, max_pool_size, use_ssh_client)
        self._exact_prefix: str | None = None  # see transport.exact_prefix
        #: docker-py's name: config.json's proxies for this daemon (code may replace it).
        self._proxy_configs = ProxyConfig.from_dict(self._proxy_settings())

    @classmethod
    def from_context(cls, name: str | None = None, **kwargs: Any) -> Client:
        """docker-py 7.2's ``from_context``: a client for a docker CLI context (see
        :func:`docker_client.from_context`)."""
        params = context_settings(name)
        params.update(kwargs)
        return cls(**params)

    def _mount_transport(self, tls: bool | TLSConfig, num_pools: int | None, max_pool_size: int,
                         use_ssh_client: bool) -> None:
        address = self._address
        if address.scheme == "unix":
            unix_adapter = transport.UnixHTTPAdapter(
                address.url, self.timeout, pool_connections=num_pools or DEFAULT_NUM_POOLS,
                max_pool_size=max_pool_size)
            unix_adapter.where = address.where  # a discovered default names every place looked in
            self.mount("http+unix://", unix_adapter)
        elif address.scheme == "ssh":
            self.mount("http+docker://ssh", transport.SSHHTTPAdapter(
                address, self.timeout, pool_connections=num_pools or DEFAULT_NUM_POOLS_SSH,
                max_pool_size=max_pool_size, shell_out=use_ssh_client))
        else:
            self.proxies.update(requests.utils.get_environ_proxies(address.url))
            assert_hostname = None
            if isinstance(tls, TLSConfig):
                tls.configure_client(self)
                assert_hostname = tls.assert_hostname
            adapter = transport.TCPAdapter(pool_connections=num_pools or DEFAULT_NUM_POOLS,
                                           pool_maxsize=max_pool_size,
                                           assert_hostname=assert_hostname)
            self.mount("http://", adapter)
            self.mount("https://", adapter)

    # -- API version -------------------------------------------------------------------------

    @property
    def _version(self) -> str:
        """The API version in use, negotiated with the daemon on first use when not given."""
        version = self._api_version
        if version is None:
            version = self._negotiate_version()
        return version

    @_version.setter
    def _version(self, value: str) -> None:
        self._api_version = versions.check_supported(value)

    @property
    def api_version(self) -> str:
        return self._version

    def _negotiate_version(self) -> str:
        with self._version_lock:
            if self._api_version is not None:
                return self._api_version
            response = self._get(f"{self.base_url}/_ping")
            daemon_version = response.headers.get("Api-Version")
            self._server_name = engine_name(response.headers.get("Server")) or ""
            if response.status_code >= 400 or not daemon_version:
                response.close()
                info = self._result(self._get(f"{self.base_url}/version"), json=True)
                daemon_version = info.get("ApiVersion") if isinstance(info, dict) else None
                if not daemon_version:
                    raise DockerException(
                        "Invalid response from docker daemon: key 'ApiVersion' is missing"
                    )
            else:
                response.close()
            self._api_version = versions.negotiate(daemon_version)
            log.debug("negotiated API version %s (daemon %s)", self._api_version, daemon_version)
            return self._api_version

    def _require(self, feature: str) -> None:
        versions.require(feature, self._version)

    def _supports(self, feature: str) -> bool:
        return versions.supports(feature, self._version)

    # -- requests ----------------------------------------------------------------------------

    def _url(self, pathfmt: str, *args: str, versioned_api: bool = True) -> str:
        """The URL for an endpoint, each ``{0}``... argument percent-quoted."""
        path = pathfmt.format(*(quote_path_arg(arg) for arg in args))
        if versioned_api:
            return f"{self.base_url}/v{self._version}{path}"
        return f"{self.base_url}{path}"

    @staticmethod
    def _params(**params: Any) -> dict[str, Any]:
        """Query parameters: ``None`` dropped, booleans as 1/0, dicts as JSON."""
        return {k: _encode_param(v) for k, v in params.items() if v is not None}

    def request(self, method: str | bytes, url: str | bytes, *args: Any,  # type: ignore[override]
                **kwargs: Any) -> requests.Response:
        """``requests.Session.request``, with transport errors turned into ours.

        The daemon never redirects except to clean a path, so redirects are not followed.
        """
        kwargs.setdefault("allow_redirects", False)
        with map_errors(self._address.where):
            return super().request(method, url, *args, **kwargs)

    def _send(self, method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        """One of the client's own calls: ``request`` in effect, without its per-call overhead
        (a subclass that overrides ``request``, ``send`` or ``prepare_request``, or an instance
        where one is replaced, gets every call)."""
        kwargs.setdefault("timeout", self.timeout)
        cls = type(self)
        if (cls.request is not Client.request or cls.send is not requests.Session.send
                or cls.prepare_request is not requests.Session.prepare_request
                or not _PLAIN_KWARGS.issuperset(kwargs)
                or not self.__dict__.keys().isdisjoint(_OVERRIDES)):
            return self.request(method, url, **kwargs)
        prefix = self._exact_prefix
        if prefix is None:
            prefix = self._exact_prefix = transport.exact_prefix(self.base_url)
        with map_errors(self._address.where):
            return transport.send(self, method, url, exact_prefix=prefix or None, **kwargs)

    def _read_timeout(self, read: float | None) -> tuple[float | None, float | None]:
        """The client's connect timeout with another read timeout (a wait of known length)."""
        return transport.split_timeout(self.timeout)[0], read

    def _plus_timeout(self, seconds: float) -> Any:
        """The client's timeout extended by ``seconds`` the daemon is asked to wait."""
        timeout = self.timeout
        if timeout is None or not isinstance(timeout, tuple):
            return None if timeout is None else timeout + seconds
        connect, read, _ = transport.split_timeout(timeout)
        return connect, None if read is None else read + seconds

    def _head_timeout(self) -> transport.HeadTimeout:
        """The timeout of a streaming call: the client's for the answer's head, none for the body
        (a log followed, events, a pull can be quiet for as long as they like)."""
        connect, head, _ = transport.split_timeout(self.timeout)
        return transport.HeadTimeout(connect, head)

    def _get(self, url: str, **kwargs: Any) -> requests.Response:
        return self._send("GET", url, kwargs)

    def _head(self, url: str, **kwargs: Any) -> requests.Response:
        return self._send("HEAD", url, kwargs)

    def _post(self, url: str, **kwargs: Any) -> requests.Response:
        return self._send("POST", url, kwargs)

    def _put(self, url: str, **kwargs: Any) -> requests.Response:
        return self._send("PUT", url, kwargs)

    def _delete(self, url: str, **kwargs: Any) -> requests.Response:
        return self._send("DELETE", url, kwargs)

    def _post_json(self, url: str, data: Any, **kwargs: Any) -> requests.Response:
        """POST ``data`` as JSON; top-level ``None`` values are left out, as docker-py does."""
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if v is not None}
        elif data is None:
            data = {}
        headers = dict(kwargs.pop("headers", None) or {})
        headers["Content-Type"] = "application/json"
        return self._post(url, data=jsonlib.dumps(data), headers=headers, **kwargs)

    # -- answers -----------------------------------------------------------------------------

    def _raise_for_status(self, response: requests.Response,
                          not_found: type[NotFound] | None = None) -> None:
        """Raise the matching :class:`~docker_client.errors.APIError` for an error status."""
        if not is_error_status(response.status_code):
            return
        try:
            with map_errors(self._address.where):
                response.content  # noqa: B018 - read the error body before closing
        finally:
            response.close()
        raise self._named_refusal(create_api_error_from_response(response, not_found=not_found))

    def _named_refusal(self, error: APIError) -> APIError:
        """``error``, saying which daemon refused when it refused the endpoint itself."""
        if error.response is not None and is_refused_route(error.response, error.explanation or ""):
            error.refused_by = self._daemon_name()
        return error

    def _daemon_name(self) -> str | None:
        """Which daemon this is ("Podman 5.8.6"), from ``/_ping``'s Server header; asked once,
        and only to word an error (an endpoint the daemon does not serve)."""
        if self._server_name is None:
            try:
                response = self._get(f"{self.base_url}/_ping")
                response.close()
                self._server_name = engine_name(response.headers.get("Server")) or ""
            except DockerException:
                return None
        return self._server_name or None

    def _result(self, response: requests.Response, json: bool = False, binary: bool = False,
                not_found: type[NotFound] | None = None) -> Any:
        """The body of a finished call: parsed JSON, bytes, or text."""
        if json and binary:
            raise InvalidArgument("a result is JSON or binary, not both")
        self._raise_for_status(response, not_found=not_found)
        with map_errors(self._address.where):
            body = response.content
        if json:
            try:
                return jsonlib.loads(body)
            except ValueError as exc:
                raise StreamParseError(
                    f"the daemon sent invalid JSON for {response.request.method} "
                    f"{response.request.path_url}: {body[:80]!r}"
                ) from exc
        if binary:
            return body
        return response.text

    def _stream(self, response: requests.Response,
                decoder: Callable[[Iterable[bytes]], Iterator[T]],
                not_found: type[NotFound] | None = None) -> streams.Stream[T]:
        """A :class:`~docker_client.streams.Stream` over a response, its status checked first."""
        self._raise_for_status(response, not_found=not_found)
        return streams.Stream(response, decoder(streams.iter_raw(response)))

    def _registry_headers(self, registry: str | None) -> Mapping[str, Any]:
        """X-Registry-Auth for ``registry`` (a host), from the client's credentials."""
        header = auth.get_config_header(self, registry)
        return {"X-Registry-Auth": header} if header else {}

    def _image_registry_headers(self, image: str) -> Mapping[str, Any]:
        """X-Registry-Auth for the registry ``image`` resolves to, and for no other."""
        header = auth.registry_auth_header(auth.client_auth_configs(self), image, self.credstore_env)
        return {"X-Registry-Auth": header} if header else {}

    def __repr__(self) -> str:
        version = self._api_version or "auto"
        return f"<docker_client.Client {self._address.where} API {version}>"


def from_context(name: str | None = None, version: str | None = None,
                 timeout: float | None = DEFAULT_TIMEOUT_SECONDS, max_pool_size: int = DEFAULT_MAX_POOL_SIZE,
                 use_ssh_client: bool = False, **kwargs: Any) -> Client:
    """A :class:`Client` for the daemon of a docker CLI context (docker-py 7.2's ``from_context``).

    Args:
        name: the context; ``None`` for the one in use (``DOCKER_CONTEXT``, else config.json's
            ``currentContext``, else ``default``: the local socket).
        kwargs: other :class:`Client` arguments; ``base_url``/``tls`` override the context's.

    Raises:
        ContextNotFound: no context of that name (docker-py 7.2 falls back to the local socket;
            the docker CLI refuses it, as here).
    """
    return Client.from_context(name, version=version, timeout=timeout, max_pool_size=max_pool_size,
                               use_ssh_client=use_ssh_client, **kwargs)


def from_env(version: str | None = None, timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
             max_pool_size: int = DEFAULT_MAX_POOL_SIZE, environment: Mapping[str, str] | None = None,
             use_ssh_client: bool = False, **kwargs: Any) -> Client:
    """A :class:`Client` for the daemon the environment names (see ``kwargs_from_env``)."""
    params = kwargs_from_env(environment)
    if version is None:
        version = api_version_from_env(environment)
    # Else nothing names a daemon: the first local socket that exists (env.socket_candidates).
    params.setdefault("base_url", kwargs.pop("base_url", None) or discover_socket(environment))
    params.update(kwargs)
    return Client(version=version, timeout=timeout, max_pool_size=max_pool_size,
                  use_ssh_client=use_ssh_client, **params)
