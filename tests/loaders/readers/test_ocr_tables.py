"""Tables rebuilt from a page image cell by cell: empty cells stay in place, unsure numbers are not guessed."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter
from scans import _font, font_file

pytest.importorskip("rapidocr_onnxruntime", reason="the OCR extra is not installed: pip install 'xxgk[ocr]'")
pytestmark = pytest.mark.skipif(font_file() is None, reason="no CJK font to print the pages (fonts-wqy-microhei)")

XS = (40, 300, 500, 700, 900)
YS = (40, 110, 180, 250, 320)


def _table(rows: list[list[str]], smudge: tuple[int, int] | None = None) -> np.ndarray:
    image = Image.new("RGB", (960, 380), "white")
    draw = ImageDraw.Draw(image)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            draw.rectangle((XS[c], YS[r], XS[c + 1], YS[r + 1]), outline="black", width=2)
            draw.text((XS[c] + 12, YS[r] + 18), text, font=_font(28), fill="black")
    if smudge is not None:
        r, c = smudge
        box = (XS[c] + 4, YS[r] + 4, XS[c + 1] - 4, YS[r + 1] - 4)
        image.paste(image.crop(box).filter(ImageFilter.GaussianBlur(3)), box)
    return np.asarray(image)


def _read(rows, smudge=None):
    from loaders.readers.ocr import read_page_image

    return read_page_image(_table(rows, smudge), 1)


HEADER = ["信息内容", "本年新制作", "本年新公开", "总数量"]


def test_an_empty_cell_stays_an_empty_field_and_nothing_shifts():
    page = _read([HEADER, ["规章", "12", "", "3"], ["规范性文件", "", "7", "40"], ["行政许可", "5", "0", ""]])
    assert page.lines == ["信息内容\t本年新制作\t本年新公开\t总数量", "规章\t12\t\t3", "规范性文件\t\t7\t40", "行政许可\t5\t0\t"]
    assert not page.notes


def test_a_smudged_number_is_unreadable_with_an_issue_never_a_guess():
    page = _read([HEADER, ["规章", "12", "57", "3"], ["规范性文件", "4", "0", "8"]], smudge=(1, 2))
    assert page.lines[1] == "规章\t12\t\ufffd\t3"
    assert page.lines[2] == "规范性文件\t4\t0\t8"
    notes = [(index, code.name, code.severity) for index, code, _ in page.notes]
    assert notes == [(1, "OCR_LOW_CONFIDENCE", "warning")]
    # where it was read: the cell's box on page 1, kept for provenance
    span = next(s for s in page.spans[1] if s.start == len("规章\t12\t"))
    assert span.where.page == 1 and span.where.box == (XS[2], YS[1], XS[3], YS[2])


def test_look_alikes_are_folded_only_where_a_cell_must_be_a_number():
    page = _read([HEADER, ["规章", "1O", "l2", "3"], ["OIL", "4", "0", "8"]])
    assert page.lines[1] == "规章\t10\t12\t3"  # O and l in a number's place are 0 and 1
    assert page.lines[2].split("\t")[0] == "OIL"  # a label keeps its letters


def test_a_digits_probability_is_the_sum_of_its_look_alikes():
    from loaders.readers.ocr import engine
    from loaders.readers.ocr.strips import _FOLDS, _fold_table

    keys, classes, starts = _fold_table()
    alphabet = engine.character_list()
    probs = np.random.default_rng(0).random((5, len(alphabet))).astype(np.float32)
    folded = np.add.reduceat(probs[:, classes], starts, axis=1)
    for k, key in enumerate(keys):
        expected = sum(probs[:, alphabet.index(char)] for char in _FOLDS[key] if char in alphabet)
        np.testing.assert_allclose(folded[:, k], expected, rtol=1e-6)
    assert keys[:10] == list("0123456789")
