"""`xxgk serve` refuses a port it cannot listen on in one line, before it starts anything."""

from __future__ import annotations

import os
import socket
import subprocess
import sys


def serve(*args: str) -> subprocess.CompletedProcess:
    # The check comes before the database is looked for: no server is started here.
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    return subprocess.run([sys.executable, "-m", "xxgk", "serve", *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_a_port_out_of_range_is_a_usage_error():
    done = serve("--port", "99999")
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["error: port 99999 is not a TCP port (1–65535)"]


def test_a_port_in_use_says_so_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = serve("--host", "127.0.0.1", "--port", str(port))
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: cannot listen on 127.0.0.1:{port}: ") and "in use" in line
