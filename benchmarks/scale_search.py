"""The search benchmark's query classes at scale: across Everything and across the specimens.

The classes of :mod:`benchmarks.search_queries` (rare and common words with filters, filters
alone, facets, a deep page, a count at the first version and at the current one), each run
through the service the search page and the API use (``open_search``: the query checked, the
resources the identity may read opened at the version, counts, facets and a page), over all 40
resources ("Everything") and over the specimens resource alone. Words are chosen from the
specimens' CSV; the research datasets share the demo's taxonomy, so a word rare among the
specimens is about as rare in each of them. The deep page starts after the id ``"4"``: ids
are UUIDs, so about a quarter of the records come before it, with no walk to get there.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from benchmarks import scale_data
from benchmarks.scale_phase import resource_id
from benchmarks.scale_shape import SPECIMENS
from benchmarks.search_bench import WARMUP, summary
from benchmarks.search_queries import FACETS, Query, choose_words, nhm_query, query_set
from holotype.search import SearchRequest
from holotype.search.results import encode_after
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS
from holotype.services.search import open_search

AFTER_ID = "4"


def measure_search(portal: Portal, files: scale_data.Files, repeats: int) -> dict[str, Any]:
    specimens = next((n, path) for part, n, path in files.parts if part == SPECIMENS)
    words = choose_words(specimens[1], specimens[0], files.root / "words.json")
    classes = query_set(words, AFTER_ID)
    spec_id = resource_id(portal, SPECIMENS)
    stored = portal.store.resource(spec_id).versions()
    first = stored[0].version
    cursor = encode_after(AFTER_ID, "")
    scopes: dict[str, list[str] | None] = {"everything": None, "specimens": [spec_id]}
    result: dict[str, Any] = {"words": words, "versions_of_specimens": len(stored),
                              "versions_back": len(stored) - 1, "repeats": repeats,
                              "warmup": WARMUP, "scopes": {}}
    for scope, ids in scopes.items():
        samples: dict[str, list[float]] = {}
        answers: dict[str, Any] = {}
        for cls, queries in classes.items():
            for rep in range(WARMUP + repeats):
                query = queries[rep % len(queries)]
                began = time.perf_counter()
                answer = _run(portal, ids, query, first, cursor)
                elapsed = (time.perf_counter() - began) * 1000
                if rep >= WARMUP:
                    samples.setdefault(cls, []).append(elapsed)
                answers.setdefault(query.key, answer)
        result["scopes"][scope] = {
            "resources": len(ids) if ids is not None else len(files.parts),
            "stats": {cls: summary(s) for cls, s in samples.items()},
            "worst_p50_ms": max(statistics.median(s) for s in samples.values()),
            "answers": answers,
        }
    return result


def _run(portal: Portal, ids: list[str] | None, query: Query, first: int,
         cursor: str) -> dict[str, Any]:
    """One query; what it found (total, and the page's size) as a check that it ran."""
    version = first if query.version == "first" else None
    opened = open_search(portal, ANONYMOUS, nhm_query(query), ids, version)
    if not query.page and not query.facets:  # a count
        return {"total": sum(opened.count().values())}
    if not query.count and not query.facets:  # a page alone, as the API asks without a total
        page = opened.page(SearchRequest(size=query.page, after=cursor))
        return {"page": len(page.records)}
    answer = opened.answer(SearchRequest(
        size=query.page, after=cursor if query.after is not None else None,
        facets=list(FACETS) if query.facets else []))
    return {"total": answer.total, "page": len(answer.page.records),
            "facets": {name: len(f.values) for name, f in answer.facets.items()}}
