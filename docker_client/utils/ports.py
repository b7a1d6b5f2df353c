"""Port specs as ``docker run -p`` writes them (``[ip:][host[-end]:]port[-end][/proto]``).

:func:`split_port` parses one spec into container ports and host bindings and
:func:`build_port_bindings` folds many into the ``port_bindings`` mapping ``HostConfig`` takes.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Any, Iterable, List, Optional, Tuple, Union

from ..errors import InvalidArgument

#: A host binding: a host port (``"8080"``, ``"8000-9000"``), ``(host_ip, host_port)``, or None.
Binding = Union[str, Tuple[str, Optional[str]], None]

_PROTOCOLS = ("tcp", "udp", "sctp")
_SPEC = re.compile(
    r"""^
    (?:                                     # the host side, optional
        (?:\[?(?P<host>[0-9a-fA-F.:]+)\]?:)?    # an IPv4 or IPv6 address, maybe in brackets
        (?P<ext>\d*)(?:-(?P<ext_end>\d+))?:     # a host port or range, maybe empty
    )?
    (?P<int>\d+)(?:-(?P<int_end>\d+))?      # the container port or range
    (?:/(?P<proto>[a-z]+))?                 # the protocol
    $""",
    re.VERBOSE,
)
_FORMAT = "[[host_ip:][host_port[-host_port]]:]container_port[-container_port][/protocol]"


def _invalid(port: str, why: str) -> InvalidArgument:
    return InvalidArgument(f'Invalid port "{port}": {why}; expected {_FORMAT}')


def _port_number(text: str, spec: str, lowest: int) -> int:
    number = int(text)
    if not lowest <= number <= 65535:
        raise _invalid(spec, f"port {text} is out of range {lowest}-65535")
    return number


def _expand(start: str, end: str | None, spec: str, lowest: int) -> list[int]:
    first = _port_number(start, spec, lowest)
    if end is None:
        return [first]
    last = _port_number(end, spec, lowest)
    if last < first:
        raise _invalid(spec, f"range {start}-{end} ends before it starts")
    return list(range(first, last + 1))


def split_port(port: Any) -> tuple[list[str], Optional[List[Any]]]:
    """Parse one port spec, as docker-py's ``split_port`` does.

    Args:
        port: e.g. ``80``, ``"8080:80"``, ``"127.0.0.1:8080:80/udp"``, ``"1000-1001:2000-2001"``,
            ``"[::1]::80"``.

    Returns:
        ``(container_ports, host_bindings)``: the container ports as strings with their
        ``/proto`` (none for tcp unless given), and one binding per container port (a host port
        string, or ``(host_ip, host_port or None)``), or None when the spec names no host side.
        A host range for a single container port stays one binding (``"8000-9000"``): the daemon
        picks a free port in it.

    Raises:
        InvalidArgument: malformed spec, a host IP that is not an IP address, a port outside
            1-65535 (0 is allowed for a host port),
            an unknown protocol, a range that ends before it starts, or host and container
            ranges of different lengths.

    Example:
        >>> split_port("127.0.0.1:8080:80/udp")
        (['80/udp'], [('127.0.0.1', '8080')])
    """
    spec = str(port)
    match = _SPEC.match(spec)
    if match is None:
        raise _invalid(spec, "malformed")
    parts = match.groupdict()
    proto = parts["proto"]
    if proto is not None and proto not in _PROTOCOLS:
        raise _invalid(spec, f"unknown protocol {proto!r} (expected tcp, udp or sctp)")
    suffix = f"/{proto}" if proto else ""
    internal = [f"{number}{suffix}" for number in _expand(parts["int"], parts["int_end"], spec, 1)]

    host = parts["host"]
    if host is not None:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise _invalid(spec, f"{host!r} is not an IP address") from None
    ext = parts["ext"]
    external: list[str | None]
    if ext is None or (ext == "" and host is not None):
        # "80", or "127.0.0.1::80": no host port, the daemon picks one.
        if host is None:
            return internal, None
        return internal, [(host, None) for _ in internal]
    if ext == "":
        raise _invalid(spec, "empty host port")
    if len(internal) == 1 and parts["ext_end"] is not None:
        # One container port published on any free port of a host range.
        _expand(ext, parts["ext_end"], spec, 0)
        external = [f"{ext}-{parts['ext_end']}"]
    else:
        external = [str(number) for number in _expand(ext, parts["ext_end"], spec, 0)]
        if len(external) != len(internal):
            raise _invalid(spec, "Port ranges don't match in length")
    if host is None:
        return internal, list(external)
    return internal, [(host, ext_port) for ext_port in external]


def add_port_mapping(port_bindings: dict[str, list[Any]], internal_port: str, external: Any) -> None:
    """Append one host binding for ``internal_port``."""
    port_bindings.setdefault(internal_port, []).append(external)


def add_port(port_bindings: dict[str, list[Any]], internal_port_range: Iterable[str],
             external_range: Optional[Iterable[Any]]) -> None:
    """Add the bindings of one parsed spec: each container port with its host binding."""
    if external_range is None:
        for internal_port in internal_port_range:
            add_port_mapping(port_bindings, internal_port, None)
        return
    for internal_port, external_port in zip(internal_port_range, external_range):
        add_port_mapping(port_bindings, internal_port, external_port)


def build_port_bindings(ports: Iterable[Any]) -> dict[str, list[Any]]:
    """Fold port specs into the ``port_bindings`` mapping ``HostConfig`` takes.

    Raises:
        InvalidArgument: any spec is malformed (see :func:`split_port`).

    Example:
        >>> build_port_bindings(["8080:80", "127.0.0.1:8443:443"])
        {'80': ['8080'], '443': [('127.0.0.1', '8443')]}
    """
    port_bindings: dict[str, list[Any]] = {}
    for port in ports:
        internal, external = split_port(port)
        add_port(port_bindings, internal, external)
    return port_bindings
