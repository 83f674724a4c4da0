"""``holotype ingest``: a file as a new version of a resource, with the field-loss safeguard.

An update or replace writes each record in the file whole, so a record loses the fields the
file has no column for. Before committing, the store counts them (``max_field_loss``, see
:mod:`holotype.store.field_loss`); when more than ``--max-field-loss`` of the updated records
would lose one, this command lists the fields and commits only once the operator confirms
(``--yes``, or the prompt when standard input is a terminal), suggesting ``--mode patch``.
A file that would undo accepted corrections is refused, listing them, unless ``--corrections``
says to keep them or to take the file's values (:mod:`holotype.services.correction_guard`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from holotype.cli.common import Cli, CliError, esc, when
from holotype.errors import ServiceError
from holotype.locking import Busy
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR

if TYPE_CHECKING:
    from holotype.services.correction_guard import CorrectionsUndone
    from holotype.services.records import FieldLossRefused, IngestOutcome

#: ``--max-field-loss``: an update that strips fields from more than a tenth of the records it
#: updates is almost always a partial file (a correction, an export with fewer columns) that was
#: meant as a patch; see docs/cli.md.
DEFAULT_MAX_FIELD_LOSS = 0.1


def ingest(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX, JSON, JSON Lines or DwC-A zip.")],
    resource: Annotated[str, typer.Option(help="DATASET/RESOURCE to ingest into.")],
    mode: Annotated[
        str,
        typer.Option(
            help="update: each record in the file replaces the stored one whole; patch: change "
            "only the file's columns of existing records; replace: the file is the whole "
            "resource."
        ),
    ] = "update",
    id_field: Annotated[str | None, typer.Option(help="Field with record ids.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Override format detection.")] = None,
    create: Annotated[bool, typer.Option(help="Create the resource if missing.")] = False,
    max_field_loss: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Stop an update or replace, listing the fields, when more than this share of "
            "the records it updates would lose a field the file has no column for.",
        ),
    ] = DEFAULT_MAX_FIELD_LOSS,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Commit even when records would lose fields.")
    ] = False,
    corrections: Annotated[
        str | None,
        typer.Option(
            help="When the file would undo accepted corrections (it is refused, listing them, "
            "without this): keep (the new version keeps the corrected values) or source (take "
            "the file's values; the corrections are superseded).",
        ),
    ] = None,
) -> None:
    """Ingest a file as a new version of a resource."""
    from holotype.services.correction_guard import CorrectionsUndone
    from holotype.services.records import FieldLossRefused

    cli = Cli.of(ctx)
    with cli.portal() as p:
        run = _Ingest(cli, p, file, resource, mode, id_field, fmt, create, corrections)
        try:
            outcome = run(1.0 if yes else max_field_loss)  # with --yes: counted, never refused
        except CorrectionsUndone as refused:
            _show_undone(cli, refused)
            raise CliError(
                "nothing was committed: run again with --corrections keep to keep the "
                "corrections, or --corrections source to take the file's values"
            ) from None
        except FieldLossRefused as refused:
            _show_field_loss(cli, refused)
            if not cli.interactive:
                raise CliError(
                    "nothing was committed: run again with --yes to remove these fields, or "
                    "with --mode patch to change only the fields in the file"
                ) from None
            if not typer.confirm("Remove these fields and commit?", default=False, err=True):
                raise CliError(
                    "nothing was committed (--mode patch changes only the fields in the file)"
                ) from None
            # Confirmed for the loss shown: a larger one (the resource changed meanwhile) is
            # refused again.
            outcome = run(refused.loss.share)
    _report(cli, resource, outcome)


@dataclass(frozen=True)
class _Ingest:
    """One ``holotype ingest`` request, run with a field-loss limit (again once confirmed)."""

    cli: Cli
    portal: Portal
    file: Path
    resource: str
    mode: str
    id_field: str | None
    fmt: str | None
    create: bool
    corrections: str | None = None

    def __call__(self, max_field_loss: float) -> IngestOutcome:
        from holotype.services.records import ingest as run_ingest

        try:
            with self.cli.steps(f"Ingesting {self.file.name}") as say:
                return run_ingest(
                    self.portal, OPERATOR, self.resource, self.file, fmt=self.fmt,
                    id_field=self.id_field, mode=self.mode, progress=say, create=self.create,
                    max_field_loss=max_field_loss, on_corrections=self.corrections,
                )
        except Busy:
            raise CliError(
                f"another ingest is writing to {_resource_name(self.portal, self.resource)}; "
                "try again when it has finished"
            ) from None


def _show_field_loss(cli: Cli, refused: FieldLossRefused) -> None:
    """The fields an update or replace would remove, with how many records lose each."""
    loss = refused.loss
    cli.err.print(
        f"[yellow]This ingest would remove fields from {loss.losing:,} of the "
        f"{loss.updated:,} records it updates ({loss.share:.0%}; --max-field-loss is "
        f"{refused.limit:.0%}), because the file has no column for them:[/]",
        soft_wrap=True,
    )
    table = Table("field")
    table.add_column("records losing it", justify="right")
    for name, count in loss.fields.items():
        table.add_row(esc(name), f"{count:,}")
    cli.err.print(table)


def _show_undone(cli: Cli, refused: CorrectionsUndone) -> None:
    """The corrected fields the file would change: each record, field and value."""
    many = len(refused.found)
    cli.err.print(f"[yellow]This file would change {many:,} corrected "
                  f"{'field' if many == 1 else 'fields'}:[/]", soft_wrap=True)
    table = Table("record", "row", "field", "before the correction", "corrected", "in the file",
                  "finding")
    for u in refused.found:
        table.add_row(esc(u.record_id), str(u.row), esc(u.field), esc(u.old or "—"),
                      esc(u.new or "—"), esc(u.incoming or "—"), u.kind)
    cli.err.print(table)


def _report(cli: Cli, resource: str, outcome: IngestOutcome) -> None:
    r = outcome.result
    if outcome.created:
        cli.err.print(f"Created resource {esc(resource)}.")
    if r.version is None:
        cli.out.print(
            f"No change: {esc(resource)} already holds this content ({r.total:,} records)."
        )
    else:
        cli.out.print(
            f"Version {r.version} ({when(r.version)}): {r.added:,} added, {r.changed:,} changed, "
            f"{r.removed:,} removed; {r.total:,} records."
        )
    for warning in r.warnings:
        cli.err.print(f"[yellow]warning:[/] {esc(warning)}")


def _resource_name(p: Portal, ref: str) -> str:
    """DATASET/RESOURCE for a reference that may be an id."""
    try:
        with p.session() as session:
            found = catalogue.get_resource(session, ref)
    except ServiceError:
        return ref
    return f"{found.dataset_slug}/{found.slug}"
