"""The ``holotype`` command line: set up, load, inspect and serve a portal."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from holotype.cli.catalogue import dataset_app, resource_app
from holotype.cli.common import Cli, CliError, esc, listening_url, when
from holotype.cli.dois import doi_app
from holotype.cli.ingest import ingest
from holotype.cli.media import media_app
from holotype.cli.roles import organisation_app, user_set_role
from holotype.cli.tokens import token_app
from holotype.cli.users import user_app
from holotype.config import ConfigError
from holotype.config_report import masked_url
from holotype.errors import ServiceError
from holotype.ingest.errors import IngestError
from holotype.locking import Busy
from holotype.services.identity import OPERATOR

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
config_app = typer.Typer(no_args_is_help=True, help="Inspect the configuration.")
app.add_typer(dataset_app, name="dataset")
app.add_typer(resource_app, name="resource")
app.add_typer(config_app, name="config")
app.add_typer(doi_app, name="doi")
app.add_typer(media_app, name="media")
app.add_typer(token_app, name="token")
app.add_typer(user_app, name="user")
app.add_typer(organisation_app, name="organisation")
user_app.command("set-role")(user_set_role)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML settings file (or HOLOTYPE_CONFIG).")
]


@app.callback()
def _root(ctx: typer.Context, config: ConfigOption = None) -> None:
    Cli.of(ctx).config = config


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the data directory and the catalogue (runs database migrations), and the key
    that signs sessions (DATA_DIR/secret_key) unless HOLOTYPE_SECRET_KEY gives one."""
    from holotype.services.accounts.keys import ensure_key_file

    cli = Cli.of(ctx)
    with cli.portal() as p:
        written = ensure_key_file(p.settings)
        if written is not None:
            cli.out.print(f"Wrote a new signing key to {esc(written)}")
        cli.out.print(f"Holotype is ready in [bold]{esc(p.settings.data_dir.resolve())}[/]")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the portal over HTTP."""
    import uvicorn

    from holotype.web.server import server_config

    cli = Cli.of(ctx)
    s = cli.settings()
    with cli.portal():
        pass  # migrate before the first request
    address = host or s.host
    listening = f"http://[{address}]" if ":" in address else f"http://{address}"
    url = listening_url(f"{listening}:{port or s.port}", s.public_base_url)
    announce = f"{s.site_name} is running: open {url} — press Ctrl-C to stop"

    class Announcing(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:  # listening: now the address works
                cli.out.print(f"[bold green]{esc(announce)}[/]", soft_wrap=True)

    server = Announcing(server_config(s, host=host, port=port))
    server.run()
    if not server.started:  # e.g. the port is taken: uvicorn has said why
        raise SystemExit(3)


@app.command()
def worker(
    ctx: typer.Context,
    poll: Annotated[float, typer.Option(help="Seconds between looks at an empty queue.")] = 1.0,
) -> None:
    """Run a download worker, an image conversion worker and a draft review worker until
    stopped (Ctrl-C or SIGTERM); run several to scale out."""
    import signal
    import threading

    from holotype.services.downloads import run_until
    from holotype.services.drafts import worker as draft_worker
    from holotype.services.iiif import converter

    cli = Cli.of(ctx)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_args: stop.set())
    with cli.portal() as p:
        images = threading.Thread(target=converter.run_until, args=(p, stop, poll),
                                  name="image-conversion-worker")
        drafts = threading.Thread(target=draft_worker.run_until, args=(p, stop, poll),
                                  name="draft-review-worker")
        images.start()
        drafts.start()
        cli.err.print(f"Download worker {os.getpid()} waiting for jobs, with an image "
                      "conversion worker and a draft review worker (Ctrl-C stops them).")
        try:
            run_until(p, stop, poll)
        finally:
            stop.set()
            images.join()
            drafts.join()
    cli.err.print("Download worker stopped. Image conversion worker stopped. Draft review "
                  "worker stopped.")


@app.command()
def index(ctx: typer.Context) -> None:
    """Build the search index of every resource that lacks one (the server also does this at
    start-up, in the background)."""
    from holotype.services.indexing import index_missing

    cli = Cli.of(ctx)
    with cli.portal() as p:
        built = index_missing(p)
    cli.out.print(f"Indexed {len(built)} resources." if built else "Every resource is indexed.")


@app.command()
def demo(
    ctx: typer.Context,
    records: Annotated[int | None, typer.Option(help="Specimen records to generate.")] = None,
    if_empty: Annotated[bool, typer.Option(help="Do nothing if the demo is loaded.")] = False,
) -> None:
    """Load demo datasets of realistic synthetic specimen records."""
    from holotype.services.demo import boundaries, ensure_admin, has_demo, load_demo

    cli = Cli.of(ctx)
    with cli.portal() as p:
        password = ensure_admin(p, OPERATOR)
        if password is not None:
            cli.out.print(f"[bold]Admin account: admin / {esc(password)}[/] (shown once; sign "
                          "in at /user/login and change it on your account page)",
                          highlight=False, soft_wrap=True)
        if if_empty and has_demo(p):
            cli.out.print("Demo datasets are already loaded.")
            return
        count = p.settings.demo_records if records is None else records
        if boundaries(p) is None:
            cli.err.print(
                "[yellow]note:[/] geo_areas_dir has no Natural Earth boundaries, so demo "
                "coordinates are only roughly placed, not checked to lie in their country.",
                soft_wrap=True,
            )
        with cli.bar("Loading demo data") as say:
            outcomes = load_demo(p, OPERATOR, count, progress=say)
        for outcome in outcomes:
            r = outcome.result
            ref = f"{outcome.resource.dataset_slug}/{outcome.resource.slug}"
            cli.out.print(
                f"{esc(ref)}: {r.total:,} records" + ("" if r.version else " (unchanged)")
            )


app.command()(ingest)  # holotype/cli/ingest.py


@app.command()
def versions(
    ctx: typer.Context,
    resource: Annotated[str, typer.Argument(help="DATASET/RESOURCE or id.")],
) -> None:
    """List a resource's versions with what each changed."""
    from holotype.services.records import versions as list_versions

    cli = Cli.of(ctx)
    with cli.portal() as p:
        found, found_versions = list_versions(p, OPERATOR, resource)
    table = Table(title=esc(f"{found.dataset_slug}/{found.slug}"))
    # The version is what users type to read the past: it is never shortened. Other columns
    # wrap (the file name last) when the terminal is narrow.
    table.add_column("version", no_wrap=True)
    table.add_column("committed (UTC)", overflow="fold")
    for column in ("added", "changed", "removed", "records"):
        table.add_column(column, justify="right", overflow="fold")
    table.add_column("mode", overflow="fold")
    table.add_column("source", overflow="fold")
    for v in found_versions:
        table.add_row(
            str(v.version),
            when(v.version),
            f"{v.added:,}",
            f"{v.changed:,}",
            f"{v.removed:,}",
            f"{v.total:,}",
            esc(v.mode),
            esc(v.source.name) if v.source else "",
        )
    cli.out.print(table)
    for v in found_versions:
        for warning in v.warnings:
            cli.out.print(f"[yellow]warning[/] (version {v.version}): {esc(warning)}")


