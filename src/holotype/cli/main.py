"""The ``holotype`` command line: set up, load, inspect and serve a portal."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from holotype.config import ConfigError, Settings, describe, load_settings
from holotype.ingest.errors import IngestError
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.errors import ServiceError
from holotype.store.locking import Busy

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
dataset_app = typer.Typer(no_args_is_help=True, help="Create, list and show datasets.")
resource_app = typer.Typer(no_args_is_help=True, help="Create and list a dataset's resources.")
config_app = typer.Typer(no_args_is_help=True, help="Inspect the configuration.")
app.add_typer(dataset_app, name="dataset")
app.add_typer(resource_app, name="resource")
app.add_typer(config_app, name="config")

out = Console()
err = Console(stderr=True)
ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML settings file (or HOLOTYPE_CONFIG).")
]
_state: dict[str, Any] = {}


@app.callback()
def _root(config: ConfigOption = None) -> None:
    _state["config"] = config


def settings() -> Settings:
    return load_settings(_state.get("config"))


@contextmanager
def portal(migrate: bool = True) -> Iterator[Portal]:
    opened = Portal.open(settings(), migrate=migrate)
    try:
        yield opened
    finally:
        opened.close()


@contextmanager
def steps(label: str) -> Iterator[Callable[[str], None]]:
    """A live progress line for long work: each step's name with elapsed time."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),  # a pulsing bar: steps have no known length
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)
        yield lambda step: progress.update(task, description=f"{label}: {step}")


