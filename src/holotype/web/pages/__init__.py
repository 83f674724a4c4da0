"""The portal's web pages: a second client of the same services as the API.

Each page family is one module (home, datasets, search, records, media, how_to_cite,
statistics); every page answers HTML or its JSON twin through ``render``. ``maps`` answers
map tiles and map data; ``iiif`` the IIIF manifests and collections, ``iiif_images`` the IIIF
Image API; ``accounts`` signing in and out and one's account; ``organisations``
organisations and their members; ``dataset_editor`` creating and editing datasets;
``upload_page`` adding files to a dataset; ``report_form`` a record's error report form,
``reports`` the inbox of error reports.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.templating import Jinja2Templates

from holotype.web.pages import (
    accounts,
    audit,
    citations,
    corrections,
    dataset_editor,
    datasets,
    drafts,
    home,
    how_to_cite,
    iiif,
    iiif_images,
    maps,
    media,
    organisations,
    records,
    render,
    report_form,
    reports,
    search,
    sign_in_external,
    statistics,
    tokens,
    upload_page,
)


def create_pages_router(templates: Jinja2Templates) -> APIRouter:
    """Every page route, rendering with ``templates``."""
    render.install(templates.env)
    accounts.install(templates.env)
    sign_in_external.install(templates.env)
    router = APIRouter()
    # The editor's /dataset/new comes before /dataset/{slug} ("new" is no dataset's name).
    for module in (home, dataset_editor, datasets, search, records, citations, how_to_cite,
                   statistics, accounts, organisations, tokens, audit, sign_in_external,
                   upload_page, corrections, drafts, report_form, reports):
        router.include_router(module.create_router(templates))
    router.include_router(media.create_router())
    router.include_router(iiif.create_router())
    return router


def create_tiles_router() -> APIRouter:
    """Map tiles and IIIF images: a page asks for dozens of them at a time, so the app
    matches their routes before every other route's."""
    router = APIRouter()
    router.include_router(iiif_images.create_router())
    router.include_router(maps.create_router())
    return router
