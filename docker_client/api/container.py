"""Container endpoints for containers that exist: list, inspect, lifecycle, logs, stats, archives.

Creating containers (``api/container_config.py``), attach and exec live in their own modules.
"""
from __future__ import annotations

import base64
import binascii
import io
import json
import math
import os
import re
from datetime import datetime
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Iterable,
    Iterator,
    List,
    Literal,
    Mapping,
    Tuple,
    Union,
    cast,
    overload,
)

from .. import streams
from ..constants import DEFAULT_DATA_CHUNK_SIZE
from ..errors import DeprecatedMethod, DockerTimeout, InvalidArgument, InvalidType, StreamParseError
from ..utils.convert import convert_filters, datetime_to_timestamp, parse_bytes, whole_number
from ..utils.resources import resource_id
from ._base import ApiMixin

if TYPE_CHECKING:
    import requests

    from .. import answers

#: A container: its id or name, or a dict with its ``Id`` (as ``containers()`` returns).
Container = Union[str, Mapping[str, Any]]
#: What docker-py's ``demux=True`` gives: ``(stdout, stderr)``, each None when absent.
Demuxed = Tuple[Union[bytes, None], Union[bytes, None]]
_LogTime = Union[datetime, int, float, None]

_WAIT_CONDITIONS = ("not-running", "next-exit", "removed")
_MULTIPLEXED_STREAM = "application/vnd.docker.multiplexed-stream"
_RAW_STREAM = "application/vnd.docker.raw-stream"
_PATH_STAT_HEADER = "X-Docker-Container-Path-Stat"
_PORT = r"^(\d+)(?:/(tcp|udp|sctp))?$"  # as text: re compiles and caches it on first use
_PROTOCOLS = ("tcp", "udp", "sctp")

#: Linux signal names (without ``SIG``) as the daemon parses them (moby/sys/signal).
_LINUX_SIGNALS = {
    "ABRT": 6, "ALRM": 14, "BUS": 7, "CHLD": 17, "CLD": 17, "CONT": 18, "FPE": 8, "HUP": 1,
    "ILL": 4, "INT": 2, "IO": 29, "IOT": 6, "KILL": 9, "PIPE": 13, "POLL": 29, "PROF": 27,
    "PWR": 30, "QUIT": 3, "SEGV": 11, "STKFLT": 16, "STOP": 19, "SYS": 31, "TERM": 15,
    "TRAP": 5, "TSTP": 20, "TTIN": 21, "TTOU": 22, "URG": 23, "USR1": 10, "USR2": 12,
    "VTALRM": 26, "WINCH": 28, "XCPU": 24, "XFSZ": 25, "RTMIN": 34, "RTMAX": 64,
}
_REALTIME_SIGNAL = r"^RT(?:MIN\+(\d+)|MAX-(\d+))$"  # as text, as _PORT
_HIGHEST_SIGNAL = 64


