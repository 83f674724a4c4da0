"""The search benchmark's member class (issue 17): the same (a) queries asked by anonymous and
by a member of an organisation with 50 private datasets, alternating, so the policy's cost for
a signed-in member shows as the ratio of their p50s (target: at most 1.1).

The member's organisation, account and private datasets (five records each) are added to the
benchmark site once; later runs find them there."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from benchmarks.search_queries import Query
from holotype.errors import NotFound
from holotype.services import catalogue, organisations, people
from holotype.services.accounts import identities, users
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR, Identity
from holotype.services.records import ingest

ORGANISATION = "bench-museum"
MEMBER = "bench-member"
PRIVATE_DATASETS = 50
TARGET_RATIO = 1.1


class _Engine(Protocol):
    def run(self, query: Query) -> dict[str, Any]: ...


def ensure_member(portal: Portal, datasets: int = PRIVATE_DATASETS) -> Identity:
    """The member's identity, making the organisation, account and datasets when missing."""
    try:
        organisations.get_organisation(portal, OPERATOR, ORGANISATION)
    except NotFound:
        organisations.create_organisation(portal, OPERATOR, ORGANISATION, "Benchmark museum")
    with portal.session() as session:
        try:
            user_id = people.get_user(session, MEMBER).id
        except NotFound:
            user_id = ""
    if not user_id:
        user_id = users.create_user(portal, OPERATOR, MEMBER, "member@example.org")[0].id
    organisations.set_role(portal, OPERATOR, ORGANISATION, MEMBER, "member")
    have = {d.slug for d in organisations.organisation_page(portal, OPERATOR,
                                                            ORGANISATION).datasets}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(datasets):
            slug = f"bench-private-{n:02d}"
            if slug in have:
                continue
            with portal.write_session() as session:
                catalogue.create_dataset(session, slug=slug, title=f"Private {n}",
                                         licence="CC0-1.0", visibility="private",
                                         organisation=ORGANISATION)
                catalogue.create_resource(session, slug, slug="records", name="Records",
                                          id_field="occurrenceID")
            path = Path(folder) / f"{slug}.csv"
            path.write_text("occurrenceID,scientificName\n" + "".join(
                f"{slug}-{i},Privatus frequens\n" for i in range(5)))
            ingest(portal, OPERATOR, f"{slug}/records", path)
    with portal.session() as session:
        return identities.identity_for_user(session, user_id)


def measure_member(make: Callable[[Identity], _Engine], member: Identity,
                   queries: list[Query], repeats: int, warmup: int = 2) -> dict[str, Any]:
    """p50 (ms) of ``queries`` asked by anonymous and by ``member`` in turn, and their ratio."""
    engines = {"anonymous": make(ANONYMOUS), "member": make(member)}
    samples: dict[str, list[float]] = {name: [] for name in engines}
    for rep in range(warmup + repeats):
        query = queries[rep % len(queries)]
        order = list(engines) if rep % 2 == 0 else list(reversed(engines))
        for name in order:
            began = time.perf_counter()
            engines[name].run(query)
            if rep >= warmup:
                samples[name].append((time.perf_counter() - began) * 1000)
    p50 = {name: statistics.median(values) for name, values in samples.items()}
    ratio = p50["member"] / p50["anonymous"]
    return {"p50_ms": p50, "ratio": ratio, "target": TARGET_RATIO,
            "met": ratio <= TARGET_RATIO, "runs": repeats,
            "private_datasets": PRIVATE_DATASETS,
            "samples_ms": samples}
