"""What every resource mixin may use from the client, declared once for type checkers.

The mixins build parameters, call one of these helpers and shape the result; the
``Client`` in ``client.py`` provides the real implementations.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, TypeVar

if TYPE_CHECKING:
    import requests

    from ..auth import AuthConfig
    from ..errors import APIError, NotFound
    from ..streams import Stream

T = TypeVar("T")


class ApiMixin:
    """Base of the resource mixins: declarations only, no behaviour."""

    if TYPE_CHECKING:
        base_url: str
        timeout: Any
        credstore_env: dict[str, str] | None
        _auth_configs: AuthConfig
        _general_configs: dict[str, Any]

        @property
        def _version(self) -> str: ...

        @property
        def api_version(self) -> str: ...

        def _url(self, pathfmt: str, *args: str, versioned_api: bool = True) -> str: ...

        def _get(self, url: str, **kwargs: Any) -> requests.Response: ...

        def _head(self, url: str, **kwargs: Any) -> requests.Response: ...

        def _post(self, url: str, **kwargs: Any) -> requests.Response: ...

        def _put(self, url: str, **kwargs: Any) -> requests.Response: ...

        def _delete(self, url: str, **kwargs: Any) -> requests.Response: ...

        def _post_json(self, url: str, data: Any, **kwargs: Any) -> requests.Response: ...

        def _result(self, response: requests.Response, json: bool = False,
                    binary: bool = False, not_found: type[NotFound] | None = None) -> Any: ...

        def _raise_for_status(self, response: requests.Response,
                              not_found: type[NotFound] | None = None) -> None: ...

        def _named_refusal(self, error: APIError) -> APIError: ...

        def _stream(self, response: requests.Response,
                    decoder: Callable[[Iterable[bytes]], Iterator[T]],
                    not_found: type[NotFound] | None = None) -> Stream[T]: ...

        def _require(self, feature: str) -> None: ...

        def _supports(self, feature: str) -> bool: ...

        def _params(self, **params: Any) -> dict[str, Any]: ...

        def _head_timeout(self) -> Any: ...

        def _read_timeout(self, read: float | None) -> Any: ...

        def _plus_timeout(self, seconds: float) -> Any: ...

        def _registry_headers(self, registry: str | None) -> Mapping[str, Any]: ...

        def _image_registry_headers(self, image: str) -> Mapping[str, Any]: ...
