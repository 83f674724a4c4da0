"""The guarantee of a query citation, tested on random histories: whatever is ingested later
(changes, removals, records added back), re-running the citation returns byte-identical records
in the same order, and downloading it again writes the same records."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holotype.config import load_settings
from holotype.services import catalogue, downloads
from holotype.services.citations.query_citations import QueryCitationInfo, cite
from holotype.services.context import Portal
from holotype.services.downloads import parse_request
from holotype.services.downloads.workers import make_worker
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest
from holotype.web.actions.multi import MultiQueryParams, vds_multi_query
from holotype.web.actions.registry import Context

IDS = [f"r{i:02d}" for i in range(16)]
WORDS = ["quercus", "fagus", "betula", "alnus"]
COUNTRIES = ["Kenya", "Peru", "Chad"]
HEADER = ["occurrenceID", "scientificName", "country", "year"]

record = st.fixed_dictionaries({
    "scientificName": st.sampled_from(WORDS), "country": st.sampled_from(COUNTRIES),
    "year": st.integers(1900, 1905).map(str)})
# One later ingest: new values for some records (update), the same but only for some fields
# (patch), or the whole resource again without some of its records (replace: removals; a later
# update adds them back).
ingest_step = st.tuples(st.sampled_from(["aa", "bb"]), st.one_of(
    st.tuples(st.just("update"), st.dictionaries(st.sampled_from(IDS), record, min_size=1,
                                                 max_size=6)),
    st.tuples(st.just("patch"), st.dictionaries(st.sampled_from(IDS), st.fixed_dictionaries(
        {"country": st.sampled_from(COUNTRIES)}), min_size=1, max_size=6)),
    st.tuples(st.just("replace"), st.sets(st.sampled_from(IDS), min_size=1, max_size=8)),
))
query = st.one_of(
    st.just({}),
    st.sampled_from(WORDS).map(lambda w: {"search": w}),
    st.sampled_from(COUNTRIES).map(lambda c: {"filters": {"and": [
        {"string_equals": {"fields": ["country"], "value": c}}]}}),
)


def write(path: Path, rows: dict[str, dict[str, str]], fields: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for rid, values in rows.items():
            writer.writerow({"occurrenceID": rid, **values})
    return path


def rerun(portal: Portal, citation: QueryCitationInfo) -> bytes:
    """Every record the citation's re-run returns, in order, as the API's bytes."""
    records: list[Any] = []
    after = None
    while True:
        page = vds_multi_query(Context(portal, ANONYMOUS), MultiQueryParams(
            query=citation.query, resource_ids=[r.id for r in citation.resources],
            version=citation.moment, size=7, after=after))
        records.extend(page["records"])
        after = page["after"]
        if after is None:
            return json.dumps(records, sort_keys=False).encode()


def downloaded(portal: Portal, ref: str, options: dict[str, Any]) -> list[dict[str, str]]:
    request = parse_request({"slug_or_doi": ref}, {"format": "csv", **options}, None)
    job = downloads.queue_download(portal, ANONYMOUS, request).id
    worker = make_worker(portal)
    while worker.run_once():
        pass
    found = downloads.status(portal, ANONYMOUS, job)
    assert found["status"] == "complete", found

    rows: list[dict[str, str]] = []
    with zipfile.ZipFile(downloads.file_path(portal, job, found["file_name"])) as archive:
        for name in sorted(n for n in archive.namelist() if n.endswith(".csv")):
            text = archive.read(name).decode("utf-8-sig")
            rows += [{"file": name, **{k: v for k, v in row.items() if v}}
                     for row in csv.DictReader(io.StringIO(text))]
    return rows


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(first=st.fixed_dictionaries({rid: record for rid in IDS}), asked=query,
       later=st.lists(ingest_step, min_size=1, max_size=4))
def test_a_citation_reruns_identically_after_any_later_ingests(
    first: dict[str, dict[str, str]], asked: dict[str, Any],
    later: list[tuple[str, tuple[str, Any]]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        portal = Portal.open(load_settings(data_dir=root / "site", download_workers=0))
        try:
            with portal.write_session() as session:
                catalogue.create_dataset(session, slug="trees", title="Trees",
                                         licence="CC0-1.0")
                for name in ("aa", "bb"):  # two resources, each with its own history
                    catalogue.create_resource(session, "trees", slug=name, name=name.upper(),
                                              id_field="occurrenceID")
            for name in ("aa", "bb"):
                ingest(portal, OPERATOR, f"trees/{name}", write(root / f"{name}0.csv", first,
                                                                HEADER))
            citation = cite(portal, ANONYMOUS, asked, None, None).citation
            before = rerun(portal, citation)
            files_before = downloaded(portal, citation.id, {})
            held = {"aa": dict(first), "bb": dict(first)}
            for step, (name, (mode, change)) in enumerate(later, start=1):
                current = held[name]
                path = root / f"{name}{step}.csv"
                if mode == "replace":
                    current = {k: v for k, v in current.items() if k not in change}
                    if not current:
                        continue  # the store refuses an empty replacement: nothing happens
                    write(path, current, HEADER)
                elif mode == "patch":  # corrects existing records only
                    change = {k: v for k, v in change.items() if k in current}
                    if not change:
                        continue
                    write(path, change, ["occurrenceID", "country"])
                    current = {k: {**v, **change.get(k, {})} for k, v in current.items()}
                else:
                    write(path, change, HEADER)
                    current = {**current, **change}
                held[name] = current
                ingest(portal, OPERATOR, f"trees/{name}", path, mode=mode)
            assert rerun(portal, citation) == before
            # Other file options: a new file written from the pinned versions, not the old one.
            assert downloaded(portal, citation.id, {"ignore_empty_fields": False}) == \
                files_before
        finally:
            portal.close()
