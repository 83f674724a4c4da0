"""Errors of the query language: each names where the problem is, as a JSON path."""

from __future__ import annotations

import re

from holotype.errors import Invalid

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class QueryError(Invalid, ValueError):
    """A query is malformed or breaks the query schema: an :class:`Invalid` whose ``field`` is
    the JSON path (a request's query checker reports it under the parameter holding the query).

    ``path`` is a JSON path to the offending value: ``$`` is the whole query, then ``.key`` for an
    object member (``['key']`` when the key is not a plain identifier) and ``[i]`` for an array
    item, e.g. ``$.filters.and[1].number_range.greater_than``. ``message`` says what is wrong and
    what is allowed.
    """

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(message, field=path)
        self.path = path


class AreasMissing(Invalid, RuntimeError):
    """Named areas were asked for but the Natural Earth boundary files are not available.

    This is the portal's configuration, not the user's query, that is at fault; the query
    cannot be answered here, which users see as an invalid query (a 400) naming the setting.
    """

    def __init__(self, directory: str | None, missing: list[str]) -> None:
        self.directory = directory
        self.missing = missing
        where = f" (looked in {directory})" if directory else " (geo_areas_dir is not set)"
        super().__init__(
            "named areas need the Natural Earth boundaries; set geo_areas_dir to a directory "
            "with the Natural Earth 1:50m GeoJSON files of the NHM query schema v1.0.0"
            f"{where} (files missing: {', '.join(missing)})"
        )


def child(path: str, key: str) -> str:
    """The JSON path of member ``key`` of the object at ``path``."""
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{path}['{escaped}']"


def item(path: str, index: int) -> str:
    """The JSON path of item ``index`` of the array at ``path``."""
    return f"{path}[{index}]"
