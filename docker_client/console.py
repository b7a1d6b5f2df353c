"""``python -m docker_client``: an interactive console with a connected ``client``.

    python -m docker_client                      # DOCKER_HOST, the context, or a local socket
    python -m docker_client -H ssh://me@host     # --host, as the docker CLI names it
    python -m docker_client -c remote            # --context
    python -m docker_client --version

IPython when it is installed, else Python's own console with tab completion.
"""
from __future__ import annotations

import argparse
import code
import os
import sys
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

from ._version import __version__
from .client import Client
from .errors import DockerException

if TYPE_CHECKING:
    from . import answers

__all__ = ["banner", "connect", "main"]


def _arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m docker_client",
        description="An interactive Python console with `client`, a docker_client.Client.")
    parser.add_argument("-H", "--host", help="daemon socket to connect to (unix://, tcp://, ssh://)")
    parser.add_argument("-c", "--context", help="the docker CLI context to use")
    parser.add_argument("--api-version", help="the API version to use (default: negotiated)")
    parser.add_argument("-v", "--version", action="store_true", help="print the version and exit")
    parser.add_argument("--plain", action="store_true", help="Python's console even with IPython")
    return parser.parse_args(argv)


def connect(host: Optional[str] = None, context: Optional[str] = None,
            api_version: Optional[str] = None) -> Client:
    """The client the console gives: ``--host``, else ``--context``, else the environment."""
    if host and context:
        raise DockerException("--host and --context name a daemon each: give one")
    if context:
        return Client.from_context(context, version=api_version)
    return Client(base_url=host, version=api_version)


def banner(client: Client, context: Optional[str]) -> str:
    """Which daemon the console talks to, and how to get help."""
    address = client._address
    where = f"unix://{address.socket_path}" if address.scheme == "unix" else address.where
    try:
        version = client.version()
        engine = " ".join(filter(None, (_engine_name(version), version.get("Version"))))
        daemon = f"{engine} (API {client.api_version})"
    except DockerException as exc:
        daemon = f"not reachable: {exc}"
    lines = [
        f"docker_client {__version__}, Python {sys.version.split()[0]}",
        f"daemon:  {where}",
        f"engine:  {daemon}",
        f"context: {context or os.environ.get('DOCKER_CONTEXT') or 'default'}",
        "`client` is a docker_client.Client: client.<TAB>, help(client.containers);",
        "from docker_client.progress import show; show(client.pull(..., stream=True, decode=True))",
    ]
    return "\n".join(lines)


def _engine_name(version: answers.SystemVersion) -> str:
    for component in version.get("Components") or []:
        if isinstance(component, dict) and component.get("Name") in ("Engine", "Podman Engine"):
            return str(component["Name"]).replace("Engine", "").strip() or "Docker Engine"
    return "Docker Engine"


def main(argv: Optional[List[str]] = None) -> int:
    """Run the console; its exit status."""
    args = _arguments(argv)
    if args.version:
        print(f"docker_client {__version__}")
        return 0
    try:
        client = connect(args.host, args.context, args.api_version)
    except DockerException as exc:
        print(f"python -m docker_client: {exc}", file=sys.stderr)
        return 1
    namespace: Dict[str, Any] = {"client": client, "docker_client": sys.modules["docker_client"]}
    text = banner(client, args.context)
    try:
        if not args.plain and _ipython(namespace, text):
            return 0
        _python_console(namespace, text)
    finally:
        client.close()
    return 0


def _ipython(namespace: Dict[str, Any], text: str) -> bool:
    try:
        from IPython import start_ipython
    except ImportError:
        return False
    from traitlets.config import Config

    config = Config()
    config.TerminalInteractiveShell.banner1 = text + "\n"
    start_ipython(argv=[], user_ns=namespace, config=config)
    return True


def _python_console(namespace: Dict[str, Any], text: str) -> None:
    try:
        import readline
        import rlcompleter

        readline.set_completer(rlcompleter.Completer(namespace).complete)
        readline.parse_and_bind("tab: complete")
    except ImportError:  # no readline (some builds): no completion, the console still works
        pass
    code.interact(banner=text, local=namespace, exitmsg="")
