"""A download worker that stops half-way through writing the zip and waits to be killed.

Run as ``python -m tests.downloads.stalling_worker DATA_DIR MARKER``: it claims one job, writes
part of the zip, creates MARKER and sleeps, so the test can SIGKILL it mid-download.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from holotype.config import load_settings
from holotype.services.context import Portal
from holotype.services.downloads import make_worker
from holotype.services.downloads import run as download_run
from tests.fixtures.site import AREAS


def main(data_dir: str, marker: str) -> None:
    def stall(final: Path, *_args: Any) -> int:
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(f".{final.name}.stalled.part")
        with part.open("wb") as handle:
            handle.write(b"PK\x03\x04 half a zip")
            handle.flush()
        Path(marker).write_text(str(final))
        time.sleep(600)
        raise AssertionError("should have been killed")

    download_run.write_zip = stall  # type: ignore[assignment]
    settings = load_settings(data_dir=Path(data_dir), geo_areas_dir=AREAS, download_workers=0,
                             download_lease_seconds=5)
    portal = Portal.open(settings)
    make_worker(portal).run_once()


if __name__ == "__main__":
    main(*sys.argv[1:3])