class ContainerApiMixin(ApiMixin):
    # -- listing and inspecting ----------------------------------------------------------------

    def containers(self, quiet: bool = False, all: bool = False, trunc: bool = False,
                   latest: bool = False, since: str | None = None, before: str | None = None,
                   limit: int = -1, size: bool = False,
                   filters: Mapping[str, Any] | None = None) -> List[answers.ContainerSummary]:
        """List containers, as ``docker ps`` does (``GET /containers/json``).

        Args:
            quiet: only each container's ``Id``.
            all: stopped containers too (only running ones by default).
            trunc: ids shortened to 12 characters, commands truncated.
            latest: only the most recently created container (running or not).
            since: only containers created after this one (id or name), running or not.
            before: only containers created before this one (id or name), running or not.
            limit: only the ``limit`` most recently created containers; ``-1`` for all.
            size: include ``SizeRw`` and ``SizeRootFs``.
            filters: e.g. ``{"status": "exited", "label": ["a=b"]}``; see ``docker ps --filter``.

        Returns:
            One dict per container (``[{"Id": ...}]`` with ``quiet``).

        Raises:
            InvalidArgument: ``since``/``before`` given both as arguments and as filters, or a
                ``limit`` that is not an integer.
        """
        if limit is None:
            limit = -1
        limit = whole_number(limit)
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise InvalidType(f"limit must be an integer, not {limit!r}")
        merged = dict(filters or {})
        for key, value in (("since", since), ("before", before)):
            # The query parameters of the same names are gone from newer APIs; the filters are
            # understood by every version.
            if value is None:
                continue
            if key in merged and merged[key] not in (value, [value]):
                raise InvalidArgument(f"{key} given both as an argument and as a filter")
            merged[key] = value
        params = self._params(
            all=bool(all), size=bool(size), trunc_cmd=bool(trunc),
            limit=1 if latest else (limit if limit > 0 else None),
            filters=convert_filters(merged) if merged else None,
        )
        result: List[answers.ContainerSummary] = self._result(
            self._get(self._url("/containers/json"), params=params), json=True)
        if quiet:
            return [{"Id": item["Id"]} for item in result]
        if trunc:
            for item in result:
                item["Id"] = item["Id"][:12]
        return result

    def inspect_container(self, container: Container) -> answers.ContainerInspectResponse:
        """Everything the daemon knows about a container (``GET /containers/{id}/json``).

        Raises:
            NotFound: no such container.
        """
        url = self._url("/containers/{0}/json", resource_id(container))
        return self._result(self._get(url), json=True)  # type: ignore[no-any-return]

    def top(self, container: Container, ps_args: str | None = None) -> answers.ContainerTopResponse:
        """The processes running in a container (``GET /containers/{id}/top``).

        Args:
            ps_args: arguments for ``ps``, e.g. ``"aux"`` (the daemon's default is ``-ef``).

        Returns:
            ``{"Titles": [...], "Processes": [[...], ...]}``.
        """
        url = self._url("/containers/{0}/top", resource_id(container))
        return self._result(self._get(url, params=self._params(ps_args=ps_args)), json=True)  # type: ignore[no-any-return]

    def diff(self, container: Container) -> list[dict[str, Any]] | None:
        """Changes to a container's filesystem (``GET /containers/{id}/changes``).

        Returns:
            ``[{"Path": ..., "Kind": 0|1|2}]`` (modified, added, deleted); None or ``[]`` when
            nothing changed, as the daemon answers.
        """
        url = self._url("/containers/{0}/changes", resource_id(container))
        return self._result(self._get(url), json=True)  # type: ignore[no-any-return]

    def port(self, container: Container, private_port: int | str) -> List[answers.PortBinding] | None:
        """The host addresses a container port is published on, as ``docker port`` shows.

        Args:
            private_port: the container port: ``80``, ``"80"`` or ``"80/udp"``. Without a
                protocol the first of tcp, udp and sctp that is published is taken.

        Returns:
            ``[{"HostIp": "0.0.0.0", "HostPort": "32768"}, ...]``, or None when the port is not
            published (or the container uses the host's network).

        Raises:
            InvalidArgument: not a port number with an optional ``/tcp``, ``/udp`` or ``/sctp``.
        """
        wanted = _port_spec(private_port)
        info = self.inspect_container(container)
        published = (info.get("NetworkSettings") or {}).get("Ports")
        if published is None:
            return None
        if "/" in wanted:
            return published.get(wanted)
        for protocol in _PROTOCOLS:
            bindings = published.get(f"{wanted}/{protocol}")
            if bindings:
                return bindings
        return None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, container: Container, *args: Any, **kwargs: Any) -> None:
        """Start a container (``POST /containers/{id}/start``).

        Configuration belongs to ``create_container``'s ``host_config``; it is refused here.

        Raises:
            DeprecatedMethod: any argument besides ``container``.
            NotFound: no such container.
        """
        if args or kwargs:
            raise DeprecatedMethod(
                "Providing configuration in the start() method is no longer supported. "
                "Use the host_config param in create_container instead."
            )
        self._result(self._post(self._url("/containers/{0}/start", resource_id(container))))

    def stop(self, container: Container, timeout: float | None = None,
             signal: str | int | None = None) -> None:
        """Stop a container (``POST /containers/{id}/stop``): its stop signal, then ``SIGKILL``.

        Args:
            timeout: seconds to wait after the stop signal before killing; None for the
                container's ``StopTimeout`` (10 seconds unless set); -1 to wait as long as it
                takes (no read timeout then).
            signal: the signal to stop with instead of the container's own (API 1.42+),
                e.g. ``"SIGINT"``, ``"INT"`` or ``2``.

        Raises:
            InvalidType: a timeout that is not a number, a signal neither a number nor a name.
            InvalidVersion: ``signal`` on API versions before 1.42.
        """
        self._stop_or_restart("stop", container, timeout, signal)

    def restart(self, container: Container, timeout: float = 10,
                signal: str | int | None = None) -> None:
        """Restart a container (``POST /containers/{id}/restart``).

        Args:
            timeout: seconds to wait after the stop signal before killing.
            signal: the signal to stop with instead of the container's own (API 1.42+).

        Raises:
            InvalidType: a timeout that is not a number, a signal neither a number nor a name.
            InvalidVersion: ``signal`` on API versions before 1.42.
        """
        self._stop_or_restart("restart", container, timeout, signal)

    def _stop_or_restart(self, action: str, container: Container, timeout: float | None,
                         signal: str | int | None) -> None:
        wait = _stop_timeout(timeout)
        params = self._params(t=wait)
        if signal is not None:
            self._require(f"POST /containers/{{id}}/{action} signal")
            params["signal"] = _signal(signal)
        url = self._url(f"/containers/{{0}}/{action}", resource_id(container))
        # A negative timeout is the daemon's "wait as long as it takes" (-1): no read limit then.
        limit = self._read_timeout(None) if wait is not None and wait < 0 else self._plus_timeout(
            10 if wait is None else wait)
        self._result(self._post(url, params=params, timeout=limit))

    def kill(self, container: Container, signal: str | int | None = None) -> None:
        """Send a signal to a container (``POST /containers/{id}/kill``), ``SIGKILL`` by default.

        Args:
            signal: a number (``9``) or a Linux signal name in any case, with or without
                ``SIG`` (``"SIGKILL"``, ``"KILL"``, ``"kill"``, ``"RTMIN+3"``).

        Raises:
            InvalidArgument: an unknown signal.
            Conflict: the container is not running.
        """
        params = self._params(signal=_signal(signal) if signal is not None else None)
        self._result(self._post(self._url("/containers/{0}/kill", resource_id(container)),
                                params=params))

    def pause(self, container: Container) -> None:
        """Freeze every process in a container (``POST /containers/{id}/pause``)."""
        self._result(self._post(self._url("/containers/{0}/pause", resource_id(container))))

    def unpause(self, container: Container) -> None:
        """Thaw a paused container (``POST /containers/{id}/unpause``)."""
        self._result(self._post(self._url("/containers/{0}/unpause", resource_id(container))))

    def wait(self, container: Container, timeout: float | None = None,
             condition: str | None = None) -> answers.ContainerWaitResponse:
        """Block until a container stops (``POST /containers/{id}/wait``).

        Args:
            timeout: seconds the wait may take; None to wait as long as it takes.
            condition: ``"not-running"`` (the default), ``"next-exit"`` or ``"removed"``
                (API 1.30+).

        Returns:
            The daemon's answer: ``{"StatusCode": 0}``, with ``"Error"`` on API 1.34+.

        Raises:
            DockerTimeout: the container did not stop within ``timeout`` (also a requests
                ``ReadTimeout``, as docker-py raised).
            InvalidType: a condition that is not a string, a timeout that is not a positive
                number (or a requests ``(connect, read)`` pair).
            APIError: an unknown condition (the daemon's 400).
            InvalidVersion: ``condition`` on API versions before 1.30.
            NotFound: no such container.
        """
        container_id = resource_id(container)
        if isinstance(timeout, tuple) and len(timeout) == 2:
            request_timeout: Any = timeout  # requests' (connect, read), as docker-py passes it on
        elif timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                      or timeout <= 0):
            raise InvalidType(f"wait timeout must be a positive number of seconds, not {timeout!r}")
        else:
            request_timeout = self._read_timeout(timeout)
        if condition is not None:
            # An unknown condition is the daemon's to refuse (400), as with docker-py.
            if not isinstance(condition, str):
                raise InvalidType(f"a wait condition is one of {', '.join(_WAIT_CONDITIONS)}, "
                                  f"not {condition!r}")
            self._require("POST /containers/{id}/wait condition")
        url = self._url("/containers/{0}/wait", container_id)
        try:
            # Since API 1.30 the headers come at once and the body when the container stops:
            # the read timeout bounds the wait either way.
            response = self._post(url, params=self._params(condition=condition), stream=True,
                                  timeout=request_timeout)
            with self._stream(response, streams.iter_json) as decoded:
                documents = list(decoded)
        except DockerTimeout as exc:
            what = "stop" if condition is None else f"reach condition {condition!r}"
            raise DockerTimeout(
                f"container {container_id} did not {what} within {timeout} seconds") from exc
        if len(documents) != 1 or not isinstance(documents[0], dict):
            raise StreamParseError(f"the daemon's answer to a wait was not one JSON object: {documents!r}")
        return cast("answers.ContainerWaitResponse", documents[0])

    def remove_container(self, container: Container, v: bool = False, link: bool = False,
                         force: bool = False) -> None:
        """Remove a container (``DELETE /containers/{id}``).

        Args:
            v: remove its anonymous volumes too.
            link: remove the link named ``container`` instead of a container.
            force: kill it first if it is running.

        Raises:
            Conflict: the container is running (without ``force``) or being removed.
        """
        params = self._params(v=bool(v), link=bool(link), force=bool(force))
        self._result(self._delete(self._url("/containers/{0}", resource_id(container)), params=params))

    def rename(self, container: Container, name: str) -> None:
        """Give a container a new name (``POST /containers/{id}/rename``).

        Raises:
            InvalidType: the name is not a string.
            APIError: an empty or invalid name (the daemon's 400).
            Conflict: another container has that name.
        """
        if not isinstance(name, str):
            raise InvalidType(f"a container's new name must be a string, not {name!r}")
        url = self._url("/containers/{0}/rename", resource_id(container))
        self._result(self._post(url, params={"name": name}))

    def resize(self, container: Container, height: int, width: int) -> None:
        """Set the size of a container's TTY, in characters (``POST /containers/{id}/resize``).

        Raises:
            InvalidType: a size that is not an integer.
            APIError: a size the daemon refuses.
        """
        params = {"h": _integer(height, "height"), "w": _integer(width, "width")}
        self._result(self._post(self._url("/containers/{0}/resize", resource_id(container)),
                                params=params))

    def update_container(self, container: Container, blkio_weight: int | None = None,
                         cpu_period: int | None = None, cpu_quota: int | None = None,
                         cpu_shares: int | None = None, cpuset_cpus: str | None = None,
                         cpuset_mems: str | None = None, mem_limit: float | str | None = None,
                         mem_reservation: float | str | None = None,
                         memswap_limit: int | str | None = None,
                         kernel_memory: int | str | None = None,
                         restart_policy: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Change a container's resource limits and restart policy (``POST /containers/{id}/update``).

        Unset (and zero) values are left as they are, as in docker-py.

        Args:
            blkio_weight: block IO relative weight, 10 to 1000.
            cpu_period: CFS period, in microseconds.
            cpu_quota: CFS quota, in microseconds per period.
            cpu_shares: CPU relative weight.
            cpuset_cpus: CPUs to run on, e.g. ``"0-2"``.
            cpuset_mems: memory nodes to use.
            mem_limit: memory limit: bytes, or ``"512m"``.
            mem_reservation: memory soft limit.
            memswap_limit: memory plus swap; ``-1`` for unlimited swap.
            kernel_memory: kernel memory limit (ignored from API 1.42 on).
            restart_policy: e.g. ``{"Name": "on-failure", "MaximumRetryCount": 3}``.

        Returns:
            ``{"Warnings": [...]}``.
        """
        data: dict[str, Any] = {}
        for key, value in (("BlkioWeight", blkio_weight), ("CpuPeriod", cpu_period),
                           ("CpuShares", cpu_shares), ("CpuQuota", cpu_quota),
                           ("CpusetCpus", cpuset_cpus), ("CpusetMems", cpuset_mems)):
            if value:
                data[key] = value
        for key, size in (("Memory", mem_limit), ("MemoryReservation", mem_reservation),
                          ("MemorySwap", memswap_limit), ("KernelMemory", kernel_memory)):
            if size:
                data[key] = parse_bytes(size)
        if restart_policy:
            if not isinstance(restart_policy, Mapping):
                raise InvalidType(f"restart_policy must be a dict, not {restart_policy!r}")
            data["RestartPolicy"] = dict(restart_policy)
        url = self._url("/containers/{0}/update", resource_id(container))
        return self._result(self._post_json(url, data=data), json=True)  # type: ignore[no-any-return]

    def commit(self, container: Container, repository: str | None = None, tag: str | None = None,
               message: str | None = None, author: str | None = None, pause: bool = True,
               changes: str | Iterable[str] | None = None,
               conf: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Make an image of a container's changes (``POST /commit``), as ``docker commit`` does.

        Args:
            repository: the image's repository.
            tag: its tag.
            message: the commit message.
            author: e.g. ``"Jane <jane@example.com>"``.
            pause: pause the container while committing.
            changes: Dockerfile instructions to apply, e.g. ``"ENV A=1"`` (or a list of them).
            conf: container configuration for the image (``Cmd``, ``Env``, ``Labels``...).

        Returns:
            ``{"Id": "sha256:..."}``.
        """
        if changes is not None and not isinstance(changes, str):
            changes = list(changes)
        params = self._params(container=resource_id(container), repo=repository, tag=tag,
                              comment=message, author=author, pause=bool(pause), changes=changes)
        response = self._post_json(self._url("/commit"), data=dict(conf) if conf else None, params=params)
        return self._result(response, json=True)  # type: ignore[no-any-return]

    def prune_containers(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Remove every stopped container (``POST /containers/prune``, API 1.25+).

        Args:
            filters: ``until`` (a timestamp or duration) and ``label`` (``"k"``, ``"k=v"``,
                or ``label!``...).

        Returns:
            ``{"ContainersDeleted": [...], "SpaceReclaimed": bytes}``.
        """
        self._require("POST /containers/prune")
        params = self._params(filters=convert_filters(filters) if filters else None)
        return self._result(self._post(self._url("/containers/prune"), params=params), json=True)  # type: ignore[no-any-return]

    # -- output ----------------------------------------------------------------------------------

    @overload
    def logs(self, container: Container, stdout: bool = ..., stderr: bool = ...,
             stream: Literal[False] = ..., timestamps: bool = ..., tail: str | int = ...,
             since: _LogTime = ..., follow: bool | None = ..., until: _LogTime = ...,
             demux: Literal[False] = ...) -> bytes: ...

    @overload
    def logs(self, container: Container, stdout: bool = ..., stderr: bool = ...,
             stream: Literal[False] = ..., timestamps: bool = ..., tail: str | int = ...,
             since: _LogTime = ..., follow: bool | None = ..., until: _LogTime = ...,
             *, demux: Literal[True]) -> Demuxed: ...

    @overload
    def logs(self, container: Container, stdout: bool = ..., stderr: bool = ...,
             *, stream: Literal[True], timestamps: bool = ..., tail: str | int = ...,
             since: _LogTime = ..., follow: bool | None = ..., until: _LogTime = ...,
             demux: Literal[False] = ...) -> streams.Stream[bytes]: ...

    @overload
    def logs(self, container: Container, stdout: bool = ..., stderr: bool = ...,
             *, stream: Literal[True], timestamps: bool = ..., tail: str | int = ...,
             since: _LogTime = ..., follow: bool | None = ..., until: _LogTime = ...,
             demux: Literal[True]) -> streams.Stream[Demuxed]: ...

    @overload
    def logs(self, container: Container, stdout: bool = ..., stderr: bool = ...,
             stream: bool = ..., timestamps: bool = ..., tail: str | int = ...,
             since: _LogTime = ..., follow: bool | None = ..., until: _LogTime = ...,
             demux: bool = ...) -> Any: ...

    def logs(self, container: Container, stdout: bool = True, stderr: bool = True,
             stream: bool = False, timestamps: bool = False, tail: str | int = "all",
             since: _LogTime = None, follow: bool | None = None, until: _LogTime = None,
             demux: bool = False) -> Any:
        """A container's output, as ``docker logs`` shows it (``GET /containers/{id}/logs``).

        Every byte the logging driver kept comes back, in order (the driver may rotate old
        output away: the ``local`` driver keeps 100 MB by default). A container with a TTY has
        one stream; otherwise stdout and stderr come interleaved, or apart with ``demux``.

        Args:
            stdout: include what it wrote to stdout.
            stderr: include what it wrote to stderr.
            stream: return a stream of chunks as they come instead of all the bytes at once.
            timestamps: prefix every line with its RFC 3339 time.
            tail: only this many lines from the end, or ``"all"``.
            since: only output from this time on (a datetime or a Unix timestamp).
            follow: keep the stream open until the container stops; defaults to ``stream``.
            until: only output before this time (API 1.35+).
            demux: keep stdout and stderr apart: ``(stdout, stderr)`` pairs, each None when
                absent (a TTY container's output all counts as stdout).

        Returns:
            ``bytes``; with ``demux`` a ``(stdout, stderr)`` pair; with ``stream`` a
            :class:`~docker_client.streams.Stream` of those. Close a following stream (or use
            ``with``) to stop it early; it ends by itself when the container stops.

        Raises:
            InvalidArgument: neither stdout nor stderr, a negative ``tail``, or a bad time.
            InvalidVersion: ``until`` on API versions before 1.35.
            NotFound: no such container.

        Example:
            >>> out, err = client.logs(container, demux=True)
            >>> with client.logs(container, stream=True, follow=True) as output:
            ...     for chunk in output:
            ...         sys.stdout.buffer.write(chunk)
        """
        container_id = resource_id(container)
        if follow is None:
            follow = stream
        params = self._params(stdout=bool(stdout), stderr=bool(stderr), timestamps=bool(timestamps),
                              follow=bool(follow), tail=tail_param(tail), since=_log_time(since, "since"))
        if until is not None:
            self._require("GET /containers/{id}/logs until")
            params["until"] = _log_time(until, "until")
        url = self._url("/containers/{0}/logs", container_id)
        kwargs: dict[str, Any] = {}
        if stream or follow:
            # Following waits on the container for as long as it runs.
            kwargs["timeout"] = self._head_timeout()
        response = self._get(url, params=params, stream=True, **kwargs)
        self._raise_for_status(response)
        try:
            raw = self._output_is_raw(response, container_id)
        except BaseException:
            response.close()
            raise
        output = self._stream(response, _output_decoder(raw, demux))
        if stream:
            return output
        with output:
            return streams.collect(output, demux)

    def _output_is_raw(self, response: requests.Response, container_id: str) -> bool:
        """Whether a logs response is a TTY's raw bytes rather than multiplexed frames.

        Daemons of API 1.42 and newer say so in the Content-Type (older ones send no type or,
        for a request below 1.42, ``raw-stream`` whatever the stream is); else the container's
        ``Config.Tty`` decides, as in docker-py.
        """
        content_type = response.headers.get("Content-Type", "")
        if content_type.startswith(_MULTIPLEXED_STREAM):
            return False
        if content_type.startswith(_RAW_STREAM) and self._supports("GET /containers/{id}/logs Content-Type"):
            return True
        config = self.inspect_container(container_id).get("Config") or {}
        return bool(config.get("Tty"))

    @overload
    def stats(self, container: Container, decode: Literal[False, None] = ...,
              stream: Literal[True] = ..., one_shot: bool | None = ...) -> streams.Stream[bytes]: ...

    @overload
    def stats(self, container: Container, decode: Literal[True],
              stream: Literal[True] = ...,
              one_shot: bool | None = ...) -> streams.Stream[answers.ContainerStatsResponse]: ...

    @overload
    def stats(self, container: Container, decode: Literal[False, None] = ...,
              *, stream: Literal[False], one_shot: bool | None = ...) -> answers.ContainerStatsResponse: ...

    @overload
    def stats(self, container: Container, decode: Literal[False, None],
              stream: Literal[False], one_shot: bool | None = ...) -> answers.ContainerStatsResponse: ...

    def stats(self, container: Container, decode: bool | None = None, stream: bool = True,
              one_shot: bool | None = None) -> Any:
        """Resource usage statistics, as ``docker stats`` shows (``GET /containers/{id}/stats``).

        Args:
            decode: yield dicts instead of each document's JSON bytes (with ``stream`` only).
            stream: a stream of documents, one a second; ``False`` for one dict.
            one_shot: with ``stream=False``, answer at once instead of after two samples
                (so without CPU percentages) (API 1.41+).

        Returns:
            A :class:`~docker_client.streams.Stream` of bytes or dicts, or one dict.

        Raises:
            InvalidArgument: ``decode`` without ``stream``, or ``one_shot`` with it.
            InvalidVersion: ``one_shot`` on API versions before 1.41.
        """
        url = self._url("/containers/{0}/stats", resource_id(container))
        params = self._params(stream=bool(stream))
        if one_shot is not None:
            self._require("GET /containers/{id}/stats one-shot")
            if stream and one_shot:
                raise InvalidArgument("one_shot is only available in conjunction with stream=False")
            params["one-shot"] = "1" if one_shot else "0"
        if not stream:
            if decode:
                raise InvalidArgument("decode is only available in conjunction with stream=True")
            return self._result(self._get(url, params=params), json=True)
        response = self._get(url, params=params, stream=True)
        return self._stream(response, streams.iter_json if decode else streams.iter_json_lines)

    # -- filesystem ----------------------------------------------------------------------------

    def export(self, container: Container,
               chunk_size: int | None = DEFAULT_DATA_CHUNK_SIZE) -> streams.Stream[bytes]:
        """A container's filesystem as a tar archive (``GET /containers/{id}/export``).

        Args:
            chunk_size: the size of each item (the last may be shorter); None for the bytes
                as they arrive.

        Returns:
            A :class:`~docker_client.streams.Stream` of the archive's bytes.
        """
        decoder = _sized_chunks(chunk_size)
        url = self._url("/containers/{0}/export", resource_id(container))
        response = self._get(url, stream=True, timeout=self._head_timeout())
        return self._stream(response, decoder)

    def get_archive(self, container: Container, path: str,
                    chunk_size: int | None = DEFAULT_DATA_CHUNK_SIZE,
                    encode_stream: bool = False) -> tuple[streams.Stream[bytes], dict[str, Any] | None]:
        """A file or directory of a container as a tar archive (``GET /containers/{id}/archive``).

        Args:
            path: the file or directory; a trailing ``/.`` archives a directory's contents only.
            chunk_size: the size of each item (the last may be shorter); None for the bytes
                as they arrive.
            encode_stream: have the daemon gzip the archive on the wire (it arrives decoded).

        Returns:
            ``(stream of the tar's bytes, stat)``: the stat as :meth:`stat_archive` gives it.

        Raises:
            NotFound: no such container or path.

        Example:
            >>> bits, stat = client.get_archive(container, "/etc/hostname")
            >>> with open("hostname.tar", "wb") as f:
            ...     for chunk in bits:
            ...         f.write(chunk)
        """
        decoder = _sized_chunks(chunk_size)
        url = self._url("/containers/{0}/archive", resource_id(container))
        headers = {"Accept-Encoding": "gzip, deflate" if encode_stream else "identity"}
        response = self._get(url, params={"path": _archive_path(path)}, headers=headers, stream=True,
                             timeout=self._head_timeout())
        bits = self._stream(response, decoder)
        encoded = response.headers.get(_PATH_STAT_HEADER)
        return bits, (_decode_path_stat(encoded) if encoded else None)

    def stat_archive(self, container: Container, path: str) -> dict[str, Any]:
        """What :meth:`get_archive` would give of ``path``, without the archive
        (``HEAD /containers/{id}/archive``).

        Returns:
            ``{"name": ..., "size": ..., "mode": ..., "mtime": ..., "linkTarget": ...}``;
            ``mode`` is Go's ``os.FileMode`` (type bits high, e.g. ``1 << 31`` for a directory).

        Raises:
            NotFound: no such container or path (a HEAD answer has no message: the error
                names the URL).
        """
        url = self._url("/containers/{0}/archive", resource_id(container))
        response = self._head(url, params={"path": _archive_path(path)})
        self._result(response)
        encoded = response.headers.get(_PATH_STAT_HEADER)
        if not encoded:
            raise StreamParseError(f"the daemon's answer has no {_PATH_STAT_HEADER} header")
        return _decode_path_stat(encoded)

    def put_archive(self, container: Container, path: str, data: Any,
                    no_overwrite_dir_non_dir: bool | None = None,
                    copy_uid_gid: bool | None = None) -> bool:
        """Extract a tar archive into a directory of a container (``PUT /containers/{id}/archive``).

        The archive is streamed: a file or an iterable of chunks is sent as it is read, in
        constant memory however large.

        Args:
            path: an existing directory to extract into.
            data: the archive (plain, gzip, bzip2 or xz): bytes, a binary file object, or an
                iterable of bytes chunks (sent with chunked transfer encoding).
            no_overwrite_dir_non_dir: refuse to replace a directory with a non-directory or
                the other way round.
            copy_uid_gid: give the files the container's UID/GID mapping (API 1.30+).

        Returns:
            True.

        Raises:
            InvalidArgument: ``data`` of another kind (text, None...).
            InvalidVersion: ``copy_uid_gid`` on API versions before 1.30.
            NotFound: no such container or directory.
        """
        if copy_uid_gid is not None:
            self._require("PUT /containers/{id}/archive copyUIDGID")
        params = self._params(path=_archive_path(path), noOverwriteDirNonDir=no_overwrite_dir_non_dir,
                              copyUIDGID=copy_uid_gid)
        url = self._url("/containers/{0}/archive", resource_id(container))
        body = _request_body(data)
        self._result(self._put(url, params=params, data=body,
                               headers={"Content-Type": "application/x-tar"}))
        return True

    def copy(self, container: Container, resource: str) -> _ReadableStream:
        """A tar archive of a path in a container (the first docker-py's ``copy``).

        The ``POST /containers/{id}/copy`` it used is gone from the API; this reads the same
        archive from ``GET /containers/{id}/archive``. The stream also has ``read([n])``, as
        the raw response ``copy`` used to return did.

        Returns:
            A :class:`~docker_client.streams.Stream` of the tar's bytes.
        """
        url = self._url("/containers/{0}/archive", resource_id(container))
        response = self._get(url, params={"path": _archive_path(resource)}, stream=True,
                             headers={"Accept-Encoding": "identity"},
                             timeout=self._head_timeout())
        self._raise_for_status(response)
        return _ReadableStream(response, streams.iter_raw(response))


# -- arguments ---------------------------------------------------------------------------------


def _signal(value: Any) -> str:
    """A signal as the daemon takes it: a number, or a name with ``SIG`` in upper case.

    A name the daemon does not know, or a number out of range, is sent as it is: the daemon
    answers it (``APIError``, 400), as with docker-py.

    Raises:
        InvalidType: neither a number nor a string.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # docker-py sends int(signal)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidType(f"a signal is a number or a name such as 'SIGTERM', not {value!r}")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int):
        return str(int(value))
    name = value.strip().upper()
    if name.startswith("SIG"):
        name = name[3:]
    if name not in _LINUX_SIGNALS and not _is_realtime_signal(name):
        return str(value)
    return f"SIG{name}"


def _is_realtime_signal(name: str) -> bool:
    """``RTMIN+1`` to ``RTMIN+15`` and ``RTMAX-14`` to ``RTMAX-1``, as the daemon names them."""
    match = re.match(_REALTIME_SIGNAL, name)
    if match is None:
        return False
    above_min, below_max = match.groups()
    if above_min is not None:
        return 1 <= int(above_min) <= 15
    return 1 <= int(below_max) <= 14


def _stop_timeout(timeout: Any) -> int | None:
    """Seconds for ``t``: whole, rounded up (a string of digits as docker-py sends it); None
    passes; a negative number is the daemon's "as long as it takes"."""
    if timeout is None:
        return None
    timeout = whole_number(timeout)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or math.isnan(timeout):
        raise InvalidType(f"timeout must be a number of seconds, not {timeout!r}")
    if timeout < 0:
        return -1  # the daemon waits for the container to stop, however long
    return math.ceil(timeout)


def _integer(value: Any, what: str) -> int:
    """An integer, or a string of one (docker-py sends either; the daemon reads the number)."""
    value = whole_number(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidType(f"{what} must be an integer, not {value!r}")
    return value


def _positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidType(f"{what} must be a positive integer, not {value!r}")
    return value


def tail_param(tail: Any) -> str | int:
    """``tail`` as the daemon takes it: ``"all"`` or a count of lines (a negative count is
    ``"all"``, as docker-py and the daemon read it)."""
    tail = whole_number(tail)
    if isinstance(tail, bool) or not isinstance(tail, int) or tail < 0:
        return "all"  # as docker-py: None, a negative count or anything else is every line
    return tail


def _log_time(value: Any, what: str) -> int | float | None:
    """``since``/``until`` for logs: a datetime or a Unix timestamp, not negative."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return datetime_to_timestamp(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise InvalidType(
            f"{what} value should be datetime or positive int/float, not {type(value).__name__} {value!r}")
    return value


def _port_spec(private_port: Any) -> str:
    """``80``, ``"80"`` or ``"80/udp"`` checked, as a string."""
    if isinstance(private_port, bool):
        raise InvalidType(f"invalid port {private_port!r}")
    spec = str(private_port).strip().lower()
    match = re.match(_PORT, spec)
    if match is None or not 1 <= int(match.group(1)) <= 65535:
        raise InvalidArgument(
            f"invalid port {private_port!r}: expected a port 1-65535, with /tcp, /udp or /sctp maybe")
    return spec


def _archive_path(path: Any) -> str:
    """A path in the container (a string or an ``os.PathLike``); an empty one is the daemon's to
    refuse (400), as with docker-py."""
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, str):
        raise InvalidType(f"a path in the container must be a string, not {path!r}")
    return path


def _request_body(data: Any) -> Any:
    """``data`` as requests should stream it: bytes and binary files as they are, any other
    iterable of chunks through a generator (requests sends lists and tuples as form fields).
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        return data
    if isinstance(data, (str, io.TextIOBase)):
        raise InvalidType("an archive is bytes, not text: encode it, or open the file in 'rb' mode")
    if hasattr(data, "read"):
        return data
    if isinstance(data, Iterable):
        return _checked_chunks(data)
    raise InvalidArgument(f"an archive is bytes, a binary file or an iterable of bytes, not {data!r}")


def _checked_chunks(chunks: Iterable[Any]) -> Iterator[bytes]:
    for chunk in chunks:
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise InvalidType(f"an archive's chunks must be bytes, not {type(chunk).__name__}")
        if chunk:
            yield bytes(chunk) if not isinstance(chunk, bytes) else chunk


def _decode_path_stat(encoded: str) -> dict[str, Any]:
    """The ``X-Docker-Container-Path-Stat`` header: base64 of a JSON object."""
    try:
        stat = json.loads(base64.b64decode(encoded, validate=True).decode("utf-8"))
    except (binascii.Error, ValueError) as exc:
        raise StreamParseError(f"malformed {_PATH_STAT_HEADER} header {encoded[:80]!r}: {exc}") from None
    if not isinstance(stat, dict):
        raise StreamParseError(f"malformed {_PATH_STAT_HEADER} header: not a JSON object: {stat!r}")
    return stat


# -- decoders ----------------------------------------------------------------------------------


def _raw_demuxed(chunks: Iterable[bytes]) -> Iterator[Demuxed]:
    """A TTY's raw output in ``demux`` form: all of it is stdout."""
    for chunk in chunks:
        yield chunk, None


def _frame_payloads(chunks: Iterable[bytes]) -> Iterator[bytes]:
    return streams.frame_payloads(streams.iter_frames(chunks))


def _frames_demuxed(chunks: Iterable[bytes]) -> Iterator[Demuxed]:
    return streams.demux(streams.iter_frames(chunks))


def _output_decoder(raw: bool, demux: bool) -> Callable[[Iterable[bytes]], Iterator[Any]]:
    if raw:
        return _raw_demuxed if demux else iter
    return _frames_demuxed if demux else _frame_payloads


def _sized_chunks(size: int | None) -> Callable[[Iterable[bytes]], Iterator[bytes]]:
    """A decoder yielding ``size``-byte items (the last may be shorter), or reads as they come.

    Raises:
        InvalidArgument: ``size`` is not a positive integer or None.
    """
    if size is None:
        return iter
    _positive_int(size, "chunk_size")

    def sized(chunks: Iterable[bytes]) -> Iterator[bytes]:
        # Pieces are gathered and joined once per item: each byte is copied once here.
        pieces: list[bytes] = []
        have = 0
        for chunk in chunks:
            while chunk:
                need = size - have
                if len(chunk) < need:
                    pieces.append(chunk)
                    have += len(chunk)
                    break
                pieces.append(chunk[:need] if len(chunk) > need else chunk)
                yield pieces[0] if len(pieces) == 1 else b"".join(pieces)
                pieces = []
                have = 0
                chunk = chunk[need:]
        if pieces:
            yield b"".join(pieces)

    return sized


class _ReadableStream(streams.Stream[bytes]):
    """A stream of bytes that can also be ``read()`` like a file (for ``copy``)."""

    def __init__(self, response: requests.Response | None, iterator: Iterable[bytes]) -> None:
        super().__init__(response, iterator)
        self._pending = b""

    def __next__(self) -> bytes:
        if self._pending:
            item, self._pending = self._pending, b""
            return item
        return super().__next__()

    next = __next__

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative); ``b""`` at the end."""
        parts: list[bytes] = []
        have = 0
        while size < 0 or have < size:
            try:
                item = self.__next__()
            except StopIteration:
                break
            if size >= 0 and have + len(item) > size:
                cut = size - have
                item, self._pending = item[:cut], item[cut:]
            parts.append(item)
            have += len(item)
        return b"".join(parts)