@config_app.command("check")
def config_check(ctx: typer.Context) -> None:
    """Validate the configuration and print the effective settings."""
    from holotype.config_report import describe

    cli = Cli.of(ctx)
    table = Table(title="Effective settings")
    for column in ("setting", "value", "help"):
        table.add_column(column, overflow="fold")
    for name, value, help_text in describe(cli.settings()):
        table.add_row(esc(name), esc(value), esc(help_text))
    cli.out.print(table)
    cli.out.print("[green]Configuration is valid.[/]")


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _message(cli: Cli, exc: Exception) -> str:
    if isinstance(exc, IngestError):
        return exc.location_message()
    if isinstance(exc, ServiceError):
        return exc.message + (f" (field: {exc.field})" if exc.field else "")
    if isinstance(exc, OperationalError | ArgumentError):
        url = cli.loaded.catalogue_url if cli.loaded else None
        where = f" at {masked_url(url)}" if url else ""
        detail = _first_line(exc)
        password = make_url(url).password if url else None
        if password:  # in case the driver quotes the URL
            detail = detail.replace(str(password), "***")
        return f"cannot reach the catalogue database{where}: {detail}"
    if isinstance(exc, duckdb.Error):
        return f"the query engine (DuckDB) failed: {_first_line(exc)}"
    return str(exc)


def main() -> None:
    cli = Cli()
    try:
        app(obj=cli)
    except (
        CliError,
        ConfigError,
        IngestError,
        ServiceError,
        Busy,
        OperationalError,
        ArgumentError,
        duckdb.Error,
    ) as exc:
        # soft_wrap: one line, however long, even when standard error is not a terminal.
        cli.err.print(f"[red]error:[/] {esc(_message(cli, exc))}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
