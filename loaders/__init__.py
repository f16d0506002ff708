"""Reading annual disclosure reports: text in, canonical :class:`Report` out. No database here."""

from loaders.canonical import Issue, NotAReportError, Report
from loaders.parse import PARSER_VERSION, parse_file, parse_text

__all__ = ["PARSER_VERSION", "Issue", "NotAReportError", "Report", "parse_file", "parse_text"]
