"""Property: any history of ingests, read back at any version, equals a simple in-memory model."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holotype.engine import connect
from holotype.store.store import RecordStore
from tests.store.helpers import stage_rows

FIELDS = ["occurrenceID", "a", "b", "c"]
ids = st.sampled_from([f"i{n}" for n in range(8)])
values = st.one_of(st.none(), st.sampled_from(["x", "y", "Zürich", "1.5", "", " "]))
records = st.fixed_dictionaries({"a": values, "b": values, "c": values})
batch = st.dictionaries(ids, records, max_size=8)
operation = st.tuples(st.sampled_from(["update", "replace"]), batch)


def normalise(record: dict[str, str | None]) -> dict[str, str]:
    # Stored values are the uploaded text; an empty field is absent (readers map "" to null).
    return {k: v for k, v in record.items() if v is not None and v != ""}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=6), st.data())
def test_store_matches_model(
    operations: list[tuple[str, dict[str, dict[str, str | None]]]], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = RecordStore(work / "store", lambda: connect(threads=1, memory_limit="512MB"))
        resource = store.resource("model")
        con = connect(threads=1, memory_limit="512MB")
        model: dict[str, dict[str, str]] = {}
        snapshots: list[tuple[int, dict[str, dict[str, str]]]] = []
        for mode, rows in operations:
            staged_rows = [
                {"occurrenceID": i, **{k: (None if v == "" else v) for k, v in r.items()}}
                for i, r in rows.items()
            ]
            expected = dict(model) if mode == "update" else {}
            for i, r in rows.items():
                expected[i] = normalise({"occurrenceID": i, **r})
            result = resource.commit(stage_rows(work, staged_rows, FIELDS), mode=mode, con=con)
            if expected == model:
                assert result.unchanged
            else:
                assert result.version is not None
                changed = {i for i in expected if i in model and expected[i] != model[i]}
                assert result.changed == len(changed)
                assert result.added == len(set(expected) - set(model))
                assert result.removed == len(set(model) - set(expected))
                snapshots.append((result.version, expected))
            model = expected
            assert result.total == len(model)
        if not snapshots:
            return
        picks = data.draw(st.lists(st.sampled_from(snapshots), min_size=1, max_size=4))
        for version, expected in picks:
            got = {
                r["_id"]: {k: v for k, v in r.items() if k != "_id"}
                for r in resource.records(version, limit=100, con=con)
            }
            assert got == expected
            assert resource.count(version, con=con) == len(expected)
        # Every record's history replays to the model at every version.
        for record_id in {i for _v, snap in snapshots for i in snap}:
            history = resource.history(record_id, con=con)
            for version, expected in snapshots:
                current = [h for h in history if h.version <= version]
                state = current[-1].data if current else None
                assert state == expected.get(record_id)
