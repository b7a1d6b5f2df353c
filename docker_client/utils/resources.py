"""How callers name daemon objects: an id or name string, or the dict the daemon returned."""
from __future__ import annotations

from typing import Any, Mapping

from ..errors import InvalidType, NullResource


def resource_id(value: Any, what: str = "container") -> str:
    """The id or name in ``value``: a string, or a dict with ``Id`` (or ``ID``), as docker-py's
    ``check_resource`` accepts.

    Raises:
        NullResource: nothing was given.
        InvalidArgument: neither a string nor such a dict.
    """
    if isinstance(value, Mapping):
        value = value.get("Id", value.get("ID"))
    if value is None or value == "":
        raise NullResource(f"Resource ID was not provided (the {what})")
    if not isinstance(value, str):
        raise InvalidType(f"a {what} is its id or name, not {value!r}")
    return value
