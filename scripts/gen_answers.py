#!/usr/bin/env python3
"""Write docker_client/answers.py: TypedDicts of the common calls' answers, from the Engine API spec.

    python3 scripts/gen_answers.py           rewrite docker_client/answers.py
    python3 scripts/gen_answers.py --check   exit 1 when the committed module differs

The answers come from v1.56.yaml (the newest spec); the keys older daemons still send and 1.56
dropped (``/system/df``'s ``Images``, ``Containers``...) come from v1.41.yaml, merged into the
same classes. Every key is optional (``total=False``): which keys arrive depends on the daemon's
API version. Nullability is not expressed, so that ``answer["State"]["Status"]`` type-checks.
Needs PyYAML.
"""
from __future__ import annotations

import argparse
import difflib
import keyword
import re
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT.parent / "shared" / "engine-api"
OUTPUT = ROOT / "docker_client" / "answers.py"

#: method -> (HTTP method, path, how the method returns the schema: "one" or "list" or "stream")
CALLS: Dict[str, Tuple[str, str, str]] = {
    "containers": ("get", "/containers/json", "list"),
    "inspect_container": ("get", "/containers/{id}/json", "one"),
    "create_container": ("post", "/containers/create", "one"),
    "wait": ("post", "/containers/{id}/wait", "one"),
    "top": ("get", "/containers/{id}/top", "one"),
    "stats": ("get", "/containers/{id}/stats", "one"),
    "exec_create": ("post", "/containers/{id}/exec", "one"),
    "exec_inspect": ("get", "/exec/{id}/json", "one"),
    "images": ("get", "/images/json", "list"),
    "inspect_image": ("get", "/images/{name}/json", "one"),
    "history": ("get", "/images/{name}/history", "list"),
    "version": ("get", "/version", "one"),
    "info": ("get", "/info", "one"),
    "df": ("get", "/system/df", "one"),
    "networks": ("get", "/networks", "list"),
    "inspect_network": ("get", "/networks/{id}", "one"),
    "volumes": ("get", "/volumes", "one"),
    "inspect_volume": ("get", "/volumes/{name}", "one"),
    "services": ("get", "/services", "list"),
    "tasks": ("get", "/tasks", "list"),
    "nodes": ("get", "/nodes", "list"),
    "events": ("get", "/events", "one"),
}

#: Keys daemons sent before the spec files we read were written, and which they dropped later
#: (the Engine's CHANGELOG): ``GET /events`` sent ``status``, ``id`` and ``from`` up to API 1.51;
#: ``GET /system/df`` sent ``BuilderSize`` up to API 1.41; ``GET /info`` sent ``ExecutionDriver``
#: at API 1.24 (v1.24.md). And one the daemons send that no spec names: Engine 23 and later send a
#: build cache record's ``Parents`` as ``" Parents"`` (a leading space in moby's JSON tag of
#: ``build.CacheRecord``; measured on Engine 28.5).
LEGACY_KEYS: Dict[str, Dict[str, str]] = {
    "BuildCache": {" Parents": "List[str]"},
    "SystemInfo": {"ExecutionDriver": "str"},
    "EventMessage": {"status": "str", "id": "str", "from": "str"},
    "SystemDataUsageResponse": {"BuilderSize": "int"},
}

Schema = Dict[str, Any]


class Spec:
    """One spec file: its definitions, and $ref resolution."""

    def __init__(self, path: Path) -> None:
        self.doc = yaml.safe_load(path.read_text())
        self.definitions: Dict[str, Schema] = self.doc.get("definitions", {})

    def answer(self, method: str, path: str) -> Optional[Schema]:
        op = self.doc.get("paths", {}).get(path, {}).get(method)
        if op is None:
            return None
        for code, response in op["responses"].items():
            if str(code).startswith("2") and "schema" in response:
                return dict(response["schema"])
        return None

    def resolve(self, schema: Optional[Schema]) -> Tuple[Optional[str], Optional[Schema]]:
        """``(definition name or None, the schema with its $ref and allOf resolved)``."""
        if schema is None:
            return None, None
        name = None
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            schema = self.definitions[name]
        if "allOf" in schema:
            merged: Schema = {"type": "object", "properties": {}}
            for part in schema["allOf"]:
                _, sub = self.resolve(part)
                if sub:
                    merged["properties"].update(sub.get("properties", {}))
                    merged.setdefault("description", sub.get("description"))
            merged["properties"].update(schema.get("properties", {}))
            if schema.get("description"):
                merged["description"] = schema["description"]
            schema = merged
        return name, schema


