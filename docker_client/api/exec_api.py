"""Exec endpoints: run a command in a running container and read its output, as docker-py does.

``exec_start_duplex`` goes further: a :class:`~docker_client.streams.Duplex` to write the
command's stdin and read its output at once, with read timeouts and its exit code.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Literal, Mapping, Sequence, Tuple, Union, overload

from .. import streams
from ..errors import DockerTimeout, InvalidArgument
from ..utils.containers import split_command
from ..utils.convert import format_environment
from ..utils.resources import resource_id
from ._base import ApiMixin

if TYPE_CHECKING:
    import requests

    from .. import answers
    from ..utils.proxy import ProxyConfig

#: An exec instance: its id, or the dict ``exec_create`` returns.
ExecId = Union[str, Mapping[str, Any]]
#: A container: its id or name, or a dict with its ``Id``.
Container = Union[str, Mapping[str, Any]]
#: What docker-py's ``demux=True`` gives: ``(stdout, stderr)``, each None when absent.
Demuxed = Tuple[Union[bytes, None], Union[bytes, None]]

#: How often, at first and at most, wait() asks whether an exec has ended (seconds).
_FIRST_POLL_SECONDS = 0.005
_LONGEST_POLL_SECONDS = 0.2


class ExecApiMixin(ApiMixin):
    if TYPE_CHECKING:
        _proxy_configs: ProxyConfig

    def exec_create(self, container: Container, cmd: str | Sequence[str], stdout: bool = True,
                    stderr: bool = True, stdin: bool = False, tty: bool = False,
                    privileged: bool = False, user: str = "",
                    environment: Mapping[str, Any] | Sequence[str] | None = None,
                    workdir: str | None = None, detach_keys: str | None = None, *,
                    console_size: tuple[int, int] | None = None,
                    use_config_proxy: bool = True) -> answers.IDResponse:
        """Set up a command to run in a running container (``POST /containers/{id}/exec``).

        Args:
            container: the container's id or name.
            cmd: the command, as a list or a shell-like string.
            stdout: attach its stdout.
            stderr: attach its stderr.
            stdin: attach its stdin.
            tty: give it a pseudo-TTY (its output is then not split into stdout and stderr).
            privileged: run it with extended privileges.
            user: the user (and group) to run it as; the container's by default.
            environment: ``{"NAME": "value"}`` or ``["NAME=value"]`` (API 1.25+).
            workdir: the directory to run it in (API 1.35+).
            detach_keys: the key sequence that detaches, e.g. ``"ctrl-p,ctrl-q"``; the
                ``detachKeys`` of ``config.json`` by default.
            console_size: the TTY's ``(height, width)`` from the start (API 1.42+).
            use_config_proxy: put the proxies of the docker CLI's config.json
                (``client._proxy_configs``) into the environment, before ``environment`` (whose
                settings win), as ``create_container`` does; from API 1.25.

        Returns:
            ``{"Id": ...}``: pass it (or its ``Id``) to the other exec methods.

        Raises:
            Conflict: the container is not running.
            NotFound: no such container.
            InvalidVersion: an argument the API version in use does not have.
        """
        if environment is not None:
            self._require("POST /containers/{id}/exec Env")
        if workdir is not None:
            self._require("POST /containers/{id}/exec WorkingDir")
        if console_size is not None:
            self._require("POST /containers/{id}/exec ConsoleSize")
        command = split_command(cmd) if isinstance(cmd, str) else list(cmd)
        env: list[str] | None = None
        if isinstance(environment, Mapping):
            env = format_environment(environment)
        elif environment is not None:
            env = list(environment)
        if use_config_proxy and self._supports("POST /containers/{id}/exec Env"):
            env = self._proxy_configs.inject_proxy_environment(env)
        data: dict[str, Any] = {
            "User": user,
            "Privileged": privileged,
            "Tty": tty,
            "AttachStdin": stdin,
            "AttachStdout": stdout,
            "AttachStderr": stderr,
            "Cmd": command,
            "Env": env,
            "WorkingDir": workdir,
            "ConsoleSize": _console_size(console_size),
        }
        keys = detach_keys or self._general_configs.get("detachKeys")
        if keys:
            data["DetachKeys"] = keys
        url = self._url("/containers/{0}/exec", resource_id(container, "container"))
        return self._result(self._post_json(url, data=data), json=True)  # type: ignore[no-any-return]

    def exec_inspect(self, exec_id: ExecId) -> answers.ExecInspectResponse:
        """What the daemon knows of an exec instance (``GET /exec/{id}/json``): ``Running``,
        ``ExitCode``, ``Pid``, ``ProcessConfig``...

        Raises:
            NotFound: no such exec instance.
        """
        url = self._url("/exec/{0}/json", resource_id(exec_id, "exec id"))
        return self._result(self._get(url), json=True)  # type: ignore[no-any-return]

    def exec_resize(self, exec_id: ExecId, height: int | None = None,
                    width: int | None = None) -> None:
        """Resize the TTY of an exec instance started with ``tty=True`` (``POST /exec/{id}/resize``).

        Raises:
            NotFound: no such exec instance.
        """
        url = self._url("/exec/{0}/resize", resource_id(exec_id, "exec id"))
        self._result(self._post(url, params=self._params(h=height, w=width)))

    @overload
    def exec_start(self, exec_id: ExecId, detach: Literal[False] = ..., tty: bool = ...,
                   stream: Literal[False] = ..., socket: Literal[False] = ...,
                   demux: Literal[False] = ..., *,
                   console_size: tuple[int, int] | None = ...) -> bytes: ...

    @overload
    def exec_start(self, exec_id: ExecId, detach: Literal[False] = ..., tty: bool = ...,
                   stream: Literal[False] = ..., socket: Literal[False] = ..., *,
                   demux: Literal[True], console_size: tuple[int, int] | None = ...) -> Demuxed: ...

    @overload
    def exec_start(self, exec_id: ExecId, detach: Literal[False] = ..., tty: bool = ..., *,
                   stream: Literal[True], socket: Literal[False] = ..., demux: Literal[False] = ...,
                   console_size: tuple[int, int] | None = ...) -> streams.Stream[bytes]: ...

    @overload
    def exec_start(self, exec_id: ExecId, detach: Literal[False] = ..., tty: bool = ..., *,
                   stream: Literal[True], socket: Literal[False] = ..., demux: Literal[True],
                   console_size: tuple[int, int] | None = ...) -> streams.Stream[Demuxed]: ...

    @overload
    def exec_start(self, exec_id: ExecId, detach: Literal[False] = ..., tty: bool = ...,
                   stream: bool = ..., *, socket: Literal[True], demux: bool = ...,
                   console_size: tuple[int, int] | None = ...) -> streams.HijackedSocket: ...

    @overload
    def exec_start(self, exec_id: ExecId, *, detach: Literal[True], tty: bool = ...,
                   stream: bool = ..., socket: bool = ..., demux: bool = ...,
                   console_size: tuple[int, int] | None = ...) -> str: ...

    @overload
    def exec_start(self, exec_id: ExecId, detach: bool = ..., tty: bool = ..., stream: bool = ...,
                   socket: bool = ..., demux: bool = ..., *,
                   console_size: tuple[int, int] | None = ...) -> Any: ...

    def exec_start(self, exec_id: ExecId, detach: bool = False, tty: bool = False,
                   stream: bool = False, socket: bool = False, demux: bool = False, *,
                   console_size: tuple[int, int] | None = None) -> Any:
        """Start an exec instance (``POST /exec/{id}/start``) and return its output.

        Reading waits as long as the command runs: there is no read timeout (as in docker-py).

        Args:
            exec_id: the instance, from :meth:`exec_create`.
            detach: start it and return at once, its output not read.
            tty: the instance has a TTY (``exec_create(tty=True)``): its output is read as it
                is, not as stdout and stderr frames.
            stream: return the output as it comes, a stream of pieces.
            socket: return the connection itself, a
                :class:`~docker_client.streams.HijackedSocket` (for stdin; close it when done).
                :meth:`exec_start_duplex` does that work for you.
            demux: keep stdout and stderr apart: ``(stdout, stderr)`` pairs.
            console_size: the TTY's ``(height, width)`` from the start (API 1.42+).

        Returns:
            ``detach``: the daemon's (empty) answer, a ``str``. ``socket``: the connection.
            ``stream``: a :class:`~docker_client.streams.Stream` of ``bytes``, or with
            ``demux`` of ``(stdout, None)``/``(None, stderr)`` pairs. Otherwise all the output,
            ``bytes``, or with ``demux`` a pair ``(stdout, stderr)``, each None if empty.

        Raises:
            NotFound: no such exec instance.
            Conflict: the container is not running (or is paused).
            StreamInterrupted: the connection broke before the output ended.

        Example:
            >>> exec_id = client.exec_create(container, "sh -c 'echo out; echo err >&2'")
            >>> client.exec_start(exec_id, demux=True)
            (b'out\\n', b'err\\n')
        """
        response = self._start_exec(exec_id, detach=detach, tty=tty, console_size=console_size)
        if detach:
            try:
                return self._result(response)
            finally:
                response.close()
        sock = streams.hijack(response)
        if socket:
            return sock
        return streams.read_hijacked(sock, tty=tty, stream=stream, demux=demux)

    def exec_start_duplex(self, exec_id: ExecId, tty: bool = False, *,
                          console_size: tuple[int, int] | None = None) -> streams.Duplex:
        """Start an exec instance and return both ends of it: its stdin and its output.

        Create the instance with ``stdin=True`` to write to it. The duplex's :meth:`wait`
        returns the command's exit code (from :meth:`exec_inspect`).

        Args:
            exec_id: the instance, from :meth:`exec_create`.
            tty: the instance has a TTY: its output is read as it is (all of it stdout).
            console_size: the TTY's ``(height, width)`` from the start (API 1.42+).

        Returns:
            A :class:`~docker_client.streams.Duplex`; close it (or use ``with``) when done.

        Raises:
            NotFound: no such exec instance.
            Conflict: the container is not running (or is paused).

        Example:
            >>> exec_id = client.exec_create(container, ["cat"], stdin=True)
            >>> with client.exec_start_duplex(exec_id) as cat:
            ...     cat.write(b"hello")
            ...     cat.close_stdin()
            ...     cat.read_all(), cat.wait()
            ((b'hello', b''), 0)
        """
        ident = resource_id(exec_id, "exec id")
        response = self._start_exec(ident, detach=False, tty=tty, console_size=console_size)
        return streams.Duplex(
            streams.hijack(response), tty=tty, name=f"exec {ident[:12]}",
            get_exit_code=lambda timeout: self._exec_exit_code(ident, timeout),
        )

    def _start_exec(self, exec_id: ExecId, detach: bool, tty: bool,
                    console_size: tuple[int, int] | None) -> requests.Response:
        """POST /exec/{id}/start, upgraded unless detached; the response, its status checked."""
        data: dict[str, Any] = {"Tty": tty, "Detach": detach}
        if console_size is not None:
            self._require("POST /exec/{id}/start ConsoleSize")
            data["ConsoleSize"] = _console_size(console_size)
        headers = {} if detach else streams.UPGRADE_HEADERS
        url = self._url("/exec/{0}/start", resource_id(exec_id, "exec id"))
        response = self._post_json(url, data=data, headers=headers, stream=True)
        self._raise_for_status(response)
        return response

    def _exec_exit_code(self, exec_id: str, timeout: float | None) -> int:
        """The exit code of an exec instance, once the daemon says it is no longer running."""
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = _FIRST_POLL_SECONDS
        while True:
            info = self.exec_inspect(exec_id)
            if not info.get("Running") and info.get("ExitCode") is not None:
                return int(info["ExitCode"])
            if deadline is not None and time.monotonic() + pause > deadline:
                raise DockerTimeout(f"exec {exec_id[:12]} was still running after {timeout} seconds")
            time.sleep(pause)
            pause = min(pause * 2, _LONGEST_POLL_SECONDS)


def _console_size(size: Any) -> list[int] | None:
    if size is None:
        return None
    try:
        height, width = (int(n) for n in size)
    except (TypeError, ValueError):
        raise InvalidArgument(f"console_size is (height, width), not {size!r}") from None
    if height < 0 or width < 0:
        raise InvalidArgument(f"console_size must not be negative: {size!r}")
    return [height, width]
