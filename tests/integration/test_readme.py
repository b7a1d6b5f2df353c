"""The README's Python examples, run as written against the test daemon.

Each ```python block runs in order in one namespace (a block after ``<!-- readme: not run -->``
is skipped: it names other machines, or needs BuildKit and test_buildkit.py runs it). Two
substitutions adapt them to the test machine: the image ``busybox`` is the test image tagged
so, and the registry ``localhost:5000`` with
``me``/``secret`` is the test's htpasswd registry and its credentials. A line
``expression  # literal`` (a literal that is not a string) is checked: the expression must
equal it. An example that stops working fails here.
"""
from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

from docker_client import Client

from ..conftest import API_VERSION, ENGINE, TEST_IMAGE
from .conftest import env_or_fail

README = Path(__file__).resolve().parents[2] / "README.md"
_BLOCK = re.compile(r"(<!-- readme: not run -->\s*)?```python\n(.*?)```", re.S)
_CHECKED = re.compile(r"^(?P<indent>\s*)(?P<code>[^#\s][^#]*?)\s+#\s*(?P<comment>.+)$")


def readme_blocks() -> List[Tuple[bool, str]]:
    """``(run, source)`` of every Python block of the README, in order."""
    return [(not skip, source) for skip, source in _BLOCK.findall(README.read_text())]


def _expected(comment: str) -> Any:
    """The literal a comment states (``(b'out\\n', b'err\\n'): exact...``), or None."""
    for candidate in (comment, comment.split(": ")[0], comment.split("; ")[0]):
        try:
            value = ast.literal_eval(candidate.strip())
        except (ValueError, SyntaxError):
            continue
        return None if isinstance(value, str) else (value,)
    return None


def with_checks(source: str) -> str:
    """``source`` with each ``expression  # literal`` line turned into an assertion."""
    lines = []
    for line in source.splitlines():
        match = _CHECKED.match(line)
        expected = _expected(match["comment"]) if match else None
        if match and expected is not None:
            try:
                ast.parse(match["code"], mode="eval")
            except SyntaxError:
                lines.append(line)
                continue
            lines.append(f"{match['indent']}__check({match['code']}, {expected[0]!r}, {match['code']!r})")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def _check(actual: Any, expected: Any, code: str) -> None:
    assert actual == expected, f"README: {code} gave {actual!r}, the README says {expected!r}"


@pytest.fixture
def readme_world(client: Client, daemon: str, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The test daemon as the README's reader has it (``Client()`` finds it in ``DOCKER_HOST``,
    at this environment's API version): ``busybox``, a registry, a fresh config."""
    # "busybox" is the test image: a second name of it on Docker Engine; Podman resolves the short
    # name to it by itself (a tag "busybox" there would take "dctest/busybox" away from it).
    if ENGINE != "podman":
        client.tag(TEST_IMAGE, "busybox", "latest")
    monkeypatch.setenv("DOCKER_HOST", daemon)
    if API_VERSION:
        monkeypatch.setenv("DOCKER_API_VERSION", API_VERSION)
    else:  # negotiated, as the README's reader has it
        monkeypatch.delenv("DOCKER_API_VERSION", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))
    registry = env_or_fail("DC_TEST_AUTH_REGISTRY")
    try:
        yield registry
    finally:
        client._delete(client._url("/images/{0}", f"{registry}/app:1"), params={"force": 1}).close()
        if ENGINE != "podman":
            client._delete(client._url("/images/{0}", "busybox:latest")).close()  # the name only


def test_the_readme_blocks_are_found() -> None:
    blocks = readme_blocks()
    # not run here: other daemons' addresses, and the BuildKit block (test_buildkit.py runs it)
    assert len(blocks) >= 4 and [run for run, _ in blocks].count(False) == 2
    assert "exec_start_duplex" in "".join(source for _, source in blocks)


def test_the_readme_examples_run(readme_world: str) -> None:
    registry = readme_world
    user, password = env_or_fail("DC_TEST_REGISTRY_USER"), env_or_fail("DC_TEST_REGISTRY_PASSWORD")
    namespace: dict[str, Any] = {"__check": _check, "__name__": "readme"}
    printed = io.StringIO()
    try:
        for run, source in readme_blocks():
            if not run:
                compile(source, "README.md", "exec")  # still valid Python
                continue
            source = (source.replace("localhost:5000", registry)
                      .replace('"me"', repr(user)).replace('"secret"', repr(password)))
            with contextlib.redirect_stdout(printed):
                exec(compile(with_checks(source), "README.md", "exec"), namespace)
    finally:
        if "client" in namespace:
            namespace["client"].close()
    output = printed.getvalue()
    # The events block saw the container stop; Podman may answer a window of past events with
    # none (README "Podman", pinned in podman_differences.py).
    assert "die " in output or ENGINE == "podman", output
    assert "Successfully" in output or "COMMIT" in output or "-->" in output  # the build's steps
