"""The whole catalogue schema: every table module, registered on one metadata.

Each table module registers its tables with :class:`~holotype.catalog.base.Base` when it is
imported. The migrations (``migrations/env.py``) and the schema checks compare the database with
:data:`metadata` from here, so a new table module is added to :data:`TABLE_MODULES` and nowhere
else.
"""

from __future__ import annotations

from types import ModuleType

from sqlalchemy import MetaData

from holotype.catalog import (
    accounts,
    api_tokens,
    citations,
    corrections,
    downloads,
    drafts,
    error_reports,
    image_jobs,
    media,
    models,
)
from holotype.catalog.base import Base

#: Every module that declares catalogue tables.
TABLE_MODULES: tuple[ModuleType, ...] = (models, downloads, citations, media, image_jobs,
                                         accounts, api_tokens, corrections, drafts,
                                         error_reports)

#: Every catalogue table.
metadata: MetaData = Base.metadata

__all__ = ["TABLE_MODULES", "Base", "metadata"]
