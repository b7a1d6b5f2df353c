"""The one table that turns low-level failures (socket, TLS, DNS, proxy, urllib3, requests) into ours.

Each message names the true cause; the original exception stays chained (``raise ... from``).
:func:`translate` is the table; :class:`map_errors` applies it around a block.
"""
from __future__ import annotations

import json
import socket
import ssl
from typing import Any, Literal

import requests
import urllib3.exceptions

from ..errors import (
    DockerConnectionError,
    DockerException,
    DockerTimeout,
    StreamInterrupted,
    StreamParseError,
)

__all__ = ["BadResponse", "ConnectFailure", "ResponseLost", "map_errors", "translate"]


class ConnectFailure(Exception):
    """Raised inside the transport when opening a connection failed: nothing reached the daemon."""

    def __init__(self, cause: BaseException, target: str) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.target = target


class BadResponse(Exception):
    """The daemon's answer is not valid HTTP/1.1 (the parser's message says why)."""


class ResponseLost(Exception):
    """Raised inside the transport when a connection ended before any byte of the answer."""


def translate(exc: BaseException, where: str) -> DockerException | None:
    """Our exception for a transport failure, or None for one that is not (it stays as it is).

    Args:
        exc: the failure.
        where: what was being reached (``/var/run/docker.sock``, ``https://host:2376``).
    """
    if isinstance(exc, DockerException):
        return exc
    if isinstance(exc, ConnectFailure):
        return DockerConnectionError(_connect_message(exc.cause, where, exc.target))
    if isinstance(exc, BadResponse):
        return DockerConnectionError(f"the answer from the Docker daemon at {where} is not "
                                     f"HTTP/1.1: {exc}")
    if isinstance(exc, ResponseLost):
        return DockerConnectionError(
            f"the Docker daemon at {where} closed the connection without answering: {exc}")
    # requests' and urllib3's own errors (a proxy, a mocked adapter, requests' HTTPAdapter).
    if isinstance(exc, (requests.exceptions.ProxyError, urllib3.exceptions.ProxyError)):
        return DockerConnectionError(f"the proxy to the Docker daemon at {where} failed: "
                                     f"{_innermost(exc)}")
    if isinstance(exc, (requests.exceptions.SSLError, urllib3.exceptions.SSLError)):
        return DockerConnectionError(_tls_message(_innermost(exc), where))
    if isinstance(exc, (requests.exceptions.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError)):
        cause = _innermost(exc)
        if isinstance(cause, urllib3.exceptions.NewConnectionError) or not (
                _is_timeout(cause) or isinstance(cause, urllib3.exceptions.ConnectTimeoutError)):
            return DockerConnectionError(_connect_message(cause, where, where))
        return DockerConnectionError(f"timed out connecting to the Docker daemon at {where}")
    if isinstance(exc, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError)):
        return DockerTimeout(f"the Docker daemon at {where} did not answer in time")
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError,
                        urllib3.exceptions.IncompleteRead)):
        return StreamInterrupted(f"the connection to {where} broke in mid-stream: {_innermost(exc)}")
    if isinstance(exc, requests.exceptions.ConnectionError):
        cause = _innermost(exc)
        if isinstance(cause, urllib3.exceptions.NewConnectionError):
            cause = _innermost(cause) if _innermost(cause) is not cause else cause
        return DockerConnectionError(_connect_message(cause, where, where))
    if isinstance(exc, requests.exceptions.RequestException):
        return None  # a bad header or URL: not a connection failure
    if _is_timeout(exc):
        return DockerTimeout(f"the Docker daemon at {where} did not answer in time")
    if isinstance(exc, ssl.SSLError):
        return StreamInterrupted(f"the TLS connection to {where} broke: {exc}")
    if isinstance(exc, OSError):
        return StreamInterrupted(f"the connection to {where} broke: {_os_text(exc)}")
    if isinstance(exc, json.JSONDecodeError):
        return StreamParseError(f"invalid JSON from the Docker daemon at {where}: {exc}")
    return None


class map_errors:
    """Raise :func:`translate`'s exception for a failure in the block (a class: it wraps every call).

    Args:
        where: what was being reached, put in the message.
    """

    __slots__ = ("where",)

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: Any) -> Literal[False]:
        if exc is None or not isinstance(exc, Exception) or isinstance(exc, DockerException):
            return False
        translated = translate(exc, self.where)
        if translated is None:
            return False
        raise translated from exc


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, (TimeoutError, socket.timeout))  # socket.timeout: not a TimeoutError in 3.9


def _innermost(exc: BaseException) -> BaseException:
    """The deepest cause requests and urllib3 wrapped (``MaxRetryError.reason``, ``args[0]``...)."""
    seen = {id(exc)}
    current = exc
    while True:
        inner = getattr(current, "reason", None)
        if not isinstance(inner, BaseException):
            first = current.args[0] if current.args else None
            inner = first if isinstance(first, BaseException) else None
        if inner is None:
            inner = current.__cause__
        if not isinstance(inner, BaseException) or id(inner) in seen:
            return current
        seen.add(id(inner))
        current = inner


def _os_text(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__


def _no_socket(where: str, target: str) -> str:
    """No socket at ``target``; ``where`` may say more (every place a default socket was looked
    for: ``"/var/run/docker.sock (... looked for ...)"``)."""
    if where.startswith(f"{target} ("):
        return f"cannot connect to the Docker daemon: no socket at {where}"
    return f"cannot connect to the Docker daemon: no socket at {target} (is the daemon running?)"


def _connect_message(cause: BaseException, where: str, target: str) -> str:
    """Why a connection could not be made, as a person would say it."""
    head = f"cannot connect to the Docker daemon at {where}"
    if isinstance(cause, ConnectFailure):
        cause = cause.cause
    if isinstance(cause, socket.gaierror):
        return f"{head}: cannot resolve the host name ({_os_text(cause)})"
    if isinstance(cause, FileNotFoundError):
        return _no_socket(where, target)
    if isinstance(cause, PermissionError):
        return f"{head}: permission denied (the socket's owner or group must include this user)"
    if isinstance(cause, ConnectionRefusedError):
        return f"{head}: connection refused (is it running?)"
    if isinstance(cause, ssl.SSLError):
        return _tls_message(cause, where)
    if _is_timeout(cause):
        return f"timed out connecting to the Docker daemon at {where}"
    if isinstance(cause, urllib3.exceptions.NewConnectionError):
        inner = cause.__context__ or cause.__cause__
        if inner is not None and inner is not cause:
            return _connect_message(inner, where, target)
    text = _os_text(cause)
    for needle, message in (("Connection refused", f"{head}: connection refused (is it running?)"),
                            ("Name or service not known", f"{head}: cannot resolve the host name"),
                            ("No such file or directory", _no_socket(where, target)),
                            ("Permission denied", f"{head}: permission denied")):
        if needle in text:
            return message
    return f"{head}: {text}"


def _tls_message(cause: BaseException, where: str) -> str:
    head = f"TLS with the Docker daemon at {where} failed"
    if isinstance(cause, ssl.SSLCertVerificationError):
        what = cause.verify_message or cause.reason or str(cause)
        return f"{head}: the daemon's certificate did not verify: {what}"
    if isinstance(cause, ssl.SSLError):
        return f"{head}: {cause.reason or cause}"
    return f"{head}: {cause}"
