"""After an ingest: count the new version of the resource that changed, so the figures read
its counts from disk, and drop its older versions' counts (figures read latest versions only).

Only the resource committed is counted (the others' counts are kept), and never for longer
than :data:`SECONDS`: what is not counted in time is counted when first asked for.
"""

from __future__ import annotations

import logging
import time

from holotype.errors import Unavailable
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.statistics import cache, counts
from holotype.services.statistics.completeness import QUERIES
from holotype.services.statistics.shape import FIELDS, TAXONOMY
from holotype.services.visible import visible_resources

log = logging.getLogger(__name__)
SECONDS = 60.0  # at most this long after an ingest


def refresh(portal: Portal, resource_id: str, version: int, seconds: float = SECONDS) -> int:
    """Count ``resource_id`` at ``version`` (fields, taxonomy, completeness, in that order,
    within ``seconds``); returns how many of the three were counted."""
    deadline = time.monotonic() + seconds
    resources = visible_resources(portal, OPERATOR, [resource_id])
    try:
        views = portal.searcher.views(resources, version)
    except Unavailable as exc:
        log.info("statistics not counted now: %s", exc.message)
        return 0
    if not views:
        return 0
    view = views[0]
    cache.drop_before(portal, resource_id, view.version)
    steps = (lambda: counts.count_values(portal, view, FIELDS),
             lambda: counts.count_paths(portal, view, TAXONOMY),
             lambda: counts.count_conditions(portal, view, QUERIES))
    done = 0
    for step in steps:
        if time.monotonic() >= deadline:
            break
        step()
        done += 1
    return done
