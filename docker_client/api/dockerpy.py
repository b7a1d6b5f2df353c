"""docker-py's private ``APIClient`` helpers, for code that subclasses it to reach endpoints
of its own (``self._stream_helper(self._post(url, stream=True), decode=True)``).

Each is a thin name over what docker_client does anyway: streams from ``streams``, status
checks from the client. New code should use the public methods.
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping, Optional, cast

from .. import streams
from ._base import ApiMixin

#: docker-py's default attach query.
_ATTACH_DEFAULTS = {"stdout": 1, "stderr": 1, "stream": 1}


class DockerPyInternalsMixin(ApiMixin):
    """docker-py's underscored helpers, as subclasses of its ``APIClient`` call them."""

    def _stream_helper(self, response: Any, decode: bool = False) -> streams.Stream[Any]:
        """The JSON documents of a streamed answer: dicts with ``decode``, else each one's bytes."""
        return self._stream(response, streams.iter_json if decode else streams.iter_json_lines)

    def _stream_raw_result(self, response: Any, chunk_size: Optional[int] = 1,
                           decode: bool = True) -> streams.Stream[bytes]:
        """The body of a streamed answer in chunks as they come."""
        self._raise_for_status(response)
        return streams.Stream(response, streams.iter_raw(response, chunk_size or streams.HIJACK_READ_SIZE))

    def _multiplexed_response_stream_helper(self, response: Any) -> streams.Stream[bytes]:
        """The payloads of a streamed multiplexed answer (logs, attach), stdout and stderr mixed."""
        self._raise_for_status(response)
        payloads = streams.frame_payloads(streams.iter_frames(streams.iter_raw(response)))
        return streams.Stream(response, payloads)

    def _multiplexed_buffer_helper(self, response: Any) -> Iterator[bytes]:
        """The payloads of a multiplexed answer already read whole."""
        return streams.frame_payloads(streams.iter_frames([self._result(response, binary=True)]))

    def _get_raw_response_socket(self, response: Any) -> streams.HijackedSocket:
        """The connection of an upgraded answer (attach, exec start), socket-like."""
        self._raise_for_status(response)
        return streams.hijack(response)

    def _read_from_socket(self, response: Any, stream: bool, tty: bool = True,
                          demux: bool = False) -> Any:
        """What ``attach``/``exec_start`` return, read from an upgraded answer."""
        return streams.read_hijacked(self._get_raw_response_socket(response), tty=tty, stream=stream,
                                     demux=demux)

    def _check_is_tty(self, container: Any) -> bool:
        """Whether the container has a TTY (its ``Config.Tty``)."""
        return bool(cast(Any, self).inspect_container(container)["Config"]["Tty"])

    def _get_result(self, container: Any, stream: bool, res: Any) -> Any:
        return self._get_result_tty(stream, res, self._check_is_tty(container))

    def _get_result_tty(self, stream: bool, res: Any, is_tty: bool) -> Any:
        """A logs-like answer: raw for a TTY, else the multiplexed payloads; all or streamed."""
        if is_tty:
            return self._stream_raw_result(res) if stream else self._result(res, binary=True)
        if stream:
            return self._multiplexed_response_stream_helper(res)
        return b"".join(self._multiplexed_buffer_helper(res))

    def _retrieve_server_version(self) -> str:
        """The daemon's newest API version (``GET /version``, unversioned)."""
        return str(cast(Any, self).version(api_version=False)["ApiVersion"])

    def _set_request_timeout(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """``kwargs`` with the client's timeout unless one is given."""
        kwargs.setdefault("timeout", self.timeout)
        return kwargs

    def _attach_params(self, override: Optional[Mapping[str, Any]] = None) -> Mapping[str, Any]:
        return override or dict(_ATTACH_DEFAULTS)

    def _disable_socket_timeout(self, socket: Any) -> None:
        """Let reads on an attached socket wait as long as it takes."""
        settimeout = getattr(socket, "settimeout", None)
        if settimeout is not None:
            settimeout(None)