def when(version: int) -> str:
    return datetime.fromtimestamp(version / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "Z"


@app.command()
def init() -> None:
    """Create the data directory and the catalogue (runs database migrations)."""
    with portal() as p:
        out.print(f"Holotype is ready in [bold]{p.settings.data_dir.resolve()}[/]")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the portal over HTTP."""
    import uvicorn

    from holotype.web.app import create_app

    s = settings()
    with portal():
        pass  # migrate before the first request
    out.print(f"Serving {s.site_name} on http://{host or s.host}:{port or s.port}/")
    uvicorn.run(create_app(s), host=host or s.host, port=port or s.port, log_level="info")


@app.command()
def demo(
    records: Annotated[int | None, typer.Option(help="Specimen records to generate.")] = None,
    if_empty: Annotated[bool, typer.Option(help="Do nothing if the demo is loaded.")] = False,
) -> None:
    """Load demo datasets of realistic synthetic specimen records."""
    from holotype.services.demo import has_demo, load_demo

    with portal() as p:
        if if_empty and has_demo(p):
            out.print("Demo datasets are already loaded.")
            return
        count = p.settings.demo_records if records is None else records
        with steps("Loading demo data") as say:
            outcomes = load_demo(p, count, progress=say)
        for outcome in outcomes:
            r = outcome.result
            out.print(
                f"{outcome.resource.dataset_slug}/{outcome.resource.slug}: {r.total:,} records"
                + ("" if r.version else " (unchanged)")
            )


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX, JSON, JSON Lines or DwC-A zip.")],
    resource: Annotated[str, typer.Option(help="DATASET/RESOURCE to ingest into.")],
    mode: Annotated[str, typer.Option(help="update (upsert) or replace.")] = "update",
    id_field: Annotated[str | None, typer.Option(help="Field with record ids.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Override format detection.")] = None,
    create: Annotated[bool, typer.Option(help="Create the resource if missing.")] = False,
) -> None:
    """Ingest a file as a new version of a resource."""
    from holotype.services.records import ingest as run_ingest

    with portal() as p:
        if create:
            _ensure_resource(p, resource, id_field)
        with steps(f"Ingesting {file.name}") as say:
            outcome = run_ingest(
                p, resource, file, fmt=fmt, id_field=id_field, mode=mode, progress=say
            )
    r = outcome.result
    if r.version is None:
        out.print(f"No change: {resource} already holds this content ({r.total:,} records).")
    else:
        out.print(
            f"Version {r.version} ({when(r.version)}): {r.added:,} added, {r.changed:,} changed, "
            f"{r.removed:,} removed; {r.total:,} records."
        )
    for warning in r.warnings:
        err.print(f"[yellow]warning:[/] {warning}")


def _ensure_resource(p: Portal, ref: str, id_field: str | None) -> None:
    dataset, _, slug = ref.partition("/")
    with p.session() as session:
        try:
            catalogue.get_resource(session, ref)
        except ServiceError:
            catalogue.create_resource(
                session,
                dataset,
                slug=slug,
                name=slug.replace("-", " ").capitalize(),
                id_field=id_field,
            )
            err.print(f"Created resource {ref}.")


@app.command()
def versions(resource: Annotated[str, typer.Argument(help="DATASET/RESOURCE or id.")]) -> None:
    """List a resource's versions with what each changed."""
    from holotype.services.records import versions as list_versions

    with portal() as p:
        found, found_versions = list_versions(p, resource)
    table = Table(title=f"{found.dataset_slug}/{found.slug}")
    for column in (
        "version",
        "committed (UTC)",
        "added",
        "changed",
        "removed",
        "records",
        "mode",
        "source",
    ):
        table.add_column(
            column,
            justify="right" if column in {"added", "changed", "removed", "records"} else "left",
        )
    for v in found_versions:
        table.add_row(
            str(v.version),
            when(v.version),
            f"{v.added:,}",
            f"{v.changed:,}",
            f"{v.removed:,}",
            f"{v.total:,}",
            v.mode,
            v.source.name if v.source else "",
        )
    out.print(table)


@dataset_app.command("create")
def dataset_create(
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
    creators = []
    for text in creator or []:
        name, _, orcid = text.partition("|")
        creators.append({"name": name.strip(), "orcid": orcid.strip() or None})
    with portal() as p, p.session() as session:
        created = catalogue.create_dataset(
            session,
            slug=slug,
            title=title,
            licence=licence,
            description=description,
            category=category,
            visibility=visibility,
            organisation=organisation,
            creators=creators,
            keywords=keyword or [],
            doi=doi,
        )
    out.print(f"Created dataset {created.slug}.")


@dataset_app.command("list")
def dataset_list(
    private: Annotated[bool, typer.Option(help="Include private datasets.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List datasets with their record counts."""
    from holotype.services.records import dataset_summaries

    with portal() as p:
        summaries = dataset_summaries(p, include_private=private)
    if as_json:
        out.print_json(
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
    for column in ("slug", "title", "category", "visibility", "licence", "records"):
        table.add_column(column, justify="right" if column == "records" else "left")
    for s in summaries:
        d = s.dataset
        table.add_row(d.slug, d.title, d.category, d.visibility, d.licence.id, f"{s.records:,}")
    out.print(table)


@dataset_app.command("show")
def dataset_show(slug: str) -> None:
    """Show a dataset's metadata, resources and versions."""
    from holotype.services.records import record_count

    with portal() as p:
        with p.session() as session:
            d = catalogue.get_dataset(session, slug)
            resources = catalogue.list_resources(session, d.id)
        out.print(f"[bold]{d.title}[/] ({d.slug})")
        out.print(f"  {d.category}, {d.visibility}, licence {d.licence.id} {d.licence.url}")
        if d.organisation:
            out.print(f"  organisation: {d.organisation}")
        if d.doi:
            out.print(f"  DOI: https://doi.org/{d.doi}")
        for c in d.creators:
            out.print(f"  creator: {c.name}" + (f" (ORCID {c.orcid})" if c.orcid else ""))
        if d.keywords:
            out.print(f"  keywords: {', '.join(d.keywords)}")
        if d.description:
            out.print(f"  {d.description}")
        for r in resources:
            count = record_count(p, r)
            n_versions = len(p.store.resource(r.id).versions())
            out.print(
                f"  resource {r.slug} ({r.kind}): {count:,} records, {n_versions} versions, "
                f"id field {r.id_field or '(generated)'}"
            )


@resource_app.command("create")
def resource_create(
    dataset: str,
    slug: str,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    id_field: Annotated[str | None, typer.Option(help="Field with record ids.")] = None,
    kind: Annotated[str, typer.Option(help="records or file.")] = "records",
) -> None:
    """Add a resource to a dataset."""
    with portal() as p, p.session() as session:
        created = catalogue.create_resource(
            session, dataset, slug=slug, name=name or slug, kind=kind, id_field=id_field
        )
    out.print(f"Created resource {created.dataset_slug}/{created.slug} ({created.id}).")


@config_app.command("check")
def config_check() -> None:
    """Validate the configuration and print the effective settings."""
    s = settings()
    table = Table(title="Effective settings")
    for column in ("setting", "value", "help"):
        table.add_column(column, overflow="fold")
    for name, value, help_text in describe(s):
        table.add_row(name, value, help_text)
    out.print(table)
    out.print("[green]Configuration is valid.[/]")


def main() -> None:
    try:
        app()
    except (ConfigError, IngestError, ServiceError, Busy) as exc:
        message = exc.location_message() if isinstance(exc, IngestError) else str(exc)
        if isinstance(exc, ServiceError):
            message = exc.message + (f" (field: {exc.field})" if exc.field else "")
        err.print(f"[red]error:[/] {message}", highlight=False)
        raise SystemExit(1) from None
