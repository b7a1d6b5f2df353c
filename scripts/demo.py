#!/usr/bin/env python3
"""The library's main job, end to end: connect, run a container, exec in it, build, push, pull.

Connects to the daemon the environment names (DOCKER_HOST, else the local socket); when none
answers, starts the private test daemon (scripts/privdaemon.py ensure) and uses that one.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from docker_client import Client, errors  # noqa: E402


def connect() -> Client:
    client = Client()
    try:
        client.ping()
        print(f"connected to {client.base_url}")
        return client
    except errors.DockerException as exc:
        client.close()
        print(f"no daemon answers ({exc}); starting the private test daemon")
    lines = subprocess.run([sys.executable, os.path.join(HERE, "privdaemon.py"), "ensure"],
                           check=True, capture_output=True, text=True).stdout.splitlines()
    env = dict(line[len("export "):].split("=", 1) for line in lines if line.startswith("export "))
    os.environ.update({k: v.strip("'\"") for k, v in env.items()})
    client = Client()
    client.ping()
    print(f"connected to the private daemon at {client.base_url}")
    print(f"(stop it with: python3 {os.path.join(HERE, 'privdaemon.py')} stop)")
    return client


def show_daemon(client: Client) -> None:
    version = client.version()
    print(f"Engine {version['Version']}, API {version['ApiVersion']} "
          f"(client negotiated {client.api_version}), {version['Os']}/{version['Arch']}")
    info = client.info()
    print(f"{info['Containers']} containers, {info['Images']} images, "
          f"storage driver {info['Driver']}, {info['NCPU']} CPUs")


def run_container(client: Client, image: str) -> None:
    script = "for i in 1 2 3; do echo out $i; echo err $i >&2; sleep 0.2; done"
    container = client.create_container(image, ["sh", "-c", script + "; sleep 30"],
                                        name=f"demo-{os.getpid()}")
    try:
        client.start(container)
        print("container logs, followed as they come (stdout | stderr):")
        with client.logs(container, stream=True, follow=True, demux=True, tail="all") as logs:
            seen = 0
            for out, err in logs:
                for line in (out or err or b"").decode().splitlines():
                    print(f"  {'stdout' if out else 'stderr'}: {line}")
                    seen += 1
                if seen >= 6:
                    break
        exec_id = client.exec_create(container, ["sh", "-c", "uname -a; id -u"])
        print(f"exec: {client.exec_start(exec_id).decode().strip()!r}, "
              f"exit code {client.exec_inspect(exec_id)['ExitCode']}")
        exec_id = client.exec_create(container, ["wc", "-c"], stdin=True)
        with client.exec_start_duplex(exec_id) as duplex:
            stdout, _ = duplex.communicate(b"x" * 1_000_000)
            print(f"exec stdin: wrote 1000000 bytes, wc counted {stdout.decode().strip()}, "
                  f"exit code {duplex.wait()}")
    finally:
        client.remove_container(container, force=True)


def build_push_pull(client: Client, image: str) -> None:
    registry = os.environ.get("DC_TEST_REGISTRY")
    with tempfile.TemporaryDirectory() as context:
        with open(os.path.join(context, "Dockerfile"), "w") as f:
            f.write(f"FROM {image}\nCOPY hello.txt /hello.txt\nCMD [\"cat\", \"/hello.txt\"]\n")
        with open(os.path.join(context, "hello.txt"), "w") as f:
            f.write("hello from a docker_client build\n")
        tag = f"{registry}/demo:latest" if registry else "demo:latest"
        for step in client.build(path=context, tag=tag, decode=True, rm=True):
            if "stream" in step and step["stream"].strip():
                print(f"  build: {step['stream'].strip()}")
    if not registry:
        print("no loopback registry (DC_TEST_REGISTRY) here: skipping push and pull")
        client.remove_image(tag)
        return
    for progress in client.push(f"{registry}/demo", tag="latest", stream=True, decode=True):
        if "status" in progress and "id" not in progress:
            print(f"  push: {progress['status']}")
    client.remove_image(tag)
    client.pull(f"{registry}/demo", tag="latest")
    pulled = client.inspect_image(tag)
    print(f"pulled {tag} back from the registry: {pulled['Id'][:19]}")
    client.remove_image(tag)


def show_events(client: Client, since: float) -> None:
    print("events:")
    with client.events(since=since, until=time.time() + 0.5, decode=True) as events:
        for event in events:
            print(f"  {event['Type']:<10} {event['Action']:<16} {event['Actor']['ID'][:40]}")


def main() -> int:
    with connect() as client:
        image = os.environ.get("DC_TEST_IMAGE", "busybox:latest")
        since = time.time() - 0.5
        show_daemon(client)
        try:
            client.inspect_image(image)
        except errors.ImageNotFound:
            print(f"the image {image} is not on this daemon: nothing to run")
            return 1
        run_container(client, image)
        build_push_pull(client, image)
        show_events(client, since)
    return 0


if __name__ == "__main__":
    sys.exit(main())
