"""Conversions of Python values into what the Engine API expects."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Mapping

from ..constants import BYTE_UNITS
from ..errors import InvalidArgument, InvalidType

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def convert_filters(filters: Mapping[str, Any]) -> str:
    """Filters as the API's JSON: every value a list of strings, booleans as true/false."""
    result: dict[str, list[str]] = {}
    for key, value in filters.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        if not isinstance(value, (list, tuple)):
            value = [value]
        result[key] = [item if isinstance(item, str) else str(item) for item in value]
    return json.dumps(result)


def datetime_to_timestamp(dt: datetime) -> int:
    """Whole seconds since the epoch; a naive datetime is taken as local time, as in docker-py."""
    delta = dt.astimezone(timezone.utc) - _EPOCH
    return delta.seconds + delta.days * 24 * 3600


def to_timestamp(value: Any, what: str) -> Any:
    """``since``/``until`` values: a datetime becomes a timestamp; numbers and strings pass."""
    if value is None or isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        return datetime_to_timestamp(value)
    raise InvalidArgument(f"{what} must be a datetime, a timestamp or a string, not {value!r}")


_WHOLE_NUMBER = re.compile(r"\s*-?[0-9]+\s*")


def whole_number(value: Any) -> Any:
    """A string of a whole number (``"5"``, ``"-1"``) as that int: docker-py sends such strings
    as they are, and the daemon reads the number. Anything else is returned as it is."""
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        return int(value)
    return value


def parse_bytes(s: Any) -> int:
    """``"512m"`` as bytes; ints pass through.

    Raises:
        InvalidArgument: not a number with an optional b/k/m/g unit.
    """
    if isinstance(s, (int, float)) and not isinstance(s, bool):
        try:
            return int(s)
        except (ValueError, OverflowError):
            raise InvalidArgument(f"invalid size {s!r}: not a finite number") from None
    if isinstance(s, str) and not s.strip():
        return 0  # docker-py: an empty size is 0 (unset)
    if not isinstance(s, str):
        raise InvalidType(f"invalid size {s!r}: expected e.g. 512, '512k', '1g'")
    text = s.strip().lower()
    if text.endswith("b") and len(text) > 1 and text[-2] in BYTE_UNITS:
        text = text[:-1]
    unit = text[-1]
    if unit in BYTE_UNITS:
        digits, multiplier = text[:-1], BYTE_UNITS[unit]
    else:
        digits, multiplier = text, 1
    try:
        return int(float(digits) * multiplier)
    except (ValueError, OverflowError):  # also NaN and infinity
        raise InvalidArgument(f"invalid size {s!r}: expected e.g. 512, '512k', '1g'") from None


def format_environment(environment: Mapping[str, Any]) -> list[str]:
    """``{"A": "1"}`` as ``["A=1"]``; a ``None`` value gives a bare ``"A"``."""
    def item(key: str, value: Any) -> str:
        if value is None:
            return key
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        return f"{key}={value}"

    return [item(k, v) for k, v in environment.items()]
