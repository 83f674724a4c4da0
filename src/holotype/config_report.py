"""Settings shown to people: every setting with its value, secrets and passwords masked."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from holotype.config import Settings, secret_names


def masked_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, safe to print."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a valid URL)"


def describe(settings: Settings) -> list[tuple[str, str, str]]:
    """(name, effective value, help) for every setting; secrets and passwords are masked."""
    rows = []
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if name in secret_names(masked_only=True):
            shown = "(set)" if value else "(not set)"
        elif name == "database_url" and value:
            shown = masked_url(value)
        else:
            shown = str(value)
        rows.append((name, shown, field.description or ""))
    return rows
