"""Score the parser on the real-report corpus: exact, wrong and missed labelled cells, per document.

    .venv/bin/python bench/corpus.py [DIR]

DIR holds ``NNN.txt`` documents with ``NNN.json`` labels (default: ``tests/fixtures/corpus``; see its README
for the label format). A wrong number is the one outcome that must never happen; a missed one is data lost.
Exit code 1 when any cell is wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders import NotAReportError, parse_text  # noqa: E402

BLOCKS = ("applications", "reviews", "proactive")


def labelled(label: dict) -> dict[str, object]:
    cells: dict[str, object] = {"year": label.get("year"), "template": str(label.get("template"))}
    for block in BLOCKS:
        for row, columns in (label.get(block) or {}).items():
            for column, value in columns.items():
                cells[f"{block}.{row}.{column}"] = value
    return cells


def value_at(parsed: dict | None, dotted: str) -> object:
    if parsed is None:
        return None
    node: object = parsed
    for key in dotted.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, str) and dotted != "template":
        return float(node)
    return node


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", default=str(Path(__file__).resolve().parent.parent / "tests/fixtures/corpus"))
    args = parser.parse_args()
    totals = [0, 0, 0]
    for label_path in sorted(Path(args.dir).glob("*.json")):
        document = label_path.with_suffix(".txt")
        try:
            parsed = parse_text(document.read_text(encoding="utf-8")).to_json()
        except NotAReportError as exc:
            parsed, note = None, f" [{exc}]"
        else:
            note = ""
        counts, bad = [0, 0, 0], []
        for dotted, want in labelled(json.loads(label_path.read_text(encoding="utf-8"))).items():
            got = value_at(parsed, dotted)
            if got == want or (isinstance(got, float) and isinstance(want, (int, float)) and abs(got - want) < 1e-9):
                counts[0] += 1
            elif got is None:
                counts[2] += 1
                bad.append(f"{dotted} missed")
            else:
                counts[1] += 1
                bad.insert(0, f"{dotted}={got!r} want {want!r}")
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        example = f"; e.g. {'; '.join(bad[:3])}" if bad else ""
        print(f"{document.name}: {counts[0]} exact, {counts[1]} wrong, {counts[2]} missed{note}{example}")
    n = sum(totals)
    share = 100 * totals[0] / n if n else 0
    print(f"corpus: {totals[0]} exact, {totals[1]} wrong, {totals[2]} missed of {n} labelled cells ({share:.1f} % exact)")
    return 0 if totals[1] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
