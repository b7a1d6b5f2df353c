#!/usr/bin/env python3
"""Byte relays from a TCP port to a daemon's unix socket, for the test harness.

    relay.py HOST PORT UNIX_SOCKET            plain TCP
    relay.py HOST PORT UNIX_SOCKET CERT_DIR   TLS with client certificates (CERT_DIR/ca.pem,
                                              server-cert.pem, server-key.pem)

dockerd applies --tlsverify to every tcp:// listener, so it cannot serve plain HTTP on 2375 and
TLS on 2376 at the same time; the tests want both, so 2375 is the plain relay.  Podman serves no
TLS at all, so for Podman 2376 is the TLS relay.

Both are half-close aware, as dockerd's own listeners are: EOF from one side becomes
``shutdown(SHUT_WR)`` towards the other, so HTTP hijacking (attach/exec with stdin, then closing
stdin) works through them.  Over TLS a client may half-close the TCP connection under the TLS
session without a close_notify (Python cannot send close_notify alone, and Go's TLS server takes
either as the end of input); the TLS relay treats both as EOF, like dockerd, where socat and
stunnel would call it an error and drop the connection.

Only the standard library is used.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import ssl
import sys
import threading
from typing import Optional

CHUNK = 65536
HANDSHAKE_SECONDS = 10


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while True:
            data = src.recv(CHUNK)
            if not data:
                break
            dst.sendall(data)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        # reset/broken pipe: tear down both directions
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _connect_upstream(unix_path: str) -> Optional[socket.socket]:
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(unix_path)
    except OSError:
        upstream.close()
        return None
    return upstream


def _plain_conn(client: socket.socket, unix_path: str) -> None:
    upstream = _connect_upstream(unix_path)
    if upstream is None:
        client.close()
        return
    other = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
    other.start()
    _pump(client, upstream)
    other.join()
    client.close()
    upstream.close()


def _tls_conn(raw: socket.socket, unix_path: str, ctx: ssl.SSLContext) -> None:
    """One TLS connection, both directions in one thread (an SSL object must not be used by two
    threads at once), with non-blocking sockets and a selector."""
    raw.settimeout(HANDSHAKE_SECONDS)
    try:
        tls = ctx.wrap_socket(raw, server_side=True)
    except (OSError, ssl.SSLError):
        raw.close()
        return
    upstream = _connect_upstream(unix_path)
    if upstream is None:
        tls.close()
        return
    tls.setblocking(False)
    upstream.setblocking(False)
    to_upstream = bytearray()
    to_client = bytearray()
    client_eof = upstream_eof = False
    sel = selectors.DefaultSelector()
    try:
        while True:
            # client -> upstream
            while not client_eof and len(to_upstream) < 4 * CHUNK:
                try:
                    data = tls.recv(CHUNK)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                    break
                except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ConnectionResetError):
                    data = b""
                if not data:
                    client_eof = True
                else:
                    to_upstream += data
            if to_upstream:
                try:
                    del to_upstream[:upstream.send(to_upstream)]
                except BlockingIOError:
                    pass
            if client_eof and not to_upstream:
                try:
                    upstream.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            # upstream -> client
            while not upstream_eof and len(to_client) < 4 * CHUNK:
                try:
                    data = upstream.recv(CHUNK)
                except BlockingIOError:
                    break
                except ConnectionResetError:
                    data = b""
                if not data:
                    upstream_eof = True
                else:
                    to_client += data
            while to_client:
                try:
                    del to_client[:tls.send(to_client[:CHUNK])]
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                    break
            if upstream_eof and not to_client:
                return  # the daemon is done: close the whole connection
            if client_eof and upstream_eof:
                return
            events = {}
            if not client_eof or to_client:
                events[tls] = (selectors.EVENT_READ if not client_eof else 0) | (
                    selectors.EVENT_WRITE if to_client else 0)
            events[upstream] = (selectors.EVENT_READ if not upstream_eof else 0) | (
                selectors.EVENT_WRITE if to_upstream else 0)
            for sock, mask in events.items():
                if mask:
                    sel.register(sock, mask)
            if tls.pending() == 0:
                sel.select(timeout=30)
            for sock in list(events):
                try:
                    sel.unregister(sock)
                except KeyError:
                    pass
    except (OSError, ssl.SSLError):
        pass
    finally:
        sel.close()
        for s in (tls, upstream):
            try:
                s.close()
            except OSError:
                pass


def main(argv: list[str]) -> int:
    host, port, unix_path = argv[0], int(argv[1]), argv[2]
    ctx: Optional[ssl.SSLContext] = None
    if len(argv) > 3:
        certs = argv[3]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(certs, "server-cert.pem"), os.path.join(certs, "server-key.pem"))
        ctx.load_verify_locations(os.path.join(certs, "ca.pem"))
        ctx.verify_mode = ssl.CERT_REQUIRED
        # No session tickets: nothing arrives after the handshake that a client reading and
        # writing from two threads (hijacked attach/exec) would have to process mid-write.
        ctx.options |= ssl.OP_NO_TICKET
        # A FIN without close_notify is the end of the client's input, not an error that would
        # also stop the answer going back (OpenSSL 3 fails the whole session otherwise).
        ctx.options |= getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
        ctx.num_tickets = 0
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(128)
    while True:
        conn, _ = srv.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if ctx is None:
            threading.Thread(target=_plain_conn, args=(conn, unix_path), daemon=True).start()
        else:
            threading.Thread(target=_tls_conn, args=(conn, unix_path, ctx), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
