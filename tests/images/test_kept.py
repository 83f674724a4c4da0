"""Finished image answers kept in memory within a byte budget, least recently used first out."""

from __future__ import annotations

from holotype.images.kept import Kept


def test_the_least_recently_used_go_first_past_the_budget() -> None:
    kept = Kept(budget=10)
    kept.put("a", b"aaaa", 4)
    kept.put("b", b"bbbb", 4)
    assert kept.get("a") == b"aaaa"  # now the most recently used
    kept.put("c", b"cccc", 4)  # 12 bytes: b, the least recently used, goes
    assert kept.get("b") is None
    assert kept.get("a") == b"aaaa" and kept.get("c") == b"cccc"
    kept.put("big", b"x" * 11, 11)  # larger than the whole budget: not kept, nothing dropped
    assert kept.get("big") is None and kept.get("a") == b"aaaa"
    kept.put("a", b"AA", 2)  # replaced, counted once
    assert kept.get("a") == b"AA" and kept.get("c") == b"cccc"
