"""Every API action, by name."""

from __future__ import annotations

from typing import Any

from holotype.web.actions import (
    changelog,
    citations,
    ckan,
    ckan_orgs,
    ckan_write,
    corrections,
    datastore,
    downloads,
    drafts,
    error_reports,
    media,
    multi,
    slugs,
    statistics,
    tokens,
    versions,
)
from holotype.web.actions.registry import Action

ACTIONS: dict[str, Action[Any]] = {
    action.name: action
    for module in (changelog, ckan, ckan_orgs, ckan_write, datastore, downloads, multi, slugs,
                   versions, citations, statistics, tokens, corrections, drafts,
                   error_reports, media)
    for action in module.ACTIONS
}
