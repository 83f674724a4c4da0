"""What every command shares: the per-invocation context object and output helpers.

Nothing here is module-level state: :class:`Cli` is created for each invocation (by ``main``
or, failing that, by the root callback) and reaches the commands as typer's ``ctx.obj``.

Every text that comes from a user (titles, file names, field names, error messages quoting
them) goes through :func:`esc` before it reaches a rich console or table, because rich would
otherwise read ``[...]`` in it as markup: hiding it, or failing on ``[/]``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from holotype.config import Settings, load_settings
from holotype.services.context import Portal


class CliError(Exception):
    """A failure already phrased for the user."""


def esc(value: object) -> str:
    """``value`` as text that rich prints literally."""
    return escape(str(value))


@dataclass
class Cli:
    """One invocation's options, consoles and (once loaded) settings."""

    config: Path | None = None
    out: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))
    loaded: Settings | None = None
    # Whether to ask the operator (standard input is a terminal) or refuse what needs asking.
    interactive: bool = field(default_factory=lambda: sys.stdin.isatty())

    @classmethod
    def of(cls, ctx: typer.Context) -> Cli:
        return ctx.ensure_object(cls)

    def settings(self) -> Settings:
        if self.loaded is None:
            self.loaded = load_settings(self.config)
        return self.loaded

    @contextmanager
    def portal(self, migrate: bool = True) -> Iterator[Portal]:
        opened = Portal.open(self.settings(), migrate=migrate)
        try:
            yield opened
        finally:
            opened.close()

    @contextmanager
    def steps(self, label: str) -> Iterator[Callable[[str], None]]:
        """A live progress line for long work: each step's name with elapsed time."""
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),  # a pulsing bar: steps have no known length
            TimeElapsedColumn(),
            console=self.err,
            transient=True,
        ) as progress:
            task = progress.add_task(esc(label), total=None)
            yield lambda step: progress.update(task, description=esc(f"{label}: {step}"))


    @contextmanager
    def bar(self, label: str) -> Iterator[Callable[[str, int, int], None]]:
        """A progress bar for work of known size, on standard error: ``update(step, done,
        total)``. Not on a terminal (a CI log, a pipe) it prints one plain line per new step
        instead, with the percentage done."""
        if not self.err.is_terminal:
            last: list[str] = []

            def plain(step: str, done: int, total: int) -> None:
                if last[-1:] != [step]:
                    last[:] = [step]
                    percent = 100 * done // total if total else 100
                    self.err.print(esc(f"{label}: {step} ({percent}%)"), highlight=False,
                                   soft_wrap=True)

            yield plain
            return
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=self.err,
        ) as progress:
            task = progress.add_task(esc(label), total=None)

            def update(step: str, done: int, total: int) -> None:
                progress.update(task, description=esc(f"{label}: {step}"), completed=done,
                                total=total)

            yield update


def listening_url(base_url: str, public_base_url: str) -> str:
    """The address to open in a browser: the public one when configured, else the listening
    address, with a wildcard host (0.0.0.0, ::) shown as this machine's loopback address."""
    if public_base_url:
        return public_base_url.rstrip("/") + "/"
    for wildcard in ("//0.0.0.0:", "//[::]:", "//:::"):
        base_url = base_url.replace(wildcard, "//127.0.0.1:")
    return base_url.rstrip("/") + "/"


def when(version: int) -> str:
    return datetime.fromtimestamp(version / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "Z"
