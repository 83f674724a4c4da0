"""Answering a search whose words few records hold, from the row files alone.

Every record a search matches holds each of its words (``search``) as a token. When the row
file's postings (see ``holotype.index.postings``) list every record version that holds each
word, the records holding all of them are the intersection of those lists: typically a few
dozen, found in microseconds where DuckDB's semi-join costs milliseconds. Those current at
the view's version are read whole, the filters are evaluated on them in Python (the language's
second implementation, ``holotype.query.evaluate``, held to the SQL compiler by the
differential tests), and counts, facets and the page come from the matches as for any search
with few matches (``few``).

A word held by more than ``POSTED`` record versions has no list; when another word of the
search has one, that word's candidates are checked for it by tokenizing them (about 16 µs a
record), as long as there are at most ``CHECKED`` of them.

Not taken, so the search goes to DuckDB, when: the query has no words; no word has a list;
the lists leave more than ``CANDIDATES`` candidates (``CHECKED`` when a word must be checked);
or the filters name an area (``geo_named_area``), whose shapes only the SQL side loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from holotype.query.evaluate import Evaluator, kinds
from holotype.query.tokens import tokenize
from holotype.search.few import FEW, Placed
from holotype.search.views import View

CANDIDATES = 2 * FEW
Found = list[tuple[View, int, dict[str, Any]]]  # (view, _rid, record)
CHECKED = 250


def matches(views_: list[View], query: dict[str, Any]) -> Placed | None:
    """Every (resource id, record) ``query`` matches, in (id, resource) order; None when this
    path does not apply."""
    found = matched(views_, query)
    if found is None:
        return None
    placed: Placed = [(view.rid, record) for view, _rid, record in found]
    placed.sort(key=lambda entry: (entry[1]["_id"], entry[0]))
    return placed


def listed(views_: list[View], query: dict[str, Any]) -> dict[str, frozenset[int]] | None:
    """Per resource id, the ``_rid``s of every record version holding all the words of a query
    that is words alone, each word posted: the matches at any version are those of them
    current then (no record need be read). None when the query is not such a one."""
    words = set(tokenize(query["search"])) if "search" in query else set()
    if not words or set(query) - {"search"}:
        return None
    found: dict[str, frozenset[int]] = {}
    for view in views_:
        postings = view.attached.rows.postings(words)
        if len(postings) < len(words):
            found[view.rid] = frozenset()  # some word no record of this resource holds
            continue
        lists = [p.rids for p in postings.values()]
        if any(rids is None for rids in lists):
            return None
        found[view.rid] = frozenset.intersection(*(rids for rids in lists if rids is not None))
    return found


def matched(views_: list[View], query: dict[str, Any]) -> Found | None:
    """Every (view, ``_rid``, record) ``query`` matches, in no order; None when this path does
    not apply."""
    words = set(tokenize(query["search"])) if "search" in query else set()
    filters = query.get("filters")
    if not words or (filters is not None and "geo_named_area" in set(kinds(filters))):
        return None
    chosen: list[tuple[View, frozenset[int], set[str]]] = []
    total = 0
    limit = CANDIDATES
    for view in views_:
        postings = view.attached.rows.postings(words)
        if len(postings) < len(words):
            continue  # some word no record of this resource holds
        lists = [p.rids for p in postings.values() if p.rids is not None]
        if not lists:
            return None  # every word is common: DuckDB's semi-join
        unlisted = {w for w, p in postings.items() if p.rids is None}
        if unlisted:
            limit = CHECKED
        candidates = frozenset.intersection(*lists)
        total += len(candidates)
        if total > limit:
            return None
        chosen.append((view, candidates, unlisted))
    found: Found = []
    for view, candidates, unlisted in chosen:
        rows = view.attached.rows
        columns = view.attached.columns
        evaluator = Evaluator(columns, *rows.geo_fields, numbers=view.attached.numbers)
        found += [
            (view, rid, record)
            for rid, record in rows.current(candidates, view.version)
            if (not unlisted or _holds(record, columns, unlisted))
            and (filters is None or evaluator.member(filters, record))
        ]
    return found


def common(views_: list[View], query: dict[str, Any]) -> bool:
    """Whether ``query`` has words and none of them is listed in any resource searched: so
    many records hold each that a search for them matches few only if its filters say so."""
    words = set(tokenize(query["search"])) if "search" in query else set()
    if not words:
        return False
    return all(p.rids is None for view in views_
               for p in view.attached.rows.postings(words).values())


def _holds(record: dict[str, Any], columns: Sequence[str], words: set[str]) -> bool:
    """Whether the record's fields hold every one of ``words`` as a token (a space never
    joins two tokens, so the fields are tokenized joined)."""
    text = " ".join(str(record[c]) for c in columns if c in record)
    return words <= set(tokenize(text))
