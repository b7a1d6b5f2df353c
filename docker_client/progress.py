"""Show a progress stream (``pull``, ``push``, ``build``, ``load_image``, ``import_image``,
``create_plugin``...) the way the docker CLI does.

    from docker_client.progress import show
    show(client.pull("busybox", stream=True, decode=True))

In a terminal, with the ``progress`` extra (tqdm) installed, each layer gets a line with its
status, a bar, the bytes done and the speed; in Jupyter, tqdm's notebook widget. Elsewhere (a
file, a pipe, a CI log, or no tqdm) it prints plain lines: each status once, no bar ticks. A
build's output is printed as it comes. An error in the stream (``errorDetail``) is raised as
:class:`~docker_client.errors.BuildError` (a build) or :class:`~docker_client.errors.APIError`
after what came before it has been shown.
"""
from __future__ import annotations

import json
import sys
from typing import IO, Any, Dict, Iterable, List, Optional

from . import errors

__all__ = ["show"]

Document = Dict[str, Any]


def show(stream: Iterable[Any], file: Optional[IO[str]] = None, *,
         tty: Optional[bool] = None) -> List[Document]:
    """Render ``stream`` and return its documents (the ``aux`` ones hold digests and image ids).

    Args:
        stream: the stream of a progress call: decoded dicts (``decode=True``), or the JSON
            documents as bytes or text.
        file: where to write; default ``sys.stdout``.
        tty: draw bars (needs tqdm) rather than plain lines; default: whether ``file`` is a
            terminal (or a Jupyter notebook is running).

    Raises:
        BuildError: a build's stream reported an error (``build_log`` holds the documents).
        APIError: another stream reported an error.
    """
    out = file if file is not None else sys.stdout
    if tty is None:
        tty = _in_notebook() or bool(getattr(out, "isatty", lambda: False)())
    renderer = _Bars(out) if tty and _tqdm() is not None else _Lines(out)
    buildkit: Optional[_BuildKit] = None
    documents: List[Document] = []
    try:
        for item in stream:
            document = _document(item)
            documents.append(document)
            error = document.get("errorDetail") or ({"message": document["error"]}
                                                     if "error" in document else None)
            if error is not None:
                message = str(error.get("message", error))
                if buildkit is not None:
                    raise buildkit.trace.build_error(message, documents)
                raise _error(message, documents)
            if document.get("id") in _BUILDKIT_IDS:
                buildkit = buildkit or _BuildKit(out)
                buildkit.render(document)
            else:
                renderer.render(document)
    finally:
        if buildkit is not None:
            buildkit.close()
        renderer.close()
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    return documents


#: The ids of a BuildKit build's documents: its trace, and the built image's id.
_BUILDKIT_IDS = ("moby.buildkit.trace", "moby.image.id")


class _BuildKit:
    """A BuildKit build's trace, printed as ``docker build --progress=plain`` does (in a
    terminal too: the CLI's live view redraws a screen, which a log cannot keep)."""

    def __init__(self, out: IO[str]) -> None:
        from .buildkit.render import PlainPrinter
        from .buildkit.trace import Trace

        self.trace = Trace()
        self.printer = PlainPrinter(out)

    def render(self, document: Document) -> None:
        update = self.trace.feed(document)
        if update is not None:
            self.printer.update(self.trace, update)

    def close(self) -> None:
        self.printer.close(self.trace)


def _document(item: Any) -> Document:
    if isinstance(item, dict):
        return item
    text = item.decode("utf-8", "replace") if isinstance(item, (bytes, bytearray)) else str(item)
    try:
        value = json.loads(text)
    except ValueError:
        return {"stream": text}
    return value if isinstance(value, dict) else {"stream": text}


def _error(message: str, documents: List[Document]) -> errors.DockerException:
    if any("stream" in document for document in documents):
        return errors.BuildError(message, documents)
    return errors.APIError(message, explanation=message)


def _status(document: Document) -> str:
    """``id: status`` (or the status alone), as the docker CLI prints a document."""
    status = str(document.get("status", ""))
    return f"{document['id']}: {status}" if document.get("id") else status


class _Lines:
    """Plain lines: a build's output as it is, each other status once (no progress ticks)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.last: Dict[str, str] = {}

    def render(self, document: Document) -> None:
        if "stream" in document:
            self.out.write(str(document["stream"]))
        elif "status" in document:
            key = str(document.get("id", ""))
            line = _status(document)
            if document.get("progressDetail") and self.last.get(key, "").startswith(line):
                return  # a tick of a status already shown
            if self.last.get(key) != line:
                self.last[key] = line
                self.out.write(line + "\n")
        self.out.flush()

    def close(self) -> None:
        self.out.flush()


class _Bars:
    """One tqdm bar per layer: its status, the bytes done of the total, and the speed."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.tqdm = _tqdm()
        self.bars: Dict[str, Any] = {}
        self.last: Dict[str, str] = {}

    def render(self, document: Document) -> None:
        if "stream" in document:
            self.tqdm.write(str(document["stream"]).rstrip("\n"), file=self.out)
            return
        if "status" not in document:
            return
        layer = str(document.get("id", ""))
        detail = document.get("progressDetail") or {}
        total, current = detail.get("total"), detail.get("current")
        bar = self.bars.get(layer)
        if bar is None and not (layer and isinstance(current, int)):
            line = _status(document)  # no bytes to count (yet): a line, once
            if self.last.get(layer) != line:
                self.last[layer] = line
                self.tqdm.write(line, file=self.out)
            return
        if bar is None:
            bar = self.bars[layer] = self.tqdm(
                total=None, desc=_status(document), file=self.out, unit="B", unit_scale=True,
                unit_divisor=1024, leave=True, dynamic_ncols=True)
        bar.set_description_str(_status(document), refresh=False)
        if isinstance(total, int) and total > 0 and bar.total != total:
            bar.total = total
        if isinstance(current, int):
            bar.update(current - bar.n)
        else:
            bar.refresh()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def _tqdm() -> Any:
    """tqdm's ``auto`` class (a notebook widget under Jupyter), or None without the extra."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None)
    return bool(get is not None and type(get()).__name__ == "ZMQInteractiveShell")
