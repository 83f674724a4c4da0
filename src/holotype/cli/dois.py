"""``holotype doi ...``: where the portal's DOIs stand at the registrar, and sending them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from holotype.cli.common import Cli, CliError, esc
from holotype.services.citations.doi_sync import DoiStatus, list_dois, retry_doi, sync_due
from holotype.services.identity import OPERATOR

doi_app = typer.Typer(no_args_is_help=True, help="The portal's DOIs and their registration.")


def _table(statuses: list[DoiStatus], title: str | None = None) -> Table:
    table = Table(title=title)
    for column in ("doi", "kind", "state", "registrar", "sync", "attempts", "last error"):
        table.add_column(column, overflow="fold", justify="right" if column == "attempts"
                         else "left")
    for s in statuses:
        state = s.state + (" (tombstone)" if s.tombstone else "")
        registrar = s.registrar_state or "(not sent)"
        sync = s.sync_status
        if s.sync_status == "pending" and s.next_attempt is not None and s.attempts:
            sync += f" (next try {s.next_attempt:%Y-%m-%d %H:%M:%S}Z)"
        table.add_row(*map(esc, (s.doi, s.kind, state, registrar, sync, s.attempts,
                                 s.last_error or "")))
    return table


@doi_app.command("list")
def doi_list(ctx: typer.Context) -> None:
    """List every DOI: decided state, registrar state, sync status, attempts and last error."""
    cli = Cli.of(ctx)
    with cli.portal() as p:
        statuses = list_dois(p, OPERATOR)
    if not statuses:
        cli.out.print("No DOIs." if p.settings.doi_provider != "none"
                      else "No DOIs (doi_provider is none).")
        return
    cli.out.print(_table(statuses))


@doi_app.command("sync")
def doi_sync(
    ctx: typer.Context,
    now: Annotated[bool, typer.Option("--now", help="Also send DOIs waiting out a back-off."
                                      )] = False,
) -> None:
    """Decide dataset DOIs from the catalogue, then send every pending DOI to the registrar
    once (`holotype serve` does this continually)."""
    from holotype.services.citations.dataset_dois import reconcile_dataset_dois

    cli = Cli.of(ctx)
    with cli.portal() as p:
        if p.settings.doi_provider == "none":
            cli.out.print("Nothing to send: doi_provider is none.")
            return
        reconcile_dataset_dois(p)
        tried = sync_due(p, include_waiting=now)
    if not tried:
        cli.out.print("Every DOI is up to date at the registrar.")
        return
    cli.out.print(_table(tried, title="Sent"))
    left = [s for s in tried if s.sync_status != "synced"]
    if left:
        raise CliError(f"{len(left)} of {len(tried)} DOIs did not get through; see "
                       "`holotype doi list`")


@doi_app.command("retry")
def doi_retry(ctx: typer.Context, doi: str) -> None:
    """Queue a failed DOI to be sent again (after fixing what the registrar refused)."""
    cli = Cli.of(ctx)
    with cli.portal() as p:
        status = retry_doi(p, OPERATOR, doi)
    cli.out.print(f"DOI {esc(status.doi)} is queued ({esc(status.sync_status)}); "
                  "`holotype doi sync` or a running server sends it.")
