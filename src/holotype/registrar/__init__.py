"""DOI registrars: where the portal's DOIs are registered, and the metadata sent there.

The bottom layer: it knows DataCite and its metadata schema, and nothing of the catalogue,
the store or the services above (which decide what each DOI should be and call it).
"""

from holotype.registrar.base import (
    DRAFT,
    FINDABLE,
    PROVIDERS,
    REGISTERED,
    InvalidMetadata,
    Registrar,
    RegistrarError,
    Rejected,
    Unreachable,
    registrar_for,
)
from holotype.registrar.metadata import Agent, Related, datacite_attributes, validate_attributes

__all__ = [
    "DRAFT",
    "FINDABLE",
    "PROVIDERS",
    "REGISTERED",
    "Agent",
    "InvalidMetadata",
    "Registrar",
    "RegistrarError",
    "Rejected",
    "Related",
    "Unreachable",
    "datacite_attributes",
    "registrar_for",
    "validate_attributes",
]
