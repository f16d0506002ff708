"""What kind of agency a name denotes, from its wording alone (the gazetteer decides the rest).

Chinese agency names end in what they are: 横河镇人民政府 is a township government, 某某街道办事处 a
street office, 万源市财政局 a department. :func:`strip_decorations` removes the office words that do not
change the unit (人民政府, 政府, 办事处); :func:`kind_by_suffix` reads the kind off what is left.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal[
    "township",
    "street",
    "county_government",
    "city_government",
    "province_government",
    "department",
    "other",
]
KINDS: tuple[Kind, ...] = (
    "township",
    "street",
    "county_government",
    "city_government",
    "province_government",
    "department",
    "other",
)
# The government kind of a place, by its gazetteer level.
GOVERNMENT_KIND: dict[str, Kind] = {
    "province": "province_government",
    "city": "city_government",
    "county": "county_government",
}

# Longest first, so 人民政府 wins over 政府 and 街道办事处 keeps its 街道.
_DECORATIONS = ("人民政府", "办事处", "政府")
_STREET_ENDINGS = ("街道办", "街道")
_TOWNSHIP_ENDINGS = ("镇", "乡", "苏木", "区公所")
# A zone's management body is not a county government even though the zone's name ends in 区.
_ZONE_ENDINGS = ("开发区", "园区", "示范区", "试验区", "高新区", "景区", "保护区", "管理区", "合作区")
_PROVINCE_ENDINGS = ("省", "自治区", "特别行政区")
_CITY_ENDINGS = ("自治州", "地区", "盟")
_COUNTY_ENDINGS = ("县", "旗", "区", "特区", "林区")
_DEPARTMENT_ENDINGS = (
    "委员会",
    "办公室",
    "办公厅",
    "局",
    "委",
    "厅",
    "中心",
    "署",
    "办",
    "所",
    "站",
    "院",
    "馆",
    "队",
    "部",
    "处",
    "会",
    "社",
    "室",
    "司",
    "台",
)


def strip_decorations(name: str) -> str:
    """The name without a trailing 人民政府/政府/办事处, and 街道办 shortened to 街道.

    ``横河镇人民政府`` → ``横河镇``; ``某某街道办事处`` → ``某某街道``; ``四川省人民政府办公厅`` is unchanged
    (the office words are not at the end: it is a department).
    """
    decoration = next((d for d in _DECORATIONS if name.endswith(d)), "")
    if len(name) > len(decoration):
        name = name[: len(name) - len(decoration)]
    if name.endswith("街道办"):
        name = name[: -len("办")]
    return name


def kind_by_suffix(core: str) -> Kind:
    """The kind a decoration-free name's ending implies, without knowing the place.

    A bare ``…市`` is ``other``: whether it is a city or a county-level city only the gazetteer knows.
    """
    if core.endswith(_STREET_ENDINGS):
        return "street"
    if core.endswith(_TOWNSHIP_ENDINGS):
        return "township"
    if core.endswith(_ZONE_ENDINGS):
        return "other"
    if core.endswith(_PROVINCE_ENDINGS):
        return "province_government"
    if core.endswith(_CITY_ENDINGS):
        return "city_government"
    if core.endswith(_COUNTY_ENDINGS):
        return "county_government"
    if core.endswith(_DEPARTMENT_ENDINGS):
        return "department"
    return "other"


def township_kind(name: str) -> Kind:
    """``street`` for a 街道, ``township`` for any other township-level unit (镇, 乡, 苏木)."""
    return "street" if name.endswith(_STREET_ENDINGS) else "township"
