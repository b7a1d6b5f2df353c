"""Sphinx configuration of docker_client's reference site: the docstrings (autodoc, Google style
through napoleon) and the Markdown pages of the repository (myst-parser).

Build it with ``python3 -m tox run -e docs`` (every warning an error), or
``sphinx-build -W -b html docs docs/_build/html``. The build needs no network: no intersphinx.
"""
from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import inspect
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes

ROOT = Path(__file__).resolve().parents[1]
# Document the checkout the pages come from, not whatever copy of the package is installed.
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

import docker_client  # noqa: E402

project = "docker_client"
author = "docker_client contributors"
copyright = "docker_client contributors"
release = docker_client.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
templates_path: list[str] = []
html_theme = "alabaster"
html_static_path: list[str] = []
html_title = f"docker_client {release}"

# Markdown: anchors for headings (links to #sections of the pages) and ::: fences.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# Google-style docstrings; their ``Args:`` read better as a list than as a field table of types.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
}


def _defined_in_requests(obj: Any) -> bool:
    """Whether ``obj`` (a member autodoc found) comes from ``requests``, not from this package."""
    target = obj.fget if isinstance(obj, property) else inspect.unwrap(obj) if callable(obj) else obj
    module = getattr(target, "__module__", None)
    return isinstance(module, str) and (module == "requests" or module.startswith("requests."))


#: The attributes ``requests.Session`` documents with ``#:`` comments in its ``__init__``
#: (``headers``, ``proxies``, ``verify``...): autodoc finds them in the source, and hands them to
#: the hook as its "instance attribute" placeholder, not as objects with a module.
_SESSION_ATTRIBUTES = frozenset(vars(requests.Session()))


def _is_placeholder(obj: Any) -> bool:
    """Whether ``obj`` is autodoc's stand-in for an attribute found in source, not at runtime
    (a bare ``object()`` in Sphinx 7 and 8, a sentinel of ``sphinx.ext.autodoc`` in 9)."""
    return type(obj) is object or type(obj).__module__.startswith("sphinx.")


def skip_requests_members(app: Any, what: str, name: str, obj: Any, skip: bool,
                          options: Any) -> bool | None:
    """``Client`` is a ``requests.Session``: document what it adds (the Engine API methods of the
    mixins in ``docker_client/api/`` and its own overrides), not the Session's own methods."""
    if what != "class":
        return None
    if _defined_in_requests(obj):
        return True
    if name in _SESSION_ATTRIBUTES and _is_placeholder(obj):
        return True
    return None


@functools.cache
def _names_of(modname: str) -> dict[str, str]:
    """What each top-level name of module ``modname`` stands for, fully qualified: its imports
    (those under ``if TYPE_CHECKING:`` too) and its own classes, functions and aliases."""
    try:
        module = importlib.import_module(modname)
        tree = ast.parse(inspect.getsource(module))
    except (ImportError, OSError, TypeError, SyntaxError):
        return {}
    package = module.__package__ or modname.rpartition(".")[0]
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = importlib.util.resolve_name("." * node.level + base, package)
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                    alias.name.split(".")[0]
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = f"{modname}.{node.name}"
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = f"{modname}.{target.id}"
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = f"{modname}.{node.target.id}"
    return names


def _source_module(signature: addnodes.desc_signature) -> str | None:
    """The module whose namespace the annotations of a documented object are written in (for a
    ``Client`` method, the module of the mixin that defines it)."""
    modname, fullname = signature.get("module"), signature.get("fullname")
    if not modname or not fullname:
        return None
    try:
        obj: Any = importlib.import_module(modname)
        for part in fullname.split("."):
            obj = inspect.getattr_static(obj, part)
    except (ImportError, AttributeError):
        return modname
    obj = getattr(obj, "__func__", obj)  # classmethod, staticmethod
    obj = getattr(obj, "fget", None) or obj  # property
    source = getattr(obj, "__module__", None)
    return source if isinstance(source, str) else modname


def qualify_annotation_references(app: Any, doctree: nodes.document) -> None:
    """Point each type in a signature at the object its module means by that name.

    With ``from __future__ import annotations``, names imported only for type checkers stay
    strings in signatures (``ContainerConfig``, ``answers.ImageHistoryResponseItem``); Sphinx
    then looks such a name up anywhere in the site, and finds several (``docker_client.types``
    and ``docker_client.answers`` both have a ``ContainerConfig``). Resolved in the namespace of
    the module that wrote the annotation, it points at one. Only targets in docker_client are
    rewritten; what is shown is unchanged."""
    for signature in doctree.findall(addnodes.desc_signature):
        modname = _source_module(signature)
        if not modname or not modname.startswith("docker_client"):
            continue
        names = _names_of(modname)
        for ref in signature.findall(addnodes.pending_xref):
            target = ref.get("reftarget", "")
            if ref.get("refdomain") != "py" or not target or target.startswith("docker_client."):
                continue
            first, _, rest = target.partition(".")
            qualified = names.get(first)
            if qualified and qualified.startswith("docker_client."):
                ref["reftarget"] = f"{qualified}.{rest}" if rest else qualified


def setup(app: Any) -> None:
    app.connect("autodoc-skip-member", skip_requests_members)
    app.connect("doctree-read", qualify_annotation_references)
