"""Post-commit hooks: the work that follows a new version of a resource.

A hook runs once a version is committed (its manifest saved: the version is durable and readers
see it) and brings something derived from the store up to that version. The hooks are declared
once, here, in the order they run (:data:`POST_COMMIT_HOOKS`): the search index first, then
the dataset's DOI metadata (its version and Updated date), then the media registry, then the
world map's tiles, then the statistics' counts of the new version (never on a read path).

A hook that fails fails the ingest that ran it, after the commit: the new version stays
committed, the error reaches the caller, and the hooks after it do not run. What a hook makes is
derived from the store, so it can be made again later: a search that finds its resource's index
behind answers "being indexed", and the indexer (:mod:`holotype.services.indexing`) builds it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from holotype.services.citations.dataset_dois import reconcile_resource_dataset
from holotype.services.context import Portal
from holotype.services.media.registry import register_media
from holotype.store import Progress

#: ``(portal, resource id, committed version, progress)``
PostCommitRun = Callable[[Portal, str, int, Progress | None], None]


@dataclass(frozen=True)
class PostCommitHook:
    """One piece of work that follows every committed version."""

    name: str  # what the hook keeps up to date
    step: str  # the progress line shown while it runs
    run: PostCommitRun


def update_search_index(
    portal: Portal, resource_id: str, version: int, progress: Progress | None
) -> None:
    """Bring the resource's search index up to ``version``."""
    portal.build_index(resource_id, version, progress=progress)


SEARCH_INDEX = PostCommitHook("search index", "updating the search index", update_search_index)


def update_dataset_doi(
    portal: Portal, resource_id: str, version: int, progress: Progress | None
) -> None:
    """Record the new version in the DOI metadata of the resource's dataset (the sync worker
    sends it); nothing when the portal mints no DOIs."""
    reconcile_resource_dataset(portal, resource_id)


DATASET_DOI = PostCommitHook("dataset DOI", "updating the dataset's DOI metadata",
                             update_dataset_doi)


def update_media_registry(
    portal: Portal, resource_id: str, version: int, progress: Progress | None
) -> None:
    """Register the media the new version's records name, with the resource naming them (what
    :func:`holotype.services.media.originals.original_for` lets readers see)."""
    register_media(portal, resource_id, version)


MEDIA = PostCommitHook("media registry", "registering the records' media", update_media_registry)


def update_map_tiles(
    portal: Portal, resource_id: str, version: int, progress: Progress | None
) -> None:
    """Make the unfiltered world map's tiles (zoom 0-6) at the new versions, within a time
    bound, and keep the tile cache to its size (see :mod:`holotype.services.maps.precompute`)."""
    # imported here: the maps service reads short links (portal_search), which reach the
    # ingest (records), which imports this module
    from holotype.services.maps.precompute import after_ingest

    after_ingest(portal)


MAP_TILES = PostCommitHook("map tiles", "making the world map's tiles", update_map_tiles)


def update_statistics(
    portal: Portal, resource_id: str, version: int, progress: Progress | None
) -> None:
    """Count the new version of the resource for the statistics figures, within a time bound
    (see :mod:`holotype.services.statistics.refresh`); the other resources' counts are kept."""
    # imported here, like the maps: the statistics read the search service and the policy
    from holotype.services.statistics.refresh import refresh

    refresh(portal, resource_id, version)


STATISTICS = PostCommitHook("statistics", "counting the records for the statistics",
                            update_statistics)

#: Every post-commit hook, in the order they run.
POST_COMMIT_HOOKS: tuple[PostCommitHook, ...] = (
    SEARCH_INDEX, DATASET_DOI, MEDIA, MAP_TILES, STATISTICS,
)


def run_post_commit_hooks(
    portal: Portal,
    resource_id: str,
    version: int,
    progress: Progress | None = None,
    hooks: Sequence[PostCommitHook] = POST_COMMIT_HOOKS,
) -> None:
    """Run ``hooks`` in order for a committed ``version``; the first failure propagates."""
    for hook in hooks:
        if progress is not None:
            progress(hook.step)
        hook.run(portal, resource_id, version, progress)
