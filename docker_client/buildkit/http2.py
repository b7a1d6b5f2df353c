"""A gRPC server of unary calls on one connected socket, HTTP/2 done by the ``h2`` package.

The socket is the upgraded ``POST /session`` connection: the daemon speaks first (the HTTP/2
preface), as a client would. Each request's body is collected until its stream ends, handed to
``call(path, body)``, and answered with headers, the message, and ``grpc-status`` trailers.
Flow control is honoured both ways: received data is acknowledged as it is consumed, and an
answer larger than the daemon's window waits for its WINDOW_UPDATE frames.
"""
from __future__ import annotations

import logging
import struct
from typing import Any, Callable, Dict, List, Tuple
from urllib.parse import quote

from ..errors import DockerException

log = logging.getLogger(__name__)

#: gRPC status codes (grpc/codes): the ones this server answers with.
OK, NOT_FOUND, UNIMPLEMENTED, INTERNAL = 0, 5, 12, 13


class GrpcError(Exception):
    """A call answered with a non-OK gRPC status."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def grpc_frame(message: bytes) -> bytes:
    """One gRPC length-prefixed message: no compression flag, a 4-byte big-endian length."""
    return struct.pack(">BI", 0, len(message)) + message


def grpc_unframe(data: bytes) -> bytes:
    """The single message of a unary call's request body.

    Raises:
        GrpcError: not exactly one uncompressed length-prefixed message.
    """
    if len(data) < 5:
        raise GrpcError(INTERNAL, f"a gRPC request of {len(data)} bytes has no message header")
    compressed, length = struct.unpack(">BI", data[:5])
    if compressed:
        raise GrpcError(UNIMPLEMENTED, "compressed gRPC messages are not supported")
    if len(data) != 5 + length:
        raise GrpcError(INTERNAL, f"a gRPC request holds {len(data) - 5} bytes for a message of {length}")
    return data[5:]


#: ``call(path, body) -> (grpc status, message, response message bytes)``.
Call = Callable[[str, bytes], Tuple[int, str, bytes]]
_READ_SIZE = 65536


def _h2() -> Any:
    try:
        import h2.config
        import h2.connection
        import h2.events
        import h2.exceptions
    except ImportError as exc:
        raise DockerException("a BuildKit session needs the h2 package "
                              "(pip install 'docker_client[buildkit]')") from exc
    return h2


class Http2Server:
    """Serves ``call`` on ``sock`` until the daemon closes the connection."""

    def __init__(self, sock: Any, call: Call) -> None:
        h2 = _h2()
        self.h2 = h2
        self.sock = sock
        self.call = call
        self.conn = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        self.paths: Dict[int, str] = {}
        self.bodies: Dict[int, bytearray] = {}
        self.pending: Dict[int, List[Any]] = {}  # stream id -> [data left, trailers]

    def run(self) -> None:
        self.conn.initiate_connection()
        self._flush()
        while True:
            data = self.sock.recv(_READ_SIZE)
            if not data:
                return
            try:
                events = self.conn.receive_data(data)
            except self.h2.exceptions.ProtocolError as exc:
                self._flush()
                raise DockerException(f"the daemon broke the session's HTTP/2 protocol: {exc}") from exc
            for event in events:
                if self._handle(event):
                    self._flush()
                    return
            self._flush()

    def _handle(self, event: Any) -> bool:
        """Act on one h2 event; True when the connection is over."""
        events = self.h2.events
        if isinstance(event, events.RequestReceived):
            headers = dict(event.headers)
            self.paths[event.stream_id] = str(headers.get(":path", ""))
            self.bodies[event.stream_id] = bytearray()
        elif isinstance(event, events.DataReceived):
            self.bodies.setdefault(event.stream_id, bytearray()).extend(event.data)
            self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, events.StreamEnded):
            self._answer(event.stream_id)
        elif isinstance(event, events.StreamReset):
            for table in (self.paths, self.bodies, self.pending):
                table.pop(event.stream_id, None)
        elif isinstance(event, events.WindowUpdated):
            for stream_id in list(self.pending):
                self._send_pending(stream_id)
        elif isinstance(event, events.ConnectionTerminated):
            return True
        return False

    def _answer(self, stream_id: int) -> None:
        path = self.paths.pop(stream_id, "")
        body = bytes(self.bodies.pop(stream_id, b""))
        status, message, response = self.call(path, body)
        log.debug("BuildKit session: %s -> gRPC status %d", path, status)
        self.conn.send_headers(stream_id, [(":status", "200"), ("content-type", "application/grpc")])
        trailers = [("grpc-status", str(status))]
        if message:
            trailers.append(("grpc-message", quote(message, safe=" !#$&'()*+,/:;=?@[]~")))
        data = grpc_frame(response) if status == 0 else b""
        self.pending[stream_id] = [data, trailers]
        self._send_pending(stream_id)

    def _send_pending(self, stream_id: int) -> None:
        """Send what the flow-control windows allow of an answer; its trailers once all is sent."""
        data, trailers = self.pending[stream_id]
        while data:
            window = min(self.conn.local_flow_control_window(stream_id), self.conn.max_outbound_frame_size)
            if window <= 0:
                self.pending[stream_id][0] = data
                return
            self.conn.send_data(stream_id, data[:window])
            data = data[window:]
        self.conn.send_headers(stream_id, trailers, end_stream=True)
        del self.pending[stream_id]

    def _flush(self) -> None:
        out = self.conn.data_to_send()
        if out:
            self.sock.sendall(out)
