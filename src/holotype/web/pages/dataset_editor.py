"""The dataset editor: ``/dataset/new`` (a new dataset, for those who may create one) and
``/dataset/<slug>/edit`` (its metadata, for those who may manage it).

The form holds the title, the name in its address (new datasets only), the description in
Markdown, the licence, the creators (name, ORCID iD, affiliation; a blank row is ignored), the
keywords (separated by commas), the category, the organisation (those the editor may publish
in) and the visibility (when the editor may change it; a new dataset starts private unless the
editor chooses public). Saving goes through :mod:`holotype.services.publishing`, as the API's
``package_create`` and ``package_patch`` do. A refused save changes nothing and shows the form
again as it was typed, each problem next to its field. Every form carries its form token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from holotype.catalog.snapshots import DatasetInfo
from holotype.errors import NotFound, ServiceError, SignInRequired
from holotype.services import dataset_editor, publishing
from holotype.services.context import Portal
from holotype.services.dataset_editor import EditorChoices
from holotype.web.identity import identity_of
from holotype.web.pages.render import render

BLANK_CREATOR_ROWS = 2  # empty rows after the creators, to add new ones
MORE_ROWS = BLANK_CREATOR_ROWS + 3  # "More creator rows": three more empty rows
FIELDS = ("name", "title", "notes", "license_id", "creators", "tags", "category", "owner_org",
          "visibility")
_CREATOR = re.compile(r"^creators\[(\d+)\](?:\.(name|orcid|affiliation))?$")
CREATOR_PARTS = ("name", "orcid", "affiliation")
# Each input's label and id on the page, for the list of problems above the form.
INPUTS = {"title": ("Title", "ds-title"), "name": ("Short name", "ds-name"),
          "notes": ("Description", "ds-notes"), "license_id": ("Licence", "ds-licence"),
          "creators": ("Creators", "creator-0-name"), "tags": ("Keywords", "ds-tags"),
          "category": ("Category", "ds-category"), "owner_org": ("Organisation", "ds-org"),
          "visibility": ("Visibility", "ds-visibility-private")}
PART_LABELS = {"name": "name", "orcid": "ORCID iD", "affiliation": "affiliation"}


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


@dataclass
class EditorForm:
    """What the form holds, exactly as typed."""

    name: str = ""
    title: str = ""
    notes: str = ""
    license_id: str = ""
    category: str = "collection"
    owner_org: str = ""
    visibility: str = "private"  # a new dataset starts private
    tags: str = ""
    creators: list[dict[str, str]] = field(default_factory=list)

    def filled_creators(self) -> tuple[list[dict[str, str | None]], list[int]]:
        """The creator rows not left blank, and for each its row on the form."""
        kept: list[dict[str, str | None]] = []
        rows: list[int] = []
        for row, creator in enumerate(self.creators):
            if any(creator.get(part, "").strip() for part in CREATOR_PARTS):
                kept.append({part: creator.get(part, "").strip() or None
                             for part in CREATOR_PARTS})
                rows.append(row)
        return kept, rows

    def keywords(self) -> list[str]:
        return [word.strip() for word in self.tags.split(",") if word.strip()]

    def fields(self, choices: EditorChoices, creating: bool) -> publishing.PackageFields:
        creators, _ = self.filled_creators()
        return publishing.PackageFields(
            name=self.name.strip() if creating else None, title=self.title, notes=self.notes,
            license_id=self.license_id, category=self.category, owner_org=self.owner_org,
            private=self.visibility != "public" if choices.visibility else None,
            tags=self.keywords(), creators=creators)


def form_of(dataset: DatasetInfo) -> EditorForm:
    return EditorForm(
        name=dataset.slug, title=dataset.title, notes=dataset.description,
        license_id=dataset.licence.id, category=dataset.category,
        owner_org=dataset.organisation or "", visibility=dataset.visibility,
        tags=", ".join(dataset.keywords),
        creators=[{"name": c.name, "orcid": c.orcid or "", "affiliation": c.affiliation or ""}
                  for c in dataset.creators])


def problems_by_input(form: EditorForm, exc: ServiceError) -> dict[str, list[str]]:
    """The error's messages by the form's inputs (``creators.<row>.orcid``); a problem with no
    input of its own is under ``""`` (shown above the form)."""
    _, rows = form.filled_creators()
    found: dict[str, list[str]] = {}
    errors = exc.errors or {exc.field or "": [exc.message]}
    for name, messages in errors.items():
        key = "visibility" if name == "private" else name
        creator = _CREATOR.match(name)
        if creator is not None:
            index = int(creator.group(1))
            row = rows[index] if index < len(rows) else index
            key = f"creators.{row}.{creator.group(2) or 'name'}"
        elif name.startswith("tags"):
            key = "tags"
        elif key not in FIELDS:
            key = ""
        found.setdefault(key, []).extend(messages)
    return found


def summary(problems: dict[str, list[str]]) -> list[dict[str, str]]:
    """The problems as a list above the form, each linking to its input."""
    found: list[dict[str, str]] = []
    for key, messages in problems.items():
        if key.startswith("creators."):
            _, row, part = key.split(".")
            label, target = (f"Creator {int(row) + 1}: {PART_LABELS[part]}",
                             f"creator-{row}-{part}")
        else:
            label, target = INPUTS.get(key, ("", ""))
        found.extend({"label": label, "target": target, "message": m} for m in messages)
    return found


def _choices_data(choices: EditorChoices) -> dict[str, Any]:
    return {"organisations": [{"slug": o.slug, "name": o.name} for o in choices.organisations],
            "no_organisation": choices.no_organisation,
            "licences": [{"id": lic.id, "title": lic.title} for lic in choices.licences],
            "categories": list(choices.categories), "visibility": choices.visibility}


def _creator_rows(form: EditorForm, extra: int) -> list[dict[str, str]]:
    rows = [dict(c) for c in form.creators]
    while rows and not any(rows[-1].get(p, "").strip() for p in CREATOR_PARTS):
        rows.pop()  # trailing blank rows: made again below
    return rows + [{p: "" for p in CREATOR_PARTS} for _ in range(extra)]


async def _posted(request: Request, name: str | None = None) -> tuple[str, EditorForm]:
    """The button pressed (``save`` or ``more``) and the form as it was typed."""
    sent = await request.form()

    def text(key: str, default: str = "") -> str:
        value = sent.get(key, default)
        return value if isinstance(value, str) else default

    def texts(key: str) -> list[str]:
        return [v if isinstance(v, str) else "" for v in sent.getlist(key)]

    columns = {part: texts(f"creator_{part}") for part in CREATOR_PARTS}
    count = max(len(values) for values in columns.values())
    creators = [{part: values[row] if row < len(values) else ""
                 for part, values in columns.items()} for row in range(count)]
    form = EditorForm(name=text("name") if name is None else name, title=text("title"),
                      notes=text("notes"), license_id=text("license_id"),
                      category=text("category", "collection"), owner_org=text("owner_org"),
                      visibility=text("visibility", "private"), tags=text("tags"),
                      creators=creators)
    return text("action", "save"), form


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    def page(request: Request, form: EditorForm, choices: EditorChoices, *,
             dataset: DatasetInfo | None, status: int = 200,
             problems: dict[str, list[str]] | None = None, extra_rows: int = BLANK_CREATOR_ROWS
             ) -> Response:
        problems = problems or {}
        data = {"creating": dataset is None,
                "action": "/dataset/new" if dataset is None else f"/dataset/{dataset.slug}/edit",
                "dataset_url": None if dataset is None else f"/dataset/{dataset.slug}",
                "form": {**{k: getattr(form, k) for k in FIELDS if k != "creators"},
                         "creators": _creator_rows(form, extra_rows)},
                "errors": problems, "choices": _choices_data(choices)}
        context = {"problem_list": summary(problems)}
        return render(request, templates, "dataset_edit.html", context, data, status=status)

    def refused(exc: ServiceError) -> bool:
        """A refusal the form cannot help with (sign in, not found, not allowed at all)."""
        return (isinstance(exc, SignInRequired | NotFound)
                or (exc.status == 403 and exc.field in (None, "id", "scope", "dataset")))

    @router.get("/dataset/new", include_in_schema=False)
    def new_form(request: Request) -> Response:
        choices = dataset_editor.new_dataset(_portal(request), identity_of(request))
        first = choices.organisations[0].slug if choices.organisations else ""
        return page(request, EditorForm(owner_org=first), choices, dataset=None)

    def create(request: Request, action: str, form: EditorForm) -> Response:
        portal, identity = _portal(request), identity_of(request)
        choices = dataset_editor.new_dataset(portal, identity)
        if action == "more":
            return page(request, form, choices, dataset=None, extra_rows=MORE_ROWS)
        try:
            made = publishing.package_create(portal, identity, form.fields(choices, True))
        except ServiceError as exc:
            if refused(exc):
                raise
            return page(request, form, choices, dataset=None, status=exc.status,
                        problems=problems_by_input(form, exc))
        return RedirectResponse(f"/dataset/{made.slug}", status_code=303)

    @router.post("/dataset/new", include_in_schema=False)
    async def create_posted(request: Request) -> Response:
        action, form = await _posted(request)
        return await run_in_threadpool(create, request, action, form)

    @router.get("/dataset/{slug}/edit", include_in_schema=False)
    def edit_form(request: Request, slug: str) -> Response:
        entry, choices = dataset_editor.edit_dataset(_portal(request), identity_of(request),
                                                     slug)
        return page(request, form_of(entry.dataset), choices, dataset=entry.dataset)

    def edit(request: Request, slug: str, action: str, form: EditorForm) -> Response:
        portal, identity = _portal(request), identity_of(request)
        entry, choices = dataset_editor.edit_dataset(portal, identity, slug)
        found = entry.dataset
        form.name = found.slug
        if action == "more":
            return page(request, form, choices, dataset=found, extra_rows=MORE_ROWS)
        try:
            publishing.package_change(portal, identity, found.id, form.fields(choices, False),
                                      "package_patch", replace=False)
        except ServiceError as exc:
            if refused(exc):
                raise
            return page(request, form, choices, dataset=found, status=exc.status,
                        problems=problems_by_input(form, exc))
        return RedirectResponse(f"/dataset/{found.slug}", status_code=303)

    @router.post("/dataset/{slug}/edit", include_in_schema=False)
    async def edit_posted(request: Request, slug: str) -> Response:
        action, form = await _posted(request, name="")
        return await run_in_threadpool(edit, request, slug, action, form)

    return router
