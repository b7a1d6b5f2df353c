"""A user's script, as mypy --strict sees it: every common call's answer is typed.

Checked (not run) by tests/typecheck/test_user_scripts.py; each ``assert_type`` fails the check if
the method's annotation changes.
"""
from __future__ import annotations

from typing import Dict, List

import websocket
from typing_extensions import assert_type

import docker_client
from docker_client import answers, streams

client = docker_client.Client()

container = client.create_container("busybox", "true")
assert_type(container["Id"], str)
assert_type(client.inspect_container(container)["State"]["Status"], str)
assert_type(client.inspect_container(container)["Config"]["Env"], List[str])
assert_type(client.containers(all=True)[0]["Names"], List[str])
assert_type(client.wait(container)["StatusCode"], int)
assert_type(client.top(container)["Processes"], List[List[str]])
assert_type(client.stats(container, stream=False)["memory_stats"], answers.ContainerMemoryStats)
for sample in client.stats(container, decode=True):
    assert_type(sample["cpu_stats"]["online_cpus"], int)
assert_type(client.port(container, 80), "List[answers.PortBinding] | None")

exec_id = client.exec_create(container, "true")
assert_type(exec_id["Id"], str)
assert_type(client.exec_inspect(exec_id)["ExitCode"], int)

assert_type(client.images()[0]["RepoTags"], List[str])
assert_type(client.images(quiet=True), List[str])
assert_type(client.inspect_image("busybox")["RootFS"]["Layers"], List[str])
assert_type(client.history("busybox")[0]["CreatedBy"], str)

assert_type(client.version()["ApiVersion"], str)
assert_type(client.info()["ContainersRunning"], int)
assert_type(client.df()["LayersSize"], int)  # API 1.51 and before
assert_type(client.df()["ImageUsage"]["TotalSize"], int)  # API 1.52 and later

assert_type(client.networks()[0]["Name"], str)
assert_type(client.inspect_network("bridge")["Containers"], Dict[str, answers.EndpointResource])
assert_type(client.volumes()["Volumes"], List[answers.Volume])
assert_type(client.inspect_volume("v")["Mountpoint"], str)

assert_type(client.services()[0]["Spec"]["Name"], str)
assert_type(client.tasks()[0]["Status"]["State"], str)
assert_type(client.nodes()[0]["Description"]["Hostname"], str)

for event in client.events(decode=True):
    assert_type(event["Action"], str)
    assert_type(event["status"], str)  # sent up to API 1.51

sock = client.attach_socket(container)
assert_type(sock, streams.HijackedSocket)
sock.sendall(b"input\n")
assert_type(client.attach_socket(container, ws=True), websocket.WebSocket)
assert_type(client.attach_socket(container, {"stdin": 1}, True), websocket.WebSocket)

# At run time the answers are dicts; code written for dict[str, Any] keeps type-checking.
plain: Dict[str, object] = dict(client.inspect_container(container))
