"""The schema built by the migrations is exactly the one the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Column, Engine, MetaData, String, inspect

from holotype.catalog.schema import Base


def _differences(engine: Engine, metadata: MetaData) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    assert _differences(engine, Base.metadata) == []


def test_the_comparison_does_notice_a_difference(engine: Engine) -> None:
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["datasets"].append_column(Column("extra", String(10)))
    differences = _differences(engine, changed)
    assert [diff[0] for diff in differences] == ["add_column"]


def test_check_constraints_match_the_models(engine: Engine) -> None:
    # compare_metadata does not look at CHECK constraints, so compare their names here.
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        expected = {
            str(constraint.name)
            for constraint in table.constraints
            if isinstance(constraint, CheckConstraint)
        }
        found = {str(c["name"]) for c in inspector.get_check_constraints(table.name)}
        assert found == expected, table.name


def test_foreign_key_actions_match_the_models(engine: Engine) -> None:
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        expected = {(str(fk.name), fk.ondelete) for fk in table.foreign_key_constraints}
        found = {
            (str(fk["name"]), fk["options"].get("ondelete"))
            for fk in inspector.get_foreign_keys(table.name)
        }
        assert found == expected, table.name
