"""``holotype media ...``: images of records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from holotype.cli.common import Cli, esc, when
from holotype.services.identity import OPERATOR

media_app = typer.Typer(no_args_is_help=True, help="Images of records.")

SHOWN = 20  # names listed of unmatched files


@media_app.command("add")
def media_add(
    ctx: typer.Context,
    resource: Annotated[str, typer.Argument(help="DATASET/RESOURCE whose records get images.")],
    folder: Annotated[Path, typer.Argument(help="Folder of image files (jpg, jpeg, png, tif, "
                                           "tiff, webp, jp2).")],
    match: Annotated[str, typer.Option(help="The field whose value a file's name gives: "
                                       "VALUE.jpg, or VALUE_2.jpg / VALUE-dorsal.jpg for "
                                       "several images of one record.")] = "catalogNumber",
    creator: Annotated[str | None, typer.Option(help="Who made the images.")] = None,
    rights_holder: Annotated[str | None, typer.Option(help="Who holds their rights.")] = None,
    licence: Annotated[str | None, typer.Option(help="Their licence (a URL or SPDX id).")
                       ] = None,
) -> None:
    """Attach the image files in FOLDER to the records their names give, as one new version."""
    from holotype.services.media.adding import Credits, add_images

    cli = Cli.of(ctx)
    with cli.portal() as p, cli.steps(f"Adding images from {folder.name}") as say:
        outcome = add_images(p, OPERATOR, resource, folder, match=match,
                             credits=Credits(creator, rights_holder, licence), progress=say)
    files = sum(len(names) for names in outcome.matched.values())
    result = outcome.ingest.result if outcome.ingest else None
    if result is not None and result.version is not None:
        cli.out.print(f"Version {result.version} ({when(result.version)}): {outcome.added:,} "
                      f"images added to {result.changed:,} records.")
    elif files:
        cli.out.print(f"No change: the {files:,} matching images were there already.")
    else:
        cli.out.print(f"No change: no image file's name is a record's {esc(match)}.")
    if outcome.unmatched_files:
        names = ", ".join(outcome.unmatched_files[:SHOWN])
        more = "" if len(outcome.unmatched_files) <= SHOWN else ", ..."
        cli.err.print(f"[yellow]{len(outcome.unmatched_files):,} files match no record's "
                      f"{esc(match)}:[/] {esc(names + more)}", soft_wrap=True)
    if outcome.other_files:
        cli.err.print(f"[yellow]{len(outcome.other_files):,} files are not images by their "
                      f"extension and were left out:[/] "
                      f"{esc(', '.join(outcome.other_files[:SHOWN]))}", soft_wrap=True)
    if outcome.records_without_images:
        cli.err.print(f"{outcome.records_without_images:,} records got no image from this "
                      "folder.")
