"""Holotype's settings: each declared once, with its default and help text.

Values come, highest precedence first, from keyword arguments (tests), ``HOLOTYPE_*`` environment
variables, a TOML file (``--config FILE`` or ``HOLOTYPE_CONFIG``), then the defaults below.
Secrets (``secret=True``) may only come from the environment: a TOML file that sets one is refused,
so that configuration files can be committed and shared safely.

Nothing is read at import time; call :func:`load_settings`.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from holotype import config_checks as checks
from holotype.config_accounts import AccountSettings
from holotype.config_bulk import BulkSettings
from holotype.config_drafts import DraftSettings
from holotype.config_media import MediaSettings
from holotype.config_reports import ReportSettings
from holotype.config_uploads import UploadSettings

ENV_PREFIX = "HOLOTYPE_"
CONFIG_ENV = "HOLOTYPE_CONFIG"


class ConfigError(Exception):
    """The configuration is invalid; the message names the setting and where it came from."""


def _secret(description: str, masked: bool = True) -> Any:
    """A setting only the environment may set (so configuration files can be shared); its
    value is masked in reports unless ``masked`` is False."""
    return Field(default=None, description=description,
                 json_schema_extra={"secret": True, "masked": masked})


class Settings(AccountSettings, MediaSettings, BulkSettings, UploadSettings, DraftSettings,
               ReportSettings, BaseSettings):
    """Every setting of a Holotype site."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

    site_name: str = Field(
        default="Holotype Data Portal", description="Name shown in page titles and headers."
    )
    field_labels: dict[str, str] = Field(default={}, description="Labels pages show for fields, "
                                         "over the Darwin Core ones: a table field name = label.")
    data_dir: Path = Field(
        default=Path("var"),
        description="Directory holding the record store, uploaded originals and the embedded "
        "SQLite catalogue. Created when missing.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the catalogue database, e.g. "
        "postgresql+psycopg://user@host/holotype. Empty means SQLite at DATA_DIR/catalogue.db. "
        "A URL with a password may only come from the environment (HOLOTYPE_DATABASE_URL).",
    )
    host: str = Field(default="127.0.0.1", description="Address `holotype serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `holotype serve` listens on.")
    max_upload_bytes: int = Field(
        default=4 * 1024**3,
        ge=1,
        description="Largest file accepted for ingest, in bytes (compressed size for archives).",
    )
    max_uncompressed_bytes: int = Field(
        default=16 * 1024**3,
        ge=1,
        description="Largest total size a Darwin Core Archive may expand to, in bytes.",
    )
    max_compression_ratio: int = Field(
        default=200,
        ge=1,
        description="Largest expansion ratio allowed for any member of an archive; a larger one "
        "is refused as a decompression bomb.",
    )
    max_fields: int = Field(
        default=1000,
        ge=1,
        description="Most fields (columns) a file may have; a wider file is refused before it "
        "is read.",
    )
    strict_archives: bool = Field(
        default=False,
        description="Refuse a Darwin Core Archive with an extension that cannot be read (no "
        "<coreid>, or a data file that is missing) instead of skipping it with a warning.",
    )
    duckdb_memory_limit: str = Field(
        default="2GB",
        description="Memory DuckDB may use per connection before spilling to disk: a number "
        "and a unit, B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (e.g. 2GB).",
    )
    duckdb_threads: int = Field(
        default=0, ge=0, description="Threads DuckDB may use; 0 means one per CPU core."
    )
    geo_fields: tuple[str, str] = Field(
        default=("decimalLatitude", "decimalLongitude"),
        description="Latitude and longitude fields that make a record's geo point.",
    )
    geo_areas_dir: Path | None = Field(
        default=None,
        description="Directory holding the Natural Earth 1:50m boundaries that named-area "
        "queries need (50m-admin-0-countries-v4.1.0.geojson, 50m-geography-regions-v4.1.0.geojson"
        ", 50m-marine-regions-v4.1.0.geojson). Empty: named areas are unavailable.",
    )
    rate_limit_per_minute: int = Field(
        default=600,
        ge=0,
        description="API requests one client (by address) may make per minute; 0 turns the "
        "limit off. Over it, the API answers 429 with Retry-After.",
    )
    download_requests_per_hour: int = Field(
        default=60,
        ge=0,
        description="Download requests (API or form) one client (by address) may make per "
        "hour; 0 turns the limit off. Over it: 429 with Retry-After.",
    )
    trusted_proxies: list[str] = Field(
        default=[],
        description="Addresses or networks (10.0.0.5, 10.0.0.0/8) of reverse proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed. Empty: trust none.",
    )
    cors_origins: list[str] = Field(
        default=["*"],
        description="Origins (https://example.org) whose pages may call the API's read actions "
        'from a browser; ["*"] any, [] none.',
    )
    demo_records: int = Field(
        default=50_000, ge=0, description="Records `holotype demo` generates when not told."
    )
    specimen_resources: list[str] = Field(
        default=["demo-specimens/records"],
        description="Resources, as dataset-slug/resource-slug, that the reserved short link "
        "`specimens` searches. Missing, private or file resources are skipped.",
    )
    indexlot_resources: list[str] = Field(
        default=["demo-index-lots/records"],
        description="Resources, as dataset-slug/resource-slug, that the reserved short link "
        "`indexlots` searches. Missing, private or file resources are skipped.",
    )
    public_base_url: str = Field(
        default="",
        description="The portal's address as users reach it, e.g. https://data.example.org, "
        "for links in download notifications. Empty: http://HOST:PORT.",
    )
    download_dir: Path | None = Field(
        default=None,
        description="Directory holding finished downloads and shared record sets. Empty means "
        "DATA_DIR/downloads.",
    )
    download_workers: int = Field(
        default=1,
        ge=0,
        description="Download workers `holotype serve` runs in its own process; 0 leaves "
        "downloads to separate `holotype worker` processes.",
    )
    download_max_records: int = Field(
        default=50_000_000,
        ge=1,
        description="Most records one download may hold; a larger request is refused before "
        "it is queued.",
    )
    download_memory_limit: str = Field(
        default="1GB",
        description="Memory the engine may use while writing one download's files (a number "
        "and a unit, as duckdb_memory_limit); files are streamed, so this bounds a worker's "
        "memory whatever the download's size. Below 1GB the Parquet writer starves on wide "
        "records (10M specimens: 57 s at 512MB, 15 s at 1GB).",
    )
    download_compression_level: int = Field(
        default=1,
        ge=0,
        le=9,
        description="Deflate level of download zips: 1 is fastest, 9 smallest, 0 stores.",
    )
    download_lease_seconds: int = Field(
        default=60,
        ge=5,
        description="A running download's lease: a worker that sends no heartbeat for this "
        "long is taken to have died, and its job is queued again.",
    )
    download_max_attempts: int = Field(
        default=3,
        ge=1,
        description="Times a download is tried before it is marked failed.",
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="Let download webhooks reach private, loopback and link-local addresses. "
        "Off: such webhook URLs are refused, so the portal cannot be used to reach internal "
        "services.",
    )
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server for download notification emails. Empty: email "
        "notifications are refused.",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_sender: str = Field(
        default="holotype@localhost", description="From address of notification emails."
    )
    smtp_starttls: bool = Field(
        default=False, description="Upgrade the SMTP connection with STARTTLS."
    )
    smtp_username: str | None = Field(
        default=None, description="SMTP user name; empty: no login."
    )
    smtp_password: SecretStr | None = _secret(
        "SMTP password. Secret: only from the environment (HOLOTYPE_SMTP_PASSWORD)."
    )
    map_tile_url: str = Field(default="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                              description="Base map tiles under the portal's maps ({z}/{x}/{y} "
                              "template). Empty: no base map (offline installs).")
    map_attribution: str = Field(default="© OpenStreetMap contributors",
                                 description="Attribution shown with the base map.")
    map_max_vertices: int = Field(default=1000, ge=3, le=100_000, description="Most vertices "
                                  "a drawn or queried polygon may have.")
    map_cache_mb: int = Field(default=2048, ge=1, description="Most megabytes of finished map "
                              "tiles kept on disk; the oldest are removed after each ingest.")
    doi_provider: Literal["none", "datacite"] = Field(
        default="none", description="Who mints DOIs: datacite (dataset and query DOIs through "
        "the DataCite REST API) or none (citable by their portal URL only).")
    datacite_url: str = Field(default="https://api.test.datacite.org",
                              description="DataCite REST API: https://api.test.datacite.org "
                              "(test) or https://api.datacite.org (production).")
    datacite_prefix: str | None = _secret("DOI prefix, e.g. 10.5072. Only from the "
                                          "environment (HOLOTYPE_DATACITE_PREFIX).", False)
    datacite_username: str | None = _secret("DataCite repository id, e.g. ABC.XYZ. Only from "
                                            "the environment (HOLOTYPE_DATACITE_USERNAME).", False)
    datacite_password: SecretStr | None = _secret(
        "DataCite repository password. Secret: only from the environment "
        "(HOLOTYPE_DATACITE_PASSWORD).")

    @field_validator("duckdb_memory_limit", "download_memory_limit")
    @classmethod
    def _memory_limit(cls, value: str) -> str:
        return checks.memory_limit(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies(cls, value: list[str]) -> list[str]:
        return checks.networks(value)

    @field_validator("cors_origins")
    @classmethod
    def _cors_origins(cls, value: list[str]) -> list[str]:
        return checks.origins(value)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        return checks.database_url(value)

    @property
    def catalogue_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'catalogue.db').resolve()}"

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def downloads_dir(self) -> Path:
        return self.download_dir or self.data_dir / "downloads"

    @property
    def base_url(self) -> str:
        return self.public_base_url.rstrip("/") or f"http://{self.host}:{self.port}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file is passed in by load_settings as init values below the explicit ones.
        return (init_settings, env_settings)


