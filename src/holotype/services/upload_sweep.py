"""Deleting abandoned uploads: any upload (finished or not) that nothing has been written to
for ``upload_abandon_hours`` and that no draft has claimed. ``holotype serve`` sweeps when it
starts and every ``upload_sweep_minutes`` (:class:`Sweeper`); :func:`sweep` is the one pass.

Each PATCH appends to the upload's file and rewrites the tus server's record of it, so the
newest modification time among an upload's files is when it was last worked on.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from holotype.services import uploads

if TYPE_CHECKING:
    from holotype.services.context import Portal

log = logging.getLogger(__name__)


def _last_change(own: Path, upload_id: str) -> float:
    times = [path.stat().st_mtime for path in (own / upload_id, *own.glob(f"{upload_id}.*"))
             if path.exists()]
    return max(times, default=0.0)


def sweep(portal: Portal, now: float | None = None) -> list[str]:
    """Delete the uploads untouched for ``upload_abandon_hours``; their ids."""
    cutoff = (time.time() if now is None else now) - portal.settings.upload_abandon_hours * 3600
    removed: list[str] = []
    base = uploads.users_root(portal)
    if not base.is_dir():
        return removed
    for own in sorted(base.iterdir()):
        if not own.is_dir():
            continue
        ids = {path.name.split(".", 1)[0] for path in own.iterdir() if path.is_file()}
        for upload_id in sorted(i for i in ids if i):
            try:
                if _last_change(own, upload_id) < cutoff:
                    uploads.remove(own, upload_id)
                    removed.append(upload_id)
            except FileNotFoundError:
                continue  # claimed or ended meanwhile
    if removed:
        log.info("deleted %d abandoned upload(s): %s", len(removed), ", ".join(removed))
    return removed


class Sweeper:
    """A thread sweeping at start, then every ``upload_sweep_minutes``, until :meth:`stop`."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="upload-sweeper", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def _run(self) -> None:
        interval = self.portal.settings.upload_sweep_minutes * 60
        while not self._stopping.is_set():
            try:
                sweep(self.portal)
            except Exception:  # a full disk, a folder removed by hand: try again next time
                log.exception("sweeping abandoned uploads failed")
            self._stopping.wait(interval)

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        self._thread.join(timeout)
