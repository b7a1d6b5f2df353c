#!/usr/bin/env python3
"""The library's main job, end to end: connect to a daemon and show what it is and what it does.

Connects to the daemon the environment names (DOCKER_HOST, else the local socket); when none
answers, starts the private test daemon (scripts/privdaemon.py ensure) and uses that one.
"""
from __future__ import annotations

import os
import subprocess
import sys
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


def main() -> int:
    with connect() as client:
        version = client.version()
        print(f"Engine {version['Version']}, API {version['ApiVersion']} "
              f"(client negotiated {client.api_version}), {version['Os']}/{version['Arch']}")
        info = client.info()
        print(f"{info['Containers']} containers, {info['Images']} images, "
              f"storage driver {info['Driver']}, {info['NCPU']} CPUs")
        since = time.time() - 0.5
        name = f"demo-{os.getpid()}"
        client._result(client._post_json(client._url("/volumes/create"), data={"Name": name}), json=True)
        client._result(client._delete(client._url("/volumes/{0}", name)))
        print("events:")
        with client.events(since=since, until=time.time() + 0.5, decode=True) as events:
            for event in events:
                print(f"  {event['Type']:<10} {event['Action']:<10} {event['Actor']['ID'][:40]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
