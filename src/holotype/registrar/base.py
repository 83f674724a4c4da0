"""What every DOI registrar offers, the two ways sending can fail, and the provider registry.

A :class:`Registrar` makes the registrar hold a DOI as decided: its state (draft, registered or
findable), landing URL and metadata. Sending is idempotent: sending the same decision twice
leaves the registrar as after once, so a sender that lost an answer simply sends again.

Providers are chosen by the ``doi_provider`` setting through :data:`PROVIDERS` (the project's
:class:`~holotype.registry.Registry`): ``datacite`` and ``none``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from holotype.config import Settings
from holotype.registry import Registry

DRAFT, REGISTERED, FINDABLE = "draft", "registered", "findable"
STATES = (DRAFT, REGISTERED, FINDABLE)


class RegistrarError(Exception):
    """Sending a DOI failed; ``message`` says why, in the registrar's words where it gave any."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Rejected(RegistrarError):
    """The registrar refused the request (invalid metadata, a DOI it will not take, bad
    credentials): sending it again unchanged will not help."""


class InvalidMetadata(Rejected):
    """The metadata does not follow the DataCite Metadata Schema; it was not sent."""


class Unreachable(RegistrarError):
    """The registrar did not answer in time, could not be reached, or failed (5xx): try later."""


class Registrar(Protocol):
    """A DOI registrar."""

    name: str

    def send(self, doi: str, *, state: str, url: str, attributes: Mapping[str, Any],
             held: str | None) -> str:
        """Make the registrar hold ``doi`` in ``state`` with ``url`` and ``attributes`` (the
        DataCite attributes without doi, url and event); ``held`` is the state the registrar
        was last known to hold (None: never sent). Returns the state it now holds.

        Raises :class:`Rejected` or :class:`Unreachable`."""
        ...


#: Makes the registrar of a portal from its settings.
RegistrarFactory = Callable[[Settings], Registrar]

#: The DOI providers by ``doi_provider`` name.
PROVIDERS: Registry[RegistrarFactory] = Registry("DOI provider", {
    "none": "holotype.registrar.none",
    "datacite": "holotype.registrar.datacite",
})


def registrar_for(settings: Settings) -> Registrar:
    """The registrar the ``doi_provider`` setting names."""
    return PROVIDERS.get(settings.doi_provider)(settings)
