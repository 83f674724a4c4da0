"""A real server on a loopback port and a real headless Chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.site import LiveServer, make_site

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = make_site(tmp_path_factory.mktemp("site"), records=5_000)
    with LiveServer(settings) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def shot() -> Iterator[object]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page: object, name: str) -> Path:
        """The page's screenshot in test-artifacts, and as a JPEG in the folder
        ``make screenshots`` names (HOLOTYPE_SCREENSHOTS_DIR), when it names one."""
        folder = os.environ.get("HOLOTYPE_SCREENSHOTS_DIR")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.jpg"),  # type: ignore[attr-defined]
                            type="jpeg", quality=50, full_page=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    yield take
