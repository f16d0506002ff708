"""`make test` stops the PostgreSQL its tests started, passed or failed; `make clean` stops both servers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from db import embedded

ROOT = Path(__file__).resolve().parents[2]
BIN = str(Path(sys.executable).parent)  # the virtual environment the tests run in

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), f"BIN={BIN}", *args],
                          capture_output=True, text=True, env=env or dict(os.environ), timeout=120)


def test_make_test_stops_the_test_database_and_keeps_pytests_exit_code():
    recipe = make("-n", "test").stdout
    pytest_line = next(line for line in recipe.splitlines() if "pytest" in line)
    # One shell line: the stop runs whatever pytest returned, and pytest's code is the target's.
    assert pytest_line.startswith(f"{BIN}/pytest -q; status=$?; ")
    assert 'embedded.stop(default_data_dir("test-pgdata", env="XXGK_TEST_DATA_DIR"))' in pytest_line
    assert pytest_line.endswith("; exit $status")


def test_make_clean_stops_the_run_and_the_test_database_before_removing_them():
    recipe = make("-n", "clean").stdout.splitlines()
    stops = [n for n, line in enumerate(recipe) if "xxgk db stop" in line or 'default_data_dir("test-pgdata"' in line]
    removal = next(n for n, line in enumerate(recipe) if line.startswith("rm -rf"))
    assert len(stops) == 2 and max(stops) < removal


def test_stop_test_db_stops_the_server_the_tests_start():
    # A server of its own, not the one this test suite runs on.
    data_dir = Path(os.environ.get("XXGK_TEST_TMP", "/tmp")) / f"xxgk-make-{os.getpid()}" / "pgdata"
    env = {**os.environ, "XXGK_TEST_DATA_DIR": str(data_dir)}
    try:
        embedded.start(data_dir)
        assert embedded.status(data_dir).running
        done = make("stop-test-db", env=env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "test PostgreSQL stopped"
        assert not embedded.status(data_dir).running
        assert make("stop-test-db", env=env).stdout.strip() == "test PostgreSQL was not running"
    finally:
        embedded.stop(data_dir)
        shutil.rmtree(data_dir.parent, ignore_errors=True)