def secret_names(masked_only: bool = False) -> set[str]:
    """Settings only the environment may set (``masked_only``: those whose values are hidden)."""
    return {
        name
        for name, field in Settings.model_fields.items()
        if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get("secret")
        and (field.json_schema_extra.get("masked", True) or not masked_only)
    }


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: configuration file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    secrets = sorted(set(data) & secret_names())
    if secrets:
        raise ConfigError(
            f"{path}: {', '.join(secrets)} is secret and may only be set in the environment "
            f"({', '.join(ENV_PREFIX + s.upper() for s in secrets)})"
        )
    if _has_password(data.get("database_url")):
        raise ConfigError(
            f"{path}: database_url contains a password, which may only be set in the "
            f"environment: put the whole URL in {ENV_PREFIX}DATABASE_URL"
        )
    return data


def _has_password(url: object) -> bool:
    if not isinstance(url, str) or not url:
        return False
    try:
        return make_url(url).password is not None
    except ArgumentError:
        return False  # not a URL at all: the field validator says so


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the effective settings; raise :class:`ConfigError` naming any bad value."""
    if config_file is None and os.environ.get(CONFIG_ENV):
        config_file = Path(os.environ[CONFIG_ENV])
    file_values = _read_toml(config_file) if config_file else {}
    env_names = {
        name for name in Settings.model_fields if f"{ENV_PREFIX}{name.upper()}" in os.environ
    }
    # Environment beats the file: drop file values the environment sets.
    values = {k: v for k, v in file_values.items() if k not in env_names}
    values.update(overrides)
    try:
        settings = Settings(**values)
    except SettingsError as exc:
        # The environment source could not decode a variable (a list given as "a,b").
        raise ConfigError(_environment_problem(exc, env_names)) from exc
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ".".join(str(p) for p in error["loc"])
            field = str(error["loc"][0]) if error["loc"] else name
            origin = (
                "argument"
                if field in overrides
                else f"{ENV_PREFIX}{field.upper()}"
                if field in env_names
                else str(config_file)
                if field in file_values
                else "default"
            )
            problems.append(f"{name} (from {origin}): {error['msg']}")
        raise ConfigError("invalid settings: " + "; ".join(problems)) from exc
    missing = checks.missing_for_doi_provider(settings.doi_provider, dict(settings))
    if missing:
        raise ConfigError(f"invalid settings: doi_provider {settings.doi_provider} needs "
                          f"{', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} "
                          "not set")
    return settings


def _environment_problem(exc: Exception, env_names: set[str]) -> str:
    found = re.search(r'field "(\w+)"', str(exc))
    name = found.group(1) if found else None
    if name is None and len(env_names) == 1:
        name = next(iter(env_names))
    if name is None or name not in Settings.model_fields:
        return f"invalid settings: cannot read the environment: {exc}"
    variable = f"{ENV_PREFIX}{name.upper()}"
    default = Settings.model_fields[name].default
    if isinstance(default, list | tuple):
        expected = f"a JSON list, e.g. {variable}='{json.dumps(list(default))}'"
    else:
        expected = "JSON"
    return f"invalid settings: {name} (from {variable}): expected {expected}"
