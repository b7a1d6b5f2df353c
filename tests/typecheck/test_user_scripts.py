"""The typed answers as a user's editor and mypy --strict see them (docker_client/answers.py).

Run by tox's ``type`` environment: ``answers_ok.py`` must check clean; every line of
``answers_bad.py`` marked ``# E: <message part>`` must be reported with that message, and nothing
else.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from mypy import api as mypy_api

HERE = Path(__file__).resolve().parent
_EXPECTED = re.compile(r"#\s*E:\s*(.+?)\s*$")
_REPORTED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*)$")


def _mypy(script: Path) -> tuple[str, int]:
    """mypy --strict on ``script`` as a user runs it: from elsewhere than this repository, so
    ``docker_client`` is the installed package (its ``py.typed``), not the source tree."""
    here = os.getcwd()
    os.chdir(tempfile.gettempdir())
    try:
        stdout, stderr, status = mypy_api.run([
            "--strict", "--no-incremental", "--show-error-codes", "--no-error-summary",
            "--cache-dir", "/dev/null", "--config-file", "", str(script)])
    finally:
        os.chdir(here)
    return stdout + stderr, status


def _errors(output: str, script: Path) -> dict[int, str]:
    """``{line: first error message}`` mypy reported in ``script``."""
    errors: dict[int, str] = {}
    for line in output.splitlines():
        match = _REPORTED.match(line)
        if match and Path(match["file"]).name == script.name:
            errors.setdefault(int(match["line"]), match["message"])
    return errors


def test_a_user_script_gets_the_answer_types_and_checks_clean() -> None:
    output, status = _mypy(HERE / "answers_ok.py")
    assert status == 0, output


def test_typos_in_keys_and_wrong_uses_of_answers_are_caught() -> None:
    script = HERE / "answers_bad.py"
    expected = {number: match[1] for number, line in enumerate(script.read_text().splitlines(), 1)
                if (match := _EXPECTED.search(line))}
    assert len(expected) == 6
    output, status = _mypy(script)
    assert status == 1, output
    reported = _errors(output, script)
    assert set(reported) == set(expected), output
    for number, part in expected.items():
        assert part in reported[number], f"line {number}: expected {part!r} in {reported[number]!r}"


def test_a_misspelt_key_gets_the_right_one_suggested() -> None:
    output, _ = _mypy(HERE / "answers_bad.py")
    assert 'Did you mean "Status"?' in output, output
