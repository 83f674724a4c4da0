"""``holotype user ...``: make accounts and list them, as the site's operator."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from holotype.cli.common import Cli, esc
from holotype.services.accounts.users import create_user, list_users
from holotype.services.identity import OPERATOR

user_app = typer.Typer(no_args_is_help=True, help="Accounts that sign in to the portal.")


@user_app.command("create")
def user_create(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="User name: 2-64 lowercase letters, digits, "
                                                 "- or _.")],
    email: Annotated[str, typer.Option(help="The account's email address.")],
    display_name: Annotated[str, typer.Option(help="The person's name.")] = "",
    sysadmin: Annotated[bool, typer.Option(help="May do everything on the portal.")] = False,
    password_stdin: Annotated[bool, typer.Option(
        help="Read the password from standard input (its first line) instead of generating "
             "one.")] = False,
) -> None:
    """Create an active account. Without --password-stdin a password is generated and shown
    once: pass it on to its owner, who may change it on their account page."""
    cli = Cli.of(ctx)
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with cli.portal() as p:
        account, generated = create_user(p, OPERATOR, username, email, display_name,
                                         sysadmin=sysadmin, password=password)
    what = "sysadmin account" if account.sysadmin else "account"
    cli.out.print(f"Created the {what} [bold]{esc(account.username)}[/].")
    if generated is not None:
        cli.out.print(f"Password (shown once): {esc(generated)}", highlight=False)


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """List every account: name, email, state, rights and last sign-in."""
    cli = Cli.of(ctx)
    with cli.portal() as p:
        accounts = list_users(p, OPERATOR)
    if not accounts:
        cli.out.print("No accounts yet: make one with `holotype user create`.")
        return
    table = Table()
    for column in ("username", "email", "name", "state", "sysadmin", "source", "last sign-in"):
        table.add_column(column, overflow="fold")
    for a in accounts:
        last = f"{a.last_sign_in:%Y-%m-%d %H:%M}Z" if a.last_sign_in else ""
        table.add_row(*map(esc, (a.username, a.email, a.display_name, a.state,
                                 "yes" if a.sysadmin else "", a.source, last)))
    cli.out.print(table)
