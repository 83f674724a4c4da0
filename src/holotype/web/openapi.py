"""The OpenAPI document of the action API, generated from the action declarations."""

from __future__ import annotations

from typing import Any

import holotype
from holotype.web.actions import ACTIONS
from holotype.web.actions.params import Param
from holotype.web.actions.registry import Action


def _envelope(outcome: dict[str, Any], *, help_url: bool = True) -> dict[str, Any]:
    """CKAN's envelope around ``outcome`` (``result`` or ``error``)."""
    key, success = ("result", True) if "result" in outcome else ("error", False)
    return {
        "type": "object",
        "properties": {
            "help": {"type": "string", "description": "The action's help URL."},
            "success": {"const": success},
            **outcome,
        },
        "required": [*(["help"] if help_url else []), "success", key],
    }


RESULT = {"result": {"description": "The action's result (see docs/api.md)."}}
ERROR = {"error": {
    "type": "object",
    "properties": {"__type": {"type": "string"}, "message": {"type": "string"}},
    "required": ["__type", "message"],
    "additionalProperties": {
        "type": "array", "items": {"type": "string"},
        "description": "Each parameter at fault (or JSON path) with what is wrong there.",
    },
}}
FAILURES = {
    "400": "Invalid parameters or query (CKAN's Validation Error)",
    "401": "Sign-in needed: no API token, or one unknown, revoked or expired "
           "(Authorization Error)",
    "403": "Not allowed (Authorization Error)",
    "404": "Not found, or not visible to the caller (Not Found Error)",
    "409": "Conflicts with the current state, e.g. an ingest running (Conflict Error)",
    "503": "Not possible yet, e.g. a search index still being built (Service Unavailable)",
}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _responses() -> dict[str, Any]:
    return {
        "200": _json("Success", _envelope(RESULT)),
        **{status: _json(text, _envelope(ERROR)) for status, text in FAILURES.items()},
        "429": {**_json("Too many requests (Rate Limit Error)", _envelope(ERROR, help_url=False)),
                "headers": {"Retry-After": {"description": "Seconds to wait.",
                                            "schema": {"type": "string"}}}},
    }


def _get_parameter(param: Param) -> dict[str, Any]:
    """A parameter in a query string, as the first type it is read as (coerce.py): an object
    is JSON text, an array a repeated parameter (or JSON text, or comma-separated)."""
    schema = _openapi_schema(param.schema)
    first = param.kinds[0]
    found: dict[str, Any] = {"name": param.name, "in": "query", "required": param.required,
                             "description": param.description}
    if first == "object":
        found["description"] += " JSON text of an object."
        found["content"] = {"application/json": {"schema": {**schema, "type": "object"}}}
    elif first == "array":
        found["description"] += " Repeat the parameter, or give a JSON array or a " \
            "comma-separated list."
        found["schema"] = {"type": "array", "items": schema.get("items", {})}
        found["style"], found["explode"] = "form", True
    else:
        found["schema"] = {**schema, "type": first}
    return found


def _openapi_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """JSON schema types as lists become OpenAPI 3.1 ``type`` arrays (kept as they are)."""
    return {k: v for k, v in schema.items() if k != "description"}


def _operation(action: Action[Any], method: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{action.name}_{method}",
        "summary": action.summary,
        "tags": [_tag(action.name)],
        "responses": _responses(),
    }
    if method == "get":
        operation["parameters"] = [_get_parameter(p) for p in action.parameters]
    else:
        operation["requestBody"] = {
            "required": any(p.required for p in action.parameters),
            "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {p.name: p.schema for p in action.parameters},
                "required": [p.name for p in action.parameters if p.required],
            }}},
        }
    return operation


def _tag(name: str) -> str:
    if name.startswith("api_token_"):
        return "API tokens"
    if name.startswith("vds_"):
        return "Versioned datastore (NHM)"
    if name.startswith("datastore_"):
        return "DataStore"
    if name.startswith("report_"):
        return "Error reports"
    return "Catalogue"


def openapi_document(site_name: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{site_name} API",
            "version": holotype.__version__,
            "description": "CKAN-compatible action API with the NHM Data Portal's versioned "
            "datastore actions. Every action answers GET (parameters in the query string) and "
            "POST (a JSON object), in CKAN's envelope {help, success, result | error}. Actions "
            "that change the catalogue answer POST only and need an API token (created on "
            "your profile page) in the Authorization header, as ckanapi sends it; "
            "resource_create also takes multipart/form-data with the file as upload.",
        },
        "paths": {
            f"/api/3/action/{name}": {
                "get": _operation(action, "get"),
                "post": _operation(action, "post"),
            }
            for name, action in sorted(ACTIONS.items())
        },
    }
