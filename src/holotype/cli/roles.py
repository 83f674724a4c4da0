"""``holotype user set-role`` and ``holotype organisation ...``: organisations and who holds
which role in them, as the site's operator (every change is audited, as from the web)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from holotype.cli.common import Cli, esc
from holotype.services import organisations
from holotype.services.identity import OPERATOR

organisation_app = typer.Typer(no_args_is_help=True,
                               help="Organisations that publish datasets, and their members.")


def user_set_role(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user's name.")],
    organisation: Annotated[str, typer.Argument(help="The organisation's short name.")],
    role: Annotated[str, typer.Argument(help="member, editor or admin.")] = "member",
    remove: Annotated[bool, typer.Option(help="Remove the user from the organisation.")] = False,
) -> None:
    """Give USERNAME ROLE in ORGANISATION (adding them), or with --remove take them out."""
    cli = Cli.of(ctx)
    with cli.portal() as p:
        change = organisations.set_role(p, OPERATOR, organisation, username,
                                        None if remove else role)
    if change.before == change.after:
        cli.out.print(f"Nothing to change: {esc(username)} is "
                      f"{esc(change.after or 'not a member')} there.")
    elif change.after is None:
        cli.out.print(f"Removed [bold]{esc(username)}[/] from {esc(organisation)}.")
    else:
        cli.out.print(f"[bold]{esc(username)}[/] is now {esc(change.after)} of "
                      f"{esc(organisation)} (was {esc(change.before or 'not a member')}).")


@organisation_app.command("create")
def organisation_create(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Short name, used in addresses.")],
    name: Annotated[str, typer.Option(help="The organisation's full name.")],
    description: Annotated[str, typer.Option(help="What it is.")] = "",
) -> None:
    """Create an organisation."""
    cli = Cli.of(ctx)
    with cli.portal() as p:
        made = organisations.create_organisation(p, OPERATOR, slug, name, description)
    cli.out.print(f"Created the organisation [bold]{esc(made.slug)}[/].")


@organisation_app.command("list")
def organisation_list(ctx: typer.Context) -> None:
    """List every organisation."""
    cli = Cli.of(ctx)
    with cli.portal() as p:
        found = organisations.list_organisations(p, OPERATOR)
    if not found:
        cli.out.print("No organisations yet: make one with `holotype organisation create`.")
        return
    table = Table()
    for column in ("slug", "name", "description"):
        table.add_column(column, overflow="fold")
    for o in found:
        table.add_row(*map(esc, (o.slug, o.name, o.description)))
    cli.out.print(table)


@organisation_app.command("members")
def organisation_members(
    ctx: typer.Context,
    organisation: Annotated[str, typer.Argument(help="The organisation's short name.")],
) -> None:
    """List an organisation's members and their roles."""
    cli = Cli.of(ctx)
    with cli.portal() as p:
        found = organisations.list_members(p, OPERATOR, organisation)
    if not found:
        cli.out.print(f"{esc(organisation)} has no members yet: add one with "
                      "`holotype user set-role USERNAME ORGANISATION ROLE`.")
        return
    table = Table()
    for column in ("username", "name", "role", "granted by"):
        table.add_column(column, overflow="fold")
    for m in found:
        table.add_row(*map(esc, (m.username, m.display_name, m.role, m.source)))
    cli.out.print(table)
