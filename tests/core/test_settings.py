"""Every setting is read from its environment variable, with the default the README's table gives."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import Settings
from db.engine import async_url

ROOT = Path(__file__).resolve().parents[2]
VARS = tuple(Settings.variables().values())


@pytest.fixture
def env(monkeypatch):
    for name in VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def configuration_table() -> dict[str, str]:
    """The README's configuration table: variable → its default as written (``unset`` for none)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([A-Z_]+)`", cells[0])
        defaults = re.findall(r"`([^`]*)`", cells[1]) or [cells[1]] * len(names)
        assert len(defaults) == len(names), line
        table.update(zip(names, defaults, strict=True))
    return table


def test_every_setting_is_in_the_readme_table_and_the_table_has_no_other():
    assert set(configuration_table()) == set(VARS)


def test_the_readme_gives_each_default_as_it_is(env):
    documented = configuration_table()
    defaults = Settings()
    for f in fields(Settings):
        value, written = getattr(defaults, f.name), documented[f.metadata["env"]]
        if isinstance(value, Path) or written in VARS:
            continue  # depends on the working directory, or falls back to another variable: said in words
        if value is None or value is False:
            assert written == "unset", f.name
        else:
            assert written == ("1" if value is True else str(value)), f.name


def test_only_the_settings_module_reads_the_environment():
    reading = re.compile(r"environ\.get\(|environ\[|getenv\(")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("core", "loaders", "checks", "synthetic", "db", "services", "api", "xxgk", "migrations")
        for path in (ROOT / folder).rglob("*.py")
        if path != ROOT / "core" / "settings.py" and reading.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("name, raw, message", [
    ("XXGK_SUMMARY_WORK_MEM", "64MB'; DROP TABLE report; --", "must be a PostgreSQL memory size"),
    ("XXGK_LOAD_BATCH", "0", "XXGK_LOAD_BATCH must be at least 1"),
    ("XXGK_MAX_QUERY_DEPTH", "deep", "XXGK_MAX_QUERY_DEPTH must be an integer"),
])
def test_a_value_that_cannot_be_used_is_a_config_error_naming_its_variable(env, name, raw, message):
    env.setenv(name, raw)
    with pytest.raises(ConfigError, match=message):
        Settings.from_env()


def test_flags_are_on_unless_written_off(env):
    for raw, on in (("1", True), ("yes", True), ("0", False), ("false", False), ("OFF", False)):
        env.setenv("XXGK_DEBUG", raw)
        env.setenv("XXGK_PLAIN_FIELDS", raw)
        s = Settings.from_env()
        assert (s.debug, s.plain_fields) == (on, on), raw


def test_defaults(env):
    s = Settings.from_env()
    assert s.database_url is None and s.database_read_url is None and s.api_key is None
    assert s.data_dir == Path(".xxgk/pgdata").absolute()
    assert (s.host, s.port, s.statement_cache_size, s.statement_timeout_ms) == ("127.0.0.1", 8000, 100, 10_000)


def test_each_variable_is_honoured(env, tmp_path):
    env.setenv("DATABASE_URL", "postgresql://a:b@db:5432/x")
    env.setenv("DATABASE_READ_URL", "postgresql://a:b@replica:5432/x")
    env.setenv("XXGK_DATA_DIR", str(tmp_path / "pg"))
    env.setenv("XXGK_API_KEY", "secret")
    env.setenv("XXGK_HOST", "0.0.0.0")
    env.setenv("XXGK_PORT", "9001")
    env.setenv("XXGK_STATEMENT_CACHE_SIZE", "0")
    env.setenv("XXGK_STATEMENT_TIMEOUT_MS", "250")
    s = Settings.from_env()
    assert s.database_url == "postgresql://a:b@db:5432/x"
    assert s.database_read_url == "postgresql://a:b@replica:5432/x"
    assert s.data_dir == tmp_path / "pg"
    assert (s.api_key, s.host, s.port, s.statement_cache_size, s.statement_timeout_ms) == (
        "secret", "0.0.0.0", 9001, 0, 250)


def test_a_non_integer_port_is_a_config_error(env):
    env.setenv("XXGK_PORT", "eighty")
    with pytest.raises(ConfigError, match="XXGK_PORT must be an integer"):
        Settings.from_env()


@pytest.mark.parametrize("raw, expected", [
    ("postgresql://u:p@h:5433/d", "postgresql+asyncpg://u:p@h:5433/d"),
    ("postgres://u@h/d", "postgresql+asyncpg://u@h/d"),
    ("postgresql://u@h/d?sslmode=require", "postgresql+asyncpg://u@h/d?ssl=require"),
])
def test_database_urls_are_given_the_async_driver(raw, expected):
    assert async_url(raw) == expected


@pytest.mark.parametrize("raw", ["mysql://u@h/d", "not a url"])
def test_other_databases_are_refused(raw):
    with pytest.raises(ConfigError):
        async_url(raw)


def test_root_never_defaults_to_a_data_dir_under_root_or_home(env, monkeypatch, tmp_path):
    from core import settings as mod

    monkeypatch.setattr(mod.os, "geteuid", lambda: 0)
    monkeypatch.setenv("HOME", str(tmp_path))
    project = tmp_path / "xxgk"
    project.mkdir()
    monkeypatch.chdir(project)
    moved = Settings.from_env().data_dir
    assert moved.parts[:4] == ("/", "var", "lib", "xxgk") and moved.name == "pgdata"
    assert moved.parent.name.startswith("xxgk-")
    elsewhere = tmp_path.parent / f"not-home-{tmp_path.name}"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert Settings.from_env().data_dir == elsewhere / ".xxgk" / "pgdata"
