"""A user's script with mistakes mypy --strict must catch, each marked by a comment: E, a colon,
and part of the message.

Checked (not run) by tests/typecheck/test_user_scripts.py: each marked line must be reported,
with that message, and no other line.
"""
from __future__ import annotations

import docker_client

client = docker_client.Client()

status = client.inspect_container("c")["State"]["Stauts"]  # E: "ContainerState" has no key "Stauts"
code: str = client.wait("c")["StatusCode"]  # E: Incompatible types in assignment
running: int = client.info()["ContainersRuning"]  # E: "SystemInfo" has no key "ContainersRuning"
for event in client.events(decode=True):
    print(event["Acton"])  # E: "EventMessage" has no key "Acton"
client.attach_socket("c", ws=True).sendall(b"x")  # E: "WebSocket" has no attribute "sendall"
tags = client.images()[0]["RepoTags"] + "x"  # E: No overload variant of "__add__"
