"""Which reports an export covers: a report year and/or a GB/T 2260 region code, descendants included, and
whether synthetic test data comes along (left out unless asked for)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.errors import UsageError

_REGION_CODE = re.compile(r"\d{6}(\d{3}){0,2}")
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off", ""})


class FilterError(UsageError):
    """An export filter that cannot be used (not a report year, not a region code)."""


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which reports to export: a report year and/or a GB/T 2260 region code (descendants included); synthetic
    test data only when ``include_synthetic``."""

    year: int | None = None
    region: str | None = None
    include_synthetic: bool = False

    @classmethod
    def parse(cls, year: str | int | None = None, region: str | None = None,
              include_synthetic: str | bool | None = None) -> ExportFilter:
        """Validate raw filter values (CLI options, query parameters); raises :class:`FilterError`."""
        y: int | None = None
        if year is not None and str(year).strip():
            try:
                y = int(str(year).strip())
            except ValueError:
                raise FilterError(f"year must be a number, got {year!r}") from None
            if not 2008 <= y <= 2100:
                raise FilterError(f"year {y} is not a report year")
        r = region.strip() if region else None
        if r and not _REGION_CODE.fullmatch(r):
            raise FilterError(f"region must be a GB/T 2260 code of 6, 9 or 12 digits, got {region!r}")
        return cls(y, r or None, _flag("include_synthetic", include_synthetic))

    def describe(self) -> dict[str, Any]:
        """The selection as query parameters and the descriptor state it (unset: None)."""
        return {"year": self.year, "region": self.region, "include_synthetic": True if self.include_synthetic else None}


def _flag(name: str, value: str | bool | None) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FilterError(f"{name} must be true or false, got {value[:20]!r}")


ALL_REPORTS = ExportFilter()
