"""Conversions of Python values into what the Engine API expects."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from docker_client.errors import InvalidArgument
from docker_client.utils import convert_filters, datetime_to_timestamp, format_environment, parse_bytes
from docker_client.utils.convert import to_timestamp


def test_convert_filters() -> None:
    assert json.loads(convert_filters({"dangling": True, "label": ["a=1", "b"], "id": 5})) == {
        "dangling": ["true"], "label": ["a=1", "b"], "id": ["5"]}


def test_datetime_to_timestamp() -> None:
    when = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert datetime_to_timestamp(when) == 1577934245
    assert datetime_to_timestamp(when.astimezone(timezone(timedelta(hours=5)))) == 1577934245


@pytest.mark.parametrize("value, expected", [(512, 512), ("512", 512), ("1k", 1024), ("1KB", 1024),
                                             ("2m", 2 * 1024 ** 2), ("1g", 1024 ** 3), ("1.5k", 1536)])
def test_parse_bytes(value: object, expected: int) -> None:
    assert parse_bytes(value) == expected


def test_an_empty_size_is_zero_as_in_docker_py() -> None:
    assert parse_bytes("") == 0 == parse_bytes("  ")


@pytest.mark.parametrize("bad", ["12x", "k", "nan", "inf", float("nan"), float("inf"), None, [1]])
def test_parse_bytes_refuses_nonsense(bad: object) -> None:
    with pytest.raises(InvalidArgument, match="invalid size"):
        parse_bytes(bad)


def test_to_timestamp() -> None:
    assert to_timestamp(None, "since") is None
    assert to_timestamp(12.5, "since") == 12.5
    assert to_timestamp("1h", "since") == "1h"
    assert to_timestamp(datetime(1970, 1, 1, 0, 1, tzinfo=timezone.utc), "since") == 60
    with pytest.raises(InvalidArgument, match="until"):
        to_timestamp(True, "until")


def test_format_environment() -> None:
    assert format_environment({"A": "1", "B": None, "C": b"x"}) == ["A=1", "B", "C=x"]


def test_resource_id() -> None:
    from docker_client.errors import NullResource
    from docker_client.utils.resources import resource_id

    assert resource_id("abc") == "abc"
    assert resource_id({"Id": "x1"}) == "x1"
    assert resource_id({"ID": "n1"}, "node") == "n1"
    with pytest.raises(NullResource, match="exec"):
        resource_id("", "exec")
    with pytest.raises(NullResource):
        resource_id({"Name": "no id"})
    with pytest.raises(InvalidArgument, match="network"):
        resource_id(42, "network")
