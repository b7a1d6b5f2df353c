"""docs/operations.md against the Engine API v1.56 spec and the code: every operation listed once,
with its endpoint, a method on ``Client`` and the oldest version ``versions.FEATURES`` gates.

The spec is read from ``shared/engine-api/`` beside the repository (``../shared`` from its root).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from docker_client import Client, versions
from docker_client.constants import MINIMUM_DOCKER_API_VERSION
from tests.docker_py_names import DOCKER_PY_API_CLIENT_METHODS

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC = REPO_ROOT.parent / "shared" / "engine-api" / "v1.56.yaml"
TABLE = REPO_ROOT / "docs" / "operations.md"
OPERATION_COUNT = 108

_PATH_LINE = re.compile(r"^  (/\S*):\s*$")
_METHOD_LINE = re.compile(r"^    (get|post|put|delete|head|patch|options):\s*$")
_OPERATION_ID_LINE = re.compile(r"""^      operationId:\s*["']?([A-Za-z0-9_]+)["']?\s*$""")
_ENDPOINT = re.compile(r"^`?(GET|POST|PUT|DELETE|HEAD|PATCH|OPTIONS) (/\S*?)`?$")
_METHOD_NAME = re.compile(r"`([a-z_][a-z0-9_]*)`")
_VERSION = re.compile(r"^\d+\.\d+$")


class Operation(NamedTuple):
    operation_id: str
    endpoint: str  # "METHOD /path"


class Row(NamedTuple):
    line: int
    operation_id: str
    endpoint: str
    methods: tuple[str, ...]
    oldest: str
    docker_py: str


def _spec_operations() -> list[Operation]:
    """The operations of the spec's ``paths`` section, in order, read line by line (no YAML parser:
    the spec's layout is fixed: two spaces before a path, four before a method, six before its
    fields)."""
    if not SPEC.is_file():
        pytest.fail(f"the Engine API spec is missing: expected {SPEC} (shared/engine-api/ beside the "
                    f"repository, as CI checks it out)")
    operations: list[Operation] = []
    in_paths = False
    path = method = None
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        if line.startswith("paths:"):
            in_paths = True
            continue
        if in_paths and line[:1] not in ("", " ", "#"):
            break  # the next top-level section
        if not in_paths:
            continue
        if match := _PATH_LINE.match(line):
            path, method = match.group(1), None
        elif match := _METHOD_LINE.match(line):
            method = match.group(1).upper()
        elif (match := _OPERATION_ID_LINE.match(line)) and path and method:
            operations.append(Operation(match.group(1), f"{method} {path}"))
    return operations


def _table_rows() -> list[Row]:
    if not TABLE.is_file():
        pytest.fail(f"{TABLE} is missing")
    rows: list[Row] = []
    header_seen = False
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == "operationId":
            header_seen = True
            assert cells == ["operationId", "endpoint", "docker_client method", "oldest API version",
                             "docker-py has it"], f"operations.md:{number}: unexpected header {cells}"
            continue
        if set(cells[0]) <= set("-: "):
            continue  # the separator line
        assert header_seen, f"operations.md:{number}: a row before the table's header"
        assert len(cells) == 5, f"operations.md:{number}: {len(cells)} columns, not 5: {line!r}"
        operation_id, endpoint, methods, oldest, docker_py = cells
        match = _ENDPOINT.match(endpoint)
        assert match, f"operations.md:{number}: the endpoint {endpoint!r} is not `METHOD /path`"
        names = tuple(_METHOD_NAME.findall(methods))
        assert names, f"operations.md:{number}: no `method` named for {operation_id}"
        assert _VERSION.match(oldest), f"operations.md:{number}: {oldest!r} is not a version"
        answer = docker_py.split()[0] if docker_py else ""
        assert answer in ("yes", "no"), f"operations.md:{number}: docker-py column {docker_py!r}"
        rows.append(Row(number, operation_id, f"{match.group(1)} {match.group(2)}", names, oldest,
                        answer))
    return rows


def test_the_spec_has_every_operation_once() -> None:
    operations = _spec_operations()
    ids = [op.operation_id for op in operations]
    assert len(ids) == OPERATION_COUNT, f"{len(ids)} operations in {SPEC.name}, not {OPERATION_COUNT}"
    assert len(set(ids)) == len(ids), "duplicate operationIds in the spec"


def test_every_operation_is_listed_once_with_its_endpoint() -> None:
    spec = {op.operation_id: op.endpoint for op in _spec_operations()}
    rows = _table_rows()
    listed: dict[str, int] = {}
    problems = []
    for row in rows:
        if row.operation_id in listed:
            problems.append(f"line {row.line}: {row.operation_id} again (first on line "
                            f"{listed[row.operation_id]})")
            continue
        listed[row.operation_id] = row.line
        if row.operation_id not in spec:
            problems.append(f"line {row.line}: {row.operation_id} is not an operation of the spec")
        elif row.endpoint != spec[row.operation_id]:
            problems.append(f"line {row.line}: {row.operation_id} is {spec[row.operation_id]!r} in the "
                            f"spec, not {row.endpoint!r}")
    problems += [f"{op} ({endpoint}) is missing" for op, endpoint in spec.items() if op not in listed]
    assert not problems, "docs/operations.md does not match the spec:\n" + "\n".join(problems)


def test_every_method_named_is_on_the_client() -> None:
    rows = _table_rows()
    missing = {name: row.operation_id for row in rows for name in row.methods
               if not callable(getattr(Client, name, None))}
    covered = sum(1 for row in rows if not any(name in missing for name in row.methods))
    summary = f"coverage: {covered} of {OPERATION_COUNT}"
    print(summary)
    assert not missing, (f"{summary}; methods docs/operations.md names that Client lacks: "
                         + ", ".join(f"{name} ({op})" for name, op in sorted(missing.items())))


def test_the_oldest_version_is_the_gate() -> None:
    problems = []
    for row in _table_rows():
        gate = versions.FEATURES.get(row.endpoint)
        if gate is not None and row.oldest != gate:
            problems.append(f"line {row.line}: {row.operation_id} ({row.endpoint}) says {row.oldest}, "
                            f"versions.FEATURES gates it at {gate}")
        if gate is None and row.oldest != MINIMUM_DOCKER_API_VERSION:
            problems.append(f"line {row.line}: {row.operation_id} ({row.endpoint}) says {row.oldest}, "
                            f"but versions.FEATURES has no gate for it")
    assert not problems, "\n".join(problems)


def test_the_docker_py_column() -> None:
    wrong = [f"line {row.line}: {row.operation_id}: {row.methods[0]} says {row.docker_py}"
             for row in _table_rows()
             if (row.docker_py == "yes") != (row.methods[0] in DOCKER_PY_API_CLIENT_METHODS)]
    assert not wrong, ("the docker-py column is wrong (it is about the first method named):\n"
                       + "\n".join(wrong))
