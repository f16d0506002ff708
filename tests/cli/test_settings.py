"""Every setting is read from its environment variable, with the documented default."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.engine import async_url
from xxgk.settings import ConfigError, Settings

VARS = ("DATABASE_URL", "DATABASE_READ_URL", "XXGK_DATA_DIR", "XXGK_API_KEY", "XXGK_HOST", "XXGK_PORT",
        "XXGK_STATEMENT_CACHE_SIZE", "XXGK_STATEMENT_TIMEOUT_MS")


@pytest.fixture
def env(monkeypatch):
    for name in VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


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
    from xxgk import settings as mod

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
