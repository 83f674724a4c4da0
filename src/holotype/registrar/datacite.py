"""The ``datacite`` DOI provider: DataCite's REST API (JSON:API), test or production by URL.

It sends through the ``datacite`` package's :class:`~datacite.DataCiteRESTClient` (its
connection, Basic auth and timeout), reading each answer's status itself so that DataCite's
refusals (4xx, with DataCite's ``errors[].title``) become :class:`Rejected` and outages
(timeouts, connection errors, 5xx, 429) :class:`Unreachable`.

A DOI never sent is created (POST /dois, with the event that gives the state: none for a
draft, ``register``, ``publish``); one already sent is updated (PUT /dois/<doi>, with the event
that moves it: ``register`` or ``publish`` from a draft, ``hide`` from findable to registered).
A create refused because the DOI is taken means an earlier create got through but its answer
was lost: the DOI's state is read back (GET) and the decision sent as an update.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from datacite import DataCiteRESTClient
from datacite.errors import HttpError

from holotype.config import Settings
from holotype.registrar.base import (
    DRAFT,
    FINDABLE,
    PROVIDERS,
    REGISTERED,
    Registrar,
    Rejected,
    Unreachable,
)
from holotype.registrar.metadata import validate_attributes

TIMEOUT_SECONDS = 30.0
_JSON_API = {"content-type": "application/vnd.api+json", "accept": "application/vnd.api+json"}
_OUTAGE = {408, 429}


def event_for(state: str, held: str | None) -> str | None:
    """The DataCite event that takes a DOI the registrar holds in ``held`` (None: a new DOI)
    to ``state``; None when no event is needed. DataCite has no way back to draft."""
    if state == FINDABLE:
        return None if held == FINDABLE else "publish"
    if state == REGISTERED:
        return {None: "register", DRAFT: "register", FINDABLE: "hide"}.get(held)
    if held in (REGISTERED, FINDABLE):
        raise Rejected(f"a {held} DOI cannot return to draft")
    return None


def _message(status: int, text: str) -> str:
    """DataCite's own words: the ``errors[].title`` (with ``source``) of a JSON:API answer."""
    try:
        errors = json.loads(text).get("errors") or []
        titles = [f"{e['source']}: {e['title']}" if e.get("source") else str(e["title"])
                  for e in errors if isinstance(e, dict) and e.get("title")]
    except (ValueError, AttributeError, TypeError, KeyError):
        titles = []
    detail = "; ".join(titles) or text.strip()[:300] or "no explanation given"
    return f"DataCite answered {status}: {detail}"


def _taken(error: Rejected) -> bool:
    return error.message.startswith("DataCite answered 422") and "taken" in error.message


class DataCiteRegistrar:
    """Sends DOIs to DataCite with the portal's repository credentials."""

    name = "datacite"

    def __init__(self, settings: Settings, timeout: float = TIMEOUT_SECONDS) -> None:
        password = settings.datacite_password
        self.client = DataCiteRESTClient(
            settings.datacite_username or "",
            password.get_secret_value() if password else "",
            settings.datacite_prefix or "",
            url=settings.datacite_url,
            timeout=timeout,
        )

    def _call(self, method: str, doi: str | None, body: dict[str, Any] | None = None
              ) -> dict[str, Any]:
        path = "dois" if doi is None else f"dois/{doi}"
        request = self.client._create_request()
        try:
            answer = request.request(path, method=method, headers=dict(_JSON_API),
                                     body=None if body is None else json.dumps(body))
        except HttpError as exc:
            raise Unreachable(f"DataCite at {self.client.api_url} could not be reached: "
                              f"{exc.args[0] if exc.args else exc}") from exc
        if answer.status_code in (200, 201):
            try:
                data: dict[str, Any] = answer.json()["data"]
            except (ValueError, KeyError, TypeError):
                raise Unreachable(f"DataCite answered {answer.status_code} with something "
                                  "that is not JSON:API") from None
            return data
        message = _message(answer.status_code, answer.text)
        if answer.status_code >= 500 or answer.status_code in _OUTAGE:
            raise Unreachable(message)
        raise Rejected(message)

    def state_of(self, doi: str) -> str | None:
        """The state DataCite holds ``doi`` in; None when it does not know it."""
        try:
            data = self._call("GET", doi)
        except Rejected as exc:
            if exc.message.startswith("DataCite answered 404"):
                return None
            raise
        state = data.get("attributes", {}).get("state")
        return str(state) if state else None

    def create(self, doi: str, *, state: str, url: str, attributes: Mapping[str, Any]) -> str:
        """POST a new DOI in ``state``; the state DataCite holds it in."""
        payload = _payload(doi, url, attributes, event_for(state, None))
        data = self._call("POST", None, {"data": {"type": "dois", "attributes": payload}})
        return str(data.get("attributes", {}).get("state") or state)

    def update(self, doi: str, *, state: str, url: str, attributes: Mapping[str, Any],
               held: str | None) -> str:
        """PUT the DOI's URL, metadata and the event from ``held`` to ``state``."""
        payload = _payload(doi, url, attributes, event_for(state, held))
        data = self._call("PUT", doi, {"data": {"type": "dois", "attributes": payload}})
        return str(data.get("attributes", {}).get("state") or state)

    def send(self, doi: str, *, state: str, url: str, attributes: Mapping[str, Any],
             held: str | None) -> str:
        if held is not None:
            return self.update(doi, state=state, url=url, attributes=attributes, held=held)
        try:
            return self.create(doi, state=state, url=url, attributes=attributes)
        except Rejected as exc:
            if not _taken(exc):
                raise
        # Created before, the answer lost: carry on from what DataCite holds.
        return self.update(doi, state=state, url=url, attributes=attributes,
                           held=self.state_of(doi) or DRAFT)


def _payload(doi: str, url: str, attributes: Mapping[str, Any], event: str | None
             ) -> dict[str, Any]:
    """The attributes as sent, validated first (:class:`InvalidMetadata` and nothing sent)."""
    payload = {**attributes, "doi": doi, "url": url, **({"event": event} if event else {})}
    validate_attributes(payload)
    return payload


def _make(settings: Settings) -> Registrar:
    return DataCiteRegistrar(settings)


PROVIDERS.register("datacite", _make)
