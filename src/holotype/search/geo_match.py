"""Which of an index's points a search matches: their sorted positions in the index's spatial
order (:mod:`.geo_points`), so a tile's matches are the run of them inside the tile's span.

No query: every point (None). A query whose words are posted (:mod:`.posted`): the few records
it matches, found without DuckDB (words alone: from the posting lists only, the points' own
versions saying which are current). Otherwise the compiled filter, run once in DuckDB for the
whole resource and kept in the index's memo (most recently used first, within a budget): a map
asks for many tiles of one search, and every tile after the first reads the kept set.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from numpy.typing import NDArray

from holotype.index import IndexEngine
from holotype.search import geo_points, posted
from holotype.search.views import View

BUDGET = 32_000_000  # positions kept per index (8 bytes each), across the searches it keeps

Positions = NDArray[np.int64]


def matching(indexes: IndexEngine, views: list[View],
             query: dict[str, Any]) -> dict[str, Positions | None]:
    """Per resource id, the sorted positions of the points of the record versions ``query``
    matches at each view's version (None: every point)."""
    if not query:
        return {view.rid: None for view in views}
    words = posted.listed(views, query)
    if words is not None:  # the points' own versions say which are current
        return {view.rid: geo_points.positions_of(
                    geo_points.points_of(indexes, view.attached),
                    np.fromiter(words[view.rid], dtype=np.int64, count=len(words[view.rid])))
                for view in views}
    found = posted.matched(views, query)
    if found is not None:
        by_view: dict[str, list[int]] = {view.rid: [] for view in views}
        for view, rid, _record in found:
            by_view[view.rid].append(rid)
        return {view.rid: geo_points.positions_of(
                    geo_points.points_of(indexes, view.attached),
                    np.asarray(by_view[view.rid], dtype=np.int64))
                for view in views}
    return {view.rid: _kept(indexes, view, query) for view in views}


def _kept(indexes: IndexEngine, view: View, query: dict[str, Any]) -> Positions:
    memo = view.attached.memo
    lock = memo.setdefault("geo-match-lock", threading.Lock())
    kept: OrderedDict[tuple[int, str], Positions] = memo.setdefault("geo-match", OrderedDict())
    key = (view.version, json.dumps(query, sort_keys=True))
    with lock:
        found = kept.get(key)
        if found is not None:
            kept.move_to_end(key)
            return found
    cur = indexes.cursor()
    try:
        rids = cur.execute(
            f"SELECT _rid FROM {view.attached.records} WHERE {view.where(query)} "
            "AND _lat IS NOT NULL"
        ).fetchnumpy()["_rid"]
    finally:
        cur.close()
    points = geo_points.points_of(indexes, view.attached)
    found = geo_points.positions_of(points, np.asarray(rids, dtype=np.int64))
    with lock:
        kept[key] = found
        while sum(len(v) for v in kept.values()) > BUDGET and len(kept) > 1:
            kept.popitem(last=False)
    return found


def forget(views: list[View]) -> None:
    """Drop the kept matches of ``views``' indexes (for measuring a search's first tile)."""
    for view in views:
        view.attached.memo.pop("geo-match", None)
