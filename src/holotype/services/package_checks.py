"""Every problem of a package's fields at once, before anything is written.

The catalogue checks each field as it writes and stops at the first problem; a person filling
in the dataset editor wants to hear of all of them together (a bad ORCID and a missing title),
each next to its field. :func:`check_package` runs the catalogue's own checks
(:mod:`holotype.catalog.validation`, the one home of what a valid field is) over every field
given and raises one :class:`~holotype.errors.Invalid` naming each field at fault in CKAN's
words (``name``, ``title``, ``notes``, ``license_id``, ``category``, ``tags``, ``doi``,
``creators[0].orcid``). Nothing is written when it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from holotype.catalog import validation as check
from holotype.catalog.models import Category
from holotype.errors import Invalid

# The page that creates datasets is /dataset/new: no dataset may take that name.
RESERVED_NAMES = frozenset({"new"})
REQUIRED_TO_CREATE = {"name": "is required: the short name in the dataset's address",
                      "license_id": "is required: choose a licence"}


class Fields(Protocol):
    """What is checked (:class:`holotype.services.publishing.PackageFields`); None: not
    given, so not checked."""

    @property
    def name(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...
    @property
    def notes(self) -> str | None: ...
    @property
    def license_id(self) -> str | None: ...
    @property
    def tags(self) -> Sequence[str] | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def doi(self) -> str | None: ...
    @property
    def creators(self) -> Sequence[Mapping[str, str | None]] | None: ...


def _name(value: object) -> object:
    checked = check.slug(value, "name")
    if checked in RESERVED_NAMES:
        raise check.FieldError("name", f"{checked!r} is reserved for the portal's own pages; "
                                       "choose another name")
    return checked


def _creators(value: object) -> list[tuple[str, str]]:
    """Every problem of every creator (the catalogue's check stops at the first)."""
    try:
        check.creators(value, "creators")
    except check.FieldError as first:
        if first.field == "creators" or not isinstance(value, Sequence):
            return [(first.field, first.message)]
    else:
        return []
    found = []
    for index, item in enumerate(value):
        where = f"creators[{index}]"
        try:
            check.creators([item], "creators")
            continue
        except check.FieldError as problem:
            if problem.field == "creators[0]":  # not a creator at all
                found.append((where, problem.message))
                continue
        if not isinstance(item, Mapping):  # said above, as not a creator at all
            continue
        parts = (("name", check.line), ("orcid", check.orcid),
                 ("affiliation", check.optional_line))
        for part, run in parts:
            try:
                run(item.get(part), f"{where}.{part}")
            except check.FieldError as problem:
                found.append((problem.field, problem.message))
    return found


def _keyword_field(field: str) -> str:
    return "tags" + field.removeprefix("keywords")


def check_package(fields: Fields, *, creating: bool) -> None:
    """Raise one Invalid naming every field at fault (in the order a form shows them);
    ``creating`` also requires a name and a licence."""
    checks: list[tuple[str, object, Callable[[Any], object] | None]] = [
        ("name", fields.name if creating else None, _name),
        ("title", fields.title, lambda v: check.line(v, "title")),
        ("notes", fields.notes, lambda v: check.prose(v, "notes")),
        ("license_id", fields.license_id, lambda v: check.licence(v, "license_id")),
        ("creators", fields.creators, None),
        ("tags", fields.tags, lambda v: check.keywords(v, "keywords")),
        ("category", fields.category, lambda v: check.choice(v, "category", Category)),
        ("doi", fields.doi, lambda v: check.doi(v, "doi")),
    ]
    problems: dict[str, list[str]] = {}
    for field, value, run in checks:
        if creating and field in REQUIRED_TO_CREATE and not value:
            problems[field] = [REQUIRED_TO_CREATE[field]]
            continue
        if value is None:
            continue
        if run is None:  # the creators: every problem of each
            for at, message in _creators(value):
                problems.setdefault(at, []).append(message)
            continue
        try:
            run(value)
        except check.FieldError as problem:
            at = _keyword_field(problem.field) if field == "tags" else problem.field
            problems.setdefault(at, []).append(problem.message)
    if problems:
        raise Invalid.of(problems)
