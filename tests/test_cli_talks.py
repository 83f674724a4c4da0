"""The command line says what it is doing: demo progress, and the address to open."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from holotype.cli.common import listening_url
from tests.fixtures.site import AREAS
from tests.test_cli import environment, free_port, holotype, ok


@pytest.mark.slow
def test_demo_reports_progress_as_plain_lines_when_not_on_a_terminal(tmp_path: Path) -> None:
    result = holotype(tmp_path / "a", "demo", "--records", "300", HOLOTYPE_GEO_AREAS_DIR=str(AREAS))
    ok(result)
    lines = result.stderr.splitlines()
    assert lines[0] == "Loading demo data: demo-specimens/records: generating 300 records (0%)"
    assert "Loading demo data: demo-index-lots/records: ingesting (93%)" in lines
    assert lines[-1] == "Loading demo data: done (100%)"
    assert "\x1b" not in result.stderr  # no terminal control codes in a log
    assert "roughly placed" not in result.stderr

    rough = holotype(tmp_path / "b", "demo", "--records", "40")
    ok(rough)
    assert "note: geo_areas_dir has no Natural Earth boundaries" in rough.stderr
    assert "roughly placed" in rough.stderr


def serve_until_announced(data_dir: Path, *args: str, **env: str) -> str:
    """Start ``holotype serve``, return its first line of output, then stop it with Ctrl-C."""
    process = subprocess.Popen(
        [sys.executable, "-m", "holotype", "serve", *args], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, env=environment(data_dir, **env),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    return line


def test_serve_prints_the_address_to_open_once_listening(tmp_path: Path) -> None:
    port = free_port()
    line = serve_until_announced(tmp_path, "--port", str(port), HOLOTYPE_SITE_NAME="My Museum")
    assert line == f"My Museum is running: open http://127.0.0.1:{port}/ — press Ctrl-C to stop"
    public = serve_until_announced(tmp_path, "--port", str(free_port()),
                                   HOLOTYPE_PUBLIC_BASE_URL="https://data.example.org/portal")
    assert "open https://data.example.org/portal/ — press Ctrl-C" in public


def test_the_address_to_open_is_one_a_browser_can_reach() -> None:
    assert listening_url("http://127.0.0.1:8000", "") == "http://127.0.0.1:8000/"
    assert listening_url("http://0.0.0.0:8080", "") == "http://127.0.0.1:8080/"
    assert listening_url("http://[::]:8080", "") == "http://127.0.0.1:8080/"
    assert listening_url("http://0.0.0.0:8080", "https://x.org/") == "https://x.org/"
