"""Every error page says what happened and what to do next, in the reader's words: no setting
names, no internals (those go to the log)."""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi.testclient import TestClient

from holotype.config import Settings

SRC = Path(__file__).resolve().parents[2] / "src" / "holotype"
JARGON = ("CKAN", "NHM query", "resource_ids", "Traceback", "smtp", "HOLOTYPE_", "setting")
HTML = {"Accept": "text/html"}


def _reader_page(page: object, status: int) -> str:
    text = page.text  # type: ignore[attr-defined]
    assert page.status_code == status, text[:300]  # type: ignore[attr-defined]
    assert "What happened" in text and "What to do next" in text
    assert 'role="alert"' in text and "<h1>" in text
    for word in JARGON:
        assert word not in text.split("<main", 1)[1], (status, word)
    return text


def test_error_pages_say_what_to_do_next(web: TestClient) -> None:
    _reader_page(web.get("/search", params={"size": "0"}, headers=HTML), 400)
    _reader_page(web.get("/no/such/page", headers=HTML), 404)
    _reader_page(web.get("/dataset/nope", headers=HTML), 404)
    _reader_page(web.get("/status/download/nope", headers=HTML), 404)
    _reader_page(web.post("/datasets", headers=HTML), 405)
    text = _reader_page(web.get("/search", params={"size": "500"}, headers=HTML), 400)
    assert "<strong>Records per page</strong>:" in text  # the part of the page, in its words


def test_a_named_area_without_boundaries_is_refused_in_plain_words(tmp_path: Path,
                                                                   web: TestClient) -> None:
    """The portal has no area files: said plainly, the setting left to the log."""
    from holotype.web.app import create_app
    settings: Settings = web.app.state.portal.settings  # type: ignore[attr-defined]
    bare = settings.model_copy(update={"geo_areas_dir": None})
    query = '{"and":[{"geo_named_area":{"country":"Kenya"}}]}'
    with TestClient(create_app(bare)) as client:
        page = client.get("/search", params={"filters": query}, headers=HTML)
    text = _reader_page(page, 400)
    assert "named places" in text and "geo_areas_dir" not in text


ERRORS = {"Invalid", "NotFound", "Forbidden", "Conflict", "Unavailable", "ServiceError"}


def test_no_error_reachable_from_the_web_names_a_setting() -> None:
    """Errors raised in the layers the web uses never name a setting (the log does)."""
    names = {n for n in Settings.model_fields if "_" in n}  # "host", "port" are plain words
    found = []
    for folder in ("web", "services", "search", "query", "jobs"):
        for path in (SRC / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in ERRORS):
                    words = {w.strip(" ()`',;:") for n in ast.walk(node)
                             if isinstance(n, ast.Constant) and isinstance(n.value, str)
                             for w in n.value.split()}
                    if words & names or any("HOLOTYPE_" in w for w in words):
                        found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []
