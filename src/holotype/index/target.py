"""The query compiler's view of an attached index (see holotype.query.target.Target)."""

from __future__ import annotations

from holotype.engine import ident
from holotype.index.engine import Attached
from holotype.query.area_sql import AreaRegistry, area_predicate_sql
from holotype.query.areas import Area


class IndexTarget:
    """Compiles terms to columns of ``records`` and the inverted ``tokens`` table."""

    def __init__(self, attached: Attached, registry: AreaRegistry) -> None:
        self.attached = attached
        self.registry = registry
        self._columns = set(attached.columns)

    def text(self, field: str) -> str | None:
        return ident(field) if field in self._columns else None

    def number(self, field: str) -> str | None:
        return self.attached.number(field)

    def point(self) -> tuple[str, str]:
        return "_lat", "_lon"

    def has_tokens(self, tokens: list[str]) -> str:
        """A common word by its id in the tokens table, a rare one by its listed rows (see
        ``holotype.index.words``); FALSE when a word is held by no record."""
        if not tokens:
            return "TRUE"
        wanted = sorted(set(tokens))
        ids = self.attached.word_ids
        rare = [t for t in wanted if t not in ids]
        listed = self.attached.rows.postings(rare) if rare else {}
        each = []
        for token in wanted:
            if token in ids:
                each.append(f"_rid IN (SELECT _rid FROM {self.attached.tokens} "
                            f"WHERE tid = {int(ids[token])})")
                continue
            posting = listed.get(token)
            if posting is None or not posting.rids:
                return "FALSE"
            each.append(f"_rid IN ({', '.join(map(str, sorted(posting.rids)))})")
        # one expression however many tokens: "NOT a AND b" would negate only the first
        return each[0] if len(each) == 1 else "(" + " AND ".join(each) + ")"

    def fields(self) -> list[str]:
        return list(self.attached.columns)

    def area(self, area: Area) -> str:
        self.registry.add(area)
        return area_predicate_sql(area, "_lat", "_lon")
