"""The query language: the NHM query schema v1.0.0, validated, normalised, hashed and compiled.

A pure library: no HTTP, catalogue or store. ``parse`` and ``validate`` check a query,
``normalise`` and ``query_hash`` identify it, ``compile_filter`` turns it into one SQL boolean
expression over a :class:`Target`. See ``docs/query-language.md``.
"""

from holotype.query.area_sql import AreaRegistry, area_predicate_sql, register_area_udf
from holotype.query.areas import Area, AreaCatalogue
from holotype.query.compile import compile_filter
from holotype.query.errors import AreasMissing, QueryError
from holotype.query.normalise import canonical_json, normalise, query_hash
from holotype.query.parse import parse
from holotype.query.schema import QUERY_VERSION, Query
from holotype.query.target import RelationTarget, Target
from holotype.query.tokens import token_list_sql, tokenize
from holotype.query.validate import validate

__all__ = [
    "QUERY_VERSION",
    "Area",
    "AreaCatalogue",
    "AreaRegistry",
    "AreasMissing",
    "Query",
    "QueryError",
    "RelationTarget",
    "Target",
    "area_predicate_sql",
    "canonical_json",
    "compile_filter",
    "normalise",
    "parse",
    "query_hash",
    "register_area_udf",
    "token_list_sql",
    "tokenize",
    "validate",
]
