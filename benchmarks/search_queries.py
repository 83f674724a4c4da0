"""The search benchmark's query set, defined once and translated by each engine.

Words are chosen from the data (cached next to it): *rare* words are species epithets of the
filtered department's specimens found in a handful to a few hundred records; *common* words are
habitat, place and collector words found in 1-10% of the records. Each query class cycles
through its words, so no engine is flattered by answering one query over and over.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from holotype.demo import generator
from holotype.demo import words as pools
from holotype.engine import connect, ident, literal
from holotype.query.tokens import token_list_sql

FACETS = ("country", "family", "recordedBy", "typeStatus", "preparations")
DEPARTMENT = "Botany"  # string_equals on department
YEAR_FROM = 1900  # number_range on year, inclusive
PAGE = 20
WORDS_PER_CLASS = 5
# Fields whose tokens never make a useful search word (identifiers, coordinates, dates).
_NOT_WORDS = ("occurrenceID", "catalogNumber", "decimalLatitude", "decimalLongitude", "eventDate")


@dataclass(frozen=True)
class Query:
    """One benchmark request, engine-neutral.

    ``filters``: department = DEPARTMENT (case-insensitive) and year >= YEAR_FROM.
    ``after``: the id of the record just before the page (deep paging in id order).
    ``version``: "first" or None (current) -- only Holotype keeps versions.
    """

    cls: str
    word: str | None = None
    filters: bool = True
    count: bool = True
    facets: bool = True
    page: int = PAGE
    after: str | None = None
    version: str | None = None

    @property
    def key(self) -> str:
        return f"{self.cls}:{self.word or ''}"

    def describe(self) -> dict[str, Any]:
        return asdict(self)


def nhm_query(query: Query) -> dict[str, Any]:
    """The query in the NHM query schema v1.0.0 (Holotype's own language)."""
    result: dict[str, Any] = {}
    if query.word:
        result["search"] = query.word
    if query.filters:
        result["filters"] = {
            "and": [
                {"string_equals": {"fields": ["department"], "value": DEPARTMENT}},
                {"number_range": {"fields": ["year"], "greater_than": YEAR_FROM,
                                  "greater_than_inclusive": True}},
            ]
        }
    return result


def choose_words(csv: Path, records: int, cache: Path) -> dict[str, list[dict[str, Any]]]:
    """Rare and common words with their record frequencies (cached in ``cache``).

    Frequencies count records holding the word as a token in any field (Holotype's token
    definition), over the current version's CSV.
    """
    wanted = {"csv": csv.name, "size": csv.stat().st_size, "words_version": 3}
    if cache.exists():
        saved = json.loads(cache.read_text())
        if saved.get("key") == wanted:
            return dict(saved["words"])
    columns = [c for c in generator.COLUMNS if c not in _NOT_WORDS]
    text = "concat_ws(' ', " + ", ".join(ident(c) for c in columns) + ")"
    con = connect(threads=2)
    frequency = dict(
        con.execute(
            f"SELECT token, count(*) FROM (SELECT unnest(list_distinct({token_list_sql(text)})) "
            f"AS token FROM read_csv({literal(csv)}, all_varchar = true)) "
            "WHERE regexp_full_match(token, '[a-z]{4,}') GROUP BY token"
        ).fetchall()
    )
    # words of the filtered records (department and years), so rare-word queries find some
    filtered = {
        str(r[0])
        for r in con.execute(
            f"SELECT DISTINCT unnest(list_distinct({token_list_sql(text)})) "
            f"FROM read_csv({literal(csv)}, all_varchar = true) "
            f"WHERE lower(department) = lower({literal(DEPARTMENT)}) "
            f"AND TRY_CAST(year AS INTEGER) >= {int(YEAR_FROM)}"
        ).fetchall()
        if r[0]
    }
    con.close()
    scale = records / 2_000_000
    low, high = max(2, round(10 * scale)), max(6, round(300 * scale))
    rare = [w for w in filtered if low <= frequency.get(w, 0) <= high]
    vocabulary = {
        w.lower() for w in (*pools.HABITATS, *pools.PLACES, *pools.SURNAMES)
    }
    common = [w for w in vocabulary if 0.01 <= frequency.get(w, 0) / records <= 0.10]
    words = {"rare": _spread(rare, frequency), "common": _spread(common, frequency)}
    cache.write_text(json.dumps({"key": wanted, "words": words}, indent=1) + "\n")
    return words


def _spread(candidates: list[str], frequency: dict[str, int]) -> list[dict[str, Any]]:
    """WORDS_PER_CLASS words spread evenly over the candidates' range of frequencies."""
    ordered = sorted(candidates, key=lambda w: (frequency[w], w))
    if len(ordered) <= WORDS_PER_CLASS:
        chosen = ordered
    else:
        step = (len(ordered) - 1) / (WORDS_PER_CLASS - 1)
        chosen = [ordered[round(i * step)] for i in range(WORDS_PER_CLASS)]
    if not chosen:
        raise RuntimeError("no words of this class in the data; is the reference data too small?")
    return [{"word": w, "records": frequency[w]} for w in chosen]


def query_set(words: dict[str, list[dict[str, Any]]], after_id: str) -> dict[str, list[Query]]:
    """Each query class with the queries it cycles through."""
    return {
        "a_rare": [Query("a_rare", w["word"]) for w in words["rare"]],
        "a_common": [Query("a_common", w["word"]) for w in words["common"]],
        "a_none": [Query("a_none")],
        "b_facets": [Query("b_facets", page=0)],
        "c_after": [Query("c_after", filters=False, count=False, facets=False, after=after_id)],
        "d_first": [Query("d_first", facets=False, page=0, version="first")],
        "d_current": [Query("d_current", facets=False, page=0)],
    }
