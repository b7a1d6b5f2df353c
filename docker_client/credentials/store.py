"""Credential helper programs (``docker-credential-<name>``), as the docker CLI runs them.

Each action is one run of the program without a shell: ``get``/``erase`` read the server URL on
stdin, ``store`` a JSON record, ``list`` nothing; answers are JSON on stdout.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
from typing import Any, Mapping

from ..errors import CredentialsError

log = logging.getLogger(__name__)

PROGRAM_PREFIX = "docker-credential-"
DEFAULT_LINUX_STORE = "secretservice"
DEFAULT_OSX_STORE = "osxkeychain"
DEFAULT_WIN32_STORE = "wincred"

#: What helpers print (on stdout, exiting non-zero) when they hold nothing for a server.
NOT_FOUND_MESSAGE = "credentials not found in native keychain"


class StoreError(CredentialsError):
    """A credential helper is missing, failed, or answered nonsense (docker-py's name)."""


class CredentialsNotFound(StoreError):
    """The helper holds no credentials for that server (docker-py's name)."""


def create_environment_dict(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """A copy of ``os.environ`` with ``overrides`` (a client's ``credstore_env``) applied."""
    env = dict(os.environ)
    env.update(overrides or {})
    return env


class Store:
    """One credential helper program, as docker-py's ``docker.credentials.Store``.

    Args:
        program: the helper's name without the prefix: ``"pass"`` runs ``docker-credential-pass``.
        environment: variables set for the program on top of this process's environment
            (``PATH`` among them is also where the program is looked for).
        timeout: seconds a run may take; ``None`` waits as long as it takes (helpers may prompt).

    Example:
        >>> Store("pass").get("https://index.docker.io/v1/")
        {'ServerURL': 'https://index.docker.io/v1/', 'Username': 'me', 'Secret': '...'}
    """

    def __init__(self, program: str, environment: Mapping[str, str] | None = None,
                 timeout: float | None = None) -> None:
        self.program = PROGRAM_PREFIX + program
        self.environment = dict(environment) if environment else None
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<Store {self.program}>"

    @property
    def exe(self) -> str | None:
        """The program's full path, or None when it is not on ``PATH``."""
        path = (self.environment or {}).get("PATH", os.environ.get("PATH"))
        return shutil.which(self.program, path=path)

    def get(self, server: str | bytes) -> dict[str, str]:
        """The stored ``{"ServerURL", "Username", "Secret"}`` for ``server``.

        Raises:
            CredentialsNotFound: nothing is stored for ``server``.
            StoreError: the program is missing, failed, or answered something else than JSON.
        """
        server_text = server.decode("utf-8") if isinstance(server, bytes) else server
        output = self._execute("get", server_text.encode("utf-8"), server_text)
        try:
            result = json.loads(output.decode("utf-8"))
        except ValueError:
            raise StoreError(
                f"{self.program} get for {server_text} answered something else than JSON"
            ) from None
        if not isinstance(result, dict):
            raise StoreError(f"{self.program} get for {server_text} answered {type(result).__name__}")
        # docker-credential-pass answers empty fields instead of failing.
        if not result.get("Username") and not result.get("Secret"):
            raise CredentialsNotFound(f"no credentials for {server_text} in {self.program}")
        return {str(k): str(v) if v is not None else "" for k, v in result.items()}

    def store(self, server: str, username: str, secret: str) -> None:
        """Store credentials for ``server`` (``docker login`` does this).

        Raises:
            StoreError: the program is missing or failed.
        """
        record = json.dumps({"ServerURL": server, "Username": username, "Secret": secret})
        self._execute("store", record.encode("utf-8"), server)

    def erase(self, server: str | bytes) -> None:
        """Forget the credentials for ``server`` (``docker logout`` does this).

        Raises:
            StoreError: the program is missing or failed.
        """
        server_text = server.decode("utf-8") if isinstance(server, bytes) else server
        self._execute("erase", server_text.encode("utf-8"), server_text)

    def list(self) -> dict[str, str]:
        """``{server URL: username}`` of everything stored.

        Raises:
            StoreError: the program is missing, failed, or answered something else than JSON.
        """
        output = self._execute("list", None, None)
        try:
            result: Any = json.loads(output.decode("utf-8") or "{}")
        except ValueError:
            raise StoreError(f"{self.program} list answered something else than JSON") from None
        if not isinstance(result, dict):
            raise StoreError(f"{self.program} list answered {type(result).__name__}, not an object")
        return {str(k): str(v) for k, v in result.items()}

    def _execute(self, action: str, data: bytes | None, server: str | None) -> bytes:
        for_server = f" for {server}" if server else ""
        what = f"{self.program} {action}{for_server}"
        exe = self.exe
        if exe is None:
            raise StoreError(
                f"{self.program} is not installed or not on PATH (needed for the credentials{for_server})"
            )
        log.debug("running %s %s%s", self.program, action, for_server)
        import subprocess  # imported here: most clients never run a helper

        try:
            done = subprocess.run([exe, action], input=data or b"", capture_output=True,
                                  env=create_environment_dict(self.environment), timeout=self.timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise StoreError(f"{what} did not finish in {self.timeout}s") from None
        except OSError as exc:
            raise StoreError(f"cannot run {what}: {exc.strerror or exc}") from exc
        if done.returncode != 0:
            # Helpers print their errors on stdout; some also (or only) on stderr.
            parts = [out.decode("utf-8", "replace").strip() for out in (done.stdout, done.stderr)]
            message = "; ".join(part for part in parts if part) or f"exit status {done.returncode}"
            if action in ("get", "erase") and "credentials not found" in message.lower():
                raise CredentialsNotFound(f"no credentials{for_server} in {self.program}")
            raise StoreError(f"{what} failed: {message}")
        return done.stdout
