"""Settings: defaults, TOML, environment, secrets, errors, and documentation coverage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from holotype.config import ConfigError, Settings, describe, load_settings, secret_names

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
