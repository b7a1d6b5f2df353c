"""docker_client.progress: a progress stream shown the way the docker CLI shows it."""
from __future__ import annotations

import io
import json
from typing import Any, Iterator, List

import pytest

from docker_client import errors
from docker_client.progress import show

PULL: List[dict[str, Any]] = [
    {"status": "Pulling from dctest/app", "id": "v1"},
    {"status": "Pulling fs layer", "id": "a1"},
    {"status": "Pulling fs layer", "id": "b2"},
    {"status": "Downloading", "id": "a1", "progressDetail": {"current": 512, "total": 2048},
     "progress": "[=====>    ]     512B/2.048kB"},
    {"status": "Downloading", "id": "a1", "progressDetail": {"current": 2048, "total": 2048},
     "progress": "[==========>]  2.048kB/2.048kB"},
    {"status": "Download complete", "id": "a1", "progressDetail": {}},
    {"status": "Pull complete", "id": "a1", "progressDetail": {}},
    {"status": "Already exists", "id": "b2", "progressDetail": {}},
    {"status": "Digest: sha256:" + "0" * 64},
    {"status": "Status: Downloaded newer image for 127.0.0.1:5000/dctest/app:v1"},
]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_each_status_once() -> None:
    out = io.StringIO()
    assert show(iter(PULL), file=out) == PULL
    assert out.getvalue().splitlines() == [
        "v1: Pulling from dctest/app", "a1: Pulling fs layer", "b2: Pulling fs layer",
        "a1: Downloading", "a1: Download complete", "a1: Pull complete", "b2: Already exists",
        "Digest: sha256:" + "0" * 64, "Status: Downloaded newer image for 127.0.0.1:5000/dctest/app:v1"]


def test_undecoded_documents_and_a_build() -> None:
    build = [b'{"stream":"Step 1/2 : FROM busybox\\n"}\r\n', b'{"stream":" ---> abc\\n"}\r\n',
             json.dumps({"aux": {"ID": "sha256:abc"}}).encode(), b'{"stream":"Successfully built abc\\n"}']
    out = io.StringIO()
    documents = show(build, file=out)
    assert out.getvalue() == "Step 1/2 : FROM busybox\n ---> abc\nSuccessfully built abc\n"
    assert documents[2] == {"aux": {"ID": "sha256:abc"}}


class Closing:
    def __init__(self, items: List[Any]) -> None:
        self.items = items
        self.closed = False

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def close(self) -> None:
        self.closed = True


def test_an_error_in_the_stream_is_raised_after_what_came_before() -> None:
    out = io.StringIO()
    failure = {"errorDetail": {"message": "unauthorized: no"}, "error": "unauthorized: no"}
    stream = Closing(PULL[:2] + [failure])
    with pytest.raises(errors.APIError, match="unauthorized: no") as info:
        show(stream, file=out)
    assert info.value.explanation == "unauthorized: no"
    assert out.getvalue().splitlines() == ["v1: Pulling from dctest/app", "a1: Pulling fs layer"]
    assert stream.closed  # the connection is given back
    failed_build = [{"stream": "Step 1/1 : RUN false\n"}, {"error": "returned a non-zero code: 1"}]
    with pytest.raises(errors.BuildError, match="non-zero code") as build_info:
        show(failed_build, file=io.StringIO())
    assert build_info.value.build_log == failed_build


def test_bars_in_a_terminal() -> None:
    import tqdm  # noqa: F401 - the progress extra: installed in every test environment
    out = Terminal()
    show(PULL, file=out)
    text = out.getvalue()
    assert "a1: Pull complete" in text and "b2: Already exists" in text
    assert "2.00k/2.00k" in text  # the bar's bytes: done of the total
    assert "B/s" in text  # and the speed
    assert "Status: Downloaded newer image" in text


def test_without_tqdm_a_terminal_gets_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    out = Terminal()
    show(PULL, file=out)
    assert out.getvalue().splitlines()[3] == "a1: Downloading"
