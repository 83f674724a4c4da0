"""``/how-to-cite``: how to cite a dataset, a record and a search, the formats offered and how
to ask a landing address for them (content negotiation), with examples for this portal."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from holotype.services.citations.formats import FORMATS
from holotype.web.pages.cite import CITE_PARAM
from holotype.web.pages.render import base_url, render


def how_to_cite_data(base: str) -> dict[str, Any]:
    example = f"{base}/dataset/<slug>"
    return {
        "title": "How to cite",
        "formats": [
            {"name": f.name, "label": f.label,
             "accept": f.media_type + (f"; style={f.style}" if f.style else ""),
             "download": f"?{CITE_PARAM}={f.name}" if f.extension else None,
             "extension": f.extension,
             "curl": f"curl -L -H 'Accept: {f.media_type}"
                     + (f"; style={f.style}" if f.style else "") + f"' '{example}'"}
            for f in FORMATS.values()
        ],
        "landing_pages": {"dataset": f"{base}/dataset/<slug>",
                          "record": f"{base}/object/<occurrenceID>",
                          "record_page": f"{base}/record/<resource id>/<record id>",
                          "query": f"{base}/doi/<prefix>/<suffix>"},
        "base_url": base,
    }


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    @router.get("/how-to-cite", include_in_schema=False)
    @router.get("/how-to-cite.json", include_in_schema=False)
    def how_to_cite(request: Request) -> Response:
        return render(request, templates, "how_to_cite.html", {},
                      how_to_cite_data(base_url(request)))

    return router
