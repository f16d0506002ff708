"""`xxgk db …` and `xxgk migrate` as a user runs them, with the embedded server in a fresh directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk", *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def embedded_env(tmp_path_factory):
    # Not under /root or $HOME: as root the server runs as an unprivileged user that must reach the directory.
    base = Path(os.environ.get("XXGK_TEST_TMP", "/tmp")) / f"xxgk-cli-{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["XXGK_DATA_DIR"] = str(base / "pgdata")
    yield env
    run("db", "stop", env=env)
    subprocess.run(["rm", "-rf", str(base)], check=False)


def test_embedded_server_lifecycle_and_migrations(embedded_env):
    env = embedded_env
    status = run("db", "status", env=env)
    assert status.returncode == 1 and status.stdout.startswith("not running")
    started = run("db", "start", env=env)
    assert started.returncode == 0, started.stderr
    assert "embedded PostgreSQL is running: postgresql+asyncpg://postgres@/xxgk?host=" in started.stdout
    status = run("db", "status", env=env)
    assert status.returncode == 0 and status.stdout.startswith("running: pid ")
    url = run("db", "url", "--sqlalchemy", env=env).stdout.strip()
    assert url.startswith("postgresql+asyncpg://postgres@/xxgk?host=")
    # Without --sqlalchemy, a URL psql takes as it is.
    libpq = run("db", "url", env=env).stdout.strip()
    assert libpq.startswith("postgresql://postgres@/xxgk?host=")
    psql = shutil.which("psql")
    if psql:  # the PostgreSQL client, where it is installed
        asked = subprocess.run([psql, libpq, "-tAc", "SELECT current_database()"], capture_output=True, text=True,
                               timeout=60)
        assert (asked.returncode, asked.stdout.strip()) == (0, "xxgk"), asked.stderr
    first = run("migrate", env=env)
    assert first.returncode == 0 and first.stdout.startswith("migrated database schema from empty to ")
    second = run("migrate", env=env)
    assert second.returncode == 0 and second.stdout.startswith("database schema is up to date")
    stopped = run("db", "stop", env=env)
    assert stopped.stdout.strip() == "embedded PostgreSQL stopped"
    assert run("db", "status", env=env).returncode == 1


def test_a_crashed_server_is_recovered_with_a_message(embedded_env):
    env = embedded_env
    assert run("db", "start", env=env).returncode == 0
    pid = int((Path(env["XXGK_DATA_DIR"]) / "postmaster.pid").read_text().split()[0])
    os.kill(pid, 9)
    # The killed postmaster leaves its children and postmaster.pid behind, like a crash.
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    restarted = run("db", "start", env=env)
    assert restarted.returncode == 0, restarted.stderr
    assert "stale lock" in restarted.stderr
    assert run("db", "status", env=env).returncode == 0


def test_database_url_is_honoured_and_a_wrong_one_is_one_line(db_url):
    env = {**os.environ, "DATABASE_URL": db_url}
    done = run("migrate", env=env)
    assert done.returncode == 0 and "up to date" in done.stdout  # the test database is already migrated
    assert run("db", "status", env=env).stdout.startswith("using DATABASE_URL")
    env["DATABASE_URL"] = "postgresql://nobody:wrong@127.0.0.1:1/nothing"
    bad = run("migrate", env=env)
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        "error: cannot connect to the database nothing at 127.0.0.1:1: [Errno 111] Connect call failed ('127.0.0.1', 1)"]


def test_migrate_waits_for_a_database_that_is_not_up_yet_then_says_why_in_one_line():
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody:wrong@127.0.0.1:1/nothing"}
    started = time.monotonic()
    waited = run("migrate", "--wait", "3", env=env)
    assert time.monotonic() - started >= 2.5
    lines = waited.stderr.strip().splitlines()
    assert waited.returncode == 1 and len(lines) >= 3  # tried again at least twice
    assert all(line.startswith("waiting for the database: cannot connect") for line in lines[:-1])
    assert lines[-1].startswith("error: cannot connect to the database nothing at 127.0.0.1:1")


def test_version_names_xxgk_and_its_parser():
    from loaders.parse import PARSER_VERSION
    from xxgk import __version__

    done = run("--version", env=dict(os.environ))
    assert (done.returncode, done.stdout.strip()) == (0, f"xxgk {__version__} (parser {PARSER_VERSION})")
