"""Bulk work on a Spark cluster (``bulk_engine = "spark"``): see :mod:`.bulk`."""

from holotype.search.spark.bulk import SparkBulk
from holotype.search.spark.session import SparkConfig, check_master, stop_all

__all__ = ["SparkBulk", "SparkConfig", "check_master", "stop_all"]
