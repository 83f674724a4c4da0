"""Everything a use case needs, built once from the settings and passed in (never global)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from holotype.catalog.changes import change_counter
from holotype.catalog.db import make_engine, make_session_factory, upgrade
from holotype.catalog.download_rollup import DownloadRollup
from holotype.config import Settings
from holotype.engine import connect
from holotype.field_labels import FieldLabels
from holotype.images.kept import Kept
from holotype.index import FORMAT as INDEX_FORMAT
from holotype.index import (
    LOCK,
    BuildResult,
    IndexEngine,
    build_index,
    prune_indexes,
    sweep_leftovers,
)
from holotype.ingest.source import Limits
from holotype.locking import writer_lock
from holotype.query.areas import AreaCatalogue
from holotype.search import Searcher
from holotype.search.spark import SparkBulk, SparkConfig
from holotype.services.accounts import keys
from holotype.services.visible import SearchableCache
from holotype.store.commit import Progress
from holotype.store.store import RecordStore

_ENGINE_LOCK = threading.Lock()


def duckdb_factory(settings: Settings) -> Callable[[], duckdb.DuckDBPyConnection]:
    """Makes DuckDB connections with the site's memory and thread limits."""

    def make() -> duckdb.DuckDBPyConnection:
        return connect(
            memory_limit=settings.duckdb_memory_limit,
            threads=settings.duckdb_threads,
            temp_dir=settings.data_dir / "tmp" / "duckdb",
        )

    return make


KEPT_IMAGE_BYTES = 256 * 1024 * 1024  # finished IIIF answers kept in memory per process


@dataclass
class Portal:
    """The catalogue, the record store and the limits of one Holotype site."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]  # read sessions
    write_sessions: sessionmaker[Session]  # sessions that write (see catalog.db)
    store: RecordStore
    _engine: IndexEngine | None = field(default=None, repr=False)
    _areas: AreaCatalogue | None = field(default=None, repr=False)
    _searchable: SearchableCache | None = field(default=None, repr=False)
    _labels: FieldLabels | None = field(default=None, repr=False)
    _kept_images: Kept | None = field(default=None, repr=False)
    # answers derived from versioned data, keyed by the versions they read (never stale), by
    # what keeps them (e.g. "statistics")
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    _downloads: DownloadRollup | None = field(default=None, repr=False)
    _secret_key: bytes | None = field(default=None, repr=False)

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Portal:
        """Open the site's storage, creating the data directory and catalogue when missing."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.catalogue_url)
        if migrate:
            upgrade(engine)
        store = RecordStore(settings.store_dir, duckdb_factory(settings))
        return cls(settings, engine, make_session_factory(engine),
                   make_session_factory(engine, write=True), store)

    @property
    def kept_images(self) -> Kept:
        """This process's finished IIIF answers (see :mod:`holotype.images.kept`)."""
        if self._kept_images is None:
            self._kept_images = Kept(KEPT_IMAGE_BYTES)
        return self._kept_images

    @property
    def download_rollup(self) -> DownloadRollup:
        """This process's roll-up of the downloads served (see
        :mod:`holotype.catalog.download_rollup`)."""
        if self._downloads is None:
            self._downloads = DownloadRollup()
        return self._downloads

    @property
    def secret_key(self) -> bytes:
        """The key that signs cookies and form tokens (see :mod:`.accounts.keys`)."""
        if self._secret_key is None:
            self._secret_key = keys.secret_key(self.settings)
        return self._secret_key

    @property
    def limits(self) -> Limits:
        s = self.settings
        return Limits(
            s.max_upload_bytes, s.max_uncompressed_bytes, s.max_compression_ratio, s.max_fields,
            s.strict_archives,
        )

    @property
    def work_dir(self) -> Path:
        return self.settings.data_dir / "tmp"

    def duckdb(self) -> duckdb.DuckDBPyConnection:
        return self.store.connect()

    @property
    def areas(self) -> AreaCatalogue:
        """The named areas (Natural Earth boundaries), loaded on first use."""
        if self._areas is None:
            self._areas = AreaCatalogue(self.settings.geo_areas_dir)
        return self._areas

    @property
    def field_labels(self) -> FieldLabels:
        """How pages name fields (the ``field_labels`` setting over the defaults)."""
        if self._labels is None:
            self._labels = FieldLabels(self.settings.field_labels)
        return self._labels

    @property
    def searchable_cache(self) -> SearchableCache:
        """Which resources searches may read, cached until the catalogue changes."""
        if self._searchable is None:
            self._searchable = SearchableCache(change_counter(self.engine))
        return self._searchable

    @property
    def index_dir(self) -> Path:
        """Search indexes (derived from the store; deletable) in this index format's folder."""
        return self.settings.data_dir / "index" / f"v{INDEX_FORMAT}"

    @property
    def indexes(self) -> IndexEngine:
        """This process's attached search indexes, opened on first use."""
        with _ENGINE_LOCK:
            if self._engine is None:
                self._engine = IndexEngine(
                    self.index_dir,
                    areas=self.areas,
                    memory_limit=self.settings.duckdb_memory_limit,
                    threads=self.settings.duckdb_threads,
                )
            return self._engine

    @property
    def searcher(self) -> Searcher:
        """The search engine over this site's record store and indexes."""
        return Searcher(self.indexes, self.store, self.bulk)

    @property
    def bulk(self) -> SparkBulk | None:
        """The Spark cluster bulk work runs on (``bulk_engine = "spark"``), else None."""
        s = self.settings
        if s.bulk_engine != "spark":
            return None
        config = SparkConfig(s.spark_master, s.spark_driver_host, s.spark_executor_memory,
                             s.spark_task_retries, s.spark_job_timeout_seconds)
        return SparkBulk(config, self.store, self.work_dir / "spark")

    def build_index(
        self, resource_id: str, version: int | None = None, progress: Progress | None = None
    ) -> BuildResult | None:
        """Bring the resource's search index up to ``version`` (default: latest), first
        sweeping away what builds killed midway left behind."""
        store = self.store.resource(resource_id)
        manifest = store.manifest()
        target = manifest.resolve(version)
        root = self.index_dir / resource_id
        with writer_lock(root / LOCK, timeout=600):
            sweep_leftovers(root)
            result = build_index(
                root,
                store.root,
                manifest,
                version=target,
                geo_fields=self.settings.geo_fields,
                memory_limit=self.settings.duckdb_memory_limit,
                threads=self.settings.duckdb_threads,
                progress=progress,
            )
            prune_indexes(root)
        return result

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A catalogue session to read in: it commits on success and rolls back on error."""
        with _committed(self.sessions) as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A catalogue session for a transaction that writes (on SQLite it holds the write lock
        from its start, so it is never refused half-way): commits on success, else rolls back."""
        with _committed(self.write_sessions) as session:
            yield session

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        if self._searchable is not None and self._searchable.changes is not None:
            self._searchable.changes.close()
        self.engine.dispose()


@contextmanager
def _committed(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
