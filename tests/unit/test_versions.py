"""The version table and the helpers that compare and negotiate versions."""
from __future__ import annotations

import re

import pytest

from docker_client import versions
from docker_client.constants import DEFAULT_DOCKER_API_VERSION, MINIMUM_DOCKER_API_VERSION
from docker_client.errors import InvalidVersion


def test_versions_compare_as_numbers_not_strings() -> None:
    assert versions.parse_version("1.9") < versions.parse_version("1.10")
    assert versions.version_lt("1.24", "1.100")
    assert versions.version_gte("1.41", "1.41")
    assert not versions.version_gte("1.40", "1.41")


@pytest.mark.parametrize("bad", ["", "1", "1.x", "v1.41", "1.41.2", None])
def test_malformed_versions_are_refused(bad: object) -> None:
    with pytest.raises(InvalidVersion, match="invalid API version"):
        versions.parse_version(bad)  # type: ignore[arg-type]


def test_below_oldest_supported_is_refused() -> None:
    with pytest.raises(InvalidVersion, match="1.23 is not supported.*1.24"):
        versions.check_supported("1.23")
    assert versions.check_supported("1.24") == "1.24"


@pytest.mark.parametrize("daemon, chosen", [("1.41", "1.41"), ("1.56", "1.56"), ("1.99", "1.56"),
                                            ("1.24", "1.24")])
def test_negotiation_takes_the_older(daemon: str, chosen: str) -> None:
    assert versions.negotiate(daemon) == chosen


def test_negotiation_refuses_a_too_old_daemon() -> None:
    with pytest.raises(InvalidVersion):
        versions.negotiate("1.12")


def test_require_names_feature_and_both_versions() -> None:
    with pytest.raises(InvalidVersion) as info:
        versions.require("GET /system/df type", "1.41")
    message = str(info.value)
    assert "GET /system/df type" in message and "1.42" in message and "1.41" in message
    versions.require("GET /system/df type", "1.42")
    assert versions.supports("GET /system/df", "1.25")
    assert not versions.supports("GET /system/df", "1.24")


def test_table_is_well_formed() -> None:
    oldest = versions.parse_version(MINIMUM_DOCKER_API_VERSION)
    newest = versions.parse_version(DEFAULT_DOCKER_API_VERSION)
    key = re.compile(r"^(GET|POST|PUT|DELETE|HEAD) /[^ ]+( [A-Za-z][A-Za-z0-9-]*)?$")
    for feature, version in versions.FEATURES.items():
        assert key.match(feature), feature
        # no gate at or below the oldest version: a 1.24 daemon has all of that
        assert oldest < versions.parse_version(version) <= newest, feature
