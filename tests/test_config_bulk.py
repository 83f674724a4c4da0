"""The bulk settings: Spark needs a master, and a malformed one is refused naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from holotype.config import ConfigError, load_settings


def test_the_default_engine_is_duckdb_and_needs_no_master(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert (settings.bulk_engine, settings.spark_master) == ("duckdb", "")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"bulk_engine": "spark"}, "needs spark_master set"),
    ({"bulk_engine": "spark", "spark_master": "http://x:7077"}, "is not a Spark master URL"),
    ({"spark_master": "spark://host"}, "is not a Spark master URL"),
    ({"spark_executor_memory": "4GB"}, "is not a Spark memory size"),
    ({"bulk_engine": "hadoop"}, "bulk_engine"),
])
def test_bad_bulk_settings_are_refused(tmp_path: Path, overrides: dict[str, str],
                                       message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(data_dir=tmp_path, **overrides)


def test_a_spark_site_is_accepted(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, bulk_engine="spark",
                             spark_master="spark://spark.example.org:7077")
    assert settings.spark_master == "spark://spark.example.org:7077"
    assert load_settings(data_dir=tmp_path, spark_master="local[2]").spark_master == "local[2]"
