"""docker_client/answers.py: the TypedDicts scripts/gen_answers.py makes from the Engine API spec.

The committed module must be what the generator makes from ``shared/engine-api/`` beside the
repository; at run time the types are plain dicts and cost an import only when asked for.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from docker_client import Client, answers

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATOR = REPO_ROOT / "scripts" / "gen_answers.py"
SPECS = REPO_ROOT.parent / "shared" / "engine-api"


def _generator():
    spec = importlib.util.spec_from_file_location("gen_answers", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_module_is_what_the_generator_makes() -> None:
    if not (SPECS / "v1.56.yaml").is_file():
        pytest.fail(f"the Engine API spec is missing: expected {SPECS / 'v1.56.yaml'}")
    result = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, (
        "docker_client/answers.py differs from what scripts/gen_answers.py makes; run it:\n"
        + result.stdout[-4000:] + result.stderr[-2000:])


def test_the_check_fails_on_a_changed_module(tmp_path: Path) -> None:
    changed = tmp_path / "answers.py"
    changed.write_text((REPO_ROOT / "docker_client" / "answers.py").read_text().replace(
        "    Status: str\n", "    Stauts: str\n", 1))
    result = subprocess.run([sys.executable, str(GENERATOR), "--check", "--output", str(changed)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "-    Stauts: str" in result.stdout and "+    Status: str" in result.stdout


def test_every_call_the_issue_names_has_its_answer_type() -> None:
    assert set(answers.ANSWERS) == set(_generator().CALLS)
    for method, annotation in answers.ANSWERS.items():
        assert callable(getattr(Client, method)), method
        name = annotation.removeprefix("List[").removesuffix("]")
        assert typing.is_typeddict(getattr(answers, name)), annotation


def test_keys_come_from_both_specs_and_every_key_is_optional() -> None:
    df = answers.SystemDataUsageResponse
    assert {"ImageUsage", "LayersSize", "Images", "BuildCache"} <= set(df.__annotations__)
    assert {"status", "id", "from", "Action"} <= set(answers.EventMessage.__annotations__)
    for name in dir(answers):
        value = getattr(answers, name)
        if typing.is_typeddict(value):
            assert value.__required_keys__ == frozenset(), name


def test_the_methods_name_their_answer_types() -> None:
    for method, annotation in answers.ANSWERS.items():
        source_annotation = annotation.replace("List[", "List[answers.")
        if not source_annotation.startswith("List["):
            source_annotation = "answers." + source_annotation
        implementation = getattr(Client, method)
        overloads = typing.get_overloads(implementation) if hasattr(typing, "get_overloads") else []
        returns = [f.__annotations__.get("return", "") for f in [implementation, *overloads]]
        assert any(source_annotation in str(r) for r in returns), (method, returns)


def test_the_answers_module_is_imported_only_by_type_checkers() -> None:
    code = ("import sys, docker_client; c = docker_client.Client(base_url='unix:///nonexistent'); "
            "print('docker_client.answers' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
