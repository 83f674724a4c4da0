"""``holotype token ...``: API tokens from the command line (the site's operator, who may
make and revoke any user's tokens)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from holotype.cli.common import Cli, esc
from holotype.services.accounts import tokens
from holotype.services.identity import OPERATOR

token_app = typer.Typer(no_args_is_help=True, help="Create, list and revoke API tokens.")


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for.")],
    scope: Annotated[str, typer.Option(help="read (changes nothing) or write.")] = "read",
    days: Annotated[int, typer.Option(help="Days until it expires.")] = tokens.DEFAULT_DAYS,
) -> None:
    """Create an API token for USERNAME and print it (it is shown only this once)."""
    cli = Cli.of(ctx)
    with cli.portal() as p:
        info, raw = tokens.create_token(p, OPERATOR, name, scope, days, username=username)
    cli.out.print(f"Created token {esc(info.id)} ({esc(info.scopes)}) for {esc(info.username)}, "
                  f"expiring {info.expires:%Y-%m-%d}." if info.expires else
                  f"Created token {esc(info.id)} ({esc(info.scopes)}) for {esc(info.username)}.")
    cli.out.print("The token (shown only this once):")
    typer.echo(raw)


@token_app.command("list")
def token_list(
    ctx: typer.Context,
    username: str,
    as_json: Annotated[bool, typer.Option("--json", help="As JSON.")] = False,
) -> None:
    """List USERNAME's tokens (never the tokens themselves)."""
    cli = Cli.of(ctx)
    with cli.portal() as p:
        found = tokens.list_tokens(p, OPERATOR, username)
    if as_json:
        typer.echo(json.dumps([
            {"id": t.id, "name": t.name, "prefix": t.prefix, "scopes": t.scopes,
             "active": t.active, "created": t.created.isoformat(),
             "expires": t.expires.isoformat() if t.expires else None,
             "last_used": t.last_used.isoformat() if t.last_used else None,
             "revoked": t.revoked.isoformat() if t.revoked else None} for t in found]))
        return
    table = Table("id", "name", "starts with", "scopes", "expires", "last used", "state")
    for t in found:
        state = "active" if t.active else ("revoked" if t.revoked else "expired")
        table.add_row(esc(t.id), esc(t.name), esc(t.prefix), t.scopes,
                      f"{t.expires:%Y-%m-%d}" if t.expires else "never",
                      f"{t.last_used:%Y-%m-%d %H:%M}" if t.last_used else "never", state)
    cli.out.print(table)


@token_app.command("revoke")
def token_revoke(ctx: typer.Context, token: str) -> None:
    """Revoke a token by its id (or its first 8 characters)."""
    cli = Cli.of(ctx)
    with cli.portal() as p:
        info = tokens.revoke_token(p, OPERATOR, token)
    cli.out.print(f"Revoked token {esc(info.id)} ({esc(info.name)}) of {esc(info.username)}.")
