"""The mark synthetic reports carry in their title and their agency's name, so no reader mistakes them for real."""

from __future__ import annotations

from dataclasses import replace

from loaders.canonical import Report

# 合成 "synthesised": a prefix no real agency name or report title starts with.
SYNTHETIC_MARK = "【合成】"


def marked(text: str) -> str:
    """``text`` with the synthetic mark in front (once)."""
    return text if text.startswith(SYNTHETIC_MARK) else SYNTHETIC_MARK + text


def mark_synthetic(report: Report) -> Report:
    """A copy of ``report`` whose title and agency name start with :data:`SYNTHETIC_MARK`."""
    return replace(
        report,
        title=marked(report.title or ""),
        agency_name=marked(report.agency_name) if report.agency_name else report.agency_name,
    )
