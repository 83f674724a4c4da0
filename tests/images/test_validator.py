"""The official IIIF validator (iiif-validator from PyPI) at level 2 of the Image API 3.0,
over HTTP, against the library behind a test-only app on a loopback port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from holotype.images import make_pyramid
from tests.fixtures.iiif_validator import assert_level_2
from tests.images.iiif_app import iiif_app

SOURCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "iiif" / (
    "67352ccc-d1b0-11e1-89ae-279075081939.png")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    pyramid = tmp_path / "validator.tif"
    info = make_pyramid(SOURCE, pyramid, 100_000_000)
    app = iiif_app({SOURCE.stem: (pyramid, info)})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                            log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=20)


def test_validator_level_2_passes(server: str) -> None:
    assert_level_2(server, SOURCE.stem)
