"""Parser throughput on one core: synthetic seed-sized reports in the seed layouts, and as crawled one-line
pages with glued cells.

    .venv/bin/python bench/parse.py [--n 2000] [--noisy] [--layouts docx_tsv,glued,...]

Texts are generated in memory first; only ``parse_text`` is timed, in CPU seconds of this process (other
load on a shared machine does not count against the parser), with every value's location worked out.
Prints reports/s per layout and for the two groups the target is set for: ≥ 1,000 reports/s each.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders import parse_text  # noqa: E402
from synthetic import ALL_LAYOUTS, LAYOUTS, NoiseOptions, generate, render  # noqa: E402

TARGET = 1_000
GROUPS = {"seed layouts": LAYOUTS, "one-line glued pages": ("glued",)}
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


def corpus(n: int, layouts: tuple[str, ...], noisy: bool) -> dict[str, list[str]]:
    """``n`` rendered reports per layout."""
    return {
        layout: [render(generate(i), layout, noise=NOISE if noisy else None, rng_seed=i) for i in range(n)]
        for layout in layouts
    }


def timed(texts: list[str]) -> float:
    """CPU seconds to parse ``texts``."""
    start = time.process_time()
    for text in texts:
        parse_text(text).locations  # noqa: B018 - the locations are part of the work
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2_000, help="reports per group (default 2000)")
    parser.add_argument("--noisy", action="store_true", help="render with OCR-like noise")
    parser.add_argument("--layouts", help=f"comma-separated layouts instead of the groups ({', '.join(ALL_LAYOUTS)})")
    args = parser.parse_args()

    groups = {"chosen": tuple(args.layouts.split(","))} if args.layouts else GROUPS
    worst = float("inf")
    for name, layouts in groups.items():
        per_layout = max(1, args.n // len(layouts))
        texts = corpus(per_layout, layouts, args.noisy)
        size = sum(len(t.encode()) for ts in texts.values() for t in ts) / (per_layout * len(layouts))
        print(f"{name}: {per_layout * len(layouts)} reports, mean {size / 1024:.1f} KiB{' (noisy)' if args.noisy else ''}")
        spent = 0.0
        for layout, batch in texts.items():
            cpu = timed(batch)
            spent += cpu
            print(f"  {layout:<14} {len(batch) / cpu:8,.0f} reports/s")
        rate = per_layout * len(layouts) / spent
        worst = min(worst, rate)
        print(f"  {'all':<14} {rate:8,.0f} reports/s (target ≥ {TARGET:,})")
    return 0 if worst >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
