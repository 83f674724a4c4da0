"""The settings of resumable uploads (part of :class:`holotype.config.Settings`, kept here so
the settings module stays small): when an unfinished upload counts as abandoned, and how often
the portal looks for such uploads, and whether each ingested file is kept. The largest upload is
``max_upload_bytes``."""

from __future__ import annotations

from pydantic import BaseModel, Field


class UploadSettings(BaseModel):
    upload_abandon_hours: float = Field(
        default=24, gt=0, description="Hours without a new piece of data (a tus PATCH) after "
        "which an upload, finished or not, that no draft has taken over is deleted as "
        "abandoned; each PATCH moves its Upload-Expires this far on.")
    upload_sweep_minutes: float = Field(
        default=60, gt=0, description="How often `holotype serve` deletes abandoned uploads, in "
        "minutes (it also does so when it starts).")
    keep_originals: bool = Field(
        default=True, description="Keep each ingested file, compressed (Zstandard), beside the "
        "version it made (`originals/<version>/<file name>.zst` in the resource's store folder): "
        "the provenance of every version. `false`: keep none (about a fifth of a CSV's size, "
        "about the size of its records, is saved per version).")
