"""Reading a query from JSON text."""

from __future__ import annotations

import json

from holotype.query.errors import QueryError


def _reject_constant(name: str) -> object:
    raise QueryError(f"{name} is not a JSON value; numbers must be finite", "$")


def parse(text: str) -> object:
    """The JSON value in ``text``; :class:`QueryError` at ``$`` when it is not well-formed JSON.

    Python's extensions to JSON (``NaN``, ``Infinity``) are refused. The value is not checked
    against the query schema: pass it to :func:`~holotype.query.validate.validate`.
    """
    if not isinstance(text, str):
        raise QueryError(f"a query must be JSON text, not {type(text).__name__}", "$")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except QueryError:
        raise
    except json.JSONDecodeError as error:
        raise QueryError(
            f"malformed JSON at line {error.lineno} column {error.colno}: {error.msg}", "$"
        ) from None
    except RecursionError:
        raise QueryError("the JSON is nested too deeply", "$") from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise QueryError(f"malformed JSON: {error}", "$") from None
