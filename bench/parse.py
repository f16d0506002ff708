"""Parser throughput: N synthetic seed-sized reports in the four seed layouts, parsed on one core.

    .venv/bin/python bench/parse.py [--n 2000] [--noisy]

Texts are generated in memory first; only ``parse_text`` is timed, in CPU seconds of this process. Prints
reports/s overall and per layout. Target: ≥ 1,000 reports/s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders import parse_text  # noqa: E402
from synthetic import LAYOUTS, NoiseOptions, generate, render  # noqa: E402

TARGET = 1_000
# Damage like the OCR seed's, for --noisy.
NOISE = NoiseOptions(
    wrap_labels=0.1,
    lookalikes=0.1,
    full_width_digits=0.1,
    spaces_in_words=0.1,
    drop_cells=0.05,
    duplicate_cells=0.05,
    thousands_separators=0.5,
)


def corpus(n: int, noisy: bool) -> dict[str, list[str]]:
    """``n`` rendered reports, spread evenly over the layouts."""
    texts: dict[str, list[str]] = {layout: [] for layout in LAYOUTS}
    for i in range(n):
        layout = LAYOUTS[i % len(LAYOUTS)]
        texts[layout].append(render(generate(i), layout, noise=NOISE if noisy else None, rng_seed=i))
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2_000, help="reports to parse (default 2000)")
    parser.add_argument("--noisy", action="store_true", help="render with OCR-like noise")
    args = parser.parse_args()

    texts = corpus(args.n, args.noisy)
    size = sum(len(t.encode()) for ts in texts.values() for t in ts) / max(args.n, 1)
    print(f"{args.n} reports, mean {size / 1024:.1f} KiB{' (noisy)' if args.noisy else ''}")
    # CPU time of this process, so other load on a shared machine does not count against the parser.
    cpu = wall = 0.0
    for layout, batch in texts.items():
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        for text in batch:
            parse_text(text)
        spent = time.process_time() - start_cpu
        cpu, wall = cpu + spent, wall + time.perf_counter() - start_wall
        print(f"  {layout:<13} {len(batch) / spent:8,.0f} reports/s")
    rate = args.n / cpu
    print(f"  {'all':<13} {rate:8,.0f} reports/s (target ≥ {TARGET:,}; wall clock {args.n / wall:,.0f}/s)")
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
