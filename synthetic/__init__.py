"""Synthetic annual reports: random canonical reports and their text in each of the seed layouts.

Used by the parser's property tests, for demo data and for benchmarks. Everything here is pure and
deterministic: :func:`generate` draws a :class:`Report` from ``random.Random(seed)`` and :func:`render`
writes it out the way one of the real seed reports looks after text extraction:

``docx_tsv``      seed 000 — a DOCX as text: tab-separated rows, §3 labels spread over 2–4 cells.
``html_lines``    seed 001 — an HTML page flattened: one cell per line, blank lines between.
``docx_cells``    seeds 002/003 — a DOCX table flattened: one cell per line behind a tab.
``ocr_markdown``  seed 004 — OCR'd PDF as Markdown: ``#`` headings, tab rows, labels broken up.

and the shapes crawlers and converters leave (:mod:`synthetic.crawled`): ``one_line`` and ``glued`` crawled
pages, ``pipes``, ``cell_lines``, ``converter_md`` and ``excerpt``. :data:`EXACT_LAYOUTS` give every value
back when clean; :data:`LOSSY_LAYOUTS` may not (glued cells without an identity to split them; an excerpt's
missing rows), but never give a wrong one.

A generated report is consistent (identities 1–4 of docs/report-format.md hold) unless faults are asked
for by code, see :data:`FAULT_CODES`. A clean rendering writes every value exactly (``None`` as an empty
cell). :class:`NoiseOptions` adds extraction damage; only ``drop_cells`` and ``duplicate_cells`` lose
information (a §3 row then has 6 or 8 numbers and may be unrecoverable), the rest only changes spelling.

``generation`` draws reports, ``faults`` breaks their identities on purpose, ``noise`` damages the text
as extraction does, and ``layouts`` holds one renderer per seed layout. Stored synthetic reports carry
:data:`SYNTHETIC_MARK` (【合成】) in front of their title and agency name (:func:`mark_synthetic`).
"""

from synthetic.faults import FAULT_CODES, S3_COLUMN_BALANCE, S3_OUTCOME_SUM, S3_ROW_SUM, S4_GROUP_SUM, Fault
from synthetic.generation import YEARS, generate, generate_with_faults
from synthetic.layouts import ALL_LAYOUTS, EXACT_LAYOUTS, LAYOUTS, LOSSY_LAYOUTS, render
from synthetic.marking import SYNTHETIC_MARK, mark_synthetic
from synthetic.noise import NoiseOptions

__all__ = [
    "ALL_LAYOUTS",
    "EXACT_LAYOUTS",
    "FAULT_CODES",
    "LAYOUTS",
    "LOSSY_LAYOUTS",
    "S3_COLUMN_BALANCE",
    "S3_OUTCOME_SUM",
    "S3_ROW_SUM",
    "S4_GROUP_SUM",
    "SYNTHETIC_MARK",
    "YEARS",
    "Fault",
    "NoiseOptions",
    "generate",
    "generate_with_faults",
    "mark_synthetic",
    "render",
]
