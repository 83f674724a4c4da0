"""What the SQL peers share: one request (count, facets, page) as plain SQL statements."""

from __future__ import annotations

from typing import Any

from benchmarks.search_queries import DEPARTMENT, FACETS, YEAR_FROM, Query

ID = "occurrenceID"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SqlPeer:
    """A peer engine answering a benchmark request with count, facet and page statements.

    Subclasses set ``con`` (a DB-API connection), ``mark`` (the parameter placeholder),
    ``select`` (the page's column list), ``no_versions`` (why past versions are refused), and
    ``text_condition`` (the free-text test, with one placeholder, and its parameter).
    """

    con: Any
    mark: str
    select: str = "*"
    no_versions: str

    def text_condition(self, word: str) -> tuple[str, Any]:
        raise NotImplementedError

    def where(self, query: Query) -> tuple[str, list[Any]]:
        parts, params = [], []
        if query.word:
            condition, value = self.text_condition(query.word)
            parts.append(condition)
            params.append(value)
        if query.filters:
            parts.append(f"lower(department) = lower({self.mark})")
            params.append(DEPARTMENT)
            parts.append(f"_year >= {self.mark}")
            params.append(float(YEAR_FROM))
        return (" WHERE " + " AND ".join(parts)) if parts else "", params

    def id_at(self, position: int) -> str:
        """The id of the record at ``position`` (0-based) in id order."""
        row = self.con.execute(
            f"SELECT {quote(ID)} FROM records ORDER BY {quote(ID)} LIMIT 1 OFFSET {self.mark}",
            (position,),
        ).fetchone()
        assert row is not None
        return str(row[0])

    def run(self, query: Query) -> dict[str, Any]:
        if query.version is not None:
            raise ValueError(self.no_versions)
        where, params = self.where(query)
        out: dict[str, Any] = {}
        cur = self.con.cursor()
        if query.count:
            row = cur.execute(f"SELECT count(*) FROM records{where}", params).fetchone()
            out["count"] = int(row[0]) if row else 0
        if query.facets:
            facets = {}
            for name in FACETS:
                col = quote(name)
                extra = " AND " if where else " WHERE "
                facets[name] = [
                    [str(v), int(n)]
                    for v, n in cur.execute(
                        f"SELECT {col}, count(*) AS n FROM records{where}{extra}{col} IS NOT NULL "
                        f"GROUP BY {col} ORDER BY n DESC, {col} LIMIT 10",
                        params,
                    ).fetchall()
                ]
            out["facets"] = facets
        if query.page:
            page_where, page_params = where, list(params)
            if query.after is not None:
                page_where += (" AND " if where else " WHERE ") + f"{quote(ID)} > {self.mark}"
                page_params.append(query.after)
            cursor = cur.execute(
                f"SELECT {self.select} FROM records{page_where} ORDER BY {quote(ID)} "
                f"LIMIT {int(query.page)}",
                page_params,
            )
            names = [d[0] for d in cursor.description or []]
            at = names.index(ID)
            out["ids"] = [row[at] for row in cursor.fetchall()]
        return out
