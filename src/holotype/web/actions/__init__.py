"""Every API action, by name."""

from __future__ import annotations

from typing import Any

from holotype.web.actions import (
    changelog,
    citations,
    ckan,
    datastore,
    downloads,
    multi,
    slugs,
    statistics,
    versions,
)
from holotype.web.actions.registry import Action

ACTIONS: dict[str, Action[Any]] = {
    action.name: action
    for module in (changelog, ckan, datastore, downloads, multi, slugs, versions, citations,
                   statistics)
    for action in module.ACTIONS
}
