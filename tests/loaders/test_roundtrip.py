"""Property tests of the parser: synthetic report → text in a seed layout → parse_text → the same report.

Clean renderings must come back exactly. Noisy ones may lose values, but a value is then null (provenance
``missing``, with an issue) — never a different number, and an ``inferred`` value must be the true one.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from loaders import parse_text
from loaders.canonical import TEMPLATES, Report
from synthetic import EXACT_LAYOUTS, LAYOUTS, LOSSY_LAYOUTS, NoiseOptions, generate, render

CASES = [(layout, template) for layout in EXACT_LAYOUTS for template in TEMPLATES]
LOSSY = [(layout, template) for layout in LOSSY_LAYOUTS for template in TEMPLATES]
PARTS = ("proactive", "applications", "reviews")
seeds = st.integers(min_value=0, max_value=2**32 - 1)
probability = st.sampled_from((0.0, 0.1, 0.3, 1.0))
noises = st.builds(
    NoiseOptions,
    wrap_labels=probability,
    lookalikes=probability,
    full_width_digits=probability,
    spaces_in_words=probability,
    drop_cells=probability,
    duplicate_cells=probability,
    thousands_separators=probability,
)
# Noise that only changes spelling: every value must still be read (wrapping is left out, see the report).
spelling_noises = st.builds(
    NoiseOptions,
    lookalikes=probability,
    full_width_digits=probability,
    spaces_in_words=probability,
    thousands_separators=probability,
)
# The whole file should stay near a minute on a 2-core machine.
fast = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
noisy = settings(fast, max_examples=60)


def cells(report: Report) -> dict[str, object]:
    return {
        f"{part}.{row}.{col}": value
        for part in PARTS
        for row, cols in getattr(report, part).items()
        for col, value in cols.items()
    }


def differences(truth: Report, parsed: Report) -> dict[str, tuple[object, object]]:
    """Cells (and identity fields) where the parsed report differs from the truth: path → (true, parsed)."""
    got = cells(parsed)
    diff = {path: (value, got.get(path, "absent")) for path, value in cells(truth).items() if got.get(path) != value}
    for name in ("agency_name", "year", "template"):
        if getattr(truth, name) != getattr(parsed, name):
            diff[name] = (getattr(truth, name), getattr(parsed, name))
    return diff


@pytest.mark.parametrize(("layout", "template"), CASES)
@fast
@given(seed=seeds)
def test_clean_rendering_parses_back_exactly(layout: str, template: str, seed: int):
    truth = generate(seed, template=template)
    parsed = parse_text(render(truth, layout, rng_seed=seed))
    assert differences(truth, parsed) == {}
    assert (parsed.title, parsed.published_at) == (truth.title, truth.published_at)
    assert parsed.provenance == {}


@pytest.mark.parametrize(("layout", "template"), CASES)
@settings(max_examples=20, deadline=None)
@given(seed=seeds)
def test_region_hint_parses_back(layout: str, template: str, seed: int):
    truth = generate(seed, template=template)
    assert parse_text(render(truth, layout, rng_seed=seed)).region_hint == truth.region_hint


def test_region_from_header_line_when_town_name_holds_xiang():
    # Found here: 宣汉县东乡街道 above the title gave no region (the 乡 of 东乡 ended a place unit).
    truth = generate(544)
    assert (truth.agency_name, truth.region_hint) == ("东乡街道办事处", "宣汉县")
    assert not truth.title.startswith("宣汉县")
    assert parse_text(render(truth, "docx_cells")).region_hint == "宣汉县"


def assert_no_wrong_number(truth: Report, parsed: Report) -> None:
    """Every value is the true one, or null with provenance ``missing`` and an issue; inferred ones are true."""
    for path, (true, got) in differences(truth, parsed).items():
        assert got is None, f"{path}: read {got!r}, truth {true!r}"
        if path in ("agency_name", "year", "template"):  # an excerpt without its title: said in an issue
            assert any(i.code.endswith("_MISSING") or i.code == "TEMPLATE_UNKNOWN" for i in parsed.issues), path
            continue
        assert parsed.provenance.get(path) == "missing", path
        assert parsed.issues, path
    got, true_cells = cells(parsed), cells(truth)
    for path, how in parsed.provenance.items():
        if how == "inferred":
            assert got[path] == true_cells[path], path


@pytest.mark.parametrize(("layout", "template"), CASES + LOSSY)
@noisy
@given(seed=seeds, noise=noises)
@example(seed=1, noise=NoiseOptions(drop_cells=1.0))
@example(seed=2, noise=NoiseOptions(duplicate_cells=1.0))
# Found here: a wrapped label's second half was taken for the next row's label (docx_tsv, 2021).
@example(seed=1, noise=NoiseOptions(wrap_labels=1.0))
@example(seed=467, noise=NoiseOptions(wrap_labels=0.3, duplicate_cells=0.1))
def test_noisy_rendering_never_yields_a_wrong_number(layout: str, template: str, seed: int, noise: NoiseOptions):
    if layout == "glued" and noise.loses_information:
        # A crawled page loses no printed number, only the borders between them (an empty cell vanishing
        # is tested below). Cells lost on top of glued digits leave nothing to tell a reading by where no
        # column identity can be checked: a forced split may add up by chance.
        noise = replace(noise, drop_cells=0.0, duplicate_cells=0.0)
    truth = generate(seed, template=template)
    assert_no_wrong_number(truth, parse_text(render(truth, layout, noise=noise, rng_seed=seed)))


@pytest.mark.parametrize("layout", LAYOUTS)
@settings(noisy, max_examples=40)
@given(seed=seeds, noise=spelling_noises)
def test_spelling_noise_loses_nothing(layout: str, seed: int, noise: NoiseOptions):
    truth = generate(seed)
    assert differences(truth, parse_text(render(truth, layout, noise=noise, rng_seed=seed))) == {}


@pytest.mark.parametrize(("layout", "template"), LOSSY)
@fast
@given(seed=seeds)
def test_lossy_layouts_never_yield_a_wrong_number(layout: str, template: str, seed: int):
    # Glued cells without an identity to split them by, and an excerpt's missing rows, come out null.
    truth = generate(seed, template=template)
    assert_no_wrong_number(truth, parse_text(render(truth, layout, rng_seed=seed)))


@pytest.mark.parametrize("template", TEMPLATES)
@fast
@given(seed=seeds, data=st.data())
# Found here: 162 17 1 _ 3 3 186 glued as 1621713 3186 also adds up as 1|6|2|171|3|3|186.
@example(seed=209, data=None)
def test_an_empty_cell_lost_among_glued_digits_never_yields_a_wrong_number(template: str, seed: int, data):
    truth = generate(seed, template=template)
    cells_ = [(row, column) for row, columns in truth.applications.items() for column, v in columns.items() if v == 0]
    if not cells_:
        return
    row, column = cells_[seed % len(cells_)] if data is None else data.draw(st.sampled_from(cells_))
    truth.applications[row][column] = None  # printed empty: no trace among glued digits
    parsed = parse_text(render(truth, "glued", rng_seed=seed))
    got = parsed.applications[row][column]
    # The empty cell may come out as 0 only as the column identities' inference.
    assert got is None or (got == 0 and parsed.provenance[f"applications.{row}.{column}"] == "inferred")
    truth.applications[row][column] = got
    assert_no_wrong_number(truth, parsed)
