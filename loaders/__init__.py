"""Reading annual disclosure reports: text in, canonical :class:`Report` out. No database here."""

from loaders.canonical import Issue, NotAReportError, Report

__all__ = ["Issue", "NotAReportError", "Report"]
