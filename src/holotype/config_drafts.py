"""The settings of drafts (part of :class:`holotype.config.Settings`, kept here so the
settings module stays small): the background workers that read and review them."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DraftSettings(BaseModel):
    draft_workers: int = Field(default=1, ge=0, description="Draft review workers `holotype "
                               "serve` runs in its own process (threads); `0` leaves them to "
                               "separate `holotype worker` processes (which always run one).")
