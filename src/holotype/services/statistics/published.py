"""What has been published over time, read from the store's version manifests (no scan).

A version's time is its number (ms since the epoch, strictly increasing). ``records`` at the
end of a period is, for each resource in the scope, the ``total`` of its last version before
the period ends (zero before its first), summed; ``added``, ``changed`` and ``removed`` sum
the versions committed within the period. A dataset is first published in the period of the
first version of any of its resources in the scope.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Any

from holotype.services.statistics.model import (
    Column,
    Figure,
    Params,
    Scope,
    Table,
    checked_granularity,
    period_range,
)
from holotype.services.statistics.periods import Period, default_since, periods
from holotype.store.manifest import Version

if TYPE_CHECKING:
    from holotype.services.context import Portal

PERIOD = Column("period", "Period", "period")


def _versions(portal: Portal, scope: Scope) -> dict[str, list[Version]]:
    """Each scope resource's versions, oldest first (resources with none left out)."""
    found = {r.id: portal.store.resource(r.id).versions() for r in scope.resources}
    return {rid: versions for rid, versions in found.items() if versions}


def _periods(params: Params, first: int | None) -> list[Period]:
    """The periods asked for; by default from the month of ``first`` (ms) to now."""
    granularity = checked_granularity(params.granularity)
    since, until = period_range(params, default_since(first))
    return periods(since, until, granularity)


def records_over_time(portal: Portal, scope: Scope, params: Params) -> Table:
    by_resource = _versions(portal, scope)
    first = min((v[0].version for v in by_resource.values()), default=None)
    spans = _periods(params, first)
    sums = [[0, 0, 0, 0] for _ in spans]  # records, added, changed, removed
    for versions in by_resource.values():
        times = [v.version for v in versions]
        for got, period in zip(sums, spans, strict=True):
            start, end = bisect_left(times, period.start), bisect_left(times, period.end)
            if end:
                got[0] += versions[end - 1].total
            for v in versions[start:end]:
                got[1] += v.added
                got[2] += v.changed
                got[3] += v.removed
    rows: list[dict[str, Any]] = [
        {"period": p.label, "records": n[0], "added": n[1], "changed": n[2], "removed": n[3]}
        for p, n in zip(spans, sums, strict=True)]
    description = _records_text(rows, len(by_resource))
    return Table(
        "records-over-time", "Records published over time", description,
        (PERIOD, Column("records", "Records at the end of the period", "integer"),
         Column("added", "Added", "integer"), Column("changed", "Changed", "integer"),
         Column("removed", "Removed", "integer")),
        rows, total=sums[-1][0] if sums else 0,
        versions={rid: v[-1].version for rid, v in by_resource.items()})


def _records_text(rows: list[dict[str, Any]], resources: int) -> str:
    if not rows:
        return "No periods to show."
    added = sum(int(r["added"]) for r in rows)
    removed = sum(int(r["removed"]) for r in rows)
    return (f"{int(rows[-1]['records']):,} records were published at the end of "
            f"{rows[-1]['period']} across {resources:,} resources; from {rows[0]['period']} "
            f"{added:,} were added and {removed:,} removed.")


def datasets_over_time(portal: Portal, scope: Scope, params: Params) -> Table:
    by_resource = _versions(portal, scope)
    dataset_of = {r.id: r.dataset_id for r in scope.resources}
    firsts: dict[str, int] = {}
    for rid, versions in by_resource.items():
        dataset = dataset_of[rid]
        firsts[dataset] = min(firsts.get(dataset, versions[0].version), versions[0].version)
    spans = _periods(params, min(firsts.values(), default=None))
    times = sorted(firsts.values())
    rows: list[dict[str, Any]] = [{"period": p.label,
             "datasets": bisect_left(times, p.end) - bisect_left(times, p.start),
             "cumulative": bisect_left(times, p.end)} for p in spans]
    text = (f"{rows[-1]['cumulative']:,} datasets had been published by the end of "
            f"{rows[-1]['period']}; {sum(int(r['datasets']) for r in rows):,} of them were "
            f"first published from {rows[0]['period']}.") if rows else "No periods to show."
    return Table(
        "datasets-over-time", "Datasets published over time", text,
        (PERIOD, Column("datasets", "Datasets first published", "integer"),
         Column("cumulative", "Datasets published to date", "integer")),
        rows, total=len(firsts),
        versions={rid: v[-1].version for rid, v in by_resource.items()})


FIGURES: tuple[Figure, ...] = (
    Figure("records-over-time", "Records published over time", "line", records_over_time,
           ("granularity", "since", "until")),
    Figure("datasets-over-time", "Datasets published over time", "line", datasets_over_time,
           ("granularity", "since", "until")),
)