class Generator:
    """Walks the answers of both specs together and collects one class per object schema."""

    def __init__(self, new: Spec, old: Spec) -> None:
        self.new, self.old = new, old
        self.classes: Dict[str, List[str]] = {}    # name -> lines of its definition
        self.building: set[str] = set()

    def type_of(self, new: Optional[Schema], old: Optional[Schema], hint: str) -> str:
        """The annotation of a value described by ``new`` (1.56) and/or ``old`` (1.41)."""
        new_name, new = self.new.resolve(new)
        old_name, old = self.old.resolve(old)
        schema = new if new is not None else old
        assert schema is not None
        kind = schema.get("type")
        if kind == "array" or "items" in schema:
            items_new = new.get("items") if new and (new.get("type") == "array") else None
            items_old = old.get("items") if old and (old.get("type") == "array") else None
            if items_new is None and items_old is None:
                return "List[Any]"
            return f"List[{self.type_of(items_new, items_old, hint + 'Item')}]"
        if kind in ("string", "integer", "number", "boolean"):
            return {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}[kind]
        props_new = (new or {}).get("properties")
        props_old = (old or {}).get("properties") if old and old.get("type", "object") == "object" else None
        if props_new or props_old:
            name = new_name or old_name or schema.get("title") or hint
            return self.object_class(name, new if props_new else None, old if props_old else None)
        extra = schema.get("additionalProperties")
        extra_new, extra_old = ((s or {}).get("additionalProperties") for s in (new, old))
        if isinstance(extra, dict) and extra:
            value = self.type_of(extra_new if isinstance(extra_new, dict) and extra_new else None,
                                 extra_old if isinstance(extra_old, dict) and extra_old else None,
                                 hint + "Value")
            return f"Dict[str, {value}]"
        if kind == "object" or extra is not None:
            return "Dict[str, Any]"
        return "Any"

    def object_class(self, name: str, new: Optional[Schema], old: Optional[Schema]) -> str:
        name = _class_name(name)
        if name in self.classes or name in self.building:
            return name
        self.building.add(name)
        props_new: Schema = (new or {}).get("properties", {})
        props_old: Schema = (old or {}).get("properties", {})
        fields: List[Tuple[str, str]] = []
        for key, sub in props_new.items():
            fields.append((key, self.type_of(sub, props_old.get(key), name + _class_name(key))))
        for key, sub in props_old.items():
            if key not in props_new:
                fields.append((key, self.type_of(None, sub, name + _class_name(key))))
        taken = {key for key, _ in fields}
        fields += [(key, kind) for key, kind in LEGACY_KEYS.get(name, {}).items() if key not in taken]
        description = (new or old or {}).get("description") or ""
        self.classes[name] = _render_class(name, description, fields)
        self.building.discard(name)
        return name

    def answers(self) -> Dict[str, str]:
        """``{method: annotation}``, generating the classes on the way."""
        table = {}
        for method, (verb, path, shape) in CALLS.items():
            new, old = self.new.answer(verb, path), self.old.answer(verb, path)
            schema = new if new is not None else old
            assert schema is not None, path
            if shape == "list":
                new = new.get("items") if new else None
                old = old.get("items") if old else None
            hint = schema.get("title") or _class_name(method) + "Response"
            annotation = self.type_of(new, old, hint)
            table[method] = f"List[{annotation}]" if shape == "list" else annotation
        return table


def _class_name(text: str) -> str:
    parts = re.split(r"[^0-9A-Za-z]+", text)
    name = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return name if name and not name[0].isdigit() else "T" + name


def _render_class(name: str, description: str, fields: List[Tuple[str, str]]) -> List[str]:
    summary = " ".join(description.strip().split("\n\n")[0].split())
    summary = re.sub(r"<[^>]+>", "", summary).replace("\\", "\\\\")
    doc = textwrap.wrap(summary or f"The {name} of the Engine API.", 94)
    identifiers = all(k.isidentifier() and not keyword.iskeyword(k) for k, _ in fields)
    if identifiers:
        one_line = len(doc) == 1 and not doc[0].endswith('"')
        lines = [f"class {name}(TypedDict, total=False):"]
        lines.append('    """' + doc[0] + ('"""' if one_line else ""))
        lines += ["    " + line for line in doc[1:]]
        if not one_line:
            lines.append('    """')
        if fields:
            lines.append("")
        lines += [f"    {key}: {annotation}" for key, annotation in fields]
        return lines
    # Keys that are not identifiers ("from", "com.docker.x") need the functional syntax.
    lines = ["#: " + line for line in doc]
    lines.append(f'{name} = TypedDict("{name}", {{')
    lines += [f'    "{key}": "{annotation}",' for key, annotation in fields]
    lines.append("}, total=False)")
    return lines


HEADER = '''\
"""The answers of the common calls as TypedDicts, generated from the Engine API spec.

Generated by ``scripts/gen_answers.py`` from v1.56.yaml, with the keys of v1.41.yaml that 1.56
dropped; do not edit. Every key is optional (``total=False``): which keys a daemon sends depends
on its API version. At run time every answer is a plain ``dict``; these types are for editors and
type checkers (``client.inspect_container(c)["State"]["Status"]`` completes, a typo fails).
"""
from __future__ import annotations

from typing import Any, Dict, List, TypedDict
'''


def generate(specs: Path) -> str:
    gen = Generator(Spec(specs / "v1.56.yaml"), Spec(specs / "v1.41.yaml"))
    table = gen.answers()
    parts = [HEADER]
    for name in sorted(gen.classes):
        parts.append("\n\n" + "\n".join(gen.classes[name]) + "\n")
    parts.append("\n\n#: What each method returns (one answer; list calls return a list of it).\n")
    parts.append("ANSWERS: Dict[str, str] = {\n")
    for method, annotation in table.items():
        parts.append(f'    "{method}": "{annotation}",\n')
    parts.append("}\n")
    return "".join(parts)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--specs", type=Path, default=SPECS, help="folder of v1.56.yaml and v1.41.yaml")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = generate(args.specs)
    if args.check:
        current = args.output.read_text() if args.output.exists() else ""
        if current != text:
            sys.stdout.writelines(difflib.unified_diff(
                current.splitlines(True), text.splitlines(True), str(args.output), "generated"))
            return 1
        return 0
    args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
