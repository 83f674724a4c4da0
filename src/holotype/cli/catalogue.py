"""``holotype dataset ...`` and ``holotype resource ...``: the catalogue from the command line."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from holotype.cli.common import Cli, esc
from holotype.services import catalogue
from holotype.services.citations.dataset_dois import reconcile_dataset_dois
from holotype.services.identity import ANONYMOUS, OPERATOR

dataset_app = typer.Typer(no_args_is_help=True,
                          help="Create, change, delete, list and show datasets.")
resource_app = typer.Typer(no_args_is_help=True, help="Create and list a dataset's resources.")


@dataset_app.command("create")
def dataset_create(
    ctx: typer.Context,
    slug: str,
    title: Annotated[str, typer.Option(help="Title.")],
    licence: Annotated[str, typer.Option(help="SPDX licence id, e.g. CC-BY-4.0.")],
    description: Annotated[str, typer.Option(help="Description.")] = "",
    category: Annotated[str, typer.Option(help="collection or research.")] = "collection",
    visibility: Annotated[str, typer.Option(help="public or private.")] = "public",
    organisation: Annotated[str | None, typer.Option(help="Organisation slug.")] = None,
    creator: Annotated[
        list[str] | None, typer.Option(help="Creator as 'Name' or 'Name|ORCID'; repeatable.")
    ] = None,
    keyword: Annotated[list[str] | None, typer.Option(help="Keyword; repeatable.")] = None,
    doi: Annotated[str | None, typer.Option(help="DOI, e.g. 10.5519/abc.")] = None,
) -> None:
    """Create a dataset."""
    cli = Cli.of(ctx)
    with cli.portal() as p:
        with p.write_session() as session:
            created = catalogue.create_dataset(
                session,
                slug=slug,
                title=title,
                licence=licence,
                description=description,
                category=category,
                visibility=visibility,
                organisation=organisation,
                creators=_creators(creator),
                keywords=keyword or [],
                doi=doi,
            )
        reconcile_dataset_dois(p, [created.id])
    cli.out.print(f"Created dataset {esc(created.slug)}.")


@dataset_app.command("update")
def dataset_update(
    ctx: typer.Context,
    slug: str,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    licence: Annotated[str | None, typer.Option(help="New SPDX licence id.")] = None,
    description: Annotated[str | None, typer.Option(help="New description.")] = None,
    visibility: Annotated[str | None, typer.Option(help="public or private.")] = None,
    creator: Annotated[
        list[str] | None, typer.Option(help="Creators, replacing them all: 'Name|ORCID'.")
    ] = None,
    keyword: Annotated[list[str] | None, typer.Option(help="Keywords, replacing them all.")
                       ] = None,
) -> None:
    """Change a dataset's metadata (options not given stay as they are)."""
    cli = Cli.of(ctx)
    changes: dict[str, Any] = {
        name: value for name, value in (("title", title), ("licence", licence),
                                        ("description", description),
                                        ("visibility", visibility), ("keywords", keyword))
        if value is not None}
    if creator is not None:
        changes["creators"] = _creators(creator)
    with cli.portal() as p:
        with p.write_session() as session:
            updated = catalogue.update_dataset(session, slug, **changes)
        reconcile_dataset_dois(p, [updated.id])
    cli.out.print(f"Updated dataset {esc(updated.slug)}.")


@dataset_app.command("delete")
def dataset_delete(ctx: typer.Context, slug: str) -> None:
    """Delete a dataset with its resources and records (its DOI, if any, gets a tombstone)."""
    from holotype.services.records import delete_dataset

    cli = Cli.of(ctx)
    with cli.portal() as p:
        delete_dataset(p, OPERATOR, slug)
    cli.out.print(f"Deleted dataset {esc(slug)}.")


def _creators(texts: list[str] | None) -> list[dict[str, str | None]]:
    """Creators given as 'Name' or 'Name|ORCID'."""
    creators: list[dict[str, str | None]] = []
    for text in texts or []:
        name, _, orcid = text.partition("|")
        creators.append({"name": name.strip(), "orcid": orcid.strip() or None})
    return creators


@dataset_app.command("list")
def dataset_list(
    ctx: typer.Context,
    private: Annotated[bool, typer.Option(help="Include private datasets.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List datasets with their record counts."""
    from holotype.services.records import dataset_summaries

    cli = Cli.of(ctx)
    with cli.portal() as p:
        summaries = dataset_summaries(p, OPERATOR if private else ANONYMOUS)
    if as_json:
        cli.out.print_json(
            json.dumps(
                [
                    {
                        "slug": s.dataset.slug,
                        "title": s.dataset.title,
                        "records": s.records,
                        "category": s.dataset.category,
                        "visibility": s.dataset.visibility,
                    }
                    for s in summaries
                ]
            )
        )
        return
    table = Table()
    for column in ("slug", "category", "visibility", "licence", "records", "title"):
        if column == "records":
            table.add_column(column, justify="right", no_wrap=True)
        else:
            table.add_column(column, overflow="fold")
    for s in summaries:
        d = s.dataset
        table.add_row(
            *map(esc, (d.slug, d.category, d.visibility, d.licence.id)),
            f"{s.records:,}",
            esc(d.title),
        )
    cli.out.print(table)


@dataset_app.command("show")
def dataset_show(ctx: typer.Context, slug: str) -> None:
    """Show a dataset's metadata, resources and versions."""
    from holotype.services.records import record_count

    cli = Cli.of(ctx)
    say = cli.out.print
    with cli.portal() as p:
        with p.session() as session:
            d = catalogue.get_dataset(session, slug)
            resources = catalogue.list_resources(session, d.id)
        say(f"[bold]{esc(d.title)}[/] ({esc(d.slug)})")
        licence = f"licence {esc(d.licence.id)} {esc(d.licence.url)}"
        say(f"  {esc(d.category)}, {esc(d.visibility)}, {licence}")
        if d.organisation:
            say(f"  organisation: {esc(d.organisation)}")
        if d.doi:
            say(f"  DOI: https://doi.org/{esc(d.doi)}")
        for c in d.creators:
            say(f"  creator: {esc(c.name)}" + (f" (ORCID {esc(c.orcid)})" if c.orcid else ""))
        if d.keywords:
            say(f"  keywords: {esc(', '.join(d.keywords))}")
        if d.description:
            say(f"  {esc(d.description)}")
        for r in resources:
            count = record_count(p, r)
            n_versions = len(p.store.resource(r.id).versions())
            say(
                f"  resource {esc(r.slug)} ({esc(r.kind)}): {count:,} records, "
                f"{n_versions} versions, id field {esc(r.id_field or '(generated)')}"
            )


@resource_app.command("create")
def resource_create(
    ctx: typer.Context,
    dataset: str,
    slug: str,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    id_field: Annotated[str | None, typer.Option(help="Field with record ids.")] = None,
    kind: Annotated[str, typer.Option(help="records or file.")] = "records",
) -> None:
    """Add a resource to a dataset."""
    cli = Cli.of(ctx)
    with cli.portal() as p, p.write_session() as session:
        created = catalogue.create_resource(
            session, dataset, slug=slug, name=name or slug, kind=kind, id_field=id_field
        )
    cli.out.print(
        f"Created resource {esc(created.dataset_slug)}/{esc(created.slug)} ({esc(created.id)})."
    )
