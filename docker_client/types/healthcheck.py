"""``Healthcheck``: the ``HealthConfig`` a container (or a service's task) is checked with.

A dict subclass, so it goes into a request body as it is; its values are checked when built.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

from ..errors import InvalidArgument, InvalidType

_TEST_KINDS = ("NONE", "CMD", "CMD-SHELL")
_MIN_DURATION = 1_000_000  # 1 ms in nanoseconds: the daemon's smallest non-zero duration

Test = Union[str, Sequence[str], None]


def _pick(snake: Any, camel: Any) -> Any:
    """docker-py's precedence: the snake_case argument, else the API's CamelCase one."""
    return snake if snake is not None else camel


def _test(value: Test) -> Optional[List[str]]:
    if value is None:
        return None
    if isinstance(value, str):
        return ["CMD-SHELL", value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise InvalidType(f"Healthcheck.test must be a string or a list of strings, not {value!r}")
    test = list(value)
    if test and test[0] not in _TEST_KINDS:
        raise InvalidArgument(
            f"Healthcheck.test {test!r} must start with NONE, CMD or CMD-SHELL (or be [] to inherit)"
        )
    return test


def _duration(value: Any, name: str) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidType(f"Healthcheck.{name} must be an integer number of nanoseconds, not {value!r}")
    if value != 0 and not _MIN_DURATION <= value:
        raise InvalidArgument(
            f"Healthcheck.{name} must be 0 (inherit) or at least 1000000 ns (1 ms), not {value}"
        )
    return value


def _retries(value: Any) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidType(f"Healthcheck.retries must be a non-negative integer, not {value!r}")
    return value


class Healthcheck(Dict[str, Any]):
    """A container's health check (the API's ``HealthConfig``).

    Every argument may also be given under its API name (``Test``, ``Interval``...), so an
    inspected ``Healthcheck`` dict can be passed back as ``Healthcheck(**config)``.

    Args:
        test: ``[]`` to inherit the image's check, ``["NONE"]`` to disable it, ``["CMD", arg...]``
            to run a program, ``["CMD-SHELL", command]`` to run a shell command; a string is
            taken as a ``CMD-SHELL`` command.
        interval: nanoseconds between checks; 0 (inherit) or at least 1000000 (1 ms).
        timeout: nanoseconds a check may take; 0 or at least 1 ms.
        retries: consecutive failures before the container is unhealthy; 0 inherits.
        start_period: nanoseconds of start-up during which failures don't count; 0 or at
            least 1 ms (API 1.29+, checked when the container config is built).
        start_interval: nanoseconds between checks during the start period; 0 or at least
            1 ms (API 1.44+, checked when the container config is built). Only sent when set.

    Raises:
        InvalidArgument: a test that is neither a string nor a list of strings or that starts
            with something else than NONE, CMD or CMD-SHELL; a duration that is not an int, or
            between 0 and 1 ms; negative retries.

    Example:
        >>> Healthcheck(test="wget -q -O- localhost:8080/health", interval=5_000_000_000, retries=3)
        {'Test': ['CMD-SHELL', 'wget -q -O- localhost:8080/health'], 'Interval': 5000000000, ...}
    """

    def __init__(self, *, test: Test = None, interval: Optional[int] = None,
                 timeout: Optional[int] = None, retries: Optional[int] = None,
                 start_period: Optional[int] = None, start_interval: Optional[int] = None,
                 Test: Test = None, Interval: Optional[int] = None, Timeout: Optional[int] = None,
                 Retries: Optional[int] = None, StartPeriod: Optional[int] = None,
                 StartInterval: Optional[int] = None) -> None:
        super().__init__()
        self["Test"] = _test(_pick(test, Test))
        self["Interval"] = _duration(_pick(interval, Interval), "interval")
        self["Timeout"] = _duration(_pick(timeout, Timeout), "timeout")
        self["Retries"] = _retries(_pick(retries, Retries))
        self["StartPeriod"] = _duration(_pick(start_period, StartPeriod), "start_period")
        start_interval = _duration(_pick(start_interval, StartInterval), "start_interval")
        if start_interval is not None:
            self["StartInterval"] = start_interval

    @property
    def test(self) -> Optional[List[str]]:
        return self["Test"]  # type: ignore[no-any-return]

    @test.setter
    def test(self, value: Test) -> None:
        self["Test"] = _test(value)

    @property
    def interval(self) -> Optional[int]:
        return self["Interval"]  # type: ignore[no-any-return]

    @interval.setter
    def interval(self, value: Optional[int]) -> None:
        self["Interval"] = _duration(value, "interval")

    @property
    def timeout(self) -> Optional[int]:
        return self["Timeout"]  # type: ignore[no-any-return]

    @timeout.setter
    def timeout(self, value: Optional[int]) -> None:
        self["Timeout"] = _duration(value, "timeout")

    @property
    def retries(self) -> Optional[int]:
        return self["Retries"]  # type: ignore[no-any-return]

    @retries.setter
    def retries(self, value: Optional[int]) -> None:
        self["Retries"] = _retries(value)

    @property
    def start_period(self) -> Optional[int]:
        return self["StartPeriod"]  # type: ignore[no-any-return]

    @start_period.setter
    def start_period(self, value: Optional[int]) -> None:
        self["StartPeriod"] = _duration(value, "start_period")

    @property
    def start_interval(self) -> Optional[int]:
        return self.get("StartInterval")

    @start_interval.setter
    def start_interval(self, value: Optional[int]) -> None:
        checked = _duration(value, "start_interval")
        if checked is None:
            self.pop("StartInterval", None)
        else:
            self["StartInterval"] = checked
