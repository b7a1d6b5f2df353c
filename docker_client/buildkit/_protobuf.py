"""The one place the protobuf package is used: message classes generated into ``_pb/``.

Imported on first use, so that ``docker_client`` works without the ``buildkit`` extra until a
BuildKit trace or session needs it.
"""
from __future__ import annotations

from typing import Any

from ..errors import DockerException

_EXTRA = "pip install 'docker_client[buildkit]'"


def modules() -> Any:
    """The generated ``_pb`` package, its modules imported."""
    try:
        from ._pb import (  # noqa: F401 (imported for the package's attributes)
            buildkit_auth_pb2,
            buildkit_control_pb2,
            buildkit_health_pb2,
            buildkit_secrets_pb2,
        )
    except ImportError as exc:
        raise DockerException(f"BuildKit's messages need the protobuf package ({_EXTRA}): {exc}") from exc
    from . import _pb

    return _pb


def decode(message_class: Any, raw: bytes, what: str) -> Any:
    """``message_class`` parsed from ``raw``.

    Raises:
        TraceDecodeError: ``raw`` is not such a message (truncated, garbage).
    """
    from google.protobuf.message import DecodeError

    from ..errors import TraceDecodeError

    try:
        return message_class.FromString(raw)
    except (DecodeError, ValueError, RuntimeError) as exc:
        raise TraceDecodeError(f"{what} is not a valid protobuf message ({len(raw)} bytes): {exc}") from exc


def parse_status(raw: bytes) -> Any:
    """A ``StatusResponse`` (BuildKit's trace message) parsed from ``raw``."""
    return decode(modules().buildkit_control_pb2.StatusResponse, raw, "a BuildKit trace document")
