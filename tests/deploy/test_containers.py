"""The Dockerfile and docker-compose.yml, read for what makes containers work the first time.

No Docker daemon runs where the tests do, so the files are parsed: a healthcheck over TCP, the API
waiting for a healthy database and a finished migration, a restart policy, the server as PID 1 (exec
form, so SIGTERM reaches it), an unprivileged user, no embedded PostgreSQL, a small build context.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped), one list per stage."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    out: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            out.append([])
        out[-1].append(line)
    return out


def instruction(stage: list[str], name: str) -> list[str]:
    return [line[len(name) + 1:].strip() for line in stage if line.upper().startswith(name + " ")]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_the_database_is_healthy_only_when_it_answers_over_tcp(compose):
    test = compose["services"]["postgres"]["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "pg_isready"
    assert test[test.index("-h") + 1] == "127.0.0.1"  # not the socket, which answers during initdb


def test_the_api_starts_after_a_healthy_database_and_a_finished_migration(compose):
    services = compose["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["command"][:2] == ["xxgk", "migrate"] and "--wait" in services["migrate"]["command"]
    api = services["api"]["depends_on"]
    assert api["postgres"]["condition"] == "service_healthy"
    assert api["migrate"]["condition"] == "service_completed_successfully"
    assert services["api"]["restart"] in ("always", "unless-stopped", "on-failure")
    assert services["migrate"]["environment"]["DATABASE_URL"] == services["api"]["environment"]["DATABASE_URL"]


def test_the_image_is_built_in_stages_and_runs_as_an_unprivileged_user():
    built = stages()
    assert len(built) >= 2
    final = built[-1]
    users = instruction(final, "USER")
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any("useradd" in run for run in instruction(final, "RUN"))
    assert not any("pip install" in run for run in instruction(final, "RUN"))  # built in the first stage


def test_the_server_is_pid_1_through_an_exec_form_cmd():
    (cmd,) = instruction(stages()[-1], "CMD")
    argv = json.loads(cmd)  # exec form: a JSON array, no shell between Docker and the server
    assert argv[:2] == ["xxgk", "serve"] and argv[0] not in ("sh", "bash", "/bin/sh")


def test_the_image_installs_from_the_lock_without_the_embedded_postgresql_or_dev_tools():
    installs = [run for stage in stages() for run in instruction(stage, "RUN") if "pip install" in run]
    assert installs and all("requirements.lock" in run for run in installs)
    assert not any(re.search(r"\.\[[^]]*\]", run) or "embedded" in run for run in installs)
    assert "COPY requirements.lock" in " ".join(stages()[0])


def test_the_build_context_leaves_out_the_virtual_environment_and_the_database():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()}
    assert {".venv", ".xxgk", ".git"} <= ignored


def test_every_folder_the_package_needs_is_copied_into_the_image():
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = {line.split()[1] for line in instruction(stages()[0], "COPY")}
    assert packages <= copied


@pytest.mark.skipif(shutil.which("docker-compose") is None and shutil.which("docker") is None, reason="no Docker")
def test_docker_compose_accepts_the_file():
    commands = [["docker", "compose", "config", "--quiet"], ["docker-compose", "config", "--quiet"]]
    for command in commands:
        if shutil.which(command[0]) is None:
            continue
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if "unknown" in done.stderr or "is not a docker command" in done.stderr:
            continue  # this docker has no compose plugin
        assert done.returncode == 0, done.stderr
        return
    pytest.skip("no docker compose here")
