"""Settings: defaults, TOML, environment, secrets, errors, and documentation coverage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from holotype.config import ConfigError, Settings, load_settings, secret_names
from holotype.config_report import describe, masked_url

DOCS = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("HOLOTYPE_"):
            monkeypatch.delenv(name)


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOCS.read_text(), re.MULTILINE))
    assert set(Settings.model_fields) <= documented, set(Settings.model_fields) - documented
    assert documented <= set(Settings.model_fields), documented - set(Settings.model_fields)


def test_every_setting_has_help_text() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, name


def test_defaults() -> None:
    s = load_settings()
    assert s.port == 8000 and s.data_dir == Path("var")
    assert s.catalogue_url.startswith("sqlite:///") and s.catalogue_url.endswith("catalogue.db")


def test_toml_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "h.toml"
    config.write_text('port = 9000\nsite_name = "Museum"\n')
    assert load_settings(config).port == 9000
    monkeypatch.setenv("HOLOTYPE_PORT", "9100")
    s = load_settings(config)
    assert s.port == 9100 and s.site_name == "Museum"
    monkeypatch.setenv("HOLOTYPE_CONFIG", str(config))
    monkeypatch.delenv("HOLOTYPE_PORT")
    assert load_settings().port == 9000


def test_secret_only_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "secret_key" in secret_names()
    config = tmp_path / "h.toml"
    config.write_text('secret_key = "oops"\n')
    with pytest.raises(ConfigError, match="HOLOTYPE_SECRET_KEY"):
        load_settings(config)
    monkeypatch.setenv("HOLOTYPE_SECRET_KEY", "s3cret")
    s = load_settings()
    assert s.secret_key is not None and s.secret_key.get_secret_value() == "s3cret"
    shown = dict((name, value) for name, value, _help in describe(s))
    assert shown["secret_key"] == "(set)" and "s3cret" not in str(describe(s))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("port = 70000\n", r"port \(from .*h.toml\)"),
        ("colour = 'red'\n", "unknown setting"),
        ("port = \n", "not valid TOML"),
        ("duckdb_memory_limit = 'lots'\n", "duckdb_memory_limit"),
    ],
)
def test_bad_values_name_the_setting(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "h.toml"
    config.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_settings(config)


def test_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLOTYPE_PORT", "eighty")
    with pytest.raises(ConfigError, match=r"port \(from HOLOTYPE_PORT\)"):
        load_settings()


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_database_password_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLOTYPE_DATABASE_URL", "postgresql+psycopg://u:hunter2@h/db")
    s = load_settings()
    assert s.catalogue_url == "postgresql+psycopg://u:hunter2@h/db"  # still used as given
    shown = dict((name, value) for name, value, _help in describe(s))
    assert shown["database_url"] == "postgresql+psycopg://u:***@h/db"
    assert "hunter2" not in str(describe(s))
    assert masked_url("sqlite:////srv/c.db") == "sqlite:////srv/c.db"


def test_database_password_only_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "h.toml"
    config.write_text('database_url = "postgresql+psycopg://u:hunter2@h/db"\n')
    with pytest.raises(ConfigError, match="HOLOTYPE_DATABASE_URL") as raised:
        load_settings(config)
    assert "hunter2" not in str(raised.value)
    monkeypatch.setenv("HOLOTYPE_DATABASE_URL", "postgresql+psycopg://u:pw@h/db")
    with pytest.raises(ConfigError, match="password"):  # the file is refused regardless
        load_settings(config)
    monkeypatch.delenv("HOLOTYPE_DATABASE_URL")
    config.write_text('database_url = "postgresql+psycopg://u@h/db"\n')  # no password: fine
    assert load_settings(config).database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("value", ["nonsense", "postgresql+psycopg//u@h/db", "://"])
def test_database_url_must_be_a_url(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLOTYPE_DATABASE_URL", value)
    with pytest.raises(ConfigError, match=r"database_url \(from HOLOTYPE_DATABASE_URL\)"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value", "example"),
    [
        ("geo_fields", "lat,lon", "decimalLatitude"),
        ("specimen_resources", "nhm/specimens", "demo-specimens/records"),
        ("indexlot_resources", "[oops", "demo-index-lots/records"),
    ],
)
def test_list_from_environment_must_be_json(
    name: str, value: str, example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    variable = f"HOLOTYPE_{name.upper()}"
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert f"{name} (from {variable}): expected a JSON list" in message
    assert example in message


def test_geo_fields_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLOTYPE_GEO_FIELDS", '["lat", "lon"]')
    assert load_settings().geo_fields == ("lat", "lon")
    monkeypatch.setenv("HOLOTYPE_GEO_FIELDS", '["lat"]')
    with pytest.raises(ConfigError, match=r"geo_fields.1 \(from HOLOTYPE_GEO_FIELDS\)"):
        load_settings()


@pytest.mark.parametrize(
    "value", ["2GB", "512MB", "1.5GiB", "2 GB", "2gb", "100KiB", "1TB", "4096B", "3TiB"]
)
def test_memory_limit_accepts_sizes(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLOTYPE_DUCKDB_MEMORY_LIMIT", value)
    assert load_settings().duckdb_memory_limit == value  # passed on unchanged


@pytest.mark.parametrize(
    "value", ["2GBGB", "GB", "2", "2 G", "2PB", "1.2.3GB", "-1GB", "2GB ", "2  GB", "lots", ""]
)
def test_memory_limit_refuses_anything_else(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLOTYPE_DUCKDB_MEMORY_LIMIT", value)
    with pytest.raises(ConfigError, match="duckdb_memory_limit"):
        load_settings()


def test_every_accepted_memory_limit_is_accepted_by_duckdb() -> None:
    import duckdb

    with duckdb.connect() as con:
        for value in ["2GB", "1.5GiB", "2 gb", "3TiB", "4096KB"]:
            Settings(duckdb_memory_limit=value)
            con.execute(f"SET memory_limit = '{value}'")


def test_datacite_needs_its_credentials_and_public_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOLOTYPE_DOI_PROVIDER", "datacite")
    monkeypatch.setenv("HOLOTYPE_DATACITE_PREFIX", "10.5072")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert "doi_provider datacite needs" in message
    for name in ("HOLOTYPE_DATACITE_USERNAME", "HOLOTYPE_DATACITE_PASSWORD",
                 "HOLOTYPE_PUBLIC_BASE_URL"):
        assert name in message
    assert "HOLOTYPE_DATACITE_PREFIX" not in message
    monkeypatch.setenv("HOLOTYPE_DATACITE_USERNAME", "ABC.XYZ")
    monkeypatch.setenv("HOLOTYPE_DATACITE_PASSWORD", "")  # set but empty is missing too
    monkeypatch.setenv("HOLOTYPE_PUBLIC_BASE_URL", "https://data.example.org")
    with pytest.raises(ConfigError, match=r"needs datacite_password \(HOLOTYPE_DATACITE_PASSWORD"
                       r"\), which is not set"):
        load_settings()
    monkeypatch.setenv("HOLOTYPE_DATACITE_PASSWORD", "pw")
    assert load_settings().doi_provider == "datacite"
    monkeypatch.setenv("HOLOTYPE_DOI_PROVIDER", "none")
    monkeypatch.delenv("HOLOTYPE_DATACITE_PASSWORD")
    assert load_settings().doi_provider == "none"  # nothing needed without DOIs
