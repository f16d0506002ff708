"""The machine's speed at the moment: a fixed pure-Python workload, timed.

On a shared machine the same code can run up to twice as fast in one hour as in another. The benchmarks
print this reference before and after their figures, so figures taken at different times can be read
against each other: a figure that doubles while the reference doubles says nothing about the code.
"""

from __future__ import annotations

import time

STEPS = 3_000_000


def reference_ms() -> float:
    """Milliseconds for a fixed loop of ``STEPS`` multiply-adds (lower is faster)."""
    started = time.perf_counter()
    total = 0
    for i in range(STEPS):
        total += i * i
    return (time.perf_counter() - started) * 1000


def report(when: str) -> None:
    print(f"machine reference {when}: {reference_ms():.0f} ms for a fixed {STEPS:,}-step loop (lower is faster)",
          flush=True)
