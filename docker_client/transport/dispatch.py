"""The client's own calls: what ``requests.Session.request`` does, without its per-call overhead.

Session settings are honoured exactly as ``Session.request`` honours them (headers, params,
auth and ``.netrc``, cookies, hooks, proxies, verify and cert, the adapter mounted for the URL),
and the request goes through that adapter's ``send``. Only the work that changes nothing is
skipped (an empty cookie jar's header, the environment when ``trust_env`` is off). Redirects are
not followed: a daemon redirects only to clean a path.
"""
from __future__ import annotations

import re
import threading
from typing import Any, Mapping
from urllib.parse import urlencode

import requests
from requests.hooks import dispatch_hook
from requests.structures import CaseInsensitiveDict
from requests.utils import check_header_validity, get_netrc_auth

__all__ = ["encode_params", "exact_prefix", "send"]

#: What requests' re-quoting (``requote_uri``) or urllib3's ``parse_url`` would change in a path:
#: a character they quote, a ``%`` not followed by two upper-case hex digits, an escaped
#: unreserved character, a dot segment. The client's own paths have none.
_UNUSUAL_PATH = re.compile(
    r"[^A-Za-z0-9\-._~!$%&'()*+,/:;=@]|%(?![0-9A-F]{2})"
    r"|%(?:2[DE]|3[0-9]|4[1-9A-F]|5[0-9AF]|6[1-9A-F]|7[0-9AE])"
    r"|/\.\.?(?=/|$)")

_checked = threading.local()  # the session headers last checked by requests' rules, per thread


def _headers(session_headers: Mapping[str, Any], values: Mapping[str, Any] | None) -> Any:
    """The request's headers as ``Session.prepare_request`` merges and ``prepare_headers`` checks
    them: the call's values win, ``None`` removes a key, every name and value checked (the
    session's only when they changed since the last call)."""
    items = tuple(session_headers.items())
    if getattr(_checked, "items", None) != items:
        for item in items:
            check_header_validity(item)
        _checked.items = items
    merged: CaseInsensitiveDict[Any] = CaseInsensitiveDict(items)
    if values:
        for key, value in values.items():
            if value is None:
                merged.pop(key, None)
            else:
                check_header_validity((key, value))
                merged[key] = value
    return merged


def encode_params(params: Any) -> str:
    """A query string as requests' ``PreparedRequest.prepare_url`` encodes a mapping or pairs."""
    if not params:
        return ""
    pairs = []
    for key, values in (params.items() if isinstance(params, Mapping) else params):
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            values = [values]
        for value in values:
            if value is not None:
                pairs.append((key.encode("utf-8") if isinstance(key, str) else key,
                              value.encode("utf-8") if isinstance(value, str) else value))
    return urlencode(pairs, doseq=True)


def exact_prefix(base_url: str) -> str:
    """``base_url`` if requests leaves URLs under it as they are (``""`` if it rewrites them:
    an upper-case host, a non-ASCII name...)."""
    probe = f"{base_url}/v1.41/containers/a_b-c.d~e:f/json"
    request = requests.PreparedRequest()
    try:
        request.prepare_url(probe, {"all": "1", "filters": '{"a": ["b c"]}'})
    except requests.RequestException:
        return ""
    expected = f"{probe}?all=1&filters=%7B%22a%22%3A+%5B%22b+c%22%5D%7D"
    return base_url if request.url == expected else ""


def _prepare_url(request: requests.PreparedRequest, url: str, params: Any, exact_prefix: str | None
                 ) -> None:
    """``request.prepare_url(url, params)``; for a URL under ``exact_prefix`` (the client's base
    URL, which requests leaves as it is) whose path requests would not change either, the same
    result without re-parsing. The client percent-quotes every path argument and ``urlencode``
    the query; ``tests/unit/test_transport.py`` checks both ways give the same URL."""
    if (exact_prefix is None or not url.startswith(exact_prefix) or "?" in url or "#" in url
            or isinstance(params, (str, bytes))
            or _UNUSUAL_PATH.search(url, len(exact_prefix)) is not None):
        request.prepare_url(url, params)
        return
    query = encode_params(params)
    request.url = f"{url}?{query}" if query else url


def send(session: requests.Session, method: str, url: str, params: Any = None, data: Any = None,
         headers: Mapping[str, Any] | None = None, timeout: Any = None,
         stream: bool = False, exact_prefix: str | None = None) -> requests.Response:
    """Send one call as ``session.request(..., allow_redirects=False)`` would.

    Args:
        exact_prefix: the client's base URL when ``url`` was built by it and requests would
            not change that base (see :func:`_prepare_url`).

    Raises:
        requests.RequestException: a bad URL or header (requests' own checks).
        DockerException: a transport failure, from our adapters.
    """
    request = requests.PreparedRequest()
    request.prepare_method(method)
    if session.params:
        merged_params: dict[Any, Any] = dict(session.params)  # type: ignore[arg-type]
        merged_params.update(params or {})
        params = merged_params
    _prepare_url(request, url, params, exact_prefix)
    request.headers = _headers(session.headers, headers)
    request.prepare_body(data, None, None)
    auth = session.auth
    if auth is None and session.trust_env:
        auth = get_netrc_auth(request.url or "")
    if auth is not None:
        request.prepare_auth(auth, request.url)
    if len(session.cookies):
        request.prepare_cookies(session.cookies)
    hooks = session.hooks
    request.hooks = {event: list(handlers) for event, handlers in hooks.items()}
    proxies: Any = dict(session.proxies) if session.proxies else {}
    verify: Any = session.verify
    cert: Any = session.cert
    if session.trust_env:
        settings = session.merge_environment_settings(request.url, proxies, stream, verify, cert)
        proxies, verify, cert = settings["proxies"], settings["verify"], settings["cert"]
    assert request.url is not None
    adapter = session.get_adapter(request.url)
    response = adapter.send(request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                            proxies=proxies)
    if hooks["response"]:
        response = dispatch_hook("response", request.hooks, response,  # type: ignore[no-untyped-call]
                                 stream=stream,
                                 timeout=timeout, verify=verify, cert=cert, proxies=proxies)
    if "set-cookie" in response.headers:
        response_cookies = getattr(response, "cookies", None)
        if response_cookies:
            session.cookies.update(response_cookies)
    if not stream:
        try:
            response.content  # noqa: B018 - read the body, as Session.send does
        except BaseException:
            response.close()
            raise
    return response
