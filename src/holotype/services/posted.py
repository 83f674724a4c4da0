"""Answering a search whose words few records hold, from the row files alone.

Every record a search matches holds each of its words (``search``) as a token. When the row
file's postings (see ``holotype.index.postings``) list every record version that holds each
word, the records holding all of them are the intersection of those lists: typically a few
dozen, found in microseconds where DuckDB's semi-join costs milliseconds. Those current at
the view's version are read whole, the filters are evaluated on them in Python (the language's
second implementation, ``holotype.query.evaluate``, held to the SQL compiler by the
differential tests), and counts, facets and the page come from the matches as for any search
with few matches (``few_results``).

Not taken, so the search goes to DuckDB, when: the query has no words; a word is held by more
than ``POSTED`` record versions (no list); the lists leave more than ``CANDIDATES`` candidates;
or the filters name an area (``geo_named_area``), whose shapes only the SQL side loads.
"""

from __future__ import annotations

from typing import Any

from holotype.query.evaluate import Evaluator, kinds
from holotype.query.tokens import tokenize
from holotype.services.few_results import FEW, Placed
from holotype.services.search import View

CANDIDATES = 2 * FEW


def matches(views_: list[View], query: dict[str, Any]) -> Placed | None:
    """Every (resource id, record) ``query`` matches, in (id, resource) order; None when this
    path does not apply."""
    words = set(tokenize(query["search"])) if "search" in query else set()
    filters = query.get("filters")
    if not words or (filters is not None and "geo_named_area" in set(kinds(filters))):
        return None
    chosen: list[tuple[View, frozenset[int]]] = []
    total = 0
    for view in views_:
        postings = view.attached.rows.postings(words)
        if len(postings) < len(words):
            continue  # some word no record of this resource holds
        lists = [p.rids for p in postings.values()]
        if any(rids is None for rids in lists):
            return None
        candidates = frozenset.intersection(*(rids for rids in lists if rids is not None))
        total += len(candidates)
        if total > CANDIDATES:
            return None
        chosen.append((view, candidates))
    found: Placed = []
    for view, candidates in chosen:
        rows = view.attached.rows
        evaluator = Evaluator(view.attached.columns, *rows.geo_fields,
                              numbers=view.attached.numbers)
        found += [
            (view.rid, record)
            for _rid, record in rows.current(candidates, view.version)
            if filters is None or evaluator.member(filters, record)
        ]
    found.sort(key=lambda entry: (entry[1]["_id"], entry[0]))
    return found
