"""The OpenAPI document of the action API, generated from the action declarations."""

from __future__ import annotations

from typing import Any

import holotype
from holotype.web.actions import ACTIONS
from holotype.web.actions.params import Param
from holotype.web.actions.registry import Action

ENVELOPE = {
    "type": "object",
    "properties": {
        "help": {"type": "string"},
        "success": {"type": "boolean"},
        "result": {"description": "The action's result."},
        "error": {
            "type": "object",
            "properties": {"__type": {"type": "string"}, "message": {"type": "string"}},
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["help", "success"],
}


def _get_parameter(param: Param) -> dict[str, Any]:
    schema = dict(param.schema)
    kinds = schema.get("type")
    structured = kinds in ("object", "array") or (
        isinstance(kinds, list) and ("object" in kinds or "array" in kinds)
    )
    description = param.description
    if structured:
        description += " In a GET query string: JSON text (lists may also be comma-separated)."
        schema = {"type": "string"}
    return {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": description,
        "schema": _openapi_schema(schema),
    }


def _openapi_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """JSON schema types as lists become OpenAPI 3.1 ``type`` arrays (kept as they are)."""
    return {k: v for k, v in schema.items() if k != "description"}


def _operation(action: Action[Any], method: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{action.name}_{method}",
        "summary": action.summary,
        "tags": [_tag(action.name)],
        "responses": {
            "200": {"description": "Success", "content": {
                "application/json": {"schema": ENVELOPE}}},
            "404": {"description": "Not found"},
            "400": {"description": "Invalid parameters or query (CKAN's Validation Error)"},
            "409": {"description": "Conflicts with the current state, e.g. an ingest running"},
            "429": {"description": "Too many requests; see Retry-After"},
        },
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
    if name.startswith("vds_"):
        return "Versioned datastore (NHM)"
    if name.startswith("datastore_"):
        return "DataStore"
    return "Catalogue"


def openapi_document(site_name: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{site_name} API",
            "version": holotype.__version__,
            "description": "CKAN-compatible action API with the NHM Data Portal's versioned "
            "datastore actions. Every action answers GET (parameters in the query string) and "
            "POST (a JSON object), in CKAN's envelope {help, success, result | error}.",
        },
        "paths": {
            f"/api/3/action/{name}": {
                "get": _operation(action, "get"),
                "post": _operation(action, "post"),
            }
            for name, action in sorted(ACTIONS.items())
        },
    }
