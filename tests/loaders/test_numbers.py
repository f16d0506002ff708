"""Reading one table cell: numbers in their many spellings, dashes, empties and text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loaders.numbers import Kind, classify, parse_amount, parse_count


@pytest.mark.parametrize(
    ("cell", "count"),
    [
        ("０", 0),  # full-width digit
        ("１２３", 123),
        ("1,234", 1234),  # thousands separator
        ("１，２３４", 1234),  # full-width thousands separator
        ("1 234", 1234),  # space inside a number
        ("12 345 678", 12345678),
        (" 7 ", 7),
        ("\u2002" + "0", 0),  # en space padding, as in seed 001
        ("-3", -3),  # 本年增/减 may be negative
        ("－3", -3),  # full-width minus
        ("\u22123", -3),  # Unicode minus sign
        ("5件", 5),  # a unit after the number
    ],
)
def test_counts(cell: str, count: int) -> None:
    assert parse_count(cell) == count


@pytest.mark.parametrize("cell", ["", "  ", "—", "-", "/", "／", "无", "－", "——"])
def test_empty_and_dash_are_none_not_zero(cell: str) -> None:
    assert parse_count(cell) is None
    assert parse_amount(cell) is None


@pytest.mark.parametrize("cell", ["—", "-", "/", "／", "无", "－"])
def test_dash_kind(cell: str) -> None:
    assert classify(cell)[0] is Kind.DASH


def test_empty_kind() -> None:
    assert classify(" \u3000")[0] is Kind.EMPTY


def test_decimal_amount_keeps_its_digits() -> None:
    assert str(parse_amount("12.50")) == "12.50"
    assert parse_amount("１２．５０") == Decimal("12.50")
    assert str(parse_amount("167900")) == "167900"
    assert str(parse_amount("1,234.5")) == "1234.5"


def test_fractional_count_is_not_a_count() -> None:
    assert parse_count("12.5") is None


@pytest.mark.parametrize("cell", ["1.属于国家秘密", "信息内容", "2021年", "第二十条第(一)项"])
def test_labels_are_text(cell: str) -> None:
    assert classify(cell)[0] is Kind.TEXT


def test_two_numbers_merged_in_one_cell_are_two_cells() -> None:
    assert classify("0 0") == (Kind.NUMBER, ("0", "0"))
    assert classify("3 12") == (Kind.NUMBER, ("3", "12"))
