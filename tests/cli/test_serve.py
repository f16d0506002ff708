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


def test_each_worker_listens_on_a_socket_of_its_own():
    """With several workers, each gets its own SO_REUSEPORT socket on the parent's address (the kernel then
    spreads connections among them); the parent's socket only holds the address and takes none."""
    from multiprocessing.reduction import ForkingPickler

    from xxgk.cli import _WorkerSocket

    with _WorkerSocket.opened("127.0.0.1", 0) as parent:
        address = parent.getsockname()
        workers = [ForkingPickler.loads(ForkingPickler.dumps(parent)) for _ in range(2)]
        try:
            for worker in workers:
                assert type(worker) is socket.socket
                assert worker.getsockname() == address
                assert worker.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
                worker.listen()
            accepted = set()
            for _ in range(40):  # new connections land on both workers' sockets, none on the parent's
                with socket.create_connection(address, timeout=5):
                    for i, worker in enumerate(workers):
                        worker.setblocking(False)
                        try:
                            worker.accept()[0].close()
                            accepted.add(i)
                        except BlockingIOError:
                            pass
            assert accepted == {0, 1}
        finally:
            for worker in workers:
                worker.close()
