"""The home page in a real browser, at desktop and phone width, with screenshots."""

from __future__ import annotations

from typing import Any


def test_home_page_lists_datasets(browser: Any, live_server: str, shot: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    response = page.goto(live_server + "/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Holotype Data Portal"
    # the demo's 5,600 records and its 2 insect drawers
    assert "5,602 records in 3 datasets" in page.locator(".lead").inner_text()
    rows = page.locator("table.datasets tbody tr")
    assert rows.count() == 3
    assert "Specimens (demo)" in page.locator("table.datasets").inner_text()
    path = shot(page, "home-desktop")
    assert path.stat().st_size > 10_000
    page.keyboard.press("Tab")  # the first stop is the skip link, visible when focused
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.close()


def test_home_page_fits_a_phone(browser: Any, live_server: str, shot: Any) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(live_server + "/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen"
    shot(page, "home-phone")
    page.close()
